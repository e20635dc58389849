#include "config.h"

#include <string.h>

#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-test-util.h"

/*
 * Staff PINs checked away from the main thread: a right PIN opens a
 * session that the kiosk's own store then sees, a wrong one says so in
 * words, and the main loop keeps turning while the check runs. To prove
 * the last, another connection holds the journal's write lock until a
 * timeout on the main loop lets it go: a check made on the main thread
 * could never see that timeout fire.
 */

#define SHOP 1
#define SHOP_PIN "2468"
#define ADMIN_PIN "97531"

typedef struct
{
  char         *dir;
  VtrStore     *store;
  GMainContext *context;

  /* The answer, once the callback ran. */
  gboolean      done;
  char         *token;
  gboolean      admin;
  GError       *error;

  /* The main loop's turns while the check runs. */
  guint         ticks;
  VtrStore     *holder;
  gboolean      released;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_staff_set_pin (f->store, SHOP, SHOP_PIN, &error));
  g_assert_true (vtr_staff_set_pin (f->store, VTR_ADMIN_ID, ADMIN_PIN, &error));
  g_assert_no_error (error);
  f->context = g_main_context_ref_thread_default ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->holder);
  g_assert_finalize_object (f->store);
  g_main_context_unref (f->context);
  g_free (f->token);
  g_clear_error (&f->error);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Fixture *f = data;

  g_assert_null (source);
  f->token = vtr_staff_login_finish (f->store, result, &f->error);
  f->done = TRUE;
  g_main_context_wakeup (f->context);
}

static void
on_check_admin (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Fixture *f = data;

  g_assert_null (source);
  f->admin = vtr_staff_check_admin_finish (f->store, result, &f->error);
  f->done = TRUE;
  g_main_context_wakeup (f->context);
}

static gboolean
on_tick (gpointer data)
{
  Fixture *f = data;

  f->ticks++;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_release (gpointer data)
{
  Fixture *f = data;

  f->released = TRUE;
  vtr_store_rollback (f->holder);
  return G_SOURCE_REMOVE;
}

/* Another program's connection takes the journal's write lock; the main
 * loop lets it go after 300 ms. */
static void
hold_journal (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->holder = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_store_begin (f->holder, &error));
  g_assert_true (vtr_store_exec (f->holder, "UPDATE journal.staff SET failures = failures", &error));
  g_assert_no_error (error);
  g_timeout_add (300, on_release, f);
}

static void
wait_for_answer (Fixture *f)
{
  guint tick = g_timeout_add (10, on_tick, f);

  while (!f->done)
    g_main_context_iteration (f->context, TRUE);
  g_source_remove (tick);
}

static void
test_login_right_pin (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 merchant_id = 0;

  hold_journal (f);
  vtr_staff_login_async (f->store, SHOP, SHOP_PIN, NULL, on_login, f);
  /* The call itself returns at once. */
  g_assert_false (f->done);
  wait_for_answer (f);

  g_assert_true (f->released);
  g_assert_cmpuint (f->ticks, >, 10);
  g_assert_no_error (f->error);
  g_assert_nonnull (f->token);

  /* The session was written in the journal the kiosk's store reads. */
  g_assert_true (vtr_staff_session (f->store, f->token, now, &merchant_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (merchant_id, ==, SHOP);
}

static void
test_login_wrong_pin (Fixture       *f,
                      gconstpointer  data)
{
  vtr_staff_login_async (f->store, SHOP, "1357", NULL, on_login, f);
  wait_for_answer (f);

  g_assert_null (f->token);
  g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
  g_assert_cmpstr (f->error->message, ==, "Wrong PIN.");
  g_clear_error (&f->error);

  /* A shop without a PIN on this kiosk, in words too. */
  f->done = FALSE;
  vtr_staff_login_async (f->store, 42, SHOP_PIN, NULL, on_login, f);
  wait_for_answer (f);
  g_assert_null (f->token);
  g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
  g_assert_nonnull (strstr (f->error->message, "no staff PIN"));
}

/* Wrong PINs tried on the worker thread count as on the main one: the
 * fifth locks the counter, and the right PIN then waits. */
static void
test_login_locks_out (Fixture       *f,
                      gconstpointer  data)
{
  for (guint i = 0; i < VTR_PIN_ATTEMPTS; i++)
    {
      f->done = FALSE;
      g_clear_error (&f->error);
      vtr_staff_login_async (f->store, SHOP, "0000", NULL, on_login, f);
      wait_for_answer (f);
      g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
    }
  f->done = FALSE;
  g_clear_error (&f->error);
  vtr_staff_login_async (f->store, SHOP, SHOP_PIN, NULL, on_login, f);
  wait_for_answer (f);
  g_assert_null (f->token);
  g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED);
  g_assert_nonnull (strstr (f->error->message, "15 minutes"));
}

static void
test_check_admin (Fixture       *f,
                  gconstpointer  data)
{
  hold_journal (f);
  vtr_staff_check_admin_async (f->store, ADMIN_PIN, NULL, on_check_admin, f);
  g_assert_false (f->done);
  wait_for_answer (f);
  g_assert_true (f->released);
  g_assert_cmpuint (f->ticks, >, 10);
  g_assert_no_error (f->error);
  g_assert_true (f->admin);

  /* A shop's PIN does not open the admin screen. */
  f->done = FALSE;
  vtr_staff_check_admin_async (f->store, SHOP_PIN, NULL, on_check_admin, f);
  wait_for_answer (f);
  g_assert_false (f->admin);
  g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
  g_assert_cmpstr (f->error->message, ==, "Wrong PIN.");
}

/* Five wrong administrator's PINs lock the administration, and say so:
 * not "the counter", which the shop's own PIN still opens (issue 15). */
static void
test_admin_locks_administration (Fixture       *f,
                                 gconstpointer  data)
{
  for (guint i = 0; i < VTR_PIN_ATTEMPTS; i++)
    {
      f->done = FALSE;
      g_clear_error (&f->error);
      vtr_staff_check_admin_async (f->store, "0000", NULL, on_check_admin, f);
      wait_for_answer (f);
      g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
    }
  g_assert_cmpstr (f->error->message, ==,
                   "Wrong PIN. Too many wrong PINs: the administration is locked for 15 minutes.");
  f->done = FALSE;
  g_clear_error (&f->error);
  vtr_staff_check_admin_async (f->store, ADMIN_PIN, NULL, on_check_admin, f);
  wait_for_answer (f);
  g_assert_false (f->admin);
  g_assert_error (f->error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED);

  /* The counter is not locked: the shop's PIN opens it. */
  f->done = FALSE;
  g_clear_error (&f->error);
  vtr_staff_login_async (f->store, SHOP, SHOP_PIN, NULL, on_login, f);
  wait_for_answer (f);
  g_assert_no_error (f->error);
  g_assert_nonnull (f->token);
}

static void
test_login_cancelled (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  vtr_staff_login_async (f->store, SHOP, SHOP_PIN, cancellable, on_login, f);
  wait_for_answer (f);
  g_assert_null (f->token);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/staff/login-right-pin", test_login_right_pin);
  ADD ("/staff/login-wrong-pin", test_login_wrong_pin);
  ADD ("/staff/login-locks-out", test_login_locks_out);
  ADD ("/staff/check-admin", test_check_admin);
  ADD ("/staff/admin-locks-administration", test_admin_locks_administration);
  ADD ("/staff/login-cancelled", test_login_cancelled);
#undef ADD

  return g_test_run ();
}

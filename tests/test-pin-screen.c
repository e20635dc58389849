#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "vtr-admin-screen.h"
#include "vtr-application.h"
#include "vtr-i18n.h"
#include "vtr-keyboard.h"
#include "vtr-pin-screen.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-sync.h"
#include "vtr-test-hub.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"
#include "vtr-window.h"

/*
 * PINs without a terminal, on the real application under Xvfb, with the
 * real vitrine-hub on 127.0.0.1: the staff PIN a merchant chooses right
 * after pairing a shop device, typed twice with the on-screen keypad; a
 * PIN changed with the old one; a forgotten PIN reset by the code the
 * federation prints, scanned at the kiosk, once.
 */

typedef struct
{
  char           *hub_dir;
  char           *kiosk_dir;
  VtrTestHub     *hub;
  VtrApplication *app;
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)

static VtrWindow *
window (Fixture *f)
{
  return VTR_WINDOW (vtr_application_get_window (f->app));
}

static void
act (Fixture    *f,
     const char *action,
     GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window (f)), action, parameter);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) keys = { 0 };

  f->hub_dir = vtr_test_make_data_dir ();
  f->kiosk_dir = vtr_test_make_data_dir ();
  HUB (f, &keys, "keys", "init");
  g_assert_cmpint (keys.status, ==, 0);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
  g_setenv ("VITRINE_HUB_URL", f->hub->url, TRUE);
  f->app = vtr_application_new (f->kiosk_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (f->app);
  vtr_application_wait_opened (f->app);
  vtr_application_show_window (f->app);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vtr_application_stop (f->app);
  if (vtr_application_get_window (f->app))
    gtk_window_destroy (vtr_application_get_window (f->app));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->app);
  g_unsetenv ("VITRINE_HUB_URL");
  vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->hub_dir);
  vtr_test_remove_tree (f->kiosk_dir);
  g_free (f->hub_dir);
  g_free (f->kiosk_dir);
}

static gboolean
wait_message (Fixture    *f,
              const char *words,
              guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;
  const char *shown = NULL;

  while (g_get_monotonic_time () < deadline)
    {
      shown = vtr_window_get_message (window (f));
      if (shown && strstr (shown, words))
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  g_test_message ("message shown: %s", shown ? shown : "(none)");
  return FALSE;
}

static VtrPinScreen *
wait_pin_screen (Fixture *f,
                 guint    seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;
  GtkWidget *shown = NULL;

  while (g_get_monotonic_time () < deadline)
    {
      shown = vtr_window_get_visible_screen (window (f));
      if (VTR_IS_PIN_SCREEN (shown))
        {
          while (!gtk_widget_get_mapped (shown))
            g_main_context_iteration (NULL, TRUE);
          return VTR_PIN_SCREEN (shown);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  return NULL;
}

/* A finger on the keypad's keys: @pin, then Confirm. */
static void
type_pin (VtrPinScreen *screen,
          const char   *pin)
{
  VtrKeyboard *keyboard = vtr_pin_screen_get_keyboard (screen);
  GtkWidget *confirm = vtr_test_find_button (GTK_WIDGET (screen), _("Confirm"));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (keyboard)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (keyboard)));
  for (const char *c = pin; *c; c++)
    {
      char key[2] = { *c, '\0' };

      g_assert_nonnull (vtr_test_find_button (GTK_WIDGET (keyboard), key));
      vtr_keyboard_press (keyboard, key);
    }
  g_assert_nonnull (confirm);
  g_assert_true (gtk_widget_get_mapped (confirm));
  g_assert_true (gtk_widget_is_sensitive (confirm));
  g_signal_emit_by_name (confirm, "clicked");
}

static gboolean
pin_works (Fixture    *f,
           gint64      merchant_id,
           const char *pin)
{
  g_autoptr(VtrStore) store = vtr_store_open (f->kiosk_dir, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *token = vtr_staff_login (store, merchant_id, pin, now, NULL);

  return token != NULL;
}

static gboolean
has_pin (Fixture *f,
         gint64   merchant_id)
{
  g_autofree char *path = g_build_filename (f->kiosk_dir, "journal.db", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM staff WHERE merchant_id = %" G_GINT64_FORMAT,
                                          merchant_id);

  return vtr_test_sql_int (path, sql) > 0;
}

/* A shop device paired in the app asks the merchant to choose the staff
 * PIN, twice, on the keypad: two different PINs set nothing. */
static void
test_pin_at_pairing (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_autofree char *code = NULL;
  VtrPinScreen *screen;

  HUB (f, &device, "device", "add", "Boulangerie Rampal, comptoir", "--merchant", "2");
  g_assert_cmpint (device.status, ==, 0);
  code = vtr_test_last_line (device.out);
  act (f, "scan-text", g_variant_new_string (code));
  screen = wait_pin_screen (f, 20);
  g_assert_nonnull (screen);
  g_assert_false (has_pin (f, 2));

  type_pin (screen, "2468");
  type_pin (screen, "2469");
  g_assert_cmpstr (vtr_pin_screen_get_message (screen), ==,
                   _("The two PINs typed are not the same: type the new PIN again."));
  type_pin (screen, "24");
  g_assert_cmpstr (vtr_pin_screen_get_message (screen), ==, _("A PIN has 4 to 12 digits."));
  g_assert_false (has_pin (f, 2));

  type_pin (screen, "2468");
  type_pin (screen, "2468");
  g_assert_true (wait_message (f, _("The shop’s staff PIN is set"), 10));
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
  g_assert_true (pin_works (f, 2, "2468"));
  g_assert_false (pin_works (f, 2, "2469"));

  /* Chosen: the counter asks for it, and does not offer to choose it. */
  act (f, "show-counter", NULL);
  vtr_test_spin (100);
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
}

/* A shop device paired whose staff PIN was never chosen (the app stopped
 * before): the counter asks to choose it first. */
static void
test_pin_before_counter (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) link = NULL;
  g_autofree char *code = NULL;
  VtrPinScreen *screen;

  /* Paired from a shell, as vitrine-ctl pair does, the app running. */
  HUB (f, &device, "device", "add", "Savonnerie du Panier", "--merchant", "5");
  g_assert_cmpint (device.status, ==, 0);
  code = vtr_test_last_line (device.out);
  link = vtr_sync_pair (vtr_application_get_store (f->app), code, f->hub->url, &error);
  g_assert_no_error (error);
  vtr_application_stop (f->app);
  gtk_window_destroy (vtr_application_get_window (f->app));
  vtr_test_spin (50);
  g_assert_finalize_object (f->app);
  f->app = vtr_application_new (f->kiosk_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (f->app);
  vtr_application_wait_opened (f->app);
  vtr_application_show_window (f->app);

  act (f, "show-counter", NULL);
  screen = wait_pin_screen (f, 5);
  g_assert_nonnull (screen);
  type_pin (screen, "8642");
  type_pin (screen, "8642");
  g_assert_true (wait_message (f, _("The shop’s staff PIN is set"), 10));
  g_assert_true (pin_works (f, 5, "8642"));
}

/* The administrator changes their PIN from the admin screen's button:
 * the old one first, which must be right. */
static void
test_change_pin (Fixture       *f,
                 gconstpointer  data)
{
  VtrStore *store = vtr_application_get_store (f->app);
  g_autoptr(GError) error = NULL;
  VtrPinScreen *screen;

  g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "1111", &error));
  act (f, "change-admin-pin", NULL);
  screen = wait_pin_screen (f, 5);
  g_assert_nonnull (screen);
  type_pin (screen, "9999");
  type_pin (screen, "2222");
  type_pin (screen, "2222");
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (*vtr_pin_screen_get_message (screen) == '\0' && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (strstr (vtr_pin_screen_get_message (screen), _("Wrong PIN.")));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "1111"));

  type_pin (screen, "1111");
  type_pin (screen, "2222");
  type_pin (screen, "2222");
  g_assert_true (wait_message (f, _("The administrator’s PIN is set"), 10));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "2222"));
  g_assert_false (pin_works (f, VTR_ADMIN_ID, "1111"));
}

/* Statements run on the application's own connection (the main
 * thread's) while traced. */
static int
on_statement (unsigned  kind,
              void     *data,
              void     *stmt,
              void     *sql)
{
  g_test_message ("on the main thread: %s", sqlite3_sql (stmt));
  (*(guint *) data)++;
  return 0;
}

/* The code the federation prints for a forgotten PIN, scanned at the
 * kiosk: the new PIN twice, and the code never works again; another
 * device's code does nothing. */
static void
test_reset_code (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_auto(VtrTestResult) other = { 0 };
  g_auto(VtrTestResult) reset = { 0 };
  g_auto(VtrTestResult) reset_other = { 0 };
  g_autofree char *pairing = NULL;
  g_autofree char *code = NULL;
  g_autofree char *other_code = NULL;
  guint main_reads = 0;
  VtrPinScreen *screen;

  HUB (f, &device, "device", "add", "Kiosque du Vieux-Port");
  HUB (f, &other, "device", "add", "Kiosque de Noailles");
  g_assert_cmpint (device.status, ==, 0);
  pairing = vtr_test_last_line (device.out);
  act (f, "scan-text", g_variant_new_string (pairing));
  g_assert_true (wait_message (f, "Kiosque du Vieux-Port", 20));
  /* Paired without an administrator's PIN: chosen now. */
  screen = wait_pin_screen (f, 10);
  g_assert_nonnull (screen);
  type_pin (screen, "1111");
  type_pin (screen, "1111");
  g_assert_true (wait_message (f, _("The administrator’s PIN is set"), 10));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "1111"));

  HUB (f, &reset_other, "device", "reset-pin", "2");
  g_assert_cmpint (reset_other.status, ==, 0);
  other_code = vtr_test_last_line (reset_other.out);
  /* The code is checked on a worker thread (whether it was used is in
   * the journal), not on the main thread's connection. */
  sqlite3_trace_v2 (vtr_store_get_db (vtr_application_get_store (f->app)), SQLITE_TRACE_STMT, on_statement,
                    &main_reads);
  act (f, "scan-text", g_variant_new_string (other_code));
  g_assert_true (wait_message (f, "(numéro 2)", 5));
  sqlite3_trace_v2 (vtr_store_get_db (vtr_application_get_store (f->app)), 0, NULL, NULL);
  g_assert_cmpuint (main_reads, ==, 0);
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));

  HUB (f, &reset, "device", "reset-pin", "1");
  g_assert_cmpint (reset.status, ==, 0);
  code = vtr_test_last_line (reset.out);
  act (f, "scan-text", g_variant_new_string (code));
  screen = wait_pin_screen (f, 5);
  g_assert_nonnull (screen);
  type_pin (screen, "3579");
  type_pin (screen, "3579");
  g_assert_true (wait_message (f, _("The administrator’s PIN is set"), 10));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "3579"));
  g_assert_false (pin_works (f, VTR_ADMIN_ID, "1111"));

  act (f, "scan-text", g_variant_new_string (code));
  g_assert_true (wait_message (f, _("This PIN reset code was already used: each works once. Ask the "
                                    "federation for a new one."), 5));
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "3579"));
}

/* Whether some visible label in @widget's tree reads @text. */
static gboolean
shows (GtkWidget  *widget,
       const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
      g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows (child, text))
      return TRUE;
  return FALSE;
}

/* A federation kiosk paired in the app whose pairing carried no
 * administrator's PIN (the hub's `device add` without --admin-pin): the
 * administrator's PIN is chosen right after, twice, on the keypad. One
 * whose pairing carried it is not asked. */
static void
test_admin_pin_at_pairing (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_autofree char *code = NULL;
  VtrPinScreen *screen;

  HUB (f, &device, "device", "add", "Kiosque de la Joliette");
  g_assert_cmpint (device.status, ==, 0);
  code = vtr_test_last_line (device.out);
  act (f, "scan-text", g_variant_new_string (code));
  screen = wait_pin_screen (f, 20);
  g_assert_nonnull (screen);
  g_assert_true (shows (GTK_WIDGET (screen), _("Choose the administrator’s PIN")));
  g_assert_false (has_pin (f, VTR_ADMIN_ID));
  type_pin (screen, "97531");
  type_pin (screen, "97530");
  g_assert_cmpstr (vtr_pin_screen_get_message (screen), ==,
                   _("The two PINs typed are not the same: type the new PIN again."));
  g_assert_false (has_pin (f, VTR_ADMIN_ID));
  type_pin (screen, "97531");
  type_pin (screen, "97531");
  g_assert_true (wait_message (f, _("The administrator’s PIN is set"), 10));
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "97531"));

  /* Set: "Administration" asks for it, and does not offer to choose it. */
  act (f, "admin", NULL);
  vtr_test_spin (500);
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
}

static void
test_admin_pin_with_pairing (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_autofree char *code = NULL;

  /* No PIN typed: the hub makes one up, prints it and sends it along. */
  HUB (f, &device, "device", "add", "Kiosque du Prado", "--admin-pin");
  g_assert_cmpint (device.status, ==, 0);
  code = vtr_test_last_line (device.out);
  act (f, "scan-text", g_variant_new_string (code));
  g_assert_true (wait_message (f, "Kiosque du Prado", 20));
  g_assert_true (has_pin (f, VTR_ADMIN_ID));
  vtr_test_spin (1000);
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
}

/* A federation kiosk paired from a shell without an administrator's PIN
 * (the app stopped meanwhile): "Administration" has it chosen first. */
static void
test_admin_pin_at_administration (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(VtrTestResult) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) link = NULL;
  g_autofree char *code = NULL;
  VtrPinScreen *screen;

  HUB (f, &device, "device", "add", "Kiosque de la Belle de Mai");
  g_assert_cmpint (device.status, ==, 0);
  code = vtr_test_last_line (device.out);
  link = vtr_sync_pair (vtr_application_get_store (f->app), code, f->hub->url, &error);
  g_assert_no_error (error);
  vtr_application_stop (f->app);
  gtk_window_destroy (vtr_application_get_window (f->app));
  vtr_test_spin (50);
  g_assert_finalize_object (f->app);
  f->app = vtr_application_new (f->kiosk_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (f->app);
  vtr_application_wait_opened (f->app);
  vtr_application_show_window (f->app);
  g_assert_true (vtr_application_get_paired (f->app));

  act (f, "admin", NULL);
  screen = wait_pin_screen (f, 5);
  g_assert_nonnull (screen);
  g_assert_true (shows (GTK_WIDGET (screen), _("Choose the administrator’s PIN")));
  type_pin (screen, "86420");
  type_pin (screen, "86420");
  g_assert_true (wait_message (f, _("The administrator’s PIN is set"), 10));
  g_assert_true (pin_works (f, VTR_ADMIN_ID, "86420"));
  act (f, "admin", NULL);
  vtr_test_spin (500);
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));
}

/* A federation kiosk added with `vitrine-hub device add --admin-pin`,
 * paired by its code shown to the camera: the administrator opens the
 * administration with that PIN, tapped on the counter's keypad, without
 * anyone having typed it at the kiosk before. */
static void
test_admin_pin_from_pairing (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) add = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *code = NULL;
  GtkWidget *keypad;
  gint64 deadline;

  add = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VITRINE_HUB"), "device", "add",
                                     "Kiosque du Cours Julien", "--admin-pin", "--data-dir", f->hub_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (add, "314159\n", NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (add));
  code = vtr_test_last_line (out);
  act (f, "scan-text", g_variant_new_string (code));
  g_assert_true (wait_message (f, "Kiosque du Cours Julien", 20));
  /* No PIN to choose: it came with the pairing. */
  g_assert_false (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (window (f))));

  act (f, "admin", NULL);
  /* The keypad asking for the administrator's PIN. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  for (;;)
    {
      GtkWidget *ok;

      keypad = vtr_window_get_visible_screen (window (f));
      ok = vtr_test_find_button (keypad, "OK");
      if ((ok && gtk_widget_get_mapped (ok)) || g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  for (const char *c = "314159"; *c; c++)
    {
      char key[2] = { *c, '\0' };

      g_signal_emit_by_name (vtr_test_find_button (keypad, key), "clicked");
    }
  g_signal_emit_by_name (vtr_test_find_button (keypad, "OK"), "clicked");
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (!VTR_IS_ADMIN_SCREEN (vtr_window_get_visible_screen (window (f))) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (VTR_IS_ADMIN_SCREEN (vtr_window_get_visible_screen (window (f))));
}

int
main (int argc, char *argv[])
{
  /* In French, as a kiosk of the federation. */
  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/pin-screen/pin-at-pairing", Fixture, NULL, fixture_set_up, test_pin_at_pairing, fixture_tear_down);
  g_test_add ("/pin-screen/pin-before-counter", Fixture, NULL, fixture_set_up, test_pin_before_counter,
              fixture_tear_down);
  g_test_add ("/pin-screen/admin-pin-from-pairing", Fixture, NULL, fixture_set_up, test_admin_pin_from_pairing,
              fixture_tear_down);
  g_test_add ("/pin-screen/change-pin", Fixture, NULL, fixture_set_up, test_change_pin, fixture_tear_down);
  g_test_add ("/pin-screen/reset-code", Fixture, NULL, fixture_set_up, test_reset_code, fixture_tear_down);
  g_test_add ("/pin-screen/admin-pin-at-pairing", Fixture, NULL, fixture_set_up, test_admin_pin_at_pairing,
              fixture_tear_down);
  g_test_add ("/pin-screen/admin-pin-with-pairing", Fixture, NULL, fixture_set_up, test_admin_pin_with_pairing,
              fixture_tear_down);
  g_test_add ("/pin-screen/admin-pin-at-administration", Fixture, NULL, fixture_set_up,
              test_admin_pin_at_administration, fixture_tear_down);
  return g_test_run ();
}

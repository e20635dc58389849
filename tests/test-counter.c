#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-counter.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-order-reader.h"
#include "vtr-orders.h"
#include "vtr-print-service.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"

/*
 * The counter's state alone, without a screen, on a temporary store with
 * the demo catalogue: the staff PIN (checked on a worker thread), a card
 * scanned, a purchase credited, a reward given, a new customer's card
 * made and printed, an order handed over; and the administrator's PIN,
 * which leaves nothing of the last shop session to show.
 */

#define STAFF_PIN "2468"
#define ADMIN_PIN "13579"
#define SHOP 2

static char *data_dir;
static guint8 secret[VTR_SECRET_KEY_BYTES];

typedef struct
{
  VtrStore        *store;
  VtrCatalog      *catalog;
  VtrKeyList      *keys;
  VtrPrintService *printer;
  VtrCounter      *counter;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (f->store);
  f->keys = vtr_trust_load (f->store, &error);
  g_assert_no_error (error);
  f->printer = vtr_print_service_new (data_dir);
  f->counter = vtr_counter_new (f->store, f->catalog, f->printer);
  vtr_counter_set_keys (f->counter, f->keys);
  vtr_counter_set_merchant_id (f->counter, SHOP);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->counter);
  g_clear_object (&f->printer);
  g_clear_pointer (&f->keys, vtr_key_list_free);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
}

static void
type_keys (VtrCounter *counter,
           const char *keys)
{
  for (const char *k = keys; *k; k++)
    {
      char key[2] = { *k, 0 };

      vtr_counter_press (counter, key);
    }
}

/* Until the PIN being checked has its answer. */
static void
wait_pin_checked (VtrCounter *counter)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  while (vtr_counter_get_busy (counter) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_counter_get_busy (counter));
}

static void
log_in (VtrCounter *counter,
        const char *pin)
{
  type_keys (counter, pin);
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
}

static char *
card_code (const char *card_id)
{
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) card_id, NULL, NULL, 0, 1 };

  return vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static void
count_unlocked (VtrCounter *counter,
                gpointer    data)
{
  (*(guint *) data)++;
}

/* A wrong PIN is refused in words, and opens nothing; the right one opens
 * the staff session, away from the main thread. */
static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autofree char *code = card_code ("PINPINPINPINPINPINPINPINPI");

  vtr_counter_open (counter);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_STAFF_PIN);
  g_assert_cmpstr (vtr_counter_get_title (counter), ==, "Code du personnel");
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "");
  /* A PIN shows as dots, never as digits. */
  type_keys (counter, "1357");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "● ● ● ● ");
  vtr_counter_press (counter, VTR_COUNTER_KEY_ERASE);
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "● ● ● ");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  /* Checked on a worker thread: the counter says it is busy meanwhile. */
  g_assert_true (vtr_counter_get_busy (counter));
  wait_pin_checked (counter);
  g_assert_cmpuint (strlen (vtr_counter_get_message (counter)), >, 5);
  g_assert_false (vtr_counter_get_session_open (counter));
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_STAFF_PIN);
  /* No session: a card is not the counter's to take. */
  g_assert_false (vtr_counter_take_code (counter, code));

  log_in (counter, STAFF_PIN);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==, "");
  g_assert_true (vtr_counter_get_session_open (counter));
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_AMOUNT);
  /* No card yet: digits are an order's number. */
  g_assert_cmpstr (vtr_counter_get_title (counter), ==,
                   "Numéro de commande — ou la carte du client");
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "Scannez la carte du client");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");
  g_assert_true (vtr_counter_get_can_enrol (counter));
  g_assert_false (vtr_counter_get_can_print_slip (counter));

  /* Clearing (idle reset) ends the session. */
  vtr_counter_clear (counter);
  g_assert_false (vtr_counter_get_session_open (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "");
}

/* A card scanned; a purchase credited on the keypad; the shop's rewards,
 * given once the card has the points; the customer's slip printed. */
/* Statements reading the loyalty ledger on the counter's own connection
 * (the main thread's). */
static int
on_loyalty_read (unsigned  kind,
                 void     *data,
                 void     *stmt,
                 void     *sql)
{
  if (strstr (sqlite3_sql (stmt), "loyalty_event"))
    {
      g_test_message ("read on the main thread: %s", sqlite3_sql (stmt));
      (*(guint *) data)++;
    }
  return 0;
}

/* Statements writing to the journal on the counter's own connection (the
 * main thread's): its commits wait for the disk. */
static int
on_journal_write (unsigned  kind,
                  void     *data,
                  void     *stmt,
                  void     *sql)
{
  const char *text = sqlite3_sql (stmt);

  if (g_ascii_strncasecmp (text, "INSERT", 6) == 0 || g_ascii_strncasecmp (text, "UPDATE", 6) == 0 ||
      g_ascii_strncasecmp (text, "DELETE", 6) == 0)
    {
      g_test_message ("written on the main thread: %s", text);
      (*(guint *) data)++;
    }
  return 0;
}

/* The card scanned again, once done: the scan's own bookkeeping is not
 * what the count of main-thread writes below is about. */
static void
rescan (Fixture    *f,
        const char *code,
        guint      *main_writes)
{
  sqlite3_trace_v2 (vtr_store_get_db (f->store), 0, NULL, NULL);
  g_assert_true (vtr_counter_take_code (f->counter, code));
  wait_pin_checked (f->counter);
  sqlite3_trace_v2 (vtr_store_get_db (f->store), SQLITE_TRACE_STMT, on_journal_write, main_writes);
}

static void
test_credit_and_redeem (Fixture       *f,
                        gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  const char *card = "CREDITCREDITCREDITCREDITCR";
  g_autofree char *code = card_code (card);
  g_autofree char *pdf = g_build_filename (data_dir, "slip.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GError) error = NULL;
  VtrReward *cheapest;
  gint64 reward_id;
  int reward_points;
  gint64 before;
  guint loyalty_reads = 0;
  guint main_writes = 0;

  vtr_counter_open (counter);
  log_in (counter, STAFF_PIN);
  /* No card yet: the digits are an order's number; none has them, and an
   * amount needs the card first: said in words. */
  type_keys (counter, "12");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "12");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==,
                   "Aucune commande à remettre n’a le numéro 12. Pour un achat, scannez d’abord la carte du client.");

  g_assert_true (vtr_counter_take_code (counter, code));
  g_assert_cmpstr (vtr_counter_get_card_id (counter), ==, card);
  /* The card's points and the shop's rewards are read on a worker
   * thread, with its own connection: the counter is busy meanwhile. */
  g_assert_true (vtr_counter_get_busy (counter));
  g_assert_null (vtr_counter_get_rewards (counter));
  wait_pin_checked (counter);
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "Carte …ITCR : 0 point");
  g_assert_true (vtr_counter_get_can_print_slip (counter));
  g_assert_nonnull (vtr_counter_get_rewards (counter));

  /* What was typed before the card waits for it. */
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "12 €");
  vtr_counter_press (counter, VTR_COUNTER_KEY_ERASE);
  vtr_counter_press (counter, VTR_COUNTER_KEY_ERASE);
  /* 25,00 €, a second comma refused. */
  type_keys (counter, "25,,00");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "25,00 €");
  /* Credits and rewards are written on a worker thread, with its own
   * connection: the counter is busy, its keys wait, meanwhile. */
  sqlite3_trace_v2 (vtr_store_get_db (f->store), SQLITE_TRACE_STMT, on_journal_write, &main_writes);
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  g_assert_true (vtr_counter_get_busy (counter));
  {
    g_autofree char *keyed = g_strdup (vtr_counter_get_keyed (counter));

    vtr_counter_press (counter, "9");
    g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, keyed);
  }
  wait_pin_checked (counter);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (counter), "+"));
  /* The card is done: what it has now is said, and it is off the counter. */
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), "\nCarte …ITCR : "));
  g_assert_null (vtr_counter_get_card_id (counter));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event WHERE kind = 'credit'"),
                   ==, 1);
  rescan (f, code, &main_writes);
  g_assert_cmpint (vtr_counter_get_balance (counter), >, 0);
  cheapest = g_ptr_array_index (vtr_counter_get_rewards (counter), 0);
  reward_id = cheapest->id;
  reward_points = cheapest->points;
  g_assert_cmpint (vtr_counter_get_balance (counter), <, reward_points);

  /* A reward it cannot pay for is refused in words. */
  vtr_counter_redeem (counter, reward_id);
  wait_pin_checked (counter);
  g_assert_false (g_str_has_prefix (vtr_counter_get_message (counter), "Récompense"));
  g_assert_cmpuint (strlen (vtr_counter_get_message (counter)), >, 5);

  type_keys (counter, "150");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  rescan (f, code, &main_writes);
  before = vtr_counter_get_balance (counter);
  g_assert_cmpint (before, >=, reward_points);
  vtr_counter_redeem (counter, reward_id);
  g_assert_true (vtr_counter_get_busy (counter));
  wait_pin_checked (counter);
  sqlite3_trace_v2 (vtr_store_get_db (f->store), 0, NULL, NULL);
  g_assert_cmpuint (main_writes, ==, 0);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (counter), "Récompense donnée"));
  g_assert_null (vtr_counter_get_card_id (counter));
  /* Its slip can still be printed, for the card just rewarded. */
  g_assert_true (vtr_counter_get_can_print_slip (counter));
  {
    gint64 balance;

    g_assert_true (vtr_loyalty_balance (f->store, card, &balance, NULL, &error));
    g_assert_cmpint (balance, ==, before - reward_points);
  }

  /* The slip for that reward, printed into a PDF; its event, balance and
   * shop read on a worker thread, not on the counter's connection. */
  g_setenv ("VITRINE_PRINTER", to, TRUE);
  sqlite3_trace_v2 (vtr_store_get_db (f->store), SQLITE_TRACE_STMT, on_loyalty_read, &loyalty_reads);
  vtr_counter_print_slip (counter);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==, "Impression du ticket client…");
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

    while (g_str_has_prefix (vtr_counter_get_message (counter), "Impression") && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_unsetenv ("VITRINE_PRINTER");
  sqlite3_trace_v2 (vtr_store_get_db (f->store), 0, NULL, NULL);
  g_assert_cmpuint (loyalty_reads, ==, 0);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==, "Ticket client imprimé : donnez-le au client");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* After a credit the card is done (issue 15): the next amount, typed on
 * the keypad or by stray keys a minute later, goes to nobody until a card
 * is scanned again; the confirmation stays. */
static void
test_card_done_after_credit (Fixture       *f,
                             gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autofree char *code = card_code ("DONEDONEDONEDONEDONEDONEDO");
  g_autofree char *confirmation = NULL;

  vtr_counter_open (counter);
  log_in (counter, STAFF_PIN);
  g_assert_true (vtr_counter_take_code (counter, code));
  wait_pin_checked (counter);
  type_keys (counter, "12");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (counter), "+"));
  confirmation = g_strdup (vtr_counter_get_message (counter));
  g_assert_null (vtr_counter_get_card_id (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "Scannez la carte du client");
  g_assert_null (vtr_counter_get_rewards (counter));
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");

  type_keys (counter, "100");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), "scannez d’abord la carte du client"));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event "
                                             "WHERE card_id = 'DONEDONEDONEDONEDONEDONEDO'"),
                   ==, 1);

  /* Scanned again: the next purchase is credited to it. */
  g_assert_true (vtr_counter_take_code (counter, code));
  wait_pin_checked (counter);
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (counter), "+"));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event "
                                             "WHERE card_id = 'DONEDONEDONEDONEDONEDONEDO'"),
                   ==, 2);
}

/* A card scanned and left there goes after a while with no key nor scan
 * (here a second: the counter's card-timeout); a key keeps it. */
static void
test_card_timeout (Fixture       *f,
                   gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autofree char *code = card_code ("IDLEIDLEIDLEIDLEIDLEIDLEID");
  gint64 deadline;

  g_assert_cmpuint (vtr_counter_get_card_timeout (counter), >=, 60);
  g_assert_cmpuint (vtr_counter_get_card_timeout (counter), <=, 120);
  vtr_counter_open (counter);
  log_in (counter, STAFF_PIN);
  vtr_counter_set_card_timeout (counter, 1);
  g_assert_true (vtr_counter_take_code (counter, code));
  wait_pin_checked (counter);
  type_keys (counter, "3");
  g_assert_cmpstr (vtr_counter_get_card_id (counter), ==, "IDLEIDLEIDLEIDLEIDLEIDLEID");
  deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  while (vtr_counter_get_card_id (counter) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vtr_counter_get_card_id (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "Scannez la carte du client");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");
  /* Stray keys and Enter then credit nobody. */
  type_keys (counter, "3");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), "scannez d’abord la carte du client"));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event "
                                             "WHERE card_id = 'IDLEIDLEIDLEIDLEIDLEIDLEID'"),
                   ==, 0);
  /* The session itself stays open. */
  g_assert_true (vtr_counter_get_session_open (counter));
}

/* A new customer: the mobile typed (a wrong one refused), the card made
 * from the blank stock and printed. */
static void
test_enrol (Fixture       *f,
            gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autofree char *pdf = g_build_filename (data_dir, "card.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = card_code ("NEWCARDNEWCARDNEWCARDNEWCA");
  const char *codes[] = { code, NULL };

  g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_CARD, codes, f->keys, now, &error), ==, 1);
  vtr_counter_open (counter);
  /* Nothing to enrol before the session. */
  vtr_counter_start_enrol (counter);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_STAFF_PIN);
  log_in (counter, STAFF_PIN);
  vtr_counter_start_enrol (counter);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_ENROL_PHONE);
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");
  type_keys (counter, "12");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "12");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), "numéro"));
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_ENROL_PHONE);
  vtr_counter_press (counter, VTR_COUNTER_KEY_ERASE);
  vtr_counter_press (counter, VTR_COUNTER_KEY_ERASE);
  type_keys (counter, "0698765432");

  g_setenv ("VITRINE_PRINTER", to, TRUE);
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_pin_checked (counter);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_AMOUNT);
  g_assert_cmpstr (vtr_counter_get_card_id (counter), ==, "NEWCARDNEWCARDNEWCARDNEWCA");
  g_assert_nonnull (strstr (vtr_counter_get_card (counter), "EWCA"));
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

    while (!g_str_has_prefix (vtr_counter_get_message (counter), "Nouvelle carte imprimée") &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_unsetenv ("VITRINE_PRINTER");
  g_assert_cmpstr (vtr_counter_get_message (counter), ==, "Nouvelle carte imprimée : donnez-la au client");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.card WHERE phone = '0698765432'"), ==, 1);
}

static VtrOrder *
place_order_at (VtrStore   *store,
                const char *first_name,
                GDateTime  *now)
{
  g_autoptr(GError) error = NULL;
  VtrOrderLine line = { 0, 1, 0 };
  VtrOrder *order;

  /* A product the shop has in stock. */
  line.product_id = vtr_test_count (store, "SELECT product_id FROM stock WHERE merchant_id = 2 AND availability > 0 "
                                           "ORDER BY product_id LIMIT 1");
  order = vtr_order_create (store, SHOP, &line, 1, 0, first_name, "0611223344", now, &error);

  g_assert_no_error (error);
  return order;
}

static VtrOrder *
place_order (VtrStore   *store,
             const char *first_name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return place_order_at (store, first_name, now);
}

/* The shop's orders in the session: accepted, made ready, handed over by
 * scanning the customer's pickup code. */
static void
test_orders (Fixture       *f,
             gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autoptr(VtrOrder) order = place_order (f->store, "Malik");
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal.orders WHERE number = '%s' "
                                          "AND state = 'collected'", order->number);
  VtrOrder *shown;

  vtr_counter_open (counter);
  g_assert_null (vtr_counter_get_orders (counter));
  log_in (counter, STAFF_PIN);
  g_assert_nonnull (vtr_counter_get_orders (counter));
  shown = g_ptr_array_index (vtr_counter_get_orders (counter), 0);
  g_assert_cmpstr (shown->number, ==, order->number);
  g_assert_cmpint (shown->state, ==, VTR_ORDER_PLACED);
  vtr_counter_advance_order (counter, order->number);
  /* The list is read again on a worker thread. */
  wait_pin_checked (counter);
  shown = g_ptr_array_index (vtr_counter_get_orders (counter), 0);
  g_assert_cmpint (shown->state, ==, VTR_ORDER_ACCEPTED);
  vtr_counter_advance_order (counter, order->number);
  wait_pin_checked (counter);
  shown = g_ptr_array_index (vtr_counter_get_orders (counter), 0);
  g_assert_cmpint (shown->state, ==, VTR_ORDER_READY);

  g_assert_true (vtr_counter_take_code (counter, order->pickup_code));
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), order->number));
  g_assert_nonnull (strstr (vtr_counter_get_message (counter), "Malik"));
  g_assert_cmpint (vtr_test_count (f->store, sql), ==, 1);
}

static VtrOrder *
place_ready_order (Fixture    *f,
                   const char *session,
                   const char *number,
                   const char *first_name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  VtrOrder *order;

  /* The pickup stock gives its numbers in order: those before go to
   * other customers' orders. */
  while (g_strcmp0 ((order = place_order (f->store, first_name))->number, number) < 0)
    vtr_order_free (order);
  g_assert_cmpstr (order->number, ==, number);
  g_assert_true (vtr_order_advance (f->store, session, number, VTR_ORDER_ACCEPTED, now, &error));
  g_assert_true (vtr_order_advance (f->store, session, number, VTR_ORDER_READY, now, &error));
  g_assert_no_error (error);
  return order;
}

static void
wait_orders_of (VtrCounter *counter,
                const char *asked)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  while ((vtr_counter_get_busy (counter) || g_strcmp0 (vtr_counter_get_asked_number (counter), asked) != 0) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_counter_get_busy (counter));
  g_assert_cmpstr (vtr_counter_get_asked_number (counter), ==, asked);
}

/* A customer says their order's number, "1207" of "XC-1207": without a
 * card, digits typed and OK look for it, beyond the six orders listed,
 * and say it is ready (it was taken for an amount, and asked for a card);
 * two orders with those digits are both shown, the customer's name tells
 * them apart. An amount still takes the card first. */
static void
test_order_number_typed (Fixture       *f,
                         gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *session = vtr_staff_login (f->store, SHOP, STAFF_PIN, now, &error);
  g_autoptr(VtrOrder) zoe = NULL;
  g_autoptr(VtrOrder) malika = NULL;
  g_autoptr(VtrOrder) karim = NULL;
  g_autofree char *card = card_code ("NUMBERNUMBERNUMBERNUMBERNU");
  GPtrArray *shown;

  g_assert_no_error (error);
  g_assert_true (vtr_order_number_has_digits ("XC-1207", "1207"));
  g_assert_false (vtr_order_number_has_digits ("XC-1207", "207"));
  g_assert_false (vtr_order_number_has_digits ("XC-1207", "12070"));
  g_assert_false (vtr_order_number_has_digits ("XC-1207", ""));

  malika = place_ready_order (f, session, "XA-5396", "Malika");
  karim = place_ready_order (f, session, "XB-5396", "Karim");
  zoe = place_ready_order (f, session, "XC-1207", "Zoé");
  /* Six newer orders: the list shows none of these three. */
  {
    g_autoptr(GDateTime) later = g_date_time_add_minutes (now, 1);

    for (guint i = 0; i < VTR_COUNTER_MAX_ORDERS; i++)
      vtr_order_free (place_order_at (f->store, "Autre", later));
  }

  vtr_counter_open (counter);
  log_in (counter, STAFF_PIN);
  wait_orders_of (counter, NULL);
  g_assert_cmpstr (vtr_counter_get_title (counter), ==,
                   "Numéro de commande — ou la carte du client");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");
  shown = vtr_counter_get_orders (counter);
  for (guint i = 0; i < shown->len; i++)
    g_assert_cmpstr (((VtrOrder *) g_ptr_array_index (shown, i))->number, !=, zoe->number);

  /* No comma in an order's number. */
  type_keys (counter, "12,07");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "1207");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_orders_of (counter, "1207");
  shown = vtr_counter_get_orders (counter);
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_cmpstr (((VtrOrder *) g_ptr_array_index (shown, 0))->number, ==, "XC-1207");
  g_assert_cmpstr (vtr_counter_get_message (counter), ==,
                   "La commande XC-1207 de Zoé est prête : remettez-la avec « Retirée ».");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "—");

  /* Handed over: said, and the list shows the latest orders again. */
  vtr_counter_hand_over_order (counter, "XC-1207");
  wait_orders_of (counter, NULL);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==, "Commande XC-1207 remise à Zoé");
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.orders "
                                             "WHERE number = 'XC-1207' AND state = 'collected'"), ==, 1);

  /* Two ready orders with those digits: both, and said. */
  type_keys (counter, "5396");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_orders_of (counter, "5396");
  shown = vtr_counter_get_orders (counter);
  g_assert_cmpuint (shown->len, ==, 2);
  g_assert_cmpstr (vtr_counter_get_message (counter), ==,
                   "2 commandes prêtes ont le numéro 5396 : vérifiez le prénom du client.");
  vtr_counter_show_all_orders (counter);
  wait_orders_of (counter, NULL);
  g_assert_cmpuint (vtr_counter_get_orders (counter)->len, ==, VTR_COUNTER_MAX_ORDERS);

  /* Collected already: nothing to hand over. */
  type_keys (counter, "1207");
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  wait_orders_of (counter, NULL);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (counter),
                                   "Aucune commande à remettre n’a le numéro 1207."));
  /* The digits stay: the card scanned, they are the purchase's amount. */
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "1207");
  g_assert_true (vtr_counter_take_code (counter, card));
  wait_pin_checked (counter);
  g_assert_cmpstr (vtr_counter_get_title (counter), ==, "Montant de l’achat");
  g_assert_cmpstr (vtr_counter_get_keyed (counter), ==, "1207 €");
}

/* The bug of issue 15: the administrator's PIN asked after a shop's
 * session still showed that session's orders, customer names and card.
 * Asking for it ends the session and empties all of it, and says so. */
static void
test_admin_pin_clears (Fixture       *f,
                       gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  g_autoptr(VtrOrder) order = place_order (f->store, "Yasmina");
  g_autofree char *code = card_code ("ADMINADMINADMINADMINADMINA");
  g_autoptr(GError) error = NULL;
  guint orders_notified = 0, card_notified = 0, unlocked = 0;

  g_assert_true (vtr_staff_set_pin (f->store, VTR_ADMIN_ID, ADMIN_PIN, &error));
  vtr_counter_open (counter);
  log_in (counter, STAFF_PIN);
  g_assert_true (vtr_counter_take_code (counter, code));
  wait_pin_checked (counter);
  g_assert_nonnull (vtr_counter_get_orders (counter));
  g_assert_nonnull (vtr_counter_get_rewards (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), !=, "");

  g_signal_connect (counter, "notify::orders", G_CALLBACK (count_notify), &orders_notified);
  g_signal_connect (counter, "notify::card", G_CALLBACK (count_notify), &card_notified);
  g_signal_connect (counter, "admin-unlocked", G_CALLBACK (count_unlocked), &unlocked);
  vtr_counter_ask_admin_pin (counter);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_ADMIN_PIN);
  g_assert_cmpstr (vtr_counter_get_title (counter), ==, "Code administrateur");
  g_assert_false (vtr_counter_get_session_open (counter));
  g_assert_null (vtr_counter_get_orders (counter));
  g_assert_null (vtr_counter_get_rewards (counter));
  g_assert_null (vtr_counter_get_card_id (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "");
  g_assert_false (vtr_counter_get_can_enrol (counter));
  g_assert_false (vtr_counter_get_can_print_slip (counter));
  g_assert_cmpuint (orders_notified, ==, 1);
  g_assert_cmpuint (card_notified, ==, 1);
  /* The customer's card is no longer the counter's to take. */
  g_assert_false (vtr_counter_take_code (counter, code));

  /* The staff PIN is not the administrator's. */
  log_in (counter, STAFF_PIN);
  g_assert_cmpuint (unlocked, ==, 0);
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_ADMIN_PIN);
  g_assert_cmpuint (strlen (vtr_counter_get_message (counter)), >, 5);
  g_assert_null (vtr_counter_get_orders (counter));
  log_in (counter, ADMIN_PIN);
  g_assert_cmpuint (unlocked, ==, 1);
  /* The administrator's session opens nothing of a shop. */
  g_assert_false (vtr_counter_get_session_open (counter));
  g_assert_null (vtr_counter_get_orders (counter));
  g_assert_cmpstr (vtr_counter_get_card (counter), ==, "");
}

/* A PIN check still running when the counter is cleared (the idle reset)
 * opens nothing when its answer comes. */
static void
test_clear_during_check (Fixture       *f,
                         gconstpointer  data)
{
  VtrCounter *counter = f->counter;
  gint64 settle;

  vtr_counter_open (counter);
  type_keys (counter, STAFF_PIN);
  vtr_counter_press (counter, VTR_COUNTER_KEY_OK);
  g_assert_true (vtr_counter_get_busy (counter));
  vtr_counter_clear (counter);
  g_assert_false (vtr_counter_get_busy (counter));
  settle = g_get_monotonic_time () + vtr_test_slow () * 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < settle)
    vtr_test_iterate ();
  g_assert_false (vtr_counter_get_session_open (counter));
  g_assert_cmpint (vtr_counter_get_mode (counter), ==, VTR_COUNTER_MODE_STAFF_PIN);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(VtrKeyList) keys = vtr_test_key_list_new_full (secret, store);
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    g_assert_true (vtr_staff_set_pin (store, SHOP, STAFF_PIN, &error));
    /* Order numbers with their signed pickup codes, issued by the hub. */
    for (guint i = 1; i <= 8; i++)
      {
        g_autofree char *number = g_strdup_printf ("KC-%04u", i);
        VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

        g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
      }
    /* Numbers a customer says at the counter (test_order_number_typed),
     * the newer orders' after them, and the next tests'. */
    {
      const char *said[] = { "XA-5396", "XB-5396", "XC-1207", "YA-0001", "YA-0002", "YA-0003", "YA-0004",
                             "YA-0005", "YA-0006", "ZA-0001", "ZA-0002", "ZA-0003" };

      for (guint i = 0; i < G_N_ELEMENTS (said); i++)
        {
          VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, (char *) said[i], NULL, 20991231, 1 };

          g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
        }
    }
    g_ptr_array_add (codes, NULL);
    g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                      ==, 8 + 12);
  }

  g_test_add ("/counter/pin", Fixture, NULL, fixture_set_up, test_pin, fixture_tear_down);
  g_test_add ("/counter/credit-and-redeem", Fixture, NULL, fixture_set_up, test_credit_and_redeem,
              fixture_tear_down);
  g_test_add ("/counter/enrol", Fixture, NULL, fixture_set_up, test_enrol, fixture_tear_down);
  g_test_add ("/counter/card-done-after-credit", Fixture, NULL, fixture_set_up, test_card_done_after_credit,
              fixture_tear_down);
  g_test_add ("/counter/card-timeout", Fixture, NULL, fixture_set_up, test_card_timeout, fixture_tear_down);
  g_test_add ("/counter/orders", Fixture, NULL, fixture_set_up, test_orders, fixture_tear_down);
  g_test_add ("/counter/order-number-typed", Fixture, NULL, fixture_set_up, test_order_number_typed,
              fixture_tear_down);
  g_test_add ("/counter/admin-pin-clears", Fixture, NULL, fixture_set_up, test_admin_pin_clears,
              fixture_tear_down);
  g_test_add ("/counter/clear-during-check", Fixture, NULL, fixture_set_up, test_clear_during_check,
              fixture_tear_down);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  return status;
}

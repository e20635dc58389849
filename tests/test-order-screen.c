#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-keyboard.h"
#include "vtr-order-placed-screen.h"
#include "vtr-order-screen.h"
#include "vtr-personal-data.h"
#include "vtr-print-service.h"
#include "vtr-store-private.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"

/*
 * The basket and the order-placed screens alone: what the customer puts
 * in the basket, types on the screen's keyboard and chooses, placed in
 * the journal; then the order's number and what to do once the ticket
 * printed, or could not.
 */

static char *data_dir;
static guint8 secret[VTR_SECRET_KEY_BYTES];

typedef struct
{
  GtkWindow         *window;
  VtrStore          *store;
  VtrCatalogService *catalog;
  VtrOrderScreen    *basket;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VtrPosition here = { 43.2951, 5.3744 };

  fixture->store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  fixture->catalog = vtr_catalog_service_new (data_dir);
  fixture->basket = VTR_ORDER_SCREEN (g_object_ref_sink (vtr_order_screen_new ()));
  vtr_order_screen_set_catalog (fixture->basket, fixture->catalog, &here);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_widget_add_css_class (GTK_WIDGET (fixture->window), "vitrine");
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->basket));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  vtr_order_screen_clear (fixture->basket);
  gtk_window_destroy (fixture->window);
  /* The lookups cleared away still hold the basket until their answers
   * came, cancelled; then nothing keeps it alive: its keyboard, rows and
   * handlers. */
  while (G_OBJECT (fixture->basket)->ref_count > 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  vtr_test_spin (50);
  g_assert_finalize_object (fixture->basket);
  g_assert_finalize_object (fixture->catalog);
  g_clear_object (&fixture->store);
}

/* Turns the main loop until every product put in the basket was looked up. */
static void
wait_loaded (VtrOrderScreen *basket)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  while (vtr_order_screen_get_loading (basket) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_order_screen_get_loading (basket));
  vtr_test_spin (20);
}

/* Puts one of a product in the basket, as the window does, and waits for it. */
static void
add (VtrOrderScreen *basket,
     gint64          product_id,
     gint64          merchant_id)
{
  vtr_order_screen_add (basket, product_id, merchant_id);
  g_assert_true (vtr_order_screen_get_loading (basket));
  wait_loaded (basket);
}

static void
on_placed (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Places the basket as the window does, on the worker thread: the screen
 * says it is busy, and the main loop turns, until the answer. */
static VtrOrder *
place (VtrOrderScreen  *basket,
       GDateTime       *now,
       VtrTicket      **ticket,
       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint turns = 0;

  vtr_order_screen_place_async (basket, data_dir, now, NULL, on_placed, &result);
  g_assert_true (vtr_order_screen_get_placing (basket));
  while (result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      turns++;
    }
  g_assert_cmpuint (turns, >, 0);
  return vtr_order_screen_place_finish (basket, result, ticket, error);
}

/* Typing on the on-screen keyboard, key by key (UTF-8 characters). */
static void
type_on_screen (VtrKeyboard *keyboard,
                const char  *text)
{
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      char key[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (c), key);
      vtr_keyboard_press (keyboard, key);
    }
}

/* A basket of two products from one shop, the name and phone typed on the
 * screen's keyboard, collected from a parcel locker; placed in the
 * journal with all of it. */
static void
test_place (Fixture       *fixture,
            gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  VtrKeyboard *keyboard = vtr_order_screen_get_keyboard (basket);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrOrder) order = NULL;
  gint64 other = vtr_test_count (fixture->store, "SELECT min (product_id) FROM stock WHERE merchant_id = 9 "
                                                 "AND product_id != 13 AND availability > 0");
  g_autofree char *sql = NULL;

  add (basket, 13, 9);
  vtr_order_screen_set_quantity (basket, 0, 2);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 2);
  add (basket, other, 9);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 3);

  /* Capitals where a name starts, accents, erasing. */
  vtr_keyboard_target (keyboard, vtr_order_screen_get_name (basket));
  type_on_screen (keyboard, "marie-inèsx");
  vtr_keyboard_press (keyboard, "⌫");
  g_assert_cmpstr (gtk_editable_get_text (vtr_order_screen_get_name (basket)), ==, "Marie-Inès");
  vtr_keyboard_target (keyboard, vtr_order_screen_get_phone (basket));
  type_on_screen (keyboard, "0612345678");
  g_assert_cmpstr (gtk_editable_get_text (vtr_order_screen_get_phone (basket)), ==, "0612345678");

  /* Collected from the nearest parcel locker. */
  g_assert_cmpuint (vtr_order_screen_count_lockers (basket), >=, 1);
  vtr_order_screen_choose_pickup (basket, 1);
  order = place (basket, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (order->lines->len, ==, 2);
  g_assert_cmpint (g_array_index (order->lines, VtrOrderLine, 0).quantity, ==, 2);
  g_assert_cmpstr (order->first_name, ==, "Marie-Inès");
  sql = g_strdup_printf ("SELECT kind FROM collection_point WHERE id = %" G_GINT64_FORMAT, order->locker_id);
  g_assert_cmpint (vtr_test_count (fixture->store, sql), ==, VTR_COLLECTION_PARCEL_LOCKER);
  /* The basket stays until the window clears it: nothing lost if placing fails. */
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 3);
}

/* A product from another shop starts a new basket; a wrong phone is
 * refused in words and the basket kept. */
static void
test_other_shop_and_wrong_phone (Fixture       *fixture,
                                 gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 elsewhere = vtr_test_count (fixture->store, "SELECT min (merchant_id) FROM stock WHERE product_id = 13 "
                                                     "AND merchant_id != 9 AND availability > 0");

  add (basket, 13, 9);
  add (basket, 13, elsewhere);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  g_assert_cmpint (vtr_order_screen_get_merchant (basket), ==, elsewhere);
  vtr_order_screen_fill (basket, "Inès", "12");
  g_assert_null (place (basket, now, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
}

/* The name of shop @id, read from the catalogue. */
static char *
shop_name (Fixture *fixture,
           gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (fixture->store);
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (catalog, id, &error);

  g_assert_no_error (error);
  return g_strdup (merchant->name);
}

/* Whether some visible label of @widget reads @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
count_call (guint *calls)
{
  (*calls)++;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* The basket shows a spinner while the product is looked up on the
 * catalogue's thread, then the product, its shop and the lockers. */
static void
test_loading (Fixture       *fixture,
              gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  GtkWidget *spinner = vtr_test_find_type (GTK_WIDGET (basket), GTK_TYPE_SPINNER);
  /* The basket's list comes first, before where to collect it. */
  GtkWidget *list = vtr_test_find_type (GTK_WIDGET (basket), GTK_TYPE_LIST_BOX);
  g_autofree char *shop = shop_name (fixture, 9);
  guint notified = 0;
  gulong handler;

  g_assert_nonnull (spinner);
  g_assert_nonnull (list);
  g_assert_false (gtk_widget_is_visible (spinner));
  handler = g_signal_connect_swapped (basket, "notify::n-items", G_CALLBACK (count_call), &notified);
  vtr_order_screen_add (basket, 13, 9);
  g_assert_true (vtr_order_screen_get_loading (basket));
  g_assert_true (gtk_widget_is_visible (spinner));
  g_assert_null (gtk_widget_get_first_child (list));
  wait_loaded (basket);
  g_assert_false (gtk_widget_is_visible (spinner));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  g_assert_cmpuint (notified, >=, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_widget_get_first_child (list))), ==,
                   "Saucisses de Toulouse 500 g");
  g_assert_true (shows_text (GTK_WIDGET (basket), shop));
  g_assert_cmpuint (vtr_order_screen_count_lockers (basket), >=, 1);
  g_signal_handler_disconnect (basket, handler);
}

/* A shop with none left: the basket says so, and stays as it was. */
static void
test_none_left (Fixture       *fixture,
                gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  gint64 product = vtr_test_count (fixture->store, "SELECT min (product_id) FROM stock WHERE availability = 0");
  g_autofree char *sql = g_strdup_printf ("SELECT min (merchant_id) FROM stock WHERE availability = 0 "
                                          "AND product_id = %" G_GINT64_FORMAT, product);
  gint64 merchant = vtr_test_count (fixture->store, sql);
  g_autofree char *shop = shop_name (fixture, merchant);

  g_assert_cmpint (product, >, 0);
  add (basket, product, merchant);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 0);
  g_assert_nonnull (strstr (vtr_order_screen_get_message (basket), shop));

  /* A shop that does not sell it at all. */
  add (basket, 13, 987654);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 0);
  g_assert_cmpstr (vtr_order_screen_get_message (basket), !=, "");
}

/* Until a query asked after now was answered: the catalogue answers in
 * order, so every one asked before was too (a cancelled one a turn of the
 * main loop later). */
static void
wait_for_catalog (VtrCatalogService *catalog)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VtrCivicView) view = NULL;
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  vtr_catalog_service_civic_async (catalog, &(VtrPosition) { 43.2951, 5.3744 }, NULL, store_result,
                                   &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  view = vtr_catalog_service_civic_finish (catalog, result, NULL);
  vtr_test_spin (50);
}

/* The basket cleared (the next person, or the order placed) while a
 * product was being looked up: its answer, when it comes, adds nothing. */
static void
test_late_answer_cleared (Fixture       *fixture,
                          gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;

  vtr_order_screen_add (basket, 13, 9);
  vtr_order_screen_add (basket, 14, 9);
  vtr_order_screen_clear (basket);
  g_assert_false (vtr_order_screen_get_loading (basket));
  wait_for_catalog (fixture->catalog);
  g_assert_false (vtr_order_screen_get_loading (basket));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 0);
  g_assert_cmpint (vtr_order_screen_get_merchant (basket), ==, 0);
  g_assert_cmpstr (vtr_order_screen_get_message (basket), ==, "");
  g_assert_null (gtk_widget_get_first_child (vtr_test_find_type (GTK_WIDGET (basket), GTK_TYPE_LIST_BOX)));

  /* The basket goes on working: the next product is added. */
  add (basket, 13, 9);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
}

/* The screen gone (its window closed) while a product was being looked
 * up: the answer finds nothing to change and the screen is freed. */
static void
test_late_answer_closed (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *basket = g_object_ref_sink (vtr_order_screen_new ());
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (basket), (gpointer *) &basket);
  vtr_order_screen_set_catalog (VTR_ORDER_SCREEN (basket), fixture->catalog, &(VtrPosition) { 43.2951, 5.3744 });
  gtk_window_set_child (window, basket);
  gtk_window_present (window);
  vtr_order_screen_add (VTR_ORDER_SCREEN (basket), 13, 9);
  gtk_window_destroy (window);
  g_object_unref (basket);
  while (basket != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (basket);
  wait_for_catalog (fixture->catalog);
}

/* The shopper is told, under the phone, why it is asked and how long it
 * is kept (RGPD): 30 days by default, as the kiosk's setting says. */
static void
test_privacy_words (Fixture       *fixture,
                    gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *thirty = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "Your first name and mobile number are used only to "
                                                          "tell you by text message when your order is ready, or "
                                                          "if it is cancelled. They are erased %u day after you "
                                                          "collect it, or at once if you ask at the shop.",
                                                          "Your first name and mobile number are used only to "
                                                          "tell you by text message when your order is ready, or "
                                                          "if it is cancelled. They are erased %u days after you "
                                                          "collect it, or at once if you ask at the shop.",
                                                          30),
                                             30);
  const char *words = vtr_order_screen_get_privacy_words (basket);
  graphene_rect_t phone_box, words_box;
  GtkWidget *label = NULL;

  g_assert_cmpuint (g_settings_get_uint (settings, "personal-data-days"), ==, 30);
  g_assert_cmpstr (words, ==, thirty);
  g_assert_nonnull (strstr (words, "30"));
  /* Shown, right under the phone it is about. */
  for (GtkWidget *w = gtk_widget_get_next_sibling (GTK_WIDGET (vtr_order_screen_get_phone (basket))); w;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), words) == 0)
      label = w;
  g_assert_nonnull (label);
  vtr_test_spin (100);
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (vtr_order_screen_get_phone (basket)), GTK_WIDGET (basket),
                                            &phone_box));
  g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (basket), &words_box));
  g_assert_cmpfloat (words_box.origin.y, >=, phone_box.origin.y + phone_box.size.height);

  /* Another setting, other words. */
  vtr_order_screen_set_keep_days (basket, 7);
  g_assert_nonnull (strstr (vtr_order_screen_get_privacy_words (basket), " 7 "));
  g_assert_null (strstr (vtr_order_screen_get_privacy_words (basket), "30"));
}

/* The kiosk erases the customer's details of orders over for more than
 * the setting's days, when the app starts (then hourly), off the main
 * thread. */
static void
test_personal_data_erased (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *old_sql = NULL;
  VtrOrderLine line = { 13, 1, 0 };
  g_autoptr(VtrOrder) old = vtr_order_create (fixture->store, 9, &line, 1, 0, "Ancienne", "0611223344", now, &error);
  g_autoptr(VtrOrder) recent = vtr_order_create (fixture->store, 9, &line, 1, 0, "Récente", "0611223344", now,
                                                 &error);
  gint64 end;
  guint source;

  g_assert_no_error (error);
  /* Cancelled 31 and 29 days ago, as the shop's device recorded it. */
  {
    g_autofree char *update = g_strdup_printf ("UPDATE orders SET state = 'cancelled', updated = "
                                               "CASE number WHEN '%s' THEN %" G_GINT64_FORMAT " ELSE %"
                                               G_GINT64_FORMAT " END WHERE number IN ('%s', '%s')",
                                               old->number, g_date_time_to_unix (now) - 31 * 86400,
                                               g_date_time_to_unix (now) - 29 * 86400, old->number,
                                               recent->number);
    g_autofree char *path = g_build_filename (data_dir, "journal.db", NULL);
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    g_assert_cmpint (sqlite3_exec (db, update, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }

  g_settings_set_uint (settings, "personal-data-days", 30);
  source = vtr_personal_data_watch (data_dir, settings);
  old_sql = g_strdup_printf ("SELECT count (*) FROM journal.orders WHERE number = '%s' AND first_name = '' "
                             "AND phone = ''",
                             old->number);
  end = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (vtr_test_count (fixture->store, old_sql) == 0 && g_get_monotonic_time () < end)
    vtr_test_spin (50);
  g_source_remove (source);
  g_assert_cmpint (vtr_test_count (fixture->store, old_sql), ==, 1);
  g_assert_cmpint (vtr_test_count (fixture->store, "SELECT count (*) FROM journal.orders WHERE first_name = 'Récente'"),
                   ==, 1);
}

static gboolean
words_changed (VtrOrderPlacedScreen *placed)
{
  return !g_str_equal (vtr_order_placed_screen_get_words (placed), "Votre ticket s’imprime…");
}

/* The order placed: its number; the ticket printed says so, a printer
 * that does not answer says to show the screen. */
static void
test_placed (void)
{
  g_autofree char *pdf = g_build_filename (data_dir, "placed.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(VtrPrintService) printer = vtr_print_service_new (data_dir);
  const char *targets[] = { to, "tcp:127.0.0.1:1" };
  const char *expected[] = { "ticket", "ne répond pas" };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());
      GtkWidget *placed = vtr_order_placed_screen_new ("KX-0042", "https://vtr13.fr/O/KX-0042", printer);
      VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "KX-0042", NULL);
      gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

      ticket->title = g_strdup ("KX-0042");
      vtr_print_service_set_target (printer, targets[i]);
      gtk_window_set_child (window, placed);
      gtk_window_present (window);
      g_assert_cmpstr (vtr_order_placed_screen_get_number (VTR_ORDER_PLACED_SCREEN (placed)), ==, "KX-0042");
      vtr_order_placed_screen_print (VTR_ORDER_PLACED_SCREEN (placed), ticket);
      while (!words_changed (VTR_ORDER_PLACED_SCREEN (placed)) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      g_test_message ("%s: %s", targets[i], vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (placed)));
      g_assert_nonnull (strstr (vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (placed)), expected[i]));
      gtk_window_destroy (window);
      vtr_test_spin (50);
    }
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* Leaving the placed screen while its ticket prints: the answer, when it
 * comes, finds nothing to change and nothing breaks. */
static void
test_placed_left_while_printing (void)
{
  g_autoptr(VtrPrintService) printer = vtr_print_service_new (data_dir);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *placed = vtr_order_placed_screen_new ("KX-0043", "https://vtr13.fr/O/KX-0043", printer);
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "KX-0043", NULL);

  ticket->title = g_strdup ("KX-0043");
  vtr_print_service_set_target (printer, "tcp:127.0.0.1:1");
  g_object_ref (placed);
  gtk_window_set_child (window, placed);
  gtk_window_present (window);
  vtr_order_placed_screen_print (VTR_ORDER_PLACED_SCREEN (placed), ticket);
  gtk_window_destroy (window);
  g_assert_finalize_object (placed);
  vtr_test_spin (2000 * vtr_test_slow ());
}

/* A promotion for loyal customers only: the basket says to show the
 * card, and counts it once shown; the order placed costs what the page
 * said. */
static void
test_loyal_promotion (Fixture       *fixture,
                      gconstpointer  data)
{
  VtrOrderScreen *basket = fixture->basket;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (fixture->store);
  gint64 at = g_date_time_to_unix (now);
  gint64 price = vtr_test_count (fixture->store, "SELECT price_cents FROM stock WHERE product_id = 13 AND merchant_id = 9");
  VtrPromotion everyone = { 990001, 9, 13, NULL, VTR_PROMOTION_AMOUNT, 10, 0, 0, at - 3600, at + 86400, "" };
  VtrPromotion loyal = { 990002, 9, 13, NULL, VTR_PROMOTION_PERCENT, 20, 0, 0, at - 3600, at + 86400,
                         "Prix fidélité", TRUE };
  g_autofree char *without = vtr_price_format (price - 10);
  g_autofree char *with = vtr_price_format (price - (price * 20 + 50) / 100);
  g_autoptr(VtrOrder) order = NULL;
  GtkWidget *loyalty;

  /* Only these two run at this shop on this product. */
  g_assert_true (vtr_store_exec (fixture->store, "DELETE FROM promotion WHERE merchant_id = 9", &error));
  g_assert_true (vtr_catalog_put_promotion (catalog, &everyone, &error));
  g_assert_true (vtr_catalog_put_promotion (catalog, &loyal, &error));
  g_assert_no_error (error);

  add (basket, 13, 9);
  g_assert_false (vtr_order_screen_get_card_shown (basket));
  g_assert_nonnull (strstr (vtr_order_screen_get_total_words (basket), without));
  loyalty = vtr_test_find_label (GTK_WIDGET (basket), "Montrez votre carte de fidélité");
  g_assert_nonnull (loyalty);
  g_assert_true (gtk_widget_get_visible (loyalty));

  vtr_order_screen_show_card (basket);
  g_assert_nonnull (strstr (vtr_order_screen_get_total_words (basket), with));
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (basket), "Carte de fidélité montrée"));
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (basket), "Prix fidélité"));

  vtr_order_screen_fill (basket, "Inès", "0612345678");
  order = place (basket, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order->total_cents, ==, price - (price * 20 + 50) / 100);

  /* A new basket is a new customer: no card shown. */
  vtr_order_screen_clear (basket);
  g_assert_false (vtr_order_screen_get_card_shown (basket));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(VtrKeyList) keys = vtr_test_key_list_new_full (secret, store);
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    for (guint i = 1; i <= 4; i++)
      {
        g_autofree char *number = g_strdup_printf ("KX-%04u", i);
        VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

        g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
      }
    g_ptr_array_add (codes, NULL);
    g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                      ==, 4);
  }

  g_test_add ("/order-screen/place", Fixture, NULL, fixture_set_up, test_place, fixture_tear_down);
  g_test_add ("/order-screen/other-shop-and-wrong-phone", Fixture, NULL, fixture_set_up,
              test_other_shop_and_wrong_phone, fixture_tear_down);
  g_test_add ("/order-screen/loading", Fixture, NULL, fixture_set_up, test_loading, fixture_tear_down);
  g_test_add ("/order-screen/none-left", Fixture, NULL, fixture_set_up, test_none_left, fixture_tear_down);
  g_test_add ("/order-screen/late-answer-cleared", Fixture, NULL, fixture_set_up, test_late_answer_cleared,
              fixture_tear_down);
  g_test_add ("/order-screen/late-answer-closed", Fixture, NULL, fixture_set_up, test_late_answer_closed,
              fixture_tear_down);
  g_test_add ("/order-screen/privacy-words", Fixture, NULL, fixture_set_up, test_privacy_words, fixture_tear_down);
  g_test_add ("/order-screen/personal-data-erased", Fixture, NULL, fixture_set_up, test_personal_data_erased,
              fixture_tear_down);
  g_test_add ("/order-screen/loyal-promotion", Fixture, NULL, fixture_set_up, test_loyal_promotion,
              fixture_tear_down);
  g_test_add_func ("/order-screen/placed", test_placed);
  g_test_add_func ("/order-screen/placed-left-while-printing", test_placed_left_while_printing);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

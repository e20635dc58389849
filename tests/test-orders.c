#include "config.h"

#include <string.h>

#include "vtr-catalog.h"
#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-staff.h"
#include "vtr-orders.h"
#include "vtr-store-private.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"

/*
 * Orders on a real journal: placing one (prices and stock from the shop,
 * number and signed pickup code from the hub's stock), its life from
 * placed to collected, the steps that are refused, and handing over with
 * the pickup code.
 */

#define SHOP 1
#define OTHER_SHOP 2
#define LOCKER 7

typedef struct
{
  char       *dir;
  VtrStore   *store;
  VtrKeyList *keys;
  guint8      secret[64];
  char       *session;
  char       *other_session;
  GDateTime  *now;
} Fixture;

static char *
pickup (Fixture *f, const char *number)
{
  VtrFlashcode code = { VTR_CODE_PICKUP, 0, 0, 0, NULL, (char *) number, NULL, 20270630, 1 };
  return vtr_flashcode_sign (&code, "vtr13.fr", f->secret, NULL);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  VtrMerchant shop = { .id = SHOP, .name = "Savonnerie", .position = { 43.29, 5.37 } };
  VtrMerchant other = { .id = OTHER_SHOP, .name = "Épicerie", .position = { 43.30, 5.37 } };
  VtrProduct soap = { 10, NULL, "Savon", "", "hygiene" };
  VtrProduct oil = { 11, NULL, "Huile", "", "epicerie" };
  VtrStock soap_here = { 10, SHOP, 450, VTR_AVAILABILITY_IN_STOCK, 1 };
  VtrStock oil_out = { 11, SHOP, 1200, VTR_AVAILABILITY_OUT_OF_STOCK, 1 };
  VtrCollectionPoint locker = { LOCKER, VTR_COLLECTION_PARCEL_LOCKER, "Consigne", 0, "quai", { 43.29, 5.37 }, "24/7" };
  VtrCollectionPoint clothes = { 8, VTR_COLLECTION_CLOTHES, "Relais", 0, "cours", { 43.29, 5.37 }, "24/7" };
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;

  f->dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->now = g_date_time_new_utc (2026, 11, 25, 9, 0, 0);

  catalog = vtr_catalog_new (f->store);
  g_assert_true (vtr_catalog_put_merchant (catalog, &shop, &error));
  g_assert_true (vtr_catalog_put_merchant (catalog, &other, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &soap, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &oil, &error));
  g_assert_true (vtr_catalog_put_stock (catalog, &soap_here, &error));
  g_assert_true (vtr_catalog_put_stock (catalog, &oil_out, &error));
  g_assert_true (vtr_catalog_put_collection_point (catalog, &locker, &error));
  g_assert_true (vtr_catalog_put_collection_point (catalog, &clothes, &error));

  f->keys = vtr_test_key_list_new (f->secret);
  g_assert_no_error (error);

  p1 = pickup (f, "KX-0001");
  p2 = pickup (f, "KX-0002");
  p3 = pickup (f, "KX-0003");
  {
    const char *codes[] = { p1, p2, p3, NULL };
    g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_PICKUP, codes, f->keys, f->now, &error), ==, 3);
  }

  g_assert_true (vtr_staff_set_pin (f->store, SHOP, "1111", &error));
  g_assert_true (vtr_staff_set_pin (f->store, OTHER_SHOP, "2222", &error));
  f->session = vtr_staff_login (f->store, SHOP, "1111", f->now, &error);
  f->other_session = vtr_staff_login (f->store, OTHER_SHOP, "2222", f->now, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  vtr_key_list_free (f->keys);
  g_date_time_unref (f->now);
  g_free (f->session);
  g_free (f->other_session);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static VtrOrder *
place (Fixture *f, gint64 locker)
{
  g_autoptr(GError) error = NULL;
  VtrOrderLine lines[] = { { 10, 3, 0 } };
  VtrOrder *order = vtr_order_create (f->store, SHOP, lines, 1, locker, " Zoé ", "06 11 22 33 44",
                                      f->now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

static void
test_place (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = place (f, 0);
  g_autoptr(VtrOrder) to_locker = place (f, LOCKER);
  g_autoptr(VtrCodeInfo) info = NULL;

  /* The shop's price, the first number, a pickup code that verifies. */
  g_assert_cmpint (order->total_cents, ==, 3 * 450);
  g_assert_cmpstr (order->number, ==, "KX-0001");
  g_assert_cmpstr (order->first_name, ==, "Zoé");
  g_assert_cmpint (order->state, ==, VTR_ORDER_PLACED);
  info = vtr_code_classify (order->pickup_code, -1, f->keys, f->now);
  g_assert_cmpint (info->kind, ==, VTR_CODE_PICKUP);
  g_assert_cmpint (info->verdict, ==, VTR_VERDICT_TRUSTED);
  g_assert_cmpstr (info->code.order, ==, "KX-0001");
  g_assert_cmpstr (to_locker->number, ==, "KX-0002");
  g_assert_cmpint (to_locker->locker_id, ==, LOCKER);

  /* Each placed order: its lines, its first event, its outbox row. */
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.order_line"), ==, 2);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.order_event WHERE state = 'placed' AND who = 'customer'"), ==, 2);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox WHERE kind = 'order'"), ==, 2);
}

static void
test_refused_orders (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  VtrOrderLine soap[] = { { 10, 1, 0 } };
  VtrOrderLine oil[] = { { 11, 1, 0 } };
  VtrOrderLine twice[] = { { 10, 1, 0 }, { 10, 2, 0 } };
  VtrOrderLine many[] = { { 10, 100, 0 } };

  g_assert_null (vtr_order_create (f->store, SHOP, oil, 1, 0, "Zoé", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (vtr_order_create (f->store, OTHER_SHOP, soap, 1, 0, "Zoé", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (vtr_order_create (f->store, SHOP, twice, 2, 0, "Zoé", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vtr_order_create (f->store, SHOP, many, 1, 0, "Zoé", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vtr_order_create (f->store, SHOP, soap, 1, 0, "", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vtr_order_create (f->store, SHOP, soap, 1, 0, "Zoé", "call me", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID);
  g_clear_error (&error);
  /* A clothes container is no parcel locker. */
  g_assert_null (vtr_order_create (f->store, SHOP, soap, 1, 8, "Zoé", "0611223344", f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID);
  g_clear_error (&error);

  /* None of these used a number or left a trace. */
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.pickup_stock WHERE used = 1"), ==, 0);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox"), ==, 0);

  /* When the numbers run out, the kiosk says so. */
  for (int i = 0; i < 3; i++)
    vtr_order_free (place (f, 0));
  g_assert_null (vtr_order_create (f->store, SHOP, soap, 1, 0, "Zoé", "0611223344", f->now, &error));
  g_assert_nonnull (strstr (error->message, "order numbers"));
}

static void
test_life (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = place (f, 0);
  g_autoptr(VtrOrder) collected = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *forged = g_strdup (order->pickup_code);

  /* Another shop cannot touch it; steps come in order. */
  g_assert_false (vtr_order_advance (f->store, f->other_session, order->number, VTR_ORDER_ACCEPTED, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vtr_order_advance (f->store, f->session, order->number, VTR_ORDER_READY, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (vtr_order_advance (f->store, f->session, order->number, VTR_ORDER_ACCEPTED, f->now, &error));
  g_assert_false (vtr_order_advance (f->store, f->session, order->number, VTR_ORDER_COLLECTED, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (vtr_order_advance (f->store, f->session, order->number, VTR_ORDER_READY, f->now, &error));

  /* Handed over only with its own pickup code, scanned. */
  forged[strlen (forged) - 4] = forged[strlen (forged) - 4] == 'A' ? 'B' : 'A';
  g_assert_null (vtr_order_collect (f->store, f->session, forged, f->keys, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_A_PICKUP_CODE);
  g_clear_error (&error);
  g_assert_null (vtr_order_collect (f->store, f->session, "3760123000017", f->keys, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_A_PICKUP_CODE);
  g_clear_error (&error);
  collected = vtr_order_collect (f->store, f->session, order->pickup_code, f->keys, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (collected->state, ==, VTR_ORDER_COLLECTED);

  /* Collected is the end. */
  g_assert_false (vtr_order_advance (f->store, f->session, order->number, VTR_ORDER_CANCELLED, f->now, &error));
  g_assert_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_WRONG_STATE);
  g_clear_error (&error);

  /* Who and when, at each step, each on its way to the hub. */
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.order_event"), ==, 4);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.order_event WHERE who = 'shop 1'"), ==, 3);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox o JOIN journal.order_event e USING (uuid)"), ==, 4);

  listed = vtr_order_list (f->store, SHOP, &error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpint (((VtrOrder *) g_ptr_array_index (listed, 0))->state, ==, VTR_ORDER_COLLECTED);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = vtr_order_list (f->store, OTHER_SHOP, &error);
  g_assert_cmpuint (listed->len, ==, 0);
}

/* The basket honours the shop's promotions, the cheapest one per line;
 * one for loyalty card holders only counts when a card was shown. */
static void
test_promotions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
  gint64 day = g_date_time_to_unix (f->now);
  /* 0,50 € off anything "hygiene" for everyone; 20 % off the soap for
   * loyal customers; 50 % for loyal customers, but over yesterday. */
  VtrPromotion everyone = { 1, SHOP, 0, "hygiene", VTR_PROMOTION_AMOUNT, 50, 0, 0, day - 3600, day + 86400, "" };
  VtrPromotion loyal = { 2, SHOP, 10, NULL, VTR_PROMOTION_PERCENT, 20, 0, 0, day - 3600, day + 86400,
                         "Prix fidélité", TRUE };
  VtrPromotion over = { 3, SHOP, 10, NULL, VTR_PROMOTION_PERCENT, 50, 0, 0, day - 86400, day - 60, "", TRUE };
  VtrOrderLine lines[] = { { 10, 2, 0 } };
  g_autoptr(VtrOrder) plain = NULL;
  g_autoptr(VtrOrder) with_card = NULL;
  VtrPromotion three_for_two = { 4, SHOP, 10, NULL, VTR_PROMOTION_BUY_GET, 0, 2, 1, 0, 1, "" };

  g_assert_true (vtr_catalog_put_promotion (catalog, &everyone, &error));
  g_assert_true (vtr_catalog_put_promotion (catalog, &loyal, &error));
  g_assert_true (vtr_catalog_put_promotion (catalog, &over, &error));
  g_assert_no_error (error);

  /* No card: the 0,50 € off each; the line keeps the shop's price. */
  plain = vtr_order_create_full (f->store, SHOP, lines, 1, 0, "Zoé", "0611223344", FALSE, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plain->total_cents, ==, 2 * (450 - 50));
  g_assert_cmpint (g_array_index (plain->lines, VtrOrderLine, 0).price_cents, ==, 450);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT total_cents FROM journal.orders WHERE uuid = '%s'", plain->uuid);

    g_assert_cmpint (vtr_test_count (f->store, sql), ==, 800);
  }

  /* The card shown: 20 % off is cheaper than 0,50 € off each. */
  with_card = vtr_order_create_full (f->store, SHOP, lines, 1, 0, "Zoé", "0611223344", TRUE, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (with_card->total_cents, ==, 900 - 180);

  /* Buy 2 get 1: of each 3 taken, 1 is free. */
  g_assert_cmpint (vtr_promotion_line_total (&three_for_two, 450, 2), ==, 900);
  g_assert_cmpint (vtr_promotion_line_total (&three_for_two, 450, 3), ==, 900);
  g_assert_cmpint (vtr_promotion_line_total (&three_for_two, 450, 7), ==, 5 * 450);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/orders/place", test_place);
  ADD ("/orders/refused", test_refused_orders);
  ADD ("/orders/life", test_life);
  ADD ("/orders/promotions", test_promotions);
#undef ADD

  return g_test_run ();
}

#include "config.h"

#include <string.h>

#include "vtr-catalog.h"
#include "vtr-loyalty.h"
#include "vtr-outbox.h"
#include "vtr-shop-edit.h"
#include "vtr-shop-stats.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-test-util.h"

/*
 * "Ma boutique" at the counter, on a real SQLite file: a price and stock
 * change is on the local catalogue and in the outbox in one transaction,
 * bad values are refused in words with nothing written, and undo puts
 * back what a change replaced.
 */

#define SHOP       1
#define OTHER_SHOP 2
#define BREAD      10
#define JAM        11

typedef struct
{
  char      *dir;
  VtrStore  *store;
  char      *session;
  GDateTime *now;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  VtrMerchant shop = { .id = SHOP, .name = "Boulangerie du Panier", .position = { 43.2988, 5.3680 } };
  VtrMerchant other = { .id = OTHER_SHOP, .name = "Épicerie Noailles", .position = { 43.2960, 5.3800 } };
  VtrProduct bread = { BREAD, "3017620422003", "Pain de campagne", "", "boulangerie" };
  VtrProduct jam = { JAM, NULL, "Confiture de figues", "", "épicerie" };
  VtrStock stock = { .product_id = BREAD, .merchant_id = SHOP, .price_cents = 220,
                     .availability = VTR_AVAILABILITY_IN_STOCK, .updated = 1 };

  f->dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->now = g_date_time_new (tz, 2026, 11, 25, 10, 0, 0);
  catalog = vtr_catalog_new (f->store);
  g_assert_true (vtr_catalog_put_merchant (catalog, &shop, &error));
  g_assert_true (vtr_catalog_put_merchant (catalog, &other, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &bread, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &jam, &error));
  g_assert_true (vtr_catalog_put_stock (catalog, &stock, &error));
  g_assert_no_error (error);
  g_assert_true (vtr_staff_set_pin (f->store, SHOP, "2468", &error));
  f->session = vtr_staff_login (f->store, SHOP, "2468", f->now, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->store);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->session);
  g_date_time_unref (f->now);
}

/* The shop's line for @product: its price, or -1 when it has none. */
static gint64
price_of (Fixture *f,
          gint64   product,
          int     *availability,
          gint64  *quantity)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (f->store,
                         "SELECT price_cents, availability, coalesce (quantity, -1) FROM stock "
                         "WHERE product_id = ? AND merchant_id = ?",
                         NULL);

  sqlite3_bind_int64 (stmt, 1, product);
  sqlite3_bind_int64 (stmt, 2, SHOP);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  if (availability)
    *availability = sqlite3_column_int (stmt, 1);
  if (quantity)
    *quantity = sqlite3_column_int64 (stmt, 2);
  return sqlite3_column_int64 (stmt, 0);
}

static guint
outbox_count (Fixture *f)
{
  g_autoptr(GPtrArray) pending = vtr_outbox_pending (f->store, 1000, NULL);

  return pending->len;
}

static void
test_set_stock (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) edits = NULL;
  JsonObject *payload;
  int availability = -1;
  gint64 quantity = 0;

  g_assert_true (vtr_shop_set_stock (f->store, f->session, BREAD, 240, VTR_AVAILABILITY_LOW, 12, f->now, &uuid,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpint (price_of (f, BREAD, &availability, &quantity), ==, 240);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_LOW);
  g_assert_cmpint (quantity, ==, 12);

  /* The event the hub gets: the session's shop, the values, the time. */
  pending = vtr_outbox_pending (f->store, 10, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((VtrOutboxEntry *) pending->pdata[0])->uuid, ==, uuid);
  g_assert_cmpstr (((VtrOutboxEntry *) pending->pdata[0])->kind, ==, VTR_SHOP_EVENT_STOCK);
  node = json_from_string (((VtrOutboxEntry *) pending->pdata[0])->payload, &error);
  payload = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (payload, "merchant"), ==, SHOP);
  g_assert_cmpint (json_object_get_int_member (payload, "product"), ==, BREAD);
  g_assert_cmpint (json_object_get_int_member (payload, "price_cents"), ==, 240);
  g_assert_cmpstr (json_object_get_string_member (payload, "availability"), ==, "low");
  g_assert_cmpint (json_object_get_int_member (payload, "at"), ==, g_date_time_to_unix (f->now));

  /* A product new to the shelf is added to it. */
  g_assert_true (vtr_shop_set_stock (f->store, f->session, JAM, 450, VTR_AVAILABILITY_IN_STOCK,
                                     VTR_SHOP_NO_QUANTITY, f->now, NULL, &error));
  g_assert_cmpint (price_of (f, JAM, NULL, &quantity), ==, 450);
  g_assert_cmpint (quantity, ==, -1);

  edits = vtr_shop_list_edits (f->store, SHOP, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (edits->len, ==, 2);
  g_assert_cmpint (((VtrShopEdit *) edits->pdata[0])->state, ==, VTR_SHOP_EDIT_PENDING);
  g_assert_cmpstr (((VtrShopEdit *) edits->pdata[1])->summary, ==, "Pain de campagne: 2,40 €, low stock");
}

static void
test_refused (Fixture      *f,
              gconstpointer data)
{
  struct
  {
    gint64       product;
    gint64       price;
    int          availability;
    int          quantity;
    int          code;
    const char  *words;
  } cases[] = {
    { BREAD, -10, VTR_AVAILABILITY_IN_STOCK, -1, VTR_SHOP_ERROR_INVALID, "negative" },
    { BREAD, 10000001, VTR_AVAILABILITY_IN_STOCK, -1, VTR_SHOP_ERROR_INVALID, "100 000 €" },
    { BREAD, 200, 7, -1, VTR_SHOP_ERROR_INVALID, "in stock" },
    { BREAD, 200, VTR_AVAILABILITY_IN_STOCK, 2000000, VTR_SHOP_ERROR_INVALID, "quantity" },
    { 999, 200, VTR_AVAILABILITY_IN_STOCK, -1, VTR_SHOP_ERROR_UNKNOWN_PRODUCT, "barcode" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vtr_shop_set_stock (f->store, f->session, cases[i].product, cases[i].price,
                                          cases[i].availability, cases[i].quantity, f->now, NULL, &error));
      g_assert_error (error, VTR_SHOP_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
  /* Nothing half-applied: the old price, no event, nothing to undo. */
  g_assert_cmpint (price_of (f, BREAD, NULL, NULL), ==, 220);
  g_assert_cmpuint (outbox_count (f), ==, 0);

  /* A merchant-made product of another shop, not yet reviewed. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (vtr_store_exec (f->store,
                                   "INSERT INTO product_made (product_id, merchant_id, created) VALUES (11, 2, 1)",
                                   &error));
    g_assert_false (vtr_shop_set_stock (f->store, f->session, JAM, 450, VTR_AVAILABILITY_IN_STOCK, -1, f->now,
                                        NULL, &error));
    g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_NOT_YOURS);
    g_assert_cmpint (price_of (f, JAM, NULL, NULL), ==, -1);
  }
  /* No session, no change. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (vtr_shop_set_stock (f->store, "nope", BREAD, 100, VTR_AVAILABILITY_IN_STOCK, -1, f->now, NULL,
                                        &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION);
  }
  g_assert_cmpuint (outbox_count (f), ==, 0);
}

static void
test_undo (Fixture      *f,
           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrShopEdit) undone = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  g_assert_true (vtr_shop_set_stock (f->store, f->session, BREAD, 240, VTR_AVAILABILITY_IN_STOCK, -1, f->now, NULL,
                                     &error));
  g_assert_true (vtr_shop_set_stock (f->store, f->session, JAM, 450, VTR_AVAILABILITY_IN_STOCK, -1, f->now, NULL,
                                     &error));
  g_assert_no_error (error);

  /* The last change first: the jam leaves the shelf it was not on. */
  g_assert_true (vtr_shop_undo (f->store, f->session, f->now, &undone, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (undone->kind, ==, VTR_SHOP_EVENT_STOCK);
  g_assert_cmpint (undone->state, ==, VTR_SHOP_EDIT_UNDONE);
  g_assert_cmpint (price_of (f, JAM, NULL, NULL), ==, -1);
  g_assert_cmpint (price_of (f, BREAD, NULL, NULL), ==, 240);
  g_clear_pointer (&undone, vtr_shop_edit_free);

  /* Then the bread's old price; the undos went out as events too. */
  g_assert_true (vtr_shop_undo (f->store, f->session, f->now, NULL, &error));
  g_assert_cmpint (price_of (f, BREAD, NULL, NULL), ==, 220);
  pending = vtr_outbox_pending (f->store, 10, &error);
  g_assert_cmpuint (pending->len, ==, 4);
  g_assert_nonnull (strstr (((VtrOutboxEntry *) pending->pdata[2])->payload, "\"remove\":true"));
  g_assert_nonnull (strstr (((VtrOutboxEntry *) pending->pdata[3])->payload, "\"price_cents\":220"));

  g_assert_false (vtr_shop_undo (f->store, f->session, f->now, NULL, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_NOTHING_TO_UNDO);
}

static void
test_find_product (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = -1;

  g_assert_true (vtr_shop_find_product (f->store, "3017620422003", &id, &error));
  g_assert_cmpint (id, ==, BREAD);
  g_assert_true (vtr_shop_find_product (f->store, "4006381333931", &id, &error));
  g_assert_cmpint (id, ==, 0);
  g_assert_false (vtr_shop_find_product (f->store, "3017620422004", &id, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_BAD_GTIN);
}

static void
test_product (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) categories = NULL;
  gint64 id = 0, found = 0;

  categories = vtr_shop_list_categories (f->store, &error);
  g_assert_cmpuint (g_strv_length (categories), ==, 2);
  g_assert_cmpstr (categories[0], ==, "boulangerie");

  /* A bad check digit, an unknown category, no name: refused. */
  g_assert_false (vtr_shop_create_product (f->store, f->session, "4006381333932", "Fougasse", NULL, "boulangerie",
                                           f->now, &id, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_BAD_GTIN);
  g_clear_error (&error);
  g_assert_false (vtr_shop_create_product (f->store, f->session, "4006381333931", "Fougasse", NULL, "fromagerie",
                                           f->now, &id, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_CATEGORY);
  g_assert_nonnull (strstr (error->message, "fromagerie"));
  g_clear_error (&error);
  g_assert_false (vtr_shop_create_product (f->store, f->session, "3017620422003", "Pain", NULL, "boulangerie",
                                           f->now, &id, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (outbox_count (f), ==, 0);

  g_assert_true (vtr_shop_create_product (f->store, f->session, "4006381333931", "Fougasse aux olives", "Maison",
                                          "boulangerie", f->now, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >=, VTR_SHOP_MADE_PRODUCT_BASE);
  g_assert_true (vtr_shop_find_product (f->store, "4006381333931", &found, &error));
  g_assert_cmpint (found, ==, id);
  g_assert_true (vtr_shop_set_stock (f->store, f->session, id, 350, VTR_AVAILABILITY_IN_STOCK, -1, f->now, NULL,
                                     &error));
  g_assert_cmpint (price_of (f, id, NULL, NULL), ==, 350);

  /* Undo the price, then the product itself. */
  g_assert_true (vtr_shop_undo (f->store, f->session, f->now, NULL, &error));
  g_assert_true (vtr_shop_undo (f->store, f->session, f->now, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vtr_shop_find_product (f->store, "4006381333931", &found, &error));
  g_assert_cmpint (found, ==, 0);
}

static void
test_promotion (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 t = g_date_time_to_unix (f->now);
  VtrShopPromotion p = { .product_id = BREAD, .kind = VTR_PROMOTION_PERCENT, .value = 20, .starts = t,
                         .ends = t + 7 * 86400, .audience = VTR_SHOP_AUDIENCE_LOYAL, .title = "-20 % fidèles" };
  VtrShopPromotion backwards = p, on_both = p, too_much = p, unknown = p;
  gboolean found;
  gint64 audience, ends;

  backwards.ends = t - 86400;
  on_both.category = "boulangerie";
  too_much.kind = VTR_PROMOTION_AMOUNT, too_much.value = 300;
  unknown.product_id = 0, unknown.category = "fromagerie";
  g_assert_false (vtr_shop_put_promotion (f->store, f->session, &backwards, f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ends before it starts"));
  g_clear_error (&error);
  g_assert_false (vtr_shop_put_promotion (f->store, f->session, &on_both, f->now, &error));
  g_clear_error (&error);
  g_assert_false (vtr_shop_put_promotion (f->store, f->session, &too_much, f->now, &error));
  g_assert_nonnull (strstr (error->message, "price"));
  g_clear_error (&error);
  g_assert_false (vtr_shop_put_promotion (f->store, f->session, &unknown, f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_CATEGORY);
  g_clear_error (&error);
  g_assert_cmpuint (outbox_count (f), ==, 0);

  g_assert_true (vtr_shop_put_promotion (f->store, f->session, &p, f->now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.id, >=, VTR_SHOP_PROMOTION_BASE);
  {
    g_autoptr(VtrStatement) stmt = vtr_store_statement (f->store, "SELECT audience, ends FROM promotion WHERE id = ?",
                                                        NULL);
    sqlite3_bind_int64 (stmt, 1, p.id);
    found = sqlite3_step (stmt) == SQLITE_ROW;
    audience = sqlite3_column_int64 (stmt, 0);
    ends = sqlite3_column_int64 (stmt, 1);
  }
  g_assert_true (found);
  g_assert_cmpint (audience, ==, 1);
  g_assert_cmpint (ends, ==, t + 7 * 86400);

  /* Ended early, two hours later. */
  {
    g_autoptr(GDateTime) tomorrow = g_date_time_add_hours (f->now, 2);
    g_autoptr(VtrStatement) stmt = NULL;

    g_assert_true (vtr_shop_end_promotion (f->store, f->session, p.id, tomorrow, &error));
    g_assert_no_error (error);
    stmt = vtr_store_statement (f->store, "SELECT ends FROM promotion WHERE id = ?", NULL);
    sqlite3_bind_int64 (stmt, 1, p.id);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, g_date_time_to_unix (tomorrow));
  }
}

static void
test_hours (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) first = g_date_time_new (tz, 2026, 12, 24, 0, 0, 0);
  g_autoptr(GDateTime) last = g_date_time_new (tz, 2026, 12, 26, 0, 0, 0);
  g_autoptr(GDateTime) christmas_eve = g_date_time_new (tz, 2026, 12, 24, 10, 0, 0);
  g_autoptr(GDateTime) monday = g_date_time_new (tz, 2026, 12, 28, 10, 0, 0);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
  g_autoptr(VtrMerchant) shop = NULL;
  g_autofree char *closed = NULL;
  VtrOpenState state;

  g_assert_false (vtr_shop_set_hours (f->store, f->session, "Mo-Fr 09:00-12:30,12:00-19:00", f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_OVERLAP);
  g_assert_nonnull (strstr (error->message, "Monday"));
  g_clear_error (&error);
  g_assert_false (vtr_shop_set_hours (f->store, f->session, "Mo-Fr 9h-19h", f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vtr_shop_hours_add_closure ("Mo-Sa 09:00-19:00", last, first, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_clear_error (&error);

  closed = vtr_shop_hours_add_closure ("Mo-Sa 09:00-19:00", first, last, &error);
  g_assert_cmpstr (closed, ==, "Mo-Sa 09:00-19:00; 2026 Dec 24-2026 Dec 26 off");
  {
    g_autoptr(GPtrArray) closures = vtr_shop_hours_closures (closed);
    g_autofree char *reopened = vtr_shop_hours_remove_closure (closed, 20261224);

    g_assert_cmpuint (closures->len, ==, 1);
    g_assert_cmpint (((VtrShopClosure *) closures->pdata[0])->first_day, ==, 20261224);
    g_assert_cmpint (((VtrShopClosure *) closures->pdata[0])->last_day, ==, 20261226);
    g_assert_cmpstr (((VtrShopClosure *) closures->pdata[0])->words, ==, "Closed from 24/12/2026 to 26/12/2026");
    g_assert_cmpstr (reopened, ==, "Mo-Sa 09:00-19:00");
  }
  g_assert_true (vtr_shop_set_hours (f->store, f->session, closed, f->now, &error));
  g_assert_no_error (error);
  shop = vtr_catalog_get_merchant (catalog, SHOP, &error);
  g_assert_cmpstr (shop->opening_hours, ==, closed);
  vtr_catalog_open_state (catalog, shop->opening_hours, christmas_eve, &state);
  g_assert_true (state.known);
  g_assert_false (state.open);
  g_clear_pointer (&state.next_change, g_date_time_unref);
  vtr_catalog_open_state (catalog, shop->opening_hours, monday, &state);
  g_assert_true (state.open);
  g_clear_pointer (&state.next_change, g_date_time_unref);
}

static void
test_services_and_loyalty (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *services[] = { "boulangerie", NULL };
  const char *bad[] = { "casino", NULL };
  int collections[] = { VTR_COLLECTION_CARDBOARD, VTR_COLLECTION_COOKING_OIL, -1 };
  VtrReward reward = { .points = 100, .kind = VTR_REWARD_DISCOUNT, .value = 500, .title = "5 € offerts" };
  g_autoptr(GPtrArray) rewards = NULL;
  gint64 n = 0;

  g_assert_false (vtr_shop_set_services (f->store, f->session, bad, NULL, f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vtr_shop_set_services (f->store, f->session, services, collections, f->now, &error));
  g_assert_no_error (error);
  {
    g_autoptr(VtrStatement) stmt = vtr_store_statement (f->store, "SELECT count (*) FROM collection_point "
                                                                  "WHERE merchant_id = 1", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    n = sqlite3_column_int64 (stmt, 0);
  }
  g_assert_cmpint (n, ==, 2);

  g_assert_false (vtr_shop_set_loyalty_rule (f->store, f->session, 0, FALSE, f->now, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vtr_shop_set_loyalty_rule (f->store, f->session, 100, FALSE, f->now, &error));
  g_assert_true (vtr_shop_put_reward (f->store, f->session, &reward, f->now, &error));
  g_assert_no_error (error);
  rewards = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_cmpuint (rewards->len, ==, 1);
  g_assert_cmpstr (((VtrReward *) rewards->pdata[0])->title, ==, "5 € offerts");
  g_assert_true (vtr_shop_remove_reward (f->store, f->session, reward.id, f->now, &error));
  g_clear_pointer (&rewards, g_ptr_array_unref);
  rewards = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_cmpuint (rewards->len, ==, 0);
  /* Undo puts the reward back. */
  g_assert_true (vtr_shop_undo (f->store, f->session, f->now, NULL, &error));
  g_clear_pointer (&rewards, g_ptr_array_unref);
  rewards = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_cmpuint (rewards->len, ==, 1);

  /* A poster for a product the shop sells, not for one it does not. */
  g_assert_false (vtr_shop_request_poster (f->store, f->session, JAM, 0, f->now, NULL, &error));
  g_assert_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vtr_shop_request_poster (f->store, f->session, BREAD, 0, f->now, NULL, &error));
  g_assert_no_error (error);
}

static void
test_stats (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrShopStats) stats = NULL;
  gint64 t = g_date_time_to_unix (f->now); /* a Wednesday */
  g_autofree char *sql = NULL;
  VtrShopWeek *this_week, *last_week;

  /* Card A came three weeks ago and again this week; card B is new this
   * week; another shop's credit does not count. Two orders this week,
   * one collected after two hours. */
  sql = g_strdup_printf (
    "INSERT INTO journal.loyalty_event (uuid, kind, card_id, merchant_id, points, created, day) VALUES "
    "('a1', 'credit', 'A', 1, 10, %1$lld - 21 * 86400, 0), ('a2', 'credit', 'A', 1, 5, %1$lld, 0), "
    "('b1', 'credit', 'B', 1, 7, %1$lld - 3600, 0), ('b2', 'redeem', 'B', 1, -100, %1$lld - 60, 0), "
    "('c1', 'credit', 'C', 2, 99, %1$lld, 0);"
    "INSERT INTO journal.orders (uuid, number, code, merchant_id, delivery, first_name, phone, total_cents, state, "
    "  created, updated) VALUES ('o1', 'N1', 'c', 1, 'shop', 'Ana', '', 500, 'collected', %1$lld - 7200, %1$lld),"
    "  ('o2', 'N2', 'c', 1, 'shop', 'Léo', '', 900, 'placed', %1$lld, %1$lld);"
    "INSERT INTO journal.order_event (uuid, order_uuid, state, who, at) VALUES ('e1', 'o1', 'collected', 'shop', "
    "  %1$lld);"
    "INSERT INTO journal.order_line (order_uuid, product_id, quantity, price_cents) VALUES ('o1', 10, 2, 250), "
    "  ('o2', 11, 1, 450), ('o2', 10, 1, 250);",
    (long long) t);
  g_assert_true (vtr_store_exec (f->store, sql, &error));
  g_assert_no_error (error);

  stats = vtr_shop_stats_query (f->store, SHOP, f->now, 9, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->weeks->len, ==, 9);
  this_week = &g_array_index (stats->weeks, VtrShopWeek, 8);
  last_week = &g_array_index (stats->weeks, VtrShopWeek, 5);
  g_assert_cmpint (this_week->points, ==, 12);
  g_assert_cmpuint (this_week->credits, ==, 2);
  g_assert_cmpuint (this_week->customers_new, ==, 1);
  g_assert_cmpuint (this_week->customers_returning, ==, 1);
  g_assert_cmpuint (this_week->orders, ==, 2);
  g_assert_cmpuint (this_week->orders_collected, ==, 1);
  g_assert_cmpint (this_week->collect_median, ==, 7200);
  g_assert_cmpint (last_week->points, ==, 10);
  g_assert_cmpuint (last_week->customers_new, ==, 1);
  g_assert_cmpuint (stats->top_products->len, ==, 2);
  g_assert_cmpint (((VtrShopTopProduct *) stats->top_products->pdata[0])->product_id, ==, BREAD);
  g_assert_cmpuint (((VtrShopTopProduct *) stats->top_products->pdata[0])->quantity, ==, 3);
  g_assert_cmpstr (((VtrShopTopProduct *) stats->top_products->pdata[0])->name, ==, "Pain de campagne");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/shop-edit/set-stock", Fixture, NULL, fixture_set_up, test_set_stock, fixture_tear_down);
  g_test_add ("/shop-edit/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/shop-edit/undo", Fixture, NULL, fixture_set_up, test_undo, fixture_tear_down);
  g_test_add ("/shop-edit/find-product", Fixture, NULL, fixture_set_up, test_find_product, fixture_tear_down);
  g_test_add ("/shop-edit/product", Fixture, NULL, fixture_set_up, test_product, fixture_tear_down);
  g_test_add ("/shop-edit/promotion", Fixture, NULL, fixture_set_up, test_promotion, fixture_tear_down);
  g_test_add ("/shop-edit/hours", Fixture, NULL, fixture_set_up, test_hours, fixture_tear_down);
  g_test_add ("/shop-edit/services-and-loyalty", Fixture, NULL, fixture_set_up, test_services_and_loyalty,
              fixture_tear_down);
  g_test_add ("/shop-edit/stats", Fixture, NULL, fixture_set_up, test_stats, fixture_tear_down);
  return g_test_run ();
}

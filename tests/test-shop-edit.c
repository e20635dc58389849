#include "config.h"

#include <string.h>

#include "vtr-catalog.h"
#include "vtr-loyalty.h"
#include "vtr-outbox.h"
#include "vtr-shop-edit.h"
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/shop-edit/set-stock", Fixture, NULL, fixture_set_up, test_set_stock, fixture_tear_down);
  g_test_add ("/shop-edit/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/shop-edit/undo", Fixture, NULL, fixture_set_up, test_undo, fixture_tear_down);
  g_test_add ("/shop-edit/find-product", Fixture, NULL, fixture_set_up, test_find_product, fixture_tear_down);
  return g_test_run ();
}

#include "config.h"

#include <sqlite3.h>

#include "vtr-catalog.h"
#include "vtr-demo.h"
#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-test-util.h"

/*
 * A small town of four shops around the Vieux-Port, with distances a
 * shopper can check on a map:
 *
 *   1 Épicerie Fine du Port   ~85 m   epicerie            has soap, low stock
 *   2 Savonnerie Marius       ~400 m  savonnerie          has soap, promotions
 *   3 Droguerie Éloignée      ~1.3 km droguerie           has soap, closed on Mondays
 *   4 Boulangerie du Panier   ~500 m  boulangerie         soap out of stock
 */

#define SOAP_GTIN "3760123000017"

typedef struct
{
  char       *dir;
  VtrCatalog *catalog;
  GDateTime  *now; /* Wednesday 25 November 2026, 10:00 in Marseille */
} Fixture;

static const VtrPosition vieux_port = { 43.2951, 5.3744 };

static void
put_merchant (VtrCatalog *catalog, gint64 id, const char *name, const char *services,
              double lat, double lon, const char *hours)
{
  g_auto(GStrv) list = g_strsplit (services, " ", -1);
  VtrMerchant merchant = {
    .id = id, .name = (char *) name, .services = list, .address = "1 rue Test",
    .postcode = "13001", .city = "Marseille", .position = { lat, lon },
    .opening_hours = (char *) hours,
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_catalog_put_merchant (catalog, &merchant, &error));
  g_assert_no_error (error);
}

static void
put_stock (VtrCatalog *catalog, gint64 product, gint64 merchant, gint64 price,
           VtrAvailability availability)
{
  VtrStock stock = { product, merchant, price, availability, 1700000000 };
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_catalog_put_stock (catalog, &stock, &error));
  g_assert_no_error (error);
}

static void
put_promotion (VtrCatalog *catalog, gint64 id, gint64 merchant, gint64 product,
               const char *category, VtrPromotionKind kind, int value, GDateTime *starts,
               GDateTime *ends)
{
  VtrPromotion promotion = {
    .id = id, .merchant_id = merchant, .product_id = product, .category = (char *) category,
    .kind = kind, .value = value, .buy = 2, .get = 1,
    .starts = g_date_time_to_unix (starts), .ends = g_date_time_to_unix (ends),
    .title = "Test",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_catalog_put_promotion (catalog, &promotion, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(GDateTime) last_week = NULL;
  g_autoptr(GDateTime) next_week = NULL;
  g_autoptr(GDateTime) last_month = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autoptr(GDateTime) in_two_weeks = NULL;
  VtrProduct soap = { 1, SOAP_GTIN, "Savon de Marseille 300 g", "Marius Fabre", "hygiene" };
  VtrProduct bread = { 2, "3760123000024", "Baguette tradition", "", "pain" };
  VtrProduct oil = { 3, NULL, "Huile d’olive vierge extra", "Château Virant", "epicerie-salee" };
  VtrCollectionPoint points[] = {
    { 1, VTR_COLLECTION_CLOTHES, "Conteneur Le Relais – Cours Julien", 0, "cours Julien",
      { 43.2933, 5.3833 }, "24/7" },
    { 2, VTR_COLLECTION_CLOTHES, "Vestiaire du port", 1, "1 rue Test", { 43.2958, 5.3748 }, NULL },
    { 3, VTR_COLLECTION_PARCEL_LOCKER, "Consigne – Vieux-Port", 0, "quai des Belges",
      { 43.2953, 5.3742 }, "Mo-Su 06:00-23:00" },
  };

  f->dir = vtr_test_make_data_dir ();
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (store);
  f->now = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 25, 10, 0, 0);
  last_week = g_date_time_add_days (f->now, -7);
  next_week = g_date_time_add_days (f->now, 7);
  last_month = g_date_time_add_days (f->now, -30);
  yesterday = g_date_time_add_days (f->now, -1);
  in_two_weeks = g_date_time_add_days (f->now, 14);

  g_assert_true (vtr_catalog_begin (f->catalog, &error));
  put_merchant (f->catalog, 1, "Épicerie Fine du Port", "epicerie", 43.2958, 5.3748,
                "Mo-Sa 08:00-20:00");
  put_merchant (f->catalog, 2, "Savonnerie Marius", "savonnerie", 43.2915, 5.3705,
                "Mo-Sa 10:00-19:00");
  put_merchant (f->catalog, 3, "Droguerie Éloignée", "droguerie quincaillerie", 43.3060, 5.3800,
                "Tu-Sa 09:00-19:00; We off");
  put_merchant (f->catalog, 4, "Boulangerie du Panier", "boulangerie patisserie", 43.2990, 5.3680,
                "Tu-Su 07:00-19:30");
  g_assert_true (vtr_catalog_put_product (f->catalog, &soap, &error));
  g_assert_true (vtr_catalog_put_product (f->catalog, &bread, &error));
  g_assert_true (vtr_catalog_put_product (f->catalog, &oil, &error));
  put_stock (f->catalog, 1, 1, 490, VTR_AVAILABILITY_LOW);
  put_stock (f->catalog, 1, 2, 450, VTR_AVAILABILITY_IN_STOCK);
  put_stock (f->catalog, 1, 3, 420, VTR_AVAILABILITY_IN_STOCK);
  put_stock (f->catalog, 1, 4, 400, VTR_AVAILABILITY_OUT_OF_STOCK);
  put_stock (f->catalog, 2, 4, 130, VTR_AVAILABILITY_IN_STOCK);
  /* At the soap maker: one promotion on the product, one on its category,
   * one over and one not yet started. */
  put_promotion (f->catalog, 1, 2, 1, NULL, VTR_PROMOTION_PERCENT, 20, last_week, next_week);
  put_promotion (f->catalog, 2, 2, 0, "hygiene", VTR_PROMOTION_POINTS, 2, last_week, next_week);
  put_promotion (f->catalog, 3, 2, 1, NULL, VTR_PROMOTION_AMOUNT, 100, last_month, yesterday);
  put_promotion (f->catalog, 4, 2, 1, NULL, VTR_PROMOTION_BUY_GET, 0, next_week, in_two_weeks);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    g_assert_true (vtr_catalog_put_collection_point (f->catalog, &points[i], &error));
  g_assert_true (vtr_catalog_commit (f->catalog, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->catalog);
  g_date_time_unref (f->now);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gint64
stockist_id (GPtrArray *stockists, guint i)
{
  return ((VtrStockist *) g_ptr_array_index (stockists, i))->place.merchant->id;
}

static void
test_nearest_stockists (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &vieux_port,
                                                                  f->now, 10, 0, &error);
  const VtrStockist *first, *second;

  g_assert_no_error (error);
  /* The bakery is out of soap: not listed. Nearest first. */
  g_assert_cmpuint (stockists->len, ==, 3);
  g_assert_cmpint (stockist_id (stockists, 0), ==, 1);
  g_assert_cmpint (stockist_id (stockists, 1), ==, 2);
  g_assert_cmpint (stockist_id (stockists, 2), ==, 3);

  first = g_ptr_array_index (stockists, 0);
  g_assert_cmpfloat (first->place.distance_m, >, 60);
  g_assert_cmpfloat (first->place.distance_m, <, 110);
  g_assert_cmpint (first->place.walking_minutes, ==, 2);
  g_assert_cmpint (first->price_cents, ==, 490);
  g_assert_cmpint (first->availability, ==, VTR_AVAILABILITY_LOW);
  g_assert_true (first->place.open.known);
  g_assert_true (first->place.open.open);
  g_assert_cmpuint (first->promotions->len, ==, 0);

  /* Only the two current promotions of the soap maker apply. */
  second = g_ptr_array_index (stockists, 1);
  g_assert_cmpuint (second->promotions->len, ==, 2);
  g_assert_cmpint (((VtrPromotion *) g_ptr_array_index (second->promotions, 0))->id, ==, 1);
  g_assert_cmpint (((VtrPromotion *) g_ptr_array_index (second->promotions, 1))->id, ==, 2);

  /* The far drugstore is closed on Wednesdays; it opens Thursday 09:00. */
  {
    const VtrStockist *third = g_ptr_array_index (stockists, 2);
    g_autoptr(GDateTime) thursday = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 26,
                                                     9, 0, 0);

    g_assert_false (third->place.open.open);
    g_assert_true (g_date_time_equal (third->place.open.next_change, thursday));
    g_assert_cmpfloat (third->place.distance_m, >, 1200);
  }

  /* --limit and --open-now. */
  g_clear_pointer (&stockists, g_ptr_array_unref);
  stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &vieux_port, f->now, 1, 0, &error);
  g_assert_cmpuint (stockists->len, ==, 1);
  g_clear_pointer (&stockists, g_ptr_array_unref);
  stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &vieux_port, f->now, 10,
                                             VTR_STOCKISTS_OPEN_NOW, &error);
  g_assert_cmpuint (stockists->len, ==, 2);
  g_assert_cmpint (stockist_id (stockists, 1), ==, 2);

  /* From the far end of town, the order turns round. */
  {
    VtrPosition saint_charles = { 43.3027, 5.3806 };

    g_clear_pointer (&stockists, g_ptr_array_unref);
    stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &saint_charles, f->now, 10, 0,
                                               &error);
    g_assert_cmpint (stockist_id (stockists, 0), ==, 3);
  }
}

/* One shop's entry, however far: the same as in the nearest list. */
static void
test_one_stockist (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &vieux_port,
                                                                  f->now, 10, 0, &error);
  const VtrStockist *listed = g_ptr_array_index (stockists, 1);
  g_autoptr(VtrStockist) far = vtr_catalog_get_stockist (f->catalog, 1, 2, &vieux_port, f->now, &error);
  VtrStockist *none;

  g_assert_no_error (error);
  g_assert_cmpint (far->place.merchant->id, ==, 2);
  g_assert_cmpstr (far->place.merchant->name, ==, listed->place.merchant->name);
  g_assert_cmpfloat (far->place.distance_m, ==, listed->place.distance_m);
  g_assert_cmpint (far->place.walking_minutes, ==, listed->place.walking_minutes);
  g_assert_cmpint (far->price_cents, ==, 450);
  g_assert_cmpint (far->availability, ==, VTR_AVAILABILITY_IN_STOCK);
  g_assert_cmpuint (far->promotions->len, ==, 2);

  /* The bakery is out of soap; the grocer has no bread; no such product. */
  none = vtr_catalog_get_stockist (f->catalog, 1, 4, &vieux_port, f->now, &error);
  g_assert_null (none);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  none = vtr_catalog_get_stockist (f->catalog, 2, 1, &vieux_port, f->now, &error);
  g_assert_null (none);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  none = vtr_catalog_get_stockist (f->catalog, 99, 1, &vieux_port, f->now, &error);
  g_assert_null (none);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
}

static void
test_stockists_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  VtrPosition nowhere = { 95, 5 };
  GPtrArray *stockists;

  stockists = vtr_catalog_nearest_stockists (f->catalog, 99, &vieux_port, f->now, 10, 0, &error);
  g_assert_null (stockists);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  stockists = vtr_catalog_nearest_stockists (f->catalog, 1, &nowhere, f->now, 10, 0, &error);
  g_assert_null (stockists);
  g_assert_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_OUT_OF_RANGE);
}

static void
test_find_product (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  VtrProduct *product;

  product = vtr_catalog_find_product_by_gtin (f->catalog, SOAP_GTIN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 1);
  vtr_product_free (product);

  /* The same barcode as GTIN-14, with the spaces of a paste. */
  product = vtr_catalog_find_product_by_gtin (f->catalog, " 0" SOAP_GTIN " ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 1);
  vtr_product_free (product);

  product = vtr_catalog_get_product (f->catalog, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (product->name, ==, "Baguette tradition");
  vtr_product_free (product);

  /* Words, without accents or case. */
  product = vtr_catalog_find_product_by_name (f->catalog, "HUILE D'OLIVE", &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 3);
  vtr_product_free (product);
  product = vtr_catalog_find_product_by_name (f->catalog, "chateau vir", &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 3);
  vtr_product_free (product);

  /* A misread barcode says so rather than finding nothing. */
  product = vtr_catalog_find_product_by_gtin (f->catalog, "3760123000018", &error);
  g_assert_null (product);
  g_assert_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_CHECK_DIGIT);
  g_clear_error (&error);

  product = vtr_catalog_find_product_by_gtin (f->catalog, "4006381333931", &error);
  g_assert_null (product);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  product = vtr_catalog_find_product_by_name (f->catalog, "caviar", &error);
  g_assert_null (product);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  product = vtr_catalog_get_product (f->catalog, 404, &error);
  g_assert_null (product);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "404"));
}

/* A product number of 8 digits is a number, never a barcode: product
 * 12345678 (whose last digit would be wrong for an EAN-8) and product
 * 12345670 (a valid-looking EAN-8, which another product carries as its
 * barcode) are each found by their number, and that barcode by barcode. */
static void
test_product_by_number (Fixture *f, gconstpointer data)
{
  VtrProduct jam = { 12345678, NULL, "Confiture de figues 370 g", "Les Vergers", "epicerie-sucree" };
  VtrProduct honey = { 12345670, NULL, "Miel de lavande 250 g", "Rucher du Garlaban", "epicerie-sucree" };
  VtrProduct tea = { 9, "12345670", "Thé vert à la menthe", "Maison Kleb", "epicerie-sucree" };
  g_autoptr(GError) error = NULL;
  VtrProduct *product;

  g_assert_true (vtr_catalog_put_product (f->catalog, &jam, &error));
  g_assert_true (vtr_catalog_put_product (f->catalog, &honey, &error));
  g_assert_true (vtr_catalog_put_product (f->catalog, &tea, &error));
  g_assert_no_error (error);

  product = vtr_catalog_get_product (f->catalog, 12345678, &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 12345678);
  g_assert_cmpstr (product->name, ==, "Confiture de figues 370 g");
  vtr_product_free (product);

  product = vtr_catalog_get_product (f->catalog, 12345670, &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 12345670);
  g_assert_cmpstr (product->name, ==, "Miel de lavande 250 g");
  vtr_product_free (product);

  product = vtr_catalog_find_product_by_gtin (f->catalog, "12345670", &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 9);
  g_assert_cmpstr (product->name, ==, "Thé vert à la menthe");
  vtr_product_free (product);

  /* As a barcode, 12345678 is a misread one, and says so. */
  product = vtr_catalog_find_product_by_gtin (f->catalog, "12345678", &error);
  g_assert_null (product);
  g_assert_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_CHECK_DIGIT);
}

/* vitrine-ctl reads what a person types: 8 digits that are no barcode
 * the catalogue has are a product number, and a misread barcode is said
 * to be one only when no product has that number either. */
static void
test_ctl_product_number (Fixture *f, gconstpointer data)
{
  VtrProduct jam = { 12345678, NULL, "Confiture de figues 370 g", "Les Vergers", "epicerie-sucree" };
  VtrStock stock = { 12345678, 1, 450, VTR_AVAILABILITY_IN_STOCK, 1700000000 };
  g_auto(VtrTestResult) by_number = { 0 };
  g_auto(VtrTestResult) by_barcode = { 0 };
  g_auto(VtrTestResult) misread = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_catalog_put_product (f->catalog, &jam, &error));
  g_assert_true (vtr_catalog_put_stock (f->catalog, &stock, &error));
  g_assert_no_error (error);

  vtr_test_run (&by_number, "VITRINE_CTL", f->dir, NULL, "stockists", "12345678",
                "--near", "43.2951,5.3744", NULL);
  g_assert_cmpstr (by_number.err, ==, "");
  g_assert_cmpint (by_number.status, ==, 0);
  g_assert_true (g_str_has_prefix (by_number.out, "Confiture de figues 370 g — Les Vergers\n"));
  g_assert_nonnull (strstr (by_number.out, "Épicerie Fine du Port"));

  vtr_test_run (&by_barcode, "VITRINE_CTL", f->dir, NULL, "stockists", SOAP_GTIN,
                "--near", "43.2951,5.3744", NULL);
  g_assert_cmpint (by_barcode.status, ==, 0);
  g_assert_true (g_str_has_prefix (by_barcode.out, "Savon de Marseille 300 g"));

  vtr_test_run (&misread, "VITRINE_CTL", f->dir, NULL, "stockists", "3760123000018",
                "--near", "43.2951,5.3744", NULL);
  g_assert_cmpint (misread.status, ==, 1);
  g_assert_nonnull (strstr (misread.err, "misread"));
}

static gboolean
has_service (VtrSearchResults *results, const char *id)
{
  for (guint i = 0; i < results->services->len; i++)
    if (g_str_equal (g_array_index (results->services, VtrServiceMatch, i).service_id, id))
      return TRUE;
  return FALSE;
}

static void
test_search (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) results = NULL;

  /* "epicerie" finds "Épicerie", as a shop and as a service. */
  results = vtr_catalog_search (f->catalog, "epicerie", NULL, f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->merchants->len, ==, 1);
  g_assert_cmpstr (((VtrPlace *) g_ptr_array_index (results->merchants, 0))->merchant->name, ==,
                   "Épicerie Fine du Port");
  g_assert_true (has_service (results, "epicerie"));
  g_assert_cmpuint (g_array_index (results->services, VtrServiceMatch, 0).n_merchants, ==, 1);
  g_clear_pointer (&results, vtr_search_results_free);

  /* Prefixes: "boulang" finds the bakery by name and by service. */
  results = vtr_catalog_search (f->catalog, "BOULANG", &vieux_port, f->now, 10, &error);
  g_assert_cmpuint (results->merchants->len, ==, 1);
  g_assert_true (has_service (results, "boulangerie"));
  g_assert_cmpfloat (((VtrPlace *) g_ptr_array_index (results->merchants, 0))->distance_m, >, 300);
  g_clear_pointer (&results, vtr_search_results_free);

  /* Products by brand, and services by the shop's other trade. */
  results = vtr_catalog_search (f->catalog, "marius", &vieux_port, f->now, 10, &error);
  g_assert_cmpuint (results->products->len, ==, 1);
  g_assert_cmpuint (results->merchants->len, ==, 1);
  g_clear_pointer (&results, vtr_search_results_free);

  results = vtr_catalog_search (f->catalog, "quincaill", &vieux_port, f->now, 10, &error);
  g_assert_true (has_service (results, "quincaillerie"));
  g_assert_cmpuint (results->merchants->len, ==, 1);
  g_clear_pointer (&results, vtr_search_results_free);

  /* A barcode typed in. */
  results = vtr_catalog_search (f->catalog, SOAP_GTIN, NULL, f->now, 10, &error);
  g_assert_cmpuint (results->products->len, >=, 1);
  g_assert_cmpint (((VtrProduct *) g_ptr_array_index (results->products, 0))->id, ==, 1);
  g_clear_pointer (&results, vtr_search_results_free);

  /* Nothing, and punctuation only: empty, not an error. */
  results = vtr_catalog_search (f->catalog, "zzzz", NULL, f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->products->len + results->merchants->len + results->services->len, ==, 0);
  g_clear_pointer (&results, vtr_search_results_free);
  results = vtr_catalog_search (f->catalog, "\"*(", NULL, f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->products->len, ==, 0);
}

static void
test_near_service (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) places = NULL;

  places = vtr_catalog_near_service (f->catalog, "boulangerie", &vieux_port, f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (places->len, ==, 1);
  g_clear_pointer (&places, g_ptr_array_unref);

  /* Words of the service's name are enough when they fit one service. */
  places = vtr_catalog_near_service (f->catalog, "savonn", &vieux_port, f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (places->len, ==, 1);
  g_assert_cmpint (((VtrPlace *) g_ptr_array_index (places, 0))->merchant->id, ==, 2);
  g_clear_pointer (&places, g_ptr_array_unref);

  places = vtr_catalog_near_service (f->catalog, "plombier", &vieux_port, f->now, 10, &error);
  g_assert_null (places);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_UNKNOWN_KIND);
  g_assert_nonnull (strstr (error->message, "boulangerie"));
}

static void
test_promotions_near (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) offers = vtr_catalog_promotions_near (f->catalog, &vieux_port, f->now, 10,
                                                             &error);
  const VtrPromotionOffer *offer;

  g_assert_no_error (error);
  g_assert_cmpuint (offers->len, ==, 2);
  offer = g_ptr_array_index (offers, 0);
  g_assert_cmpint (offer->place.merchant->id, ==, 2);
  g_assert_nonnull (offer->product);
  g_assert_cmpint (offer->product->id, ==, 1);
  offer = g_ptr_array_index (offers, 1);
  g_assert_null (offer->product);
  g_assert_cmpstr (offer->promotion->category, ==, "hygiene");

  /* Next week, the buy-two-get-one starts and the others are over. */
  {
    g_autoptr(GDateTime) later = g_date_time_add_days (f->now, 8);

    g_clear_pointer (&offers, g_ptr_array_unref);
    offers = vtr_catalog_promotions_near (f->catalog, &vieux_port, later, 10, &error);
    g_assert_cmpuint (offers->len, ==, 1);
    g_assert_cmpint (((VtrPromotionOffer *) g_ptr_array_index (offers, 0))->promotion->kind, ==,
                     VTR_PROMOTION_BUY_GET);
  }
}

static void
test_collection_points (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) places = NULL;
  const VtrCollectionPlace *place;
  VtrCollectionKind kind;

  places = vtr_catalog_collection_points_near (f->catalog, VTR_COLLECTION_CLOTHES, &vieux_port,
                                               f->now, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (places->len, ==, 2);
  /* The one in the grocer's is nearer, and opens when the grocer does. */
  place = g_ptr_array_index (places, 0);
  g_assert_cmpint (place->point->id, ==, 2);
  g_assert_nonnull (place->merchant);
  g_assert_true (place->open.known && place->open.open);
  place = g_ptr_array_index (places, 1);
  g_assert_null (place->merchant);
  g_assert_true (place->open.open);
  g_assert_null (place->open.next_change);

  g_assert_true (vtr_collection_kind_from_string ("parcel-locker", &kind, NULL));
  g_assert_cmpint (kind, ==, VTR_COLLECTION_PARCEL_LOCKER);
  g_assert_false (vtr_collection_kind_from_string ("batteries", &kind, &error));
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_UNKNOWN_KIND);
  g_assert_nonnull (strstr (error->message, "cooking-oil"));
}

static void
test_invalid_rows (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  VtrProduct bad_gtin = { 10, "3760123000018", "Mauvais code", "", "x" };
  VtrMerchant bad_hours = { .id = 10, .name = "Horaires faux", .position = { 43.3, 5.37 },
                            .opening_hours = "Mo-Fr 9h-18h" };
  VtrMerchant bad_service = { .id = 11, .name = "Service inconnu", .position = { 43.3, 5.37 },
                              .services = (char *[]) { "plombier", NULL } };
  VtrMerchant bad_position = { .id = 12, .name = "Nulle part", .position = { 143.3, 5.37 } };
  VtrPromotion backwards = { .id = 10, .merchant_id = 1, .product_id = 1, .kind = 0, .value = 10,
                             .starts = 200, .ends = 100 };
  VtrPromotion both = { .id = 11, .merchant_id = 1, .product_id = 1, .category = "pain",
                        .kind = 0, .value = 10, .starts = 100, .ends = 200 };

  g_assert_false (vtr_catalog_put_product (f->catalog, &bad_gtin, &error));
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Mauvais code"));
  g_clear_error (&error);
  g_assert_false (vtr_catalog_put_merchant (f->catalog, &bad_hours, &error));
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vtr_catalog_put_merchant (f->catalog, &bad_service, &error));
  g_assert_nonnull (strstr (error->message, "plombier"));
  g_clear_error (&error);
  g_assert_false (vtr_catalog_put_merchant (f->catalog, &bad_position, &error));
  g_clear_error (&error);
  g_assert_false (vtr_catalog_put_promotion (f->catalog, &backwards, &error));
  g_clear_error (&error);
  g_assert_false (vtr_catalog_put_promotion (f->catalog, &both, &error));
}

static void
test_update_keeps_text_index (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) results = NULL;
  VtrProduct renamed = { 2, "3760123000024", "Pain de campagne", "", "pain" };

  g_assert_true (vtr_catalog_put_product (f->catalog, &renamed, &error));
  g_assert_no_error (error);

  results = vtr_catalog_search (f->catalog, "baguette", NULL, f->now, 10, &error);
  g_assert_cmpuint (results->products->len, ==, 0);
  g_clear_pointer (&results, vtr_search_results_free);
  results = vtr_catalog_search (f->catalog, "campagne", NULL, f->now, 10, &error);
  g_assert_cmpuint (results->products->len, ==, 1);

  /* A shop that changes trade moves between services. */
  put_merchant (f->catalog, 4, "Boulangerie du Panier", "patisserie", 43.2990, 5.3680, "");
  {
    g_autoptr(GPtrArray) places = vtr_catalog_near_service (f->catalog, "boulangerie", &vieux_port,
                                                            f->now, 10, &error);
    g_assert_cmpuint (places->len, ==, 0);
  }
}

/* The demo catalogue. */

static char *
demo_fingerprint (VtrCatalog *catalog, GDateTime *now)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) stockists = NULL;
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(VtrProduct) soap = vtr_catalog_find_product_by_name (catalog, "savon de marseille", NULL);

  stockists = vtr_catalog_nearest_stockists (catalog, soap->id, &vieux_port, now, 20, 0, NULL);
  for (guint i = 0; i < stockists->len; i++)
    {
      VtrStockist *st = g_ptr_array_index (stockists, i);
      g_string_append_printf (s, "%s|%" G_GINT64_FORMAT ";", st->place.merchant->name, st->price_cents);
    }
  offers = vtr_catalog_promotions_near (catalog, &vieux_port, now, 50, NULL);
  for (guint i = 0; i < offers->len; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ";",
                            ((VtrPromotionOffer *) g_ptr_array_index (offers, i))->promotion->id);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_demo (void)
{
  g_autofree char *dir1 = vtr_test_make_data_dir ();
  g_autofree char *dir2 = vtr_test_make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 25, 11, 0, 0);
  g_autoptr(VtrStore) store1 = vtr_store_open (dir1, &error);
  g_autoptr(VtrStore) store2 = vtr_store_open (dir2, &error);
  g_autoptr(VtrCatalog) c1 = vtr_catalog_new (store1);
  g_autoptr(VtrCatalog) c2 = vtr_catalog_new (store2);
  g_autofree char *f1 = NULL;
  g_autofree char *f2 = NULL;
  g_autofree char *f3 = NULL;
  VtrDemoCounts counts;

  g_assert_true (vtr_demo_load (c1, now, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.merchants, >=, 450);
  g_assert_cmpuint (counts.merchants, <=, 550);
  g_assert_cmpuint (counts.products, >=, 100);
  g_assert_cmpuint (counts.stock, >=, 2000);
  g_assert_cmpuint (counts.promotions, >=, 50);
  g_assert_cmpuint (counts.collection_points, >=, 20);

  /* Every kind of collection point is there, near the Vieux-Port. */
  for (VtrCollectionKind kind = 0; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) places = vtr_catalog_collection_points_near (c1, kind, &vieux_port,
                                                                        now, 3, &error);
      g_assert_cmpuint (places->len, >=, 2);
      g_assert_cmpfloat (((VtrCollectionPlace *) g_ptr_array_index (places, 0))->distance_m, <, 1500);
    }

  /* Real shops of the open data are in (with the credit in the README). */
  {
    g_autoptr(VtrSearchResults) results = vtr_catalog_search (c1, "hippotamus", NULL, now, 5, &error);
    g_assert_cmpuint (results->merchants->len, ==, 1);
  }

  /* Each shop has a name of its own (a person choosing between two
   * "Boucherie des Grands Carmes" cannot tell them apart), and promotes
   * only what it lists. */
  {
    g_autofree char *path = g_build_filename (dir1, "catalog.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    guint n_merchants = 0;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM merchant", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *name = (const char *) sqlite3_column_text (stmt, 0);
        char *folded = g_utf8_casefold (name, -1);

        if (!g_hash_table_add (names, folded))
          g_error ("two shops of the demo are named “%s”", name);
        n_merchants++;
      }
    sqlite3_finalize (stmt);
    g_assert_cmpuint (n_merchants, ==, counts.merchants);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT p.merchant_id, p.product_id FROM promotion p "
                                         "WHERE p.product_id IS NOT NULL AND NOT EXISTS "
                                         "  (SELECT 1 FROM stock s WHERE s.merchant_id = p.merchant_id "
                                         "   AND s.product_id = p.product_id)",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      g_error ("shop %" G_GINT64_FORMAT " promotes product %" G_GINT64_FORMAT ", which it does not list",
               (gint64) sqlite3_column_int64 (stmt, 0), (gint64) sqlite3_column_int64 (stmt, 1));
    sqlite3_finalize (stmt);

    /* What shops write is content, in French as their names are, whatever
     * language the kiosk that loaded the demo shows. */
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT title FROM promotion UNION ALL SELECT title FROM reward",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *title = (const char *) sqlite3_column_text (stmt, 0);

        if (!g_str_has_suffix (title, " offert") && !g_str_equal (title, "5 € de remise") &&
            !g_strv_contains ((const char * const[]) { "Offre vitrine", "Semaine du quartier",
                                                       "Clients fidèles", "Offre de saison", NULL },
                              title))
          g_error ("the demo has a promotion or reward named “%s”, not in French", title);
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  /* Current promotions, and the soap is in stock near the Vieux-Port. */
  f1 = demo_fingerprint (c1, now);
  g_assert_cmpuint (strlen (f1), >, 100);

  /* Deterministic: another load, elsewhere or again, gives the same catalogue. */
  g_assert_true (vtr_demo_load (c2, now, NULL, &error));
  f2 = demo_fingerprint (c2, now);
  g_assert_cmpstr (f1, ==, f2);
  g_assert_true (vtr_demo_load (c1, now, NULL, &error));
  f3 = demo_fingerprint (c1, now);
  g_assert_cmpstr (f1, ==, f3);

  g_clear_object (&c1);
  g_clear_object (&c2);
  g_clear_object (&store1);
  g_clear_object (&store2);
  vtr_test_remove_tree (dir1);
  vtr_test_remove_tree (dir2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/catalog/nearest-stockists", test_nearest_stockists);
  ADD ("/catalog/stockists-errors", test_stockists_errors);
  ADD ("/catalog/one-stockist", test_one_stockist);
  ADD ("/catalog/find-product", test_find_product);
  ADD ("/catalog/product-by-number", test_product_by_number);
  ADD ("/catalog/ctl-product-number", test_ctl_product_number);
  ADD ("/catalog/search", test_search);
  ADD ("/catalog/near-service", test_near_service);
  ADD ("/catalog/promotions-near", test_promotions_near);
  ADD ("/catalog/collection-points", test_collection_points);
  ADD ("/catalog/invalid-rows", test_invalid_rows);
  ADD ("/catalog/update-keeps-text-index", test_update_keeps_text_index);
#undef ADD
  g_test_add_func ("/catalog/demo", test_demo);

  return g_test_run ();
}

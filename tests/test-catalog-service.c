#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "vtr-catalog-service.h"
#include "vtr-demo.h"
#include "vtr-opening-hours.h"
#include "vtr-store-private.h"
#include "vtr-test-util.h"

/*
 * The catalogue's database thread on a real store with the demo catalogue:
 * each query's answer is what the synchronous catalogue says, in the same
 * order; queries are answered in the order they were asked; a cancelled
 * one answers G_IO_ERROR_CANCELLED; and the main loop runs while a query
 * waits for the database.
 */

static char *data_dir;
static const VtrPosition here = { VTR_DEMO_LAT, VTR_DEMO_LON };

static gboolean
wait_for (GAsyncResult **result,
          guint          seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *result != NULL;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static gint64
count (const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrStatement) stmt = NULL;

  g_assert_no_error (error);
  stmt = vtr_store_statement (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static VtrCatalog *
open_catalog (VtrStore **store)
{
  g_autoptr(GError) error = NULL;

  *store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  return vtr_catalog_new (*store);
}

static void
test_search (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) results = NULL;
  g_autoptr(VtrSearchResults) expected = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());

  vtr_catalog_service_search_async (service, "savon", &here, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  results = vtr_catalog_service_search_finish (service, result, &error);
  g_assert_no_error (error);
  expected = vtr_catalog_search (catalog, "savon", &here, now, 8, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (results->products->len, ==, expected->products->len);
  g_assert_cmpuint (results->products->len, >=, 5);
  for (guint i = 0; i < results->products->len; i++)
    {
      VtrProduct *product = g_ptr_array_index (results->products, i);

      g_assert_cmpstr (product->name, ==, ((VtrProduct *) g_ptr_array_index (expected->products, i))->name);
      g_assert_nonnull (strstr (product->name, "Savon"));
    }
  g_assert_cmpuint (results->merchants->len, ==, expected->merchants->len);
  g_assert_cmpuint (results->merchants->len, >=, 1);
  g_assert_cmpstr (((VtrPlace *) g_ptr_array_index (results->merchants, 0))->merchant->name, ==,
                   "Savonnerie du Panier");
  g_assert_cmpuint (results->services->len, >=, 1);
  g_assert_cmpstr (g_array_index (results->services, VtrServiceMatch, 0).service_id, ==, "savonnerie");
}

static VtrProductView *
product_view (VtrCatalogService *service,
              gint64             product_id,
              gint64             poster,
              GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vtr_catalog_service_product_async (service, product_id, poster, &here, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  return vtr_catalog_service_product_finish (service, result, error);
}

static const char *
stockist_name (VtrProductView *view,
               guint           i)
{
  return ((VtrStockist *) g_ptr_array_index (view->stockists, i))->place.merchant->name;
}

static void
test_product (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProductView) view = NULL;
  g_autoptr(VtrProductView) from_poster = NULL;
  g_autoptr(VtrProductView) far_poster = NULL;
  g_autoptr(VtrProductView) not_stocked = NULL;
  g_autoptr(VtrProductView) missing = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) expected = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 10,
                                                                 VTR_STOCKISTS_DEFAULT, NULL);
  gint64 low = G_MAXINT64, high = 0, poster, far, elsewhere;
  guint last;

  /* Nearest first, as the catalogue lists them, with the price range. */
  view = product_view (service, 13, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (view->product->name, ==, "Saucisses de Toulouse 500 g");
  g_assert_false (view->poster_first);
  g_assert_cmpuint (view->stockists->len, ==, expected->len);
  g_assert_cmpuint (view->stockists->len, >=, 5);
  g_assert_cmpstr (stockist_name (view, 0), ==, "Boucherie Roux");
  for (guint i = 0; i < view->stockists->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (expected, i);

      g_assert_cmpstr (stockist_name (view, i), ==, stockist->place.merchant->name);
      low = MIN (low, stockist->price_cents);
      high = MAX (high, stockist->price_cents);
    }
  g_assert_cmpint (view->low_price_cents, ==, low);
  g_assert_cmpint (view->high_price_cents, ==, high);
  g_assert_cmpint (low, <, high);

  /* The poster's shop, among the nearest: moved first, the rest in order. */
  last = view->stockists->len - 1;
  poster = ((VtrStockist *) g_ptr_array_index (view->stockists, last))->place.merchant->id;
  from_poster = product_view (service, 13, poster, &error);
  g_assert_no_error (error);
  g_assert_true (from_poster->poster_first);
  g_assert_cmpuint (from_poster->stockists->len, ==, view->stockists->len);
  g_assert_cmpstr (stockist_name (from_poster, 0), ==, stockist_name (view, last));
  g_assert_cmpstr (stockist_name (from_poster, 1), ==, stockist_name (view, 0));

  /* The poster's shop across town, past the ten nearest: added first. */
  far = count ("SELECT s.merchant_id FROM stock s JOIN merchant m ON m.id = s.merchant_id"
               " WHERE s.product_id = 13 AND s.availability > 0"
               " ORDER BY (m.lat - 43.2951) * (m.lat - 43.2951) + (m.lon - 5.3744) * (m.lon - 5.3744) DESC"
               " LIMIT 1");
  far_poster = product_view (service, 13, far, &error);
  g_assert_no_error (error);
  g_assert_true (far_poster->poster_first);
  g_assert_cmpint (((VtrStockist *) g_ptr_array_index (far_poster->stockists, 0))->place.merchant->id, ==, far);
  g_assert_cmpuint (far_poster->stockists->len, ==, view->stockists->len + 1);
  g_assert_cmpstr (stockist_name (far_poster, 1), ==, "Boucherie Roux");

  /* A poster's shop that does not stock it: nearest first, no error. */
  elsewhere = count ("SELECT min (id) FROM merchant WHERE id NOT IN (SELECT merchant_id FROM stock WHERE product_id = 13)");
  not_stocked = product_view (service, 13, elsewhere, &error);
  g_assert_no_error (error);
  g_assert_false (not_stocked->poster_first);
  g_assert_cmpstr (stockist_name (not_stocked, 0), ==, "Boucherie Roux");

  missing = product_view (service, 987654, 0, &error);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

static void
test_product_by_gtin (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) by_number = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProduct) product = NULL;
  g_autoptr(VtrProduct) none = NULL;

  vtr_catalog_service_product_by_gtin_async (service, "3761230000136", NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  product = vtr_catalog_service_product_by_gtin_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (product->id, ==, 13);
  g_assert_cmpstr (product->name, ==, "Saucisses de Toulouse 500 g");

  /* A product number is not a barcode. */
  vtr_catalog_service_product_by_gtin_async (service, "13", NULL, on_done, &by_number);
  g_assert_true (wait_for (&by_number, 10));
  none = vtr_catalog_service_product_by_gtin_finish (service, by_number, &error);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_assert_null (none);
}

static VtrMerchantView *
merchant_view (VtrCatalogService *service,
               gint64             merchant_id,
               GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vtr_catalog_service_merchant_async (service, merchant_id, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  return vtr_catalog_service_merchant_finish (service, result, error);
}

static void
test_merchant (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchantView) shop = NULL;
  g_autoptr(VtrMerchantView) host = NULL;
  g_autoptr(VtrMerchantView) promoting = NULL;
  g_autoptr(VtrMerchantView) missing = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *promotions_sql = NULL;
  gint64 host_id, promoting_id;
  const char *previous = "";

  /* Zouaghi: its hours and the products on its shelves, by name. */
  shop = merchant_view (service, 9, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shop->merchant->name, ==, "Zouaghi");
  g_assert_cmpstr (shop->merchant->opening_hours, ==, "Mo-Sa 08:00-19:30");
  g_assert_true (shop->open.known);
  g_assert_nonnull (shop->open.next_change);
  g_assert_cmpint (shop->products->len, ==, count ("SELECT count (*) FROM stock WHERE merchant_id = 9"));
  g_assert_cmpuint (shop->products->len, >, 0);
  for (guint i = 0; i < shop->products->len; i++)
    {
      VtrMerchantProduct *item = g_ptr_array_index (shop->products, i);

      g_assert_cmpint (g_utf8_collate (previous, item->product->name), <=, 0);
      g_assert_cmpint (item->price_cents, >, 0);
      previous = item->product->name;
    }

  /* A shop hosting a collection point lists it, and only its own. */
  host_id = count ("SELECT min (merchant_id) FROM collection_point WHERE merchant_id > 0");
  host = merchant_view (service, host_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->collection_points->len, ==,
                    count ("SELECT count (*) FROM collection_point WHERE merchant_id = "
                           "(SELECT min (merchant_id) FROM collection_point WHERE merchant_id > 0)"));
  for (guint i = 0; i < host->collection_points->len; i++)
    g_assert_cmpint (((VtrCollectionPlace *) g_ptr_array_index (host->collection_points, i))->point->merchant_id,
                     ==, host_id);

  /* Promotions running now in the shop, none of another shop. */
  promotions_sql = g_strdup_printf ("SELECT min (merchant_id) FROM promotion WHERE starts <= %" G_GINT64_FORMAT
                                    " AND ends > %" G_GINT64_FORMAT, g_date_time_to_unix (now),
                                    g_date_time_to_unix (now));
  promoting_id = count (promotions_sql);
  g_assert_cmpint (promoting_id, >, 0);
  promoting = merchant_view (service, promoting_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (promoting->promotions->len, >=, 1);
  for (guint i = 0; i < promoting->promotions->len; i++)
    {
      VtrPromotionOffer *offer = g_ptr_array_index (promoting->promotions, i);

      g_assert_cmpint (offer->place.merchant->id, ==, promoting_id);
      g_assert_cmpstr (offer->promotion->title, !=, "");
    }

  missing = merchant_view (service, 987654, &error);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

static void
test_near_service (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) expected = vtr_catalog_near_service (catalog, "boulangerie", &here, now, 12, NULL);

  vtr_catalog_service_near_service_async (service, "boulangerie", &here, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  places = vtr_catalog_service_near_service_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (places->len, ==, 12);
  g_assert_cmpuint (places->len, ==, expected->len);
  g_assert_cmpstr (((VtrPlace *) g_ptr_array_index (places, 0))->merchant->name, ==, "Boulangerie Blanc");
  for (guint i = 0; i < places->len; i++)
    {
      VtrPlace *place = g_ptr_array_index (places, i);

      g_assert_cmpint (place->merchant->id, ==, ((VtrPlace *) g_ptr_array_index (expected, i))->merchant->id);
      g_assert_true (g_strv_contains ((const char * const *) place->merchant->services, "boulangerie"));
      if (i > 0)
        g_assert_cmpfloat (place->distance_m, >=, ((VtrPlace *) g_ptr_array_index (places, i - 1))->distance_m);
    }
}

static void
test_civic (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCivicView) view = NULL;

  vtr_catalog_service_civic_async (service, &here, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  view = vtr_catalog_service_civic_finish (service, result, &error);
  g_assert_no_error (error);
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      GPtrArray *places = view->places[kind];

      g_assert_cmpuint (places->len, ==, 3);
      for (guint i = 0; i < places->len; i++)
        {
          VtrCollectionPlace *place = g_ptr_array_index (places, i);

          g_assert_cmpint (place->point->kind, ==, kind);
          if (i > 0)
            g_assert_cmpfloat (place->distance_m, >=,
                               ((VtrCollectionPlace *) g_ptr_array_index (places, i - 1))->distance_m);
        }
    }
  g_assert_cmpstr (((VtrCollectionPlace *) g_ptr_array_index (view->places[VTR_COLLECTION_CLOTHES], 0))->merchant->name,
                   ==, "Pressing Blanc");
}

/* A product at one shop, as the basket takes it: its price and stock
 * there, the shop, and the parcel lockers nearest the kiosk. */
static void
test_basket_offer (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrBasketOffer) offer = NULL;
  g_autoptr(VtrBasketOffer) none = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) lockers = vtr_catalog_collection_points_near (catalog, VTR_COLLECTION_PARCEL_LOCKER, &here,
                                                                     now, 3, NULL);
  VtrStock stock;

  g_assert_true (vtr_catalog_get_stock (catalog, 13, 9, &stock, &error));
  vtr_catalog_service_basket_offer_async (service, 13, 9, &here, NULL, on_done, &result);
  /* A shop that does not sell it: in words. */
  vtr_catalog_service_basket_offer_async (service, 13, 987654, &here, NULL, on_done, &missing);
  g_assert_true (wait_for (&missing, 10));
  g_assert_nonnull (result);
  offer = vtr_catalog_service_basket_offer_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (offer->product->id, ==, 13);
  g_assert_cmpstr (offer->product->name, ==, "Saucisses de Toulouse 500 g");
  g_assert_cmpint (offer->merchant->id, ==, 9);
  g_assert_cmpint (offer->stock.price_cents, ==, stock.price_cents);
  g_assert_cmpint (offer->stock.availability, ==, stock.availability);
  g_assert_cmpuint (offer->lockers->len, ==, lockers->len);
  g_assert_cmpuint (offer->lockers->len, >, 0);
  for (guint i = 0; i < lockers->len; i++)
    g_assert_cmpint (((VtrCollectionPlace *) g_ptr_array_index (offer->lockers, i))->point->id, ==,
                     ((VtrCollectionPlace *) g_ptr_array_index (lockers, i))->point->id);
  none = vtr_catalog_service_basket_offer_finish (service, missing, &error);
  g_assert_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND);
  g_assert_null (none);
}

static void
test_cancelled (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GCancellable) before = g_cancellable_new ();
  g_autoptr(GCancellable) after = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProductView) view = NULL;
  g_autoptr(VtrSearchResults) results = NULL;
  g_autoptr(VtrMerchantView) shop = NULL;

  /* Cancelled before it was asked, and cancelled while it waits or runs:
   * both answer CANCELLED, whatever the thread had found. */
  g_cancellable_cancel (before);
  vtr_catalog_service_product_async (service, 13, 0, &here, before, on_done, &first);
  vtr_catalog_service_search_async (service, "savon", &here, after, on_done, &second);
  vtr_catalog_service_merchant_async (service, 9, NULL, on_done, &third);
  g_cancellable_cancel (after);
  /* GTask gives a cancelled task's answer one turn of the main loop later:
   * the order holds for the queries not cancelled. */
  g_assert_true (wait_for (&third, 10));
  g_assert_true (wait_for (&first, 10));
  g_assert_true (wait_for (&second, 10));

  view = vtr_catalog_service_product_finish (service, first, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (view);
  g_clear_error (&error);
  results = vtr_catalog_service_search_finish (service, second, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (results);
  g_clear_error (&error);
  /* The one not cancelled is answered. */
  shop = vtr_catalog_service_merchant_finish (service, third, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shop->merchant->name, ==, "Zouaghi");
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GPtrArray *order = data;

  g_ptr_array_add (order, g_strdup (g_task_get_source_tag (G_TASK (result)) == vtr_catalog_service_search_async ? "search"
                                    : g_task_get_source_tag (G_TASK (result)) == vtr_catalog_service_product_async ? "product"
                                    : g_task_get_source_tag (G_TASK (result)) == vtr_catalog_service_merchant_async ? "merchant"
                                    : g_task_get_source_tag (G_TASK (result)) == vtr_catalog_service_civic_async ? "civic"
                                    : "near-service"));
}

static void
test_in_order (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new (data_dir);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  /* The slow ones first: a civic view makes four queries, a search many. */
  vtr_catalog_service_civic_async (service, &here, NULL, on_answer, order);
  vtr_catalog_service_search_async (service, "savon", &here, NULL, on_answer, order);
  vtr_catalog_service_product_async (service, 13, 0, &here, NULL, on_answer, order);
  vtr_catalog_service_near_service_async (service, "boulangerie", &here, NULL, on_answer, order);
  vtr_catalog_service_merchant_async (service, 9, NULL, on_answer, order);
  while (order->len < 5 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_add (order, NULL);
  joined = g_strjoinv (" ", (char **) order->pdata);
  g_assert_cmpstr (joined, ==, "civic search product near-service merchant");
}

typedef struct
{
  int            lock_fd;
  GAsyncResult **result;
  gboolean       answered_while_held;
  guint          ticks;
} Held;

static gboolean
on_tick (gpointer data)
{
  Held *held = data;

  held->ticks++;
  /* Let go of the folder after a few turns of the main loop. */
  if (held->ticks == 5)
    {
      held->answered_while_held = *held->result != NULL;
      flock (held->lock_fd, LOCK_UN);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop_runs (void)
{
  g_autofree char *lock_path = g_build_filename (data_dir, VTR_STORE_LOCK_FILE, NULL);
  g_autoptr(VtrCatalogService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProductView) view = NULL;
  Held held = { .result = &result };
  gint64 start, asked;

  /* Another program holds the folder (as a start-up check does): the
   * service's thread waits to open its store, while the main loop goes on
   * turning; the answer comes once the folder is free. */
  held.lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (held.lock_fd, >=, 0);
  g_assert_cmpint (flock (held.lock_fd, LOCK_EX), ==, 0);

  service = vtr_catalog_service_new (data_dir);
  start = g_get_monotonic_time ();
  vtr_catalog_service_product_async (service, 13, 0, &here, NULL, on_done, &result);
  asked = g_get_monotonic_time () - start;
  g_timeout_add (40, on_tick, &held);
  g_assert_true (wait_for (&result, 20));
  close (held.lock_fd);

  g_test_message ("asked in %" G_GINT64_FORMAT " µs, answered after %u ticks of 40 ms", asked, held.ticks);
  g_assert_cmpint (asked, <, G_USEC_PER_SEC / 10);
  g_assert_false (held.answered_while_held);
  g_assert_cmpuint (held.ticks, ==, 5);
  view = vtr_catalog_service_product_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (view->product->name, ==, "Saucisses de Toulouse 500 g");
}

static void
test_unreadable_folder (void)
{
  g_autoptr(VtrCatalogService) service = vtr_catalog_service_new ("/proc/nonexistent/vitrine");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCivicView) view = NULL;

  /* The store cannot open: the query says so, the service stays usable. */
  vtr_catalog_service_civic_async (service, &here, NULL, on_done, &result);
  g_assert_true (wait_for (&result, 10));
  view = vtr_catalog_service_civic_finish (service, result, &error);
  g_assert_nonnull (error);
  g_assert_null (view);
  g_assert_cmpstr (error->message, !=, "");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_no_error (error);
    catalog = vtr_catalog_new (store);
    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    g_assert_no_error (error);
  }

  g_test_add_func ("/catalog-service/search", test_search);
  g_test_add_func ("/catalog-service/product", test_product);
  g_test_add_func ("/catalog-service/product-by-gtin", test_product_by_gtin);
  g_test_add_func ("/catalog-service/merchant", test_merchant);
  g_test_add_func ("/catalog-service/near-service", test_near_service);
  g_test_add_func ("/catalog-service/civic", test_civic);
  g_test_add_func ("/catalog-service/basket-offer", test_basket_offer);
  g_test_add_func ("/catalog-service/cancelled", test_cancelled);
  g_test_add_func ("/catalog-service/in-order", test_in_order);
  g_test_add_func ("/catalog-service/main-loop-runs", test_main_loop_runs);
  g_test_add_func ("/catalog-service/unreadable-folder", test_unreadable_folder);

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

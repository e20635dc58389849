#include "config.h"

#include "vtr-catalog-service.h"

#include <glib/gi18n-lib.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-store-private.h"

/*
 * The catalogue's queries, away from the screen. As Epiphany's history
 * service does, one thread owns the database: it opens its own store and
 * catalogue on the data folder, then takes queries from a queue one at a
 * time, so they are answered in the order they were asked. An answer goes
 * back to the main context of the caller, where the GTask returns it; a
 * query cancelled before its turn is not run, one cancelled while it ran
 * is answered G_IO_ERROR_CANCELLED and its result freed (GTask gives a
 * cancelled task's answer a turn of the main loop later, as it always
 * does: the order holds among the queries not cancelled).
 *
 * Each query gathers everything one screen shows, so a screen waits for
 * one answer: the product with its stockists, the shop with its hours,
 * collection points and promotions.
 */

#define SEARCH_LIMIT 8
#define STOCKISTS_LIMIT 10
#define NEAR_SERVICE_LIMIT 12
#define CIVIC_LIMIT 3
#define MERCHANT_PROMOTIONS_LIMIT 50
#define MERCHANT_PRODUCTS_LIMIT 60

typedef struct _Query Query;

/* What the database thread owns; only it touches these. */
typedef struct
{
  char       *data_dir;
  VtrStore   *store;
  VtrCatalog *catalog;
} Worker;

typedef gpointer (*QueryFunc) (Worker  *worker,
                               Query   *query,
                               GError **error);

struct _Query
{
  QueryFunc       run;
  GDestroyNotify  free_result;
  GTask          *task;        /* NULL for the message that stops the thread */
  char           *text;
  gint64          id;
  gint64          id2;
  VtrPosition     here;
  gboolean        has_here;
  gpointer        result;
  GError         *error;
};

struct _VtrCatalogService
{
  GObject       parent_instance;

  char         *data_dir;
  GAsyncQueue  *queue;
  GThread      *thread;
  Worker       *worker;
};

G_DEFINE_FINAL_TYPE (VtrCatalogService, vtr_catalog_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
query_free (Query *query)
{
  g_clear_object (&query->task);
  g_clear_pointer (&query->text, g_free);
  if (query->result && query->free_result)
    query->free_result (query->result);
  g_clear_error (&query->error);
  g_free (query);
}

/* Views. */

void
vtr_product_view_free (VtrProductView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->now, g_date_time_unref);
  g_clear_pointer (&view->product, vtr_product_free);
  g_clear_pointer (&view->stockists, g_ptr_array_unref);
  g_free (view);
}

void
vtr_merchant_product_free (VtrMerchantProduct *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->product, vtr_product_free);
  g_free (item);
}

void
vtr_merchant_view_free (VtrMerchantView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->now, g_date_time_unref);
  g_clear_pointer (&view->merchant, vtr_merchant_free);
  g_clear_pointer (&view->open.next_change, g_date_time_unref);
  g_clear_pointer (&view->collection_points, g_ptr_array_unref);
  g_clear_pointer (&view->promotions, g_ptr_array_unref);
  g_clear_pointer (&view->products, g_ptr_array_unref);
  g_free (view);
}

void
vtr_civic_view_free (VtrCivicView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->now, g_date_time_unref);
  for (guint i = 0; i < VTR_N_COLLECTION_KINDS; i++)
    g_clear_pointer (&view->places[i], g_ptr_array_unref);
  g_free (view);
}

void
vtr_basket_offer_free (VtrBasketOffer *offer)
{
  if (offer == NULL)
    return;
  g_clear_pointer (&offer->now, g_date_time_unref);
  g_clear_pointer (&offer->product, vtr_product_free);
  g_clear_pointer (&offer->merchant, vtr_merchant_free);
  g_clear_pointer (&offer->open.next_change, g_date_time_unref);
  g_clear_pointer (&offer->lockers, g_ptr_array_unref);
  g_clear_pointer (&offer->promotions, g_ptr_array_unref);
  g_free (offer);
}

/* The database thread. */

static gboolean
worker_open (Worker  *worker,
             GError **error)
{
  if (worker->catalog != NULL)
    return TRUE;
  worker->store = vtr_store_open (worker->data_dir, error);
  if (worker->store == NULL)
    return FALSE;
  worker->catalog = vtr_catalog_new (worker->store);
  return TRUE;
}

static GDateTime *
now_in_paris (void)
{
  return g_date_time_new_now (vtr_opening_hours_timezone ());
}

/* Hands the answer to the caller's main context, where the task returns
 * it: the last reference to the task (and so to the service) is always
 * dropped there, never on this thread. */
static gboolean
query_answer (gpointer data)
{
  Query *query = data;
  GTask *task = query->task;

  if (query->error)
    g_task_return_error (task, g_steal_pointer (&query->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&query->result), query->free_result);
  query_free (query);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer data)
{
  VtrCatalogService *self = data;
  Worker *worker = self->worker;
  GAsyncQueue *queue = g_async_queue_ref (self->queue);

  for (;;)
    {
      Query *query = g_async_queue_pop (queue);
      GCancellable *cancellable;
      g_autoptr(GSource) source = NULL;

      if (query->task == NULL)
        {
          query_free (query);
          break;
        }
      cancellable = g_task_get_cancellable (query->task);
      if (!g_cancellable_set_error_if_cancelled (cancellable, &query->error) &&
          worker_open (worker, &query->error))
        query->result = query->run (worker, query, &query->error);
      g_assert (query->result != NULL || query->error != NULL);

      source = g_idle_source_new ();
      g_source_set_priority (source, g_task_get_priority (query->task));
      g_source_set_callback (source, query_answer, query, NULL);
      g_source_set_static_name (source, "[vitrine] catalogue answer");
      g_source_attach (source, g_task_get_context (query->task));
    }
  g_async_queue_unref (queue);
  g_clear_object (&worker->catalog);
  g_clear_object (&worker->store);
  return NULL;
}

static void
queue_query (VtrCatalogService   *self,
             Query               *query,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  query->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (query->task, source_tag);
  g_async_queue_push (self->queue, query);
}

static Query *
query_new (QueryFunc          run,
           GDestroyNotify     free_result,
           const VtrPosition *here)
{
  Query *query = g_new0 (Query, 1);

  query->run = run;
  query->free_result = free_result;
  if (here)
    {
      query->here = *here;
      query->has_here = TRUE;
    }
  return query;
}

static gpointer
finish (VtrCatalogService  *self,
        GAsyncResult       *result,
        gpointer            source_tag,
        GError            **error)
{
  g_return_val_if_fail (VTR_IS_CATALOG_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject. */

static void
vtr_catalog_service_constructed (GObject *object)
{
  VtrCatalogService *self = VTR_CATALOG_SERVICE (object);

  G_OBJECT_CLASS (vtr_catalog_service_parent_class)->constructed (object);

  self->worker = g_new0 (Worker, 1);
  self->worker->data_dir = g_strdup (self->data_dir);
  self->thread = g_thread_new ("vitrine-catalogue", worker_main, self);
}

static void
vtr_catalog_service_finalize (GObject *object)
{
  VtrCatalogService *self = VTR_CATALOG_SERVICE (object);

  /* Every query holds the service until its answer was given: the queue
   * is empty, the thread waits for this last message. */
  if (self->thread)
    {
      g_async_queue_push (self->queue, g_new0 (Query, 1));
      g_thread_join (self->thread);
    }
  if (self->worker)
    {
      g_free (self->worker->data_dir);
      g_free (self->worker);
    }
  g_async_queue_unref (self->queue);
  g_free (self->data_dir);

  G_OBJECT_CLASS (vtr_catalog_service_parent_class)->finalize (object);
}

static void
vtr_catalog_service_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VtrCatalogService *self = VTR_CATALOG_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_catalog_service_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VtrCatalogService *self = VTR_CATALOG_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_catalog_service_class_init (VtrCatalogServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vtr_catalog_service_constructed;
  object_class->finalize = vtr_catalog_service_finalize;
  object_class->get_property = vtr_catalog_service_get_property;
  object_class->set_property = vtr_catalog_service_set_property;

  /**
   * VtrCatalogService:data-dir:
   *
   * The data folder whose catalogue the service reads.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vtr_catalog_service_init (VtrCatalogService *self)
{
  self->queue = g_async_queue_new ();
}

/**
 * vtr_catalog_service_new:
 * @data_dir: the data folder
 *
 * Returns immediately: the store is opened on the service's thread, by the
 * first query, which is answered with the error if it cannot be.
 */
VtrCatalogService *
vtr_catalog_service_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (VTR_TYPE_CATALOG_SERVICE, "data-dir", data_dir, NULL);
}

const char *
vtr_catalog_service_get_data_dir (VtrCatalogService *self)
{
  g_return_val_if_fail (VTR_IS_CATALOG_SERVICE (self), NULL);

  return self->data_dir;
}

/* Search. */

static gpointer
run_search (Worker  *worker,
            Query   *query,
            GError **error)
{
  g_autoptr(GDateTime) now = now_in_paris ();

  return vtr_catalog_search (worker->catalog, query->text, query->has_here ? &query->here : NULL, now,
                             SEARCH_LIMIT, error);
}

/**
 * vtr_catalog_service_search_async:
 * @here: (nullable): where the kiosk stands: shops nearest first
 *
 * Products, shops and trades matching @text, as the search screen lists them.
 */
void
vtr_catalog_service_search_async (VtrCatalogService   *self,
                                  const char          *text,
                                  const VtrPosition   *here,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (text != NULL);

  query = query_new (run_search, (GDestroyNotify) vtr_search_results_free, here);
  query->text = g_strdup (text);
  queue_query (self, query, vtr_catalog_service_search_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_search_finish:
 *
 * Returns: (transfer full): the results, free with vtr_search_results_free()
 */
VtrSearchResults *
vtr_catalog_service_search_finish (VtrCatalogService  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  return finish (self, result, vtr_catalog_service_search_async, error);
}

/* A product's page. */

/**
 * vtr_catalog_product_view:
 * @poster_merchant_id: the shop of the poster scanned, listed first; or 0
 * @here: where the shopper stands
 * @now: the time for opening hours and promotions
 *
 * A product's page as the kiosk and the phone pages show it: the product,
 * its nearest stockists (the poster's shop first), and the price range
 * over them. The one rule both use: a phone page and a kiosk standing at
 * the same place show the same shops and the same prices.
 *
 * Returns: (transfer full): the view, free with vtr_product_view_free()
 */
VtrProductView *
vtr_catalog_product_view (VtrCatalog         *catalog,
                          gint64              product_id,
                          gint64              poster_merchant_id,
                          const VtrPosition  *here,
                          GDateTime          *now,
                          GError            **error)
{
  g_autoptr(VtrProductView) view = g_new0 (VtrProductView, 1);
  gint64 poster = poster_merchant_id;

  g_return_val_if_fail (VTR_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  view->now = g_date_time_ref (now);
  view->product = vtr_catalog_get_product (catalog, product_id, error);
  if (view->product == NULL)
    return NULL;
  view->stockists = vtr_catalog_nearest_stockists (catalog, view->product->id, here, view->now,
                                                   STOCKISTS_LIMIT, VTR_STOCKISTS_DEFAULT, error);
  if (view->stockists == NULL)
    return NULL;

  /* The poster's shop first: the shopper may be standing in front of it,
   * or have brought its flyer from across town. */
  if (poster > 0)
    {
      for (guint i = 0; i < view->stockists->len; i++)
        {
          VtrStockist *stockist = g_ptr_array_index (view->stockists, i);

          if (stockist->place.merchant->id == poster)
            {
              gpointer first = g_ptr_array_steal_index (view->stockists, i);

              g_ptr_array_insert (view->stockists, 0, first);
              view->poster_first = TRUE;
              break;
            }
        }
      if (!view->poster_first)
        {
          g_autoptr(GError) local_error = NULL;
          VtrStockist *poster_shop = vtr_catalog_get_stockist (catalog, view->product->id, poster, here,
                                                               view->now, &local_error);

          /* A shop that no longer stocks it is left out, not an error. */
          if (poster_shop)
            {
              g_ptr_array_insert (view->stockists, 0, poster_shop);
              view->poster_first = TRUE;
            }
          else if (!g_error_matches (local_error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }

  for (guint i = 0; i < view->stockists->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (view->stockists, i);

      if (i == 0 || stockist->price_cents < view->low_price_cents)
        view->low_price_cents = stockist->price_cents;
      if (i == 0 || stockist->price_cents > view->high_price_cents)
        view->high_price_cents = stockist->price_cents;
    }
  return g_steal_pointer (&view);
}

static gpointer
run_product (Worker  *worker,
             Query   *query,
             GError **error)
{
  g_autoptr(GDateTime) now = now_in_paris ();

  return vtr_catalog_product_view (worker->catalog, query->id, query->id2, query->has_here ? &query->here : NULL,
                                   now, error);
}

/**
 * vtr_catalog_service_product_async:
 * @poster_merchant_id: the shop of the poster scanned, listed first; or 0
 * @here: where the kiosk stands
 *
 * The product and its nearest stockists, with the price range.
 */
void
vtr_catalog_service_product_async (VtrCatalogService   *self,
                                   gint64               product_id,
                                   gint64               poster_merchant_id,
                                   const VtrPosition   *here,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (here != NULL);

  query = query_new (run_product, (GDestroyNotify) vtr_product_view_free, here);
  query->id = product_id;
  query->id2 = poster_merchant_id;
  queue_query (self, query, vtr_catalog_service_product_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_product_finish:
 *
 * Returns: (transfer full): the product's page; %NULL with
 *   %VTR_CATALOG_ERROR_NOT_FOUND when there is no such product
 */
VtrProductView *
vtr_catalog_service_product_finish (VtrCatalogService  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  return finish (self, result, vtr_catalog_service_product_async, error);
}

/* A product by its barcode. */

static gpointer
run_product_by_gtin (Worker  *worker,
                     Query   *query,
                     GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (query->text));

  /* Only a barcode: a product number would find another product. */
  if (!vtr_gtin_looks_like_gtin (trimmed))
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                   _("No product with barcode %s in the catalogue"), trimmed);
      return NULL;
    }
  return vtr_catalog_find_product_by_gtin (worker->catalog, trimmed, error);
}

void
vtr_catalog_service_product_by_gtin_async (VtrCatalogService   *self,
                                           const char          *gtin,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (gtin != NULL);

  query = query_new (run_product_by_gtin, (GDestroyNotify) vtr_product_free, NULL);
  query->text = g_strdup (gtin);
  queue_query (self, query, vtr_catalog_service_product_by_gtin_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_product_by_gtin_finish:
 *
 * Returns: (transfer full): the product with that barcode; %NULL with
 *   %VTR_CATALOG_ERROR_NOT_FOUND when no shop of the federation has it
 */
VtrProduct *
vtr_catalog_service_product_by_gtin_finish (VtrCatalogService  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  return finish (self, result, vtr_catalog_service_product_by_gtin_async, error);
}

/* A shop's page. */

static GPtrArray *
merchant_products (Worker  *worker,
                   gint64   merchant_id,
                   GError **error)
{
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_merchant_product_free);
  g_autoptr(VtrStatement) stmt = NULL;

  stmt = vtr_store_statement (worker->store,
                              "SELECT p.id, p.gtin, p.name, p.brand, p.category, s.price_cents, s.availability"
                              " FROM stock s JOIN product p ON p.id = s.product_id"
                              " WHERE s.merchant_id = ? ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int (stmt, 2, MERCHANT_PRODUCTS_LIMIT);
  for (;;)
    {
      VtrMerchantProduct *item;
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_DONE)
        break;
      if (rc != SQLITE_ROW)
        {
          vtr_store_set_error (worker->store, rc, error);
          return NULL;
        }
      item = g_new0 (VtrMerchantProduct, 1);
      item->product = g_new0 (VtrProduct, 1);
      item->product->id = sqlite3_column_int64 (stmt, 0);
      item->product->gtin = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      item->product->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      item->product->brand = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      item->product->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      item->price_cents = sqlite3_column_int64 (stmt, 5);
      item->availability = CLAMP (sqlite3_column_int (stmt, 6), VTR_AVAILABILITY_OUT_OF_STOCK,
                                  VTR_AVAILABILITY_IN_STOCK);
      g_ptr_array_add (products, item);
    }
  return g_steal_pointer (&products);
}

static gpointer
run_merchant (Worker  *worker,
              Query   *query,
              GError **error)
{
  g_autoptr(VtrMerchantView) view = g_new0 (VtrMerchantView, 1);
  g_autoptr(GPtrArray) offers = NULL;

  view->now = now_in_paris ();
  view->merchant = vtr_catalog_get_merchant (worker->catalog, query->id, error);
  if (view->merchant == NULL)
    return NULL;
  vtr_catalog_open_state (worker->catalog, view->merchant->opening_hours, view->now, &view->open);

  /* The collection points it hosts: clothes, cardboard, oil, parcels. */
  view->collection_points = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_collection_place_free);
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) points = vtr_catalog_collection_points_near (worker->catalog, kind,
                                                                        &view->merchant->position, view->now,
                                                                        CIVIC_LIMIT, error);

      if (points == NULL)
        return NULL;
      for (guint i = 0; i < points->len; i++)
        {
          VtrCollectionPlace *point = g_ptr_array_index (points, i);

          if (point->point->merchant_id == view->merchant->id)
            g_ptr_array_add (view->collection_points, g_ptr_array_steal_index (points, i--));
        }
    }

  /* Its promotions running now. */
  offers = vtr_catalog_promotions_near (worker->catalog, &view->merchant->position, view->now,
                                        MERCHANT_PROMOTIONS_LIMIT, error);
  if (offers == NULL)
    return NULL;
  view->promotions = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_offer_free);
  for (guint i = 0; i < offers->len; i++)
    {
      VtrPromotionOffer *offer = g_ptr_array_index (offers, i);

      if (offer->place.merchant->id == view->merchant->id)
        g_ptr_array_add (view->promotions, g_ptr_array_steal_index (offers, i--));
    }

  view->products = merchant_products (worker, view->merchant->id, error);
  if (view->products == NULL)
    return NULL;
  return g_steal_pointer (&view);
}

/**
 * vtr_catalog_service_merchant_async:
 *
 * A shop's page: the shop, open or closed now, the collection points it
 * hosts, its promotions running and the products it stocks.
 */
void
vtr_catalog_service_merchant_async (VtrCatalogService   *self,
                                    gint64               merchant_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));

  query = query_new (run_merchant, (GDestroyNotify) vtr_merchant_view_free, NULL);
  query->id = merchant_id;
  queue_query (self, query, vtr_catalog_service_merchant_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_merchant_finish:
 *
 * Returns: (transfer full): the shop's page; %NULL with
 *   %VTR_CATALOG_ERROR_NOT_FOUND when there is no such shop
 */
VtrMerchantView *
vtr_catalog_service_merchant_finish (VtrCatalogService  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  return finish (self, result, vtr_catalog_service_merchant_async, error);
}

/* The shops of a trade. */

static gpointer
run_near_service (Worker  *worker,
                  Query   *query,
                  GError **error)
{
  g_autoptr(GDateTime) now = now_in_paris ();

  return vtr_catalog_near_service (worker->catalog, query->text, query->has_here ? &query->here : NULL, now,
                                   NEAR_SERVICE_LIMIT, error);
}

/**
 * vtr_catalog_service_near_service_async:
 * @service_id: a service's id of vtr-service.h, "boulangerie"
 *
 * The nearest shops of a trade.
 */
void
vtr_catalog_service_near_service_async (VtrCatalogService   *self,
                                        const char          *service_id,
                                        const VtrPosition   *here,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (service_id != NULL);
  g_return_if_fail (here != NULL);

  query = query_new (run_near_service, (GDestroyNotify) g_ptr_array_unref, here);
  query->text = g_strdup (service_id);
  queue_query (self, query, vtr_catalog_service_near_service_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_near_service_finish:
 *
 * Returns: (transfer full) (element-type VtrPlace): the shops, nearest first
 */
GPtrArray *
vtr_catalog_service_near_service_finish (VtrCatalogService  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return finish (self, result, vtr_catalog_service_near_service_async, error);
}

/* A product at one shop, for the basket. */

static gpointer
run_basket_offer (Worker  *worker,
                  Query   *query,
                  GError **error)
{
  g_autoptr(VtrBasketOffer) offer = g_new0 (VtrBasketOffer, 1);

  offer->now = now_in_paris ();
  offer->product = vtr_catalog_get_product (worker->catalog, query->id, error);
  if (offer->product == NULL)
    return NULL;
  offer->merchant = vtr_catalog_get_merchant (worker->catalog, query->id2, error);
  if (offer->merchant == NULL)
    return NULL;
  if (!vtr_catalog_get_stock (worker->catalog, query->id, query->id2, &offer->stock, error))
    return NULL;
  vtr_catalog_open_state (worker->catalog, offer->merchant->opening_hours, offer->now, &offer->open);
  offer->lockers = vtr_catalog_collection_points_near (worker->catalog, VTR_COLLECTION_PARCEL_LOCKER,
                                                       query->has_here ? &query->here : NULL, offer->now,
                                                       CIVIC_LIMIT, error);
  if (offer->lockers == NULL)
    return NULL;
  offer->promotions = vtr_catalog_promotions_at (worker->catalog, query->id2, query->id, offer->now, error);
  if (offer->promotions == NULL)
    return NULL;
  return g_steal_pointer (&offer);
}

/**
 * vtr_catalog_service_basket_offer_async:
 * @here: where the kiosk stands: the parcel lockers nearest it
 *
 * What the basket needs to take one of a product from a shop: the
 * product, the shop and whether it is open, the shop's price and stock,
 * and the parcel lockers near the kiosk.
 */
void
vtr_catalog_service_basket_offer_async (VtrCatalogService   *self,
                                        gint64               product_id,
                                        gint64               merchant_id,
                                        const VtrPosition   *here,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Query *query;

  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (here != NULL);

  query = query_new (run_basket_offer, (GDestroyNotify) vtr_basket_offer_free, here);
  query->id = product_id;
  query->id2 = merchant_id;
  queue_query (self, query, vtr_catalog_service_basket_offer_async, cancellable, callback, user_data);
}

/**
 * vtr_catalog_service_basket_offer_finish:
 *
 * Returns: (transfer full): the offer; %NULL with
 *   %VTR_CATALOG_ERROR_NOT_FOUND when there is no such product or shop,
 *   or the shop does not sell it
 */
VtrBasketOffer *
vtr_catalog_service_basket_offer_finish (VtrCatalogService  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return finish (self, result, vtr_catalog_service_basket_offer_async, error);
}

/* The civic layer. */

static gpointer
run_civic (Worker  *worker,
           Query   *query,
           GError **error)
{
  g_autoptr(VtrCivicView) view = g_new0 (VtrCivicView, 1);

  view->now = now_in_paris ();
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      view->places[kind] = vtr_catalog_collection_points_near (worker->catalog, kind,
                                                               query->has_here ? &query->here : NULL,
                                                               view->now, CIVIC_LIMIT, error);
      if (view->places[kind] == NULL)
        return NULL;
    }
  return g_steal_pointer (&view);
}

/**
 * vtr_catalog_service_civic_async:
 *
 * Collections (clothes, cardboard, cooking oil) and parcel lockers near
 * @here: the three nearest of each kind.
 */
void
vtr_catalog_service_civic_async (VtrCatalogService   *self,
                                 const VtrPosition   *here,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (VTR_IS_CATALOG_SERVICE (self));
  g_return_if_fail (here != NULL);

  queue_query (self, query_new (run_civic, (GDestroyNotify) vtr_civic_view_free, here),
               vtr_catalog_service_civic_async, cancellable, callback, user_data);
}

VtrCivicView *
vtr_catalog_service_civic_finish (VtrCatalogService  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  return finish (self, result, vtr_catalog_service_civic_async, error);
}

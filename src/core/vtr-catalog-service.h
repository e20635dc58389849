#pragma once

#include <gio/gio.h>

#include "vtr-catalog.h"

G_BEGIN_DECLS

/* The number of kinds of collection point (clothes … parcel lockers). */
#define VTR_N_COLLECTION_KINDS (VTR_COLLECTION_PARCEL_LOCKER + 1)

/* A product's page: the product and the shops near here that stock it. */
typedef struct
{
  GDateTime  *now;                /* when the query ran, for "closes at" */
  VtrProduct *product;
  GPtrArray  *stockists;          /* VtrStockist, nearest first; the poster's shop first */
  gboolean    poster_first;       /* stockists[0] is the shop of the poster scanned */
  gint64      low_price_cents;    /* the price range over the stockists; 0 when none */
  gint64      high_price_cents;
} VtrProductView;

/* A shop's page. */
typedef struct
{
  GDateTime   *now;
  VtrMerchant *merchant;
  VtrOpenState open;              /* at @now */
  GPtrArray   *collection_points; /* VtrCollectionPlace it hosts */
  GPtrArray   *promotions;        /* VtrPromotionOffer running in the shop at @now */
  GPtrArray   *products;          /* VtrMerchantProduct, by name */
} VtrMerchantView;

/* A product on a shop's shelves. */
typedef struct
{
  VtrProduct      *product;
  gint64           price_cents;
  VtrAvailability  availability;
} VtrMerchantProduct;

/* A product at one shop, as the basket takes it: its price and stock
 * there, whether the shop is open, and the parcel lockers near the kiosk
 * it can be collected from instead. */
typedef struct
{
  GDateTime    *now;
  VtrProduct   *product;
  VtrMerchant  *merchant;
  VtrStock      stock;
  VtrOpenState  open;             /* the shop, at @now */
  GPtrArray    *lockers;          /* VtrCollectionPlace, nearest first */
  GPtrArray    *promotions;       /* VtrPromotion of the shop on it, at @now */
} VtrBasketOffer;

/* The civic layer near the kiosk. */
typedef struct
{
  GDateTime *now;
  GPtrArray *places[VTR_N_COLLECTION_KINDS]; /* VtrCollectionPlace, the 3 nearest of each kind */
} VtrCivicView;

#define VTR_TYPE_CATALOG_SERVICE (vtr_catalog_service_get_type ())
G_DECLARE_FINAL_TYPE (VtrCatalogService, vtr_catalog_service, VTR, CATALOG_SERVICE, GObject)

VtrCatalogService *vtr_catalog_service_new                  (const char          *data_dir);
const char        *vtr_catalog_service_get_data_dir         (VtrCatalogService   *self);

void               vtr_catalog_service_search_async         (VtrCatalogService   *self,
                                                             const char          *text,
                                                             const VtrPosition   *here,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrSearchResults  *vtr_catalog_service_search_finish        (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_product_async        (VtrCatalogService   *self,
                                                             gint64               product_id,
                                                             gint64               poster_merchant_id,
                                                             const VtrPosition   *here,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrProductView    *vtr_catalog_product_view                 (VtrCatalog          *catalog,
                                                             gint64               product_id,
                                                             gint64               poster_merchant_id,
                                                             const VtrPosition   *here,
                                                             GDateTime           *now,
                                                             GError             **error);
VtrProductView    *vtr_catalog_service_product_finish       (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_product_by_gtin_async (VtrCatalogService  *self,
                                                             const char          *gtin,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrProduct        *vtr_catalog_service_product_by_gtin_finish (VtrCatalogService *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_merchant_async       (VtrCatalogService   *self,
                                                             gint64               merchant_id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrMerchantView   *vtr_catalog_service_merchant_finish      (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_near_service_async   (VtrCatalogService   *self,
                                                             const char          *service_id,
                                                             const VtrPosition   *here,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GPtrArray         *vtr_catalog_service_near_service_finish  (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_basket_offer_async   (VtrCatalogService   *self,
                                                             gint64               product_id,
                                                             gint64               merchant_id,
                                                             const VtrPosition   *here,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrBasketOffer    *vtr_catalog_service_basket_offer_finish  (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void               vtr_catalog_service_civic_async          (VtrCatalogService   *self,
                                                             const VtrPosition   *here,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VtrCivicView      *vtr_catalog_service_civic_finish         (VtrCatalogService   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void vtr_product_view_free     (VtrProductView     *view);
void vtr_merchant_view_free    (VtrMerchantView    *view);
void vtr_merchant_product_free (VtrMerchantProduct *item);
void vtr_civic_view_free       (VtrCivicView       *view);
void vtr_basket_offer_free     (VtrBasketOffer     *offer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrProductView, vtr_product_view_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrMerchantView, vtr_merchant_view_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrMerchantProduct, vtr_merchant_product_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrCivicView, vtr_civic_view_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrBasketOffer, vtr_basket_offer_free)

G_END_DECLS

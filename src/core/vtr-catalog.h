#pragma once

#include <gio/gio.h>

#include "vtr-geo.h"
#include "vtr-store.h"

G_BEGIN_DECLS

#define VTR_CATALOG_ERROR (vtr_catalog_error_quark ())

typedef enum
{
  VTR_CATALOG_ERROR_NOT_FOUND,
  VTR_CATALOG_ERROR_INVALID,
  VTR_CATALOG_ERROR_UNKNOWN_KIND,
} VtrCatalogError;

typedef enum
{
  VTR_AVAILABILITY_OUT_OF_STOCK,
  VTR_AVAILABILITY_LOW,
  VTR_AVAILABILITY_IN_STOCK,
} VtrAvailability;

typedef enum
{
  VTR_PROMOTION_PERCENT,    /* value: percent off */
  VTR_PROMOTION_AMOUNT,     /* value: cents off */
  VTR_PROMOTION_POINTS,     /* value: loyalty points multiplier */
  VTR_PROMOTION_BUY_GET,    /* buy `buy`, get `get` free */
} VtrPromotionKind;

typedef enum
{
  VTR_COLLECTION_CLOTHES,
  VTR_COLLECTION_CARDBOARD,
  VTR_COLLECTION_COOKING_OIL,
  VTR_COLLECTION_PARCEL_LOCKER,
} VtrCollectionKind;

/* The tables of the catalogue, in the order their rows are written:
 * shops and products before what refers to them. */
typedef enum
{
  VTR_TABLE_MERCHANTS,
  VTR_TABLE_PRODUCTS,
  VTR_TABLE_STOCK,
  VTR_TABLE_PROMOTIONS,
  VTR_TABLE_RULES,
  VTR_TABLE_REWARDS,
  VTR_TABLE_COLLECTION_POINTS,
  VTR_N_TABLES
} VtrCatalogTable;

typedef struct
{
  gint64  id;
  char   *gtin;     /* 14 digits, see vtr_gtin_normalize() */
  char   *name;
  char   *brand;
  char   *category;
} VtrProduct;

typedef struct
{
  gint64       id;
  char        *name;
  char       **services;
  char        *address;
  char        *postcode;
  char        *city;
  VtrPosition  position;
  char        *phone;
  char        *opening_hours;
  char        *association;
} VtrMerchant;

typedef struct
{
  gint64            id;
  gint64            merchant_id;
  gint64            product_id;  /* 0 when the promotion is on a category */
  char             *category;    /* NULL when it is on a product */
  VtrPromotionKind  kind;
  int               value;
  int               buy;
  int               get;
  gint64            starts;      /* Unix time, inclusive */
  gint64            ends;        /* Unix time, exclusive */
  char             *title;       /* what the merchant typed, shown word for word; may be empty */
  gboolean          loyal_only;  /* for holders of a loyalty card only */
} VtrPromotion;

typedef struct
{
  gint64             id;
  VtrCollectionKind  kind;
  char              *name;
  gint64             merchant_id; /* 0 when standalone */
  char              *address;
  VtrPosition        position;
  char              *opening_hours;
} VtrCollectionPoint;

typedef enum
{
  VTR_REWARD_DISCOUNT,     /* value: cents off */
  VTR_REWARD_FREE_PRODUCT, /* product_id: given */
} VtrRewardKind;

typedef struct
{
  gint64         id;
  gint64         merchant_id;
  int            points;
  VtrRewardKind  kind;
  int            value;
  gint64         product_id;
  char          *title;
} VtrReward;

typedef struct
{
  gint64          product_id;
  gint64          merchant_id;
  gint64          price_cents;
  VtrAvailability availability;
  gint64          updated;
} VtrStock;

/* Whether a place is open at the time asked about. */
typedef struct
{
  gboolean   known;       /* FALSE when the hours are missing or unreadable */
  gboolean   open;
  GDateTime *next_change; /* closes at when open, opens at when closed; may be NULL */
} VtrOpenState;

/* A merchant as seen from where the shopper stands. */
typedef struct
{
  VtrMerchant  *merchant;
  double        distance_m;
  int           walking_minutes;
  VtrOpenState  open;
} VtrPlace;

typedef struct
{
  VtrPlace         place;
  gint64           price_cents;
  VtrAvailability  availability;
  gint64           updated;
  GPtrArray       *promotions; /* VtrPromotion, those that apply at the time asked */
} VtrStockist;

typedef struct
{
  VtrPromotion *promotion;
  VtrPlace      place;
  VtrProduct   *product; /* NULL for a category promotion */
} VtrPromotionOffer;

typedef struct
{
  VtrCollectionPoint *point;
  VtrMerchant        *merchant; /* the host shop, or NULL */
  double              distance_m;
  int                 walking_minutes;
  VtrOpenState        open;
} VtrCollectionPlace;

typedef struct
{
  const char *service_id; /* see vtr_service_lookup() */
  guint       n_merchants;
} VtrServiceMatch;

typedef struct
{
  GPtrArray *products;  /* VtrProduct, best match first */
  GPtrArray *merchants; /* VtrPlace, nearest first when a position is given */
  GArray    *services;  /* VtrServiceMatch */
} VtrSearchResults;

typedef enum
{
  VTR_STOCKISTS_DEFAULT  = 0,
  VTR_STOCKISTS_OPEN_NOW = 1 << 0,
} VtrStockistsFlags;

#define VTR_TYPE_CATALOG (vtr_catalog_get_type ())
G_DECLARE_FINAL_TYPE (VtrCatalog, vtr_catalog, VTR, CATALOG, GObject)

GQuark            vtr_catalog_error_quark           (void);

const char       *vtr_availability_to_string        (VtrAvailability    availability);
const char       *vtr_promotion_kind_to_string      (VtrPromotionKind   kind);
gboolean          vtr_promotion_kind_from_string    (const char        *text,
                                                     VtrPromotionKind  *kind);
const char       *vtr_collection_kind_to_string     (VtrCollectionKind  kind);
const char       *vtr_collection_kind_label         (VtrCollectionKind  kind);
gboolean          vtr_collection_kind_from_string   (const char        *text,
                                                     VtrCollectionKind *kind,
                                                     GError           **error);
char             *vtr_promotion_describe            (const VtrPromotion *promotion);
char             *vtr_promotion_headline            (const VtrPromotion *promotion);
gint64            vtr_promotion_line_total          (const VtrPromotion *promotion,
                                                     gint64             unit_cents,
                                                     int                quantity);
const VtrPromotion *vtr_promotion_best              (GPtrArray         *promotions,
                                                     gint64             unit_cents,
                                                     int                quantity,
                                                     gboolean           loyal,
                                                     gint64            *total_cents);
char             *vtr_price_format                  (gint64             cents);
char             *vtr_price_format_in               (gint64             cents,
                                                     const char        *language);
const char       *vtr_catalog_table_name            (VtrCatalogTable    table);

VtrCatalog       *vtr_catalog_new                   (VtrStore          *store);
GPtrArray        *vtr_catalog_promotions_at         (VtrCatalog        *self,
                                                     gint64             merchant_id,
                                                     gint64             product_id,
                                                     GDateTime         *at,
                                                     GError           **error);
VtrStore         *vtr_catalog_get_store             (VtrCatalog        *self);

/* Writing: only the hub's data (demo, import, sync) goes through these. */
gboolean          vtr_catalog_begin                 (VtrCatalog        *self,
                                                     GError           **error);
gboolean          vtr_catalog_commit                (VtrCatalog        *self,
                                                     GError           **error);
void              vtr_catalog_rollback              (VtrCatalog        *self);
gboolean          vtr_catalog_clear                 (VtrCatalog        *self,
                                                     GError           **error);
gboolean          vtr_catalog_delete                (VtrCatalog        *self,
                                                     VtrCatalogTable    table,
                                                     gint64             key,
                                                     gint64             key2,
                                                     GError           **error);
gboolean          vtr_catalog_put_merchant          (VtrCatalog        *self,
                                                     const VtrMerchant *merchant,
                                                     GError           **error);
gboolean          vtr_catalog_put_product           (VtrCatalog        *self,
                                                     const VtrProduct  *product,
                                                     GError           **error);
gboolean          vtr_catalog_put_stock             (VtrCatalog        *self,
                                                     const VtrStock    *stock,
                                                     GError           **error);
gboolean          vtr_catalog_put_promotion         (VtrCatalog        *self,
                                                     const VtrPromotion *promotion,
                                                     GError           **error);
gboolean          vtr_catalog_put_collection_point  (VtrCatalog        *self,
                                                     const VtrCollectionPoint *point,
                                                     GError           **error);

gboolean          vtr_catalog_put_loyalty_rule      (VtrCatalog        *self,
                                                     gint64             merchant_id,
                                                     int                cents_per_point,
                                                     gboolean           round_to_nearest,
                                                     GError           **error);
gboolean          vtr_catalog_put_reward            (VtrCatalog        *self,
                                                     const VtrReward   *reward,
                                                     GError           **error);

/* Reading. */
VtrProduct       *vtr_catalog_get_product           (VtrCatalog        *self,
                                                     gint64             product_id,
                                                     GError           **error);
VtrProduct       *vtr_catalog_find_product_by_gtin  (VtrCatalog        *self,
                                                     const char        *gtin,
                                                     GError           **error);
VtrProduct       *vtr_catalog_find_product_by_name  (VtrCatalog        *self,
                                                     const char        *words,
                                                     GError           **error);
VtrMerchant      *vtr_catalog_get_merchant          (VtrCatalog        *self,
                                                     gint64             id,
                                                     GError           **error);
void              vtr_catalog_open_state            (VtrCatalog        *self,
                                                     const char        *opening_hours,
                                                     GDateTime         *at,
                                                     VtrOpenState      *state);
VtrCollectionPoint *vtr_catalog_get_collection_point (VtrCatalog       *self,
                                                     gint64             id,
                                                     GError           **error);
gboolean          vtr_catalog_get_stock             (VtrCatalog        *self,
                                                     gint64             product_id,
                                                     gint64             merchant_id,
                                                     VtrStock          *stock,
                                                     GError           **error);
GPtrArray        *vtr_catalog_nearest_stockists     (VtrCatalog        *self,
                                                     gint64             product_id,
                                                     const VtrPosition *near,
                                                     GDateTime         *at,
                                                     guint              limit,
                                                     VtrStockistsFlags  flags,
                                                     GError           **error);
VtrStockist      *vtr_catalog_get_stockist          (VtrCatalog        *self,
                                                     gint64             product_id,
                                                     gint64             merchant_id,
                                                     const VtrPosition *near,
                                                     GDateTime         *at,
                                                     GError           **error);
VtrSearchResults *vtr_catalog_search                (VtrCatalog        *self,
                                                     const char        *text,
                                                     const VtrPosition *near,
                                                     GDateTime         *at,
                                                     guint              limit,
                                                     GError           **error);
GPtrArray        *vtr_catalog_near_service          (VtrCatalog        *self,
                                                     const char        *service_id,
                                                     const VtrPosition *near,
                                                     GDateTime         *at,
                                                     guint              limit,
                                                     GError           **error);
GPtrArray        *vtr_catalog_promotions_near       (VtrCatalog        *self,
                                                     const VtrPosition *near,
                                                     GDateTime         *at,
                                                     guint              limit,
                                                     GError           **error);
GPtrArray        *vtr_catalog_collection_points_near (VtrCatalog       *self,
                                                      VtrCollectionKind kind,
                                                      const VtrPosition *near,
                                                      GDateTime        *at,
                                                      guint             limit,
                                                      GError          **error);

void vtr_product_free            (VtrProduct         *product);
void vtr_merchant_free           (VtrMerchant        *merchant);
void vtr_promotion_free          (VtrPromotion       *promotion);
void vtr_collection_point_free   (VtrCollectionPoint *point);
void vtr_reward_free             (VtrReward          *reward);
void vtr_place_free              (VtrPlace           *place);
void vtr_stockist_free           (VtrStockist        *stockist);
void vtr_promotion_offer_free    (VtrPromotionOffer  *offer);
void vtr_collection_place_free   (VtrCollectionPlace *place);
void vtr_search_results_free     (VtrSearchResults   *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrProduct, vtr_product_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrMerchant, vtr_merchant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrCollectionPoint, vtr_collection_point_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrReward, vtr_reward_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrPromotion, vtr_promotion_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrSearchResults, vtr_search_results_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrStockist, vtr_stockist_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrPlace, vtr_place_free)

G_END_DECLS

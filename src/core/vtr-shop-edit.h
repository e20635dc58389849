#pragma once

#include <json-glib/json-glib.h>

#include "vtr-catalog.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * "Ma boutique": the merchant keeps their own shop from the counter.
 *
 * Every call below takes the staff session of the merchant logged in at
 * the counter (vtr_staff_login(), vtr-staff.h): the shop it edits is the
 * session's, never a number the screen passes. A call that returns %TRUE
 * has, in ONE transaction of the device's store:
 *
 *  - checked the values (same rules as the hub: vtr_shop_apply_event()),
 *  - applied the change to the device's local catalogue, so the counter
 *    and this kiosk's screens show it at once,
 *  - written a durable outbox event of a "shop-…" kind (docs/hub-api.md,
 *    "Shop edits") that the next sync uploads; the hub applies it to the
 *    federation's catalogue and every kiosk shows it after its next sync,
 *  - remembered in the journal what the change replaced, for
 *    vtr_shop_undo().
 *
 * So the screen may say "enregistré" as soon as it returns. On %FALSE
 * nothing at all was written, and @error (VTR_SHOP_ERROR, or
 * VTR_LOYALTY_ERROR_NO_SESSION when the session ended) says what is
 * wrong in the merchant's words, ready for a toast.
 *
 * All of it is blocking SQLite work: call it from a worker thread
 * (GTask) in the app, never on the screen's thread.
 *
 * The hub may still refuse an event (a device paired with another shop,
 * a product the federation removed meanwhile): vtr_shop_list_edits()
 * then shows it as refused with the hub's reason, and its local change
 * is undone on the device (vtr_shop_revert_refused(), which sync calls).
 *
 * Every call of this header is implemented (tests/test-shop-edit.c). The
 * shop's figures for the charts are in vtr-shop-stats.h.
 */

#define VTR_SHOP_ERROR (vtr_shop_error_quark ())

typedef enum
{
  VTR_SHOP_ERROR_INVALID,        /* a value out of range: price, dates, hours… */
  VTR_SHOP_ERROR_BAD_GTIN,       /* a barcode whose check digit is wrong */
  VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
  VTR_SHOP_ERROR_UNKNOWN_CATEGORY,
  VTR_SHOP_ERROR_NOT_YOURS,      /* another shop's product, promotion or reward */
  VTR_SHOP_ERROR_NOTHING_TO_UNDO,
  VTR_SHOP_ERROR_OVERLAP,        /* opening intervals that overlap */
  VTR_SHOP_ERROR_EXISTS,         /* a product with this barcode already exists */
} VtrShopError;

/* The event kinds a shop device sends (docs/hub-api.md, "Shop edits"). */
#define VTR_SHOP_EVENT_STOCK     "shop-stock"     /* price, availability, quantity */
#define VTR_SHOP_EVENT_PRODUCT   "shop-product"   /* a merchant-made product */
#define VTR_SHOP_EVENT_PROMOTION "shop-promotion" /* add, change or end one */
#define VTR_SHOP_EVENT_HOURS     "shop-hours"     /* OSM opening_hours */
#define VTR_SHOP_EVENT_SERVICES  "shop-services"  /* services and collections taken */
#define VTR_SHOP_EVENT_LOYALTY   "shop-loyalty"   /* points per euro, rewards */
#define VTR_SHOP_EVENT_POSTER    "shop-poster"    /* a signed poster to print */

/* Prices a shop may set: 0 € (free) to 100,000 €. */
#define VTR_SHOP_MAX_PRICE_CENTS  10000000
#define VTR_SHOP_MAX_QUANTITY     1000000
#define VTR_SHOP_NO_QUANTITY      (-1)
#define VTR_SHOP_MAX_NAME         80   /* a product's name, brand, a title: characters */
/* Merchant-made products take the id VTR_SHOP_MADE_PRODUCT_BASE + the
 * first 13 digits of their 14-digit GTIN: the same on the device and the
 * hub, with no round trip, and never a federation product's id. */
#define VTR_SHOP_MADE_PRODUCT_BASE G_GINT64_CONSTANT (10000000000000)
#define VTR_SHOP_MAX_PRODUCT_ID    G_GINT64_CONSTANT (19999999999999)
/* Promotions and rewards made at a counter take a random id from here
 * (the hub refuses one that is another shop's); a shop's own collection
 * points are VTR_SHOP_COLLECTION_BASE + shop × 10 + VtrCollectionKind. */
#define VTR_SHOP_PROMOTION_BASE    G_GINT64_CONSTANT (20000000000000)
#define VTR_SHOP_COLLECTION_BASE   G_GINT64_CONSTANT (30000000000000)

GQuark   vtr_shop_error_quark        (void);

/* Stock and prices. */

/**
 * vtr_shop_set_stock:
 * @session: the merchant's staff session
 * @product_id: a product of the catalogue (federation's or this shop's own)
 * @price_cents: 0 – VTR_SHOP_MAX_PRICE_CENTS
 * @availability: in stock, low or out
 * @quantity: how many are on the shelf, or VTR_SHOP_NO_QUANTITY
 * @uuid: (out) (optional): the event's id (vtr_shop_list_edits())
 *
 * Sets the shop's price and stock of one product: what a scan at the
 * counter does. Adds the product to the shop's shelf if it was not on it.
 */
gboolean vtr_shop_set_stock          (VtrStore        *store,
                                      const char      *session,
                                      gint64           product_id,
                                      gint64           price_cents,
                                      VtrAvailability  availability,
                                      int              quantity,
                                      GDateTime       *now,
                                      char           **uuid,
                                      GError         **error);

/**
 * vtr_shop_remove_stock:
 *
 * Takes a product off the shop's shelf (kiosks no longer list the shop
 * as a stockist). Unlike "out of stock", the shop no longer sells it.
 */
gboolean vtr_shop_remove_stock       (VtrStore        *store,
                                      const char      *session,
                                      gint64           product_id,
                                      GDateTime       *now,
                                      char           **uuid,
                                      GError         **error);

/**
 * vtr_shop_find_product:
 * @text: a scanned or typed barcode (EAN-8, EAN-13, UPC-A, GTIN-14)
 * @product_id: (out): the product's id, 0 when the catalogue has none
 *
 * What the counter does after a scan: the product of this barcode, or 0
 * (then offer vtr_shop_create_product()). Fails only on a barcode that
 * is not one (VTR_SHOP_ERROR_BAD_GTIN: wrong length or check digit).
 */
gboolean vtr_shop_find_product       (VtrStore        *store,
                                      const char      *text,
                                      gint64          *product_id,
                                      GError         **error);

/* A product or a category, as a merchant types it. */
typedef struct
{
  gint64    product_id; /* 0 for a category */
  char     *name;       /* the product's name, or the category */
  char     *folded;     /* @name without case or accents (vtr_shop_name_fold()) */
  gboolean  stocked;    /* a product on the shop's shelves */
} VtrShopName;

void               vtr_shop_name_free   (VtrShopName *name);
GPtrArray         *vtr_shop_list_names  (VtrStore    *store,
                                         gint64       merchant_id,
                                         GError     **error);
const VtrShopName *vtr_shop_name_lookup (GPtrArray   *names,
                                         const char  *text);
char              *vtr_shop_name_fold   (const char  *text);

/**
 * vtr_shop_create_product:
 * @gtin: the scanned barcode, check digit checked
 * @name: 1–80 characters
 * @brand: (nullable): up to 80 characters
 * @category: a category the catalogue already has (vtr_shop_list_categories())
 * @product_id: (out) (optional): its id (see VTR_SHOP_MADE_PRODUCT_BASE)
 *
 * Makes a product the federation does not know yet. It is this shop's
 * own until the federation reviews it (`vitrine-hub products review`);
 * other shops may stock it once it is in their catalogue. Set its price
 * next with vtr_shop_set_stock().
 */
gboolean vtr_shop_create_product     (VtrStore        *store,
                                      const char      *session,
                                      const char      *gtin,
                                      const char      *name,
                                      const char      *brand,
                                      const char      *category,
                                      GDateTime       *now,
                                      gint64          *product_id,
                                      GError         **error);

/* The categories of the catalogue, sorted, for the product form. */
GStrv    vtr_shop_list_categories    (VtrStore        *store,
                                      GError         **error);

/* Promotions. */

typedef enum
{
  VTR_SHOP_AUDIENCE_EVERYONE,
  VTR_SHOP_AUDIENCE_LOYAL,   /* holders of a loyalty card only */
} VtrShopAudience;

/* A promotion as the merchant types it. Exactly one of product_id and
 * category. kind/value/buy/get as VtrPromotion (vtr-catalog.h): percent
 * 1–100, amount in cents (less than the product's price when on a
 * product), points ×2–×10, buy X get Y (1–99 each). The title is what the
 * scanned ad shows, word for word; empty: made from the values. */
typedef struct
{
  gint64            id;          /* 0 for a new one; (out) its id */
  gint64            product_id;
  const char       *category;
  VtrPromotionKind  kind;
  int               value;
  int               buy;
  int               get;
  gint64            starts;      /* Unix time, inclusive */
  gint64            ends;        /* Unix time, exclusive; after starts */
  VtrShopAudience   audience;
  const char       *title;
} VtrShopPromotion;

/**
 * vtr_shop_put_promotion:
 * @promotion: (inout): a new one (id 0) or one of this shop's to change;
 *   its id is set on return
 */
gboolean vtr_shop_put_promotion      (VtrStore         *store,
                                      const char       *session,
                                      VtrShopPromotion *promotion,
                                      GDateTime        *now,
                                      GError          **error);

/**
 * vtr_shop_end_promotion:
 *
 * Ends one of this shop's promotions now ("end early"): it stays in the
 * history, kiosks stop showing it after their next sync.
 */
gboolean vtr_shop_end_promotion      (VtrStore        *store,
                                      const char      *session,
                                      gint64           promotion_id,
                                      GDateTime       *now,
                                      GError         **error);

/* Hours. */

/**
 * vtr_shop_set_hours:
 * @opening_hours: an OSM opening_hours string as vtr-opening-hours.h reads
 *   it ("Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-13:00; PH off"), with
 *   any exceptional closure written by vtr_shop_hours_add_closure()
 *
 * Checked by parsing it; intervals of one day that overlap are refused
 * (VTR_SHOP_ERROR_OVERLAP) with the day named.
 */
gboolean vtr_shop_set_hours          (VtrStore        *store,
                                      const char      *session,
                                      const char      *opening_hours,
                                      GDateTime       *now,
                                      GError         **error);

/**
 * vtr_shop_hours_add_closure:
 * @first_day: (transfer none): the first day closed (local date)
 * @last_day: the last day closed, the same or later
 *
 * "Fermé exceptionnellement du … au …": @opening_hours with a rule
 * closing these days added last ("…; 2026 Dec 24-2026 Dec 26 off": in
 * OSM a later rule wins for the days it names). Empty hours become 24/7. Returns a new string, or %NULL and
 * @error when the dates are backwards.
 */
char    *vtr_shop_hours_add_closure  (const char      *opening_hours,
                                      GDateTime       *first_day,
                                      GDateTime       *last_day,
                                      GError         **error);

/* An exceptional closure found in opening hours: days as yyyymmdd. */
typedef struct
{
  int   first_day;
  int   last_day;
  char *words;     /* "Closed from 24/12/2026 to 26/12/2026", translated */
} VtrShopClosure;

void       vtr_shop_closure_free     (VtrShopClosure  *closure);

/**
 * vtr_shop_hours_closures:
 *
 * The exceptional closures @opening_hours holds, in their order, for the
 * hours editor to read back in words and offer to remove.
 *
 * Returns: (transfer container) (element-type VtrShopClosure)
 */
GPtrArray *vtr_shop_hours_closures   (const char      *opening_hours);

/**
 * vtr_shop_hours_remove_closure:
 * @first_day: the closure's first day, yyyymmdd
 *
 * @opening_hours without the closure that starts on @first_day (the shop
 * opens as usual again): a new string, the same text if there is none.
 */
char      *vtr_shop_hours_remove_closure (const char  *opening_hours,
                                          int          first_day);

/* Services, collections, loyalty. */

/**
 * vtr_shop_set_services:
 * @services: service ids (vtr-service.h) the shop offers
 * @collections: (nullable): VtrCollectionKind values the shop takes
 *   (clothes, cardboard, cooking oil, parcel locker), -1 terminated
 */
gboolean vtr_shop_set_services       (VtrStore           *store,
                                      const char         *session,
                                      const char * const *services,
                                      const int          *collections,
                                      GDateTime          *now,
                                      GError            **error);

/**
 * vtr_shop_set_loyalty_rule:
 * @cents_per_point: 1 point per this many cents (100 = 1 point per euro)
 */
gboolean vtr_shop_set_loyalty_rule   (VtrStore        *store,
                                      const char      *session,
                                      gint64           cents_per_point,
                                      gboolean         round_up,
                                      GDateTime       *now,
                                      GError         **error);

/**
 * vtr_shop_put_reward:
 * @reward: (inout): id 0 for a new one; merchant_id is ignored (the
 *   session's shop); its id is set on return
 */
gboolean vtr_shop_put_reward         (VtrStore        *store,
                                      const char      *session,
                                      VtrReward       *reward,
                                      GDateTime       *now,
                                      GError         **error);
gboolean vtr_shop_remove_reward      (VtrStore        *store,
                                      const char      *session,
                                      gint64           reward_id,
                                      GDateTime       *now,
                                      GError         **error);

/* Posters. */

/**
 * vtr_shop_request_poster:
 * @product_id: the product, or 0
 * @promotion_id: the promotion, or 0 (one of the two)
 * @uuid: (out) (optional): the request's id
 *
 * Asks the hub to sign a poster's code (an outbox event). The hub signs
 * it when it accepts the event and answers with the code at the next
 * sync (offline, the request waits in the outbox);
 * vtr_shop_signed_posters() then lists it, for the print service.
 */
gboolean vtr_shop_request_poster     (VtrStore        *store,
                                      const char      *session,
                                      gint64           product_id,
                                      gint64           promotion_id,
                                      GDateTime       *now,
                                      char           **uuid,
                                      GError         **error);

/* A poster the hub signed, waiting to be printed. */
/* Where a poster request is, as the counter shows it. */
typedef enum
{
  VTR_SHOP_POSTER_WAITING,   /* asked; the hub has not signed it yet */
  VTR_SHOP_POSTER_SIGNED,    /* signed: ready to print */
  VTR_SHOP_POSTER_PRINTED,   /* sent to the printer */
  VTR_SHOP_POSTER_REFUSED,   /* the hub refused it: reason says why */
} VtrShopPosterState;

typedef struct
{
  char   *uuid;          /* the request's */
  gint64  merchant_id;
  gint64  product_id;    /* 0 for a category promotion */
  gint64  promotion_id;  /* 0 for a product's poster */
  char   *code;          /* the signed flashcode to print; NULL: not signed yet */
  /* vtr_shop_list_posters() only: */
  VtrShopPosterState  state;
  char               *summary; /* what it is for, in words: "Affiche : Merguez 500 g" */
  char               *reason;  /* the hub's, when refused */
} VtrShopPoster;

void       vtr_shop_poster_free      (VtrShopPoster   *poster);

/**
 * vtr_shop_poster_signed:
 *
 * Sync calls it with the code the hub signed for a poster request.
 */
gboolean   vtr_shop_poster_signed    (VtrStore        *store,
                                      const char      *uuid,
                                      const char      *code,
                                      GError         **error);

/**
 * vtr_shop_signed_posters:
 *
 * Returns: (transfer container) (element-type VtrShopPoster): the posters
 *   signed and not yet printed, oldest first. Print each with
 *   vtr_ticket_new_poster() and vtr_print_enqueue() (src/print), then
 *   vtr_shop_poster_printed().
 */
GPtrArray *vtr_shop_signed_posters   (VtrStore        *store,
                                      gint64           merchant_id,
                                      GError         **error);
GPtrArray *vtr_shop_list_posters     (VtrStore        *store,
                                      gint64           merchant_id,
                                      guint            limit,
                                      GError         **error);
gboolean   vtr_shop_poster_printed   (VtrStore        *store,
                                      const char      *uuid,
                                      gint64           now,
                                      GError         **error);

/* History and undo. */

typedef enum
{
  VTR_SHOP_EDIT_PENDING,   /* on this device, waiting for sync */
  VTR_SHOP_EDIT_ACCEPTED,  /* the hub applied it */
  VTR_SHOP_EDIT_REFUSED,   /* the hub refused it: reason says why */
  VTR_SHOP_EDIT_UNDONE,    /* undone at the counter */
} VtrShopEditState;

typedef struct
{
  char             *uuid;
  char             *kind;     /* VTR_SHOP_EVENT_* */
  gint64            merchant_id;
  char             *payload;  /* the event's JSON */
  char             *summary;  /* in words: "Pain de campagne : 2,40 €, en stock" */
  gint64            created;
  VtrShopEditState  state;
  char             *reason;   /* the hub's reason, when refused */
} VtrShopEdit;

void       vtr_shop_edit_free        (VtrShopEdit     *edit);

/**
 * vtr_shop_list_edits:
 * @limit: the most recent ones first, at most this many
 *
 * Returns: (transfer container) (element-type VtrShopEdit): the shop's
 *   recent changes made on this device, newest first
 */
GPtrArray *vtr_shop_list_edits       (VtrStore        *store,
                                      gint64           merchant_id,
                                      guint            limit,
                                      GError         **error);

/**
 * vtr_shop_undo:
 * @undone: (out) (optional) (transfer full): the change undone
 *
 * Undoes this shop's last change made on this device that is not undone
 * yet: puts back what it replaced, as a new event of the same kind (the
 * hub and every kiosk see the old values again). Then the one before
 * it, and so on. VTR_SHOP_ERROR_NOTHING_TO_UNDO when there is none.
 */
gboolean vtr_shop_undo               (VtrStore        *store,
                                      const char      *session,
                                      GDateTime       *now,
                                      VtrShopEdit    **undone,
                                      GError         **error);

/* Shared with the hub. */

/* Where a catalogue row's values come from (the hub's provenance). */
typedef enum
{
  VTR_SHOP_APPLY_DEVICE,  /* on the shop's own device */
  VTR_SHOP_APPLY_HUB,     /* on the federation's catalogue: records provenance */
} VtrShopApplyMode;

/**
 * vtr_shop_apply_event:
 * @merchant_id: the shop the device belongs to
 * @kind: a VTR_SHOP_EVENT_* kind
 * @payload: the event's payload
 * @at: when the merchant made the change (Unix time)
 *
 * Checks a shop event against the catalogue in @store and writes it
 * there; call inside a transaction. The counter's calls above and the
 * hub both go through it, so a value the counter refuses the hub refuses
 * too, with the same words. Another shop's product, promotion or reward
 * is VTR_SHOP_ERROR_NOT_YOURS.
 */
gboolean vtr_shop_apply_event        (VtrStore         *store,
                                      gint64            merchant_id,
                                      const char       *kind,
                                      JsonObject       *payload,
                                      gint64            at,
                                      VtrShopApplyMode  mode,
                                      GError          **error);

/**
 * vtr_shop_revert_refused:
 *
 * Puts back, on the device, what the events the hub refused had changed
 * locally (sync calls it after an upload). Returns how many, or -1.
 */
int        vtr_shop_revert_refused   (VtrStore        *store,
                                      GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrShopEdit, vtr_shop_edit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrShopPoster, vtr_shop_poster_free)

G_END_DECLS

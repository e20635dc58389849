#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "vtr-key-list.h"

G_BEGIN_DECLS

#define VTR_HUB_ERROR (vtr_hub_error_quark ())

typedef enum
{
  VTR_HUB_ERROR_FAILED,
  VTR_HUB_ERROR_UNAUTHORIZED, /* unknown or revoked token */
  VTR_HUB_ERROR_FORBIDDEN,    /* the device's role does not allow it */
  VTR_HUB_ERROR_NOT_FOUND,
  VTR_HUB_ERROR_INVALID,      /* the request is wrong */
  VTR_HUB_ERROR_PAIRING,      /* unknown, used or expired pairing code */
  VTR_HUB_ERROR_NOT_SUPPORTED, /* (pg) not served by this backend yet */
} VtrHubError;

typedef struct
{
  gint64  id;
  char   *name;
  gint64  merchant_id; /* 0: a federation kiosk */
  gint64  created;
  gint64  pairing_expires;
  gint64  paired;      /* 0 until paired */
  gint64  revoked;     /* 0 unless revoked */
  gint64  last_seen;
  char   *heartbeat;    /* (nullable) (ops) vtr_hub_heartbeat_normalize() */
  gint64  heartbeat_at;
  char   *area;         /* (nullable) (area) vtr_area_to_string(); NULL: everything */
  gint64  area_moves;
} VtrHubDevice;

/* The answer to one uploaded event. */
typedef enum
{
  VTR_EVENT_ACCEPTED,
  VTR_EVENT_DUPLICATE,
  VTR_EVENT_REJECTED,
} VtrEventVerdict;

/* Bounds on what a device may say (docs/hub-api.md): no number it sends
 * can overflow a sum, freeze an order or fill an answer. */
#define VTR_HUB_MAX_PAYLOAD_BYTES 8192
#define VTR_HUB_MAX_POINTS        100000
#define VTR_HUB_MAX_ID            G_GINT64_CONSTANT (999999999999)
#define VTR_HUB_MAX_CENTS         10000000
#define VTR_HUB_MIN_TIME          G_GINT64_CONSTANT (946684800)  /* 2000-01-01 */
#define VTR_HUB_MAX_TIME          G_GINT64_CONSTANT (4102444800) /* 2100-01-01 */
/* (web) The "device" of what the phones' pages place (reservations) and
 * of the order numbers the hub gives them: no device has this id. */
#define VTR_HUB_DEVICE_WEB        G_GINT64_CONSTANT (-1)
#define VTR_HUB_MAX_MOVED         10000000 /* (cards) a transfer's points */
#define VTR_HUB_ORDERS_PAGE       50
#define VTR_HUB_ORDERS_MAX_PAGE   200
#define VTR_HUB_ORDERS_MAX_WAIT   20  /* seconds a long-poll of the orders may wait */

typedef struct _VtrHubDb VtrHubDb;
typedef struct _VtrHubBatch VtrHubBatch;

GQuark        vtr_hub_error_quark        (void);
void          vtr_hub_device_free        (VtrHubDevice *device);
const char   *vtr_event_verdict_to_string (VtrEventVerdict verdict);

VtrHubDb     *vtr_hub_db_open            (const char   *dir,
                                          GError      **error);
void          vtr_hub_db_free            (VtrHubDb     *db);
sqlite3      *vtr_hub_db_get_sqlite      (VtrHubDb     *db);
void          vtr_hub_db_set_defer_seen  (VtrHubDb     *db,
                                          gboolean      defer);
gboolean      vtr_hub_db_note_seen       (VtrHubDb     *db,
                                          gint64        device_id,
                                          gint64        now,
                                          const char   *heartbeat,
                                          GError      **error);
char         *vtr_hub_heartbeat_normalize (const char  *header);

char         *vtr_hub_db_add_device      (VtrHubDb     *db,
                                          const char   *name,
                                          gint64        merchant_id,
                                          const char   *area,
                                          gint64        pairing_expires,
                                          gint64       *id,
                                          GError      **error);
gboolean      vtr_hub_db_set_area        (VtrHubDb     *db,
                                          gint64        id,
                                          const char   *area,
                                          GError      **error);
char         *vtr_hub_device_area_tag    (const VtrHubDevice *device);
GPtrArray    *vtr_hub_db_list_devices    (VtrHubDb     *db,
                                          GError      **error);
gboolean      vtr_hub_db_revoke_device   (VtrHubDb     *db,
                                          gint64        id,
                                          gint64        now,
                                          GError      **error);
VtrHubDevice *vtr_hub_db_pair            (VtrHubDb     *db,
                                          const char   *pairing_code,
                                          gint64        now,
                                          char        **token,
                                          GError      **error);
VtrHubDevice *vtr_hub_db_authenticate    (VtrHubDb     *db,
                                          const char   *token,
                                          gint64        now,
                                          GError      **error);

gboolean      vtr_hub_db_ingest          (VtrHubDb     *db,
                                          const VtrHubDevice *device,
                                          const VtrKeyList *keys,
                                          JsonArray    *events,
                                          gint64        now,
                                          JsonBuilder  *results,
                                          guint        *n_accepted,
                                          GError      **error);
VtrHubBatch  *vtr_hub_batch_new          (const VtrHubDevice *device,
                                          const VtrKeyList *keys,
                                          JsonArray    *events,
                                          gint64        now);
void          vtr_hub_batch_free         (VtrHubBatch  *batch);
guint         vtr_hub_batch_get_n_accepted (VtrHubBatch *batch);
void          vtr_hub_batch_write_results (VtrHubBatch *batch,
                                          JsonBuilder  *results);
void          vtr_hub_batch_count        (VtrHubBatch  *batch,
                                          guint64       counts[3]);
/* (pg) A batch's events as another backend stores them (vtr-hub-pg.c). */
typedef struct
{
  const char *uuid;
  const char *kind;
  const char *payload;     /* its JSON text */
  gint64      created;
  const char *card_id;     /* (nullable) a loyalty event's card */
  const char *card_code;   /* (nullable) its code, signed by the federation */
  gboolean    card_signed;
  gint64      merchant_id;
  gint64      points;
  /* An order's step: the order, its number, its state ("placed", …, as
   * vtr_order_state_to_string() says) and when the device took it. */
  const char *order;       /* (nullable) */
  const char *order_number;
  const char *order_state;
  gint64      order_at;
  const char *forget_order; /* (nullable) a forget's order, whose customer's details go */
  /* (cards) A transfer's new card and its signed code (card_id is the
   * lost card), and the balance the device said it had. */
  const char *new_card;    /* (nullable) */
  const char *new_code;
  gint64      points_said;
  /* (poster) A kiosk's scan of a shop's poster (merchant_id): counted. */
  gboolean    poster;
  gint64      poster_product;
  gint64      poster_day;
} VtrHubBatchEvent;

guint         vtr_hub_batch_get_length   (VtrHubBatch  *batch);
gint64        vtr_hub_batch_get_device_id (VtrHubBatch *batch);
gint64        vtr_hub_batch_get_merchant_id (VtrHubBatch *batch);
const char   *vtr_hub_batch_get_event    (VtrHubBatch  *batch,
                                          guint         i,
                                          VtrHubBatchEvent *event);
void          vtr_hub_batch_set_verdict  (VtrHubBatch  *batch,
                                          guint         i,
                                          VtrEventVerdict verdict,
                                          const char   *reason);
void          vtr_hub_batch_set_n_accepted (VtrHubBatch *batch,
                                          guint         n_accepted);
char         *vtr_hub_secret_hash        (const char   *secret);
char         *vtr_hub_random_code        (guint         n);
gboolean      vtr_hub_db_begin_group     (VtrHubDb     *db,
                                          GError      **error);
gboolean      vtr_hub_db_ingest_batch    (VtrHubDb     *db,
                                          VtrHubBatch  *batch,
                                          GError      **error);
gboolean      vtr_hub_db_commit_group    (VtrHubDb     *db,
                                          GError      **error);
void          vtr_hub_db_rollback_group  (VtrHubDb     *db);
gboolean      vtr_hub_db_card_balance    (VtrHubDb     *db,
                                          const char   *card_id,
                                          gint64       *balance,
                                          gint64       *n_events,
                                          char        **code,
                                          GError      **error);
gboolean      vtr_hub_db_write_orders    (VtrHubDb     *db,
                                          gint64        merchant_id,
                                          gint64        before,
                                          guint         limit,
                                          JsonBuilder  *builder,
                                          gint64       *next,
                                          GError      **error);
gboolean      vtr_hub_db_write_order_changes (VtrHubDb *db,
                                              gint64       merchant_id,
                                              gint64       device_id,
                                              gint64       since,
                                              guint        limit,
                                              JsonBuilder *builder,
                                              gint64      *cursor,
                                              gboolean    *more,
                                              GError     **error);
/* An order's payload as placed, and its last step's members worth
 * sending back (a cancel's reason, a locker's compartment and code). */
void          vtr_hub_order_write_placed (JsonBuilder  *builder,
                                          const char   *placed);
void          vtr_hub_order_write_step   (JsonBuilder  *builder,
                                          const char   *step);
char         *vtr_hub_db_history         (VtrHubDb     *db,
                                          GError      **error);
gboolean      vtr_hub_db_backup          (const char   *dir,
                                          const char   *target,
                                          GError      **error);
gboolean      vtr_hub_db_restore         (const char   *dir,
                                          const char   *source,
                                          GError      **error);
gint64        vtr_hub_db_count_seen_since (VtrHubDb    *db,
                                          gint64        since,
                                          GError      **error);
gint64        vtr_hub_db_count_events    (VtrHubDb     *db,
                                          GError      **error);

/* (cards) Lost cards: vtr-hub-cards.c */
gboolean      vtr_hub_db_card_state      (VtrHubDb     *db,
                                          const char   *card_id,
                                          gboolean     *blocked,
                                          gint64       *flagged,
                                          GError      **error);
gboolean      vtr_hub_db_find_cards      (VtrHubDb     *db,
                                          const char   *suffix,
                                          JsonBuilder  *builder,
                                          gboolean     *more,
                                          GError      **error);
GPtrArray    *vtr_hub_db_unpublished_blocks (VtrHubDb  *db,
                                          gboolean      all,
                                          GError      **error);
gboolean      vtr_hub_db_mark_published  (VtrHubDb     *db,
                                          const char   *card_id,
                                          GError      **error);

/* (poster) Scans of the shops' posters: vtr-hub-scans.c */
gboolean      vtr_hub_db_add_poster_scans (VtrHubDb    *db,
                                          gint64        merchant_id,
                                          gint64        day,
                                          const char   *source,
                                          gint64        product_id,
                                          gint64        n,
                                          GError      **error);
gboolean      vtr_hub_db_write_poster_scans (VtrHubDb  *db,
                                          gint64        merchant_id,
                                          gint64        from_day,
                                          JsonBuilder  *builder,
                                          GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubDevice, vtr_hub_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubDb, vtr_hub_db_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubBatch, vtr_hub_batch_free)

G_END_DECLS

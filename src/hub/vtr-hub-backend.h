#pragma once

#include "vtr-area.h"
#include "vtr-catalog.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-import.h"

G_BEGIN_DECLS

/*
 * (pg) What kiosks use through sync, behind one interface with two
 * backends (docs/hub-api.md, "PostgreSQL"): SQLite in the hub's data
 * folder (vtr-hub-db.c and the catalogue's change log, the default) and
 * PostgreSQL (vtr-hub-pg.c) for several hubs on one database.
 *
 * One VtrHubBackend is one connection: one a thread.
 */

typedef struct _VtrHubBackend VtrHubBackend;

typedef struct
{
  const char   *name;
  VtrHubDevice *(*authenticate)  (VtrHubBackend *self,
                                  const char    *token,
                                  gint64         now,
                                  GError       **error);
  VtrHubDevice *(*pair)          (VtrHubBackend *self,
                                  const char    *code,
                                  gint64         now,
                                  char         **token,
                                  GError       **error);
  char         *(*add_device)    (VtrHubBackend *self,
                                  const char    *name,
                                  gint64         merchant_id,
                                  gint64         pairing_expires,
                                  gint64        *id,
                                  GError       **error);
  gboolean      (*note_seen)     (VtrHubBackend *self,
                                  gint64         device_id,
                                  gint64         now,
                                  const char    *heartbeat,
                                  GError       **error);
  gboolean      (*ingest)        (VtrHubBackend *self,
                                  VtrHubBatch   *batch,
                                  GError       **error);
  gint64        (*last_change)   (VtrHubBackend *self,
                                  GError       **error);
  gint64        (*count_seen_since) (VtrHubBackend *self,
                                     gint64         since,
                                     GError       **error);
  gboolean      (*write_changes) (VtrHubBackend *self,
                                  const VtrArea *area,
                                  gint64         since,
                                  guint          limit,
                                  GString       *out,
                                  gint64        *cursor,
                                  guint         *n_changes,
                                  GError       **error);
  gboolean      (*write_orders)  (VtrHubBackend *self,
                                  gint64         merchant_id,
                                  gint64         before,
                                  guint          limit,
                                  JsonBuilder   *builder,
                                  gint64        *next,
                                  GError       **error);
  gboolean      (*write_order_changes) (VtrHubBackend *self,
                                        gint64         merchant_id,
                                        gint64         device_id,
                                        gint64         since,
                                        guint          limit,
                                        JsonBuilder   *builder,
                                        gint64        *cursor,
                                        gboolean      *more,
                                        GError       **error);
  gboolean      (*card_info)     (VtrHubBackend *self,
                                  const char    *card_id,
                                  gint64        *balance,
                                  gint64        *n_events,
                                  char         **code,
                                  gboolean      *blocked,
                                  gint64        *flagged,
                                  GError       **error);
  gboolean      (*find_cards)    (VtrHubBackend *self,
                                  const char    *suffix,
                                  JsonBuilder   *builder,
                                  gboolean      *more,
                                  GError       **error);
  gboolean      (*set_area)      (VtrHubBackend *self,
                                  gint64         device_id,
                                  const char    *area,
                                  GError       **error);
  GPtrArray    *(*issue_codes)   (VtrHubBackend *self,
                                  VtrHubKeys    *keys,
                                  gint64         device_id,
                                  VtrCodeKind    kind,
                                  guint          count,
                                  int            expires,
                                  gint64         now,
                                  GError       **error);
  gboolean      (*card_movements) (VtrHubBackend *self,
                                   const char    *card_id,
                                   guint          limit,
                                   GArray        *movements,
                                   GError       **error);
  gboolean      (*order_state)   (VtrHubBackend *self,
                                  const char    *number,
                                  char         **state,
                                  gint64        *merchant_id,
                                  char         **placed,
                                  GError       **error);
  gboolean      (*add_poster_scans) (VtrHubBackend *self,
                                     gint64         merchant_id,
                                     gint64         day,
                                     const char    *source,
                                     gint64         product_id,
                                     gint64         n,
                                     GError       **error);
  gboolean      (*write_poster_scans) (VtrHubBackend *self,
                                       gint64         merchant_id,
                                       gint64         from_day,
                                       JsonBuilder   *builder,
                                       GError       **error);
  GPtrArray    *(*list_devices)  (VtrHubBackend *self,
                                  GError       **error);
  gboolean      (*revoke_device) (VtrHubBackend *self,
                                  gint64         device_id,
                                  gint64         now,
                                  GError       **error);
  gboolean      (*web_secret)    (VtrHubBackend *self,
                                  const guint8  *drawn,
                                  gsize          size,
                                  guint8        *secret,
                                  GError       **error);
  gboolean      (*web_limit)     (VtrHubBackend *self,
                                  const char    *key,
                                  gint64         now,
                                  gint64         window,
                                  gboolean       count,
                                  gint64        *counted,
                                  GError       **error);
  gboolean      (*set_admin_pin) (VtrHubBackend *self,
                                  gint64         device_id,
                                  const char    *hash,
                                  GError       **error);
  gboolean      (*admin_pin_hash) (VtrHubBackend *self,
                                   gint64         device_id,
                                   char         **hash,
                                   GError       **error);
  gboolean      (*add_pin_reset) (VtrHubBackend *self,
                                  const char    *nonce,
                                  gint64         device_id,
                                  gint64         now,
                                  int            expires,
                                  GError       **error);
  gboolean      (*code_owner)    (VtrHubBackend *self,
                                  const char    *number,
                                  char         **kind,
                                  gint64        *device_id,
                                  char         **device_name,
                                  gint64        *issued,
                                  GError       **error);
  gboolean      (*write_sms_outbox) (VtrHubBackend *self,
                                     guint          limit,
                                     JsonBuilder   *builder,
                                     GError       **error);
  int           (*erase_expired) (VtrHubBackend *self,
                                  gint64         now,
                                  gint64         keep_seconds,
                                  GError       **error);
  void          (*free)          (VtrHubBackend *self);
} VtrHubBackendClass;

struct _VtrHubBackend
{
  const VtrHubBackendClass *klass;
};

gboolean       vtr_hub_backend_is_postgresql (const char *database);
VtrHubBackend *vtr_hub_backend_open     (const char    *dir,
                                         const char    *database,
                                         GError       **error);
VtrHubBackend *vtr_hub_backend_open_sqlite (const char *dir,
                                         GError       **error);
VtrHubBackend *vtr_hub_backend_open_admin (const char    *dir,
                                         const char    *database,
                                         GError       **error);
VtrHubBackend *vtr_hub_backend_open_pg  (const char    *conninfo,
                                         GError       **error);
void           vtr_hub_backend_free     (VtrHubBackend *self);
const char    *vtr_hub_backend_get_name (VtrHubBackend *self);
VtrHubDevice  *vtr_hub_backend_authenticate (VtrHubBackend *self,
                                         const char    *token,
                                         gint64         now,
                                         GError       **error);
VtrHubDevice  *vtr_hub_backend_pair     (VtrHubBackend *self,
                                         const char    *code,
                                         gint64         now,
                                         char         **token,
                                         GError       **error);
char          *vtr_hub_backend_add_device (VtrHubBackend *self,
                                         const char    *name,
                                         gint64         merchant_id,
                                         gint64         pairing_expires,
                                         gint64        *id,
                                         GError       **error);
gboolean       vtr_hub_backend_note_seen (VtrHubBackend *self,
                                         gint64         device_id,
                                         gint64         now,
                                         const char    *heartbeat,
                                         GError       **error);
gboolean       vtr_hub_backend_ingest   (VtrHubBackend *self,
                                         VtrHubBatch   *batch,
                                         GError       **error);
gint64         vtr_hub_backend_last_change (VtrHubBackend *self,
                                         GError       **error);
gint64         vtr_hub_backend_count_seen_since (VtrHubBackend *self,
                                         gint64         since,
                                         GError       **error);
gboolean       vtr_hub_backend_write_changes (VtrHubBackend *self,
                                         const VtrArea *area,
                                         gint64         since,
                                         guint          limit,
                                         GString       *out,
                                         gint64        *cursor,
                                         guint         *n_changes,
                                         GError       **error);
gboolean       vtr_hub_backend_write_orders (VtrHubBackend *self,
                                         gint64         merchant_id,
                                         gint64         before,
                                         guint          limit,
                                         JsonBuilder   *builder,
                                         gint64        *next,
                                         GError       **error);
gboolean       vtr_hub_backend_write_order_changes (VtrHubBackend *self,
                                         gint64         merchant_id,
                                         gint64         device_id,
                                         gint64         since,
                                         guint          limit,
                                         JsonBuilder   *builder,
                                         gint64        *cursor,
                                         gboolean      *more,
                                         GError       **error);
/* (cards) A card's balance, its signed code when the hub confirmed it,
 * whether it was declared lost, and its events flagged after a block
 * (vtr_hub_db_card_balance(), vtr_hub_db_card_state()). */
gboolean       vtr_hub_backend_card_info (VtrHubBackend *self,
                                         const char    *card_id,
                                         gint64        *balance,
                                         gint64        *n_events,
                                         char         **code,
                                         gboolean      *blocked,
                                         gint64        *flagged,
                                         GError       **error);
/* (cards) Confirmed cards not lost ending in @suffix (vtr_hub_db_find_cards()). */
gboolean       vtr_hub_backend_find_cards (VtrHubBackend *self,
                                         const char    *suffix,
                                         JsonBuilder   *builder,
                                         gboolean      *more,
                                         GError       **error);
/* (area) Gives device @device_id the area @area ("13", "43.29,5.37,15km";
 * NULL or "all": everything): it downloads its catalogue again. */
gboolean       vtr_hub_backend_set_area (VtrHubBackend *self,
                                         gint64         device_id,
                                         const char    *area,
                                         GError       **error);
/* A device's stock of signed codes (vtr_hub_stock_issue()): @count new
 * pickup codes or blank cards, each number never issued before; pickup
 * codes valid until @expires (YYYYMMDD, 0: no end). */
GPtrArray     *vtr_hub_backend_issue_codes (VtrHubBackend *self,
                                         VtrHubKeys    *keys,
                                         gint64         device_id,
                                         VtrCodeKind    kind,
                                         guint          count,
                                         int            expires,
                                         gint64         now,
                                         GError       **error);
/* (web) A card's last movements, newest first, for its page. */
typedef struct
{
  gint64 created;
  gint64 merchant_id;
  gint64 points;
} VtrHubMovement;

gboolean       vtr_hub_backend_card_movements (VtrHubBackend *self,
                                         const char    *card_id,
                                         guint          limit,
                                         GArray        *movements,
                                         GError       **error);
/* (web) The state of the order numbered @number (a pickup code's page)
 * and the order as placed (its JSON, with its lines): @state NULL when the
 * hub has no such order. */
gboolean       vtr_hub_backend_order_state (VtrHubBackend *self,
                                         const char    *number,
                                         char         **state,
                                         gint64        *merchant_id,
                                         char         **placed,
                                         GError       **error);
/* (poster) The scans of the shops' posters (vtr_hub_db_add_poster_scans(),
 * vtr_hub_db_write_poster_scans()); on SQLite in the caller's transaction. */
gboolean       vtr_hub_backend_add_poster_scans (VtrHubBackend *self,
                                         gint64         merchant_id,
                                         gint64         day,
                                         const char    *source,
                                         gint64         product_id,
                                         gint64         n,
                                         GError       **error);
gboolean       vtr_hub_backend_write_poster_scans (VtrHubBackend *self,
                                         gint64         merchant_id,
                                         gint64         from_day,
                                         JsonBuilder   *builder,
                                         GError       **error);
/* (ops) The devices, for `vitrine-hub device list` (element-type
 * VtrHubDevice), and a device revoked (vtr-hub-db.c). */
GPtrArray     *vtr_hub_backend_list_devices (VtrHubBackend *self,
                                         GError       **error);
gboolean       vtr_hub_backend_revoke_device (VtrHubBackend *self,
                                         gint64         device_id,
                                         gint64         now,
                                         GError       **error);
/* (web) The secret of the phones' reservation forms, shared by every hub
 * on the database: @drawn (@size bytes) kept when there is none yet, and
 * the one kept copied into @secret. */
gboolean       vtr_hub_backend_web_secret (VtrHubBackend *self,
                                         const guint8  *drawn,
                                         gsize          size,
                                         guint8        *secret,
                                         GError       **error);
/* (web) The reservations counted for @key (an address, a phone's keyed
 * hash) in the hour (@window seconds) before @now, in @counted; when
 * @count, the hours gone by forgotten and one more counted. */
gboolean       vtr_hub_backend_web_limit (VtrHubBackend *self,
                                         const char    *key,
                                         gint64         now,
                                         gint64         window,
                                         gboolean       count,
                                         gint64        *counted,
                                         GError       **error);
/* (admin) The administrator's PIN of a device (its slow hash, sent with
 * its pairing answer) and the one-time codes that reset a PIN, recorded
 * (vtr-hub-pins.c): the device must exist and not be revoked. */
gboolean       vtr_hub_backend_set_admin_pin (VtrHubBackend *self,
                                         gint64         device_id,
                                         const char    *hash,
                                         GError       **error);
gboolean       vtr_hub_backend_admin_pin_hash (VtrHubBackend *self,
                                         gint64         device_id,
                                         char         **hash,
                                         GError       **error);
gboolean       vtr_hub_backend_add_pin_reset (VtrHubBackend *self,
                                         const char    *nonce,
                                         gint64         device_id,
                                         gint64         now,
                                         int            expires,
                                         GError       **error);
/* (admin) `code owner`: which device an order number or a card was
 * issued to (vtr_hub_stock_owner()). */
gboolean       vtr_hub_backend_code_owner (VtrHubBackend *self,
                                         const char    *number,
                                         char         **kind,
                                         gint64        *device_id,
                                         char         **device_name,
                                         gint64        *issued,
                                         GError       **error);
/* (sms) `sms list`: the last @limit text messages (vtr_hub_sms_write_outbox()),
 * and `privacy erase-expired` (vtr_hub_sms_erase_expired()): how many
 * orders' customers were forgotten, -1 on error. */
gboolean       vtr_hub_backend_write_sms_outbox (VtrHubBackend *self,
                                         guint          limit,
                                         JsonBuilder   *builder,
                                         GError       **error);
int            vtr_hub_backend_erase_expired (VtrHubBackend *self,
                                         gint64         now,
                                         gint64         keep_seconds,
                                         GError       **error);
/* The SQLite backend on @db and @catalog, which stay the caller's (the
 * hub's worker threads: their routes through the interface). */
VtrHubBackend *vtr_hub_backend_wrap_sqlite (VtrHubDb   *db,
                                           VtrCatalog *catalog);

/* PostgreSQL only: the catalogue's rows, from the pages of a change feed
 * (vtr_catalog_write_changes()), stored under the feed's one writer. */
gboolean       vtr_hub_pg_put_page      (VtrHubBackend *self,
                                         const char    *page,
                                         guint         *n_rows,
                                         GError       **error);

char          *vtr_hub_pg_history       (VtrHubBackend *self,
                                         GError       **error);
/* (shop) The shops' edits on PostgreSQL: vtr_hub_shop_ingest()'s rules. */
JsonArray     *vtr_hub_pg_shop_ingest   (VtrHubBackend      *self,
                                         VtrHubKeys         *keys,
                                         const VtrHubDevice *device,
                                         JsonArray          *events,
                                         gint64              now,
                                         JsonBuilder        *results,
                                         guint              *n_accepted,
                                         GError            **error);

/* PostgreSQL only: a federation's file into the catalogue, the stock
 * lines the shops set later kept as theirs (vtr-import.c). */
gboolean       vtr_hub_pg_import_file   (VtrHubBackend   *self,
                                         const char      *path,
                                         VtrImportCounts *counts,
                                         guint           *n_rows,
                                         GError         **error);

/* (shop) PostgreSQL only: the products shops made, reviewed
 * (vtr-shop-review.c's rules; @into_id 0: accepted), and the demo
 * catalogue loaded (vtr_demo_load()). */
GPtrArray     *vtr_hub_pg_review_list   (VtrHubBackend   *self,
                                         GError         **error);
gboolean       vtr_hub_pg_review        (VtrHubBackend   *self,
                                         gint64           product_id,
                                         gint64           into_id,
                                         gint64           now,
                                         GError         **error);
gboolean       vtr_hub_pg_load_demo     (VtrHubBackend   *self,
                                         GDateTime       *now,
                                         VtrDemoCounts   *counts,
                                         GError         **error);

/* (ops) PostgreSQL's backups: pg_dump while serving, pg_restore. */
gboolean       vtr_hub_pg_backup        (const char    *conninfo,
                                         const char    *dir,
                                         const char    *target,
                                         GError       **error);
gboolean       vtr_hub_pg_restore       (const char    *conninfo,
                                         const char    *dir,
                                         const char    *source,
                                         GError       **error);

/* (sms) PostgreSQL only: the customers' text messages (vtr-hub-sms.c). */
typedef struct
{
  gint64  id;
  char   *order;
  char   *state;        /* the state the message tells */
  gint64  tries;
  char   *details;      /* (nullable) the step's payload */
  char   *number;       /* (nullable) the order's, when the hub has it */
  char   *order_state;  /* (nullable) its state now */
  gint64  merchant_id;
  char   *placed;       /* (nullable) the order as placed */
} VtrHubSmsDue;

void           vtr_hub_sms_due_clear    (VtrHubSmsDue  *due);
gboolean       vtr_hub_pg_sms_claim     (VtrHubBackend *self,
                                         gint64         now,
                                         gint64         claim_until,
                                         VtrHubSmsDue  *due,
                                         gboolean      *found,
                                         GError       **error);
gboolean       vtr_hub_pg_sms_record    (VtrHubBackend *self,
                                         gint64         id,
                                         const char    *status,
                                         gint64         tries,
                                         gint64         next_try,
                                         gint64         sent,
                                         const char    *phone,
                                         const char    *text,
                                         const char    *last_error,
                                         GError       **error);
int            vtr_hub_pg_sms_erase_expired (VtrHubBackend *self,
                                         gint64         now,
                                         gint64         keep_seconds,
                                         GError       **error);
char          *vtr_hub_pg_catalog_row   (VtrHubBackend *self,
                                         int            kind,
                                         gint64         a,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubBackend, vtr_hub_backend_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrHubSmsDue, vtr_hub_sms_due_clear)

G_END_DECLS

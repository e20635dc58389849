#include "config.h"

#include "vtr-hub-backend.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "vtr-catalog.h"
#include "vtr-changes.h"
#include "vtr-hub-pins.h"
#include "vtr-hub-sms.h"
#include "vtr-hub-stock.h"
#include "vtr-store.h"

/*
 * (pg) The sync's backend interface, and its SQLite implementation:
 * today's hub.db (vtr-hub-db.c) and the catalogue's change log
 * (vtr-changes.c) in the hub's data folder.
 */

gboolean
vtr_hub_backend_is_postgresql (const char *database)
{
  return database && (g_str_has_prefix (database, "postgresql://") ||
                      g_str_has_prefix (database, "postgres://"));
}

/**
 * vtr_hub_backend_open:
 * @dir: the hub's data folder (SQLite's files)
 * @database: (nullable): a PostgreSQL URL (postgresql://…), or NULL for
 *   SQLite in @dir
 */
VtrHubBackend *
vtr_hub_backend_open (const char *dir,
                      const char *database,
                      GError    **error)
{
  if (database == NULL)
    return vtr_hub_backend_open_sqlite (dir, error);
  if (vtr_hub_backend_is_postgresql (database))
    return vtr_hub_backend_open_pg (database, error);
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
               _("“%s” is not a database the hub knows: give a PostgreSQL address, postgresql://…"),
               database);
  return NULL;
}

void
vtr_hub_backend_free (VtrHubBackend *self)
{
  if (self)
    self->klass->free (self);
}

const char *
vtr_hub_backend_get_name (VtrHubBackend *self)
{
  return self->klass->name;
}

VtrHubDevice *
vtr_hub_backend_authenticate (VtrHubBackend *self,
                              const char    *token,
                              gint64         now,
                              GError       **error)
{
  return self->klass->authenticate (self, token, now, error);
}

VtrHubDevice *
vtr_hub_backend_pair (VtrHubBackend *self,
                      const char    *code,
                      gint64         now,
                      char         **token,
                      GError       **error)
{
  return self->klass->pair (self, code, now, token, error);
}

char *
vtr_hub_backend_add_device (VtrHubBackend *self,
                            const char    *name,
                            gint64         merchant_id,
                            gint64         pairing_expires,
                            gint64        *id,
                            GError       **error)
{
  return self->klass->add_device (self, name, merchant_id, pairing_expires, id, error);
}

gboolean
vtr_hub_backend_note_seen (VtrHubBackend *self,
                           gint64         device_id,
                           gint64         now,
                           const char    *heartbeat,
                           GError       **error)
{
  return self->klass->note_seen (self, device_id, now, heartbeat, error);
}

/* Stores @batch durably, each event once by its uuid (whichever hub got
 * it first), and sets its verdicts: answer them with
 * vtr_hub_batch_write_results(). */
gboolean
vtr_hub_backend_ingest (VtrHubBackend *self,
                        VtrHubBatch   *batch,
                        GError       **error)
{
  return self->klass->ingest (self, batch, error);
}

gint64
vtr_hub_backend_last_change (VtrHubBackend *self,
                             GError       **error)
{
  return self->klass->last_change (self, error);
}

/* How many devices, not revoked, were seen at @since or later (for
 * /metrics); -1 with @error set. */
gint64
vtr_hub_backend_count_seen_since (VtrHubBackend *self,
                                  gint64         since,
                                  GError       **error)
{
  return self->klass->count_seen_since (self, since, error);
}

/* The page of the change feed after @since, in the format of
 * vtr_catalog_write_changes(), read in one snapshot; only @area's changes
 * when it is not NULL (vtr_catalog_write_area_changes(); SQLite only). */
gboolean
vtr_hub_backend_write_changes (VtrHubBackend *self,
                               const VtrArea *area,
                               gint64         since,
                               guint          limit,
                               GString       *out,
                               gint64        *cursor,
                               guint         *n_changes,
                               GError       **error)
{
  return self->klass->write_changes (self, area, since, limit, out, cursor, n_changes, error);
}

/* The shop's orders, the last changed first (vtr_hub_db_write_orders()). */
gboolean
vtr_hub_backend_write_orders (VtrHubBackend *self,
                              gint64         merchant_id,
                              gint64         before,
                              guint          limit,
                              JsonBuilder   *builder,
                              gint64        *next,
                              GError       **error)
{
  return self->klass->write_orders (self, merchant_id, before, limit, builder, next, error);
}

/* The orders changed after @since, a shop's (@merchant_id) or those a
 * kiosk placed (@device_id), in the hub's order of arrival
 * (vtr_hub_db_write_order_changes()). */
gboolean
vtr_hub_backend_write_order_changes (VtrHubBackend *self,
                                     gint64         merchant_id,
                                     gint64         device_id,
                                     gint64         since,
                                     guint          limit,
                                     JsonBuilder   *builder,
                                     gint64        *cursor,
                                     gboolean      *more,
                                     GError       **error)
{
  return self->klass->write_order_changes (self, merchant_id, device_id, since, limit, builder, cursor, more,
                                           error);
}

gboolean
vtr_hub_backend_card_info (VtrHubBackend *self,
                           const char    *card_id,
                           gint64        *balance,
                           gint64        *n_events,
                           char         **code,
                           gboolean      *blocked,
                           gint64        *flagged,
                           GError       **error)
{
  return self->klass->card_info (self, card_id, balance, n_events, code, blocked, flagged, error);
}

gboolean
vtr_hub_backend_find_cards (VtrHubBackend *self,
                            const char    *suffix,
                            JsonBuilder   *builder,
                            gboolean      *more,
                            GError       **error)
{
  return self->klass->find_cards (self, suffix, builder, more, error);
}

gboolean
vtr_hub_backend_set_area (VtrHubBackend *self,
                          gint64         device_id,
                          const char    *area,
                          GError       **error)
{
  return self->klass->set_area (self, device_id, area, error);
}

GPtrArray *
vtr_hub_backend_issue_codes (VtrHubBackend *self,
                             VtrHubKeys    *keys,
                             gint64         device_id,
                             VtrCodeKind    kind,
                             guint          count,
                             int            expires,
                             gint64         now,
                             GError       **error)
{
  return self->klass->issue_codes (self, keys, device_id, kind, count, expires, now, error);
}

gboolean
vtr_hub_backend_card_movements (VtrHubBackend *self,
                                const char    *card_id,
                                guint          limit,
                                GArray        *movements,
                                GError       **error)
{
  return self->klass->card_movements (self, card_id, limit, movements, error);
}

gboolean
vtr_hub_backend_order_state (VtrHubBackend *self,
                             const char    *number,
                             char         **state,
                             gint64        *merchant_id,
                             char         **placed,
                             GError       **error)
{
  *state = NULL;
  *merchant_id = 0;
  *placed = NULL;
  return self->klass->order_state (self, number, state, merchant_id, placed, error);
}

gboolean
vtr_hub_backend_add_poster_scans (VtrHubBackend *self,
                                  gint64         merchant_id,
                                  gint64         day,
                                  const char    *source,
                                  gint64         product_id,
                                  gint64         n,
                                  GError       **error)
{
  return self->klass->add_poster_scans (self, merchant_id, day, source, product_id, n, error);
}

gboolean
vtr_hub_backend_write_poster_scans (VtrHubBackend *self,
                                    gint64         merchant_id,
                                    gint64         from_day,
                                    JsonBuilder   *builder,
                                    GError       **error)
{
  return self->klass->write_poster_scans (self, merchant_id, from_day, builder, error);
}

GPtrArray *
vtr_hub_backend_list_devices (VtrHubBackend *self,
                              GError       **error)
{
  return self->klass->list_devices (self, error);
}

gboolean
vtr_hub_backend_revoke_device (VtrHubBackend *self,
                               gint64         device_id,
                               gint64         now,
                               GError       **error)
{
  return self->klass->revoke_device (self, device_id, now, error);
}

gboolean
vtr_hub_backend_web_secret (VtrHubBackend *self,
                            const guint8  *drawn,
                            gsize          size,
                            guint8        *secret,
                            GError       **error)
{
  return self->klass->web_secret (self, drawn, size, secret, error);
}

gboolean
vtr_hub_backend_web_limit (VtrHubBackend *self,
                           const char    *key,
                           gint64         now,
                           gint64         window,
                           gboolean       count,
                           gint64        *counted,
                           GError       **error)
{
  *counted = 0;
  return self->klass->web_limit (self, key, now, window, count, counted, error);
}

gboolean
vtr_hub_backend_set_admin_pin (VtrHubBackend *self,
                               gint64         device_id,
                               const char    *hash,
                               GError       **error)
{
  return self->klass->set_admin_pin (self, device_id, hash, error);
}

gboolean
vtr_hub_backend_admin_pin_hash (VtrHubBackend *self,
                                gint64         device_id,
                                char         **hash,
                                GError       **error)
{
  *hash = NULL;
  return self->klass->admin_pin_hash (self, device_id, hash, error);
}

gboolean
vtr_hub_backend_add_pin_reset (VtrHubBackend *self,
                               const char    *nonce,
                               gint64         device_id,
                               gint64         now,
                               int            expires,
                               GError       **error)
{
  return self->klass->add_pin_reset (self, nonce, device_id, now, expires, error);
}

gboolean
vtr_hub_backend_code_owner (VtrHubBackend *self,
                            const char    *number,
                            char         **kind,
                            gint64        *device_id,
                            char         **device_name,
                            gint64        *issued,
                            GError       **error)
{
  *kind = NULL;
  *device_id = 0;
  *device_name = NULL;
  *issued = 0;
  return self->klass->code_owner (self, number, kind, device_id, device_name, issued, error);
}

gboolean
vtr_hub_backend_write_sms_outbox (VtrHubBackend *self,
                                  guint          limit,
                                  JsonBuilder   *builder,
                                  GError       **error)
{
  return self->klass->write_sms_outbox (self, limit, builder, error);
}

int
vtr_hub_backend_erase_expired (VtrHubBackend *self,
                               gint64         now,
                               gint64         keep_seconds,
                               GError       **error)
{
  return self->klass->erase_expired (self, now, keep_seconds, error);
}

/* SQLite. */

typedef struct
{
  VtrHubBackend parent;
  VtrHubDb     *db;
  VtrStore     *store;
  VtrCatalog   *catalog;
  gboolean      owns_db;
} Sqlite;

static VtrHubDevice *
sqlite_authenticate (VtrHubBackend *self,
                     const char    *token,
                     gint64         now,
                     GError       **error)
{
  return vtr_hub_db_authenticate (((Sqlite *) self)->db, token, now, error);
}

static VtrHubDevice *
sqlite_pair (VtrHubBackend *self,
             const char    *code,
             gint64         now,
             char         **token,
             GError       **error)
{
  return vtr_hub_db_pair (((Sqlite *) self)->db, code, now, token, error);
}

static char *
sqlite_add_device (VtrHubBackend *self,
                   const char    *name,
                   gint64         merchant_id,
                   gint64         pairing_expires,
                   gint64        *id,
                   GError       **error)
{
  return vtr_hub_db_add_device (((Sqlite *) self)->db, name, merchant_id, NULL, pairing_expires, id, error);
}

static gboolean
sqlite_note_seen (VtrHubBackend *self,
                  gint64         device_id,
                  gint64         now,
                  const char    *heartbeat,
                  GError       **error)
{
  return vtr_hub_db_note_seen (((Sqlite *) self)->db, device_id, now, heartbeat, error);
}

static gboolean
sqlite_ingest (VtrHubBackend *self,
               VtrHubBatch   *batch,
               GError       **error)
{
  VtrHubDb *db = ((Sqlite *) self)->db;

  if (!vtr_hub_db_begin_group (db, error))
    return FALSE;
  if (!vtr_hub_db_ingest_batch (db, batch, error))
    {
      vtr_hub_db_rollback_group (db);
      return FALSE;
    }
  return vtr_hub_db_commit_group (db, error);
}

static gint64
sqlite_last_change (VtrHubBackend *self,
                    GError       **error)
{
  return vtr_catalog_last_change (((Sqlite *) self)->catalog, error);
}

static gint64
sqlite_count_seen_since (VtrHubBackend *self,
                         gint64         since,
                         GError       **error)
{
  return vtr_hub_db_count_seen_since (((Sqlite *) self)->db, since, error);
}

static gboolean
sqlite_write_changes (VtrHubBackend *self,
                      const VtrArea *area,
                      gint64         since,
                      guint          limit,
                      GString       *out,
                      gint64        *cursor,
                      guint         *n_changes,
                      GError       **error)
{
  Sqlite *sqlite = (Sqlite *) self;

  return vtr_catalog_write_area_changes (sqlite->catalog, area, since, limit, out, cursor, n_changes, error);
}

static gboolean
sqlite_write_orders (VtrHubBackend *self,
                     gint64         merchant_id,
                     gint64         before,
                     guint          limit,
                     JsonBuilder   *builder,
                     gint64        *next,
                     GError       **error)
{
  return vtr_hub_db_write_orders (((Sqlite *) self)->db, merchant_id, before, limit, builder, next, error);
}

static gboolean
sqlite_write_order_changes (VtrHubBackend *self,
                            gint64         merchant_id,
                            gint64         device_id,
                            gint64         since,
                            guint          limit,
                            JsonBuilder   *builder,
                            gint64        *cursor,
                            gboolean      *more,
                            GError       **error)
{
  return vtr_hub_db_write_order_changes (((Sqlite *) self)->db, merchant_id, device_id, since, limit, builder,
                                         cursor, more, error);
}

static gboolean
sqlite_card_info (VtrHubBackend *self,
                  const char    *card_id,
                  gint64        *balance,
                  gint64        *n_events,
                  char         **code,
                  gboolean      *blocked,
                  gint64        *flagged,
                  GError       **error)
{
  VtrHubDb *db = ((Sqlite *) self)->db;

  return vtr_hub_db_card_balance (db, card_id, balance, n_events, code, error) &&
         vtr_hub_db_card_state (db, card_id, blocked, flagged, error);
}

static gboolean
sqlite_find_cards (VtrHubBackend *self,
                   const char    *suffix,
                   JsonBuilder   *builder,
                   gboolean      *more,
                   GError       **error)
{
  return vtr_hub_db_find_cards (((Sqlite *) self)->db, suffix, builder, more, error);
}

static gboolean
sqlite_set_area (VtrHubBackend *self,
                 gint64         device_id,
                 const char    *area,
                 GError       **error)
{
  return vtr_hub_db_set_area (((Sqlite *) self)->db, device_id, area, error);
}

static GPtrArray *
sqlite_issue_codes (VtrHubBackend *self,
                    VtrHubKeys    *keys,
                    gint64         device_id,
                    VtrCodeKind    kind,
                    guint          count,
                    int            expires,
                    gint64         now,
                    GError       **error)
{
  return vtr_hub_stock_issue (((Sqlite *) self)->db, keys, device_id, kind, count, expires, now, error);
}

static gboolean
sqlite_card_movements (VtrHubBackend *self,
                       const char    *card_id,
                       guint          limit,
                       GArray        *movements,
                       GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT created, merchant_id, points FROM event "
                              "WHERE card_id = ? AND kind IN ('credit', 'redeem', 'transfer') "
                              "ORDER BY created DESC LIMIT ?", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrHubMovement m = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                           sqlite3_column_int64 (stmt, 2) };

      g_array_append_val (movements, m);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_order_state (VtrHubBackend *self,
                    const char    *number,
                    char         **state,
                    gint64        *merchant_id,
                    char         **placed,
                    GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT state, coalesce (merchant_id, 0), placed FROM hub_order WHERE number = ? "
                              "ORDER BY seq DESC LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *merchant_id = sqlite3_column_int64 (stmt, 1);
      *placed = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_add_poster_scans (VtrHubBackend *self,
                         gint64         merchant_id,
                         gint64         day,
                         const char    *source,
                         gint64         product_id,
                         gint64         n,
                         GError       **error)
{
  return vtr_hub_db_add_poster_scans (((Sqlite *) self)->db, merchant_id, day, source, product_id, n, error);
}

static gboolean
sqlite_write_poster_scans (VtrHubBackend *self,
                           gint64         merchant_id,
                           gint64         from_day,
                           JsonBuilder   *builder,
                           GError       **error)
{
  return vtr_hub_db_write_poster_scans (((Sqlite *) self)->db, merchant_id, from_day, builder, error);
}

static GPtrArray *
sqlite_list_devices (VtrHubBackend *self,
                     GError       **error)
{
  return vtr_hub_db_list_devices (((Sqlite *) self)->db, error);
}

static gboolean
sqlite_revoke_device (VtrHubBackend *self,
                      gint64         device_id,
                      gint64         now,
                      GError       **error)
{
  return vtr_hub_db_revoke_device (((Sqlite *) self)->db, device_id, now, error);
}

static gboolean
sqlite_failed (sqlite3  *db,
               GError  **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
sqlite_web_secret (VtrHubBackend *self,
                   const guint8  *drawn,
                   gsize          size,
                   guint8        *secret,
                   GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO web_secret (id, key) VALUES (1, ?)", -1, &stmt, NULL) !=
      SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_blob (stmt, 1, drawn, size, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "SELECT key FROM web_secret WHERE id = 1", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  if (sqlite3_step (stmt) == SQLITE_ROW && (gsize) sqlite3_column_bytes (stmt, 0) == size)
    {
      memcpy (secret, sqlite3_column_blob (stmt, 0), size);
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  return found || sqlite_failed (db, error);
}

static gboolean
sqlite_web_limit (VtrHubBackend *self,
                  const char    *key,
                  gint64         now,
                  gint64         window,
                  gboolean       count,
                  gint64        *counted,
                  GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!count)
    {
      if (sqlite3_prepare_v2 (db, "SELECT count FROM web_limit WHERE key = ? AND start > ?", -1, &stmt, NULL) !=
          SQLITE_OK)
        return sqlite_failed (db, error);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now - window);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        *counted = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      return rc == SQLITE_ROW || rc == SQLITE_DONE || sqlite_failed (db, error);
    }
  /* The hours gone by are forgotten, then this one counted. */
  if (sqlite3_prepare_v2 (db, "DELETE FROM web_limit WHERE start <= ?", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_int64 (stmt, 1, now - window);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "INSERT INTO web_limit (key, start, count) VALUES (?1, ?2, 1) "
                              "ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *counted = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || sqlite_failed (db, error);
}

/* The device @device_id, which must exist and not be revoked. */
static gboolean
sqlite_check_device (sqlite3  *db,
                     gint64    device_id,
                     GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found, revoked;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT revoked IS NOT NULL FROM device WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_int64 (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  found = rc == SQLITE_ROW;
  revoked = found && sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sqlite_failed (db, error);
  return vtr_hub_pins_check_device (device_id, found, revoked, error);
}

static gboolean
sqlite_set_admin_pin (VtrHubBackend *self,
                      gint64         device_id,
                      const char    *hash,
                      GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!sqlite_check_device (db, device_id, error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, "UPDATE device SET admin_pin_hash = ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, device_id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || sqlite_failed (db, error);
}

static gboolean
sqlite_admin_pin_hash (VtrHubBackend *self,
                       gint64         device_id,
                       char         **hash,
                       GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT admin_pin_hash FROM device WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_int64 (stmt, 1, device_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || sqlite_failed (db, error);
}

static gboolean
sqlite_add_pin_reset (VtrHubBackend *self,
                      const char    *nonce,
                      gint64         device_id,
                      gint64         now,
                      int            expires,
                      GError       **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (((Sqlite *) self)->db);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!sqlite_check_device (db, device_id, error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, "INSERT INTO pin_reset (nonce, device_id, issued, expires) VALUES (?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);
  sqlite3_bind_text (stmt, 1, nonce, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, device_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, expires);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || sqlite_failed (db, error);
}

static gboolean
sqlite_code_owner (VtrHubBackend *self,
                   const char    *number,
                   char         **kind,
                   gint64        *device_id,
                   char         **device_name,
                   gint64        *issued,
                   GError       **error)
{
  return vtr_hub_stock_owner (((Sqlite *) self)->db, number, kind, device_id, device_name, issued, error);
}

static gboolean
sqlite_write_sms_outbox (VtrHubBackend *self,
                         guint          limit,
                         JsonBuilder   *builder,
                         GError       **error)
{
  return vtr_hub_sms_write_outbox (((Sqlite *) self)->db, limit, builder, error);
}

static int
sqlite_erase_expired (VtrHubBackend *self,
                      gint64         now,
                      gint64         keep_seconds,
                      GError       **error)
{
  return vtr_hub_sms_erase_expired (((Sqlite *) self)->db, now, keep_seconds, error);
}

static void
sqlite_free (VtrHubBackend *self)
{
  Sqlite *sqlite = (Sqlite *) self;

  if (sqlite->owns_db)
    vtr_hub_db_free (sqlite->db);
  g_clear_object (&sqlite->catalog);
  g_clear_object (&sqlite->store);
  g_free (sqlite);
}

static const VtrHubBackendClass sqlite_class = {
  "sqlite",
  sqlite_authenticate,
  sqlite_pair,
  sqlite_add_device,
  sqlite_note_seen,
  sqlite_ingest,
  sqlite_last_change,
  sqlite_count_seen_since,
  sqlite_write_changes,
  sqlite_write_orders,
  sqlite_write_order_changes,
  sqlite_card_info,
  sqlite_find_cards,
  sqlite_set_area,
  sqlite_issue_codes,
  sqlite_card_movements,
  sqlite_order_state,
  sqlite_add_poster_scans,
  sqlite_write_poster_scans,
  sqlite_list_devices,
  sqlite_revoke_device,
  sqlite_web_secret,
  sqlite_web_limit,
  sqlite_set_admin_pin,
  sqlite_admin_pin_hash,
  sqlite_add_pin_reset,
  sqlite_code_owner,
  sqlite_write_sms_outbox,
  sqlite_erase_expired,
  sqlite_free,
};

VtrHubBackend *
vtr_hub_backend_open_sqlite (const char *dir,
                             GError    **error)
{
  Sqlite *self = g_new0 (Sqlite, 1);

  self->parent.klass = &sqlite_class;
  self->owns_db = TRUE;
  if (!(self->db = vtr_hub_db_open (dir, error)) || !(self->store = vtr_store_open (dir, error)))
    {
      sqlite_free (&self->parent);
      return NULL;
    }
  self->catalog = vtr_catalog_new (self->store);
  return &self->parent;
}

/**
 * vtr_hub_backend_open_admin:
 *
 * The backend of an administrator's command (`device`, `code`, `sign`,
 * `sms`, `privacy`): PostgreSQL at @database, or hub.db alone in @dir
 * (the catalogue is not opened: it has no use for it).
 */
VtrHubBackend *
vtr_hub_backend_open_admin (const char *dir,
                            const char *database,
                            GError    **error)
{
  Sqlite *self;

  if (database)
    return vtr_hub_backend_open (dir, database, error);
  self = g_new0 (Sqlite, 1);
  self->parent.klass = &sqlite_class;
  self->owns_db = TRUE;
  if (!(self->db = vtr_hub_db_open (dir, error)))
    {
      sqlite_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}

VtrHubBackend *
vtr_hub_backend_wrap_sqlite (VtrHubDb   *db,
                             VtrCatalog *catalog)
{
  Sqlite *self = g_new0 (Sqlite, 1);

  self->parent.klass = &sqlite_class;
  self->db = db;
  self->catalog = catalog ? g_object_ref (catalog) : NULL;
  return &self->parent;
}

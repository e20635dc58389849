#include "config.h"

#include "vtr-hub-db.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "vtr-area.h"
#include "vtr-flashcode.h"
#include "vtr-hub-sms.h"
#include "vtr-json.h"
#include "vtr-orders.h"
#include "vtr-shop-edit.h"

/*
 * The hub's own database, hub.db next to its catalogue: the devices it
 * knows, and every event the kiosks uploaded, stored once by its UUID so
 * that a batch delivered twice changes nothing. Loyalty balances are sums
 * over the events; orders are folded from their events as they arrive.
 *
 * A VtrHubDb is one SQLite connection: use it from one thread at a time.
 * The server opens one per worker thread.
 */

struct _VtrHubDb
{
  sqlite3    *db;
  gboolean    defer_seen; /* the server's writer records when devices were seen */
  GHashTable *statements; /* SQL text → its statement, see prepare_cached() */
  gboolean    grouping;   /* has begun a group: its page cache is larger */
};

static const char * const migrations[] = {
  /* 1 */
  "CREATE TABLE device ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  merchant_id INTEGER,"
  "  pairing_hash TEXT UNIQUE,"
  "  pairing_expires INTEGER NOT NULL,"
  "  token_hash TEXT UNIQUE,"
  "  created INTEGER NOT NULL,"
  "  paired INTEGER,"
  "  revoked INTEGER,"
  "  last_seen INTEGER);"
  "CREATE TABLE event ("
  "  uuid TEXT PRIMARY KEY,"
  "  device_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  received INTEGER NOT NULL,"
  "  card_id TEXT,"
  "  merchant_id INTEGER,"
  "  points INTEGER) WITHOUT ROWID;"
  "CREATE INDEX event_by_card ON event (card_id, points) WHERE card_id IS NOT NULL;"
  "CREATE TABLE hub_order ("
  "  uuid TEXT PRIMARY KEY,"
  "  merchant_id INTEGER,"
  "  number TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  placed TEXT) WITHOUT ROWID;"
  "CREATE INDEX hub_order_by_merchant ON hub_order (merchant_id, at);",
  /* 2: orders follow the hub's order of arrival (seq) and remember the
   * device that placed them; the cards the federation is known to have
   * signed. The cards of older events are taken as confirmed: they were
   * accepted before signed codes were checked. */
  "ALTER TABLE hub_order ADD COLUMN device_id INTEGER;"
  "ALTER TABLE hub_order ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE hub_order ADD COLUMN received INTEGER NOT NULL DEFAULT 0;"
  /* Numbered in one pass (a count per row would be quadratic: hours for
   * a few hundred thousand orders, with the hub down meanwhile). */
  "UPDATE hub_order SET received = min (max (at, 0), 4102444800), seq = r.n "
  "  FROM (SELECT uuid, row_number () OVER (ORDER BY at, uuid) AS n FROM hub_order) AS r "
  "  WHERE r.uuid = hub_order.uuid;"
  "CREATE INDEX hub_order_by_seq ON hub_order (merchant_id, seq);"
  /* The next number of the feed, max (seq), read from an index. */
  "CREATE INDEX hub_order_seq ON hub_order (seq);"
  "CREATE TABLE card ("
  "  card_id TEXT PRIMARY KEY,"
  "  code TEXT,"
  "  confirmed INTEGER NOT NULL) WITHOUT ROWID;"
  "INSERT OR IGNORE INTO card (card_id, confirmed) "
  "  SELECT card_id, min (received) FROM event WHERE card_id IS NOT NULL GROUP BY card_id;",
  /* 3: (orders) the last step's payload (a cancel's reason, a locker's
   * compartment and code), and a kiosk's feed of the orders it placed. */
  "ALTER TABLE hub_order ADD COLUMN step TEXT;"
  "CREATE INDEX hub_order_by_device ON hub_order (device_id, seq);",
  /* 4: (sms) the text messages to customers (vtr-hub-sms.c): one per
   * order and state, whatever the number of times the state is sent;
   * what became of it is kept, so a restarted hub sends nothing twice.
   * The events of an order found by its uuid, to erase its customer's
   * details (docs/design.md, "Personal data"). */
  "CREATE TABLE sms_outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  order_uuid TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  details TEXT,"
  "  status TEXT NOT NULL DEFAULT 'pending',"
  "  tries INTEGER NOT NULL DEFAULT 0,"
  "  next_try INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  sent INTEGER,"
  "  phone TEXT,"
  "  text TEXT,"
  "  last_error TEXT,"
  "  UNIQUE (order_uuid, state));"
  "CREATE INDEX sms_outbox_due ON sms_outbox (next_try) WHERE status = 'pending';"
  "CREATE INDEX event_by_order ON event (json_extract (payload, '$.order')) WHERE kind = 'order';"
  /* Whether the customer's details were erased; the orders over whose
   * details are still there, found by an index. */
  "ALTER TABLE hub_order ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX hub_order_to_forget ON hub_order (received) "
  "  WHERE forgotten = 0 AND state IN ('collected', 'cancelled', 'refused');",
  /* 5: (pools) the signed codes issued to each device for its stock (an
   * order number is never issued twice, whichever device asks), the
   * administrator PIN a federation kiosk receives with its pairing (an
   * Argon2id hash), and the PIN reset codes printed for a device. */
  "CREATE TABLE issued_code ("
  "  kind TEXT NOT NULL,"
  "  number TEXT NOT NULL,"
  "  device_id INTEGER,"
  "  issued INTEGER NOT NULL,"
  "  PRIMARY KEY (kind, number)) WITHOUT ROWID;"
  "CREATE INDEX issued_code_by_device ON issued_code (device_id, kind, issued);"
  "ALTER TABLE device ADD COLUMN admin_pin_hash TEXT;"
  "CREATE TABLE pin_reset ("
  "  nonce TEXT PRIMARY KEY,"
  "  device_id INTEGER NOT NULL,"
  "  issued INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL) WITHOUT ROWID;",
  /* 6: (cards) lost cards: each blocked once, its balance (and whatever
   * arrives for it later) counted on its new card; events that arrived
   * for a card after its block are flagged; cards found by their last
   * characters at a counter. */
  "CREATE TABLE card_block ("
  "  old_card TEXT PRIMARY KEY,"
  "  new_card TEXT NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  device_id INTEGER NOT NULL,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  points_said INTEGER NOT NULL,"
  "  points_moved INTEGER NOT NULL,"
  "  blocked INTEGER NOT NULL,"
  "  published INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE INDEX card_block_by_new ON card_block (new_card);"
  "CREATE INDEX card_block_unpublished ON card_block (published) WHERE published = 0;"
  "ALTER TABLE event ADD COLUMN flag TEXT;"
  "CREATE INDEX card_by_suffix ON card (substr (card_id, -6));",
  /* 7: (web) what every hub on this database shares for the phones'
   * reservations: the secret of the forms, and the counts of the rate
   * limits for the hour (by address, by keyed hash of a phone). */
  "CREATE TABLE web_secret ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  key BLOB NOT NULL);"
  "CREATE TABLE web_limit ("
  "  key TEXT PRIMARY KEY,"
  "  start INTEGER NOT NULL,"
  "  count INTEGER NOT NULL) WITHOUT ROWID;",
  /* 8: (ops) the history the hub's events and catalogue follow: a new
   * one each time the hub is restored from a backup, so kiosks learn
   * that it may have lost what they sent since (docs/operations.md). */
  "CREATE TABLE history ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  name TEXT NOT NULL,"
  "  started INTEGER NOT NULL);"
  "INSERT INTO history (id, name, started) "
  "  VALUES (1, lower (hex (randomblob (16))), strftime ('%s', 'now'));",
  /* 9: (ops) each device's last heartbeat (docs/hub-api.md): its version,
   * camera, printer, events waiting, last successful sync. */
  "ALTER TABLE device ADD COLUMN heartbeat TEXT;"
  "ALTER TABLE device ADD COLUMN heartbeat_at INTEGER;",
  /* 10: (area) each device's area (docs/hub-api.md, "Areas"): NULL for
   * everything; area_moves counts its moves, so that a device asking with
   * the tag of an older area downloads its new one. */
  "ALTER TABLE device ADD COLUMN area TEXT;"
  "ALTER TABLE device ADD COLUMN area_moves INTEGER NOT NULL DEFAULT 0;",
  /* 11: (poster) the scans of the shops' posters: per shop, day
   * (YYYYMMDD, Marseille time), source (a kiosk's `poster-scan` event,
   * or a phone that opened the code's page) and product (0: the shop's
   * own code). Counts only: no address, no device, no phone. */
  "CREATE TABLE poster_scan ("
  "  merchant_id INTEGER NOT NULL,"
  "  day INTEGER NOT NULL,"
  "  source TEXT NOT NULL CHECK (source IN ('kiosk', 'phone')),"
  "  product_id INTEGER NOT NULL,"
  "  scans INTEGER NOT NULL,"
  "  PRIMARY KEY (merchant_id, day, source, product_id)) WITHOUT ROWID;",
};

G_DEFINE_QUARK (vtr-hub-error-quark, vtr_hub_error)

void
vtr_hub_device_free (VtrHubDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->heartbeat);
  g_free (device->area);
  g_free (device);
}

const char *
vtr_event_verdict_to_string (VtrEventVerdict verdict)
{
  static const char * const names[] = { "accepted", "duplicate", "rejected" };

  return names[verdict];
}

static gboolean
sql_failed (VtrHubDb *db,
            GError  **error)
{
  int rc = sqlite3_extended_errcode (db->db);

  if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                 _("The hub’s disk is full: nothing was recorded. Free some space."));
  else
    g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                 sqlite3_errmsg (db->db));
  return FALSE;
}

static gboolean
exec (VtrHubDb   *db,
      const char *sql,
      GError    **error)
{
  if (sqlite3_exec (db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_failed (db, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (VtrHubDb   *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    sql_failed (db, error);
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/*
 * The statements of every request (a device's token, an upload's events),
 * prepared once for the connection: SQLite's parsing of them was an eighth
 * of the hub's processor time under the kiosks' steady load (bench-sync).
 * prepare_cached() takes a string literal; its statement is put back (reset,
 * its values unbound) at the end of the scope of a g_autoptr(VtrHubStmt),
 * and finalized with the connection. A cached statement is never used twice
 * at once: no caller of one calls code that uses the same text.
 */
typedef sqlite3_stmt VtrHubStmt;

static void
stmt_put_back (VtrHubStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubStmt, stmt_put_back)

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static VtrHubStmt *
prepare_cached (VtrHubDb   *db,
                const char *sql,
                GError    **error)
{
  sqlite3_stmt *stmt;

  if (db->statements == NULL)
    db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stmt_finalize);
  if ((stmt = g_hash_table_lookup (db->statements, sql)))
    {
      g_warn_if_fail (!sqlite3_stmt_busy (stmt));
      return stmt;
    }
  if (sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      sql_failed (db, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, (char *) sql, stmt);
  return stmt;
}

/* One statement of @sql (a literal), run from the cache. */
static gboolean
exec_cached (VtrHubDb   *db,
             const char *sql,
             GError    **error)
{
  g_autoptr(VtrHubStmt) stmt = prepare_cached (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  return sqlite3_step (stmt) == SQLITE_DONE || sql_failed (db, error);
}

static gboolean
migrate (VtrHubDb *db,
         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "PRAGMA user_version", error);
  int version;

  if (stmt == NULL)
    return FALSE;
  sqlite3_step (stmt);
  version = sqlite3_column_int (stmt, 0);
  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                   _("hub.db was written by a newer Vitrine hub (format %d): install the newer "
                     "version"),
                   version);
      return FALSE;
    }
  for (int v = version; v < (int) G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (db, migrations[v], error) || !exec (db, bump, error))
        {
          exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (db, "COMMIT", error))
        return FALSE;
    }
  return TRUE;
}

/* A busy database is waited for in steps of a millisecond, not
 * SQLite's default sleeps that reach 100 ms, for ten seconds at most. */
static int
busy_wait (void *data,
           int   count)
{
  if (count >= 10000)
    return 0;
  g_usleep (count < 10 ? 200 : 1000);
  return 1;
}

VtrHubDb *
vtr_hub_db_open (const char *dir,
                 GError    **error)
{
  g_autofree char *path = g_build_filename (dir, "hub.db", NULL);
  g_autoptr(VtrHubDb) db = g_new0 (VtrHubDb, 1);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"),
                   dir, g_strerror (errno));
      return NULL;
    }
  if (sqlite3_open_v2 (path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("%s cannot be opened: %s"), path,
                   db->db ? sqlite3_errmsg (db->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_busy_handler (db->db, busy_wait, NULL);
  /* An acknowledged event is on disk: the kiosk deletes its copy on our word. */
  if (!exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) ||
      !migrate (db, error))
    return NULL;
  return g_steal_pointer (&db);
}

/* The connection, for the hub's other tables (vtr-hub-sms.c,
 * vtr-hub-stock.c): on the thread that uses @db. */
sqlite3 *
vtr_hub_db_get_sqlite (VtrHubDb *db)
{
  return db->db;
}

/* The server's connections leave the device's last_seen to its writer
 * (vtr_hub_db_note_seen()), so a poll never waits for the write lock. */
void
vtr_hub_db_set_defer_seen (VtrHubDb *db,
                           gboolean  defer)
{
  db->defer_seen = defer;
}

/* Inside a group: the device was seen at @now, with its @heartbeat
 * (nullable; see vtr_hub_heartbeat_normalize()). */
gboolean
vtr_hub_db_note_seen (VtrHubDb   *db,
                      gint64      device_id,
                      gint64      now,
                      const char *heartbeat,
                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db, "UPDATE device SET last_seen = max (coalesce (last_seen, 0), ?1), "
                 "  heartbeat = coalesce (?3, heartbeat), "
                 "  heartbeat_at = CASE WHEN ?3 IS NULL THEN heartbeat_at ELSE ?1 END "
                 "WHERE id = ?2",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, device_id);
  sqlite3_bind_text (stmt, 3, heartbeat, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_DONE || sql_failed (db, error);
}

void
vtr_hub_db_free (VtrHubDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  sqlite3_close_v2 (db->db);
  g_free (db);
}

/* Secrets are kept as their SHA-256: a copy of hub.db lets no one in. */
char *
vtr_hub_secret_hash (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

/* @n characters of A–Z and 2–7, from the system's random source. */
char *
vtr_hub_random_code (guint n)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  char *code = g_malloc (n + 1);

  for (guint i = 0; i < n; i++)
    code[i] = alphabet[randombytes_uniform (32)];
  code[n] = '\0';
  return code;
}

/**
 * vtr_hub_db_add_device:
 * @merchant_id: the shop the device belongs to, or 0 for a federation kiosk
 * @pairing_expires: until when the pairing code works (Unix time)
 *
 * Returns: (transfer full): the one-time pairing code, 20 characters of
 *   A–Z and 2–7 (100 bits)
 */
char *
vtr_hub_db_add_device (VtrHubDb   *db,
                       const char *name,
                       gint64      merchant_id,
                       const char *area,
                       gint64      pairing_expires,
                       gint64     *id,
                       GError    **error)
{
  g_autofree char *code = vtr_hub_random_code (20);
  g_autofree char *hash = vtr_hub_secret_hash (code);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(VtrArea) parsed = NULL;
  g_autofree char *canonical = NULL;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                           _("A device needs a name, such as the shop and the place of the kiosk"));
      return NULL;
    }
  if (!vtr_area_parse (area, &parsed, error))
    return NULL;
  if (parsed)
    canonical = vtr_area_to_string (parsed);
  stmt = prepare (db,
                  "INSERT INTO device (name, merchant_id, pairing_hash, pairing_expires, created, area) "
                  "VALUES (?, nullif (?, 0), ?, ?, strftime ('%s', 'now'), ?)",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 5, canonical, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, pairing_expires);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_failed (db, error);
      return NULL;
    }
  if (id)
    *id = sqlite3_last_insert_rowid (db->db);
  return g_steal_pointer (&code);
}

#define DEVICE_COLUMNS \
  "id, name, coalesce (merchant_id, 0), created, pairing_expires, coalesce (paired, 0), " \
  "coalesce (revoked, 0), coalesce (last_seen, 0), heartbeat, coalesce (heartbeat_at, 0), " \
  "area, area_moves"

static VtrHubDevice *
device_from_row (sqlite3_stmt *stmt)
{
  VtrHubDevice *device = g_new0 (VtrHubDevice, 1);

  device->id = sqlite3_column_int64 (stmt, 0);
  device->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  device->merchant_id = sqlite3_column_int64 (stmt, 2);
  device->created = sqlite3_column_int64 (stmt, 3);
  device->pairing_expires = sqlite3_column_int64 (stmt, 4);
  device->paired = sqlite3_column_int64 (stmt, 5);
  device->revoked = sqlite3_column_int64 (stmt, 6);
  device->last_seen = sqlite3_column_int64 (stmt, 7);
  device->heartbeat = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  device->heartbeat_at = sqlite3_column_int64 (stmt, 9);
  device->area = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  device->area_moves = sqlite3_column_int64 (stmt, 11);
  return device;
}

GPtrArray *
vtr_hub_db_list_devices (VtrHubDb *db,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT " DEVICE_COLUMNS " FROM device ORDER BY id", error);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_hub_device_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (devices, device_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sql_failed (db, error);
      return NULL;
    }
  return g_steal_pointer (&devices);
}

gboolean
vtr_hub_db_revoke_device (VtrHubDb *db,
                          gint64    id,
                          gint64    now,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             "UPDATE device SET revoked = coalesce (revoked, ?2), pairing_hash = NULL "
             "WHERE id = ?1",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (db, error);
  if (sqlite3_changes (db->db) == 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                   (long long) id);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_hub_db_set_area:
 * @area: (nullable): vtr_area_parse()'s text; %NULL or "all" for everything
 *
 * Moves a device to another area: at its next sync it downloads its new
 * area's catalogue again, in place of its copy (docs/hub-api.md, "Areas").
 */
gboolean
vtr_hub_db_set_area (VtrHubDb   *db,
                     gint64      id,
                     const char *area,
                     GError    **error)
{
  g_autoptr(VtrArea) parsed = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!vtr_area_parse (area, &parsed, error))
    return FALSE;
  if (parsed)
    canonical = vtr_area_to_string (parsed);
  stmt = prepare (db,
                  "UPDATE device SET area = ?2, area_moves = area_moves + 1 "
                  "WHERE id = ?1 AND area IS NOT ?2",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, canonical, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (db, error);
  if (sqlite3_changes (db->db) == 0)
    {
      g_autoptr(sqlite3_stmt) find = prepare (db, "SELECT 1 FROM device WHERE id = ?", error);

      if (find == NULL)
        return FALSE;
      sqlite3_bind_int64 (find, 1, id);
      if (sqlite3_step (find) != SQLITE_ROW)
        {
          g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                       (long long) id);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vtr_hub_device_area_tag:
 *
 * Returns: the tag of the device's area as its feed's pages carry it,
 *   "MOVES:AREA" ("0:all" for a device that holds everything).
 */
char *
vtr_hub_device_area_tag (const VtrHubDevice *device)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", device->area_moves, device->area ? device->area : "all");
}

/**
 * vtr_hub_db_pair:
 * @token: (out): the device's new bearer token, shown this once
 *
 * Trades a pairing code for a token. The code works once, before it
 * expires, and only for a device that was not revoked.
 */
VtrHubDevice *
vtr_hub_db_pair (VtrHubDb   *db,
                 const char *pairing_code,
                 gint64      now,
                 char      **token,
                 GError    **error)
{
  g_autofree char *hash = vtr_hub_secret_hash (pairing_code);
  g_autofree char *new_token = vtr_hub_random_code (52);
  g_autofree char *token_hash = vtr_hub_secret_hash (new_token);
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(VtrHubDevice) device = NULL;
  int rc;

  if (!exec (db, "BEGIN IMMEDIATE", error))
    return NULL;
  find = prepare (db, "SELECT " DEVICE_COLUMNS " FROM device WHERE pairing_hash = ?", error);
  if (find == NULL)
    goto failed;
  sqlite3_bind_text (find, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_ROW)
    device = device_from_row (find);
  else if (rc != SQLITE_DONE)
    {
      sql_failed (db, error);
      goto failed;
    }
  if (device == NULL || device->revoked)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_PAIRING,
                           _("This pairing code is unknown or was already used. Ask the "
                             "federation for a new one."));
      goto failed;
    }
  if (now > device->pairing_expires)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_PAIRING,
                           _("This pairing code has expired. Ask the federation for a new one."));
      goto failed;
    }
  update = prepare (db,
                    "UPDATE device SET pairing_hash = NULL, token_hash = ?, paired = ?, "
                    "  last_seen = ? WHERE id = ?",
                    error);
  if (update == NULL)
    goto failed;
  sqlite3_bind_text (update, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 2, now);
  sqlite3_bind_int64 (update, 3, now);
  sqlite3_bind_int64 (update, 4, device->id);
  if (sqlite3_step (update) != SQLITE_DONE || !exec (db, "COMMIT", NULL))
    {
      sql_failed (db, error);
      goto failed;
    }
  device->paired = now;
  *token = g_steal_pointer (&new_token);
  return g_steal_pointer (&device);

failed:
  exec (db, "ROLLBACK", NULL);
  return NULL;
}

VtrHubDevice *
vtr_hub_db_authenticate (VtrHubDb   *db,
                         const char *token,
                         gint64      now,
                         GError    **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(VtrHubStmt) stmt = NULL;
  VtrHubDevice *device = NULL;
  int rc;

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_UNAUTHORIZED,
                           _("This device is not paired with the hub"));
      return NULL;
    }
  hash = vtr_hub_secret_hash (token);
  stmt = prepare_cached (db, "SELECT " DEVICE_COLUMNS " FROM device WHERE token_hash = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    device = device_from_row (stmt);
  else if (rc != SQLITE_DONE)
    {
      sql_failed (db, error);
      return NULL;
    }
  if (device == NULL || device->revoked)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_UNAUTHORIZED,
                           device ? _("This device was revoked by the federation: pair it again")
                                  : _("This device is not known to the hub: pair it again"));
      vtr_hub_device_free (device);
      return NULL;
    }
  /* At most once a minute, so polling does not turn into writes. */
  if (now - device->last_seen >= 60 && !db->defer_seen)
    {
      g_autoptr(VtrHubStmt) seen = prepare_cached (db, "UPDATE device SET last_seen = ? WHERE id = ?", NULL);

      if (seen)
        {
          sqlite3_bind_int64 (seen, 1, now);
          sqlite3_bind_int64 (seen, 2, device->id);
          sqlite3_step (seen);
        }
    }
  return device;
}

/* Events. */

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* A member that must be a whole number between @min and @max. */
static gboolean
member_int_in (JsonObject *object,
               const char *name,
               gint64      min,
               gint64      max,
               gint64     *out)
{
  return member_int (object, name, out) && *out >= min && *out <= max;
}

static gboolean
is_card_id (const char *text)
{
  return text && strlen (text) == 26 && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 26;
}

static gboolean
is_order_number (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  return len >= 4 && len <= 16 && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == len;
}

typedef struct
{
  const char   *uuid;
  const char   *kind;
  JsonObject   *payload;
  char         *payload_text;
  gint64        created;
  const char   *card_id;
  const char   *card_code;
  gboolean      card_signed; /* card_code is a code the federation signed for card_id */
  gint64        merchant_id;
  gint64        points;
  const char   *order;
  const char   *number;
  VtrOrderState state;
  gint64        at;
  gboolean      forget;      /* the customer asked the shop to erase their details */
  const char   *new_card; /* (cards) a transfer's new card, its code checked */
  const char   *new_code;
  gboolean      poster;     /* (poster) a scan of a shop's poster at a kiosk */
  gint64        poster_product;
  gint64        poster_day;
} Event;

static void
event_clear (Event *e)
{
  g_clear_pointer (&e->payload_text, g_free);
}

/* The lines of a placed order, if it lists them. */
static const char *
check_order_lines (JsonObject *payload)
{
  JsonNode *node = json_object_get_member (payload, "lines");
  JsonArray *lines;
  gint64 value;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (lines = json_node_get_array (node)) > VTR_ORDER_MAX_LINES)
    return N_("an order has at most 50 lines");
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonNode *line = json_array_get_element (lines, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (line) ? json_node_get_object (line) : NULL;

      if (object == NULL || !member_int_in (object, "product", 1, VTR_SHOP_MAX_PRODUCT_ID, &value) ||
          !member_int_in (object, "quantity", 1, VTR_ORDER_MAX_QUANTITY, &value) ||
          !member_int_in (object, "price_cents", 0, VTR_HUB_MAX_CENTS, &value))
        return N_("an order line has no product, a quantity out of 1–99 or a wrong price");
    }
  return NULL;
}

/* What a step may carry besides its state: a cancel's or refusal's
 * reason, a locker's compartment and opening code when the order is
 * ready in a locker. All bounded; nothing else is sent back to shops. */
static const char *
check_order_step (JsonObject    *payload,
                  VtrOrderState  state)
{
  const char *reason = vtr_json_get_string (payload, "reason");
  const char *compartment = vtr_json_get_string (payload, "locker_compartment");
  const char *code = vtr_json_get_string (payload, "locker_code");

  if (json_object_has_member (payload, "reason") &&
      (reason == NULL || (state != VTR_ORDER_CANCELLED && state != VTR_ORDER_REFUSED) ||
       !g_utf8_validate (reason, -1, NULL) || g_utf8_strlen (reason, -1) > VTR_ORDER_MAX_REASON))
    return N_("a reason goes with a cancelled or refused order, 200 characters at most");
  if ((json_object_has_member (payload, "locker_compartment") ||
       json_object_has_member (payload, "locker_code")) &&
      (state != VTR_ORDER_READY || !vtr_order_locker_field_is_valid (compartment) ||
       !vtr_order_locker_field_is_valid (code)))
    return N_("a locker’s compartment and code go with a ready order, 1–16 letters or digits each");
  return NULL;
}

/*
 * Cards already checked. A loyalty event carries its card's signed code,
 * and checking an Ed25519 signature was a third of the hub's processor
 * time under the kiosks' steady load (bench-sync). A card is printed once
 * and credited for years, so the codes found signed are remembered, each
 * with the key that signed it: the same code again costs a look-up, and a
 * key no longer in the federation's list (a key withdrawn after a leak)
 * vouches for nothing, remembered or not. Only the exact text is
 * remembered, so a code changed by one character is checked again. At most
 * CARD_CACHE_MAX codes (about 10 MB), forgotten all at once when full.
 *
 * Any key the federation ever made, retired or not, vouches for a card
 * (docs/codes.md).
 */
#define CARD_CACHE_MAX 65536

typedef struct
{
  int    kid;
  guint8 public_key[VTR_PUBLIC_KEY_BYTES];
  char  *card_id;
} SignedCard;

static void
signed_card_free (gpointer data)
{
  SignedCard *card = data;

  g_free (card->card_id);
  g_free (card);
}

static GMutex card_cache_lock;
static GHashTable *card_cache; /* code text → SignedCard */

static gboolean
card_code_signed (const char       *code,
                  const char       *card_id,
                  const VtrKeyList *keys,
                  gint64            now)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  const guint8 *public_key;
  VtrKeyStatus status;
  SignedCard *card, known = { 0 };
  gboolean same_card = FALSE;

  g_mutex_lock (&card_cache_lock);
  if (card_cache && (card = g_hash_table_lookup (card_cache, code)))
    {
      known.kid = card->kid;
      memcpy (known.public_key, card->public_key, sizeof known.public_key);
      same_card = g_strcmp0 (card->card_id, card_id) == 0;
    }
  g_mutex_unlock (&card_cache_lock);
  /* Signed by a key still in this federation's list, the very same key. */
  if (known.kid && keys && vtr_key_list_lookup (keys, known.kid, &public_key, &status) &&
      memcmp (public_key, known.public_key, VTR_PUBLIC_KEY_BYTES) == 0)
    return same_card;

  when = g_date_time_new_from_unix_utc (now);
  info = vtr_code_classify (code, -1, keys, when);
  if (info->kind != VTR_CODE_CARD || info->verdict != VTR_VERDICT_TRUSTED ||
      g_strcmp0 (info->code.card_id, card_id) != 0)
    return FALSE;
  if (info->code.expires == 0 && info->code.kid > 0 &&
      vtr_key_list_lookup (keys, info->code.kid, &public_key, &status))
    {
      card = g_new0 (SignedCard, 1);
      card->kid = info->code.kid;
      memcpy (card->public_key, public_key, VTR_PUBLIC_KEY_BYTES);
      card->card_id = g_strdup (card_id);
      g_mutex_lock (&card_cache_lock);
      if (card_cache == NULL || g_hash_table_size (card_cache) >= CARD_CACHE_MAX)
        {
          g_clear_pointer (&card_cache, g_hash_table_unref);
          card_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, signed_card_free);
        }
      g_hash_table_replace (card_cache, g_strdup (code), card);
      g_mutex_unlock (&card_cache_lock);
    }
  return TRUE;
}

/* (cards) A lost card blocked at a shop's counter and its balance moved
 * to the customer's new card (docs/hub-api.md, "Lost cards"). */
static const char *
check_transfer (Event              *e,
                const VtrHubDevice *device,
                const VtrKeyList   *keys,
                gint64              now)
{
  gint64 points;

  e->card_id = vtr_json_get_string (e->payload, "card");
  e->new_card = vtr_json_get_string (e->payload, "new_card");
  e->new_code = vtr_json_get_string (e->payload, "new_code");
  if (!is_card_id (e->card_id) || !is_card_id (e->new_card))
    return N_("the transfer has no valid lost card or new card");
  if (g_str_equal (e->card_id, e->new_card))
    return N_("the new card is the lost card itself");
  if (!member_int_in (e->payload, "merchant", 1, VTR_HUB_MAX_ID, &e->merchant_id))
    return N_("the loyalty event has no shop");
  if (device->merchant_id == 0)
    return N_("only a shop’s device blocks a lost card");
  if (device->merchant_id != e->merchant_id)
    return N_("this device belongs to another shop");
  if (!member_int_in (e->payload, "points", 0, VTR_HUB_MAX_MOVED, &points))
    return N_("the transfer’s points are not between 0 and 10,000,000");
  /* The hub moves the balance it knows, not the device's word. */
  e->points = 0;
  if (e->new_code == NULL || !card_code_signed (e->new_code, e->new_card, keys, now))
    return N_("the new card’s code was not signed by the federation");
  e->card_code = vtr_json_get_string (e->payload, "code");
  if (e->card_code)
    {
      if (!card_code_signed (e->card_code, e->card_id, keys, now))
        return N_("the card’s code was not signed by the federation");
      e->card_signed = TRUE;
    }
  return NULL;
}

/* Checks an event on its own (what it says of the world is checked when
 * it is stored); on failure the reason, in words, for the kiosk's log. */
static const char *
check_event (JsonNode           *node,
             const VtrHubDevice *device,
             const VtrKeyList   *keys,
             gint64              now,
             Event              *e)
{
  JsonObject *object;
  JsonNode *payload;

  memset (e, 0, sizeof *e);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return N_("an event is a JSON object");
  object = json_node_get_object (node);
  e->uuid = vtr_json_get_string (object, "uuid");
  if (e->uuid == NULL || !g_uuid_string_is_valid (e->uuid))
    return N_("the event has no valid uuid");
  e->kind = vtr_json_get_string (object, "kind");
  if (e->kind == NULL)
    return N_("the event has no kind");
  if (!member_int (object, "created", &e->created))
    return N_("the event has no creation time");
  if (e->created < VTR_HUB_MIN_TIME || e->created > VTR_HUB_MAX_TIME)
    return N_("the event’s time is not a date between 2000 and 2100");
  payload = json_object_get_member (object, "payload");
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return N_("the event has no payload object");
  e->payload = json_node_get_object (payload);
  /* Everything an event says is stored and sent back to shops: bounded. */
  e->payload_text = json_to_string (payload, FALSE);
  if (strlen (e->payload_text) > VTR_HUB_MAX_PAYLOAD_BYTES)
    return N_("the event is larger than 8 KB");

  if (g_str_equal (e->kind, "credit") || g_str_equal (e->kind, "redeem") ||
      g_str_equal (e->kind, "enrol"))
    {
      e->card_id = vtr_json_get_string (e->payload, "card");
      if (!is_card_id (e->card_id))
        return N_("the loyalty event has no valid card");
      if (!member_int_in (e->payload, "merchant", 1, VTR_HUB_MAX_ID, &e->merchant_id))
        return N_("the loyalty event has no shop");
      if (!member_int (e->payload, "points", &e->points))
        return N_("the loyalty event has no points");
      if (e->points < -VTR_HUB_MAX_POINTS || e->points > VTR_HUB_MAX_POINTS)
        return N_("the loyalty event has more points than any purchase or reward gives");
      if ((g_str_equal (e->kind, "credit") && e->points < 0) ||
          (g_str_equal (e->kind, "redeem") && e->points > 0) ||
          (g_str_equal (e->kind, "enrol") && e->points != 0))
        return N_("the points do not match the kind of loyalty event");
      if (device->merchant_id && device->merchant_id != e->merchant_id)
        return N_("this device belongs to another shop");
      /* The card as the federation signed it: any key it ever made,
       * retired or not, vouches for a card (docs/codes.md). */
      e->card_code = vtr_json_get_string (e->payload, "code");
      if (e->card_code)
        {
          if (!card_code_signed (e->card_code, e->card_id, keys, now))
            return N_("the card’s code was not signed by the federation");
          e->card_signed = TRUE;
        }
      return NULL;
    }
  if (g_str_equal (e->kind, "transfer"))
    return check_transfer (e, device, keys, now);
  if (g_str_equal (e->kind, "order"))
    {
      const char *state = vtr_json_get_string (e->payload, "state");
      const char *first_name;
      const char *reason;

      e->order = vtr_json_get_string (e->payload, "order");
      e->number = vtr_json_get_string (e->payload, "number");
      if (e->order == NULL || !g_uuid_string_is_valid (e->order) || !is_order_number (e->number) ||
          state == NULL)
        return N_("the order event has no order, number or state");
      if (!vtr_order_state_from_string (state, &e->state))
        return N_("the order’s state is none of placed, accepted, ready, collected, cancelled, refused");
      if (!member_int (e->payload, "at", &e->at))
        return N_("the order event has no time");
      if (e->at < VTR_HUB_MIN_TIME || e->at > VTR_HUB_MAX_TIME)
        return N_("the event’s time is not a date between 2000 and 2100");
      if ((reason = check_order_step (e->payload, e->state)))
        return reason;
      if (e->state != VTR_ORDER_PLACED)
        return NULL; /* its shop is the order's: checked when stored */
      if (!member_int_in (e->payload, "merchant", 1, VTR_HUB_MAX_ID, &e->merchant_id))
        return N_("the order has no shop");
      if (device->merchant_id && device->merchant_id != e->merchant_id)
        return N_("this device belongs to another shop");
      first_name = vtr_json_get_string (e->payload, "first_name");
      if (first_name && (!g_utf8_validate (first_name, -1, NULL) ||
                         g_utf8_strlen (first_name, -1) > VTR_ORDER_MAX_FIRST_NAME))
        return N_("the customer’s first name is longer than 40 letters");
      if ((reason = check_order_lines (e->payload)))
        return reason;
      return NULL;
    }
  if (g_str_equal (e->kind, "forget"))
    {
      /* The customer asked at the counter to be forgotten (vtr-hub-sms.c). */
      e->order = vtr_json_get_string (e->payload, "order");
      if (e->order == NULL || !g_uuid_string_is_valid (e->order))
        return N_("the forget event has no order");
      e->forget = TRUE;
      return NULL;
    }
  if (g_str_equal (e->kind, "poster-scan"))
    {
      /* (poster) A kiosk scanned a shop's poster: counted, nothing else. */
      const char *code = vtr_json_get_string (e->payload, "code");

      if (!member_int_in (e->payload, "merchant", 1, VTR_HUB_MAX_ID, &e->merchant_id))
        return N_("the poster scan has no shop");
      if (!member_int_in (e->payload, "product", 0, VTR_SHOP_MAX_PRODUCT_ID, &e->poster_product) ||
          g_strcmp0 (code, e->poster_product > 0 ? "product" : "merchant") != 0)
        return N_("the poster scan is neither a product’s ad nor a shop’s code");
      if (!member_int_in (e->payload, "day", 20000101, 21000101, &e->poster_day) ||
          e->poster_day / 100 % 100 < 1 || e->poster_day / 100 % 100 > 12 || e->poster_day % 100 < 1 ||
          e->poster_day % 100 > 31)
        return N_("the poster scan has no day");
      e->poster = TRUE;
      return NULL;
    }
  return N_("this kind of event is unknown to the hub");
}

/* Whether the hub already has the event @uuid. */
static int
event_known (VtrHubDb   *db,
             const char *uuid)
{
  g_autoptr(VtrHubStmt) stmt = prepare_cached (db, "SELECT 1 FROM event WHERE uuid = ?", NULL);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char *
database_failed (gboolean *failed)
{
  *failed = TRUE;
  return NULL;
}

/* What the event says of the world, against what the hub knows: a
 * loyalty event's card must be one the federation signed, and an order
 * moves only along its legal steps, in the order the hub receives them,
 * by its own shop. Returns the reason for a refusal, NULL when it may be
 * stored (or with @failed set, when the database failed). */
static const char *
check_against_hub (VtrHubDb           *db,
                   const VtrHubDevice *device,
                   Event              *e,
                   gboolean           *failed)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *failed = FALSE;
  if (e->poster)
    return NULL;
  if (e->new_card)
    {
      /* (cards) once per lost card, whoever asks second: two shops
       * blocking it at once move its balance once. */
      stmt = prepare (db, "SELECT (SELECT count (*) FROM card_block WHERE old_card = ?1), "
                          "  (SELECT count (*) FROM card_block WHERE old_card = ?2), "
                          "  (SELECT count (*) FROM card WHERE card_id = ?1)",
                      NULL);
      if (stmt == NULL)
        return database_failed (failed);
      sqlite3_bind_text (stmt, 1, e->card_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, e->new_card, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        return database_failed (failed);
      if (sqlite3_column_int (stmt, 0))
        return N_("this card was already declared lost, and its points moved to a new card");
      if (sqlite3_column_int (stmt, 1))
        return N_("the new card was itself declared lost");
      if (!e->card_signed && !sqlite3_column_int (stmt, 2))
        return N_("this card is unknown to the federation: its signed code must be scanned once");
      return NULL;
    }
  if (e->card_id)
    {
      g_autoptr(VtrHubStmt) known = NULL;

      if (e->card_signed)
        return NULL;
      known = prepare_cached (db, "SELECT 1 FROM card WHERE card_id = ?", NULL);
      if (known == NULL)
        return database_failed (failed);
      sqlite3_bind_text (known, 1, e->card_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (known);
      if (rc == SQLITE_ROW)
        return NULL;
      if (rc != SQLITE_DONE)
        return database_failed (failed);
      return N_("this card is unknown to the federation: its signed code must be scanned once");
    }

  stmt = prepare (db, "SELECT coalesce (merchant_id, 0), state, coalesce (device_id, 0) FROM hub_order "
                      "WHERE uuid = ?",
                  NULL);
  if (stmt == NULL)
    return database_failed (failed);
  sqlite3_bind_text (stmt, 1, e->order, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return e->state == VTR_ORDER_PLACED && !e->forget ? NULL : N_("the hub does not know this order");
  if (rc != SQLITE_ROW)
    return database_failed (failed);
  {
    gint64 merchant_id = sqlite3_column_int64 (stmt, 0);
    gint64 placed_by = sqlite3_column_int64 (stmt, 2);
    VtrOrderState state = VTR_ORDER_PLACED;

    vtr_order_state_from_string ((const char *) sqlite3_column_text (stmt, 1), &state);
    if (e->forget)
      return (merchant_id == 0 || device->merchant_id != merchant_id) && (placed_by == 0 || device->id != placed_by)
               ? N_("this order belongs to another shop")
               : NULL;
    if (e->state == VTR_ORDER_PLACED)
      return N_("this order was already placed");
    /* The order's own shop, or the kiosk that took it (its staff session
     * was checked there). An order an older hub kept without its shop (0)
     * is no street kiosk's, which has no shop either. */
    if ((merchant_id == 0 || device->merchant_id != merchant_id) &&
        (placed_by == 0 || device->id != placed_by))
      return N_("this order belongs to another shop");
    if (!vtr_order_state_can_become (state, e->state))
      return N_("the order cannot take this step from the state it is in on the hub");
    e->merchant_id = merchant_id;
  }
  return NULL;
}

/* (cards) What a loyalty event does besides being stored: an event for
 * a card already blocked is flagged (counted on the new card, never
 * lost), and a transfer blocks its card and confirms the new one. */
static gboolean
store_card_event (VtrHubDb           *db,
                  const VtrHubDevice *device,
                  const Event        *e,
                  gint64              now,
                  GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 moved = 0, n_events = 0;

  if (!e->new_card)
    {
      g_autoptr(VtrHubStmt) flag =
        prepare_cached (db, "UPDATE event SET flag = 'after-block' WHERE uuid = ?1 "
                            "AND EXISTS (SELECT 1 FROM card_block WHERE old_card = ?2)",
                        error);

      if (flag == NULL)
        return FALSE;
      sqlite3_bind_text (flag, 1, e->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (flag, 2, e->card_id, -1, SQLITE_STATIC);
      return sqlite3_step (flag) == SQLITE_DONE || sql_failed (db, error);
    }

  /* The balance the hub moves: what it knows of the lost card now. */
  if (!vtr_hub_db_card_balance (db, e->card_id, &moved, &n_events, NULL, error))
    return FALSE;
  stmt = prepare (db, "INSERT INTO card (card_id, code, confirmed) VALUES (?, ?, ?) "
                      "ON CONFLICT (card_id) DO UPDATE SET code = coalesce (code, excluded.code)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, e->new_card, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, e->new_code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (db, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (db, "INSERT INTO card_block (old_card, new_card, merchant_id, device_id, uuid, "
                      "  points_said, points_moved, blocked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, e->card_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, e->new_card, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, e->merchant_id);
  sqlite3_bind_int64 (stmt, 4, device->id);
  sqlite3_bind_text (stmt, 5, e->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, json_object_get_int_member_with_default (e->payload, "points", 0));
  sqlite3_bind_int64 (stmt, 7, moved);
  sqlite3_bind_int64 (stmt, 8, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (db, error);
  return TRUE;
}

static gboolean
store_event (VtrHubDb           *db,
             sqlite3_stmt       *insert,
             const VtrHubDevice *device,
             const Event        *e,
             gint64              now,
             GError            **error)
{
  sqlite3_reset (insert);
  sqlite3_bind_text (insert, 1, e->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 2, device->id);
  sqlite3_bind_text (insert, 3, e->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, e->payload_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 5, e->created);
  sqlite3_bind_int64 (insert, 6, now);
  if (e->card_id)
    {
      sqlite3_bind_text (insert, 7, e->card_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 8, e->merchant_id);
      sqlite3_bind_int64 (insert, 9, e->points);
    }
  else
    {
      sqlite3_bind_null (insert, 7);
      sqlite3_bind_null (insert, 8);
      sqlite3_bind_null (insert, 9);
    }
  if (sqlite3_step (insert) != SQLITE_DONE)
    return sql_failed (db, error);

  if (e->card_id && !store_card_event (db, device, e, now, error))
    return FALSE;

  if (e->card_signed)
    {
      g_autoptr(VtrHubStmt) card =
        prepare_cached (db, "INSERT INTO card (card_id, code, confirmed) VALUES (?, ?, ?) "
                            "ON CONFLICT (card_id) DO NOTHING",
                        error);

      if (card == NULL)
        return FALSE;
      sqlite3_bind_text (card, 1, e->card_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (card, 2, e->card_code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (card, 3, now);
      if (sqlite3_step (card) != SQLITE_DONE)
        return sql_failed (db, error);
    }

  if (e->poster)
    return vtr_hub_db_add_poster_scans (db, e->merchant_id, e->poster_day, "kiosk", e->poster_product, 1, error);
  if (e->forget)
    return vtr_hub_sms_forget_order (db, e->order, error);
  if (e->order)
    {
      /* The hub's order of arrival decides, not the devices' clocks: each
       * change takes the next number of the shop's feed of orders. */
      g_autoptr(sqlite3_stmt) fold = NULL;

      if (e->state == VTR_ORDER_PLACED)
        fold = prepare (db,
                        "INSERT INTO hub_order (uuid, merchant_id, number, state, at, placed, device_id, "
                        "  seq, received) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                        "  (SELECT coalesce (max (seq), 0) + 1 FROM hub_order), ?8)",
                        error);
      else
        fold = prepare (db,
                        "UPDATE hub_order SET state = ?4, at = ?5, received = ?8, step = ?6, "
                        "  seq = (SELECT coalesce (max (seq), 0) + 1 FROM hub_order) "
                        "WHERE uuid = ?1",
                        error);
      if (fold == NULL)
        return FALSE;
      sqlite3_bind_text (fold, 1, e->order, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (fold, 2, e->merchant_id);
      sqlite3_bind_text (fold, 3, e->number, -1, SQLITE_STATIC);
      sqlite3_bind_text (fold, 4, vtr_order_state_to_string (e->state), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (fold, 5, e->at);
      sqlite3_bind_text (fold, 6, e->payload_text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (fold, 7, device->id);
      sqlite3_bind_int64 (fold, 8, now);
      if (sqlite3_step (fold) != SQLITE_DONE)
        return sql_failed (db, error);
      /* The customer is told, once per state (vtr-hub-sms.c); a
       * reservation from a phone's page gets its number by text message
       * too, where a kiosk prints it on a ticket. */
      if (!vtr_hub_sms_enqueue (db, e->order,
                                e->state == VTR_ORDER_PLACED && device->id == VTR_HUB_DEVICE_WEB
                                  ? "reserved" : vtr_order_state_to_string (e->state),
                                e->payload_text, now, error))
        return FALSE;
    }
  return TRUE;
}

/* A batch of uploaded events, checked on its own on a request's worker
 * and stored by the hub's writer (docs/hub-api.md, "Writes"). It holds
 * the array its events point into. */
struct _VtrHubBatch
{
  VtrHubDevice     device;
  JsonArray       *events;
  guint            n;
  Event           *checked;
  const char     **reasons;
  VtrEventVerdict *verdicts;
  guint            n_accepted;
  gint64           now;
};

/**
 * vtr_hub_batch_new:
 * @keys: the federation's keys, to check the cards' signed codes
 * @events: the uploaded events, {"uuid", "kind", "created", "payload"}
 *
 * Checks each event on its own, with no database: the signatures of the
 * cards' codes are verified here, on the request's thread, so the writer
 * that stores the batches of every kiosk spends its time on storing.
 */
VtrHubBatch *
vtr_hub_batch_new (const VtrHubDevice *device,
                   const VtrKeyList   *keys,
                   JsonArray          *events,
                   gint64              now)
{
  VtrHubBatch *batch = g_new0 (VtrHubBatch, 1);

  batch->device.id = device->id;
  batch->device.merchant_id = device->merchant_id;
  batch->device.name = g_strdup (device->name);
  batch->events = json_array_ref (events);
  batch->n = json_array_get_length (events);
  batch->checked = g_new0 (Event, batch->n);
  batch->reasons = g_new0 (const char *, batch->n);
  batch->verdicts = g_new0 (VtrEventVerdict, batch->n);
  batch->now = now;
  for (guint i = 0; i < batch->n; i++)
    batch->reasons[i] = check_event (json_array_get_element (events, i), &batch->device, keys, now,
                                     &batch->checked[i]);
  return batch;
}

void
vtr_hub_batch_free (VtrHubBatch *batch)
{
  if (batch == NULL)
    return;
  for (guint i = 0; i < batch->n; i++)
    event_clear (&batch->checked[i]);
  g_free (batch->checked);
  g_free (batch->reasons);
  g_free (batch->verdicts);
  g_free (batch->device.name);
  json_array_unref (batch->events);
  g_free (batch);
}

guint
vtr_hub_batch_get_n_accepted (VtrHubBatch *batch)
{
  return batch->n_accepted;
}

guint
vtr_hub_batch_get_length (VtrHubBatch *batch)
{
  return batch->n;
}

gint64
vtr_hub_batch_get_device_id (VtrHubBatch *batch)
{
  return batch->device.id;
}

/* The shop of the device that sent the batch, 0 for a street kiosk. */
gint64
vtr_hub_batch_get_merchant_id (VtrHubBatch *batch)
{
  return batch->device.merchant_id;
}

/**
 * vtr_hub_batch_get_event:
 * @event: (out): the event @i as vtr_hub_batch_new() checked it, valid
 *   while @batch is
 *
 * Returns: (nullable): why the event was refused on its own (untranslated:
 *   N_()), or NULL when it may be stored
 */
const char *
vtr_hub_batch_get_event (VtrHubBatch      *batch,
                         guint             i,
                         VtrHubBatchEvent *event)
{
  const Event *e = &batch->checked[i];

  g_return_val_if_fail (i < batch->n, NULL);
  event->uuid = e->uuid;
  event->kind = e->kind;
  event->payload = e->payload_text;
  event->created = e->created;
  event->card_id = e->card_id;
  event->card_code = e->card_code;
  event->card_signed = e->card_signed;
  event->merchant_id = e->merchant_id;
  event->points = e->points;
  event->order = e->forget ? NULL : e->order;
  event->order_number = e->number;
  event->order_state = event->order ? vtr_order_state_to_string (e->state) : NULL;
  event->order_at = e->at;
  event->forget_order = e->forget ? e->order : NULL;
  event->new_card = e->new_card;
  event->new_code = e->new_code;
  event->points_said = e->new_card ? json_object_get_int_member_with_default (e->payload, "points", 0) : 0;
  event->poster = e->poster;
  event->poster_product = e->poster_product;
  event->poster_day = e->poster_day;
  return batch->reasons[i];
}

/* @reason: (nullable): untranslated (N_()), translated in the answer */
void
vtr_hub_batch_set_verdict (VtrHubBatch     *batch,
                           guint            i,
                           VtrEventVerdict  verdict,
                           const char      *reason)
{
  g_return_if_fail (i < batch->n);
  batch->verdicts[i] = verdict;
  batch->reasons[i] = reason;
}

void
vtr_hub_batch_set_n_accepted (VtrHubBatch *batch,
                              guint        n_accepted)
{
  batch->n_accepted = n_accepted;
}

/**
 * vtr_hub_db_begin_group:
 *
 * Starts the transaction that the batches of many requests share (group
 * commit): one fsync makes them all durable. Each batch goes in with
 * vtr_hub_db_ingest_batch(), and the group ends with
 * vtr_hub_db_commit_group().
 */
gboolean
vtr_hub_db_begin_group (VtrHubDb *db,
                        GError  **error)
{
  /* A group of a few hundred uploads changes thousands of pages (each
   * event's uuid lands on a page of its own in the index), and each
   * batch's savepoint keeps the pages it changes in a journal of its own
   * (a temporary file by default): 16,000 writes in 4 s where a commit
   * needs a few hundred (bench-sync at 5,000 kiosks). The writer's
   * connection keeps up to 64 MB of pages and its savepoints' journals in
   * memory, so a group is written once, at its commit. */
  if (!db->grouping)
    {
      exec (db, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", NULL);
      db->grouping = TRUE;
    }
  return exec_cached (db, "BEGIN IMMEDIATE", error);
}

gboolean
vtr_hub_db_commit_group (VtrHubDb *db,
                         GError  **error)
{
  if (!exec_cached (db, "COMMIT", error))
    {
      exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

void
vtr_hub_db_rollback_group (VtrHubDb *db)
{
  exec (db, "ROLLBACK", NULL);
}

/**
 * vtr_hub_db_ingest_batch:
 *
 * Stores @batch inside the group's transaction, in the order it came. An
 * event already stored (by any batch, this group's included) is a
 * duplicate and changes nothing; an event that makes no sense, or that
 * the hub's state refuses (an order's illegal step, another shop's order,
 * an unsigned card), is rejected with a reason and the others still go
 * in. When the database fails, the batch leaves no trace and the group
 * goes on with the others.
 */
gboolean
vtr_hub_db_ingest_batch (VtrHubDb    *db,
                         VtrHubBatch *batch,
                         GError     **error)
{
  g_autoptr(VtrHubStmt) insert = NULL;

  batch->n_accepted = 0;
  insert = prepare_cached (db,
                           "INSERT INTO event (uuid, device_id, kind, payload, created, "
                           "  received, card_id, merchant_id, points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (insert == NULL || !exec_cached (db, "SAVEPOINT batch", error))
    return FALSE;

  for (guint i = 0; i < batch->n; i++)
    {
      JsonNode *node = json_array_get_element (batch->events, i);
      Event *e = &batch->checked[i];
      gboolean failed = FALSE;
      int known;
      const char *uuid = JSON_NODE_HOLDS_OBJECT (node)
                           ? vtr_json_get_string (json_node_get_object (node), "uuid")
                           : NULL;

      /* An event stored before is a duplicate, whatever today's rules
       * would say of it: the kiosk that lost our answer sends it again. */
      known = uuid && g_uuid_string_is_valid (uuid) ? event_known (db, uuid) : 0;
      if (known == 1)
        {
          batch->verdicts[i] = VTR_EVENT_DUPLICATE;
          batch->reasons[i] = NULL;
        }
      else if (known < 0)
        failed = TRUE;
      else if (batch->reasons[i] == NULL)
        {
          batch->reasons[i] = check_against_hub (db, &batch->device, e, &failed);
          if (!failed && batch->reasons[i] == NULL)
            {
              failed = !store_event (db, insert, &batch->device, e, batch->now, error);
              batch->verdicts[i] = VTR_EVENT_ACCEPTED;
              batch->n_accepted += !failed;
            }
        }
      if (batch->reasons[i])
        batch->verdicts[i] = VTR_EVENT_REJECTED;
      if (failed)
        {
          if (error && *error == NULL)
            sql_failed (db, error);
          exec (db, "ROLLBACK TO batch; RELEASE batch", NULL);
          batch->n_accepted = 0;
          return FALSE;
        }
    }
  return exec_cached (db, "RELEASE batch", error);
}

/**
 * vtr_hub_batch_write_results:
 * @results: a builder inside an array: one {"uuid", "status"[, "reason"]}
 *   object is added per event, in order
 *
 * The answers, once the group that holds @batch is on disk.
 */
void
vtr_hub_batch_write_results (VtrHubBatch *batch,
                             JsonBuilder *results)
{
  for (guint i = 0; i < batch->n; i++)
    {
      JsonNode *node = json_array_get_element (batch->events, i);
      const char *uuid = JSON_NODE_HOLDS_OBJECT (node)
                           ? vtr_json_get_string (json_node_get_object (node), "uuid")
                           : NULL;

      json_builder_begin_object (results);
      if (uuid && g_uuid_string_is_valid (uuid))
        vtr_json_add_string (results, "uuid", uuid);
      else
        vtr_json_add_int (results, "index", i);
      vtr_json_add_string (results, "status", vtr_event_verdict_to_string (batch->verdicts[i]));
      if (batch->reasons[i])
        vtr_json_add_string (results, "reason", _(batch->reasons[i]));
      json_builder_end_object (results);
    }
}

/* Counts the batch's verdicts into @counts (accepted, duplicate,
 * rejected), for the hub's metrics. */
void
vtr_hub_batch_count (VtrHubBatch *batch,
                     guint64      counts[3])
{
  for (guint i = 0; i < batch->n; i++)
    counts[batch->verdicts[i]]++;
}

/**
 * vtr_hub_db_ingest:
 * @keys: the federation's keys, to check the cards' signed codes
 * @events: the uploaded events, {"uuid", "kind", "created", "payload"}
 * @results: a builder inside an array: one {"uuid", "status"[, "reason"]}
 *   object is added per event, in order
 *
 * Stores one batch in a durable transaction of its own (for the phones'
 * pages and the admin commands; the server's uploads share the writer's,
 * see vtr_hub_db_begin_group()).
 */
gboolean
vtr_hub_db_ingest (VtrHubDb           *db,
                   const VtrHubDevice *device,
                   const VtrKeyList   *keys,
                   JsonArray          *events,
                   gint64              now,
                   JsonBuilder        *results,
                   guint              *n_accepted,
                   GError            **error)
{
  g_autoptr(VtrHubBatch) batch = vtr_hub_batch_new (device, keys, events, now);

  *n_accepted = 0;
  if (!vtr_hub_db_begin_group (db, error))
    return FALSE;
  if (!vtr_hub_db_ingest_batch (db, batch, error))
    {
      vtr_hub_db_rollback_group (db);
      return FALSE;
    }
  if (!vtr_hub_db_commit_group (db, error))
    return FALSE;
  *n_accepted = batch->n_accepted;
  vtr_hub_batch_write_results (batch, results);
  return TRUE;
}

/**
 * vtr_hub_db_card_balance:
 * @code: (out) (optional) (nullable): the card's signed code, when the hub
 *   has confirmed the card
 *
 * The sum of the card's events. Events stored by older hubs outside the
 * bounds of today's (a forged 2^62 points) count for nothing, so no sum
 * can overflow and no card can stop a kiosk's sync.
 */
gboolean
vtr_hub_db_card_balance (VtrHubDb   *db,
                         const char *card_id,
                         gint64     *balance,
                         gint64     *n_events,
                         char      **code,
                         GError    **error)
{
  /* (cards) A card blocked as lost has nothing: its events, even those
   * that arrive after its block, count on the card that replaced it, and
   * on the one that replaced that, and so on. */
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             "WITH RECURSIVE source (card_id) AS ("
             "    SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM card_block WHERE old_card = ?1) "
             "    UNION SELECT b.old_card FROM card_block b JOIN source s ON b.new_card = s.card_id) "
             "SELECT coalesce (sum (points), 0), count (*), "
             "  (SELECT code FROM card WHERE card_id = ?1) FROM event "
             "WHERE card_id IN source AND points BETWEEN -?2 AND ?2",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, VTR_HUB_MAX_POINTS);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sql_failed (db, error);
  *balance = sqlite3_column_int64 (stmt, 0);
  *n_events = sqlite3_column_int64 (stmt, 1);
  if (code)
    *code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  return TRUE;
}

/* The order as placed, when there is one (`placed`): orders stored by an
 * older hub may be of any size, and only what today's bound allows goes
 * back to a device. */
void
vtr_hub_order_write_placed (JsonBuilder *builder,
                            const char  *placed)
{
  g_autoptr(JsonNode) node = NULL;

  if (placed == NULL || strlen (placed) > VTR_HUB_MAX_PAYLOAD_BYTES)
    return;
  node = json_from_string (placed, NULL);
  if (node)
    {
      json_builder_set_member_name (builder, "placed");
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
}

/**
 * vtr_hub_db_write_orders:
 * @before: 0 for the newest page, else the `next` of the page before
 * @limit: orders on the page
 * @next: (out): where the next page starts, 0 when this one is the last
 *
 * The shop's orders, the last changed first, as a JSON array in @builder.
 */
gboolean
vtr_hub_db_write_orders (VtrHubDb    *db,
                         gint64       merchant_id,
                         gint64       before,
                         guint        limit,
                         JsonBuilder *builder,
                         gint64      *next,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             "SELECT uuid, number, state, at, placed, seq, received FROM hub_order "
             "WHERE merchant_id = ?1 AND (?2 = 0 OR seq < ?2) ORDER BY seq DESC LIMIT ?3",
             error);
  guint n = 0;
  gint64 last = 0;
  int rc;

  *next = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, before);
  sqlite3_bind_int64 (stmt, 3, (gint64) limit + 1);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *placed = (const char *) sqlite3_column_text (stmt, 4);

      if (n++ == limit)
        {
          *next = last;
          break;
        }
      last = sqlite3_column_int64 (stmt, 5);
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", (const char *) sqlite3_column_text (stmt, 0));
      vtr_json_add_string (builder, "number", (const char *) sqlite3_column_text (stmt, 1));
      vtr_json_add_string (builder, "state", (const char *) sqlite3_column_text (stmt, 2));
      vtr_json_add_int (builder, "updated", sqlite3_column_int64 (stmt, 6));
      vtr_json_add_int (builder, "at", sqlite3_column_int64 (stmt, 3));
      vtr_hub_order_write_placed (builder, placed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sql_failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_heartbeat_normalize:
 * @header: (nullable): a device's Vitrine-Device header
 *
 * Returns: (nullable): the heartbeat's known parts, "KEY=VALUE; …" in a
 *   fixed order, each value at most 32 letters, digits and ".-_"; %NULL
 *   when it has none. Nothing else a device says is kept.
 */
char *
vtr_hub_heartbeat_normalize (const char *header)
{
  static const char * const keys[] = { "version", "camera", "printer", "waiting", "last-sync" };
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (header == NULL || strlen (header) > 512)
    return NULL;
  parts = g_strsplit (header, ";", 16);
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    for (guint i = 0; parts[i]; i++)
      {
        g_autofree char *part = g_strstrip (g_strdup (parts[i]));
        char *equal = strchr (part, '=');
        gsize len;

        if (equal == NULL)
          continue;
        *equal = '\0';
        len = strlen (equal + 1);
        if (!g_str_equal (part, keys[k]) || len == 0 || len > 32 ||
            strspn (equal + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != len)
          continue;
        g_string_append_printf (text, "%s%s=%s", text->len ? "; " : "", keys[k], equal + 1);
        break;
      }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* The name of the history the hub follows (see migration 7). */
char *
vtr_hub_db_history (VtrHubDb *db,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT name FROM history WHERE id = 1", error);

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sql_failed (db, error), NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Files of the data folder a backup holds: the databases, copied with
 * SQLite's online backup API (consistent while the hub writes), and the
 * small files beside them, copied whole. */
static const char * const backup_databases[] = { "hub.db", "catalog.db", "journal.db" };
static const char * const backup_files[] = { "keys.json", "catalog.master", "sms.conf" };

/* @from's database into @to's, page by page, letting writers in between
 * steps: the copy is the database as it was at one commit. */
static gboolean
copy_database (const char *from,
               const char *to,
               GError    **error)
{
  sqlite3 *source = NULL, *target = NULL;
  sqlite3_backup *backup;
  gboolean done = FALSE;
  int rc;

  if (sqlite3_open_v2 (from, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_open_v2 (to, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    goto out;
  sqlite3_busy_handler (source, busy_wait, NULL);
  sqlite3_busy_handler (target, busy_wait, NULL);
  if (!(backup = sqlite3_backup_init (target, "main", source, "main")))
    goto out;
  do
    {
      rc = sqlite3_backup_step (backup, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        g_usleep (1000);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  done = sqlite3_backup_finish (backup) == SQLITE_OK && rc == SQLITE_DONE;

out:
  if (!done)
    g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("%s cannot be copied to %s: %s"), from, to,
                 target && sqlite3_errcode (target) != SQLITE_OK ? sqlite3_errmsg (target)
                 : source ? sqlite3_errmsg (source) : g_strerror (ENOMEM));
  sqlite3_close_v2 (source);
  sqlite3_close_v2 (target);
  return done;
}

static gboolean
copy_file (const char *from,
           const char *to,
           GError    **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (from, &contents, &len, error) ||
      !g_file_set_contents_full (to, contents, len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  return TRUE;
}

/**
 * vtr_hub_db_backup:
 * @dir: the hub's data folder, which may be serving
 * @target: a folder that does not exist yet, or an empty one
 *
 * Copies every database of the hub and the files beside them into
 * @target, and backup.json saying when.
 */
gboolean
vtr_hub_db_backup (const char *dir,
                   const char *target,
                   GError    **error)
{
  g_autoptr(GDir) existing = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_build_filename (target, "backup.json", NULL);
  g_autoptr(VtrHubDb) db = NULL;
  g_autofree char *history = NULL;

  /* Opened first: hub.db exists, migrated, with its history. */
  if (!(db = vtr_hub_db_open (dir, error)) || !(history = vtr_hub_db_history (db, error)))
    return FALSE;
  if (g_mkdir_with_parents (target, 0700) != 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"), target,
                   g_strerror (errno));
      return FALSE;
    }
  if ((existing = g_dir_open (target, 0, NULL)) && g_dir_read_name (existing))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("The folder %s is not empty: a backup goes into a new folder"), target);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (backup_databases); i++)
    {
      g_autofree char *from = g_build_filename (dir, backup_databases[i], NULL);
      g_autofree char *to = g_build_filename (target, backup_databases[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_database (from, to, error))
        return FALSE;
      /* The ledger and the customers' orders: for the hub's user only. */
      g_chmod (to, 0600);
    }
  for (guint i = 0; i < G_N_ELEMENTS (backup_files); i++)
    {
      g_autofree char *from = g_build_filename (dir, backup_files[i], NULL);
      g_autofree char *to = g_build_filename (target, backup_files[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_file (from, to, error))
        return FALSE;
    }
  /* Last: a folder with backup.json is a whole backup. */
  manifest = g_strdup_printf ("{\"made\": %" G_GINT64_FORMAT ", \"history\": \"%s\"}\n",
                              g_get_real_time () / G_USEC_PER_SEC, history);
  return g_file_set_contents_full (manifest_path, manifest, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

/**
 * vtr_hub_db_restore:
 * @dir: the hub's data folder; the hub must be stopped
 * @source: a folder made by vtr_hub_db_backup()
 *
 * Puts the backup's databases and files back, and starts a new history:
 * kiosks then send again every event the hub may have lost, and download
 * the catalogue again (docs/operations.md, "Restore").
 */
gboolean
vtr_hub_db_restore (const char *dir,
                    const char *source,
                    GError    **error)
{
  g_autofree char *manifest = g_build_filename (source, "backup.json", NULL);
  g_autoptr(VtrHubDb) db = NULL;

  if (!g_file_test (manifest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("%s is not a whole backup of a hub (it has no backup.json)"), source);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"), dir,
                   g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (backup_databases); i++)
    {
      g_autofree char *from = g_build_filename (source, backup_databases[i], NULL);
      g_autofree char *to = g_build_filename (dir, backup_databases[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_database (from, to, error))
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (backup_files); i++)
    {
      g_autofree char *from = g_build_filename (source, backup_files[i], NULL);
      g_autofree char *to = g_build_filename (dir, backup_files[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_file (from, to, error))
        return FALSE;
    }
  if (!(db = vtr_hub_db_open (dir, error)))
    return FALSE;
  return exec (db, "UPDATE history SET name = lower (hex (randomblob (16))), "
                   "  started = strftime ('%s', 'now') WHERE id = 1",
               error);
}

/* How many devices spoke to the hub since @since (Unix time). */
gint64
vtr_hub_db_count_seen_since (VtrHubDb *db,
                             gint64    since,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT count (*) FROM device WHERE last_seen >= ? "
                                              "AND revoked IS NULL",
                                          error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, since);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sql_failed (db, error), -1;
  return sqlite3_column_int64 (stmt, 0);
}

gint64
vtr_hub_db_count_events (VtrHubDb *db,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT count (*) FROM event", error);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt ? (sql_failed (db, error), -1) : -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* The members of a step's payload worth sending back: why it was
 * cancelled, where it waits in a locker. */
void
vtr_hub_order_write_step (JsonBuilder *builder,
                          const char  *step)
{
  static const char * const names[] = { "reason", "locker_compartment", "locker_code" };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  if (step == NULL || strlen (step) > VTR_HUB_MAX_PAYLOAD_BYTES ||
      !(node = json_from_string (step, NULL)) || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = vtr_json_get_string (object, names[i]);

      if (value)
        vtr_json_add_string (builder, names[i], value);
    }
}

/**
 * vtr_hub_db_write_order_changes:
 * @merchant_id: the shop whose orders, or 0 for those @device_id placed
 * @device_id: the kiosk that placed them, when @merchant_id is 0
 * @since: the cursor the device has, 0 for everything
 * @cursor: (out): the cursor after this page (@since if it is empty)
 * @more: (out): whether more changes follow
 *
 * The orders that changed after @since, in the hub's order of arrival,
 * each as it is now, as a JSON array in @builder: a device keeps the
 * cursor and asks only what changed since.
 */
gboolean
vtr_hub_db_write_order_changes (VtrHubDb    *db,
                                gint64       merchant_id,
                                gint64       device_id,
                                gint64       since,
                                guint        limit,
                                JsonBuilder *builder,
                                gint64      *cursor,
                                gboolean    *more,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             merchant_id > 0
               ? "SELECT uuid, number, state, at, placed, seq, received, step FROM hub_order "
                 "WHERE merchant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
               : "SELECT uuid, number, state, at, placed, seq, received, step FROM hub_order "
                 "WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
             error);
  guint n = 0;
  int rc;

  *cursor = since;
  *more = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id > 0 ? merchant_id : device_id);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, (gint64) limit + 1);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *placed = (const char *) sqlite3_column_text (stmt, 4);

      if (n++ == limit)
        {
          *more = TRUE;
          break;
        }
      *cursor = sqlite3_column_int64 (stmt, 5);
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", (const char *) sqlite3_column_text (stmt, 0));
      vtr_json_add_string (builder, "number", (const char *) sqlite3_column_text (stmt, 1));
      vtr_json_add_string (builder, "state", (const char *) sqlite3_column_text (stmt, 2));
      vtr_json_add_int (builder, "updated", sqlite3_column_int64 (stmt, 6));
      vtr_json_add_int (builder, "at", sqlite3_column_int64 (stmt, 3));
      vtr_hub_order_write_step (builder, (const char *) sqlite3_column_text (stmt, 7));
      /* A kiosk has its own copy of what it placed; a shop gets it all. */
      if (merchant_id > 0)
        vtr_hub_order_write_placed (builder, placed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sql_failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_db_add_poster_scans:
 * @source: "kiosk" or "phone"
 * @product_id: the poster's product, 0 for the shop's own code
 *
 * (poster) Adds @n scans to a shop's count of the day, inside the
 * caller's transaction.
 */
gboolean
vtr_hub_db_add_poster_scans (VtrHubDb   *db,
                             gint64      merchant_id,
                             gint64      day,
                             const char *source,
                             gint64      product_id,
                             gint64      n,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db, "INSERT INTO poster_scan (merchant_id, day, source, product_id, scans) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT DO UPDATE SET scans = scans + excluded.scans",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, day);
  sqlite3_bind_text (stmt, 3, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, product_id);
  sqlite3_bind_int64 (stmt, 5, n);
  return sqlite3_step (stmt) == SQLITE_DONE || sql_failed (db, error);
}

/**
 * vtr_hub_db_write_poster_scans:
 * @builder: inside an object: "scans" is added, an array of
 *   {"day", "source", "product", "scans"}
 *
 * (poster) A shop's counts of the scans of its posters from @from_day
 * (YYYYMMDD) on.
 */
gboolean
vtr_hub_db_write_poster_scans (VtrHubDb    *db,
                               gint64       merchant_id,
                               gint64       from_day,
                               JsonBuilder *builder,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db, "SELECT day, source, product_id, scans FROM poster_scan "
                 "WHERE merchant_id = ? AND day >= ? ORDER BY day, source, product_id",
             error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, from_day);
  json_builder_set_member_name (builder, "scans");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "day", sqlite3_column_int64 (stmt, 0));
      vtr_json_add_string (builder, "source", (const char *) sqlite3_column_text (stmt, 1));
      vtr_json_add_int (builder, "product", sqlite3_column_int64 (stmt, 2));
      vtr_json_add_int (builder, "scans", sqlite3_column_int64 (stmt, 3));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return rc == SQLITE_DONE || sql_failed (db, error);
}

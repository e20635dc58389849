#include "config.h"

#include "vtr-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

/*
 * The store keeps two SQLite files in the data folder:
 *
 *  - catalog.db, the catalogue the hub publishes. A cache: if it is damaged
 *    it is set aside and rebuilt from the hub.
 *  - journal.db, what this kiosk wrote and the hub has not acknowledged yet
 *    (loyalty events, orders, the outbox). It is never thrown away: a damaged
 *    journal is kept beside a fresh one so it can be recovered, and the store
 *    says so.
 *
 * The journal is attached to the catalogue's connection as "journal", with
 * synchronous=FULL so a committed write survives a power cut. Both are WAL.
 */

G_DEFINE_QUARK (vtr-store-error-quark, vtr_store_error)

struct _VtrStore
{
  GObject     parent_instance;

  char       *data_dir;
  sqlite3    *db;
  GHashTable *statements; /* SQL text → sqlite3_stmt */
  GPtrArray  *notices;
  int         lock_fd; /* the folder's claim, held shared while open */
  gint64      busy_since;
};

G_DEFINE_FINAL_TYPE (VtrStore, vtr_store, G_TYPE_OBJECT)

/* Each entry migrates from the version before it; the index + 1 is the
 * version it produces. Never edit a released entry: add one. */
static const char * const catalog_migrations[] = {
  /* 1 */
  "CREATE TABLE merchant ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  services TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  postcode TEXT NOT NULL DEFAULT '',"
  "  city TEXT NOT NULL DEFAULT '',"
  "  lat REAL NOT NULL,"
  "  lon REAL NOT NULL,"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  opening_hours TEXT NOT NULL DEFAULT '',"
  "  association TEXT NOT NULL DEFAULT '');"
  "CREATE TABLE merchant_service ("
  "  service TEXT NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  PRIMARY KEY (service, merchant_id)) WITHOUT ROWID;"
  "CREATE INDEX merchant_service_by_merchant ON merchant_service (merchant_id);"
  "CREATE TABLE product ("
  "  id INTEGER PRIMARY KEY,"
  "  gtin TEXT UNIQUE,"
  "  name TEXT NOT NULL,"
  "  brand TEXT NOT NULL DEFAULT '',"
  "  category TEXT NOT NULL DEFAULT '');"
  "CREATE TABLE stock ("
  "  product_id INTEGER NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  price_cents INTEGER NOT NULL CHECK (price_cents >= 0),"
  "  availability INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  PRIMARY KEY (product_id, merchant_id)) WITHOUT ROWID;"
  "CREATE TABLE promotion ("
  "  id INTEGER PRIMARY KEY,"
  "  merchant_id INTEGER NOT NULL,"
  "  product_id INTEGER,"
  "  category TEXT,"
  "  kind INTEGER NOT NULL,"
  "  value INTEGER NOT NULL DEFAULT 0,"
  "  buy INTEGER NOT NULL DEFAULT 0,"
  "  get INTEGER NOT NULL DEFAULT 0,"
  "  starts INTEGER NOT NULL,"
  "  ends INTEGER NOT NULL,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  CHECK ((product_id IS NULL) <> (category IS NULL)));"
  "CREATE INDEX promotion_by_merchant ON promotion (merchant_id, ends);"
  "CREATE INDEX promotion_by_product ON promotion (product_id) WHERE product_id IS NOT NULL;"
  "CREATE TABLE collection_point ("
  "  id INTEGER PRIMARY KEY,"
  "  kind INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  merchant_id INTEGER,"
  "  address TEXT NOT NULL DEFAULT '',"
  "  lat REAL NOT NULL,"
  "  lon REAL NOT NULL,"
  "  opening_hours TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX collection_point_by_kind ON collection_point (kind);"
  /* Full-text indexes over the rows themselves, kept in step by
   * vtr-catalog.c (triggers would make FTS5 flush a segment per row). */
  "CREATE VIRTUAL TABLE product_text USING fts5 ("
  "  name, brand, category, content='product', content_rowid='id',"
  "  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4');"
  "CREATE VIRTUAL TABLE merchant_text USING fts5 ("
  "  name, services, address, content='merchant', content_rowid='id',"
  "  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4');"
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL) WITHOUT ROWID;",
  /* 2: loyalty rules and rewards, per merchant, from the hub. */
  "CREATE TABLE loyalty_rule ("
  "  merchant_id INTEGER PRIMARY KEY,"
  "  cents_per_point INTEGER NOT NULL CHECK (cents_per_point > 0),"
  "  rounding INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE reward ("
  "  id INTEGER PRIMARY KEY,"
  "  merchant_id INTEGER NOT NULL,"
  "  points INTEGER NOT NULL CHECK (points > 0),"
  "  kind INTEGER NOT NULL,"
  "  value INTEGER NOT NULL DEFAULT 0,"
  "  product_id INTEGER,"
  "  title TEXT NOT NULL);"
  "CREATE INDEX reward_by_merchant ON reward (merchant_id);",
  /* 3: the change log the hub's feed is read from (filled by triggers
   * only on the hub, see vtr-changes.c): the last change of each row. */
  "CREATE TABLE catalog_change ("
  "  kind INTEGER NOT NULL,"
  "  a INTEGER NOT NULL,"
  "  b INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL,"
  "  PRIMARY KEY (kind, a, b)) WITHOUT ROWID;"
  "CREATE UNIQUE INDEX catalog_change_by_seq ON catalog_change (seq);",
  /* 4: (cards) the cards the federation blocked (declared lost), from the
   * hub's change feed; the id keys the feed's change log. */
  "CREATE TABLE blocked_card ("
  "  id INTEGER PRIMARY KEY,"
  "  card_id TEXT NOT NULL UNIQUE,"
  "  blocked INTEGER NOT NULL);",
  /* 5: (web) a shop's stock found by the shop: the storefront page on
   * the hub, "Ma boutique" on a shop's device. Replaces the index the
   * hub made when it started (issue 17's first pages). */
  "DROP INDEX IF EXISTS hub_web_stock_by_merchant;"
  "CREATE INDEX stock_by_merchant ON stock (merchant_id);",
  /* 6: (shop) "Ma boutique": a shop's own quantity on the shelf (never in
   * the feed), promotions for loyal customers only, the products made by
   * merchants until the federation reviews them, and on the hub the
   * provenance of each stock line a shop edited and the shop events
   * applied (vtr-shop-edit.c). */
  "ALTER TABLE stock ADD COLUMN quantity INTEGER;"
  "ALTER TABLE promotion ADD COLUMN audience INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE product_made ("
  "  product_id INTEGER PRIMARY KEY,"
  "  merchant_id INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  reviewed INTEGER);"
  "CREATE TABLE stock_edit ("
  "  product_id INTEGER NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  edited INTEGER NOT NULL,"
  "  uuid TEXT NOT NULL,"
  "  PRIMARY KEY (product_id, merchant_id)) WITHOUT ROWID;"
  "CREATE TABLE shop_event ("
  "  uuid TEXT PRIMARY KEY,"
  "  merchant_id INTEGER NOT NULL,"
  "  device_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  received INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX shop_event_by_merchant ON shop_event (merchant_id, at);",
};

static const char * const journal_migrations[] = {
  /* 1 */
  "CREATE TABLE journal.outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  created INTEGER NOT NULL);",
  /* 2: the federation's root public key and signed key list. In the
   * journal: a kiosk without them cannot check a single code, and they
   * cannot be rebuilt without pairing again. */
  "CREATE TABLE journal.trust ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  root_public TEXT NOT NULL,"
  "  envelope TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL);",
  /* 3: loyalty. Staff PINs (slow hashes) and sessions; cards and their
   * ledger; blank signed cards issued in advance by the hub, so a kiosk
   * enrols customers offline. */
  "CREATE TABLE journal.staff ("
  "  merchant_id INTEGER PRIMARY KEY,"
  "  pin_hash TEXT NOT NULL,"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE journal.session ("
  "  token_hash TEXT PRIMARY KEY,"
  "  merchant_id INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE journal.card ("
  "  card_id TEXT PRIMARY KEY,"
  "  code TEXT,"
  "  phone TEXT,"
  "  enrolled INTEGER,"
  "  acknowledged_balance INTEGER NOT NULL DEFAULT 0,"
  "  acknowledged_at INTEGER) WITHOUT ROWID;"
  "CREATE TABLE journal.loyalty_event ("
  "  uuid TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('credit', 'redeem', 'enrol')),"
  "  card_id TEXT NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  points INTEGER NOT NULL,"
  "  amount_cents INTEGER,"
  "  reward_id INTEGER,"
  "  products TEXT,"
  "  created INTEGER NOT NULL,"
  "  day INTEGER NOT NULL,"
  "  acknowledged INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE INDEX journal.loyalty_by_card ON loyalty_event (card_id, day);"
  "CREATE INDEX journal.loyalty_by_merchant ON loyalty_event (merchant_id, day);"
  "CREATE TABLE journal.card_stock ("
  "  card_id TEXT PRIMARY KEY,"
  "  code TEXT NOT NULL,"
  "  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
  /* 4: orders, and the signed pickup codes the hub issues in advance with
   * their order numbers, so a kiosk takes orders offline. */
  "CREATE TABLE journal.pickup_stock ("
  "  number TEXT PRIMARY KEY,"
  "  code TEXT NOT NULL,"
  "  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE TABLE journal.orders ("
  "  uuid TEXT PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  code TEXT NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  delivery TEXT NOT NULL CHECK (delivery IN ('shop', 'locker')),"
  "  locker_id INTEGER,"
  "  first_name TEXT NOT NULL,"
  "  phone TEXT NOT NULL,"
  "  total_cents INTEGER NOT NULL,"
  "  state TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX journal.orders_by_merchant ON orders (merchant_id, state);"
  "CREATE TABLE journal.order_line ("
  "  order_uuid TEXT NOT NULL,"
  "  product_id INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
  "  price_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (order_uuid, product_id)) WITHOUT ROWID;"
  "CREATE TABLE journal.order_event ("
  "  uuid TEXT PRIMARY KEY,"
  "  order_uuid TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  who TEXT NOT NULL,"
  "  at INTEGER NOT NULL) WITHOUT ROWID;",
  /* 5: the hub this kiosk is paired with, how its syncs went, and the
   * events the hub refused (kept, never silently dropped). */
  "CREATE TABLE journal.hub ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  url TEXT NOT NULL,"
  "  token TEXT NOT NULL,"
  "  device_id INTEGER NOT NULL,"
  "  device_name TEXT NOT NULL,"
  "  merchant_id INTEGER,"
  "  paired INTEGER NOT NULL,"
  "  last_attempt INTEGER,"
  "  last_success INTEGER,"
  "  last_error TEXT);"
  "CREATE TABLE journal.outbox_rejected ("
  "  uuid TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  rejected INTEGER NOT NULL) WITHOUT ROWID;",
  /* 6: print jobs, queued after the commit they print and kept until a
   * printer took them, so a ticket survives a printer out of paper. */
  "CREATE TABLE journal.print_job ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL,"
  "  reference TEXT,"
  "  target TEXT NOT NULL,"
  "  ticket TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT,"
  "  printed INTEGER);"
  "CREATE INDEX journal.print_job_pending ON print_job (printed, id);",
  /* 7: the journals set aside whose rows were copied into this one, each
   * recorded in the transaction that copied it. */
  "CREATE TABLE journal.recovered_journal ("
  "  name TEXT PRIMARY KEY,"
  "  recovered INTEGER NOT NULL) WITHOUT ROWID;",
  /* 8: (orders) the orders a shop device fetches from the hub, and the
   * state of those a kiosk placed: a cancel's reason, a locker's
   * compartment and code, the hub's refusal of a step taken here, and
   * the cursor of the hub's feed of orders. */
  "ALTER TABLE journal.orders ADD COLUMN reason TEXT;"
  "ALTER TABLE journal.orders ADD COLUMN locker_compartment TEXT;"
  "ALTER TABLE journal.orders ADD COLUMN locker_code TEXT;"
  "ALTER TABLE journal.orders ADD COLUMN refusal TEXT;"
  "CREATE TABLE journal.order_feed ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  cursor INTEGER NOT NULL);",
  /* 9: (pools) the PIN reset codes used on this kiosk: each works once. */
  "CREATE TABLE journal.pin_reset_used ("
  "  nonce TEXT PRIMARY KEY,"
  "  used INTEGER NOT NULL) WITHOUT ROWID;",
  /* 10: (cards) lost cards blocked at this counter and their balance moved
   * to a new card; each side counts until the hub's balance of its card
   * does (vtr-card-block.c). */
  "CREATE TABLE journal.card_transfer ("
  "  uuid TEXT PRIMARY KEY,"
  "  old_card TEXT NOT NULL UNIQUE,"
  "  new_card TEXT NOT NULL,"
  "  merchant_id INTEGER NOT NULL,"
  "  points INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  acknowledged_old INTEGER NOT NULL DEFAULT 0,"
  "  acknowledged_new INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE INDEX journal.card_transfer_by_new ON card_transfer (new_card);",
  /* 11: (ops) the events the hub acknowledged, kept 30 days: a hub
   * restored from a backup (a new history) gets them again, and stores
   * once those it still had. */
  "CREATE TABLE journal.outbox_sent ("
  "  uuid TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  acknowledged INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX journal.outbox_sent_by_time ON outbox_sent (acknowledged);"
  "ALTER TABLE journal.hub ADD COLUMN history TEXT;",
  /* 12: (shop) the shop's changes made at this counter, each with what it
   * replaced, for undo and for putting back what the hub refused. */
  "CREATE TABLE journal.shop_edit ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  merchant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  before TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  undo_of TEXT,"
  "  undone INTEGER NOT NULL DEFAULT 0,"
  "  reverted INTEGER NOT NULL DEFAULT 0,"
  "  code TEXT,"
  "  printed INTEGER);"
  "CREATE INDEX journal.shop_edit_by_merchant ON shop_edit (merchant_id, seq);",
  /* 13: (poster) the scans of the shop's posters, as the hub counted
   * them for this shop device: per day (YYYYMMDD, Marseille time), per
   * source (a kiosk, or a phone's page) and per poster's product (0: the
   * shop's own code). Replaced by each sync (vtr-poster-scan.c). */
  "CREATE TABLE journal.poster_scan ("
  "  merchant_id INTEGER NOT NULL,"
  "  day INTEGER NOT NULL,"
  "  source TEXT NOT NULL CHECK (source IN ('kiosk', 'phone')),"
  "  product_id INTEGER NOT NULL,"
  "  scans INTEGER NOT NULL,"
  "  PRIMARY KEY (merchant_id, day, source, product_id)) WITHOUT ROWID;",
};

int
vtr_store_catalog_version (void)
{
  return G_N_ELEMENTS (catalog_migrations);
}

int
vtr_store_journal_version (void)
{
  return G_N_ELEMENTS (journal_migrations);
}

char *
vtr_store_default_data_dir (void)
{
  const char *dir = g_getenv ("VITRINE_DATA_DIR");

  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);

  return g_build_filename (g_get_user_data_dir (), "vitrine", NULL);
}

static void
vtr_store_finalize (GObject *object)
{
  VtrStore *self = (VtrStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->notices, g_ptr_array_unref);
  /* Closing the lock file gives up the claim, after SQLite let go. */
  if (self->lock_fd >= 0)
    close (self->lock_fd);

  G_OBJECT_CLASS (vtr_store_parent_class)->finalize (object);
}

static void
vtr_store_class_init (VtrStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
vtr_store_init (VtrStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->notices = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->lock_fd = -1;
}

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return VTR_STORE_ERROR_CORRUPT;
    case SQLITE_FULL:
      return VTR_STORE_ERROR_DISK_FULL;
    case SQLITE_READONLY:
      return VTR_STORE_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return VTR_STORE_ERROR_UNREADABLE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return VTR_STORE_ERROR_BUSY;
    default:
      return VTR_STORE_ERROR_FAILED;
    }
}

static void
set_sqlite_error (GError    **error,
                  sqlite3    *db,
                  int         rc,
                  const char *path)
{
  int code = error_code_for_sqlite (rc);
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  /* SQLite says "disk I/O error" when the disk is full while it grows its
   * shared memory file, or "unable to open" for a file it cannot create:
   * the system's reason tells the shopkeeper what to do. */
  if (db && (code == VTR_STORE_ERROR_FAILED || code == VTR_STORE_ERROR_UNREADABLE))
    {
      int system_errno = sqlite3_system_errno (db);

      if (system_errno == ENOSPC || system_errno == EDQUOT)
        code = VTR_STORE_ERROR_DISK_FULL;
      else if (system_errno == EROFS)
        code = VTR_STORE_ERROR_READ_ONLY;
    }

  switch (code)
    {
    case VTR_STORE_ERROR_DISK_FULL:
      g_set_error (error, VTR_STORE_ERROR, code,
                   _("The disk is full, so nothing was saved. Free some space; what was "
                     "saved before is safe."));
      break;
    case VTR_STORE_ERROR_READ_ONLY:
      g_set_error (error, VTR_STORE_ERROR, code,
                   _("Vitrine’s data cannot be written (read-only), so nothing was saved. "
                     "What was saved before is safe."));
      break;
    case VTR_STORE_ERROR_CORRUPT:
      g_set_error (error, VTR_STORE_ERROR, code,
                   _("Vitrine’s data file %s is damaged (%s)."), path ? path : "", detail);
      break;
    case VTR_STORE_ERROR_UNREADABLE:
      g_set_error (error, VTR_STORE_ERROR, code, _("Vitrine’s data file %s cannot be opened (%s)."),
                   path ? path : "", detail);
      break;
    case VTR_STORE_ERROR_BUSY:
      g_set_error (error, VTR_STORE_ERROR, code,
                   _("Vitrine’s data is in use by another program; try again in a moment."));
      break;
    default:
      g_set_error (error, VTR_STORE_ERROR, code, _("Vitrine’s data could not be used: %s"), detail);
      break;
    }
}

gboolean
vtr_store_set_error (VtrStore *self,
                     int       rc,
                     GError  **error)
{
  g_autofree char *path = NULL;

  if (error_code_for_sqlite (rc) == VTR_STORE_ERROR_CORRUPT && self->data_dir)
    {
      /* Damage found while working: the next start sets the catalogue aside
       * and rebuilds it (the journal check then decides for the journal). */
      g_autofree char *marker = g_build_filename (self->data_dir, "damaged", NULL);

      g_file_set_contents (marker, "", 0, NULL);
      path = g_strdup (self->data_dir);
    }

  set_sqlite_error (error, self->db, rc, path);
  return FALSE;
}

/* Runs a statement that returns no row, resets it, and says why it failed. */
gboolean
vtr_store_step_done (VtrStore     *self,
                     sqlite3_stmt *stmt,
                     GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return vtr_store_set_error (self, rc, error);
  return TRUE;
}

/* Steps to the next row: %TRUE on a row; %FALSE at the end (no error) or
 * on failure (@error set). */
gboolean
vtr_store_step_row (VtrStore     *self,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    vtr_store_set_error (self, rc, error);
  return FALSE;
}

sqlite3 *
vtr_store_get_db (VtrStore *self)
{
  g_return_val_if_fail (VTR_IS_STORE (self), NULL);

  return self->db;
}

const char *
vtr_store_get_data_dir (VtrStore *self)
{
  g_return_val_if_fail (VTR_IS_STORE (self), NULL);

  return self->data_dir;
}

/**
 * vtr_store_get_notices:
 *
 * Returns: (transfer none): what the store had to repair when it opened,
 * in words for the person in charge of the kiosk; empty if nothing.
 */
const char * const *
vtr_store_get_notices (VtrStore *self)
{
  g_return_val_if_fail (VTR_IS_STORE (self), NULL);

  static const char * const none[] = { NULL };

  /* An empty null-terminated array may not have allocated its terminator yet. */
  if (self->notices->pdata == NULL)
    return none;
  return (const char * const *) self->notices->pdata;
}

gboolean
vtr_store_exec (VtrStore   *self,
                const char *sql,
                GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return vtr_store_set_error (self, rc, error);
  return TRUE;
}

VtrStatement *
vtr_store_statement (VtrStore   *self,
                     const char *sql,
                     GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          vtr_store_set_error (self, rc, error);
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

gboolean
vtr_store_begin (VtrStore *self,
                 GError  **error)
{
  return vtr_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
vtr_store_commit (VtrStore *self,
                  GError  **error)
{
  if (!vtr_store_exec (self, "COMMIT", error))
    {
      vtr_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
vtr_store_rollback (VtrStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Several programs use one data folder at once: the app, its sync service
 * (a store opened every 30 s), vitrine-ctl, the hub's workers and its
 * import command. SQLite keeps their writes apart; the folder's lock file
 * keeps them from moving each other's files. Every open store holds a
 * shared claim on it (flock) for as long as it lives. A file is set aside
 * only on proof that it is damaged (SQLite says SQLITE_CORRUPT or
 * SQLITE_NOTADB, or PRAGMA quick_check finds a fault), found again while
 * holding the claim exclusively: so no file is ever renamed while another
 * program has it open. "Locked", "busy", a full disk, a read-only folder
 * or an I/O error are waited for (busy timeout) or reported, never
 * "repaired".
 */

#define BUSY_TIMEOUT_MS 10000
/* Another program's start-up check may hold the folder a while (quick_check
 * reads the whole catalogue); a claim waits for it this long. */
#define SHARED_CLAIM_WAIT_MS 60000
/* Setting a file aside needs every other program out of the folder. */
#define EXCLUSIVE_CLAIM_WAIT_MS 10000

static int
claim_folder (int         fd,
              int         operation,
              guint       wait_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_ms * 1000;

  for (;;)
    {
      if (flock (fd, operation | LOCK_NB) == 0)
        return 0;
      if (errno != EWOULDBLOCK && errno != EINTR)
        return errno;
      if (g_get_monotonic_time () >= deadline)
        return EWOULDBLOCK;
      g_usleep (10 * 1000);
    }
}

/* SQLite's own busy handler sleeps longer and longer (up to 100 ms) between
 * tries: against writers that take the lock back to back, a program could
 * wait its whole timeout without once finding it free. This one tries
 * every millisecond or two, for BUSY_TIMEOUT_MS. */
static int
wait_while_busy (void *data,
                 int   count)
{
  gint64 *since = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    *since = now;
  if (now - *since > (gint64) BUSY_TIMEOUT_MS * 1000)
    return 0;
  g_usleep (count < 100 ? 500 : 2000);
  return 1;
}

static void
set_busy_error (GError **error)
{
  g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_BUSY,
               _("Vitrine’s data is in use by another program; try again in a moment."));
}

typedef enum
{
  FILE_SOUND,   /* absent, or opened and read */
  FILE_DAMAGED, /* SQLite proved it damaged */
} FileState;

static gboolean
is_corruption (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* Looks at @path without writing to it. Sets @state, and fails (with
 * @error) only when the file cannot be read for a reason that is not
 * damage: those are reported, never repaired. With @thorough, also runs
 * PRAGMA quick_check. A file from a newer Vitrine is refused untouched. */
static gboolean
examine_file (const char *path,
              int         known_version,
              gboolean    thorough,
              FileState  *state,
              GError    **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 busy_since = 0;
  int version = 0;
  int rc;

  *state = FILE_SOUND;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (db)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_handler (db, wait_while_busy, &busy_since);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM sqlite_schema), "
                                 "user_version FROM pragma_user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          version = sqlite3_column_int (stmt, 1);
          rc = SQLITE_OK;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_OK && version > known_version)
    {
      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_SCHEMA_TOO_NEW,
                   _("The data in %s was written by a newer version of Vitrine "
                     "(format %d; this version reads up to %d). Install the newer Vitrine "
                     "again: the data has not been touched."),
                   path, version, known_version);
      sqlite3_close_v2 (db);
      return FALSE;
    }

  if (rc == SQLITE_OK && thorough)
    {
      rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
                *state = FILE_DAMAGED;
              rc = SQLITE_OK;
            }
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  if (is_corruption (rc))
    *state = FILE_DAMAGED;
  else if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, path);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_close_v2 (db);
  return TRUE;
}

static gboolean
rename_if_exists (const char *from,
                  const char *to,
                  GError    **error)
{
  if (g_rename (from, to) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_FAILED,
                   _("Could not set aside the damaged file %s: %s"), from, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Moves @path and its WAL files to a name saying when it was set aside.
 * The caller holds the folder's claim exclusively. */
static char *
set_aside (const char *path,
           GError    **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.damaged-%s", path, stamp);
  static const char * const suffixes[] = { "-wal", "-shm" };

  /* Two in one second: keep both. */
  for (int n = 2; g_file_test (aside, G_FILE_TEST_EXISTS); n++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.damaged-%s-%d", path, stamp, n);
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (!rename_if_exists (from, to, error))
        return NULL;
    }
  if (!rename_if_exists (path, aside, error))
    return NULL;

  return g_steal_pointer (&aside);
}

/* The hub's catalogue is the federation's master copy, not a cache: it is
 * never set aside for an empty one (kiosks would be told to throw theirs
 * away). vtr_catalog_log_changes() marks it; a folder with the hub's own
 * database is a hub's too. */
gboolean
vtr_store_catalog_is_master (const char *data_dir)
{
  g_autofree char *marker = g_build_filename (data_dir, VTR_STORE_MASTER_MARKER, NULL);
  g_autofree char *hub_db = g_build_filename (data_dir, "hub.db", NULL);

  return g_file_test (marker, G_FILE_TEST_EXISTS) || g_file_test (hub_db, G_FILE_TEST_EXISTS);
}

/* The journal's tables, in the order their rows are copied back from a
 * damaged journal: the pairing and the keys first, then what waits to be
 * sent. Staff sessions are not worth keeping. */
static const char * const journal_tables[] = {
  "hub", "trust", "staff", "card", "card_stock", "pickup_stock", "outbox", "loyalty_event",
  "orders", "order_line", "order_event", "outbox_rejected", "print_job", "pin_reset_used", "card_transfer",
  "shop_edit",
};

/* Copies the rows of @table SQLite can still read from the damaged
 * journal, one by one, stopping at the first damaged page. */
static guint
recover_table (VtrStore   *self,
               sqlite3    *damaged,
               const char *table)
{
  g_autofree char *select = g_strdup_printf ("SELECT * FROM \"%s\"", table);
  g_autoptr(GString) insert = g_string_new (NULL);
  sqlite3_stmt *from = NULL;
  sqlite3_stmt *to = NULL;
  guint n = 0;
  int columns;

  if (sqlite3_prepare_v2 (damaged, select, -1, &from, NULL) != SQLITE_OK)
    return 0;
  /* By name: a journal from an older Vitrine may lack later columns. */
  columns = sqlite3_column_count (from);
  g_string_printf (insert, "INSERT OR IGNORE INTO journal.\"%s\" (", table);
  for (int i = 0; i < columns; i++)
    g_string_append_printf (insert, "%s\"%s\"", i ? ", " : "", sqlite3_column_name (from, i));
  g_string_append (insert, ") VALUES (");
  for (int i = 0; i < columns; i++)
    g_string_append (insert, i ? ", ?" : "?");
  g_string_append_c (insert, ')');
  if (sqlite3_prepare_v2 (self->db, insert->str, -1, &to, NULL) == SQLITE_OK)
    while (sqlite3_step (from) == SQLITE_ROW)
      {
        for (int i = 0; i < columns; i++)
          sqlite3_bind_value (to, i + 1, sqlite3_column_value (from, i));
        if (sqlite3_step (to) == SQLITE_DONE && sqlite3_changes (self->db) > 0)
          n++;
        sqlite3_reset (to);
        sqlite3_clear_bindings (to);
      }
  sqlite3_finalize (to);
  sqlite3_finalize (from);
  return n;
}

static gboolean
record_recovered (VtrStore   *self,
                  const char *aside)
{
  g_autofree char *name = g_path_get_basename (aside);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (self, "INSERT OR IGNORE INTO journal.recovered_journal (name, recovered) "
                               "VALUES (?, ?)", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  return sqlite3_step (stmt) == SQLITE_DONE;
}

static gboolean
was_recovered (VtrStore   *self,
               const char *name)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (self, "SELECT 1 FROM journal.recovered_journal WHERE name = ?", NULL);

  if (stmt == NULL)
    return TRUE; /* unreadable now: tried again at the next start */
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) != SQLITE_DONE;
}

/* Brings what can still be read of a damaged journal (the pairing, the
 * keys, the PINs, the events not yet sent) into the new one, in one
 * transaction. Says how many events waiting to be sent were saved, or
 * fails if nothing could be written. */
static gboolean
recover_journal (VtrStore   *self,
                 const char *aside,
                 guint      *saved)
{
  sqlite3 *damaged = NULL;
  guint pending = 0;
  gboolean ok = FALSE;

  /* Its own read-only connection: the file kept as evidence stays as it
   * was, and its damage cannot spoil the new journal's transaction. */
  if (sqlite3_open_v2 (aside, &damaged, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
      sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
    {
      for (guint i = 0; i < G_N_ELEMENTS (journal_tables); i++)
        {
          guint n = recover_table (self, damaged, journal_tables[i]);

          if (g_str_equal (journal_tables[i], "outbox"))
            pending = n;
        }
      ok = record_recovered (self, aside) &&
           sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
      if (!ok)
        vtr_store_rollback (self);
    }
  sqlite3_close_v2 (damaged);
  *saved = ok ? pending : 0;
  return ok;
}

static gboolean
is_set_aside_journal (const char *name)
{
  return g_str_has_prefix (name, "journal.db.damaged-") && !g_str_has_suffix (name, "-wal") &&
         !g_str_has_suffix (name, "-shm");
}

/* Every journal set aside whose rows were not copied back yet (set aside
 * just now, or at a start that then failed, on a full disk say) is copied
 * into the journal, and recorded as done in the same transaction. */
static void
recover_set_aside_journals (VtrStore *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->data_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *aside = NULL;
      guint pending;

      if (!is_set_aside_journal (name) || was_recovered (self, name))
        continue;
      aside = g_build_filename (self->data_dir, name, NULL);

      if (!recover_journal (self, aside, &pending))
        {
          g_ptr_array_add (self->notices,
                           g_strdup_printf (_("The kiosk’s journal (points, orders not yet sent) "
                                              "was damaged and kept as %s. What it holds could "
                                              "not be copied into the new journal yet: Vitrine "
                                              "will try again at its next start. Please tell the "
                                              "federation."),
                                            aside));
          continue;
        }
      g_ptr_array_add (self->notices,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "The kiosk’s journal (points, orders not yet "
                                                     "sent) was damaged. It was kept as %s, and what "
                                                     "could still be read was copied into a new "
                                                     "journal, with %u event waiting to be sent. "
                                                     "Please tell the federation.",
                                                     "The kiosk’s journal (points, orders not yet "
                                                     "sent) was damaged. It was kept as %s, and what "
                                                     "could still be read was copied into a new "
                                                     "journal, with %u events waiting to be sent. "
                                                     "Please tell the federation.",
                                                     pending),
                                        aside, pending));
    }
}

/* Creates or brings the schema up to date. Each step reads the version
 * inside its own write transaction, so two programs starting on a new
 * folder at once do not both run it. */
static gboolean
migrate (VtrStore           *self,
         const char         *schema,
         const char * const *migrations,
         int                 n_migrations,
         GError            **error)
{
  g_autofree char *query = g_strdup_printf ("PRAGMA %s.user_version", schema);
  sqlite3_stmt *check = NULL;
  int current = -1;

  /* Up to date, the usual case: no write lock to wait for. */
  if (sqlite3_prepare_v2 (self->db, query, -1, &check, NULL) == SQLITE_OK &&
      sqlite3_step (check) == SQLITE_ROW)
    current = sqlite3_column_int (check, 0);
  sqlite3_finalize (check);
  if (current >= n_migrations)
    return TRUE;

  for (;;)
    {
      g_autofree char *bump = NULL;
      sqlite3_stmt *stmt = NULL;
      int version = 0;
      int rc;

      if (!vtr_store_begin (self, error))
        return FALSE;
      rc = sqlite3_prepare_v2 (self->db, query, -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_OK)
        {
          vtr_store_rollback (self);
          return vtr_store_set_error (self, rc, error);
        }
      if (version >= n_migrations)
        return vtr_store_commit (self, error);

      bump = g_strdup_printf ("PRAGMA %s.user_version = %d", schema, version + 1);
      if (!vtr_store_exec (self, migrations[version], error) || !vtr_store_exec (self, bump, error))
        {
          vtr_store_rollback (self);
          return FALSE;
        }
      if (!vtr_store_commit (self, error))
        return FALSE;
    }
}

/* The folder's first look: are both files readable, is anything proven
 * damaged? Under the shared claim, without writing. */
static gboolean
files_need_repair (const char *catalog_path,
                   const char *journal_path,
                   gboolean    damaged_marker,
                   gboolean   *needs_repair,
                   gboolean   *proven,
                   GError    **error)
{
  FileState journal = FILE_SOUND, catalog = FILE_SOUND;

  if (!examine_file (journal_path, vtr_store_journal_version (), FALSE, &journal, error) ||
      !examine_file (catalog_path, vtr_store_catalog_version (), FALSE, &catalog, error))
    return FALSE;
  *proven = journal == FILE_DAMAGED || catalog == FILE_DAMAGED;
  *needs_repair = damaged_marker || *proven;
  return TRUE;
}

/* Under the exclusive claim: looks again, in full, and sets aside what is
 * proven damaged (a journal set aside is copied back once the new one is
 * open: recover_set_aside_journals()). */
static gboolean
repair_files (VtrStore   *self,
              const char *catalog_path,
              const char *journal_path,
              gboolean    damaged_marker,
              GError    **error)
{
  FileState journal = FILE_SOUND, catalog = FILE_SOUND;
  gboolean master = vtr_store_catalog_is_master (self->data_dir);
  g_autofree char *aside = NULL;

  if (!examine_file (journal_path, vtr_store_journal_version (), TRUE, &journal, error))
    return FALSE;
  /* Damage met while working (SQLITE_CORRUPT) is proof enough to rebuild a
   * kiosk's catalogue, which is only a copy of the hub's. */
  if (damaged_marker && !master && g_file_test (catalog_path, G_FILE_TEST_EXISTS))
    catalog = FILE_DAMAGED;
  else if (!examine_file (catalog_path, vtr_store_catalog_version (), TRUE, &catalog, error))
    return FALSE;

  if (catalog == FILE_DAMAGED && master)
    {
      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_CORRUPT,
                   _("The federation’s catalogue %s is damaged. It was left as it is: restore it "
                     "from a backup. The hub does not start an empty catalogue in its place, "
                     "since every kiosk would then throw its own copy away."),
                   catalog_path);
      return FALSE;
    }

  if (journal == FILE_DAMAGED)
    {
      g_autofree char *journal_aside = set_aside (journal_path, error);

      if (journal_aside == NULL)
        return FALSE;
    }
  if (catalog == FILE_DAMAGED)
    {
      if (!(aside = set_aside (catalog_path, error)))
        return FALSE;
      g_ptr_array_add (self->notices,
                       g_strdup_printf (_("The catalogue on this kiosk was damaged. It was set aside "
                                          "as %s and will be downloaded again from the "
                                          "federation."),
                                        aside));
    }
  return TRUE;
}

/**
 * vtr_store_open_in_memory:
 *
 * A store of its own in memory, with no folder (vtr_store_get_data_dir()
 * returns %NULL): the catalogue and journal made as vtr_store_open() makes
 * them, gone when the store is. The hub on PostgreSQL applies an edit or
 * an import to the rows it reads into one (vtr-hub-pg.c).
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set.
 */
VtrStore *
vtr_store_open_in_memory (GError **error)
{
  g_autoptr(VtrStore) self = g_object_new (VTR_TYPE_STORE, NULL);
  int rc;

  rc = sqlite3_open_v2 (":memory:", &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, NULL);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  if (!vtr_store_exec (self, "ATTACH DATABASE ':memory:' AS journal; PRAGMA temp_store = MEMORY;", error) ||
      !migrate (self, "main", catalog_migrations, G_N_ELEMENTS (catalog_migrations), error) ||
      !migrate (self, "journal", journal_migrations, G_N_ELEMENTS (journal_migrations), error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * vtr_store_open:
 * @data_dir: (nullable): the folder for Vitrine's data, or %NULL for
 *   vtr_store_default_data_dir()
 *
 * Opens the store, creating and migrating it as needed. Other programs may
 * have the same folder open: the store waits for them, and only a file
 * proven damaged, while no other program has it open, is set aside (never
 * deleted); what can still be read of a damaged journal goes into the new
 * one, and vtr_store_get_notices() says so. A file that is busy, on a full
 * disk, read-only or unreadable is reported in @error and left as it is.
 * The hub's catalogue is never set aside.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set.
 */
VtrStore *
vtr_store_open (const char *data_dir,
                GError    **error)
{
  g_autoptr(VtrStore) self = g_object_new (VTR_TYPE_STORE, NULL);
  g_autofree char *catalog_path = NULL;
  g_autofree char *journal_path = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *master_marker = NULL;
  g_autofree char *attach = NULL;
  gboolean damaged, needs_repair = FALSE, proven = FALSE;
  char *quoted;
  int rc;

  self->data_dir = data_dir ? g_strdup (data_dir) : vtr_store_default_data_dir ();

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_UNREADABLE,
                   _("Cannot create Vitrine’s data folder %s: %s"), self->data_dir,
                   g_strerror (saved));
      return NULL;
    }

  catalog_path = g_build_filename (self->data_dir, "catalog.db", NULL);
  journal_path = g_build_filename (self->data_dir, "journal.db", NULL);
  lock_path = g_build_filename (self->data_dir, VTR_STORE_LOCK_FILE, NULL);
  marker = g_build_filename (self->data_dir, "damaged", NULL);
  master_marker = g_build_filename (self->data_dir, VTR_STORE_MASTER_MARKER, NULL);

  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      int saved = errno;

      g_set_error (error, VTR_STORE_ERROR,
                   saved == EROFS ? VTR_STORE_ERROR_READ_ONLY : VTR_STORE_ERROR_UNREADABLE,
                   _("Vitrine’s data folder %s cannot be used: %s"), self->data_dir,
                   g_strerror (saved));
      return NULL;
    }
  if (claim_folder (self->lock_fd, LOCK_SH, SHARED_CLAIM_WAIT_MS) != 0)
    {
      set_busy_error (error);
      return NULL;
    }

  /* The hub's master catalogue gone: restore it, never start an empty one. */
  if (g_file_test (master_marker, G_FILE_TEST_EXISTS) && !g_file_test (catalog_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_UNREADABLE,
                   _("The federation’s catalogue %s is missing. Restore it from a backup: the hub "
                     "does not start an empty catalogue in its place, since every kiosk would then "
                     "throw its own copy away."),
                   catalog_path);
      return NULL;
    }

  damaged = g_file_test (marker, G_FILE_TEST_EXISTS);
  if (!files_need_repair (catalog_path, journal_path, damaged, &needs_repair, &proven, error))
    return NULL;
  /* Damage met while working, not seen at open, is looked for in full at a
   * start that has the folder to itself: meanwhile the other programs (the
   * app's own sync service and printing among them) go on working. A failed
   * claim may have dropped the shared one (flock converts by releasing). */
  if (needs_repair && !proven && claim_folder (self->lock_fd, LOCK_EX, 0) != 0)
    {
      if (claim_folder (self->lock_fd, LOCK_SH, SHARED_CLAIM_WAIT_MS) != 0)
        {
          set_busy_error (error);
          return NULL;
        }
      needs_repair = FALSE;
    }
  if (needs_repair)
    {
      /* No file is moved while another program has it open. */
      if (claim_folder (self->lock_fd, LOCK_EX, EXCLUSIVE_CLAIM_WAIT_MS) != 0)
        {
          g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_BUSY,
                       _("Vitrine’s data in %s looks damaged, but another Vitrine program is using "
                         "it, so nothing was changed. Close the other Vitrine programs (or restart "
                         "the kiosk) so it can be checked and repaired."),
                       self->data_dir);
          return NULL;
        }
      damaged = g_file_test (marker, G_FILE_TEST_EXISTS);
      if (!repair_files (self, catalog_path, journal_path, damaged, error))
        {
          flock (self->lock_fd, LOCK_SH);
          return NULL;
        }
      if (damaged)
        g_unlink (marker);
    }

  rc = sqlite3_open_v2 (catalog_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, catalog_path);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_handler (self->db, wait_while_busy, &self->busy_since);

  quoted = sqlite3_mprintf ("ATTACH DATABASE %Q AS journal", journal_path);
  attach = g_strdup (quoted);
  sqlite3_free (quoted);

  if (!vtr_store_exec (self, attach, error) ||
      !vtr_store_exec (self,
                       "PRAGMA main.journal_mode = WAL;"
                       "PRAGMA main.synchronous = NORMAL;"
                       "PRAGMA journal.journal_mode = WAL;"
                       "PRAGMA journal.synchronous = FULL;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -32000;",
                       error) ||
      !migrate (self, "main", catalog_migrations, G_N_ELEMENTS (catalog_migrations), error) ||
      !migrate (self, "journal", journal_migrations, G_N_ELEMENTS (journal_migrations), error))
    return NULL;

  recover_set_aside_journals (self);

  /* Back to sharing the folder with the other programs. */
  if (needs_repair)
    flock (self->lock_fd, LOCK_SH);

  return g_steal_pointer (&self);
}

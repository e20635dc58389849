#include "config.h"

#include "vtr-sync-state.h"

#include <glib/gi18n-lib.h>

#include "vtr-card-block.h"
#include "vtr-shop-edit.h"
#include "vtr-store-private.h"

/*
 * What the sync client keeps on the kiosk, and the transactions that make
 * an interrupted sync safe:
 *
 *  - the link to the hub (URL, token) lives in the journal: losing the
 *    rebuildable catalogue must not unpair the kiosk;
 *  - the feed cursor lives in the catalogue, written in the transaction of
 *    the page it follows: a rebuilt catalogue starts again from 0, and a
 *    page is applied once or not at all;
 *  - an outbox row leaves only on the hub's answer for its own id.
 */

#define CURSOR_KEY "feed_cursor"
/* (area) The tag of the area the kiosk's copy is of, as the hub's pages
 * say it ("MOVES:AREA"), in the catalogue beside the cursor. */
#define AREA_KEY "feed_area"

void
vtr_hub_link_free (VtrHubLink *link)
{
  if (link == NULL)
    return;
  g_free (link->url);
  g_free (link->token);
  g_free (link->device_name);
  g_free (link);
}

void
vtr_sync_status_free (VtrSyncStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->hub_url);
  g_free (status->device_name);
  g_free (status->last_error);
  g_free (status);
}

gboolean
vtr_sync_state_save_link (VtrStore         *store,
                          const VtrHubLink *link,
                          GError          **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT OR REPLACE INTO journal.hub (id, url, token, "
                                            "  device_id, device_name, merchant_id, paired) "
                                            "VALUES (1, ?, ?, ?, ?, nullif (?, 0), ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, link->url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, link->token, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, link->device_id);
  sqlite3_bind_text (stmt, 4, link->device_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, link->merchant_id);
  sqlite3_bind_int64 (stmt, 6, link->paired);
  return vtr_store_step_done (store, stmt, error);
}

/* Returns: (nullable): the link, or %NULL without error when not paired. */
VtrHubLink *
vtr_sync_state_load_link (VtrStore *store,
                          GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT url, token, device_id, device_name, coalesce (merchant_id, 0), "
                         "  paired FROM journal.hub WHERE id = 1",
                         error);
  VtrHubLink *link;

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return NULL;
  link = g_new0 (VtrHubLink, 1);
  link->url = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  link->token = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  link->device_id = sqlite3_column_int64 (stmt, 2);
  link->device_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  link->merchant_id = sqlite3_column_int64 (stmt, 4);
  link->paired = sqlite3_column_int64 (stmt, 5);
  return link;
}

gint64
vtr_sync_state_cursor (VtrStore *store,
                       GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT value FROM sync_state WHERE key = '" CURSOR_KEY "'", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_ascii_strtoll ((const char *) sqlite3_column_text (stmt, 0), NULL, 10);
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return -1;
    }
  return 0;
}

static gboolean
write_cursor (VtrStore   *store,
              gint64      cursor,
              JsonObject *page,
              GError    **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  const char *area = page ? json_object_get_string_member_with_default (page, "area", NULL) : NULL;
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT OR REPLACE INTO sync_state (key, value) "
                                            "VALUES ('" CURSOR_KEY "', ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  if (area == NULL)
    return TRUE;
  stmt = vtr_store_statement (store, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('" AREA_KEY "', ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, area, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_sync_state_area:
 *
 * Returns: (nullable): the tag of the area the kiosk's catalogue is of,
 *   as the hub's feed said it, or %NULL before the hub said one.
 */
char *
vtr_sync_state_area (VtrStore *store)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT value FROM sync_state WHERE key = '" AREA_KEY "'", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/**
 * vtr_sync_state_apply_page:
 * @since: the cursor the page was asked from
 * @cursor: the cursor after the page
 *
 * Applies a page of the change feed and moves the cursor, in one
 * transaction. A page that does not follow the kiosk's cursor (a replayed
 * or stale answer) is refused and changes nothing.
 */
gboolean
vtr_sync_state_apply_page (VtrCatalog      *catalog,
                           JsonObject      *page,
                           gint64           since,
                           gint64           cursor,
                           VtrImportCounts *counts,
                           GError         **error)
{
  VtrStore *store = vtr_catalog_get_store (catalog);
  g_autoptr(GError) local_error = NULL;
  gint64 current;

  if (!vtr_catalog_begin (catalog, error))
    return FALSE;
  current = vtr_sync_state_cursor (store, &local_error);
  if (current != since || cursor < since)
    {
      vtr_catalog_rollback (catalog);
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                     _("The hub sent a page that does not follow this kiosk’s data (from %lld, "
                       "the kiosk is at %lld): it was set aside"),
                     (long long) since, (long long) current);
      return FALSE;
    }
  if (!vtr_catalog_import_object (catalog, page, counts, error) ||
      !vtr_card_apply_blocks (store, page, NULL, error) || !write_cursor (store, cursor, page, error))
    {
      vtr_catalog_rollback (catalog);
      return FALSE;
    }
  return vtr_catalog_commit (catalog, error);
}

/**
 * vtr_sync_state_is_new_kiosk:
 *
 * Whether this kiosk was never used: its journal holds no pairing, no
 * staff or administrator PIN, no event (sent or not), no order, and no
 * journal of its was ever set aside as damaged. Only such a kiosk pairs
 * from a code shown to its camera without the administrator's PIN: one
 * that was paired, or whose journal has data (or lost it), could
 * otherwise be taken over by anyone showing it a pairing code of their
 * own (docs/design.md, "Pairing").
 */
gboolean
vtr_sync_state_is_new_kiosk (VtrStore *store,
                             GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT EXISTS (SELECT 1 FROM journal.hub) "
                         "  OR EXISTS (SELECT 1 FROM journal.staff) "
                         "  OR EXISTS (SELECT 1 FROM journal.outbox) "
                         "  OR EXISTS (SELECT 1 FROM journal.outbox_rejected) "
                         "  OR EXISTS (SELECT 1 FROM journal.loyalty_event) "
                         "  OR EXISTS (SELECT 1 FROM journal.orders)",
                         error);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return FALSE;
  if (sqlite3_column_int (stmt, 0))
    return FALSE;
  if (!(dir = g_dir_open (vtr_store_get_data_dir (store), 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "journal.db.damaged-"))
      return FALSE;
  return TRUE;
}

/* How many shops and products the kiosk's copy holds. */
static gint64
catalog_size (VtrStore *store,
              gint64   *shops,
              GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT (SELECT count (*) FROM merchant), "
                         "  (SELECT count (*) FROM product) + (SELECT count (*) FROM collection_point)",
                         error);

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return -1;
  *shops = sqlite3_column_int64 (stmt, 0);
  return *shops + sqlite3_column_int64 (stmt, 1);
}

/**
 * vtr_sync_state_replace_catalog:
 * @page: the first page of the hub's change feed, asked from 0
 * @cursor: the cursor after it
 *
 * The hub no longer has the history the kiosk follows (restored from a
 * backup): the kiosk's copy is replaced by the hub's first page, and the
 * cursor moved, in one transaction, so an interrupted download leaves the
 * old copy. A hub with no history at all (cursor 0: a catalogue that
 * never had a row, as after losing its data) would empty the kiosk: that
 * is refused while the kiosk holds a catalogue. The hub's word for
 * "nothing" is the deletions in its feed, which move the cursor.
 */
gboolean
vtr_sync_state_replace_catalog (VtrCatalog      *catalog,
                                JsonObject      *page,
                                gint64           cursor,
                                VtrImportCounts *counts,
                                GError         **error)
{
  VtrStore *store = vtr_catalog_get_store (catalog);
  gint64 shops = 0, size;

  if (!vtr_catalog_begin (catalog, error))
    return FALSE;
  if ((size = catalog_size (store, &shops, error)) < 0)
    {
      vtr_catalog_rollback (catalog);
      return FALSE;
    }
  if (cursor <= 0 && size > 0)
    {
      vtr_catalog_rollback (catalog);
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The hub’s catalogue is empty, as if it had lost its data: this "
                                "kiosk keeps its own copy (%lld shop) and changed nothing. Tell "
                                "the federation.",
                                "The hub’s catalogue is empty, as if it had lost its data: this "
                                "kiosk keeps its own copy (%lld shops) and changed nothing. Tell "
                                "the federation.",
                                shops),
                   (long long) shops);
      return FALSE;
    }
  if (!vtr_catalog_clear (catalog, error) || !vtr_catalog_import_object (catalog, page, counts, error) ||
      !vtr_card_apply_blocks (store, page, NULL, error) || !write_cursor (store, cursor, page, error))
    {
      vtr_catalog_rollback (catalog);
      return FALSE;
    }
  return vtr_catalog_commit (catalog, error);
}

static gboolean
settle_one (VtrStore   *store,
                       const char *uuid,
                       const char *reason,
                       gint64      now,
                       GError    **error)
{
  VtrStatement *stmt;

  if (reason)
    {
      stmt = vtr_store_statement (store,
                                  "INSERT OR REPLACE INTO journal.outbox_rejected (uuid, kind, "
                                  "  payload, created, reason, rejected) "
                                  "SELECT uuid, kind, payload, created, ?2, ?3 FROM journal.outbox "
                                  "WHERE uuid = ?1",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
    }
  else
    {
      /* (ops) Kept, in case the hub is restored from an older backup. */
      stmt = vtr_store_statement (store,
                                  "INSERT OR REPLACE INTO journal.outbox_sent (uuid, kind, payload, "
                                  "  created, acknowledged) "
                                  "SELECT uuid, kind, payload, created, ?2 FROM journal.outbox WHERE uuid = ?1",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
    }
  stmt = vtr_store_statement (store, "DELETE FROM journal.outbox WHERE uuid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_sync_state_settle:
 * @uuids: the events the hub answered for
 * @reasons: for each, %NULL when the hub has it (accepted or duplicate),
 *   the hub's reason when it refused it
 *
 * Those events leave the outbox, in one transaction. A refused event is
 * kept aside with the reason, for the federation to look at.
 */
gboolean
vtr_sync_state_settle (VtrStore          *store,
                       const char * const *uuids,
                       const char * const *reasons,
                       guint              n,
                       gint64             now,
                       GError           **error)
{
  if (!vtr_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!settle_one (store, uuids[i], reasons[i], now, error))
      {
        vtr_store_rollback (store);
        return FALSE;
      }
  {
    VtrStatement *prune = vtr_store_statement (store, "DELETE FROM journal.outbox_sent WHERE acknowledged < ?",
                                               error);

    if (prune == NULL)
      {
        vtr_store_rollback (store);
        return FALSE;
      }
    sqlite3_bind_int64 (prune, 1, now - VTR_SYNC_KEEP_SENT_DAYS * 24 * 3600);
    if (!vtr_store_step_done (store, prune, error))
      {
        vtr_store_rollback (store);
        return FALSE;
      }
  }
  if (!vtr_store_commit (store, error))
    return FALSE;
  /* (shop) A shop edit the hub refused is undone here too: the feed will
   * never bring back what it replaced. */
  return vtr_shop_revert_refused (store, error) >= 0;
}

/* (ops) The hub's history this kiosk follows, or %NULL (not yet told,
 * or not paired). */
char *
vtr_sync_state_history (VtrStore *store,
                        GError  **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, "SELECT history FROM journal.hub WHERE id = 1",
                                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    vtr_store_set_error (store, rc, error);
  return NULL;
}

/**
 * vtr_sync_state_set_history:
 * @resend: the hub changed history (it was restored from a backup): the
 *   events it acknowledged in the last 30 days go back to the outbox,
 *   before those not sent yet (an order's later steps need its first),
 *   and the catalogue is downloaded again
 *
 * In one transaction.
 */
gboolean
vtr_sync_state_set_history (VtrStore   *store,
                            const char *history,
                            gboolean    resend,
                            GError    **error)
{
  static const char * const requeue[] = {
    "CREATE TEMP TABLE IF NOT EXISTS outbox_waiting (uuid TEXT, kind TEXT, payload TEXT, created INTEGER)",
    "DELETE FROM temp.outbox_waiting",
    "INSERT INTO temp.outbox_waiting SELECT uuid, kind, payload, created FROM journal.outbox ORDER BY seq",
    "DELETE FROM journal.outbox",
    "INSERT OR IGNORE INTO journal.outbox (uuid, kind, payload, created) "
    "  SELECT uuid, kind, payload, created FROM journal.outbox_sent ORDER BY acknowledged, created",
    "INSERT OR IGNORE INTO journal.outbox (uuid, kind, payload, created) "
    "  SELECT uuid, kind, payload, created FROM temp.outbox_waiting ORDER BY rowid",
    "DELETE FROM journal.outbox_sent",
    "DELETE FROM temp.outbox_waiting",
  };
  VtrStatement *stmt;

  if (!vtr_store_begin (store, error))
    return FALSE;
  for (guint i = 0; resend && i < G_N_ELEMENTS (requeue); i++)
    {
      if (!vtr_store_exec (store, requeue[i], error))
        {
          vtr_store_rollback (store);
          return FALSE;
        }
    }
  /* A cursor past any hub's: the next download is told to start over
   * (the kiosk keeps its copy until the first page replaces it). */
  if (resend && !write_cursor (store, G_MAXINT64 / 2, NULL, error))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  if (!(stmt = vtr_store_statement (store, "UPDATE journal.hub SET history = ? WHERE id = 1", error)))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, history, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  return vtr_store_commit (store, error);
}

/* Cards with events the hub has but the kiosk's known balance does not
 * count yet. */
GPtrArray *
vtr_sync_state_cards_to_refresh (VtrStore *store,
                                 GError  **error)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT card_id FROM journal.loyalty_event WHERE acknowledged = 0 "
                         "AND uuid NOT IN (SELECT uuid FROM journal.outbox) "
                         /* (cards) both sides of a lost card's transfer */
                         "UNION SELECT old_card FROM journal.card_transfer WHERE acknowledged_old = 0 "
                         "AND uuid NOT IN (SELECT uuid FROM journal.outbox) "
                         "UNION SELECT new_card FROM journal.card_transfer WHERE acknowledged_new = 0 "
                         "AND uuid NOT IN (SELECT uuid FROM journal.outbox)",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cards, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&cards);
}

/**
 * vtr_sync_state_set_balance:
 * @balance: the card's balance on the hub, which counts every event the
 *   hub acknowledged
 *
 * From now on the card's balance is the hub's plus the events still in
 * the outbox.
 */
gboolean
vtr_sync_state_set_balance (VtrStore   *store,
                            const char *card_id,
                            gint64      balance,
                            const char *code,
                            gint64      now,
                            GError    **error)
{
  static const char * const sql[] = {
    "INSERT OR IGNORE INTO journal.card (card_id) VALUES (?1)",
    /* The card's signed code, when the hub confirmed the card: from then
     * on its number alone is enough at this kiosk's counter. */
    "UPDATE journal.card SET acknowledged_balance = ?2, acknowledged_at = ?3, "
    "  code = coalesce (code, ?4) WHERE card_id = ?1",
    "UPDATE journal.loyalty_event SET acknowledged = 1 WHERE card_id = ?1 AND acknowledged = 0 "
    "AND uuid NOT IN (SELECT uuid FROM journal.outbox)",
    /* (cards) a lost card's transfer, once the hub's balance counts it */
    "UPDATE journal.card_transfer SET acknowledged_old = 1 WHERE old_card = ?1 "
    "AND uuid NOT IN (SELECT uuid FROM journal.outbox)",
    "UPDATE journal.card_transfer SET acknowledged_new = 1 WHERE new_card = ?1 "
    "AND uuid NOT IN (SELECT uuid FROM journal.outbox)",
  };

  if (!vtr_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      VtrStatement *stmt = vtr_store_statement (store, sql[i], error);

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (stmt) > 1)
        {
          sqlite3_bind_int64 (stmt, 2, balance);
          sqlite3_bind_int64 (stmt, 3, now);
          if (code)
            sqlite3_bind_text (stmt, 4, code, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (stmt, 4);
        }
      if (!vtr_store_step_done (store, stmt, error))
        goto failed;
    }
  return vtr_store_commit (store, error);

failed:
  vtr_store_rollback (store);
  return FALSE;
}

/* The outcome of a sync attempt, for the freshness shown to users. */
gboolean
vtr_sync_state_record (VtrStore     *store,
                       gint64        now,
                       const GError *failure,
                       GError      **error)
{
  VtrStatement *stmt =
    vtr_store_statement (store,
                         failure ? "UPDATE journal.hub SET last_attempt = ?1, last_error = ?2"
                                 : "UPDATE journal.hub SET last_attempt = ?1, last_success = ?1, "
                                   "  last_error = NULL",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (failure)
    sqlite3_bind_text (stmt, 2, failure->message, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

VtrSyncStatus *
vtr_sync_state_status (VtrStore *store,
                       GError  **error)
{
  g_autoptr(VtrSyncStatus) status = g_new0 (VtrSyncStatus, 1);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT (SELECT count (*) FROM journal.outbox), "
                         "  (SELECT count (*) FROM journal.outbox_rejected), "
                         "  h.url, h.device_name, coalesce (h.last_attempt, 0), "
                         "  coalesce (h.last_success, 0), h.last_error "
                         "FROM (SELECT 1) LEFT JOIN journal.hub AS h ON h.id = 1",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  status->pending = sqlite3_column_int64 (stmt, 0);
  status->rejected = sqlite3_column_int64 (stmt, 1);
  status->paired = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
  status->hub_url = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  status->device_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  status->last_attempt = sqlite3_column_int64 (stmt, 4);
  status->last_success = sqlite3_column_int64 (stmt, 5);
  status->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  g_clear_pointer (&stmt, sqlite3_reset);
  if ((status->cursor = vtr_sync_state_cursor (store, error)) < 0)
    return NULL;
  return g_steal_pointer (&status);
}

/* (ops) What this device knows of its own health, for the hub's
 * heartbeat: @part is "camera" or "printer", @state a short word
 * ("ok", "paper-out", "paper-low", "cover-open", "offline", "none"). Kept
 * with the catalogue's sync state: a rebuilt catalogue forgets it until
 * the next note. */
gboolean
vtr_sync_state_note_device (VtrStore   *store,
                            const char *part,
                            const char *state,
                            GError    **error)
{
  g_autofree char *key = g_strconcat ("device.", part, NULL);
  VtrStatement *stmt = vtr_store_statement (store, "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_sync_state_heartbeat:
 *
 * The device's heartbeat, sent with every request to the hub (the
 * Vitrine-Device header, docs/hub-api.md): "version=V; camera=S;
 * printer=S; waiting=N; last-sync=T". Parts it does not know are left
 * out.
 */
char *
vtr_sync_state_heartbeat (VtrStore *store)
{
  GString *text = g_string_new ("version=" PACKAGE_VERSION);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT (SELECT value FROM sync_state WHERE key = 'device.camera'), "
                         "  (SELECT value FROM sync_state WHERE key = 'device.printer'), "
                         "  (SELECT count (*) FROM journal.outbox), "
                         "  (SELECT last_success FROM journal.hub WHERE id = 1)",
                         NULL);

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        g_string_append_printf (text, "; camera=%s", sqlite3_column_text (stmt, 0));
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        g_string_append_printf (text, "; printer=%s", sqlite3_column_text (stmt, 1));
      g_string_append_printf (text, "; waiting=%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 2));
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        g_string_append_printf (text, "; last-sync=%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 3));
    }
  return g_string_free (text, FALSE);
}

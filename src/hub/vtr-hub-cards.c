#include "config.h"

#include "vtr-hub-db.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-json.h"

/*
 * Lost cards on the hub (docs/hub-api.md, "Lost cards"). A `transfer`
 * event (vtr-hub-db.c) blocks a card once and for all in card_block; the
 * card's balance, and that of any event that still arrives for it, then
 * counts on its new card. The block reaches the kiosks through the
 * catalogue's change feed: vtr_hub_db_unpublished_blocks() lists the
 * blocks not yet in catalog.db, which the server publishes after each
 * batch of events (and at start, should it have stopped in between).
 *
 * A counter finds a lost card by its last characters: only cards the
 * federation confirmed, only their number and balance, at most a
 * handful. The hub never holds a customer's phone number.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
failed (VtrHubDb *db,
        GError  **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
               sqlite3_errmsg (vtr_hub_db_get_sqlite (db)));
  return FALSE;
}

static sqlite3_stmt *
prepare (VtrHubDb   *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (vtr_hub_db_get_sqlite (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    failed (db, error);
  return stmt;
}

/**
 * vtr_hub_db_card_state:
 * @blocked: (out): whether the card was declared lost
 * @flagged: (out): events that arrived for the card, or for a lost card
 *   its balance came from, after that card was blocked
 */
gboolean
vtr_hub_db_card_state (VtrHubDb   *db,
                       const char *card_id,
                       gboolean   *blocked,
                       gint64     *flagged,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             "WITH RECURSIVE source (card_id) AS ("
             "    SELECT ?1 UNION SELECT b.old_card FROM card_block b JOIN source s "
             "    ON b.new_card = s.card_id) "
             "SELECT EXISTS (SELECT 1 FROM card_block WHERE old_card = ?1), "
             "  (SELECT count (*) FROM event WHERE card_id IN source AND flag IS NOT NULL)",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return failed (db, error);
  *blocked = sqlite3_column_int (stmt, 0) != 0;
  *flagged = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/**
 * vtr_hub_db_find_cards:
 * @suffix: 6 to 26 of the card's last characters, checked by the caller
 * @builder: a builder where a value is expected: gets an array of
 *   {"card", "balance"}
 * @more: (out): more cards match than the answer holds
 */
gboolean
vtr_hub_db_find_cards (VtrHubDb    *db,
                       const char  *suffix,
                       JsonBuilder *builder,
                       gboolean    *more,
                       GError     **error)
{
  /* The index on the last 6 characters finds the few candidates. */
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db,
             "SELECT card_id FROM card WHERE substr (card_id, -6) = substr (?1, -6) "
             "  AND card_id LIKE '%' || ?1 "
             "  AND card_id NOT IN (SELECT old_card FROM card_block) "
             "ORDER BY card_id LIMIT 6",
             error);
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, suffix, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cards, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return failed (db, error);
  *more = cards->len > 5;
  json_builder_begin_array (builder);
  for (guint i = 0; i < MIN (cards->len, 5); i++)
    {
      gint64 balance, n_events;

      if (!vtr_hub_db_card_balance (db, g_ptr_array_index (cards, i), &balance, &n_events, NULL, error))
        return FALSE;
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "card", g_ptr_array_index (cards, i));
      vtr_json_add_int (builder, "balance", balance);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

/* @all: every block, not only those not published yet (at start: the
 * catalogue may have been restored from a copy older than some blocks).
 * Returns: (transfer container): pairs of card number and block time, as
 * strings. */
GPtrArray *
vtr_hub_db_unpublished_blocks (VtrHubDb *db,
                               gboolean  all,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (db, "SELECT old_card, blocked FROM card_block WHERE published = 0 OR ?", error);
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, all);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (blocks, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (blocks, g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      failed (db, error);
      return NULL;
    }
  return g_steal_pointer (&blocks);
}

gboolean
vtr_hub_db_mark_published (VtrHubDb   *db,
                           const char *card_id,
                           GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "UPDATE card_block SET published = 1 WHERE old_card = ?",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return failed (db, error);
  return TRUE;
}

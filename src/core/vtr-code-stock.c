#include "config.h"

#include "vtr-code-stock.h"

#include <glib/gi18n-lib.h>

#include "vtr-loyalty.h"
#include "vtr-store-private.h"

/*
 * Codes only the federation can sign, issued to a kiosk in advance so it
 * works offline: blank loyalty cards (for enrolments) and pickup codes
 * with their order numbers (for orders). Each is used once.
 */

static const char *
table_for (VtrCodeKind kind)
{
  switch (kind)
    {
    case VTR_CODE_CARD:
      return "card";
    case VTR_CODE_PICKUP:
      return "pickup";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * vtr_code_stock_add:
 * @kind: %VTR_CODE_CARD or %VTR_CODE_PICKUP
 * @codes: signed codes, one a string; empty strings are skipped
 *
 * Stocks the codes, all or nothing: one that is not a trusted code of
 * @kind refuses the lot, saying which line.
 *
 * Returns: how many new codes were stocked (0 with @error set on failure).
 */
guint
vtr_code_stock_add (VtrStore           *store,
                    VtrCodeKind         kind,
                    const char * const *codes,
                    const VtrKeyList   *keys,
                    GDateTime          *now,
                    GError            **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT OR IGNORE INTO journal.%s_stock (%s, code) VALUES (?, ?)",
                                          table_for (kind), kind == VTR_CODE_CARD ? "card_id" : "number");
  guint added = 0;

  if (!vtr_store_begin (store, error))
    return 0;
  for (guint i = 0; codes[i]; i++)
    {
      g_autoptr(VtrCodeInfo) info = NULL;
      VtrStatement *stmt;

      if (*codes[i] == '\0')
        continue;
      info = vtr_code_classify (codes[i], -1, keys, now);
      if (info->kind != kind || info->verdict != VTR_VERDICT_TRUSTED)
        {
          g_autofree char *reason = vtr_verdict_describe (info);

          g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                       kind == VTR_CODE_CARD ? _("Line %u is not a card of the federation: %s")
                                             : _("Line %u is not a pickup code of the federation: %s"),
                       i + 1, reason);
          vtr_store_rollback (store);
          return 0;
        }
      stmt = vtr_store_statement (store, sql, error);
      if (stmt == NULL)
        {
          vtr_store_rollback (store);
          return 0;
        }
      sqlite3_bind_text (stmt, 1, kind == VTR_CODE_CARD ? info->code.card_id : info->code.order, -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, codes[i], -1, SQLITE_STATIC);
      if (!vtr_store_step_done (store, stmt, error))
        {
          vtr_store_rollback (store);
          return 0;
        }
      added += sqlite3_changes (vtr_store_get_db (store));
    }
  if (!vtr_store_commit (store, error))
    return 0;
  return added;
}

/**
 * vtr_code_stock_take:
 *
 * Takes the next unused code of @kind; call inside the transaction of the
 * write that uses it, so a code is used exactly when the write is.
 */
gboolean
vtr_code_stock_take (VtrStore     *store,
                     VtrCodeKind   kind,
                     char        **id,
                     char        **code,
                     GError      **error)
{
  const char *column = kind == VTR_CODE_CARD ? "card_id" : "number";
  g_autofree char *select = g_strdup_printf ("SELECT %s, code FROM journal.%s_stock WHERE used = 0 "
                                             "ORDER BY %s LIMIT 1",
                                             column, table_for (kind), column);
  g_autofree char *update = g_strdup_printf ("UPDATE journal.%s_stock SET used = 1 WHERE %s = ?",
                                             table_for (kind), column);
  g_autoptr(VtrStatement) next = vtr_store_statement (store, select, error);
  VtrStatement *mark;
  int rc;

  if (next == NULL)
    return FALSE;
  rc = sqlite3_step (next);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        return vtr_store_set_error (store, rc, error);
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_BLANK_CARDS,
                   kind == VTR_CODE_CARD
                     ? _("There are no blank cards left on this kiosk: synchronise with the "
                         "federation to get more.")
                     : _("This kiosk has no order numbers left: synchronise with the federation "
                         "to get more."));
      return FALSE;
    }
  *id = g_strdup ((const char *) sqlite3_column_text (next, 0));
  *code = g_strdup ((const char *) sqlite3_column_text (next, 1));
  g_clear_pointer (&next, sqlite3_reset);

  mark = vtr_store_statement (store, update, error);
  if (mark == NULL)
    return FALSE;
  sqlite3_bind_text (mark, 1, *id, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, mark, error);
}

/**
 * vtr_code_stock_count:
 * @left: (out): how many codes of @kind are left to use
 */
gboolean
vtr_code_stock_count (VtrStore     *store,
                      VtrCodeKind   kind,
                      gint64       *left,
                      GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal.%s_stock WHERE used = 0",
                                          table_for (kind));
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  *left = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

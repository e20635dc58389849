#include "config.h"

#include "vtr-hub-stock.h"

#include <glib/gi18n.h>
#include <sodium.h>

/*
 * The stocks of signed codes a device keeps so that it works offline:
 * blank loyalty cards and pickup codes with their order numbers. The hub
 * signs them with its current signing key, as `vitrine-hub sign` does,
 * and records every number it issued and to which device (issued_code),
 * so that two devices never get the same order number.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean
vtr_hub_stock_kind_from_string (const char  *text,
                                VtrCodeKind *kind)
{
  if (g_strcmp0 (text, "pickup") == 0)
    *kind = VTR_CODE_PICKUP;
  else if (g_strcmp0 (text, "card") == 0)
    *kind = VTR_CODE_CARD;
  else
    return FALSE;
  return TRUE;
}

/* An order number a person reads aloud without ambiguity: two letters
 * that no digit or other letter resembles, a dash, four digits. */
char *
vtr_hub_stock_new_order_number (void)
{
  static const char letters[] = "ACDEFHJKLMNPRTUVWXY";

  return g_strdup_printf ("%c%c-%04u", letters[randombytes_uniform (sizeof letters - 1)],
                          letters[randombytes_uniform (sizeof letters - 1)],
                          (guint) randombytes_uniform (10000));
}

static gboolean
failed (sqlite3  *db,
        GError  **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
               sqlite3_errmsg (db));
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/**
 * vtr_hub_stock_issue:
 * @device_id: the device the codes are for; 0 for codes printed on the
 *   hub (`vitrine-hub sign … --count`), which no daily bound limits
 * @kind: %VTR_CODE_PICKUP or %VTR_CODE_CARD
 * @count: from 1 to %VTR_HUB_STOCK_MAX_REQUEST (any for @device_id 0)
 * @expires: last valid day of pickup codes (YYYYMMDD), or 0
 *
 * Signs @count new codes of @kind, each with a number never issued
 * before, and records them for @device_id in one transaction.
 *
 * Returns: (transfer container) (element-type utf8): the signed codes.
 */
GPtrArray *
vtr_hub_stock_issue (VtrHubDb    *hub_db,
                     VtrHubKeys  *keys,
                     gint64       device_id,
                     VtrCodeKind  kind,
                     guint        count,
                     int          expires,
                     gint64       now,
                     GError     **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (hub_db);
  const char *kind_name = kind == VTR_CODE_CARD ? "card" : "pickup";
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) insert = NULL;
  const guint8 *secret = NULL;
  int kid;

  g_return_val_if_fail (kind == VTR_CODE_CARD || kind == VTR_CODE_PICKUP, NULL);

  if (count == 0 || (device_id > 0 && count > VTR_HUB_STOCK_MAX_REQUEST))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("A device asks for 1 to %d codes at a time"), VTR_HUB_STOCK_MAX_REQUEST);
      return NULL;
    }
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      failed (db, error);
      return NULL;
    }
  if (device_id > 0)
    {
      g_autoptr(sqlite3_stmt) today = NULL;
      gint64 issued;

      if (sqlite3_prepare_v2 (db,
                              "SELECT count (*) FROM issued_code "
                              "WHERE device_id = ? AND kind = ? AND issued > ?",
                              -1, &today, NULL) != SQLITE_OK)
        {
          failed (db, error);
          return NULL;
        }
      sqlite3_bind_int64 (today, 1, device_id);
      sqlite3_bind_text (today, 2, kind_name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (today, 3, now - 24 * 3600);
      if (sqlite3_step (today) != SQLITE_ROW)
        {
          failed (db, error);
          return NULL;
        }
      issued = sqlite3_column_int64 (today, 0);
      if (issued + count > VTR_HUB_STOCK_MAX_DAY)
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FORBIDDEN,
                       kind == VTR_CODE_CARD
                         ? _("This device already received %lld blank cards today: ask the federation")
                         : _("This device already received %lld order numbers today: ask the federation"),
                       (long long) issued);
          return NULL;
        }
    }
  if (sqlite3_prepare_v2 (db,
                          "INSERT OR IGNORE INTO issued_code (kind, number, device_id, issued) "
                          "VALUES (?, ?, nullif (?, 0), ?)",
                          -1, &insert, NULL) != SQLITE_OK)
    {
      failed (db, error);
      return NULL;
    }

  kid = vtr_hub_keys_signing_kid (keys, &secret);
  for (guint i = 0; i < count; i++)
    {
      VtrFlashcode code = { kind, .expires = kind == VTR_CODE_PICKUP ? expires : 0, .kid = kid };
      char *url;
      guint tries = 0;

      /* A number no device ever had: drawn again when taken. */
      for (;;)
        {
          const char *number;

          vtr_flashcode_clear (&code);
          if (kind == VTR_CODE_CARD)
            number = code.card_id = vtr_flashcode_new_card_id ();
          else
            number = code.order = vtr_hub_stock_new_order_number ();
          sqlite3_reset (insert);
          sqlite3_bind_text (insert, 1, kind_name, -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 2, number, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 3, device_id);
          sqlite3_bind_int64 (insert, 4, now);
          if (sqlite3_step (insert) != SQLITE_DONE)
            {
              vtr_flashcode_clear (&code);
              failed (db, error);
              return NULL;
            }
          if (sqlite3_changes (db) == 1)
            break;
          if (++tries == 1000)
            {
              vtr_flashcode_clear (&code);
              sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
              g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                                   _("The hub has almost no order numbers left to issue"));
              return NULL;
            }
        }
      url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, error);
      vtr_flashcode_clear (&code);
      if (url == NULL)
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return NULL;
        }
      g_ptr_array_add (codes, url);
    }
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      failed (db, error);
      return NULL;
    }
  return g_steal_pointer (&codes);
}

/**
 * vtr_hub_stock_owner:
 * @number: an order number or a card's id
 * @kind: (out): "pickup" or "card"
 * @device_id: (out): the device it was issued to, 0 for a batch printed
 *   on the hub
 * @device_name: (out) (nullable): that device's name
 * @issued: (out): when (Unix time)
 *
 * Which device the hub issued a code to, for the federation's staff
 * (`vitrine-hub code owner`).
 */
gboolean
vtr_hub_stock_owner_unknown (const char  *number,
                             GError     **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("The hub never issued “%s” to a device"), number);
  return FALSE;
}

gboolean
vtr_hub_stock_owner (VtrHubDb    *hub_db,
                     const char  *number,
                     char       **kind,
                     gint64      *device_id,
                     char       **device_name,
                     gint64      *issued,
                     GError     **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (hub_db);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, VTR_HUB_STOCK_OWNER_SQL, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return vtr_hub_stock_owner_unknown (number, error);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
                   sqlite3_errmsg (db));
      return FALSE;
    }
  *kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *device_id = sqlite3_column_int64 (stmt, 1);
  *device_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  *issued = sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

#include "config.h"

#include "vtr-outbox.h"

#include "vtr-store-private.h"

/*
 * The outbox: what the kiosk wrote and the hub has not acknowledged yet,
 * oldest first. Each journal write appends its event here in the same
 * transaction, under the event's own UUID; a row leaves only when the hub
 * acknowledges that id (the sync issue).
 */

void
vtr_outbox_entry_free (VtrOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->uuid);
  g_free (entry->kind);
  g_free (entry->payload);
  g_free (entry);
}

/* Call inside the transaction of the write it belongs to. */
gboolean
vtr_outbox_append (VtrStore   *store,
                   const char *uuid,
                   const char *kind,
                   const char *payload,
                   gint64      created,
                   GError    **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT INTO journal.outbox (uuid, kind, payload, created) "
                                            "VALUES (?, ?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, created);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_outbox_pending:
 *
 * Returns: (transfer full) (element-type VtrOutboxEntry): the events not
 * yet acknowledged by the hub, oldest first, at most @limit.
 */
GPtrArray *
vtr_outbox_pending (VtrStore *store,
                    guint     limit,
                    GError  **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_outbox_entry_free);
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store,
                                                      "SELECT seq, uuid, kind, payload, created "
                                                      "FROM journal.outbox ORDER BY seq LIMIT ?",
                                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrOutboxEntry *entry = g_new0 (VtrOutboxEntry, 1);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->created = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

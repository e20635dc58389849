#include "config.h"

#include "vtr-print-jobs.h"

#include "vtr-store-private.h"

/*
 * The print queue, in the journal: a job is the ticket's model and where
 * it goes. It is added after the commit of what it prints (an order, a
 * credit), so no ticket ever shows what was not recorded, and it stays
 * until a printer took it: a printer out of paper delays the ticket, it
 * does not lose it.
 */

#define JOB_COLUMNS "id, kind, reference, target, ticket, created, attempts, last_error, coalesce (printed, 0)"

void
vtr_print_job_free (VtrPrintJob *job)
{
  if (job == NULL)
    return;
  g_free (job->kind);
  g_free (job->reference);
  g_free (job->target);
  g_free (job->ticket);
  g_free (job->last_error);
  g_free (job);
}

static VtrPrintJob *
job_from_row (sqlite3_stmt *stmt)
{
  VtrPrintJob *job = g_new0 (VtrPrintJob, 1);

  job->id = sqlite3_column_int64 (stmt, 0);
  job->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  job->reference = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  job->target = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  job->ticket = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  job->created = sqlite3_column_int64 (stmt, 5);
  job->attempts = sqlite3_column_int (stmt, 6);
  job->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  job->printed = sqlite3_column_int64 (stmt, 8);
  return job;
}

gboolean
vtr_print_job_add (VtrStore   *store,
                   const char *kind,
                   const char *reference,
                   const char *target,
                   const char *ticket,
                   gint64      now,
                   gint64     *id,
                   GError    **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT INTO journal.print_job (kind, reference, target, "
                                            "  ticket, created) VALUES (?, ?, ?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, reference, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, target, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ticket, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  if (id)
    *id = sqlite3_last_insert_rowid (vtr_store_get_db (store));
  return TRUE;
}

/* The jobs waiting, oldest first: tickets come out in the order made. */
GPtrArray *
vtr_print_job_pending (VtrStore *store,
                       GError  **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_print_job_free);
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store,
                                                      "SELECT " JOB_COLUMNS " FROM journal.print_job "
                                                      "WHERE printed IS NULL ORDER BY id",
                                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (jobs, job_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&jobs);
}

/* The last job of @kind (any kind when %NULL), printed or not: reprints. */
VtrPrintJob *
vtr_print_job_last (VtrStore   *store,
                    const char *kind,
                    GError    **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store,
                                                      "SELECT " JOB_COLUMNS " FROM journal.print_job "
                                                      "WHERE ?1 IS NULL OR kind = ?1 ORDER BY id DESC LIMIT 1",
                                                      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  return vtr_store_step_row (store, stmt, error) ? job_from_row (stmt) : NULL;
}

gboolean
vtr_print_job_finish (VtrStore *store,
                      gint64    id,
                      gint64    now,
                      GError  **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "UPDATE journal.print_job SET printed = ?2, "
                                            "  attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  return vtr_store_step_done (store, stmt, error);
}

gboolean
vtr_print_job_fail (VtrStore   *store,
                    gint64      id,
                    const char *message,
                    GError    **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "UPDATE journal.print_job SET attempts = attempts + 1, "
                                            "  last_error = ?2 WHERE id = ?1",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, message, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

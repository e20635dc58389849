#pragma once

#include <sqlite3.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/* In the data folder: the lock file every open store holds a claim on,
 * and the mark of the hub's master catalogue (never set aside). */
#define VTR_STORE_LOCK_FILE     "store.lock"
#define VTR_STORE_MASTER_MARKER "catalog.master"

/* A statement from the store's cache: borrowed, reset when it goes out of
 * scope so no read transaction outlives its query. */
typedef sqlite3_stmt VtrStatement;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrStatement, sqlite3_reset)

sqlite3      *vtr_store_get_db     (VtrStore    *self);
gboolean      vtr_store_exec       (VtrStore    *self,
                                    const char  *sql,
                                    GError     **error);
VtrStatement *vtr_store_statement  (VtrStore    *self,
                                    const char  *sql,
                                    GError     **error);
gboolean      vtr_store_set_error  (VtrStore    *self,
                                    int          rc,
                                    GError     **error);
gboolean      vtr_store_step_done  (VtrStore    *self,
                                    sqlite3_stmt *stmt,
                                    GError     **error);
gboolean      vtr_store_step_row   (VtrStore    *self,
                                    sqlite3_stmt *stmt,
                                    GError     **error);
gboolean      vtr_store_begin      (VtrStore    *self,
                                    GError     **error);
gboolean      vtr_store_commit     (VtrStore    *self,
                                    GError     **error);
void          vtr_store_rollback   (VtrStore    *self);
gboolean      vtr_store_catalog_is_master (const char *data_dir);

G_END_DECLS

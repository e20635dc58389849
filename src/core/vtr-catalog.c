#include "config.h"

#include "vtr-catalog.h"

#include "vtr-catalog-private.h"
#include "vtr-opening-hours.h"

/*
 * The catalogue: what the federation's shops sell, where they are, when they
 * open. Queries compute distances in C over the few rows an index hands back
 * (the stockists of one product, the members of one service): at town scale
 * that beats a spatial index and keeps the SQL plain.
 *
 * This file holds the object; the structs are in vtr-catalog-types.c, the
 * writes in vtr-catalog-writes.c and the queries in vtr-catalog-queries.c,
 * which share vtr-catalog-private.h.
 */

G_DEFINE_QUARK (vtr-catalog-error-quark, vtr_catalog_error)

G_DEFINE_FINAL_TYPE (VtrCatalog, vtr_catalog, G_TYPE_OBJECT)

static void
vtr_catalog_finalize (GObject *object)
{
  VtrCatalog *self = (VtrCatalog *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->hours, g_hash_table_unref);

  G_OBJECT_CLASS (vtr_catalog_parent_class)->finalize (object);
}

static void
vtr_catalog_class_init (VtrCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_catalog_finalize;
}

static void
vtr_catalog_init (VtrCatalog *self)
{
  self->hours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) vtr_opening_hours_free);
}

VtrCatalog *
vtr_catalog_new (VtrStore *store)
{
  VtrCatalog *self;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  self = g_object_new (VTR_TYPE_CATALOG, NULL);
  self->store = g_object_ref (store);
  return self;
}

VtrStore *
vtr_catalog_get_store (VtrCatalog *self)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);

  return self->store;
}

/* Steps @stmt: TRUE on a row; FALSE when done, or with @failed and
 * @error set when SQLite failed. */
gboolean
vtr_catalog_step_row (VtrCatalog   *self,
                      sqlite3_stmt *stmt,
                      gboolean     *failed,
                      GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      *failed = TRUE;
      vtr_store_set_error (self->store, rc, error);
    }
  return FALSE;
}

#include "config.h"

#include "vtr-shop-review.h"

#include <glib/gi18n-lib.h>

#include "vtr-catalog.h"
#include "vtr-shop-edit.h"
#include "vtr-store-private.h"

/*
 * A merchant-made product stays its shop's own until the federation looks
 * at it: accepted, it becomes a product like the others; merged, its
 * stock, promotions and rewards move to the federation's product of the
 * same barcode and it goes. Each in one transaction, published to the
 * kiosks by the change feed like any catalogue write.
 */

void
vtr_made_product_free (VtrMadeProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->gtin);
  g_free (product->name);
  g_free (product->brand);
  g_free (product->category);
  g_free (product->merchant_name);
  g_free (product);
}

GPtrArray *
vtr_shop_review_list (VtrStore *store,
                      GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_made_product_free);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT p.id, p.gtin, p.name, p.brand, p.category, m.product_id, "
                         "  coalesce ((SELECT name FROM merchant WHERE id = m.merchant_id), ''), m.merchant_id, "
                         "  m.created FROM product_made m JOIN product p ON p.id = m.product_id "
                         "WHERE m.reviewed IS NULL ORDER BY m.created, p.id",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrMadeProduct *p = g_new0 (VtrMadeProduct, 1);

      p->product_id = sqlite3_column_int64 (stmt, 0);
      p->gtin = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      p->brand = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      p->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      p->merchant_name = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      p->merchant_id = sqlite3_column_int64 (stmt, 7);
      p->created = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (list, p);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
pending (VtrStore *store,
         gint64    product_id,
         GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT 1 FROM product_made WHERE product_id = ? AND reviewed IS NULL", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
               _("Product %lld is not a merchant’s product waiting for review."), (long long) product_id);
  return FALSE;
}

static gboolean
run (VtrStore   *store,
     const char *sql,
     gint64      a,
     gint64      b,
     GError    **error)
{
  g_auto(GStrv) statements = g_strsplit (sql, ";", -1);

  for (guint i = 0; statements[i] && *statements[i]; i++)
    {
      VtrStatement *stmt = vtr_store_statement (store, statements[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, a);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_int64 (stmt, 2, b);
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
vtr_shop_review_accept (VtrStore *store,
                        gint64    product_id,
                        gint64    now,
                        GError  **error)
{
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!pending (store, product_id, error) ||
      !run (store, "UPDATE product_made SET reviewed = ?2 WHERE product_id = ?1", product_id, now, error))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  return vtr_store_commit (store, error);
}

/* Moves what refers to @from onto @into, then removes @from; a shop that
 * already stocks @into keeps its line there. Inside a transaction. */
static gboolean
merge (VtrStore *store,
       gint64    from,
       gint64    into,
       GError  **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);

  return run (store,
              "UPDATE OR IGNORE stock SET product_id = ?2 WHERE product_id = ?1;"
              "UPDATE OR IGNORE stock_edit SET product_id = ?2 WHERE product_id = ?1;"
              "DELETE FROM stock_edit WHERE product_id = ?1;"
              "UPDATE promotion SET product_id = ?2 WHERE product_id = ?1;"
              "UPDATE reward SET product_id = ?2 WHERE product_id = ?1",
              from, into, error) &&
         vtr_catalog_delete (catalog, VTR_TABLE_PRODUCTS, from, 0, error);
}

gboolean
vtr_shop_review_merge (VtrStore *store,
                       gint64    product_id,
                       gint64    into_id,
                       gint64    now,
                       GError  **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!pending (store, product_id, error))
    goto rollback;
  stmt = vtr_store_statement (store,
                              "SELECT (SELECT gtin FROM product WHERE id = ?1) IS (SELECT gtin FROM product WHERE id = ?2), "
                              "  EXISTS (SELECT 1 FROM product_made WHERE product_id = ?2 AND reviewed IS NULL), "
                              "  EXISTS (SELECT 1 FROM product WHERE id = ?2)",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, product_id);
  sqlite3_bind_int64 (stmt, 2, into_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      vtr_store_set_error (store, rc, error);
      goto rollback;
    }
  if (!sqlite3_column_int (stmt, 2) || sqlite3_column_int (stmt, 1) || into_id == product_id)
    {
      g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                   _("Product %lld is not a federation product to merge into."), (long long) into_id);
      goto rollback;
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!run (store, "UPDATE product_made SET reviewed = ?2 WHERE product_id = ?1", product_id, now, error) ||
      !merge (store, product_id, into_id, error))
    goto rollback;
  return vtr_store_commit (store, error);

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

gboolean
vtr_shop_review_take_gtin (VtrStore   *store,
                           const char *gtin14,
                           gint64      federation_id,
                           gint64     *made,
                           GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT p.id FROM product p JOIN product_made m ON m.product_id = p.id "
                         "WHERE p.gtin = ? AND p.id <> ?",
                         error);
  int rc;

  *made = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, gtin14, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, federation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  *made = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_reset);
  return run (store, "UPDATE product SET gtin = NULL WHERE id = ?1", *made, 0, error);
}

gboolean
vtr_shop_review_merge_now (VtrStore *store,
                           gint64    made,
                           gint64    into_id,
                           gint64    now,
                           GError  **error)
{
  return run (store, "UPDATE product_made SET reviewed = ?2 WHERE product_id = ?1", made, now, error) &&
         merge (store, made, into_id, error);
}

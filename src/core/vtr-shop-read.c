#include "config.h"

#include "vtr-shop-read.h"

#include "vtr-catalog.h"
#include "vtr-catalog-private.h"
#include "vtr-store-private.h"

/**
 * vtr_shop_promotions_running:
 * @now: promotions that end after this
 *
 * The shop's promotions running or to come, soonest ending first: what
 * "Ma boutique" lists, each with its "end now". Blocking SQLite work:
 * call it from a worker thread.
 *
 * Returns: (transfer full) (element-type VtrPromotion): the promotions,
 *   or %NULL with @error set
 */
GPtrArray *
vtr_shop_promotions_running (VtrStore   *store,
                             gint64      merchant_id,
                             GDateTime  *now,
                             GError    **error)
{
  g_autoptr(GPtrArray) promotions = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_free);
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT " PROMOTION_COLUMNS " FROM promotion r "
                              "WHERE r.merchant_id = ?1 AND r.ends > ?2 ORDER BY r.ends, r.id",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, g_date_time_to_unix (now));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (promotions, vtr_promotion_from_row (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&promotions);
}

/**
 * vtr_shop_collections_taken:
 *
 * Returns: (transfer full): the VtrCollectionKind values the shop takes
 *   (its own collection points), -1 terminated; %NULL with @error set
 */
int *
vtr_shop_collections_taken (VtrStore  *store,
                            gint64     merchant_id,
                            GError   **error)
{
  g_autoptr(GArray) kinds = g_array_new (TRUE, FALSE, sizeof (int));
  g_autoptr(VtrStatement) stmt = NULL;
  int end = -1;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT DISTINCT kind FROM collection_point WHERE merchant_id = ?1 ORDER BY kind",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int kind = sqlite3_column_int (stmt, 0);

      g_array_append_val (kinds, kind);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  g_array_append_val (kinds, end);
  return (int *) g_array_free (g_steal_pointer (&kinds), FALSE);
}

/**
 * vtr_shop_loyalty_cents_per_point:
 *
 * Returns: how many cents of purchase make a point at the shop; 0 when
 *   it has no rule; -1 with @error set
 */
gint64
vtr_shop_loyalty_cents_per_point (VtrStore  *store,
                                  gint64     merchant_id,
                                  GError   **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), -1);

  stmt = vtr_store_statement (store, "SELECT cents_per_point FROM loyalty_rule WHERE merchant_id = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return -1;
    }
  return 0;
}

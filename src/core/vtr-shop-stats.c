#include "config.h"

#include "vtr-shop-stats.h"

#include "vtr-catalog-private.h"
#include "vtr-opening-hours.h"
#include "vtr-store-private.h"

/*
 * How a shop does, from this device's own journal: the loyalty events
 * and the orders of the shop, week by week (Monday to Sunday in
 * Marseille), for this week and the eight before it, and the products
 * its customers ordered most. What other devices saw (a kiosk's scans of
 * the shop's posters) is the hub's to count, not this journal's.
 */

static void
top_product_free (VtrShopTopProduct *top)
{
  g_free (top->name);
  g_free (top);
}

void
vtr_shop_stats_free (VtrShopStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->top, g_ptr_array_unref);
  g_free (stats);
}

/* Which of the weeks @time falls in, or -1. */
static int
week_of (const VtrShopStats *stats,
         gint64              time)
{
  for (int w = VTR_SHOP_STATS_WEEKS - 1; w >= 0; w--)
    if (time >= stats->weeks[w].starts)
      return w;
  return -1;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/**
 * vtr_shop_stats_read:
 * @now: the moment "this week" contains
 *
 * Returns: (transfer full): the shop's weeks, or %NULL with @error set
 */
VtrShopStats *
vtr_shop_stats_read (VtrStore   *store,
                     gint64      merchant_id,
                     GDateTime  *now,
                     GError    **error)
{
  g_autoptr(VtrShopStats) stats = g_new0 (VtrShopStats, 1);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) monday = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GArray *collect[VTR_SHOP_STATS_WEEKS];
  gint64 first;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  local = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
  monday = g_date_time_new (vtr_opening_hours_timezone (), g_date_time_get_year (local),
                            g_date_time_get_month (local), g_date_time_get_day_of_month (local), 0, 0, 0);
  {
    GDateTime *start = g_date_time_add_days (monday, 1 - g_date_time_get_day_of_week (local));

    g_date_time_unref (monday);
    monday = start;
  }
  for (int w = 0; w < VTR_SHOP_STATS_WEEKS; w++)
    {
      g_autoptr(GDateTime) start = g_date_time_add_weeks (monday, w - (VTR_SHOP_STATS_WEEKS - 1));

      stats->weeks[w].starts = g_date_time_to_unix (start);
      stats->weeks[w].collect_minutes = -1;
      collect[w] = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  first = stats->weeks[0].starts;
  stats->top = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);

  /* Points and customers: every event of the shop's, oldest first, so a
   * card's first visit is the first one met (the weeks before count as
   * visits too, so a customer of two months ago is a returning one). */
  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (store,
                           "SELECT card_id, kind, points, created FROM journal.loyalty_event "
                           "WHERE merchant_id = ?1 ORDER BY created",
                           error);

    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, merchant_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *card = (const char *) sqlite3_column_text (stmt, 0);
        const char *kind = (const char *) sqlite3_column_text (stmt, 1);
        gint64 created = sqlite3_column_int64 (stmt, 3);
        int w = created >= first ? week_of (stats, created) : -1;
        gboolean known = g_hash_table_contains (seen, card);
        g_autofree char *key = g_strdup_printf ("%s/%d", card, w);

        if (w >= 0 && g_str_equal (kind, "credit"))
          stats->weeks[w].points += sqlite3_column_int64 (stmt, 2);
        /* A customer counts once a week. */
        if (w >= 0 && !g_hash_table_contains (seen, key))
          {
            if (known)
              stats->weeks[w].returning_customers++;
            else
              stats->weeks[w].new_customers++;
            g_hash_table_add (seen, g_steal_pointer (&key));
          }
        if (!known)
          g_hash_table_add (seen, g_strdup (card));
      }
    if (rc != SQLITE_DONE && !vtr_store_set_error (store, rc, error))
      goto fail;
  }

  /* Orders, and how long they waited to be collected. */
  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (store,
                           "SELECT o.created, (SELECT min(e.at) FROM journal.order_event e "
                           "                   WHERE e.order_uuid = o.uuid AND e.state = 'collected') "
                           "FROM journal.orders o WHERE o.merchant_id = ?1 AND o.created >= ?2",
                           error);

    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, merchant_id);
    sqlite3_bind_int64 (stmt, 2, first);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 created = sqlite3_column_int64 (stmt, 0);
        int w = week_of (stats, created);

        if (w < 0)
          continue;
        stats->weeks[w].orders++;
        if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
          {
            gint64 minutes = MAX (0, sqlite3_column_int64 (stmt, 1) - created) / 60;

            stats->weeks[w].collected++;
            g_array_append_val (collect[w], minutes);
          }
      }
    if (rc != SQLITE_DONE && !vtr_store_set_error (store, rc, error))
      goto fail;
  }
  for (int w = 0; w < VTR_SHOP_STATS_WEEKS; w++)
    if (collect[w]->len > 0)
      {
        g_array_sort (collect[w], compare_gint64);
        stats->weeks[w].collect_minutes = g_array_index (collect[w], gint64, collect[w]->len / 2);
      }

  /* The products ordered most, with their names from the catalogue. */
  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (store,
                           "SELECT coalesce(p.name, '#' || l.product_id), sum(l.quantity) AS sold "
                           "FROM journal.order_line l JOIN journal.orders o ON o.uuid = l.order_uuid "
                           "LEFT JOIN product p ON p.id = l.product_id "
                           "WHERE o.merchant_id = ?1 AND o.created >= ?2 "
                           "AND o.state NOT IN ('cancelled', 'refused') "
                           "GROUP BY l.product_id ORDER BY sold DESC, l.product_id LIMIT ?3",
                           error);

    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, merchant_id);
    sqlite3_bind_int64 (stmt, 2, first);
    sqlite3_bind_int (stmt, 3, VTR_SHOP_STATS_TOP);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        VtrShopTopProduct *top = g_new0 (VtrShopTopProduct, 1);

        top->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        top->sold = sqlite3_column_int64 (stmt, 1);
        g_ptr_array_add (stats->top, top);
      }
    if (rc != SQLITE_DONE && !vtr_store_set_error (store, rc, error))
      goto fail;
  }

  for (int w = 0; w < VTR_SHOP_STATS_WEEKS; w++)
    g_array_unref (collect[w]);
  return g_steal_pointer (&stats);

fail:
  for (int w = 0; w < VTR_SHOP_STATS_WEEKS; w++)
    g_array_unref (collect[w]);
  return NULL;
}

/**
 * vtr_shop_promotions_running:
 * @now: promotions that end after this
 *
 * The shop's promotions running or to come, soonest ending first: what
 * "Ma boutique" lists, each with its "end now".
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

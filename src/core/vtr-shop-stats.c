#include "config.h"

#include "vtr-shop-stats.h"

#include <stdlib.h>

#include "vtr-json.h"
#include "vtr-opening-hours.h"
#include "vtr-store-private.h"

/*
 * (shop) The shop's weekly figures from the journal: one query per
 * figure over the whole period, grouped by week in SQL, so the charts
 * cost a few indexed scans whatever the number of weeks.
 */

static void
top_product_free (gpointer data)
{
  VtrShopTopProduct *top = data;

  g_free (top->name);
  g_free (top);
}

static void
top_poster_free (gpointer data)
{
  VtrShopTopPoster *top = data;

  g_free (top->name);
  g_free (top);
}

void
vtr_shop_stats_free (VtrShopStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->weeks, g_array_unref);
  g_clear_pointer (&stats->top_products, g_ptr_array_unref);
  g_clear_pointer (&stats->top_posters, g_ptr_array_unref);
  g_free (stats);
}

/* The week @t falls in: its index among @n weeks starting at @first, or -1. */
static int
week_of (gint64  t,
         gint64 *starts,
         guint   n)
{
  for (int i = n - 1; i >= 0; i--)
    if (t >= starts[i])
      return i == (int) n - 1 || t < starts[i + 1] ? i : -1;
  return -1;
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* YYYYMMDD of Unix time @t in Marseille, as the hub counts days. */
static gint64
day_of (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, vtr_opening_hours_timezone ());

  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/* (poster) The scans of the shop's posters the hub counted for it
 * (journal.poster_scan, from its sync): per week, kiosks and phones,
 * and the posters scanned most over the weeks. */
static gboolean
query_poster_scans (VtrStore      *store,
                    VtrShopStats  *stats,
                    const gint64  *starts,
                    guint          n_weeks,
                    GError       **error)
{
  g_autofree gint64 *first_days = g_new (gint64, n_weeks);
  VtrStatement *stmt;
  int rc;

  for (guint i = 0; i < n_weeks; i++)
    first_days[i] = day_of (starts[i]);
  stmt = vtr_store_statement (store,
                              "SELECT day, source, sum (scans) FROM journal.poster_scan "
                              "WHERE merchant_id = ? AND day >= ? GROUP BY day, source",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stats->merchant_id);
  sqlite3_bind_int64 (stmt, 2, first_days[0]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 day = sqlite3_column_int64 (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 2);
      VtrShopWeek *w;
      int i;

      for (i = n_weeks - 1; i > 0 && day < first_days[i]; i--)
        ;
      w = &g_array_index (stats->weeks, VtrShopWeek, i);
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "kiosk") == 0)
        w->poster_scans_kiosk += n;
      else
        w->poster_scans_phone += n;
      w->poster_scans += n;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);

  stmt = vtr_store_statement (store,
                              "SELECT s.product_id, p.name, "
                              "  sum (CASE WHEN s.source = 'kiosk' THEN s.scans ELSE 0 END), "
                              "  sum (CASE WHEN s.source = 'phone' THEN s.scans ELSE 0 END), "
                              "  sum (s.scans) AS n "
                              "FROM journal.poster_scan s LEFT JOIN product p ON p.id = s.product_id "
                              "WHERE s.merchant_id = ? AND s.day >= ? "
                              "GROUP BY s.product_id ORDER BY n DESC, s.product_id LIMIT 10",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stats->merchant_id);
  sqlite3_bind_int64 (stmt, 2, first_days[0]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopTopPoster *top = g_new0 (VtrShopTopPoster, 1);

      top->product_id = sqlite3_column_int64 (stmt, 0);
      if (top->product_id > 0)
        top->name = g_strdup (sqlite3_column_type (stmt, 1) == SQLITE_NULL ? ""
                                                                           : (const char *) sqlite3_column_text (stmt, 1));
      top->kiosk = sqlite3_column_int (stmt, 2);
      top->phone = sqlite3_column_int (stmt, 3);
      g_ptr_array_add (stats->top_posters, top);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  return TRUE;
}

VtrShopStats *
vtr_shop_stats_query (VtrStore   *store,
                      gint64      merchant_id,
                      GDateTime  *now,
                      guint       n_weeks,
                      GError    **error)
{
  g_autoptr(VtrShopStats) stats = g_new0 (VtrShopStats, 1);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
  g_autofree gint64 *starts = NULL;
  g_autofree GArray **durations = NULL;
  gint64 first;
  VtrStatement *stmt;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);
  n_weeks = CLAMP (n_weeks, 1, 104);

  stats->merchant_id = merchant_id;
  stats->weeks = g_array_sized_new (FALSE, TRUE, sizeof (VtrShopWeek), n_weeks);
  stats->top_products = g_ptr_array_new_with_free_func (top_product_free);
  stats->top_posters = g_ptr_array_new_with_free_func (top_poster_free);
  starts = g_new (gint64, n_weeks);
  durations = g_new0 (GArray *, n_weeks);
  {
    g_autoptr(GDateTime) monday = g_date_time_new (vtr_opening_hours_timezone (), g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);

    for (guint i = 0; i < n_weeks; i++)
      {
        g_autoptr(GDateTime) week = g_date_time_add_days (monday, -(g_date_time_get_day_of_week (local) - 1) -
                                                                    7 * (int) (n_weeks - 1 - i));
        VtrShopWeek w = { .starts = g_date_time_to_unix (week), .collect_median = -1 };

        starts[i] = w.starts;
        g_array_append_val (stats->weeks, w);
        durations[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      }
  }
  first = starts[0];

  /* Credits and customers: a card is new the week of its first event
   * at the shop, whenever that was. */
  stmt = vtr_store_statement (store,
                              "SELECT e.created, e.points, e.kind, e.card_id, "
                              "  (SELECT min (created) FROM journal.loyalty_event f "
                              "   WHERE f.card_id = e.card_id AND f.merchant_id = e.merchant_id) "
                              "FROM journal.loyalty_event e WHERE e.merchant_id = ? AND e.created >= ?",
                              error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, first);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        int i = week_of (sqlite3_column_int64 (stmt, 0), starts, n_weeks);
        VtrShopWeek *w;
        g_autofree char *key = NULL;

        if (i < 0)
          continue;
        w = &g_array_index (stats->weeks, VtrShopWeek, i);
        if (g_str_equal ((const char *) sqlite3_column_text (stmt, 2), "credit"))
          {
            w->points += sqlite3_column_int64 (stmt, 1);
            w->credits++;
          }
        key = g_strdup_printf ("%d:%s", i, (const char *) sqlite3_column_text (stmt, 3));
        if (g_hash_table_contains (seen, key))
          continue;
        if (week_of (sqlite3_column_int64 (stmt, 4), starts, n_weeks) == i)
          w->customers_new++;
        else
          w->customers_returning++;
        g_hash_table_add (seen, g_steal_pointer (&key));
      }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
      {
        vtr_store_set_error (store, rc, error);
        goto failed;
      }
  }

  /* Orders, and how long they waited to be collected. */
  stmt = vtr_store_statement (store,
                              "SELECT o.created, o.state, (SELECT max (at) FROM journal.order_event v "
                              "  WHERE v.order_uuid = o.uuid AND v.state = 'collected') "
                              "FROM journal.orders o WHERE o.merchant_id = ? AND o.created >= ?",
                              error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, first);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 created = sqlite3_column_int64 (stmt, 0);
      int i = week_of (created, starts, n_weeks);
      VtrShopWeek *w;

      if (i < 0)
        continue;
      w = &g_array_index (stats->weeks, VtrShopWeek, i);
      w->orders++;
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "collected") == 0)
        {
          gint64 wait = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 2) - created;

          w->orders_collected++;
          if (wait >= 0)
            g_array_append_val (durations[i], wait);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      goto failed;
    }
  for (guint i = 0; i < n_weeks; i++)
    {
      GArray *d = durations[i];

      if (d->len == 0)
        continue;
      qsort (d->data, d->len, sizeof (gint64), compare_gint64);
      g_array_index (stats->weeks, VtrShopWeek, i).collect_median = g_array_index (d, gint64, d->len / 2);
    }

  /* The products most ordered over the period. */
  stmt = vtr_store_statement (store,
                              "SELECT l.product_id, coalesce (p.name, ''), sum (l.quantity) AS n "
                              "FROM journal.order_line l JOIN journal.orders o ON o.uuid = l.order_uuid "
                              "LEFT JOIN product p ON p.id = l.product_id "
                              "WHERE o.merchant_id = ? AND o.created >= ? AND o.state NOT IN ('cancelled', 'refused') "
                              "GROUP BY l.product_id ORDER BY n DESC, l.product_id LIMIT 10",
                              error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, first);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopTopProduct *top = g_new0 (VtrShopTopProduct, 1);

      top->product_id = sqlite3_column_int64 (stmt, 0);
      top->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      top->quantity = sqlite3_column_int (stmt, 2);
      g_ptr_array_add (stats->top_products, top);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      goto failed;
    }

  if (!query_poster_scans (store, stats, starts, n_weeks, error))
    goto failed;

  for (guint i = 0; i < n_weeks; i++)
    g_array_unref (durations[i]);
  return g_steal_pointer (&stats);

failed:
  for (guint i = 0; i < n_weeks; i++)
    g_array_unref (durations[i]);
  return NULL;
}

JsonBuilder *
vtr_shop_stats_to_json (VtrShopStats *stats)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "merchant_id", stats->merchant_id);
  json_builder_set_member_name (builder, "weeks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats->weeks->len; i++)
    {
      VtrShopWeek *w = &g_array_index (stats->weeks, VtrShopWeek, i);

      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "starts", w->starts);
      vtr_json_add_int (builder, "points", w->points);
      vtr_json_add_int (builder, "credits", w->credits);
      vtr_json_add_int (builder, "customers_new", w->customers_new);
      vtr_json_add_int (builder, "customers_returning", w->customers_returning);
      vtr_json_add_int (builder, "orders", w->orders);
      vtr_json_add_int (builder, "orders_collected", w->orders_collected);
      vtr_json_add_int (builder, "collect_median_seconds", w->collect_median);
      vtr_json_add_int (builder, "poster_scans", w->poster_scans);
      vtr_json_add_int (builder, "poster_scans_kiosk", w->poster_scans_kiosk);
      vtr_json_add_int (builder, "poster_scans_phone", w->poster_scans_phone);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "top_products");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats->top_products->len; i++)
    {
      VtrShopTopProduct *top = g_ptr_array_index (stats->top_products, i);

      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "product_id", top->product_id);
      vtr_json_add_string (builder, "name", top->name);
      vtr_json_add_int (builder, "quantity", top->quantity);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "top_posters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats->top_posters->len; i++)
    {
      VtrShopTopPoster *top = g_ptr_array_index (stats->top_posters, i);

      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "product_id", top->product_id);
      vtr_json_add_string (builder, "name", top->name);
      vtr_json_add_int (builder, "kiosk", top->kiosk);
      vtr_json_add_int (builder, "phone", top->phone);
      vtr_json_add_int (builder, "scans", top->kiosk + top->phone);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder;
}

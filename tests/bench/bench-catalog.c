#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-bench-catalog.h"
#include "vtr-catalog.h"
#include "vtr-opening-hours.h"
#include "vtr-random.h"
#include "vtr-service.h"

/*
 * The catalogue at the scale of the département (2,100 shops, 100,000
 * products, 1,000,000 stock lines, 5,000 promotions) and ten times more
 * shops and stock: how fast it loads and how fast the kiosk's questions are
 * answered. Popularity is skewed as in real life: a few products are sold
 * almost everywhere, most by a handful of shops.
 *
 *   bench-catalog [--scale F] [--only departement|x10] [--queries N]
 *
 * Prints a table, then one JSON object a line:
 *   {"bench":..., "metric":..., "value":..., "goal":...}
 */

static double scale = 1.0;
static int n_queries = 2000;
static char *only = NULL;
static char *keep_dir = NULL;

static const GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale every size by F (smoke runs)", "F" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run one size: departement or x10", "SIZE" },
  { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Queries per measure (default 2000)", "N" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Build in DIR and keep it (for profiling)", "DIR" },
  { NULL },
};


typedef struct
{
  double p50, p95, p99;
} Percentiles;

static Percentiles
percentiles (GArray *samples)
{
  return (Percentiles) {
    vtr_bench_quantile (samples, 0.50),
    vtr_bench_quantile (samples, 0.95),
    vtr_bench_quantile (samples, 0.99),
  };
}

static GString *json_lines;

static void
report (const char *bench, const char *metric, double value, double goal)
{
  vtr_bench_report (json_lines, bench, metric, value, goal);
}

static void
run_size (const Size *size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = keep_dir ? g_build_filename (keep_dir, size->name, NULL)
                                  : g_dir_make_tmp ("vitrine-bench-XXXXXX", &error);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GDateTime) now = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 25, 11, 0, 0);
  g_autoptr(GArray) nearest = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) service = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) text = g_array_new (FALSE, FALSE, sizeof (double));
  VtrRandom r = { 0x42 };
  guint n_services;
  const VtrService *services = vtr_service_all (&n_services);
  Percentiles p;
  double rate;

  g_assert_no_error (error);
  printf ("%s: %u shops, %u products, %u stock lines, %u promotions\n", size->name,
          size->merchants, size->products, size->stock, size->promotions);

  store = vtr_store_open (dir, &error);
  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  rate = vtr_bench_catalog_load (catalog, size, &r, now);
  printf ("  load rate                 %10.0f rows/s   (goal ≥ 200000)\n", rate);
  report (size->name, "load_rows_per_s", rate, 200000);

  /* Warm the page cache and statements, as a kiosk that has been running. */
  for (int i = 0; i < 200; i++)
    {
      VtrPosition where;
      g_autoptr(GPtrArray) result = NULL;

      random_position (&r, &where);
      result = vtr_catalog_nearest_stockists (catalog, 1 + vtr_random_below (&r, size->products),
                                              &where, now, 10, 0, &error);
    }

  for (int i = 0; i < n_queries; i++)
    {
      VtrPosition where;
      gint64 product = 1 + vtr_random_below (&r, size->products);
      double t0;
      GPtrArray *result;

      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_nearest_stockists (catalog, product, &where, now, 10, 0, &error);
      g_array_append_val (nearest, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      g_assert_cmpuint (result->len, >=, 1);
      g_ptr_array_unref (result);
    }
  p = percentiles (nearest);
  printf ("  nearest-10 stockists      p50 %.3f ms  p95 %.3f ms  p99 %.3f ms   (goal p95 ≤ %g ms)\n",
          p.p50, p.p95, p.p99, size->goal_nearest_p95_ms);
  report (size->name, "nearest10_stockists_p50_ms", p.p50, NAN);
  report (size->name, "nearest10_stockists_p95_ms", p.p95, size->goal_nearest_p95_ms);
  report (size->name, "nearest10_stockists_p99_ms", p.p99, NAN);

  for (int i = 0; i < n_queries / 2; i++)
    {
      VtrPosition where;
      double t0;
      GPtrArray *result;

      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_near_service (catalog, services[vtr_random_below (&r, n_services)].id,
                                         &where, now, 10, &error);
      g_array_append_val (service, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      g_ptr_array_unref (result);
    }
  p = percentiles (service);
  printf ("  service search (near)     p50 %.3f ms  p95 %.3f ms  p99 %.3f ms\n", p.p50, p.p95, p.p99);
  report (size->name, "service_search_p50_ms", p.p50, NAN);
  report (size->name, "service_search_p95_ms", p.p95, NAN);
  report (size->name, "service_search_p99_ms", p.p99, NAN);

  for (int i = 0; i < n_queries / 2; i++)
    {
      VtrPosition where;
      const char *noun = nouns[vtr_random_below (&r, G_N_ELEMENTS (nouns))];
      const char *qualifier = qualifiers[vtr_random_below (&r, G_N_ELEMENTS (qualifiers))];
      g_autofree char *query = NULL;
      double t0;
      VtrSearchResults *result;

      /* What shoppers type: a word or two, often cut short. */
      switch (i % 3)
        {
        case 0:
          query = g_strndup (noun, MAX (3, strlen (noun) - 2));
          break;
        case 1:
          query = g_strdup_printf ("%s %s", noun, qualifier);
          break;
        default:
          query = g_strdup (brand_parts[vtr_random_below (&r, G_N_ELEMENTS (brand_parts))]);
          break;
        }
      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_search (catalog, query, &where, now, 20, &error);
      g_array_append_val (text, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      vtr_search_results_free (result);
    }
  p = percentiles (text);
  printf ("  text search               p50 %.3f ms  p95 %.3f ms  p99 %.3f ms   (goal p95 ≤ 5 ms)\n",
          p.p50, p.p95, p.p99);
  report (size->name, "text_search_p50_ms", p.p50, NAN);
  report (size->name, "text_search_p95_ms", p.p95, 5);
  report (size->name, "text_search_p99_ms", p.p99, NAN);

  g_clear_object (&catalog);
  g_clear_object (&store);
  if (keep_dir == NULL)
  {
    static const char * const files[] = { "catalog.db", "catalog.db-wal", "catalog.db-shm",
                                          "journal.db", "journal.db-wal", "journal.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (dir, files[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— catalogue benchmark");
  g_autoptr(GError) error = NULL;
  Size sizes[] = {
    { "departement", 2100, 100000, 1000000, 5000, 1.0 },
    { "x10", 21000, 100000, 10000000, 5000, 2.0 },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  json_lines = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Size size = sizes[i];

      if (only && !g_str_equal (only, size.name))
        continue;
      size.merchants = MAX (10, size.merchants * scale);
      size.products = MAX (10, size.products * scale);
      size.stock = MAX (10, size.stock * scale);
      size.promotions = MAX (10, size.promotions * scale);
      run_size (&size);
      fflush (stdout);
    }

  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

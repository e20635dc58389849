#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vtr-catalog.h"
#include "vtr-flashcode.h"
#include "vtr-loyalty.h"

/*
 * What a loyalty credit costs on this machine's disk, with the journal at
 * synchronous=FULL: commit latency p50/p99 and credits per second sustained.
 * Goals: p99 ≤ 10 ms, ≥ 500 credits/s.
 *
 *   bench-journal [--credits N] [--data-dir DIR]
 */

static int n_credits = 3000;
static char *dir_option;

static const GOptionEntry entries[] = {
  { "credits", 0, 0, G_OPTION_ARG_INT, &n_credits, "How many credits (default 3000)", "N" },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_option, "Where the journal goes (default: a temporary folder)", "DIR" },
  { NULL },
};

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— journal benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *session = NULL;
  double start, seconds, p50, p99;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  dir = dir_option ? g_strdup (dir_option) : g_dir_make_tmp ("vitrine-bench-journal-XXXXXX", NULL);

  store = vtr_store_open (dir, &error);
  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  vtr_catalog_put_loyalty_rule (catalog, 1, 100, FALSE, &error);
  vtr_staff_set_pin (store, 1, "1357", &error);
  session = vtr_staff_login (store, 1, "1357", now, &error);
  g_assert_no_error (error);

  /* A different card each time, as at a busy counter; each credit is its
   * own durable transaction. */
  start = now_ms ();
  for (int i = 0; i < n_credits; i++)
    {
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      g_autofree char *card = vtr_flashcode_new_card_id ();
      double t0 = now_ms (), ms;

      if (!vtr_loyalty_credit (store, session, card, 100 + i % 900, NULL, 0, now, &receipt, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      ms = now_ms () - t0;
      g_array_append_val (latencies, ms);
    }
  seconds = (now_ms () - start) / 1000;

  g_array_sort (latencies, compare_doubles);
  p50 = g_array_index (latencies, double, latencies->len / 2);
  p99 = g_array_index (latencies, double, latencies->len * 99 / 100);

  printf ("Loyalty credits, journal synchronous=FULL, in %s:\n", dir);
  printf ("  commit latency   p50 %.2f ms  p99 %.2f ms   (goal p99 ≤ 10 ms)\n", p50, p99);
  printf ("  sustained        %.0f credits/s   (goal ≥ 500)\n", n_credits / seconds);
  printf ("\n{\"bench\":\"journal\",\"metric\":\"credit_commit_p50_ms\",\"value\":%.4g,\"goal\":null}\n", p50);
  printf ("{\"bench\":\"journal\",\"metric\":\"credit_commit_p99_ms\",\"value\":%.4g,\"goal\":10}\n", p99);
  printf ("{\"bench\":\"journal\",\"metric\":\"credits_per_s\",\"value\":%.0f,\"goal\":500}\n",
          n_credits / seconds);

  if (dir_option == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_clear_object (&catalog);
      g_clear_object (&store);
      (void) !system (cmd);
    }
  return 0;
}

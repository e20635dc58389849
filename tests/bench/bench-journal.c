#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-catalog.h"
#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-orders.h"
#include "../vtr-test-keys.h"

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

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— journal benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *session = NULL;
  double start, seconds, p50, p99;
  g_autofree char *order_text = NULL;
  g_autoptr(GString) figures = g_string_new (NULL);

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

  /* A different card each time, as at a busy counter, each one signed by
   * the federation and scanned beforehand (not timed); each credit is its
   * own durable transaction. */
  {
    g_autoptr(VtrKeyList) card_keys = NULL;
    guint8 card_secret[VTR_SECRET_KEY_BYTES];

    card_keys = vtr_test_key_list_new_full (card_secret, store);
    cards = g_ptr_array_new_with_free_func (g_free);
    vtr_store_begin (store, NULL);
    for (int i = 0; i < n_credits; i++)
      g_ptr_array_add (cards, vtr_test_scan_card (store, card_keys, card_secret, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (vtr_store_commit (store, &error));
  }
  start = vtr_bench_now_ms ();
  for (int i = 0; i < n_credits; i++)
    {
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      const char *card = g_ptr_array_index (cards, i);
      double t0 = vtr_bench_now_ms (), ms;

      if (!vtr_loyalty_credit (store, session, card, 100 + i % 900, NULL, 0, now, &receipt, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      ms = vtr_bench_now_ms () - t0;
      g_array_append_val (latencies, ms);
    }
  seconds = (vtr_bench_now_ms () - start) / 1000;

  p50 = vtr_bench_quantile (latencies, 0.50);
  p99 = vtr_bench_quantile (latencies, 0.99);

  /* Orders: a product in stock, order numbers issued by a local key. */
  {
    VtrMerchant shop = { .id = 1, .name = "Savonnerie", .position = { 43.29, 5.37 } };
    VtrProduct soap = { 10, NULL, "Savon", "", "hygiene" };
    VtrStock stock = { 10, 1, 450, VTR_AVAILABILITY_IN_STOCK, 1 };
    g_autoptr(VtrKeyList) keys = NULL;
    guint8 sec[VTR_SECRET_KEY_BYTES];
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GArray) order_latencies = g_array_new (FALSE, FALSE, sizeof (double));
    int n_orders = MAX (10, n_credits / 3);
    double o50, o99;

    vtr_catalog_put_merchant (catalog, &shop, NULL);
    vtr_catalog_put_product (catalog, &soap, NULL);
    vtr_catalog_put_stock (catalog, &stock, NULL);
    keys = vtr_test_key_list_new (sec);
    for (int i = 0; i < n_orders; i++)
      {
        g_autofree char *number = g_strdup_printf ("BN-%05d", i);
        VtrFlashcode code = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };
        g_ptr_array_add (codes, vtr_flashcode_sign (&code, "vtr13.fr", sec, NULL));
      }
    g_ptr_array_add (codes, NULL);
    vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char * const *) codes->pdata, keys, now, NULL);

    for (int i = 0; i < n_orders; i++)
      {
        VtrOrderLine line = { 10, 1 + i % 3, 0 };
        double t0 = vtr_bench_now_ms (), ms;
        g_autoptr(VtrOrder) order = vtr_order_create (store, 1, &line, 1, 0, "Zoé", "0611223344", now,
                                                      &error);

        g_assert_no_error (error);
        ms = vtr_bench_now_ms () - t0;
        g_array_append_val (order_latencies, ms);
      }
    o50 = vtr_bench_quantile (order_latencies, 0.50);
    o99 = vtr_bench_quantile (order_latencies, 0.99);
    order_text = g_strdup_printf ("Orders (%d), same journal:\n"
                                  "  commit latency   p50 %.2f ms  p99 %.2f ms   (goal p99 ≤ 10 ms)\n",
                                  n_orders, o50, o99);
    vtr_bench_report (figures, "journal", "order_commit_p50_ms", o50, NAN);
    vtr_bench_report (figures, "journal", "order_commit_p99_ms", o99, 10);
  }

  printf ("Loyalty credits, journal synchronous=FULL, in %s:\n", dir);
  printf ("  commit latency   p50 %.2f ms  p99 %.2f ms   (goal p99 ≤ 10 ms)\n", p50, p99);
  printf ("  sustained        %.0f credits/s   (goal ≥ 500)\n", n_credits / seconds);
  printf ("%s", order_text);
  vtr_bench_report (figures, "journal", "credit_commit_p50_ms", p50, NAN);
  vtr_bench_report (figures, "journal", "credit_commit_p99_ms", p99, 10);
  vtr_bench_report (figures, "journal", "credits_per_s", n_credits / seconds, 500);
  printf ("\n%s", figures->str);

  if (dir_option == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_clear_object (&catalog);
      g_clear_object (&store);
      (void) !system (cmd);
    }
  return 0;
}

#include "config.h"

#include <adwaita.h>
#include <stdio.h>

#include "vtr-application.h"
#include "vtr-bench.h"
#include "vtr-counter.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-staff.h"
#include "vtr-window.h"
#include "../vtr-test-util.h"

/*
 * The kiosk's main thread while it works, on a real display (Xvfb in
 * ./run bench): a search, a product page and a staff PIN check, again and
 * again, through the window's actions as the screens' buttons ask for
 * them. Meanwhile a heartbeat every 4 ms notes how late the main thread
 * answers it: a frame is drawn by that thread, so its lateness is how
 * long a frame would wait. Goal: p99 ≤ 16 ms (one frame at 60 Hz).
 *
 * For comparison, the same work done inline on the main thread, as the
 * old window did (its catalogue queries and its Argon2id PIN check).
 *
 *   bench-main-thread [--rounds N]
 */

#define HEARTBEAT_MS 4
#define PIN "4321"

static int rounds = 20;
static const GOptionEntry entries[] = {
  { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "How many searches, product pages and PIN checks (default 20)", "N" },
  { NULL },
};

static GArray *lateness;   /* ms, one per heartbeat */
static GArray *phase;      /* the same, for one kind of work, or NULL */
static double expected_ms;

static gboolean
heartbeat (gpointer data)
{
  double now = vtr_bench_now_ms ();
  double late = MAX (0, now - expected_ms);

  g_array_append_val (lateness, late);
  if (phase)
    g_array_append_val (phase, late);
  expected_ms = now + HEARTBEAT_MS;
  return G_SOURCE_CONTINUE;
}

static void
spin_ms (double ms)
{
  double until = vtr_bench_now_ms () + ms;

  while (vtr_bench_now_ms () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The catalogue's thread answers in order: once this answers, what the
 * screens asked before it has been answered too. */
static void
on_sentinel (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(VtrSearchResults) results = vtr_catalog_service_search_finish (VTR_CATALOG_SERVICE (source), result, NULL);

  *(gboolean *) data = TRUE;
}

static void
wait_catalog (VtrApplication *app)
{
  gboolean done = FALSE;
  VtrPosition here = vtr_application_get_position (app);

  vtr_catalog_service_search_async (vtr_application_get_catalog_service (app), "savon", &here, NULL, on_sentinel,
                                    &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  /* The screen's answer drawn. */
  spin_ms (20);
}

static void
activate (VtrWindow  *window,
          const char *action,
          GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, parameter);
}

static void
report (GString    *lines,
        const char *label,
        const char *metric,
        GArray     *samples)
{
  double p50 = vtr_bench_quantile (samples, 0.5);
  double p99 = vtr_bench_quantile (samples, 0.99);
  double max = vtr_bench_quantile (samples, 1.0);

  printf ("  %-34s p50 %6.2f ms   p99 %7.2f ms   max %7.2f ms   (%u beats)\n", label, p50, p99, max,
          samples->len);
  vtr_bench_report (lines, "main-thread", metric, p99, g_str_equal (metric, "lateness-p99-ms") ? 16 : NAN);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the kiosk's main thread while it works");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *data_dir = vtr_test_make_data_dir ();
  g_autoptr(VtrApplication) app = NULL;
  g_autoptr(VtrCounter) counter = NULL;
  VtrWindow *window;
  guint beat;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  vtr_i18n_init ();
  gtk_init ();
  adw_init ();

  /* The demo catalogue, and a shop's staff PIN. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_no_error (error);
    if (!vtr_demo_load (catalog, now, &counts, &error) || !vtr_staff_set_pin (store, 7, PIN, &error))
      g_error ("%s", error->message);
  }

  app = vtr_application_new (data_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  gtk_window_present (GTK_WINDOW (window));
  counter = vtr_counter_new (vtr_application_get_store (app), vtr_application_get_catalog (app),
                             vtr_application_get_printer (app));
  vtr_counter_set_merchant_id (counter, 7);
  spin_ms (500);

  printf ("The main thread's lateness (a heartbeat every %d ms) while the kiosk works, %d rounds\n",
          HEARTBEAT_MS, rounds);

  /* The window: every query through the catalogue's thread, the PIN on a
   * worker thread. */
  lateness = g_array_new (FALSE, FALSE, sizeof (double));
  expected_ms = vtr_bench_now_ms () + HEARTBEAT_MS;
  beat = g_timeout_add_full (G_PRIORITY_HIGH, HEARTBEAT_MS, heartbeat, NULL, NULL);
  {
    g_autoptr(GArray) searching = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) product = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) pin = g_array_new (FALSE, FALSE, sizeof (double));

    for (int i = 0; i < rounds; i++)
      {
        phase = searching;
        activate (window, "search", g_variant_new_string ("savon"));
        wait_catalog (app);
        phase = product;
        activate (window, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 7));
        wait_catalog (app);
        activate (window, "go-home", NULL);
        spin_ms (20);
        phase = pin;
        vtr_counter_clear (counter);
        vtr_counter_open (counter);
        for (const char *key = PIN; *key; key++)
          vtr_counter_press (counter, (char[]) { *key, 0 });
        vtr_counter_press (counter, "OK");
        while (!vtr_counter_get_session_open (counter))
          g_main_context_iteration (NULL, TRUE);
        phase = NULL;
      }
    report (lines, "  a search (its screen built, drawn)", "search-lateness-p99-ms", searching);
    report (lines, "  a product page (built, drawn)", "product-lateness-p99-ms", product);
    report (lines, "  a PIN check (Argon2id)", "pin-lateness-p99-ms", pin);
  }
  g_source_remove (beat);
  report (lines, "the window, as built now", "lateness-p99-ms", lateness);
  g_array_unref (lateness);

  /* The same work inline, as the window did before. */
  lateness = g_array_new (FALSE, FALSE, sizeof (double));
  expected_ms = vtr_bench_now_ms () + HEARTBEAT_MS;
  beat = g_timeout_add_full (G_PRIORITY_HIGH, HEARTBEAT_MS, heartbeat, NULL, NULL);
  for (int i = 0; i < rounds; i++)
    {
      VtrCatalog *catalog = vtr_application_get_catalog (app);
      VtrPosition here = vtr_application_get_position (app);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(VtrSearchResults) results = vtr_catalog_search (catalog, "savon", &here, now, 20, NULL);
      g_autoptr(GPtrArray) stockists = NULL;
      g_autofree char *session = NULL;

      spin_ms (HEARTBEAT_MS * 2);
      stockists = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 10, VTR_STOCKISTS_DEFAULT, NULL);
      spin_ms (HEARTBEAT_MS * 2);
      session = vtr_staff_login (vtr_application_get_store (app), 7, PIN, now, NULL);
      spin_ms (HEARTBEAT_MS * 2);
    }
  g_source_remove (beat);
  report (lines, "the same work inline (old window)", "inline-lateness-p99-ms", lateness);
  g_array_unref (lateness);

  printf ("%s", lines->str);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_application_stop (app);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vtr_test_remove_tree (data_dir);
  return 0;
}

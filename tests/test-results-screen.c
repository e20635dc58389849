#include "config.h"

#include <string.h>

#include "vtr-opening-hours.h"
#include "vtr-results-screen.h"
#include "vtr-service.h"
#include "vtr-test-screen.h"

/*
 * The results screen with the demo catalogue: what a search finds (trades,
 * products, shops) and the shops of a trade, each row leading the window
 * to what it names.
 */

static char *data_dir;
static const VtrPosition here = { VTR_DEMO_LAT, VTR_DEMO_LON };

typedef struct
{
  VtrTestScreen     base;
  VtrResultsScreen *screen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->base.catalog = vtr_catalog_service_new (data_dir);
  fixture->screen = VTR_RESULTS_SCREEN (vtr_results_screen_new (fixture->base.catalog));
  vtr_test_screen_set_up (&fixture->base, data_dir, GTK_WIDGET (fixture->screen));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vtr_test_screen_tear_down (&fixture->base);
}

static VtrCatalog *
open_catalog (VtrStore **store)
{
  g_autoptr(GError) error = NULL;

  *store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  return vtr_catalog_new (*store);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) expected = vtr_catalog_search (catalog, "savon", &here, now, 8, &error);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *titles = NULL;

  g_assert_no_error (error);
  vtr_results_screen_set_query (fixture->screen, "savon");
  g_assert_true (vtr_results_screen_get_loading (fixture->screen));
  vtr_test_screen_wait_loaded (screen);

  g_assert_true (vtr_test_screen_shows (screen, "Found for “savon”"));
  /* Trades first, then products, then shops, as the catalogue ranks them. */
  for (guint i = 0; i < expected->services->len; i++)
    g_string_append_printf (names, "%s | ",
                            vtr_service_label (vtr_service_lookup (g_array_index (expected->services, VtrServiceMatch, i).service_id)));
  for (guint i = 0; i < expected->products->len; i++)
    g_string_append_printf (names, "%s | ", ((VtrProduct *) g_ptr_array_index (expected->products, i))->name);
  for (guint i = 0; i < expected->merchants->len; i++)
    g_string_append_printf (names, "%s | ", ((VtrPlace *) g_ptr_array_index (expected->merchants, i))->merchant->name);
  g_string_truncate (names, names->len - 3);
  titles = vtr_test_screen_row_titles (screen, "results");
  g_assert_cmpstr (titles, ==, names->str);
  g_assert_true (g_str_has_prefix (titles, "Soap shop | Savon"));
  g_assert_true (g_str_has_suffix (titles, " | Savonnerie du Panier"));
  g_assert_cmpuint (vtr_test_screen_check_names (screen), >=, 8);
  g_assert_cmpuint (fixture->base.fired->len, ==, 0);
}

static void
test_rows_lead_on (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(VtrSearchResults) expected = vtr_catalog_search (catalog, "savon", &here, now, 8, NULL);
  guint n_products = expected->products->len;
  gint64 product = ((VtrProduct *) g_ptr_array_index (expected->products, 0))->id;
  gint64 shop = ((VtrPlace *) g_ptr_array_index (expected->merchants, 0))->merchant->id;
  g_autofree char *fired = NULL;
  g_autofree char *want = NULL;

  vtr_results_screen_set_query (fixture->screen, "savon");
  vtr_test_screen_wait_loaded (screen);

  /* A touch on the trade, the first product, then the shop. */
  g_signal_emit_by_name (vtr_test_screen_row (screen, "results", 0), "activate");
  g_signal_emit_by_name (vtr_test_screen_row (screen, "results", 1), "activate");
  g_signal_emit_by_name (vtr_test_screen_row (screen, "results", 1 + n_products), "activate");
  fired = vtr_test_screen_fired (&fixture->base);
  want = g_strdup_printf ("show-service 'savonnerie'; show-product (%" G_GINT64_FORMAT ", 0); show-merchant %"
                          G_GINT64_FORMAT, product, shop);
  g_assert_cmpstr (fired, ==, want);
}

static void
test_service (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) expected = vtr_catalog_near_service (catalog, "boulangerie", &here, now, 12, NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *titles = NULL;
  g_autofree char *fired = NULL;
  g_autofree char *want = NULL;

  vtr_results_screen_set_query (fixture->screen, "savon");
  vtr_results_screen_set_service (fixture->screen, "boulangerie");
  g_assert_null (vtr_results_screen_get_query (fixture->screen));
  vtr_test_screen_wait_loaded (screen);

  g_assert_true (vtr_test_screen_shows (screen, "Bakery"));
  g_assert_false (vtr_test_screen_shows (screen, "Found for “savon”"));
  for (guint i = 0; i < expected->len; i++)
    g_string_append_printf (names, "%s%s", i ? " | " : "", ((VtrPlace *) g_ptr_array_index (expected, i))->merchant->name);
  titles = vtr_test_screen_row_titles (screen, "results");
  g_assert_cmpstr (titles, ==, names->str);
  g_assert_true (g_str_has_prefix (titles, "Boulangerie Blanc | "));

  g_signal_emit_by_name (vtr_test_screen_row (screen, "results", 2), "activate");
  fired = vtr_test_screen_fired (&fixture->base);
  want = g_strdup_printf ("show-merchant %" G_GINT64_FORMAT, ((VtrPlace *) g_ptr_array_index (expected, 2))->merchant->id);
  g_assert_cmpstr (fired, ==, want);
}

static void
test_nothing_found (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);

  g_object_set (screen, "query", "zzqqx", NULL);
  vtr_test_screen_wait_loaded (screen);
  g_assert_true (vtr_test_screen_shows (screen, "Nothing found for “zzqqx”"));
  g_assert_cmpuint (fixture->base.fired->len, ==, 0);
}

static void
test_one_product (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autofree char *fired = NULL;

  /* One product alone: the window is asked for its page at once. */
  vtr_results_screen_set_query (fixture->screen, "saucisses");
  vtr_test_screen_wait_loaded (screen);
  fired = vtr_test_screen_fired (&fixture->base);
  g_assert_cmpstr (fired, ==, "show-product (13, 0)");
}

/* A search's rows come a frame apart too, all of them in the end. */
static void
test_rows_a_frame_apart (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = open_catalog (&store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(VtrSearchResults) expected = vtr_catalog_search (catalog, "savon", &here, now, 8, NULL);
  guint n = expected->services->len + expected->products->len + expected->merchants->len;

  g_assert_cmpuint (n, >, 3);
  vtr_results_screen_set_query (fixture->screen, "savon");
  vtr_test_screen_check_rows_a_frame_apart (screen, "results");
  g_assert_cmpuint (vtr_test_screen_count_rows (screen, "results"), ==, n);
}

/* A frame that takes longer than the frame interval, as on a kiosk whose
 * renderer is slow (software GL under load): the next frame is due at once. */
static gboolean
slow_frame (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  g_usleep (25 * 1000);
  return G_SOURCE_CONTINUE;
}

/* With every frame late (a turning spinner on a slow renderer), the
 * question is still asked and the answer shown: in ./run demo's window the
 * search stayed on its spinner for ever, the question waiting in an idle
 * that frames always came before. */
static void
test_slow_frames (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  guint tick = gtk_widget_add_tick_callback (screen, slow_frame, NULL, NULL);
  g_autofree char *titles = NULL;

  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  vtr_results_screen_set_query (fixture->screen, "savon");
  while (vtr_results_screen_get_loading (fixture->screen) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* The frames back to normal before the screen is read. */
  gtk_widget_remove_tick_callback (screen, tick);
  g_assert_false (vtr_results_screen_get_loading (fixture->screen));
  vtr_test_screen_wait_loaded (screen);
  titles = vtr_test_screen_row_titles (screen, "results");
  g_assert_true (g_str_has_prefix (titles, "Soap shop | Savon"));
}

/* The answer shows at once, and with the kiosk's style costs GTK's cairo
 * renderer no more to draw than it shows (as the product screen's:
 * test-product-screen.c). */
static void
test_cheap_to_draw (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GtkCssProvider) style = vtr_test_screen_use_style (fixture->base.window);

  vtr_results_screen_set_query (fixture->screen, "savon");
  vtr_test_screen_assert_cheap_to_draw (GTK_WIDGET (fixture->screen));
  vtr_test_screen_drop_style (style);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vtr_test_screen_init (&argc, &argv);
  data_dir = vtr_test_screen_make_data_dir ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/results-screen/search", test_search);
  ADD ("/results-screen/rows-lead-on", test_rows_lead_on);
  ADD ("/results-screen/service", test_service);
  ADD ("/results-screen/nothing-found", test_nothing_found);
  ADD ("/results-screen/one-product", test_one_product);
  ADD ("/results-screen/rows-a-frame-apart", test_rows_a_frame_apart);
  ADD ("/results-screen/slow-frames", test_slow_frames);
  ADD ("/results-screen/cheap-to-draw", test_cheap_to_draw);
#undef ADD

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

#include "config.h"

#include <string.h>

#include "vtr-opening-hours.h"
#include "vtr-product-screen.h"
#include "vtr-test-screen.h"

/*
 * The product screen with the demo catalogue: the product, its price
 * range, its nearest stockists with the poster's shop first; a touch on a
 * shop and its Order button ask the window for the shop's page and the
 * basket.
 */

static char *data_dir;
static const VtrPosition here = { VTR_DEMO_LAT, VTR_DEMO_LON };

typedef struct
{
  VtrTestScreen     base;
  VtrProductScreen *screen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->base.catalog = vtr_catalog_service_new (data_dir);
  fixture->screen = VTR_PRODUCT_SCREEN (vtr_product_screen_new (fixture->base.catalog));
  vtr_test_screen_set_up (&fixture->base, data_dir, GTK_WIDGET (fixture->screen));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vtr_test_screen_tear_down (&fixture->base);
}

/* The shops the synchronous catalogue lists for product 13. */
static GPtrArray *
expected_stockists (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  GPtrArray *stockists = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 10, VTR_STOCKISTS_DEFAULT, &error);

  g_assert_no_error (error);
  return stockists;
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);

      if (found)
        return found;
    }
  return NULL;
}

static void
test_stockists (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) expected = expected_stockists ();
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *titles = NULL;
  gint64 low = G_MAXINT64, high = 0;
  g_autofree char *low_text = NULL;
  g_autofree char *high_text = NULL;
  g_autofree char *range = NULL;

  vtr_product_screen_show (fixture->screen, 13, 0);
  /* A spinner until the catalogue answers. */
  g_assert_true (vtr_product_screen_get_loading (fixture->screen));
  vtr_test_screen_wait_loaded (screen);

  g_assert_true (vtr_test_screen_shows (screen, "Saucisses de Toulouse 500 g"));
  for (guint i = 0; i < expected->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (expected, i);

      g_string_append_printf (names, "%s%s", i ? " | " : "", stockist->place.merchant->name);
      low = MIN (low, stockist->price_cents);
      high = MAX (high, stockist->price_cents);
    }
  titles = vtr_test_screen_row_titles (screen, "stockists");
  g_assert_cmpstr (titles, ==, names->str);
  g_assert_true (g_str_has_prefix (titles, "Boucherie Roux | "));

  /* The price range near here, beside the brand. */
  low_text = vtr_price_format (low);
  high_text = vtr_price_format (high);
  range = g_strdup_printf ("from %s to %s near here", low_text, high_text);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(VtrProduct) found = vtr_catalog_get_product (catalog, 13, &error);
    g_autofree char *line = NULL;

    g_assert_no_error (error);
    line = found->brand && *found->brand ? g_strdup_printf ("%s · %s", found->brand, range) : g_strdup (range);
    g_assert_true (vtr_test_screen_shows (screen, line));
  }

  /* Each shop with some left has its Order button, named. */
  for (guint i = 0; i < expected->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (expected, i);
      GtkWidget *button = find_button (vtr_test_screen_row (screen, "stockists", i));

      if (stockist->availability == VTR_AVAILABILITY_OUT_OF_STOCK)
        g_assert_null (button);
      else
        g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Order");
    }
  g_assert_cmpuint (vtr_test_screen_check_names (screen), >=, expected->len + 1);
  g_assert_cmpuint (fixture->base.fired->len, ==, 0);
}

static void
test_poster_first (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) expected = expected_stockists ();
  VtrStockist *last = g_ptr_array_index (expected, expected->len - 1);
  GtkWidget *first;
  g_autofree char *titles = NULL;

  /* The poster of the farthest of the ten: it comes first, said so. */
  vtr_product_screen_show (fixture->screen, 13, last->place.merchant->id);
  vtr_test_screen_wait_loaded (screen);
  first = vtr_test_screen_row (screen, "stockists", 0);
  g_assert_cmpstr (vtr_info_row_get_title (first), ==, last->place.merchant->name);
  g_assert_true (g_str_has_prefix (vtr_info_row_get_details (first), "The shop of the poster you scanned\n"));
  titles = vtr_test_screen_row_titles (screen, "stockists");
  g_assert_true (strstr (titles, " | Boucherie Roux | ") != NULL);
  g_assert_false (g_str_has_prefix (vtr_info_row_get_details (vtr_test_screen_row (screen, "stockists", 1)),
                                    "The shop of the poster"));
}

static void
test_actions (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) expected = expected_stockists ();
  gint64 first = ((VtrStockist *) g_ptr_array_index (expected, 0))->place.merchant->id;
  gint64 second = ((VtrStockist *) g_ptr_array_index (expected, 1))->place.merchant->id;
  g_autofree char *fired = NULL;
  g_autofree char *want = NULL;

  g_object_set (screen, "product-id", (gint64) 13, NULL);
  vtr_test_screen_wait_loaded (screen);

  /* A touch on the second shop's row, then the first one's Order button. */
  g_signal_emit_by_name (vtr_test_screen_row (screen, "stockists", 1), "activate");
  g_signal_emit_by_name (find_button (vtr_test_screen_row (screen, "stockists", 0)), "clicked");
  /* The screen's own action, as a test or a keyboard shortcut would. */
  gtk_widget_activate_action (screen, "product.show-merchant", "x", first);

  fired = vtr_test_screen_fired (&fixture->base);
  want = g_strdup_printf ("show-merchant %" G_GINT64_FORMAT "; order (13, %" G_GINT64_FORMAT "); show-merchant %"
                          G_GINT64_FORMAT, second, first, first);
  g_assert_cmpstr (fired, ==, want);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);

  vtr_product_screen_show (fixture->screen, 987654, 0);
  vtr_test_screen_wait_loaded (screen);
  g_assert_false (vtr_test_screen_shows (screen, "Saucisses de Toulouse 500 g"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (screen))), ==, "error");

  /* The next product shows, without what the error said. */
  vtr_product_screen_show (fixture->screen, 13, 0);
  vtr_test_screen_wait_loaded (screen);
  g_assert_true (vtr_test_screen_shows (screen, "Saucisses de Toulouse 500 g"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (screen))), ==, "content");
}

static void
test_newest_wins (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autofree char *titles = NULL;

  /* Product 13 asked, then another before the answer came: the screen shows
   * the last one asked, never an older answer arriving late. */
  vtr_product_screen_show (fixture->screen, 13, 0);
  vtr_product_screen_reload (fixture->screen);
  vtr_product_screen_show (fixture->screen, 14, 0);
  vtr_test_screen_wait_loaded (screen);
  g_assert_false (vtr_test_screen_shows (screen, "Saucisses de Toulouse 500 g"));
  g_assert_cmpint (vtr_product_screen_get_product_id (fixture->screen), ==, 14);
  titles = vtr_test_screen_row_titles (screen, "stockists");
  g_assert_cmpstr (titles, !=, "");
}

/* The shops' rows come a frame apart, the nearest first: the frame that
 * shows the answer lays out two rows, not all ten at once (what that
 * spares the main thread: tests/bench/bench-main-thread --phases). The
 * screen is loading until the last row shows. */
static void
test_rows_a_frame_apart (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) expected = expected_stockists ();
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *titles = NULL;

  g_assert_cmpuint (expected->len, >, 3);
  vtr_product_screen_show (fixture->screen, 13, 0);
  vtr_test_screen_check_rows_a_frame_apart (screen, "stockists");

  /* All of them in the end, in order. */
  for (guint i = 0; i < expected->len; i++)
    g_string_append_printf (names, "%s%s", i ? " | " : "",
                            ((VtrStockist *) g_ptr_array_index (expected, i))->place.merchant->name);
  titles = vtr_test_screen_row_titles (screen, "stockists");
  g_assert_cmpstr (titles, ==, names->str);
}

/* The answer shows at once: from the loading page, transparent while the
 * answer is quick to come, no cross-fade (the whole screen drawn twice a
 * frame for 200 ms). And what is shown costs GTK's cairo renderer no more
 * to draw than it shows, with the kiosk's style: no blurred shadow round
 * the list or the pins, no list row's line drawn as a mesh gradient. */
static void
test_cheap_to_draw (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GtkCssProvider) style = vtr_test_screen_use_style (fixture->base.window);

  vtr_product_screen_show (fixture->screen, 13, 0);
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
  ADD ("/product-screen/stockists", test_stockists);
  ADD ("/product-screen/poster-first", test_poster_first);
  ADD ("/product-screen/actions", test_actions);
  ADD ("/product-screen/not-found", test_not_found);
  ADD ("/product-screen/newest-wins", test_newest_wins);
  ADD ("/product-screen/rows-a-frame-apart", test_rows_a_frame_apart);
  ADD ("/product-screen/cheap-to-draw", test_cheap_to_draw);
#undef ADD

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

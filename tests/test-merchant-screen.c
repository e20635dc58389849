#include "config.h"

#include <string.h>

#include "vtr-describe.h"
#include "vtr-merchant-screen.h"
#include "vtr-opening-hours.h"
#include "vtr-store-private.h"
#include "vtr-test-screen.h"

/*
 * A shop's page with the demo catalogue: its hours in words (never the
 * OpenStreetMap string), the collection points it hosts, its promotions,
 * its products; a product's row asks the window for the product with this
 * shop first.
 */

static char *data_dir;

typedef struct
{
  VtrTestScreen      base;
  VtrMerchantScreen *screen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->base.catalog = vtr_catalog_service_new (data_dir);
  fixture->screen = VTR_MERCHANT_SCREEN (vtr_merchant_screen_new (fixture->base.catalog));
  vtr_test_screen_set_up (&fixture->base, data_dir, GTK_WIDGET (fixture->screen));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vtr_test_screen_tear_down (&fixture->base);
}

static gint64
count (const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrStatement) stmt = NULL;

  g_assert_no_error (error);
  stmt = vtr_store_statement (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Whether any label shows text containing @part. */
static gboolean
shows_part (GtkWidget  *widget,
            const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_part (child, part))
      return TRUE;
  return FALSE;
}

static void
test_hours_in_words (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autofree char *open = NULL;
  g_autofree char *titles = NULL;
  GtkWidget *hours_row, *week;
  VtrOpenState state = { 0 };

  vtr_merchant_screen_set_merchant_id (fixture->screen, 9);
  g_assert_true (vtr_merchant_screen_get_loading (fixture->screen));
  vtr_test_screen_wait_loaded (screen);

  g_assert_true (vtr_test_screen_shows (screen, "Zouaghi"));
  titles = vtr_test_screen_row_titles (screen, "info");
  g_assert_true (g_str_has_prefix (titles, "Trade | Address | Opening hours"));

  /* "Open until 19:30" or "Closed, opens …", under the name and in the row. */
  vtr_catalog_open_state (catalog, "Mo-Sa 08:00-19:30", now, &state);
  open = vtr_describe_open_until (&state, now);
  g_clear_pointer (&state.next_change, g_date_time_unref);
  g_assert_true (vtr_test_screen_shows (screen, open));
  hours_row = vtr_test_screen_row (screen, "info", 2);
  g_assert_cmpstr (vtr_info_row_get_title (hours_row), ==, "Opening hours");
  g_assert_cmpstr (vtr_info_row_get_details (hours_row), ==, open);

  /* The week table: a line a day. */
  week = vtr_test_screen_find_name (hours_row, "week");
  g_assert_nonnull (week);
  g_assert_true (vtr_test_screen_shows (week, "Monday"));
  g_assert_true (vtr_test_screen_shows (week, "Sunday"));
  g_assert_true (vtr_test_screen_shows (week, "8:00 – 19:30"));
  g_assert_true (vtr_test_screen_shows (week, "closed"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (week), 1, 6))), ==, "closed");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (week), 1, 0))), ==, "8:00 – 19:30");
  /* Today's line stands out, in bold. */
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
    int today = g_date_time_get_day_of_week (local) - 1;

    for (int day = 0; day < 7; day++)
      {
        PangoAttrList *attrs = gtk_label_get_attributes (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (week), 0, day)));

        g_assert_cmpint (attrs != NULL, ==, day == today);
      }
  }
  /* Never the OpenStreetMap string. */
  g_assert_false (shows_part (screen, "Mo-Sa"));
  g_assert_false (shows_part (screen, "08:00-19:30"));
  g_assert_cmpuint (vtr_test_screen_check_names (screen), >=, 4);
}

static void
test_products (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  gint64 n = count ("SELECT count (*) FROM stock WHERE merchant_id = 9");
  gint64 first = count ("SELECT p.id FROM stock s JOIN product p ON p.id = s.product_id WHERE s.merchant_id = 9"
                        " ORDER BY p.name COLLATE NOCASE, p.id LIMIT 1");
  g_autofree char *fired = NULL;
  g_autofree char *want = NULL;
  g_auto(GStrv) titles = NULL;
  g_autofree char *joined = NULL;

  g_object_set (screen, "merchant-id", (gint64) 9, NULL);
  vtr_test_screen_wait_loaded (screen);
  joined = vtr_test_screen_row_titles (screen, "products");
  titles = g_strsplit (joined, " | ", -1);
  g_assert_cmpint (g_strv_length (titles), ==, n);
  for (guint i = 1; titles[i]; i++)
    g_assert_cmpint (g_utf8_collate (titles[i - 1], titles[i]), <=, 0);

  /* A product of the shop: its page, this shop first. */
  g_signal_emit_by_name (vtr_test_screen_row (screen, "products", 0), "activate");
  fired = vtr_test_screen_fired (&fixture->base);
  want = g_strdup_printf ("show-product (%" G_GINT64_FORMAT ", 9)", first);
  g_assert_cmpstr (fired, ==, want);
}

static void
test_collection_points (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  gint64 host = count ("SELECT min (merchant_id) FROM collection_point WHERE merchant_id > 0");
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM collection_point WHERE merchant_id = %"
                                          G_GINT64_FORMAT, host);
  g_autofree char *titles = NULL;
  g_autofree char *others = NULL;

  /* Zouaghi hosts none: the section is hidden. */
  vtr_merchant_screen_set_merchant_id (fixture->screen, 9);
  vtr_test_screen_wait_loaded (screen);
  others = vtr_test_screen_row_titles (screen, "collection");
  g_assert_cmpstr (others, ==, "");
  g_assert_false (vtr_test_screen_shows (screen, "Collected here"));

  vtr_merchant_screen_set_merchant_id (fixture->screen, host);
  vtr_test_screen_wait_loaded (screen);
  g_assert_true (vtr_test_screen_shows (screen, "Collected here"));
  titles = vtr_test_screen_row_titles (screen, "collection");
  {
    g_auto(GStrv) rows = g_strsplit (titles, " | ", -1);

    g_assert_cmpint (g_strv_length (rows), ==, count (sql));
  }
}

static void
test_promotions (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *sql = g_strdup_printf ("SELECT min (merchant_id) FROM promotion WHERE product_id > 0"
                                          " AND starts <= %" G_GINT64_FORMAT " AND ends > %" G_GINT64_FORMAT,
                                          g_date_time_to_unix (now), g_date_time_to_unix (now));
  gint64 shop = count (sql);
  g_autofree char *titles = NULL;

  g_assert_cmpint (shop, >, 0);
  /* What the merchant typed, and who it is for. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autofree char *typed = g_strdup_printf ("UPDATE promotion SET title = 'Prix du quartier', audience = 1 "
                                              "WHERE merchant_id = %" G_GINT64_FORMAT, shop);

    g_assert_true (vtr_store_exec (store, typed, &error));
    g_assert_no_error (error);
  }
  vtr_merchant_screen_set_merchant_id (fixture->screen, shop);
  vtr_test_screen_wait_loaded (screen);
  g_assert_true (vtr_test_screen_shows (screen, "Promotions in this shop"));
  g_assert_true (shows_part (screen, "Prix du quartier · "));
  g_assert_true (shows_part (screen, " (loyalty card holders only)"));
  titles = vtr_test_screen_row_titles (screen, "promotions");
  g_assert_cmpstr (titles, !=, "");
  /* A promotion on a product leads to it, this shop first. */
  g_signal_emit_by_name (vtr_test_screen_row (screen, "promotions", 0), "activate");
  g_assert_cmpuint (fixture->base.fired->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->base.fired, 0), "show-product ("));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);

  vtr_merchant_screen_set_merchant_id (fixture->screen, 987654);
  vtr_test_screen_wait_loaded (screen);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (screen))), ==, "error");
  g_assert_false (vtr_test_screen_shows (screen, "Opening hours"));
}

/* A shop's rows come a frame apart, its details first and its products
 * last: the frame that shows the answer lays out two rows, not the whole
 * shop (tests/bench/bench-main-thread --phases). Loading until the last. */
static void
test_rows_a_frame_apart (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  gint64 n = count ("SELECT count (*) FROM stock WHERE merchant_id = 9");
  g_autofree char *joined = NULL;
  g_auto(GStrv) titles = NULL;

  g_assert_cmpint (n, >, 0);
  g_object_set (screen, "merchant-id", (gint64) 9, NULL);
  vtr_test_screen_check_rows_a_frame_apart (screen, NULL);
  joined = vtr_test_screen_row_titles (screen, "products");
  titles = g_strsplit (joined, " | ", -1);
  g_assert_cmpint (g_strv_length (titles), ==, n);
  /* Its details, then its products: more than two rows to come. */
  g_assert_cmpuint (vtr_test_screen_count_all_rows (screen), >, n + 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vtr_test_screen_init (&argc, &argv);
  data_dir = vtr_test_screen_make_data_dir ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/merchant-screen/hours-in-words", test_hours_in_words);
  ADD ("/merchant-screen/products", test_products);
  ADD ("/merchant-screen/collection-points", test_collection_points);
  ADD ("/merchant-screen/promotions", test_promotions);
  ADD ("/merchant-screen/not-found", test_not_found);
  ADD ("/merchant-screen/rows-a-frame-apart", test_rows_a_frame_apart);
#undef ADD

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

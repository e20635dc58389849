#include "config.h"

#include <string.h>

#include "vtr-civic-screen.h"
#include "vtr-opening-hours.h"
#include "vtr-test-screen.h"

/*
 * The civic layer with the demo catalogue: for each kind of collection
 * and the parcel lockers, the three nearest to the kiosk, a point in a
 * shop leading to the shop's page.
 */

static char *data_dir;

typedef struct
{
  VtrTestScreen   base;
  VtrCivicScreen *screen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->base.catalog = vtr_catalog_service_new (data_dir);
  fixture->screen = VTR_CIVIC_SCREEN (vtr_civic_screen_new (fixture->base.catalog));
  vtr_test_screen_set_up (&fixture->base, data_dir, GTK_WIDGET (fixture->screen));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vtr_test_screen_tear_down (&fixture->base);
}

static GPtrArray *
expected_places (VtrCollectionKind  kind,
                 const VtrPosition *here)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  GPtrArray *places = vtr_catalog_collection_points_near (catalog, kind, here, now, 3, &error);

  g_assert_no_error (error);
  return places;
}

static char *
place_names (GPtrArray *places)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < places->len; i++)
    {
      VtrCollectionPlace *place = g_ptr_array_index (places, i);

      g_string_append_printf (names, "%s%s", i ? " | " : "", place->merchant ? place->merchant->name : place->point->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
test_nearest_of_each_kind (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  const VtrPosition here = { VTR_DEMO_LAT, VTR_DEMO_LON };

  g_assert_true (vtr_civic_screen_get_loading (fixture->screen));
  vtr_test_screen_wait_loaded (screen);
  g_assert_true (vtr_test_screen_shows (screen, "Give, recycle, collect a parcel"));
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) places = expected_places (kind, &here);
      g_autofree char *want = place_names (places);
      g_autofree char *titles = vtr_test_screen_row_titles (screen, vtr_collection_kind_to_string (kind));

      g_assert_true (vtr_test_screen_shows (screen, vtr_collection_kind_label (kind)));
      g_assert_cmpuint (places->len, ==, 3);
      g_assert_cmpstr (titles, ==, want);
    }
  {
    g_autofree char *clothes = vtr_test_screen_row_titles (screen, "clothes");

    g_assert_true (g_str_has_prefix (clothes, "Pressing Blanc | "));
  }
  g_assert_cmpuint (vtr_test_screen_check_names (screen), >=, 12);
}

static void
test_moved_kiosk (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  /* La Plaine, a kilometre and a half east of the Vieux-Port. */
  const VtrPosition plaine = { 43.2937, 5.3880 };
  g_autoptr(GPtrArray) places = expected_places (VTR_COLLECTION_PARCEL_LOCKER, &plaine);
  g_autofree char *want = place_names (places);
  g_autofree char *titles = NULL;
  g_autofree char *before = NULL;

  vtr_test_screen_wait_loaded (screen);
  before = vtr_test_screen_row_titles (screen, "parcel-locker");
  g_object_set (screen, "latitude", plaine.lat, "longitude", plaine.lon, NULL);
  vtr_test_screen_wait_loaded (screen);
  titles = vtr_test_screen_row_titles (screen, "parcel-locker");
  g_assert_cmpstr (titles, ==, want);
  g_assert_cmpstr (titles, !=, before);
}

static void
test_shop_leads_on (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  const VtrPosition here = { VTR_DEMO_LAT, VTR_DEMO_LON };
  g_autoptr(GPtrArray) places = expected_places (VTR_COLLECTION_CLOTHES, &here);
  VtrCollectionPlace *first = g_ptr_array_index (places, 0);
  g_autofree char *want = NULL;
  g_autofree char *fired = NULL;

  g_assert_nonnull (first->merchant);
  vtr_test_screen_wait_loaded (screen);
  g_signal_emit_by_name (vtr_test_screen_row (screen, "clothes", 0), "activate");
  fired = vtr_test_screen_fired (&fixture->base);
  want = g_strdup_printf ("show-merchant %" G_GINT64_FORMAT, first->merchant->id);
  g_assert_cmpstr (fired, ==, want);
}

/* The places come a frame apart, kind after kind, never every list laid
 * out in one frame; loading until the last. */
static void
test_rows_a_frame_apart (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);

  vtr_test_screen_check_rows_a_frame_apart (screen, NULL);
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    g_assert_cmpuint (vtr_test_screen_count_rows (screen, vtr_collection_kind_to_string (kind)), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  vtr_test_screen_init (&argc, &argv);
  data_dir = vtr_test_screen_make_data_dir ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/civic-screen/nearest-of-each-kind", test_nearest_of_each_kind);
  ADD ("/civic-screen/moved-kiosk", test_moved_kiosk);
  ADD ("/civic-screen/shop-leads-on", test_shop_leads_on);
  ADD ("/civic-screen/rows-a-frame-apart", test_rows_a_frame_apart);
#undef ADD

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

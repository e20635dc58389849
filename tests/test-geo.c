#include "config.h"

#include "vtr-geo.h"

/* Positions as shoppers and map apps give them, and distances on foot. */

static void
test_position_parse (void)
{
  VtrPosition position;
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_position_parse ("43.2951,5.3744", &position, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (position.lat, 43.2951, 1e-9);
  g_assert_cmpfloat_with_epsilon (position.lon, 5.3744, 1e-9);

  g_assert_true (vtr_position_parse (" -33.9 , 151.2 ", &position, NULL));
  g_assert_cmpfloat_with_epsilon (position.lon, 151.2, 1e-9);

  g_assert_false (vtr_position_parse ("91,5", &position, &error));
  g_assert_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (vtr_position_parse ("43.3,181", &position, &error));
  g_assert_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  for (const char *bad[] = { "", "43.29", "Marseille", "43.29,5.37,1", "nan,5", "43,29;5,37", NULL },
       **p = bad; *p; p++)
    {
      g_assert_false (vtr_position_parse (*p, &position, &error));
      g_assert_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_distance (void)
{
  VtrPosition vieux_port = { 43.2951, 5.3744 };
  VtrPosition saint_charles = { 43.3027, 5.3806 };
  VtrPosition paris = { 48.8566, 2.3522 };
  double d = vtr_distance_m (&vieux_port, &saint_charles);

  /* About 990 m as the crow flies. */
  g_assert_cmpfloat (d, >, 960);
  g_assert_cmpfloat (d, <, 1020);
  g_assert_cmpfloat_with_epsilon (vtr_distance_m (&vieux_port, &vieux_port), 0, 1e-6);
  /* Marseille–Paris is about 661 km. */
  g_assert_cmpfloat (vtr_distance_m (&vieux_port, &paris) / 1000, >, 655);
  g_assert_cmpfloat (vtr_distance_m (&vieux_port, &paris) / 1000, <, 667);

  /* A kilometre of town takes a quarter of an hour on foot. */
  g_assert_cmpint (vtr_walking_minutes (d), >=, 14);
  g_assert_cmpint (vtr_walking_minutes (d), <=, 18);
  g_assert_cmpint (vtr_walking_minutes (0), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/geo/position-parse", test_position_parse);
  g_test_add_func ("/geo/distance", test_distance);

  return g_test_run ();
}

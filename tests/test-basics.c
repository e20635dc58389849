#include "config.h"

#include "vtr-geo.h"
#include "vtr-gtin.h"
#include "vtr-text.h"

/* The small pieces every query stands on: positions, barcodes, text. */

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

static void
test_gtin (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ean13 = vtr_gtin_normalize ("4006381333931", &error);
  g_autofree char *upca = vtr_gtin_normalize ("036000291452", NULL);
  g_autofree char *ean8 = vtr_gtin_normalize ("96385074", NULL);
  g_autofree char *display = NULL;
  char *bad;

  g_assert_no_error (error);
  g_assert_cmpstr (ean13, ==, "04006381333931");
  g_assert_cmpstr (upca, ==, "00036000291452");
  g_assert_cmpstr (ean8, ==, "00000096385074");
  display = vtr_gtin_display (ean13);
  g_assert_cmpstr (display, ==, "4006381333931");

  bad = vtr_gtin_normalize ("4006381333932", &error);
  g_assert_null (bad);
  g_assert_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_CHECK_DIGIT);
  /* The message says what the last digit should be. */
  g_assert_nonnull (strstr (error->message, "1"));
  g_clear_error (&error);

  bad = vtr_gtin_normalize ("40063813339", &error);
  g_assert_null (bad);
  g_assert_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_LENGTH);
  g_clear_error (&error);

  bad = vtr_gtin_normalize ("4006381333A31", &error);
  g_assert_null (bad);
  g_assert_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_NOT_DIGITS);
  g_clear_error (&error);

  g_assert_cmpint (vtr_gtin_check_digit ("400638133393", 12), ==, 1);
  g_assert_true (vtr_gtin_looks_like_gtin ("96385074"));
  g_assert_false (vtr_gtin_looks_like_gtin ("1234"));
}

static void
test_fold (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "ÉPICERIE", "epicerie" },
    { "Épicerie fine", "epicerie fine" },
    { "Œufs frais", "oeufs frais" },
    { "Crème brûlée", "creme brulee" },
    { "Garçon", "garcon" },
    { "L’Arbre Vert", "l'arbre vert" },
    { "ﬁne", "fine" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = vtr_text_fold (cases[i].in);
      g_assert_cmpstr (folded, ==, cases[i].out);
    }

  {
    g_autofree char *folded = vtr_text_fold ("caf\xC3");
    g_assert_cmpstr (folded, ==, "");
  }
}

static void
test_fts_query (void)
{
  g_autofree char *q1 = vtr_text_fts_query ("Boulang  tradi");
  g_autofree char *q2 = vtr_text_fts_query ("\"; DROP TABLE product; --");
  g_autofree char *q3 = vtr_text_fts_query (" -*- ");
  g_autofree char *q4 = vtr_text_fts_query ("Savon de Marseille");
  g_autofree char *q5 = vtr_text_fts_query ("NEAR(a b) OR c*");

  g_assert_cmpstr (q1, ==, "\"boulang\"* \"tradi\"*");
  /* Punctuation never reaches FTS5 as syntax. */
  g_assert_cmpstr (q2, ==, "\"drop\"* \"table\"* \"product\"*");
  g_assert_null (q3);
  g_assert_cmpstr (q4, ==, "\"savon\"* \"de\"* \"marseille\"*");
  g_assert_cmpstr (q5, ==, "\"near\"* \"a\"* \"b\"* \"or\"* \"c\"*");

  g_assert_true (vtr_text_has_prefix_word ("epicerie fine", "fin"));
  g_assert_true (vtr_text_has_prefix_word ("tabac-presse", "presse"));
  g_assert_false (vtr_text_has_prefix_word ("epicerie", "cerie"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/geo/position-parse", test_position_parse);
  g_test_add_func ("/geo/distance", test_distance);
  g_test_add_func ("/gtin/normalize", test_gtin);
  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/fts-query", test_fts_query);

  return g_test_run ();
}

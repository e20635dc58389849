#include "config.h"

#include "vtr-gtin.h"

/* Barcodes as printed under the bars: EAN-13, UPC-A, EAN-8, GTIN-14. */

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gtin/normalize", test_gtin);

  return g_test_run ();
}

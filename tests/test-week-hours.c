#include "config.h"

#include <locale.h>
#include <string.h>

#include "vtr-i18n.h"
#include "vtr-opening-hours.h"
#include "vtr-week-hours.h"

/*
 * The week the counter edits, written as OSM opening_hours: what the
 * merchant types for each day, the text written, what the kiosks' reader
 * (vtr-opening-hours.c) makes of it, and the words read back.
 */

static void
parse_week (const char * const *days,
            gboolean            holidays_open,
            VtrWeekHours       *week)
{
  g_autoptr(GError) error = NULL;

  week->holidays_open = holidays_open;
  for (int d = 0; d < 7; d++)
    {
      g_assert_true (vtr_day_hours_parse (days[d], d, &week->days[d], &error));
      g_assert_no_error (error);
    }
}

static void
test_typed_forms (void)
{
  g_autoptr(GError) error = NULL;
  VtrDayHours day;

  g_assert_true (vtr_day_hours_parse ("14h-19h, 9h-12h30", 0, &day, &error));
  g_assert_no_error (error);
  /* Kept in order of opening, whatever order they were typed in. */
  g_assert_cmpint (day.n, ==, 2);
  g_assert_cmpint (day.start[0], ==, 9 * 60);
  g_assert_cmpint (day.end[0], ==, 12 * 60 + 30);
  g_assert_cmpint (day.start[1], ==, 14 * 60);
  g_assert_cmpint (day.end[1], ==, 19 * 60);

  g_assert_true (vtr_day_hours_parse ("09:00-12:00; 14.00-18.30", 1, &day, &error));
  g_assert_cmpint (day.n, ==, 2);
  g_assert_cmpint (day.end[1], ==, 18 * 60 + 30);

  /* Empty: closed. */
  g_assert_true (vtr_day_hours_parse ("  ", 6, &day, &error));
  g_assert_cmpint (day.n, ==, 0);

  /* A bar: past midnight. */
  g_assert_true (vtr_day_hours_parse ("18h-2h", 4, &day, &error));
  g_assert_cmpint (day.end[0], ==, 26 * 60);
}

static void
test_refused (void)
{
  static const char * const bad[] = { "9h-25h", "midi-14h", "9h", "9h-9h", "9h-10h,11h-12h,13h-14h,15h-16h,17h-18h" };
  g_autoptr(GError) error = NULL;
  VtrDayHours day = { .n = 1, .start = { 600 }, .end = { 700 } };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vtr_day_hours_parse (bad[i], 2, &day, &error));
      int code = i == 4 ? VTR_WEEK_HOURS_ERROR_TOO_MANY : VTR_WEEK_HOURS_ERROR_INVALID;

      g_assert_error (error, VTR_WEEK_HOURS_ERROR, code);
      /* The day is named, in the merchant's words. */
      g_assert_true (g_str_has_prefix (error->message, "Mercredi : "));
      g_clear_error (&error);
      /* Nothing half-applied: the day is as it was. */
      g_assert_cmpint (day.n, ==, 1);
      g_assert_cmpint (day.start[0], ==, 600);
    }
}

static void
test_overlap (void)
{
  g_autoptr(GError) error = NULL;
  VtrDayHours day = { 0 };

  g_assert_false (vtr_day_hours_parse ("9h-13h, 12h-19h", 5, &day, &error));
  g_assert_error (error, VTR_WEEK_HOURS_ERROR, VTR_WEEK_HOURS_ERROR_OVERLAP);
  g_assert_cmpstr (error->message, ==, "Samedi : 9 h–13 h et 12 h–19 h se chevauchent ; corrigez l’une des deux");
  g_assert_cmpint (day.n, ==, 0);
}

static void
test_written (void)
{
  static const char * const days[] = {
    "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h",
    "9h-13h", "",
  };
  static const char * const weekend[] = { "", "10h-19h", "10h-19h", "10h-19h", "10h-19h", "10h-19h", "10h-19h" };
  static const char * const two[] = { "8h-20h", "8h-20h", "", "", "", "", "8h-20h" };
  VtrWeekHours week = { 0 };
  g_autofree char *osm = NULL;

  parse_week (days, FALSE, &week);
  osm = vtr_week_hours_to_osm (&week);
  g_assert_cmpstr (osm, ==, "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-13:00; Su off; PH off");
  g_free (osm);

  parse_week (weekend, TRUE, &week);
  osm = vtr_week_hours_to_osm (&week);
  g_assert_cmpstr (osm, ==, "Mo off; Tu-Su 10:00-19:00");
  g_free (osm);

  parse_week (two, TRUE, &week);
  osm = vtr_week_hours_to_osm (&week);
  g_assert_cmpstr (osm, ==, "Mo,Tu 08:00-20:00; We-Sa off; Su 08:00-20:00");
}

/* What is written, the kiosks read: open and closed when the shop is. */
static void
test_read_back (void)
{
  static const char * const days[] = {
    "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h",
    "9h-13h", "18h-2h",
  };
  VtrWeekHours week = { 0 }, back = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *osm = NULL;
  g_autoptr(VtrOpeningHours) hours = NULL;
  /* Monday 30 November 2026; Friday 25 December 2026 is a holiday. */
  g_autoptr(GDateTime) monday_10 = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 30, 10, 0, 0);
  g_autoptr(GDateTime) monday_13 = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 30, 13, 0, 0);
  g_autoptr(GDateTime) sunday_late = g_date_time_new (vtr_opening_hours_timezone (), 2026, 12, 7, 1, 0, 0);
  g_autoptr(GDateTime) christmas = g_date_time_new (vtr_opening_hours_timezone (), 2026, 12, 25, 10, 0, 0);

  parse_week (days, FALSE, &week);
  osm = vtr_week_hours_to_osm (&week);
  hours = vtr_opening_hours_parse (osm, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_opening_hours_is_open (hours, monday_10, NULL));
  g_assert_false (vtr_opening_hours_is_open (hours, monday_13, NULL));
  g_assert_true (vtr_opening_hours_is_open (hours, sunday_late, NULL));
  g_assert_false (vtr_opening_hours_is_open (hours, christmas, NULL));

  g_assert_true (vtr_week_hours_from_osm (osm, &back, &error));
  g_assert_no_error (error);
  g_assert_false (back.holidays_open);
  for (int d = 0; d < 7; d++)
    {
      g_assert_cmpint (back.days[d].n, ==, week.days[d].n);
      for (int i = 0; i < week.days[d].n; i++)
        {
          g_assert_cmpint (back.days[d].start[i], ==, week.days[d].start[i]);
          g_assert_cmpint (back.days[d].end[i], ==, week.days[d].end[i]);
        }
    }
}

static void
test_words (void)
{
  static const char * const days[] = {
    "", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-19h", "9h-19h",
  };
  VtrWeekHours week = { 0 };
  g_autofree char *words = NULL;

  parse_week (days, FALSE, &week);
  words = vtr_week_hours_describe (&week);
  g_assert_cmpstr (words, ==,
                   "Lundi : fermé\n"
                   "Mardi – Vendredi : 9 h à 12 h 30 et 14 h à 19 h\n"
                   "Samedi, Dimanche : 9 h à 19 h\n"
                   "Jours fériés : fermé");
}

int
main (int argc, char *argv[])
{
  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "");
  vtr_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/week-hours/typed-forms", test_typed_forms);
  g_test_add_func ("/week-hours/refused", test_refused);
  g_test_add_func ("/week-hours/overlap", test_overlap);
  g_test_add_func ("/week-hours/written", test_written);
  g_test_add_func ("/week-hours/read-back", test_read_back);
  g_test_add_func ("/week-hours/words", test_words);

  return g_test_run ();
}

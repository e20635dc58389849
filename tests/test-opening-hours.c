#include "config.h"

#include "vtr-opening-hours.h"
#include "vtr-describe.h"

/* Times are given in UTC or Paris time so the expectations read as a shop
 * would say them. */

static GDateTime *
paris (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new (vtr_opening_hours_timezone (), year, month, day, hour, minute, 0);
}

static GDateTime *
utc (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_utc (year, month, day, hour, minute, 0);
}

static void
assert_state (const char *text,
              GDateTime  *at,
              gboolean    expect_open,
              GDateTime  *expect_change)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOpeningHours) hours = vtr_opening_hours_parse (text, &error);
  g_autoptr(GDateTime) change = NULL;
  gboolean open;

  g_assert_no_error (error);
  g_assert_nonnull (hours);
  open = vtr_opening_hours_is_open (hours, at, &change);
  if (open != expect_open)
    g_error ("“%s” at %s: expected %s", text, g_date_time_format_iso8601 (at),
             expect_open ? "open" : "closed");
  if (expect_change == NULL)
    g_assert_null (change);
  else
    {
      g_assert_nonnull (change);
      if (!g_date_time_equal (change, expect_change))
        g_error ("“%s” at %s: next change %s, expected %s", text, g_date_time_format_iso8601 (at),
                 g_date_time_format_iso8601 (change), g_date_time_format_iso8601 (expect_change));
    }
  g_date_time_unref (at);
  g_clear_pointer (&expect_change, g_date_time_unref);
}

#define SHOP "Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00; Su off; PH off"

static void
test_weekdays_and_intervals (void)
{
  /* Wednesday 25 November 2026. */
  assert_state (SHOP, paris (2026, 11, 25, 10, 0), TRUE, paris (2026, 11, 25, 12, 0));
  assert_state (SHOP, paris (2026, 11, 25, 12, 30), FALSE, paris (2026, 11, 25, 14, 0));
  assert_state (SHOP, paris (2026, 11, 25, 7, 59), FALSE, paris (2026, 11, 25, 8, 0));
  assert_state (SHOP, paris (2026, 11, 25, 8, 0), TRUE, paris (2026, 11, 25, 12, 0));
  /* Saturday afternoon: next Monday morning. */
  assert_state (SHOP, paris (2026, 11, 28, 13, 0), FALSE, paris (2026, 11, 30, 8, 0));
  /* Sunday "off". */
  assert_state (SHOP, paris (2026, 11, 29, 10, 0), FALSE, paris (2026, 11, 30, 8, 0));
}

static void
test_public_holidays (void)
{
  /* Bastille Day 2026 is a Tuesday. */
  assert_state (SHOP, paris (2026, 7, 14, 10, 0), FALSE, paris (2026, 7, 15, 8, 0));
  /* Easter Monday 2026 is 6 April, Ascension 14 May, Whit Monday 25 May. */
  assert_state (SHOP, paris (2026, 4, 6, 10, 0), FALSE, paris (2026, 4, 7, 8, 0));
  assert_state (SHOP, paris (2026, 5, 14, 10, 0), FALSE, paris (2026, 5, 15, 8, 0));
  /* Christmas on a Friday, then the weekend. */
  assert_state (SHOP, paris (2026, 12, 24, 18, 30), FALSE, paris (2026, 12, 26, 9, 0));

  g_assert_true (vtr_is_public_holiday (2026, 4, 6));
  g_assert_true (vtr_is_public_holiday (2027, 3, 29)); /* Easter 2027 is 28 March */
  g_assert_true (vtr_is_public_holiday (2026, 5, 25));
  g_assert_true (vtr_is_public_holiday (2026, 11, 11));
  g_assert_false (vtr_is_public_holiday (2026, 4, 7));
  g_assert_false (vtr_is_public_holiday (2026, 11, 26));

  /* A shop open on holidays says so with PH hours. */
  assert_state ("Mo-Sa 07:00-20:00; PH 08:00-12:00", paris (2026, 7, 14, 13, 0), FALSE,
                paris (2026, 7, 15, 7, 0));
  assert_state ("Mo-Sa 07:00-20:00; PH 08:00-12:00", paris (2026, 7, 14, 9, 0), TRUE,
                paris (2026, 7, 14, 12, 0));
}

static void
test_daylight_saving (void)
{
  /* Clocks go forward at 02:00 on Sunday 29 March 2026: 01:00-04:00 lasts
   * two real hours, from 00:00 to 02:00 UTC. */
  assert_state ("Su 01:00-04:00", utc (2026, 3, 29, 0, 30), TRUE, utc (2026, 3, 29, 2, 0));
  assert_state ("Su 01:00-04:00", utc (2026, 3, 29, 1, 30), TRUE, utc (2026, 3, 29, 2, 0));
  assert_state ("Su 01:00-04:00", utc (2026, 3, 29, 2, 0), FALSE, utc (2026, 4, 4, 23, 0));

  /* Clocks go back at 03:00 on Sunday 25 October 2026: a shop closed on
   * Saturday evening opens Monday at 09:00 winter time, 08:00 UTC. */
  assert_state ("Mo-Sa 09:00-19:00", utc (2026, 10, 24, 18, 0), FALSE, utc (2026, 10, 26, 8, 0));
  /* ... while the Saturday before closed at 19:00 summer time, 17:00 UTC. */
  assert_state ("Mo-Sa 09:00-19:00", utc (2026, 10, 24, 16, 0), TRUE, utc (2026, 10, 24, 17, 0));
}

static void
test_past_midnight (void)
{
  const char *bar = "Fr,Sa 18:00-02:00";

  /* Saturday 01:00 is still Friday night. */
  assert_state (bar, paris (2026, 11, 28, 1, 0), TRUE, paris (2026, 11, 28, 2, 0));
  assert_state (bar, paris (2026, 11, 28, 3, 0), FALSE, paris (2026, 11, 28, 18, 0));
  /* Sunday 01:30 is Saturday night; then closed until Friday. */
  assert_state (bar, paris (2026, 11, 29, 1, 30), TRUE, paris (2026, 11, 29, 2, 0));
  assert_state (bar, paris (2026, 11, 29, 2, 0), FALSE, paris (2026, 12, 4, 18, 0));
  /* Open every night until 01:00: closing time is tomorrow's 01:00. */
  assert_state ("Mo-Su 07:00-01:00", paris (2026, 11, 25, 23, 0), TRUE, paris (2026, 11, 26, 1, 0));
}

static void
test_always_and_never (void)
{
  assert_state ("24/7", paris (2026, 12, 25, 3, 0), TRUE, NULL);
  assert_state ("Mo-Su 00:00-24:00", paris (2026, 11, 25, 3, 0), TRUE, NULL);
  assert_state ("off", paris (2026, 11, 25, 10, 0), FALSE, NULL);
  /* Day ranges that wrap over the weekend. */
  assert_state ("Fr-Mo 10:00-12:00", paris (2026, 11, 29, 11, 0), TRUE, paris (2026, 11, 29, 12, 0));
  assert_state ("Fr-Mo 10:00-12:00", paris (2026, 11, 25, 11, 0), FALSE, paris (2026, 11, 27, 10, 0));
}

static void
test_additional_rules (void)
{
  const char *text = "Tu-Sa 09:00-19:00, Su 09:00-12:00";

  assert_state (text, paris (2026, 11, 29, 10, 0), TRUE, paris (2026, 11, 29, 12, 0));
  assert_state (text, paris (2026, 11, 30, 10, 0), FALSE, paris (2026, 12, 1, 9, 0));
  /* A later rule replaces what an earlier one said of its days. */
  assert_state ("Mo-Sa 09:00-19:00; We 09:00-12:00", paris (2026, 11, 25, 14, 0), FALSE,
                paris (2026, 11, 26, 9, 0));
}

static void
test_syntax_errors (void)
{
  static const char * const bad[] = {
    "", "Mo-Fx 08:00-12:00", "Mo-Fr 8h-12h", "Mo-Fr 08:00", "Mo-Fr 25:00-26:00",
    "Mo-Fr 08:61-12:00", "Mo-Fr 08:00-12:00;;Sa off", "Mo-Fr 08:00-12:00,", "Mo-Fr 08:00-12:00 Sa",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VtrOpeningHours) hours = vtr_opening_hours_parse (bad[i], &error);

      if (hours != NULL)
        g_error ("“%s” should not parse", bad[i]);
      g_assert_error (error, VTR_OPENING_HOURS_ERROR, VTR_OPENING_HOURS_ERROR_SYNTAX);
      /* The message quotes the text so the federation can find the row. */
      g_assert_nonnull (strstr (error->message, bad[i]));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrOpeningHours) hours = vtr_opening_hours_parse ("Jan-Mar 10:00-12:00", &error);

    g_assert_null (hours);
    g_assert_error (error, VTR_OPENING_HOURS_ERROR, VTR_OPENING_HOURS_ERROR_UNSUPPORTED);
  }
}

/* The week table a shop's page shows: a line a day, in words, never the
 * OpenStreetMap string. */
/* (shop) "Fermé exceptionnellement du … au …": a date range, last. */
static void
test_exceptional_closure (void)
{
  const char *closed = SHOP "; 2026 Dec 24-2026 Dec 26 off";
  const char *bad[] = {
    SHOP "; 2026 Dec 26-2026 Dec 24 off",  /* backwards */
    SHOP "; 2026 Feb 30 off",               /* no such day */
    SHOP "; 2026 Dek 24 off",               /* no such month */
    SHOP "; 2026 Dec 24 09:00-12:00",        /* other hours on dates: not yet */
  };
  g_autoptr(VtrOpeningHours) hours = vtr_opening_hours_parse (closed, NULL);
  int starts[4], ends[4];

  /* Thursday 24 December 10:00: closed; it reopens on Monday 28. */
  assert_state (closed, paris (2026, 12, 24, 10, 0), FALSE, paris (2026, 12, 28, 8, 0));
  assert_state (closed, paris (2026, 12, 23, 10, 0), TRUE, paris (2026, 12, 23, 12, 0));
  /* One day alone. */
  assert_state (SHOP "; 2026 Dec 23 off", paris (2026, 12, 23, 10, 0), FALSE, paris (2026, 12, 24, 8, 0));
  /* The usual week the counter shows is not changed by it. */
  g_assert_nonnull (hours);
  g_assert_cmpint (vtr_opening_hours_weekday_spans (hours, 3, starts, ends, 4), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VtrOpeningHours) none = vtr_opening_hours_parse (bad[i], &error);

      g_assert_null (none);
      g_assert_error (error, VTR_OPENING_HOURS_ERROR, VTR_OPENING_HOURS_ERROR_SYNTAX);
    }
}

static void
test_week_in_words (void)
{
  g_auto(GStrv) week = vtr_describe_week ("Mo-Fr 08:00-12:30,14:00-19:00; Sa 08:00-13:00; Su off; PH off");
  g_auto(GStrv) late = vtr_describe_week ("Tu-Sa 09:00-19:00, Fr,Sa 18:00-02:00");
  g_auto(GStrv) always = vtr_describe_week ("24/7");
  g_auto(GStrv) unreadable = vtr_describe_week ("sometimes");

  g_assert_cmpuint (g_strv_length (week), ==, 7);
  g_assert_cmpstr (week[0], ==, "8:00 – 12:30, 14:00 – 19:00");
  g_assert_cmpstr (week[4], ==, "8:00 – 12:30, 14:00 – 19:00");
  g_assert_cmpstr (week[5], ==, "8:00 – 13:00");
  g_assert_cmpstr (week[6], ==, "closed");
  g_assert_cmpstr (late[0], ==, "closed");
  g_assert_cmpstr (late[1], ==, "9:00 – 19:00");
  g_assert_cmpstr (late[4], ==, "9:00 – 19:00, 18:00 – 2:00");
  g_assert_cmpstr (always[2], ==, "open all day");
  g_assert_null (unreadable);
  g_assert_null (vtr_describe_week (NULL));
  g_assert_cmpstr (vtr_describe_weekday (0), ==, "Monday");
}

static char *
open_until (const char *text,
            GDateTime  *at)
{
  g_autoptr(VtrOpeningHours) hours = vtr_opening_hours_parse (text, NULL);
  VtrOpenState state = { .known = hours != NULL };
  char *words;

  if (hours)
    state.open = vtr_opening_hours_is_open (hours, at, &state.next_change);
  words = vtr_describe_open_until (&state, at);
  g_clear_pointer (&state.next_change, g_date_time_unref);
  g_date_time_unref (at);
  return words;
}

static void
test_open_until_in_words (void)
{
  struct { const char *hours; GDateTime *at; const char *expected; } cases[] = {
    /* Wednesday 3 June 2026, 10:00 in Paris. */
    { SHOP, paris (2026, 6, 3, 10, 0), "Open until 12:00" },
    { "Mo-Sa 08:00-19:30", paris (2026, 6, 3, 15, 0), "Open until 19:30" },
    { SHOP, paris (2026, 6, 3, 13, 0), "Closed, opens at 14:00" },
    { SHOP, paris (2026, 6, 3, 19, 0), "Closed, opens tomorrow at 8:00" },
    /* Saturday afternoon: next open on Monday. */
    { SHOP, paris (2026, 6, 6, 13, 0), "Closed, opens Monday at 8:00" },
    { "Fr,Sa 18:00-02:00", paris (2026, 6, 5, 23, 0), "Open until tomorrow at 2:00" },
    { "24/7", paris (2026, 6, 3, 10, 0), "Open" },
    { "whenever", paris (2026, 6, 3, 10, 0), "Opening hours unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = open_until (cases[i].hours, cases[i].at);

      g_assert_cmpstr (words, ==, cases[i].expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/opening-hours/weekdays", test_weekdays_and_intervals);
  g_test_add_func ("/opening-hours/public-holidays", test_public_holidays);
  g_test_add_func ("/opening-hours/daylight-saving", test_daylight_saving);
  g_test_add_func ("/opening-hours/past-midnight", test_past_midnight);
  g_test_add_func ("/opening-hours/always-and-never", test_always_and_never);
  g_test_add_func ("/opening-hours/additional-rules", test_additional_rules);
  g_test_add_func ("/opening-hours/syntax-errors", test_syntax_errors);
  g_test_add_func ("/opening-hours/exceptional-closure", test_exceptional_closure);
  g_test_add_func ("/opening-hours/week-in-words", test_week_in_words);
  g_test_add_func ("/opening-hours/open-until-in-words", test_open_until_in_words);

  return g_test_run ();
}

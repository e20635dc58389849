#include "config.h"

#include "vtr-describe.h"

#include <glib/gi18n-lib.h>

#include "vtr-opening-hours.h"

/*
 * Catalogue facts in the words a shopper reads: on the kiosk's screens
 * and in vitrine-ctl's answers alike.
 */

/* "14:00" today, "Tue 08:00" within the week: weekday names come from
 * the translations, not LC_TIME, which kiosks often leave at C. */
char *
vtr_describe_time (GDateTime *time,
             GDateTime *now)
{
  static const char * const weekdays[] = {
    N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
  };
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, vtr_opening_hours_timezone ());
  g_autoptr(GDateTime) local_now = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
  g_autofree char *clock = g_date_time_format (local, "%H:%M");

  if (g_date_time_get_year (local) == g_date_time_get_year (local_now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (local_now))
    return g_steal_pointer (&clock);

  /* TRANSLATORS: a short weekday name and a time, such as "Tue 08:00" */
  return g_strdup_printf (C_("weekday time", "%s %s"),
                          _(weekdays[g_date_time_get_day_of_week (local) - 1]), clock);
}

char *
vtr_describe_open_state (const VtrOpenState *open,
                     GDateTime          *now)
{
  g_autofree char *when = NULL;

  if (!open->known)
    return g_strdup (_("hours unknown"));
  if (open->next_change)
    when = vtr_describe_time (open->next_change, now);

  if (open->open)
    return when ? g_strdup_printf (_("open, closes at %s"), when) : g_strdup (_("open"));
  return when ? g_strdup_printf (_("closed, opens %s"), when) : g_strdup (_("closed"));
}

const char *
vtr_describe_availability (VtrAvailability availability)
{
  switch (availability)
    {
    case VTR_AVAILABILITY_IN_STOCK:
      return _("in stock");
    case VTR_AVAILABILITY_LOW:
      return _("few left");
    case VTR_AVAILABILITY_OUT_OF_STOCK:
      return _("out of stock");
    default:
      g_assert_not_reached ();
    }
}

char *
vtr_describe_distance (double distance_m,
                   int    walking_minutes)
{
  g_autofree char *distance = NULL;

  if (distance_m < 1000)
    distance = g_strdup_printf (_("%d m"), (int) (distance_m + 0.5));
  else
    {
      /* Tenths of a kilometre, written with the language's decimal
       * separator (printf would use the machine's locale's). */
      int tenths = (int) (distance_m / 100.0 + 0.5);

      /* TRANSLATORS: kilometres and tenths, "1.3 km"; French "%d,%d km" */
      distance = g_strdup_printf (_("%d.%d km"), tenths / 10, tenths % 10);
    }

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d min walk", "%s · %d min walk",
                                       walking_minutes),
                          distance, walking_minutes);
}


/* Opening hours in words: "Open until 19:00", and a week table whose
 * lines read "9:00 – 12:00, 14:00 – 19:00" or "closed". The clock's form
 * is the translators' ("19 h", "19 h 30" in French). */

/**
 * vtr_describe_clock:
 * @minutes: minutes since midnight; past midnight (26:00) reads as 2:00
 */
char *
vtr_describe_clock (int minutes)
{
  int hour, minute;

  minutes = ((minutes % (24 * 60)) + 24 * 60) % (24 * 60);
  hour = minutes / 60;
  minute = minutes % 60;
  if (minute == 0)
    /* TRANSLATORS: a time on the hour, such as "19:00"; French: "%d h" */
    return g_strdup_printf (C_("clock, on the hour", "%d:00"), hour);
  /* TRANSLATORS: a time, such as "19:30"; French: "%d h %02d" */
  return g_strdup_printf (C_("clock", "%d:%02d"), hour, minute);
}

/**
 * vtr_describe_weekday:
 * @weekday: 0 for Monday … 6 for Sunday
 *
 * Returns: the day's whole name, translated
 */
const char *
vtr_describe_weekday (int weekday)
{
  static const char * const names[] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"),
  };

  g_return_val_if_fail (weekday >= 0 && weekday < 7, NULL);
  return _(names[weekday]);
}

/**
 * vtr_describe_week:
 * @opening_hours: (nullable): the shop's hours in OpenStreetMap's syntax
 *
 * Returns: (transfer full) (nullable): seven lines, Monday first, each the
 *   day's hours in words; %NULL when the hours are missing or unreadable
 */
char **
vtr_describe_week (const char *opening_hours)
{
  g_autoptr(VtrOpeningHours) hours = NULL;
  g_autoptr(GStrvBuilder) week = NULL;

  if (opening_hours == NULL || *opening_hours == '\0')
    return NULL;
  hours = vtr_opening_hours_parse (opening_hours, NULL);
  if (hours == NULL)
    return NULL;

  week = g_strv_builder_new ();
  for (int day = 0; day < 7; day++)
    {
      int starts[8], ends[8];
      int n = vtr_opening_hours_weekday_spans (hours, day, starts, ends, G_N_ELEMENTS (starts));
      g_autoptr(GString) line = g_string_new (NULL);

      if (n == 0)
        g_string_append (line, _("closed"));
      if (n == 1 && starts[0] == 0 && ends[0] >= 24 * 60)
        {
          g_strv_builder_add (week, _("open all day"));
          continue;
        }
      for (int i = 0; i < n; i++)
        {
          g_autofree char *from = vtr_describe_clock (starts[i]);
          g_autofree char *to = vtr_describe_clock (ends[i]);

          if (i > 0)
            g_string_append (line, ", ");
          /* TRANSLATORS: opening hours from a time to another, "9:00 – 12:00" */
          g_string_append_printf (line, _("%s – %s"), from, to);
        }
      g_strv_builder_add (week, line->str);
    }
  return g_strv_builder_end (week);
}

/**
 * vtr_describe_open_until:
 *
 * Whether a place is open now, as a sentence: "Open until 19:00",
 * "Closed, opens tomorrow at 8:00".
 */
char *
vtr_describe_open_until (const VtrOpenState *open,
                         GDateTime          *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autofree char *clock = NULL;
  int days;

  if (!open->known)
    return g_strdup (_("Opening hours unknown"));
  if (open->next_change == NULL)
    return g_strdup (open->open ? _("Open") : _("Closed"));

  local = g_date_time_to_timezone (open->next_change, vtr_opening_hours_timezone ());
  local_now = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
  clock = vtr_describe_clock (g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local));
  {
    g_autoptr(GDate) a = g_date_new_dmy (g_date_time_get_day_of_month (local_now), g_date_time_get_month (local_now),
                                         g_date_time_get_year (local_now));
    g_autoptr(GDate) b = g_date_new_dmy (g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                                         g_date_time_get_year (local));

    days = g_date_days_between (a, b);
  }

  if (open->open)
    {
      if (days == 0)
        return g_strdup_printf (_("Open until %s"), clock);
      if (days == 1)
        return g_strdup_printf (_("Open until tomorrow at %s"), clock);
      return g_strdup_printf (_("Open until %s at %s"),
                              vtr_describe_weekday (g_date_time_get_day_of_week (local) - 1), clock);
    }
  if (days == 0)
    return g_strdup_printf (_("Closed, opens at %s"), clock);
  if (days == 1)
    return g_strdup_printf (_("Closed, opens tomorrow at %s"), clock);
  /* TRANSLATORS: a weekday and a time, "Closed, opens Tuesday at 8:00" */
  return g_strdup_printf (_("Closed, opens %s at %s"),
                          vtr_describe_weekday (g_date_time_get_day_of_week (local) - 1), clock);
}

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
    distance = g_strdup_printf (_("%.1f km"), distance_m / 1000.0);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d min walk", "%s · %d min walk",
                                       walking_minutes),
                          distance, walking_minutes);
}


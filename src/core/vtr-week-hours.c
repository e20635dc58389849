#include "config.h"

#include "vtr-week-hours.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-opening-hours.h"

/*
 * A shop's usual week, day by day, as the merchant types it at the
 * counter ("9h-12h30, 14h-19h"), written as OpenStreetMap's
 * opening_hours with days of the same hours grouped ("Mo-Fr
 * 09:00-12:30,14:00-19:00; Sa 09:00-13:00; Su off; PH off"), read back
 * from it, and said in words. A day's ranges that overlap are refused
 * with the day and the ranges named: nothing is written from them.
 */

G_DEFINE_QUARK (vtr-week-hours-error-quark, vtr_week_hours_error)

#define MINUTES_PER_DAY (24 * 60)

static const char * const osm_days[] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };

const char *
vtr_weekday_name (int weekday)
{
  switch (weekday)
    {
    case 0: return _("Monday");
    case 1: return _("Tuesday");
    case 2: return _("Wednesday");
    case 3: return _("Thursday");
    case 4: return _("Friday");
    case 5: return _("Saturday");
    case 6: return _("Sunday");
    default: g_return_val_if_reached ("");
    }
}

/* "9", "9h", "9h30", "9:30", "09.30" → minutes; -1 when it is no time. */
static int
parse_time (const char *text)
{
  g_autofree char *t = g_strstrip (g_ascii_strdown (text, -1));
  char *end = NULL;
  gint64 h, m = 0;

  if (!g_ascii_isdigit (*t))
    return -1;
  h = g_ascii_strtoll (t, &end, 10);
  if (*end == 'h' || *end == ':' || *end == '.')
    {
      end++;
      if (*end)
        {
          char *after = NULL;

          if (!g_ascii_isdigit (end[0]) || !g_ascii_isdigit (end[1]))
            return -1;
          m = g_ascii_strtoll (end, &after, 10);
          end = after;
        }
    }
  if (*end != '\0' || h > 24 || m > 59 || (h == 24 && m > 0))
    return -1;
  return (int) (h * 60 + m);
}

/* A sentence starts with a capital: "lundi" in French, at the start. */
static char *
capitalized (char *text)
{
  gunichar first;
  char head[8] = { 0 };
  char *result;

  if (text == NULL || *text == '\0')
    return text;
  first = g_unichar_totitle (g_utf8_get_char (text));
  g_unichar_to_utf8 (first, head);
  result = g_strconcat (head, g_utf8_next_char (text), NULL);
  g_free (text);
  return result;
}

/**
 * vtr_weekday_title:
 *
 * Returns: (transfer full): the day's name as a title: "Lundi"
 */
char *
vtr_weekday_title (int weekday)
{
  return capitalized (g_strdup (vtr_weekday_name (weekday)));
}

static char *
time_text (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

/* 9 h, 12 h 30: how a French shop writes a time. */
static char *
time_words (int minutes)
{
  minutes %= MINUTES_PER_DAY;
  if (minutes % 60 == 0)
    return g_strdup_printf (_("%d h"), minutes / 60);
  return g_strdup_printf (_("%d h %02d"), minutes / 60, minutes % 60);
}

/**
 * vtr_day_hours_parse:
 * @text: "9h-12h30, 14h-19h", "09:00-19:00", or empty (closed)
 * @weekday: 0 for Monday, to name the day in an error
 *
 * Returns: whether @text is a day's hours; @error in the merchant's words
 */
gboolean
vtr_day_hours_parse (const char   *text,
                     int           weekday,
                     VtrDayHours  *day,
                     GError      **error)
{
  g_auto(GStrv) ranges = NULL;
  g_autofree char *day_title = vtr_weekday_title (weekday);
  VtrDayHours parsed = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  ranges = g_strsplit_set (text, ",;", -1);
  for (guint i = 0; ranges[i]; i++)
    {
      g_autofree char *range = g_strstrip (g_strdup (ranges[i]));
      g_auto(GStrv) ends = NULL;
      int start, end;

      if (*range == '\0')
        continue;
      ends = g_strsplit_set (range, "-–", 2);
      start = parse_time (ends[0]);
      end = ends[1] ? parse_time (ends[1]) : -1;
      if (start < 0 || end < 0)
        {
          g_set_error (error, VTR_WEEK_HOURS_ERROR, VTR_WEEK_HOURS_ERROR_INVALID,
                       _("%s: “%s” is not a range of hours; type for example 9h-12h30"),
                       day_title, range);
          return FALSE;
        }
      if (start == end)
        {
          g_set_error (error, VTR_WEEK_HOURS_ERROR, VTR_WEEK_HOURS_ERROR_INVALID,
                       _("%s: “%s” opens and closes at the same time"), day_title, range);
          return FALSE;
        }
      /* 18h-2h: open past midnight. */
      if (end < start)
        end += MINUTES_PER_DAY;
      if (parsed.n == VTR_DAY_MAX_SPANS)
        {
          g_set_error (error, VTR_WEEK_HOURS_ERROR, VTR_WEEK_HOURS_ERROR_TOO_MANY,
                       _("%s: at most %d ranges of hours a day"), day_title, VTR_DAY_MAX_SPANS);
          return FALSE;
        }
      /* Kept in order of opening. */
      {
        int at = parsed.n;

        while (at > 0 && parsed.start[at - 1] > start)
          {
            parsed.start[at] = parsed.start[at - 1];
            parsed.end[at] = parsed.end[at - 1];
            at--;
          }
        parsed.start[at] = start;
        parsed.end[at] = end;
        parsed.n++;
      }
    }
  for (int i = 1; i < parsed.n; i++)
    if (parsed.start[i] < parsed.end[i - 1])
      {
        g_autofree char *a1 = time_words (parsed.start[i - 1]), *a2 = time_words (parsed.end[i - 1]);
        g_autofree char *b1 = time_words (parsed.start[i]), *b2 = time_words (parsed.end[i]);

        g_set_error (error, VTR_WEEK_HOURS_ERROR, VTR_WEEK_HOURS_ERROR_OVERLAP,
                     _("%s: %s–%s and %s–%s overlap; correct one of them"),
                     day_title, a1, a2, b1, b2);
        return FALSE;
      }
  *day = parsed;
  return TRUE;
}

/* "09:00-12:30, 14:00-19:00": what the day's entry shows. */
char *
vtr_day_hours_format (const VtrDayHours *day)
{
  GString *text = g_string_new (NULL);

  for (int i = 0; i < day->n; i++)
    {
      g_autofree char *a = time_text (day->start[i] % MINUTES_PER_DAY);
      g_autofree char *b = time_text (day->end[i] % MINUTES_PER_DAY);

      g_string_append_printf (text, "%s%s-%s", i ? ", " : "", a, b);
    }
  return g_string_free (text, FALSE);
}

static gboolean
same_day (const VtrDayHours *a,
          const VtrDayHours *b)
{
  if (a->n != b->n)
    return FALSE;
  for (int i = 0; i < a->n; i++)
    if (a->start[i] != b->start[i] || a->end[i] != b->end[i])
      return FALSE;
  return TRUE;
}

/* OSM's spans: 18:00-02:00 for a range past midnight. */
static void
append_osm_spans (GString           *text,
                  const VtrDayHours *day)
{
  if (day->n == 0)
    {
      g_string_append (text, "off");
      return;
    }
  for (int i = 0; i < day->n; i++)
    {
      g_autofree char *a = time_text (day->start[i]);
      g_autofree char *b = time_text (day->end[i] == MINUTES_PER_DAY ? MINUTES_PER_DAY
                                                                      : day->end[i] % MINUTES_PER_DAY);

      g_string_append_printf (text, "%s%s-%s", i ? "," : "", a, b);
    }
}

/**
 * vtr_week_hours_to_osm:
 *
 * Returns: (transfer full): the week as OSM opening_hours, consecutive
 *   days with the same hours grouped ("Mo-Fr"), then "PH off" unless the
 *   shop opens on public holidays
 */
char *
vtr_week_hours_to_osm (const VtrWeekHours *week)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (week != NULL, NULL);

  for (int d = 0; d < 7;)
    {
      int last = d;

      while (last + 1 < 7 && same_day (&week->days[d], &week->days[last + 1]))
        last++;
      if (text->len)
        g_string_append (text, "; ");
      g_string_append (text, osm_days[d]);
      if (last > d)
        g_string_append_printf (text, "%s%s", last == d + 1 ? "," : "-", osm_days[last]);
      g_string_append_c (text, ' ');
      append_osm_spans (text, &week->days[d]);
      d = last + 1;
    }
  if (!week->holidays_open)
    g_string_append (text, "; PH off");
  return g_string_free (text, FALSE);
}

/**
 * vtr_week_hours_from_osm:
 *
 * The usual week of OSM opening_hours (a public holiday aside). A shop
 * with no hours yet reads as closed every day, open on holidays.
 */
gboolean
vtr_week_hours_from_osm (const char    *text,
                         VtrWeekHours  *week,
                         GError       **error)
{
  g_autoptr(VtrOpeningHours) hours = NULL;
  VtrWeekHours read = { 0 };

  g_return_val_if_fail (week != NULL, FALSE);

  read.holidays_open = TRUE;
  if (text == NULL || *text == '\0')
    {
      *week = read;
      return TRUE;
    }
  hours = vtr_opening_hours_parse (text, error);
  if (hours == NULL)
    return FALSE;
  for (int d = 0; d < 7; d++)
    {
      int starts[16], ends[16];
      int n = vtr_opening_hours_weekday_spans (hours, d, starts, ends, G_N_ELEMENTS (starts));

      read.days[d].n = MIN (n, VTR_DAY_MAX_SPANS);
      for (int i = 0; i < read.days[d].n; i++)
        {
          read.days[d].start[i] = starts[i];
          read.days[d].end[i] = ends[i];
        }
    }
  /* The last rule about PH decides; "PH off" or "PH closed" closes. */
  {
    const char *ph = NULL, *p = text;

    while ((p = strstr (p, "PH")))
      ph = p++;
    if (ph)
      {
        const char *rest = ph + 2;

        while (*rest == ' ')
          rest++;
        read.holidays_open = !(g_str_has_prefix (rest, "off") || g_str_has_prefix (rest, "closed"));
      }
  }
  *week = read;
  return TRUE;
}

static char *
day_words (const VtrDayHours *day)
{
  GString *text;

  if (day->n == 0)
    return g_strdup (_("closed"));
  text = g_string_new (NULL);
  for (int i = 0; i < day->n; i++)
    {
      g_autofree char *a = time_words (day->start[i]);
      g_autofree char *b = time_words (day->end[i]);

      if (i > 0)
        g_string_append (text, i == day->n - 1 ? _(" and ") : ", ");
      g_string_append_printf (text, _("%s to %s"), a, b);
    }
  return g_string_free (text, FALSE);
}

/**
 * vtr_week_hours_describe:
 *
 * Returns: (transfer full): the week in words, a line per group of days
 *   ("Monday to Friday: 9 h to 12 h 30 and 14 h to 19 h")
 */
char *
vtr_week_hours_describe (const VtrWeekHours *week)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (week != NULL, NULL);

  for (int d = 0; d < 7;)
    {
      int last = d;
      g_autofree char *hours = NULL;

      while (last + 1 < 7 && same_day (&week->days[d], &week->days[last + 1]))
        last++;
      hours = day_words (&week->days[d]);
      {
      g_autofree char *line = NULL;

      if (text->len)
        g_string_append_c (text, '\n');
      if (last == d)
        line = g_strdup_printf (_("%s: %s"), vtr_weekday_name (d), hours);
      else if (last == d + 1)
        line = g_strdup_printf (_("%s and %s: %s"), vtr_weekday_name (d), vtr_weekday_name (last), hours);
      else
        line = g_strdup_printf (_("%s to %s: %s"), vtr_weekday_name (d), vtr_weekday_name (last), hours);
      line = capitalized (line);
      g_string_append (text, line);
      }
      d = last + 1;
    }
  g_string_append_c (text, '\n');
  g_string_append (text, week->holidays_open ? _("Public holidays: as the day of the week")
                                             : _("Public holidays: closed"));
  return g_string_free (text, FALSE);
}

#include "config.h"

#include "vtr-opening-hours.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/*
 * A subset of OpenStreetMap's opening_hours syntax, the part shops use:
 *
 *   Mo-Fr 08:00-12:30,14:00-19:00; Sa 08:00-13:00; Su off; PH off
 *   Tu-Sa 09:00-19:00, Su 09:00-12:00      (", " adds a rule for other days)
 *   Fr,Sa 18:00-02:00                       (past midnight)
 *   24/7
 *   2026 Dec 24-2026 Dec 26 off            (closed on these dates: "fermé
 *                                           exceptionnellement", put last)
 *
 * As in OSM, a later rule replaces what earlier ones said of the days it
 * selects; "PH" selects French public holidays. Times are wall-clock times in
 * Europe/Paris, so "09:00" stays 09:00 across daylight-saving changes.
 */

G_DEFINE_QUARK (vtr-opening-hours-error-quark, vtr_opening_hours_error)

#define MINUTES_PER_DAY (24 * 60)
#define MAX_SPANS 8
#define LOOKAHEAD_DAYS 16

typedef struct
{
  int start; /* minutes since the day's midnight */
  int end;   /* may exceed a day: 18:00-02:00 ends at 26:00 */
} Span;

typedef struct
{
  guint8   weekdays;        /* bit 0 = Monday */
  gboolean public_holidays; /* selects PH */
  gboolean additive;        /* added with ", " rather than replacing */
  int      first_date;      /* a date range (yyyymmdd, inclusive), 0: none */
  int      last_date;
  int      n_spans;         /* 0 = closed */
  Span     spans[MAX_SPANS];
} Rule;

struct _VtrOpeningHours
{
  GArray *rules;
};

static const char * const weekday_names[] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };

GTimeZone *
vtr_opening_hours_timezone (void)
{
  static GTimeZone *paris;

  if (g_once_init_enter (&paris))
    {
      GTimeZone *tz = g_time_zone_new_identifier ("Europe/Paris");

      /* Without tzdata, fall back to the EU rule written out. */
      if (tz == NULL)
        tz = g_time_zone_new_identifier ("CET-1CEST,M3.5.0,M10.5.0/3");
      g_once_init_leave (&paris, tz);
    }

  return paris;
}

/* The day @time falls on in Marseille, as YYYYMMDD: what daily caps and
 * code expiry count in. */
int
vtr_paris_day (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, vtr_opening_hours_timezone ());

  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
static GDate *
easter_sunday (int year)
{
  int a = year % 19, b = year / 100, c = year % 100;
  int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31;
  int day = ((h + l - 7 * m + 114) % 31) + 1;

  return g_date_new_dmy (day, month, year);
}

/**
 * vtr_is_public_holiday:
 *
 * Returns: whether the date is a public holiday in metropolitan France.
 */
gboolean
vtr_is_public_holiday (int year,
                       int month,
                       int day)
{
  static const struct { int month, day; } fixed[] = {
    { 1, 1 }, { 5, 1 }, { 5, 8 }, { 7, 14 }, { 8, 15 }, { 11, 1 }, { 11, 11 }, { 12, 25 },
  };
  /* Easter Monday, Ascension, Whit Monday. */
  static const int after_easter[] = { 1, 39, 50 };
  g_autoptr(GDate) easter = NULL;
  g_autoptr(GDate) date = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    if (fixed[i].month == month && fixed[i].day == day)
      return TRUE;

  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  easter = easter_sunday (year);
  date = g_date_new_dmy (day, month, year);
  for (guint i = 0; i < G_N_ELEMENTS (after_easter); i++)
    if (g_date_days_between (easter, date) == after_easter[i])
      return TRUE;

  return FALSE;
}

typedef struct
{
  const char *text;
  const char *p;
  GError    **error;
} Parser;

static void
skip_spaces (Parser *parser)
{
  while (*parser->p == ' ' || *parser->p == '\t')
    parser->p++;
}

static gboolean
fail (Parser     *parser,
      const char *what)
{
  if (parser->error && *parser->error == NULL)
    g_set_error (parser->error, VTR_OPENING_HOURS_ERROR, VTR_OPENING_HOURS_ERROR_SYNTAX,
                 _("Opening hours “%s” cannot be read at character %d: %s"),
                 parser->text, (int) (parser->p - parser->text) + 1, what);
  return FALSE;
}

static int
peek_weekday (Parser *parser)
{
  for (guint i = 0; i < G_N_ELEMENTS (weekday_names); i++)
    if (strncmp (parser->p, weekday_names[i], 2) == 0 && !g_ascii_isalpha (parser->p[2]))
      return i;
  return -1;
}

static gboolean
at_selector (Parser *parser)
{
  return peek_weekday (parser) >= 0 ||
         (strncmp (parser->p, "PH", 2) == 0 && !g_ascii_isalpha (parser->p[2]));
}

static gboolean
parse_selector (Parser *parser,
                Rule   *rule)
{
  for (;;)
    {
      int first = peek_weekday (parser);

      if (first >= 0)
        {
          int last = first;

          parser->p += 2;
          if (*parser->p == '-')
            {
              parser->p++;
              last = peek_weekday (parser);
              if (last < 0)
                return fail (parser, _("a day such as Mo, Tu… Su was expected"));
              parser->p += 2;
            }
          /* Fr-Mo wraps over the weekend. */
          for (int d = first;; d = (d + 1) % 7)
            {
              rule->weekdays |= 1 << d;
              if (d == last)
                break;
            }
        }
      else if (strncmp (parser->p, "PH", 2) == 0)
        {
          rule->public_holidays = TRUE;
          parser->p += 2;
        }
      else
        return fail (parser, _("a day such as Mo, Tu… Su or PH was expected"));

      if (*parser->p != ',')
        return TRUE;
      parser->p++;
      skip_spaces (parser);
    }
}

static const char * const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "2026 Dec 24": a year, a month's English abbreviation, a day. */
static gboolean
at_date (Parser *parser)
{
  const char *p = parser->p;

  return g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
         g_ascii_isdigit (p[3]) && p[4] == ' ' && g_ascii_isupper (p[5]);
}

static gboolean
parse_date (Parser *parser,
            int    *date)
{
  int year, month = 0, day = 0;
  const char *p;

  if (!at_date (parser))
    return fail (parser, _("a date such as 2026 Dec 24 was expected"));
  year = atoi (parser->p);
  parser->p += 5;
  for (guint i = 0; i < G_N_ELEMENTS (month_names); i++)
    if (strncmp (parser->p, month_names[i], 3) == 0)
      month = i + 1;
  if (month == 0 || parser->p[3] != ' ')
    return fail (parser, _("a month such as Jan, Feb… Dec was expected"));
  parser->p += 4;
  p = parser->p;
  while (g_ascii_isdigit (*parser->p))
    day = day * 10 + (*parser->p++ - '0');
  if (parser->p == p || parser->p - p > 2 || !g_date_valid_dmy (day, month, year))
    return fail (parser, _("this date does not exist"));
  *date = year * 10000 + month * 100 + day;
  return TRUE;
}

static gboolean
parse_date_range (Parser *parser,
                  Rule   *rule)
{
  if (!parse_date (parser, &rule->first_date))
    return FALSE;
  rule->last_date = rule->first_date;
  if (*parser->p == '-')
    {
      parser->p++;
      if (!parse_date (parser, &rule->last_date))
        return FALSE;
    }
  if (rule->last_date < rule->first_date)
    return fail (parser, _("the last day comes before the first"));
  skip_spaces (parser);
  /* Dates close a shop; they do not give it other hours (yet). */
  if (!((strncmp (parser->p, "off", 3) == 0 && !g_ascii_isalpha (parser->p[3])) ||
        (strncmp (parser->p, "closed", 6) == 0 && !g_ascii_isalpha (parser->p[6]))))
    return fail (parser, _("dates are followed by “off”"));
  return TRUE;
}

static gboolean
parse_time (Parser *parser,
            int    *minutes)
{
  const char *p = parser->p;
  int h, m;

  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) || p[2] != ':' ||
      !g_ascii_isdigit (p[3]) || !g_ascii_isdigit (p[4]))
    return fail (parser, _("a time such as 08:30 was expected"));

  h = (p[0] - '0') * 10 + (p[1] - '0');
  m = (p[3] - '0') * 10 + (p[4] - '0');
  if (h > 48 || m > 59)
    return fail (parser, _("this time does not exist"));

  *minutes = h * 60 + m;
  parser->p += 5;
  return TRUE;
}

static gboolean
parse_spans (Parser *parser,
             Rule   *rule)
{
  for (;;)
    {
      Span span;

      if (rule->n_spans == MAX_SPANS)
        return fail (parser, _("too many time ranges in one rule"));
      if (!parse_time (parser, &span.start))
        return FALSE;
      if (*parser->p != '-')
        return fail (parser, _("a range such as 08:00-12:00 was expected"));
      parser->p++;
      if (!parse_time (parser, &span.end))
        return FALSE;

      /* 18:00-02:00 runs past midnight. */
      if (span.end <= span.start)
        span.end += MINUTES_PER_DAY;
      if (span.start >= MINUTES_PER_DAY || span.end > 2 * MINUTES_PER_DAY)
        return fail (parser, _("this time range does not exist"));

      rule->spans[rule->n_spans++] = span;

      /* A comma either adds a time range or, before a day, a whole rule. */
      if (*parser->p != ',')
        return TRUE;
      {
        const char *comma = parser->p;

        parser->p++;
        skip_spaces (parser);
        if (at_selector (parser))
          {
            parser->p = comma;
            return TRUE;
          }
      }
    }
}

static gboolean
parse_rule (Parser *parser,
            Rule   *rule)
{
  skip_spaces (parser);

  if (strncmp (parser->p, "24/7", 4) == 0)
    {
      parser->p += 4;
      rule->weekdays = 0x7f;
      rule->public_holidays = TRUE;
      rule->spans[0] = (Span) { 0, MINUTES_PER_DAY };
      rule->n_spans = 1;
      return TRUE;
    }

  if (at_date (parser))
    {
      if (!parse_date_range (parser, rule))
        return FALSE;
    }
  else if (at_selector (parser))
    {
      if (!parse_selector (parser, rule))
        return FALSE;
      skip_spaces (parser);
    }
  else if (*parser->p == '\0' || *parser->p == ';' || *parser->p == ',')
    return fail (parser, _("a rule is empty"));
  else
    {
      /* No day given: every day. */
      rule->weekdays = 0x7f;
    }

  if (strncmp (parser->p, "off", 3) == 0 && !g_ascii_isalpha (parser->p[3]))
    parser->p += 3;
  else if (strncmp (parser->p, "closed", 6) == 0 && !g_ascii_isalpha (parser->p[6]))
    parser->p += 6;
  else if (g_ascii_isdigit (*parser->p))
    return parse_spans (parser, rule);
  else if (*parser->p == '\0' || *parser->p == ';' || *parser->p == ',')
    {
      /* "Mo-Fr" alone means open all day on those days. */
      rule->spans[0] = (Span) { 0, MINUTES_PER_DAY };
      rule->n_spans = 1;
    }
  else if (g_ascii_isalpha (*parser->p) || *parser->p == '"')
    {
      g_set_error (parser->error, VTR_OPENING_HOURS_ERROR, VTR_OPENING_HOURS_ERROR_UNSUPPORTED,
                   _("Opening hours “%s” use a form Vitrine does not know yet at character %d "
                     "(days, times, “off” and “PH” are understood)"),
                   parser->text, (int) (parser->p - parser->text) + 1);
      return FALSE;
    }
  else
    return fail (parser, _("a time such as 08:30 or “off” was expected"));

  return TRUE;
}

/**
 * vtr_opening_hours_parse:
 * @text: opening hours in OpenStreetMap's syntax
 *
 * Returns: (transfer full) (nullable): the parsed hours, or %NULL with
 * @error set, saying where the text goes wrong.
 */
VtrOpeningHours *
vtr_opening_hours_parse (const char *text,
                         GError    **error)
{
  g_autoptr(VtrOpeningHours) hours = g_new0 (VtrOpeningHours, 1);
  Parser parser = { text, text, error };
  gboolean additive = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  hours->rules = g_array_new (FALSE, TRUE, sizeof (Rule));

  skip_spaces (&parser);
  if (*parser.p == '\0')
    {
      fail (&parser, _("the text is empty"));
      return NULL;
    }

  for (;;)
    {
      Rule rule = { 0 };

      rule.additive = additive;
      if (!parse_rule (&parser, &rule))
        return NULL;
      g_array_append_val (hours->rules, rule);

      skip_spaces (&parser);
      if (*parser.p == '\0')
        break;
      if (*parser.p == ';')
        additive = FALSE;
      else if (*parser.p == ',')
        additive = TRUE;
      else
        {
          fail (&parser, _("“;” between rules was expected"));
          return NULL;
        }
      parser.p++;
      skip_spaces (&parser);
      if (*parser.p == '\0')
        break;
    }

  return g_steal_pointer (&hours);
}

void
vtr_opening_hours_free (VtrOpeningHours *hours)
{
  if (hours == NULL)
    return;
  g_clear_pointer (&hours->rules, g_array_unref);
  g_free (hours);
}

static gboolean
rule_selects (const Rule *rule,
              int         weekday,
              gboolean    holiday)
{
  if (holiday && rule->public_holidays)
    return TRUE;
  return (rule->weekdays & (1 << weekday)) != 0;
}

static int
compare_spans (const void *a,
               const void *b)
{
  return ((const Span *) a)->start - ((const Span *) b)->start;
}

/* The spans the rules give one local day, earliest first. */
static int
spans_of_day (const VtrOpeningHours *hours,
              GDate                 *date_of,
              Span                  *spans,
              int                    max_spans)
{
  int weekday = g_date_get_weekday (date_of) - 1;
  gboolean holiday = vtr_is_public_holiday (g_date_get_year (date_of), g_date_get_month (date_of),
                                            g_date_get_day (date_of));
  int date = g_date_get_year (date_of) * 10000 + g_date_get_month (date_of) * 100 + g_date_get_day (date_of);
  int n = 0;

  for (guint i = 0; i < hours->rules->len; i++)
    {
      const Rule *rule = &g_array_index (hours->rules, Rule, i);

      if (rule->first_date)
        {
          /* A closure on dates replaces whatever came before for them. */
          if (date >= rule->first_date && date <= rule->last_date)
            n = 0;
          continue;
        }
      if (!rule_selects (rule, weekday, holiday))
        continue;
      /* A public holiday rule overrides what the weekday rules said, and a
       * weekday rule does not reopen a day a PH rule closed before it. */
      if (!rule->additive)
        n = 0;
      for (int s = 0; s < rule->n_spans && n < max_spans; s++)
        spans[n++] = rule->spans[s];
    }

  if (n > 1)
    qsort (spans, n, sizeof (Span), compare_spans);
  return n;
}

/**
 * vtr_opening_hours_weekday_spans:
 * @weekday: 0 for Monday … 6 for Sunday
 * @starts: (out caller-allocates) (array length=max_spans): opening times,
 *   in minutes since midnight
 * @ends: (out caller-allocates) (array length=max_spans): closing times,
 *   which may pass midnight (26:00 = 2 a.m. the next day)
 *
 * The hours of a usual @weekday, one that is no public holiday: what a
 * shop's week table shows.
 *
 * Returns: the number of spans, earliest first; 0 when closed all day
 */
int
vtr_opening_hours_weekday_spans (const VtrOpeningHours *hours,
                                 int                    weekday,
                                 int                   *starts,
                                 int                   *ends,
                                 int                    max_spans)
{
  Span spans[MAX_SPANS * 4];
  int n = 0;

  g_return_val_if_fail (hours != NULL, 0);
  g_return_val_if_fail (weekday >= 0 && weekday < 7, 0);

  for (guint i = 0; i < hours->rules->len; i++)
    {
      const Rule *rule = &g_array_index (hours->rules, Rule, i);

      if (!rule_selects (rule, weekday, FALSE))
        continue;
      if (!rule->additive)
        n = 0;
      for (int s = 0; s < rule->n_spans && n < (int) G_N_ELEMENTS (spans); s++)
        spans[n++] = rule->spans[s];
    }
  if (n > 1)
    qsort (spans, n, sizeof (Span), compare_spans);
  n = MIN (n, max_spans);
  for (int i = 0; i < n; i++)
    {
      starts[i] = spans[i].start;
      ends[i] = spans[i].end;
    }
  return n;
}

static GDateTime *
local_time (GDate *date,
            int    minutes)
{
  GDate day = *date;

  g_date_add_days (&day, minutes / MINUTES_PER_DAY);
  minutes %= MINUTES_PER_DAY;

  return g_date_time_new (vtr_opening_hours_timezone (), g_date_get_year (&day),
                          g_date_get_month (&day), g_date_get_day (&day), minutes / 60,
                          minutes % 60, 0);
}

/**
 * vtr_opening_hours_is_open:
 * @at: the moment asked about, in any time zone
 * @next_change: (out) (optional) (transfer full): when the shop closes if it
 *   is open, or opens if it is closed; %NULL if that never happens within two
 *   weeks (always open, or closed for good)
 *
 * Returns: whether the shop is open at @at.
 */
gboolean
vtr_opening_hours_is_open (const VtrOpeningHours *hours,
                           GDateTime             *at,
                           GDateTime            **next_change)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (at, vtr_opening_hours_timezone ());
  gint64 now = g_date_time_to_unix (at);
  g_autoptr(GDate) today = g_date_new_dmy (g_date_time_get_day_of_month (local),
                                           g_date_time_get_month (local),
                                           g_date_time_get_year (local));
  gint64 open_until = G_MININT64;
  gboolean is_open = FALSE;

  g_return_val_if_fail (hours != NULL, FALSE);
  g_return_val_if_fail (at != NULL, FALSE);

  if (next_change)
    *next_change = NULL;

  /* Walk the intervals in time order from yesterday (whose evening may run
   * past midnight), merging those that touch. */
  for (int offset = -1; offset <= LOOKAHEAD_DAYS; offset++)
    {
      GDate day = *today;
      Span spans[MAX_SPANS * 4];
      int n;

      if (offset < 0)
        g_date_subtract_days (&day, -offset);
      else
        g_date_add_days (&day, offset);

      n = spans_of_day (hours, &day, spans, G_N_ELEMENTS (spans));
      for (int i = 0; i < n; i++)
        {
          g_autoptr(GDateTime) start_dt = local_time (&day, spans[i].start);
          g_autoptr(GDateTime) end_dt = local_time (&day, spans[i].end);
          gint64 start = g_date_time_to_unix (start_dt);
          gint64 end = g_date_time_to_unix (end_dt);

          if (end <= now)
            continue;

          if (is_open)
            {
              /* Extend the open stretch while intervals touch it. */
              if (start <= open_until)
                open_until = MAX (open_until, end);
              continue;
            }

          if (start <= now)
            {
              is_open = TRUE;
              open_until = end;
              continue;
            }

          if (next_change)
            *next_change = g_date_time_ref (start_dt);
          return FALSE;
        }

      /* A day that ends before the stretch does cannot extend it further. */
      if (is_open && offset >= 0)
        {
          g_autoptr(GDateTime) next_midnight = local_time (&day, MINUTES_PER_DAY);

          if (open_until < g_date_time_to_unix (next_midnight))
            break;
        }
    }

  if (is_open && next_change && open_until != G_MININT64)
    {
      /* Open for the whole look-ahead: say nothing rather than a false time. */
      g_autoptr(GDate) horizon = g_date_copy (today);
      g_autoptr(GDateTime) horizon_dt = NULL;

      g_date_add_days (horizon, LOOKAHEAD_DAYS);
      horizon_dt = local_time (horizon, 0);
      if (open_until < g_date_time_to_unix (horizon_dt))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (open_until);

          *next_change = g_date_time_to_timezone (utc, vtr_opening_hours_timezone ());
        }
    }

  return is_open;
}

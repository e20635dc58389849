#include "config.h"

#include "vtr-area.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vtr-geo.h"

/*
 * A device's area (docs/hub-api.md, "Areas"): the hub's change feed sends
 * a device only the shops of its area, their stock, promotions, loyalty
 * rules and rewards, and the products they stock. A département is
 * matched on the shops' postcodes (Corsica's 2A and 2B on theirs: 200xx
 * and 201xx, 202xx and 206xx); a radius on their positions, as the crow
 * flies on a flat Earth, which is within a few metres at a city's scale.
 */

#define KM_PER_DEGREE_LAT 110.574
#define KM_PER_DEGREE_LON 111.320
#define MAX_KM 1000.0

void
vtr_area_free (VtrArea *area)
{
  if (area == NULL)
    return;
  g_free (area->departement);
  g_free (area);
}

/* The postcode prefixes of a département, or NULL if @code is none. */
static GStrv
departement_prefixes (const char *code)
{
  static const char * const corse_sud[] = { "200", "201", NULL };
  static const char * const haute_corse[] = { "202", "206", NULL };
  guint len = strlen (code);

  if (g_str_equal (code, "2A"))
    return g_strdupv ((char **) corse_sud);
  if (g_str_equal (code, "2B"))
    return g_strdupv ((char **) haute_corse);
  if (len == 2 && g_ascii_isdigit (code[0]) && g_ascii_isdigit (code[1]) &&
      !g_str_equal (code, "00") && !g_str_equal (code, "20") && strcmp (code, "96") < 0)
    {
      char *one[] = { (char *) code, NULL };
      return g_strdupv (one);
    }
  if (len == 3 && g_str_has_prefix (code, "97") && code[2] >= '1' && code[2] <= '6')
    {
      char *one[] = { (char *) code, NULL };
      return g_strdupv (one);
    }
  return NULL;
}

/**
 * vtr_area_parse:
 * @text: (nullable): "13", "2A", "971" (a département), "LAT,LON,Rkm"
 *   (a radius), or "all" / "" / %NULL (everything)
 * @area: (out) (transfer full) (nullable): the area, %NULL for everything
 */
gboolean
vtr_area_parse (const char *text,
                VtrArea   **area,
                GError    **error)
{
  g_autoptr(VtrArea) parsed = g_new0 (VtrArea, 1);
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  g_auto(GStrv) prefixes = NULL;
  const char *comma;

  *area = NULL;
  if (*trimmed == '\0' || g_ascii_strcasecmp (trimmed, "all") == 0)
    return TRUE;

  if (!strchr (trimmed, ','))
    {
      char *upper = g_ascii_strup (trimmed, -1);

      if ((prefixes = departement_prefixes (upper)) == NULL)
        {
          g_set_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_INVALID,
                       _("“%s” is not a département: give its number, such as 13, 2A or 971"), trimmed);
          g_free (upper);
          return FALSE;
        }
      parsed->departement = upper;
      *area = g_steal_pointer (&parsed);
      return TRUE;
    }

  comma = strrchr (trimmed, ',');
  {
    g_autofree char *position = g_strndup (trimmed, comma - trimmed);
    g_autofree char *radius = g_strstrip (g_strdup (comma + 1));
    VtrPosition where;
    char *end = NULL;

    if (g_str_has_suffix (radius, "km"))
      radius[strlen (radius) - 2] = '\0';
    parsed->km = g_ascii_strtod (radius, &end);
    if (!vtr_position_parse (position, &where, NULL) || end == radius || *end != '\0' ||
        !isfinite (parsed->km) || parsed->km <= 0 || parsed->km > MAX_KM)
      {
        g_set_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_INVALID,
                     _("“%s” is not an area: give a département (13) or a position and a radius "
                       "of at most 1,000 km, such as 43.29,5.37,15km"),
                     trimmed);
        return FALSE;
      }
    parsed->lat = where.lat;
    parsed->lon = where.lon;
  }
  *area = g_steal_pointer (&parsed);
  return TRUE;
}

/**
 * vtr_area_to_string:
 * @area: (nullable): %NULL for everything
 *
 * Returns: the area as vtr_area_parse() reads it: "13", "43.2900,5.3700,15km" or "all".
 */
char *
vtr_area_to_string (const VtrArea *area)
{
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE], km[G_ASCII_DTOSTR_BUF_SIZE];

  if (area == NULL)
    return g_strdup ("all");
  if (area->departement)
    return g_strdup (area->departement);
  return g_strdup_printf ("%s,%s,%skm", g_ascii_formatd (lat, sizeof lat, "%.4f", area->lat),
                          g_ascii_formatd (lon, sizeof lon, "%.4f", area->lon),
                          g_ascii_formatd (km, sizeof km, "%g", area->km));
}

/* (x - x0)² · k² + (y - y0)² · k'² <= r², in SQL, with numbers only. */
static char *
radius_sql (const VtrArea *area,
            const char    *lat,
            const char    *lon)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], o[G_ASCII_DTOSTR_BUF_SIZE];
  char ky[G_ASCII_DTOSTR_BUF_SIZE], kx[G_ASCII_DTOSTR_BUF_SIZE], r2[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (a, sizeof a, area->lat);
  g_ascii_dtostr (o, sizeof o, area->lon);
  g_ascii_dtostr (ky, sizeof ky, KM_PER_DEGREE_LAT);
  g_ascii_dtostr (kx, sizeof kx, KM_PER_DEGREE_LON * cos (area->lat * G_PI / 180.0));
  g_ascii_dtostr (r2, sizeof r2, area->km * area->km);
  return g_strdup_printf ("((%s - %s) * %s * (%s - %s) * %s + (%s - %s) * %s * (%s - %s) * %s <= %s)",
                          lat, a, ky, lat, a, ky, lon, o, kx, lon, o, kx, r2);
}

/**
 * vtr_area_sql:
 * @dialect: SQLite's (the kiosks', the hub's catalogue) or PostgreSQL's
 *   (the hub on PostgreSQL, whose @postcode is text and @lat, @lon double
 *   precision expressions)
 * @postcode, @lat, @lon: SQL expressions for a shop's postcode and position
 *
 * Returns: an SQL condition true for a shop of @area (made only of the
 *   area's checked numbers and codes: no text from outside).
 */
char *
vtr_area_sql (const VtrArea *area,
              VtrSqlDialect  dialect,
              const char    *postcode,
              const char    *lat,
              const char    *lon)
{
  g_auto(GStrv) prefixes = NULL;
  GString *sql;

  if (area == NULL)
    return g_strdup (dialect == VTR_SQL_POSTGRESQL ? "true" : "1");
  if (area->departement == NULL)
    return radius_sql (area, lat, lon);
  prefixes = departement_prefixes (area->departement);
  sql = g_string_new ("(");
  for (guint i = 0; prefixes[i]; i++)
    g_string_append_printf (sql, dialect == VTR_SQL_POSTGRESQL ? "%s%s LIKE '%s%%'" : "%s%s GLOB '%s*'",
                            i ? " OR " : "", postcode, prefixes[i]);
  g_string_append_c (sql, ')');
  return g_string_free (sql, FALSE);
}

/**
 * vtr_area_sql_address:
 * @address: an SQL expression for an address ("…, 13001 Marseille")
 *
 * Like vtr_area_sql() for a place that has an address and a position but
 * no postcode of its own (a collection point): a département is found by
 * the five-digit postcode in its address (a GLOB pattern on SQLite, a
 * regular expression on PostgreSQL).
 */
char *
vtr_area_sql_address (const VtrArea *area,
                      VtrSqlDialect  dialect,
                      const char    *address,
                      const char    *lat,
                      const char    *lon)
{
  g_auto(GStrv) prefixes = NULL;
  GString *sql;

  if (area == NULL)
    return g_strdup (dialect == VTR_SQL_POSTGRESQL ? "true" : "1");
  if (area->departement == NULL)
    return radius_sql (area, lat, lon);
  prefixes = departement_prefixes (area->departement);
  sql = g_string_new ("(");
  for (guint i = 0; prefixes[i]; i++)
    {
      guint digits = 5 - strlen (prefixes[i]);

      g_string_append_printf (sql, "%s(' ' || %s || ' ') ", i ? " OR " : "", address);
      if (dialect == VTR_SQL_POSTGRESQL)
        {
          g_string_append_printf (sql, "~ '[^0-9]%s[0-9]{%u}[^0-9]'", prefixes[i], digits);
          continue;
        }
      g_string_append_printf (sql, "GLOB '*[^0-9]%s", prefixes[i]);
      for (guint d = 0; d < digits; d++)
        g_string_append (sql, "[0-9]");
      g_string_append (sql, "[^0-9]*'");
    }
  g_string_append_c (sql, ')');
  return g_string_free (sql, FALSE);
}

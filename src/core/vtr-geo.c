#include "config.h"

#include "vtr-geo.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

G_DEFINE_QUARK (vtr-geo-error-quark, vtr_geo_error)

#define EARTH_RADIUS_M 6371008.8

/* Streets are not straight lines: a town centre walk is about 1.3 times the
 * distance as the crow flies, at 4.8 km/h for a shopper with bags. */
#define DETOUR_FACTOR 1.3
#define WALKING_M_PER_MINUTE 80.0

gboolean
vtr_position_is_valid (const VtrPosition *position)
{
  return isfinite (position->lat) && isfinite (position->lon) &&
         position->lat >= -90.0 && position->lat <= 90.0 &&
         position->lon >= -180.0 && position->lon <= 180.0;
}

static gboolean
parse_coordinate (const char *text,
                  double     *value)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (*trimmed == '\0')
    return FALSE;

  *value = g_ascii_strtod (trimmed, &end);
  return end != trimmed && *end == '\0' && isfinite (*value);
}

/**
 * vtr_position_parse:
 * @text: "LAT,LON" in decimal degrees, as printed by map apps
 *
 * Returns: %TRUE if @text is a position on Earth.
 */
gboolean
vtr_position_parse (const char  *text,
                    VtrPosition *position,
                    GError     **error)
{
  g_auto(GStrv) parts = NULL;
  VtrPosition parsed;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (position != NULL, FALSE);

  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 2 ||
      !parse_coordinate (parts[0], &parsed.lat) ||
      !parse_coordinate (parts[1], &parsed.lon))
    {
      g_set_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_INVALID,
                   _("“%s” is not a position: give latitude and longitude in degrees, "
                     "such as 43.2951,5.3744"),
                   text);
      return FALSE;
    }

  if (!vtr_position_is_valid (&parsed))
    {
      g_set_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_OUT_OF_RANGE,
                   _("Position %s is out of range: latitude goes from -90 to 90 "
                     "and longitude from -180 to 180"),
                   text);
      return FALSE;
    }

  *position = parsed;
  return TRUE;
}

/* Haversine: precise to a few metres at town scale, which is all a walk needs. */
double
vtr_distance_m (const VtrPosition *a,
                const VtrPosition *b)
{
  double lat1 = a->lat * G_PI / 180.0;
  double lat2 = b->lat * G_PI / 180.0;
  double dlat = lat2 - lat1;
  double dlon = (b->lon - a->lon) * G_PI / 180.0;
  double s = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1) * cos (lat2) * sin (dlon / 2) * sin (dlon / 2);

  return 2.0 * EARTH_RADIUS_M * asin (MIN (1.0, sqrt (s)));
}

int
vtr_walking_minutes (double distance_m)
{
  double minutes = distance_m * DETOUR_FACTOR / WALKING_M_PER_MINUTE;

  return MAX (1, (int) ceil (minutes));
}

/* The map tiles' Web Mercator: a latitude and longitude to the square
 * 0–1 of the whole world, x eastwards from 180° W, y southwards from the
 * projection's north edge (85.0511°, where latitudes are clamped).
 * A tile's pixel at zoom z is this times 256 × 2^z. */
void
vtr_mercator_project (double  lat,
                      double  lon,
                      double *x,
                      double *y)
{
  double phi = CLAMP (lat, -85.0511287798, 85.0511287798) * G_PI / 180.0;

  *x = (lon + 180.0) / 360.0;
  *y = (1.0 - asinh (tan (phi)) / G_PI) / 2.0;
}

void
vtr_mercator_unproject (double  x,
                        double  y,
                        double *lat,
                        double *lon)
{
  *lon = x * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

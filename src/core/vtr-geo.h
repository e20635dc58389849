#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VTR_GEO_ERROR (vtr_geo_error_quark ())

typedef enum
{
  VTR_GEO_ERROR_INVALID,
  VTR_GEO_ERROR_OUT_OF_RANGE,
} VtrGeoError;

/* A point on the WGS 84 ellipsoid, in decimal degrees. */
typedef struct
{
  double lat;
  double lon;
} VtrPosition;

GQuark   vtr_geo_error_quark     (void);

gboolean vtr_position_parse      (const char  *text,
                                  VtrPosition *position,
                                  GError     **error);
gboolean vtr_position_is_valid   (const VtrPosition *position);
double   vtr_distance_m          (const VtrPosition *a,
                                  const VtrPosition *b);
int      vtr_walking_minutes     (double distance_m);
void     vtr_mercator_project    (double       lat,
                                  double       lon,
                                  double      *x,
                                  double      *y);
void     vtr_mercator_unproject  (double       x,
                                  double       y,
                                  double      *lat,
                                  double      *lon);

G_END_DECLS

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of the federation's catalogue a device holds: a département
 * (its shops by postcode), or a radius around a position. A device with
 * no area holds everything. */
typedef struct
{
  char   *departement; /* "13", "2A", "971"…, or NULL for a radius */
  double  lat;
  double  lon;
  double  km;
} VtrArea;

void     vtr_area_free      (VtrArea     *area);
gboolean vtr_area_parse     (const char  *text,
                             VtrArea    **area,
                             GError     **error);
char    *vtr_area_to_string (const VtrArea *area);
char    *vtr_area_sql       (const VtrArea *area,
                             const char    *postcode,
                             const char    *lat,
                             const char    *lon);
char    *vtr_area_sql_address (const VtrArea *area,
                               const char    *address,
                               const char    *lat,
                               const char    *lon);

/* (pg) The same conditions for the hub on PostgreSQL. */
char    *vtr_area_sql_pg    (const VtrArea *area,
                             const char    *postcode,
                             const char    *lat,
                             const char    *lon);
char    *vtr_area_sql_address_pg (const VtrArea *area,
                                  const char    *address,
                                  const char    *lat,
                                  const char    *lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrArea, vtr_area_free)

G_END_DECLS

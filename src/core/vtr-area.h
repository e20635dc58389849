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
/* The SQL dialect of a condition: SQLite's, or (pg) PostgreSQL's. */
typedef enum
{
  VTR_SQL_SQLITE,
  VTR_SQL_POSTGRESQL,
} VtrSqlDialect;

char    *vtr_area_sql       (const VtrArea *area,
                             VtrSqlDialect  dialect,
                             const char    *postcode,
                             const char    *lat,
                             const char    *lon);
char    *vtr_area_sql_address (const VtrArea *area,
                               VtrSqlDialect  dialect,
                               const char    *address,
                               const char    *lat,
                               const char    *lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrArea, vtr_area_free)

G_END_DECLS

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The opening hours of a shop's usual week, as the counter edits them,
 * and their OSM opening_hours text (vtr-opening-hours.h reads it back). */

#define VTR_WEEK_HOURS_ERROR (vtr_week_hours_error_quark ())

typedef enum
{
  VTR_WEEK_HOURS_ERROR_INVALID,  /* not a time, or a range that ends before it starts */
  VTR_WEEK_HOURS_ERROR_OVERLAP,  /* two ranges of one day overlap */
  VTR_WEEK_HOURS_ERROR_TOO_MANY,
} VtrWeekHoursError;

#define VTR_DAY_MAX_SPANS 4

typedef struct
{
  int n;                          /* 0: closed */
  int start[VTR_DAY_MAX_SPANS];   /* minutes since midnight */
  int end[VTR_DAY_MAX_SPANS];     /* may pass midnight: 26:00 is 2 a.m. */
} VtrDayHours;

typedef struct
{
  VtrDayHours days[7];            /* Monday first */
  gboolean    holidays_open;      /* FALSE: "PH off" */
} VtrWeekHours;

GQuark   vtr_week_hours_error_quark (void);

gboolean vtr_day_hours_parse        (const char         *text,
                                     int                 weekday,
                                     VtrDayHours        *day,
                                     GError            **error);
char    *vtr_day_hours_format       (const VtrDayHours  *day);
char    *vtr_week_hours_to_osm      (const VtrWeekHours *week);
gboolean vtr_week_hours_from_osm    (const char         *text,
                                     VtrWeekHours       *week,
                                     GError            **error);
char    *vtr_week_hours_describe    (const VtrWeekHours *week);
const char *vtr_weekday_name        (int                 weekday);
char    *vtr_weekday_title          (int                 weekday);

G_END_DECLS

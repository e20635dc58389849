#pragma once

#include "vtr-catalog.h"

G_BEGIN_DECLS

char       *vtr_describe_time         (GDateTime          *time,
                                       GDateTime          *now);
char       *vtr_describe_open_state   (const VtrOpenState *open,
                                       GDateTime          *now);
const char *vtr_describe_availability (VtrAvailability     availability);
char       *vtr_describe_distance     (double              distance_m,
                                       int                 walking_minutes);
char       *vtr_describe_clock        (int                 minutes);
const char *vtr_describe_weekday      (int                 weekday);
char      **vtr_describe_week         (const char         *opening_hours);
char       *vtr_describe_open_until   (const VtrOpenState *open,
                                       GDateTime          *now);

G_END_DECLS

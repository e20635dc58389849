#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VTR_OPENING_HOURS_ERROR (vtr_opening_hours_error_quark ())

typedef enum
{
  VTR_OPENING_HOURS_ERROR_SYNTAX,
  VTR_OPENING_HOURS_ERROR_UNSUPPORTED,
} VtrOpeningHoursError;

typedef struct _VtrOpeningHours VtrOpeningHours;

GQuark            vtr_opening_hours_error_quark (void);
GTimeZone        *vtr_opening_hours_timezone    (void);

VtrOpeningHours  *vtr_opening_hours_parse       (const char       *text,
                                                 GError          **error);
void              vtr_opening_hours_free        (VtrOpeningHours  *hours);
gboolean          vtr_opening_hours_is_open     (const VtrOpeningHours *hours,
                                                 GDateTime        *at,
                                                 GDateTime       **next_change);
int               vtr_opening_hours_weekday_spans (const VtrOpeningHours *hours,
                                                 int               weekday,
                                                 int              *starts,
                                                 int              *ends,
                                                 int               max_spans);

int               vtr_paris_day                 (GDateTime        *time);
gboolean          vtr_is_public_holiday         (int               year,
                                                 int               month,
                                                 int               day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrOpeningHours, vtr_opening_hours_free)

G_END_DECLS

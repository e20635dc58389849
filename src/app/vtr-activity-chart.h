#pragma once

#include <gtk/gtk.h>

#include "vtr-shop-stats.h"

G_BEGIN_DECLS

#define VTR_TYPE_ACTIVITY_CHART (vtr_activity_chart_get_type ())
G_DECLARE_FINAL_TYPE (VtrActivityChart, vtr_activity_chart, VTR, ACTIVITY_CHART, GtkWidget)

GtkWidget          *vtr_activity_chart_new       (void);
void                vtr_activity_chart_set_stats (VtrActivityChart   *self,
                                                  const VtrShopStats *stats);
const char         *vtr_activity_chart_get_summary (VtrActivityChart *self);

G_END_DECLS

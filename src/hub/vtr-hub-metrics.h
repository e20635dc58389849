#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VtrHubMetrics VtrHubMetrics;

VtrHubMetrics *vtr_hub_metrics_new      (void);
void           vtr_hub_metrics_free     (VtrHubMetrics *metrics);
const char    *vtr_hub_metrics_route    (const char    *path);
void           vtr_hub_metrics_request  (VtrHubMetrics *metrics,
                                         const char    *route,
                                         guint          status,
                                         gint64         usec);
void           vtr_hub_metrics_events   (VtrHubMetrics *metrics,
                                         const guint64  counts[3]);
void           vtr_hub_metrics_commit   (VtrHubMetrics *metrics,
                                         guint          n_batches);
char          *vtr_hub_metrics_render   (VtrHubMetrics *metrics,
                                         gint64         devices_last_hour,
                                         gint64         feed_head);

G_END_DECLS

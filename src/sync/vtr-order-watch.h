#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VTR_TYPE_ORDER_WATCH (vtr_order_watch_get_type ())
G_DECLARE_FINAL_TYPE (VtrOrderWatch, vtr_order_watch, VTR, ORDER_WATCH, GObject)

VtrOrderWatch *vtr_order_watch_new     (const char    *data_dir);
void           vtr_order_watch_start   (VtrOrderWatch *self);
void           vtr_order_watch_stop    (VtrOrderWatch *self);
gboolean       vtr_order_watch_get_running (VtrOrderWatch *self);

G_END_DECLS

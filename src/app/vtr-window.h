#pragma once

#include <adwaita.h>

#include "vtr-application.h"

G_BEGIN_DECLS

#define VTR_TYPE_WINDOW (vtr_window_get_type ())
G_DECLARE_FINAL_TYPE (VtrWindow, vtr_window, VTR, WINDOW, AdwApplicationWindow)

VtrWindow  *vtr_window_new                (VtrApplication *app);
GtkWidget  *vtr_window_get_visible_screen (VtrWindow      *self);
guint       vtr_window_get_history_length (VtrWindow      *self);
const char *vtr_window_get_message        (VtrWindow      *self);
const char *vtr_window_get_orders_badge   (VtrWindow      *self);
void        vtr_window_set_idle_timeout   (VtrWindow      *self,
                                           guint           seconds);
guint       vtr_window_get_idle_timeout   (VtrWindow      *self);

G_END_DECLS

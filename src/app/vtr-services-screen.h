#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VTR_TYPE_SERVICES_SCREEN (vtr_services_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrServicesScreen, vtr_services_screen, VTR, SERVICES_SCREEN, GtkWidget)

GtkWidget *vtr_services_screen_new (void);

G_END_DECLS

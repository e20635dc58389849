#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"

G_BEGIN_DECLS

#define VTR_TYPE_CIVIC_SCREEN (vtr_civic_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrCivicScreen, vtr_civic_screen, VTR, CIVIC_SCREEN, GtkWidget)

GtkWidget         *vtr_civic_screen_new           (VtrCatalogService *catalog);
VtrCatalogService *vtr_civic_screen_get_catalog   (VtrCivicScreen    *self);
void               vtr_civic_screen_set_catalog   (VtrCivicScreen    *self,
                                                   VtrCatalogService *catalog);
double             vtr_civic_screen_get_latitude  (VtrCivicScreen    *self);
void               vtr_civic_screen_set_latitude  (VtrCivicScreen    *self,
                                                   double             latitude);
double             vtr_civic_screen_get_longitude (VtrCivicScreen    *self);
void               vtr_civic_screen_set_longitude (VtrCivicScreen    *self,
                                                   double             longitude);
gboolean           vtr_civic_screen_get_loading   (VtrCivicScreen    *self);
void               vtr_civic_screen_reload        (VtrCivicScreen    *self);

G_END_DECLS

#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"

G_BEGIN_DECLS

#define VTR_TYPE_RESULTS_SCREEN (vtr_results_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrResultsScreen, vtr_results_screen, VTR, RESULTS_SCREEN, GtkWidget)

GtkWidget         *vtr_results_screen_new           (VtrCatalogService *catalog);
VtrCatalogService *vtr_results_screen_get_catalog   (VtrResultsScreen  *self);
void               vtr_results_screen_set_catalog   (VtrResultsScreen  *self,
                                                     VtrCatalogService *catalog);
const char        *vtr_results_screen_get_query     (VtrResultsScreen  *self);
void               vtr_results_screen_set_query     (VtrResultsScreen  *self,
                                                     const char        *query);
const char        *vtr_results_screen_get_service   (VtrResultsScreen  *self);
void               vtr_results_screen_set_service   (VtrResultsScreen  *self,
                                                     const char        *service_id);
double             vtr_results_screen_get_latitude  (VtrResultsScreen  *self);
void               vtr_results_screen_set_latitude  (VtrResultsScreen  *self,
                                                     double             latitude);
double             vtr_results_screen_get_longitude (VtrResultsScreen  *self);
void               vtr_results_screen_set_longitude (VtrResultsScreen  *self,
                                                     double             longitude);
gboolean           vtr_results_screen_get_loading   (VtrResultsScreen  *self);
void               vtr_results_screen_reload        (VtrResultsScreen  *self);

G_END_DECLS

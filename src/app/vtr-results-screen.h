#pragma once

#include "vtr-catalog-screen.h"

G_BEGIN_DECLS

#define VTR_TYPE_RESULTS_SCREEN (vtr_results_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrResultsScreen, vtr_results_screen, VTR, RESULTS_SCREEN, VtrCatalogScreen)

GtkWidget         *vtr_results_screen_new           (VtrCatalogService *catalog);
const char        *vtr_results_screen_get_query     (VtrResultsScreen  *self);
void               vtr_results_screen_set_query     (VtrResultsScreen  *self,
                                                     const char        *query);
const char        *vtr_results_screen_get_service   (VtrResultsScreen  *self);
void               vtr_results_screen_set_service   (VtrResultsScreen  *self,
                                                     const char        *service_id);
gboolean           vtr_results_screen_get_loading   (VtrResultsScreen  *self);

G_END_DECLS

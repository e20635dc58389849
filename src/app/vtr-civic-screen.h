#pragma once

#include "vtr-catalog-screen.h"

G_BEGIN_DECLS

#define VTR_TYPE_CIVIC_SCREEN (vtr_civic_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrCivicScreen, vtr_civic_screen, VTR, CIVIC_SCREEN, VtrCatalogScreen)

GtkWidget *vtr_civic_screen_new         (VtrCatalogService *catalog);
gboolean   vtr_civic_screen_get_loading (VtrCivicScreen    *self);

G_END_DECLS

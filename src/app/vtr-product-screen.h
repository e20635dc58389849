#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"

G_BEGIN_DECLS

#define VTR_TYPE_PRODUCT_SCREEN (vtr_product_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrProductScreen, vtr_product_screen, VTR, PRODUCT_SCREEN, GtkWidget)

GtkWidget         *vtr_product_screen_new                    (VtrCatalogService *catalog);
VtrCatalogService *vtr_product_screen_get_catalog            (VtrProductScreen  *self);
void               vtr_product_screen_set_catalog            (VtrProductScreen  *self,
                                                              VtrCatalogService *catalog);
gint64             vtr_product_screen_get_product_id         (VtrProductScreen  *self);
void               vtr_product_screen_set_product_id         (VtrProductScreen  *self,
                                                              gint64             product_id);
gint64             vtr_product_screen_get_poster_merchant_id (VtrProductScreen  *self);
void               vtr_product_screen_set_poster_merchant_id (VtrProductScreen  *self,
                                                              gint64             merchant_id);
void               vtr_product_screen_show                   (VtrProductScreen  *self,
                                                              gint64             product_id,
                                                              gint64             poster_merchant_id);
double             vtr_product_screen_get_latitude           (VtrProductScreen  *self);
void               vtr_product_screen_set_latitude           (VtrProductScreen  *self,
                                                              double             latitude);
double             vtr_product_screen_get_longitude          (VtrProductScreen  *self);
void               vtr_product_screen_set_longitude          (VtrProductScreen  *self,
                                                              double             longitude);
gboolean           vtr_product_screen_get_loading            (VtrProductScreen  *self);
void               vtr_product_screen_reload                 (VtrProductScreen  *self);

G_END_DECLS

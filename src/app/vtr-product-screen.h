#pragma once

#include "vtr-catalog-screen.h"

G_BEGIN_DECLS

#define VTR_TYPE_PRODUCT_SCREEN (vtr_product_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrProductScreen, vtr_product_screen, VTR, PRODUCT_SCREEN, VtrCatalogScreen)

GtkWidget         *vtr_product_screen_new                    (VtrCatalogService *catalog);
gint64             vtr_product_screen_get_product_id         (VtrProductScreen  *self);
void               vtr_product_screen_set_product_id         (VtrProductScreen  *self,
                                                              gint64             product_id);
gint64             vtr_product_screen_get_poster_merchant_id (VtrProductScreen  *self);
void               vtr_product_screen_set_poster_merchant_id (VtrProductScreen  *self,
                                                              gint64             merchant_id);
void               vtr_product_screen_show                   (VtrProductScreen  *self,
                                                              gint64             product_id,
                                                              gint64             poster_merchant_id);
gboolean           vtr_product_screen_get_loading            (VtrProductScreen  *self);
void               vtr_product_screen_reload                 (VtrProductScreen  *self);

G_END_DECLS

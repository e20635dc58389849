#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"

G_BEGIN_DECLS

#define VTR_TYPE_MERCHANT_SCREEN (vtr_merchant_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrMerchantScreen, vtr_merchant_screen, VTR, MERCHANT_SCREEN, GtkWidget)

GtkWidget         *vtr_merchant_screen_new             (VtrCatalogService *catalog);
VtrCatalogService *vtr_merchant_screen_get_catalog     (VtrMerchantScreen *self);
void               vtr_merchant_screen_set_catalog     (VtrMerchantScreen *self,
                                                        VtrCatalogService *catalog);
gint64             vtr_merchant_screen_get_merchant_id (VtrMerchantScreen *self);
void               vtr_merchant_screen_set_merchant_id (VtrMerchantScreen *self,
                                                        gint64             merchant_id);
double             vtr_merchant_screen_get_latitude    (VtrMerchantScreen *self);
void               vtr_merchant_screen_set_latitude    (VtrMerchantScreen *self,
                                                        double             latitude);
double             vtr_merchant_screen_get_longitude   (VtrMerchantScreen *self);
void               vtr_merchant_screen_set_longitude   (VtrMerchantScreen *self,
                                                        double             longitude);
gboolean           vtr_merchant_screen_get_loading     (VtrMerchantScreen *self);
void               vtr_merchant_screen_reload          (VtrMerchantScreen *self);

G_END_DECLS

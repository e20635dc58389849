#pragma once

#include "vtr-catalog-screen.h"

G_BEGIN_DECLS

#define VTR_TYPE_MERCHANT_SCREEN (vtr_merchant_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrMerchantScreen, vtr_merchant_screen, VTR, MERCHANT_SCREEN, VtrCatalogScreen)

GtkWidget         *vtr_merchant_screen_new             (VtrCatalogService *catalog);
gint64             vtr_merchant_screen_get_merchant_id (VtrMerchantScreen *self);
void               vtr_merchant_screen_set_merchant_id (VtrMerchantScreen *self,
                                                        gint64             merchant_id);
gboolean           vtr_merchant_screen_get_loading     (VtrMerchantScreen *self);

G_END_DECLS

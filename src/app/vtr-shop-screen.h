#pragma once

#include <gtk/gtk.h>

#include "vtr-counter.h"

G_BEGIN_DECLS

#define VTR_TYPE_SHOP_SCREEN (vtr_shop_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrShopScreen, vtr_shop_screen, VTR, SHOP_SCREEN, GtkWidget)

GtkWidget  *vtr_shop_screen_new          (VtrCounter    *counter);
VtrCounter *vtr_shop_screen_get_counter  (VtrShopScreen *self);
gboolean    vtr_shop_screen_take_code    (VtrShopScreen *self,
                                          const char    *text);
const char *vtr_shop_screen_get_message  (VtrShopScreen *self);
gboolean    vtr_shop_screen_get_busy     (VtrShopScreen *self);

G_END_DECLS

#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog.h"
#include "vtr-keyboard.h"
#include "vtr-orders.h"

G_BEGIN_DECLS

#define VTR_TYPE_ORDER_PAGE (vtr_order_page_get_type ())
G_DECLARE_FINAL_TYPE (VtrOrderPage, vtr_order_page, VTR, ORDER_PAGE, GtkWidget)

GtkWidget   *vtr_order_page_new           (void);
void         vtr_order_page_set_catalog   (VtrOrderPage       *self,
                                           VtrCatalog         *catalog,
                                           const VtrPosition  *here);
gboolean     vtr_order_page_add           (VtrOrderPage       *self,
                                           gint64              product_id,
                                           gint64              merchant_id,
                                           GError            **error);
guint        vtr_order_page_count_items   (VtrOrderPage       *self);
gint64       vtr_order_page_get_merchant  (VtrOrderPage       *self);
void         vtr_order_page_set_quantity  (VtrOrderPage       *self,
                                           guint               line,
                                           int                 quantity);
guint        vtr_order_page_count_lockers (VtrOrderPage       *self);
void         vtr_order_page_choose_pickup (VtrOrderPage       *self,
                                           guint               choice);
void         vtr_order_page_fill          (VtrOrderPage       *self,
                                           const char         *first_name,
                                           const char         *phone);
VtrKeyboard *vtr_order_page_get_keyboard  (VtrOrderPage       *self);
GtkEditable *vtr_order_page_get_name      (VtrOrderPage       *self);
GtkEditable *vtr_order_page_get_phone     (VtrOrderPage       *self);
VtrOrder    *vtr_order_page_place         (VtrOrderPage       *self,
                                           VtrStore           *store,
                                           GDateTime          *now,
                                           GError            **error);
void         vtr_order_page_set_message   (VtrOrderPage       *self,
                                           const char         *message);
const char  *vtr_order_page_get_message   (VtrOrderPage       *self);
void         vtr_order_page_clear         (VtrOrderPage       *self);

G_END_DECLS

#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"
#include "vtr-keyboard.h"
#include "vtr-orders.h"
#include "vtr-ticket.h"

G_BEGIN_DECLS

#define VTR_TYPE_ORDER_SCREEN (vtr_order_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrOrderScreen, vtr_order_screen, VTR, ORDER_SCREEN, GtkWidget)

GtkWidget   *vtr_order_screen_new           (void);
void         vtr_order_screen_set_catalog   (VtrOrderScreen    *self,
                                             VtrCatalogService *catalog,
                                             const VtrPosition *here);
void         vtr_order_screen_add           (VtrOrderScreen *self,
                                             gint64          product_id,
                                             gint64          merchant_id);
gboolean     vtr_order_screen_get_loading   (VtrOrderScreen       *self);
guint        vtr_order_screen_count_items   (VtrOrderScreen       *self);
gint64       vtr_order_screen_get_merchant  (VtrOrderScreen       *self);
void         vtr_order_screen_set_quantity  (VtrOrderScreen *self,
                                             guint           line,
                                             int             quantity);
void         vtr_order_screen_show_card     (VtrOrderScreen       *self);
gboolean     vtr_order_screen_get_card_shown (VtrOrderScreen      *self);
const char  *vtr_order_screen_get_total_words (VtrOrderScreen     *self);
guint        vtr_order_screen_count_lockers (VtrOrderScreen       *self);
void         vtr_order_screen_choose_pickup (VtrOrderScreen *self,
                                             guint           choice);
void         vtr_order_screen_fill          (VtrOrderScreen *self,
                                             const char     *first_name,
                                             const char     *phone);
VtrKeyboard *vtr_order_screen_get_keyboard  (VtrOrderScreen       *self);
void         vtr_order_screen_set_keep_days (VtrOrderScreen      *self,
                                            guint                days);
const char  *vtr_order_screen_get_privacy_words (VtrOrderScreen  *self);
GtkEditable *vtr_order_screen_get_name      (VtrOrderScreen       *self);
GtkEditable *vtr_order_screen_get_phone     (VtrOrderScreen       *self);
void         vtr_order_screen_place_async   (VtrOrderScreen      *self,
                                             const char          *data_dir,
                                             GDateTime           *now,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
VtrOrder    *vtr_order_screen_place_finish  (VtrOrderScreen  *self,
                                             GAsyncResult    *result,
                                             VtrTicket      **ticket,
                                             GError         **error);
gboolean     vtr_order_screen_get_placing   (VtrOrderScreen       *self);
void         vtr_order_screen_set_message   (VtrOrderScreen *self,
                                             const char     *message);
const char  *vtr_order_screen_get_message   (VtrOrderScreen       *self);
void         vtr_order_screen_clear         (VtrOrderScreen       *self);

G_END_DECLS

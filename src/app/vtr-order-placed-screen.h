#pragma once

#include <gtk/gtk.h>

#include "vtr-print-service.h"
#include "vtr-ticket.h"

G_BEGIN_DECLS

#define VTR_TYPE_ORDER_PLACED_SCREEN (vtr_order_placed_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrOrderPlacedScreen, vtr_order_placed_screen, VTR, ORDER_PLACED_SCREEN, GtkWidget)

GtkWidget  *vtr_order_placed_screen_new       (const char           *number,
                                               const char           *pickup_code,
                                               VtrPrintService      *printer);
const char *vtr_order_placed_screen_get_number (VtrOrderPlacedScreen *self);
const char *vtr_order_placed_screen_get_words (VtrOrderPlacedScreen *self);
void        vtr_order_placed_screen_print     (VtrOrderPlacedScreen *self,
                                               VtrTicket            *ticket);
void        vtr_order_placed_screen_set_locker (VtrOrderPlacedScreen *self,
                                                gboolean              locker);

G_END_DECLS

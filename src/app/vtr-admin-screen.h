#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog-service.h"
#include "vtr-keyboard.h"
#include "vtr-print-service.h"
#include "vtr-store.h"
#include "vtr-sync-service.h"

G_BEGIN_DECLS

/* Under the stocks of signed codes when one is low and the hub out of
 * reach (tests look for it). */
#define VTR_ADMIN_STOCK_WARNING \
  _("Low, and the hub cannot be reached: orders or enrolments stop when it runs out. Check the network.")

#define VTR_TYPE_ADMIN_SCREEN (vtr_admin_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrAdminScreen, vtr_admin_screen, VTR, ADMIN_SCREEN, GtkWidget)

GtkWidget   *vtr_admin_screen_new           (VtrStore          *store,
                                             VtrCatalogService *catalog,
                                             VtrSyncService    *sync,
                                             VtrPrintService   *printer,
                                             GSettings         *settings);
double       vtr_admin_screen_get_latitude  (VtrAdminScreen  *self);
void         vtr_admin_screen_set_latitude  (VtrAdminScreen  *self,
                                             double           latitude);
double       vtr_admin_screen_get_longitude (VtrAdminScreen  *self);
void         vtr_admin_screen_set_longitude (VtrAdminScreen  *self,
                                             double           longitude);
gboolean     vtr_admin_screen_get_paired    (VtrAdminScreen  *self);
void         vtr_admin_screen_set_paired    (VtrAdminScreen  *self,
                                             gboolean         paired);
gboolean     vtr_admin_screen_set_position  (VtrAdminScreen  *self,
                                             const char      *text,
                                             GError         **error);
gboolean     vtr_admin_screen_set_printer   (VtrAdminScreen  *self,
                                             const char      *target,
                                             GError         **error);
void         vtr_admin_screen_refresh       (VtrAdminScreen  *self);
VtrKeyboard *vtr_admin_screen_get_keyboard  (VtrAdminScreen  *self);
gboolean     vtr_admin_screen_get_searching_shops (VtrAdminScreen *self);
gboolean     vtr_admin_screen_get_counting_stocks (VtrAdminScreen *self);

G_END_DECLS

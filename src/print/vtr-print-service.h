#pragma once

#include <gio/gio.h>

#include "vtr-printer.h"
#include "vtr-ticket.h"

G_BEGIN_DECLS

#define VTR_TYPE_PRINT_SERVICE (vtr_print_service_get_type ())
G_DECLARE_FINAL_TYPE (VtrPrintService, vtr_print_service, VTR, PRINT_SERVICE, GObject)

VtrPrintService *vtr_print_service_new                  (const char           *data_dir);

const char      *vtr_print_service_get_target           (VtrPrintService      *self);
void             vtr_print_service_set_target           (VtrPrintService      *self,
                                                         const char           *target);
gboolean         vtr_print_service_get_busy             (VtrPrintService      *self);
const char      *vtr_print_service_get_health           (VtrPrintService      *self);
void             vtr_print_service_check_health         (VtrPrintService      *self);

void             vtr_print_service_start                (VtrPrintService      *self);
void             vtr_print_service_stop                 (VtrPrintService      *self);

void             vtr_print_service_print_async          (VtrPrintService      *self,
                                                         VtrTicket            *ticket,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean         vtr_print_service_print_finish         (VtrPrintService      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void             vtr_print_service_retry_async          (VtrPrintService      *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
guint            vtr_print_service_retry_finish         (VtrPrintService      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void             vtr_print_service_status_async         (VtrPrintService      *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
char            *vtr_print_service_status_finish        (VtrPrintService      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void             vtr_print_service_list_printers_async  (VtrPrintService      *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GPtrArray       *vtr_print_service_list_printers_finish (VtrPrintService      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS

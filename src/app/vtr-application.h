#pragma once

#include <adwaita.h>

#include "vtr-camera.h"
#include "vtr-catalog.h"
#include "vtr-catalog-service.h"
#include "vtr-key-list.h"
#include "vtr-print-service.h"
#include "vtr-sound.h"
#include "vtr-store.h"
#include "vtr-sync-service.h"
#include "vtr-sync.h"

G_BEGIN_DECLS

#define VTR_TYPE_APPLICATION (vtr_application_get_type ())
G_DECLARE_FINAL_TYPE (VtrApplication, vtr_application, VTR, APPLICATION, AdwApplication)

VtrApplication *vtr_application_new               (const char      *data_dir,
                                                   const char      *camera_source,
                                                   gboolean         kiosk);
void            vtr_application_start             (VtrApplication  *self);
gboolean        vtr_application_get_opened        (VtrApplication  *self);
void            vtr_application_wait_opened       (VtrApplication  *self);
GtkWindow      *vtr_application_get_window        (VtrApplication  *self);
GtkWindow      *vtr_application_show_window       (VtrApplication  *self);
const char     *vtr_application_get_data_dir      (VtrApplication  *self);
gboolean        vtr_application_get_kiosk         (VtrApplication  *self);
VtrStore       *vtr_application_get_store         (VtrApplication  *self);
VtrCatalog     *vtr_application_get_catalog       (VtrApplication  *self);
VtrCatalogService *vtr_application_get_catalog_service (VtrApplication *self);
VtrPrintService *vtr_application_get_printer      (VtrApplication  *self);
VtrKeyList     *vtr_application_get_keys          (VtrApplication  *self);
void            vtr_application_reload_keys       (VtrApplication  *self);
VtrCamera      *vtr_application_get_camera        (VtrApplication  *self);
void            vtr_application_set_camera_source (VtrApplication  *self,
                                                   const char      *source);
VtrSyncService *vtr_application_get_sync          (VtrApplication  *self);
VtrSound       *vtr_application_get_sound         (VtrApplication  *self);
GSettings      *vtr_application_get_settings      (VtrApplication  *self);
char           *vtr_application_get_store_notices (VtrApplication  *self);
VtrPosition     vtr_application_get_position      (VtrApplication  *self);
char           *vtr_application_default_language  (VtrApplication  *self);
GtkWindow      *vtr_application_rebuild_window    (VtrApplication  *self,
                                                   const char      *language);
void            vtr_application_stop              (VtrApplication  *self);
const VtrHubLink *vtr_application_get_link        (VtrApplication  *self);
gboolean        vtr_application_get_paired        (VtrApplication  *self);
void            vtr_application_pair_async        (VtrApplication      *self,
                                                   const char          *text,
                                                   gboolean             only_new,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             data);
VtrHubLink     *vtr_application_pair_finish       (VtrApplication  *self,
                                                   GAsyncResult    *result,
                                                   gboolean        *needs_pin,
                                                   GError         **error);

G_END_DECLS

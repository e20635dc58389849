#pragma once

#include <gtk/gtk.h>

#include "vtr-camera.h"

G_BEGIN_DECLS

#define VTR_TYPE_SCAN_SCREEN (vtr_scan_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrScanScreen, vtr_scan_screen, VTR, SCAN_SCREEN, GtkWidget)

GtkWidget  *vtr_scan_screen_new               (VtrCamera     *camera,
                                               gboolean       kiosk);
VtrCamera  *vtr_scan_screen_get_camera        (VtrScanScreen *self);
void        vtr_scan_screen_set_camera        (VtrScanScreen *self,
                                               VtrCamera     *camera);
gboolean    vtr_scan_screen_get_kiosk         (VtrScanScreen *self);
const char *vtr_scan_screen_get_hint          (VtrScanScreen *self);
void        vtr_scan_screen_clear             (VtrScanScreen *self);
gboolean    vtr_scan_screen_is_clear          (VtrScanScreen *self);
void        vtr_scan_screen_scan_file         (VtrScanScreen *self,
                                               const char    *path);
char      **vtr_scan_screen_list_removable    (void);
gboolean    vtr_scan_screen_get_listing_pictures (VtrScanScreen *self);
GFile      *vtr_scan_screen_dup_picture_folder   (VtrScanScreen *self);

G_END_DECLS

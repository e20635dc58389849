#pragma once

#include <gio/gio.h>

#include "vtr-frame.h"

G_BEGIN_DECLS

#define VTR_SCAN_ERROR (vtr_scan_error_quark ())

typedef enum
{
  VTR_SCAN_ERROR_FAILED,
  VTR_SCAN_ERROR_NOT_FOUND,
  VTR_SCAN_ERROR_UNREADABLE,
  VTR_SCAN_ERROR_NO_CAMERA,
  VTR_SCAN_ERROR_CAMERA_BUSY,
  VTR_SCAN_ERROR_CAMERA_LOST,
} VtrScanError;

/* Called for each frame of the file, in order; return FALSE to stop. */
typedef gboolean (*VtrFrameFunc) (const VtrFrame *frame,
                                  gpointer        user_data);

GQuark   vtr_scan_error_quark      (void);
gboolean vtr_scan_init             (GError      **error);
GPtrArray *vtr_frame_reader_list_folder (const char *path,
                                         GError    **error);
gboolean vtr_frame_reader_read     (const char   *path,
                                    VtrFrameFunc  func,
                                    gpointer      user_data,
                                    GError      **error);

G_END_DECLS

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
  VTR_SCAN_ERROR_TOO_LARGE,
} VtrScanError;

/* Called for each frame of the file, in order; return FALSE to stop. */
typedef gboolean (*VtrFrameFunc) (const VtrFrame *frame,
                                  gpointer        user_data);

/* The most pixels an image may have to be scanned: 50 megapixels, above any
 * phone photo or scanned poster, far below what would exhaust a kiosk. */
#define VTR_FRAME_READER_MAX_PIXELS (50u * 1000u * 1000u)

GQuark   vtr_scan_error_quark      (void);
gboolean vtr_scan_init             (GError      **error);
GPtrArray *vtr_frame_reader_list_folder (const char *path,
                                         GError    **error);
gboolean vtr_frame_reader_image_size (const char *path,
                                      guint      *width,
                                      guint      *height);
gboolean vtr_frame_reader_check_size (const char *path,
                                      GError    **error);
gboolean vtr_frame_reader_read     (const char   *path,
                                    VtrFrameFunc  func,
                                    gpointer      user_data,
                                    GError      **error);
guint8  *vtr_frame_reader_read_first (const char  *path,
                                      int         *width,
                                      int         *height,
                                      GError     **error);

G_END_DECLS

#pragma once

#include <gio/gio.h>

#include "vtr-symbol.h"

G_BEGIN_DECLS

typedef enum
{
  VTR_CAMERA_STOPPED,
  VTR_CAMERA_STARTING,
  VTR_CAMERA_RUNNING,
  VTR_CAMERA_FAILED,
} VtrCameraState;

typedef struct
{
  guint64 frames;       /* frames that reached the decoder's door */
  guint64 decoded;      /* frames the decoder read */
  guint64 dropped;      /* frames replaced by a newer one while it was busy */
  guint64 reported;     /* codes reported (after the cooldown) */
  guint   restarts;     /* times the camera was started again after a failure */
  gint64  last_latency; /* µs from a frame entering to its codes on the main thread */
  int     frame_width;  /* of the frames the decoder reads (codes' corners are in them) */
  int     frame_height;
} VtrCameraStats;

#define VTR_TYPE_CAMERA (vtr_camera_get_type ())
G_DECLARE_FINAL_TYPE (VtrCamera, vtr_camera, VTR, CAMERA, GObject)

typedef struct
{
  char *name;   /* as the device calls itself: "HD Pro Webcam C920" */
  char *source; /* the description that opens it: "v4l2src device=/dev/video0" */
} VtrCameraDevice;

VtrCamera      *vtr_camera_new                (const char *source);
char           *vtr_camera_choose_source      (const char *option);
GPtrArray      *vtr_camera_list_devices       (void);
void            vtr_camera_device_free        (VtrCameraDevice *device);
char           *vtr_camera_source_from_path   (const char *path);
const char     *vtr_camera_get_source         (VtrCamera  *self);
void            vtr_camera_start              (VtrCamera  *self);
void            vtr_camera_launch             (VtrCamera  *self);
void            vtr_camera_stop               (VtrCamera  *self);
VtrCameraState  vtr_camera_get_state          (VtrCamera  *self);
const GError   *vtr_camera_get_error          (VtrCamera  *self);
char           *vtr_camera_dup_error_text     (VtrCamera  *self);
const char     *vtr_camera_get_health         (VtrCamera  *self);
void            vtr_camera_set_cooldown       (VtrCamera  *self,
                                               guint       milliseconds);
void            vtr_camera_report_again       (VtrCamera  *self);
void            vtr_camera_set_retry_interval (VtrCamera  *self,
                                               guint       milliseconds);
void            vtr_camera_get_stats          (VtrCamera  *self,
                                               VtrCameraStats *stats);
void            vtr_camera_set_preview_size   (VtrCamera  *self,
                                               int         width,
                                               int         height);

G_END_DECLS

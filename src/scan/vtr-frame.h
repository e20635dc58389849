#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One grey (8 bits a pixel) picture: a camera frame, an image file, a
 * video frame. The pixels are borrowed from whoever made the frame. */
typedef struct
{
  const guint8 *data;
  int           width;
  int           height;
  int           stride;
  guint         index;     /* frame number in a video, 0 for an image */
  gint64        timestamp; /* monotonic µs when it entered the pipeline, or 0 */
} VtrFrame;

G_END_DECLS

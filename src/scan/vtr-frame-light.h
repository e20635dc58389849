#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the light in a camera frame tells the person scanning. */
typedef enum
{
  VTR_LIGHT_GOOD,
  VTR_LIGHT_GLARE, /* a large part of the picture is burnt white */
  VTR_LIGHT_DARK,  /* too little light to read a code */
} VtrLight;

VtrLight vtr_frame_light (const guint8 *rgb,
                          int           width,
                          int           height,
                          int           stride,
                          double       *mean,
                          double       *burnt);

G_END_DECLS

#pragma once

#include <glib.h>

#include "vtr-symbol.h"

G_BEGIN_DECLS

/* A code wrapped around a cylinder (a can, a bottle, a rolled flyer), seen
 * from afar: a point at angle θ round the axis is seen at
 * axis + radius × sin θ across it, so the modules narrow towards the
 * edges as cos θ. */
typedef struct
{
  gboolean upright;        /* the axis runs down the picture (a standing can); else across */
  double   axis;           /* where the axis is: x if upright, else y */
  double   radius;         /* in pixels */
  double   theta0, theta1; /* the angles unrolled, radians */
  int      from, to;       /* the rows (columns if not upright) unrolled */
} VtrCylinder;

GArray   *vtr_cylinder_guess  (const guint8      *grey,
                               int                width,
                               int                height,
                               guint              max_guesses);
guint8   *vtr_cylinder_unroll (const guint8      *grey,
                               int                width,
                               int                height,
                               const VtrCylinder *cylinder,
                               int               *out_width,
                               int               *out_height);
VtrPoint  vtr_cylinder_to_frame (const VtrCylinder *cylinder,
                                 double             x,
                                 double             y);

G_END_DECLS

#pragma once

#include <glib.h>

#include "vtr-symbol.h"

G_BEGIN_DECLS

/* A QR code found by its finder patterns and redrawn clean: upright, square
 * modules, a quiet zone, black on white. */
typedef struct
{
  guint8   *pixels;
  int       size;        /* width and height of @pixels */
  int       dimension;   /* modules a side */
  VtrPoint  corners[4];  /* the code's outer corners in the source image */
} VtrQrGrid;

typedef struct
{
  int x, y, width, height;
} VtrRect;

/* A finder pattern as seen: its centre and a module's size across and
 * down (they differ where the code is curved or tilted). */
typedef struct
{
  double x, y;
  double module_x, module_y;
  int    count; /* scan lines that found it */
} VtrQrFinder;

GArray    *vtr_qr_grid_finders (const guint8 *grey,
                                int           width,
                                int           height,
                                guint         max_finders);
GArray    *vtr_qr_grid_regions (const guint8 *grey,
                                int           width,
                                int           height,
                                guint         max_regions);
gboolean   vtr_qr_grid_has_finder (const guint8 *grey,
                                   int           width,
                                   int           height);
GPtrArray *vtr_qr_grid_find (const guint8 *grey,
                             int           width,
                             int           height,
                             guint         max_grids);
void       vtr_qr_grid_free (VtrQrGrid    *grid);

G_END_DECLS

#include "config.h"

#include "vtr-cylinder.h"

#include <math.h>
#include <string.h>

#include "vtr-qr-grid.h"

/*
 * A QR code on a can or a bottle: no reader takes its modules for a grid,
 * as they narrow towards the edges. Its finder patterns tell the cylinder:
 * a finder's modules are as tall as ever (the axis runs down) but narrower
 * across, by cos θ where θ is the finder's angle round the axis. Two
 * finders side by side give two angles and two places, so the axis and the
 * radius; the picture is then unrolled (each column of the unrolled
 * picture taken from where its angle is seen) and read as a flat code.
 */

/* Finders to pair, the most often seen first. */
#define MAX_FINDERS 12
/* Modules of margin unrolled beyond the two finders' centres: half a
 * finder, and the quiet zone. */
#define MARGIN_MODULES 9.0
/* No unrolling beyond this angle: the surface is seen edge on. */
#define MAX_THETA (85 * G_PI / 180)

typedef struct
{
  double along, across;       /* centre: along the curve, and along the axis */
  double module_c, module_a;  /* a module's size along the curve, and along the axis */
} Seen;

static gboolean
similar (const VtrCylinder *a,
         const VtrCylinder *b)
{
  return a->upright == b->upright && fabs (a->axis - b->axis) < 0.05 * a->radius &&
         fabs (a->radius - b->radius) < 0.08 * a->radius;
}

/* The cylinders that put @a and @b (side by side along the curve, @a
 * first) on one surface. */
static void
guess_pair (const Seen *a,
            const Seen *b,
            gboolean    upright,
            int         length,
            int         breadth,
            GArray     *guesses,
            guint       max_guesses)
{
  double m = (a->module_a + b->module_a) / 2;
  double d = b->along - a->along;
  double ca = CLAMP (a->module_c / m, 0.1, 1.0), cb = CLAMP (b->module_c / m, 0.1, 1.0);
  double sa = sqrt (1 - ca * ca), sb = sqrt (1 - cb * cb);
  /* Which side of the axis each finder is: across it first (a code facing
   * the camera), then both on one side, the farther one narrower. */
  double signs[3][2] = { { -1, 1 }, { 1, 1 }, { -1, -1 } };

  if (fabs (a->across - b->across) > 3 * m || a->module_a > 1.35 * b->module_a ||
      b->module_a > 1.35 * a->module_a || d < 2 * m)
    return;
  /* A flat code: the ordinary reading is for it. */
  if (ca > 0.92 && cb > 0.92)
    return;

  for (int k = 0; k < 3 && guesses->len < max_guesses; k++)
    {
      double sin_a = signs[k][0] * sa, sin_b = signs[k][1] * sb;
      double theta_a = asin (sin_a), theta_b = asin (sin_b), radius, span, top, bottom;
      VtrCylinder c;
      gboolean seen = FALSE;

      if (sin_b - sin_a < 0.05)
        continue;
      if (k == 1 && sb <= sa)
        continue;
      if (k == 2 && sa <= sb)
        continue;
      radius = d / (sin_b - sin_a);
      /* Modules between the finders' centres, along the surface: a
       * code's finders are 14 to 170 modules apart. */
      span = radius * (theta_b - theta_a);
      if (span < 12 * m || span > 180 * m)
        continue;

      top = MIN (a->across, b->across) - span - MARGIN_MODULES * m;
      bottom = MAX (a->across, b->across) + span + MARGIN_MODULES * m;
      c = (VtrCylinder) {
        .upright = upright,
        .axis = a->along - radius * sin_a,
        .radius = radius,
        .theta0 = MAX (-MAX_THETA, theta_a - MARGIN_MODULES * m / radius),
        .theta1 = MIN (MAX_THETA, theta_b + MARGIN_MODULES * m / radius),
        .from = (int) MAX (0, top),
        .to = (int) MIN (breadth, bottom),
      };
      /* Within the picture. */
      c.theta0 = MAX (c.theta0, asin (CLAMP ((0 - c.axis) / radius, -1, 1)));
      c.theta1 = MIN (c.theta1, asin (CLAMP ((length - 1 - c.axis) / radius, -1, 1)));
      if (c.theta1 - c.theta0 < 0.05 || c.to - c.from < 8)
        continue;

      for (guint i = 0; i < guesses->len && !seen; i++)
        seen = similar (&g_array_index (guesses, VtrCylinder, i), &c);
      if (!seen)
        g_array_append_val (guesses, c);
    }
}

/**
 * vtr_cylinder_guess:
 *
 * Returns: (transfer full) (element-type VtrCylinder): the cylinders a
 * QR code in @grey may be wrapped around, from the shapes of its finder
 * patterns, the likeliest first; empty when no finder looks curved.
 */
GArray *
vtr_cylinder_guess (const guint8 *grey,
                    int           width,
                    int           height,
                    guint         max_guesses)
{
  GArray *guesses = g_array_new (FALSE, FALSE, sizeof (VtrCylinder));
  g_autoptr(GArray) finders = vtr_qr_grid_finders (grey, width, height, MAX_FINDERS);

  for (guint i = 0; i < finders->len; i++)
    for (guint j = 0; j < finders->len; j++)
      {
        const VtrQrFinder *f = &g_array_index (finders, VtrQrFinder, i);
        const VtrQrFinder *g = &g_array_index (finders, VtrQrFinder, j);

        if (i == j || guesses->len >= max_guesses)
          continue;
        /* A standing cylinder: the finders side by side across the
         * picture, narrower across than down. */
        if (f->x < g->x && f->module_x < f->module_y * 0.95)
          guess_pair (&(Seen) { f->x, f->y, f->module_x, f->module_y },
                      &(Seen) { g->x, g->y, g->module_x, g->module_y }, TRUE, width, height, guesses,
                      max_guesses);
        /* One lying down: the same, turned. */
        if (f->y < g->y && f->module_y < f->module_x * 0.95)
          guess_pair (&(Seen) { f->y, f->x, f->module_y, f->module_x },
                      &(Seen) { g->y, g->x, g->module_y, g->module_x }, FALSE, height, width, guesses,
                      max_guesses);
      }
  return guesses;
}

/**
 * vtr_cylinder_unroll:
 *
 * Returns: (transfer full): the part of @grey on @cylinder, unrolled flat,
 * a pixel of the surface a pixel of the result, turned as it is in @grey.
 */
guint8 *
vtr_cylinder_unroll (const guint8      *grey,
                     int                width,
                     int                height,
                     const VtrCylinder *cylinder,
                     int               *out_width,
                     int               *out_height)
{
  int w = MAX (1, (int) (cylinder->radius * (cylinder->theta1 - cylinder->theta0)));
  int h = cylinder->to - cylinder->from;
  int length = cylinder->upright ? width : height;
  guint8 *out = g_malloc ((gsize) w * h);
  g_autofree int *at = g_new (int, w);
  g_autofree int *weight = g_new (int, w);

  /* Where each column of the result is read, to 1/256 of a pixel. */
  for (int u = 0; u < w; u++)
    {
      double theta = cylinder->theta0 + (u + 0.5) / cylinder->radius;
      double p = CLAMP (cylinder->axis + cylinder->radius * sin (theta) - 0.5, 0, length - 1.001);

      at[u] = (int) p;
      weight[u] = (int) ((p - at[u]) * 256);
    }

  for (int v = 0; v < h; v++)
    {
      int across = cylinder->from + v;
      guint8 *row = out + (gsize) v * w; /* upright */

      if (cylinder->upright)
        {
          const guint8 *in = grey + (gsize) across * width;

          for (int u = 0; u < w; u++)
            row[u] = (in[at[u]] * (256 - weight[u]) + in[MIN (at[u] + 1, width - 1)] * weight[u] + 128) >> 8;
        }
      else
        /* Lying: the curve runs down the result, as it does in @grey. */
        for (int u = 0; u < w; u++)
          {
            int y0 = at[u], y1 = MIN (at[u] + 1, height - 1);

            out[(gsize) u * h + v] = (grey[(gsize) y0 * width + across] * (256 - weight[u]) +
                                      grey[(gsize) y1 * width + across] * weight[u] + 128) >> 8;
          }
    }

  *out_width = cylinder->upright ? w : h;
  *out_height = cylinder->upright ? h : w;
  return out;
}

/* Where a point of the unrolled picture is in the frame. */
VtrPoint
vtr_cylinder_to_frame (const VtrCylinder *cylinder,
                       double             x,
                       double             y)
{
  double u = cylinder->upright ? x : y, v = cylinder->upright ? y : x;
  double along = cylinder->axis + cylinder->radius * sin (cylinder->theta0 + u / cylinder->radius);
  double across = cylinder->from + v;

  return cylinder->upright ? (VtrPoint) { along, across } : (VtrPoint) { across, along };
}

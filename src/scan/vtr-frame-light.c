#include "config.h"

#include "vtr-frame-light.h"

/*
 * The light of a frame, for the scan screen's hints: a code under a shop
 * window's reflection or in the dark is not read, and the shopper can do
 * something about it (tilt the code, step into the light). A sparse grid
 * of samples is enough, and cheap enough for the main thread: 64 × 36
 * pixels of a 1280 × 720 frame.
 */

#define GRID_X 64
#define GRID_Y 36
#define BURNT_LUMA 245
#define GLARE_SHARE 0.15
#define DARK_MEAN 40.0

/**
 * vtr_frame_light:
 * @rgb: 8-bit RGB rows
 * @mean: (out) (optional): the mean luma, 0–255
 * @burnt: (out) (optional): the share of burnt-white samples, 0–1
 */
VtrLight
vtr_frame_light (const guint8 *rgb,
                 int           width,
                 int           height,
                 int           stride,
                 double       *mean,
                 double       *burnt)
{
  guint64 sum = 0;
  guint n = 0, white = 0;
  double m, b;

  if (rgb == NULL || width <= 0 || height <= 0)
    return VTR_LIGHT_GOOD;
  for (int gy = 0; gy < GRID_Y; gy++)
    {
      const guint8 *row = rgb + (gsize) ((gy * 2 + 1) * height / (GRID_Y * 2)) * stride;

      for (int gx = 0; gx < GRID_X; gx++)
        {
          const guint8 *p = row + (gsize) ((gx * 2 + 1) * width / (GRID_X * 2)) * 3;
          /* BT.601 luma, in integers. */
          guint luma = (299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000;

          sum += luma;
          white += luma >= BURNT_LUMA;
          n++;
        }
    }
  m = (double) sum / n;
  b = (double) white / n;
  if (mean)
    *mean = m;
  if (burnt)
    *burnt = b;
  if (b >= GLARE_SHARE)
    return VTR_LIGHT_GLARE;
  if (m < DARK_MEAN)
    return VTR_LIGHT_DARK;
  return VTR_LIGHT_GOOD;
}

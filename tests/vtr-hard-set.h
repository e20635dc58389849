#pragma once

#include <glib.h>
#include <math.h>
#include <qrencode.h>
#include <string.h>

#include "vtr-random.h"

/*
 * A hard, webcam-like set of frames, made from a fixed seed so every run
 * sees the same pictures: codes tilted up to 50°, blurred by motion or
 * focus, under clipped glare, in low light with noise, with modules of 1.5
 * to 3 pixels, on phone screens (moiré, bloom, mirrored), wrapped around
 * cans and bottles (20 to 140° of arc), under a thumb, through a JPEG of
 * quality 8 to 25, and EAN-13 labels with thin bars.
 *
 * Each frame is 640×480 grey, with the text the code holds. Two frames of
 * one sample differ only by their sensor noise, as two camera frames of a
 * code held still do.
 */

typedef enum
{
  VTR_HARD_TILT,
  VTR_HARD_MOTION,
  VTR_HARD_DEFOCUS,
  VTR_HARD_GLARE,
  VTR_HARD_LOW_LIGHT,
  VTR_HARD_SMALL,
  VTR_HARD_SCREEN,
  VTR_HARD_CYLINDER,
  VTR_HARD_THUMB,
  VTR_HARD_JPEG,
  VTR_HARD_EAN_THIN,
  VTR_HARD_N_CONDITIONS
} VtrHardCondition;

#define VTR_HARD_WIDTH  640
#define VTR_HARD_HEIGHT 480

static const char * const vtr_hard_condition_names[] = {
  "tilt 20-50°", "motion blur", "defocus", "clipped glare", "low light+noise", "modules 1.5-3 px",
  "phone screen", "cylinder 20-140°", "thumb over", "JPEG q8-25", "EAN-13 thin bars",
};

typedef struct
{
  VtrHardCondition condition;
  char            *text;     /* what the code holds */
  gboolean         barcode;  /* an EAN-13, not a QR code */
  double           arc;      /* for a cylinder: degrees of arc the code covers */
  guint8          *frames[2];
} VtrHardSample;

/* A code as modules: 1 dark, 0 light, @size a side (a barcode is one row
 * stretched to a height). */
typedef struct
{
  guint8 *modules;
  int     width, height;
} VtrHardCode;

static inline void
vtr_hard_sample_clear (VtrHardSample *sample)
{
  g_free (sample->text);
  g_free (sample->frames[0]);
  g_free (sample->frames[1]);
}

static inline double
vtr_hard_uniform (VtrRandom *r)
{
  return vtr_random_below (r, 1000000) / 1e6;
}

static inline double
vtr_hard_gauss (VtrRandom *r)
{
  double u = MAX (1e-9, vtr_hard_uniform (r)), v = vtr_hard_uniform (r);

  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

static inline VtrHardCode
vtr_hard_qr (const char *text)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  VtrHardCode code = { g_malloc (qr->width * qr->width), qr->width, qr->width };

  for (int i = 0; i < qr->width * qr->width; i++)
    code.modules[i] = qr->data[i] & 1;
  QRcode_free (qr);
  return code;
}

/* EAN-13: 95 modules from the 13 digits (the first sets the parities). */
static inline VtrHardCode
vtr_hard_ean13 (const char *digits)
{
  static const char * const l[10] = { "0001101", "0011001", "0010011", "0111101", "0100011",
                                      "0110001", "0101111", "0111011", "0110111", "0001011" };
  static const char * const parity[10] = { "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
                                           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL" };
  VtrHardCode code = { g_malloc (95), 95, 1 };
  GString *bits = g_string_new ("101");

  for (int i = 1; i <= 6; i++)
    {
      const char *pattern = l[digits[i] - '0'];
      char g[8];

      if (parity[digits[0] - '0'][i - 1] == 'G')
        {
          /* G is R reversed, and R is L inverted. */
          for (int k = 0; k < 7; k++)
            g[k] = pattern[6 - k] == '1' ? '0' : '1';
          g[7] = 0;
          g_string_append (bits, g);
        }
      else
        g_string_append (bits, pattern);
    }
  g_string_append (bits, "01010");
  for (int i = 7; i <= 12; i++)
    for (int k = 0; k < 7; k++)
      g_string_append_c (bits, l[digits[i] - '0'][k] == '1' ? '0' : '1');
  g_string_append (bits, "101");
  for (int i = 0; i < 95; i++)
    code.modules[i] = bits->str[i] == '1';
  g_string_free (bits, TRUE);
  return code;
}

/* A 13-digit EAN with its check digit. */
static inline char *
vtr_hard_ean_digits (VtrRandom *r)
{
  char digits[14];
  int sum = 0;

  digits[0] = '3'; /* French products start with 3 */
  for (int i = 1; i < 12; i++)
    digits[i] = '0' + vtr_random_below (r, 10);
  for (int i = 0; i < 12; i++)
    sum += (digits[i] - '0') * (i % 2 ? 3 : 1);
  digits[12] = '0' + (10 - sum % 10) % 10;
  digits[13] = 0;
  return g_strdup (digits);
}

/* Where a frame pixel falls on the code: the code plane seen through a
 * homography @h (frame → code units), or wrapped around a cylinder. */
typedef struct
{
  double   h[9];
  gboolean cylinder;
  double   cx, radius, half_arc; /* cylinder: axis x in the frame, radius in pixels, radians */
  double   top, unit_y;          /* cylinder: code top in the frame, pixels a code unit down */
  double   code_w;               /* cylinder: code width in units */
} VtrHardView;

static inline gboolean
vtr_hard_to_code (const VtrHardView *v,
                  double             x,
                  double             y,
                  double            *u,
                  double            *w,
                  double            *shade)
{
  *shade = 1.0;
  if (v->cylinder)
    {
      double s = (x - v->cx) / v->radius, theta;

      if (s <= -1 || s >= 1)
        return FALSE;
      theta = asin (s);
      if (fabs (theta) > v->half_arc)
        return FALSE;
      *u = (theta + v->half_arc) / (2 * v->half_arc) * v->code_w;
      *w = (y - v->top) / v->unit_y;
      *shade = 0.55 + 0.45 * cos (theta);
      return TRUE;
    }
  else
    {
      double d = v->h[6] * x + v->h[7] * y + v->h[8];

      if (fabs (d) < 1e-12)
        return FALSE;
      *u = (v->h[0] * x + v->h[1] * y + v->h[2]) / d;
      *w = (v->h[3] * x + v->h[4] * y + v->h[5]) / d;
      return TRUE;
    }
}

static inline void
vtr_hard_box_blur (double *img,
                   int     w,
                   int     h,
                   int     rx,
                   int     ry)
{
  double *tmp = g_new (double, (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double s = 0;
        int n = 0;

        for (int k = -rx; k <= rx; k++)
          {
            int xx = CLAMP (x + k, 0, w - 1);
            s += img[y * w + xx], n++;
          }
        tmp[y * w + x] = s / n;
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double s = 0;
        int n = 0;

        for (int k = -ry; k <= ry; k++)
          {
            int yy = CLAMP (y + k, 0, h - 1);
            s += tmp[yy * w + x], n++;
          }
        img[y * w + x] = s / n;
      }
  g_free (tmp);
}

/* JPEG's loss: 8×8 DCT, quantized with the standard luminance table
 * scaled for @quality, and back. */
static inline void
vtr_hard_jpeg (double *img,
               int     w,
               int     h,
               int     quality)
{
  static const int table[64] = {
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
  };
  int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  double c[8][8];

  for (int k = 0; k < 8; k++)
    for (int n = 0; n < 8; n++)
      c[k][n] = (k == 0 ? sqrt (0.125) : 0.5) * cos ((2 * n + 1) * k * G_PI / 16);

  for (int by = 0; by + 8 <= h; by += 8)
    for (int bx = 0; bx + 8 <= w; bx += 8)
      {
        double block[8][8], coef[8][8], tmp[8][8];

        for (int y = 0; y < 8; y++)
          for (int x = 0; x < 8; x++)
            block[y][x] = img[(by + y) * w + bx + x] - 128;
        for (int v = 0; v < 8; v++)
          for (int x = 0; x < 8; x++)
            {
              double s = 0;
              for (int y = 0; y < 8; y++)
                s += c[v][y] * block[y][x];
              tmp[v][x] = s;
            }
        for (int v = 0; v < 8; v++)
          for (int u = 0; u < 8; u++)
            {
              double s = 0, q = MAX (1, (table[v * 8 + u] * scale + 50) / 100);
              for (int x = 0; x < 8; x++)
                s += c[u][x] * tmp[v][x];
              coef[v][u] = round (s / q) * q;
            }
        for (int y = 0; y < 8; y++)
          for (int u = 0; u < 8; u++)
            {
              double s = 0;
              for (int v = 0; v < 8; v++)
                s += c[v][y] * coef[v][u];
              tmp[y][u] = s;
            }
        for (int y = 0; y < 8; y++)
          for (int x = 0; x < 8; x++)
            {
              double s = 0;
              for (int u = 0; u < 8; u++)
                s += c[u][x] * tmp[y][u];
              img[(by + y) * w + bx + x] = s + 128;
            }
      }
}

/* The homography taking the frame to the code's units, for a code
 * @size_px wide centred at (@cx, @cy), turned by @rotation in its plane
 * and tilted by @tilt about the vertical axis (a camera @distance code
 * widths away). */
static inline void
vtr_hard_homography (double  h[9],
                     double  code_w,
                     double  code_h,
                     double  size_px,
                     double  cx,
                     double  cy,
                     double  rotation,
                     double  tilt,
                     gboolean mirror)
{
  /* Forward, code units (u, w, 1) → frame: the point in the code's plane,
   * mirrored, turned, tilted about the vertical axis, then seen by a
   * camera of focal length f. */
  double f = size_px * 3.0;
  double sc = size_px / code_w, mi = mirror ? -1 : 1, fw[9], det;
  double cr = cos (rotation), sr = sin (rotation), ct = cos (tilt), st = sin (tilt);
  double A[3] = { cr * mi * sc, -sr * sc, -cr * mi * sc * code_w / 2 + sr * sc * code_h / 2 };
  double B[3] = { sr * mi * sc, cr * sc, -sr * mi * sc * code_w / 2 - cr * sc * code_h / 2 };

  for (int k = 0; k < 3; k++)
    {
      double z = st * A[k] + (k == 2 ? f : 0);

      fw[k] = cx * z + f * ct * A[k];
      fw[3 + k] = cy * z + f * B[k];
      fw[6 + k] = z;
    }

  det = fw[0] * (fw[4] * fw[8] - fw[5] * fw[7]) - fw[1] * (fw[3] * fw[8] - fw[5] * fw[6]) +
        fw[2] * (fw[3] * fw[7] - fw[4] * fw[6]);
  h[0] = (fw[4] * fw[8] - fw[5] * fw[7]) / det;
  h[1] = (fw[2] * fw[7] - fw[1] * fw[8]) / det;
  h[2] = (fw[1] * fw[5] - fw[2] * fw[4]) / det;
  h[3] = (fw[5] * fw[6] - fw[3] * fw[8]) / det;
  h[4] = (fw[0] * fw[8] - fw[2] * fw[6]) / det;
  h[5] = (fw[2] * fw[3] - fw[0] * fw[5]) / det;
  h[6] = (fw[3] * fw[7] - fw[4] * fw[6]) / det;
  h[7] = (fw[1] * fw[6] - fw[0] * fw[7]) / det;
  h[8] = (fw[0] * fw[4] - fw[1] * fw[3]) / det;
}

/* Sample @index of @condition (the same arguments, the same frames). */
static inline VtrHardSample
vtr_hard_sample_make (VtrHardCondition condition,
                      guint            index)
{
  VtrRandom r = { 0x5eed0000u + condition * 1000u + index };
  VtrHardSample sample = { condition };
  const int W = VTR_HARD_WIDTH, H = VTR_HARD_HEIGHT;
  VtrHardCode code;
  VtrHardView view = { { 0 } };
  double quiet, code_w, code_h, size_px, unit_px;
  double *base = g_new (double, (gsize) W * H);
  double ink = 25, paper = 215, glare_x = 0, glare_y = 0, glare_r = 0;
  gboolean mirror = FALSE, screen = condition == VTR_HARD_SCREEN;
  double noise = 3;

  sample.barcode = condition == VTR_HARD_EAN_THIN;
  if (sample.barcode)
    {
      sample.text = vtr_hard_ean_digits (&r);
      code = vtr_hard_ean13 (sample.text);
      quiet = 10;
      code_w = code.width + 2 * quiet;
      code_h = 60;
    }
  else
    {
      sample.text = g_strdup_printf ("https://vitrine.example/p/%08x?s=%u", vtr_random_below (&r, G_MAXINT32),
                                     index);
      code = vtr_hard_qr (sample.text);
      quiet = 4;
      code_w = code_h = code.width + 2 * quiet;
    }

  /* How big a module is, in pixels. */
  switch (condition)
    {
    case VTR_HARD_SMALL:
      unit_px = 1.5 + 1.5 * vtr_hard_uniform (&r);
      break;
    case VTR_HARD_EAN_THIN:
      unit_px = 1.4 + 0.8 * vtr_hard_uniform (&r);
      break;
    default:
      unit_px = 3.5 + 3 * vtr_hard_uniform (&r);
    }
  size_px = code_w * unit_px;

  if (condition == VTR_HARD_CYLINDER)
    {
      double arc = (20 + 120 * vtr_hard_uniform (&r)) * G_PI / 180;

      /* The arc the code's width covers; the can's radius follows. */
      view.cylinder = TRUE;
      view.half_arc = arc / 2;
      view.radius = size_px / arc;
      view.cx = W / 2 + vtr_hard_uniform (&r) * 40 - 20;
      view.unit_y = unit_px;
      view.top = H / 2 - code_h * unit_px / 2;
      view.code_w = code_w;
      sample.arc = arc * 180 / G_PI;
    }
  else
    {
      double tilt = condition == VTR_HARD_TILT ? (20 + 30 * vtr_hard_uniform (&r)) * G_PI / 180
                                                : 10 * vtr_hard_uniform (&r) * G_PI / 180;
      double rotation = (vtr_hard_uniform (&r) * 2 - 1) * (sample.barcode ? 0.15 : G_PI);

      if (vtr_random_below (&r, 2))
        tilt = -tilt;
      mirror = screen && vtr_random_below (&r, 2);
      vtr_hard_homography (view.h, code_w, code_h, size_px, W / 2 + vtr_hard_uniform (&r) * 60 - 30,
                           H / 2 + vtr_hard_uniform (&r) * 40 - 20, rotation, tilt, mirror);
    }

  if (condition == VTR_HARD_LOW_LIGHT)
    {
      ink = 6 + 6 * vtr_hard_uniform (&r);
      paper = ink + 22 + 18 * vtr_hard_uniform (&r);
      noise = 5 + 4 * vtr_hard_uniform (&r);
    }
  if (screen)
    ink = 20, paper = 245;
  if (condition == VTR_HARD_GLARE)
    {
      glare_x = W / 2 + (vtr_hard_uniform (&r) - 0.5) * size_px * 0.6;
      glare_y = H / 2 + (vtr_hard_uniform (&r) - 0.5) * size_px * 0.6;
      glare_r = size_px * (0.12 + 0.1 * vtr_hard_uniform (&r));
    }

  /* The scene: a shelf's gradient and boxes, then the code, 3×3
   * samples a pixel. */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      base[y * W + x] = (condition == VTR_HARD_LOW_LIGHT ? 0.25 : 1) * (80 + x * 50 / W + y * 30 / H);
  for (int k = 0; k < 20; k++)
    {
      int bx = vtr_random_below (&r, W), by = vtr_random_below (&r, H);
      int bw = 10 + vtr_random_below (&r, 120), bh = 10 + vtr_random_below (&r, 80);
      double shade = vtr_random_below (&r, 200) * (condition == VTR_HARD_LOW_LIGHT ? 0.2 : 1);

      for (int y = by; y < MIN (H, by + bh); y++)
        for (int x = bx; x < MIN (W, bx + bw); x++)
          base[y * W + x] = shade;
    }
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double sum = 0;
        int hits = 0;

        for (int sy = 0; sy < 3; sy++)
          for (int sx = 0; sx < 3; sx++)
            {
              double u, w, shade;
              int mu, mw;

              if (!vtr_hard_to_code (&view, x + (sx + 0.5) / 3, y + (sy + 0.5) / 3, &u, &w, &shade) ||
                  u < 0 || w < 0 || u >= code_w || w >= code_h)
                continue;
              mu = (int) floor (u - quiet);
              mw = sample.barcode ? 0 : (int) floor (w - quiet);
              hits++;
              if (mu >= 0 && mu < code.width && mw >= 0 && mw < code.height &&
                  (!sample.barcode || (w > 2 && w < code_h - 2)) && code.modules[mw * code.width + mu])
                sum += ink * shade;
              else
                sum += paper * shade;
            }
        if (hits > 0)
          base[y * W + x] = (base[y * W + x] * (9 - hits) + sum) / 9;
      }

  switch (condition)
    {
    case VTR_HARD_MOTION:
      {
        int len = 2 + vtr_random_below (&r, 4);
        gboolean vertical = vtr_random_below (&r, 2);

        vtr_hard_box_blur (base, W, H, vertical ? 0 : len, vertical ? len : 0);
      }
      break;
    case VTR_HARD_DEFOCUS:
      {
        int radius = 1 + vtr_random_below (&r, 2);

        vtr_hard_box_blur (base, W, H, radius, radius);
        vtr_hard_box_blur (base, W, H, 1, 1);
      }
      break;
    case VTR_HARD_SCREEN:
      {
        /* Bloom: light spills into the dark modules; moiré: the screen's
         * pixel grid beating with the camera's. */
        double *bloom = g_memdup2 (base, sizeof (double) * W * H);
        double period = 3 + 3 * vtr_hard_uniform (&r), angle = vtr_hard_uniform (&r) * G_PI;

        vtr_hard_box_blur (bloom, W, H, 3, 3);
        for (int i = 0; i < W * H; i++)
          {
            int x = i % W, y = i / W;
            double m = 1 + 0.18 * sin ((x * cos (angle) + y * sin (angle)) * 2 * G_PI / period);

            base[i] = (0.65 * base[i] + 0.45 * bloom[i]) * m;
          }
        g_free (bloom);
      }
      break;
    case VTR_HARD_THUMB:
      {
        /* A thumb over an edge of the code, away from the finders'
         * corner: dark skin, soft edge, a tenth of the code's area. */
        double tx = W / 2 + size_px * (0.3 + 0.15 * vtr_hard_uniform (&r));
        double ty = H / 2 + size_px * (0.2 + 0.2 * vtr_hard_uniform (&r));
        double rx = size_px * 0.16, ry = size_px * 0.3;

        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              double d = pow ((x - tx) / rx, 2) + pow ((y - ty) / ry, 2);

              if (d < 1)
                base[y * W + x] = 120 + 20 * d;
            }
      }
      break;
    default:
      break;
    }

  for (int f = 0; f < 2; f++)
    {
      VtrRandom nr = { 0x00c0ffeeu + condition * 7919u + index * 31u + f };
      double *img = g_memdup2 (base, sizeof (double) * W * H);

      sample.frames[f] = g_malloc ((gsize) W * H);
      if (condition == VTR_HARD_GLARE)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              double d2 = (pow (x - glare_x, 2) + pow (y - glare_y, 2)) / (glare_r * glare_r);

              img[y * W + x] += 400 * exp (-d2);
            }
      for (int i = 0; i < W * H; i++)
        img[i] += noise * vtr_hard_gauss (&nr);
      for (int i = 0; i < W * H; i++)
        img[i] = CLAMP (img[i], 0, 255);
      if (condition == VTR_HARD_JPEG)
        vtr_hard_jpeg (img, W, H, 8 + (int) ((index * 7) % 18));
      for (int i = 0; i < W * H; i++)
        sample.frames[f][i] = (guint8) CLAMP (lround (img[i]), 0, 255);
      g_free (img);
    }

  g_free (base);
  g_free (code.modules);
  return sample;
}

/* A code wrapped round a standing cylinder, its symbol (not its quiet
 * zone) covering @arc degrees, @unit_px pixels a module down the axis,
 * facing the camera from @offset pixels off the axis: a 640×480 frame, a
 * can or a bottle on a shelf, with sensor noise from @seed. */
static inline guint8 *
vtr_hard_wrapped (const char *text,
                  gboolean    barcode,
                  double      arc,
                  double      unit_px,
                  double      offset,
                  guint       seed)
{
  const int W = VTR_HARD_WIDTH, H = VTR_HARD_HEIGHT;
  VtrRandom nr = { 0x0c71d000u + seed };
  VtrHardCode code = barcode ? vtr_hard_ean13 (text) : vtr_hard_qr (text);
  double quiet = barcode ? 10 : 4;
  double code_w = code.width + 2 * quiet, code_h = barcode ? 60 : code.height + 2 * quiet;
  double symbol_arc = arc * G_PI / 180;
  VtrHardView view = { { 0 } };
  guint8 *frame = g_malloc ((gsize) W * H);

  /* The arc the whole code covers, quiet zone and all; what is past the
   * can's edge is not seen. */
  view.cylinder = TRUE;
  view.radius = code.width * unit_px / symbol_arc;
  view.half_arc = symbol_arc * code_w / code.width / 2;
  view.cx = W / 2 + offset;
  view.unit_y = unit_px;
  view.top = H / 2 - code_h * unit_px / 2;
  view.code_w = code_w;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double v = 80 + x * 50 / W + y * 30 / H, sum = 0;
        int hits = 0;

        /* The can itself, a plain label, shaded round its curve. */
        if (fabs (x - view.cx) < view.radius && y > view.top - 20 * unit_px &&
            y < view.top + (code_h + 20) * unit_px)
          v = 150 * (0.55 + 0.45 * cos (asin ((x - view.cx) / view.radius)));
        for (int sy = 0; sy < 3; sy++)
          for (int sx = 0; sx < 3; sx++)
            {
              double u, w, shade;
              int mu, mw;

              if (!vtr_hard_to_code (&view, x + (sx + 0.5) / 3, y + (sy + 0.5) / 3, &u, &w, &shade) ||
                  u < 0 || w < 0 || u >= code_w || w >= code_h)
                continue;
              mu = (int) floor (u - quiet);
              mw = barcode ? 0 : (int) floor (w - quiet);
              hits++;
              if (mu >= 0 && mu < code.width && mw >= 0 && mw < code.height &&
                  (!barcode || (w > 2 && w < code_h - 2)) && code.modules[mw * code.width + mu])
                sum += 25 * shade;
              else
                sum += 215 * shade;
            }
        if (hits > 0)
          v = (v * (9 - hits) + sum) / 9;
        frame[y * W + x] = (guint8) CLAMP (lround (v + 3 * vtr_hard_gauss (&nr)), 0, 255);
      }
  g_free (code.modules);
  return frame;
}

/* bench-scan's cylinder sample @i of @n at @arc degrees: a QR code (on
 * every other one the can lies on its side: the frame turned a quarter)
 * and an EAN-13 label wrapped round it, from a seed of their own. */
typedef struct
{
  char   *text;       /* the QR code's */
  char   *digits;     /* the label's */
  guint8 *qr;
  int     qr_width;
  int     qr_height;
  guint8 *ean;        /* VTR_HARD_WIDTH × VTR_HARD_HEIGHT */
} VtrHardCylinder;

static inline VtrHardCylinder
vtr_hard_cylinder_make (int arc,
                        int i,
                        int n)
{
  VtrRandom r = { 0xca0000u + arc * 100 + i };
  VtrHardCylinder c = { 0 };
  double offset;

  c.text = g_strdup_printf ("https://vitrine.example/p/%08x?c=%d", vtr_random_below (&r, G_MAXINT32), i);
  c.digits = vtr_hard_ean_digits (&r);
  offset = (int) vtr_random_below (&r, 41) - 20;
  c.qr = vtr_hard_wrapped (c.text, FALSE, arc, 3.5 + 2.0 * i / (n - 1), offset, arc * 100 + i);
  c.ean = vtr_hard_wrapped (c.digits, TRUE, arc, 2.2 + 1.5 * i / (n - 1), offset, arc * 100 + i);
  c.qr_width = VTR_HARD_WIDTH;
  c.qr_height = VTR_HARD_HEIGHT;
  if (i % 2)
    {
      guint8 *t = g_malloc ((gsize) c.qr_width * c.qr_height);

      for (int y = 0; y < c.qr_height; y++)
        for (int x = 0; x < c.qr_width; x++)
          t[(gsize) x * c.qr_height + (c.qr_height - 1 - y)] = c.qr[(gsize) y * c.qr_width + x];
      g_free (c.qr);
      c.qr = t;
      c.qr_width = VTR_HARD_HEIGHT;
      c.qr_height = VTR_HARD_WIDTH;
    }
  return c;
}

static inline void
vtr_hard_cylinder_clear (VtrHardCylinder *c)
{
  g_free (c->text);
  g_free (c->digits);
  g_free (c->qr);
  g_free (c->ean);
}

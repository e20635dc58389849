#include "config.h"

#include "vtr-qr-grid.h"

#include <math.h>
#include <string.h>

/*
 * Where ZBar gives up on a QR code it could read if the picture were clean:
 * strong perspective, blur, a code too small or too coarse. This finds the
 * three finder patterns itself (the 1:1:3:1:1 squares in the corners),
 * works out the grid from them and the alignment pattern, samples every
 * module and draws the code again, clean, for ZBar to read. It is the
 * detector zxing uses, reduced to what helps ZBar; and where a code is not
 * flat (printed on cloth, crumpled), its grid also follows the warp.
 */

/* Three pixels a module read the same codes as six did, with a quarter of
 * the pixels to draw and scan. */
#define MODULE_PIXELS 3
#define QUIET_MODULES 4
#define MAX_CANDIDATES 24

typedef struct
{
  double x, y;
  double module;
  int    count;
  double module_x, module_y; /* across and down: they differ on a curved code */
} Finder;

/* Local-mean binarisation: TRUE where darker than the neighbourhood. */
/* Binarisation by 8×8 blocks, as zxing's hybrid binariser: each block's
 * threshold is the mean of the 5×5 blocks around it; a flat block takes
 * its neighbours' level, so the inside of a big module or a white page does
 * not turn to noise. A few operations a pixel: cheap enough for every
 * camera frame. TRUE where dark. */
#define BLOCK 8

static guint8 *
binarize (const guint8 *grey,
          int           width,
          int           height)
{
  int bw = (width + BLOCK - 1) / BLOCK, bh = (height + BLOCK - 1) / BLOCK;
  g_autofree int *average = g_new (int, (gsize) bw * bh);
  guint8 *dark = g_new (guint8, (gsize) width * height);

  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        int x0 = bx * BLOCK, y0 = by * BLOCK;
        int x1 = MIN (width, x0 + BLOCK), y1 = MIN (height, y0 + BLOCK);
        int sum = 0, lo = 255, hi = 0, n = (x1 - x0) * (y1 - y0);

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            {
              int v = grey[(gsize) y * width + x];

              sum += v;
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }

        if (hi - lo > 24)
          average[by * bw + bx] = sum / n;
        else
          {
            /* Flat: light unless darker than the blocks already seen. */
            int level = lo / 2;

            if (bx > 0 && by > 0)
              {
                int neighbours = (average[(by - 1) * bw + bx] + 2 * average[by * bw + bx - 1] +
                                  average[(by - 1) * bw + bx - 1]) / 4;
                if (lo < neighbours)
                  level = neighbours;
              }
            average[by * bw + bx] = level;
          }
      }

  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        int cx = CLAMP (bx, 2, MAX (2, bw - 3)), cy = CLAMP (by, 2, MAX (2, bh - 3));
        int sum = 0, n = 0, threshold;

        for (int y = MAX (0, cy - 2); y <= MIN (bh - 1, cy + 2); y++)
          for (int x = MAX (0, cx - 2); x <= MIN (bw - 1, cx + 2); x++)
            {
              sum += average[y * bw + x];
              n++;
            }
        threshold = sum / n;

        for (int y = by * BLOCK; y < MIN (height, (by + 1) * BLOCK); y++)
          for (int x = bx * BLOCK; x < MIN (width, (bx + 1) * BLOCK); x++)
            dark[(gsize) y * width + x] = grey[(gsize) y * width + x] <= threshold;
      }

  return dark;
}

static gboolean
ratio_ok (const int runs[5],
          double   *module)
{
  int total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
  double m, tolerance;

  if (total < 7)
    return FALSE;
  m = total / 7.0;
  tolerance = m * 0.6;
  if (fabs (runs[0] - m) > tolerance || fabs (runs[1] - m) > tolerance ||
      fabs (runs[3] - m) > tolerance || fabs (runs[4] - m) > tolerance ||
      fabs (runs[2] - 3 * m) > 3 * tolerance)
    return FALSE;
  *module = m;
  return TRUE;
}

/* Runs along a line through (cx, cy) in direction (dx, dy): the pattern
 * must read 1:1:3:1:1 there too. Returns the centre along the line. */
static gboolean
cross_check (const guint8 *dark,
             int           width,
             int           height,
             double        cx,
             double        cy,
             int           dx,
             int           dy,
             int           max_run,
             double       *center,
             double       *module)
{
  int runs[5] = { 0 };
  int x = (int) cx, y = (int) cy;
  int i;

#define DARK(X, Y) ((X) >= 0 && (Y) >= 0 && (X) < width && (Y) < height && dark[(gsize) (Y) * width + (X)])
#define INSIDE(X, Y) ((X) >= 0 && (Y) >= 0 && (X) < width && (Y) < height)

  if (!DARK (x, y))
    return FALSE;

  /* Backwards: centre, white ring, outer black. */
  for (i = 0; DARK (x - i * dx, y - i * dy); i++)
    runs[2]++;
  for (; INSIDE (x - i * dx, y - i * dy) && !DARK (x - i * dx, y - i * dy) && runs[1] <= max_run; i++)
    runs[1]++;
  for (; DARK (x - i * dx, y - i * dy) && runs[0] <= max_run; i++)
    runs[0]++;
  /* Forwards. */
  for (i = 1; DARK (x + i * dx, y + i * dy); i++)
    runs[2]++;
  {
    int start = i;

    for (; INSIDE (x + i * dx, y + i * dy) && !DARK (x + i * dx, y + i * dy) && runs[3] <= max_run; i++)
      runs[3]++;
    for (; DARK (x + i * dx, y + i * dy) && runs[4] <= max_run; i++)
      runs[4]++;
    if (!ratio_ok (runs, module))
      return FALSE;
    /* Centre of the middle run, as an offset from (cx, cy). */
    *center = (start - 1) - (runs[2] - 1) / 2.0;
  }
#undef DARK
#undef INSIDE
  return TRUE;
}

static void
add_finder (GArray *finders,
            double  x,
            double  y,
            double  module,
            double  module_x,
            double  module_y)
{
  for (guint i = 0; i < finders->len; i++)
    {
      Finder *f = &g_array_index (finders, Finder, i);

      if (fabs (f->x - x) < f->module * 2 && fabs (f->y - y) < f->module * 2 &&
          fabs (f->module - module) < f->module * 0.5)
        {
          /* Running mean of the hits. */
          f->x = (f->x * f->count + x) / (f->count + 1);
          f->y = (f->y * f->count + y) / (f->count + 1);
          f->module = (f->module * f->count + module) / (f->count + 1);
          f->module_x = (f->module_x * f->count + module_x) / (f->count + 1);
          f->module_y = (f->module_y * f->count + module_y) / (f->count + 1);
          f->count++;
          return;
        }
    }
  g_array_append_val (finders, ((Finder) { x, y, module, 1, module_x, module_y }));
}

/* The finder patterns in @dark; no more than the first once @first_only. */
static GArray *
find_finders (const guint8 *dark,
              int           width,
              int           height,
              gboolean      first_only)
{
  GArray *finders = g_array_new (FALSE, FALSE, sizeof (Finder));

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = dark + (gsize) y * width;
      int runs[5] = { 0 };
      int n = 0; /* runs seen in the current window, the last one growing */
      int x = 0;

      /* Skip leading white. */
      while (x < width && !row[x])
        x++;
      for (; x <= width; x++)
        {
          gboolean black = x < width && row[x];
          gboolean expect_black = (n % 2) == 0;

          if (x < width && black == expect_black)
            {
              runs[n]++;
              continue;
            }
          /* The run ended. */
          if (n < 4)
            {
              n++;
              if (x < width)
                runs[n] = 1;
              continue;
            }

          {
            double module, dy, module_v, dx, module_h;
            double cx = x - runs[4] - runs[3] - runs[2] / 2.0;

            if (ratio_ok (runs, &module) &&
                cross_check (dark, width, height, cx, y, 0, 1, (int) (module * 4), &dy, &module_v) &&
                module_v > module * 0.35 && module_v < module * 2.9 &&
                cross_check (dark, width, height, cx, y + dy, 1, 0, (int) (module * 4), &dx, &module_h))
              {
                add_finder (finders, cx + dx, y + dy, (module + module_v + module_h) / 3,
                            (module + module_h) / 2, module_v);
                if (first_only)
                  return finders;
              }
          }

          /* Slide by two runs: the pattern starts on black. */
          runs[0] = runs[2];
          runs[1] = runs[3];
          runs[2] = runs[4];
          runs[3] = x < width ? 1 : 0;
          runs[4] = 0;
          n = 3;
        }
    }

  return finders;
}

static int
compare_finders (gconstpointer a,
                 gconstpointer b)
{
  return ((const Finder *) b)->count - ((const Finder *) a)->count;
}

/* The homography from module coordinates to image coordinates that best
 * fits @n point pairs (n ≥ 4), by least squares on the linearised
 * equations: their 8×8 normal system, solved by Gauss–Jordan. */
static gboolean
homography_fit (const double (*src)[2],
                const double (*dst)[2],
                int           n,
                double        h[9])
{
  double a[8][9] = { { 0 } };

  for (int i = 0; i < n; i++)
    {
      double x = src[i][0], y = src[i][1], u = dst[i][0], v = dst[i][1];
      double rows[2][9] = { { x, y, 1, 0, 0, 0, -u * x, -u * y, u },
                            { 0, 0, 0, x, y, 1, -v * x, -v * y, v } };

      for (int r = 0; r < 2; r++)
        for (int j = 0; j < 8; j++)
          for (int k = 0; k < 9; k++)
            a[j][k] += rows[r][j] * rows[r][k];
    }

  for (int c = 0; c < 8; c++)
    {
      int pivot = c;

      for (int r = c + 1; r < 8; r++)
        if (fabs (a[r][c]) > fabs (a[pivot][c]))
          pivot = r;
      if (fabs (a[pivot][c]) < 1e-9)
        return FALSE;
      if (pivot != c)
        for (int k = 0; k < 9; k++)
          {
            double t = a[c][k];
            a[c][k] = a[pivot][k];
            a[pivot][k] = t;
          }
      for (int r = 0; r < 8; r++)
        if (r != c)
          {
            double f = a[r][c] / a[c][c];
            for (int k = c; k < 9; k++)
              a[r][k] -= f * a[c][k];
          }
    }

  for (int i = 0; i < 8; i++)
    h[i] = a[i][8] / a[i][i];
  h[8] = 1;
  return TRUE;
}

static gboolean
homography (const double src[4][2],
            const double dst[4][2],
            double       h[9])
{
  return homography_fit (src, dst, 4, h);
}

/* The outer corners of a finder pattern: rays from its centre to the edge
 * of the outer dark ring; on a square seen in perspective, the farthest
 * edge point in each quadrant (of the code's own axes) is a corner.
 * @ux, @uy is the code's x axis, @vx, @vy its y axis, both unit vectors. */
static gboolean
finder_corners (const guint8 *dark,
                int           width,
                int           height,
                const Finder *f,
                double        ux,
                double        uy,
                double        vx,
                double        vy,
                double        corners[4][2])
{
  double best[4] = { 0 };
  int max_steps = (int) (f->module * 8) + 2;

  for (int k = 0; k < 64; k++)
    {
      double angle = k * G_PI / 32;
      double dx = cos (angle), dy = sin (angle);
      int phase = 0; /* 0 centre dark, 1 light ring, 2 outer dark */
      double ex = 0, ey = 0;
      gboolean edge = FALSE;

      for (int step = 0; step < max_steps; step++)
        {
          int x = (int) (f->x + dx * step + 0.5), y = (int) (f->y + dy * step + 0.5);
          gboolean is_dark;

          if (x < 0 || y < 0 || x >= width || y >= height)
            break;
          is_dark = dark[(gsize) y * width + x];
          if (phase == 0 && !is_dark)
            phase = 1;
          else if (phase == 1 && is_dark)
            phase = 2;
          else if (phase == 2 && !is_dark)
            {
              ex = f->x + dx * (step - 0.5);
              ey = f->y + dy * (step - 0.5);
              edge = TRUE;
              break;
            }
        }
      if (!edge)
        continue;

      {
        double rx = ex - f->x, ry = ey - f->y;
        double along_u = rx * ux + ry * uy, along_v = rx * vx + ry * vy;
        int quadrant = (along_u >= 0 ? 1 : 0) + (along_v >= 0 ? 2 : 0);
        double d = rx * rx + ry * ry;
        /* Quadrants in corner order: top-left, top-right, bottom-left, bottom-right. */
        static const int order[4] = { 0, 1, 3, 2 };

        if (d > best[quadrant])
          {
            best[quadrant] = d;
            corners[order[quadrant]][0] = ex;
            corners[order[quadrant]][1] = ey;
          }
      }
    }

  for (int q = 0; q < 4; q++)
    if (best[q] < f->module * f->module * 4)
      return FALSE;
  return TRUE;
}

static void
project (const double h[9],
         double       x,
         double       y,
         double      *u,
         double      *v)
{
  double w = h[6] * x + h[7] * y + h[8];

  *u = (h[0] * x + h[1] * y + h[2]) / w;
  *v = (h[3] * x + h[4] * y + h[5]) / w;
}

/* Looks for the alignment pattern (a dark dot in a light ring in a dark
 * ring, 1:1:1) near where the affine estimate puts it. */
static gboolean
find_alignment (const guint8 *dark,
                int           width,
                int           height,
                double        ex,
                double        ey,
                double        module,
                double       *ax,
                double       *ay)
{
  int reach = (int) (module * 4);
  double best = G_MAXDOUBLE;
  gboolean found = FALSE;
  int m = MAX (1, (int) (module + 0.5));

  for (int y = (int) ey - reach; y <= (int) ey + reach; y++)
    for (int x = (int) ex - reach; x <= (int) ex + reach; x++)
      {
        gboolean ring_light = TRUE, ring_dark = TRUE;
        double d;

        if (x - 2 * m < 0 || y - 2 * m < 0 || x + 2 * m >= width || y + 2 * m >= height)
          continue;
        if (!dark[(gsize) y * width + x])
          continue;
        /* Light ring at one module, dark ring at two, on the eight compass points. */
        for (int k = 0; k < 8 && ring_light && ring_dark; k++)
          {
            static const int dx[8] = { 1, 1, 0, -1, -1, -1, 0, 1 };
            static const int dy[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };

            ring_light = !dark[(gsize) (y + dy[k] * m) * width + x + dx[k] * m];
            ring_dark = dark[(gsize) (y + dy[k] * 2 * m) * width + x + dx[k] * 2 * m];
          }
        if (!ring_light || !ring_dark)
          continue;
        d = (x - ex) * (x - ex) + (y - ey) * (y - ey);
        if (d < best)
          {
            best = d;
            *ax = x;
            *ay = y;
            found = TRUE;
          }
      }

  return found;
}

static double
distance (const Finder *a,
          const Finder *b)
{
  return hypot (a->x - b->x, a->y - b->y);
}

/* How far each module's centre lies from where the homography puts it, in
 * modules: a mesh of nodes every @spacing modules, interpolated between
 * them. A code printed on cloth or crumpled paper is not one plane; the
 * mesh follows it where one homography cannot. */
typedef struct
{
  int     spacing;
  int     nodes;    /* a side */
  double *dx, *dy;
} Warp;

static void
warp_at (const Warp *warp,
         double      u,
         double      v,
         double     *dx,
         double     *dy)
{
  double gu = CLAMP (u / warp->spacing, 0, warp->nodes - 1.001);
  double gv = CLAMP (v / warp->spacing, 0, warp->nodes - 1.001);
  int a = (int) gu, b = (int) gv;
  double fu = gu - a, fv = gv - b;
  int k = b * warp->nodes + a;

  *dx = (warp->dx[k] * (1 - fu) + warp->dx[k + 1] * fu) * (1 - fv) +
        (warp->dx[k + warp->nodes] * (1 - fu) + warp->dx[k + warp->nodes + 1] * fu) * fv;
  *dy = (warp->dy[k] * (1 - fu) + warp->dy[k + 1] * fu) * (1 - fv) +
        (warp->dy[k + warp->nodes] * (1 - fu) + warp->dy[k + warp->nodes + 1] * fu) * fv;
}

/* The point of the picture where module coordinates @u, @v are. */
static void
project_warped (const double  h[9],
                const Warp   *warp,
                double        u,
                double        v,
                double       *x,
                double       *y)
{
  if (warp != NULL)
    {
      double dx, dy;

      warp_at (warp, u, v, &dx, &dy);
      u += dx;
      v += dy;
    }
  project (h, u, v, x, y);
}

/* Grey between pixels, bilinear; -1 outside the picture. */
static double
grey_at (const guint8 *grey,
         int           width,
         int           height,
         double        x,
         double        y)
{
  int x0 = (int) floor (x), y0 = (int) floor (y);
  double fx = x - x0, fy = y - y0;
  const guint8 *p;

  if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height)
    return -1;
  p = grey + (gsize) y0 * width + x0;
  return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) + (p[width] * (1 - fx) + p[width + 1] * fx) * fy;
}

/* Moves each node of @warp to where the modules around it look sharpest:
 * sampled at their centres, modules are as dark or as light as they get;
 * sampled across an edge, they are grey. No module's value need be known.
 * Offsets up to @reach modules are tried, @step apart, then the field is
 * smoothed so that a node over a plain area follows its neighbours. */
static void
warp_refine (Warp         *warp,
             const guint8 *grey,
             int           width,
             int           height,
             const double  h[9],
             int           dimension,
             double        reach,
             double        step)
{
  int n = warp->nodes, s = warp->spacing;
  int steps = (int) (reach / step + 0.5);
  g_autofree double *best_x = g_new0 (double, n * n);
  g_autofree double *best_y = g_new0 (double, n * n);
  g_autofree double *here_x = g_new (double, (gsize) 4 * s * s);
  g_autofree double *here_y = g_new (double, (gsize) 4 * s * s);

  for (int b = 0; b < n; b++)
    for (int a = 0; a < n; a++)
      {
        int i0 = MAX (0, a * s - s), i1 = MIN (dimension, a * s + s);
        int j0 = MAX (0, b * s - s), j1 = MIN (dimension, b * s + s);
        int count = 0, best_ox = 0, best_oy = 0;
        double mean = 0, best = -1;
        double cx, cy, jx[2], jy[2];

        /* The window's modules where the field puts them now, in the
         * picture; near the node, a move of the modules is a move in the
         * picture through the homography's derivative there. */
        project (h, a * s, b * s, &cx, &cy);
        project (h, a * s + 1, b * s, &jx[0], &jy[0]);
        project (h, a * s, b * s + 1, &jx[1], &jy[1]);
        jx[0] -= cx, jy[0] -= cy, jx[1] -= cx, jy[1] -= cy;
        for (int j = j0; j < j1; j++)
          for (int i = i0; i < i1; i++)
            {
              double dx, dy, x, y, g;

              warp_at (warp, i + 0.5, j + 0.5, &dx, &dy);
              project (h, i + 0.5 + dx, j + 0.5 + dy, &x, &y);
              here_x[count] = x;
              here_y[count] = y;
              g = grey_at (grey, width, height, x, y);
              mean += g < 0 ? 255 : g;
              count++;
            }
        if (count == 0)
          continue;
        mean /= count;

        /* Every other offset first, then the offsets around the best. */
        for (int pass = 0; pass < 2; pass++)
          {
            int stride = pass == 0 ? 2 : 1;
            int cx0 = pass == 0 ? -steps / 2 * 2 : best_ox - 1, cx1 = pass == 0 ? steps / 2 * 2 : best_ox + 1;
            int cy0 = pass == 0 ? -steps / 2 * 2 : best_oy - 1, cy1 = pass == 0 ? steps / 2 * 2 : best_oy + 1;

            for (int oy = cy0; oy <= cy1; oy += stride)
              for (int ox = cx0; ox <= cx1; ox += stride)
                {
                  double mx = (ox * jx[0] + oy * jx[1]) * step, my = (ox * jy[0] + oy * jy[1]) * step;
                  double score = 0;

                  if (pass == 1 && ((ox - best_ox) % 2 == 0 && (oy - best_oy) % 2 == 0))
                    continue;
                  if (abs (ox) > steps || abs (oy) > steps)
                    continue;
                  for (int k = 0; k < count; k++)
                    {
                      double g = grey_at (grey, width, height, here_x[k] + mx, here_y[k] + my);

                      score += g < 0 ? 0 : fabs (g - mean);
                    }
                  /* Equal scores: the smaller move. */
                  score -= (abs (ox) + abs (oy)) * 1e-6;
                  if (score > best)
                    {
                      best = score;
                      best_ox = ox;
                      best_oy = oy;
                    }
                }
          }
        best_x[b * n + a] = best_ox * step;
        best_y[b * n + a] = best_oy * step;
      }

  /* Each node moves by the mean of its own best offset (twice) and its
   * four neighbours'. */
  for (int b = 0; b < n; b++)
    for (int a = 0; a < n; a++)
      {
        double sx = 2 * best_x[b * n + a], sy = 2 * best_y[b * n + a], weight = 2;
        static const int da[4] = { 1, -1, 0, 0 }, db[4] = { 0, 0, 1, -1 };

        for (int k = 0; k < 4; k++)
          {
            int na = a + da[k], nb = b + db[k];

            if (na < 0 || nb < 0 || na >= n || nb >= n)
              continue;
            sx += best_x[nb * n + na];
            sy += best_y[nb * n + na];
            weight++;
          }
        warp->dx[b * n + a] += sx / weight;
        warp->dy[b * n + a] += sy / weight;
      }
}

/* Samples the grid through @h, moved by @warp if not NULL, and draws it
 * clean. */
static VtrQrGrid *
draw_grid (const guint8 *grey,
           const guint8 *dark,
           int           width,
           int           height,
           const double  h[9],
           const Warp   *warp,
           int           dimension)
{
  VtrQrGrid *grid = g_new0 (VtrQrGrid, 1);
  int module_pixels = MODULE_PIXELS;
  int size = (dimension + 2 * QUIET_MODULES) * module_pixels;
  static const double corners[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };

  grid->size = size;
  grid->dimension = dimension;
  grid->pixels = g_malloc (size * size);
  memset (grid->pixels, 255, (gsize) size * size);

  for (int j = 0; j < dimension; j++)
    for (int i = 0; i < dimension; i++)
      {
        double u, v;
        int x, y;

        int votes = 0;

        /* Five looks inside the module, the middle one counting twice:
         * blur and a slightly wrong grid stop deciding alone. */
        for (int k = 0; k < 5; k++)
          {
            static const double dx[5] = { 0.5, 0.3, 0.7, 0.5, 0.5 };
            static const double dy[5] = { 0.5, 0.5, 0.5, 0.3, 0.7 };

            project_warped (h, warp, i + dx[k], j + dy[k], &u, &v);
            x = (int) (u + 0.5);
            y = (int) (v + 0.5);
            if (x >= 0 && y >= 0 && x < width && y < height && dark[(gsize) y * width + x])
              votes += k == 0 ? 2 : 1;
          }
        if (votes < 4)
          continue;

        for (int py = 0; py < module_pixels; py++)
          memset (grid->pixels + (gsize) ((j + QUIET_MODULES) * module_pixels + py) * size +
                    (i + QUIET_MODULES) * module_pixels,
                  0, module_pixels);
      }

  for (int k = 0; k < 4; k++)
    project (h, corners[k][0] * dimension, corners[k][1] * dimension, &grid->corners[k].x,
             &grid->corners[k].y);
  (void) grey;
  return grid;
}

/* The grid through @h, and after it the same grid following the code's
 * warp. */
static void
add_grids (GPtrArray    *grids,
           guint         max_grids,
           const guint8 *grey,
           const guint8 *dark,
           int           width,
           int           height,
           const double  h[9],
           int           dimension)
{
  static const struct { int spacing; double reach, step; } levels[] = {
    { 6, 0.6, 0.15 }, { 3, 0.3, 0.1 },
  };
  Warp warp = { 0 };

  g_ptr_array_add (grids, draw_grid (grey, dark, width, height, h, NULL, dimension));
  if (grids->len >= max_grids)
    return;

  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      int spacing = levels[l].spacing;
      int nodes = (dimension + spacing - 1) / spacing + 1;
      double *dx = g_new0 (double, nodes * nodes), *dy = g_new0 (double, nodes * nodes);

      /* The finer mesh starts where the coarser one ended. */
      if (warp.dx != NULL)
        for (int b = 0; b < nodes; b++)
          for (int a = 0; a < nodes; a++)
            warp_at (&warp, a * spacing, b * spacing, &dx[b * nodes + a], &dy[b * nodes + a]);
      g_free (warp.dx);
      g_free (warp.dy);
      warp = (Warp) { spacing, nodes, dx, dy };
      warp_refine (&warp, grey, width, height, h, dimension, levels[l].reach, levels[l].step);
    }
  g_ptr_array_add (grids, draw_grid (grey, dark, width, height, h, &warp, dimension));
  g_free (warp.dx);
  g_free (warp.dy);
}

void
vtr_qr_grid_free (VtrQrGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->pixels);
  g_free (grid);
}

/* Turns three finders into grids: one per plausible dimension. */
/* Walks the timing pattern from one finder to the other: along the line
 * 6.5 modules into both (between the finder corners @a0–@a1 of the first
 * and @b0–@b1 of the second), counting dark runs. Between the finders'
 * separators the pattern alternates dark, light… dark over dim − 16
 * modules, so dim = 2 × runs + 15. Returns 0 if it does not read as one. */
static int
timing_dimension (const guint8 *dark,
                  int           width,
                  int           height,
                  const double  a0[2],
                  const double  a1[2],
                  const double  b0[2],
                  const double  b1[2])
{
  double from_x = a0[0] + (a1[0] - a0[0]) * 6.5 / 7, from_y = a0[1] + (a1[1] - a0[1]) * 6.5 / 7;
  double to_x = b0[0] + (b1[0] - b0[0]) * 6.5 / 7, to_y = b0[1] + (b1[1] - b0[1]) * 6.5 / 7;
  double length = hypot (to_x - from_x, to_y - from_y);
  int steps = (int) (length * 2);
  int runs = 0;
  gboolean was_dark = TRUE; /* the first finder's edge */
  gboolean left_first = FALSE;

  if (steps < 10)
    return 0;

  for (int i = 0; i <= steps; i++)
    {
      int x = (int) (from_x + (to_x - from_x) * i / steps + 0.5);
      int y = (int) (from_y + (to_y - from_y) * i / steps + 0.5);
      gboolean is_dark;

      if (x < 0 || y < 0 || x >= width || y >= height)
        return 0;
      is_dark = dark[(gsize) y * width + x];
      if (!left_first)
        {
          /* Leave the first finder's dark edge. */
          if (!is_dark)
            left_first = TRUE;
          was_dark = is_dark;
          continue;
        }
      if (is_dark && !was_dark)
        runs++;
      was_dark = is_dark;
    }

  /* The last dark run is the second finder's edge. */
  runs--;
  if (runs < 3 || runs > 81)
    return 0;
  return 2 * runs + 15;
}

static void
grids_from_finders (const guint8 *grey,
                    const guint8 *dark,
                    int           width,
                    int           height,
                    const Finder *tl,
                    const Finder *tr,
                    const Finder *bl,
                    GPtrArray    *grids,
                    guint         max_grids)
{
  /* Each side measured with the modules of its own two finders: under
   * perspective a near finder's modules are bigger than a far one's. */
  double estimate = (distance (tl, tr) / ((tl->module + tr->module) / 2) +
                     distance (tl, bl) / ((tl->module + bl->module) / 2)) / 2 + 7;
  int dimension = ((int) (estimate + 0.5) - 17 + 2) / 4 * 4 + 17;
  double module = (tl->module + tr->module + bl->module) / 3;
  int tries[4] = { 0, 4, -4, 0 };
  guint n_tries = 3;
  double lu = distance (tl, tr), lv = distance (tl, bl);
  double ux = (tr->x - tl->x) / lu, uy = (tr->y - tl->y) / lu;
  double vx = (bl->x - tl->x) / lv, vy = (bl->y - tl->y) / lv;
  double corners[3][4][2];
  const Finder *three[3] = { tl, tr, bl };
  gboolean have_corners = TRUE;
  static const double nudges[][2] = {
    { 0, 0 }, { 1, 1 }, { -1, -1 }, { 1, 0 }, { 0, 1 }, { -1, 0 }, { 0, -1 }, { 1, -1 }, { -1, 1 },
    { 2, 2 }, { -2, -2 }, { 2, 0 }, { 0, 2 }, { -2, 0 }, { 0, -2 }, { 2, 1 }, { 1, 2 },
    { -2, -1 }, { -1, -2 }, { 3, 3 }, { -3, -3 },
  };

  for (int f = 0; f < 3 && have_corners; f++)
    have_corners = finder_corners (dark, width, height, three[f], ux, uy, vx, vy, corners[f]);

  /* Better than any estimate: count the timing patterns, the dotted lines
   * that join the finders along row and column 6. */
  if (have_corners)
    {
      int by_row = timing_dimension (dark, width, height, corners[0][1], corners[0][2],
                                     corners[1][0], corners[1][3]);
      int by_column = timing_dimension (dark, width, height, corners[0][3], corners[0][2],
                                        corners[2][0], corners[2][1]);
      int counted = by_row == by_column || by_column == 0 ? by_row : by_row == 0 ? by_column : 0;

      if (counted >= 21 && counted != dimension)
        {
          /* Counted first, then the estimates. */
          tries[3] = tries[2], tries[2] = tries[1], tries[1] = tries[0];
          tries[0] = counted - dimension;
          n_tries = 4;
        }
    }

  for (guint t = 0; t < n_tries && grids->len < max_grids; t++)
    {
      int dim = dimension + tries[t];
      double src[4][2], dst[4][2], h[9];
      double ax = 0, ay = 0;

      if (dim < 21 || dim > 177)
        continue;

      /* Best: the twelve outer corners of the three finders, which carry
       * the perspective even where there is no alignment pattern. */
      if (have_corners)
        {
          double fit_src[12][2], fit_dst[12][2];
          const double origin[3][2] = { { 0, 0 }, { dim - 7, 0 }, { 0, dim - 7 } };
          static const double square[4][2] = { { 0, 0 }, { 7, 0 }, { 7, 7 }, { 0, 7 } };

          for (int f = 0; f < 3; f++)
            for (int c = 0; c < 4; c++)
              {
                fit_src[f * 4 + c][0] = origin[f][0] + square[c][0];
                fit_src[f * 4 + c][1] = origin[f][1] + square[c][1];
                fit_dst[f * 4 + c][0] = corners[f][c][0];
                fit_dst[f * 4 + c][1] = corners[f][c][1];
              }
          if (homography_fit (fit_src, fit_dst, 12, h))
            add_grids (grids, max_grids, grey, dark, width, height, h, dim);
        }

      src[0][0] = 3.5, src[0][1] = 3.5, dst[0][0] = tl->x, dst[0][1] = tl->y;
      src[1][0] = dim - 3.5, src[1][1] = 3.5, dst[1][0] = tr->x, dst[1][1] = tr->y;
      src[2][0] = 3.5, src[2][1] = dim - 3.5, dst[2][0] = bl->x, dst[2][1] = bl->y;

      /* The bottom-right corner: the alignment pattern if there is one.
       * Else the parallelogram's fourth point, which perspective moves:
       * try points around it, nearest first, and let ZBar's error
       * correction say which grid is right. */
      {
        double bx = tr->x + bl->x - tl->x, by = tr->y + bl->y - tl->y;
        double ex = tl->x + (bx - tl->x) * (dim - 6.5 - 3.5) / (dim - 7.0);
        double ey = tl->y + (by - tl->y) * (dim - 6.5 - 3.5) / (dim - 7.0);

        if (dim > 21 && find_alignment (dark, width, height, ex, ey, module, &ax, &ay))
          {
            src[3][0] = dim - 6.5, src[3][1] = dim - 6.5;
            dst[3][0] = ax, dst[3][1] = ay;
            if (homography (src, dst, h))
              add_grids (grids, max_grids, grey, dark, width, height, h, dim);
            continue;
          }

        src[3][0] = dim - 3.5, src[3][1] = dim - 3.5;
        for (guint k = 0; k < G_N_ELEMENTS (nudges) && grids->len < max_grids; k++)
          {
            /* Nudges along the code's own axes, in modules. */
            double mx = (tr->x - tl->x) / (dim - 7.0), my = (tr->y - tl->y) / (dim - 7.0);
            double nx = (bl->x - tl->x) / (dim - 7.0), ny = (bl->y - tl->y) / (dim - 7.0);

            dst[3][0] = bx + nudges[k][0] * mx + nudges[k][1] * nx;
            dst[3][1] = by + nudges[k][0] * my + nudges[k][1] * ny;
            if (homography (src, dst, h))
              g_ptr_array_add (grids, draw_grid (grey, dark, width, height, h, NULL, dim));
          }
        continue;
      }

    }
}

/* Whether three finders can be the corners of one code; if so, which is
 * which, clockwise as seen: top-left, top-right, bottom-left. */
static gboolean
order_triple (const Finder  *f0,
              const Finder  *f1,
              const Finder  *f2,
              const Finder **top_left,
              const Finder **top_right,
              const Finder **bottom_left)
{
  const Finder *f[3] = { f0, f1, f2 };
  double d01 = distance (f[0], f[1]), d02 = distance (f[0], f[2]), d12 = distance (f[1], f[2]);
  const Finder *tl, *p, *q;
  double side1, side2, diagonal, cross;
  double max_module = MAX (f[0]->module, MAX (f[1]->module, f[2]->module));
  double min_module = MIN (f[0]->module, MIN (f[1]->module, f[2]->module));

  /* Perspective makes a near finder look twice as big as a far one. */
  if (max_module > min_module * 2.6)
    return FALSE;

  /* The top-left finder is the one opposite the longest side. */
  if (d12 >= d01 && d12 >= d02)
    tl = f[0], p = f[1], q = f[2], diagonal = d12, side1 = d01, side2 = d02;
  else if (d02 >= d01 && d02 >= d12)
    tl = f[1], p = f[0], q = f[2], diagonal = d02, side1 = d01, side2 = d12;
  else
    tl = f[2], p = f[0], q = f[1], diagonal = d01, side1 = d02, side2 = d12;

  if (side1 < 8 * min_module || side2 < 8 * min_module ||
      MAX (side1, side2) > 2.5 * MIN (side1, side2) ||
      fabs (diagonal / hypot (side1, side2) - 1) > 0.35 ||
      /* Finders of one code are at most 170 modules apart. */
      MAX (side1, side2) > 175 * max_module)
    return FALSE;

  cross = (p->x - tl->x) * (q->y - tl->y) - (p->y - tl->y) * (q->x - tl->x);
  if (cross < 0)
    {
      const Finder *t = p;
      p = q;
      q = t;
    }
  *top_left = tl;
  *top_right = p;
  *bottom_left = q;
  return TRUE;
}

/**
 * vtr_qr_grid_regions:
 *
 * Where QR codes may be, from their finder patterns: cheap enough for every
 * camera frame, so the expensive reading can look there only.
 *
 * Returns: (transfer full) (element-type VtrRect): boxes around each
 * plausible code, at most @max_regions.
 */
GArray *
vtr_qr_grid_regions (const guint8 *grey,
                     int           width,
                     int           height,
                     guint         max_regions)
{
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (VtrRect));
  g_autofree guint8 *dark = binarize (grey, width, height);
  g_autoptr(GArray) finders = find_finders (dark, width, height, FALSE);
  guint n;

  g_array_sort (finders, compare_finders);
  n = MIN (finders->len, MAX_CANDIDATES);

  for (guint a = 0; a < n && regions->len < max_regions; a++)
    for (guint b = a + 1; b < n && regions->len < max_regions; b++)
      for (guint c = b + 1; c < n && regions->len < max_regions; c++)
        {
          const Finder *tl, *tr, *bl;
          double bx, by, margin, x0, y0, x1, y1;
          gboolean inside = FALSE;
          VtrRect rect;

          if (!order_triple (&g_array_index (finders, Finder, a), &g_array_index (finders, Finder, b),
                             &g_array_index (finders, Finder, c), &tl, &tr, &bl))
            continue;
          bx = tr->x + bl->x - tl->x;
          by = tr->y + bl->y - tl->y;
          margin = tl->module * 8;
          x0 = MAX (0, MIN (MIN (tl->x, tr->x), MIN (bl->x, bx)) - margin);
          y0 = MAX (0, MIN (MIN (tl->y, tr->y), MIN (bl->y, by)) - margin);
          x1 = MIN (width, MAX (MAX (tl->x, tr->x), MAX (bl->x, bx)) + margin);
          y1 = MIN (height, MAX (MAX (tl->y, tr->y), MAX (bl->y, by)) + margin);
          rect = (VtrRect) { (int) x0, (int) y0, (int) (x1 - x0), (int) (y1 - y0) };

          /* One box per code, not one per triple of its finders. */
          for (guint r = 0; r < regions->len && !inside; r++)
            {
              const VtrRect *o = &g_array_index (regions, VtrRect, r);
              inside = rect.x >= o->x && rect.y >= o->y && rect.x + rect.width <= o->x + o->width &&
                       rect.y + rect.height <= o->y + o->height;
            }
          if (!inside)
            g_array_append_val (regions, rect);
        }

  return regions;
}

/**
 * vtr_qr_grid_find:
 *
 * Returns: (transfer full) (element-type VtrQrGrid): clean redrawings of the
 * QR codes whose finder patterns are in @grey, at most @max_grids.
 */
GPtrArray *
vtr_qr_grid_find (const guint8 *grey,
                  int           width,
                  int           height,
                  guint         max_grids)
{
  GPtrArray *grids = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_qr_grid_free);
  g_autofree guint8 *dark = binarize (grey, width, height);
  g_autoptr(GArray) finders = find_finders (dark, width, height, FALSE);
  guint n;

  g_array_sort (finders, compare_finders);
  n = MIN (finders->len, MAX_CANDIDATES);
  /* Every triple that could be the three corners of one code. */
  for (guint a = 0; a < n && grids->len < max_grids; a++)
    for (guint b = a + 1; b < n && grids->len < max_grids; b++)
      for (guint c = b + 1; c < n && grids->len < max_grids; c++)
        {
          const Finder *tl, *p, *q;

          if (!order_triple (&g_array_index (finders, Finder, a), &g_array_index (finders, Finder, b),
                             &g_array_index (finders, Finder, c), &tl, &p, &q))
            continue;
          grids_from_finders (grey, dark, width, height, tl, p, q, grids, max_grids);
        }

  return grids;
}

/**
 * vtr_qr_grid_finders:
 *
 * Returns: (transfer full) (element-type VtrQrFinder): the finder patterns
 * in @grey, the most often seen first, at most @max_finders.
 */
GArray *
vtr_qr_grid_finders (const guint8 *grey,
                     int           width,
                     int           height,
                     guint         max_finders)
{
  g_autofree guint8 *dark = binarize (grey, width, height);
  g_autoptr(GArray) finders = find_finders (dark, width, height, FALSE);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (VtrQrFinder));

  g_array_sort (finders, compare_finders);
  for (guint i = 0; i < MIN (finders->len, max_finders); i++)
    {
      const Finder *f = &g_array_index (finders, Finder, i);
      VtrQrFinder finder = { f->x, f->y, f->module_x, f->module_y, f->count };

      g_array_append_val (out, finder);
    }
  return out;
}

/**
 * vtr_qr_grid_has_finder:
 *
 * Whether @grey shows a finder pattern at all: as vtr_qr_grid_finders()
 * finding one, but it stops at the first, so a picture full of them (a
 * screen's moiré) costs no more than one without.
 */
gboolean
vtr_qr_grid_has_finder (const guint8 *grey,
                        int           width,
                        int           height)
{
  g_autofree guint8 *dark = binarize (grey, width, height);
  g_autoptr(GArray) finders = find_finders (dark, width, height, TRUE);

  return finders->len > 0;
}

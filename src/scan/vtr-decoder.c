#include "config.h"

#include "vtr-decoder.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "vtr-charset.h"
#include "vtr-cylinder.h"
#include "vtr-qr-grid.h"
#include "vtr-zxing.h"

/*
 * Decoding with ZBar, plus what ZBar alone misses. ZBar finds QR codes on
 * scan lines of a grey image; it gives up on codes that are light on dark,
 * mirrored, too small for its scan lines, blurred into grey, or lit
 * unevenly. Each of those has a cheap fix applied to the image before ZBar
 * sees it again. A still image gets the fixes that can help what it shows
 * (finder patterns or not) until one finds a code; a live frame gets one,
 * and the next frame the next one, so each frame stays within its time
 * budget while the camera keeps trying.
 *
 * zxing-cpp (vtr-zxing.cpp) reads first: it is the fastest on clean
 * frames and reads most of what ZBar reads. The fixes above are for what
 * both miss, in the order they were measured to succeed, within a time
 * budget: a live frame stops at LIVE_BUDGET_US and the next frame goes on
 * with the fixes this one did not reach.
 *
 * QR codes are read in ZBar's binary mode and their bytes decoded here
 * (vtr-charset.c): ZBar's own guess turns Shift_JIS into mojibake.
 *
 * A live barcode (EAN, UPC) is only given once two frames read the same
 * number, or two readers the same number in one frame: a barcode misread
 * on one frame can carry a valid check digit, and a wrong product on
 * screen is worse than a frame's delay. zxing-cpp and ZBar find bars and
 * spaces their own ways, so they do not misread a label alike.
 */

/* The budgets below are measured on the optimized build. Code built with
 * AddressSanitizer runs three to four times slower, and the same picture
 * must read the same codes in it, only later. */
#if defined(__SANITIZE_ADDRESS__)
#define BUDGET_SCALE 4
#else
#define BUDGET_SCALE 1
#endif

/* A live frame's work stops after this, and goes on with the next frame. */
#define LIVE_BUDGET_US (15 * 1000 * BUDGET_SCALE)
/* A still image's steps stop after this (a very large picture). Most
 * pictures nobody reads end sooner, when their list of steps does. */
#define THOROUGH_BUDGET_US (120 * 1000 * BUDGET_SCALE)
/* Redrawings of a still image's finder triples to try. */
#define THOROUGH_GRIDS 4
/* Cylinders to unroll, at most, for a picture. */
#define MAX_CYLINDERS 3
/* Live frames within which a barcode must be read twice. */
#define CONFIRM_FRAMES 4

typedef enum
{
  PASS_PLAIN,
  PASS_INVERTED,
  PASS_MIRRORED,
  PASS_PADDED,
  PASS_BINARIZED,
  PASS_HALF,
  PASS_DOUBLE,
  PASS_NORMALIZED,
  PASS_SMOOTHED,
  PASS_GRID,
  PASS_CYLINDER,
  N_PASSES
} Pass;

struct _VtrDecoder
{
  GObject               parent_instance;

  zbar_image_scanner_t *scanner;
  zbar_image_scanner_t *qr_scanner; /* for redrawn QR codes: nothing else to find */
  guint                 next_live_pass;
  GByteArray           *packed;  /* the frame without row padding */
  GByteArray           *work;    /* the image a pass made */
  GByteArray           *scratch; /* what a pass needs on the way */
  GByteArray           *half;    /* a live frame at half size */
  GByteArray           *crop;    /* where a code may be, at full size */
  gint64                budget_end;   /* thread time at which the frame's work stops, or 0 */
  guint                 live_frames;  /* live frames decoded */
  GHashTable           *unconfirmed;  /* barcode key → live frame it was read in */
  GHashTable           *agreed;       /* barcode keys both readers read in this live frame */
  gint64                live_cost[8]; /* what each live step last cost, µs */
};

G_DEFINE_FINAL_TYPE (VtrDecoder, vtr_decoder, G_TYPE_OBJECT)

static void
vtr_decoder_finalize (GObject *object)
{
  VtrDecoder *self = (VtrDecoder *) object;

  g_clear_pointer (&self->scanner, zbar_image_scanner_destroy);
  g_clear_pointer (&self->qr_scanner, zbar_image_scanner_destroy);
  g_clear_pointer (&self->work, g_byte_array_unref);
  g_clear_pointer (&self->packed, g_byte_array_unref);
  g_clear_pointer (&self->scratch, g_byte_array_unref);
  g_clear_pointer (&self->half, g_byte_array_unref);
  g_clear_pointer (&self->crop, g_byte_array_unref);
  g_clear_pointer (&self->unconfirmed, g_hash_table_unref);
  g_clear_pointer (&self->agreed, g_hash_table_unref);

  G_OBJECT_CLASS (vtr_decoder_parent_class)->finalize (object);
}

static void
vtr_decoder_class_init (VtrDecoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_decoder_finalize;
}

static zbar_image_scanner_t *
create_scanner (gboolean qr_only)
{
  static const zbar_symbol_type_t enabled[] = {
    ZBAR_QRCODE, ZBAR_EAN13, ZBAR_EAN8, ZBAR_UPCA, ZBAR_UPCE, ZBAR_CODE128,
  };
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();

  /* Only what the kiosk reads: less to go wrong, less to attack. */
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  for (guint i = 0; i < (qr_only ? 1 : G_N_ELEMENTS (enabled)); i++)
    zbar_image_scanner_set_config (scanner, enabled[i], ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_POSITION, 1);
  return scanner;
}

/* ZBar's linear decoders keep state from one image to the next, so a code
 * read or not could depend on the frame before. Each frame starts afresh. */
static void
reset_scanners (VtrDecoder *self)
{
  g_clear_pointer (&self->scanner, zbar_image_scanner_destroy);
  g_clear_pointer (&self->qr_scanner, zbar_image_scanner_destroy);
  self->scanner = create_scanner (FALSE);
  self->qr_scanner = create_scanner (TRUE);
}

static void
vtr_decoder_init (VtrDecoder *self)
{
  self->work = g_byte_array_new ();
  self->packed = g_byte_array_new ();
  self->scratch = g_byte_array_new ();
  self->half = g_byte_array_new ();
  self->crop = g_byte_array_new ();
  self->unconfirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->agreed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reset_scanners (self);
}

VtrDecoder *
vtr_decoder_new (void)
{
  return g_object_new (VTR_TYPE_DECODER, NULL);
}

static gboolean
map_symbology (zbar_symbol_type_t type,
               VtrSymbology      *symbology)
{
  switch (type)
    {
    case ZBAR_QRCODE:
      *symbology = VTR_SYMBOLOGY_QR;
      return TRUE;
    case ZBAR_EAN13:
      *symbology = VTR_SYMBOLOGY_EAN13;
      return TRUE;
    case ZBAR_EAN8:
      *symbology = VTR_SYMBOLOGY_EAN8;
      return TRUE;
    case ZBAR_UPCA:
      *symbology = VTR_SYMBOLOGY_UPCA;
      return TRUE;
    case ZBAR_UPCE:
      *symbology = VTR_SYMBOLOGY_UPCE;
      return TRUE;
    case ZBAR_CODE128:
      *symbology = VTR_SYMBOLOGY_CODE128;
      return TRUE;
    default:
      return FALSE;
    }
}

/* How a pass's image maps back to the frame. */
typedef struct
{
  double   scale;    /* pass pixels per frame pixel */
  double   offset_x; /* where the frame's origin is in the pass image */
  double   offset_y;
  double   origin_x; /* where the pass image's source starts in the frame */
  double   origin_y;
  gboolean mirror;
  int      width;    /* of the pass image */
} Geometry;

static VtrPoint
to_frame (const Geometry *g,
          double          x,
          double          y)
{
  if (g->mirror)
    x = g->width - 1 - x;
  return (VtrPoint) { (x - g->offset_x) / g->scale + g->origin_x,
                      (y - g->offset_y) / g->scale + g->origin_y };
}

static gboolean
same_code (const VtrSymbol *a,
           const VtrSymbol *b)
{
  return a->symbology == b->symbology && g_bytes_equal (a->raw, b->raw);
}

/* Runs ZBar on a tightly packed grey image and adds what it finds. */
static guint
scan (VtrDecoder     *self,
      zbar_image_scanner_t *scanner,
      const guint8   *pixels,
      int             width,
      int             height,
      const Geometry *geometry,
      guint           frame_index,
      GPtrArray      *codes)
{
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol;
  guint found = 0;

  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);

  if (zbar_scan_image (scanner, image) > 0)
    for (symbol = zbar_image_first_symbol (image); symbol; symbol = zbar_symbol_next (symbol))
      {
        g_autoptr(VtrSymbol) code = g_new0 (VtrSymbol, 1);
        const char *data = zbar_symbol_get_data (symbol);
        unsigned int len = zbar_symbol_get_data_length (symbol);
        unsigned int n = zbar_symbol_get_loc_size (symbol);
        gboolean duplicate = FALSE;

        if (!map_symbology (zbar_symbol_get_type (symbol), &code->symbology))
          continue;
        /* A barcode read on a single scan line may be misread (its check
         * digit catches only some errors); ZBar counts the lines that agree. */
        if (code->symbology != VTR_SYMBOLOGY_QR && zbar_symbol_get_quality (symbol) < 2)
          continue;

        code->raw = g_bytes_new (data, len);
        code->text = code->symbology == VTR_SYMBOLOGY_QR
                       ? vtr_charset_decode ((const guint8 *) data, len)
                       : g_strndup (data, len);
        code->frame_index = frame_index;

        /* ZBar gives a QR code's four corners; a barcode's scan points are
         * reduced to their bounding box. */
        if (n == 4 && code->symbology == VTR_SYMBOLOGY_QR)
          {
            /* ZBar goes top-left, bottom-left, bottom-right, top-right;
             * corners go clockwise from the code's top-left. */
            static const unsigned from_zbar[4] = { 0, 3, 2, 1 };

            for (unsigned i = 0; i < 4; i++)
              code->corners[i] = to_frame (geometry, zbar_symbol_get_loc_x (symbol, from_zbar[i]),
                                           zbar_symbol_get_loc_y (symbol, from_zbar[i]));
            code->n_corners = 4;
          }
        else if (n > 0)
          {
            double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -1, y1 = -1;

            for (unsigned i = 0; i < n; i++)
              {
                VtrPoint p = to_frame (geometry, zbar_symbol_get_loc_x (symbol, i),
                                       zbar_symbol_get_loc_y (symbol, i));

                x0 = MIN (x0, p.x), y0 = MIN (y0, p.y), x1 = MAX (x1, p.x), y1 = MAX (y1, p.y);
              }
            code->corners[0] = (VtrPoint) { x0, y0 };
            code->corners[1] = (VtrPoint) { x1, y0 };
            code->corners[2] = (VtrPoint) { x1, y1 };
            code->corners[3] = (VtrPoint) { x0, y1 };
            code->n_corners = 4;
          }

        for (guint i = 0; i < codes->len && !duplicate; i++)
          duplicate = same_code (g_ptr_array_index (codes, i), code);
        if (!duplicate)
          {
            g_ptr_array_add (codes, g_steal_pointer (&code));
            found++;
          }
      }

  zbar_image_destroy (image);
  return found;
}

static guint8 *
work_buffer (GByteArray *array,
             gsize       size)
{
  g_byte_array_set_size (array, size);
  return array->data;
}

/* A tightly packed copy, as ZBar wants it. */
static const guint8 *
packed (VtrDecoder     *self,
        const VtrFrame *frame)
{
  guint8 *out;

  if (frame->stride == frame->width)
    return frame->data;

  out = work_buffer (self->packed, (gsize) frame->width * frame->height);
  for (int y = 0; y < frame->height; y++)
    memcpy (out + (gsize) y * frame->width, frame->data + (gsize) y * frame->stride, frame->width);
  return out;
}

static void
make_inverted (const guint8 *in,
               guint8       *out,
               gsize         n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = 255 - in[i];
}

static void
make_mirrored (const guint8 *in,
               guint8       *out,
               int           width,
               int           height)
{
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = in + (gsize) y * width;
      guint8 *dst = out + (gsize) y * width;

      for (int x = 0; x < width; x++)
        dst[x] = row[width - 1 - x];
    }
}

/* Box-filtered half size: merges the noise of large, close codes. */
static void
make_half (const guint8 *in,
           guint8       *out,
           int           width,
           int           height)
{
  int w = width / 2, h = height / 2;

  for (int y = 0; y < h; y++)
    {
      const guint8 *r0 = in + (gsize) (2 * y) * width;
      const guint8 *r1 = r0 + width;

      for (int x = 0; x < w; x++)
        out[(gsize) y * w + x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) / 4;
    }
}

/* Bilinear double size: gives ZBar's scan lines more to hold on to in a
 * small, far code. */
static void
make_double (const guint8 *in,
             guint8       *out,
             int           width,
             int           height)
{
  int w = width * 2, h = height * 2;

  for (int y = 0; y < h; y++)
    {
      int sy = MIN (y / 2, height - 1), sy1 = MIN (sy + (y & 1), height - 1);
      const guint8 *r0 = in + (gsize) sy * width;
      const guint8 *r1 = in + (gsize) sy1 * width;

      for (int x = 0; x < w; x++)
        {
          int sx = MIN (x / 2, width - 1), sx1 = MIN (sx + (x & 1), width - 1);

          out[(gsize) y * w + x] = (r0[sx] + r0[sx1] + r1[sx] + r1[sx1] + 2) / 4;
        }
    }
}

/* Local contrast: each pixel against the mean of its neighbourhood (an
 * integral image makes the mean cheap), so glare and shadow across a code
 * no longer hide half of it. */
static void
make_normalized (const guint8 *in,
                 guint8       *out,
                 int           width,
                 int           height,
                 GByteArray   *scratch)
{
  int radius = MAX (8, MIN (width, height) / 16);
  gsize stride = width + 1;
  guint32 *sum = (guint32 *) work_buffer (scratch, stride * (height + 1) * sizeof (guint32));

  memset (sum, 0, stride * sizeof (guint32));
  for (int y = 0; y < height; y++)
    {
      guint32 row = 0;

      sum[(gsize) (y + 1) * stride] = 0;
      for (int x = 0; x < width; x++)
        {
          row += in[(gsize) y * width + x];
          sum[(gsize) (y + 1) * stride + x + 1] = sum[(gsize) y * stride + x + 1] + row;
        }
    }

  for (int y = 0; y < height; y++)
    {
      int y0 = MAX (0, y - radius), y1 = MIN (height, y + radius + 1);

      for (int x = 0; x < width; x++)
        {
          int x0 = MAX (0, x - radius), x1 = MIN (width, x + radius + 1);
          guint32 total = sum[(gsize) y1 * stride + x1] - sum[(gsize) y0 * stride + x1] -
                          sum[(gsize) y1 * stride + x0] + sum[(gsize) y0 * stride + x0];
          int mean = total / ((x1 - x0) * (y1 - y0));
          int v = 128 + (in[(gsize) y * width + x] - mean) * 3;

          out[(gsize) y * width + x] = CLAMP (v, 0, 255);
        }
    }
}

/* A 3×3 blur: halftone dots and sensor noise stop breaking modules. */
static void
make_smoothed (const guint8 *in,
               guint8       *out,
               int           width,
               int           height)
{
  for (int y = 0; y < height; y++)
    {
      int ym = MAX (0, y - 1), yp = MIN (height - 1, y + 1);

      for (int x = 0; x < width; x++)
        {
          int xm = MAX (0, x - 1), xp = MIN (width - 1, x + 1);
          int s = in[ym * width + xm] + 2 * in[ym * width + x] + in[ym * width + xp] +
                  2 * in[y * width + xm] + 4 * in[y * width + x] + 2 * in[y * width + xp] +
                  in[yp * width + xm] + 2 * in[yp * width + x] + in[yp * width + xp];

          out[(gsize) y * width + x] = (s + 8) / 16;
        }
    }
}

/* A white margin, and pixels made bigger for a small picture: screenshots
 * and crops often have no quiet zone, and ZBar needs a few pixels a module.
 * @scale is a whole number, so modules stay sharp. */
static void
make_padded (const guint8 *in,
             guint8       *out,
             int           width,
             int           height,
             int           scale,
             int           margin)
{
  int w = width * scale + 2 * margin;
  int h = height * scale + 2 * margin;

  memset (out, 255, (gsize) w * h);
  for (int y = 0; y < height * scale; y++)
    {
      const guint8 *row = in + (gsize) (y / scale) * width;
      guint8 *dst = out + (gsize) (y + margin) * w + margin;

      for (int x = 0; x < width * scale; x++)
        dst[x] = row[x / scale];
    }
}

/* Otsu's threshold: the grey level that best splits the picture in two. */
static int
otsu_threshold (const guint8 *in,
                gsize         n)
{
  guint64 histogram[256] = { 0 };
  double sum = 0, sum_below = 0, best = -1;
  guint64 below = 0;
  int threshold = 128;

  for (gsize i = 0; i < n; i++)
    histogram[in[i]]++;
  for (int i = 0; i < 256; i++)
    sum += (double) i * histogram[i];

  for (int t = 0; t < 256; t++)
    {
      double mean_below, mean_above, between;

      below += histogram[t];
      if (below == 0)
        continue;
      if (below == n)
        break;
      sum_below += (double) t * histogram[t];
      mean_below = sum_below / below;
      mean_above = (sum - sum_below) / (n - below);
      between = (double) below * (n - below) * (mean_below - mean_above) * (mean_below - mean_above);
      if (between > best)
        {
          best = between;
          threshold = t;
        }
    }
  return threshold;
}

static void
make_binarized (const guint8 *in,
                guint8       *out,
                gsize         n)
{
  int threshold = otsu_threshold (in, n);

  for (gsize i = 0; i < n; i++)
    out[i] = in[i] > threshold ? 255 : 0;
}

static void
transpose (guint8 *pixels,
           int     size)
{
  for (int y = 0; y < size; y++)
    for (int x = y + 1; x < size; x++)
      {
        guint8 t = pixels[(gsize) y * size + x];

        pixels[(gsize) y * size + x] = pixels[(gsize) x * size + y];
        pixels[(gsize) x * size + y] = t;
      }
}

/* The picture a pass starts from: the frame, or the frame at half size
 * for a live pass. */
typedef struct
{
  const guint8 *pixels;
  int           width;
  int           height;
  double        scale;   /* source pixels per frame pixel */
  guint         index;
  int           density; /* ZBar scans every density-th line; 0 means 1 */
  int           origin_x; /* where it starts in the frame, for a crop */
  int           origin_y;
  guint         max_grids; /* redrawings to try; 0 means many */
} Source;

/* The budget counts the decoding thread's own time, so a machine busy
 * with other work reads the same codes, only later. */
static gint64
thread_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static gboolean
over_budget (gint64 start,
             gint64 budget)
{
  return thread_time () - start > budget;
}

static gboolean
budget_spent (VtrDecoder *self)
{
  return self->budget_end != 0 && thread_time () > self->budget_end;
}

static guint read_zxing (const guint8  *pixels,
                         int            width,
                         int            height,
                         guint          index,
                         VtrZxingFlags  flags,
                         GPtrArray     *codes);

static guint
run_pass (VtrDecoder   *self,
          Pass          pass,
          const Source *source,
          GPtrArray    *codes)
{
  const guint8 *pixels = source->pixels;
  int w = source->width, h = source->height;
  gsize n = (gsize) w * h;
  Geometry geometry = { .scale = source->scale, .width = w,
                        .origin_x = source->origin_x, .origin_y = source->origin_y };
  int density = MAX (1, source->density);
  guint8 *out;

  zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_X_DENSITY, density);
  zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_Y_DENSITY, density);

  switch (pass)
    {
    case PASS_PLAIN:
      return scan (self, self->scanner, pixels, w, h, &geometry, source->index, codes);

    case PASS_INVERTED:
      out = work_buffer (self->work, n);
      make_inverted (pixels, out, n);
      return scan (self, self->scanner, out, w, h, &geometry, source->index, codes);

    case PASS_MIRRORED:
      out = work_buffer (self->work, n);
      make_mirrored (pixels, out, w, h);
      geometry.mirror = TRUE;
      return scan (self, self->scanner, out, w, h, &geometry, source->index, codes);

    case PASS_PADDED:
    case PASS_BINARIZED:
      {
        /* Small pictures grow to about 600 pixels. */
        int scale = CLAMP (600 / MAX (w, h), 1, 8);
        int margin = MAX (w, h) * scale / 8 + 8;
        int pw = w * scale + 2 * margin, ph = h * scale + 2 * margin;
        const guint8 *from = pixels;

        if (pass == PASS_BINARIZED)
          {
            guint8 *binary = work_buffer (self->scratch, n);

            make_binarized (pixels, binary, n);
            from = binary;
          }
        out = work_buffer (self->work, (gsize) pw * ph);
        make_padded (from, out, w, h, scale, margin);
        /* Each line of the picture once: grown by a whole number, its
         * lines repeat, and ZBar reading a line again learns nothing. */
        zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_X_DENSITY, scale * density);
        zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_Y_DENSITY, scale * density);
        geometry.scale = scale * source->scale;
        geometry.offset_x = geometry.offset_y = margin;
        geometry.width = pw;
        return scan (self, self->scanner, out, pw, ph, &geometry, source->index, codes);
      }

    case PASS_HALF:
      if (w < 200 || h < 200)
        return 0;
      out = work_buffer (self->work, (gsize) (w / 2) * (h / 2));
      make_half (pixels, out, w, h);
      geometry.scale = 0.5 * source->scale;
      geometry.width = w / 2;
      return scan (self, self->scanner, out, w / 2, h / 2, &geometry, source->index, codes);

    case PASS_DOUBLE:
      /* Doubling a large frame costs more than it finds. */
      if (n > 1400 * 1400)
        return 0;
      /* Every other line of the doubled picture: each line of the
       * picture once, with twice the pixels along it; a quarter of the
       * cost of every line, and the same codes read on the corpus. */
      zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_X_DENSITY, 2 * density);
      zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_Y_DENSITY, 2 * density);
      out = work_buffer (self->work, n * 4);
      make_double (pixels, out, w, h);
      geometry.scale = 2.0 * source->scale;
      geometry.width = w * 2;
      return scan (self, self->scanner, out, w * 2, h * 2, &geometry, source->index, codes);

    case PASS_NORMALIZED:
      out = work_buffer (self->work, n);
      make_normalized (pixels, out, w, h, self->scratch);
      return scan (self, self->scanner, out, w, h, &geometry, source->index, codes);

    case PASS_SMOOTHED:
      out = work_buffer (self->work, n);
      make_smoothed (pixels, out, w, h);
      return scan (self, self->scanner, out, w, h, &geometry, source->index, codes);

    case PASS_GRID:
      {
        g_autoptr(GPtrArray) grids = vtr_qr_grid_find (pixels, w, h,
                                                      source->max_grids ? source->max_grids : 32);
        guint found = 0;

        for (guint i = 0; i < grids->len && found == 0 && !budget_spent (self); i++)
          {
            VtrQrGrid *grid = g_ptr_array_index (grids, i);
            Geometry clean = { .scale = 1.0, .width = grid->size };

            found = scan (self, self->qr_scanner, grid->pixels, grid->size, grid->size, &clean, source->index, codes);
            if (found == 0)
              {
                /* Three finders read the same on a mirrored code: try it
                 * the other way round. */
                transpose (grid->pixels, grid->size);
                found = scan (self, self->qr_scanner, grid->pixels, grid->size, grid->size, &clean, source->index,
                              codes);
              }
            if (found > 0)
              g_debug ("read by redrawing %u of %u", i, grids->len);
            /* Where the code is in the frame, not in the redrawing. */
            for (guint c = codes->len - found; c < codes->len; c++)
              {
                VtrSymbol *code = g_ptr_array_index (codes, c);

                for (int k = 0; k < 4; k++)
                  code->corners[k] = (VtrPoint) { grid->corners[k].x / source->scale + source->origin_x,
                                                  grid->corners[k].y / source->scale + source->origin_y };
                code->n_corners = 4;
              }
          }
        return found;
      }

    case PASS_CYLINDER:
      {
        /* A code on a can or a bottle: unrolled, then read flat. */
        g_autoptr(GArray) cylinders = vtr_cylinder_guess (pixels, w, h, MAX_CYLINDERS);
        guint found = 0;

        for (guint i = 0; i < cylinders->len && found == 0 && !budget_spent (self); i++)
          {
            const VtrCylinder *cylinder = &g_array_index (cylinders, VtrCylinder, i);
            int fw, fh;
            g_autofree guint8 *flat = vtr_cylinder_unroll (pixels, w, h, cylinder, &fw, &fh);
            Geometry clean = { .scale = 1.0, .width = fw };

            found = read_zxing (flat, fw, fh, source->index, VTR_ZXING_QR, codes);
            if (found == 0)
              found = scan (self, self->qr_scanner, flat, fw, fh, &clean, source->index, codes);
            if (found > 0)
              g_debug ("read on a cylinder: radius %.0f px, %.0f° unrolled", cylinder->radius,
                       (cylinder->theta1 - cylinder->theta0) * 180 / G_PI);
            /* Where the code is in the frame, not on the unrolled surface. */
            for (guint c = codes->len - found; c < codes->len; c++)
              {
                VtrSymbol *code = g_ptr_array_index (codes, c);

                for (int k = 0; k < code->n_corners; k++)
                  {
                    VtrPoint p = vtr_cylinder_to_frame (cylinder, code->corners[k].x, code->corners[k].y);

                    code->corners[k] = (VtrPoint) { p.x / source->scale + source->origin_x,
                                                    p.y / source->scale + source->origin_y };
                  }
              }
          }
        return found;
      }

    case N_PASSES:
    default:
      g_assert_not_reached ();
    }
}

/* Adds zxing-cpp's codes to @codes, each once. */
static guint
read_zxing (const guint8  *pixels,
            int            width,
            int            height,
            guint          index,
            VtrZxingFlags  flags,
            GPtrArray     *codes)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
  VtrFrame frame = { pixels, width, height, width, index, 0 };
  guint added = 0;

  vtr_zxing_read (&frame, flags, found);
  for (guint i = 0; i < found->len; i++)
    {
      VtrSymbol *code = g_ptr_array_index (found, i);
      gboolean duplicate = FALSE;

      for (guint j = 0; j < codes->len && !duplicate; j++)
        duplicate = same_code (g_ptr_array_index (codes, j), code);
      if (!duplicate)
        {
          g_ptr_array_add (codes, g_ptr_array_steal_index (found, i--));
          added++;
        }
    }
  return added;
}

static gboolean
is_barcode (const VtrSymbol *code)
{
  return code->symbology != VTR_SYMBOLOGY_QR;
}

static char *
barcode_key (const VtrSymbol *code)
{
  return g_strdup_printf ("%d:%s", code->symbology, code->text);
}

/* ZBar's reading of the place where zxing-cpp read each barcode of
 * @codes, at full size: where ZBar reads the same number there and no
 * other, the two readers agree (self->agreed). A place where ZBar reads
 * another number, or nothing, agrees on nothing. */
static void
second_reader (VtrDecoder     *self,
               const VtrFrame *frame,
               const guint8   *pixels,
               GPtrArray      *codes)
{
  for (guint i = 0; i < codes->len; i++)
    {
      const VtrSymbol *code = g_ptr_array_index (codes, i);
      g_autoptr(GPtrArray) zbar = NULL;
      double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
      double margin_x, margin_y;
      int cx0, cy0, cx1, cy1;
      gboolean same = FALSE, other = FALSE;
      guint8 *crop;

      if (!is_barcode (code) || code->n_corners == 0)
        continue;
      for (int k = 0; k < code->n_corners; k++)
        {
          x0 = MIN (x0, code->corners[k].x), x1 = MAX (x1, code->corners[k].x);
          y0 = MIN (y0, code->corners[k].y), y1 = MAX (y1, code->corners[k].y);
        }
      /* The bars zxing-cpp read, their quiet zones (ten modules a side,
       * a tenth of the symbol's width) and some height: ZBar reads every
       * line across them. */
      margin_x = (x1 - x0) * 0.15 + 8;
      margin_y = MAX ((x1 - x0) * 0.15, 12);
      cx0 = CLAMP ((int) (x0 - margin_x), 0, frame->width);
      cx1 = CLAMP ((int) (x1 + margin_x) + 1, 0, frame->width);
      cy0 = CLAMP ((int) (y0 - margin_y), 0, frame->height);
      cy1 = CLAMP ((int) (y1 + margin_y) + 1, 0, frame->height);
      if (cx1 - cx0 < 8 || cy1 - cy0 < 8)
        continue;

      crop = work_buffer (self->crop, (gsize) (cx1 - cx0) * (cy1 - cy0));
      for (int y = cy0; y < cy1; y++)
        memcpy (crop + (gsize) (y - cy0) * (cx1 - cx0), pixels + (gsize) y * frame->width + cx0, cx1 - cx0);
      zbar = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
      zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_X_DENSITY, 1);
      zbar_image_scanner_set_config (self->scanner, 0, ZBAR_CFG_Y_DENSITY, 1);
      scan (self, self->scanner, crop, cx1 - cx0, cy1 - cy0,
            &(Geometry) { .scale = 1.0, .width = cx1 - cx0, .origin_x = cx0, .origin_y = cy0 },
            frame->index, zbar);

      for (guint j = 0; j < zbar->len; j++)
        {
          const VtrSymbol *other_code = g_ptr_array_index (zbar, j);

          if (!is_barcode (other_code))
            continue;
          if (other_code->symbology == code->symbology && g_str_equal (other_code->text, code->text))
            same = TRUE;
          else
            other = TRUE;
        }
      if (same && !other)
        g_hash_table_add (self->agreed, barcode_key (code));
      else
        g_debug ("live barcode %s: ZBar reads %s there, %dx%d px; it waits", code->text,
                 other ? "another number" : "nothing", cx1 - cx0, cy1 - cy0);
    }
}

/* Keeps a live barcode only when both readers read it in this frame, or
 * an earlier frame, not long ago, read the same number; remembers the
 * others for the frames to come. */
static void
confirm_barcodes (VtrDecoder *self,
                  GPtrArray  *codes)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->unconfirmed);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (self->live_frames - GPOINTER_TO_UINT (value) > CONFIRM_FRAMES)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < codes->len; i++)
    {
      VtrSymbol *code = g_ptr_array_index (codes, i);
      g_autofree char *key = NULL;

      if (!is_barcode (code))
        continue;
      key = barcode_key (code);
      if (g_hash_table_contains (self->unconfirmed, key) || g_hash_table_contains (self->agreed, key))
        g_hash_table_insert (self->unconfirmed, g_steal_pointer (&key),
                             GUINT_TO_POINTER (self->live_frames));
      else
        {
          g_hash_table_insert (self->unconfirmed, g_steal_pointer (&key),
                               GUINT_TO_POINTER (self->live_frames));
          g_ptr_array_remove_index (codes, i--);
        }
    }
}

/* The live fixes, in the order they were measured to read what the plain
 * reads missed. */
typedef enum
{
  LIVE_REGIONS,   /* where finder patterns are, at full size, redrawn */
  LIVE_INVERTED,
  LIVE_NORMALIZED,
  LIVE_MIRRORED,
  LIVE_BINARIZED,
  N_LIVE_STEPS
} LiveStep;

static void
decode_live (VtrDecoder     *self,
             const VtrFrame *frame,
             const guint8   *pixels,
             GPtrArray      *codes)
{
  gint64 start = thread_time ();
  Source full = { pixels, frame->width, frame->height, 1.0, frame->index, 1, 0, 0, 0 };
  Source half = full;
  Source sparse;
  int factor = 1;

  self->live_frames++;
  self->budget_end = start + LIVE_BUDGET_US;
  g_hash_table_remove_all (self->agreed);

  /* zxing-cpp on the full frame: QR codes, and barcodes whose thin bars
   * need every pixel; ZBar reads each barcode's place again. */
  if (read_zxing (pixels, frame->width, frame->height, frame->index,
                  VTR_ZXING_QR | VTR_ZXING_BARCODES, codes) > 0)
    {
      second_reader (self, frame, pixels, codes);
      return;
    }

  /* zxing-cpp read nothing. Every other frame stops there: the fixes
   * below cost three times zxing-cpp's read, and the camera sends the
   * same code again 33 ms later. */
  if (self->live_frames % 2 == 0)
    return;

  /* A code held up to the kiosk is large: ZBar on the frame at half size
   * (a quarter of the pixels). */
  if (frame->width >= 640 && frame->height >= 360)
    {
      guint8 *out = work_buffer (self->half, (gsize) (frame->width / 2) * (frame->height / 2));

      make_half (pixels, out, frame->width, frame->height);
      half = (Source) { out, frame->width / 2, frame->height / 2, 0.5, frame->index, 1, 0, 0, 0 };
      factor = 2;
    }
  if (run_pass (self, PASS_PLAIN, &half, codes) > 0)
    return;

  /* The fixes, one after another until the budget is spent; the next frame
   * goes on from where this one stopped. */
  /* A fix that would not end within the budget on every line reads every
   * other line of the half-size frame: a 720p frame that gets to the
   * fixes has spent two thirds of its budget on zxing-cpp and ZBar, and a
   * fix on every line cost 7 to 10 ms more (p95 23.6 ms). */
  sparse = half;
  G_STATIC_ASSERT (N_LIVE_STEPS <= G_N_ELEMENTS (self->live_cost));
  for (guint step = 0; step < N_LIVE_STEPS && codes->len == 0; step++)
    {
      LiveStep which = (self->next_live_pass++) % N_LIVE_STEPS;
      gint64 step_start = thread_time ();

      /* A step that would end past the budget, by what it cost last time,
       * waits for the next frame: checking only before it starts let a
       * frame end 8 ms past the budget. The first step of a frame always
       * runs, so a dear step is never put off for ever. */
      if (over_budget (start, LIVE_BUDGET_US) ||
          (step > 0 && step_start - start + self->live_cost[which] > LIVE_BUDGET_US))
        {
          self->next_live_pass--;
          break;
        }
      sparse.density = step_start - start + self->live_cost[which] > LIVE_BUDGET_US ? 2 : 1;

      switch (which)
        {
        case LIVE_REGIONS:
          {
            /* Finder patterns seen at half size point at where a smaller
             * or harder code may be; only those places are read at full
             * size. */
            g_autoptr(GArray) regions = vtr_qr_grid_regions (half.pixels, half.width, half.height, 2);

            for (guint r = 0; r < regions->len && codes->len == 0; r++)
              {
                const VtrRect *rect = &g_array_index (regions, VtrRect, r);
                int x0 = rect->x * factor, y0 = rect->y * factor;
                int cw = MIN (rect->width * factor, frame->width - x0);
                int ch = MIN (rect->height * factor, frame->height - y0);
                guint8 *crop = work_buffer (self->crop, (gsize) cw * ch);
                Source region = { crop, cw, ch, 1.0, frame->index, 1, x0, y0, 4 };

                if (over_budget (start, LIVE_BUDGET_US))
                  break;
                for (int y = 0; y < ch; y++)
                  memcpy (crop + (gsize) y * cw, pixels + (gsize) (y0 + y) * frame->width + x0, cw);
                if (run_pass (self, PASS_PLAIN, &region, codes) == 0)
                  run_pass (self, PASS_GRID, &region, codes);
              }
          }
          break;
        case LIVE_INVERTED:
          run_pass (self, PASS_INVERTED, &sparse, codes);
          break;
        case LIVE_NORMALIZED:
          run_pass (self, PASS_NORMALIZED, &sparse, codes);
          break;
        case LIVE_MIRRORED:
          run_pass (self, PASS_MIRRORED, &sparse, codes);
          break;
        case LIVE_BINARIZED:
          run_pass (self, PASS_BINARIZED, &sparse, codes);
          break;
        case N_LIVE_STEPS:
        default:
          g_assert_not_reached ();
        }
      /* What it costs on every line. */
      self->live_cost[which] = (thread_time () - step_start) * sparse.density;
    }
}

/* What a still image's pass is run on. */
typedef enum
{
  DERIVED_AS_IS,
  DERIVED_SMOOTHED,  /* blur, halftone */
  DERIVED_HALVED,    /* a large code, noise */
  DERIVED_DOUBLED,   /* thin modules and bars */
  DERIVED_SMOOTHED2, /* heavy halftone and sensor noise */
  DERIVED_INVERTED,  /* light on dark, then everything else */
  N_DERIVED
} Derived;

typedef struct
{
  Derived derived;
  Pass    pass;
} Step;

/*
 * A still image zxing-cpp could not read gets a list of steps, chosen by
 * what the picture shows, in the order of how many codes each reads for
 * what it costs; when the list ends, nothing is left that read anything
 * on the pictures measured, and the decoder gives up.
 *
 * A picture with a finder pattern (vtr_qr_grid_has_finder) may hold a QR
 * code that its finders can be redrawn from, unrolled round, mirrored. One
 * without has nothing for those steps: it is a barcode, or a QR code that
 * only shows inverted or at another size, and it gets the steps that read
 * those.
 *
 * Measured by tests/bench/bench-scan-steps, which runs every step on
 * every picture zxing-cpp misses: the public corpus, bench-scan's hard set
 * and tests/data/codes (the T-shirts, the late steps). Each list is
 * greedy: the step that reads the most pictures not yet read for its time
 * on them comes next, until every picture any step reads is read;
 * bench-scan's sweep of codes round cylinders only asks that each of its
 * codes stays read (its 132 QR codes would put the cylinder first, where
 * a screen's moiré makes it dear). Of the 26 steps measured, those that
 * never added a picture (padded, smoothed then binarized, doubled then
 * binarized...) are left out. Steps that read as much for as long swap
 * places from one run to the next.
 */

/* Pictures with a finder pattern, and how many pictures not yet read
 * each step read when measured. */
static const Step finder_steps[] = {
  { DERIVED_AS_IS, PASS_HALF },           /* 19 */
  { DERIVED_HALVED, PASS_GRID },          /* 4 */
  { DERIVED_HALVED, PASS_BINARIZED },     /* 4 */
  { DERIVED_AS_IS, PASS_SMOOTHED },       /* 14 */
  { DERIVED_SMOOTHED2, PASS_GRID },       /* 10 */
  { DERIVED_INVERTED, PASS_GRID },        /* 2 */
  { DERIVED_AS_IS, PASS_CYLINDER },       /* 1, and every code on a cylinder */
  { DERIVED_SMOOTHED2, PASS_NORMALIZED }, /* 5 */
  { DERIVED_AS_IS, PASS_MIRRORED },       /* 4 */
  { DERIVED_AS_IS, PASS_BINARIZED },      /* 3 */
  { DERIVED_DOUBLED, PASS_GRID },         /* 2 */
  { DERIVED_AS_IS, PASS_GRID },           /* 1 */
  { DERIVED_DOUBLED, PASS_NORMALIZED },   /* 2 */
};

/* Pictures without one. */
static const Step other_steps[] = {
  { DERIVED_AS_IS, PASS_PLAIN },          /* 18 */
  { DERIVED_AS_IS, PASS_HALF },           /* 1 */
  { DERIVED_AS_IS, PASS_DOUBLE },         /* 4 */
  { DERIVED_AS_IS, PASS_INVERTED },       /* 2 */
  { DERIVED_DOUBLED, PASS_NORMALIZED },   /* 3 */
};

/* @derived of the still image, made the first time a step needs it; FALSE
 * if the picture is not of a size it helps. */
static gboolean
derive (Derived        derived,
        const Source  *full,
        GByteArray   **buffers,
        Source        *out)
{
  int w = full->width, h = full->height;
  gsize n = (gsize) w * h;
  GByteArray *buffer;

  *out = *full;
  if (derived == DERIVED_AS_IS)
    return TRUE;
  if (derived == DERIVED_HALVED && (w < 400 || h < 400))
    return FALSE;
  if (derived == DERIVED_DOUBLED && n > 700 * 700)
    return FALSE;

  if (buffers[derived] == NULL)
    {
      buffer = buffers[derived] = g_byte_array_new ();
      switch (derived)
        {
        case DERIVED_SMOOTHED:
          make_smoothed (full->pixels, work_buffer (buffer, n), w, h);
          break;
        case DERIVED_HALVED:
          make_half (full->pixels, work_buffer (buffer, (gsize) (w / 2) * (h / 2)), w, h);
          break;
        case DERIVED_DOUBLED:
          make_double (full->pixels, work_buffer (buffer, n * 4), w, h);
          break;
        case DERIVED_SMOOTHED2:
          {
            g_autoptr(GByteArray) once = g_byte_array_new ();

            make_smoothed (full->pixels, work_buffer (once, n), w, h);
            make_smoothed (once->data, work_buffer (buffer, n), w, h);
          }
          break;
        case DERIVED_INVERTED:
          make_inverted (full->pixels, work_buffer (buffer, n), n);
          break;
        case DERIVED_AS_IS:
        case N_DERIVED:
        default:
          g_assert_not_reached ();
        }
    }
  buffer = buffers[derived];
  out->pixels = buffer->data;
  if (derived == DERIVED_HALVED)
    {
      out->width = w / 2;
      out->height = h / 2;
      out->scale = 0.5;
    }
  else if (derived == DERIVED_DOUBLED)
    {
      out->width = w * 2;
      out->height = h * 2;
      out->scale = 2.0;
    }
  return TRUE;
}

static void
decode_thorough (VtrDecoder     *self,
                 const VtrFrame *frame,
                 const guint8   *pixels,
                 GPtrArray      *codes)
{
  gint64 start = thread_time ();
  /* Four redrawings at most: on the corpus the second one at the latest
   * reads, and each costs two ZBar reads of its grid. */
  Source full = { pixels, frame->width, frame->height, 1.0, frame->index, 1, 0, 0, THOROUGH_GRIDS };
  GByteArray *buffers[N_DERIVED] = { NULL };
  const Step *steps;
  guint n_steps;

  self->budget_end = start + THOROUGH_BUDGET_US;
  if (read_zxing (pixels, frame->width, frame->height, frame->index,
                  VTR_ZXING_QR | VTR_ZXING_BARCODES | VTR_ZXING_HARDER, codes) > 0)
    return;
  /* A barcode that agrees on two lines only, as zxing-cpp reads by
   * default: a still image has no second frame to confirm it, and on the
   * corpus zxing-cpp's defaults read one label this way and misread none. */
  if (read_zxing (pixels, frame->width, frame->height, frame->index,
                  VTR_ZXING_BARCODES | VTR_ZXING_HARDER | VTR_ZXING_AS_IS, codes) > 0)
    return;

  /* What the picture shows picks its steps. */
  if (vtr_qr_grid_has_finder (pixels, frame->width, frame->height))
    steps = finder_steps, n_steps = G_N_ELEMENTS (finder_steps);
  else
    steps = other_steps, n_steps = G_N_ELEMENTS (other_steps);

  for (guint k = 0; k < n_steps && codes->len == 0; k++)
    {
      const Step *step = &steps[k];
      Source source;

      if (over_budget (start, THOROUGH_BUDGET_US))
        {
          g_debug ("still image: budget spent before step %u", k);
          break;
        }
      if (!derive (step->derived, &full, buffers, &source))
        continue;
      if (run_pass (self, step->pass, &source, codes) > 0)
        g_debug ("still image read by step %u (derived %d, pass %d) after %.1f ms", k, step->derived,
                 step->pass, (thread_time () - start) / 1e3);
      else
        g_debug ("still image: step %u read nothing, %.1f ms", k, (thread_time () - start) / 1e3);
    }
  for (guint d = 0; d < N_DERIVED; d++)
    if (buffers[d] != NULL)
      g_byte_array_unref (buffers[d]);
}

/**
 * vtr_decoder_decode:
 *
 * Returns: (transfer full) (element-type VtrSymbol): every code found in
 * @frame, each once; empty if none.
 */
GPtrArray *
vtr_decoder_decode (VtrDecoder     *self,
                    const VtrFrame *frame,
                    VtrDecodeFlags  flags)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
  const guint8 *pixels;

  g_return_val_if_fail (VTR_IS_DECODER (self), codes);
  g_return_val_if_fail (frame != NULL && frame->data != NULL, codes);

  if (frame->width < 8 || frame->height < 8)
    return codes;

  pixels = packed (self, frame);
  reset_scanners (self);
  self->budget_end = 0;

  if (flags & VTR_DECODE_PLAIN)
    {
      Source full = { pixels, frame->width, frame->height, 1.0, frame->index, 1, 0, 0, 0 };

      scan (self, (flags & VTR_DECODE_QR_ONLY) ? self->qr_scanner : self->scanner, pixels,
            frame->width, frame->height, &(Geometry) { .scale = 1.0, .width = frame->width },
            full.index, codes);
      return codes;
    }

  if (flags & VTR_DECODE_ZXING)
    {
      read_zxing (pixels, frame->width, frame->height, frame->index,
                  VTR_ZXING_QR | VTR_ZXING_HARDER | VTR_ZXING_AS_IS |
                    ((flags & VTR_DECODE_QR_ONLY) ? 0 : VTR_ZXING_BARCODES),
                  codes);
      return codes;
    }

  if (flags & VTR_DECODE_THOROUGH)
    decode_thorough (self, frame, pixels, codes);
  else
    {
      decode_live (self, frame, pixels, codes);
      confirm_barcodes (self, codes);
    }
  return codes;
}

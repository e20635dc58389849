#include "config.h"

#include <gst/gst.h>
#include <string.h>

#include "vtr-decoder.h"
#include "vtr-frame-reader.h"
#include "vtr-test-util.h"
#include "vtr-hard-set.h"

/*
 * The decoder on real pictures read through the real GStreamer pipeline:
 * images of every format, a video, the character sets of the corpus,
 * inverted and mirrored codes, several codes at once, and frames with
 * none.
 */

typedef struct
{
  guint8 *pixels;
  int     width, height;
  guint   frames;
} Picture;

static gboolean
grab (const VtrFrame *frame, gpointer user_data)
{
  Picture *picture = user_data;

  if (picture->frames++ == 0)
    {
      picture->width = frame->width;
      picture->height = frame->height;
      picture->pixels = g_malloc ((gsize) frame->width * frame->height);
      for (int y = 0; y < frame->height; y++)
        memcpy (picture->pixels + (gsize) y * frame->width, frame->data + (gsize) y * frame->stride,
                frame->width);
    }
  return TRUE;
}

static Picture
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "codes", name, NULL);
  g_autoptr(GError) error = NULL;
  Picture picture = { 0 };

  g_assert_true (vtr_frame_reader_read (path, grab, &picture, &error));
  g_assert_no_error (error);
  g_assert_nonnull (picture.pixels);
  return picture;
}

static char *
expected_text (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "codes", name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static GPtrArray *
decode (const Picture *picture, VtrDecodeFlags flags)
{
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  VtrFrame frame = { picture->pixels, picture->width, picture->height, picture->width, 0, 0 };

  return vtr_decoder_decode (decoder, &frame, flags);
}

static void
assert_reads (const char *image, const char *txt)
{
  Picture picture = load (image);
  g_autofree char *expected = expected_text (txt);
  g_autoptr(GPtrArray) codes = decode (&picture, VTR_DECODE_THOROUGH);
  gboolean found = FALSE;

  for (guint i = 0; i < codes->len; i++)
    {
      VtrSymbol *code = g_ptr_array_index (codes, i);

      if (g_str_equal (code->text, expected))
        found = TRUE;
      else
        g_error ("%s: read “%s”, expected “%s”", image, code->text, expected);
    }
  if (!found)
    g_error ("%s: nothing read", image);
  g_free (picture.pixels);
}

static void
test_formats (void)
{
  assert_reads ("url.png", "url.txt");
  assert_reads ("photo.jpg", "photo.txt");
  assert_reads ("inverted.webp", "inverted.txt");
}

static void
test_charsets (void)
{
  /* Half-width katakana, kanji and a backslash in Shift_JIS; Chinese in UTF-8. */
  assert_reads ("shift-jis-katakana.png", "shift-jis-katakana.txt");
  assert_reads ("shift-jis-kanji.png", "shift-jis-kanji.txt");
  assert_reads ("shift-jis-backslash.png", "shift-jis-backslash.txt");
  assert_reads ("utf8-chinese.png", "utf8-chinese.txt");
}

static void
test_ean13 (void)
{
  Picture picture = load ("ean13.png");
  g_autofree char *expected = expected_text ("ean13.txt");
  g_autoptr(GPtrArray) codes = decode (&picture, VTR_DECODE_THOROUGH);
  VtrSymbol *code;

  g_assert_cmpuint (codes->len, ==, 1);
  code = g_ptr_array_index (codes, 0);
  g_assert_cmpint (code->symbology, ==, VTR_SYMBOLOGY_EAN13);
  g_assert_cmpstr (code->text, ==, expected);
  g_free (picture.pixels);
}

/* The still images of the corpus read only by the later, dearer steps
 * (zxing-cpp and plain ZBar miss them): ordering the steps and giving up
 * early on hopeless pictures must lose none of them. The last is a
 * barcode without a finder pattern, read only by the last step of the
 * list such pictures get. */
static void
test_late_steps (void)
{
  assert_reads ("late-grid.png", "late-grid.txt");
  assert_reads ("late-doubled.png", "late-doubled.txt");
  assert_reads ("late-doubled-normalized.png", "late-doubled-normalized.txt");
  assert_reads ("late-smoothed-binarized.webp", "late-smoothed-binarized.txt");
  assert_reads ("late-doubled-grid.png", "late-doubled-grid.txt");
  assert_reads ("late-barcode-doubled-normalized.webp", "late-barcode-doubled-normalized.txt");
}

/* QR codes printed on a T-shirt: the cloth's creases bend the grid by up
 * to a module, so no one homography samples every module right (ZBar and
 * zxing-cpp read neither); the decoder's grid follows the warp. */
static void
test_cloth (void)
{
  const char *images[] = { "cloth-creased", "cloth-tilted" };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *png = g_strdup_printf ("%s.png", images[i]);
      g_autofree char *txt = g_strdup_printf ("%s.txt", images[i]);
      Picture picture = load (png);
      g_autoptr(GPtrArray) zbar = decode (&picture, VTR_DECODE_PLAIN);
      g_autoptr(GPtrArray) zxing = decode (&picture, VTR_DECODE_ZXING);

      g_test_message ("%s: ZBar %u, zxing-cpp %u", images[i], zbar->len, zxing->len);
      g_assert_cmpuint (zbar->len, ==, 0);
      g_assert_cmpuint (zxing->len, ==, 0);
      g_free (picture.pixels);
      assert_reads (png, txt);
    }
}

/* An EAN-13 label whose bars agree on two scan lines only: zxing-cpp's
 * defaults read it; a still image has no second frame to wait for. */
static void
test_ean13_two_lines (void)
{
  assert_reads ("ean13-two-lines.webp", "ean13-two-lines.txt");
}

/* A label on which zxing-cpp 1.4, asked for two agreeing lines and any
 * number of symbols, aborts the whole process (an assertion of its own,
 * zxing-cpp issue #740): the kiosk scanning a picture of it must read it,
 * and bench-scan's zxing-cpp comparison must not stop there either. */
static void
test_zxing_abort (void)
{
  Picture picture = load ("ean13-zxing-abort.png");
  g_autoptr(GPtrArray) as_is = decode (&picture, VTR_DECODE_ZXING);

  assert_reads ("ean13-zxing-abort.png", "ean13-zxing-abort.txt");
  g_assert_cmpuint (as_is->len, ==, 1);
  g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (as_is, 0))->text, ==, "3378317014926");
  g_free (picture.pixels);
}

static void
test_several_codes (void)
{
  Picture picture = load ("four-codes.png");
  g_autoptr(GPtrArray) codes = decode (&picture, VTR_DECODE_THOROUGH);

  /* Four different codes, each once, each in its own quarter. */
  g_assert_cmpuint (codes->len, ==, 4);
  for (guint i = 0; i < codes->len; i++)
    {
      VtrSymbol *a = g_ptr_array_index (codes, i);
      double cx = 0, cy = 0;

      for (int c = 0; c < 4; c++)
        cx += a->corners[c].x / 4, cy += a->corners[c].y / 4;
      for (guint j = i + 1; j < codes->len; j++)
        {
          VtrSymbol *b = g_ptr_array_index (codes, j);
          double bx = 0, by = 0;

          g_assert_cmpstr (a->text, !=, b->text);
          for (int c = 0; c < 4; c++)
            bx += b->corners[c].x / 4, by += b->corners[c].y / 4;
          g_assert_true ((cx < picture.width / 2) != (bx < picture.width / 2) ||
                         (cy < picture.height / 2) != (by < picture.height / 2));
        }
    }
  g_free (picture.pixels);
}

static void
mirror (Picture *picture)
{
  for (int y = 0; y < picture->height; y++)
    {
      guint8 *row = picture->pixels + (gsize) y * picture->width;

      for (int x = 0; x < picture->width / 2; x++)
        {
          guint8 t = row[x];
          row[x] = row[picture->width - 1 - x];
          row[picture->width - 1 - x] = t;
        }
    }
}

static void
test_mirrored (void)
{
  /* A phone screen seen by a selfie camera. */
  Picture picture = load ("url.png");
  g_autofree char *expected = expected_text ("url.txt");
  g_autoptr(GPtrArray) codes = NULL;

  mirror (&picture);
  codes = decode (&picture, VTR_DECODE_THOROUGH);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (codes, 0))->text, ==, expected);
  g_free (picture.pixels);
}

static double
signed_area (const VtrSymbol *code)
{
  double area = 0;

  for (int i = 0; i < 4; i++)
    {
      const VtrPoint *p = &code->corners[i], *q = &code->corners[(i + 1) % 4];
      area += p->x * q->y - q->x * p->y;
    }
  return area / 2;
}

/* A cluttered shop window, 1280×720, with @picture pasted at (ox, oy). */
static guint8 *
scene (const Picture *picture, int ox, int oy)
{
  guint8 *frame = g_malloc (1280 * 720);
  guint32 seed = 12345;

  for (int i = 0; i < 1280 * 720; i++)
    frame[i] = 100 + (i % 1280) / 16;
  for (int k = 0; k < 120; k++)
    {
      int bw, bh, bx, by, shade;

      seed = seed * 1103515245 + 12345;
      bw = 8 + (seed >> 8) % 200;
      bh = 4 + (seed >> 16) % 150;
      seed = seed * 1103515245 + 12345;
      bx = (seed >> 8) % 1280;
      by = (seed >> 16) % 720;
      shade = (seed >> 4) % 256;
      for (int y = by; y < MIN (720, by + bh); y++)
        memset (frame + y * 1280 + bx, shade, MIN (1280, bx + bw) - bx);
    }
  if (picture)
    for (int y = 0; y < picture->height && oy + y < 720; y++)
      memcpy (frame + (oy + y) * 1280 + ox, picture->pixels + (gsize) y * picture->width,
              MIN (picture->width, 1280 - ox));
  return frame;
}

static void
test_live_frames (void)
{
  Picture picture = load ("url.png");
  g_autofree char *expected = expected_text ("url.txt");
  g_autofree guint8 *pixels = scene (&picture, 700, 300);
  g_autofree guint8 *empty = scene (NULL, 0, 0);
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  VtrFrame frame = { pixels, 1280, 720, 1280, 1, 0 };
  VtrFrame nothing = { empty, 1280, 720, 1280, 2, 0 };
  gboolean read = FALSE;

  /* Held up to the camera, the code is read within a few frames, where it is. */
  for (int n = 0; n < 4 && !read; n++)
    {
      g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);

      for (guint i = 0; i < codes->len; i++)
        {
          VtrSymbol *code = g_ptr_array_index (codes, i);

          g_assert_cmpstr (code->text, ==, expected);
          g_assert_cmpint (code->n_corners, ==, 4);
          for (int c = 0; c < 4; c++)
            {
              g_assert_cmpfloat (code->corners[c].x, >=, 700 - 2);
              g_assert_cmpfloat (code->corners[c].x, <=, 700 + picture.width + 2);
              g_assert_cmpfloat (code->corners[c].y, >=, 300 - 2);
              g_assert_cmpfloat (code->corners[c].y, <=, 300 + picture.height + 2);
            }
          /* Clockwise on screen (y down): a positive signed area. */
          g_assert_cmpfloat (signed_area (code), >, 0);
          read = TRUE;
        }
    }
  g_assert_true (read);

  /* And a window without a code reads nothing, however long it is watched. */
  for (int n = 0; n < 12; n++)
    {
      g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, &nothing, VTR_DECODE_LIVE);
      g_assert_cmpuint (codes->len, ==, 0);
    }
  {
    g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, &nothing, VTR_DECODE_THOROUGH);
    g_assert_cmpuint (codes->len, ==, 0);
  }
  g_free (picture.pixels);
}

static void
test_video (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *video = g_build_filename (dir, "held-up.avi", NULL);
  g_autofree char *image = g_test_build_filename (G_TEST_DIST, "data", "codes", "url.png", NULL);
  g_autofree char *description = g_strdup_printf (
    "filesrc location=\"%s\" ! pngdec ! videoconvert ! imagefreeze num-buffers=12 ! "
    "video/x-raw,framerate=10/1 ! videoconvert ! jpegenc ! avimux ! filesink location=\"%s\"",
    image, video);
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  Picture picture = { 0 };

  /* A real video file, made by GStreamer from the image. */
  g_assert_true (vtr_scan_init (NULL));
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_true (vtr_frame_reader_read (video, grab, &picture, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (picture.frames, ==, 12);
  {
    g_autoptr(GPtrArray) codes = decode (&picture, VTR_DECODE_LIVE);
    g_autofree char *expected = expected_text ("url.txt");

    g_assert_cmpuint (codes->len, ==, 1);
    g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (codes, 0))->text, ==, expected);
  }
  g_free (picture.pixels);
  vtr_test_remove_tree (dir);
}

static void
test_unreadable (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *text = g_build_filename (dir, "notes.png", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.jpg", NULL);
  g_autoptr(GError) error = NULL;
  Picture picture = { 0 };

  g_assert_false (vtr_frame_reader_read ("/nonexistent/poster.png", grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/poster.png"));
  g_clear_error (&error);

  g_assert_false (vtr_frame_reader_read (dir, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A text file named like an image, and an empty one. */
  g_assert_true (g_file_set_contents (text, "not a picture at all\n", -1, NULL));
  g_assert_false (vtr_frame_reader_read (text, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (vtr_frame_reader_read (empty, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE);
  g_assert_cmpuint (picture.frames, ==, 0);

  vtr_test_remove_tree (dir);
}

/* Writes @data to @path with the bytes at @at replaced by @patch. */
static void
write_patched (const char   *from,
               const char   *to,
               gsize         at,
               const guint8 *patch,
               gsize         length)
{
  g_autofree char *data = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (from, &data, &size, NULL));
  g_assert_cmpuint (at + length, <=, size);
  memcpy (data + at, patch, length);
  g_assert_true (g_file_set_contents (to, data, size, NULL));
}

static void
test_too_large (void)
{
  static const char * const names[] = { "ean13.png", "photo.jpg", "inverted.webp", "url.png" };
  g_autofree char *claims = g_test_build_filename (G_TEST_DIST, "data", "images",
                                                   "claims-30000x30000.png", NULL);
  g_autofree char *ean = g_test_build_filename (G_TEST_DIST, "data", "codes", "ean13.png", NULL);
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *huge = g_build_filename (dir, "huge.png", NULL);
  g_autoptr(GError) error = NULL;
  Picture picture = { 0 };
  guint width, height;

  /* The size read from the header alone is the size the decoder gives. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "codes", names[i], NULL);
      Picture decoded = load (names[i]);

      g_assert_true (vtr_frame_reader_image_size (path, &width, &height));
      g_assert_cmpuint (width, ==, decoded.width);
      g_assert_cmpuint (height, ==, decoded.height);
      g_free (decoded.pixels);
    }

  /* A 68-byte PNG that claims 30000 × 30000: refused before decoding, in
   * words, instead of asking for gigabytes. */
  g_assert_false (vtr_frame_reader_read (claims, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "30000 × 30000"));
  g_assert_cmpuint (picture.frames, ==, 0);
  g_clear_error (&error);

  /* A real PNG whose header says 20000 × 20000 (its IHDR patched). */
  {
    const guint8 size[8] = { 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20 };

    write_patched (ean, huge, 16, size, sizeof size);
  }
  g_assert_false (vtr_frame_reader_read (huge, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_TOO_LARGE);
  g_assert_cmpuint (picture.frames, ==, 0);
  g_clear_error (&error);

  /* A JPEG claiming 30000 × 30000 behind a stray byte, which the decoder
   * skips to find the frame header, and so must the check. */
  {
    static const guint8 jpeg[] = {
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
      0x00, /* the stray byte */
      0xff, 0xc0, 0x00, 0x0b, 0x08, 0x75, 0x30, 0x75, 0x30, 0x01, 0x01, 0x11, 0x00,
      0xff, 0xd9,
    };

    g_assert_true (g_file_set_contents (huge, (const char *) jpeg, sizeof jpeg, NULL));
    g_assert_false (vtr_frame_reader_read (huge, grab, &picture, &error));
    g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }

  /* A PNG cut after its signature: its size unknown, it is not decoded. */
  g_assert_true (g_file_set_contents (huge, "\x89PNG\r\n\x1a\n", 8, NULL));
  g_assert_false (vtr_frame_reader_read (huge, grab, &picture, &error));
  g_assert_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE);
  g_assert_cmpuint (picture.frames, ==, 0);

  vtr_test_remove_tree (dir);
}

/* An EAN-13 label of @digits across a 640×480 frame, its bars @unit pixels
 * a module and @height rows high, @ink on @paper, blurred by a box of
 * @blur pixels each side; turned a quarter if @turned. */
static guint8 *
ean_frame (const char *digits,
           double      unit,
           int         ink,
           int         paper,
           int         blur,
           int         height,
           gboolean    turned)
{
  const int w = VTR_HARD_WIDTH, h = VTR_HARD_HEIGHT;
  VtrHardCode code = vtr_hard_ean13 (digits);
  g_autofree double *image = g_new (double, (gsize) w * h);
  guint8 *frame = g_malloc ((gsize) w * h);
  int length = turned ? h : w, across = turned ? w : h;
  double x0 = length / 2.0 - 95 * unit / 2;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int along = turned ? y : x, side = turned ? x : y;
        double v = paper;

        if (side >= across / 2 - height / 2 && side < across / 2 + height / 2)
          {
            /* Four samples a pixel along the label. */
            v = 0;
            for (int k = 0; k < 4; k++)
              {
                int m = (int) floor ((along + (k + 0.5) / 4 - x0) / unit);

                v += (m >= 0 && m < 95 && code.modules[m] ? ink : paper) / 4.0;
              }
          }
        image[(gsize) y * w + x] = v;
      }
  if (blur > 0)
    vtr_hard_box_blur (image, w, h, blur, blur);
  for (gsize i = 0; i < (gsize) w * h; i++)
    frame[i] = CLAMP ((int) lround (image[i]), 0, 255);
  g_free (code.modules);
  return frame;
}

static guint
count_text (GPtrArray  *codes,
            const char *text)
{
  guint n = 0;

  for (guint i = 0; i < codes->len; i++)
    {
      /* Never another number. */
      g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (codes, i))->text, ==, text);
      n++;
    }
  return n;
}

/* A live barcode is given only when two readers read the same number in
 * one frame, or a second frame reads it again: one reader's misread, check
 * digit and all, never shows a wrong product. */
static void
test_live_barcode_confirmed (void)
{
  /* A label zxing-cpp reads and ZBar does not (short, soft bars of little
   * contrast): it waits for a second frame. */
  static const char digits[] = "3225448419765";
  g_autofree guint8 *soft = ean_frame (digits, 2.0, 96, 160, 1, 30, FALSE);
  g_autofree guint8 *empty = g_malloc0 (VTR_HARD_WIDTH * VTR_HARD_HEIGHT);
  VtrFrame frame = { soft, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 1, 0 };
  VtrFrame nothing = { empty, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 3, 0 };
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();

  {
    g_autoptr(VtrDecoder) other = vtr_decoder_new ();
    g_autoptr(GPtrArray) zxing = vtr_decoder_decode (other, &frame, VTR_DECODE_ZXING);
    g_autoptr(GPtrArray) zbar = vtr_decoder_decode (other, &frame, VTR_DECODE_PLAIN);

    g_assert_cmpuint (count_text (zxing, digits), ==, 1);
    g_assert_cmpuint (zbar->len, ==, 0);
  }
  {
    g_autoptr(GPtrArray) once = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
    g_autoptr(GPtrArray) twice = NULL;

    g_assert_cmpuint (once->len, ==, 0);
    frame.index = 2;
    twice = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
    g_assert_cmpuint (count_text (twice, digits), ==, 1);
  }

  /* Long after, a single reading waits for its confirmation again. */
  for (int n = 0; n < 6; n++)
    g_ptr_array_unref (vtr_decoder_decode (decoder, &nothing, VTR_DECODE_LIVE));
  {
    g_autoptr(GPtrArray) later = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
    g_assert_cmpuint (later->len, ==, 0);
  }

  /* The hard set's thin bars, read by both at full resolution: at once,
   * and a still image, which has no second frame, too. */
  for (guint i = 0; i < 3; i++)
    {
      VtrHardSample sample = vtr_hard_sample_make (VTR_HARD_EAN_THIN, i);
      g_autoptr(VtrDecoder) live = vtr_decoder_new ();
      VtrFrame first = { sample.frames[0], VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 1, 0 };
      g_autoptr(GPtrArray) once = vtr_decoder_decode (live, &first, VTR_DECODE_LIVE);
      g_autoptr(GPtrArray) still = vtr_decoder_decode (live, &first, VTR_DECODE_THOROUGH);

      g_assert_cmpuint (count_text (once, sample.text), ==, 1);
      g_assert_cmpuint (count_text (still, sample.text), ==, 1);
      vtr_hard_sample_clear (&sample);
    }
}

/* Both readers read a clean label in the first frame: two readers agree,
 * the product is given at once. A label only ZBar reads (turned a
 * quarter, which zxing-cpp's live reading does not try) waits for a
 * second frame that reads it. */
static void
test_live_barcode_two_readers (void)
{
  static const char digits[] = "3017620422003";
  g_autofree guint8 *clean = ean_frame (digits, 3.0, 30, 220, 0, 120, FALSE);
  g_autofree guint8 *turned = ean_frame (digits, 4.0, 30, 220, 0, 200, TRUE);

  {
    g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
    VtrFrame frame = { clean, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 1, 0 };
    g_autoptr(GPtrArray) zbar = vtr_decoder_decode (decoder, &frame, VTR_DECODE_PLAIN);
    g_autoptr(GPtrArray) zxing = vtr_decoder_decode (decoder, &frame, VTR_DECODE_ZXING);
    g_autoptr(GPtrArray) once = NULL;

    g_assert_cmpuint (count_text (zbar, digits), ==, 1);
    g_assert_cmpuint (count_text (zxing, digits), ==, 1);
    once = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
    g_assert_cmpuint (count_text (once, digits), ==, 1);
  }
  {
    g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
    VtrFrame frame = { turned, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 1, 0 };
    guint first_read = 0;

    {
      g_autoptr(VtrDecoder) other = vtr_decoder_new ();
      g_autoptr(GPtrArray) zbar = vtr_decoder_decode (other, &frame, VTR_DECODE_PLAIN);

      g_assert_cmpuint (count_text (zbar, digits), ==, 1);
    }

    for (guint n = 1; n <= 8 && first_read == 0; n++)
      {
        g_autoptr(GPtrArray) codes = NULL;

        frame.index = n;
        codes = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
        if (count_text (codes, digits) > 0)
          first_read = n;
      }
    /* Read by ZBar alone on the first frame and given on the next frame
     * that reads it again, not before. */
    g_assert_cmpuint (first_read, >, 1);
  }
}

/* The hard webcam-like set: on every condition the decoder reads at least
 * what raw ZBar or zxing-cpp reads, and never a wrong text. */
static void
test_hard_set (void)
{
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();

  for (VtrHardCondition c = 0; c < VTR_HARD_N_CONDITIONS; c++)
    {
      guint ours = 0, theirs = 0;

      for (guint i = 0; i < 2; i++)
        {
          VtrHardSample sample = vtr_hard_sample_make (c, i);
          VtrFrame frame = { sample.frames[0], VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 0, 0 };
          g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, &frame, VTR_DECODE_THOROUGH);
          g_autoptr(GPtrArray) zbar = vtr_decoder_decode (decoder, &frame, VTR_DECODE_PLAIN);
          g_autoptr(GPtrArray) zxing = vtr_decoder_decode (decoder, &frame, VTR_DECODE_ZXING);

          for (guint k = 0; k < codes->len; k++)
            g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (codes, k))->text, ==, sample.text);
          ours += codes->len > 0;
          theirs += zbar->len > 0 || zxing->len > 0;
          vtr_hard_sample_clear (&sample);
        }
      if (ours < theirs)
        g_error ("%s: read %u, raw ZBar or zxing-cpp %u", vtr_hard_condition_names[c], ours, theirs);
    }
}

/* @frame turned a quarter: a can lying on its side. */
static guint8 *
turned (const guint8 *frame,
        int           width,
        int           height)
{
  guint8 *out = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      out[(gsize) x * height + (height - 1 - y)] = frame[(gsize) y * width + x];
  return out;
}

/* A QR code wrapped round a can or a bottle, its symbol covering 100 to
 * 150° of arc: neither zxing-cpp nor ZBar reads it from 120° on; the
 * decoder unrolls the cylinder and reads it, standing or lying, and says
 * where it is. */
static void
test_cylinder (void)
{
  static const struct
  {
    double   arc, unit, offset;
    gboolean lying;
  } cases[] = {
    { 100, 4.0, 0, FALSE },   { 120, 3.5, 0, FALSE },  { 120, 4.5, -16, FALSE },
    { 135, 4.0, 10, FALSE },  { 150, 4.0, 0, FALSE },  { 120, 4.0, 8, TRUE },
  };
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("https://vitrine.example/p/%08x?can=%u", 0x5ca1ab1eu + i, i);
      g_autofree guint8 *pixels = vtr_hard_wrapped (text, FALSE, cases[i].arc, cases[i].unit, cases[i].offset, i);
      VtrFrame frame = { pixels, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, 0, 0 };
      g_autofree guint8 *lying = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GPtrArray) zbar = NULL;
      g_autoptr(GPtrArray) zxing = NULL;
      const VtrSymbol *code;
      /* Where the can is seen: across its axis, and along it. */
      double axis = VTR_HARD_WIDTH / 2.0 + cases[i].offset, half = 60 * cases[i].unit / 2;

      if (cases[i].lying)
        {
          lying = turned (pixels, VTR_HARD_WIDTH, VTR_HARD_HEIGHT);
          frame = (VtrFrame) { lying, VTR_HARD_HEIGHT, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, 0, 0 };
        }
      codes = vtr_decoder_decode (decoder, &frame, VTR_DECODE_THOROUGH);
      zbar = vtr_decoder_decode (decoder, &frame, VTR_DECODE_PLAIN);
      zxing = vtr_decoder_decode (decoder, &frame, VTR_DECODE_ZXING);

      g_test_message ("%.0f° of arc, %s: read %u, ZBar %u, zxing-cpp %u", cases[i].arc,
                      cases[i].lying ? "lying" : "standing", codes->len, zbar->len, zxing->len);
      if (cases[i].arc >= 120)
        {
          g_assert_cmpuint (zbar->len, ==, 0);
          g_assert_cmpuint (zxing->len, ==, 0);
        }
      g_assert_cmpuint (codes->len, ==, 1);
      code = g_ptr_array_index (codes, 0);
      g_assert_cmpstr (code->text, ==, text);
      g_assert_cmpint (code->n_corners, ==, 4);
      for (int k = 0; k < 4; k++)
        {
          double across = cases[i].lying ? code->corners[k].y : code->corners[k].x;
          double along = cases[i].lying ? VTR_HARD_HEIGHT - 1 - code->corners[k].x : code->corners[k].y;
          double radius = 29 * cases[i].unit / (cases[i].arc * G_PI / 180) + 2;

          g_assert_cmpfloat (fabs (across - axis), <, radius);
          g_assert_cmpfloat (fabs (along - VTR_HARD_HEIGHT / 2.0), <, half);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decoder/formats", test_formats);
  g_test_add_func ("/decoder/charsets", test_charsets);
  g_test_add_func ("/decoder/ean13", test_ean13);
  g_test_add_func ("/decoder/several-codes", test_several_codes);
  g_test_add_func ("/decoder/late-steps", test_late_steps);
  g_test_add_func ("/decoder/cloth", test_cloth);
  g_test_add_func ("/decoder/ean13-two-lines", test_ean13_two_lines);
  g_test_add_func ("/decoder/zxing-abort", test_zxing_abort);
  g_test_add_func ("/decoder/mirrored", test_mirrored);
  g_test_add_func ("/decoder/live-frames", test_live_frames);
  g_test_add_func ("/decoder/video", test_video);
  g_test_add_func ("/decoder/live-barcode-confirmed", test_live_barcode_confirmed);
  g_test_add_func ("/decoder/live-barcode-two-readers", test_live_barcode_two_readers);
  g_test_add_func ("/decoder/hard-set", test_hard_set);
  g_test_add_func ("/decoder/cylinder", test_cylinder);
  g_test_add_func ("/decoder/unreadable", test_unreadable);
  g_test_add_func ("/decoder/too-large", test_too_large);

  return g_test_run ();
}

#include "config.h"

#include "vtr-frame-reader.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

/*
 * Image and video files as grey frames, through GStreamer: PNG, JPEG, WebP,
 * and any video the installed plugins decode. It is how a person scans an
 * image file, and how tests and benchmarks feed the decoder real pictures.
 */

G_DEFINE_QUARK (vtr-scan-error-quark, vtr_scan_error)

gboolean
vtr_scan_init (GError **error)
{
  static gsize done;
  static GError *init_error;

  if (g_once_init_enter (&done))
    {
      gst_init_check (NULL, NULL, &init_error);
      g_once_init_leave (&done, 1);
    }

  if (init_error)
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_FAILED,
                   _("The camera and image system could not start: %s"), init_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_bus (GstElement *pipeline,
           const char *path,
           gboolean   *eos,
           GError    **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  GstMessage *message;

  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS)) != NULL)
    {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        *eos = TRUE;
      else
        {
          g_autoptr(GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("%s: %s (%s)", path, gst_error->message, debug);
          g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE,
                       _("%s cannot be read as an image or a video"), path);
          gst_message_unref (message);
          return FALSE;
        }
      gst_message_unref (message);
    }
  return TRUE;
}

static guint
be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

static guint
le16 (const guint8 *p)
{
  return (guint) p[1] << 8 | p[0];
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

/* A JPEG's size is in its frame header (SOFn), after any number of other
 * segments (EXIF with its thumbnail among them): walk them without reading
 * their contents. Like libjpeg, bytes that are not a marker are skipped:
 * the decoder would find the frame header behind them. */
static gboolean
jpeg_size (FILE  *file,
           guint *width,
           guint *height)
{
  if (fseek (file, 2, SEEK_SET) != 0)
    return FALSE;

  for (guint segments = 0; segments < 100000; segments++)
    {
      guint8 field[5];
      guint length;
      int c, marker;

      do
        c = getc (file);
      while (c != EOF && c != 0xff);
      do
        marker = getc (file);
      while (marker == 0xff);
      if (c == EOF || marker == EOF)
        return FALSE;
      /* A stuffed zero, and the markers that have no length. */
      if (marker == 0x00 || marker == 0x01 || marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7))
        continue;
      if (marker == 0xd9 || marker == 0xda)
        return FALSE;
      if (fread (field, 1, 2, file) != 2 || (length = be16 (field)) < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (fread (field, 1, 5, file) != 5)
            return FALSE;
          *height = be16 (field + 1);
          *width = be16 (field + 3);
          return TRUE;
        }
      if (fseek (file, (long) length - 2, SEEK_CUR) != 0)
        return FALSE;
    }
  return FALSE;
}

/* Reads the next number of a PNM header, skipping blanks and comments. */
static gboolean
pnm_number (const guint8 *data,
            gsize         length,
            gsize        *at,
            guint        *value)
{
  guint64 n = 0;
  gsize i = *at;

  while (i < length && (g_ascii_isspace (data[i]) || data[i] == '#'))
    {
      if (data[i] == '#')
        while (i < length && data[i] != '\n')
          i++;
      else
        i++;
    }
  if (i >= length || !g_ascii_isdigit (data[i]))
    return FALSE;
  while (i < length && g_ascii_isdigit (data[i]) && n <= G_MAXUINT32)
    n = n * 10 + (data[i++] - '0');
  if (n > G_MAXUINT32)
    return FALSE;
  *value = (guint) n;
  *at = i;
  return TRUE;
}

typedef enum
{
  HEADER_NOT_STILL,  /* not one of the formats read here */
  HEADER_UNREADABLE, /* one of them, but its size cannot be read */
  HEADER_READ,
} HeaderResult;

static HeaderResult
read_or_unreadable (gboolean read)
{
  return read ? HEADER_READ : HEADER_UNREADABLE;
}

static HeaderResult
header_size (FILE  *file,
             guint *width,
             guint *height)
{
  guint8 h[64] = { 0 };
  gsize n = fread (h, 1, sizeof h, file);

  if (n >= 8 && memcmp (h, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      if (n < 24 || memcmp (h + 12, "IHDR", 4) != 0)
        return HEADER_UNREADABLE;
      *width = be32 (h + 16);
      *height = be32 (h + 20);
      return HEADER_READ;
    }
  if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
    return read_or_unreadable (jpeg_size (file, width, height));
  if (n >= 6 && (memcmp (h, "GIF87a", 6) == 0 || memcmp (h, "GIF89a", 6) == 0))
    {
      if (n < 10)
        return HEADER_UNREADABLE;
      *width = le16 (h + 6);
      *height = le16 (h + 8);
      return HEADER_READ;
    }
  if (n >= 2 && h[0] == 'B' && h[1] == 'M')
    {
      if (n < 26)
        return HEADER_UNREADABLE;
      if (le32 (h + 14) == 12)
        {
          *width = le16 (h + 18);
          *height = le16 (h + 20);
        }
      else
        {
          gint32 w = (gint32) le32 (h + 18);
          gint32 ht = (gint32) le32 (h + 22);

          /* A negative height is a top-down bitmap. */
          *width = w < 0 ? (w == G_MININT32 ? G_MAXUINT : (guint) -w) : (guint) w;
          *height = ht < 0 ? (ht == G_MININT32 ? G_MAXUINT : (guint) -ht) : (guint) ht;
        }
      return HEADER_READ;
    }
  if (n >= 12 && memcmp (h, "RIFF", 4) == 0 && memcmp (h + 8, "WEBP", 4) == 0)
    {
      if (n < 30)
        return HEADER_UNREADABLE;
      if (memcmp (h + 12, "VP8 ", 4) == 0)
        {
          *width = le16 (h + 26) & 0x3fff;
          *height = le16 (h + 28) & 0x3fff;
          return HEADER_READ;
        }
      if (memcmp (h + 12, "VP8L", 4) == 0)
        {
          guint32 bits = le32 (h + 21);

          *width = (bits & 0x3fff) + 1;
          *height = ((bits >> 14) & 0x3fff) + 1;
          return HEADER_READ;
        }
      if (memcmp (h + 12, "VP8X", 4) == 0)
        {
          *width = (h[24] | h[25] << 8 | h[26] << 16) + 1;
          *height = (h[27] | h[28] << 8 | h[29] << 16) + 1;
          return HEADER_READ;
        }
      return HEADER_UNREADABLE;
    }
  if (n >= 3 && h[0] == 'P' && h[1] >= '1' && h[1] <= '6' && g_ascii_isspace (h[2]))
    {
      gsize at = 2;

      return read_or_unreadable (pnm_number (h, n, &at, width) && pnm_number (h, n, &at, height));
    }
  return HEADER_NOT_STILL;
}

static HeaderResult
file_header_size (const char *path,
                  guint      *width,
                  guint      *height)
{
  FILE *file = fopen (path, "rb");
  HeaderResult result;

  *width = *height = 0;
  if (file == NULL)
    return HEADER_NOT_STILL;
  result = header_size (file, width, height);
  fclose (file);
  return result;
}

/**
 * vtr_frame_reader_image_size:
 *
 * The size a still image says it has, read from its header alone (PNG,
 * JPEG, GIF, BMP, WebP, PNM), without decoding it.
 *
 * Returns: %FALSE if the file is not one of these or its header is unreadable.
 */
gboolean
vtr_frame_reader_image_size (const char *path,
                             guint      *width,
                             guint      *height)
{
  return file_header_size (path, width, height) == HEADER_READ;
}

static gboolean
too_many_pixels (guint width,
                 guint height)
{
  return (guint64) width * height > VTR_FRAME_READER_MAX_PIXELS;
}

static void
set_too_large_error (GError    **error,
                     const char *path,
                     guint       width,
                     guint       height)
{
  g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_TOO_LARGE,
               _("%s is too large to scan (%u × %u pixels; at most %u megapixels). "
                 "Take the photo again at a smaller size, or crop it around the code."),
               path, width, height, VTR_FRAME_READER_MAX_PIXELS / 1000000);
}

/**
 * vtr_frame_reader_check_size:
 *
 * Refuses, before anything is decoded, an image whose header says it is
 * larger than %VTR_FRAME_READER_MAX_PIXELS: decoding a 20000 × 20000 PNG
 * takes minutes and gigabytes, and a 68-byte file may claim that size. An
 * image of a format read here whose size cannot be read is refused too.
 *
 * Returns: %FALSE with @error set if the image is too large or unreadable.
 */
gboolean
vtr_frame_reader_check_size (const char *path,
                             GError    **error)
{
  guint width, height;

  switch (file_header_size (path, &width, &height))
    {
    case HEADER_READ:
      if (too_many_pixels (width, height))
        {
          set_too_large_error (error, path, width, height);
          return FALSE;
        }
      return TRUE;
    case HEADER_UNREADABLE:
      /* Its size unknown, the decoder would learn it by allocating it. */
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE,
                   _("%s cannot be read as an image or a video"), path);
      return FALSE;
    case HEADER_NOT_STILL:
    default:
      return TRUE;
    }
}

typedef struct
{
  guint8 *pixels;
  int     width;
  int     height;
} Packed;

static gboolean
pack_first (const VtrFrame *frame,
            gpointer        user_data)
{
  Packed *packed = user_data;

  packed->width = frame->width;
  packed->height = frame->height;
  packed->pixels = g_malloc ((gsize) frame->width * frame->height);
  for (int y = 0; y < frame->height; y++)
    memcpy (packed->pixels + (gsize) y * frame->width, frame->data + (gsize) y * frame->stride, frame->width);
  return FALSE;
}

/**
 * vtr_frame_reader_read_first:
 * @path: an image or video file
 * @width: (out): the frame's width
 * @height: (out): its height
 *
 * The file's first frame, grey, one byte a pixel, its rows packed
 * (stride = @width): what a test or a benchmark decodes again and again.
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set
 */
guint8 *
vtr_frame_reader_read_first (const char  *path,
                             int         *width,
                             int         *height,
                             GError     **error)
{
  Packed packed = { 0 };

  if (!vtr_frame_reader_read (path, pack_first, &packed, error))
    {
      g_free (packed.pixels);
      return NULL;
    }
  if (packed.pixels == NULL)
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE, _("%s holds no picture"), path);
      return NULL;
    }
  *width = packed.width;
  *height = packed.height;
  return packed.pixels;
}

/**
 * vtr_frame_reader_read:
 * @path: an image (PNG, JPEG, WebP…) or video file
 * @func: called with each frame, grey
 *
 * Returns: %TRUE if the whole file was read (or @func stopped it), %FALSE
 * with @error set, in words, if it could not be.
 */
gboolean
vtr_frame_reader_read (const char   *path,
                       VtrFrameFunc  func,
                       gpointer      user_data,
                       GError      **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GError) parse_error = NULL;
  gboolean eos = FALSE;
  gboolean ok = TRUE;
  guint index = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!vtr_scan_init (error))
    return FALSE;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_NOT_FOUND,
                   g_file_test (path, G_FILE_TEST_EXISTS) ? _("%s is not a file")
                                                          : _("%s does not exist"),
                   path);
      return FALSE;
    }
  if (!vtr_frame_reader_check_size (path, error))
    return FALSE;

  pipeline = gst_parse_launch ("filesrc name=source ! decodebin ! videoconvert ! "
                               "video/x-raw,format=GRAY8 ! appsink name=sink sync=false "
                               "max-buffers=2",
                               &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_FAILED,
                   _("Images cannot be read: a GStreamer plugin is missing (%s)"),
                   parse_error->message);
      return FALSE;
    }
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (source, "location", path, NULL);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      ok = check_bus (pipeline, path, &eos, error);
      if (ok)
        g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE,
                     _("%s cannot be read as an image or a video"), path);
      ok = FALSE;
    }

  while (ok && !eos)
    {
      g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), GST_SECOND / 10);
      GstVideoInfo info;
      GstVideoFrame video_frame;

      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
            break;
          ok = check_bus (pipeline, path, &eos, error);
          continue;
        }

      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
          !gst_video_frame_map (&video_frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
        continue;

      /* A format whose header was not read above (a video, TIFF) is bound
       * here, before its frames reach the code decoder. */
      if (too_many_pixels (GST_VIDEO_FRAME_WIDTH (&video_frame), GST_VIDEO_FRAME_HEIGHT (&video_frame)))
        {
          set_too_large_error (error, path, GST_VIDEO_FRAME_WIDTH (&video_frame),
                               GST_VIDEO_FRAME_HEIGHT (&video_frame));
          gst_video_frame_unmap (&video_frame);
          ok = FALSE;
          break;
        }

      {
        VtrFrame frame = {
          .data = GST_VIDEO_FRAME_PLANE_DATA (&video_frame, 0),
          .width = GST_VIDEO_FRAME_WIDTH (&video_frame),
          .height = GST_VIDEO_FRAME_HEIGHT (&video_frame),
          .stride = GST_VIDEO_FRAME_PLANE_STRIDE (&video_frame, 0),
          .index = index++,
        };
        gboolean more = func (&frame, user_data);

        gst_video_frame_unmap (&video_frame);
        if (!more)
          break;
      }
    }

  if (ok && index == 0)
    ok = check_bus (pipeline, path, &eos, error);
  if (ok && index == 0)
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_UNREADABLE,
                   _("%s holds no picture"), path);
      ok = FALSE;
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static gboolean
is_picture_name (const char *name)
{
  static const char * const extensions[] = {
    ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pnm",
    ".avi", ".mp4", ".mkv", ".webm", ".mov", ".ogv", ".mjpeg", ".mjpg",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/**
 * vtr_frame_reader_list_folder:
 *
 * Returns: (transfer full) (element-type filename): the images and videos
 * of a folder, by name, one level deep; what sits beside them (notes,
 * expected texts, hidden files) is left out.
 */
GPtrArray *
vtr_frame_reader_list_folder (const char *path,
                              GError    **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) dir_error = NULL;
  GPtrArray *files;
  const char *name;

  dir = g_dir_open (path, 0, &dir_error);
  if (dir == NULL)
    {
      g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_NOT_FOUND,
                   _("The folder %s cannot be opened: %s"), path, dir_error->message);
      return NULL;
    }

  files = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (name[0] == '.' || !is_picture_name (name) || !g_file_test (child, G_FILE_TEST_IS_REGULAR))
        continue;
      g_ptr_array_add (files, g_steal_pointer (&child));
    }
  g_ptr_array_sort (files, compare_paths);
  return files;
}

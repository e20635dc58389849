#include "config.h"

#include "vtr-frame-reader.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <glib/gi18n-lib.h>

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

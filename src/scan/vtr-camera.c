#include "config.h"

#include "vtr-camera.h"

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#include "vtr-decoder.h"
#include "vtr-frame-reader.h"

/*
 * The camera: a GStreamer pipeline from any source to two appsinks, one
 * with RGB frames for the preview, one with grey frames for the decoder.
 *
 *   SOURCE ! decodebin ! videoconvert ! tee
 *     ! queue (leaky) ! videoscale ! videoconvert ! RGB, at most the preview's size ! appsink "preview"
 *     ! queue (leaky) ! videoconvert ! GRAY8 ! appsink "decode"
 *
 * One worker thread decodes. Frames wait in a single slot: the newest wins
 * and one that arrives while the worker is busy replaces the one waiting,
 * so the decoder never falls behind the camera. Codes reach the main
 * context the camera was made in; the same code is not reported again
 * within the cooldown. A camera that fails (none, busy, unplugged, ended)
 * says so in words and starts again by itself every retry interval.
 */

#define DEFAULT_SOURCE "v4l2src"
#define DEFAULT_COOLDOWN_MS 2000
#define DEFAULT_RETRY_MS 2000
#define NO_CAMERA_MSGID N_("No camera found. Check that it is plugged in: Vitrine will start it by itself when it is back.")

struct _VtrCamera
{
  GObject         parent_instance;

  char           *source;
  GMainContext   *context;
  GstElement     *pipeline;
  guint           bus_watch;
  guint           retry_source;
  VtrCameraState  state;
  GError         *error;
  gboolean        has_run;        /* it showed pictures once: a failure since is an unplug */
  guint           retry_ms;
  guint           slide;          /* for a folder: the image shown now */

  /* Shared with the streaming and worker threads, under lock. */
  GMutex          lock;
  GCond           wake;
  GThread        *worker;
  gboolean        quit;
  GstSample      *pending;        /* the newest grey frame, waiting */
  gint64          pending_entered;
  GstSample      *preview;        /* the newest RGB frame, waiting */
  gboolean        preview_queued;
  gboolean        shown;          /* a preview frame reached the main context */
  guint           cooldown_ms;
  guint           forgotten;      /* bumped when codes in view are to be reported again */
  const char     *error_msgid;    /* the error's words untranslated, when they are the camera's own */
  guint           generation;     /* bumped at each start, to ignore stale results */
  VtrCameraStats  stats;
  int             preview_width;  /* the preview's size on screen in pixels, or 0 */
  int             preview_height;
};

G_DEFINE_FINAL_TYPE (VtrCamera, vtr_camera, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SOURCE,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum
{
  SIGNAL_FRAME_READY,
  SIGNAL_CODES_FOUND,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_pipeline (VtrCamera *self);
static void stop_pipeline (VtrCamera *self);
static char *pipeline_description (const char  *camera_source,
                                   guint        slide,
                                   GError     **error);
static void run_pipeline (VtrCamera  *self,
                          GstElement *pipeline,
                          GError     *parse_error);
static void fail (VtrCamera *self,
                  GError    *error);

static void
set_state (VtrCamera      *self,
           VtrCameraState  state,
           GError         *error)
{
  gboolean error_changed = (error != NULL) != (self->error != NULL) ||
                           (error && g_strcmp0 (error->message, self->error->message) != 0);

  g_clear_error (&self->error);
  self->error = error;
  self->error_msgid = NULL;

  if (state == VTR_CAMERA_RUNNING)
    self->has_run = TRUE;
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (error_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/*
 * Hands @func to the camera's main context, from the decoder's or a
 * streaming thread: always as a source dispatched there, never called
 * here. g_main_context_invoke_full() would call it at once on this thread
 * when nobody owns the context at that moment — the main thread between
 * two turns of its loop, showing a window or spinning the loop by hand —
 * and the screen's handlers would then run beside the main thread (a
 * GtkPicture's texture swapped while GTK measured it).
 */
static void
invoke_in_context (VtrCamera      *self,
                   int             priority,
                   GSourceFunc     func,
                   gpointer        data,
                   GDestroyNotify  notify,
                   const char     *name)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);
}

/* Worker thread. */

typedef struct
{
  GWeakRef   camera;
  GPtrArray *codes;
  gint64     entered;
  guint      generation;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_weak_ref_clear (&delivery->camera);
  g_clear_pointer (&delivery->codes, g_ptr_array_unref);
  g_free (delivery);
}

static gboolean
deliver_codes (gpointer data)
{
  Delivery *delivery = data;
  g_autoptr(VtrCamera) self = g_weak_ref_get (&delivery->camera);

  if (self == NULL || delivery->generation != self->generation)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->lock);
  self->stats.last_latency = g_get_monotonic_time () - delivery->entered;
  self->stats.reported += delivery->codes->len;
  g_mutex_unlock (&self->lock);

  g_signal_emit (self, signals[SIGNAL_CODES_FOUND], 0, delivery->codes);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  char   *key;
  gint64  when;
} Seen;

static gboolean
seen_before (gpointer key,
             gpointer when,
             gpointer since)
{
  return (gint64) GPOINTER_TO_SIZE (when) < *(gint64 *) since;
}

static gpointer
worker_main (gpointer data)
{
  VtrCamera *self = data;
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  g_autoptr(GHashTable) last_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint forgotten = 0;

  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GPtrArray) fresh = NULL;
      GstVideoInfo info;
      GstVideoFrame video_frame;
      gint64 entered, now;
      guint cooldown_ms, generation;

      g_mutex_lock (&self->lock);
      /* Not before the first frame is on the screen: at start the
       * decoder would take a core from the main thread building the
       * window (issue 21), for a code nobody could act upon yet. */
      while (!self->quit && (self->pending == NULL || !self->shown))
        g_cond_wait (&self->wake, &self->lock);
      if (self->quit)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      sample = g_steal_pointer (&self->pending);
      entered = self->pending_entered;
      cooldown_ms = self->cooldown_ms;
      generation = self->generation;
      if (forgotten != self->forgotten)
        {
          forgotten = self->forgotten;
          g_hash_table_remove_all (last_seen);
        }
      g_mutex_unlock (&self->lock);

      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
          !gst_video_frame_map (&video_frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
        continue;

      {
        VtrFrame frame = {
          .data = GST_VIDEO_FRAME_PLANE_DATA (&video_frame, 0),
          .width = GST_VIDEO_FRAME_WIDTH (&video_frame),
          .height = GST_VIDEO_FRAME_HEIGHT (&video_frame),
          .stride = GST_VIDEO_FRAME_PLANE_STRIDE (&video_frame, 0),
          .index = (guint) GST_BUFFER_OFFSET (gst_sample_get_buffer (sample)),
          .timestamp = entered,
        };

        codes = vtr_decoder_decode (decoder, &frame, VTR_DECODE_LIVE);
      }
      gst_video_frame_unmap (&video_frame);

      g_mutex_lock (&self->lock);
      self->stats.decoded++;
      self->stats.frame_width = GST_VIDEO_INFO_WIDTH (&info);
      self->stats.frame_height = GST_VIDEO_INFO_HEIGHT (&info);
      g_mutex_unlock (&self->lock);

      /* The cooldown: a code held in front of the camera is one code. */
      now = g_get_monotonic_time ();
      /* Codes out of view for longer than the cooldown are forgotten: a
       * day of different cards and products does not pile up. */
      if (g_hash_table_size (last_seen) > 32)
        g_hash_table_foreach_remove (last_seen, seen_before, &(gint64) { now - (gint64) cooldown_ms * 1000 });
      fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
      for (guint i = 0; i < codes->len; i++)
        {
          VtrSymbol *code = g_ptr_array_index (codes, i);
          g_autofree char *key = g_strdup_printf ("%d:%s", code->symbology, code->text);
          gpointer when;

          if (g_hash_table_lookup_extended (last_seen, key, NULL, &when) &&
              now - GPOINTER_TO_SIZE (when) < (gint64) cooldown_ms * 1000)
            {
              /* Still in view: the cooldown runs from when it was last seen. */
              g_hash_table_insert (last_seen, g_steal_pointer (&key), GSIZE_TO_POINTER (now));
              continue;
            }
          g_hash_table_insert (last_seen, g_steal_pointer (&key), GSIZE_TO_POINTER (now));
          g_ptr_array_add (fresh, vtr_symbol_copy (code));
        }

      if (fresh->len > 0)
        {
          Delivery *delivery = g_new0 (Delivery, 1);

          g_weak_ref_init (&delivery->camera, self);
          delivery->codes = g_steal_pointer (&fresh);
          delivery->entered = entered;
          delivery->generation = generation;
          invoke_in_context (self, G_PRIORITY_HIGH, deliver_codes, delivery, delivery_free,
                             "[vitrine] camera codes");
        }
    }

  return NULL;
}

/* Streaming threads. */

/* With the lock held: whether @sink belongs to a pipeline the camera has
 * stopped since (one launched on a worker and stopped before it answered
 * plays until the answer frees it): its frames are neither shown nor
 * read, so a stopped camera finds no code. */
static gboolean
is_stale (VtrCamera  *self,
          GstAppSink *sink)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (sink), "vtr-generation")) != self->generation;
}

static GstFlowReturn
on_decode_sample (GstAppSink *sink,
                  gpointer    user_data)
{
  VtrCamera *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  g_mutex_lock (&self->lock);
  if (is_stale (self, sink))
    {
      g_mutex_unlock (&self->lock);
      gst_sample_unref (sample);
      return GST_FLOW_OK;
    }
  self->stats.frames++;
  if (self->pending != NULL)
    {
      /* The decoder is busy: the newest frame wins. */
      gst_sample_unref (self->pending);
      self->stats.dropped++;
    }
  self->pending = sample;
  self->pending_entered = g_get_monotonic_time ();
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);

  return GST_FLOW_OK;
}

/* A preview frame's buffer, mapped for as long as its bytes live. */
typedef struct
{
  GstBuffer  *buffer;
  GstMapInfo  map;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

static gboolean
deliver_preview (gpointer data)
{
  GWeakRef *ref = data;
  g_autoptr(VtrCamera) self = g_weak_ref_get (ref);
  g_autoptr(GstSample) sample = NULL;
  GstVideoInfo info;
  MappedFrame *mapped;
  GstBuffer *buffer;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->preview);
  self->preview_queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (sample == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    return G_SOURCE_REMOVE;

  /* Frames flow: the camera works (again). */
  if (self->state != VTR_CAMERA_RUNNING)
    set_state (self, VTR_CAMERA_RUNNING, NULL);

  /* The frame's bytes are handed over as they are, mapped, not copied:
   * the main thread does not copy megabytes thirty times a second. */
  buffer = gst_sample_get_buffer (sample);
  mapped = g_new0 (MappedFrame, 1);
  mapped->buffer = gst_buffer_ref (buffer);
  if (gst_buffer_map (mapped->buffer, &mapped->map, GST_MAP_READ))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (mapped->map.data, mapped->map.size,
                                                            mapped_frame_free, mapped);

      g_signal_emit (self, signals[SIGNAL_FRAME_READY], 0, bytes, GST_VIDEO_INFO_WIDTH (&info),
                     GST_VIDEO_INFO_HEIGHT (&info), GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
    }
  else
    {
      gst_buffer_unref (mapped->buffer);
      g_free (mapped);
    }
  if (!self->shown)
    {
      /* The first frame is out: the decoder may read the newest now. */
      g_mutex_lock (&self->lock);
      self->shown = TRUE;
      g_cond_signal (&self->wake);
      g_mutex_unlock (&self->lock);
    }
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static GstFlowReturn
on_preview_sample (GstAppSink *sink,
                   gpointer    user_data)
{
  VtrCamera *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean queue;

  if (sample == NULL)
    return GST_FLOW_EOS;

  g_mutex_lock (&self->lock);
  if (is_stale (self, sink))
    {
      g_mutex_unlock (&self->lock);
      gst_sample_unref (sample);
      return GST_FLOW_OK;
    }
  g_clear_pointer (&self->preview, gst_sample_unref);
  self->preview = sample;
  queue = !self->preview_queued;
  self->preview_queued = TRUE;
  g_mutex_unlock (&self->lock);

  if (queue)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      invoke_in_context (self, G_PRIORITY_DEFAULT, deliver_preview, ref, weak_ref_free,
                         "[vitrine] camera preview");
    }
  return GST_FLOW_OK;
}

/* Main context. */

/*
 * A camera that failed is tried again every few seconds, and building its
 * pipeline (gst_parse_launch() linking decodebin, the converters and the
 * sinks, caps queries and all) takes 10 to 40 ms: on the main thread, that
 * was a stall every retry for a kiosk without a camera
 * (tests/bench/bench-main-thread --phases). A retry builds it on a worker
 * thread; the main context runs it. Until frames flow the camera stays
 * failed, as it is: no "starting" every few seconds for the screen to show.
 * A folder shown as a camera is a new pipeline for each image, every two
 * seconds: the next one is found, checked and built on a worker thread
 * too, while the image before stays on the screen.
 */
typedef struct
{
  char       *camera_source;
  guint       slide;
  gboolean    next_slide;   /* a folder's next image, not a retry */
  char       *description;  /* NULL: why is in @error */
  GstElement *pipeline;
  GError     *error;
  guint       generation;   /* the camera's when the retry began */
} Relaunch;

static void
relaunch_free (gpointer data)
{
  Relaunch *relaunch = data;

  g_free (relaunch->camera_source);
  g_free (relaunch->description);
  if (relaunch->pipeline)
    gst_object_unref (gst_object_ref_sink (relaunch->pipeline));
  g_clear_error (&relaunch->error);
  g_free (relaunch);
}

/* Worker thread. */
static void
relaunch_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  Relaunch *relaunch = data;

  relaunch->description = pipeline_description (relaunch->camera_source, relaunch->slide, &relaunch->error);
  if (relaunch->description)
    relaunch->pipeline = gst_parse_launch (relaunch->description, &relaunch->error);
  g_task_return_boolean (task, TRUE);
}

static guint
current_generation (VtrCamera *self)
{
  guint generation;

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  return generation;
}

static void
on_relaunched (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  VtrCamera *self = VTR_CAMERA (source);
  Relaunch *relaunch = g_task_get_task_data (G_TASK (result));

  /* Started or stopped meanwhile: that one stands. A retry replaces a
   * failed camera, a folder's next image the image before. */
  if (relaunch->generation != current_generation (self) || self->retry_source != 0 ||
      self->state != (relaunch->next_slide ? VTR_CAMERA_RUNNING : VTR_CAMERA_FAILED))
    return;
  stop_pipeline (self);
  if (relaunch->description == NULL)
    fail (self, g_steal_pointer (&relaunch->error));
  else
    run_pipeline (self, g_steal_pointer (&relaunch->pipeline), g_steal_pointer (&relaunch->error));
}

/* Builds the pipeline on a worker thread; the main context runs it. */
static void
relaunch (VtrCamera *self,
          gboolean   next_slide)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_relaunched, NULL);
  Relaunch *relaunch = g_new0 (Relaunch, 1);

  relaunch->camera_source = g_strdup (self->source);
  relaunch->slide = self->slide;
  relaunch->next_slide = next_slide;
  relaunch->generation = current_generation (self);
  g_task_set_source_tag (task, relaunch);
  g_task_set_task_data (task, relaunch, relaunch_free);
  g_task_run_in_thread (task, relaunch_in_thread);
}

static gboolean
retry_cb (gpointer data)
{
  VtrCamera *self = data;

  self->retry_source = 0;
  g_mutex_lock (&self->lock);
  self->stats.restarts++;
  g_mutex_unlock (&self->lock);
  relaunch (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
fail (VtrCamera *self,
      GError    *error)
{
  stop_pipeline (self);
  set_state (self, VTR_CAMERA_FAILED, error);

  /* Try again by itself: the camera may be plugged back in. */
  if (self->retry_source == 0)
    {
      GSource *source = g_timeout_source_new (self->retry_ms);

      g_source_set_callback (source, retry_cb, self, NULL);
      self->retry_source = g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* A failure in the camera's own words (no name nor path in them): they
 * are kept untranslated too, so that a window rebuilt in another language
 * says them in it (vtr_camera_dup_error_text()). */
static void
fail_own (VtrCamera  *self,
          int         code,
          const char *msgid)
{
  fail (self, g_error_new_literal (VTR_SCAN_ERROR, code, _(msgid)));
  self->error_msgid = msgid;
}

/* Why GStreamer stopped, in the camera's own words (untranslated: see
 * fail_own()), and its @code. */
static const char *
error_from_gst (VtrCamera    *self,
                const GError *gst_error,
                int          *code)
{
  gboolean was_running = self->state == VTR_CAMERA_RUNNING;

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY))
    {
      *code = VTR_SCAN_ERROR_CAMERA_BUSY;
      return N_("The camera is in use by another program. Vitrine will try again by itself.");
    }

  if (!was_running &&
      (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND) ||
       g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ) ||
       g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE) ||
       g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS)))
    {
      *code = VTR_SCAN_ERROR_NO_CAMERA;
      return NO_CAMERA_MSGID;
    }

  *code = VTR_SCAN_ERROR_CAMERA_LOST;
  return N_("The camera stopped working (was it unplugged?). Vitrine will start it again by itself.");
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  VtrCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gst_error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("camera %s: %s (%s)", self->source, gst_error->message, debug);
        int code;
        const char *msgid = error_from_gst (self, gst_error, &code);

        fail_own (self, code, msgid);
        return G_SOURCE_REMOVE;
      }

    case GST_MESSAGE_EOS:
      if (g_file_test (self->source, G_FILE_TEST_IS_DIR))
        {
          /* A folder of images: the next one, built on a worker thread;
           * this one stays meanwhile. */
          self->slide++;
          relaunch (self, TRUE);
          return G_SOURCE_REMOVE;
        }
      fail_own (self, VTR_SCAN_ERROR_CAMERA_LOST,
                N_("The camera stopped sending pictures. Vitrine will start it again by itself."));
      return G_SOURCE_REMOVE;

    default:
      return G_SOURCE_CONTINUE;
    }
}

static void
stop_pipeline (VtrCamera *self)
{
  if (self->bus_watch)
    {
      GSource *watch = g_main_context_find_source_by_id (self->context, self->bus_watch);

      if (watch)
        g_source_destroy (watch);
      self->bus_watch = 0;
    }

  if (self->pipeline)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }

  g_mutex_lock (&self->lock);
  self->generation++;
  if (self->pending != NULL)
    self->stats.dropped++;
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_clear_pointer (&self->preview, gst_sample_unref);
  g_mutex_unlock (&self->lock);
}

/* What gst_parse_launch() is to build for the camera's setting
 * @camera_source (for a folder, its image @slide), or NULL with why not.
 * Any thread: it reads the folder. */
static char *
pipeline_description (const char  *camera_source,
                      guint        slide,
                      GError     **error)
{
  g_autofree char *source = NULL;

  if (!vtr_scan_init (error))
    return NULL;

  if (g_file_test (camera_source, G_FILE_TEST_IS_DIR))
    {
      /* A folder: each image for two seconds in turn, round and round. */
      g_autoptr(GPtrArray) images = vtr_frame_reader_list_folder (camera_source, error);
      g_autofree char *quoted = NULL;

      if (images == NULL || images->len == 0)
        {
          if (error == NULL || *error == NULL)
            g_set_error (error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA,
                         _("The folder %s holds no image to show the camera"), camera_source);
          return NULL;
        }
      if (!vtr_frame_reader_check_size (g_ptr_array_index (images, slide % images->len), error))
        return NULL;
      quoted = g_strescape (g_ptr_array_index (images, slide % images->len), NULL);
      source = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                                "imagefreeze num-buffers=30 ! video/x-raw,framerate=15/1 ! "
                                "identity sync=true",
                                quoted);
    }
  else
    source = g_strdup (camera_source);

  return g_strdup_printf (
    "%s ! decodebin ! videoconvert ! tee name=t "
    /* The preview is scaled down to its size on screen, then converted,
     * on this branch's own thread: the main thread only uploads what it
     * shows (a 720p frame in RGB is 2.7 MB, 30 times a second). */
    "t. ! queue leaky=downstream max-size-buffers=1 ! videoscale ! videoconvert ! "
    "capsfilter name=preview-caps caps=video/x-raw,format=RGB,pixel-aspect-ratio=1/1 ! "
    "appsink name=preview sync=false max-buffers=1 drop=true "
    /* The decoder reads the luma plane: a camera's YUV frames reach it
     * unconverted, and only other formats are made grey. */
    "t. ! queue leaky=downstream max-size-buffers=1 ! videoconvert ! "
    "video/x-raw,format={ GRAY8, I420, YV12, NV12, NV21, Y42B, Y444 } ! "
    "appsink name=decode sync=false max-buffers=1 drop=true",
    source);
}

/* Runs what gst_parse_launch() built (@pipeline, floating, or NULL with
 * @parse_error; both taken). Main context. */
/* The pipeline's sinks call the camera, stamped with the @generation it
 * was built for (see is_stale()). */
/* The preview's caps: RGB, square pixels, no larger than it is shown
 * (never larger than the camera's frames: videoscale keeps the nearest
 * size, and the frame's shape). */
static void
apply_preview_size (VtrCamera  *self,
                    GstElement *pipeline)
{
  g_autoptr(GstElement) filter = NULL;
  g_autoptr(GstCaps) caps = NULL;
  int width, height;

  g_mutex_lock (&self->lock);
  width = self->preview_width;
  height = self->preview_height;
  g_mutex_unlock (&self->lock);
  if (pipeline == NULL || (filter = gst_bin_get_by_name (GST_BIN (pipeline), "preview-caps")) == NULL)
    return;
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB", "pixel-aspect-ratio",
                              GST_TYPE_FRACTION, 1, 1, NULL);
  if (width > 0 && height > 0)
    gst_caps_set_simple (caps, "width", GST_TYPE_INT_RANGE, 1, MAX (width, 2), "height", GST_TYPE_INT_RANGE, 1,
                         MAX (height, 2), NULL);
  g_object_set (filter, "caps", caps, NULL);
}

static void
connect_sinks (VtrCamera  *self,
               GstElement *pipeline,
               guint       generation)
{
  GstAppSinkCallbacks preview_callbacks = { .new_sample = on_preview_sample };
  GstAppSinkCallbacks decode_callbacks = { .new_sample = on_decode_sample };
  g_autoptr(GstElement) preview = gst_bin_get_by_name (GST_BIN (pipeline), "preview");
  g_autoptr(GstElement) decode = gst_bin_get_by_name (GST_BIN (pipeline), "decode");

  g_object_set_data (G_OBJECT (preview), "vtr-generation", GUINT_TO_POINTER (generation));
  g_object_set_data (G_OBJECT (decode), "vtr-generation", GUINT_TO_POINTER (generation));
  gst_app_sink_set_callbacks (GST_APP_SINK (preview), &preview_callbacks, self, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (decode), &decode_callbacks, self, NULL);
  apply_preview_size (self, pipeline);
}

static void
run_pipeline (VtrCamera  *self,
              GstElement *pipeline,
              GError     *parse_error)
{
  g_autoptr(GError) error = parse_error;
  g_autoptr(GstBus) bus = NULL;
  GSource *watch;

  self->pipeline = pipeline;
  if (self->pipeline == NULL || error != NULL)
    {
      g_autoptr(GError) message = g_error_new (VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA,
                                               _("The camera setting “%s” cannot be used: %s"),
                                               self->source, error ? error->message : "");
      g_clear_object (&self->pipeline);
      fail (self, g_steal_pointer (&message));
      return;
    }
  gst_object_ref_sink (self->pipeline);

  connect_sinks (self, self->pipeline, current_generation (self));

  bus = gst_element_get_bus (self->pipeline);
  watch = gst_bus_create_watch (bus);
  g_source_set_callback (watch, G_SOURCE_FUNC (on_bus_message), self, NULL);
  self->bus_watch = g_source_attach (watch, self->context);
  g_source_unref (watch);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      /* The bus holds the reason; it arrives as an error message. */
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message)
        on_bus_message (bus, message, self);
      else
        fail_own (self, VTR_SCAN_ERROR_NO_CAMERA, NO_CAMERA_MSGID);
    }
}


static void
start_pipeline (VtrCamera *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  GstElement *pipeline;

  stop_pipeline (self);
  /* The next image of a folder is no new start. */
  if (self->state != VTR_CAMERA_RUNNING)
    set_state (self, VTR_CAMERA_STARTING, NULL);

  description = pipeline_description (self->source, self->slide, &error);
  if (description == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  pipeline = gst_parse_launch (description, &error);
  run_pipeline (self, pipeline, g_steal_pointer (&error));
}

/*
 * The kiosk's start: the pipeline built and set playing on a worker
 * thread, so the main thread does not wait for GStreamer's registry, its
 * plugins and the elements' linking (about 75 M instructions, a tenth of
 * the main thread's work before the first frame) while it starts GTK.
 * The main context then watches its bus; frames reach it as always.
 */
typedef struct
{
  char                 *camera_source;
  char                 *description;  /* NULL: why is in @error */
  GstElement           *pipeline;
  GError               *error;
  GstStateChangeReturn  played;
  guint                 generation;
} Launch;

static void
launch_free (gpointer data)
{
  Launch *launch = data;

  g_free (launch->camera_source);
  g_free (launch->description);
  if (launch->pipeline)
    {
      gst_element_set_state (launch->pipeline, GST_STATE_NULL);
      gst_object_unref (launch->pipeline);
    }
  g_clear_error (&launch->error);
  g_free (launch);
}

/* Worker thread: the camera (source object) lives until the answer. */
static void
launch_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  VtrCamera *self = source;
  Launch *launch = data;

  launch->description = pipeline_description (launch->camera_source, 0, &launch->error);
  if (launch->description)
    launch->pipeline = gst_parse_launch (launch->description, &launch->error);
  if (launch->pipeline == NULL || launch->error != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  gst_object_ref_sink (launch->pipeline);
  connect_sinks (self, launch->pipeline, launch->generation);
  launch->played = gst_element_set_state (launch->pipeline, GST_STATE_PLAYING);
  g_task_return_boolean (task, TRUE);
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  VtrCamera *self = VTR_CAMERA (source);
  Launch *launch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GstBus) bus = NULL;
  GSource *watch;

  /* Stopped or started again meanwhile: that one stands (this pipeline
   * is stopped with the launch's data). */
  if (launch->generation != current_generation (self) || self->retry_source != 0 ||
      self->state != VTR_CAMERA_STARTING)
    return;
  if (launch->description == NULL)
    {
      fail (self, g_steal_pointer (&launch->error));
      return;
    }
  if (launch->pipeline == NULL || launch->error != NULL)
    {
      g_autoptr(GError) message = g_error_new (VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA,
                                               _("The camera setting “%s” cannot be used: %s"),
                                               self->source, launch->error ? launch->error->message : "");
      fail (self, g_steal_pointer (&message));
      return;
    }
  self->pipeline = g_steal_pointer (&launch->pipeline);
  bus = gst_element_get_bus (self->pipeline);
  watch = gst_bus_create_watch (bus);
  g_source_set_callback (watch, G_SOURCE_FUNC (on_bus_message), self, NULL);
  self->bus_watch = g_source_attach (watch, self->context);
  g_source_unref (watch);
  if (launch->played == GST_STATE_CHANGE_FAILURE)
    {
      /* The bus holds the reason; it arrives as an error message. */
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message)
        on_bus_message (bus, message, self);
      else
        fail_own (self, VTR_SCAN_ERROR_NO_CAMERA, NO_CAMERA_MSGID);
    }
}

/**
 * vtr_camera_launch:
 *
 * Starts the camera as vtr_camera_start() does, but builds its pipeline
 * and sets it playing on a worker thread: for the kiosk's start, where
 * the main thread has GTK to start meanwhile. The camera is
 * %VTR_CAMERA_STARTING until frames flow or it fails.
 */
void
vtr_camera_launch (VtrCamera *self)
{
  g_autoptr(GTask) task = NULL;
  Launch *launch;

  g_return_if_fail (VTR_IS_CAMERA (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  stop_pipeline (self);
  set_state (self, VTR_CAMERA_STARTING, NULL);
  /* A folder's slideshow starts as a retry does: its images are read on
   * a worker thread already, and it moves on by itself. */
  if (g_file_test (self->source, G_FILE_TEST_IS_DIR))
    {
      start_pipeline (self);
      return;
    }
  task = g_task_new (self, NULL, on_launched, NULL);
  launch = g_new0 (Launch, 1);
  launch->camera_source = g_strdup (self->source);
  launch->generation = current_generation (self);
  g_task_set_source_tag (task, vtr_camera_launch);
  g_task_set_task_data (task, launch, launch_free);
  g_task_run_in_thread (task, launch_in_thread);
}

/**
 * vtr_camera_source_from_path:
 * @path: an image or video file
 *
 * Returns: (transfer full): a source that shows the file to the decoder as
 * a camera would: a still image again and again, a video as it plays, a
 * folder's images two seconds each.
 */
char *
vtr_camera_source_from_path (const char *path)
{
  /* A folder is shown as it is: the camera turns it into a slideshow. */
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return g_strdup (path);

  g_autofree char *quoted = g_strescape (path, NULL);
  static const char * const stills[] = { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp" };
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (stills); i++)
    if (g_str_has_suffix (lower, stills[i]))
      return g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! imagefreeze ! "
                              "video/x-raw,framerate=15/1 ! identity sync=true",
                              quoted);

  return g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! identity sync=true", quoted);
}

static gboolean
looks_like_path (const char *text)
{
  return g_file_test (text, G_FILE_TEST_EXISTS) ||
         ((text[0] == '/' || g_str_has_prefix (text, "./")) && strchr (text, '!') == NULL);
}

/**
 * vtr_camera_choose_source:
 * @option: (nullable): what the person asked for (the --camera option)
 *
 * Which source to open, first found of: @option, the VITRINE_CAMERA
 * environment variable, the `camera-source` setting, the webcam last
 * chosen (`camera-device`), the default webcam. Each may be a GStreamer
 * source description or the path of an image or video file.
 *
 * Returns: (transfer full): a source description for vtr_camera_new().
 */
char *
vtr_camera_choose_source (const char *option)
{
  const char *env = g_getenv ("VITRINE_CAMERA");
  g_autofree char *setting = NULL;
  g_autofree char *device = NULL;
  const char *chosen = NULL;
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (schemas)
    schema = g_settings_schema_source_lookup (schemas, APPLICATION_ID, TRUE);
  if (schema)
    {
      g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

      setting = g_settings_get_string (settings, "camera-source");
      device = g_settings_get_string (settings, "camera-device");
    }

  if (option && *option)
    chosen = option;
  else if (env && *env)
    chosen = env;
  else if (setting && *setting)
    chosen = setting;

  if (chosen)
    return looks_like_path (chosen) ? vtr_camera_source_from_path (chosen) : g_strdup (chosen);
  if (device && *device)
    {
      g_autofree char *quoted = g_strescape (device, NULL);
      return g_strdup_printf ("v4l2src device=\"%s\"", quoted);
    }
  return g_strdup (DEFAULT_SOURCE);
}

void
vtr_camera_device_free (VtrCameraDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->source);
  g_free (device);
}

/**
 * vtr_camera_list_devices:
 *
 * Returns: (transfer full) (element-type VtrCameraDevice): the video
 * sources plugged in now, for the person setting up the kiosk to choose.
 */
GPtrArray *
vtr_camera_list_devices (void)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_camera_device_free);
  g_autoptr(GstDeviceMonitor) monitor = NULL;
  GList *found;

  if (!vtr_scan_init (NULL))
    return devices;

  monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    return devices;

  found = gst_device_monitor_get_devices (monitor);
  for (GList *l = found; l; l = l->next)
    {
      GstDevice *gst_device = l->data;
      g_autoptr(GstStructure) props = gst_device_get_properties (gst_device);
      const char *path = props ? gst_structure_get_string (props, "device.path") : NULL;
      VtrCameraDevice *device;

      if (path == NULL)
        continue;
      device = g_new0 (VtrCameraDevice, 1);
      device->name = gst_device_get_display_name (gst_device);
      device->source = g_strdup_printf ("v4l2src device=\"%s\"", path);
      g_ptr_array_add (devices, device);
    }
  g_list_free_full (found, gst_object_unref);
  gst_device_monitor_stop (monitor);
  return devices;
}

void
vtr_camera_start (VtrCamera *self)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  start_pipeline (self);
}

void
vtr_camera_stop (VtrCamera *self)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  if (self->retry_source)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->retry_source);

      if (source)
        g_source_destroy (source);
      self->retry_source = 0;
    }
  stop_pipeline (self);
  set_state (self, VTR_CAMERA_STOPPED, NULL);
}

VtrCameraState
vtr_camera_get_state (VtrCamera *self)
{
  g_return_val_if_fail (VTR_IS_CAMERA (self), VTR_CAMERA_STOPPED);
  return self->state;
}

/**
 * vtr_camera_get_error:
 *
 * Returns: (nullable): why the camera failed, in words for the kiosk's
 * users (domain %VTR_SCAN_ERROR), or %NULL.
 */
const GError *
vtr_camera_get_error (VtrCamera *self)
{
  g_return_val_if_fail (VTR_IS_CAMERA (self), NULL);
  return self->error;
}

/**
 * vtr_camera_get_health:
 *
 * How the camera is, in one word for the hub's heartbeat (the device list
 * says which kiosk needs a visit): "ok" while it shows pictures, "busy"
 * when another program holds it, "unplugged" when it failed after it had
 * shown pictures (a webcam pulled out, a folder of images emptied or
 * removed), "none" when it never showed any (no camera found).
 *
 * Returns: (nullable): the word, or %NULL while it starts or is stopped
 */
const char *
vtr_camera_get_health (VtrCamera *self)
{
  g_return_val_if_fail (VTR_IS_CAMERA (self), NULL);

  if (self->state == VTR_CAMERA_RUNNING)
    return "ok";
  if (self->state != VTR_CAMERA_FAILED)
    return NULL;
  if (g_error_matches (self->error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_CAMERA_BUSY))
    return "busy";
  if (self->has_run || g_error_matches (self->error, VTR_SCAN_ERROR, VTR_SCAN_ERROR_CAMERA_LOST))
    return "unplugged";
  return "none";
}

const char *
vtr_camera_get_source (VtrCamera *self)
{
  g_return_val_if_fail (VTR_IS_CAMERA (self), NULL);
  return self->source;
}

void
vtr_camera_set_cooldown (VtrCamera *self,
                         guint      milliseconds)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  g_mutex_lock (&self->lock);
  self->cooldown_ms = milliseconds;
  g_mutex_unlock (&self->lock);
}

/**
 * vtr_camera_dup_error_text:
 *
 * Why the camera failed, in the language shown now: its own words are
 * translated again (a language chosen since it failed), others (a
 * setting's name, GStreamer's reason) are as they were said.
 *
 * Returns: (transfer full) (nullable): the words, or %NULL if it did not fail
 */
char *
vtr_camera_dup_error_text (VtrCamera *self)
{
  g_return_val_if_fail (VTR_IS_CAMERA (self), NULL);

  if (self->error == NULL)
    return NULL;
  return g_strdup (self->error_msgid ? _(self->error_msgid) : self->error->message);
}

/**
 * vtr_camera_report_again:
 *
 * The codes in view now are reported once more, as if just held up: a
 * window that starts listening (at start, after a language change) hears
 * of the code someone held up before it was there, which the cooldown
 * would otherwise keep quiet for as long as it stays in view.
 */
void
vtr_camera_report_again (VtrCamera *self)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  g_mutex_lock (&self->lock);
  self->forgotten++;
  g_mutex_unlock (&self->lock);
}

void
vtr_camera_set_retry_interval (VtrCamera *self,
                               guint      milliseconds)
{
  g_return_if_fail (VTR_IS_CAMERA (self));
  self->retry_ms = MAX (10, milliseconds);
}

void
vtr_camera_get_stats (VtrCamera      *self,
                      VtrCameraStats *stats)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

/**
 * vtr_camera_set_preview_size:
 * @width: the preview's width on screen, in device pixels, or 0
 * @height: its height
 *
 * Frames for the preview ("frame-ready") are scaled down to fit in
 * @width × @height, on the pipeline's threads, keeping their shape; 0
 * sends them at the camera's size. The decoder still gets every pixel.
 */
void
vtr_camera_set_preview_size (VtrCamera *self,
                             int        width,
                             int        height)
{
  g_return_if_fail (VTR_IS_CAMERA (self));

  g_mutex_lock (&self->lock);
  if (width == self->preview_width && height == self->preview_height)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->preview_width = MAX (0, width);
  self->preview_height = MAX (0, height);
  g_mutex_unlock (&self->lock);
  apply_preview_size (self, self->pipeline);
}

static void
vtr_camera_dispose (GObject *object)
{
  VtrCamera *self = (VtrCamera *) object;

  if (self->retry_source)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->retry_source);

      if (source)
        g_source_destroy (source);
      self->retry_source = 0;
    }
  stop_pipeline (self);

  if (self->worker)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      g_cond_signal (&self->wake);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->worker));
    }

  G_OBJECT_CLASS (vtr_camera_parent_class)->dispose (object);
}

static void
vtr_camera_finalize (GObject *object)
{
  VtrCamera *self = (VtrCamera *) object;

  g_clear_pointer (&self->source, g_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (vtr_camera_parent_class)->finalize (object);
}

static void
vtr_camera_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VtrCamera *self = VTR_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error ? self->error->message : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_camera_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VtrCamera *self = VTR_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      if (self->source == NULL || *self->source == '\0')
        {
          g_free (self->source);
          self->source = g_strdup (DEFAULT_SOURCE);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_camera_class_init (VtrCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vtr_camera_dispose;
  object_class->finalize = vtr_camera_finalize;
  object_class->get_property = vtr_camera_get_property;
  object_class->set_property = vtr_camera_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, DEFAULT_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, VTR_CAMERA_STOPPED, VTR_CAMERA_FAILED,
                      VTR_CAMERA_STOPPED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VtrCamera::frame-ready:
   * @rgb: the newest frame, 8-bit RGB rows, for a GdkMemoryTexture
   *
   * At most once a main-loop turn: a slow main loop skips frames.
   */
  signals[SIGNAL_FRAME_READY] =
    g_signal_new ("frame-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_BYTES, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);

  /**
   * VtrCamera::codes-found:
   * @codes: (element-type VtrSymbol): codes not reported within the cooldown
   */
  signals[SIGNAL_CODES_FOUND] =
    g_signal_new ("codes-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
vtr_camera_init (VtrCamera *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->context = g_main_context_ref_thread_default ();
  self->cooldown_ms = DEFAULT_COOLDOWN_MS;
  self->retry_ms = DEFAULT_RETRY_MS;
  self->worker = g_thread_new ("vtr-decoder", worker_main, self);
}

/**
 * vtr_camera_new:
 * @source: (nullable): a GStreamer source description ("v4l2src
 *   device=/dev/video2", "filesrc location=… ! decodebin"), or %NULL for
 *   the default webcam
 */
VtrCamera *
vtr_camera_new (const char *source)
{
  return g_object_new (VTR_TYPE_CAMERA, "source", source, NULL);
}

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "vtr-camera.h"
#include "vtr-frame-light.h"
#include "vtr-frame-reader.h"
#include "vtr-test-util.h"

/*
 * The camera through real GStreamer pipelines fed by files, as a kiosk
 * without a webcam would run it: codes reach the main thread, the same
 * code is not reported twice within the cooldown, busy frames are dropped,
 * and failures (no device, a source that ends, a broken setting) are said
 * and recovered from by themselves.
 */

typedef struct
{
  GMainLoop *loop;
  GPtrArray *codes;   /* every VtrSymbol reported */
  guint      reports; /* codes-found emissions */
  guint      frames;  /* frame-ready emissions */
  int        width, height;
} Watch;

static void
on_codes (VtrCamera *camera, GPtrArray *codes, Watch *watch)
{
  watch->reports++;
  for (guint i = 0; i < codes->len; i++)
    g_ptr_array_add (watch->codes, vtr_symbol_copy (g_ptr_array_index (codes, i)));
}

static void
on_frame (VtrCamera *camera, GBytes *rgb, int width, int height, int stride, Watch *watch)
{
  watch->frames++;
  watch->width = width;
  watch->height = height;
  g_assert_cmpuint (g_bytes_get_size (rgb), >=, (gsize) stride * (height - 1) + width * 3);
}

static void
watch_init (Watch *watch, VtrCamera *camera)
{
  watch->loop = g_main_loop_new (NULL, FALSE);
  watch->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
  g_signal_connect (camera, "codes-found", G_CALLBACK (on_codes), watch);
  g_signal_connect (camera, "frame-ready", G_CALLBACK (on_frame), watch);
}

static void
watch_clear (Watch *watch)
{
  g_main_loop_unref (watch->loop);
  g_ptr_array_unref (watch->codes);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (Watch *watch, guint ms)
{
  g_timeout_add (ms, quit_loop, watch->loop);
  g_main_loop_run (watch->loop);
}

/* Runs the main loop until @check says so, at most @ms milliseconds. */
static gboolean
run_until (Watch *watch, gboolean (*check) (VtrCamera *, Watch *), VtrCamera *camera, guint ms)
{
  gint64 end = g_get_monotonic_time () + vtr_test_slow () * ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (check (camera, watch))
        return TRUE;
      run_for (watch, 20);
    }
  return check (camera, watch);
}

static gboolean
has_code (VtrCamera *camera, Watch *watch)
{
  return watch->codes->len > 0;
}

static gboolean
has_failed (VtrCamera *camera, Watch *watch)
{
  return vtr_camera_get_state (camera) == VTR_CAMERA_FAILED;
}

static gboolean
is_running (VtrCamera *camera, Watch *watch)
{
  return vtr_camera_get_state (camera) == VTR_CAMERA_RUNNING;
}

static gboolean
restarted_twice (VtrCamera *camera, Watch *watch)
{
  VtrCameraStats stats;

  vtr_camera_get_stats (camera, &stats);
  return stats.restarts >= 2;
}

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "codes", name, NULL);
}

static char *
expected_text (const char *name)
{
  g_autofree char *path = data_file (name);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_reads_codes (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  g_autofree char *expected = expected_text ("url.txt");
  VtrCameraStats stats;
  Watch watch = { 0 };
  gint64 started = g_get_monotonic_time ();

  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_code, camera, 5000));
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_RUNNING);
  g_assert_null (vtr_camera_get_error (camera));

  g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (watch.codes, 0))->text, ==, expected);
  g_assert_cmpuint (watch.frames, >, 0);
  g_assert_cmpint (watch.width, >, 0);

  /* From the frame entering the decoder's door to the main thread:
   * measured, and within the time the camera has run (how long it is,
   * bench-scan says: a loaded test machine makes it anything). */
  vtr_camera_get_stats (camera, &stats);
  g_assert_cmpint (stats.last_latency, >, 0);
  g_assert_cmpint (stats.last_latency, <, g_get_monotonic_time () - started);

  vtr_camera_stop (camera);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_STOPPED);
  watch_clear (&watch);
}

static gboolean
preview_small (VtrCamera *camera, Watch *watch)
{
  return watch->width > 0 && watch->width <= 320 && watch->height <= 240;
}

static gboolean
preview_full (VtrCamera *camera, Watch *watch)
{
  return watch->width == 1280;
}

/* The preview's frames come at the size the preview is shown, scaled on
 * the pipeline's threads, the frame's shape kept; the decoder still reads
 * every pixel of the camera's. */
static void
test_preview_size (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *expected = expected_text ("url.txt");
  g_autofree char *source = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! videoscale add-borders=true ! "
    "video/x-raw,format=I420,width=1280,height=720,pixel-aspect-ratio=1/1 ! imagefreeze ! "
    "video/x-raw,framerate=15/1 ! identity sync=true", image);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  VtrCameraStats stats;
  Watch watch = { 0 };

  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_code, camera, 10000));
  g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (watch.codes, 0))->text, ==, expected);
  /* Nothing asked: the camera's size. */
  g_assert_cmpint (watch.width, ==, 1280);
  g_assert_cmpint (watch.height, ==, 720);

  /* A preview shown 320×240: 320×180, the same shape. */
  vtr_camera_set_preview_size (camera, 320, 240);
  g_assert_true (run_until (&watch, preview_small, camera, 10000));
  g_assert_cmpint (watch.width, ==, 320);
  g_assert_cmpint (watch.height, ==, 180);
  vtr_camera_get_stats (camera, &stats);
  g_assert_cmpint (stats.frame_width, ==, 1280);
  g_assert_cmpint (stats.frame_height, ==, 720);

  /* Shown larger than the camera's frames: never enlarged. */
  vtr_camera_set_preview_size (camera, 2560, 1600);
  g_assert_true (run_until (&watch, preview_full, camera, 10000));
  g_assert_cmpint (watch.height, ==, 720);

  vtr_camera_stop (camera);
  watch_clear (&watch);
}

static void
test_cooldown (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  Watch watch = { 0 };
  VtrCameraStats stats;

  /* The same code in view for 1.5 s, 15 frames a second: reported once. */
  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_code, camera, 5000));
  run_for (&watch, 1500);
  g_assert_cmpuint (watch.codes->len, ==, 1);
  vtr_camera_get_stats (camera, &stats);
  g_assert_cmpuint (stats.decoded, >, 5);
  vtr_camera_stop (camera);
  watch_clear (&watch);
  g_clear_object (&camera);

  /* With no cooldown, every frame that reads it reports it. */
  camera = vtr_camera_new (source);
  vtr_camera_set_cooldown (camera, 0);
  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_code, camera, 5000));
  run_for (&watch, 500);
  g_assert_cmpuint (watch.codes->len, >, 2);
  vtr_camera_stop (camera);
  watch_clear (&watch);
}

/* At start the decoder waits for the first frame to reach the main
 * context (the window being built there, issue 21): frames flow on
 * GStreamer's threads meanwhile, none is decoded; then codes are read. */
static void
test_decodes_after_first_frame (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  Watch watch = { 0 };
  VtrCameraStats stats = { 0 };
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  watch_init (&watch, camera);
  vtr_camera_start (camera);
  /* The main context is not run: frames come, none reaches it. */
  while (stats.frames < 5 && g_get_monotonic_time () < deadline)
    {
      g_usleep (20000);
      vtr_camera_get_stats (camera, &stats);
    }
  g_assert_cmpuint (stats.frames, >=, 5);
  g_assert_cmpuint (stats.decoded, ==, 0);

  g_assert_true (run_until (&watch, has_code, camera, 5000));
  vtr_camera_get_stats (camera, &stats);
  g_assert_cmpuint (stats.decoded, >=, 1);
  vtr_camera_stop (camera);
  watch_clear (&watch);
}

/* The kiosk's start (issue 21): the pipeline is built and set playing on
 * a worker thread, so launching returns at once, even for a source that
 * cannot be built (vtr_camera_start() fails it there and then); the
 * failure, or the codes, come through the main context. */
static void
test_launch (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  g_autoptr(VtrCamera) broken = vtr_camera_new ("vitrinenosuchelement ! videoconvert");
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  g_autofree char *expected = expected_text ("url.txt");
  Watch watch = { 0 };

  vtr_camera_start (broken);
  g_assert_cmpint (vtr_camera_get_state (broken), ==, VTR_CAMERA_FAILED);
  vtr_camera_stop (broken);
  vtr_camera_launch (broken);
  g_assert_cmpint (vtr_camera_get_state (broken), ==, VTR_CAMERA_STARTING);
  watch_init (&watch, broken);
  g_assert_true (run_until (&watch, has_failed, broken, 10000));
  g_assert_error (vtr_camera_get_error (broken), VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA);
  g_assert_nonnull (strstr (vtr_camera_get_error (broken)->message, "vitrinenosuchelement"));
  vtr_camera_stop (broken);
  watch_clear (&watch);

  watch_init (&watch, camera);
  vtr_camera_launch (camera);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_STARTING);
  g_assert_true (run_until (&watch, has_code, camera, 10000));
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_RUNNING);
  g_assert_cmpstr (((VtrSymbol *) g_ptr_array_index (watch.codes, 0))->text, ==, expected);

  /* Stopped before the worker answered: the answer changes nothing. */
  vtr_camera_launch (camera);
  vtr_camera_stop (camera);
  run_for (&watch, 500);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_STOPPED);
  watch_clear (&watch);
}

static void
test_drops_busy_frames (void)
{
  /* 720p frames as fast as GStreamer can make them: far faster than the
   * decoder reads them. The newest frame wins; the others are dropped, and
   * the decoder is never behind by more than one. In YUY2, as a USB
   * camera sends them (left to itself, videotestsrc chose a format whose
   * conversion took a third of this test's time). */
  g_autoptr(VtrCamera) camera =
    vtr_camera_new ("videotestsrc pattern=snow num-buffers=300 ! "
                    "video/x-raw,format=YUY2,width=1280,height=720,framerate=1000/1");
  Watch watch = { 0 };
  VtrCameraStats stats;

  watch_init (&watch, camera);
  vtr_camera_start (camera);
  /* To the source's end: counted while frames still flow, one more may be
   * waiting in the slot. A loaded machine makes them slowly. */
  g_assert_true (run_until (&watch, has_failed, camera, 60000));
  vtr_camera_get_stats (camera, &stats);

  g_assert_cmpuint (stats.frames, >, 100);
  g_assert_cmpuint (stats.dropped, >, 0);
  g_assert_cmpuint (stats.decoded, <, stats.frames);
  g_assert_cmpuint (stats.decoded + stats.dropped, <=, stats.frames);
  g_assert_cmpuint (stats.decoded + stats.dropped + 1, >=, stats.frames);
  /* Snow holds no code. */
  g_assert_cmpuint (watch.codes->len, ==, 0);

  /* The source ended: said, not silent. */
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_FAILED);
  g_assert_error (vtr_camera_get_error (camera), VTR_SCAN_ERROR, VTR_SCAN_ERROR_CAMERA_LOST);
  /* (ops) It had shown pictures: the hub hears it was unplugged. */
  g_assert_cmpstr (vtr_camera_get_health (camera), ==, "unplugged");
  watch_clear (&watch);
}

static void
test_no_camera (void)
{
  g_autoptr(VtrCamera) camera = vtr_camera_new ("v4l2src device=/dev/vitrine-no-such-camera");
  Watch watch = { 0 };
  VtrCameraStats stats;

  watch_init (&watch, camera);
  vtr_camera_set_retry_interval (camera, 100);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_failed, camera, 5000));
  g_assert_error (vtr_camera_get_error (camera), VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA);
  g_assert_nonnull (strstr (vtr_camera_get_error (camera)->message, "camera"));
  /* (ops) Never a picture: the hub hears there is no camera. */
  g_assert_cmpstr (vtr_camera_get_health (camera), ==, "none");

  /* It keeps trying by itself. */
  g_assert_true (run_until (&watch, restarted_twice, camera, 10000));
  vtr_camera_get_stats (camera, &stats);
  g_assert_cmpuint (stats.restarts, >=, 2);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_FAILED);
  watch_clear (&watch);
}

static gboolean
restarted_four_times (VtrCamera *camera, Watch *watch)
{
  VtrCameraStats stats;

  vtr_camera_get_stats (camera, &stats);
  return stats.restarts >= 4;
}

static void
count_startings (VtrCamera  *camera,
                 GParamSpec *pspec,
                 guint      *startings)
{
  if (vtr_camera_get_state (camera) == VTR_CAMERA_STARTING)
    (*startings)++;
}

/* A missing camera is tried again on a worker thread (building the
 * pipeline stalled the main thread at every try): it stays "failed" while
 * it is tried, rather than "starting" at every try for the scan screen to
 * flicker between the camera and "No camera", and a try still under way
 * when the camera is stopped starts nothing. */
static void
test_retries_stay_failed (void)
{
  g_autoptr(VtrCamera) camera = vtr_camera_new ("v4l2src device=/dev/vitrine-no-such-camera");
  Watch watch = { 0 };
  guint startings = 0;

  watch_init (&watch, camera);
  vtr_camera_set_retry_interval (camera, 30);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_failed, camera, 5000));
  g_signal_connect (camera, "notify::state", G_CALLBACK (count_startings), &startings);

  g_assert_true (run_until (&watch, restarted_four_times, camera, 10000));
  g_assert_cmpuint (startings, ==, 0);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_FAILED);
  g_assert_error (vtr_camera_get_error (camera), VTR_SCAN_ERROR, VTR_SCAN_ERROR_NO_CAMERA);

  vtr_camera_stop (camera);
  run_for (&watch, 300);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_STOPPED);
  g_signal_handlers_disconnect_by_data (camera, &startings);
  watch_clear (&watch);
}

static void
test_broken_setting (void)
{
  g_autoptr(VtrCamera) camera = vtr_camera_new ("no-such-element name=x");
  Watch watch = { 0 };

  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_FAILED);
  g_assert_nonnull (strstr (vtr_camera_get_error (camera)->message, "no-such-element"));
  watch_clear (&watch);
}

static void
test_recovers_when_back (void)
{
  /* The camera is not there at first (a file that does not exist yet),
   * then it is plugged in: the camera starts by itself and reads. */
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *device = g_build_filename (dir, "camera.png", NULL);
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (device);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  g_autofree char *contents = NULL;
  gsize len;
  Watch watch = { 0 };

  watch_init (&watch, camera);
  vtr_camera_set_retry_interval (camera, 100);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_failed, camera, 5000));
  g_assert_nonnull (vtr_camera_get_error (camera));
  g_assert_cmpuint (watch.codes->len, ==, 0);
  g_assert_cmpstr (vtr_camera_get_health (camera), ==, "none");

  g_assert_true (g_file_get_contents (image, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (device, contents, len, NULL));

  g_assert_true (run_until (&watch, has_code, camera, 5000));
  g_assert_true (run_until (&watch, is_running, camera, 2000));
  g_assert_null (vtr_camera_get_error (camera));
  g_assert_cmpstr (vtr_camera_get_health (camera), ==, "ok");

  vtr_camera_stop (camera);
  watch_clear (&watch);
  vtr_test_remove_tree (dir);
}

static void
test_finalizes_cleanly (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  VtrCamera *camera = vtr_camera_new (source);
  Watch watch = { 0 };

  /* Dropped while running, with frames in flight: no leak, no crash, no
   * late signal. */
  watch_init (&watch, camera);
  vtr_camera_start (camera);
  run_for (&watch, 300);
  g_signal_handlers_disconnect_by_data (camera, &watch);
  g_assert_finalize_object (camera);
  run_for (&watch, 100);
  watch_clear (&watch);
}

static gboolean
has_two_codes (VtrCamera *camera, Watch *watch)
{
  for (guint i = 1; i < watch->codes->len; i++)
    if (!g_str_equal (((VtrSymbol *) g_ptr_array_index (watch->codes, i))->text,
                      ((VtrSymbol *) g_ptr_array_index (watch->codes, 0))->text))
      return TRUE;
  return FALSE;
}

static void
test_folder (void)
{
  /* A folder of images as a camera: each shown in turn. */
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *source = NULL;
  g_autoptr(VtrCamera) camera = NULL;
  static const char * const names[] = { "url.png", "inverted.webp" };
  Watch watch = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = data_file (names[i]);
      g_autofree char *to = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }

  source = vtr_camera_source_from_path (dir);
  camera = vtr_camera_new (source);
  watch_init (&watch, camera);
  vtr_camera_start (camera);
  g_assert_true (run_until (&watch, has_two_codes, camera, 10000));
  g_assert_cmpint (vtr_camera_get_state (camera), ==, VTR_CAMERA_RUNNING);
  vtr_camera_stop (camera);
  watch_clear (&watch);
  vtr_test_remove_tree (dir);
}

/* Where each filesrc of a camera's pipelines was made: GStreamer's log
 * says when it makes an element, on the thread that makes it. */
static GThread *main_thread;
static gint filesrc_on_main;
static gint filesrc_elsewhere;

static void
on_gst_log (GstDebugCategory *category,
            GstDebugLevel     level,
            const gchar      *file,
            const gchar      *function,
            gint              line,
            GObject          *object,
            GstDebugMessage  *message,
            gpointer          data)
{
  const char *text = gst_debug_message_get (message);

  if (g_strcmp0 (gst_debug_category_get_name (category), "GST_ELEMENT_FACTORY") != 0 || text == NULL ||
      strstr (text, "creating") == NULL || strstr (text, "filesrc") == NULL)
    return;
  if (g_thread_self () == main_thread)
    g_atomic_int_inc (&filesrc_on_main);
  else
    g_atomic_int_inc (&filesrc_elsewhere);
}

/* A folder as a camera is a new pipeline for each image, every two
 * seconds: after the first, each is built on a worker thread, never on
 * the main thread the window draws on (finding the image, checking it and
 * linking the pipeline took 10 to 40 ms). */
static void
test_folder_off_main_thread (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *source = NULL;
  g_autoptr(VtrCamera) camera = NULL;
  static const char * const names[] = { "url.png", "inverted.webp" };
  Watch watch = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = data_file (names[i]);
      g_autofree char *to = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }

  main_thread = g_thread_self ();
  gst_debug_set_threshold_for_name ("GST_ELEMENT_FACTORY", GST_LEVEL_INFO);
  gst_debug_add_log_function (on_gst_log, NULL, NULL);
  source = vtr_camera_source_from_path (dir);
  camera = vtr_camera_new (source);
  watch_init (&watch, camera);
  vtr_camera_start (camera);
  /* Both images read: the second came from the next pipeline. */
  g_assert_true (run_until (&watch, has_two_codes, camera, 10000));
  vtr_camera_stop (camera);
  gst_debug_remove_log_function (on_gst_log);
  gst_debug_set_threshold_for_name ("GST_ELEMENT_FACTORY", GST_LEVEL_NONE);
  watch_clear (&watch);
  vtr_test_remove_tree (dir);

  /* The first when the camera started, the next ones elsewhere. */
  g_assert_cmpint (g_atomic_int_get (&filesrc_on_main), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&filesrc_elsewhere), >=, 1);
}

static void
test_choose_source (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *from_option = NULL;
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *described = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  /* The option first, then VITRINE_CAMERA; a path becomes a still source. */
  g_setenv ("VITRINE_CAMERA", "videotestsrc pattern=ball", TRUE);
  from_option = vtr_camera_choose_source (image);
  g_assert_nonnull (strstr (from_option, "filesrc"));
  g_assert_nonnull (strstr (from_option, "imagefreeze"));
  from_env = vtr_camera_choose_source (NULL);
  g_assert_cmpstr (from_env, ==, "videotestsrc pattern=ball");
  described = vtr_camera_choose_source ("v4l2src device=/dev/video3");
  g_assert_cmpstr (described, ==, "v4l2src device=/dev/video3");

  /* Nothing set (the test's settings are in memory): the webcam. */
  g_unsetenv ("VITRINE_CAMERA");
  fallback = vtr_camera_choose_source (NULL);
  g_assert_true (g_str_has_prefix (fallback, "v4l2src"));

  /* No webcam on a test machine; the list says so rather than failing. */
  devices = vtr_camera_list_devices ();
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (g_str_has_prefix (((VtrCameraDevice *) g_ptr_array_index (devices, i))->source,
                                     "v4l2src device="));
}

/* The light of a frame: a reflection burning a fifth of the picture is
 * glare, a frame in the dark is dark, a grey scene with a code is good. */
static void
test_light (void)
{
  const int width = 640, height = 360, stride = width * 3;
  g_autofree guint8 *rgb = g_malloc (stride * height);
  double mean, burnt;

  /* A code (black and white squares) on a grey counter. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 v = 120;

        if (x >= 220 && x < 420 && y >= 80 && y < 280)
          v = ((x / 20 + y / 20) % 2) ? 20 : 235;
        memset (rgb + y * stride + x * 3, v, 3);
      }
  g_assert_cmpint (vtr_frame_light (rgb, width, height, stride, &mean, &burnt), ==, VTR_LIGHT_GOOD);
  g_assert_cmpfloat (burnt, <, 0.01);

  /* A shop window's reflection: a white blob over a third of it. */
  for (int y = 0; y < height; y++)
    memset (rgb + y * stride, 255, (width / 3) * 3);
  g_assert_cmpint (vtr_frame_light (rgb, width, height, stride, &mean, &burnt), ==, VTR_LIGHT_GLARE);
  g_assert_cmpfloat (burnt, >, 0.3);

  /* Night: everything below a dim 25. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      memset (rgb + y * stride + x * 3, (x + y) % 25, 3);
  g_assert_cmpint (vtr_frame_light (rgb, width, height, stride, &mean, &burnt), ==, VTR_LIGHT_DARK);
  g_assert_cmpfloat (mean, <, 25);

  g_assert_cmpint (vtr_frame_light (NULL, 0, 0, 0, NULL, NULL), ==, VTR_LIGHT_GOOD);
}

/* Which threads the camera's signals were emitted on. */
typedef struct
{
  GThread *main_thread;
  guint    on_main;
  guint    elsewhere;
  guint    codes;
} Threads;

static void
count_thread (Threads *threads)
{
  if (g_thread_self () == threads->main_thread)
    threads->on_main++;
  else
    threads->elsewhere++;
}

static void
on_frame_thread (VtrCamera *camera, GBytes *rgb, int width, int height, int stride, Threads *threads)
{
  count_thread (threads);
}

static void
on_codes_thread (VtrCamera *camera, GPtrArray *codes, Threads *threads)
{
  count_thread (threads);
  threads->codes++;
}

/* Frames and codes reach the main thread only, whatever the main thread
 * is doing: also while it is busy between two turns of its main loop (a
 * window being shown, a test or a benchmark spinning the loop by hand),
 * when the camera's threads could take the main context for themselves
 * and run the screen's handlers at the same time as the main thread (a
 * GtkPicture's texture replaced while it was being measured). */
static void
test_main_thread_only (void)
{
  g_autofree char *image = data_file ("url.png");
  g_autofree char *source = vtr_camera_source_from_path (image);
  g_autoptr(VtrCamera) camera = vtr_camera_new (source);
  Threads threads = { g_thread_self (), 0, 0, 0 };
  gint64 end = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;

  g_signal_connect (camera, "frame-ready", G_CALLBACK (on_frame_thread), &threads);
  g_signal_connect (camera, "codes-found", G_CALLBACK (on_codes_thread), &threads);
  vtr_camera_start (camera);
  while ((threads.codes == 0 || threads.on_main + threads.elsewhere < 20) && g_get_monotonic_time () < end)
    {
      /* Busy, not in the main loop: nobody owns the main context. */
      g_usleep (20 * 1000);
      g_main_context_iteration (NULL, FALSE);
    }
  vtr_camera_stop (camera);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_test_message ("%u emissions on the main thread, %u elsewhere", threads.on_main, threads.elsewhere);
  g_assert_cmpuint (threads.codes, >, 0);
  g_assert_cmpuint (threads.on_main, >, 0);
  g_assert_cmpuint (threads.elsewhere, ==, 0);
}

#ifdef __SANITIZE_ADDRESS__
/* GStreamer copies its list of log functions on every change and leaves
 * the old copies (gstinfo.c), which tests/lsan.supp names by
 * gst_debug_add_log_function: this test's allocation stacks are taken
 * with the DWARF unwinder, the only one that sees that frame in a
 * library built without frame pointers (the suite's default is the fast
 * one; the environment's ASAN_OPTIONS still win). */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
#endif

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vtr_scan_init (NULL));

  g_test_add_func ("/camera/reads-codes", test_reads_codes);
  g_test_add_func ("/camera/preview-size", test_preview_size);
  g_test_add_func ("/camera/cooldown", test_cooldown);
  g_test_add_func ("/camera/decodes-after-first-frame", test_decodes_after_first_frame);
  g_test_add_func ("/camera/launch", test_launch);
  g_test_add_func ("/camera/main-thread-only", test_main_thread_only);
  g_test_add_func ("/camera/drops-busy-frames", test_drops_busy_frames);
  g_test_add_func ("/camera/no-camera", test_no_camera);
  g_test_add_func ("/camera/retries-stay-failed", test_retries_stay_failed);
  g_test_add_func ("/camera/broken-setting", test_broken_setting);
  g_test_add_func ("/camera/recovers-when-back", test_recovers_when_back);
  g_test_add_func ("/camera/finalizes-cleanly", test_finalizes_cleanly);
  g_test_add_func ("/camera/choose-source", test_choose_source);
  g_test_add_func ("/camera/folder", test_folder);
  g_test_add_func ("/camera/folder-off-main-thread", test_folder_off_main_thread);
  g_test_add_func ("/camera/light", test_light);

  return g_test_run ();
}

#include "config.h"

#include <adwaita.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-bench.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-qr-image.h"
#include "vtr-application.h"
#include "vtr-window.h"
#include "../vtr-test-util.h"

/*
 * The kiosk app under load, on a real display (Xvfb in ./run bench):
 *
 *  - cold start: from the process's start to the window's first frame,
 *    and to the camera being live (its first frame on screen);
 *  - scanning: the camera on a code 30 times a second for --seconds
 *    (default 120; an hour is --seconds 3600), the kiosk going back to the
 *    start every 3 s as if shoppers came and went: resident memory at
 *    the start and at the end, its growth, and the main thread's frame
 *    intervals (p50, p95: a frame is late when the main thread is busy).
 *
 *   bench-app [--seconds S]
 *
 * Beside the resident memory, the heap in use (what malloc has handed out
 * and not had back) tells a leak from fragmentation; run it with
 * GOBJECT_DEBUG=instance-count and it also lists the kinds of GObject
 * whose number grew between the 30 s mark and the end.
 */

static int seconds = 120;
static const GOptionEntry entries[] = {
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long to scan (default 120)", "S" },
  { NULL },
};

static double process_start_ms;
static double first_frame_ms = -1;
static double camera_live_ms = -1;
/* Frame intervals in a histogram of 10 µs steps up to 1 s (the last step
 * holds everything longer): its memory is all there, and touched, before
 * the measure starts. A list of every interval would grow by 0.5 KB a
 * second and be counted as the app's growth. */
#define STEPS_PER_MS 100
#define N_STEPS (1000 * STEPS_PER_MS + 1)
static guint32 intervals[N_STEPS];
static guint64 n_intervals;
static gint64 last_frame_time;
static gboolean measuring;
static guint64 previews;       /* preview frames shown while measuring */
static int preview_pixels;     /* of the last one */

/* One line of /proc/self/status, in MB (-1 if missing). */
static double
status_mb (const char *status,
           const char *key)
{
  const char *line = status ? strstr (status, key) : NULL;

  return line ? g_ascii_strtod (line + strlen (key), NULL) / 1024.0 : -1;
}

/* The resident memory, and by kind: anonymous (heaps, stacks, pools),
 * files (libraries, fonts), shared (pictures shared with the X server). */
typedef struct
{
  double rss, anon, file, shmem;
} Resident;

static Resident
resident (void)
{
  g_autofree char *status = NULL;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  return (Resident) { status_mb (status, "VmRSS:"), status_mb (status, "RssAnon:"),
                      status_mb (status, "RssFile:"), status_mb (status, "RssShmem:") };
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (first_frame_ms < 0)
    first_frame_ms = vtr_bench_now_ms () - process_start_ms;
  if (measuring && last_frame_time)
    {
      gint64 step = (now - last_frame_time) * STEPS_PER_MS / 1000;

      intervals[MIN (step, N_STEPS - 1)]++;
      n_intervals++;
    }
  last_frame_time = now;
  return G_SOURCE_CONTINUE;
}

static void
on_paintable (GObject    *picture,
              GParamSpec *pspec,
              gpointer    data)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));

  if (camera_live_ms < 0 && paintable)
    camera_live_ms = vtr_bench_now_ms () - process_start_ms;
  if (measuring && paintable)
    {
      previews++;
      preview_pixels = gdk_paintable_get_intrinsic_width (paintable) * gdk_paintable_get_intrinsic_height (paintable);
    }
}

/* The main thread's own processor time, ms. */
static double
main_thread_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

/* The camera's picture: the first GtkPicture in the window. */
static GtkWidget *
find_picture (GtkWidget *widget)
{
  if (GTK_IS_PICTURE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_picture (child);
      if (found)
        return found;
    }
  return NULL;
}

/* The interval below which @fraction of the frames lie. */
static double
interval_quantile (double fraction)
{
  guint64 below = 0, wanted = (guint64) (n_intervals * fraction);

  for (guint i = 0; i < N_STEPS; i++)
    if ((below += intervals[i]) > wanted)
      return (double) i / STEPS_PER_MS;
  return NAN;
}

/* The heap in use in every malloc arena (the streaming threads have
 * their own): from malloc_info()'s totals, what the arenas hold from the
 * system less what lies free in them, plus the chunks mapped on their own. */
static double
heap_mb (void)
{
  g_autofree char *xml = NULL;
  size_t length = 0;
  FILE *out = open_memstream (&xml, &length);
  const char *totals;
  double fast = 0, rest = 0, mapped = 0, system = 0;

  malloc_info (0, out);
  fclose (out);
  if (!(totals = g_strrstr (xml, "</heap>")))
    return -1;
  sscanf (totals, "</heap>\n<total type=\"fast\" count=\"%*d\" size=\"%lf\"/>\n"
                  "<total type=\"rest\" count=\"%*d\" size=\"%lf\"/>\n"
                  "<total type=\"mmap\" count=\"%*d\" size=\"%lf\"/>\n"
                  "<system type=\"current\" size=\"%lf\"/>",
          &fast, &rest, &mapped, &system);
  return (system - fast - rest + mapped) / 1048576.0;
}

/* How many objects of each kind are alive (with GOBJECT_DEBUG=instance-count). */
static void
count_objects (GType       type,
               GHashTable *counts)
{
  g_autofree GType *children = g_type_children (type, NULL);
  int n = g_type_get_instance_count (type);

  if (n > 0)
    g_hash_table_insert (counts, (gpointer) g_type_name (type), GINT_TO_POINTER (n));
  for (GType *child = children; *child; child++)
    count_objects (*child, counts);
}

static void
print_object_growth (GHashTable *before)
{
  g_autoptr(GHashTable) after = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer name, n;

  count_objects (G_TYPE_OBJECT, after);
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &name, &n))
    {
      int was = GPOINTER_TO_INT (g_hash_table_lookup (before, name));

      if (GPOINTER_TO_INT (n) > was)
        printf ("  more %s: %d → %d\n", (char *) name, was, GPOINTER_TO_INT (n));
    }
}

static void
run_for (double ms)
{
  double end = vtr_bench_now_ms () + ms;

  while (vtr_bench_now_ms () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— kiosk app benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *image = g_build_filename (dir, "code.png", NULL);
  g_autofree char *camera = NULL;
  g_autoptr(GString) json = g_string_new (NULL);
  VtrWindow *window;
  VtrApplication *app;
  GtkWidget *picture;
  g_autoptr(GHashTable) objects = g_hash_table_new (g_str_hash, g_str_equal);
  double rss_start, rss_end, heap_start = 0, p50, p95;
  double cpu_start, wall_start, cpu_ms, wall_ms;
  int steady_from = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  vtr_i18n_init ();

  /* The demo catalogue, and a code in front of the camera at 30 fps:
   * set up before the clock starts. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  }
  g_assert_true (vtr_qr_write_file ("3760001234567", "", image, FALSE, &error));
  /* A webcam's frames: 1280×720 in YUV, 30 a second, paced as a webcam
   * gives them (without the clock, imagefreeze pushes thousands a second
   * and the pipeline's threads take both processors from the window). */
  camera = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! videoscale ! "
                            "video/x-raw,format=I420,width=1280,height=720,pixel-aspect-ratio=1/1 ! "
                            "imagefreeze ! video/x-raw,framerate=30/1 ! identity sync=true", image);

  process_start_ms = vtr_bench_now_ms ();
  gtk_init ();
  adw_init ();
  app = vtr_application_new (dir, camera, FALSE);
  vtr_application_start (app);
  vtr_application_wait_opened (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  memset (intervals, 0, sizeof intervals);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, NULL, NULL);
  picture = find_picture (GTK_WIDGET (window));
  g_signal_connect (picture, "notify::paintable", G_CALLBACK (on_paintable), NULL);
  gtk_window_present (GTK_WINDOW (window));
  while ((first_frame_ms < 0 || camera_live_ms < 0) && vtr_bench_now_ms () - process_start_ms < 20000)
    g_main_context_iteration (NULL, TRUE);
  printf ("cold start: first frame %.0f ms, camera live %.0f ms\n", first_frame_ms, camera_live_ms);
  vtr_bench_report (json, "app", "first_frame_ms", first_frame_ms, 1000);
  vtr_bench_report (json, "app", "camera_live_ms", camera_live_ms, 1000);

  /* Scanning, shoppers coming and going. */
  run_for (5000);
  rss_start = resident ().rss;
  measuring = TRUE;
  cpu_start = main_thread_ms ();
  wall_start = vtr_bench_now_ms ();
  /* Growth is measured from the first 30 s mark: by then every screen
   * has been built once and the pools are full. */
  for (int s = 0; s < seconds; s += 3)
    {
      run_for (3000);
      g_action_group_activate_action (G_ACTION_GROUP (window), "go-home", NULL);
      if (s % 30 == 27)
        {
          Resident now = resident ();

          printf ("  %4d s: RSS %.1f MB (anonymous %.1f, files %.1f, shared %.1f), heap in use %.1f MB\n",
                  s + 3, now.rss, now.anon, now.file, now.shmem, heap_mb ());
          fflush (stdout);
          if (s + 3 == 30)
            {
              rss_start = now.rss;
              heap_start = heap_mb ();
              steady_from = s + 3;
              count_objects (G_TYPE_OBJECT, objects);
            }
        }
    }
  measuring = FALSE;
  cpu_ms = main_thread_ms () - cpu_start;
  wall_ms = vtr_bench_now_ms () - wall_start;
  rss_end = resident ().rss;
  p50 = interval_quantile (0.5);
  p95 = interval_quantile (0.95);
  printf ("scanning %d s: RSS %.1f MB at %d s → %.1f MB (%+.1f MB, %+.2f MB per 10 min); %u frames, "
          "interval p50 %.1f ms, p95 %.1f ms\n",
          seconds, rss_start, steady_from, rss_end, rss_end - rss_start,
          (rss_end - rss_start) * 600 / MAX (1, seconds - steady_from), (guint) n_intervals, p50, p95);
  /* The main thread's own time does not swing with the other work on
   * the machine as the intervals do. */
  printf ("main thread while scanning: %.1f%% of a core (%.2f ms a preview frame); %.1f preview frames a "
          "second, %d pixels each\n",
          100 * cpu_ms / wall_ms, cpu_ms / MAX (1, previews), previews * 1000 / wall_ms, preview_pixels);
  if (steady_from)
    {
      printf ("heap in use %.1f MB at %d s → %.1f MB (%+.2f MB)\n", heap_start, steady_from, heap_mb (),
              heap_mb () - heap_start);
      print_object_growth (objects);
    }
  vtr_bench_report (json, "app", "rss_mb", rss_end, 150);
  vtr_bench_report (json, "app", "rss_growth_mb_per_10min",
                    (rss_end - rss_start) * 600 / MAX (1, seconds - steady_from), 0);
  vtr_bench_report (json, "app", "frame_interval_p95_ms", p95, 16.7);
  vtr_bench_report (json, "app", "main_thread_core_percent_scanning", 100 * cpu_ms / wall_ms, NAN);

  vtr_application_stop (app);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
  vtr_test_remove_tree (dir);
  printf ("\n%s", json->str);
  return 0;
}

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-qr-image.h"
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
 */

static int seconds = 120;
static const GOptionEntry entries[] = {
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long to scan (default 120)", "S" },
  { NULL },
};

static double process_start_ms;
static double first_frame_ms = -1;
static double camera_live_ms = -1;
static GArray *intervals;
static gint64 last_frame_time;
static gboolean measuring;

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, "VmRSS:")))
    return -1;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
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
      double ms = (now - last_frame_time) / 1000.0;
      g_array_append_val (intervals, ms);
    }
  last_frame_time = now;
  return G_SOURCE_CONTINUE;
}

static void
on_paintable (GObject    *picture,
              GParamSpec *pspec,
              gpointer    data)
{
  if (camera_live_ms < 0 && gtk_picture_get_paintable (GTK_PICTURE (picture)))
    camera_live_ms = vtr_bench_now_ms () - process_start_ms;
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
  GtkWidget *picture;
  double rss_start, rss_end, p50, p95;
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
  camera = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! imagefreeze ! video/x-raw,framerate=30/1", image);

  process_start_ms = vtr_bench_now_ms ();
  gtk_init ();
  adw_init ();
  window = vtr_window_new (NULL, dir, camera, FALSE);
  intervals = g_array_new (FALSE, FALSE, sizeof (double));
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
  rss_start = rss_mb ();
  measuring = TRUE;
  /* Growth is measured from the first 30 s mark: by then every screen
   * has been built once and the pools are full. */
  for (int s = 0; s < seconds; s += 3)
    {
      run_for (3000);
      vtr_window_go_home (window);
      if (s % 30 == 27)
        {
          double rss = rss_mb ();

          printf ("  %4d s: RSS %.1f MB\n", s + 3, rss);
          if (s + 3 == 30)
            {
              rss_start = rss;
              steady_from = s + 3;
            }
        }
    }
  measuring = FALSE;
  rss_end = rss_mb ();
  p50 = intervals->len ? vtr_bench_quantile (intervals, 0.5) : NAN;
  p95 = intervals->len ? vtr_bench_quantile (intervals, 0.95) : NAN;
  printf ("scanning %d s: RSS %.1f MB at %d s → %.1f MB (%+.1f MB, %+.2f MB per 10 min); %u frames, "
          "interval p50 %.1f ms, p95 %.1f ms\n",
          seconds, rss_start, steady_from, rss_end, rss_end - rss_start,
          (rss_end - rss_start) * 600 / MAX (1, seconds - steady_from), intervals->len, p50, p95);
  vtr_bench_report (json, "app", "rss_mb", rss_end, 150);
  vtr_bench_report (json, "app", "rss_growth_mb_per_10min",
                    (rss_end - rss_start) * 600 / MAX (1, seconds - steady_from), 0);
  vtr_bench_report (json, "app", "frame_interval_p95_ms", p95, 16.7);

  vtr_window_stop (window);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_remove_tree (dir);
  printf ("\n%s", json->str);
  return 0;
}

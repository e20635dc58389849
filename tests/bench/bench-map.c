#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <shumate/shumate.h>

#include "vtr-bench.h"
#include "vtr-catalog-service.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-map.h"
#include "vtr-product-screen.h"
#include "../vtr-test-tiles.h"
#include "../vtr-test-util.h"

/*
 * The map screen's frames while the map pans (issue 22): the product
 * screen of the demo (ten stockists, ten pins) at 1920×1080 on the kiosk's
 * own MBTiles (made here: zoom 13 to 16 around the Vieux-Port), its map
 * moved a few pixels every frame as a finger's drag moves it, across tiles
 * it has and tiles it lacks. Each frame's time is the main thread's work
 * for it, from the frame clock's "before-paint" to its "after-paint"
 * (style, layout, drawing), and the interval between frames. Goal: p95
 * ≤ 16.7 ms (one frame at 60 Hz).
 *
 *   bench-map [--frames N]
 */

static int frames = 600;
static const GOptionEntry entries[] = {
  { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "How many frames to pan for (default 600)", "N" },
  { NULL },
};

typedef struct
{
  VtrMap  *map;
  GArray  *work;     /* ms */
  GArray  *interval; /* ms */
  GArray  *cpu;      /* ms: the main thread's processor time for the frame */
  double   started;
  double   started_cpu;
  double   last_end;
  int      frame;
  double   lat;
  double   lon;
  gboolean done;
} Pan;

/* The main thread's processor time: on a machine shared with other work
 * a frame's wall time is partly waiting for a processor. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Pan           *pan)
{
  pan->started = vtr_bench_now_ms ();
  pan->started_cpu = thread_cpu_ms ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Pan           *pan)
{
  double now = vtr_bench_now_ms ();

  if (pan->started > 0 && pan->frame > 10)
    {
      double work = now - pan->started;
      double cpu = thread_cpu_ms () - pan->started_cpu;

      g_array_append_val (pan->work, work);
      g_array_append_val (pan->cpu, cpu);
      if (pan->last_end > 0)
        {
          double interval = now - pan->last_end;

          g_array_append_val (pan->interval, interval);
        }
    }
  pan->last_end = now;
}

/* A drag's step each frame: about 6 px at zoom 16, east then back west. */
static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       data)
{
  Pan *pan = data;
  double step = 6 * 360.0 / (256 << 16);
  int leg = pan->frame / 200;

  pan->lon += (leg % 2 == 0 ? step : -step);
  pan->lat += (leg % 4 < 2 ? step / 2 : -step / 2);
  vtr_map_center_on (pan->map, pan->lat, pan->lon, 16);
  if (++pan->frame >= frames + 10)
    {
      pan->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- the map's frames while it pans");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *tiles = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(VtrCatalogService) catalog = NULL;
  Pan pan = { 0 };
  GtkWindow *window;
  GtkWidget *screen;
  GdkFrameClock *clock;
  guint count;
  double t0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  vtr_i18n_init ();
  gtk_init ();
  adw_init ();

  dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
    g_autoptr(VtrCatalog) cat = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_no_error (error);
    cat = vtr_catalog_new (store);
    if (!vtr_demo_load (cat, now, &counts, &error))
      g_error ("%s", error->message);
  }
  tiles = g_build_filename (dir, "tiles.mbtiles", NULL);
  t0 = vtr_bench_now_ms ();
  /* A ring of missing tiles beyond radius 6 at zoom 16: the pan crosses it. */
  count = vtr_test_write_mbtiles (tiles, VTR_DEMO_LAT, VTR_DEMO_LON, 13, 16, 6, 0.85, 0.82, 0.74);
  printf ("bench-map: %u tiles written in %.0f ms\n", count, vtr_bench_now_ms () - t0);

  catalog = vtr_catalog_service_new (dir);
  screen = vtr_product_screen_new (catalog);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_widget_add_css_class (GTK_WIDGET (window), "vitrine");
  gtk_window_set_default_size (window, 1920, 1080);
  gtk_window_set_child (window, screen);
  gtk_window_present (window);
  vtr_product_screen_show (VTR_PRODUCT_SCREEN (screen), 13, 0);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (vtr_product_screen_get_loading (VTR_PRODUCT_SCREEN (screen)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  for (GtkWidget *w = screen; w; )
    {
      /* The screen's map: depth first. */
      GtkWidget *next = gtk_widget_get_first_child (w);

      if (VTR_IS_MAP (w))
        {
          pan.map = VTR_MAP (w);
          break;
        }
      while (next == NULL && w != screen)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      if (next == NULL)
        break;
      w = next;
    }
  if (pan.map == NULL)
    g_error ("no map on the product screen");
  printf ("bench-map: %u pins\n", vtr_map_get_n_pins (pan.map));

  pan.work = g_array_new (FALSE, FALSE, sizeof (double));
  pan.interval = g_array_new (FALSE, FALSE, sizeof (double));
  pan.cpu = g_array_new (FALSE, FALSE, sizeof (double));
  pan.lat = VTR_DEMO_LAT;
  pan.lon = VTR_DEMO_LON;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &pan);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &pan);
  gtk_widget_add_tick_callback (GTK_WIDGET (pan.map), pan_tick, &pan, NULL);
  while (!pan.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (clock, &pan);

  printf ("bench-map: %u frames panned, %u tiles the cache lacked (drawn as plain ground)\n", pan.work->len,
          vtr_map_get_missing_tiles (pan.map));
  printf ("  frame work (before-paint to after-paint): p50 %.2f ms, p95 %.2f ms, max %.2f ms (goal p95 ≤ 16.7 ms)\n",
          vtr_bench_quantile (pan.work, 0.5), vtr_bench_quantile (pan.work, 0.95),
          vtr_bench_quantile (pan.work, 1.0));
  printf ("  the main thread's processor time in those frames: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
          vtr_bench_quantile (pan.cpu, 0.5), vtr_bench_quantile (pan.cpu, 0.95), vtr_bench_quantile (pan.cpu, 1.0));
  printf ("  frame interval: p50 %.2f ms, p95 %.2f ms\n", vtr_bench_quantile (pan.interval, 0.5),
          vtr_bench_quantile (pan.interval, 0.95));
  vtr_bench_report (lines, "map", "pan_frame_work_p95_ms", vtr_bench_quantile (pan.work, 0.95), 16.7);
  vtr_bench_report (lines, "map", "pan_frame_processor_p95_ms", vtr_bench_quantile (pan.cpu, 0.95), NAN);
  vtr_bench_report (lines, "map", "pan_frame_interval_p95_ms", vtr_bench_quantile (pan.interval, 0.95), NAN);
  fputs (lines->str, stdout);

  gtk_window_destroy (window);
  g_array_unref (pan.work);
  g_array_unref (pan.interval);
  g_array_unref (pan.cpu);
  vtr_test_remove_tree (dir);
  return 0;
}

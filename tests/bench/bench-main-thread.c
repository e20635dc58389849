#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vtr-application.h"
#include "vtr-bench.h"
#include "vtr-counter.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-staff.h"
#include "vtr-sync-state.h"
#include "vtr-trust.h"
#include "vtr-window.h"
#include "../vtr-test-util.h"

/* Under callgrind (--collect-atstart=no), only the window's rounds are
 * counted: not the demo catalogue, the application's starts nor GTK's. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

/*
 * The kiosk's main thread while it works, on a real display (Xvfb in
 * ./run bench): a search, a product page and a staff PIN check, again and
 * again, through the window's actions as the screens' buttons ask for
 * them. Meanwhile a heartbeat every 4 ms notes how late the main thread
 * answers it: a frame is drawn by that thread, so its lateness is how
 * long a frame would wait. Goal: p99 ≤ 16 ms (one frame at 60 Hz).
 *
 * For comparison, the same work done inline on the main thread, as the
 * old window did (its catalogue queries and its Argon2id PIN check).
 *
 *   bench-main-thread [--rounds N]
 */

#define HEARTBEAT_MS 4
#define PIN "4321"

static int rounds = 20;
static gboolean phases;
static gboolean window_only;
static const GOptionEntry entries[] = {
  { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "How many searches, product pages and PIN checks (default 20)", "N" },
  { "window-only", 0, 0, G_OPTION_ARG_NONE, &window_only, "Not the same work inline after (to count the window's instructions alone: valgrind --tool=callgrind --separate-threads=yes --collect-atstart=no)", NULL },
  { "phases", 0, 0, G_OPTION_ARG_NONE, &phases, "Where the longest stalls went: frames (style and layout, drawing) or other work", NULL },
  { NULL },
};

static GArray *lateness;   /* ms, one per heartbeat */
static GArray *phase;      /* the same, for one kind of work, or NULL */
/* The same lateness counting only the main thread's processor time: what
 * it would be on a machine with a processor free for it. This one is
 * shared by several people compiling, and a stall is often mostly the
 * main thread waiting for its turn. The processor time between two beats,
 * less the beat's own interval (the bench spins the loop meanwhile), at
 * most the lateness. */
static GArray *working;
static GArray *phase_working;
static double expected_ms;

/* --phases: the window's frames, from the frame clock's signals: an
 * emission hook marks the start of a phase (it runs before GTK's
 * handlers), a handler run last its end. A phase is only emitted when
 * something asked for it. */
typedef struct
{
  gint64 counter;  /* the frame clock's */
  double start;
  double end;
  double cpu;      /* the main thread's processor time in the frame */
  /* The phases' processor time */
  double update;   /* tick callbacks: animations, and styles (GTK validates CSS there) */
  double layout;   /* measuring, allocating */
  double paint;    /* snapshot, rendering, sending the picture to X */
  double other;    /* events flushed, before and after painting */
} Frame;

typedef struct
{
  double late;
  double at;       /* when the beat came */
  double cpu;      /* the main thread's processor time since the beat before */
  const char *what;  /* the work under way at the beat before */
  const char *then;  /* and at this one, when it changed meanwhile */
} Stall;

static GdkFrameClock *watched;
static GArray *frames;   /* Frame */
static GArray *stalls;   /* Stall, the beats later than a frame */
static const char *phase_name;
static Frame frame;
static double frame_cpu_start;
static double phase_start;
static double phase_cpu_start;
static double last_beat_cpu;
static const char *last_beat_phase;

/* The main thread's processor time: on a busy machine a stall's wall
 * time can be mostly waiting for a processor. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
flush_frame (void)
{
  if (frame.counter > 0)
    g_array_append_val (frames, frame);
  memset (&frame, 0, sizeof frame);
}

static gboolean
on_phase_start (GSignalInvocationHint *hint,
                guint                  n_values,
                const GValue          *values,
                gpointer               data)
{
  GdkFrameClock *clock = g_value_get_object (&values[0]);
  gint64 counter;

  if (clock != watched)
    return TRUE;
  counter = gdk_frame_clock_get_frame_counter (clock);
  phase_start = vtr_bench_now_ms ();
  phase_cpu_start = thread_cpu_ms ();
  if (counter != frame.counter)
    {
      flush_frame ();
      frame.counter = counter;
      frame.start = phase_start;
      frame_cpu_start = thread_cpu_ms ();
    }
  return TRUE;
}

static void
on_phase_done (GdkFrameClock *clock,
               gpointer       data)
{
  double now = vtr_bench_now_ms ();

  /* Processor time: on a busy machine the wall time of a phase is mostly
   * the main thread waiting for a processor. */
  *(double *) ((char *) &frame + GPOINTER_TO_SIZE (data)) += thread_cpu_ms () - phase_cpu_start;
  frame.end = now;
  frame.cpu = thread_cpu_ms () - frame_cpu_start;
}

static void
watch_frames (GtkWidget *window)
{
  static const struct { const char *signal; gsize offset; } signals[] = {
    { "flush-events", G_STRUCT_OFFSET (Frame, other) },
    { "before-paint", G_STRUCT_OFFSET (Frame, other) },
    { "update", G_STRUCT_OFFSET (Frame, update) },
    { "layout", G_STRUCT_OFFSET (Frame, layout) },
    { "paint", G_STRUCT_OFFSET (Frame, paint) },
    { "after-paint", G_STRUCT_OFFSET (Frame, other) },
    { "resume-events", G_STRUCT_OFFSET (Frame, other) },
  };

  watched = gtk_widget_get_frame_clock (window);
  frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  stalls = g_array_new (FALSE, FALSE, sizeof (Stall));
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_signal_add_emission_hook (g_signal_lookup (signals[i].signal, GDK_TYPE_FRAME_CLOCK), 0, on_phase_start, NULL,
                                  NULL);
      g_signal_connect_after (watched, signals[i].signal, G_CALLBACK (on_phase_done),
                              GSIZE_TO_POINTER (signals[i].offset));
    }
}

static int
compare_stalls (gconstpointer a,
                gconstpointer b)
{
  const Stall *x = a, *y = b;

  /* By the main thread's own work: the waits for a processor are the
   * machine's, not the kiosk's. */
  return x->cpu < y->cpu ? 1 : x->cpu > y->cpu ? -1 : 0;
}

/* The longest stalls: the main thread's processor time in them (the rest
 * is waiting for a processor on a busy machine), how much of each the
 * frames took and in which of their phases, and the rest outside frames:
 * a callback building widgets, a screen destroyed, and on X11 GDK's
 * "compute-size" idle, which measures the whole window before the frame. */
static void
print_stalls (void)
{
  flush_frame ();
  g_array_sort (stalls, compare_stalls);
  /* How many frames of each kind of work went over a frame's time: one
   * per screen shown is its first drawing; more are its rows coming. */
  {
    g_autoptr(GHashTable) over = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key, value;

    for (guint i = 0; i < stalls->len; i++)
      {
        const Stall *stall = &g_array_index (stalls, Stall, i);

        if (stall->cpu > 16)
          g_hash_table_insert (over, (gpointer) stall->what,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (over, stall->what)) + 1));
      }
    printf ("Stalls of more than 16 ms of processor, by the work under way (%d rounds):", rounds);
    g_hash_table_iter_init (&iter, over);
    while (g_hash_table_iter_next (&iter, &key, &value))
      printf (" %s %u;", (const char *) key, GPOINTER_TO_UINT (value));
    printf ("\n");
  }
  printf ("The stalls with the most processor time (--phases; times of the frames' phases are processor time), "
          "by the work under way when they began:\n");
  for (guint i = 0; i < MIN (stalls->len, 12); i++)
    {
      const Stall *stall = &g_array_index (stalls, Stall, i);
      g_autofree char *what = g_strdup_printf ("%s%s%s", stall->what, stall->then ? ">" : "",
                                               stall->then ? stall->then : "");
      double from = stall->at - stall->late, layout = 0, paint = 0, update = 0, other = 0, in_frames = 0, cpu = 0;

      for (guint j = 0; j < frames->len; j++)
        {
          const Frame *f = &g_array_index (frames, Frame, j);
          double overlap = MIN (f->end, stall->at) - MAX (f->start, from);

          if (overlap <= 0)
            continue;
          in_frames += overlap;
          /* A frame that began before the beat was due counts whole. */
          layout += f->layout, paint += f->paint, update += f->update, other += f->other, cpu += f->cpu;
        }
      printf ("  %-15s late %5.1f ms, processor %5.1f: in frames %5.1f (processor %5.1f: ticks+styles %5.1f, "
              "layout %5.1f, drawing %5.1f, other %4.1f), processor outside frames %5.1f\n",
              what, stall->late, stall->cpu, in_frames, cpu, update, layout, paint, other, MAX (0, stall->cpu - cpu));
    }
}

static gboolean
heartbeat (gpointer data)
{
  double now = vtr_bench_now_ms ();
  double late = MAX (0, now - expected_ms);

  g_array_append_val (lateness, late);
  {
    double cpu = thread_cpu_ms ();
    double work = CLAMP (cpu - last_beat_cpu - HEARTBEAT_MS, 0, late);

    g_array_append_val (working, work);
    if (phase_working)
      g_array_append_val (phase_working, work);
    if (stalls && (late > 16 || cpu - last_beat_cpu > 8) && last_beat_phase)
        {
          Stall stall = { late, now, cpu - last_beat_cpu, last_beat_phase,
                          phase_name != last_beat_phase ? phase_name : NULL };

          g_array_append_val (stalls, stall);
        }
    last_beat_cpu = cpu;
    last_beat_phase = phase_name;
  }
  if (phase)
    g_array_append_val (phase, late);
  expected_ms = now + HEARTBEAT_MS;
  return G_SOURCE_CONTINUE;
}

static void
spin_ms (double ms)
{
  double until = vtr_bench_now_ms () + ms;

  while (vtr_bench_now_ms () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The catalogue's thread answers in order: once this answers, what the
 * screens asked before it has been answered too. */
static void
on_sentinel (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(VtrSearchResults) results = vtr_catalog_service_search_finish (VTR_CATALOG_SERVICE (source), result, NULL);

  *(gboolean *) data = TRUE;
}

static void
wait_catalog (VtrApplication *app)
{
  gboolean done = FALSE;
  VtrPosition here = vtr_application_get_position (app);

  vtr_catalog_service_search_async (vtr_application_get_catalog_service (app), "savon", &here, NULL, on_sentinel,
                                    &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  /* The screen's answer drawn. */
  spin_ms (20);
}

/* Until the screen shown has its answer shown, all its rows (the screen's
 * own query is asked once the main loop is idle, after the catalogue's
 * thread may have answered wait_catalog ()'s). */
static void
wait_shown (VtrWindow *window)
{
  GtkWidget *screen = vtr_window_get_visible_screen (window);
  gboolean loading = TRUE;

  while (loading)
    {
      g_main_context_iteration (NULL, TRUE);
      g_object_get (screen, "loading", &loading, NULL);
    }
  /* Its last rows drawn. */
  spin_ms (20);
}

static void
activate (VtrWindow  *window,
          const char *action,
          GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, parameter);
}

static void
report (GString    *lines,
        const char *label,
        const char *metric,
        GArray     *samples,
        GArray     *work)
{
  double p50 = vtr_bench_quantile (samples, 0.5);
  double p99 = vtr_bench_quantile (samples, 0.99);
  double max = vtr_bench_quantile (samples, 1.0);
  double work_p99 = vtr_bench_quantile (work, 0.99);
  g_autofree char *work_metric = g_strdup_printf ("%s-processor", metric);

  printf ("  %-34s p50 %6.2f ms   p99 %7.2f ms   max %7.2f ms   (%u beats);   processor p99 %6.2f ms   max %6.2f ms\n",
          label, p50, p99, max, samples->len, work_p99, vtr_bench_quantile (work, 1.0));
  vtr_bench_report (lines, "main-thread", metric, p99, g_str_equal (metric, "lateness-p99-ms") ? 16 : NAN);
  vtr_bench_report (lines, "main-thread", work_metric, work_p99, NAN);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the kiosk's main thread while it works");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *data_dir = vtr_test_make_data_dir ();
  g_autoptr(VtrApplication) app = NULL;
  g_autoptr(VtrCounter) counter = NULL;
  VtrWindow *window;
  guint beat;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  vtr_i18n_init ();
  gtk_init ();
  adw_init ();

  /* The demo catalogue, and a shop's staff PIN. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_no_error (error);
    if (!vtr_demo_load (catalog, now, &counts, &error) || !vtr_staff_set_pin (store, 7, PIN, &error))
      g_error ("%s", error->message);
  }

  /* What the application's start costs the main thread: the store, the
   * federation's keys and the pairing are opened on a worker (issue 15),
   * so vtr_application_start () returns without them; then how long
   * until they are there. */
  {
    g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (double));

    for (int i = 0; i < 7; i++)
      {
        g_autoptr(VtrApplication) probe = vtr_application_new (data_dir, "/nonexistent/camera", FALSE);
        double start = vtr_bench_now_ms ();
        double started, opened;

        vtr_application_start (probe);
        started = vtr_bench_now_ms () - start;
        if (vtr_application_get_store (probe) != NULL)
          g_error ("The store was opened on the main thread at start");
        vtr_application_wait_opened (probe);
        opened = vtr_bench_now_ms () - start;
        g_array_append_val (starts, started);
        g_array_append_val (opens, opened);
        vtr_application_stop (probe);
        spin_ms (50);
      }
    printf ("The application's start on the main thread (the store, keys and pairing opened on a worker): "
            "median %.2f ms, max %.2f ms; all open after median %.2f ms, max %.2f ms (7 starts)\n",
            vtr_bench_quantile (starts, 0.5), vtr_bench_quantile (starts, 1.0),
            vtr_bench_quantile (opens, 0.5), vtr_bench_quantile (opens, 1.0));
    vtr_bench_report (lines, "main-thread", "start-open-median-ms", vtr_bench_quantile (starts, 0.5), NAN);
  }

  app = vtr_application_new (data_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  vtr_application_wait_opened (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  /* No idle reset while the rounds run: under callgrind they take minutes,
   * and going home would take away the screen being waited for. */
  vtr_window_set_idle_timeout (window, 24 * 3600);
  gtk_window_present (GTK_WINDOW (window));
  counter = vtr_counter_new (vtr_application_get_store (app), vtr_application_get_catalog (app),
                             vtr_application_get_printer (app));
  vtr_counter_set_merchant_id (counter, 7);
  spin_ms (500);
  if (phases)
    watch_frames (GTK_WIDGET (window));

  printf ("The main thread's lateness (a heartbeat every %d ms) while the kiosk works, %d rounds\n",
          HEARTBEAT_MS, rounds);

  /* The window: every query through the catalogue's thread, the PIN on a
   * worker thread. */
  lateness = g_array_new (FALSE, FALSE, sizeof (double));
  working = g_array_new (FALSE, FALSE, sizeof (double));
  expected_ms = vtr_bench_now_ms () + HEARTBEAT_MS;
  last_beat_cpu = thread_cpu_ms ();
  beat = g_timeout_add_full (G_PRIORITY_HIGH, HEARTBEAT_MS, heartbeat, NULL, NULL);
  CALLGRIND_TOGGLE_COLLECT;
  {
    g_autoptr(GArray) searching = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) product = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) pin = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) searching_work = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) product_work = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) pin_work = g_array_new (FALSE, FALSE, sizeof (double));

    for (int i = 0; i < rounds; i++)
      {
        phase = searching;
        phase_working = searching_work;
        phase_name = "search";
        activate (window, "search", g_variant_new_string ("savon"));
        wait_catalog (app);
        wait_shown (window);
        phase = product;
        phase_working = product_work;
        phase_name = "product";
        activate (window, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 7));
        wait_catalog (app);
        wait_shown (window);
        phase_name = "go-home";
        activate (window, "go-home", NULL);
        spin_ms (20);
        phase = pin;
        phase_working = pin_work;
        phase_name = "pin";
        vtr_counter_clear (counter);
        vtr_counter_open (counter);
        for (const char *key = PIN; *key; key++)
          vtr_counter_press (counter, (char[]) { *key, 0 });
        vtr_counter_press (counter, "OK");
        while (!vtr_counter_get_session_open (counter))
          g_main_context_iteration (NULL, TRUE);
        phase = NULL;
        phase_working = NULL;
        phase_name = NULL;
      }
    CALLGRIND_TOGGLE_COLLECT;
    report (lines, "  a search (its screen built, drawn)", "search-lateness-p99-ms", searching, searching_work);
    report (lines, "  a product page (built, drawn)", "product-lateness-p99-ms", product, product_work);
    report (lines, "  a PIN check (Argon2id)", "pin-lateness-p99-ms", pin, pin_work);
  }
  g_source_remove (beat);
  report (lines, "the window, as built now", "lateness-p99-ms", lateness, working);
  g_array_unref (lateness);
  g_array_unref (working);
  if (phases)
    print_stalls ();
  g_clear_pointer (&stalls, g_array_unref);

  /* The same work inline, as the window did before. */
  lateness = g_array_new (FALSE, FALSE, sizeof (double));
  working = g_array_new (FALSE, FALSE, sizeof (double));
  expected_ms = vtr_bench_now_ms () + HEARTBEAT_MS;
  last_beat_cpu = thread_cpu_ms ();
  beat = g_timeout_add_full (G_PRIORITY_HIGH, HEARTBEAT_MS, heartbeat, NULL, NULL);
  for (int i = 0; i < (window_only ? 0 : rounds); i++)
    {
      VtrCatalog *catalog = vtr_application_get_catalog (app);
      VtrPosition here = vtr_application_get_position (app);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(VtrSearchResults) results = vtr_catalog_search (catalog, "savon", &here, now, 20, NULL);
      g_autoptr(GPtrArray) stockists = NULL;
      g_autofree char *session = NULL;

      spin_ms (HEARTBEAT_MS * 2);
      stockists = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 10, VTR_STOCKISTS_DEFAULT, NULL);
      spin_ms (HEARTBEAT_MS * 2);
      session = vtr_staff_login (vtr_application_get_store (app), 7, PIN, now, NULL);
      spin_ms (HEARTBEAT_MS * 2);
    }
  g_source_remove (beat);
  if (!window_only)
    report (lines, "the same work inline (old window)", "inline-lateness-p99-ms", lateness, working);
  g_array_unref (lateness);
  g_array_unref (working);

  printf ("%s", lines->str);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_application_stop (app);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vtr_test_remove_tree (data_dir);
  return 0;
}

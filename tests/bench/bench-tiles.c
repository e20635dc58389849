#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>

#include "vtr-bench.h"
#include "vtr-sync.h"
#include "vtr-sync-tiles.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-tiles.h"
#include "../vtr-test-util.h"

/*
 * The map's tiles (issue 22): a real `vitrine-hub serve` on 127.0.0.1 with
 * an MBTiles file of zoom 13 to 18 over 2.5 km around the Vieux-Port
 * (tiles drawn with Cairo: about 1 KB each, smaller than real map tiles,
 * so the figures are the hub's cost per request, not the network's);
 *
 *  - N clients (default 32) asking tiles at random as fast as they are
 *    answered, a connection a request as the hub's API does: tiles/s and
 *    p50/p95 latency; then the same asked again with their tags (304);
 *  - a kiosk's first fetch of its area at the default radius (1500 m,
 *    zoom 13 to 18): tiles, bytes and time; then the next sync's fetch
 *    when nothing changed.
 *
 *   bench-tiles [--clients N] [--seconds S] [--radius M]
 */

static int n_clients = 32;
static int seconds = 5;
static double radius = 1500;

static GOptionEntry entries[] = {
  { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Concurrent clients (default 32)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds a run (default 5)", "S" },
  { "radius", 0, 0, G_OPTION_ARG_DOUBLE, &radius, "The kiosk's map radius in metres (default 1500)", "M" },
  { NULL }
};

#define LAT 43.2951
#define LON 5.3744

typedef struct
{
  SoupSession *session;
  GMainLoop   *loop;
  const char  *url;
  GPtrArray   *paths;
  GHashTable  *etags;      /* path → tag, for the 304 run; or NULL */
  GArray      *latencies;
  guint        failures;
  guint        in_flight;
  gboolean     stopping;
} Load;

typedef struct
{
  Load        *load;
  SoupMessage *msg;
  char        *path;
  double       started;
} Request;

static void send_one (Load *load);

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Request *request = data;
  Load *load = request->load;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  guint status = soup_message_get_status (request->msg);
  double ms = vtr_bench_now_ms () - request->started;

  if (body && (status == 200 || (load->etags && status == 304)))
    g_array_append_val (load->latencies, ms);
  else
    load->failures++;
  g_object_unref (request->msg);
  g_free (request);
  load->in_flight--;
  if (!load->stopping)
    send_one (load);
  else if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_one (Load *load)
{
  Request *request = g_new0 (Request, 1);
  const char *path = g_ptr_array_index (load->paths, g_random_int_range (0, (int) load->paths->len));
  g_autofree char *url = g_strconcat (load->url, path, NULL);

  request->load = load;
  request->msg = soup_message_new ("GET", url);
  if (load->etags)
    soup_message_headers_replace (soup_message_get_request_headers (request->msg), "If-None-Match",
                                  g_hash_table_lookup (load->etags, path));
  request->started = vtr_bench_now_ms ();
  load->in_flight++;
  soup_session_send_and_read_async (load->session, request->msg, G_PRIORITY_DEFAULT, NULL, on_answer, request);
}

static gboolean
stop_load (gpointer data)
{
  Load *load = data;

  load->stopping = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_load (const char *what,
          const char *url,
          GPtrArray  *paths,
          GHashTable *etags,
          GString    *lines,
          const char *metric)
{
  Load load = { 0 };
  double started, elapsed;

  load.session = g_object_new (SOUP_TYPE_SESSION, "max-conns", n_clients, "max-conns-per-host", n_clients, NULL);
  load.loop = g_main_loop_new (NULL, FALSE);
  load.url = url;
  load.paths = paths;
  load.etags = etags;
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  started = vtr_bench_now_ms ();
  for (int i = 0; i < n_clients; i++)
    send_one (&load);
  g_timeout_add_seconds (seconds, stop_load, &load);
  g_main_loop_run (load.loop);
  elapsed = (vtr_bench_now_ms () - started) / 1000.0;
  printf ("%-40s %6.0f tiles/s   p50 %6.2f ms   p95 %6.2f ms   (%u answers, %u failed, %d clients)\n", what,
          load.latencies->len / elapsed, vtr_bench_quantile (load.latencies, 0.5),
          vtr_bench_quantile (load.latencies, 0.95), load.latencies->len, load.failures, n_clients);
  {
    g_autofree char *rate = g_strdup_printf ("%s_per_s", metric);
    g_autofree char *p95 = g_strdup_printf ("%s_p95_ms", metric);

    vtr_bench_report (lines, "tiles", rate, load.latencies->len / elapsed, NAN);
    vtr_bench_report (lines, "tiles", p95, vtr_bench_quantile (load.latencies, 0.95), NAN);
  }
  g_array_unref (load.latencies);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *file = g_build_filename (dir, "area.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *kiosk_dir = g_build_filename (dir, "kiosk", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) etags = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_auto(VtrTestResult) imported = { 0 };
  VtrTestHub *hub;
  guint n_tiles;
  double started;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-tiles: %s\n", error->message);
      return 2;
    }
  n_clients = MAX (1, n_clients);

  printf ("The map's tiles (issue 22): vitrine-hub on 127.0.0.1\n");
  started = vtr_bench_now_ms ();
  n_tiles = vtr_test_tiles_make (file, LAT, LON, MAX (2500, radius + 500), 13, 18, 0);
  printf ("MBTiles made: %u tiles, zoom 13-18, %.1f s\n", n_tiles, (vtr_bench_now_ms () - started) / 1000.0);
  started = vtr_bench_now_ms ();
  vtr_test_run (&imported, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
  if (imported.status != 0)
    {
      g_printerr ("bench-tiles: the import failed: %s\n", imported.err);
      return 1;
    }
  printf ("vitrine-hub tiles import: %.2f s\n", (vtr_bench_now_ms () - started) / 1000.0);
  hub = vtr_test_hub_start (hub_dir, 0);

  /* The tiles a kiosk's map asks for most: zoom 16 to 18 near it. */
  for (int z = 16; z <= 18; z++)
    {
      int x, y;

      vtr_test_tile_at (LAT, LON, z, &x, &y);
      for (int dx = -4; dx <= 4; dx++)
        for (int dy = -4; dy <= 4; dy++)
          g_ptr_array_add (paths, g_strdup_printf ("/tiles/%d/%d/%d.png", z, x + dx, y + dy));
    }
  run_load ("tiles (200)", hub->url, paths, NULL, lines, "served");
  {
    g_autoptr(SoupSession) session = soup_session_new ();

    for (guint i = 0; i < paths->len; i++)
      {
        const char *path = g_ptr_array_index (paths, i);
        g_autofree char *url = g_strconcat (hub->url, path, NULL);
        g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
        g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

        g_hash_table_insert (etags, (gpointer) path,
                             g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag")));
      }
  }
  run_load ("tiles asked again with their tag (304)", hub->url, paths, etags, lines, "revalidated");

  /* A kiosk's first fetch of its area, then the next sync's. */
  {
    g_autoptr(VtrStore) store = NULL;
    g_autoptr(VtrSyncClient) client = NULL;
    VtrHubLink link = { hub->url, "none", 1, "Kiosque", 0, 0 };
    VtrTilesReport report;
    double ms;

    g_mkdir_with_parents (kiosk_dir, 0700);
    if (!(store = vtr_store_open (kiosk_dir, &error)) || !vtr_sync_state_save_link (store, &link, &error) ||
        !(client = vtr_sync_client_new (store, &error)))
      {
        g_printerr ("bench-tiles: %s\n", error->message);
        return 1;
      }
    started = vtr_bench_now_ms ();
    if (!vtr_sync_client_fetch_tiles (client, LAT, LON, radius, 200 * 1000 * 1000, &report, NULL, &error))
      {
        g_printerr ("bench-tiles: %s\n", error->message);
        return 1;
      }
    ms = vtr_bench_now_ms () - started;
    printf ("kiosk's first fetch, %.0f m, zoom 13-18: %u tiles, %.0f KB, %.2f s (%.0f tiles/s)\n", radius,
            report.fetched, report.bytes / 1000.0, ms / 1000.0, report.fetched / (ms / 1000.0));
    vtr_bench_report (lines, "tiles", "prefetch_tiles", report.fetched, NAN);
    vtr_bench_report (lines, "tiles", "prefetch_kb", report.bytes / 1000.0, NAN);
    vtr_bench_report (lines, "tiles", "prefetch_s", ms / 1000.0, NAN);
    started = vtr_bench_now_ms ();
    if (!vtr_sync_client_fetch_tiles (client, LAT, LON, radius, 200 * 1000 * 1000, &report, NULL, &error))
      {
        g_printerr ("bench-tiles: %s\n", error->message);
        return 1;
      }
    ms = vtr_bench_now_ms () - started;
    printf ("kiosk's next fetch, nothing changed: %u downloaded, %.1f ms\n", report.fetched, ms);
    vtr_bench_report (lines, "tiles", "prefetch_unchanged_ms", ms, NAN);
  }

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
  printf ("%s", lines->str);
  return 0;
}

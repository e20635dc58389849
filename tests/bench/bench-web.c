#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vtr-bench.h"
#include "vtr-bench-catalog.h"
#include "vtr-changes.h"
#include "vtr-flashcode.h"
#include "vtr-hub-keys.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * The phone pages under load (issue 17): a real `vitrine-hub serve` on
 * 127.0.0.1 with the département's catalogue (2,100 shops, 100,000
 * products, 1,000,000 stock lines), N clients (default 200) asking for
 * product pages, then shop pages, as fast as they are answered, each on
 * a new connection (the hub closes every connection after its answer).
 * Prints pages/s, p50/p95/p99 latency, and the CPU the hub and this
 * client used: on a 2-core machine the client takes its share. Then the
 * same load on GET /api/v1/status, the hub's floor for any request (a
 * connection, a worker, 16 bytes of JSON): what pages cannot beat.
 *
 *   bench-web [--scale F] [--clients N] [--seconds S]
 */

static double scale = 1.0;
static int n_clients = 200;
static int seconds = 10;
static GString *json_lines;

static GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale the catalogue by F (smoke runs)", "F" },
  { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Concurrent clients (default 200)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds per page kind (default 10)", "S" },
  { NULL }
};

typedef struct
{
  SoupSession *session;
  GMainLoop   *loop;
  const char  *url;
  GPtrArray   *paths;
  GArray      *latencies;
  guint        failures;
  guint64      bytes;
  guint        in_flight;
  guint        next;
  gboolean     stopping;
} Load;

typedef struct
{
  Load   *load;
  double  started;
} Request;

static void send_one (Load *load);

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Request *request = data;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  double ms = vtr_bench_now_ms () - request->started;
  guint status = msg ? soup_message_get_status (msg) : 0;

  load->in_flight--;
  if (body == NULL || status != 200)
    {
      if (load->failures++ < 3)
        g_printerr ("  request failed: %u %s\n", status, error ? error->message : "");
    }
  else
    {
      g_array_append_val (load->latencies, ms);
      load->bytes += g_bytes_get_size (body);
    }
  g_free (request);
  if (!load->stopping)
    send_one (load);
  else if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_one (Load *load)
{
  const char *path = g_ptr_array_index (load->paths, load->next++ % load->paths->len);
  g_autofree char *url = g_strconcat (load->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Request *request = g_new0 (Request, 1);

  /* A French phone. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Language", "fr-FR,fr;q=0.9");
  request->load = load;
  request->started = vtr_bench_now_ms ();
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, request);
}

static gboolean
on_time_up (gpointer data)
{
  Load *load = data;

  load->stopping = TRUE;
  return G_SOURCE_REMOVE;
}

/* CPU seconds a process used so far: its user and system ticks. */
static double
process_cpu_s (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(after = strrchr (text, ')')))
    return NAN;
  fields = g_strsplit (after + 2, " ", -1);
  /* After "pid (comm) ", state is field 0: utime is 11, stime 12. */
  if (g_strv_length (fields) < 13)
    return NAN;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static double
self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

static void
run (Load       *load,
     VtrTestHub *hub,
     const char *kind,
     double      goal_per_s,
     double      goal_p95_ms)
{
  double started = vtr_bench_now_ms (), elapsed_s, hub_cpu, self_cpu;
  double hub_cpu_before = process_cpu_s (g_subprocess_get_identifier (hub->process));
  double self_cpu_before = self_cpu_s ();
  g_autofree char *metric = NULL;

  load->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load->failures = 0;
  load->bytes = 0;
  load->stopping = FALSE;
  for (int i = 0; i < n_clients; i++)
    send_one (load);
  g_timeout_add_seconds (seconds, on_time_up, load);
  g_main_loop_run (load->loop);
  elapsed_s = (vtr_bench_now_ms () - started) / 1000;
  hub_cpu = process_cpu_s (g_subprocess_get_identifier (hub->process)) - hub_cpu_before;
  self_cpu = self_cpu_s () - self_cpu_before;

  printf ("%s pages, %d clients, %.1f s: %u pages, %.0f pages/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, "
          "%u failed, %.1f kB a page; CPU: hub %.2f cores, this client %.2f cores (of %ld)\n",
          kind, n_clients, elapsed_s, load->latencies->len, load->latencies->len / elapsed_s,
          load->latencies->len ? vtr_bench_quantile (load->latencies, 0.5) : NAN,
          load->latencies->len ? vtr_bench_quantile (load->latencies, 0.95) : NAN,
          load->latencies->len ? vtr_bench_quantile (load->latencies, 0.99) : NAN,
          load->failures, load->latencies->len ? load->bytes / 1024.0 / load->latencies->len : NAN,
          hub_cpu / elapsed_s, self_cpu / elapsed_s, sysconf (_SC_NPROCESSORS_ONLN));
  metric = g_strdup_printf ("%s_pages_per_s", kind);
  vtr_bench_report (json_lines, "web", metric, load->latencies->len / elapsed_s, goal_per_s);
  g_free (metric);
  metric = g_strdup_printf ("%s_p95_ms", kind);
  vtr_bench_report (json_lines, "web", metric,
                    load->latencies->len ? vtr_bench_quantile (load->latencies, 0.95) : NAN, goal_p95_ms);
  g_free (metric);
  metric = g_strdup_printf ("%s_failed", kind);
  vtr_bench_report (json_lines, "web", metric, load->failures, 0);
  g_array_unref (load->latencies);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the hub's phone pages under load");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) shops = g_ptr_array_new_with_free_func (g_free);
  Size size = { "departement", 2100, 100000, 1000000, 5000, 1.0 };
  VtrRandom r = { 20261130 };
  VtrTestHub *hub;
  Load load = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  size.merchants = MAX (10, size.merchants * scale);
  size.products = MAX (10, size.products * scale);
  size.stock = MAX (10, size.stock * scale);
  size.promotions = MAX (10, size.promotions * scale);
  json_lines = g_string_new (NULL);

  printf ("hub: %u shops, %u products, %u stock lines\n", size.merchants, size.products, size.stock);
  g_assert_true (vtr_hub_keys_init (hub_dir, "vtr13.fr", &error));
  {
    g_autoptr(VtrStore) store = vtr_store_open (hub_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(VtrHubKeys) keys = vtr_hub_keys_open (hub_dir, &error);
    const guint8 *secret = NULL;
    int kid = vtr_hub_keys_signing_kid (keys, &secret);

    g_assert_true (vtr_catalog_log_changes (catalog, &error));
    vtr_bench_catalog_load (catalog, &size, &r, now);
    /* 1,000 posters of products at a shop, and 1,000 shops' codes. */
    for (guint i = 0; i < 1000; i++)
      {
        VtrFlashcode code = { 0 };
        char *url;

        code.kind = VTR_CODE_PRODUCT;
        code.product_id = 1 + vtr_random_below (&r, size.products);
        code.merchant_id = 1 + vtr_random_below (&r, size.merchants);
        code.kid = kid;
        url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
        g_assert_no_error (error);
        g_ptr_array_add (products, g_strdup (strchr (url + strlen ("HTTPS://"), '/')));
        g_free (url);
        code.kind = VTR_CODE_MERCHANT;
        code.product_id = 0;
        url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
        g_assert_no_error (error);
        g_ptr_array_add (shops, g_strdup (strchr (url + strlen ("HTTPS://"), '/')));
        g_free (url);
      }
  }

  hub = vtr_test_hub_start (hub_dir, 0);
  load.url = hub->url;
  load.session = soup_session_new_with_options ("max-conns", n_clients + 10, "max-conns-per-host", n_clients + 10,
                                                "timeout", 60, NULL);
  load.loop = g_main_loop_new (NULL, FALSE);

  load.paths = products;
  run (&load, hub, "product", 2000, 20);
  load.paths = shops;
  run (&load, hub, "shop", NAN, NAN);
  {
    g_autoptr(GPtrArray) status = g_ptr_array_new ();

    g_ptr_array_add (status, "/api/v1/status");
    load.paths = status;
    run (&load, hub, "status", NAN, NAN);
  }

  vtr_test_hub_stop (hub, SIGTERM);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);
  vtr_test_remove_tree (hub_dir);
  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

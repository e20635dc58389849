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
 * products, 1,000,000 stock lines) and 1,000 posters' and 1,000 shops'
 * codes, N clients (default 200) asking for product pages, then shop
 * pages, as fast as they are answered.
 *
 * The clients are honest phones: they keep their connection for the next
 * page as browsers do (HTTP/1.1 keep-alive), and they run in several
 * processes of their own (--processes, default 2), so the hub, not one
 * client loop, is what is measured. Each figure is the median of several
 * runs (--runs, default 3) made in one go; each run prints the pages/s,
 * p50/p95/p99 latency, and the CPU the hub and the clients used. Then the
 * same with a new connection for every request ("Connection: close", what
 * the hub did before), and product pages the cache cannot answer (each
 * asked with a query of its own, so a worker makes every page): what a
 * page costs to make.
 *
 *   bench-web [--scale F] [--clients N] [--seconds S] [--runs R] [--processes P]
 *   bench-web --client URL PATHS-FILE --clients N --seconds S [--close] [--unique]
 */

static double scale = 1.0;
static int n_clients = 200;
static int seconds = 5;
static int n_runs = 3;
static int n_processes = 2;
static char *client_url;
static gboolean one_connection;
static gboolean unique_query;
static GString *json_lines;

static GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale the catalogue by F (smoke runs)", "F" },
  { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Concurrent clients (default 200)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds a run (default 5)", "S" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each kind, the median printed (default 3)", "R" },
  { "processes", 0, 0, G_OPTION_ARG_INT, &n_processes, "Client processes (default 2)", "P" },
  { "client", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &client_url, "Be one client process", "URL" },
  { "close", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &one_connection, "A connection a request", NULL },
  { "unique", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &unique_query, "A query of its own each", NULL },
  { NULL }
};

/* One client process: N requests in flight on one loop. */
typedef struct
{
  SoupSession *session;
  GMainLoop   *loop;
  const char  *url;
  char       **paths;
  guint        n_paths;
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
  guint n = load->next++;
  const char *path = load->paths[n % load->n_paths];
  g_autofree char *url = unique_query ? g_strdup_printf ("%s%s?r=%u.%d", load->url, path, n, getpid ())
                                      : g_strconcat (load->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  Request *request = g_new0 (Request, 1);

  /* A French phone. */
  soup_message_headers_replace (headers, "Accept-Language", "fr-FR,fr;q=0.9");
  if (one_connection)
    soup_message_headers_replace (headers, "Connection", "close");
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

static double
self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

/* The client process: loads for --seconds, then prints "elapsed-s cpu-s
 * failures bytes" and its latencies, one a line. */
static int
client_main (const char *paths_file)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  Load load = { 0 };
  double started, cpu_before = self_cpu_s ();

  if (!g_file_get_contents (paths_file, &text, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_strchomp (text);
  load.paths = g_strsplit (text, "\n", -1);
  load.n_paths = g_strv_length (load.paths);
  load.url = client_url;
  load.session = soup_session_new_with_options ("max-conns", n_clients + 10, "max-conns-per-host", n_clients + 10,
                                                "timeout", 60, NULL);
  load.loop = g_main_loop_new (NULL, FALSE);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  started = vtr_bench_now_ms ();
  for (int i = 0; i < n_clients; i++)
    send_one (&load);
  g_timeout_add_seconds (seconds, on_time_up, &load);
  g_main_loop_run (load.loop);
  printf ("%.4f %.4f %u %" G_GUINT64_FORMAT "\n", (vtr_bench_now_ms () - started) / 1000,
          self_cpu_s () - cpu_before, load.failures, load.bytes);
  for (guint i = 0; i < load.latencies->len; i++)
    printf ("%.3f\n", g_array_index (load.latencies, double, i));
  g_array_unref (load.latencies);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);
  g_strfreev (load.paths);
  return 0;
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

typedef struct
{
  double per_s, p50, p95, p99, hub_cores, client_cores, kb;
  guint  failures;
} Figures;

/* One run: the client processes together, their answers merged. */
static Figures
run_once (const char *self,
          VtrTestHub *hub,
          const char *paths_file,
          gboolean    close_each,
          gboolean    unique)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *per_process = g_strdup_printf ("%d", MAX (1, n_clients / n_processes));
  g_autofree char *secs = g_strdup_printf ("%d", seconds);
  double hub_before = process_cpu_s (g_subprocess_get_identifier (hub->process));
  double started = vtr_bench_now_ms (), wall_s, client_cpu = 0;
  guint64 bytes = 0;
  Figures f = { 0 };

  for (int i = 0; i < n_processes; i++)
    {
      const char *argv[] = { self, "--client", hub->url, paths_file, "--clients", per_process, "--seconds", secs,
                             close_each ? "--close" : unique ? "--unique" : NULL, NULL };
      g_autoptr(GError) error = NULL;
      GSubprocess *client = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (clients, client);
    }
  for (guint i = 0; i < clients->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;
      double elapsed = 0, cpu = 0;
      guint failures = 0;
      guint64 b = 0;

      g_subprocess_communicate_utf8 (g_ptr_array_index (clients, i), NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (out, "\n", -1);
      if (lines[0] == NULL || sscanf (lines[0], "%lf %lf %u %" G_GUINT64_FORMAT, &elapsed, &cpu, &failures, &b) != 4)
        g_error ("a client process said nothing");
      for (guint j = 1; lines[j] && *lines[j]; j++)
        {
          double ms = g_ascii_strtod (lines[j], NULL);

          g_array_append_val (latencies, ms);
        }
      f.failures += failures;
      bytes += b;
      client_cpu += cpu;
    }
  wall_s = (vtr_bench_now_ms () - started) / 1000;
  /* The clients load for --seconds each; their start-up is not counted. */
  f.per_s = latencies->len / (double) seconds;
  f.p50 = latencies->len ? vtr_bench_quantile (latencies, 0.5) : NAN;
  f.p95 = latencies->len ? vtr_bench_quantile (latencies, 0.95) : NAN;
  f.p99 = latencies->len ? vtr_bench_quantile (latencies, 0.99) : NAN;
  f.kb = latencies->len ? bytes / 1024.0 / latencies->len : NAN;
  f.hub_cores = (process_cpu_s (g_subprocess_get_identifier (hub->process)) - hub_before) / wall_s;
  f.client_cores = client_cpu / wall_s;
  return f;
}

static int
compare_figures_per_s (gconstpointer a,
                       gconstpointer b)
{
  double x = ((const Figures *) a)->per_s, y = ((const Figures *) b)->per_s;

  return x < y ? -1 : x > y;
}

static void
print_figures (const char    *label,
               const Figures *f)
{
  double load[1] = { NAN };

  getloadavg (load, 1);
  printf ("%-34s %6.0f pages/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  %u failed  %.1f kB  "
          "CPU: hub %.2f cores (%.3f ms a page), clients %.2f cores (of %ld, load average %.1f)\n",
          label, f->per_s, f->p50, f->p95, f->p99, f->failures, f->kb, f->hub_cores,
          f->per_s > 0 ? f->hub_cores / f->per_s * 1000 : NAN, f->client_cores, sysconf (_SC_NPROCESSORS_ONLN),
          load[0]);
}

/* --runs runs; each printed, then the median run (by pages/s), which is
 * also reported as a JSON line under @metric. */
static void
run (const char *self,
     VtrTestHub *hub,
     const char *paths_file,
     const char *kind,
     const char *how,
     const char *metric,
     gboolean    close_each,
     gboolean    unique,
     double      goal_per_s,
     double      goal_p95_ms)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (Figures));
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  Figures median;

  for (int i = 0; i < n_runs; i++)
    {
      Figures f = run_once (self, hub, paths_file, close_each, unique);
      g_autofree char *run_label = g_strdup_printf ("  %s, %s, run %d", kind, how, i + 1);

      print_figures (run_label, &f);
      g_array_append_val (runs, f);
    }
  g_array_sort (runs, compare_figures_per_s);
  median = g_array_index (runs, Figures, runs->len / 2);
  label = g_strdup_printf ("%s, %s, median", kind, how);
  print_figures (label, &median);
  fflush (stdout);
  name = g_strdup_printf ("%s_pages_per_s", metric);
  vtr_bench_report (json_lines, "web", name, median.per_s, goal_per_s);
  g_free (name);
  name = g_strdup_printf ("%s_p95_ms", metric);
  vtr_bench_report (json_lines, "web", name, median.p95, goal_p95_ms);
  g_free (name);
  name = g_strdup_printf ("%s_failed", metric);
  vtr_bench_report (json_lines, "web", name, median.failures, 0);
  g_free (name);
  name = g_strdup_printf ("%s_hub_cores", metric);
  vtr_bench_report (json_lines, "web", name, median.hub_cores, NAN);
}

static char *
write_paths (const char *dir,
             const char *name,
             GPtrArray  *paths)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *file = g_build_filename (dir, name, NULL);

  for (guint i = 0; i < paths->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (paths, i));
  g_file_set_contents (file, text->str, text->len, &error);
  g_assert_no_error (error);
  return file;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the hub's phone pages under load");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) shops = g_ptr_array_new_with_free_func (g_free);
  Size size = { "departement", 2100, 100000, 1000000, 5000, 1.0 };
  VtrRandom r = { 20261130 };
  VtrTestHub *hub;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (client_url)
    return argc == 2 ? client_main (argv[1]) : 2;
  hub_dir = vtr_test_make_data_dir ();
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
  {
    g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
    g_autofree char *products_file = write_paths (hub_dir, "bench-products.txt", products);
    g_autofree char *shops_file = write_paths (hub_dir, "bench-shops.txt", shops);
    g_autoptr(GPtrArray) status = g_ptr_array_new ();
    g_autofree char *status_file = NULL;

    g_ptr_array_add (status, "/api/v1/status");
    status_file = write_paths (hub_dir, "bench-status.txt", status);
    printf ("%d clients in %d processes, %d runs of %d s each, median printed\n", n_clients, n_processes,
            n_runs, seconds);
    /* Whether the hub keeps a page's connection (libsoup 3.3 and later,
     * see vtr-hub-server.c): if not, "keep-alive" clients reconnect. */
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *url = g_strconcat (hub->url, g_ptr_array_index (products, 0), NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
      const char *connection = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Connection");

      printf ("the hub (libsoup %u.%u.%u) %s a page's connection\n", soup_get_major_version (),
              soup_get_minor_version (), soup_get_micro_version (),
              connection && g_ascii_strcasecmp (connection, "close") == 0 ? "closes" : "keeps");
    }
    fflush (stdout);
    run (self, hub, products_file, "product pages", "keep-alive clients", "product", FALSE, FALSE, 2000, 20);
    run (self, hub, shops_file, "shop pages", "keep-alive clients", "shop", FALSE, FALSE, NAN, NAN);
    run (self, hub, products_file, "product pages", "a connection each", "product_close", TRUE, FALSE, NAN, NAN);
    run (self, hub, shops_file, "shop pages", "a connection each", "shop_close", TRUE, FALSE, NAN, NAN);
    run (self, hub, products_file, "product pages made each time", "keep-alive clients", "product_uncached", FALSE,
         TRUE, NAN, NAN);
    run (self, hub, status_file, "GET /api/v1/status", "a connection each", "status", TRUE, FALSE, NAN, NAN);
  }

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

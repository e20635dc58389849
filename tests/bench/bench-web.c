#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vtr-bench.h"
#include "vtr-bench-http.h"
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
 * client loop, is what is measured. They speak HTTP on raw sockets (see
 * "The cheap client"), because on this machine they share the cores with
 * the hub; --soup-client puts them on libsoup's SoupSession as before. Each figure is the median of several
 * runs (--runs, default 3) made in one go; each run prints the pages/s,
 * p50/p95/p99 latency, and the CPU the hub and the clients used. Then the
 * same with a new connection for every request ("Connection: close", what
 * the hub did before), and product pages the cache cannot answer (each
 * asked with a query of its own, so a worker makes every page): what a
 * page costs to make.
 *
 * Closed-loop clients measure throughput, but not the latency a phone
 * meets: 200 clients that always wait for the hub make, by Little's law,
 * a queue of 200 whatever the hub does (p95 = 200 / rate). So the product
 * pages are also asked open-loop (--open-loop alone runs only these):
 * requests sent at a fixed offered rate from start times fixed in
 * advance, whatever the answers do, each latency measured from its
 * scheduled time, so a hub that stalls counts every request it held back
 * (no coordinated omission). At 1,000/s, 2,000/s, then 500/s more a step
 * until the hub no longer keeps up: the highest rate it keeps up with
 * (answers every request of the run and its p95 stays under 100 ms) is
 * "the max sustainable rate". The clients' own lateness in sending is
 * printed too: when it grows, the clients, not the hub, are the limit.
 *
 *   bench-web [--scale F] [--clients N] [--seconds S] [--runs R] [--processes P] [--open-loop]
 *             [--rates LIST] [--soup-client]
 *   bench-web --client URL PATHS-FILE --clients N --seconds S [--close] [--unique]
 *   bench-web --client URL PATHS-FILE --rate R --seconds S
 */

static double scale = 1.0;
static int n_clients = 200;
static int seconds = 5;
static int n_runs = 3;
static int n_processes = 2;
static char *client_url;
static gboolean one_connection;
static gboolean unique_query;
static gboolean open_loop_only;
static gboolean soup_client;
static double client_rate;
static double max_rate = 8000;
static char *rates_option;
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
  { "soup-client", 0, 0, G_OPTION_ARG_NONE, &soup_client, "Clients on libsoup (dearer) instead of raw sockets",
    NULL },
  { "open-loop", 0, 0, G_OPTION_ARG_NONE, &open_loop_only, "Only the open-loop runs (a fixed offered rate)", NULL },
  { "max-rate", 0, 0, G_OPTION_ARG_DOUBLE, &max_rate, "Open loop: the highest rate tried (default 8000)", "R" },
  { "rates", 0, 0, G_OPTION_ARG_STRING, &rates_option, "Open loop: these rates only (\"500,1000\")", "LIST" },
  { "rate", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &client_rate, "Open loop: requests a second", "R" },
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
  /* Open loop: request n is due at started + n / rate (ms). */
  double       rate;
  double       started;
  GArray      *lags;
  guint        unanswered;
} Load;

typedef struct
{
  Load   *load;
  double  started;
} Request;

static void send_one (Load *load, double due);

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
      if (load->unanswered == 0 && load->failures++ < 3)
        g_printerr ("  request failed: %u %s\n", status, error ? error->message : "");
    }
  else
    {
      g_array_append_val (load->latencies, ms);
      load->bytes += g_bytes_get_size (body);
    }
  g_free (request);
  if (load->rate > 0)
    {
      /* Open loop: the next request goes at its time, not now. */
      if (load->stopping && load->in_flight == 0)
        g_main_loop_quit (load->loop);
    }
  else if (!load->stopping)
    send_one (load, vtr_bench_now_ms ());
  else if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

/* Sends the request due at @due (ms); its latency counts from then. */
static void
send_one (Load  *load,
          double due)
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
  request->started = due;
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, request);
}

static gboolean
on_time_up (gpointer data)
{
  Load *load = data;

  load->stopping = TRUE;
  if (load->rate > 0 && load->in_flight == 0)
    g_main_loop_quit (load->loop);
  return G_SOURCE_REMOVE;
}

/* Open loop: a hub far past what it can serve leaves connections waiting
 * in the kernel's backlog, retried for minutes; 10 s after the last
 * request was due, those still unanswered count as failed. */
static gboolean
on_deadline (gpointer data)
{
  Load *load = data;

  load->failures += load->in_flight;
  load->unanswered = load->in_flight;
  g_main_loop_quit (load->loop);
  return G_SOURCE_REMOVE;
}

/* Open loop: every millisecond, the requests whose time has come. */
static gboolean
on_tick (gpointer data)
{
  Load *load = data;
  double now = vtr_bench_now_ms ();

  if (load->stopping)
    return G_SOURCE_REMOVE;
  for (;;)
    {
      double due = load->started + load->next * 1000.0 / load->rate;
      double lag;

      if (due > now || due >= load->started + seconds * 1000.0)
        break;
      lag = now - due;
      g_array_append_val (load->lags, lag);
      send_one (load, due);
    }
  return G_SOURCE_CONTINUE;
}

/* The client process: loads for --seconds (closed loop: --clients at once;
 * open loop: --rate requests a second), then prints "elapsed-s cpu-s
 * failures bytes lag-p99-ms" and its latencies, one a line. */
static int raw_client_main (char **paths, double started_cpu);

static int
client_main (const char *paths_file)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  Load load = { 0 };
  double started, cpu_before = vtr_bench_self_cpu_s ();

  if (!g_file_get_contents (paths_file, &text, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_strchomp (text);
  if (!soup_client)
    {
      g_auto(GStrv) paths = g_strsplit (text, "\n", -1);

      return raw_client_main (paths, cpu_before);
    }
  load.paths = g_strsplit (text, "\n", -1);
  load.n_paths = g_strv_length (load.paths);
  load.url = client_url;
  load.session = soup_session_new_with_options ("max-conns", n_clients + 10, "max-conns-per-host", n_clients + 10,
                                                "timeout", 60, NULL);
  load.loop = g_main_loop_new (NULL, FALSE);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.lags = g_array_new (FALSE, FALSE, sizeof (double));
  load.rate = client_rate;
  started = load.started = vtr_bench_now_ms ();
  if (load.rate > 0)
    {
      /* As many connections as a slow hub may need: a request waiting for
       * one is late all the same, and counted so. */
      g_timeout_add_full (G_PRIORITY_HIGH, 1, on_tick, &load, NULL);
      g_timeout_add (seconds * 1000 + 1, on_time_up, &load);
      g_timeout_add (seconds * 1000 + 10000, on_deadline, &load);
    }
  else
    {
      for (int i = 0; i < n_clients; i++)
        send_one (&load, vtr_bench_now_ms ());
      g_timeout_add_seconds (seconds, on_time_up, &load);
    }
  g_main_loop_run (load.loop);
  printf ("%.4f %.4f %u %" G_GUINT64_FORMAT " %.3f\n", (vtr_bench_now_ms () - started) / 1000,
          vtr_bench_self_cpu_s () - cpu_before, load.failures, load.bytes,
          load.lags->len ? vtr_bench_quantile (load.lags, 0.99) : 0.0);
  for (guint i = 0; i < load.latencies->len; i++)
    printf ("%.3f\n", g_array_index (load.latencies, double, i));
  fflush (stdout);
  /* Requests still waiting end here, their answers dropped. */
  load.stopping = TRUE;
  g_clear_object (&load.session);
  g_array_unref (load.latencies);
  g_array_unref (load.lags);
  g_main_loop_unref (load.loop);
  g_strfreev (load.paths);
  return 0;
}

/* The client process's cheap client (the default; tests/bench/vtr-bench-http.h). */
typedef struct
{
  VtrBenchHttp *http;
  char        **paths;
  guint         n_paths;
  guint         next;       /* requests made (the path's index) */
  guint         scheduled;  /* open loop: requests whose time came */
  guint64       bytes;
  GArray       *latencies;
  GArray       *lags;
} RawLoad;

static void
raw_done (VtrBenchHttp *http,
          gpointer      data,
          guint         status,
          GString      *body,
          guint64       bytes,
          double        ms)
{
  RawLoad *load = data;

  if (status == 200)
    {
      g_array_append_val (load->latencies, ms);
      load->bytes += bytes;
    }
  else if (status != 0)
    vtr_bench_http_count_failure (http, "status", status);
}

/* Sends the request due at @due (ms). */
static void
raw_send (RawLoad *load,
          double   due)
{
  guint n = load->next++;
  const char *path = load->paths[n % load->n_paths];
  g_autofree char *query = unique_query ? g_strdup_printf ("?r=%u.%d", n, getpid ()) : NULL;
  char *request = g_strdup_printf ("GET %s%s HTTP/1.1\r\nHost: %s\r\nAccept-Language: fr-FR,fr;q=0.9\r\n%s\r\n",
                                   path, query ? query : "", load->http->host,
                                   one_connection ? "Connection: close\r\n" : "");

  vtr_bench_http_send (load->http, request, strlen (request), due, FALSE, load);
}

/* The client process with raw sockets: see tests/bench/vtr-bench-http.h. */
static int
raw_client_main (char **paths,
                 double started_cpu)
{
  RawLoad load = { 0 };
  double started, end_ms, deadline;

  if (!(load.http = vtr_bench_http_new (client_url, 0, raw_done)))
    return 2;
  load.paths = paths;
  load.n_paths = g_strv_length (paths);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.lags = g_array_new (FALSE, FALSE, sizeof (double));
  started = vtr_bench_now_ms ();
  end_ms = started + seconds * 1000.0;
  deadline = end_ms + 10000;
  if (client_rate <= 0)
    for (int i = 0; i < n_clients; i++)
      raw_send (&load, started);
  for (;;)
    {
      double now = vtr_bench_now_ms ();
      int timeout = 100;

      if (client_rate > 0)
        for (;;)
          {
            double due = started + load.scheduled * 1000.0 / client_rate;
            double lag;

            if (due >= end_ms)
              break;
            if (due > now)
              {
                timeout = MAX (0, (int) ceil (due - now));
                break;
              }
            lag = now - due;
            g_array_append_val (load.lags, lag);
            load.scheduled++;
            raw_send (&load, due);
          }
      else if (now < end_ms)
        {
          /* Closed loop: as many as --clients always waiting. */
          while (load.http->in_flight < (guint) n_clients)
            raw_send (&load, now);
          timeout = MAX (1, (int) (end_ms - now));
        }
      if (now >= end_ms)
        load.http->stopping = TRUE;
      if (load.http->stopping && load.http->in_flight == 0)
        break;
      if (now >= deadline)
        {
          /* Still unanswered 10 s after the last was due: failed. */
          load.http->failures += load.http->in_flight;
          break;
        }
      vtr_bench_http_run (load.http, timeout);
    }
  printf ("%.4f %.4f %u %" G_GUINT64_FORMAT " %.3f\n", (vtr_bench_now_ms () - started) / 1000,
          vtr_bench_self_cpu_s () - started_cpu, load.http->failures, load.bytes,
          load.lags->len ? vtr_bench_quantile (load.lags, 0.99) : 0.0);
  for (guint i = 0; i < load.latencies->len; i++)
    printf ("%.3f\n", g_array_index (load.latencies, double, i));
  fflush (stdout);
  return 0;
}

typedef struct
{
  double per_s, p50, p95, p99, hub_cores, client_cores, kb;
  double lag_p99; /* open loop: the clients' worst lateness in sending (ms) */
  double wall_s;
  guint  failures;
  guint  answered;
} Figures;

/* One run: the client processes together, their answers merged. */
static Figures
run_once (const char *self,
          VtrTestHub *hub,
          const char *paths_file,
          gboolean    close_each,
          gboolean    unique,
          double      rate)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *per_process = g_strdup_printf ("%d", MAX (1, n_clients / n_processes));
  g_autofree char *secs = g_strdup_printf ("%d", seconds);
  g_autofree char *per_process_rate = g_strdup_printf ("%.3f", rate / n_processes);
  double hub_before = vtr_bench_process_cpu_s (g_subprocess_get_identifier (hub->process));
  double started = vtr_bench_now_ms (), wall_s, client_cpu = 0;
  guint64 bytes = 0;
  Figures f = { 0 };

  for (int i = 0; i < n_processes; i++)
    {
      /* Open loop: connections enough for a second of a stalled hub. */
      g_autofree char *conns = g_strdup_printf ("%d", (int) MAX (50, rate / n_processes));
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      GSubprocess *client;

      {
        const char *common[] = { self, "--client", hub->url, paths_file, "--seconds", secs, "--clients",
                                 rate > 0 ? conns : per_process };

        for (guint j = 0; j < G_N_ELEMENTS (common); j++)
          g_ptr_array_add (argv, (gpointer) common[j]);
      }
      if (rate > 0)
        {
          g_ptr_array_add (argv, "--rate");
          g_ptr_array_add (argv, per_process_rate);
        }
      else if (close_each || unique)
        g_ptr_array_add (argv, close_each ? "--close" : "--unique");
      if (soup_client)
        g_ptr_array_add (argv, "--soup-client");
      g_ptr_array_add (argv, NULL);
      client = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (clients, client);
    }
  for (guint i = 0; i < clients->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;
      double elapsed = 0, cpu = 0, lag = 0;
      guint failures = 0;
      guint64 b = 0;

      g_subprocess_communicate_utf8 (g_ptr_array_index (clients, i), NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (out, "\n", -1);
      if (lines[0] == NULL ||
          sscanf (lines[0], "%lf %lf %u %" G_GUINT64_FORMAT " %lf", &elapsed, &cpu, &failures, &b, &lag) != 5)
        g_error ("a client process said nothing");
      f.lag_p99 = MAX (f.lag_p99, lag);
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
  f.hub_cores = (vtr_bench_process_cpu_s (g_subprocess_get_identifier (hub->process)) - hub_before) / wall_s;
  f.client_cores = client_cpu / wall_s;
  f.answered = latencies->len;
  f.wall_s = wall_s;
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
      Figures f = run_once (self, hub, paths_file, close_each, unique, 0);
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

/* One open-loop run at @rate a second, printed. Returns whether the hub
 * kept up: every request answered (none failed) within the run and a
 * second, and p95 under 100 ms (a queue that does not grow). */
static gboolean
open_loop_once (const char *self,
                VtrTestHub *hub,
                const char *paths_file,
                double      rate,
                Figures    *f)
{
  /* Each process sends ceil (seconds × its rate) requests. */
  guint offered = n_processes * (guint) ceil (seconds * (rate / n_processes));
  double load[1] = { NAN };

  *f = run_once (self, hub, paths_file, FALSE, FALSE, rate);
  getloadavg (load, 1);
  printf ("  offered %5.0f/s: answered %5.0f/s (%u of %u, %u failed, all done in %.1f s)  "
          "p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  clients late to send: p99 %.1f ms  "
          "CPU: hub %.2f cores, %.3f ms a page; clients %.2f cores (load average %.1f)\n",
          rate, f->per_s, f->answered, offered, f->failures, f->wall_s, f->p50, f->p95, f->p99, f->lag_p99,
          f->hub_cores, f->answered ? f->hub_cores * f->wall_s / f->answered * 1000 : NAN, f->client_cores,
          load[0]);
  fflush (stdout);
  return f->failures == 0 && f->answered >= offered && f->wall_s <= seconds + 1.5 && f->p95 < 100;
}

/* Product pages at 1,000/s, 2,000/s, then 500/s more a step until the hub
 * no longer keeps up (at most --max-rate). */
static void
open_loop (const char *self,
           VtrTestHub *hub,
           const char *paths_file)
{
  double sustained = 0;
  Figures f;

  /* Each poster's page asked once first, so the runs measure what phones
   * get once a poster is known (the hub's cache; what making a page costs
   * is the "made each time" figure). */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *text = NULL;
    g_auto(GStrv) paths = NULL;
    double started = vtr_bench_now_ms ();

    g_file_get_contents (paths_file, &text, NULL, NULL);
    paths = g_strsplit (g_strchomp (text), "\n", -1);
    for (guint i = 0; paths[i]; i++)
      {
        g_autofree char *url = g_strconcat (hub->url, paths[i], NULL);
        g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
        g_autoptr(GBytes) body = NULL;

        soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Language", "fr-FR,fr;q=0.9");
        body = soup_session_send_and_read (session, msg, NULL, NULL);
      }
    printf ("%u product pages asked once first (%.1f s)\n", g_strv_length (paths),
            (vtr_bench_now_ms () - started) / 1000);
  }
  printf ("product pages, open loop: a fixed offered rate for %d s from %d processes, latency from each request's "
          "scheduled time\n", seconds, n_processes);
  g_auto(GStrv) listed = rates_option ? g_strsplit (rates_option, ",", -1) : NULL;
  guint step = 0;

  for (double rate = listed ? g_ascii_strtod (listed[0], NULL) : 1000; rate > 0 && rate <= max_rate;
       rate = listed ? (listed[++step] ? g_ascii_strtod (listed[step], NULL) : 0) : rate + (rate < 2000 ? 1000 : 500))
    {
      gboolean kept_up = open_loop_once (self, hub, paths_file, rate, &f);

      if (rate == 1000 || rate == 2000)
        {
          g_autofree char *p50 = g_strdup_printf ("open_%.0f_p50_ms", rate);
          g_autofree char *p95 = g_strdup_printf ("open_%.0f_p95_ms", rate);
          g_autofree char *p99 = g_strdup_printf ("open_%.0f_p99_ms", rate);
          g_autofree char *cpu = g_strdup_printf ("open_%.0f_hub_ms_per_page", rate);

          vtr_bench_report (json_lines, "web", p50, f.p50, NAN);
          vtr_bench_report (json_lines, "web", p95, f.p95, rate == 2000 ? 20 : NAN);
          vtr_bench_report (json_lines, "web", p99, f.p99, NAN);
          vtr_bench_report (json_lines, "web", cpu, f.answered ? f.hub_cores * f.wall_s / f.answered * 1000 : NAN,
                            NAN);
        }
      if (kept_up)
        sustained = MAX (sustained, rate);
      else if (!listed)
        break;
    }
  printf ("product pages, open loop: max sustainable rate %.0f/s (every request answered, p95 under 100 ms)\n",
          sustained);
  vtr_bench_report (json_lines, "web", "open_max_sustainable_per_s", sustained, 2000);
  fflush (stdout);
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
    if (!open_loop_only)
      {
        run (self, hub, products_file, "product pages", "keep-alive clients", "product", FALSE, FALSE, 2000, 20);
        run (self, hub, shops_file, "shop pages", "keep-alive clients", "shop", FALSE, FALSE, NAN, NAN);
        run (self, hub, products_file, "product pages", "a connection each", "product_close", TRUE, FALSE, NAN,
             NAN);
        run (self, hub, shops_file, "shop pages", "a connection each", "shop_close", TRUE, FALSE, NAN, NAN);
        run (self, hub, products_file, "product pages made each time", "keep-alive clients", "product_uncached",
             FALSE, TRUE, NAN, NAN);
        run (self, hub, status_file, "GET /api/v1/status", "a connection each", "status", TRUE, FALSE, NAN, NAN);
      }
    open_loop (self, hub, products_file);
    /* The cache's counts: its hits, and how often a thread waited for
     * its lock (the I/O thread's lookups against the workers' stores). */
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *url = g_strconcat (hub->url, "/metrics", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
      g_autofree char *text = body ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)) : NULL;
      g_auto(GStrv) lines = text ? g_strsplit (text, "\n", -1) : NULL;

      for (guint i = 0; lines && lines[i]; i++)
        if (g_str_has_prefix (lines[i], "vitrine_hub_web_cache_"))
          printf ("hub's %s\n", lines[i]);
    }
  }

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

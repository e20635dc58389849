#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-bench-http.h"
#include "vtr-bench-catalog.h"
#include "vtr-changes.h"
#include "vtr-flashcode.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-sync.h"
#include "../vtr-test-hub.h"
#ifdef VTR_HAVE_LIBPQ
#include "../vtr-test-pg.h"
#else
typedef struct
{
  char *url;
} VtrTestCluster;
#endif
#include "../vtr-test-util.h"

/*
 * The hub under the département's load, a real `vitrine-hub serve` on
 * 127.0.0.1:
 *
 *  - initial sync of the département's catalogue (2,100 shops, 100,000
 *    products, 1,000,000 stock lines) into an empty kiosk, and an
 *    incremental sync of 1,000 changes, by the kiosk's own sync client;
 *  - for each N of --kiosks (default 500, 5,000, 10,000, 20,000 and
 *    50,000: one hub's knee lies between), N simulated
 *    kiosks each polling the feed every 30 s and uploading 10 loyalty
 *    events every --upload-every seconds (default 30): p50/p99 per
 *    request and events/s made durable at that load; then 500 kiosks
 *    uploading flat out, for the events/s the hub makes durable at most.
 *
 * The simulated kiosks run in --processes child processes (default 4,
 * this program started again with --load-child) so that the figures are
 * the hub's, not one client thread's: a single client saturated before
 * the hub did (80 % of a core against the hub's 13 % at 2,000 kiosks).
 *
 * (pg) --backend postgresql runs the hubs on a throwaway PostgreSQL
 * cluster (fsync on; its catalogue empty, so only the load phases run),
 * and --hubs N starts N hub processes on the one database (SQLite's
 * hub.db or PostgreSQL), the load processes spread over them in turn;
 * their figures are named after them (pg_2hubs_steady_500_p99_ms).
 *
 *   bench-sync [--scale F] [--kiosks N,N…] [--seconds S] [--processes P]
 *              [--backend sqlite|postgresql] [--hubs N]
 *
 * Prints a table, then one JSON object a line.
 */

static double scale = 1.0;
static char *kiosk_counts = NULL;
static int seconds = 20;
static int n_processes = 4;
static char *backend_name = NULL;
static int n_hubs = 1;
static int upload_every = 30;
static char *load_child = NULL;   /* a child's kiosks file */
static char *child_url = NULL;
static gboolean child_flat_out = FALSE;
static int child_batch = 10;
static int child_connections = 500;

static const GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale the catalogue by F (smoke runs)", "F" },
  { "kiosks", 0, 0, G_OPTION_ARG_STRING, &kiosk_counts, "Simulated kiosks, a list (default 500,5000,10000,20000,50000)", "N,N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of each load phase (default 20)", "S" },
  { "processes", 0, 0, G_OPTION_ARG_INT, &n_processes, "Processes the kiosks run in (default 4)", "P" },
  { "upload-every", 0, 0, G_OPTION_ARG_INT, &upload_every, "Seconds between a kiosk's uploads (default 30)", "S" },
  { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_name,
    "(pg) sqlite (default) or postgresql (a throwaway cluster, fsync on; the load phases only)", "NAME" },
  { "hubs", 0, 0, G_OPTION_ARG_INT, &n_hubs, "(pg) Hub processes on the one database (default 1, at most 4)", "N" },
  { "load-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &load_child, NULL, NULL },
  { "url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child_url, NULL, NULL },
  { "flat-out", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child_flat_out, NULL, NULL },
  { "batch", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &child_batch, NULL, NULL },
  { "connections", 0, 0, G_OPTION_ARG_INT, &child_connections,
    "Connections open at once in each load process (default 500; more requests wait, their wait counted)", "N" },
  { NULL },
};

/* Cards the simulated kiosks credit, one each up to this many. */
#define N_CARDS 20000

static GString *json_lines;
static char *program_path;

/* A simulated kiosk of a load process. */
typedef struct
{
  guint    index;
  char    *token;
  char    *card;
  char    *card_code; /* signed by the federation: the hub credits no other card */
  gint64   cursor;
  char    *etag;      /* the feed's tag the kiosk last received */
  guint    sent;
  gboolean busy;
} Kiosk;

/* A load process's kiosks and what the hub answered them, on the cheap
 * client of tests/bench/vtr-bench-http.h (libsoup's sessions stalled at
 * 5,000 kiosks, the hub idle). */
typedef struct
{
  VtrBenchHttp *http;
  Kiosk        *kiosks;
  guint         n;
  GArray       *poll_latencies;   /* ms, from when the request was due */
  GArray       *upload_latencies;
  guint64       accepted;
  gboolean      flat_out;
  gboolean      stopping;
  guint         batch;
} Load;

static Load load;

/* A request's data: the kiosk's position, and whether it uploads. */
#define REQUEST_DATA(position, upload) GUINT_TO_POINTER (((position) << 1) | ((upload) ? 1 : 0))

static void kiosk_upload (guint position, double due);

static void
request_done (VtrBenchHttp *http,
              gpointer      data,
              guint         status,
              GString      *body,
              guint64       bytes,
              double        ms)
{
  guint position = GPOINTER_TO_UINT (data) >> 1;
  gboolean upload = GPOINTER_TO_UINT (data) & 1;
  Kiosk *kiosk = &load.kiosks[position];

  kiosk->busy = FALSE;
  if (status == 0)
    return;  /* no answer: counted by the client */
  if (status != 200 && status != 304)
    {
      /* Say why, once or twice: a failure is a finding. */
      g_autofree char *start = body ? g_strndup (body->str, 200) : NULL;

      vtr_bench_http_count_failure (http, start ? start : "status", status);
      return;
    }
  g_array_append_val (upload ? load.upload_latencies : load.poll_latencies, ms);
  if (upload && body)
    {
      /* Each "accepted" in the answer is an event made durable. */
      const char *p = body->str, *end = body->str + body->len;

      while ((p = g_strstr_len (p, end - p, "\"accepted\"")))
        load.accepted++, p += 10;
    }
  if (upload && load.flat_out && !load.stopping)
    kiosk_upload (position, vtr_bench_now_ms ());
}

static void
send_request (guint       position,
              gboolean    upload,
              GString    *request,
              double      due)
{
  Kiosk *kiosk = &load.kiosks[position];
  gsize len = request->len;

  kiosk->busy = TRUE;
  vtr_bench_http_send (load.http, g_string_free (request, FALSE), len, due, upload,
                       REQUEST_DATA (position, upload));
}

static void
kiosk_upload (guint  position,
              double due)
{
  Kiosk *kiosk = &load.kiosks[position];
  g_autoptr(GString) body = g_string_new ("{\"events\":[");
  GString *request = g_string_new (NULL);

  for (guint i = 0; i < load.batch; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_string_append_printf (body,
                              "%s{\"uuid\":\"%s\",\"kind\":\"credit\",\"created\":%u,\"payload\":"
                              "{\"kind\":\"credit\",\"card\":\"%s\",\"code\":\"%s\",\"merchant\":%u,"
                              "\"points\":%u}}",
                              i ? "," : "", uuid, 1800000000u + kiosk->sent, kiosk->card, kiosk->card_code,
                              1 + kiosk->index % 2000,
                              1 + kiosk->sent % 9);
      kiosk->sent++;
    }
  g_string_append (body, "]}");
  g_string_printf (request,
                   "POST /api/v1/events HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                   load.http->host, kiosk->token, body->len);
  g_string_append_len (request, body->str, body->len);
  send_request (position, TRUE, request, due);
}

static void
kiosk_poll (guint  position,
            double due)
{
  Kiosk *kiosk = &load.kiosks[position];
  GString *request = g_string_new (NULL);

  /* As the kiosk's sync client asks: a 304 while nothing changed. */
  g_string_printf (request,
                   "GET /api/v1/changes?since=%" G_GINT64_FORMAT " HTTP/1.1\r\nHost: %s\r\n"
                   "Authorization: Bearer %s\r\nIf-None-Match: %s\r\n"
                   "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n",
                   kiosk->cursor, load.http->host, kiosk->token, kiosk->etag);
  send_request (position, FALSE, request, due);
}

/* The steady load: every kiosk polls every 30 s and uploads a batch every
 * --upload-every seconds, each at its own phase (spread over the whole
 * period, whatever the number of kiosks), in ticks of 10 ms taken from the
 * clock: a generator slowed by a loaded machine still sends what the
 * kiosks would, each request due at its tick. The kiosks due at each tick
 * of a period are listed once, beforehand. */
#define POLL_TICKS 3000

static GArray **
due_lists (guint   period,
           guint   multiplier)
{
  GArray **lists = g_new0 (GArray *, period);

  for (guint t = 0; t < period; t++)
    lists[t] = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < load.n; i++)
    {
      guint offset = (load.kiosks[i].index * multiplier) % period;

      g_array_append_val (lists[(period - offset) % period], i);
    }
  return lists;
}

static void
run_load (void)
{
  guint upload_ticks = MAX (1, upload_every * 100);
  GArray **polls = NULL, **uploads = NULL;
  double started = vtr_bench_now_ms ();
  double end_ms = started + seconds * 1000.0;
  /* Answers still awaited a minute after the end count as failed. */
  double deadline = end_ms + 60000;
  guint64 last_tick = 0;

  if (load.flat_out)
    for (guint i = 0; i < load.n; i++)
      kiosk_upload (i, started);
  else
    {
      polls = due_lists (POLL_TICKS, 7919);
      uploads = due_lists (upload_ticks, 104729);
    }
  for (;;)
    {
      double now = vtr_bench_now_ms ();

      if (now >= end_ms)
        load.stopping = TRUE;
      else if (!load.flat_out)
        {
          guint64 tick = (guint64) ((now - started) / 10);

          for (guint64 t = last_tick + 1; t <= tick; t++)
            {
              GArray *due_polls = polls[t % POLL_TICKS], *due_uploads = uploads[t % upload_ticks];
              double due = started + t * 10.0;

              for (guint i = 0; i < due_polls->len; i++)
                if (!load.kiosks[g_array_index (due_polls, guint, i)].busy)
                  kiosk_poll (g_array_index (due_polls, guint, i), due);
              for (guint i = 0; i < due_uploads->len; i++)
                if (!load.kiosks[g_array_index (due_uploads, guint, i)].busy)
                  kiosk_upload (g_array_index (due_uploads, guint, i), due);
            }
          last_tick = MAX (last_tick, tick);
        }
      if (load.stopping && load.http->in_flight == 0)
        break;
      if (now >= deadline)
        {
          load.http->failures += load.http->in_flight;
          break;
        }
      vtr_bench_http_run (load.http, load.stopping ? 100 : 5);
    }
  for (guint t = 0; polls && t < POLL_TICKS; t++)
    g_array_unref (polls[t]);
  for (guint t = 0; uploads && t < upload_ticks; t++)
    g_array_unref (uploads[t]);
  g_free (polls);
  g_free (uploads);
}

static double
quantile_or_nan (GArray *samples,
                 double  q)
{
  return samples->len ? vtr_bench_quantile (samples, q) : NAN;
}

/* A device paired the way a kiosk pairs, for its token. */
static char *
pair_device (SoupSession *session,
             const char  *url,
             VtrHubDb    *db,
             guint        index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("Kiosque %u", index);
  g_autofree char *code = vtr_hub_db_add_device (db, name, 0, NULL, G_MAXINT64 / 2, NULL, &error);
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  g_autofree char *pair_url = g_strconcat (url, "/api/v1/pair", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", pair_url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  node = json_from_string (text, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

/* The feed's tag at @cursor, as the hub gives it to a kiosk (@line: the
 * kiosk's "TOKEN …"). */
static char *
feed_etag (SoupSession *session,
           const char  *url,
           const char  *line,
           gint64       cursor)
{
  g_autofree char *token = g_strndup (line, strcspn (line, " "));
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *feed_url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT, url, cursor);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", feed_url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *etag;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  etag = soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag");
  g_assert_nonnull (etag);
  g_assert_null (strchr (etag, ' '));
  return g_strdup (etag);
}

/* @n devices, paired, straight into the hub's database (SQLite's @db, or
 * PostgreSQL at @pg_url) in one transaction: their tokens. */
static char **
make_devices (const char *pg_url,
              VtrHubDb   *db,
              int         n)
{
  char **tokens = g_new0 (char *, n + 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GString) sql = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *secret = vtr_hub_random_code (26);
      g_autofree char *hash = NULL;

      tokens[i] = g_strdup_printf ("bench%d%s", i, secret);
      hash = vtr_hub_secret_hash (tokens[i]);
      g_string_append_printf (sql, "%s('Kiosque %d', 0, '%s', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                              i % 1000 ? ", " : "INSERT INTO device (name, pairing_expires, token_hash, created, "
                                                "paired) VALUES ",
                              i, hash, now, now);
      if (i % 1000 == 999 || i == n - 1)
        g_string_append (sql, ";\n");
    }
  g_string_prepend (sql, "BEGIN;\n");
  g_string_append (sql, "COMMIT;\n");
#ifdef VTR_HAVE_LIBPQ
  if (pg_url)
    {
      PGconn *conn = PQconnectdb (pg_url);
      PGresult *result;

      g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
      result = PQexec (conn, sql->str);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("devices: %s", PQerrorMessage (conn));
      PQclear (result);
      PQfinish (conn);
      return tokens;
    }
#endif
  if (sqlite3_exec (vtr_hub_db_get_sqlite (db), sql->str, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("devices: %s", sqlite3_errmsg (vtr_hub_db_get_sqlite (db)));
  return tokens;
}

static double
timed_pull (VtrStore      *kiosk_store,
            VtrSyncReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSyncClient) client = vtr_sync_client_new (kiosk_store, &error);
  double start = vtr_bench_now_ms ();

  g_assert_no_error (error);
  memset (report, 0, sizeof *report);
  if (!vtr_sync_client_pull (client, report, NULL, &error))
    g_error ("sync: %s", error->message);
  return vtr_bench_now_ms () - start;
}

/* A load process: the kiosks of its file, steady or flat out for
 * --seconds; prints "p MS" for a poll, "u MS" for an upload, "a N" for
 * the events accepted, "f N" for the failures, "e S" for the seconds until
 * the last answer and "c S" for its own CPU seconds. */
static int
child_main (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  double started, cpu_before = vtr_bench_self_cpu_s ();

  if (!g_file_get_contents (load_child, &text, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (text, "\n", -1);
  load.kiosks = g_new0 (Kiosk, g_strv_length (lines));
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (lines[i], " ", -1);
      Kiosk *kiosk = &load.kiosks[load.n];

      if (g_strv_length (parts) != 6)
        continue;
      kiosk->index = atoi (parts[0]);
      kiosk->token = g_strdup (parts[1]);
      kiosk->card = g_strdup (parts[2]);
      kiosk->card_code = g_strdup (parts[3]);
      kiosk->cursor = g_ascii_strtoll (parts[4], NULL, 10);
      kiosk->etag = g_strdup (parts[5]);
      load.n++;
    }
  if (!(load.http = vtr_bench_http_new (child_url, child_connections, request_done)))
    g_error ("not a hub's address: %s", child_url);
  load.http->written_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.poll_latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.upload_latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.batch = child_batch;
  load.flat_out = child_flat_out;
  started = vtr_bench_now_ms ();
  run_load ();
  {
    /* Until the last answer: a hub that falls behind answers after
     * --seconds, and its rate is over the whole time. */
    double elapsed_s = (vtr_bench_now_ms () - started) / 1000;
    g_autoptr(GString) out = g_string_sized_new ((load.poll_latencies->len + load.upload_latencies->len) * 12);

    for (guint i = 0; i < load.poll_latencies->len; i++)
      g_string_append_printf (out, "p %.3f\n", g_array_index (load.poll_latencies, double, i));
    for (guint i = 0; i < load.upload_latencies->len; i++)
      g_string_append_printf (out, "u %.3f\n", g_array_index (load.upload_latencies, double, i));
    g_string_append_printf (out, "a %" G_GUINT64_FORMAT "\nf %u\ne %.3f\nc %.3f\nw %.3f\n", load.accepted,
                            load.http->failures, elapsed_s, vtr_bench_self_cpu_s () - cpu_before,
                            load.http->written_ms->len ? vtr_bench_quantile (load.http->written_ms, 0.99) : 0.0);
    fwrite (out->str, 1, out->len, stdout);
  }
  return 0;
}

typedef struct
{
  guint  requests;
  guint  polls;
  guint  failures;
  double p50, p99, poll_p99, upload_p99;
  double events_per_s;
  double elapsed_s;
  double hub_cores;  /* the hubs' CPU over the phase, in cores */
  double load_cores; /* the load processes' */
  double written_p99; /* ms from due to written, the worst process's p99 */
} LoadFigures;

/* The first @n kiosks of @lines in --processes load processes at once. */
static void
run_children (VtrTestHub  **hubs,
              int           n_urls,
              const char   *dir,
              GPtrArray    *lines,
              int           n,
              gboolean      flat_out,
              int           batch,
              LoadFigures  *figures)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) polls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) uploads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *seconds_text = g_strdup_printf ("%d", seconds);
  g_autofree char *every_text = g_strdup_printf ("%d", upload_every);
  g_autofree char *batch_text = g_strdup_printf ("%d", batch);
  g_autofree char *connections_text = g_strdup_printf ("%d", child_connections);
  guint64 accepted = 0;
  double elapsed = seconds, load_cpu = 0, hub_cpu = 0;
  int n_children = MAX (1, MIN (n_processes, n));
  double started = vtr_bench_now_ms ();

  memset (figures, 0, sizeof *figures);
  for (int h = 0; h < n_urls; h++)
    hub_cpu -= vtr_bench_process_cpu_s (g_subprocess_get_identifier (hubs[h]->process));
  n = MIN (n, (int) lines->len);
  for (int c = 0; c < n_children; c++)
    {
      g_autofree char *path = g_strdup_printf ("%s/load-%d.txt", dir, c);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      GSubprocess *child;

      for (int i = c; i < n; i += n_children)
        g_string_append_printf (text, "%d %s", i, (const char *) lines->pdata[i]);
      g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program_path, "--load-child", path,
                                "--url", hubs[c % n_urls]->url, "--seconds", seconds_text, "--upload-every",
                                every_text, "--batch", batch_text, "--connections", connections_text, flat_out ? "--flat-out" : NULL, NULL);
      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }
  for (guint c = 0; c < children->len; c++)
    {
      g_autofree char *out = NULL;
      g_auto(GStrv) lines_out = NULL;
      g_autoptr(GError) error = NULL;

      g_subprocess_communicate_utf8 (children->pdata[c], NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      lines_out = g_strsplit (out ? out : "", "\n", -1);
      for (guint i = 0; lines_out[i]; i++)
        {
          double value = g_ascii_strtod (lines_out[i] + MIN (2, strlen (lines_out[i])), NULL);

          switch (lines_out[i][0])
            {
            case 'p':
              g_array_append_val (polls, value);
              g_array_append_val (all, value);
              break;
            case 'u':
              g_array_append_val (uploads, value);
              g_array_append_val (all, value);
              break;
            case 'a':
              accepted += (guint64) value;
              break;
            case 'f':
              figures->failures += (guint) value;
              break;
            case 'e':
              elapsed = MAX (elapsed, value);
              break;
            case 'c':
              load_cpu += value;
              break;
            case 'w':
              figures->written_p99 = MAX (figures->written_p99, value);
              break;
            default:
              break;
            }
        }
    }
  for (int h = 0; h < n_urls; h++)
    hub_cpu += vtr_bench_process_cpu_s (g_subprocess_get_identifier (hubs[h]->process));
  figures->hub_cores = hub_cpu / ((vtr_bench_now_ms () - started) / 1000);
  figures->load_cores = load_cpu / ((vtr_bench_now_ms () - started) / 1000);
  figures->requests = all->len;
  figures->polls = polls->len;
  figures->p50 = quantile_or_nan (all, 0.5);
  figures->p99 = quantile_or_nan (all, 0.99);
  figures->poll_p99 = quantile_or_nan (polls, 0.99);
  figures->upload_p99 = quantile_or_nan (uploads, 0.99);
  figures->events_per_s = accepted / elapsed;
  figures->elapsed_s = elapsed;
}

static void
report_figures (const char        *name,
                const LoadFigures *figures,
                double             p99_goal)
{
  g_autofree char *p50 = g_strconcat (name, "_p50_ms", NULL);
  g_autofree char *p99 = g_strconcat (name, "_p99_ms", NULL);
  g_autofree char *events = g_strconcat (name, "_events_per_s", NULL);
  g_autofree char *failed = g_strconcat (name, "_failed_requests", NULL);
  g_autofree char *feed = g_strconcat (name, "_feed_answers_per_s", NULL);

  vtr_bench_report (json_lines, "sync", p50, figures->p50, NAN);
  vtr_bench_report (json_lines, "sync", p99, figures->p99, p99_goal);
  vtr_bench_report (json_lines, "sync", events, figures->events_per_s, NAN);
  vtr_bench_report (json_lines, "sync", failed, figures->failures, 0);
  vtr_bench_report (json_lines, "sync", feed, figures->polls / figures->elapsed_s, NAN);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— hub and sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(SoupSession) setup = soup_session_new ();
  Size size = { "departement", 2100, 100000, 1000000, 5000, 1.0 };
  VtrRandom r = { 20261127 };
  VtrTestHub *hub;
  VtrTestHub *hubs[4] = { NULL };
  VtrTestCluster *cluster = NULL;
  gboolean postgresql;
  g_autofree char *prefix = NULL;
  g_autofree char *label = NULL;
  VtrSyncReport report;
  double initial_ms, incremental_ms;
  g_autofree char *hub_digest = NULL;
  g_autofree char *kiosk_digest = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  program_path = g_file_read_link ("/proc/self/exe", NULL);
  if (load_child)
    return child_main ();
  postgresql = g_strcmp0 (backend_name, "postgresql") == 0;
  if (backend_name && !postgresql && !g_str_equal (backend_name, "sqlite"))
    {
      g_printerr ("--backend is sqlite or postgresql\n");
      return 2;
    }
  n_hubs = CLAMP (n_hubs, 1, (int) G_N_ELEMENTS (hubs));
  /* The figures of other set-ups are named after them: pg_2hubs_steady_500_p99_ms. */
  prefix = !postgresql && n_hubs == 1 ? g_strdup ("")
                                      : g_strdup_printf ("%s_%dhub%s_", postgresql ? "pg" : "sqlite", n_hubs,
                                                         n_hubs > 1 ? "s" : "");
  label = !postgresql && n_hubs == 1 ? g_strdup ("")
                                     : g_strdup_printf ("[%s, %d hub%s] ", postgresql ? "PostgreSQL" : "SQLite", n_hubs,
                                                        n_hubs > 1 ? "s" : "");
  if (g_getenv ("VITRINE_TEST_PG_BINDIR") == NULL)
    g_setenv ("VITRINE_TEST_PG_BINDIR", "/usr/lib/postgresql/15/bin", TRUE);
  size.merchants = MAX (10, size.merchants * scale);
  size.products = MAX (10, size.products * scale);
  size.stock = MAX (10, size.stock * scale);
  size.promotions = MAX (10, size.promotions * scale);
  json_lines = g_string_new (NULL);

  /* The federation's catalogue, written as an import writes it: through
   * the hub's change log. */
  printf ("hub: %u shops, %u products, %u stock lines\n", size.merchants, size.products, size.stock);
  g_assert_true (vtr_hub_keys_init (hub_dir, "vtr13.fr", &error));
  {
    g_autoptr(VtrStore) store = vtr_store_open (hub_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);

    g_assert_true (vtr_catalog_log_changes (catalog, &error));
    vtr_bench_catalog_load (catalog, &size, &r, now);
  }

  /* (pg) --hubs processes on one database: SQLite's hub.db, or a
   * throwaway PostgreSQL cluster (its catalogue left empty: the load
   * phases only). */
  {
    const char *extra[] = { "--database", NULL, NULL };

    if (postgresql)
      {
#ifdef VTR_HAVE_LIBPQ
        cluster = vtr_test_cluster_start_full (TRUE);
        extra[1] = cluster->url;
#else
        g_printerr ("This build has no PostgreSQL (libpq)\n");
        return 2;
#endif
      }
    for (int h = 0; h < n_hubs; h++)
      {
        hubs[h] = vtr_test_hub_start_with (hub_dir, 0, NULL, NULL, NULL, postgresql ? extra : NULL);
      }
    hub = hubs[0];
    printf ("%d hub process%s on %s\n", n_hubs, n_hubs > 1 ? "es" : "", postgresql ? "PostgreSQL" : "SQLite");
  }

  if (!postgresql)
    {
      /* Initial sync into an empty kiosk. */
      {
        g_autoptr(VtrHubDb) db = vtr_hub_db_open (hub_dir, &error);
        g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
        VtrHubLink link = { hub->url, NULL, 1, "Kiosque du banc", 0, 1 };

        g_assert_no_error (error);
        link.token = pair_device (setup, hub->url, db, 0);
        g_assert_true (vtr_sync_state_save_link (store, &link, &error));
        g_free (link.token);

        initial_ms = timed_pull (store, &report);
        printf ("initial sync: %u rows in %u pages, %.2f s (%.0f rows/s)\n", report.rows, report.pages,
                initial_ms / 1000, report.rows / (initial_ms / 1000));
        vtr_bench_report (json_lines, "sync", "initial_sync_s", initial_ms / 1000, 15);
        vtr_bench_report (json_lines, "sync", "initial_rows_per_s", report.rows / (initial_ms / 1000), NAN);
      }
      hub_digest = vtr_test_catalog_digest (hub_dir);
      kiosk_digest = vtr_test_catalog_digest (kiosk_dir);
      g_assert_cmpstr (hub_digest, ==, kiosk_digest);

      /* 1,000 changes on the hub: prices, a few withdrawals. */
      {
        g_autoptr(VtrStore) hub_store = vtr_store_open (hub_dir, &error);
        g_autoptr(VtrCatalog) catalog = vtr_catalog_new (hub_store);
        g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
        guint changed = 0;

        g_assert_true (vtr_catalog_log_changes (catalog, &error));
        g_assert_true (vtr_catalog_begin (catalog, &error));
        while (changed < 1000)
          {
            VtrStock stock = { 1 + vtr_random_below (&r, size.products), 1 + vtr_random_below (&r, size.merchants),
                               100 + vtr_random_below (&r, 5000), VTR_AVAILABILITY_IN_STOCK,
                               g_date_time_to_unix (now) };

            if (changed % 20 == 0)
              g_assert_true (vtr_catalog_delete (catalog, VTR_TABLE_STOCK, stock.product_id, stock.merchant_id,
                                                 &error));
            else
              g_assert_true (vtr_catalog_put_stock (catalog, &stock, &error));
            changed++;
          }
        g_assert_true (vtr_catalog_commit (catalog, &error));

        incremental_ms = timed_pull (store, &report);
        printf ("incremental sync of 1000 changes: %u rows, %u removed, %.1f ms\n", report.rows, report.deleted,
                incremental_ms);
        vtr_bench_report (json_lines, "sync", "incremental_1000_ms", incremental_ms, 200);
      }
      g_free (hub_digest);
      g_free (kiosk_digest);
      hub_digest = vtr_test_catalog_digest (hub_dir);
      kiosk_digest = vtr_test_catalog_digest (kiosk_dir);
      g_assert_cmpstr (hub_digest, ==, kiosk_digest);
    }

  /* The kiosks: made in hub.db directly (pairing 50,000 over HTTP would
   * take longer than the load), in a file a line each for the load
   * processes: TOKEN CARD CODE CURSOR ETAG. */
  {
    g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (int));
    g_auto(GStrv) parts = g_strsplit (kiosk_counts ? kiosk_counts : "500,5000,10000,20000,50000", ",", -1);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
    int most = 500;

    for (guint i = 0; parts[i]; i++)
      {
        int n = atoi (parts[i]);

        g_array_append_val (counts, n);
        most = MAX (most, n);
      }
    {
      g_autoptr(VtrHubDb) db = vtr_hub_db_open (hub_dir, &error);
      g_autoptr(VtrStore) hub_store = vtr_store_open (hub_dir, &error);
      g_autoptr(VtrCatalog) catalog = vtr_catalog_new (hub_store);
      g_autoptr(VtrHubBackend) backend = postgresql ? vtr_hub_backend_open_pg (cluster->url, &error) : NULL;
      /* Made in the database at once, paired, each with its token: pairing
       * 50,000 one by one took minutes on PostgreSQL. */
      gint64 last = backend ? vtr_hub_backend_last_change (backend, &error)
                            : vtr_catalog_last_change (catalog, &error);
      g_autoptr(VtrHubKeys) keys = vtr_hub_keys_open (hub_dir, &error);
      const guint8 *secret = NULL;
      int kid = vtr_hub_keys_signing_kid (keys, &secret);
      /* A card of its own for each kiosk (up to N_CARDS): every card is
       * new to the hub the first time, its signature checked. */
      guint n_cards = MIN (N_CARDS, (guint) most);
      g_autofree char **cards = g_new0 (char *, n_cards);
      g_autofree char **codes = g_new0 (char *, n_cards);
      double made = vtr_bench_now_ms ();

      g_assert_no_error (error);
      sqlite3_exec (vtr_hub_db_get_sqlite (db), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
      for (guint c = 0; c < n_cards; c++)
        {
          VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, NULL, NULL, NULL, 0, kid };

          code.card_id = cards[c] = vtr_flashcode_new_card_id ();
          codes[c] = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
          g_assert_no_error (error);
        }
      {
        g_auto(GStrv) tokens = make_devices (postgresql ? cluster->url : NULL, db, most);

        for (int i = 0; i < most; i++)
          g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %" G_GINT64_FORMAT "\n", tokens[i], cards[i % n_cards],
                                                   codes[i % n_cards], last));
      }
      for (guint c = 0; c < n_cards; c++)
        g_free (cards[c]), g_free (codes[c]);
      /* Each kiosk is up to date, as after its first sync: it polls with
       * the feed's tag and gets a 304 until something changes. */
      {
        g_autofree char *etag = NULL;

        for (guint i = 0; i < lines->len; i++)
          {
            char *line = lines->pdata[i];

            if (etag == NULL)
              etag = feed_etag (setup, hubs[0]->url, line, last);
            line[strlen (line) - 1] = '\0';
            lines->pdata[i] = g_strconcat (line, " ", etag, "\n", NULL);
            g_free (line);
          }
      }
      printf ("%d kiosks made in %.1f s\n", most, (vtr_bench_now_ms () - made) / 1000);
    }

    for (guint c = 0; c < counts->len; c++)
      {
        int n = g_array_index (counts, int, c);
        g_autofree char *name = g_strdup_printf ("%ssteady_%d", prefix, n);
        LoadFigures figures;

        run_children (hubs, n_hubs, hub_dir, lines, n, FALSE, 10, &figures);
        printf ("%s%d kiosks, poll every 30 s, 10 events every %d s, %d s (last answer after %.0f s), %d processes: "
                "%u requests (%.0f/s; feed answers %.0f/s), %u failed, p50 %.2f ms, p99 %.2f ms (polls p99 %.2f, "
                "uploads p99 %.2f), %.0f events/s durable; hub%s %.2f cores, load %.2f cores, requests sent p99 %.1f ms "
                "after due\n",
                label, n, upload_every, seconds, figures.elapsed_s, n_processes, figures.requests,
                figures.requests / figures.elapsed_s, figures.polls / figures.elapsed_s, figures.failures, figures.p50,
                figures.p99, figures.poll_p99, figures.upload_p99, figures.events_per_s, n_hubs > 1 ? "s" : "",
                figures.hub_cores, figures.load_cores, figures.written_p99);
        report_figures (name, &figures, n == 5000 ? 100 : NAN);
      }

    {
      LoadFigures figures;

      g_autofree char *events_name = g_strconcat (prefix, "events_per_s", NULL);
      g_autofree char *flat_name = g_strconcat (prefix, "flat_out_p99_ms", NULL);

      run_children (hubs, n_hubs, hub_dir, lines, 500, TRUE, 50, &figures);
      printf ("%s500 kiosks uploading flat out, 50 events a batch, %d s (last answer after %.0f s), %d processes: "
              "%.0f events/s durable, p50 %.2f ms, p99 %.2f ms, %u failed; hub%s %.2f cores, load %.2f cores\n",
              label, seconds, figures.elapsed_s, n_processes, figures.events_per_s, figures.p50, figures.p99,
              figures.failures, n_hubs > 1 ? "s" : "", figures.hub_cores, figures.load_cores);
      vtr_bench_report (json_lines, "sync", events_name, figures.events_per_s, 2000);
      vtr_bench_report (json_lines, "sync", flat_name, figures.p99, NAN);
    }
  }

  for (int h = 0; h < n_hubs; h++)
    vtr_test_hub_stop (hubs[h], SIGTERM);
#ifdef VTR_HAVE_LIBPQ
  if (cluster)
    vtr_test_cluster_stop (cluster);
#endif
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);

  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

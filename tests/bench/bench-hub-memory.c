#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * The hub's memory under what a day brings: a real `vitrine-hub serve` on
 * 127.0.0.1, its resident memory (VmRSS) read from /proc
 *
 *  - at start (after one request of each kind, so that its worker threads
 *    and their SQLite caches exist),
 *  - after N syncs (default 100,000), each on a new connection closed by
 *    the kiosk as a kiosk with a new HTTP session a sync would: a poll of
 *    an up-to-date feed (304; the catalogue is empty, the feed's cost is
 *    bench-sync's), and one sync in 50 uploads a credit and reads the
 *    card's balance,
 *  - after M hostile requests (default 10,000): nested "[" bodies, too
 *    large bodies, forged log lines, garbage, connections cut halfway or
 *    silent.
 *
 *   bench-hub-memory [--syncs N] [--hostile M] [--clients C]
 *
 * Goal: flat, each figure within 10 MB of the start. Prints a table, then
 * one JSON object a line.
 */

static int n_syncs = 100000;
static int n_hostile = 10000;
static int n_clients = 4;

static const GOptionEntry entries[] = {
  { "syncs", 0, 0, G_OPTION_ARG_INT, &n_syncs, "Syncs (default 100,000)", "N" },
  { "hostile", 0, 0, G_OPTION_ARG_INT, &n_hostile, "Hostile requests (default 10,000)", "M" },
  { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Clients at once (default 4)", "C" },
  { NULL },
};

static guint16 port;
static char *token;
static gint failures;

static double
rss_mb (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(line = strstr (text, "VmRSS:")))
    return NAN;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

/* Sends @head and @body on a new connection and reads until the hub
 * closes; returns the status, 0 for none. @cut: close after sending half. */
static guint
exchange (const char *head,
          const char *body,
          gsize       body_len,
          gboolean    cut)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  GOutputStream *out;
  GInputStream *in;
  char buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 30);
  if (!(connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL)))
    return 0;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (!g_output_stream_write_all (out, head, cut ? strlen (head) / 2 : strlen (head), NULL, NULL, NULL))
    return 0;
  if (cut)
    return 0;
  if (body)
    g_output_stream_write_all (out, body, body_len, NULL, NULL, NULL);
  /* Until the hub closes, or the answer is whole (a hub refusing a body
   * before it came may wait for it: the client is gone before that). */
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      const char *end, *length;

      g_string_append_len (answer, buffer, n);
      if ((end = strstr (answer->str, "\r\n\r\n")) &&
          (g_str_has_prefix (answer->str, "HTTP/1.1 304") ||
           ((length = strstr (answer->str, "Content-Length: ")) && length < end &&
            answer->len >= (gsize) (end + 4 - answer->str) + atoi (length + 16))))
        break;
    }
  if (!g_str_has_prefix (answer->str, "HTTP/1.1 "))
    return 0;
  return atoi (answer->str + strlen ("HTTP/1.1 "));
}

static guint
post (const char *path,
      const char *bearer,
      const char *body,
      gsize       len)
{
  g_autofree char *head = NULL;

  head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: hub\r\nConnection: keep-alive\r\n%s%s%s"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          path, bearer ? "Authorization: Bearer " : "", bearer ? bearer : "",
                          bearer ? "\r\n" : "", len);
  return exchange (head, body, len, FALSE);
}

/* One kiosk's sync, on a connection of its own. */
static void
sync_once (guint i)
{
  g_autofree char *head = g_strdup_printf ("GET /api/v1/changes?since=0 HTTP/1.1\r\nHost: hub\r\n"
                                           "Connection: keep-alive\r\nAuthorization: Bearer %s\r\n"
                                           "If-None-Match: \"c0\"\r\n\r\n",
                                           token);
  guint status = exchange (head, NULL, 0, FALSE);

  if (status != 304 && status != 200)
    g_atomic_int_inc (&failures);
  if (i % 50 == 0)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"credit\",\"created\":1795740429,"
                                               "\"payload\":{\"kind\":\"credit\",\"card\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\","
                                               "\"merchant\":1,\"points\":1}}]}",
                                               uuid);
      g_autofree char *card = g_strdup_printf ("GET /api/v1/cards/ABCDEFGHIJKLMNOPQRSTUVWXYZ HTTP/1.1\r\n"
                                               "Host: hub\r\nAuthorization: Bearer %s\r\n\r\n",
                                               token);

      if (post ("/api/v1/events", token, body, strlen (body)) != 200)
        g_atomic_int_inc (&failures);
      if (exchange (card, NULL, 0, FALSE) != 200)
        g_atomic_int_inc (&failures);
    }
}

/* One hostile request of ten kinds; none may crash the hub. */
static void
hostile_once (guint i)
{
  static char *brackets;
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      brackets = g_malloc (256 * 1024);
      memset (brackets, '[', 256 * 1024);
      g_once_init_leave (&initialised, 1);
    }
  switch (i % 10)
    {
    case 0: /* nested, unauthenticated, too large for the address */
      post ("/api/v1/pair", NULL, brackets, 100 * 1024);
      break;
    case 1: /* nested, small enough */
      post ("/api/v1/pair", NULL, brackets, 3000);
      break;
    case 2: /* nested, from a paired device */
      post ("/api/v1/events", token, brackets, 256 * 1024);
      break;
    case 3: /* a forged log line */
      exchange ("GET /api/v1/x%22,%22remote%22:%226.6.6.6%22%0A%7B%22a%22:1%7D HTTP/1.1\r\nHost: hub\r\n\r\n",
                NULL, 0, FALSE);
      break;
    case 4: /* a body announced larger than any */
      exchange ("POST /api/v1/events HTTP/1.1\r\nHost: hub\r\nContent-Length: 99999999999\r\n"
                "Expect: 100-continue\r\n\r\n",
                NULL, 0, FALSE);
      break;
    case 5: /* garbage */
      exchange ("\x16\x03\x01\x02\x01\xfc\x03\x03 not HTTP at all\r\n\r\n", NULL, 0, FALSE);
      break;
    case 6: /* cut halfway through the headers */
      exchange ("POST /api/v1/pair HTTP/1.1\r\nHost: hub\r\nContent-Length: 20\r\n\r\n", NULL, 0, TRUE);
      break;
    case 7: /* a body cut short */
      {
        g_autoptr(GSocketClient) client = g_socket_client_new ();
        g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port,
                                                                                  NULL, NULL);
        const char *text = "POST /api/v1/pair HTTP/1.1\r\nHost: hub\r\nContent-Length: 2000\r\n\r\n{\"code\":";

        if (connection)
          g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), text,
                                     strlen (text), NULL, NULL, NULL);
      }
      break;
    case 8: /* connects and goes */
      {
        g_autoptr(GSocketClient) client = g_socket_client_new ();
        g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port,
                                                                                  NULL, NULL);
      }
      break;
    default: /* a wrong token, a wrong pairing code */
      post ("/api/v1/events", "not-a-token", "{\"events\":[]}", 13);
      post ("/api/v1/pair", NULL, "{\"code\":\"AAAAAAAAAAAAAAAAAAAA\"}", 31);
      break;
    }
}

typedef struct
{
  void  (*run) (guint i);
  guint   next;
  guint   total;
} Work;

static gpointer
client_main (gpointer data)
{
  Work *work = data;
  guint i;

  while ((i = g_atomic_int_add (&work->next, 1)) < work->total)
    work->run (i);
  return NULL;
}

static double
run_all (void (*run) (guint i),
         guint total)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  Work work = { run, 0, total };
  double started = vtr_bench_now_ms ();

  for (int c = 0; c < n_clients; c++)
    g_ptr_array_add (threads, g_thread_new ("client", client_main, &work));
  for (guint c = 0; c < threads->len; c++)
    g_thread_join (threads->pdata[c]);
  return (vtr_bench_now_ms () - started) / 1000.0;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json_lines = g_string_new (NULL);
  g_auto(VtrTestResult) keys = { 0 };
  g_autofree char *dir = vtr_test_make_data_dir ();
  VtrTestHub *hub;
  double start, after_syncs, after_hostile, settled, seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  vtr_test_run (&keys, "VITRINE_HUB", dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  hub = vtr_test_hub_start (dir, 0);
  port = hub->port;
  token = vtr_test_hub_pair_device (hub, "Banc d’essai");

  /* Warm: every worker has opened its databases. */
  run_all (sync_once, 200);
  if (n_hostile > 0)
    run_all (hostile_once, 20);
  g_usleep (2 * G_USEC_PER_SEC);
  start = rss_mb (hub->process);

  seconds = run_all (sync_once, n_syncs);
  g_usleep (2 * G_USEC_PER_SEC);
  after_syncs = rss_mb (hub->process);
  printf ("%d syncs in %.1f s (%.0f a second), %d failed\n", n_syncs, seconds, n_syncs / seconds,
          g_atomic_int_get (&failures));

  seconds = run_all (hostile_once, n_hostile);
  /* The connections cut halfway are closed by the hub's timeouts (60 s);
   * the memory is read once it had 2 s to answer the rest. */
  g_usleep (2 * G_USEC_PER_SEC);
  after_hostile = rss_mb (hub->process);
  printf ("%d hostile requests in %.1f s\n", n_hostile, seconds);

  {
    g_autofree char *status = g_strdup ("GET /api/v1/status HTTP/1.1\r\nHost: hub\r\n\r\n");

    if (exchange (status, NULL, 0, FALSE) != 200)
      {
        g_printerr ("bench-hub-memory: the hub no longer answers\n");
        return 1;
      }
  }
  settled = rss_mb (hub->process);

  printf ("\n%-32s %10s\n", "hub resident memory", "MB");
  printf ("%-32s %10.1f\n", "at start", start);
  printf ("%-32s %10.1f  (%+.1f)\n", "after the syncs", after_syncs, after_syncs - start);
  printf ("%-32s %10.1f  (%+.1f)\n", "after the hostile requests", after_hostile, after_hostile - start);
  vtr_bench_report (json_lines, "hub-memory", "rss_start_mb", start, NAN);
  vtr_bench_report (json_lines, "hub-memory", "rss_growth_after_syncs_mb", after_syncs - start, 10);
  vtr_bench_report (json_lines, "hub-memory", "rss_growth_after_hostile_mb", after_hostile - start, 10);
  vtr_bench_report (json_lines, "hub-memory", "rss_growth_settled_mb", settled - start, 10);
  vtr_bench_report (json_lines, "hub-memory", "failed_syncs", g_atomic_int_get (&failures), 0);
  printf ("\n%s", json_lines->str);

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
  g_free (token);
  return g_atomic_int_get (&failures) ? 1 : 0;
}

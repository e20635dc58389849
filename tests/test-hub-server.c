#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * The hub's server facing hostile or careless clients: a real
 * `vitrine-hub serve` on 127.0.0.1, spoken to byte by byte over plain
 * sockets, under a descriptor limit set by prlimit, with TLS clients that
 * never say hello. Whatever they do, it keeps answering others, and its
 * access log stays one true line a request.
 */

typedef struct
{
  char       *dir;
  VtrTestHub *hub;
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->dir, NULL, __VA_ARGS__, NULL)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) keys = { 0 };

  f->dir = vtr_test_make_data_dir ();
  HUB (f, &keys, "keys", "init", "--host", "vtr13.fr");
  g_assert_cmpint (keys.status, ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hub)
    vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static GSocketConnection *
connect_to (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

/* Everything the other end sends until it closes, or until @seconds pass;
 * NULL when it did not close in time. */
static GString *
read_to_end (GSocketConnection *connection,
             guint              seconds)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        return NULL;
      g_socket_set_timeout (socket, MAX (1, left / G_USEC_PER_SEC));
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (n == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        return g_steal_pointer (&text);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        continue;
      if (n < 0)
        return g_steal_pointer (&text);  /* reset: closed too */
      g_string_append_len (text, buffer, n);
    }
}

/* One raw HTTP/1.1 request; the whole answer (the hub closes after it). */
static char *
request (guint16     port,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         gsize       body_len)
{
  g_autoptr(GSocketConnection) connection = connect_to (port);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GString *answer;

  g_string_append_printf (head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
  if (token)
    g_string_append_printf (head, "Authorization: Bearer %s\r\n", token);
  if (body)
    g_string_append_printf (head, "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n",
                            body_len);
  g_string_append (head, "\r\n");
  g_output_stream_write_all (out, head->str, head->len, NULL, NULL, &error);
  g_assert_no_error (error);
  if (body)
    {
      /* A hub that refuses early may close before reading it all. */
      g_output_stream_write_all (out, body, body_len, NULL, NULL, NULL);
    }
  answer = read_to_end (connection, 30);
  g_assert_nonnull (answer);
  return g_string_free (answer, FALSE);
}

static guint
answer_status (const char *answer)
{
  /* An empty answer: the hub crashed, or closed without a word. */
  g_assert_cmpstr (answer, !=, "");
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 "));
  return atoi (answer + strlen ("HTTP/1.1 "));
}

static const char *
answer_body (const char *answer)
{
  const char *body = strstr (answer, "\r\n\r\n");

  g_assert_nonnull (body);
  return body + 4;
}

/* The "error" member of a JSON answer. */
static char *
answer_error (const char *answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  answer_status (answer);
  json_parser_load_from_data (parser, answer_body (answer), -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                               "error", ""));
}

static void
assert_status_ok (guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC * vtr_test_slow ();

  /* A 503 ("busy, come back") is what a kiosk retries, as here: a
   * loaded machine may still be closing what the hub refused. */
  for (;;)
    {
      g_autofree char *answer = request (port, "GET", "/api/v1/status", NULL, NULL, 0);

      if (answer_status (answer) != 503 || g_get_monotonic_time () > deadline)
        {
          g_assert_cmpuint (answer_status (answer), ==, 200);
          return;
        }
      g_usleep (G_USEC_PER_SEC / 10);
    }
}

/* A device paired by its code, as a kiosk would: its token. */
static char *
pair_device (Fixture *f)
{
  return vtr_test_hub_pair_device (f->hub, "Kiosque du Panier");
}

/* 100 kB of "[" crashed the hub: json-glib recurses without a limit. Size
 * and depth are checked first, on every address that takes a body. */
static void
test_nested_body (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *token = NULL;
  gsize big = 1024 * 1024;
  g_autofree char *brackets = g_malloc (big);

  memset (brackets, '[', big);
  f->hub = vtr_test_hub_start (f->dir, 0);
  token = pair_device (f);

  /* Unauthenticated, on the pairing address: too large for it. */
  {
    g_autofree char *answer = request (f->hub->port, "POST", "/api/v1/pair", NULL, brackets, 100 * 1024);
    g_autofree char *error = answer_error (answer);

    g_assert_cmpuint (answer_status (answer), ==, 413);
    g_assert_cmpstr (error, ==, "too-large");
  }
  /* Small enough, but nested too deeply. */
  {
    g_autofree char *answer = request (f->hub->port, "POST", "/api/v1/pair", NULL, brackets, 3000);
    g_autofree char *error = answer_error (answer);

    g_assert_cmpuint (answer_status (answer), ==, 400);
    g_assert_cmpstr (error, ==, "malformed");
  }
  /* A paired device's upload: 1 MB of "[". */
  {
    g_autofree char *answer = request (f->hub->port, "POST", "/api/v1/events", token, brackets, big);
    g_autofree char *error = answer_error (answer);

    g_assert_cmpuint (answer_status (answer), ==, 400);
    g_assert_cmpstr (error, ==, "malformed");
  }
  /* json-glib also reads 'single-quoted' strings and comments: brackets
   * after them are nesting, not text, and must not reach the parser. */
  {
    static const char * const openings[] = { "{\"events\":[],\"x\":'\"',\"y\":",
                                             "{\"events\":[],/* \" */\"y\":" };

    for (guint k = 0; k < G_N_ELEMENTS (openings); k++)
      {
        g_autoptr(GString) body = g_string_new (openings[k]);
        g_autofree char *answer = NULL;
        g_autofree char *error = NULL;

        g_string_append_len (body, brackets, big);
        answer = request (f->hub->port, "POST", "/api/v1/events", token, body->str, body->len);
        error = answer_error (answer);
        g_assert_cmpuint (answer_status (answer), ==, 400);
        g_assert_cmpstr (error, ==, "malformed");
      }
  }
  /* Brackets inside strings are text, not nesting. */
  {
    g_autoptr(GString) body = g_string_new ("{\"events\":[],\"note\":\"");

    g_string_append_len (body, brackets, 100000);
    g_string_append (body, "\"}");
    {
      g_autofree char *answer = request (f->hub->port, "POST", "/api/v1/events", token, body->str, body->len);

      g_assert_cmpuint (answer_status (answer), ==, 200);
    }
  }
  /* A body refused for its size is not kept while libsoup reads it to
   * answer: 64 MB sent, and the hub holds less than that. */
  {
    gsize huge = 64 * 1024 * 1024;
    g_autofree char *body = g_malloc (huge);
    g_autofree char *answer = NULL;
    g_autofree char *status_path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (f->hub->process));
    g_autofree char *status = NULL;

    gint64 before_kb;

    memset (body, '[', huge);
    g_assert_true (g_file_get_contents (status_path, &status, NULL, NULL));
    before_kb = g_ascii_strtoll (strstr (status, "VmHWM:") + strlen ("VmHWM:"), NULL, 10);
    g_clear_pointer (&status, g_free);
    answer = request (f->hub->port, "POST", "/api/v1/pair", NULL, body, huge);
    g_assert_cmpuint (answer_status (answer), ==, 413);
    g_assert_true (g_file_get_contents (status_path, &status, NULL, NULL));
    /* The peak, which a kept body would have raised by 64 MB. Not under
     * AddressSanitizer, whose quarantine keeps every freed buffer. */
    if (vtr_test_slow () == 1)
      g_assert_cmpint (g_ascii_strtoll (strstr (status, "VmHWM:") + strlen ("VmHWM:"), NULL, 10) - before_kb, <,
                       16 * 1024);
  }
  /* An address that takes no body refuses one. */
  {
    g_autofree char *answer = request (f->hub->port, "GET", "/api/v1/status", NULL, brackets, 10000);

    g_assert_cmpuint (answer_status (answer), ==, 413);
  }
  assert_status_ok (f->hub->port);
}

/* Starts the hub with at most @files descriptors: prlimit sets the
 * limit, then becomes the hub. */
static VtrTestHub *
start_limited_hub (const char *dir,
                   guint       files)
{
  g_autofree char *nofile = g_strdup_printf ("--nofile=%u", files);
  const char *prlimit[] = { "prlimit", nofile, NULL };

  return vtr_test_hub_start_full (dir, 0, NULL, NULL, prlimit);
}

/* libsoup 3.2's listener gave up after one failed accept(): 1,074
 * connections under 1,024 descriptors and the hub never answered again.
 * Under a limit of 128, 400 silent connections: those beyond what the hub
 * can serve are refused at once, and once they are gone it answers. */
static void
test_descriptor_limit (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  guint refused = 0, busy = 0;
  guint before;

  f->hub = start_limited_hub (f->dir, 128);
  assert_status_ok (f->hub->port);
  before = vtr_test_hub_count_descriptors (f->hub);

  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (connections, connect_to (f->hub->port));
  g_usleep (G_USEC_PER_SEC);
  /* The refused ones are closed at once, with a 503 for who can read it. */
  for (guint i = 0; i < connections->len; i++)
    {
      GSocket *socket = g_socket_connection_get_socket (connections->pdata[i]);
      char buffer[512];
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP, 0, NULL, NULL))
        continue;
      n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL);
      refused++;
      if (n > 0)
        {
          buffer[n] = '\0';
          busy += g_str_has_prefix (buffer, "HTTP/1.1 503");
        }
    }
  g_assert_cmpuint (refused, >=, 200);
  g_assert_cmpuint (busy, >=, 1);

  g_ptr_array_set_size (connections, 0);
  /* Every client gone, the hub answers, and holds no more descriptors
   * than before. */
  assert_status_ok (f->hub->port);
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (vtr_test_hub_count_descriptors (f->hub) > before + 2 && g_get_monotonic_time () < deadline)
      g_usleep (100000);
    g_assert_cmpuint (vtr_test_hub_count_descriptors (f->hub), <=, before + 2);
  }

  /* At the limit itself: with fewer descriptors than connections to
   * serve, accept() fails, and the hub still comes back. */
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = start_limited_hub (f->dir, 40);
  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (connections, connect_to (f->hub->port));
  g_usleep (G_USEC_PER_SEC / 2);
  g_ptr_array_set_size (connections, 0);
  assert_status_ok (f->hub->port);
}

/* A client that connects to the TLS port and never says hello is closed
 * after the handshake timeout (10 s), instead of holding a descriptor. */
static void
test_tls_handshake_timeout (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *certificate = g_test_build_filename (G_TEST_DIST, "data", "hub-tls", "cert.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "data", "hub-tls", "key.pem", NULL);
  g_autoptr(GSocketConnection) silent = NULL;
  g_autoptr(GString) said = NULL;
  gint64 started;

  f->hub = vtr_test_hub_start_full (f->dir, 0, certificate, key, NULL);
  silent = connect_to (f->hub->port);
  started = g_get_monotonic_time ();
  said = read_to_end (silent, 20);
  g_assert_nonnull (said);
  g_assert_cmpuint (said->len, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 5 * G_USEC_PER_SEC);

  /* A real TLS client is served meanwhile and after. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autoptr(GTlsDatabase) database = g_tls_file_database_new (certificate, NULL);
    g_autofree char *url = g_strconcat (f->hub->url, "/api/v1/status", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;

    soup_session_set_tls_database (session, database);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }
}

/* A request path made to look like the end of a log line and the start of
 * another cannot write a line, nor change the logged address. */
static void
test_log_escaped (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *log = g_build_filename (f->dir, "hub-stderr.log", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_forged_path = 0;

  f->hub = vtr_test_hub_start (f->dir, 0);
  {
    g_autofree char *answer =
      request (f->hub->port, "GET",
               "/api/v1/x%22,%22remote%22:%226.6.6.6%22%0A%7B%22time%22:%22now%22,%22remote%22:%226.6.6.6%22%7D",
               NULL, NULL, 0);

    g_assert_cmpuint (answer_status (answer), ==, 404);
  }
  assert_status_ok (f->hub->port);
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;

  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *line;

      if (*lines[i] != '{')
        continue;
      /* Every line of the access log is one JSON object of its own. */
      if (!json_parser_load_from_data (parser, lines[i], -1, NULL))
        g_error ("not a JSON line in the access log: %s", lines[i]);
      line = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member_with_default (line, "remote", ""), ==, "127.0.0.1");
      if (strchr (json_object_get_string_member_with_default (line, "path", ""), '\n'))
        n_forged_path++;
    }
  g_assert_cmpuint (n_forged_path, ==, 1);
}

/* Kiosks that keep their connection open after a request, and close it
 * later, cost the hub nothing: it closes each connection after its answer
 * (libsoup 3.2 would keep ~2 KB for each closed idle one for good), and
 * holds no more descriptors after 1,000 of them. */
static void
test_connections_end (Fixture       *f,
                      gconstpointer  data)
{
  const char *keep_alive = "GET /api/v1/status HTTP/1.1\r\nHost: hub\r\nConnection: keep-alive\r\n\r\n";
  guint before;

  f->hub = vtr_test_hub_start (f->dir, 0);
  assert_status_ok (f->hub->port);
  before = vtr_test_hub_count_descriptors (f->hub);
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GSocketConnection) connection = connect_to (f->hub->port);
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) answer = NULL;

      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), keep_alive,
                                 strlen (keep_alive), NULL, NULL, &error);
      g_assert_no_error (error);
      /* The hub answers and closes, though the client asked to keep it. */
      answer = read_to_end (connection, 10);
      g_assert_nonnull (answer);
      g_assert_cmpuint (answer_status (answer->str), ==, 200);
      g_assert_nonnull (strstr (answer->str, "Connection: close"));
    }
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (vtr_test_hub_count_descriptors (f->hub) > before + 2 && g_get_monotonic_time () < deadline)
      g_usleep (100000);
    g_assert_cmpuint (vtr_test_hub_count_descriptors (f->hub), <=, before + 2);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hub-server/nested-body", test_nested_body);
  ADD ("/hub-server/descriptor-limit", test_descriptor_limit);
  ADD ("/hub-server/tls-handshake-timeout", test_tls_handshake_timeout);
  ADD ("/hub-server/log-escaped", test_log_escaped);
  ADD ("/hub-server/connections-end", test_connections_end);
  return g_test_run ();
}

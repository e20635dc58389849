#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-phone.h"
#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * Telling the customer, between real processes: `vitrine-hub serve` on
 * 127.0.0.1, devices posting their orders' events as kiosks do (the HTTP
 * API, or vitrine-ctl with its own data folder), and in this process a
 * small HTTP server on 127.0.0.1 (GThreadedSocketService) standing in for
 * the federation's SMS gateway, which answers 200, 500, 401 or never, as
 * told.
 */

#define HANG 0

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GSocketService *service;
  guint16       port;
  GMutex        lock;
  GCond         changed;
  gboolean      stopping;
  guint         active;         /* connections being served */
  GQueue        statuses;       /* the next answers (GUINT_TO_POINTER), then default_status */
  guint         default_status;
  GPtrArray    *bodies;         /* every request's body */
  GPtrArray    *authorizations;
  guint         n_ok;           /* answered 2xx */
} Gateway;

typedef struct
{
  char       *hub_dir;
  char       *kiosk_dir;
  VtrTestHub *hub;
  Gateway    *gateway;
  char       *kiosk;  /* a street kiosk's token */
  char       *shop;   /* shop 2's device's token */
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)

/* The fake gateway: a plain HTTP/1.1 server, one request a connection,
 * each connection served on a thread of its own (a hung answer holds
 * only its thread). */

static void
gateway_serve (Gateway           *gw,
               GSocketConnection *connection)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *request_line = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  gsize length = 0;
  const char *answer;
  guint status;

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  request_line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  if (request_line == NULL)
    return;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      if (line == NULL)
        return;
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (line + 15, NULL, 10);
      else if (g_ascii_strncasecmp (line, "Authorization:", 14) == 0)
        authorization = g_strdup (g_strstrip (line + 14));
    }
  body = g_malloc0 (length + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), body, length, NULL, NULL, NULL))
    return;

  g_mutex_lock (&gw->lock);
  g_ptr_array_add (gw->bodies, g_strdup (body));
  g_ptr_array_add (gw->authorizations, g_strdup (authorization ? authorization : ""));
  status = g_queue_is_empty (&gw->statuses) ? gw->default_status
                                            : GPOINTER_TO_UINT (g_queue_pop_head (&gw->statuses));
  if (status == HANG)
    {
      /* Never answers: the connection stays open until the test ends. */
      while (!gw->stopping)
        g_cond_wait (&gw->changed, &gw->lock);
      g_mutex_unlock (&gw->lock);
      return;
    }
  gw->n_ok += status >= 200 && status < 300;
  g_mutex_unlock (&gw->lock);

  answer = status == 200   ? "{\"id\":\"msg-1\"}"
           : status == 400 ? "{\"error\":\"invalid number 33612345678\"}"
                           : "{\"error\":\"invalid API key\"}";
  head = g_strdup_printf ("HTTP/1.1 %u Gateway\r\nContent-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
                          "\r\nConnection: close\r\n\r\n%s",
                          status, strlen (answer), answer);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
}

static gboolean
gateway_run (GThreadedSocketService *service,
             GSocketConnection      *connection,
             GObject                *source,
             gpointer                data)
{
  Gateway *gw = data;

  g_mutex_lock (&gw->lock);
  gw->active++;
  g_mutex_unlock (&gw->lock);
  gateway_serve (gw, connection);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_mutex_lock (&gw->lock);
  gw->active--;
  g_cond_broadcast (&gw->changed);
  g_mutex_unlock (&gw->lock);
  return TRUE;
}

static gpointer
gateway_main (gpointer data)
{
  Gateway *gw = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_main_context_push_thread_default (gw->context);
  gw->service = g_threaded_socket_service_new (16);
  g_signal_connect (gw->service, "run", G_CALLBACK (gateway_run), gw);
  g_socket_listener_add_address (G_SOCKET_LISTENER (gw->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_socket_service_start (gw->service);
  g_mutex_lock (&gw->lock);
  gw->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_cond_broadcast (&gw->changed);
  g_mutex_unlock (&gw->lock);
  g_main_loop_run (gw->loop);

  g_socket_service_stop (gw->service);
  g_socket_listener_close (G_SOCKET_LISTENER (gw->service));
  /* Hung answers let go; every connection's thread done before the end. */
  g_mutex_lock (&gw->lock);
  gw->stopping = TRUE;
  g_cond_broadcast (&gw->changed);
  while (gw->active > 0)
    g_cond_wait (&gw->changed, &gw->lock);
  g_mutex_unlock (&gw->lock);
  g_clear_object (&gw->service);
  while (g_main_context_iteration (gw->context, FALSE))
    ;
  g_main_context_pop_thread_default (gw->context);
  return NULL;
}

static Gateway *
gateway_start (guint default_status)
{
  Gateway *gw = g_new0 (Gateway, 1);

  g_mutex_init (&gw->lock);
  g_cond_init (&gw->changed);
  g_queue_init (&gw->statuses);
  gw->default_status = default_status;
  gw->bodies = g_ptr_array_new_with_free_func (g_free);
  gw->authorizations = g_ptr_array_new_with_free_func (g_free);
  gw->context = g_main_context_new ();
  gw->loop = g_main_loop_new (gw->context, FALSE);
  g_mutex_lock (&gw->lock);
  gw->thread = g_thread_new ("fake-gateway", gateway_main, gw);
  while (gw->port == 0)
    g_cond_wait (&gw->changed, &gw->lock);
  g_mutex_unlock (&gw->lock);
  return gw;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
gateway_stop (Gateway *gw)
{
  g_main_context_invoke (gw->context, quit_loop, gw->loop);
  g_thread_join (gw->thread);
  g_main_loop_unref (gw->loop);
  g_main_context_unref (gw->context);
  g_ptr_array_unref (gw->bodies);
  g_ptr_array_unref (gw->authorizations);
  g_queue_clear (&gw->statuses);
  g_mutex_clear (&gw->lock);
  g_cond_clear (&gw->changed);
  g_free (gw);
}

/* The next answers, in order, before the default one. */
static void
gateway_answer (Gateway *gw,
                guint    status)
{
  g_mutex_lock (&gw->lock);
  g_queue_push_tail (&gw->statuses, GUINT_TO_POINTER (status));
  g_mutex_unlock (&gw->lock);
}

static void
gateway_set_default (Gateway *gw,
                     guint    status)
{
  g_mutex_lock (&gw->lock);
  gw->default_status = status;
  g_mutex_unlock (&gw->lock);
}

static guint
gateway_count (Gateway *gw,
               guint   *n_ok)
{
  guint n;

  g_mutex_lock (&gw->lock);
  n = gw->bodies->len;
  if (n_ok)
    *n_ok = gw->n_ok;
  g_mutex_unlock (&gw->lock);
  return n;
}

/* Waits until the gateway was asked @n times (or @seconds passed). */
static guint
gateway_wait (Gateway *gw,
              guint    n,
              guint    seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * vtr_test_slow () * G_USEC_PER_SEC;
  guint got;

  while ((got = gateway_count (gw, NULL)) < n && g_get_monotonic_time () < end)
    g_usleep (50 * 1000);
  return got;
}

/* The text of the gateway's @i-th request, read from its JSON body. */
static char *
gateway_member (Gateway    *gw,
                guint       i,
                const char *member)
{
  g_autoptr(JsonNode) node = NULL;
  char *value;

  g_mutex_lock (&gw->lock);
  g_assert_cmpuint (i, <, gw->bodies->len);
  node = json_from_string (g_ptr_array_index (gw->bodies, i), NULL);
  g_mutex_unlock (&gw->lock);
  g_assert_nonnull (node);
  value = g_strdup (json_object_get_string_member (json_node_get_object (node), member));
  g_assert_nonnull (value);
  return value;
}

/* The hub. */

static void
write_conf (Fixture    *f,
            const char *extra)
{
  g_autofree char *path = g_build_filename (f->hub_dir, "sms.conf", NULL);
  g_autofree char *text =
    g_strdup_printf ("[gateway]\n"
                     "url=http://127.0.0.1:%u/v1/sms\n"
                     "auth=bearer\n"
                     "token=s3cr3t-key\n"
                     "body={\"recipient\": \"{to}\", \"message\": \"{text}\", \"from\": \"{sender}\"}\n"
                     "sender=VITRINE\n"
                     "timeout=1\n"
                     "[retry]\n"
                     "first=1\n"
                     "max=2\n"
                     "%s",
                     f->gateway->port, extra ? extra : "");

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
}

static guint
call (const char  *method,
      const char  *url,
      const char  *token,
      const char  *body,
      JsonNode   **answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  if (token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (answer)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
      *answer = json_from_string (*text ? text : "null", NULL);
    }
  return soup_message_get_status (msg);
}

static char *
pairing_code (Fixture    *f,
              const char *merchant)
{
  g_auto(VtrTestResult) r = { 0 };
  g_auto(GStrv) lines = NULL;
  guint n;

  if (merchant)
    HUB (f, &r, "device", "add", "Comptoir", "--merchant", merchant);
  else
    HUB (f, &r, "device", "add", "Kiosque");
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (g_strstrip (r.out), "\n", -1);
  n = g_strv_length (lines);
  return g_strdup (lines[n - 1]);
}

/* A device added and paired over the API: its token. */
static char *
pair (Fixture    *f,
      const char *merchant)
{
  g_autofree char *code = pairing_code (f, merchant);
  g_autofree char *pairing = g_strndup (strstr (code, "/D/") + 3, 20);
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", pairing);
  g_autofree char *url = g_strconcat (f->hub->url, "/api/v1/pair", NULL);
  g_autoptr(JsonNode) answer = NULL;

  g_assert_cmpint (call ("POST", url, NULL, body, &answer), ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
}

static void
hub_start (Fixture *f)
{
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
}

static void
hub_stop (Fixture *f)
{
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;
}

/* Posts @json as the device of @token: the status of each event. */
static char *
post (Fixture    *f,
      const char *token,
      const char *json)
{
  g_autofree char *url = g_strconcat (f->hub->url, "/api/v1/events", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) statuses = g_string_new (NULL);
  JsonArray *results;

  g_assert_cmpint (call ("POST", url, token, json, &answer), ==, 200);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_string_append_printf (statuses, "%s%s", i ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (results, i),
                                                           "status"));
  return g_string_free (g_steal_pointer (&statuses), FALSE);
}

/* One order event, its uuid in @uuid_out if asked. */
static char *
order_event (const char *order,
             const char *number,
             const char *state,
             const char *extra,
             char      **uuid_out)
{
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *json = g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":%" G_GINT64_FORMAT ","
                                "\"payload\":{\"order\":\"%s\",\"number\":\"%s\",\"state\":\"%s\","
                                "\"at\":%" G_GINT64_FORMAT "%s}}]}",
                                uuid, now, order, number, state, now, extra ? extra : "");

  if (uuid_out)
    *uuid_out = g_steal_pointer (&uuid);
  return json;
}

#define ASSERT_POSTED(f, token, json, expected) \
  G_STMT_START { \
    g_autofree char *_json = (json); \
    g_autofree char *_got = post (f, token, _json); \
    g_assert_cmpstr (_got, ==, expected); \
  } G_STMT_END

#define PLACED ",\"merchant\":2,\"locker\":0,\"first_name\":\"Inès\",\"phone\":\"06 12 34 56 78\"," \
               "\"total_cents\":450,\"lines\":[{\"product\":1,\"quantity\":1,\"price_cents\":450}]"

/* An order placed at the street kiosk, accepted by shop 2. */
static char *
place_order (Fixture    *f,
             const char *number,
             const char *placed)
{
  char *order = g_uuid_string_random ();

  ASSERT_POSTED (f, f->kiosk, order_event (order, number, "placed", placed ? placed : PLACED, NULL),
                 "accepted");
  ASSERT_POSTED (f, f->shop, order_event (order, number, "accepted", NULL, NULL), "accepted");
  return order;
}

static char *
hub_text (Fixture    *f,
          const char *sql)
{
  g_autofree char *path = g_build_filename (f->hub_dir, "hub.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
hub_int (Fixture    *f,
         const char *sql)
{
  g_autofree char *path = g_build_filename (f->hub_dir, "hub.db", NULL);

  return vtr_test_sql_int (path, sql);
}

/* The outbox row's status of @order's message for @state. */
static char *
sms_status (Fixture    *f,
            const char *order,
            const char *state)
{
  g_autofree char *sql = g_strdup_printf ("SELECT status FROM sms_outbox WHERE order_uuid = '%s' AND state = '%s'",
                                          order, state);
  return hub_text (f, sql);
}

/* Waits until @order's @state message is @status. */
static void
wait_status (Fixture    *f,
             const char *order,
             const char *state,
             const char *status,
             guint       seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * vtr_test_slow () * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *got = sms_status (f, order, state);

      if (g_strcmp0 (got, status) == 0)
        return;
      if (g_get_monotonic_time () > end)
        g_error ("the message of %s for “%s” is %s, not %s", order, state, got ? got : "missing", status);
      g_usleep (100 * 1000);
    }
}

static char *
hub_log (Fixture *f)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (f->hub->log, &text, NULL, NULL));
  return text;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->hub_dir = vtr_test_make_data_dir ();
  f->kiosk_dir = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->hub_dir);
  f->gateway = gateway_start (200);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hub)
    hub_stop (f);
  gateway_stop (f->gateway);
  vtr_test_remove_tree (f->hub_dir);
  vtr_test_remove_tree (f->kiosk_dir);
  g_free (f->hub_dir);
  g_free (f->kiosk_dir);
  g_free (f->kiosk);
  g_free (f->shop);
}

/* The hub serving with sms.conf (@extra added), a street kiosk and
 * shop 2's device paired. */
static void
serve (Fixture    *f,
       const char *extra)
{
  write_conf (f, extra);
  hub_start (f);
  f->kiosk = pair (f, NULL);
  f->shop = pair (f, "2");
}

/* Ready: one message, in French, with the number in E.164, the
 * gateway's key; the same state sent again by a replay or a second
 * device gives no second message. */
static void
test_ready_once (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *ready_uuid = NULL;
  g_autofree char *to = NULL;
  g_autofree char *message = NULL;
  g_autofree char *from = NULL;
  guint n_ok;

  serve (f, NULL);
  order = place_order (f, "AC-1001", NULL);
  /* Placed and accepted: nothing to tell yet. */
  g_usleep (1500 * 1000);
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 0);

  ready = order_event (order, "AC-1001", "ready", NULL, &ready_uuid);
  ASSERT_POSTED (f, f->shop, g_strdup (ready), "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 1, 10), ==, 1);
  to = gateway_member (f->gateway, 0, "recipient");
  message = gateway_member (f->gateway, 0, "message");
  from = gateway_member (f->gateway, 0, "from");
  g_assert_cmpstr (to, ==, "+33612345678");
  g_assert_cmpstr (message, ==, "Bonjour Inès, votre commande AC-1001 est prête chez Hippotamus. "
                                "Présentez votre code de retrait au comptoir.");
  g_assert_cmpstr (from, ==, "VITRINE");
  g_mutex_lock (&f->gateway->lock);
  g_assert_cmpstr (g_ptr_array_index (f->gateway->authorizations, 0), ==, "Bearer s3cr3t-key");
  g_mutex_unlock (&f->gateway->lock);
  wait_status (f, order, "ready", "sent", 5);

  /* The same event again (a lost answer), and the same state again from
   * the shop's device: still one message. */
  ASSERT_POSTED (f, f->shop, g_strdup (ready), "duplicate");
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-1001", "ready", NULL, NULL), "rejected");
  g_usleep (2500 * 1000);
  g_assert_cmpuint (gateway_count (f->gateway, &n_ok), ==, 1);
  g_assert_cmpuint (n_ok, ==, 1);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM sms_outbox"), ==, 1);

  {
    g_autofree char *log = hub_log (f);

    g_assert_null (strstr (log, "chmod 600"));
  }

  /* The admin sees it. */
  {
    g_auto(VtrTestResult) list = { 0 };

    HUB (f, &list, "sms", "list", "--json");
    g_assert_cmpint (list.status, ==, 0);
    g_assert_nonnull (strstr (list.out, "\"status\" : \"sent\""));
    g_assert_null (strstr (list.out, "33612345678"));
  }
}

/* A locker order: where, which compartment, its opening code. A
 * cancelled order: why. */
static void
test_locker_and_cancelled (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *locker = NULL;
  g_autofree char *cancelled = NULL;
  g_autofree char *text = NULL;

  serve (f, NULL);
  locker = place_order (f, "AC-2001",
                        ",\"merchant\":2,\"locker\":10,\"first_name\":\"Zoé\",\"phone\":\"+33 7 11 22 33 44\"");
  ASSERT_POSTED (f, f->shop,
                 order_event (locker, "AC-2001", "ready", ",\"locker_compartment\":\"B12\",\"locker_code\":\"4821\"",
                              NULL),
                 "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 1, 10), ==, 1);
  text = gateway_member (f->gateway, 0, "message");
  g_assert_cmpstr (text, ==, "Bonjour Zoé, votre commande AC-2001 vous attend au casier Consigne Vitrine – "
                             "Vieux-Port, quai des Belges, compartiment B12. Code d’ouverture : 4821");
  g_clear_pointer (&text, g_free);
  text = gateway_member (f->gateway, 0, "recipient");
  g_assert_cmpstr (text, ==, "+33711223344");
  g_clear_pointer (&text, g_free);

  cancelled = place_order (f, "AC-2002", NULL);
  ASSERT_POSTED (f, f->shop, order_event (cancelled, "AC-2002", "cancelled", ",\"reason\":\"Rupture de stock\"", NULL),
                 "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 2, 10), ==, 2);
  text = gateway_member (f->gateway, 1, "message");
  g_assert_cmpstr (text, ==, "Bonjour Inès, votre commande AC-2002 chez Hippotamus est annulée. "
                             "Motif : Rupture de stock.");
  g_clear_pointer (&text, g_free);

  /* A first name that looks like the template's marks is a name, and the
   * reason goes as written, quotes and all, in valid JSON. */
  g_clear_pointer (&cancelled, g_free);
  cancelled = g_uuid_string_random ();
  ASSERT_POSTED (f, f->kiosk,
                 order_event (cancelled, "AC-2003", "placed",
                              ",\"merchant\":2,\"first_name\":\"{shop} {code}\",\"phone\":\"0612345678\"", NULL),
                 "accepted");
  ASSERT_POSTED (f, f->shop,
                 order_event (cancelled, "AC-2003", "refused", ",\"reason\":\"Fermé \\\"exceptionnellement\\\"\"", NULL),
                 "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 3, 10), ==, 3);
  text = gateway_member (f->gateway, 2, "message");
  g_assert_cmpstr (text, ==, "Bonjour {shop} {code}, Hippotamus ne peut pas préparer votre commande AC-2003. "
                             "Motif : Fermé \"exceptionnellement\".");
}

/* 500, then 200: tried again later, delivered once. */
static void
test_gateway_500 (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *log = NULL;
  guint n_ok;

  serve (f, NULL);
  gateway_answer (f->gateway, 500);
  order = place_order (f, "AC-3001", NULL);
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-3001", "ready", NULL, NULL), "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 2, 15), ==, 2);
  wait_status (f, order, "ready", "sent", 5);
  g_usleep (2500 * 1000);
  g_assert_cmpuint (gateway_count (f->gateway, &n_ok), ==, 2);
  g_assert_cmpuint (n_ok, ==, 1);
  g_assert_cmpint (hub_int (f, "SELECT tries FROM sms_outbox"), ==, 2);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "The SMS gateway failed (HTTP 500"));
  g_assert_nonnull (strstr (log, "trying again in 1 s"));
}

/* A gateway that never answers: the hub gives up on the request after
 * its timeout and tries again; it answers the second time. The API
 * meanwhile answers at once. */
static void
test_gateway_hangs (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *log = NULL;
  g_autofree char *status_url = NULL;
  guint n_ok;
  gint64 start;

  serve (f, NULL);
  gateway_answer (f->gateway, HANG);
  order = place_order (f, "AC-4001", NULL);
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-4001", "ready", NULL, NULL), "accepted");
  g_assert_cmpuint (gateway_wait (f->gateway, 1, 10), ==, 1);
  /* While the message hangs, the hub still answers its devices. */
  start = g_get_monotonic_time ();
  status_url = g_strconcat (f->hub->url, "/api/v1/status", NULL);
  g_assert_cmpint (call ("GET", status_url, NULL, NULL, NULL), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2 * vtr_test_slow ());

  g_assert_cmpuint (gateway_wait (f->gateway, 2, 15), ==, 2);
  wait_status (f, order, "ready", "sent", 5);
  gateway_count (f->gateway, &n_ok);
  g_assert_cmpuint (n_ok, ==, 1);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "did not answer"));
}

/* 401: a clear log line, and no more tries. A 500 forever: given up
 * after the tries of sms.conf. */
static void
test_gateway_refuses (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *refused = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *log = NULL;

  serve (f, "tries=3\n");
  gateway_answer (f->gateway, 401);
  refused = place_order (f, "AC-5001", NULL);
  ASSERT_POSTED (f, f->shop, order_event (refused, "AC-5001", "ready", NULL, NULL), "accepted");
  wait_status (f, refused, "ready", "failed", 10);
  g_usleep (2500 * 1000);
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 1);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "Order AC-5001: the text message “ready” is not sent: The SMS gateway refused "
                                 "the message (HTTP 401: {\"error\":\"invalid API key\"}): check the account"));
  g_assert_nonnull (strstr (log, "vitrine-hub sms test NUMBER"));

  /* A gateway that quotes the number: masked in the log. */
  gateway_answer (f->gateway, 400);
  quoted = place_order (f, "AC-5003", NULL);
  ASSERT_POSTED (f, f->shop, order_event (quoted, "AC-5003", "ready", NULL, NULL), "accepted");
  wait_status (f, quoted, "ready", "failed", 10);
  g_clear_pointer (&log, g_free);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "(HTTP 400: {\"error\":\"invalid number ***********\"})"));
  g_assert_null (strstr (log, "12345678"));

  gateway_set_default (f->gateway, 503);
  broken = place_order (f, "AC-5002", NULL);
  ASSERT_POSTED (f, f->shop, order_event (broken, "AC-5002", "ready", NULL, NULL), "accepted");
  wait_status (f, broken, "ready", "failed", 20);
  g_usleep (2500 * 1000);
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 1 + 1 + 3);
  g_clear_pointer (&log, g_free);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "is given up after 3 tries"));
}

/* The hub stopped while a message waits for its next try: started again,
 * it sends it once; a message sent before the restart is not sent again. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *text = NULL;
  guint n_ok;

  serve (f, NULL);
  first = place_order (f, "AC-6001", NULL);
  ASSERT_POSTED (f, f->shop, order_event (first, "AC-6001", "ready", NULL, NULL), "accepted");
  wait_status (f, first, "ready", "sent", 10);

  gateway_set_default (f->gateway, 500);
  second = place_order (f, "AC-6002", NULL);
  ASSERT_POSTED (f, f->shop, order_event (second, "AC-6002", "ready", NULL, NULL), "accepted");
  /* Refused once at least (a slow machine may see its next try too): it
   * waits for another. */
  g_assert_cmpuint (gateway_wait (f->gateway, 2, 10), >=, 2);
  hub_stop (f);
  g_assert_cmpstr ((text = sms_status (f, second, "ready")), ==, "pending");

  gateway_set_default (f->gateway, 200);
  /* sms.conf left readable by all: the hub says so. */
  {
    g_autofree char *conf = g_build_filename (f->hub_dir, "sms.conf", NULL);

    g_assert_cmpint (g_chmod (conf, 0644), ==, 0);
  }
  hub_start (f);
  wait_status (f, second, "ready", "sent", 15);
  {
    g_autofree char *log = hub_log (f);

    g_assert_nonnull (strstr (log, "sms.conf can be read by other users of this machine"));
  }
  g_usleep (2500 * 1000);
  hub_stop (f);
  hub_start (f);
  g_usleep (2500 * 1000);
  gateway_count (f->gateway, &n_ok);
  g_assert_cmpuint (n_ok, ==, 2);
  g_clear_pointer (&text, g_free);
  text = gateway_member (f->gateway, gateway_count (f->gateway, NULL) - 1, "message");
  g_assert_nonnull (strstr (text, "AC-6002"));
}

/* A number that is no French mobile is never sent to the gateway; the
 * kiosk refuses it when the order is placed. */
static void
test_not_mobile (Fixture       *f,
                 gconstpointer  data)
{
  static const struct
  {
    const char *typed;
    const char *e164;
  } numbers[] = {
    { "06 12 34 56 78", "+33612345678" },
    { "06.12.34.56.78", "+33612345678" },
    { "07-11-22-33-44", "+33711223344" },
    { "+33 6 12 34 56 78", "+33612345678" },
    { "+33612345678", "+33612345678" },
    { "0033 7 12 34 56 78", "+33712345678" },
    { "04 91 00 00 00", NULL },   /* a landline */
    { "08 00 00 00 00", NULL },
    { "+44 7911 123456", NULL },  /* a British mobile */
    { "+32 470 12 34 56", NULL },
    { "06 12 34 56", NULL },      /* too short */
    { "06 12 34 56 78 9", NULL }, /* too long */
    { "6 12 34 56 78", NULL },
    { "06 12 34 56 7a", NULL },
    { "+336+12345678", NULL },
    { "", NULL },
  };
  g_autofree char *order = NULL;
  g_autofree char *log = NULL;
  g_auto(VtrTestResult) create = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autofree char *e164 = vtr_phone_french_mobile (numbers[i].typed);

      g_assert_cmpstr (e164, ==, numbers[i].e164);
    }

  /* A kiosk of an older version sent a landline: no message. */
  serve (f, NULL);
  order = place_order (f, "AC-7001", ",\"merchant\":2,\"first_name\":\"Inès\",\"phone\":\"04 91 00 00 00\"");
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-7001", "ready", NULL, NULL), "accepted");
  wait_status (f, order, "ready", "no-number", 10);
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 0);
  log = hub_log (f);
  g_assert_nonnull (strstr (log, "Order AC-7001: the customer left no French mobile number"));
  g_assert_null (strstr (log, "04 91"));

  /* The kiosk says so when the order is placed. */
  vtr_test_run (&create, "VITRINE_CTL", f->kiosk_dir, NULL, "order", "create", "--merchant", "2", "--items",
                "1:1", "--first-name", "Inès", "--phone", "04 91 00 00 00", NULL);
  g_assert_cmpint (create.status, ==, 1);
  g_assert_nonnull (strstr (create.err, "This is not a French mobile number"));
}

/* The customer's details are erased 30 days after the order is over,
 * on the hub's clock; a serving hub erases them itself. */
static void
test_erase_after_days (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *other = NULL;
  g_autofree char *placed = NULL;
  g_autofree char *sql = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *day_29 = g_strdup_printf ("%" G_GINT64_FORMAT, now + 29 * 86400);
  g_autofree char *day_31 = g_strdup_printf ("%" G_GINT64_FORMAT, now + 31 * 86400);
  const char *at_29[] = { "VITRINE_HUB_NOW", day_29, NULL };
  const char *at_31[] = { "VITRINE_HUB_NOW", day_31, NULL };
  g_auto(VtrTestResult) early = { 0 };
  g_auto(VtrTestResult) late = { 0 };

  serve (f, NULL);
  order = place_order (f, "AC-8001", NULL);
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-8001", "ready", NULL, NULL), "accepted");
  wait_status (f, order, "ready", "sent", 10);
  ASSERT_POSTED (f, f->shop, order_event (order, "AC-8001", "collected", NULL, NULL), "accepted");
  /* Still waiting at the shop: kept, whatever the date. */
  other = place_order (f, "AC-8002", NULL);
  hub_stop (f);

  sql = g_strdup_printf ("SELECT placed FROM hub_order WHERE uuid = '%s'", order);
  vtr_test_run (&early, "VITRINE_HUB", f->hub_dir, at_29, "privacy", "erase-expired", "--json", NULL);
  g_assert_cmpint (early.status, ==, 0);
  g_assert_nonnull (strstr (early.out, "\"erased\" : 0"));
  placed = hub_text (f, sql);
  g_assert_nonnull (strstr (placed, "Inès"));
  g_clear_pointer (&placed, g_free);

  vtr_test_run (&late, "VITRINE_HUB", f->hub_dir, at_31, "privacy", "erase-expired", "--json", NULL);
  g_assert_cmpint (late.status, ==, 0);
  g_assert_nonnull (strstr (late.out, "\"erased\" : 1"));
  placed = hub_text (f, sql);
  g_assert_null (strstr (placed, "Inès"));
  g_assert_null (strstr (placed, "06 12"));
  g_assert_nonnull (strstr (placed, "AC-8001"));
  /* Nowhere else on the hub either, but for the order still open. */
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM event WHERE payload LIKE '%06 12 34 56 78%'"), ==, 1);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM event WHERE payload LIKE '%Inès%'"), ==, 1);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM sms_outbox WHERE phone IS NOT NULL OR text IS NOT NULL"),
                   ==, 0);

  /* A serving hub with a setting of 0 days erases the other once it is
   * over: at its start, and every hour. */
  write_conf (f, "[privacy]\nkeep-days=0\n");
  hub_start (f);
  ASSERT_POSTED (f, f->shop, order_event (other, "AC-8002", "cancelled", NULL, NULL), "accepted");
  hub_stop (f);
  hub_start (f);
  {
    gint64 end = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (hub_int (f, "SELECT count (*) FROM event WHERE payload LIKE '%Inès%'") > 0 &&
           g_get_monotonic_time () < end)
      g_usleep (100 * 1000);
  }
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM event WHERE payload LIKE '%Inès%'"), ==, 0);
}

/* vitrine-ctl as the shop's device, with its own data folder, and @input
 * on its standard input; @env_extra as for vtr_test_run(). */
static char *
ctl_with_input (Fixture            *f,
                const char * const *env_extra,
                const char         *input,
                int                *status,
                ...)
{
  g_auto(VtrTestResult) r = { 0 };
  va_list args;

  va_start (args, status);
  vtr_test_run_with_input_valist (&r, "VITRINE_CTL", f->kiosk_dir, env_extra, input, args);
  va_end (args);
  *status = r.status;
  if (r.status != 0)
    g_test_message ("vitrine-ctl: %s", r.err);
  return g_steal_pointer (&r.out);
}

#define CTL(f, env, status, ...) ctl_with_input (f, env, NULL, status, __VA_ARGS__, NULL)

static char *
json_member (const char *json,
             const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), member));
}

static gint64
json_int (const char *json,
          const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_get_int_member (json_node_get_object (node), member);
}

/* "2026-12-31 10:00", @days from now, as vitrine-ctl's --at reads it. */
static char *
days_from_now (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d %H:%M");
}

/* The whole journey with the shop's device as vitrine-ctl: an order
 * placed at the counter, made ready, synced: one message. The customer
 * asks to be forgotten: erased on the device, and on the hub after the
 * next sync. Another order, cancelled, is erased on the device 30 days
 * later. */
static void
test_shop_device (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *session = NULL;
  g_autofree char *number = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *other = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *pickups = g_build_filename (f->hub_dir, "pickups.txt", NULL);
  g_autofree char *items = NULL;
  g_autofree char *journal = g_build_filename (f->kiosk_dir, "journal.db", NULL);
  g_autofree char *day_29 = days_from_now (29);
  g_autofree char *day_31 = days_from_now (31);
  g_autofree char *day_121 = days_from_now (121);
  const char *env[] = { "VITRINE_SESSION", NULL, "VITRINE_KEEP_DAYS", "30", NULL };
  g_auto(VtrTestResult) signed_codes = { 0 };
  int status;

  write_conf (f, NULL);
  hub_start (f);
  code = pairing_code (f, "2");
  g_free (CTL (f, NULL, &status, "pair", code, "--hub", f->hub->url));
  g_assert_cmpint (status, ==, 0);
  g_free (CTL (f, NULL, &status, "sync"));
  g_assert_cmpint (status, ==, 0);
  g_free (ctl_with_input (f, NULL, "2468\n", &status, "merchant", "set-pin", "2", NULL));
  g_assert_cmpint (status, ==, 0);
  out = ctl_with_input (f, NULL, "2468\n", &status, "merchant", "login", "2", NULL);
  g_assert_cmpint (status, ==, 0);
  session = g_strdup (g_strstrip (out));
  env[1] = session;
  g_clear_pointer (&out, g_free);
  HUB (f, &signed_codes, "sign", "pickup", "--count", "3");
  g_assert_cmpint (signed_codes.status, ==, 0);
  g_assert_true (g_file_set_contents (pickups, signed_codes.out, -1, NULL));
  g_free (CTL (f, env, &status, "order", "stock", pickups));
  g_assert_cmpint (status, ==, 0);
  {
    g_autofree char *catalog = g_build_filename (f->hub_dir, "catalog.db", NULL);

    items = g_strdup_printf ("%" G_GINT64_FORMAT ":1",
                             vtr_test_sql_int (catalog, "SELECT min (product_id) FROM stock "
                                                        "WHERE merchant_id = 2 AND availability > 0"));
  }

  out = CTL (f, env, &status, "order", "create", "--merchant", "2", "--items", items, "--first-name", "Inès",
             "--phone", "06 12 34 56 78", "--json");
  g_assert_cmpint (status, ==, 0);
  number = json_member (out, "number");
  uuid = json_member (out, "uuid");
  g_clear_pointer (&out, g_free);
  g_free (CTL (f, env, &status, "order", "advance", number, "accepted"));
  g_assert_cmpint (status, ==, 0);
  g_free (CTL (f, env, &status, "order", "advance", number, "ready"));
  g_assert_cmpint (status, ==, 0);
  g_free (CTL (f, env, &status, "sync"));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (gateway_wait (f->gateway, 1, 10), ==, 1);
  text = gateway_member (f->gateway, 0, "message");
  g_assert_true (g_str_has_prefix (text, "Bonjour Inès, votre commande "));
  g_assert_nonnull (strstr (text, number));
  g_clear_pointer (&text, g_free);
  text = gateway_member (f->gateway, 0, "recipient");
  g_assert_cmpstr (text, ==, "+33612345678");
  wait_status (f, uuid, "ready", "sent", 5);

  /* Forgotten at the customer's request. */
  out = CTL (f, env, &status, "order", "forget", number, "--json");
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);

    g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "forgotten"));
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM orders WHERE phone <> '' OR first_name <> ''"),
                   ==, 0);
  sql = g_strdup_printf ("SELECT count (*) FROM event WHERE payload LIKE '%%Inès%%' OR payload LIKE '%%56 78%%'");
  g_assert_cmpint (hub_int (f, sql), ==, 1);
  g_free (CTL (f, env, &status, "sync"));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (hub_int (f, sql), ==, 0);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM hub_order WHERE placed LIKE '%Inès%'"), ==, 0);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM sms_outbox WHERE phone IS NOT NULL OR text IS NOT NULL"), ==, 0);
  g_assert_cmpint (hub_int (f, "SELECT count (*) FROM event WHERE kind = 'forget'"), ==, 1);
  /* Only the shop's own device may ask: another shop's is refused. */
  {
    g_autofree char *other_shop = pair (f, "3");
    g_autofree char *forget = g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"forget\",\"created\":%"
                                               G_GINT64_FORMAT ",\"payload\":{\"order\":\"%s\"}}]}",
                                               "6d1f6a2e-3c1b-4a57-9a53-4c1e1f0e2b11",
                                               g_get_real_time () / G_USEC_PER_SEC, uuid);

    ASSERT_POSTED (f, other_shop, g_strdup (forget), "rejected");
  }

  /* A cancelled order: kept 29 days, erased after 30. */
  out = CTL (f, env, &status, "order", "create", "--merchant", "2", "--items", items, "--first-name", "Malika",
             "--phone", "07 11 22 33 44", "--json");
  g_assert_cmpint (status, ==, 0);
  other = json_member (out, "number");
  g_clear_pointer (&out, g_free);
  g_free (CTL (f, env, &status, "order", "advance", other, "cancelled"));
  g_assert_cmpint (status, ==, 0);
  out = CTL (f, env, &status, "order", "forget-expired", "--at", day_29, "--json");
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (json_int (out, "erased"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM orders WHERE first_name = 'Malika'"), ==, 1);
  out = CTL (f, env, &status, "order", "forget-expired", "--at", day_31, "--json");
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (json_int (out, "erased"), ==, 1);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM orders WHERE first_name = 'Malika' "
                                              "OR phone LIKE '%33 44%' OR phone LIKE '%711223344%'"),
                   ==, 0);
  /* Its events not yet sent lost the details too. */
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM outbox WHERE payload LIKE '%Malika%'"), ==, 0);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM outbox"), >, 0);
  g_clear_pointer (&out, g_free);

  /* An order whose end this device never learnt (a street kiosk's): kept
   * while it may still be open, erased 90 days after the 30. */
  out = CTL (f, env, &status, "order", "create", "--merchant", "2", "--items", items, "--first-name", "Noé",
             "--phone", "06 98 76 54 32", "--json");
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  out = CTL (f, env, &status, "order", "forget-expired", "--at", day_31, "--json");
  g_assert_cmpint (json_int (out, "erased"), ==, 0);
  g_clear_pointer (&out, g_free);
  out = CTL (f, env, &status, "order", "forget-expired", "--at", day_121, "--json");
  g_assert_cmpint (json_int (out, "erased"), ==, 1);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM orders WHERE first_name = 'Noé'"), ==, 0);
}

/* The admin tries the gateway: `vitrine-hub sms test`, and sms.conf's
 * mistakes said in words. */
static void
test_command (Fixture       *f,
              gconstpointer  data)
{
  g_auto(VtrTestResult) sent = { 0 };
  g_auto(VtrTestResult) landline = { 0 };
  g_auto(VtrTestResult) refused = { 0 };
  g_auto(VtrTestResult) wrong = { 0 };
  g_autofree char *to = NULL;
  g_autofree char *text = NULL;

  write_conf (f, NULL);
  HUB (f, &sent, "sms", "test", "07 11 22 33 44", "--json");
  g_assert_cmpint (sent.status, ==, 0);
  g_assert_cmpint (json_int (sent.out, "status"), ==, 200);
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 1);
  to = gateway_member (f->gateway, 0, "recipient");
  g_assert_cmpstr (to, ==, "+33711223344");
  text = gateway_member (f->gateway, 0, "message");
  g_assert_true (g_str_has_prefix (text, "Vitrine : "));

  HUB (f, &landline, "sms", "test", "04 91 00 00 00");
  g_assert_cmpint (landline.status, ==, 1);
  g_assert_nonnull (strstr (landline.err, "is not a French mobile number"));
  g_assert_cmpuint (gateway_count (f->gateway, NULL), ==, 1);

  gateway_answer (f->gateway, 401);
  HUB (f, &refused, "sms", "test", "0612345678", "--json");
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_cmpint (json_int (refused.out, "status"), ==, 401);
  g_assert_nonnull (strstr (refused.out, "refused the message (HTTP 401"));

  write_conf (f, "[gateway]\nauth=password\n");
  HUB (f, &wrong, "sms", "test", "0612345678");
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "[gateway] auth is none, basic, bearer or header, not “password”"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The hub logs a refused message as a warning, by design: in the hub
   * started by these tests, warnings are not fatal. */
  g_setenv ("G_DEBUG", "gc-friendly", TRUE);

  g_test_add ("/sms/ready-once", Fixture, NULL, fixture_set_up, test_ready_once, fixture_tear_down);
  g_test_add ("/sms/locker-and-cancelled", Fixture, NULL, fixture_set_up, test_locker_and_cancelled,
              fixture_tear_down);
  g_test_add ("/sms/gateway-500", Fixture, NULL, fixture_set_up, test_gateway_500, fixture_tear_down);
  g_test_add ("/sms/gateway-hangs", Fixture, NULL, fixture_set_up, test_gateway_hangs, fixture_tear_down);
  g_test_add ("/sms/gateway-refuses", Fixture, NULL, fixture_set_up, test_gateway_refuses, fixture_tear_down);
  g_test_add ("/sms/restart", Fixture, NULL, fixture_set_up, test_restart, fixture_tear_down);
  g_test_add ("/sms/not-mobile", Fixture, NULL, fixture_set_up, test_not_mobile, fixture_tear_down);
  g_test_add ("/sms/erase-after-days", Fixture, NULL, fixture_set_up, test_erase_after_days, fixture_tear_down);
  g_test_add ("/sms/command", Fixture, NULL, fixture_set_up, test_command, fixture_tear_down);
  g_test_add ("/sms/shop-device", Fixture, NULL, fixture_set_up, test_shop_device, fixture_tear_down);
  return g_test_run ();
}

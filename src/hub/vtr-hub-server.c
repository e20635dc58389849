#include "config.h"

#include "vtr-hub-server.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vtr-changes.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-json.h"
#include "vtr-store.h"

/*
 * The hub's HTTP API (docs/hub-api.md) on a SoupServer.
 *
 * The main thread only reads requests and writes responses: each request
 * is paused and handed to one of four worker threads, each with its own
 * SQLite connections, so a large feed page never holds up the others. An
 * access log line (JSON) goes to stderr per request. Shutting down stops
 * accepting connections, finishes the requests in flight, then quits.
 */

#define API "/api/v1/"
#define MAX_BODY (8 * 1024 * 1024)
#define MAX_EVENTS 1000
#define DEFAULT_PAGE 5000
#define MAX_PAGE 20000
#define N_WORKERS 4

struct _VtrHubServer
{
  char        *dir;
  SoupServer  *soup;
  GAsyncQueue *jobs;
  GThread     *workers[N_WORKERS];
  GMainContext *context;
  guint        in_flight;
  gboolean     stopping;
  GMainLoop   *stop_loop;
  char        *url;
  GHashTable  *sockets;     /* GSocket → requests in flight on it */
  guint        sweep_id;
};

typedef struct
{
  VtrHubServer      *server;
  SoupServerMessage *msg;
  char              *path;
  GHashTable        *query;
  gint64             started;
  /* The answer, filled by the worker. */
  guint              status;
  GBytes            *body;
  const char        *content_type;
  gboolean           gzip;
  char              *etag;
  gint64             device_id;
} Job;

/* A worker thread's connections. */
typedef struct
{
  VtrHubDb   *db;
  VtrStore   *store;
  VtrCatalog *catalog;
} Worker;

static void
worker_free (gpointer data)
{
  Worker *worker = data;

  vtr_hub_db_free (worker->db);
  g_clear_object (&worker->catalog);
  g_clear_object (&worker->store);
  g_free (worker);
}

static GPrivate worker_key = G_PRIVATE_INIT (worker_free);

static Worker *
worker_get (const char *dir,
            GError    **error)
{
  Worker *worker = g_private_get (&worker_key);

  if (worker)
    return worker;
  worker = g_new0 (Worker, 1);
  if (!(worker->db = vtr_hub_db_open (dir, error)) || !(worker->store = vtr_store_open (dir, error)))
    {
      worker_free (worker);
      return NULL;
    }
  worker->catalog = vtr_catalog_new (worker->store);
  g_private_set (&worker_key, worker);
  return worker;
}

static void
job_free (Job *job)
{
  g_object_unref (job->msg);
  g_free (job->path);
  g_clear_pointer (&job->query, g_hash_table_unref);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->etag);
  g_free (job);
}

/* Answers. */

static void
answer_json (Job         *job,
             guint        status,
             JsonBuilder *builder)
{
  gsize len;
  char *text = vtr_json_builder_to_data (builder, FALSE);

  len = strlen (text);
  job->status = status;
  job->content_type = "application/json";
  job->body = g_bytes_new_take (text, len);
}

/* {"error": CODE, "message": WORDS}: the code for programs, the words for
 * the shopkeeper's screen. */
static void
answer_error (Job        *job,
              guint       status,
              const char *code,
              const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "error", code);
  vtr_json_add_string (builder, "message", message);
  json_builder_end_object (builder);
  answer_json (job, status, builder);
}

static void
answer_gerror (Job    *job,
               GError *error)
{
  static const struct
  {
    guint       status;
    const char *code;
  } by_code[] = {
    [VTR_HUB_ERROR_FAILED] = { SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed" },
    [VTR_HUB_ERROR_UNAUTHORIZED] = { SOUP_STATUS_UNAUTHORIZED, "unauthorized" },
    [VTR_HUB_ERROR_FORBIDDEN] = { SOUP_STATUS_FORBIDDEN, "forbidden" },
    [VTR_HUB_ERROR_NOT_FOUND] = { SOUP_STATUS_NOT_FOUND, "not-found" },
    [VTR_HUB_ERROR_INVALID] = { SOUP_STATUS_BAD_REQUEST, "invalid" },
    [VTR_HUB_ERROR_PAIRING] = { SOUP_STATUS_FORBIDDEN, "pairing" },
  };

  if (error->domain == VTR_HUB_ERROR && error->code < (int) G_N_ELEMENTS (by_code))
    answer_error (job, by_code[error->code].status, by_code[error->code].code, error->message);
  else
    answer_error (job, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed", error->message);
}

/* The request's body as a JSON object, or an error answered. */
static JsonObject *
body_object (Job        *job,
             JsonParser *parser)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (job->msg));
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (len == 0 || !g_utf8_validate_len (data, len, NULL) ||
      !json_parser_load_from_data (parser, data, len, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autofree char *message = g_strdup_printf (_("The request is not a JSON object%s%s"),
                                                  error ? ": " : "", error ? error->message : "");
      answer_error (job, SOUP_STATUS_BAD_REQUEST, "malformed", message);
      return NULL;
    }
  return json_node_get_object (json_parser_get_root (parser));
}

static VtrHubDevice *
authenticate (Job    *job,
              Worker *worker)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                     "Authorization");
  g_autoptr(GError) error = NULL;
  VtrHubDevice *device;

  if (header && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    header += 7;
  else
    header = NULL;
  device = vtr_hub_db_authenticate (worker->db, header, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (device == NULL)
    {
      answer_gerror (job, error);
      return NULL;
    }
  job->device_id = device->id;
  return device;
}

/* Routes, run on a worker. */

static void
route_pair (Job    *job,
            Worker *worker)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *envelope = NULL;
  g_autofree char *root = NULL;
  JsonObject *request;
  const char *code;

  if (!(request = body_object (job, parser)))
    return;
  code = json_object_get_string_member_with_default (request, "code", NULL);
  if (code == NULL)
    {
      answer_error (job, SOUP_STATUS_BAD_REQUEST, "invalid", _("The request has no pairing code"));
      return;
    }
  if (!(keys = vtr_hub_keys_open (job->server->dir, &error)) ||
      !(device = vtr_hub_db_pair (worker->db, code, g_get_real_time () / G_USEC_PER_SEC, &token,
                                  &error)))
    {
      answer_gerror (job, error);
      return;
    }
  job->device_id = device->id;
  envelope = vtr_hub_keys_export (keys);
  root = vtr_hub_keys_root_public (keys);

  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "device", device->id);
  vtr_json_add_string (builder, "name", device->name);
  if (device->merchant_id)
    vtr_json_add_int (builder, "merchant", device->merchant_id);
  vtr_json_add_string (builder, "token", token);
  vtr_json_add_string (builder, "host", vtr_hub_keys_get_host (keys));
  vtr_json_add_string (builder, "root", root);
  vtr_json_add_string (builder, "keys", envelope);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

static void
route_keys (Job *job)
{
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  char *envelope;

  if (!(keys = vtr_hub_keys_open (job->server->dir, &error)))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "no-keys", error->message);
      return;
    }
  envelope = vtr_hub_keys_export (keys);
  job->status = SOUP_STATUS_OK;
  job->content_type = "application/json";
  job->body = g_bytes_new_take (envelope, strlen (envelope));
}

static gboolean
query_int (Job        *job,
           const char *name,
           gint64      fallback,
           gint64      min,
           gint64      max,
           gint64     *out)
{
  const char *text = job->query ? g_hash_table_lookup (job->query, name) : NULL;
  char *end = NULL;

  *out = fallback;
  if (text == NULL)
    return TRUE;
  *out = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0' || *out < min || *out > max)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a valid %s"), text, name);
      answer_error (job, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return FALSE;
    }
  return TRUE;
}

static void
route_changes (Job    *job,
               Worker *worker)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) page = NULL;
  const char *if_none_match;
  gint64 since, limit, last, cursor;
  guint n;

  if (!query_int (job, "since", 0, 0, G_MAXINT64, &since) ||
      !query_int (job, "limit", DEFAULT_PAGE, 1, MAX_PAGE, &limit))
    return;
  if ((last = vtr_catalog_last_change (worker->catalog, &error)) < 0)
    {
      answer_gerror (job, error);
      return;
    }

  /* The kiosk follows a history this hub does not have (restored from an
   * older backup): it must start over. */
  if (since > last)
    {
      answer_error (job, SOUP_STATUS_GONE, "reset",
                    _("The hub’s catalogue was restored from an older copy: download it again"));
      return;
    }

  /* Up to date: the tag is the newest change, so a poll costs a 304. */
  if (since >= last)
    {
      job->etag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "\"", last);
      if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                    "If-None-Match");
      if (if_none_match && g_str_equal (if_none_match, job->etag))
        {
          job->status = SOUP_STATUS_NOT_MODIFIED;
          return;
        }
    }

  page = g_string_sized_new (limit * 120);
  if (!vtr_catalog_write_changes (worker->catalog, since, limit, page, &cursor, &n, &error))
    {
      answer_gerror (job, error);
      return;
    }
  job->status = SOUP_STATUS_OK;
  job->content_type = "application/json";
  job->gzip = TRUE;
  job->body = g_string_free_to_bytes (g_steal_pointer (&page));
}

static void
route_events (Job    *job,
              Worker *worker)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubKeys) hub_keys = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *request;
  JsonNode *events;
  guint n_accepted;

  if (!(device = authenticate (job, worker)) || !(request = body_object (job, parser)))
    return;
  events = json_object_get_member (request, "events");
  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events))
    {
      answer_error (job, SOUP_STATUS_BAD_REQUEST, "invalid", _("The request has no list of events"));
      return;
    }
  if (json_array_get_length (json_node_get_array (events)) > MAX_EVENTS)
    {
      g_autofree char *message = g_strdup_printf (_("At most %d events a request"), MAX_EVENTS);
      answer_error (job, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", message);
      return;
    }
  /* The federation's keys as they are now (a key may have been rotated
   * or retired since the hub started), to check the cards' codes. A hub
   * without keys yet takes orders, and no card it has not confirmed. */
  hub_keys = vtr_hub_keys_open (job->server->dir, &error);
  if (hub_keys)
    keys = vtr_hub_keys_list (hub_keys);
  if (keys == NULL && !g_error_matches (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_NOT_INITIALIZED))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed",
                    error ? error->message : _("The federation’s keys cannot be read"));
      return;
    }
  g_clear_error (&error);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  if (!vtr_hub_db_ingest (worker->db, device, keys, json_node_get_array (events),
                          g_get_real_time () / G_USEC_PER_SEC, builder, &n_accepted, &error))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

static void
route_card (Job        *job,
            Worker     *worker,
            const char *card_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 balance, n_events;

  if (!(device = authenticate (job, worker)))
    return;
  if (strlen (card_id) != 26 || strspn (card_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != 26)
    {
      answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", _("This is not a loyalty card number"));
      return;
    }
  if (!vtr_hub_db_card_balance (worker->db, card_id, &balance, &n_events, &code, &error))
    {
      answer_gerror (job, error);
      return;
    }
  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "card", card_id);
  vtr_json_add_int (builder, "balance", balance);
  vtr_json_add_int (builder, "events", n_events);
  /* Offline redeems may overlap: the federation sees the card owes points. */
  vtr_json_add_boolean (builder, "overdrawn", balance < 0);
  /* A card the federation confirmed: kiosks take its number alone. */
  if (code)
    vtr_json_add_string (builder, "code", code);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

static void
route_orders (Job    *job,
              Worker *worker)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  gint64 merchant, before, limit, next;

  if (!(device = authenticate (job, worker)))
    return;
  if (!query_int (job, "merchant", device->merchant_id, 1, G_MAXINT64, &merchant) ||
      !query_int (job, "before", 0, 0, G_MAXINT64, &before) ||
      !query_int (job, "limit", VTR_HUB_ORDERS_PAGE, 1, VTR_HUB_ORDERS_MAX_PAGE, &limit))
    return;
  if (device->merchant_id == 0 || merchant != device->merchant_id)
    {
      answer_error (job, SOUP_STATUS_FORBIDDEN, "forbidden",
                    _("A device sees only the orders of its own shop"));
      return;
    }
  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "merchant", merchant);
  json_builder_set_member_name (builder, "orders");
  if (!vtr_hub_db_write_orders (worker->db, merchant, before, limit, builder, &next, &error))
    {
      answer_gerror (job, error);
      return;
    }
  /* Pages of orders, the last changed first: `next` asks for the page
   * after, as `before`. */
  vtr_json_add_boolean (builder, "more", next != 0);
  if (next)
    vtr_json_add_int (builder, "next", next);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

static void
route (Job *job)
{
  const char *method = soup_server_message_get_method (job->msg);
  const char *path = job->path;
  g_autoptr(GError) error = NULL;
  Worker *worker;

  if (g_str_equal (path, API "status"))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "status", "ok");
      json_builder_end_object (builder);
      answer_json (job, SOUP_STATUS_OK, builder);
      return;
    }
  if (g_str_equal (path, API "keys") && g_str_equal (method, "GET"))
    {
      route_keys (job);
      return;
    }
  if (!(worker = worker_get (job->server->dir, &error)))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }

  if (g_str_equal (path, API "pair") && g_str_equal (method, "POST"))
    route_pair (job, worker);
  else if (g_str_equal (path, API "changes") && g_str_equal (method, "GET"))
    {
      g_autoptr(VtrHubDevice) device = authenticate (job, worker);

      if (device)
        route_changes (job, worker);
    }
  else if (g_str_equal (path, API "events") && g_str_equal (method, "POST"))
    route_events (job, worker);
  else if (g_str_has_prefix (path, API "cards/") && g_str_equal (method, "GET"))
    route_card (job, worker, path + strlen (API "cards/"));
  else if (g_str_equal (path, API "orders") && g_str_equal (method, "GET"))
    route_orders (job, worker);
  else
    answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such address on the hub"));
}

/* Back on the main thread. */

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept-Encoding");

  return accept && soup_header_contains (accept, "gzip");
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) zipped = g_converter_input_stream_new (in, G_CONVERTER (compressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (out, zipped, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
log_access (Job *job)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  gsize bytes = job->body ? g_bytes_get_size (job->body) : 0;

  /* One JSON object a line: grep-able, and read by any log collector. */
  fprintf (stderr,
           "{\"time\":\"%s\",\"remote\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%u,"
           "\"bytes\":%" G_GSIZE_FORMAT ",\"ms\":%.2f,\"device\":%" G_GINT64_FORMAT "}\n",
           time, soup_server_message_get_remote_host (job->msg) ?: "",
           soup_server_message_get_method (job->msg), job->path, job->status, bytes,
           (g_get_monotonic_time () - job->started) / 1000.0, job->device_id);
}

static gboolean
job_finish (gpointer data)
{
  Job *job = data;
  VtrHubServer *server = job->server;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (job->msg);

  /* Compression runs here, on the worker: see job_run. */
  if (job->etag)
    soup_message_headers_replace (headers, "ETag", job->etag);
  if (job->gzip)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_server_message_set_status (job->msg, job->status, NULL);
  if (job->body && job->status != SOUP_STATUS_NOT_MODIFIED)
    soup_message_body_append_bytes (soup_server_message_get_response_body (job->msg), job->body);
  if (job->content_type)
    soup_message_headers_set_content_type (headers, job->content_type, NULL);
  soup_server_message_unpause (job->msg);
  log_access (job);
  job_free (job);

  if (--server->in_flight == 0 && server->stop_loop)
    g_main_loop_quit (server->stop_loop);
  return G_SOURCE_REMOVE;
}

static void
job_run (Job *job)
{
  route (job);
  if (job->gzip && job->body)
    {
      if (accepts_gzip (job->msg))
        {
          GBytes *zipped = gzip_bytes (job->body);

          if (zipped)
            {
              g_bytes_unref (job->body);
              job->body = zipped;
            }
          else
            job->gzip = FALSE;
        }
      else
        job->gzip = FALSE;
    }
  g_main_context_invoke (job->server->context, job_finish, job);
}

/* Queued to tell a worker to end. */
static Job stop_job;

static gpointer
worker_main (gpointer data)
{
  VtrHubServer *server = data;
  Job *job;

  while ((job = g_async_queue_pop (server->jobs)) != &stop_job)
    job_run (job);
  return NULL;
}

static void
handle (SoupServer        *soup,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  VtrHubServer *server = user_data;
  Job *job;

  if (server->stopping)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "5");
      return;
    }
  job = g_new0 (Job, 1);
  job->server = server;
  job->msg = g_object_ref (msg);
  job->path = g_strdup (path);
  job->query = query ? g_hash_table_ref (query) : NULL;
  job->started = g_get_monotonic_time ();
  server->in_flight++;
  soup_server_message_pause (msg);
  g_async_queue_push (server->jobs, job);
}

/*
 * libsoup 3.2 never notices that a client closed an idle keep-alive
 * connection (fixed in libsoup 3.3): the socket stays open in CLOSE_WAIT
 * for good, and a hub that kiosks connect to all day would run out of file
 * descriptors. So the hub keeps the sockets it served and, every second,
 * closes those whose client has gone and which carry no request.
 */
/* A client that starts a request and sends no more of it for this long
 * (a kiosk whose 4G link died halfway) loses its connection. */
#define REQUEST_READ_TIMEOUT_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  GSocket *socket;
  guint    requests;      /* in flight on it */
  gint64   reading_since; /* a request started but not read in full, or 0 */
} Served;

static void
served_free (gpointer data)
{
  Served *served = data;

  g_object_unref (served->socket);
  g_free (served);
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  VtrHubServer *server = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Served *served;

  if (socket == NULL)
    return;
  if (!(served = g_hash_table_lookup (server->sockets, socket)))
    {
      served = g_new0 (Served, 1);
      served->socket = g_object_ref (socket);
      g_hash_table_insert (server->sockets, socket, served);
    }
  served->requests++;
  served->reading_since = g_get_monotonic_time ();
}

static void
on_request_read (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  VtrHubServer *server = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Served *served = socket ? g_hash_table_lookup (server->sockets, socket) : NULL;

  if (served)
    served->reading_since = 0;
}

static void
on_request_ended (SoupServer        *soup,
                  SoupServerMessage *msg,
                  gpointer           user_data)
{
  VtrHubServer *server = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Served *served = socket ? g_hash_table_lookup (server->sockets, socket) : NULL;

  if (served && served->requests > 0)
    served->requests--;
  if (served)
    served->reading_since = 0;
}

static gboolean
sweep_sockets (gpointer data)
{
  VtrHubServer *server = data;
  GHashTableIter iter;
  Served *served;

  g_hash_table_iter_init (&iter, server->sockets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &served))
    {
      GSocket *socket = served->socket;
      char byte;

      if (!g_socket_is_closed (socket) && served->requests == 0 &&
          g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0 &&
          recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
        g_socket_close (socket, NULL);
      else if (!g_socket_is_closed (socket) && served->reading_since &&
               g_get_monotonic_time () - served->reading_since > REQUEST_READ_TIMEOUT_USEC)
        g_socket_close (socket, NULL);
      if (g_socket_is_closed (socket))
        g_hash_table_iter_remove (&iter);
    }
  return G_SOURCE_CONTINUE;
}

/* Before the body is read: refuse what is too large to read at all. */
static void
handle_early (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED || length > MAX_BODY)
    {
      const char *text = "{\"error\":\"too-large\",\"message\":\"The request is too large\"}";

      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, text,
                                        strlen (text));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
    }
}

VtrHubServer *
vtr_hub_server_new (const char *data_dir,
                    GError    **error)
{
  g_autoptr(VtrHubServer) server = g_new0 (VtrHubServer, 1);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrHubDb) db = NULL;

  server->dir = g_strdup (data_dir);
  server->context = g_main_context_ref_thread_default ();
  /* Open once here: creates the files, runs migrations, installs the
   * change log, and fails early with a clear message. */
  if (!(store = vtr_store_open (data_dir, error)) || !(db = vtr_hub_db_open (data_dir, error)))
    return NULL;
  catalog = vtr_catalog_new (store);
  if (!vtr_catalog_log_changes (catalog, error))
    return NULL;

  server->soup = soup_server_new ("server-header", "vitrine-hub", NULL);
  soup_server_add_early_handler (server->soup, NULL, handle_early, server, NULL);
  soup_server_add_handler (server->soup, NULL, handle, server, NULL);
  server->sockets = g_hash_table_new_full (NULL, NULL, NULL, served_free);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  g_signal_connect (server->soup, "request-read", G_CALLBACK (on_request_read), server);
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (on_request_ended), server);
  g_signal_connect (server->soup, "request-aborted", G_CALLBACK (on_request_ended), server);
  server->sweep_id = g_timeout_add_seconds (1, sweep_sockets, server);
  server->jobs = g_async_queue_new ();
  for (guint i = 0; i < N_WORKERS; i++)
    server->workers[i] = g_thread_new ("hub-worker", worker_main, server);
  return g_steal_pointer (&server);
}

/**
 * vtr_hub_server_listen:
 * @address: "HOST:PORT"; port 0 picks a free one
 * @tls_certificate: (nullable): PEM files; without them the hub speaks
 *   plain HTTP, which is only for a hub behind a TLS proxy or for tests
 */
gboolean
vtr_hub_server_listen (VtrHubServer *server,
                       const char   *address,
                       const char   *tls_certificate,
                       const char   *tls_key,
                       GError      **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;
  SoupServerListenOptions options = 0;

  if (tls_certificate)
    {
      g_autoptr(GTlsCertificate) certificate =
        g_tls_certificate_new_from_files (tls_certificate, tls_key ? tls_key : tls_certificate, error);

      if (certificate == NULL)
        return FALSE;
      soup_server_set_tls_certificate (server->soup, certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  connectable = g_network_address_parse (address, 8443, error);
  if (connectable == NULL)
    return FALSE;
  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    return FALSE;

  /* Our own socket, for its backlog: 500 kiosks coming back together after
   * a network cut would overflow the default of 10 and be reset. */
  socket = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (server->soup, socket, options, error))
    return FALSE;

  /* The address actually bound (port 0 picks one). Not
   * soup_server_get_uris(), which leaks an address in libsoup 3.2. */
  {
    g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, error);
    g_autofree char *host = NULL;

    if (local == NULL)
      return FALSE;
    host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
    g_free (server->url);
    server->url = g_strdup_printf (g_inet_address_get_family (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local))) == G_SOCKET_FAMILY_IPV6
                                     ? "%s://[%s]:%u/" : "%s://%s:%u/",
                                   tls_certificate ? "https" : "http", host,
                                   g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  }
  return TRUE;
}

char *
vtr_hub_server_get_url (VtrHubServer *server)
{
  return g_strdup (server->url);
}

/* Stops accepting, lets the requests in flight finish, then quits @loop. */
void
vtr_hub_server_shutdown (VtrHubServer *server,
                         GMainLoop    *loop)
{
  GSList *listeners = soup_server_get_listeners (server->soup);

  server->stopping = TRUE;
  for (GSList *l = listeners; l; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
  if (server->in_flight == 0)
    g_main_loop_quit (loop);
  else
    server->stop_loop = loop;
}

void
vtr_hub_server_free (VtrHubServer *server)
{
  if (server == NULL)
    return;
  /* One stop a worker, then wait for each: nothing runs after this. */
  for (guint i = 0; i < N_WORKERS && server->workers[i]; i++)
    g_async_queue_push (server->jobs, &stop_job);
  for (guint i = 0; i < N_WORKERS && server->workers[i]; i++)
    g_thread_join (server->workers[i]);
  g_clear_pointer (&server->jobs, g_async_queue_unref);
  g_clear_handle_id (&server->sweep_id, g_source_remove);
  if (server->soup)
    {
      g_signal_handlers_disconnect_by_data (server->soup, server);
      soup_server_disconnect (server->soup);
    }
  g_clear_pointer (&server->sockets, g_hash_table_unref);
  g_clear_object (&server->soup);
  g_clear_pointer (&server->context, g_main_context_unref);
  g_free (server->dir);
  g_free (server->url);
  g_free (server);
}

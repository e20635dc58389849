#include "config.h"

#include "vtr-hub-server.h"

#include "vtr-hub-shop.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "vtr-card-block.h"
#include "vtr-hub-backend.h"
#include "vtr-area.h"
#include "vtr-changes.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-hub-log.h"
#include "vtr-hub-metrics.h"
#include "vtr-hub-request.h"
#include "vtr-hub-scans.h"
#include "vtr-hub-sms.h"
#include "vtr-hub-mirror.h"
#include "vtr-hub-pins.h"
#include "vtr-hub-stock.h"
#include "vtr-hub-tiles.h"
#include "vtr-hub-web.h"
#include "vtr-json.h"
#include "vtr-poster-scan.h"
#include "vtr-release.h"
#include "vtr-store.h"

/*
 * The hub's HTTP API (docs/hub-api.md) on a SoupServer.
 *
 * The main thread only reads requests and writes responses: each request
 * is paused and handed to one of four worker threads, each with its own
 * SQLite connections, so a large feed page never holds up the others.
 * Uploaded events go from the workers to one writer thread, which stores
 * every batch waiting in one transaction and answers them all after its
 * one fsync (group commit; see "Writes" below). An access log line (JSON)
 * goes to the journal or stderr per request (vtr-hub-log.c). Shutting down stops accepting connections,
 * finishes the requests in flight, then quits.
 */

#define API "/api/v1/"
#define MAX_EVENTS 1000
#define DEFAULT_PAGE 5000
#define MAX_PAGE 20000
#define N_WORKERS 4
/* (pg) On PostgreSQL each worker waits for the database's answer, and an
 * upload for its commit's fsync: with four, four uploads waiting held up
 * every poll behind them (111 requests/s at 5,000 kiosks, p99 27 s, the
 * hub's processor a third busy; bench-sync). More connections let
 * PostgreSQL flush many commits with one fsync (its own group commit), but
 * each is a process of the database's: with 24 a hub, 2 hubs answered 325
 * requests/s, with 8 406 (and 1 hub 490 → 505), on 2 cores shared. */
#define N_PG_WORKERS 8
/* At most this many batches share one commit, so the first of them does
 * not wait for an unbounded group. */
#define MAX_GROUP 256

struct _VtrHubServer
{
  char        *dir;
  char        *database;           /* (pg) (nullable) postgresql://…; NULL: SQLite in dir */
  SoupServer  *soup;
  GAsyncQueue *jobs;
  GThread     *workers[N_PG_WORKERS];
  GAsyncQueue *writes;             /* WriteItem, for the writer */
  VtrHubMetrics *metrics;
  char          *history;          /* (ops) vtr_hub_db_history(), fixed while serving */
  GThread     *writer;
  GMainContext *context;
  guint        in_flight;
  gboolean     stopping;
  GMainLoop   *stop_loop;
  char        *url;
  /* Connections: see "Connections" below. */
  GSocket         *listener;
  GSource         *accept_source;
  guint            pause_id;
  GTlsCertificate *certificate;
  GHashTable      *connections;    /* "ADDRESS:PORT" → Connection */
  guint            max_connections;
  int              reserve_fd;
  int              keepalive_peer; /* see "Connections" below */
  gboolean         keep_alive;     /* pages keep their connection */
  gboolean         limit_logged;
  gint64           last_forget;
  char            *busy_answer;
  guint            sweep_id;
  VtrHubSms       *sms;            /* the customers' text messages */
  VtrHubMirror    *mirror;         /* (pg) the catalogue for the phones' pages */
  VtrHubScans     *scans;          /* (poster) the phones' views of posters */
  guint            scans_id;
  /* Long-polls of the orders' feed waiting for an order (main thread). */
  GPtrArray       *parked;
  /* While stopping: the answers still being written (SoupServerMessage). */
  GPtrArray       *writing;
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
  const char        *cache_control; /* NULL: "no-cache" */
  gint64             device_id;
  /* A long-poll (GET orders?since=…&wait=S): until when it may wait for
   * an order; -1 once it must answer at once. */
  gint64             wait_until;
  gboolean           parked;
  guint              park_timeout;
  VtrHubWebPage     *web;        /* a page for a phone: its own headers */
  VtrHubBatch       *batch;      /* uploaded events, for the writer */
  JsonBuilder       *shop_results; /* an array: the shop edits' answers */
  gboolean           has_order;  /* the batch holds an order event */
} Job;

/* What the writer is asked to do: store a request's batch (and answer
 * it), note that a device was seen, or (neither: job NULL, device_id 0)
 * add the phones' views of posters to hub.db (vtr-hub-scans.c). */
typedef struct
{
  Job    *job;
  gint64  device_id;
  gint64  now;
  char   *heartbeat;
} WriteItem;

static void
write_item_free (gpointer data)
{
  WriteItem *item = data;

  g_free (item->heartbeat);
  g_free (item);
}

/* A worker thread's connections. */
typedef struct
{
  VtrHubDb      *db;
  VtrStore      *store;
  VtrCatalog    *catalog;
  VtrHubBackend *backend; /* (pg) on db: the routes both backends share */
} Worker;

static void
worker_free (gpointer data)
{
  Worker *worker = data;

  g_clear_pointer (&worker->backend, vtr_hub_backend_free);
  vtr_hub_db_free (worker->db);
  g_clear_object (&worker->catalog);
  g_clear_object (&worker->store);
  g_free (worker);
}

static GPrivate worker_key = G_PRIVATE_INIT (worker_free);

/* (tiles) A worker thread's reader of the map's tiles. */
static void
tiles_reader_free (gpointer data)
{
  vtr_hub_tiles_free (data);
}

static GPrivate tiles_key = G_PRIVATE_INIT (tiles_reader_free);

static void
route_tiles (Job *job)
{
  VtrHubTiles *tiles = g_private_get (&tiles_key);
  VtrHubTilesAnswer answer;

  if (tiles == NULL)
    {
      tiles = vtr_hub_tiles_new (job->server->dir);
      g_private_set (&tiles_key, tiles);
    }
  vtr_hub_tiles_serve (tiles, job->path,
                       soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                     "If-None-Match"),
                       &answer);
  job->status = answer.status;
  job->body = answer.body;
  job->content_type = answer.content_type;
  job->etag = answer.etag;
  job->cache_control = answer.cache_control;
}

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
  worker->backend = vtr_hub_backend_wrap_sqlite (worker->db, worker->catalog);
  vtr_hub_db_set_defer_seen (worker->db, TRUE);
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
  g_free (job->web);
  g_clear_pointer (&job->batch, vtr_hub_batch_free);
  g_clear_object (&job->shop_results);
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
    [VTR_HUB_ERROR_NOT_SUPPORTED] = { SOUP_STATUS_NOT_IMPLEMENTED, "not-supported" },
  };

  if (error->domain == VTR_HUB_ERROR && error->code < (int) G_N_ELEMENTS (by_code))
    answer_error (job, by_code[error->code].status, by_code[error->code].code, error->message);
  else
    answer_error (job, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed", error->message);
}

/* The request's body as a JSON object, or an error answered: its size
 * and depth are checked for its address before it is parsed
 * (vtr-hub-request.c). */
static JsonObject *
body_object (Job        *job,
             JsonParser *parser)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (job->msg));
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonObject *object;

  object = vtr_hub_request_read_object (parser, soup_server_message_get_method (job->msg), job->path,
                                        data, len, &error);
  if (object == NULL)
    {
      if (g_error_matches (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_TOO_LARGE))
        answer_error (job, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", error->message);
      else
        answer_error (job, SOUP_STATUS_BAD_REQUEST, "malformed", error->message);
    }
  return object;
}

/* The device of the request's token, on either backend (docs/hub-api.md,
 * "PostgreSQL"). When it was last seen and how it is (its heartbeat) are
 * written when the heartbeat changed, else at most once a minute: on
 * SQLite by the writer (@worker), without this request waiting for it;
 * on PostgreSQL (@worker NULL) here. */
static VtrHubDevice *
authenticate_on (Job           *job,
                 VtrHubBackend *backend,
                 Worker        *worker)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                     "Authorization");
  g_autoptr(GError) error = NULL;
  g_autofree char *heartbeat = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  VtrHubDevice *device;

  if (header && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    header += 7;
  else
    header = NULL;
  if (!(device = vtr_hub_backend_authenticate (backend, header, now, &error)))
    {
      answer_gerror (job, error);
      return NULL;
    }
  job->device_id = device->id;
  heartbeat = vtr_hub_heartbeat_normalize (
    soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg), "Vitrine-Device"));
  if (now - device->last_seen >= 60 || (heartbeat && g_strcmp0 (heartbeat, device->heartbeat) != 0))
    {
      if (worker)
        {
          WriteItem *item = g_new0 (WriteItem, 1);

          item->device_id = device->id;
          item->now = now;
          item->heartbeat = g_steal_pointer (&heartbeat);
          g_async_queue_push (job->server->writes, item);
        }
      else
        vtr_hub_backend_note_seen (backend, device->id, now, heartbeat, NULL);
    }
  return device;
}

static VtrHubDevice *
authenticate (Job    *job,
              Worker *worker)
{
  return authenticate_on (job, worker->backend, worker);
}

/* Routes, run on a worker. */

/* POST /api/v1/pair, on either backend. */
static void
route_pair (Job           *job,
            VtrHubBackend *backend)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *envelope = NULL;
  g_autofree char *root = NULL;
  g_autofree char *admin_pin_hash = NULL;
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
      !(device = vtr_hub_backend_pair (backend, code, g_get_real_time () / G_USEC_PER_SEC, &token, &error)))
    {
      answer_gerror (job, error);
      return;
    }
  job->device_id = device->id;
  /* The administrator's PIN set with `device add --admin-pin`, as its
   * slow hash (vtr-hub-pins.c), on either backend; a pairing without it
   * still works. */
  if (!vtr_hub_backend_admin_pin_hash (backend, device->id, &admin_pin_hash, &error))
    g_clear_error (&error);
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
  if (admin_pin_hash)
    vtr_json_add_string (builder, "admin_pin_hash", admin_pin_hash);
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

/* (ops) A kiosk that followed another history of the hub (this one was
 * restored from a backup since) is told to send again and download again
 * (docs/operations.md, "Restore"); answered, with FALSE. */
static gboolean
same_history (Job *job)
{
  const char *history = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                      "Vitrine-History");

  if (history == NULL || g_str_equal (history, job->server->history))
    return TRUE;
  answer_error (job, SOUP_STATUS_GONE, "reset",
                _("The hub was restored from a backup: the kiosk sends again what it sent lately, "
                  "and downloads the catalogue again"));
  return FALSE;
}

static gboolean vtr_hub_publish_blocks (VtrHubDb *db,
                                        VtrStore *store,
                                        gboolean  all,
                                        GError  **error);

/* The federation's current release of Vitrine: the hub's own version,
 * or the one the file "release" of its data folder names (written when
 * the federation publishes packages newer than its hub). */
static char *
hub_release (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "release", NULL);
  g_autofree char *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL) && vtr_release_is_valid (g_strstrip (text)) &&
      vtr_release_compare (text, PACKAGE_VERSION) > 0)
    return g_steal_pointer (&text);
  return g_strdup (PACKAGE_VERSION);
}

/* (area) A device that downloaded another area than its own (it was
 * moved since: `vitrine-hub device area`) downloads its new area again,
 * in place of its copy; answered, with FALSE. A device that never said
 * its area (a kiosk older than areas) holds everything, as it should
 * while it was never given an area. */
static gboolean
same_area (Job                *job,
           const VtrHubDevice *device,
           const char         *tag,
           gint64              since)
{
  const char *told = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                   "Vitrine-Area");

  if (since == 0 || g_strcmp0 (told, tag) == 0 ||
      (told == NULL && device->area == NULL && device->area_moves == 0))
    return TRUE;
  answer_error (job, SOUP_STATUS_GONE, "reset",
                _("The federation gave this kiosk another area: it downloads the catalogue of its new area"));
  return FALSE;
}

/* GET /api/v1/changes, on either backend (@worker NULL: PostgreSQL). */
static void
route_changes (Job                *job,
               VtrHubBackend      *backend,
               Worker             *worker,
               const VtrHubDevice *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) page = NULL;
  g_autofree char *release = NULL;
  g_autofree char *area_tag = vtr_hub_device_area_tag (device);
  g_autoptr(VtrArea) area = NULL;
  const char *if_none_match;
  gint64 since, limit, last, cursor;
  guint n;

  if (!same_history (job) || !query_int (job, "since", 0, 0, G_MAXINT64, &since) ||
      !query_int (job, "limit", DEFAULT_PAGE, 1, MAX_PAGE, &limit) || !same_area (job, device, area_tag, since))
    return;
  if (!vtr_area_parse (device->area, &area, &error))
    {
      answer_gerror (job, error);
      return;
    }
  /* (cards) A block its batch could not publish (the catalogue was busy)
   * goes out now: one indexed look when there is none. */
  if (worker)
    vtr_hub_publish_blocks (worker->db, worker->store, FALSE, NULL);
  if ((last = vtr_hub_backend_last_change (backend, &error)) < 0)
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

  release = hub_release (job->server->dir);
  /* Up to date: the tag is the newest change and the current release, so
   * a poll costs a 304 until either moves. */
  if (since >= last)
    {
      job->etag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "-%s\"", last, release);
      if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (job->msg),
                                                    "If-None-Match");
      if (if_none_match && g_str_equal (if_none_match, job->etag))
        {
          job->status = SOUP_STATUS_NOT_MODIFIED;
          return;
        }
    }

  page = g_string_sized_new (limit * 120);
  if (!vtr_hub_backend_write_changes (backend, area, since, limit, page, &cursor, &n, &error))
    {
      answer_gerror (job, error);
      return;
    }
  /* The federation's current release, for kiosks to say when they run
   * an older one (the page is one JSON object). */
  if (page->len > 0 && page->str[0] == '{')
    {
      g_autofree char *member = g_strdup_printf ("\"release\": \"%s\", \"area\": \"%s\", ", release, area_tag);

      g_string_insert (page, 1, member);
    }
  job->status = SOUP_STATUS_OK;
  job->content_type = "application/json";
  job->gzip = TRUE;
  job->body = g_string_free_to_bytes (g_steal_pointer (&page));
}

/* Long-polls. A request of the orders' feed that finds nothing waits
 * here, on the main thread, holding no worker; an accepted order event
 * wakes every one waiting (each asks its own question again, and waits
 * again if the order was not for it), and each answers at its time
 * anyway. One hub only: behind a load balancer, a long-poll on another
 * hub learns of the order at its time, as a poll would. */

static void requeue (Job *job);

static gboolean
park_timed_out (gpointer data)
{
  Job *job = data;

  job->park_timeout = 0;
  g_ptr_array_remove (job->server->parked, job);
  job->wait_until = -1;
  requeue (job);
  return G_SOURCE_REMOVE;
}

static void
requeue (Job *job)
{
  g_clear_handle_id (&job->park_timeout, g_source_remove);
  job->parked = FALSE;
  g_async_queue_push (job->server->jobs, job);
}

static gboolean
job_park (gpointer data)
{
  Job *job = data;
  VtrHubServer *server = job->server;
  gint64 left = job->wait_until - g_get_monotonic_time ();

  if (server->stopping || left <= 0)
    {
      job->wait_until = -1;
      requeue (job);
      return G_SOURCE_REMOVE;
    }
  g_ptr_array_add (server->parked, job);
  job->park_timeout = g_timeout_add ((guint) (left / 1000) + 1, park_timed_out, job);
  return G_SOURCE_REMOVE;
}

static gboolean
wake_parked (gpointer data)
{
  VtrHubServer *server = data;
  g_autoptr(GPtrArray) woken = g_steal_pointer (&server->parked);

  server->parked = g_ptr_array_new ();
  for (guint i = 0; i < woken->len; i++)
    {
      Job *job = g_ptr_array_index (woken, i);

      if (server->stopping)
        job->wait_until = -1;
      requeue (job);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
has_order_event (JsonArray *events)
{
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "kind", NULL),
                     "order") == 0)
        return TRUE;
    }
  return FALSE;
}

/* (pg) On PostgreSQL, a batch is stored here, on the request's thread
 * (each hub process has its own connections; the database orders the
 * writers), and answered at once, with the shops' edits applied before
 * it (job->shop_results), as on SQLite. */
static void
ingest_now (Job           *job,
            VtrHubBackend *backend,
            JsonArray     *array,
            VtrHubBatch   *batch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!vtr_hub_backend_ingest (backend, batch, &error))
    {
      if (g_error_matches (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_SUPPORTED))
        answer_gerror (job, error);
      else
        answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  {
    guint64 counts[3] = { 0 };

    vtr_hub_batch_count (batch, counts);
    vtr_hub_metrics_events (job->server->metrics, counts);
    /* Each request's batch commits on its own on PostgreSQL. */
    vtr_hub_metrics_commit (job->server->metrics, 1);
  }
  /* The long-polls of the orders' feed waiting on this hub ask again (on
   * another hub, they learn of it at their time). */
  if (vtr_hub_batch_get_n_accepted (batch) > 0 && has_order_event (array))
    {
      g_main_context_invoke (job->server->context, wake_parked, job->server);
      /* (sms) A message may be due: this hub's thread looks at once. */
      if (job->server->sms)
        vtr_hub_sms_wake (job->server->sms);
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  if (job->shop_results)
    {
      g_autoptr(JsonNode) shop = json_builder_get_root (job->shop_results);
      JsonArray *answers = json_node_get_array (shop);

      for (guint i = 0; i < json_array_get_length (answers); i++)
        json_builder_add_value (builder, json_node_copy (json_array_get_element (answers, i)));
    }
  vtr_hub_batch_write_results (batch, builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* POST /api/v1/events, on either backend (@worker NULL: PostgreSQL). */
static void
route_events (Job           *job,
              VtrHubBackend *backend,
              Worker        *worker)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubKeys) hub_keys = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) others = NULL;
  JsonObject *request;
  JsonNode *events;
  guint n_shop = 0;

  if (!(device = authenticate_on (job, backend, worker)) || !same_history (job) ||
      !(request = body_object (job, parser)))
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
  if (worker == NULL)
    {
      g_autoptr(VtrHubBatch) batch = NULL;

      /* (shop) The shops' edits first, in a transaction of their own. */
      job->shop_results = json_builder_new ();
      json_builder_begin_array (job->shop_results);
      others = vtr_hub_pg_shop_ingest (backend, hub_keys, device, json_node_get_array (events),
                                       g_get_real_time () / G_USEC_PER_SEC, job->shop_results, &n_shop, &error);
      json_builder_end_array (job->shop_results);
      if (others == NULL)
        {
          answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
          return;
        }
      batch = vtr_hub_batch_new (device, keys, others, g_get_real_time () / G_USEC_PER_SEC);
      ingest_now (job, backend, others, batch);
      return;
    }
  /* (shop) The shops' edits go to the catalogue here, in one durable
   * transaction of their own; the rest is checked here, stored and
   * answered by the writer (writer_main), with the shop edits' results. */
  job->shop_results = json_builder_new ();
  json_builder_begin_array (job->shop_results);
  others = vtr_hub_shop_ingest (worker->store, hub_keys, device, json_node_get_array (events),
                                g_get_real_time () / G_USEC_PER_SEC, job->shop_results, &n_shop, &error);
  json_builder_end_array (job->shop_results);
  if (others == NULL)
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  job->batch = vtr_hub_batch_new (device, keys, others, g_get_real_time () / G_USEC_PER_SEC);
  job->has_order = has_order_event (others);
}

/* GET /api/v1/cards/ID, on either backend (@worker NULL: PostgreSQL). */
static void
route_card (Job           *job,
            VtrHubBackend *backend,
            Worker        *worker,
            const char    *card_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 balance, n_events, flagged = 0;
  gboolean blocked = FALSE;

  if (!(device = authenticate_on (job, backend, worker)))
    return;
  if (strlen (card_id) != 26 || strspn (card_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != 26)
    {
      answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", _("This is not a loyalty card number"));
      return;
    }
  if (!vtr_hub_backend_card_info (backend, card_id, &balance, &n_events, &code, &blocked, &flagged, &error))
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
  /* (cards) declared lost; events that came after a block */
  if (blocked)
    vtr_json_add_boolean (builder, "blocked", TRUE);
  if (flagged)
    vtr_json_add_int (builder, "flagged", flagged);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* ?since=CURSOR: what changed after the device's cursor, oldest first.
 * A shop device gets its shop's orders; a federation kiosk, the orders
 * it placed (their state, for the customer who comes back to it). */
static void
route_order_changes (Job                *job,
                     VtrHubBackend      *backend,
                     const VtrHubDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gint64 merchant, since, limit, cursor, wait;
  gboolean more;

  if (!query_int (job, "merchant", device->merchant_id, 0, G_MAXINT64, &merchant) ||
      !query_int (job, "since", 0, 0, G_MAXINT64, &since) ||
      !query_int (job, "limit", VTR_HUB_ORDERS_PAGE, 1, VTR_HUB_ORDERS_MAX_PAGE, &limit) ||
      !query_int (job, "wait", 0, 0, VTR_HUB_ORDERS_MAX_WAIT, &wait))
    return;
  if (wait > 0 && job->wait_until == 0)
    job->wait_until = job->started + wait * G_USEC_PER_SEC;
  if (merchant != device->merchant_id)
    {
      answer_error (job, SOUP_STATUS_FORBIDDEN, "forbidden",
                    _("A device sees only the orders of its own shop"));
      return;
    }
  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "since", since);
  if (merchant)
    vtr_json_add_int (builder, "merchant", merchant);
  json_builder_set_member_name (builder, "orders");
  if (!vtr_hub_backend_write_order_changes (backend, merchant, device->id, since, limit, builder, &cursor, &more,
                                            &error))
    {
      answer_gerror (job, error);
      return;
    }
  /* Nothing yet for a long-poll: it waits on the main thread for an
   * order event (or its time) and asks again then. */
  if (cursor == since && job->wait_until > 0 && g_get_monotonic_time () < job->wait_until)
    {
      job->parked = TRUE;
      return;
    }
  vtr_json_add_int (builder, "cursor", cursor);
  vtr_json_add_boolean (builder, "more", more);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* GET /api/v1/orders, on either backend, for @device authenticated. */
static void
route_orders (Job                *job,
              VtrHubBackend      *backend,
              const VtrHubDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gint64 merchant, before, limit, next;

  if (job->query && g_hash_table_contains (job->query, "since"))
    {
      route_order_changes (job, backend, device);
      return;
    }
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
  if (!vtr_hub_backend_write_orders (backend, merchant, before, limit, builder, &next, &error))
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

/* (poster) GET /api/v1/poster-scans[?days=N]: the scans of the shop's
 * posters, for its own devices only, from N days ago (63 by default:
 * this week and the eight before) to today. The phones' views waiting in
 * memory are written first, so the answer holds every view so far. */
static void
route_poster_scans (Job           *job,
                    VtrHubBackend *backend,
                    Worker        *worker)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = NULL;
  gint64 days;

  if (!(device = authenticate_on (job, backend, worker)) ||
      !query_int (job, "days", VTR_POSTER_SCAN_DAYS, 1, 400, &days))
    return;
  if (device->merchant_id == 0)
    {
      answer_error (job, SOUP_STATUS_FORBIDDEN, "forbidden",
                    _("Only a shop’s device sees the scans of the shop’s posters"));
      return;
    }
  /* (pg) On PostgreSQL, each shop's count of the day on its own. */
  if (worker == NULL && vtr_hub_scans_has_pending (job->server->scans) &&
      !vtr_hub_scans_flush_to (job->server->scans, backend, &error))
    {
      g_warning ("The phones’ views of posters are lost: %s", error->message);
      g_clear_error (&error);
    }
  if (worker && vtr_hub_scans_has_pending (job->server->scans))
    {
      if (!vtr_hub_db_begin_group (worker->db, &error))
        {
          answer_gerror (job, error);
          return;
        }
      if (!vtr_hub_scans_flush (job->server->scans, worker->db, &error))
        {
          vtr_hub_db_rollback_group (worker->db);
          g_warning ("The phones’ views of posters are lost: %s", error->message);
          g_clear_error (&error);
        }
      else if (!vtr_hub_db_commit_group (worker->db, &error))
        {
          g_warning ("The phones’ views of posters are lost: %s", error->message);
          g_clear_error (&error);
        }
    }
  from = g_date_time_add_days (now, -(int) (days - 1));
  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "merchant", device->merchant_id);
  vtr_json_add_int (builder, "from", vtr_poster_scan_day (from));
  vtr_json_add_int (builder, "to", vtr_poster_scan_day (now));
  if (!vtr_hub_backend_write_poster_scans (backend, device->merchant_id, vtr_poster_scan_day (from), builder, &error))
    {
      answer_gerror (job, error);
      return;
    }
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* POST /api/v1/stock {"kind": "pickup"|"card", "count": N}: signed codes
 * for the device's stock (vtr-hub-stock.c). */
/* POST /api/v1/stock, on either backend (@worker NULL: PostgreSQL). */
static void
route_stock (Job           *job,
             VtrHubBackend *backend,
             Worker        *worker)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *request;
  JsonNode *count;
  VtrCodeKind kind;

  if (!(device = authenticate_on (job, backend, worker)) || !(request = body_object (job, parser)))
    return;
  count = json_object_get_member (request, "count");
  if (!vtr_hub_stock_kind_from_string (json_object_get_string_member_with_default (request, "kind", NULL),
                                       &kind) ||
      count == NULL || !JSON_NODE_HOLDS_VALUE (count) || json_node_get_value_type (count) != G_TYPE_INT64 ||
      json_node_get_int (count) < 1 || json_node_get_int (count) > VTR_HUB_STOCK_MAX_REQUEST)
    {
      g_autofree char *message = g_strdup_printf (_("Ask for a kind, “pickup” or “card”, and a count "
                                                    "from 1 to %d"),
                                                  VTR_HUB_STOCK_MAX_REQUEST);

      answer_error (job, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  if (!(keys = vtr_hub_keys_open (job->server->dir, &error)) ||
      !(codes = vtr_hub_backend_issue_codes (backend, keys, device->id, kind, json_node_get_int (count), 0,
                                             g_get_real_time () / G_USEC_PER_SEC, &error)))
    {
      answer_gerror (job, error);
      return;
    }
  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "kind", kind == VTR_CODE_CARD ? "card" : "pickup");
  json_builder_set_member_name (builder, "codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < codes->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (codes, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* (cards) Lost cards. */

/**
 * vtr_hub_publish_blocks:
 *
 * Puts the cards blocked in hub.db and not yet in the catalogue's change
 * feed into it. Each is published in its own transaction of catalog.db,
 * then marked in hub.db: stopped in between, it is published again,
 * which changes nothing. @all (at start) publishes every block again,
 * for a catalogue restored from a copy older than some of them.
 */
static gboolean
vtr_hub_publish_blocks (VtrHubDb *db,
                        VtrStore *store,
                        gboolean  all,
                        GError  **error)
{
  g_autoptr(GPtrArray) blocks = vtr_hub_db_unpublished_blocks (db, all, error);

  if (blocks == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < blocks->len; i += 2)
    {
      const char *card = g_ptr_array_index (blocks, i);

      if (!vtr_card_publish_block (store, card, g_ascii_strtoll (g_ptr_array_index (blocks, i + 1), NULL, 10),
                                   error) ||
          !vtr_hub_db_mark_published (db, card, error))
        return FALSE;
    }
  return TRUE;
}

/* GET /api/v1/cards?suffix=…: a shop's counter looks for a lost card by
 * its last characters. */
static void
vtr_hub_route_find_cards (Job           *job,
                          VtrHubBackend *backend,
                          Worker        *worker)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL;
  const char *text = job->query ? g_hash_table_lookup (job->query, "suffix") : NULL;
  gboolean more = FALSE;

  if (!(device = authenticate_on (job, backend, worker)))
    return;
  if (device->merchant_id == 0)
    {
      answer_error (job, SOUP_STATUS_FORBIDDEN, "forbidden",
                    _("Only a shop’s device looks for a customer’s card"));
      return;
    }
  if (text == NULL || !(suffix = vtr_card_normalize_suffix (text, &error)))
    {
      answer_error (job, SOUP_STATUS_BAD_REQUEST, "invalid",
                    error ? error->message : _("Say the card’s last characters with suffix="));
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cards");
  if (!vtr_hub_backend_find_cards (backend, suffix, builder, &more, &error))
    {
      answer_gerror (job, error);
      return;
    }
  vtr_json_add_boolean (builder, "more", more);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

/* GET /metrics, for Prometheus on the hub's own machine: only from a
 * loopback address (the counts say how many kiosks a federation has). */
static void
route_metrics (Job           *job,
               VtrHubBackend *backend)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (job->msg);
  g_autoptr(GError) error = NULL;
  gint64 seen, head;
  char *text;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote) ||
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      answer_error (job, SOUP_STATUS_FORBIDDEN, "forbidden",
                    _("The hub’s metrics are read from its own machine only"));
      return;
    }
  if ((seen = vtr_hub_backend_count_seen_since (backend, g_get_real_time () / G_USEC_PER_SEC - 3600, &error)) < 0 ||
      (head = vtr_hub_backend_last_change (backend, &error)) < 0)
    {
      answer_gerror (job, error);
      return;
    }
  text = vtr_hub_metrics_render (job->server->metrics, seen, head);
  {
    GString *out = g_string_new (text);

    g_free (text);
    /* (web) The phone pages' cache, its lock's waits with it. */
    vtr_hub_web_cache_metrics (out);
    job->body = g_string_free_to_bytes (out);
  }
  job->status = SOUP_STATUS_OK;
  job->content_type = "text/plain; version=0.0.4";
}

/*
 * (pg) The hub on PostgreSQL (docs/hub-api.md, "PostgreSQL"): what the
 * kiosks use through sync, through the backend interface
 * (vtr-hub-backend.h), one connection a worker thread. What it does not
 * serve answers 501, never another hub's answer.
 */

static void
pg_backend_free (gpointer data)
{
  vtr_hub_backend_free (data);
}

static GPrivate pg_key = G_PRIVATE_INIT (pg_backend_free);

static VtrHubBackend *
pg_get (VtrHubServer *server,
        GError      **error)
{
  VtrHubBackend *backend = g_private_get (&pg_key);

  if (backend == NULL && (backend = vtr_hub_backend_open (server->dir, server->database, error)))
    g_private_set (&pg_key, backend);
  return backend;
}

/* (pg) Each worker's own connection to the copy of the catalogue the
 * phones' pages are made from. */
typedef struct
{
  VtrStore   *store;
  VtrCatalog *catalog;
} MirrorReader;

static void
mirror_reader_free (gpointer data)
{
  MirrorReader *reader = data;

  g_clear_object (&reader->catalog);
  g_clear_object (&reader->store);
  g_free (reader);
}

static GPrivate mirror_key = G_PRIVATE_INIT (mirror_reader_free);

/* A phone's page on PostgreSQL: made from the hub's copy of the
 * catalogue, once it holds PostgreSQL's newest change (or after 5 s, as
 * it is), and a card's balance, an order's state and a reservation
 * through PostgreSQL. */
static void
route_pg_web (Job           *job,
              VtrHubBackend *backend,
              const char    *path)
{
  MirrorReader *reader = g_private_get (&mirror_key);
  g_autoptr(GError) error = NULL;
  gint64 head;

  if (reader == NULL)
    {
      reader = g_new0 (MirrorReader, 1);
      if (!(reader->store = vtr_store_open (vtr_hub_mirror_get_dir (job->server->mirror), &error)))
        {
          g_free (reader);
          answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
          return;
        }
      reader->catalog = vtr_catalog_new (reader->store);
      g_private_set (&mirror_key, reader);
    }
  if ((head = vtr_hub_backend_last_change (backend, &error)) < 0)
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  vtr_hub_mirror_wait (job->server->mirror, head, 5 * G_USEC_PER_SEC);
  job->web = g_new0 (VtrHubWebPage, 1);
  vtr_hub_web_serve (job->server->dir, backend, reader->catalog, job->msg, path, job->query, job->web);
  job->status = job->web->status;
  job->body = g_steal_pointer (&job->web->body);
  job->etag = g_steal_pointer (&job->web->etag);
  /* (sms) A reservation's number goes by text message: this hub's
   * sending thread looks at once (another hub's may claim it first). */
  if (job->web->order_placed && job->server->sms)
    vtr_hub_sms_wake (job->server->sms);
}

static void
route_pg (Job *job)
{
  const char *method = soup_server_message_get_method (job->msg);
  const char *path = job->path;
  g_autoptr(GError) error = NULL;
  VtrHubBackend *backend;

  if (!(backend = pg_get (job->server, &error)))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  if (g_str_equal (path, API "pair") && g_str_equal (method, "POST"))
    route_pair (job, backend);
  else if (g_str_equal (path, API "changes") && g_str_equal (method, "GET"))
    {
      g_autoptr(VtrHubDevice) device = authenticate_on (job, backend, NULL);

      if (device)
        route_changes (job, backend, NULL, device);
    }
  else if (g_str_equal (path, API "events") && g_str_equal (method, "POST"))
    route_events (job, backend, NULL);
  else if (g_str_equal (path, API "orders") && g_str_equal (method, "GET"))
    {
      g_autoptr(VtrHubDevice) device = authenticate_on (job, backend, NULL);

      if (device)
        route_orders (job, backend, device);
    }
  else if (g_str_equal (path, "/metrics") && g_str_equal (method, "GET"))
    route_metrics (job, backend);
  else if (g_str_equal (path, API "cards") && g_str_equal (method, "GET"))
    vtr_hub_route_find_cards (job, backend, NULL);
  else if (g_str_has_prefix (path, API "cards/") && g_str_equal (method, "GET"))
    route_card (job, backend, NULL, path + strlen (API "cards/"));
  else if (g_str_equal (path, API "stock") && g_str_equal (method, "POST"))
    route_stock (job, backend, NULL);
  else if (g_str_equal (path, API "poster-scans") && g_str_equal (method, "GET"))
    route_poster_scans (job, backend, NULL);
  else if (vtr_hub_web_handles (method, path))
    route_pg_web (job, backend, path);
  else
    /* Every address of SQLite's hub is served: the rest is no one's. */
    answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such address on the hub"));
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
  /* (tiles) The map's tiles need nothing but their own file. */
  if (vtr_hub_tiles_handles (method, path))
    {
      route_tiles (job);
      return;
    }
  if (job->server->database)
    {
      route_pg (job);
      return;
    }
  if (!(worker = worker_get (job->server->dir, &error)))
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", error->message);
      return;
    }
  if (g_str_equal (path, "/metrics") && g_str_equal (method, "GET"))
    {
      route_metrics (job, worker->backend);
      return;
    }

  if (g_str_equal (path, API "pair") && g_str_equal (method, "POST"))
    route_pair (job, worker->backend);
  else if (g_str_equal (path, API "changes") && g_str_equal (method, "GET"))
    {
      g_autoptr(VtrHubDevice) device = authenticate (job, worker);

      if (device)
        route_changes (job, worker->backend, worker, device);
    }
  else if (g_str_equal (path, API "events") && g_str_equal (method, "POST"))
    route_events (job, worker->backend, worker);
  else if (g_str_equal (path, API "cards") && g_str_equal (method, "GET"))
    vtr_hub_route_find_cards (job, worker->backend, worker);
  else if (g_str_has_prefix (path, API "cards/") && g_str_equal (method, "GET"))
    route_card (job, worker->backend, worker, path + strlen (API "cards/"));
  else if (g_str_equal (path, API "orders") && g_str_equal (method, "GET"))
    {
      g_autoptr(VtrHubDevice) device = authenticate (job, worker);

      if (device)
        route_orders (job, worker->backend, device);
    }
  else if (g_str_equal (path, API "stock") && g_str_equal (method, "POST"))
    route_stock (job, worker->backend, worker);
  else if (g_str_equal (path, API "poster-scans") && g_str_equal (method, "GET"))
    route_poster_scans (job, worker->backend, worker);
  else if (vtr_hub_web_handles (method, path))
    {
      /* (web) The page behind a code, for a phone: vtr-hub-web.c. */
      job->web = g_new0 (VtrHubWebPage, 1);
      vtr_hub_web_serve (job->server->dir, worker->backend, worker->catalog, job->msg, path, job->query,
                         job->web);
      job->status = job->web->status;
      job->body = g_steal_pointer (&job->web->body);
      job->etag = g_steal_pointer (&job->web->etag);
      if (job->web->order_placed && job->server->sms)
        vtr_hub_sms_wake (job->server->sms);
    }
  else
    answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such address on the hub"));
}

/* Back on the main thread. */

static void connection_keep (VtrHubServer      *server,
                             SoupServerMessage *msg);

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

/* One record a request (vtr-hub-log.c): journald's fields under
 * systemd, else one JSON line on stderr. Every field is escaped: whatever
 * a client puts in its request, it cannot write a line of its own or
 * change another field. */
static void
log_request (VtrHubServer      *server,
             SoupServerMessage *msg,
             const char        *path,
             guint              status,
             gsize              bytes,
             gint64             started,
             gint64             device_id,
             gboolean           cached)
{
  const char *route = vtr_hub_metrics_route (path);
  gint64 usec = g_get_monotonic_time () - started;

  vtr_hub_log_request (soup_server_message_get_remote_host (msg), soup_server_message_get_method (msg), path,
                       route,
                       soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent"),
                       status, bytes, usec / 1000.0, device_id, cached);
  vtr_hub_metrics_request (server->metrics, route, status, usec);
}

static void
log_access (Job *job)
{
  g_autofree char *path = vtr_hub_web_log_path (job->path);

  log_request (job->server, job->msg, path, job->status, job->body ? g_bytes_get_size (job->body) : 0,
               job->started, job->device_id, job->web && job->web->from_cache);
}

/* Stopping: the loop ends once every answer is written, not merely
 * handed to libsoup (a request in flight, a long-poll woken by the stop,
 * would otherwise see its connection cut). */
static void
maybe_stopped (VtrHubServer *server)
{
  if (server->in_flight == 0 && server->writing->len == 0 && server->stop_loop)
    g_main_loop_quit (server->stop_loop);
}

static void
answer_written (SoupServerMessage *msg,
                gpointer           data)
{
  VtrHubServer *server = data;

  g_signal_handlers_disconnect_by_data (msg, server);
  g_ptr_array_remove (server->writing, msg);
  maybe_stopped (server);
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
  soup_message_headers_replace (headers, "Cache-Control", job->cache_control ? job->cache_control : "no-cache");
  if (g_str_has_prefix (job->path, API))
    soup_message_headers_replace (headers, "Vitrine-History", server->history);
  /* One request a connection for the API, kept alive for a phone's pages:
   * see "Connections" below. */
  if (job->web == NULL || server->stopping || !server->keep_alive)
    soup_message_headers_replace (headers, "Connection", "close");
  else
    connection_keep (server, job->msg);
  soup_server_message_set_status (job->msg, job->status, NULL);
  if (job->body && job->status != SOUP_STATUS_NOT_MODIFIED)
    soup_message_body_append_bytes (soup_server_message_get_response_body (job->msg), job->body);
  if (job->content_type)
    soup_message_headers_set_content_type (headers, job->content_type, NULL);
  if (job->web)
    vtr_hub_web_add_headers (headers, job->web);
  if (server->stopping)
    {
      g_ptr_array_add (server->writing, g_object_ref (job->msg));
      g_signal_connect (job->msg, "finished", G_CALLBACK (answer_written), server);
    }
  soup_server_message_unpause (job->msg);
  log_access (job);
  job_free (job);

  server->in_flight--;
  maybe_stopped (server);
  return G_SOURCE_REMOVE;
}

static void
job_run (Job *job)
{
  route (job);
  if (job->parked)
    {
      g_main_context_invoke (job->server->context, job_park, job);
      return;
    }
  if (job->batch)
    {
      WriteItem *item = g_new0 (WriteItem, 1);

      item->job = job;
      g_async_queue_push (job->server->writes, item);
      return;
    }
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

  vtr_hub_web_thread_init ();
  /* (pg) Each worker connects as the hub starts rather than under its
   * first request; a database not there yet is tried again by each
   * request (answered 503 meanwhile). */
  if (server->database)
    {
      g_autoptr(GError) error = NULL;

      pg_get (server, &error);
    }
  while ((job = g_async_queue_pop (server->jobs)) != &stop_job)
    job_run (job);
  return NULL;
}

/*
 * Writes. One thread stores what the kiosks upload: it takes every batch
 * waiting (up to MAX_GROUP), stores each in a savepoint of one
 * transaction, commits once, and only then answers them all. Under load
 * a commit's fsync is shared by as many requests as arrived during the
 * one before, instead of four workers taking turns at SQLite's write
 * lock and sleeping in its busy handler. A batch the database fails on
 * leaves no trace and is answered 503 (the kiosk sends it again later:
 * events are stored once by their uuid); the others go in.
 */

static WriteItem stop_write;

static void
writer_answer (Job        *job,
               gboolean    stored,
               const char *failure)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!stored)
    {
      answer_error (job, SOUP_STATUS_SERVICE_UNAVAILABLE, "failed", failure);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  if (job->shop_results)
    {
      g_autoptr(JsonNode) shop = json_builder_get_root (job->shop_results);
      JsonArray *answers = json_node_get_array (shop);

      for (guint i = 0; i < json_array_get_length (answers); i++)
        json_builder_add_value (builder, json_node_copy (json_array_get_element (answers, i)));
    }
  vtr_hub_batch_write_results (job->batch, builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  answer_json (job, SOUP_STATUS_OK, builder);
}

static gpointer
writer_main (gpointer data)
{
  VtrHubServer *server = data;
  g_autoptr(GPtrArray) group = g_ptr_array_new_with_free_func (write_item_free);
  gboolean stopping = FALSE;

  /* Its refusals are in the hub's language, as the workers' are. */
  vtr_hub_web_thread_init ();
  while (!stopping)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gboolean *stored = NULL;
      g_autoptr(GPtrArray) failures = NULL;
      gboolean committed, accepted = FALSE, order = FALSE;
      WriteItem *item = g_async_queue_pop (server->writes);
      Worker *worker;

      /* Everything queued before the stop is written. */
      do
        {
          if (item == &stop_write)
            stopping = TRUE;
          else
            g_ptr_array_add (group, item);
        }
      while (group->len < MAX_GROUP && (item = g_async_queue_try_pop (server->writes)));
      if (group->len == 0)
        continue;

      /* (pg) On PostgreSQL the writer has only the phones' views of
       * posters to write (each request stores its own batch). */
      if (server->database)
        {
          VtrHubBackend *backend = pg_get (server, &error);

          for (guint i = 0; i < group->len; i++)
            {
              WriteItem *write = g_ptr_array_index (group, i);
              g_autoptr(GError) scans_error = NULL;

              if (write->job == NULL && write->device_id == 0 &&
                  (backend == NULL || !vtr_hub_scans_flush_to (server->scans, backend, &scans_error)))
                g_warning ("The phones’ views of posters are lost: %s",
                           scans_error ? scans_error->message : error->message);
            }
          g_ptr_array_set_size (group, 0);
          continue;
        }
      stored = g_new0 (gboolean, group->len);
      failures = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_set_size (failures, group->len);
      worker = worker_get (server->dir, &error);
      committed = worker && vtr_hub_db_begin_group (worker->db, &error);
      for (guint i = 0; committed && i < group->len; i++)
        {
          WriteItem *write = g_ptr_array_index (group, i);
          g_autoptr(GError) batch_error = NULL;

          if (write->job == NULL && write->device_id == 0)
            {
              /* (poster) A failed statement loses these views (SQLite
               * undoes that statement alone), never the batches. */
              if (!vtr_hub_scans_flush (server->scans, worker->db, &batch_error))
                g_warning ("The phones’ views of posters are lost: %s", batch_error->message);
            }
          else if (write->job == NULL)
            vtr_hub_db_note_seen (worker->db, write->device_id, write->now, write->heartbeat, NULL);
          else if (!(stored[i] = vtr_hub_db_ingest_batch (worker->db, write->job->batch, &batch_error)))
            failures->pdata[i] = g_strdup (batch_error->message);
        }
      if (committed && !(committed = vtr_hub_db_commit_group (worker->db, &error)))
        memset (stored, 0, group->len * sizeof *stored);
      if (committed)
        {
          guint64 counts[3] = { 0 };
          guint n_batches = 0;

          for (guint i = 0; i < group->len; i++)
            if (stored[i])
              {
                vtr_hub_batch_count (((WriteItem *) g_ptr_array_index (group, i))->job->batch, counts);
                n_batches++;
              }
          vtr_hub_metrics_commit (server->metrics, n_batches);
          vtr_hub_metrics_events (server->metrics, counts);
        }

      /* On disk: the answers go. */
      for (guint i = 0; i < group->len; i++)
        {
          WriteItem *write = g_ptr_array_index (group, i);
          Job *job = write->job;

          if (job == NULL)
            continue;
          writer_answer (job, stored[i],
                         failures->pdata[i] ? failures->pdata[i]
                                            : error ? error->message : _("The hub’s database failed"));
          if (stored[i] && vtr_hub_batch_get_n_accepted (job->batch) > 0)
            {
              accepted = TRUE;
              order |= job->has_order;
            }
          /* Its events freed here rather than by the main thread, which
           * every connection waits for (a tenth of its time at 50,000
           * kiosks). */
          g_clear_pointer (&job->batch, vtr_hub_batch_free);
          g_main_context_invoke (server->context, job_finish, job);
        }
      g_ptr_array_set_size (group, 0);
      if (order)
        g_main_context_invoke (server->context, wake_parked, server);
      if (accepted && server->sms)
        vtr_hub_sms_wake (server->sms);
      /* (cards) Cards blocked by these batches go to the change feed. */
      if (accepted)
        vtr_hub_publish_blocks (worker->db, worker->store, FALSE, NULL);
    }
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
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }
  /* (web) A phone's page. A view of a shop's poster counts whatever
   * answers it, so it is noted before the cache; then a popular poster's
   * page, kept, is answered at once. */
  /* (pg) On PostgreSQL a view counts too; there is no cache there. */
  if (server->database && vtr_hub_web_handles (soup_server_message_get_method (msg), path))
    vtr_hub_scans_note_page (server->scans, msg, path);
  if (server->database == NULL && vtr_hub_web_handles (soup_server_message_get_method (msg), path))
    {
      VtrHubWebPage page = { 0 };

      vtr_hub_scans_note_page (server->scans, msg, path);

      if (vtr_hub_web_serve_cached (server->dir, msg, path, query, &page))
        {
          gint64 started = g_get_monotonic_time ();
          SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

          soup_message_headers_replace (headers, "ETag", page.etag);
          soup_server_message_set_status (msg, page.status, NULL);
          if (page.body && page.status != SOUP_STATUS_NOT_MODIFIED)
            soup_message_body_append_bytes (soup_server_message_get_response_body (msg), page.body);
          vtr_hub_web_add_headers (headers, &page);
          if (server->keep_alive)
            connection_keep (server, msg);
          else
            soup_message_headers_replace (headers, "Connection", "close");
          log_request (server, msg, path, page.status, page.body ? g_bytes_get_size (page.body) : 0, started, 0, TRUE);
          g_clear_pointer (&page.body, g_bytes_unref);
          g_free (page.etag);
          return;
        }
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
 * Connections. The hub accepts them itself rather than through
 * soup_server_listen_socket(), because libsoup 3.2's listener has three
 * flaws a hub open to the Internet cannot live with:
 *
 *  - one failed accept() (out of file descriptors) removes its source for
 *    good: the hub stays up and never accepts again;
 *  - it starts the TLS handshake with no time limit (the request timeout
 *    starts after it), so a client that connects and says nothing holds a
 *    descriptor for ever;
 *  - it never notices a client closing an idle keep-alive connection
 *    (fixed in libsoup 3.3) and keeps about 2 KB for each until the hub
 *    restarts: gigabytes a day at 2,100 kiosks.
 *
 * So the hub accepts from a non-blocking socket, does the TLS handshake
 * under a timeout, and hands the stream to soup_server_accept_iostream().
 * An answer of the API says "Connection: close": a kiosk's connection and
 * its memory end with its request, whatever the client does.
 *
 * A phone's page keeps its connection for the page's style sheet, script
 * and next page, as browsers expect (a new TCP and TLS connection for
 * each costs more than the page), but only with a libsoup of 3.3 or
 * later: libsoup 3.2 (Debian 12) keeps about 2 KB for every kept
 * connection that ends while it waits for its next request, whoever
 * closes it (measured: 3,200 such connections, +11 MB that never come
 * back), which for phones, whose connections end that way, is a leak
 * without bound. Where it keeps them: libsoup keeps a connection alive
 * only for a server with a listener of its own, so the SoupServer is
 * given one that never has a connection to accept (one end of a socket
 * pair whose other end, kept by the hub, never writes); and the hub
 * closes a kept connection that waits more than KEEPALIVE_IDLE_USEC for
 * its next request.
 *
 * Near the descriptor limit the hub answers 503 at once and closes, and
 * one descriptor kept in reserve lets it do so even when the limit is
 * reached.
 */

/* A client that has not finished its TLS handshake after this long loses
 * its connection. */
#define HANDSHAKE_TIMEOUT_USEC (10 * G_USEC_PER_SEC)
/* A client that starts a request and sends no more of it for this long
 * (a kiosk whose 4G link died halfway), or connects and sends nothing,
 * loses its connection. */
#define REQUEST_READ_TIMEOUT_USEC (60 * G_USEC_PER_SEC)
/* No connection lives longer, whatever it does: a client that never reads
 * its answer would otherwise hold its descriptor for ever. The largest
 * feed page takes seconds on a slow 4G link. */
#define CONNECTION_MAX_AGE_USEC (10 * 60 * G_USEC_PER_SEC)
/* A connection kept alive after a page, waiting this long for its next
 * request (or sending it this slowly), is closed. */
#define KEEPALIVE_IDLE_USEC (15 * G_USEC_PER_SEC)
/* Descriptors kept for the databases, the logs and the keys. */
#define RESERVED_DESCRIPTORS 64
/* After the limit was hit, accepting waits this long before trying again,
 * instead of spinning on a socket that stays readable. */
#define ACCEPT_PAUSE_MSEC 100

typedef struct
{
  VtrHubServer *server;
  GSocket      *socket;
  GIOStream    *stream;        /* what libsoup reads, or NULL while handshaking */
  GCancellable *handshake;     /* while the TLS handshake runs */
  char         *remote;        /* "ADDRESS:PORT", the key in server->connections */
  gint64        accepted;
  gint64        reading_since; /* a request started but not read in full, or 0 */
  gboolean      kept;          /* answered a page and kept alive for the next request */
  gint64        idle_since;    /* kept, answered, and no request since; or 0 */
  gboolean      closed;
} Connection;

/* A connection is held by server->connections and, while it runs, by its
 * handshake. */
static void
connection_clear (gpointer data)
{
  Connection *conn = data;

  g_clear_object (&conn->handshake);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->socket);
  g_free (conn->remote);
}

static void
connection_unref (gpointer data)
{
  g_rc_box_release_full (data, connection_clear);
}

static char *
address_key (GSocketAddress *address)
{
  g_autofree char *host = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("");
  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/* Whether the connection is gone: closed by libsoup after its answer, by
 * a timeout, or never got through its handshake. */
static gboolean
connection_is_over (Connection *conn)
{
  return conn->closed || g_socket_is_closed (conn->socket) ||
         (conn->stream && g_io_stream_is_closed (conn->stream));
}

static void
connection_close (Connection *conn)
{
  if (conn->handshake)
    g_cancellable_cancel (conn->handshake);
  /* The socket, not the stream: libsoup may have a read pending on the
   * stream, which then fails and ends the connection its own way. */
  g_socket_close (conn->socket, NULL);
  conn->closed = TRUE;
}

/* Forgets the connections that are over. */
static void
forget_closed (VtrHubServer *server)
{
  GHashTableIter iter;
  Connection *conn;

  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (connection_is_over (conn))
      g_hash_table_iter_remove (&iter);
}

static void
connection_hand_over (Connection *conn,
                      GIOStream  *stream)
{
  VtrHubServer *server = conn->server;
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (conn->socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (conn->socket, NULL);
  g_autoptr(GError) error = NULL;

  conn->stream = g_object_ref (stream);
  /* Until libsoup says a request started: a client that connects and
   * sends nothing is closed like one that stops halfway. */
  conn->reading_since = g_get_monotonic_time ();
  if (local == NULL || remote == NULL ||
      !soup_server_accept_iostream (server->soup, stream, local, remote, &error))
    connection_close (conn);
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Connection *conn = data;
  gboolean done = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL);

  g_clear_object (&conn->handshake);
  if (done && !connection_is_over (conn))
    connection_hand_over (conn, G_IO_STREAM (source));
  else
    connection_close (conn);
  connection_unref (conn);
}

/* Answers 503 in plain HTTP and closes: a kiosk reads it and retries
 * later (over TLS it sees a closed connection, and retries the same). */
static void
refuse (VtrHubServer *server,
        GSocket      *socket)
{
  if (server->certificate == NULL)
    g_socket_send_with_blocking (socket, server->busy_answer, strlen (server->busy_answer), FALSE,
                                 NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

static char *
busy_answer_new (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "error", "busy");
  vtr_json_add_string (builder, "message", _("The hub is busy: try again in a moment"));
  json_builder_end_object (builder);
  body = vtr_json_builder_to_data (builder, FALSE);
  return g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\n"
                          "Content-Type: application/json\r\n"
                          "Retry-After: 5\r\n"
                          "Connection: close\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "\r\n%s",
                          strlen (body), body);
}

static void
connection_start (VtrHubServer *server,
                  GSocket      *socket)
{
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  Connection *conn;

  conn = g_rc_box_new0 (Connection);
  conn->server = server;
  conn->socket = g_object_ref (socket);
  conn->remote = remote ? address_key (remote) : g_strdup ("");
  conn->accepted = g_get_monotonic_time ();
  /* A client's port is its own until the connection is closed: a key
   * found again belongs to a connection that is over. */
  g_hash_table_replace (server->connections, conn->remote, conn);

  stream = g_socket_connection_factory_create_connection (socket);
  if (server->certificate)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GIOStream) tls = g_tls_server_connection_new (G_IO_STREAM (stream), server->certificate,
                                                              &error);

      if (tls == NULL)
        {
          connection_close (conn);
          return;
        }
      conn->handshake = g_cancellable_new ();
      g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, conn->handshake,
                                        on_handshake_done, g_rc_box_acquire (conn));
    }
  else
    connection_hand_over (conn, G_IO_STREAM (stream));
}

static gboolean on_incoming (GSocket      *listener,
                             GIOCondition  condition,
                             gpointer      data);

static void
watch_listener (VtrHubServer *server)
{
  server->accept_source = g_socket_create_source (server->listener, G_IO_IN, NULL);
  g_source_set_callback (server->accept_source, (GSourceFunc) G_CALLBACK (on_incoming), server, NULL);
  g_source_attach (server->accept_source, server->context);
}

static void
unwatch_listener (VtrHubServer *server)
{
  if (server->accept_source)
    {
      g_source_destroy (server->accept_source);
      g_clear_pointer (&server->accept_source, g_source_unref);
    }
  g_clear_handle_id (&server->pause_id, g_source_remove);
}

static gboolean
resume_accepting (gpointer data)
{
  VtrHubServer *server = data;

  server->pause_id = 0;
  if (!server->stopping)
    watch_listener (server);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocket      *listener,
             GIOCondition  condition,
             gpointer      data)
{
  VtrHubServer *server = data;

  /* A burst at a time, then the other sources get their turn. */
  for (guint i = 0; i < 64 && !server->stopping; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            continue;  /* the client left before it was accepted */

          /* Out of descriptors: the reserved one takes the client, to
           * tell it so, and accepting pauses a moment. */
          if (server->reserve_fd >= 0)
            {
              g_autoptr(GSocket) refused = NULL;

              close (server->reserve_fd);
              server->reserve_fd = -1;
              if ((refused = g_socket_accept (listener, NULL, NULL)))
                refuse (server, refused);
              server->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
            }
          if (!server->limit_logged)
            {
              g_printerr ("%s\n", _("vitrine-hub: out of file descriptors; refusing connections "
                                    "until some close"));
              server->limit_logged = TRUE;
            }
          g_clear_pointer (&server->accept_source, g_source_unref);
          server->pause_id = g_timeout_add (ACCEPT_PAUSE_MSEC, resume_accepting, server);
          return G_SOURCE_REMOVE;
        }
      g_socket_set_blocking (socket, FALSE);
      /* An answer's headers and body go in separate writes: without this,
       * on a kept connection the body waits for the client's delayed
       * acknowledgement (40 ms). */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
      /* Full: first forget the connections that ended since the last
       * sweep, but not more than ten times a second (it walks them all). */
      if (g_hash_table_size (server->connections) >= server->max_connections &&
          g_get_monotonic_time () - server->last_forget >= ACCEPT_PAUSE_MSEC * 1000)
        {
          server->last_forget = g_get_monotonic_time ();
          forget_closed (server);
        }
      if (g_hash_table_size (server->connections) >= server->max_connections)
        {
          refuse (server, socket);
          continue;
        }
      server->limit_logged = FALSE;
      connection_start (server, socket);
    }
  return G_SOURCE_CONTINUE;
}

static Connection *
message_connection (VtrHubServer      *server,
                    SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autofree char *key = remote ? address_key (remote) : NULL;

  return key ? g_hash_table_lookup (server->connections, key) : NULL;
}

/* After a page's answer: the connection stays for the next request. */
static void
connection_keep (VtrHubServer      *server,
                 SoupServerMessage *msg)
{
  Connection *conn = message_connection (server, msg);

  if (conn)
    {
      conn->kept = TRUE;
      conn->idle_since = g_get_monotonic_time ();
    }
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  Connection *conn = message_connection (user_data, msg);

  if (conn)
    {
      conn->reading_since = g_get_monotonic_time ();
      conn->idle_since = 0;
    }
}

static void
on_request_read (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Connection *conn = message_connection (user_data, msg);

  if (conn)
    {
      conn->reading_since = 0;
      conn->idle_since = 0;
    }
}

/* Every second: the connections that are over are forgotten, and those
 * stuck in their handshake, their request or their answer are closed. */
static gboolean
sweep_connections (gpointer data)
{
  VtrHubServer *server = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Connection *conn;

  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      if (!connection_is_over (conn) &&
          ((conn->handshake && now - conn->accepted > HANDSHAKE_TIMEOUT_USEC) ||
           (conn->reading_since && now - conn->reading_since > REQUEST_READ_TIMEOUT_USEC) ||
           (conn->kept && conn->reading_since && now - conn->reading_since > KEEPALIVE_IDLE_USEC) ||
           (conn->idle_since && now - conn->idle_since > KEEPALIVE_IDLE_USEC) ||
           now - conn->accepted > CONNECTION_MAX_AGE_USEC))
        connection_close (conn);
      if (connection_is_over (conn))
        g_hash_table_iter_remove (&iter);
    }
  return G_SOURCE_CONTINUE;
}

/* As many descriptors as the system lets the hub have; the connections it
 * serves at once leave some for its files. */
static guint
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024 - RESERVED_DESCRIPTORS;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = MIN (limit.rlim_max, (rlim_t) 1 << 20);
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > (rlim_t) 1 << 20)
    return (1 << 20) - RESERVED_DESCRIPTORS;
  return limit.rlim_cur > 2 * RESERVED_DESCRIPTORS ? limit.rlim_cur - RESERVED_DESCRIPTORS
                                                   : limit.rlim_cur / 2;
}

/* Before the body is read: refuse what is too large for its address
 * (vtr_hub_request_max_body), so that no one makes the hub hold 8 MB for
 * an address that reads 40 bytes. */
static void
handle_early (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  gsize max = vtr_hub_request_max_body (soup_server_message_get_method (msg), path);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED || length < 0 ||
      (guint64) length > max)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *message = g_strdup_printf (_("The request is too large: this address takes at most %lu bytes"),
                                                  (unsigned long) max);
      gsize text_len;
      char *text;

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "error", "too-large");
      vtr_json_add_string (builder, "message", message);
      json_builder_end_object (builder);
      text = vtr_json_builder_to_data (builder, FALSE);
      /* libsoup still reads the body it refused, to answer after it: it
       * must not keep it (a client announcing 100 GB would fill the
       * memory). The request's read timeout bounds how long it reads. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      text_len = strlen (text);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, text_len);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      log_request (user_data, msg, path, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, text_len, g_get_monotonic_time (), 0, FALSE);
    }
}

/* The listener libsoup wants before it keeps a connection alive: see
 * "Connections". */
static gboolean
keep_connections_alive (VtrHubServer *server,
                        GError      **error)
{
  g_autoptr(GSocket) socket = NULL;
  int pair[2];

  server->keep_alive = soup_get_major_version () > 3 ||
                       (soup_get_major_version () == 3 && soup_get_minor_version () >= 3);
  if (!server->keep_alive)
    return TRUE;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("The hub cannot start its server: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  server->keepalive_peer = pair[1];
  if (!(socket = g_socket_new_from_fd (pair[0], error)))
    {
      close (pair[0]);
      return FALSE;
    }
  return soup_server_listen_socket (server->soup, socket, 0, error);
}

/* (poster) Every two seconds, the writer adds the phones' views of
 * posters waiting in memory to hub.db. */
static gboolean
flush_scans_soon (gpointer data)
{
  VtrHubServer *server = data;

  if (vtr_hub_scans_has_pending (server->scans))
    g_async_queue_push (server->writes, g_new0 (WriteItem, 1));
  return G_SOURCE_CONTINUE;
}

VtrHubServer *
vtr_hub_server_new (const char *data_dir,
                    GError    **error)
{
  return vtr_hub_server_new_with_database (data_dir, NULL, error);
}

/**
 * vtr_hub_server_new_with_database:
 * @database: (nullable): (pg) a PostgreSQL URL (postgresql://…): the
 *   hub serves the kiosks' sync from it, and @data_dir holds only its
 *   keys; NULL: everything in SQLite in @data_dir
 */
VtrHubServer *
vtr_hub_server_new_with_database (const char *data_dir,
                                  const char *database,
                                  GError    **error)
{
  g_autoptr(VtrHubServer) server = g_new0 (VtrHubServer, 1);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrHubDb) db = NULL;

  /* Before any worker serves a page. */
  vtr_hub_web_init ();
  server->dir = g_strdup (data_dir);
  server->context = g_main_context_ref_thread_default ();
  server->reserve_fd = -1;
  server->keepalive_peer = -1;
  if (database)
    {
      /* (pg) Connects once here: makes the schema on first start, and
       * fails early with a clear message. */
      g_autoptr(VtrHubBackend) backend = vtr_hub_backend_open (data_dir, database, error);

      if (backend == NULL || !vtr_hub_backend_is_postgresql (database) ||
          !(server->history = vtr_hub_pg_history (backend, error)))
        return NULL;
      server->database = g_strdup (database);
    }
  /* Open once here: creates the files, runs migrations, installs the
   * change log, and fails early with a clear message. */
  else if (!(store = vtr_store_open (data_dir, error)) || !(db = vtr_hub_db_open (data_dir, error)))
    return NULL;
  if (!database)
    {
      catalog = vtr_catalog_new (store);
      if (!vtr_catalog_log_changes (catalog, error) || !vtr_hub_publish_blocks (db, store, TRUE, error) ||
          !(server->history = vtr_hub_db_history (db, error)))
        return NULL;
    }

  server->soup = soup_server_new ("server-header", "vitrine-hub", NULL);
  soup_server_add_early_handler (server->soup, NULL, handle_early, server, NULL);
  soup_server_add_handler (server->soup, NULL, handle, server, NULL);
  server->connections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, connection_unref);
  server->max_connections = raise_descriptor_limit ();
  server->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (!keep_connections_alive (server, error))
    return NULL;
  server->busy_answer = busy_answer_new ();
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  g_signal_connect (server->soup, "request-read", G_CALLBACK (on_request_read), server);
  server->sweep_id = g_timeout_add_seconds (1, sweep_connections, server);
  /* (poster) The phones' views of the shops' posters, written every two
   * seconds by the writer (on PostgreSQL too). */
  server->scans = vtr_hub_scans_new (data_dir);
  server->scans_id = g_timeout_add_seconds (2, flush_scans_soon, server);
  /* (sms) On PostgreSQL each hub's sending thread claims what is due in
   * the shared outbox. */
  if (!(server->sms = vtr_hub_sms_start (data_dir, database, error)))
    return NULL;
  /* (pg) The phones' pages are made from a copy of PostgreSQL's
   * catalogue in the data folder (vtr-hub-mirror.c). */
  if (database && !(server->mirror = vtr_hub_mirror_start (data_dir, database, error)))
    return NULL;
  server->jobs = g_async_queue_new ();
  server->parked = g_ptr_array_new ();
  server->writing = g_ptr_array_new_with_free_func (g_object_unref);
  server->writes = g_async_queue_new ();
  server->metrics = vtr_hub_metrics_new ();
  server->writer = g_thread_new ("hub-writer", writer_main, server);
  for (guint i = 0; i < (database ? N_PG_WORKERS : N_WORKERS); i++)
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

  g_return_val_if_fail (server->listener == NULL, FALSE);

  if (tls_certificate)
    {
      server->certificate = g_tls_certificate_new_from_files (tls_certificate,
                                                              tls_key ? tls_key : tls_certificate,
                                                              error);
      if (server->certificate == NULL)
        return FALSE;
    }
  connectable = g_network_address_parse (address, 8443, error);
  if (connectable == NULL)
    return FALSE;
  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    return FALSE;

  /* A backlog of 4,096 (what Linux allows by default, somaxconn): 500
   * kiosks coming back together after a network cut would overflow the
   * default of 10 and be reset, and at 50,000 kiosks (3,300 connections a
   * second) a backlog of 1,024 overflowed under a moment's stall: each
   * client dropped waits a second or more before trying again
   * (bench-sync). */
  socket = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 4096);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  server->listener = g_object_ref (socket);
  watch_listener (server);

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

static gboolean
stop_anyway (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stops accepting, lets the requests in flight finish, then quits @loop. */
void
vtr_hub_server_shutdown (VtrHubServer *server,
                         GMainLoop    *loop)
{
  server->stopping = TRUE;
  unwatch_listener (server);
  if (server->listener)
    g_socket_close (server->listener, NULL);
  /* Long-polls answer now, with what they have. */
  if (server->parked)
    wake_parked (server);
  if (server->in_flight == 0)
    g_main_loop_quit (loop);
  else
    {
      server->stop_loop = loop;
      /* A client that never reads its answer does not hold the stop. */
      g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 5, stop_anyway, g_main_loop_ref (loop),
                                  (GDestroyNotify) g_main_loop_unref);
    }
}

void
vtr_hub_server_free (VtrHubServer *server)
{
  if (server == NULL)
    return;
  /* One stop a worker, then wait for each: nothing runs after this. */
  for (guint i = 0; i < G_N_ELEMENTS (server->workers) && server->workers[i]; i++)
    g_async_queue_push (server->jobs, &stop_job);
  for (guint i = 0; i < G_N_ELEMENTS (server->workers) && server->workers[i]; i++)
    g_thread_join (server->workers[i]);
  /* Then the writer, once it wrote what the workers handed it. */
  if (server->writer)
    {
      /* (poster) With the phones' last views of posters. */
      if (server->scans && vtr_hub_scans_has_pending (server->scans))
        g_async_queue_push (server->writes, g_new0 (WriteItem, 1));
      g_async_queue_push (server->writes, &stop_write);
      g_thread_join (server->writer);
    }
  g_clear_pointer (&server->writes, g_async_queue_unref);
  g_clear_pointer (&server->metrics, vtr_hub_metrics_free);
  g_free (server->history);
  g_clear_pointer (&server->jobs, g_async_queue_unref);
  g_clear_pointer (&server->sms, vtr_hub_sms_stop);
  g_clear_pointer (&server->mirror, vtr_hub_mirror_stop);
  g_clear_pointer (&server->parked, g_ptr_array_unref);
  for (guint i = 0; server->writing && i < server->writing->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (server->writing, i), server);
  g_clear_pointer (&server->writing, g_ptr_array_unref);
  g_clear_handle_id (&server->sweep_id, g_source_remove);
  g_clear_handle_id (&server->scans_id, g_source_remove);
  g_clear_pointer (&server->scans, vtr_hub_scans_free);
  unwatch_listener (server);
  if (server->listener)
    g_socket_close (server->listener, NULL);
  g_clear_object (&server->listener);
  if (server->soup)
    {
      g_signal_handlers_disconnect_by_data (server->soup, server);
      soup_server_disconnect (server->soup);
    }
  if (server->connections)
    {
      GHashTableIter iter;
      Connection *conn;

      g_hash_table_iter_init (&iter, server->connections);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
        connection_close (conn);
      g_clear_pointer (&server->connections, g_hash_table_unref);
    }
  g_clear_object (&server->certificate);
  if (server->reserve_fd >= 0)
    close (server->reserve_fd);
  if (server->keepalive_peer >= 0)
    close (server->keepalive_peer);
  g_free (server->busy_answer);
  g_clear_object (&server->soup);
  g_clear_pointer (&server->context, g_main_context_unref);
  g_free (server->database);
  g_free (server->dir);
  g_free (server->url);
  g_free (server);
}

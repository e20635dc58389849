#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-outbox.h"
#include "vtr-store.h"
#include "vtr-sync-state.h"
#include "vtr-test-hub.h"
#include "vtr-test-kiosk.h"
#include "vtr-test-printer.h"
#include "vtr-test-util.h"

/*
 * Running the hub (issue 20, operations): the real `vitrine-hub serve` on
 * 127.0.0.1 and real kiosks (`vitrine-ctl`) on their own folders. Uploads
 * share commits and stay exactly-once, /metrics counts what happened, a
 * backup taken while serving and restored later makes kiosks send again
 * what the hub lost, with nothing lost or doubled.
 */

typedef struct
{
  char       *dir;
  char       *kiosk_dir;
  VtrTestHub *hub;
  char      **cards;    /* loyalty cards the federation signed */
  guint       n_events; /* made on the kiosk so far */
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->dir, NULL, __VA_ARGS__, NULL)
#define CTL(f, r, ...) vtr_test_run (r, "VITRINE_CTL", (f)->kiosk_dir, NULL, __VA_ARGS__, NULL)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) cards = { 0 };

  f->dir = vtr_test_make_data_dir ();
  f->kiosk_dir = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->dir);
  HUB (f, &cards, "sign", "card", "--count", "4");
  g_assert_cmpint (cards.status, ==, 0);
  f->cards = g_strsplit (g_strstrip (cards.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (f->cards), ==, 4);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hub)
    vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->dir);
  vtr_test_remove_tree (f->kiosk_dir);
  g_free (f->dir);
  g_free (f->kiosk_dir);
  g_strfreev (f->cards);
}

/* GET @path on the hub: the body, and the status in @status. */
static char *
hub_get (Fixture    *f,
         const char *path,
         guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* /metrics, parsed as Prometheus reads it: "NAME{LABELS}" → value. Every
 * line is a comment or a sample; a line that is neither fails the test. */
static GHashTable *
read_metrics (Fixture *f)
{
  g_autoptr(GRegex) sample = g_regex_new ("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"\\\\\n]*\"(,[a-z_]+=\"[^\"\\\\\n]*\")*\\})?) "
                                          "([-+0-9.eE]+|\\+Inf|NaN)$",
                                          0, 0, NULL);
  GHashTable *metrics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  guint status;

  text = hub_get (f, "/metrics", &status);
  g_assert_cmpuint (status, ==, 200);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      double *value;

      if (*lines[i] == '\0' || g_str_has_prefix (lines[i], "# HELP ") || g_str_has_prefix (lines[i], "# TYPE "))
        continue;
      if (!g_regex_match (sample, lines[i], 0, &match))
        g_error ("not a line of Prometheus' text format: %s", lines[i]);
      g_autofree char *number = g_match_info_fetch (match, 4);

      value = g_new (double, 1);
      *value = g_ascii_strtod (number, NULL);
      g_hash_table_insert (metrics, g_match_info_fetch (match, 1), value);
    }
  return metrics;
}

static double
metric (GHashTable *metrics,
        const char *key)
{
  double *value = g_hash_table_lookup (metrics, key);

  if (value == NULL)
    g_error ("no %s in /metrics", key);
  return *value;
}

/* A batch of @n order events, as a street kiosk places orders. */
static char *
order_batch (guint n)
{
  g_autoptr(GString) body = g_string_new ("{\"events\":[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *order = g_uuid_string_random ();

      g_string_append_printf (body,
                              "%s{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":1800000000,\"payload\":"
                              "{\"order\":\"%s\",\"number\":\"T%05u\",\"state\":\"placed\",\"at\":1800000000,"
                              "\"merchant\":1}}",
                              i ? "," : "", uuid, order, g_random_int_range (0, 99999));
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

typedef struct
{
  guint       left;
  GPtrArray  *answers; /* the answers' bodies, in the order sent */
  GMainLoop  *loop;
} Uploads;

typedef struct
{
  Uploads *uploads;
  guint    index;
} Upload;

static void
upload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Upload *upload = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  upload->uploads->answers->pdata[upload->index] = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (--upload->uploads->left == 0)
    g_main_loop_quit (upload->uploads->loop);
  g_free (upload);
}

/* Posts every body of @bodies at once; with @hold (an SQLite connection
 * holding hub.db's write lock) released after a second, once they all
 * wait. Returns the answers' bodies. */
static GPtrArray *
upload_all (Fixture    *f,
            const char *token,
            GPtrArray  *bodies,
            sqlite3    *hold)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 100, "max-conns-per-host", 100,
                                                                  "timeout", 60, NULL);
  g_autofree char *url = g_strconcat (f->hub->url, "/api/v1/events", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  Uploads uploads = { bodies->len, g_ptr_array_new_with_free_func (g_free), g_main_loop_new (NULL, FALSE) };

  g_ptr_array_set_size (uploads.answers, bodies->len);
  for (guint i = 0; i < bodies->len; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) body = g_bytes_new (bodies->pdata[i], strlen (bodies->pdata[i]));
      Upload *upload = g_new0 (Upload, 1);

      upload->uploads = &uploads;
      upload->index = i;
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, upload_done, upload);
    }
  if (hold)
    {
      vtr_test_spin (1000);
      g_assert_cmpint (sqlite3_exec (hold, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_main_loop_run (uploads.loop);
  g_main_loop_unref (uploads.loop);
  return uploads.answers;
}

/* How many results of @answer have @status. */
static guint
count_status (const char *answer,
              const char *status)
{
  g_autofree char *needle = g_strdup_printf ("\"status\":\"%s\"", status);
  guint n = 0;

  for (const char *p = answer; (p = strstr (p, needle)); p += strlen (needle))
    n++;
  return n;
}

/* 41 uploads arrive while hub.db is locked by another program: the hub's
 * writer stores them in a handful of commits, not one each, answers each
 * only once it is on disk, and an upload sent twice at once is stored
 * once. Sent again, every event is a duplicate. */
static void
test_group_commit (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *hub_db = g_build_filename (f->dir, "hub.db", NULL);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GHashTable) metrics = NULL;
  g_autofree char *token = NULL;
  sqlite3 *hold = NULL;
  guint accepted = 0, duplicate = 0;

  f->hub = vtr_test_hub_start (f->dir, 0);
  token = vtr_test_hub_pair_device (f->hub, "Kiosque de la Canebière");
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (bodies, order_batch (5));
  g_ptr_array_add (bodies, g_strdup (bodies->pdata[0]));

  g_assert_cmpint (sqlite3_open (hub_db, &hold), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (hold, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  answers = upload_all (f, token, bodies, hold);
  sqlite3_close (hold);

  for (guint i = 0; i < answers->len; i++)
    {
      accepted += count_status (answers->pdata[i], "accepted");
      duplicate += count_status (answers->pdata[i], "duplicate");
    }
  /* The batch sent twice: each of its events accepted once. */
  g_assert_cmpuint (accepted, ==, 200);
  g_assert_cmpuint (duplicate, ==, 5);
  g_assert_cmpuint (count_status (answers->pdata[0], "accepted") + count_status (answers->pdata[40], "accepted"), ==, 5);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 200);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM hub_order"), ==, 200);

  metrics = read_metrics (f);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_write_batches_total"), ==, 41);
  /* The first batch may commit alone, then the others wait together. */
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_write_commits_total"), <=, 5);
  g_clear_pointer (&metrics, g_hash_table_unref);

  again = upload_all (f, token, bodies, NULL);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpuint (count_status (again->pdata[i], "duplicate"), ==, 5);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 200);
  metrics = read_metrics (f);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_events_total{status=\"accepted\"}"), ==, 200);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_events_total{status=\"duplicate\"}"), ==, 210);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_events_total{status=\"rejected\"}"), ==, 0);
}

/* /metrics in Prometheus' text format: requests by route and status
 * (whatever the path, a fixed set of routes), histograms whose buckets
 * add up, the devices seen in the last hour, the feed's head. */
static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *catalog_db = g_build_filename (f->dir, "catalog.db", NULL);
  g_autoptr(GHashTable) metrics = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;
  guint status;

  f->hub = vtr_test_hub_start (f->dir, 0);
  for (guint i = 0; i < 3; i++)
    g_free (hub_get (f, "/api/v1/status", &status));
  g_free (hub_get (f, "/api/v1/nothing%0A%22here", &status));
  g_assert_cmpuint (status, ==, 404);
  token = vtr_test_hub_pair_device (f->hub, "Kiosque du Panier");
  {
    g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) answers = NULL;

    /* One event refused: an order of no shop. */
    g_ptr_array_add (bodies, order_batch (2));
    g_ptr_array_add (bodies, g_strdup ("{\"events\":[{\"uuid\":\"6f1c2d3e-0000-4000-8000-000000000001\","
                                       "\"kind\":\"order\",\"created\":1800000000,\"payload\":{}}]}"));
    answers = upload_all (f, token, bodies, NULL);
  }

  metrics = read_metrics (f);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_requests_total{route=\"status\",code=\"200\"}"), ==, 3);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_requests_total{route=\"other\",code=\"404\"}"), ==, 1);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_requests_total{route=\"pair\",code=\"200\"}"), ==, 1);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_requests_total{route=\"events\",code=\"200\"}"), ==, 2);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_events_total{status=\"accepted\"}"), ==, 2);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_events_total{status=\"rejected\"}"), ==, 1);
  /* Cumulative buckets, the last one every request. */
  {
    static const char * const bounds[] = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
                                           "5", "10", "+Inf" };
    double previous = 0;

    for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
      {
        g_autofree char *key = g_strdup_printf ("vitrine_hub_request_duration_seconds_bucket{route=\"status\",le=\"%s\"}",
                                                bounds[i]);
        double value = metric (metrics, key);

        g_assert_cmpfloat (value, >=, previous);
        previous = value;
      }
    g_assert_cmpfloat (previous, ==, 3);
    g_assert_cmpfloat (metric (metrics, "vitrine_hub_request_duration_seconds_count{route=\"status\"}"), ==, 3);
    g_assert_cmpfloat (metric (metrics, "vitrine_hub_request_duration_seconds_sum{route=\"status\"}"), >, 0);
  }
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_devices_seen_last_hour"), ==, 1);
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_change_feed_head"), ==,
                     vtr_test_sql_int (catalog_db, "SELECT max (seq) FROM catalog_change"));
  g_assert_cmpfloat (metric (metrics, "vitrine_hub_change_feed_head"), >, 0);
}

/* Credits made on the kiosk, waiting in its outbox. */
static void
make_events (Fixture *f,
             guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->kiosk_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      const char *code = f->cards[f->n_events % 4];
      g_autofree char *card = g_strndup (strstr (code, "/C/") + 3, 26);
      g_autofree char *payload = g_strdup_printf ("{\"kind\":\"credit\",\"card\":\"%s\",\"code\":\"%s\","
                                                  "\"merchant\":%u,\"points\":%u}",
                                                  card, code, 1 + f->n_events % 5, 1 + f->n_events % 7);

      g_assert_true (vtr_outbox_append (store, uuid, "credit", payload, 1800000000 + f->n_events, &error));
      g_assert_no_error (error);
      f->n_events++;
    }
}

static void
sync_kiosk (Fixture *f)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (f, &r, "sync");
  if (r.status != 0)
    g_error ("the sync failed: %s", r.err);
}

/* Every uuid and points of the credits in @sql's table, sorted: the same
 * text on the kiosk and the hub when they hold the same events. */
static char *
ledger (const char *path,
        const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Yesterday's backup, taken while the hub served, restored today: the
 * hub lost what kiosks sent since. At their next sync they send it
 * again (they kept what it acknowledged) and download the catalogue
 * again: the hub then holds every event once, no more, no less. */
static void
test_backup_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backups", "yesterday", NULL);
  g_autofree char *hub_db = g_build_filename (f->dir, "hub.db", NULL);
  g_autofree char *kiosk_journal = g_build_filename (f->kiosk_dir, "journal.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *kiosk_digest = NULL;
  g_autofree char *hub_digest = NULL;
  g_autofree char *code = NULL;
  guint16 port;

  f->hub = vtr_test_hub_start (f->dir, 0);
  port = f->hub->port;
  code = vtr_test_hub_add_device (f->dir, "Kiosque du Vieux-Port", NULL);
  {
    g_auto(VtrTestResult) r = { 0 };

    CTL (f, &r, "pair", code, "--hub", f->hub->url);
    g_assert_cmpint (r.status, ==, 0);
  }
  make_events (f, 10);
  sync_kiosk (f);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 10);

  /* Yesterday evening, while serving. */
  {
    g_auto(VtrTestResult) r = { 0 };

    HUB (f, &r, "backup", backup);
    if (r.status != 0)
      g_error ("backup: %s", r.err);
  }
  /* Today: more credits, acknowledged, gone from the kiosk's outbox. */
  make_events (f, 15);
  sync_kiosk (f);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 25);
  g_assert_cmpint (vtr_test_sql_int (kiosk_journal, "SELECT count (*) FROM outbox"), ==, 0);
  before = ledger (hub_db, "SELECT uuid, points FROM event ORDER BY uuid");

  /* The disk died: yesterday's backup comes back. */
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;
  {
    g_auto(VtrTestResult) r = { 0 };

    HUB (f, &r, "restore", backup);
    if (r.status != 0)
      g_error ("restore: %s", r.err);
  }
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 10);
  f->hub = vtr_test_hub_start (f->dir, port);

  /* Two more credits made meanwhile, then the kiosk's next sync. */
  make_events (f, 2);
  sync_kiosk (f);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 27);
  g_assert_cmpint (vtr_test_sql_int (kiosk_journal, "SELECT count (*) FROM outbox"), ==, 0);
  after = ledger (hub_db, "SELECT uuid, points FROM event ORDER BY uuid");
  {
    g_autofree char *kiosk = ledger (kiosk_journal, "SELECT uuid, json_extract (payload, '$.points') "
                                                    "FROM outbox_sent ORDER BY uuid");

    g_assert_cmpstr (after, ==, kiosk);
  }
  /* Nothing of before was lost. */
  {
    g_auto(GStrv) lines = g_strsplit (before, "\n", -1);

    for (guint i = 0; lines[i] && *lines[i]; i++)
      g_assert_nonnull (strstr (after, lines[i]));
  }
  /* A sync again sends nothing and changes nothing. */
  sync_kiosk (f);
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM event"), ==, 27);
  /* The catalogue downloaded again is the hub's. */
  hub_digest = vtr_test_catalog_digest (f->dir);
  kiosk_digest = vtr_test_catalog_digest (f->kiosk_dir);
  g_assert_cmpstr (hub_digest, ==, kiosk_digest);
}

/* @request sent as it is on a connection of its own: the answer. */
static char *
raw_request (guint16     port,
             const char *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, sizeof buffer,
                                   NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* One structured record a request, each field on its own: a path that
 * decodes to a line end and a forged record, a U+2028, bytes that are
 * not UTF-8, a User-Agent made to look like the end of a field, leave
 * exactly one JSON line a request, whose fields say what was sent. */
static void
test_log_fields (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *agent = "kiosk\", \"status\": 200, \"time\": \"forged";
  guint n_requests = 0, n_forged = 0;

  f->hub = vtr_test_hub_start (f->dir, 0);
  {
    g_autofree char *request = g_strdup_printf ("GET /api/v1/x%%0A%%7B%%22time%%22:%%22forged%%22,%%22remote%%22:"
                                                "%%226.6.6.6%%22%%7D%%E2%%80%%A8%%FF HTTP/1.1\r\nHost: hub\r\n"
                                                "User-Agent: %s\r\nConnection: close\r\n\r\n",
                                                agent);
    g_autofree char *answer = raw_request (f->hub->port, request);
    g_autofree char *status = raw_request (f->hub->port, "GET /api/v1/status HTTP/1.1\r\nHost: hub\r\n"
                                                         "Connection: close\r\n\r\n");

    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 404"));
    g_assert_true (g_str_has_prefix (status, "HTTP/1.1 200"));
  }
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;
  {
    g_autofree char *log = g_build_filename (f->dir, "hub-stderr.log", NULL);

    g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *line;
      const char *path;

      /* The hub's other messages keep GLib's form; a record starts with {. */
      if (*lines[i] != '{')
        continue;
      if (!json_parser_load_from_data (parser, lines[i], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        g_error ("not one JSON object a line in the log: %s", lines[i]);
      line = json_node_get_object (json_parser_get_root (parser));
      n_requests++;
      g_assert_cmpstr (json_object_get_string_member_with_default (line, "remote", ""), ==, "127.0.0.1");
      g_assert_cmpstr (json_object_get_string_member_with_default (line, "time", "forged"), !=, "forged");
      g_assert_nonnull (strchr (json_object_get_string_member_with_default (line, "message", "\n"), ' '));
      g_assert_null (strchr (json_object_get_string_member_with_default (line, "message", "\n"), '\n'));
      g_assert_true (json_object_has_member (line, "ms"));
      g_assert_true (json_object_has_member (line, "route"));
      path = json_object_get_string_member_with_default (line, "path", "");
      if (strchr (path, '\n'))
        {
          n_forged++;
          g_assert_true (g_str_has_prefix (path, "/api/v1/x\n{\"time\":\"forged\""));
          g_assert_nonnull (strstr (path, "\xe2\x80\xa8"));
          g_assert_cmpstr (json_object_get_string_member_with_default (line, "agent", ""), ==, agent);
          g_assert_cmpint (json_object_get_int_member_with_default (line, "status", 0), ==, 404);
          g_assert_cmpstr (json_object_get_string_member_with_default (line, "route", ""), ==, "other");
        }
    }
  g_assert_cmpuint (n_forged, ==, 1);
  g_assert_cmpuint (n_requests, ==, 2);
}

/* `vitrine-hub device list --json`: the device named @name. */
static JsonObject *
listed_device (Fixture    *f,
               const char *name)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *devices;

  HUB (f, &r, "device", "list", "--json");
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  devices = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_str_equal (json_object_get_string_member (device, "name"), name))
        return json_object_ref (device);
    }
  g_error ("no device %s in the list", name);
}

/* Every sync tells the hub how the kiosk is: its version, its printer's
 * paper, its camera, the events it still holds, its last good sync; the
 * device list says which kiosk needs a visit, and why. What a device
 * says beyond that is not kept. */
static void
test_heartbeat (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) device = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  JsonArray *visit;

  f->hub = vtr_test_hub_start (f->dir, 0);
  code = vtr_test_hub_add_device (f->dir, "Kiosque de la Plaine", NULL);
  {
    g_auto(VtrTestResult) r = { 0 };

    CTL (f, &r, "pair", code, "--hub", f->hub->url);
    g_assert_cmpint (r.status, ==, 0);
  }
  sync_kiosk (f);
  device = listed_device (f, "Kiosque de la Plaine");
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "version", ""), ==, PACKAGE_VERSION);
  /* The plain list says when it was last seen in Marseille's time, as the
   * kiosks do, on a server whose clock is in UTC. */
  {
    g_auto(VtrTestResult) r = { 0 };
    const char *utc[] = { "TZ", "UTC", NULL };
    g_autoptr(GDateTime) seen = g_date_time_new_from_unix_utc (json_object_get_int_member (device, "last_seen"));
    g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
    g_autoptr(GDateTime) local = g_date_time_to_timezone (seen, paris);
    g_autofree char *expected = g_date_time_format (local, "%d/%m/%Y %H:%M");
    g_autofree char *in_utc = g_date_time_format (seen, "%d/%m/%Y %H:%M");

    g_assert_nonnull (paris);
    g_assert_cmpstr (expected, !=, in_utc);
    vtr_test_run (&r, "VITRINE_HUB", f->dir, utc, "device", "list", NULL);
    g_assert_cmpint (r.status, ==, 0);
    if (!strstr (r.out, expected))
      g_error ("device list: %s not in\n%s", expected, r.out);
  }
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "waiting", ""), ==, "0");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (device, "visit")), ==, 0);
  g_clear_pointer (&device, json_object_unref);

  /* The printer ran out of paper, the camera is gone. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (f->kiosk_dir, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_sync_state_note_device (store, "printer", "paper-out", &error));
    g_assert_true (vtr_sync_state_note_device (store, "camera", "none", &error));
  }
  make_events (f, 3);
  sync_kiosk (f);
  device = listed_device (f, "Kiosque de la Plaine");
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "printer", ""), ==, "paper-out");
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "camera", ""), ==, "none");
  /* The first sync's success, told by the second. */
  g_assert_true (json_object_has_member (device, "last-sync"));
  visit = json_object_get_array_member (device, "visit");
  g_assert_cmpuint (json_array_get_length (visit), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (visit, 0), ==, "printer out of paper");
  g_clear_pointer (&device, json_object_unref);

  /* Anything else in the header is dropped. */
  token = vtr_test_hub_pair_device (f->hub, "Kiosque du Cours Julien");
  {
    g_autofree char *request = g_strdup_printf ("GET /api/v1/changes?since=0&limit=1 HTTP/1.1\r\nHost: hub\r\n"
                                                "Authorization: Bearer %s\r\n"
                                                "Vitrine-Device: printer=ok; camera=<b>x</b>; owner=me; "
                                                "waiting=12\r\nConnection: close\r\n\r\n",
                                                token);
    g_autofree char *answer = raw_request (f->hub->port, request);

    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
  }
  /* The writer notes it without the request waiting: ask until it did. */
  for (guint i = 0; i < 100; i++)
    {
      device = listed_device (f, "Kiosque du Cours Julien");
      if (json_object_has_member (device, "printer"))
        break;
      g_clear_pointer (&device, json_object_unref);
      g_usleep (50000);
    }
  g_assert_nonnull (device);
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "printer", ""), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member_with_default (device, "waiting", ""), ==, "12");
  g_assert_false (json_object_has_member (device, "camera"));
  g_assert_false (json_object_has_member (device, "owner"));
}

/* `vitrine-hub device list --json` until the device named @name says
 * @value for @key (30 s at most, more under the sanitizers): the app
 * tells it with its next sync. */
static JsonObject *
wait_for_heartbeat (Fixture    *f,
                    const char *name,
                    const char *key,
                    const char *value)
{
  g_autofree char *last = NULL;
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) device = listed_device (f, name);

      if (g_strcmp0 (json_object_get_string_member_with_default (device, key, ""), value) == 0)
        return g_steal_pointer (&device);
      g_clear_pointer (&last, g_free);
      if (device)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), device);

          last = json_to_string (node, FALSE);
        }
      g_usleep (100000);
    }
  {
    /* What the app said, if it is the app's heartbeat that is awaited. */
    g_autofree char *log = g_build_filename (f->kiosk_dir, "app.log", NULL);
    g_autofree char *said = NULL;

    if (g_file_get_contents (log, &said, NULL, NULL))
      g_test_message ("the app's log:\n%s", said);
  }
  g_error ("the hub never heard %s=%s from %s (it said: %s)", key, value, name, last ? last : "nothing");
}

static gboolean
visit_says (JsonObject *device,
            const char *reason)
{
  JsonArray *visit = json_object_get_array_member (device, "visit");

  for (guint i = 0; i < json_array_get_length (visit); i++)
    if (g_str_equal (json_array_get_string_element (visit, i), reason))
      return TRUE;
  return FALSE;
}

/* The real app, `vitrine` on a paired kiosk's data folder, tells the hub
 * how its camera and printer are with its syncs' heartbeat: its camera a
 * folder of images (emptied, then removed: unplugged), its printer a
 * network ticket printer on 127.0.0.1 (out of paper, then gone: missing).
 * `vitrine-hub device list` says which kiosk needs a visit, and why. */
static void
test_heartbeat_app (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *camera = g_build_filename (f->kiosk_dir, "camera", NULL);
  g_autofree char *image = g_build_filename (camera, "ean13.png", NULL);
  g_autofree char *log = g_build_filename (f->kiosk_dir, "app.log", NULL);
  g_autofree char *code = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) device = NULL;
  VtrTestPrinter *printer = vtr_test_printer_new ();

  {
    g_autofree char *png = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (SOURCE_ROOT "/tests/data/codes/ean13.png", &png, &len, &error));
    g_assert_cmpint (g_mkdir (camera, 0700), ==, 0);
    g_assert_true (g_file_set_contents (image, png, len, &error));
  }
  target = g_strdup_printf ("tcp:127.0.0.1:%u", vtr_test_printer_get_port (printer));
  f->hub = vtr_test_hub_start (f->dir, 0);
  code = vtr_test_hub_add_device (f->dir, "Kiosque de Noailles", NULL);
  {
    g_auto(VtrTestResult) r = { 0 };

    CTL (f, &r, "pair", code, "--hub", f->hub->url);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    const char *env[] = { "VITRINE_SYNC_INTERVAL", "1", "VITRINE_PRINTER", target, "VITRINE_ORDERS_LONG_POLL", "0",
                          NULL };

    app = vtr_test_spawn_to_file (log, env, &error, VITRINE_APP, "--data-dir", f->kiosk_dir, "--camera", camera,
                                  NULL);
    g_assert_no_error (error);
  }

  /* All is well. */
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "camera", "ok");
  g_clear_pointer (&device, json_object_unref);
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "printer", "ok");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (device, "visit")), ==, 0);
  g_clear_pointer (&device, json_object_unref);

  /* Out of paper. */
  vtr_test_printer_set_mode (printer, VTR_PRINTER_PAPER_OUT);
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "printer", "paper-out");
  g_assert_true (visit_says (device, "printer out of paper"));
  g_clear_pointer (&device, json_object_unref);

  /* The folder camera emptied: it had shown pictures, so it is unplugged. */
  g_assert_cmpint (g_unlink (image), ==, 0);
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "camera", "unplugged");
  g_assert_true (visit_says (device, "camera unplugged"));
  g_clear_pointer (&device, json_object_unref);

  /* The printer gone: missing. */
  g_clear_pointer (&printer, vtr_test_printer_free);
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "printer", "missing");
  g_assert_true (visit_says (device, "ticket printer missing (unplugged or not answering)"));
  g_assert_true (visit_says (device, "camera unplugged"));
  g_clear_pointer (&device, json_object_unref);

  /* The camera back, then its folder removed: unplugged again. */
  {
    g_autofree char *png = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (SOURCE_ROOT "/tests/data/codes/ean13.png", &png, &len, &error));
    g_assert_true (g_file_set_contents (image, png, len, &error));
  }
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "camera", "ok");
  g_clear_pointer (&device, json_object_unref);
  g_assert_cmpint (g_unlink (image), ==, 0);
  g_assert_cmpint (g_rmdir (camera), ==, 0);
  device = wait_for_heartbeat (f, "Kiosque de Noailles", "camera", "unplugged");
  g_clear_pointer (&device, json_object_unref);

  /* The words, in the plain list, in French. */
  {
    g_auto(VtrTestResult) r = { 0 };
    const char *french[] = { "LANGUAGE", "fr", NULL };

    vtr_test_run (&r, "VITRINE_HUB", f->dir, french, "device", "list", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Kiosque de Noailles"));
    g_assert_nonnull (strstr (r.out, "caméra débranchée"));
    g_assert_nonnull (strstr (r.out, "imprimante de tickets absente"));
  }
  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hub-ops/group-commit", test_group_commit);
  ADD ("/hub-ops/metrics", test_metrics);
  ADD ("/hub-ops/backup-restore", test_backup_restore);
  ADD ("/hub-ops/log-fields", test_log_fields);
  ADD ("/hub-ops/heartbeat", test_heartbeat);
  ADD ("/hub-ops/heartbeat-app", test_heartbeat_app);
  return g_test_run ();
}

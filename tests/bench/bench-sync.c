#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-bench-catalog.h"
#include "vtr-changes.h"
#include "vtr-flashcode.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-sync.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * The hub under the département's load, a real `vitrine-hub serve` on
 * 127.0.0.1:
 *
 *  - initial sync of the département's catalogue (2,100 shops, 100,000
 *    products, 1,000,000 stock lines) into an empty kiosk, and an
 *    incremental sync of 1,000 changes, by the kiosk's own sync client;
 *  - N simulated kiosks (default 500) polling the feed every 30 s and
 *    uploading loyalty events: request latency at that load, then the
 *    events/s the hub makes durable when they all upload flat out.
 *
 *   bench-sync [--scale F] [--kiosks N] [--seconds S]
 *
 * Prints a table, then one JSON object a line.
 */

static double scale = 1.0;
static int n_kiosks = 500;
static int seconds = 20;

static const GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale the catalogue by F (smoke runs)", "F" },
  { "kiosks", 0, 0, G_OPTION_ARG_INT, &n_kiosks, "Simulated kiosks (default 500)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of each load phase (default 20)", "S" },
  { NULL },
};

static GString *json_lines;

typedef struct Load Load;

typedef struct
{
  Load   *load;
  guint   index;
  char   *token;
  char   *card;
  char   *card_code; /* signed by the federation: the hub credits no other card */
  gint64  cursor;
  guint   sent;
  gboolean busy;
} Kiosk;

struct Load
{
  SoupSession *session;
  const char  *url;
  Kiosk       *kiosks;
  GArray      *latencies;  /* ms, every request */
  GArray      *poll_latencies;
  GArray      *upload_latencies;
  guint64      accepted;
  guint        failures;
  guint        in_flight;
  gboolean     flat_out;
  gboolean     stopping;
  guint        batch;
  GMainLoop   *loop;
};

typedef struct
{
  Kiosk  *kiosk;
  double  started;
  gboolean upload;
} Request;

static void kiosk_upload (Kiosk *kiosk);

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Request *request = data;
  Kiosk *kiosk = request->kiosk;
  Load *load = kiosk->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  double ms = vtr_bench_now_ms () - request->started;
  guint status = msg ? soup_message_get_status (msg) : 0;

  load->in_flight--;
  kiosk->busy = FALSE;
  if (body == NULL || (status != 200 && status != 304))
    {
      /* Say why, once or twice: a failure is a finding. */
      if (load->failures++ < 3)
        g_printerr ("  request failed: %u %s\n", status,
                    error ? error->message : (body ? g_strndup (g_bytes_get_data (body, NULL), 200) : ""));
    }
  else
    {
      g_array_append_val (load->latencies, ms);
      g_array_append_val (request->upload ? load->upload_latencies : load->poll_latencies, ms);
      if (request->upload)
        {
          /* Each "accepted" in the answer is an event made durable. */
          gsize len;
          const char *text = g_bytes_get_data (body, &len);
          const char *p = text, *end = text + len;

          while ((p = g_strstr_len (p, end - p, "\"accepted\"")))
            load->accepted++, p += 10;
        }
    }
  g_free (request);
  if (load->flat_out && !load->stopping && request != NULL)
    kiosk_upload (kiosk);
  if (load->stopping && load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_request (Kiosk       *kiosk,
              SoupMessage *msg,
              gboolean     upload)
{
  Request *request = g_new0 (Request, 1);
  g_autofree char *bearer = g_strconcat ("Bearer ", kiosk->token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  request->kiosk = kiosk;
  request->started = vtr_bench_now_ms ();
  request->upload = upload;
  kiosk->busy = TRUE;
  kiosk->load->in_flight++;
  soup_session_send_and_read_async (kiosk->load->session, msg, G_PRIORITY_DEFAULT, NULL, request_done, request);
  g_object_unref (msg);
}

static void
kiosk_upload (Kiosk *kiosk)
{
  Load *load = kiosk->load;
  g_autoptr(GString) body = g_string_new ("{\"events\":[");
  g_autofree char *url = g_strconcat (load->url, "/api/v1/events", NULL);
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *msg = soup_message_new ("POST", url);

  for (guint i = 0; i < load->batch; i++)
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
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  send_request (kiosk, msg, TRUE);
}

static void
kiosk_poll (Kiosk *kiosk)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT, kiosk->load->url,
                                          kiosk->cursor);
  g_autofree char *tag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "\"", kiosk->cursor);
  SoupMessage *msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", tag);
  send_request (kiosk, msg, FALSE);
}

/* The steady load: every kiosk polls every 30 s and uploads a batch every
 * 5 s, at its own phase. One tick a 10 ms. */
static guint tick_count;

static gboolean
steady_tick (gpointer data)
{
  Load *load = data;
  guint tick = tick_count++;

  if (load->stopping)
    return G_SOURCE_REMOVE;
  for (int i = 0; i < n_kiosks; i++)
    {
      Kiosk *kiosk = &load->kiosks[i];

      if (kiosk->busy)
        continue;
      if ((tick + i * 7) % 3000 == 0)
        kiosk_poll (kiosk);
      else if ((tick + i * 13) % 500 == 0)
        kiosk_upload (kiosk);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
stop_load (gpointer data)
{
  Load *load = data;

  load->stopping = TRUE;
  if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
  return G_SOURCE_REMOVE;
}

static void
run_load (Load    *load,
          gboolean flat_out)
{
  load->flat_out = flat_out;
  load->stopping = FALSE;
  load->accepted = 0;
  load->failures = 0;
  g_array_set_size (load->latencies, 0);
  g_array_set_size (load->poll_latencies, 0);
  g_array_set_size (load->upload_latencies, 0);
  if (flat_out)
    for (int i = 0; i < n_kiosks; i++)
      kiosk_upload (&load->kiosks[i]);
  else
    g_timeout_add (10, steady_tick, load);
  g_timeout_add_seconds (seconds, stop_load, load);
  g_main_loop_run (load->loop);
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
  g_autofree char *code = vtr_hub_db_add_device (db, name, 0, G_MAXINT64 / 2, NULL, &error);
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
  VtrSyncReport report;
  Load load = { 0 };
  double initial_ms, incremental_ms;
  g_autofree char *hub_digest = NULL;
  g_autofree char *kiosk_digest = NULL;

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

  hub = vtr_test_hub_start (hub_dir, 0);
  load.url = hub->url;

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
          g_assert_true (vtr_catalog_delete (catalog, VTR_TABLE_STOCK, stock.product_id, stock.merchant_id, &error));
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

  /* The kiosks. */
  {
    g_autoptr(VtrHubDb) db = vtr_hub_db_open (hub_dir, &error);
    g_autoptr(VtrStore) hub_store = vtr_store_open (hub_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (hub_store);
    gint64 last = vtr_catalog_last_change (catalog, &error);
    g_autoptr(VtrHubKeys) keys = vtr_hub_keys_open (hub_dir, &error);
    const guint8 *secret = NULL;
    int kid = vtr_hub_keys_signing_kid (keys, &secret);

    load.kiosks = g_new0 (Kiosk, n_kiosks);
    for (int i = 0; i < n_kiosks; i++)
      {
        load.kiosks[i].load = &load;
        load.kiosks[i].index = i;
        load.kiosks[i].token = pair_device (setup, hub->url, db, i + 1);
        load.kiosks[i].card = vtr_flashcode_new_card_id ();
        {
          VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, load.kiosks[i].card, NULL, NULL, 0, kid };

          load.kiosks[i].card_code = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
          g_assert_no_error (error);
        }
        load.kiosks[i].cursor = last; /* up to date, as kiosks mostly are */
      }
  }
  load.session = soup_session_new_with_options ("max-conns", n_kiosks + 10, "max-conns-per-host", n_kiosks + 10,
                                                "timeout", 60, NULL);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.poll_latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.upload_latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.loop = g_main_loop_new (NULL, FALSE);

  load.batch = 10;
  run_load (&load, FALSE);
  printf ("%d kiosks, poll every 30 s, 10 events every 5 s, %d s: %u requests, %u failed, "
          "p50 %.2f ms, p99 %.2f ms (polls p99 %.2f, uploads p99 %.2f), %.0f events/s\n",
          n_kiosks, seconds, load.latencies->len, load.failures, quantile_or_nan (load.latencies, 0.5),
          quantile_or_nan (load.latencies, 0.99), quantile_or_nan (load.poll_latencies, 0.99),
          quantile_or_nan (load.upload_latencies, 0.99), load.accepted / (double) seconds);
  vtr_bench_report (json_lines, "sync", "steady_p50_ms", quantile_or_nan (load.latencies, 0.5), NAN);
  vtr_bench_report (json_lines, "sync", "steady_p99_ms", quantile_or_nan (load.latencies, 0.99), 50);
  vtr_bench_report (json_lines, "sync", "steady_events_per_s", load.accepted / (double) seconds, NAN);
  vtr_bench_report (json_lines, "sync", "steady_failed_requests", load.failures, 0);

  load.batch = 50;
  run_load (&load, TRUE);
  printf ("%d kiosks uploading flat out, 50 events a batch, %d s: %.0f events/s durable, "
          "p50 %.2f ms, p99 %.2f ms, %u failed\n",
          n_kiosks, seconds, load.accepted / (double) seconds, quantile_or_nan (load.latencies, 0.5),
          quantile_or_nan (load.latencies, 0.99), load.failures);
  vtr_bench_report (json_lines, "sync", "events_per_s", load.accepted / (double) seconds, 2000);
  vtr_bench_report (json_lines, "sync", "flat_out_p99_ms", quantile_or_nan (load.latencies, 0.99), NAN);

  vtr_test_hub_stop (hub, SIGTERM);
  for (int i = 0; i < n_kiosks; i++)
    {
      g_free (load.kiosks[i].token);
      g_free (load.kiosks[i].card);
      g_free (load.kiosks[i].card_code);
    }
  g_free (load.kiosks);
  g_array_unref (load.latencies);
  g_array_unref (load.poll_latencies);
  g_array_unref (load.upload_latencies);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);

  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

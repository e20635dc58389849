#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-changes.h"
#include "vtr-hub-db.h"
#include "vtr-orders.h"
#include "vtr-sync.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * How long an order takes to reach the shop that fills it, against a real
 * `vitrine-hub serve` on 127.0.0.1 with the demo catalogue:
 *
 *  - N simulated street kiosks (default 500), lightweight HTTP clients,
 *    each polling the catalogue's feed (/changes with its ETag) every
 *    interval at its own phase, as kiosks do;
 *  - now and then one of them takes an order for shop 1 and uploads it
 *    at once (the app syncs right after an order);
 *  - the shop's device, a real data folder paired with --merchant, runs
 *    the real sync (vtr_sync_client_run: outbox, feed, orders) every
 *    interval on its own thread, like VtrSyncService.
 *
 * The figure is the time from the kiosk starting its upload to the order
 * being in the shop device's journal, p50/p95/max. The default interval
 * is the app's 30 s; --interval compresses time (the wait for the next
 * poll scales with it, the work does not) and the figures are then
 * printed as measured, and scaled back to 30 s.
 *
 * Then the same with the shop's device long-polling the orders' feed
 * (GET /api/v1/orders?since=…&wait=20, vtr_sync_client_wait_orders) in
 * a loop besides its syncs: the order arrives in about the upload's time.
 *
 *   bench-order-arrival [--kiosks N] [--interval S] [--seconds S] [--order-every MS] [--no-long-poll]
 */

static int n_kiosks = 500;
static int interval = 30;
static int seconds = 120;
static int order_every = 2000;
static gboolean no_long_poll;

static const GOptionEntry entries[] = {
  { "kiosks", 0, 0, G_OPTION_ARG_INT, &n_kiosks, "Simulated street kiosks (default 500)", "N" },
  { "interval", 0, 0, G_OPTION_ARG_INT, &interval, "Poll interval of every device (default 30 s)", "S" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long orders are placed (default 120 s)", "S" },
  { "order-every", 0, 0, G_OPTION_ARG_INT, &order_every, "An order every MS milliseconds (default 2000)", "MS" },
  { "no-long-poll", 0, 0, G_OPTION_ARG_NONE, &no_long_poll, "Leave out the long-poll phase", NULL },
  { NULL },
};

typedef struct
{
  char   *token;
  guint   index;
  gint64  cursor;
  gboolean busy;
} Kiosk;

typedef struct
{
  SoupSession *session;
  const char  *url;
  Kiosk       *kiosks;
  guint        in_flight;
  guint        polls;
  guint        failures;
  guint        orders;
  guint        orders_before; /* placed before this phase */
  GArray      *upload_ms;
  gboolean     stopping;
  GMainLoop   *loop;

  /* Shared with the shop's thread. */
  GMutex       lock;
  GHashTable  *placed;     /* order uuid → (double *) ms when its upload began */
  GArray      *arrival_ms; /* placed → in the shop's journal */
  GArray      *sync_ms;    /* the shop's syncs */
  char        *shop_dir;
  gboolean     shop_stop;
  GCancellable *shop_cancel; /* the long-poll waiting at the hub, ended */
  gboolean     long_poll;
} Load;

typedef struct
{
  Load   *load;
  Kiosk  *kiosk;
  double  started;
  gboolean upload;
} Request;

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Request *request = data;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status = msg ? soup_message_get_status (msg) : 0;
  double ms = vtr_bench_now_ms () - request->started;

  load->in_flight--;
  if (request->kiosk)
    request->kiosk->busy = FALSE;
  if (body == NULL || (status != 200 && status != 304))
    {
      if (load->failures++ < 3)
        g_printerr ("  request failed: %u %s\n", status, error ? error->message : "");
    }
  else if (request->upload)
    g_array_append_val (load->upload_ms, ms);
  else
    load->polls++;
  g_free (request);
  if (load->stopping && load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_request (Load        *load,
              Kiosk       *kiosk,
              SoupMessage *msg,
              gboolean     upload)
{
  Request *request = g_new0 (Request, 1);
  g_autofree char *bearer = g_strconcat ("Bearer ", kiosk->token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  request->load = load;
  request->kiosk = upload ? NULL : kiosk;
  request->started = vtr_bench_now_ms ();
  request->upload = upload;
  if (!upload)
    kiosk->busy = TRUE;
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, request_done, request);
  g_object_unref (msg);
}

static void
kiosk_poll (Load  *load,
            Kiosk *kiosk)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT, load->url, kiosk->cursor);
  g_autofree char *tag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "\"", kiosk->cursor);
  SoupMessage *msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", tag);
  send_request (load, kiosk, msg, FALSE);
}

/* A customer's order at a street kiosk, uploaded at once. */
static gboolean
place_order (gpointer data)
{
  Load *load = data;
  Kiosk *kiosk = &load->kiosks[g_random_int_range (0, n_kiosks)];
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *order = g_uuid_string_random ();
  g_autofree char *url = g_strconcat (load->url, "/api/v1/events", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *body =
    g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":%" G_GINT64_FORMAT ","
                     "\"payload\":{\"order\":\"%s\",\"number\":\"BN-%05u\",\"state\":\"placed\",\"who\":\"customer\","
                     "\"at\":%" G_GINT64_FORMAT ",\"merchant\":1,\"locker\":0,\"first_name\":\"Client %u\","
                     "\"phone\":\"0612345678\",\"total_cents\":250,\"lines\":[{\"product\":13,\"quantity\":1,"
                     "\"price_cents\":250}]}}]}",
                     uuid, now, order, load->orders, now, load->orders);
  SoupMessage *msg;
  double *started;

  if (load->stopping)
    return G_SOURCE_CONTINUE; /* removed by run_phase */
  msg = soup_message_new ("POST", url);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }
  started = g_new (double, 1);
  *started = vtr_bench_now_ms ();
  g_mutex_lock (&load->lock);
  g_hash_table_insert (load->placed, g_steal_pointer (&order), started);
  g_mutex_unlock (&load->lock);
  load->orders++;
  send_request (load, kiosk, msg, TRUE);
  return G_SOURCE_CONTINUE;
}

/* Every kiosk polls the feed every interval, at its own phase. One tick
 * a 10 ms. */
static gboolean
poll_tick (gpointer data)
{
  static guint tick;
  Load *load = data;
  guint period = interval * 100;

  if (load->stopping)
    return G_SOURCE_CONTINUE; /* removed by run_phase */
  tick++;
  for (int i = 0; i < n_kiosks; i++)
    if (!load->kiosks[i].busy && (tick + (guint) i * 7919) % period == 0)
      kiosk_poll (load, &load->kiosks[i]);
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

/* The shop's device: the real sync every interval, from a random phase;
 * each order new in its journal is timed. */
static gpointer
shop_thread (gpointer data)
{
  Load *load = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (load->shop_dir, &error);
  g_autoptr(VtrSyncClient) client = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 next = g_get_monotonic_time () + g_random_int_range (0, interval * 1000) * (gint64) 1000;

  g_assert_no_error (error);
  client = vtr_sync_client_new (store, &error);
  g_assert_no_error (error);
  while (!load->shop_stop)
    {
      VtrSyncReport report = { 0 };
      g_autoptr(GPtrArray) orders = NULL;
      double started, done;

      if (load->long_poll)
        {
          /* Waits at the hub until an order comes (or 20 s). */
          started = vtr_bench_now_ms ();
          if (!vtr_sync_client_wait_orders (client, 20, &report, load->shop_cancel, &error))
            {
              if (g_cancellable_is_cancelled (load->shop_cancel))
                break;
              g_printerr ("  shop long-poll failed: %s\n", error->message);
              g_clear_error (&error);
              g_usleep (G_USEC_PER_SEC);
              continue;
            }
        }
      else
        {
          while (g_get_monotonic_time () < next && !load->shop_stop)
            g_usleep (5000);
          if (load->shop_stop)
            break;
          next += interval * G_USEC_PER_SEC;
          started = vtr_bench_now_ms ();
        }
      if (!load->long_poll && !vtr_sync_client_run (client, &report, NULL, &error))
        {
          g_printerr ("  shop sync failed: %s\n", error->message);
          g_clear_error (&error);
          continue;
        }
      done = vtr_bench_now_ms ();
      orders = vtr_order_list (store, 1, &error);
      g_assert_no_error (error);
      g_mutex_lock (&load->lock);
      g_array_append_val (load->sync_ms, (double) { done - started });
      for (guint i = 0; i < orders->len; i++)
        {
          VtrOrder *order = g_ptr_array_index (orders, i);
          double *placed;

          if (g_hash_table_contains (seen, order->uuid))
            continue;
          g_hash_table_add (seen, g_strdup (order->uuid));
          if ((placed = g_hash_table_lookup (load->placed, order->uuid)))
            g_array_append_val (load->arrival_ms, (double) { done - *placed });
        }
      g_mutex_unlock (&load->lock);
    }
  return NULL;
}

static char *
pair_kiosk (SoupSession *session,
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

static double
q (GArray *samples,
   double  fraction)
{
  return samples->len ? vtr_bench_quantile (samples, fraction) : NAN;
}

/* Orders placed for --seconds while the kiosks poll; the shop's device
 * polls every interval, or long-polls. */
static void
run_phase (Load     *load,
           gboolean  long_poll,
           GString  *json_lines)
{
  const char *name = long_poll ? "order-arrival-long-poll" : "order-arrival";
  double scale = long_poll ? 1.0 : 30.0 / interval;
  double p50, p95, max;
  GThread *thread;
  guint poll_id, order_id;

  load->long_poll = long_poll;
  load->stopping = FALSE;
  load->shop_stop = FALSE;
  load->shop_cancel = g_cancellable_new ();
  load->orders_before = load->orders;
  load->polls = load->failures = 0;
  g_array_set_size (load->upload_ms, 0);
  g_array_set_size (load->arrival_ms, 0);
  g_array_set_size (load->sync_ms, 0);
  g_mutex_lock (&load->lock);
  g_hash_table_remove_all (load->placed);
  g_mutex_unlock (&load->lock);
  thread = g_thread_new ("shop", shop_thread, load);
  poll_id = g_timeout_add (10, poll_tick, load);
  order_id = g_timeout_add (order_every, place_order, load);
  g_timeout_add_seconds (seconds, stop_load, load);
  g_main_loop_run (load->loop);
  /* The next phase starts its own: none of these left running. */
  g_clear_handle_id (&poll_id, g_source_remove);
  g_clear_handle_id (&order_id, g_source_remove);
  /* The last orders have one more interval to arrive: waited for until
   * every order placed is at the shop's device, or that interval ends. */
  {
    gint64 deadline = g_get_monotonic_time () + (long_poll ? 3 : interval + 5) * G_USEC_PER_SEC;
    gboolean all_arrived = FALSE;

    while (!all_arrived && g_get_monotonic_time () < deadline)
      {
        g_mutex_lock (&load->lock);
        all_arrived = load->arrival_ms->len >= load->orders - load->orders_before;
        g_mutex_unlock (&load->lock);
        if (!all_arrived)
          g_usleep (20 * 1000);
      }
  }
  load->shop_stop = TRUE;
  /* A long-poll would otherwise wait its 20 s out at the hub. */
  g_cancellable_cancel (load->shop_cancel);
  g_thread_join (thread);
  g_clear_object (&load->shop_cancel);

  g_mutex_lock (&load->lock);
  p50 = q (load->arrival_ms, 0.5);
  p95 = q (load->arrival_ms, 0.95);
  max = q (load->arrival_ms, 1.0);
  printf ("%s: %d street kiosks polling the feed every %d s (%u polls, %u failed requests); %u orders for "
          "shop 1, %u arrived at its device\n",
          long_poll ? "long-poll" : "poll", n_kiosks, interval, load->polls, load->failures,
          load->orders - load->orders_before, load->arrival_ms->len);
  if (long_poll)
    printf ("order placed → in the shop device's journal, the device long-polling (wait=20): p50 %.0f ms, "
            "p95 %.0f ms, max %.0f ms\n",
            p50, p95, max);
  else
    {
      printf ("order placed → in the shop device's journal: p50 %.2f s, p95 %.2f s, max %.2f s (poll every %d s)\n",
              p50 / 1000, p95 / 1000, max / 1000, interval);
      if (interval != 30)
        printf ("  scaled to the default 30 s poll (×%.1f): p50 %.1f s, p95 %.1f s — the wait for the next poll "
                "scales, the work does not, so these slightly overstate\n",
                scale, p50 * scale / 1000, p95 * scale / 1000);
      printf ("the kiosk's upload: p50 %.1f ms, p95 %.1f ms; the shop's whole sync: p50 %.1f ms, p95 %.1f ms\n",
              q (load->upload_ms, 0.5), q (load->upload_ms, 0.95), q (load->sync_ms, 0.5), q (load->sync_ms, 0.95));
    }
  vtr_bench_report (json_lines, name, long_poll ? "arrival_p50_ms" : "arrival_p50_s",
                    long_poll ? p50 : p50 * scale / 1000, NAN);
  vtr_bench_report (json_lines, name, long_poll ? "arrival_p95_ms" : "arrival_p95_s",
                    long_poll ? p95 : p95 * scale / 1000, long_poll ? NAN : 30);
  vtr_bench_report (json_lines, name, "arrived_fraction",
                    load->orders > load->orders_before
                      ? load->arrival_ms->len / (double) (load->orders - load->orders_before) : NAN, 1);
  g_mutex_unlock (&load->lock);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time from an order to its shop");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(GString) json_lines = g_string_new (NULL);
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) demo = { 0 };
  g_auto(VtrTestResult) shop = { 0 };
  g_autoptr(SoupSession) setup = soup_session_new ();
  Load load = { 0 };
  VtrTestHub *hub;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (g_getenv ("VITRINE_HUB") == NULL)
    g_setenv ("VITRINE_HUB", "./build/src/hub/vitrine-hub", TRUE);
  interval = MAX (interval, 1);

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  vtr_test_run (&demo, "VITRINE_HUB", hub_dir, NULL, "demo", NULL);
  g_assert_cmpint (keys.status + demo.status, ==, 0);
  vtr_test_run (&shop, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Boutique 1, comptoir", "--merchant", "1",
                NULL);
  g_assert_cmpint (shop.status, ==, 0);
  hub = vtr_test_hub_start (hub_dir, 0);
  load.url = hub->url;

  /* The shop's device: paired as a shop pairs, its catalogue synced. */
  load.shop_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (load.shop_dir, &error);
    g_autofree char *code = g_strdup (strrchr (g_strstrip (shop.out), '\n') + 1);
    g_autoptr(VtrHubLink) link = NULL;
    g_autoptr(VtrSyncClient) client = NULL;
    VtrSyncReport report = { 0 };

    g_assert_no_error (error);
    link = vtr_sync_pair (store, code, hub->url, &error);
    g_assert_no_error (error);
    client = vtr_sync_client_new (store, &error);
    g_assert_no_error (error);
    g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
  }

  /* The street kiosks, up to date with the feed, as kiosks mostly are. */
  {
    g_autoptr(VtrHubDb) db = vtr_hub_db_open (hub_dir, &error);
    g_autoptr(VtrStore) hub_store = vtr_store_open (hub_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (hub_store);
    gint64 last = vtr_catalog_last_change (catalog, &error);

    g_assert_no_error (error);
    load.kiosks = g_new0 (Kiosk, n_kiosks);
    for (int i = 0; i < n_kiosks; i++)
      {
        load.kiosks[i].index = i;
        load.kiosks[i].token = pair_kiosk (setup, hub->url, db, i + 1);
        load.kiosks[i].cursor = last;
      }
  }

  load.session = soup_session_new_with_options ("max-conns", n_kiosks + 10, "max-conns-per-host", n_kiosks + 10,
                                                "timeout", 60, NULL);
  load.upload_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.arrival_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.sync_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  load.loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&load.lock);

  run_phase (&load, FALSE, json_lines);
  if (!no_long_poll)
    run_phase (&load, TRUE, json_lines);

  vtr_test_hub_stop (hub, SIGTERM);
  for (int i = 0; i < n_kiosks; i++)
    g_free (load.kiosks[i].token);
  g_free (load.kiosks);
  g_array_unref (load.upload_ms);
  g_array_unref (load.arrival_ms);
  g_array_unref (load.sync_ms);
  g_hash_table_unref (load.placed);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);
  g_mutex_clear (&load.lock);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (load.shop_dir);
  g_free (load.shop_dir);

  printf ("\n%s", json_lines->str);
  return 0;
}

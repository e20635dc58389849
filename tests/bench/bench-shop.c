#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vtr-bench.h"
#include "vtr-hub-db.h"
#include "vtr-shop-edit.h"
#include "vtr-staff.h"
#include "vtr-sync.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * (shop) "Ma boutique" against a real `vitrine-hub serve` on 127.0.0.1
 * with the demo catalogue (501 shops, 3,173 stock lines):
 *
 * 1. The hub's apply rate for shop events: a shop's device (paired with
 *    --merchant 1) uploads --events shop-stock changes in batches of
 *    --batch, as a counter in scan mode would after being offline; each
 *    change is checked, applied to catalog.db with its provenance and
 *    published in the change feed. Changes a second, end to end over
 *    HTTP (goal ≥ 2,000).
 *
 * 2. A price change at the counter to visible at another kiosk: N street
 *    kiosks (default 500), lightweight HTTP clients, each polling the
 *    feed (/changes with its ETag) every interval at its own phase, as
 *    VtrSyncService does; the shop's device, a real data folder, changes
 *    a price through vtr_shop_set_stock() every --change-every ms and
 *    runs the real sync (vtr_sync_client_run) every interval on its own
 *    thread. The figure is the time from the change on the counter to
 *    each kiosk's feed page carrying the new price, p50/p95/max over
 *    every (change, kiosk) pair. With the default 30 s interval both
 *    waits (the counter's next upload, then each kiosk's next poll) are
 *    uniform in 0–30 s: p95 is expected near 30 × (1 − √0.1) + 30 ≈ 50 s,
 *    plus the work. --interval compresses time (the waits scale with it,
 *    the work does not); the figures are then printed as measured and
 *    scaled back to 30 s.
 *
 *   bench-shop [--events N] [--batch N] [--kiosks N] [--interval S] [--seconds S] [--change-every MS]
 *              [--periodic-only]
 */

static int n_events = 20000;
static int batch = 200;
static int n_kiosks = 500;
static int interval = 30;
static int seconds = 120;
static int change_every = 5000;
static gboolean sync_soon = TRUE;
static gboolean periodic_only;

static const GOptionEntry entries[] = {
  { "events", 0, 0, G_OPTION_ARG_INT, &n_events, "Shop events for the apply rate", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Events per upload", "N" },
  { "kiosks", 0, 0, G_OPTION_ARG_INT, &n_kiosks, "Street kiosks polling the feed", "N" },
  { "interval", 0, 0, G_OPTION_ARG_INT, &interval, "Sync period in seconds (the app's: 30)", "S" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long the price changes go on", "S" },
  { "change-every", 0, 0, G_OPTION_ARG_INT, &change_every, "A price change every this many ms", "MS" },
  { "periodic-only", 0, 0, G_OPTION_ARG_NONE, &periodic_only, "The counter syncs only every interval, not soon after a change (as before win.sync-soon)", NULL },
  { NULL }
};

typedef struct
{
  char    *token;
  gint64   cursor;
  gboolean busy;
  GHashTable *seen; /* prices this kiosk has shown, or a newer one */
} Kiosk;

typedef struct
{
  SoupSession *session;
  const char  *url;
  Kiosk       *kiosks;
  guint        in_flight;
  guint        polls;
  guint        failures;
  gboolean     stopping;
  GMainLoop   *loop;

  GMutex       lock;
  GHashTable  *changed;    /* price (cents) → (double *) ms when the counter saved it */
  GArray      *visible_ms; /* saved → on a kiosk */
  GArray      *sync_ms;    /* the shop's syncs */
  char        *shop_dir;
  char        *session_token;
  gboolean     shop_stop;
  guint        changes;
} Load;

typedef struct
{
  Load  *load;
  Kiosk *kiosk;
} Request;

/* The prices of product 13 at shop 1 in a page of the feed. */
static void
find_prices (Load       *load,
             Kiosk      *kiosk,
             const char *text,
             gsize       len,
             double      now)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  JsonObject *page;
  JsonArray *stock;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  page = json_node_get_object (node);
  kiosk->cursor = json_object_get_int_member_with_default (page, "cursor", kiosk->cursor);
  if (!json_object_has_member (page, "stock"))
    return;
  stock = json_object_get_array_member (page, "stock");
  for (guint i = 0; i < json_array_get_length (stock); i++)
    {
      JsonObject *row = json_array_get_object_element (stock, i);
      gint64 price;
      double *saved;

      if (json_object_get_int_member (row, "product_id") != 13 || json_object_get_int_member (row, "merchant_id") != 1)
        continue;
      price = json_object_get_int_member (row, "price_cents");
      /* The feed keeps each row's last state: a change superseded before
       * this kiosk's poll is visible as the newer price, now. */
      g_mutex_lock (&load->lock);
      for (gint64 p = 2000; p <= price; p++)
        if ((saved = g_hash_table_lookup (load->changed, GINT_TO_POINTER ((int) p))) &&
            !g_hash_table_contains (kiosk->seen, GINT_TO_POINTER ((int) p)))
          {
            g_hash_table_add (kiosk->seen, GINT_TO_POINTER ((int) p));
            g_array_append_val (load->visible_ms, (double) { now - *saved });
          }
      g_mutex_unlock (&load->lock);
    }
}

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

  load->in_flight--;
  request->kiosk->busy = FALSE;
  if (body == NULL || (status != 200 && status != 304))
    {
      if (load->failures++ < 3)
        g_printerr ("  request failed: %u %s\n", status, error ? error->message : "");
    }
  else
    {
      load->polls++;
      if (status == 200)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

          find_prices (load, request->kiosk, text, g_bytes_get_size (body), vtr_bench_now_ms ());
        }
    }
  g_free (request);
  if (load->stopping && load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
kiosk_poll (Load  *load,
            Kiosk *kiosk)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT, load->url, kiosk->cursor);
  g_autofree char *tag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "\"", kiosk->cursor);
  g_autofree char *bearer = g_strconcat ("Bearer ", kiosk->token, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);
  Request *request = g_new0 (Request, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", tag);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  request->load = load;
  request->kiosk = kiosk;
  kiosk->busy = TRUE;
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, request_done, request);
  g_object_unref (msg);
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
    return G_SOURCE_REMOVE;
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

/* The counter: a price change every --change-every ms (each a price of
 * its own, to be told apart), and the real sync every interval from a
 * random phase, as VtrSyncService runs it; and, as the app asks after
 * every change at the counter (win.sync-soon), a sync 0.5 s after a
 * change (scaled with --interval like the rest). */
static gpointer
shop_thread (gpointer data)
{
  Load *load = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (load->shop_dir, &error);
  g_autoptr(VtrSyncClient) client = NULL;
  gint64 next_sync = g_get_monotonic_time () + g_random_int_range (0, interval * 1000) * (gint64) 1000;
  gint64 next_change = g_get_monotonic_time ();
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  gint64 soon = G_MAXINT64;

  g_assert_no_error (error);
  client = vtr_sync_client_new (store, &error);
  g_assert_no_error (error);
  while (!load->shop_stop)
    {
      gint64 now = g_get_monotonic_time ();

      if (now >= next_change && now < end)
        {
          g_autoptr(GDateTime) at = g_date_time_new_now_utc ();
          gint64 price = 2000 + load->changes;
          double *saved = g_new (double, 1);

          if (!vtr_shop_set_stock (store, load->session_token, 13, price, VTR_AVAILABILITY_IN_STOCK,
                                   VTR_SHOP_NO_QUANTITY, at, NULL, &error))
            g_error ("price change: %s", error->message);
          *saved = vtr_bench_now_ms ();
          g_mutex_lock (&load->lock);
          g_hash_table_insert (load->changed, GINT_TO_POINTER ((int) price), saved);
          load->changes++;
          g_mutex_unlock (&load->lock);
          next_change += change_every * (gint64) 1000;
          if (soon == G_MAXINT64 && sync_soon)
            soon = now + 500 * interval * (gint64) 1000 / 30;
        }
      if (now >= next_sync || now >= soon)
        {
          VtrSyncReport report = { 0 };
          double started = vtr_bench_now_ms ();

          if (now >= next_sync)
            next_sync += interval * G_USEC_PER_SEC;
          soon = G_MAXINT64;
          if (!vtr_sync_client_run (client, &report, NULL, &error))
            {
              g_printerr ("  shop sync failed: %s\n", error->message);
              g_clear_error (&error);
              continue;
            }
          g_mutex_lock (&load->lock);
          g_array_append_val (load->sync_ms, (double) { vtr_bench_now_ms () - started });
          g_mutex_unlock (&load->lock);
        }
      g_usleep (5000);
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

static const char *
load_average (void)
{
  static char text[64];
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return "?";
  g_strlcpy (text, contents, sizeof text);
  text[strcspn (text, " ")] = '\0';
  return text;
}

static char *
token_of (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "journal.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *token;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT token FROM hub", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  token = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return token;
}

/* The CPU seconds a process has used, from /proc. */
static double
cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  unsigned long user = 0, system = 0;
  const char *p;

  if (pid == NULL || !g_file_get_contents (path, &text, NULL, NULL) || !(p = strrchr (text, ')')))
    return NAN;
  /* After the name: state, then fields 4–13, then utime and stime. */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user, &system) != 2)
    return NAN;
  return (double) (user + system) / sysconf (_SC_CLK_TCK);
}

/* 1. Shop events a second, applied and published by the hub. */
static double
apply_rate (const char *url,
            const char *token,
            const char *hub_pid,
            double     *per_cpu_second)
{
  double cpu_before = cpu_seconds (hub_pid);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *events_url = g_strconcat (url, "/api/v1/events", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  gint64 at = g_get_real_time () / G_USEC_PER_SEC - n_events;
  guint accepted = 0;
  double started = vtr_bench_now_ms (), elapsed;

  for (int sent = 0; sent < n_events; sent += batch)
    {
      g_autoptr(GString) body = g_string_new ("{\"events\":[");
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", events_url);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;
      const char *text;
      gsize len;

      for (int i = sent; i < MIN (n_events, sent + batch); i++)
        {
          g_autofree char *uuid = g_uuid_string_random ();

          /* Every product of the demo catalogue, each change newer. */
          g_string_append_printf (body,
                                  "%s{\"uuid\":\"%s\",\"kind\":\"shop-stock\",\"created\":%" G_GINT64_FORMAT ","
                                  "\"payload\":{\"merchant\":1,\"product\":%d,\"price_cents\":%d,"
                                  "\"availability\":\"%s\",\"at\":%" G_GINT64_FORMAT "}}",
                                  i > sent ? "," : "", uuid, at + i, 1 + i % 138, 100 + i % 5000,
                                  i % 3 ? "in-stock" : "low", at + i);
        }
      g_string_append (body, "]}");
      bytes = g_bytes_new (body->str, body->len);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (soup_message_get_status (msg), ==, 200);
      text = g_bytes_get_data (answer, &len);
      for (const char *p = text; (p = g_strstr_len (p, len - (p - text), "\"accepted\"")); p++)
        accepted++;
    }
  elapsed = vtr_bench_now_ms () - started;
  *per_cpu_second = n_events / (cpu_seconds (hub_pid) - cpu_before);
  if (accepted != (guint) n_events)
    g_error ("the hub accepted %u of %d shop events", accepted, n_events);
  return n_events / (elapsed / 1000);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— shop edits: hub apply rate, time to visible");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(GString) json_lines = g_string_new (NULL);
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) demo = { 0 };
  g_auto(VtrTestResult) shop = { 0 };
  g_autoptr(SoupSession) setup = soup_session_new ();
  g_autofree char *token = NULL;
  Load load = { 0 };
  VtrTestHub *hub;
  double rate, scale, per_cpu = NAN;
  GThread *thread;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (g_getenv ("VITRINE_HUB") == NULL)
    g_setenv ("VITRINE_HUB", "./build/src/hub/vitrine-hub", TRUE);
  interval = MAX (interval, 1);
  sync_soon = !periodic_only;
  batch = CLAMP (batch, 1, 1000);

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  vtr_test_run (&demo, "VITRINE_HUB", hub_dir, NULL, "demo", NULL);
  g_assert_cmpint (keys.status + demo.status, ==, 0);
  vtr_test_run (&shop, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Boutique 1, comptoir", "--merchant", "1",
                NULL);
  g_assert_cmpint (shop.status, ==, 0);
  hub = vtr_test_hub_start (hub_dir, 0);
  load.url = hub->url;

  /* The shop's counter: paired as a shop pairs, synced, a staff session. */
  load.shop_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (load.shop_dir, &error);
    g_autofree char *code = g_strdup (strrchr (g_strstrip (shop.out), '\n') + 1);
    g_autoptr(VtrHubLink) link = NULL;
    g_autoptr(VtrSyncClient) client = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrSyncReport report = { 0 };

    g_assert_no_error (error);
    link = vtr_sync_pair (store, code, hub->url, &error);
    g_assert_no_error (error);
    client = vtr_sync_client_new (store, &error);
    g_assert_no_error (error);
    g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
    g_assert_true (vtr_staff_set_pin (store, 1, "2468", &error));
    load.session_token = vtr_staff_login (store, 1, "2468", now, &error);
    g_assert_no_error (error);
  }
  token = token_of (load.shop_dir);

  g_print ("Shop edits against the real hub (demo catalogue)\n");
  rate = apply_rate (hub->url, token, g_subprocess_get_identifier (hub->process), &per_cpu);
  g_print ("  hub apply rate: %.0f shop-stock changes/s (%d events, batches of %d; goal ≥ 2,000)\n", rate, n_events,
           batch);
  /* The machine may be shared: what one core of the hub does. */
  g_print ("  hub CPU: %.0f changes per CPU second of the hub (load average %s)\n", per_cpu, load_average ());
  vtr_bench_report (json_lines, "shop", "apply_per_s", rate, 2000);
  vtr_bench_report (json_lines, "shop", "apply_per_cpu_s", per_cpu, 2000);

  /* The street kiosks, up to date with the feed. */
  {
    g_autoptr(VtrHubDb) db = vtr_hub_db_open (hub_dir, &error);
    g_autofree char *catalog = g_build_filename (hub_dir, "catalog.db", NULL);
    gint64 last = vtr_test_sql_int (catalog, "SELECT coalesce (max (seq), 0) FROM catalog_change");

    g_assert_no_error (error);
    load.kiosks = g_new0 (Kiosk, n_kiosks);
    for (int i = 0; i < n_kiosks; i++)
      {
        load.kiosks[i].token = pair_kiosk (setup, hub->url, db, i + 1);
        load.kiosks[i].cursor = last;
        load.kiosks[i].seen = g_hash_table_new (NULL, NULL);
      }
  }

  load.session = soup_session_new_with_options ("max-conns", n_kiosks + 10, "max-conns-per-host", n_kiosks + 10,
                                                "timeout", 60, NULL);
  load.visible_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.sync_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.changed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  load.loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&load.lock);

  thread = g_thread_new ("shop", shop_thread, &load);
  g_timeout_add (10, poll_tick, &load);
  /* After the last change, two periods for it to reach every kiosk. */
  g_timeout_add_seconds (seconds + 2 * interval + 2, stop_load, &load);
  g_main_loop_run (load.loop);
  load.shop_stop = TRUE;
  g_thread_join (thread);

  scale = 30.0 / interval;
  {
    double p50 = load.visible_ms->len ? vtr_bench_quantile (load.visible_ms, 0.5) / 1000 : NAN;
    double p95 = load.visible_ms->len ? vtr_bench_quantile (load.visible_ms, 0.95) / 1000 : NAN;
    double max = load.visible_ms->len ? g_array_index (load.visible_ms, double, load.visible_ms->len - 1) / 1000 : NAN;
    double expected = (double) load.changes * n_kiosks;
    double sync_p95 = load.sync_ms->len ? vtr_bench_quantile (load.sync_ms, 0.95) : NAN;

    g_print ("  price change to visible at a street kiosk, %d kiosks, sync every %d s%s, %u changes over %d s:\n",
             n_kiosks, interval, sync_soon ? " and the counter's soon after a change" : "", load.changes, seconds);
    g_print ("    p50 %.1f s · p95 %.1f s · max %.1f s (%u of %.0f change×kiosk pairs seen; %u polls, %u failed)\n", p50,
             p95, max, load.visible_ms->len, expected, load.polls, load.failures);
    g_print ("    the counter's sync took p95 %.0f ms\n", sync_p95);
    if (interval != 30)
      g_print ("    scaled to the app's 30 s period: p50 %.1f s · p95 %.1f s\n", p50 * scale, p95 * scale);
    vtr_bench_report (json_lines, "shop", "visible_p50_s", p50 * scale, NAN);
    vtr_bench_report (json_lines, "shop", "visible_p95_s", p95 * scale, NAN);
    vtr_bench_report (json_lines, "shop", "visible_fraction", expected > 0 ? load.visible_ms->len / expected : NAN,
                      1);
  }
  g_print ("\n%s", json_lines->str);

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (load.shop_dir);
  for (int i = 0; i < n_kiosks; i++)
    {
      g_free (load.kiosks[i].token);
      g_hash_table_unref (load.kiosks[i].seen);
    }
  g_free (load.kiosks);
  g_free (load.shop_dir);
  g_free (load.session_token);
  g_object_unref (load.session);
  g_array_unref (load.visible_ms);
  g_array_unref (load.sync_ms);
  g_hash_table_unref (load.changed);
  g_main_loop_unref (load.loop);
  g_mutex_clear (&load.lock);
  return EXIT_SUCCESS;
}

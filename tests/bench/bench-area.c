#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-changes.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-store-private.h"
#include "vtr-sync.h"
#include "vtr-sync-state.h"
#include "../vtr-test-hub.h"
#include "../vtr-test-util.h"

/*
 * Feeds by area at national scale (docs/hub-api.md, "Areas";
 * docs/operations.md, "Sizing a national deployment"): a real
 * `vitrine-hub serve` on 127.0.0.1 holding a generated France of
 * --shops independent shops (default 400,000) spread over the 94
 * départements of the mainland, each with --stock stock lines (default
 * 10: two of national products, the others of its département's
 * products), and the first download of
 *
 *  - a kiosk of the 13 (a département's area),
 *  - a kiosk of 15 km around Marseille's Vieux-Port (a radius),
 *  - a kiosk with no area (the whole of France),
 *
 * each measured twice: the feed's pages alone (bytes on the wire, gzip,
 * and seconds), and the kiosk's own sync client (seconds until its
 * catalogue is written).
 *
 *   bench-area [--shops N] [--stock N] [--skip-france]
 *
 * Prints a table, then one JSON object a line.
 */

#define N_DEPARTEMENTS 94

static int n_shops = 400000;
static int n_stock = 10;
static gboolean skip_france = FALSE;
/* Products sold everywhere, and each département's own: 2,000 each at
 * national scale, fewer for smaller runs. */
static int national_products;
static int local_products;

static const GOptionEntry entries[] = {
  { "shops", 0, 0, G_OPTION_ARG_INT, &n_shops, "Shops of the generated France (default 400000)", "N" },
  { "stock", 0, 0, G_OPTION_ARG_INT, &n_stock, "Stock lines a shop (default 10)", "N" },
  { "skip-france", 0, 0, G_OPTION_ARG_NONE, &skip_france, "Do not download the whole of France", NULL },
  { NULL },
};

/* The département of shop i, 1–95 without 20 (Corsica is 2A, 2B):
 * an SQL expression for g_strdup_printf(). */
#define DEP_OF(i) "(1 + (" i ") %% 94 + (1 + (" i ") %% 94 >= 20))"

static void
generate_france (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autofree char *shops = NULL;
  g_autofree char *products = NULL;
  g_autofree char *stock = NULL;
  double start = vtr_bench_now_ms ();

  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  g_assert_true (vtr_catalog_log_changes (catalog, &error));
  /* Shops: the 13's around Marseille (within 0.3° of the Vieux-Port),
   * the others anywhere in mainland France. */
  shops = g_strdup_printf (
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO merchant (id, name, address, postcode, city, lat, lon, opening_hours) "
    "SELECT i, 'Boutique ' || i, i || ' rue de la République', "
    "  printf ('%%02d%%03d', " DEP_OF ("i") ", i %% 1000), 'Ville ' || " DEP_OF ("i") ", "
    "  CASE " DEP_OF ("i") " WHEN 13 THEN 43.2965 + ((i * 7919) %% 6000 - 3000) / 10000.0 "
    "    ELSE 42.5 + ((i * 7919) %% 8000) / 1000.0 END, "
    "  CASE " DEP_OF ("i") " WHEN 13 THEN 5.3698 + ((i * 104729) %% 6000 - 3000) / 10000.0 "
    "    ELSE -1.5 + ((i * 104729) %% 9000) / 1000.0 END, "
    "  'Mo-Sa 09:00-19:00' FROM n",
    n_shops);
  products = g_strdup_printf (
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO product (id, gtin, name, brand, category) "
    "SELECT i, NULL, 'Produit ' || i, 'Marque ' || (i %% 500), 'rayon ' || (i %% 40) FROM n",
    national_products + 96 * local_products);
  /* Lines 1–2 of a shop: national products; the others its département's. */
  stock = g_strdup_printf (
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d), "
    "k (j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < %d) "
    "INSERT INTO stock (product_id, merchant_id, price_cents, availability, updated) "
    "SELECT CASE WHEN j <= 2 THEN 1 + (i + j) %% %d "
    "  ELSE %d + (" DEP_OF ("i") " - 1) * %d + 1 + (i * 31 + j) %% %d END, "
    "  i, 100 + (i * j) %% 5000, 2, 1800000000 FROM n, k",
    n_shops, n_stock, national_products, national_products, local_products, local_products);
  g_assert_true (vtr_store_begin (store, &error));
  g_assert_true (vtr_store_exec (store, shops, &error));
  g_assert_true (vtr_store_exec (store, products, &error));
  g_assert_true (vtr_store_exec (store, stock, &error));
  g_assert_true (vtr_store_commit (store, &error));
  printf ("France generated: %d shops, %d products, %d stock lines, %.1f s\n", n_shops,
          national_products + 96 * local_products, n_shops * n_stock, (vtr_bench_now_ms () - start) / 1000);
}

/* A kiosk of @area (NULL: everything), paired the way a kiosk pairs. */
static char *
pair (SoupSession *session,
      const char  *url,
      const char  *dir,
      const char  *area,
      const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubDb) db = vtr_hub_db_open (dir, &error);
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  g_autofree char *pair_url = g_strconcat (url, "/api/v1/pair", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", pair_url);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  code = vtr_hub_db_add_device (db, name, 0, area, G_MAXINT64 / 2, NULL, &error);
  g_assert_no_error (error);
  body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  request = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  node = json_from_string (text, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

typedef struct
{
  guint64 wire_bytes;
  guint64 json_bytes;
  guint   pages;
  double  feed_s;
  double  sync_s;
  guint   rows;
  gint64  shops;
  gint64  stock;
} Download;

/* The feed's pages from 0, as a kiosk asks them (gzip, 5,000 rows). */
static void
download_feed (SoupSession *session,
               const char  *url,
               const char  *token,
               Download    *d)
{
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *area = NULL;
  gint64 since = 0;
  double start = vtr_bench_now_ms ();

  for (;;)
    {
      g_autofree char *page_url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=5000",
                                                   url, since);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", page_url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      SoupMessageMetrics *metrics;
      JsonObject *page;

      soup_message_add_flags (msg, SOUP_MESSAGE_COLLECT_METRICS);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
      if (area)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Vitrine-Area", area);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (soup_message_get_status (msg), ==, 200);
      metrics = soup_message_get_metrics (msg);
      d->wire_bytes += soup_message_metrics_get_response_body_bytes_received (metrics);
      d->json_bytes += g_bytes_get_size (body);
      d->pages++;
      {
        g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

        node = json_from_string (text, &error);
        g_assert_no_error (error);
      }
      page = json_node_get_object (node);
      if (area == NULL)
        area = g_strdup (json_object_get_string_member_with_default (page, "area", NULL));
      if (!json_object_get_boolean_member (page, "more"))
        break;
      since = json_object_get_int_member (page, "cursor");
    }
  d->feed_s = (vtr_bench_now_ms () - start) / 1000;
}

static void
download (SoupSession *session,
          VtrTestHub  *hub,
          const char  *area,
          const char  *name,
          Download    *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *token = pair (session, hub->url, hub->dir, area, name);
  g_autofree char *catalog_path = g_build_filename (kiosk_dir, "catalog.db", NULL);
  VtrHubLink link = { hub->url, token, 1, (char *) name, 0, 1 };
  VtrSyncReport report = { 0 };
  double start;

  download_feed (session, hub->url, token, d);
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = NULL;

    g_assert_no_error (error);
    g_assert_true (vtr_sync_state_save_link (store, &link, &error));
    client = vtr_sync_client_new (store, &error);
    g_assert_no_error (error);
    start = vtr_bench_now_ms ();
    if (!vtr_sync_client_pull (client, &report, NULL, &error))
      g_error ("sync: %s", error->message);
    d->sync_s = (vtr_bench_now_ms () - start) / 1000;
  }
  d->rows = report.rows;
  d->shops = vtr_test_sql_int (catalog_path, "SELECT count (*) FROM merchant");
  d->stock = vtr_test_sql_int (catalog_path, "SELECT count (*) FROM stock");
  vtr_test_remove_tree (kiosk_dir);
}

static void
print_download (GString        *json_lines,
                const char     *what,
                const char     *key,
                const Download *d)
{
  g_autofree char *bytes = g_strdup_printf ("%s_wire_mb", key);
  g_autofree char *feed = g_strdup_printf ("%s_feed_s", key);
  g_autofree char *sync = g_strdup_printf ("%s_sync_s", key);

  printf ("%-26s %8" G_GINT64_FORMAT " %10" G_GINT64_FORMAT " %10u %6u %10.2f %10.2f %8.1f %8.1f\n", what,
          d->shops, d->stock, d->rows, d->pages, d->wire_bytes / 1e6, d->json_bytes / 1e6, d->feed_s,
          d->sync_s);
  vtr_bench_report (json_lines, "area", bytes, d->wire_bytes / 1e6, NAN);
  vtr_bench_report (json_lines, "area", feed, d->feed_s, NAN);
  vtr_bench_report (json_lines, "area", sync, d->sync_s, NAN);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— first downloads by area");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GString) json_lines = g_string_new (NULL);
  g_autofree char *catalog_path = NULL;
  Download d13 = { 0 }, dradius = { 0 }, dall = { 0 };
  VtrTestHub *hub;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  soup_session_set_timeout (session, 600);
  national_products = CLAMP (n_shops / 200, 10, 2000);
  local_products = CLAMP (n_shops / 200, 10, 2000);
  g_assert_true (vtr_hub_keys_init (hub_dir, "vtr13.fr", &error));
  generate_france (hub_dir);
  catalog_path = g_build_filename (hub_dir, "catalog.db", NULL);
  printf ("hub catalog.db: %.0f MB\n",
          vtr_test_sql_int (catalog_path, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size") / 1e6);
  hub = vtr_test_hub_start (hub_dir, 0);

  printf ("\n%-26s %8s %10s %10s %6s %10s %10s %8s %8s\n", "first download", "shops", "stock", "rows", "pages",
          "wire MB", "JSON MB", "feed s", "sync s");
  download (session, hub, "13", "Kiosque des Bouches-du-Rhône", &d13);
  print_download (json_lines, "département 13", "departement", &d13);
  download (session, hub, "43.2965,5.3698,15km", "Kiosque du Vieux-Port", &dradius);
  print_download (json_lines, "15 km around Vieux-Port", "radius", &dradius);
  if (!skip_france)
    {
      download (session, hub, NULL, "Kiosque de France", &dall);
      print_download (json_lines, "France (no area)", "france", &dall);
      printf ("\nthe 13 downloads %.1f %% of France's bytes, in %.1f %% of its time\n",
              100.0 * d13.wire_bytes / dall.wire_bytes, 100.0 * d13.sync_s / dall.sync_s);
    }
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  printf ("\n%s", json_lines->str);
  return EXIT_SUCCESS;
}

/*
 * (pg) The hub on PostgreSQL (issue 20): a throwaway cluster (initdb and
 * pg_ctl on a folder of its own and a unix socket, as an unprivileged
 * user, removed after) shared by the cases, each on a database of its
 * own (but /hub-pg/backend/postgresql, which restarts its server), the
 * real vitrine-hub and vitrine-ctl.
 *
 * - The same sync, as a kiosk does it (pair, download the catalogue,
 *   send a loyalty event), against SQLite and PostgreSQL.
 * - Two hub processes writing the catalogue at once on one PostgreSQL
 *   while a kiosk pages through the change feed on two hubs: it gets
 *   every change.
 * - The same events sent to two hubs at once are stored once.
 * - The same body on both backends goes on with what issue 20's third
 *   helper ported: the shops' edits, lost cards, text messages, feeds by
 *   area, the phones' pages, stocks of codes and poster scans.
 * - A pg_dump taken while serving, restored: kiosks resend what it lost.
 * - The administrator's commands on PostgreSQL, as on SQLite.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <sqlite3.h>

#include "vtr-area.h"
#include "vtr-catalog.h"
#include "vtr-changes.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-keys.h"
#include "vtr-outbox.h"
#include "vtr-shop-edit.h"
#include "vtr-store.h"
#include "vtr-test-hub.h"
#include "vtr-test-pg.h"

static VtrTestHub *
hub_start (const char     *dir,
           VtrTestCluster *cluster)
{
  const char *extra[] = { "--database", cluster ? cluster->url : NULL, NULL };

  return vtr_test_hub_start_with (dir, 0, NULL, NULL, NULL, cluster ? extra : NULL);
}

/* The pairing code printed by `device add`. */
static char *
add_device (const char     *dir,
            VtrTestCluster *cluster,
            const char     *name,
            const char     *merchant)
{
  g_auto(VtrTestResult) r = { 0 };

  if (merchant)
    vtr_test_hub_run (&r, dir, cluster, "device", "add", name, "--merchant", merchant, NULL);
  else
    vtr_test_hub_run (&r, dir, cluster, "device", "add", name, NULL);
  if (r.status != 0)
    g_error ("device add: %s", r.err);
  return vtr_test_last_line (r.out);
}

/* One HTTP request to the hub on @port: its status, its body in @body. */
static guint
http (guint16     port,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      char      **answer_body)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s\r\n", token) : g_strdup ("");
  g_autofree char *head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
                                           "\r\n\r\n%s",
                                           method, path, auth, body ? strlen (body) : 0, body ? body : "");
  const char *start;
  char buffer[16384];
  gssize n;

  g_socket_client_set_timeout (client, 60);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), head, strlen (head), NULL,
                             NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, sizeof buffer,
                                   NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 "));
  start = strstr (answer->str, "\r\n\r\n");
  g_assert_nonnull (start);
  if (answer_body)
    *answer_body = g_strdup (start + 4);
  return (guint) atoi (answer->str + strlen ("HTTP/1.1 "));
}

/* A device paired over HTTP by the code of @url: its token. */
static char *
pair_raw (VtrTestHub *hub,
          const char *url)
{
  g_auto(GStrv) parts = g_strsplit (url + strlen ("HTTPS://"), "/", -1);
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", parts[2]);
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/pair", NULL, body, &answer), ==, 200);
  object = vtr_test_parse_object (answer);
  return g_strdup (json_object_get_string_member (object, "token"));
}

static void
ctl_ok (VtrTestResult *r,
        const char    *dir,
        const char    *session,
        ...)
{
  const char *env[] = { "VITRINE_SESSION", session, NULL };
  va_list args;

  va_start (args, session);
  vtr_test_run_with_input_valist (r, "VITRINE_CTL", dir, env, NULL, args);
  va_end (args);
  if (r->status != 0)
    g_error ("vitrine-ctl: %s %s", r->out, r->err);
}

/* The demo federation's catalogue as an import file (the rows of a
 * SQLite hub's first download), and that hub's folder. */
static char *
demo_file (const char *ref_dir)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GString) page = g_string_new (NULL);
  g_autofree char *path = g_build_filename (ref_dir, "demo.json", NULL);
  gint64 cursor;
  guint n;

  vtr_test_hub_run (&r, ref_dir, NULL, "demo", NULL);
  g_assert_cmpint (r.status, ==, 0);
  store = vtr_store_open (ref_dir, &error);
  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  g_assert_true (vtr_catalog_write_changes (catalog, 0, G_MAXUINT, page, &cursor, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 1000);
  g_assert_true (g_file_set_contents (path, page->str, -1, &error));
  return g_steal_pointer (&path);
}

static gint64
hub_events (const char     *hub_dir,
            VtrTestCluster *cluster)
{
  g_autofree char *path = NULL;

  if (cluster)
    return vtr_test_pg_int (cluster, "SELECT count (*) FROM event");
  path = g_build_filename (hub_dir, "hub.db", NULL);
  return vtr_test_sql_int (path, "SELECT count (*) FROM event");
}

/* The verdict of the one event of @body from the device of @token. */
static char *
post_one (VtrTestHub *hub,
          const char *token,
          const char *body)
{
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonObject *result;

  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/events", token, body, &answer), ==, 200);
  object = vtr_test_parse_object (answer);
  result = json_array_get_object_element (json_object_get_array_member (object, "results"), 0);
  return g_strdup (json_object_get_string_member (result, "status"));
}

/* One order event of @state from the device of @token: its verdict. */
static char *
post_order (VtrTestHub *hub,
            const char *token,
            const char *order,
            const char *state)
{
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *merchant = g_str_equal (state, "placed") ? ",\"merchant\":2,\"first_name\":\"Josette\",\"lines\":[]" : "";
  g_autofree char *body =
    g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":%" G_GINT64_FORMAT ","
                     "\"payload\":{\"order\":\"%s\",\"number\":\"A-0001\",\"state\":\"%s\","
                     "\"at\":%" G_GINT64_FORMAT "%s}}]}",
                     uuid, now, order, state, now, merchant);

  return post_one (hub, token, body);
}

/* A customer's request to be forgotten, made at @token's device. */
static char *
post_forget (VtrTestHub *hub,
             const char *token,
             const char *order)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body =
    g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"forget\",\"created\":%" G_GINT64_FORMAT ","
                     "\"payload\":{\"order\":\"%s\"}}]}",
                     uuid, g_get_real_time () / G_USEC_PER_SEC, order);

  return post_one (hub, token, body);
}

/* The state of the only order on a page of GET /api/v1/orders. */
static char *
order_state (VtrTestHub *hub,
             const char *token,
             const char *path)
{
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *orders;

  g_assert_cmpuint (http (hub->port, "GET", path, token, NULL, &answer), ==, 200);
  object = vtr_test_parse_object (answer);
  orders = json_object_get_array_member (object, "orders");
  g_assert_cmpuint (json_array_get_length (orders), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (orders, 0), "state"));
}

/* The orders a shop's kiosk holds (`vitrine-ctl order list --json`)
 * after its sync, paired first by @code when it is not NULL. */
static char *
shop_orders (VtrTestHub *hub,
             const char *shop,
             const char *code)
{
  g_auto(VtrTestResult) synced = { 0 };
  g_auto(VtrTestResult) list = { 0 };
  g_autoptr(JsonObject) report = NULL;

  if (code)
    {
      g_auto(VtrTestResult) paired = { 0 };

      ctl_ok (&paired, shop, NULL, "pair", code, "--hub", hub->url, NULL);
    }
  ctl_ok (&synced, shop, NULL, "sync", "--json", NULL);
  report = vtr_test_parse_object (synced.out);
  if (!json_object_get_boolean_member (report, "ok"))
    g_error ("the shop's sync failed: %s", synced.out);
  ctl_ok (&list, shop, NULL, "order", "list", "--json", NULL);
  return g_steal_pointer (&list.out);
}

/* (orders) Click and collect on either backend: a street kiosk (@token)
 * places an order for shop 2; the shop device's sync (vitrine-ctl)
 * brings it, where PostgreSQL answered 501 before; the shop accepts it,
 * another shop cannot move it, and the kiosk's feed of the orders it
 * placed says "accepted". */
static void
orders_body (VtrTestHub     *hub,
             const char     *hub_dir,
             VtrTestCluster *cluster,
             const char     *token)
{
  g_autofree char *shop = vtr_test_make_data_dir ();
  g_autofree char *shop_code = add_device (hub_dir, cluster, "Boulangerie, comptoir", "2");
  g_autofree char *counter_code = add_device (hub_dir, cluster, "Boulangerie, caisse", "2");
  g_autofree char *other_code = add_device (hub_dir, cluster, "Boucherie, comptoir", "3");
  g_autofree char *counter = pair_raw (hub, counter_code);
  g_autofree char *other = pair_raw (hub, other_code);
  g_autofree char *order = g_uuid_string_random ();
  g_autofree char *verdict = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpstr ((verdict = post_order (hub, token, order, "placed")), ==, "accepted");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((verdict = post_order (hub, token, order, "placed")), ==, "rejected");
  g_clear_pointer (&verdict, g_free);
  {
    g_autofree char *list = shop_orders (hub, shop, shop_code);

    g_assert_nonnull (strstr (list, order));
    g_assert_nonnull (strstr (list, "\"placed\""));
  }
  g_assert_cmpstr ((verdict = post_order (hub, other, order, "accepted")), ==, "rejected");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((verdict = post_order (hub, counter, order, "accepted")), ==, "accepted");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((verdict = post_order (hub, counter, order, "placed")), ==, "rejected");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((state = order_state (hub, token, "/api/v1/orders?since=0")), ==, "accepted");
  g_clear_pointer (&state, g_free);
  g_assert_cmpstr ((state = order_state (hub, counter, "/api/v1/orders")), ==, "accepted");
  g_clear_pointer (&state, g_free);
  {
    g_autofree char *list = shop_orders (hub, shop, NULL);

    g_assert_nonnull (strstr (list, "\"accepted\""));
  }

  /* The customer asks at the counter to be forgotten: not another shop,
   * not an order the hub does not know; then the first name is gone
   * from the shop's pages, the order still there. */
  {
    g_autofree char *unknown = g_uuid_string_random ();
    g_autofree char *page = NULL;

    g_assert_cmpuint (http (hub->port, "GET", "/api/v1/orders", counter, NULL, &page), ==, 200);
    g_assert_nonnull (strstr (page, "Josette"));
    g_assert_cmpstr ((verdict = post_forget (hub, other, order)), ==, "rejected");
    g_clear_pointer (&verdict, g_free);
    g_assert_cmpstr ((verdict = post_forget (hub, counter, unknown)), ==, "rejected");
    g_clear_pointer (&verdict, g_free);
    g_assert_cmpstr ((verdict = post_forget (hub, counter, order)), ==, "accepted");
    g_clear_pointer (&verdict, g_free);
    g_clear_pointer (&page, g_free);
    g_assert_cmpuint (http (hub->port, "GET", "/api/v1/orders", counter, NULL, &page), ==, 200);
    g_assert_null (strstr (page, "Josette"));
    g_assert_nonnull (strstr (page, order));
    g_assert_cmpstr ((state = order_state (hub, counter, "/api/v1/orders")), ==, "accepted");
    g_clear_pointer (&state, g_free);
    if (cluster)
      {
        g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event WHERE payload LIKE '%Josette%'"), ==, 0);
        g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM hub_order WHERE forgotten"), ==, 1);
      }
  }
  vtr_test_remove_tree (shop);
}

/* An event of @kind from the device of @token, posted as is: its result. */
static JsonObject *
post_shop (VtrTestHub *hub,
           const char *token,
           const char *uuid,
           const char *kind,
           const char *payload)
{
  g_autofree char *body =
    g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"%s\",\"created\":%" G_GINT64_FORMAT ","
                     "\"payload\":%s}]}",
                     uuid, kind, g_get_real_time () / G_USEC_PER_SEC, payload);
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/events", token, body, &answer), ==, 200);
  object = vtr_test_parse_object (answer);
  return json_object_ref (json_array_get_object_element (json_object_get_array_member (object, "results"), 0));
}

static gint64
kiosk_sql (const char *dir,
           const char *sql)
{
  g_autofree char *path = g_build_filename (dir, "catalog.db", NULL);

  return vtr_test_sql_int (path, sql);
}

static gint64
hub_shop_events (const char     *hub_dir,
                 VtrTestCluster *cluster)
{
  if (cluster)
    return vtr_test_pg_int (cluster, "SELECT count (*) FROM shop_event");
  return kiosk_sql (hub_dir, "SELECT count (*) FROM shop_event");
}

/* A federation's file of one stock line of shop 2. */
static char *
stock_file (gint64 product,
            gint64 price,
            gint64 updated)
{
  return g_strdup_printf ("{\"stock\":[{\"product_id\":%" G_GINT64_FORMAT ",\"merchant_id\":2,"
                          "\"price_cents\":%" G_GINT64_FORMAT ",\"availability\":\"in-stock\","
                          "\"updated\":%" G_GINT64_FORMAT "}]}",
                          product, price, updated);
}

/* (shop) "Ma boutique" on either backend: the merchant of shop 2 changes
 * a price, adds a promotion and closes for Christmas at the counter
 * (vitrine-ctl shop, logged in with the shop's PIN); the counter's sync
 * sends them, where PostgreSQL answered 501 before; the street kiosk's
 * next sync shows them. A device of another shop cannot change shop 2;
 * an edit sent twice is applied once, and a poster's signed code is
 * given again to a device that asks again. */
static void
shop_body (VtrTestHub     *hub,
           const char     *hub_dir,
           const char     *ref_dir,
           const char     *kiosk,
           VtrTestCluster *cluster)
{
  g_autofree char *ref_catalog = g_build_filename (ref_dir, "catalog.db", NULL);
  gint64 product = vtr_test_sql_int (ref_catalog, "SELECT min (product_id) FROM stock WHERE merchant_id = 2");
  gint64 second = vtr_test_sql_int (ref_catalog, "SELECT max (product_id) FROM stock WHERE merchant_id = 2");
  g_autofree char *product_text = g_strdup_printf ("%" G_GINT64_FORMAT, product);
  g_autofree char *shop = vtr_test_make_data_dir ();
  g_autofree char *shop_code = add_device (hub_dir, cluster, "Boulangerie, caisse du fond", "2");
  g_autofree char *raw_code = add_device (hub_dir, cluster, "Boulangerie, tablette", "2");
  g_autofree char *other_code = add_device (hub_dir, cluster, "Boucherie, tablette", "3");
  g_autofree char *raw = pair_raw (hub, raw_code);
  g_autofree char *other = pair_raw (hub, other_code);
  g_autofree char *session = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_days (today, 30);
  g_autofree char *from = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *sql = NULL;
  gint64 before;

  g_assert_cmpint (product, >, 0);
  g_assert_cmpint (second, !=, product);
  before = hub_shop_events (hub_dir, cluster);
  {
    g_auto(VtrTestResult) paired = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_auto(VtrTestResult) pin = { 0 };
    g_auto(VtrTestResult) login = { 0 };

    ctl_ok (&paired, shop, NULL, "pair", shop_code, "--hub", hub->url, NULL);
    ctl_ok (&synced, shop, NULL, "sync", "--json", NULL);
    vtr_test_run_with_input (&pin, "VITRINE_CTL", shop, NULL, "2468\n", "merchant", "set-pin", "2", NULL);
    g_assert_cmpint (pin.status, ==, 0);
    vtr_test_run_with_input (&login, "VITRINE_CTL", shop, NULL, "2468\n", "merchant", "login", "2", NULL);
    g_assert_cmpint (login.status, ==, 0);
    session = vtr_test_last_line (login.out);
  }
  {
    g_auto(VtrTestResult) price = { 0 };
    g_auto(VtrTestResult) promotion = { 0 };
    g_auto(VtrTestResult) closure = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_auto(VtrTestResult) history = { 0 };
    g_autoptr(JsonObject) report = NULL;

    ctl_ok (&price, shop, session, "shop", "stock", product_text, "--price", "9,50", "--state", "low", "--json",
            NULL);
    ctl_ok (&promotion, shop, session, "shop", "promotion", "--product", product_text, "--kind", "percent",
            "--value", "17", "--from", from, "--to", to, "--title", "−17 % sur la baguette", "--json", NULL);
    ctl_ok (&closure, shop, session, "shop", "close", "2026-12-24", "2026-12-26", NULL);
    ctl_ok (&synced, shop, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    if (!json_object_get_boolean_member (report, "ok"))
      g_error ("the shop's sync failed: %s", synced.out);
    ctl_ok (&history, shop, session, "shop", "history", "--json", NULL);
    g_assert_null (strstr (history.out, "pending"));
    g_assert_null (strstr (history.out, "refused"));
    g_assert_nonnull (strstr (history.out, "\"state\":\"accepted\""));
  }
  g_assert_cmpint (hub_shop_events (hub_dir, cluster), ==, before + 3);

  /* The street kiosk's next sync brings them. */
  {
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;

    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
  }
  sql = g_strdup_printf ("SELECT price_cents * 10 + availability FROM stock WHERE merchant_id = 2 "
                         "AND product_id = %" G_GINT64_FORMAT, product);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 9501);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (*) FROM promotion WHERE merchant_id = 2 AND value = 17 "
                         "AND title = '−17 %% sur la baguette' AND product_id = %" G_GINT64_FORMAT, product);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 1);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM merchant WHERE id = 2 "
                                     "AND opening_hours LIKE '%; 2026 Dec 24-2026 Dec 26 off'"), ==, 1);

  /* The federation's file of last year does not undo the shop's price;
   * one made after it does (vtr-import.c, the shops' edits kept). */
  {
    g_autofree char *price_sql = g_strdup_printf ("SELECT price_cents FROM stock WHERE merchant_id = 2 "
                                                  "AND product_id = %" G_GINT64_FORMAT, product);
    g_autofree char *old_file = g_build_filename (ref_dir, "old-stock.json", NULL);
    g_autofree char *new_file = g_build_filename (ref_dir, "new-stock.json", NULL);
    g_autofree char *old_stock = stock_file (product, 1200, 1767225600);
    g_autofree char *new_stock = stock_file (product, 1250, g_get_real_time () / G_USEC_PER_SEC + 3600);
    g_auto(VtrTestResult) old_import = { 0 };
    g_auto(VtrTestResult) new_import = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_auto(VtrTestResult) synced_again = { 0 };

    g_assert_true (g_file_set_contents (old_file, old_stock, -1, NULL));
    g_assert_true (g_file_set_contents (new_file, new_stock, -1, NULL));
    vtr_test_hub_run (&old_import, hub_dir, cluster, "import", old_file, NULL);
    if (old_import.status != 0)
      g_error ("import: %s", old_import.err);
    g_assert_nonnull (strstr (old_import.out, "kept"));
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    g_assert_cmpint (kiosk_sql (kiosk, price_sql), ==, 950);
    vtr_test_hub_run (&new_import, hub_dir, cluster, "import", new_file, NULL);
    if (new_import.status != 0)
      g_error ("import: %s", new_import.err);
    g_assert_null (strstr (new_import.out, "kept"));
    ctl_ok (&synced_again, kiosk, NULL, "sync", "--json", NULL);
    g_assert_cmpint (kiosk_sql (kiosk, price_sql), ==, 1250);
  }

  /* Another shop's device cannot change shop 2: nothing stored. */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *payload = g_strdup_printf ("{\"merchant\":2,\"product\":%" G_GINT64_FORMAT ","
                                                "\"price_cents\":1,\"availability\":\"in-stock\"}", second);
    g_autoptr(JsonObject) result = post_shop (hub, other, uuid, "shop-stock", payload);

    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
    g_assert_nonnull (strstr (json_object_get_string_member (result, "reason"), "another shop"));
    g_assert_cmpint (hub_shop_events (hub_dir, cluster), ==, before + 3);
  }
  /* An edit sent twice (its answer lost) is applied once; a poster asked
   * twice gets the same signed code. */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *poster = g_uuid_string_random ();
    g_autofree char *payload = g_strdup_printf ("{\"merchant\":2,\"product\":%" G_GINT64_FORMAT ","
                                                "\"price_cents\":321,\"availability\":\"in-stock\"}", second);
    g_autofree char *poster_payload = g_strdup_printf ("{\"merchant\":2,\"product\":%" G_GINT64_FORMAT "}", product);
    g_autoptr(JsonObject) first = post_shop (hub, raw, uuid, "shop-stock", payload);
    g_autoptr(JsonObject) again = post_shop (hub, raw, uuid, "shop-stock", payload);
    g_autoptr(JsonObject) signed_poster = post_shop (hub, raw, poster, "shop-poster", poster_payload);
    g_autoptr(JsonObject) signed_again = post_shop (hub, raw, poster, "shop-poster", poster_payload);
    g_auto(VtrTestResult) synced = { 0 };

    g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "accepted");
    g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "duplicate");
    g_assert_cmpstr (json_object_get_string_member (signed_poster, "status"), ==, "accepted");
    g_assert_cmpstr (json_object_get_string_member (signed_again, "status"), ==, "duplicate");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (signed_poster, "code"), "HTTPS://VTR13.FR/"));
    g_assert_cmpstr (json_object_get_string_member (signed_again, "code"), ==,
                     json_object_get_string_member (signed_poster, "code"));
    g_assert_cmpint (hub_shop_events (hub_dir, cluster), ==, before + 5);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    g_clear_pointer (&sql, g_free);
    sql = g_strdup_printf ("SELECT price_cents FROM stock WHERE merchant_id = 2 AND product_id = %" G_GINT64_FORMAT,
                           second);
    g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 321);
  }
  vtr_test_remove_tree (shop);
}

/* GET @path from the device of @token: its JSON object. */
static JsonObject *
get_object (VtrTestHub *hub,
            const char *token,
            const char *path)
{
  g_autofree char *answer = NULL;

  g_assert_cmpuint (http (hub->port, "GET", path, token, NULL, &answer), ==, 200);
  return vtr_test_parse_object (answer);
}

static JsonObject *
get_card (VtrTestHub *hub,
          const char *token,
          const char *card)
{
  g_autofree char *path = g_strconcat ("/api/v1/cards/", card, NULL);

  return get_object (hub, token, path);
}

/* (cards) A lost card on either backend (docs/hub-api.md, "Lost cards"):
 * shop 2 blocks the card of @lost_code (7 points) and moves its balance
 * to the card of @fresh_code, once, whoever asks again; a credit that
 * still arrives for the lost card counts on the new one, flagged; the
 * counter finds the new card by its last characters, not the lost one;
 * the street kiosk's next sync brings the block. */
static void
cards_body (VtrTestHub     *hub,
            const char     *hub_dir,
            const char     *kiosk,
            VtrTestCluster *cluster,
            const char     *lost_code,
            const char     *fresh_code)
{
  g_autofree char *code = add_device (hub_dir, cluster, "Boulangerie, caisse des cartes", "2");
  g_autofree char *token = pair_raw (hub, code);
  g_autofree char *lost = g_strndup (strstr (lost_code, "/C/") + 3, 26);
  g_autofree char *fresh = g_strndup (strstr (fresh_code, "/C/") + 3, 26);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *again = g_uuid_string_random ();
  g_autofree char *credit = g_uuid_string_random ();
  g_autofree char *transfer = g_strdup_printf ("{\"card\":\"%s\",\"new_card\":\"%s\",\"new_code\":\"%s\","
                                               "\"merchant\":2,\"points\":7}",
                                               lost, fresh, fresh_code);
  g_autofree char *late = g_strdup_printf ("{\"card\":\"%s\",\"merchant\":2,\"points\":3}", lost);
  g_autoptr(JsonObject) before = get_card (hub, token, lost);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) card = NULL;

  g_assert_cmpint (json_object_get_int_member (before, "balance"), ==, 7);
  g_assert_false (json_object_get_boolean_member_with_default (before, "blocked", FALSE));

  result = post_shop (hub, token, uuid, "transfer", transfer);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "accepted");
  g_clear_pointer (&result, json_object_unref);
  result = post_shop (hub, token, uuid, "transfer", transfer);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "duplicate");
  g_clear_pointer (&result, json_object_unref);
  result = post_shop (hub, token, again, "transfer", transfer);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_nonnull (strstr (json_object_get_string_member (result, "reason"), "already declared lost"));
  g_clear_pointer (&result, json_object_unref);

  card = get_card (hub, token, fresh);
  g_assert_cmpint (json_object_get_int_member (card, "balance"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (card, "code"), ==, fresh_code);
  g_clear_pointer (&card, json_object_unref);
  card = get_card (hub, token, lost);
  g_assert_cmpint (json_object_get_int_member (card, "balance"), ==, 0);
  g_assert_true (json_object_get_boolean_member (card, "blocked"));
  g_clear_pointer (&card, json_object_unref);

  /* A kiosk that had not heard of the block credits the lost card. */
  result = post_shop (hub, token, credit, "credit", late);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "accepted");
  card = get_card (hub, token, fresh);
  g_assert_cmpint (json_object_get_int_member (card, "balance"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (card, "flagged"), ==, 1);
  g_clear_pointer (&card, json_object_unref);

  /* At the counter, by the last characters. */
  {
    g_autofree char *path = g_strconcat ("/api/v1/cards?suffix=", fresh + 18, NULL);
    g_autofree char *lost_path = g_strconcat ("/api/v1/cards?suffix=", lost + 18, NULL);
    g_autoptr(JsonObject) found = get_object (hub, token, path);
    g_autoptr(JsonObject) not_found = get_object (hub, token, lost_path);
    JsonArray *cards = json_object_get_array_member (found, "cards");

    g_assert_cmpuint (json_array_get_length (cards), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cards, 0), "card"), ==, fresh);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cards, 0), "balance"), ==, 10);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (not_found, "cards")), ==, 0);
  }

  /* The street kiosk refuses the lost card after its next sync. */
  {
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM blocked_card WHERE card_id = '%s'", lost);

    g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 0);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
    g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 1);
  }
}

/* (sms) The federation's SMS gateway, standing in: a SoupServer on
 * 127.0.0.1 on a thread of its own, answering 200 and keeping every
 * request's body. */
typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint16       port;
  GMutex        lock;
  GCond         ready;
  GPtrArray    *bodies;
} Gateway;

static void
gateway_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  Gateway *gw = data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  g_mutex_lock (&gw->lock);
  g_ptr_array_add (gw->bodies, g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
  g_mutex_unlock (&gw->lock);
  soup_server_message_set_status (msg, 200, NULL);
  /* One request a connection: none is left open when the gateway stops. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"id\":\"1\"}", 10);
}

static GPtrArray *stopped_gateways;

#ifdef __SANITIZE_ADDRESS__
/* libsoup 3.2 loses the sockets of a stopped server (the SMS gateway's
 * stand-in here): full stacks, to tell its leaks from the test's own. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:libsoup-3.0.so\n";
}
#endif

static gpointer
gateway_main (gpointer data)
{
  Gateway *gw = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (gw->context);
  gw->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (gw->server, NULL, gateway_request, gw, NULL);
  g_assert_true (soup_server_listen_local (gw->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (gw->server);
  g_mutex_lock (&gw->lock);
  gw->port = g_uri_get_port (uris->data);
  g_cond_signal (&gw->ready);
  g_mutex_unlock (&gw->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (gw->loop);
  soup_server_disconnect (gw->server);
  while (g_main_context_iteration (gw->context, FALSE))
    ;
  /* libsoup 3.2 loses its sockets when a server is freed (LeakSanitizer
   * shows them unreferenced): the stand-in stays till the end, stopped. */
  g_ptr_array_add (stopped_gateways, g_steal_pointer (&gw->server));
  g_main_context_pop_thread_default (gw->context);
  return NULL;
}

static Gateway *
gateway_start (void)
{
  Gateway *gw = g_new0 (Gateway, 1);

  if (stopped_gateways == NULL)
    stopped_gateways = g_ptr_array_new ();
  g_mutex_init (&gw->lock);
  g_cond_init (&gw->ready);
  gw->bodies = g_ptr_array_new_with_free_func (g_free);
  gw->context = g_main_context_new ();
  gw->loop = g_main_loop_new (gw->context, FALSE);
  gw->thread = g_thread_new ("gateway", gateway_main, gw);
  g_mutex_lock (&gw->lock);
  while (gw->port == 0)
    g_cond_wait (&gw->ready, &gw->lock);
  g_mutex_unlock (&gw->lock);
  return gw;
}

static gboolean
gateway_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
gateway_stop (Gateway *gw)
{
  g_main_context_invoke (gw->context, gateway_quit, gw->loop);
  g_thread_join (gw->thread);
  g_main_loop_unref (gw->loop);
  g_main_context_unref (gw->context);
  g_ptr_array_unref (gw->bodies);
  g_mutex_clear (&gw->lock);
  g_cond_clear (&gw->ready);
  g_free (gw);
}

/* The body of the gateway's first request, once it came. */
static char *
gateway_wait_first (Gateway *gw)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  char *body = NULL;

  while (body == NULL && g_get_monotonic_time () < deadline)
    {
      g_mutex_lock (&gw->lock);
      if (gw->bodies->len > 0)
        body = g_strdup (g_ptr_array_index (gw->bodies, 0));
      g_mutex_unlock (&gw->lock);
      if (body == NULL)
        g_usleep (20 * 1000);
    }
  g_assert_nonnull (body);
  return body;
}

static void
write_sms_conf (const char *hub_dir,
                Gateway    *gw)
{
  g_autofree char *path = g_build_filename (hub_dir, "sms.conf", NULL);
  g_autofree char *text =
    g_strdup_printf ("[gateway]\n"
                     "url=http://127.0.0.1:%u/v1/sms\n"
                     "auth=bearer\n"
                     "token=s3cr3t-key\n"
                     "body={\"recipient\": \"{to}\", \"message\": \"{text}\"}\n"
                     "timeout=5\n",
                     gw->port);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
}

static char *
sms_status (const char     *hub_dir,
            VtrTestCluster *cluster,
            const char     *order)
{
  g_autofree char *sql = g_strdup_printf ("SELECT CASE status WHEN 'sent' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END "
                                          "FROM sms_outbox WHERE order_uuid = '%s' AND state = 'ready'",
                                          order);
  g_autofree char *path = g_build_filename (hub_dir, "hub.db", NULL);
  gint64 status = cluster ? vtr_test_pg_int (cluster, sql) : vtr_test_sql_int (path, sql);

  return g_strdup (status == 1 ? "sent" : status == 2 ? "pending" : "other");
}

/* One number from the hub's database, SQLite's or PostgreSQL's. */
static gint64
hub_sql_int (const char     *hub_dir,
             VtrTestCluster *cluster,
             const char     *sql)
{
  g_autofree char *path = g_build_filename (hub_dir, "hub.db", NULL);

  return cluster ? vtr_test_pg_int (cluster, sql) : vtr_test_sql_int (path, sql);
}

/* One text from the hub's database, SQLite's or PostgreSQL's. */
static char *
hub_sql_text (const char     *hub_dir,
              VtrTestCluster *cluster,
              const char     *sql)
{
  char *value;

  if (cluster)
    {
      PGconn *conn = PQconnectdb (cluster->url);
      PGresult *result;

      g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
      result = PQexec (conn, sql);
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      g_assert_cmpint (PQntuples (result), ==, 1);
      value = g_strdup (PQgetvalue (result, 0, 0));
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      g_autofree char *path = g_build_filename (hub_dir, "hub.db", NULL);
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 5000);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return value;
}

/* (sms) On either backend: an order shop 2 says is ready sends the
 * customer a text message through the gateway, once, and the outbox
 * says it was sent. */
static void
sms_body (VtrTestHub     *hub,
          const char     *hub_dir,
          VtrTestCluster *cluster,
          Gateway        *gw,
          const char     *kiosk_token)
{
  g_autofree char *code = add_device (hub_dir, cluster, "Boulangerie, caisse des commandes", "2");
  g_autofree char *shop = pair_raw (hub, code);
  g_autofree char *order = g_uuid_string_random ();
  g_autofree char *placed_uuid = g_uuid_string_random ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *placed =
    g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":%" G_GINT64_FORMAT ","
                     "\"payload\":{\"order\":\"%s\",\"number\":\"AC-2001\",\"state\":\"placed\","
                     "\"at\":%" G_GINT64_FORMAT ",\"merchant\":2,\"first_name\":\"Inès\","
                     "\"phone\":\"06 12 34 56 78\",\"lines\":[]}}]}",
                     placed_uuid, now, order, now);
  g_autofree char *verdict = NULL;
  g_autofree char *body = NULL;
  g_autofree char *status = NULL;
  g_autoptr(JsonObject) sent = NULL;
  const char *message;
  gint64 deadline;

  g_assert_cmpstr ((verdict = post_one (hub, kiosk_token, placed)), ==, "accepted");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((verdict = post_order (hub, shop, order, "accepted")), ==, "accepted");
  g_clear_pointer (&verdict, g_free);
  g_assert_cmpstr ((verdict = post_order (hub, shop, order, "ready")), ==, "accepted");

  body = gateway_wait_first (gw);
  sent = vtr_test_parse_object (body);
  g_assert_cmpstr (json_object_get_string_member (sent, "recipient"), ==, "+33612345678");
  message = json_object_get_string_member (sent, "message");
  g_test_message ("sent: %s", message);
  g_assert_nonnull (strstr (message, "Inès"));
  g_assert_nonnull (strstr (message, "AC-2001"));
  /* The shop's name, from the catalogue of either backend. */
  g_assert_null (strstr (message, "la boutique"));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_strcmp0 (status = sms_status (hub_dir, cluster, order), "sent") != 0 &&
         g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&status, g_free);
      g_usleep (20 * 1000);
    }
  g_assert_cmpstr (status, ==, "sent");
  g_mutex_lock (&gw->lock);
  g_assert_cmpuint (gw->bodies->len, ==, 1);
  g_mutex_unlock (&gw->lock);

  /* (admin) The commands of the messages on either backend: the list of
   * the last ones, a message to try the gateway, and the customer's
   * details erased once the order is over and its time has come. */
  {
    g_auto(VtrTestResult) list = { 0 };
    g_auto(VtrTestResult) tried = { 0 };
    g_auto(VtrTestResult) early = { 0 };
    g_auto(VtrTestResult) erased = { 0 };
    g_autoptr(JsonObject) early_report = NULL;
    g_autoptr(JsonObject) report = NULL;
    g_autofree char *later = g_strdup_printf ("%" G_GINT64_FORMAT, now + 400 * 24 * 3600);
    g_autofree char *forgotten = g_strdup_printf ("SELECT count (*) FROM hub_order WHERE uuid = '%s' AND forgotten",
                                                  order);

    vtr_test_hub_run_full (&list, hub_dir, cluster, NULL, NULL, "--json", "sms", "list", NULL);
    if (list.status != 0)
      g_error ("sms list: %s", list.err);
    g_assert_nonnull (strstr (list.out, "\"AC-2001\""));
    g_assert_nonnull (strstr (list.out, "\"sent\""));
    vtr_test_hub_run_full (&tried, hub_dir, cluster, NULL, NULL, "sms", "test", "0699887766", NULL);
    if (tried.status != 0)
      g_error ("sms test: %s", tried.err);
    g_mutex_lock (&gw->lock);
    g_assert_cmpuint (gw->bodies->len, ==, 2);
    g_assert_nonnull (strstr (g_ptr_array_index (gw->bodies, 1), "+33699887766"));
    g_mutex_unlock (&gw->lock);

    g_clear_pointer (&verdict, g_free);
    g_assert_cmpstr ((verdict = post_order (hub, shop, order, "collected")), ==, "accepted");
    vtr_test_hub_run_full (&early, hub_dir, cluster, NULL, NULL, "--json", "privacy", "erase-expired", NULL);
    if (early.status != 0)
      g_error ("privacy erase-expired: %s", early.err);
    early_report = vtr_test_parse_object (early.out);
    g_assert_cmpint (json_object_get_int_member (early_report, "erased"), ==, 0);
    g_assert_cmpint (hub_sql_int (hub_dir, cluster, forgotten), ==, 0);
    vtr_test_hub_run_full (&erased, hub_dir, cluster, later, NULL, "--json", "privacy", "erase-expired", NULL);
    if (erased.status != 0)
      g_error ("privacy erase-expired: %s", erased.err);
    report = vtr_test_parse_object (erased.out);
    g_assert_cmpint (json_object_get_int_member (report, "erased"), ==, 1);
    g_assert_cmpint (hub_sql_int (hub_dir, cluster, forgotten), ==, 1);
  }
}

/* (area) On either backend: a kiosk given an area (a radius of 1 km
 * around the Vieux-Port) downloads the shops of the area, their stock
 * and the products they stock, and nothing else: as many as the same
 * area's SQL finds in the reference catalogue. Moved to the 31, it
 * downloads its new area again, where the demo has no shop. */
static void
area_body (VtrTestHub     *hub,
           const char     *hub_dir,
           const char     *ref_dir,
           VtrTestCluster *cluster)
{
  g_autofree char *kiosk = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *ref_catalog = g_build_filename (ref_dir, "catalog.db", NULL);
  g_autoptr(VtrArea) area = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *in = NULL;
  g_autofree char *sql = NULL;
  gint64 merchants, products, stock;

  g_assert_true (vtr_area_parse ("43.2965,5.3698,1km", &area, &error));
  in = vtr_area_sql (area, VTR_SQL_SQLITE, "m.postcode", "m.lat", "m.lon");
  sql = g_strdup_printf ("SELECT count (*) FROM merchant m WHERE %s", in);
  merchants = vtr_test_sql_int (ref_catalog, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (*) FROM stock s JOIN merchant m ON m.id = s.merchant_id WHERE %s", in);
  stock = vtr_test_sql_int (ref_catalog, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (DISTINCT s.product_id) FROM stock s JOIN merchant m ON m.id = s.merchant_id "
                         "WHERE %s",
                         in);
  products = vtr_test_sql_int (ref_catalog, sql);
  g_assert_cmpint (merchants, >, 0);
  g_assert_cmpint (merchants, <, vtr_test_sql_int (ref_catalog, "SELECT count (*) FROM merchant"));

  {
    g_auto(VtrTestResult) added = { 0 };

    vtr_test_hub_run (&added, hub_dir, cluster, "device", "add", "Kiosque du Panier", "--area", "43.2965,5.3698,1km",
                      NULL);
    if (added.status != 0)
      g_error ("device add --area: %s", added.err);
    code = vtr_test_last_line (added.out);
  }
  {
    g_auto(VtrTestResult) paired = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;

    ctl_ok (&paired, kiosk, NULL, "pair", code, "--hub", hub->url, NULL);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
  }
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM merchant"), ==, merchants);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM stock"), ==, stock);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM product"), ==, products);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM stock WHERE merchant_id NOT IN "
                                     "(SELECT id FROM merchant)"), ==, 0);

  /* Moved to the 31: its next sync downloads the new area. */
  {
    g_auto(VtrTestResult) moved = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           hub_sql_int (hub_dir, cluster, "SELECT max (id) FROM device"));

    vtr_test_hub_run (&moved, hub_dir, cluster, "device", "area", id, "31", NULL);
    if (moved.status != 0)
      g_error ("device area: %s", moved.err);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
  }
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM merchant"), ==, 0);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT count (*) FROM stock"), ==, 0);
  vtr_test_remove_tree (kiosk);
}

/* The page a phone opens from the signed code @kind @id (and its shop). */
static guint
phone_page (VtrTestHub *hub,
            const char *hub_dir,
            const char *kind,
            const char *id,
            char      **body)
{
  g_auto(VtrTestResult) sign = { 0 };
  g_autofree char *code = NULL;

  if (g_str_equal (kind, "product"))
    vtr_test_hub_run (&sign, hub_dir, NULL, "sign", "product", id, "--merchant", "2", NULL);
  else
    vtr_test_hub_run (&sign, hub_dir, NULL, "sign", kind, id, NULL);
  g_assert_cmpint (sign.status, ==, 0);
  code = vtr_test_last_line (sign.out);
  g_assert_true (g_str_has_prefix (code, "HTTPS://VTR13.FR/"));
  return http (hub->port, "GET", code + strlen ("HTTPS://VTR13.FR"), NULL, NULL, body);
}

/* (web) The phones' pages on either backend: a shop's page and a
 * product's, with the price the shop's latest edit or import set (on
 * PostgreSQL, made from the hub's copy of the catalogue, which follows
 * the feed); a card's page, its balance read from either backend. */
static void
web_body (VtrTestHub     *hub,
          const char     *hub_dir,
          const char     *ref_dir,
          VtrTestCluster *cluster,
          const char     *card_code,
          const char     *kiosk_token)
{
  g_autofree char *ref_catalog = g_build_filename (ref_dir, "catalog.db", NULL);
  gint64 product = vtr_test_sql_int (ref_catalog, "SELECT min (product_id) FROM stock WHERE merchant_id = 2");
  g_autofree char *product_text = g_strdup_printf ("%" G_GINT64_FORMAT, product);
  g_autofree char *shop = NULL;
  g_autofree char *product_page = NULL;
  g_autofree char *card_page = NULL;
  g_autofree char *search = NULL;

  g_assert_cmpuint (phone_page (hub, hub_dir, "merchant", "2", &shop), ==, 200);
  g_assert_nonnull (strstr (shop, "Hippotamus"));
  g_assert_cmpuint (phone_page (hub, hub_dir, "product", product_text, &product_page), ==, 200);
  g_assert_nonnull (strstr (product_page, "12,50"));
  g_assert_cmpuint (http (hub->port, "GET", "/search?q=Hippotamus", NULL, NULL, &search), ==, 200);
  g_assert_nonnull (strstr (search, "Hippotamus"));
  /* (poster) The shop's page seen from a phone, and its poster scanned
   * at a street kiosk, are counted for the shop's devices. */
  {
    g_autofree char *code = add_device (hub_dir, cluster, "Boulangerie, tablette des affiches", "2");
    g_autofree char *shop_token = pair_raw (hub, code);
    g_autofree char *uuid = g_uuid_string_random ();
    g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
    g_autoptr(GDateTime) today = g_date_time_new_now (paris);
    g_autofree char *day = g_date_time_format (today, "%Y%m%d");
    g_autofree char *payload = g_strdup_printf ("{\"merchant\":2,\"product\":0,\"code\":\"merchant\","
                                                "\"day\":%s}", day);
    g_autoptr(JsonObject) result = post_shop (hub, kiosk_token, uuid, "poster-scan", payload);
    g_autofree char *scans = NULL;

    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "accepted");
    g_assert_cmpuint (http (hub->port, "GET", "/api/v1/poster-scans", shop_token, NULL, &scans), ==, 200);
    g_test_message ("scans: %s", scans);
    g_assert_nonnull (strstr (scans, "\"source\":\"phone\""));
    g_assert_nonnull (strstr (scans, "\"source\":\"kiosk\""));
  }

  /* The new card of cards_body(): the balance it took over. */
  g_assert_cmpuint (http (hub->port, "GET", card_code + strlen ("HTTPS://VTR13.FR"), NULL, NULL, &card_page), ==, 200);
  g_assert_nonnull (strstr (card_page, "10 points"));
}

/* The text of @text between @before and the next @after. */
static char *
between (const char *text,
         const char *before,
         const char *after)
{
  const char *start = strstr (text, before);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (before);
  end = strstr (start, after);
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

/* A reservation form sent from a phone at 127.0.0.1: its status. */
static guint
reserve_post (VtrTestHub *hub,
              const char *product,
              const char *token,
              const char *phone,
              char      **page)
{
  g_autofree char *body = g_strdup_printf ("product=%s&merchant=2&token=%s&first_name=In%%C3%%A8s&phone=%s"
                                           "&quantity=1", product, token, phone);

  return http (hub->port, "POST", "/reserve?lang=en", NULL, body, page);
}

/* (web) Reserving from a phone on either backend: the product's page
 * offers it, the form's token is the hub's (a forged one is refused),
 * the order is the web's and reaches the shop's kiosk through its sync
 * as a kiosk's order would (vitrine-ctl: the counter's list), its number
 * waits in the outbox of text messages, and the limit of three an hour
 * for one phone is counted in the hub's database. */
static void
reserve_body (VtrTestHub     *hub,
              const char     *hub_dir,
              const char     *ref_dir,
              VtrTestCluster *cluster)
{
  g_autofree char *ref_catalog = g_build_filename (ref_dir, "catalog.db", NULL);
  gint64 product = vtr_test_sql_int (ref_catalog, "SELECT min (product_id) FROM stock WHERE merchant_id = 2");
  g_autofree char *product_text = g_strdup_printf ("%" G_GINT64_FORMAT, product);
  g_autofree char *link = g_strdup_printf ("href=\"/reserve?product=%s&amp;merchant=2", product_text);
  g_autofree char *form_path = g_strdup_printf ("/reserve?product=%s&merchant=2&lang=en", product_text);
  g_autofree char *product_page = NULL;
  g_autofree char *form = NULL;
  g_autofree char *token = NULL;
  g_autofree char *done = NULL;
  g_autofree char *number = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *shop = vtr_test_make_data_dir ();
  g_autofree char *shop_code = add_device (hub_dir, cluster, "Boulangerie, comptoir des réservations", "2");

  g_assert_cmpuint (phone_page (hub, hub_dir, "product", product_text, &product_page), ==, 200);
  g_assert_nonnull (strstr (product_page, link));
  g_assert_cmpuint (http (hub->port, "GET", form_path, NULL, NULL, &form), ==, 200);
  g_assert_nonnull (strstr (form, "<form method=\"post\" action=\"/reserve?lang=en\">"));
  token = between (form, "name=\"token\" value=\"", "\"");

  /* A form the hub did not make. */
  g_assert_cmpuint (reserve_post (hub, product_text, "1796000000.00ff", "0612345678", &forged), ==, 403);
  g_assert_nonnull (strstr (forged, "This form is too old"));

  g_assert_cmpuint (reserve_post (hub, product_text, token, "0612345678", &done), ==, 200);
  g_assert_nonnull (strstr (done, "<h1>Reserved</h1>"));
  number = between (done, "<p class=\"price\">Order ", "</p>");
  sql = g_strdup_printf ("SELECT count (*) FROM hub_order WHERE number = '%s' AND state = 'placed' "
                         "AND merchant_id = 2 AND device_id = -1", number);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count (*) FROM sms_outbox WHERE state = 'reserved' AND order_uuid = "
                         "(SELECT uuid FROM hub_order WHERE number = '%s')", number);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count (*) FROM issued_code WHERE kind = 'pickup' AND number = '%s'", number);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, sql), ==, 1);

  /* The shop's kiosk gets it with its orders. */
  {
    g_autofree char *list = shop_orders (hub, shop, shop_code);

    g_assert_nonnull (strstr (list, number));
    g_assert_nonnull (strstr (list, "Inès"));
  }

  /* Three an hour for one phone, counted in the hub's database. */
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *again = NULL;

      g_assert_cmpuint (reserve_post (hub, product_text, token, "0612345678", &again), ==, i < 3 ? 200 : 429);
      if (i == 3)
        g_assert_nonnull (strstr (again, "Too many reservations"));
    }
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM hub_order WHERE device_id = -1"), ==, 3);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT max (count) FROM web_limit"), ==, 3);
  vtr_test_remove_tree (shop);
}

/* (admin) The administrator's commands on either backend, as an
 * administrator runs them: a kiosk added with its administrator's PIN
 * (typed; a PIN of two digits refused, its device not left usable), the
 * PIN's slow hash in the pairing answer, a one-time code to reset it
 * (refused for a revoked device), codes printed on the hub and recorded
 * there, and who a code was issued to. */
static void
admin_body (VtrTestHub     *hub,
            const char     *hub_dir,
            VtrTestCluster *cluster)
{
  g_auto(VtrTestResult) added = { 0 };
  g_auto(VtrTestResult) refused = { 0 };
  g_auto(VtrTestResult) reset = { 0 };
  g_auto(VtrTestResult) reset_revoked = { 0 };
  g_auto(VtrTestResult) printed = { 0 };
  g_auto(VtrTestResult) owner = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *id = NULL;
  g_autofree char *revoked_id = NULL;
  g_autofree char *number = NULL;
  g_autoptr(JsonObject) paired = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 resets = hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM pin_reset");
  const char *hash;

  vtr_test_hub_run_full (&added, hub_dir, cluster, NULL, "4321\n", "device", "add", "Kiosque de l’Estaque", "--admin-pin", NULL);
  if (added.status != 0)
    g_error ("device add --admin-pin: %s", added.err);
  g_assert_nonnull (strstr (added.out, "The administrator’s PIN typed comes with the pairing."));
  code = vtr_test_last_line (added.out);
  id = hub_sql_text (hub_dir, cluster, "SELECT max (id) FROM device");
  {
    g_auto(GStrv) parts = g_strsplit (code + strlen ("HTTPS://"), "/", -1);
    g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\"}", parts[2]);

    g_assert_cmpuint (http (hub->port, "POST", "/api/v1/pair", NULL, body, &answer), ==, 200);
  }
  paired = vtr_test_parse_object (answer);
  hash = json_object_get_string_member_with_default (paired, "admin_pin_hash", NULL);
  g_assert_nonnull (hash);
  g_assert_cmpint (crypto_pwhash_str_verify (hash, "4321", 4), ==, 0);
  g_assert_cmpint (crypto_pwhash_str_verify (hash, "1234", 4), !=, 0);

  vtr_test_hub_run_full (&refused, hub_dir, cluster, NULL, "12\n", "device", "add", "Kiosque de la Belle de Mai", "--admin-pin", NULL);
  g_assert_cmpint (refused.status, !=, 0);
  g_assert_nonnull (strstr (refused.err, "4 to 12 digits"));
  revoked_id = hub_sql_text (hub_dir, cluster, "SELECT max (id) FROM device");
  g_assert_cmpstr (revoked_id, !=, id);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM device WHERE name = 'Kiosque de la Belle de Mai' "
                                                   "AND revoked IS NULL"), ==, 0);

  vtr_test_hub_run_full (&reset, hub_dir, cluster, NULL, NULL, "device", "reset-pin", id, NULL);
  if (reset.status != 0)
    g_error ("device reset-pin: %s", reset.err);
  {
    g_autofree char *url = vtr_test_last_line (reset.out);

    g_assert_true (g_str_has_prefix (url, "HTTPS://VTR13.FR/"));
  }
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM pin_reset"), ==, resets + 1);
  vtr_test_hub_run_full (&reset_revoked, hub_dir, cluster, NULL, NULL, "device", "reset-pin", revoked_id, NULL);
  g_assert_cmpint (reset_revoked.status, !=, 0);
  g_assert_nonnull (strstr (reset_revoked.err, "revoked"));
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM pin_reset"), ==, resets + 1);

  /* Order numbers printed on the hub: recorded in its database, so no
   * device ever gets them, and found again by `code owner`. */
  vtr_test_hub_run_full (&printed, hub_dir, cluster, NULL, NULL, "sign", "pickup", "--count", "3", "--expires", "2031-01-31",
             NULL);
  if (printed.status != 0)
    g_error ("sign pickup --count 3: %s", printed.err);
  lines = g_strsplit (g_strstrip (printed.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM issued_code WHERE kind = 'pickup' "
                                                   "AND coalesce (device_id, 0) = 0"), ==, 3);
  number = hub_sql_text (hub_dir, cluster, "SELECT min (number) FROM issued_code WHERE kind = 'pickup' "
                                           "AND coalesce (device_id, 0) = 0");
  vtr_test_hub_run_full (&owner, hub_dir, cluster, NULL, NULL, "code", "owner", number, NULL);
  if (owner.status != 0)
    g_error ("code owner: %s", owner.err);
  g_assert_nonnull (strstr (owner.out, "printed on the hub"));
  g_assert_nonnull (strstr (owner.out, number));
  {
    g_auto(VtrTestResult) unknown = { 0 };

    vtr_test_hub_run_full (&unknown, hub_dir, cluster, NULL, NULL, "code", "owner", "ZZ-0000", NULL);
    g_assert_cmpint (unknown.status, !=, 0);
    g_assert_nonnull (strstr (unknown.err, "never issued"));
  }
}

/* (shop) The products shops made, reviewed by the federation on either
 * backend (`products review`): one accepted, one merged into a
 * federation product (its stock line moves there), one merged by an
 * import that brings a product of its barcode; a street kiosk's next
 * sync brings the result. */
static void
review_body (VtrTestHub     *hub,
             const char     *hub_dir,
             const char     *ref_dir,
             const char     *kiosk,
             VtrTestCluster *cluster)
{
  g_autofree char *ref_catalog = g_build_filename (ref_dir, "catalog.db", NULL);
  gint64 into = vtr_test_sql_int (ref_catalog, "SELECT min (id) FROM product "
                                               "WHERE id NOT IN (SELECT product_id FROM stock WHERE merchant_id = 2)");
  gint64 first = VTR_SHOP_MADE_PRODUCT_BASE + G_GINT64_CONSTANT (376123456781);
  gint64 second = VTR_SHOP_MADE_PRODUCT_BASE + G_GINT64_CONSTANT (376123456782);
  g_autofree char *code = add_device (hub_dir, cluster, "Boulangerie, tablette des produits", "2");
  g_autofree char *token = pair_raw (hub, code);
  g_autofree char *first_text = g_strdup_printf ("%" G_GINT64_FORMAT, first);
  g_autofree char *second_text = g_strdup_printf ("%" G_GINT64_FORMAT, second);
  g_autofree char *into_text = g_strdup_printf ("%" G_GINT64_FORMAT, into);
  g_autofree char *sql = NULL;
  gint64 third = VTR_SHOP_MADE_PRODUCT_BASE + G_GINT64_CONSTANT (376123456783);
  g_autofree char *third_text = g_strdup_printf ("%" G_GINT64_FORMAT, third);
  g_autofree char *file = g_build_filename (hub_dir, "federation-products.json", NULL);
  static const char * const made[] = { "3761234567819", "Pain d’épeautre de la maison",
                                       "3761234567826", "Fougasse aux anchois de la maison",
                                       "3761234567833", "Pompe à l’huile de la maison" };

  g_assert_cmpint (into, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (made); i += 2)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *payload = g_strdup_printf ("{\"merchant\":2,\"gtin\":\"%s\",\"name\":\"%s\","
                                                  "\"brand\":\"\",\"category\":\"pain\"}", made[i], made[i + 1]);
      g_autoptr(JsonObject) result = post_shop (hub, token, uuid, "shop-product", payload);

      if (!g_str_equal (json_object_get_string_member (result, "status"), "accepted"))
        g_error ("shop-product: %s", json_object_get_string_member_with_default (result, "reason", "?"));
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *payload = g_strdup_printf ("{\"merchant\":2,\"product\":%s,\"price_cents\":%d,"
                                                  "\"availability\":\"in-stock\"}", i ? third_text : second_text,
                                                  i ? 530 : 420);
      g_autoptr(JsonObject) result = post_shop (hub, token, uuid, "shop-stock", payload);

      g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "accepted");
    }
  /* The federation's file brings a product of the third's barcode: the
   * shop's product merges into it, its stock line with it. */
  {
    g_auto(VtrTestResult) imported = { 0 };

    g_assert_true (g_file_set_contents (file,
                                        "{\"products\":[{\"id\":990003,\"gtin\":\"03761234567833\","
                                        "\"name\":\"Pompe à l’huile\",\"category\":\"pain\"}]}",
                                        -1, NULL));
    vtr_test_hub_run (&imported, hub_dir, cluster, "import", file, NULL);
    if (imported.status != 0)
      g_error ("import: %s", imported.err);
    g_assert_nonnull (strstr (imported.out, "1 product made by a shop merged into the federation’s."));
  }
  {
    g_auto(VtrTestResult) list = { 0 };
    g_auto(VtrTestResult) accepted = { 0 };
    g_auto(VtrTestResult) merged = { 0 };
    g_auto(VtrTestResult) wrong = { 0 };
    g_auto(VtrTestResult) after = { 0 };

    vtr_test_hub_run_full (&list, hub_dir, cluster, NULL, NULL, "--json", "products", "review", NULL);
    if (list.status != 0)
      g_error ("products review: %s", list.err);
    g_assert_nonnull (strstr (list.out, first_text));
    g_assert_nonnull (strstr (list.out, second_text));
    g_assert_nonnull (strstr (list.out, "Pain d’épeautre de la maison"));
    vtr_test_hub_run_full (&accepted, hub_dir, cluster, NULL, NULL, "products", "review", "accept", first_text, NULL);
    if (accepted.status != 0)
      g_error ("products review accept: %s", accepted.err);
    /* Merged into itself: refused, nothing changed. */
    vtr_test_hub_run_full (&wrong, hub_dir, cluster, NULL, NULL, "products", "review", "merge", second_text, second_text, NULL);
    g_assert_cmpint (wrong.status, !=, 0);
    vtr_test_hub_run_full (&merged, hub_dir, cluster, NULL, NULL, "products", "review", "merge", second_text, into_text, NULL);
    if (merged.status != 0)
      g_error ("products review merge: %s", merged.err);
    vtr_test_hub_run_full (&after, hub_dir, cluster, NULL, NULL, "products", "review", NULL);
    g_assert_cmpint (after.status, ==, 0);
    g_assert_nonnull (strstr (after.out, "No product made by a shop waits for review."));
  }
  {
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;

    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
  }
  sql = g_strdup_printf ("SELECT count (*) FROM product WHERE id = %s", first_text);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count (*) FROM product WHERE id = %s", second_text);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT price_cents FROM stock WHERE merchant_id = 2 AND product_id = %s", into_text);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 420);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count (*) FROM product WHERE id = %s", third_text);
  g_assert_cmpint (kiosk_sql (kiosk, sql), ==, 0);
  g_assert_cmpint (kiosk_sql (kiosk, "SELECT price_cents FROM stock WHERE merchant_id = 2 AND product_id = 990003"),
                   ==, 530);
}

/* (stock) A kiosk's stock of signed codes on either backend: pickup
 * codes and blank cards, each number issued once and recorded. */
static void
stock_body (VtrTestHub     *hub,
            const char     *hub_dir,
            VtrTestCluster *cluster,
            const char     *token)
{
  g_autofree char *pickups = NULL;
  g_autofree char *cards = NULL;
  g_autofree char *refused = NULL;
  g_autoptr(JsonObject) pickup_answer = NULL;
  g_autoptr(JsonObject) card_answer = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 before = hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM issued_code");
  JsonArray *codes;

  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/stock", token, "{\"kind\":\"pickup\",\"count\":3}", &pickups),
                    ==, 200);
  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/stock", token, "{\"kind\":\"card\",\"count\":2}", &cards), ==,
                    200);
  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/stock", token, "{\"kind\":\"pickup\",\"count\":0}", &refused),
                    ==, 400);
  pickup_answer = vtr_test_parse_object (pickups);
  card_answer = vtr_test_parse_object (cards);
  codes = json_object_get_array_member (pickup_answer, "codes");
  g_assert_cmpuint (json_array_get_length (codes), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const char *code = json_array_get_string_element (codes, i);

      g_assert_true (g_str_has_prefix (code, "HTTPS://VTR13.FR/"));
      g_assert_true (g_hash_table_add (seen, (gpointer) code));
    }
  codes = json_object_get_array_member (card_answer, "codes");
  g_assert_cmpuint (json_array_get_length (codes), ==, 2);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (codes, 0), "HTTPS://VTR13.FR/C/"));
  g_assert_cmpint (hub_sql_int (hub_dir, cluster, "SELECT count (*) FROM issued_code"), ==, before + 5);
}

/* The sync of a street kiosk, the same body on both backends: pairing,
 * the first download (the kiosk's catalogue is the federation's, row for
 * row), a change downloaded by the next sync, a loyalty credit sent
 * twice and stored once. */
static void
sync_body (gboolean postgresql)
{
  VtrTestCluster *cluster = postgresql ? vtr_test_cluster_database () : NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *ref_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk = vtr_test_make_data_dir ();
  g_autofree char *import = demo_file (ref_dir);
  g_autofree char *change = g_build_filename (ref_dir, "change.json", NULL);
  g_autofree char *ref_digest = NULL;
  g_autofree char *kiosk_digest = NULL;
  g_autofree char *kiosk_code = NULL;
  g_autofree char *raw_code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *card = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *event = NULL;
  g_autofree char *answer = NULL;
  g_auto(GStrv) cards = NULL;
  g_autoptr(GError) error = NULL;
  Gateway *gateway;
  VtrTestHub *hub;

  {
    g_auto(VtrTestResult) keys = { 0 };
    g_auto(VtrTestResult) imported = { 0 };
    g_auto(VtrTestResult) signed_cards = { 0 };

    vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
    g_assert_cmpint (keys.status, ==, 0);
    vtr_test_hub_run (&imported, hub_dir, cluster, "import", import, NULL);
    if (imported.status != 0)
      g_error ("import: %s", imported.err);
    vtr_test_hub_run (&signed_cards, hub_dir, NULL, "sign", "card", "--count", "3", NULL);
    g_assert_cmpint (signed_cards.status, ==, 0);
    cards = g_strsplit (g_strstrip (signed_cards.out), "\n", -1);
  }
  kiosk_code = add_device (hub_dir, cluster, "Kiosque du Vieux-Port", NULL);
  raw_code = add_device (hub_dir, cluster, "Kiosque de la Joliette", NULL);
  gateway = gateway_start ();
  write_sms_conf (hub_dir, gateway);
  hub = hub_start (hub_dir, cluster);

  /* The first download: every row of the federation's catalogue. */
  {
    g_auto(VtrTestResult) paired = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;

    ctl_ok (&paired, kiosk, NULL, "pair", kiosk_code, "--hub", hub->url, NULL);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
  }
  ref_digest = vtr_test_catalog_digest (ref_dir);
  kiosk_digest = vtr_test_catalog_digest (kiosk);
  g_assert_cmpstr (kiosk_digest, ==, ref_digest);

  /* A product renamed and a new one, on the hub and the reference: the
   * next sync brings the kiosk along. */
  {
    g_auto(VtrTestResult) ref_import = { 0 };
    g_auto(VtrTestResult) hub_import = { 0 };
    g_auto(VtrTestResult) synced = { 0 };
    g_autoptr(JsonObject) report = NULL;

    g_assert_true (g_file_set_contents (change,
                                        "{\"products\":[{\"id\":1,\"gtin\":\"03761230000013\","
                                        "\"name\":\"Baguette de tradition\",\"category\":\"pain\"},"
                                        "{\"id\":990001,\"name\":\"Fougasse aux olives\",\"category\":\"pain\"}]}",
                                        -1, &error));
    vtr_test_hub_run (&ref_import, ref_dir, NULL, "import", change, NULL);
    g_assert_cmpint (ref_import.status, ==, 0);
    vtr_test_hub_run (&hub_import, hub_dir, cluster, "import", change, NULL);
    g_assert_cmpint (hub_import.status, ==, 0);
    ctl_ok (&synced, kiosk, NULL, "sync", "--json", NULL);
    report = vtr_test_parse_object (synced.out);
    g_assert_true (json_object_get_boolean_member (report, "ok"));
    g_assert_cmpint (json_object_get_int_member (report, "rows"), >=, 2);
    g_clear_pointer (&ref_digest, g_free);
    g_clear_pointer (&kiosk_digest, g_free);
    ref_digest = vtr_test_catalog_digest (ref_dir);
    kiosk_digest = vtr_test_catalog_digest (kiosk);
    g_assert_cmpstr (kiosk_digest, ==, ref_digest);
  }

  /* The same event twice from a kiosk (its answer lost): stored once. */
  token = pair_raw (hub, raw_code);
  card = g_strndup (strstr (cards[1], "/C/") + 3, 26);
  event = g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"credit\",\"created\":%" G_GINT64_FORMAT ","
                           "\"payload\":{\"card\":\"%s\",\"code\":\"%s\",\"merchant\":2,\"points\":7}}]}",
                           uuid, g_get_real_time () / G_USEC_PER_SEC, card, cards[1]);
  g_assert_cmpint (hub_events (hub_dir, cluster), ==, 0);
  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/events", token, event, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"accepted\""));
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (http (hub->port, "POST", "/api/v1/events", token, event, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"duplicate\""));
  g_assert_cmpint (hub_events (hub_dir, cluster), ==, 1);

  /* /metrics, as Prometheus reads it: what this hub answered, the two
   * kiosks seen, the feed's head. */
  {
    g_autofree char *metrics = NULL;

    g_assert_cmpuint (http (hub->port, "GET", "/metrics", NULL, NULL, &metrics), ==, 200);
    g_assert_nonnull (strstr (metrics, "vitrine_hub_events_total{status=\"accepted\"} 1\n"));
    g_assert_nonnull (strstr (metrics, "vitrine_hub_events_total{status=\"duplicate\"} 1\n"));
    g_assert_nonnull (strstr (metrics, "vitrine_hub_devices_seen_last_hour 2\n"));
    g_assert_nonnull (strstr (metrics, "vitrine_hub_requests_total{route=\"events\",code=\"200\"} 2\n"));
    g_assert_null (strstr (metrics, "vitrine_hub_change_feed_head 0\n"));
    g_assert_nonnull (strstr (metrics, "vitrine_hub_change_feed_head "));
  }

  orders_body (hub, hub_dir, cluster, token);
  shop_body (hub, hub_dir, ref_dir, kiosk, cluster);
  cards_body (hub, hub_dir, kiosk, cluster, cards[1], cards[2]);
  sms_body (hub, hub_dir, cluster, gateway, token);
  area_body (hub, hub_dir, ref_dir, cluster);
  web_body (hub, hub_dir, ref_dir, cluster, cards[2], token);
  reserve_body (hub, hub_dir, ref_dir, cluster);
  admin_body (hub, hub_dir, cluster);
  review_body (hub, hub_dir, ref_dir, kiosk, cluster);
  stock_body (hub, hub_dir, cluster, token);

  vtr_test_hub_stop (hub, SIGTERM);
  gateway_stop (gateway);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (ref_dir);
  vtr_test_remove_tree (kiosk);
  if (cluster)
    vtr_test_cluster_stop (cluster);
}

static void
test_sync_sqlite (void)
{
  sync_body (FALSE);
}

static void
test_sync_postgresql (void)
{
  sync_body (TRUE);
}

/* (ops) Credits made at the kiosk of @kiosk_dir, waiting in its outbox. */
static void
make_credits (const char  *kiosk_dir,
              char       **cards,
              guint       *n_made,
              guint        n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      const char *code = cards[*n_made % 4];
      g_autofree char *card = g_strndup (strstr (code, "/C/") + 3, 26);
      g_autofree char *payload = g_strdup_printf ("{\"kind\":\"credit\",\"card\":\"%s\",\"code\":\"%s\","
                                                  "\"merchant\":%u,\"points\":%u}",
                                                  card, code, 1 + *n_made % 5, 1 + *n_made % 7);

      g_assert_true (vtr_outbox_append (store, uuid, "credit", payload, 1800000000 + *n_made, &error));
      g_assert_no_error (error);
      (*n_made)++;
    }
}

/* Every uuid and points of a table of credits, sorted, one a line: the
 * same text on the kiosk and on PostgreSQL when they hold the same. */
static char *
kiosk_ledger (const char *kiosk_dir)
{
  g_autofree char *path = g_build_filename (kiosk_dir, "journal.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid, json_extract (payload, '$.points') FROM outbox_sent "
                                           "ORDER BY uuid",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
pg_ledger (VtrTestCluster *cluster)
{
  PGconn *conn = PQconnectdb (cluster->url);
  PGresult *result;
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, "SELECT uuid::text, points FROM event ORDER BY uuid::text");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  for (int i = 0; i < PQntuples (result); i++)
    g_string_append_printf (text, "%s %s\n", PQgetvalue (result, i, 0), PQgetvalue (result, i, 1));
  PQclear (result);
  PQfinish (conn);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
sync_ok (const char *kiosk)
{
  g_auto(VtrTestResult) r = { 0 };

  ctl_ok (&r, kiosk, NULL, "sync", NULL);
}

/* (ops) Yesterday's pg_dump, taken while the hub served, restored today:
 * the database lost what the kiosk sent since. At its next sync the
 * kiosk sends it again (it kept what the hub acknowledged) and downloads
 * the catalogue again: PostgreSQL then holds every event once. */
static void
test_backup_restore (void)
{
  VtrTestCluster *cluster = vtr_test_cluster_database ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk = vtr_test_make_data_dir ();
  g_autofree char *backups = vtr_test_make_data_dir ();
  g_autofree char *backup = g_build_filename (backups, "yesterday", NULL);
  g_autofree char *kiosk_journal = g_build_filename (kiosk, "journal.db", NULL);
  g_autofree char *code = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sent = NULL;
  g_auto(GStrv) cards = NULL;
  const char *extra[] = { "--database", cluster->url, NULL };
  guint n_made = 0;
  guint16 port;
  VtrTestHub *hub;

  {
    g_auto(VtrTestResult) keys = { 0 };
    g_auto(VtrTestResult) signed_cards = { 0 };

    vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
    g_assert_cmpint (keys.status, ==, 0);
    vtr_test_hub_run (&signed_cards, hub_dir, NULL, "sign", "card", "--count", "4", NULL);
    g_assert_cmpint (signed_cards.status, ==, 0);
    cards = g_strsplit (g_strstrip (signed_cards.out), "\n", -1);
  }
  code = add_device (hub_dir, cluster, "Kiosque du Vieux-Port", NULL);
  hub = hub_start (hub_dir, cluster);
  port = hub->port;
  {
    g_auto(VtrTestResult) paired = { 0 };

    ctl_ok (&paired, kiosk, NULL, "pair", code, "--hub", hub->url, NULL);
  }
  make_credits (kiosk, cards, &n_made, 10);
  sync_ok (kiosk);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 10);

  /* Yesterday evening, while serving. */
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_hub_run (&r, hub_dir, cluster, "backup", backup, NULL);
    if (r.status != 0)
      g_error ("backup: %s", r.err);
  }
  /* Today: more credits, acknowledged, gone from the kiosk's outbox. */
  make_credits (kiosk, cards, &n_made, 15);
  sync_ok (kiosk);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 25);
  g_assert_cmpint (vtr_test_sql_int (kiosk_journal, "SELECT count (*) FROM outbox"), ==, 0);
  before = pg_ledger (cluster);

  /* The database's disk died: yesterday's backup comes back. */
  vtr_test_hub_stop (hub, SIGTERM);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_hub_run (&r, hub_dir, cluster, "restore", backup, NULL);
    if (r.status != 0)
      g_error ("restore: %s", r.err);
  }
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 10);
  hub = vtr_test_hub_start_with (hub_dir, port, NULL, NULL, NULL, extra);

  /* Two more credits made meanwhile, then the kiosk's next sync. */
  make_credits (kiosk, cards, &n_made, 2);
  sync_ok (kiosk);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 27);
  g_assert_cmpint (vtr_test_sql_int (kiosk_journal, "SELECT count (*) FROM outbox"), ==, 0);
  after = pg_ledger (cluster);
  sent = kiosk_ledger (kiosk);
  g_assert_cmpstr (after, ==, sent);
  /* Nothing of before was lost. */
  {
    g_auto(GStrv) lines = g_strsplit (before, "\n", -1);

    for (guint i = 0; lines[i] && *lines[i]; i++)
      g_assert_nonnull (strstr (after, lines[i]));
  }
  /* A sync again sends nothing and changes nothing. */
  sync_ok (kiosk);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 27);

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk);
  vtr_test_remove_tree (backups);
  vtr_test_cluster_stop (cluster);
}

/* Two writers of the catalogue at once on one PostgreSQL, each a
 * `vitrine-hub import` of many files (one transaction each), while a
 * kiosk pages through the feed by small pages on two serving hubs in
 * turn: it gets every product written, none skipped. */
#define N_FILES 12
#define N_ROWS  25

static GSubprocess *
spawn_writer (VtrTestCluster *cluster,
              const char     *hub_dir,
              guint           writer)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, g_strdup (g_getenv ("VITRINE_HUB")));
  g_ptr_array_add (argv, g_strdup ("--database"));
  g_ptr_array_add (argv, g_strdup (cluster->url));
  g_ptr_array_add (argv, g_strdup ("import"));
  for (guint f = 0; f < N_FILES; f++)
    {
      g_autoptr(GString) text = g_string_new ("{\"products\":[");
      char *path = g_strdup_printf ("%s/w%u-%02u.json", hub_dir, writer, f);

      for (guint k = 0; k < N_ROWS; k++)
        g_string_append_printf (text, "%s{\"id\":%u,\"name\":\"Produit %u\",\"category\":\"test\"}", k ? "," : "",
                                1 + writer * 100000 + f * N_ROWS + k, writer * 100000 + f * N_ROWS + k);
      g_string_append (text, "]}");
      g_assert_true (g_file_set_contents (path, text->str, -1, &error));
      g_ptr_array_add (argv, path);
    }
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  return process;
}

static void
test_feed_two_writers (void)
{
  VtrTestCluster *cluster = vtr_test_cluster_database ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GSubprocess) writer_a = NULL;
  g_autoptr(GSubprocess) writer_b = NULL;
  VtrTestHub *hubs[2];
  gint64 cursor = 0;
  guint pages = 0, pages_while_writing = 0;
  gboolean done = FALSE, writers_done = FALSE;

  {
    g_auto(VtrTestResult) keys = { 0 };

    vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
    g_assert_cmpint (keys.status, ==, 0);
  }
  code = add_device (hub_dir, cluster, "Kiosque du Vieux-Port", NULL);
  hubs[0] = hub_start (hub_dir, cluster);
  hubs[1] = hub_start (hub_dir, cluster);
  /* Paired on one hub, known to both: one database. */
  token = pair_raw (hubs[0], code);

  writer_a = spawn_writer (cluster, hub_dir, 0);
  writer_b = spawn_writer (cluster, hub_dir, 1);
  while (!done)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=7", cursor);
      g_autofree char *body = NULL;
      g_autoptr(JsonObject) page = NULL;
      gboolean was_writing = !writers_done;
      guint status = http (hubs[pages % 2]->port, "GET", path, token, NULL, &body);
      JsonArray *products;

      g_assert_cmpuint (status, ==, 200);
      page = vtr_test_parse_object (body);
      g_assert_cmpint (json_object_get_int_member (page, "cursor"), >=, cursor);
      cursor = json_object_get_int_member (page, "cursor");
      products = json_object_has_member (page, "products") ? json_object_get_array_member (page, "products") : NULL;
      for (guint i = 0; products && i < json_array_get_length (products); i++)
        {
          gint64 id = json_object_get_int_member (json_array_get_object_element (products, i), "id");

          g_hash_table_add (seen, GINT_TO_POINTER ((int) id));
        }
      pages++;
      pages_while_writing += was_writing;
      /* Done once a page after both writers ended says nothing more. */
      if (writers_done && !json_object_get_boolean_member (page, "more"))
        done = TRUE;
      if (!writers_done && g_subprocess_get_identifier (writer_a) == NULL &&
          g_subprocess_get_identifier (writer_b) == NULL)
        writers_done = TRUE;
      if (!writers_done && products == NULL)
        g_usleep (5000);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (g_subprocess_wait_check (writer_a, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (writer_b, NULL, &error));
    g_assert_no_error (error);
  }
  g_test_message ("%u pages, %u of them while the writers wrote", pages, pages_while_writing);
  g_assert_cmpuint (pages_while_writing, >, 5);
  for (guint w = 0; w < 2; w++)
    for (guint i = 0; i < N_FILES * N_ROWS; i++)
      if (!g_hash_table_contains (seen, GINT_TO_POINTER ((int) (1 + w * 100000 + i))))
        g_error ("the kiosk never got product %u", 1 + w * 100000 + i);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 2 * N_FILES * N_ROWS);
  g_assert_cmpint (cursor, ==, vtr_test_pg_int (cluster, "SELECT max (seq) FROM catalog_change"));

  vtr_test_hub_stop (hubs[0], SIGTERM);
  vtr_test_hub_stop (hubs[1], SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_cluster_stop (cluster);
}

/* The same 20 events sent to two hubs at once: each stored once, and
 * the two answers together say each was accepted once and a duplicate
 * once. */
typedef struct
{
  guint16     port;
  const char *token;
  const char *body;
  char       *answer;
  guint       status;
} Upload;

static gpointer
upload_thread (gpointer data)
{
  Upload *upload = data;

  upload->status = http (upload->port, "POST", "/api/v1/events", upload->token, upload->body, &upload->answer);
  return NULL;
}

static guint
count (const char *text,
       const char *word)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, word)); p += strlen (word))
    n++;
  return n;
}

static void
test_events_once_across_hubs (void)
{
  VtrTestCluster *cluster = vtr_test_cluster_database ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *card = NULL;
  g_autoptr(GString) body = g_string_new ("{\"events\":[");
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) signed_card = { 0 };
  VtrTestHub *hubs[2];
  Upload uploads[2] = { { 0 } };
  GThread *threads[2];

  vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  vtr_test_hub_run (&signed_card, hub_dir, NULL, "sign", "card", "--count", "2", NULL);
  g_assert_cmpint (signed_card.status, ==, 0);
  g_strstrip (signed_card.out);
  *strchr (signed_card.out, '\n') = '\0';
  card = g_strndup (strstr (signed_card.out, "/C/") + 3, 26);
  code = add_device (hub_dir, cluster, "Kiosque du Vieux-Port", NULL);
  hubs[0] = hub_start (hub_dir, cluster);
  hubs[1] = hub_start (hub_dir, cluster);
  token = pair_raw (hubs[1], code);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_string_append_printf (body, "%s{\"uuid\":\"%s\",\"kind\":\"credit\",\"created\":%" G_GINT64_FORMAT ","
                                    "\"payload\":{\"card\":\"%s\",\"code\":\"%s\",\"merchant\":3,\"points\":%u}}",
                              i ? "," : "", uuid, g_get_real_time () / G_USEC_PER_SEC, card, signed_card.out,
                              i + 1);
    }
  g_string_append (body, "]}");
  for (guint h = 0; h < 2; h++)
    {
      uploads[h].port = hubs[h]->port;
      uploads[h].token = token;
      uploads[h].body = body->str;
      threads[h] = g_thread_new ("upload", upload_thread, &uploads[h]);
    }
  for (guint h = 0; h < 2; h++)
    g_thread_join (threads[h]);
  for (guint h = 0; h < 2; h++)
    g_assert_cmpuint (uploads[h].status, ==, 200);
  g_assert_cmpuint (count (uploads[0].answer, "\"accepted\"") + count (uploads[1].answer, "\"accepted\""), ==, 20);
  g_assert_cmpuint (count (uploads[0].answer, "\"duplicate\"") + count (uploads[1].answer, "\"duplicate\""), ==, 20);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 20);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT sum (points) FROM event"), ==, 210);
  g_free (uploads[0].answer);
  g_free (uploads[1].answer);

  vtr_test_hub_stop (hubs[0], SIGTERM);
  vtr_test_hub_stop (hubs[1], SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_cluster_stop (cluster);
}

/* (admin) On PostgreSQL: an address of the API no hub knows (404, as on
 * SQLite); the devices listed and one revoked (its token refused, its PIN
 * not reset); the demo catalogue loaded into PostgreSQL, as on SQLite. */
static void
test_admin_postgresql (void)
{
  VtrTestCluster *cluster = vtr_test_cluster_database ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *answer = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) list = { 0 };
  VtrTestHub *hub;

  vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  code = add_device (hub_dir, cluster, "Boulangerie, comptoir", "2");
  hub = hub_start (hub_dir, cluster);
  token = pair_raw (hub, code);
  /* An address of the API no hub knows, as on SQLite. */
  g_assert_cmpuint (http (hub->port, "GET", "/api/v1/nothing-here", token, NULL, &answer), ==, 404);
  g_assert_nonnull (strstr (answer, "\"not-found\""));
  /* The devices listed from PostgreSQL, one revoked: its token is
   * refused from then on. */
  vtr_test_hub_run (&list, hub_dir, cluster, "--json", "device", "list", NULL);
  if (list.status != 0)
    g_error ("device list: %s", list.err);
  g_assert_nonnull (strstr (list.out, "Boulangerie, comptoir"));
  g_assert_nonnull (strstr (list.out, "\"paired\""));
  {
    g_auto(VtrTestResult) revoked = { 0 };
    g_auto(VtrTestResult) again = { 0 };
    g_auto(VtrTestResult) pin = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, vtr_test_pg_int (cluster, "SELECT max (id) FROM device"));

    vtr_test_hub_run (&revoked, hub_dir, cluster, "device", "revoke", id, NULL);
    if (revoked.status != 0)
      g_error ("device revoke: %s", revoked.err);
    g_clear_pointer (&answer, g_free);
    g_assert_cmpuint (http (hub->port, "GET", "/api/v1/changes", token, NULL, &answer), ==, 401);
    vtr_test_hub_run (&again, hub_dir, cluster, "--json", "device", "list", NULL);
    g_assert_nonnull (strstr (again.out, "\"revoked\""));
    /* A revoked device's PIN is not reset, as on SQLite. */
    vtr_test_hub_run (&pin, hub_dir, cluster, "device", "reset-pin", id, NULL);
    g_assert_cmpint (pin.status, !=, 0);
    g_assert_nonnull (strstr (pin.err, "revoked"));
  }
  /* The demo, as a SQLite hub loads it: the same counts, its rows in
   * PostgreSQL's feed. */
  {
    g_autofree char *sqlite_dir = vtr_test_make_data_dir ();
    g_autofree char *catalog = g_build_filename (sqlite_dir, "catalog.db", NULL);
    g_auto(VtrTestResult) demo = { 0 };
    g_auto(VtrTestResult) sqlite_demo = { 0 };

    vtr_test_hub_run (&sqlite_demo, sqlite_dir, NULL, "demo", NULL);
    g_assert_cmpint (sqlite_demo.status, ==, 0);
    vtr_test_hub_run (&demo, hub_dir, cluster, "demo", NULL);
    if (demo.status != 0)
      g_error ("demo: %s", demo.err);
    g_assert_cmpstr (demo.out, ==, sqlite_demo.out);
    g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM catalog_row WHERE kind = 0"), ==,
                     vtr_test_sql_int (catalog, "SELECT count (*) FROM merchant"));
    g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM catalog_row WHERE kind = 2"), ==,
                     vtr_test_sql_int (catalog, "SELECT count (*) FROM stock"));
    g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM catalog_change"), ==,
                     vtr_test_pg_int (cluster, "SELECT count (*) FROM catalog_row"));
    vtr_test_remove_tree (sqlite_dir);
  }

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_cluster_stop (cluster);
}

/* A hub connecting to a database whose schema is made takes no lock a
 * writer holds: `CREATE INDEX IF NOT EXISTS` waits for every open
 * transaction writing events, and every new one waited behind it, each
 * time a worker of any hub connected (bench-sync, two hubs: p99 8.6 s).
 * A transaction holds an event inserted, uncommitted, while `device
 * add` connects and writes: it must finish before the transaction does. */
typedef struct
{
  char           *dir;
  VtrTestCluster *cluster;
  gint            done;
  int             status;
} Adding;

static gpointer
add_thread (gpointer data)
{
  Adding *adding = data;
  g_auto(VtrTestResult) r = { 0 };

  vtr_test_hub_run (&r, adding->dir, adding->cluster, "device", "add", "Kiosque des Accoules", NULL);
  adding->status = r.status;
  g_atomic_int_set (&adding->done, 1);
  return NULL;
}

static void
test_schema_no_lock (void)
{
  VtrTestCluster *cluster = vtr_test_cluster_database ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *insert = NULL;
  Adding adding = { 0 };
  gint64 deadline;
  GThread *thread;
  PGconn *conn;
  PGresult *result;
  g_auto(VtrTestResult) keys = { 0 };

  vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  code = add_device (hub_dir, cluster, "Kiosque du Vieux-Port", NULL);
  conn = PQconnectdb (cluster->url);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  insert = g_strdup_printf ("BEGIN; INSERT INTO event (uuid, device_id, kind, payload, created, received) "
                            "VALUES ('%s', 1, 'credit', '{}', 1, 1)",
                            uuid);
  result = PQexec (conn, insert);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);

  adding.dir = hub_dir;
  adding.cluster = cluster;
  thread = g_thread_new ("add", add_thread, &adding);
  /* Generous: the condition, not a speed, is what is tested. */
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&adding.done) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  g_assert_true (g_atomic_int_get (&adding.done));
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_INTRANS);
  result = PQexec (conn, "COMMIT");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);
  g_thread_join (thread);
  g_assert_cmpint (adding.status, ==, 0);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM device"), ==, 2);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, 1);

  vtr_test_remove_tree (hub_dir);
  vtr_test_cluster_stop (cluster);
}

/* The backend interface itself (vtr-hub-backend.h), the same body on
 * both implementations: devices, events once by uuid, the feed's pages. */
static JsonArray *
parse_events (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static char *
batch_results (VtrHubBatch *batch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  vtr_hub_batch_write_results (batch, builder);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
backend_body (gboolean postgresql)
{
  /* A server of its own: this case restarts it under the backend. */
  VtrTestCluster *cluster = postgresql ? vtr_test_cluster_start () : NULL;
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *products = g_build_filename (hub_dir, "products.json", NULL);
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;
  g_autofree char *card = NULL;
  g_autofree char *events_text = NULL;
  g_autofree char *order_text = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *order_uuid = g_uuid_string_random ();
  g_autoptr(VtrHubBackend) backend = NULL;
  g_autoptr(VtrHubDevice) device = NULL;
  g_autoptr(VtrHubDevice) seen = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(VtrKeyList) key_list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) all = g_string_new ("{\"products\":[");
  g_auto(VtrTestResult) init = { 0 };
  g_auto(VtrTestResult) signed_card = { 0 };
  g_auto(VtrTestResult) imported = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, id = 0, last, cursor = 0;
  guint total = 0;

  vtr_test_hub_run (&init, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (init.status, ==, 0);
  vtr_test_hub_run (&signed_card, hub_dir, NULL, "sign", "card", NULL);
  g_assert_cmpint (signed_card.status, ==, 0);
  g_strstrip (signed_card.out);
  card = g_strndup (strstr (signed_card.out, "/C/") + 3, 26);
  for (guint i = 1; i <= 23; i++)
    g_string_append_printf (all, "%s{\"id\":%u,\"name\":\"Produit %u\",\"category\":\"test\"}", i > 1 ? "," : "", i, i);
  g_string_append (all, "]}");
  g_assert_true (g_file_set_contents (products, all->str, -1, &error));
  vtr_test_hub_run (&imported, hub_dir, cluster, "import", products, NULL);
  g_assert_cmpint (imported.status, ==, 0);

  backend = vtr_hub_backend_open (hub_dir, cluster ? cluster->url : NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vtr_hub_backend_get_name (backend), ==, postgresql ? "postgresql" : "sqlite");

  /* Devices: a code that pairs once, a token, a heartbeat. */
  code = vtr_hub_backend_add_device (backend, "Kiosque du Vieux-Port", 0, now + 3600, &id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  device = vtr_hub_backend_pair (backend, code, now, &token, &error);
  g_assert_no_error (error);
  g_assert_cmpint (device->id, ==, id);
  g_assert_null (vtr_hub_backend_pair (backend, code, now, &again, &error));
  g_assert_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_PAIRING);
  g_clear_error (&error);
  g_assert_null (vtr_hub_backend_authenticate (backend, "NOTATOKEN", now, &error));
  g_assert_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (vtr_hub_backend_note_seen (backend, id, now + 90, "version=1.2; camera=ok", &error));
  g_assert_no_error (error);
  seen = vtr_hub_backend_authenticate (backend, token, now + 91, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->last_seen, ==, now + 90);
  g_assert_cmpstr (seen->heartbeat, ==, "version=1.2; camera=ok");
  /* PostgreSQL restarted: the next operation connects again. */
  if (cluster)
    {
      g_autoptr(VtrHubDevice) after = NULL;

      vtr_test_cluster_restart (cluster);
      after = vtr_hub_backend_authenticate (backend, token, now + 92, &error);
      g_assert_no_error (error);
      g_assert_cmpint (after->id, ==, id);
    }

  /* Events: accepted, then a duplicate; the malformed one rejected. */
  keys = vtr_hub_keys_open (hub_dir, &error);
  g_assert_no_error (error);
  key_list = vtr_hub_keys_list (keys);
  events_text = g_strdup_printf ("[{\"uuid\":\"%s\",\"kind\":\"credit\",\"created\":%" G_GINT64_FORMAT ","
                                 "\"payload\":{\"card\":\"%s\",\"code\":\"%s\",\"merchant\":4,\"points\":9}},"
                                 "{\"kind\":\"credit\"}]",
                                 uuid, now, card, signed_card.out);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(JsonArray) events = parse_events (events_text);
      g_autoptr(VtrHubBatch) batch = vtr_hub_batch_new (seen, key_list, events, now);
      g_autofree char *results = NULL;

      g_assert_true (vtr_hub_backend_ingest (backend, batch, &error));
      g_assert_no_error (error);
      results = batch_results (batch);
      g_assert_nonnull (strstr (results, round == 0 ? "\"accepted\"" : "\"duplicate\""));
      g_assert_nonnull (strstr (results, "\"rejected\""));
      g_assert_cmpuint (vtr_hub_batch_get_n_accepted (batch), ==, round == 0 ? 1 : 0);
    }
  g_assert_cmpint (hub_events (hub_dir, cluster), ==, 1);

  /* An order placed by the kiosk for shop 2, on both: in the shop's
   * orders and in the feed of the orders the kiosk placed. */
  order_text = g_strdup_printf ("[{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":%" G_GINT64_FORMAT ","
                                "\"payload\":{\"order\":\"%s\",\"number\":\"A-0001\",\"state\":\"placed\","
                                "\"at\":%" G_GINT64_FORMAT ",\"merchant\":2,\"lines\":[]}}]",
                                order_uuid, now, order_uuid, now);
  {
    g_autoptr(JsonArray) events = parse_events (order_text);
    g_autoptr(VtrHubBatch) batch = vtr_hub_batch_new (seen, key_list, events, now);
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    gint64 next = -1, order_cursor = -1;
    gboolean more = TRUE;

    g_assert_true (vtr_hub_backend_ingest (backend, batch, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (vtr_hub_batch_get_n_accepted (batch), ==, 1);
    g_assert_cmpint (hub_events (hub_dir, cluster), ==, 2);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "shop");
    g_assert_true (vtr_hub_backend_write_orders (backend, 2, 0, 10, builder, &next, &error));
    g_assert_no_error (error);
    g_assert_cmpint (next, ==, 0);
    json_builder_set_member_name (builder, "other");
    g_assert_true (vtr_hub_backend_write_orders (backend, 3, 0, 10, builder, &next, &error));
    json_builder_set_member_name (builder, "kiosk");
    g_assert_true (vtr_hub_backend_write_order_changes (backend, 0, id, 0, 10, builder, &order_cursor, &more,
                                                        &error));
    g_assert_no_error (error);
    g_assert_cmpint (order_cursor, >, 0);
    g_assert_false (more);
    json_builder_end_object (builder);
    root = json_builder_get_root (builder);
    text = json_to_string (root, FALSE);
    {
      g_autofree char *expected = g_strdup_printf ("{\"shop\":[{\"uuid\":\"%s\",\"number\":\"A-0001\","
                                                   "\"state\":\"placed\",", order_uuid);

      g_assert_true (g_str_has_prefix (text, expected));
    }
    g_assert_nonnull (strstr (text, "\"other\":[],\"kiosk\":[{\"uuid\":"));
    g_assert_null (strstr (strstr (text, "\"kiosk\""), "\"placed\":"));
  }

  /* The feed by pages of 5: every product once, the cursor at the end. */
  last = vtr_hub_backend_last_change (backend, &error);
  g_assert_no_error (error);
  g_assert_cmpint (last, >=, 23);
  for (;;)
    {
      g_autoptr(GString) page = g_string_new (NULL);
      g_autoptr(JsonObject) object = NULL;
      gint64 next;
      guint n;

      g_assert_true (vtr_hub_backend_write_changes (backend, NULL, cursor, 5, page, &next, &n, &error));
      g_assert_no_error (error);
      object = vtr_test_parse_object (page->str);
      g_assert_cmpint (json_object_get_int_member (object, "since"), ==, cursor);
      g_assert_cmpint (json_object_get_int_member (object, "cursor"), ==, next);
      g_assert_cmpint (json_object_get_boolean_member (object, "more"), ==, n == 5);
      if (json_object_has_member (object, "products"))
        total += json_array_get_length (json_object_get_array_member (object, "products"));
      cursor = next;
      if (n < 5)
        break;
    }
  g_assert_cmpuint (total, ==, 23);
  g_assert_cmpint (cursor, ==, last);

  g_clear_pointer (&backend, vtr_hub_backend_free);
  vtr_test_remove_tree (hub_dir);
  if (cluster)
    vtr_test_cluster_stop (cluster);
}

static void
test_backend_sqlite (void)
{
  backend_body (FALSE);
}

static void
test_backend_postgresql (void)
{
  backend_body (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-pg/backend/sqlite", test_backend_sqlite);
  g_test_add_func ("/hub-pg/backend/postgresql", test_backend_postgresql);
  g_test_add_func ("/hub-pg/sync/sqlite", test_sync_sqlite);
  g_test_add_func ("/hub-pg/sync/postgresql", test_sync_postgresql);
  g_test_add_func ("/hub-pg/feed/two-writers", test_feed_two_writers);
  g_test_add_func ("/hub-pg/events/once-across-hubs", test_events_once_across_hubs);
  g_test_add_func ("/hub-pg/admin/postgresql", test_admin_postgresql);
  g_test_add_func ("/hub-pg/schema/no-lock", test_schema_no_lock);
  g_test_add_func ("/hub-pg/backup-restore", test_backup_restore);
  return g_test_run ();
}

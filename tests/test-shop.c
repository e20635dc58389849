#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * "Ma boutique" across real processes: the real `vitrine-hub serve` on
 * 127.0.0.1, a shop's counter and a street kiosk as `vitrine-ctl` on
 * their own folders. The merchant changes a price, a promotion and closes
 * exceptionally; after sync the street kiosk shows them; the federation's
 * next import keeps the shop's newer price and reports it; another shop's
 * device, a street kiosk and bad values are refused by the hub with a
 * reason, and nothing of them is applied.
 */

#define SHOP     "1"
#define SAUSAGES "13" /* stocked by shop 1 in the demo catalogue */
#define MERGUEZ  "14"

typedef struct
{
  char       *hub_dir;
  char       *shop_dir;
  char       *kiosk_dir;
  char       *other_dir;
  VtrTestHub *hub;
  char       *session;
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)
#define CTL(dir, r, ...) vtr_test_run (r, "VITRINE_CTL", dir, NULL, __VA_ARGS__, NULL)
#define SHOP_CTL(f, r, ...) \
  vtr_test_run (r, "VITRINE_CTL", (f)->shop_dir, (const char * const[]) { "VITRINE_SESSION", (f)->session, NULL }, \
                __VA_ARGS__, NULL)

static void
pair (Fixture    *f,
      const char *dir,
      const char *name,
      const char *merchant)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autofree char *code = vtr_test_hub_add_device (f->hub_dir, name, merchant);

  CTL (dir, &r, "pair", code, "--hub", f->hub->url);
  if (r.status != 0)
    g_error ("pair: %s", r.err);
}

static void
sync_ok (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "sync", "--json");
  if (r.status != 0)
    g_error ("sync: %s %s", r.out, r.err);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) pin = { 0 };
  g_auto(VtrTestResult) login = { 0 };

  f->hub_dir = vtr_test_make_data_dir ();
  f->shop_dir = vtr_test_make_data_dir ();
  f->kiosk_dir = vtr_test_make_data_dir ();
  f->other_dir = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->hub_dir);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
  pair (f, f->shop_dir, "Comptoir de la boucherie", SHOP);
  pair (f, f->kiosk_dir, "Kiosque de la Canebière", NULL);
  sync_ok (f->shop_dir);
  sync_ok (f->kiosk_dir);
  vtr_test_run_with_input (&pin, "VITRINE_CTL", f->shop_dir, NULL, "2468\n", "merchant", "set-pin", SHOP, NULL);
  g_assert_cmpint (pin.status, ==, 0);
  vtr_test_run_with_input (&login, "VITRINE_CTL", f->shop_dir, NULL, "2468\n", "merchant", "login", SHOP, NULL);
  g_assert_cmpint (login.status, ==, 0);
  f->session = vtr_test_last_line (login.out);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hub)
    vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->hub_dir);
  vtr_test_remove_tree (f->shop_dir);
  vtr_test_remove_tree (f->kiosk_dir);
  vtr_test_remove_tree (f->other_dir);
  g_free (f->hub_dir);
  g_free (f->shop_dir);
  g_free (f->kiosk_dir);
  g_free (f->other_dir);
  g_free (f->session);
}

static gint64
sql (const char *dir,
     const char *file,
     const char *query)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  return vtr_test_sql_int (path, query);
}

/* The street kiosk's answer to "where is product 13?", for shop 1. */
static JsonObject *
kiosk_stockist (Fixture    *f,
                const char *product)
{
  g_auto(VtrTestResult) r = { 0 };
  g_auto(GStrv) lines = NULL;

  CTL (f->kiosk_dir, &r, "stockists", product, "--near", "43.2965,5.3698", "--limit", "600", "--json");
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      g_autoptr(JsonObject) line = vtr_test_parse_object (lines[i]);
      if (json_object_get_int_member_with_default (line, "merchant_id", 0) == 1)
        return g_steal_pointer (&line);
    }
  g_error ("shop 1 is not among the stockists: %s", r.out);
}

/* The web page a phone opens from a signed code: a product's ad at the
 * shop, or the shop's own code. */
static char *
phone_page (Fixture    *f,
            const char *kind,
            const char *id)
{
  g_auto(VtrTestResult) sign = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *url = NULL;

  if (g_str_equal (kind, "product"))
    HUB (f, &sign, "sign", "product", id, "--merchant", SHOP);
  else
    HUB (f, &sign, "sign", "merchant", id);
  g_assert_cmpint (sign.status, ==, 0);
  code = vtr_test_last_line (sign.out);
  g_assert_true (g_str_has_prefix (code, "HTTPS://VTR13.FR/"));
  url = g_strconcat (f->hub->url, code + strlen ("HTTPS://VTR13.FR"), NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
test_edit_to_street_kiosk (Fixture      *f,
                           gconstpointer data)
{
  g_auto(VtrTestResult) price = { 0 };
  g_auto(VtrTestResult) promotion = { 0 };
  g_auto(VtrTestResult) closure = { 0 };
  g_auto(VtrTestResult) history = { 0 };
  g_autoptr(JsonObject) before = kiosk_stockist (f, SAUSAGES);
  g_autoptr(JsonObject) unsynced = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_days (today, 30);
  g_autofree char *from = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (later, "%Y-%m-%d");

  g_assert_cmpint (json_object_get_int_member (before, "price_cents"), ==, 1010);

  SHOP_CTL (f, &price, "shop", "stock", SAUSAGES, "--price", "9,50", "--state", "low", "--quantity", "4", "--json");
  g_assert_cmpint (price.status, ==, 0);
  SHOP_CTL (f, &promotion, "shop", "promotion", "--product", MERGUEZ, "--kind", "percent", "--value", "17",
            "--from", from, "--to", to, "--title", "−17 % sur les merguez", "--loyal", "--json");
  g_assert_cmpint (promotion.status, ==, 0);
  SHOP_CTL (f, &closure, "shop", "close", "2026-12-24", "2026-12-26");
  g_assert_cmpint (closure.status, ==, 0);

  /* On the counter at once, on the street kiosk only after both syncs. */
  g_assert_cmpint (sql (f->shop_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 13 "
                                                   "AND merchant_id = 1"), ==, 950);
  unsynced = kiosk_stockist (f, SAUSAGES);
  g_assert_cmpint (json_object_get_int_member (unsynced, "price_cents"), ==, 1010);
  sync_ok (f->shop_dir);
  sync_ok (f->kiosk_dir);

  after = kiosk_stockist (f, SAUSAGES);
  g_assert_cmpint (json_object_get_int_member (after, "price_cents"), ==, 950);
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db", "SELECT availability FROM stock WHERE product_id = 13 "
                                                    "AND merchant_id = 1"), ==, 1);
  /* The quantity on the shelf is the shop's business. */
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db", "SELECT quantity IS NULL FROM stock WHERE product_id = 13 "
                                                    "AND merchant_id = 1"), ==, 1);
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db",
                        "SELECT count (*) FROM promotion WHERE merchant_id = 1 AND product_id = 14 "
                        "AND title = '−17 % sur les merguez' AND value = 17 AND audience = 1"), ==, 1);
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db",
                        "SELECT count (*) FROM merchant WHERE id = 1 "
                        "AND opening_hours LIKE '%; 2026 Dec 24-2026 Dec 26 off'"), ==, 1);
  /* The street kiosk shows the promotion as the merchant typed it, for
   * loyal customers only. */
  {
    g_autoptr(JsonObject) merguez = kiosk_stockist (f, MERGUEZ);
    JsonArray *promotions = json_object_get_array_member (merguez, "promotions");
    JsonObject *first = NULL;

    g_assert_cmpuint (json_array_get_length (promotions), ==, 1);
    first = json_array_get_object_element (promotions, 0);
    g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "−17 % sur les merguez");
    g_assert_cmpstr (json_object_get_string_member (first, "audience"), ==, "loyal");
  }
  /* The street kiosk says the shop is closed on Christmas Eve. */
  {
    g_auto(VtrTestResult) r = { 0 };

    CTL (f->kiosk_dir, &r, "stockists", SAUSAGES, "--near", "43.2965,5.3698", "--limit", "600", "--open-now",
         "--at", "2026-12-24T10:00:00+01:00", "--json");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strstr (r.out, "\"merchant_id\":1,"));
  }

  /* The phone page behind the product's poster shows them too. */
  {
    g_autofree char *sausages = phone_page (f, "product", SAUSAGES);
    g_autofree char *shop = phone_page (f, "merchant", SHOP);

    g_assert_nonnull (strstr (sausages, "9,50"));
    /* The promotion as the merchant typed it, for loyal customers only. */
    {
      const char *typed = strstr (shop, "<span class=\"promo\"><bdi>−17 % sur les merguez</bdi></span> ");
      g_autofree char *item = NULL;

      g_assert_nonnull (typed);
      item = g_strndup (typed, strstr (typed, "</li>") - typed);
      g_assert_true (strstr (item, "17% off") || strstr (item, "17 % de remise"));
      g_assert_true (strstr (item, "loyalty card holders only") ||
                     strstr (item, "réservé aux porteurs de la carte de fidélité"));
      g_assert_nonnull (strstr (item, "<bdi>Merguez 500 g</bdi>"));
    }
  }

  SHOP_CTL (f, &history, "shop", "history", "--json");
  g_assert_cmpint (history.status, ==, 0);
  g_assert_null (strstr (history.out, "pending"));
  g_assert_nonnull (strstr (history.out, "\"state\":\"accepted\""));
}

static void
test_import_keeps_newer_shop_price (Fixture      *f,
                                    gconstpointer data)
{
  g_auto(VtrTestResult) price = { 0 };
  g_auto(VtrTestResult) old_file = { 0 };
  g_auto(VtrTestResult) new_file = { 0 };
  g_autofree char *older = g_build_filename (f->hub_dir, "older.json", NULL);
  g_autofree char *newer = g_build_filename (f->hub_dir, "newer.json", NULL);

  SHOP_CTL (f, &price, "shop", "stock", SAUSAGES, "--price", "9.50");
  g_assert_cmpint (price.status, ==, 0);
  sync_ok (f->shop_dir);
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 13 "
                                                  "AND merchant_id = 1"), ==, 950);

  /* The federation's file was made before the shop's change. */
  g_assert_true (g_file_set_contents (older,
                                      "{\"stock\": [{\"product_id\": 13, \"merchant_id\": 1, \"price_cents\": 1100, "
                                      "  \"availability\": \"in-stock\", \"updated\": 1700000000},"
                                      " {\"product_id\": 15, \"merchant_id\": 1, \"price_cents\": 1500, "
                                      "  \"availability\": \"in-stock\", \"updated\": 1700000000}]}",
                                      -1, NULL));
  HUB (f, &old_file, "import", older);
  g_assert_cmpint (old_file.status, ==, 0);
  g_test_message ("%s", old_file.out);
  g_assert_nonnull (strstr (old_file.out, "1 stock line kept as its shop set it later at the counter"));
  g_assert_nonnull (strstr (old_file.out, "shop 1, product 13"));
  g_assert_nonnull (strstr (old_file.out, "kept the shop’s price 9,50 €"));
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 13 "
                                                  "AND merchant_id = 1"), ==, 950);
  /* The line the shop did not touch takes the file's price. */
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 15 "
                                                  "AND merchant_id = 1"), ==, 1500);

  /* A file made after it wins, and the line is the federation's again. */
  g_assert_true (g_file_set_contents (newer,
                                      "{\"stock\": [{\"product_id\": 13, \"merchant_id\": 1, \"price_cents\": 1200, "
                                      "  \"availability\": \"in-stock\", \"updated\": 4000000000}]}",
                                      -1, NULL));
  HUB (f, &new_file, "import", newer);
  g_assert_cmpint (new_file.status, ==, 0);
  g_assert_null (strstr (new_file.out, "kept"));
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 13 "
                                                  "AND merchant_id = 1"), ==, 1200);
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT count (*) FROM stock_edit"), ==, 0);
}

/* POSTs one event as the device of @token; the hub's answer for it. */
static JsonObject *
post_event (Fixture    *f,
            const char *token,
            const char *kind,
            const char *payload)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/api/v1/events", f->hub->url);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"events\":[{\"uuid\":\"%s\",\"kind\":\"%s\",\"created\":%" G_GINT64_FORMAT
                                           ",\"payload\":%s}]}",
                                           uuid, kind, g_get_real_time () / G_USEC_PER_SEC, payload);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  root = vtr_test_parse_object (text);
  return json_object_ref (json_array_get_object_element (json_object_get_array_member (root, "results"), 0));
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

static void
test_refused_by_hub (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *shop_token = token_of (f->shop_dir);
  g_autofree char *kiosk_token = token_of (f->kiosk_dir);
  g_autofree char *other_token = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *digest_after = NULL;
  struct
  {
    const char **token;
    const char  *kind;
    const char  *payload;
    const char  *reason;
  } cases[] = {
    /* A hacked device of shop 2 changing shop 1's price. */
    { (const char **) &other_token, "shop-stock",
      "{\"merchant\":1,\"product\":13,\"price_cents\":1,\"availability\":\"in-stock\"}", "another shop" },
    /* A street kiosk has no shop to change. */
    { (const char **) &kiosk_token, "shop-stock",
      "{\"merchant\":1,\"product\":13,\"price_cents\":1,\"availability\":\"in-stock\"}", "Only a shop" },
    { (const char **) &shop_token, "shop-stock",
      "{\"merchant\":1,\"product\":13,\"price_cents\":-5,\"availability\":\"in-stock\"}", "negative" },
    { (const char **) &shop_token, "shop-stock",
      "{\"merchant\":1,\"product\":13,\"price_cents\":10000001,\"availability\":\"in-stock\"}", "100 000 €" },
    { (const char **) &shop_token, "shop-promotion",
      "{\"merchant\":1,\"promotion\":20000000000001,\"product\":13,\"kind\":\"percent\",\"value\":10,"
      "\"starts\":1900000000,\"ends\":1800000000}", "ends before it starts" },
    { (const char **) &shop_token, "shop-hours",
      "{\"merchant\":1,\"opening_hours\":\"Mo 09:00-12:00,11:00-18:00\"}", "overlap" },
    { (const char **) &shop_token, "shop-product",
      "{\"merchant\":1,\"gtin\":\"4006381333932\",\"name\":\"X\",\"category\":\"viande\"}", "barcode" },
    { (const char **) &shop_token, "shop-product",
      "{\"merchant\":1,\"gtin\":\"4006381333931\",\"name\":\"X\",\"category\":\"nowhere\"}", "category" },
  };

  pair (f, f->other_dir, "Comptoir volé", "2");
  other_token = token_of (f->other_dir);
  digest = vtr_test_catalog_digest (f->hub_dir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) answer = post_event (f, *cases[i].token, cases[i].kind, cases[i].payload);
      const char *reason = json_object_get_string_member_with_default (answer, "reason", "");

      g_test_message ("%s: %s", cases[i].kind, reason);
      g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "rejected");
      g_assert_nonnull (strstr (reason, cases[i].reason));
    }
  /* Ending another shop's promotion from this shop's own device. */
  {
    gint64 theirs = sql (f->hub_dir, "catalog.db", "SELECT id FROM promotion WHERE merchant_id <> 1 LIMIT 1");
    g_autofree char *payload = g_strdup_printf ("{\"merchant\":1,\"promotion\":%" G_GINT64_FORMAT ",\"end\":true}",
                                                theirs);
    g_autoptr(JsonObject) answer = post_event (f, shop_token, "shop-promotion", payload);

    g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "rejected");
    g_assert_nonnull (strstr (json_object_get_string_member (answer, "reason"), "another shop"));
  }

  /* Nothing of them in the federation's catalogue. */
  digest_after = vtr_test_catalog_digest (f->hub_dir);
  g_assert_cmpstr (digest, ==, digest_after);
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT count (*) FROM shop_event"), ==, 0);

  /* A change the counter accepted offline but the hub refuses is shown
   * refused with the hub's words, and put back on the counter. */
  {
    g_auto(VtrTestResult) stock = { 0 };
    g_auto(VtrTestResult) history = { 0 };
    g_auto(VtrTestResult) removed = { 0 };

    SHOP_CTL (f, &stock, "shop", "stock", "15", "--price", "20");
    g_assert_cmpint (stock.status, ==, 0);
    /* Meanwhile the federation takes product 15 off the catalogue. */
    {
      g_autofree char *file = g_build_filename (f->hub_dir, "gone.json", NULL);

      g_assert_true (g_file_set_contents (file, "{\"deleted\": {\"products\": [15]}}", -1, NULL));
      HUB (f, &removed, "import", file);
      g_assert_cmpint (removed.status, ==, 0);
    }
    sync_ok (f->shop_dir);
    SHOP_CTL (f, &history, "shop", "history", "--json");
    g_assert_nonnull (strstr (history.out, "\"state\":\"refused\""));
    g_assert_nonnull (strstr (history.out, "not in the catalogue"));
  }
}

static void
test_made_product_review (Fixture      *f,
                          gconstpointer data)
{
  g_auto(VtrTestResult) made = { 0 };
  g_auto(VtrTestResult) price = { 0 };
  g_auto(VtrTestResult) list = { 0 };
  g_auto(VtrTestResult) merged = { 0 };
  g_auto(VtrTestResult) after = { 0 };
  g_autofree char *file = g_build_filename (f->hub_dir, "fed.json", NULL);
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *id = NULL;

  SHOP_CTL (f, &made, "shop", "product", "4006381333931", "--name", "Saucisson de l’Estaque", "--category",
            "viande", "--json");
  g_assert_cmpint (made.status, ==, 0);
  answer = vtr_test_parse_object (made.out);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (answer, "id"));
  SHOP_CTL (f, &price, "shop", "stock", "4006381333931", "--price", "6.90");
  g_assert_cmpint (price.status, ==, 0);
  sync_ok (f->shop_dir);

  HUB (f, &list, "products", "review", "--json");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "Saucisson de l’Estaque"));
  g_assert_nonnull (strstr (list.out, id));

  /* The federation's file brings the same barcode: merged, its price kept. */
  g_assert_true (g_file_set_contents (file,
                                      "{\"products\": [{\"id\": 9001, \"gtin\": \"4006381333931\", "
                                      "\"name\": \"Saucisson sec de l’Estaque\", \"category\": \"viande\"}]}",
                                      -1, NULL));
  HUB (f, &merged, "import", file);
  g_assert_cmpint (merged.status, ==, 0);
  g_assert_nonnull (strstr (merged.out, "1 product made by a shop merged"));
  g_assert_cmpint (sql (f->hub_dir, "catalog.db", "SELECT price_cents FROM stock WHERE product_id = 9001 "
                                                  "AND merchant_id = 1"), ==, 690);
  HUB (f, &after, "products", "review");
  g_assert_nonnull (strstr (after.out, "No product made by a shop waits for review"));

  /* Every kiosk gets the federation's product in its place. */
  sync_ok (f->kiosk_dir);
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db", "SELECT count (*) FROM stock WHERE product_id = 9001 "
                                                    "AND merchant_id = 1 AND price_cents = 690"), ==, 1);
  g_assert_cmpint (sql (f->kiosk_dir, "catalog.db", "SELECT count (*) FROM product WHERE id >= 10000000000000"), ==,
                   0);
}

static void
test_poster_signed_then_printed (Fixture      *f,
                                 gconstpointer data)
{
  g_auto(VtrTestResult) request = { 0 };
  g_auto(VtrTestResult) waiting = { 0 };
  g_auto(VtrTestResult) printed = { 0 };
  g_auto(VtrTestResult) again = { 0 };
  g_autofree char *pdf = g_build_filename (f->shop_dir, "poster.pdf", NULL);
  g_autofree char *printer = g_strdup_printf ("pdf:%s", pdf);
  g_autofree char *contents = NULL;
  gsize len = 0;

  SHOP_CTL (f, &request, "shop", "poster", "--product", SAUSAGES, "--json");
  g_assert_cmpint (request.status, ==, 0);
  /* Not signed before the hub has seen it. */
  SHOP_CTL (f, &waiting, "shop", "posters", "--json");
  g_assert_cmpstr (g_strstrip (waiting.out), ==, "[]");

  sync_ok (f->shop_dir);
  SHOP_CTL (f, &printed, "shop", "posters", "--print", "--printer", printer, "--json");
  g_assert_cmpint (printed.status, ==, 0);
  g_assert_nonnull (strstr (printed.out, "\"code\":\"HTTPS://VTR13.FR/"));
  g_assert_nonnull (strstr (printed.out, "\"print_job\":"));
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));

  /* Printed once. */
  SHOP_CTL (f, &again, "shop", "posters", "--json");
  g_assert_cmpstr (g_strstrip (again.out), ==, "[]");
}

static void
test_stats (Fixture      *f,
            gconstpointer data)
{
  g_auto(VtrTestResult) stats = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonArray *weeks;

  SHOP_CTL (f, &stats, "shop", "stats", "--json");
  g_assert_cmpint (stats.status, ==, 0);
  root = vtr_test_parse_object (stats.out);
  weeks = json_object_get_array_member (root, "weeks");
  /* This week and the eight before, a Monday a week apart. */
  g_assert_cmpuint (json_array_get_length (weeks), ==, 9);
  for (guint i = 1; i < 9; i++)
    {
      gint64 gap = json_object_get_int_member (json_array_get_object_element (weeks, i), "starts") -
                   json_object_get_int_member (json_array_get_object_element (weeks, i - 1), "starts");

      g_assert_cmpint (gap, >=, 7 * 86400 - 3600);
      g_assert_cmpint (gap, <=, 7 * 86400 + 3600);
    }
}

/* (poster) A phone opening @path on the hub from @address (a source
 * address on the loopback), as @user_agent. */
static void
phone_opens (Fixture    *f,
             const char *path,
             const char *address,
             const char *user_agent)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("local-address", local, NULL);
  g_autofree char *url = g_strconcat (f->hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  if (user_agent)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", user_agent);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
}

static char *
sign (Fixture    *f,
      const char *what,
      const char *id,
      const char *merchant)
{
  g_auto(VtrTestResult) r = { 0 };

  if (merchant)
    HUB (f, &r, "sign", what, id, "--merchant", merchant);
  else
    HUB (f, &r, "sign", what, id);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_last_line (r.out);
}

/* This week's figures and the posters scanned most, from `shop stats`. */
static JsonObject *
shop_stats (const char *dir,
            const char *session)
{
  g_auto(VtrTestResult) r = { 0 };

  vtr_test_run (&r, "VITRINE_CTL", dir, (const char * const[]) { "VITRINE_SESSION", session, NULL }, "shop",
                "stats", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_parse_object (r.out);
}

static JsonObject *
this_week (JsonObject *stats)
{
  JsonArray *weeks = json_object_get_array_member (stats, "weeks");

  return json_array_get_object_element (weeks, json_array_get_length (weeks) - 1);
}

/* (poster) A request to the hub as the device of @dir (its token, read
 * from its journal), answered with @status. */
static char *
device_request (Fixture    *f,
                const char *dir,
                const char *method,
                const char *path,
                const char *body,
                guint      *status)
{
  g_autofree char *journal = g_build_filename (dir, "journal.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bearer = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (journal, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT token FROM hub", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  bearer = g_strconcat ("Bearer ", (const char *) sqlite3_column_text (stmt, 0), NULL);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

/* (poster) The hub refuses a poster scan that names no shop, no day, or
 * a product with the shop's code; a street kiosk may not ask for a
 * shop's counts. Nothing of them is counted. */
static void
test_poster_scans_refused (Fixture      *f,
                           gconstpointer data)
{
  static const char * const payloads[] = {
    "{\"kind\": \"poster-scan\", \"code\": \"product\", \"product\": 13, \"day\": 20261130}",
    "{\"kind\": \"poster-scan\", \"code\": \"merchant\", \"merchant\": 1, \"product\": 13, \"day\": 20261130}",
    "{\"kind\": \"poster-scan\", \"code\": \"product\", \"merchant\": 1, \"product\": 13, \"day\": 20261340}",
  };
  g_autoptr(GString) events = g_string_new ("{\"events\": [");
  g_autofree char *answer = NULL;
  g_autofree char *scans = NULL;
  g_autoptr(JsonObject) results = NULL;
  JsonArray *list;
  guint status = 0;

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_string_append_printf (events, "%s{\"uuid\": \"%s\", \"kind\": \"poster-scan\", "
                                      "\"created\": 1795740429, \"payload\": %s}",
                              i ? ", " : "", uuid, payloads[i]);
    }
  g_string_append (events, "]}");
  answer = device_request (f, f->kiosk_dir, "POST", "/api/v1/events", events->str, &status);
  g_assert_cmpuint (status, ==, 200);
  results = vtr_test_parse_object (answer);
  list = json_object_get_array_member (results, "results");
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *result = json_array_get_object_element (list, i);

      g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
      g_assert_nonnull (strstr (json_object_get_string_member (result, "reason"), "poster scan"));
    }
  g_assert_cmpint (sql (f->hub_dir, "hub.db", "SELECT count (*) FROM poster_scan"), ==, 0);

  scans = device_request (f, f->kiosk_dir, "GET", "/api/v1/poster-scans", NULL, &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_nonnull (strstr (scans, "forbidden"));
}

/* (poster) Issue 18's last figure: the street kiosk scans the shop's
 * signed poster (`vitrine-ctl code scanned`, as its camera would) and a
 * phone opens the same code's page on the hub; after their syncs the
 * shop's device shows 1 kiosk scan and 1 phone scan of that poster. A
 * reload from the same address within a minute and a link-preview robot
 * count nothing; a second phone served from the page cache counts;
 * another shop's device receives none of it, and a street kiosk may not
 * ask. */
static void
test_poster_scans (Fixture      *f,
                   gconstpointer data)
{
  g_auto(VtrTestResult) scanned = { 0 };
  g_auto(VtrTestResult) pin = { 0 };
  g_auto(VtrTestResult) login = { 0 };
  g_autofree char *poster = sign (f, "product", SAUSAGES, SHOP);
  g_autofree char *shop_code = sign (f, "merchant", SHOP, NULL);
  g_autofree char *other_session = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) other_stats = NULL;
  JsonObject *week, *top;
  JsonArray *posters;
  const char *path = poster + strlen ("HTTPS://VTR13.FR");

  /* At the street kiosk: recorded in its outbox, then sent up. */
  CTL (f->kiosk_dir, &scanned, "code", "scanned", poster, "--json");
  g_assert_cmpint (scanned.status, ==, 0);
  answer = vtr_test_parse_object (scanned.out);
  g_assert_cmpstr (json_object_get_string_member (answer, "verdict"), ==, "trusted");
  g_assert_true (json_object_get_boolean_member (answer, "poster_scan"));
  g_assert_cmpint (sql (f->kiosk_dir, "journal.db", "SELECT count (*) FROM outbox WHERE kind = 'poster-scan' "
                                                    "AND json_extract (payload, '$.merchant') = 1 "
                                                    "AND json_extract (payload, '$.product') = 13"), ==, 1);
  sync_ok (f->kiosk_dir);
  g_assert_cmpint (sql (f->kiosk_dir, "journal.db", "SELECT count (*) FROM outbox"), ==, 0);

  /* A phone opens it, reloads it, and a messaging app fetches its
   * preview: one view. */
  phone_opens (f, path, "127.0.0.1", "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36");
  phone_opens (f, path, "127.0.0.1", "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36");
  phone_opens (f, path, "127.0.0.3", "WhatsApp/2.23.20.0 A");
  phone_opens (f, path, "127.0.0.4", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)");
  /* The shop's own code, by two phones: the second page comes from the
   * hub's cache of pages, and counts all the same. */
  phone_opens (f, shop_code + strlen ("HTTPS://VTR13.FR"), "127.0.0.1", NULL);
  phone_opens (f, shop_code + strlen ("HTTPS://VTR13.FR"), "127.0.0.2", NULL);

  sync_ok (f->shop_dir);
  stats = shop_stats (f->shop_dir, f->session);
  week = this_week (stats);
  g_assert_cmpint (json_object_get_int_member (week, "poster_scans_kiosk"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (week, "poster_scans_phone"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (week, "poster_scans"), ==, 4);
  posters = json_object_get_array_member (stats, "top_posters");
  g_assert_cmpuint (json_array_get_length (posters), ==, 2);
  /* The shop's code first (2 scans), then the sausages' poster. */
  top = json_array_get_object_element (posters, 0);
  g_assert_cmpint (json_object_get_int_member (top, "product_id"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (top, "phone"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (top, "kiosk"), ==, 0);
  top = json_array_get_object_element (posters, 1);
  g_assert_cmpint (json_object_get_int_member (top, "product_id"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (top, "kiosk"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (top, "phone"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (top, "name"), !=, "");

  /* The hub keeps counts, per shop, day, source and poster: nothing of
   * the phones' addresses. */
  g_assert_cmpint (sql (f->hub_dir, "hub.db", "SELECT sum (scans) FROM poster_scan WHERE merchant_id = 1 "
                                              "AND source = 'phone'"), ==, 3);
  g_assert_cmpint (sql (f->hub_dir, "hub.db", "SELECT count (*) FROM poster_scan WHERE source = 'kiosk' "
                                              "AND product_id = 13 AND scans = 1"), ==, 1);

  /* Sent again (a lost answer), the kiosk's scan counts once. */
  sync_ok (f->kiosk_dir);
  sync_ok (f->shop_dir);
  g_clear_pointer (&stats, json_object_unref);
  stats = shop_stats (f->shop_dir, f->session);
  g_assert_cmpint (json_object_get_int_member (this_week (stats), "poster_scans_kiosk"), ==, 1);

  /* Another shop's device sees none of shop 1's scans. */
  pair (f, f->other_dir, "Comptoir de la boulangerie", "2");
  sync_ok (f->other_dir);
  vtr_test_run_with_input (&pin, "VITRINE_CTL", f->other_dir, NULL, "1357\n", "merchant", "set-pin", "2", NULL);
  g_assert_cmpint (pin.status, ==, 0);
  vtr_test_run_with_input (&login, "VITRINE_CTL", f->other_dir, NULL, "1357\n", "merchant", "login", "2", NULL);
  g_assert_cmpint (login.status, ==, 0);
  other_session = vtr_test_last_line (login.out);
  g_assert_cmpint (sql (f->other_dir, "journal.db", "SELECT count (*) FROM poster_scan"), ==, 0);
  other_stats = shop_stats (f->other_dir, other_session);
  g_assert_cmpint (json_object_get_int_member (this_week (other_stats), "poster_scans"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (other_stats, "top_posters")), ==, 0);
  /* And a street kiosk asks for none. */
  g_assert_cmpint (sql (f->kiosk_dir, "journal.db", "SELECT count (*) FROM poster_scan"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/shop/edit-to-street-kiosk", test_edit_to_street_kiosk);
  ADD ("/shop/import-keeps-newer-shop-price", test_import_keeps_newer_shop_price);
  ADD ("/shop/refused-by-hub", test_refused_by_hub);
  ADD ("/shop/made-product-review", test_made_product_review);
  ADD ("/shop/poster-signed-then-printed", test_poster_signed_then_printed);
  ADD ("/shop/stats", test_stats);
  ADD ("/shop/poster-scans", test_poster_scans);
  ADD ("/shop/poster-scans-refused", test_poster_scans_refused);
#undef ADD
  return g_test_run ();
}

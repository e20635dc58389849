#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "vtr-area.h"
#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * Feeds by area (docs/hub-api.md, "Areas"): the real vitrine-hub on
 * 127.0.0.1 with a catalogue of two départements, the Bouches-du-Rhône
 * (13) and the Haute-Garonne (31), and kiosks registered for each, each
 * synced by `vitrine-ctl sync` in its own process and data folder. What
 * each kiosk downloaded is read from its catalog.db.
 */

typedef struct
{
  char       *hub_dir;
  VtrTestHub *hub;
  char       *kiosk_dir[4];
  char       *device_id[4];
} Fixture;

enum { KIOSK_13, KIOSK_31, KIOSK_ALL, KIOSK_RADIUS };

static const char *kiosk_env[] = { "VITRINE_SYNC_PAGE", "3", NULL };

/* Shops 1, 2 in the 13 (Marseille, Aix), 3, 4 in the 31; product 10 is
 * stocked in both, 11 in the 13 only, 12 in the 31 only, 13 nowhere. */
static const char catalogue[] =
  "{\"merchants\": ["
  " {\"id\": 1, \"name\": \"Savonnerie du Panier\", \"postcode\": \"13002\", \"city\": \"Marseille\", \"lat\": 43.2990, \"lon\": 5.3680},"
  " {\"id\": 2, \"name\": \"Calissons d’Aix\", \"postcode\": \"13100\", \"city\": \"Aix-en-Provence\", \"lat\": 43.5297, \"lon\": 5.4474},"
  " {\"id\": 3, \"name\": \"Violettes du Capitole\", \"postcode\": \"31000\", \"city\": \"Toulouse\", \"lat\": 43.6045, \"lon\": 1.4440},"
  " {\"id\": 4, \"name\": \"Cassoulet Saint-Cyprien\", \"postcode\": \"31300\", \"city\": \"Toulouse\", \"lat\": 43.5970, \"lon\": 1.4300}],"
  "\"products\": ["
  " {\"id\": 10, \"name\": \"Miel de lavande\"},"
  " {\"id\": 11, \"name\": \"Savon de Marseille\"},"
  " {\"id\": 12, \"name\": \"Bonbons à la violette\"},"
  " {\"id\": 13, \"name\": \"Parapluie\"}],"
  "\"stock\": ["
  " {\"product_id\": 10, \"merchant_id\": 1, \"price_cents\": 850, \"updated\": 1800000000},"
  " {\"product_id\": 11, \"merchant_id\": 1, \"price_cents\": 450, \"updated\": 1800000000},"
  " {\"product_id\": 11, \"merchant_id\": 2, \"price_cents\": 470, \"updated\": 1800000000},"
  " {\"product_id\": 10, \"merchant_id\": 3, \"price_cents\": 900, \"updated\": 1800000000},"
  " {\"product_id\": 12, \"merchant_id\": 3, \"price_cents\": 600, \"updated\": 1800000000},"
  " {\"product_id\": 12, \"merchant_id\": 4, \"price_cents\": 620, \"updated\": 1800000000}],"
  "\"promotions\": ["
  " {\"id\": 100, \"merchant_id\": 1, \"product_id\": 11, \"kind\": \"percent\", \"value\": 10, \"starts\": 1700000000, \"ends\": 1900000000},"
  " {\"id\": 101, \"merchant_id\": 3, \"product_id\": 12, \"kind\": \"percent\", \"value\": 20, \"starts\": 1700000000, \"ends\": 1900000000}],"
  "\"rules\": ["
  " {\"merchant_id\": 1, \"cents_per_point\": 100}, {\"merchant_id\": 3, \"cents_per_point\": 200}],"
  "\"rewards\": ["
  " {\"id\": 300, \"merchant_id\": 2, \"points\": 50, \"kind\": \"discount\", \"value\": 500, \"title\": \"5 € offerts\"},"
  " {\"id\": 301, \"merchant_id\": 4, \"points\": 80, \"kind\": \"discount\", \"value\": 800, \"title\": \"8 € offerts\"}],"
  "\"collection_points\": ["
  " {\"id\": 200, \"kind\": \"cardboard\", \"name\": \"Cartons du Panier\", \"merchant_id\": 1, \"lat\": 43.2991, \"lon\": 5.3681},"
  " {\"id\": 201, \"kind\": \"clothes\", \"name\": \"Borne Joliette\", \"address\": \"2 place de la Joliette, 13002 Marseille\", \"lat\": 43.3050, \"lon\": 5.3660},"
  " {\"id\": 202, \"kind\": \"clothes\", \"name\": \"Borne Capitole\", \"address\": \"1 place du Capitole, 31000 Toulouse\", \"lat\": 43.6045, \"lon\": 1.4430}]}";

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)

static gint64
kiosk_count (Fixture    *f,
             guint       kiosk,
             const char *sql)
{
  g_autofree char *path = g_build_filename (f->kiosk_dir[kiosk], "catalog.db", NULL);

  return vtr_test_sql_int (path, sql);
}

/* The ids of a kiosk's rows, "1,2": what it downloaded. */
static char *
kiosk_ids (Fixture    *f,
           guint       kiosk,
           const char *table,
           const char *column)
{
  g_autofree char *path = g_build_filename (f->kiosk_dir[kiosk], "catalog.db", NULL);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY 1", column, table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (ids, "%s%s", ids->len ? "," : "", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
sync_kiosk (Fixture *f,
            guint    kiosk)
{
  g_auto(VtrTestResult) r = { 0 };

  vtr_test_run (&r, "VITRINE_CTL", f->kiosk_dir[kiosk], kiosk_env, "sync", NULL);
  if (r.status != 0)
    g_error ("sync of kiosk %u: %s", kiosk, r.err);
}

static void
import (Fixture    *f,
        const char *json)
{
  g_autofree char *path = g_build_filename (f->hub_dir, "import.json", NULL);
  g_auto(VtrTestResult) r = { 0 };

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  HUB (f, &r, "import", path);
  if (r.status != 0)
    g_error ("import: %s", r.err);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char * const areas[] = { "13", "31", NULL, "43.29,5.37,15km" };
  g_auto(VtrTestResult) keys = { 0 };

  f->hub_dir = vtr_test_make_data_dir ();
  vtr_test_run (&keys, "VITRINE_HUB", f->hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  import (f, catalogue);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
  for (guint k = 0; k < G_N_ELEMENTS (areas); k++)
    {
      g_auto(VtrTestResult) add = { 0 };
      g_auto(VtrTestResult) pair = { 0 };
      g_autofree char *name = g_strdup_printf ("Kiosque %u", k);
      g_autofree char *code = NULL;

      if (areas[k])
        HUB (f, &add, "device", "add", name, "--area", areas[k]);
      else
        HUB (f, &add, "device", "add", name);
      g_assert_cmpint (add.status, ==, 0);
      code = vtr_test_last_line (add.out);
      f->device_id[k] = g_strdup_printf ("%u", k + 1);
      f->kiosk_dir[k] = vtr_test_make_data_dir ();
      vtr_test_run (&pair, "VITRINE_CTL", f->kiosk_dir[k], NULL, "pair", code, "--hub", f->hub->url, NULL);
      if (pair.status != 0)
        g_error ("pair: %s", pair.err);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->hub_dir);
  g_free (f->hub_dir);
  for (guint k = 0; k < G_N_ELEMENTS (f->kiosk_dir); k++)
    {
      vtr_test_remove_tree (f->kiosk_dir[k]);
      g_free (f->kiosk_dir[k]);
      g_free (f->device_id[k]);
    }
}

/* What a kiosk holds, table by table. */
static char *
holdings (Fixture *f,
          guint    kiosk)
{
  g_autofree char *merchants = kiosk_ids (f, kiosk, "merchant", "id");
  g_autofree char *products = kiosk_ids (f, kiosk, "product", "id");
  g_autofree char *stock = kiosk_ids (f, kiosk, "stock", "product_id || '@' || merchant_id");
  g_autofree char *promotions = kiosk_ids (f, kiosk, "promotion", "id");
  g_autofree char *rules = kiosk_ids (f, kiosk, "loyalty_rule", "merchant_id");
  g_autofree char *rewards = kiosk_ids (f, kiosk, "reward", "id");
  g_autofree char *points = kiosk_ids (f, kiosk, "collection_point", "id");

  return g_strdup_printf ("shops %s; products %s; stock %s; promotions %s; rules %s; rewards %s; points %s",
                          merchants, products, stock, promotions, rules, rewards, points);
}

static void
test_area_first_download (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *h13 = NULL;
  g_autofree char *h31 = NULL;
  g_autofree char *hall = NULL;
  g_autofree char *hradius = NULL;
  g_autofree char *hub_catalog = g_build_filename (f->hub_dir, "catalog.db", NULL);

  for (guint k = 0; k < G_N_ELEMENTS (f->kiosk_dir); k++)
    sync_kiosk (f, k);
  h13 = holdings (f, KIOSK_13);
  h31 = holdings (f, KIOSK_31);
  hall = holdings (f, KIOSK_ALL);
  hradius = holdings (f, KIOSK_RADIUS);
  /* The 13's kiosk never downloads the 31, nor a product stocked
   * only there, nor a product stocked nowhere. */
  g_assert_cmpstr (h13, ==, "shops 1,2; products 10,11; stock 10@1,11@1,11@2; promotions 100; rules 1; "
                            "rewards 300; points 200,201");
  g_assert_cmpstr (h31, ==, "shops 3,4; products 10,12; stock 10@3,12@3,12@4; promotions 101; rules 3; "
                            "rewards 301; points 202");
  /* A device with no area holds everything, as before areas. */
  g_assert_cmpstr (hall, ==, "shops 1,2,3,4; products 10,11,12,13; "
                             "stock 10@1,10@3,11@1,11@2,12@3,12@4; promotions 100,101; rules 1,3; "
                             "rewards 300,301; points 200,201,202");
  /* 15 km around the Vieux-Port: Marseille, not Aix (25 km). */
  g_assert_cmpstr (hradius, ==, "shops 1; products 10,11; stock 10@1,11@1; promotions 100; rules 1; "
                                "rewards ; points 200,201");
  /* Every kiosk's cursor is the hub's newest change: the changes of
   * other areas were passed over, not left to read again. */
  for (guint k = 0; k < G_N_ELEMENTS (f->kiosk_dir); k++)
    g_assert_cmpint (kiosk_count (f, k, "SELECT value FROM sync_state WHERE key = 'feed_cursor'"), ==,
                     vtr_test_sql_int (hub_catalog, "SELECT max (seq) FROM catalog_change"));
}

static void
test_area_changes (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *h13 = NULL;
  g_autofree char *h31 = NULL;

  sync_kiosk (f, KIOSK_13);
  sync_kiosk (f, KIOSK_31);
  /* An Aix shop starts selling the violets of Toulouse (a product the
   * 13 skipped: it comes with the stock), a Toulouse shop changes a
   * price and closes another; a new 13 shop opens. */
  import (f,
          "{\"stock\": ["
          " {\"product_id\": 12, \"merchant_id\": 2, \"price_cents\": 700, \"updated\": 1800000100},"
          " {\"product_id\": 10, \"merchant_id\": 3, \"price_cents\": 950, \"updated\": 1800000100}],"
          "\"merchants\": [{\"id\": 5, \"name\": \"Navettes de Saint-Victor\", \"postcode\": \"13007\", "
          "  \"city\": \"Marseille\", \"lat\": 43.2905, \"lon\": 5.3655}],"
          "\"deleted\": {\"stock\": [[12, 4]]}}");
  sync_kiosk (f, KIOSK_13);
  sync_kiosk (f, KIOSK_31);
  h13 = holdings (f, KIOSK_13);
  h31 = holdings (f, KIOSK_31);
  g_assert_cmpstr (h13, ==, "shops 1,2,5; products 10,11,12; stock 10@1,11@1,11@2,12@2; promotions 100; "
                            "rules 1; rewards 300; points 200,201");
  g_assert_cmpstr (h31, ==, "shops 3,4; products 10,12; stock 10@3,12@3; promotions 101; rules 3; "
                            "rewards 301; points 202");
  g_assert_cmpint (kiosk_count (f, KIOSK_31, "SELECT price_cents FROM stock WHERE product_id = 10"), ==, 950);
}

static void
test_area_move (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) move = { 0 };
  g_auto(VtrTestResult) list = { 0 };
  g_autofree char *h = NULL;
  g_autofree char *log = NULL;

  sync_kiosk (f, KIOSK_13);
  /* The kiosk of the 13 goes to Toulouse: it drops the 13 and gets the 31. */
  HUB (f, &move, "device", "area", f->device_id[KIOSK_13], "31");
  g_assert_cmpint (move.status, ==, 0);
  HUB (f, &list, "device", "list", "--json");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "\"area\" : \"31\""));
  sync_kiosk (f, KIOSK_13);
  h = holdings (f, KIOSK_13);
  g_assert_cmpstr (h, ==, "shops 3,4; products 10,12; stock 10@3,12@3,12@4; promotions 101; rules 3; "
                          "rewards 301; points 202");
  /* The hub told it once (410) and it downloaded its new area. */
  g_assert_true (g_file_get_contents (f->hub->log, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "\"status\":410"));
  g_clear_pointer (&h, g_free);

  /* Then to everything, then 15 km around the Vieux-Port. */
  g_clear_pointer (&move.out, g_free);
  g_clear_pointer (&move.err, g_free);
  HUB (f, &move, "device", "area", f->device_id[KIOSK_13], "all");
  g_assert_cmpint (move.status, ==, 0);
  sync_kiosk (f, KIOSK_13);
  g_assert_cmpint (kiosk_count (f, KIOSK_13, "SELECT count (*) FROM merchant"), ==, 4);
  g_assert_cmpint (kiosk_count (f, KIOSK_13, "SELECT count (*) FROM product"), ==, 4);
  g_clear_pointer (&move.out, g_free);
  g_clear_pointer (&move.err, g_free);
  HUB (f, &move, "device", "area", f->device_id[KIOSK_13], "43.29,5.37,15km");
  g_assert_cmpint (move.status, ==, 0);
  sync_kiosk (f, KIOSK_13);
  h = holdings (f, KIOSK_13);
  g_assert_cmpstr (h, ==, "shops 1; products 10,11; stock 10@1,11@1; promotions 100; rules 1; "
                          "rewards ; points 200,201");
  /* Up to date in its new area: a poll costs a 304 again. */
  sync_kiosk (f, KIOSK_13);
  g_clear_pointer (&h, g_free);
  h = kiosk_ids (f, KIOSK_13, "merchant", "id");
  g_assert_cmpstr (h, ==, "1");
}

/* One page of the feed as the device of @token asks it: the page. */
static JsonObject *
get_page (SoupSession *session,
          Fixture     *f,
          const char  *token,
          const char  *area_tag,
          gint64       since)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=2", f->hub->url,
                                          since);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  if (area_tag)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Vitrine-Area", area_tag);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return vtr_test_parse_object (text);
}

/* The ids of a page's @table, member @member of each row, added to @seen. */
static void
note_ids (JsonObject *page,
          const char *table,
          const char *member,
          GString    *seen)
{
  JsonArray *rows;

  if (!json_object_has_member (page, table))
    return;
  rows = json_object_get_array_member (page, table);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_string_append_printf (seen, " %s%" G_GINT64_FORMAT " ", table,
                            json_object_get_int_member (json_array_get_object_element (rows, i), member));
}

/* The feed itself, page by page (two rows a page) while the federation
 * writes between pages: no page of the 13's device holds a row of the
 * 31, every change of the 13 comes, and the last cursor is the hub's
 * newest change. */
static void
test_area_pages (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = vtr_test_hub_pair_device (f->hub, "Kiosque des pages");
  g_autofree char *hub_catalog = g_build_filename (f->hub_dir, "catalog.db", NULL);
  g_autofree char *area_tag = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  g_auto(VtrTestResult) move = { 0 };
  gint64 since = 0;
  guint pages = 0;

  HUB (f, &move, "device", "area", "5", "13");
  g_assert_cmpint (move.status, ==, 0);
  for (;;)
    {
      g_autoptr(JsonObject) page = get_page (session, f, token, area_tag, since);

      pages++;
      if (area_tag == NULL)
        area_tag = g_strdup (json_object_get_string_member (page, "area"));
      g_assert_cmpstr (json_object_get_string_member (page, "area"), ==, "1:13");
      g_assert_cmpint (json_object_get_int_member (page, "since"), ==, since);
      note_ids (page, "merchants", "id", seen);
      note_ids (page, "stock", "merchant_id", seen);
      note_ids (page, "promotions", "merchant_id", seen);
      note_ids (page, "rewards", "merchant_id", seen);
      note_ids (page, "rules", "merchant_id", seen);
      note_ids (page, "products", "id", seen);
      g_assert_cmpint (json_object_get_int_member (page, "cursor"), >=, since);
      since = json_object_get_int_member (page, "cursor");
      /* After the second page, the federation writes in both départements. */
      if (pages == 2)
        import (f,
                "{\"stock\": ["
                " {\"product_id\": 13, \"merchant_id\": 2, \"price_cents\": 1500, \"updated\": 1800000200},"
                " {\"product_id\": 13, \"merchant_id\": 4, \"price_cents\": 1600, \"updated\": 1800000200}]}");
      if (!json_object_get_boolean_member (page, "more"))
        break;
    }
  g_assert_cmpuint (pages, >, 4);
  /* The 31's shops (3, 4) never appear; the umbrella stocked since in Aix
   * came, with its stock line. */
  g_assert_null (strstr (seen->str, " merchants3 "));
  g_assert_null (strstr (seen->str, " merchants4 "));
  g_assert_null (strstr (seen->str, " stock3 "));
  g_assert_null (strstr (seen->str, " stock4 "));
  g_assert_null (strstr (seen->str, " promotions3 "));
  g_assert_null (strstr (seen->str, " rewards4 "));
  g_assert_null (strstr (seen->str, " rules3 "));
  g_assert_null (strstr (seen->str, " products12 "));
  g_assert_nonnull (strstr (seen->str, " products13 "));
  g_assert_nonnull (strstr (seen->str, " merchants1 "));
  g_assert_nonnull (strstr (seen->str, " merchants2 "));
  g_assert_cmpint (since, ==, vtr_test_sql_int (hub_catalog, "SELECT max (seq) FROM catalog_change"));
}

static void
test_area_refused (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const wrong[] = { "20", "99", "13,5", "43.29,5.37,0km", "43.29,5.37,5000km", "Marseille" };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_auto(VtrTestResult) add = { 0 };
      g_auto(VtrTestResult) move = { 0 };
      g_autoptr(VtrArea) area = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (vtr_area_parse (wrong[i], &area, &error));
      g_assert_nonnull (error);
      HUB (f, &add, "device", "add", "Kiosque", "--area", wrong[i]);
      g_assert_cmpint (add.status, !=, 0);
      g_assert_nonnull (strstr (add.err, wrong[i]));
      HUB (f, &move, "device", "area", f->device_id[KIOSK_13], wrong[i]);
      g_assert_cmpint (move.status, !=, 0);
    }
  {
    g_auto(VtrTestResult) move = { 0 };

    HUB (f, &move, "device", "area", "99", "13");
    g_assert_cmpint (move.status, !=, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/area/first-download", Fixture, NULL, fixture_set_up, test_area_first_download, fixture_tear_down);
  g_test_add ("/area/changes", Fixture, NULL, fixture_set_up, test_area_changes, fixture_tear_down);
  g_test_add ("/area/move", Fixture, NULL, fixture_set_up, test_area_move, fixture_tear_down);
  g_test_add ("/area/pages", Fixture, NULL, fixture_set_up, test_area_pages, fixture_tear_down);
  g_test_add ("/area/refused", Fixture, NULL, fixture_set_up, test_area_refused, fixture_tear_down);
  return g_test_run ();
}

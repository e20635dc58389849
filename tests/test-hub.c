#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-key-list.h"
#include "vtr-test-decode.h"
#include "vtr-test-util.h"

/*
 * vitrine-hub's keys and signing as the federation's staff use them, and
 * the round trip a code makes in real life: signed on the hub, drawn in a
 * PNG or on a PDF page, read back by the kiosk's own decoder (the PDF
 * through poppler), checked against the key list the hub exports.
 */

static char *hub_dir;
static char *kiosk_dir;

#define run(result, program_env, dir, ...) vtr_test_run (result, program_env, dir, NULL, __VA_ARGS__)
#define HUB(r, ...) run (r, "VITRINE_HUB", hub_dir, __VA_ARGS__, NULL)
#define CTL(r, ...) run (r, "VITRINE_CTL", kiosk_dir, __VA_ARGS__, NULL)

static char *
first_line (const char *text)
{
  return g_strndup (text, strcspn (text, "\n"));
}

/* Gives the kiosk the hub's current key list, as pairing and sync will. */
static void
kiosk_takes_keys (void)
{
  g_auto(VtrTestResult) list = { 0 };
  g_auto(VtrTestResult) root = { 0 };
  g_auto(VtrTestResult) import = { 0 };
  g_autofree char *path = g_build_filename (hub_dir, "published.json", NULL);
  g_autofree char *root_key = NULL;

  HUB (&list, "keys", "export");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_true (g_file_set_contents (path, list.out, -1, NULL));
  HUB (&root, "keys", "export", "--root");
  root_key = first_line (root.out);
  CTL (&import, "keys", "import", path, "--root", root_key);
  if (import.status != 0)
    g_error ("import: %s", import.err);
}

static char *
verdict_of (const char *url)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonNode) node = NULL;

  CTL (&r, "code", "inspect", url, "--json");
  g_assert_cmpint (r.status, ==, 0);
  node = json_from_string (r.out, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "verdict"));
}

static void
test_keys (void)
{
  g_auto(VtrTestResult) again = { 0 };
  g_auto(VtrTestResult) old = { 0 };
  g_auto(VtrTestResult) rotate = { 0 };
  g_auto(VtrTestResult) fresh = { 0 };
  g_auto(VtrTestResult) retire_signing = { 0 };
  g_auto(VtrTestResult) retire = { 0 };
  g_auto(VtrTestResult) list = { 0 };
  g_autofree char *old_url = NULL;
  g_autofree char *fresh_url = NULL;
  g_autofree char *v = NULL;

  /* Keys are never replaced by mistake. */
  HUB (&again, "keys", "init");
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "already has keys"));

  HUB (&old, "sign", "merchant", "42");
  g_assert_cmpint (old.status, ==, 0);
  old_url = first_line (old.out);
  kiosk_takes_keys ();
  v = verdict_of (old_url);
  g_assert_cmpstr (v, ==, "trusted");
  g_free (v);

  /* After a rotation, new codes use the new key; old ones still verify. */
  HUB (&rotate, "keys", "rotate");
  g_assert_cmpint (rotate.status, ==, 0);
  HUB (&fresh, "sign", "merchant", "42");
  fresh_url = first_line (fresh.out);
  g_assert_nonnull (strstr (fresh_url, "/K2/"));
  v = verdict_of (fresh_url);
  /* The kiosk does not know key 2 yet... */
  g_assert_cmpstr (v, ==, "unknown-key");
  g_free (v);
  kiosk_takes_keys ();
  v = verdict_of (fresh_url);
  g_assert_cmpstr (v, ==, "trusted");
  g_free (v);
  v = verdict_of (old_url);
  g_assert_cmpstr (v, ==, "trusted");
  g_free (v);

  /* The signing key cannot be retired; the old one can, and its codes stop. */
  HUB (&retire_signing, "keys", "retire", "2");
  g_assert_cmpint (retire_signing.status, ==, 1);
  HUB (&retire, "keys", "retire", "1");
  g_assert_cmpint (retire.status, ==, 0);
  kiosk_takes_keys ();
  v = verdict_of (old_url);
  g_assert_cmpstr (v, ==, "retired-key");
  g_free (v);
  v = verdict_of (fresh_url);
  g_assert_cmpstr (v, ==, "trusted");

  HUB (&list, "keys", "list");
  g_assert_nonnull (strstr (list.out, "Key 1: retired"));
  g_assert_nonnull (strstr (list.out, "Key 2: signing"));
}

static void
test_sign_errors (void)
{
  static const char * const bad[][6] = {
    { "sign", "product", "abc" },
    { "sign", "product", "12", "--expires", "31/01/2027" },
    { "sign", "pairing", "Abcdefgh12" },
    { "sign", "card", "--expires", "2027-01-01" },
    { "sign", "pickup", "lower-case" },
    { "sign", "teapot", "1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(VtrTestResult) r = { 0 };

      run (&r, "VITRINE_HUB", hub_dir, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], NULL);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpuint (strlen (r.err), >, 10);
    }
}

static void
test_png_round_trip (void)
{
  g_autofree char *png = g_build_filename (hub_dir, "card.png", NULL);
  g_auto(VtrTestResult) r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *v = NULL;
  g_autoptr(GPtrArray) texts = NULL;

  kiosk_takes_keys ();
  HUB (&r, "sign", "card", "--png", png);
  g_assert_cmpint (r.status, ==, 0);
  url = first_line (r.out);

  texts = vtr_test_read_png (png);
  g_assert_cmpuint (texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, url);
  v = verdict_of (g_ptr_array_index (texts, 0));
  g_assert_cmpstr (v, ==, "trusted");
}

static void
test_pdf_round_trip (void)
{
  g_autofree char *pdf = g_build_filename (hub_dir, "poster.pdf", NULL);
  g_auto(VtrTestResult) r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) codes = NULL;

  kiosk_takes_keys ();
  HUB (&r, "sign", "product", "1234", "--merchant", "56", "--promotion", "78", "--expires",
       "2099-12-31", "--pdf", pdf);
  g_assert_cmpint (r.status, ==, 0);
  url = first_line (r.out);

  /* The page says what the code is, in words, and its code, rendered at
   * 150 dpi, reads back and verifies. */
  codes = vtr_test_read_pdf (pdf, 150, &text, NULL, NULL);
  g_assert_nonnull (strstr (text, "Product 1234"));
  g_assert_nonnull (strstr (text, "31/12/2099"));
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, url);
  {
    g_autofree char *v = verdict_of (url);
    g_assert_cmpstr (v, ==, "trusted");
  }
}

static void
test_batches (void)
{
  g_auto(VtrTestResult) cards = { 0 };
  g_auto(VtrTestResult) pickups = { 0 };
  g_auto(VtrTestResult) stock = { 0 };
  g_auto(VtrTestResult) numbers = { 0 };
  g_autofree char *path = g_build_filename (hub_dir, "pickups.txt", NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  kiosk_takes_keys ();
  HUB (&cards, "sign", "card", "--count", "20");
  g_assert_cmpint (cards.status, ==, 0);
  lines = g_strsplit (g_strstrip (cards.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 20);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *v = verdict_of (lines[i]);

      g_assert_cmpstr (v, ==, "trusted");
      g_assert_false (g_hash_table_contains (seen, lines[i]));
      g_hash_table_add (seen, lines[i]);
    }

  /* Order numbers read aloud: two letters, a dash, four digits. */
  HUB (&pickups, "sign", "pickup", "--count", "30", "--expires", "2099-12-31");
  g_assert_cmpint (pickups.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^HTTPS://VTR13\\.FR/O/[A-Z]{2}-[0-9]{4}/E20991231/K[0-9]+/",
                                       pickups.out, 0, 0));
  g_assert_true (g_file_set_contents (path, pickups.out, -1, NULL));
  CTL (&stock, "order", "stock", path);
  g_assert_cmpint (stock.status, ==, 0);
  g_assert_nonnull (strstr (stock.out, "30 order numbers added"));

  HUB (&numbers, "sign", "card", "--count", "0");
  g_assert_cmpint (numbers.status, ==, 2);
}

static void
write_file (const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (hub_dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
test_import (void)
{
  g_autofree char *merchants = g_build_filename (hub_dir, "merchants.csv", NULL);
  g_autofree char *products = g_build_filename (hub_dir, "products.csv", NULL);
  g_autofree char *bad_stock = g_build_filename (hub_dir, "bad-stock.csv", NULL);
  g_autofree char *json = g_build_filename (hub_dir, "more.json", NULL);
  g_autofree char *bad_json = g_build_filename (hub_dir, "bad.json", NULL);
  g_autofree char *catalog = g_build_filename (hub_dir, "catalog.db", NULL);
  g_auto(VtrTestResult) good = { 0 };
  g_auto(VtrTestResult) bad = { 0 };
  g_auto(VtrTestResult) more = { 0 };
  g_auto(VtrTestResult) worse = { 0 };
  g_auto(VtrTestResult) stockists = { 0 };

  write_file ("merchants.csv",
              "id,name,services,address,postcode,city,lat,lon,phone,opening_hours\n"
              "1,Savonnerie du Port,savonnerie,2 quai du Port,13002,Marseille,43.2963,5.3700,,Mo-Sa 10:00-19:00\n"
              "2,\"Épicerie \"\"Chez Nous\"\"\",epicerie;primeur,3 rue Sainte,13007,Marseille,43.2915,5.3705,,\n");
  write_file ("products.csv", "id,gtin,name,brand,category\n10,3760123000017,Savon de Marseille,Marius Fabre,hygiene\n");
  /* The third line is wrong: the whole file stays out. */
  write_file ("bad-stock.csv",
              "product_id,merchant_id,price_cents,availability\n10,1,450,in-stock\n10,2,4.90,low\n");
  write_file ("more.json",
              "{\"stock\": [{\"product_id\": 10, \"merchant_id\": 1, \"price_cents\": 450},"
              "             {\"product_id\": 10, \"merchant_id\": 2, \"price_cents\": 490, \"availability\": \"low\"}],"
              " \"rules\": [{\"merchant_id\": 1, \"cents_per_point\": 100}],"
              " \"collection_points\": [{\"id\": 1, \"kind\": \"parcel-locker\", \"name\": \"Consigne\", \"lat\": 43.2953, \"lon\": 5.3742}]}");
  write_file ("bad.json", "{\"products\": [{\"id\": 11, \"name\": \"Huile\"}, {\"id\": 12, \"gtin\": \"123\", \"name\": \"X\"}]}");

  HUB (&good, "import", merchants, products);
  g_assert_cmpint (good.status, ==, 0);
  g_assert_nonnull (strstr (good.out, "2 shops"));

  HUB (&bad, "import", bad_stock);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "line 3"));
  g_assert_nonnull (strstr (bad.err, "nothing of it"));

  HUB (&worse, "import", bad_json);
  g_assert_cmpint (worse.status, ==, 1);
  g_assert_nonnull (strstr (worse.err, "products, entry 2"));

  HUB (&more, "import", json);
  g_assert_cmpint (more.status, ==, 0);

  /* What went in is what a kiosk would ask: the hub's catalogue has the
   * JSON's stock and not the bad CSV's, nor the bad JSON's first product. */
  run (&stockists, "VITRINE_CTL", hub_dir, "stockists", "3760123000017", "--near", "43.2951,5.3744",
       "--json", NULL);
  g_assert_cmpint (stockists.status, ==, 0);
  g_assert_nonnull (strstr (stockists.out, "\"price_cents\":490"));
  {
    g_auto(VtrTestResult) huile = { 0 };
    run (&huile, "VITRINE_CTL", hub_dir, "stockists", "11", "--near", "43.2951,5.3744", NULL);
    g_assert_cmpint (huile.status, ==, 1);
  }
  g_assert_true (g_file_test (catalog, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_auto(VtrTestResult) init = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("VITRINE_HUB"));
  g_assert_true (vtr_scan_init (NULL));

  hub_dir = vtr_test_make_data_dir ();
  kiosk_dir = vtr_test_make_data_dir ();
  HUB (&init, "keys", "init", "--host", "vtr13.fr");
  g_assert_cmpint (init.status, ==, 0);

  g_test_add_func ("/hub/keys", test_keys);
  g_test_add_func ("/hub/sign-errors", test_sign_errors);
  g_test_add_func ("/hub/png-round-trip", test_png_round_trip);
  g_test_add_func ("/hub/pdf-round-trip", test_pdf_round_trip);
  g_test_add_func ("/hub/batches", test_batches);
  g_test_add_func ("/hub/import", test_import);

  status = g_test_run ();
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
  return status;
}

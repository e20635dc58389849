#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vtr-flashcode.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"

/*
 * vitrine-ctl as a person or a script uses it: the real program, run in a
 * fresh data folder holding the demo catalogue.
 */

static char *data_dir;

/* vitrine-ctl on the test's data folder; the arguments end with NULL. */
#define run_ctl(result, env_extra, ...) \
  vtr_test_run (result, "VITRINE_CTL", data_dir, env_extra, __VA_ARGS__)

#define AT "--at", "2026-11-25T10:00:00+01:00"
#define VIEUX_PORT "--near", "43.2951,5.3744"

static GPtrArray *
parse_lines (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_ptr_array_add (objects, node);
    }
  return objects;
}

static void
test_stockists_json (void)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  gint64 last = 0;

  run_ctl (&r, NULL, "stockists", "savon de marseille", VIEUX_PORT, AT, "--limit", "5", "--json",
           NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = parse_lines (r.out);
  g_assert_cmpuint (lines->len, ==, 5);

  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (lines, i));
      gint64 distance = json_object_get_int_member (o, "distance_m");

      g_assert_cmpint (distance, >=, last);
      last = distance;
      g_assert_cmpint (json_object_get_int_member (o, "price_cents"), >, 0);
      g_assert_cmpint (json_object_get_int_member (o, "walking_minutes"), >=, 1);
      g_assert_true (json_object_has_member (o, "open_now"));
      g_assert_true (json_object_has_member (o, "promotions"));
      g_assert_cmpstr (json_object_get_string_member (o, "availability"), !=, "out-of-stock");
    }
  /* The nearest is within a few minutes' walk of the Vieux-Port. */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (lines, 0)),
                                               "distance_m"), <, 500);
}

static void
test_stockists_text (void)
{
  g_auto(VtrTestResult) r = { 0 };

  run_ctl (&r, NULL, "stockists", "savon de marseille", VIEUX_PORT, AT, "--limit", "3", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Savon de Marseille"));
  /* Wednesday 10:00: the nearest grocer is open. */
  g_assert_nonnull (strstr (r.out, "open, closes at"));
  g_assert_nonnull (strstr (r.out, " 1. "));
  g_assert_nonnull (strstr (r.out, " 3. "));
  g_assert_null (strstr (r.out, " 4. "));
  g_assert_nonnull (strstr (r.out, "min walk"));
  g_assert_nonnull (strstr (r.out, " €"));
}

static void
test_open_now (void)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  /* At 03:00 only the all-night places are open. */
  run_ctl (&r, NULL, "stockists", "savon de marseille", VIEUX_PORT, "--at",
           "2026-11-25T03:00:00+01:00", "--open-now", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = parse_lines (r.out);
  for (guint i = 0; i < lines->len; i++)
    g_assert_true (json_object_get_boolean_member (json_node_get_object (g_ptr_array_index (lines, i)),
                                                   "open_now"));
}

static void
test_search_accents (void)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  gboolean service = FALSE, merchant = FALSE;

  run_ctl (&r, NULL, "search", "epicerie", VIEUX_PORT, AT, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = parse_lines (r.out);
  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (lines, i));
      const char *type = json_object_get_string_member (o, "type");

      if (g_str_equal (type, "service"))
        service |= g_str_equal (json_object_get_string_member (o, "service"), "epicerie");
      if (g_str_equal (type, "merchant"))
        merchant |= g_str_has_prefix (json_object_get_string_member (o, "name"), "Épicerie");
    }
  g_assert_true (service);
  g_assert_true (merchant);
}

static void
test_near_and_collect (void)
{
  g_auto(VtrTestResult) r = { 0 };
  g_auto(VtrTestResult) r2 = { 0 };
  g_auto(VtrTestResult) r3 = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  run_ctl (&r, NULL, "near", "pharmacie", VIEUX_PORT, AT, "--json", "--limit", "3", NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = parse_lines (r.out);
  g_assert_cmpuint (lines->len, ==, 3);
  g_clear_pointer (&lines, g_ptr_array_unref);

  run_ctl (&r2, NULL, "collect", "parcel-locker", VIEUX_PORT, AT, "--json", NULL);
  g_assert_cmpint (r2.status, ==, 0);
  lines = parse_lines (r2.out);
  g_assert_cmpuint (lines->len, >=, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (lines, 0)),
                                                  "kind"), ==, "parcel-locker");
  g_clear_pointer (&lines, g_ptr_array_unref);

  run_ctl (&r3, NULL, "promotions", VIEUX_PORT, AT, "--json", NULL);
  g_assert_cmpint (r3.status, ==, 0);
  lines = parse_lines (r3.out);
  g_assert_cmpuint (lines->len, ==, 10);
}

static void
test_bad_arguments (void)
{
  static const struct { const char *args[6]; const char *message; } cases[] = {
    { { "stockists", "savon", "--near", "91,5" }, "out of range" },
    { { "stockists", "savon", "--near", "Marseille" }, "not a position" },
    { { "stockists", "savon" }, "--near" },
    { { "collect", "batteries", "--near", "43.29,5.37" }, "not a kind" },
    { { "near", "plombier", "--near", "43.29,5.37" }, "not a service" },
    { { "stockists", "savon", "--near", "43.29,5.37", "--limit", "0" }, "--limit" },
    { { "stockists", "savon", "--near", "43.29,5.37", "--at", "tomorrow" }, "date" },
    { { "fly" }, "Unknown command" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(VtrTestResult) r = { 0 };

      run_ctl (&r, NULL, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3],
               cases[i].args[4], cases[i].args[5], NULL);
      g_assert_cmpint (r.status, !=, 0);
      if (strstr (r.err, cases[i].message) == NULL)
        g_error ("%s: expected “%s” in: %s", cases[i].args[0], cases[i].message, r.err);
    }

  {
    g_auto(VtrTestResult) r = { 0 };

    /* A product the catalogue lacks is an error too, in words. */
    run_ctl (&r, NULL, "stockists", "4006381333931", VIEUX_PORT, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "No product with barcode 4006381333931"));
  }
}

static void
test_french (void)
{
  static const char * const french[] = { "LANGUAGE", "fr", "LC_ALL", "C.UTF-8", NULL };
  g_auto(VtrTestResult) r = { 0 };
  g_auto(VtrTestResult) r2 = { 0 };

  /* Saturday at noon, written as people write it. */
  run_ctl (&r, french, "stockists", "savon de marseille", VIEUX_PORT, "--at", "2026-11-28 23:00",
           "--limit", "3", NULL);
  g_assert_cmpint (r.status, ==, 0);
  if (strstr (r.out, "à pied") == NULL)
    g_error ("expected French output, got: %s", r.out);
  g_assert_null (strstr (r.out, "min walk"));
  /* Closed late on Saturday; opening days are French words too. */
  if (strstr (r.out, "fermé, ouvre lun.") == NULL && strstr (r.out, "fermé, ouvre mar.") == NULL &&
      strstr (r.out, "fermé, ouvre dim.") == NULL)
    g_error ("expected a French opening day, got: %s", r.out);

  run_ctl (&r2, french, "collect", "batteries", VIEUX_PORT, NULL);
  g_assert_cmpint (r2.status, ==, 2);
  g_assert_nonnull (strstr (r2.err, "n’est pas"));
}

static void
test_french_by_default (void)
{
  /* A kiosk that states no language speaks French. */
  static const char * const unset[] = { "LANGUAGE", NULL, "LC_ALL", "C", "LANG", "C", NULL };
  g_auto(VtrTestResult) r = { 0 };

  run_ctl (&r, unset, "near", "boulangerie", VIEUX_PORT, AT, "--limit", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  if (strstr (r.out, "à pied") == NULL)
    g_error ("expected French by default, got: %s", r.out);
}

static void
test_scan (void)
{
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "data", "codes", NULL);
  g_autofree char *katakana = g_test_build_filename (G_TEST_DIST, "data", "codes", "shift-jis-katakana.txt", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_auto(VtrTestResult) r = { 0 };
  guint four = 0;
  gboolean found_katakana = FALSE, found_ean = FALSE;

  g_assert_true (g_file_get_contents (katakana, &expected, NULL, NULL));

  /* A folder and a file that is not there: the rest is still scanned. */
  run_ctl (&r, NULL, "scan", "--json", folder, "/nonexistent/poster.png", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/poster.png does not exist"));
  lines = parse_lines (r.out);
  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (lines, i));
      const char *file = json_object_get_string_member (o, "file");
      const char *text = json_object_get_string_member (o, "text");

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "corners")), ==, 4);
      if (g_str_has_suffix (file, "four-codes.png"))
        four++;
      if (g_str_has_suffix (file, "shift-jis-katakana.png"))
        found_katakana = g_str_equal (text, expected);
      if (g_str_has_suffix (file, "ean13.png"))
        found_ean = g_str_equal (json_object_get_string_member (o, "symbology"), "ean-13");
    }
  g_assert_cmpuint (four, ==, 4);
  g_assert_true (found_katakana);
  g_assert_true (found_ean);
}

static void
test_scan_text (void)
{
  g_autofree char *image = g_test_build_filename (G_TEST_DIST, "data", "codes", "shift-jis-katakana.png", NULL);
  g_autofree char *readme = g_test_build_filename (G_TEST_DIST, "data", "codes", "README.md", NULL);
  g_auto(VtrTestResult) r = { 0 };

  /* For people: control characters are shown, never sent to the terminal. */
  run_ctl (&r, NULL, "scan", image, readme, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "qr “ﾃﾞｻﾞｲﾝQR\\r\\nhttp://d-qr.net/ex/”"));
  g_assert_null (strchr (r.out, '\r'));
  g_assert_nonnull (strstr (r.err, "cannot be read as an image or a video"));
}

static void
test_scan_too_large (void)
{
  g_autofree char *claims = g_test_build_filename (G_TEST_DIST, "data", "images",
                                                   "claims-30000x30000.png", NULL);
  g_autofree char *ean = g_test_build_filename (G_TEST_DIST, "data", "codes", "ean13.png", NULL);
  g_auto(VtrTestResult) r = { 0 };

  /* A file that claims a huge size is refused in words; the others are
   * still scanned, and vitrine-ctl ends normally. */
  run_ctl (&r, NULL, "scan", claims, ean, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "too large to scan (30000 × 30000 pixels"));
  g_assert_nonnull (strstr (r.out, "ean13.png: ean-13"));
}

/* Runs vitrine-ctl with @input on its standard input. */
static char *
run_with_input (const char *input, int *status, ...)
{
  g_auto(VtrTestResult) r = { 0 };
  va_list args;

  va_start (args, status);
  vtr_test_run_with_input_valist (&r, "VITRINE_CTL", data_dir, NULL, input, args);
  va_end (args);
  *status = r.status;
  return g_steal_pointer (&r.out);
}

static void
test_counter (void)
{
  g_autofree char *set = NULL;
  g_autofree char *token = NULL;
  g_autofree char *wrong = NULL;
  g_auto(VtrTestResult) credit = { 0 };
  g_auto(VtrTestResult) balance = { 0 };
  g_auto(VtrTestResult) outbox = { 0 };
  g_auto(VtrTestResult) forged = { 0 };
  g_auto(VtrTestResult) bare = { 0 };
  g_autofree char *card_code = NULL;
  const char *env[3];
  int status;

  /* The PIN on standard input, never on the command line. */
  set = run_with_input ("4242\n", &status, "merchant", "set-pin", "7", NULL);
  g_assert_cmpint (status, ==, 0);
  wrong = run_with_input ("1111\n", &status, "merchant", "login", "7", NULL);
  g_assert_cmpint (status, ==, 1);
  token = run_with_input ("4242\n", &status, "merchant", "login", "7", NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (token);
  g_assert_cmpuint (strlen (token), >, 20);

  env[0] = "VITRINE_SESSION";
  env[1] = token;
  env[2] = NULL;

  /* The kiosk trusts a federation, which signed the customer's card. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrKeyList) keys = NULL;
    guint8 secret[VTR_SECRET_KEY_BYTES];
    VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) "FFFFFFFFFFFFFFFFFFFFFFFFFF", NULL, NULL, 0, 1 };

    g_assert_no_error (error);
    keys = vtr_test_key_list_new_full (secret, store);
    card_code = vtr_flashcode_sign (&code, "vtr13.fr", secret, &error);
    g_assert_no_error (error);
  }

  /* A card number alone, of a card the kiosk never saw, credits nothing. */
  run_ctl (&bare, env, "loyalty", "credit", "FFFFFFFFFFFFFFFFFFFFFFFFFF", "--amount", "12,50", NULL);
  g_assert_cmpint (bare.status, ==, 1);
  g_assert_nonnull (strstr (bare.err, "number alone"));

  run_ctl (&credit, env, "loyalty", "credit", card_code, "--amount", "12,50", "--json", NULL);
  g_assert_cmpint (credit.status, ==, 0);
  g_assert_nonnull (strstr (credit.out, "\"points\":"));

  run_ctl (&balance, NULL, "loyalty", "balance", "FFFFFFFFFFFFFFFFFFFFFFFFFF", "--json", NULL);
  g_assert_cmpint (balance.status, ==, 0);
  g_assert_nonnull (strstr (balance.out, "\"pending\":"));

  run_ctl (&outbox, NULL, "outbox", "--json", NULL);
  g_assert_cmpint (outbox.status, ==, 0);
  g_assert_nonnull (strstr (outbox.out, "\"kind\":\"credit\""));
  /* The credit carries the card's signed code up to the hub. */
  g_assert_nonnull (strstr (outbox.out, "HTTPS://VTR13.FR/C/FFFFFFFFFFFFFFFFFFFFFFFFFF/K1/"));

  /* A scanned card the federation did not sign is refused, in words. */
  run_ctl (&forged, env, "loyalty", "credit", "HTTPS://VTR13.FR/C/FFFFFFFFFFFFFFFFFFFFFFFFFF/K1/AAAA",
           "--amount", "5", NULL);
  g_assert_cmpint (forged.status, ==, 1);
  g_assert_nonnull (strstr (forged.err, "vitrine-ctl: "));
}

int
main (int argc, char *argv[])
{
  g_auto(VtrTestResult) r = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("VITRINE_CTL"));

  data_dir = vtr_test_make_data_dir ();
  run_ctl (&r, NULL, "demo", "load", AT, NULL);
  g_assert_cmpint (r.status, ==, 0);

  g_test_add_func ("/ctl/stockists-json", test_stockists_json);
  g_test_add_func ("/ctl/stockists-text", test_stockists_text);
  g_test_add_func ("/ctl/open-now", test_open_now);
  g_test_add_func ("/ctl/search-accents", test_search_accents);
  g_test_add_func ("/ctl/near-and-collect", test_near_and_collect);
  g_test_add_func ("/ctl/bad-arguments", test_bad_arguments);
  g_test_add_func ("/ctl/french", test_french);
  g_test_add_func ("/ctl/french-by-default", test_french_by_default);
  g_test_add_func ("/ctl/scan", test_scan);
  g_test_add_func ("/ctl/scan-text", test_scan_text);
  g_test_add_func ("/ctl/scan-too-large", test_scan_too_large);
  g_test_add_func ("/ctl/counter", test_counter);

  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-opening-hours.h"
#include "vtr-store.h"
#include "vtr-test-util.h"
#include "vtr-trust.h"

/*
 * The federation's codes, signed and checked for real with libsodium keys
 * made by the test: every verdict, the key list envelope, the kiosk's
 * trust store, and a file of hostile payloads.
 */

#define HOST "vtr13.fr"

typedef struct
{
  guint8 root_public[32], root_secret[64];
  guint8 public1[32], secret1[64];   /* signing */
  guint8 public2[32], secret2[64];   /* valid (older) */
  guint8 public3[32], secret3[64];   /* retired */
  guint8 stranger_public[32], stranger_secret[64];
} Keys;

static Keys keys;

static char *
list_json (gint64 version)
{
  g_autofree char *p1 = vtr_base64url_encode (keys.public1, 32);
  g_autofree char *p2 = vtr_base64url_encode (keys.public2, 32);
  g_autofree char *p3 = vtr_base64url_encode (keys.public3, 32);

  return g_strdup_printf ("{\"version\":%" G_GINT64_FORMAT ",\"issued\":\"2026-11-26T00:00:00Z\","
                          "\"host\":\"" HOST "\",\"keys\":["
                          "{\"kid\":1,\"public\":\"%s\",\"status\":\"signing\"},"
                          "{\"kid\":2,\"public\":\"%s\",\"status\":\"valid\"},"
                          "{\"kid\":3,\"public\":\"%s\",\"status\":\"retired\"}]}",
                          version, p1, p2, p3);
}

static VtrKeyList *
key_list (void)
{
  g_autofree char *list = list_json (1);
  g_autofree char *envelope = vtr_key_list_seal (list, keys.root_secret);
  g_autoptr(GError) error = NULL;
  VtrKeyList *result = vtr_key_list_load (envelope, keys.root_public, &error);

  g_assert_no_error (error);
  return result;
}

static GDateTime *
paris (int y, int m, int d, int h)
{
  return g_date_time_new (vtr_opening_hours_timezone (), y, m, d, h, 0, 0);
}

static char *
sign (VtrFlashcode *code, const guint8 *secret)
{
  g_autoptr(GError) error = NULL;
  char *url = vtr_flashcode_sign (code, HOST, secret, &error);

  g_assert_no_error (error);
  g_assert_nonnull (url);
  return url;
}

static VtrCodeInfo *
classify (const char *text, VtrKeyList *list)
{
  g_autoptr(GDateTime) now = paris (2026, 11, 26, 12);
  return vtr_code_classify (text, -1, list, now);
}

static void
test_round_trip (void)
{
  g_autoptr(VtrKeyList) list = key_list ();
  g_autofree char *card_id = vtr_flashcode_new_card_id ();
  VtrFlashcode codes[] = {
    { VTR_CODE_PRODUCT, 1234, 56, 78, NULL, NULL, NULL, 20270131, 1 },
    { VTR_CODE_PRODUCT, 99, 0, 0, NULL, NULL, NULL, 0, 1 },
    { VTR_CODE_CARD, 0, 0, 0, card_id, NULL, NULL, 0, 1 },
    { VTR_CODE_PICKUP, 0, 0, 0, NULL, "A7K-3Q9", NULL, 20261203, 1 },
    { VTR_CODE_MERCHANT, 0, 42, 0, NULL, NULL, NULL, 0, 1 },
    { VTR_CODE_PAIRING, 0, 0, 0, NULL, NULL, "XY7KP2QR9LM3", 20261127, 1 },
  };

  g_assert_cmpint (strlen (card_id), ==, VTR_CARD_ID_LENGTH);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *url = sign (&codes[i], keys.secret1);
      g_autoptr(VtrCodeInfo) info = classify (url, list);

      g_assert_true (g_str_has_prefix (url, "HTTPS://VTR13.FR/"));
      /* All in QR's alphanumeric set: what keeps it within version 7-M. */
      g_assert_cmpuint (strspn (url, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"), ==,
                        strlen (url));
      g_assert_cmpuint (strlen (url), <=, 180);
      g_assert_cmpint (info->kind, ==, codes[i].kind);
      g_assert_cmpint (info->verdict, ==, VTR_VERDICT_TRUSTED);
      g_assert_cmpint (info->code.product_id, ==, codes[i].product_id);
      g_assert_cmpint (info->code.merchant_id, ==, codes[i].merchant_id);
      g_assert_cmpint (info->code.promotion_id, ==, codes[i].promotion_id);
      g_assert_cmpstr (info->code.card_id, ==, codes[i].card_id);
      g_assert_cmpstr (info->code.order, ==, codes[i].order);
      g_assert_cmpstr (info->code.pairing, ==, codes[i].pairing);
      g_assert_cmpint (info->code.expires, ==, codes[i].expires);
      g_assert_cmpint (info->code.kid, ==, 1);
    }

  /* Older keys still verify what they signed. */
  {
    VtrFlashcode older = { VTR_CODE_MERCHANT, 0, 7, 0, NULL, NULL, NULL, 0, 2 };
    g_autofree char *url = sign (&older, keys.secret2);
    g_autoptr(VtrCodeInfo) info = classify (url, list);

    g_assert_cmpint (info->verdict, ==, VTR_VERDICT_TRUSTED);
  }

  /* A key retired for its ads and pickup codes still vouches for the
   * cards it signed: a card is printed once and kept for years. */
  {
    VtrFlashcode card = { VTR_CODE_CARD, 0, 0, 0, (char *) "RETIREDRETIREDRETIREDRETIR", NULL, NULL, 0, 3 };
    VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, (char *) "AC-1234", NULL, 0, 3 };
    g_autofree char *card_url = sign (&card, keys.secret3);
    g_autofree char *pickup_url = sign (&pickup, keys.secret3);
    g_autoptr(VtrCodeInfo) card_info = classify (card_url, list);
    g_autoptr(VtrCodeInfo) pickup_info = classify (pickup_url, list);

    g_assert_cmpint (card_info->verdict, ==, VTR_VERDICT_TRUSTED);
    g_assert_cmpint (pickup_info->verdict, ==, VTR_VERDICT_RETIRED_KEY);
  }

  /* Two card ids are never the same. */
  {
    g_autofree char *other = vtr_flashcode_new_card_id ();
    g_assert_cmpstr (other, !=, card_id);
  }
}

static void
test_verdicts (void)
{
  g_autoptr(VtrKeyList) list = key_list ();
  VtrFlashcode product = { VTR_CODE_PRODUCT, 1234, 56, 0, NULL, NULL, NULL, 20261130, 1 };
  g_autofree char *url = sign (&product, keys.secret1);
  struct { const char *name; char *text; VtrVerdict verdict; } cases[8];
  guint n = 0;

  /* Expired: valid through 30 November, Paris time. */
  {
    g_autoptr(GDateTime) last_day = paris (2026, 11, 30, 23);
    g_autoptr(GDateTime) day_after = paris (2026, 12, 1, 0);
    g_autoptr(VtrCodeInfo) ok = vtr_code_classify (url, -1, list, last_day);
    g_autoptr(VtrCodeInfo) late = vtr_code_classify (url, -1, list, day_after);

    g_assert_cmpint (ok->verdict, ==, VTR_VERDICT_TRUSTED);
    g_assert_cmpint (late->verdict, ==, VTR_VERDICT_EXPIRED);
  }

  /* Unknown, retired and stranger keys. */
  {
    VtrFlashcode unknown = product, retired = product, stranger = product;

    unknown.kid = 9;
    retired.kid = 3;
    cases[n++] = (typeof (cases[0])) { "unknown key", sign (&unknown, keys.secret1), VTR_VERDICT_UNKNOWN_KEY };
    cases[n++] = (typeof (cases[0])) { "retired key", sign (&retired, keys.secret3), VTR_VERDICT_RETIRED_KEY };
    /* Signed by someone else under the federation's key id 1. */
    cases[n++] = (typeof (cases[0])) { "forged", sign (&stranger, keys.stranger_secret), VTR_VERDICT_BAD_SIGNATURE };
  }

  /* One byte changed in what is signed, or in the signature. */
  {
    char *altered = g_strdup (url);
    char *p = strstr (altered, "P/1234");

    p[2] = '5'; /* product 1534 */
    cases[n++] = (typeof (cases[0])) { "altered id", altered, VTR_VERDICT_BAD_SIGNATURE };
    altered = g_strdup (url);
    altered[strlen (altered) - 5] = altered[strlen (altered) - 5] == 'A' ? 'B' : 'A';
    cases[n++] = (typeof (cases[0])) { "altered signature", altered, VTR_VERDICT_BAD_SIGNATURE };
  }

  /* Cut short. */
  cases[n++] = (typeof (cases[0])) { "truncated signature", g_strndup (url, strlen (url) - 10), VTR_VERDICT_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { "no signature", g_strndup (url, strrchr (url, '/') - url), VTR_VERDICT_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { "extra", g_strconcat (url, "/X1", NULL), VTR_VERDICT_MALFORMED };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VtrCodeInfo) info = classify (cases[i].text, list);
      g_autofree char *reason = vtr_verdict_describe (info);

      if (info->verdict != cases[i].verdict)
        g_error ("%s: %s, expected %s", cases[i].name, vtr_verdict_to_string (info->verdict),
                 vtr_verdict_to_string (cases[i].verdict));
      /* Each verdict has its own reason in words. */
      g_assert_cmpuint (strlen (reason), >, 10);
      g_free (cases[i].text);
    }

  /* Every length a code could be cut to: never trusted. */
  for (gsize len = 0; len < strlen (url); len++)
    {
      g_autofree char *cut = g_strndup (url, len);
      g_autoptr(VtrCodeInfo) info = classify (cut, list);

      g_assert_cmpint (info->verdict, !=, VTR_VERDICT_TRUSTED);
    }

  /* Rewritten in lowercase: the same address for a browser, not the code
   * the federation signed. */
  {
    g_autofree char *lower = g_ascii_strdown (url, -1);
    g_autoptr(VtrCodeInfo) info = classify (lower, list);

    g_assert_cmpint (info->verdict, !=, VTR_VERDICT_TRUSTED);
  }

  /* A kiosk not paired yet cannot check. */
  {
    g_autoptr(VtrCodeInfo) info = classify (url, NULL);
    g_assert_cmpint (info->verdict, ==, VTR_VERDICT_NO_KEYS);
    g_assert_cmpint (info->kind, ==, VTR_CODE_PRODUCT);
  }
}

static void
test_gtin_and_text (void)
{
  g_autoptr(VtrCodeInfo) good = classify ("3760123000017", NULL);
  g_autoptr(VtrCodeInfo) bad = classify ("3760123000018", NULL);
  g_autoptr(VtrCodeInfo) text = classify ("Bonjour Marseille", NULL);

  g_assert_cmpint (good->kind, ==, VTR_CODE_GTIN);
  g_assert_cmpint (good->verdict, ==, VTR_VERDICT_VALID);
  g_assert_cmpstr (good->gtin, ==, "03760123000017");
  g_assert_cmpint (bad->kind, ==, VTR_CODE_GTIN);
  g_assert_cmpint (bad->verdict, ==, VTR_VERDICT_BAD_CHECK_DIGIT);
  g_assert_cmpint (text->kind, ==, VTR_CODE_TEXT);
  g_assert_cmpint (text->verdict, ==, VTR_VERDICT_INERT);
  g_assert_cmpstr (text->display, ==, "Bonjour Marseille");
}

static void
test_key_list (void)
{
  g_autofree char *list = list_json (4);
  g_autofree char *envelope = vtr_key_list_seal (list, keys.root_secret);
  g_autofree char *stranger = vtr_key_list_seal (list, keys.stranger_secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrKeyList) loaded = vtr_key_list_load (envelope, keys.root_public, &error);
  const guint8 *public_key;
  VtrKeyStatus status;
  char *tampered;

  g_assert_no_error (error);
  g_assert_cmpstr (vtr_key_list_get_host (loaded), ==, HOST);
  g_assert_cmpint (vtr_key_list_get_version (loaded), ==, 4);
  g_assert_true (vtr_key_list_lookup (loaded, 3, &public_key, &status));
  g_assert_cmpint (status, ==, VTR_KEY_RETIRED);
  g_assert_false (vtr_key_list_lookup (loaded, 4, &public_key, &status));

  /* Signed by another root, or changed on the way: refused. */
  g_assert_null (vtr_key_list_load (stranger, keys.root_public, &error));
  g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  tampered = g_strdup (envelope);
  *strstr (tampered, "retired") = 'R';
  g_assert_null (vtr_key_list_load (tampered, keys.root_public, &error));
  g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_free (tampered);

  for (const char *junk[] = { "", "{", "[]", "{\"list\":1}", "{\"list\":\"x\",\"signature\":\"@@\"}", NULL },
       **j = junk; *j; j++)
    {
      g_assert_null (vtr_key_list_load (*j, keys.root_public, &error));
      g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_MALFORMED);
      g_clear_error (&error);
    }
}

static void
test_trust_store (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *root = vtr_base64url_encode (keys.root_public, 32);
  g_autofree char *stranger_root = vtr_base64url_encode (keys.stranger_public, 32);
  g_autofree char *v1 = list_json (1);
  g_autofree char *v2 = list_json (2);
  g_autofree char *env1 = vtr_key_list_seal (v1, keys.root_secret);
  g_autofree char *env2 = vtr_key_list_seal (v2, keys.root_secret);
  g_autofree char *foreign = vtr_key_list_seal (v2, keys.stranger_secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(VtrKeyList) loaded = NULL;

  g_assert_no_error (error);
  g_assert_null (vtr_trust_load (store, &error));
  g_assert_no_error (error);

  /* Without a root key, nothing is trusted. */
  g_assert_false (vtr_trust_save (store, env1, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (vtr_trust_save (store, env2, root, &error));
  g_assert_no_error (error);
  /* Older, or from another federation: refused, the kept list stays. */
  g_assert_false (vtr_trust_save (store, env1, NULL, &error));
  g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_OLDER);
  g_clear_error (&error);
  g_assert_false (vtr_trust_save (store, foreign, stranger_root, &error));
  g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (vtr_trust_save (store, foreign, NULL, &error));
  g_assert_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* And it survives a restart. */
  g_clear_object (&store);
  store = vtr_store_open (dir, &error);
  loaded = vtr_trust_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vtr_key_list_get_version (loaded), ==, 2);

  g_clear_object (&store);
  vtr_test_remove_tree (dir);
}

/* The escapes of the payload file (backslash x NN, n, t, backslash) to bytes. */
static GByteArray *
unescape (const char *line)
{
  GByteArray *bytes = g_byte_array_new ();

  for (const char *p = line; *p; p++)
    {
      guint8 c = *p;

      if (*p == '\\' && p[1] == 'x' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
        {
          c = g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]);
          p += 3;
        }
      else if (*p == '\\' && p[1] == 'n')
        c = '\n', p++;
      else if (*p == '\\' && p[1] == 't')
        c = '\t', p++;
      else if (*p == '\\' && p[1] == '\\')
        c = '\\', p++;
      g_byte_array_append (bytes, &c, 1);
    }
  return bytes;
}

static gboolean
shows_hidden (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return TRUE;
    }
  return FALSE;
}

static void
test_hostile_payloads (void)
{
  g_autoptr(VtrKeyList) list = key_list ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "hostile-payloads.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint tested = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(GByteArray) payload = NULL;
      g_autoptr(VtrCodeInfo) info = NULL;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      payload = unescape (lines[i]);
      info = vtr_code_classify ((const char *) payload->data, payload->len, list, now);
      tested++;

      if (info->verdict == VTR_VERDICT_TRUSTED || info->verdict == VTR_VERDICT_VALID)
        g_error ("“%s” was trusted", lines[i]);
      if (!g_utf8_validate (info->display, -1, NULL) || shows_hidden (info->display))
        g_error ("“%s” shows hidden characters", lines[i]);
      if (info->host_unicode && shows_hidden (info->host_unicode))
        g_error ("“%s” shows a host with hidden characters", lines[i]);
    }
  g_assert_cmpuint (tested, >, 30);

  /* Oversized: kept short on screen. */
  {
    g_autofree char *huge = g_strnfill (100000, 'A');
    g_autoptr(VtrCodeInfo) info = classify (huge, list);

    g_assert_cmpint (info->verdict, ==, VTR_VERDICT_INERT);
    g_assert_cmpuint (strlen (info->display), <, 3000);
  }
}

static void
assert_warns (const char *url, VtrUrlWarnings expected)
{
  g_autoptr(VtrKeyList) list = key_list ();
  g_autoptr(VtrCodeInfo) info = classify (url, list);

  g_assert_cmpint (info->kind, ==, VTR_CODE_FOREIGN_URL);
  g_assert_cmpint (info->verdict, ==, VTR_VERDICT_INERT);
  if ((info->warnings & expected) != expected)
    {
      g_auto(GStrv) got = vtr_url_warnings_to_strv (info->warnings);
      g_autofree char *joined = g_strjoinv (",", got);
      g_error ("%s: warnings %s", url, joined);
    }
}

static void
test_lookalikes (void)
{
  g_autofree char *homograph = NULL;
  g_autofree char *homograph_url = NULL;

  /* Cyrillic т and о in the federation's name, as punycode. */
  homograph = g_hostname_to_ascii ("v\xd1\x82r13.fr");
  g_assert_true (g_str_has_prefix (homograph, "xn--"));
  homograph_url = g_strdup_printf ("https://%s/p/1234", homograph);
  assert_warns (homograph_url, VTR_URL_PUNYCODE | VTR_URL_LOOKALIKE);

  assert_warns ("https://vtrl3.fr/p/1", VTR_URL_LOOKALIKE);
  assert_warns ("https://vtr13.com/p/1", VTR_URL_LOOKALIKE);
  assert_warns ("https://vrt13.fr/p/1", VTR_URL_LOOKALIKE);
  assert_warns ("https://vtr13.fr.evil.example/p/1", VTR_URL_SUBDOMAIN_TRICK);
  assert_warns ("https://www.vtr13.fr.evil.example/", VTR_URL_SUBDOMAIN_TRICK);
  assert_warns ("https://vtr13.fr@evil.example/p/1", VTR_URL_USERINFO);
  assert_warns ("http://vtr13.fr/p/1234?k=1&s=x", VTR_URL_INSECURE);
  assert_warns ("https://evil.example/\xe2\x80\xaerf.31rtv", VTR_URL_HIDDEN_CHARS);
  assert_warns ("https://example.org/", 0);

  /* The real host as a person reads it, and as it is. */
  {
    g_autoptr(VtrKeyList) list = key_list ();
    g_autoptr(VtrCodeInfo) info = classify (homograph_url, list);

    g_assert_cmpstr (info->host, ==, homograph);
    g_assert_cmpstr (info->host_unicode, ==, "v\xd1\x82r13.fr");
  }

  /* A subdomain of the federation's host is not an imitation. */
  {
    g_autoptr(VtrKeyList) list = key_list ();
    g_autoptr(VtrCodeInfo) info = classify ("https://www.vtr13.fr/", list);

    g_assert_cmpint (info->warnings & (VTR_URL_LOOKALIKE | VTR_URL_SUBDOMAIN_TRICK), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vtr_crypto_init ());

  crypto_sign_keypair (keys.root_public, keys.root_secret);
  crypto_sign_keypair (keys.public1, keys.secret1);
  crypto_sign_keypair (keys.public2, keys.secret2);
  crypto_sign_keypair (keys.public3, keys.secret3);
  crypto_sign_keypair (keys.stranger_public, keys.stranger_secret);

  g_test_add_func ("/codes/round-trip", test_round_trip);
  g_test_add_func ("/codes/verdicts", test_verdicts);
  g_test_add_func ("/codes/gtin-and-text", test_gtin_and_text);
  g_test_add_func ("/codes/key-list", test_key_list);
  g_test_add_func ("/codes/trust-store", test_trust_store);
  g_test_add_func ("/codes/hostile-payloads", test_hostile_payloads);
  g_test_add_func ("/codes/lookalikes", test_lookalikes);

  return g_test_run ();
}

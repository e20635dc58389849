/*
 * libFuzzer target for what a kiosk does with untrusted bytes: classify
 * any scanned text (parse, verify) and load any key list envelope.
 *
 *   tests/fuzz/run [SECONDS]
 */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-key-list.h"

static VtrKeyList *keys;
static guint8 root_public[32];
static GDateTime *now;

/* Fixed seeds: the signed codes of the seed corpus verify with these keys,
 * so the fuzzer starts from codes that go all the way through. */
static void
setup (void)
{
  guint8 root_secret[64], public_key[32], secret_key[64];
  guint8 seed[32];
  g_autofree char *public_text = NULL;
  g_autofree char *list = NULL;
  g_autofree char *envelope = NULL;

  vtr_crypto_init ();
  memset (seed, 1, sizeof seed);
  crypto_sign_seed_keypair (root_public, root_secret, seed);
  memset (seed, 2, sizeof seed);
  crypto_sign_seed_keypair (public_key, secret_key, seed);
  public_text = vtr_base64url_encode (public_key, sizeof public_key);
  list = g_strdup_printf ("{\"version\":1,\"host\":\"vtr13.fr\",\"keys\":[{\"kid\":1,"
                          "\"public\":\"%s\",\"status\":\"signing\"}]}",
                          public_text);
  envelope = vtr_key_list_seal (list, root_secret);
  keys = vtr_key_list_load (envelope, root_public, NULL);
  now = g_date_time_new_utc (2026, 11, 26, 12, 0, 0);

  if (g_getenv ("FUZZ_PRINT_SEEDS"))
    {
      VtrFlashcode code = { VTR_CODE_PRODUCT, 1234, 56, 78, NULL, NULL, NULL, 20270131, 1 };
      char *url = vtr_flashcode_sign (&code, "vtr13.fr", secret_key, NULL);

      g_print ("%s\n%s\n", url, envelope);
      g_free (url);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static gsize initialised;
  g_autofree char *text = NULL;

  if (g_once_init_enter (&initialised))
    {
      setup ();
      g_once_init_leave (&initialised, 1);
    }

  {
    VtrCodeInfo *info = vtr_code_classify ((const char *) data, size, keys, now);
    g_autofree char *reason = vtr_verdict_describe (info);

    /* What reaches the screen is valid UTF-8 without control characters. */
    g_assert (g_utf8_validate (info->display, -1, NULL));
    for (const char *p = info->display; *p; p = g_utf8_next_char (p))
      g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
    vtr_code_info_free (info);
  }

  text = g_strndup ((const char *) data, size);
  vtr_key_list_free (vtr_key_list_load (text, root_public, NULL));
  return 0;
}

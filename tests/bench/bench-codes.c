#include "config.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "vtr-bench.h"
#include "vtr-flashcode.h"
#include "vtr-qr-image.h"
#include "../vtr-test-keys.h"

/*
 * How fast a kiosk checks a code, and how big each kind of code is as a
 * QR symbol (the goal: version 7 at level M where possible).
 *
 *   bench-codes
 */

int
main (void)
{
  g_autofree char *card_id = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  guint8 secret_key[VTR_SECRET_KEY_BYTES];
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 26, 12, 0, 0);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autofree char *url = NULL;
  const int rounds = 20000;
  double t0, seconds;
  int trusted = 0;

  keys = vtr_test_key_list_new (secret_key);
  card_id = vtr_flashcode_new_card_id ();

  {
    VtrFlashcode code = { VTR_CODE_PRODUCT, 123456, 2100, 5000, NULL, NULL, NULL, 20270131, 1 };
    url = vtr_flashcode_sign (&code, "vtr13.fr", secret_key, NULL);
  }

  /* Checking: parse and verify a full product ad, as the kiosk does per scan. */
  t0 = vtr_bench_now_ms ();
  for (int i = 0; i < rounds; i++)
    {
      VtrCodeInfo *info = vtr_code_classify (url, -1, keys, now);
      trusted += info->verdict == VTR_VERDICT_TRUSTED;
      vtr_code_info_free (info);
    }
  seconds = (vtr_bench_now_ms () - t0) / 1000;
  printf ("Verification of a signed product ad: %.0f codes/s (%d of %d trusted)\n",
          rounds / seconds, trusted, rounds);
  vtr_bench_report (json, "codes", "verifications_per_s", rounds / seconds, NAN);

  /* Signing, as the hub does for a batch of posters. */
  t0 = vtr_bench_now_ms ();
  for (int i = 0; i < rounds / 4; i++)
    {
      VtrFlashcode code = { VTR_CODE_PRODUCT, 1 + i, 0, 0, NULL, NULL, NULL, 0, 1 };
      g_free (vtr_flashcode_sign (&code, "vtr13.fr", secret_key, NULL));
    }
  seconds = (vtr_bench_now_ms () - t0) / 1000;
  printf ("Signing: %.0f codes/s\n", rounds / 4 / seconds);
  vtr_bench_report (json, "codes", "signatures_per_s", rounds / 4 / seconds, NAN);

  /* Sizes, with the largest ids the département will have. */
  printf ("\nQR symbol of each kind (error correction M; goal: version ≤ 7):\n");
  {
    struct { const char *name; VtrFlashcode code; } kinds[] = {
      { "product ad, shop, promotion, expiry", { VTR_CODE_PRODUCT, 999999, 99999, 99999, NULL, NULL, NULL, 20271231, 99 } },
      { "product ad alone", { VTR_CODE_PRODUCT, 999999, 0, 0, NULL, NULL, NULL, 0, 99 } },
      { "loyalty card", { VTR_CODE_CARD, 0, 0, 0, card_id, NULL, NULL, 0, 99 } },
      { "order pickup, expiry", { VTR_CODE_PICKUP, 0, 0, 0, NULL, "A7K3-Q9ZX-42", NULL, 20271231, 99 } },
      { "merchant page", { VTR_CODE_MERCHANT, 0, 99999, 0, NULL, NULL, NULL, 0, 99 } },
      { "device pairing, expiry", { VTR_CODE_PAIRING, 0, 0, 0, NULL, NULL, "XY7KP2QR9LM3AB4CD5EF6GH", 20271231, 99 } },
    };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        g_autofree char *text = vtr_flashcode_sign (&kinds[i].code, "vtr13.fr", secret_key, NULL);
        int version = 0, modules = 0;

        g_assert (text != NULL);
        vtr_qr_measure (text, &version, &modules, NULL);
        printf ("  %-38s %3zu bytes  version %2d  %3d×%d modules%s\n", kinds[i].name, strlen (text),
                version, modules, modules, version <= 7 ? "" : "  (over 7)");
        g_autofree char *metric = g_strdup_printf ("qr_version_%s",
                                                   vtr_code_kind_to_string (kinds[i].code.kind));

        vtr_bench_report (json, "codes", metric, version, 7);
      }
  }

  printf ("\n%s", json->str);
  return trusted == rounds ? 0 : 1;
}

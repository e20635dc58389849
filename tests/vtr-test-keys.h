#pragma once

#include <sodium.h>

#include "vtr-flashcode.h"
#include "vtr-key-list.h"
#include "vtr-loyalty.h"
#include "vtr-store-private.h"
#include "vtr-trust.h"

/* A federation of one for tests and benchmarks: a new root key, a signing
 * key (id 1) whose secret goes to @secret, and the key list a kiosk would
 * trust, for the host vtr13.fr. */
static inline VtrKeyList *
vtr_test_key_list_new_full (guint8    secret[VTR_SECRET_KEY_BYTES],
                            VtrStore *trusting)
{
  guint8 root_public[VTR_PUBLIC_KEY_BYTES], root_secret[VTR_SECRET_KEY_BYTES];
  guint8 public_key[VTR_PUBLIC_KEY_BYTES];
  g_autofree char *public_text = NULL;
  g_autofree char *list = NULL;
  g_autofree char *envelope = NULL;

  g_assert_true (vtr_crypto_init ());
  crypto_sign_keypair (root_public, root_secret);
  crypto_sign_keypair (public_key, secret);
  public_text = vtr_base64url_encode (public_key, sizeof public_key);
  list = g_strdup_printf ("{\"version\":1,\"host\":\"vtr13.fr\",\"keys\":[{\"kid\":1,"
                          "\"public\":\"%s\",\"status\":\"signing\"}]}",
                          public_text);
  envelope = vtr_key_list_seal (list, root_secret);
  /* The kiosk @trusting keeps the list, as pairing does. */
  if (trusting)
    {
      g_autofree char *root_text = vtr_base64url_encode (root_public, sizeof root_public);
      g_autoptr(GError) error = NULL;

      g_assert_true (vtr_trust_save (trusting, envelope, root_text, &error));
      g_assert_no_error (error);
    }
  return vtr_key_list_load (envelope, root_public, NULL);
}

static inline VtrKeyList *
vtr_test_key_list_new (guint8 secret[VTR_SECRET_KEY_BYTES])
{
  return vtr_test_key_list_new_full (secret, NULL);
}

/* The one number a query returns, such as a count of rows. */
static inline gint64
vtr_test_count (VtrStore   *store,
                const char *sql)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* A card the federation of @secret signed, scanned at @store's counter
 * so that the kiosk holds its code; returns the card's id. */
static inline char *
vtr_test_scan_card (VtrStore         *store,
                    const VtrKeyList *keys,
                    const guint8     *secret,
                    const char       *card_id,
                    GError          **error)
{
  g_autofree char *id = card_id ? g_strdup (card_id) : vtr_flashcode_new_card_id ();
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, id, NULL, NULL, 0, 1 };
  g_autofree char *text = vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return vtr_loyalty_scan_card (store, text, keys, now, error);
}

#include "config.h"

#include "vtr-hub-pins.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"

/*
 * PINs the federation hands out without a terminal: the administrator's
 * PIN of a kiosk, set when the device is added and carried to the kiosk
 * by its pairing answer as an Argon2id hash (the PIN itself is never
 * stored), and the one-time codes that reset a forgotten PIN on a
 * device (docs/codes.md, kind N), recorded in pin_reset.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
failed (sqlite3  *db,
        GError  **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
               sqlite3_errmsg (db));
  return FALSE;
}

/* The device, which must exist and not be revoked. */
static gboolean
check_device (sqlite3  *db,
              gint64    device_id,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT revoked FROM device WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return failed (db, error);
  sqlite3_bind_int64 (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                   (long long) device_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return failed (db, error);
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FORBIDDEN,
                   _("Device %lld is revoked: add it again rather than resetting its PIN"),
                   (long long) device_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_hub_pins_new_pin:
 *
 * Returns: (transfer full): six random digits, for an administrator's PIN
 *   the federation makes up and prints.
 */
char *
vtr_hub_pins_new_pin (void)
{
  g_return_val_if_fail (sodium_init () >= 0, NULL);
  return g_strdup_printf ("%06u", (guint) randombytes_uniform (1000000));
}

/**
 * vtr_hub_pins_set_admin:
 * @pin: 4 to 12 digits
 *
 * Keeps the Argon2id hash of @pin as the administrator's PIN of the
 * device, sent to it with its pairing answer.
 */
gboolean
vtr_hub_pins_set_admin (VtrHubDb   *hub_db,
                        gint64      device_id,
                        const char *pin,
                        GError    **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (hub_db);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char hash[crypto_pwhash_STRBYTES];
  gsize len = pin ? strlen (pin) : 0;

  if (len < 4 || len > 12 || strspn (pin, "0123456789") != len)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                           _("An administrator’s PIN has 4 to 12 digits."));
      return FALSE;
    }
  if (!check_device (db, device_id, error))
    return FALSE;
  if (sodium_init () < 0 ||
      crypto_pwhash_str (hash, pin, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                           _("Not enough memory to protect the PIN."));
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "UPDATE device SET admin_pin_hash = ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return failed (db, error);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, device_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_pins_admin_hash:
 * @pin_hash: (out) (nullable): the hash, or %NULL when the device has
 *   no administrator's PIN from the federation
 */
gboolean
vtr_hub_pins_admin_hash (VtrHubDb  *hub_db,
                         gint64     device_id,
                         char     **pin_hash,
                         GError   **error)
{
  sqlite3 *db = vtr_hub_db_get_sqlite (hub_db);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *pin_hash = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT admin_pin_hash FROM device WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return failed (db, error);
  sqlite3_bind_int64 (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *pin_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_pins_reset_code:
 * @expires: last valid day, YYYYMMDD
 *
 * Signs a one-time code that resets the PIN of @device_id (the staff PIN
 * of a shop device, the administrator's of a federation kiosk) when
 * scanned there, and records it.
 *
 * Returns: (transfer full): the signed code
 */
char *
vtr_hub_pins_reset_code (VtrHubDb    *hub_db,
                         VtrHubKeys  *keys,
                         gint64       device_id,
                         int          expires,
                         gint64       now,
                         GError     **error)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  sqlite3 *db = vtr_hub_db_get_sqlite (hub_db);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VtrFlashcode code = { VTR_CODE_PIN_RESET, .expires = expires, .device_id = device_id };
  const guint8 *secret = NULL;
  char nonce[21];
  char *url;

  if (!check_device (db, device_id, error))
    return NULL;
  g_return_val_if_fail (sodium_init () >= 0, NULL);
  /* 100 random bits: no one guesses an unused one. */
  for (guint i = 0; i < 20; i++)
    nonce[i] = alphabet[randombytes_uniform (32)];
  nonce[20] = '\0';
  if (sqlite3_prepare_v2 (db, "INSERT INTO pin_reset (nonce, device_id, issued, expires) VALUES (?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      failed (db, error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, nonce, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, device_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, expires);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      failed (db, error);
      return NULL;
    }
  code.kid = vtr_hub_keys_signing_kid (keys, &secret);
  code.nonce = g_strdup (nonce);
  url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, error);
  vtr_flashcode_clear (&code);
  return url;
}

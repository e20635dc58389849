#include "config.h"

#include "vtr-hub-pins.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-hub-backend.h"

/*
 * PINs the federation hands out without a terminal: the administrator's
 * PIN of a kiosk, set when the device is added and carried to the kiosk
 * by its pairing answer as an Argon2id hash (the PIN itself is never
 * stored), and the one-time codes that reset a forgotten PIN on a
 * device (docs/codes.md, kind N), recorded in pin_reset.
 */

/**
 * vtr_hub_pins_check_device:
 * @found: whether the backend found the device
 * @revoked: whether it is revoked
 *
 * The device whose PIN is set or reset must exist and not be revoked:
 * the backends' answer, in words.
 */
gboolean
vtr_hub_pins_check_device (gint64     device_id,
                           gboolean   found,
                           gboolean   revoked,
                           GError   **error)
{
  if (!found)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                   (long long) device_id);
      return FALSE;
    }
  if (revoked)
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
vtr_hub_pins_set_admin (VtrHubBackend *backend,
                        gint64         device_id,
                        const char    *pin,
                        GError       **error)
{
  char hash[crypto_pwhash_STRBYTES];
  gsize len = pin ? strlen (pin) : 0;

  if (len < 4 || len > 12 || strspn (pin, "0123456789") != len)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                           _("An administrator’s PIN has 4 to 12 digits."));
      return FALSE;
    }
  if (sodium_init () < 0 ||
      crypto_pwhash_str (hash, pin, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                           _("Not enough memory to protect the PIN."));
      return FALSE;
    }
  return vtr_hub_backend_set_admin_pin (backend, device_id, hash, error);
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
vtr_hub_pins_reset_code (VtrHubBackend *backend,
                         VtrHubKeys    *keys,
                         gint64         device_id,
                         int            expires,
                         gint64         now,
                         GError       **error)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  VtrFlashcode code = { VTR_CODE_PIN_RESET, .expires = expires, .device_id = device_id };
  const guint8 *secret = NULL;
  char nonce[21];
  char *url;

  g_return_val_if_fail (sodium_init () >= 0, NULL);
  /* 100 random bits: no one guesses an unused one. */
  for (guint i = 0; i < 20; i++)
    nonce[i] = alphabet[randombytes_uniform (32)];
  nonce[20] = '\0';
  if (!vtr_hub_backend_add_pin_reset (backend, nonce, device_id, now, expires, error))
    return NULL;
  code.kid = vtr_hub_keys_signing_kid (keys, &secret);
  code.nonce = g_strdup (nonce);
  url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, error);
  vtr_flashcode_clear (&code);
  return url;
}

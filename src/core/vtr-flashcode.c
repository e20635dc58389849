#include "config.h"

#include "vtr-flashcode.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-text.h"

/*
 * Vitrine's codes (docs/codes.md): signing on the hub, and on the kiosk
 * the one function that says what any scanned text is and whether it can
 * be trusted. Parsing is strict: one way to write each code, so what was
 * verified is exactly what is acted on.
 */

#define DEFAULT_HOST "vtr13.fr"
#define SIGNATURE_CHARS 103 /* 64 bytes in base32 */

/* Every character of a code is in QR's alphanumeric set (0–9, A–Z and
 * " $%*+-./:"), which packs 5.5 bits a character instead of 8: that is
 * what keeps a signed code inside version 7 at level M. */
static const char kind_letters[] = { 'P', 'C', 'O', 'M', 'D', 'N' };
static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static char *
base32_encode (const guint8 *data,
               gsize         len)
{
  GString *out = g_string_sized_new ((len * 8 + 4) / 5);
  guint bits = 0, value = 0;

  for (gsize i = 0; i < len; i++)
    {
      value = (value << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (out, base32_alphabet[(value >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  if (bits > 0)
    g_string_append_c (out, base32_alphabet[(value << (5 - bits)) & 31]);
  return g_string_free (out, FALSE);
}

/* Decodes exactly @out_len bytes from unpadded base32, or fails; the bits
 * left over must be zero, so there is one way to write each value. */
static gboolean
base32_decode (const char *text,
               gsize       len,
               guint8     *out,
               gsize       out_len)
{
  guint bits = 0, value = 0;
  gsize n = 0;

  if (len != (out_len * 8 + 4) / 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      const char *at = text[i] ? strchr (base32_alphabet, text[i]) : NULL;

      if (at == NULL)
        return FALSE;
      value = (value << 5) | (guint) (at - base32_alphabet);
      bits += 5;
      if (bits >= 8)
        {
          out[n++] = (value >> (bits - 8)) & 0xff;
          bits -= 8;
        }
    }
  return n == out_len && (value & ((1u << bits) - 1)) == 0;
}

const char *
vtr_code_kind_to_string (VtrCodeKind kind)
{
  static const char * const names[] = {
    "product", "card", "pickup", "merchant", "pairing", "pin-reset", "gtin", "foreign-url", "text",
  };

  g_return_val_if_fail (kind <= VTR_CODE_TEXT, NULL);
  return names[kind];
}

const char *
vtr_verdict_to_string (VtrVerdict verdict)
{
  static const char * const names[] = {
    "trusted", "valid", "bad-signature", "unknown-key", "retired-key", "expired", "truncated",
    "malformed", "no-keys", "bad-check-digit", "inert",
  };

  g_return_val_if_fail (verdict <= VTR_VERDICT_INERT, NULL);
  return names[verdict];
}

/**
 * vtr_verdict_describe:
 *
 * Returns: (transfer full): the verdict in words for the person at the kiosk.
 */
char *
vtr_verdict_describe (const VtrCodeInfo *info)
{
  switch (info->verdict)
    {
    case VTR_VERDICT_TRUSTED:
      return g_strdup (_("A code of the federation, checked."));
    case VTR_VERDICT_VALID:
      return g_strdup (_("A product barcode."));
    case VTR_VERDICT_BAD_SIGNATURE:
      return g_strdup (_("This code was altered or forged: it is not the federation’s."));
    case VTR_VERDICT_UNKNOWN_KEY:
      return g_strdup (_("This code is signed with a key this kiosk does not know. It may be "
                         "newer than the kiosk’s data: synchronise, then scan again."));
    case VTR_VERDICT_RETIRED_KEY:
      return g_strdup (_("This code was signed with a key the federation has withdrawn: it is "
                         "no longer valid."));
    case VTR_VERDICT_EXPIRED:
      return g_strdup (_("This code has expired."));
    case VTR_VERDICT_TRUNCATED:
      return g_strdup (_("This code is incomplete: part of it is missing."));
    case VTR_VERDICT_MALFORMED:
      return g_strdup (_("This code looks like the federation’s but is not written as its codes "
                         "are."));
    case VTR_VERDICT_NO_KEYS:
      return g_strdup (_("This kiosk cannot check the federation’s codes yet: it has not been "
                         "paired with the federation."));
    case VTR_VERDICT_BAD_CHECK_DIGIT:
      return g_strdup (_("This barcode was misread: its check digit is wrong."));
    case VTR_VERDICT_INERT:
      if (info->kind == VTR_CODE_FOREIGN_URL)
        {
          g_autofree char *warnings = vtr_url_warnings_describe (info->warnings);

          return g_strdup_printf ("%s%s%s",
                                  info->host_unicode
                                    ? _("A link to another website. Vitrine does not open it.")
                                    : _("A link Vitrine does not open."),
                                  *warnings ? " " : "", warnings);
        }
      return g_strdup (_("Text, not a code of the federation."));
    default:
      g_assert_not_reached ();
    }
}

void
vtr_flashcode_clear (VtrFlashcode *code)
{
  g_clear_pointer (&code->card_id, g_free);
  g_clear_pointer (&code->order, g_free);
  g_clear_pointer (&code->pairing, g_free);
  g_clear_pointer (&code->nonce, g_free);
}

void
vtr_code_info_free (VtrCodeInfo *info)
{
  if (info == NULL)
    return;
  vtr_flashcode_clear (&info->code);
  g_free (info->gtin);
  g_free (info->display);
  g_free (info->host);
  g_free (info->host_unicode);
  g_free (info);
}

/* Field syntax. */

static gboolean
is_decimal_id (const char *s,
               gsize       len)
{
  if (len == 0 || len > 12 || s[0] == '0')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_card_id (const char *s,
            gsize       len)
{
  if (len != VTR_CARD_ID_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '2' && s[i] <= '7')))
      return FALSE;
  return TRUE;
}

static gboolean
is_order (const char *s,
          gsize       len)
{
  if (len < 4 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isupper (s[i]) || g_ascii_isdigit (s[i]) || s[i] == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
is_pairing (const char *s,
            gsize       len)
{
  if (len < 8 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isupper (s[i]) && !g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_date (const char *s,
         gsize       len,
         int        *yyyymmdd)
{
  int value = 0;

  if (len != 8)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }
  if (!g_date_valid_dmy (value % 100, (value / 100) % 100, value / 10000))
    return FALSE;
  *yyyymmdd = value;
  return TRUE;
}

char *
vtr_flashcode_new_card_id (void)
{
  guint8 random[16];

  g_return_val_if_fail (vtr_crypto_init (), NULL);
  randombytes_buf (random, sizeof random);
  return base32_encode (random, sizeof random);
}

/* The signed part of a code, in its one canonical form. */
static char *
canonical_unsigned (const VtrFlashcode *code,
                    const char         *host,
                    GError            **error)
{
  g_autofree char *upper_host = g_ascii_strup (host, -1);
  GString *url = g_string_new ("HTTPS://");

  g_string_append_printf (url, "%s/%c/", upper_host, kind_letters[code->kind]);

  switch (code->kind)
    {
    case VTR_CODE_PRODUCT:
      g_string_append_printf (url, "%" G_GINT64_FORMAT, code->product_id);
      if (code->merchant_id > 0)
        g_string_append_printf (url, "/M%" G_GINT64_FORMAT, code->merchant_id);
      if (code->promotion_id > 0)
        g_string_append_printf (url, "/R%" G_GINT64_FORMAT, code->promotion_id);
      break;
    case VTR_CODE_CARD:
      g_string_append (url, code->card_id);
      break;
    case VTR_CODE_PICKUP:
      g_string_append (url, code->order);
      break;
    case VTR_CODE_MERCHANT:
      g_string_append_printf (url, "%" G_GINT64_FORMAT, code->merchant_id);
      break;
    case VTR_CODE_PAIRING:
      g_string_append (url, code->pairing);
      break;
    case VTR_CODE_PIN_RESET:
      g_string_append_printf (url, "%s/V%" G_GINT64_FORMAT, code->nonce, code->device_id);
      break;
    default:
      g_string_free (url, TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Not a kind of code the federation signs"));
      return NULL;
    }

  if (code->expires > 0)
    g_string_append_printf (url, "/E%08d", code->expires);
  g_string_append_printf (url, "/K%d", code->kid);
  return g_string_free (url, FALSE);
}

static gboolean
validate_fields (const VtrFlashcode *code,
                 GError            **error)
{
  g_autofree char *product = g_strdup_printf ("%" G_GINT64_FORMAT, code->product_id);
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, code->merchant_id);
  gboolean ok = code->kid > 0;
  int date;

  switch (code->kind)
    {
    case VTR_CODE_PRODUCT:
      ok = ok && is_decimal_id (product, strlen (product)) && code->merchant_id >= 0 &&
           code->promotion_id >= 0;
      break;
    case VTR_CODE_CARD:
      ok = ok && code->card_id && is_card_id (code->card_id, strlen (code->card_id)) &&
           code->expires == 0;
      break;
    case VTR_CODE_PICKUP:
      ok = ok && code->order && is_order (code->order, strlen (code->order));
      break;
    case VTR_CODE_MERCHANT:
      ok = ok && is_decimal_id (merchant, strlen (merchant)) && code->expires == 0;
      break;
    case VTR_CODE_PAIRING:
      ok = ok && code->pairing && is_pairing (code->pairing, strlen (code->pairing)) &&
           code->expires > 0;
      break;
    case VTR_CODE_PIN_RESET:
      {
        g_autofree char *device = g_strdup_printf ("%" G_GINT64_FORMAT, code->device_id);

        ok = ok && code->nonce && is_pairing (code->nonce, strlen (code->nonce)) &&
             is_decimal_id (device, strlen (device)) && code->expires > 0;
      }
      break;
    default:
      ok = FALSE;
      break;
    }

  if (ok && code->expires > 0)
    {
      g_autofree char *text = g_strdup_printf ("%08d", code->expires);
      ok = is_date (text, strlen (text), &date);
    }

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("These values do not make a valid code of the federation"));
  return ok;
}

/**
 * vtr_flashcode_sign:
 * @host: the federation's host
 * @secret_key: a signing key, 64 bytes (libsodium's Ed25519 secret key)
 *
 * Returns: (transfer full) (nullable): the signed code as a URL.
 */
char *
vtr_flashcode_sign (const VtrFlashcode *code,
                    const char         *host,
                    const guint8       *secret_key,
                    GError            **error)
{
  g_autofree char *unsigned_url = NULL;
  g_autofree char *signature_text = NULL;
  guint8 signature[VTR_SIGNATURE_BYTES];

  g_return_val_if_fail (code != NULL && host != NULL && secret_key != NULL, NULL);

  if (!vtr_crypto_init () || !validate_fields (code, error))
    return NULL;
  unsigned_url = canonical_unsigned (code, host, error);
  if (unsigned_url == NULL)
    return NULL;

  crypto_sign_detached (signature, NULL, (const guint8 *) unsigned_url, strlen (unsigned_url),
                        secret_key);
  signature_text = base32_encode (signature, sizeof signature);
  return g_strdup_printf ("%s/%s", unsigned_url, signature_text);
}

/* Parses a federation code after its "HTTPS://HOST/" prefix. Returns the
 * verdict of the syntax alone: TRUSTED here means "well formed, signature
 * to check"; @signed_len is where "/SIGNATURE" starts. */
static VtrVerdict
parse_federation (const char   *text,
                  gsize         len,
                  gsize         prefix_len,
                  VtrFlashcode *code,
                  gsize        *signed_len,
                  guint8        signature[VTR_SIGNATURE_BYTES])
{
  const char *p = text + prefix_len, *end = text + len;
  const char *field, *field_end;
  static const char * const allowed[] = { "MRE", "", "E", "", "E", "VE" };
  const char *order;
  gboolean have_k = FALSE;

  if (end - p < 2 || p[1] != '/')
    return VTR_VERDICT_MALFORMED;
  switch (p[0])
    {
    case 'P': code->kind = VTR_CODE_PRODUCT; break;
    case 'C': code->kind = VTR_CODE_CARD; break;
    case 'O': code->kind = VTR_CODE_PICKUP; break;
    case 'M': code->kind = VTR_CODE_MERCHANT; break;
    case 'D': code->kind = VTR_CODE_PAIRING; break;
    case 'N': code->kind = VTR_CODE_PIN_RESET; break;
    default: return VTR_VERDICT_MALFORMED;
    }
  order = allowed[code->kind];

  /* The id. */
  field = p + 2;
  field_end = memchr (field, '/', end - field);
  if (field_end == NULL)
    field_end = end;
  switch (code->kind)
    {
    case VTR_CODE_PRODUCT:
    case VTR_CODE_MERCHANT:
      if (!is_decimal_id (field, field_end - field))
        return VTR_VERDICT_MALFORMED;
      if (code->kind == VTR_CODE_PRODUCT)
        code->product_id = g_ascii_strtoll (field, NULL, 10);
      else
        code->merchant_id = g_ascii_strtoll (field, NULL, 10);
      break;
    case VTR_CODE_CARD:
      if (!is_card_id (field, field_end - field))
        return field_end - field < VTR_CARD_ID_LENGTH && field_end == end ? VTR_VERDICT_TRUNCATED
                                                                          : VTR_VERDICT_MALFORMED;
      code->card_id = g_strndup (field, field_end - field);
      break;
    case VTR_CODE_PICKUP:
      if (!is_order (field, field_end - field))
        return VTR_VERDICT_MALFORMED;
      code->order = g_strndup (field, field_end - field);
      break;
    case VTR_CODE_PAIRING:
      if (!is_pairing (field, field_end - field))
        return VTR_VERDICT_MALFORMED;
      code->pairing = g_strndup (field, field_end - field);
      break;
    case VTR_CODE_PIN_RESET:
      if (!is_pairing (field, field_end - field))
        return VTR_VERDICT_MALFORMED;
      code->nonce = g_strndup (field, field_end - field);
      break;
    default:
      g_assert_not_reached ();
    }

  /* "/M…", "/R…", "/E…" in that order, then "/K…", then the signature. */
  for (p = field_end; p < end; p = field_end)
    {
      char name;

      field = p + 1;
      field_end = memchr (field, '/', end - field);
      if (field_end == NULL)
        field_end = end;
      if (field == end)
        return VTR_VERDICT_TRUNCATED;

      if (have_k)
        {
          /* The last field: the signature, and nothing after it. */
          *signed_len = p - text;
          if (field_end != end)
            return VTR_VERDICT_MALFORMED;
          if ((gsize) (end - field) < SIGNATURE_CHARS)
            return VTR_VERDICT_TRUNCATED;
          if (!base32_decode (field, end - field, signature, VTR_SIGNATURE_BYTES))
            return VTR_VERDICT_MALFORMED;
          break;
        }

      name = field[0];
      if (name == 'K')
        {
          gsize n = field_end - field - 1;

          if (n == 0 || n > 6 || field[1] == '0')
            return VTR_VERDICT_MALFORMED;
          for (gsize i = 1; i <= n; i++)
            if (!g_ascii_isdigit (field[i]))
              return VTR_VERDICT_MALFORMED;
          code->kid = (int) g_ascii_strtoll (field + 1, NULL, 10);
          have_k = TRUE;
          continue;
        }

      {
        /* Optional fields, each at most once, in the documented order. */
        const char *at = name ? strchr (order, name) : NULL;

        if (at == NULL)
          return VTR_VERDICT_MALFORMED;
        order = at + 1;
        if (name == 'E')
          {
            if (!is_date (field + 1, field_end - field - 1, &code->expires))
              return VTR_VERDICT_MALFORMED;
          }
        else if (!is_decimal_id (field + 1, field_end - field - 1))
          return VTR_VERDICT_MALFORMED;
        else if (name == 'M')
          code->merchant_id = g_ascii_strtoll (field + 1, NULL, 10);
        else if (name == 'V')
          code->device_id = g_ascii_strtoll (field + 1, NULL, 10);
        else
          code->promotion_id = g_ascii_strtoll (field + 1, NULL, 10);
      }
    }

  if (*signed_len == 0)
    return VTR_VERDICT_TRUNCATED;
  if ((code->kind == VTR_CODE_PAIRING || code->kind == VTR_CODE_PIN_RESET) && code->expires == 0)
    return VTR_VERDICT_MALFORMED;
  if (code->kind == VTR_CODE_PIN_RESET && code->device_id == 0)
    return VTR_VERDICT_MALFORMED;
  return VTR_VERDICT_TRUSTED;
}


/**
 * vtr_code_classify:
 * @text: what the scanner read, any bytes
 * @len: its length, or -1 if nul-terminated
 * @keys: (nullable): the federation's key list, %NULL if the kiosk has none
 * @now: the time, for expiry
 *
 * Returns: (transfer full): what @text is and whether it can be trusted.
 */
VtrCodeInfo *
vtr_code_classify (const char       *text,
                   gsize             len,
                   const VtrKeyList *keys,
                   GDateTime        *now)
{
  VtrCodeInfo *info = g_new0 (VtrCodeInfo, 1);
  const char *host = keys ? vtr_key_list_get_host (keys) : DEFAULT_HOST;
  g_autofree char *valid = NULL;
  g_autofree char *prefix = NULL;
  gsize prefix_len;

  g_return_val_if_fail (text != NULL && now != NULL, info);

  if (len == (gsize) -1)
    len = strlen (text);

  info->kind = VTR_CODE_TEXT;
  info->verdict = VTR_VERDICT_INERT;

  /* What a person sees: valid UTF-8, hidden characters made visible, not
   * endless. */
  valid = g_utf8_make_valid (text, MIN (len, VTR_MAX_CODE_TEXT));
  info->display = vtr_text_escape_controls (valid);
  if (len > VTR_MAX_CODE_TEXT || memchr (text, '\0', len) != NULL ||
      !g_utf8_validate_len (text, len, NULL))
    {
      info->warnings |= VTR_URL_HIDDEN_CHARS;
      if (len > VTR_MAX_CODE_TEXT)
        {
          char *longer = g_strconcat (info->display, "…", NULL);
          g_free (info->display);
          info->display = longer;
        }
      return info;
    }

  /* A Vitrine code: the federation's prefix (any case, for the verdict to
   * say what is wrong with a code someone rewrote in lowercase). */
  prefix = g_strdup_printf ("HTTPS://%s/", host);
  prefix_len = strlen (prefix);
  if (len > prefix_len && g_ascii_strncasecmp (text, prefix, prefix_len) == 0)
    {
      gsize signed_len = 0;
      guint8 signature[VTR_SIGNATURE_BYTES];
      const guint8 *public_key;
      VtrKeyStatus status;
      VtrVerdict verdict;

      const char *path = text + prefix_len;

      info->host = g_strdup (host);
      info->host_unicode = g_strdup (host);
      if (len - prefix_len < 2 || path[1] != '/' ||
          memchr (kind_letters, g_ascii_toupper (path[0]), sizeof kind_letters) == NULL)
        {
          /* Not a kind of code: a page of the federation's site, or junk. */
          info->kind = VTR_CODE_FOREIGN_URL;
          info->verdict = VTR_VERDICT_MALFORMED;
          return info;
        }
      verdict = parse_federation (text, len, prefix_len, &info->code, &signed_len, signature);
      info->kind = info->code.kind;
      info->verdict = verdict;
      if (verdict != VTR_VERDICT_TRUSTED)
        return info;

      if (keys == NULL)
        info->verdict = VTR_VERDICT_NO_KEYS;
      else if (!vtr_key_list_lookup (keys, info->code.kid, &public_key, &status))
        info->verdict = VTR_VERDICT_UNKNOWN_KEY;
      /* A card is printed once and kept for years: retiring a key stops
       * its ads, pickup codes, merchant pages and pairing codes, never the
       * cards it signed (docs/codes.md). */
      else if (status == VTR_KEY_RETIRED && info->kind != VTR_CODE_CARD)
        info->verdict = VTR_VERDICT_RETIRED_KEY;
      else if (!vtr_crypto_init () ||
               crypto_sign_verify_detached (signature, (const guint8 *) text, signed_len,
                                            public_key) != 0)
        info->verdict = VTR_VERDICT_BAD_SIGNATURE;
      else if (info->code.expires > 0 && vtr_paris_day (now) > info->code.expires)
        info->verdict = VTR_VERDICT_EXPIRED;
      else
        info->verdict = VTR_VERDICT_TRUSTED;
      return info;
    }

  /* A barcode number. */
  if (vtr_gtin_looks_like_gtin (valid) && strlen (valid) == len)
    {
      info->kind = VTR_CODE_GTIN;
      info->gtin = vtr_gtin_normalize (valid, NULL);
      info->verdict = info->gtin ? VTR_VERDICT_VALID : VTR_VERDICT_BAD_CHECK_DIGIT;
      return info;
    }

  /* Anything else that is an address: shown with its real host. */
  if (vtr_url_looks_like_url (valid))
    {
      g_autoptr(VtrUrlInfo) url = vtr_url_inspect (valid, host);

      info->kind = VTR_CODE_FOREIGN_URL;
      info->host = g_steal_pointer (&url->host);
      info->host_unicode = url->host_unicode ? vtr_text_escape_controls (url->host_unicode) : NULL;
      info->warnings |= url->warnings;
      return info;
    }

  if (strcmp (info->display, valid) != 0)
    info->warnings |= VTR_URL_HIDDEN_CHARS;
  return info;
}

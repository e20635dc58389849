#include "config.h"

#include "vtr-gtin.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (vtr-gtin-error-quark, vtr_gtin_error)

/**
 * vtr_gtin_check_digit:
 * @digits: the digits before the check digit
 *
 * Returns: the GS1 mod-10 check digit of @digits: weights 3 and 1 from the
 * right, whatever the length.
 */
int
vtr_gtin_check_digit (const char *digits,
                      gsize       len)
{
  int sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      int d = digits[len - 1 - i] - '0';
      sum += (i % 2 == 0) ? 3 * d : d;
    }

  return (10 - sum % 10) % 10;
}

gboolean
vtr_gtin_looks_like_gtin (const char *text)
{
  gsize len = strlen (text);

  if (len != 8 && len != 12 && len != 13 && len != 14)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/**
 * vtr_gtin_normalize:
 * @text: a GTIN-8, UPC-A, EAN-13 or GTIN-14, as printed under a barcode
 *
 * Returns: (transfer full) (nullable): the GTIN as 14 digits, or %NULL with
 * @error set if @text is not a GTIN or its check digit is wrong.
 */
char *
vtr_gtin_normalize (const char *text,
                    GError    **error)
{
  g_autofree char *compact = NULL;
  gsize len;
  int expected;

  g_return_val_if_fail (text != NULL, NULL);

  compact = g_strdup (text);
  g_strstrip (compact);
  len = strlen (compact);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (compact[i]))
      {
        g_set_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_NOT_DIGITS,
                     _("“%s” is not a barcode number: it must hold digits only"), text);
        return NULL;
      }

  if (len != 8 && len != 12 && len != 13 && len != 14)
    {
      g_set_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_LENGTH,
                   _("“%s” is not a barcode number: it must have 8, 12, 13 or 14 digits"), text);
      return NULL;
    }

  expected = vtr_gtin_check_digit (compact, len - 1);
  if (compact[len - 1] - '0' != expected)
    {
      g_set_error (error, VTR_GTIN_ERROR, VTR_GTIN_ERROR_CHECK_DIGIT,
                   _("Barcode %s was misread or mistyped: its last digit should be %d"),
                   text, expected);
      return NULL;
    }

  return g_strdup_printf ("%014" G_GUINT64_FORMAT, g_ascii_strtoull (compact, NULL, 10));
}

/* The shortest usual form: EAN-13 for most, EAN-8 for short codes. */
char *
vtr_gtin_display (const char *gtin14)
{
  g_return_val_if_fail (gtin14 != NULL && strlen (gtin14) == VTR_GTIN_LENGTH, NULL);

  if (strncmp (gtin14, "000000", 6) == 0)
    return g_strdup (gtin14 + 6);
  if (gtin14[0] == '0')
    return g_strdup (gtin14 + 1);
  return g_strdup (gtin14);
}

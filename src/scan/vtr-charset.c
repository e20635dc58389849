#include "config.h"

#include "vtr-charset.h"

/*
 * A QR code's byte segments say nothing of their character set unless an
 * ECI says it, and few do. ISO 18004 says ISO-8859-1; in practice phones
 * write UTF-8, and Japanese codes Shift_JIS (kanji mode is Shift_JIS too).
 * Guess as zxing does: valid UTF-8 is UTF-8; text that is valid Shift_JIS
 * and uses its double-byte characters is Shift_JIS; anything else is
 * ISO-8859-1, which every byte string is.
 */

/* Whether @b is valid Shift_JIS that reads as Japanese: words of
 * double-byte characters or of half-width katakana, as zxing decides. */
static gboolean
looks_like_shift_jis (const guint8 *b,
                      gsize         len)
{
  gsize double_bytes = 0, katakana = 0;
  gsize katakana_run = 0, max_katakana_run = 0;
  gsize double_run = 0, max_double_run = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = b[i];

      if (c >= 0xA1 && c <= 0xDF)
        {
          katakana++;
          max_katakana_run = MAX (max_katakana_run, ++katakana_run);
          double_run = 0;
          continue;
        }
      katakana_run = 0;

      if ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xEF))
        {
          guint8 d;

          if (i + 1 >= len)
            return FALSE;
          d = b[++i];
          if (d < 0x40 || d == 0x7F || d > 0xFC)
            return FALSE;
          double_bytes++;
          max_double_run = MAX (max_double_run, ++double_run);
          continue;
        }
      double_run = 0;

      if (c >= 0x80)
        return FALSE; /* 0x80, 0xA0, 0xF0-0xFF are not Shift_JIS lead bytes */
    }

  return max_katakana_run >= 3 || max_double_run >= 3 ||
         (double_bytes > 0 && double_bytes * 2 + katakana >= len / 4) ||
         (katakana == 2 && max_katakana_run == 2);
}

/**
 * vtr_charset_decode:
 *
 * Returns: (transfer full): @bytes as UTF-8 text, decoded with the
 * character set the code most likely used.
 */
char *
vtr_charset_decode (const guint8 *bytes,
                    gsize         len)
{
  char *text;

  /* A byte order mark says UTF-8 outright. */
  if (len >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
    {
      bytes += 3;
      len -= 3;
    }

  if (g_utf8_validate_len ((const char *) bytes, len, NULL))
    return g_strndup ((const char *) bytes, len);

  if (looks_like_shift_jis (bytes, len))
    {
      /* CP932, as phones write it: 0x5C is a backslash, not a yen sign. */
      text = g_convert ((const char *) bytes, len, "UTF-8", "CP932", NULL, NULL, NULL);
      if (text == NULL)
        text = g_convert ((const char *) bytes, len, "UTF-8", "SHIFT_JIS", NULL, NULL, NULL);
      if (text != NULL)
        return text;
    }

  text = g_convert ((const char *) bytes, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_assert (text != NULL);
  return text;
}

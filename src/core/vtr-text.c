#include "config.h"

#include "vtr-text.h"

/**
 * vtr_text_fold:
 *
 * Folds @text for matching the way a French shopper types: case and accents
 * do not count, so "epicerie" and "ÉPICERIE" both fold to "epicerie", and
 * ligatures are spelt out ("œuf" → "oeuf").
 */
char *
vtr_text_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *folded;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("");

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  folded = g_string_sized_new (strlen (decomposed));

  for (const char *p = decomposed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_NON_SPACING_MARK:
        case G_UNICODE_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
          continue;
        default:
          break;
        }

      switch (c)
        {
        case 0x0153: /* œ */
        case 0x0152:
          g_string_append (folded, "oe");
          break;
        case 0x00E6: /* æ */
        case 0x00C6:
          g_string_append (folded, "ae");
          break;
        case 0x00DF: /* ß */
          g_string_append (folded, "ss");
          break;
        case 0x2019: /* ’ typed as ' */
          g_string_append_c (folded, '\'');
          break;
        default:
          g_string_append_unichar (folded, g_unichar_tolower (c));
          break;
        }
    }

  return g_string_free (folded, FALSE);
}

/**
 * vtr_text_fts_query:
 *
 * Turns what a shopper typed into an FTS5 query where every word must match
 * as a prefix ("boulang tradi" → "boulang"* "tradi"*). Punctuation separates
 * words and never reaches FTS5 as syntax.
 *
 * Returns: (nullable): the query, or %NULL if @text holds no word.
 */
char *
vtr_text_fts_query (const char *text)
{
  g_autofree char *folded = vtr_text_fold (text);
  g_autoptr(GString) query = g_string_new (NULL);
  const char *p = folded;

  while (*p)
    {
      const char *start;

      while (*p && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;

      start = p;
      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);

      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      g_string_append_len (query, start, p - start);
      g_string_append (query, "\"*");
    }

  if (query->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&query), FALSE);
}

/* Whether a word of @folded_haystack starts with @folded_needle. */
gboolean
vtr_text_has_prefix_word (const char *folded_haystack,
                          const char *folded_needle)
{
  size_t len = strlen (folded_needle);
  const char *p = folded_haystack;

  if (len == 0)
    return FALSE;

  while ((p = strstr (p, folded_needle)) != NULL)
    {
      if (p == folded_haystack || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (p))))
        return TRUE;
      p += len;
    }

  return FALSE;
}

/**
 * vtr_text_escape_controls:
 *
 * Returns: (transfer full): @text (valid UTF-8) with control and format
 * characters written as escapes (\n, \u202E…): what a scanned code holds is
 * shown, never interpreted by a terminal or a text renderer.
 */
char *
vtr_text_escape_controls (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT ||
               g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
               g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

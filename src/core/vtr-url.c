#include "config.h"

#include "vtr-url.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-text.h"

/*
 * Foreign URLs are never opened; they are shown with their real host and
 * what makes them suspicious. QR stickers pasted over posters are a known
 * attack: they point at a host that looks like the federation's.
 */

void
vtr_url_info_free (VtrUrlInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->scheme);
  g_free (info->host);
  g_free (info->host_unicode);
  g_free (info);
}

gboolean
vtr_url_looks_like_url (const char *text)
{
  const char *colon = strchr (text, ':');

  if (colon == NULL || colon == text || colon - text > 16)
    return FALSE;
  for (const char *p = text; p < colon; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
      return FALSE;
  return g_str_has_prefix (colon, "://") || g_ascii_strncasecmp (text, "mailto:", 7) == 0 ||
         g_ascii_strncasecmp (text, "tel:", 4) == 0;
}

/* Characters that look like Latin letters or digits in a host: Cyrillic,
 * Greek and a few others, from Unicode's confusables (UTS #39), with the
 * digit and letter pairs that fool the eye. */
static const struct { gunichar c; const char *as; } confusables[] = {
  { 0x0430, "a" }, { 0x0435, "e" }, { 0x043E, "o" }, { 0x0440, "p" }, { 0x0441, "c" },
  { 0x0443, "y" }, { 0x0445, "x" }, { 0x0456, "i" }, { 0x0458, "j" }, { 0x0455, "s" },
  { 0x0501, "d" }, { 0x051B, "q" }, { 0x051D, "w" }, { 0x04BB, "h" }, { 0x04CF, "l" },
  { 0x0432, "b" }, { 0x043A, "k" }, { 0x043C, "m" }, { 0x043D, "h" }, { 0x0442, "t" },
  { 0x03BF, "o" }, { 0x03B1, "a" }, { 0x03BD, "v" }, { 0x03C1, "p" }, { 0x03C4, "t" },
  { 0x03B9, "i" }, { 0x03BA, "k" }, { 0x03C5, "u" }, { 0x03F2, "c" }, { 0x0261, "g" },
  { 0x0131, "i" }, { 0x0269, "i" }, { 0x1D0F, "o" }, { 0x0D20, "o" },
  { '0', "o" }, { '1', "l" }, { 'i', "l" }, { '|', "l" }, { '5', "s" },
};

/**
 * vtr_host_skeleton:
 *
 * Returns: (transfer full): what @host looks like to a person: two hosts
 * with the same skeleton are easily taken one for the other.
 */
char *
vtr_host_skeleton (const char *host)
{
  g_autofree char *folded = vtr_text_fold (host);
  GString *skeleton = g_string_new (NULL);

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *as = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (confusables) && as == NULL; i++)
        if (confusables[i].c == c)
          as = confusables[i].as;
      if (as)
        g_string_append (skeleton, as);
      else
        g_string_append_unichar (skeleton, c);
    }

  /* Pairs of letters that read as one. */
  {
    static const char * const pairs[][2] = { { "rn", "m" }, { "vv", "w" }, { "cl", "d" } };
    char *text = g_string_free (skeleton, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_auto(GStrv) parts = g_strsplit (text, pairs[i][0], -1);
        g_free (text);
        text = g_strjoinv (pairs[i][1], parts);
      }
    return text;
  }
}

/* Damerau–Levenshtein distance, for swapped, missing or doubled letters. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));

#define D(I, J) d[(I) * (lb + 1) + (J)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] != b[j - 1];
        guint best = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);

        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, D (i - 2, j - 2) + 1);
        D (i, j) = best;
      }
  return D (la, lb);
#undef D
}

static gboolean
has_hidden_characters (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return TRUE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT ||
          g_unichar_type (c) == G_UNICODE_UNASSIGNED)
        return TRUE;
    }
  return FALSE;
}

/**
 * vtr_url_inspect:
 * @text: a scanned text that looks like a URL
 * @federation_host: (nullable): the federation's host, to spot imitations
 *
 * Returns: (transfer full): the URL's real host and its warnings.
 */
VtrUrlInfo *
vtr_url_inspect (const char *text,
                 const char *federation_host)
{
  VtrUrlInfo *info = g_new0 (VtrUrlInfo, 1);
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (has_hidden_characters (text))
    info->warnings |= VTR_URL_HIDDEN_CHARS;

  uri = g_utf8_validate (text, -1, NULL) ? g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL) : NULL;
  if (uri == NULL)
    {
      info->warnings |= VTR_URL_MALFORMED;
      return info;
    }

  info->scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_uri_get_host (uri);
  if (g_str_equal (info->scheme, "http"))
    info->warnings |= VTR_URL_INSECURE;
  if (g_uri_get_userinfo (uri) != NULL)
    info->warnings |= VTR_URL_USERINFO;
  if (host == NULL || *host == '\0')
    {
      if (g_str_equal (info->scheme, "http") || g_str_equal (info->scheme, "https"))
        info->warnings |= VTR_URL_MALFORMED;
      return info;
    }

  info->host = g_ascii_strdown (host, -1);
  if (g_hostname_is_ascii_encoded (info->host))
    {
      info->warnings |= VTR_URL_PUNYCODE;
      info->host_unicode = g_hostname_to_unicode (info->host);
    }
  if (info->host_unicode == NULL)
    info->host_unicode = g_utf8_strdown (host, -1);
  if (has_hidden_characters (info->host_unicode))
    info->warnings |= VTR_URL_HIDDEN_CHARS;

  if (federation_host && *federation_host && !g_str_equal (info->host, federation_host))
    {
      g_autofree char *ours = vtr_host_skeleton (federation_host);
      g_autofree char *theirs = vtr_host_skeleton (info->host_unicode);
      g_autofree char *dotted = g_strconcat (federation_host, ".", NULL);
      g_autofree char *inside = g_strconcat (".", federation_host, ".", NULL);
      g_autofree char *suffix = g_strconcat (".", federation_host, NULL);
      g_auto(GStrv) our_labels = g_strsplit (federation_host, ".", 2);
      g_auto(GStrv) their_labels = g_strsplit (info->host_unicode, ".", -1);
      gboolean same_name = FALSE;

      /* A real subdomain of the federation's host is the federation's. */
      if (!g_str_has_suffix (info->host, suffix))
        {
          if (g_str_has_prefix (info->host, dotted) || strstr (info->host, inside) != NULL)
            info->warnings |= VTR_URL_SUBDOMAIN_TRICK;

          /* The same name under another suffix: vtr13.com for vtr13.fr. */
          for (guint i = 0; their_labels[i] && our_labels[0]; i++)
            if (g_str_equal (their_labels[i], our_labels[0]))
              same_name = TRUE;

          if (g_str_equal (ours, theirs) || same_name ||
              (strlen (ours) >= 5 && edit_distance (ours, theirs) <= 2))
            info->warnings |= VTR_URL_LOOKALIKE;
        }
    }

  return info;
}

GStrv
vtr_url_warnings_to_strv (VtrUrlWarnings warnings)
{
  static const char * const names[] = {
    "insecure", "userinfo", "punycode", "lookalike", "subdomain-trick", "hidden-characters",
    "malformed",
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (warnings & (1 << i))
      g_strv_builder_add (builder, names[i]);
  return g_strv_builder_end (builder);
}

/* One sentence a shopper understands for each warning. */
char *
vtr_url_warnings_describe (VtrUrlWarnings warnings)
{
  static const char * const sentences[] = {
    N_("It is not a secure address (http)."),
    N_("It hides its real address behind a name and an “@”."),
    N_("Its address uses look-alike letters from other alphabets."),
    N_("Its address imitates the federation’s: it is not the federation’s."),
    N_("It puts the federation’s address in front of another one."),
    N_("It contains hidden characters that change how it reads."),
    N_("It is not a valid address."),
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
    if (warnings & (1 << i))
      g_string_append_printf (out, "%s%s", out->len ? " " : "",
                              g_dgettext (GETTEXT_PACKAGE, sentences[i]));
  return g_string_free (out, FALSE);
}

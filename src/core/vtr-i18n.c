#include "config.h"

#include "vtr-i18n.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

/**
 * vtr_i18n_init:
 *
 * Sets up translations for a Vitrine program. French is the default: a
 * machine that states no language (the C or POSIX locale, as kiosks and
 * servers often run) speaks French; LANGUAGE or a real locale choose
 * otherwise. VITRINE_LOCALEDIR points at uninstalled translations.
 */
void
vtr_i18n_init (void)
{
  const char *localedir = g_getenv ("VITRINE_LOCALEDIR");
  const char *messages;

  setlocale (LC_ALL, "");
  messages = setlocale (LC_MESSAGES, NULL);

  if (g_getenv ("LANGUAGE") == NULL &&
      (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX") ||
       g_str_has_prefix (messages, "C.")))
    {
      /* gettext ignores LANGUAGE in the plain C locale, not in C.UTF-8. */
      if (setlocale (LC_ALL, "C.UTF-8") != NULL)
        g_setenv ("LANGUAGE", "fr", TRUE);
    }

  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/**
 * vtr_i18n_get_language:
 *
 * The language messages are shown in now: "fr", "en"…
 *
 * Returns: (transfer full): a language code
 */
char *
vtr_i18n_get_language (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *messages = setlocale (LC_MESSAGES, NULL);
  const char *from = language && *language ? language : messages;

  if (from == NULL || g_str_equal (from, "C") || g_str_equal (from, "POSIX") || g_str_has_prefix (from, "C."))
    return g_strdup ("en");
  return g_strndup (from, strcspn (from, "_.:@"));
}

/**
 * vtr_i18n_set_language:
 * @language: "fr", "en"…
 *
 * Messages in @language from now on: a kiosk switches for a tourist and
 * back. What is already on screen keeps its words: build it again.
 */
#ifdef __GLIBC__
/* gettext's count of catalogues: raised, its cached translations are
 * looked up again (the GNU gettext manual's way after changing LANGUAGE). */
extern int _nl_msg_cat_cntr;
#endif

void
vtr_i18n_set_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
#ifdef __GLIBC__
  ++_nl_msg_cat_cntr;
#endif
}

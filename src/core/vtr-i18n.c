#include "config.h"

#include "vtr-i18n.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

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

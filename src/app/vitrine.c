#include "config.h"

#include <glib/gi18n.h>

#include "vtr-application.h"
#include "vtr-i18n.h"
#include "vtr-watchdog.h"

/*
 * vitrine: the kiosk. `vitrine --kiosk` for a shop counter (fullscreen,
 * no way out from the screen); `--camera` for another source than the
 * webcam (a file, a folder of images, a GStreamer pipeline).
 */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VtrApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                                       "fr.vitrine.Vitrine", TRUE);

  /* The kiosk's language (GSettings "language", French by default),
   * unless the environment says otherwise. */
  if (schema && g_getenv ("LANGUAGE") == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new ("fr.vitrine.Vitrine");
      g_autofree char *language = g_settings_get_string (settings, "language");

      if (*language)
        g_setenv ("LANGUAGE", language, TRUE);
    }
  vtr_i18n_init ();
  app = vtr_application_new (NULL, NULL, FALSE);
  vtr_watchdog_watch (app);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

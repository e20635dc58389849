#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-i18n.h"
#include "vtr-window.h"

/*
 * vitrine: the kiosk. `vitrine --kiosk` for a shop counter (fullscreen,
 * no way out from the screen); `--camera` for another source than the
 * webcam (a file, a folder of images, a GStreamer pipeline).
 */

static char *data_dir;
static char *camera;
static gboolean kiosk;

static const GOptionEntry entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder of Vitrine’s data"), N_("DIR") },
  { "camera", 0, 0, G_OPTION_ARG_STRING, &camera, N_("The camera: a file, a folder of images or a GStreamer source"), N_("SOURCE") },
  { "kiosk", 0, 0, G_OPTION_ARG_NONE, &kiosk, N_("Fullscreen, for a shop counter"), NULL },
  { NULL },
};

static void
on_activate (GtkApplication *app,
             gpointer        data)
{
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL)
    window = GTK_WINDOW (vtr_window_new (app, data_dir, camera, kiosk));
  gtk_window_present (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
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
  app = adw_application_new ("fr.vitrine.Vitrine", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (app), entries);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

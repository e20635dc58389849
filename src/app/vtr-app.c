#include "config.h"

#include "vtr-app.h"

#include <gio/gio.h>

/* The app's resources (data/ui: templates and style), compiled in. */
GResource *vtr_app_get_resource (void);

/*
 * Registered by name, once, before the first template or style sheet is
 * loaded: the static library's constructor that would do it may be
 * dropped by the linker.
 */
void
vtr_app_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      g_resources_register (vtr_app_get_resource ());
      g_once_init_leave (&registered, 1);
    }
}

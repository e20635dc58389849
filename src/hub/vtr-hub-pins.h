#pragma once

#include <glib.h>

#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"

G_BEGIN_DECLS

gboolean  vtr_hub_pins_set_admin   (VtrHubDb    *db,
                                    gint64       device_id,
                                    const char  *pin,
                                    GError     **error);
gboolean  vtr_hub_pins_admin_hash  (VtrHubDb    *db,
                                    gint64       device_id,
                                    char       **pin_hash,
                                    GError     **error);
char     *vtr_hub_pins_new_pin     (void);
char     *vtr_hub_pins_reset_code  (VtrHubDb    *db,
                                    VtrHubKeys  *keys,
                                    gint64       device_id,
                                    int          expires,
                                    gint64       now,
                                    GError     **error);

G_END_DECLS

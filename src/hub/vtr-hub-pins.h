#pragma once

#include <glib.h>

#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"

G_BEGIN_DECLS

typedef struct _VtrHubBackend VtrHubBackend;

gboolean  vtr_hub_pins_set_admin   (VtrHubBackend *backend,
                                    gint64         device_id,
                                    const char    *pin,
                                    GError       **error);
gboolean  vtr_hub_pins_check_device (gint64        device_id,
                                    gboolean       found,
                                    gboolean       revoked,
                                    GError       **error);
char     *vtr_hub_pins_new_pin     (void);
char     *vtr_hub_pins_reset_code  (VtrHubBackend *backend,
                                    VtrHubKeys    *keys,
                                    gint64         device_id,
                                    int            expires,
                                    gint64         now,
                                    GError       **error);

G_END_DECLS

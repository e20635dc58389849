#pragma once

#include <json-glib/json-glib.h>

#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/* Whether @kind is one of the shop edits ("shop-…", vtr-shop-edit.h). */
gboolean   vtr_hub_shop_is_shop_event (const char         *kind);

JsonArray *vtr_hub_shop_ingest        (VtrStore           *catalog,
                                       VtrHubKeys         *keys,
                                       const VtrHubDevice *device,
                                       JsonArray          *events,
                                       gint64              now,
                                       JsonBuilder        *results,
                                       guint              *n_accepted,
                                       GError            **error);

G_END_DECLS

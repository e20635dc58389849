#pragma once

#include "vtr-sync.h"

G_BEGIN_DECLS

gboolean vtr_sync_client_refill_stock (VtrSyncClient *client,
                                       VtrSyncReport *report,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS

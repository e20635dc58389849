#pragma once

#include "vtr-card-block.h"
#include "vtr-sync.h"

G_BEGIN_DECLS

GPtrArray *vtr_sync_find_cards (VtrStore     *store,
                                const char   *phone,
                                const char   *suffix,
                                gboolean     *asked_hub,
                                GCancellable *cancellable,
                                GError      **error);

G_END_DECLS

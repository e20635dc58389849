#pragma once

#include "vtr-key-list.h"
#include "vtr-store.h"

G_BEGIN_DECLS

gboolean    vtr_trust_save (VtrStore    *store,
                            const char  *envelope,
                            const char  *root_public,
                            GError     **error);
VtrKeyList *vtr_trust_load (VtrStore    *store,
                            GError     **error);

G_END_DECLS

#pragma once

#include <glib.h>

#include "vtr-flashcode.h"
#include "vtr-store.h"

G_BEGIN_DECLS

guint    vtr_code_stock_add  (VtrStore           *store,
                              VtrCodeKind         kind,
                              const char * const *codes,
                              const VtrKeyList   *keys,
                              GDateTime          *now,
                              GError            **error);
gboolean vtr_code_stock_take (VtrStore           *store,
                              VtrCodeKind         kind,
                              char              **id,
                              char              **code,
                              GError            **error);

G_END_DECLS

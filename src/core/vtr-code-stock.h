#pragma once

#include <glib.h>

#include "vtr-flashcode.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/* Sync asks the hub for more codes of a kind when fewer than LOW are
 * left, up to FULL: a day of a busy kiosk stays well under LOW. */
#define VTR_CODE_STOCK_LOW  50
#define VTR_CODE_STOCK_FULL 200

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
gboolean vtr_code_stock_count (VtrStore           *store,
                               VtrCodeKind         kind,
                               gint64             *left,
                               GError            **error);

G_END_DECLS

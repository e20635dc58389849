#pragma once

#include <glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

GPtrArray *vtr_shop_promotions_running (VtrStore   *store,
                                        gint64      merchant_id,
                                        GDateTime  *now,
                                        GError    **error);

G_END_DECLS

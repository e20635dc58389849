#pragma once

#include <glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/* What "Ma boutique" reads of the shop to show its forms filled:
 * blocking SQLite work, for a worker thread. */


GPtrArray *vtr_shop_promotions_running (VtrStore   *store,
                                        gint64      merchant_id,
                                        GDateTime  *now,
                                        GError    **error);

int       *vtr_shop_collections_taken  (VtrStore   *store,
                                        gint64      merchant_id,
                                        GError    **error);
gint64     vtr_shop_loyalty_cents_per_point (VtrStore *store,
                                        gint64      merchant_id,
                                        GError    **error);

G_END_DECLS

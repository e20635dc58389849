#pragma once

#include <glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/* How long a kiosk keeps a customer's first name and phone after the
 * order is over (collected, cancelled or refused), by default. */
#define VTR_ORDER_KEEP_DAYS 30

gboolean vtr_order_forget         (VtrStore   *store,
                                   const char *session,
                                   const char *number,
                                   GDateTime  *now,
                                   GError    **error);
int      vtr_order_forget_expired (VtrStore   *store,
                                   GDateTime  *now,
                                   gint64      keep_seconds,
                                   GError    **error);
gint64   vtr_order_keep_seconds   (void);

G_END_DECLS

#pragma once

#include <json-glib/json-glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

#define VTR_ORDER_FEED_ERROR (vtr_order_feed_error_quark ())

typedef enum
{
  VTR_ORDER_FEED_ERROR_STALE, /* a page for another cursor than the device's */
} VtrOrderFeedError;

GQuark    vtr_order_feed_error_quark     (void);
gint64    vtr_order_feed_cursor          (VtrStore   *store,
                                          GError    **error);
gboolean  vtr_order_feed_apply           (VtrStore   *store,
                                          JsonObject *page,
                                          gint64      merchant_id,
                                          guint      *n_new,
                                          guint      *n_changed,
                                          GError    **error);
gboolean  vtr_order_feed_note_refusals   (VtrStore   *store,
                                          gint64      since,
                                          GError    **error);
int       vtr_order_feed_has_open_orders (VtrStore   *store,
                                          GError    **error);
gint64    vtr_order_count_waiting        (VtrStore   *store,
                                          gint64      merchant_id,
                                          GError    **error);

G_END_DECLS

#pragma once

#include <gio/gio.h>

#include "vtr-orders.h"

G_BEGIN_DECLS

/* What the counter shows of the shop's orders. */
typedef struct
{
  GPtrArray *orders;  /* VtrOrder, newest first, with their lines; NULL when not asked */
  GHashTable *names;  /* their products' names, by id (gint64 *): what to prepare */
  gint64     waiting; /* orders waiting to be accepted */
} VtrOrderView;

void          vtr_order_view_free         (VtrOrderView        *view);
void          vtr_order_view_read_async   (const char          *data_dir,
                                           gint64               merchant_id,
                                           gboolean             with_orders,
                                           guint                max_orders,
                                           const char          *number_digits,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      vtr_order_number_has_digits (const char          *number,
                                           const char          *digits);
VtrOrderView *vtr_order_view_read_finish  (GAsyncResult        *result,
                                           GError             **error);
void          vtr_order_get_async         (const char          *data_dir,
                                           const char          *number,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
VtrOrder     *vtr_order_get_finish        (GAsyncResult        *result,
                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrOrderView, vtr_order_view_free)

G_END_DECLS

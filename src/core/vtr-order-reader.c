#include "config.h"

#include "vtr-order-reader.h"

#include "vtr-order-feed.h"
#include "vtr-store-private.h"

/*
 * The shop's orders read for a screen, on a worker thread with its own
 * connection to the data folder (SQLite connections stay in one thread
 * here, and the main loop never waits for the disk): the counter's list
 * and badge, an order a customer's pickup code names.
 */

typedef struct
{
  char     *data_dir;
  char     *number;
  char     *digits;      /* the orders whose numbers have these digits, if any */
  gint64    merchant_id;
  gboolean  with_orders;
  guint     max_orders;
} Reading;

static void
reading_free (Reading *reading)
{
  g_free (reading->data_dir);
  g_free (reading->number);
  g_free (reading->digits);
  g_free (reading);
}

void
vtr_order_view_free (VtrOrderView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->orders, g_ptr_array_unref);
  g_clear_pointer (&view->names, g_hash_table_unref);
  g_free (view);
}

/* The orders' lines, and their products' names: what the shop prepares. */
static gboolean
read_lines (VtrStore      *store,
            VtrOrderView  *view,
            GError       **error)
{
  g_autoptr(VtrStatement) name = vtr_store_statement (store, "SELECT name FROM product WHERE id = ?", error);

  if (name == NULL)
    return FALSE;
  view->names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < view->orders->len; i++)
    {
      VtrOrder *order = g_ptr_array_index (view->orders, i);

      if (!vtr_order_load_lines (store, order, error))
        return FALSE;
      for (guint k = 0; k < order->lines->len; k++)
        {
          gint64 id = g_array_index (order->lines, VtrOrderLine, k).product_id;
          int rc;

          if (g_hash_table_contains (view->names, &id))
            continue;
          sqlite3_reset (name);
          sqlite3_bind_int64 (name, 1, id);
          rc = sqlite3_step (name);
          if (rc == SQLITE_ROW)
            g_hash_table_insert (view->names, g_memdup2 (&id, sizeof id),
                                 g_strdup ((const char *) sqlite3_column_text (name, 0)));
          else if (rc != SQLITE_DONE)
            {
              vtr_store_set_error (store, rc, error);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/**
 * vtr_order_number_has_digits:
 * @number: an order's number, "AA-5396"
 * @digits: what a numeric keypad types of it, "5396"
 *
 * Returns: whether @number's digits, its letters and dash aside, are
 *   @digits (and @digits has one at least)
 */
gboolean
vtr_order_number_has_digits (const char *number,
                             const char *digits)
{
  const char *d = digits;

  g_return_val_if_fail (number != NULL, FALSE);
  g_return_val_if_fail (digits != NULL, FALSE);

  if (*digits == '\0')
    return FALSE;
  for (const char *n = number; *n; n++)
    {
      if (!g_ascii_isdigit (*n))
        continue;
      if (*d != *n)
        return FALSE;
      d++;
    }
  return *d == '\0';
}

/* The orders a number typed at the counter may be: those whose number has
 * its digits, still to hand over (placed, being prepared, ready). */
static void
keep_asked (GPtrArray  *orders,
            const char *digits)
{
  for (guint i = orders->len; i-- > 0;)
    {
      VtrOrder *order = g_ptr_array_index (orders, i);

      if (!vtr_order_number_has_digits (order->number, digits) ||
          (order->state != VTR_ORDER_PLACED && order->state != VTR_ORDER_ACCEPTED &&
           order->state != VTR_ORDER_READY))
        g_ptr_array_remove_index (orders, i);
    }
}

static void
read_view_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  Reading *reading = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrOrderView) view = g_new0 (VtrOrderView, 1);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!(store = vtr_store_open (reading->data_dir, &error)) ||
      (view->waiting = vtr_order_count_waiting (store, reading->merchant_id, &error)) < 0 ||
      (reading->with_orders && !(view->orders = vtr_order_list (store, reading->merchant_id, &error))))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (view->orders && reading->digits)
    keep_asked (view->orders, reading->digits);
  if (view->orders && view->orders->len > reading->max_orders)
    g_ptr_array_set_size (view->orders, reading->max_orders);
  if (view->orders && !read_lines (store, view, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&view), (GDestroyNotify) vtr_order_view_free);
}

/**
 * vtr_order_view_read_async:
 * @data_dir: the device's data folder; the read opens its own store there
 * @with_orders: %FALSE for the count alone (no staff session: no names)
 * @number_digits: (nullable): only the orders still to hand over whose
 *   numbers have these digits (a number typed at the counter's keypad)
 *
 * Reads the shop's orders and how many wait to be accepted, on a worker
 * thread.
 */
void
vtr_order_view_read_async (const char          *data_dir,
                           gint64               merchant_id,
                           gboolean             with_orders,
                           guint                max_orders,
                           const char          *number_digits,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Reading *reading = g_new0 (Reading, 1);

  reading->data_dir = g_strdup (data_dir);
  reading->digits = g_strdup (number_digits);
  reading->merchant_id = merchant_id;
  reading->with_orders = with_orders;
  reading->max_orders = max_orders;
  g_task_set_source_tag (task, vtr_order_view_read_async);
  g_task_set_name (task, "[vitrine] shop's orders");
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);
  g_task_run_in_thread (task, read_view_in_thread);
}

VtrOrderView *
vtr_order_view_read_finish (GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_order_view_read_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
get_in_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Reading *reading = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  VtrOrder *order;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!(store = vtr_store_open (reading->data_dir, &error)) ||
      !(order = vtr_order_get (store, reading->number, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, order, (GDestroyNotify) vtr_order_free);
}

/**
 * vtr_order_get_async:
 *
 * vtr_order_get() on a worker thread.
 */
void
vtr_order_get_async (const char          *data_dir,
                     const char          *number,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Reading *reading = g_new0 (Reading, 1);

  reading->data_dir = g_strdup (data_dir);
  reading->number = g_strdup (number);
  g_task_set_source_tag (task, vtr_order_get_async);
  g_task_set_name (task, "[vitrine] an order");
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);
  g_task_run_in_thread (task, get_in_thread);
}

VtrOrder *
vtr_order_get_finish (GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_order_get_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

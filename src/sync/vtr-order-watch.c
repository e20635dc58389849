#include "config.h"

#include "vtr-order-watch.h"

#include "vtr-sync.h"

/*
 * A shop's device waiting at the hub for its orders: long-polls of the
 * orders' feed (GET /api/v1/orders?since=…&wait=S, docs/hub-api.md) one
 * after the other on a worker thread, with its own HTTP session and store
 * connection, besides the regular syncs. An order placed anywhere
 * reaches the counter in about the time of its upload instead of at the
 * next poll; "orders-changed" says so, on the main thread. After a failure
 * it asks again soon, with a wait of a second, and each answer
 * says "hub-reached": the sync service, offline since a failed sync, syncs
 * as soon as the hub is back rather than after its backoff. A device that
 * is not a shop's, or a hub that cannot long-poll (three empty answers at
 * once in a row), stops the watch until
 * it is started again (after the next sync).
 */

struct _VtrOrderWatch
{
  GObject       parent_instance;

  char         *data_dir;
  SoupSession  *session;
  GCancellable *cancellable; /* while it runs */
  guint         retry_id;
  guint         failures;
  guint         instants;  /* empty answers at once in a row */
};

G_DEFINE_FINAL_TYPE (VtrOrderWatch, vtr_order_watch, G_TYPE_OBJECT)

enum
{
  ORDERS_CHANGED,
  HUB_REACHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char        *data_dir;
  SoupSession *session;
  guint        seconds;
  gboolean     probe;   /* after a failure: a wait of a second, not a long-poll */
} Wait;

typedef struct
{
  gboolean  stop;    /* not a shop's device, not paired */
  gboolean  instant; /* an empty answer at once: a hub that does not wait, or one that stops */
  guint     orders;
  GError   *error;
} Waited;

static void
wait_free (Wait *wait)
{
  g_free (wait->data_dir);
  g_object_unref (wait->session);
  g_free (wait);
}

static void
waited_free (Waited *waited)
{
  g_clear_error (&waited->error);
  g_free (waited);
}

/* Under the session's timeout (VITRINE_SYNC_TIMEOUT, 30 s), at most 20 s;
 * 0 when too short to be worth it. */
static guint
wait_seconds (void)
{
  const char *timeout = g_getenv ("VITRINE_SYNC_TIMEOUT");
  guint64 limit = 30;

  if (timeout)
    g_ascii_string_to_unsigned (timeout, 10, 1, 3600, &limit, NULL);
  return limit > 7 ? MIN (20, limit - 5) : 0;
}

static void
wait_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Wait *wait = data;
  Waited *waited = g_new0 (Waited, 1);
  g_autoptr(VtrStore) store = vtr_store_open (wait->data_dir, &waited->error);
  g_autoptr(VtrSyncClient) client = NULL;
  VtrSyncReport report = { 0 };
  gint64 started = g_get_monotonic_time ();

  if (store)
    client = vtr_sync_client_new_for_session (store, wait->session, NULL);
  if (client == NULL || !vtr_sync_client_is_shop (client) || wait->seconds == 0)
    waited->stop = TRUE;
  else if (wait->probe)
    {
      /* Is the hub back? A wait of a second, not of a long-poll: the
       * sync service hears of it at once. */
      if (vtr_sync_client_wait_orders (client, 1, &report, cancellable, &waited->error))
        waited->orders = report.orders_new + report.orders_changed;
    }
  else if (vtr_sync_client_wait_orders (client, wait->seconds, &report, cancellable, &waited->error))
    {
      waited->orders = report.orders_new + report.orders_changed;
      /* An answer at once and empty: a hub that does not wait, or one
       * that answers its long-polls as it stops. Not a loop. */
      waited->instant = waited->orders == 0 && g_get_monotonic_time () - started < G_USEC_PER_SEC / 2;
    }
  g_task_return_pointer (task, waited, (GDestroyNotify) waited_free);
}

/* A watch that lost the hub tries again after 2 s, 4 s, 8 s… up to 30 s
 * (±50 %). */
#define RETRY_MAX_SECONDS 30

static void run (VtrOrderWatch *self);

static gboolean
retry (gpointer data)
{
  VtrOrderWatch *self = data;

  self->retry_id = 0;
  run (self);
  return G_SOURCE_REMOVE;
}

static void
waited_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  VtrOrderWatch *self = VTR_ORDER_WATCH (source);
  Waited *waited = g_task_propagate_pointer (G_TASK (result), NULL);
  gboolean reached;

  /* Stopped meanwhile: nothing more. */
  if (waited == NULL || self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&waited, waited_free);
      return;
    }
  reached = waited->error == NULL && !waited->stop;
  if (waited->orders)
    g_signal_emit (self, signals[ORDERS_CHANGED], 0, waited->orders);
  if (waited->stop)
    vtr_order_watch_stop (self);
  else if (waited->instant)
    {
      /* Three in a row: a hub that cannot long-poll; the syncs bring the
       * orders. One (a hub restarting): the watch tries again soon, and
       * does not give up on a hub that comes back. */
      self->failures = 0;
      if (++self->instants >= 3)
        vtr_order_watch_stop (self);
      else
        self->retry_id = g_timeout_add_seconds (vtr_sync_retry_delay (self->instants, 2, RETRY_MAX_SECONDS),
                                                retry, self);
    }
  else if (waited->error)
    {
      /* Offline: the regular syncs say so; the watch tries again later,
       * soon (a refused connection costs little), so that it is the first
       * to see the hub back. */
      g_debug ("waiting for orders: %s", waited->error->message);
      self->failures++;
      self->retry_id = g_timeout_add_seconds (vtr_sync_retry_delay (self->failures, 2, RETRY_MAX_SECONDS),
                                              retry, self);
    }
  else
    {
      self->failures = 0;
      self->instants = 0;
      run (self);
    }
  waited_free (waited);
  /* Last: a handler may stop the watch. */
  if (reached)
    g_signal_emit (self, signals[HUB_REACHED], 0);
}

static void
run (VtrOrderWatch *self)
{
  g_autoptr(GTask) task = NULL;
  Wait *wait = g_new0 (Wait, 1);

  wait->data_dir = g_strdup (self->data_dir);
  wait->session = g_object_ref (self->session);
  wait->seconds = wait_seconds ();
  wait->probe = self->failures > 0;
  task = g_task_new (self, self->cancellable, waited_done, NULL);
  g_task_set_name (task, "[vitrine] waiting for orders");
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);
  g_task_run_in_thread (task, wait_in_thread);
}

/**
 * vtr_order_watch_start:
 *
 * Starts waiting for orders, unless it already does. A sync that just
 * worked says the hub is back: a watch waiting to try again tries now.
 */
void
vtr_order_watch_start (VtrOrderWatch *self)
{
  g_return_if_fail (VTR_IS_ORDER_WATCH (self));

  if (self->cancellable)
    {
      if (self->retry_id)
        {
          g_clear_handle_id (&self->retry_id, g_source_remove);
          run (self);
        }
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->instants = 0;
  /* Its own session: a long-poll never waits behind a sync's requests. */
  if (self->session == NULL)
    self->session = vtr_sync_session_new ();
  run (self);
}

void
vtr_order_watch_stop (VtrOrderWatch *self)
{
  g_return_if_fail (VTR_IS_ORDER_WATCH (self));

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

gboolean
vtr_order_watch_get_running (VtrOrderWatch *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_WATCH (self), FALSE);
  return self->cancellable != NULL;
}

static void
vtr_order_watch_dispose (GObject *object)
{
  vtr_order_watch_stop (VTR_ORDER_WATCH (object));
  G_OBJECT_CLASS (vtr_order_watch_parent_class)->dispose (object);
}

static void
vtr_order_watch_finalize (GObject *object)
{
  VtrOrderWatch *self = VTR_ORDER_WATCH (object);

  g_clear_object (&self->session);
  g_free (self->data_dir);
  G_OBJECT_CLASS (vtr_order_watch_parent_class)->finalize (object);
}

static void
vtr_order_watch_class_init (VtrOrderWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vtr_order_watch_dispose;
  object_class->finalize = vtr_order_watch_finalize;

  /**
   * VtrOrderWatch::orders-changed:
   * @n: orders received or whose state changed
   */
  signals[ORDERS_CHANGED] = g_signal_new ("orders-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * VtrOrderWatch::hub-reached:
   *
   * The hub answered a long-poll: it can be reached.
   */
  signals[HUB_REACHED] = g_signal_new ("hub-reached", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vtr_order_watch_init (VtrOrderWatch *self)
{
}

VtrOrderWatch *
vtr_order_watch_new (const char *data_dir)
{
  VtrOrderWatch *self = g_object_new (VTR_TYPE_ORDER_WATCH, NULL);

  self->data_dir = g_strdup (data_dir);
  return self;
}

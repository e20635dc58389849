#include "config.h"

#include "vtr-sync-service.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "vtr-describe.h"
#include "vtr-order-watch.h"

/*
 * The app's sync: a sync every interval (30 s) on a worker thread, with
 * exponential backoff (up to a minute, VTR_SYNC_RETRY_MAX_SECONDS) and
 * jitter after a failure, an immediate one when the network comes back,
 * when the hub answers the orders' long-poll after a failed sync (it is
 * back: what waits goes up now, not after the backoff), or when asked
 * (after an order). Its properties
 * say how fresh the data is, for the corner of every screen; they change
 * on the main thread only. Offline is a state, not an error.
 */

struct _VtrSyncService
{
  GObject       parent_instance;

  char         *data_dir;
  guint         interval;
  VtrSyncState  state;
  gint64        last_success;
  gint64        pending;
  char         *last_error;
  guint         failures;

  gboolean      running;
  gboolean      again;      /* asked while a sync was running */
  gboolean      soon;       /* a sync in SOON_MS, for what was just written */
  guint         timeout_id;
  GCancellable *cancellable;
  gulong        network_id;
  /* One for the life of the service, not one a sync (vtr_sync_session_new). */
  SoupSession  *session;
  /* A shop's device waits at the hub for its orders between syncs. */
  VtrOrderWatch *watch;
  /* (ops) The device's health told since the last sync ("camera" →
   * "unplugged"): the next sync's worker writes it, and its heartbeat
   * tells the hub. */
  GHashTable   *device_notes;
};

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_INTERVAL,
  PROP_STATE,
  PROP_LAST_SUCCESS,
  PROP_PENDING,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ORDERS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VtrSyncService, vtr_sync_service, G_TYPE_OBJECT)

/* What a sync on the worker found, handed back to the main thread. */
typedef struct
{
  gboolean       paired;
  VtrSyncStatus *status;
  GError        *error;
  guint          orders;  /* orders received or changed by the hub */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  vtr_sync_status_free (outcome->status);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

/* What a sync on the worker needs. */
typedef struct
{
  char        *data_dir;
  SoupSession *session;
  GHashTable  *device_notes; /* (nullable) */
} Request;

static void
request_free (Request *request)
{
  g_clear_pointer (&request->device_notes, g_hash_table_unref);
  g_free (request->data_dir);
  g_object_unref (request->session);
  g_free (request);
}

static void
sync_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Request *request = data;
  Outcome *outcome = g_new0 (Outcome, 1);
  g_autoptr(VtrStore) store = vtr_store_open (request->data_dir, &outcome->error);
  g_autoptr(VtrSyncClient) client = NULL;
  VtrSyncReport report = { 0 };

  /* A connection of its own: SQLite connections stay in one thread. */
  if (store && request->device_notes)
    {
      GHashTableIter iter;
      gpointer part, state;

      /* Written first, so this sync's heartbeat says it. */
      g_hash_table_iter_init (&iter, request->device_notes);
      while (g_hash_table_iter_next (&iter, &part, &state))
        vtr_sync_state_note_device (store, part, state, NULL);
    }
  if (store)
    {
      client = vtr_sync_client_new_for_session (store, request->session, &outcome->error);
      outcome->paired = client != NULL;
      if (client)
        vtr_sync_client_run (client, &report, cancellable, &outcome->error);
      outcome->orders = report.orders_new + report.orders_changed;
      outcome->status = vtr_sync_state_status (store, NULL);
    }
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

static void schedule (VtrSyncService *self,
                      guint           seconds);

static void
set_state (VtrSyncService *self,
           VtrSyncState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  VtrSyncService *self = VTR_SYNC_SERVICE (source);
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), NULL);
  guint delay;

  self->running = FALSE;
  /* Stopped while it ran (the window closed): the task says cancelled and
   * its outcome is dropped; nothing more to report or to schedule. */
  if (outcome == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (outcome->status)
    {
      if (self->last_success != outcome->status->last_success)
        {
          self->last_success = outcome->status->last_success;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
        }
      if (self->pending != outcome->status->pending)
        {
          self->pending = outcome->status->pending;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
        }
    }
  if (g_strcmp0 (self->last_error, outcome->error ? outcome->error->message : NULL) != 0)
    {
      g_free (self->last_error);
      self->last_error = outcome->error ? g_strdup (outcome->error->message) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }
  if (!outcome->paired)
    set_state (self, VTR_SYNC_STATE_NOT_PAIRED);
  else
    set_state (self, outcome->error ? VTR_SYNC_STATE_OFFLINE : VTR_SYNC_STATE_IDLE);
  g_object_thaw_notify (G_OBJECT (self));

  self->failures = outcome->error ? self->failures + 1 : 0;
  /* Synced: a shop's device (the watch finds out) waits for its orders. */
  if (outcome->paired && outcome->error == NULL && self->cancellable && self->watch)
    vtr_order_watch_start (self->watch);
  if (outcome->orders)
    g_signal_emit (self, signals[ORDERS_CHANGED], 0, outcome->orders);
  outcome_free (outcome);

  if (!self->cancellable || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (self->again)
    delay = 0;
  else if (self->failures)
    delay = vtr_sync_retry_delay (self->failures, MIN (self->interval, 5), VTR_SYNC_RETRY_MAX_SECONDS);
  else
    delay = self->interval;
  self->again = FALSE;
  schedule (self, delay);
}

static gboolean
run_sync (gpointer data)
{
  VtrSyncService *self = data;
  g_autoptr(GTask) task = NULL;
  Request *request;

  self->timeout_id = 0;
  self->soon = FALSE;
  if (self->running)
    {
      self->again = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->running = TRUE;
  set_state (self, VTR_SYNC_STATE_SYNCING);
  if (self->session == NULL)
    self->session = vtr_sync_session_new ();
  request = g_new0 (Request, 1);
  request->data_dir = g_strdup (self->data_dir);
  request->session = g_object_ref (self->session);
  if (g_hash_table_size (self->device_notes) > 0)
    {
      request->device_notes = g_steal_pointer (&self->device_notes);
      self->device_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  task = g_task_new (self, self->cancellable, sync_done, NULL);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, sync_in_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule (VtrSyncService *self,
          guint           seconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->soon = FALSE;
  if (seconds == 0)
    self->timeout_id = g_idle_add_full (G_PRIORITY_DEFAULT, run_sync, self, NULL);
  else
    self->timeout_id = g_timeout_add_seconds (seconds, run_sync, self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         data)
{
  VtrSyncService *self = data;

  /* Back online after a failure: no need to wait for the backoff. */
  if (available && self->failures > 0)
    vtr_sync_service_sync_now (self);
}

/* The orders' long-poll was answered: the hub is back. One sync at once if
 * the last one failed (after the running one, if one runs); at most one a
 * long-poll's answer, no more often than the syncs of a kiosk in health. */
static void
on_hub_reached (VtrSyncService *self)
{
  if (self->failures > 0)
    vtr_sync_service_sync_now (self);
}

static void
on_watched_orders (VtrSyncService *self,
                   guint           n)
{
  g_signal_emit (self, signals[ORDERS_CHANGED], 0, n);
}

void
vtr_sync_service_start (VtrSyncService *self)
{
  g_return_if_fail (VTR_IS_SYNC_SERVICE (self));

  if (self->cancellable)
    return;
  self->cancellable = g_cancellable_new ();
  self->network_id = g_signal_connect (g_network_monitor_get_default (), "network-changed",
                                       G_CALLBACK (on_network_changed), self);
  /* VITRINE_ORDERS_LONG_POLL=0: orders come with the syncs only. */
  if (self->watch == NULL && g_strcmp0 (g_getenv ("VITRINE_ORDERS_LONG_POLL"), "0") != 0)
    {
      self->watch = vtr_order_watch_new (self->data_dir);
      g_signal_connect_object (self->watch, "orders-changed", G_CALLBACK (on_watched_orders), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watch, "hub-reached", G_CALLBACK (on_hub_reached), self,
                               G_CONNECT_SWAPPED);
    }
  schedule (self, 0);
}

void
vtr_sync_service_stop (VtrSyncService *self)
{
  g_return_if_fail (VTR_IS_SYNC_SERVICE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_signal_handler (&self->network_id, g_network_monitor_get_default ());
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->watch)
    vtr_order_watch_stop (self->watch);
}

/* A sync as soon as possible: after an order, or from the admin screen. */
void
vtr_sync_service_sync_now (VtrSyncService *self)
{
  g_return_if_fail (VTR_IS_SYNC_SERVICE (self));

  if (self->cancellable == NULL)
    return;
  if (self->running)
    self->again = TRUE;
  else
    schedule (self, 0);
}

/* What a person just wrote at this device (an order, a step at the
 * counter, a price) goes up at once rather than at the next period, so
 * the shop, the customer and the street kiosks hear of it in seconds; a
 * burst of writes (a shelf scanned) is one sync. Even after failures: a
 * person's action is worth one more try. */
#define SOON_MS 500

void
vtr_sync_service_sync_soon (VtrSyncService *self)
{
  g_return_if_fail (VTR_IS_SYNC_SERVICE (self));

  if (self->cancellable == NULL)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  if (self->soon)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->soon = TRUE;
  self->timeout_id = g_timeout_add (SOON_MS, run_sync, self);
}

/**
 * vtr_sync_service_note_device:
 * @part: "camera" or "printer"
 * @state: its state in one word ("ok", "unplugged", "paper-out"…)
 *
 * (ops) Tells the hub how a part of the device is, with the next sync's
 * heartbeat (vtr_sync_state_heartbeat()): the hub's device list then says
 * which kiosk needs a visit. Kept in the journal's sync state by the
 * sync's worker, away from the screen.
 */
void
vtr_sync_service_note_device (VtrSyncService *self,
                              const char     *part,
                              const char     *state)
{
  g_return_if_fail (VTR_IS_SYNC_SERVICE (self));
  g_return_if_fail (part != NULL && state != NULL);

  g_hash_table_replace (self->device_notes, g_strdup (part), g_strdup (state));
}

VtrSyncState
vtr_sync_service_get_state (VtrSyncService *self)
{
  g_return_val_if_fail (VTR_IS_SYNC_SERVICE (self), VTR_SYNC_STATE_NOT_PAIRED);
  return self->state;
}

gint64
vtr_sync_service_get_last_success (VtrSyncService *self)
{
  g_return_val_if_fail (VTR_IS_SYNC_SERVICE (self), 0);
  return self->last_success;
}

gint64
vtr_sync_service_get_pending (VtrSyncService *self)
{
  g_return_val_if_fail (VTR_IS_SYNC_SERVICE (self), 0);
  return self->pending;
}

const char *
vtr_sync_service_get_last_error (VtrSyncService *self)
{
  g_return_val_if_fail (VTR_IS_SYNC_SERVICE (self), NULL);
  return self->last_error;
}

/**
 * vtr_sync_service_describe_freshness:
 *
 * How fresh the kiosk's data is, in a few words for its header and its
 * administration: "Up to date · 12:09", "Offline · data from 12:09".
 * While a sync runs it says what the last one found, so a kiosk retrying
 * a hub it cannot reach does not claim to be up to date meanwhile.
 *
 * Returns: (transfer full): the words
 */
char *
vtr_sync_service_describe_freshness (VtrSyncService *self)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (VTR_IS_SYNC_SERVICE (self), NULL);

  if (self->last_success > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->last_success);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      when = vtr_describe_time (utc, now);
    }
  if (self->state == VTR_SYNC_STATE_NOT_PAIRED)
    return g_strdup (_("Local data, not connected to the federation"));
  if (self->state == VTR_SYNC_STATE_OFFLINE || (self->state == VTR_SYNC_STATE_SYNCING && self->last_error))
    return when ? g_strdup_printf (_("Offline · data from %s"), when) : g_strdup (_("Offline"));
  return when ? g_strdup_printf (_("Up to date · %s"), when) : g_strdup (_("Connecting…"));
}

static void
vtr_sync_service_dispose (GObject *object)
{
  vtr_sync_service_stop (VTR_SYNC_SERVICE (object));
  G_OBJECT_CLASS (vtr_sync_service_parent_class)->dispose (object);
}

static void
vtr_sync_service_finalize (GObject *object)
{
  VtrSyncService *self = VTR_SYNC_SERVICE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->watch);
  g_clear_pointer (&self->device_notes, g_hash_table_unref);
  g_free (self->data_dir);
  g_free (self->last_error);
  G_OBJECT_CLASS (vtr_sync_service_parent_class)->finalize (object);
}

static void
vtr_sync_service_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VtrSyncService *self = VTR_SYNC_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_int64 (value, self->last_success);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_sync_service_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VtrSyncService *self = VTR_SYNC_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_sync_service_class_init (VtrSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vtr_sync_service_dispose;
  object_class->finalize = vtr_sync_service_finalize;
  object_class->get_property = vtr_sync_service_get_property;
  object_class->set_property = vtr_sync_service_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 86400, 30,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, VTR_SYNC_STATE_NOT_PAIRED, VTR_SYNC_STATE_OFFLINE,
                      VTR_SYNC_STATE_NOT_PAIRED, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_int64 ("last-success", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VtrSyncService::orders-changed:
   * @n: orders the sync received or whose state the hub changed
   *
   * A sync brought orders (a shop's new ones, the state of those this
   * kiosk placed): the counter reads them again.
   */
  signals[ORDERS_CHANGED] = g_signal_new ("orders-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vtr_sync_service_init (VtrSyncService *self)
{
  /* As for `vitrine-ctl sync --watch`: tests and demos sync sooner. Not
   * a construct property's default, which would overwrite it. */
  const char *env = g_getenv ("VITRINE_SYNC_INTERVAL");

  self->interval = env ? CLAMP (atoi (env), 1, 86400) : 30;
  self->device_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * vtr_sync_service_new:
 * @data_dir: (nullable): the kiosk's data; %NULL for the default
 */
VtrSyncService *
vtr_sync_service_new (const char *data_dir)
{
  g_autofree char *dir = data_dir ? g_strdup (data_dir) : vtr_store_default_data_dir ();

  return g_object_new (VTR_TYPE_SYNC_SERVICE, "data-dir", dir, NULL);
}

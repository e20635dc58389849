#include "config.h"

#include "vtr-print-service.h"

#include <glib/gi18n.h>

#include "vtr-print-queue.h"

/*
 * The kiosk's ticket printer, away from the screen: a network printer
 * that does not answer takes seconds to say so, and CUPS may take as long
 * to list its printers; the main loop must not wait meanwhile. Each job
 * runs on a worker thread with its own connection to the journal and
 * everything it needs in its own struct, so the service may be gone when
 * it ends: the worker finds the service again through a weak reference.
 * Tickets that could not print wait in the durable queue and are tried
 * again every half minute once the service is started.
 *
 * A ticket handed to print_async() is queued and printed even if the
 * caller cancels: cancelling only means the caller no longer wants the
 * answer, and it gets G_IO_ERROR_CANCELLED at once (letting go of the
 * service) while the worker carries on: an order's ticket must come out.
 */

struct _VtrPrintService
{
  GObject       parent_instance;

  char         *data_dir;
  char         *target;      /* NULL: vtr_print_default_target () */
  guint         interval;
  guint         printing;    /* print jobs and queue runs under way */
  const char   *health;      /* (nullable): vtr_printer_get_health(), last asked */
  gboolean      checking;    /* a health check under way */
  guint         timeout_id;
  GCancellable *cancellable; /* cancelled by dispose: the timer's runs */
};

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_TARGET,
  PROP_INTERVAL,
  PROP_BUSY,
  PROP_HEALTH,
  N_PROPS
};

enum
{
  QUEUE_PRINTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VtrPrintService, vtr_print_service, G_TYPE_OBJECT)

/* One queue run at a time in the process: two at once on one journal
 * could both take the same waiting ticket and print it twice. */
G_LOCK_DEFINE_STATIC (queue);

typedef enum
{
  JOB_PRINT,    /* a ticket, then whatever waits */
  JOB_RETRY,    /* whatever waits */
  JOB_STATUS,
  JOB_PRINTERS,
  JOB_HEALTH,
} JobKind;

/* What a worker needs, and what it found. */
typedef struct
{
  JobKind       kind;
  GWeakRef      service;
  GTask        *task;        /* the caller's until answered; NULL for the timer's runs */
  GCancellable *cancellable; /* the caller's, or the service's for the timer */
  gulong        cancel_id;
  char         *data_dir;
  char         *target;
  VtrTicket    *ticket;

  gboolean      printed;
  guint         count;
  char         *words;
  GPtrArray    *printers;
  const char   *health;
  GError       *error;
} Job;

static void
job_free (Job *job)
{
  g_weak_ref_clear (&job->service);
  g_clear_object (&job->task);
  g_clear_object (&job->cancellable);
  g_free (job->data_dir);
  g_free (job->target);
  g_clear_pointer (&job->ticket, vtr_ticket_free);
  g_free (job->words);
  g_clear_pointer (&job->printers, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean
job_counts_as_printing (Job *job)
{
  return job->kind == JOB_PRINT || job->kind == JOB_RETRY;
}

static void
set_printing (VtrPrintService *self,
              guint            printing)
{
  gboolean was_busy = self->printing > 0;

  self->printing = printing;
  if (was_busy != (printing > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_queue (Job *job)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(GError) run_error = NULL;

  G_LOCK (queue);
  store = vtr_store_open (job->data_dir, &job->error);
  if (store && job->kind == JOB_PRINT)
    job->printed = vtr_print_now (store, job->ticket, job->target, &job->error);
  else if (store)
    {
      job->count = vtr_print_queue_run (store, &run_error);
      /* Nothing printed: the first waiting ticket's trouble is the
       * answer. Some printed: that is the answer. */
      if (job->count == 0 && run_error)
        g_propagate_error (&job->error, g_steal_pointer (&run_error));
    }
  g_clear_object (&store);
  G_UNLOCK (queue);
}

static void
ask_status (Job *job)
{
  g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (job->target, &job->error);
  VtrPrinterStatus status;

  if (parsed == NULL)
    return;
  /* A ticket printer says how it is; files and CUPS queues take what
   * they are given, and are named. */
  if (parsed->kind == VTR_TARGET_TCP || parsed->kind == VTR_TARGET_DEVICE)
    {
      if (vtr_printer_get_status (parsed, &status, &job->error))
        job->words = vtr_printer_status_describe (&status);
    }
  else
    job->words = g_strdup (job->target);
}

static void
job_run (GTask        *worker,
         gpointer      source,
         gpointer      data,
         GCancellable *unused)
{
  Job *job = data;

  /* A ticket is always printed; the rest is not worth doing for nobody. */
  if (job->kind != JOB_PRINT && job->cancellable && g_cancellable_is_cancelled (job->cancellable))
    {
      g_task_return_boolean (worker, TRUE);
      return;
    }
  switch (job->kind)
    {
    case JOB_PRINT:
    case JOB_RETRY:
      run_queue (job);
      break;
    case JOB_STATUS:
      ask_status (job);
      break;
    case JOB_PRINTERS:
      job->printers = vtr_printer_list_detected ();
      break;
    case JOB_HEALTH:
      job->health = vtr_printer_get_health (job->target);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_boolean (worker, TRUE);
}

/* Back on the main thread: the service hears of it if it is still there,
 * and the caller gets its answer. */
static void
job_done (GObject      *unused,
          GAsyncResult *result,
          gpointer      data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(VtrPrintService) self = g_weak_ref_get (&job->service);
  g_autoptr(GTask) task = NULL;

  /* Once disconnected, no cancel handler runs: the task is ours, or was
   * answered already. Let go of it, and with it of the service, here on
   * the main thread: the worker may drop the job last, in its own. */
  if (job->cancel_id)
    g_cancellable_disconnect (job->cancellable, job->cancel_id);
  job->cancel_id = 0;
  task = g_steal_pointer (&job->task);

  if (self && job_counts_as_printing (job))
    set_printing (self, self->printing - 1);
  if (self && job->kind == JOB_RETRY && job->count > 0 && !g_cancellable_is_cancelled (self->cancellable))
    g_signal_emit (self, signals[QUEUE_PRINTED], 0, job->count);
  if (self && job->kind == JOB_HEALTH)
    {
      self->checking = FALSE;
      if (job->health && g_strcmp0 (job->health, self->health) != 0)
        {
          self->health = job->health;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTH]);
        }
    }
  if (task == NULL)
    return;

  switch (job->kind)
    {
    case JOB_PRINT:
      if (job->printed)
        g_task_return_boolean (task, TRUE);
      else if (job->error)
        g_task_return_error (task, g_steal_pointer (&job->error));
      else
        g_task_return_new_error (task, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED, "%s",
                                 _("The ticket waits for the printer"));
      break;
    case JOB_RETRY:
      if (job->error)
        g_task_return_error (task, g_steal_pointer (&job->error));
      else
        g_task_return_int (task, job->count);
      break;
    case JOB_STATUS:
      if (job->words)
        g_task_return_pointer (task, g_steal_pointer (&job->words), g_free);
      else
        g_task_return_error (task, g_steal_pointer (&job->error));
      break;
    case JOB_PRINTERS:
      g_task_return_pointer (task, g_steal_pointer (&job->printers), (GDestroyNotify) g_ptr_array_unref);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
answer_cancelled (gpointer data)
{
  g_task_return_error_if_cancelled (data);
  return G_SOURCE_REMOVE;
}

/* The caller cancelled, in whatever thread: it gets its answer now, in
 * its own main context, never from inside g_cancellable_cancel(). */
static void
job_cancelled (GCancellable *cancellable,
               gpointer      data)
{
  Job *job = data;
  GTask *task = g_steal_pointer (&job->task);
  g_autoptr(GSource) idle = NULL;

  if (task == NULL)
    return;
  idle = g_idle_source_new ();
  /* Not after the frames: an idle waits for as long as the screen draws. */
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_static_name (idle, "[vitrine] print job cancelled");
  g_source_set_callback (idle, answer_cancelled, task, g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
}

/* The caller's GTask keeps the service until it is answered; the timer's
 * runs do not keep it. */
static void
job_start (VtrPrintService *self,
           JobKind          kind,
           const char      *target,
           VtrTicket       *ticket,
           GTask           *task)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) worker = g_task_new (NULL, NULL, job_done, NULL);

  job->kind = kind;
  g_weak_ref_init (&job->service, self);
  job->data_dir = g_strdup (self->data_dir);
  job->target = g_strdup (target);
  job->ticket = ticket;
  if (task)
    {
      job->task = g_object_ref (task);
      job->cancellable = g_task_get_cancellable (task) ? g_object_ref (g_task_get_cancellable (task)) : NULL;
    }
  else
    job->cancellable = g_object_ref (self->cancellable);
  if (job_counts_as_printing (job))
    set_printing (self, self->printing + 1);
  if (job->task && job->cancellable)
    job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (job_cancelled), job, NULL);
  g_task_set_task_data (worker, job, (GDestroyNotify) job_free);
  g_task_set_source_tag (worker, job_start);
  g_task_run_in_thread (worker, job_run);
}

static char *
current_target (VtrPrintService *self)
{
  return self->target ? g_strdup (self->target) : vtr_print_default_target ();
}

/**
 * vtr_print_service_print_async:
 * @ticket: (transfer full): what to print
 *
 * Prints @ticket on the kiosk's printer (#VtrPrintService:target), away
 * from the screen. The ticket goes through the durable queue, and the
 * tickets waiting there for the same printer come out first.
 */
void
vtr_print_service_print_async (VtrPrintService     *self,
                               VtrTicket           *ticket,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *target = NULL;

  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));
  g_return_if_fail (ticket != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_print_service_print_async);
  if (!(target = current_target (self)))
    {
      vtr_ticket_free (ticket);
      g_task_return_new_error (task, VTR_PRINT_ERROR, VTR_PRINT_ERROR_NO_PRINTER, "%s",
                               _("No ticket printer here."));
      return;
    }
  job_start (self, JOB_PRINT, target, ticket, task);
}

/**
 * vtr_print_service_print_finish:
 *
 * Returns: %TRUE once the ticket came out; %FALSE when it could not, and
 *   then it waits in the queue (unless the target was not a printer) and
 *   @error says why, in words
 */
gboolean
vtr_print_service_print_finish (VtrPrintService *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_print_service_print_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vtr_print_service_retry_async:
 *
 * Tries the waiting tickets again now, whatever their printer.
 * #VtrPrintService::queue-printed says how many came out.
 */
void
vtr_print_service_retry_async (VtrPrintService     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_print_service_retry_async);
  job_start (self, JOB_RETRY, NULL, NULL, task);
}

/**
 * vtr_print_service_retry_finish:
 *
 * Returns: how many waiting tickets came out; 0 with @error saying why
 *   in words when none could
 */
guint
vtr_print_service_retry_finish (VtrPrintService *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  gssize printed;

  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_print_service_retry_async, 0);

  printed = g_task_propagate_int (G_TASK (result), error);
  return printed > 0 ? (guint) printed : 0;
}

/**
 * vtr_print_service_status_async:
 *
 * Asks the printer how it is: a network or USB ticket printer says
 * whether it has paper; a file or an office printer is named.
 */
void
vtr_print_service_status_async (VtrPrintService     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *target = NULL;

  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_print_service_status_async);
  if (!(target = current_target (self)))
    {
      g_task_return_new_error (task, VTR_PRINT_ERROR, VTR_PRINT_ERROR_NO_PRINTER, "%s",
                               _("No ticket printer: orders show their code on the screen"));
      return;
    }
  job_start (self, JOB_STATUS, target, NULL, task);
}

/**
 * vtr_print_service_status_finish:
 *
 * Returns: (transfer full): the printer's state in words ("The ticket
 *   printer is out of paper: put in a new roll."), or %NULL when it does
 *   not answer, with @error saying so in words
 */
char *
vtr_print_service_status_finish (VtrPrintService *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_print_service_status_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vtr_print_service_list_printers_async:
 *
 * Finds the printers this machine knows of, for the administrator to
 * choose from: USB ticket printers and CUPS printers (asking CUPS may
 * take a while). See vtr_printer_list_detected().
 */
void
vtr_print_service_list_printers_async (VtrPrintService     *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_print_service_list_printers_async);
  job_start (self, JOB_PRINTERS, NULL, NULL, task);
}

/**
 * vtr_print_service_list_printers_finish:
 *
 * Returns: (transfer full) (element-type VtrPrinterChoice): the choices,
 *   which free themselves with the array
 */
GPtrArray *
vtr_print_service_list_printers_finish (VtrPrintService *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_print_service_list_printers_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
retry_tick (gpointer data)
{
  VtrPrintService *self = data;

  /* A job under way runs the queue already, or is stuck on the printer:
   * no second run behind it. */
  if (self->printing == 0)
    job_start (self, JOB_RETRY, NULL, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/**
 * vtr_print_service_start:
 *
 * Tries the waiting tickets again every #VtrPrintService:interval seconds
 * (30), until vtr_print_service_stop().
 */
void
vtr_print_service_start (VtrPrintService *self)
{
  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));

  if (self->timeout_id == 0)
    self->timeout_id = g_timeout_add_seconds (self->interval, retry_tick, self);
}

void
vtr_print_service_stop (VtrPrintService *self)
{
  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

const char *
vtr_print_service_get_target (VtrPrintService *self)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), NULL);
  return self->target;
}

/**
 * vtr_print_service_set_target:
 * @target: (nullable): pdf:FILE, png:FILE, escpos:FILE, tcp:HOST:PORT,
 *   dev:PATH or cups:NAME; %NULL for vtr_print_default_target()
 */
void
vtr_print_service_set_target (VtrPrintService *self,
                              const char      *target)
{
  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));

  if (g_strcmp0 (self->target, target) == 0)
    return;
  g_free (self->target);
  self->target = g_strdup (target);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

/**
 * vtr_print_service_check_health:
 *
 * Asks the printer how it is, away from the screen (a network printer may
 * take seconds to say): #VtrPrintService:health changes when its answer
 * does. A check under way is not asked twice.
 */
void
vtr_print_service_check_health (VtrPrintService *self)
{
  g_autofree char *target = NULL;

  g_return_if_fail (VTR_IS_PRINT_SERVICE (self));

  if (self->checking)
    return;
  self->checking = TRUE;
  target = current_target (self);
  job_start (self, JOB_HEALTH, target, NULL, NULL);
}

/**
 * vtr_print_service_get_health:
 *
 * Returns: (nullable): the printer's state in one word, as the last check
 *   found it (vtr_printer_get_health()), or %NULL before the first
 */
const char *
vtr_print_service_get_health (VtrPrintService *self)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), NULL);
  return self->health;
}

/* Whether a ticket is being printed, or waiting ones tried again. */
gboolean
vtr_print_service_get_busy (VtrPrintService *self)
{
  g_return_val_if_fail (VTR_IS_PRINT_SERVICE (self), FALSE);
  return self->printing > 0;
}

static void
vtr_print_service_dispose (GObject *object)
{
  VtrPrintService *self = VTR_PRINT_SERVICE (object);

  vtr_print_service_stop (self);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (vtr_print_service_parent_class)->dispose (object);
}

static void
vtr_print_service_finalize (GObject *object)
{
  VtrPrintService *self = VTR_PRINT_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_free (self->data_dir);
  g_free (self->target);
  G_OBJECT_CLASS (vtr_print_service_parent_class)->finalize (object);
}

static void
vtr_print_service_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VtrPrintService *self = VTR_PRINT_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, vtr_print_service_get_busy (self));
      break;
    case PROP_HEALTH:
      g_value_set_string (value, self->health);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_print_service_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VtrPrintService *self = VTR_PRINT_SERVICE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_TARGET:
      vtr_print_service_set_target (self, g_value_get_string (value));
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_print_service_class_init (VtrPrintServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vtr_print_service_dispose;
  object_class->finalize = vtr_print_service_finalize;
  object_class->get_property = vtr_print_service_get_property;
  object_class->set_property = vtr_print_service_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrPrintService:target: (nullable)
   *
   * The printer tickets go to; %NULL for vtr_print_default_target()
   * (VITRINE_PRINTER, else the administrator's choice in the settings),
   * read at each job.
   */
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrPrintService:interval:
   *
   * Seconds between two tries of the waiting tickets once started.
   */
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 86400, 30,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrPrintService:busy:
   *
   * Whether a ticket is being printed, or waiting ones tried again.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrPrintService:health: (nullable)
   *
   * The printer's state in one word for the hub's heartbeat ("ok",
   * "paper-out", "missing", "none"…), as vtr_print_service_check_health()
   * last found it.
   */
  properties[PROP_HEALTH] =
    g_param_spec_string ("health", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VtrPrintService::queue-printed:
   * @count: how many came out
   *
   * Waiting tickets came out, tried again by the timer or by
   * vtr_print_service_retry_async().
   */
  signals[QUEUE_PRINTED] =
    g_signal_new ("queue-printed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vtr_print_service_init (VtrPrintService *self)
{
  self->interval = 30;
  self->cancellable = g_cancellable_new ();
}

/**
 * vtr_print_service_new:
 * @data_dir: (nullable): the kiosk's data, where the queue is kept;
 *   %NULL for the default
 */
VtrPrintService *
vtr_print_service_new (const char *data_dir)
{
  g_autofree char *dir = data_dir ? g_strdup (data_dir) : vtr_store_default_data_dir ();

  return g_object_new (VTR_TYPE_PRINT_SERVICE, "data-dir", dir, NULL);
}

#include "config.h"

#include "vtr-print-service.h"

#include <glib/gi18n.h>

#include "vtr-print-queue.h"
#include "vtr-printer.h"
#include "vtr-store.h"

/*
 * STAND-IN for the print helper's VtrPrintService (issue 15): tickets,
 * the printer's state and the printers found, each on a worker thread
 * with its own connection to the journal.
 */

struct _VtrPrintService
{
  GObject  parent_instance;

  char    *data_dir;
  char    *target;
};

G_DEFINE_FINAL_TYPE (VtrPrintService, vtr_print_service, G_TYPE_OBJECT)

static char *
current_target (VtrPrintService *self)
{
  return self->target ? g_strdup (self->target) : vtr_print_default_target ();
}

typedef struct
{
  char      *data_dir;
  char      *target;
  VtrTicket *ticket;
} Job;

static void
job_free (Job *job)
{
  g_free (job->data_dir);
  g_free (job->target);
  g_clear_pointer (&job->ticket, vtr_ticket_free);
  g_free (job);
}

static void
print_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &error);

  if (store && vtr_print_now (store, job->ticket, job->target, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
vtr_print_service_print_async (VtrPrintService     *self,
                               VtrTicket           *ticket,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->data_dir = g_strdup (self->data_dir);
  job->target = current_target (self);
  job->ticket = ticket;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->target == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", _("No ticket printer here."));
      return;
    }
  g_task_run_in_thread (task, print_in_thread);
}

gboolean
vtr_print_service_print_finish (VtrPrintService  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
status_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (job->target, &error);
  VtrPrinterStatus status = { 0 };

  if (parsed == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (parsed->kind != VTR_TARGET_TCP)
    g_task_return_pointer (task, g_strdup (job->target), g_free);
  else if (!vtr_printer_get_status (parsed, &status, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, vtr_printer_status_describe (&status), g_free);
}

void
vtr_print_service_status_async (VtrPrintService     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->target = current_target (self);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->target == NULL)
    {
      g_task_return_pointer (task, g_strdup (_("No ticket printer: orders show their code on the screen")), g_free);
      return;
    }
  g_task_run_in_thread (task, status_in_thread);
}

char *
vtr_print_service_status_finish (VtrPrintService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  g_task_return_pointer (task, vtr_printer_list_detected (), (GDestroyNotify) g_ptr_array_unref);
}

void
vtr_print_service_list_printers_async (VtrPrintService     *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_run_in_thread (task, list_in_thread);
}

GPtrArray *
vtr_print_service_list_printers_finish (VtrPrintService  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
vtr_print_service_get_target (VtrPrintService *self)
{
  return self->target;
}

void
vtr_print_service_set_target (VtrPrintService *self,
                              const char      *target)
{
  g_free (self->target);
  self->target = target && *target ? g_strdup (target) : NULL;
}

static void
vtr_print_service_finalize (GObject *object)
{
  VtrPrintService *self = VTR_PRINT_SERVICE (object);

  g_free (self->data_dir);
  g_free (self->target);
  G_OBJECT_CLASS (vtr_print_service_parent_class)->finalize (object);
}

static void
vtr_print_service_class_init (VtrPrintServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_print_service_finalize;
}

static void
vtr_print_service_init (VtrPrintService *self)
{
}

VtrPrintService *
vtr_print_service_new (const char *data_dir)
{
  VtrPrintService *self = g_object_new (VTR_TYPE_PRINT_SERVICE, NULL);

  self->data_dir = g_strdup (data_dir);
  return self;
}

#include "config.h"

#include "vtr-window-private.h"

#include <glib/gi18n.h>

#include "vtr-print-queue.h"
#include "vtr-printer.h"

/*
 * The kiosk's ticket printer, away from the screen: a network printer
 * that does not answer takes seconds to say so, and the screen must not
 * freeze meanwhile. Each job runs on a worker thread with its own
 * connection to the journal; the window hears of the result on the main
 * thread, if it is still there. Tickets that could not print wait in the
 * queue and are tried again every half minute.
 */

typedef struct
{
  GWeakRef           window;
  char              *data_dir;
  char              *target;  /* NULL: run the queue */
  VtrTicket         *ticket;
  VtrWindowPrinted   done;
  gpointer           done_data;
  gboolean           printed;
  guint              count;   /* tickets printed from the queue */
  VtrPrinterStatus   status;
  GError            *error;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_weak_ref_clear (&job->window);
  g_free (job->data_dir);
  g_free (job->target);
  g_clear_pointer (&job->ticket, vtr_ticket_free);
  g_clear_error (&job->error);
  g_free (job);
}

static PrintJob *
print_job_new (VtrWindow  *self,
               const char *target)
{
  PrintJob *job = g_new0 (PrintJob, 1);

  g_weak_ref_init (&job->window, self);
  job->data_dir = g_strdup (self->data_dir);
  job->target = g_strdup (target);
  return job;
}

static void
print_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  PrintJob *job = data;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &job->error);

  if (store && job->ticket)
    job->printed = vtr_print_now (store, job->ticket, job->target, &job->error);
  else if (store)
    job->count = vtr_print_queue_run (store, NULL);
  g_task_return_boolean (task, TRUE);
}

/* A job done, back on the main thread: its window, if still there (a
 * new reference), no longer counting it. */
static VtrWindow *
job_finish (GAsyncResult *result,
            PrintJob    **job)
{
  VtrWindow *self;

  *job = g_task_get_task_data (G_TASK (result));
  self = g_weak_ref_get (&(*job)->window);
  if (self)
    self->printing--;
  return self;
}

static void
print_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PrintJob *job;
  g_autoptr(VtrWindow) self = job_finish (result, &job);

  if (self == NULL)
    return;
  if (job->done)
    job->done (self, job->printed, job->error, job->done_data);
  else if (job->count > 0)
    {
      g_autofree char *words = g_strdup_printf (ngettext ("%u waiting ticket printed", "%u waiting tickets printed",
                                                          job->count),
                                                job->count);

      vtr_window_toast (self, words);
    }
}

/* Runs @job on a worker thread, then @done on the main thread. */
static void
job_start (VtrWindow           *self,
           PrintJob            *job,
           GTaskThreadFunc      thread,
           GAsyncReadyCallback  done)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, done, NULL);

  self->printing++;
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);
  g_task_run_in_thread (task, thread);
}

/**
 * vtr_window_print:
 * @ticket: (transfer full): what to print
 * @done: called on the main thread once it printed, or could not (then
 *   it waits in the queue and @error says why, in words)
 *
 * Prints @ticket on the kiosk's printer, away from the screen.
 */
void
vtr_window_print (VtrWindow        *self,
                  VtrTicket        *ticket,
                  VtrWindowPrinted  done,
                  gpointer          data)
{
  g_autofree char *target = vtr_print_default_target ();
  PrintJob *job;

  if (target == NULL || self->store == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No ticket printer here."));

      vtr_ticket_free (ticket);
      done (self, FALSE, error, data);
      return;
    }
  job = print_job_new (self, target);
  job->ticket = ticket;
  job->done = done;
  job->done_data = data;
  job_start (self, job, print_in_thread, print_done);
}

/**
 * vtr_window_retry_printing:
 *
 * Tries the waiting tickets again now.
 */
void
vtr_window_retry_printing (VtrWindow *self)
{
  if (self->printing > 0 || self->store == NULL)
    return;
  job_start (self, print_job_new (self, NULL), print_in_thread, print_done);
}

/* Whether a ticket is being printed, or waiting ones tried again. */
gboolean
vtr_window_is_printing (VtrWindow *self)
{
  return self->printing > 0;
}

gboolean
vtr_window_print_retry_tick (gpointer data)
{
  vtr_window_retry_printing (data);
  return G_SOURCE_CONTINUE;
}

static void
test_ticket_printed (VtrWindow    *self,
                     gboolean      printed,
                     const GError *error,
                     gpointer      data)
{
  vtr_window_toast (self, printed ? _("Test ticket printed") : error->message);
}

void
vtr_window_print_test_ticket (VtrWindow *self)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "test", NULL);

  ticket->title = g_strdup (_("Test ticket"));
  vtr_ticket_add_line (ticket, _("Accents and euros: é è à ç ô — 12,50 €"), NULL, FALSE);
  ticket->footer = g_strdup ("Vitrine " PACKAGE_VERSION);
  vtr_window_print (self, ticket, test_ticket_printed, NULL);
}

/* The printer's state on the admin page: a network ticket printer says
 * whether it has paper (asked on a worker thread too). */

static void
status_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  PrintJob *job = data;
  g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (job->target, &job->error);

  if (parsed && parsed->kind == VTR_TARGET_TCP)
    job->printed = vtr_printer_get_status (parsed, &job->status, &job->error);
  g_task_return_boolean (task, TRUE);
}

static void
status_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PrintJob *job;
  g_autoptr(VtrWindow) self = job_finish (result, &job);
  g_autofree char *words = NULL;

  if (self == NULL)
    return;
  if (job->error)
    words = g_strdup (job->error->message);
  else if (job->printed)
    words = vtr_printer_status_describe (&job->status);
  else
    words = g_strdup (job->target);
  adw_action_row_set_subtitle (self->printer_status_row, words);
}

void
vtr_window_update_printer_status (VtrWindow *self)
{
  g_autofree char *target = vtr_print_default_target ();

  if (target == NULL)
    {
      adw_action_row_set_subtitle (self->printer_status_row,
                                   _("No ticket printer: orders show their code on the screen"));
      return;
    }
  adw_action_row_set_subtitle (self->printer_status_row, _("Asking the printer…"));
  job_start (self, print_job_new (self, target), status_in_thread, status_done);
}

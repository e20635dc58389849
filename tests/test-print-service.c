#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vtr-escpos-parse.h"
#include "vtr-print-jobs.h"
#include "vtr-print-queue.h"
#include "vtr-print-service.h"
#include "vtr-test-printer.h"
#include "vtr-test-util.h"

/*
 * The kiosk's print service as the app uses it: tickets printed on worker
 * threads to real targets (an ESC/POS file read back as a thermal printer
 * would, a network ticket printer on 127.0.0.1 that is off, then on, out
 * of paper, or that takes the connection and never answers), the durable
 * queue tried again, the main loop running all along, and the service
 * dropped while its jobs are still under way.
 */

#define CODE "HTTPS://VTR13.FR/O/AC-1234/K1/U6U2YEC54PDAAPET2C6C7Q7AS3ND5SZTU47EOT34CYCMFNHDOPA7ANMBPI4UVHJK7IWXQSX627RDB2ESAIETN5S4MGQIA7RCYW66MDQ"

typedef struct
{
  char            *dir;
  VtrPrintService *service;
  guint            busy_changes;
  GArray          *queue_printed; /* guint, one a signal */
} Fixture;

/* One answer from the service. */
typedef struct
{
  gboolean   done;
  gboolean   printed;
  guint      count;
  char      *words;
  GPtrArray *printers;
  GError    *error;
  gint64     at;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_free (answer->words);
  g_clear_pointer (&answer->printers, g_ptr_array_unref);
  g_clear_error (&answer->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
on_busy (VtrPrintService *service,
         GParamSpec      *pspec,
         Fixture         *f)
{
  f->busy_changes++;
}

static void
on_queue_printed (VtrPrintService *service,
                  guint            count,
                  Fixture         *f)
{
  g_array_append_val (f->queue_printed, count);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = vtr_test_make_data_dir ();
  f->service = vtr_print_service_new (f->dir);
  f->queue_printed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (f->service, "notify::busy", G_CALLBACK (on_busy), f);
  g_signal_connect (f->service, "queue-printed", G_CALLBACK (on_queue_printed), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->service)
    g_assert_finalize_object (f->service);
  g_array_unref (f->queue_printed);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static VtrTicket *
order_ticket (void)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "order", "AC-1234");

  ticket->header = g_strdup ("Épicerie des Capucins");
  ticket->title = g_strdup ("Votre commande");
  ticket->big = g_strdup ("AC-1234");
  vtr_ticket_add_line (ticket, "2 × Café moulu pur arabica 250 g", "9,80 €", FALSE);
  ticket->total_label = g_strdup ("Total à payer au retrait");
  ticket->total = g_strdup ("9,80 €");
  ticket->qr = g_strdup (CODE);
  return ticket;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until *@flag, failing after 30 s. */
static void
wait_for (const gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC * vtr_test_slow ();
  guint tick = g_timeout_add (50, wake_up, NULL);

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (20, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static void
printed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *answer = data;

  answer->printed = vtr_print_service_print_finish (VTR_PRINT_SERVICE (source), result, &answer->error);
  answer->at = g_get_monotonic_time ();
  answer->done = TRUE;
}

static void
retried_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *answer = data;

  answer->count = vtr_print_service_retry_finish (VTR_PRINT_SERVICE (source), result, &answer->error);
  answer->done = TRUE;
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Answer *answer = data;

  answer->words = vtr_print_service_status_finish (VTR_PRINT_SERVICE (source), result, &answer->error);
  answer->done = TRUE;
}

static void
printers_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Answer *answer = data;

  answer->printers = vtr_print_service_list_printers_finish (VTR_PRINT_SERVICE (source), result, &answer->error);
  answer->done = TRUE;
}

/* The tickets waiting in the journal's queue. */
static GPtrArray *
waiting (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  GPtrArray *jobs;

  g_assert_no_error (error);
  jobs = vtr_print_job_pending (store, &error);
  g_assert_no_error (error);
  return jobs;
}

/* A port on 127.0.0.1 where nothing listens: a printer switched off. */
static guint16
free_port (void)
{
  guint16 port;
  g_autoptr(GSocketListener) listener = vtr_test_listen_loopback (&port);

  g_socket_listener_close (listener);
  return port;
}

static char *
tcp_target (guint16 port)
{
  return g_strdup_printf ("tcp:127.0.0.1:%u", port);
}

static void
assert_order_ticket (const guint8 *data,
                     gsize         len)
{
  g_auto(VtrEscposPage) page = { 0 };

  vtr_escpos_parse (data, len, &page);
  g_assert_nonnull (strstr (page.text->str, "Épicerie des Capucins"));
  g_assert_nonnull (strstr (page.text->str, "Café moulu"));
  g_assert_nonnull (strstr (page.text->str, "9,80 €"));
  g_assert_cmpuint (page.qr->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (page.qr, 0), ==, CODE);
  g_assert_cmpuint (page.cuts, ==, 1);
  g_assert_cmpuint (page.unknown, ==, 0);
}

/* A ticket to an ESC/POS file: what a thermal printer would print. */
static void
test_escpos_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "ticket.escpos", NULL);
  g_autofree char *target = g_strconcat ("escpos:", path, NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_auto(Answer) answer = { 0 };
  gsize len;

  vtr_print_service_set_target (f->service, target);
  g_assert_cmpstr (vtr_print_service_get_target (f->service), ==, target);
  g_assert_false (vtr_print_service_get_busy (f->service));

  vtr_print_service_print_async (f->service, order_ticket (), NULL, printed_cb, &answer);
  g_assert_true (vtr_print_service_get_busy (f->service));
  wait_for (&answer.done);
  g_assert_no_error (answer.error);
  g_assert_true (answer.printed);
  g_assert_false (vtr_print_service_get_busy (f->service));
  g_assert_cmpuint (f->busy_changes, ==, 2);

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  assert_order_ticket ((const guint8 *) bytes, len);
  jobs = waiting (f->dir);
  g_assert_cmpuint (jobs->len, ==, 0);
}

/* No printer chosen: said in words, as before. */
static void
test_no_printer (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Answer) answer = { 0 };
  g_auto(Answer) status = { 0 };

  g_assert_null (vtr_print_service_get_target (f->service));
  vtr_print_service_print_async (f->service, order_ticket (), NULL, printed_cb, &answer);
  wait_for (&answer.done);
  g_assert_false (answer.printed);
  g_assert_error (answer.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_NO_PRINTER);
  g_assert_cmpstr (answer.error->message, ==, "No ticket printer here.");

  vtr_print_service_status_async (f->service, NULL, status_cb, &status);
  wait_for (&status.done);
  g_assert_null (status.words);
  g_assert_error (status.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_NO_PRINTER);
  g_assert_nonnull (strstr (status.error->message, "on the screen"));
}

/* A network printer that is off: the ticket waits, in words; switched on,
 * "retry" prints it, once, and says so. */
static void
test_printer_down_then_up (Fixture       *f,
                           gconstpointer  data)
{
  guint16 port = free_port ();
  g_autofree char *target = tcp_target (port);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_auto(Answer) answer = { 0 };
  g_auto(Answer) retry = { 0 };
  g_auto(Answer) again = { 0 };
  VtrTestPrinter *printer;

  g_object_set (f->service, "target", target, NULL);
  vtr_print_service_print_async (f->service, order_ticket (), NULL, printed_cb, &answer);
  wait_for (&answer.done);
  g_assert_false (answer.printed);
  g_assert_error (answer.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED);
  g_assert_nonnull (strstr (answer.error->message, "does not answer"));
  g_assert_nonnull (strstr (answer.error->message, target + strlen ("tcp:")));
  jobs = waiting (f->dir);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpstr (((VtrPrintJob *) g_ptr_array_index (jobs, 0))->target, ==, target);
  g_assert_cmpuint (f->queue_printed->len, ==, 0);

  printer = vtr_test_printer_new_on_port (port);
  vtr_print_service_retry_async (f->service, NULL, retried_cb, &retry);
  g_assert_true (vtr_print_service_get_busy (f->service));
  wait_for (&retry.done);
  g_assert_no_error (retry.error);
  g_assert_cmpuint (retry.count, ==, 1);
  g_assert_cmpuint (f->queue_printed->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->queue_printed, guint, 0), ==, 1);
  got = vtr_test_printer_jobs (printer);
  g_assert_cmpuint (got->len, ==, 1);
  assert_order_ticket (g_bytes_get_data (g_ptr_array_index (got, 0), NULL),
                       g_bytes_get_size (g_ptr_array_index (got, 0)));
  g_clear_pointer (&jobs, g_ptr_array_unref);
  jobs = waiting (f->dir);
  g_assert_cmpuint (jobs->len, ==, 0);

  /* Nothing left: nothing printed twice, no signal. */
  vtr_print_service_retry_async (f->service, NULL, retried_cb, &again);
  wait_for (&again.done);
  g_assert_no_error (again.error);
  g_assert_cmpuint (again.count, ==, 0);
  g_assert_cmpuint (f->queue_printed->len, ==, 1);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = vtr_test_printer_jobs (printer);
  g_assert_cmpuint (got->len, ==, 1);
  g_clear_pointer (&got, g_ptr_array_unref);
  vtr_test_printer_free (printer);
}

/* Retried while the printer is still off: none printed, and why. */
static void
test_retry_still_down (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *target = tcp_target (free_port ());
  g_auto(Answer) answer = { 0 };
  g_auto(Answer) retry = { 0 };

  vtr_print_service_set_target (f->service, target);
  vtr_print_service_print_async (f->service, order_ticket (), NULL, printed_cb, &answer);
  wait_for (&answer.done);
  g_assert_false (answer.printed);

  vtr_print_service_retry_async (f->service, NULL, retried_cb, &retry);
  wait_for (&retry.done);
  g_assert_cmpuint (retry.count, ==, 0);
  g_assert_error (retry.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (retry.error->message, "does not answer"));
  g_assert_cmpuint (f->queue_printed->len, ==, 0);
}

/* The printer's state, in words, asked away from the screen. */
static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  VtrTestPrinter *printer = vtr_test_printer_new ();
  g_autofree char *target = tcp_target (vtr_test_printer_get_port (printer));
  g_autofree char *off = tcp_target (free_port ());
  g_auto(Answer) paper_out = { 0 };
  g_auto(Answer) ready = { 0 };
  g_auto(Answer) down = { 0 };

  vtr_print_service_set_target (f->service, target);
  vtr_test_printer_set_mode (printer, VTR_PRINTER_PAPER_OUT);
  vtr_print_service_status_async (f->service, NULL, status_cb, &paper_out);
  wait_for (&paper_out.done);
  g_assert_no_error (paper_out.error);
  g_assert_cmpstr (paper_out.words, ==, "The ticket printer is out of paper: put in a new roll.");

  vtr_test_printer_set_mode (printer, VTR_PRINTER_READY);
  vtr_print_service_status_async (f->service, NULL, status_cb, &ready);
  wait_for (&ready.done);
  g_assert_no_error (ready.error);
  g_assert_cmpstr (ready.words, ==, "The ticket printer is ready.");

  vtr_print_service_set_target (f->service, off);
  vtr_print_service_status_async (f->service, NULL, status_cb, &down);
  wait_for (&down.done);
  g_assert_null (down.words);
  g_assert_error (down.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (down.error->message, "does not answer"));
  vtr_test_printer_free (printer);
}

static gboolean
count_tick (gpointer data)
{
  guint *ticks = data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* A network printer that takes the connection and never answers: the job
 * waits for it seconds long, and the main loop runs all along. */
static void
test_main_loop_runs (Fixture       *f,
                     gconstpointer  data)
{
  guint16 port;
  g_autoptr(GSocketListener) silent = vtr_test_listen_loopback (&port);
  g_autofree char *target = tcp_target (port);
  g_auto(Answer) answer = { 0 };
  g_autoptr(GPtrArray) jobs = NULL;
  guint ticks = 0, tick;
  gint64 start;

  vtr_print_service_set_target (f->service, target);
  tick = g_timeout_add (20, count_tick, &ticks);
  start = g_get_monotonic_time ();
  vtr_print_service_print_async (f->service, order_ticket (), NULL, printed_cb, &answer);
  g_assert_true (vtr_print_service_get_busy (f->service));
  wait_for (&answer.done);
  g_source_remove (tick);

  /* The printer was waited for (3 s), and the loop turned meanwhile. */
  g_assert_cmpint (answer.at - start, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (ticks, >=, 20);
  g_test_message ("%u ticks of 20 ms while the job waited %.1f s", ticks,
                  (answer.at - start) / (double) G_USEC_PER_SEC);
  g_assert_false (answer.printed);
  g_assert_error (answer.error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED);
  g_assert_nonnull (strstr (answer.error->message, "does not say how it is"));
  jobs = waiting (f->dir);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_socket_listener_close (silent);
}

/* The tickets waiting, once the run under way wrote why the first did
 * not print (the silent printer's timeout). */
static GPtrArray *
waiting_after_run (const char *dir)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC * vtr_test_slow ();

  for (;;)
    {
      g_autoptr(GPtrArray) jobs = waiting (dir);

      if (jobs->len > 0 && ((VtrPrintJob *) g_ptr_array_index (jobs, 0))->last_error)
        return g_steal_pointer (&jobs);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      run_for (100);
    }
}

/* The caller goes away while its ticket waits for a silent printer, and
 * the service is dropped: the caller hears "cancelled" at once, the
 * service ends at once, the job ending seconds later touches nothing of
 * either, and the ticket is not lost. */
static void
test_dispose_while_printing (Fixture       *f,
                             gconstpointer  data)
{
  guint16 port;
  g_autoptr(GSocketListener) silent = vtr_test_listen_loopback (&port);
  g_autofree char *target = tcp_target (port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_auto(Answer) answer = { 0 };
  VtrPrintService *service = f->service;
  gint64 cancelled;

  f->service = NULL;
  g_object_add_weak_pointer (G_OBJECT (service), (gpointer *) &service);
  vtr_print_service_set_target (service, target);
  vtr_print_service_print_async (service, order_ticket (), cancellable, printed_cb, &answer);
  run_for (200);
  g_assert_false (answer.done);
  cancelled = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  /* Answered from the main loop, not from inside the cancel. */
  g_assert_false (answer.done);
  wait_for (&answer.done);
  g_assert_cmpint (answer.at - cancelled, <, G_USEC_PER_SEC);
  g_assert_false (answer.printed);
  g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (vtr_print_service_get_busy (service));
  g_object_unref (service);
  g_assert_null (service);

  jobs = waiting_after_run (f->dir);
  run_for (300);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_nonnull (strstr (((VtrPrintJob *) g_ptr_array_index (jobs, 0))->last_error, "does not say how it is"));
  g_socket_listener_close (silent);
}

/* A connection to the silent printer, taken and kept unanswered. */
typedef struct {
  gboolean           done;
  GSocketConnection *connection;
} Accepted;

static void
on_silent_accepted (GObject      *listener,
                    GAsyncResult *result,
                    gpointer      data)
{
  Accepted *accepted = data;

  accepted->connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (listener), result, NULL, NULL);
  accepted->done = TRUE;
}

/* The service dropped while its timer's run of the queue waits for a
 * silent printer: it ends at once, and the run ending later touches
 * nothing of it. */
static void
test_dispose_while_retrying (Fixture       *f,
                             gconstpointer  data)
{
  guint16 port;
  g_autoptr(GSocketListener) silent = vtr_test_listen_loopback (&port);
  g_autofree char *target = tcp_target (port);
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  Accepted caller = { 0 };
  VtrPrintService *service;

  {
    g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_print_enqueue (store, ticket, target, NULL, &error));
    g_assert_no_error (error);
  }
  g_clear_object (&f->service);
  service = g_object_new (VTR_TYPE_PRINT_SERVICE, "data-dir", f->dir, "interval", 1, NULL);
  g_signal_connect (service, "queue-printed", G_CALLBACK (on_queue_printed), f);
  g_object_add_weak_pointer (G_OBJECT (service), (gpointer *) &service);
  g_socket_listener_accept_async (silent, NULL, on_silent_accepted, &caller);
  vtr_print_service_start (service);

  /* Dropped once its run is at the printer: a run that had not begun
   * when the service went away is not begun (its tickets wait). */
  wait_for (&caller.done);
  g_assert_true (vtr_print_service_get_busy (service));
  g_object_unref (service);
  g_assert_null (service);

  /* The run meets the silent printer's timeout and writes why. */
  jobs = waiting_after_run (f->dir);
  g_assert_cmpuint (jobs->len, ==, 1);
  run_for (300);
  g_assert_cmpuint (f->queue_printed->len, ==, 0);
  g_clear_object (&caller.connection);
  g_socket_listener_close (silent);
}

/* Once started, the waiting tickets print without being asked. */
static void
test_timer (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "later.escpos", NULL);
  g_autofree char *target = g_strconcat ("escpos:", path, NULL);
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gint64 deadline;
  gsize len;

  {
    g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_print_enqueue (store, ticket, target, NULL, &error));
  }
  g_clear_object (&f->service);
  f->service = g_object_new (VTR_TYPE_PRINT_SERVICE, "data-dir", f->dir, "interval", 1, NULL);
  g_signal_connect (f->service, "queue-printed", G_CALLBACK (on_queue_printed), f);
  vtr_print_service_start (f->service);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC * vtr_test_slow ();
  while (f->queue_printed->len == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      run_for (50);
    }
  g_assert_cmpuint (g_array_index (f->queue_printed, guint, 0), ==, 1);
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  assert_order_ticket ((const guint8 *) bytes, len);

  /* Stopped: no more runs. */
  vtr_print_service_stop (f->service);
  run_for (1500);
  g_assert_cmpuint (f->queue_printed->len, ==, 1);
}

/* The USB ticket printers plugged in, found away from the screen. */
static void
test_list_printers (Fixture       *f,
                    gconstpointer  data)
{
  const char *usb = g_getenv ("VITRINE_USB_DIR");
  g_autofree char *lp0 = g_build_filename (usb, "lp0", NULL);
  g_autofree char *expected = g_strconcat ("dev:", lp0, NULL);
  g_auto(Answer) answer = { 0 };
  gboolean found = FALSE;

  vtr_print_service_list_printers_async (f->service, NULL, printers_cb, &answer);
  wait_for (&answer.done);
  g_assert_no_error (answer.error);
  g_assert_nonnull (answer.printers);
  for (guint i = 0; i < answer.printers->len; i++)
    {
      VtrPrinterChoice *choice = g_ptr_array_index (answer.printers, i);

      if (g_str_equal (choice->target, expected))
        {
          found = TRUE;
          g_assert_nonnull (strstr (choice->name, "USB ticket printer"));
        }
    }
  g_assert_true (found);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_target_property (Fixture       *f,
                      gconstpointer  data)
{
  guint notified = 0;
  g_autofree char *read = NULL;

  g_signal_connect (f->service, "notify::target", G_CALLBACK (on_notify_count), &notified);
  vtr_print_service_set_target (f->service, "pdf:/tmp/x.pdf");
  vtr_print_service_set_target (f->service, "pdf:/tmp/x.pdf");
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (f->service, "target", &read, NULL);
  g_assert_cmpstr (read, ==, "pdf:/tmp/x.pdf");
  vtr_print_service_set_target (f->service, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_null (vtr_print_service_get_target (f->service));
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_autofree char *usb = vtr_test_make_data_dir ();
  g_autofree char *lp0 = g_build_filename (usb, "lp0", NULL);
  int status;

  /* The printer is the test's to choose; the USB printers are files. */
  g_unsetenv ("VITRINE_PRINTER");
  g_assert_true (g_file_set_contents (lp0, "", 0, NULL));
  g_setenv ("VITRINE_USB_DIR", usb, TRUE);
  g_test_init (&argc, &argv, NULL);

  ADD ("/print-service/escpos-file", test_escpos_file);
  ADD ("/print-service/no-printer", test_no_printer);
  ADD ("/print-service/printer-down-then-up", test_printer_down_then_up);
  ADD ("/print-service/retry-still-down", test_retry_still_down);
  ADD ("/print-service/status", test_status);
  ADD ("/print-service/main-loop-runs", test_main_loop_runs);
  ADD ("/print-service/dispose-while-printing", test_dispose_while_printing);
  ADD ("/print-service/dispose-while-retrying", test_dispose_while_retrying);
  ADD ("/print-service/timer", test_timer);
  ADD ("/print-service/list-printers", test_list_printers);
  ADD ("/print-service/target-property", test_target_property);
  status = g_test_run ();
  vtr_test_remove_tree (usb);
  return status;
}

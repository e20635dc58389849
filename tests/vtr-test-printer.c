#include "vtr-test-printer.h"

#include <gio/gio.h>
#include <string.h>

#include "vtr-test-util.h"

struct _VtrTestPrinter
{
  GSocketListener *listener;
  guint16          port;
  GThread         *thread;
  GMutex           lock;
  VtrPrinterMode   mode;
  GPtrArray       *jobs;       /* GBytes, complete jobs */
  guint            cut_short;  /* jobs that ended without their cut */
  gboolean         stopping;
};

static guint8
status_byte (VtrPrinterMode mode,
             guint8         n)
{
  guint8 b = 0x12; /* the bits that are always set */

  if (n == 1 && (mode == VTR_PRINTER_PAPER_OUT || mode == VTR_PRINTER_COVER_OPEN))
    b |= 0x08; /* offline */
  if (n == 2 && mode == VTR_PRINTER_COVER_OPEN)
    b |= 0x04;
  if (n == 2 && mode == VTR_PRINTER_PAPER_OUT)
    b |= 0x20;
  if (n == 4 && mode == VTR_PRINTER_PAPER_OUT)
    b |= 0x6c;
  if (n == 4 && mode == VTR_PRINTER_PAPER_NEAR_END)
    b |= 0x0c;
  return b;
}

static void
serve (VtrTestPrinter    *printer,
       GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GByteArray) job = g_byte_array_new ();
  static const guint8 cut[] = { 0x1d, 'V', 66 };
  guint8 buffer[4096];
  gssize n;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      VtrPrinterMode mode;

      g_mutex_lock (&printer->lock);
      mode = printer->mode;
      g_mutex_unlock (&printer->lock);

      for (gssize i = 0; i < n; i++)
        {
          /* DLE EOT n: answered at once, never printed. */
          if (buffer[i] == 0x10 && i + 2 < n && buffer[i + 1] == 0x04 && buffer[i + 2] >= 1 &&
              buffer[i + 2] <= 4)
            {
              guint8 answer = status_byte (mode, buffer[i + 2]);

              g_output_stream_write_all (out, &answer, 1, NULL, NULL, NULL);
              i += 2;
              continue;
            }
          g_byte_array_append (job, &buffer[i], 1);
          if (mode == VTR_PRINTER_DROPS_JOBS && job->len >= 64)
            goto dropped;
          if (job->len >= sizeof cut && memcmp (job->data + job->len - sizeof cut - (job->len > sizeof cut ? 1 : 0),
                                                cut, sizeof cut) == 0)
            {
              g_mutex_lock (&printer->lock);
              g_ptr_array_add (printer->jobs, g_bytes_new (job->data, job->len));
              g_mutex_unlock (&printer->lock);
              g_byte_array_set_size (job, 0);
            }
        }
    }
dropped:
  if (job->len > 0)
    {
      g_mutex_lock (&printer->lock);
      printer->cut_short++;
      g_mutex_unlock (&printer->lock);
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gpointer
accept_loop (gpointer data)
{
  VtrTestPrinter *printer = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = g_socket_listener_accept (printer->listener, NULL, NULL, NULL);
      gboolean stopping;

      g_mutex_lock (&printer->lock);
      stopping = printer->stopping;
      g_mutex_unlock (&printer->lock);
      if (connection == NULL || stopping)
        return NULL;
      serve (printer, connection);
    }
}

static VtrTestPrinter *
printer_new (GSocketListener *listener,
             guint16          port)
{
  VtrTestPrinter *printer = g_new0 (VtrTestPrinter, 1);

  g_mutex_init (&printer->lock);
  printer->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  printer->listener = listener;
  printer->port = port;
  printer->thread = g_thread_new ("test-printer", accept_loop, printer);
  return printer;
}

VtrTestPrinter *
vtr_test_printer_new (void)
{
  guint16 port;
  GSocketListener *listener = vtr_test_listen_loopback (&port);

  return printer_new (listener, port);
}

/* A printer switched on at an address the kiosk already knows (one that
 * did not answer before). */
VtrTestPrinter *
vtr_test_printer_new_on_port (guint16 port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL,
                                 &error);
  g_assert_no_error (error);
  return printer_new (listener, port);
}

guint16
vtr_test_printer_get_port (VtrTestPrinter *printer)
{
  return printer->port;
}

void
vtr_test_printer_set_mode (VtrTestPrinter *printer,
                           VtrPrinterMode  mode)
{
  g_mutex_lock (&printer->lock);
  printer->mode = mode;
  g_mutex_unlock (&printer->lock);
}

/* The complete jobs so far (a new reference). */
GPtrArray *
vtr_test_printer_jobs (VtrTestPrinter *printer)
{
  GPtrArray *jobs;

  g_mutex_lock (&printer->lock);
  jobs = g_ptr_array_ref (printer->jobs);
  g_mutex_unlock (&printer->lock);
  return jobs;
}

guint
vtr_test_printer_cut_short (VtrTestPrinter *printer)
{
  guint n;

  g_mutex_lock (&printer->lock);
  n = printer->cut_short;
  g_mutex_unlock (&printer->lock);
  return n;
}

void
vtr_test_printer_free (VtrTestPrinter *printer)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) wake = NULL;

  g_mutex_lock (&printer->lock);
  printer->stopping = TRUE;
  g_mutex_unlock (&printer->lock);
  wake = g_socket_client_connect_to_host (client, "127.0.0.1", printer->port, NULL, NULL);
  g_thread_join (printer->thread);
  g_clear_object (&wake);
  g_socket_listener_close (printer->listener);
  g_object_unref (printer->listener);
  g_ptr_array_unref (printer->jobs);
  g_mutex_clear (&printer->lock);
  g_free (printer);
}

#include "config.h"

#include "vtr-printer.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Printers: files (PDF, PNG, ESC/POS bytes), network ticket printers on
 * TCP port 9100, USB ticket printers as device files, and office printers
 * through CUPS. Before a network ticket printer prints, it is asked for
 * its real-time status (DLE EOT), so the kiosk can say "out of paper"
 * instead of printing into the void.
 */

G_DEFINE_QUARK (vtr-print-error-quark, vtr_print_error)

#define DLE 0x10
#define EOT 0x04
#define TIMEOUT_SECONDS 3

void
vtr_print_target_free (VtrPrintTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->path);
  g_free (target->host);
  g_free (target);
}

/**
 * vtr_print_target_parse:
 * @text: pdf:FILE, png:FILE, escpos:FILE, tcp:HOST[:PORT], dev:PATH or
 *   cups:NAME; ticket printers take ",58mm" for narrow paper
 */
VtrPrintTarget *
vtr_print_target_parse (const char *text,
                        GError    **error)
{
  static const char * const prefixes[] = { "pdf:", "png:", "escpos:", "tcp:", "dev:", "cups:" };
  g_autoptr(VtrPrintTarget) target = g_new0 (VtrPrintTarget, 1);
  g_autofree char *rest = NULL;
  char *comma;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (text && g_str_has_prefix (text, prefixes[i]))
      break;
  if (i == G_N_ELEMENTS (prefixes) || text[strlen (prefixes[i])] == '\0')
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_TARGET,
                   _("“%s” is not a printer: say pdf:FILE, png:FILE, escpos:FILE, tcp:HOST:PORT, "
                     "dev:/dev/usb/lp0 or cups:NAME"),
                   text ? text : "");
      return NULL;
    }
  target->kind = i;
  target->paper_mm = 80;
  rest = g_strdup (text + strlen (prefixes[i]));
  if ((target->kind == VTR_TARGET_ESCPOS || target->kind == VTR_TARGET_TCP || target->kind == VTR_TARGET_DEVICE) &&
      (comma = strrchr (rest, ',')) && (g_str_equal (comma, ",58mm") || g_str_equal (comma, ",80mm")))
    {
      target->paper_mm = g_str_equal (comma, ",58mm") ? 58 : 80;
      *comma = '\0';
    }
  if (target->kind == VTR_TARGET_TCP)
    {
      g_autoptr(GSocketConnectable) address = g_network_address_parse (rest, 9100, NULL);

      if (address == NULL)
        {
          g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_TARGET,
                       _("“%s” is not a printer’s network address (HOST:PORT)"), rest);
          return NULL;
        }
      target->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)));
      target->port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
    }
  else
    target->path = g_steal_pointer (&rest);
  return g_steal_pointer (&target);
}

/* Network ticket printers. */

static GSocketConnection *
connect_printer (const VtrPrintTarget *target,
                 GError              **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local_error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  connection = g_socket_client_connect_to_host (client, target->host, target->port, NULL, &local_error);
  if (connection == NULL)
    g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                 _("The ticket printer does not answer (%s:%u): check that it is on and plugged "
                   "into the network (%s)"),
                 target->host, target->port, local_error->message);
  return connection;
}

/* DLE EOT n: one byte back, at once, whatever the printer is doing. */
static gboolean
ask (GSocketConnection    *connection,
     const VtrPrintTarget *target,
     guint8                n,
     guint8               *answer,
     GError              **error)
{
  const guint8 request[] = { DLE, EOT, n };
  g_autoptr(GError) local_error = NULL;

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                  sizeof request, NULL, NULL, &local_error) ||
      g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), answer, 1, NULL,
                           &local_error) != 1)
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                   _("The ticket printer at %s:%u does not say how it is: it may be off or "
                     "busy"),
                   target->host, target->port);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_status (GSocketConnection    *connection,
             const VtrPrintTarget *target,
             VtrPrinterStatus     *status,
             GError              **error)
{
  guint8 printer, offline, paper;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), TIMEOUT_SECONDS);
  if (!ask (connection, target, 1, &printer, error) || !ask (connection, target, 2, &offline, error) ||
      !ask (connection, target, 4, &paper, error))
    return FALSE;
  status->online = (printer & 0x08) == 0;
  status->cover_open = (offline & 0x04) != 0;
  status->paper_out = (offline & 0x20) != 0 || (paper & 0x60) == 0x60;
  status->paper_near_end = (paper & 0x0c) == 0x0c;
  return TRUE;
}

char *
vtr_printer_status_describe (const VtrPrinterStatus *status)
{
  if (status->paper_out)
    return g_strdup (_("The ticket printer is out of paper: put in a new roll."));
  if (status->cover_open)
    return g_strdup (_("The ticket printer’s cover is open: close it."));
  if (!status->online)
    return g_strdup (_("The ticket printer is offline: check its lights and buttons."));
  if (status->paper_near_end)
    return g_strdup (_("The ticket printer is ready; its paper roll is nearly finished."));
  return g_strdup (_("The ticket printer is ready."));
}

gboolean
vtr_printer_get_status (const VtrPrintTarget *target,
                        VtrPrinterStatus     *status,
                        GError              **error)
{
  g_autoptr(GSocketConnection) connection = NULL;

  memset (status, 0, sizeof *status);
  if (target->kind != VTR_TARGET_TCP)
    {
      /* Files and CUPS queues take what they are given; a device file
       * either opens or it does not. */
      if (target->kind == VTR_TARGET_DEVICE && g_access (target->path, W_OK) != 0)
        {
          g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                       _("The ticket printer is not plugged in (%s)"), target->path);
          return FALSE;
        }
      status->online = TRUE;
      return TRUE;
    }
  if (!(connection = connect_printer (target, error)))
    return FALSE;
  return read_status (connection, target, status, error);
}

/**
 * vtr_printer_status_word:
 *
 * The printer's state in one word, for the hub's heartbeat: "paper-out",
 * "cover-open", "offline", "paper-low" or "ok".
 */
const char *
vtr_printer_status_word (const VtrPrinterStatus *status)
{
  /* A printer out of paper or with its cover open also says it is
   * offline: the cause first. */
  return status->paper_out ? "paper-out"
         : status->cover_open ? "cover-open"
         : !status->online ? "offline"
         : status->paper_near_end ? "paper-low"
         : "ok";
}

/**
 * vtr_printer_get_health:
 * @target: (nullable): the kiosk's printer (vtr_print_default_target())
 *
 * Asks the printer how it is, for the hub's heartbeat: "none" when no
 * printer was chosen, "missing" when it is not plugged in or does not
 * answer (or @target names no printer Vitrine can reach), else
 * vtr_printer_status_word(). Blocks while a network printer answers: a
 * worker thread's call.
 */
const char *
vtr_printer_get_health (const char *target)
{
  g_autoptr(VtrPrintTarget) parsed = NULL;
  VtrPrinterStatus status;

  if (target == NULL || *target == '\0')
    return "none";
  if (!(parsed = vtr_print_target_parse (target, NULL)) || !vtr_printer_get_status (parsed, &status, NULL))
    return "missing";
  return vtr_printer_status_word (&status);
}

static gboolean
refuse_unless_ready (const VtrPrinterStatus *status,
                     GError                **error)
{
  g_autofree char *words = vtr_printer_status_describe (status);

  if (status->paper_out)
    g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_PAPER_OUT, words);
  else if (status->cover_open)
    g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_COVER_OPEN, words);
  else if (!status->online)
    g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_OFFLINE, words);
  else
    return TRUE;
  return FALSE;
}

static gboolean
print_tcp (const VtrPrintTarget *target,
           GBytes               *job,
           GError              **error)
{
  g_autoptr(GSocketConnection) connection = connect_printer (target, error);
  g_autoptr(GError) local_error = NULL;
  VtrPrinterStatus status;
  GOutputStream *out;
  guint8 answer;

  if (connection == NULL || !read_status (connection, target, &status, error) ||
      !refuse_unless_ready (&status, error))
    return FALSE;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  /* The printer's answer to a last status request, after the job, says it
   * received all of it: a connection dropped halfway does not answer. */
  if (!g_output_stream_write_all (out, g_bytes_get_data (job, NULL), g_bytes_get_size (job), NULL, NULL,
                                  &local_error) ||
      !ask (connection, target, 1, &answer, NULL) ||
      !g_io_stream_close (G_IO_STREAM (connection), NULL, &local_error))
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, _("connection lost"));
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                   _("The ticket printer stopped answering while printing (%s); the ticket will "
                     "be printed again"),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
print_device (const VtrPrintTarget *target,
              GBytes               *job,
              GError              **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (job, &len);
  int fd = g_open (target->path, O_WRONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                   saved == ENOENT || saved == ENXIO || saved == ENODEV
                     ? _("The ticket printer is not plugged in (%s)")
                     : _("The ticket printer %s cannot be used: %s"),
                   target->path, g_strerror (saved));
      return FALSE;
    }
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                       _("The ticket printer stopped while printing (%s)"), g_strerror (errno));
          close (fd);
          return FALSE;
        }
      data += n, len -= n;
    }
  if (close (fd) != 0)
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                   _("The ticket printer stopped while printing (%s)"), g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
print_cups (const VtrPrintTarget *target,
            const VtrTicket      *ticket,
            GError              **error)
{
  cups_dest_t *dests = NULL;
  int n_dests = cupsGetDests (&dests);
  gboolean known = cupsGetDest (target->path, NULL, n_dests, dests) != NULL;
  g_autofree char *pdf = NULL;
  int fd, job;

  cupsFreeDests (n_dests, dests);
  if (!known)
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE,
                   _("The printer “%s” is not known to this computer: add it in the printer "
                     "settings, or choose another"),
                   target->path);
      return FALSE;
    }
  if ((fd = g_file_open_tmp ("vitrine-ticket-XXXXXX.pdf", &pdf, error)) < 0)
    return FALSE;
  close (fd);
  if (!vtr_ticket_write_pdf (ticket, pdf, error))
    {
      g_unlink (pdf);
      return FALSE;
    }
  job = cupsPrintFile (target->path, pdf, ticket->title ? ticket->title : "Vitrine", 0, NULL);
  g_unlink (pdf);
  if (job == 0)
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE, _("The printer “%s” refused the ticket: %s"),
                   target->path, cupsLastErrorString ());
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_printer_print:
 *
 * Prints the ticket, or says in words why it could not: out of paper,
 * cover open, unplugged, unknown printer.
 */
gboolean
vtr_printer_print (const VtrPrintTarget *target,
                   const VtrTicket      *ticket,
                   GError              **error)
{
  g_autoptr(GBytes) job = NULL;

  switch (target->kind)
    {
    case VTR_TARGET_PDF:
      return vtr_ticket_write_pdf (ticket, target->path, error);
    case VTR_TARGET_PNG:
      return vtr_ticket_write_png (ticket, target->path, 300, error);
    case VTR_TARGET_CUPS:
      return print_cups (target, ticket, error);
    default:
      break;
    }

  if (!(job = vtr_ticket_to_escpos (ticket, target->paper_mm, error)))
    return FALSE;
  switch (target->kind)
    {
    case VTR_TARGET_ESCPOS:
      {
        g_autoptr(GError) local_error = NULL;

        if (!g_file_set_contents (target->path, g_bytes_get_data (job, NULL), g_bytes_get_size (job),
                                  &local_error))
          {
            g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_WRITE, _("The ticket could not be written: %s"),
                         local_error->message);
            return FALSE;
          }
        return TRUE;
      }
    case VTR_TARGET_TCP:
      return print_tcp (target, job, error);
    case VTR_TARGET_DEVICE:
      return print_device (target, job, error);
    default:
      g_assert_not_reached ();
    }
}

void
vtr_printer_choice_free (VtrPrinterChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->name);
  g_free (choice->target);
  g_free (choice);
}

static void
add_choice (GPtrArray  *choices,
            char       *name,
            char       *target)
{
  VtrPrinterChoice *choice = g_new0 (VtrPrinterChoice, 1);

  choice->name = name;
  choice->target = target;
  g_ptr_array_add (choices, choice);
}

/**
 * vtr_printer_list_detected:
 *
 * The printers this machine knows of, for the administrator to choose
 * from: USB ticket printers (/dev/usb/lp*, or the folder VITRINE_USB_DIR
 * names) and CUPS printers. A network ticket printer is not found by
 * itself: its address is typed (tcp:ADDRESS:9100).
 *
 * Returns: (transfer container) (element-type VtrPrinterChoice): the choices
 */
GPtrArray *
vtr_printer_list_detected (void)
{
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_printer_choice_free);
  const char *usb = g_getenv ("VITRINE_USB_DIR");
  g_autoptr(GDir) dir = g_dir_open (usb && *usb ? usb : "/dev/usb", 0, NULL);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_free);
  cups_dest_t *dests = NULL;
  int n_dests;
  const char *entry;

  while (dir && (entry = g_dir_read_name (dir)))
    if (g_str_has_prefix (entry, "lp"))
      g_ptr_array_add (devices, g_build_filename (usb && *usb ? usb : "/dev/usb", entry, NULL));
  g_ptr_array_sort (devices, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < devices->len; i++)
    {
      const char *path = *(const char **) &g_ptr_array_index (devices, i);

      add_choice (choices, g_strdup_printf (_("USB ticket printer (%s)"), path), g_strconcat ("dev:", path, NULL));
    }

  n_dests = cupsGetDests (&dests);
  for (int i = 0; i < n_dests; i++)
    add_choice (choices, g_strdup_printf (_("Printer “%s”"), dests[i].name), g_strconcat ("cups:", dests[i].name, NULL));
  cupsFreeDests (n_dests, dests);
  return choices;
}

#include "config.h"

#include "vtr-ticket-print.h"

#include <glib/gi18n.h>

/*
 * A ticket on any printer the desktop knows (CUPS, through GTK's print
 * dialog), drawn by the same Cairo code as its PDF: one page the size of
 * the ticket's paper, the whole page used.
 */

typedef struct
{
  const VtrTicket *ticket;
  double           width;
  GError          *error;
} Printing;

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           data)
{
  Printing *printing = data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double height;

  /* Points in, whatever the printer's resolution. */
  cairo_scale (cr, gtk_print_context_get_width (context) / printing->width,
               gtk_print_context_get_width (context) / printing->width);
  if (printing->error == NULL)
    vtr_ticket_draw (printing->ticket, cr, printing->width, &height, &printing->error);
}

/* The ticket's paper, for the print dialog and the PDF. */
static GtkPageSetup *
page_setup_for (const VtrTicket *ticket,
                double          *width,
                GError         **error)
{
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  double height;

  vtr_ticket_page_size (ticket, width, &height);
  if (height == 0)
    {
      /* A receipt is as long as it needs: measure it once. */
      cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
      cairo_t *cr = cairo_create (surface);
      gboolean ok = vtr_ticket_draw (ticket, cr, *width, &height, error);

      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      if (!ok)
        return NULL;
    }
  paper = gtk_paper_size_new_custom ("vitrine-ticket", _("Ticket"), *width, height, GTK_UNIT_POINTS);
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
  return g_steal_pointer (&setup);
}

/**
 * vtr_ticket_print_with_gtk:
 * @parent: (nullable): the window the print dialog belongs to
 * @export_pdf: (nullable): write a PDF there instead of asking for a printer
 *
 * Prints @ticket through GtkPrintOperation. With @export_pdf, no dialog:
 * the page GTK would send to the printer is written to that file.
 */
gboolean
vtr_ticket_print_with_gtk (const VtrTicket *ticket,
                           GtkWindow       *parent,
                           const char      *export_pdf,
                           GError         **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GError) run_error = NULL;
  Printing printing = { ticket, 0, NULL };
  GtkPrintOperationResult result;

  if (!(setup = page_setup_for (ticket, &printing.width, error)))
    return FALSE;
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, ticket->title ? ticket->title : "Vitrine");
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), &printing);
  if (export_pdf)
    gtk_print_operation_set_export_filename (operation, export_pdf);

  result = gtk_print_operation_run (operation,
                                    export_pdf ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                               : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, &run_error);
  if (printing.error)
    {
      g_propagate_error (error, printing.error);
      return FALSE;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The ticket could not be printed: %s"),
                   run_error ? run_error->message : "");
      return FALSE;
    }
  return TRUE;
}

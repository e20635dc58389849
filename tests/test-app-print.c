#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "vtr-print-queue.h"
#include "vtr-test-decode.h"
#include "vtr-test-util.h"
#include "vtr-ticket-print.h"

/*
 * The app's printing through GtkPrintOperation, which is how a ticket
 * reaches any printer the desktop knows: exported to PDF here (no printer
 * on the test machine), then read back as a person and a kiosk would.
 */

#define CODE "HTTPS://VTR13.FR/C/MARSEILLEMARSEILLEMARSEILL/K1/U6U2YEC54PDAAPET2C6C7Q7AS3ND5SZTU47EOT34CYCMFNHDOPA7ANMBPI4UVHJK7IWXQSX627RDB2ESAIETN5S4MGQIA7RCYW66MDQ"

static void
test_gtk_print_card (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *pdf = g_build_filename (dir, "card.pdf", NULL);
  g_autoptr(VtrTicket) ticket = vtr_ticket_new_card ("MARSEILLEMARSEILLEMARSEILL", CODE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *text = NULL;
  double width, height;

  g_assert_true (vtr_ticket_print_with_gtk (ticket, NULL, pdf, &error));
  g_assert_no_error (error);
  codes = vtr_test_read_pdf (pdf, 300, &text, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 85.6 * 72 / 25.4, 1);
  g_assert_cmpfloat_with_epsilon (height, 54 * 72 / 25.4, 1);
  g_assert_nonnull (strstr (text, "MARS EILL"));
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, CODE);
  vtr_test_remove_tree (dir);
}

static void
test_gtk_print_receipt (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *pdf = g_build_filename (dir, "receipt.pdf", NULL);
  g_autoptr(VtrTicket) ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "order", "AC-1234");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *text = NULL;
  double width, height;

  ticket->title = g_strdup ("Votre commande");
  ticket->big = g_strdup ("AC-1234");
  vtr_ticket_add_line (ticket, "1 × Crème de marrons", "4,15 €", FALSE);
  ticket->qr = g_strdup (CODE);
  g_assert_true (vtr_ticket_print_with_gtk (ticket, NULL, pdf, &error));
  g_assert_no_error (error);
  codes = vtr_test_read_pdf (pdf, 200, &text, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 80 * 72 / 25.4, 1);
  g_assert_nonnull (strstr (text, "Crème de marrons"));
  g_assert_nonnull (strstr (text, "4,15 €"));
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, CODE);
  vtr_test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-print/card", test_gtk_print_card);
  g_test_add_func ("/app-print/receipt", test_gtk_print_receipt);
  return g_test_run ();
}

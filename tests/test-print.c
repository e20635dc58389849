#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-escpos-parse.h"
#include "vtr-print-jobs.h"
#include "vtr-print-queue.h"
#include "vtr-qr-image.h"
#include "vtr-test-decode.h"
#include "vtr-test-keys.h"
#include "vtr-test-printer.h"
#include "vtr-test-util.h"

/*
 * Tickets as a customer and a shopkeeper get them: PDF read back with
 * poppler and its code with the kiosk's decoder, PNG likewise, ESC/POS
 * bytes read back as a thermal printer would, and a network ticket
 * printer on 127.0.0.1 that runs out of paper or drops the connection
 * while the durable queue keeps the ticket until it prints, once.
 */

#define CODE "HTTPS://VTR13.FR/O/AC-1234/K1/U6U2YEC54PDAAPET2C6C7Q7AS3ND5SZTU47EOT34CYCMFNHDOPA7ANMBPI4UVHJK7IWXQSX627RDB2ESAIETN5S4MGQIA7RCYW66MDQ"

typedef struct
{
  char           *dir;
  VtrStore       *store;
  VtrCatalog     *catalog;
  VtrTestPrinter *printer;
  char           *target;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  VtrDemoCounts counts;

  f->dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (f->store);
  g_assert_true (vtr_demo_load (f->catalog, now, &counts, &error));
  f->printer = vtr_test_printer_new ();
  f->target = g_strdup_printf ("tcp:127.0.0.1:%u", vtr_test_printer_get_port (f->printer));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vtr_test_printer_free (f->printer);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->target);
}

/* An order's ticket, with what French receipts carry: accents, €. */
static VtrTicket *
order_ticket (void)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "order", "AC-1234");

  ticket->header = g_strdup ("Épicerie des Capucins");
  ticket->title = g_strdup ("Votre commande");
  ticket->big = g_strdup ("AC-1234");
  vtr_ticket_add_line (ticket, "2 × Café moulu pur arabica 250 g", "9,80 €", FALSE);
  vtr_ticket_add_line (ticket, "1 × Crème de marrons", "4,15 €", TRUE);
  ticket->total_label = g_strdup ("Total à payer au retrait");
  ticket->total = g_strdup ("13,95 €");
  vtr_ticket_add_note (ticket, "Retrait : 6 quai des Belges, 13001 Marseille. Pour Inès.");
  ticket->qr = g_strdup (CODE);
  ticket->qr_caption = g_strdup ("Montrez ce code au comptoir");
  ticket->footer = g_strdup ("Commandé le 27/11/2026 à 10:30");
  return ticket;
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
test_pdf (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autofree char *pdf = path_in (f, "ticket.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *text = NULL;
  double width, height;

  g_assert_true (vtr_ticket_write_pdf (ticket, pdf, &error));
  g_assert_no_error (error);
  codes = vtr_test_read_pdf (pdf, 200, &text, &width, &height);
  g_assert_nonnull (strstr (text, "Épicerie des Capucins"));
  g_assert_nonnull (strstr (text, "Café moulu"));
  g_assert_nonnull (strstr (text, "13,95 €"));
  g_assert_nonnull (strstr (text, "AC-1234"));
  g_assert_cmpfloat_with_epsilon (width, 80 * 72 / 25.4, 0.5); /* an 80 mm roll */
  g_assert_cmpfloat (height, >, width);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, CODE);
}

static void
test_png (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autofree char *png = path_in (f, "ticket.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;

  /* At a thermal printer's 203 dpi, the code still reads. */
  g_assert_true (vtr_ticket_write_png (ticket, png, 203, &error));
  g_assert_no_error (error);
  codes = vtr_test_read_png (png);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, CODE);
}

/* The card: credit-card size, its code large enough to scan. */
static void
test_card (Fixture       *f,
           gconstpointer  data)
{
  const char *card_id = "MARSEILLEMARSEILLEMARSEILL";
  g_autofree char *code = g_strdup_printf ("HTTPS://VTR13.FR/C/%s/K1/%s", card_id,
                                           "U6U2YEC54PDAAPET2C6C7Q7AS3ND5SZTU47EOT34CYCMFNHDOPA7ANMBPI4UVHJK7IWXQSX627RDB2ESAIETN5S4MGQIA7RCYW66MDQ");
  g_autoptr(VtrTicket) ticket = vtr_ticket_new_card (card_id, code);
  g_autofree char *pdf = path_in (f, "card.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *text = NULL;
  double width, height;

  g_assert_true (vtr_ticket_write_pdf (ticket, pdf, &error));
  codes = vtr_test_read_pdf (pdf, 300, &text, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 85.6 * 72 / 25.4, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 54 * 72 / 25.4, 0.5);
  /* The whole number, on the card: its last characters are what the
   * counter shows and searches by. */
  if (strstr (text, "MARS EILL EMAR SEIL LEMA RSEI LL") == NULL)
    g_error ("the card's number is cut: the card reads “%s”", text);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, code);

  /* Printed, the number's end is there too: the code's white box once
   * covered it (its text was still in the PDF, under the white). */
  {
    g_autofree char *png = path_in (f, "card.png");
    cairo_surface_t *image;
    int w, h, stride, dark = 0;

    g_assert_true (vtr_ticket_write_png (ticket, png, 300, &error));
    image = cairo_image_surface_create_from_png (png);
    g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
    w = cairo_image_surface_get_width (image);
    h = cairo_image_surface_get_height (image);
    stride = cairo_image_surface_get_stride (image);
    /* "…RSEI LL", below the code's left edge, in the bottom strip. */
    for (int y = h * 85 / 100; y < h * 98 / 100; y++)
      for (int x = w * 52 / 100; x < w * 58 / 100; x++)
        if ((((const guint32 *) (cairo_image_surface_get_data (image) + (gsize) y * stride))[x] & 0xff) < 100)
          dark++;
    cairo_surface_destroy (image);
    g_assert_cmpint (dark, >, 100);
  }
}

/* A real order from the journal, with the demo catalogue's names. */
static void
test_order_from_journal (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VtrOrder) order = g_new0 (VtrOrder, 1);
  g_autoptr(VtrTicket) ticket = NULL;
  g_autoptr(GByteArray) unused = NULL;
  VtrOrderLine line = { 13, 2, 1010 };

  order->uuid = g_uuid_string_random ();
  order->number = g_strdup ("AC-1234");
  order->pickup_code = g_strdup (CODE);
  order->merchant_id = 1;
  order->first_name = g_strdup ("Inès");
  order->phone = g_strdup ("0612345678");
  order->total_cents = 2020;
  order->created = 1795740429;
  order->lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
  g_array_append_val (order->lines, line);

  ticket = vtr_ticket_new_order (f->catalog, order);
  g_assert_cmpstr (ticket->header, ==, "Gallovich");
  g_assert_cmpstr (ticket->big, ==, "AC-1234");
  g_assert_cmpuint (ticket->lines->len, ==, 1);
  g_assert_nonnull (strstr (((VtrTicketLine *) g_ptr_array_index (ticket->lines, 0))->text, "Saucisses"));
  /* In the ticket's language: English, as this test sets no other. */
  g_assert_cmpstr (ticket->total, ==, "€20.20");
  g_assert_cmpstr (ticket->qr, ==, CODE);
  /* Where to collect it: the shop's address, and its hours in words,
   * not in OpenStreetMap's syntax ("Mo-Sa 08:00-19:30"). */
  g_assert_nonnull (strstr (g_ptr_array_index (ticket->notes, 0), "Paul Claudel"));
  {
    const char *hours = NULL;

    for (guint i = 0; i < ticket->notes->len; i++)
      if (g_str_has_prefix (g_ptr_array_index (ticket->notes, i), "Opening hours: "))
        hours = g_ptr_array_index (ticket->notes, i);
    g_assert_nonnull (hours);
    if (strstr (hours, "Mo-") || strstr (hours, "-Sa") || strstr (hours, "-Fr") || strstr (hours, "Su ") ||
        g_regex_match_simple ("[0-9]:[0-9]", hours, 0, 0))
      g_error ("the ticket gives the hours in OpenStreetMap's syntax: “%s”", hours);
    g_assert_nonnull (strstr (hours, " h"));
  }
}

/* A product whose number has 8 digits is named on the ticket by its name,
 * not shown as a number (it used to be read as a misread EAN-8 barcode). */
static void
test_order_product_number (Fixture       *f,
                           gconstpointer  data)
{
  VtrProduct jam = { 12345678, NULL, "Confiture de figues 370 g", "Les Vergers", "epicerie-sucree" };
  g_autoptr(VtrOrder) order = g_new0 (VtrOrder, 1);
  g_autoptr(VtrTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  VtrOrderLine line = { 12345678, 1, 450 };

  g_assert_true (vtr_catalog_put_product (f->catalog, &jam, &error));
  g_assert_no_error (error);
  order->uuid = g_uuid_string_random ();
  order->number = g_strdup ("AC-1235");
  order->pickup_code = g_strdup (CODE);
  order->merchant_id = 1;
  order->total_cents = 450;
  order->created = 1795740429;
  order->lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
  g_array_append_val (order->lines, line);

  ticket = vtr_ticket_new_order (f->catalog, order);
  g_assert_cmpuint (ticket->lines->len, ==, 1);
  g_assert_cmpstr (((VtrTicketLine *) g_ptr_array_index (ticket->lines, 0))->text, ==,
                   "1 × Confiture de figues 370 g");
}

static void
test_escpos (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autoptr(GError) error = NULL;

  for (int paper = 58; paper <= 80; paper += 22)
    {
      g_autoptr(GBytes) bytes = vtr_ticket_to_escpos (ticket, paper, &error);
      g_auto(VtrEscposPage) page = { 0 };

      g_assert_no_error (error);
      vtr_escpos_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &page);
      g_assert_cmpint (page.code_page, ==, 19); /* CP858: accents and € */
      g_assert_nonnull (strstr (page.text->str, "Épicerie des Capucins"));
      g_assert_nonnull (strstr (page.text->str, "Café moulu"));
      g_assert_nonnull (strstr (page.text->str, "13,95 €"));
      g_assert_nonnull (strstr (page.text->str, "Inès"));
      g_assert_true (page.bold);
      g_assert_true (page.double_size);
      g_assert_cmpuint (page.qr->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (page.qr, 0), ==, CODE);
      g_assert_cmpuint (page.cuts, ==, 1);
      g_assert_cmpuint (page.unknown, ==, 0);
      /* Nothing runs off the paper. */
      g_assert_cmpuint (page.longest_line, <=, paper == 58 ? 32 : 48);
    }
}

static void
test_printer_status (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VtrPrintTarget) target = vtr_print_target_parse (f->target, NULL);
  g_autoptr(VtrPrintTarget) nobody = vtr_print_target_parse ("tcp:127.0.0.1:1", NULL);
  g_autoptr(GError) error = NULL;
  VtrPrinterStatus status;
  static const struct
  {
    VtrPrinterMode mode;
    const char    *words;
  } cases[] = {
    { VTR_PRINTER_READY, "ready." },
    { VTR_PRINTER_PAPER_OUT, "out of paper" },
    { VTR_PRINTER_PAPER_NEAR_END, "nearly finished" },
    { VTR_PRINTER_COVER_OPEN, "cover is open" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = NULL;

      vtr_test_printer_set_mode (f->printer, cases[i].mode);
      g_assert_true (vtr_printer_get_status (target, &status, &error));
      g_assert_no_error (error);
      words = vtr_printer_status_describe (&status);
      g_assert_nonnull (strstr (words, cases[i].words));
    }
  g_assert_false (vtr_printer_get_status (nobody, &status, &error));
  g_assert_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE);
}

static guint
pending (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = vtr_print_job_pending (f->store, &error);

  g_assert_no_error (error);
  return jobs->len;
}

static guint
printed (Fixture *f)
{
  g_autoptr(GPtrArray) jobs = vtr_test_printer_jobs (f->printer);

  return jobs->len;
}

/* Out of paper: the ticket waits, and prints once when the roll is in. */
static void
test_queue_paper_out (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autoptr(GError) error = NULL;

  vtr_test_printer_set_mode (f->printer, VTR_PRINTER_PAPER_OUT);
  g_assert_true (vtr_print_enqueue (f->store, ticket, f->target, NULL, &error));
  g_assert_cmpuint (vtr_print_queue_run (f->store, &error), ==, 0);
  g_assert_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_PAPER_OUT);
  g_assert_nonnull (strstr (error->message, "out of paper"));
  g_clear_error (&error);
  g_assert_cmpuint (pending (f), ==, 1);
  g_assert_cmpuint (printed (f), ==, 0);

  vtr_test_printer_set_mode (f->printer, VTR_PRINTER_READY);
  g_assert_cmpuint (vtr_print_queue_run (f->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (vtr_print_queue_run (f->store, &error), ==, 0);
  g_assert_cmpuint (pending (f), ==, 0);
  g_assert_cmpuint (printed (f), ==, 1);

  /* What the printer got is the ticket. */
  {
    g_autoptr(GPtrArray) jobs = vtr_test_printer_jobs (f->printer);
    GBytes *job = g_ptr_array_index (jobs, 0);
    g_auto(VtrEscposPage) page = { 0 };

    vtr_escpos_parse (g_bytes_get_data (job, NULL), g_bytes_get_size (job), &page);
    g_assert_cmpstr (g_ptr_array_index (page.qr, 0), ==, CODE);
  }
}

/* The connection drops halfway: the ticket is printed again, whole, once. */
static void
test_queue_dropped (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autoptr(GError) error = NULL;

  vtr_test_printer_set_mode (f->printer, VTR_PRINTER_DROPS_JOBS);
  g_assert_true (vtr_print_enqueue (f->store, ticket, f->target, NULL, &error));
  g_assert_cmpuint (vtr_print_queue_run (f->store, &error), ==, 0);
  g_assert_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_cmpuint (pending (f), ==, 1);
  g_assert_cmpuint (vtr_test_printer_cut_short (f->printer), ==, 1);

  vtr_test_printer_set_mode (f->printer, VTR_PRINTER_READY);
  g_assert_cmpuint (vtr_print_queue_run (f->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (printed (f), ==, 1);
  g_assert_cmpuint (pending (f), ==, 0);
}

/* A printer that is gone keeps its own tickets waiting, not the others'. */
static void
test_queue_other_printers (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  g_autofree char *pdf = path_in (f, "second.pdf");
  g_autofree char *to_pdf = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_print_enqueue (f->store, ticket, "tcp:127.0.0.1:1", NULL, &error));
  g_assert_true (vtr_print_now (f->store, ticket, to_pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pending (f), ==, 1);
  g_assert_false (vtr_print_now (f->store, ticket, "tcp:127.0.0.1:1", &error));
  g_assert_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1:1"));
  g_assert_cmpuint (pending (f), ==, 2);
}

static void
test_missing_printers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VtrTicket) ticket = order_ticket ();
  static const struct
  {
    const char *target;
    const char *words;
  } cases[] = {
    { "dev:/dev/usb/lp-none", "not plugged in" },
    { "cups:Imprimante_du_fond", "not known to this computer" },
    { "escpos:/nonexistent-folder/ticket.bin", "could not be written" },
    { "pdf:/nonexistent-folder/ticket.pdf", "could not be written" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VtrPrintTarget) target = vtr_print_target_parse (cases[i].target, &error);

      g_assert_no_error (error);
      g_assert_false (vtr_printer_print (target, ticket, &error));
      g_assert_nonnull (error);
      if (!strstr (error->message, cases[i].words))
        g_error ("%s: %s", cases[i].target, error->message);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (vtr_print_target_parse ("laser", &error));
    g_assert_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_TARGET);
  }
}

/* The command line, end to end: a real order, printed and printed again. */
static void
test_ctl (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *pdf = path_in (f, "again.pdf");
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  const char *printer_env[] = { "VITRINE_PRINTER", f->target, NULL };
  g_auto(VtrTestResult) none = { 0 };
  g_auto(VtrTestResult) status = { 0 };
  g_auto(VtrTestResult) slip = { 0 };

  vtr_test_run (&none, "VITRINE_CTL", f->dir, printer_env, "print", "order", "--last", NULL);
  g_assert_cmpint (none.status, ==, 1);
  g_assert_nonnull (strstr (none.err, "No order"));

  vtr_test_printer_set_mode (f->printer, VTR_PRINTER_PAPER_OUT);
  vtr_test_run (&status, "VITRINE_CTL", f->dir, NULL, "printer", "status", f->target, NULL);
  g_assert_cmpint (status.status, ==, 1);
  g_assert_nonnull (strstr (status.out, "out of paper"));

  vtr_test_run (&slip, "VITRINE_CTL", f->dir, NULL, "print", "slip", "--to", to, NULL);
  g_assert_cmpint (slip.status, ==, 2);
  g_assert_nonnull (strstr (slip.err, "No loyalty points"));
}

/* A real order, taken on the kiosk, printed from the command line, then
 * printed again on a USB ticket printer. */
static void
test_ctl_order (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *pdf = path_in (f, "order.pdf");
  g_autofree char *usb = path_in (f, "lp0");
  g_autofree char *to_pdf = g_strconcat ("pdf:", pdf, NULL);
  g_autofree char *to_usb = g_strconcat ("dev:", usb, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(VtrOrder) order = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pickup = NULL;
  g_auto(VtrTestResult) first = { 0 };
  g_auto(VtrTestResult) again = { 0 };
  VtrFlashcode code = { VTR_CODE_PICKUP, 0, 0, 0, NULL, "KX-0042", NULL, 20991231, 1 };
  VtrOrderLine line = { 13, 2, 0 };
  guint8 secret[64];

  keys = vtr_test_key_list_new (secret);
  pickup = vtr_flashcode_sign (&code, "vtr13.fr", secret, &error);
  {
    const char *stock[] = { pickup, NULL };
    g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_PICKUP, stock, keys, now, &error), ==, 1);
  }
  order = vtr_order_create (f->store, 1, &line, 1, 0, "Inès", "0612345678", now, &error);
  g_assert_no_error (error);

  vtr_test_run (&first, "VITRINE_CTL", f->dir, NULL, "print", "order", "--last", "--to", to_pdf, NULL);
  g_assert_cmpint (first.status, ==, 0);
  codes = vtr_test_read_pdf (pdf, 200, &text, NULL, NULL);
  g_assert_nonnull (strstr (text, "KX-0042"));
  g_assert_nonnull (strstr (text, "Inès"));
  g_assert_nonnull (strstr (text, "Saucisses"));
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, pickup);

  /* The same ticket again, on a USB printer (here a plain file). */
  g_assert_true (g_file_set_contents (usb, "", 0, NULL));
  vtr_test_run (&again, "VITRINE_CTL", f->dir, NULL, "print", "again", "--to", to_usb, NULL);
  g_assert_cmpint (again.status, ==, 0);
  {
    g_autofree char *bytes = NULL;
    gsize len;
    g_auto(VtrEscposPage) page = { 0 };

    g_assert_true (g_file_get_contents (usb, &bytes, &len, NULL));
    vtr_escpos_parse ((const guint8 *) bytes, len, &page);
    g_assert_nonnull (strstr (page.text->str, "KX-0042"));
    g_assert_cmpstr (g_ptr_array_index (page.qr, 0), ==, pickup);
    g_assert_cmpuint (page.cuts, ==, 1);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/print/pdf", test_pdf);
  ADD ("/print/png", test_png);
  ADD ("/print/card", test_card);
  ADD ("/print/order-from-journal", test_order_from_journal);
  ADD ("/print/order-product-number", test_order_product_number);
  ADD ("/print/escpos", test_escpos);
  ADD ("/print/printer-status", test_printer_status);
  ADD ("/print/queue-paper-out", test_queue_paper_out);
  ADD ("/print/queue-dropped", test_queue_dropped);
  ADD ("/print/missing-printers", test_missing_printers);
  ADD ("/print/queue-other-printers", test_queue_other_printers);
  ADD ("/print/ctl", test_ctl);
  ADD ("/print/ctl-order", test_ctl_order);
  return g_test_run ();
}

#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-json.h"
#include "vtr-loyalty.h"
#include "vtr-orders.h"
#include "vtr-print-jobs.h"
#include "vtr-sync-state.h"
#include "vtr-print-queue.h"
#include "vtr-trust.h"

/*
 * Printing commands: print (an order's ticket, a loyalty slip, a card, a
 * poster, the last ticket again, the queue) and printer status.
 */

/* print's own options. */
static struct
{
  char     *to;
  gboolean  last;
  char     *code;
  gboolean  a4;
} print_options;

static const GOptionEntry print_entries[] = {
  { "to", 0, 0, G_OPTION_ARG_STRING, &print_options.to,
    N_("Where to print (default: VITRINE_PRINTER)"), N_("TARGET") },
  { "last", 0, 0, G_OPTION_ARG_NONE, &print_options.last,
    N_("With “order”: the last order taken here"), NULL },
  { "code", 0, 0, G_OPTION_ARG_STRING, &print_options.code,
    N_("With “poster”: the product’s signed code"), N_("CODE") },
  { "a4", 0, 0, G_OPTION_ARG_NONE, &print_options.a4,
    N_("With “poster”: A4 rather than A5"), NULL },
  { NULL }
};

/* Where tickets go: --to, or the kiosk's printer (VITRINE_PRINTER). */
static char *
print_target (VtrCtlOptions *options)
{
  return print_options.to ? g_strdup (print_options.to) : vtr_print_default_target ();
}

/* Queues the ticket and prints what waits; a ticket that cannot print now
 * stays queued, and the message says what to do at the counter. */
static int
print_ticket (VtrCtlOptions   *options,
              VtrStore        *store,
              const VtrTicket *ticket)
{
  g_autofree char *target = print_target (options);
  GError *error = NULL;

  if (target == NULL)
    return usage_error (_("Say where to print with --to pdf:FILE, png:FILE, escpos:FILE, tcp:HOST:PORT, "
                          "dev:PATH or cups:NAME, or set VITRINE_PRINTER"));
  if (!vtr_print_now (store, ticket, target, &error))
    {
      g_printerr (_("vitrine-ctl: %s The ticket is kept and prints when the printer is back "
                    "(vitrine-ctl print pending).\n"),
                  error->message);
      g_error_free (error);
      return EXIT_FAILURE;
    }
  g_print (_("Ticket printed.\n"));
  return EXIT_SUCCESS;
}

static int
command_print (VtrCtlOptions  *options,
               int             argc,
               char          **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrTicket) ticket = NULL;
  VtrStore *store;
  GError *error = NULL;
  const char *what = argc > 1 ? argv[1] : "";

  if (!(catalog = open_catalog (options, &error)))
    return fail (error);
  store = vtr_catalog_get_store (catalog);

  if (g_str_equal (what, "order") && (argc == 3) != print_options.last)
    {
      g_autoptr(VtrOrder) order = vtr_order_get (store, print_options.last ? NULL : argv[2], &error);

      if (order == NULL)
        return fail (error);
      ticket = vtr_ticket_new_order (catalog, order);
    }
  else if (g_str_equal (what, "slip") && argc == 2)
    {
      g_autoptr(VtrLoyaltyEvent) event = vtr_loyalty_last_event (store, &error);
      gint64 balance;

      if (event == NULL && error == NULL)
        return usage_error (_("No loyalty points were credited or spent on this kiosk yet"));
      if (event == NULL || !vtr_loyalty_balance (store, event->card_id, &balance, NULL, &error))
        return fail (error);
      ticket = vtr_ticket_new_slip (catalog, event, balance);
    }
  else if (g_str_equal (what, "card") && argc == 3)
    {
      g_autofree char *code = vtr_loyalty_card_code (store, argv[2], &error);

      if (code == NULL)
        return fail (error);
      ticket = vtr_ticket_new_card (argv[2], code);
    }
  else if (g_str_equal (what, "poster") && argc == 3)
    {
      g_autoptr(VtrProduct) product = find_product (catalog, argv[2], &error);
      g_autoptr(VtrKeyList) keys = NULL;
      g_autoptr(VtrCodeInfo) info = NULL;

      if (product == NULL)
        return fail (error);
      if (print_options.code == NULL)
        return usage_error (_("A poster carries the code the federation signed for it: --code "
                              "'HTTPS://…' (vitrine-hub sign product ID --merchant SHOP)"));
      if (!(keys = vtr_trust_load (store, &error)))
        return fail (error);
      info = vtr_code_classify (print_options.code, -1, keys, options->when);
      if (info->kind != VTR_CODE_PRODUCT || info->verdict != VTR_VERDICT_TRUSTED ||
          info->code.product_id != product->id)
        {
          g_autofree char *why = vtr_verdict_describe (info);
          g_autofree char *message = g_strdup_printf (_("This code is not a valid ad for “%s”: %s"),
                                                      product->name, why);
          return usage_error (message);
        }
      ticket = vtr_ticket_new_poster (catalog, product, info->code.merchant_id, info->code.promotion_id,
                                      print_options.code, print_options.a4 ? VTR_TICKET_POSTER_A4 : VTR_TICKET_POSTER_A5,
                                      options->when);
    }
  else if (g_str_equal (what, "again") && argc == 2)
    {
      g_autoptr(VtrPrintJob) job = vtr_print_job_last (store, NULL, &error);

      if (job == NULL && error == NULL)
        return usage_error (_("Nothing was printed on this kiosk yet"));
      if (job == NULL || !(ticket = vtr_ticket_from_json (job->ticket, &error)))
        return fail (error);
      if (print_options.to == NULL)
        print_options.to = g_strdup (job->target);
    }
  else if (g_str_equal (what, "pending") && argc == 2)
    {
      guint printed = vtr_print_queue_run (store, &error);

      if (error)
        return fail (error);
      g_print (ngettext ("%u ticket printed.\n", "%u tickets printed.\n", printed), printed);
      return EXIT_SUCCESS;
    }
  else
    return usage_error (_("Usage: vitrine-ctl print order NUMBER|--last | slip | card CARD | poster PRODUCT "
                          "--code CODE [--a4] | again | pending [--to TARGET]"));
  return print_ticket (options, store, ticket);
}

static int
command_printer (VtrCtlOptions  *options,
                 int             argc,
                 char          **argv)
{
  g_autoptr(VtrPrintTarget) target = NULL;
  g_autofree char *words = NULL;
  VtrPrinterStatus status;
  GError *error = NULL;
  gboolean ok;

  if (argc != 3 || !g_str_equal (argv[1], "status"))
    return usage_error (_("Usage: vitrine-ctl printer status TARGET"));
  if (!(target = vtr_print_target_parse (argv[2], &error)))
    return fail (error);
  ok = vtr_printer_get_status (target, &status, &error);
  /* (ops) Told to the hub with the next sync (the device's heartbeat): a
   * printer that does not answer is missing. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (options->data_dir, NULL);

    if (store)
      vtr_sync_state_note_device (store, "printer", ok ? vtr_printer_status_word (&status) : "missing", NULL);
  }
  if (!ok)
    return fail (error);
  words = vtr_printer_status_describe (&status);
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_boolean (builder, "online", status.online);
      vtr_json_add_boolean (builder, "paper_out", status.paper_out);
      vtr_json_add_boolean (builder, "paper_near_end", status.paper_near_end);
      vtr_json_add_boolean (builder, "cover_open", status.cover_open);
      vtr_json_add_string (builder, "message", words);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print ("%s\n", words);
  return status.online && !status.paper_out && !status.cover_open ? EXIT_SUCCESS : EXIT_FAILURE;
}

const VtrCtlCommand vtr_ctl_print = {
  "print", N_("order|slip|card|poster|again|pending …"), N_("Print a ticket, a loyalty slip, a card or a poster"),
  0, print_entries, command_print
};

const VtrCtlCommand vtr_ctl_printer = {
  "printer", N_("status TARGET"), N_("Whether a ticket printer is ready (paper, cover)"),
  0, NULL, command_printer
};

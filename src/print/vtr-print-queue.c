#include "config.h"

#include "vtr-print-queue.h"

#include <glib/gi18n.h>

#include "vtr-opening-hours.h"
#include "vtr-week-hours.h"
#include "vtr-print-jobs.h"

/*
 * What goes on each ticket, and the queue that gets it printed. The
 * builders take what is already committed (an order, a loyalty event),
 * never what is about to be: a ticket follows the commit.
 */

static char *
format_time (gint64 when)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (when);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, vtr_opening_hours_timezone ());

  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}

static char *
merchant_place (const VtrMerchant *merchant)
{
  return g_strdup_printf ("%s, %s %s", merchant->address ? merchant->address : "",
                          merchant->postcode ? merchant->postcode : "", merchant->city ? merchant->city : "");
}

VtrTicket *
vtr_ticket_new_order (VtrCatalog     *catalog,
                      const VtrOrder *order)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "order", order->number);
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (catalog, order->merchant_id, NULL);
  g_autofree char *total = vtr_price_format (order->total_cents);
  g_autofree char *when = format_time (order->created);

  ticket->header = g_strdup (merchant ? merchant->name : "");
  ticket->title = g_strdup (_("Your order"));
  ticket->big = g_strdup (order->number);
  for (guint i = 0; i < order->lines->len; i++)
    {
      const VtrOrderLine *line = &g_array_index (order->lines, VtrOrderLine, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, line->product_id);
      g_autoptr(VtrProduct) product = vtr_catalog_get_product (catalog, line->product_id, NULL);
      g_autofree char *text = g_strdup_printf ("%d × %s", line->quantity, product ? product->name : id);
      g_autofree char *amount = vtr_price_format (line->price_cents * line->quantity);

      vtr_ticket_add_line (ticket, text, amount, FALSE);
    }
  ticket->total_label = g_strdup (order->locker_id ? _("Total of the order") : _("Total to pay on collection"));
  ticket->total = g_steal_pointer (&total);

  if (order->locker_id)
    {
      g_autoptr(VtrCollectionPoint) locker = vtr_catalog_get_collection_point (catalog, order->locker_id, NULL);

      vtr_ticket_add_note (ticket, _("Collect it from the parcel locker: %s, %s."),
                           locker ? locker->name : "", locker && locker->address ? locker->address : "");
      vtr_ticket_add_note (ticket, "%s", _("When it is in the locker, we will send you its compartment and "
                                           "the code that opens it."));
    }
  else if (merchant)
    {
      g_autofree char *place = merchant_place (merchant);

      vtr_ticket_add_note (ticket, _("Collect it at the shop: %s."), place);
      if (merchant->opening_hours && *merchant->opening_hours)
        {
          VtrWeekHours week;
          g_autofree char *words = NULL;

          /* In words ("Lundi au samedi : 8 h à 19 h 30"), as the screens
           * say them; hours of a form the week cannot hold, as written. */
          if (vtr_week_hours_from_osm (merchant->opening_hours, &week, NULL))
            words = vtr_week_hours_describe (&week);
          vtr_ticket_add_note (ticket, _("Opening hours: %s"), words ? words : merchant->opening_hours);
        }
      if (merchant->phone && *merchant->phone)
        vtr_ticket_add_note (ticket, _("Phone: %s"), merchant->phone);
    }
  vtr_ticket_add_note (ticket, _("For %s. We will tell you when it is ready."), order->first_name);
  if (order->pickup_code)
    {
      ticket->qr = g_strdup (order->pickup_code);
      /* No counter at a parcel locker. */
      ticket->qr_caption = g_strdup (order->locker_id
                                       ? _("Your order’s code: scanned at a kiosk, it says where your order is")
                                       : _("Show this code at the counter to collect your order"));
    }
  ticket->footer = g_strdup_printf (_("Ordered on %s"), when);
  return ticket;
}

VtrTicket *
vtr_ticket_new_slip (VtrCatalog            *catalog,
                     const VtrLoyaltyEvent *event,
                     gint64                 balance)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "slip", event->uuid);
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (catalog, event->merchant_id, NULL);
  g_autofree char *when = format_time (event->created);
  gsize len = strlen (event->card_id);

  ticket->header = g_strdup (merchant ? merchant->name : "");
  ticket->title = g_strdup (_("Loyalty points"));
  ticket->big = g_strdup_printf (event->points >= 0 ? _("+%lld points") : _("%lld points"), (long long) event->points);
  if (event->amount_cents > 0)
    {
      g_autofree char *amount = vtr_price_format (event->amount_cents);
      vtr_ticket_add_line (ticket, _("Purchase"), amount, FALSE);
    }
  ticket->total_label = g_strdup (_("Your balance"));
  ticket->total = g_strdup_printf (ngettext ("%lld point", "%lld points", balance), (long long) balance);
  /* Enough of the card to recognise it, not to copy it. */
  vtr_ticket_add_note (ticket, _("Card ending in %s"), event->card_id + (len > 4 ? len - 4 : 0));
  ticket->footer = g_strdup_printf ("%s", when);
  return ticket;
}

VtrTicket *
vtr_ticket_new_card (const char *card_id,
                     const char *code)
{
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_CARD, "card", card_id);
  GString *grouped = g_string_new (NULL);

  ticket->header = g_strdup (_("Shops of the town centre"));
  ticket->title = g_strdup (_("Loyalty card"));
  vtr_ticket_add_note (ticket, "%s", _("Show it in every shop of the federation to collect points and "
                                       "rewards."));
  vtr_ticket_add_note (ticket, "%s", _("Lost? The shop can block it and move your points to a new card."));
  for (const char *p = card_id; *p; p++)
    {
      if (p != card_id && (p - card_id) % 4 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, *p);
    }
  ticket->footer = g_string_free (grouped, FALSE);
  ticket->qr = g_strdup (code);
  return ticket;
}

VtrTicket *
vtr_ticket_new_poster (VtrCatalog       *catalog,
                       const VtrProduct *product,
                       gint64            merchant_id,
                       gint64            promotion_id,
                       const char       *code,
                       VtrTicketFormat   format,
                       GDateTime        *now)
{
  VtrTicket *ticket = vtr_ticket_new (format, "poster", product->gtin);
  g_autoptr(VtrMerchant) merchant = merchant_id ? vtr_catalog_get_merchant (catalog, merchant_id, NULL) : NULL;

  ticket->header = g_strdup (merchant ? merchant->name : _("Shops of the town centre"));
  ticket->title = g_strdup (product->name);
  if (product->brand && *product->brand)
    vtr_ticket_add_note (ticket, "%s", product->brand);
  if (promotion_id && merchant)
    {
      g_autoptr(GPtrArray) offers = vtr_catalog_promotions_near (catalog, &merchant->position, now, 50, NULL);

      for (guint i = 0; offers && i < offers->len; i++)
        {
          VtrPromotionOffer *offer = g_ptr_array_index (offers, i);

          if (offer->promotion->id == promotion_id)
            ticket->big = vtr_promotion_describe (offer->promotion);
        }
    }
  if (merchant)
    {
      g_autofree char *place = merchant_place (merchant);
      vtr_ticket_add_note (ticket, "%s", place);
    }
  ticket->qr = g_strdup (code);
  ticket->qr_caption = g_strdup (_("Scan it at a Vitrine kiosk or with your phone: the shops near you "
                                   "that have it, their prices and hours"));
  return ticket;
}

/* The queue. */

/**
 * vtr_print_default_target:
 *
 * The kiosk's printer: VITRINE_PRINTER, else the `printer` setting the
 * administrator chose on the kiosk.
 *
 * Returns: (transfer full) (nullable): a target, or %NULL when none is set
 */
char *
vtr_print_default_target (void)
{
  const char *env = g_getenv ("VITRINE_PRINTER");
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *setting = NULL;

  if (env && *env)
    return g_strdup (env);
  if (schemas)
    schema = g_settings_schema_source_lookup (schemas, APPLICATION_ID, TRUE);
  if (schema && g_settings_schema_has_key (schema, "printer"))
    {
      g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

      setting = g_settings_get_string (settings, "printer");
    }
  return setting && *setting ? g_steal_pointer (&setting) : NULL;
}

/**
 * vtr_print_enqueue_poster:
 * @poster: a poster the hub signed (vtr_shop_signed_posters())
 * @target: the printer
 * @id: (out) (optional): the print job
 *
 * Lays out a signed poster (the product's, with its promotion if any;
 * for a promotion on a whole category, the shop's name and the code),
 * puts it in the durable print queue, and marks the request printed:
 * what `vitrine-ctl shop posters --print` and the counter's Posters page
 * both do. vtr_print_queue_run() (or the print service) then prints it.
 */
gboolean
vtr_print_enqueue_poster (VtrStore            *store,
                          const VtrShopPoster *poster,
                          const char          *target,
                          GDateTime           *now,
                          gint64              *id,
                          GError             **error)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrProduct) product = NULL;
  VtrTicket *ticket;
  gboolean ok;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (poster != NULL && poster->code != NULL, FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  catalog = vtr_catalog_new (store);
  product = poster->product_id ? vtr_catalog_get_product (catalog, poster->product_id, NULL) : NULL;
  if (product)
    ticket = vtr_ticket_new_poster (catalog, product, poster->merchant_id, poster->promotion_id, poster->code,
                                    VTR_TICKET_POSTER_A4, now);
  else
    {
      /* A promotion on a whole category: the shop's own code. */
      g_autoptr(VtrMerchant) shop = vtr_catalog_get_merchant (catalog, poster->merchant_id, NULL);

      ticket = vtr_ticket_new (VTR_TICKET_POSTER_A4, "poster", poster->uuid);
      ticket->title = g_strdup (shop ? shop->name : "");
      ticket->qr = g_strdup (poster->code);
    }
  ok = vtr_print_enqueue (store, ticket, target, id, error) &&
       vtr_shop_poster_printed (store, poster->uuid, g_date_time_to_unix (now), error);
  vtr_ticket_free (ticket);
  return ok;
}

gboolean
vtr_print_enqueue (VtrStore        *store,
                   const VtrTicket *ticket,
                   const char      *target,
                   gint64          *id,
                   GError         **error)
{
  g_autofree char *json = vtr_ticket_to_json (ticket);
  g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (target, error);

  if (parsed == NULL)
    return FALSE;
  return vtr_print_job_add (store, ticket->kind, ticket->reference, target, json,
                            g_get_real_time () / G_USEC_PER_SEC, id, error);
}

/**
 * vtr_print_queue_run:
 *
 * Prints the waiting jobs, oldest first. A job leaves the queue only when
 * the printer took all of it. A printer that fails keeps its jobs waiting,
 * in order, without holding up the other printers' jobs; @error says why
 * the first one failed, in words.
 *
 * Returns: how many jobs were printed
 */
guint
vtr_print_queue_run (VtrStore *store,
                     GError  **error)
{
  g_autoptr(GPtrArray) jobs = vtr_print_job_pending (store, error);
  g_autoptr(GHashTable) failed = g_hash_table_new (g_str_hash, g_str_equal);
  guint printed = 0;

  if (jobs == NULL)
    return 0;
  for (guint i = 0; i < jobs->len; i++)
    {
      VtrPrintJob *job = g_ptr_array_index (jobs, i);
      g_autoptr(VtrPrintTarget) target = NULL;
      g_autoptr(VtrTicket) ticket = NULL;
      g_autoptr(GError) local_error = NULL;

      if (g_hash_table_contains (failed, job->target))
        continue;
      if (!(target = vtr_print_target_parse (job->target, &local_error)) ||
          !(ticket = vtr_ticket_from_json (job->ticket, &local_error)) ||
          !vtr_printer_print (target, ticket, &local_error))
        {
          vtr_print_job_fail (store, job->id, local_error->message, NULL);
          g_hash_table_add (failed, job->target);
          if (error && *error == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          continue;
        }
      if (!vtr_print_job_finish (store, job->id, g_get_real_time () / G_USEC_PER_SEC, error))
        return printed;
      printed++;
    }
  return printed;
}

/**
 * vtr_print_now:
 *
 * Queues @ticket for @target and runs the queue. Returns %TRUE when this
 * ticket came out; otherwise it stays queued and @error says why.
 */
gboolean
vtr_print_now (VtrStore        *store,
               const VtrTicket *ticket,
               const char      *target,
               GError         **error)
{
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) run_error = NULL;
  gint64 id;

  if (!vtr_print_enqueue (store, ticket, target, &id, error))
    return FALSE;
  vtr_print_queue_run (store, &run_error);
  if (!(waiting = vtr_print_job_pending (store, error)))
    return FALSE;
  for (guint i = 0; i < waiting->len; i++)
    {
      VtrPrintJob *job = g_ptr_array_index (waiting, i);

      if (job->id == id)
        {
          g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED,
                               job->last_error ? job->last_error
                                               : (run_error ? run_error->message : _("The ticket waits for the printer")));
          return FALSE;
        }
    }
  return TRUE;
}

#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-json.h"
#include "vtr-loyalty.h"
#include "vtr-orders.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-sync.h"
#include "vtr-trust.h"

/*
 * The counter's commands: merchant (staff PINs and sessions), loyalty,
 * order and outbox. loyalty and order take the staff session (--session
 * or VITRINE_SESSION) and the customer's phone.
 */

/* The counter's own options. */
static struct
{
  char   *session;
  char   *phone;
  gint64  merchant;
  char   *items;
  gint64  locker;
  char   *first_name;
  char   *amount;
  char   *products;
  char   *reason;
  char   *compartment;
  char   *locker_code;
  int     seconds;
} counter_options;

static const GOptionEntry loyalty_entries[] = {
  { "session", 0, 0, G_OPTION_ARG_STRING, &counter_options.session,
    N_("The staff session (default: VITRINE_SESSION)"), N_("TOKEN") },
  { "phone", 0, 0, G_OPTION_ARG_STRING, &counter_options.phone,
    N_("The customer’s phone number"), N_("NUMBER") },
  { "amount", 0, 0, G_OPTION_ARG_STRING, &counter_options.amount,
    N_("The purchase, in euros"), N_("EUROS") },
  { "products", 0, 0, G_OPTION_ARG_STRING, &counter_options.products,
    N_("The products bought, for points promotions"), N_("ID,…") },
  { "suffix", 0, 0, G_OPTION_ARG_STRING, &vtr_ctl_card_options.suffix,
    N_("The last characters of a lost card’s number"), N_("CHARACTERS") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &vtr_ctl_card_options.to,
    N_("The new card a lost card’s points go to (its code as scanned)"), N_("CODE") },
  { NULL }
};

static const GOptionEntry order_entries[] = {
  { "session", 0, 0, G_OPTION_ARG_STRING, &counter_options.session,
    N_("The staff session (default: VITRINE_SESSION)"), N_("TOKEN") },
  { "phone", 0, 0, G_OPTION_ARG_STRING, &counter_options.phone,
    N_("The customer’s phone number"), N_("NUMBER") },
  { "merchant", 0, 0, G_OPTION_ARG_INT64, &counter_options.merchant,
    N_("The shop"), N_("SHOP") },
  { "items", 0, 0, G_OPTION_ARG_STRING, &counter_options.items,
    N_("What is ordered"), N_("PRODUCT:QUANTITY,…") },
  { "locker", 0, 0, G_OPTION_ARG_INT64, &counter_options.locker,
    N_("Delivery to this parcel locker"), N_("LOCKER") },
  { "first-name", 0, 0, G_OPTION_ARG_STRING, &counter_options.first_name,
    N_("The customer’s first name"), N_("NAME") },
  { "reason", 0, 0, G_OPTION_ARG_STRING, &counter_options.reason,
    N_("Why the order is cancelled (the customer is told)"), N_("TEXT") },
  { "compartment", 0, 0, G_OPTION_ARG_STRING, &counter_options.compartment,
    N_("The parcel locker’s compartment the order was put in"), N_("COMPARTMENT") },
  { "locker-code", 0, 0, G_OPTION_ARG_STRING, &counter_options.locker_code,
    N_("The code that opens the compartment"), N_("CODE") },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &counter_options.seconds,
    N_("With “wait”: how long the hub may hold the request (1–20, default 20)"), N_("S") },
  { NULL }
};

/* The staff session: --session, or VITRINE_SESSION. */
static const char *
staff_session (void)
{
  return counter_options.session ? counter_options.session : g_getenv ("VITRINE_SESSION");
}

static gboolean
parse_positive_id (const char *text,
                   gint64     *id)
{
  char *end = NULL;

  *id = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *id > 0;
}

static int
command_merchant (VtrCtlOptions  *options,
                  int             argc,
                  char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *pin = NULL;
  gint64 merchant_id;
  GError *error = NULL;

  /* "admin": the kiosk's administrator, who opens its admin screen. */
  if (argc == 3 && g_str_equal (argv[2], "admin"))
    merchant_id = VTR_ADMIN_ID;
  else if (argc != 3 || !parse_positive_id (argv[2], &merchant_id))
    merchant_id = -1;
  if (merchant_id < 0 || (!g_str_equal (argv[1], "login") && !g_str_equal (argv[1], "set-pin")))
    return usage_error (_("Usage: vitrine-ctl merchant login|set-pin SHOP|admin (the PIN on standard input)"));

  pin = read_pin ();
  if (pin == NULL)
    return usage_error (_("Type the PIN on standard input"));
  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);

  if (g_str_equal (argv[1], "set-pin"))
    {
      if (!vtr_staff_set_pin (store, merchant_id, pin, &error))
        return fail (error);
      if (merchant_id == VTR_ADMIN_ID)
        g_print (_("The administrator’s PIN is set.\n"));
      else
        g_print (_("The staff PIN of shop %lld is set.\n"), (long long) merchant_id);
    }
  else
    {
      g_autofree char *token = vtr_staff_login (store, merchant_id, pin, options->when, &error);

      if (token == NULL)
        return fail (error);
      if (options->json)
        g_print ("{\"merchant_id\":%lld,\"session\":\"%s\"}\n", (long long) merchant_id, token);
      else
        g_print ("%s\n", token);
    }
  return EXIT_SUCCESS;
}

static void
print_receipt (VtrCtlOptions           *options,
               const char              *what,
               const VtrLoyaltyReceipt *receipt)
{
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "event", what);
      vtr_json_add_string (builder, "uuid", receipt->uuid);
      vtr_json_add_string (builder, "card", receipt->card_id);
      vtr_json_add_int (builder, "points", receipt->points);
      vtr_json_add_int (builder, "balance", receipt->balance);
      if (receipt->code)
        {
          vtr_json_add_string (builder, "code", receipt->code);
        }
      json_builder_end_object (builder);
      print_json (builder);
    }
  else if (receipt->code)
    g_print (_("New card %s\n%s\n"), receipt->card_id, receipt->code);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%+lld point · balance %lld\n",
                          "%+lld points · balance %lld\n", ABS (receipt->points)),
             (long long) receipt->points, (long long) receipt->balance);
}

static int
command_loyalty (VtrCtlOptions  *options,
                 int             argc,
                 char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  g_autofree char *card_id = NULL;
  const char *session = staff_session ();
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;

  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);
  keys = vtr_trust_load (store, NULL);

  if (g_str_equal (action, "enrol"))
    {
      if (argc != 2)
        return usage_error (_("Usage: vitrine-ctl loyalty enrol [--phone NUMBER]"));
      if (!vtr_loyalty_enrol (store, session, counter_options.phone, options->when, &receipt, &error))
        return fail (error);
      print_receipt (options, "enrol", &receipt);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "stock"))
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      guint added;

      if (argc != 3)
        return usage_error (_("Usage: vitrine-ctl loyalty stock FILE (signed card codes, one a line)"));
      if (!g_file_get_contents (argv[2], &contents, NULL, &error))
        return fail (error);
      lines = g_strsplit (g_strstrip (contents), "\n", -1);
      added = vtr_code_stock_add (store, VTR_CODE_CARD, (const char * const *) lines, keys,
                                  options->when, &error);
      if (error)
        return fail (error);
      if (options->json)
        g_print ("{\"added\":%u}\n", added);
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "%u blank card added.\n", "%u blank cards added.\n",
                              added),
                 added);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "find") || g_str_equal (action, "block"))
    {
      vtr_ctl_card_options.phone = &counter_options.phone;
      return vtr_ctl_loyalty_cards (options, store, session, argc, argv);
    }

  if (argc < 3)
    return usage_error (_("Usage: vitrine-ctl loyalty credit|redeem|balance CARD …"));
  if (!(card_id = vtr_loyalty_scan_card (store, argv[2], keys, options->when, &error)))
    return fail (error);

  if (g_str_equal (action, "balance") && argc == 3)
    {
      gint64 balance, pending;

      if (!vtr_loyalty_balance (store, card_id, &balance, &pending, &error))
        return fail (error);
      if (options->json)
        g_print ("{\"card\":\"%s\",\"balance\":%lld,\"pending\":%lld}\n", card_id,
                 (long long) balance, (long long) pending);
      else
        g_print (_("%lld points (%lld not yet confirmed by the federation)\n"), (long long) balance,
                 (long long) pending);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "credit") && argc == 3)
    {
      g_autoptr(GArray) products = g_array_new (FALSE, FALSE, sizeof (gint64));
      double euros;
      char *end = NULL;
      g_autofree char *amount = counter_options.amount ? g_strdup (counter_options.amount) : NULL;

      if (amount)
        g_strdelimit (amount, ",", '.');
      euros = amount ? g_ascii_strtod (amount, &end) : 0;
      if (amount == NULL || end == amount || *end != '\0')
        return usage_error (_("Say the amount of the purchase with --amount, such as --amount 12.50"));
      if (counter_options.products)
        {
          g_auto(GStrv) ids = g_strsplit (counter_options.products, ",", -1);

          for (guint i = 0; ids[i]; i++)
            {
              gint64 id;

              if (!parse_positive_id (g_strstrip (ids[i]), &id))
                return usage_error (_("--products takes product numbers separated by commas"));
              g_array_append_val (products, id);
            }
        }
      if (!vtr_loyalty_credit (store, session, card_id, (gint64) (euros * 100 + 0.5),
                               (const gint64 *) products->data, products->len, options->when,
                               &receipt, &error))
        return fail (error);
      print_receipt (options, "credit", &receipt);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "redeem") && argc == 4)
    {
      gint64 reward;

      if (!parse_positive_id (argv[3], &reward))
        return usage_error (_("Usage: vitrine-ctl loyalty redeem CARD REWARD"));
      if (!vtr_loyalty_redeem (store, session, card_id, reward, options->when, &receipt, &error))
        return fail (error);
      print_receipt (options, "redeem", &receipt);
      return EXIT_SUCCESS;
    }

  return usage_error (_("Usage: vitrine-ctl loyalty credit|redeem|balance CARD …"));
}

static void
print_order (VtrCtlOptions  *options,
             const VtrOrder *order)
{
  g_autofree char *total = vtr_price_format (order->total_cents);

  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", order->uuid);
      vtr_json_add_string (builder, "number", order->number);
      vtr_json_add_string (builder, "state", vtr_order_state_to_string (order->state));
      vtr_json_add_int (builder, "merchant_id", order->merchant_id);
      vtr_json_add_int (builder, "locker_id", order->locker_id);
      vtr_json_add_string (builder, "first_name", order->first_name);
      vtr_json_add_int (builder, "total_cents", order->total_cents);
      vtr_json_add_string (builder, "pickup_code", order->pickup_code && *order->pickup_code
                                                     ? order->pickup_code : NULL);
      vtr_json_add_string (builder, "delivery", order->locker_id > 0 ? "locker" : "shop");
      vtr_json_add_string (builder, "reason", order->reason);
      vtr_json_add_string (builder, "locker_compartment", order->locker_compartment);
      vtr_json_add_string (builder, "locker_code", order->locker_code);
      vtr_json_add_string (builder, "refusal", order->refusal);
      if (order->lines && order->lines->len)
        {
          json_builder_set_member_name (builder, "lines");
          json_builder_begin_array (builder);
          for (guint i = 0; i < order->lines->len; i++)
            {
              const VtrOrderLine *line = &g_array_index (order->lines, VtrOrderLine, i);

              json_builder_begin_object (builder);
              vtr_json_add_int (builder, "product", line->product_id);
              vtr_json_add_int (builder, "quantity", line->quantity);
              vtr_json_add_int (builder, "price_cents", line->price_cents);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_print (_("Order %s · %s · shop %lld · %s · %s\n"), order->number,
               vtr_order_state_to_string (order->state), (long long) order->merchant_id,
               order->first_name, total);
      if (order->refusal)
        g_print (_("  The hub refused the last step: %s\n"), _(order->refusal));
    }
}

/* An order's next step at the counter, by its number. */
static int
order_step (VtrCtlOptions *options,
            VtrStore      *store,
            const char    *session,
            const char    *action,
            const char    *number)
{
  g_autoptr(VtrOrder) order = NULL;
  GError *error = NULL;
  gboolean ok;

  if (g_str_equal (action, "accept"))
    ok = vtr_order_advance (store, session, number, VTR_ORDER_ACCEPTED, options->when, &error);
  else if (g_str_equal (action, "ready"))
    ok = vtr_order_advance (store, session, number, VTR_ORDER_READY, options->when, &error);
  else if (g_str_equal (action, "refuse"))
    ok = vtr_order_advance (store, session, number, VTR_ORDER_REFUSED, options->when, &error);
  else if (g_str_equal (action, "cancel"))
    ok = vtr_order_cancel (store, session, number, counter_options.reason, options->when, &error);
  else
    ok = vtr_order_deposit (store, session, number, counter_options.compartment, counter_options.locker_code,
                            options->when, &error);
  if (!ok || !(order = vtr_order_get (store, number, &error)))
    return fail (error);
  print_order (options, order);
  return EXIT_SUCCESS;
}

static int
command_order (VtrCtlOptions  *options,
               int             argc,
               char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  const char *session = staff_session ();
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;

  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);

  if (g_str_equal (action, "create") && argc == 2)
    {
      g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
      g_auto(GStrv) items = counter_options.items ? g_strsplit (counter_options.items, ",", -1) : NULL;
      g_autoptr(VtrOrder) order = NULL;

      if (counter_options.merchant <= 0 || items == NULL)
        return usage_error (_("Usage: vitrine-ctl order create --merchant SHOP --items PRODUCT:QUANTITY,… "
                              "--first-name NAME --phone NUMBER [--locker LOCKER]"));
      for (guint i = 0; items[i]; i++)
        {
          VtrOrderLine line = { 0, 1, 0 };
          g_auto(GStrv) parts = g_strsplit (items[i], ":", 2);

          if (!parse_positive_id (parts[0], &line.product_id) ||
              (parts[1] && (line.quantity = atoi (parts[1])) <= 0))
            return usage_error (_("--items takes PRODUCT:QUANTITY pairs separated by commas"));
          g_array_append_val (lines, line);
        }
      order = vtr_order_create (store, counter_options.merchant, (const VtrOrderLine *) lines->data,
                                lines->len, counter_options.locker, counter_options.first_name, counter_options.phone,
                                options->when, &error);
      if (order == NULL)
        return fail (error);
      print_order (options, order);
      if (!options->json)
        g_print ("%s\n", order->pickup_code);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "list") && argc == 2)
    {
      g_autoptr(GPtrArray) orders = vtr_order_list (store, counter_options.merchant, &error);

      if (orders == NULL)
        return fail (error);
      for (guint i = 0; i < orders->len; i++)
        print_order (options, g_ptr_array_index (orders, i));
      return EXIT_SUCCESS;
    }

  if ((g_str_equal (action, "accept") || g_str_equal (action, "ready") || g_str_equal (action, "refuse") ||
       g_str_equal (action, "cancel") || g_str_equal (action, "deposit")) && argc == 3)
    return order_step (options, store, session, action, argv[2]);

  /* A long-poll of the hub's orders: returns when one comes for this
   * device (a shop's new order, a placed order's new state) or after
   * --seconds with none. */
  if (g_str_equal (action, "wait") && argc == 2)
    {
      g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);
      VtrSyncReport report = { 0 };

      if (client == NULL ||
          !vtr_sync_client_wait_orders (client, counter_options.seconds > 0 ? counter_options.seconds : 20,
                                        &report, NULL, &error))
        return fail (error);
      if (options->json)
        g_print ("{\"orders_new\":%u,\"orders_changed\":%u}\n", report.orders_new, report.orders_changed);
      else
        g_print (_("Orders: %u new, %u changed by the hub.\n"), report.orders_new, report.orders_changed);
      return EXIT_SUCCESS;
    }

  /* By number, or by the customer's pickup code as scanned: where the
   * order is, with no staff session (a customer at a street kiosk). */
  if (g_str_equal (action, "show") && argc == 3)
    {
      g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);
      g_autoptr(VtrOrder) order = NULL;
      g_autofree char *where = NULL;

      if (g_ascii_strncasecmp (argv[2], "HTTPS://", 8) == 0)
        {
          g_autoptr(VtrOrder) found = vtr_order_find_pickup (store, argv[2], keys, options->when, &error);

          if (found)
            order = vtr_order_get (store, found->number, &error);
        }
      else
        order = vtr_order_get (store, argv[2], &error);
      if (order == NULL)
        return fail (error);
      print_order (options, order);
      if (!options->json)
        {
          where = vtr_order_describe_state (order);
          g_print ("%s\n", where);
        }
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "advance") && argc == 4)
    {
      VtrOrderState state;

      if (!vtr_order_state_from_string (argv[3], &state))
        return usage_error (_("The state is one of accepted, ready, cancelled, refused"));
      if (!vtr_order_advance (store, session, argv[2], state, options->when, &error))
        return fail (error);
      g_print (_("Order %s is %s.\n"), argv[2], argv[3]);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "collect") && argc == 3)
    {
      g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);
      g_autoptr(VtrOrder) order = vtr_order_collect (store, session, argv[2], keys, options->when,
                                                     &error);

      if (order == NULL)
        return fail (error);
      print_order (options, order);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "stock") && argc == 3)
    {
      g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      guint added;

      if (!g_file_get_contents (argv[2], &contents, NULL, &error))
        return fail (error);
      lines = g_strsplit (g_strstrip (contents), "\n", -1);
      added = vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char * const *) lines, keys,
                                  options->when, &error);
      if (error)
        return fail (error);
      if (options->json)
        g_print ("{\"added\":%u}\n", added);
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "%u order number added.\n",
                              "%u order numbers added.\n", added),
                 added);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "forget") || g_str_equal (action, "forget-expired"))
    return vtr_ctl_order_forget (options, store, session, argc, argv);

  return usage_error (_("Usage: vitrine-ctl order create|list|show ORDER|accept ORDER|ready ORDER|"
                        "cancel ORDER --reason TEXT|deposit ORDER --compartment C --locker-code CODE|"
                        "advance ORDER STATE|collect PICKUP-CODE|stock FILE|forget ORDER|forget-expired|"
                        "wait [--seconds S]"));
}

static int
command_outbox (VtrCtlOptions  *options,
                int             argc,
                char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  if (argc != 1)
    return usage_error (_("outbox takes no argument besides its options"));
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(entries = vtr_outbox_pending (store, options->limit, &error)))
    return fail (error);

  for (guint i = 0; i < entries->len; i++)
    {
      VtrOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (options->json)
        g_print ("{\"uuid\":\"%s\",\"kind\":\"%s\",\"created\":%lld,\"payload\":%s}\n", entry->uuid,
                 entry->kind, (long long) entry->created, entry->payload);
      else
        g_print ("%s  %-7s %s\n", entry->uuid, entry->kind, entry->payload);
    }
  if (!options->json && entries->len == 0)
    g_print (_("Nothing waiting for the federation.\n"));
  return EXIT_SUCCESS;
}

const VtrCtlCommand vtr_ctl_merchant = {
  "merchant", N_("login|set-pin SHOP"), N_("Open a staff session with the shop’s PIN (on standard input)"),
  0, NULL, command_merchant
};

const VtrCtlCommand vtr_ctl_loyalty = {
  "loyalty", N_("credit|redeem|balance|enrol|stock|find|block …"), N_("Loyalty points of a card"),
  0, loyalty_entries, command_loyalty
};

const VtrCtlCommand vtr_ctl_order = {
  "order", N_("create|list|show|accept|ready|cancel|deposit|collect|stock|forget|wait …"),
  N_("Orders for click and collect"),
  0, order_entries, command_order
};

const VtrCtlCommand vtr_ctl_outbox = {
  "outbox", "", N_("Events waiting for the federation’s acknowledgement"),
  VTR_CTL_LIMIT, NULL, command_outbox
};

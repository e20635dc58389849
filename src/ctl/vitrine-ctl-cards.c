#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vtr-json.h"
#include "vtr-sync-cards.h"
#include "vtr-trust.h"

/*
 * Lost cards at the counter: `vitrine-ctl loyalty find --phone NUMBER |
 * --suffix CHARACTERS` and `vitrine-ctl loyalty block OLD --to NEW-CODE`
 * (the staff session as for every loyalty command).
 */

VtrCtlCardOptions vtr_ctl_card_options;

static void
print_matches (VtrCtlOptions *options,
               GPtrArray     *matches,
               gboolean       asked_hub)
{
  gboolean more = matches->len > VTR_CARD_FIND_MAX;

  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cards");
      json_builder_begin_array (builder);
      for (guint i = 0; i < MIN (matches->len, VTR_CARD_FIND_MAX); i++)
        {
          VtrCardMatch *match = g_ptr_array_index (matches, i);

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "card", match->card_id);
          vtr_json_add_int (builder, "balance", match->balance);
          vtr_json_add_boolean (builder, "blocked", match->blocked);
          vtr_json_add_boolean (builder, "from_hub", match->from_hub);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      vtr_json_add_boolean (builder, "more", more);
      vtr_json_add_boolean (builder, "asked_hub", asked_hub);
      json_builder_end_object (builder);
      print_json (builder);
      return;
    }
  for (guint i = 0; i < MIN (matches->len, VTR_CARD_FIND_MAX); i++)
    {
      VtrCardMatch *match = g_ptr_array_index (matches, i);

      if (match->blocked)
        g_print (_("%s · blocked (declared lost)\n"), match->card_id);
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "%s · %lld point\n", "%s · %lld points\n",
                              ABS (match->balance)),
                 match->card_id, (long long) match->balance);
    }
  if (matches->len == 0)
    g_print (_("No card found.\n"));
  if (more)
    g_print (_("More cards match: type more characters.\n"));
  if (!asked_hub)
    g_print (_("The hub was not asked (not paired, offline, or a phone number): only the cards "
               "this device knows were searched.\n"));
}

int
vtr_ctl_loyalty_cards (VtrCtlOptions *options,
                       VtrStore      *store,
                       const char    *session,
                       int            argc,
                       char         **argv)
{
  const char *action = argv[1];
  GError *error = NULL;

  if (g_str_equal (action, "find"))
    {
      g_autoptr(GPtrArray) matches = NULL;
      gboolean asked_hub = FALSE;
      const char *phone = vtr_ctl_card_options.phone ? *vtr_ctl_card_options.phone : NULL;

      if (argc != 2 || (!phone == !vtr_ctl_card_options.suffix))
        return usage_error (_("Usage: vitrine-ctl loyalty find --phone NUMBER | --suffix CHARACTERS"));
      if (!(matches = vtr_sync_find_cards (store, phone, vtr_ctl_card_options.suffix, &asked_hub, NULL,
                                           &error)))
        return fail (error);
      print_matches (options, matches, asked_hub);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "block"))
    {
      g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);
      g_autoptr(GPtrArray) matches = NULL;
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      gint64 hub_balance = -1;

      if (argc != 3 || vtr_ctl_card_options.to == NULL)
        return usage_error (_("Usage: vitrine-ctl loyalty block OLD-CARD --to NEW-CARD-CODE"));
      /* The hub's balance of the lost card, when it answers. */
      matches = vtr_sync_find_cards (store, NULL, argv[2], NULL, NULL, NULL);
      for (guint i = 0; matches && i < matches->len; i++)
        {
          VtrCardMatch *match = g_ptr_array_index (matches, i);

          if (g_str_equal (match->card_id, argv[2]) && match->from_hub)
            hub_balance = match->balance;
        }
      if (!vtr_card_transfer (store, session, argv[2], vtr_ctl_card_options.to, hub_balance, keys,
                              options->when, &receipt, &error))
        return fail (error);
      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "event", "transfer");
          vtr_json_add_string (builder, "uuid", receipt.uuid);
          vtr_json_add_string (builder, "blocked", argv[2]);
          vtr_json_add_string (builder, "card", receipt.card_id);
          vtr_json_add_int (builder, "points", receipt.points);
          vtr_json_add_int (builder, "balance", receipt.balance);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "Card %s is blocked; %lld point moved to the new card %s (balance %lld).\n",
                              "Card %s is blocked; %lld points moved to the new card %s (balance %lld).\n",
                              ABS (receipt.points)),
                 argv[2], (long long) receipt.points, receipt.card_id, (long long) receipt.balance);
      return EXIT_SUCCESS;
    }
  return usage_error (_("Usage: vitrine-ctl loyalty credit|redeem|balance CARD …"));
}

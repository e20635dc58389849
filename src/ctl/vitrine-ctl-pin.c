#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-json.h"
#include "vtr-staff.h"
#include "vtr-staff-pin.h"
#include "vtr-sync-state.h"
#include "vtr-trust.h"

/*
 * pin: the PINs of the kiosk without a terminal, as the app sets them
 * (vtr-staff-pin.c). PINs are read on standard input, one a line, never
 * on the command line where other users of the machine could see them:
 *
 *   pin status                      which PINs are set
 *   pin set SHOP|admin              a first PIN (new, new)
 *   pin change SHOP|admin           old, new, new
 *   pin reset CODE                  new, new, with the federation's reset code
 */

static gboolean
parse_whose (const char *text,
             gint64     *merchant_id)
{
  char *end = NULL;

  if (g_str_equal (text, "admin"))
    {
      *merchant_id = VTR_ADMIN_ID;
      return TRUE;
    }
  *merchant_id = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *merchant_id > 0;
}

static void
print_done (VtrCtlOptions *options,
            const char    *what,
            gint64         merchant_id)
{
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_boolean (builder, "ok", TRUE);
      vtr_json_add_string (builder, "action", what);
      vtr_json_add_string (builder, "pin", merchant_id == VTR_ADMIN_ID ? "admin" : "shop");
      if (merchant_id != VTR_ADMIN_ID)
        vtr_json_add_int (builder, "merchant", merchant_id);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else if (merchant_id == VTR_ADMIN_ID)
    g_print (_("The administrator’s PIN is set.\n"));
  else
    g_print (_("The staff PIN of shop %lld is set.\n"), (long long) merchant_id);
}

static int
pin_status (VtrCtlOptions *options,
            VtrStore      *store)
{
  g_autoptr(VtrHubLink) link = NULL;
  GError *error = NULL;
  gboolean admin = FALSE, shop = FALSE;

  link = vtr_sync_state_load_link (store, &error);
  if (error)
    return fail (error);
  if (!vtr_staff_has_pin (store, VTR_ADMIN_ID, &admin, &error) ||
      (link && link->merchant_id && !vtr_staff_has_pin (store, link->merchant_id, &shop, &error)))
    return fail (error);
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_boolean (builder, "admin_pin", admin);
      if (link)
        {
          vtr_json_add_int (builder, "device", link->device_id);
          if (link->merchant_id)
            {
              vtr_json_add_int (builder, "merchant", link->merchant_id);
              vtr_json_add_boolean (builder, "shop_pin", shop);
            }
        }
      json_builder_end_object (builder);
      print_json (builder);
      return EXIT_SUCCESS;
    }
  g_print ("%s\n", admin ? _("Administrator’s PIN: set.") : _("Administrator’s PIN: not set."));
  if (link && link->merchant_id)
    {
      if (shop)
        g_print (_("Staff PIN of shop %lld: set.\n"), (long long) link->merchant_id);
      else
        g_print (_("Staff PIN of shop %lld: not set yet: choose it with “vitrine-ctl pin set %lld”.\n"),
                 (long long) link->merchant_id, (long long) link->merchant_id);
    }
  return EXIT_SUCCESS;
}

static int
command_pin (VtrCtlOptions  *options,
             int             argc,
             char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *old_pin = NULL;
  g_autofree char *new_pin = NULL;
  g_autofree char *again = NULL;
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;
  gint64 merchant_id = -1;

  if (!(g_str_equal (action, "status") && argc == 2) &&
      !((g_str_equal (action, "set") || g_str_equal (action, "change")) && argc == 3 &&
        parse_whose (argv[2], &merchant_id)) &&
      !(g_str_equal (action, "reset") && argc == 3))
    return usage_error (_("Usage: vitrine-ctl pin status | set SHOP|admin | change SHOP|admin | reset CODE "
                          "(the PINs on standard input, one a line)"));
  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);
  if (g_str_equal (action, "status"))
    return pin_status (options, store);

  if (g_str_equal (action, "change") && !(old_pin = read_pin ()))
    return usage_error (_("Type the old PIN, then the new one twice, one a line on standard input"));
  if (!(new_pin = read_pin ()) || !(again = read_pin ()))
    return usage_error (_("Type the new PIN twice, one a line on standard input"));
  if (!vtr_staff_pins_match (new_pin, again, &error))
    return fail (error);

  if (g_str_equal (action, "set"))
    {
      if (!vtr_staff_set_first_pin (store, merchant_id, new_pin, &error))
        return fail (error);
    }
  else if (g_str_equal (action, "change"))
    {
      if (!vtr_staff_change_pin (store, merchant_id, old_pin, new_pin, options->when, &error))
        return fail (error);
    }
  else
    {
      g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);
      g_autoptr(GDateTime) now = g_date_time_to_utc (options->when);

      if (!vtr_staff_reset_pin (store, argv[2], keys, new_pin, now, &merchant_id, &error))
        return fail (error);
    }
  print_done (options, action, merchant_id);
  return EXIT_SUCCESS;
}

const VtrCtlCommand vtr_ctl_pin = {
  "pin", N_("status|set|change|reset …"),
  N_("The administrator’s and the shop’s PINs: set, change, reset with the federation’s code"),
  0, NULL, command_pin
};

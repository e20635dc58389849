#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vtr-code-stock.h"
#include "vtr-json.h"
#include "vtr-release.h"
#include "vtr-opening-hours.h"
#include "vtr-outbox.h"
#include "vtr-sync-state.h"
#include "vtr-sync.h"

/*
 * The federation's commands: pair (with the hub), sync (events up, the
 * catalogue's changes down) and status.
 */

/* pair's and sync's own options. */
static struct
{
  char     *hub;
  gboolean  watch;
} sync_options;

static const GOptionEntry pair_entries[] = {
  { "hub", 0, 0, G_OPTION_ARG_STRING, &sync_options.hub,
    N_("The hub’s address, when it is not the code’s (default: VITRINE_HUB_URL)"), N_("URL") },
  { NULL }
};

static const GOptionEntry sync_entries[] = {
  { "watch", 0, 0, G_OPTION_ARG_NONE, &sync_options.watch,
    N_("Keep syncing: every 30 s, retrying with growing delays when the hub cannot be reached"), NULL },
  { NULL }
};

static int
command_pair (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrHubLink) link = NULL;
  GError *error = NULL;

  if (argc != 2)
    return usage_error (_("Usage: vitrine-ctl pair CODE (the pairing code, as scanned)"));
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(link = vtr_sync_pair (store, argv[1], sync_options.hub ? sync_options.hub : g_getenv ("VITRINE_HUB_URL"),
                              &error)))
    return fail (error);
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "hub", link->url);
      vtr_json_add_int (builder, "device", link->device_id);
      vtr_json_add_string (builder, "name", link->device_name);
      if (link->merchant_id)
        vtr_json_add_int (builder, "merchant", link->merchant_id);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Paired with %s as “%s”. Run “vitrine-ctl sync” to download the catalogue.\n"),
             link->url, link->device_name);
  return EXIT_SUCCESS;
}

static void
print_report (VtrCtlOptions       *options,
              const VtrSyncReport *report,
              const GError        *error)
{
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_boolean (builder, "ok", error == NULL);
      if (error)
        vtr_json_add_string (builder, "error", error->message);
      vtr_json_add_int (builder, "pages", report->pages);
      vtr_json_add_int (builder, "rows", report->rows);
      vtr_json_add_int (builder, "deleted", report->deleted);
      vtr_json_add_int (builder, "sent", report->sent);
      vtr_json_add_int (builder, "accepted", report->accepted);
      vtr_json_add_int (builder, "duplicates", report->duplicates);
      vtr_json_add_int (builder, "rejected", report->rejected);
      vtr_json_add_int (builder, "cards", report->cards);
      vtr_json_add_int (builder, "card_errors", report->card_errors);
      vtr_json_add_int (builder, "orders_new", report->orders_new);
      vtr_json_add_int (builder, "orders_changed", report->orders_changed);
      vtr_json_add_int (builder, "pickup_codes", report->pickup_codes);
      vtr_json_add_int (builder, "blank_cards", report->blank_cards);
      vtr_json_add_int (builder, "stock_errors", report->stock_errors);
      vtr_json_add_int (builder, "tiles_fetched", report->tiles_fetched);
      vtr_json_add_int (builder, "tiles_unchanged", report->tiles_unchanged);
      vtr_json_add_int (builder, "tiles_bytes", (gint64) report->tiles_bytes);
      vtr_json_add_int (builder, "tiles_kept", report->tiles_kept);
      vtr_json_add_int (builder, "poster_scans", report->poster_scans);
      json_builder_end_object (builder);
      print_json (builder);
      return;
    }
  if (error)
    g_printerr ("vitrine-ctl: %s\n", error->message);
  else
    g_print (_("Synced: %u rows updated and %u removed in %u pages; %u events sent (%u new, %u "
               "already there, %u refused).\n"),
             report->rows, report->deleted, report->pages, report->accepted + report->duplicates +
             report->rejected, report->accepted, report->duplicates, report->rejected);
  if (!error && (report->pickup_codes || report->blank_cards))
    g_print (_("Stock refilled: order numbers: +%u · blank cards: +%u\n"), report->pickup_codes,
             report->blank_cards);
  if (!error && (report->orders_new || report->orders_changed))
    g_print (_("Orders: %u new, %u changed by the hub.\n"), report->orders_new, report->orders_changed);
  /* (tiles) The map kept offline. */
  if (!error && report->tiles_kept)
    g_print (_("Map: %u tiles kept offline, %u new or changed (%u KB).\n"), report->tiles_kept,
             report->tiles_fetched, (guint) (report->tiles_bytes / 1000));
}

static int
command_sync (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrSyncClient) client = NULL;
  GError *error = NULL;
  guint failures = 0;
  guint interval = 30;
  const char *env = g_getenv ("VITRINE_SYNC_INTERVAL");

  if (argc != 1)
    return usage_error (_("sync takes no argument besides its options"));
  if (env)
    interval = CLAMP (atoi (env), 1, 86400);
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(client = vtr_sync_client_new (store, &error)))
    return fail (error);

  for (;;)
    {
      VtrSyncReport report = { 0 };
      g_autoptr(GError) local_error = NULL;
      gboolean ok = vtr_sync_client_run (client, &report, NULL, &local_error);
      guint delay;

      if (!sync_options.watch)
        {
          print_report (options, &report, local_error);
          return ok ? EXIT_SUCCESS : EXIT_FAILURE;
        }
      /* Watching: report only what changed or went wrong. */
      if (!ok || report.rows || report.deleted || report.sent || report.pickup_codes || report.blank_cards)
        print_report (options, &report, local_error);
      failures = ok ? 0 : failures + 1;
      delay = ok ? interval : vtr_sync_retry_delay (failures, MIN (interval, 5), VTR_SYNC_RETRY_MAX_SECONDS);
      g_usleep ((gulong) delay * G_USEC_PER_SEC);
    }
}

static char *
format_when (gint64 when)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) time = NULL;

  if (when == 0)
    return g_strdup (_("never"));
  utc = g_date_time_new_from_unix_utc (when);
  time = g_date_time_to_timezone (utc, vtr_opening_hours_timezone ());
  return g_date_time_format (time, "%d/%m/%Y %H:%M");
}

static int
command_status (VtrCtlOptions  *options,
                int             argc,
                char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrSyncStatus) status = NULL;
  GError *error = NULL;
  gint64 now = g_date_time_to_unix (options->when);
  gint64 pickup_left, cards_left;
  gboolean stock_warning;
  g_autofree char *release = NULL;
  g_autofree char *old_version = NULL;

  if (argc != 1)
    return usage_error (_("status takes no argument besides its options"));
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(status = vtr_sync_state_status (store, &error)))
    return fail (error);
  if (!vtr_code_stock_count (store, VTR_CODE_PICKUP, &pickup_left, &error) ||
      !vtr_code_stock_count (store, VTR_CODE_CARD, &cards_left, &error))
    return fail (error);
  release = vtr_release_get_current (store, NULL);
  old_version = vtr_release_describe (PACKAGE_VERSION, release);
  /* Low, and the last sync could not refill it. */
  stock_warning = (pickup_left < VTR_CODE_STOCK_LOW || cards_left < VTR_CODE_STOCK_LOW) &&
                  (!status->paired || status->last_error != NULL);

  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_boolean (builder, "paired", status->paired);
      if (status->paired)
        {
          vtr_json_add_string (builder, "hub", status->hub_url);
          vtr_json_add_string (builder, "device", status->device_name);
        }
      if (status->last_success)
        {
          vtr_json_add_int (builder, "last_success", status->last_success);
          vtr_json_add_int (builder, "age_seconds", MAX (0, now - status->last_success));
        }
      if (status->last_attempt)
        vtr_json_add_int (builder, "last_attempt", status->last_attempt);
      if (status->last_error)
        vtr_json_add_string (builder, "last_error", status->last_error);
      vtr_json_add_int (builder, "pending_events", status->pending);
      vtr_json_add_int (builder, "rejected_events", status->rejected);
      vtr_json_add_int (builder, "cursor", status->cursor);
      vtr_json_add_int (builder, "pickup_codes", pickup_left);
      vtr_json_add_int (builder, "blank_cards", cards_left);
      vtr_json_add_int (builder, "stock_low_mark", VTR_CODE_STOCK_LOW);
      vtr_json_add_boolean (builder, "stock_warning", stock_warning);
      vtr_json_add_string (builder, "version", PACKAGE_VERSION);
      if (release)
        vtr_json_add_string (builder, "current_release", release);
      vtr_json_add_boolean (builder, "old_version", old_version != NULL);
      json_builder_end_object (builder);
      print_json (builder);
      return EXIT_SUCCESS;
    }

  if (!status->paired)
    g_print (_("Not paired with a hub: scan the pairing code the federation gave you.\n"));
  else
    {
      g_autofree char *success = format_when (status->last_success);

      g_print (_("Hub: %s (this kiosk: “%s”)\n"), status->hub_url, status->device_name);
      g_print (_("Data from the hub as of: %s\n"), success);
      if (status->last_error)
        g_print (_("Last attempt failed: %s\n"), status->last_error);
    }
  g_print (ngettext ("%lld event waiting to be sent.\n", "%lld events waiting to be sent.\n",
                     status->pending),
           (long long) status->pending);
  if (status->rejected)
    g_print (ngettext ("%lld event refused by the hub, kept on this kiosk.\n",
                       "%lld events refused by the hub, kept on this kiosk.\n", status->rejected),
             (long long) status->rejected);
  g_print (_("Stock: order numbers: %lld · blank cards: %lld (refilled by sync below %d)\n"),
           (long long) pickup_left, (long long) cards_left, VTR_CODE_STOCK_LOW);
  if (old_version)
    g_print ("%s\n", old_version);
  if (stock_warning)
    g_print (_("Warning: the stock is low and the hub could not be reached: orders or enrolments "
               "will stop when it runs out. Check the network.\n"));
  return EXIT_SUCCESS;
}

const VtrCtlCommand vtr_ctl_pair = {
  "pair", N_("CODE"), N_("Pair this kiosk with the federation’s hub (the scanned pairing code)"),
  0, pair_entries, command_pair
};

const VtrCtlCommand vtr_ctl_sync = {
  "sync", "", N_("Send the kiosk’s events to the hub and download the catalogue’s changes"),
  0, sync_entries, command_sync
};

const VtrCtlCommand vtr_ctl_status = {
  "status", "", N_("The hub, how fresh the data is, events waiting"),
  0, NULL, command_status
};

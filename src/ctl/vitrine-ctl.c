#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-i18n.h"
#include "vtr-json.h"
#include "vtr-opening-hours.h"
#include "vtr-store.h"

/*
 * vitrine-ctl: the kiosk's core from the command line. Every command takes
 * --data-dir; queries print text for people, or with --json one JSON object
 * a line for programs. Exit status: 0 done, 1 failed, 2 wrong usage.
 *
 * This file parses the options every command shares and dispatches; each
 * group of commands is a file of its own with its options (vitrine-ctl.h).
 */

/* In the order of the help. */
static const VtrCtlCommand * const commands[] = {
  &vtr_ctl_stockists,
  &vtr_ctl_search,
  &vtr_ctl_near,
  &vtr_ctl_promotions,
  &vtr_ctl_collect,
  &vtr_ctl_scan,
  &vtr_ctl_code,
  &vtr_ctl_keys,
  &vtr_ctl_merchant,
  &vtr_ctl_pin,
  &vtr_ctl_loyalty,
  &vtr_ctl_order,
  &vtr_ctl_outbox,
  &vtr_ctl_shop,
  &vtr_ctl_demo,
  &vtr_ctl_pair,
  &vtr_ctl_sync,
  &vtr_ctl_status,
  &vtr_ctl_print,
  &vtr_ctl_printer,
};

static void
options_clear (VtrCtlOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->near, g_free);
  g_clear_pointer (&options->at, g_free);
  g_clear_pointer (&options->when, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrCtlOptions, options_clear)

int
fail (GError *error)
{
  g_printerr ("vitrine-ctl: %s\n", error->message);
  g_error_free (error);
  return EXIT_FAILURE;
}

int
usage_error (const char *message)
{
  g_printerr ("vitrine-ctl: %s\n", message);
  return EXIT_USAGE;
}

VtrCatalog *
open_catalog (VtrCtlOptions  *options,
              GError        **error)
{
  g_autoptr(VtrStore) store = vtr_store_open (options->data_dir, error);
  const char * const *notices;

  if (store == NULL)
    return NULL;

  notices = vtr_store_get_notices (store);
  for (guint i = 0; notices[i]; i++)
    g_printerr ("vitrine-ctl: %s\n", notices[i]);

  return vtr_catalog_new (store);
}

void
print_json (JsonBuilder *builder)
{
  g_autofree char *text = vtr_json_builder_to_data (builder, FALSE);

  g_print ("%s\n", text);
}

/* A PIN (or a reset code) typed on standard input, one a line, never on
 * the command line (where other users of the machine could see it);
 * %NULL at the end of the input. */
char *
read_pin (void)
{
  char line[64];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

static void
print_usage (void)
{
  g_print ("%s\n  vitrine-ctl %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-11s %s\n", commands[i]->name, _(commands[i]->summary));
  g_print ("\n%s\n", _("Run “vitrine-ctl COMMAND --help” for the options of a command."));
}

/* ISO 8601, forgiving what people type: "2026-07-14 10:30" means
 * 10:30:00 in Marseille. */
static GDateTime *
parse_time (const char *text)
{
  g_autofree char *iso = g_strdup (text);
  GDateTime *time;
  char *space = strchr (iso, ' ');

  if (space)
    *space = 'T';
  time = g_date_time_new_from_iso8601 (iso, vtr_opening_hours_timezone ());
  if (time == NULL && strlen (iso) == strlen ("2026-07-14T10:30"))
    {
      g_autofree char *with_seconds = g_strconcat (iso, ":00", NULL);
      time = g_date_time_new_from_iso8601 (with_seconds, vtr_opening_hours_timezone ());
    }
  return time;
}

static int
run_command (const VtrCtlCommand  *command,
             int                  argc,
             char               **argv)
{
  g_auto(VtrCtlOptions) options = { .limit = 10 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parameter = NULL;
  GOptionEntry entries[40];
  guint n = 0;

  entries[n++] = (GOptionEntry) { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.data_dir,
                                  N_("Folder of Vitrine’s data"), N_("DIR") };
  entries[n++] = (GOptionEntry) { "at", 0, 0, G_OPTION_ARG_STRING, &options.at,
                                  N_("Date and time for opening hours and promotions (ISO 8601, "
                                     "default now)"), N_("TIME") };
  if (command->flags & (VTR_CTL_NEEDS_NEAR | VTR_CTL_NEAR_OPTIONAL))
    entries[n++] = (GOptionEntry) { "near", 0, 0, G_OPTION_ARG_STRING, &options.near,
                                    N_("Where the shopper is, in degrees"), N_("LAT,LON") };
  if (command->flags & VTR_CTL_LIMIT)
    entries[n++] = (GOptionEntry) { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit,
                                    N_("How many results at most (default 10)"), N_("N") };
  if (command->flags & VTR_CTL_OPEN_NOW)
    entries[n++] = (GOptionEntry) { "open-now", 0, 0, G_OPTION_ARG_NONE, &options.open_now,
                                    N_("Only shops open now"), NULL };
  for (const GOptionEntry *own = command->entries; own && own->long_name; own++)
    {
      g_assert (n < G_N_ELEMENTS (entries) - 2);
      entries[n++] = *own;
    }
  if (!(command->flags & VTR_CTL_NO_JSON))
    entries[n++] = (GOptionEntry) { "json", 0, 0, G_OPTION_ARG_NONE, &options.json,
                                    N_("One JSON object a line"), NULL };
  entries[n] = (GOptionEntry) { NULL };

  parameter = g_strdup_printf ("%s %s", command->name, command->args[0] ? _(command->args) : "");
  context = g_option_context_new (parameter);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if ((command->flags & VTR_CTL_NEEDS_NEAR) && options.near == NULL)
    return usage_error (_("Say where the shopper is with --near LAT,LON (the Vieux-Port is "
                          "--near 43.2951,5.3744)"));
  if (options.near && !vtr_position_parse (options.near, &options.position, &error))
    return usage_error (error->message);
  if (options.limit <= 0 || options.limit > 1000)
    return usage_error (_("--limit must be between 1 and 1000"));

  if (options.at)
    {
      options.when = parse_time (options.at);
      if (options.when == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a date and time such as "
                                                        "2026-07-14T10:30"),
                                                      options.at);
          return usage_error (message);
        }
    }
  else
    options.when = g_date_time_new_now (vtr_opening_hours_timezone ());

  /* argv[0] is the command name, the rest its arguments. */
  return command->func (&options, argc, argv);
}

int
main (int   argc,
      char *argv[])
{
  vtr_i18n_init ();
  g_set_prgname ("vitrine-ctl");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage ();
      return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i]->name))
      return run_command (commands[i], argc - 1, argv + 1);

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”. Run “vitrine-ctl --help” "
                                                  "for the list."),
                                                argv[1]);
    return usage_error (message);
  }
}

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vtr-hub-backend.h"
#include "vtr-hub-sms.h"
#include "vtr-json.h"

/*
 * vitrine-hub's commands for telling customers and their personal data:
 *
 *   sms test NUMBER        one message through the gateway of sms.conf
 *   sms list               the last messages and what became of them
 *   privacy erase-expired  erase now what the serving hub erases hourly
 *
 * on either backend (--database: PostgreSQL's outbox and orders).
 */

#define EXIT_USAGE 2

static void
print_builder (JsonBuilder *builder)
{
  g_autofree char *text = vtr_json_builder_to_data (builder, TRUE);

  g_print ("%s\n", text);
}

static int
failed (GError *error)
{
  g_printerr ("vitrine-hub: %s\n", error->message);
  g_error_free (error);
  return EXIT_FAILURE;
}

int
vtr_hub_command_sms (const char *dir,
                     const char *database,
                     gboolean    json,
                     int         argc,
                     char      **argv)
{
  GError *error = NULL;

  if (argc == 4 && g_str_equal (argv[2], "test"))
    {
      g_autoptr(VtrHubSmsConfig) config = vtr_hub_sms_config_load (dir, &error);
      g_autofree char *answer = NULL;
      guint status = 0;
      gboolean sent;

      if (config == NULL)
        return failed (error);
      sent = vtr_hub_sms_send (config, argv[3],
                               "Vitrine : ceci est un message d’essai de la passerelle SMS.", NULL,
                               &status, &answer, &error);
      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_boolean (builder, "sent", sent);
          vtr_json_add_int (builder, "status", status);
          vtr_json_add_string (builder, "answer", answer ? answer : "");
          if (error)
            vtr_json_add_string (builder, "error", error->message);
          json_builder_end_object (builder);
          print_builder (builder);
        }
      if (!sent)
        return json ? (g_error_free (error), EXIT_FAILURE) : failed (error);
      if (!json)
        g_print (_("Sent: the gateway answered HTTP %u.\n"), status);
      return EXIT_SUCCESS;
    }
  if (argc == 3 && g_str_equal (argv[2], "list"))
    {
      g_autoptr(VtrHubBackend) backend = vtr_hub_backend_open_admin (dir, database, &error);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      JsonArray *messages;

      if (backend == NULL || !vtr_hub_backend_write_sms_outbox (backend, 100, builder, &error))
        return failed (error);
      if (json)
        {
          print_builder (builder);
          return EXIT_SUCCESS;
        }
      root = json_builder_get_root (builder);
      messages = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (messages); i++)
        {
          JsonObject *m = json_array_get_object_element (messages, i);

          g_print ("%-16s %-10s %-10s %2lld  %s\n", json_object_get_string_member (m, "number"),
                   json_object_get_string_member (m, "state"), json_object_get_string_member (m, "status"),
                   (long long) json_object_get_int_member (m, "tries"),
                   json_object_get_string_member (m, "last_error"));
        }
      if (json_array_get_length (messages) == 0)
        g_print (_("No text message yet.\n"));
      return EXIT_SUCCESS;
    }
  g_printerr ("vitrine-hub: %s\n", _("Usage: vitrine-hub sms test NUMBER | list [--json]"));
  return EXIT_USAGE;
}

int
vtr_hub_command_privacy (const char *dir,
                         const char *database,
                         gboolean    json,
                         int         argc,
                         char      **argv)
{
  GError *error = NULL;

  if (argc == 3 && g_str_equal (argv[2], "erase-expired"))
    {
      g_autoptr(VtrHubSmsConfig) config = vtr_hub_sms_config_load (dir, &error);
      g_autoptr(VtrHubBackend) backend = NULL;
      int n;

      if (config == NULL || !(backend = vtr_hub_backend_open_admin (dir, database, &error)))
        return failed (error);
      n = vtr_hub_backend_erase_expired (backend, vtr_hub_sms_now (), vtr_hub_sms_config_keep_seconds (config),
                                         &error);
      if (n < 0)
        return failed (error);
      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "erased", n);
          vtr_json_add_int (builder, "keep_seconds", vtr_hub_sms_config_keep_seconds (config));
          json_builder_end_object (builder);
          print_builder (builder);
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "The customer’s details of %d order were erased.\n",
                              "The customers’ details of %d orders were erased.\n", n),
                 n);
      return EXIT_SUCCESS;
    }
  g_printerr ("vitrine-hub: %s\n", _("Usage: vitrine-hub privacy erase-expired [--json]"));
  return EXIT_USAGE;
}

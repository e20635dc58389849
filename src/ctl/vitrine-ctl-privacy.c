#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vtr-json.h"
#include "vtr-order-privacy.h"

/*
 * vitrine-ctl order forget NUMBER: the customer asked at the counter to
 * have their first name and phone erased (the hub is told at the next
 * sync); vitrine-ctl order forget-expired: erase now what is past its
 * time (VITRINE_KEEP_DAYS, 30 days by default; --at for another clock).
 */

int
vtr_ctl_order_forget (VtrCtlOptions  *options,
                      VtrStore       *store,
                      const char     *session,
                      int             argc,
                      char          **argv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GError *error = NULL;

  if (g_str_equal (argv[1], "forget") && argc == 3)
    {
      if (!vtr_order_forget (store, session, argv[2], options->when, &error))
        return fail (error);
      if (options->json)
        {
          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "order", argv[2]);
          vtr_json_add_boolean (builder, "forgotten", TRUE);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        g_print (_("The customer’s first name and phone are erased from order %s; the hub erases "
                   "them at the next sync.\n"),
                 argv[2]);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "forget-expired") && argc == 2)
    {
      gint64 keep = vtr_order_keep_seconds ();
      int n = vtr_order_forget_expired (store, options->when, keep, &error);

      if (n < 0)
        return fail (error);
      if (options->json)
        {
          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "erased", n);
          vtr_json_add_int (builder, "keep_seconds", keep);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "The customer’s details of %d order were erased.\n",
                              "The customers’ details of %d orders were erased.\n", n),
                 n);
      return EXIT_SUCCESS;
    }
  return usage_error (_("Usage: vitrine-ctl order forget ORDER | forget-expired"));
}

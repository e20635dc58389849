#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-json.h"
#include "vtr-loyalty.h"
#include "vtr-opening-hours.h"
#include "vtr-print-queue.h"
#include "vtr-shop-edit.h"
#include "vtr-shop-stats.h"

/*
 * (shop) "Ma boutique" for scripts and tests: every change the counter
 * makes (vtr-shop-edit.h), behind the staff session (--session or
 * VITRINE_SESSION), and the shop's figures (vtr-shop-stats.h).
 */

static struct
{
  char    *session;
  char    *price;
  char    *state;
  int      quantity;
  char    *name;
  char    *brand;
  char    *category;
  gint64   product;
  gint64   promotion;
  char    *kind;
  int      value;
  int      buy;
  int      get;
  char    *from;
  char    *to;
  gboolean loyal;
  char    *title;
  char    *collections;
  gboolean round;
  int      points;
  char    *discount;
  int      weeks;
  gboolean print;
  char    *printer;
} shop_options = { .quantity = VTR_SHOP_NO_QUANTITY, .weeks = 9 };

static const GOptionEntry shop_entries[] = {
  { "session", 0, 0, G_OPTION_ARG_STRING, &shop_options.session,
    N_("The staff session (default: VITRINE_SESSION)"), N_("TOKEN") },
  { "price", 0, 0, G_OPTION_ARG_STRING, &shop_options.price, N_("The price, in euros"), N_("EUROS") },
  { "state", 0, 0, G_OPTION_ARG_STRING, &shop_options.state,
    N_("in-stock, low or out (default: in-stock)"), N_("STATE") },
  { "quantity", 0, 0, G_OPTION_ARG_INT, &shop_options.quantity, N_("How many are on the shelf"), N_("N") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &shop_options.name, N_("A new product’s name"), N_("NAME") },
  { "brand", 0, 0, G_OPTION_ARG_STRING, &shop_options.brand, N_("A new product’s brand"), N_("BRAND") },
  { "category", 0, 0, G_OPTION_ARG_STRING, &shop_options.category,
    N_("A new product’s category, or the category a promotion is on"), N_("CATEGORY") },
  { "product", 0, 0, G_OPTION_ARG_INT64, &shop_options.product,
    N_("The product a promotion, reward or poster is about"), N_("ID") },
  { "promotion", 0, 0, G_OPTION_ARG_INT64, &shop_options.promotion,
    N_("The promotion to change, or a poster is about"), N_("ID") },
  { "kind", 0, 0, G_OPTION_ARG_STRING, &shop_options.kind,
    N_("percent, amount, points or buy-get"), N_("KIND") },
  { "value", 0, 0, G_OPTION_ARG_INT, &shop_options.value,
    N_("Percent off, cents off or the points multiplier"), N_("N") },
  { "buy", 0, 0, G_OPTION_ARG_INT, &shop_options.buy, N_("Buy this many…"), N_("N") },
  { "get", 0, 0, G_OPTION_ARG_INT, &shop_options.get, N_("…get this many free"), N_("N") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &shop_options.from, N_("First day (YYYY-MM-DD)"), N_("DATE") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &shop_options.to, N_("Last day (YYYY-MM-DD), included"), N_("DATE") },
  { "loyal", 0, 0, G_OPTION_ARG_NONE, &shop_options.loyal, N_("For loyalty card holders only"), NULL },
  { "title", 0, 0, G_OPTION_ARG_STRING, &shop_options.title,
    N_("What the ad or the reward says, word for word"), N_("TEXT") },
  { "collections", 0, 0, G_OPTION_ARG_STRING, &shop_options.collections,
    N_("What the shop collects: clothes, cardboard, cooking-oil, parcel-locker"), N_("KIND,…") },
  { "round", 0, 0, G_OPTION_ARG_NONE, &shop_options.round, N_("Round points to the nearest"), NULL },
  { "points", 0, 0, G_OPTION_ARG_INT, &shop_options.points, N_("What a reward costs, in points"), N_("N") },
  { "discount", 0, 0, G_OPTION_ARG_STRING, &shop_options.discount, N_("A reward’s discount, in euros"),
    N_("EUROS") },
  { "weeks", 0, 0, G_OPTION_ARG_INT, &shop_options.weeks,
    N_("With “stats”: this week and the weeks before (default 9)"), N_("N") },
  { "print", 0, 0, G_OPTION_ARG_NONE, &shop_options.print,
    N_("With “posters”: queue the signed posters for the printer"), NULL },
  { "printer", 0, 0, G_OPTION_ARG_STRING, &shop_options.printer,
    N_("With “posters”: the printer (default: the kiosk’s)"), N_("TARGET") },
  { NULL }
};

static const char *
session (void)
{
  return shop_options.session ? shop_options.session : g_getenv ("VITRINE_SESSION");
}

static gboolean
parse_euros (const char *text,
             gint64     *cents)
{
  g_autofree char *copy = text ? g_strdelimit (g_strdup (text), ",", '.') : NULL;
  char *end = NULL;
  double euros;

  if (copy == NULL)
    return FALSE;
  euros = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (euros) || fabs (euros) > 1e9)
    return FALSE;
  *cents = (gint64) llround (euros * 100);
  return TRUE;
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  char *end = NULL;

  *id = text ? g_ascii_strtoll (text, &end, 10) : 0;
  return text && end != text && *end == '\0' && *id > 0;
}

/* A day, local to Marseille: its first second. */
static GDateTime *
parse_day (const char *text)
{
  int y, m, d;

  if (text == NULL || sscanf (text, "%d-%d-%d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_time_new (vtr_opening_hours_timezone (), y, m, d, 0, 0, 0);
}

/* A product given as its id or its barcode. */
static gboolean
product_of (VtrStore   *store,
            const char *text,
            gint64     *id,
            GError    **error)
{
  if (text && strlen (text) < 8 && parse_id (text, id))
    return TRUE;
  if (!vtr_shop_find_product (store, text, id, error))
    return FALSE;
  if (*id == 0)
    {
      g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                   _("No product has this barcode: add it with “vitrine-ctl shop product”."));
      return FALSE;
    }
  return TRUE;
}

static int
done (VtrCtlOptions *options,
      const char    *what,
      const char    *uuid,
      gint64         id,
      const char    *message)
{
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "change", what);
      if (uuid)
        vtr_json_add_string (builder, "uuid", uuid);
      if (id)
        vtr_json_add_int (builder, "id", id);
      vtr_json_add_boolean (builder, "saved", TRUE);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print ("%s\n", message);
  return EXIT_SUCCESS;
}

static int
print_history (VtrCtlOptions *options,
               VtrStore      *store)
{
  static const char * const states[] = { "pending", "accepted", "refused", "undone" };
  g_autoptr(GPtrArray) edits = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 merchant_id;
  GError *error = NULL;

  if (!vtr_staff_session (store, session (), options->when, &merchant_id, &error) ||
      !(edits = vtr_shop_list_edits (store, merchant_id, options->limit > 0 ? options->limit : 20, &error)))
    return fail (error);
  json_builder_begin_array (builder);
  for (guint i = 0; i < edits->len; i++)
    {
      VtrShopEdit *edit = g_ptr_array_index (edits, i);

      if (!options->json)
        {
          g_print ("%s\t%s\t%s%s%s\n", states[edit->state], edit->kind, edit->summary, edit->reason ? " — " : "",
                   edit->reason ? edit->reason : "");
          continue;
        }
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", edit->uuid);
      vtr_json_add_string (builder, "kind", edit->kind);
      vtr_json_add_string (builder, "state", states[edit->state]);
      vtr_json_add_string (builder, "summary", edit->summary);
      vtr_json_add_int (builder, "created", edit->created);
      if (edit->reason)
        vtr_json_add_string (builder, "reason", edit->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (options->json)
    print_json (builder);
  return EXIT_SUCCESS;
}

static int
print_stats (VtrCtlOptions *options,
             VtrStore      *store)
{
  g_autoptr(VtrShopStats) stats = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 merchant_id;
  GError *error = NULL;

  if (!vtr_staff_session (store, session (), options->when, &merchant_id, &error) ||
      !(stats = vtr_shop_stats_query (store, merchant_id, options->when, shop_options.weeks, &error)))
    return fail (error);
  builder = vtr_shop_stats_to_json (stats);
  if (options->json)
    print_json (builder);
  else
    {
      g_autofree char *text = vtr_json_builder_to_data (builder, TRUE);
      g_print ("%s\n", text);
    }
  return EXIT_SUCCESS;
}

/* The posters the hub signed; with --print, queued for the printer
 * (the print queue prints them now if it can, or when it can). */
static int
print_posters (VtrCtlOptions *options,
               VtrStore      *store)
{
  g_autoptr(GPtrArray) posters = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *target = NULL;
  gint64 merchant_id;
  GError *error = NULL;

  if (!vtr_staff_session (store, session (), options->when, &merchant_id, &error) ||
      !(posters = vtr_shop_signed_posters (store, merchant_id, &error)))
    return fail (error);
  if (shop_options.print)
    {
      target = shop_options.printer ? g_strdup (shop_options.printer) : vtr_print_default_target ();
      if (target == NULL)
        return usage_error (_("Say which printer with --printer"));
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < posters->len; i++)
    {
      VtrShopPoster *poster = g_ptr_array_index (posters, i);
      gint64 job = 0;

      if (shop_options.print &&
          !vtr_print_enqueue_poster (store, poster, target, options->when, &job, &error))
        return fail (error);
      if (!options->json)
        {
          g_print ("%s\t%lld\t%lld\t%s\n", poster->uuid, (long long) poster->product_id,
                   (long long) poster->promotion_id, poster->code);
          continue;
        }
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", poster->uuid);
      vtr_json_add_int (builder, "product", poster->product_id);
      vtr_json_add_int (builder, "promotion", poster->promotion_id);
      vtr_json_add_string (builder, "code", poster->code);
      if (job)
        vtr_json_add_int (builder, "print_job", job);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* Printed now when the printer can, else kept in the queue. */
  if (shop_options.print && posters->len > 0)
    {
      g_autoptr(GError) print_error = NULL;

      vtr_print_queue_run (store, &print_error);
      if (print_error)
        g_printerr ("vitrine-ctl: %s\n", print_error->message);
    }
  if (options->json)
    print_json (builder);
  return EXIT_SUCCESS;
}

static int
command_shop (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *message = NULL;
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;
  gint64 id = 0;

  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);

  if (g_str_equal (action, "stock") && argc == 3)
    {
      VtrAvailability availability = VTR_AVAILABILITY_IN_STOCK;
      const char *state = shop_options.state ? shop_options.state : "in-stock";
      gint64 cents;

      if (!parse_euros (shop_options.price, &cents))
        return usage_error (_("Say the price with --price, such as --price 2.40"));
      if (g_str_equal (state, "low"))
        availability = VTR_AVAILABILITY_LOW;
      else if (g_str_equal (state, "out") || g_str_equal (state, "out-of-stock"))
        availability = VTR_AVAILABILITY_OUT_OF_STOCK;
      else if (!g_str_equal (state, "in-stock"))
        return usage_error (_("--state is in-stock, low or out"));
      if (!product_of (store, argv[2], &id, &error) ||
          !vtr_shop_set_stock (store, session (), id, cents, availability, shop_options.quantity, options->when,
                               &uuid, &error))
        return fail (error);
      return done (options, "stock", uuid, id, _("Saved."));
    }
  if (g_str_equal (action, "remove") && argc == 3)
    {
      if (!product_of (store, argv[2], &id, &error) ||
          !vtr_shop_remove_stock (store, session (), id, options->when, &uuid, &error))
        return fail (error);
      return done (options, "remove", uuid, id, _("Saved."));
    }
  if (g_str_equal (action, "find") && argc == 3)
    {
      if (!vtr_shop_find_product (store, argv[2], &id, &error))
        return fail (error);
      if (options->json)
        g_print ("{\"product\":%lld}\n", (long long) id);
      else if (id)
        g_print ("%lld\n", (long long) id);
      else
        g_print (_("Unknown product: add it with “vitrine-ctl shop product”.\n"));
      return EXIT_SUCCESS;
    }
  if (g_str_equal (action, "product") && argc == 3)
    {
      if (!vtr_shop_create_product (store, session (), argv[2], shop_options.name, shop_options.brand,
                                    shop_options.category, options->when, &id, &error))
        return fail (error);
      message = g_strdup_printf (_("Product %lld added: the shop’s own until the federation checks it."),
                                 (long long) id);
      return done (options, "product", NULL, id, message);
    }
  if (g_str_equal (action, "categories") && argc == 2)
    {
      g_auto(GStrv) categories = vtr_shop_list_categories (store, &error);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      if (categories == NULL)
        return fail (error);
      json_builder_begin_array (builder);
      for (guint i = 0; categories[i]; i++)
        {
          json_builder_add_string_value (builder, categories[i]);
          if (!options->json)
            g_print ("%s\n", categories[i]);
        }
      json_builder_end_array (builder);
      if (options->json)
        print_json (builder);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (action, "promotion") && argc == 2)
    {
      g_autoptr(GDateTime) from = parse_day (shop_options.from);
      g_autoptr(GDateTime) to = parse_day (shop_options.to);
      g_autoptr(GDateTime) after = NULL;
      VtrShopPromotion p = { .id = shop_options.promotion, .product_id = shop_options.product,
                             .category = shop_options.category, .value = shop_options.value,
                             .buy = shop_options.buy, .get = shop_options.get, .title = shop_options.title,
                             .audience = shop_options.loyal ? VTR_SHOP_AUDIENCE_LOYAL : VTR_SHOP_AUDIENCE_EVERYONE };

      if (from == NULL || to == NULL)
        return usage_error (_("Say the first and last day with --from and --to, such as --from 2026-12-01"));
      if (!vtr_promotion_kind_from_string (shop_options.kind ? shop_options.kind : "", &p.kind))
        return usage_error (_("--kind is percent, amount, points or buy-get"));
      if (p.kind == VTR_PROMOTION_AMOUNT && shop_options.discount)
        {
          gint64 cents;

          if (!parse_euros (shop_options.discount, &cents))
            return usage_error (_("Say the discount in euros, such as --discount 1.50"));
          p.value = cents;
        }
      after = g_date_time_add_days (to, 1);
      p.starts = g_date_time_to_unix (from);
      p.ends = g_date_time_to_unix (after);
      if (!vtr_shop_put_promotion (store, session (), &p, options->when, &error))
        return fail (error);
      message = g_strdup_printf (_("Promotion %lld saved."), (long long) p.id);
      return done (options, "promotion", NULL, p.id, message);
    }
  if (g_str_equal (action, "end-promotion") && argc == 3 && parse_id (argv[2], &id))
    {
      if (!vtr_shop_end_promotion (store, session (), id, options->when, &error))
        return fail (error);
      return done (options, "end-promotion", NULL, id, _("The promotion is over."));
    }
  if (g_str_equal (action, "hours") && argc == 3)
    {
      if (!vtr_shop_set_hours (store, session (), argv[2], options->when, &error))
        return fail (error);
      return done (options, "hours", NULL, 0, _("Saved."));
    }
  if (g_str_equal (action, "close") && argc == 4)
    {
      g_autoptr(GDateTime) first = parse_day (argv[2]);
      g_autoptr(GDateTime) last = parse_day (argv[3]);
      g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
      g_autoptr(VtrMerchant) shop = NULL;
      g_autofree char *hours = NULL;
      gint64 merchant_id;

      if (first == NULL || last == NULL)
        return usage_error (_("Usage: vitrine-ctl shop close FIRST-DAY LAST-DAY (YYYY-MM-DD)"));
      if (!vtr_staff_session (store, session (), options->when, &merchant_id, &error) ||
          !(shop = vtr_catalog_get_merchant (catalog, merchant_id, &error)) ||
          !(hours = vtr_shop_hours_add_closure (shop->opening_hours, first, last, &error)) ||
          !vtr_shop_set_hours (store, session (), hours, options->when, &error))
        return fail (error);
      return done (options, "hours", NULL, 0, hours);
    }
  if (g_str_equal (action, "services") && argc == 3)
    {
      g_auto(GStrv) services = g_strsplit (argv[2], ",", -1);
      g_auto(GStrv) kinds = shop_options.collections ? g_strsplit (shop_options.collections, ",", -1) : NULL;
      g_autofree int *collections = NULL;

      if (kinds)
        {
          static const char * const names[] = { "clothes", "cardboard", "cooking-oil", "parcel-locker" };
          guint n = g_strv_length (kinds), k;

          collections = g_new0 (int, n + 1);
          for (guint i = 0; i < n; i++)
            {
              for (k = 0; k < G_N_ELEMENTS (names) && !g_str_equal (kinds[i], names[k]); k++)
                ;
              collections[i] = k; /* an unknown kind is refused with words */
            }
          collections[n] = -1;
        }
      if (!vtr_shop_set_services (store, session (), (const char * const *) services, collections, options->when,
                                  &error))
        return fail (error);
      return done (options, "services", NULL, 0, _("Saved."));
    }
  if (g_str_equal (action, "loyalty-rule") && argc == 3 && parse_id (argv[2], &id))
    {
      if (!vtr_shop_set_loyalty_rule (store, session (), id, shop_options.round, options->when, &error))
        return fail (error);
      return done (options, "loyalty-rule", NULL, 0, _("Saved."));
    }
  if (g_str_equal (action, "reward") && argc == 2)
    {
      VtrReward reward = { .id = shop_options.promotion, .points = shop_options.points,
                           .title = shop_options.title };
      gint64 cents = 0;

      if (shop_options.product > 0)
        reward.kind = VTR_REWARD_FREE_PRODUCT, reward.product_id = shop_options.product;
      else if (!parse_euros (shop_options.discount, &cents))
        return usage_error (_("Say what the reward gives: --discount EUROS or --product ID"));
      reward.value = cents;
      if (!vtr_shop_put_reward (store, session (), &reward, options->when, &error))
        return fail (error);
      message = g_strdup_printf (_("Reward %lld saved."), (long long) reward.id);
      return done (options, "reward", NULL, reward.id, message);
    }
  if (g_str_equal (action, "remove-reward") && argc == 3 && parse_id (argv[2], &id))
    {
      if (!vtr_shop_remove_reward (store, session (), id, options->when, &error))
        return fail (error);
      return done (options, "remove-reward", NULL, id, _("Saved."));
    }
  if (g_str_equal (action, "poster") && argc == 2)
    {
      if (!vtr_shop_request_poster (store, session (), shop_options.product, shop_options.promotion,
                                    options->when, &uuid, &error))
        return fail (error);
      return done (options, "poster", uuid, 0, _("Poster requested: the hub signs it at the next sync."));
    }
  if (g_str_equal (action, "undo") && argc == 2)
    {
      g_autoptr(VtrShopEdit) undone = NULL;

      if (!vtr_shop_undo (store, session (), options->when, &undone, &error))
        return fail (error);
      message = g_strdup_printf (_("Undone: %s"), undone ? undone->summary : "");
      return done (options, "undo", undone ? undone->uuid : NULL, 0, message);
    }
  if (g_str_equal (action, "history") && argc == 2)
    return print_history (options, store);
  if (g_str_equal (action, "stats") && argc == 2)
    return print_stats (options, store);
  if (g_str_equal (action, "posters") && argc == 2)
    return print_posters (options, store);

  return usage_error (_("Usage: vitrine-ctl shop stock PRODUCT --price EUROS [--state in-stock|low|out] "
                        "[--quantity N] | remove PRODUCT | find GTIN | product GTIN --name NAME [--brand BRAND] "
                        "--category CATEGORY | categories | promotion (--product ID | --category CATEGORY) "
                        "--kind KIND [--value N | --discount EUROS | --buy N --get N] --from DAY --to DAY "
                        "[--loyal] [--title TEXT] [--promotion ID] | end-promotion ID | hours OPENING_HOURS | "
                        "close FIRST-DAY LAST-DAY | services SERVICE,… [--collections KIND,…] | "
                        "loyalty-rule CENTS-PER-POINT [--round] | reward --points N (--discount EUROS | --product ID) "
                        "--title TEXT | remove-reward ID | poster (--product ID | --promotion ID) | "
                        "posters [--print [--printer TARGET]] | undo | history | stats [--weeks N]"));
}

const VtrCtlCommand vtr_ctl_shop = {
  "shop", N_("stock|remove|find|product|categories|promotion|end-promotion|hours|close|services|"
             "loyalty-rule|reward|remove-reward|poster|posters|undo|history|stats …"),
  N_("“Ma boutique”: the shop’s prices, stock, products, promotions, hours, services, loyalty, posters and "
     "figures (staff session)"),
  VTR_CTL_LIMIT, shop_entries, command_shop
};

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-catalog.h"
#include "vtr-decoder.h"
#include "vtr-frame-reader.h"
#include "vtr-demo.h"
#include "vtr-gtin.h"
#include "vtr-i18n.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-store.h"
#include "vtr-text.h"
#include "vtr-flashcode.h"
#include "vtr-trust.h"
#include "vtr-code-stock.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-outbox.h"
#include "vtr-orders.h"
#include "vtr-json.h"
#include "vtr-describe.h"
#include "vtr-sync.h"
#include "vtr-print-jobs.h"
#include "vtr-print-queue.h"

/*
 * vitrine-ctl: the kiosk's core from the command line. Every command takes
 * --data-dir; queries print text for people, or with --json one JSON object
 * a line for programs. Exit status: 0 done, 1 failed, 2 wrong usage.
 */

#define EXIT_USAGE 2

typedef struct
{
  char     *data_dir;
  char     *near;
  char     *at;
  char     *root;
  char     *session;
  char     *amount;
  char     *products;
  char     *phone;
  char     *items;
  char     *first_name;
  char     *hub;
  char     *to;
  char     *code;
  gboolean  watch;
  gboolean  last;
  gboolean  a4;
  gint64    merchant;
  gint64    locker;
  int       limit;
  gboolean  open_now;
  gboolean  json;

  VtrPosition position;
  GDateTime  *when;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->near, g_free);
  g_clear_pointer (&options->at, g_free);
  g_clear_pointer (&options->root, g_free);
  g_clear_pointer (&options->session, g_free);
  g_clear_pointer (&options->amount, g_free);
  g_clear_pointer (&options->products, g_free);
  g_clear_pointer (&options->phone, g_free);
  g_clear_pointer (&options->items, g_free);
  g_clear_pointer (&options->first_name, g_free);
  g_clear_pointer (&options->hub, g_free);
  g_clear_pointer (&options->to, g_free);
  g_clear_pointer (&options->code, g_free);
  g_clear_pointer (&options->when, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

typedef int (*CommandFunc) (Options *options,
                            int      argc,
                            char   **argv);

typedef struct
{
  const char  *name;
  const char  *args;
  const char  *summary;
  gboolean     needs_near;
  gboolean     has_limit;
  gboolean     has_open_now;
  gboolean     near_optional;
  CommandFunc  func;
} Command;

static int
fail (GError *error)
{
  g_printerr ("vitrine-ctl: %s\n", error->message);
  g_error_free (error);
  return EXIT_FAILURE;
}

static int
usage_error (const char *message)
{
  g_printerr ("vitrine-ctl: %s\n", message);
  return EXIT_USAGE;
}

static VtrCatalog *
open_catalog (Options *options,
              GError **error)
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

static void
print_json (JsonBuilder *builder)
{
  g_autofree char *text = vtr_json_builder_to_data (builder, FALSE);

  g_print ("%s\n", text);
}

static void
json_add_time (JsonBuilder *builder,
               const char  *member,
               GDateTime   *time)
{
  json_builder_set_member_name (builder, member);
  if (time)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (time);
      json_builder_add_string_value (builder, iso);
    }
  else
    json_builder_add_null_value (builder);
}

static void
json_add_merchant (JsonBuilder       *builder,
                   const VtrPlace    *place,
                   gboolean           with_distance)
{
  const VtrMerchant *merchant = place->merchant;

  vtr_json_add_int (builder, "merchant_id", merchant->id);
  vtr_json_add_string (builder, "name", merchant->name);
  json_builder_set_member_name (builder, "services");
  json_builder_begin_array (builder);
  for (guint i = 0; merchant->services[i]; i++)
    json_builder_add_string_value (builder, merchant->services[i]);
  json_builder_end_array (builder);
  vtr_json_add_string (builder, "address", merchant->address);
  vtr_json_add_string (builder, "postcode", merchant->postcode);
  vtr_json_add_string (builder, "city", merchant->city);
  vtr_json_add_double (builder, "lat", merchant->position.lat);
  vtr_json_add_double (builder, "lon", merchant->position.lon);
  vtr_json_add_string (builder, "phone", merchant->phone);
  vtr_json_add_string (builder, "opening_hours", merchant->opening_hours);
  if (with_distance)
    {
      vtr_json_add_int (builder, "distance_m", (gint64) (place->distance_m + 0.5));
      vtr_json_add_int (builder, "walking_minutes", place->walking_minutes);
    }
  json_builder_set_member_name (builder, "open_now");
  if (place->open.known)
    json_builder_add_boolean_value (builder, place->open.open);
  else
    json_builder_add_null_value (builder);
  json_add_time (builder, place->open.open ? "closes_at" : "opens_at", place->open.next_change);
}

static void
json_add_promotion (JsonBuilder        *builder,
                    const VtrPromotion *promotion)
{
  g_autofree char *description = vtr_promotion_describe (promotion);
  g_autoptr(GDateTime) starts = g_date_time_new_from_unix_utc (promotion->starts);
  g_autoptr(GDateTime) ends = g_date_time_new_from_unix_utc (promotion->ends);

  vtr_json_add_int (builder, "promotion_id", promotion->id);
  vtr_json_add_string (builder, "kind", vtr_promotion_kind_to_string (promotion->kind));
  vtr_json_add_int (builder, "value", promotion->value);
  if (promotion->kind == VTR_PROMOTION_BUY_GET)
    {
      vtr_json_add_int (builder, "buy", promotion->buy);
      vtr_json_add_int (builder, "get", promotion->get);
    }
  json_builder_set_member_name (builder, "product_id");
  if (promotion->product_id > 0)
    json_builder_add_int_value (builder, promotion->product_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "category");
  if (promotion->category)
    json_builder_add_string_value (builder, promotion->category);
  else
    json_builder_add_null_value (builder);
  vtr_json_add_string (builder, "title", promotion->title);
  vtr_json_add_string (builder, "description", description);
  json_add_time (builder, "starts", starts);
  json_add_time (builder, "ends", ends);
}

static void
json_add_product (JsonBuilder      *builder,
                  const VtrProduct *product)
{
  vtr_json_add_int (builder, "product_id", product->id);
  json_builder_set_member_name (builder, "gtin");
  if (product->gtin)
    {
      g_autofree char *gtin = vtr_gtin_display (product->gtin);
      json_builder_add_string_value (builder, gtin);
    }
  else
    json_builder_add_null_value (builder);
  vtr_json_add_string (builder, "name", product->name);
  vtr_json_add_string (builder, "brand", product->brand);
  vtr_json_add_string (builder, "category", product->category);
}

static void
print_place_lines (const VtrPlace *place,
                   guint           rank,
                   gboolean        with_distance,
                   GDateTime      *now)
{
  g_autofree char *open = vtr_describe_open_state (&place->open, now);

  g_print ("%2u. %s — %s, %s %s\n", rank, place->merchant->name, place->merchant->address,
           place->merchant->postcode, place->merchant->city);
  if (with_distance)
    {
      g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
      g_print ("    %s · %s", distance, open);
    }
  else
    g_print ("    %s", open);
}

static char *
describe_product (const VtrProduct *product)
{
  g_autofree char *gtin = product->gtin ? vtr_gtin_display (product->gtin) : NULL;

  if (product->brand && *product->brand)
    return g_strdup_printf ("%s — %s%s%s%s", product->name, product->brand, gtin ? " (" : "",
                            gtin ? gtin : "", gtin ? ")" : "");
  return g_strdup_printf ("%s%s%s%s", product->name, gtin ? " (" : "", gtin ? gtin : "",
                          gtin ? ")" : "");
}

static int
command_stockists (Options *options,
                   int      argc,
                   char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrProduct) product = NULL;
  g_autoptr(GPtrArray) stockists = NULL;
  g_autofree char *query = NULL;
  GError *error = NULL;

  if (argc < 2)
    return usage_error (_("Say which product: a barcode, a product number or words of its name"));
  query = g_strjoinv (" ", argv + 1);

  if (!(catalog = open_catalog (options, &error)) ||
      !(product = vtr_catalog_find_product (catalog, query, &error)) ||
      !(stockists = vtr_catalog_nearest_stockists (catalog, product->id, &options->position,
                                                   options->when, options->limit,
                                                   options->open_now ? VTR_STOCKISTS_OPEN_NOW : 0,
                                                   &error)))
    return fail (error);

  if (!options->json)
    {
      g_autofree char *title = describe_product (product);

      g_print ("%s\n", title);
      if (stockists->len == 0)
        g_print ("%s\n", options->open_now ? _("No shop open now has it.")
                                           : _("No shop has it in stock."));
    }

  for (guint i = 0; i < stockists->len; i++)
    {
      const VtrStockist *stockist = g_ptr_array_index (stockists, i);
      g_autofree char *price = vtr_price_format (stockist->price_cents);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "product_id", product->id);
          json_add_merchant (builder, &stockist->place, TRUE);
          vtr_json_add_int (builder, "price_cents", stockist->price_cents);
          vtr_json_add_string (builder, "availability", vtr_availability_to_string (stockist->availability));
          {
            g_autoptr(GDateTime) updated = g_date_time_new_from_unix_utc (stockist->updated);
            json_add_time (builder, "updated", updated);
          }
          json_builder_set_member_name (builder, "promotions");
          json_builder_begin_array (builder);
          for (guint p = 0; p < stockist->promotions->len; p++)
            {
              json_builder_begin_object (builder);
              json_add_promotion (builder, g_ptr_array_index (stockist->promotions, p));
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          print_json (builder);
          continue;
        }

      print_place_lines (&stockist->place, i + 1, TRUE, options->when);
      g_print (" · %s · %s\n", price, vtr_describe_availability (stockist->availability));
      for (guint p = 0; p < stockist->promotions->len; p++)
        {
          const VtrPromotion *promotion = g_ptr_array_index (stockist->promotions, p);
          g_autofree char *description = vtr_promotion_describe (promotion);

          g_print ("    %s %s (%s)\n", _("Promotion:"), description, promotion->title);
        }
    }

  return EXIT_SUCCESS;
}

static int
command_search (Options *options,
                int      argc,
                char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrSearchResults) results = NULL;
  g_autofree char *text = NULL;
  gboolean with_distance = options->near != NULL;
  GError *error = NULL;

  if (argc < 2)
    return usage_error (_("Say what to search for"));
  text = g_strjoinv (" ", argv + 1);

  if (!(catalog = open_catalog (options, &error)) ||
      !(results = vtr_catalog_search (catalog, text, with_distance ? &options->position : NULL,
                                      options->when, options->limit, &error)))
    return fail (error);

  for (guint i = 0; i < results->services->len; i++)
    {
      const VtrServiceMatch *match = &g_array_index (results->services, VtrServiceMatch, i);
      const VtrService *service = vtr_service_lookup (match->service_id);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "type", "service");
          vtr_json_add_string (builder, "service", service->id);
          vtr_json_add_string (builder, "label", vtr_service_label (service));
          vtr_json_add_int (builder, "merchants", match->n_merchants);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "Service: %s (%u shop)\n",
                              "Service: %s (%u shops)\n", match->n_merchants),
                 vtr_service_label (service), match->n_merchants);
    }

  for (guint i = 0; i < results->products->len; i++)
    {
      const VtrProduct *product = g_ptr_array_index (results->products, i);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "type", "product");
          json_add_product (builder, product);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          g_autofree char *line = describe_product (product);
          g_print ("%s %s\n", _("Product:"), line);
        }
    }

  for (guint i = 0; i < results->merchants->len; i++)
    {
      const VtrPlace *place = g_ptr_array_index (results->merchants, i);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "type", "merchant");
          json_add_merchant (builder, place, with_distance);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          g_print ("%s ", _("Shop:"));
          print_place_lines (place, i + 1, with_distance, options->when);
          g_print ("\n");
        }
    }

  if (!options->json && results->services->len == 0 && results->products->len == 0 &&
      results->merchants->len == 0)
    g_print (_("Nothing matches “%s”.\n"), text);

  return EXIT_SUCCESS;
}

static int
command_near (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GPtrArray) places = NULL;
  g_autofree char *service = NULL;
  GError *error = NULL;

  if (argc < 2)
    return usage_error (_("Say which service, such as boulangerie or pharmacie"));
  service = g_strjoinv (" ", argv + 1);

  if (!(catalog = open_catalog (options, &error)) ||
      !(places = vtr_catalog_near_service (catalog, service, &options->position, options->when,
                                           options->limit, &error)))
    return fail (error);

  for (guint i = 0; i < places->len; i++)
    {
      const VtrPlace *place = g_ptr_array_index (places, i);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          json_add_merchant (builder, place, TRUE);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          print_place_lines (place, i + 1, TRUE, options->when);
          g_print ("\n");
        }
    }

  return EXIT_SUCCESS;
}

static int
command_promotions (Options *options,
                    int      argc,
                    char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GPtrArray) offers = NULL;
  GError *error = NULL;

  if (argc > 1)
    return usage_error (_("promotions takes no argument besides its options"));

  if (!(catalog = open_catalog (options, &error)) ||
      !(offers = vtr_catalog_promotions_near (catalog, &options->position, options->when,
                                              options->limit, &error)))
    return fail (error);

  for (guint i = 0; i < offers->len; i++)
    {
      const VtrPromotionOffer *offer = g_ptr_array_index (offers, i);
      g_autofree char *description = vtr_promotion_describe (offer->promotion);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          json_add_promotion (builder, offer->promotion);
          json_builder_set_member_name (builder, "product");
          if (offer->product)
            {
              json_builder_begin_object (builder);
              json_add_product (builder, offer->product);
              json_builder_end_object (builder);
            }
          else
            json_builder_add_null_value (builder);
          json_add_merchant (builder, &offer->place, TRUE);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          g_autofree char *what = offer->product ? describe_product (offer->product)
                                                 : g_strdup_printf (_("all of “%s”"),
                                                                    offer->promotion->category);
          print_place_lines (&offer->place, i + 1, TRUE, options->when);
          g_print ("\n    %s %s: %s (%s)\n", _("Promotion:"), description, what,
                   offer->promotion->title);
        }
    }

  return EXIT_SUCCESS;
}

static int
command_collect (Options *options,
                 int      argc,
                 char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GPtrArray) places = NULL;
  VtrCollectionKind kind;
  GError *error = NULL;

  if (argc != 2)
    return usage_error (_("Say which kind: clothes, cardboard, cooking-oil or parcel-locker"));
  if (!vtr_collection_kind_from_string (argv[1], &kind, &error))
    {
      int status = usage_error (error->message);

      g_error_free (error);
      return status;
    }

  if (!(catalog = open_catalog (options, &error)) ||
      !(places = vtr_catalog_collection_points_near (catalog, kind, &options->position,
                                                     options->when, options->limit, &error)))
    return fail (error);

  for (guint i = 0; i < places->len; i++)
    {
      const VtrCollectionPlace *place = g_ptr_array_index (places, i);
      g_autofree char *open = vtr_describe_open_state (&place->open, options->when);
      g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);

      if (options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "collection_point_id", place->point->id);
          vtr_json_add_string (builder, "kind", vtr_collection_kind_to_string (place->point->kind));
          vtr_json_add_string (builder, "name", place->point->name);
          vtr_json_add_string (builder, "address", place->point->address);
          json_builder_set_member_name (builder, "merchant_id");
          if (place->merchant)
            json_builder_add_int_value (builder, place->merchant->id);
          else
            json_builder_add_null_value (builder);
          vtr_json_add_double (builder, "lat", place->point->position.lat);
          vtr_json_add_double (builder, "lon", place->point->position.lon);
          vtr_json_add_int (builder, "distance_m", (gint64) (place->distance_m + 0.5));
          vtr_json_add_int (builder, "walking_minutes", place->walking_minutes);
          json_builder_set_member_name (builder, "open_now");
          if (place->open.known)
            json_builder_add_boolean_value (builder, place->open.open);
          else
            json_builder_add_null_value (builder);
          json_add_time (builder, place->open.open ? "closes_at" : "opens_at",
                         place->open.next_change);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        g_print ("%2u. %s — %s\n    %s · %s\n", i + 1, place->point->name, place->point->address,
                 distance, open);
    }

  return EXIT_SUCCESS;
}

/* The federation's keys this kiosk trusts, or NULL (not paired, or the
 * data cannot be opened: codes are then shown unverified, never trusted). */
static VtrKeyList *
load_trust (Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (options->data_dir, &error);
  VtrKeyList *keys;

  if (store == NULL)
    {
      g_printerr ("vitrine-ctl: %s\n", error->message);
      return NULL;
    }
  keys = vtr_trust_load (store, &error);
  if (error)
    g_printerr ("vitrine-ctl: %s\n", error->message);
  return keys;
}

static void
json_add_code_info (JsonBuilder       *builder,
                    const VtrCodeInfo *info)
{
  g_autofree char *reason = vtr_verdict_describe (info);
  g_auto(GStrv) warnings = vtr_url_warnings_to_strv (info->warnings);

  vtr_json_add_string (builder, "kind", vtr_code_kind_to_string (info->kind));
  vtr_json_add_string (builder, "verdict", vtr_verdict_to_string (info->verdict));
  vtr_json_add_string (builder, "reason", reason);
  if (info->code.product_id > 0)
    {
      vtr_json_add_int (builder, "product_id", info->code.product_id);
    }
  if (info->code.merchant_id > 0)
    {
      vtr_json_add_int (builder, "merchant_id", info->code.merchant_id);
    }
  if (info->code.promotion_id > 0)
    {
      vtr_json_add_int (builder, "promotion_id", info->code.promotion_id);
    }
  if (info->code.card_id)
    {
      vtr_json_add_string (builder, "card_id", info->code.card_id);
    }
  if (info->code.order)
    {
      vtr_json_add_string (builder, "order", info->code.order);
    }
  if (info->code.pairing)
    {
      vtr_json_add_string (builder, "pairing", info->code.pairing);
    }
  if (info->code.expires > 0)
    {
      g_autofree char *date = g_strdup_printf ("%04d-%02d-%02d", info->code.expires / 10000,
                                               info->code.expires / 100 % 100,
                                               info->code.expires % 100);
      vtr_json_add_string (builder, "expires", date);
    }
  if (info->code.kid > 0)
    {
      vtr_json_add_int (builder, "kid", info->code.kid);
    }
  if (info->gtin)
    {
      vtr_json_add_string (builder, "gtin", info->gtin);
    }
  if (info->host)
    {
      vtr_json_add_string (builder, "host", info->host);
      vtr_json_add_string (builder, "host_unicode", info->host_unicode);
    }
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings[i]; i++)
    json_builder_add_string_value (builder, warnings[i]);
  json_builder_end_array (builder);
  vtr_json_add_string (builder, "display", info->display);
}

static void
print_code_info (const VtrCodeInfo *info)
{
  g_autofree char *reason = vtr_verdict_describe (info);

  g_print ("%s: %s · %s\n", _("Code"), vtr_code_kind_to_string (info->kind),
           vtr_verdict_to_string (info->verdict));
  if (info->host_unicode)
    g_print ("%s %s%s%s%s\n", _("Host:"), info->host_unicode,
             g_strcmp0 (info->host, info->host_unicode) ? " (" : "",
             g_strcmp0 (info->host, info->host_unicode) ? info->host : "",
             g_strcmp0 (info->host, info->host_unicode) ? ")" : "");
  g_print ("%s\n%s %s\n", reason, _("Text:"), info->display);
}

static int
command_code (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;

  if (argc != 3 || !g_str_equal (argv[1], "inspect"))
    return usage_error (_("Usage: vitrine-ctl code inspect TEXT"));

  keys = load_trust (options);
  info = vtr_code_classify (argv[2], -1, keys, options->when);
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_code_info (builder, info);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    print_code_info (info);
  return EXIT_SUCCESS;
}

static int
command_keys (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *envelope = NULL;
  GError *error = NULL;

  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return usage_error (_("Usage: vitrine-ctl keys import FILE [--root KEY]"));

  if (g_str_equal (argv[2], "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) < 0)
        return fail (error);
      g_output_stream_write (out, "", 1, NULL, NULL);
      envelope = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
    }
  else if (!g_file_get_contents (argv[2], &envelope, NULL, &error))
    return fail (error);

  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !vtr_trust_save (store, envelope, options->root, &error))
    return fail (error);
  g_print (_("The federation’s key list is now trusted by this kiosk.\n"));
  return EXIT_SUCCESS;
}

typedef struct
{
  Options    *options;
  VtrKeyList *keys;
  const char *path;
  VtrDecoder *decoder;
  GPtrArray  *seen;   /* codes already printed for this file */
  guint       frames;
} ScanFile;

static gboolean
on_scan_frame (const VtrFrame *frame,
               gpointer        user_data)
{
  ScanFile *scan = user_data;
  g_autoptr(GPtrArray) codes = NULL;

  /* The first frame is read every way (it may be the only one, an image);
   * the frames of a video as a camera's. */
  codes = vtr_decoder_decode (scan->decoder, frame,
                              frame->index == 0 ? VTR_DECODE_THOROUGH : VTR_DECODE_LIVE);
  scan->frames++;

  for (guint i = 0; i < codes->len; i++)
    {
      VtrCode *code = g_ptr_array_index (codes, i);
      gboolean seen = FALSE;

      /* A code held in front of the camera for a second is one code. */
      for (guint k = 0; k < scan->seen->len && !seen; k++)
        {
          VtrCode *other = g_ptr_array_index (scan->seen, k);
          seen = other->symbology == code->symbology && g_str_equal (other->text, code->text);
        }
      if (seen)
        continue;
      g_ptr_array_add (scan->seen, vtr_code_copy (code));

      if (scan->options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "file", scan->path);
          vtr_json_add_int (builder, "frame", frame->index);
          vtr_json_add_string (builder, "symbology", vtr_symbology_to_string (code->symbology));
          vtr_json_add_string (builder, "text", code->text);
          {
            g_autoptr(VtrCodeInfo) info = vtr_code_classify (code->text, -1, scan->keys,
                                                             scan->options->when);
            json_add_code_info (builder, info);
          }
          json_builder_set_member_name (builder, "corners");
          json_builder_begin_array (builder);
          for (int c = 0; c < code->n_corners; c++)
            {
              json_builder_begin_array (builder);
              json_builder_add_double_value (builder, round (code->corners[c].x * 10) / 10);
              json_builder_add_double_value (builder, round (code->corners[c].y * 10) / 10);
              json_builder_end_array (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          g_autofree char *text = vtr_text_escape_controls (code->text);
          g_autoptr(VtrCodeInfo) info = vtr_code_classify (code->text, -1, scan->keys,
                                                           scan->options->when);
          g_autofree char *reason = vtr_verdict_describe (info);
          g_autoptr(GString) corners = g_string_new (NULL);

          for (int c = 0; c < code->n_corners; c++)
            g_string_append_printf (corners, "%s(%.0f, %.0f)", c ? " " : "", code->corners[c].x,
                                    code->corners[c].y);
          if (frame->index > 0)
            /* TRANSLATORS: a video file, the frame number, the kind of code, its text */
            g_print (_("%s, frame %u: %s “%s” at %s\n"), scan->path, frame->index,
                     vtr_symbology_to_string (code->symbology), text, corners->str);
          else
            g_print (_("%s: %s “%s” at %s\n"), scan->path,
                     vtr_symbology_to_string (code->symbology), text, corners->str);
          g_print ("    %s · %s · %s\n", vtr_code_kind_to_string (info->kind),
                   vtr_verdict_to_string (info->verdict), reason);
        }
    }

  return TRUE;
}


static int
command_scan (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrDecoder) decoder = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  int status = EXIT_SUCCESS;

  if (argc < 2)
    return usage_error (_("Say which image or video files, or folders, to scan"));
  if (!vtr_scan_init (&error))
    return fail (error);

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) children = vtr_frame_reader_list_folder (argv[i], &error);

          if (children == NULL)
            {
              status = fail (g_steal_pointer (&error));
              continue;
            }
          for (guint k = 0; k < children->len; k++)
            g_ptr_array_add (files, g_strdup (g_ptr_array_index (children, k)));
        }
      else
        g_ptr_array_add (files, g_strdup (argv[i]));
    }

  decoder = vtr_decoder_new ();
  keys = load_trust (options);
  for (guint i = 0; i < files->len; i++)
    {
      ScanFile scan = { options, keys, g_ptr_array_index (files, i), decoder,
                        g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_code_free), 0 };

      /* An unreadable file is said, and the others are still scanned. */
      if (!vtr_frame_reader_read (scan.path, on_scan_frame, &scan, &error))
        status = fail (g_steal_pointer (&error));
      else if (scan.seen->len == 0 && !options->json)
        g_print (_("%s: no code found\n"), scan.path);
      g_ptr_array_unref (scan.seen);
    }

  return status;
}

/* A PIN typed on standard input, never on the command line (where other
 * users of the machine could see it). */
static char *
read_pin (void)
{
  char line[64];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
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
command_merchant (Options *options,
                  int      argc,
                  char   **argv)
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
print_receipt (Options                 *options,
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
command_loyalty (Options *options,
                 int      argc,
                 char   **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  g_autofree char *card_id = NULL;
  const char *session = options->session;
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;

  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);
  keys = vtr_trust_load (store, NULL);

  if (g_str_equal (action, "enrol"))
    {
      if (argc != 2)
        return usage_error (_("Usage: vitrine-ctl loyalty enrol [--phone NUMBER]"));
      if (!vtr_loyalty_enrol (store, session, options->phone, options->when, &receipt, &error))
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
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u blank card added.\n", "%u blank cards added.\n",
                            added),
               added);
      return EXIT_SUCCESS;
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
      g_autofree char *amount = options->amount ? g_strdup (options->amount) : NULL;

      if (amount)
        g_strdelimit (amount, ",", '.');
      euros = amount ? g_ascii_strtod (amount, &end) : 0;
      if (amount == NULL || end == amount || *end != '\0')
        return usage_error (_("Say the amount of the purchase with --amount, such as --amount 12.50"));
      if (options->products)
        {
          g_auto(GStrv) ids = g_strsplit (options->products, ",", -1);

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
print_order (Options        *options,
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
      vtr_json_add_string (builder, "pickup_code", order->pickup_code);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Order %s · %s · shop %lld · %s · %s\n"), order->number,
             vtr_order_state_to_string (order->state), (long long) order->merchant_id,
             order->first_name, total);
}

static int
command_order (Options *options,
               int      argc,
               char   **argv)
{
  g_autoptr(VtrStore) store = NULL;
  const char *session = options->session;
  const char *action = argc > 1 ? argv[1] : "";
  GError *error = NULL;

  if (!(store = vtr_store_open (options->data_dir, &error)))
    return fail (error);

  if (g_str_equal (action, "create") && argc == 2)
    {
      g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
      g_auto(GStrv) items = options->items ? g_strsplit (options->items, ",", -1) : NULL;
      g_autoptr(VtrOrder) order = NULL;

      if (options->merchant <= 0 || items == NULL)
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
      order = vtr_order_create (store, options->merchant, (const VtrOrderLine *) lines->data,
                                lines->len, options->locker, options->first_name, options->phone,
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
      g_autoptr(GPtrArray) orders = vtr_order_list (store, options->merchant, &error);

      if (orders == NULL)
        return fail (error);
      for (guint i = 0; i < orders->len; i++)
        print_order (options, g_ptr_array_index (orders, i));
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
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u order number added.\n",
                            "%u order numbers added.\n", added),
               added);
      return EXIT_SUCCESS;
    }

  return usage_error (_("Usage: vitrine-ctl order create|list|advance ORDER STATE|collect PICKUP-CODE|stock FILE"));
}

static int
command_outbox (Options *options,
                int      argc,
                char   **argv)
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

static int
command_demo (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  VtrDemoCounts counts;
  GError *error = NULL;

  if (argc != 2 || !g_str_equal (argv[1], "load"))
    return usage_error (_("Usage: vitrine-ctl demo load"));

  if (!(catalog = open_catalog (options, &error)) ||
      !vtr_demo_load (catalog, options->when, &counts, &error))
    return fail (error);

  g_print (_("Demo catalogue loaded: %u shops, %u products, %u stock lines, %u promotions, "
             "%u collection points.\n"),
           counts.merchants, counts.products, counts.stock, counts.promotions,
           counts.collection_points);
  return EXIT_SUCCESS;
}

static int
command_pair (Options *options,
              int      argc,
              char   **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrHubLink) link = NULL;
  GError *error = NULL;

  if (argc != 2)
    return usage_error (_("Usage: vitrine-ctl pair CODE (the pairing code, as scanned)"));
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(link = vtr_sync_pair (store, argv[1], options->hub ? options->hub : g_getenv ("VITRINE_HUB_URL"),
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
print_report (Options             *options,
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
}

static int
command_sync (Options *options,
              int      argc,
              char   **argv)
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

      if (!options->watch)
        {
          print_report (options, &report, local_error);
          return ok ? EXIT_SUCCESS : EXIT_FAILURE;
        }
      /* Watching: report only what changed or went wrong. */
      if (!ok || report.rows || report.deleted || report.sent)
        print_report (options, &report, local_error);
      failures = ok ? 0 : failures + 1;
      delay = ok ? interval : vtr_sync_retry_delay (failures, MIN (interval, 5), 15 * 60);
      g_usleep ((gulong) delay * G_USEC_PER_SEC);
    }
}

static char *
format_when (gint64 when)
{
  g_autoptr(GDateTime) time = NULL;

  if (when == 0)
    return g_strdup (_("never"));
  time = g_date_time_new_from_unix_utc (when);
  time = g_date_time_to_timezone (time, vtr_opening_hours_timezone ());
  return g_date_time_format (time, "%d/%m/%Y %H:%M");
}

static int
command_status (Options *options,
                int      argc,
                char   **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrSyncStatus) status = NULL;
  GError *error = NULL;
  gint64 now = g_date_time_to_unix (options->when);

  if (argc != 1)
    return usage_error (_("status takes no argument besides its options"));
  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !(status = vtr_sync_state_status (store, &error)))
    return fail (error);

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
  return EXIT_SUCCESS;
}

/* Where tickets go: --to, or the kiosk's printer (VITRINE_PRINTER). */
static char *
print_target (Options *options)
{
  return options->to ? g_strdup (options->to) : vtr_print_default_target ();
}

/* Queues the ticket and prints what waits; a ticket that cannot print now
 * stays queued, and the message says what to do at the counter. */
static int
print_ticket (Options         *options,
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
command_print (Options *options,
               int      argc,
               char   **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrTicket) ticket = NULL;
  VtrStore *store;
  GError *error = NULL;
  const char *what = argc > 1 ? argv[1] : "";

  if (!(catalog = open_catalog (options, &error)))
    return fail (error);
  store = vtr_catalog_get_store (catalog);

  if (g_str_equal (what, "order") && (argc == 3) != options->last)
    {
      g_autoptr(VtrOrder) order = vtr_order_get (store, options->last ? NULL : argv[2], &error);

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
      g_autoptr(VtrProduct) product = vtr_catalog_find_product (catalog, argv[2], &error);
      g_autoptr(VtrKeyList) keys = NULL;
      g_autoptr(VtrCodeInfo) info = NULL;

      if (product == NULL)
        return fail (error);
      if (options->code == NULL)
        return usage_error (_("A poster carries the code the federation signed for it: --code "
                              "'HTTPS://…' (vitrine-hub sign product ID --merchant SHOP)"));
      if (!(keys = vtr_trust_load (store, &error)))
        return fail (error);
      info = vtr_code_classify (options->code, -1, keys, options->when);
      if (info->kind != VTR_CODE_PRODUCT || info->verdict != VTR_VERDICT_TRUSTED ||
          info->code.product_id != product->id)
        {
          g_autofree char *why = vtr_verdict_describe (info);
          g_autofree char *message = g_strdup_printf (_("This code is not a valid ad for “%s”: %s"),
                                                      product->name, why);
          return usage_error (message);
        }
      ticket = vtr_ticket_new_poster (catalog, product, info->code.merchant_id, info->code.promotion_id,
                                      options->code, options->a4 ? VTR_TICKET_POSTER_A4 : VTR_TICKET_POSTER_A5,
                                      options->when);
    }
  else if (g_str_equal (what, "again") && argc == 2)
    {
      g_autoptr(VtrPrintJob) job = vtr_print_job_last (store, NULL, &error);

      if (job == NULL && error == NULL)
        return usage_error (_("Nothing was printed on this kiosk yet"));
      if (job == NULL || !(ticket = vtr_ticket_from_json (job->ticket, &error)))
        return fail (error);
      if (options->to == NULL)
        options->to = g_strdup (job->target);
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
command_printer (Options *options,
                 int      argc,
                 char   **argv)
{
  g_autoptr(VtrPrintTarget) target = NULL;
  g_autofree char *words = NULL;
  VtrPrinterStatus status;
  GError *error = NULL;

  if (argc != 3 || !g_str_equal (argv[1], "status"))
    return usage_error (_("Usage: vitrine-ctl printer status TARGET"));
  if (!(target = vtr_print_target_parse (argv[2], &error)) || !vtr_printer_get_status (target, &status, &error))
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

static const Command commands[] = {
  { "stockists", N_("QUERY"), N_("The nearest shops that have a product (barcode, number or name)"),
    TRUE, TRUE, TRUE, FALSE, command_stockists },
  { "search", N_("TEXT"), N_("Products, shops and services matching the words"),
    FALSE, TRUE, FALSE, TRUE, command_search },
  { "near", N_("SERVICE"), N_("The nearest shops offering a service"),
    TRUE, TRUE, FALSE, FALSE, command_near },
  { "promotions", "", N_("Current promotions, nearest first"),
    TRUE, TRUE, FALSE, FALSE, command_promotions },
  { "collect", N_("KIND"), N_("Collection points: clothes, cardboard, cooking-oil, parcel-locker"),
    TRUE, TRUE, FALSE, FALSE, command_collect },
  { "scan", N_("PATH…"), N_("Codes in image or video files, or folders of them"),
    FALSE, FALSE, FALSE, FALSE, command_scan },
  { "code", N_("inspect TEXT"), N_("What a scanned text is, and whether it can be trusted"),
    FALSE, FALSE, FALSE, FALSE, command_code },
  { "keys", N_("import FILE"), N_("Trust the federation’s signed key list (FILE or - for standard input)"),
    FALSE, FALSE, FALSE, FALSE, command_keys },
  { "merchant", N_("login|set-pin SHOP"), N_("Open a staff session with the shop’s PIN (on standard input)"),
    FALSE, FALSE, FALSE, FALSE, command_merchant },
  { "loyalty", N_("credit|redeem|balance|enrol|stock …"), N_("Loyalty points of a card"),
    FALSE, FALSE, FALSE, FALSE, command_loyalty },
  { "order", N_("create|list|advance|collect|stock …"), N_("Orders for click and collect"),
    FALSE, FALSE, FALSE, FALSE, command_order },
  { "outbox", "", N_("Events waiting for the federation’s acknowledgement"),
    FALSE, TRUE, FALSE, FALSE, command_outbox },
  { "demo", "load", N_("Replace the catalogue with the demo one (Marseille town centre)"),
    FALSE, FALSE, FALSE, FALSE, command_demo },
  { "pair", N_("CODE"), N_("Pair this kiosk with the federation’s hub (the scanned pairing code)"),
    FALSE, FALSE, FALSE, FALSE, command_pair },
  { "sync", "", N_("Send the kiosk’s events to the hub and download the catalogue’s changes"),
    FALSE, FALSE, FALSE, FALSE, command_sync },
  { "status", "", N_("The hub, how fresh the data is, events waiting"),
    FALSE, FALSE, FALSE, FALSE, command_status },
  { "print", N_("order|slip|card|poster|again|pending …"), N_("Print a ticket, a loyalty slip, a card or a poster"),
    FALSE, FALSE, FALSE, FALSE, command_print },
  { "printer", N_("status TARGET"), N_("Whether a ticket printer is ready (paper, cover)"),
    FALSE, FALSE, FALSE, FALSE, command_printer },
};

static void
print_usage (void)
{
  g_print ("%s\n  vitrine-ctl %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-11s %s\n", commands[i].name, _(commands[i].summary));
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
run_command (const Command *command,
             int            argc,
             char         **argv)
{
  g_auto(Options) options = { .limit = 10 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parameter = NULL;
  GOptionEntry entries[20];
  guint n = 0;

  entries[n++] = (GOptionEntry) { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.data_dir,
                                  N_("Folder of Vitrine’s data"), N_("DIR") };
  entries[n++] = (GOptionEntry) { "at", 0, 0, G_OPTION_ARG_STRING, &options.at,
                                  N_("Date and time for opening hours and promotions (ISO 8601, "
                                     "default now)"), N_("TIME") };
  if (command->needs_near || command->near_optional)
    entries[n++] = (GOptionEntry) { "near", 0, 0, G_OPTION_ARG_STRING, &options.near,
                                    N_("Where the shopper is, in degrees"), N_("LAT,LON") };
  if (command->has_limit)
    entries[n++] = (GOptionEntry) { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit,
                                    N_("How many results at most (default 10)"), N_("N") };
  if (command->has_open_now)
    entries[n++] = (GOptionEntry) { "open-now", 0, 0, G_OPTION_ARG_NONE, &options.open_now,
                                    N_("Only shops open now"), NULL };
  /* The counter's commands: a staff session, and the customer's phone. */
  if (command->func == command_order || command->func == command_loyalty)
    {
      entries[n++] = (GOptionEntry) { "session", 0, 0, G_OPTION_ARG_STRING, &options.session,
                                      N_("The staff session (default: VITRINE_SESSION)"), N_("TOKEN") };
      entries[n++] = (GOptionEntry) { "phone", 0, 0, G_OPTION_ARG_STRING, &options.phone,
                                      N_("The customer’s phone number"), N_("NUMBER") };
    }
  if (command->func == command_order)
    {
      entries[n++] = (GOptionEntry) { "merchant", 0, 0, G_OPTION_ARG_INT64, &options.merchant,
                                      N_("The shop"), N_("SHOP") };
      entries[n++] = (GOptionEntry) { "items", 0, 0, G_OPTION_ARG_STRING, &options.items,
                                      N_("What is ordered"), N_("PRODUCT:QUANTITY,…") };
      entries[n++] = (GOptionEntry) { "locker", 0, 0, G_OPTION_ARG_INT64, &options.locker,
                                      N_("Delivery to this parcel locker"), N_("LOCKER") };
      entries[n++] = (GOptionEntry) { "first-name", 0, 0, G_OPTION_ARG_STRING, &options.first_name,
                                      N_("The customer’s first name"), N_("NAME") };
    }
  if (command->func == command_loyalty)
    {
      entries[n++] = (GOptionEntry) { "amount", 0, 0, G_OPTION_ARG_STRING, &options.amount,
                                      N_("The purchase, in euros"), N_("EUROS") };
      entries[n++] = (GOptionEntry) { "products", 0, 0, G_OPTION_ARG_STRING, &options.products,
                                      N_("The products bought, for points promotions"), N_("ID,…") };
    }
  if (command->func == command_pair)
    entries[n++] = (GOptionEntry) { "hub", 0, 0, G_OPTION_ARG_STRING, &options.hub,
                                    N_("The hub’s address, when it is not the code’s (default: "
                                       "VITRINE_HUB_URL)"), N_("URL") };
  if (command->func == command_print)
    {
      entries[n++] = (GOptionEntry) { "to", 0, 0, G_OPTION_ARG_STRING, &options.to,
                                      N_("Where to print (default: VITRINE_PRINTER)"), N_("TARGET") };
      entries[n++] = (GOptionEntry) { "last", 0, 0, G_OPTION_ARG_NONE, &options.last,
                                      N_("With “order”: the last order taken here"), NULL };
      entries[n++] = (GOptionEntry) { "code", 0, 0, G_OPTION_ARG_STRING, &options.code,
                                      N_("With “poster”: the product’s signed code"), N_("CODE") };
      entries[n++] = (GOptionEntry) { "a4", 0, 0, G_OPTION_ARG_NONE, &options.a4,
                                      N_("With “poster”: A4 rather than A5"), NULL };
    }
  if (command->func == command_sync)
    entries[n++] = (GOptionEntry) { "watch", 0, 0, G_OPTION_ARG_NONE, &options.watch,
                                    N_("Keep syncing: every 30 s, retrying with growing delays when "
                                       "the hub cannot be reached"), NULL };
  if (command->func == command_keys)
    entries[n++] = (GOptionEntry) { "root", 0, 0, G_OPTION_ARG_STRING, &options.root,
                                    N_("The federation’s root public key, when pairing"), N_("KEY") };
  else if (command->func != command_demo)
    entries[n++] = (GOptionEntry) { "json", 0, 0, G_OPTION_ARG_NONE, &options.json,
                                    N_("One JSON object a line"), NULL };
  entries[n] = (GOptionEntry) { NULL };

  parameter = g_strdup_printf ("%s %s", command->name, command->args[0] ? _(command->args) : "");
  context = g_option_context_new (parameter);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (command->needs_near && options.near == NULL)
    return usage_error (_("Say where the shopper is with --near LAT,LON (the Vieux-Port is "
                          "--near 43.2951,5.3744)"));
  if (options.near && !vtr_position_parse (options.near, &options.position, &error))
    return usage_error (error->message);
  if (options.limit <= 0 || options.limit > 1000)
    return usage_error (_("--limit must be between 1 and 1000"));
  if (options.session == NULL)
    options.session = g_strdup (g_getenv ("VITRINE_SESSION"));

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
    if (g_str_equal (argv[1], commands[i].name))
      return run_command (&commands[i], argc - 1, argv + 1);

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”. Run “vitrine-ctl --help” "
                                                  "for the list."),
                                                argv[1]);
    return usage_error (message);
  }
}

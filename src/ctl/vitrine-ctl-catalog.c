#include "config.h"

#include "vitrine-ctl.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-demo.h"
#include "vtr-describe.h"
#include "vtr-gtin.h"
#include "vtr-json.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-text.h"

/*
 * Catalogue commands: stockists, search, near, promotions, collect and
 * demo. They read only the common options (--near, --limit, --open-now,
 * --at, --json).
 */

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
  vtr_json_add_string (builder, "audience", promotion->loyal_only ? "loyal" : "everyone");
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

/* A product as a person names it on the command line: a barcode, a
 * product number or words of its name. Digits are a barcode only if the
 * catalogue has that barcode; otherwise a product number, and a misread
 * barcode is said to be one only if no product has that number either. */
VtrProduct *
find_product (VtrCatalog *catalog,
              const char *query,
              GError    **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (query));
  g_autoptr(GError) as_gtin = NULL;
  g_autoptr(GError) as_number = NULL;
  VtrProduct *product;
  gint64 number;

  if (*trimmed == '\0' || strspn (trimmed, "0123456789") != strlen (trimmed))
    return vtr_catalog_find_product_by_name (catalog, trimmed, error);
  if (vtr_gtin_looks_like_gtin (trimmed))
    {
      product = vtr_catalog_find_product_by_gtin (catalog, trimmed, &as_gtin);
      if (product != NULL)
        return product;
      /* Only a barcode the catalogue lacks, or one misread, may be a
       * product number instead; a failing store is said at once. */
      if (!g_error_matches (as_gtin, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND) &&
          as_gtin->domain != VTR_GTIN_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&as_gtin));
          return NULL;
        }
    }
  number = g_ascii_strtoll (trimmed, NULL, 10);
  product = vtr_catalog_get_product (catalog, number, &as_number);
  if (product == NULL)
    {
      if (as_gtin != NULL && g_error_matches (as_number, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&as_gtin));
      else
        g_propagate_error (error, g_steal_pointer (&as_number));
    }
  return product;
}

static int
command_stockists (VtrCtlOptions  *options,
                   int             argc,
                   char          **argv)
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
      !(product = find_product (catalog, query, &error)) ||
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
command_search (VtrCtlOptions  *options,
                int             argc,
                char          **argv)
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
command_near (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
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
command_promotions (VtrCtlOptions  *options,
                    int             argc,
                    char          **argv)
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
command_collect (VtrCtlOptions  *options,
                 int             argc,
                 char          **argv)
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

static int
command_demo (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
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

const VtrCtlCommand vtr_ctl_stockists = {
  "stockists", N_("QUERY"), N_("The nearest shops that have a product (barcode, number or name)"),
  VTR_CTL_NEEDS_NEAR | VTR_CTL_LIMIT | VTR_CTL_OPEN_NOW, NULL, command_stockists
};

const VtrCtlCommand vtr_ctl_search = {
  "search", N_("TEXT"), N_("Products, shops and services matching the words"),
  VTR_CTL_NEAR_OPTIONAL | VTR_CTL_LIMIT, NULL, command_search
};

const VtrCtlCommand vtr_ctl_near = {
  "near", N_("SERVICE"), N_("The nearest shops offering a service"),
  VTR_CTL_NEEDS_NEAR | VTR_CTL_LIMIT, NULL, command_near
};

const VtrCtlCommand vtr_ctl_promotions = {
  "promotions", "", N_("Current promotions, nearest first"),
  VTR_CTL_NEEDS_NEAR | VTR_CTL_LIMIT, NULL, command_promotions
};

const VtrCtlCommand vtr_ctl_collect = {
  "collect", N_("KIND"), N_("Collection points: clothes, cardboard, cooking-oil, parcel-locker"),
  VTR_CTL_NEEDS_NEAR | VTR_CTL_LIMIT, NULL, command_collect
};

const VtrCtlCommand vtr_ctl_demo = {
  "demo", "load", N_("Replace the catalogue with the demo one (Marseille town centre)"),
  VTR_CTL_NO_JSON, NULL, command_demo
};

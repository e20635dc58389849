#include "config.h"

#include "vtr-catalog-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-i18n.h"

/*
 * The catalogue's structs: the names of its enums, prices and promotions
 * in words, freeing, and rows of the catalogue's tables turned into
 * structs (the *_COLUMNS of vtr-catalog-private.h, in order).
 */

/* Names of enums, as the hub's data and --json spell them. */

static const char * const availability_names[] = { "out-of-stock", "low", "in-stock" };
static const char * const promotion_kind_names[] = { "percent", "amount", "points", "buy-get" };
static const char * const collection_kind_names[] = {
  "clothes", "cardboard", "cooking-oil", "parcel-locker",
};
static const char * const collection_kind_labels[] = {
  N_("Clothes collection for people in need"),
  N_("Cardboard collection"),
  N_("Used cooking oil collection"),
  N_("Parcel locker"),
};

const char *
vtr_availability_to_string (VtrAvailability availability)
{
  g_return_val_if_fail (availability <= VTR_AVAILABILITY_IN_STOCK, NULL);
  return availability_names[availability];
}

const char *
vtr_promotion_kind_to_string (VtrPromotionKind kind)
{
  g_return_val_if_fail (kind <= VTR_PROMOTION_BUY_GET, NULL);
  return promotion_kind_names[kind];
}

gboolean
vtr_promotion_kind_from_string (const char       *text,
                                VtrPromotionKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (promotion_kind_names); i++)
    if (g_strcmp0 (text, promotion_kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
vtr_collection_kind_to_string (VtrCollectionKind kind)
{
  g_return_val_if_fail (kind <= VTR_COLLECTION_PARCEL_LOCKER, NULL);
  return collection_kind_names[kind];
}

const char *
vtr_collection_kind_label (VtrCollectionKind kind)
{
  g_return_val_if_fail (kind <= VTR_COLLECTION_PARCEL_LOCKER, NULL);
  return g_dgettext (GETTEXT_PACKAGE, collection_kind_labels[kind]);
}

gboolean
vtr_collection_kind_from_string (const char        *text,
                                 VtrCollectionKind *kind,
                                 GError           **error)
{
  g_autofree char *known = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (collection_kind_names); i++)
    if (g_strcmp0 (text, collection_kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }

  known = g_strjoinv (", ", (char **) collection_kind_names);
  g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_UNKNOWN_KIND,
               _("“%s” is not a kind of collection point. Known kinds: %s"), text, known);
  return FALSE;
}

/* A price as it is written in @language: "€2.35" in English, "2,35 €"
 * in French (and as most of Europe writes it). */
char *
vtr_price_format_in (gint64      cents,
                     const char *language)
{
  if (g_strcmp0 (language, "en") == 0)
    return g_strdup_printf ("%s€%" G_GINT64_FORMAT ".%02d", cents < 0 ? "-" : "",
                            ABS (cents) / 100, (int) (ABS (cents) % 100));
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ",%02d €", cents < 0 ? "-" : "",
                          ABS (cents) / 100, (int) (ABS (cents) % 100));
}

/* A price in the language messages are shown in now. */
char *
vtr_price_format (gint64 cents)
{
  g_autofree char *language = vtr_i18n_get_language ();

  return vtr_price_format_in (cents, language);
}

char *
vtr_promotion_describe (const VtrPromotion *promotion)
{
  g_autofree char *amount = NULL;

  switch (promotion->kind)
    {
    case VTR_PROMOTION_PERCENT:
      return g_strdup_printf (_("%d%% off"), promotion->value);
    case VTR_PROMOTION_AMOUNT:
      amount = vtr_price_format (promotion->value);
      return g_strdup_printf (_("%s off"), amount);
    case VTR_PROMOTION_POINTS:
      return g_strdup_printf (_("Loyalty points ×%d"), promotion->value);
    case VTR_PROMOTION_BUY_GET:
      return g_strdup_printf (_("Buy %d, get %d free"), promotion->buy, promotion->get);
    default:
      g_assert_not_reached ();
    }
}

/**
 * vtr_promotion_headline:
 *
 * What a shopper reads of a promotion: the merchant's own words, word
 * for word, when they typed some ("Soldes d'hiver"), then its values in
 * words ("20% off"), and who it is for when only loyalty card holders
 * get it.
 */
char *
vtr_promotion_headline (const VtrPromotion *promotion)
{
  g_autofree char *values = NULL;
  g_autofree char *words = NULL;

  g_return_val_if_fail (promotion != NULL, NULL);

  values = vtr_promotion_describe (promotion);
  if (promotion->title && *promotion->title && g_strcmp0 (promotion->title, values) != 0)
    /* TRANSLATORS: the merchant's words for a promotion, then its values ("20% off") */
    words = g_strdup_printf (_("%s · %s"), promotion->title, values);
  else
    words = g_steal_pointer (&values);
  if (!promotion->loyal_only)
    return g_steal_pointer (&words);
  /* TRANSLATORS: a promotion's words, then who it is for */
  return g_strdup_printf (_("%s (loyalty card holders only)"), words);
}

/**
 * vtr_promotion_line_total:
 * @unit_cents: the shop's price of one
 * @quantity: how many are bought
 *
 * What @quantity of a product at @unit_cents cost with @promotion: a
 * percent off each (rounded to the nearest cent), an amount off each
 * (never below 0), the free ones of "buy X get Y" (of each X + Y taken, Y
 * are free). Points ×N change the points credited, not the price.
 */
gint64
vtr_promotion_line_total (const VtrPromotion *promotion,
                          gint64              unit_cents,
                          int                 quantity)
{
  gint64 full = unit_cents * quantity;

  g_return_val_if_fail (promotion != NULL, full);

  switch (promotion->kind)
    {
    case VTR_PROMOTION_PERCENT:
      return full - (full * CLAMP (promotion->value, 0, 100) + 50) / 100;
    case VTR_PROMOTION_AMOUNT:
      return MAX (unit_cents - promotion->value, 0) * quantity;
    case VTR_PROMOTION_BUY_GET:
      if (promotion->buy <= 0 || promotion->get <= 0)
        return full;
      return full - unit_cents * (gint64) promotion->get * (quantity / (promotion->buy + promotion->get));
    case VTR_PROMOTION_POINTS:
    default:
      return full;
    }
}

/**
 * vtr_promotion_best:
 * @promotions: (element-type VtrPromotion): those running for a product
 *   at a shop
 * @loyal: whether the customer showed a loyalty card
 * @total_cents: (out): what the line costs with the promotion returned
 *
 * The promotion that makes a line cheapest for this customer: those for
 * loyalty card holders only count when @loyal. Promotions do not add up.
 *
 * Returns: (transfer none) (nullable): the promotion applied, or %NULL
 *   when none lowers the price
 */
const VtrPromotion *
vtr_promotion_best (GPtrArray *promotions,
                    gint64     unit_cents,
                    int        quantity,
                    gboolean   loyal,
                    gint64    *total_cents)
{
  const VtrPromotion *best = NULL;
  gint64 total = unit_cents * quantity;

  for (guint i = 0; promotions && i < promotions->len; i++)
    {
      const VtrPromotion *promotion = g_ptr_array_index (promotions, i);
      gint64 with;

      if (promotion->loyal_only && !loyal)
        continue;
      with = vtr_promotion_line_total (promotion, unit_cents, quantity);
      if (with < total)
        {
          total = with;
          best = promotion;
        }
    }
  if (total_cents)
    *total_cents = total;
  return best;
}

/* Freeing. */

void
vtr_product_free (VtrProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->gtin);
  g_free (product->name);
  g_free (product->brand);
  g_free (product->category);
  g_free (product);
}

void
vtr_merchant_free (VtrMerchant *merchant)
{
  if (merchant == NULL)
    return;
  g_free (merchant->name);
  g_strfreev (merchant->services);
  g_free (merchant->address);
  g_free (merchant->postcode);
  g_free (merchant->city);
  g_free (merchant->phone);
  g_free (merchant->opening_hours);
  g_free (merchant->association);
  g_free (merchant);
}

void
vtr_promotion_free (VtrPromotion *promotion)
{
  if (promotion == NULL)
    return;
  g_free (promotion->category);
  g_free (promotion->title);
  g_free (promotion);
}

void
vtr_collection_point_free (VtrCollectionPoint *point)
{
  if (point == NULL)
    return;
  g_free (point->name);
  g_free (point->address);
  g_free (point->opening_hours);
  g_free (point);
}

void
vtr_reward_free (VtrReward *reward)
{
  if (reward == NULL)
    return;
  g_free (reward->title);
  g_free (reward);
}

static void
place_clear (VtrPlace *place)
{
  g_clear_pointer (&place->merchant, vtr_merchant_free);
  g_clear_pointer (&place->open.next_change, g_date_time_unref);
}

void
vtr_place_free (VtrPlace *place)
{
  if (place == NULL)
    return;
  place_clear (place);
  g_free (place);
}

void
vtr_stockist_free (VtrStockist *stockist)
{
  if (stockist == NULL)
    return;
  place_clear (&stockist->place);
  g_clear_pointer (&stockist->promotions, g_ptr_array_unref);
  g_free (stockist);
}

void
vtr_promotion_offer_free (VtrPromotionOffer *offer)
{
  if (offer == NULL)
    return;
  vtr_promotion_free (offer->promotion);
  place_clear (&offer->place);
  vtr_product_free (offer->product);
  g_free (offer);
}

void
vtr_collection_place_free (VtrCollectionPlace *place)
{
  if (place == NULL)
    return;
  vtr_collection_point_free (place->point);
  vtr_merchant_free (place->merchant);
  g_clear_pointer (&place->open.next_change, g_date_time_unref);
  g_free (place);
}

void
vtr_search_results_free (VtrSearchResults *results)
{
  if (results == NULL)
    return;
  g_clear_pointer (&results->products, g_ptr_array_unref);
  g_clear_pointer (&results->merchants, g_ptr_array_unref);
  g_clear_pointer (&results->services, g_array_unref);
  g_free (results);
}

/* Rows to structs. */

char *
vtr_catalog_column_strdup (sqlite3_stmt *stmt,
                           int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text ? g_strdup (text) : NULL;
}

VtrMerchant *
vtr_merchant_from_row (sqlite3_stmt *stmt,
                       int           first)
{
  VtrMerchant *merchant = g_new0 (VtrMerchant, 1);
  const char *services = (const char *) sqlite3_column_text (stmt, first + 2);

  merchant->id = sqlite3_column_int64 (stmt, first);
  merchant->name = vtr_catalog_column_strdup (stmt, first + 1);
  merchant->services = services && *services ? g_strsplit (services, " ", -1) : g_new0 (char *, 1);
  merchant->address = vtr_catalog_column_strdup (stmt, first + 3);
  merchant->postcode = vtr_catalog_column_strdup (stmt, first + 4);
  merchant->city = vtr_catalog_column_strdup (stmt, first + 5);
  merchant->position.lat = sqlite3_column_double (stmt, first + 6);
  merchant->position.lon = sqlite3_column_double (stmt, first + 7);
  merchant->phone = vtr_catalog_column_strdup (stmt, first + 8);
  merchant->opening_hours = vtr_catalog_column_strdup (stmt, first + 9);
  merchant->association = vtr_catalog_column_strdup (stmt, first + 10);
  return merchant;
}

VtrProduct *
vtr_product_from_row (sqlite3_stmt *stmt,
                      int           first)
{
  VtrProduct *product = g_new0 (VtrProduct, 1);

  product->id = sqlite3_column_int64 (stmt, first);
  product->gtin = vtr_catalog_column_strdup (stmt, first + 1);
  product->name = vtr_catalog_column_strdup (stmt, first + 2);
  product->brand = vtr_catalog_column_strdup (stmt, first + 3);
  product->category = vtr_catalog_column_strdup (stmt, first + 4);
  return product;
}

VtrPromotion *
vtr_promotion_from_row (sqlite3_stmt *stmt,
                        int           first)
{
  VtrPromotion *promotion = g_new0 (VtrPromotion, 1);

  promotion->id = sqlite3_column_int64 (stmt, first);
  promotion->merchant_id = sqlite3_column_int64 (stmt, first + 1);
  promotion->product_id = sqlite3_column_int64 (stmt, first + 2);
  promotion->category = vtr_catalog_column_strdup (stmt, first + 3);
  promotion->kind = sqlite3_column_int (stmt, first + 4);
  promotion->value = sqlite3_column_int (stmt, first + 5);
  promotion->buy = sqlite3_column_int (stmt, first + 6);
  promotion->get = sqlite3_column_int (stmt, first + 7);
  promotion->starts = sqlite3_column_int64 (stmt, first + 8);
  promotion->ends = sqlite3_column_int64 (stmt, first + 9);
  promotion->title = vtr_catalog_column_strdup (stmt, first + 10);
  promotion->loyal_only = sqlite3_column_int (stmt, first + 11) == 1;
  return promotion;
}

#include "config.h"

#include "vtr-catalog-private.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-text.h"

/*
 * Reading the catalogue: a shop, a product (by number, barcode or name),
 * the nearest stockists, search, the shops of a service, promotions and
 * collection points near a place. Distances are computed in C over the
 * few rows an index hands back.
 */

/* Reading. */

static void
open_state_compute (VtrCatalog   *self,
                    const char   *text,
                    GDateTime    *at,
                    VtrOpenState *state)
{
  VtrOpeningHours *hours;

  memset (state, 0, sizeof *state);
  if (text == NULL || *text == '\0' || at == NULL)
    return;

  if (!g_hash_table_lookup_extended (self->hours, text, NULL, (gpointer *) &hours))
    {
      hours = vtr_opening_hours_parse (text, NULL);
      g_hash_table_insert (self->hours, g_strdup (text), hours);
    }
  if (hours == NULL)
    return;

  state->known = TRUE;
  state->open = vtr_opening_hours_is_open (hours, at, &state->next_change);
}

/**
 * vtr_catalog_open_state:
 * @opening_hours: a place's hours, in the OSM syntax
 *
 * Whether the place is open at @at, and until or from when; clear it with
 * g_clear_pointer (&state->next_change, g_date_time_unref).
 */
void
vtr_catalog_open_state (VtrCatalog   *self,
                        const char   *opening_hours,
                        GDateTime    *at,
                        VtrOpenState *state)
{
  g_return_if_fail (VTR_IS_CATALOG (self));
  open_state_compute (self, opening_hours, at, state);
}

static void
place_init (VtrCatalog        *self,
            VtrPlace          *place,
            VtrMerchant       *merchant,
            const VtrPosition *near,
            GDateTime         *at)
{
  place->merchant = merchant;
  place->distance_m = near ? vtr_distance_m (near, &merchant->position) : 0.0;
  place->walking_minutes = near ? vtr_walking_minutes (place->distance_m) : 0;
  open_state_compute (self, merchant->opening_hours, at, &place->open);
}

static gboolean
check_position (const VtrPosition *near,
                GError           **error)
{
  if (near != NULL && !vtr_position_is_valid (near))
    {
      g_set_error (error, VTR_GEO_ERROR, VTR_GEO_ERROR_OUT_OF_RANGE,
                   _("Position %g,%g is out of range: latitude goes from -90 to 90 and "
                     "longitude from -180 to 180"),
                   near->lat, near->lon);
      return FALSE;
    }
  return TRUE;
}


VtrMerchant *
vtr_catalog_get_merchant (VtrCatalog *self,
                          gint64      id,
                          GError    **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);

  stmt = vtr_store_statement (self->store,
                              "SELECT " MERCHANT_COLUMNS " FROM merchant m WHERE m.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (vtr_catalog_step_row (self, stmt, &failed, error))
    return vtr_merchant_from_row (stmt, 0);
  if (!failed)
    g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                 _("No shop number %lld in the catalogue"), (long long) id);
  return NULL;
}

/* A collection point or parcel locker, by its id. */
VtrCollectionPoint *
vtr_catalog_get_collection_point (VtrCatalog *self,
                                  gint64      id,
                                  GError    **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;
  VtrCollectionPoint *point;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);

  stmt = vtr_store_statement (self->store,
                              "SELECT id, kind, name, coalesce (merchant_id, 0), address, lat, lon, "
                              "  opening_hours FROM collection_point WHERE id = ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!vtr_catalog_step_row (self, stmt, &failed, error))
    {
      if (!failed)
        g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                     _("No collection point number %lld in the catalogue"), (long long) id);
      return NULL;
    }
  point = g_new0 (VtrCollectionPoint, 1);
  point->id = sqlite3_column_int64 (stmt, 0);
  point->kind = sqlite3_column_int (stmt, 1);
  point->name = vtr_catalog_column_strdup (stmt, 2);
  point->merchant_id = sqlite3_column_int64 (stmt, 3);
  point->address = vtr_catalog_column_strdup (stmt, 4);
  point->position.lat = sqlite3_column_double (stmt, 5);
  point->position.lon = sqlite3_column_double (stmt, 6);
  point->opening_hours = vtr_catalog_column_strdup (stmt, 7);
  return point;
}

/**
 * vtr_catalog_get_stock:
 *
 * What a shop has of a product: its price and availability.
 *
 * Returns: %FALSE with %VTR_CATALOG_ERROR_NOT_FOUND when the shop does
 *   not sell it
 */
gboolean
vtr_catalog_get_stock (VtrCatalog *self,
                       gint64      product_id,
                       gint64      merchant_id,
                       VtrStock   *stock,
                       GError    **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);

  stmt = vtr_store_statement (self->store,
                              "SELECT price_cents, availability, updated FROM stock "
                              "WHERE product_id = ? AND merchant_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product_id);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  if (!vtr_catalog_step_row (self, stmt, &failed, error))
    {
      if (!failed)
        g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                     _("This shop does not sell this product"));
      return FALSE;
    }
  *stock = (VtrStock) { product_id, merchant_id, sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1),
                        sqlite3_column_int64 (stmt, 2) };
  return TRUE;
}

static VtrProduct *
product_by (VtrCatalog  *self,
            const char  *sql,
            const char  *text,
            gint64       id,
            gboolean    *failed,
            GError     **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (self->store, sql, error);

  if (stmt == NULL)
    {
      *failed = TRUE;
      return NULL;
    }
  if (text)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  if (vtr_catalog_step_row (self, stmt, failed, error))
    return vtr_product_from_row (stmt, 0);
  return NULL;
}

static VtrProduct *
product_by_id (VtrCatalog  *self,
               gint64       product_id,
               GError     **error)
{
  gboolean failed = FALSE;
  VtrProduct *product = product_by (self, "SELECT " PRODUCT_COLUMNS " FROM product p WHERE p.id = ?", NULL,
                                    product_id, &failed, error);

  if (product == NULL && !failed)
    g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                 _("No product number %lld in the catalogue"), (long long) product_id);
  return product;
}

/* bm25 costs about a microsecond per matching row, and one unspecific word
 * ("bio", a big brand) can match a tenth of the catalogue. So at most this
 * many matches are ranked; add_ranked_products() is called with the most
 * telling column first so the bound rarely matters. */
#define RANKED_MATCHES_MAX 400

static gboolean
add_ranked_products (VtrCatalog  *self,
                     GPtrArray   *products,
                     const char  *match,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;

  if (products->len >= limit)
    return TRUE;

  stmt = vtr_store_statement (self->store,
                              "SELECT " PRODUCT_COLUMNS " FROM ("
                              "  SELECT rowid AS id, rank FROM product_text"
                              "  WHERE product_text MATCH ?1 LIMIT ?2) AS t "
                              "JOIN product p ON p.id = t.id ORDER BY t.rank",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, RANKED_MATCHES_MAX);

  while (products->len < limit && vtr_catalog_step_row (self, stmt, &failed, error))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean seen = FALSE;

      for (guint i = 0; i < products->len && !seen; i++)
        seen = ((VtrProduct *) g_ptr_array_index (products, i))->id == id;
      if (!seen)
        g_ptr_array_add (products, vtr_product_from_row (stmt, 0));
    }

  return !failed;
}

/**
 * vtr_catalog_get_product:
 * @product_id: the product's number in the catalogue
 *
 * Returns: (transfer full) (nullable): the product with that number, or
 * %NULL with %VTR_CATALOG_ERROR_NOT_FOUND. A number is never read as a
 * barcode, even one of 8 or 13 digits.
 */
VtrProduct *
vtr_catalog_get_product (VtrCatalog *self,
                         gint64      product_id,
                         GError    **error)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);

  return product_by_id (self, product_id, error);
}

/**
 * vtr_catalog_find_product_by_gtin:
 * @gtin: a GTIN-8, UPC-A, EAN-13 or GTIN-14, as printed under a barcode
 *
 * Returns: (transfer full) (nullable): the product with that barcode; or
 * %NULL with a #VTR_GTIN_ERROR if @gtin is not a barcode or was misread,
 * or %VTR_CATALOG_ERROR_NOT_FOUND.
 */
VtrProduct *
vtr_catalog_find_product_by_gtin (VtrCatalog *self,
                                  const char *gtin,
                                  GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *normalized = NULL;
  VtrProduct *product;
  gboolean failed = FALSE;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (gtin != NULL, NULL);

  trimmed = g_strstrip (g_strdup (gtin));
  normalized = vtr_gtin_normalize (trimmed, error);
  if (normalized == NULL)
    return NULL;
  product = product_by (self, "SELECT " PRODUCT_COLUMNS " FROM product p WHERE p.gtin = ?",
                        normalized, 0, &failed, error);
  if (product == NULL && !failed)
    g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                 _("No product with barcode %s in the catalogue"), trimmed);
  return product;
}

/**
 * vtr_catalog_find_product_by_name:
 * @words: words of the product's name or brand, in any case or accents
 *
 * Returns: (transfer full) (nullable): the product that matches @words
 * best (in its name first), or %NULL with %VTR_CATALOG_ERROR_NOT_FOUND.
 */
VtrProduct *
vtr_catalog_find_product_by_name (VtrCatalog *self,
                                  const char *words,
                                  GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *match = NULL;
  g_autofree char *in_name = NULL;
  g_autoptr(GPtrArray) best = NULL;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (words != NULL, NULL);

  trimmed = g_strstrip (g_strdup (words));
  match = vtr_text_fts_query (trimmed);
  best = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_product_free);
  if (match != NULL)
    {
      in_name = g_strdup_printf ("{name} : (%s)", match);
      if (!add_ranked_products (self, best, in_name, 1, error) ||
          !add_ranked_products (self, best, match, 1, error))
        return NULL;
    }
  if (best->len == 0)
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                   _("No product matches “%s”"), trimmed);
      return NULL;
    }
  return g_ptr_array_steal_index (best, 0);
}

typedef struct
{
  gint64 id;
  double distance_m;
  gint64 price_cents;
  int    availability;
  gint64 updated;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->distance_m != cb->distance_m)
    return ca->distance_m < cb->distance_m ? -1 : 1;
  return ca->id < cb->id ? -1 : ca->id > cb->id;
}

/* Runs @stmt, whose rows start with (id, lat, lon), and returns them nearest
 * first. Extra columns (price, availability, updated) are kept if present. */
static GArray *
nearest_candidates (VtrCatalog        *self,
                    sqlite3_stmt      *stmt,
                    const VtrPosition *near,
                    GError           **error)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  gboolean has_stock = sqlite3_column_count (stmt) >= 6;
  gboolean failed = FALSE;

  while (vtr_catalog_step_row (self, stmt, &failed, error))
    {
      Candidate c = { 0 };
      VtrPosition position = { sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2) };

      c.id = sqlite3_column_int64 (stmt, 0);
      c.distance_m = near ? vtr_distance_m (near, &position) : 0.0;
      if (has_stock)
        {
          c.price_cents = sqlite3_column_int64 (stmt, 3);
          c.availability = sqlite3_column_int (stmt, 4);
          c.updated = sqlite3_column_int64 (stmt, 5);
        }
      g_array_append_val (candidates, c);
    }
  if (failed)
    return NULL;

  g_array_sort (candidates, compare_candidates);
  return g_steal_pointer (&candidates);
}

static GPtrArray *
promotions_for (VtrCatalog       *self,
                gint64            merchant_id,
                const VtrProduct *product,
                gint64            now,
                GError          **error)
{
  g_autoptr(GPtrArray) promotions = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_free);
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;

  stmt = vtr_store_statement (self->store,
                              "SELECT " PROMOTION_COLUMNS " FROM promotion r "
                              "WHERE r.merchant_id = ?1 AND r.ends > ?3 AND r.starts <= ?3 "
                              "  AND (r.product_id = ?2 OR r.category = ?4) "
                              "ORDER BY r.id",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, product->id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_text (stmt, 4, product->category, -1, SQLITE_STATIC);

  while (vtr_catalog_step_row (self, stmt, &failed, error))
    g_ptr_array_add (promotions, vtr_promotion_from_row (stmt, 0));
  if (failed)
    return NULL;
  return g_steal_pointer (&promotions);
}

/**
 * vtr_catalog_promotions_at:
 * @at: when
 *
 * The promotions of a shop running at @at on a product, or on its
 * category: what a basket may apply to it (vtr_promotion_best()).
 *
 * Returns: (transfer container) (element-type VtrPromotion)
 */
GPtrArray *
vtr_catalog_promotions_at (VtrCatalog  *self,
                           gint64       merchant_id,
                           gint64       product_id,
                           GDateTime   *at,
                           GError     **error)
{
  g_autoptr(VtrProduct) product = NULL;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (at != NULL, NULL);

  product = vtr_catalog_get_product (self, product_id, error);
  if (product == NULL)
    return NULL;
  return promotions_for (self, merchant_id, product, g_date_time_to_unix (at), error);
}

/* One stockist of a candidate: the shop, how far and whether it is open,
 * its price and stock, the promotions that apply. NULL without an error
 * when the flags leave it out. */
static VtrStockist *
stockist_new (VtrCatalog        *self,
              const Candidate   *c,
              const VtrProduct  *product,
              const VtrPosition *near,
              GDateTime         *at,
              VtrStockistsFlags  flags,
              GError           **error)
{
  g_autoptr(VtrStockist) stockist = g_new0 (VtrStockist, 1);
  VtrMerchant *merchant = vtr_catalog_get_merchant (self, c->id, error);

  if (merchant == NULL)
    return NULL;
  place_init (self, &stockist->place, merchant, near, at);
  if ((flags & VTR_STOCKISTS_OPEN_NOW) && !stockist->place.open.open)
    return NULL;
  stockist->price_cents = c->price_cents;
  stockist->availability = c->availability;
  stockist->updated = c->updated;
  stockist->promotions = promotions_for (self, c->id, product, g_date_time_to_unix (at), error);
  if (stockist->promotions == NULL)
    return NULL;
  return g_steal_pointer (&stockist);
}

/**
 * vtr_catalog_nearest_stockists:
 * @near: where the shopper stands
 * @at: the time for opening hours and promotions
 * @limit: how many shops at most
 *
 * Returns: (transfer full) (element-type VtrStockist): the nearest shops that
 * have the product (in stock or running low), nearest first.
 */
GPtrArray *
vtr_catalog_nearest_stockists (VtrCatalog        *self,
                               gint64             product_id,
                               const VtrPosition *near,
                               GDateTime         *at,
                               guint              limit,
                               VtrStockistsFlags  flags,
                               GError           **error)
{
  g_autoptr(GPtrArray) stockists = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_stockist_free);
  g_autoptr(VtrProduct) product = NULL;
  g_autoptr(GArray) candidates = NULL;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (near != NULL && at != NULL, NULL);

  if (!check_position (near, error))
    return NULL;

  product = product_by_id (self, product_id, error);
  if (product == NULL)
    return NULL;

  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (self->store,
                           "SELECT s.merchant_id, m.lat, m.lon, s.price_cents, s.availability, "
                           "  s.updated "
                           "FROM stock s JOIN merchant m ON m.id = s.merchant_id "
                           "WHERE s.product_id = ? AND s.availability > 0",
                           error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, product_id);
    candidates = nearest_candidates (self, stmt, near, error);
    if (candidates == NULL)
      return NULL;
  }

  for (guint i = 0; i < candidates->len && stockists->len < limit; i++)
    {
      GError *local_error = NULL;
      VtrStockist *stockist = stockist_new (self, &g_array_index (candidates, Candidate, i), product, near, at,
                                            flags, &local_error);

      if (local_error)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (stockist)
        g_ptr_array_add (stockists, stockist);
    }

  return g_steal_pointer (&stockists);
}

/**
 * vtr_catalog_get_stockist:
 * @near: where the shopper stands
 * @at: the time for opening hours and promotions
 *
 * One shop's entry for a product, however far it is: what the nearest
 * stockists list would show for it (a poster's shop may be across town).
 *
 * Returns: (transfer full): the stockist, or %NULL with
 * %VTR_CATALOG_ERROR_NOT_FOUND when the shop has none of it right now.
 */
VtrStockist *
vtr_catalog_get_stockist (VtrCatalog        *self,
                          gint64             product_id,
                          gint64             merchant_id,
                          const VtrPosition *near,
                          GDateTime         *at,
                          GError           **error)
{
  g_autoptr(VtrProduct) product = NULL;
  VtrStock stock;
  Candidate candidate;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (near != NULL && at != NULL, NULL);

  if (!check_position (near, error) ||
      !(product = product_by_id (self, product_id, error)) ||
      !vtr_catalog_get_stock (self, product_id, merchant_id, &stock, error))
    return NULL;
  if (stock.availability == VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                   _("This shop has none left right now"));
      return NULL;
    }
  candidate = (Candidate) { merchant_id, 0, stock.price_cents, stock.availability, stock.updated };
  return stockist_new (self, &candidate, product, near, at, VTR_STOCKISTS_DEFAULT, error);
}


static GPtrArray *
places_from_candidates (VtrCatalog        *self,
                        GArray            *candidates,
                        const VtrPosition *near,
                        GDateTime         *at,
                        guint              limit,
                        GError           **error)
{
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_place_free);

  for (guint i = 0; i < candidates->len && places->len < limit; i++)
    {
      VtrMerchant *merchant = vtr_catalog_get_merchant (self, g_array_index (candidates, Candidate, i).id,
                                                        error);
      VtrPlace *place;

      if (merchant == NULL)
        return NULL;
      place = g_new0 (VtrPlace, 1);
      place_init (self, place, merchant, near, at);
      g_ptr_array_add (places, place);
    }

  return g_steal_pointer (&places);
}

static gboolean
words_match (const char *folded_query,
             const char *text)
{
  g_autofree char *folded = vtr_text_fold (text);
  g_auto(GStrv) words = g_strsplit_set (folded_query, " \t-'’", -1);
  gboolean any = FALSE;

  for (guint i = 0; words[i]; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (!vtr_text_has_prefix_word (folded, words[i]))
        return FALSE;
      any = TRUE;
    }
  return any;
}

static gboolean
service_matches (const VtrService *service,
                 const char       *folded_query)
{
  return words_match (folded_query, service->id) ||
         words_match (folded_query, vtr_service_label (service));
}

static guint
count_service_members (VtrCatalog  *self,
                       const char  *service_id,
                       gboolean    *failed,
                       GError     **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (self->store, "SELECT count(*) FROM merchant_service WHERE service = ?",
                         error);

  if (stmt == NULL)
    {
      *failed = TRUE;
      return 0;
    }
  sqlite3_bind_text (stmt, 1, service_id, -1, SQLITE_STATIC);
  if (vtr_catalog_step_row (self, stmt, failed, error))
    return sqlite3_column_int (stmt, 0);
  return 0;
}

/**
 * vtr_catalog_search:
 * @text: what the shopper typed; case, accents and word endings do not matter
 * @near: (nullable): where the shopper stands, to sort shops by distance
 *
 * Returns: (transfer full): the products, shops and services matching @text.
 */
VtrSearchResults *
vtr_catalog_search (VtrCatalog        *self,
                    const char        *text,
                    const VtrPosition *near,
                    GDateTime         *at,
                    guint              limit,
                    GError           **error)
{
  g_autoptr(VtrSearchResults) results = g_new0 (VtrSearchResults, 1);
  g_autofree char *match = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *folded = NULL;
  g_autoptr(GArray) candidates = NULL;
  gboolean failed = FALSE;
  guint n_services;
  const VtrService *services;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!check_position (near, error))
    return NULL;

  results->products = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_product_free);
  results->services = g_array_new (FALSE, TRUE, sizeof (VtrServiceMatch));

  match = vtr_text_fts_query (text);
  if (match == NULL)
    {
      results->merchants = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_place_free);
      return g_steal_pointer (&results);
    }

  /* A barcode typed in: that product first. */
  trimmed = g_strstrip (g_strdup (text));
  if (vtr_gtin_looks_like_gtin (trimmed))
    {
      g_autofree char *gtin = vtr_gtin_normalize (trimmed, NULL);
      VtrProduct *product = NULL;

      if (gtin)
        product = product_by (self, "SELECT " PRODUCT_COLUMNS " FROM product p WHERE p.gtin = ?",
                              gtin, 0, &failed, error);
      if (failed)
        return NULL;
      if (product)
        g_ptr_array_add (results->products, product);
    }

  /* Products whose name matches first, then those matching by brand or
   * category. */
  {
    g_autofree char *in_name = g_strdup_printf ("{name} : (%s)", match);

    if (!add_ranked_products (self, results->products, in_name, limit, error) ||
        !add_ranked_products (self, results->products, match, limit, error))
      return NULL;
  }

  {
    /* Without a position the best text matches come first; with one, the
     * nearest of the matching shops. */
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (self->store,
                           near ? "SELECT m.id, m.lat, m.lon FROM merchant_text "
                                  "JOIN merchant m ON m.id = merchant_text.rowid "
                                  "WHERE merchant_text MATCH ?1"
                                : "SELECT m.id, m.lat, m.lon FROM merchant_text "
                                  "JOIN merchant m ON m.id = merchant_text.rowid "
                                  "WHERE merchant_text MATCH ?1 ORDER BY rank LIMIT ?2",
                           error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
    if (!near)
      sqlite3_bind_int (stmt, 2, limit);
    if (near)
      candidates = nearest_candidates (self, stmt, near, error);
    else
      {
        candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
        while (vtr_catalog_step_row (self, stmt, &failed, error))
          {
            Candidate c = { .id = sqlite3_column_int64 (stmt, 0) };
            g_array_append_val (candidates, c);
          }
        if (failed)
          g_clear_pointer (&candidates, g_array_unref);
      }
  }
  if (candidates == NULL)
    return NULL;

  results->merchants = places_from_candidates (self, candidates, near, at, limit, error);
  if (results->merchants == NULL)
    return NULL;

  folded = vtr_text_fold (text);
  services = vtr_service_all (&n_services);
  for (guint i = 0; i < n_services; i++)
    if (service_matches (&services[i], folded))
      {
        VtrServiceMatch service_match = { services[i].id, 0 };

        service_match.n_merchants = count_service_members (self, services[i].id, &failed, error);
        if (failed)
          return NULL;
        g_array_append_val (results->services, service_match);
      }

  return g_steal_pointer (&results);
}

/* The service the shopper means by @text: its id, or words of its name that
 * fit no other service. */
static const VtrService *
resolve_service (const char *text,
                 GError    **error)
{
  const VtrService *service = vtr_service_lookup (text);
  g_autofree char *folded = NULL;
  g_autoptr(GString) known = NULL;
  const VtrService *all;
  const VtrService *found = NULL;
  guint n_all, n_found = 0;

  if (service != NULL)
    return service;

  folded = vtr_text_fold (text);
  all = vtr_service_all (&n_all);
  for (guint i = 0; i < n_all; i++)
    if (service_matches (&all[i], folded))
      {
        found = &all[i];
        n_found++;
      }
  if (n_found == 1)
    return found;

  known = g_string_new (NULL);
  for (guint i = 0; i < n_all; i++)
    if (n_found == 0 || service_matches (&all[i], folded))
      g_string_append_printf (known, "%s%s", known->len ? ", " : "", all[i].id);

  g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_UNKNOWN_KIND,
               n_found == 0 ? _("“%s” is not a service of the federation’s shops. Known services: %s")
                            : _("“%s” could mean several services: %s"),
               text, known->str);
  return NULL;
}

/**
 * vtr_catalog_near_service:
 * @service_id: a service id ("boulangerie"), or words of its name
 *
 * Returns: (transfer full) (element-type VtrPlace): the shops offering the
 * service, nearest first.
 */
GPtrArray *
vtr_catalog_near_service (VtrCatalog        *self,
                          const char        *service_id,
                          const VtrPosition *near,
                          GDateTime         *at,
                          guint              limit,
                          GError           **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  g_autoptr(GArray) candidates = NULL;
  const VtrService *service;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (service_id != NULL && near != NULL, NULL);

  if (!check_position (near, error))
    return NULL;
  service = resolve_service (service_id, error);
  if (service == NULL)
    return NULL;

  stmt = vtr_store_statement (self->store,
                              "SELECT m.id, m.lat, m.lon FROM merchant_service ms "
                              "JOIN merchant m ON m.id = ms.merchant_id WHERE ms.service = ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, service->id, -1, SQLITE_STATIC);
  candidates = nearest_candidates (self, stmt, near, error);
  g_clear_pointer (&stmt, sqlite3_reset);
  if (candidates == NULL)
    return NULL;

  return places_from_candidates (self, candidates, near, at, limit, error);
}

/**
 * vtr_catalog_promotions_near:
 *
 * Returns: (transfer full) (element-type VtrPromotionOffer): the promotions
 * running at @at, in the nearest shops first.
 */
GPtrArray *
vtr_catalog_promotions_near (VtrCatalog        *self,
                             const VtrPosition *near,
                             GDateTime         *at,
                             guint              limit,
                             GError           **error)
{
  g_autoptr(GPtrArray) offers = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_offer_free);
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GPtrArray) promotions = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_free);

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (near != NULL && at != NULL, NULL);

  if (!check_position (near, error))
    return NULL;

  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (self->store,
                           "SELECT m.lat, m.lon, " PROMOTION_COLUMNS " FROM promotion r "
                           "JOIN merchant m ON m.id = r.merchant_id "
                           "WHERE r.starts <= ?1 AND r.ends > ?1 ORDER BY r.id",
                           error);
    gboolean failed = FALSE;

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (at));
    candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
    while (vtr_catalog_step_row (self, stmt, &failed, error))
      {
        VtrPromotion *promotion = vtr_promotion_from_row (stmt, 2);
        VtrPosition position = { sqlite3_column_double (stmt, 0), sqlite3_column_double (stmt, 1) };
        /* Candidates point into @promotions; ties go to the older promotion. */
        Candidate c = { .id = promotions->len, .distance_m = vtr_distance_m (near, &position) };

        g_array_append_val (candidates, c);
        g_ptr_array_add (promotions, promotion);
      }
    if (failed)
      return NULL;
    g_array_sort (candidates, compare_candidates);
  }

  for (guint i = 0; i < candidates->len && offers->len < limit; i++)
    {
      guint index = g_array_index (candidates, Candidate, i).id;
      VtrPromotionOffer *offer = g_new0 (VtrPromotionOffer, 1);
      VtrMerchant *merchant;

      offer->promotion = g_steal_pointer (&promotions->pdata[index]);
      g_ptr_array_add (offers, offer);

      merchant = vtr_catalog_get_merchant (self, offer->promotion->merchant_id, error);
      if (merchant == NULL)
        return NULL;
      place_init (self, &offer->place, merchant, near, at);

      if (offer->promotion->product_id > 0)
        {
          gboolean failed = FALSE;

          offer->product = product_by (self, "SELECT " PRODUCT_COLUMNS " FROM product p WHERE p.id = ?",
                                       NULL, offer->promotion->product_id, &failed, error);
          if (failed)
            return NULL;
        }
    }

  return g_steal_pointer (&offers);
}

static int
compare_collection_places (gconstpointer a,
                           gconstpointer b)
{
  const VtrCollectionPlace *pa = *(VtrCollectionPlace * const *) a;
  const VtrCollectionPlace *pb = *(VtrCollectionPlace * const *) b;

  if (pa->distance_m != pb->distance_m)
    return pa->distance_m < pb->distance_m ? -1 : 1;
  return pa->point->id < pb->point->id ? -1 : pa->point->id > pb->point->id;
}

/**
 * vtr_catalog_collection_points_near:
 *
 * Returns: (transfer full) (element-type VtrCollectionPlace): the collection
 * points of @kind, nearest first.
 */
GPtrArray *
vtr_catalog_collection_points_near (VtrCatalog        *self,
                                    VtrCollectionKind  kind,
                                    const VtrPosition *near,
                                    GDateTime         *at,
                                    guint              limit,
                                    GError           **error)
{
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_collection_place_free);
  g_autoptr(VtrStatement) stmt = NULL;
  gboolean failed = FALSE;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (near != NULL, NULL);

  if (!check_position (near, error))
    return NULL;

  stmt = vtr_store_statement (self->store,
                              "SELECT id, kind, name, merchant_id, address, lat, lon, opening_hours "
                              "FROM collection_point WHERE kind = ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, kind);
  while (vtr_catalog_step_row (self, stmt, &failed, error))
    {
      VtrCollectionPlace *place = g_new0 (VtrCollectionPlace, 1);
      VtrCollectionPoint *point = g_new0 (VtrCollectionPoint, 1);

      point->id = sqlite3_column_int64 (stmt, 0);
      point->kind = sqlite3_column_int (stmt, 1);
      point->name = vtr_catalog_column_strdup (stmt, 2);
      point->merchant_id = sqlite3_column_int64 (stmt, 3);
      point->address = vtr_catalog_column_strdup (stmt, 4);
      point->position.lat = sqlite3_column_double (stmt, 5);
      point->position.lon = sqlite3_column_double (stmt, 6);
      point->opening_hours = vtr_catalog_column_strdup (stmt, 7);
      place->point = point;
      place->distance_m = vtr_distance_m (near, &point->position);
      place->walking_minutes = vtr_walking_minutes (place->distance_m);
      g_ptr_array_add (places, place);
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  if (failed)
    return NULL;

  g_ptr_array_sort (places, compare_collection_places);
  if (places->len > limit)
    g_ptr_array_set_size (places, limit);

  for (guint i = 0; i < places->len; i++)
    {
      VtrCollectionPlace *place = g_ptr_array_index (places, i);
      const char *hours = place->point->opening_hours;

      if (place->point->merchant_id > 0)
        {
          place->merchant = vtr_catalog_get_merchant (self, place->point->merchant_id, error);
          if (place->merchant == NULL)
            return NULL;
          /* A point inside a shop opens when the shop does, unless told otherwise. */
          if (hours == NULL || *hours == '\0')
            hours = place->merchant->opening_hours;
        }
      open_state_compute (self, hours, at, &place->open);
    }

  return g_steal_pointer (&places);
}

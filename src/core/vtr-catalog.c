#include "config.h"

#include "vtr-catalog.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-store-private.h"
#include "vtr-text.h"

/*
 * The catalogue: what the federation's shops sell, where they are, when they
 * open. Queries compute distances in C over the few rows an index hands back
 * (the stockists of one product, the members of one service): at town scale
 * that beats a spatial index and keeps the SQL plain.
 */

G_DEFINE_QUARK (vtr-catalog-error-quark, vtr_catalog_error)

struct _VtrCatalog
{
  GObject     parent_instance;

  VtrStore   *store;
  GHashTable *hours; /* opening_hours text → VtrOpeningHours, or NULL if unreadable */
};

G_DEFINE_FINAL_TYPE (VtrCatalog, vtr_catalog, G_TYPE_OBJECT)

#define MERCHANT_COLUMNS \
  "m.id, m.name, m.services, m.address, m.postcode, m.city, m.lat, m.lon, m.phone, " \
  "m.opening_hours, m.association"
#define PRODUCT_COLUMNS "p.id, p.gtin, p.name, p.brand, p.category"
#define PROMOTION_COLUMNS \
  "r.id, r.merchant_id, r.product_id, r.category, r.kind, r.value, r.buy, r.get, r.starts, " \
  "r.ends, r.title"

static void
vtr_catalog_finalize (GObject *object)
{
  VtrCatalog *self = (VtrCatalog *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->hours, g_hash_table_unref);

  G_OBJECT_CLASS (vtr_catalog_parent_class)->finalize (object);
}

static void
vtr_catalog_class_init (VtrCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_catalog_finalize;
}

static void
vtr_catalog_init (VtrCatalog *self)
{
  self->hours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) vtr_opening_hours_free);
}

VtrCatalog *
vtr_catalog_new (VtrStore *store)
{
  VtrCatalog *self;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  self = g_object_new (VTR_TYPE_CATALOG, NULL);
  self->store = g_object_ref (store);
  return self;
}

VtrStore *
vtr_catalog_get_store (VtrCatalog *self)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);

  return self->store;
}

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

/* "2,35 €", as prices are written in France. */
char *
vtr_price_format (gint64 cents)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ",%02d €", cents < 0 ? "-" : "",
                          ABS (cents) / 100, (int) (ABS (cents) % 100));
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

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text ? g_strdup (text) : NULL;
}

static VtrMerchant *
merchant_from_row (sqlite3_stmt *stmt,
                   int           first)
{
  VtrMerchant *merchant = g_new0 (VtrMerchant, 1);
  const char *services = (const char *) sqlite3_column_text (stmt, first + 2);

  merchant->id = sqlite3_column_int64 (stmt, first);
  merchant->name = column_strdup (stmt, first + 1);
  merchant->services = services && *services ? g_strsplit (services, " ", -1) : g_new0 (char *, 1);
  merchant->address = column_strdup (stmt, first + 3);
  merchant->postcode = column_strdup (stmt, first + 4);
  merchant->city = column_strdup (stmt, first + 5);
  merchant->position.lat = sqlite3_column_double (stmt, first + 6);
  merchant->position.lon = sqlite3_column_double (stmt, first + 7);
  merchant->phone = column_strdup (stmt, first + 8);
  merchant->opening_hours = column_strdup (stmt, first + 9);
  merchant->association = column_strdup (stmt, first + 10);
  return merchant;
}

static VtrProduct *
product_from_row (sqlite3_stmt *stmt,
                  int           first)
{
  VtrProduct *product = g_new0 (VtrProduct, 1);

  product->id = sqlite3_column_int64 (stmt, first);
  product->gtin = column_strdup (stmt, first + 1);
  product->name = column_strdup (stmt, first + 2);
  product->brand = column_strdup (stmt, first + 3);
  product->category = column_strdup (stmt, first + 4);
  return product;
}

static VtrPromotion *
promotion_from_row (sqlite3_stmt *stmt,
                    int           first)
{
  VtrPromotion *promotion = g_new0 (VtrPromotion, 1);

  promotion->id = sqlite3_column_int64 (stmt, first);
  promotion->merchant_id = sqlite3_column_int64 (stmt, first + 1);
  promotion->product_id = sqlite3_column_int64 (stmt, first + 2);
  promotion->category = column_strdup (stmt, first + 3);
  promotion->kind = sqlite3_column_int (stmt, first + 4);
  promotion->value = sqlite3_column_int (stmt, first + 5);
  promotion->buy = sqlite3_column_int (stmt, first + 6);
  promotion->get = sqlite3_column_int (stmt, first + 7);
  promotion->starts = sqlite3_column_int64 (stmt, first + 8);
  promotion->ends = sqlite3_column_int64 (stmt, first + 9);
  promotion->title = column_strdup (stmt, first + 10);
  return promotion;
}

/* Writing. */

gboolean
vtr_catalog_begin (VtrCatalog *self,
                   GError    **error)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  return vtr_store_begin (self->store, error);
}

gboolean
vtr_catalog_commit (VtrCatalog *self,
                    GError    **error)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  return vtr_store_commit (self->store, error);
}

void
vtr_catalog_rollback (VtrCatalog *self)
{
  g_return_if_fail (VTR_IS_CATALOG (self));
  vtr_store_rollback (self->store);
}

gboolean
vtr_catalog_clear (VtrCatalog *self,
                   GError    **error)
{
  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);

  return vtr_store_exec (self->store,
                         "DELETE FROM stock;"
                         "DELETE FROM promotion;"
                         "DELETE FROM collection_point;"
                         "DELETE FROM merchant_service;"
                         "DELETE FROM merchant;"
                         "DELETE FROM product;"
                         "DELETE FROM loyalty_rule;"
                         "DELETE FROM reward;"
                         "INSERT INTO product_text (product_text) VALUES ('delete-all');"
                         "INSERT INTO merchant_text (merchant_text) VALUES ('delete-all');",
                         error);
}


static gboolean
step_row (VtrCatalog   *self,
          sqlite3_stmt *stmt,
          gboolean     *failed,
          GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      *failed = TRUE;
      vtr_store_set_error (self->store, rc, error);
    }
  return FALSE;
}

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  if (error)
    *error = g_error_new_valist (VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

/* The text indexes hold no copy of the rows (content='product'), so an
 * entry is removed by giving FTS5 the values it was indexed with. */
static gboolean
text_index_remove (VtrCatalog  *self,
                   const char  *table,
                   gint64       id,
                   GError     **error)
{
  g_autoptr(VtrStatement) old = NULL;
  VtrStatement *remove;
  gboolean failed = FALSE;
  gboolean is_product = g_str_equal (table, "product");

  old = vtr_store_statement (self->store,
                             is_product ? "SELECT name, brand, category FROM product WHERE id = ?"
                                        : "SELECT name, services, address FROM merchant WHERE id = ?",
                             error);
  if (old == NULL)
    return FALSE;
  sqlite3_bind_int64 (old, 1, id);
  if (!step_row (self, old, &failed, error))
    return !failed;

  remove = vtr_store_statement (self->store,
                                is_product
                                  ? "INSERT INTO product_text (product_text, rowid, name, brand, "
                                    "  category) VALUES ('delete', ?, ?, ?, ?)"
                                  : "INSERT INTO merchant_text (merchant_text, rowid, name, "
                                    "  services, address) VALUES ('delete', ?, ?, ?, ?)",
                                error);
  if (remove == NULL)
    return FALSE;
  sqlite3_bind_int64 (remove, 1, id);
  for (int i = 0; i < 3; i++)
    sqlite3_bind_value (remove, 2 + i, sqlite3_column_value (old, i));
  return vtr_store_step_done (self->store, remove, error);
}

static gboolean
text_index_add (VtrCatalog  *self,
                const char  *table,
                gint64       id,
                const char  *a,
                const char  *b,
                const char  *c,
                GError     **error)
{
  VtrStatement *add =
    vtr_store_statement (self->store,
                         g_str_equal (table, "product")
                           ? "INSERT INTO product_text (rowid, name, brand, category) "
                             "VALUES (?, ?, ?, ?)"
                           : "INSERT INTO merchant_text (rowid, name, services, address) "
                             "VALUES (?, ?, ?, ?)",
                         error);

  if (add == NULL)
    return FALSE;
  sqlite3_bind_int64 (add, 1, id);
  sqlite3_bind_text (add, 2, a, -1, SQLITE_STATIC);
  sqlite3_bind_text (add, 3, b, -1, SQLITE_STATIC);
  sqlite3_bind_text (add, 4, c, -1, SQLITE_STATIC);
  return vtr_store_step_done (self->store, add, error);
}

/**
 * vtr_catalog_delete:
 * @key: the row's id; for stock the product, for a loyalty rule the shop
 * @key2: for stock, the shop; otherwise 0
 *
 * Removes a row and what cannot exist without it: a shop's stock,
 * promotions, rules, rewards and collection points, a product's stock,
 * promotions and rewards. Removing a row that is not there is no error.
 */
gboolean
vtr_catalog_delete (VtrCatalog      *self,
                    VtrCatalogTable  table,
                    gint64           key,
                    gint64           key2,
                    GError         **error)
{
  static const char * const sql[] = {
    [VTR_TABLE_MERCHANTS] = "DELETE FROM stock WHERE merchant_id = ?1;"
                            "DELETE FROM promotion WHERE merchant_id = ?1;"
                            "DELETE FROM loyalty_rule WHERE merchant_id = ?1;"
                            "DELETE FROM reward WHERE merchant_id = ?1;"
                            "DELETE FROM collection_point WHERE merchant_id = ?1;"
                            "DELETE FROM merchant_service WHERE merchant_id = ?1;"
                            "DELETE FROM merchant WHERE id = ?1;",
    [VTR_TABLE_PRODUCTS] = "DELETE FROM stock WHERE product_id = ?1;"
                           "DELETE FROM promotion WHERE product_id = ?1;"
                           "DELETE FROM reward WHERE product_id = ?1;"
                           "DELETE FROM product WHERE id = ?1;",
    [VTR_TABLE_STOCK] = "DELETE FROM stock WHERE product_id = ?1 AND merchant_id = ?2;",
    [VTR_TABLE_PROMOTIONS] = "DELETE FROM promotion WHERE id = ?1;",
    [VTR_TABLE_RULES] = "DELETE FROM loyalty_rule WHERE merchant_id = ?1;",
    [VTR_TABLE_REWARDS] = "DELETE FROM reward WHERE id = ?1;",
    [VTR_TABLE_COLLECTION_POINTS] = "DELETE FROM collection_point WHERE id = ?1;",
  };
  g_auto(GStrv) statements = NULL;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (table < VTR_N_TABLES, FALSE);

  if ((table == VTR_TABLE_MERCHANTS && !text_index_remove (self, "merchant", key, error)) ||
      (table == VTR_TABLE_PRODUCTS && !text_index_remove (self, "product", key, error)))
    return FALSE;

  statements = g_strsplit (sql[table], ";", -1);
  for (guint i = 0; statements[i] && *statements[i]; i++)
    {
      VtrStatement *stmt = vtr_store_statement (self->store, statements[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, key);
      if (sqlite3_bind_parameter_count (stmt) > 1)
        sqlite3_bind_int64 (stmt, 2, key2);
      if (!vtr_store_step_done (self->store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
vtr_catalog_put_merchant (VtrCatalog        *self,
                          const VtrMerchant *merchant,
                          GError           **error)
{
  g_autofree char *services = NULL;
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (merchant != NULL, FALSE);

  if (merchant->id <= 0 || merchant->name == NULL || *merchant->name == '\0')
    return invalid (error, _("Merchant %lld has no name"), (long long) merchant->id);
  if (!vtr_position_is_valid (&merchant->position))
    return invalid (error, _("Merchant “%s” has no valid position"), merchant->name);
  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    if (vtr_service_lookup (merchant->services[i]) == NULL)
      return invalid (error, _("Merchant “%s” offers an unknown service “%s”"), merchant->name,
                      merchant->services[i]);
  if (merchant->opening_hours && *merchant->opening_hours)
    {
      g_autoptr(VtrOpeningHours) hours = NULL;
      g_autoptr(GError) hours_error = NULL;

      hours = vtr_opening_hours_parse (merchant->opening_hours, &hours_error);
      if (hours == NULL)
        return invalid (error, _("Merchant “%s”: %s"), merchant->name, hours_error->message);
    }

  services = merchant->services ? g_strjoinv (" ", merchant->services) : g_strdup ("");

  if (!text_index_remove (self, "merchant", merchant->id, error))
    return FALSE;

  stmt = vtr_store_statement (self->store,
                              "INSERT INTO merchant (id, name, services, address, postcode, city, "
                              "  lat, lon, phone, opening_hours, association) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                              "ON CONFLICT (id) DO UPDATE SET name = ?2, services = ?3, "
                              "  address = ?4, postcode = ?5, city = ?6, lat = ?7, lon = ?8, "
                              "  phone = ?9, opening_hours = ?10, association = ?11",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant->id);
  sqlite3_bind_text (stmt, 2, merchant->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, services, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, merchant->address ? merchant->address : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, merchant->postcode ? merchant->postcode : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, merchant->city ? merchant->city : "", -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 7, merchant->position.lat);
  sqlite3_bind_double (stmt, 8, merchant->position.lon);
  sqlite3_bind_text (stmt, 9, merchant->phone ? merchant->phone : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, merchant->opening_hours ? merchant->opening_hours : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, merchant->association ? merchant->association : "", -1,
                     SQLITE_STATIC);
  if (!vtr_store_step_done (self->store, stmt, error) ||
      !text_index_add (self, "merchant", merchant->id, merchant->name, services,
                       merchant->address ? merchant->address : "", error))
    return FALSE;

  stmt = vtr_store_statement (self->store, "DELETE FROM merchant_service WHERE merchant_id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant->id);
  if (!vtr_store_step_done (self->store, stmt, error))
    return FALSE;

  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    {
      stmt = vtr_store_statement (self->store,
                                  "INSERT OR IGNORE INTO merchant_service (service, merchant_id) "
                                  "VALUES (?, ?)",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, merchant->services[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, merchant->id);
      if (!vtr_store_step_done (self->store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
vtr_catalog_put_product (VtrCatalog       *self,
                         const VtrProduct *product,
                         GError          **error)
{
  g_autofree char *gtin = NULL;
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (product != NULL, FALSE);

  if (product->id <= 0 || product->name == NULL || *product->name == '\0')
    return invalid (error, _("Product %lld has no name"), (long long) product->id);
  if (product->gtin != NULL)
    {
      g_autoptr(GError) gtin_error = NULL;

      gtin = vtr_gtin_normalize (product->gtin, &gtin_error);
      if (gtin == NULL)
        return invalid (error, _("Product “%s”: %s"), product->name, gtin_error->message);
    }

  if (!text_index_remove (self, "product", product->id, error))
    return FALSE;

  stmt = vtr_store_statement (self->store,
                              "INSERT INTO product (id, gtin, name, brand, category) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) "
                              "ON CONFLICT (id) DO UPDATE SET gtin = ?2, name = ?3, brand = ?4, "
                              "  category = ?5",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product->id);
  if (gtin)
    sqlite3_bind_text (stmt, 2, gtin, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, product->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, product->brand ? product->brand : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, product->category ? product->category : "", -1, SQLITE_STATIC);
  return vtr_store_step_done (self->store, stmt, error) &&
         text_index_add (self, "product", product->id, product->name,
                         product->brand ? product->brand : "",
                         product->category ? product->category : "", error);
}

gboolean
vtr_catalog_put_stock (VtrCatalog     *self,
                       const VtrStock *stock,
                       GError        **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (stock != NULL, FALSE);

  if (stock->price_cents < 0 || stock->availability > VTR_AVAILABILITY_IN_STOCK)
    return invalid (error, _("Stock of product %lld has a negative price or an "
                             "unknown availability"),
                    (long long) stock->product_id);

  stmt = vtr_store_statement (self->store,
                              "INSERT INTO stock (product_id, merchant_id, price_cents, "
                              "  availability, updated) VALUES (?1, ?2, ?3, ?4, ?5) "
                              "ON CONFLICT (product_id, merchant_id) DO UPDATE SET "
                              "  price_cents = ?3, availability = ?4, updated = ?5",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stock->product_id);
  sqlite3_bind_int64 (stmt, 2, stock->merchant_id);
  sqlite3_bind_int64 (stmt, 3, stock->price_cents);
  sqlite3_bind_int (stmt, 4, stock->availability);
  sqlite3_bind_int64 (stmt, 5, stock->updated);
  return vtr_store_step_done (self->store, stmt, error);
}

gboolean
vtr_catalog_put_promotion (VtrCatalog         *self,
                           const VtrPromotion *promotion,
                           GError            **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (promotion != NULL, FALSE);

  if ((promotion->product_id > 0) == (promotion->category != NULL))
    return invalid (error, _("Promotion %lld must be on one product or one "
                             "category"),
                    (long long) promotion->id);
  if (promotion->ends <= promotion->starts)
    return invalid (error, _("Promotion %lld ends before it starts"),
                    (long long) promotion->id);
  if (promotion->kind > VTR_PROMOTION_BUY_GET ||
      (promotion->kind == VTR_PROMOTION_PERCENT &&
       (promotion->value <= 0 || promotion->value > 100)) ||
      (promotion->kind != VTR_PROMOTION_BUY_GET && promotion->value <= 0) ||
      (promotion->kind == VTR_PROMOTION_BUY_GET && (promotion->buy <= 0 || promotion->get <= 0)))
    return invalid (error, _("Promotion %lld has an impossible value"),
                    (long long) promotion->id);

  stmt = vtr_store_statement (self->store,
                              "INSERT INTO promotion (id, merchant_id, product_id, category, kind, "
                              "  value, buy, get, starts, ends, title) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                              "ON CONFLICT (id) DO UPDATE SET merchant_id = ?2, product_id = ?3, "
                              "  category = ?4, kind = ?5, value = ?6, buy = ?7, get = ?8, "
                              "  starts = ?9, ends = ?10, title = ?11",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, promotion->id);
  sqlite3_bind_int64 (stmt, 2, promotion->merchant_id);
  if (promotion->product_id > 0)
    sqlite3_bind_int64 (stmt, 3, promotion->product_id);
  if (promotion->category)
    sqlite3_bind_text (stmt, 4, promotion->category, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, promotion->kind);
  sqlite3_bind_int (stmt, 6, promotion->value);
  sqlite3_bind_int (stmt, 7, promotion->buy);
  sqlite3_bind_int (stmt, 8, promotion->get);
  sqlite3_bind_int64 (stmt, 9, promotion->starts);
  sqlite3_bind_int64 (stmt, 10, promotion->ends);
  sqlite3_bind_text (stmt, 11, promotion->title ? promotion->title : "", -1, SQLITE_STATIC);
  return vtr_store_step_done (self->store, stmt, error);
}

gboolean
vtr_catalog_put_collection_point (VtrCatalog               *self,
                                  const VtrCollectionPoint *point,
                                  GError                  **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  if (point->kind > VTR_COLLECTION_PARCEL_LOCKER || point->name == NULL ||
      !vtr_position_is_valid (&point->position))
    return invalid (error, _("Collection point %lld needs a kind, a name and a "
                             "position"),
                    (long long) point->id);

  stmt = vtr_store_statement (self->store,
                              "INSERT INTO collection_point (id, kind, name, merchant_id, address, "
                              "  lat, lon, opening_hours) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                              "ON CONFLICT (id) DO UPDATE SET kind = ?2, name = ?3, "
                              "  merchant_id = ?4, address = ?5, lat = ?6, lon = ?7, "
                              "  opening_hours = ?8",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, point->id);
  sqlite3_bind_int (stmt, 2, point->kind);
  sqlite3_bind_text (stmt, 3, point->name, -1, SQLITE_STATIC);
  if (point->merchant_id > 0)
    sqlite3_bind_int64 (stmt, 4, point->merchant_id);
  sqlite3_bind_text (stmt, 5, point->address ? point->address : "", -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 6, point->position.lat);
  sqlite3_bind_double (stmt, 7, point->position.lon);
  sqlite3_bind_text (stmt, 8, point->opening_hours ? point->opening_hours : "", -1,
                     SQLITE_STATIC);
  return vtr_store_step_done (self->store, stmt, error);
}

gboolean
vtr_catalog_put_loyalty_rule (VtrCatalog *self,
                              gint64      merchant_id,
                              int         cents_per_point,
                              gboolean    round_to_nearest,
                              GError    **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);

  if (cents_per_point <= 0)
    return invalid (error, _("The loyalty rule of shop %lld gives points for nothing"),
                    (long long) merchant_id);
  stmt = vtr_store_statement (self->store,
                              "INSERT INTO loyalty_rule (merchant_id, cents_per_point, rounding) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT (merchant_id) DO UPDATE SET "
                              "  cents_per_point = ?2, rounding = ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int (stmt, 2, cents_per_point);
  sqlite3_bind_int (stmt, 3, round_to_nearest ? 1 : 0);
  return vtr_store_step_done (self->store, stmt, error);
}

gboolean
vtr_catalog_put_reward (VtrCatalog      *self,
                        const VtrReward *reward,
                        GError         **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);

  if (reward->points <= 0 || reward->title == NULL ||
      (reward->kind == VTR_REWARD_FREE_PRODUCT && reward->product_id <= 0) ||
      (reward->kind == VTR_REWARD_DISCOUNT && reward->value <= 0))
    return invalid (error, _("Reward %lld needs points, a title and what it gives"),
                    (long long) reward->id);
  stmt = vtr_store_statement (self->store,
                              "INSERT INTO reward (id, merchant_id, points, kind, value, product_id, "
                              "  title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                              "ON CONFLICT (id) DO UPDATE SET merchant_id = ?2, points = ?3, "
                              "  kind = ?4, value = ?5, product_id = ?6, title = ?7",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reward->id);
  sqlite3_bind_int64 (stmt, 2, reward->merchant_id);
  sqlite3_bind_int (stmt, 3, reward->points);
  sqlite3_bind_int (stmt, 4, reward->kind);
  sqlite3_bind_int (stmt, 5, reward->value);
  if (reward->product_id > 0)
    sqlite3_bind_int64 (stmt, 6, reward->product_id);
  sqlite3_bind_text (stmt, 7, reward->title, -1, SQLITE_STATIC);
  return vtr_store_step_done (self->store, stmt, error);
}

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
  if (step_row (self, stmt, &failed, error))
    return merchant_from_row (stmt, 0);
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
  if (!step_row (self, stmt, &failed, error))
    {
      if (!failed)
        g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND,
                     _("No collection point number %lld in the catalogue"), (long long) id);
      return NULL;
    }
  point = g_new0 (VtrCollectionPoint, 1);
  point->id = sqlite3_column_int64 (stmt, 0);
  point->kind = sqlite3_column_int (stmt, 1);
  point->name = column_strdup (stmt, 2);
  point->merchant_id = sqlite3_column_int64 (stmt, 3);
  point->address = column_strdup (stmt, 4);
  point->position.lat = sqlite3_column_double (stmt, 5);
  point->position.lon = sqlite3_column_double (stmt, 6);
  point->opening_hours = column_strdup (stmt, 7);
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
  if (!step_row (self, stmt, &failed, error))
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
  if (step_row (self, stmt, failed, error))
    return product_from_row (stmt, 0);
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

  while (products->len < limit && step_row (self, stmt, &failed, error))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean seen = FALSE;

      for (guint i = 0; i < products->len && !seen; i++)
        seen = ((VtrProduct *) g_ptr_array_index (products, i))->id == id;
      if (!seen)
        g_ptr_array_add (products, product_from_row (stmt, 0));
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

/**
 * vtr_catalog_find_product:
 * @query: a barcode (GTIN), a product number or words of its name
 *
 * Deprecated: it guesses what @query is, and a product number of 8, 12,
 * 13 or 14 digits reads as a barcode (product 12345678 answers "Barcode
 * 12345678 was misread"). Use vtr_catalog_get_product(),
 * vtr_catalog_find_product_by_gtin() or vtr_catalog_find_product_by_name().
 * Kept until the kiosk app (src/app) no longer calls it.
 *
 * Returns: (transfer full) (nullable): the product the shopper means: the
 * one with that barcode or number, or the best match for the words.
 */
VtrProduct *
vtr_catalog_find_product (VtrCatalog *self,
                          const char *query,
                          GError    **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (VTR_IS_CATALOG (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  trimmed = g_strstrip (g_strdup (query));
  if (vtr_gtin_looks_like_gtin (trimmed))
    return vtr_catalog_find_product_by_gtin (self, trimmed, error);
  if (*trimmed != '\0' && strspn (trimmed, "0123456789") == strlen (trimmed))
    return vtr_catalog_get_product (self, g_ascii_strtoll (trimmed, NULL, 10), error);
  return vtr_catalog_find_product_by_name (self, trimmed, error);
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

  while (step_row (self, stmt, &failed, error))
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

  while (step_row (self, stmt, &failed, error))
    g_ptr_array_add (promotions, promotion_from_row (stmt, 0));
  if (failed)
    return NULL;
  return g_steal_pointer (&promotions);
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
  if (step_row (self, stmt, failed, error))
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
        while (step_row (self, stmt, &failed, error))
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
    while (step_row (self, stmt, &failed, error))
      {
        VtrPromotion *promotion = promotion_from_row (stmt, 2);
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
  while (step_row (self, stmt, &failed, error))
    {
      VtrCollectionPlace *place = g_new0 (VtrCollectionPlace, 1);
      VtrCollectionPoint *point = g_new0 (VtrCollectionPoint, 1);

      point->id = sqlite3_column_int64 (stmt, 0);
      point->kind = sqlite3_column_int (stmt, 1);
      point->name = column_strdup (stmt, 2);
      point->merchant_id = sqlite3_column_int64 (stmt, 3);
      point->address = column_strdup (stmt, 4);
      point->position.lat = sqlite3_column_double (stmt, 5);
      point->position.lon = sqlite3_column_double (stmt, 6);
      point->opening_hours = column_strdup (stmt, 7);
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

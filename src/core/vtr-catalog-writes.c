#include "config.h"

#include "vtr-catalog-private.h"

#include <glib/gi18n-lib.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"

/*
 * Writing the catalogue: transactions, clearing, deleting and the upserts
 * of the hub's rows (put_*), each checked before it is written, with the
 * text indexes kept in step.
 */

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
  if (!vtr_catalog_step_row (self, old, &failed, error))
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
                              "  value, buy, get, starts, ends, title, audience) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                              "ON CONFLICT (id) DO UPDATE SET merchant_id = ?2, product_id = ?3, "
                              "  category = ?4, kind = ?5, value = ?6, buy = ?7, get = ?8, "
                              "  starts = ?9, ends = ?10, title = ?11, audience = ?12",
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
  sqlite3_bind_int (stmt, 12, promotion->loyal_only ? 1 : 0);
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

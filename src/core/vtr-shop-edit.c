#include "config.h"

#include "vtr-shop-edit.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-json.h"
#include "vtr-loyalty.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"

/*
 * "Ma boutique" (docs/hub-api.md, "Shop edits"). Each change is checked
 * and written to the catalogue by vtr_shop_apply_event(), the same code
 * on the counter and on the hub. On the counter it runs in one
 * transaction with the outbox event and the journal's record of what the
 * change replaced (journal.shop_edit), which undo puts back as a new
 * event of the same kind.
 */

G_DEFINE_QUARK (vtr-shop-error-quark, vtr_shop_error)

void
vtr_shop_edit_free (VtrShopEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->uuid);
  g_free (edit->kind);
  g_free (edit->payload);
  g_free (edit->summary);
  g_free (edit->reason);
  g_free (edit);
}

static gboolean
shop_error (GError     **error,
            VtrShopError code,
            const char  *format,
            ...) G_GNUC_PRINTF (3, 4);

static gboolean
shop_error (GError     **error,
            VtrShopError code,
            const char  *format,
            ...)
{
  va_list args;

  va_start (args, format);
  if (error)
    *error = g_error_new_valist (VTR_SHOP_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

/* An amount as a French shop writes it: 2,40 €. */
static char *
format_euros (gint64 cents)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ",%02d €", cents / 100, (int) (cents % 100));
}

static const char *
availability_to_string (VtrAvailability availability)
{
  switch (availability)
    {
    case VTR_AVAILABILITY_OUT_OF_STOCK:
      return "out-of-stock";
    case VTR_AVAILABILITY_LOW:
      return "low";
    case VTR_AVAILABILITY_IN_STOCK:
    default:
      return "in-stock";
    }
}

static gboolean
availability_from_string (const char      *text,
                          VtrAvailability *availability)
{
  if (g_strcmp0 (text, "in-stock") == 0)
    *availability = VTR_AVAILABILITY_IN_STOCK;
  else if (g_strcmp0 (text, "low") == 0)
    *availability = VTR_AVAILABILITY_LOW;
  else if (g_strcmp0 (text, "out-of-stock") == 0)
    *availability = VTR_AVAILABILITY_OUT_OF_STOCK;
  else
    return FALSE;
  return TRUE;
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* One integer from a query with up to two integer parameters; @found says
 * whether there was a row. */
static gboolean
query_int (VtrStore   *store,
           const char *sql,
           gint64      a,
           gint64      b,
           gboolean   *found,
           gint64     *out,
           GError    **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *out = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  *found = FALSE;
  *out = 0;
  if (rc == SQLITE_DONE)
    return TRUE;
  return vtr_store_set_error (store, rc, error);
}

/* The shop exists, and the product is one it may stock: the federation's,
 * or a merchant-made one that is its own or that the federation reviewed. */
static gboolean
check_product (VtrStore *store,
               gint64    merchant_id,
               gint64    product_id,
               GError  **error)
{
  /* One statement: the hub runs this for every change it applies. */
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT EXISTS (SELECT 1 FROM merchant WHERE id = ?1), "
                         "  EXISTS (SELECT 1 FROM product WHERE id = ?2), "
                         "  (SELECT merchant_id FROM product_made WHERE product_id = ?2 AND reviewed IS NULL)",
                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, product_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  if (!sqlite3_column_int (stmt, 0))
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                       _("This shop is not in the federation’s catalogue: ask the federation to add it."));
  if (product_id <= 0 || product_id > VTR_SHOP_MAX_PRODUCT_ID || !sqlite3_column_int (stmt, 1))
    return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("This product is not in the catalogue: scan its barcode to add it."));
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL && sqlite3_column_int64 (stmt, 2) != merchant_id)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                       _("This product was added by another shop and the federation has not checked it "
                         "yet: it cannot be changed from here."));
  return TRUE;
}

/* The stock line as it is now, as the payload that would set it back. */
static char *
stock_before (VtrStore *store,
              gint64    merchant_id,
              gint64    product_id,
              GError  **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store,
                                                      "SELECT price_cents, availability, quantity FROM stock "
                                                      "WHERE product_id = ? AND merchant_id = ?",
                                                      error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, product_id);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "merchant", merchant_id);
  vtr_json_add_int (builder, "product", product_id);
  if (rc == SQLITE_ROW)
    {
      vtr_json_add_int (builder, "price_cents", sqlite3_column_int64 (stmt, 0));
      vtr_json_add_string (builder, "availability", availability_to_string (sqlite3_column_int (stmt, 1)));
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        vtr_json_add_int (builder, "quantity", sqlite3_column_int64 (stmt, 2));
    }
  else
    vtr_json_add_boolean (builder, "remove", TRUE);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

/* Whether a newer shop edit of this line is already applied (the hub
 * applies a shop's changes in the order the merchant made them). */
static gboolean
stock_edit_is_newer (VtrStore *store,
                     gint64    merchant_id,
                     gint64    product_id,
                     gint64    at,
                     gboolean *newer,
                     GError  **error)
{
  gboolean found;
  gint64 edited;

  if (!query_int (store, "SELECT edited FROM stock_edit WHERE product_id = ? AND merchant_id = ?", product_id,
                  merchant_id, &found, &edited, error))
    return FALSE;
  *newer = found && edited > at;
  return TRUE;
}

static gboolean
apply_stock (VtrStore         *store,
             gint64            merchant_id,
             JsonObject       *payload,
             gint64            at,
             VtrShopApplyMode  mode,
             GError          **error)
{
  VtrAvailability availability;
  gint64 product_id = 0, price = 0, quantity = VTR_SHOP_NO_QUANTITY;
  gboolean remove = json_object_get_boolean_member_with_default (payload, "remove", FALSE);
  gboolean newer = FALSE;
  VtrStatement *stmt;

  if (!member_int (payload, "product", &product_id))
    return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("This product is not in the catalogue: scan its barcode to add it."));
  if (!remove)
    {
      if (!member_int (payload, "price_cents", &price) || price < 0)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A price cannot be negative."));
      if (price > VTR_SHOP_MAX_PRICE_CENTS)
        return shop_error (error, VTR_SHOP_ERROR_INVALID,
                           _("A price cannot be over 100 000 €: check the amount typed."));
      if (!availability_from_string (vtr_json_get_string (payload, "availability"), &availability))
        return shop_error (error, VTR_SHOP_ERROR_INVALID,
                           _("Say whether the product is in stock, low or out of stock."));
      if (json_object_has_member (payload, "quantity") &&
          (!member_int (payload, "quantity", &quantity) || quantity < 0 || quantity > VTR_SHOP_MAX_QUANTITY))
        return shop_error (error, VTR_SHOP_ERROR_INVALID,
                           _("The quantity on the shelf must be between 0 and 1 000 000."));
    }
  if (!check_product (store, merchant_id, product_id, error))
    return FALSE;

  if (mode == VTR_SHOP_APPLY_HUB)
    {
      if (!stock_edit_is_newer (store, merchant_id, product_id, at, &newer, error))
        return FALSE;
      if (newer)
        return TRUE; /* a later change of the merchant's already stands */
    }

  if (remove)
    stmt = vtr_store_statement (store, "DELETE FROM stock WHERE product_id = ?1 AND merchant_id = ?2", error);
  else
    stmt = vtr_store_statement (store,
                                "INSERT INTO stock (product_id, merchant_id, price_cents, availability, updated, "
                                "  quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                "ON CONFLICT (product_id, merchant_id) DO UPDATE SET price_cents = ?3, "
                                "  availability = ?4, updated = ?5, quantity = ?6",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product_id);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  if (!remove)
    {
      sqlite3_bind_int64 (stmt, 3, price);
      sqlite3_bind_int (stmt, 4, availability);
      sqlite3_bind_int64 (stmt, 5, at);
      if (quantity >= 0)
        sqlite3_bind_int64 (stmt, 6, quantity);
      else
        sqlite3_bind_null (stmt, 6);
    }
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;

  if (mode == VTR_SHOP_APPLY_HUB)
    {
      /* The provenance the next federation import respects (vtr-import.c). */
      stmt = vtr_store_statement (store,
                                  "INSERT INTO stock_edit (product_id, merchant_id, edited, uuid) "
                                  "VALUES (?1, ?2, ?3, '') ON CONFLICT (product_id, merchant_id) "
                                  "DO UPDATE SET edited = ?3",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, product_id);
      sqlite3_bind_int64 (stmt, 2, merchant_id);
      sqlite3_bind_int64 (stmt, 3, at);
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Merchant-made products. */

static gboolean
check_text (const char *text,
            gboolean    required,
            const char *what,
            GError    **error)
{
  if (text == NULL || *text == '\0')
    return !required || shop_error (error, VTR_SHOP_ERROR_INVALID, _("Give the %s."), what);
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > VTR_SHOP_MAX_NAME)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("The %s is longer than 80 letters."), what);
  return TRUE;
}

static gboolean
check_category (VtrStore   *store,
                const char *category,
                GError    **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, "SELECT 1 FROM product WHERE category = ? LIMIT 1",
                                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (category == NULL || *category == '\0')
    return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_CATEGORY, _("Choose the product’s category."));
  sqlite3_bind_text (stmt, 1, category, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_CATEGORY,
                     _("The category “%s” does not exist: choose one from the list."), category);
}

static gint64
made_product_id (const char *gtin14)
{
  return VTR_SHOP_MADE_PRODUCT_BASE + g_ascii_strtoll (gtin14, NULL, 10) / 10;
}

static gboolean
apply_product (VtrStore         *store,
               gint64            merchant_id,
               JsonObject       *payload,
               gint64            at,
               VtrShopApplyMode  mode,
               GError          **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GError) gtin_error = NULL;
  g_autofree char *gtin = NULL;
  VtrProduct product = { 0 };
  gboolean found;
  gint64 owner;
  VtrStatement *stmt;

  if (json_object_get_boolean_member_with_default (payload, "delete", FALSE))
    {
      gint64 id = vtr_json_get_int (payload, "product");

      if (!query_int (store, "SELECT merchant_id FROM product_made WHERE product_id = ? AND reviewed IS NULL", id,
                      0, &found, &owner, error))
        return FALSE;
      if (!found || owner != merchant_id)
        return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                           _("Only the shop that added a product may remove it, before the federation checks it."));
      stmt = vtr_store_statement (store, "DELETE FROM product_made WHERE product_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      return vtr_store_step_done (store, stmt, error) &&
             vtr_catalog_delete (catalog, VTR_TABLE_PRODUCTS, id, 0, error);
    }

  if (!(gtin = vtr_gtin_normalize (vtr_json_get_string (payload, "gtin") ? vtr_json_get_string (payload, "gtin") : "",
                                   &gtin_error)))
    return shop_error (error, VTR_SHOP_ERROR_BAD_GTIN,
                       _("This barcode is not a valid product code (%s): scan it again."), gtin_error->message);
  product.name = (char *) vtr_json_get_string (payload, "name");
  product.brand = (char *) vtr_json_get_string (payload, "brand");
  product.category = (char *) vtr_json_get_string (payload, "category");
  if (!check_text (product.name, TRUE, _("product’s name"), error) ||
      !check_text (product.brand, FALSE, _("brand"), error) || !check_category (store, product.category, error))
    return FALSE;
  product.id = made_product_id (gtin);
  product.gtin = gtin;
  {
    g_autoptr(VtrStatement) same = vtr_store_statement (store, "SELECT id FROM product WHERE gtin = ?", error);
    int rc;

    if (same == NULL)
      return FALSE;
    sqlite3_bind_text (same, 1, gtin, -1, SQLITE_STATIC);
    rc = sqlite3_step (same);
    if (rc == SQLITE_ROW && sqlite3_column_int64 (same, 0) != product.id)
      return shop_error (error, VTR_SHOP_ERROR_EXISTS,
                         _("A product with this barcode is already in the catalogue: set its price instead."));
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return vtr_store_set_error (store, rc, error);
  }
  if (!query_int (store, "SELECT merchant_id FROM product_made WHERE product_id = ? AND reviewed IS NULL",
                  product.id, 0, &found, &owner, error))
    return FALSE;
  if (found && owner != merchant_id)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                       _("This product was added by another shop and the federation has not checked it "
                         "yet: it cannot be changed from here."));
  if (!vtr_catalog_put_product (catalog, &product, error))
    return FALSE;
  stmt = vtr_store_statement (store,
                              "INSERT INTO product_made (product_id, merchant_id, created) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (product_id) DO NOTHING",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product.id);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  sqlite3_bind_int64 (stmt, 3, at);
  return vtr_store_step_done (store, stmt, error);
}

/* Promotions. */

static gboolean
apply_promotion (VtrStore         *store,
                 gint64            merchant_id,
                 JsonObject       *payload,
                 gint64            at,
                 VtrShopApplyMode  mode,
                 GError          **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  VtrPromotion p = { 0 };
  const char *kind = vtr_json_get_string (payload, "kind");
  gint64 value = 0, owner = 0, starts = 0;
  gboolean found;
  VtrStatement *stmt;

  if (!member_int (payload, "promotion", &p.id) || p.id <= 0)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This promotion has no number."));
  if (!query_int (store, "SELECT merchant_id FROM promotion WHERE id = ?", p.id, 0, &found, &owner, error))
    return FALSE;
  if (found && owner != merchant_id)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS, _("This promotion belongs to another shop."));

  if (json_object_get_boolean_member_with_default (payload, "delete", FALSE) ||
      json_object_get_boolean_member_with_default (payload, "end", FALSE))
    {
      if (!found)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This promotion no longer exists."));
      if (!query_int (store, "SELECT starts FROM promotion WHERE id = ?", p.id, 0, &found, &starts, error))
        return FALSE;
      /* Ended before it began, or undone: gone; otherwise it ends now. */
      if (json_object_get_boolean_member_with_default (payload, "delete", FALSE) || at <= starts)
        return vtr_catalog_delete (catalog, VTR_TABLE_PROMOTIONS, p.id, 0, error);
      stmt = vtr_store_statement (store, "UPDATE promotion SET ends = min (ends, ?2) WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, p.id);
      sqlite3_bind_int64 (stmt, 2, at);
      return vtr_store_step_done (store, stmt, error);
    }

  p.merchant_id = merchant_id;
  p.category = (char *) vtr_json_get_string (payload, "category");
  member_int (payload, "product", &p.product_id);
  if ((p.product_id > 0) == (p.category != NULL))
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A promotion is on one product or on one category."));
  if (p.product_id > 0 && !check_product (store, merchant_id, p.product_id, error))
    return FALSE;
  if (p.category && !check_category (store, p.category, error))
    return FALSE;
  if (!member_int (payload, "starts", &p.starts) || !member_int (payload, "ends", &p.ends))
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("Give the promotion’s first and last day."));
  if (p.ends <= p.starts)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("The promotion ends before it starts: check the dates."));
  if (p.ends <= at && !found)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This promotion would already be over: check the dates."));
  if (p.ends - p.starts > 366 * 24 * 3600)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A promotion lasts one year at most."));
  if (!vtr_promotion_kind_from_string (kind ? kind : "", &p.kind))
    return shop_error (error, VTR_SHOP_ERROR_INVALID,
                       _("Choose the kind of promotion: percent, amount, points or buy and get."));
  member_int (payload, "value", &value);
  p.buy = vtr_json_get_int (payload, "buy");
  p.get = vtr_json_get_int (payload, "get");
  switch (p.kind)
    {
    case VTR_PROMOTION_PERCENT:
      if (value < 1 || value > 100)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A discount is between 1 and 100 percent."));
      break;
    case VTR_PROMOTION_AMOUNT:
      {
        gint64 price = 0;

        if (value < 1 || value > VTR_SHOP_MAX_PRICE_CENTS)
          return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A discount is between 0,01 € and 100 000 €."));
        if (p.product_id > 0 &&
            !query_int (store, "SELECT price_cents FROM stock WHERE product_id = ? AND merchant_id = ?", p.product_id,
                        merchant_id, &found, &price, error))
          return FALSE;
        if (p.product_id > 0 && found && value >= price)
          return shop_error (error, VTR_SHOP_ERROR_INVALID, _("The discount is not less than the product’s price."));
        break;
      }
    case VTR_PROMOTION_POINTS:
      if (value < 2 || value > 10)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("Points are multiplied by 2 to 10."));
      break;
    case VTR_PROMOTION_BUY_GET:
    default:
      if (p.buy < 1 || p.buy > 99 || p.get < 1 || p.get > 99)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("Buy and get are each between 1 and 99."));
      break;
    }
  p.value = value;
  p.title = (char *) vtr_json_get_string (payload, "title");
  if (!check_text (p.title, FALSE, _("promotion’s text"), error))
    return FALSE;
  p.loyal_only = g_strcmp0 (vtr_json_get_string (payload, "audience"), "loyal") == 0;
  return vtr_catalog_put_promotion (catalog, &p, error);
}

static char *
promotion_before (VtrStore *store,
                  gint64    merchant_id,
                  gint64    id,
                  GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT json_object ('merchant', merchant_id, 'promotion', id, 'product', product_id, "
                         "  'category', category, 'kind', CASE kind WHEN 0 THEN 'percent' WHEN 1 THEN 'amount' "
                         "  WHEN 2 THEN 'points' ELSE 'buy-get' END, 'value', value, 'buy', buy, 'get', get, "
                         "  'starts', starts, 'ends', ends, 'title', title, "
                         "  'audience', CASE audience WHEN 1 THEN 'loyal' ELSE 'everyone' END) "
                         "FROM promotion WHERE id = ?",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      /* json_object() writes NULL members: drop them for the checks. */
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
      JsonObject *object = json_node_get_object (node);

      if (json_object_get_null_member (object, "product"))
        json_object_remove_member (object, "product");
      if (json_object_get_null_member (object, "category"))
        json_object_remove_member (object, "category");
      return json_to_string (node, FALSE);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_strdup_printf ("{\"merchant\":%" G_GINT64_FORMAT ",\"promotion\":%" G_GINT64_FORMAT ",\"delete\":true}",
                          merchant_id, id);
}

/* Hours, services, loyalty. */

static gboolean
check_hours (const char *text,
             GError    **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(VtrOpeningHours) hours = NULL;
  static const char * const days[] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"),
  };

  if (text == NULL || strlen (text) > 1000 || !(hours = vtr_opening_hours_parse (text, &local)))
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("These opening hours cannot be read: %s"),
                       local ? local->message : _("they are too long"));
  for (int d = 0; d < 7; d++)
    {
      int starts[16], ends[16];
      int n = vtr_opening_hours_weekday_spans (hours, d, starts, ends, G_N_ELEMENTS (starts));

      for (int i = 1; i < n; i++)
        if (starts[i] < ends[i - 1])
          return shop_error (error, VTR_SHOP_ERROR_OVERLAP,
                             _("On %s, two opening times overlap (%02d:%02d and %02d:%02d): correct them."),
                             _(days[d]), starts[i - 1] / 60, starts[i - 1] % 60, starts[i] / 60 % 24,
                             starts[i] % 60);
    }
  return TRUE;
}

static gboolean
update_merchant (VtrStore    *store,
                 gint64       merchant_id,
                 const char  *opening_hours,
                 char       **services,
                 GError     **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (catalog, merchant_id, error);
  char *old_hours;
  char **old_services;
  gboolean ok;

  if (merchant == NULL)
    return FALSE;
  old_hours = merchant->opening_hours;
  old_services = merchant->services;
  if (opening_hours)
    merchant->opening_hours = (char *) opening_hours;
  if (services)
    merchant->services = services;
  ok = vtr_catalog_put_merchant (catalog, merchant, error);
  merchant->opening_hours = old_hours;
  merchant->services = old_services;
  if (!ok && error && *error && (*error)->domain == VTR_CATALOG_ERROR)
    {
      g_autofree char *message = g_strdup ((*error)->message);

      g_clear_error (error);
      return shop_error (error, VTR_SHOP_ERROR_INVALID, "%s", message);
    }
  return ok;
}

static const char * const collection_names[] = { "clothes", "cardboard", "cooking-oil", "parcel-locker" };

static gboolean
apply_services (VtrStore   *store,
                gint64      merchant_id,
                JsonObject *payload,
                GError    **error)
{
  JsonArray *services = json_object_get_array_member (payload, "services");
  JsonArray *collections = json_object_has_member (payload, "collections")
                             ? json_object_get_array_member (payload, "collections")
                             : NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(VtrMerchant) merchant = NULL;
  gboolean taken[G_N_ELEMENTS (collection_names)] = { FALSE };

  if (services == NULL || json_array_get_length (services) > 32)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("Choose the shop’s services from the list."));
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      const char *id = json_array_get_string_element (services, i);

      if (id == NULL || vtr_service_lookup (id) == NULL)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("Choose the shop’s services from the list."));
      g_ptr_array_add (ids, g_strdup (id));
    }
  for (guint i = 0; collections && i < json_array_get_length (collections); i++)
    {
      const char *kind = json_array_get_string_element (collections, i);
      guint k;

      for (k = 0; k < G_N_ELEMENTS (collection_names); k++)
        if (g_strcmp0 (kind, collection_names[k]) == 0)
          break;
      if (k == G_N_ELEMENTS (collection_names))
        return shop_error (error, VTR_SHOP_ERROR_INVALID,
                           _("A shop takes clothes, cardboard, used cooking oil or parcels, nothing else."));
      taken[k] = TRUE;
    }
  if (!update_merchant (store, merchant_id, NULL, (char **) ids->pdata, error))
    return FALSE;
  if (collections == NULL)
    return TRUE;
  if (!(merchant = vtr_catalog_get_merchant (catalog, merchant_id, error)))
    return FALSE;
  /* The shop's own collection points: one a kind, at the shop. */
  for (guint k = 0; k < G_N_ELEMENTS (collection_names); k++)
    {
      gint64 id = VTR_SHOP_COLLECTION_BASE + merchant_id * 10 + k;

      if (taken[k])
        {
          VtrCollectionPoint point = { .id = id, .kind = k, .name = merchant->name, .merchant_id = merchant_id,
                                       .address = merchant->address, .position = merchant->position,
                                       .opening_hours = merchant->opening_hours };

          if (!vtr_catalog_put_collection_point (catalog, &point, error))
            return FALSE;
        }
      else
        {
          g_autoptr(VtrStatement) stmt = vtr_store_statement (store, "SELECT 1 FROM collection_point WHERE id = ?",
                                                              error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, id);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              sqlite3_reset (stmt);
              if (!vtr_catalog_delete (catalog, VTR_TABLE_COLLECTION_POINTS, id, 0, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static char *
services_before (VtrStore *store,
                 gint64    merchant_id,
                 GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT json_object ('merchant', m.id, 'services', "
                         "  (SELECT json_group_array (service) FROM merchant_service WHERE merchant_id = m.id), "
                         "  'collections', (SELECT json_group_array (CASE kind WHEN 0 THEN 'clothes' "
                         "    WHEN 1 THEN 'cardboard' WHEN 2 THEN 'cooking-oil' ELSE 'parcel-locker' END) "
                         "    FROM collection_point WHERE id BETWEEN ?2 AND ?2 + 9)) "
                         "FROM merchant m WHERE m.id = ?1",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, VTR_SHOP_COLLECTION_BASE + merchant_id * 10);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                _("This shop is not in the federation’s catalogue: ask the federation to add it."));
  else
    vtr_store_set_error (store, rc, error);
  return NULL;
}

static gboolean
apply_loyalty (VtrStore   *store,
               gint64      merchant_id,
               JsonObject *payload,
               GError    **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  gint64 cents, id, owner = 0;
  gboolean found;

  if (json_object_has_member (payload, "cents_per_point"))
    {
      if (!member_int (payload, "cents_per_point", &cents) || cents < 1 || cents > 100000)
        return shop_error (error, VTR_SHOP_ERROR_INVALID,
                           _("One point is given for 0,01 € to 1 000 € spent: check the rule."));
      return vtr_catalog_put_loyalty_rule (catalog, merchant_id, cents,
                                           json_object_get_boolean_member_with_default (payload, "round", FALSE),
                                           error);
    }
  if (!member_int (payload, "reward", &id) || id <= 0)
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This reward has no number."));
  if (!query_int (store, "SELECT merchant_id FROM reward WHERE id = ?", id, 0, &found, &owner, error))
    return FALSE;
  if (found && owner != merchant_id)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS, _("This reward belongs to another shop."));
  if (json_object_get_boolean_member_with_default (payload, "delete", FALSE))
    return !found || vtr_catalog_delete (catalog, VTR_TABLE_REWARDS, id, 0, error);
  {
    VtrReward reward = { .id = id, .merchant_id = merchant_id };
    const char *kind = vtr_json_get_string (payload, "kind");
    gint64 points = 0, value = 0, product = 0;

    reward.title = (char *) vtr_json_get_string (payload, "title");
    if (!check_text (reward.title, TRUE, _("reward’s name"), error))
      return FALSE;
    if (!member_int (payload, "points", &points) || points < 1 || points > 100000)
      return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A reward costs 1 to 100 000 points."));
    reward.points = points;
    member_int (payload, "value", &value);
    member_int (payload, "product", &product);
    if (g_strcmp0 (kind, "free-product") == 0)
      {
        reward.kind = VTR_REWARD_FREE_PRODUCT;
        if (!check_product (store, merchant_id, product, error))
          return FALSE;
        reward.product_id = product;
      }
    else
      {
        reward.kind = VTR_REWARD_DISCOUNT;
        if (value < 1 || value > VTR_SHOP_MAX_PRICE_CENTS)
          return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A discount is between 0,01 € and 100 000 €."));
        reward.value = value;
      }
    return vtr_catalog_put_reward (catalog, &reward, error);
  }
}

static char *
loyalty_before (VtrStore   *store,
                gint64      merchant_id,
                JsonObject *change,
                GError    **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  if (json_object_has_member (change, "cents_per_point"))
    stmt = vtr_store_statement (store,
                                "SELECT json_object ('merchant', ?1, 'cents_per_point', cents_per_point, "
                                "  'round', json (CASE rounding WHEN 0 THEN 'false' ELSE 'true' END)) "
                                "FROM loyalty_rule WHERE merchant_id = ?1",
                                error);
  else
    stmt = vtr_store_statement (store,
                                "SELECT json_object ('merchant', ?1, 'reward', id, 'points', points, "
                                "  'kind', CASE kind WHEN 0 THEN 'discount' ELSE 'free-product' END, "
                                "  'value', value, 'product', coalesce (product_id, 0), 'title', title) "
                                "FROM reward WHERE id = ?2",
                                error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, vtr_json_get_int (change, "reward"));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  if (json_object_has_member (change, "cents_per_point"))
    return g_strdup ("{}"); /* the federation set none: nothing to put back */
  return g_strdup_printf ("{\"merchant\":%" G_GINT64_FORMAT ",\"reward\":%" G_GINT64_FORMAT ",\"delete\":true}",
                          merchant_id, vtr_json_get_int (change, "reward"));
}

/* Posters: checked here, signed by the hub. */
static gboolean
apply_poster (VtrStore   *store,
              gint64      merchant_id,
              JsonObject *payload,
              GError    **error)
{
  gint64 product = vtr_json_get_int (payload, "product");
  gint64 promotion = vtr_json_get_int (payload, "promotion");
  gint64 owner = 0;
  gboolean found;

  if ((product > 0) == (promotion > 0))
    return shop_error (error, VTR_SHOP_ERROR_INVALID, _("A poster shows one product or one promotion."));
  if (promotion > 0)
    {
      if (!query_int (store, "SELECT merchant_id FROM promotion WHERE id = ?", promotion, 0, &found, &owner, error))
        return FALSE;
      if (!found)
        return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This promotion no longer exists."));
      if (owner != merchant_id)
        return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS, _("This promotion belongs to another shop."));
      return TRUE;
    }
  if (!check_product (store, merchant_id, product, error))
    return FALSE;
  if (!query_int (store, "SELECT 1 FROM stock WHERE product_id = ? AND merchant_id = ?", product, merchant_id, &found,
                  &owner, error))
    return FALSE;
  if (!found)
    return shop_error (error, VTR_SHOP_ERROR_INVALID,
                       _("Set this product’s price in the shop before printing its poster."));
  return TRUE;
}

gboolean
vtr_shop_apply_event (VtrStore         *store,
                      gint64            merchant_id,
                      const char       *kind,
                      JsonObject       *payload,
                      gint64            at,
                      VtrShopApplyMode  mode,
                      GError          **error)
{
  gint64 said = 0;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind != NULL && payload != NULL, FALSE);

  if (merchant_id <= 0)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS, _("Only a shop’s device changes a shop."));
  if (!member_int (payload, "merchant", &said) || said != merchant_id)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                       _("This device belongs to another shop: it cannot change this one."));

  if (g_str_equal (kind, VTR_SHOP_EVENT_STOCK))
    return apply_stock (store, merchant_id, payload, at, mode, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_PRODUCT))
    return apply_product (store, merchant_id, payload, at, mode, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_PROMOTION))
    return apply_promotion (store, merchant_id, payload, at, mode, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_HOURS))
    {
      const char *hours = vtr_json_get_string (payload, "opening_hours");

      return check_hours (hours, error) && update_merchant (store, merchant_id, hours, NULL, error);
    }
  if (g_str_equal (kind, VTR_SHOP_EVENT_SERVICES))
    return apply_services (store, merchant_id, payload, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_LOYALTY))
    return apply_loyalty (store, merchant_id, payload, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_POSTER))
    return apply_poster (store, merchant_id, payload, error);
  return shop_error (error, VTR_SHOP_ERROR_INVALID, _("This kind of change is not known here yet: update Vitrine."));
}

/* Records one change on the counter: applies it, remembers what it
 * replaced and queues its event, in the caller's transaction. */
static gboolean
record_edit (VtrStore   *store,
             gint64      merchant_id,
             const char *kind,
             JsonObject *payload,
             const char *before,
             const char *undo_of,
             GDateTime  *now,
             char      **uuid_out,
             GError    **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  gint64 t = g_date_time_to_unix (now);
  VtrStatement *stmt;

  json_object_set_int_member (payload, "at", t);
  if (!vtr_shop_apply_event (store, merchant_id, kind, payload, t, VTR_SHOP_APPLY_DEVICE, error))
    return FALSE;
  json_node_set_object (node, payload);
  text = json_to_string (node, FALSE);

  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.shop_edit (uuid, merchant_id, kind, payload, before, created, "
                              "  undo_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, merchant_id);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, before, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, t);
  if (undo_of)
    sqlite3_bind_text (stmt, 7, undo_of, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error) || !vtr_outbox_append (store, uuid, kind, text, t, error))
    return FALSE;
  if (uuid_out)
    *uuid_out = g_steal_pointer (&uuid);
  return TRUE;
}

/* Runs one counter change in its own transaction. */
static gboolean
commit_or_rollback (VtrStore *store,
                    gboolean  ok,
                    GError  **error)
{
  if (!ok)
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  return vtr_store_commit (store, error);
}

/* What @change would replace, as the payload that puts it back. */
static char *
before_of (VtrStore   *store,
           gint64      merchant_id,
           const char *kind,
           JsonObject *change,
           GError    **error)
{
  if (g_str_equal (kind, VTR_SHOP_EVENT_STOCK))
    return stock_before (store, merchant_id, vtr_json_get_int (change, "product"), error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_PROMOTION))
    return promotion_before (store, merchant_id, vtr_json_get_int (change, "promotion"), error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_SERVICES))
    return services_before (store, merchant_id, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_LOYALTY))
    return loyalty_before (store, merchant_id, change, error);
  if (g_str_equal (kind, VTR_SHOP_EVENT_HOURS))
    {
      g_autoptr(VtrStatement) stmt =
        vtr_store_statement (store,
                             "SELECT json_object ('merchant', id, 'opening_hours', opening_hours) FROM merchant "
                             "WHERE id = ?",
                             error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, merchant_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                  _("This shop is not in the federation’s catalogue: ask the federation to add it."));
      return NULL;
    }
  if (g_str_equal (kind, VTR_SHOP_EVENT_PRODUCT))
    {
      g_autofree char *gtin = vtr_gtin_normalize (vtr_json_get_string (change, "gtin") ?: "", NULL);
      gint64 id = gtin ? made_product_id (gtin) : vtr_json_get_int (change, "product");
      g_autoptr(VtrStatement) stmt =
        vtr_store_statement (store,
                             "SELECT json_object ('merchant', ?2, 'gtin', gtin, 'name', name, 'brand', brand, "
                             "  'category', category) FROM product WHERE id = ?1",
                             error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, merchant_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return g_strdup_printf ("{\"merchant\":%" G_GINT64_FORMAT ",\"product\":%" G_GINT64_FORMAT ",\"delete\":true}",
                              merchant_id, id);
    }
  return g_strdup ("{}"); /* a poster: nothing to put back */
}

/* One change at the counter, in its own transaction. */
static gboolean
counter_edit (VtrStore   *store,
              const char *session,
              const char *kind,
              JsonObject *payload,
              GDateTime  *now,
              gint64     *merchant_out,
              char      **uuid,
              GError    **error)
{
  g_autofree char *before = NULL;
  gint64 merchant_id;
  gboolean ok;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  json_object_set_int_member (payload, "merchant", merchant_id);
  if (merchant_out)
    *merchant_out = merchant_id;
  if (!vtr_store_begin (store, error))
    return FALSE;
  ok = (before = before_of (store, merchant_id, kind, payload, error)) != NULL &&
       record_edit (store, merchant_id, kind, payload, before, NULL, now, uuid, error);
  return commit_or_rollback (store, ok, error);
}

gboolean
vtr_shop_create_product (VtrStore   *store,
                         const char *session,
                         const char *gtin,
                         const char *name,
                         const char *brand,
                         const char *category,
                         GDateTime  *now,
                         gint64     *product_id,
                         GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *gtin14 = NULL;
  gint64 merchant_id;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  json_object_set_string_member (payload, "gtin", gtin ? gtin : "");
  json_object_set_string_member (payload, "name", name ? name : "");
  if (brand && *brand)
    json_object_set_string_member (payload, "brand", brand);
  json_object_set_string_member (payload, "category", category ? category : "");
  if (!counter_edit (store, session, VTR_SHOP_EVENT_PRODUCT, payload, now, &merchant_id, NULL, error))
    return FALSE;
  gtin14 = vtr_gtin_normalize (gtin, NULL);
  if (product_id)
    *product_id = made_product_id (gtin14);
  return TRUE;
}

GStrv
vtr_shop_list_categories (VtrStore *store,
                          GError  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT DISTINCT category FROM product WHERE category <> '' ORDER BY category", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

void
vtr_shop_name_free (VtrShopName *name)
{
  if (name == NULL)
    return;
  g_free (name->name);
  g_free (name->folded);
  g_free (name);
}

/**
 * vtr_shop_list_names:
 * @merchant_id: the shop whose products come first
 *
 * What a merchant may type instead of a barcode, for suggestions as they
 * type and to know what they meant: the products on the shop's shelves,
 * by name, then the catalogue's other products, then its categories.
 *
 * Returns: (transfer full) (element-type VtrShopName): the names
 */
GPtrArray *
vtr_shop_list_names (VtrStore *store,
                     gint64    merchant_id,
                     GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_shop_name_free);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT p.id, p.name, EXISTS (SELECT 1 FROM stock s WHERE s.product_id = p.id "
                         "  AND s.merchant_id = ?1) AS stocked "
                         "FROM product p WHERE p.name <> '' ORDER BY stocked DESC, p.name",
                         error);
  g_auto(GStrv) categories = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopName *name = g_new0 (VtrShopName, 1);

      name->product_id = sqlite3_column_int64 (stmt, 0);
      name->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      name->folded = vtr_shop_name_fold (name->name);
      name->stocked = sqlite3_column_int (stmt, 2) != 0;
      g_ptr_array_add (names, name);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  if (!(categories = vtr_shop_list_categories (store, error)))
    return NULL;
  for (guint i = 0; categories[i]; i++)
    {
      VtrShopName *name = g_new0 (VtrShopName, 1);

      name->name = g_strdup (categories[i]);
      name->folded = vtr_shop_name_fold (name->name);
      g_ptr_array_add (names, name);
    }
  return g_steal_pointer (&names);
}

/**
 * vtr_shop_name_lookup:
 * @names: (element-type VtrShopName): from vtr_shop_list_names()
 * @text: what the merchant typed
 *
 * The product or category named @text, whatever its case and accents:
 * the shop's own product first.
 *
 * Returns: (transfer none) (nullable): the name, or %NULL when none is
 */
const VtrShopName *
vtr_shop_name_lookup (GPtrArray  *names,
                      const char *text)
{
  g_autofree char *typed = NULL;

  if (names == NULL || text == NULL)
    return NULL;
  typed = vtr_shop_name_fold (text);
  if (*typed == '\0')
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      VtrShopName *name = g_ptr_array_index (names, i);

      if (g_str_equal (name->folded, typed))
        return name;
    }
  return NULL;
}

/**
 * vtr_shop_name_fold:
 *
 * @text as names are compared: trimmed, without case or accents.
 */
char *
vtr_shop_name_fold (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *ascii = g_str_to_ascii (stripped, "C");

  return g_ascii_strdown (ascii, -1);
}

static gint64
random_id (gint64 base)
{
  return base + ((((gint64) g_random_int ()) << 20) ^ g_random_int ()) % G_GINT64_CONSTANT (9999999999999);
}

gboolean
vtr_shop_put_promotion (VtrStore         *store,
                        const char       *session,
                        VtrShopPromotion *promotion,
                        GDateTime        *now,
                        GError          **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  static const char * const kinds[] = { "percent", "amount", "points", "buy-get" };
  gint64 id;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (promotion != NULL && now != NULL, FALSE);

  id = promotion->id > 0 ? promotion->id : random_id (VTR_SHOP_PROMOTION_BASE);
  json_object_set_int_member (payload, "promotion", id);
  if (promotion->product_id > 0)
    json_object_set_int_member (payload, "product", promotion->product_id);
  if (promotion->category)
    json_object_set_string_member (payload, "category", promotion->category);
  json_object_set_string_member (payload, "kind", promotion->kind <= VTR_PROMOTION_BUY_GET ? kinds[promotion->kind]
                                                                                          : "?");
  json_object_set_int_member (payload, "value", promotion->value);
  json_object_set_int_member (payload, "buy", promotion->buy);
  json_object_set_int_member (payload, "get", promotion->get);
  json_object_set_int_member (payload, "starts", promotion->starts);
  json_object_set_int_member (payload, "ends", promotion->ends);
  json_object_set_string_member (payload, "audience",
                                 promotion->audience == VTR_SHOP_AUDIENCE_LOYAL ? "loyal" : "everyone");
  if (promotion->title && *promotion->title)
    json_object_set_string_member (payload, "title", promotion->title);
  if (!counter_edit (store, session, VTR_SHOP_EVENT_PROMOTION, payload, now, NULL, NULL, error))
    return FALSE;
  promotion->id = id;
  return TRUE;
}

gboolean
vtr_shop_end_promotion (VtrStore   *store,
                        const char *session,
                        gint64      promotion_id,
                        GDateTime  *now,
                        GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  json_object_set_int_member (payload, "promotion", promotion_id);
  json_object_set_boolean_member (payload, "end", TRUE);
  return counter_edit (store, session, VTR_SHOP_EVENT_PROMOTION, payload, now, NULL, NULL, error);
}

gboolean
vtr_shop_set_hours (VtrStore   *store,
                    const char *session,
                    const char *opening_hours,
                    GDateTime  *now,
                    GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  json_object_set_string_member (payload, "opening_hours", opening_hours ? opening_hours : "");
  return counter_edit (store, session, VTR_SHOP_EVENT_HOURS, payload, now, NULL, NULL, error);
}

char *
vtr_shop_hours_add_closure (const char *opening_hours,
                            GDateTime  *first_day,
                            GDateTime  *last_day,
                            GError    **error)
{
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;

  g_return_val_if_fail (first_day != NULL && last_day != NULL, NULL);

  first = g_date_time_to_timezone (first_day, vtr_opening_hours_timezone ());
  last = g_date_time_to_timezone (last_day, vtr_opening_hours_timezone ());
  if (g_date_time_get_year (last) * 10000 + g_date_time_get_month (last) * 100 + g_date_time_get_day_of_month (last) <
      g_date_time_get_year (first) * 10000 + g_date_time_get_month (first) * 100 + g_date_time_get_day_of_month (first))
    {
      shop_error (error, VTR_SHOP_ERROR_INVALID, _("The closure ends before it starts: check the dates."));
      return NULL;
    }
  {
    static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    g_autofree char *from = g_strdup_printf ("%d %s %02d", g_date_time_get_year (first),
                                             months[g_date_time_get_month (first) - 1],
                                             g_date_time_get_day_of_month (first));
    g_autofree char *to = g_strdup_printf ("%d %s %02d", g_date_time_get_year (last),
                                           months[g_date_time_get_month (last) - 1],
                                           g_date_time_get_day_of_month (last));

    /* Last: in OSM a later rule wins for the days it names. */
    if (opening_hours == NULL || *opening_hours == '\0')
      opening_hours = "24/7";
    return g_strdup_printf ("%s; %s-%s off", opening_hours, from, to);
  }
}

gboolean
vtr_shop_set_services (VtrStore           *store,
                       const char         *session,
                       const char * const *services,
                       const int          *collections,
                       GDateTime          *now,
                       GError            **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  JsonArray *list = json_array_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  for (guint i = 0; services && services[i]; i++)
    json_array_add_string_element (list, services[i]);
  json_object_set_array_member (payload, "services", list);
  if (collections)
    {
      JsonArray *kinds = json_array_new ();

      for (guint i = 0; collections[i] >= 0; i++)
        json_array_add_string_element (kinds, collections[i] < (int) G_N_ELEMENTS (collection_names)
                                                ? collection_names[collections[i]]
                                                : "?");
      json_object_set_array_member (payload, "collections", kinds);
    }
  return counter_edit (store, session, VTR_SHOP_EVENT_SERVICES, payload, now, NULL, NULL, error);
}

gboolean
vtr_shop_set_loyalty_rule (VtrStore   *store,
                           const char *session,
                           gint64      cents_per_point,
                           gboolean    round_up,
                           GDateTime  *now,
                           GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  json_object_set_int_member (payload, "cents_per_point", cents_per_point);
  json_object_set_boolean_member (payload, "round", round_up);
  return counter_edit (store, session, VTR_SHOP_EVENT_LOYALTY, payload, now, NULL, NULL, error);
}

gboolean
vtr_shop_put_reward (VtrStore   *store,
                     const char *session,
                     VtrReward  *reward,
                     GDateTime  *now,
                     GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  gint64 id;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (reward != NULL, FALSE);

  id = reward->id > 0 ? reward->id : random_id (VTR_SHOP_PROMOTION_BASE);
  json_object_set_int_member (payload, "reward", id);
  json_object_set_int_member (payload, "points", reward->points);
  json_object_set_string_member (payload, "kind",
                                 reward->kind == VTR_REWARD_FREE_PRODUCT ? "free-product" : "discount");
  json_object_set_int_member (payload, "value", reward->value);
  json_object_set_int_member (payload, "product", reward->product_id);
  json_object_set_string_member (payload, "title", reward->title ? reward->title : "");
  if (!counter_edit (store, session, VTR_SHOP_EVENT_LOYALTY, payload, now, &reward->merchant_id, NULL, error))
    return FALSE;
  reward->id = id;
  return TRUE;
}

gboolean
vtr_shop_remove_reward (VtrStore   *store,
                        const char *session,
                        gint64      reward_id,
                        GDateTime  *now,
                        GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  json_object_set_int_member (payload, "reward", reward_id);
  json_object_set_boolean_member (payload, "delete", TRUE);
  return counter_edit (store, session, VTR_SHOP_EVENT_LOYALTY, payload, now, NULL, NULL, error);
}

gboolean
vtr_shop_request_poster (VtrStore   *store,
                         const char *session,
                         gint64      product_id,
                         gint64      promotion_id,
                         GDateTime  *now,
                         char      **uuid,
                         GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (product_id > 0)
    json_object_set_int_member (payload, "product", product_id);
  if (promotion_id > 0)
    json_object_set_int_member (payload, "promotion", promotion_id);
  return counter_edit (store, session, VTR_SHOP_EVENT_POSTER, payload, now, NULL, uuid, error);
}

gboolean
vtr_shop_set_stock (VtrStore        *store,
                    const char      *session,
                    gint64           product_id,
                    gint64           price_cents,
                    VtrAvailability  availability,
                    int              quantity,
                    GDateTime       *now,
                    char           **uuid,
                    GError         **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  json_object_set_int_member (payload, "product", product_id);
  json_object_set_int_member (payload, "price_cents", price_cents);
  json_object_set_string_member (payload, "availability",
                                 availability <= VTR_AVAILABILITY_IN_STOCK ? availability_to_string (availability)
                                                                           : "?");
  if (quantity != VTR_SHOP_NO_QUANTITY)
    json_object_set_int_member (payload, "quantity", quantity);
  return counter_edit (store, session, VTR_SHOP_EVENT_STOCK, payload, now, NULL, uuid, error);
}

gboolean
vtr_shop_remove_stock (VtrStore   *store,
                       const char *session,
                       gint64      product_id,
                       GDateTime  *now,
                       char      **uuid,
                       GError    **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  json_object_set_int_member (payload, "product", product_id);
  json_object_set_boolean_member (payload, "remove", TRUE);
  return counter_edit (store, session, VTR_SHOP_EVENT_STOCK, payload, now, NULL, uuid, error);
}

gboolean
vtr_shop_find_product (VtrStore   *store,
                       const char *text,
                       gint64     *product_id,
                       GError    **error)
{
  g_autoptr(GError) gtin_error = NULL;
  g_autofree char *gtin = NULL;
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (product_id != NULL, FALSE);

  *product_id = 0;
  if (text == NULL || !(gtin = vtr_gtin_normalize (text, &gtin_error)))
    return shop_error (error, VTR_SHOP_ERROR_BAD_GTIN,
                       _("This barcode is not a valid product code (%s): scan it again."),
                       gtin_error ? gtin_error->message : "");
  if (!(stmt = vtr_store_statement (store, "SELECT id FROM product WHERE gtin = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, gtin, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *product_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  return TRUE;
}

/* A change in words, for the history and the undo toast. */
static char *
summarize (VtrStore   *store,
           const char *kind,
           JsonObject *payload)
{
  if (g_str_equal (kind, VTR_SHOP_EVENT_STOCK))
    {
      g_autoptr(VtrStatement) stmt = vtr_store_statement (store, "SELECT name FROM product WHERE id = ?", NULL);
      g_autofree char *name = NULL;
      g_autofree char *price = NULL;
      VtrAvailability availability = VTR_AVAILABILITY_IN_STOCK;
      const char *words;

      if (stmt)
        {
          sqlite3_bind_int64 (stmt, 1, vtr_json_get_int (payload, "product"));
          if (sqlite3_step (stmt) == SQLITE_ROW)
            name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      if (name == NULL)
        name = g_strdup_printf (_("Product %lld"), (long long) vtr_json_get_int (payload, "product"));
      if (json_object_get_boolean_member_with_default (payload, "remove", FALSE))
        return g_strdup_printf (_("%s: no longer sold here"), name);
      availability_from_string (vtr_json_get_string (payload, "availability"), &availability);
      words = availability == VTR_AVAILABILITY_IN_STOCK ? _("in stock")
              : availability == VTR_AVAILABILITY_LOW    ? _("low stock")
                                                        : _("out of stock");
      price = format_euros (vtr_json_get_int (payload, "price_cents"));
      return g_strdup_printf (_("%s: %s, %s"), name, price, words);
    }
  if (g_str_equal (kind, VTR_SHOP_EVENT_PRODUCT))
    return json_object_get_boolean_member_with_default (payload, "delete", FALSE)
             ? g_strdup (_("New product removed"))
             : g_strdup_printf (_("New product: %s"), vtr_json_get_string (payload, "name"));
  if (g_str_equal (kind, VTR_SHOP_EVENT_PROMOTION))
    {
      if (json_object_get_boolean_member_with_default (payload, "end", FALSE))
        return g_strdup (_("Promotion ended"));
      if (json_object_get_boolean_member_with_default (payload, "delete", FALSE))
        return g_strdup (_("Promotion removed"));
      return g_strdup_printf (_("Promotion: %s"), vtr_json_get_string (payload, "title")
                                                    ? vtr_json_get_string (payload, "title")
                                                    : vtr_json_get_string (payload, "kind"));
    }
  if (g_str_equal (kind, VTR_SHOP_EVENT_HOURS))
    return g_strdup_printf (_("Opening hours: %s"), vtr_json_get_string (payload, "opening_hours"));
  if (g_str_equal (kind, VTR_SHOP_EVENT_SERVICES))
    return g_strdup (_("Services and collections"));
  if (g_str_equal (kind, VTR_SHOP_EVENT_LOYALTY))
    return json_object_has_member (payload, "cents_per_point") ? g_strdup (_("Loyalty rule"))
                                                               : g_strdup (_("Loyalty reward"));
  if (g_str_equal (kind, VTR_SHOP_EVENT_POSTER))
    return g_strdup (_("Poster requested"));
  return g_strdup (kind);
}

GPtrArray *
vtr_shop_list_edits (VtrStore *store,
                     gint64    merchant_id,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_shop_edit_free);
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT e.uuid, e.kind, e.payload, e.created, e.undone, "
                              "  EXISTS (SELECT 1 FROM journal.outbox o WHERE o.uuid = e.uuid), r.reason "
                              "FROM journal.shop_edit e LEFT JOIN journal.outbox_rejected r ON r.uuid = e.uuid "
                              "WHERE e.merchant_id = ? ORDER BY e.seq DESC LIMIT ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopEdit *edit = g_new0 (VtrShopEdit, 1);

      edit->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      edit->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      edit->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      edit->merchant_id = merchant_id;
      edit->created = sqlite3_column_int64 (stmt, 3);
      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          edit->state = VTR_SHOP_EDIT_REFUSED;
          edit->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        }
      else if (sqlite3_column_int (stmt, 4))
        edit->state = VTR_SHOP_EDIT_UNDONE;
      else if (sqlite3_column_int (stmt, 5))
        edit->state = VTR_SHOP_EDIT_PENDING;
      else
        edit->state = VTR_SHOP_EDIT_ACCEPTED;
      g_ptr_array_add (edits, edit);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  sqlite3_reset (stmt);
  for (guint i = 0; i < edits->len; i++)
    {
      VtrShopEdit *edit = g_ptr_array_index (edits, i);
      g_autoptr(JsonNode) node = json_from_string (edit->payload, NULL);

      edit->summary = node && JSON_NODE_HOLDS_OBJECT (node)
                        ? summarize (store, edit->kind, json_node_get_object (node))
                        : g_strdup (edit->kind);
    }
  return g_steal_pointer (&edits);
}

/* The last change of this shop that may be undone: not an undo itself,
 * not undone, not refused by the hub. */
static gboolean
last_undoable (VtrStore *store,
               gint64    merchant_id,
               char    **uuid,
               char    **kind,
               char    **before,
               GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT uuid, kind, before FROM journal.shop_edit e "
                         "WHERE merchant_id = ? AND undone = 0 AND undo_of IS NULL AND reverted = 0 AND before <> '{}' "
                         "  AND NOT EXISTS (SELECT 1 FROM journal.outbox_rejected r WHERE r.uuid = e.uuid) "
                         "ORDER BY seq DESC LIMIT 1",
                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return shop_error (error, VTR_SHOP_ERROR_NOTHING_TO_UNDO, _("There is no change left to undo."));
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  *uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  *before = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  return TRUE;
}

gboolean
vtr_shop_undo (VtrStore     *store,
               const char   *session,
               GDateTime    *now,
               VtrShopEdit **undone,
               GError      **error)
{
  g_autofree char *uuid = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *before = NULL;
  g_autofree char *current = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 merchant_id;
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!last_undoable (store, merchant_id, &uuid, &kind, &before, error))
    goto rollback;
  node = json_from_string (before, error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto rollback;
  if (!(current = before_of (store, merchant_id, kind, json_node_get_object (node), error)) ||
      !record_edit (store, merchant_id, kind, json_node_get_object (node), current, uuid, now, NULL, error))
    goto rollback;
  stmt = vtr_store_statement (store, "UPDATE journal.shop_edit SET undone = 1 WHERE uuid = ?", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error) || !vtr_store_commit (store, error))
    goto rollback;

  if (undone)
    {
      g_autoptr(GPtrArray) edits = vtr_shop_list_edits (store, merchant_id, 50, NULL);

      *undone = NULL;
      for (guint i = 0; edits && i < edits->len; i++)
        {
          VtrShopEdit *edit = g_ptr_array_index (edits, i);

          if (g_str_equal (edit->uuid, uuid))
            *undone = g_ptr_array_steal_index (edits, i);
        }
    }
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

int
vtr_shop_revert_refused (VtrStore *store,
                         GError  **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  int n = 0;

  g_return_val_if_fail (VTR_IS_STORE (store), -1);

  if (!vtr_store_begin (store, error))
    return -1;
  {
    g_autoptr(VtrStatement) stmt =
      vtr_store_statement (store,
                           "SELECT e.uuid, e.kind, e.before, e.merchant_id FROM journal.shop_edit e "
                           "JOIN journal.outbox_rejected r ON r.uuid = e.uuid WHERE e.reverted = 0 "
                           "ORDER BY e.seq DESC",
                           error);
    int rc;

    if (stmt == NULL)
      goto rollback;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      for (int c = 0; c < 4; c++)
        g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, c)));
    if (rc != SQLITE_DONE)
      {
        vtr_store_set_error (store, rc, error);
        goto rollback;
      }
  }
  for (guint i = 0; i + 3 < rows->len; i += 4)
    {
      g_autoptr(JsonNode) node = json_from_string (g_ptr_array_index (rows, i + 2), NULL);
      gint64 merchant_id = g_ascii_strtoll (g_ptr_array_index (rows, i + 3), NULL, 10);
      g_autoptr(GError) local = NULL;
      VtrStatement *stmt;

      /* What the refused change replaced, as it was: the hub never had
       * the change, so the feed will not put it back. A value that is no
       * longer valid here (the product left the catalogue) stays. */
      if (node && JSON_NODE_HOLDS_OBJECT (node))
        vtr_shop_apply_event (store, merchant_id, g_ptr_array_index (rows, i + 1), json_node_get_object (node),
                              g_get_real_time () / G_USEC_PER_SEC, VTR_SHOP_APPLY_DEVICE, &local);
      stmt = vtr_store_statement (store, "UPDATE journal.shop_edit SET reverted = 1 WHERE uuid = ?", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (rows, i), -1, SQLITE_STATIC);
      if (!vtr_store_step_done (store, stmt, error))
        goto rollback;
      n++;
    }
  if (!vtr_store_commit (store, error))
    goto rollback;
  return n;

rollback:
  vtr_store_rollback (store);
  return -1;
}

void
vtr_shop_poster_free (VtrShopPoster *poster)
{
  if (poster == NULL)
    return;
  g_free (poster->uuid);
  g_free (poster->code);
  g_free (poster->summary);
  g_free (poster->reason);
  g_free (poster);
}

gboolean
vtr_shop_poster_signed (VtrStore   *store,
                        const char *uuid,
                        const char *code,
                        GError    **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  stmt = vtr_store_statement (store,
                              "UPDATE journal.shop_edit SET code = ?2 WHERE uuid = ?1 AND kind = 'shop-poster' "
                              "AND code IS NULL",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, stmt, error);
}

GPtrArray *
vtr_shop_signed_posters (VtrStore *store,
                         gint64    merchant_id,
                         GError  **error)
{
  g_autoptr(GPtrArray) posters = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_shop_poster_free);
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT uuid, merchant_id, coalesce (json_extract (payload, '$.product'), "
                              "  (SELECT product_id FROM promotion WHERE id = json_extract (payload, '$.promotion')), 0), "
                              "  coalesce (json_extract (payload, '$.promotion'), 0), code "
                              "FROM journal.shop_edit WHERE kind = 'shop-poster' AND code IS NOT NULL "
                              "  AND printed IS NULL AND merchant_id = ? ORDER BY seq",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopPoster *poster = g_new0 (VtrShopPoster, 1);

      poster->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      poster->merchant_id = sqlite3_column_int64 (stmt, 1);
      poster->product_id = sqlite3_column_int64 (stmt, 2);
      poster->promotion_id = sqlite3_column_int64 (stmt, 3);
      poster->code = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (posters, poster);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&posters);
}

/**
 * vtr_shop_list_posters:
 * @limit: how many, newest first
 *
 * The shop's poster requests and where each is: waiting for the hub,
 * signed (ready to print), printed, or refused by the hub.
 *
 * Returns: (transfer container) (element-type VtrShopPoster)
 */
GPtrArray *
vtr_shop_list_posters (VtrStore *store,
                       gint64    merchant_id,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(GPtrArray) posters = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_shop_poster_free);
  g_autoptr(VtrStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT e.uuid, coalesce (json_extract (e.payload, '$.product'), "
                              "  (SELECT product_id FROM promotion WHERE id = json_extract (e.payload, '$.promotion')), 0), "
                              "  coalesce (json_extract (e.payload, '$.promotion'), 0), e.code, e.printed, r.reason "
                              "FROM journal.shop_edit e LEFT JOIN journal.outbox_rejected r ON r.uuid = e.uuid "
                              "WHERE e.kind = 'shop-poster' AND e.merchant_id = ? ORDER BY e.seq DESC LIMIT ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VtrShopPoster *poster = g_new0 (VtrShopPoster, 1);

      poster->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      poster->merchant_id = merchant_id;
      poster->product_id = sqlite3_column_int64 (stmt, 1);
      poster->promotion_id = sqlite3_column_int64 (stmt, 2);
      poster->code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      poster->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      if (poster->reason)
        poster->state = VTR_SHOP_POSTER_REFUSED;
      else if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        poster->state = VTR_SHOP_POSTER_PRINTED;
      else if (poster->code)
        poster->state = VTR_SHOP_POSTER_SIGNED;
      else
        poster->state = VTR_SHOP_POSTER_WAITING;
      g_ptr_array_add (posters, poster);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  sqlite3_reset (stmt);
  /* What each is for, in words: the product, else the promotion. */
  {
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);

    for (guint i = 0; i < posters->len; i++)
      {
        VtrShopPoster *poster = g_ptr_array_index (posters, i);
        g_autoptr(VtrProduct) product = poster->product_id
                                          ? vtr_catalog_get_product (catalog, poster->product_id, NULL)
                                          : NULL;
        g_autofree char *words = NULL;

        if (product)
          words = g_strdup (product->name);
        else if (poster->promotion_id)
          words = g_strdup_printf (_("Promotion %lld"), (long long) poster->promotion_id);
        else
          words = g_strdup (_("The shop"));
        g_free (poster->summary);
        /* TRANSLATORS: a poster asked for at the counter: what it shows */
        poster->summary = g_strdup_printf (_("Poster: %s"), words);
      }
  }
  return g_steal_pointer (&posters);
}

gboolean
vtr_shop_poster_printed (VtrStore   *store,
                         const char *uuid,
                         gint64      now,
                         GError    **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  stmt = vtr_store_statement (store, "UPDATE journal.shop_edit SET printed = ?2 WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  return vtr_store_step_done (store, stmt, error);
}

/* Closures in opening hours: the rules "2026 Dec 24[-2026 Dec 26] off". */

void
vtr_shop_closure_free (VtrShopClosure *closure)
{
  if (closure == NULL)
    return;
  g_free (closure->words);
  g_free (closure);
}

static const char * const closure_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int
closure_day (const char *year,
             const char *month,
             const char *day)
{
  for (guint m = 0; m < G_N_ELEMENTS (closure_months); m++)
    if (g_str_equal (month, closure_months[m]))
      return atoi (year) * 10000 + (m + 1) * 100 + atoi (day);
  return 0;
}

/* The closure @rule says, or FALSE when it is another kind of rule. */
static gboolean
parse_closure (const char *rule,
               int        *first,
               int        *last)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  gboolean found = FALSE;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("^\\s*(\\d{4}) ([A-Z][a-z]{2}) (\\d{1,2})"
                                            "(?:-(\\d{4}) ([A-Z][a-z]{2}) (\\d{1,2}))?\\s+(?:off|closed)\\s*$",
                                            0, 0, NULL));
  if (g_regex_match (regex, rule, 0, &match))
    {
      g_autofree char *y1 = g_match_info_fetch (match, 1);
      g_autofree char *m1 = g_match_info_fetch (match, 2);
      g_autofree char *d1 = g_match_info_fetch (match, 3);
      g_autofree char *y2 = g_match_info_fetch (match, 4);
      g_autofree char *m2 = g_match_info_fetch (match, 5);
      g_autofree char *d2 = g_match_info_fetch (match, 6);

      *first = closure_day (y1, m1, d1);
      *last = y2 && *y2 ? closure_day (y2, m2, d2) : *first;
      found = *first > 0 && *last > 0;
    }
  return found;
}

GPtrArray *
vtr_shop_hours_closures (const char *opening_hours)
{
  GPtrArray *closures = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_shop_closure_free);
  g_auto(GStrv) rules = g_strsplit (opening_hours ? opening_hours : "", ";", -1);

  for (guint i = 0; rules[i]; i++)
    {
      VtrShopClosure *closure;
      int first, last;

      if (!parse_closure (rules[i], &first, &last))
        continue;
      closure = g_new0 (VtrShopClosure, 1);
      closure->first_day = first;
      closure->last_day = last;
      if (first == last)
        closure->words = g_strdup_printf (_("Closed on %02d/%02d/%04d"), first % 100, first / 100 % 100,
                                          first / 10000);
      else
        closure->words = g_strdup_printf (_("Closed from %02d/%02d/%04d to %02d/%02d/%04d"), first % 100,
                                          first / 100 % 100, first / 10000, last % 100, last / 100 % 100,
                                          last / 10000);
      g_ptr_array_add (closures, closure);
    }
  return closures;
}

char *
vtr_shop_hours_remove_closure (const char *opening_hours,
                               int         first_day)
{
  g_auto(GStrv) rules = g_strsplit (opening_hours ? opening_hours : "", ";", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; rules[i]; i++)
    {
      int first, last;

      if (parse_closure (rules[i], &first, &last) && first == first_day)
        continue;
      if (out->len)
        g_string_append_c (out, ';');
      g_string_append (out, out->len ? rules[i] : g_strchug (rules[i]));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

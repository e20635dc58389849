#include "config.h"

#include "vtr-import.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vtr-csv.h"
#include "vtr-gtin.h"
#include "vtr-shop-review.h"
#include "vtr-store-private.h"
#include "vtr-opening-hours.h"

/*
 * The federation's data as it comes from its members: CSV files (one table
 * each, told apart by their columns) or one JSON file with a list per
 * table. A file is imported whole or not at all: one bad row rolls back
 * the transaction, and the error names its line (CSV) or entry (JSON).
 */

typedef VtrCatalogTable Table;

static const char * const table_names[] = {
  "merchants", "products", "stock", "promotions", "rules", "rewards", "collection_points",
};

const char *
vtr_catalog_table_name (VtrCatalogTable table)
{
  g_return_val_if_fail (table < VTR_N_TABLES, NULL);
  return table_names[table];
}

/* One row, from a CSV line or a JSON object. */
typedef struct
{
  GPtrArray  *header;
  GPtrArray  *fields;
  JsonObject *object;
  GHashTable *texts; /* JSON numbers written as text, kept for the row's life */
  guint       line;  /* CSV line, or 0 */
  Table       table; /* with entry: JSON */
  guint       entry;
} Row;

/* "line 12" or "merchants, entry 3", only when an error needs it. */
static char *
row_where (Row *row)
{
  if (row->line)
    return g_strdup_printf (_("line %u"), row->line);
  return g_strdup_printf (_("%s, entry %u"), table_names[row->table], row->entry);
}

static const char *
text_of (Row        *row,
         const char *name)
{
  if (row->object)
    {
      JsonNode *node = json_object_get_member (row->object, name);
      char *text;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        return NULL;
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return json_node_get_string (node);
        case G_TYPE_INT64:
          text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          text = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);
          g_ascii_dtostr (text, G_ASCII_DTOSTR_BUF_SIZE, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          text = g_strdup (json_node_get_boolean (node) ? "1" : "0");
          break;
        default:
          return NULL;
        }
      if (row->texts == NULL)
        row->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_replace (row->texts, g_strdup (name), text);
      return text;
    }

  for (guint i = 0; i < row->header->len; i++)
    if (g_str_equal (g_ptr_array_index (row->header, i), name))
      {
        const char *value = i < row->fields->len ? g_ptr_array_index (row->fields, i) : "";
        return *value ? value : NULL;
      }
  return NULL;
}

static gboolean
bad (Row        *row,
     GError    **error,
     const char *message)
{
  g_autofree char *where = row_where (row);

  g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID, "%s: %s", where, message);
  return FALSE;
}

static gboolean
need_text (Row         *row,
           const char  *name,
           const char **out,
           GError     **error)
{
  *out = text_of (row, name);
  if (*out == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("the column “%s” is empty"), name);
      return bad (row, error, message);
    }
  return TRUE;
}

static gboolean
int_of (Row        *row,
        const char *name,
        gboolean    required,
        gint64     *out,
        GError    **error)
{
  const char *text;
  char *end = NULL;

  *out = 0;
  /* The change feed sends numbers as numbers: read them as such. */
  if (row->object)
    {
      JsonNode *node = json_object_get_member (row->object, name);

      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        {
          *out = json_node_get_int (node);
          return TRUE;
        }
    }
  text = text_of (row, name);
  if (text == NULL)
    {
      if (!required)
        return TRUE;
      return need_text (row, name, &text, error);
    }
  *out = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0')
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a whole number (column “%s”)"), text, name);
      return bad (row, error, message);
    }
  return TRUE;
}

static gboolean
double_of (Row        *row,
           const char *name,
           double     *out,
           GError    **error)
{
  const char *text;
  char *end = NULL;

  if (row->object)
    {
      JsonNode *node = json_object_get_member (row->object, name);

      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          *out = json_node_get_double (node);
          return TRUE;
        }
    }
  if (!need_text (row, name, &text, error))
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a number (column “%s”)"), text, name);
      return bad (row, error, message);
    }
  return TRUE;
}

/* A Unix time, an ISO 8601 date and time, or a day (midnight in Paris). */
static gboolean
time_of (Row        *row,
         const char *name,
         gint64     *out,
         GError    **error)
{
  const char *text;
  g_autoptr(GDateTime) t = NULL;

  if (row->object)
    {
      JsonNode *node = json_object_get_member (row->object, name);

      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        {
          *out = json_node_get_int (node);
          return TRUE;
        }
    }
  if (!need_text (row, name, &text, error))
    return FALSE;
  if (strspn (text, "0123456789") == strlen (text))
    {
      *out = g_ascii_strtoll (text, NULL, 10);
      return TRUE;
    }
  t = g_date_time_new_from_iso8601 (text, vtr_opening_hours_timezone ());
  if (t == NULL && strlen (text) == 10)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00", NULL);
      t = g_date_time_new_from_iso8601 (midnight, vtr_opening_hours_timezone ());
    }
  if (t == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a date (column “%s”)"), text, name);
      return bad (row, error, message);
    }
  *out = g_date_time_to_unix (t);
  return TRUE;
}

/* (shop) On the hub, a stock line a shop edited after the federation's
 * file was made stays the shop's: the import keeps it and lists it in
 * the report. An older edit gives way, and the line is the federation's
 * again. A kiosk's catalogue has no stock_edit rows. */
static gboolean
keep_shop_edit (VtrCatalog      *catalog,
                const VtrStock  *stock,
                VtrImportCounts *counts,
                gboolean        *kept,
                GError         **error)
{
  VtrStore *store = vtr_catalog_get_store (catalog);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT e.edited, s.price_cents, coalesce (p.name, '') FROM stock_edit e "
                         "LEFT JOIN stock s ON s.product_id = e.product_id AND s.merchant_id = e.merchant_id "
                         "LEFT JOIN product p ON p.id = e.product_id "
                         "WHERE e.product_id = ? AND e.merchant_id = ?",
                         error);
  gint64 edited;
  int rc;

  *kept = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stock->product_id);
  sqlite3_bind_int64 (stmt, 2, stock->merchant_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  edited = sqlite3_column_int64 (stmt, 0);
  if (edited >= stock->updated)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (edited);
      g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");
      gint64 price = sqlite3_column_int64 (stmt, 1);

      *kept = TRUE;
      counts->kept_shop_edits++;
      if (counts->conflicts == NULL)
        counts->conflicts = g_string_new (NULL);
      g_string_append_printf (counts->conflicts,
                              _("shop %lld, product %lld (%s): kept the shop’s price %lld,%02lld € of %s, "
                                "not the file’s %lld,%02lld €\n"),
                              (long long) stock->merchant_id, (long long) stock->product_id,
                              (const char *) sqlite3_column_text (stmt, 2), (long long) (price / 100),
                              (long long) (price % 100), date, (long long) (stock->price_cents / 100),
                              (long long) (stock->price_cents % 100));
      return TRUE;
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  stmt = vtr_store_statement (store, "DELETE FROM stock_edit WHERE product_id = ? AND merchant_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stock->product_id);
  sqlite3_bind_int64 (stmt, 2, stock->merchant_id);
  return vtr_store_step_done (store, stmt, error);
}

static gboolean
put_row (VtrCatalog      *catalog,
         Table            table,
         Row             *row,
         VtrImportCounts *counts,
         GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok = FALSE;

  switch (table)
    {
    case VTR_TABLE_MERCHANTS:
      {
        VtrMerchant m = { 0 };
        g_auto(GStrv) services = NULL;
        const char *name;

        if (!int_of (row, "id", TRUE, &m.id, error) || !need_text (row, "name", &name, error) ||
            !double_of (row, "lat", &m.position.lat, error) ||
            !double_of (row, "lon", &m.position.lon, error))
          return FALSE;
        services = g_strsplit_set (text_of (row, "services") ? text_of (row, "services") : "", " ;,", -1);
        {
          /* Empty pieces from doubled separators are not services. */
          guint n = 0;
          for (guint i = 0; services[i]; i++)
            if (*services[i])
              services[n++] = services[i];
            else
              g_free (services[i]);
          services[n] = NULL;
        }
        m.name = (char *) name;
        m.services = services;
        m.address = (char *) text_of (row, "address");
        m.postcode = (char *) text_of (row, "postcode");
        m.city = (char *) text_of (row, "city");
        m.phone = (char *) text_of (row, "phone");
        m.opening_hours = (char *) text_of (row, "opening_hours");
        m.association = (char *) text_of (row, "association");
        ok = vtr_catalog_put_merchant (catalog, &m, &local_error);
        counts->merchants += ok;
        break;
      }
    case VTR_TABLE_PRODUCTS:
      {
        VtrProduct p = { 0 };

        if (!int_of (row, "id", TRUE, &p.id, error) ||
            !need_text (row, "name", (const char **) &p.name, error))
          return FALSE;
        gint64 made = 0;

        p.gtin = (char *) text_of (row, "gtin");
        p.brand = (char *) text_of (row, "brand");
        p.category = (char *) text_of (row, "category");
        /* (shop) A product a merchant made for this barcode merges into
         * the federation's. */
        if (p.gtin)
          {
            g_autofree char *gtin14 = vtr_gtin_normalize (p.gtin, NULL);

            if (gtin14 && !vtr_shop_review_take_gtin (vtr_catalog_get_store (catalog), gtin14, p.id, &made, error))
              return FALSE;
          }
        ok = vtr_catalog_put_product (catalog, &p, &local_error) &&
             (made == 0 || vtr_shop_review_merge_now (vtr_catalog_get_store (catalog), made, p.id,
                                                      g_get_real_time () / G_USEC_PER_SEC, &local_error));
        counts->products += ok;
        counts->merged += ok && made;
        break;
      }
    case VTR_TABLE_STOCK:
      {
        VtrStock s = { 0 };
        const char *availability = text_of (row, "availability");
        gboolean kept = FALSE;

        if (!int_of (row, "product_id", TRUE, &s.product_id, error) ||
            !int_of (row, "merchant_id", TRUE, &s.merchant_id, error) ||
            !int_of (row, "price_cents", TRUE, &s.price_cents, error) ||
            !int_of (row, "updated", FALSE, &s.updated, error))
          return FALSE;
        if (availability == NULL || g_str_equal (availability, "in-stock"))
          s.availability = VTR_AVAILABILITY_IN_STOCK;
        else if (g_str_equal (availability, "low"))
          s.availability = VTR_AVAILABILITY_LOW;
        else if (g_str_equal (availability, "out-of-stock"))
          s.availability = VTR_AVAILABILITY_OUT_OF_STOCK;
        else
          return bad (row, error, _("availability is in-stock, low or out-of-stock"));
        if (!keep_shop_edit (catalog, &s, counts, &kept, error))
          return FALSE;
        ok = kept || vtr_catalog_put_stock (catalog, &s, &local_error);
        counts->stock += ok && !kept;
        break;
      }
    case VTR_TABLE_PROMOTIONS:
      {
        VtrPromotion p = { 0 };
        gint64 value, buy, get;
        const char *kind;

        if (!int_of (row, "id", TRUE, &p.id, error) ||
            !int_of (row, "merchant_id", TRUE, &p.merchant_id, error) ||
            !int_of (row, "product_id", FALSE, &p.product_id, error) ||
            !need_text (row, "kind", &kind, error) ||
            !int_of (row, "value", FALSE, &value, error) || !int_of (row, "buy", FALSE, &buy, error) ||
            !int_of (row, "get", FALSE, &get, error) || !time_of (row, "starts", &p.starts, error) ||
            !time_of (row, "ends", &p.ends, error))
          return FALSE;
        if (!vtr_promotion_kind_from_string (kind, &p.kind))
          return bad (row, error, _("kind is percent, amount, points or buy-get"));
        p.category = (char *) text_of (row, "category");
        p.value = value, p.buy = buy, p.get = get;
        p.title = (char *) text_of (row, "title");
        p.loyal_only = g_strcmp0 (text_of (row, "audience"), "loyal") == 0;
        ok = vtr_catalog_put_promotion (catalog, &p, &local_error);
        counts->promotions += ok;
        break;
      }
    case VTR_TABLE_RULES:
      {
        gint64 merchant_id, cents, rounding;

        if (!int_of (row, "merchant_id", TRUE, &merchant_id, error) ||
            !int_of (row, "cents_per_point", TRUE, &cents, error) ||
            !int_of (row, "rounding", FALSE, &rounding, error))
          return FALSE;
        ok = vtr_catalog_put_loyalty_rule (catalog, merchant_id, cents, rounding != 0, &local_error);
        counts->rules += ok;
        break;
      }
    case VTR_TABLE_REWARDS:
      {
        VtrReward r = { 0 };
        gint64 points, value;
        const char *kind = text_of (row, "kind");

        if (!int_of (row, "id", TRUE, &r.id, error) ||
            !int_of (row, "merchant_id", TRUE, &r.merchant_id, error) ||
            !int_of (row, "points", TRUE, &points, error) || !int_of (row, "value", FALSE, &value, error) ||
            !int_of (row, "product_id", FALSE, &r.product_id, error) ||
            !need_text (row, "title", (const char **) &r.title, error))
          return FALSE;
        if (kind == NULL || g_str_equal (kind, "discount"))
          r.kind = VTR_REWARD_DISCOUNT;
        else if (g_str_equal (kind, "free-product"))
          r.kind = VTR_REWARD_FREE_PRODUCT;
        else
          return bad (row, error, _("kind is discount or free-product"));
        r.points = points, r.value = value;
        ok = vtr_catalog_put_reward (catalog, &r, &local_error);
        counts->rewards += ok;
        break;
      }
    case VTR_TABLE_COLLECTION_POINTS:
      {
        VtrCollectionPoint c = { 0 };
        const char *kind;

        if (!int_of (row, "id", TRUE, &c.id, error) || !need_text (row, "kind", &kind, error) ||
            !need_text (row, "name", (const char **) &c.name, error) ||
            !int_of (row, "merchant_id", FALSE, &c.merchant_id, error) ||
            !double_of (row, "lat", &c.position.lat, error) ||
            !double_of (row, "lon", &c.position.lon, error))
          return FALSE;
        if (!vtr_collection_kind_from_string (kind, &c.kind, &local_error))
          return bad (row, error, local_error->message);
        c.address = (char *) text_of (row, "address");
        c.opening_hours = (char *) text_of (row, "opening_hours");
        ok = vtr_catalog_put_collection_point (catalog, &c, &local_error);
        counts->collection_points += ok;
        break;
      }
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return bad (row, error, local_error->message);
  return TRUE;
}

/* A CSV file's table, from its columns. */
static gboolean
table_of_header (GPtrArray *header,
                 Table     *table)
{
  gboolean has[8] = { FALSE };
  static const char * const telling[] = {
    "services", "gtin", "availability", "starts", "cents_per_point", "points", "kind", "name",
  };

  for (guint i = 0; i < header->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (telling); k++)
      if (g_str_equal (g_ptr_array_index (header, i), telling[k]))
        has[k] = TRUE;

  if (has[4])
    *table = VTR_TABLE_RULES;
  else if (has[5])
    *table = VTR_TABLE_REWARDS;
  else if (has[3])
    *table = VTR_TABLE_PROMOTIONS;
  else if (has[2])
    *table = VTR_TABLE_STOCK;
  else if (has[0])
    *table = VTR_TABLE_MERCHANTS;
  else if (has[6] && has[7])
    *table = VTR_TABLE_COLLECTION_POINTS;
  else if (has[1] || has[7])
    *table = VTR_TABLE_PRODUCTS;
  else
    return FALSE;
  return TRUE;
}

static gboolean
import_csv (VtrCatalog      *catalog,
            const char      *data,
            gsize            len,
            VtrImportCounts *counts,
            GError         **error)
{
  g_autoptr(GPtrArray) header = NULL;
  VtrCsvReader reader;
  Table table;

  vtr_csv_reader_init (&reader, data, len);
  header = vtr_csv_reader_next (&reader);
  if (header == NULL || !table_of_header (header, &table))
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                   _("line 1: these columns are not a table Vitrine knows (merchants, products, "
                     "stock, promotions, rules, rewards, collection points)"));
      return FALSE;
    }
  for (guint i = 0; i < header->len; i++)
    g_strstrip (g_ptr_array_index (header, i));

  for (;;)
    {
      g_autoptr(GPtrArray) fields = vtr_csv_reader_next (&reader);
      Row row = { header, fields, NULL, NULL, reader.line, 0, 0 };

      if (fields == NULL)
        return TRUE;
      if (fields->len != header->len)
        return bad (&row, error, _("it does not have as many columns as the first line"));
      if (!put_row (catalog, table, &row, counts, error))
        return FALSE;
    }
}

/* "deleted": {"merchants": [12, …], "stock": [[PRODUCT, MERCHANT], …], …} */
static gboolean
delete_rows (VtrCatalog      *catalog,
             JsonObject      *deleted,
             VtrImportCounts *counts,
             GError         **error)
{
  for (Table table = 0; table < VTR_N_TABLES; table++)
    {
      JsonNode *node = json_object_get_member (deleted, table_names[table]);
      JsonArray *array;

      if (node == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                       _("“deleted”: “%s” is not a list"), table_names[table]);
          return FALSE;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *key = json_array_get_element (array, i);
          gint64 a = 0, b = 0;
          gboolean valid;

          if (table == VTR_TABLE_STOCK)
            {
              JsonArray *pair = JSON_NODE_HOLDS_ARRAY (key) ? json_node_get_array (key) : NULL;

              valid = pair && json_array_get_length (pair) == 2 &&
                      json_node_get_value_type (json_array_get_element (pair, 0)) == G_TYPE_INT64 &&
                      json_node_get_value_type (json_array_get_element (pair, 1)) == G_TYPE_INT64;
              if (valid)
                a = json_array_get_int_element (pair, 0), b = json_array_get_int_element (pair, 1);
            }
          else
            {
              valid = JSON_NODE_HOLDS_VALUE (key) && json_node_get_value_type (key) == G_TYPE_INT64;
              if (valid)
                a = json_node_get_int (key);
            }
          if (!valid)
            {
              g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                           _("“deleted”: %s, entry %u is not the key of a row"),
                           table_names[table], i + 1);
              return FALSE;
            }
          if (!vtr_catalog_delete (catalog, table, a, b, error))
            return FALSE;
          counts->deleted++;
        }
    }
  return TRUE;
}

/**
 * vtr_catalog_import_object:
 * @root: a list of rows per table (the names of vtr_catalog_table_name())
 *   and, in "deleted", the keys of rows to remove
 *
 * Puts the rows and removes the deleted ones, in the caller's transaction.
 * This is the format of JSON import files and of the hub's change feed.
 */
gboolean
vtr_catalog_import_object (VtrCatalog      *catalog,
                           JsonObject      *root,
                           VtrImportCounts *counts,
                           GError         **error)
{
  JsonNode *deleted = json_object_get_member (root, "deleted");

  g_return_val_if_fail (VTR_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  if (deleted && !JSON_NODE_HOLDS_OBJECT (deleted))
    {
      g_set_error_literal (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                           _("“deleted” is not an object of lists"));
      return FALSE;
    }
  /* Removals first: a page of the change feed holds one state per row. */
  if (deleted && !delete_rows (catalog, json_node_get_object (deleted), counts, error))
    return FALSE;

  /* Shops and products first: stock and promotions refer to them. */
  for (Table table = 0; table < VTR_N_TABLES; table++)
    {
      JsonNode *node = json_object_get_member (root, table_names[table]);
      JsonArray *array;

      if (node == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                       _("“%s” is not a list"), table_names[table]);
          return FALSE;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          Row row = { .table = table, .entry = i + 1 };
          gboolean ok;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return bad (&row, error, _("not an object"));
          row.object = json_node_get_object (element);
          ok = put_row (catalog, table, &row, counts, error);
          g_clear_pointer (&row.texts, g_hash_table_unref);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_json (VtrCatalog      *catalog,
             const char      *data,
             gsize            len,
             VtrImportCounts *counts,
             GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;

  if (!json_parser_load_from_data (parser, data, len, &parse_error) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                   _("This is not a JSON object of tables: %s"),
                   parse_error ? parse_error->message : _("not an object"));
      return FALSE;
    }
  return vtr_catalog_import_object (catalog, json_node_get_object (json_parser_get_root (parser)),
                                    counts, error);
}

/**
 * vtr_catalog_import_file:
 * @path: a CSV file (one table) or a JSON file (several)
 *
 * Imports the file in one transaction: all of it, or nothing and an error
 * naming the line or entry at fault.
 */
gboolean
vtr_catalog_import_file (VtrCatalog      *catalog,
                         const char      *path,
                         VtrImportCounts *counts,
                         GError         **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  VtrImportCounts local_counts = { 0 };
  gsize len;
  gboolean ok;

  g_return_val_if_fail (VTR_IS_CATALOG (catalog), FALSE);

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID, _("%s cannot be read: %s"),
                   path, local_error->message);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                   _("%s is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in a spreadsheet)"), path);
      return FALSE;
    }

  if (!vtr_catalog_begin (catalog, error))
    return FALSE;
  {
    const char *p = data;

    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
      p++;
    ok = *p == '{' ? import_json (catalog, data, len, &local_counts, &local_error)
                   : import_csv (catalog, data, len, &local_counts, &local_error);
  }
  if (!ok)
    {
      vtr_catalog_rollback (catalog);
      vtr_import_counts_clear (&local_counts);
      g_set_error (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_INVALID,
                   _("%s was not imported, nothing of it: %s"), path, local_error->message);
      return FALSE;
    }
  if (!vtr_catalog_commit (catalog, error))
    {
      vtr_import_counts_clear (&local_counts);
      return FALSE;
    }
  if (counts)
    *counts = local_counts;
  else if (local_counts.conflicts)
    g_string_free (local_counts.conflicts, TRUE);
  return TRUE;
}

void
vtr_import_counts_clear (VtrImportCounts *counts)
{
  if (counts->conflicts)
    g_string_free (g_steal_pointer (&counts->conflicts), TRUE);
}

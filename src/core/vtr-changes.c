#include "config.h"

#include "vtr-changes.h"

#include "vtr-area.h"
#include "vtr-card-block.h"
#include "vtr-store-private.h"

/*
 * The catalogue's change log and the pages of the hub's change feed.
 *
 * On the hub, triggers record in catalog_change the last change of every
 * row: its table, its key and a sequence number that only grows. A page
 * of the feed is the rows changed after a cursor, in sequence order, each
 * as it is now: the row when it exists, its key under "deleted" when it
 * is gone. The page is in the format of JSON import files
 * (vtr_catalog_import_object()), so a kiosk applies it with the same code
 * that checks the federation's files. Keeping one entry per row means a
 * kiosk that has been away for a month downloads each row once, not every
 * change it missed.
 */

#define NEXT_SEQ "(SELECT coalesce (max (seq), 0) + 1 FROM catalog_change)"
/* Not INSERT OR REPLACE: in a trigger, the outer statement's conflict
 * policy would override it. */
#define UPSERT "ON CONFLICT (kind, a, b) DO UPDATE SET seq = excluded.seq"

/* For each table: its SQL name, the key columns as the triggers see
 * them (a, b), and the row as a JSON object in the import format. */
static const struct
{
  const char *table;
  const char *a;
  const char *b;
  const char *row;
  const char *where;
} tables[VTR_N_TABLES] = {
  [VTR_TABLE_MERCHANTS] = {
    "merchant", "id", "0",
    "json_object ('id', id, 'name', name, 'services', services, 'address', address, "
    "  'postcode', postcode, 'city', city, 'lat', lat, 'lon', lon, 'phone', phone, "
    "  'opening_hours', opening_hours, 'association', association) FROM merchant",
    "id = ?1" },
  [VTR_TABLE_PRODUCTS] = {
    "product", "id", "0",
    "json_object ('id', id, 'gtin', gtin, 'name', name, 'brand', brand, 'category', category) "
    "FROM product",
    "id = ?1" },
  [VTR_TABLE_STOCK] = {
    "stock", "product_id", "merchant_id",
    "json_object ('product_id', product_id, 'merchant_id', merchant_id, "
    "  'price_cents', price_cents, "
    "  'availability', CASE availability WHEN 0 THEN 'out-of-stock' WHEN 1 THEN 'low' "
    "                  ELSE 'in-stock' END, "
    "  'updated', updated) FROM stock",
    "product_id = ?1 AND merchant_id = ?2" },
  [VTR_TABLE_PROMOTIONS] = {
    "promotion", "id", "0",
    "json_object ('id', id, 'merchant_id', merchant_id, 'product_id', product_id, "
    "  'category', category, "
    "  'kind', CASE kind WHEN 0 THEN 'percent' WHEN 1 THEN 'amount' WHEN 2 THEN 'points' "
    "          ELSE 'buy-get' END, "
    "  'value', value, 'buy', buy, 'get', get, 'starts', starts, 'ends', ends, "
    "  'title', title, 'audience', CASE audience WHEN 1 THEN 'loyal' ELSE 'everyone' END) FROM promotion",
    "id = ?1" },
  [VTR_TABLE_RULES] = {
    "loyalty_rule", "merchant_id", "0",
    "json_object ('merchant_id', merchant_id, 'cents_per_point', cents_per_point, "
    "  'rounding', rounding) FROM loyalty_rule",
    "merchant_id = ?1" },
  [VTR_TABLE_REWARDS] = {
    "reward", "id", "0",
    "json_object ('id', id, 'merchant_id', merchant_id, 'points', points, "
    "  'kind', CASE kind WHEN 0 THEN 'discount' ELSE 'free-product' END, "
    "  'value', value, 'product_id', product_id, 'title', title) FROM reward",
    "id = ?1" },
  [VTR_TABLE_COLLECTION_POINTS] = {
    "collection_point", "id", "0",
    "json_object ('id', id, "
    "  'kind', CASE kind WHEN 0 THEN 'clothes' WHEN 1 THEN 'cardboard' "
    "          WHEN 2 THEN 'cooking-oil' ELSE 'parcel-locker' END, "
    "  'name', name, 'merchant_id', merchant_id, 'address', address, 'lat', lat, "
    "  'lon', lon, 'opening_hours', opening_hours) FROM collection_point",
    "id = ?1" },
};

/* From now on this folder's catalogue is the federation's master copy:
 * the store never sets it aside nor starts an empty one in its place. */
static gboolean
mark_master (VtrStore *store,
             GError  **error)
{
  const char *dir = vtr_store_get_data_dir (store);
  g_autofree char *marker = dir ? g_build_filename (dir, VTR_STORE_MASTER_MARKER, NULL) : NULL;

  /* A catalogue in memory (vtr_store_open_in_memory()) has no folder. */
  if (marker == NULL || g_file_test (marker, G_FILE_TEST_EXISTS))
    return TRUE;
  return g_file_set_contents (marker,
                              "The federation's master catalogue (vitrine-hub): never set aside.\n",
                              -1, error);
}

/**
 * vtr_catalog_log_changes:
 *
 * Makes every later write to the catalogue record itself in the change
 * log. Only the hub does this: a kiosk's catalogue is a copy.
 */
gboolean
vtr_catalog_log_changes (VtrCatalog *self,
                         GError    **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);

  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    {
      static const char * const events[] = { "INSERT", "UPDATE", "DELETE" };

      for (guint e = 0; e < G_N_ELEMENTS (events); e++)
        {
          const char *row = e == 2 ? "OLD" : "NEW";
          g_autofree char *b = g_str_equal (tables[t].b, "0")
                                 ? g_strdup ("0")
                                 : g_strdup_printf ("%s.%s", row, tables[t].b);

          g_string_append_printf (sql,
                                  "CREATE TRIGGER IF NOT EXISTS %s_log_%s AFTER %s ON %s BEGIN "
                                  "INSERT INTO catalog_change (kind, a, b, seq) "
                                  "VALUES (%d, %s.%s, %s, " NEXT_SEQ ") " UPSERT "; END;",
                                  tables[t].table, events[e], events[e], tables[t].table, t, row,
                                  tables[t].a, b);
        }
    }
  /* A shop's services live in their own table: a change is the shop's. */
  g_string_append (sql,
                   "CREATE TRIGGER IF NOT EXISTS merchant_service_log_INSERT "
                   "AFTER INSERT ON merchant_service BEGIN "
                   "INSERT INTO catalog_change (kind, a, b, seq) "
                   "VALUES (0, NEW.merchant_id, 0, " NEXT_SEQ ") " UPSERT "; END;"
                   "CREATE TRIGGER IF NOT EXISTS merchant_service_log_DELETE "
                   "AFTER DELETE ON merchant_service BEGIN "
                   "INSERT INTO catalog_change (kind, a, b, seq) "
                   "VALUES (0, OLD.merchant_id, 0, " NEXT_SEQ ") " UPSERT "; END;");
  /* (area) A shop that starts stocking a product logs the product again:
   * a device whose area had no stockist of it skipped it, and gets it
   * now with the stock (docs/hub-api.md, "Areas"). */
  g_string_append (sql,
                   "CREATE TRIGGER IF NOT EXISTS stock_log_product "
                   "AFTER INSERT ON stock BEGIN "
                   "INSERT INTO catalog_change (kind, a, b, seq) "
                   "VALUES (1, NEW.product_id, 0, " NEXT_SEQ ") " UPSERT "; END;");
  /* In one write transaction: a statement of its own would read the schema
   * first and could not then take the write lock from another hub program
   * that wrote meanwhile (SQLite answers "busy" at once, without waiting). */
  if (!vtr_store_begin (vtr_catalog_get_store (self), error))
    return FALSE;
  if (!vtr_store_exec (vtr_catalog_get_store (self), sql->str, error))
    {
      vtr_store_rollback (vtr_catalog_get_store (self));
      return FALSE;
    }
  if (!vtr_store_commit (vtr_catalog_get_store (self), error))
    return FALSE;
  return mark_master (vtr_catalog_get_store (self), error);
}

gint64
vtr_catalog_last_change (VtrCatalog *self,
                         GError    **error)
{
  VtrStore *store = vtr_catalog_get_store (self);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT coalesce (max (seq), 0) FROM catalog_change", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vtr_store_set_error (store, rc, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static void
append_item (GString   **list,
             const char *json)
{
  if (*list == NULL)
    *list = g_string_new (NULL);
  else
    g_string_append_c (*list, ',');
  g_string_append (*list, json);
}

/* A row of @table as it is now, in the feed's JSON. */
void
vtr_change_page_add_row (VtrChangePage   *page,
                         VtrCatalogTable  table,
                         const char      *json)
{
  append_item (&page->rows[table], json);
}

/* A row of @table gone: its key, a pair for stock. */
void
vtr_change_page_add_deleted (VtrChangePage   *page,
                             VtrCatalogTable  table,
                             gint64           a,
                             gint64           b)
{
  g_autofree char *key = table == VTR_TABLE_STOCK
                           ? g_strdup_printf ("[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]", a, b)
                           : g_strdup_printf ("%" G_GINT64_FORMAT, a);

  append_item (&page->deleted[table], key);
}

/* (cards) A card declared lost. */
void
vtr_change_page_add_blocked_card (VtrChangePage *page,
                                  const char    *json)
{
  append_item (&page->blocked_cards, json);
}

/* The page's JSON, as docs/hub-api.md gives it, after @out's text. */
void
vtr_change_page_write (const VtrChangePage *page,
                       gint64               since,
                       gint64               cursor,
                       gboolean             more,
                       GString             *out)
{
  gboolean first = TRUE;

  g_string_append_printf (out, "{\"since\":%" G_GINT64_FORMAT ",\"cursor\":%" G_GINT64_FORMAT ",\"more\":%s",
                          since, cursor, more ? "true" : "false");
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    if (page->rows[t])
      g_string_append_printf (out, ",\n\"%s\":[%s]", vtr_catalog_table_name (t), page->rows[t]->str);
  if (page->blocked_cards)
    g_string_append_printf (out, ",\n\"blocked_cards\":[%s]", page->blocked_cards->str);
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    if (page->deleted[t])
      {
        g_string_append_printf (out, "%s\"%s\":[%s]", first ? ",\n\"deleted\":{" : ",",
                                vtr_catalog_table_name (t), page->deleted[t]->str);
        first = FALSE;
      }
  if (!first)
    g_string_append_c (out, '}');
  g_string_append (out, "}\n");
}

void
vtr_change_page_clear (VtrChangePage *page)
{
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    {
      if (page->rows[t])
        g_string_free (g_steal_pointer (&page->rows[t]), TRUE);
      if (page->deleted[t])
        g_string_free (g_steal_pointer (&page->deleted[t]), TRUE);
    }
  if (page->blocked_cards)
    g_string_free (g_steal_pointer (&page->blocked_cards), TRUE);
}

/* (cards) One blocked card of the feed, {"card", "blocked"}. */
static gboolean
write_blocked_card (VtrStore      *store,
                    gint64         id,
                    VtrChangePage *page,
                    GError       **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT json_object ('card', card_id, 'blocked', blocked) "
                                "FROM blocked_card WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  vtr_change_page_add_blocked_card (page, (const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

/* (area) One table's rows as the area's condition reads them: SQLite's
 * tables, or (pg) PostgreSQL's catalog_row, a row of JSON text by kind
 * and key (vtr-hub-pg.c). */
static char *
rows_of (VtrSqlDialect    dialect,
         VtrCatalogTable  table,
         const char      *alias)
{
  return g_strdup_printf ("%s %s", dialect == VTR_SQL_POSTGRESQL ? "catalog_row" : tables[table].table, alias);
}

/* The row of @alias whose key (its first column, or its second when
 * @second) is @key. */
static char *
row_is (VtrSqlDialect    dialect,
        VtrCatalogTable  table,
        const char      *alias,
        gboolean         second,
        const char      *key)
{
  if (dialect == VTR_SQL_POSTGRESQL)
    return g_strdup_printf ("%s.kind = %d AND %s.%s = %s", alias, table, alias, second ? "b" : "a", key);
  return g_strdup_printf ("%s.%s = %s", alias, second ? tables[table].b : tables[table].a, key);
}

/* A column of the row of @alias (@cast: its type on PostgreSQL, where it
 * is read from the row's JSON, or "" for text). */
static char *
column_of (VtrSqlDialect  dialect,
           const char    *alias,
           const char    *name,
           const char    *cast)
{
  if (dialect == VTR_SQL_POSTGRESQL)
    return g_strdup_printf ("((%s.data::jsonb) ->> '%s')%s", alias, name, cast);
  return g_strdup_printf ("%s.%s", alias, name);
}

/**
 * vtr_catalog_area_condition:
 * @dialect: SQLite's (the hub's catalogue) or PostgreSQL's (the hub on
 *   PostgreSQL, vtr-hub-pg.c: the same condition on its rows of JSON)
 *
 * The changes (c: a row of catalog_change) a device of @area receives: a
 * row of a shop of the area, a product one of them stocks, whatever is no
 * shop's (blocked cards), and the key of a row gone. One builder for both
 * dialects: what differs is where a row is read (rows_of(), row_is(),
 * column_of()) and vtr_area_sql()'s words.
 */
char *
vtr_catalog_area_condition (const VtrArea *area,
                            VtrSqlDialect  dialect)
{
  gboolean pg = dialect == VTR_SQL_POSTGRESQL;
  const char *yes = pg ? "true" : "1", *no = pg ? "false" : "0";
  g_autofree char *postcode = column_of (dialect, "m", "postcode", "");
  g_autofree char *lat = column_of (dialect, "m", "lat", "::float8");
  g_autofree char *lon = column_of (dialect, "m", "lon", "::float8");
  g_autofree char *address = column_of (dialect, "cp", "address", "");
  g_autofree char *cp_lat = column_of (dialect, "cp", "lat", "::float8");
  g_autofree char *cp_lon = column_of (dialect, "cp", "lon", "::float8");
  g_autofree char *in = vtr_area_sql (area, dialect, postcode, lat, lon);
  g_autofree char *cp_in = vtr_area_sql_address (area, dialect, address, cp_lat, cp_lon);
  g_autofree char *merchants = rows_of (dialect, VTR_TABLE_MERCHANTS, "m");
  g_autofree char *merchant_a = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, "c.a");
  g_autofree char *merchant_b = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, "c.b");
  g_autofree char *stock = rows_of (dialect, VTR_TABLE_STOCK, "s");
  g_autofree char *stock_merchant_key = pg ? g_strdup ("s.b") : g_strdup_printf ("s.%s", tables[VTR_TABLE_STOCK].b);
  g_autofree char *stock_merchant = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, stock_merchant_key);
  g_autofree char *stock_product = row_is (dialect, VTR_TABLE_STOCK, "s", FALSE, "c.a");
  g_autofree char *products = rows_of (dialect, VTR_TABLE_PRODUCTS, "p");
  g_autofree char *product = row_is (dialect, VTR_TABLE_PRODUCTS, "p", FALSE, "c.a");
  g_autofree char *promotions = rows_of (dialect, VTR_TABLE_PROMOTIONS, "p");
  g_autofree char *promotion = row_is (dialect, VTR_TABLE_PROMOTIONS, "p", FALSE, "c.a");
  g_autofree char *promotion_shop_key = column_of (dialect, "p", "merchant_id", "::bigint");
  g_autofree char *promotion_shop = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, promotion_shop_key);
  g_autofree char *rewards = rows_of (dialect, VTR_TABLE_REWARDS, "r");
  g_autofree char *reward = row_is (dialect, VTR_TABLE_REWARDS, "r", FALSE, "c.a");
  g_autofree char *reward_shop_key = column_of (dialect, "r", "merchant_id", "::bigint");
  g_autofree char *reward_shop = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, reward_shop_key);
  g_autofree char *points = rows_of (dialect, VTR_TABLE_COLLECTION_POINTS, "cp");
  g_autofree char *point = row_is (dialect, VTR_TABLE_COLLECTION_POINTS, "cp", FALSE, "c.a");
  g_autofree char *point_shop_key = column_of (dialect, "cp", "merchant_id", "::bigint");
  g_autofree char *point_shop = row_is (dialect, VTR_TABLE_MERCHANTS, "m", FALSE, point_shop_key);
  GString *sql = g_string_new ("CASE c.kind ");

  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT %s FROM %s WHERE %s), %s) ",
                          VTR_TABLE_MERCHANTS, in, merchants, merchant_a, yes);
  g_string_append_printf (sql, "WHEN %d THEN EXISTS (SELECT 1 FROM %s JOIN %s ON %s WHERE %s AND %s) "
                               "OR NOT EXISTS (SELECT 1 FROM %s WHERE %s) ",
                          VTR_TABLE_PRODUCTS, stock, merchants, stock_merchant, stock_product, in, products, product);
  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT %s FROM %s WHERE %s), %s) ",
                          VTR_TABLE_STOCK, in, merchants, merchant_b, yes);
  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT %s FROM %s JOIN %s ON %s WHERE %s), "
                               "NOT EXISTS (SELECT 1 FROM %s WHERE %s)) ",
                          VTR_TABLE_PROMOTIONS, in, promotions, merchants, promotion_shop, promotion, promotions,
                          promotion);
  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT %s FROM %s WHERE %s), %s) ",
                          VTR_TABLE_RULES, in, merchants, merchant_a, yes);
  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT %s FROM %s JOIN %s ON %s WHERE %s), "
                               "NOT EXISTS (SELECT 1 FROM %s WHERE %s)) ",
                          VTR_TABLE_REWARDS, in, rewards, merchants, reward_shop, reward, rewards, reward);
  g_string_append_printf (sql, "WHEN %d THEN coalesce ((SELECT CASE WHEN %s IS NULL THEN %s "
                               "ELSE coalesce ((SELECT %s FROM %s WHERE %s), %s) END FROM %s WHERE %s), %s) ",
                          VTR_TABLE_COLLECTION_POINTS, point_shop_key, cp_in, in, merchants, point_shop, no, points,
                          point, yes);
  g_string_append_printf (sql, "ELSE %s END", yes);
  return g_string_free (sql, FALSE);
}

/* One page, read in one snapshot. */
static gboolean
write_page (VtrCatalog *self,
            const VtrArea *area,
            gint64      since,
            guint       limit,
            GString    *out,
            gint64     *cursor,
            guint      *n_changes,
            GError    **error)
{
  VtrStore *store = vtr_catalog_get_store (self);
  g_autoptr(VtrStatement) changes = NULL;
  VtrChangePage page = { { NULL } };
  char *row_sql[VTR_N_TABLES];
  gboolean ok = TRUE;
  gint64 last = 0;
  int rc;

  if (area == NULL)
    changes = vtr_store_statement (store,
                                   "SELECT kind, a, b, seq FROM catalog_change WHERE seq > ? "
                                   "ORDER BY seq LIMIT ?",
                                   error);
  else
    {
      /* The rows of other areas are passed over, not sent: the page ends
       * at its limit of rows sent, or at the newest change. */
      g_autofree char *condition = vtr_catalog_area_condition (area, VTR_SQL_SQLITE);
      g_autofree char *sql = g_strdup_printf ("SELECT kind, a, b, seq FROM catalog_change c "
                                              "WHERE seq > ? AND (%s) ORDER BY seq LIMIT ?",
                                              condition);

      changes = vtr_store_statement (store, sql, error);
    }
  if (changes == NULL)
    return FALSE;
  sqlite3_bind_int64 (changes, 1, since);
  sqlite3_bind_int (changes, 2, limit);
  /* The row queries, made once a page rather than once a row. */
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    row_sql[t] = g_strdup_printf ("SELECT %s WHERE %s", tables[t].row, tables[t].where);

  *cursor = since;
  *n_changes = 0;
  while (ok && (rc = sqlite3_step (changes)) == SQLITE_ROW)
    {
      int kind = sqlite3_column_int (changes, 0);
      gint64 a = sqlite3_column_int64 (changes, 1);
      gint64 b = sqlite3_column_int64 (changes, 2);
      VtrStatement *row;

      *cursor = sqlite3_column_int64 (changes, 3);
      (*n_changes)++;
      if (kind == VTR_CHANGE_BLOCKED_CARD)
        {
          /* (cards) a card declared lost: never unblocked, never deleted */
          if (!write_blocked_card (store, a, &page, error))
            {
              ok = FALSE;
              break;
            }
          continue;
        }
      if (kind < 0 || kind >= VTR_N_TABLES)
        continue;
      if (!(row = vtr_store_statement (store, row_sql[kind], error)))
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int64 (row, 1, a);
      if (sqlite3_bind_parameter_count (row) > 1)
        sqlite3_bind_int64 (row, 2, b);
      rc = sqlite3_step (row);
      if (rc == SQLITE_ROW)
        vtr_change_page_add_row (&page, kind, (const char *) sqlite3_column_text (row, 0));
      else if (rc == SQLITE_DONE)
        vtr_change_page_add_deleted (&page, kind, a, b);
      else
        ok = vtr_store_set_error (store, rc, error);
      sqlite3_reset (row);
    }
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = vtr_store_set_error (store, rc, error);
  /* (area) A page short of its limit went through every change: its
   * cursor is the newest, so the device does not read again the changes
   * of other areas. The same snapshot: no change is skipped. */
  if (ok && area && *n_changes < limit && (last = vtr_catalog_last_change (self, error)) < 0)
    ok = FALSE;
  else if (ok && area && *n_changes < limit)
    *cursor = MAX (*cursor, last);

  if (ok)
    vtr_change_page_write (&page, since, *cursor, *n_changes == limit, out);
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    g_free (row_sql[t]);
  vtr_change_page_clear (&page);
  return ok;
}

/**
 * vtr_catalog_write_changes:
 * @since: the cursor the reader has (0: nothing yet)
 * @limit: the most changes in the page
 * @out: where the page's JSON goes
 * @cursor: (out): the cursor after this page
 * @n_changes: (out): the changes in the page; fewer than @limit means the
 *   reader is up to date
 *
 * Appends to @out the page of changes after @since:
 * {"since": S, "cursor": C, "more": BOOL, "merchants": […], …, "deleted": {…}}.
 */
gboolean
vtr_catalog_write_changes (VtrCatalog *self,
                           gint64      since,
                           guint       limit,
                           GString    *out,
                           gint64     *cursor,
                           guint      *n_changes,
                           GError    **error)
{
  return vtr_catalog_write_area_changes (self, NULL, since, limit, out, cursor, n_changes, error);
}

/**
 * vtr_catalog_write_area_changes:
 * @area: (nullable): the device's area, %NULL for everything
 *
 * vtr_catalog_write_changes() for a device of @area: the page holds only
 * the changes of @area (see vtr_catalog_area_condition()), and its cursor passes
 * over the others.
 */
gboolean
vtr_catalog_write_area_changes (VtrCatalog    *self,
                                const VtrArea *area,
                                gint64         since,
                                guint          limit,
                                GString       *out,
                                gint64        *cursor,
                                guint         *n_changes,
                                GError       **error)
{
  VtrStore *store;
  gboolean ok;

  g_return_val_if_fail (VTR_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (limit > 0, FALSE);

  store = vtr_catalog_get_store (self);
  if (!vtr_store_exec (store, "BEGIN", error))
    return FALSE;
  ok = write_page (self, area, since, limit, out, cursor, n_changes, error);
  vtr_store_exec (store, "COMMIT", NULL);
  return ok;
}

#include "config.h"

#include "vtr-shop-edit.h"

#include <glib/gi18n-lib.h>

#include "vtr-gtin.h"
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
  gboolean found;
  gint64 owner;

  if (!query_int (store, "SELECT 1 FROM merchant WHERE id = ?", merchant_id, 0, &found, &owner, error))
    return FALSE;
  if (!found)
    return shop_error (error, VTR_SHOP_ERROR_NOT_YOURS,
                       _("This shop is not in the federation’s catalogue: ask the federation to add it."));
  if (product_id <= 0 || product_id > VTR_SHOP_MAX_PRODUCT_ID)
    return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("This product is not in the catalogue: scan its barcode to add it."));
  if (!query_int (store, "SELECT 1 FROM product WHERE id = ?", product_id, 0, &found, &owner, error))
    return FALSE;
  if (!found)
    return shop_error (error, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("This product is not in the catalogue: scan its barcode to add it."));
  if (!query_int (store, "SELECT merchant_id FROM product_made WHERE product_id = ? AND reviewed IS NULL",
                  product_id, 0, &found, &owner, error))
    return FALSE;
  if (found && owner != merchant_id)
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

static gboolean
set_stock (VtrStore   *store,
           const char *session,
           JsonObject *payload,
           gint64      product_id,
           GDateTime  *now,
           char      **uuid,
           GError    **error)
{
  g_autofree char *before = NULL;
  gint64 merchant_id;
  gboolean ok;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  json_object_set_int_member (payload, "merchant", merchant_id);
  if (!vtr_store_begin (store, error))
    return FALSE;
  ok = (before = stock_before (store, merchant_id, product_id, error)) != NULL &&
       record_edit (store, merchant_id, VTR_SHOP_EVENT_STOCK, payload, before, NULL, now, uuid, error);
  return commit_or_rollback (store, ok, error);
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
  return set_stock (store, session, payload, product_id, now, uuid, error);
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
  return set_stock (store, session, payload, product_id, now, uuid, error);
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
                         "WHERE merchant_id = ? AND undone = 0 AND undo_of IS NULL AND reverted = 0 "
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

/* What undoing @before would replace now: the same kind's "before" of
 * the row it names. */
static char *
current_state (VtrStore   *store,
               gint64      merchant_id,
               const char *kind,
               JsonObject *before,
               GError    **error)
{
  if (g_str_equal (kind, VTR_SHOP_EVENT_STOCK))
    return stock_before (store, merchant_id, vtr_json_get_int (before, "product"), error);
  shop_error (error, VTR_SHOP_ERROR_INVALID, _("This kind of change is not known here yet: update Vitrine."));
  return NULL;
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
  if (!(current = current_state (store, merchant_id, kind, json_node_get_object (node), error)) ||
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

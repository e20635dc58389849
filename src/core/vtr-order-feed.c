#include "config.h"

#include "vtr-order-feed.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-json.h"
#include "vtr-orders.h"
#include "vtr-store-private.h"

/*
 * The hub's feed of orders on a device (docs/hub-api.md, GET
 * /api/v1/orders?since=): a shop's device receives every order of its
 * shop, whichever kiosk or phone took it, and a kiosk learns what became
 * of the orders it placed. A page and its cursor are applied in one
 * transaction, like the catalogue's feed: cut anywhere, nothing is lost
 * or applied twice. A step taken here and not yet sent wins over the
 * hub's older word until the hub has it.
 */

G_DEFINE_QUARK (vtr-order-feed-error-quark, vtr_order_feed_error)

/**
 * vtr_order_feed_cursor:
 *
 * Returns: the device's position in the hub's feed of orders (0 for
 *   none yet), -1 on error.
 */
gint64
vtr_order_feed_cursor (VtrStore *store,
                       GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT coalesce ((SELECT cursor FROM journal.order_feed WHERE id = 1), 0)",
                         error);

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* 1: the device has the order, 0: not, -1: error. */
static int
order_known (VtrStore   *store,
             const char *uuid,
             gboolean   *pending,
             GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT EXISTS (SELECT 1 FROM journal.outbox WHERE kind = 'order' "
                         "  AND json_extract (payload, '$.order') = ?1) "
                         "FROM journal.orders WHERE uuid = ?1",
                         error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *pending = sqlite3_column_int (stmt, 0);
      return 1;
    }
  if (rc == SQLITE_DONE)
    return 0;
  vtr_store_set_error (store, rc, error);
  return -1;
}

/* The hub's word on an order the device has: its state, why it was
 * cancelled, where it waits. */
static gboolean
update_order (VtrStore   *store,
              JsonObject *order,
              const char *state,
              gboolean   *changed,
              GError    **error)
{
  VtrStatement *stmt =
    vtr_store_statement (store,
                         "UPDATE journal.orders SET state = ?2, updated = max (updated, ?3), "
                         "  reason = coalesce (?4, reason), "
                         "  locker_compartment = coalesce (?5, locker_compartment), "
                         "  locker_code = coalesce (?6, locker_code) "
                         "WHERE uuid = ?1 AND (state IS NOT ?2 OR reason IS NOT coalesce (?4, reason) "
                         "  OR locker_code IS NOT coalesce (?6, locker_code))",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, vtr_json_get_string (order, "uuid"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, vtr_json_get_int (order, "at"));
  sqlite3_bind_text (stmt, 4, vtr_json_get_string (order, "reason"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, vtr_json_get_string (order, "locker_compartment"), -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, vtr_json_get_string (order, "locker_code"), -1, SQLITE_TRANSIENT);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  *changed = sqlite3_changes (vtr_store_get_db (store)) > 0;
  return TRUE;
}

/* An order of the shop that another kiosk or a phone took: written with
 * its lines as the hub has it. Its pickup code stays with the customer;
 * the code's order number finds it when scanned here. */
static gboolean
insert_order (VtrStore   *store,
              JsonObject *order,
              JsonObject *placed,
              const char *state,
              GError    **error)
{
  const char *uuid = vtr_json_get_string (order, "uuid");
  const char *first_name = vtr_json_get_string (placed, "first_name");
  const char *phone = vtr_json_get_string (placed, "phone");
  gint64 locker = vtr_json_get_int (placed, "locker");
  JsonNode *lines = json_object_get_member (placed, "lines");
  VtrStatement *stmt =
    vtr_store_statement (store,
                         "INSERT OR IGNORE INTO journal.orders (uuid, number, code, merchant_id, delivery, "
                         "  locker_id, first_name, phone, total_cents, state, created, updated, reason, "
                         "  locker_compartment, locker_code) "
                         "VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, vtr_json_get_string (order, "number"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, vtr_json_get_int (placed, "merchant"));
  sqlite3_bind_text (stmt, 4, locker > 0 ? "locker" : "shop", -1, SQLITE_STATIC);
  if (locker > 0)
    sqlite3_bind_int64 (stmt, 5, locker);
  sqlite3_bind_text (stmt, 6, first_name ? first_name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, phone ? phone : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, vtr_json_get_int (placed, "total_cents"));
  sqlite3_bind_text (stmt, 9, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, vtr_json_get_int (placed, "at"));
  sqlite3_bind_int64 (stmt, 11,
                      MAX (vtr_json_get_int (order, "at"), vtr_json_get_int (placed, "at")));
  sqlite3_bind_text (stmt, 12, vtr_json_get_string (order, "reason"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, vtr_json_get_string (order, "locker_compartment"), -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 14, vtr_json_get_string (order, "locker_code"), -1, SQLITE_TRANSIENT);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (vtr_store_get_db (store)) == 0 || lines == NULL || !JSON_NODE_HOLDS_ARRAY (lines))
    return TRUE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (lines)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (lines), i);
      JsonObject *line = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (line == NULL || vtr_json_get_int (line, "quantity") <= 0)
        continue;
      stmt = vtr_store_statement (store,
                                  "INSERT OR IGNORE INTO journal.order_line (order_uuid, product_id, "
                                  "  quantity, price_cents) VALUES (?, ?, ?, ?)",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, vtr_json_get_int (line, "product"));
      sqlite3_bind_int64 (stmt, 3, vtr_json_get_int (line, "quantity"));
      sqlite3_bind_int64 (stmt, 4, vtr_json_get_int (line, "price_cents"));
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_order (VtrStore   *store,
             JsonObject *order,
             gint64      merchant_id,
             guint      *n_new,
             guint      *n_changed,
             GError    **error)
{
  const char *uuid = vtr_json_get_string (order, "uuid");
  const char *number = vtr_json_get_string (order, "number");
  const char *state = vtr_json_get_string (order, "state");
  JsonNode *placed = json_object_get_member (order, "placed");
  VtrOrderState parsed;
  gboolean pending = FALSE, changed = FALSE;
  int known;

  /* What makes no sense is passed over: the rest of the page still counts. */
  if (uuid == NULL || !g_uuid_string_is_valid (uuid) || number == NULL ||
      !vtr_order_state_from_string (state, &parsed))
    return TRUE;
  if ((known = order_known (store, uuid, &pending, error)) < 0)
    return FALSE;
  if (known)
    {
      if (pending)
        return TRUE;
      if (!update_order (store, order, state, &changed, error))
        return FALSE;
      if (changed)
        (*n_changed)++;
      return TRUE;
    }
  if (merchant_id <= 0 || placed == NULL || !JSON_NODE_HOLDS_OBJECT (placed) ||
      vtr_json_get_int (json_node_get_object (placed), "merchant") != merchant_id)
    return TRUE;
  if (!insert_order (store, order, json_node_get_object (placed), state, error))
    return FALSE;
  (*n_new)++;
  return TRUE;
}

/**
 * vtr_order_feed_apply:
 * @page: the hub's answer: {"since", "cursor", "orders": […]}
 * @merchant_id: the device's shop, 0 on a federation kiosk (which only
 *   updates the orders it placed)
 * @n_new: (out): orders the device did not have
 * @n_changed: (out): orders whose state changed
 *
 * Applies a page of the hub's feed of orders and moves the cursor, in one
 * transaction. A page for another cursor than the device's is refused.
 */
gboolean
vtr_order_feed_apply (VtrStore   *store,
                      JsonObject *page,
                      gint64      merchant_id,
                      guint      *n_new,
                      guint      *n_changed,
                      GError    **error)
{
  JsonNode *orders = json_object_get_member (page, "orders");
  gint64 since = vtr_json_get_int (page, "since");
  gint64 cursor = vtr_json_get_int (page, "cursor");
  VtrStatement *stmt;
  gint64 have;

  *n_new = *n_changed = 0;
  if (!vtr_store_begin (store, error))
    return FALSE;
  if ((have = vtr_order_feed_cursor (store, error)) < 0)
    goto rollback;
  if (have != since || cursor < since || orders == NULL || !JSON_NODE_HOLDS_ARRAY (orders))
    {
      g_set_error_literal (error, VTR_ORDER_FEED_ERROR, VTR_ORDER_FEED_ERROR_STALE,
                           _("The hub answered for another position of the orders than asked; nothing "
                             "was changed and the kiosk will try again."));
      goto rollback;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (orders)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (orders), i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          !apply_order (store, json_node_get_object (node), merchant_id, n_new, n_changed, error))
        goto rollback;
    }
  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.order_feed (id, cursor) VALUES (1, ?) "
                              "ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, cursor);
  if (!vtr_store_step_done (store, stmt, error) || !vtr_store_commit (store, error))
    goto rollback;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_order_feed_note_refusals:
 * @since: Unix time: refusals the hub gave from then on
 *
 * Writes on each order the hub's reason for refusing a step taken here
 * (journal.outbox_rejected), for the counter to show it on the order. It
 * stays until the next step taken here.
 */
gboolean
vtr_order_feed_note_refusals (VtrStore *store,
                              gint64    since,
                              GError  **error)
{
  VtrStatement *stmt =
    vtr_store_statement (store,
                         "UPDATE journal.orders SET refusal = ("
                         "  SELECT r.reason FROM journal.outbox_rejected AS r WHERE r.kind = 'order' "
                         "    AND json_extract (r.payload, '$.order') = orders.uuid "
                         "  ORDER BY r.rejected DESC, r.created DESC LIMIT 1) "
                         "WHERE uuid IN (SELECT json_extract (payload, '$.order') FROM journal.outbox_rejected "
                         "  WHERE kind = 'order' AND rejected >= ?)",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_order_count_waiting:
 *
 * Returns: the shop's orders waiting to be accepted (the counter's
 *   badge), -1 on error.
 */
gint64
vtr_order_count_waiting (VtrStore *store,
                         gint64    merchant_id,
                         GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT count (*) FROM journal.orders WHERE merchant_id = ? AND state = 'placed'",
                         error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  if (!vtr_store_step_row (store, stmt, error))
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * vtr_order_feed_has_open_orders:
 *
 * Returns: 1 when the device has orders not yet collected, cancelled or
 *   refused (a street kiosk asks the hub about them), 0 when not, -1 on
 *   error.
 */
int
vtr_order_feed_has_open_orders (VtrStore *store,
                                GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT EXISTS (SELECT 1 FROM journal.orders "
                         "  WHERE state IN ('placed', 'accepted', 'ready'))",
                         error);

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return -1;
  return sqlite3_column_int (stmt, 0);
}

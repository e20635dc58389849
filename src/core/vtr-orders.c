#include "config.h"

#include "vtr-orders.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vtr-catalog.h"
#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-outbox.h"
#include "vtr-phone.h"
#include "vtr-store-private.h"
#include "vtr-json.h"

/*
 * Orders for click and collect or a parcel locker. An order takes its
 * number and signed pickup code from those the hub issued to the kiosk in
 * advance, and is written with its lines, its first event and its outbox
 * row in one transaction. Placed → accepted → ready → collected, or
 * cancelled or refused; every step says who and when, and handing an
 * order over takes its pickup code, scanned.
 */

G_DEFINE_QUARK (vtr-order-error-quark, vtr_order_error)

#define MAX_LINES VTR_ORDER_MAX_LINES
#define MAX_QUANTITY VTR_ORDER_MAX_QUANTITY

static const char * const state_names[] = {
  "placed", "accepted", "ready", "collected", "cancelled", "refused",
};

const char *
vtr_order_state_to_string (VtrOrderState state)
{
  g_return_val_if_fail (state <= VTR_ORDER_REFUSED, NULL);
  return state_names[state];
}

gboolean
vtr_order_state_from_string (const char    *text,
                             VtrOrderState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

void
vtr_order_free (VtrOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->uuid);
  g_free (order->number);
  g_free (order->pickup_code);
  g_free (order->first_name);
  g_free (order->phone);
  g_free (order->reason);
  g_free (order->locker_compartment);
  g_free (order->locker_code);
  g_free (order->refusal);
  g_clear_pointer (&order->lines, g_array_unref);
  g_free (order);
}

static char *
order_payload (const VtrOrder *order,
               const char     *who)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "order", order->uuid);
  vtr_json_add_string (builder, "number", order->number);
  vtr_json_add_string (builder, "state", vtr_order_state_to_string (order->state));
  vtr_json_add_string (builder, "who", who);
  vtr_json_add_int (builder, "at", order->updated);
  if (order->state == VTR_ORDER_PLACED)
    {
      vtr_json_add_int (builder, "merchant", order->merchant_id);
      vtr_json_add_int (builder, "locker", order->locker_id);
      vtr_json_add_string (builder, "first_name", order->first_name);
      vtr_json_add_string (builder, "phone", order->phone);
      vtr_json_add_int (builder, "total_cents", order->total_cents);
      json_builder_set_member_name (builder, "lines");
      json_builder_begin_array (builder);
      for (guint i = 0; i < order->lines->len; i++)
        {
          const VtrOrderLine *line = &g_array_index (order->lines, VtrOrderLine, i);

          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "product", line->product_id);
          vtr_json_add_int (builder, "quantity", line->quantity);
          vtr_json_add_int (builder, "price_cents", line->price_cents);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  /* What the hub passes on to the customer (by SMS) and the kiosk that
   * placed the order. */
  if ((order->state == VTR_ORDER_CANCELLED || order->state == VTR_ORDER_REFUSED) && order->reason)
    vtr_json_add_string (builder, "reason", order->reason);
  if (order->state == VTR_ORDER_READY && order->locker_compartment && order->locker_code)
    {
      vtr_json_add_string (builder, "locker_compartment", order->locker_compartment);
      vtr_json_add_string (builder, "locker_code", order->locker_code);
    }
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

/* Writes a step of the order's life: the event and its outbox row. */
static gboolean
record_step (VtrStore       *store,
             const VtrOrder *order,
             const char     *who,
             GError        **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *payload = order_payload (order, who);
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT INTO journal.order_event (uuid, order_uuid, state, "
                                            "  who, at) VALUES (?, ?, ?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, order->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, vtr_order_state_to_string (order->state), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, who, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, order->updated);
  return vtr_store_step_done (store, stmt, error) &&
         vtr_outbox_append (store, uuid, "order", payload, order->updated, error);
}

static gboolean
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID, message);
  return FALSE;
}

/**
 * vtr_order_create:
 * @locker_id: a parcel locker's collection point, or 0 to collect at the shop
 *
 * An order from a customer who showed no loyalty card:
 * vtr_order_create_full().
 *
 * Returns: (transfer full) (nullable): the order, durably placed, with its
 * number and pickup code to print.
 */
VtrOrder *
vtr_order_create (VtrStore           *store,
                  gint64              merchant_id,
                  const VtrOrderLine *lines,
                  guint               n_lines,
                  gint64              locker_id,
                  const char         *first_name,
                  const char         *phone,
                  GDateTime          *now,
                  GError            **error)
{
  return vtr_order_create_full (store, merchant_id, lines, n_lines, locker_id, first_name, phone, FALSE, now,
                                error);
}

/**
 * vtr_order_create_full:
 * @locker_id: a parcel locker's collection point, or 0 to collect at the shop
 * @card_shown: whether the customer showed a loyalty card to the order
 *
 * Places an order. Each line is at the shop's price, and the total
 * honours the shop's promotions running at @now on each product (or its
 * category), the cheapest one per line (vtr_promotion_best()): those
 * for loyalty card holders only when @card_shown.
 *
 * Returns: (transfer full) (nullable): the order, durably placed, with its
 * number and pickup code to print.
 */
VtrOrder *
vtr_order_create_full (VtrStore           *store,
                       gint64              merchant_id,
                       const VtrOrderLine *lines,
                       guint               n_lines,
                       gint64              locker_id,
                       const char         *first_name,
                       const char         *phone,
                       gboolean            card_shown,
                       GDateTime          *now,
                       GError            **error)
{
  g_autoptr(VtrOrder) order = g_new0 (VtrOrder, 1);
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autofree char *name = first_name ? g_strstrip (g_strdup (first_name)) : NULL;
  g_autofree char *mobile = NULL;
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  if (n_lines == 0 || n_lines > MAX_LINES)
    {
      invalid (error, _("An order holds 1 to 50 products."));
      return NULL;
    }
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL) ||
      g_utf8_strlen (name, -1) > VTR_ORDER_MAX_FIRST_NAME)
    {
      invalid (error, _("Give the customer’s first name (40 letters at most)."));
      return NULL;
    }
  if (phone == NULL || *phone == '\0')
    {
      invalid (error, _("Give the customer’s phone number, to say when the order is ready."));
      return NULL;
    }
  /* The text message goes to French mobiles only: the number is checked
   * here, where the customer can still correct it. */
  if (!(mobile = vtr_phone_french_mobile (phone)))
    {
      invalid (error, _("This is not a French mobile number: give one that starts with 06 or 07 "
                        "(or +33 6, +33 7), to receive the text message."));
      return NULL;
    }

  order->uuid = g_uuid_string_random ();
  order->merchant_id = merchant_id;
  order->locker_id = locker_id;
  order->first_name = g_steal_pointer (&name);
  order->phone = g_steal_pointer (&mobile);
  order->state = VTR_ORDER_PLACED;
  order->created = order->updated = g_date_time_to_unix (now);
  order->lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));

  if (!vtr_store_begin (store, error))
    return NULL;

  if (locker_id > 0)
    {
      g_autoptr(VtrStatement) locker =
        vtr_store_statement (store, "SELECT count(*) FROM collection_point WHERE id = ? AND kind = 3",
                             error);

      if (locker == NULL || sqlite3_bind_int64 (locker, 1, locker_id) != SQLITE_OK ||
          sqlite3_step (locker) != SQLITE_ROW || sqlite3_column_int (locker, 0) != 1)
        {
          if (error && *error == NULL)
            g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID,
                         _("There is no parcel locker number %lld."), (long long) locker_id);
          goto rollback;
        }
    }

  /* Each product at the shop's price, and in stock there. */
  for (guint i = 0; i < n_lines; i++)
    {
      g_autoptr(VtrStatement) price =
        vtr_store_statement (store,
                             "SELECT price_cents FROM stock WHERE product_id = ? AND merchant_id = ? "
                             "  AND availability > 0",
                             error);
      VtrOrderLine line = lines[i];

      if (price == NULL)
        goto rollback;
      if (line.quantity <= 0 || line.quantity > MAX_QUANTITY)
        {
          invalid (error, _("A quantity goes from 1 to 99."));
          goto rollback;
        }
      for (guint k = 0; k < order->lines->len; k++)
        if (g_array_index (order->lines, VtrOrderLine, k).product_id == line.product_id)
          {
            invalid (error, _("A product appears twice in the order."));
            goto rollback;
          }
      sqlite3_bind_int64 (price, 1, line.product_id);
      sqlite3_bind_int64 (price, 2, merchant_id);
      if (sqlite3_step (price) != SQLITE_ROW)
        {
          g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_UNAVAILABLE,
                       _("Product %lld is not in stock at this shop."), (long long) line.product_id);
          goto rollback;
        }
      line.price_cents = sqlite3_column_int64 (price, 0);
      {
        g_autoptr(GPtrArray) promotions = NULL;
        gint64 amount = 0;

        if (catalog == NULL)
          catalog = vtr_catalog_new (store);
        promotions = vtr_catalog_promotions_at (catalog, merchant_id, line.product_id, now, error);
        if (promotions == NULL)
          goto rollback;
        vtr_promotion_best (promotions, line.price_cents, line.quantity, card_shown, &amount);
        order->total_cents += amount;
      }
      g_array_append_val (order->lines, line);
    }

  if (!vtr_code_stock_take (store, VTR_CODE_PICKUP, &order->number, &order->pickup_code, error))
    goto rollback;

  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.orders (uuid, number, code, merchant_id, delivery, "
                              "  locker_id, first_name, phone, total_cents, state, created, updated) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, order->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, order->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, order->pickup_code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, merchant_id);
  sqlite3_bind_text (stmt, 5, locker_id > 0 ? "locker" : "shop", -1, SQLITE_STATIC);
  if (locker_id > 0)
    sqlite3_bind_int64 (stmt, 6, locker_id);
  sqlite3_bind_text (stmt, 7, order->first_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, order->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, order->total_cents);
  sqlite3_bind_text (stmt, 10, "placed", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, order->created);
  sqlite3_bind_int64 (stmt, 12, order->updated);
  if (!vtr_store_step_done (store, stmt, error))
    goto rollback;

  for (guint i = 0; i < order->lines->len; i++)
    {
      const VtrOrderLine *line = &g_array_index (order->lines, VtrOrderLine, i);

      stmt = vtr_store_statement (store,
                                  "INSERT INTO journal.order_line (order_uuid, product_id, quantity, "
                                  "  price_cents) VALUES (?, ?, ?, ?)",
                                  error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, order->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, line->product_id);
      sqlite3_bind_int (stmt, 3, line->quantity);
      sqlite3_bind_int64 (stmt, 4, line->price_cents);
      if (!vtr_store_step_done (store, stmt, error))
        goto rollback;
    }

  if (!record_step (store, order, "customer", error) || !vtr_store_commit (store, error))
    goto rollback;
  return g_steal_pointer (&order);

rollback:
  vtr_store_rollback (store);
  return NULL;
}

static VtrOrder *
order_from_row (sqlite3_stmt *stmt)
{
  VtrOrder *order = g_new0 (VtrOrder, 1);

  order->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  order->number = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  order->pickup_code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  order->merchant_id = sqlite3_column_int64 (stmt, 3);
  order->locker_id = sqlite3_column_int64 (stmt, 4);
  order->first_name = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  order->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  order->total_cents = sqlite3_column_int64 (stmt, 7);
  vtr_order_state_from_string ((const char *) sqlite3_column_text (stmt, 8), &order->state);
  order->created = sqlite3_column_int64 (stmt, 9);
  order->updated = sqlite3_column_int64 (stmt, 10);
  order->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  order->locker_compartment = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
  order->locker_code = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  order->refusal = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
  order->lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
  return order;
}

#define ORDER_COLUMNS \
  "uuid, number, code, merchant_id, coalesce (locker_id, 0), first_name, phone, total_cents, " \
  "state, created, updated, reason, locker_compartment, locker_code, refusal"

static VtrOrder *
find_order (VtrStore   *store,
            const char *number,
            GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT " ORDER_COLUMNS " FROM journal.orders WHERE number = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return order_from_row (stmt);
  if (rc != SQLITE_DONE)
    vtr_store_set_error (store, rc, error);
  else
    g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND,
                 _("There is no order %s on this kiosk."), number);
  return NULL;
}

/**
 * vtr_order_get:
 * @number: (nullable): the order's number; %NULL for the last one taken
 *   on this kiosk
 *
 * Returns: the order with its lines, for its ticket.
 */
VtrOrder *
vtr_order_get (VtrStore   *store,
               const char *number,
               GError    **error)
{
  g_autoptr(VtrOrder) order = NULL;
  int rc;

  if (number)
    order = find_order (store, number, error);
  else
    {
      g_autoptr(VtrStatement) last =
        vtr_store_statement (store, "SELECT " ORDER_COLUMNS " FROM journal.orders ORDER BY created DESC LIMIT 1",
                             error);

      if (last == NULL)
        return NULL;
      rc = sqlite3_step (last);
      if (rc == SQLITE_ROW)
        order = order_from_row (last);
      else if (rc != SQLITE_DONE)
        vtr_store_set_error (store, rc, error);
      else
        g_set_error_literal (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND,
                             _("No order was taken on this kiosk yet."));
    }
  if (order == NULL || !vtr_order_load_lines (store, order, error))
    return NULL;
  return g_steal_pointer (&order);
}

/**
 * vtr_order_load_lines:
 * @order: an order read from @store (vtr_order_list()), whose lines are
 *   not read yet
 *
 * Reads the order's lines (what to prepare) into @order->lines.
 */
gboolean
vtr_order_load_lines (VtrStore  *store,
                      VtrOrder  *order,
                      GError   **error)
{
  g_autoptr(VtrStatement) lines = NULL;
  int rc;

  lines = vtr_store_statement (store,
                               "SELECT product_id, quantity, price_cents FROM journal.order_line "
                               "WHERE order_uuid = ? ORDER BY product_id",
                               error);
  if (lines == NULL)
    return FALSE;
  g_array_set_size (order->lines, 0);
  sqlite3_bind_text (lines, 1, order->uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (lines)) == SQLITE_ROW)
    {
      VtrOrderLine line = { sqlite3_column_int64 (lines, 0), sqlite3_column_int (lines, 1),
                            sqlite3_column_int64 (lines, 2) };

      g_array_append_val (order->lines, line);
    }
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_order_state_can_become:
 *
 * The legal steps of an order's life, the same on the kiosk and the hub:
 * placed → accepted → ready → collected, or cancelled (or refused while
 * placed). A collected, cancelled or refused order is done.
 */
gboolean
vtr_order_state_can_become (VtrOrderState from,
                            VtrOrderState to)
{
  switch (from)
    {
    case VTR_ORDER_PLACED:
      return to == VTR_ORDER_ACCEPTED || to == VTR_ORDER_REFUSED || to == VTR_ORDER_CANCELLED;
    case VTR_ORDER_ACCEPTED:
      return to == VTR_ORDER_READY || to == VTR_ORDER_CANCELLED;
    case VTR_ORDER_READY:
      return to == VTR_ORDER_COLLECTED || to == VTR_ORDER_CANCELLED;
    default:
      return FALSE;
    }
}

static gboolean
move (VtrStore      *store,
      VtrOrder      *order,
      gint64         merchant_id,
      VtrOrderState  state,
      GDateTime     *now,
      GError       **error)
{
  g_autofree char *who = g_strdup_printf ("shop %lld", (long long) merchant_id);
  VtrStatement *stmt;

  if (order->merchant_id != merchant_id)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND,
                   _("Order %s is not for this shop."), order->number);
      return FALSE;
    }
  if (!vtr_order_state_can_become (order->state, state))
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_WRONG_STATE,
                   _("Order %s is %s: it cannot become %s."), order->number,
                   vtr_order_state_to_string (order->state), vtr_order_state_to_string (state));
      return FALSE;
    }

  order->state = state;
  order->updated = g_date_time_to_unix (now);
  /* A new step here: whatever the hub refused before is behind. */
  stmt = vtr_store_statement (store,
                              "UPDATE journal.orders SET state = ?, updated = ?, reason = ?, "
                              "  locker_compartment = ?, locker_code = ?, refusal = NULL WHERE uuid = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, vtr_order_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, order->updated);
  sqlite3_bind_text (stmt, 3, order->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, order->locker_compartment, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, order->locker_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, order->uuid, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, stmt, error) && record_step (store, order, who, error);
}

/**
 * vtr_order_advance:
 *
 * Moves an order of the session's shop along. Handing over
 * (%VTR_ORDER_COLLECTED) takes vtr_order_collect() and the pickup code.
 */
gboolean
vtr_order_advance (VtrStore      *store,
                   const char    *session,
                   const char    *number,
                   VtrOrderState  state,
                   GDateTime     *now,
                   GError       **error)
{
  g_autoptr(VtrOrder) order = NULL;
  gint64 merchant_id;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (state == VTR_ORDER_COLLECTED)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_WRONG_STATE,
                   _("An order is handed over by scanning the customer’s pickup code."));
      return FALSE;
    }
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!(order = find_order (store, number, error)) ||
      !move (store, order, merchant_id, state, now, error) || !vtr_store_commit (store, error))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_order_collect:
 * @scanned: the pickup code the customer shows
 *
 * Returns: (transfer full) (nullable): the order handed over.
 */
VtrOrder *
vtr_order_collect (VtrStore         *store,
                   const char       *session,
                   const char       *scanned,
                   const VtrKeyList *keys,
                   GDateTime        *now,
                   GError          **error)
{
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (scanned, -1, keys, now);
  g_autoptr(VtrOrder) order = NULL;
  gint64 merchant_id;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return NULL;
  if (info->kind != VTR_CODE_PICKUP || info->verdict != VTR_VERDICT_TRUSTED)
    {
      g_autofree char *reason = vtr_verdict_describe (info);

      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_A_PICKUP_CODE,
                   info->kind == VTR_CODE_PICKUP ? "%s" : _("This is not a pickup code. %s"),
                   reason);
      return NULL;
    }
  if (!vtr_store_begin (store, error))
    return NULL;
  if (!(order = find_order (store, info->code.order, error)) ||
      !move (store, order, merchant_id, VTR_ORDER_COLLECTED, now, error) ||
      !vtr_store_commit (store, error))
    {
      vtr_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&order);
}

/**
 * vtr_order_hand_over:
 * @number: the order's number, as the customer says it
 *
 * A ready order handed over at the counter without its pickup code (a
 * reservation by phone: the customer has only its number). The staff's
 * session stands for the check.
 *
 * Returns: (transfer full) (nullable): the order handed over.
 */
VtrOrder *
vtr_order_hand_over (VtrStore   *store,
                     const char *session,
                     const char *number,
                     GDateTime  *now,
                     GError    **error)
{
  g_autoptr(VtrOrder) order = NULL;
  gint64 merchant_id;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return NULL;
  if (!vtr_store_begin (store, error))
    return NULL;
  if (!(order = find_order (store, number, error)) ||
      !move (store, order, merchant_id, VTR_ORDER_COLLECTED, now, error) ||
      !vtr_store_commit (store, error))
    {
      vtr_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&order);
}

/**
 * vtr_order_list:
 * @merchant_id: the shop, or 0 for every order on this kiosk
 *
 * Returns: (transfer full) (element-type VtrOrder): the orders, newest first.
 */
GPtrArray *
vtr_order_list (VtrStore *store,
                gint64    merchant_id,
                GError  **error)
{
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_order_free);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT " ORDER_COLUMNS " FROM journal.orders "
                         "WHERE ?1 = 0 OR merchant_id = ?1 ORDER BY created DESC, number",
                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (orders, order_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&orders);
}

/* A step taken at the counter, with what it carries set on the order
 * before it moves. */
static gboolean
advance_with (VtrStore      *store,
              const char    *session,
              const char    *number,
              VtrOrderState  state,
              const char    *reason,
              const char    *compartment,
              const char    *code,
              GDateTime     *now,
              GError       **error)
{
  g_autoptr(VtrOrder) order = NULL;
  gint64 merchant_id;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!(order = find_order (store, number, error)))
    goto rollback;
  if (compartment && order->locker_id <= 0)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID,
                   _("Order %s is collected at the shop, not in a parcel locker."), order->number);
      goto rollback;
    }
  g_free (order->reason);
  order->reason = g_strdup (reason);
  if (compartment)
    {
      g_free (order->locker_compartment);
      g_free (order->locker_code);
      order->locker_compartment = g_strdup (compartment);
      order->locker_code = g_strdup (code);
    }
  if (!move (store, order, merchant_id, state, now, error) || !vtr_store_commit (store, error))
    goto rollback;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_order_cancel:
 * @reason: why, in the merchant's words (told to the customer)
 *
 * Cancels an order of the session's shop that was not collected yet.
 */
gboolean
vtr_order_cancel (VtrStore   *store,
                  const char *session,
                  const char *number,
                  const char *reason,
                  GDateTime  *now,
                  GError    **error)
{
  g_autofree char *why = reason ? g_strstrip (g_strdup (reason)) : NULL;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (why == NULL || *why == '\0' || !g_utf8_validate (why, -1, NULL) ||
      g_utf8_strlen (why, -1) > VTR_ORDER_MAX_REASON)
    return invalid (error, _("Say why the order is cancelled (200 characters at most): the customer "
                             "is told."));
  return advance_with (store, session, number, VTR_ORDER_CANCELLED, why, NULL, NULL, now, error);
}

/**
 * vtr_order_locker_field_is_valid:
 *
 * Whether @text may be a locker's compartment or opening code: 1 to 16
 * letters, digits or dashes, as printed on the locker.
 */
gboolean
vtr_order_locker_field_is_valid (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  if (len == 0 || len > VTR_ORDER_MAX_LOCKER)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-')
      return FALSE;
  return TRUE;
}

/**
 * vtr_order_deposit:
 * @compartment: the locker's compartment the order was put in
 * @code: the code that opens it
 *
 * An accepted locker order put in its parcel locker: it is ready, and the
 * compartment and code go up with the step for the customer.
 */
gboolean
vtr_order_deposit (VtrStore   *store,
                   const char *session,
                   const char *number,
                   const char *compartment,
                   const char *code,
                   GDateTime  *now,
                   GError    **error)
{
  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (!vtr_order_locker_field_is_valid (compartment) || !vtr_order_locker_field_is_valid (code))
    return invalid (error, _("Give the locker’s compartment and its opening code (1 to 16 letters or "
                             "digits each)."));
  return advance_with (store, session, number, VTR_ORDER_READY, NULL, compartment, code, now, error);
}

/**
 * vtr_order_find_pickup:
 * @scanned: a pickup code, as scanned
 *
 * The order a customer's pickup code names, as this device knows it (the
 * orders it placed and, on a shop's device, those the hub sent it), with
 * no staff session: for a customer asking where their order is.
 *
 * Returns: (transfer full) (nullable): the order
 */
VtrOrder *
vtr_order_find_pickup (VtrStore         *store,
                       const char       *scanned,
                       const VtrKeyList *keys,
                       GDateTime        *now,
                       GError          **error)
{
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (scanned, -1, keys, now);

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  if (info->kind != VTR_CODE_PICKUP || info->verdict != VTR_VERDICT_TRUSTED)
    {
      g_autofree char *reason = vtr_verdict_describe (info);

      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_A_PICKUP_CODE,
                   info->kind == VTR_CODE_PICKUP ? "%s" : _("This is not a pickup code. %s"),
                   reason);
      return NULL;
    }
  return find_order (store, info->code.order, error);
}

/**
 * vtr_order_describe_state:
 *
 * Returns: (transfer full): where the order is, in a sentence for the
 *   customer. A locker order never sends them to the counter.
 */
char *
vtr_order_describe_state (const VtrOrder *order)
{
  gboolean locker = order->locker_id > 0;

  switch (order->state)
    {
    case VTR_ORDER_PLACED:
      return g_strdup_printf (_("Order %s is waiting for the shop to accept it."), order->number);
    case VTR_ORDER_ACCEPTED:
      return g_strdup_printf (_("Order %s is being prepared by the shop."), order->number);
    case VTR_ORDER_READY:
      if (locker && order->locker_compartment && order->locker_code)
        return g_strdup_printf (_("Order %s is waiting in parcel locker compartment %s: open it with "
                                  "the code %s."),
                                order->number, order->locker_compartment, order->locker_code);
      if (locker)
        return g_strdup_printf (_("Order %s is ready in its parcel locker."), order->number);
      return g_strdup_printf (_("Order %s is ready: collect it at the shop."), order->number);
    case VTR_ORDER_COLLECTED:
      return g_strdup_printf (_("Order %s was collected."), order->number);
    case VTR_ORDER_CANCELLED:
      if (order->reason)
        return g_strdup_printf (_("Order %s was cancelled by the shop: %s"), order->number, order->reason);
      return g_strdup_printf (_("Order %s was cancelled."), order->number);
    case VTR_ORDER_REFUSED:
    default:
      return g_strdup_printf (_("Order %s was refused by the shop."), order->number);
    }
}

#include "config.h"

#include "vtr-order-privacy.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "vtr-json.h"
#include "vtr-orders.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"

/*
 * The customer's first name and phone are asked for one thing: the text
 * message that says the order is ready (docs/design.md, "Personal
 * data"). A kiosk erases them from its journal a set time after the
 * order is over, and at once when the customer asks at the counter; in
 * that case an event ("forget") tells the hub to erase its copy too.
 *
 * Erased means the columns are emptied (the order itself, its lines and
 * its steps stay: they are the shop's books), and the order's events not
 * yet sent to the hub lose the two members.
 */

/* An order never seen over this long after it was placed is abandoned. */
#define ABANDONED_SECONDS (G_GINT64_CONSTANT (90) * 86400)

/* Empties the customer's details of the order @uuid in the journal. */
static gboolean
erase_customer (VtrStore   *store,
                const char *uuid,
                GError    **error)
{
  VtrStatement *stmt;

  stmt = vtr_store_statement (store,
                              "UPDATE journal.orders SET first_name = '', phone = '' WHERE uuid = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  /* Events still waiting for the hub, or that it refused and the kiosk
   * keeps for the staff to see. */
  stmt = vtr_store_statement (store,
                              "UPDATE journal.outbox SET payload = json_remove (payload, '$.first_name', "
                              "  '$.phone') "
                              "WHERE kind = 'order' AND json_valid (payload) "
                              "  AND json_extract (payload, '$.order') = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;
  stmt = vtr_store_statement (store,
                              "UPDATE journal.outbox_rejected SET payload = json_remove (payload, "
                              "  '$.first_name', '$.phone') "
                              "WHERE kind = 'order' AND json_valid (payload) "
                              "  AND json_extract (payload, '$.order') = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_order_forget:
 * @session: a staff session of the order's shop
 * @number: the order's number
 *
 * Erases the customer's first name and phone from the order, on the
 * customer's request at the counter, and queues a "forget" event so the
 * hub erases them too (docs/hub-api.md).
 */
gboolean
vtr_order_forget (VtrStore   *store,
                  const char *session,
                  const char *number,
                  GDateTime  *now,
                  GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *event_uuid = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  g_autofree char *uuid = NULL;
  gint64 merchant_id, order_merchant;
  VtrStatement *stmt;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (number != NULL, FALSE);

  if (!vtr_staff_session (store, session, now, &merchant_id, error) || !vtr_store_begin (store, error))
    return FALSE;
  stmt = vtr_store_statement (store, "SELECT uuid, merchant_id FROM journal.orders WHERE number = ?", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        vtr_store_set_error (store, rc, error);
      else
        g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND,
                     _("There is no order %s on this kiosk."), number);
      sqlite3_reset (stmt);
      goto rollback;
    }
  uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  order_merchant = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  if (order_merchant != merchant_id)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND,
                   _("Order %s is not for this shop."), number);
      goto rollback;
    }
  if (!erase_customer (store, uuid, error))
    goto rollback;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "order", uuid);
  vtr_json_add_string (builder, "number", number);
  vtr_json_add_int (builder, "at", g_date_time_to_unix (now));
  json_builder_end_object (builder);
  payload = vtr_json_builder_to_data (builder, FALSE);
  if (!vtr_outbox_append (store, event_uuid, "forget", payload, g_date_time_to_unix (now), error) ||
      !vtr_store_commit (store, error))
    goto rollback;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_order_forget_expired:
 * @keep_seconds: how long the details are kept once the order is over
 *
 * Erases the customer's details of every order collected, cancelled or
 * refused more than @keep_seconds before @now, and of every order placed
 * more than @keep_seconds and 90 days before: a street kiosk that took an
 * order may never learn that it was collected.
 *
 * Returns: how many orders were erased, or -1 on error.
 */
int
vtr_order_forget_expired (VtrStore  *store,
                          GDateTime *now,
                          gint64     keep_seconds,
                          GError   **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  VtrStatement *stmt;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), -1);

  if (!vtr_store_begin (store, error))
    return -1;
  stmt = vtr_store_statement (store,
                              "SELECT uuid FROM journal.orders "
                              "WHERE ((state IN ('collected', 'cancelled', 'refused') AND updated <= ?1) "
                              "    OR created <= ?1 - ?2) "
                              "  AND (first_name <> '' OR phone <> '')",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (now) - keep_seconds);
  sqlite3_bind_int64 (stmt, 2, ABANDONED_SECONDS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vtr_store_set_error (store, rc, error);
      goto rollback;
    }
  for (guint i = 0; i < uuids->len; i++)
    if (!erase_customer (store, g_ptr_array_index (uuids, i), error))
      goto rollback;
  if (!vtr_store_commit (store, error))
    goto rollback;
  return (int) uuids->len;

rollback:
  vtr_store_rollback (store);
  return -1;
}

/**
 * vtr_order_keep_seconds:
 *
 * How long this device keeps a customer's details once the order is
 * over: VITRINE_KEEP_DAYS (a number of days, fractions allowed, for tests
 * and for vitrine-ctl), else VTR_ORDER_KEEP_DAYS. The app reads its
 * GSettings key "personal-data-days" instead.
 */
gint64
vtr_order_keep_seconds (void)
{
  const char *env = g_getenv ("VITRINE_KEEP_DAYS");
  char *end = NULL;
  double days;

  if (env && *env)
    {
      days = g_ascii_strtod (env, &end);
      if (end != env && *end == '\0' && days >= 0 && days <= 3650)
        return (gint64) (days * 86400);
    }
  return (gint64) VTR_ORDER_KEEP_DAYS * 86400;
}

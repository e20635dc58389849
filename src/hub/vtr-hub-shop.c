#include "config.h"

#include "vtr-hub-shop.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-json.h"
#include "vtr-opening-hours.h"
#include "vtr-shop-edit.h"
#include "vtr-store-private.h"

/*
 * (shop) The shops' own edits, uploaded by their counters with the other
 * events (docs/hub-api.md, "Shop edits"). Unlike loyalty and orders, they
 * change the federation's catalogue, so they are applied to catalog.db,
 * where the change feed picks them up, and recorded there (shop_event) in
 * the same transaction: the uuid makes a replay a no-op, and the stock
 * lines they set keep their provenance (stock_edit) for the next import.
 * Each event runs in its own savepoint: a refused one leaves nothing.
 */

gboolean
vtr_hub_shop_is_shop_event (const char *kind)
{
  return kind && g_str_has_prefix (kind, "shop-");
}

static const char *
envelope_problem (JsonObject  *object,
                  const char **uuid,
                  const char **kind,
                  JsonObject **payload,
                  gint64      *at)
{
  JsonNode *node = json_object_get_member (object, "payload");
  gint64 created = vtr_json_get_int (object, "created");

  *uuid = vtr_json_get_string (object, "uuid");
  *kind = vtr_json_get_string (object, "kind");
  if (*uuid == NULL || !g_uuid_string_is_valid (*uuid))
    return N_("the event has no valid uuid");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return N_("the event has no payload object");
  *payload = json_node_get_object (node);
  /* When the merchant made it, which orders a shop's changes. */
  *at = vtr_json_get_int (*payload, "at");
  if (*at == 0)
    *at = created;
  if (*at < VTR_HUB_MIN_TIME || *at > VTR_HUB_MAX_TIME)
    return N_("the event’s time is not a date between 2000 and 2100");
  return NULL;
}

static int
shop_event_known (VtrStore   *store,
                  const char *uuid)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, "SELECT 1 FROM shop_event WHERE uuid = ?", NULL);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static gboolean
record (VtrStore           *store,
        const VtrHubDevice *device,
        const char         *uuid,
        const char         *kind,
        JsonObject         *payload,
        gint64              at,
        gint64              now,
        GError            **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  VtrStatement *stmt;

  json_node_set_object (node, payload);
  text = json_to_string (node, FALSE);
  stmt = vtr_store_statement (store,
                              "INSERT INTO shop_event (uuid, merchant_id, device_id, kind, payload, at, received) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, device->merchant_id);
  sqlite3_bind_int64 (stmt, 3, device->id);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, at);
  sqlite3_bind_int64 (stmt, 7, now);
  return vtr_store_step_done (store, stmt, error);
}

/* The code a poster request was answered with, for a device that lost
 * the answer and sends the request again. */
static char *
signed_code_of (VtrStore   *store,
                const char *uuid)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT json_extract (payload, '$.code') FROM shop_event WHERE uuid = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_TEXT)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return NULL;
}

/* A poster's signed code: the product's ad at the shop, with the
 * promotion (valid until its last day), or for a promotion on a whole
 * category the shop's own code. */
static char *
sign_poster (VtrStore   *store,
             VtrHubKeys *keys,
             gint64      merchant_id,
             JsonObject *payload,
             GError    **error)
{
  VtrFlashcode code = { .kind = VTR_CODE_PRODUCT, .merchant_id = merchant_id };
  const guint8 *secret = NULL;

  if (keys == NULL)
    {
      g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID,
                   _("The federation cannot sign posters yet: ask it to make its keys."));
      return NULL;
    }
  code.product_id = vtr_json_get_int (payload, "product");
  code.promotion_id = vtr_json_get_int (payload, "promotion");
  if (code.promotion_id > 0)
    {
      g_autoptr(VtrStatement) stmt =
        vtr_store_statement (store, "SELECT coalesce (product_id, 0), ends - 1 FROM promotion WHERE id = ?", error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, code.promotion_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(GDateTime) last = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 1));

          code.product_id = sqlite3_column_int64 (stmt, 0);
          code.expires = vtr_paris_day (last);
        }
      if (code.product_id == 0)
        code = (VtrFlashcode) { .kind = VTR_CODE_MERCHANT, .merchant_id = merchant_id };
    }
  code.kid = vtr_hub_keys_signing_kid (keys, &secret);
  return vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, error);
}

/**
 * vtr_hub_shop_ingest:
 * @catalog: the hub's catalogue store
 * @results: a builder inside an array: one {"uuid", "status"[, "reason"]}
 *   per shop event
 *
 * Applies the shop events of @events in one durable transaction of the
 * catalogue. A device edits only the shop it was paired with; a value the
 * counter would refuse is refused here with the same words.
 *
 * Returns: (transfer full): the other events, for vtr_hub_db_ingest(), or
 *   %NULL when the catalogue failed (nothing was applied)
 */
JsonArray *
vtr_hub_shop_ingest (VtrStore           *store,
                     VtrHubKeys         *keys,
                     const VtrHubDevice *device,
                     JsonArray          *events,
                     gint64              now,
                     JsonBuilder        *results,
                     guint              *n_accepted,
                     GError            **error)
{
  g_autoptr(JsonArray) others = json_array_new ();
  g_autoptr(JsonBuilder) answers = json_builder_new ();
  gboolean began = FALSE;

  *n_accepted = 0;
  json_builder_begin_array (answers);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *uuid = NULL, *kind = NULL, *reason = NULL, *status = "accepted";
      g_autofree char *code = NULL;
      g_autoptr(GError) refusal = NULL;
      JsonObject *payload = NULL;
      gint64 at = 0;
      int known;

      if (object == NULL || !vtr_hub_shop_is_shop_event (vtr_json_get_string (object, "kind")))
        {
          json_array_add_element (others, json_node_copy (node));
          continue;
        }
      if (!began && !(began = vtr_store_begin (store, error)))
        return NULL;
      reason = envelope_problem (object, &uuid, &kind, &payload, &at);
      if (reason == NULL && (known = shop_event_known (store, uuid)) != 0)
        {
          if (known < 0)
            goto failed;
          status = "duplicate";
          code = signed_code_of (store, uuid);
        }
      else if (reason == NULL)
        {
          if (!vtr_store_exec (store, "SAVEPOINT shop_event", error))
            goto failed;
          if (device->merchant_id == 0)
            g_set_error (&refusal, VTR_SHOP_ERROR, VTR_SHOP_ERROR_NOT_YOURS,
                         _("Only a shop’s device changes a shop."));
          else if (vtr_shop_apply_event (store, device->merchant_id, kind, payload, at, VTR_SHOP_APPLY_HUB,
                                         &refusal) &&
                   (!g_str_equal (kind, VTR_SHOP_EVENT_POSTER) ||
                    (code = sign_poster (store, keys, device->merchant_id, payload, &refusal))))
            {
              if (code)
                json_object_set_string_member (payload, "code", code);
              record (store, device, uuid, kind, payload, at, now, &refusal);
            }
          if (refusal && refusal->domain != VTR_SHOP_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&refusal));
              goto failed;
            }
          if (!vtr_store_exec (store, refusal ? "ROLLBACK TO shop_event; RELEASE shop_event" : "RELEASE shop_event",
                               error))
            goto failed;
          *n_accepted += refusal == NULL;
        }

      json_builder_begin_object (answers);
      if (uuid && g_uuid_string_is_valid (uuid))
        vtr_json_add_string (answers, "uuid", uuid);
      else
        vtr_json_add_int (answers, "index", i);
      if (reason || refusal)
        status = "rejected";
      vtr_json_add_string (answers, "status", status);
      if (code && !reason && !refusal)
        vtr_json_add_string (answers, "code", code);
      if (reason)
        vtr_json_add_string (answers, "reason", _(reason));
      else if (refusal)
        vtr_json_add_string (answers, "reason", refusal->message);
      json_builder_end_object (answers);
    }
  if (began && !vtr_store_commit (store, error))
    return NULL;

  /* Answers only once the batch is on disk. */
  json_builder_end_array (answers);
  {
    g_autoptr(JsonNode) root = json_builder_get_root (answers);
    JsonArray *list = json_node_get_array (root);

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *answer = json_array_get_object_element (list, i);

        g_autoptr(GList) members = json_object_get_members (answer);

        json_builder_begin_object (results);
        for (GList *m = members; m; m = m->next)
          {
            json_builder_set_member_name (results, m->data);
            json_builder_add_value (results, json_node_copy (json_object_get_member (answer, m->data)));
          }
        json_builder_end_object (results);
      }
  }
  return g_steal_pointer (&others);

failed:
  if (error && *error == NULL)
    g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_FAILED, _("The hub’s catalogue could not be written"));
  vtr_store_rollback (store);
  return NULL;
}

#include "config.h"

#include "vtr-sync-stock.h"
#include "vtr-sync-private.h"

#include <glib/gi18n.h>

#include "vtr-code-stock.h"
#include "vtr-json.h"
#include "vtr-trust.h"

/*
 * The sync step that keeps the device's stocks of signed codes (order
 * numbers with their pickup codes, blank loyalty cards) from running
 * out: below VTR_CODE_STOCK_LOW it asks the hub for enough to reach
 * VTR_CODE_STOCK_FULL (POST /api/v1/stock, docs/hub-api.md). The codes
 * are checked against the federation's keys and stored in one
 * transaction (vtr_code_stock_add): a sync cut in the middle stores all
 * of a batch or none, and the next sync asks again.
 */

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, 100000, &value, NULL))
    return fallback;
  return value;
}

static gboolean
refill (VtrSyncClient *client,
        VtrCodeKind    kind,
        guint          low,
        guint          full,
        guint         *added,
        GCancellable  *cancellable,
        GError       **error)
{
  VtrStore *store = vtr_sync_client_get_store (client);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *request = NULL;
  JsonNode *member;
  JsonArray *array;
  gint64 left;

  if (!vtr_code_stock_count (store, kind, &left, error))
    return FALSE;
  if (left >= low)
    return TRUE;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "kind", kind == VTR_CODE_CARD ? "card" : "pickup");
  /* The hub gives at most 500 at a time (docs/hub-api.md). */
  vtr_json_add_int (builder, "count", MIN (full - left, 500));
  json_builder_end_object (builder);
  request = vtr_json_builder_to_data (builder, FALSE);
  if (!(answer = vtr_sync_client_request (client, "POST", "/api/v1/stock", request, cancellable, error)))
    return FALSE;

  member = json_object_get_member (json_node_get_object (answer), "codes");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                           _("The hub’s answer has no codes for the kiosk’s stock; it will ask "
                             "again."));
      return FALSE;
    }
  array = json_node_get_array (member);
  codes = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (codes, (gpointer) json_node_get_string (node));
    }
  g_ptr_array_add (codes, NULL);

  /* Only codes the federation's keys verify are kept. */
  keys = vtr_trust_load (store, NULL);
  now = g_date_time_new_now_utc ();
  *added = vtr_code_stock_add (store, kind, (const char * const *) codes->pdata, keys, now, error);
  if (*added == 0 && error && *error)
    {
      g_autofree char *why = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                   _("The hub sent codes the kiosk cannot trust (%s); none was kept."), why);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_sync_client_refill_stock:
 *
 * Tops up the stocks of order numbers and blank cards that fell below
 * the low-water mark. A kind the hub will not refill (an older hub, a
 * daily bound reached, codes that do not verify) is counted in
 * @report and asked again at the next sync; only a lost network, a
 * refusal of the device or a cancellation stop the sync.
 *
 * VITRINE_STOCK_LOW and VITRINE_STOCK_FULL change the marks (tests).
 */
gboolean
vtr_sync_client_refill_stock (VtrSyncClient *client,
                              VtrSyncReport *report,
                              GCancellable  *cancellable,
                              GError       **error)
{
  guint low = env_uint ("VITRINE_STOCK_LOW", VTR_CODE_STOCK_LOW);
  guint full = MAX (low, env_uint ("VITRINE_STOCK_FULL", VTR_CODE_STOCK_FULL));
  static const VtrCodeKind kinds[] = { VTR_CODE_PICKUP, VTR_CODE_CARD };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GError) local_error = NULL;
      guint added = 0;

      if (!refill (client, kinds[i], low, full, &added, cancellable, &local_error))
        {
          if (vtr_sync_error_stops_sync (local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("stock: %s", local_error->message);
          report->stock_errors++;
          continue;
        }
      if (kinds[i] == VTR_CODE_PICKUP)
        report->pickup_codes += added;
      else
        report->blank_cards += added;
    }
  return TRUE;
}

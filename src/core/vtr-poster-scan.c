#include "config.h"

#include "vtr-poster-scan.h"

#include <glib/gi18n-lib.h>

#include "vtr-json.h"
#include "vtr-opening-hours.h"
#include "vtr-outbox.h"
#include "vtr-store-private.h"

/*
 * (poster) A poster of a shop is a signed code that names the shop: a
 * product's ad at the shop (`/P/…/M<SHOP>/…`) or the shop's own code
 * (`/M/SHOP/…`). A product ad with no shop is the federation's, not a
 * shop's poster, and is not counted.
 */

static gboolean record (VtrStore   *store,
                        gint64      merchant_id,
                        gint64      product_id,
                        GDateTime  *now,
                        GError    **error);

/**
 * vtr_poster_scan_is_poster:
 * @merchant_id: (out): the poster's shop
 * @product_id: (out): its product, 0 for the shop's own code
 *
 * Returns: whether @info is a trusted poster of a shop.
 */
gboolean
vtr_poster_scan_is_poster (const VtrCodeInfo *info,
                           gint64            *merchant_id,
                           gint64            *product_id)
{
  if (info == NULL || info->verdict != VTR_VERDICT_TRUSTED || info->code.merchant_id <= 0)
    return FALSE;
  if (info->kind == VTR_CODE_PRODUCT)
    *product_id = info->code.product_id;
  else if (info->kind == VTR_CODE_MERCHANT)
    *product_id = 0;
  else
    return FALSE;
  *merchant_id = info->code.merchant_id;
  return TRUE;
}

/* The day of @when in Marseille, as YYYYMMDD: the shops' day. */
int
vtr_poster_scan_day (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (when, vtr_opening_hours_timezone ());

  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/**
 * vtr_poster_scan_record:
 * @recorded: (out) (optional): whether @info was a shop's poster, now in
 *   the outbox
 *
 * Records the scan of a shop's poster at this kiosk: an outbox event
 * `poster-scan` {"merchant", "product", "code", "day"}, durable once this
 * returns. Anything else scanned is not recorded (and is no error).
 */
gboolean
vtr_poster_scan_record (VtrStore          *store,
                        const VtrCodeInfo *info,
                        GDateTime         *now,
                        gboolean          *recorded,
                        GError           **error)
{
  gint64 merchant_id, product_id;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (recorded)
    *recorded = FALSE;
  if (!vtr_poster_scan_is_poster (info, &merchant_id, &product_id))
    return TRUE;
  if (!record (store, merchant_id, product_id, now, error))
    return FALSE;
  if (recorded)
    *recorded = TRUE;
  return TRUE;
}

typedef struct
{
  char      *data_dir;
  gint64     merchant_id;
  gint64     product_id;
  GDateTime *now;
} Scan;

static void
scan_free (gpointer data)
{
  Scan *scan = data;

  g_free (scan->data_dir);
  g_date_time_unref (scan->now);
  g_free (scan);
}

static void
record_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  Scan *scan = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (scan->data_dir, &error);

  if (store == NULL || !record (store, scan->merchant_id, scan->product_id, scan->now, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vtr_poster_scan_record_async:
 *
 * vtr_poster_scan_record() on a worker thread, for the kiosk's camera;
 * when @info is not a shop's poster, records nothing and answers %TRUE.
 */
void
vtr_poster_scan_record_async (const char          *data_dir,
                              const VtrCodeInfo   *info,
                              GDateTime           *now,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Scan *scan;
  gint64 merchant_id, product_id;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_poster_scan_record_async);
  /* Not a shop's poster: nothing to count, and the caller is answered. */
  if (!vtr_poster_scan_is_poster (info, &merchant_id, &product_id))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  scan = g_new0 (Scan, 1);
  scan->data_dir = g_strdup (data_dir);
  scan->merchant_id = merchant_id;
  scan->product_id = product_id;
  scan->now = g_date_time_ref (now);
  g_task_set_task_data (task, scan, scan_free);
  g_task_run_in_thread (task, record_in_thread);
}

gboolean
vtr_poster_scan_record_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
record (VtrStore   *store,
        gint64      merchant_id,
        gint64      product_id,
        GDateTime  *now,
        GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *payload = NULL;
  g_autofree char *uuid = NULL;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "kind", "poster-scan");
  vtr_json_add_string (builder, "code", product_id > 0 ? "product" : "merchant");
  vtr_json_add_int (builder, "merchant", merchant_id);
  vtr_json_add_int (builder, "product", product_id);
  vtr_json_add_int (builder, "day", vtr_poster_scan_day (now));
  json_builder_end_object (builder);
  payload = vtr_json_builder_to_data (builder, FALSE);
  uuid = g_uuid_string_random ();

  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!vtr_outbox_append (store, uuid, "poster-scan", payload, g_date_time_to_unix (now), error))
    {
      vtr_store_rollback (store);
      return FALSE;
    }
  return vtr_store_commit (store, error);
}

/**
 * vtr_poster_scan_apply:
 * @merchant_id: this device's shop
 * @answer: the hub's answer to `GET /api/v1/poster-scans`:
 *   {"merchant", "from", "scans": [{"day", "source", "product", "scans"}]}
 * @n_rows: (out) (optional): the rows kept
 *
 * Replaces this device's counts from the day @answer starts with, in one
 * transaction: an interrupted apply leaves the counts before it whole.
 */
gboolean
vtr_poster_scan_apply (VtrStore    *store,
                       gint64       merchant_id,
                       JsonObject  *answer,
                       guint       *n_rows,
                       GError     **error)
{
  JsonArray *scans = json_object_get_array_member (answer, "scans");
  gint64 from = json_object_get_int_member_with_default (answer, "from", 0);
  VtrStatement *stmt;
  guint n = 0;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (scans == NULL || from < 20000101 || from > 21000101 ||
      json_object_get_int_member_with_default (answer, "merchant", 0) != merchant_id)
    {
      g_set_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_FAILED,
                   _("The hub’s counts of the shop’s poster scans could not be read"));
      return FALSE;
    }
  if (!vtr_store_begin (store, error))
    return FALSE;
  stmt = vtr_store_statement (store, "DELETE FROM journal.poster_scan WHERE merchant_id = ? AND day >= ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_int64 (stmt, 2, from);
  if (!vtr_store_step_done (store, stmt, error))
    goto failed;
  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.poster_scan (merchant_id, day, source, product_id, scans) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET scans = excluded.scans",
                              error);
  if (stmt == NULL)
    goto failed;
  for (guint i = 0; i < json_array_get_length (scans); i++)
    {
      JsonNode *node = json_array_get_element (scans, i);
      JsonObject *row = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *source = row ? vtr_json_get_string (row, "source") : NULL;
      gint64 day = row ? json_object_get_int_member_with_default (row, "day", 0) : 0;
      gint64 count = row ? json_object_get_int_member_with_default (row, "scans", 0) : 0;

      /* What this device cannot show is left out, not a failure. */
      if (day < from || day > 21000101 || count <= 0 ||
          (g_strcmp0 (source, "kiosk") != 0 && g_strcmp0 (source, "phone") != 0))
        continue;
      sqlite3_bind_int64 (stmt, 1, merchant_id);
      sqlite3_bind_int64 (stmt, 2, day);
      sqlite3_bind_text (stmt, 3, source, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, MAX (json_object_get_int_member_with_default (row, "product", 0), 0));
      sqlite3_bind_int64 (stmt, 5, count);
      if (!vtr_store_step_done (store, stmt, error))
        goto failed;
      n++;
    }
  if (!vtr_store_commit (store, error))
    return FALSE;
  if (n_rows)
    *n_rows = n;
  return TRUE;

failed:
  vtr_store_rollback (store);
  return FALSE;
}

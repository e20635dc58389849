#include "config.h"

#include <glib/gi18n.h>

#include "vtr-order-feed.h"
#include "vtr-poster-scan.h"
#include "vtr-sync-private.h"

/*
 * Orders both ways (docs/hub-api.md, "GET /api/v1/orders?since="): after
 * the catalogue, a shop's device asks the hub what changed among its
 * shop's orders since its cursor, page after page, and a street kiosk
 * what became of the orders it placed. Each page is applied with its
 * cursor in one transaction (vtr_order_feed_apply). The hub's refusals
 * of the steps just sent are written on their orders first, for the
 * counter to show.
 */

#define ORDERS_PAGE 200

/* Pages of the feed until the last; the first may wait (a long-poll). */
static gboolean
fetch_pages (VtrSyncClient *client,
             guint          wait,
             VtrSyncReport *report,
             GCancellable  *cancellable,
             GError       **error)
{
  guint stale = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *page;
      guint status, n_new, n_changed;
      gint64 since;

      if ((since = vtr_order_feed_cursor (client->store, error)) < 0)
        return FALSE;
      if (wait)
        path = g_strdup_printf (VTR_SYNC_API "orders?since=%" G_GINT64_FORMAT "&limit=%d&wait=%u", since,
                                ORDERS_PAGE, wait);
      else
        path = g_strdup_printf (VTR_SYNC_API "orders?since=%" G_GINT64_FORMAT "&limit=%d", since, ORDERS_PAGE);
      wait = 0;
      if (!(body = vtr_sync_client_send (client, "GET", path, NULL, NULL, &status, cancellable, error)) ||
          !(answer = vtr_sync_parse_answer (body, error)))
        return FALSE;
      page = json_node_get_object (answer);
      if (!vtr_order_feed_apply (client->store, page, client->link->merchant_id, &n_new, &n_changed,
                                 &local_error))
        {
          /* The device's long-poll (VtrOrderWatch) moved the cursor while
           * this page came: ask again from there, a few times. */
          if (g_error_matches (local_error, VTR_ORDER_FEED_ERROR, VTR_ORDER_FEED_ERROR_STALE) && stale++ < 3)
            {
              g_clear_error (&local_error);
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      report->orders_new += n_new;
      report->orders_changed += n_changed;
      if (!json_object_get_boolean_member_with_default (page, "more", FALSE) ||
          json_object_get_int_member_with_default (page, "cursor", since) == since)
        return TRUE;
    }
}

/**
 * vtr_sync_client_fetch_orders:
 * @pushed_since: when this sync's upload began: the hub's refusals from
 *   then on are noted on their orders
 */
gboolean
vtr_sync_client_fetch_orders (VtrSyncClient *client,
                              gint64         pushed_since,
                              VtrSyncReport *report,
                              GCancellable  *cancellable,
                              GError       **error)
{
  int open;

  if (!vtr_order_feed_note_refusals (client->store, pushed_since, error))
    return FALSE;
  /* A street kiosk with nothing open has nothing to ask: at 2,100 kiosks,
   * a request each saved every 30 s. */
  if (client->link->merchant_id <= 0 &&
      (open = vtr_order_feed_has_open_orders (client->store, error)) <= 0)
    return open == 0;
  return fetch_pages (client, 0, report, cancellable, error);
}

/**
 * vtr_sync_client_wait_orders:
 * @seconds: how long the hub may hold the request for an order (1–20;
 *   keep it under the session's timeout)
 *
 * A long-poll of the orders' feed: returns as soon as the hub has an
 * order for this device (applied like a sync's), or after @seconds with
 * none. A shop's device that runs it in a loop receives an order within
 * about the upload's time instead of up to a poll interval.
 */
gboolean
vtr_sync_client_wait_orders (VtrSyncClient *client,
                             guint          seconds,
                             VtrSyncReport *report,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return fetch_pages (client, CLAMP (seconds, 1, 20), report, cancellable, error);
}

/**
 * vtr_sync_client_is_shop:
 *
 * Returns: whether the client's device is a shop's (paired with a shop).
 */
gboolean
vtr_sync_client_is_shop (VtrSyncClient *client)
{
  return client->link->merchant_id > 0;
}

/**
 * vtr_sync_client_fetch_poster_scans:
 *
 * (poster) A shop's device asks the hub for its own shop's counts of the
 * scans of its posters (`GET /api/v1/poster-scans`, this week and the
 * eight before: kiosks and phones, per day and poster) and keeps them in
 * one transaction, for "Ma boutique"'s figures. A street kiosk asks
 * nothing.
 */
gboolean
vtr_sync_client_fetch_poster_scans (VtrSyncClient *client,
                                    VtrSyncReport *report,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  guint status, n_rows = 0;

  report->poster_scans = -1;
  if (client->link->merchant_id <= 0)
    return TRUE;
  path = g_strdup_printf (VTR_SYNC_API "poster-scans?days=%d", VTR_POSTER_SCAN_DAYS);
  if (!(body = vtr_sync_client_send (client, "GET", path, NULL, NULL, &status, cancellable, error)) ||
      !(answer = vtr_sync_parse_answer (body, error)))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (answer) ||
      !vtr_poster_scan_apply (client->store, client->link->merchant_id, json_node_get_object (answer), &n_rows,
                              error))
    {
      if (error && *error == NULL)
        g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                     _("The hub’s counts of the shop’s poster scans could not be read"));
      return FALSE;
    }
  report->poster_scans = n_rows;
  return TRUE;
}

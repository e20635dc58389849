#include "config.h"

#include "vtr-hub-backend.h"

#include <glib/gi18n.h>

#ifdef VTR_HAVE_LIBPQ

#include <errno.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vtr-card-block.h"
#include "vtr-catalog.h"
#include "vtr-changes.h"
#include "vtr-demo.h"
#include "vtr-gtin.h"
#include "vtr-hub-pins.h"
#include "vtr-hub-shop.h"
#include "vtr-hub-sms.h"
#include "vtr-hub-stock.h"
#include "vtr-import.h"
#include "vtr-json.h"
#include "vtr-orders.h"
#include "vtr-shop-edit.h"
#include "vtr-shop-review.h"
#include "vtr-store-private.h"

/*
 * (pg) The sync's backend on PostgreSQL (libpq), for several hubs on one
 * database (docs/hub-api.md, "PostgreSQL"): devices (pairing, tokens,
 * heartbeats), events stored once by their uuid whichever hub gets them,
 * and the catalogue's rows with their change feed. Its schema is made on
 * first start.
 *
 * The change feed has one writer at a time: every transaction that logs
 * catalogue changes first takes a transaction-level advisory lock, so
 * the sequence numbers commit in their order and a reader's snapshot
 * always holds every change up to its newest (no hole a kiosk's cursor
 * could pass over while an older transaction is still running).
 */

/* pg_advisory_xact_lock keys: "vtr" and the lock's use. */
#define LOCK_SCHEMA G_GINT64_CONSTANT (0x767472000001)
#define LOCK_FEED   G_GINT64_CONSTANT (0x767472000002)
#define LOCK_ORDERS G_GINT64_CONSTANT (0x767472000003)

/* The schema's version, in hub_meta: bumped with every change to
 * schema[], so that the first hub of a new version adds what is new. */
#define SCHEMA_VERSION 4

typedef struct
{
  VtrHubBackend parent;
  PGconn       *conn;
} Pg;

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS device ("
  "  id bigserial PRIMARY KEY, name text NOT NULL, merchant_id bigint, "
  "  pairing_hash text UNIQUE, pairing_expires bigint NOT NULL, token_hash text UNIQUE, "
  "  created bigint NOT NULL, paired bigint, revoked bigint, last_seen bigint, "
  "  heartbeat text, heartbeat_at bigint, area text, area_moves bigint NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS event ("
  "  uuid uuid PRIMARY KEY, device_id bigint NOT NULL, kind text NOT NULL, payload text NOT NULL, "
  "  created bigint NOT NULL, received bigint NOT NULL, card_id text, merchant_id bigint, "
  "  points bigint, hub integer NOT NULL DEFAULT pg_backend_pid ());"
  "CREATE INDEX IF NOT EXISTS event_by_card ON event (card_id) WHERE card_id IS NOT NULL;"
  "CREATE TABLE IF NOT EXISTS card ("
  "  card_id text PRIMARY KEY, code text, confirmed bigint NOT NULL);"
  "CREATE TABLE IF NOT EXISTS catalog_row ("
  "  kind integer NOT NULL, a bigint NOT NULL, b bigint NOT NULL, data text NOT NULL, "
  "  PRIMARY KEY (kind, a, b));"
  "CREATE TABLE IF NOT EXISTS catalog_change ("
  "  kind integer NOT NULL, a bigint NOT NULL, b bigint NOT NULL, seq bigint NOT NULL UNIQUE, "
  "  PRIMARY KEY (kind, a, b));"
  /* Orders as on SQLite (vtr-hub-db.c): seq numbers the feed of
   * orders, written by one transaction at a time (LOCK_ORDERS). */
  "CREATE TABLE IF NOT EXISTS hub_order ("
  "  uuid uuid PRIMARY KEY, merchant_id bigint, number text NOT NULL, state text NOT NULL, "
  "  at bigint NOT NULL, placed text, device_id bigint, seq bigint NOT NULL UNIQUE, "
  "  received bigint NOT NULL, step text);"
  "CREATE INDEX IF NOT EXISTS hub_order_by_merchant ON hub_order (merchant_id, seq);"
  "CREATE INDEX IF NOT EXISTS hub_order_by_device ON hub_order (device_id, seq);"
  /* 2: customers forgotten (forget events), as vtr-hub-sms.c does on
   * SQLite: the order's details and its events' found by their order. */
  "ALTER TABLE hub_order ADD COLUMN IF NOT EXISTS forgotten boolean NOT NULL DEFAULT false;"
  "CREATE INDEX IF NOT EXISTS event_by_order ON event (((payload::jsonb) ->> 'order')) WHERE kind = 'order';"
  "CREATE TABLE IF NOT EXISTS hub_meta (name text PRIMARY KEY, value text NOT NULL);"
  /* 3: the shops' edits (vtr_hub_pg_shop_ingest()), as catalog.db keeps
   * them on SQLite: each applied once by its uuid (a poster's signed code
   * kept for a device that asks again), the provenance of the stock lines
   * they set, the products merchants made; and the catalogue's products
   * found by barcode and category as the edits' checks look them up. */
  "CREATE TABLE IF NOT EXISTS shop_event ("
  "  uuid uuid PRIMARY KEY, merchant_id bigint NOT NULL, device_id bigint NOT NULL, kind text NOT NULL, "
  "  payload text NOT NULL, at bigint NOT NULL, received bigint NOT NULL);"
  "CREATE INDEX IF NOT EXISTS shop_event_by_merchant ON shop_event (merchant_id, at);"
  "CREATE TABLE IF NOT EXISTS stock_edit ("
  "  product_id bigint NOT NULL, merchant_id bigint NOT NULL, edited bigint NOT NULL, uuid text NOT NULL, "
  "  PRIMARY KEY (product_id, merchant_id));"
  "CREATE TABLE IF NOT EXISTS product_made ("
  "  product_id bigint PRIMARY KEY, merchant_id bigint NOT NULL, created bigint NOT NULL, reviewed bigint);"
  "CREATE INDEX IF NOT EXISTS catalog_product_by_gtin ON catalog_row (((data::jsonb) ->> 'gtin')) WHERE kind = 1;"
  "CREATE INDEX IF NOT EXISTS catalog_product_by_category ON catalog_row (((data::jsonb) ->> 'category')) "
  "  WHERE kind = 1;"
  /* 3: (cards) lost cards, as hub.db keeps them (vtr-hub-cards.c): each
   * blocked once (its id numbers the block in the change feed), events
   * that arrived for a card after its block flagged, cards found at a
   * counter by their last characters. */
  "CREATE TABLE IF NOT EXISTS card_block ("
  "  id bigserial UNIQUE, old_card text PRIMARY KEY, new_card text NOT NULL, merchant_id bigint NOT NULL, "
  "  device_id bigint NOT NULL, uuid uuid NOT NULL UNIQUE, points_said bigint NOT NULL, "
  "  points_moved bigint NOT NULL, blocked bigint NOT NULL);"
  "CREATE INDEX IF NOT EXISTS card_block_by_new ON card_block (new_card);"
  "ALTER TABLE event ADD COLUMN IF NOT EXISTS flag text;"
  "CREATE INDEX IF NOT EXISTS card_by_suffix ON card ((right (card_id, 6)));"
  /* 3: (sms) the customers' text messages, as hub.db's outbox
   * (vtr-hub-sms.c): one per order and state, sent by the first hub
   * whose sending thread claims it; the orders over whose customer's
   * details are still there, found by an index. */
  "CREATE TABLE IF NOT EXISTS sms_outbox ("
  "  id bigserial PRIMARY KEY, order_uuid uuid NOT NULL, state text NOT NULL, details text, "
  "  status text NOT NULL DEFAULT 'pending', tries bigint NOT NULL DEFAULT 0, next_try bigint NOT NULL, "
  "  created bigint NOT NULL, sent bigint, phone text, text text, last_error text, UNIQUE (order_uuid, state));"
  "CREATE INDEX IF NOT EXISTS sms_outbox_due ON sms_outbox (next_try) WHERE status = 'pending';"
  "CREATE INDEX IF NOT EXISTS hub_order_to_forget ON hub_order (received) "
  "  WHERE NOT forgotten AND state IN ('collected', 'cancelled', 'refused');"
  /* 3: the devices' stocks of signed codes (vtr-hub-stock.c): every
   * number issued once, whichever hub issues it. */
  "CREATE TABLE IF NOT EXISTS issued_code ("
  "  kind text NOT NULL, number text NOT NULL, device_id bigint, issued bigint NOT NULL, "
  "  PRIMARY KEY (kind, number));"
  "CREATE INDEX IF NOT EXISTS issued_code_by_device ON issued_code (device_id, kind, issued);"
  /* 3: (poster) the scans of the shops' posters, as hub.db's. */
  "CREATE TABLE IF NOT EXISTS poster_scan ("
  "  merchant_id bigint NOT NULL, day bigint NOT NULL, source text NOT NULL CHECK (source IN ('kiosk', 'phone')), "
  "  product_id bigint NOT NULL, scans bigint NOT NULL, PRIMARY KEY (merchant_id, day, source, product_id));"
  /* 3: (web) an order's page found by its number. */
  "CREATE INDEX IF NOT EXISTS hub_order_by_number ON hub_order (number, seq);"
  /* 4: (web) the phones' reservations, as hub.db's: the secret of the
   * forms, and the rate limits' counts for the hour, shared by every
   * hub on the database. */
  "CREATE TABLE IF NOT EXISTS web_secret ("
  "  id integer PRIMARY KEY CHECK (id = 1), key bytea NOT NULL);"
  "CREATE TABLE IF NOT EXISTS web_limit ("
  "  key text PRIMARY KEY, start bigint NOT NULL, count bigint NOT NULL);"
  /* 4: (admin) the administrators' PINs set by `device add --admin-pin`
   * (their slow hash, sent with the pairing answer) and the one-time
   * codes of `device reset-pin`, as hub.db's. */
  "ALTER TABLE device ADD COLUMN IF NOT EXISTS admin_pin_hash text;"
  "CREATE TABLE IF NOT EXISTS pin_reset ("
  "  nonce text PRIMARY KEY, device_id bigint NOT NULL, issued bigint NOT NULL, expires bigint NOT NULL);"
  "INSERT INTO hub_meta (name, value) VALUES ('history', 'pg-' || gen_random_uuid ()) "
  "  ON CONFLICT (name) DO NOTHING;";

/* The key of each table's rows in the feed (vtr-changes.c: a, b). */
static const struct
{
  const char *a;
  const char *b;
} keys[VTR_N_TABLES] = {
  [VTR_TABLE_MERCHANTS] = { "id", NULL },
  [VTR_TABLE_PRODUCTS] = { "id", NULL },
  [VTR_TABLE_STOCK] = { "product_id", "merchant_id" },
  [VTR_TABLE_PROMOTIONS] = { "id", NULL },
  [VTR_TABLE_RULES] = { "merchant_id", NULL },
  [VTR_TABLE_REWARDS] = { "id", NULL },
  [VTR_TABLE_COLLECTION_POINTS] = { "id", NULL },
};

static const VtrHubBackendClass pg_class;

static gboolean log_change (Pg *self, int kind, gint64 a, gint64 b, GError **error);
static gboolean pg_add_poster_scans (VtrHubBackend *backend, gint64 merchant_id, gint64 day, const char *source,
                                     gint64 product_id, gint64 n, GError **error);

static gboolean
pg_failed (Pg        *self,
           PGresult  *result,
           GError   **error)
{
  const char *message = result ? PQresultErrorMessage (result) : PQerrorMessage (self->conn);
  g_autofree char *line = g_strstrip (g_strdup (message && *message ? message : PQerrorMessage (self->conn)));

  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"), line);
  return FALSE;
}

/* Runs @sql with its text parameters (NULL: SQL's NULL); the result, or
 * NULL with @error set. */
static PGresult *
query (Pg          *self,
       const char  *sql,
       int          n_params,
       const char **params,
       GError     **error)
{
  PGTransactionStatusType before = PQtransactionStatus (self->conn);
  PGresult *result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  /* The database went away since the last operation (a restart): outside
   * a transaction, connect again and run the statement once more. */
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && before == PQTRANS_IDLE &&
      PQstatus (self->conn) == CONNECTION_BAD)
    {
      PQclear (result);
      PQreset (self->conn);
      result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
      status = PQresultStatus (result);
    }
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  pg_failed (self, result, error);
  PQclear (result);
  return NULL;
}

static gboolean
run (Pg          *self,
     const char  *sql,
     int          n_params,
     const char **params,
     GError     **error)
{
  PGresult *result = query (self, sql, n_params, params, error);

  PQclear (result);
  return result != NULL;
}

static void
rollback (Pg *self)
{
  PQclear (PQexec (self->conn, "ROLLBACK"));
}

/* A connection the database closed (restarted, failed over) is opened
 * again before the next operation, never in the middle of one. */
static void
ensure_connected (Pg *self)
{
  if (PQstatus (self->conn) == CONNECTION_BAD)
    PQreset (self->conn);
}

static gint64
column_int (PGresult *result,
            int       row,
            int       column)
{
  return PQgetisnull (result, row, column) ? 0 : g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static char *
column_text (PGresult *result,
             int       row,
             int       column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

#define DEVICE_COLUMNS \
  "id, name, coalesce (merchant_id, 0), created, pairing_expires, coalesce (paired, 0), " \
  "coalesce (revoked, 0), coalesce (last_seen, 0), heartbeat, coalesce (heartbeat_at, 0), " \
  "area, area_moves"

static VtrHubDevice *
device_from_row (PGresult *result,
                 int       row)
{
  VtrHubDevice *device = g_new0 (VtrHubDevice, 1);

  device->id = column_int (result, row, 0);
  device->name = column_text (result, row, 1);
  device->merchant_id = column_int (result, row, 2);
  device->created = column_int (result, row, 3);
  device->pairing_expires = column_int (result, row, 4);
  device->paired = column_int (result, row, 5);
  device->revoked = column_int (result, row, 6);
  device->last_seen = column_int (result, row, 7);
  device->heartbeat = column_text (result, row, 8);
  device->heartbeat_at = column_int (result, row, 9);
  device->area = column_text (result, row, 10);
  device->area_moves = column_int (result, row, 11);
  return device;
}

static VtrHubDevice *
pg_authenticate (VtrHubBackend *backend,
                 const char    *token,
                 gint64         now,
                 GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *hash = NULL;
  const char *params[1];
  PGresult *result;
  VtrHubDevice *device = NULL;

  ensure_connected (self);

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_UNAUTHORIZED,
                           _("This device is not paired with the hub"));
      return NULL;
    }
  hash = vtr_hub_secret_hash (token);
  params[0] = hash;
  if (!(result = query (self, "SELECT " DEVICE_COLUMNS " FROM device WHERE token_hash = $1", 1, params, error)))
    return NULL;
  if (PQntuples (result) == 1)
    device = device_from_row (result, 0);
  PQclear (result);
  if (device == NULL || device->revoked)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_UNAUTHORIZED,
                           device ? _("This device was revoked by the federation: pair it again")
                                  : _("This device is not known to the hub: pair it again"));
      vtr_hub_device_free (device);
      return NULL;
    }
  (void) now;
  return device;
}

static VtrHubDevice *
pg_pair (VtrHubBackend *backend,
         const char    *code,
         gint64         now,
         char         **token,
         GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *hash = vtr_hub_secret_hash (code);
  g_autofree char *new_token = vtr_hub_random_code (52);
  g_autofree char *token_hash = vtr_hub_secret_hash (new_token);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autoptr(VtrHubDevice) device = NULL;
  g_autofree char *id_text = NULL;
  const char *find[1] = { hash };
  PGresult *result;

  ensure_connected (self);

  if (!run (self, "BEGIN", 0, NULL, error))
    return NULL;
  if (!(result = query (self, "SELECT " DEVICE_COLUMNS " FROM device WHERE pairing_hash = $1 FOR UPDATE", 1,
                        find, error)))
    goto failed;
  if (PQntuples (result) == 1)
    device = device_from_row (result, 0);
  PQclear (result);
  if (device == NULL || device->revoked)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_PAIRING,
                           _("This pairing code is unknown or was already used. Ask the "
                             "federation for a new one."));
      goto failed;
    }
  if (now > device->pairing_expires)
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_PAIRING,
                           _("This pairing code has expired. Ask the federation for a new one."));
      goto failed;
    }
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, device->id);
  {
    const char *params[3] = { token_hash, now_text, id_text };

    if (!run (self,
              "UPDATE device SET pairing_hash = NULL, token_hash = $1, paired = $2::bigint, "
              "  last_seen = $2::bigint WHERE id = $3::bigint",
              3, params, error) ||
        !run (self, "COMMIT", 0, NULL, error))
      goto failed;
  }
  device->paired = now;
  *token = g_steal_pointer (&new_token);
  return g_steal_pointer (&device);

failed:
  rollback (self);
  return NULL;
}

static char *
pg_add_device (VtrHubBackend *backend,
               const char    *name,
               gint64         merchant_id,
               gint64         pairing_expires,
               gint64        *id,
               GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *code = vtr_hub_random_code (20);
  g_autofree char *hash = vtr_hub_secret_hash (code);
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, pairing_expires);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  const char *params[5] = { name, merchant, hash, expires, now };
  PGresult *result;

  ensure_connected (self);

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                           _("A device needs a name, such as the shop and the place of the kiosk"));
      return NULL;
    }
  if (!(result = query (self,
                        "INSERT INTO device (name, merchant_id, pairing_hash, pairing_expires, created) "
                        "VALUES ($1, nullif ($2::bigint, 0), $3, $4::bigint, $5::bigint) RETURNING id",
                        5, params, error)))
    return NULL;
  if (id)
    *id = column_int (result, 0, 0);
  PQclear (result);
  return g_steal_pointer (&code);
}

static gboolean
pg_note_seen (VtrHubBackend *backend,
              gint64         device_id,
              gint64         now,
              const char    *heartbeat,
              GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  const char *params[3] = { at, heartbeat, id };

  ensure_connected (self);

  /* When a device was last seen, and how it is, need not wait for an
   * fsync of their own (a crash loses a minute of them, the next sync
   * says them again): without it, a kiosk's first request each minute
   * cost two. */
  if (!run (self, "BEGIN", 0, NULL, error))
    return FALSE;
  if (!run (self, "SET LOCAL synchronous_commit TO OFF", 0, NULL, error) ||
      !run (self,
            "UPDATE device SET last_seen = $1::bigint, "
            "  heartbeat = coalesce ($2, heartbeat), "
            "  heartbeat_at = CASE WHEN $2 IS NULL THEN heartbeat_at ELSE $1::bigint END "
            "WHERE id = $3::bigint",
            3, params, error))
    {
      run (self, "ROLLBACK", 0, NULL, NULL);
      return FALSE;
    }
  return run (self, "COMMIT", 0, NULL, error);
}

/* Orders, as on SQLite (vtr-hub-db.c, check_against_hub() and
 * store_event()): an order is placed once, then moves only along its
 * legal steps, in the order the hubs receive them, by its own shop or
 * the kiosk that took it. Under LOCK_ORDERS: one transaction at a time
 * reads an order's state and numbers the feed of orders. */
static gboolean
check_order (Pg                     *self,
             VtrHubBatch            *batch,
             const VtrHubBatchEvent *e,
             gint64                 *merchant_id,
             const char            **reason,
             GError                **error)
{
  const char *params[1] = { e->order };
  gint64 device_merchant = vtr_hub_batch_get_merchant_id (batch);
  gint64 device_id = vtr_hub_batch_get_device_id (batch);
  VtrOrderState state = VTR_ORDER_PLACED, next = VTR_ORDER_PLACED;
  gint64 placed_by;
  PGresult *result;

  *reason = NULL;
  *merchant_id = e->merchant_id;
  vtr_order_state_from_string (e->order_state, &next);
  if (!(result = query (self,
                        "SELECT coalesce (merchant_id, 0), state, coalesce (device_id, 0) FROM hub_order "
                        "WHERE uuid = $1::uuid",
                        1, params, error)))
    return FALSE;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      if (next != VTR_ORDER_PLACED)
        *reason = N_("the hub does not know this order");
      return TRUE;
    }
  *merchant_id = column_int (result, 0, 0);
  vtr_order_state_from_string (PQgetvalue (result, 0, 1), &state);
  placed_by = column_int (result, 0, 2);
  PQclear (result);
  if (next == VTR_ORDER_PLACED)
    *reason = N_("this order was already placed");
  else if ((*merchant_id == 0 || device_merchant != *merchant_id) && (placed_by == 0 || device_id != placed_by))
    *reason = N_("this order belongs to another shop");
  else if (!vtr_order_state_can_become (state, next))
    *reason = N_("the order cannot take this step from the state it is in on the hub");
  return TRUE;
}

/* A customer's request to be forgotten, made at the counter of the
 * order's shop or at the kiosk that took it (vtr-hub-db.c,
 * check_against_hub()). Under LOCK_ORDERS, as the order's steps. */
static gboolean
check_forget (Pg                     *self,
              VtrHubBatch            *batch,
              const VtrHubBatchEvent *e,
              const char            **reason,
              GError                **error)
{
  const char *params[1] = { e->forget_order };
  gint64 device_merchant = vtr_hub_batch_get_merchant_id (batch);
  gint64 device_id = vtr_hub_batch_get_device_id (batch);
  gint64 merchant_id, placed_by;
  PGresult *result;

  *reason = NULL;
  if (!(result = query (self,
                        "SELECT coalesce (merchant_id, 0), coalesce (device_id, 0) FROM hub_order "
                        "WHERE uuid = $1::uuid",
                        1, params, error)))
    return FALSE;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      *reason = N_("the hub does not know this order");
      return TRUE;
    }
  merchant_id = column_int (result, 0, 0);
  placed_by = column_int (result, 0, 1);
  PQclear (result);
  if ((merchant_id == 0 || device_merchant != merchant_id) && (placed_by == 0 || device_id != placed_by))
    *reason = N_("this order belongs to another shop");
  return TRUE;
}

/* The customer's first name and phone number leave the order and its
 * events and its text messages (vtr-hub-sms.c, erase_listed()). */
static gboolean
forget_order (Pg          *self,
              const char  *order,
              GError     **error)
{
  const char *params[1] = { order };

  return run (self,
              "UPDATE hub_order SET forgotten = true, "
              "  placed = CASE WHEN placed IS NULL THEN NULL "
              "    ELSE ((placed::jsonb) - 'first_name' - 'phone')::text END "
              "WHERE uuid = $1::uuid",
              1, params, error) &&
         run (self,
              "UPDATE event SET payload = ((payload::jsonb) - 'first_name' - 'phone')::text "
              "WHERE kind = 'order' AND ((payload::jsonb) ->> 'order') = $1 "
              "  AND (payload::jsonb) ?| array['first_name', 'phone']",
              1, params, error) &&
         /* A message not sent yet will not be: no one to send it to. */
         run (self,
              "UPDATE sms_outbox SET phone = NULL, text = NULL, details = NULL, "
              "  status = CASE status WHEN 'pending' THEN 'forgotten' ELSE status END "
              "WHERE order_uuid = $1::uuid",
              1, params, error);
}

static gboolean
fold_order (Pg                     *self,
            VtrHubBatch            *batch,
            const VtrHubBatchEvent *e,
            gint64                  merchant_id,
            const char             *received,
            GError                **error)
{
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, e->order_at);
  g_autofree char *device = g_strdup_printf ("%" G_GINT64_FORMAT, vtr_hub_batch_get_device_id (batch));
  const char *placed[8] = { e->order, merchant, e->order_number, e->order_state, at, e->payload, device,
                            received };
  const char *step[5] = { e->order, e->order_state, at, e->payload, received };

  const char *told = e->order_state;

  if (g_str_equal (e->order_state, "placed"))
    {
      if (!run (self,
                "INSERT INTO hub_order (uuid, merchant_id, number, state, at, placed, device_id, seq, received) "
                "VALUES ($1::uuid, $2::bigint, $3, $4, $5::bigint, $6, $7::bigint, "
                "  (SELECT coalesce (max (seq), 0) + 1 FROM hub_order), $8::bigint)",
                8, placed, error))
        return FALSE;
      /* (web) A reservation from a phone's page gets its number by text
       * message, where a kiosk prints it on a ticket (as on SQLite). */
      if (vtr_hub_batch_get_device_id (batch) != VTR_HUB_DEVICE_WEB)
        return TRUE;
      told = "reserved";
    }
  else if (!run (self,
            "UPDATE hub_order SET state = $2, at = $3::bigint, step = $4, received = $5::bigint, "
            "  seq = (SELECT coalesce (max (seq), 0) + 1 FROM hub_order) "
            "WHERE uuid = $1::uuid",
            5, step, error))
    return FALSE;
  /* (sms) The customer is told, once per order and state, by the first
   * hub that claims the message (vtr_hub_pg_sms_claim()). */
  if (g_str_equal (told, "reserved") || g_str_equal (told, "ready") || g_str_equal (told, "cancelled") ||
      g_str_equal (told, "refused"))
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, vtr_hub_sms_now ());
      const char *params[4] = { e->order, told, e->payload, now };

      return run (self,
                  "INSERT INTO sms_outbox (order_uuid, state, details, created, next_try) "
                  "VALUES ($1::uuid, $2, $3, $4::bigint, $4::bigint) ON CONFLICT (order_uuid, state) DO NOTHING",
                  4, params, error);
    }
  return TRUE;
}

/* One order of a page, as vtr-hub-db.c writes it: uuid, number, state,
 * at, placed, seq, received, step. */
static void
write_order (JsonBuilder *builder,
             PGresult    *result,
             int          row,
             gboolean     with_step,
             gboolean     with_placed)
{
  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "uuid", PQgetvalue (result, row, 0));
  vtr_json_add_string (builder, "number", PQgetvalue (result, row, 1));
  vtr_json_add_string (builder, "state", PQgetvalue (result, row, 2));
  vtr_json_add_int (builder, "updated", column_int (result, row, 6));
  vtr_json_add_int (builder, "at", column_int (result, row, 3));
  if (with_step && !PQgetisnull (result, row, 7))
    vtr_hub_order_write_step (builder, PQgetvalue (result, row, 7));
  if (with_placed && !PQgetisnull (result, row, 4))
    vtr_hub_order_write_placed (builder, PQgetvalue (result, row, 4));
  json_builder_end_object (builder);
}

static gboolean
pg_write_orders (VtrHubBackend *backend,
                 gint64         merchant_id,
                 gint64         before,
                 guint          limit,
                 JsonBuilder   *builder,
                 gint64        *next,
                 GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *before_text = g_strdup_printf ("%" G_GINT64_FORMAT, before);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit + 1);
  const char *params[3] = { merchant, before_text, limit_text };
  PGresult *result;
  gint64 last = 0;
  int n;

  ensure_connected (self);
  *next = 0;
  if (!(result = query (self,
                        "SELECT uuid::text, number, state, at, placed, seq, received, step FROM hub_order "
                        "WHERE merchant_id = $1::bigint AND ($2::bigint = 0 OR seq < $2::bigint) "
                        "ORDER BY seq DESC LIMIT $3::bigint",
                        3, params, error)))
    return FALSE;
  n = PQntuples (result);
  json_builder_begin_array (builder);
  for (int i = 0; i < n && (guint) i < limit; i++)
    {
      last = column_int (result, i, 5);
      write_order (builder, result, i, FALSE, TRUE);
    }
  json_builder_end_array (builder);
  if ((guint) n > limit)
    *next = last;
  PQclear (result);
  return TRUE;
}

/* The feed of orders is numbered under LOCK_ORDERS, so its numbers
 * commit in order: a page never has a hole behind it (as the catalogue's
 * change feed). */
static gboolean
pg_write_order_changes (VtrHubBackend *backend,
                        gint64         merchant_id,
                        gint64         device_id,
                        gint64         since,
                        guint          limit,
                        JsonBuilder   *builder,
                        gint64        *cursor,
                        gboolean      *more,
                        GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *owner = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id > 0 ? merchant_id : device_id);
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit + 1);
  const char *params[3] = { owner, since_text, limit_text };
  PGresult *result;
  int n;

  ensure_connected (self);
  *cursor = since;
  *more = FALSE;
  if (!(result = query (self,
                        merchant_id > 0
                          ? "SELECT uuid::text, number, state, at, placed, seq, received, step FROM hub_order "
                            "WHERE merchant_id = $1::bigint AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint"
                          : "SELECT uuid::text, number, state, at, placed, seq, received, step FROM hub_order "
                            "WHERE device_id = $1::bigint AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint",
                        3, params, error)))
    return FALSE;
  n = PQntuples (result);
  json_builder_begin_array (builder);
  for (int i = 0; i < n && (guint) i < limit; i++)
    {
      *cursor = column_int (result, i, 5);
      /* A kiosk has its own copy of what it placed; a shop gets it all. */
      write_order (builder, result, i, TRUE, merchant_id > 0);
    }
  json_builder_end_array (builder);
  *more = (guint) n > limit;
  PQclear (result);
  return TRUE;
}

/* (cards) Lost cards, as on SQLite (vtr-hub-db.c, check_against_hub()
 * and store_card_event()), under LOCK_FEED: a card is blocked once,
 * whoever asks second, and never to a card itself blocked. */
static gboolean
check_transfer (Pg                     *self,
                const VtrHubBatchEvent *e,
                const char            **reason,
                GError                **error)
{
  const char *params[2] = { e->card_id, e->new_card };
  PGresult *result;

  *reason = NULL;
  if (!(result = query (self,
                        "SELECT EXISTS (SELECT 1 FROM card_block WHERE old_card = $1), "
                        "  EXISTS (SELECT 1 FROM card_block WHERE old_card = $2), "
                        "  EXISTS (SELECT 1 FROM card WHERE card_id = $1)",
                        2, params, error)))
    return FALSE;
  if (g_str_equal (PQgetvalue (result, 0, 0), "t"))
    *reason = N_("this card was already declared lost, and its points moved to a new card");
  else if (g_str_equal (PQgetvalue (result, 0, 1), "t"))
    *reason = N_("the new card was itself declared lost");
  else if (!e->card_signed && !g_str_equal (PQgetvalue (result, 0, 2), "t"))
    *reason = N_("this card is unknown to the federation: its signed code must be scanned once");
  PQclear (result);
  return TRUE;
}

/* The cards whose events count on @card_id: itself unless it was blocked,
 * and the lost cards it replaced, and those they replaced. */
#define CARD_SOURCE \
  "WITH RECURSIVE source (card_id) AS (" \
  "    SELECT $1::text WHERE NOT EXISTS (SELECT 1 FROM card_block WHERE old_card = $1) " \
  "    UNION SELECT b.old_card FROM card_block b JOIN source s ON b.new_card = s.card_id) "

static gboolean
card_balance (Pg          *self,
              const char  *card_id,
              gint64      *balance,
              gint64      *n_events,
              char       **code,
              GError     **error)
{
  g_autofree char *bound = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) VTR_HUB_MAX_POINTS);
  const char *params[2] = { card_id, bound };
  PGresult *result;

  if (!(result = query (self,
                        CARD_SOURCE
                        "SELECT coalesce (sum (points), 0), count (*), "
                        "  (SELECT code FROM card WHERE card_id = $1) FROM event "
                        "WHERE card_id IN (SELECT card_id FROM source) AND points BETWEEN -$2::bigint AND $2::bigint",
                        2, params, error)))
    return FALSE;
  *balance = column_int (result, 0, 0);
  *n_events = column_int (result, 0, 1);
  if (code)
    *code = column_text (result, 0, 2);
  PQclear (result);
  return TRUE;
}

/* What a loyalty event does besides being stored: an event for a card
 * already blocked is flagged; a transfer blocks its card, moves the
 * balance the hub knows, confirms the new card and puts the block in the
 * change feed (the kiosks refuse the lost card from their next sync). */
static gboolean
store_card_event (Pg                     *self,
                  VtrHubBatch            *batch,
                  const VtrHubBatchEvent *e,
                  const char             *received,
                  GError                **error)
{
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, e->merchant_id);
  g_autofree char *device = g_strdup_printf ("%" G_GINT64_FORMAT, vtr_hub_batch_get_device_id (batch));
  g_autofree char *said = g_strdup_printf ("%" G_GINT64_FORMAT, e->points_said);
  g_autofree char *moved_text = NULL;
  gint64 moved = 0, n_events = 0;
  PGresult *result;

  if (!e->new_card)
    {
      const char *params[2] = { e->uuid, e->card_id };

      return run (self,
                  "UPDATE event SET flag = 'after-block' WHERE uuid = $1::uuid "
                  "AND EXISTS (SELECT 1 FROM card_block WHERE old_card = $2)",
                  2, params, error);
    }
  if (!card_balance (self, e->card_id, &moved, &n_events, NULL, error))
    return FALSE;
  moved_text = g_strdup_printf ("%" G_GINT64_FORMAT, moved);
  {
    const char *card[3] = { e->new_card, e->new_code, received };
    const char *block[8] = { e->card_id, e->new_card, merchant, device, e->uuid, said, moved_text, received };

    if (!run (self,
              "INSERT INTO card (card_id, code, confirmed) VALUES ($1, $2, $3::bigint) "
              "ON CONFLICT (card_id) DO UPDATE SET code = coalesce (card.code, excluded.code)",
              3, card, error) ||
        !(result = query (self,
                          "INSERT INTO card_block (old_card, new_card, merchant_id, device_id, uuid, points_said, "
                          "  points_moved, blocked) "
                          "VALUES ($1, $2, $3::bigint, $4::bigint, $5::uuid, $6::bigint, $7::bigint, $8::bigint) "
                          "RETURNING id",
                          8, block, error)))
      return FALSE;
  }
  {
    gint64 id = column_int (result, 0, 0);

    PQclear (result);
    return log_change (self, VTR_CHANGE_BLOCKED_CARD, id, 0, error);
  }
}

/* Events: each stored once by its uuid. Two hubs given the same event
 * at once: the second's INSERT waits for the first's transaction, then
 * finds the uuid and answers "duplicate". */
static gboolean
pg_ingest (VtrHubBackend *backend,
           VtrHubBatch   *batch,
           GError       **error)
{
  Pg *self = (Pg *) backend;
  guint n = vtr_hub_batch_get_length (batch), n_accepted = 0;
  g_autofree char *received = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  gboolean orders_locked = FALSE;
  gint64 order_merchant = 0;
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  ensure_connected (self);

  if (!run (self, "BEGIN", 0, NULL, error))
    return FALSE;
  /* (cards) A transfer blocks its card in the change feed: the feed's
   * lock first, before the orders' (always in this order, so no two
   * transactions wait for each other), and it makes the transfers of
   * all hubs one at a time, so a card is blocked once. */
  for (guint i = 0; i < n; i++)
    {
      VtrHubBatchEvent e;

      if (vtr_hub_batch_get_event (batch, i, &e) == NULL && e.new_card)
        {
          g_autofree char *lock = g_strdup_printf ("%" G_GINT64_FORMAT, LOCK_FEED);
          const char *params[1] = { lock };

          if (!run (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, params, error))
            goto failed;
          break;
        }
    }
  /* The batch's events stored before, in one statement rather than one
   * an event: each round trip costs both processes a wake-up. */
  {
    g_autoptr(GString) list = g_string_new ("{");
    const char *params[1];
    PGresult *result;

    for (guint i = 0; i < n; i++)
      {
        VtrHubBatchEvent e;

        vtr_hub_batch_get_event (batch, i, &e);
        if (e.uuid && g_uuid_string_is_valid (e.uuid))
          g_string_append_printf (list, "%s%s", list->len > 1 ? "," : "", e.uuid);
      }
    g_string_append_c (list, '}');
    params[0] = list->str;
    if (!(result = query (self, "SELECT uuid::text FROM event WHERE uuid = ANY ($1::uuid[])", 1, params, error)))
      goto failed;
    for (int row = 0; row < PQntuples (result); row++)
      g_hash_table_add (stored, g_ascii_strdown (PQgetvalue (result, row, 0), -1));
    PQclear (result);
  }
  for (guint i = 0; i < n; i++)
    {
      VtrHubBatchEvent e;
      const char *reason = vtr_hub_batch_get_event (batch, i, &e);
      PGresult *result;
      gboolean known;

      if (e.uuid == NULL || !g_uuid_string_is_valid (e.uuid))
        {
          vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_REJECTED, reason);
          continue;
        }
      /* An event stored before is a duplicate, whatever today's rules
       * would say of it. */
      {
        g_autofree char *lower = g_ascii_strdown (e.uuid, -1);

        known = g_hash_table_contains (stored, lower);
      }
      if (known)
        {
          vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_DUPLICATE, NULL);
          continue;
        }
      if (reason)
        {
          vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_REJECTED, reason);
          continue;
        }
      if (e.new_card)
        {
          if (!check_transfer (self, &e, &reason, error))
            goto failed;
          if (reason)
            {
              vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_REJECTED, reason);
              continue;
            }
        }
      if (e.order || e.forget_order)
        {
          if (!orders_locked)
            {
              g_autofree char *lock = g_strdup_printf ("%" G_GINT64_FORMAT, LOCK_ORDERS);
              const char *params[1] = { lock };

              if (!run (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, params, error))
                goto failed;
              orders_locked = TRUE;
            }
          if (e.forget_order ? !check_forget (self, batch, &e, &reason, error)
                             : !check_order (self, batch, &e, &order_merchant, &reason, error))
            goto failed;
          if (reason)
            {
              vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_REJECTED, reason);
              continue;
            }
        }
      if (e.card_id && !e.card_signed && !e.new_card)
        {
          const char *params[1] = { e.card_id };

          if (!(result = query (self, "SELECT 1 FROM card WHERE card_id = $1", 1, params, error)))
            goto failed;
          known = PQntuples (result) > 0;
          PQclear (result);
          if (!known)
            {
              vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_REJECTED,
                                         N_("this card is unknown to the federation: its signed code must "
                                            "be scanned once"));
              continue;
            }
        }
      {
        g_autofree char *device = g_strdup_printf ("%" G_GINT64_FORMAT, vtr_hub_batch_get_device_id (batch));
        g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, e.created);
        g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, e.merchant_id);
        g_autofree char *points = g_strdup_printf ("%" G_GINT64_FORMAT, e.points);
        const char *params[10] = { e.uuid, device, e.kind, e.payload, created, received, e.card_id,
                                   e.card_id ? merchant : NULL, e.card_id ? points : NULL,
                                   e.card_signed ? e.card_code : NULL };
        gboolean inserted;

        /* The event, and a card whose signed code it carries confirmed
         * with it, in one statement. */
        if (!(result = query (self,
                              "WITH stored AS ("
                              "  INSERT INTO event (uuid, device_id, kind, payload, created, received, card_id, "
                              "    merchant_id, points) "
                              "  VALUES ($1::uuid, $2::bigint, $3, $4, $5::bigint, $6::bigint, $7, $8::bigint, "
                              "    $9::bigint) ON CONFLICT (uuid) DO NOTHING RETURNING 1), "
                              "confirmed AS ("
                              "  INSERT INTO card (card_id, code, confirmed) "
                              "  SELECT $7, $10, $6::bigint WHERE $10::text IS NOT NULL AND EXISTS (SELECT 1 FROM stored) "
                              "  ON CONFLICT (card_id) DO NOTHING) "
                              "SELECT count (*) FROM stored",
                              10, params, error)))
          goto failed;
        inserted = column_int (result, 0, 0) == 1;
        PQclear (result);
        /* The same uuid again later in this batch is a duplicate too. */
        g_hash_table_add (stored, g_ascii_strdown (e.uuid, -1));
        if (!inserted)
          {
            vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_DUPLICATE, NULL);
            continue;
          }
        if (e.order && !fold_order (self, batch, &e, order_merchant, received, error))
          goto failed;
        if (e.forget_order && !forget_order (self, e.forget_order, error))
          goto failed;
        if (e.card_id && !store_card_event (self, batch, &e, received, error))
          goto failed;
        /* (poster) A kiosk's scan of a shop's poster: counted. */
        if (e.poster &&
            !pg_add_poster_scans (backend, e.merchant_id, e.poster_day, "kiosk", e.poster_product, 1, error))
          goto failed;
        vtr_hub_batch_set_verdict (batch, i, VTR_EVENT_ACCEPTED, NULL);
        n_accepted++;
      }
    }
  if (!run (self, "COMMIT", 0, NULL, error))
    goto failed;
  vtr_hub_batch_set_n_accepted (batch, n_accepted);
  return TRUE;

failed:
  rollback (self);
  vtr_hub_batch_set_n_accepted (batch, 0);
  return FALSE;
}

static gint64
pg_last_change (VtrHubBackend *backend,
                GError       **error)
{
  Pg *self = (Pg *) backend;
  PGresult *result;
  gint64 last;

  ensure_connected (self);
  result = query (self, "SELECT coalesce (max (seq), 0) FROM catalog_change", 0, NULL, error);
  if (result == NULL)
    return -1;
  last = column_int (result, 0, 0);
  PQclear (result);
  return last;
}

static gint64
pg_count_seen_since (VtrHubBackend *backend,
                     gint64         since,
                     GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  const char *params[1] = { text };
  PGresult *result;
  gint64 n;

  ensure_connected (self);
  result = query (self, "SELECT count (*) FROM device WHERE last_seen >= $1::bigint AND revoked IS NULL", 1,
                  params, error);
  if (result == NULL)
    return -1;
  n = column_int (result, 0, 0);
  PQclear (result);
  return n;
}

/* One page in one statement (one snapshot). Every change below the
 * newest a snapshot shows is in it: see "one writer" above. */
static gboolean
pg_write_changes (VtrHubBackend *backend,
                  const VtrArea *area,
                  gint64         since,
                  guint          limit,
                  GString       *out,
                  gint64        *cursor,
                  guint         *n_changes,
                  GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  g_autofree char *condition = area ? vtr_catalog_area_condition (area, VTR_SQL_POSTGRESQL) : g_strdup ("true");
  g_autofree char *sql = NULL;
  const char *params[2] = { since_text, limit_text };
  VtrChangePage page = { { NULL } };
  PGresult *result;
  gint64 last = 0;

  ensure_connected (self);

  /* (area) The page and the feed's head in one snapshot: a page short of
   * its limit takes the head as its cursor, past the other areas'
   * changes, and no change can commit between the two reads. */
  if (area && (!run (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, error)))
    return FALSE;
  sql = g_strdup_printf ("SELECT c.kind, c.a, c.b, c.seq, r.data, "
                         "  json_build_object ('card', cb.old_card, 'blocked', cb.blocked)::text "
                         "FROM catalog_change c "
                         "LEFT JOIN catalog_row r USING (kind, a, b) "
                         "LEFT JOIN card_block cb ON c.kind = %d AND cb.id = c.a "
                         "WHERE c.seq > $1::bigint AND (%s) ORDER BY c.seq LIMIT $2::bigint",
                         VTR_CHANGE_BLOCKED_CARD, condition);
  if (!(result = query (self, sql, 2, params, error)))
    {
      if (area)
        rollback (self);
      return FALSE;
    }
  if (area && (guint) PQntuples (result) < limit)
    {
      PGresult *head = query (self, "SELECT coalesce (max (seq), 0) FROM catalog_change", 0, NULL, error);

      if (head == NULL)
        {
          PQclear (result);
          rollback (self);
          return FALSE;
        }
      last = column_int (head, 0, 0);
      PQclear (head);
    }
  if (area)
    rollback (self); /* read only: nothing to keep */
  *cursor = since;
  *n_changes = PQntuples (result);
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 kind = column_int (result, i, 0);
      gint64 a = column_int (result, i, 1);
      gint64 b = column_int (result, i, 2);

      *cursor = column_int (result, i, 3);
      /* (cards) a card declared lost: never unblocked, never deleted */
      if (kind == VTR_CHANGE_BLOCKED_CARD)
        {
          vtr_change_page_add_blocked_card (&page, PQgetvalue (result, i, 5));
          continue;
        }
      if (kind < 0 || kind >= VTR_N_TABLES)
        continue;
      if (!PQgetisnull (result, i, 4))
        vtr_change_page_add_row (&page, kind, PQgetvalue (result, i, 4));
      else
        vtr_change_page_add_deleted (&page, kind, a, b);
    }
  PQclear (result);
  if (area && *n_changes < limit)
    *cursor = MAX (*cursor, last);

  vtr_change_page_write (&page, since, *cursor, *n_changes == limit, out);
  vtr_change_page_clear (&page);
  return TRUE;
}

static gboolean
member_key (JsonNode   *node,
            const char *name,
            gint64     *key)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *member;

  *key = 0;
  if (name == NULL)
    return TRUE;
  member = object ? json_object_get_member (object, name) : NULL;
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    return FALSE;
  *key = json_node_get_int (member);
  return TRUE;
}

/* Logs the change of (@kind, @a, @b) with the feed's next number: under
 * the feed's lock, taken by the caller's transaction. */
static gboolean
log_change (Pg       *self,
            int       kind,
            gint64    a,
            gint64    b,
            GError  **error)
{
  g_autofree char *kind_text = g_strdup_printf ("%d", kind);
  g_autofree char *a_text = g_strdup_printf ("%" G_GINT64_FORMAT, a);
  g_autofree char *b_text = g_strdup_printf ("%" G_GINT64_FORMAT, b);
  const char *params[3] = { kind_text, a_text, b_text };

  return run (self,
              "INSERT INTO catalog_change (kind, a, b, seq) "
              "VALUES ($1::integer, $2::bigint, $3::bigint, "
              "  (SELECT coalesce (max (seq), 0) + 1 FROM catalog_change)) "
              "ON CONFLICT (kind, a, b) DO UPDATE SET seq = excluded.seq",
              3, params, error);
}

/* The rows of a page (and its deleted keys) into the catalogue, each
 * logged in the feed: in the caller's transaction, under LOCK_FEED. */
static gboolean
put_rows (Pg          *self,
          JsonObject  *root,
          guint       *n_rows,
          GError     **error)
{
  JsonObject *deleted;

  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    {
      JsonNode *node = json_object_get_member (root, vtr_catalog_table_name (t));
      JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; array && i < json_array_get_length (array); i++)
        {
          JsonNode *row = json_array_get_element (array, i);
          g_autofree char *data = json_to_string (row, FALSE);
          g_autofree char *kind_text = g_strdup_printf ("%d", (int) t);
          g_autofree char *a_text = NULL, *b_text = NULL;
          const char *params[4];
          gint64 a, b;

          if (!member_key (row, keys[t].a, &a) || !member_key (row, keys[t].b, &b))
            {
              g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                           _("A row of %s has no number in its key"), vtr_catalog_table_name (t));
              return FALSE;
            }
          a_text = g_strdup_printf ("%" G_GINT64_FORMAT, a);
          b_text = g_strdup_printf ("%" G_GINT64_FORMAT, b);
          params[0] = kind_text;
          params[1] = a_text;
          params[2] = b_text;
          params[3] = data;
          if (!run (self,
                    "INSERT INTO catalog_row (kind, a, b, data) "
                    "VALUES ($1::integer, $2::bigint, $3::bigint, $4) "
                    "ON CONFLICT (kind, a, b) DO UPDATE SET data = excluded.data",
                    4, params, error) ||
              !log_change (self, t, a, b, error))
            return FALSE;
          (*n_rows)++;
        }
    }
  deleted = json_object_has_member (root, "deleted") ? json_object_get_object_member (root, "deleted") : NULL;
  for (VtrCatalogTable t = 0; deleted && t < VTR_N_TABLES; t++)
    {
      JsonNode *node = json_object_get_member (deleted, vtr_catalog_table_name (t));
      JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; array && i < json_array_get_length (array); i++)
        {
          JsonNode *key = json_array_get_element (array, i);
          g_autofree char *kind_text = g_strdup_printf ("%d", (int) t);
          g_autofree char *a_text = NULL, *b_text = NULL;
          const char *params[3];
          gint64 a = 0, b = 0;

          if (JSON_NODE_HOLDS_ARRAY (key) && json_array_get_length (json_node_get_array (key)) == 2)
            {
              a = json_array_get_int_element (json_node_get_array (key), 0);
              b = json_array_get_int_element (json_node_get_array (key), 1);
            }
          else if (JSON_NODE_HOLDS_VALUE (key))
            a = json_node_get_int (key);
          a_text = g_strdup_printf ("%" G_GINT64_FORMAT, a);
          b_text = g_strdup_printf ("%" G_GINT64_FORMAT, b);
          params[0] = kind_text;
          params[1] = a_text;
          params[2] = b_text;
          if (!run (self, "DELETE FROM catalog_row WHERE kind = $1::integer AND a = $2::bigint AND b = $3::bigint",
                    3, params, error) ||
              !log_change (self, t, a, b, error))
            return FALSE;
          (*n_rows)++;
        }
    }
  return TRUE;
}

/**
 * vtr_hub_pg_put_page:
 * @page: a page of vtr_catalog_write_changes(): its rows and deleted keys
 * @n_rows: (out): how many rows it changed
 *
 * Stores the rows of @page in PostgreSQL's catalogue and logs them in
 * its change feed, in one transaction under the feed's lock.
 */
gboolean
vtr_hub_pg_put_page (VtrHubBackend *backend,
                     const char    *page,
                     guint         *n_rows,
                     GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  g_autofree char *lock = g_strdup_printf ("%" G_GINT64_FORMAT, LOCK_FEED);
  const char *lock_params[1] = { lock };

  ensure_connected (self);

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  *n_rows = 0;
  if (!json_parser_load_from_data (parser, page, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID, _("The catalogue’s page is not a JSON object"));
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "blocked_cards"))
    {
      g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_SUPPORTED,
                           _("This hub keeps its data in PostgreSQL, which does not hold lost cards yet"));
      return FALSE;
    }
  if (!run (self, "BEGIN", 0, NULL, error) ||
      !run (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, lock_params, error) ||
      !put_rows (self, root, n_rows, error))
    goto failed;
  if (!run (self, "COMMIT", 0, NULL, error))
    goto failed;
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

/*
 * (shop) The shops' edits on PostgreSQL ("Ma boutique", docs/hub-api.md,
 * "Shop edits"), with the very code that applies them on SQLite
 * (vtr_hub_shop_ingest(), vtr_shop_apply_event()): the rows an edit may
 * read or change (the shop, the products, stock lines, promotions and
 * rewards it names, a product of the category it gives, the shop's
 * collection points, the provenance of its stock lines, the products
 * merchants made, the edits already applied) are copied from PostgreSQL
 * into a scratch catalogue in memory (Scratch); the edits are
 * applied there, and what they changed goes back to PostgreSQL, logged
 * in the change feed, in one transaction under the feed's lock. So two
 * hubs never apply two edits of one row at once, an edit is applied once
 * by its uuid whichever hub receives it, and the rules are the same word
 * for word on both backends.
 */

/* One transaction of the change feed's writer: its lock taken first. */
static gboolean
feed_begin (Pg      *self,
            GError **error)
{
  g_autofree char *lock = g_strdup_printf ("%" G_GINT64_FORMAT, LOCK_FEED);
  const char *params[1] = { lock };

  if (!run (self, "BEGIN", 0, NULL, error))
    return FALSE;
  if (!run (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, params, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* (D1) A scratch catalogue: the rows a write may read, copied from
 * PostgreSQL into a SQLite catalogue in memory (vtr_store_open_in_memory(),
 * no file), where SQLite's own code applies the write; what it changed
 * then goes back to PostgreSQL. The shops' edits, imports, the review of
 * the products shops made and the demo all go through it. */
typedef struct
{
  VtrStore   *store;
  VtrCatalog *catalog;
} Scratch;

static void
scratch_clear (Scratch *scratch)
{
  g_clear_object (&scratch->catalog);
  g_clear_object (&scratch->store);
}

/* @rows (nullable): catalogue rows in the format of a page of the feed. */
static gboolean
scratch_open (Scratch    *scratch,
              JsonObject *rows,
              GError    **error)
{
  VtrImportCounts counts = { 0 };

  if (!(scratch->store = vtr_store_open_in_memory (error)))
    return FALSE;
  scratch->catalog = vtr_catalog_new (scratch->store);
  if (rows == NULL)
    return TRUE;
  if (!vtr_catalog_begin (scratch->catalog, error))
    return FALSE;
  if (!vtr_catalog_import_object (scratch->catalog, rows, &counts, error) ||
      !vtr_catalog_commit (scratch->catalog, error))
    {
      vtr_catalog_rollback (scratch->catalog);
      return FALSE;
    }
  vtr_import_counts_clear (&counts);
  return TRUE;
}

/* The catalogue's rows of PostgreSQL's @sql (kind, data) as a page of the
 * feed, for scratch_open(). */
static JsonNode *
rows_page (Pg          *self,
           const char  *sql,
           int          n_params,
           const char **params,
           GError     **error)
{
  g_autoptr(JsonBuilder) page = json_builder_new ();
  GPtrArray *rows[VTR_N_TABLES] = { NULL };
  PGresult *result;

  if (!(result = query (self, sql, n_params, params, error)))
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 kind = column_int (result, i, 0);

      if (kind < 0 || kind >= VTR_N_TABLES)
        continue;
      if (rows[kind] == NULL)
        rows[kind] = g_ptr_array_new ();
      g_ptr_array_add (rows[kind], PQgetvalue (result, i, 1));
    }
  json_builder_begin_object (page);
  for (VtrCatalogTable t = 0; t < VTR_N_TABLES; t++)
    {
      json_builder_set_member_name (page, vtr_catalog_table_name (t));
      json_builder_begin_array (page);
      for (guint i = 0; rows[t] && i < rows[t]->len; i++)
        json_builder_add_value (page, json_from_string (g_ptr_array_index (rows[t], i), NULL));
      json_builder_end_array (page);
      g_clear_pointer (&rows[t], g_ptr_array_unref);
    }
  json_builder_end_object (page);
  PQclear (result);
  return json_builder_get_root (page);
}

/* Opens @scratch with the rows of @sql (kind, data). */
static gboolean
scratch_open_with (Pg          *self,
                   Scratch     *scratch,
                   const char  *sql,
                   int          n_params,
                   const char **params,
                   GError     **error)
{
  g_autoptr(JsonNode) page = rows_page (self, sql, n_params, params, error);

  return page && scratch_open (scratch, json_node_get_object (page), error);
}

/* What the write changed in @scratch's catalogue (its change log, on
 * since vtr_catalog_log_changes()) into PostgreSQL's, with its change
 * feed rows: in the caller's transaction under the feed's lock. */
static gboolean put_rows (Pg *self, JsonObject *page, guint *n_rows, GError **error);

static gboolean
scratch_put_back (Pg       *self,
                  Scratch  *scratch,
                  guint    *n_rows,
                  GError  **error)
{
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 cursor;
  guint n_changes;

  return vtr_catalog_write_changes (scratch->catalog, 0, G_MAXUINT, changes, &cursor, &n_changes, error) &&
         json_parser_load_from_data (parser, changes->str, -1, error) &&
         put_rows (self, json_node_get_object (json_parser_get_root (parser)), n_rows, error);
}

/* A PostgreSQL array literal of @values (bigint[] or text[]). */
static void
array_add_int (GString *array,
               gint64   value)
{
  g_string_append_printf (array, "%s%" G_GINT64_FORMAT, array->len > 1 ? "," : "", value);
}

static void
array_add_text (GString    *array,
                const char *value)
{
  g_string_append (array, array->len > 1 ? ",\"" : "\"");
  for (const char *p = value; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *p);
    }
  g_string_append_c (array, '"');
}

typedef struct
{
  GString *uuids;      /* text[] */
  GString *products;   /* bigint[] */
  GString *promotions; /* bigint[] */
  GString *rewards;    /* bigint[] */
  GString *gtins;      /* text[] */
  GString *categories; /* text[] */
} Wanted;

static void
wanted_close (Wanted *w)
{
  GString **all[] = { &w->uuids, &w->products, &w->promotions, &w->rewards, &w->gtins, &w->categories };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_string_append_c (*all[i], '}');
}

static void
wanted_clear (Wanted *w)
{
  GString **all[] = { &w->uuids, &w->products, &w->promotions, &w->rewards, &w->gtins, &w->categories };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (*all[i])
      g_string_free (g_steal_pointer (all[i]), TRUE);
}

/* What the shop events of @events may read: their uuids, and the keys
 * their payloads name. */
static gboolean
wanted_collect (Wanted    *w,
                JsonArray *events)
{
  gboolean any = FALSE;

  w->uuids = g_string_new ("{");
  w->products = g_string_new ("{");
  w->promotions = g_string_new ("{");
  w->rewards = g_string_new ("{");
  w->gtins = g_string_new ("{");
  w->categories = g_string_new ("{");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *payload;
      const char *uuid, *text;

      if (object == NULL || !vtr_hub_shop_is_shop_event (vtr_json_get_string (object, "kind")))
        continue;
      any = TRUE;
      uuid = vtr_json_get_string (object, "uuid");
      if (uuid && g_uuid_string_is_valid (uuid))
        array_add_text (w->uuids, uuid);
      if (!json_object_has_member (object, "payload") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "payload")))
        continue;
      payload = json_object_get_object_member (object, "payload");
      if (vtr_json_get_int (payload, "product") > 0)
        array_add_int (w->products, vtr_json_get_int (payload, "product"));
      if (vtr_json_get_int (payload, "promotion") > 0)
        array_add_int (w->promotions, vtr_json_get_int (payload, "promotion"));
      if (vtr_json_get_int (payload, "reward") > 0)
        array_add_int (w->rewards, vtr_json_get_int (payload, "reward"));
      if ((text = vtr_json_get_string (payload, "category")) && *text && g_utf8_validate (text, -1, NULL))
        array_add_text (w->categories, text);
      if ((text = vtr_json_get_string (payload, "gtin")))
        {
          g_autofree char *gtin = vtr_gtin_normalize (text, NULL);

          if (gtin)
            {
              array_add_text (w->gtins, gtin);
              /* A merchant-made product's own id (vtr-shop-edit.c). */
              array_add_int (w->products, VTR_SHOP_MADE_PRODUCT_BASE + g_ascii_strtoll (gtin, NULL, 10) / 10);
            }
        }
    }
  wanted_close (w);
  return any;
}

/* The catalogue's rows the edits may read, into a scratch catalogue. */
static gboolean
load_rows (Pg          *self,
           gint64       merchant_id,
           Wanted      *w,
           Scratch     *scratch,
           GError     **error)
{
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *points_low = g_strdup_printf ("%" G_GINT64_FORMAT, VTR_SHOP_COLLECTION_BASE + merchant_id * 10);
  const char *params[7] = { merchant, w->products->str, w->promotions->str, w->rewards->str, w->gtins->str,
                            w->categories->str, points_low };

  /* The products found by barcode or category, and those the promotions
   * and rewards named refer to, are read with them. */
  return scratch_open_with (self, scratch,
                            "WITH picked AS ("
                            "  SELECT kind, a, b, data FROM catalog_row WHERE "
                            "    (kind = 0 AND a = $1::bigint) OR (kind = 4 AND a = $1::bigint) "
                            "    OR (kind = 1 AND a = ANY ($2::bigint[])) "
                            "    OR (kind = 2 AND b = $1::bigint AND a = ANY ($2::bigint[])) "
                            "    OR (kind = 3 AND a = ANY ($3::bigint[])) OR (kind = 5 AND a = ANY ($4::bigint[])) "
                            "    OR (kind = 6 AND a BETWEEN $7::bigint AND $7::bigint + 9) "
                            "  UNION SELECT kind, a, b, data FROM catalog_row "
                            "    WHERE kind = 1 AND ((data::jsonb) ->> 'gtin') = ANY ($5::text[]) "
                            "  UNION SELECT DISTINCT ON ((data::jsonb) ->> 'category') kind, a, b, data FROM catalog_row "
                            "    WHERE kind = 1 AND ((data::jsonb) ->> 'category') = ANY ($6::text[])) "
                            "SELECT kind, data FROM picked "
                            "UNION SELECT r.kind, r.data FROM catalog_row r JOIN picked p "
                            "  ON p.kind IN (3, 5) AND r.kind = 1 "
                            "  AND r.a = ((p.data::jsonb) ->> 'product_id')::bigint",
                            7, params, error);
}

/* Rows of PostgreSQL's @sql (text columns, NULL allowed) into the
 * scratch store's @insert, one row each. */
static gboolean
copy_to_scratch (Pg          *self,
                 const char  *sql,
                 int          n_params,
                 const char **params,
                 VtrStore    *scratch,
                 const char  *insert,
                 GError     **error)
{
  PGresult *result = query (self, sql, n_params, params, error);
  gboolean ok = result != NULL;

  for (int i = 0; ok && i < PQntuples (result); i++)
    {
      VtrStatement *stmt = vtr_store_statement (scratch, insert, error);

      if (!(ok = stmt != NULL))
        break;
      for (int c = 0; c < PQnfields (result); c++)
        if (PQgetisnull (result, i, c))
          sqlite3_bind_null (stmt, c + 1);
        else
          sqlite3_bind_text (stmt, c + 1, PQgetvalue (result, i, c), -1, SQLITE_TRANSIENT);
      ok = vtr_store_step_done (scratch, stmt, error);
    }
  PQclear (result);
  return ok;
}

/* Rows of the scratch store's @sql back into PostgreSQL's @insert. */
static gboolean
copy_from_scratch (Pg          *self,
                   VtrStore    *scratch,
                   const char  *sql,
                   const char  *insert,
                   GError     **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (scratch, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);
      const char *params[8] = { NULL };

      g_assert (n <= (int) G_N_ELEMENTS (params));
      for (int c = 0; c < n; c++)
        params[c] = (const char *) sqlite3_column_text (stmt, c);
      if (!run (self, insert, n, params, error))
        return FALSE;
    }
  return rc == SQLITE_DONE || vtr_store_set_error (scratch, rc, error);
}

/* The products merchants made (@products, a bigint[]) and the
 * provenance of their stock lines, as the write left them in @scratch. */
static gboolean
put_back_made (Pg         *self,
               Scratch    *scratch,
               const char *products,
               GError    **error)
{
  const char *params[1] = { products };

  return run (self, "DELETE FROM product_made WHERE product_id = ANY ($1::bigint[])", 1, params, error) &&
         copy_from_scratch (self, scratch->store, "SELECT product_id, merchant_id, created, reviewed FROM product_made",
                            "INSERT INTO product_made (product_id, merchant_id, created, reviewed) "
                            "VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint) "
                            "ON CONFLICT (product_id) DO UPDATE SET merchant_id = excluded.merchant_id, "
                            "  created = excluded.created, reviewed = excluded.reviewed",
                            error) &&
         copy_from_scratch (self, scratch->store, "SELECT product_id, merchant_id, edited, uuid FROM stock_edit",
                            "INSERT INTO stock_edit (product_id, merchant_id, edited, uuid) "
                            "VALUES ($1::bigint, $2::bigint, $3::bigint, $4) "
                            "ON CONFLICT (product_id, merchant_id) DO UPDATE SET edited = excluded.edited",
                            error);
}

/**
 * vtr_hub_pg_shop_ingest:
 * @hub_keys: (nullable): the federation's keys, to sign the posters asked for
 * @results: a builder inside an array: one {"uuid", "status"[, "reason",
 *   "code"]} per shop event, once they are committed
 *
 * vtr_hub_shop_ingest() on PostgreSQL: applies the shop events of
 * @events to the catalogue, in one transaction, and returns the others.
 *
 * Returns: (transfer full): the other events, or %NULL when the database
 *   failed (nothing was applied)
 */
JsonArray *
vtr_hub_pg_shop_ingest (VtrHubBackend      *backend,
                        VtrHubKeys         *hub_keys,
                        const VtrHubDevice *device,
                        JsonArray          *events,
                        gint64              now,
                        JsonBuilder        *results,
                        guint              *n_accepted,
                        GError            **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, device->merchant_id);
  g_autoptr(JsonArray) others = NULL;
  Scratch scratch = { NULL };
  Wanted w = { NULL };
  guint n_rows = 0;
  gboolean began = FALSE;

  g_return_val_if_fail (backend->klass == &pg_class, NULL);
  *n_accepted = 0;
  if (!wanted_collect (&w, events))
    {
      wanted_clear (&w);
      others = json_array_new ();
      for (guint i = 0; i < json_array_get_length (events); i++)
        json_array_add_element (others, json_node_copy (json_array_get_element (events, i)));
      return g_steal_pointer (&others);
    }

  ensure_connected (self);
  if (!(began = feed_begin (self, error)) || !load_rows (self, device->merchant_id, &w, &scratch, error))
    goto failed;
  {
    const char *edits[2] = { merchant, w.products->str };
    const char *uuids[1] = { w.uuids->str };
    const char *made[1] = { w.products->str };

    if (!copy_to_scratch (self,
                          "SELECT product_id, merchant_id, edited, uuid FROM stock_edit "
                          "WHERE merchant_id = $1::bigint AND product_id = ANY ($2::bigint[])",
                          2, edits, scratch.store,
                          "INSERT INTO stock_edit (product_id, merchant_id, edited, uuid) VALUES (?, ?, ?, ?)",
                          error) ||
        !copy_to_scratch (self,
                          "SELECT product_id, merchant_id, created, reviewed FROM product_made "
                          "WHERE product_id = ANY ($1::bigint[])",
                          1, made, scratch.store,
                          "INSERT INTO product_made (product_id, merchant_id, created, reviewed) VALUES (?, ?, ?, ?)",
                          error) ||
        !copy_to_scratch (self,
                          "SELECT uuid::text, merchant_id, device_id, kind, payload, at, received FROM shop_event "
                          "WHERE uuid = ANY ($1::uuid[])",
                          1, uuids, scratch.store,
                          "INSERT INTO shop_event (uuid, merchant_id, device_id, kind, payload, at, received) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          error))
      goto failed;
  }
  /* From here on, what the edits change is logged: that is what goes
   * back to PostgreSQL. */
  if (!vtr_catalog_log_changes (scratch.catalog, error) ||
      !vtr_store_exec (scratch.store, "CREATE TEMP TABLE shop_event_before AS SELECT uuid FROM shop_event", error))
    goto failed;
  if (!(others = vtr_hub_shop_ingest (scratch.store, hub_keys, device, events, now, results, n_accepted, error)) ||
      !scratch_put_back (self, &scratch, &n_rows, error))
    goto failed;
  {
    const char *made[1] = { w.products->str };

    if (!put_back_made (self, &scratch, made[0], error) ||
        !copy_from_scratch (self, scratch.store,
                            "SELECT uuid, merchant_id, device_id, kind, payload, at, received FROM shop_event "
                            "WHERE uuid NOT IN (SELECT uuid FROM temp.shop_event_before)",
                            /* The same uuid in other letters' case: applied
                             * again (the same values), kept once. */
                            "INSERT INTO shop_event (uuid, merchant_id, device_id, kind, payload, at, received) "
                            "VALUES ($1::uuid, $2::bigint, $3::bigint, $4, $5, $6::bigint, $7::bigint) "
                            "ON CONFLICT (uuid) DO NOTHING",
                            error) ||
        !run (self, "COMMIT", 0, NULL, error))
      goto failed;
  }
  wanted_clear (&w);
  scratch_clear (&scratch);
  return g_steal_pointer (&others);

failed:
  if (began)
    rollback (self);
  wanted_clear (&w);
  scratch_clear (&scratch);
  return NULL;
}

/* The products of @ids (a bigint[]), their stock lines, the promotions
 * and rewards that name them, and the shops of all these. */
#define REVIEW_ROWS \
  "WITH picked AS (" \
  "  SELECT kind, a, b, data FROM catalog_row WHERE kind IN (1, 2) AND a = ANY ($1::bigint[]) " \
  "  UNION ALL SELECT kind, a, b, data FROM catalog_row " \
  "    WHERE kind IN (3, 5) AND ((data::jsonb) ->> 'product_id')::bigint = ANY ($1::bigint[])) " \
  "SELECT kind, data FROM picked " \
  "UNION ALL SELECT kind, data FROM catalog_row WHERE kind = 0 AND a IN (" \
  "  SELECT b FROM picked WHERE kind = 2 " \
  "  UNION SELECT ((data::jsonb) ->> 'merchant_id')::bigint FROM picked WHERE kind IN (3, 5) " \
  "  UNION SELECT merchant_id FROM product_made WHERE product_id = ANY ($1::bigint[]))"

/**
 * vtr_hub_pg_import_file:
 * @path: a federation's file (CSV, one table a file, or JSON)
 * @counts: (out caller-allocates): what the import counted, with the
 *   stock lines kept as their shops set them (vtr_import_counts_clear())
 * @n_rows: (out): the rows changed in PostgreSQL's catalogue
 *
 * Reads @path with SQLite's importer into a scratch catalogue in
 * memory (Scratch), where the provenance of the stock lines the shops
 * edited (stock_edit) and those lines are copied first, so that a line a
 * shop set after the file was made stays the shop's (and a line the file
 * sets later is the federation's again, its provenance gone), as on
 * SQLite. The rows the file changed then go to PostgreSQL, all in one
 * transaction under the feed's lock: a shop's edit cannot slip in
 * between the copy and the write.
 */
gboolean
vtr_hub_pg_import_file (VtrHubBackend   *backend,
                        const char      *path,
                        VtrImportCounts *counts,
                        guint           *n_rows,
                        GError         **error)
{
  Pg *self = (Pg *) backend;
  Scratch scratch = { NULL };
  g_autofree char *made_ids = NULL;
  const char *made[1] = { NULL };
  gboolean began = FALSE, imported = FALSE;
  PGresult *result;

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  memset (counts, 0, sizeof *counts);
  *n_rows = 0;
  ensure_connected (self);
  /* The stock lines the shops edited, as they are now (for the report's
   * "kept the shop's price"), then their provenance; and the products
   * shops made that wait for review, with what names them (REVIEW_ROWS),
   * so that a federation product of the same barcode merges them as on
   * SQLite. */
  if (!(began = feed_begin (self, error)) ||
      !(result = query (self, "SELECT coalesce (array_agg (product_id)::text, '{}') FROM product_made "
                              "WHERE reviewed IS NULL", 0, NULL, error)))
    goto failed;
  made[0] = made_ids = column_text (result, 0, 0);
  PQclear (result);
  if (!scratch_open_with (self, &scratch,
                          REVIEW_ROWS " UNION SELECT r.kind, r.data FROM stock_edit e JOIN catalog_row r "
                          "  ON r.kind = 2 AND r.a = e.product_id AND r.b = e.merchant_id",
                          1, made, error) ||
      !copy_to_scratch (self, "SELECT product_id, merchant_id, edited, uuid FROM stock_edit", 0, NULL, scratch.store,
                        "INSERT INTO stock_edit (product_id, merchant_id, edited, uuid) VALUES (?, ?, ?, ?)",
                        error) ||
      !copy_to_scratch (self,
                        "SELECT product_id, merchant_id, created, reviewed FROM product_made "
                        "WHERE product_id = ANY ($1::bigint[])",
                        1, made, scratch.store,
                        "INSERT INTO product_made (product_id, merchant_id, created, reviewed) VALUES (?, ?, ?, ?)",
                        error) ||
      !vtr_catalog_log_changes (scratch.catalog, error))
    goto failed;
  if (!(imported = vtr_catalog_import_file (scratch.catalog, path, counts, error)) ||
      !scratch_put_back (self, &scratch, n_rows, error) ||
      !put_back_made (self, &scratch, made_ids, error))
    goto failed;
  /* The provenance of the lines the file set after their shops: gone. */
  {
    g_autoptr(GString) kept = g_string_new ("{");
    g_autoptr(VtrStatement) stmt = vtr_store_statement (scratch.store, "SELECT product_id || ',' || merchant_id "
                                                                       "FROM stock_edit", error);
    const char *params[1];
    int rc;

    if (stmt == NULL)
      goto failed;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_string_append_printf (kept, "%s\"%s\"", kept->len > 1 ? "," : "", sqlite3_column_text (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        vtr_store_set_error (scratch.store, rc, error);
        goto failed;
      }
    g_string_append_c (kept, '}');
    params[0] = kept->str;
    if (!run (self,
              "DELETE FROM stock_edit WHERE NOT (product_id || ',' || merchant_id = ANY ($1::text[]))",
              1, params, error) ||
        !run (self, "COMMIT", 0, NULL, error))
      goto failed;
  }
  scratch_clear (&scratch);
  return TRUE;

failed:
  if (began)
    rollback (self);
  if (imported)
    vtr_import_counts_clear (counts);
  scratch_clear (&scratch);
  return FALSE;
}

/*
 * (shop) The review of the products shops made (`products review`) and
 * the demo catalogue on PostgreSQL, with SQLite's code (vtr-shop-review.c,
 * vtr-demo.c) on a scratch catalogue holding what they read.
 */

/**
 * vtr_hub_pg_review_list:
 *
 * vtr_shop_review_list() on PostgreSQL: the products shops made that wait
 * for the federation's review.
 *
 * Returns: (transfer full) (element-type VtrMadeProduct): the list, or
 *   %NULL with @error set
 */
GPtrArray *
vtr_hub_pg_review_list (VtrHubBackend *backend,
                        GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *ids = NULL;
  const char *params[1];
  Scratch scratch = { NULL };
  GPtrArray *list = NULL;
  PGresult *result;

  g_return_val_if_fail (backend->klass == &pg_class, NULL);
  ensure_connected (self);
  if (!(result = query (self, "SELECT coalesce (array_agg (product_id)::text, '{}') FROM product_made "
                              "WHERE reviewed IS NULL", 0, NULL, error)))
    return NULL;
  ids = column_text (result, 0, 0);
  PQclear (result);
  params[0] = ids;
  if (scratch_open_with (self, &scratch, REVIEW_ROWS, 1, params, error) &&
      copy_to_scratch (self,
                       "SELECT product_id, merchant_id, created, reviewed FROM product_made "
                       "WHERE product_id = ANY ($1::bigint[])",
                       1, params, scratch.store,
                       "INSERT INTO product_made (product_id, merchant_id, created, reviewed) VALUES (?, ?, ?, ?)",
                       error))
    list = vtr_shop_review_list (scratch.store, error);
  scratch_clear (&scratch);
  return list;
}

/**
 * vtr_hub_pg_review:
 * @into_id: the federation's product to merge @product_id into, or 0 to
 *   accept @product_id as a federation product
 *
 * vtr_shop_review_accept() or vtr_shop_review_merge() on PostgreSQL, in
 * one transaction under the feed's lock: the stock lines, promotions and
 * rewards moved go to the kiosks by the change feed.
 */
gboolean
vtr_hub_pg_review (VtrHubBackend *backend,
                   gint64         product_id,
                   gint64         into_id,
                   gint64         now,
                   GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *ids = g_strdup_printf ("{%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "}", product_id, into_id);
  const char *params[1] = { ids };
  Scratch scratch = { NULL };
  guint n_rows = 0;
  gboolean began = FALSE;

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  ensure_connected (self);
  if (!(began = feed_begin (self, error)) ||
      !scratch_open_with (self, &scratch, REVIEW_ROWS, 1, params, error) ||
      !copy_to_scratch (self,
                        "SELECT product_id, merchant_id, created, reviewed FROM product_made "
                        "WHERE product_id = ANY ($1::bigint[])",
                        1, params, scratch.store,
                        "INSERT INTO product_made (product_id, merchant_id, created, reviewed) VALUES (?, ?, ?, ?)",
                        error) ||
      !copy_to_scratch (self,
                        "SELECT product_id, merchant_id, edited, uuid FROM stock_edit "
                        "WHERE product_id = ANY ($1::bigint[])",
                        1, params, scratch.store,
                        "INSERT INTO stock_edit (product_id, merchant_id, edited, uuid) VALUES (?, ?, ?, ?)",
                        error) ||
      !vtr_catalog_log_changes (scratch.catalog, error))
    goto failed;
  if (!(into_id ? vtr_shop_review_merge (scratch.store, product_id, into_id, now, error)
                : vtr_shop_review_accept (scratch.store, product_id, now, error)) ||
      !scratch_put_back (self, &scratch, &n_rows, error) ||
      /* The provenance of the lines moved goes with them. */
      !run (self, "DELETE FROM stock_edit WHERE product_id = ANY ($1::bigint[])", 1, params, error) ||
      !put_back_made (self, &scratch, ids, error) ||
      !run (self, "COMMIT", 0, NULL, error))
    goto failed;
  scratch_clear (&scratch);
  return TRUE;

failed:
  if (began)
    rollback (self);
  scratch_clear (&scratch);
  return FALSE;
}

/**
 * vtr_hub_pg_load_demo:
 *
 * vtr_demo_load() on PostgreSQL: the demo catalogue into a scratch
 * catalogue, its rows into PostgreSQL's with their change feed.
 */
gboolean
vtr_hub_pg_load_demo (VtrHubBackend *backend,
                      GDateTime     *now,
                      VtrDemoCounts *counts,
                      GError       **error)
{
  Pg *self = (Pg *) backend;
  Scratch scratch = { NULL };
  guint n_rows = 0;
  gboolean began = FALSE;

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  ensure_connected (self);
  if (!(began = feed_begin (self, error)) || !scratch_open (&scratch, NULL, error) ||
      !vtr_catalog_log_changes (scratch.catalog, error) ||
      !vtr_demo_load (scratch.catalog, now, counts, error) ||
      !scratch_put_back (self, &scratch, &n_rows, error) ||
      !run (self, "COMMIT", 0, NULL, error))
    {
      if (began)
        rollback (self);
      scratch_clear (&scratch);
      return FALSE;
    }
  scratch_clear (&scratch);
  return TRUE;
}

/*
 * (sms) The customers' text messages on PostgreSQL, for vtr-hub-sms.c's
 * sending thread, which every hub runs: a message due is claimed by one
 * hub (FOR UPDATE SKIP LOCKED, its next try moved past the send's
 * time), so two hubs never send it both; a hub that dies while sending
 * leaves it due again when the claim runs out (as a restarted SQLite hub
 * sends again a message whose outcome it had not written).
 */

/**
 * vtr_hub_pg_sms_claim:
 * @claim_until: when the message is due again should this hub never say
 *   what became of it
 * @due: (out caller-allocates): the message, when @found
 */
gboolean
vtr_hub_pg_sms_claim (VtrHubBackend *backend,
                      gint64         now,
                      gint64         claim_until,
                      VtrHubSmsDue  *due,
                      gboolean      *found,
                      GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *until = g_strdup_printf ("%" G_GINT64_FORMAT, claim_until);
  const char *params[2] = { now_text, until };
  PGresult *result;

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  ensure_connected (self);
  *found = FALSE;
  memset (due, 0, sizeof *due);
  if (!(result = query (self,
                        "WITH claimed AS ("
                        "  UPDATE sms_outbox SET next_try = $2::bigint WHERE id = ("
                        "    SELECT id FROM sms_outbox WHERE status = 'pending' AND next_try <= $1::bigint "
                        "    ORDER BY next_try, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                        "  RETURNING id, order_uuid, state, tries, details) "
                        "SELECT c.id, c.order_uuid::text, c.state, c.tries, c.details, o.number, o.state, "
                        "  coalesce (o.merchant_id, 0), o.placed "
                        "FROM claimed c LEFT JOIN hub_order o ON o.uuid = c.order_uuid",
                        2, params, error)))
    return FALSE;
  if (PQntuples (result) == 1)
    {
      *found = TRUE;
      due->id = column_int (result, 0, 0);
      due->order = column_text (result, 0, 1);
      due->state = column_text (result, 0, 2);
      due->tries = column_int (result, 0, 3);
      due->details = column_text (result, 0, 4);
      due->number = column_text (result, 0, 5);
      due->order_state = column_text (result, 0, 6);
      due->merchant_id = column_int (result, 0, 7);
      due->placed = column_text (result, 0, 8);
    }
  PQclear (result);
  return TRUE;
}

void
vtr_hub_sms_due_clear (VtrHubSmsDue *due)
{
  g_clear_pointer (&due->order, g_free);
  g_clear_pointer (&due->state, g_free);
  g_clear_pointer (&due->details, g_free);
  g_clear_pointer (&due->number, g_free);
  g_clear_pointer (&due->order_state, g_free);
  g_clear_pointer (&due->placed, g_free);
}

/* What became of message @id (vtr-hub-sms.c, record()). */
gboolean
vtr_hub_pg_sms_record (VtrHubBackend *backend,
                       gint64         id,
                       const char    *status,
                       gint64         tries,
                       gint64         next_try,
                       gint64         sent,
                       const char    *phone,
                       const char    *text,
                       const char    *last_error,
                       GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *tries_text = g_strdup_printf ("%" G_GINT64_FORMAT, tries);
  g_autofree char *next_text = g_strdup_printf ("%" G_GINT64_FORMAT, next_try);
  g_autofree char *sent_text = g_strdup_printf ("%" G_GINT64_FORMAT, sent);
  const char *params[8] = { id_text, status, tries_text, next_text, sent_text, phone, text, last_error };

  g_return_val_if_fail (backend->klass == &pg_class, FALSE);
  ensure_connected (self);
  /* A customer forgotten meanwhile keeps nothing here either. */
  return run (self,
              "UPDATE sms_outbox SET status = CASE status WHEN 'forgotten' THEN status ELSE $2 END, "
              "  tries = $3::bigint, next_try = $4::bigint, sent = nullif ($5::bigint, 0), "
              "  phone = CASE status WHEN 'forgotten' THEN NULL ELSE $6 END, "
              "  text = CASE status WHEN 'forgotten' THEN NULL ELSE $7 END, last_error = $8 "
              "WHERE id = $1::bigint",
              8, params, error);
}

/**
 * vtr_hub_pg_sms_erase_expired:
 *
 * vtr_hub_sms_erase_expired() on PostgreSQL: a few hundred orders a
 * transaction; two hubs sweeping at once take different orders.
 *
 * Returns: how many orders were erased, -1 on error.
 */
int
vtr_hub_pg_sms_erase_expired (VtrHubBackend *backend,
                              gint64         now,
                              gint64         keep_seconds,
                              GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *before = g_strdup_printf ("%" G_GINT64_FORMAT, now - keep_seconds);
  const char *params[1] = { before };
  int total = 0, n;

  g_return_val_if_fail (backend->klass == &pg_class, -1);
  ensure_connected (self);
  do
    {
      PGresult *result;
      g_autofree char *list = NULL;
      const char *erase[1];

      if (!run (self, "BEGIN", 0, NULL, error))
        return -1;
      if (!(result = query (self,
                            "SELECT count (*), coalesce (array_agg (uuid)::text, '{}') FROM ("
                            "  SELECT uuid FROM hub_order WHERE NOT forgotten "
                            "    AND state IN ('collected', 'cancelled', 'refused') AND received <= $1::bigint "
                            "  LIMIT 500 FOR UPDATE SKIP LOCKED) AS over",
                            1, params, error)))
        goto failed;
      n = column_int (result, 0, 0);
      list = column_text (result, 0, 1);
      PQclear (result);
      erase[0] = list;
      if (n > 0 &&
          (!run (self,
                 "UPDATE hub_order SET forgotten = true, "
                 "  placed = CASE WHEN placed IS NULL THEN NULL "
                 "    ELSE ((placed::jsonb) - 'first_name' - 'phone')::text END "
                 "WHERE uuid = ANY ($1::uuid[])",
                 1, erase, error) ||
           !run (self,
                 "UPDATE event SET payload = ((payload::jsonb) - 'first_name' - 'phone')::text "
                 "WHERE kind = 'order' AND ((payload::jsonb) ->> 'order') = ANY ($1::text[]) "
                 "  AND (payload::jsonb) ?| array['first_name', 'phone']",
                 1, erase, error) ||
           !run (self,
                 "UPDATE sms_outbox SET phone = NULL, text = NULL, details = NULL, "
                 "  status = CASE status WHEN 'pending' THEN 'forgotten' ELSE status END "
                 "WHERE order_uuid = ANY ($1::uuid[])",
                 1, erase, error)))
        goto failed;
      if (!run (self, "COMMIT", 0, NULL, error))
        goto failed;
      total += n;
    }
  while (n == 500);
  return total;

failed:
  rollback (self);
  return -1;
}

/* One row of the catalogue as its feed gives it (JSON), or NULL. */
char *
vtr_hub_pg_catalog_row (VtrHubBackend *backend,
                        int            kind,
                        gint64         a,
                        GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *kind_text = g_strdup_printf ("%d", kind);
  g_autofree char *a_text = g_strdup_printf ("%" G_GINT64_FORMAT, a);
  const char *params[2] = { kind_text, a_text };
  PGresult *result;
  char *data = NULL;

  g_return_val_if_fail (backend->klass == &pg_class, NULL);
  ensure_connected (self);
  if (!(result = query (self, "SELECT data FROM catalog_row WHERE kind = $1::integer AND a = $2::bigint LIMIT 1",
                        2, params, error)))
    return NULL;
  if (PQntuples (result) == 1)
    data = column_text (result, 0, 0);
  PQclear (result);
  return data;
}

/*
 * (ops) Backups on PostgreSQL (docs/operations.md, "Backups and
 * restores"): pg_dump's custom format (one snapshot of the whole
 * database, taken while the hubs go on serving: it holds no lock a
 * writer waits on) into DIR/hub.pgdump, the files of the data folder
 * beside it, backup.json last. A restore (every hub stopped) puts the
 * dump back with pg_restore in one transaction and starts a new history,
 * so that kiosks send again what the hub lost.
 */

#define PG_DUMP_FILE "hub.pgdump"

static const char * const backup_files[] = { "keys.json", "sms.conf" };

/* Debian's postgresql-client (/usr/bin wraps the newest installed), or
 * the server's own folder. */
static char *
find_pg_program (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      g_autofree char *own = g_build_filename ("/usr/lib/postgresql/15/bin", name, NULL);

      if (g_file_test (own, G_FILE_TEST_IS_EXECUTABLE))
        path = g_steal_pointer (&own);
    }
  return path;
}

static gboolean
run_pg_program (const char  *name,
                const char **args,
                GError     **error)
{
  g_autofree char *program = find_pg_program (name);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;

  if (program == NULL)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                   _("%s is not installed: install PostgreSQL’s client tools (postgresql-client)"), name);
      return FALSE;
    }
  g_ptr_array_add (argv, program);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("%s failed: %s"), name,
                   err && *err ? g_strstrip (err) : _("no reason given"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_small_file (const char *from,
                 const char *to,
                 GError    **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  return g_file_get_contents (from, &contents, &len, error) &&
         g_file_set_contents_full (to, contents, len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * vtr_hub_pg_backup:
 * @conninfo: the hubs' PostgreSQL database
 * @dir: the hub's data folder (its keys and sms.conf)
 * @target: a folder that does not exist yet, or an empty one
 */
gboolean
vtr_hub_pg_backup (const char *conninfo,
                   const char *dir,
                   const char *target,
                   GError    **error)
{
  g_autoptr(VtrHubBackend) backend = NULL;
  g_autoptr(GDir) existing = NULL;
  g_autofree char *history = NULL;
  g_autofree char *dump = g_build_filename (target, PG_DUMP_FILE, NULL);
  g_autofree char *file_arg = g_strconcat ("--file=", dump, NULL);
  g_autofree char *db_arg = g_strconcat ("--dbname=", conninfo, NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_build_filename (target, "backup.json", NULL);
  const char *args[] = { "--format=custom", "--no-owner", "--no-privileges", file_arg, db_arg, NULL };

  if (!(backend = vtr_hub_backend_open_pg (conninfo, error)) || !(history = vtr_hub_pg_history (backend, error)))
    return FALSE;
  g_clear_pointer (&backend, vtr_hub_backend_free);
  if (g_mkdir_with_parents (target, 0700) != 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"), target,
                   g_strerror (errno));
      return FALSE;
    }
  if ((existing = g_dir_open (target, 0, NULL)) && g_dir_read_name (existing))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("The folder %s is not empty: a backup goes into a new folder"), target);
      return FALSE;
    }
  if (!run_pg_program ("pg_dump", args, error))
    return FALSE;
  /* The ledger and the customers' orders: for the hub's user only. */
  g_chmod (dump, 0600);
  for (guint i = 0; i < G_N_ELEMENTS (backup_files); i++)
    {
      g_autofree char *from = g_build_filename (dir, backup_files[i], NULL);
      g_autofree char *to = g_build_filename (target, backup_files[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_small_file (from, to, error))
        return FALSE;
    }
  /* Last: a folder with backup.json is a whole backup. */
  manifest = g_strdup_printf ("{\"made\": %" G_GINT64_FORMAT ", \"history\": \"%s\", \"database\": \"postgresql\"}\n",
                              g_get_real_time () / G_USEC_PER_SEC, history);
  return g_file_set_contents_full (manifest_path, manifest, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

/**
 * vtr_hub_pg_restore:
 * @source: a folder made by vtr_hub_pg_backup()
 *
 * Puts the backup's database back (every hub stopped), its files into
 * @dir, and starts a new history.
 */
gboolean
vtr_hub_pg_restore (const char *conninfo,
                    const char *dir,
                    const char *source,
                    GError    **error)
{
  g_autofree char *manifest = g_build_filename (source, "backup.json", NULL);
  g_autofree char *dump = g_build_filename (source, PG_DUMP_FILE, NULL);
  g_autofree char *db_arg = g_strconcat ("--dbname=", conninfo, NULL);
  const char *args[] = { "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
                         db_arg, dump, NULL };
  g_autoptr(VtrHubBackend) backend = NULL;

  if (!g_file_test (manifest, G_FILE_TEST_EXISTS) || !g_file_test (dump, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("%s is not a whole backup of a hub on PostgreSQL (it has no backup.json or no %s)"), source,
                   PG_DUMP_FILE);
      return FALSE;
    }
  if (!run_pg_program ("pg_restore", args, error))
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"), dir,
                   g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (backup_files); i++)
    {
      g_autofree char *from = g_build_filename (source, backup_files[i], NULL);
      g_autofree char *to = g_build_filename (dir, backup_files[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_small_file (from, to, error))
        return FALSE;
    }
  /* A new history: kiosks that follow the old one send again what they
   * sent since the backup, and download the catalogue again. */
  if (!(backend = vtr_hub_backend_open_pg (conninfo, error)))
    return FALSE;
  return run ((Pg *) backend, "UPDATE hub_meta SET value = 'pg-' || gen_random_uuid () WHERE name = 'history'", 0,
              NULL, error);
}

/* The history the hub's events and catalogue follow (docs/hub-api.md,
 * "History and heartbeat headers"), made with the schema. */
char *
vtr_hub_pg_history (VtrHubBackend *backend,
                    GError       **error)
{
  Pg *self = (Pg *) backend;
  PGresult *result;
  char *history = NULL;

  g_return_val_if_fail (backend->klass == &pg_class, NULL);
  if (!(result = query (self, "SELECT value FROM hub_meta WHERE name = 'history'", 0, NULL, error)))
    return NULL;
  if (PQntuples (result) == 1)
    history = column_text (result, 0, 0);
  else
    g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                         _("The hub’s PostgreSQL database has no history name"));
  PQclear (result);
  return history;
}

static gboolean
pg_card_info (VtrHubBackend *backend,
              const char    *card_id,
              gint64        *balance,
              gint64        *n_events,
              char         **code,
              gboolean      *blocked,
              gint64        *flagged,
              GError       **error)
{
  Pg *self = (Pg *) backend;
  const char *params[1] = { card_id };
  PGresult *result;

  ensure_connected (self);
  if (!card_balance (self, card_id, balance, n_events, code, error))
    return FALSE;
  if (!(result = query (self,
                        "WITH RECURSIVE source (card_id) AS ("
                        "    SELECT $1::text UNION SELECT b.old_card FROM card_block b JOIN source s "
                        "    ON b.new_card = s.card_id) "
                        "SELECT EXISTS (SELECT 1 FROM card_block WHERE old_card = $1), "
                        "  (SELECT count (*) FROM event WHERE card_id IN (SELECT card_id FROM source) "
                        "   AND flag IS NOT NULL)",
                        1, params, error)))
    {
      if (code)
        g_clear_pointer (code, g_free);
      return FALSE;
    }
  *blocked = g_str_equal (PQgetvalue (result, 0, 0), "t");
  *flagged = column_int (result, 0, 1);
  PQclear (result);
  return TRUE;
}

/* As vtr_hub_db_find_cards(): the index on the last 6 characters finds
 * the few candidates; at most 5, their number and balance. */
static gboolean
pg_find_cards (VtrHubBackend *backend,
               const char    *suffix,
               JsonBuilder   *builder,
               gboolean      *more,
               GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *pattern = g_strconcat ("%", suffix, NULL);
  const char *params[2] = { suffix, pattern };
  PGresult *result;
  int n;

  ensure_connected (self);
  if (!(result = query (self,
                        "SELECT card_id FROM card WHERE right (card_id, 6) = right ($1, 6) "
                        "  AND card_id LIKE $2 AND card_id NOT IN (SELECT old_card FROM card_block) "
                        "ORDER BY card_id LIMIT 6",
                        2, params, error)))
    return FALSE;
  n = PQntuples (result);
  *more = n > 5;
  json_builder_begin_array (builder);
  for (int i = 0; i < MIN (n, 5); i++)
    {
      gint64 balance, n_events;

      if (!card_balance (self, PQgetvalue (result, i, 0), &balance, &n_events, NULL, error))
        {
          PQclear (result);
          return FALSE;
        }
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "card", PQgetvalue (result, i, 0));
      vtr_json_add_int (builder, "balance", balance);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  PQclear (result);
  return TRUE;
}

/* (area) As vtr_hub_db_set_area(): a move counts only when the area
 * changes, and the device downloads its new area at its next sync. */
static gboolean
pg_set_area (VtrHubBackend *backend,
             gint64         device_id,
             const char    *area,
             GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autoptr(VtrArea) parsed = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  const char *params[2] = { id, NULL };
  PGresult *result;
  gboolean found;

  ensure_connected (self);
  if (!vtr_area_parse (area, &parsed, error))
    return FALSE;
  if (parsed)
    canonical = vtr_area_to_string (parsed);
  params[1] = canonical;
  if (!(result = query (self,
                        "WITH moved AS (UPDATE device SET area = $2, area_moves = area_moves + 1 "
                        "  WHERE id = $1::bigint AND area IS DISTINCT FROM $2 RETURNING 1) "
                        "SELECT EXISTS (SELECT 1 FROM device WHERE id = $1::bigint)",
                        2, params, error)))
    return FALSE;
  found = g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  if (!found)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                   (long long) device_id);
      return FALSE;
    }
  return TRUE;
}

/* As vtr_hub_stock_issue(): the device's row locked first, so that its
 * requests on two hubs count against its day's bound one after the
 * other; a number another hub took meanwhile is drawn again. */
static GPtrArray *
pg_issue_codes (VtrHubBackend *backend,
                VtrHubKeys    *hub_keys,
                gint64         device_id,
                VtrCodeKind    kind,
                guint          count,
                int            expires,
                gint64         now,
                GError       **error)
{
  Pg *self = (Pg *) backend;
  const char *kind_name = kind == VTR_CODE_CARD ? "card" : "pickup";
  g_autofree char *device = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *day_ago = g_strdup_printf ("%" G_GINT64_FORMAT, now - 24 * 3600);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  const guint8 *secret = NULL;
  PGresult *result;
  int kid;

  g_return_val_if_fail (kind == VTR_CODE_CARD || kind == VTR_CODE_PICKUP, NULL);
  ensure_connected (self);
  if (count == 0 || (device_id > 0 && count > VTR_HUB_STOCK_MAX_REQUEST))
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                   _("A device asks for 1 to %d codes at a time"), VTR_HUB_STOCK_MAX_REQUEST);
      return NULL;
    }
  if (!run (self, "BEGIN", 0, NULL, error))
    return NULL;
  {
    const char *params[3] = { device, kind_name, day_ago };
    gint64 issued;

    /* Codes printed on the hub (device 0) have no daily bound. */
    if (device_id <= 0)
      goto issue;
    if (!run (self, "SELECT 1 FROM device WHERE id = $1::bigint FOR UPDATE", 1, params, error) ||
        !(result = query (self,
                          "SELECT count (*) FROM issued_code WHERE device_id = $1::bigint AND kind = $2 "
                          "AND issued > $3::bigint",
                          3, params, error)))
      goto failed;
    issued = column_int (result, 0, 0);
    PQclear (result);
    if (issued + count > VTR_HUB_STOCK_MAX_DAY)
      {
        g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FORBIDDEN,
                     kind == VTR_CODE_CARD
                       ? _("This device already received %lld blank cards today: ask the federation")
                       : _("This device already received %lld order numbers today: ask the federation"),
                     (long long) issued);
        goto failed;
      }
  }
issue:
  kid = vtr_hub_keys_signing_kid (hub_keys, &secret);
  for (guint i = 0; i < count; i++)
    {
      VtrFlashcode code = { kind, .expires = kind == VTR_CODE_PICKUP ? expires : 0, .kid = kid };
      char *url;
      guint tries = 0;

      /* A number no device ever had: drawn again when taken. */
      for (;;)
        {
          const char *number;
          const char *params[4];
          gboolean taken;

          vtr_flashcode_clear (&code);
          if (kind == VTR_CODE_CARD)
            number = code.card_id = vtr_flashcode_new_card_id ();
          else
            number = code.order = vtr_hub_stock_new_order_number ();
          params[0] = kind_name;
          params[1] = number;
          params[2] = device;
          params[3] = now_text;
          if (!(result = query (self,
                                "INSERT INTO issued_code (kind, number, device_id, issued) "
                                "VALUES ($1, $2, nullif ($3::bigint, 0), $4::bigint) "
                                "ON CONFLICT (kind, number) DO NOTHING RETURNING 1",
                                4, params, error)))
            {
              vtr_flashcode_clear (&code);
              goto failed;
            }
          taken = PQntuples (result) == 1;
          PQclear (result);
          if (taken)
            break;
          if (++tries == 1000)
            {
              vtr_flashcode_clear (&code);
              g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                                   _("The hub has almost no order numbers left to issue"));
              goto failed;
            }
        }
      url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (hub_keys), secret, error);
      vtr_flashcode_clear (&code);
      if (url == NULL)
        goto failed;
      g_ptr_array_add (codes, url);
    }
  if (!run (self, "COMMIT", 0, NULL, error))
    goto failed;
  return g_steal_pointer (&codes);

failed:
  rollback (self);
  return NULL;
}

static gboolean
pg_card_movements (VtrHubBackend *backend,
                   const char    *card_id,
                   guint          limit,
                   GArray        *movements,
                   GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[2] = { card_id, limit_text };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self,
                        "SELECT created, coalesce (merchant_id, 0), coalesce (points, 0) FROM event "
                        "WHERE card_id = $1 AND kind IN ('credit', 'redeem', 'transfer') "
                        "ORDER BY created DESC LIMIT $2::bigint",
                        2, params, error)))
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      VtrHubMovement m = { column_int (result, i, 0), column_int (result, i, 1), column_int (result, i, 2) };

      g_array_append_val (movements, m);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
pg_order_state (VtrHubBackend *backend,
                const char    *number,
                char         **state,
                gint64        *merchant_id,
                char         **placed,
                GError       **error)
{
  Pg *self = (Pg *) backend;
  const char *params[1] = { number };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self,
                        "SELECT state, coalesce (merchant_id, 0), placed FROM hub_order WHERE number = $1 "
                        "ORDER BY seq DESC LIMIT 1",
                        1, params, error)))
    return FALSE;
  if (PQntuples (result) == 1)
    {
      *state = column_text (result, 0, 0);
      *merchant_id = column_int (result, 0, 1);
      *placed = column_text (result, 0, 2);
    }
  PQclear (result);
  return TRUE;
}

/* (poster) In the caller's transaction if there is one, else on its own. */
static gboolean
pg_add_poster_scans (VtrHubBackend *backend,
                     gint64         merchant_id,
                     gint64         day,
                     const char    *source,
                     gint64         product_id,
                     gint64         n,
                     GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *day_text = g_strdup_printf ("%" G_GINT64_FORMAT, day);
  g_autofree char *product = g_strdup_printf ("%" G_GINT64_FORMAT, product_id);
  g_autofree char *n_text = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  const char *params[5] = { merchant, day_text, source, product, n_text };

  ensure_connected (self);
  return run (self,
              "INSERT INTO poster_scan (merchant_id, day, source, product_id, scans) "
              "VALUES ($1::bigint, $2::bigint, $3, $4::bigint, $5::bigint) "
              "ON CONFLICT (merchant_id, day, source, product_id) DO UPDATE SET scans = poster_scan.scans + excluded.scans",
              5, params, error);
}

static gboolean
pg_write_poster_scans (VtrHubBackend *backend,
                       gint64         merchant_id,
                       gint64         from_day,
                       JsonBuilder   *builder,
                       GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *merchant = g_strdup_printf ("%" G_GINT64_FORMAT, merchant_id);
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, from_day);
  const char *params[2] = { merchant, from };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self,
                        "SELECT day, source, product_id, scans FROM poster_scan "
                        "WHERE merchant_id = $1::bigint AND day >= $2::bigint ORDER BY day, source, product_id",
                        2, params, error)))
    return FALSE;
  json_builder_set_member_name (builder, "scans");
  json_builder_begin_array (builder);
  for (int i = 0; i < PQntuples (result); i++)
    {
      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "day", column_int (result, i, 0));
      vtr_json_add_string (builder, "source", PQgetvalue (result, i, 1));
      vtr_json_add_int (builder, "product", column_int (result, i, 2));
      vtr_json_add_int (builder, "scans", column_int (result, i, 3));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  PQclear (result);
  return TRUE;
}

static GPtrArray *
pg_list_devices (VtrHubBackend *backend,
                 GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_hub_device_free);
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self, "SELECT " DEVICE_COLUMNS " FROM device ORDER BY id", 0, NULL, error)))
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (devices, device_from_row (result, i));
  PQclear (result);
  return g_steal_pointer (&devices);
}

/* As vtr_hub_db_revoke_device(): once, its pairing code no longer good. */
static gboolean
pg_revoke_device (VtrHubBackend *backend,
                  gint64         device_id,
                  gint64         now,
                  GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  const char *params[2] = { id, now_text };
  PGresult *result;
  gboolean found;

  ensure_connected (self);
  if (!(result = query (self,
                        "UPDATE device SET revoked = coalesce (revoked, $2::bigint), pairing_hash = NULL "
                        "WHERE id = $1::bigint",
                        2, params, error)))
    return FALSE;
  found = g_strcmp0 (PQcmdTuples (result), "0") != 0;
  PQclear (result);
  if (!found)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_FOUND, _("There is no device %lld"),
                   (long long) device_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_web_secret (VtrHubBackend *backend,
               const guint8  *drawn,
               gsize          size,
               guint8        *secret,
               GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *hex = g_malloc (2 * size + 3);
  const char *params[1] = { hex };
  PGresult *result;
  gboolean found;

  ensure_connected (self);
  hex[0] = '\\';
  hex[1] = 'x';
  for (gsize i = 0; i < size; i++)
    g_snprintf (hex + 2 + 2 * i, 3, "%02x", drawn[i]);
  /* The first hub's drawing is kept; every hub reads the one kept. */
  if (!(result = query (self,
                        "WITH drawn AS ("
                        "  INSERT INTO web_secret (id, key) VALUES (1, $1::bytea) ON CONFLICT (id) DO NOTHING "
                        "  RETURNING encode (key, 'hex')) "
                        "SELECT * FROM drawn UNION ALL SELECT encode (key, 'hex') FROM web_secret WHERE id = 1",
                        1, params, error)))
    return FALSE;
  found = PQntuples (result) >= 1 && strlen (PQgetvalue (result, 0, 0)) == 2 * size;
  for (gsize i = 0; found && i < size; i++)
    {
      const char *p = PQgetvalue (result, 0, 0) + 2 * i;

      secret[i] = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
    }
  PQclear (result);
  if (!found)
    g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                         _("The secret of the reservation forms is not in the hub’s database"));
  return found;
}

static gboolean
pg_web_limit (VtrHubBackend *backend,
              const char    *key,
              gint64         now,
              gint64         window,
              gboolean       count,
              gint64        *counted,
              GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *gone = g_strdup_printf ("%" G_GINT64_FORMAT, now - window);
  const char *params[3] = { key, gone, now_text };
  PGresult *result;

  ensure_connected (self);
  /* Counted: the hours gone by forgotten, then this one counted, in one
   * statement (a key whose hour is over starts again at 1). */
  if (!(result = query (self,
                        count ? "WITH gone AS (DELETE FROM web_limit WHERE start <= $2::bigint AND key <> $1) "
                                "INSERT INTO web_limit (key, start, count) VALUES ($1, $3::bigint, 1) "
                                "ON CONFLICT (key) DO UPDATE SET "
                                "  count = CASE WHEN web_limit.start <= $2::bigint THEN 1 "
                                "    ELSE web_limit.count + 1 END, "
                                "  start = CASE WHEN web_limit.start <= $2::bigint THEN excluded.start "
                                "    ELSE web_limit.start END "
                                "RETURNING count"
                              : "SELECT count FROM web_limit WHERE key = $1 AND start > $2::bigint "
                                "  AND $3::bigint IS NOT NULL",
                        3, params, error)))
    return FALSE;
  if (PQntuples (result) == 1)
    *counted = column_int (result, 0, 0);
  PQclear (result);
  return TRUE;
}

/* The device @device_id, which must exist and not be revoked; in the
 * caller's transaction, its row locked. */
static gboolean
check_device (Pg      *self,
              gint64   device_id,
              GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  const char *params[1] = { id };
  PGresult *result;
  gboolean found, revoked;

  if (!(result = query (self, "SELECT revoked IS NOT NULL FROM device WHERE id = $1::bigint FOR UPDATE", 1, params,
                        error)))
    return FALSE;
  found = PQntuples (result) == 1;
  revoked = found && g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  return vtr_hub_pins_check_device (device_id, found, revoked, error);
}

/* @sql on the device @device_id, which must exist and not be revoked,
 * in one transaction with the check. */
static gboolean
device_write (Pg          *self,
              gint64       device_id,
              const char  *sql,
              int          n_params,
              const char **params,
              GError     **error)
{
  ensure_connected (self);
  if (!run (self, "BEGIN", 0, NULL, error))
    return FALSE;
  if (!check_device (self, device_id, error) || !run (self, sql, n_params, params, error) ||
      !run (self, "COMMIT", 0, NULL, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_set_admin_pin (VtrHubBackend *backend,
                  gint64         device_id,
                  const char    *hash,
                  GError       **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  const char *params[2] = { id, hash };

  return device_write ((Pg *) backend, device_id, "UPDATE device SET admin_pin_hash = $2 WHERE id = $1::bigint", 2,
                       params, error);
}

static gboolean
pg_admin_pin_hash (VtrHubBackend *backend,
                   gint64         device_id,
                   char         **hash,
                   GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  const char *params[1] = { id };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self, "SELECT admin_pin_hash FROM device WHERE id = $1::bigint", 1, params, error)))
    return FALSE;
  if (PQntuples (result) == 1)
    *hash = column_text (result, 0, 0);
  PQclear (result);
  return TRUE;
}

static gboolean
pg_add_pin_reset (VtrHubBackend *backend,
                  const char    *nonce,
                  gint64         device_id,
                  gint64         now,
                  int            expires,
                  GError       **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, device_id);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *expires_text = g_strdup_printf ("%d", expires);
  const char *params[4] = { nonce, id, now_text, expires_text };

  return device_write ((Pg *) backend, device_id,
                       "INSERT INTO pin_reset (nonce, device_id, issued, expires) "
                       "VALUES ($1, $2::bigint, $3::bigint, $4::bigint)",
                       4, params, error);
}

static gboolean
pg_code_owner (VtrHubBackend *backend,
               const char    *number,
               char         **kind,
               gint64        *device_id,
               char         **device_name,
               gint64        *issued,
               GError       **error)
{
  Pg *self = (Pg *) backend;
  const char *params[1] = { number };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self, VTR_HUB_STOCK_OWNER_SQL, 1, params, error)))
    return FALSE;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      return vtr_hub_stock_owner_unknown (number, error);
    }
  *kind = column_text (result, 0, 0);
  *device_id = column_int (result, 0, 1);
  *device_name = column_text (result, 0, 2);
  *issued = column_int (result, 0, 3);
  PQclear (result);
  return TRUE;
}

/* As vtr_hub_sms_write_outbox(). */
static gboolean
pg_write_sms_outbox (VtrHubBackend *backend,
                     guint          limit,
                     JsonBuilder   *builder,
                     GError       **error)
{
  Pg *self = (Pg *) backend;
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[1] = { limit_text };
  PGresult *result;

  ensure_connected (self);
  if (!(result = query (self, VTR_HUB_SMS_OUTBOX_SQL, 1, params, error)))
    return FALSE;
  json_builder_begin_array (builder);
  for (int i = 0; i < PQntuples (result); i++)
    {
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "order", PQgetvalue (result, i, 0));
      vtr_json_add_string (builder, "number", PQgetvalue (result, i, 1));
      vtr_json_add_string (builder, "state", PQgetvalue (result, i, 2));
      vtr_json_add_string (builder, "status", PQgetvalue (result, i, 3));
      vtr_json_add_int (builder, "tries", column_int (result, i, 4));
      vtr_json_add_int (builder, "created", column_int (result, i, 5));
      vtr_json_add_int (builder, "next_try", column_int (result, i, 6));
      vtr_json_add_int (builder, "sent", column_int (result, i, 7));
      vtr_json_add_string (builder, "last_error", PQgetvalue (result, i, 8));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  PQclear (result);
  return TRUE;
}

static void
pg_free (VtrHubBackend *backend)
{
  Pg *self = (Pg *) backend;

  if (self->conn)
    PQfinish (self->conn);
  g_free (self);
}

static const VtrHubBackendClass pg_class = {
  "postgresql",
  pg_authenticate,
  pg_pair,
  pg_add_device,
  pg_note_seen,
  pg_ingest,
  pg_last_change,
  pg_count_seen_since,
  pg_write_changes,
  pg_write_orders,
  pg_write_order_changes,
  pg_card_info,
  pg_find_cards,
  pg_set_area,
  pg_issue_codes,
  pg_card_movements,
  pg_order_state,
  pg_add_poster_scans,
  pg_write_poster_scans,
  pg_list_devices,
  pg_revoke_device,
  pg_web_secret,
  pg_web_limit,
  pg_set_admin_pin,
  pg_admin_pin_hash,
  pg_add_pin_reset,
  pg_code_owner,
  pg_write_sms_outbox,
  vtr_hub_pg_sms_erase_expired,
  pg_free,
};

/* Whether the database holds the schema of SCHEMA_VERSION or a newer
 * one: two reads that take no lock a writer could wait on. */
static gboolean
schema_is_current (Pg *self)
{
  PGresult *result;
  gboolean current = FALSE;

  result = PQexec (self->conn, "SELECT to_regclass ('hub_meta') IS NOT NULL");
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1 &&
      g_str_equal (PQgetvalue (result, 0, 0), "t"))
    {
      PQclear (result);
      result = PQexec (self->conn, "SELECT value FROM hub_meta WHERE name = 'schema'");
      current = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1 &&
                g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10) >= SCHEMA_VERSION;
    }
  PQclear (result);
  return current;
}

/* Connects and makes the schema if it is not there (several hubs
 * starting at once: one makes it, under a lock, the others find it).
 *
 * Every worker thread of every hub connects, and connects again after a
 * restart of the database, so the usual case must cost nothing to the
 * others: `CREATE INDEX IF NOT EXISTS` takes a SHARE lock on its table
 * before it finds the index there, so it waits for every transaction
 * writing events and every new one waits behind it (with two hubs
 * connecting their eight workers under load, the kiosks' p99 went from
 * 0.1 to 8.6 s). The schema is made only when its version in hub_meta
 * is older than this hub's, read first without any lock. */
VtrHubBackend *
vtr_hub_backend_open_pg (const char *conninfo,
                         GError    **error)
{
  Pg *self = g_new0 (Pg, 1);
  g_autofree char *lock = g_strdup_printf ("%" G_GINT64_FORMAT, LOCK_SCHEMA);
  g_autofree char *version = g_strdup_printf ("%d", SCHEMA_VERSION);
  const char *params[1] = { lock };
  const char *version_params[1] = { version };
  PGresult *result;

  self->parent.klass = &pg_class;
  self->conn = PQconnectdb (conninfo);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *line = g_strstrip (g_strdup (PQerrorMessage (self->conn)));

      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                   _("The hub cannot reach its PostgreSQL database: %s"), line);
      pg_free (&self->parent);
      return NULL;
    }
  PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
  if (schema_is_current (self))
    return &self->parent;
  if (!run (self, "BEGIN", 0, NULL, error) ||
      !run (self, "SELECT pg_advisory_xact_lock ($1::bigint)", 1, params, error))
    goto failed;
  result = PQexec (self->conn, schema);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      pg_failed (self, result, error);
      PQclear (result);
      goto failed;
    }
  PQclear (result);
  if (!run (self,
            "INSERT INTO hub_meta (name, value) VALUES ('schema', $1) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            1, version_params, error) ||
      !run (self, "COMMIT", 0, NULL, error))
    goto failed;
  return &self->parent;

failed:
  rollback (self);
  pg_free (&self->parent);
  return NULL;
}

#else /* !VTR_HAVE_LIBPQ: a build without PostgreSQL (the kiosk's Flatpak) */

VtrHubBackend *
vtr_hub_backend_open_pg (const char *conninfo,
                         GError    **error)
{
  (void) conninfo;
  g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_SUPPORTED,
                       _("This hub was built without PostgreSQL: it keeps its data in SQLite only"));
  return NULL;
}

gboolean
vtr_hub_pg_put_page (VtrHubBackend *backend,
                     const char    *page,
                     guint         *n_rows,
                     GError       **error)
{
  (void) backend, (void) page, (void) n_rows, (void) error;
  g_return_val_if_reached (FALSE);
}

char *
vtr_hub_pg_history (VtrHubBackend *backend,
                    GError       **error)
{
  (void) backend, (void) error;
  g_return_val_if_reached (NULL);
}

JsonArray *
vtr_hub_pg_shop_ingest (VtrHubBackend      *backend,
                        VtrHubKeys         *keys,
                        const VtrHubDevice *device,
                        JsonArray          *events,
                        gint64              now,
                        JsonBuilder        *results,
                        guint              *n_accepted,
                        GError            **error)
{
  (void) backend, (void) keys, (void) device, (void) events, (void) now, (void) results, (void) n_accepted,
    (void) error;
  g_return_val_if_reached (NULL);
}

gboolean
vtr_hub_pg_sms_claim (VtrHubBackend *backend,
                      gint64         now,
                      gint64         claim_until,
                      VtrHubSmsDue  *due,
                      gboolean      *found,
                      GError       **error)
{
  (void) backend, (void) now, (void) claim_until, (void) due, (void) found, (void) error;
  g_return_val_if_reached (FALSE);
}

void
vtr_hub_sms_due_clear (VtrHubSmsDue *due)
{
  (void) due;
}

gboolean
vtr_hub_pg_sms_record (VtrHubBackend *backend,
                       gint64         id,
                       const char    *status,
                       gint64         tries,
                       gint64         next_try,
                       gint64         sent,
                       const char    *phone,
                       const char    *text,
                       const char    *last_error,
                       GError       **error)
{
  (void) backend, (void) id, (void) status, (void) tries, (void) next_try, (void) sent, (void) phone, (void) text,
    (void) last_error, (void) error;
  g_return_val_if_reached (FALSE);
}

int
vtr_hub_pg_sms_erase_expired (VtrHubBackend *backend,
                              gint64         now,
                              gint64         keep_seconds,
                              GError       **error)
{
  (void) backend, (void) now, (void) keep_seconds, (void) error;
  g_return_val_if_reached (-1);
}

char *
vtr_hub_pg_catalog_row (VtrHubBackend *backend,
                        int            kind,
                        gint64         a,
                        GError       **error)
{
  (void) backend, (void) kind, (void) a, (void) error;
  g_return_val_if_reached (NULL);
}

gboolean
vtr_hub_pg_backup (const char *conninfo,
                   const char *dir,
                   const char *target,
                   GError    **error)
{
  (void) conninfo, (void) dir, (void) target;
  g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_NOT_SUPPORTED,
                       _("This hub was built without PostgreSQL: it keeps its data in SQLite only"));
  return FALSE;
}

gboolean
vtr_hub_pg_restore (const char *conninfo,
                    const char *dir,
                    const char *source,
                    GError    **error)
{
  return vtr_hub_pg_backup (conninfo, dir, source, error);
}

gboolean
vtr_hub_pg_import_file (VtrHubBackend   *backend,
                        const char      *path,
                        VtrImportCounts *counts,
                        guint           *n_rows,
                        GError         **error)
{
  (void) backend, (void) path, (void) counts, (void) n_rows, (void) error;
  g_return_val_if_reached (FALSE);
}

GPtrArray *
vtr_hub_pg_review_list (VtrHubBackend *backend,
                        GError       **error)
{
  (void) backend, (void) error;
  g_return_val_if_reached (NULL);
}

gboolean
vtr_hub_pg_review (VtrHubBackend *backend,
                   gint64         product_id,
                   gint64         into_id,
                   gint64         now,
                   GError       **error)
{
  (void) backend, (void) product_id, (void) into_id, (void) now, (void) error;
  g_return_val_if_reached (FALSE);
}

gboolean
vtr_hub_pg_load_demo (VtrHubBackend *backend,
                      GDateTime     *now,
                      VtrDemoCounts *counts,
                      GError       **error)
{
  (void) backend, (void) now, (void) counts, (void) error;
  g_return_val_if_reached (FALSE);
}

#endif

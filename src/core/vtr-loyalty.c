#include "config.h"

#include "vtr-loyalty.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "vtr-card-block.h"
#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-opening-hours.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-json.h"

/*
 * The loyalty journal. Every write is one transaction that also appends
 * its event to the outbox under the same UUID, in journal.db
 * (synchronous=FULL): a customer who sees "+12 points" has them, even if
 * the power goes a millisecond later. A balance is what the hub last
 * acknowledged plus the events it has not acknowledged yet.
 */

G_DEFINE_QUARK (vtr-loyalty-error-quark, vtr_loyalty_error)

void
vtr_loyalty_receipt_clear (VtrLoyaltyReceipt *receipt)
{
  g_clear_pointer (&receipt->uuid, g_free);
  g_clear_pointer (&receipt->card_id, g_free);
  g_clear_pointer (&receipt->code, g_free);
}


/* One integer from a query with one or two integer or text parameters. */
static gboolean
query_int (VtrStore   *store,
           const char *sql,
           const char *text,
           gint64      a,
           gint64      b,
           gint64     *result,
           GError    **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store, sql, error);
  int rc, column = 1;

  if (stmt == NULL)
    return FALSE;
  /* Parameters in order: the text if given, then a, then b, as many as
   * the query has. */
  if (text)
    sqlite3_bind_text (stmt, column++, text, -1, SQLITE_STATIC);
  if (column <= sqlite3_bind_parameter_count (stmt))
    sqlite3_bind_int64 (stmt, column++, a);
  if (column <= sqlite3_bind_parameter_count (stmt))
    sqlite3_bind_int64 (stmt, column, b);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *result = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *result = 0;
      return TRUE;
    }
  return vtr_store_set_error (store, rc, error);
}

/* 9 to 15 digits, with spaces, dots or dashes between, maybe a "+". */
gboolean
vtr_phone_is_valid (const char *phone)
{
  gsize digits = 0;

  for (const char *p = phone; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != ' ' && *p != '.' && *p != '-' && !(*p == '+' && p == phone))
        return FALSE;
    }
  return digits >= 9 && digits <= 15;
}

/* Cards. */

/**
 * vtr_loyalty_card_id:
 * @text: the scanned card
 *
 * Returns: (transfer full) (nullable): the card's id, if @text is a card
 * the federation signed. A card number alone is not a card: see
 * vtr_loyalty_scan_card().
 */
char *
vtr_loyalty_card_id (const char       *text,
                     const VtrKeyList *keys,
                     GDateTime        *now,
                     GError          **error)
{
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (text, -1, keys, now);
  gsize len = strlen (text);

  if (info->kind == VTR_CODE_CARD && info->verdict == VTR_VERDICT_TRUSTED)
    return g_strdup (info->code.card_id);

  if (info->kind == VTR_CODE_CARD)
    {
      g_autofree char *reason = vtr_verdict_describe (info);
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD, "%s", reason);
    }
  else if (len == VTR_CARD_ID_LENGTH && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == len)
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                 _("Scan the card’s code: its number alone is taken only for a card this kiosk "
                   "or the federation already knows."));
  else
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                 _("This is not a loyalty card of the federation."));
  return NULL;
}

/**
 * vtr_loyalty_scan_card:
 * @text: the scanned card, or its number as printed under it
 *
 * A card at the counter. Its signed code is kept with the card, and goes
 * with every event of the card to the hub, which credits only cards the
 * federation signed. The number alone is taken only for a card whose
 * code this kiosk already has: scanned or enrolled here before, or sent
 * by the hub with the card's balance.
 *
 * Returns: (transfer full) (nullable): the card's id.
 */
char *
vtr_loyalty_scan_card (VtrStore         *store,
                       const char       *text,
                       const VtrKeyList *keys,
                       GDateTime        *now,
                       GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *card_id = vtr_loyalty_card_id (text, keys, now, &local_error);
  gsize len = strlen (text);
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  /* A card declared lost is refused, whether scanned or typed. */
  if (card_id && !vtr_card_check_not_blocked (store, card_id, error))
    return NULL;
  if (card_id)
    {
      stmt = vtr_store_statement (store,
                                  "INSERT INTO journal.card (card_id, code) VALUES (?1, ?2) "
                                  "ON CONFLICT (card_id) DO UPDATE SET code = coalesce (code, ?2)",
                                  error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      if (!vtr_store_step_done (store, stmt, error))
        return NULL;
      return g_steal_pointer (&card_id);
    }
  if (len == VTR_CARD_ID_LENGTH && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == len)
    {
      gint64 known = 0;

      if (!query_int (store, "SELECT count (*) FROM journal.card WHERE card_id = ? AND code IS NOT NULL",
                      text, 0, 0, &known, error))
        return NULL;
      if (known && !vtr_card_check_not_blocked (store, text, error))
        return NULL;
      if (known)
        return g_strdup (text);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Whether this kiosk holds the signed code of @card_id: scanned, enrolled
 * here, or sent by the hub that confirmed the card. Credits and redeems
 * take no other card: the hub would refuse them after the customer was
 * told the points were there. */
static gboolean
check_card_known (VtrStore   *store,
                  const char *card_id,
                  GError    **error)
{
  gint64 known = 0;

  if (!query_int (store, "SELECT count (*) FROM journal.card WHERE card_id = ? AND code IS NOT NULL",
                  card_id, 0, 0, &known, error))
    return FALSE;
  if (known == 0)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                   _("Scan the card’s code: its number alone is taken only for a card this kiosk "
                     "or the federation already knows."));
      return FALSE;
    }
  return vtr_card_check_not_blocked (store, card_id, error);
}

gboolean
vtr_loyalty_balance (VtrStore   *store,
                     const char *card_id,
                     gint64     *balance,
                     gint64     *pending,
                     GError    **error)
{
  gint64 acknowledged = 0, unacknowledged = 0, moved = 0;

  if (!query_int (store, "SELECT acknowledged_balance FROM journal.card WHERE card_id = ?",
                  card_id, 0, 0, &acknowledged, error) ||
      !query_int (store,
                  "SELECT coalesce (sum (points), 0) FROM journal.loyalty_event "
                  "WHERE card_id = ? AND acknowledged = ?",
                  card_id, 0, 0, &unacknowledged, error) ||
      !vtr_card_transfer_delta (store, card_id, &moved, error))
    return FALSE;
  /* A lost card's points moved here (or away) count as not yet confirmed. */
  unacknowledged += moved;
  *balance = acknowledged + unacknowledged;
  if (pending)
    *pending = unacknowledged;
  return TRUE;
}

static char *
event_payload (const char *kind,
               const char *card_id,
               const char *code,
               gint64      merchant_id,
               gint64      points,
               gint64      amount_cents,
               gint64      reward_id,
               gint64      created)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "kind", kind);
  vtr_json_add_string (builder, "card", card_id);
  /* The federation's signature of the card: the hub credits no card
   * without it (or without having seen it once). */
  if (code)
    vtr_json_add_string (builder, "code", code);
  vtr_json_add_int (builder, "merchant", merchant_id);
  vtr_json_add_int (builder, "points", points);
  if (amount_cents > 0)
    vtr_json_add_int (builder, "amount_cents", amount_cents);
  if (reward_id > 0)
    vtr_json_add_int (builder, "reward", reward_id);
  vtr_json_add_int (builder, "created", created);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

/* Writes one event and its outbox row; call inside a transaction. */
static gboolean
write_event (VtrStore          *store,
             const char        *kind,
             const char        *card_id,
             gint64             merchant_id,
             gint64             points,
             gint64             amount_cents,
             gint64             reward_id,
             GDateTime         *now,
             VtrLoyaltyReceipt *receipt,
             GError           **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  g_autofree char *code = NULL;
  gint64 t = g_date_time_to_unix (now);
  VtrStatement *stmt;

  stmt = vtr_store_statement (store,
                              "INSERT OR IGNORE INTO journal.card (card_id, enrolled) VALUES (?, NULL)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;

  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.loyalty_event (uuid, kind, card_id, merchant_id, "
                              "  points, amount_cents, reward_id, created, day) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, card_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, merchant_id);
  sqlite3_bind_int64 (stmt, 5, points);
  if (amount_cents > 0)
    sqlite3_bind_int64 (stmt, 6, amount_cents);
  if (reward_id > 0)
    sqlite3_bind_int64 (stmt, 7, reward_id);
  sqlite3_bind_int64 (stmt, 8, t);
  sqlite3_bind_int (stmt, 9, vtr_paris_day (now));
  if (!vtr_store_step_done (store, stmt, error))
    return FALSE;

  stmt = vtr_store_statement (store, "SELECT code FROM journal.card WHERE card_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  payload = event_payload (kind, card_id, code, merchant_id, points, amount_cents, reward_id, t);
  if (!vtr_outbox_append (store, uuid, kind, payload, t, error))
    return FALSE;

  receipt->uuid = g_steal_pointer (&uuid);
  receipt->card_id = g_strdup (card_id);
  receipt->points = points;
  return TRUE;
}

/* The points a purchase earns: the shop's rule, times the best points
 * promotion running on one of the products bought. */
static gboolean
points_for (VtrStore     *store,
            gint64        merchant_id,
            gint64        amount_cents,
            const gint64 *products,
            guint         n_products,
            GDateTime    *now,
            gint64       *points,
            GError      **error)
{
  g_autoptr(VtrStatement) rule = vtr_store_statement (store,
                                                      "SELECT cents_per_point, rounding FROM loyalty_rule "
                                                      "WHERE merchant_id = ?",
                                                      error);
  gint64 cents_per_point, multiplier = 1;
  int rounding, rc;

  if (rule == NULL)
    return FALSE;
  sqlite3_bind_int64 (rule, 1, merchant_id);
  rc = sqlite3_step (rule);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        return vtr_store_set_error (store, rc, error);
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_RULE,
                   _("This shop does not give loyalty points yet (no rule from the federation)."));
      return FALSE;
    }
  cents_per_point = sqlite3_column_int64 (rule, 0);
  rounding = sqlite3_column_int (rule, 1);
  g_clear_pointer (&rule, sqlite3_reset);

  if (n_products > 0)
    {
      g_autoptr(VtrStatement) stmt =
        vtr_store_statement (store,
                             "SELECT coalesce (max (r.value), 1) FROM promotion r JOIN product p "
                             "  ON r.product_id = p.id OR r.category = p.category "
                             "WHERE p.id IN (SELECT value FROM json_each (?1)) AND r.merchant_id = ?2 "
                             "  AND r.kind = 2 AND r.starts <= ?3 AND r.ends > ?3",
                             error);
      g_autoptr(GString) ids = g_string_new ("[");

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < n_products; i++)
        g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "", products[i]);
      g_string_append_c (ids, ']');
      sqlite3_bind_text (stmt, 1, ids->str, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, merchant_id);
      sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (now));
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        multiplier = MAX (1, sqlite3_column_int64 (stmt, 0));
      else if (rc != SQLITE_DONE)
        return vtr_store_set_error (store, rc, error);
    }

  *points = (rounding ? (amount_cents + cents_per_point / 2) : amount_cents) / cents_per_point *
            multiplier;
  return TRUE;
}

static gboolean
check_caps (VtrStore   *store,
            const char *card_id,
            gint64      merchant_id,
            gint64      points,
            int         day,
            GError    **error)
{
  gint64 card_points, merchant_points, card_merchant_credits;

  if (!query_int (store,
                  "SELECT coalesce (sum (points), 0) FROM journal.loyalty_event "
                  "WHERE card_id = ? AND day = ? AND kind = 'credit'",
                  card_id, day, 0, &card_points, error) ||
      !query_int (store,
                  "SELECT coalesce (sum (points), 0) FROM journal.loyalty_event "
                  "WHERE merchant_id = ? AND day = ? AND kind = 'credit'",
                  NULL, merchant_id, day, &merchant_points, error) ||
      !query_int (store,
                  "SELECT count (*) FROM journal.loyalty_event "
                  "WHERE card_id = ? AND merchant_id = ? AND day = ? AND kind = 'credit'",
                  card_id, merchant_id, day, &card_merchant_credits, error))
    return FALSE;

  if (card_points + points > VTR_LOYALTY_CARD_DAILY_POINTS)
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP,
                 _("This card has reached today’s limit of %d points; the purchase is not "
                   "credited. It can be credited again tomorrow."),
                 VTR_LOYALTY_CARD_DAILY_POINTS);
  else if (card_merchant_credits >= VTR_LOYALTY_CARD_MERCHANT_DAILY)
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP,
                 _("This card was already credited %d times in this shop today; the purchase is "
                   "not credited."),
                 VTR_LOYALTY_CARD_MERCHANT_DAILY);
  else if (merchant_points + points > VTR_LOYALTY_MERCHANT_DAILY_POINTS)
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP,
                 _("This shop has given today’s limit of %d points; the purchase is not "
                   "credited. Call the federation if this is a mistake."),
                 VTR_LOYALTY_MERCHANT_DAILY_POINTS);
  else
    return TRUE;
  return FALSE;
}

/**
 * vtr_loyalty_credit:
 * @session: the staff session token
 * @card_id: see vtr_loyalty_card_id()
 *
 * Credits a purchase. When it returns %TRUE the points are on disk. The
 * card must be one whose signed code this kiosk holds (see
 * vtr_loyalty_scan_card()).
 */
gboolean
vtr_loyalty_credit (VtrStore          *store,
                    const char        *session,
                    const char        *card_id,
                    gint64             amount_cents,
                    const gint64      *products,
                    guint              n_products,
                    GDateTime         *now,
                    VtrLoyaltyReceipt *receipt,
                    GError           **error)
{
  gint64 merchant_id, points = 0;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (card_id != NULL && receipt != NULL, FALSE);

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (amount_cents <= 0 || amount_cents > VTR_LOYALTY_MAX_PURCHASE_CENTS)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("The amount must be between 0,01 € and %d €."),
                   VTR_LOYALTY_MAX_PURCHASE_CENTS / 100);
      return FALSE;
    }

  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!check_card_known (store, card_id, error) ||
      !points_for (store, merchant_id, amount_cents, products, n_products, now, &points, error) ||
      !check_caps (store, card_id, merchant_id, points, vtr_paris_day (now), error) ||
      !write_event (store, "credit", card_id, merchant_id, points, amount_cents, 0, now, receipt,
                    error) ||
      !vtr_loyalty_balance (store, card_id, &receipt->balance, NULL, error))
    {
      vtr_store_rollback (store);
      vtr_loyalty_receipt_clear (receipt);
      return FALSE;
    }
  if (!vtr_store_commit (store, error))
    {
      vtr_loyalty_receipt_clear (receipt);
      return FALSE;
    }
  return TRUE;
}

gboolean
vtr_loyalty_redeem (VtrStore          *store,
                    const char        *session,
                    const char        *card_id,
                    gint64             reward_id,
                    GDateTime         *now,
                    VtrLoyaltyReceipt *receipt,
                    GError           **error)
{
  gint64 merchant_id, cost = 0, balance;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (!vtr_store_begin (store, error))
    return FALSE;

  if (!check_card_known (store, card_id, error))
    goto rollback;
  if (!query_int (store, "SELECT points FROM reward WHERE id = ? AND merchant_id = ?", NULL,
                  reward_id, merchant_id, &cost, error))
    goto rollback;
  if (cost <= 0)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_UNKNOWN_REWARD,
                   _("This shop has no reward number %lld."), (long long) reward_id);
      goto rollback;
    }
  /* Offline, a redeem may not exceed what is known: the last balance the
   * hub acknowledged plus what this kiosk credited since. */
  if (!vtr_loyalty_balance (store, card_id, &balance, NULL, error))
    goto rollback;
  if (balance < cost)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BALANCE,
                   _("This reward takes %lld points and the card has %lld."), (long long) cost,
                   (long long) balance);
      goto rollback;
    }
  if (!write_event (store, "redeem", card_id, merchant_id, -cost, 0, reward_id, now, receipt,
                    error))
    goto rollback;
  receipt->balance = balance - cost;
  if (!vtr_store_commit (store, error))
    {
      vtr_loyalty_receipt_clear (receipt);
      return FALSE;
    }
  return TRUE;

rollback:
  vtr_store_rollback (store);
  vtr_loyalty_receipt_clear (receipt);
  return FALSE;
}

/**
 * vtr_loyalty_list_rewards:
 *
 * The rewards a shop offers, cheapest first, as its counter shows them.
 *
 * Returns: (transfer container) (element-type VtrReward): the rewards,
 *   or %NULL on error
 */
GPtrArray *
vtr_loyalty_list_rewards (VtrStore  *store,
                          gint64     merchant_id,
                          GError   **error)
{
  g_autoptr(GPtrArray) rewards = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_reward_free);
  g_autoptr(VtrStatement) stmt = NULL;
  GError *local = NULL;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store,
                              "SELECT id, points, kind, value, product_id, title FROM reward "
                              "WHERE merchant_id = ? ORDER BY points, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  while (vtr_store_step_row (store, stmt, &local))
    {
      VtrReward *reward = g_new0 (VtrReward, 1);

      reward->id = sqlite3_column_int64 (stmt, 0);
      reward->merchant_id = merchant_id;
      reward->points = sqlite3_column_int (stmt, 1);
      reward->kind = sqlite3_column_int (stmt, 2);
      reward->value = sqlite3_column_int (stmt, 3);
      reward->product_id = sqlite3_column_int64 (stmt, 4);
      reward->title = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (rewards, reward);
    }
  if (local)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&rewards);
}

/**
 * vtr_loyalty_enrol:
 * @phone: (nullable): the customer's phone number, if they give it
 *
 * Gives a new customer the next blank card; @receipt->code is its signed
 * code, to print.
 */
gboolean
vtr_loyalty_enrol (VtrStore          *store,
                   const char        *session,
                   const char        *phone,
                   GDateTime         *now,
                   VtrLoyaltyReceipt *receipt,
                   GError           **error)
{
  g_autofree char *card_id = NULL;
  g_autofree char *code = NULL;
  gint64 merchant_id;
  VtrStatement *stmt;

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (phone && *phone && !vtr_phone_is_valid (phone))
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("“%s” is not a phone number."), phone);
      return FALSE;
    }
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!vtr_code_stock_take (store, VTR_CODE_CARD, &card_id, &code, error))
    goto rollback;
  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.card (card_id, code, phone, enrolled) "
                              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (card_id) DO UPDATE SET "
                              "  code = ?2, phone = ?3, enrolled = ?4",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  if (phone && *phone)
    sqlite3_bind_text (stmt, 3, phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_date_time_to_unix (now));
  if (!vtr_store_step_done (store, stmt, error) ||
      !write_event (store, "enrol", card_id, merchant_id, 0, 0, 0, now, receipt, error))
    goto rollback;
  receipt->code = g_steal_pointer (&code);
  receipt->balance = 0;
  if (!vtr_store_commit (store, error))
    {
      vtr_loyalty_receipt_clear (receipt);
      return FALSE;
    }
  return TRUE;

rollback:
  vtr_store_rollback (store);
  vtr_loyalty_receipt_clear (receipt);
  return FALSE;
}

void
vtr_loyalty_event_free (VtrLoyaltyEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->uuid);
  g_free (event->kind);
  g_free (event->card_id);
  g_free (event);
}

/**
 * vtr_loyalty_last_event:
 *
 * Returns: (nullable): the last credit or redeem recorded on this kiosk,
 *   for its slip; %NULL without error when there is none.
 */
VtrLoyaltyEvent *
vtr_loyalty_last_event (VtrStore *store,
                        GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT uuid, kind, card_id, merchant_id, points, coalesce (amount_cents, 0), "
                         "  created FROM journal.loyalty_event WHERE kind IN ('credit', 'redeem') "
                         "ORDER BY created DESC LIMIT 1",
                         error);
  VtrLoyaltyEvent *event;

  if (stmt == NULL || !vtr_store_step_row (store, stmt, error))
    return NULL;
  event = g_new0 (VtrLoyaltyEvent, 1);
  event->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  event->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  event->card_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  event->merchant_id = sqlite3_column_int64 (stmt, 3);
  event->points = sqlite3_column_int64 (stmt, 4);
  event->amount_cents = sqlite3_column_int64 (stmt, 5);
  event->created = sqlite3_column_int64 (stmt, 6);
  return event;
}

/* The signed code of a card enrolled on this kiosk, to print it again. */
char *
vtr_loyalty_card_code (VtrStore   *store,
                       const char *card_id,
                       GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT code FROM journal.card WHERE card_id = ? AND code IS NOT NULL", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    vtr_store_set_error (store, rc, error);
  else
    g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                 _("The card %s was not enrolled on this kiosk: its code is not here to print"), card_id);
  return NULL;
}

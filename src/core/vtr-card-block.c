#include "config.h"

#include "vtr-card-block.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-json.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"

/*
 * Lost cards. At the counter the merchant scans the customer's new card,
 * finds the old one (by the phone number given at enrolment, or by the
 * last characters printed under it), and blocks it: one transaction
 * writes the transfer in journal.card_transfer and a `transfer` event in
 * the outbox. Until the hub answers, the old card's balance counts on the
 * new one here; the hub then moves it for good, once, and spreads the
 * block in its change feed (catalogue table blocked_card), after which
 * every kiosk refuses the old card (docs/hub-api.md, "Lost cards").
 *
 * A card is blocked on this device when the feed says so, or when it was
 * blocked here and the hub did not refuse it.
 */

#define CARD_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

void
vtr_card_match_free (VtrCardMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->card_id);
  g_free (match);
}

static gboolean
is_card_id (const char *text)
{
  return text && strlen (text) == VTR_CARD_ID_LENGTH &&
         strspn (text, CARD_ALPHABET) == VTR_CARD_ID_LENGTH;
}

gboolean
vtr_card_is_blocked (VtrStore   *store,
                     const char *card_id,
                     gboolean   *blocked,
                     GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT EXISTS (SELECT 1 FROM blocked_card WHERE card_id = ?1) "
                         "  OR EXISTS (SELECT 1 FROM journal.card_transfer WHERE old_card = ?1 "
                         "             AND uuid NOT IN (SELECT uuid FROM journal.outbox_rejected))",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (!vtr_store_step_row (store, stmt, error))
    return FALSE;
  *blocked = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* The words a shopkeeper reads when a lost card is shown: what happened
 * and what to do. */
gboolean
vtr_card_check_not_blocked (VtrStore   *store,
                            const char *card_id,
                            GError    **error)
{
  gboolean blocked = FALSE;

  if (!vtr_card_is_blocked (store, card_id, &blocked, error))
    return FALSE;
  if (blocked)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BLOCKED,
                   _("This card was declared lost: it is blocked and its points were moved to the "
                     "customer’s new card. Use the new card; if the customer does not have it, a "
                     "shop’s counter finds it with “Lost card” and the customer’s phone number."));
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_card_transfer_delta:
 *
 * What the transfers this device made and the hub has not counted yet
 * add to @card_id's balance: the old card's points on the new card, and
 * as much less on the old one. A transfer the hub refused counts for
 * nothing.
 */
gboolean
vtr_card_transfer_delta (VtrStore   *store,
                         const char *card_id,
                         gint64     *delta,
                         GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT coalesce (sum (CASE WHEN new_card = ?1 AND acknowledged_new = 0 "
                         "                           THEN points ELSE 0 END), 0) "
                         "     - coalesce (sum (CASE WHEN old_card = ?1 AND acknowledged_old = 0 "
                         "                           THEN points ELSE 0 END), 0) "
                         "FROM journal.card_transfer WHERE (old_card = ?1 OR new_card = ?1) "
                         "  AND uuid NOT IN (SELECT uuid FROM journal.outbox_rejected)",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (!vtr_store_step_row (store, stmt, error))
    return FALSE;
  *delta = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/**
 * vtr_card_normalize_suffix:
 * @text: the last characters of a card's number, as the customer reads
 *   them (spaces and lower case taken)
 *
 * Returns: (transfer full) (nullable): the characters in upper case.
 */
char *
vtr_card_normalize_suffix (const char *text,
                           GError    **error)
{
  g_autoptr(GString) suffix = g_string_new (NULL);

  for (const char *p = text; p && *p; p++)
    if (*p != ' ' && *p != '-')
      g_string_append_c (suffix, g_ascii_toupper (*p));
  if (suffix->len < VTR_CARD_SUFFIX_MIN || suffix->len > VTR_CARD_ID_LENGTH ||
      strspn (suffix->str, CARD_ALPHABET) != suffix->len)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("Type at least the last %d characters of the card’s number, as printed under "
                     "its code (letters and digits 2 to 7)."),
                   VTR_CARD_SUFFIX_MIN);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&suffix), FALSE);
}

/* The last 9 digits of a phone number: "06 12 34 56 78" and
 * "+33 6 12 34 56 78" are the same customer. */
static char *
phone_key (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = phone; p && *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len < 9)
    return NULL;
  return g_strdup (digits->str + digits->len - 9);
}

static gboolean
add_match (VtrStore   *store,
           GPtrArray  *matches,
           const char *card_id,
           GError    **error)
{
  VtrCardMatch *match = g_new0 (VtrCardMatch, 1);

  match->card_id = g_strdup (card_id);
  g_ptr_array_add (matches, match);
  return vtr_card_is_blocked (store, card_id, &match->blocked, error) &&
         vtr_loyalty_balance (store, card_id, &match->balance, NULL, error);
}

/**
 * vtr_card_find:
 * @phone: (nullable): the phone number the customer gave at enrolment
 * @suffix: (nullable): the last characters of the card's number
 *
 * The cards of this device's journal that match, at most
 * %VTR_CARD_FIND_MAX + 1 (one more says the search is too wide). The
 * phone number is compared here only: the hub never receives it.
 *
 * Returns: (transfer container) (element-type VtrCardMatch): the cards
 */
GPtrArray *
vtr_card_find (VtrStore   *store,
               const char *phone,
               const char *suffix,
               GError    **error)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_card_match_free);
  g_autoptr(VtrStatement) stmt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *normal = NULL;
  GError *local = NULL;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  if (phone && *phone)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      if (!(key = phone_key (phone)))
        {
          g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                       _("“%s” is not a phone number."), phone);
          return NULL;
        }
      stmt = vtr_store_statement (store,
                                  "SELECT card_id, phone FROM journal.card WHERE phone IS NOT NULL "
                                  "ORDER BY coalesce (enrolled, 0) DESC",
                                  error);
      if (stmt == NULL)
        return NULL;
      while (vtr_store_step_row (store, stmt, &local))
        {
          g_autofree char *other = phone_key ((const char *) sqlite3_column_text (stmt, 1));

          if (other && g_str_equal (other, key) && ids->len <= VTR_CARD_FIND_MAX)
            g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        }
      g_clear_pointer (&stmt, sqlite3_reset);
      if (local)
        {
          g_propagate_error (error, local);
          return NULL;
        }
      for (guint i = 0; i < ids->len; i++)
        if (!add_match (store, matches, g_ptr_array_index (ids, i), error))
          return NULL;
      return g_steal_pointer (&matches);
    }

  if (!(normal = vtr_card_normalize_suffix (suffix, error)))
    return NULL;
  stmt = vtr_store_statement (store,
                              "SELECT card_id FROM journal.card WHERE card_id LIKE '%' || ?1 "
                              "UNION SELECT old_card FROM journal.card_transfer WHERE old_card LIKE '%' || ?1 "
                              "LIMIT ?2",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, VTR_CARD_FIND_MAX + 1);
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

    while (vtr_store_step_row (store, stmt, &local))
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    g_clear_pointer (&stmt, sqlite3_reset);
    if (local)
      {
        g_propagate_error (error, local);
        return NULL;
      }
    for (guint i = 0; i < ids->len; i++)
      if (!add_match (store, matches, g_ptr_array_index (ids, i), error))
        return NULL;
  }
  return g_steal_pointer (&matches);
}

static char *
transfer_payload (const char *old_card,
                  const char *old_code,
                  const char *new_card,
                  const char *new_code,
                  gint64      merchant_id,
                  gint64      points,
                  gint64      created)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "kind", "transfer");
  vtr_json_add_string (builder, "card", old_card);
  if (old_code)
    vtr_json_add_string (builder, "code", old_code);
  vtr_json_add_string (builder, "new_card", new_card);
  /* The new card as the federation signed it: the hub moves no points to
   * a card it cannot check. */
  vtr_json_add_string (builder, "new_code", new_code);
  vtr_json_add_int (builder, "merchant", merchant_id);
  vtr_json_add_int (builder, "points", points);
  vtr_json_add_int (builder, "created", created);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

static char *
card_code (VtrStore   *store,
           const char *card_id,
           GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT code FROM journal.card WHERE card_id = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  if (!vtr_store_step_row (store, stmt, error))
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/**
 * vtr_card_transfer:
 * @session: the staff session
 * @old_card: the lost card's number (found with vtr_card_find())
 * @new_card_text: the new card as scanned: its signed code
 * @hub_balance: the lost card's balance as the hub gave it to a search,
 *   or -1 when the search did not ask the hub
 * @receipt: (out caller-allocates): the new card, the points moved and
 *   its balance
 *
 * Blocks @old_card and moves its balance to the new card, in one durable
 * transaction with its `transfer` event for the hub.
 */
gboolean
vtr_card_transfer (VtrStore          *store,
                   const char        *session,
                   const char        *old_card,
                   const char        *new_card_text,
                   gint64             hub_balance,
                   const VtrKeyList  *keys,
                   GDateTime         *now,
                   VtrLoyaltyReceipt *receipt,
                   GError           **error)
{
  g_autofree char *new_card = NULL;
  g_autofree char *old_code = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 merchant_id, balance = 0, pending = 0, points, t = g_date_time_to_unix (now);
  gboolean blocked = FALSE;
  VtrStatement *stmt;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (receipt != NULL, FALSE);

  if (!vtr_staff_session (store, session, now, &merchant_id, error))
    return FALSE;
  if (!is_card_id (old_card))
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD,
                   _("This is not a loyalty card number of the federation."));
      return FALSE;
    }
  /* The new card is scanned: its signed code, never a number typed. */
  if (!(new_card = vtr_loyalty_card_id (new_card_text, keys, now, error)))
    return FALSE;
  if (g_str_equal (new_card, old_card))
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("The new card is the lost card itself: scan the customer’s new card."));
      return FALSE;
    }

  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!vtr_card_is_blocked (store, old_card, &blocked, error))
    goto rollback;
  if (blocked)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BLOCKED,
                   _("This card is already blocked: its points were moved to a new card before."));
      goto rollback;
    }
  if (!vtr_card_is_blocked (store, new_card, &blocked, error))
    goto rollback;
  if (blocked)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BLOCKED,
                   _("The card scanned as the new one was itself declared lost: give the customer "
                     "another new card."));
      goto rollback;
    }
  /* A new card, blank: a card with points already is someone's card,
   * scanned by mistake (the hub would add the two balances up). */
  {
    gint64 new_balance = 0;

    if (!vtr_loyalty_balance (store, new_card, &new_balance, NULL, error))
      goto rollback;
    if (new_balance != 0)
      {
        g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                     _("The card scanned as the new one already has points: it is someone’s card. "
                       "Scan a new blank card."));
        goto rollback;
      }
  }
  /* What the customer had: the hub's word if a search just asked it,
   * plus what this device recorded and the hub does not have yet. */
  if (!vtr_loyalty_balance (store, old_card, &balance, &pending, error))
    goto rollback;
  points = hub_balance >= 0 ? hub_balance + pending : balance;
  points = MAX (points, 0);

  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.card (card_id, code) VALUES (?1, ?2) "
                              "ON CONFLICT (card_id) DO UPDATE SET code = coalesce (code, ?2)",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, new_card, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, new_card_text, -1, SQLITE_STATIC);
  if (!vtr_store_step_done (store, stmt, error))
    goto rollback;

  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.card_transfer (uuid, old_card, new_card, merchant_id, "
                              "  points, created) VALUES (?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, old_card, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, new_card, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, merchant_id);
  sqlite3_bind_int64 (stmt, 5, points);
  sqlite3_bind_int64 (stmt, 6, t);
  if (!vtr_store_step_done (store, stmt, error))
    goto rollback;

  {
    GError *local = NULL;

    old_code = card_code (store, old_card, &local);
    if (local)
      {
        g_propagate_error (error, local);
        goto rollback;
      }
  }
  payload = transfer_payload (old_card, old_code, new_card, new_card_text, merchant_id, points, t);
  if (!vtr_outbox_append (store, uuid, "transfer", payload, t, error))
    goto rollback;

  memset (receipt, 0, sizeof *receipt);
  if (!vtr_loyalty_balance (store, new_card, &receipt->balance, NULL, error))
    goto rollback;
  if (!vtr_store_commit (store, error))
    return FALSE;
  receipt->uuid = g_steal_pointer (&uuid);
  receipt->card_id = g_steal_pointer (&new_card);
  receipt->points = points;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_card_apply_blocks:
 * @page: a page of the hub's change feed
 *
 * Keeps the page's "blocked_cards" ([{"card", "blocked"}, …]), in the
 * caller's transaction (the page's).
 */
gboolean
vtr_card_apply_blocks (VtrStore   *store,
                       JsonObject *page,
                       guint      *n_blocked,
                       GError    **error)
{
  JsonNode *node = json_object_get_member (page, "blocked_cards");
  JsonArray *array;
  VtrStatement *stmt;

  if (n_blocked)
    *n_blocked = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("The hub’s list of blocked cards is not a list: nothing was changed."));
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *card = object ? json_object_get_string_member_with_default (object, "card", NULL) : NULL;
      gint64 blocked = object ? json_object_get_int_member_with_default (object, "blocked", 0) : 0;

      if (!is_card_id (card))
        {
          g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                       _("The hub’s blocked card %u is not a card number: nothing was changed."), i + 1);
          return FALSE;
        }
      stmt = vtr_store_statement (store,
                                  "INSERT INTO blocked_card (card_id, blocked) VALUES (?, ?) "
                                  "ON CONFLICT (card_id) DO NOTHING",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, card, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, blocked);
      if (!vtr_store_step_done (store, stmt, error))
        return FALSE;
      if (n_blocked)
        (*n_blocked)++;
    }
  return TRUE;
}

/**
 * vtr_card_publish_block:
 *
 * On the hub: puts @card_id in the catalogue's blocked cards and in its
 * change log, so the next page of the feed carries it. Publishing a card
 * already published changes nothing.
 */
gboolean
vtr_card_publish_block (VtrStore   *store,
                        const char *card_id,
                        gint64      blocked,
                        GError    **error)
{
  VtrStatement *stmt;

  if (!vtr_store_begin (store, error))
    return FALSE;
  stmt = vtr_store_statement (store,
                              "INSERT INTO blocked_card (card_id, blocked) VALUES (?, ?) "
                              "ON CONFLICT (card_id) DO NOTHING",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, blocked);
  if (!vtr_store_step_done (store, stmt, error))
    goto rollback;
  if (sqlite3_changes (vtr_store_get_db (store)) > 0)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO catalog_change (kind, a, b, seq) "
                         "VALUES (%d, (SELECT id FROM blocked_card WHERE card_id = ?), 0, "
                         "  (SELECT coalesce (max (seq), 0) + 1 FROM catalog_change)) "
                         "ON CONFLICT (kind, a, b) DO UPDATE SET seq = excluded.seq",
                         VTR_CHANGE_BLOCKED_CARD);

      stmt = vtr_store_statement (store, sql, error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, card_id, -1, SQLITE_STATIC);
      if (!vtr_store_step_done (store, stmt, error))
        goto rollback;
    }
  return vtr_store_commit (store, error);

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_card_stale:
 * @before: cards whose balance the hub gave before this time (Unix)
 * @limit: at most this many, the oldest first
 *
 * The cards this device knows (their signed code is here) whose balance
 * it has not asked the hub for since @before: a card credited at another
 * shop then shows the same balance here after a sync.
 *
 * Returns: (transfer container) (element-type utf8): card numbers
 */
GPtrArray *
vtr_card_stale (VtrStore *store,
                gint64    before,
                guint     limit,
                GError  **error)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store,
                         "SELECT card_id FROM journal.card WHERE code IS NOT NULL "
                         "  AND coalesce (acknowledged_at, 0) <= ?1 "
                         "  AND card_id NOT IN (SELECT card_id FROM blocked_card) "
                         "ORDER BY coalesce (acknowledged_at, 0) LIMIT ?2",
                         error);
  GError *local = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, before);
  sqlite3_bind_int (stmt, 2, limit);
  while (vtr_store_step_row (store, stmt, &local))
    g_ptr_array_add (cards, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (local)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&cards);
}

/* The card on a counter, read on a worker thread. */

void
vtr_card_view_free (VtrCardView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->rewards, g_ptr_array_unref);
  g_free (view->card_id);
  g_free (view);
}

typedef struct
{
  char   *data_dir;
  char   *card_id;
  gint64  merchant_id;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_free (data->data_dir);
  g_free (data->card_id);
  g_free (data);
}

static void
read_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ReadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCardView) view = g_new0 (VtrCardView, 1);

  if (g_task_return_error_if_cancelled (task))
    return;
  /* Its own connection: the main thread's is never waited for. */
  if (!(store = vtr_store_open (data->data_dir, &error)) ||
      !vtr_loyalty_balance (store, data->card_id, &view->balance, &view->pending, &error) ||
      !vtr_card_is_blocked (store, data->card_id, &view->blocked, &error) ||
      (data->merchant_id > 0 &&
       !(view->rewards = vtr_loyalty_list_rewards (store, data->merchant_id, &error))))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  view->card_id = g_strdup (data->card_id);
  g_task_return_pointer (task, g_steal_pointer (&view), (GDestroyNotify) vtr_card_view_free);
}

/**
 * vtr_card_read_async:
 * @store: the device's store; the read opens its own on the same folder
 * @merchant_id: the shop whose rewards come with the card, or 0
 *
 * The card's balance, whether it is blocked, and the shop's rewards, read
 * on a worker thread. The callback gets no source object.
 */
void
vtr_card_read_async (VtrStore            *store,
                     const char          *card_id,
                     gint64               merchant_id,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data = g_new0 (ReadData, 1);

  g_return_if_fail (VTR_IS_STORE (store));
  g_return_if_fail (card_id != NULL);

  data->data_dir = g_strdup (vtr_store_get_data_dir (store));
  data->card_id = g_strdup (card_id);
  data->merchant_id = merchant_id;
  /* No source object: the task may be freed on the worker thread. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_card_read_async);
  g_task_set_name (task, "[vitrine] card read");
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_in_thread);
}

VtrCardView *
vtr_card_read_finish (GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_card_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#include "config.h"

#include "vtr-counter.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-app-enums.h"
#include "vtr-card-block.h"
#include "vtr-flashcode.h"
#include "vtr-lost-card.h"
#include "vtr-loyalty.h"
#include "vtr-order-privacy.h"
#include "vtr-orders.h"
#include "vtr-order-reader.h"
#include "vtr-print-queue.h"
#include "vtr-staff.h"

/*
 * The counter of a shop, without its widgets: the staff behind their PIN;
 * a customer's card scanned, a purchase credited on the keypad, a reward
 * given (the card is then done: the next amount takes a new scan, and a
 * card left there goes after VTR_COUNTER_CARD_TIMEOUT seconds without a
 * key or a scan); a new customer's card made and printed; the shop's
 * orders, handed over by scanning their pickup codes or, ready, by their
 * number ("Collected"). The keypad also takes the
 * administrator's PIN before the admin screen.
 *
 * Without a card on the counter, digits typed are an order's number: the
 * customer says "5396" of "AA-5396" (numbers have letters, the keypad
 * none), OK lists the orders still to hand over whose numbers have those
 * digits and says which is ready. An amount needs the card first: once it
 * is scanned, the same digits are the purchase's amount.
 *
 * What a screen shows is a property here, with its notify: the keypad's
 * title, what was typed (dots for a PIN), the message, the card and its
 * points, the shop's orders and rewards. Before a staff session, and
 * while the administrator's PIN is asked, nothing of a shop's customers
 * is there to show. PINs are checked on a worker thread (Argon2id takes
 * a noticeable time); tickets print through the print service.
 */

struct _VtrCounter
{
  GObject           parent_instance;

  /* Borrowed from the application, which owns them. */
  VtrStore         *store;
  VtrCatalog       *catalog;
  VtrPrintService  *printer;   /* NULL: no printing here */
  const VtrKeyList *keys;

  gint64            merchant_id;
  VtrCounterMode    mode;
  char             *session;
  char             *card_id;
  char             *slip_card_id; /* the card just credited or rewarded, gone from the counter: its slip */
  gint64            balance;
  guint             card_timeout; /* seconds without a key or a scan before the card goes */
  guint             card_timeout_id;
  GString          *typed;     /* PIN, amount or mobile being typed */
  GCancellable     *pin_check; /* the PIN being checked, if any */
  GCancellable     *card_read; /* the card's points being read, if any */
  GCancellable     *writing;   /* a credit, reward, card or order step being written, if any */
  GCancellable     *cancellable; /* printing, until dispose */

  /* What a screen shows. */
  char             *title;
  char             *keyed;
  char             *message;
  char             *card;
  gboolean          can_enrol;
  gboolean          can_print_slip;
  GPtrArray        *orders;    /* VtrOrder */
  GHashTable       *product_names; /* the orders' products, by id */
  GPtrArray        *rewards;   /* VtrReward */
  gint64            waiting;   /* orders waiting to be accepted: the badge */
  char             *asked_number; /* the digits of an order's number typed: the list shows its orders */
  gboolean          asked_unanswered; /* and the next read of them says what was found */
  GCancellable     *orders_read; /* the read of the orders under way */
  gboolean          orders_busy; /* and it reads the list a screen shows */
  VtrLostCard      *lost;      /* a lost card being replaced, if any */
};

G_DEFINE_FINAL_TYPE (VtrCounter, vtr_counter, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  PROP_PRINTER,
  PROP_KEYS,
  PROP_MERCHANT_ID,
  PROP_MODE,
  PROP_BUSY,
  PROP_SESSION_OPEN,
  PROP_TITLE,
  PROP_KEYED,
  PROP_MESSAGE,
  PROP_CARD,
  PROP_CARD_ID,
  PROP_BALANCE,
  PROP_CAN_ENROL,
  PROP_CAN_PRINT_SLIP,
  PROP_ORDERS,
  PROP_REWARDS,
  PROP_WAITING,
  PROP_LOST_CARD,
  PROP_CARD_TIMEOUT,
  PROP_ASKED_NUMBER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ADMIN_UNLOCKED,
  WRITTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_string (VtrCounter  *self,
            char       **field,
            const char  *value,
            int          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_boolean (VtrCounter *self,
             gboolean   *field,
             gboolean    value,
             int         prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_message (VtrCounter *self,
             const char *message)
{
  set_string (self, &self->message, message ? message : "", PROP_MESSAGE);
}

static void
set_mode (VtrCounter     *self,
          VtrCounterMode  mode)
{
  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

static gboolean
asks_pin (VtrCounter *self)
{
  return self->mode == VTR_COUNTER_MODE_STAFF_PIN || self->mode == VTR_COUNTER_MODE_ADMIN_PIN;
}

/* Digits typed without a card are an order's number: an amount needs the
 * card first (a shop's device, which has orders). */
static gboolean
takes_order_number (VtrCounter *self)
{
  return self->mode == VTR_COUNTER_MODE_AMOUNT && self->card_id == NULL && self->merchant_id > 0 &&
         self->lost == NULL;
}

/* What the keypad shows: dots for a PIN, the mobile, or the amount. */
static void
update_keyed (VtrCounter *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (asks_pin (self))
    {
      for (gsize i = 0; i < self->typed->len; i++)
        g_string_append (text, "● ");
      if (self->typed->len == 0)
        g_string_assign (text, " ");
    }
  else if (self->mode == VTR_COUNTER_MODE_ENROL_PHONE ||
           (takes_order_number (self) && !strchr (self->typed->str, ',')))
    g_string_assign (text, self->typed->len ? self->typed->str : "—");
  else
    g_string_printf (text, "%s €", self->typed->len ? self->typed->str : "0");
  set_string (self, &self->keyed, text->str, PROP_KEYED);
}

static gboolean
same_orders (GPtrArray *a,
             GPtrArray *b)
{
  for (guint i = 0; i < a->len; i++)
    {
      VtrOrder *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      /* The customer's name too: it is erased on request. */
      if (g_strcmp0 (x->number, y->number) != 0 || x->state != y->state ||
          g_strcmp0 (x->first_name, y->first_name) != 0 ||
          g_strcmp0 (x->refusal, y->refusal) != 0 || g_strcmp0 (x->reason, y->reason) != 0 ||
          g_strcmp0 (x->locker_compartment, y->locker_compartment) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
same_rewards (GPtrArray *a,
              GPtrArray *b)
{
  for (guint i = 0; i < a->len; i++)
    {
      VtrReward *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      if (x->id != y->id || x->points != y->points || g_strcmp0 (x->title, y->title) != 0)
        return FALSE;
    }
  return TRUE;
}

/* A list replaced, and said so, only when what it shows changed: a
 * screen builds its rows again on the notify. */
static void
set_list (VtrCounter  *self,
          GPtrArray  **field,
          GPtrArray   *list,
          int          prop)
{
  if (*field == NULL && list == NULL)
    return;
  if (*field && list && (*field)->len == list->len &&
      (prop == PROP_ORDERS ? same_orders (*field, list) : same_rewards (*field, list)))
    {
      g_ptr_array_unref (list);
      return;
    }
  g_clear_pointer (field, g_ptr_array_unref);
  *field = list;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
shows_orders (VtrCounter *self)
{
  return self->session && !asks_pin (self) && self->merchant_id > 0;
}

static void refresh_orders (VtrCounter *self);
static void answer_number  (VtrCounter *self);

static void
orders_read (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GWeakRef *ref = data;
  g_autoptr(VtrCounter) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrderView) view = vtr_order_view_read_finish (result, &error);
  GPtrArray *orders;

  g_weak_ref_clear (ref);
  g_free (ref);

  /* Another read asked since, the session ended, the counter is gone:
   * this one is for nobody. A read never keeps the counter alive. */
  if (self == NULL || view == NULL || self->orders_read == NULL ||
      g_cancellable_is_cancelled (self->orders_read))
    {
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The shop's orders could not be read: %s", error->message);
      return;
    }
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->orders_read);
  if (self->pin_check == NULL && self->orders_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  self->orders_busy = FALSE;
  /* In a session, a list even empty: the screen shows where orders come. */
  orders = shows_orders (self) && view->orders ? g_steal_pointer (&view->orders) : NULL;
  g_clear_pointer (&self->product_names, g_hash_table_unref);
  if (orders)
    self->product_names = g_steal_pointer (&view->names);
  set_list (self, &self->orders, orders, PROP_ORDERS);
  if (self->asked_unanswered && self->orders)
    answer_number (self);
  if (self->waiting != view->waiting)
    {
      self->waiting = view->waiting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The shop's orders, newest first: only inside a staff session; and how
 * many wait, for the badge, at any time. Read on a worker thread: the
 * list changes when the read returns. */
static void
refresh_orders (VtrCounter *self)
{
  gboolean was_busy = self->pin_check || (self->orders_read && self->orders_busy);
  GWeakRef *ref;

  if (self->orders_read)
    g_cancellable_cancel (self->orders_read);
  g_clear_object (&self->orders_read);
  self->orders_busy = FALSE;
  if (!shows_orders (self))
    set_list (self, &self->orders, NULL, PROP_ORDERS);
  if (self->merchant_id > 0)
    {
      self->orders_read = g_cancellable_new ();
      /* Busy while the list a screen shows is read; the badge's count
       * alone keeps nobody waiting. */
      self->orders_busy = shows_orders (self);
    }
  if (was_busy != (self->pin_check || (self->orders_read && self->orders_busy)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (self->orders_read == NULL)
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  vtr_order_view_read_async (vtr_store_get_data_dir (self->store), self->merchant_id, shows_orders (self),
                             VTR_COUNTER_MAX_ORDERS, shows_orders (self) ? self->asked_number : NULL,
                             self->orders_read, orders_read, ref);
}

static void
set_asked_number (VtrCounter *self,
                  const char *digits)
{
  self->asked_unanswered = digits != NULL;
  set_string (self, &self->asked_number, digits, PROP_ASKED_NUMBER);
}

/* What the orders read for a number typed say: which one is ready to
 * hand over, or that two are (the customer's name tells them apart), or
 * where it is; none: the list shows all the shop's orders again, and the
 * digits stay typed (an amount, once the card is scanned). */
static void
answer_number (VtrCounter *self)
{
  g_autofree char *words = NULL;
  VtrOrder *ready = NULL;
  guint n_ready = 0;

  self->asked_unanswered = FALSE;
  for (guint i = 0; i < self->orders->len; i++)
    {
      VtrOrder *order = g_ptr_array_index (self->orders, i);

      if (order->state == VTR_ORDER_READY && order->locker_id <= 0)
        {
          ready = ready ? ready : order;
          n_ready++;
        }
    }
  if (self->orders->len == 0)
    {
      words = g_strdup_printf (_("No order to hand over has the number %s. For a purchase, scan the customer’s "
                                 "card first."),
                               self->asked_number);
      set_message (self, words);
      set_asked_number (self, NULL);
      refresh_orders (self);
      return;
    }
  if (n_ready == 1)
    words = g_strdup_printf (_("Order %s for %s is ready: hand it over with “Collected”."), ready->number,
                             ready->first_name ? ready->first_name : "");
  else if (n_ready > 1)
    words = g_strdup_printf (ngettext ("%u ready order has the number %s: check the customer’s name.",
                                       "%u ready orders have the number %s: check the customer’s name.",
                                       n_ready),
                             n_ready, self->asked_number);
  else
    words = vtr_order_describe_state (g_ptr_array_index (self->orders, 0));
  set_message (self, words);
  g_string_truncate (self->typed, 0);
  update_keyed (self);
}

/* "Card …ABCD: 12 points" */
static char *
card_words (const char *card_id,
            gint64      balance,
            gboolean    blocked)
{
  const char *end = card_id + strlen (card_id) - MIN (strlen (card_id), 4);

  if (blocked)
    return g_strdup_printf (_("Card …%s: declared lost, blocked"), end);
  return g_strdup_printf (ngettext ("Card …%s: %lld point", "Card …%s: %lld points", balance), end,
                          (long long) balance);
}

static void
set_balance (VtrCounter *self,
             gint64      balance)
{
  if (self->balance == balance)
    return;
  self->balance = balance;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BALANCE]);
}

static void
cancel_card_read (VtrCounter *self)
{
  if (self->card_read == NULL)
    return;
  g_cancellable_cancel (self->card_read);
  g_clear_object (&self->card_read);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The card's points and the shop's rewards, read on a worker thread with
 * its own connection (issue 15: no SQLite on the main thread for them). */

typedef struct
{
  GWeakRef      self;
  GCancellable *read; /* this read's, compared with the counter's */
} CardRead;

static void
card_read_free (CardRead *read)
{
  g_weak_ref_clear (&read->self);
  g_object_unref (read->read);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardRead, card_read_free)

static void
card_was_read (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(CardRead) read = data;
  g_autoptr(VtrCounter) self = g_weak_ref_get (&read->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCardView) view = vtr_card_read_finish (result, &error);
  g_autofree char *card = NULL;
  GPtrArray *rewards;

  /* Gone, cleared, or another card since: this answer is for nobody. */
  if (self == NULL || self->card_read != read->read || g_cancellable_is_cancelled (read->read))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->card_read);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (view == NULL)
    set_message (self, error->message);
  else if (self->card_id && g_str_equal (view->card_id, self->card_id))
    {
      card = card_words (view->card_id, view->balance, view->blocked);
      set_string (self, &self->card, card, PROP_CARD);
      set_balance (self, view->blocked ? 0 : view->balance);
      rewards = view->blocked ? NULL : g_steal_pointer (&view->rewards);
      if (rewards && rewards->len == 0)
        g_clear_pointer (&rewards, g_ptr_array_unref);
      set_list (self, &self->rewards, rewards, PROP_REWARDS);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
read_card (VtrCounter *self)
{
  CardRead *read = g_new0 (CardRead, 1);

  cancel_card_read (self);
  self->card_read = g_cancellable_new ();
  g_weak_ref_init (&read->self, self);
  read->read = g_object_ref (self->card_read);
  vtr_card_read_async (self->store, self->card_id, self->merchant_id, self->card_read, card_was_read, read);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Everything a screen shows, from the state. */
static void
update (VtrCounter *self)
{
  g_autofree char *card = NULL;
  const char *title;

  g_object_freeze_notify (G_OBJECT (self));
  switch (self->mode)
    {
    case VTR_COUNTER_MODE_ADMIN_PIN:
      title = _("Administrator PIN");
      break;
    case VTR_COUNTER_MODE_STAFF_PIN:
      title = _("Staff PIN");
      break;
    case VTR_COUNTER_MODE_ENROL_PHONE:
      title = _("New card: the customer’s mobile, if they give it, then OK");
      break;
    case VTR_COUNTER_MODE_AMOUNT:
    default:
      /* What the digits are: said above them. */
      title = takes_order_number (self) ? _("Order number — or the customer’s card")
                                        : _("Amount of the purchase");
      break;
    }
  set_string (self, &self->title, title, PROP_TITLE);

  if (self->lost)
    {
      /* A lost card is being replaced: its panel says everything. */
      cancel_card_read (self);
      set_string (self, &self->card, "", PROP_CARD);
      set_balance (self, 0);
      set_list (self, &self->rewards, NULL, PROP_REWARDS);
    }
  else if (self->session && self->card_id && !asks_pin (self))
    {
      /* What is known until the read says more: never a wait here. */
      card = card_words (self->card_id, self->balance, FALSE);
      set_string (self, &self->card, card, PROP_CARD);
      read_card (self);
    }
  else
    {
      cancel_card_read (self);
      if (self->session && !asks_pin (self))
        card = g_strdup (_("Scan the customer’s card"));
      set_string (self, &self->card, card ? card : "", PROP_CARD);
      set_balance (self, 0);
      set_list (self, &self->rewards, NULL, PROP_REWARDS);
    }
  set_boolean (self, &self->can_enrol, self->session && !asks_pin (self) && self->merchant_id > 0 && !self->lost,
               PROP_CAN_ENROL);
  set_boolean (self, &self->can_print_slip,
               self->session && !asks_pin (self) && (self->card_id || self->slip_card_id) && !self->lost,
               PROP_CAN_PRINT_SLIP);
  update_keyed (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The card a slip is for: the one on the counter, else the one just
 * credited or rewarded. */
static const char *
slip_card (VtrCounter *self)
{
  return self->card_id ? self->card_id : self->slip_card_id;
}

static void
set_card_id (VtrCounter *self,
             char       *card_id)
{
  if (g_strcmp0 (self->card_id, card_id) == 0)
    {
      g_free (card_id);
      return;
    }
  g_free (self->card_id);
  self->card_id = card_id;
  if (card_id)
    g_clear_pointer (&self->slip_card_id, g_free);
  /* Another customer: nothing of the one before while theirs is read. */
  set_balance (self, 0);
  set_list (self, &self->rewards, NULL, PROP_REWARDS);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_ID]);
}

static void
set_session (VtrCounter *self,
             char       *session)
{
  gboolean was_open = self->session != NULL;

  g_free (self->session);
  self->session = session;
  if (was_open != (session != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_OPEN]);
}

static void
cancel_pin_check (VtrCounter *self)
{
  if (self->pin_check == NULL)
    return;
  g_cancellable_cancel (self->pin_check);
  g_clear_object (&self->pin_check);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* A write under way goes on (what is written stays written), but what it
 * says is for nobody once the session ended. */
static void
forget_writing (VtrCounter *self)
{
  if (self->writing == NULL)
    return;
  g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* A card left on the counter, or an amount typed, goes after a while
 * without a key or a scan: a stray Enter later credits nobody (issue 15). */
static gboolean
card_timed_out (gpointer data)
{
  VtrCounter *self = data;

  /* A write under way, a lost card being replaced: later. */
  if (self->writing || self->lost)
    return G_SOURCE_CONTINUE;
  self->card_timeout_id = 0;
  g_object_freeze_notify (G_OBJECT (self));
  set_card_id (self, NULL);
  g_clear_pointer (&self->slip_card_id, g_free);
  if (self->mode == VTR_COUNTER_MODE_AMOUNT)
    g_string_truncate (self->typed, 0);
  set_message (self, NULL);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_REMOVE;
}

/* A key or a scan at the counter: the card's time starts again. */
static void
note_activity (VtrCounter *self)
{
  g_clear_handle_id (&self->card_timeout_id, g_source_remove);
  if (self->session && self->card_timeout > 0 && (self->card_id || self->slip_card_id || self->typed->len))
    self->card_timeout_id = g_timeout_add_seconds (self->card_timeout, card_timed_out, self);
}

/**
 * vtr_counter_clear:
 *
 * Ends the staff session and forgets the customer (idle reset, going
 * home): the next person sees nothing of them. The keypad asks for the
 * staff PIN again.
 */
void
vtr_counter_clear (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  g_object_freeze_notify (G_OBJECT (self));
  cancel_pin_check (self);
  forget_writing (self);
  if (self->lost)
    {
      g_clear_object (&self->lost);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOST_CARD]);
    }
  set_session (self, NULL);
  set_card_id (self, NULL);
  g_clear_pointer (&self->slip_card_id, g_free);
  g_clear_handle_id (&self->card_timeout_id, g_source_remove);
  g_string_truncate (self->typed, 0);
  set_asked_number (self, NULL);
  set_mode (self, VTR_COUNTER_MODE_STAFF_PIN);
  set_message (self, NULL);
  refresh_orders (self);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_counter_open:
 *
 * The counter shown: the staff PIN asked, unless a staff session is open;
 * nothing typed, no message.
 */
void
vtr_counter_open (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->session == NULL)
    set_mode (self, VTR_COUNTER_MODE_STAFF_PIN);
  else if (asks_pin (self))
    set_mode (self, VTR_COUNTER_MODE_AMOUNT);
  g_string_truncate (self->typed, 0);
  set_asked_number (self, NULL);
  set_message (self, NULL);
  refresh_orders (self);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_counter_ask_admin_pin:
 *
 * The keypad asks for the administrator's PIN. Whatever staff session was
 * open ends first, and what it showed goes: no shop's orders, customer
 * names or card stay on screen while the PIN is typed.
 */
void
vtr_counter_ask_admin_pin (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  g_object_freeze_notify (G_OBJECT (self));
  vtr_counter_clear (self);
  set_mode (self, VTR_COUNTER_MODE_ADMIN_PIN);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A PIN checked on a worker thread. */

typedef struct
{
  VtrCounter     *self;  /* a reference */
  GCancellable   *check; /* this check's, compared with the counter's */
  VtrCounterMode  mode;
} PinCheck;

static void
pin_check_free (PinCheck *check)
{
  g_object_unref (check->self);
  g_object_unref (check->check);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PinCheck, pin_check_free)

static void
pin_checked (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(PinCheck) check = data;
  VtrCounter *self = check->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  gboolean right;

  if (check->mode == VTR_COUNTER_MODE_ADMIN_PIN)
    right = vtr_staff_check_admin_finish (self->store, result, &error);
  else
    right = (session = vtr_staff_login_finish (self->store, result, &error)) != NULL;

  /* Cleared, or another PIN asked meanwhile: this answer is for nobody. */
  if (self->pin_check != check->check || g_cancellable_is_cancelled (check->check))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->pin_check);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (!right)
    set_message (self, error->message);
  else if (check->mode == VTR_COUNTER_MODE_ADMIN_PIN)
    {
      /* The administrator's session opens the admin screen and nothing
       * else: the keypad goes back to the staff PIN behind it. */
      set_mode (self, VTR_COUNTER_MODE_STAFF_PIN);
      update (self);
      g_object_thaw_notify (G_OBJECT (self));
      g_signal_emit (self, signals[ADMIN_UNLOCKED], 0);
      return;
    }
  else
    {
      set_session (self, g_steal_pointer (&session));
      set_mode (self, VTR_COUNTER_MODE_AMOUNT);
    }
  refresh_orders (self);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
check_pin (VtrCounter *self)
{
  PinCheck *check = g_new0 (PinCheck, 1);

  cancel_pin_check (self);
  self->pin_check = g_cancellable_new ();
  check->self = g_object_ref (self);
  check->check = g_object_ref (self->pin_check);
  check->mode = self->mode;
  /* Argon2id, on a worker thread with its own connection to the journal. */
  if (self->mode == VTR_COUNTER_MODE_ADMIN_PIN)
    vtr_staff_check_admin_async (self->store, self->typed->str, self->pin_check, pin_checked, check);
  else
    vtr_staff_login_async (self->store, self->merchant_id, self->typed->str, self->pin_check, pin_checked, check);
  g_string_truncate (self->typed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/*
 * The counter's writes to the journal: a purchase credited, a reward
 * given, a new card, an order's next step. The journal waits for the disk
 * on each commit (synchronous=FULL: an acknowledged credit survives a power
 * cut), which on a kiosk's flash can hold a thread for tens of
 * milliseconds: they run on a worker thread with its own connection, as
 * the counter's reads do. Meanwhile the counter is busy and its keys wait;
 * what happened comes back as the properties change.
 */
static void print_ticket (VtrCounter *self,
                          VtrTicket  *ticket,
                          gboolean    new_card);

typedef enum
{
  WRITE_CREDIT,
  WRITE_REDEEM,
  WRITE_ENROL,
  WRITE_ADVANCE,
  WRITE_HAND_OVER,
} WriteKind;

typedef struct
{
  GWeakRef           self;
  GCancellable      *writing;   /* the counter's when it began */
  WriteKind          kind;
  char              *data_dir;
  char              *session;
  char              *card_id;
  char              *phone;
  char              *number;
  char              *first_name; /* the customer an order was handed over to */
  gint64             cents;
  gint64             reward_id;
  VtrOrderState      next;
  GDateTime         *now;
  VtrLoyaltyReceipt  receipt;   /* what was written */
} Write;

static void
write_free (Write *write)
{
  g_weak_ref_clear (&write->self);
  g_clear_object (&write->writing);
  g_free (write->data_dir);
  g_free (write->session);
  g_free (write->card_id);
  g_free (write->phone);
  g_free (write->number);
  g_free (write->first_name);
  g_clear_pointer (&write->now, g_date_time_unref);
  vtr_loyalty_receipt_clear (&write->receipt);
  g_free (write);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Write, write_free)

/* Worker thread. */
static void
write_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Write *write = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (write->data_dir, &error);
  gboolean done = FALSE;

  if (store)
    switch (write->kind)
      {
      case WRITE_CREDIT:
        done = vtr_loyalty_credit (store, write->session, write->card_id, write->cents, NULL, 0, write->now,
                                   &write->receipt, &error);
        break;
      case WRITE_REDEEM:
        done = vtr_loyalty_redeem (store, write->session, write->card_id, write->reward_id, write->now,
                                   &write->receipt, &error);
        break;
      case WRITE_ENROL:
        done = vtr_loyalty_enrol (store, write->session, write->phone, write->now, &write->receipt, &error);
        break;
      case WRITE_ADVANCE:
        done = vtr_order_advance (store, write->session, write->number, write->next, write->now, &error);
        break;
      case WRITE_HAND_OVER:
        {
          g_autoptr(VtrOrder) order = vtr_order_hand_over (store, write->session, write->number, write->now,
                                                           &error);

          if ((done = order != NULL))
            write->first_name = g_strdup (order->first_name);
        }
        break;
      default:
        g_assert_not_reached ();
      }
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
written (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Write *write = g_task_get_task_data (G_TASK (result));
  g_autoptr(VtrCounter) self = g_weak_ref_get (&write->self);
  g_autoptr(GError) error = NULL;
  gboolean done = g_task_propagate_boolean (G_TASK (result), &error);

  /* The session ended meanwhile, or the counter is gone. */
  if (self == NULL || self->writing != write->writing)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->writing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (done)
    g_signal_emit (self, signals[WRITTEN], 0);
  if (!done)
    set_message (self, error->message);
  else if (write->kind == WRITE_CREDIT || write->kind == WRITE_REDEEM)
    {
      g_autofree char *words = NULL;

      g_autofree char *card = card_words (write->card_id, write->receipt.balance, FALSE);

      if (write->kind == WRITE_CREDIT)
        words = g_strdup_printf (ngettext ("+%lld point credited", "+%lld points credited", write->receipt.points),
                                 (long long) write->receipt.points);
      else
        words = g_strdup_printf (ngettext ("Reward given: −%lld point", "Reward given: −%lld points",
                                           -write->receipt.points),
                                 (long long) -write->receipt.points);
      /* The card is done: the next amount takes a new scan, never this
       * card again by a stray Enter (issue 15). What it was given and
       * what it has now stay said; its slip can still be printed. */
      {
        g_autofree char *both = g_strdup_printf ("%s\n%s", words, card);

        set_message (self, both);
      }
      set_card_id (self, NULL);
      g_string_truncate (self->typed, 0);
      g_free (self->slip_card_id);
      self->slip_card_id = g_strdup (write->card_id);
    }
  else if (write->kind == WRITE_ENROL)
    {
      set_mode (self, VTR_COUNTER_MODE_AMOUNT);
      g_string_truncate (self->typed, 0);
      set_card_id (self, g_strdup (write->receipt.card_id));
      set_message (self, _("New card made: printing it…"));
      print_ticket (self, vtr_ticket_new_card (write->receipt.card_id, write->receipt.code), TRUE);
    }
  else if (write->kind == WRITE_HAND_OVER)
    {
      g_autofree char *words = g_strdup_printf (_("Order %s handed over to %s"), write->number,
                                                write->first_name ? write->first_name : "");

      set_message (self, words);
      /* Handed over: the orders looked up for it are done with. */
      set_asked_number (self, NULL);
    }
  if (write->kind == WRITE_ADVANCE || write->kind == WRITE_HAND_OVER)
    refresh_orders (self);
  else
    update (self);
  note_activity (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Starts @write (taken) on a worker thread; the counter is busy until it
 * is done. */
static void
start_write (VtrCounter *self,
             Write      *write)
{
  g_autoptr(GTask) task = NULL;

  forget_writing (self);
  self->writing = g_cancellable_new ();
  g_weak_ref_init (&write->self, self);
  write->writing = g_object_ref (self->writing);
  write->data_dir = g_strdup (vtr_store_get_data_dir (self->store));
  write->session = g_strdup (self->session);
  write->now = g_date_time_new_now_utc ();
  task = g_task_new (NULL, NULL, written, NULL);
  g_task_set_source_tag (task, start_write);
  g_task_set_name (task, "[vitrine] counter write");
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  g_task_run_in_thread (task, write_in_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
credit (VtrCounter *self)
{
  g_autofree char *euros = g_strdelimit (g_strdup (self->typed->str), ",", '.');
  Write *write = g_new0 (Write, 1);

  write->kind = WRITE_CREDIT;
  write->card_id = g_strdup (self->card_id);
  write->cents = (gint64) (g_ascii_strtod (euros, NULL) * 100 + 0.5);
  start_write (self, write);
  g_string_truncate (self->typed, 0);
}

/**
 * vtr_counter_press:
 * @key: a digit, "," (%VTR_COUNTER_KEY_COMMA), "⌫" (%VTR_COUNTER_KEY_ERASE)
 *   or "OK" (%VTR_COUNTER_KEY_OK)
 *
 * One key of the keypad. "OK" checks a PIN (on a worker thread: the
 * answer comes back as the properties change), credits the amount typed
 * to the card scanned, or makes the new customer's card.
 */
/* An amount in euros takes cents, and as many digits of euros as the
 * largest purchase credited has: a digit more is not kept, rather than
 * refused at OK with all that was typed. */
static gboolean
amount_takes_digit (const char *typed)
{
  const char *comma = strchr (typed, ',');
  char largest[16];

  if (comma)
    return strlen (comma + 1) < 2;
  g_snprintf (largest, sizeof largest, "%d", VTR_LOYALTY_MAX_PURCHASE_CENTS / 100);
  return strlen (typed) < strlen (largest);
}

static void press_key (VtrCounter *self,
                       const char *key);

void
vtr_counter_press (VtrCounter *self,
                   const char *key)
{
  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (key != NULL);

  press_key (self, key);
  note_activity (self);
}

static void
press_key (VtrCounter *self,
           const char *key)
{
  /* The PIN being checked, a credit being written: keys wait for them. */
  if (self->pin_check || self->writing)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_message (self, NULL);
  if (!g_str_equal (key, VTR_COUNTER_KEY_OK))
    {
      gsize longest = self->mode == VTR_COUNTER_MODE_ENROL_PHONE ? 14 : 10;
      gboolean comma = self->mode == VTR_COUNTER_MODE_AMOUNT && !takes_order_number (self) && key[0] == ',' &&
                       key[1] == '\0' && !strchr (self->typed->str, ',');

      if (g_str_equal (key, VTR_COUNTER_KEY_ERASE))
        {
          if (self->typed->len)
            g_string_truncate (self->typed, self->typed->len - 1);
        }
      else if (self->typed->len < longest && ((g_ascii_isdigit (key[0]) && key[1] == '\0') || comma) &&
               (self->mode != VTR_COUNTER_MODE_AMOUNT || comma || amount_takes_digit (self->typed->str)))
        g_string_append (self->typed, key);
      /* A key typed changes only what the keypad shows: the card's
       * points are not read again for each digit. */
      update_keyed (self);
      g_object_thaw_notify (G_OBJECT (self));
      return;
    }
  if (asks_pin (self))
    check_pin (self);
  else if (self->mode == VTR_COUNTER_MODE_ENROL_PHONE)
    {
      vtr_counter_enrol (self);
      g_object_thaw_notify (G_OBJECT (self));
      return;
    }
  else if (takes_order_number (self) && self->typed->len && !strchr (self->typed->str, ','))
    {
      /* An order's number: its orders are read, and said, on a worker
       * thread (the counter is busy meanwhile). */
      set_asked_number (self, self->typed->str);
      refresh_orders (self);
    }
  else if (self->card_id == NULL)
    set_message (self, takes_order_number (self) ? _("Type an order’s number, or scan the customer’s card first")
                                                 : _("Scan the customer’s card first"));
  else
    credit (self);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_counter_take_code:
 * @text: a code's text, as the camera or a USB scanner read it
 *
 * A customer's loyalty card, or the pickup code of one of the shop's
 * orders, scanned at the counter during a staff session. What happened
 * says itself in the message.
 *
 * Returns: whether the counter used @text (%FALSE: no staff session, the
 *   code is for the kiosk's other screens)
 */
static gboolean take_code (VtrCounter *self,
                           const char *text);

gboolean
vtr_counter_take_code (VtrCounter *self,
                       const char *text)
{
  gboolean taken;

  g_return_val_if_fail (VTR_IS_COUNTER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  taken = take_code (self, text);
  note_activity (self);
  return taken;
}

static gboolean
take_code (VtrCounter *self,
           const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  char *card_id;

  if (self->session == NULL || asks_pin (self))
    return FALSE;
  /* (cards) Replacing a lost card: every code goes to its panel. */
  if (self->lost)
    return vtr_lost_card_take_code (self->lost, text);
  g_object_freeze_notify (G_OBJECT (self));
  info = vtr_code_classify (text, -1, self->keys, now);
  if (info->kind == VTR_CODE_PICKUP)
    {
      g_autoptr(VtrOrder) order = vtr_order_collect (self->store, self->session, text, self->keys, now, &error);

      if (order == NULL)
        set_message (self, error->message);
      else
        {
          g_autofree char *done = g_strdup_printf (_("Order %s handed over to %s"), order->number,
                                                   order->first_name);
          set_message (self, done);
        }
      refresh_orders (self);
    }
  else if ((card_id = vtr_loyalty_scan_card (self->store, text, self->keys, now, &error)) == NULL)
    set_message (self, error->message);
  else
    {
      set_card_id (self, card_id);
      set_message (self, NULL);
      update (self);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/**
 * vtr_counter_start_enrol:
 *
 * "New customer: make a card": the keypad asks for the customer's mobile
 * first (they may give none; OK makes the card).
 */
void
vtr_counter_start_enrol (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->session == NULL || asks_pin (self))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_mode (self, VTR_COUNTER_MODE_ENROL_PHONE);
  g_string_truncate (self->typed, 0);
  set_message (self, NULL);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A ticket for the card on the counter, printed away from the screen. */

typedef struct
{
  VtrCounter *self;    /* a reference */
  char       *card_id; /* the card on the counter when it was asked */
  gboolean    new_card;
} Printing;

static void
printing_free (Printing *printing)
{
  g_object_unref (printing->self);
  g_free (printing->card_id);
  g_free (printing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Printing, printing_free)

static void
printed (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(Printing) printing = data;
  VtrCounter *self = printing->self;
  g_autoptr(GError) error = NULL;
  gboolean done = vtr_print_service_print_finish (VTR_PRINT_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Only about this customer's card, still on the counter. */
  if (g_strcmp0 (slip_card (self), printing->card_id) != 0)
    return;
  if (printing->new_card && done)
    set_message (self, _("New card printed: give it to the customer"));
  else if (printing->new_card)
    {
      g_autofree char *words = g_strdup_printf (_("New card made; it could not be printed (%s). Print it "
                                                  "later from the queue."),
                                                error->message);
      set_message (self, words);
    }
  else
    set_message (self, done ? _("Slip printed: give it to the customer") : error->message);
}

static void
print_ticket (VtrCounter *self,
              VtrTicket  *ticket,
              gboolean    new_card)
{
  Printing *printing;

  if (self->printer == NULL)
    {
      vtr_ticket_free (ticket);
      if (new_card)
        {
          g_autofree char *words = g_strdup_printf (_("New card made; it could not be printed (%s). Print it "
                                                      "later from the queue."),
                                                    _("No ticket printer here."));
          set_message (self, words);
        }
      else
        set_message (self, _("No ticket printer here."));
      return;
    }
  printing = g_new0 (Printing, 1);
  printing->self = g_object_ref (self);
  printing->card_id = g_strdup (slip_card (self));
  printing->new_card = new_card;
  vtr_print_service_print_async (self->printer, ticket, self->cancellable, printed, printing);
}

/**
 * vtr_counter_enrol:
 *
 * A new customer: the next blank card from the hub's stock, printed,
 * ready to collect points. The mobile typed on the keypad, if any, lets
 * the shop find the card again when it is lost.
 */
void
vtr_counter_enrol (VtrCounter *self)
{
  Write *write;

  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->session == NULL || asks_pin (self) || self->writing)
    return;
  write = g_new0 (Write, 1);
  write->kind = WRITE_ENROL;
  if (self->mode == VTR_COUNTER_MODE_ENROL_PHONE && self->typed->len)
    write->phone = g_strdup (self->typed->str);
  start_write (self, write);
}

/**
 * vtr_counter_redeem:
 * @reward_id: one of the shop's rewards (vtr_counter_get_rewards())
 *
 * Gives the reward to the customer whose card is on the counter: its
 * points come off the card.
 */
void
vtr_counter_redeem (VtrCounter *self,
                    gint64      reward_id)
{
  Write *write;

  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->session == NULL || self->card_id == NULL || asks_pin (self) || self->writing)
    return;
  write = g_new0 (Write, 1);
  write->kind = WRITE_REDEEM;
  write->card_id = g_strdup (self->card_id);
  write->reward_id = reward_id;
  start_write (self, write);
}

/**
 * vtr_counter_advance_order:
 * @number: one of the shop's orders (vtr_counter_get_orders())
 *
 * The order's next step at the counter: a new order accepted, an
 * accepted one ready (the customer is told).
 */
void
vtr_counter_advance_order (VtrCounter *self,
                           const char *number)
{
  VtrOrderState next = VTR_ORDER_PLACED;
  Write *write;

  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (number != NULL);

  if (self->session == NULL || self->orders == NULL)
    return;
  for (guint i = 0; i < self->orders->len; i++)
    {
      VtrOrder *order = g_ptr_array_index (self->orders, i);

      if (g_str_equal (order->number, number))
        next = order->state == VTR_ORDER_PLACED ? VTR_ORDER_ACCEPTED
             : order->state == VTR_ORDER_ACCEPTED ? VTR_ORDER_READY
             : VTR_ORDER_PLACED;
    }
  if (next == VTR_ORDER_PLACED || self->writing)
    return;
  write = g_new0 (Write, 1);
  write->kind = WRITE_ADVANCE;
  write->number = g_strdup (number);
  write->next = next;
  set_message (self, NULL);
  start_write (self, write);
}

/**
 * vtr_counter_hand_over_order:
 * @number: one of the shop's ready orders (vtr_counter_get_orders())
 *
 * The order handed over without its pickup code: "Collected", tapped on
 * its row (a reservation by phone has only its number).
 */
void
vtr_counter_hand_over_order (VtrCounter *self,
                             const char *number)
{
  Write *write;

  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (number != NULL);

  if (self->session == NULL || asks_pin (self) || self->writing)
    return;
  write = g_new0 (Write, 1);
  write->kind = WRITE_HAND_OVER;
  write->number = g_strdup (number);
  set_message (self, NULL);
  start_write (self, write);
}

/**
 * vtr_counter_get_product_name:
 * @product_id: a product of one of the orders' lines
 *
 * Returns: (nullable): its name, as read with the orders
 */
const char *
vtr_counter_get_product_name (VtrCounter *self,
                              gint64      product_id)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);

  return self->product_names ? g_hash_table_lookup (self->product_names, &product_id) : NULL;
}

/**
 * vtr_counter_forget_customer:
 * @number: the order's number
 *
 * The customer asked the shop to forget them: their first name and phone
 * are erased from the order here, and from the hub at the next sync.
 */
void
vtr_counter_forget_customer (VtrCounter *self,
                             const char *number)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (number != NULL);

  if (self->session == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (vtr_order_forget (self->store, self->session, number, now, &error))
    set_message (self, _("The customer’s first name and phone are erased from this order."));
  else
    set_message (self, error->message);
  refresh_orders (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The slip's event, balance and shop, read on a worker thread with its
 * own connection (issue 15). */

typedef struct
{
  char *data_dir;
  char *card_id;
} SlipJob;

static void
slip_job_free (SlipJob *job)
{
  g_free (job->data_dir);
  g_free (job->card_id);
  g_free (job);
}

static void
slip_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  SlipJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &error);
  g_autoptr(VtrLoyaltyEvent) event = store ? vtr_loyalty_last_event (store, NULL) : NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  gint64 balance = 0;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (event == NULL || g_strcmp0 (event->card_id, job->card_id) != 0)
    {
      g_task_return_new_error (task, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID, "%s",
                               _("Nothing to print for this card yet: credit a purchase first"));
      return;
    }
  vtr_loyalty_balance (store, job->card_id, &balance, NULL, NULL);
  catalog = vtr_catalog_new (store);
  g_task_return_pointer (task, vtr_ticket_new_slip (catalog, event, balance), (GDestroyNotify) vtr_ticket_free);
}

static void
slip_made (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(CardRead) read = data;
  g_autoptr(VtrCounter) self = g_weak_ref_get (&read->self);
  g_autoptr(GError) error = NULL;
  VtrTicket *ticket = g_task_propagate_pointer (G_TASK (result), &error);
  SlipJob *job = g_task_get_task_data (G_TASK (result));

  /* Gone, or another card on the counter since: not this one's slip. */
  if (self == NULL || g_cancellable_is_cancelled (read->read) || g_strcmp0 (slip_card (self), job->card_id) != 0)
    {
      g_clear_pointer (&ticket, vtr_ticket_free);
      return;
    }
  if (ticket == NULL)
    set_message (self, error->message);
  else
    print_ticket (self, ticket, FALSE);
}

/**
 * vtr_counter_print_slip:
 *
 * The customer's slip for the last credit or reward of the card on the
 * counter: points, purchase, balance.
 */
void
vtr_counter_print_slip (VtrCounter *self)
{
  g_autoptr(GTask) task = NULL;
  CardRead *read;
  SlipJob *job;

  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->session == NULL || slip_card (self) == NULL || asks_pin (self))
    return;
  set_message (self, _("Printing the slip…"));
  read = g_new0 (CardRead, 1);
  g_weak_ref_init (&read->self, self);
  read->read = g_object_ref (self->cancellable);
  job = g_new0 (SlipJob, 1);
  job->data_dir = g_strdup (vtr_store_get_data_dir (self->store));
  job->card_id = g_strdup (slip_card (self));
  task = g_task_new (NULL, NULL, slip_made, read);
  g_task_set_source_tag (task, vtr_counter_print_slip);
  g_task_set_task_data (task, job, (GDestroyNotify) slip_job_free);
  g_task_run_in_thread (task, slip_in_thread);
}

/**
 * vtr_counter_refresh:
 *
 * Reads the shop's orders and the card's points again (an order came in
 * by sync).
 */
void
vtr_counter_refresh (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  g_object_freeze_notify (G_OBJECT (self));
  refresh_orders (self);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_counter_refresh_orders:
 *
 * Reads the shop's orders and their count again, on a worker thread (a
 * sync brought orders).
 */
void
vtr_counter_refresh_orders (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  refresh_orders (self);
}

/**
 * vtr_counter_cancel_order:
 * @reason: why, told to the customer
 */
void
vtr_counter_cancel_order (VtrCounter *self,
                          const char *number,
                          const char *reason)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (number != NULL);

  if (!shows_orders (self))
    return;
  set_message (self, NULL);
  if (!vtr_order_cancel (self->store, self->session, number, reason, now, &error))
    set_message (self, error->message);
  refresh_orders (self);
}

/**
 * vtr_counter_deposit_order:
 * @compartment: the parcel locker's compartment the order was put in
 * @code: the code that opens it, for the customer
 */
void
vtr_counter_deposit_order (VtrCounter *self,
                           const char *number,
                           const char *compartment,
                           const char *code)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VTR_IS_COUNTER (self));
  g_return_if_fail (number != NULL);

  if (!shows_orders (self))
    return;
  set_message (self, NULL);
  if (!vtr_order_deposit (self->store, self->session, number, compartment, code, now, &error))
    set_message (self, error->message);
  refresh_orders (self);
}

gint64
vtr_counter_get_waiting (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), 0);
  return self->waiting;
}

/* (cards) A lost card. */

/**
 * vtr_counter_get_lost_card:
 *
 * Returns: (transfer none) (nullable) (type VtrLostCard): the lost card
 *   being replaced, %NULL when none
 */
GObject *
vtr_counter_get_lost_card (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return (GObject *) self->lost;
}

/**
 * vtr_counter_start_lost_card:
 *
 * "Lost card", behind the staff session: the customer on the counter is
 * forgotten and the lost card's panel asks for their new card.
 */
void
vtr_counter_start_lost_card (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->session == NULL || asks_pin (self) || self->lost)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_mode (self, VTR_COUNTER_MODE_AMOUNT);
  g_string_truncate (self->typed, 0);
  set_card_id (self, NULL);
  set_message (self, NULL);
  self->lost = vtr_lost_card_new (self->store, self->keys, self->session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOST_CARD]);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_counter_end_lost_card:
 *
 * Back to the counter; once the lost card was replaced, with the new card
 * on it.
 */
void
vtr_counter_end_lost_card (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->lost == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (vtr_lost_card_get_step (self->lost) == VTR_LOST_CARD_DONE)
    set_card_id (self, g_strdup (vtr_lost_card_get_new_card (self->lost)));
  g_clear_object (&self->lost);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOST_CARD]);
  update (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Properties. */

VtrStore *
vtr_counter_get_store (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->store;
}

VtrCatalog *
vtr_counter_get_catalog (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->catalog;
}

VtrPrintService *
vtr_counter_get_printer (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->printer;
}

const VtrKeyList *
vtr_counter_get_keys (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->keys;
}

/**
 * vtr_counter_set_keys:
 * @keys: (nullable) (transfer none): the federation's public keys, which
 *   cards and pickup codes are checked against; the caller keeps them
 *   alive, and sets the new ones here when it replaces them (pairing)
 */
void
vtr_counter_set_keys (VtrCounter       *self,
                      const VtrKeyList *keys)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->keys == keys)
    return;
  self->keys = keys;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYS]);
}

gint64
vtr_counter_get_merchant_id (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), 0);
  return self->merchant_id;
}

/**
 * vtr_counter_set_merchant_id:
 * @merchant_id: the shop this counter belongs to; 0 for none
 *
 * Another shop ends the session open for the last one.
 */
void
vtr_counter_set_merchant_id (VtrCounter *self,
                             gint64      merchant_id)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->merchant_id == merchant_id)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  self->merchant_id = merchant_id;
  if (self->mode != VTR_COUNTER_MODE_ADMIN_PIN)
    vtr_counter_clear (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MERCHANT_ID]);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
vtr_counter_get_card_timeout (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), 0);
  return self->card_timeout;
}

/**
 * vtr_counter_set_card_timeout:
 * @seconds: without a key or a scan, after which the card scanned and the
 *   amount typed go; 0: never
 */
void
vtr_counter_set_card_timeout (VtrCounter *self,
                              guint       seconds)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->card_timeout == seconds)
    return;
  self->card_timeout = seconds;
  note_activity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARD_TIMEOUT]);
}

VtrCounterMode
vtr_counter_get_mode (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), VTR_COUNTER_MODE_STAFF_PIN);
  return self->mode;
}

gboolean
vtr_counter_get_busy (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), FALSE);
  return self->pin_check != NULL || (self->orders_read != NULL && self->orders_busy) || self->card_read != NULL ||
         self->writing != NULL;
}

gboolean
vtr_counter_get_session_open (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), FALSE);
  return self->session != NULL;
}

/**
 * vtr_counter_get_session:
 *
 * The staff session open at the counter, for "Ma boutique": the shop it
 * edits is the session's (vtr-shop-edit.h).
 *
 * Returns: (nullable): the session's token, %NULL when none is open
 */
const char *
vtr_counter_get_session (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);

  return asks_pin (self) ? NULL : self->session;
}

const char *
vtr_counter_get_title (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->title;
}

/**
 * vtr_counter_dup_typed:
 *
 * Returns: (transfer full): what the keypad holds now (a PIN, an amount,
 * a mobile), for vtr_counter_set_typed()
 */
char *
vtr_counter_dup_typed (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);

  return g_strdup (self->typed->str);
}

/**
 * vtr_counter_set_typed:
 * @typed: (nullable): what vtr_counter_dup_typed() gave
 *
 * The keypad as it was: keys that were no person's (a USB scanner's)
 * taken back.
 */
void
vtr_counter_set_typed (VtrCounter *self,
                       const char *typed)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  g_string_assign (self->typed, typed ? typed : "");
  update_keyed (self);
}

const char *
vtr_counter_get_keyed (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->keyed;
}

/**
 * vtr_counter_get_asked_number:
 *
 * Returns: (nullable): the digits of an order's number typed at the
 *   keypad, whose orders vtr_counter_get_orders() lists; %NULL when it
 *   lists the shop's latest orders
 */
const char *
vtr_counter_get_asked_number (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->asked_number;
}

/**
 * vtr_counter_show_all_orders:
 *
 * The shop's latest orders listed again, after an order's number typed.
 */
void
vtr_counter_show_all_orders (VtrCounter *self)
{
  g_return_if_fail (VTR_IS_COUNTER (self));

  if (self->asked_number == NULL)
    return;
  set_asked_number (self, NULL);
  refresh_orders (self);
}

const char *
vtr_counter_get_message (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->message;
}

const char *
vtr_counter_get_card (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->card;
}

const char *
vtr_counter_get_card_id (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->card_id;
}

gint64
vtr_counter_get_balance (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), 0);
  return self->balance;
}

gboolean
vtr_counter_get_can_enrol (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), FALSE);
  return self->can_enrol;
}

gboolean
vtr_counter_get_can_print_slip (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), FALSE);
  return self->can_print_slip;
}

/**
 * vtr_counter_get_orders:
 *
 * Returns: (nullable) (transfer none) (element-type VtrOrder): the shop's
 *   orders, newest first, at most %VTR_COUNTER_MAX_ORDERS; %NULL outside
 *   a staff session
 */
GPtrArray *
vtr_counter_get_orders (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->orders;
}

/**
 * vtr_counter_get_rewards:
 *
 * Returns: (nullable) (transfer none) (element-type VtrReward): the shop's
 *   rewards, when a card is on the counter; those up to
 *   vtr_counter_get_balance() points can be given
 */
GPtrArray *
vtr_counter_get_rewards (VtrCounter *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER (self), NULL);
  return self->rewards;
}

static void
vtr_counter_dispose (GObject *object)
{
  VtrCounter *self = VTR_COUNTER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->card_timeout_id, g_source_remove);
  if (self->pin_check)
    g_cancellable_cancel (self->pin_check);
  g_clear_object (&self->pin_check);
  if (self->writing)
    g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  if (self->orders_read)
    g_cancellable_cancel (self->orders_read);
  g_clear_object (&self->orders_read);
  g_clear_object (&self->lost);
  if (self->card_read)
    g_cancellable_cancel (self->card_read);
  g_clear_object (&self->card_read);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->printer);
  G_OBJECT_CLASS (vtr_counter_parent_class)->dispose (object);
}

static void
vtr_counter_finalize (GObject *object)
{
  VtrCounter *self = VTR_COUNTER (object);

  g_clear_object (&self->cancellable);
  g_free (self->session);
  g_free (self->card_id);
  g_free (self->slip_card_id);
  g_string_free (self->typed, TRUE);
  g_free (self->title);
  g_free (self->keyed);
  g_free (self->message);
  g_free (self->card);
  g_free (self->asked_number);
  g_clear_pointer (&self->orders, g_ptr_array_unref);
  g_clear_pointer (&self->product_names, g_hash_table_unref);
  g_clear_pointer (&self->rewards, g_ptr_array_unref);
  G_OBJECT_CLASS (vtr_counter_parent_class)->finalize (object);
}

static void
vtr_counter_constructed (GObject *object)
{
  VtrCounter *self = VTR_COUNTER (object);

  G_OBJECT_CLASS (vtr_counter_parent_class)->constructed (object);
  g_assert (self->store != NULL);
  update (self);
}

static void
vtr_counter_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VtrCounter *self = VTR_COUNTER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_PRINTER:
      g_value_set_object (value, self->printer);
      break;
    case PROP_KEYS:
      g_value_set_pointer (value, (gpointer) self->keys);
      break;
    case PROP_MERCHANT_ID:
      g_value_set_int64 (value, self->merchant_id);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, vtr_counter_get_busy (self));
      break;
    case PROP_SESSION_OPEN:
      g_value_set_boolean (value, self->session != NULL);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_KEYED:
      g_value_set_string (value, self->keyed);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_CARD:
      g_value_set_string (value, self->card);
      break;
    case PROP_CARD_ID:
      g_value_set_string (value, self->card_id);
      break;
    case PROP_BALANCE:
      g_value_set_int64 (value, self->balance);
      break;
    case PROP_CAN_ENROL:
      g_value_set_boolean (value, self->can_enrol);
      break;
    case PROP_CAN_PRINT_SLIP:
      g_value_set_boolean (value, self->can_print_slip);
      break;
    case PROP_ORDERS:
      g_value_set_boxed (value, self->orders);
      break;
    case PROP_REWARDS:
      g_value_set_boxed (value, self->rewards);
      break;
    case PROP_WAITING:
      g_value_set_int64 (value, self->waiting);
      break;
    case PROP_LOST_CARD:
      g_value_set_object (value, self->lost);
      break;
    case PROP_CARD_TIMEOUT:
      g_value_set_uint (value, self->card_timeout);
      break;
    case PROP_ASKED_NUMBER:
      g_value_set_string (value, self->asked_number);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_counter_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VtrCounter *self = VTR_COUNTER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_PRINTER:
      self->printer = g_value_dup_object (value);
      break;
    case PROP_KEYS:
      vtr_counter_set_keys (self, g_value_get_pointer (value));
      break;
    case PROP_MERCHANT_ID:
      vtr_counter_set_merchant_id (self, g_value_get_int64 (value));
      break;
    case PROP_CARD_TIMEOUT:
      vtr_counter_set_card_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_counter_class_init (VtrCounterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = vtr_counter_constructed;
  object_class->dispose = vtr_counter_dispose;
  object_class->finalize = vtr_counter_finalize;
  object_class->get_property = vtr_counter_get_property;
  object_class->set_property = vtr_counter_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, VTR_TYPE_STORE, construct);
  properties[PROP_CATALOG] = g_param_spec_object ("catalog", NULL, NULL, VTR_TYPE_CATALOG, construct);
  properties[PROP_PRINTER] = g_param_spec_object ("printer", NULL, NULL, VTR_TYPE_PRINT_SERVICE, construct);
  properties[PROP_KEYS] =
    g_param_spec_pointer ("keys", NULL, NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MERCHANT_ID] =
    g_param_spec_int64 ("merchant-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] = g_param_spec_enum ("mode", NULL, NULL, VTR_TYPE_COUNTER_MODE,
                                             VTR_COUNTER_MODE_STAFF_PIN, shown);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, shown);
  properties[PROP_SESSION_OPEN] = g_param_spec_boolean ("session-open", NULL, NULL, FALSE, shown);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, shown);
  properties[PROP_KEYED] = g_param_spec_string ("keyed", NULL, NULL, NULL, shown);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, shown);
  properties[PROP_CARD] = g_param_spec_string ("card", NULL, NULL, NULL, shown);
  properties[PROP_CARD_ID] = g_param_spec_string ("card-id", NULL, NULL, NULL, shown);
  properties[PROP_BALANCE] = g_param_spec_int64 ("balance", NULL, NULL, G_MININT64, G_MAXINT64, 0, shown);
  properties[PROP_CAN_ENROL] = g_param_spec_boolean ("can-enrol", NULL, NULL, FALSE, shown);
  properties[PROP_CAN_PRINT_SLIP] = g_param_spec_boolean ("can-print-slip", NULL, NULL, FALSE, shown);
  properties[PROP_ORDERS] = g_param_spec_boxed ("orders", NULL, NULL, G_TYPE_PTR_ARRAY, shown);
  properties[PROP_REWARDS] = g_param_spec_boxed ("rewards", NULL, NULL, G_TYPE_PTR_ARRAY, shown);
  /* How many of the shop's orders wait to be accepted (a count, no names:
   * shown on the Counter button without a session). */
  properties[PROP_WAITING] = g_param_spec_int64 ("waiting", NULL, NULL, 0, G_MAXINT64, 0, shown);
  properties[PROP_LOST_CARD] = g_param_spec_object ("lost-card", NULL, NULL, VTR_TYPE_LOST_CARD, shown);
  /* Seconds without a key or a scan before a card scanned, or an amount
   * typed, goes from the counter; 0: never. */
  properties[PROP_CARD_TIMEOUT] =
    g_param_spec_uint ("card-timeout", NULL, NULL, 0, G_MAXUINT, VTR_COUNTER_CARD_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The digits of an order's number typed; the orders are its. */
  properties[PROP_ASKED_NUMBER] = g_param_spec_string ("asked-number", NULL, NULL, NULL, shown);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VtrCounter::admin-unlocked:
   *
   * The administrator's PIN was right: the admin screen may open.
   */
  signals[ADMIN_UNLOCKED] = g_signal_new ("admin-unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * VtrCounter::written:
   *
   * A credit, a reward, a new card or an order's step is in the journal,
   * waiting to go up to the hub.
   */
  signals[WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
vtr_counter_init (VtrCounter *self)
{
  self->typed = g_string_new (NULL);
  self->cancellable = g_cancellable_new ();
  self->mode = VTR_COUNTER_MODE_STAFF_PIN;
  self->message = g_strdup ("");
  self->card_timeout = VTR_COUNTER_CARD_TIMEOUT;
}

/**
 * vtr_counter_new:
 * @store: the kiosk's store (its journal takes the loyalty events)
 * @catalog: (nullable): for the shop's name on slips
 * @printer: (nullable): where cards and slips print
 *
 * Returns: (transfer full): a counter asking for the staff PIN
 */
VtrCounter *
vtr_counter_new (VtrStore        *store,
                 VtrCatalog      *catalog,
                 VtrPrintService *printer)
{
  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  return g_object_new (VTR_TYPE_COUNTER, "store", store, "catalog", catalog, "printer", printer, NULL);
}

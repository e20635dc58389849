#include "config.h"

#include "vtr-lost-card.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-app-enums.h"
#include "vtr-card-block.h"
#include "vtr-flashcode.h"
#include "vtr-sync-cards.h"

/*
 * A lost card at the counter, without its widgets (VtrLostCardPanel
 * shows it). Behind the staff session: the customer's new card is
 * scanned first; the lost one is then found by the phone number given at
 * enrolment or the last characters printed under it (this device's
 * journal, and the hub for the characters, on a worker thread); the
 * merchant chooses it and confirms; the lost card is blocked and its
 * points move to the new card, in one transaction with its event for the
 * hub (vtr_card_transfer()).
 */

struct _VtrLostCard
{
  GObject           parent_instance;

  VtrStore         *store;
  const VtrKeyList *keys;    /* borrowed from the counter */
  char             *session;

  VtrLostCardStep   step;
  char             *new_card;
  char             *new_code;
  char             *chosen;
  char             *instructions;
  char             *message;
  GPtrArray        *matches; /* VtrCardMatch */
  GCancellable     *search;  /* the search in flight, if any */
};

G_DEFINE_FINAL_TYPE (VtrLostCard, vtr_lost_card, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STEP,
  PROP_BUSY,
  PROP_INSTRUCTIONS,
  PROP_MESSAGE,
  PROP_NEW_CARD,
  PROP_CHOSEN,
  PROP_MATCHES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (VtrLostCard *self,
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
set_message (VtrLostCard *self,
             const char  *message)
{
  set_string (self, &self->message, message ? message : "", PROP_MESSAGE);
}

/* The last characters of a card's number, as printed under its code. */
static const char *
tail (const char *card_id)
{
  gsize len = strlen (card_id);

  return card_id + len - MIN (len, VTR_CARD_SUFFIX_MIN);
}

static void
set_step (VtrLostCard     *self,
          VtrLostCardStep  step)
{
  g_autofree char *words = NULL;
  VtrCardMatch *chosen = NULL;

  for (guint i = 0; self->matches && self->chosen && i < self->matches->len; i++)
    if (g_str_equal (((VtrCardMatch *) g_ptr_array_index (self->matches, i))->card_id, self->chosen))
      chosen = g_ptr_array_index (self->matches, i);

  switch (step)
    {
    case VTR_LOST_CARD_SCAN_NEW:
      words = g_strdup (_("Lost card: first scan the customer’s new card."));
      break;
    case VTR_LOST_CARD_FIND:
      words = g_strdup_printf (_("New card …%s. Now find the lost card: type the customer’s phone "
                                 "number or the last characters of the lost card’s number."),
                               tail (self->new_card));
      break;
    case VTR_LOST_CARD_CONFIRM:
      words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Block the card …%s for good and move its %lld point to "
                                            "the new card …%s?",
                                            "Block the card …%s for good and move its %lld points to "
                                            "the new card …%s?",
                                            chosen ? ABS (chosen->balance) : 0),
                               tail (self->chosen), (long long) (chosen ? chosen->balance : 0),
                               tail (self->new_card));
      break;
    case VTR_LOST_CARD_DONE:
    default:
      words = g_strdup (_("Done: give the customer the new card."));
      break;
    }
  set_string (self, &self->instructions, words, PROP_INSTRUCTIONS);
  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
}

static void
set_matches (VtrLostCard *self,
             GPtrArray   *matches)
{
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  self->matches = matches;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHES]);
}

static void
cancel_search (VtrLostCard *self)
{
  if (self->search == NULL)
    return;
  g_cancellable_cancel (self->search);
  g_clear_object (&self->search);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * vtr_lost_card_take_code:
 * @text: a code scanned at the counter
 *
 * The customer's new card, while it is asked for. Returns: whether the
 * flow took @text (it takes every code while it is shown, so that no
 * scan credits a card behind it).
 */
gboolean
vtr_lost_card_take_code (VtrLostCard *self,
                         const char  *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *card_id = NULL;
  gboolean blocked = FALSE;

  g_return_val_if_fail (VTR_IS_LOST_CARD (self), FALSE);

  /* The camera sees the new card again while it is held up: nothing to
   * say, and the message of what was done stays. */
  if (self->new_code && g_str_equal (text, self->new_code))
    return TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->step == VTR_LOST_CARD_DONE)
    set_message (self, _("Done: give the customer the new card."));
  else if (self->step != VTR_LOST_CARD_SCAN_NEW)
    set_message (self, _("The new card is already scanned: find the lost card now."));
  else if (!(card_id = vtr_loyalty_card_id (text, self->keys, now, &error)))
    set_message (self, error->message);
  else if (!vtr_card_is_blocked (self->store, card_id, &blocked, &error))
    set_message (self, error->message);
  else if (blocked)
    set_message (self, _("This card was declared lost itself: scan a new card."));
  else
    {
      set_message (self, NULL);
      g_free (self->new_code);
      self->new_code = g_strdup (text);
      set_string (self, &self->new_card, card_id, PROP_NEW_CARD);
      set_step (self, VTR_LOST_CARD_FIND);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* The search, on a worker thread with its own connection. */

typedef struct
{
  char *data_dir;
  char *phone;
  char *suffix;
} Search;

static void
search_free (Search *search)
{
  g_free (search->data_dir);
  g_free (search->phone);
  g_free (search->suffix);
  g_free (search);
}

static void
search_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Search *search = task_data;
  g_autoptr(VtrStore) store = NULL;
  GError *error = NULL;
  GPtrArray *matches;

  if (!(store = vtr_store_open (search->data_dir, &error)) ||
      !(matches = vtr_sync_find_cards (store, search->phone, search->suffix, NULL, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, matches, (GDestroyNotify) g_ptr_array_unref);
}

typedef struct
{
  GWeakRef      self;
  GCancellable *search;
} Searching;

static void
searching_free (Searching *searching)
{
  g_weak_ref_clear (&searching->self);
  g_object_unref (searching->search);
  g_free (searching);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Searching, searching_free)

static void
searched (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(Searching) searching = data;
  g_autoptr(VtrLostCard) self = g_weak_ref_get (&searching->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = g_task_propagate_pointer (G_TASK (result), &error);

  if (self == NULL || self->search != searching->search || g_cancellable_is_cancelled (searching->search))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->search);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (matches == NULL)
    set_message (self, error->message);
  else
    {
      gboolean more = matches->len > VTR_CARD_FIND_MAX;

      /* The new card is not the lost one, nor a card already blocked. */
      for (guint i = matches->len; i > 0; i--)
        {
          VtrCardMatch *match = g_ptr_array_index (matches, i - 1);

          if (g_str_equal (match->card_id, self->new_card) || match->blocked || i > VTR_CARD_FIND_MAX)
            g_ptr_array_remove_index (matches, i - 1);
        }
      if (matches->len == 0)
        set_message (self, _("No card found. Check the number, or try with the other way of finding it."));
      else if (more)
        set_message (self, _("More cards match: type more characters."));
      else
        set_message (self, NULL);
      set_matches (self, matches->len ? g_steal_pointer (&matches) : NULL);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_lost_card_find:
 * @query: the customer's phone number (digits), or the last characters
 *   of the lost card's number
 *
 * Looks for the lost card away from the main thread; the matches come
 * back as the properties change.
 */
void
vtr_lost_card_find (VtrLostCard *self,
                    const char  *query)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL;
  Search *search;
  Searching *searching;
  gsize digits = 0, len;

  g_return_if_fail (VTR_IS_LOST_CARD (self));
  g_return_if_fail (query != NULL);

  if (self->step != VTR_LOST_CARD_FIND && self->step != VTR_LOST_CARD_CONFIRM)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_step (self, VTR_LOST_CARD_FIND);
  set_matches (self, NULL);
  set_message (self, NULL);
  for (const char *p = query; *p; p++)
    digits += g_ascii_isdigit (*p) ? 1 : 0;
  len = strlen (query);
  search = g_new0 (Search, 1);
  search->data_dir = g_strdup (vtr_store_get_data_dir (self->store));
  /* Digits only, and as many as a phone number has: a phone number (a
   * card's number has no 0, 1, 8 or 9, and letters). */
  if (digits >= 9 && strspn (query, "0123456789 .+-") == len)
    search->phone = g_strdup (query);
  else if ((suffix = vtr_card_normalize_suffix (query, &error)))
    search->suffix = g_steal_pointer (&suffix);
  else
    {
      set_message (self, _("Type the customer’s phone number, or at least the last 6 characters of the "
                           "lost card’s number."));
      search_free (search);
      g_object_thaw_notify (G_OBJECT (self));
      return;
    }
  cancel_search (self);
  self->search = g_cancellable_new ();
  searching = g_new0 (Searching, 1);
  g_weak_ref_init (&searching->self, self);
  searching->search = g_object_ref (self->search);
  task = g_task_new (NULL, self->search, searched, searching);
  g_task_set_name (task, "[vitrine] lost card search");
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  g_task_run_in_thread (task, search_in_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_lost_card_choose:
 * @card_id: one of the matches
 *
 * The merchant chose the lost card: they confirm next.
 */
void
vtr_lost_card_choose (VtrLostCard *self,
                      const char  *card_id)
{
  g_return_if_fail (VTR_IS_LOST_CARD (self));

  if (self->step != VTR_LOST_CARD_FIND || self->matches == NULL)
    return;
  for (guint i = 0; i < self->matches->len; i++)
    if (g_str_equal (((VtrCardMatch *) g_ptr_array_index (self->matches, i))->card_id, card_id))
      {
        g_object_freeze_notify (G_OBJECT (self));
        set_string (self, &self->chosen, card_id, PROP_CHOSEN);
        set_message (self, NULL);
        set_step (self, VTR_LOST_CARD_CONFIRM);
        g_object_thaw_notify (G_OBJECT (self));
        return;
      }
}

void
vtr_lost_card_cancel (VtrLostCard *self)
{
  g_return_if_fail (VTR_IS_LOST_CARD (self));

  if (self->step != VTR_LOST_CARD_CONFIRM)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->chosen, NULL, PROP_CHOSEN);
  set_step (self, VTR_LOST_CARD_FIND);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * vtr_lost_card_confirm:
 *
 * Blocks the chosen card and moves its points to the new card. Returns:
 * whether it is done (the message says what happened either way).
 */
gboolean
vtr_lost_card_confirm (VtrLostCard *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  gint64 hub_balance = -1;

  g_return_val_if_fail (VTR_IS_LOST_CARD (self), FALSE);

  if (self->step != VTR_LOST_CARD_CONFIRM || self->chosen == NULL)
    return FALSE;
  for (guint i = 0; self->matches && i < self->matches->len; i++)
    {
      VtrCardMatch *match = g_ptr_array_index (self->matches, i);

      if (g_str_equal (match->card_id, self->chosen) && match->from_hub)
        hub_balance = match->balance;
    }
  g_object_freeze_notify (G_OBJECT (self));
  if (!vtr_card_transfer (self->store, self->session, self->chosen, self->new_code, hub_balance, self->keys,
                          now, &receipt, &error))
    {
      set_message (self, error->message);
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }
  {
    g_autofree char *done =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "Card …%s blocked: %lld point moved to the new card …%s.",
                                    "Card …%s blocked: %lld points moved to the new card …%s.",
                                    ABS (receipt.points)),
                       tail (self->chosen), (long long) receipt.points, tail (receipt.card_id));

    set_message (self, done);
  }
  set_matches (self, NULL);
  set_step (self, VTR_LOST_CARD_DONE);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* Properties. */

VtrLostCardStep
vtr_lost_card_get_step (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), VTR_LOST_CARD_SCAN_NEW);
  return self->step;
}

gboolean
vtr_lost_card_get_busy (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), FALSE);
  return self->search != NULL;
}

const char *
vtr_lost_card_get_instructions (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), NULL);
  return self->instructions;
}

const char *
vtr_lost_card_get_message (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), NULL);
  return self->message;
}

const char *
vtr_lost_card_get_new_card (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), NULL);
  return self->new_card;
}

const char *
vtr_lost_card_get_chosen (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), NULL);
  return self->chosen;
}

/**
 * vtr_lost_card_get_matches:
 *
 * Returns: (transfer none) (nullable) (element-type VtrCardMatch): the
 *   cards the last search found, %NULL for none
 */
GPtrArray *
vtr_lost_card_get_matches (VtrLostCard *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD (self), NULL);
  return self->matches;
}

static void
vtr_lost_card_dispose (GObject *object)
{
  VtrLostCard *self = VTR_LOST_CARD (object);

  if (self->search)
    g_cancellable_cancel (self->search);
  g_clear_object (&self->search);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vtr_lost_card_parent_class)->dispose (object);
}

static void
vtr_lost_card_finalize (GObject *object)
{
  VtrLostCard *self = VTR_LOST_CARD (object);

  g_free (self->session);
  g_free (self->new_card);
  g_free (self->new_code);
  g_free (self->chosen);
  g_free (self->instructions);
  g_free (self->message);
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  G_OBJECT_CLASS (vtr_lost_card_parent_class)->finalize (object);
}

static void
vtr_lost_card_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VtrLostCard *self = VTR_LOST_CARD (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->search != NULL);
      break;
    case PROP_INSTRUCTIONS:
      g_value_set_string (value, self->instructions);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_NEW_CARD:
      g_value_set_string (value, self->new_card);
      break;
    case PROP_CHOSEN:
      g_value_set_string (value, self->chosen);
      break;
    case PROP_MATCHES:
      g_value_set_boxed (value, self->matches);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_lost_card_class_init (VtrLostCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vtr_lost_card_dispose;
  object_class->finalize = vtr_lost_card_finalize;
  object_class->get_property = vtr_lost_card_get_property;

  properties[PROP_STEP] = g_param_spec_enum ("step", NULL, NULL, VTR_TYPE_LOST_CARD_STEP,
                                             VTR_LOST_CARD_SCAN_NEW, shown);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, shown);
  properties[PROP_INSTRUCTIONS] = g_param_spec_string ("instructions", NULL, NULL, NULL, shown);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, shown);
  properties[PROP_NEW_CARD] = g_param_spec_string ("new-card", NULL, NULL, NULL, shown);
  properties[PROP_CHOSEN] = g_param_spec_string ("chosen", NULL, NULL, NULL, shown);
  properties[PROP_MATCHES] = g_param_spec_boxed ("matches", NULL, NULL, G_TYPE_PTR_ARRAY, shown);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vtr_lost_card_init (VtrLostCard *self)
{
  self->message = g_strdup ("");
}

/**
 * vtr_lost_card_new:
 * @keys: the federation's keys, borrowed: they must outlive the flow
 * @session: the staff session the counter holds
 */
VtrLostCard *
vtr_lost_card_new (VtrStore         *store,
                   const VtrKeyList *keys,
                   const char       *session)
{
  VtrLostCard *self = g_object_new (VTR_TYPE_LOST_CARD, NULL);

  self->store = g_object_ref (store);
  self->keys = keys;
  self->session = g_strdup (session);
  set_step (self, VTR_LOST_CARD_SCAN_NEW);
  self->step = VTR_LOST_CARD_SCAN_NEW;
  return self;
}

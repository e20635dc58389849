#include "config.h"

#include "vtr-counter-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-flip-box.h"
#include "vtr-lost-card-panel.h"
#include "vtr-orders.h"
#include "vtr-order-step-dialog.h"
#include "vtr-scanner-keys.h"

/*
 * The counter's screen: shows a VtrCounter (the keypad's title, what was
 * typed, the message, the card and its points, the shop's rewards and
 * orders) and turns taps and keys into its methods, through the screen's
 * own actions:
 *
 *   counter.press          s  a key: "0"…"9", ",", "⌫", "OK"
 *   counter.enrol             a new customer's card
 *   counter.print-slip        the customer's slip
 *   counter.redeem         x  a reward given, by id
 *   counter.advance-order  s  an order's next step, by number
 *   counter.hand-over-order s a ready order collected, by number ("Collected")
 *   counter.lost-card         a lost card replaced (VtrLostCardPanel)
 *   counter.lost-card-end     back from it
 *   counter.all-orders        the shop's latest orders again, after an
 *                             order's number typed
 *
 * An order's row, tapped open, shows its lines (what to prepare); a reward
 * is given once confirmed in a dialog. A physical keyboard types digits,
 * the comma, Backspace and Enter into the keypad. The administrator's PIN, once right, asks the window for
 * the admin screen (win.show-admin).
 */

struct _VtrCounterScreen
{
  GtkWidget      parent_instance;

  VtrCounter    *counter;
  GBindingGroup *bindings;
  GtkWidget     *comma_button;
  GSignalGroup  *signals;

  /* Template widgets. */
  GtkWidget     *flip;
  GtkLabel      *card_label;
  GtkLabel      *title_label;
  GtkLabel      *keyed_label;
  GtkLabel      *message_label;
  GtkLabel      *pin_message_label; /* the message, under the keypad asking a PIN */
  GtkWidget     *side_scroller;
  GtkStack      *keyed_stack;
  GtkSpinner    *spinner;
  GtkWidget     *slip_button;
  GtkWidget     *enrol_button;
  GtkListBox    *rewards;
  GtkListBox    *orders;
  GtkLabel      *orders_heading;
  GtkWidget     *all_orders_button;
  GtkWidget     *no_orders;  /* "No order yet", in a shop's session */
  GtkWidget     *lost_card_button;
  GtkWidget     *scan_file_button;
  VtrLostCardPanel *lost_card_panel;
  gboolean       can_scan_file; /* a picture scanned instead of a camera */

  /* A USB scanner's keys, told from typing (vtr-scanner-keys.h). */
  VtrKeyPace     pace;
  char          *typed_before;  /* the keypad before the keys in a row */
};

G_DEFINE_FINAL_TYPE (VtrCounterScreen, vtr_counter_screen, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_COUNTER,
  PROP_CAN_SCAN_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
  gtk_widget_set_visible (GTK_WIDGET (list), FALSE);
}

static const char *
order_state_words (VtrOrderState state)
{
  switch (state)
    {
    case VTR_ORDER_PLACED: return _("new");
    case VTR_ORDER_ACCEPTED: return _("being prepared");
    case VTR_ORDER_READY: return _("ready");
    case VTR_ORDER_COLLECTED: return _("collected");
    case VTR_ORDER_CANCELLED: return _("cancelled");
    case VTR_ORDER_REFUSED: return _("refused");
    default: return "";
    }
}

/* What to prepare: a row for each line of @order, "2 × Product" and its
 * price, under the order's row (tapped open). */
static void
add_order_lines (VtrCounterScreen *self,
                 AdwExpanderRow   *row,
                 VtrOrder         *order)
{
  for (guint k = 0; order->lines && k < order->lines->len; k++)
    {
      const VtrOrderLine *line = &g_array_index (order->lines, VtrOrderLine, k);
      const char *name = vtr_counter_get_product_name (self->counter, line->product_id);
      g_autofree char *unknown = NULL;
      g_autofree char *title = NULL;
      g_autofree char *price = vtr_price_format (line->price_cents * line->quantity);
      GtkWidget *item = adw_action_row_new ();
      GtkWidget *price_label = gtk_label_new (price);

      if (name == NULL)
        name = unknown = g_strdup_printf (_("Product %lld"), (long long) line->product_id);
      /* TRANSLATORS: an order's line: how many, and the product's name */
      title = g_strdup_printf (_("%d × %s"), line->quantity, name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (item), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (item), title);
      adw_action_row_add_suffix (ADW_ACTION_ROW (item), price_label);
      adw_expander_row_add_row (row, item);
    }
}

/* The numbers of the orders whose lines are shown (tapped open). */
static GHashTable *
expanded_orders (VtrCounterScreen *self)
{
  GHashTable *numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->orders)); child;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_EXPANDER_ROW (child) && adw_expander_row_get_expanded (ADW_EXPANDER_ROW (child)))
      g_hash_table_add (numbers, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child))));
  return numbers;
}

/* The shop's orders, newest first, each with its next step and, tapped
 * open, what to prepare. */
static void
show_orders (VtrCounterScreen *self)
{
  GPtrArray *orders = self->counter ? vtr_counter_get_orders (self->counter) : NULL;
  const char *asked = self->counter ? vtr_counter_get_asked_number (self->counter) : NULL;
  g_autoptr(GHashTable) expanded = expanded_orders (self);

  remove_rows (self->orders);
  /* A shop's session with no order says where orders will come. */
  gtk_widget_set_visible (GTK_WIDGET (self->orders_heading), orders != NULL);
  gtk_widget_set_visible (self->no_orders, orders != NULL && orders->len == 0 && asked == NULL);
  /* An order's number typed: its orders, and the way back to all. */
  if (asked)
    {
      g_autofree char *heading = g_strdup_printf (_("Orders numbered …%s"), asked);

      gtk_label_set_text (self->orders_heading, heading);
    }
  else
    gtk_label_set_text (self->orders_heading, _("The shop’s orders"));
  gtk_widget_set_visible (self->all_orders_button, orders != NULL && asked != NULL);
  for (guint i = 0; orders && i < orders->len; i++)
    {
      VtrOrder *order = g_ptr_array_index (orders, i);
      g_autofree char *total = vtr_price_format (order->total_cents);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *actions;
      const char *step = NULL;
      const char *action = "counter.advance-order";

      if (order->state == VTR_ORDER_PLACED)
        step = _("Accept");
      else if (order->state == VTR_ORDER_ACCEPTED && order->locker_id > 0)
        {
          /* Ready means in its locker: the compartment and code are asked. */
          step = _("In the locker…");
          action = "counter.deposit-order";
        }
      else if (order->state == VTR_ORDER_ACCEPTED)
        step = _("Ready");
      else if (order->state == VTR_ORDER_READY && order->locker_id == 0)
        {
          /* Handed over without its pickup code: a reservation by phone
           * has only its number. */
          step = _("Collected");
          action = "counter.hand-over-order";
        }
      /* Customers' names as they are, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), order->number);
      g_string_printf (subtitle, "%s · %s · %s", order->first_name, total, order_state_words (order->state));
      if (order->locker_id > 0)
        g_string_append_printf (subtitle, " · %s", order->locker_compartment
                                  ? order->locker_compartment : _("parcel locker"));
      if (order->reason)
        g_string_append_printf (subtitle, " · %s", order->reason);
      /* The hub's word on a step taken here that it refused, in the
       * kiosk's language (the hub's reasons are in its catalogue). */
      if (order->refusal)
        g_string_append_printf (subtitle, "\n%s", _("Refused by the federation:"));
      if (order->refusal)
        g_string_append_printf (subtitle, " %s", _(order->refusal));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle->str);
      add_order_lines (self, ADW_EXPANDER_ROW (row), order);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), g_hash_table_contains (expanded, order->number));
      /* The order's steps one above the other: side by side they left
       * the order's number and customer a sliver of the row. */
      actions = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_valign (actions, GTK_ALIGN_CENTER);
      if (step)
        {
          GtkWidget *button = gtk_button_new_with_label (step);

          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", order->number);
          gtk_box_append (GTK_BOX (actions), button);
        }
      if (vtr_order_state_can_become (order->state, VTR_ORDER_CANCELLED))
        {
          GtkWidget *button = gtk_button_new_with_label (_("Cancel…"));
          g_autofree char *name = g_strdup_printf (_("Cancel order %s"), order->number);

          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "counter.cancel-order");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", order->number);
          gtk_box_append (GTK_BOX (actions), button);
        }
      /* The customer may ask to be forgotten (RGPD): their details go. */
      if (order->first_name && *order->first_name)
        {
          GtkWidget *forget = gtk_button_new_with_label (_("Forget the customer"));

          gtk_widget_add_css_class (forget, "flat");
          gtk_actionable_set_action_name (GTK_ACTIONABLE (forget), "counter.forget-customer");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (forget), "s", order->number);
          gtk_box_append (GTK_BOX (actions), forget);
        }
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), actions);
      gtk_list_box_append (self->orders, row);
      gtk_widget_set_visible (GTK_WIDGET (self->orders), TRUE);
    }
}

static void
on_give_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          data)
{
  VtrCounterScreen *self = data;
  gint64 reward_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "reward");
  const char *card_id = g_object_get_data (G_OBJECT (dialog), "card");

  /* Only to the card it was asked for: not one scanned since, nor after
   * the counter was left. */
  if (g_str_equal (response, "give") && self->counter &&
      g_strcmp0 (vtr_counter_get_card_id (self->counter), card_id) == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "counter.redeem", "x", reward_id);
}

/* A reward costs the customer's points: asked again before it is given,
 * as a tap by mistake cannot be taken back. */
static void
on_give_clicked (GtkButton *button,
                 gpointer   data)
{
  VtrCounterScreen *self = data;
  gint64 reward_id = *(gint64 *) g_object_get_data (G_OBJECT (button), "reward");
  int points = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "points"));
  const char *title = g_object_get_data (G_OBJECT (button), "title");
  g_autofree char *heading = g_strdup_printf (_("Give “%s”?"), title);
  g_autofree char *body = g_strdup_printf (ngettext ("%d point comes off the customer’s card.",
                                                     "%d points come off the customer’s card.", points),
                                           points);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->counter == NULL || vtr_counter_get_card_id (self->counter) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("Cancel"), "give", _("Give"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "give", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  /* The kiosk's type, read from a metre away. */
  gtk_widget_add_css_class (dialog, "vitrine");
  g_object_set_data_full (G_OBJECT (dialog), "reward", g_memdup2 (&reward_id, sizeof reward_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "card", g_strdup (vtr_counter_get_card_id (self->counter)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_give_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shop's rewards for the card on the counter: those its points pay
 * for can be given, the others say how many points they take. */
static void
show_rewards (VtrCounterScreen *self)
{
  GPtrArray *rewards = self->counter ? vtr_counter_get_rewards (self->counter) : NULL;
  gint64 balance = self->counter ? vtr_counter_get_balance (self->counter) : 0;

  remove_rows (self->rewards);
  for (guint i = 0; rewards && i < rewards->len; i++)
    {
      VtrReward *reward = g_ptr_array_index (rewards, i);
      g_autofree char *cost = g_strdup_printf (ngettext ("%d point", "%d points", reward->points), reward->points);
      g_autofree char *name = g_strdup_printf (_("Give “%s”"), reward->title);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("Give"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), reward->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), cost);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      /* Not an actionable button: its sensitivity is the card's points. */
      gtk_widget_set_sensitive (button, balance >= reward->points);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data_full (G_OBJECT (button), "reward", g_memdup2 (&reward->id, sizeof reward->id), g_free);
      g_object_set_data_full (G_OBJECT (button), "title", g_strdup (reward->title), g_free);
      g_object_set_data (G_OBJECT (button), "points", GINT_TO_POINTER (reward->points));
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_give_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->rewards, row);
      gtk_widget_set_visible (GTK_WIDGET (self->rewards), TRUE);
    }
}

static void
on_orders_changed (VtrCounterScreen *self)
{
  show_orders (self);
}

static void
on_rewards_changed (VtrCounterScreen *self)
{
  show_rewards (self);
}

/* "Scan a picture…", in a staff session (a card or an order's code is
 * the counter's then), where pictures may be scanned. */
static void
update_scan_file_button (VtrCounterScreen *self)
{
  gtk_widget_set_visible (self->scan_file_button,
                          self->can_scan_file && self->counter && vtr_counter_get_can_enrol (self->counter));
}

static void
on_admin_unlocked (VtrCounterScreen *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-admin", NULL);
}

/* A physical keyboard at the counter: digits, comma, erase, Enter. */
static gboolean
on_key_pressed (GtkEventControllerKey *keys,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               data)
{
  VtrCounterScreen *self = data;
  gunichar c = gdk_keyval_to_unicode (keyval);
  char digit[2] = { 0 };
  const char *key;

  if (self->counter == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return GDK_EVENT_PROPAGATE;
  /* A card scanned by a USB scanner types its digits too: once the keys
   * come faster than anyone types, the keypad gets back what it showed
   * before them and takes no more of them (the window reads the scan). */
  {
    guint32 time = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (keys));
    guint fast_keys = vtr_key_pace_note (&self->pace, time) - 1;

    if (fast_keys == 0)
      {
        g_free (self->typed_before);
        self->typed_before = vtr_counter_dup_typed (self->counter);
      }
    else if (fast_keys == VTR_SCANNER_FAST_KEYS)
      vtr_counter_set_typed (self->counter, self->typed_before);
    if (fast_keys >= VTR_SCANNER_FAST_KEYS)
      return GDK_EVENT_PROPAGATE;
  }
  /* A lost card's panel: the keys go to its entry, not to the keypad. */
  if (vtr_counter_get_lost_card (self->counter))
    return GDK_EVENT_PROPAGATE;
  if (keyval == GDK_KEY_BackSpace)
    key = VTR_COUNTER_KEY_ERASE;
  else if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
    key = VTR_COUNTER_KEY_OK;
  else if (c == ',' || c == '.' || keyval == GDK_KEY_KP_Decimal)
    key = VTR_COUNTER_KEY_COMMA;
  else if (c >= '0' && c <= '9')
    {
      digit[0] = (char) c;
      key = digit;
    }
  else
    return GDK_EVENT_PROPAGATE;
  vtr_counter_press (self->counter, key);
  return GDK_EVENT_STOP;
}

static void
press_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_press (self->counter, g_variant_get_string (parameter, NULL));
}

static void
enrol_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_start_enrol (self->counter);
}

static void
print_slip_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_print_slip (self->counter);
}

static void
redeem_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_redeem (self->counter, g_variant_get_int64 (parameter));
}

static void
forget_customer_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_forget_customer (self->counter, g_variant_get_string (parameter, NULL));
}

static void
lost_card_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_start_lost_card (self->counter);
}

static void
lost_card_end_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_end_lost_card (self->counter);
}

static void
all_orders_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_show_all_orders (self->counter);
}

static void
advance_order_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_advance_order (self->counter, g_variant_get_string (parameter, NULL));
}

static void
hand_over_order_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);

  if (self->counter)
    vtr_counter_hand_over_order (self->counter, g_variant_get_string (parameter, NULL));
}

/* A step that needs words: its dialog, over the counter. */
static void
order_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (widget);
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->counter == NULL)
    return;
  dialog = vtr_order_step_dialog_new (self->counter,
                                      g_str_equal (action_name, "counter.cancel-order") ? VTR_ORDER_STEP_CANCEL
                                                                                        : VTR_ORDER_STEP_DEPOSIT,
                                      g_variant_get_string (parameter, NULL));
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void update_comma (VtrCounterScreen *self);

VtrCounter *
vtr_counter_screen_get_counter (VtrCounterScreen *self)
{
  g_return_val_if_fail (VTR_IS_COUNTER_SCREEN (self), NULL);

  return self->counter;
}

/**
 * vtr_counter_screen_set_counter:
 * @counter: (nullable): the counter to show
 */
void
vtr_counter_screen_set_counter (VtrCounterScreen *self,
                                VtrCounter       *counter)
{
  g_return_if_fail (VTR_IS_COUNTER_SCREEN (self));
  g_return_if_fail (counter == NULL || VTR_IS_COUNTER (counter));

  if (!g_set_object (&self->counter, counter))
    return;
  g_binding_group_set_source (self->bindings, counter);
  g_signal_group_set_target (self->signals, counter);
  if (counter == NULL)
    {
      gtk_label_set_text (self->card_label, "");
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->keyed_label, " ");
      gtk_label_set_text (self->message_label, "");
      gtk_label_set_text (self->pin_message_label, "");
    }
  show_orders (self);
  show_rewards (self);
  update_scan_file_button (self);
  update_comma (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER]);
}

/* Shown: the focus on the keypad, so a physical keyboard types there. */
static void
vtr_counter_screen_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vtr_counter_screen_parent_class)->map (widget);
  gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
}

static void
vtr_counter_screen_dispose (GObject *object)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (object);

  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  if (self->signals)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->counter);
  g_clear_pointer (&self->typed_before, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_COUNTER_SCREEN);
  G_OBJECT_CLASS (vtr_counter_screen_parent_class)->dispose (object);
}

static void
vtr_counter_screen_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      g_value_set_object (value, self->counter);
      break;
    case PROP_CAN_SCAN_FILE:
      g_value_set_boolean (value, self->can_scan_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_counter_screen_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VtrCounterScreen *self = VTR_COUNTER_SCREEN (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      vtr_counter_screen_set_counter (self, g_value_get_object (value));
      break;
    case PROP_CAN_SCAN_FILE:
      if (self->can_scan_file != g_value_get_boolean (value))
        {
          self->can_scan_file = g_value_get_boolean (value);
          update_scan_file_button (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_counter_screen_class_init (VtrCounterScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_counter_screen_dispose;
  object_class->get_property = vtr_counter_screen_get_property;
  object_class->set_property = vtr_counter_screen_set_property;
  widget_class->map = vtr_counter_screen_map;

  properties[PROP_COUNTER] =
    g_param_spec_object ("counter", NULL, NULL, VTR_TYPE_COUNTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A card or a pickup code scanned from a picture (win.scan-file), where
   * the scan screen offers it too: not in kiosk mode. */
  properties[PROP_CAN_SCAN_FILE] =
    g_param_spec_boolean ("can-scan-file", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_LOST_CARD_PANEL);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-counter-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, comma_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, flip);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, card_label);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, title_label);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, keyed_label);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, message_label);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, pin_message_label);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, side_scroller);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, keyed_stack);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, spinner);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, slip_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, enrol_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, rewards);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, orders);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, orders_heading);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, all_orders_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, lost_card_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, scan_file_button);
  gtk_widget_class_bind_template_child (widget_class, VtrCounterScreen, lost_card_panel);

  gtk_widget_class_install_action (widget_class, "counter.press", "s", press_action);
  gtk_widget_class_install_action (widget_class, "counter.enrol", NULL, enrol_action);
  gtk_widget_class_install_action (widget_class, "counter.print-slip", NULL, print_slip_action);
  gtk_widget_class_install_action (widget_class, "counter.redeem", "x", redeem_action);
  gtk_widget_class_install_action (widget_class, "counter.advance-order", "s", advance_order_action);
  gtk_widget_class_install_action (widget_class, "counter.hand-over-order", "s", hand_over_order_action);
  gtk_widget_class_install_action (widget_class, "counter.forget-customer", "s", forget_customer_action);
  gtk_widget_class_install_action (widget_class, "counter.lost-card", NULL, lost_card_action);
  gtk_widget_class_install_action (widget_class, "counter.lost-card-end", NULL, lost_card_end_action);
  gtk_widget_class_install_action (widget_class, "counter.all-orders", NULL, all_orders_action);
  gtk_widget_class_install_action (widget_class, "counter.cancel-order", "s", order_step_action);
  gtk_widget_class_install_action (widget_class, "counter.deposit-order", "s", order_step_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "counterscreen");
}

/* A comma in an amount of euros, never in a PIN, a phone number or an
 * order's number (typed before a card, on a shop's device). */
static void
update_comma (VtrCounterScreen *self)
{
  gboolean amount = self->counter && vtr_counter_get_mode (self->counter) == VTR_COUNTER_MODE_AMOUNT &&
                    (vtr_counter_get_card_id (self->counter) || vtr_counter_get_merchant_id (self->counter) <= 0);

  gtk_widget_set_visible (self->comma_button, amount);
}

/* A PIN asked: the keypad alone, in the middle of the screen; nothing of
 * a session beside it. */
/* A PIN asked and refused: why, where the dots were, until a key is
 * pressed again. */
static void
update_keyed (VtrCounterScreen *self)
{
  VtrCounterMode mode = self->counter ? vtr_counter_get_mode (self->counter) : VTR_COUNTER_MODE_AMOUNT;
  const char *message = gtk_label_get_text (self->pin_message_label);
  g_autofree char *keyed = g_strstrip (g_strdup (gtk_label_get_text (self->keyed_label)));
  gboolean why = (mode == VTR_COUNTER_MODE_STAFF_PIN || mode == VTR_COUNTER_MODE_ADMIN_PIN) &&
                 *message && !*keyed;

  gtk_stack_set_visible_child (self->keyed_stack,
                               why ? GTK_WIDGET (self->pin_message_label) : GTK_WIDGET (self->keyed_label));
}

static gboolean
mode_has_session (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      data)
{
  int mode = g_value_get_enum (from);

  g_value_set_boolean (to, mode != VTR_COUNTER_MODE_STAFF_PIN && mode != VTR_COUNTER_MODE_ADMIN_PIN);
  return TRUE;
}

static gboolean
lost_card_shown (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      data)
{
  g_value_set_boolean (to, g_value_get_object (from) != NULL);
  return TRUE;
}

static void
vtr_counter_screen_init (VtrCounterScreen *self)
{
  GtkEventController *typing = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->no_orders = gtk_label_new (_("No order yet: a new one appears here, with a sound."));
  gtk_label_set_wrap (GTK_LABEL (self->no_orders), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->no_orders), 0);
  gtk_widget_add_css_class (self->no_orders, "details");
  gtk_widget_set_visible (self->no_orders, FALSE);
  gtk_widget_insert_after (self->no_orders, gtk_widget_get_parent (GTK_WIDGET (self->orders)),
                           GTK_WIDGET (self->orders));

  self->bindings = g_binding_group_new ();
  g_binding_group_bind (self->bindings, "title", self->title_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "keyed", self->keyed_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "message", self->message_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "message", self->pin_message_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->bindings, "mode", self->side_scroller, "visible", G_BINDING_SYNC_CREATE,
                             mode_has_session, NULL, NULL, NULL);
  g_binding_group_bind (self->bindings, "card", self->card_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "can-enrol", self->enrol_button, "visible", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "can-print-slip", self->slip_button, "visible", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "busy", self->spinner, "spinning", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "busy", self->spinner, "visible", G_BINDING_SYNC_CREATE);
  /* (cards) the lost card's panel, and the button that opens it */
  g_binding_group_bind (self->bindings, "can-enrol", self->lost_card_button, "visible", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "lost-card", self->lost_card_panel, "lost-card", G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->bindings, "lost-card", self->lost_card_panel, "visible", G_BINDING_SYNC_CREATE,
                             lost_card_shown, NULL, NULL, NULL);

  g_signal_connect_swapped (self->keyed_label, "notify::label", G_CALLBACK (update_keyed), self);
  g_signal_connect_swapped (self->pin_message_label, "notify::label", G_CALLBACK (update_keyed), self);

  self->signals = g_signal_group_new (VTR_TYPE_COUNTER);
  g_signal_group_connect_swapped (self->signals, "notify::mode", G_CALLBACK (update_keyed), self);
  g_signal_group_connect_swapped (self->signals, "notify::mode", G_CALLBACK (update_comma), self);
  g_signal_group_connect_swapped (self->signals, "notify::card-id", G_CALLBACK (update_comma), self);
  g_signal_group_connect_swapped (self->signals, "notify::merchant-id", G_CALLBACK (update_comma), self);
  g_signal_group_connect_swapped (self->signals, "notify::asked-number", G_CALLBACK (on_orders_changed), self);
  g_signal_group_connect_swapped (self->signals, "notify::orders", G_CALLBACK (on_orders_changed), self);
  g_signal_group_connect_swapped (self->signals, "notify::rewards", G_CALLBACK (on_rewards_changed), self);
  g_signal_group_connect_swapped (self->signals, "notify::balance", G_CALLBACK (on_rewards_changed), self);
  g_signal_group_connect_swapped (self->signals, "admin-unlocked", G_CALLBACK (on_admin_unlocked), self);
  g_signal_group_connect_swapped (self->signals, "notify::can-enrol", G_CALLBACK (update_scan_file_button), self);

  /* Before the focused widget: Enter is the keypad's OK, not a press on
   * whichever key button has the focus. */
  gtk_event_controller_set_propagation_phase (typing, GTK_PHASE_CAPTURE);
  g_signal_connect (typing, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), typing);
}

/**
 * vtr_counter_screen_new:
 * @counter: (nullable): the counter to show
 */
GtkWidget *
vtr_counter_screen_new (VtrCounter *counter)
{
  return g_object_new (VTR_TYPE_COUNTER_SCREEN, "counter", counter, NULL);
}

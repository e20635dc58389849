#include "config.h"

#include "vtr-window-private.h"

#include <glib/gi18n.h>

#include "vtr-camera.h"
#include "vtr-decoder.h"
#include "vtr-flip-box.h"
#include "vtr-catalog.h"
#include "vtr-describe.h"
#include "vtr-flashcode.h"
#include "vtr-frame-light.h"
#include "vtr-frame-reader.h"
#include "vtr-gtin.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-order-page.h"
#include "vtr-orders.h"
#include "vtr-print-queue.h"
#include "vtr-printer.h"
#include "vtr-qr-image.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-sound.h"
#include "vtr-sync-service.h"
#include "vtr-trust.h"

/*
 * Counter mode: the shop's staff behind their PIN; a customer's card
 * scanned, a purchase credited on the keypad, a reward given; a new
 * customer's card made and printed; the shop's orders, handed over by
 * scanning their pickup codes. The keypad also takes the administrator's
 * PIN before the admin page.
 */

/* Counter mode. The keypad types a PIN (shown as dots) before the staff
 * session opens, then the amount of a purchase for the card scanned. */

static void
update_keyed (VtrWindow *self)
{
  if (self->session == NULL || self->admin_pin)
    {
      g_autoptr(GString) dots = g_string_new (NULL);

      for (gsize i = 0; i < self->keyed->len; i++)
        g_string_append (dots, "● ");
      gtk_label_set_text (self->keyed_label, self->keyed->len ? dots->str : " ");
    }
  else if (self->enrolling)
    gtk_label_set_text (self->keyed_label, self->keyed->len ? self->keyed->str : "—");
  else
    {
      g_autofree char *amount = g_strdup_printf ("%s €", self->keyed->len ? self->keyed->str : "0");
      gtk_label_set_text (self->keyed_label, amount);
    }
}

static void refresh_shop_orders (VtrWindow *self);
static void refresh_rewards (VtrWindow *self,
                             gint64     balance);

void
vtr_window_update_counter (VtrWindow *self)
{
  gint64 balance = 0;

  if (self->admin_pin)
    gtk_label_set_text (self->keypad_title, _("Administrator PIN"));
  else if (self->session == NULL)
    gtk_label_set_text (self->keypad_title, _("Staff PIN"));
  else if (self->enrolling)
    gtk_label_set_text (self->keypad_title, _("New card: the customer’s mobile, if they give it, then OK"));
  else
    gtk_label_set_text (self->keypad_title, _("Amount of the purchase"));
  if (self->session && self->card_id)
    {
      g_autofree char *text = NULL;

      vtr_loyalty_balance (self->store, self->card_id, &balance, NULL, NULL);
      text = g_strdup_printf (ngettext ("Card …%s: %lld point", "Card …%s: %lld points", balance),
                              self->card_id + strlen (self->card_id) - 4, (long long) balance);
      gtk_label_set_text (self->card_label, text);
    }
  else
    gtk_label_set_text (self->card_label, self->session ? _("Scan the customer’s card") : "");
  refresh_rewards (self, balance);
  gtk_widget_set_visible (self->enrol_button, self->session && !self->admin_pin && self->merchant_id > 0);
  gtk_widget_set_visible (self->slip_button, self->session && !self->admin_pin && self->card_id);
  update_keyed (self);
}

void
vtr_window_show_counter (VtrWindow *self)
{
  self->admin_pin = FALSE;
  g_string_truncate (self->keyed, 0);
  gtk_label_set_text (self->counter_message, "");
  vtr_window_update_counter (self);
  refresh_shop_orders (self);
  vtr_window_show_page (self, "counter");
  /* The focus on the keypad: a physical keyboard types there too. */
  gtk_widget_child_focus (gtk_stack_get_child_by_name (self->pages, "counter"), GTK_DIR_TAB_FORWARD);
}

/* Ends the staff session and forgets the customer: idle reset, or back. */
void
vtr_window_counter_clear (VtrWindow *self)
{
  self->admin_pin = FALSE;
  self->enrolling = FALSE;
  g_clear_pointer (&self->session, g_free);
  g_clear_pointer (&self->card_id, g_free);
  g_string_truncate (self->keyed, 0);
}

/* One key of the keypad: a digit, "," , "⌫" or "OK". */
void
vtr_window_counter_press (VtrWindow  *self,
                          const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->last_activity = g_get_monotonic_time ();
  gtk_label_set_text (self->counter_message, "");
  if (g_str_equal (key, "⌫"))
    {
      if (self->keyed->len)
        g_string_truncate (self->keyed, self->keyed->len - 1);
    }
  else if (!g_str_equal (key, "OK"))
    {
      gsize longest = self->enrolling ? 14 : 10;

      if (self->keyed->len < longest &&
          (g_ascii_isdigit (key[0]) || (self->session && !self->enrolling && key[0] == ',' &&
                                        !strchr (self->keyed->str, ','))))
        g_string_append (self->keyed, key);
    }
  else if (self->admin_pin)
    {
      g_autofree char *session = vtr_staff_login (self->store, VTR_ADMIN_ID, self->keyed->str, now, &error);

      g_string_truncate (self->keyed, 0);
      if (session == NULL)
        gtk_label_set_text (self->counter_message, error->message);
      else
        {
          self->admin_pin = FALSE;
          vtr_window_open_admin_page (self);
          return;
        }
    }
  else if (self->session == NULL)
    {
      self->session = vtr_staff_login (self->store, self->merchant_id, self->keyed->str, now, &error);
      g_string_truncate (self->keyed, 0);
      if (self->session == NULL)
        gtk_label_set_text (self->counter_message, error->message);
      refresh_shop_orders (self);
    }
  else if (self->enrolling)
    {
      vtr_window_counter_enrol (self);
      return;
    }
  else if (self->card_id == NULL)
    gtk_label_set_text (self->counter_message, _("Scan the customer’s card first"));
  else
    {
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      g_autofree char *euros = g_strdelimit (g_strdup (self->keyed->str), ",", '.');
      gint64 cents = (gint64) (g_ascii_strtod (euros, NULL) * 100 + 0.5);

      if (!vtr_loyalty_credit (self->store, self->session, self->card_id, cents, NULL, 0, now, &receipt, &error))
        gtk_label_set_text (self->counter_message, error->message);
      else
        {
          g_autofree char *done = g_strdup_printf (ngettext ("+%lld point credited", "+%lld points credited",
                                                             receipt.points),
                                                   (long long) receipt.points);
          gtk_label_set_text (self->counter_message, done);
        }
      g_string_truncate (self->keyed, 0);
    }
  vtr_window_update_counter (self);
}

static void
on_key_clicked (GtkButton *button,
                gpointer   data)
{
  vtr_window_counter_press (data, gtk_button_get_label (button));
}

/* The shop's orders, newest first, each with its next step. */

static void
on_advance_order (GtkButton *button,
                  gpointer   data)
{
  VtrWindow *self = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  const char *number = g_object_get_data (G_OBJECT (button), "number");
  VtrOrderState next = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "next"));

  if (!vtr_order_advance (self->store, self->session, number, next, now, &error))
    gtk_label_set_text (self->counter_message, error->message);
  refresh_shop_orders (self);
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

static void
refresh_shop_orders (VtrWindow *self)
{
  g_autoptr(GPtrArray) orders = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->shop_orders))))
    gtk_list_box_remove (self->shop_orders, child);
  gtk_widget_set_visible (GTK_WIDGET (self->shop_orders), FALSE);
  if (self->session == NULL || self->admin_pin || self->merchant_id <= 0)
    return;
  orders = vtr_order_list (self->store, self->merchant_id, NULL);
  for (guint i = 0; orders && i < orders->len && i < 6; i++)
    {
      VtrOrder *order = g_ptr_array_index (orders, i);
      g_autofree char *total = vtr_price_format (order->total_cents);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", order->first_name, total,
                                                   order_state_words (order->state));
      GtkWidget *row = adw_action_row_new ();
      const char *step = NULL;
      VtrOrderState next = order->state;

      if (order->state == VTR_ORDER_PLACED)
        step = _("Accept"), next = VTR_ORDER_ACCEPTED;
      else if (order->state == VTR_ORDER_ACCEPTED)
        step = _("Ready"), next = VTR_ORDER_READY;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), order->number);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (step)
        {
          GtkWidget *button = gtk_button_new_with_label (step);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data_full (G_OBJECT (button), "number", g_strdup (order->number), g_free);
          g_object_set_data (G_OBJECT (button), "next", GINT_TO_POINTER (next));
          g_signal_connect (button, "clicked", G_CALLBACK (on_advance_order), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->shop_orders, row);
      gtk_widget_set_visible (GTK_WIDGET (self->shop_orders), TRUE);
    }
}

/* The shop's rewards for the card on the counter: those its points pay
 * for can be given, the others say how many points they take. */

void
vtr_window_counter_redeem (VtrWindow *self,
                           gint64     reward_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };

  self->last_activity = g_get_monotonic_time ();
  if (self->session == NULL || self->card_id == NULL)
    return;
  if (!vtr_loyalty_redeem (self->store, self->session, self->card_id, reward_id, now, &receipt, &error))
    gtk_label_set_text (self->counter_message, error->message);
  else
    {
      g_autofree char *done = g_strdup_printf (ngettext ("Reward given: −%lld point", "Reward given: −%lld points",
                                                         -receipt.points),
                                               (long long) -receipt.points);
      gtk_label_set_text (self->counter_message, done);
    }
  vtr_window_update_counter (self);
}

static void
on_redeem (GtkButton *button,
           gpointer   data)
{
  vtr_window_counter_redeem (data, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "reward")));
}

static void
refresh_rewards (VtrWindow *self,
                 gint64     balance)
{
  g_autoptr(GPtrArray) rewards = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rewards))))
    gtk_list_box_remove (self->rewards, child);
  gtk_widget_set_visible (GTK_WIDGET (self->rewards), FALSE);
  if (self->session == NULL || self->card_id == NULL || self->merchant_id <= 0)
    return;
  rewards = vtr_loyalty_list_rewards (self->store, self->merchant_id, NULL);
  for (guint i = 0; rewards && i < rewards->len; i++)
    {
      VtrReward *reward = g_ptr_array_index (rewards, i);
      g_autofree char *cost = g_strdup_printf (ngettext ("%d point", "%d points", reward->points), reward->points);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("Give"));
      g_autofree char *name = g_strdup_printf (_("Give “%s”"), reward->title);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), reward->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), cost);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_set_sensitive (button, balance >= reward->points);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (button), "reward", GSIZE_TO_POINTER (reward->id));
      g_signal_connect (button, "clicked", G_CALLBACK (on_redeem), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      g_object_set_data (G_OBJECT (row), "button", button);
      gtk_list_box_append (self->rewards, row);
      gtk_widget_set_visible (GTK_WIDGET (self->rewards), TRUE);
    }
}

guint
vtr_window_count_rewards (VtrWindow *self,
                          gboolean   affordable_only)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rewards)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkListBoxRow *list_row = GTK_LIST_BOX_ROW (row);
      GtkWidget *button = g_object_get_data (G_OBJECT (list_row), "button");

      n += !affordable_only || (button && gtk_widget_get_sensitive (button));
    }
  return n;
}

static void
card_printed (VtrWindow    *self,
              gboolean      printed,
              const GError *error,
              gpointer      data)
{
  g_autofree char *card_id = data;

  /* Still this customer's card on the counter. */
  if (g_strcmp0 (self->card_id, card_id) != 0)
    return;
  if (printed)
    gtk_label_set_text (self->counter_message, _("New card printed: give it to the customer"));
  else
    {
      g_autofree char *words = g_strdup_printf (_("New card made; it could not be printed (%s). Print it "
                                                  "later from the queue."),
                                                error->message);
      gtk_label_set_text (self->counter_message, words);
    }
}

/* A new customer: the next blank card from the hub's stock, printed (or
 * its code on screen when there is no printer), ready to collect points.
 * The mobile typed on the keypad, if any, lets the shop find the card
 * again when it is lost. */
void
vtr_window_counter_enrol (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  g_autofree char *phone = self->enrolling && self->keyed->len ? g_strdup (self->keyed->str) : NULL;

  self->last_activity = g_get_monotonic_time ();
  if (self->session == NULL)
    return;
  if (!vtr_loyalty_enrol (self->store, self->session, phone, now, &receipt, &error))
    {
      gtk_label_set_text (self->counter_message, error->message);
      return;
    }
  self->enrolling = FALSE;
  g_string_truncate (self->keyed, 0);
  g_free (self->card_id);
  self->card_id = g_strdup (receipt.card_id);
  vtr_window_update_counter (self);
  gtk_label_set_text (self->counter_message, _("New card made: printing it…"));
  vtr_window_print (self, vtr_ticket_new_card (receipt.card_id, receipt.code), card_printed,
                    g_strdup (receipt.card_id));
}

/* The button: the keypad asks for the customer's mobile first. */
void
vtr_window_counter_start_enrol (VtrWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
  if (self->session == NULL)
    return;
  self->enrolling = TRUE;
  g_string_truncate (self->keyed, 0);
  gtk_label_set_text (self->counter_message, "");
  vtr_window_update_counter (self);
}

static void
on_enrol (GtkButton *button,
          gpointer   data)
{
  vtr_window_counter_start_enrol (data);
}

/* A card, or a customer's pickup code, scanned at the counter. */
gboolean
vtr_window_counter_take_code (VtrWindow  *self,
                              const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  char *card_id;

  if (self->session == NULL)
    return FALSE;
  info = vtr_code_classify (text, -1, self->keys, now);
  if (info->kind == VTR_CODE_PICKUP)
    {
      g_autoptr(VtrOrder) order = vtr_order_collect (self->store, self->session, text, self->keys, now, &error);

      if (order == NULL)
        gtk_label_set_text (self->counter_message, error->message);
      else
        {
          g_autofree char *done = g_strdup_printf (_("Order %s handed over to %s"), order->number,
                                                   order->first_name);
          gtk_label_set_text (self->counter_message, done);
        }
      refresh_shop_orders (self);
      return TRUE;
    }
  card_id = vtr_loyalty_scan_card (self->store, text, self->keys, now, &error);
  if (card_id == NULL)
    {
      gtk_label_set_text (self->counter_message, error->message);
      return TRUE;
    }
  g_free (self->card_id);
  self->card_id = card_id;
  vtr_window_update_counter (self);
  return TRUE;
}

const char *
vtr_window_get_counter_card (VtrWindow *self)
{
  return gtk_label_get_text (self->card_label);
}

guint
vtr_window_count_shop_orders (VtrWindow *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->shop_orders)); row;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

const char *
vtr_window_get_counter_message (VtrWindow *self)
{
  return gtk_label_get_text (self->counter_message);
}

/* The shop this counter belongs to; 0 hides counter mode. */
void
vtr_window_set_merchant (VtrWindow *self,
                         gint64     merchant_id)
{
  self->merchant_id = merchant_id;
  gtk_widget_set_visible (GTK_WIDGET (self->counter_button), merchant_id > 0);
}

/* A physical keyboard at the counter: digits, comma, erase, Enter. */
static gboolean
on_counter_key (GtkEventControllerKey *keys,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               data)
{
  VtrWindow *self = data;
  gunichar c = gdk_keyval_to_unicode (keyval);

  if (keyval == GDK_KEY_BackSpace)
    vtr_window_counter_press (self, "⌫");
  else if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
    vtr_window_counter_press (self, "OK");
  else if (c == ',' || c == '.' || keyval == GDK_KEY_KP_Decimal)
    vtr_window_counter_press (self, ",");
  else if (c >= '0' && c <= '9')
    {
      char digit[2] = { (char) c, 0 };

      vtr_window_counter_press (self, digit);
    }
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

static void
slip_printed (VtrWindow    *self,
              gboolean      printed,
              const GError *error,
              gpointer      data)
{
  g_autofree char *card_id = data;

  if (g_strcmp0 (self->card_id, card_id) != 0)
    return;
  gtk_label_set_text (self->counter_message, printed ? _("Slip printed: give it to the customer") : error->message);
}

/**
 * vtr_window_counter_print_slip:
 *
 * The customer's slip for the last credit or reward of the card on the
 * counter: points, purchase, balance.
 */
void
vtr_window_counter_print_slip (VtrWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrLoyaltyEvent) event = NULL;
  gint64 balance = 0;

  self->last_activity = g_get_monotonic_time ();
  if (self->session == NULL || self->card_id == NULL)
    return;
  event = vtr_loyalty_last_event (self->store, &error);
  if (event == NULL || g_strcmp0 (event->card_id, self->card_id) != 0)
    {
      gtk_label_set_text (self->counter_message, _("Nothing to print for this card yet: credit a purchase first"));
      return;
    }
  vtr_loyalty_balance (self->store, self->card_id, &balance, NULL, NULL);
  gtk_label_set_text (self->counter_message, _("Printing the slip…"));
  vtr_window_print (self, vtr_ticket_new_slip (self->catalog, event, balance), slip_printed,
                    g_strdup (self->card_id));
}

/* A list's heading, shown when the list is. */
static GtkWidget *
list_heading (const char *text,
              GtkWidget  *list)
{
  GtkWidget *heading = gtk_label_new (text);

  gtk_widget_set_halign (heading, GTK_ALIGN_START);
  gtk_widget_add_css_class (heading, "heading");
  g_object_bind_property (list, "visible", heading, "visible", G_BINDING_SYNC_CREATE);
  return heading;
}

GtkWidget *
vtr_window_build_counter_page (VtrWindow *self)
{
  static const char * const keys[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", ",", "0", "⌫" };
  GtkWidget *page = vtr_flip_box_new (48);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *ok = gtk_button_new_with_label ("OK");

  /* The keypad on the left, what the shop does for the customer on
   * the right: rewards, a new card, its orders. */
  gtk_widget_set_margin_start (page, 24);
  gtk_widget_set_margin_end (page, 24);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (side, 24);
  gtk_widget_set_margin_bottom (side, 24);
  gtk_widget_set_size_request (side, 480, -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_valign (scrolled, GTK_ALIGN_CENTER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), side);
  vtr_flip_box_append (VTR_FLIP_BOX (page), box);
  vtr_flip_box_append (VTR_FLIP_BOX (page), scrolled);
  {
    GtkEventController *typing = gtk_event_controller_key_new ();

    g_signal_connect (typing, "key-pressed", G_CALLBACK (on_counter_key), self);
    gtk_widget_add_controller (page, typing);
    gtk_widget_add_css_class (page, "counter");
  }
  self->card_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->card_label), "title-1");
  self->keypad_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->keypad_title), "title-3");
  self->keyed_label = GTK_LABEL (gtk_label_new (" "));
  gtk_widget_add_css_class (GTK_WIDGET (self->keyed_label), "keyed");
  self->counter_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->counter_message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->counter_message), "title-3");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->card_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->keypad_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->keyed_label));

  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *key = gtk_button_new_with_label (keys[i]);

      gtk_widget_add_css_class (key, "keypad");
      if (g_str_equal (keys[i], "⌫"))
        gtk_accessible_update_property (GTK_ACCESSIBLE (key), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Erase"), -1);
      g_signal_connect (key, "clicked", G_CALLBACK (on_key_clicked), self);
      gtk_grid_attach (GTK_GRID (grid), key, i % 3, i / 3, 1, 1);
    }
  gtk_widget_add_css_class (ok, "keypad");
  gtk_widget_add_css_class (ok, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (ok), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confirm"), -1);
  g_signal_connect (ok, "clicked", G_CALLBACK (on_key_clicked), self);
  gtk_grid_attach (GTK_GRID (grid), ok, 0, 4, 3, 1);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->counter_message));
  self->slip_button = gtk_button_new_with_label (_("Print the customer’s slip"));
  gtk_widget_add_css_class (self->slip_button, "pill");
  gtk_widget_add_css_class (self->slip_button, "kiosk-button");
  g_signal_connect_swapped (self->slip_button, "clicked", G_CALLBACK (vtr_window_counter_print_slip), self);
  gtk_box_append (GTK_BOX (side), self->slip_button);
  {
    GtkWidget *enrol = gtk_button_new_with_label (_("New customer: make a card"));

    self->enrol_button = enrol;
    gtk_widget_add_css_class (enrol, "pill");
    gtk_widget_add_css_class (enrol, "kiosk-button");
    g_signal_connect (enrol, "clicked", G_CALLBACK (on_enrol), self);
    gtk_box_append (GTK_BOX (side), enrol);
  }
  self->rewards = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->rewards, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->rewards), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rewards), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The shop’s rewards"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->rewards), FALSE);
  gtk_box_append (GTK_BOX (side), list_heading (_("Rewards"), GTK_WIDGET (self->rewards)));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->rewards));
  self->shop_orders = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->shop_orders, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->shop_orders), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->shop_orders), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The shop’s orders"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->shop_orders), FALSE);
  gtk_box_append (GTK_BOX (side), list_heading (_("The shop’s orders"), GTK_WIDGET (self->shop_orders)));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->shop_orders));
  return page;
}

#include "config.h"

#include "vtr-window.h"

#include <glib/gi18n.h>

#include "vtr-camera.h"
#include "vtr-decoder.h"
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
 * The kiosk's window: the scan screen (camera, search), the product screen
 * (nearest stockists), the warning card for codes that are not the
 * federation's. Freshness of the data in the corner; in kiosk mode,
 * fullscreen, no way out, and back to the scan screen after a while
 * without a touch, with what the last person typed cleared.
 */

GResource *vtr_app_get_resource (void);

#define DEFAULT_IDLE_SECONDS 90
#define COUNTDOWN_SECONDS 10
#define FEEDBACK_USEC (1500 * 1000)
#define PRINT_RETRY_SECONDS 30
#define LIGHT_CHECK_USEC (500 * 1000)
#define CLOSER_HINT_USEC (6 * G_USEC_PER_SEC)

struct _VtrWindow
{
  AdwApplicationWindow  parent_instance;

  char                 *data_dir;
  char                 *camera_option;
  GSettings            *settings;     /* NULL without the installed schema */
  VtrSound             *sound;
  char                 *language;
  GtkButton            *language_button;
  AdwEntryRow          *position_row;
  AdwComboRow          *camera_row;
  GPtrArray            *camera_devices; /* VtrCameraDevice, the camera row's choices after "Other" */
  AdwEntryRow          *camera_entry;
  AdwEntryRow          *printer_row;
  AdwActionRow         *printer_status_row;
  AdwComboRow          *language_row;
  GtkSwitch            *sound_switch;
  guint                 print_retry_id;
  gboolean              print_retrying;
  VtrStore             *store;
  VtrCatalog           *catalog;
  VtrKeyList           *keys;
  VtrCamera            *camera;
  VtrSyncService       *sync;
  VtrPosition           here;
  gboolean              kiosk;

  GtkStack             *pages;
  GtkStack             *scan_stack;
  GtkPicture           *preview;
  GtkDrawingArea       *overlay;
  GtkLabel             *hint;
  AdwStatusPage        *no_camera;
  GtkSearchEntry       *search;
  GtkLabel             *freshness;
  AdwHeaderBar         *header;
  GtkButton            *back;
  AdwToastOverlay      *toasts;
  GtkLabel             *countdown;

  GtkLabel             *product_name;
  GtkLabel             *product_brand;
  GtkListBox           *stockists;
  AdwStatusPage        *warning;
  GtkBox               *civic;
  GtkBox               *merchant_box;

  /* Counter mode: the shop's staff, behind their PIN. */
  gint64                merchant_id;
  char                 *session;
  char                 *card_id;
  GString              *keyed;        /* PIN or amount being typed */
  gboolean              admin_pin;    /* the keypad asks for the admin PIN */
  AdwPreferencesGroup  *admin_status;
  AdwActionRow         *admin_sync_row;
  GtkButton            *counter_button;
  GtkLabel             *keypad_title;
  GtkLabel             *keyed_label;
  GtkLabel             *counter_message;
  GtkLabel             *card_label;
  GtkListBox           *shop_orders;
  GtkListBox           *rewards;
  GtkLabel             *results_title;
  GtkListBox           *results;
  GtkFlowBox           *service_grid;
  GtkWidget            *enrol_button;

  /* Ordering: the product and shop chosen, then the order taken. */
  gint64                order_product;
  VtrOrderPage         *order_page;
  GtkButton            *basket_button;
  GtkLabel             *done_title;
  GtkLabel             *done_number;
  GtkLabel             *done_words;
  GtkDrawingArea       *done_code;
  char                 *pickup_code;

  VtrPoint              corners[4];
  int                   n_corners;
  gint64                corners_until;
  int                   frame_width;
  int                   frame_height;
  VtrLight              light;         /* of the last frame looked at */
  gint64                light_checked;
  gint64                scanning_since; /* the last code read, or the scan screen shown */

  guint                 idle_seconds;
  gint64                last_activity;
  guint                 tick_id;
};

G_DEFINE_FINAL_TYPE (VtrWindow, vtr_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (VtrWindow  *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void update_basket_button (VtrWindow *self);
static void play_tone (VtrWindow *self,
                       VtrTone    tone);
static void update_language_button (VtrWindow *self);
static void load_admin_settings (VtrWindow *self);
static gboolean on_print_retry (gpointer data);
static void set_camera (VtrWindow  *self,
                        const char *source);

static void
show_page (VtrWindow  *self,
           const char *name)
{
  gtk_stack_set_visible_child_name (self->pages, name);
  gtk_widget_set_visible (GTK_WIDGET (self->back), !g_str_equal (name, "scan"));
  update_basket_button (self);
  if (g_str_equal (name, "scan"))
    self->scanning_since = g_get_monotonic_time ();
}

const char *
vtr_window_get_page (VtrWindow *self)
{
  return gtk_stack_get_visible_child_name (self->pages);
}

const char *
vtr_window_get_warning (VtrWindow *self)
{
  return adw_status_page_get_description (self->warning);
}


/* The product screen. */

static void on_order_clicked (GtkButton *button,
                              gpointer   data);

static void
on_stockist_activated (AdwActionRow *row,
                       gpointer      data)
{
  vtr_window_show_merchant (data, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "merchant")));
}

static GtkWidget *
stockist_row (VtrWindow         *self,
              const VtrStockist *stockist,
              GDateTime         *now,
              gboolean           from_poster)
{
  const VtrMerchant *merchant = stockist->place.merchant;
  g_autofree char *distance = vtr_describe_distance (stockist->place.distance_m, stockist->place.walking_minutes);
  g_autofree char *open = vtr_describe_open_state (&stockist->place.open, now);
  g_autofree char *price = vtr_price_format (stockist->price_cents);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *price_label = gtk_label_new (price);
  GtkWidget *stock_label = gtk_label_new (vtr_describe_availability (stockist->availability));

  g_string_append_printf (subtitle, "%s · %s\n%s", distance, open, merchant->address ? merchant->address : "");
  for (guint i = 0; stockist->promotions && i < stockist->promotions->len; i++)
    {
      g_autofree char *promotion = vtr_promotion_describe (g_ptr_array_index (stockist->promotions, i));
      g_string_append_printf (subtitle, "\n%s", promotion);
    }
  if (from_poster)
    g_string_prepend (subtitle, _("The shop of the poster you scanned\n"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), merchant->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (price_label, "title-3");
  gtk_widget_set_halign (price_label, GTK_ALIGN_END);
  gtk_widget_set_halign (stock_label, GTK_ALIGN_END);
  gtk_widget_add_css_class (stock_label, stockist->availability == VTR_AVAILABILITY_IN_STOCK ? "success" : "warning");
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (suffix), price_label);
  gtk_box_append (GTK_BOX (suffix), stock_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  if (stockist->availability != VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      GtkWidget *order = gtk_button_new_with_label (_("Order"));

      gtk_widget_set_valign (order, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (order, "kiosk-button");
      g_object_set_data (G_OBJECT (order), "merchant", GSIZE_TO_POINTER ((gsize) merchant->id));
      g_signal_connect (order, "clicked", G_CALLBACK (on_order_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), order);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle->str, -1);
  /* A touch on the shop: its page (hours, services, collection points). */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "merchant", GSIZE_TO_POINTER ((gsize) merchant->id));
  g_signal_connect (row, "activated", G_CALLBACK (on_stockist_activated), self);
  return row;
}

/**
 * vtr_window_show_product:
 * @merchant_first: the shop of the poster scanned, shown first; or 0
 */
void
vtr_window_show_product (VtrWindow *self,
                         gint64     product_id,
                         gint64     merchant_first)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, product_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProduct) product = vtr_catalog_find_product (self->catalog, id, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) stockists = NULL;
  GtkWidget *child;

  if (product == NULL)
    {
      toast (self, error->message);
      return;
    }
  self->order_product = product->id;
  gtk_label_set_text (self->product_name, product->name);
  gtk_label_set_text (self->product_brand, product->brand ? product->brand : "");
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stockists))))
    gtk_list_box_remove (self->stockists, child);

  stockists = vtr_catalog_nearest_stockists (self->catalog, product->id, &self->here, now, 10,
                                             VTR_STOCKISTS_DEFAULT, &error);
  if (stockists == NULL || stockists->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No shop near here has it right now"));
      gtk_list_box_append (self->stockists, row);
    }
  /* The price range near here, beside the brand. */
  if (stockists && stockists->len > 0)
    {
      gint64 low = G_MAXINT64, high = 0;
      g_autofree char *low_text = NULL;
      g_autofree char *high_text = NULL;
      g_autofree char *range = NULL;
      g_autofree char *line = NULL;

      for (guint i = 0; i < stockists->len; i++)
        {
          VtrStockist *stockist = g_ptr_array_index (stockists, i);

          low = MIN (low, stockist->price_cents);
          high = MAX (high, stockist->price_cents);
        }
      low_text = vtr_price_format (low);
      high_text = vtr_price_format (high);
      range = low == high ? g_strdup_printf (_("%s near here"), low_text)
                          : g_strdup_printf (_("from %s to %s near here"), low_text, high_text);
      line = product->brand && *product->brand ? g_strdup_printf ("%s · %s", product->brand, range)
                                              : g_steal_pointer (&range);
      gtk_label_set_text (self->product_brand, line);
    }
  /* The poster's shop first: the shopper is standing in front of it. */
  for (guint i = 0; stockists && i < stockists->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (stockists, i);

      if (stockist->place.merchant->id == merchant_first)
        gtk_list_box_prepend (self->stockists, stockist_row (self, stockist, now, TRUE));
      else
        gtk_list_box_append (self->stockists, stockist_row (self, stockist, now, FALSE));
    }
  show_page (self, "product");
}

/* The first shop listed, for tests and screen readers' summaries. */
char *
vtr_window_get_first_stockist (VtrWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->stockists, 0);

  return row ? g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))) : NULL;
}

static void show_admin_page (VtrWindow *self);

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
  else
    {
      g_autofree char *amount = g_strdup_printf ("%s €", self->keyed->len ? self->keyed->str : "0");
      gtk_label_set_text (self->keyed_label, amount);
    }
}

static void refresh_shop_orders (VtrWindow *self);
static void refresh_rewards (VtrWindow *self,
                             gint64     balance);

static void
update_counter (VtrWindow *self)
{
  gint64 balance = 0;

  if (self->admin_pin)
    gtk_label_set_text (self->keypad_title, _("Administrator PIN"));
  else if (self->session == NULL)
    gtk_label_set_text (self->keypad_title, _("Staff PIN"));
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
  update_keyed (self);
}

void
vtr_window_show_counter (VtrWindow *self)
{
  self->admin_pin = FALSE;
  g_string_truncate (self->keyed, 0);
  gtk_label_set_text (self->counter_message, "");
  update_counter (self);
  refresh_shop_orders (self);
  show_page (self, "counter");
}

static void
on_counter_clicked (GtkButton *button,
                    gpointer   data)
{
  vtr_window_show_counter (data);
}

/* Ends the staff session and forgets the customer: idle reset, or back. */
static void
counter_clear (VtrWindow *self)
{
  self->admin_pin = FALSE;
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
      if (self->keyed->len < 10 && (g_ascii_isdigit (key[0]) || (self->session && key[0] == ',' &&
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
          show_admin_page (self);
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
  update_counter (self);
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
  update_counter (self);
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

/* A new customer: the next blank card from the hub's stock, printed (or
 * its code on screen when there is no printer), ready to collect points. */
void
vtr_window_counter_enrol (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  g_autoptr(VtrTicket) ticket = NULL;
  g_autofree char *target = vtr_print_default_target ();

  self->last_activity = g_get_monotonic_time ();
  if (self->session == NULL)
    return;
  if (!vtr_loyalty_enrol (self->store, self->session, NULL, now, &receipt, &error))
    {
      gtk_label_set_text (self->counter_message, error->message);
      return;
    }
  g_free (self->card_id);
  self->card_id = g_strdup (receipt.card_id);
  ticket = vtr_ticket_new_card (receipt.card_id, receipt.code);
  if (target && vtr_print_now (self->store, ticket, target, &error))
    gtk_label_set_text (self->counter_message, _("New card printed: give it to the customer"));
  else
    {
      g_autofree char *words = g_strdup_printf (_("New card made; it could not be printed (%s). Print it "
                                                  "later from the queue."),
                                                error ? error->message : _("no printer"));
      gtk_label_set_text (self->counter_message, words);
    }
  update_counter (self);
}

static void
on_enrol (GtkButton *button,
          gpointer   data)
{
  vtr_window_counter_enrol (data);
}

/* A card, or a customer's pickup code, scanned at the counter. */
static gboolean
counter_takes_card (VtrWindow  *self,
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
  card_id = vtr_loyalty_card_id (text, self->keys, now, &error);
  if (card_id == NULL)
    {
      gtk_label_set_text (self->counter_message, error->message);
      return TRUE;
    }
  g_free (self->card_id);
  self->card_id = card_id;
  update_counter (self);
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

static GtkWidget *
build_counter_page (VtrWindow *self)
{
  static const char * const keys[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", ",", "0", "⌫" };
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 48);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *ok = gtk_button_new_with_label ("OK");

  /* The keypad on the left, what the shop does for the customer on
   * the right: rewards, a new card, its orders. */
  gtk_widget_set_halign (page, GTK_ALIGN_CENTER);
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
  gtk_box_append (GTK_BOX (page), box);
  gtk_box_append (GTK_BOX (page), scrolled);
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
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->rewards));
  self->shop_orders = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->shop_orders, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->shop_orders), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->shop_orders), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The shop’s orders"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->shop_orders), FALSE);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->shop_orders));
  return page;
}

/* A shop's page, from its flashcode (on its door or poster). */

static void
add_merchant_row (GtkWidget  *group,
                  const char *title,
                  const char *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

void
vtr_window_show_merchant (VtrWindow *self,
                          gint64     merchant_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (self->catalog, merchant_id, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(GString) services = g_string_new (NULL);
  g_autofree char *place = NULL;
  g_autofree char *open = NULL;
  g_autofree char *hours = NULL;
  GtkWidget *child, *group, *title;
  VtrOpenState state = { 0 };

  if (merchant == NULL)
    {
      toast (self, error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->merchant_box))))
    gtk_box_remove (self->merchant_box, child);

  title = gtk_label_new (merchant->name);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (self->merchant_box, title);

  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    {
      const VtrService *service = vtr_service_lookup (merchant->services[i]);

      g_string_append_printf (services, "%s%s", i ? ", " : "", service ? vtr_service_label (service) : merchant->services[i]);
    }
  place = g_strdup_printf ("%s, %s %s", merchant->address, merchant->postcode, merchant->city);
  if (merchant->opening_hours && *merchant->opening_hours)
    {
      vtr_catalog_open_state (self->catalog, merchant->opening_hours, now, &state);
      open = vtr_describe_open_state (&state, now);
      g_clear_pointer (&state.next_change, g_date_time_unref);
      hours = g_strdup_printf ("%s\n%s", open, merchant->opening_hours);
    }
  group = adw_preferences_group_new ();
  add_merchant_row (group, _("Trade"), services->str);
  add_merchant_row (group, _("Address"), place);
  add_merchant_row (group, _("Opening hours"), hours);
  add_merchant_row (group, _("Phone"), merchant->phone);
  gtk_box_append (self->merchant_box, group);

  /* The collection points it hosts: clothes, cardboard, oil, parcels. */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Collected here"));
  gtk_widget_set_visible (group, FALSE);
  gtk_box_append (self->merchant_box, group);
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) points = vtr_catalog_collection_points_near (self->catalog, kind, &merchant->position, now,
                                                                        3, NULL);

      for (guint i = 0; points && i < points->len; i++)
        {
          VtrCollectionPlace *point = g_ptr_array_index (points, i);

          if (point->point->merchant_id != merchant->id)
            continue;
          add_merchant_row (group, _(vtr_collection_kind_label (kind)), point->point->name);
          gtk_widget_set_visible (group, TRUE);
        }
    }

  /* Its promotions running now. */
  offers = vtr_catalog_promotions_near (self->catalog, &merchant->position, now, 50, NULL);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Promotions in this shop"));
  gtk_box_append (self->merchant_box, group);
  gtk_widget_set_visible (group, FALSE);
  for (guint i = 0; offers && i < offers->len; i++)
    {
      VtrPromotionOffer *offer = g_ptr_array_index (offers, i);
      g_autofree char *what = NULL;

      if (offer->place.merchant->id != merchant->id)
        continue;
      what = vtr_promotion_describe (offer->promotion);
      add_merchant_row (group, offer->product ? offer->product->name : offer->promotion->category, what);
      gtk_widget_set_visible (group, TRUE);
    }
  show_page (self, "merchant");
}

/* Administration, behind the administrator's PIN: leave kiosk mode, sync
 * now, a test ticket, the language. */

void
vtr_window_show_admin (VtrWindow *self)
{
  counter_clear (self);
  self->admin_pin = TRUE;
  gtk_label_set_text (self->counter_message, "");
  gtk_label_set_text (self->card_label, "");
  update_counter (self);
  show_page (self, "counter");
}

static void
update_admin (VtrWindow *self)
{
  g_autofree char *pending = g_strdup_printf (ngettext ("%lld event waiting to be sent",
                                                        "%lld events waiting to be sent",
                                                        vtr_sync_service_get_pending (self->sync)),
                                              (long long) vtr_sync_service_get_pending (self->sync));
  const char *error = vtr_sync_service_get_last_error (self->sync);
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s", gtk_label_get_text (self->freshness), pending);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->admin_sync_row), _("Federation"));
  if (!vtr_window_is_paired (self))
    {
      g_free (subtitle);
      subtitle = g_strdup (_("Not paired yet: show the federation’s pairing code to the camera, on the home "
                             "screen."));
    }
  adw_action_row_set_subtitle (self->admin_sync_row, error ? error : subtitle);
}

static void update_printer_status (VtrWindow *self);

static void
show_admin_page (VtrWindow *self)
{
  update_admin (self);
  load_admin_settings (self);
  update_printer_status (self);
  show_page (self, "admin");
}

/* Out of kiosk mode: the window can be closed, and is. */
void
vtr_window_leave_kiosk (VtrWindow *self)
{
  self->kiosk = FALSE;
  adw_header_bar_set_show_end_title_buttons (self->header, TRUE);
  gtk_window_unfullscreen (GTK_WINDOW (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_leave_kiosk (GtkButton *button,
                gpointer   data)
{
  vtr_window_leave_kiosk (data);
}

static void
on_sync_now (GtkButton *button,
             gpointer   data)
{
  VtrWindow *self = data;

  vtr_sync_service_sync_now (self->sync);
  toast (self, _("Syncing with the federation…"));
}

static void
on_test_print (GtkButton *button,
               gpointer   data)
{
  VtrWindow *self = data;
  g_autofree char *target = vtr_print_default_target ();
  g_autoptr(VtrTicket) ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "test", NULL);
  g_autoptr(GError) error = NULL;

  ticket->title = g_strdup (_("Test ticket"));
  vtr_ticket_add_line (ticket, _("Accents and euros: é è à ç ô — 12,50 €"), NULL, FALSE);
  ticket->footer = g_strdup ("Vitrine " PACKAGE_VERSION);
  if (target == NULL)
    toast (self, _("No ticket printer is set (VITRINE_PRINTER)"));
  else if (!vtr_print_now (self->store, ticket, target, &error))
    toast (self, error->message);
  else
    toast (self, _("Test ticket printed"));
}

/* The kiosk's settings, on the admin page, kept in GSettings. */

static void
play_tone (VtrWindow *self,
           VtrTone    tone)
{
  if (self->settings == NULL || g_settings_get_boolean (self->settings, "sound"))
    vtr_sound_play (self->sound, tone);
}

guint
vtr_window_count_tones (VtrWindow *self)
{
  return vtr_sound_count_played (self->sound);
}

static char *
describe_position (const VtrPosition *here)
{
  return g_strdup_printf ("%.5f, %.5f", here->lat, here->lon);
}

/**
 * vtr_window_set_position:
 * @text: "latitude, longitude" in decimal degrees, as a map gives them
 *
 * Where the kiosk stands, to sort shops by distance; kept for next time.
 */
gboolean
vtr_window_set_position (VtrWindow   *self,
                         const char  *text,
                         GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",; ", -1);
  double value[2];
  guint n = 0;

  for (guint i = 0; parts[i] && n <= 2; i++)
    {
      char *end;

      if (*parts[i] == '\0')
        continue;
      if (n == 2)
        {
          n = 3;
          break;
        }
      value[n] = g_ascii_strtod (parts[i], &end);
      if (*end != '\0')
        break;
      n++;
    }
  if (n != 2 || value[0] < -90 || value[0] > 90 || value[1] < -180 || value[1] > 180)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Write the position as latitude, longitude in degrees, such as 43.2951, 5.3744"));
      return FALSE;
    }
  self->here = (VtrPosition) { value[0], value[1] };
  vtr_order_page_set_catalog (self->order_page, self->catalog, &self->here);
  if (self->settings)
    {
      g_settings_set_double (self->settings, "kiosk-latitude", value[0]);
      g_settings_set_double (self->settings, "kiosk-longitude", value[1]);
    }
  return TRUE;
}

static void
on_position_apply (AdwEntryRow *row,
                   gpointer     data)
{
  VtrWindow *self = data;
  g_autoptr(GError) error = NULL;

  if (!vtr_window_set_position (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    toast (self, error->message);
  else
    {
      g_autofree char *text = describe_position (&self->here);

      gtk_editable_set_text (GTK_EDITABLE (row), text);
      toast (self, _("Position saved: shops are sorted from here"));
    }
}

/**
 * vtr_window_set_camera:
 * @source: a webcam's source description, an image or video file, a
 *   folder of images; empty or %NULL for the default webcam
 *
 * The camera the kiosk scans with, opened now and kept for next time.
 */
void
vtr_window_set_camera (VtrWindow  *self,
                       const char *source)
{
  g_autofree char *chosen = NULL;

  if (self->settings)
    g_settings_set_string (self->settings, "camera-source", source ? source : "");
  chosen = vtr_camera_choose_source (source && *source ? source : NULL);
  set_camera (self, chosen);
}

static void
on_camera_selected (AdwComboRow *row,
                    GParamSpec  *pspec,
                    gpointer     data)
{
  VtrWindow *self = data;
  guint selected = adw_combo_row_get_selected (row);
  VtrCameraDevice *device;

  /* 0: as set below ("Other source"); then the webcams found. */
  if (self->camera_devices == NULL || selected == 0 || selected > self->camera_devices->len)
    return;
  device = g_ptr_array_index (self->camera_devices, selected - 1);
  gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), device->source);
  vtr_window_set_camera (self, device->source);
  toast (self, device->name);
}

static void
on_camera_apply (AdwEntryRow *row,
                 gpointer     data)
{
  VtrWindow *self = data;

  vtr_window_set_camera (self, gtk_editable_get_text (GTK_EDITABLE (row)));
  toast (self, _("Camera changed"));
}

static void
update_printer_status (VtrWindow *self)
{
  g_autofree char *target = vtr_print_default_target ();
  g_autoptr(VtrPrintTarget) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;

  if (target == NULL)
    words = g_strdup (_("No ticket printer: orders show their code on the screen"));
  else if (!(parsed = vtr_print_target_parse (target, &error)))
    words = g_strdup (error->message);
  else if (parsed->kind == VTR_TARGET_TCP)
    {
      VtrPrinterStatus status;

      /* A network ticket printer says whether it has paper. */
      if (vtr_printer_get_status (parsed, &status, &error))
        words = vtr_printer_status_describe (&status);
      else
        words = g_strdup (error->message);
    }
  else
    words = g_strdup (target);
  adw_action_row_set_subtitle (self->printer_status_row, words);
}

/**
 * vtr_window_set_printer:
 * @target: "tcp:HOST:PORT", "dev:/dev/usb/lp0", "cups:NAME", "pdf:FILE";
 *   empty for no printer
 *
 * Where tickets print, kept for next time.
 */
gboolean
vtr_window_set_printer (VtrWindow   *self,
                        const char  *target,
                        GError     **error)
{
  if (target && *target)
    {
      g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (target, error);

      if (parsed == NULL)
        return FALSE;
    }
  if (self->settings == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("The kiosk’s settings are not installed"));
      return FALSE;
    }
  g_settings_set_string (self->settings, "printer", target ? target : "");
  update_printer_status (self);
  return TRUE;
}

static void
on_printer_apply (AdwEntryRow *row,
                  gpointer     data)
{
  VtrWindow *self = data;
  g_autoptr(GError) error = NULL;

  if (!vtr_window_set_printer (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    toast (self, error->message);
  else
    toast (self, _("Ticket printer saved"));
}

static void
on_sound_toggled (GtkSwitch  *sound,
                  GParamSpec *pspec,
                  gpointer    data)
{
  VtrWindow *self = data;

  if (self->settings)
    g_settings_set_boolean (self->settings, "sound", gtk_switch_get_active (sound));
}

static void on_language_selected (AdwComboRow *row,
                                  GParamSpec  *pspec,
                                  gpointer     data);

/* The admin page shows what is set now. */
static void
load_admin_settings (VtrWindow *self)
{
  g_autofree char *position = describe_position (&self->here);
  g_autofree char *printer = vtr_print_default_target ();
  g_autofree char *camera = self->settings ? g_settings_get_string (self->settings, "camera-source") : NULL;
  g_autoptr(GtkStringList) cameras = gtk_string_list_new (NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->position_row), position);
  gtk_editable_set_text (GTK_EDITABLE (self->printer_row), printer ? printer : "");
  gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), camera ? camera : "");
  g_clear_pointer (&self->camera_devices, g_ptr_array_unref);
  self->camera_devices = vtr_camera_list_devices ();
  gtk_string_list_append (cameras, _("The one set below"));
  for (guint i = 0; self->camera_devices && i < self->camera_devices->len; i++)
    gtk_string_list_append (cameras, ((VtrCameraDevice *) g_ptr_array_index (self->camera_devices, i))->name);
  g_signal_handlers_block_by_func (self->camera_row, on_camera_selected, self);
  adw_combo_row_set_model (self->camera_row, G_LIST_MODEL (cameras));
  adw_combo_row_set_selected (self->camera_row, 0);
  g_signal_handlers_unblock_by_func (self->camera_row, on_camera_selected, self);
  g_signal_handlers_block_by_func (self->sound_switch, on_sound_toggled, self);
  gtk_switch_set_active (self->sound_switch, self->settings == NULL ||
                                             g_settings_get_boolean (self->settings, "sound"));
  g_signal_handlers_unblock_by_func (self->sound_switch, on_sound_toggled, self);
  g_signal_handlers_block_by_func (self->language_row, on_language_selected, self);
  adw_combo_row_set_selected (self->language_row, g_str_equal (self->language, "en") ? 1 : 0);
  g_signal_handlers_unblock_by_func (self->language_row, on_language_selected, self);
}

/* Languages. French first; English for visitors, until the kiosk goes
 * back to the start. The screens are built again in the new language. */

static char *
default_language (VtrWindow *self)
{
  g_autofree char *language = self->settings ? g_settings_get_string (self->settings, "language") : NULL;

  return g_strdup (language && *language ? language : "fr");
}

static void
update_language_button (VtrWindow *self)
{
  g_free (self->language);
  self->language = vtr_i18n_get_language ();
  /* Each language named in itself. */
  gtk_button_set_label (self->language_button, g_str_equal (self->language, "fr") ? "English" : "Français");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_str_equal (self->language, "fr") ? "English" : "Français", -1);
}

/**
 * vtr_window_switch_language:
 * @language: "fr" or "en"
 *
 * Builds the kiosk again in @language, on the scan screen: the window
 * that replaces this one (which is destroyed).
 *
 * Returns: (transfer none): the new window
 */
VtrWindow *
vtr_window_switch_language (VtrWindow  *self,
                            const char *language)
{
  VtrWindow *next;

  vtr_i18n_set_language (language);
  next = vtr_window_new (gtk_window_get_application (GTK_WINDOW (self)), self->data_dir, self->camera_option,
                         self->kiosk);
  next->idle_seconds = self->idle_seconds;
  gtk_window_present (GTK_WINDOW (next));
  vtr_window_stop (self);
  gtk_window_destroy (GTK_WINDOW (self));
  return next;
}

static void
on_language_clicked (GtkButton *button,
                     gpointer   data)
{
  VtrWindow *self = data;

  vtr_window_switch_language (self, g_str_equal (self->language, "fr") ? "en" : "fr");
}

static void
on_language_selected (AdwComboRow *row,
                      GParamSpec  *pspec,
                      gpointer     data)
{
  VtrWindow *self = data;
  const char *language = adw_combo_row_get_selected (row) == 1 ? "en" : "fr";

  if (self->settings)
    g_settings_set_string (self->settings, "language", language);
  if (!g_str_equal (language, self->language))
    vtr_window_switch_language (self, language);
}

/* Tickets that could not print wait in the queue: tried again now and
 * then, away from the screen (a network printer may take seconds to
 * answer), on a connection of their own. */

typedef struct
{
  GWeakRef  window;
  char     *data_dir;
} PrintRetry;

static void
print_retry_free (PrintRetry *retry)
{
  g_weak_ref_clear (&retry->window);
  g_free (retry->data_dir);
  g_free (retry);
}

static void
print_retry_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      data,
                       GCancellable *cancellable)
{
  PrintRetry *retry = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (retry->data_dir, &error);

  g_task_return_int (task, store ? vtr_print_queue_run (store, NULL) : 0);
}

static void
print_retry_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PrintRetry *retry = g_task_get_task_data (G_TASK (result));
  g_autoptr(VtrWindow) self = g_weak_ref_get (&retry->window);
  gssize printed = g_task_propagate_int (G_TASK (result), NULL);

  if (self == NULL)
    return;
  self->print_retrying = FALSE;
  if (printed > 0)
    {
      g_autofree char *words = g_strdup_printf (ngettext ("%d waiting ticket printed", "%d waiting tickets printed",
                                                          (int) printed),
                                                (int) printed);
      toast (self, words);
    }
}

/**
 * vtr_window_retry_printing:
 *
 * Tries the print queue again now, on a worker thread.
 */
void
vtr_window_retry_printing (VtrWindow *self)
{
  g_autoptr(GTask) task = NULL;
  PrintRetry *retry;

  if (self->print_retrying || self->store == NULL)
    return;
  self->print_retrying = TRUE;
  retry = g_new0 (PrintRetry, 1);
  g_weak_ref_init (&retry->window, self);
  retry->data_dir = g_strdup (self->data_dir);
  task = g_task_new (NULL, NULL, print_retry_done, NULL);
  g_task_set_task_data (task, retry, (GDestroyNotify) print_retry_free);
  g_task_run_in_thread (task, print_retry_in_thread);
}

gboolean
vtr_window_is_printing (VtrWindow *self)
{
  return self->print_retrying;
}

static gboolean
on_print_retry (gpointer data)
{
  vtr_window_retry_printing (data);
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
entry_row (const char *title,
           GCallback   apply,
           gpointer    data)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", apply, data);
  return row;
}

static GtkWidget *
build_settings_group (VtrWindow *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GtkStringList) languages = gtk_string_list_new ((const char * const[]) { "Français", "English", NULL });
  GtkWidget *sound_row = adw_action_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("This kiosk"));
  self->position_row = ADW_ENTRY_ROW (entry_row (_("Where it stands (latitude, longitude)"),
                                                 G_CALLBACK (on_position_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->position_row));

  self->camera_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->camera_row), _("Camera"));
  g_signal_connect (self->camera_row, "notify::selected", G_CALLBACK (on_camera_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->camera_row));
  self->camera_entry = ADW_ENTRY_ROW (entry_row (_("Other camera: a file, a folder of images or a GStreamer source"),
                                                 G_CALLBACK (on_camera_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->camera_entry));

  self->printer_row = ADW_ENTRY_ROW (entry_row (_("Ticket printer (tcp:ADDRESS:9100, dev:/dev/usb/lp0, cups:NAME)"),
                                                G_CALLBACK (on_printer_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->printer_row));
  self->printer_status_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->printer_status_row), _("Ticket printer"));
  adw_action_row_set_subtitle_lines (self->printer_status_row, 0);
  {
    GtkWidget *test = gtk_button_new_with_label (_("Print a test ticket"));

    gtk_widget_set_valign (test, GTK_ALIGN_CENTER);
    g_signal_connect (test, "clicked", G_CALLBACK (on_test_print), self);
    adw_action_row_add_suffix (self->printer_status_row, test);
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->printer_status_row));

  self->language_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->language_row), _("Language shoppers see first"));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (languages));
  g_signal_connect (self->language_row, "notify::selected", G_CALLBACK (on_language_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->language_row));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (sound_row), _("A tone when a code is read"));
  self->sound_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->sound_switch), GTK_ALIGN_CENTER);
  g_signal_connect (self->sound_switch, "notify::active", G_CALLBACK (on_sound_toggled), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (sound_row), GTK_WIDGET (self->sound_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (sound_row), GTK_WIDGET (self->sound_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), sound_row);
  return group;
}

static GtkWidget *
build_admin_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *title = gtk_label_new (_("Administration"));
  struct { const char *label; GCallback callback; gboolean destructive; } actions[] = {
    { N_("Sync now"), G_CALLBACK (on_sync_now), FALSE },
    { N_("Leave kiosk mode"), G_CALLBACK (on_leave_kiosk), TRUE },
  };

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (box), title);
  self->admin_sync_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_action_row_set_subtitle_lines (self->admin_sync_row, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->admin_sync_row));
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), build_settings_group (self));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (_(actions[i].label));

      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "kiosk-button");
      if (actions[i].destructive)
        gtk_widget_add_css_class (button, "destructive-action");
      g_signal_connect (button, "clicked", actions[i].callback, self);
      gtk_box_append (GTK_BOX (box), button);
    }
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 700);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

static void
on_admin_clicked (GtkButton *button,
                  gpointer   data)
{
  vtr_window_show_admin (data);
}

/* The civic layer: collections for the homeless and for recycling, and
 * parcel lockers, near the kiosk. */

void
vtr_window_show_civic (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->civic))))
    gtk_box_remove (self->civic, child);

  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) places = vtr_catalog_collection_points_near (self->catalog, kind, &self->here, now, 3,
                                                                        &error);
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(vtr_collection_kind_label (kind)));
      if (places == NULL || places->len == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("None near here yet"));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      for (guint i = 0; places && i < places->len; i++)
        {
          VtrCollectionPlace *place = g_ptr_array_index (places, i);
          g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
          g_autofree char *open = vtr_describe_open_state (&place->open, now);
          g_autofree char *subtitle = g_strdup_printf ("%s · %s\n%s", distance, open,
                                                       place->point->address ? place->point->address : "");
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         place->merchant ? place->merchant->name : place->point->name);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->civic, group);
    }
  show_page (self, "civic");
}

static void
on_civic_clicked (GtkButton *button,
                  gpointer   data)
{
  vtr_window_show_civic (data);
}

/* Ordering: from a stockist's row, pickup at the shop; the ticket prints
 * after the order is in the journal, or the screen shows the pickup code
 * when the printer cannot. */

/* The header's basket button, while there is one and it is not shown. */
static void
update_basket_button (VtrWindow *self)
{
  guint n = vtr_order_page_count_items (self->order_page);
  g_autofree char *label = g_strdup_printf (ngettext ("Basket (%u)", "Basket (%u)", n), n);
  const char *page = gtk_stack_get_visible_child_name (self->pages);

  gtk_button_set_label (self->basket_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->basket_button),
                          n > 0 && page && !g_str_equal (page, "order") && !g_str_equal (page, "order-done"));
}

/**
 * vtr_window_start_order:
 *
 * One of a product from a shop into the basket, and the basket shown.
 */
void
vtr_window_start_order (VtrWindow *self,
                        gint64     product_id,
                        gint64     merchant_id)
{
  g_autoptr(GError) error = NULL;

  if (!vtr_order_page_add (self->order_page, product_id, merchant_id, &error))
    {
      toast (self, error->message);
      return;
    }
  show_page (self, "order");
}

VtrOrderPage *
vtr_window_get_order_page (VtrWindow *self)
{
  return self->order_page;
}

static void
draw_pickup_code (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        data)
{
  VtrWindow *self = data;
  double size = MIN (width, height);

  if (self->pickup_code == NULL)
    return;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  vtr_qr_draw (cr, self->pickup_code, (width - size) / 2, (height - size) / 2, size, NULL);
}

void
vtr_window_confirm_order (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = NULL;
  g_autoptr(VtrTicket) ticket = NULL;
  g_autofree char *target = vtr_print_default_target ();
  gboolean printed = FALSE;

  self->last_activity = g_get_monotonic_time ();
  order = vtr_order_page_place (self->order_page, self->store, now, &error);
  if (order == NULL)
    {
      vtr_order_page_set_message (self->order_page, error->message);
      return;
    }
  vtr_order_page_clear (self->order_page);

  /* The order is in the journal: now the ticket. */
  ticket = vtr_ticket_new_order (self->catalog, order);
  if (target)
    printed = vtr_print_now (self->store, ticket, target, &error);

  g_free (self->pickup_code);
  self->pickup_code = g_strdup (order->pickup_code);
  gtk_label_set_text (self->done_number, order->number);
  if (printed)
    {
      gtk_label_set_text (self->done_title, _("Your order is placed: take your ticket"));
      gtk_label_set_text (self->done_words, _("The shop prepares it. Show the ticket’s code at the counter."));
    }
  else
    {
      g_autofree char *words = g_strdup_printf (_("%s\nTake a photo of this screen, or show it at the counter "
                                                  "now: its code is your pickup code."),
                                                error ? error->message : _("No ticket printer here."));

      gtk_label_set_text (self->done_title, _("Your order is placed: show this screen"));
      gtk_label_set_text (self->done_words, words);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->done_code));
  show_page (self, "order-done");
}

const char *
vtr_window_get_order_number (VtrWindow *self)
{
  return gtk_label_get_text (self->done_number);
}

const char *
vtr_window_get_order_words (VtrWindow *self)
{
  return gtk_label_get_text (self->done_words);
}

static void
on_basket_clicked (VtrWindow *self)
{
  show_page (self, "order");
}

/* One more product for the basket: back to scanning, the basket kept. */
static void
on_add_more (VtrOrderPage *page,
             gpointer      data)
{
  VtrWindow *self = data;

  show_page (self, "scan");
}

static GtkWidget *
build_order_done_page (VtrWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  self->done_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->done_title), "title-1");
  self->done_number = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->done_number), "order-number");
  self->done_code = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_content_width (self->done_code, 360);
  gtk_drawing_area_set_content_height (self->done_code, 360);
  gtk_widget_set_halign (GTK_WIDGET (self->done_code), GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (self->done_code, draw_pickup_code, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->done_code), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Your pickup code"), -1);
  self->done_words = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->done_words, TRUE);
  gtk_label_set_justify (self->done_words, GTK_JUSTIFY_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->done_words), 640, -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->done_words), "title-3");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->done_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->done_number));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->done_code));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->done_words));
  return box;
}

static void
on_order_clicked (GtkButton *button,
                  gpointer   data)
{
  VtrWindow *self = data;

  vtr_window_start_order (self, self->order_product,
                          GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "merchant")));
}

/* What a scanned text leads to. */

static void
show_warning (VtrWindow         *self,
              const VtrCodeInfo *info)
{
  g_autofree char *why = vtr_verdict_describe (info);
  g_autofree char *description = NULL;

  if (info->host_unicode)
    description = g_strdup_printf (_("%s\n\nIt leads to %s."), why, info->host_unicode);
  else
    description = g_strdup_printf (_("%s\n\nIt says: “%s”"), why, info->display);
  adw_status_page_set_description (self->warning, description);
  show_page (self, "warning");
}

/* Pairing: the federation's printed code, scanned once at setup. The
 * exchange with the hub runs on a worker thread with its own store. */

static void
pair_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  VtrWindow *self = source;
  const char *text = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (self->data_dir, &error);
  VtrHubLink *link = store ? vtr_sync_pair (store, text, g_getenv ("VITRINE_HUB_URL"), &error) : NULL;

  if (link)
    g_task_return_pointer (task, link, (GDestroyNotify) vtr_hub_link_free);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
pair_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  VtrWindow *self = VTR_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) link = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (link == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->keys, vtr_key_list_free);
  self->keys = vtr_trust_load (self->store, NULL);
  if (link->merchant_id)
    vtr_window_set_merchant (self, link->merchant_id);
  message = g_strdup_printf (_("This kiosk is now “%s”, connected to the federation"), link->device_name);
  toast (self, message);
  vtr_sync_service_sync_now (self->sync);
}

static gboolean
looks_like_pairing (const char *text)
{
  const char *path = g_ascii_strncasecmp (text, "HTTPS://", 8) == 0 ? strchr (text + 8, '/') : NULL;

  return path && g_ascii_strncasecmp (path, "/D/", 3) == 0;
}

/* Whether this kiosk is paired with a hub. */
gboolean
vtr_window_is_paired (VtrWindow *self)
{
  g_autoptr(VtrHubLink) link = self->store ? vtr_sync_state_load_link (self->store, NULL) : NULL;

  return link != NULL;
}

void
vtr_window_handle_text (VtrWindow  *self,
                        const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (text, -1, self->keys, now);

  self->last_activity = g_get_monotonic_time ();
  /* A kiosk not yet paired takes the federation's pairing code; a paired
   * one is paired again only from the hub (revoke, then a new code). */
  if (looks_like_pairing (text) && !vtr_window_is_paired (self))
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, pair_done, NULL);

      toast (self, _("Pairing with the federation…"));
      g_task_set_task_data (task, g_strdup (text), g_free);
      g_task_run_in_thread (task, pair_in_thread);
      return;
    }
  play_tone (self, (info->verdict == VTR_VERDICT_TRUSTED || info->verdict == VTR_VERDICT_VALID) ? VTR_TONE_SUCCESS
                                                                                                 : VTR_TONE_WARNING);
  switch (info->kind)
    {
    case VTR_CODE_PRODUCT:
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          vtr_window_show_product (self, info->code.product_id, info->code.merchant_id);
          return;
        }
      break;
    case VTR_CODE_GTIN:
      if (info->verdict == VTR_VERDICT_VALID)
        {
          g_autoptr(VtrProduct) product = vtr_catalog_find_product (self->catalog, info->gtin, NULL);

          if (product)
            vtr_window_show_product (self, product->id, 0);
          else
            toast (self, _("This product is not in the shops of the federation yet"));
          return;
        }
      break;
    case VTR_CODE_MERCHANT:
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          vtr_window_show_merchant (self, info->code.merchant_id);
          return;
        }
      break;
    case VTR_CODE_CARD:
    case VTR_CODE_PICKUP:
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          toast (self, _("A loyalty card or an order: at the counter, in counter mode"));
          return;
        }
      break;
    default:
      break;
    }
  show_warning (self, info);
}

static gboolean counter_takes_card (VtrWindow  *self,
                                    const char *text);

typedef struct
{
  char *text;
} FileScan;

static gboolean
on_file_frame (const VtrFrame *frame,
               gpointer        data)
{
  FileScan *scan = data;
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, frame, VTR_DECODE_THOROUGH);

  if (codes->len > 0)
    scan->text = g_strdup (((VtrCode *) g_ptr_array_index (codes, 0))->text);
  return scan->text == NULL; /* the next frame only if nothing was read */
}

/**
 * vtr_window_scan_file:
 *
 * Reads the first code of an image or video, as if the camera had seen it.
 */
void
vtr_window_scan_file (VtrWindow  *self,
                      const char *path)
{
  g_autoptr(GError) error = NULL;
  FileScan scan = { NULL };

  if (!vtr_frame_reader_read (path, on_file_frame, &scan, &error))
    toast (self, error->message);
  else if (scan.text == NULL)
    toast (self, _("No code in this picture: try a sharper one, taken from closer"));
  else if (!(g_str_equal (vtr_window_get_page (self), "counter") && counter_takes_card (self, scan.text)))
    vtr_window_handle_text (self, scan.text);
  g_free (scan.text);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         data)
{
  VtrWindow *self = data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path)
        vtr_window_scan_file (self, path);
    }
  g_object_unref (dialog);
}

static void
on_open_file (GtkButton *button,
              gpointer   data)
{
  VtrWindow *self = data;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Scan a picture"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Scan"), NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pictures and videos"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_filter_add_mime_type (filter, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_codes_found (VtrCamera *camera,
                GPtrArray *codes,
                gpointer   data)
{
  VtrWindow *self = data;
  VtrCode *code;

  if (codes->len == 0)
    return;
  code = g_ptr_array_index (codes, 0);
  self->scanning_since = g_get_monotonic_time ();
  /* A frame around what was read, for a moment. */
  self->n_corners = MIN (code->n_corners, 4);
  memcpy (self->corners, code->corners, sizeof self->corners);
  self->corners_until = g_get_monotonic_time () + FEEDBACK_USEC;
  gtk_widget_queue_draw (GTK_WIDGET (self->overlay));
  if (g_str_equal (vtr_window_get_page (self), "scan"))
    vtr_window_handle_text (self, code->text);
  else if (g_str_equal (vtr_window_get_page (self), "counter") && counter_takes_card (self, code->text))
    play_tone (self, VTR_TONE_SUCCESS);
}

static void
on_frame_ready (VtrCamera *camera,
                GBytes    *rgb,
                int        width,
                int        height,
                int        stride,
                gpointer   data)
{
  VtrWindow *self = data;
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, stride);

  self->frame_width = width;
  self->frame_height = height;
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  /* Twice a second is enough for a hint. */
  if (g_get_monotonic_time () - self->light_checked > LIGHT_CHECK_USEC)
    {
      self->light = vtr_frame_light (g_bytes_get_data (rgb, NULL), width, height, stride, NULL, NULL);
      self->light_checked = g_get_monotonic_time ();
    }
}

static void
draw_overlay (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  VtrWindow *self = data;
  double scale, x0, y0;

  if (self->n_corners < 4 || g_get_monotonic_time () > self->corners_until || self->frame_width == 0)
    return;
  /* The picture is fitted in the widget, centred. */
  scale = MIN ((double) width / self->frame_width, (double) height / self->frame_height);
  x0 = (width - self->frame_width * scale) / 2;
  y0 = (height - self->frame_height * scale) / 2;
  cairo_set_source_rgba (cr, 0.2, 0.82, 0.48, 0.9);
  cairo_set_line_width (cr, 8);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (int i = 0; i < 4; i++)
    cairo_line_to (cr, x0 + self->corners[i].x * scale, y0 + self->corners[i].y * scale);
  cairo_close_path (cr);
  cairo_stroke (cr);
}

static void
on_camera_state (VtrCamera  *camera,
                 GParamSpec *pspec,
                 gpointer    data)
{
  VtrWindow *self = data;

  if (vtr_camera_get_state (camera) == VTR_CAMERA_FAILED)
    {
      const GError *error = vtr_camera_get_error (camera);

      adw_status_page_set_description (self->no_camera,
                                       error ? error->message : _("The camera does not answer."));
      gtk_stack_set_visible_child_name (self->scan_stack, "no-camera");
      gtk_widget_set_visible (GTK_WIDGET (self->hint), FALSE);
    }
  else if (vtr_camera_get_state (camera) == VTR_CAMERA_RUNNING)
    {
      gtk_stack_set_visible_child_name (self->scan_stack, "camera");
      gtk_widget_set_visible (GTK_WIDGET (self->hint), TRUE);
    }
}

/* Opens @source as the camera, closing the one before. */
static void
set_camera (VtrWindow  *self,
            const char *source)
{
  if (self->camera)
    {
      vtr_camera_stop (self->camera);
      g_signal_handlers_disconnect_by_data (self->camera, self);
      g_clear_object (&self->camera);
    }
  self->n_corners = 0;
  self->camera = vtr_camera_new (source);
  g_signal_connect (self->camera, "frame-ready", G_CALLBACK (on_frame_ready), self);
  g_signal_connect (self->camera, "codes-found", G_CALLBACK (on_codes_found), self);
  g_signal_connect (self->camera, "notify::state", G_CALLBACK (on_camera_state), self);
  vtr_camera_start (self->camera);
}

/* Search. */

/* A list to choose from: products and shops found by a search, the
 * shops of a service. A row leads to the product or the shop. */

static void
on_result_activated (AdwActionRow *row,
                     gpointer      data)
{
  VtrWindow *self = data;
  gint64 product = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "product"));
  gint64 merchant = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "merchant"));
  const char *service = g_object_get_data (G_OBJECT (row), "service");

  if (product)
    vtr_window_show_product (self, product, 0);
  else if (merchant)
    vtr_window_show_merchant (self, merchant);
  else if (service)
    vtr_window_show_service (self, service);
}

static GtkWidget *
result_row (VtrWindow  *self,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect (row, "activated", G_CALLBACK (on_result_activated), self);
  gtk_list_box_append (self->results, row);
  return row;
}

static void
results_clear (VtrWindow  *self,
               const char *title)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results))))
    gtk_list_box_remove (self->results, child);
  gtk_label_set_text (self->results_title, title);
}

static void
results_add_place (VtrWindow      *self,
                   const VtrPlace *place,
                   GDateTime      *now)
{
  g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
  g_autofree char *open = vtr_describe_open_state (&place->open, now);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s\n%s", distance, open,
                                               place->merchant->address ? place->merchant->address : "");
  GtkWidget *row = result_row (self, place->merchant->name, subtitle);

  g_object_set_data (G_OBJECT (row), "merchant", GSIZE_TO_POINTER ((gsize) place->merchant->id));
}

guint
vtr_window_count_results (VtrWindow *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->results)); row;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

/* Activates the result at @index, as a touch on its row would. */
void
vtr_window_activate_result (VtrWindow *self,
                            guint      index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, index);

  if (row)
    g_signal_emit_by_name (row, "activate");
}

/**
 * vtr_window_search:
 *
 * Products and shops matching @text; one product alone is shown at once.
 */
void
vtr_window_search (VtrWindow  *self,
                   const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  VtrSearchResults *results;

  self->last_activity = g_get_monotonic_time ();
  if (text == NULL || *text == '\0')
    return;
  results = vtr_catalog_search (self->catalog, text, &self->here, now, 8, &error);
  if (results == NULL || (results->products->len + results->merchants->len + results->services->len) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("Nothing found for “%s”"), text);

      toast (self, message);
    }
  else if (results->products->len == 1 && results->merchants->len == 0 && results->services->len == 0)
    vtr_window_show_product (self, ((VtrProduct *) g_ptr_array_index (results->products, 0))->id, 0);
  else
    {
      title = g_strdup_printf (_("Found for “%s”"), text);
      results_clear (self, title);
      for (guint i = 0; i < results->services->len; i++)
        {
          VtrServiceMatch *match = &g_array_index (results->services, VtrServiceMatch, i);
          const VtrService *service = vtr_service_lookup (match->service_id);
          g_autofree char *count = g_strdup_printf (ngettext ("%u shop", "%u shops", match->n_merchants),
                                                    match->n_merchants);
          GtkWidget *row;

          if (service == NULL)
            continue;
          row = result_row (self, vtr_service_label (service), count);
          g_object_set_data (G_OBJECT (row), "service", (gpointer) service->id);
        }
      for (guint i = 0; i < results->products->len; i++)
        {
          VtrProduct *product = g_ptr_array_index (results->products, i);
          GtkWidget *row = result_row (self, product->name, product->brand);

          g_object_set_data (G_OBJECT (row), "product", GSIZE_TO_POINTER ((gsize) product->id));
        }
      for (guint i = 0; i < results->merchants->len; i++)
        results_add_place (self, g_ptr_array_index (results->merchants, i), now);
      show_page (self, "results");
    }
  if (results)
    vtr_search_results_free (results);
}

static void
on_search_activate (GtkSearchEntry *entry,
                    gpointer        data)
{
  vtr_window_search (data, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/**
 * vtr_window_show_service:
 * @service_id: a service's id, "boulangerie"
 *
 * The nearest shops offering a service.
 */
void
vtr_window_show_service (VtrWindow  *self,
                         const char *service_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  const VtrService *service = vtr_service_lookup (service_id);
  g_autoptr(GPtrArray) places = NULL;

  if (service == NULL)
    return;
  places = vtr_catalog_near_service (self->catalog, service_id, &self->here, now, 12, NULL);
  results_clear (self, vtr_service_label (service));
  for (guint i = 0; places && i < places->len; i++)
    results_add_place (self, g_ptr_array_index (places, i), now);
  if (places == NULL || places->len == 0)
    result_row (self, _("None near here yet"), NULL);
  show_page (self, "results");
}

static void
on_service_clicked (GtkButton *button,
                    gpointer   data)
{
  vtr_window_show_service (data, g_object_get_data (G_OBJECT (button), "service"));
}

static void
on_services_clicked (GtkButton *button,
                     gpointer   data)
{
  show_page (data, "services");
}

static GtkWidget *
build_results_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  self->results_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->results_title, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->results_title), "title-1");
  self->results = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->results, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->results), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->results), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Results"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->results_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->results));
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

/* Browse by service: every kind of shop of the federation, a button each. */
static GtkWidget *
build_services_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *title = gtk_label_new (_("What are you looking for?"));
  guint n = 0;
  const VtrService *services = vtr_service_all (&n);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 48);
  gtk_widget_set_margin_end (box, 48);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (box), title);
  self->service_grid = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->service_grid, GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (self->service_grid, TRUE);
  gtk_flow_box_set_max_children_per_line (self->service_grid, 6);
  gtk_flow_box_set_row_spacing (self->service_grid, 12);
  gtk_flow_box_set_column_spacing (self->service_grid, 12);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (vtr_service_label (&services[i]));

      gtk_widget_add_css_class (button, "service");
      gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
      g_object_set_data (G_OBJECT (button), "service", (gpointer) services[i].id);
      g_signal_connect (button, "clicked", G_CALLBACK (on_service_clicked), self);
      gtk_flow_box_append (self->service_grid, button);
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->service_grid));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  return scrolled;
}

/* Freshness, always in the corner. */

static void
update_freshness (VtrWindow *self)
{
  gint64 last = vtr_sync_service_get_last_success (self->sync);
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (last > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      when = vtr_describe_time (utc, now);
    }
  switch (vtr_sync_service_get_state (self->sync))
    {
    case VTR_SYNC_STATE_NOT_PAIRED:
      text = g_strdup (_("Local data, not connected to the federation"));
      break;
    case VTR_SYNC_STATE_OFFLINE:
      text = when ? g_strdup_printf (_("Offline · data from %s"), when) : g_strdup (_("Offline"));
      break;
    default:
      text = when ? g_strdup_printf (_("Up to date · %s"), when) : g_strdup (_("Connecting…"));
      break;
    }
  gtk_label_set_text (self->freshness, text);
}

static void
on_sync_changed (VtrSyncService *sync,
                 GParamSpec     *pspec,
                 gpointer        data)
{
  update_freshness (data);
}

/* Idle reset. */

void
vtr_window_go_home (VtrWindow *self)
{
  /* The next person sees nothing of the last one. */
  counter_clear (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  g_clear_pointer (&self->pickup_code, g_free);
  show_page (self, "scan");
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
}

/* Idle: back to the start, the basket and who was ordering forgotten. */
VtrWindow *
vtr_window_reset (VtrWindow *self)
{
  g_autofree char *language = default_language (self);

  vtr_order_page_clear (self->order_page);
  vtr_window_go_home (self);
  if (!g_str_equal (self->language, language))
    return vtr_window_switch_language (self, language);
  return self;
}

static void
on_activity (VtrWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
}

/* The scan screen's hint: what to do about the light, or about a code
 * that is not read, while nothing is. */
static void
update_hint (VtrWindow *self)
{
  gint64 waiting = g_get_monotonic_time () - self->scanning_since;
  const char *hint = _("Hold the code 20 cm from the camera, without glare");

  if (waiting > FEEDBACK_USEC && self->light == VTR_LIGHT_GLARE)
    hint = _("Too much glare: tilt the code a little, away from the light");
  else if (waiting > FEEDBACK_USEC && self->light == VTR_LIGHT_DARK)
    hint = _("Too dark: bring the code into the light");
  else if (waiting > CLOSER_HINT_USEC && (waiting / (3 * G_USEC_PER_SEC)) % 2 == 0)
    hint = _("Nothing read yet: bring the code closer, to fill a third of the picture");
  if (!g_str_equal (gtk_label_get_text (self->hint), hint))
    gtk_label_set_text (self->hint, hint);
}

const char *
vtr_window_get_hint (VtrWindow *self)
{
  return gtk_label_get_text (self->hint);
}

static gboolean
on_tick (gpointer data)
{
  VtrWindow *self = data;
  gint64 idle = (g_get_monotonic_time () - self->last_activity) / G_USEC_PER_SEC;
  gint64 left = (gint64) self->idle_seconds - idle;
  guint countdown = MIN (COUNTDOWN_SECONDS, MAX (1, self->idle_seconds / 2));

  /* The frame around the last code read goes away after its moment. */
  if (self->n_corners && g_get_monotonic_time () > self->corners_until)
    {
      self->n_corners = 0;
      gtk_widget_queue_draw (GTK_WIDGET (self->overlay));
    }
  if (g_str_equal (vtr_window_get_page (self), "scan"))
    {
      update_hint (self);
      return G_SOURCE_CONTINUE;
    }
  if (left <= 0)
    vtr_window_reset (self);
  else if (left <= countdown)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Back to the start in %d second — touch the screen to "
                                                         "stay",
                                                         "Back to the start in %d seconds — touch the screen to "
                                                         "stay",
                                                         (int) left),
                                               (int) left);
      gtk_label_set_text (self->countdown, text);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown), TRUE);
    }
  return G_SOURCE_CONTINUE;
}

void
vtr_window_set_idle_timeout (VtrWindow *self,
                             guint      seconds)
{
  self->idle_seconds = MAX (1, seconds);
}

static gboolean
on_close_request (GtkWindow *window,
                  gpointer   data)
{
  VtrWindow *self = VTR_WINDOW (window);

  /* A kiosk is not closed by whoever stands in front of it. */
  if (self->kiosk)
    {
      toast (self, _("This kiosk stays open: the administrator leaves it with their PIN"));
      return TRUE;
    }
  return FALSE;
}

void
vtr_window_stop (VtrWindow *self)
{
  if (self->camera)
    vtr_camera_stop (self->camera);
  if (self->sync)
    vtr_sync_service_stop (self->sync);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->print_retry_id, g_source_remove);
}

/* Building the window. */

static GtkWidget *
build_scan_page (VtrWindow *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *title = gtk_label_new (_("Scan a product, an ad or a poster"));

  gtk_widget_set_margin_top (page, 24);
  gtk_widget_set_margin_bottom (page, 24);
  gtk_widget_set_margin_start (page, 48);
  gtk_widget_set_margin_end (page, 48);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (page), title);

  self->scan_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->scan_stack), TRUE);
  self->preview = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->preview, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What the camera sees"), -1);
  self->overlay = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_draw_func (self->overlay, draw_overlay, self, NULL);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->preview));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->overlay));
  gtk_frame_set_child (GTK_FRAME (frame), overlay);
  gtk_widget_add_css_class (frame, "camera");
  gtk_stack_add_named (self->scan_stack, frame, "camera");

  self->no_camera = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->no_camera, "camera-disabled-symbolic");
  adw_status_page_set_title (self->no_camera, _("No camera"));
  adw_status_page_set_description (self->no_camera, _("Search below: everything else works."));
  gtk_stack_add_named (self->scan_stack, GTK_WIDGET (self->no_camera), "no-camera");
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->scan_stack));

  self->hint = GTK_LABEL (gtk_label_new (_("Hold the code 20 cm from the camera, without glare")));
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "title-3");
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->hint));

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Or search a product or a shop"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search a product or a shop"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->search), "kiosk-search");
  g_signal_connect (self->search, "activate", G_CALLBACK (on_search_activate), self);
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->search));

  {
    GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *services = gtk_button_new_with_label (_("Browse shops by trade"));
    GtkWidget *civic = gtk_button_new_with_label (_("Collections and parcel lockers near here"));
    GtkWidget *file = gtk_button_new_with_label (_("Scan a picture…"));

    gtk_widget_set_halign (actions, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (civic, "kiosk-button");
    gtk_widget_add_css_class (civic, "pill");
    gtk_widget_add_css_class (file, "kiosk-button");
    gtk_widget_add_css_class (file, "pill");
    gtk_widget_add_css_class (services, "kiosk-button");
    gtk_widget_add_css_class (services, "browse");
    gtk_widget_add_css_class (services, "pill");
    g_signal_connect (services, "clicked", G_CALLBACK (on_services_clicked), self);
    gtk_box_append (GTK_BOX (actions), services);
    g_signal_connect (civic, "clicked", G_CALLBACK (on_civic_clicked), self);
    g_signal_connect (file, "clicked", G_CALLBACK (on_open_file), self);
    gtk_box_append (GTK_BOX (actions), civic);
    gtk_box_append (GTK_BOX (actions), file);
    gtk_box_append (GTK_BOX (page), actions);
  }
  return page;
}

static GtkWidget *
build_product_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = gtk_label_new (_("The nearest shops that have it"));

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  self->product_name = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->product_name, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->product_name), "title-1");
  self->product_brand = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->product_brand), "dim-label");
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_halign (heading, GTK_ALIGN_START);
  self->stockists = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->stockists, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->stockists), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stockists), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The nearest shops that have it"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->product_name));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->product_brand));
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stockists));
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

static void
on_back (GtkButton *button,
         gpointer   data)
{
  vtr_window_go_home (data);
}

static void
vtr_window_dispose (GObject *object)
{
  VtrWindow *self = VTR_WINDOW (object);

  vtr_window_stop (self);
  if (self->camera)
    g_signal_handlers_disconnect_by_data (self->camera, self);
  if (self->sync)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->camera);
  g_clear_object (&self->sync);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_pointer (&self->keys, vtr_key_list_free);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->sound, vtr_sound_free);
  g_clear_pointer (&self->camera_devices, g_ptr_array_unref);
  G_OBJECT_CLASS (vtr_window_parent_class)->dispose (object);
}

static void
vtr_window_finalize (GObject *object)
{
  VtrWindow *self = VTR_WINDOW (object);

  counter_clear (self);
  g_string_free (self->keyed, TRUE);
  g_free (self->pickup_code);
  g_free (self->data_dir);
  g_free (self->camera_option);
  g_free (self->language);
  G_OBJECT_CLASS (vtr_window_parent_class)->finalize (object);
}

static void
vtr_window_class_init (VtrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vtr_window_dispose;
  object_class->finalize = vtr_window_finalize;
}

static void
on_high_contrast (AdwStyleManager *style,
                  GParamSpec      *pspec,
                  gpointer         data)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (adw_style_manager_get_high_contrast (style))
    gtk_style_context_add_provider_for_display (display, data, GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  else
    gtk_style_context_remove_provider_for_display (display, data);
}

static void
vtr_window_init (VtrWindow *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = gtk_label_new ("Vitrine");
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  static gsize css_loaded = 0;

  /* Large type and targets: data/ui/style.css; outlines in high
   * contrast: style-hc.css, following the desktop's setting. */
  if (g_once_init_enter (&css_loaded))
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
      GtkCssProvider *hc = gtk_css_provider_new ();
      AdwStyleManager *style = adw_style_manager_get_default ();

      /* Named, not left to a constructor the static library may drop. */
      g_resources_register (vtr_app_get_resource ());
      gtk_css_provider_load_from_resource (css, "/fr/vitrine/Vitrine/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      gtk_css_provider_load_from_resource (hc, "/fr/vitrine/Vitrine/style-hc.css");
      g_object_set_data_full (G_OBJECT (style), "vitrine-hc", hc, g_object_unref);
      g_signal_connect (style, "notify::high-contrast", G_CALLBACK (on_high_contrast), hc);
      on_high_contrast (style, NULL, hc);
      g_once_init_leave (&css_loaded, 1);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self), "vitrine");
  self->idle_seconds = DEFAULT_IDLE_SECONDS;
  self->keyed = g_string_new (NULL);
  self->last_activity = g_get_monotonic_time ();
  gtk_window_set_title (GTK_WINDOW (self), "Vitrine");
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);

  gtk_widget_add_css_class (title, "heading");
  self->header = ADW_HEADER_BAR (header);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  self->back = GTK_BUTTON (gtk_button_new_with_label (_("Back")));
  gtk_widget_add_css_class (GTK_WIDGET (self->back), "kiosk-button");
  gtk_widget_set_visible (GTK_WIDGET (self->back), FALSE);
  g_signal_connect (self->back, "clicked", G_CALLBACK (on_back), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->back));
  self->basket_button = GTK_BUTTON (gtk_button_new_with_label (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->basket_button), "kiosk-button");
  gtk_widget_add_css_class (GTK_WIDGET (self->basket_button), "suggested-action");
  gtk_widget_set_visible (GTK_WIDGET (self->basket_button), FALSE);
  g_signal_connect_swapped (self->basket_button, "clicked", G_CALLBACK (on_basket_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->basket_button));
  self->counter_button = GTK_BUTTON (gtk_button_new_with_label (_("Counter")));
  gtk_widget_add_css_class (GTK_WIDGET (self->counter_button), "kiosk-button");
  gtk_widget_set_visible (GTK_WIDGET (self->counter_button), FALSE);
  g_signal_connect (self->counter_button, "clicked", G_CALLBACK (on_counter_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->counter_button));
  {
    GtkWidget *admin = gtk_button_new_from_icon_name ("emblem-system-symbolic");

    gtk_widget_add_css_class (admin, "flat");
    gtk_accessible_update_property (GTK_ACCESSIBLE (admin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Administration"), -1);
    g_signal_connect (admin, "clicked", G_CALLBACK (on_admin_clicked), self);
    adw_header_bar_pack_end (ADW_HEADER_BAR (header), admin);
  }
  self->language_button = GTK_BUTTON (gtk_button_new_with_label ("English"));
  gtk_widget_add_css_class (GTK_WIDGET (self->language_button), "kiosk-button");
  g_signal_connect (self->language_button, "clicked", G_CALLBACK (on_language_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->language_button));
  self->freshness = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->freshness), "dim-label");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->freshness));
  gtk_box_append (GTK_BOX (toolbar), header);

  self->countdown = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->countdown), "countdown");
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->countdown));

  self->pages = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->pages, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->pages), TRUE);
  gtk_stack_add_named (self->pages, build_scan_page (self), "scan");
  gtk_stack_add_named (self->pages, build_product_page (self), "product");
  gtk_stack_add_named (self->pages, build_results_page (self), "results");
  gtk_stack_add_named (self->pages, build_services_page (self), "services");
  gtk_stack_add_named (self->pages, build_counter_page (self), "counter");
  gtk_stack_add_named (self->pages, build_admin_page (self), "admin");
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();

    self->merchant_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 24));
    gtk_widget_set_margin_top (GTK_WIDGET (self->merchant_box), 24);
    gtk_widget_set_margin_bottom (GTK_WIDGET (self->merchant_box), 24);
    adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
    adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->merchant_box));
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
    gtk_stack_add_named (self->pages, scrolled, "merchant");
  }
  self->order_page = VTR_ORDER_PAGE (vtr_order_page_new ());
  g_signal_connect_swapped (self->order_page, "confirm", G_CALLBACK (vtr_window_confirm_order), self);
  g_signal_connect (self->order_page, "add-more", G_CALLBACK (on_add_more), self);
  gtk_stack_add_named (self->pages, GTK_WIDGET (self->order_page), "order");
  gtk_stack_add_named (self->pages, build_order_done_page (self), "order-done");
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();
    GtkWidget *civic_title = gtk_label_new (_("Give, recycle, collect a parcel"));

    self->civic = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 24));
    gtk_widget_set_margin_top (GTK_WIDGET (self->civic), 12);
    gtk_widget_set_margin_bottom (GTK_WIDGET (self->civic), 24);
    gtk_widget_add_css_class (civic_title, "title-1");
    gtk_widget_set_margin_top (civic_title, 24);
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      gtk_box_append (GTK_BOX (box), civic_title);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->civic));
      adw_clamp_set_child (ADW_CLAMP (clamp), box);
    }
    adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
    gtk_stack_add_named (self->pages, scrolled, "civic");
  }
  self->warning = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->warning, "dialog-warning-symbolic");
  adw_status_page_set_title (self->warning, _("This code is not from the shops of the federation"));
  gtk_stack_add_named (self->pages, GTK_WIDGET (self->warning), "warning");

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->pages));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->toasts));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), toolbar);

  /* Any touch, key or movement counts as someone there. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_activity), self);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (on_activity), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  self->tick_id = g_timeout_add (250, on_tick, self);
}

/**
 * vtr_window_new:
 * @data_dir: (nullable): the kiosk's data; %NULL for the default
 * @camera_source: (nullable): a GStreamer source, an image or video file,
 *   a folder of images; %NULL for the configured camera
 * @kiosk: fullscreen, and no closing from the screen
 */
VtrWindow *
vtr_window_new (GtkApplication *app,
                const char     *data_dir,
                const char     *camera_source,
                gboolean        kiosk)
{
  VtrWindow *self = g_object_new (VTR_TYPE_WINDOW, "application", app, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                                       "fr.vitrine.Vitrine", TRUE);
  g_autofree char *source = vtr_camera_choose_source (camera_source);

  self->data_dir = data_dir ? g_strdup (data_dir) : vtr_store_default_data_dir ();
  self->camera_option = g_strdup (camera_source);
  self->kiosk = kiosk;
  self->here = (VtrPosition) { 43.2951, 5.3744 };
  if (schema)
    {
      self->settings = g_settings_new ("fr.vitrine.Vitrine");
      self->here.lat = g_settings_get_double (self->settings, "kiosk-latitude");
      self->here.lon = g_settings_get_double (self->settings, "kiosk-longitude");
    }
  self->sound = vtr_sound_new ();
  update_language_button (self);
  load_admin_settings (self);

  self->store = vtr_store_open (self->data_dir, &error);
  if (self->store)
    {
      self->catalog = vtr_catalog_new (self->store);
      vtr_order_page_set_catalog (self->order_page, self->catalog, &self->here);
      self->keys = vtr_trust_load (self->store, NULL);
    }
  else
    g_warning ("%s", error->message);

  set_camera (self, source);

  /* A shop's device (paired with --merchant) opens counter mode. */
  if (self->store)
    {
      g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (self->store, NULL);

      if (link && link->merchant_id)
        vtr_window_set_merchant (self, link->merchant_id);
    }
  self->sync = vtr_sync_service_new (self->data_dir);
  g_signal_connect (self->sync, "notify::state", G_CALLBACK (on_sync_changed), self);
  g_signal_connect (self->sync, "notify::last-success", G_CALLBACK (on_sync_changed), self);
  vtr_sync_service_start (self->sync);
  update_freshness (self);
  self->print_retry_id = g_timeout_add_seconds (PRINT_RETRY_SECONDS, on_print_retry, self);

  if (kiosk)
    {
      /* No window buttons: nothing to minimise or close from the screen. */
      adw_header_bar_set_show_end_title_buttons (self->header, FALSE);
      adw_header_bar_set_show_start_title_buttons (self->header, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  return self;
}

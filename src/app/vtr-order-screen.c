#include "config.h"

#include "vtr-order-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-flip-box.h"
#include "vtr-opening-hours.h"
#include "vtr-order-privacy.h"

/*
 * The basket: products from one shop, each with its quantity; where to
 * collect them (at the shop, or a parcel locker near the kiosk); the
 * customer's first name and phone, typed on the on-screen keyboard. The
 * window places the order ("confirm") or goes back to scanning for one
 * more product ("add-more"), the basket kept.
 */

#define MAX_QUANTITY 20
#define MAX_LINES 20
#define N_LOCKERS 3

typedef struct
{
  gint64  product_id;
  char   *name;
  gint64  price_cents;
  int     quantity;
} BasketLine;

struct _VtrOrderScreen
{
  GtkWidget      parent_instance;

  VtrCatalog    *catalog;
  VtrPosition    here;
  gint64         merchant_id;
  GArray        *lines;    /* BasketLine */
  GArray        *pickups;  /* gint64: 0 for the shop, then lockers */
  guint          pickup;

  GtkWidget     *content;
  GtkLabel      *title;
  GtkListBox    *basket;
  GtkLabel      *total;
  GtkListBox    *pickup_list;
  GtkEntry      *name;
  GtkEntry      *phone;
  GtkLabel      *privacy;
  VtrKeyboard   *keyboard;
  GtkLabel      *message;
};

enum
{
  ADD_MORE,
  CONFIRM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VtrOrderScreen, vtr_order_screen, GTK_TYPE_WIDGET)

static void
basket_line_clear (BasketLine *line)
{
  g_free (line->name);
}

static void
remove_children (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static void refresh_basket (VtrOrderScreen *self);

static void
on_quantity (GtkButton *button,
             gpointer   data)
{
  VtrOrderScreen *self = data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "line"));
  int step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "step"));

  if (index < self->lines->len)
    vtr_order_screen_set_quantity (self, index, g_array_index (self->lines, BasketLine, index).quantity + step);
}

static GtkWidget *
quantity_button (VtrOrderScreen *self,
                 guint           index,
                 int             step,
                 const char     *accessible)
{
  GtkWidget *button = gtk_button_new_with_label (step < 0 ? "−" : "+");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "quantity");
  gtk_widget_add_css_class (button, "circular");
  g_object_set_data (G_OBJECT (button), "line", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "step", GINT_TO_POINTER (step));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_quantity), self);
  return button;
}

static void
refresh_basket (VtrOrderScreen *self)
{
  gint64 total = 0;
  g_autofree char *total_text = NULL;
  g_autofree char *total_words = NULL;

  remove_children (self->basket);
  for (guint i = 0; i < self->lines->len; i++)
    {
      BasketLine *line = &g_array_index (self->lines, BasketLine, i);
      g_autofree char *unit = vtr_price_format (line->price_cents);
      g_autofree char *amount = vtr_price_format (line->price_cents * line->quantity);
      g_autofree char *quantity = g_strdup_printf ("%d", line->quantity);
      g_autofree char *subtitle = g_strdup_printf (_("%s each · %s"), unit, amount);
      g_autofree char *less = g_strdup_printf (_("One less “%s”"), line->name);
      g_autofree char *more = g_strdup_printf (_("One more “%s”"), line->name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *count = gtk_label_new (quantity);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (count, "title-2");
      gtk_widget_set_size_request (count, 48, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), quantity_button (self, i, -1, less));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), quantity_button (self, i, +1, more));
      gtk_list_box_append (self->basket, row);
      total += line->price_cents * line->quantity;
    }
  total_text = vtr_price_format (total);
  total_words = g_strdup_printf (_("Total to pay at the shop: %s"), total_text);
  gtk_label_set_text (self->total, total_words);
}

static void
on_pickup_toggled (GtkCheckButton *check,
                   gpointer        data)
{
  VtrOrderScreen *self = data;

  if (gtk_check_button_get_active (check))
    self->pickup = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "choice"));
}

static void
add_pickup_row (VtrOrderScreen *self,
                gint64          locker_id,
                const char     *title,
                const char     *subtitle,
                GtkCheckButton *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  else
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_object_set_data (G_OBJECT (check), "choice", GUINT_TO_POINTER (self->pickups->len));
  g_signal_connect (check, "toggled", G_CALLBACK (on_pickup_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);
  gtk_list_box_append (self->pickup_list, row);
  g_array_append_val (self->pickups, locker_id);
}

/* At the shop (its address and hours), or one of the parcel lockers
 * nearest the kiosk. */
static void
refresh_pickups (VtrOrderScreen *self,
                 VtrMerchant    *merchant)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) lockers = NULL;
  VtrOpenState open = { 0 };
  g_autofree char *open_words = NULL;
  g_autofree char *shop_words = NULL;
  GtkCheckButton *group = NULL;

  remove_children (self->pickup_list);
  g_array_set_size (self->pickups, 0);
  self->pickup = 0;
  vtr_catalog_open_state (self->catalog, merchant->opening_hours, now, &open);
  open_words = vtr_describe_open_until (&open, now);
  g_clear_pointer (&open.next_change, g_date_time_unref);
  shop_words = g_strdup_printf ("%s\n%s", merchant->address ? merchant->address : "", open_words);
  add_pickup_row (self, 0, _("At the shop"), shop_words, NULL);
  group = g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (self->pickup_list, 0)), "check");

  lockers = vtr_catalog_collection_points_near (self->catalog, VTR_COLLECTION_PARCEL_LOCKER, &self->here, now,
                                                N_LOCKERS, NULL);
  for (guint i = 0; lockers && i < lockers->len; i++)
    {
      VtrCollectionPlace *place = g_ptr_array_index (lockers, i);
      g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
      g_autofree char *words = g_strdup_printf (_("Parcel locker · %s\n%s"), distance,
                                                place->point->address ? place->point->address : "");

      add_pickup_row (self, place->point->id, place->point->name, words, group);
    }
}

/**
 * vtr_order_screen_add:
 *
 * One more of a product in the basket. An order is for one shop: a
 * product from another shop starts a new basket, and the page says so.
 *
 * Returns: %FALSE when the shop does not sell it, or the basket is full
 */
gboolean
vtr_order_screen_add (VtrOrderScreen  *self,
                      gint64           product_id,
                      gint64           merchant_id,
                      GError         **error)
{
  g_autoptr(VtrProduct) product = NULL;
  g_autoptr(VtrMerchant) merchant = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *title = NULL;
  VtrStock stock;
  BasketLine line = { 0 };

  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), FALSE);

  product = vtr_catalog_get_product (self->catalog, product_id, error);
  if (product == NULL)
    return FALSE;
  merchant = vtr_catalog_get_merchant (self->catalog, merchant_id, error);
  if (merchant == NULL || !vtr_catalog_get_stock (self->catalog, product_id, merchant_id, &stock, error))
    return FALSE;
  if (stock.availability == VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_UNAVAILABLE, _("%s has none left of this product"),
                   merchant->name);
      return FALSE;
    }

  gtk_label_set_text (self->message, "");
  if (self->merchant_id != merchant_id)
    {
      if (self->lines->len > 0)
        {
          g_autoptr(VtrMerchant) before = vtr_catalog_get_merchant (self->catalog, self->merchant_id, NULL);

          replaced = g_strdup_printf (_("An order is for one shop: your basket at %s was emptied."),
                                      before ? before->name : "?");
        }
      g_array_set_size (self->lines, 0);
      self->merchant_id = merchant_id;
      refresh_pickups (self, merchant);
    }
  for (guint i = 0; i < self->lines->len; i++)
    if (g_array_index (self->lines, BasketLine, i).product_id == product_id)
      {
        vtr_order_screen_set_quantity (self, i, g_array_index (self->lines, BasketLine, i).quantity + 1);
        goto done;
      }
  if (self->lines->len >= MAX_LINES)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID, _("The basket is full: order these first."));
      return FALSE;
    }
  line.product_id = product_id;
  line.name = g_strdup (product->name);
  line.price_cents = stock.price_cents;
  line.quantity = 1;
  g_array_append_val (self->lines, line);
  refresh_basket (self);

done:
  title = g_strdup_printf (_("Your basket at %s"), merchant->name);
  gtk_label_set_text (self->title, title);
  if (replaced)
    gtk_label_set_text (self->message, replaced);
  return TRUE;
}

guint
vtr_order_screen_count_items (VtrOrderScreen *self)
{
  guint n = 0;

  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), 0);

  for (guint i = 0; i < self->lines->len; i++)
    n += g_array_index (self->lines, BasketLine, i).quantity;
  return n;
}

gint64
vtr_order_screen_get_merchant (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), 0);

  return self->lines->len ? self->merchant_id : 0;
}

/* A quantity of 0 takes the product out of the basket. */
void
vtr_order_screen_set_quantity (VtrOrderScreen *self,
                               guint           line,
                               int             quantity)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));
  g_return_if_fail (line < self->lines->len);

  if (quantity <= 0)
    g_array_remove_index (self->lines, line);
  else
    g_array_index (self->lines, BasketLine, line).quantity = MIN (quantity, MAX_QUANTITY);
  refresh_basket (self);
}

guint
vtr_order_screen_count_lockers (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), 0);

  return self->pickups->len ? self->pickups->len - 1 : 0;
}

/* 0: at the shop; 1 and on: the parcel lockers, nearest first. */
void
vtr_order_screen_choose_pickup (VtrOrderScreen *self,
                                guint           choice)
{
  GtkListBoxRow *row;

  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  row = gtk_list_box_get_row_at_index (self->pickup_list, choice);
  if (row)
    gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "check"), TRUE);
}

void
vtr_order_screen_fill (VtrOrderScreen *self,
                       const char     *first_name,
                       const char     *phone)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name), first_name);
  gtk_editable_set_text (GTK_EDITABLE (self->phone), phone);
}

/**
 * vtr_order_screen_set_keep_days:
 * @days: how long the kiosk and the hub keep the customer's first name
 *   and phone once the order is over (the "personal-data-days" setting)
 *
 * Says, in plain words under the phone, why it is asked and how long it
 * is kept (RGPD).
 */
void
vtr_order_screen_set_keep_days (VtrOrderScreen *self,
                                guint           days)
{
  g_autofree char *words = NULL;

  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Your first name and mobile number are used only to tell you by "
                                        "text message when your order is ready, or if it is cancelled. They "
                                        "are erased %u day after you collect it, or at once if you ask at "
                                        "the shop.",
                                        "Your first name and mobile number are used only to tell you by "
                                        "text message when your order is ready, or if it is cancelled. They "
                                        "are erased %u days after you collect it, or at once if you ask at "
                                        "the shop.",
                                        days),
                           days);
  gtk_label_set_text (self->privacy, words);
}

/* The words under the phone. */
const char *
vtr_order_screen_get_privacy_words (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), NULL);

  return gtk_label_get_text (self->privacy);
}

VtrKeyboard *
vtr_order_screen_get_keyboard (VtrOrderScreen *self)
{
  return self->keyboard;
}

GtkEditable *
vtr_order_screen_get_name (VtrOrderScreen *self)
{
  return GTK_EDITABLE (self->name);
}

GtkEditable *
vtr_order_screen_get_phone (VtrOrderScreen *self)
{
  return GTK_EDITABLE (self->phone);
}

/**
 * vtr_order_screen_place:
 *
 * Records the basket as an order in the journal. The basket is kept
 * until vtr_order_screen_clear(): nothing is lost if this fails.
 *
 * Returns: (transfer full): the order, or %NULL with words in @error
 */
VtrOrder *
vtr_order_screen_place (VtrOrderScreen  *self,
                        VtrStore        *store,
                        GDateTime       *now,
                        GError         **error)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (VtrOrderLine));

  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), NULL);

  if (self->lines->len == 0)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID, _("The basket is empty."));
      return NULL;
    }
  for (guint i = 0; i < self->lines->len; i++)
    {
      BasketLine *line = &g_array_index (self->lines, BasketLine, i);
      VtrOrderLine order_line = { line->product_id, line->quantity, 0 };

      g_array_append_val (lines, order_line);
    }
  return vtr_order_create (store, self->merchant_id, (VtrOrderLine *) lines->data, lines->len,
                           self->pickup < self->pickups->len ? g_array_index (self->pickups, gint64, self->pickup) : 0,
                           gtk_editable_get_text (GTK_EDITABLE (self->name)),
                           gtk_editable_get_text (GTK_EDITABLE (self->phone)), now, error);
}

void
vtr_order_screen_set_message (VtrOrderScreen *self,
                              const char     *message)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  gtk_label_set_text (self->message, message ? message : "");
}

const char *
vtr_order_screen_get_message (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), NULL);

  return gtk_label_get_text (self->message);
}

/* Forgets the basket and who was ordering. */
void
vtr_order_screen_clear (VtrOrderScreen *self)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  g_array_set_size (self->lines, 0);
  self->merchant_id = 0;
  vtr_order_screen_fill (self, "", "");
  gtk_label_set_text (self->message, "");
  refresh_basket (self);
}

void
vtr_order_screen_set_catalog (VtrOrderScreen    *self,
                              VtrCatalog        *catalog,
                              const VtrPosition *here)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  g_set_object (&self->catalog, catalog);
  self->here = *here;
}

static void
on_add_more (VtrOrderScreen *self)
{
  g_signal_emit (self, signals[ADD_MORE], 0);
}

static void
on_confirm (VtrOrderScreen *self)
{
  g_signal_emit (self, signals[CONFIRM], 0);
}

static void
vtr_order_screen_dispose (GObject *object)
{
  VtrOrderScreen *self = VTR_ORDER_SCREEN (object);

  g_clear_pointer (&self->content, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_ORDER_SCREEN);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (vtr_order_screen_parent_class)->dispose (object);
}

static void
vtr_order_screen_finalize (GObject *object)
{
  VtrOrderScreen *self = VTR_ORDER_SCREEN (object);

  g_array_unref (self->lines);
  g_array_unref (self->pickups);
  G_OBJECT_CLASS (vtr_order_screen_parent_class)->finalize (object);
}

static void
vtr_order_screen_class_init (VtrOrderScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_order_screen_dispose;
  object_class->finalize = vtr_order_screen_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  /* Back to scanning, for one more product: the basket is kept. */
  signals[ADD_MORE] = g_signal_new ("add-more", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                    NULL, G_TYPE_NONE, 0);
  /* The customer confirms: the window places the order. */
  signals[CONFIRM] = g_signal_new ("confirm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_KEYBOARD);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-order-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, content);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, title);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, basket);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, total);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, pickup_list);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, name);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, phone);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, privacy);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, message);
  gtk_widget_class_bind_template_callback (widget_class, on_add_more);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm);
}

static void
vtr_order_screen_init (VtrOrderScreen *self)
{
  self->lines = g_array_new (FALSE, TRUE, sizeof (BasketLine));
  g_array_set_clear_func (self->lines, (GDestroyNotify) basket_line_clear);
  self->pickups = g_array_new (FALSE, TRUE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->name), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->phone), VTR_KEYBOARD_DIGITS);
  vtr_order_screen_set_keep_days (self, VTR_ORDER_KEEP_DAYS);
  refresh_basket (self);
}

GtkWidget *
vtr_order_screen_new (void)
{
  return g_object_new (VTR_TYPE_ORDER_SCREEN, NULL);
}

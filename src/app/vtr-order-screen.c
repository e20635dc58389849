#include "config.h"

#include "vtr-order-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-flip-box.h"
#include "vtr-opening-hours.h"
#include "vtr-order-privacy.h"
#include "vtr-print-queue.h"

/*
 * The basket: products from one shop, each with its quantity; where to
 * collect them (at the shop, or a parcel locker near the kiosk); the
 * customer's first name and phone, typed on the on-screen keyboard. The
 * window places the order ("confirm") or goes back to scanning for one
 * more product ("add-more"), the basket kept.
 *
 * A product put in the basket is looked up on the catalogue's thread (its
 * price at the shop, whether any is left, the lockers near the kiosk):
 * "loading" is TRUE and a spinner shows until every answer came. Answers
 * come in the order asked; those asked before the basket was cleared, or
 * the screen went away, are not shown.
 *
 * The order is placed on a worker thread with its own connection to the
 * journal (the journal is written with a sync to the disk, then the shop,
 * products and locker are read for the ticket): "placing" is TRUE, the
 * button insensitive and a spinner shown until it answered.
 */

#define MAX_QUANTITY 20
#define MAX_LINES 20
#define N_LOCKERS 3

typedef struct
{
  gint64  product_id;
  char   *name;
  gint64     price_cents;
  int        quantity;
  GPtrArray *promotions;  /* VtrPromotion of the shop on it */
} BasketLine;

struct _VtrOrderScreen
{
  GtkWidget          parent_instance;

  /* Owned */
  VtrCatalogService *catalog;
  GCancellable      *cancellable;  /* the lookups of this basket */
  guint              n_pending;    /* lookups not answered yet */
  VtrPosition        here;
  gint64             merchant_id;
  char              *merchant_name;
  GArray            *lines;        /* BasketLine */
  GArray            *pickups;      /* gint64: 0 for the shop, then lockers */
  guint              pickup;
  gboolean           placing;      /* the order is being written */
  gboolean           card_shown;   /* a loyalty card was shown to this basket */

  /* Template widgets */
  GtkWidget         *content;
  GtkLabel          *title;
  GtkListBox        *basket;
  GtkWidget         *loading;
  GtkLabel          *total;
  GtkLabel          *loyalty;
  GtkListBox        *pickup_list;
  GtkEntry          *name;
  GtkEntry          *phone;
  GtkLabel          *privacy;
  VtrKeyboard       *keyboard;
  GtkWidget         *confirm_button;
  GtkWidget         *placing_box;
  GtkLabel          *message;
};

enum
{
  ADD_MORE,
  CONFIRM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VtrOrderScreen, vtr_order_screen, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_PLACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
basket_line_clear (BasketLine *line)
{
  g_free (line->name);
  g_clear_pointer (&line->promotions, g_ptr_array_unref);
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
  gboolean loyal_offered = FALSE;
  g_autofree char *total_text = NULL;
  g_autofree char *total_words = NULL;

  remove_children (self->basket);
  for (guint i = 0; i < self->lines->len; i++)
    {
      BasketLine *line = &g_array_index (self->lines, BasketLine, i);
      gint64 cents = 0;
      const VtrPromotion *promotion = vtr_promotion_best (line->promotions, line->price_cents, line->quantity,
                                                          self->card_shown, &cents);
      g_autofree char *unit = vtr_price_format (line->price_cents);
      g_autofree char *amount = vtr_price_format (cents);
      g_autofree char *quantity = g_strdup_printf ("%d", line->quantity);
      g_autofree char *subtitle = NULL;
      g_autofree char *less = g_strdup_printf (_("One less “%s”"), line->name);
      g_autofree char *more = g_strdup_printf (_("One more “%s”"), line->name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *count = gtk_label_new (quantity);

      for (guint k = 0; line->promotions && k < line->promotions->len; k++)
        loyal_offered |= ((VtrPromotion *) g_ptr_array_index (line->promotions, k))->loyal_only;
      if (promotion)
        {
          g_autofree char *full = vtr_price_format (line->price_cents * line->quantity);
          g_autofree char *headline = vtr_promotion_headline (promotion);

          /* TRANSLATORS: unit price, the line's price with the promotion, without it, the promotion */
          subtitle = g_strdup_printf (_("%s each · %s instead of %s · %s"), unit, amount, full, headline);
        }
      else
        subtitle = g_strdup_printf (_("%s each · %s"), unit, amount);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (count, "title-2");
      gtk_widget_set_size_request (count, 48, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), quantity_button (self, i, -1, less));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), quantity_button (self, i, +1, more));
      gtk_list_box_append (self->basket, row);
      total += cents;
    }
  /* Promotions for loyal customers: the customer learns that showing the
   * card gets them, and then that it did. */
  if (self->card_shown)
    gtk_label_set_text (self->loyalty, _("Loyalty card shown: the promotions for loyal customers apply."));
  else
    gtk_label_set_text (self->loyalty, _("Show your loyalty card to the camera: some promotions here are for "
                                         "loyal customers only."));
  gtk_widget_set_visible (GTK_WIDGET (self->loyalty), loyal_offered || self->card_shown);
  total_text = vtr_price_format (total);
  /* A parcel locker takes no money: never "to pay at the shop" there. */
  if (self->pickup > 0 && self->pickup < self->pickups->len)
    total_words = g_strdup_printf (_("Total of the order: %s"), total_text);
  else
    total_words = g_strdup_printf (_("Total to pay at the shop: %s"), total_text);
  gtk_label_set_text (self->total, total_words);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
set_pending (VtrOrderScreen *self,
             guint           n_pending)
{
  gboolean was_loading = self->n_pending > 0;

  self->n_pending = n_pending;
  gtk_widget_set_visible (self->loading, n_pending > 0);
  if (was_loading != (n_pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* What was asked for this basket is forgotten: answers still to come are
 * not shown. */
static void
forget_pending (VtrOrderScreen *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_pending (self, 0);
}

static void
on_pickup_toggled (GtkCheckButton *check,
                   gpointer        data)
{
  VtrOrderScreen *self = data;

  if (gtk_check_button_get_active (check))
    {
      self->pickup = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "choice"));
      refresh_basket (self);
    }
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
refresh_pickups (VtrOrderScreen       *self,
                 const VtrBasketOffer *offer)
{
  const VtrMerchant *merchant = offer->merchant;
  g_autofree char *open_words = vtr_describe_open_until (&offer->open, offer->now);
  g_autofree char *shop_words = NULL;
  GtkCheckButton *group = NULL;

  remove_children (self->pickup_list);
  g_array_set_size (self->pickups, 0);
  self->pickup = 0;
  shop_words = g_strdup_printf ("%s\n%s", merchant->address ? merchant->address : "", open_words);
  add_pickup_row (self, 0, _("At the shop"), shop_words, NULL);
  group = g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (self->pickup_list, 0)), "check");

  for (guint i = 0; i < offer->lockers->len; i++)
    {
      VtrCollectionPlace *place = g_ptr_array_index (offer->lockers, i);
      g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
      g_autofree char *words = g_strdup_printf (_("Parcel locker · %s\n%s"), distance,
                                                place->point->address ? place->point->address : "");

      add_pickup_row (self, place->point->id, place->point->name, words, group);
    }
}

/* One more of the product of @offer in the basket, or why not in words. */
static gboolean
add_offer (VtrOrderScreen        *self,
           const VtrBasketOffer  *offer,
           GError               **error)
{
  const VtrMerchant *merchant = offer->merchant;
  g_autofree char *replaced = NULL;
  g_autofree char *title = NULL;
  BasketLine line = { 0 };

  if (offer->stock.availability == VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_UNAVAILABLE, _("%s has none left of this product"),
                   merchant->name);
      return FALSE;
    }

  gtk_label_set_text (self->message, "");
  if (self->merchant_id != merchant->id)
    {
      if (self->lines->len > 0)
        replaced = g_strdup_printf (_("An order is for one shop: your basket at %s was emptied."),
                                    self->merchant_name ? self->merchant_name : "?");
      g_array_set_size (self->lines, 0);
      self->merchant_id = merchant->id;
      g_free (self->merchant_name);
      self->merchant_name = g_strdup (merchant->name);
      refresh_pickups (self, offer);
    }
  for (guint i = 0; i < self->lines->len; i++)
    if (g_array_index (self->lines, BasketLine, i).product_id == offer->product->id)
      {
        vtr_order_screen_set_quantity (self, i, g_array_index (self->lines, BasketLine, i).quantity + 1);
        goto done;
      }
  if (self->lines->len >= MAX_LINES)
    {
      g_set_error (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID, _("The basket is full: order these first."));
      return FALSE;
    }
  line.product_id = offer->product->id;
  line.name = g_strdup (offer->product->name);
  line.price_cents = offer->stock.price_cents;
  line.quantity = 1;
  line.promotions = offer->promotions ? g_ptr_array_ref (offer->promotions) : NULL;
  g_array_append_val (self->lines, line);
  refresh_basket (self);

done:
  title = g_strdup_printf (_("Your basket at %s"), merchant->name);
  gtk_label_set_text (self->title, title);
  if (replaced)
    gtk_label_set_text (self->message, replaced);
  return TRUE;
}

static void
on_offer_found (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(VtrOrderScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrBasketOffer) offer = vtr_catalog_service_basket_offer_finish (VTR_CATALOG_SERVICE (source), result,
                                                                            &error);

  /* Asked before the basket was cleared, or the screen went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_assert (self->n_pending > 0);
  set_pending (self, self->n_pending - 1);
  if (offer == NULL || !add_offer (self, offer, &error))
    gtk_label_set_text (self->message, error->message);
}

/**
 * vtr_order_screen_add:
 *
 * One more of a product in the basket, once the catalogue answered
 * ("loading" meanwhile). An order is for one shop: a product from another
 * shop starts a new basket, and the page says so; a shop with none left,
 * or a full basket, is said on the page too.
 */
void
vtr_order_screen_add (VtrOrderScreen *self,
                      gint64          product_id,
                      gint64          merchant_id)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));
  g_return_if_fail (self->catalog != NULL);

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  set_pending (self, self->n_pending + 1);
  vtr_catalog_service_basket_offer_async (self->catalog, product_id, merchant_id, &self->here, self->cancellable,
                                          on_offer_found, g_object_ref (self));
}

gboolean
vtr_order_screen_get_loading (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), FALSE);

  return self->n_pending > 0;
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

/**
 * vtr_order_screen_show_card:
 *
 * The customer showed their loyalty card (the window checked its
 * signature): the shop's promotions for loyal customers apply to this
 * basket, and the page says so. Until vtr_order_screen_clear().
 */
void
vtr_order_screen_show_card (VtrOrderScreen *self)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));

  if (self->card_shown)
    return;
  self->card_shown = TRUE;
  refresh_basket (self);
}

gboolean
vtr_order_screen_get_card_shown (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), FALSE);

  return self->card_shown;
}

/* What the basket costs, promotions counted, as the page shows it. */
const char *
vtr_order_screen_get_total_words (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), NULL);

  return gtk_label_get_text (self->total);
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

/* Placing an order, on a worker thread. */

typedef struct
{
  char      *data_dir;
  gint64     merchant_id;
  GArray    *lines;       /* VtrOrderLine */
  gint64     locker_id;
  char      *first_name;
  char      *phone;
  gboolean   card_shown;
  GDateTime *now;
} PlaceJob;

typedef struct
{
  VtrOrder  *order;
  VtrTicket *ticket;
} Placed;

static void
place_job_free (PlaceJob *job)
{
  g_free (job->data_dir);
  g_array_unref (job->lines);
  g_free (job->first_name);
  g_free (job->phone);
  g_date_time_unref (job->now);
  g_free (job);
}

static void
placed_free (Placed *placed)
{
  g_clear_pointer (&placed->order, vtr_order_free);
  g_clear_pointer (&placed->ticket, vtr_ticket_free);
  g_free (placed);
}

static void
place_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  PlaceJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &error);
  g_autoptr(VtrCatalog) catalog = NULL;
  Placed *placed;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  placed = g_new0 (Placed, 1);
  placed->order = vtr_order_create_full (store, job->merchant_id, (VtrOrderLine *) job->lines->data,
                                         job->lines->len, job->locker_id, job->first_name, job->phone,
                                         job->card_shown, job->now, &error);
  if (placed->order == NULL)
    {
      placed_free (placed);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The ticket reads the shop, the products and the locker: here too. */
  catalog = vtr_catalog_new (store);
  placed->ticket = vtr_ticket_new_order (catalog, placed->order);
  g_task_return_pointer (task, placed, (GDestroyNotify) placed_free);
}

static void
set_placing (VtrOrderScreen *self,
             gboolean        placing)
{
  if (self->placing == placing)
    return;
  self->placing = placing;
  /* The screen may be gone (the window closed) when the answer comes. */
  if (self->confirm_button)
    {
      gtk_widget_set_sensitive (self->confirm_button, !placing);
      gtk_widget_set_visible (self->placing_box, placing);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACING]);
}

/**
 * vtr_order_screen_place_async:
 * @data_dir: the kiosk's data folder: the worker opens its own store
 * @now: when the order is placed
 *
 * Records the basket as an order in the journal, and lays its ticket
 * out, on a worker thread; "placing" is TRUE until
 * vtr_order_screen_place_finish(). The basket is kept until
 * vtr_order_screen_clear(): nothing is lost if this fails.
 */
void
vtr_order_screen_place_async (VtrOrderScreen      *self,
                              const char          *data_dir,
                              GDateTime           *now,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PlaceJob *job;

  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));
  g_return_if_fail (data_dir != NULL);
  g_return_if_fail (now != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_order_screen_place_async);
  g_task_set_name (task, "[vitrine] order placing");
  if (self->placing)
    {
      g_task_return_new_error (task, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID,
                               _("Your order is being placed: wait a moment."));
      return;
    }
  if (self->lines->len == 0)
    {
      g_task_return_new_error (task, VTR_ORDER_ERROR, VTR_ORDER_ERROR_INVALID, _("The basket is empty."));
      return;
    }
  job = g_new0 (PlaceJob, 1);
  job->data_dir = g_strdup (data_dir);
  job->merchant_id = self->merchant_id;
  job->lines = g_array_new (FALSE, FALSE, sizeof (VtrOrderLine));
  for (guint i = 0; i < self->lines->len; i++)
    {
      BasketLine *line = &g_array_index (self->lines, BasketLine, i);
      VtrOrderLine order_line = { line->product_id, line->quantity, 0 };

      g_array_append_val (job->lines, order_line);
    }
  job->locker_id = self->pickup < self->pickups->len ? g_array_index (self->pickups, gint64, self->pickup) : 0;
  job->first_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name)));
  job->phone = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->phone)));
  job->card_shown = self->card_shown;
  job->now = g_date_time_ref (now);
  g_task_set_task_data (task, job, (GDestroyNotify) place_job_free);
  set_placing (self, TRUE);
  g_task_run_in_thread (task, place_in_thread);
}

/**
 * vtr_order_screen_place_finish:
 * @ticket: (out) (optional) (transfer full): the order's ticket
 *
 * Returns: (transfer full): the order, or %NULL with words in @error
 */
VtrOrder *
vtr_order_screen_place_finish (VtrOrderScreen  *self,
                               GAsyncResult    *result,
                               VtrTicket      **ticket,
                               GError         **error)
{
  Placed *placed;
  VtrOrder *order;

  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_order_screen_place_async, NULL);

  /* Only the task that set it clears it (not one refused at once). */
  if (g_task_get_task_data (G_TASK (result)))
    set_placing (self, FALSE);
  placed = g_task_propagate_pointer (G_TASK (result), error);
  if (placed == NULL)
    return NULL;
  order = g_steal_pointer (&placed->order);
  if (ticket)
    *ticket = g_steal_pointer (&placed->ticket);
  placed_free (placed);
  return order;
}

gboolean
vtr_order_screen_get_placing (VtrOrderScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_SCREEN (self), FALSE);

  return self->placing;
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

  forget_pending (self);
  g_array_set_size (self->lines, 0);
  self->merchant_id = 0;
  self->card_shown = FALSE;
  g_clear_pointer (&self->merchant_name, g_free);
  vtr_order_screen_fill (self, "", "");
  gtk_label_set_text (self->message, "");
  refresh_basket (self);
}

/* Where products are looked up, and the kiosk's place: the lockers
 * nearest it. */
void
vtr_order_screen_set_catalog (VtrOrderScreen    *self,
                              VtrCatalogService *catalog,
                              const VtrPosition *here)
{
  g_return_if_fail (VTR_IS_ORDER_SCREEN (self));
  g_return_if_fail (catalog == NULL || VTR_IS_CATALOG_SERVICE (catalog));
  g_return_if_fail (here != NULL);

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
  /* Once: the order being placed is this basket. */
  if (!self->placing)
    g_signal_emit (self, signals[CONFIRM], 0);
}

static void
vtr_order_screen_dispose (GObject *object)
{
  VtrOrderScreen *self = VTR_ORDER_SCREEN (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->n_pending = 0;
  g_clear_pointer (&self->content, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_ORDER_SCREEN);
  /* An order still being placed answers after this: no widget left. */
  self->confirm_button = NULL;
  self->placing_box = NULL;
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (vtr_order_screen_parent_class)->dispose (object);
}

static void
vtr_order_screen_finalize (GObject *object)
{
  VtrOrderScreen *self = VTR_ORDER_SCREEN (object);

  g_array_unref (self->lines);
  g_array_unref (self->pickups);
  g_free (self->merchant_name);
  G_OBJECT_CLASS (vtr_order_screen_parent_class)->finalize (object);
}

static void
vtr_order_screen_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VtrOrderScreen *self = VTR_ORDER_SCREEN (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, vtr_order_screen_get_loading (self));
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, vtr_order_screen_count_items (self));
      break;
    case PROP_PLACING:
      g_value_set_boolean (value, self->placing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_order_screen_class_init (VtrOrderScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_order_screen_dispose;
  object_class->finalize = vtr_order_screen_finalize;
  object_class->get_property = vtr_order_screen_get_property;

  /**
   * VtrOrderScreen:loading:
   *
   * Whether a product put in the basket is still being looked up.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrOrderScreen:n-items:
   *
   * How many products the basket holds, quantities counted.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrOrderScreen:placing:
   *
   * Whether the order is being written in the journal.
   */
  properties[PROP_PLACING] =
    g_param_spec_boolean ("placing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
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
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, loading);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, total);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, loyalty);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, pickup_list);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, name);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, phone);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, privacy);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, confirm_button);
  gtk_widget_class_bind_template_child_full (widget_class, "placing", FALSE,
                                             G_STRUCT_OFFSET (VtrOrderScreen, placing_box));
  gtk_widget_class_bind_template_child (widget_class, VtrOrderScreen, message);
  gtk_widget_class_bind_template_callback (widget_class, on_add_more);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm);
}

/* The message shows only with words: over the order button, it takes no
 * room otherwise. */
static void
on_message_changed (GtkLabel *message)
{
  const char *text = gtk_label_get_text (message);

  gtk_widget_set_visible (GTK_WIDGET (message), text && *text);
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
  g_signal_connect (self->message, "notify::label", G_CALLBACK (on_message_changed), NULL);
  vtr_order_screen_set_keep_days (self, VTR_ORDER_KEEP_DAYS);
  refresh_basket (self);
}

GtkWidget *
vtr_order_screen_new (void)
{
  return g_object_new (VTR_TYPE_ORDER_SCREEN, NULL);
}

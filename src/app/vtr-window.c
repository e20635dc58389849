#include "config.h"

#include "vtr-window-private.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "vtr-app.h"
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

G_DEFINE_FINAL_TYPE (VtrWindow, vtr_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_toast_dismissed (AdwToast  *toast,
                    VtrWindow *self)
{
  if (self->toast == toast)
    g_clear_object (&self->toast);
}

/* One message at a time, the newest: a toast still on screen takes the
 * new words, rather than queueing another behind it (a kiosk shown ten
 * unknown products would otherwise keep ten toasts waiting their turn,
 * and the shopper would read the oldest). */
void
vtr_window_toast (VtrWindow  *self,
                  const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  if (self->toast)
    {
      adw_toast_set_title (self->toast, markup);
      return;
    }
  self->toast = adw_toast_new (markup);
  g_signal_connect_object (self->toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toasts, g_object_ref (self->toast));
}

static void update_basket_button (VtrWindow *self);

void
vtr_window_show_page (VtrWindow  *self,
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
      vtr_window_toast (self, error->message);
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
  /* The poster's shop first: the shopper may be standing in front of it,
   * or have brought its flyer from across town. */
  for (guint i = 0; stockists && i < stockists->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (stockists, i);

      if (stockist->place.merchant->id == merchant_first)
        {
          gtk_list_box_prepend (self->stockists, stockist_row (self, stockist, now, TRUE));
          merchant_first = 0;
        }
      else
        gtk_list_box_append (self->stockists, stockist_row (self, stockist, now, FALSE));
    }
  if (merchant_first > 0 && stockists && stockists->len > 0)
    {
      g_autoptr(VtrStockist) poster_shop = vtr_catalog_get_stockist (self->catalog, product->id, merchant_first,
                                                                     &self->here, now, NULL);

      if (poster_shop)
        gtk_list_box_prepend (self->stockists, stockist_row (self, poster_shop, now, TRUE));
    }
  vtr_window_show_page (self, "product");
}

/* The first shop listed, for tests and screen readers' summaries. */
char *
vtr_window_get_first_stockist (VtrWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->stockists, 0);

  return row ? g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))) : NULL;
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
      vtr_window_toast (self, error->message);
      return;
    }
  vtr_window_show_page (self, "order");
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

/* The ticket came out, or could not: the order-placed screen says what
 * to do next (unless the kiosk has moved on to someone else's order). */
static void
order_ticket_printed (VtrWindow    *self,
                      gboolean      printed,
                      const GError *error,
                      gpointer      data)
{
  g_autofree char *number = data;

  if (!g_str_equal (gtk_label_get_text (self->done_number), number) || self->pickup_code == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->done_spinner), FALSE);
  if (printed)
    {
      gtk_label_set_text (self->done_title, _("Your order is placed: take your ticket"));
      gtk_label_set_text (self->done_words, _("The shop prepares it. Show the ticket’s code at the counter."));
    }
  else
    {
      g_autofree char *words = g_strdup_printf (_("%s\nTake a photo of this screen, or show it at the counter "
                                                  "now: its code is your pickup code."),
                                                error->message);

      gtk_label_set_text (self->done_title, _("Your order is placed: show this screen"));
      gtk_label_set_text (self->done_words, words);
    }
}

void
vtr_window_confirm_order (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = NULL;

  self->last_activity = g_get_monotonic_time ();
  order = vtr_order_page_place (self->order_page, self->store, now, &error);
  if (order == NULL)
    {
      vtr_order_page_set_message (self->order_page, error->message);
      return;
    }
  vtr_order_page_clear (self->order_page);

  /* The order is in the journal: its code on the screen at once, the
   * ticket printing meanwhile. */
  g_free (self->pickup_code);
  self->pickup_code = g_strdup (order->pickup_code);
  gtk_label_set_text (self->done_number, order->number);
  gtk_label_set_text (self->done_title, _("Your order is placed"));
  gtk_label_set_text (self->done_words, _("Your ticket is printing…"));
  gtk_widget_set_visible (GTK_WIDGET (self->done_spinner), TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self->done_code));
  vtr_window_show_page (self, "order-done");
  vtr_window_print (self, vtr_ticket_new_order (self->catalog, order), order_ticket_printed,
                    g_strdup (order->number));
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

/* One more product for the basket: back to scanning, the basket kept. */
static void
on_add_more (VtrOrderPage *page,
             gpointer      data)
{
  VtrWindow *self = data;

  vtr_window_show_page (self, "scan");
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
  vtr_window_show_page (self, "warning");
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
      vtr_window_toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->keys, vtr_key_list_free);
  self->keys = vtr_trust_load (self->store, NULL);
  if (link->merchant_id)
    vtr_window_set_merchant (self, link->merchant_id);
  message = g_strdup_printf (_("This kiosk is now “%s”, connected to the federation"), link->device_name);
  vtr_window_toast (self, message);
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

/* Whether a pairing code shown to the camera may pair this kiosk now. */
static gboolean
vtr_window_may_pair (VtrWindow *self)
{
  if (self->store == NULL)
    return FALSE;
  if (self->pairing_allowed_until > g_get_monotonic_time ())
    return TRUE;
  return vtr_sync_state_is_new_kiosk (self->store, NULL);
}

/**
 * vtr_window_allow_pairing:
 *
 * What the administrator's “Pair with the federation” does: for two
 * minutes, a pairing code shown to the camera pairs this kiosk even if it
 * was used before.
 */
void
vtr_window_allow_pairing (VtrWindow *self)
{
  self->pairing_allowed_until = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  vtr_window_go_home (self);
  vtr_window_toast (self, _("Show the federation’s pairing code to the camera within two minutes"));
}

void
vtr_window_handle_text (VtrWindow  *self,
                        const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (text, -1, self->keys, now);

  self->last_activity = g_get_monotonic_time ();
  /* A new kiosk takes the federation's pairing code; one that was used
   * (paired, or with data in its journal) only after the administrator
   * allowed it with their PIN; a paired one is paired again only from the
   * hub (revoke, then a new code). See docs/design.md, "Pairing". */
  if (looks_like_pairing (text) && !vtr_window_is_paired (self))
    {
      g_autoptr(GTask) task = NULL;

      if (!vtr_window_may_pair (self))
        {
          vtr_window_play_tone (self, VTR_TONE_WARNING);
          vtr_window_toast (self, _("This kiosk was used before: only its administrator can pair it "
                                    "again. Open the administration with the administrator’s PIN, "
                                    "press “Pair with the federation”, then show the code."));
          return;
        }
      self->pairing_allowed_until = 0;
      task = g_task_new (self, NULL, pair_done, NULL);
      vtr_window_toast (self, _("Pairing with the federation…"));
      g_task_set_task_data (task, g_strdup (text), g_free);
      g_task_run_in_thread (task, pair_in_thread);
      return;
    }
  vtr_window_play_tone (self, (info->verdict == VTR_VERDICT_TRUSTED || info->verdict == VTR_VERDICT_VALID) ? VTR_TONE_SUCCESS
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
            vtr_window_toast (self, _("This product is not in the shops of the federation yet"));
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
          vtr_window_toast (self, _("A loyalty card or an order: at the counter, in counter mode"));
          return;
        }
      break;
    default:
      break;
    }
  show_warning (self, info);
}


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
    vtr_window_toast (self, error->message);
  else if (scan.text == NULL)
    vtr_window_toast (self, _("No code in this picture: try a sharper one, taken from closer"));
  else if (!(g_str_equal (vtr_window_get_page (self), "counter") && vtr_window_counter_take_code (self, scan.text)))
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
open_file (VtrWindow *self)
{
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
  else if (g_str_equal (vtr_window_get_page (self), "counter") && vtr_window_counter_take_code (self, code->text))
    vtr_window_play_tone (self, VTR_TONE_SUCCESS);
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
void
vtr_window_open_camera (VtrWindow  *self,
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

static void
on_search_activate (GtkSearchEntry *entry,
                    gpointer        data)
{
  vtr_window_search (data, gtk_editable_get_text (GTK_EDITABLE (entry)));
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

/* On the scan screen, at most once a minute: the free memory the
 * allocator keeps goes back to the system. A kiosk runs all day; the
 * camera's threads allocate and free on every frame, and glibc returns
 * only the free space at the top of each thread's heap, so the holes left
 * below would otherwise add up, a little each hour (WebKitGTK trims the
 * same way when a page goes to the background). About a millisecond. */
static void
give_back_memory (VtrWindow *self)
{
#ifdef __GLIBC__
  gint64 now = g_get_monotonic_time ();

  if (self->last_trim && now - self->last_trim < 60 * G_USEC_PER_SEC)
    return;
  self->last_trim = now;
  malloc_trim (0);
  g_debug ("memory given back in %.1f ms", (g_get_monotonic_time () - now) / 1000.0);
#endif
}

void
vtr_window_go_home (VtrWindow *self)
{
  /* The next person sees nothing of the last one. */
  vtr_window_counter_clear (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  g_clear_pointer (&self->pickup_code, g_free);
  vtr_window_show_page (self, "scan");
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
}

/* Idle: back to the start, the basket and who was ordering forgotten. */
VtrWindow *
vtr_window_reset (VtrWindow *self)
{
  g_autofree char *language = vtr_window_default_language (self);

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
      give_back_memory (self);
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
      vtr_window_toast (self, _("This kiosk stays open: the administrator leaves it with their PIN"));
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

static gboolean
on_escape (GtkEventControllerKey *keys,
           guint                  keyval,
           guint                  keycode,
           GdkModifierType        state,
           gpointer               data)
{
  VtrWindow *self = data;

  if (keyval != GDK_KEY_Escape || !gtk_widget_get_visible (GTK_WIDGET (self->back)))
    return GDK_EVENT_PROPAGATE;
  vtr_window_go_home (self);
  return GDK_EVENT_STOP;
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
  g_clear_pointer (&self->printer_choices, g_ptr_array_unref);
  if (self->toast)
    g_signal_handlers_disconnect_by_data (self->toast, self);
  g_clear_object (&self->toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_WINDOW);
  G_OBJECT_CLASS (vtr_window_parent_class)->dispose (object);
}

static void
vtr_window_finalize (GObject *object)
{
  VtrWindow *self = VTR_WINDOW (object);

  vtr_window_counter_clear (self);
  g_string_free (self->keyed, TRUE);
  g_free (self->pickup_code);
  g_free (self->data_dir);
  g_free (self->store_notices);
  g_free (self->camera_option);
  g_free (self->language);
  G_OBJECT_CLASS (vtr_window_parent_class)->finalize (object);
}

static void
kiosk_action (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  VtrWindow *self = VTR_WINDOW (widget);

  if (g_str_equal (name, "kiosk.back"))
    vtr_window_go_home (self);
  else if (g_str_equal (name, "kiosk.basket"))
    vtr_window_show_page (self, "order");
  else if (g_str_equal (name, "kiosk.counter"))
    vtr_window_show_counter (self);
  else if (g_str_equal (name, "kiosk.admin"))
    vtr_window_show_admin (self);
  else if (g_str_equal (name, "kiosk.language"))
    vtr_window_toggle_language (self);
  else if (g_str_equal (name, "kiosk.browse"))
    vtr_window_show_page (self, "services");
  else if (g_str_equal (name, "kiosk.civic"))
    vtr_window_show_civic (self);
  else if (g_str_equal (name, "kiosk.scan-file"))
    open_file (self);
}

static void
vtr_window_class_init (VtrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_window_dispose;
  object_class->finalize = vtr_window_finalize;

  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, header);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, back);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, basket_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, counter_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, language_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, freshness);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, countdown);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, scan_page);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, scan_stack);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, no_camera);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, hint);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, search);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, product_name);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, product_brand);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, stockists);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, merchant_box);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, civic);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, done_title);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, done_number);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, done_code);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, done_words);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, done_spinner);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, warning);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

  /* What the header's and the scan screen's buttons do. */
  gtk_widget_class_install_action (widget_class, "kiosk.back", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.basket", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.counter", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.admin", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.language", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.browse", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.civic", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "kiosk.scan-file", NULL, kiosk_action);
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

      vtr_app_ensure_resources ();
      gtk_css_provider_load_from_resource (css, "/fr/vitrine/Vitrine/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      gtk_css_provider_load_from_resource (hc, "/fr/vitrine/Vitrine/style-hc.css");
      g_object_set_data_full (G_OBJECT (style), "vitrine-hc", hc, g_object_unref);
      g_signal_connect (style, "notify::high-contrast", G_CALLBACK (on_high_contrast), hc);
      on_high_contrast (style, NULL, hc);
      g_once_init_leave (&css_loaded, 1);
    }
  gtk_widget_init_template (GTK_WIDGET (self));
  self->idle_seconds = DEFAULT_IDLE_SECONDS;
  self->keyed = g_string_new (NULL);
  self->last_activity = g_get_monotonic_time ();
  gtk_drawing_area_set_draw_func (self->overlay, draw_overlay, self, NULL);
  gtk_drawing_area_set_draw_func (self->done_code, draw_pickup_code, self, NULL);
  /* Typing anywhere on the scan screen searches. */
  gtk_search_entry_set_key_capture_widget (self->search, self->scan_page);

  /* The screens of the other files. */
  gtk_stack_add_named (self->pages, vtr_window_build_results_page (self), "results");
  gtk_stack_add_named (self->pages, vtr_window_build_services_page (self), "services");
  gtk_stack_add_named (self->pages, vtr_window_build_counter_page (self), "counter");
  gtk_stack_add_named (self->pages, vtr_window_build_admin_page (self), "admin");
  self->order_page = VTR_ORDER_PAGE (vtr_order_page_new ());
  g_signal_connect_swapped (self->order_page, "confirm", G_CALLBACK (vtr_window_confirm_order), self);
  g_signal_connect (self->order_page, "add-more", G_CALLBACK (on_add_more), self);
  gtk_stack_add_named (self->pages, GTK_WIDGET (self->order_page), "order");

  /* Any touch, key or movement counts as someone there. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_activity), self);
  {
    GtkEventController *escape = gtk_event_controller_key_new ();

    /* Escape does what Back does. */
    g_signal_connect (escape, "key-pressed", G_CALLBACK (on_escape), self);
    gtk_widget_add_controller (GTK_WIDGET (self), escape);
  }
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
  vtr_window_update_language_button (self);
  /* The admin page loads the settings (and looks for cameras and printers) when shown. */

  self->store = vtr_store_open (self->data_dir, &error);
  if (self->store)
    {
      const char * const *notices = vtr_store_get_notices (self->store);

      /* What the store had to repair (a damaged journal kept aside, its
       * events copied back): the person in charge must hear of it. */
      if (notices[0])
        {
          g_autofree char *markup = NULL;
          AdwToast *toast;

          self->store_notices = g_strjoinv ("\n", (char **) notices);
          markup = g_markup_escape_text (self->store_notices, -1);
          toast = adw_toast_new (markup);
          adw_toast_set_timeout (toast, 0);
          adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
          adw_toast_overlay_add_toast (self->toasts, toast);
        }
      self->catalog = vtr_catalog_new (self->store);
      vtr_order_page_set_catalog (self->order_page, self->catalog, &self->here);
      self->keys = vtr_trust_load (self->store, NULL);
    }
  else
    g_warning ("%s", error->message);

  vtr_window_open_camera (self, source);

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
  self->print_retry_id = g_timeout_add_seconds (PRINT_RETRY_SECONDS, vtr_window_print_retry_tick, self);

  if (kiosk)
    {
      /* No window buttons: nothing to minimise or close from the screen. */
      adw_header_bar_set_show_end_title_buttons (self->header, FALSE);
      adw_header_bar_set_show_start_title_buttons (self->header, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  return self;
}

#include "config.h"

#include "vtr-window.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "vtr-app.h"
#include "vtr-civic-screen.h"
#include "vtr-catalog-service.h"
#include "vtr-counter.h"
#include "vtr-counter-screen.h"
#include "vtr-order-reader.h"
#include "vtr-admin-screen.h"
#include "vtr-describe.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-merchant-screen.h"
#include "vtr-order-placed-screen.h"
#include "vtr-order-screen.h"
#include "vtr-phone-code.h"
#include "vtr-pin-screen.h"
#include "vtr-poster-scan.h"
#include "vtr-print-queue.h"
#include "vtr-print-service.h"
#include "vtr-product-screen.h"
#include "vtr-results-screen.h"
#include "vtr-scanner-keys.h"
#include "vtr-scan-screen.h"
#include "vtr-shop-screen.h"
#include "vtr-services-screen.h"
#include "vtr-staff.h"
#include "vtr-staff-pin.h"
#include "vtr-sync-state.h"
#include "vtr-sync.h"

/*
 * The kiosk's window: the header, the messages, and the screens, which
 * it shows as their actions ask (win.show-product, win.back, …) and keeps
 * in a history — Back returns to the screen before as it was left, its
 * list and its scroll; Home and the idle reset clear it. It routes what
 * the camera, a USB barcode scanner or a picture reads to the screen it
 * leads to. In kiosk mode, fullscreen, no way out, and back to the scan
 * screen after a while without a touch, with what the last person typed
 * or ordered forgotten.
 *
 * The services are the application's; the window only borrows them.
 */

#define DEFAULT_IDLE_SECONDS 90
#define COUNTDOWN_SECONDS 10
#define MESSAGE_SECONDS 6
#define MAX_HISTORY 12
#define PAIRING_WINDOW_USEC (120 * G_USEC_PER_SEC)

struct _VtrWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets. */
  AdwHeaderBar         *header;
  GtkButton            *back;
  GtkButton            *home;
  GtkButton            *basket_button;
  GtkButton            *counter_button;
  GtkLabel             *orders_badge;
  GtkButton            *language_button;
  GtkLabel             *freshness;
  GtkLabel             *countdown;
  GtkRevealer          *message_bar;
  GtkLabel             *message;
  GtkStack             *pages;
  VtrScanScreen        *scan_screen;

  /* Borrowed: the services are the application's. */
  VtrApplication       *app;

  /* Owned. */
  GPtrArray            *history;       /* GtkWidget: the screens shown, the scan screen first */
  VtrOrderScreen       *order_screen;  /* the basket, kept while the shopper browses */
  VtrCounter           *counter;       /* a shop's device: its counter */
  gint64                orders_waiting; /* the counter's badge, as last heard */
  GSignalGroup         *sync_signals;
  GSignalGroup         *camera_signals;
  GCancellable         *cancellable;
  GCancellable         *lookup;        /* the barcode read last, being looked up */
  char                 *early_text;    /* read before the journal and keys were open */
  char                 *language;
  char                 *default_language;
  guint                 message_id;
  gboolean              message_stays;

  /* Until when a pairing code shown to the camera pairs this kiosk even
   * if it was used or paired before: the administrator allowed it. */
  gint64                pairing_allowed_until;

  /* A USB barcode scanner's keys, while they come fast. */
  GString              *burst;
  VtrKeyPace            pace;

  guint                 idle_seconds;
  gint64                last_activity;
  gint64                last_trim;
  guint                 tick_id;
};

G_DEFINE_FINAL_TYPE (VtrWindow, vtr_window, ADW_TYPE_APPLICATION_WINDOW)

static void show_screen (VtrWindow *self,
                         GtkWidget *screen);

/* An answer that comes after the window was closed (the service had
 * answered before it was asked to cancel) changes nothing. */
static gboolean
is_closed (VtrWindow *self)
{
  return self->pages == NULL;
}


/* Messages: one at a time, the newest, large, above the screen. */

static gboolean
on_message_timeout (gpointer data)
{
  VtrWindow *self = data;

  self->message_id = 0;
  gtk_revealer_set_reveal_child (self->message_bar, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_message_close (VtrWindow *self)
{
  g_clear_handle_id (&self->message_id, g_source_remove);
  self->message_stays = FALSE;
  gtk_revealer_set_reveal_child (self->message_bar, FALSE);
}

/* @stays: until someone closes it (what the person in charge must read). */
static void
show_message (VtrWindow  *self,
              const char *text,
              gboolean    stays)
{
  /* A message that stays is not pushed away by a passing one. */
  if (self->message_stays && !stays && gtk_revealer_get_reveal_child (self->message_bar))
    return;
  gtk_label_set_text (self->message, text);
  gtk_revealer_set_reveal_child (self->message_bar, TRUE);
  self->message_stays = stays;
  g_clear_handle_id (&self->message_id, g_source_remove);
  if (!stays)
    self->message_id = g_timeout_add_seconds (MESSAGE_SECONDS, on_message_timeout, self);
}

/* The badge of the shop's new orders, or %NULL when none wait. */
const char *
vtr_window_get_orders_badge (VtrWindow *self)
{
  g_return_val_if_fail (VTR_IS_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->orders_badge)) ? gtk_label_get_text (self->orders_badge) : NULL;
}

/* The message shown, or %NULL. */
const char *
vtr_window_get_message (VtrWindow *self)
{
  g_return_val_if_fail (VTR_IS_WINDOW (self), NULL);

  return gtk_revealer_get_reveal_child (self->message_bar) ? gtk_label_get_text (self->message) : NULL;
}

static void
play_tone (VtrWindow *self,
           VtrTone    tone)
{
  GSettings *settings = vtr_application_get_settings (self->app);

  if (settings == NULL || g_settings_get_boolean (settings, "sound"))
    vtr_sound_play (vtr_application_get_sound (self->app), tone);
}


/* The screens and their history. */

static gboolean
is_kept (GtkWidget *screen)
{
  return g_object_get_data (G_OBJECT (screen), "vtr-kept") != NULL;
}

static void
update_header (VtrWindow *self)
{
  g_autofree char *label = NULL;
  GtkWidget *visible;
  gboolean home;
  guint n;

  if (is_closed (self))
    return;
  visible = gtk_stack_get_visible_child (self->pages);
  home = visible == GTK_WIDGET (self->scan_screen);
  /* No basket yet while the window is being built. */
  n = self->order_screen ? vtr_order_screen_count_items (self->order_screen) : 0;
  label = g_strdup_printf (ngettext ("Basket (%u)", "Basket (%u)", n), n);

  gtk_widget_set_visible (GTK_WIDGET (self->back), self->history->len > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->home), self->history->len > 2);
  gtk_button_set_label (self->basket_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->basket_button),
                          n > 0 && visible != GTK_WIDGET (self->order_screen) && !VTR_IS_ORDER_PLACED_SCREEN (visible));
  gtk_widget_set_visible (GTK_WIDGET (self->counter_button),
                          self->counter != NULL && vtr_counter_get_merchant_id (self->counter) > 0 && home);
  /* The badge: how many orders wait to be accepted, on every screen. */
  if (self->counter && vtr_counter_get_merchant_id (self->counter) > 0 &&
      vtr_counter_get_waiting (self->counter) > 0)
    {
      gint64 waiting = vtr_counter_get_waiting (self->counter);
      g_autofree char *badge = g_strdup_printf (ngettext ("%lld new order", "%lld new orders", waiting),
                                                (long long) waiting);

      gtk_label_set_text (self->orders_badge, badge);
      gtk_widget_set_visible (GTK_WIDGET (self->orders_badge), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->orders_badge), FALSE);
}

/* Only the screen shown is visible: the others (kept for Back) are out of
 * the accessibility tree, where a screen reader would read them too. */
static void
hide_other_screens (VtrWindow *self)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->pages);

  if (gtk_stack_get_transition_running (self->pages))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->pages)); child;
       child = gtk_widget_get_next_sibling (child))
    if (child != visible)
      gtk_widget_set_visible (child, FALSE);
}

/* The staff's screens: the counter (and its PIN), "Ma boutique", a PIN
 * being chosen or changed, the administration. */
static gboolean
is_staff_screen (GtkWidget *screen)
{
  return VTR_IS_COUNTER_SCREEN (screen) || VTR_IS_SHOP_SCREEN (screen) || VTR_IS_PIN_SCREEN (screen) ||
         VTR_IS_ADMIN_SCREEN (screen);
}

static void
set_visible_screen (VtrWindow *self,
                    GtkWidget *screen)
{
  GtkWidget *before = gtk_stack_get_visible_child (self->pages);

  /* Leaving the staff's screens for a shopper's (Back, Home, the idle
   * reset, the basket) ends the staff session: the counter asks for the
   * PIN again the next time it is opened from the shopper's side, and
   * nothing of its customers stays behind a button (issue 15). */
  if (self->counter && before && before != screen && is_staff_screen (before) && !is_staff_screen (screen))
    vtr_counter_clear (self->counter);
  gtk_widget_set_visible (screen, TRUE);
  gtk_stack_set_visible_child (self->pages, screen);
  hide_other_screens (self);
}

static gboolean
release_screen (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

/* Takes @screen out of the history; a screen made for one visit goes. */
static void
drop_screen (VtrWindow *self,
             guint      index)
{
  GtkWidget *screen = g_ptr_array_steal_index (self->history, index);

  if (!is_kept (screen) && gtk_widget_get_parent (screen) == GTK_WIDGET (self->pages))
    gtk_stack_remove (self->pages, screen);
  /* Its teardown (its rows, its map and their styles: a few milliseconds
   * a screen) after the screen shown now is drawn, each in an idle of its
   * own: Home drops two or three screens at once, and freed together they
   * held the main thread past a frame (tests/bench/bench-main-thread). */
  g_idle_add_full (G_PRIORITY_LOW, release_screen, screen, NULL);
}

/*
 * Shows @screen, after the one shown (Back returns there). A screen
 * already in the history is shown again as it was, and what was shown
 * after it is forgotten.
 */
static void
show_screen (VtrWindow *self,
             GtkWidget *screen)
{
  guint index;

  g_object_ref_sink (screen);
  if (g_ptr_array_find (self->history, screen, &index))
    {
      set_visible_screen (self, screen);
      while (self->history->len > index + 1)
        drop_screen (self, self->history->len - 1);
    }
  else
    {
      if (gtk_widget_get_parent (screen) == NULL)
        gtk_stack_add_child (self->pages, screen);
      set_visible_screen (self, screen);
      g_ptr_array_add (self->history, g_object_ref (screen));
      /* The oldest visits go first; the scan screen stays at the bottom. */
      while (self->history->len > MAX_HISTORY)
        drop_screen (self, 1);
    }
  g_object_unref (screen);
  update_header (self);
}

/* A barcode still being looked up leads nowhere once the person moved on. */
static void
forget_lookup (VtrWindow *self)
{
  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
}

static void
go_back (VtrWindow *self)
{
  forget_lookup (self);
  if (self->history->len < 2)
    return;
  set_visible_screen (self, g_ptr_array_index (self->history, self->history->len - 2));
  drop_screen (self, self->history->len - 1);
  update_header (self);
}

static void
go_home (VtrWindow *self)
{
  forget_lookup (self);
  set_visible_screen (self, GTK_WIDGET (self->scan_screen));
  while (self->history->len > 1)
    drop_screen (self, self->history->len - 1);
  /* The next person sees nothing of the last one. */
  vtr_scan_screen_clear (self->scan_screen);
  if (self->counter)
    vtr_counter_clear (self->counter);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
  update_header (self);
}

/* The screen shown. */
GtkWidget *
vtr_window_get_visible_screen (VtrWindow *self)
{
  g_return_val_if_fail (VTR_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child (self->pages);
}

/* How many screens Back goes through to the scan screen, plus one. */
guint
vtr_window_get_history_length (VtrWindow *self)
{
  g_return_val_if_fail (VTR_IS_WINDOW (self), 0);

  return self->history->len;
}

static void
get_position (VtrWindow *self,
              double    *latitude,
              double    *longitude)
{
  VtrPosition here = vtr_application_get_position (self->app);

  *latitude = here.lat;
  *longitude = here.lon;
}

static VtrCatalogService *
catalog_service (VtrWindow *self)
{
  return vtr_application_get_catalog_service (self->app);
}

/* A screen of the catalogue, with the kiosk's position. */
static GtkWidget *
new_catalog_screen (VtrWindow  *self,
                    GType       type,
                    const char *first_property,
                    ...)
{
  double latitude, longitude;
  GtkWidget *screen;
  va_list args;

  VtrKeyList *keys = vtr_application_get_keys (self->app);

  get_position (self, &latitude, &longitude);
  /* The phone pages are on the federation's host, which its keys name. */
  screen = g_object_new (type, "catalog", catalog_service (self), "latitude", latitude, "longitude", longitude,
                         "public-host", keys ? vtr_key_list_get_host (keys) : NULL, NULL);
  va_start (args, first_property);
  if (first_property)
    g_object_set_valist (G_OBJECT (screen), first_property, args);
  va_end (args);
  return screen;
}

static void
show_product (VtrWindow *self,
              gint64     product_id,
              gint64     poster_merchant_id)
{
  show_screen (self, new_catalog_screen (self, VTR_TYPE_PRODUCT_SCREEN,
                                         "poster-merchant-id", poster_merchant_id,
                                         "product-id", product_id,
                                         NULL));
}

static void
show_merchant (VtrWindow *self,
               gint64     merchant_id)
{
  show_screen (self, new_catalog_screen (self, VTR_TYPE_MERCHANT_SCREEN, "merchant-id", merchant_id, NULL));
}

/* A code that is not the federation's, or one that no longer holds. */
static void
show_warning (VtrWindow         *self,
              const VtrCodeInfo *info)
{
  g_autofree char *why = vtr_verdict_describe (info);
  g_autofree char *description = NULL;
  GtkWidget *page = adw_status_page_new ();
  VtrKeyList *keys = vtr_application_get_keys (self->app);
  const char *federation_host = keys ? vtr_key_list_get_host (keys) : NULL;
  const char *title;

  switch (info->verdict)
    {
    case VTR_VERDICT_EXPIRED:
      title = info->kind == VTR_CODE_PRODUCT ? _("This ad has expired") : _("This code has expired");
      break;
    case VTR_VERDICT_RETIRED_KEY:
      title = _("This code is no longer valid");
      break;
    case VTR_VERDICT_UNKNOWN_KEY:
    case VTR_VERDICT_NO_KEYS:
      title = _("This kiosk cannot check this code yet");
      break;
    case VTR_VERDICT_BAD_CHECK_DIGIT:
      title = _("This barcode was misread");
      break;
    default:
      title = _("This code is not from the shops of the federation");
      break;
    }
  /* Where a link really leads, when it is elsewhere: a forged code
   * written as the federation's leads to the federation's own pages,
   * which say it is not theirs; naming that host would reassure. */
  if (info->host_unicode && !(federation_host && info->host &&
                              g_ascii_strcasecmp (info->host, federation_host) == 0))
    description = g_strdup_printf (_("%s\n\nIt leads to %s."), why, info->host_unicode);
  else if (info->host_unicode)
    description = g_steal_pointer (&why);
  else if (info->verdict == VTR_VERDICT_EXPIRED || info->verdict == VTR_VERDICT_RETIRED_KEY)
    description = g_steal_pointer (&why);
  else
    description = g_strdup_printf (_("%s\n\nIt says: “%s”"), why, info->display);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "dialog-warning-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  gtk_widget_add_css_class (page, "warning-screen");
  show_screen (self, page);
}


/* Pairing: the federation's printed code, scanned once at setup, or
 * again after the administrator allowed it; the application pairs. */

static void set_merchant (VtrWindow *self,
                          gint64     merchant_id);

/* PINs chosen, changed or reset on the kiosk (vtr-pin-screen.c). */
static void
show_pin_screen (VtrWindow    *self,
                 VtrPinUpdate  update,
                 gint64        merchant_id,
                 const char   *reset_code)
{
  VtrStore *store = vtr_application_get_store (self->app);

  if (store == NULL)
    return;
  /* One at a time: the gear pressed again meanwhile (Enter, a second tap
   * before the screen came) does not stack another under it. */
  if (VTR_IS_PIN_SCREEN (vtr_window_get_visible_screen (self)))
    return;
  show_screen (self, vtr_pin_screen_new (store, update, merchant_id, reset_code));
}

/* Who runs the device without a PIN yet (a shop's staff, or the
 * administrator of a federation kiosk whose pairing brought none) chooses
 * it first; else @then. Whether a PIN is set is read on a worker thread. */
typedef void (*PinThen) (VtrWindow *self);

typedef struct
{
  VtrWindow *window;
  gint64     merchant_id;
  PinThen    then;
} PinLookup;

static void
pin_looked_up (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PinLookup *lookup = data;
  g_autoptr(VtrWindow) self = lookup->window;
  g_autoptr(GError) error = NULL;
  VtrStore *store;
  gboolean has_pin = TRUE;
  gint64 merchant_id = lookup->merchant_id;
  PinThen then = lookup->then;

  g_free (lookup);
  if (is_closed (self) || !(store = vtr_application_get_store (self->app)))
    return;
  if (!vtr_staff_has_pin_finish (store, result, &has_pin, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, FALSE);
      return;
    }
  if (!has_pin)
    show_pin_screen (self, VTR_PIN_SET, merchant_id, NULL);
  else if (then)
    then (self);
}

static void
ask_first_pin (VtrWindow *self,
               gint64     merchant_id,
               PinThen    then)
{
  VtrStore *store = vtr_application_get_store (self->app);
  PinLookup *lookup;

  if (store == NULL)
    return;
  lookup = g_new0 (PinLookup, 1);
  lookup->window = g_object_ref (self);
  lookup->merchant_id = merchant_id;
  lookup->then = then;
  vtr_staff_has_pin_async (store, merchant_id, self->cancellable, pin_looked_up, lookup);
}

/* A PIN reset code the federation printed: the new PIN asked if the code
 * is good for this kiosk, else why not. The code is checked on a worker
 * thread (whether it was used is in the journal). */
typedef struct
{
  VtrWindow *window;
  char      *code;
} ResetLookup;

static void
reset_code_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  ResetLookup *lookup = data;
  g_autoptr(VtrWindow) self = lookup->window;
  g_autofree char *code = lookup->code;
  g_autoptr(GError) error = NULL;
  VtrStore *store;
  gint64 merchant_id = 0;

  g_free (lookup);
  if (is_closed (self) || !(store = vtr_application_get_store (self->app)))
    return;
  if (!vtr_staff_check_reset_code_finish (store, result, &merchant_id, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      play_tone (self, VTR_TONE_WARNING);
      show_message (self, error->message, FALSE);
      return;
    }
  play_tone (self, VTR_TONE_SUCCESS);
  show_pin_screen (self, VTR_PIN_RESET, merchant_id, code);
}

static void
reset_pin (VtrWindow  *self,
           const char *text)
{
  VtrStore *store = vtr_application_get_store (self->app);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  ResetLookup *lookup;

  if (store == NULL)
    return;
  lookup = g_new0 (ResetLookup, 1);
  lookup->window = g_object_ref (self);
  lookup->code = g_strdup (text);
  vtr_staff_check_reset_code_async (store, text, now, self->cancellable, reset_code_checked, lookup);
}

static void
pair_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(VtrWindow) self = data;
  g_autoptr(GError) error = NULL;
  gboolean needs_pin = FALSE;
  g_autoptr(VtrHubLink) link = vtr_application_pair_finish (VTR_APPLICATION (source), result, &needs_pin, &error);
  g_autofree char *message = NULL;

  if (is_closed (self))
    return;
  if (link == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          play_tone (self, VTR_TONE_WARNING);
          show_message (self, error->message, FALSE);
        }
      return;
    }
  set_merchant (self, link->merchant_id);
  message = g_strdup_printf (_("This kiosk is now “%s”, connected to the federation"), link->device_name);
  show_message (self, message, FALSE);
  /* No PIN came with the pairing: a shop's device, its staff PIN; a
   * federation kiosk paired without an administrator's PIN, that one.
   * Chosen now, here, twice. */
  if (needs_pin)
    show_pin_screen (self, VTR_PIN_SET, link->merchant_id > 0 ? link->merchant_id : VTR_ADMIN_ID, NULL);
}

static gboolean
looks_like_pairing (const char *text)
{
  const char *path = g_ascii_strncasecmp (text, "HTTPS://", 8) == 0 ? strchr (text + 8, '/') : NULL;

  return path && g_ascii_strncasecmp (path, "/D/", 3) == 0;
}

/* As the application knows it: read once, kept by pairing. */
static gboolean
is_paired (VtrWindow *self)
{
  return vtr_application_get_paired (self->app);
}

/* A pairing code shown to the camera pairs a kiosk never used, or any
 * once its administrator allowed it; whether it was used is read on the
 * pairing's worker thread. */
static void
pair (VtrWindow  *self,
      const char *text)
{
  gboolean allowed = self->pairing_allowed_until > g_get_monotonic_time ();

  if (vtr_application_get_store (self->app) == NULL)
    return;
  if (!allowed && is_paired (self))
    {
      play_tone (self, VTR_TONE_WARNING);
      show_message (self, _("This kiosk is already paired. To pair it again, open the administration "
                            "with the administrator’s PIN, press “Pair with the federation”, then "
                            "show the code."),
                    FALSE);
      return;
    }
  self->pairing_allowed_until = 0;
  play_tone (self, VTR_TONE_SUCCESS);
  show_message (self, _("Pairing with the federation…"), FALSE);
  vtr_application_pair_async (self->app, text, !allowed, self->cancellable, pair_done, g_object_ref (self));
}


/* What a scanned text leads to. */

static void
product_by_gtin_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  g_autoptr(VtrWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProduct) product = vtr_catalog_service_product_by_gtin_finish (VTR_CATALOG_SERVICE (source),
                                                                              result, &error);

  if (is_closed (self))
    return;
  if (product)
    show_product (self, product->id, 0);
  else if (g_error_matches (error, VTR_CATALOG_ERROR, VTR_CATALOG_ERROR_NOT_FOUND))
    show_message (self, _("This product is not in the shops of the federation yet"), FALSE);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message, FALSE);
}

/* A customer's pickup code, away from the counter: where the order is. */
static void
pickup_found (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(VtrWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = vtr_order_get_finish (result, &error);
  g_autofree char *where = NULL;

  if (is_closed (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (order == NULL)
    {
      show_message (self, g_error_matches (error, VTR_ORDER_ERROR, VTR_ORDER_ERROR_NOT_FOUND)
                            ? _("This order was not placed on this kiosk: the shop that prepares it "
                                "can tell where it is.")
                            : error->message,
                    FALSE);
      return;
    }
  where = vtr_order_describe_state (order);
  show_message (self, where, FALSE);
}

/* A sync may have brought orders: the counter's list and badge. */
static void
on_synced (VtrWindow *self)
{
  if (self->counter && vtr_counter_get_merchant_id (self->counter) > 0)
    vtr_counter_refresh_orders (self->counter);
}

/* More orders waiting than before: a tone, and the badge. */
static void
on_waiting_changed (VtrWindow *self)
{
  gint64 waiting = vtr_counter_get_waiting (self->counter);
  gint64 before = self->orders_waiting;

  self->orders_waiting = waiting;
  if (waiting > before)
    play_tone (self, VTR_TONE_SUCCESS);
  update_header (self);
}

/* (poster) The scan of a shop's poster is in the outbox: the next sync
 * takes it up. A failure is no shopper's business: the log says it. The
 * window is not held for it: a window kept past its application would
 * go on ticking on a freed application. */
static void
poster_scan_recorded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!vtr_poster_scan_record_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The scan of a shop’s poster is not counted: %s", error->message);
}

/* A phone page of the federation's hub scanned here (a kiosk's "continue
 * on your phone" code, a shop's storefront code) opens the same screen:
 * they are public and unsigned, and open nothing but what anyone may
 * see. */
static gboolean
open_phone_link (VtrWindow  *self,
                 const char *text)
{
  VtrKeyList *keys = vtr_application_get_keys (self->app);
  const char *action;
  GVariant *target;

  if (!vtr_phone_code_parse (text, keys ? vtr_key_list_get_host (keys) : NULL, &action, &target))
    return FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (self), action, target);
  return TRUE;
}

static void
handle_text (VtrWindow  *self,
             const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrCodeInfo) info = NULL;
  GtkWidget *visible = gtk_stack_get_visible_child (self->pages);

  self->last_activity = g_get_monotonic_time ();
  /* The kiosk shows the camera before its journal and the federation's
   * keys are open (a worker opens them): what is read meanwhile waits for
   * them, or a genuine ad would be called a fake. The newest waits. */
  if (!vtr_application_get_opened (self->app))
    {
      g_free (self->early_text);
      self->early_text = g_strdup (text);
      return;
    }
  /* What was read before and is still being looked up gives way. */
  forget_lookup (self);
  /* In "Ma boutique", a barcode is a product of the shop's. */
  if (VTR_IS_SHOP_SCREEN (visible) && vtr_shop_screen_take_code (VTR_SHOP_SCREEN (visible), text))
    {
      play_tone (self, VTR_TONE_SUCCESS);
      return;
    }
  /* At the counter, a card or a pickup code is the counter's. */
  if (VTR_IS_COUNTER_SCREEN (visible) && self->counter && vtr_counter_take_code (self->counter, text))
    {
      play_tone (self, VTR_TONE_SUCCESS);
      return;
    }
  if (looks_like_pairing (text))
    {
      pair (self, text);
      return;
    }
  info = vtr_code_classify (text, -1, vtr_application_get_keys (self->app), now);
  if (info->kind == VTR_CODE_FOREIGN_URL && open_phone_link (self, text))
    {
      play_tone (self, VTR_TONE_SUCCESS);
      return;
    }
  if (info->kind == VTR_CODE_PIN_RESET)
    {
      reset_pin (self, text);
      return;
    }
  play_tone (self, (info->verdict == VTR_VERDICT_TRUSTED || info->verdict == VTR_VERDICT_VALID) ? VTR_TONE_SUCCESS
                                                                                                 : VTR_TONE_WARNING);
  /* (poster) A shop's poster scanned here counts for the shop. */
  if (vtr_application_get_store (self->app))
    vtr_poster_scan_record_async (vtr_store_get_data_dir (vtr_application_get_store (self->app)), info, now,
                                  self->cancellable, poster_scan_recorded, NULL);
  switch (info->kind)
    {
    case VTR_CODE_PRODUCT:
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          show_product (self, info->code.product_id, info->code.merchant_id);
          return;
        }
      break;
    case VTR_CODE_GTIN:
      if (info->verdict == VTR_VERDICT_VALID)
        {
          self->lookup = g_cancellable_new ();
          vtr_catalog_service_product_by_gtin_async (catalog_service (self), info->gtin, self->lookup,
                                                     product_by_gtin_done, g_object_ref (self));
          return;
        }
      break;
    case VTR_CODE_MERCHANT:
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          show_merchant (self, info->code.merchant_id);
          return;
        }
      break;
    case VTR_CODE_PICKUP:
      if (info->verdict == VTR_VERDICT_TRUSTED && vtr_application_get_store (self->app))
        {
          self->lookup = g_cancellable_new ();
          vtr_order_get_async (vtr_store_get_data_dir (vtr_application_get_store (self->app)), info->code.order,
                               self->lookup, pickup_found, g_object_ref (self));
          return;
        }
      break;
    case VTR_CODE_CARD:
      /* A card shown to the basket: the shop's promotions for loyal
       * customers apply to this order. */
      if (info->verdict == VTR_VERDICT_TRUSTED && visible == GTK_WIDGET (self->order_screen) &&
          vtr_order_screen_count_items (self->order_screen) > 0)
        {
          vtr_order_screen_show_card (self->order_screen);
          return;
        }
      if (info->verdict == VTR_VERDICT_TRUSTED)
        {
          show_message (self, _("A loyalty card or an order: at the counter, in counter mode"), FALSE);
          return;
        }
      break;
    default:
      break;
    }
  show_warning (self, info);
}

static void
on_codes_found (VtrWindow *self,
                GPtrArray *codes)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->pages);

  if (codes->len == 0)
    return;
  /* The camera reads on the scan screen, at the counter and on the
   * basket (for a loyalty card); elsewhere a code held up by chance must
   * not take the shopper away. */
  if (visible == GTK_WIDGET (self->order_screen))
    {
      const char *text = ((VtrSymbol *) g_ptr_array_index (codes, 0))->text;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(VtrCodeInfo) info = vtr_code_classify (text, -1, vtr_application_get_keys (self->app), now);

      if (info->kind == VTR_CODE_CARD)
        handle_text (self, text);
      return;
    }
  if (visible == GTK_WIDGET (self->scan_screen) || VTR_IS_COUNTER_SCREEN (visible) ||
      VTR_IS_SHOP_SCREEN (visible))
    handle_text (self, ((VtrSymbol *) g_ptr_array_index (codes, 0))->text);
}

static void
on_camera_changed (VtrWindow *self)
{
  VtrCamera *camera = vtr_application_get_camera (self->app);

  vtr_scan_screen_set_camera (self->scan_screen, camera);
  g_signal_group_set_target (self->camera_signals, camera);
  /* A code held up before this window listened is read now. */
  if (camera)
    vtr_camera_report_again (camera);
}


/* Ordering: from a stockist's row, collected at the shop or from a
 * locker; the ticket prints after the order is in the journal, or the
 * screen shows the pickup code when the printer cannot. */

/* Something was written that the hub should hear of now: win.sync-soon. */
static void
sync_soon (VtrWindow *self)
{
  VtrSyncService *sync = vtr_application_get_sync (self->app);

  if (sync)
    vtr_sync_service_sync_soon (sync);
}

static void
order_placed (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(VtrWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrTicket) ticket = NULL;
  g_autoptr(VtrOrder) order = vtr_order_screen_place_finish (VTR_ORDER_SCREEN (source), result, &ticket, &error);
  GtkWidget *placed;

  if (is_closed (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (order == NULL)
    {
      /* In words on the basket (no order numbers left, the disk full),
       * the basket kept. */
      vtr_order_screen_set_message (self->order_screen, error->message);
      return;
    }
  vtr_order_screen_clear (self->order_screen);
  sync_soon (self);
  /* The order is in the journal: its code on the screen at once, the
   * ticket printing meanwhile. The basket is done with: Back from here
   * goes to the start, not to an empty basket. */
  placed = vtr_order_placed_screen_new (order->number, order->pickup_code,
                                        vtr_application_get_printer (self->app));
  vtr_order_placed_screen_set_locker (VTR_ORDER_PLACED_SCREEN (placed), order->locker_id > 0);
  go_home (self);
  show_screen (self, placed);
  vtr_order_placed_screen_print (VTR_ORDER_PLACED_SCREEN (placed), g_steal_pointer (&ticket));
}

/* The order is written (with a sync to the disk) and its ticket laid out
 * on a worker thread; the basket shows it is busy meanwhile. */
static void
on_order_confirm (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->last_activity = g_get_monotonic_time ();
  if (vtr_application_get_store (self->app) == NULL)
    {
      vtr_order_screen_set_message (self->order_screen,
                                    _("This kiosk cannot take orders: its data cannot be opened."));
      return;
    }
  vtr_order_screen_set_message (self->order_screen, NULL);
  vtr_order_screen_place_async (self->order_screen, vtr_application_get_data_dir (self->app), now,
                                self->cancellable, order_placed, g_object_ref (self));
}

/* One more product from this shop: its page (its products), the basket
 * kept. */
static void
on_order_add_more (VtrWindow *self)
{
  gint64 merchant_id = vtr_order_screen_get_merchant (self->order_screen);

  if (merchant_id > 0)
    show_merchant (self, merchant_id);
  else
    go_home (self);
}


/* Counter mode: a shop's device (paired with --merchant). */

static void
set_merchant (VtrWindow *self,
              gint64     merchant_id)
{
  if (self->counter)
    vtr_counter_set_merchant_id (self->counter, merchant_id);
  update_header (self);
}

/* The counter borrows the application's keys: the new list, at once. */
static void
on_keys_changed (VtrWindow *self)
{
  if (self->counter)
    vtr_counter_set_keys (self->counter, vtr_application_get_keys (self->app));
}

static GtkWidget *
counter_screen (VtrWindow *self)
{
  GtkWidget *screen = vtr_counter_screen_new (self->counter);

  /* A picture scanned at the counter where the scan screen offers it. */
  g_object_set (screen, "can-scan-file", !vtr_application_get_kiosk (self->app), NULL);
  return screen;
}


/* The window's actions: what screens and buttons ask for. */

static void
on_show_product (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  gint64 product_id, poster;

  g_variant_get (parameter, "(xx)", &product_id, &poster);
  show_product (data, product_id, poster);
}

static void
on_show_merchant (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       data)
{
  show_merchant (data, g_variant_get_int64 (parameter));
}

static void
on_search (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  VtrWindow *self = data;

  show_screen (self, new_catalog_screen (self, VTR_TYPE_RESULTS_SCREEN,
                                         "query", g_variant_get_string (parameter, NULL), NULL));
}

static void
on_show_service (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  VtrWindow *self = data;

  show_screen (self, new_catalog_screen (self, VTR_TYPE_RESULTS_SCREEN,
                                         "service", g_variant_get_string (parameter, NULL), NULL));
}

static void
on_browse (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  VtrWindow *self = data;

  show_screen (self, vtr_services_screen_new ());
}

static void
on_show_civic (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  VtrWindow *self = data;

  show_screen (self, new_catalog_screen (self, VTR_TYPE_CIVIC_SCREEN, NULL));
}

/* The basket, kept while the shopper looks for more: made when a
 * product is first ordered or the basket opened, not at start (issue 21:
 * the window's first frame waits for nothing the scan screen does not
 * show). */
static VtrOrderScreen *
basket (VtrWindow *self)
{
  GSettings *settings = vtr_application_get_settings (self->app);
  double latitude, longitude;

  if (self->order_screen)
    return self->order_screen;
  get_position (self, &latitude, &longitude);
  self->order_screen = VTR_ORDER_SCREEN (vtr_order_screen_new ());
  if (settings)
    vtr_order_screen_set_keep_days (self->order_screen, g_settings_get_uint (settings, "personal-data-days"));
  g_object_set_data (G_OBJECT (self->order_screen), "vtr-kept", GINT_TO_POINTER (1));
  vtr_order_screen_set_catalog (self->order_screen, vtr_application_get_catalog_service (self->app),
                                &(VtrPosition) { latitude, longitude });
  /* The header's basket button counts what the basket holds. */
  g_signal_connect_object (self->order_screen, "notify::n-items", G_CALLBACK (update_header), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->order_screen, "confirm", G_CALLBACK (on_order_confirm), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->order_screen, "add-more", G_CALLBACK (on_order_add_more), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_child (self->pages, GTK_WIDGET (self->order_screen));
  gtk_widget_set_visible (GTK_WIDGET (self->order_screen), FALSE);
  return self->order_screen;
}

static void
on_order (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       data)
{
  VtrWindow *self = data;
  gint64 product_id, merchant_id;

  /* The basket shows at once; the product joins it when the catalogue
   * answered, or the basket says why it could not. */
  g_variant_get (parameter, "(xx)", &product_id, &merchant_id);
  vtr_order_screen_add (basket (self), product_id, merchant_id);
  show_screen (self, GTK_WIDGET (self->order_screen));
}

static void
on_basket (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  VtrWindow *self = data;

  show_screen (self, GTK_WIDGET (basket (self)));
}

static const char *default_language (VtrWindow *self);

/* The staff's screens are in the kiosk's own language, whatever a visitor
 * chose before: opening the counter or the administration ends the
 * visitor's session, as the idle reset does. A visitor's language lasts
 * until then (Home keeps it: the same visitor searching again). Returns
 * whether the window was built again in the kiosk's language, @action
 * then done there. */
static gboolean
back_to_kiosk_language (VtrWindow  *self,
                        const char *action)
{
  GtkWindow *next;

  if (g_str_equal (self->language, default_language (self)))
    return FALSE;
  next = vtr_application_rebuild_window (self->app, default_language (self));
  g_action_group_activate_action (G_ACTION_GROUP (next), action, NULL);
  return TRUE;
}

static void
open_counter (VtrWindow *self)
{
  vtr_counter_open (self->counter);
  show_screen (self, counter_screen (self));
}

static void
on_show_counter (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  VtrWindow *self = data;

  /* A shop's device only: a street kiosk has no staff. */
  if (self->counter == NULL || vtr_counter_get_merchant_id (self->counter) <= 0)
    return;
  if (back_to_kiosk_language (self, "show-counter"))
    return;
  /* Paired, but its staff PIN never chosen (the app stopped meanwhile):
   * chosen now, before the counter asks for it. */
  ask_first_pin (self, vtr_counter_get_merchant_id (self->counter), open_counter);
}

/* "Scan a picture…" at the counter: the scan screen's reader, whose code
 * comes back here as the camera's do (the counter, shown, takes it). */
static void
on_scan_file (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  VtrWindow *self = data;

  gtk_widget_activate_action (GTK_WIDGET (self->scan_screen), "scan.scan-file", NULL);
}

/* "Ma boutique", from the counter: only inside its staff session. */
static void
on_show_shop (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  VtrWindow *self = data;

  if (self->counter == NULL || vtr_counter_get_session (self->counter) == NULL)
    return;
  show_screen (self, vtr_shop_screen_new (self->counter));
}

static void
ask_admin_pin (VtrWindow *self)
{
  vtr_counter_clear (self->counter);
  vtr_counter_ask_admin_pin (self->counter);
  show_screen (self, counter_screen (self));
}

/* The header's Administration button: the administrator's PIN first, on
 * a keypad that shows nothing of the shop's last session. A kiosk with
 * no administrator's PIN yet (paired without one) has it chosen first. */
static void
on_admin (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       data)
{
  VtrWindow *self = data;

  if (self->counter == NULL)
    return;
  if (back_to_kiosk_language (self, "admin"))
    return;
  ask_first_pin (self, VTR_ADMIN_ID, ask_admin_pin);
}

/* After the administrator's PIN. */
static void
on_show_admin (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  VtrWindow *self = data;
  GtkWidget *screen = vtr_admin_screen_new (vtr_application_get_store (self->app),
                                            catalog_service (self),
                                            vtr_application_get_sync (self->app),
                                            vtr_application_get_printer (self->app),
                                            vtr_application_get_settings (self->app));

  /* Paired or not, as the application knows it (and learns by pairing). */
  g_object_bind_property (self->app, "paired", screen, "paired", G_BINDING_SYNC_CREATE);
  /* The PIN screen is not where Back should lead. */
  go_back (self);
  show_screen (self, screen);
}

static void
on_allow_pairing (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       data)
{
  VtrWindow *self = data;

  VtrCamera *camera = vtr_application_get_camera (self->app);

  self->pairing_allowed_until = g_get_monotonic_time () + PAIRING_WINDOW_USEC;
  go_home (self);
  /* Without a camera running ("No camera" under the message), the code's
   * picture is scanned instead; in kiosk mode only from a USB drive,
   * which the scan screen offers once one is plugged in. */
  if ((camera == NULL || vtr_camera_get_state (camera) != VTR_CAMERA_RUNNING) &&
      !vtr_application_get_kiosk (self->app))
    show_message (self, _("No camera: open a picture of the federation’s pairing code with “Scan a picture…” "
                          "within two minutes"), FALSE);
  else
    show_message (self, _("Show the federation’s pairing code to the camera within two minutes"), FALSE);
}

/* Out of kiosk mode: the window can be closed, and is. */
static void
on_leave_kiosk (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       data)
{
  VtrWindow *self = data;

  g_object_set_data (G_OBJECT (self), "vtr-leaving", GINT_TO_POINTER (1));
  adw_header_bar_set_show_end_title_buttons (self->header, TRUE);
  gtk_window_unfullscreen (GTK_WINDOW (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_back (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       data)
{
  go_back (data);
}

static void
on_go_home (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  go_home (data);
}

static void
on_toast (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       data)
{
  show_message (data, g_variant_get_string (parameter, NULL), FALSE);
}

static void
on_play_tone (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  play_tone (data, g_str_equal (g_variant_get_string (parameter, NULL), "success") ? VTR_TONE_SUCCESS
                                                                                   : VTR_TONE_WARNING);
}

static void
on_scan_text (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  handle_text (data, g_variant_get_string (parameter, NULL));
}

/* French ⇄ English, from the header's button: the window is built again
 * in the other language (the services go on). */
static void
on_toggle_language (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       data)
{
  VtrWindow *self = data;

  vtr_application_rebuild_window (self->app, g_str_equal (self->language, "fr") ? "en" : "fr");
}

/* A PIN changed with the old one: the administrator's (admin screen), or
 * the shop's (at the counter). */
static void
on_change_admin_pin (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  show_pin_screen (data, VTR_PIN_CHANGE, VTR_ADMIN_ID, NULL);
}

static void
on_change_staff_pin (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  VtrWindow *self = data;

  if (self->counter == NULL || vtr_counter_get_merchant_id (self->counter) <= 0)
    return;
  show_pin_screen (self, VTR_PIN_CHANGE, vtr_counter_get_merchant_id (self->counter), NULL);
}

static void
on_sync_soon (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  sync_soon (data);
}

static const GActionEntry win_actions[] = {
  { "show-product", on_show_product, "(xx)" },
  { "show-merchant", on_show_merchant, "x" },
  { "search", on_search, "s" },
  { "show-service", on_show_service, "s" },
  { "browse", on_browse },
  { "show-civic", on_show_civic },
  { "order", on_order, "(xx)" },
  { "basket", on_basket },
  { "show-counter", on_show_counter },
  { "scan-file", on_scan_file },
  { "show-shop", on_show_shop },
  { "admin", on_admin },
  { "show-admin", on_show_admin },
  { "allow-pairing", on_allow_pairing },
  { "change-admin-pin", on_change_admin_pin },
  { "change-staff-pin", on_change_staff_pin },
  { "leave-kiosk", on_leave_kiosk },
  { "back", on_back },
  { "go-home", on_go_home },
  { "toast", on_toast, "s" },
  { "play-tone", on_play_tone, "s" },
  { "scan-text", on_scan_text, "s" },
  { "toggle-language", on_toggle_language },
  { "sync-soon", on_sync_soon },
};


/* Keys: any key is someone there; Escape goes back; a USB barcode
 * scanner's burst of keys is a scan, wherever the kiosk is. */

static void
on_activity (VtrWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
  gtk_widget_set_visible (GTK_WIDGET (self->countdown), FALSE);
}

/* The scanner's keys went where the focus was, one by one, before they
 * could be told from typing: they come out of the field they went into. */
static void
take_back_burst (VtrWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  const char *text;

  if (focus == NULL || !GTK_IS_EDITABLE (focus))
    return;
  text = gtk_editable_get_text (GTK_EDITABLE (focus));
  if (g_str_has_suffix (text, self->burst->str))
    {
      g_autofree char *kept = g_strndup (text, strlen (text) - self->burst->len);

      gtk_editable_set_text (GTK_EDITABLE (focus), kept);
      gtk_editable_set_position (GTK_EDITABLE (focus), -1);
    }
}

static gboolean
on_key_pressed (GtkEventControllerKey *keys,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               data)
{
  VtrWindow *self = data;
  guint32 time = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (keys));
  gunichar ch = gdk_keyval_to_unicode (keyval);

  on_activity (self);
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    {
      gboolean fast = self->burst->len > 0 && vtr_key_pace_note (&self->pace, time) > 1;

      vtr_key_pace_reset (&self->pace);
      if (fast && g_utf8_strlen (self->burst->str, -1) >= VTR_SCANNER_MIN_KEYS)
        {
          g_autofree char *text = g_strdup (self->burst->str);

          take_back_burst (self);
          g_string_truncate (self->burst, 0);
          handle_text (self, text);
          return GDK_EVENT_STOP;
        }
      g_string_truncate (self->burst, 0);
      return GDK_EVENT_PROPAGATE;
    }
  /* Shift for capitals comes between a scanner's keys too. */
  if (keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R)
    return GDK_EVENT_PROPAGATE;
  if (ch >= 0x20 && g_unichar_isprint (ch) && (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0)
    {
      if (vtr_key_pace_note (&self->pace, time) == 1)
        g_string_truncate (self->burst, 0);
      g_string_append_unichar (self->burst, ch);
    }
  else
    {
      vtr_key_pace_reset (&self->pace);
      g_string_truncate (self->burst, 0);
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
on_escape (GtkEventControllerKey *keys,
           guint                  keyval,
           guint                  keycode,
           GdkModifierType        state,
           gpointer               data)
{
  VtrWindow *self = data;

  /* (In the administration's fields, the screen takes Escape first: it
   * drops what was typed there, and stays.) */
  if (keyval != GDK_KEY_Escape || self->history->len < 2)
    return GDK_EVENT_PROPAGATE;
  go_back (self);
  return GDK_EVENT_STOP;
}


/* Freshness, always in the header. */

static void
update_freshness (VtrWindow *self)
{
  g_autofree char *text = vtr_sync_service_describe_freshness (vtr_application_get_sync (self->app));

  gtk_label_set_text (self->freshness, text);
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

static const char *
default_language (VtrWindow *self)
{
  g_autofree char *language = vtr_application_default_language (self->app);

  /* Kept: the idle tick asks four times a second. */
  if (g_strcmp0 (self->default_language, language) != 0)
    {
      g_free (self->default_language);
      self->default_language = g_steal_pointer (&language);
    }
  return self->default_language;
}

/* Idle: back to the start, the basket and who was ordering forgotten,
 * in the kiosk's own language. */
static void
reset (VtrWindow *self)
{
  g_autofree char *language = vtr_application_default_language (self->app);

  if (self->order_screen)
    vtr_order_screen_clear (self->order_screen);
  go_home (self);
  on_message_close (self);
  if (!g_str_equal (self->language, language))
    vtr_application_rebuild_window (self->app, language);
}

static gboolean
on_tick (gpointer data)
{
  VtrWindow *self = data;
  gint64 idle = (g_get_monotonic_time () - self->last_activity) / G_USEC_PER_SEC;
  gint64 left = (gint64) self->idle_seconds - idle;
  guint countdown = MIN (COUNTDOWN_SECONDS, MAX (1, self->idle_seconds / 2));

  /* At the start, nothing of anyone, in the kiosk's own language: nothing
   * to go back to. */
  if (is_closed (self))
    return G_SOURCE_CONTINUE;
  if (gtk_stack_get_visible_child (self->pages) == GTK_WIDGET (self->scan_screen) &&
      (self->order_screen == NULL || vtr_order_screen_count_items (self->order_screen) == 0) &&
      vtr_scan_screen_is_clear (self->scan_screen) && g_str_equal (self->language, default_language (self)))
    {
      give_back_memory (self);
      return G_SOURCE_CONTINUE;
    }
  if (left <= 0)
    reset (self);
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
  g_return_if_fail (VTR_IS_WINDOW (self));

  self->idle_seconds = MAX (1, seconds);
}

guint
vtr_window_get_idle_timeout (VtrWindow *self)
{
  g_return_val_if_fail (VTR_IS_WINDOW (self), 0);

  return self->idle_seconds;
}

static gboolean
on_close_request (GtkWindow *window,
                  gpointer   data)
{
  VtrWindow *self = VTR_WINDOW (window);

  /* A kiosk is not closed by whoever stands in front of it. */
  if (vtr_application_get_kiosk (self->app) && !g_object_get_data (G_OBJECT (self), "vtr-leaving"))
    {
      show_message (self, _("This kiosk stays open: the administrator leaves it with their PIN"), FALSE);
      return TRUE;
    }
  return FALSE;
}


/* Building the window. */

static void
vtr_window_dispose (GObject *object)
{
  VtrWindow *self = VTR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->message_id, g_source_remove);
  if (self->sync_signals)
    g_signal_group_set_target (self->sync_signals, NULL);
  if (self->camera_signals)
    g_signal_group_set_target (self->camera_signals, NULL);
  if (self->history)
    g_ptr_array_set_size (self->history, 0);
  g_clear_object (&self->counter);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_WINDOW);
  G_OBJECT_CLASS (vtr_window_parent_class)->dispose (object);
}

static void
vtr_window_finalize (GObject *object)
{
  VtrWindow *self = VTR_WINDOW (object);

  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_object (&self->sync_signals);
  g_clear_object (&self->camera_signals);
  g_clear_object (&self->cancellable);
  g_string_free (self->burst, TRUE);
  g_free (self->language);
  g_free (self->default_language);
  g_free (self->early_text);
  G_OBJECT_CLASS (vtr_window_parent_class)->finalize (object);
}

/* A short window (a small kiosk's 1024×600): the keypads' and keyboards'
 * keys a little smaller (style.css, window.compact), so that the counter's
 * keypad and its OK stand under the header bar. Only the height decides:
 * the keys are as wide. */
#define COMPACT_HEIGHT 700

static void
vtr_window_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  gboolean compact = height < COMPACT_HEIGHT;

  if (compact && !gtk_widget_has_css_class (widget, "compact"))
    gtk_widget_add_css_class (widget, "compact");
  else if (!compact && gtk_widget_has_css_class (widget, "compact"))
    gtk_widget_remove_css_class (widget, "compact");
  GTK_WIDGET_CLASS (vtr_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
vtr_window_class_init (VtrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_window_dispose;
  object_class->finalize = vtr_window_finalize;
  widget_class->size_allocate = vtr_window_size_allocate;

  g_type_ensure (VTR_TYPE_SCAN_SCREEN);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, header);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, back);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, home);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, basket_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, counter_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, orders_badge);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, language_button);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, freshness);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, countdown);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, message_bar);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, message);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, VtrWindow, scan_screen);
  gtk_widget_class_bind_template_callback (widget_class, on_message_close);
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
load_style (void)
{
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
}

static void
vtr_window_init (VtrWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *escape = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  load_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->idle_seconds = DEFAULT_IDLE_SECONDS;
  self->last_activity = g_get_monotonic_time ();
  self->burst = g_string_new (NULL);
  self->cancellable = g_cancellable_new ();
  self->history = g_ptr_array_new_with_free_func (g_object_unref);
  g_object_set_data (G_OBJECT (self->scan_screen), "vtr-kept", GINT_TO_POINTER (1));
  g_ptr_array_add (self->history, g_object_ref (self->scan_screen));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  g_signal_connect_swapped (self->pages, "notify::transition-running", G_CALLBACK (hide_other_screens), self);

  /* Any touch, key or movement counts as someone there; the keys are
   * looked at before any field takes them (a scanner's burst), and never
   * kept from it. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  /* Escape does what Back does. */
  g_signal_connect (escape, "key-pressed", G_CALLBACK (on_escape), self);
  gtk_widget_add_controller (GTK_WIDGET (self), escape);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (on_activity), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
}

/* The application's journal and keys are open (or the journal failed):
 * the counter on them, what the store repaired said, and what was read
 * meanwhile handled now. */
static void
on_opened (VtrWindow *self)
{
  g_autofree char *notices = NULL;
  g_autofree char *early = g_steal_pointer (&self->early_text);
  VtrStore *store;

  if (!vtr_application_get_opened (self->app) || self->counter)
    return;
  /* The counter: every kiosk has one for its administrator's PIN; a
   * shop's device (paired with --merchant) for its staff too. */
  store = vtr_application_get_store (self->app);
  if (store)
    {
      const VtrHubLink *link = vtr_application_get_link (self->app);

      self->counter = vtr_counter_new (store, vtr_application_get_catalog (self->app),
                                       vtr_application_get_printer (self->app));
      vtr_counter_set_keys (self->counter, vtr_application_get_keys (self->app));
      g_signal_connect_object (self->app, "keys-changed", G_CALLBACK (on_keys_changed), self, G_CONNECT_SWAPPED);
      if (link && link->merchant_id)
        vtr_counter_set_merchant_id (self->counter, link->merchant_id);
      g_signal_connect_object (self->counter, "notify::waiting", G_CALLBACK (on_waiting_changed), self,
                               G_CONNECT_SWAPPED);
      /* What the counter wrote goes up now, not at the next period. */
      g_signal_connect_object (self->counter, "written", G_CALLBACK (sync_soon), self, G_CONNECT_SWAPPED);
    }

  /* What the store had to repair (a damaged journal kept aside, its
   * events copied back): the person in charge must hear of it. */
  notices = vtr_application_get_store_notices (self->app);
  if (notices)
    show_message (self, notices, TRUE);
  else if (store == NULL)
    show_message (self, _("This kiosk’s data cannot be opened: searching and ordering do not work. Call the "
                          "federation."), TRUE);
  update_header (self);
  if (early)
    handle_text (self, early);
}

/**
 * vtr_window_new:
 *
 * The kiosk's window on @app's services, in the language set now.
 */
VtrWindow *
vtr_window_new (VtrApplication *app)
{
  VtrWindow *self;

  g_return_val_if_fail (VTR_IS_APPLICATION (app), NULL);

  /* A test shows the window of an application it does not run. */
  self = g_object_new (VTR_TYPE_WINDOW,
                       "application", g_application_get_is_registered (G_APPLICATION (app)) ? app : NULL,
                       NULL);
  self->app = app;
  self->language = vtr_i18n_get_language ();
  /* Each language named in itself. */
  gtk_button_set_label (self->language_button, g_str_equal (self->language, "fr") ? "English" : "Français");

  /* The camera, the application's. */
  g_object_set (self->scan_screen, "kiosk", vtr_application_get_kiosk (app), NULL);
  self->camera_signals = g_signal_group_new (VTR_TYPE_CAMERA);
  g_signal_group_connect_swapped (self->camera_signals, "codes-found", G_CALLBACK (on_codes_found), self);
  g_signal_connect_object (app, "camera-changed", G_CALLBACK (on_camera_changed), self, G_CONNECT_SWAPPED);
  on_camera_changed (self);


  /* The journal and the keys: opened on a worker thread; the window
   * shows the scan screen meanwhile. */
  g_signal_connect_object (app, "notify::opened", G_CALLBACK (on_opened), self, G_CONNECT_SWAPPED);
  if (vtr_application_get_opened (app))
    on_opened (self);

  self->sync_signals = g_signal_group_new (VTR_TYPE_SYNC_SERVICE);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state", G_CALLBACK (update_freshness), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::last-success", G_CALLBACK (update_freshness), self);
  g_signal_group_connect_swapped (self->sync_signals, "orders-changed", G_CALLBACK (on_synced), self);
  g_signal_group_set_target (self->sync_signals, vtr_application_get_sync (app));
  update_freshness (self);
  self->tick_id = g_timeout_add (250, on_tick, self);
  update_header (self);

  if (vtr_application_get_kiosk (app))
    {
      /* No window buttons: nothing to minimise or close from the screen. */
      adw_header_bar_set_show_end_title_buttons (self->header, FALSE);
      adw_header_bar_set_show_start_title_buttons (self->header, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  return self;
}

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-opening-hours.h"
#include "vtr-orders.h"
#include "vtr-outbox.h"
#include "vtr-print-queue.h"
#include "vtr-qr-image.h"
#include "vtr-test-hub.h"
#include "vtr-test-keys.h"
#include "vtr-test-printer.h"
#include "vtr-trust.h"
#include "vtr-test-util.h"
#include "vtr-keyboard.h"
#include "vtr-window.h"

/*
 * The kiosk app as a shopper uses it, under Xvfb: the camera pointed at
 * images of codes (a real GStreamer pipeline), the demo catalogue, the
 * federation's keys. A flashcode leads to the product and its nearest
 * stockist; a foreign code to the warning card; a kiosk left alone goes
 * back to the start. Every screen is saved as a PNG, in French, landscape
 * and portrait, into VITRINE_SCREENSHOTS (default: screenshots/ in the
 * build folder).
 */

static char *data_dir;
static guint8 secret[VTR_SECRET_KEY_BYTES];
/* No GtkApplication: the test machine has no session bus to register
 * one on, and a window does not need it. */
static GtkApplication *app = NULL;

static gboolean
wait_until (gboolean (*ready) (VtrWindow *), VtrWindow *window, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (!ready (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return ready (window);
}

static gboolean
on_product (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "product");
}

static gboolean
on_warning (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "warning");
}

static gboolean
not_printing (VtrWindow *window)
{
  return !vtr_window_is_printing (window);
}

static gboolean
on_services (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "services");
}

static gboolean
on_scan (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "scan");
}

/* Keys on the on-screen keypad, one by one. */
static void
type_keys (VtrWindow  *window,
           const char *keys)
{
  for (const char *k = keys; *k; k++)
    {
      char key[2] = { *k, 0 };
      vtr_window_counter_press (window, key);
    }
}

/* A code as a shop's poster shows it, in a PNG the camera looks at. */
static char *
code_image (const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_qr_write_file (text, "", path, FALSE, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
product_code (gint64 product,
              gint64 merchant)
{
  VtrFlashcode code = { VTR_CODE_PRODUCT, product, merchant, 0, NULL, NULL, NULL, 0, 1 };

  return vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
}

static void
save_screenshot (VtrWindow  *window,
                 const char *name,
                 int         width,
                 int         height)
{
  const char *folder = g_getenv ("VITRINE_SCREENSHOTS");
  g_autofree char *dir = folder ? g_strdup (folder) : g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, width > height ? "landscape" : "portrait");
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 settle = g_get_monotonic_time () + 400 * 1000;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_set_size_request (GTK_WIDGET (window), width, height);
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  g_mkdir_with_parents (dir, 0755);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  /* Until the window has been drawn at its new size. */
  for (int attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        {
          gint64 wait = g_get_monotonic_time () + 100 * 1000;

          while (g_get_monotonic_time () < wait)
            g_main_context_iteration (NULL, FALSE);
        }
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                                           gdk_texture_get_height (texture));

    gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                          cairo_image_surface_get_stride (surface));
    cairo_surface_mark_dirty (surface);
    g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
  }
}

static void
screenshots (VtrWindow  *window,
             const char *name)
{
  save_screenshot (window, name, 1920, 1080);
  save_screenshot (window, name, 1080, 1920);
  gtk_widget_set_size_request (GTK_WIDGET (window), -1, -1);
}

static VtrWindow *
open_window (const char *camera)
{
  VtrWindow *window = vtr_window_new (app, data_dir, camera, FALSE);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (VtrWindow *window)
{
  vtr_window_stop (window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A poster's flashcode: its product, that shop first, then the nearest. */
static void
test_scan_product (void)
{
  g_autofree char *code = product_code (13, 7);
  g_autofree char *image = code_image ("poster.png", code);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  VtrPosition here = { 43.2951, 5.3744 };
  g_autoptr(GPtrArray) stockists = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 10, 0, &error);
  g_autoptr(VtrMerchant) poster_shop = vtr_catalog_get_merchant (catalog, 7, NULL);
  VtrWindow *window = open_window (image);
  g_autofree char *first = NULL;
  gboolean shop_stocks_it = FALSE;

  g_assert_true (wait_until (on_product, window, 20));
  first = vtr_window_get_first_stockist (window);
  for (guint i = 0; i < stockists->len; i++)
    if (((VtrStockist *) g_ptr_array_index (stockists, i))->place.merchant->id == 7)
      shop_stocks_it = TRUE;
  /* The poster's shop first when it has it, else the nearest stockist. */
  g_assert_cmpstr (first, ==, shop_stocks_it ? poster_shop->name
                                             : ((VtrStockist *) g_ptr_array_index (stockists, 0))->place.merchant->name);
  screenshots (window, "product");
  close_window (window);
}

/* Nearest first, from a search. */
static void
test_search (void)
{
  VtrWindow *window = open_window ("/nonexistent/camera");
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  VtrPosition here = { 43.2951, 5.3744 };
  g_autoptr(VtrProduct) soap = vtr_catalog_find_product (catalog, "savon de marseille", &error);
  g_autoptr(GPtrArray) stockists = vtr_catalog_nearest_stockists (catalog, soap->id, &here, now, 10, 0, &error);
  g_autofree char *first = NULL;

  /* No camera: said plainly, and search still works. */
  wait_until (on_scan, window, 1);
  screenshots (window, "no-camera");
  vtr_window_show_product (window, soap->id, 0);
  first = vtr_window_get_first_stockist (window);
  g_assert_cmpstr (first, ==, ((VtrStockist *) g_ptr_array_index (stockists, 0))->place.merchant->name);
  close_window (window);
}

/* The civic layer, and a picture scanned from a file. */
static void
test_civic_and_file (void)
{
  g_autofree char *code = product_code (13, 0);
  g_autofree char *image = code_image ("picture.png", code);
  VtrWindow *window = open_window ("/nonexistent/camera");

  vtr_window_show_civic (window);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "civic");
  screenshots (window, "civic");
  vtr_window_go_home (window);
  vtr_window_scan_file (window, image);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "product");
  close_window (window);
}

/* The words of the toasts on screen, one per line. */
static void
collect_toasts (GtkWidget *widget,
                GString   *words)
{
  if (g_str_equal (gtk_widget_get_css_name (widget), "toast") && gtk_widget_get_mapped (widget))
    for (GtkWidget *w = gtk_widget_get_first_child (widget); w; w = gtk_widget_get_next_sibling (w))
      {
        GtkWidget *label = GTK_IS_LABEL (w) ? w : gtk_widget_get_first_child (w);

        if (GTK_IS_LABEL (label) && gtk_widget_has_css_class (label, "heading"))
          g_string_append_printf (words, "%s\n", gtk_label_get_text (GTK_LABEL (label)));
      }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_toasts (child, words);
}

static char *
toasts_shown (VtrWindow *window)
{
  GString *words = g_string_new (NULL);
  gint64 settle = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  collect_toasts (GTK_WIDGET (window), words);
  return g_string_free (words, FALSE);
}

/* Messages: one at a time, the newest at once, however many came before
 * (a shopper trying unknown products one after the other reads about the
 * last one, not the first of a queue), in the words given. */
static void
test_messages (void)
{
  g_autofree char *missing = g_build_filename (data_dir, "Fromages & Vins.png", NULL);
  g_autofree char *expected = g_strdup_printf ("%s n’existe pas\n", missing);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  VtrWindow *window = open_window ("/nonexistent/camera");

  for (int i = 0; i < 40; i++)
    vtr_window_handle_text (window, "3760001234565"); /* a valid GTIN no shop has */
  first = toasts_shown (window);
  g_assert_cmpstr (first, ==, "Ce produit n’est pas encore dans les commerces de la fédération\n");
  vtr_window_scan_file (window, missing);
  last = toasts_shown (window);
  g_assert_cmpstr (last, ==, expected);
  close_window (window);
}

static gboolean
card_read (VtrWindow *window)
{
  return strstr (vtr_window_get_counter_card (window), "point") != NULL;
}

/* At the counter: the staff PIN, a card scanned, a purchase credited on
 * the keypad; the balance changes and the journal holds the event. */
static void
test_counter_credit (void)
{
  const char *card = "MARSEILLEMARSEILLEMARSEILL";
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) card, NULL, NULL, 0, 1 };
  g_autofree char *url = vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
  g_autofree char *image = code_image ("card.png", url);
  g_autofree char *journal = g_build_filename (data_dir, "journal.db", NULL);
  g_autoptr(GError) error = NULL;
  VtrWindow *window;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_assert_true (vtr_staff_set_pin (store, 2, "2468", &error));
  }
  window = open_window ("/nonexistent/camera");
  vtr_window_set_merchant (window, 2);
  vtr_window_show_counter (window);

  /* A wrong PIN is refused in words; the right one opens the session. */
  vtr_window_counter_press (window, "1");
  vtr_window_counter_press (window, "OK");
  g_assert_cmpuint (strlen (vtr_window_get_counter_message (window)), >, 5);
  type_keys (window, "2468");
  vtr_window_counter_press (window, "OK");
  vtr_window_scan_file (window, image); /* the card, held up to the camera */
  g_assert_true (wait_until (card_read, window, 5));
  g_assert_nonnull (strstr (vtr_window_get_counter_card (window), ": 0 point"));

  /* 25,00 € on the keypad. */
  type_keys (window, "25,00");
  screenshots (window, "counter");
  vtr_window_counter_press (window, "OK");
  g_assert_true (g_str_has_prefix (vtr_window_get_counter_message (window), "+"));
  g_assert_null (strstr (vtr_window_get_counter_card (window), ": 0 point"));
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    gint64 balance;

    g_assert_true (vtr_loyalty_balance (store, card, &balance, NULL, &error));
    g_assert_cmpint (balance, >, 0);
    g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.loyalty_event WHERE kind = 'credit'"), ==, 1);
  }

  /* The shop's rewards: none affordable yet; after 150 € more, the
   * cheapest is, and giving it takes its points off the card. */
  g_assert_cmpuint (vtr_window_count_rewards (window, FALSE), >=, 1);
  g_assert_cmpuint (vtr_window_count_rewards (window, TRUE), ==, 0);
  type_keys (window, "150");
  vtr_window_counter_press (window, "OK");
  g_assert_cmpuint (vtr_window_count_rewards (window, TRUE), >=, 1);
  screenshots (window, "counter-rewards");
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(GPtrArray) rewards = vtr_loyalty_list_rewards (store, 2, &error);
    VtrReward *cheapest;
    gint64 before, after;

    g_assert_nonnull (rewards);
    cheapest = g_ptr_array_index (rewards, 0);
    g_assert_true (vtr_loyalty_balance (store, card, &before, NULL, &error));
    vtr_window_counter_redeem (window, cheapest->id);
    g_assert_true (g_str_has_prefix (vtr_window_get_counter_message (window), "Récompense"));
    g_assert_true (vtr_loyalty_balance (store, card, &after, NULL, &error));
    g_assert_cmpint (after, ==, before - cheapest->points);
    g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.loyalty_event WHERE kind = 'redeem'"), ==, 1);
  }

  /* The customer's slip for that reward, printed. */
  {
    g_autofree char *pdf = g_build_filename (data_dir, "slip.pdf", NULL);
    g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
    gsize length = 0;
    g_autofree char *bytes = NULL;

    g_setenv ("VITRINE_PRINTER", to, TRUE);
    vtr_window_counter_print_slip (window);
    g_assert_true (wait_until (not_printing, window, 20));
    g_unsetenv ("VITRINE_PRINTER");
    g_assert_true (g_str_has_prefix (vtr_window_get_counter_message (window), "Ticket client imprimé"));
    g_assert_true (g_file_get_contents (pdf, &bytes, &length, NULL));
    g_assert_true (g_str_has_prefix (bytes, "%PDF"));
  }
  /* Going home ends the staff session: the next person sees nothing. */
  vtr_window_go_home (window);
  vtr_window_show_counter (window);
  g_assert_cmpstr (vtr_window_get_counter_card (window), ==, "");
  close_window (window);
}

/* Typing on the on-screen keyboard, key by key (UTF-8 characters). */
static void
type_on_screen (VtrKeyboard *keyboard,
                const char  *text)
{
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      char key[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (c), key);
      vtr_keyboard_press (keyboard, key);
    }
}

/* An order: a basket of two products from one shop, the name and phone
 * typed on the screen's keyboard, collected from a parcel locker; placed
 * in the journal, its ticket printed. With the printer unreachable, the
 * screen shows the pickup code instead. */
static void
test_order (void)
{
  g_autofree char *pdf = g_build_filename (data_dir, "ticket.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  VtrWindow *window = open_window ("/nonexistent/camera");
  VtrOrderPage *page = vtr_window_get_order_page (window);
  VtrKeyboard *keyboard = vtr_order_page_get_keyboard (page);
  g_autoptr(GError) error = NULL;
  gint64 other, elsewhere, locker;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);

    other = vtr_test_count (store, "SELECT min (product_id) FROM stock WHERE merchant_id = 9 AND product_id != 13 "
                                   "AND availability > 0");
    elsewhere = vtr_test_count (store, "SELECT min (merchant_id) FROM stock WHERE product_id = 13 "
                                       "AND merchant_id != 9 AND availability > 0");
  }
  g_assert_cmpint (other, >, 0);
  g_assert_cmpint (elsewhere, >, 0);

  g_setenv ("VITRINE_PRINTER", to, TRUE);
  vtr_window_show_product (window, 13, 0);
  vtr_window_start_order (window, 13, 9);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "order");
  vtr_order_page_set_quantity (page, 0, 2);
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 2);

  /* One more product from the same shop: the basket grows. */
  vtr_window_start_order (window, other, 9);
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 3);

  /* Name and phone on the screen's keyboard: capitals where a name
   * starts, accents, erasing. */
  vtr_keyboard_target (keyboard, vtr_order_page_get_name (page));
  type_on_screen (keyboard, "marie-inèsx");
  vtr_keyboard_press (keyboard, "⌫");
  g_assert_cmpstr (gtk_editable_get_text (vtr_order_page_get_name (page)), ==, "Marie-Inès");
  vtr_keyboard_target (keyboard, vtr_order_page_get_phone (page));
  type_on_screen (keyboard, "0612345678");
  g_assert_cmpstr (gtk_editable_get_text (vtr_order_page_get_phone (page)), ==, "0612345678");

  /* Collected from the nearest parcel locker. */
  g_assert_cmpuint (vtr_order_page_count_lockers (page), >=, 1);
  vtr_order_page_choose_pickup (page, 1);
  vtr_keyboard_target (keyboard, vtr_order_page_get_name (page));
  screenshots (window, "order");
  vtr_window_confirm_order (window);
  g_assert_true (wait_until (not_printing, window, 20));
  g_assert_cmpstr (vtr_window_get_page (window), ==, "order-done");
  g_assert_true (g_str_has_prefix (vtr_window_get_order_number (window), "KX-"));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 0);
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrOrder) order = vtr_order_get (store, vtr_window_get_order_number (window), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (order->lines->len, ==, 2);
    g_assert_cmpint (g_array_index (order->lines, VtrOrderLine, 0).quantity, ==, 2);
    g_assert_cmpint (order->locker_id, >, 0);
    g_assert_cmpstr (order->first_name, ==, "Marie-Inès");
    locker = order->locker_id;
  }
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autofree char *sql = g_strdup_printf ("SELECT kind FROM collection_point WHERE id = %" G_GINT64_FORMAT, locker);

    g_assert_cmpint (vtr_test_count (store, sql), ==, VTR_COLLECTION_PARCEL_LOCKER);
  }

  /* A product from another shop starts a new basket, and says so. */
  vtr_window_start_order (window, 13, 9);
  vtr_window_start_order (window, 13, elsewhere);
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 1);
  g_assert_cmpint (vtr_order_page_get_merchant (page), ==, elsewhere);

  /* A wrong phone: the order is refused in words, the basket kept. */
  vtr_order_page_fill (page, "Inès", "12");
  vtr_window_confirm_order (window);
  g_assert_true (wait_until (not_printing, window, 20));
  g_assert_cmpstr (vtr_window_get_page (window), ==, "order");
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 1);

  /* The printer is gone: the order still stands, the screen is the ticket. */
  g_setenv ("VITRINE_PRINTER", "tcp:127.0.0.1:1", TRUE);
  vtr_order_page_fill (page, "Inès", "0612345678");
  vtr_window_confirm_order (window);
  g_assert_true (wait_until (not_printing, window, 20));
  g_assert_cmpstr (vtr_window_get_page (window), ==, "order-done");
  g_assert_nonnull (strstr (vtr_window_get_order_words (window), "ne répond pas"));
  screenshots (window, "order-show-screen");
  g_unsetenv ("VITRINE_PRINTER");
  close_window (window);
}

static GtkWidget *
find_css_class (GtkWidget  *widget,
                const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_css_class (child, css_class);

      if (found)
        return found;
    }
  return NULL;
}

static int
natural_size (GtkWidget      *widget,
              GtkOrientation  orientation)
{
  int minimum, natural;

  gtk_widget_measure (widget, orientation, -1, &minimum, &natural, NULL, NULL);
  return orientation == GTK_ORIENTATION_HORIZONTAL ? minimum : natural;
}

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The desktop's large-text setting makes the kiosk's type larger; its
 * high-contrast setting outlines every key. */
static void
test_large_text_and_contrast (void)
{
  VtrWindow *window = open_window ("/nonexistent/camera");
  GtkWidget *key = find_css_class (GTK_WIDGET (vtr_order_page_get_keyboard (vtr_window_get_order_page (window))),
                                   "keyboard-key");
  g_autoptr(GSettings) a11y = g_settings_new ("org.gnome.desktop.a11y.interface");
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *title = find_css_class (GTK_WIDGET (window), "title-1");
  int dpi, before, after;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  settle ();
  before = natural_size (title, GTK_ORIENTATION_VERTICAL);
  g_object_set (settings, "gtk-xft-dpi", dpi * 3 / 2, NULL);
  settle ();
  after = natural_size (title, GTK_ORIENTATION_VERTICAL);
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  g_test_message ("title height %d → %d at 150 %% text", before, after);
  g_assert_cmpint (after * 10, >, before * 12);

  g_assert_nonnull (key);
  /* On the screen that shows the keyboard. */
  vtr_window_start_order (window, 13, 9);
  settle ();
  before = natural_size (key, GTK_ORIENTATION_HORIZONTAL);
  g_settings_set_boolean (a11y, "high-contrast", TRUE);
  settle ();
  g_assert_true (adw_style_manager_get_high_contrast (adw_style_manager_get_default ()));
  /* The style is worked out again on the next frames. */
  for (guint i = 0; i < 25 * vtr_test_slow () && natural_size (key, GTK_ORIENTATION_HORIZONTAL) == before; i++)
    settle ();
  after = natural_size (key, GTK_ORIENTATION_HORIZONTAL);
  g_test_message ("key width %d → %d in high contrast", before, after);
  g_assert_cmpint (after, >=, before + 4);
  g_settings_set_boolean (a11y, "high-contrast", FALSE);
  settle ();
  close_window (window);
}


/* The administrator's settings: where the kiosk stands sorts the shops;
 * a camera chosen opens at once; the ticket printer chosen is where
 * tickets go, and tickets that waited for it print when it is back. */
static void
test_admin_settings (void)
{
  g_autofree char *code = product_code (13, 0);
  g_autofree char *poster = code_image ("admin-poster.png", code);
  g_autofree char *pdf = g_build_filename (data_dir, "admin-ticket.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GSettings) settings = g_settings_new ("fr.vitrine.Vitrine");
  g_autoptr(GError) error = NULL;
  g_autofree char *near_port = NULL;
  g_autofree char *near_aix = NULL;
  VtrTestPrinter *printer = vtr_test_printer_new ();
  g_autofree char *tcp = g_strdup_printf ("tcp:127.0.0.1:%u", vtr_test_printer_get_port (printer));
  VtrWindow *window = open_window ("/nonexistent/camera");
  VtrOrderPage *page = vtr_window_get_order_page (window);

  g_unsetenv ("VITRINE_PRINTER");

  /* The position: from the Vieux-Port, then from Aix. */
  vtr_window_show_product (window, 13, 0);
  near_port = vtr_window_get_first_stockist (window);
  g_assert_false (vtr_window_set_position (window, "north of the harbour", &error));
  g_assert_nonnull (strstr (error->message, "latitude"));
  g_clear_error (&error);
  g_assert_true (vtr_window_set_position (window, "43.5297, 5.4474", &error));
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "kiosk-latitude"), 43.5297, 1e-6);
  vtr_window_show_product (window, 13, 0);
  near_aix = vtr_window_get_first_stockist (window);
  g_test_message ("nearest stockist: %s from the Vieux-Port, %s from Aix", near_port, near_aix);
  g_assert_cmpstr (near_port, !=, near_aix);
  g_assert_true (vtr_window_set_position (window, "43.2951 5.3744", &error));

  /* The camera: none, then the poster in front of the one chosen. */
  vtr_window_go_home (window);
  vtr_window_set_camera (window, poster);
  g_assert_true (wait_until (on_product, window, 10));
  {
    g_autofree char *kept = g_settings_get_string (settings, "camera-source");

    g_assert_cmpstr (kept, ==, poster);
  }
  vtr_window_set_camera (window, "");
  g_settings_reset (settings, "camera-source");

  /* The printer: a target that means nothing is refused in words. */
  g_assert_false (vtr_window_set_printer (window, "lpt1", &error));
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_clear_error (&error);
  g_assert_true (vtr_window_set_printer (window, to, &error));
  vtr_window_start_order (window, 13, 9);
  vtr_order_page_fill (page, "Zoé", "0612345678");
  vtr_window_confirm_order (window);
  g_assert_true (wait_until (not_printing, window, 20));
  g_test_message ("%s: %s", vtr_window_get_page (window), vtr_order_page_get_message (page));
  g_assert_nonnull (strstr (vtr_window_get_order_words (window), "ticket"));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));

  /* A USB ticket printer plugged in: found, chosen from the list, and
   * the next ticket is ESC/POS bytes sent to it. */
  {
    g_autofree char *usb = g_build_filename (data_dir, "usb", NULL);
    g_autofree char *lp0 = g_build_filename (usb, "lp0", NULL);
    g_autofree char *target = NULL;
    g_autofree char *bytes = NULL;
    gsize length = 0;

    g_mkdir_with_parents (usb, 0755);
    g_assert_true (g_file_set_contents (lp0, "", 0, NULL));
    g_setenv ("VITRINE_USB_DIR", usb, TRUE);
    g_assert_cmpuint (vtr_window_choose_printer (window, 0), >=, 1);
    target = vtr_print_default_target ();
    g_assert_cmpstr (target + strlen ("dev:"), ==, lp0);
    vtr_window_start_order (window, 13, 9);
    vtr_order_page_fill (page, "Zoé", "0612345678");
    vtr_window_confirm_order (window);
    g_assert_true (wait_until (not_printing, window, 20));
    g_assert_true (g_file_get_contents (lp0, &bytes, &length, NULL));
    g_assert_cmpuint (length, >, 100);
    g_assert_true (bytes[0] == 0x1b && bytes[1] == '@');          /* ESC @: initialise */
    {
      gboolean cut = FALSE;

      for (gsize i = 0; i + 1 < length; i++)
        cut |= bytes[i] == 0x1d && bytes[i + 1] == 'V';           /* GS V: cut */
      g_assert_true (cut);
    }
    g_unsetenv ("VITRINE_USB_DIR");
  }

  /* A network printer out of paper: the ticket waits; paper in, it
   * prints without anyone asking. */
  g_assert_true (vtr_window_set_printer (window, tcp, &error));
  vtr_test_printer_set_mode (printer, VTR_PRINTER_PAPER_OUT);
  vtr_window_start_order (window, 13, 9);
  vtr_order_page_fill (page, "Zoé", "0612345678");
  vtr_window_confirm_order (window);
  g_assert_true (wait_until (not_printing, window, 20));
  g_assert_nonnull (strstr (vtr_window_get_order_words (window), "papier"));
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);

    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
  }
  vtr_window_show_admin (window);
  type_keys (window, "13579");
  vtr_window_counter_press (window, "OK");
  g_assert_cmpstr (vtr_window_get_page (window), ==, "admin");
  g_assert_true (wait_until (not_printing, window, 20));
  screenshots (window, "admin-settings");
  vtr_test_printer_set_mode (printer, VTR_PRINTER_READY);
  vtr_window_retry_printing (window);
  g_assert_true (wait_until (not_printing, window, 20));
  {
    g_autoptr(GPtrArray) jobs = vtr_test_printer_jobs (printer);
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);

    g_assert_cmpuint (jobs->len, ==, 1);
    g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.print_job WHERE printed = 0"), ==, 0);
  }
  g_assert_true (vtr_window_set_printer (window, "", &error));
  close_window (window);
  vtr_test_printer_free (printer);
}

/* A visitor switches the kiosk to English; left alone, it comes back in
 * French. */
static void
test_language (void)
{
  VtrWindow *window = open_window ("/nonexistent/camera");
  GtkWidget *title;
  GList *toplevels;

  window = vtr_window_switch_language (window, "en");
  title = find_css_class (GTK_WIDGET (window), "title-1");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, "Scan a product, an ad or a poster");
  screenshots (window, "scan-english");
  vtr_window_show_product (window, 13, 0);
  vtr_window_set_idle_timeout (window, 1);
  window = NULL;
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (window == NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, TRUE);
        toplevels = gtk_window_list_toplevels ();
        for (GList *l = toplevels; l; l = l->next)
          if (VTR_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
            {
              title = find_css_class (GTK_WIDGET (l->data), "title-1");
              if (g_str_equal (gtk_label_get_text (GTK_LABEL (title)), "Scannez un produit, une annonce ou une affiche"))
                window = l->data;
            }
        g_list_free (toplevels);
      }
  }
  g_assert_nonnull (window);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "scan");

  /* The windows replaced are gone, not kept alive by anything. */
  {
    VtrWindow *replaced = window;

    g_object_add_weak_pointer (G_OBJECT (replaced), (gpointer *) &replaced);
    window = vtr_window_switch_language (window, "en");
    settle ();
    g_assert_null (replaced);
    window = vtr_window_switch_language (window, "fr");
  }
  close_window (window);
}

/* A code read: a short bright tone (1,320 Hz), heard through the sink. */
static void
test_sound (void)
{
  g_autofree char *wav = g_build_filename (data_dir, "tone.wav", NULL);
  g_autofree char *sink = g_strdup_printf ("wavenc ! filesink location=\"%s\"", wav);
  g_autofree char *code = product_code (13, 0);
  g_autofree char *poster = code_image ("tone-poster.png", code);
  g_autofree char *data = NULL;
  gsize length = 0;
  guint crossings = 0;
  VtrWindow *window;
  gint64 deadline;

  g_setenv ("VITRINE_AUDIO_SINK", sink, TRUE);
  window = open_window (poster);
  g_unsetenv ("VITRINE_AUDIO_SINK");
  g_assert_true (wait_until (on_product, window, 10));
  g_assert_cmpuint (vtr_window_count_tones (window), >=, 1);
  /* 0.1 s of 16-bit mono at 44.1 kHz after the 44-byte header. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((!g_file_get_contents (wav, &data, &length, NULL) || length < 44 + 8000) &&
         g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&data, g_free);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (length, >=, 44 + 8000);
  for (gsize i = 44 + 2; i + 1 < 44 + 8000; i += 2)
    {
      gint16 before = (gint16) GUINT16_FROM_LE (*(guint16 *) (data + i - 2));
      gint16 now = (gint16) GUINT16_FROM_LE (*(guint16 *) (data + i));

      crossings += (before < 0) != (now < 0);
    }
  /* 4,000 samples of 1,320 Hz: 120 periods, 240 sign changes. */
  g_test_message ("%u sign changes in 4,000 samples", crossings);
  g_assert_cmpuint (crossings, >, 200);
  g_assert_cmpuint (crossings, <, 280);
  close_window (window);
}

/* A picture of one colour, as a camera in the dark or facing a
 * reflection sees. */
static char *
plain_image (const char *name,
             double      grey)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 480);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_steal_pointer (&path);
}

static const char *wanted_hint;

static gboolean
hint_says (VtrWindow *window)
{
  return strstr (vtr_window_get_hint (window), wanted_hint) != NULL;
}

/* Nothing read: the scan screen says why it may be, in words. */
static void
test_hints (void)
{
  g_autofree char *dark = plain_image ("dark.png", 0.05);
  g_autofree char *glare = plain_image ("glare.png", 1.0);
  g_autofree char *grey = plain_image ("grey.png", 0.5);
  VtrWindow *window = open_window (dark);

  wanted_hint = "sombre";
  g_assert_true (wait_until (hint_says, window, 10));
  vtr_window_set_camera (window, glare);
  wanted_hint = "reflet";
  g_assert_true (wait_until (hint_says, window, 10));
  screenshots (window, "scan-glare");
  vtr_window_set_camera (window, grey);
  wanted_hint = "rapprochez";
  g_assert_true (wait_until (hint_says, window, 15));
  {
    g_autoptr(GSettings) settings = g_settings_new ("fr.vitrine.Vitrine");

    g_settings_reset (settings, "camera-source");
  }
  close_window (window);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* Searching lists products and shops to choose from; browsing by trade
 * lists the nearest shops of that trade; a shop's page says what it
 * collects. */
static void
test_search_and_browse (void)
{
  VtrWindow *window = open_window ("/nonexistent/camera");
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  VtrPosition here = { 43.2951, 5.3744 };
  g_autoptr(GPtrArray) bakeries = vtr_catalog_near_service (catalog, "boulangerie", &here, now, 12, &error);
  gint64 host = vtr_test_count (store, "SELECT min (merchant_id) FROM collection_point WHERE merchant_id > 0");
  g_autofree char *sql = g_strdup_printf ("SELECT min (id) FROM collection_point WHERE merchant_id = %" G_GINT64_FORMAT,
                                          host);
  g_autoptr(VtrCollectionPoint) point = vtr_catalog_get_collection_point (catalog, vtr_test_count (store, sql), &error);
  const char *nearest;
  guint n;

  vtr_window_search (window, "savon");
  g_assert_cmpstr (vtr_window_get_page (window), ==, "results");
  n = vtr_window_count_results (window);
  g_assert_cmpuint (n, >=, 2);
  screenshots (window, "search-results");
  vtr_window_activate_result (window, n - 1);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "merchant");

  g_assert_nonnull (bakeries);
  g_assert_cmpuint (bakeries->len, >=, 1);
  nearest = ((VtrPlace *) g_ptr_array_index (bakeries, 0))->merchant->name;
  vtr_window_go_home (window);
  g_signal_emit_by_name (find_css_class (GTK_WIDGET (window), "browse"), "clicked");
  g_assert_cmpstr (vtr_window_get_page (window), ==, "services");
  screenshots (window, "services");
  vtr_window_show_service (window, "boulangerie");
  g_assert_cmpuint (vtr_window_count_results (window), ==, bakeries->len);
  settle ();
  g_assert_true (shows_text (GTK_WIDGET (window), nearest));
  vtr_window_activate_result (window, 0);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "merchant");
  settle ();
  g_assert_true (shows_text (GTK_WIDGET (window), nearest));

  /* A shop that takes clothes, cardboard, oil or parcels says so. */
  g_assert_cmpint (host, >, 0);
  g_assert_nonnull (point);
  vtr_window_show_merchant (window, host);
  settle ();
  g_assert_true (shows_text (GTK_WIDGET (window), point->name));
  close_window (window);
}

/* What a screen reader would say a control is called: its accessible
 * label, what labels it, or the text it shows. */
static gboolean
has_name (GtkWidget *widget)
{
  GtkWidget *child;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) &&
      *gtk_button_get_label (GTK_BUTTON (widget)))
    return TRUE;
  child = GTK_IS_BUTTON (widget) ? gtk_button_get_child (GTK_BUTTON (widget)) : NULL;
  if (child && GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)))
    return TRUE;
  /* Inside a row, the row's title names it (libadwaita labels it). */
  for (GtkWidget *up = widget; up; up = gtk_widget_get_parent (up))
    if (ADW_IS_PREFERENCES_ROW (up))
      return *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (up)) != '\0';
  return FALSE;
}

/* Every control a person can reach on the screen shown has a name. */
static void
check_names (GtkWidget  *widget,
             const char *page,
             guint      *checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_BUTTON (widget) || GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) ||
      GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DRAWING_AREA (widget) ||
      GTK_IS_PICTURE (widget) || GTK_IS_LIST_BOX (widget))
    {
      if (!has_name (widget))
        g_error ("%s: a %s (%s) without a name, in a %s in a %s", page, G_OBJECT_TYPE_NAME (widget),
                 GTK_IS_BUTTON (widget) ? gtk_button_get_icon_name (GTK_BUTTON (widget)) : "",
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (gtk_widget_get_parent (widget))));
      (*checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_names (child, page, checked);
}

/* The focus chain from where it is: the widgets Tab reaches, in order. */
static GPtrArray *
tab_through (VtrWindow *window)
{
  GPtrArray *reached = g_ptr_array_new ();

  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  for (int i = 0; i < 80; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        break;
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      if (focus == NULL || (reached->len && g_ptr_array_index (reached, 0) == focus))
        break;
      g_ptr_array_add (reached, focus);
    }
  return reached;
}

static gboolean
reached_within (GPtrArray *reached,
                GtkWidget *target)
{
  for (guint i = 0; i < reached->len; i++)
    for (GtkWidget *w = g_ptr_array_index (reached, i); w; w = gtk_widget_get_parent (w))
      if (w == target)
        return TRUE;
  return FALSE;
}

/* A key pressed on a physical keyboard, as @widget's key controllers
 * hear it. */
static void
send_key (GtkWidget *widget,
          guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
}

/* Keyboard only and with a screen reader: every control of every screen
 * has a name; Tab reaches the scan screen's search and buttons, and an
 * order's entries and its confirmation, and the keys act on them. */
static void
test_keyboard_and_names (void)
{
  g_autoptr(GError) error = NULL;
  VtrWindow *window = open_window ("/nonexistent/camera");
  VtrOrderPage *page = vtr_window_get_order_page (window);
  g_autoptr(GPtrArray) reached = NULL;
  guint checked = 0;
  GtkWidget *target;

  settle ();
  check_names (GTK_WIDGET (window), "scan", &checked);
  reached = tab_through (window);
  g_test_message ("scan screen: %u controls named, Tab reaches %u", checked, reached->len);
  g_assert_true (reached_within (reached, find_css_class (GTK_WIDGET (window), "kiosk-search")));
  g_assert_true (reached_within (reached, find_css_class (GTK_WIDGET (window), "browse")));
  g_clear_pointer (&reached, g_ptr_array_unref);

  /* The browse button, focused and activated as Enter does. */
  target = find_css_class (GTK_WIDGET (window), "browse");
  gtk_widget_grab_focus (target);
  gtk_widget_activate (gtk_window_get_focus (GTK_WINDOW (window)));
  /* A button shows itself pressed for a moment, then acts. */
  g_assert_true (wait_until (on_services, window, 2));
  settle ();
  check_names (GTK_WIDGET (window), "services", &checked);

  vtr_window_show_product (window, 13, 0);
  settle ();
  check_names (GTK_WIDGET (window), "product", &checked);
  vtr_window_search (window, "savon");
  settle ();
  check_names (GTK_WIDGET (window), "results", &checked);
  vtr_window_show_civic (window);
  settle ();
  check_names (GTK_WIDGET (window), "civic", &checked);
  vtr_window_show_merchant (window, 9);
  settle ();
  check_names (GTK_WIDGET (window), "merchant", &checked);
  vtr_window_show_admin (window);
  settle ();
  check_names (GTK_WIDGET (window), "admin PIN", &checked);

  vtr_window_start_order (window, 13, 9);
  settle ();
  check_names (GTK_WIDGET (window), "order", &checked);
  reached = tab_through (window);
  g_assert_true (reached_within (reached, GTK_WIDGET (vtr_order_page_get_name (page))));
  g_assert_true (reached_within (reached, GTK_WIDGET (vtr_order_page_get_phone (page))));
  g_assert_true (reached_within (reached, find_css_class (GTK_WIDGET (page), "suggested-action")));
  /* The on-screen keys stay out of the way: Tab goes to what matters. */
  g_assert_false (reached_within (reached, find_css_class (GTK_WIDGET (page), "keyboard-key")));
  g_test_message ("%u controls named in all; the order screen's Tab chain has %u stops", checked, reached->len);

  /* At the counter, the PIN typed on a keyboard; Escape goes back. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);

    g_assert_true (vtr_staff_set_pin (store, 2, "2468", &error));
  }
  vtr_window_set_merchant (window, 2);
  vtr_window_show_counter (window);
  for (const char *k = "2468"; *k; k++)
    send_key (find_css_class (GTK_WIDGET (window), "counter"), GDK_KEY_0 + (*k - '0'));
  send_key (find_css_class (GTK_WIDGET (window), "counter"), GDK_KEY_Return);
  g_assert_cmpstr (vtr_window_get_counter_message (window), ==, "");
  g_assert_cmpuint (strlen (vtr_window_get_counter_card (window)), >, 5);
  send_key (GTK_WIDGET (window), GDK_KEY_Escape);
  g_assert_cmpstr (vtr_window_get_page (window), ==, "scan");
  g_assert_cmpuint (checked, >, 60);
  close_window (window);
}

static gboolean
paired (VtrWindow *window)
{
  return vtr_window_is_paired (window);
}

/* Setting a kiosk up: scan the pairing code the federation printed. */
static void
test_pairing (void)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *image = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) device = { 0 };
  VtrTestHub *hub;
  VtrWindow *window;

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  vtr_test_run (&device, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Kiosque de la Canebière", NULL);
  g_assert_cmpint (device.status, ==, 0);
  code = g_strdup (strrchr (g_strstrip (device.out), '\n') + 1);
  image = code_image ("pairing.png", code);
  hub = vtr_test_hub_start (hub_dir, 0);
  g_setenv ("VITRINE_HUB_URL", hub->url, TRUE);

  window = vtr_window_new (NULL, kiosk_dir, "/nonexistent/camera", FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (vtr_window_is_paired (window));
  vtr_window_scan_file (window, image);
  g_assert_true (wait_until (paired, window, 20));
  close_window (window);

  g_unsetenv ("VITRINE_HUB_URL");
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
}

static gboolean on_admin (VtrWindow *window);

/* A kiosk that was used (an administrator's PIN, a credit waiting to be
 * sent, but no pairing left: its journal was lost and partly recovered)
 * does not pair from a code shown to its camera: someone could take it
 * over with a code of their own. The administrator allows it with their
 * PIN, and then the same code pairs it. */
static void
test_pairing_needs_admin (void)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autofree char *image = NULL;
  g_autofree char *words = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) device = { 0 };
  VtrTestHub *hub;
  VtrWindow *window;
  gint64 wait;

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  vtr_test_run (&device, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Borne de la Plaine", NULL);
  g_assert_cmpint (device.status, ==, 0);
  code = g_strdup (strrchr (g_strstrip (device.out), '\n') + 1);
  image = code_image ("pairing-again.png", code);
  hub = vtr_test_hub_start (hub_dir, 0);
  g_setenv ("VITRINE_HUB_URL", hub->url, TRUE);
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
    g_assert_true (vtr_outbox_append (store, "5d0f3c1e-4b7a-4c2e-9a61-0c8e2f1d7b35", "credit",
                                      "{\"kind\": \"credit\"}", 1795740429, &error));
  }

  window = vtr_window_new (NULL, kiosk_dir, "/nonexistent/camera", FALSE);
  gtk_window_present (GTK_WINDOW (window));
  vtr_window_scan_file (window, image);
  words = toasts_shown (window);
  g_assert_nonnull (strstr (words, "PIN"));
  /* Given time, it still has not paired. */
  wait = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < wait)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (vtr_window_is_paired (window));

  /* A wrong PIN opens nothing. */
  vtr_window_show_admin (window);
  type_keys (window, "2468");
  vtr_window_counter_press (window, "OK");
  g_assert_false (on_admin (window));
  type_keys (window, "13579");
  vtr_window_counter_press (window, "OK");
  g_assert_true (on_admin (window));
  g_signal_emit_by_name (find_css_class (GTK_WIDGET (window), "pair-button"), "clicked");
  g_assert_true (on_scan (window));
  vtr_window_scan_file (window, image);
  g_assert_true (wait_until (paired, window, 20));
  close_window (window);

  g_unsetenv ("VITRINE_HUB_URL");
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
}

/* A journal found damaged at start: the store keeps it aside and copies
 * what it can into a new one; the app says so on screen, with the name
 * of the file kept, until someone dismisses it. */
static void
test_store_notice (void)
{
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *journal = g_build_filename (kiosk_dir, "journal.db", NULL);
  g_autofree char *words = NULL;
  g_autoptr(GError) error = NULL;
  GString *garbage = g_string_new (NULL);
  VtrWindow *window;

  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_assert_no_error (error);
  }
  for (int i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) (i * 7919 % 251));
  g_assert_true (g_file_set_contents (journal, garbage->str, garbage->len, NULL));
  g_string_free (garbage, TRUE);

  window = vtr_window_new (NULL, kiosk_dir, "/nonexistent/camera", FALSE);
  gtk_window_present (GTK_WINDOW (window));
  words = toasts_shown (window);
  g_assert_nonnull (strstr (words, "journal.db.damaged-"));
  close_window (window);
  vtr_test_remove_tree (kiosk_dir);
}

static gboolean
on_merchant (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "merchant");
}

/* A shop's flashcode, on its door: the shop's page. */
static void
test_merchant_code (void)
{
  VtrFlashcode code = { VTR_CODE_MERCHANT, 0, 2, 0, NULL, NULL, NULL, 0, 1 };
  g_autofree char *url = vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
  g_autofree char *image = code_image ("door.png", url);
  VtrWindow *window = open_window (image);

  g_assert_true (wait_until (on_merchant, window, 20));
  screenshots (window, "merchant");
  close_window (window);
}

static gboolean
on_admin (VtrWindow *window)
{
  return g_str_equal (vtr_window_get_page (window), "admin");
}

/* A kiosk: nobody closes it from the screen; the administrator's PIN opens
 * the admin screen, which leaves kiosk mode. */
static void
test_kiosk_admin (void)
{
  g_autoptr(GError) error = NULL;
  VtrWindow *window;
  gint64 settle;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
  }
  window = vtr_window_new (app, data_dir, "/nonexistent/camera", TRUE);
  gtk_window_present (GTK_WINDOW (window));
  g_object_ref (window);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  vtr_window_show_admin (window);
  vtr_window_counter_press (window, "1");
  vtr_window_counter_press (window, "OK");
  g_assert_false (on_admin (window));
  type_keys (window, "13579");
  vtr_window_counter_press (window, "OK");
  g_assert_true (on_admin (window));
  screenshots (window, "admin");

  vtr_window_stop (window);
  vtr_window_leave_kiosk (window);
  settle = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_object_unref (window);
}

/* At the counter, the shop's orders; the customer's pickup code, scanned,
 * hands the order over. */
static void
test_counter_handover (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrOrder) order = NULL;
  g_autofree char *image = NULL;
  VtrOrderLine line = { 13, 1, 0 };
  VtrWindow *window;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autofree char *session = NULL;

    g_assert_true (vtr_staff_set_pin (store, 17, "8642", &error));
    order = vtr_order_create (store, 17, &line, 1, 0, "Malik", "0611223344", now, &error);
    g_assert_no_error (error);
    session = vtr_staff_login (store, 17, "8642", now, &error);
    g_assert_true (vtr_order_advance (store, session, order->number, VTR_ORDER_ACCEPTED, now, &error));
    g_assert_true (vtr_order_advance (store, session, order->number, VTR_ORDER_READY, now, &error));
  }
  image = code_image ("pickup.png", order->pickup_code);
  window = open_window ("/nonexistent/camera");
  vtr_window_set_merchant (window, 17);
  vtr_window_show_counter (window);
  type_keys (window, "8642");
  vtr_window_counter_press (window, "OK");
  g_assert_cmpuint (vtr_window_count_shop_orders (window), >=, 1);
  vtr_window_scan_file (window, image);
  g_assert_nonnull (strstr (vtr_window_get_counter_message (window), order->number));
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal.orders WHERE number = '%s' "
                                            "AND state = 'collected'", order->number);

    g_assert_cmpint (vtr_test_count (store, sql), ==, 1);
  }
  close_window (window);
}

/* A new customer at the counter: a card from the blank stock, printed. */
static void
test_counter_enrol (void)
{
  g_autofree char *pdf = g_build_filename (data_dir, "card.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  VtrFlashcode blank = { VTR_CODE_CARD, 0, 0, 0, (char *) "NEWCARDNEWCARDNEWCARDNEWCA", NULL, NULL, 0, 1 };
  g_autofree char *code = vtr_flashcode_sign (&blank, "vtr13.fr", secret, NULL);
  VtrWindow *window;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrKeyList) keys = vtr_trust_load (store, &error);
    const char *codes[] = { code, NULL };

    g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_CARD, codes, keys, now, &error), ==, 1);
    g_assert_true (vtr_staff_set_pin (store, 25, "97531", &error));
  }
  g_setenv ("VITRINE_PRINTER", to, TRUE);
  window = open_window ("/nonexistent/camera");
  vtr_window_set_merchant (window, 25);
  vtr_window_show_counter (window);
  type_keys (window, "97531");
  vtr_window_counter_press (window, "OK");
  /* The new customer's mobile on the keypad: a wrong one is refused in
   * words, the right one kept with the card. */
  vtr_window_counter_start_enrol (window);
  type_keys (window, "12");
  vtr_window_counter_press (window, "OK");
  g_assert_nonnull (strstr (vtr_window_get_counter_message (window), "numéro"));
  vtr_window_counter_press (window, "⌫");
  vtr_window_counter_press (window, "⌫");
  type_keys (window, "0698765432");
  vtr_window_counter_press (window, "OK");
  g_assert_true (wait_until (not_printing, window, 20));
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);

    g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.card WHERE phone = '0698765432'"), ==, 1);
  }
  if (!g_file_test (pdf, G_FILE_TEST_EXISTS))
    g_error ("no card printed: %s", vtr_window_get_counter_message (window));
  g_assert_nonnull (strstr (vtr_window_get_counter_card (window), "EWCA"));
  g_unsetenv ("VITRINE_PRINTER");
  close_window (window);
}

/* A window closed leaves nothing behind: camera, sync, catalogue freed. */
static void
test_window_freed (void)
{
  VtrWindow *window = open_window ("/nonexistent/camera");
  gint64 settle = g_get_monotonic_time () + 500 * 1000;

  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  vtr_window_stop (window);
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  settle = g_get_monotonic_time () + 500 * 1000;
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (window);
}

/* A flyer from a shop across town: that shop still comes first. */
static void
test_poster_shop_far (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  VtrPosition here = { 43.2951, 5.3744 };
  g_autoptr(GPtrArray) all = vtr_catalog_nearest_stockists (catalog, 13, &here, now, 5000, 0, &error);
  VtrStockist *farthest;
  VtrWindow *window = open_window ("/nonexistent/camera");
  g_autofree char *first = NULL;

  g_assert_nonnull (all);
  g_assert_cmpuint (all->len, >, 10);
  farthest = g_ptr_array_index (all, all->len - 1);
  vtr_window_show_product (window, 13, farthest->place.merchant->id);
  first = vtr_window_get_first_stockist (window);
  g_assert_cmpstr (first, ==, farthest->place.merchant->name);
  close_window (window);
}

/* The basket on its own, used then dropped: nothing keeps it alive (its
 * keyboard, its rows and their signal handlers included). */
static void
test_order_page_freed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  VtrPosition here = { 43.2951, 5.3744 };
  GtkWidget *window = gtk_window_new ();
  VtrOrderPage *page = VTR_ORDER_PAGE (g_object_ref_sink (vtr_order_page_new ()));

  vtr_order_page_set_catalog (page, catalog, &here);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vtr_order_page_add (page, 13, 9, &error));
  g_assert_true (vtr_order_page_add (page, 13, 9, &error));
  g_assert_cmpuint (vtr_order_page_count_items (page), ==, 2);
  vtr_keyboard_target (vtr_order_page_get_keyboard (page), vtr_order_page_get_name (page));
  vtr_keyboard_press (vtr_order_page_get_keyboard (page), "a");
  g_assert_cmpstr (gtk_editable_get_text (vtr_order_page_get_name (page)), ==, "A");
  settle ();
  vtr_order_page_clear (page);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  g_assert_finalize_object (page);
}

/* A code that is not the federation's: an inert warning, never a browser. */
static void
test_foreign_code (void)
{
  g_autofree char *image = code_image ("foreign.png", "https://vitrine-promo.example.com/gagnez");
  VtrWindow *window = open_window (image);

  g_assert_true (wait_until (on_warning, window, 20));
  g_assert_nonnull (strstr (vtr_window_get_warning (window), "vitrine-promo.example.com"));
  screenshots (window, "warning");
  close_window (window);
}

/* Left alone, the kiosk goes back to the start and forgets the search. */
static void
test_idle_reset (void)
{
  g_autofree char *code = product_code (13, 0);
  g_autofree char *image = code_image ("idle.png", code);
  VtrWindow *window = open_window (image);

  /* A product's barcode that no shop of the federation sells yet. */
  g_autofree char *unknown = code_image ("idle-unknown.png", "3760001234567");
  g_autoptr(GSettings) settings = g_settings_new ("fr.vitrine.Vitrine");

  vtr_window_set_idle_timeout (window, 2);
  g_assert_true (wait_until (on_product, window, 20));
  /* The shopper walks away with the poster, the next one holds up a
   * product that no shop has yet: the kiosk goes back to the start and
   * stays there, saying so. */
  vtr_window_set_camera (window, unknown);
  g_assert_true (wait_until (on_scan, window, 10));
  settle ();
  g_assert_cmpstr (vtr_window_get_page (window), ==, "scan");
  screenshots (window, "scan");
  g_settings_reset (settings, "camera-source");
  close_window (window);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* In French, as a kiosk of the federation. */
  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(VtrKeyList) keys = vtr_test_key_list_new_full (secret, store);
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    /* Order numbers with their signed pickup codes, issued by the hub. */
    {
      g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 1; i <= 12; i++)
        {
          g_autofree char *number = g_strdup_printf ("KX-%04u", i);
          VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

          g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
        }
      g_ptr_array_add (codes, NULL);
      g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                        ==, 12);
    }
  }

  g_test_add_func ("/app/scan-product", test_scan_product);
  g_test_add_func ("/app/search", test_search);
  g_test_add_func ("/app/poster-shop-far", test_poster_shop_far);
  g_test_add_func ("/app/foreign-code", test_foreign_code);
  g_test_add_func ("/app/civic-and-file", test_civic_and_file);
  g_test_add_func ("/app/messages", test_messages);
  g_test_add_func ("/app/counter-credit", test_counter_credit);
  g_test_add_func ("/app/order", test_order);
  g_test_add_func ("/app/window-freed", test_window_freed);
  g_test_add_func ("/app/order-page-freed", test_order_page_freed);
  g_test_add_func ("/app/pairing", test_pairing);
  g_test_add_func ("/app/pairing-needs-admin", test_pairing_needs_admin);
  g_test_add_func ("/app/store-notice", test_store_notice);
  g_test_add_func ("/app/merchant-code", test_merchant_code);
  g_test_add_func ("/app/kiosk-admin", test_kiosk_admin);
  g_test_add_func ("/app/counter-handover", test_counter_handover);
  g_test_add_func ("/app/counter-enrol", test_counter_enrol);
  g_test_add_func ("/app/idle-reset", test_idle_reset);
  g_test_add_func ("/app/large-text-and-contrast", test_large_text_and_contrast);
  g_test_add_func ("/app/admin-settings", test_admin_settings);
  g_test_add_func ("/app/language", test_language);
  g_test_add_func ("/app/sound", test_sound);
  g_test_add_func ("/app/hints", test_hints);
  g_test_add_func ("/app/search-and-browse", test_search_and_browse);
  g_test_add_func ("/app/keyboard-and-names", test_keyboard_and_names);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  return status;
}

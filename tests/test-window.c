#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "vtr-admin-screen.h"
#include "vtr-application.h"
#include "vtr-civic-screen.h"
#include "vtr-code-stock.h"
#include "vtr-counter.h"
#include "vtr-counter-screen.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-info-row.h"
#include "vtr-loyalty.h"
#include "vtr-merchant-screen.h"
#include "vtr-opening-hours.h"
#include "vtr-order-placed-screen.h"
#include "vtr-order-screen.h"
#include "vtr-orders.h"
#include "vtr-outbox.h"
#include "vtr-product-screen.h"
#include "vtr-qr-image.h"
#include "vtr-results-screen.h"
#include "vtr-scan-screen.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-test-hub.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"
#include "vtr-trust.h"
#include "vtr-window.h"

/*
 * The kiosk's window on a real application (its services on a temporary
 * data folder with the demo catalogue and the federation's keys), under
 * Xvfb: driven through its actions, as its buttons and screens drive it,
 * and through the camera pointed at images of codes (a real GStreamer
 * pipeline). What a person types and taps is the UI journeys' part
 * (tests/ui/). Screens are saved as PNGs, landscape and portrait, into
 * VITRINE_SCREENSHOTS (default: screenshots/ in the build folder).
 */

static char *data_dir;
static guint8 secret[VTR_SECRET_KEY_BYTES];

/* A data folder with the demo catalogue, the federation's keys and
 * order numbers with their signed pickup codes, issued by the hub. */
static char *
make_demo_dir (guint8 *key)
{
  g_autoptr(GError) error = NULL;
  char *dir = vtr_test_make_data_dir ();
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VtrKeyList) keys = vtr_test_key_list_new_full (key, store);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  VtrDemoCounts counts;

  g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *number = g_strdup_printf ("KX-%04u", i);
      VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

      g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", key, NULL));
    }
  g_ptr_array_add (codes, NULL);
  g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                    ==, 12);
  return dir;
}

typedef struct
{
  VtrApplication *app;
  VtrWindow      *window;
} Kiosk;

static void
kiosk_open_full (Kiosk      *kiosk,
                 const char *dir,
                 const char *camera,
                 gboolean    kiosk_mode)
{
  /* The application's services and window, without running it (it would
   * take the main loop and a session bus). */
  kiosk->app = vtr_application_new (dir, camera ? camera : "/nonexistent/camera", kiosk_mode);
  vtr_application_start (kiosk->app);
  vtr_application_wait_opened (kiosk->app);
  kiosk->window = VTR_WINDOW (vtr_application_show_window (kiosk->app));
}

static void
kiosk_open (Kiosk      *kiosk,
            const char *camera)
{
  kiosk_open_full (kiosk, data_dir, camera, FALSE);
}

/* The window shown now (a language change replaces it). */
static VtrWindow *
kiosk_window (Kiosk *kiosk)
{
  return VTR_WINDOW (vtr_application_get_window (kiosk->app));
}

static void
kiosk_close (Kiosk *kiosk)
{
  vtr_application_stop (kiosk->app);
  if (vtr_application_get_window (kiosk->app))
    gtk_window_destroy (vtr_application_get_window (kiosk->app));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (kiosk->app);
}

static void
act (Kiosk      *kiosk,
     const char *action,
     GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (kiosk_window (kiosk)), action, parameter);
}

static GtkWidget *
screen (Kiosk *kiosk)
{
  return vtr_window_get_visible_screen (kiosk_window (kiosk));
}

static gboolean
wait_for_screen (Kiosk *kiosk,
                 GType  type,
                 guint  seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (!G_TYPE_CHECK_INSTANCE_TYPE (screen (kiosk), type) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return G_TYPE_CHECK_INSTANCE_TYPE (screen (kiosk), type);
}

/* Until the screen shown is another than the scan screen: "admin" reads
 * on a worker thread whether an administrator's PIN is set first. */
static void
wait_away_from_home (Kiosk *kiosk)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  while (VTR_IS_SCAN_SCREEN (screen (kiosk)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (VTR_IS_SCAN_SCREEN (screen (kiosk)));
}

/* Until @widget has loaded what it shows (its "loading" is FALSE). */
static void
wait_loaded (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  gboolean loading = TRUE;

  while (g_get_monotonic_time () < deadline)
    {
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "loading") == NULL)
        break;
      g_object_get (widget, "loading", &loading, NULL);
      if (!loading)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  vtr_test_spin (30);
}

static gboolean
wait_message (Kiosk      *kiosk,
              const char *words,
              guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;
  const char *shown;

  for (;;)
    {
      shown = vtr_window_get_message (kiosk_window (kiosk));
      if (shown && strstr (shown, words))
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_test_message ("message shown: %s", shown ? shown : "(none)");
  return FALSE;
}

/* The titles of the rows a screen lists, in order. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *titles)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (titles, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))));
  else if (GTK_IS_LIST_BOX_ROW (widget) && gtk_widget_get_visible (widget) && vtr_info_row_get_title (widget))
    g_ptr_array_add (titles, g_strdup (vtr_info_row_get_title (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_rows (child, titles);
}

static GPtrArray *
rows_of (GtkWidget *widget)
{
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);

  collect_rows (widget, titles);
  return titles;
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget) && strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text))
    return TRUE;
  if (ADW_IS_STATUS_PAGE (widget) &&
      (strstr (adw_status_page_get_title (ADW_STATUS_PAGE (widget)) ?: "", text) ||
       strstr (adw_status_page_get_description (ADW_STATUS_PAGE (widget)) ?: "", text)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
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
product_code_until (gint64 product,
                    gint64 merchant,
                    guint  expires)
{
  VtrFlashcode code = { VTR_CODE_PRODUCT, product, merchant, 0, NULL, NULL, NULL, expires, 1 };

  return vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
}

static char *
product_code (gint64 product,
              gint64 merchant)
{
  return product_code_until (product, merchant, 0);
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

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_set_size_request (GTK_WIDGET (window), width, height);
  /* A screen that turns (two columns into one) is laid out again on the
   * next frame. */
  vtr_test_spin (400);
  gtk_widget_queue_resize (GTK_WIDGET (window));
  vtr_test_spin (400);
  g_mkdir_with_parents (dir, 0755);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  /* Until the window has been drawn at its new size. */
  for (int attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        vtr_test_spin (100);
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
screenshots (Kiosk      *kiosk,
             const char *name)
{
  VtrWindow *window = kiosk_window (kiosk);

  save_screenshot (window, name, 1920, 1080);
  save_screenshot (window, name, 1080, 1920);
  gtk_widget_set_size_request (GTK_WIDGET (window), -1, -1);
}

/* The titles of @widget's rows once its answer came and all its rows
 * show (a screen may not have started loading when it is first seen). */
static GPtrArray *
wait_rows (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  GPtrArray *rows = NULL;

  for (;;)
    {
      wait_loaded (widget);
      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = rows_of (widget);
      if (rows->len > 0 || g_get_monotonic_time () > deadline)
        return rows;
      vtr_test_spin (50);
    }
}

static char *
first_row (GtkWidget *widget)
{
  g_autoptr(GPtrArray) rows = wait_rows (widget);

  return rows->len ? g_strdup (g_ptr_array_index (rows, 0)) : NULL;
}


/* A poster's flashcode, seen by the camera: its product, that shop
 * first, then the nearest. */
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
  g_autofree char *first = NULL;
  gboolean shop_stocks_it = FALSE;
  Kiosk kiosk;

  kiosk_open (&kiosk, image);
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_PRODUCT_SCREEN, 20));
  first = first_row (screen (&kiosk));
  for (guint i = 0; i < stockists->len; i++)
    if (((VtrStockist *) g_ptr_array_index (stockists, i))->place.merchant->id == 7)
      shop_stocks_it = TRUE;
  /* The poster's shop first when it has it, else the nearest stockist. */
  g_assert_cmpstr (first, ==, shop_stocks_it ? poster_shop->name
                                             : ((VtrStockist *) g_ptr_array_index (stockists, 0))->place.merchant->name);
  screenshots (&kiosk, "product");
  kiosk_close (&kiosk);
}

/* Back returns to the screen before as it was left: the product, its
 * list, where it was scrolled; Home and going back to the start forget
 * the way there. */
static void
test_history (void)
{
  GtkWidget *product, *merchant;
  GtkScrolledWindow *scrolled;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *shop = NULL;
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  g_assert_cmpuint (vtr_window_get_history_length (kiosk.window), ==, 1);
  act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 0));
  product = screen (&kiosk);
  g_assert_true (VTR_IS_PRODUCT_SCREEN (product));
  before = wait_rows (product);
  g_assert_cmpuint (before->len, >=, 2);
  gtk_window_set_default_size (GTK_WINDOW (kiosk.window), 1280, 600);
  scrolled = GTK_SCROLLED_WINDOW (vtr_test_find_type (product, GTK_TYPE_SCROLLED_WINDOW));
  /* Once the list is laid out in the smaller window, scrolled down a bit. */
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) < 200 &&
           g_get_monotonic_time () < deadline)
      vtr_test_spin (50);
    gtk_adjustment_set_value (adjustment, 120);
    vtr_test_spin (100);
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 120);
  }

  /* A shop of the list, as its row asks. */
  shop = g_strdup (g_ptr_array_index (before, 1));
  act (&kiosk, "show-merchant", g_variant_new_int64 (9));
  merchant = screen (&kiosk);
  g_assert_true (merchant != product);
  wait_loaded (merchant);
  g_assert_cmpuint (vtr_window_get_history_length (kiosk.window), ==, 3);

  /* Back: the same product, the same list, the same place in it. */
  act (&kiosk, "back", NULL);
  g_assert_true (screen (&kiosk) == product);
  after = rows_of (product);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), ==, g_ptr_array_index (before, i));
  g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (scrolled)), ==, 120);

  /* Escape does what Back does. */
  act (&kiosk, "show-merchant", g_variant_new_int64 (9));
  g_assert_true (screen (&kiosk) != product);
  act (&kiosk, "back", NULL);
  g_assert_true (screen (&kiosk) == product);

  /* Home: the start, and nothing to go back to. */
  act (&kiosk, "show-merchant", g_variant_new_int64 (9));
  act (&kiosk, "go-home", NULL);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  g_assert_cmpuint (vtr_window_get_history_length (kiosk.window), ==, 1);
  act (&kiosk, "back", NULL);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  kiosk_close (&kiosk);
}

/* A code that is not the federation's: an inert warning, never a browser. */
static void
test_foreign_code (void)
{
  g_autofree char *image = code_image ("foreign.png", "https://vitrine-promo.example.com/gagnez");
  Kiosk kiosk;

  kiosk_open (&kiosk, image);
  g_assert_true (wait_for_screen (&kiosk, ADW_TYPE_STATUS_PAGE, 20));
  g_assert_true (shows_text (screen (&kiosk), "vitrine-promo.example.com"));
  g_assert_true (shows_text (screen (&kiosk), "pas des commerces de la fédération"));
  screenshots (&kiosk, "warning");
  kiosk_close (&kiosk);
}

/* The federation's own ad, out of date: it has expired; it is not a fake. */
static void
test_expired_ad (void)
{
  g_autofree char *code = product_code_until (13, 0, 20200101);
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  act (&kiosk, "scan-text", g_variant_new_string (code));
  g_assert_true (ADW_IS_STATUS_PAGE (screen (&kiosk)));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (screen (&kiosk))), ==, "Cette annonce a expiré");
  g_assert_false (shows_text (screen (&kiosk), "pas des commerces"));
  g_assert_false (shows_text (screen (&kiosk), "falsifié"));
  kiosk_close (&kiosk);
}

/* A forged code written as the federation's: it is not theirs, and the
 * warning does not name the federation's own address as where it leads
 * (that would reassure). Another website's address is still named
 * (/window/foreign-code). */
static void
test_forged_code (void)
{
  g_autofree char *code = product_code (13, 0);
  Kiosk kiosk;

  /* The signature's last character changed: a forgery. */
  code[strlen (code) - 1] = code[strlen (code) - 1] == 'A' ? 'B' : 'A';
  kiosk_open (&kiosk, NULL);
  act (&kiosk, "scan-text", g_variant_new_string (code));
  g_assert_true (ADW_IS_STATUS_PAGE (screen (&kiosk)));
  g_assert_true (shows_text (screen (&kiosk), "pas des commerces de la fédération"));
  g_assert_false (shows_text (screen (&kiosk), "vtr13.fr"));
  g_assert_false (shows_text (screen (&kiosk), "mène à"));
  kiosk_close (&kiosk);
}

/* Messages: one at a time, the newest at once, however many came before,
 * in the words given; above the screen, not over its buttons. */
static void
test_messages (void)
{
  g_autofree char *missing = g_build_filename (data_dir, "Fromages & Vins.png", NULL);
  g_autofree char *expected = g_strdup_printf ("%s n’existe pas", missing);
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  for (int i = 0; i < 40; i++)
    act (&kiosk, "scan-text", g_variant_new_string ("3760001234565")); /* a valid GTIN no shop has */
  g_assert_true (wait_message (&kiosk, "Ce produit n’est pas encore dans les commerces de la fédération", 10));
  vtr_scan_screen_scan_file (VTR_SCAN_SCREEN (screen (&kiosk)), missing);
  g_assert_true (wait_message (&kiosk, expected, 10));
  /* Nothing of the screen lies under it. */
  {
    GtkWidget *bar = find_css_class (GTK_WIDGET (kiosk.window), "message-bar");
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;
    graphene_rect_t message, content;

    /* Until the window's layout has taken the bar (a slow, sanitized
     * build takes more than a few frames). */
    do
      {
        vtr_test_spin (100);
        g_assert_true (gtk_widget_compute_bounds (bar, GTK_WIDGET (kiosk.window), &message));
        g_assert_true (gtk_widget_compute_bounds (screen (&kiosk), GTK_WIDGET (kiosk.window), &content));
      }
    while (message.origin.y + message.size.height > content.origin.y + 0.5 && g_get_monotonic_time () < deadline);
    g_assert_cmpfloat (message.origin.y + message.size.height, <=, content.origin.y + 0.5);
  }
  kiosk_close (&kiosk);
}

static gboolean
printed (VtrOrderPlacedScreen *placed)
{
  const char *words = vtr_order_placed_screen_get_words (placed);

  return !g_str_equal (words, "Votre ticket s’imprime…");
}

static void
wait_printed (Kiosk *kiosk)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  g_assert_true (VTR_IS_ORDER_PLACED_SCREEN (screen (kiosk)));
  while (!printed (VTR_ORDER_PLACED_SCREEN (screen (kiosk))) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

/* An order: a basket from one shop, placed from the order screen; its
 * ticket printed, the order-placed screen saying so. Back from there goes
 * to the start, not to an empty basket. With the printer gone, the
 * screen shows the pickup code and says so. */
/* A loyalty card shown to the basket (the camera reads on its page):
 * the shop's promotions for loyal customers count, and the shopper stays
 * on the basket. */
static void
test_order_card (void)
{
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) "MARSEILLEMARSEILLEMARSEILL", NULL, NULL, 0, 1 };
  g_autofree char *card = vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
  VtrOrderScreen *basket;
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  wait_loaded (screen (&kiosk));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  basket = VTR_ORDER_SCREEN (screen (&kiosk));
  g_assert_false (vtr_order_screen_get_card_shown (basket));
  act (&kiosk, "scan-text", g_variant_new_string (card));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  g_assert_true (vtr_order_screen_get_card_shown (basket));
  vtr_order_screen_clear (basket);
  kiosk_close (&kiosk);
}

static void
test_order (void)
{
  g_autofree char *pdf = g_build_filename (data_dir, "ticket.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  g_autoptr(GError) error = NULL;
  VtrOrderScreen *basket;
  Kiosk kiosk;

  g_setenv ("VITRINE_PRINTER", to, TRUE);
  kiosk_open (&kiosk, NULL);
  act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 0));
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  wait_loaded (screen (&kiosk));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  basket = VTR_ORDER_SCREEN (screen (&kiosk));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  /* One more from this shop: its page, the basket kept. */
  g_signal_emit_by_name (basket, "add-more");
  g_assert_true (VTR_IS_MERCHANT_SCREEN (screen (&kiosk)));
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  wait_loaded (screen (&kiosk));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 2);
  vtr_order_screen_fill (basket, "Inès", "0612345678");
  g_signal_emit_by_name (basket, "confirm");
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_ORDER_PLACED_SCREEN, 10));
  wait_printed (&kiosk);
  g_assert_true (g_str_has_prefix (vtr_order_placed_screen_get_number (VTR_ORDER_PLACED_SCREEN (screen (&kiosk))),
                                   "KX-"));
  g_assert_nonnull (strstr (vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (screen (&kiosk))),
                            "ticket"));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 0);
  screenshots (&kiosk, "order-placed");
  act (&kiosk, "back", NULL);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));

  /* A wrong phone: refused in words, the basket kept. */
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  wait_loaded (screen (&kiosk));
  vtr_order_screen_fill (basket, "Inès", "12");
  g_signal_emit_by_name (basket, "confirm");
  while (vtr_order_screen_get_placing (basket))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  g_assert_cmpuint (strlen (vtr_order_screen_get_message (basket)), >, 5);

  /* The printer is gone: the order still stands, the screen is the ticket. */
  g_setenv ("VITRINE_PRINTER", "tcp:127.0.0.1:1", TRUE);
  vtr_order_screen_fill (basket, "Inès", "0612345678");
  g_signal_emit_by_name (basket, "confirm");
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_ORDER_PLACED_SCREEN, 10));
  wait_printed (&kiosk);
  g_assert_nonnull (strstr (vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (screen (&kiosk))),
                            "ne répond pas"));
  screenshots (&kiosk, "order-show-screen");
  g_unsetenv ("VITRINE_PRINTER");
  kiosk_close (&kiosk);
}

/* Statements run on the main thread's connection to the journal, while
 * traced: the worker threads have connections of their own. */
typedef struct
{
  GThread   *main_thread;
  GPtrArray *statements;
} MainThreadSql;

static int
on_statement (unsigned  kind,
              void     *data,
              void     *stmt,
              void     *sql)
{
  MainThreadSql *trace = data;

  if (g_thread_self () == trace->main_thread)
    g_ptr_array_add (trace->statements, g_strdup (sqlite3_sql (stmt)));
  return 0;
}

static void
trace_main_thread (Kiosk         *kiosk,
                   MainThreadSql *trace)
{
  trace->main_thread = g_thread_self ();
  trace->statements = g_ptr_array_new_with_free_func (g_free);
  sqlite3_trace_v2 (vtr_store_get_db (vtr_application_get_store (kiosk->app)), SQLITE_TRACE_STMT, on_statement,
                    trace);
}

static void
trace_stop (Kiosk         *kiosk,
            MainThreadSql *trace)
{
  sqlite3_trace_v2 (vtr_store_get_db (vtr_application_get_store (kiosk->app)), 0, NULL, NULL);
  for (guint i = 0; i < trace->statements->len; i++)
    g_test_message ("on the main thread: %s", (char *) g_ptr_array_index (trace->statements, i));
}

/* Another program's connection holds the journal's write lock until the
 * main loop lets it go. */
typedef struct
{
  VtrStore *holder;
  gboolean  released;
  guint     ticks;
} JournalHold;

static gboolean
on_hold_release (gpointer data)
{
  JournalHold *hold = data;

  hold->released = TRUE;
  vtr_store_rollback (hold->holder);
  return G_SOURCE_REMOVE;
}

static gboolean
on_hold_tick (gpointer data)
{
  JournalHold *hold = data;

  /* Only the main loop's turns while the journal is held count. */
  if (!hold->released)
    hold->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
hold_journal (JournalHold *hold,
              const char  *dir,
              guint        ms)
{
  g_autoptr(GError) error = NULL;

  hold->holder = vtr_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_store_begin (hold->holder, &error));
  g_assert_true (vtr_store_exec (hold->holder, "UPDATE journal.staff SET failures = failures", &error));
  g_assert_no_error (error);
  hold->released = FALSE;
  g_timeout_add (ms, on_hold_release, hold);
}

/* A spinner shown in @widget's tree, or %NULL. */
static GtkWidget *
find_shown_spinner (GtkWidget *widget)
{
  if (GTK_IS_SPINNER (widget) && gtk_widget_is_visible (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown_spinner (child);

      if (found)
        return found;
    }
  return NULL;
}

/* The basket's button, tapped. */
static VtrOrderScreen *
tap_order (Kiosk *kiosk)
{
  VtrOrderScreen *basket = VTR_ORDER_SCREEN (screen (kiosk));
  GtkWidget *button = vtr_test_find_button (GTK_WIDGET (basket), "Commander, payer au magasin");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  return basket;
}

static void
fill_basket (Kiosk *kiosk)
{
  act (kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 0));
  act (kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  wait_loaded (screen (kiosk));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (kiosk)));
  vtr_order_screen_fill (VTR_ORDER_SCREEN (screen (kiosk)), "Inès", "0612345678");
}

/* Confirming an order writes the journal (with a sync to the disk) and
 * reads the shop for the ticket on a worker thread: while another
 * program holds the journal's write lock, the basket says it is busy
 * (its button insensitive, a spinner turning) and the window goes on;
 * no statement runs on the main thread's connection. */
static void
test_order_off_main_thread (void)
{
  guint8 key[VTR_SECRET_KEY_BYTES];
  g_autofree char *dir = make_demo_dir (key);
  JournalHold hold = { 0 };
  MainThreadSql trace = { 0 };
  VtrOrderScreen *basket;
  GtkWidget *button;
  GtkWidget *spinner;
  guint tick;
  Kiosk kiosk;

  g_setenv ("VITRINE_PRINTER", "tcp:127.0.0.1:1", TRUE);
  kiosk_open_full (&kiosk, dir, NULL, FALSE);
  fill_basket (&kiosk);
  vtr_test_spin (300);
  trace_main_thread (&kiosk, &trace);
  hold_journal (&hold, dir, 1000);
  tick = g_timeout_add (10, on_hold_tick, &hold);
  basket = tap_order (&kiosk);

  /* Busy: the button insensitive, a spinner; tapping again does nothing. */
  g_assert_true (vtr_order_screen_get_placing (basket));
  button = vtr_test_find_button (GTK_WIDGET (basket), "Commander, payer au magasin");
  g_assert_false (gtk_widget_is_sensitive (button));
  spinner = find_shown_spinner (GTK_WIDGET (basket));
  g_assert_nonnull (spinner);
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_signal_emit_by_name (button, "clicked");

  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_ORDER_PLACED_SCREEN, 20));
  trace_stop (&kiosk, &trace);
  g_source_remove (tick);
  g_assert_true (hold.released);
  /* The window went on while the journal was held: a blocked main
   * thread would not turn at all until the hold ended.  A sanitized
   * build on a loaded machine turns a 10 ms timer about every 40 ms. */
  g_assert_cmpuint (hold.ticks, >, 5);
  g_assert_cmpuint (trace.statements->len, ==, 0);
  g_assert_false (vtr_order_screen_get_placing (basket));
  g_assert_true (g_str_has_prefix (vtr_order_placed_screen_get_number (VTR_ORDER_PLACED_SCREEN (screen (&kiosk))),
                                   "KX-"));
  g_assert_cmpint (vtr_test_count (vtr_application_get_store (kiosk.app), "SELECT count (*) FROM journal.orders"),
                   ==, 1);
  wait_printed (&kiosk);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_ptr_array_unref (trace.statements);
  g_clear_object (&hold.holder);
  g_unsetenv ("VITRINE_PRINTER");
  kiosk_close (&kiosk);
  vtr_test_remove_tree (dir);
}

/* The window closed while the order is written: the answer comes late
 * and changes nothing; the order stands in the journal. */
static void
test_order_window_closed (void)
{
  guint8 key[VTR_SECRET_KEY_BYTES];
  g_autofree char *dir = make_demo_dir (key);
  JournalHold hold = { 0 };
  VtrWindow *window;
  Kiosk kiosk;

  kiosk_open_full (&kiosk, dir, NULL, FALSE);
  fill_basket (&kiosk);
  hold_journal (&hold, dir, 300);
  tap_order (&kiosk);
  window = g_object_ref (kiosk.window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (!hold.released)
    g_main_context_iteration (NULL, TRUE);
  vtr_test_spin (1000);
  g_assert_finalize_object (window);
  g_assert_cmpint (vtr_test_count (vtr_application_get_store (kiosk.app), "SELECT count (*) FROM journal.orders"),
                   ==, 1);
  g_clear_object (&hold.holder);
  kiosk_close (&kiosk);
  vtr_test_remove_tree (dir);
}

/* No order numbers left: the basket says so in words, and is kept. */
static void
test_order_no_numbers (void)
{
  guint8 key[VTR_SECRET_KEY_BYTES];
  g_autofree char *dir = make_demo_dir (key);
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  VtrOrderScreen *basket;
  Kiosk kiosk;

  kiosk_open_full (&kiosk, dir, NULL, FALSE);
  g_assert_true (vtr_store_exec (vtr_application_get_store (kiosk.app), "DELETE FROM journal.pickup_stock", &error));
  fill_basket (&kiosk);
  basket = tap_order (&kiosk);
  g_assert_true (vtr_order_screen_get_placing (basket));
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (vtr_order_screen_get_placing (basket) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_order_screen_get_placing (basket));
  g_test_message ("%s", vtr_order_screen_get_message (basket));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  g_assert_cmpuint (strlen (vtr_order_screen_get_message (basket)), >, 20);
  g_assert_cmpint (vtr_test_count (vtr_application_get_store (kiosk.app), "SELECT count (*) FROM journal.orders"),
                   ==, 0);
  kiosk_close (&kiosk);
  vtr_test_remove_tree (dir);
}

/* A product looked up by its number, never guessed as a barcode: a
 * product whose number has eight digits is that product everywhere. */
static void
test_product_by_number (void)
{
  g_autoptr(GError) error = NULL;
  Kiosk kiosk;

  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    VtrProduct product = { .id = 12345678, .name = (char *) "Tapenade noire", .brand = (char *) "Moulin de Provence",
                           .category = (char *) "épicerie" };
    VtrStock stock = { .product_id = 12345678, .merchant_id = 9, .price_cents = 450,
                       .availability = VTR_AVAILABILITY_IN_STOCK };

    g_assert_true (vtr_catalog_put_product (catalog, &product, &error));
    g_assert_true (vtr_catalog_put_stock (catalog, &stock, &error));
  }
  kiosk_open (&kiosk, NULL);
  act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 12345678, (gint64) 0));
  wait_loaded (screen (&kiosk));
  g_assert_true (shows_text (screen (&kiosk), "Tapenade noire"));
  g_assert_false (shows_text (screen (&kiosk), "mal lu"));
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 12345678, (gint64) 9));
  wait_loaded (screen (&kiosk));
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  g_assert_true (shows_text (screen (&kiosk), "Tapenade noire"));
  vtr_order_screen_clear (VTR_ORDER_SCREEN (screen (&kiosk)));
  kiosk_close (&kiosk);
}

/* A visitor switches the kiosk to English: the window is built again, the
 * services are not (the same camera goes on); left alone, it comes back
 * in French. The windows replaced are gone. */
static void
test_language (void)
{
  VtrWindow *replaced;
  VtrCamera *camera;
  GtkWidget *title;
  Kiosk kiosk;
  gint64 deadline;

  kiosk_open (&kiosk, NULL);
  camera = vtr_application_get_camera (kiosk.app);
  replaced = kiosk.window;
  g_object_add_weak_pointer (G_OBJECT (replaced), (gpointer *) &replaced);
  act (&kiosk, "toggle-language", NULL);
  vtr_test_spin (100);
  g_assert_null (replaced);
  g_assert_true (vtr_application_get_camera (kiosk.app) == camera);
  title = find_css_class (GTK_WIDGET (kiosk_window (&kiosk)), "title-1");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, "Scan a product, an ad or a poster");
  g_assert_true (shows_text (GTK_WIDGET (kiosk_window (&kiosk)), "Français"));
  screenshots (&kiosk, "scan-english");
  act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 0));
  vtr_window_set_idle_timeout (kiosk_window (&kiosk), 1);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      title = find_css_class (GTK_WIDGET (kiosk_window (&kiosk)), "title-1");
      if (g_str_equal (gtk_label_get_text (GTK_LABEL (title)), "Scannez un produit, une annonce ou une affiche"))
        break;
    }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, "Scannez un produit, une annonce ou une affiche");
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  kiosk_close (&kiosk);
}

/* The window's X window, and where it stands on the root window (no
 * window manager under Xvfb here: the window is the root's child). */
static Window
x_window (GtkWindow *window,
          Display  **display)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  *display = GDK_SURFACE_XDISPLAY (surface);
  return gdk_x11_surface_get_xid (surface);
}

static void
x_origin (GtkWindow *window,
          int       *x,
          int       *y)
{
  Display *display;
  Window xid = x_window (window, &display);
  XWindowAttributes attributes;

  XSync (display, False);
  g_assert_true (XGetWindowAttributes (display, xid, &attributes));
  *x = attributes.x;
  *y = attributes.y;
}

/* A person switching the language on a desktop: the window keeps its
 * size and its place on the screen (it is built again, a new window). */
static void
test_language_keeps_place (void)
{
  Kiosk kiosk;
  Display *display;
  Window xid;
  int x = -1, y = -1, width, height;
  gint64 deadline;

  kiosk_open (&kiosk, NULL);
  vtr_test_spin (100);
  gtk_window_set_default_size (GTK_WINDOW (kiosk.window), 1000, 700);
  xid = x_window (GTK_WINDOW (kiosk.window), &display);
  XMoveWindow (display, xid, 130, 90);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;
  while ((x != 130 || y != 90 || gtk_widget_get_width (GTK_WIDGET (kiosk.window)) != 1000) &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      x_origin (GTK_WINDOW (kiosk.window), &x, &y);
    }
  g_assert_cmpint (x, ==, 130);
  g_assert_cmpint (y, ==, 90);

  act (&kiosk, "toggle-language", NULL);
  g_assert_true (kiosk_window (&kiosk) != kiosk.window);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;
  do
    {
      g_main_context_iteration (NULL, FALSE);
      if (gtk_widget_get_mapped (GTK_WIDGET (kiosk_window (&kiosk))))
        x_origin (GTK_WINDOW (kiosk_window (&kiosk)), &x, &y);
    }
  while ((x != 130 || y != 90) && g_get_monotonic_time () < deadline);
  g_assert_cmpint (x, ==, 130);
  g_assert_cmpint (y, ==, 90);
  gtk_window_get_default_size (GTK_WINDOW (kiosk_window (&kiosk)), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  /* Back to French (the next tests' language). */
  act (&kiosk, "toggle-language", NULL);
  vtr_test_spin (100);
  g_assert_true (shows_text (GTK_WIDGET (kiosk_window (&kiosk)), "English"));
  kiosk_close (&kiosk);
}

/* A visitor chose English, then the staff open the counter, or the
 * administrator the administration: their screens are in the kiosk's
 * language (French), as a card printed there would be; the visitor's
 * session is over. */
static void
test_staff_language (void)
{
  guint8 shop_key[VTR_SECRET_KEY_BYTES];
  g_autofree char *shop_dir = make_demo_dir (shop_key);
  g_autoptr(GError) error = NULL;
  Kiosk kiosk;

  {
    g_autoptr(VtrStore) store = vtr_store_open (shop_dir, &error);
    VtrHubLink link = { .url = (char *) "http://127.0.0.1:9", .device_id = 42, .device_name = (char *) "Comptoir",
                        .token = (char *) "t", .merchant_id = 2 };

    g_assert_true (vtr_staff_set_pin (store, 2, "2468", &error));
    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
    g_assert_true (vtr_sync_state_save_link (store, &link, &error));
  }
  kiosk_open_full (&kiosk, shop_dir, NULL, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      act (&kiosk, "toggle-language", NULL);
      vtr_test_spin (100);
      g_assert_true (shows_text (GTK_WIDGET (kiosk_window (&kiosk)), "Français"));
      act (&kiosk, i == 0 ? "show-counter" : "admin", NULL);
      g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_COUNTER_SCREEN, 10));
      g_assert_true (shows_text (screen (&kiosk), i == 0 ? "Code du personnel" : "Code administrateur"));
      g_assert_false (shows_text (screen (&kiosk), "PIN"));
      act (&kiosk, "go-home", NULL);
      g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_SCAN_SCREEN, 10));
    }
  kiosk_close (&kiosk);
  vtr_test_remove_tree (shop_dir);
}

/* A shop's own kiosk stands in the shop: shops are sorted from its door
 * until the administrator sets where the kiosk is; then from there. */
static void
test_shop_position (void)
{
  guint8 shop_key[VTR_SECRET_KEY_BYTES];
  g_autofree char *shop_dir = make_demo_dir (shop_key);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchant) shop = NULL;
  gint64 deadline;
  VtrPosition here;
  Kiosk kiosk;

  {
    g_autoptr(VtrStore) store = vtr_store_open (shop_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    VtrHubLink link = { .url = (char *) "http://127.0.0.1:9", .device_id = 42, .device_name = (char *) "Comptoir",
                        .token = (char *) "t", .merchant_id = 2 };

    g_assert_true (vtr_sync_state_save_link (store, &link, &error));
    shop = vtr_catalog_get_merchant (catalog, 2, &error);
    g_assert_no_error (error);
  }
  kiosk_open_full (&kiosk, shop_dir, NULL, FALSE);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  do
    {
      g_main_context_iteration (NULL, FALSE);
      here = vtr_application_get_position (kiosk.app);
    }
  while ((here.lat != shop->position.lat || here.lon != shop->position.lon) && g_get_monotonic_time () < deadline);
  g_assert_cmpfloat (here.lat, ==, shop->position.lat);
  g_assert_cmpfloat (here.lon, ==, shop->position.lon);

  /* Set by the administrator: theirs. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

    g_settings_set_double (settings, "kiosk-latitude", 43.30);
    g_settings_set_double (settings, "kiosk-longitude", 5.38);
    here = vtr_application_get_position (kiosk.app);
    g_assert_cmpfloat (here.lat, ==, 43.30);
    g_assert_cmpfloat (here.lon, ==, 5.38);
    g_settings_reset (settings, "kiosk-latitude");
    g_settings_reset (settings, "kiosk-longitude");
  }
  kiosk_close (&kiosk);
  vtr_test_remove_tree (shop_dir);
}

/* Left alone, the kiosk goes back to the start and forgets the search
 * and the basket. */
static void
test_idle_reset (void)
{
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  vtr_window_set_idle_timeout (kiosk.window, 2);
  act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 0));
  act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_SCAN_SCREEN, 10));
  vtr_test_spin (300);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  g_assert_cmpuint (vtr_window_get_history_length (kiosk.window), ==, 1);
  act (&kiosk, "basket", NULL);
  g_assert_cmpuint (vtr_order_screen_count_items (VTR_ORDER_SCREEN (screen (&kiosk))), ==, 0);

  /* Words left in the search at the start are forgotten too. */
  act (&kiosk, "go-home", NULL);
  {
    GtkEditable *search = GTK_EDITABLE (vtr_test_find_type (screen (&kiosk), GTK_TYPE_SEARCH_ENTRY));
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    gtk_editable_set_text (search, "savon");
    g_assert_false (vtr_scan_screen_is_clear (VTR_SCAN_SCREEN (screen (&kiosk))));
    while (!vtr_scan_screen_is_clear (VTR_SCAN_SCREEN (screen (&kiosk))) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
  }
  kiosk_close (&kiosk);
}

static gboolean
is_paired (const char *dir)
{
  g_autoptr(VtrStore) store = vtr_store_open (dir, NULL);
  g_autoptr(VtrHubLink) link = store ? vtr_sync_state_load_link (store, NULL) : NULL;

  return link != NULL;
}

static gboolean
wait_paired (const char *dir,
             guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (!is_paired (dir) && g_get_monotonic_time () < deadline)
    vtr_test_spin (50);
  return is_paired (dir);
}

/* A pairing code the hub printed for a new device. */
static char *
new_pairing_code (const char *hub_dir,
                  const char *name)
{
  g_auto(VtrTestResult) device = { 0 };

  vtr_test_run (&device, "VITRINE_HUB", hub_dir, NULL, "device", "add", name, NULL);
  g_assert_cmpint (device.status, ==, 0);
  return g_strdup (strrchr (g_strstrip (device.out), '\n') + 1);
}

/* Setting a kiosk up: the pairing code the federation printed, shown to
 * the camera. Once paired, a code shown by anyone does nothing; after
 * the administrator allows it, a new code pairs it again. */
static void
test_pairing (void)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  MainThreadSql trace = { 0 };
  gint64 deadline;
  VtrTestHub *hub;
  Kiosk kiosk;

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  first = new_pairing_code (hub_dir, "Kiosque de la Canebière");
  second = new_pairing_code (hub_dir, "Kiosque du Cours Julien");
  hub = vtr_test_hub_start (hub_dir, 0);
  g_setenv ("VITRINE_HUB_URL", hub->url, TRUE);

  kiosk_open_full (&kiosk, kiosk_dir, NULL, FALSE);
  g_assert_false (is_paired (kiosk_dir));
  g_assert_null (vtr_application_get_keys (kiosk.app));
  /* Pairing, the keys it brought and those the first sync brings are
   * read on worker threads: nothing on the main thread's connection. */
  trace_main_thread (&kiosk, &trace);
  act (&kiosk, "scan-text", g_variant_new_string (first));
  g_assert_true (wait_paired (kiosk_dir, 20));
  g_assert_true (wait_message (&kiosk, "Kiosque de la Canebière", 10));
  g_assert_true (vtr_application_get_paired (kiosk.app));
  g_assert_nonnull (vtr_application_get_keys (kiosk.app));
  deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  while (vtr_sync_service_get_last_success (vtr_application_get_sync (kiosk.app)) == 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (vtr_sync_service_get_last_success (vtr_application_get_sync (kiosk.app)), >, 0);
  vtr_test_spin (1000);
  trace_stop (&kiosk, &trace);
  g_assert_cmpuint (trace.statements->len, ==, 0);
  g_ptr_array_unref (trace.statements);
  g_assert_nonnull (vtr_application_get_keys (kiosk.app));

  /* Paired: a code held up by a passer-by does not take it over. */
  act (&kiosk, "scan-text", g_variant_new_string (second));
  g_assert_true (wait_message (&kiosk, "PIN", 5));
  vtr_test_spin (1000);
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (store, &error);

    g_assert_cmpstr (link->device_name, ==, "Kiosque de la Canebière");
  }
  /* The administrator allows it (admin's "Pair with the federation"). */
  act (&kiosk, "allow-pairing", NULL);
  act (&kiosk, "scan-text", g_variant_new_string (second));
  g_assert_true (wait_message (&kiosk, "Kiosque du Cours Julien", 20));
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (store, &error);

    g_assert_cmpstr (link->device_name, ==, "Kiosque du Cours Julien");
  }
  kiosk_close (&kiosk);
  g_unsetenv ("VITRINE_HUB_URL");
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
}

/* A kiosk that was used (an administrator's PIN, a credit waiting to be
 * sent, but no pairing left) does not pair from a code shown to its
 * camera until its administrator allows it. */
static void
test_pairing_needs_admin (void)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  MainThreadSql trace = { 0 };
  VtrTestHub *hub;
  Kiosk kiosk;

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  code = new_pairing_code (hub_dir, "Borne de la Plaine");
  hub = vtr_test_hub_start (hub_dir, 0);
  g_setenv ("VITRINE_HUB_URL", hub->url, TRUE);
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
    g_assert_true (vtr_outbox_append (store, "5d0f3c1e-4b7a-4c2e-9a61-0c8e2f1d7b35", "credit",
                                      "{\"kind\": \"credit\"}", 1795740429, &error));
  }
  kiosk_open_full (&kiosk, kiosk_dir, NULL, FALSE);
  /* Whether the kiosk was paired or used is read on the pairing's
   * thread, never on the main thread. */
  trace_main_thread (&kiosk, &trace);
  act (&kiosk, "scan-text", g_variant_new_string (code));
  g_assert_true (wait_message (&kiosk, "PIN", 5));
  vtr_test_spin (1500);
  trace_stop (&kiosk, &trace);
  g_assert_cmpuint (trace.statements->len, ==, 0);
  g_ptr_array_unref (trace.statements);
  g_assert_false (is_paired (kiosk_dir));
  act (&kiosk, "allow-pairing", NULL);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  act (&kiosk, "scan-text", g_variant_new_string (code));
  g_assert_true (wait_paired (kiosk_dir, 20));
  /* The administration says so: the application learnt it by pairing. */
  g_assert_true (wait_message (&kiosk, "Borne de la Plaine", 20));
  g_assert_true (vtr_application_get_paired (kiosk.app));
  act (&kiosk, "show-admin", NULL);
  g_assert_true (VTR_IS_ADMIN_SCREEN (screen (&kiosk)));
  g_assert_true (vtr_admin_screen_get_paired (VTR_ADMIN_SCREEN (screen (&kiosk))));
  kiosk_close (&kiosk);
  g_unsetenv ("VITRINE_HUB_URL");
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
}

/* Who opens a connection to the journal, and which statements run on
 * the main thread, while the kiosk starts: every connection opened in
 * the process is seen (an SQLite auto-extension) and traced. */
static struct
{
  GThread   *main_thread;
  gboolean   watching;
  guint      main_opens;
  guint      worker_opens;
  GPtrArray *main_statements;
} start_trace;

static int
on_start_statement (unsigned  kind,
                    void     *data,
                    void     *stmt,
                    void     *sql)
{
  if (start_trace.watching && g_thread_self () == start_trace.main_thread)
    g_ptr_array_add (start_trace.main_statements, g_strdup (sqlite3_sql (stmt)));
  return 0;
}

static int
on_connection (sqlite3                         *db,
               char                           **message,
               const struct sqlite3_api_routines *api)
{
  if (start_trace.watching)
    {
      if (g_thread_self () == start_trace.main_thread)
        start_trace.main_opens++;
      else
        start_trace.worker_opens++;
    }
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, on_start_statement, NULL);
  return SQLITE_OK;
}

/* The kiosk starts without waiting for the disk (issues 15 and 21): the
 * journal, the federation's keys (verified) and the hub's link are
 * opened on a worker thread while the window shows the scan screen; an
 * ad the camera reads meanwhile is handled once the keys are there, as
 * the federation's, not called a fake. */
static void
test_start_off_main_thread (void)
{
  g_autofree char *code = product_code (13, 7);
  g_autofree char *image = code_image ("start.png", code);
  Kiosk kiosk;

  start_trace.main_thread = g_thread_self ();
  start_trace.main_statements = g_ptr_array_new_with_free_func (g_free);
  start_trace.watching = TRUE;
  sqlite3_auto_extension ((void (*) (void)) on_connection);

  kiosk.app = vtr_application_new (data_dir, image, FALSE);
  vtr_application_start (kiosk.app);
  /* Not open yet: the worker's answer comes through the main loop. */
  g_assert_false (vtr_application_get_opened (kiosk.app));
  g_assert_null (vtr_application_get_store (kiosk.app));
  g_assert_null (vtr_application_get_keys (kiosk.app));
  kiosk.window = VTR_WINDOW (vtr_application_show_window (kiosk.app));
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  g_assert_cmpint (vtr_camera_get_state (vtr_application_get_camera (kiosk.app)), !=, VTR_CAMERA_STOPPED);

  vtr_application_wait_opened (kiosk.app);
  /* The window took the journal as it came (its counter on it). */
  vtr_test_spin (50);
  start_trace.watching = FALSE;
  sqlite3_cancel_auto_extension ((void (*) (void)) on_connection);

  for (guint i = 0; i < start_trace.main_statements->len; i++)
    g_test_message ("on the main thread at start: %s", (char *) g_ptr_array_index (start_trace.main_statements, i));
  g_assert_cmpuint (start_trace.main_opens, ==, 0);
  g_assert_cmpuint (start_trace.main_statements->len, ==, 0);
  /* The journal was opened all the same, on other threads. */
  g_assert_cmpuint (start_trace.worker_opens, >=, 1);
  g_assert_nonnull (vtr_application_get_store (kiosk.app));
  g_assert_nonnull (vtr_application_get_keys (kiosk.app));

  /* The poster's ad, read by the camera whether before or after: its
   * product. */
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_PRODUCT_SCREEN, 20));
  g_clear_pointer (&start_trace.main_statements, g_ptr_array_unref);
  kiosk_close (&kiosk);
}

/* The window's start builds what the scan screen shows, nothing more
 * (issue 21): the basket is made when it is first opened. */
static void
test_start_home_only (void)
{
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  g_assert_null (vtr_test_find_type (GTK_WIDGET (kiosk.window), VTR_TYPE_ORDER_SCREEN));
  act (&kiosk, "basket", NULL);
  g_assert_true (VTR_IS_ORDER_SCREEN (screen (&kiosk)));
  g_assert_nonnull (vtr_test_find_type (GTK_WIDGET (kiosk.window), VTR_TYPE_ORDER_SCREEN));
  act (&kiosk, "go-home", NULL);
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  kiosk_close (&kiosk);
}

/* A journal found damaged at start: the app says so, with the name of
 * the file kept, until someone dismisses it. */
static void
test_store_notice (void)
{
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *journal = g_build_filename (kiosk_dir, "journal.db", NULL);
  g_autoptr(GError) error = NULL;
  GString *garbage = g_string_new (NULL);
  Kiosk kiosk;

  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_assert_no_error (error);
  }
  for (int i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) (i * 7919 % 251));
  g_assert_true (g_file_set_contents (journal, garbage->str, garbage->len, NULL));
  g_string_free (garbage, TRUE);

  kiosk_open_full (&kiosk, kiosk_dir, NULL, FALSE);
  g_assert_true (wait_message (&kiosk, "journal.db.damaged-", 5));
  /* It stays: a passing message does not push it away. */
  act (&kiosk, "toast", g_variant_new_string ("Autre chose"));
  vtr_test_spin (7000);
  g_assert_true (wait_message (&kiosk, "journal.db.damaged-", 1));
  kiosk_close (&kiosk);
  vtr_test_remove_tree (kiosk_dir);
}

/* @text shown to the camera opens shop 2's page, its name on it. */
static void
assert_camera_opens_shop (const char *text,
                          const char *screenshot)
{
  g_autofree char *image = code_image ("shop-code.png", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(VtrMerchant) shop = vtr_catalog_get_merchant (catalog, 2, &error);
  Kiosk kiosk;

  kiosk_open (&kiosk, image);
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_MERCHANT_SCREEN, 20));
  wait_loaded (screen (&kiosk));
  g_assert_true (shows_text (screen (&kiosk), shop->name));
  if (screenshot)
    screenshots (&kiosk, screenshot);
  kiosk_close (&kiosk);
}

/* A shop's flashcode, on its door: the shop's page. */
static void
test_merchant_code (void)
{
  VtrFlashcode code = { VTR_CODE_MERCHANT, 0, 2, 0, NULL, NULL, NULL, 0, 1 };
  g_autofree char *url = vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);

  assert_camera_opens_shop (url, "merchant");
}

/* The hub's phone pages scanned at a kiosk (its own "continue on your
 * phone" codes, a shop's storefront code): the same screen opens, not a
 * warning that the code is not the federation's. Another host's address
 * of the same shape is still only shown. */
static void
test_phone_links (void)
{
  Kiosk kiosk;

  /* Shown to the camera. */
  assert_camera_opens_shop ("https://vtr13.fr/shop/2", NULL);

  /* Read by a barcode scanner. */
  kiosk_open (&kiosk, NULL);
  act (&kiosk, "scan-text", g_variant_new_string ("https://vtr13.fr/search?q=savon+de+Marseille"));
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_RESULTS_SCREEN, 10));
  wait_loaded (screen (&kiosk));
  g_assert_true (shows_text (screen (&kiosk), "savon de Marseille"));
  act (&kiosk, "scan-text", g_variant_new_string ("https://vtr13.fr/trade/savonnerie"));
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_RESULTS_SCREEN, 10));
  wait_loaded (screen (&kiosk));
  g_assert_false (shows_text (screen (&kiosk), "savon de Marseille"));
  act (&kiosk, "scan-text", g_variant_new_string ("https://vtr13.fr/collect?lat=43.29650&lon=5.37000"));
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_CIVIC_SCREEN, 10));
  act (&kiosk, "scan-text", g_variant_new_string ("https://vtr13.example.com/shop/2"));
  g_assert_true (wait_for_screen (&kiosk, ADW_TYPE_STATUS_PAGE, 10));
  g_assert_true (shows_text (screen (&kiosk), "vtr13.example.com"));
  act (&kiosk, "scan-text", g_variant_new_string ("https://vtr13.fr/shop/2/../../admin"));
  g_assert_true (wait_for_screen (&kiosk, ADW_TYPE_STATUS_PAGE, 10));
  kiosk_close (&kiosk);
}

/* A kiosk: nobody closes it from the screen; the administrator leaves
 * kiosk mode. */
static void
test_kiosk_close (void)
{
  VtrWindow *window;
  Kiosk kiosk;

  kiosk_open_full (&kiosk, data_dir, NULL, TRUE);
  window = g_object_ref (kiosk.window);
  gtk_window_close (GTK_WINDOW (window));
  vtr_test_spin (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (wait_message (&kiosk, "administrat", 2));
  act (&kiosk, "leave-kiosk", NULL);
  vtr_test_spin (300);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_object_unref (window);
  kiosk_close (&kiosk);
}

/* A shop's device: the counter takes the cards the camera reads there; the
 * administrator's PIN screen shows nothing of the shop's last session. */
static void
test_counter (void)
{
  const char *card = "MARSEILLEMARSEILLEMARSEILL";
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) card, NULL, NULL, 0, 1 };
  guint8 shop_key[VTR_SECRET_KEY_BYTES];
  /* The shop's device has its own federation keys; the card is signed
   * with them. */
  g_autofree char *shop_dir = make_demo_dir (shop_key);
  g_autofree char *url = vtr_flashcode_sign (&code, "vtr13.fr", shop_key, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  VtrOrderLine line = { 0, 1, 0 };
  VtrCounter *counter;
  gint64 deadline;
  Kiosk kiosk;

  {
    g_autoptr(VtrStore) store = vtr_store_open (shop_dir, &error);
    g_autoptr(VtrOrder) order = NULL;

    g_assert_true (vtr_staff_set_pin (store, 2, "2468", &error));
    g_assert_true (vtr_staff_set_pin (store, VTR_ADMIN_ID, "13579", &error));
    line.product_id = vtr_test_count (store, "SELECT min (product_id) FROM stock WHERE merchant_id = 2 "
                                             "AND availability > 0");
    order = vtr_order_create (store, 2, &line, 1, 0, "Malika", "0611223344", now, &error);
    g_assert_no_error (error);
  }
  kiosk_open_full (&kiosk, shop_dir, NULL, FALSE);
  act (&kiosk, "show-counter", NULL);
  /* Not a shop's device: no counter but the administrator's. */
  g_assert_true (VTR_IS_SCAN_SCREEN (screen (&kiosk)));
  kiosk_close (&kiosk);

  {
    g_autoptr(VtrStore) store = vtr_store_open (shop_dir, &error);
    VtrHubLink link = { .url = (char *) "http://127.0.0.1:9", .device_id = 42, .device_name = (char *) "Comptoir",
                        .token = (char *) "t", .merchant_id = 2 };

    g_assert_true (vtr_sync_state_save_link (store, &link, &error));
  }
  kiosk_open_full (&kiosk, shop_dir, NULL, FALSE);
  act (&kiosk, "show-counter", NULL);
  /* Whether the shop has a PIN is read on a worker thread first. */
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_COUNTER_SCREEN, 10));
  counter = vtr_counter_screen_get_counter (VTR_COUNTER_SCREEN (screen (&kiosk)));
  for (const char *k = "2468"; *k; k++)
    vtr_counter_press (counter, (char[]) { *k, 0 });
  vtr_counter_press (counter, "OK");
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (!vtr_counter_get_session_open (counter) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vtr_counter_get_session_open (counter));
  /* The shop's orders are read on a worker thread once the session opens. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (!shows_text (screen (&kiosk), "Malika") && g_get_monotonic_time () < deadline)
    vtr_test_spin (50);
  g_assert_true (shows_text (screen (&kiosk), "Malika"));
  /* The card, held up to the camera at the counter. */
  act (&kiosk, "scan-text", g_variant_new_string (url));
  g_assert_true (VTR_IS_COUNTER_SCREEN (screen (&kiosk)));
  g_test_message ("card: %s, message: %s", vtr_counter_get_card (counter), vtr_counter_get_message (counter));
  g_assert_nonnull (strstr (vtr_counter_get_card (counter), "point"));
  /* An amount in euros may have a comma. */
  g_assert_true (gtk_widget_get_visible (vtr_test_find_button (screen (&kiosk), ",")));
  screenshots (&kiosk, "counter");

  /* The administrator's PIN (once a worker read that there is one):
   * nothing of that session on screen. */
  act (&kiosk, "admin", NULL);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (vtr_counter_get_mode (counter) != VTR_COUNTER_MODE_ADMIN_PIN && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  vtr_test_spin (100);
  g_assert_true (VTR_IS_COUNTER_SCREEN (screen (&kiosk)));
  g_assert_false (shows_text (screen (&kiosk), "Malika"));
  g_assert_false (shows_text (screen (&kiosk), "point"));
  /* No comma in a PIN. */
  g_assert_false (gtk_widget_get_visible (vtr_test_find_button (screen (&kiosk), ",")));
  screenshots (&kiosk, "admin-pin");
  /* The right one: the administration, and Back from there goes to
   * where the administrator came from, not to the PIN. */
  for (const char *k = "13579"; *k; k++)
    vtr_counter_press (counter, (char[]) { *k, 0 });
  vtr_counter_press (counter, "OK");
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_ADMIN_SCREEN, 10));
  g_assert_false (shows_text (screen (&kiosk), "Malika"));
  screenshots (&kiosk, "admin-settings");
  act (&kiosk, "back", NULL);
  g_assert_false (VTR_IS_COUNTER_SCREEN (screen (&kiosk)) && vtr_counter_get_mode (counter) == VTR_COUNTER_MODE_ADMIN_PIN);
  act (&kiosk, "go-home", NULL);
  kiosk_close (&kiosk);
  vtr_test_remove_tree (shop_dir);
}

/* Every screen fits, without clipping, landscape and portrait, on the
 * kiosks' screens, at 100 % and large text: the window's smallest size is
 * within the screen. */
static void
test_layout (void)
{
  static const struct { int width, height; } sizes[] = {
    { 1920, 1080 }, { 1080, 1920 }, { 1366, 768 }, { 1280, 800 },
  };
  GtkSettings *settings = gtk_settings_get_default ();
  g_autoptr(GString) clipped = g_string_new (NULL);
  int dpi;
  Kiosk kiosk;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  kiosk_open (&kiosk, NULL);
  for (int large = 0; large < 2; large++)
    {
      g_object_set (settings, "gtk-xft-dpi", large ? dpi * 5 / 4 : dpi, NULL);
      for (int s = 0; s < 9; s++)
        {
          int min_width, min_height;

          act (&kiosk, "go-home", NULL);
          switch (s)
            {
            case 1: act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 7)); break;
            case 2: act (&kiosk, "show-merchant", g_variant_new_int64 (9)); break;
            case 3: act (&kiosk, "search", g_variant_new_string ("savon")); break;
            case 4: act (&kiosk, "browse", NULL); break;
            case 5: act (&kiosk, "show-civic", NULL); break;
            case 6: act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9)); break;
            case 7: act (&kiosk, "admin", NULL); wait_away_from_home (&kiosk); break;
            case 8: act (&kiosk, "scan-text", g_variant_new_string ("https://vitrine-promo.example.com/x")); break;
            default: break;
            }
          wait_loaded (screen (&kiosk));
          gtk_widget_measure (GTK_WIDGET (kiosk.window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
          for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
            {
              gtk_widget_measure (GTK_WIDGET (kiosk.window), GTK_ORIENTATION_VERTICAL, sizes[i].width, &min_height,
                                  NULL, NULL, NULL);
              if (min_width > sizes[i].width || min_height > sizes[i].height)
                g_string_append_printf (clipped, "%s at %d×%d%s needs %d×%d\n", G_OBJECT_TYPE_NAME (screen (&kiosk)),
                                        sizes[i].width, sizes[i].height, large ? ", large text" : "", min_width,
                                        min_height);
            }
        }
    }
  vtr_order_screen_clear (VTR_ORDER_SCREEN (vtr_test_find_type (GTK_WIDGET (kiosk.window), VTR_TYPE_ORDER_SCREEN)));
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  kiosk_close (&kiosk);
  if (clipped->len)
    g_error ("clipped:\n%s", clipped->str);
}

/* WCAG's relative luminance and contrast ratio. */
static double
luminance (const GdkRGBA *c)
{
  double v[3] = { c->red, c->green, c->blue };

  for (int i = 0; i < 3; i++)
    v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow ((v[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double
contrast (const GdkRGBA *fg,
          const GdkRGBA *bg)
{
  double a = luminance (fg) + 0.05, b = luminance (bg) + 0.05;

  return MAX (a, b) / MIN (a, b);
}

static GdkRGBA
named_color (GtkWidget  *widget,
             const char *name)
{
  GdkRGBA color = { 1, 1, 1, 1 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

/* What a label is drawn on: a coloured button or bar, a card, or the
 * window. */
static GdkRGBA
background_of (GtkWidget *label)
{
  for (GtkWidget *up = label; up; up = gtk_widget_get_parent (up))
    {
      if (gtk_widget_has_css_class (up, "message-bar"))
        return (GdkRGBA) { 0x1a / 255.0, 0x5f / 255.0, 0xb4 / 255.0, 1 };
      if (gtk_widget_has_css_class (up, "suggested-action"))
        return named_color (up, "accent_bg_color");
      if (gtk_widget_has_css_class (up, "countdown"))
        return named_color (up, "warning_bg_color");
      /* The map's pins, their numbers on the rows, and "you are here"
       * (data/ui/style.css). */
      gboolean pin = gtk_widget_has_css_class (up, "map-pin") || gtk_widget_has_css_class (up, "map-pin-badge");

      if (pin && gtk_widget_has_css_class (up, "open"))
        return (GdkRGBA) { 0x1b / 255.0, 0x73 / 255.0, 0x40 / 255.0, 1 };
      if (pin && gtk_widget_has_css_class (up, "closed"))
        return (GdkRGBA) { 0x5e / 255.0, 0x5c / 255.0, 0x64 / 255.0, 1 };
      if (pin || gtk_widget_has_css_class (up, "map-here"))
        return (GdkRGBA) { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0, 1 };
      if (gtk_widget_has_css_class (up, "boxed-list") || gtk_widget_has_css_class (up, "card"))
        return named_color (up, "card_bg_color");
    }
  return named_color (label, "window_bg_color");
}

/* Every label shown: its type at least 20 px (read from a metre), its
 * contrast with what it is drawn on at least 4.5:1. */
static void
check_readable (GtkWidget  *widget,
                const char *screen_name,
                GString    *problems)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)))
    {
      PangoContext *pango = gtk_widget_get_pango_context (widget);
      PangoFontDescription *font = pango_context_get_font_description (pango);
      double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
      double px = pango_font_description_get_size_is_absolute (font) ? size
                  : size * pango_cairo_context_get_resolution (pango) / 72.0;
      GdkRGBA color, bg = background_of (widget);
      double alpha = 1, ratio;

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      G_GNUC_END_IGNORE_DEPRECATIONS
      for (GtkWidget *up = widget; up; up = gtk_widget_get_parent (up))
        alpha *= gtk_widget_get_opacity (up);
      alpha *= color.alpha;
      color = (GdkRGBA) { color.red * alpha + bg.red * (1 - alpha), color.green * alpha + bg.green * (1 - alpha),
                          color.blue * alpha + bg.blue * (1 - alpha), 1 };
      ratio = contrast (&color, &bg);
      if (px < 19.5 || ratio < 4.5)
        g_string_append_printf (problems, "%s: “%.40s” %.1f px, contrast %.2f:1\n", screen_name,
                                gtk_label_get_text (GTK_LABEL (widget)), px, ratio);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_readable (child, screen_name, problems);
}

static void
test_readable (void)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  gtk_window_set_default_size (GTK_WINDOW (kiosk.window), 1920, 1080);
  for (int s = 0; s < 10; s++)
    {
      act (&kiosk, "go-home", NULL);
      switch (s)
        {
        case 1: act (&kiosk, "show-product", g_variant_new ("(xx)", (gint64) 13, (gint64) 117)); break;
        case 2: act (&kiosk, "show-merchant", g_variant_new_int64 (9)); break;
        case 3: act (&kiosk, "search", g_variant_new_string ("savon")); break;
        case 4: act (&kiosk, "browse", NULL); break;
        case 5: act (&kiosk, "show-civic", NULL); break;
        case 6: act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9)); break;
        case 7: act (&kiosk, "admin", NULL); wait_away_from_home (&kiosk); break;
        case 8: act (&kiosk, "scan-text", g_variant_new_string ("https://vitrine-promo.example.com/x")); break;
        case 9: act (&kiosk, "toast", g_variant_new_string ("Un message")); break;
        default: break;
        }
      wait_loaded (screen (&kiosk));
      vtr_test_spin (300);
      check_readable (GTK_WIDGET (kiosk.window), G_OBJECT_TYPE_NAME (screen (&kiosk)), problems);
    }
  vtr_order_screen_clear (VTR_ORDER_SCREEN (vtr_test_find_type (GTK_WIDGET (kiosk.window), VTR_TYPE_ORDER_SCREEN)));
  kiosk_close (&kiosk);
  if (problems->len)
    g_error ("hard to read:\n%s", problems->str);
}

/* Every screen, as the README shows it: landscape and portrait, drawn at
 * the screen's own size (not a larger window scaled down). */
static void
test_screenshots (void)
{
  static const struct { const char *name; const char *action; } screens[] = {
    { "scan", NULL },
    { "search-results", "search" },
    { "services", "browse" },
    { "civic", "show-civic" },
    { "order", "order" },
  };
  Kiosk kiosk;

  kiosk_open (&kiosk, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      act (&kiosk, "go-home", NULL);
      if (g_strcmp0 (screens[i].action, "search") == 0)
        act (&kiosk, "search", g_variant_new_string ("savon"));
      else if (g_strcmp0 (screens[i].action, "order") == 0)
        act (&kiosk, "order", g_variant_new ("(xx)", (gint64) 13, (gint64) 9));
      else if (screens[i].action)
        act (&kiosk, screens[i].action, NULL);
      wait_loaded (screen (&kiosk));
      screenshots (&kiosk, screens[i].name);
    }
  vtr_order_screen_clear (VTR_ORDER_SCREEN (vtr_test_find_type (GTK_WIDGET (kiosk.window), VTR_TYPE_ORDER_SCREEN)));
  kiosk_close (&kiosk);
}

/* A code held up to the camera while the kiosk starts, before its window
 * listens, is read when the window is there: the camera's cooldown once
 * kept it quiet for as long as it stayed in view. */
static void
test_code_held_at_start (void)
{
  g_autofree char *code = product_code (13, 0);
  g_autofree char *image = code_image ("held.png", code);
  VtrCameraStats stats = { 0 };
  gint64 deadline;
  Kiosk kiosk;

  kiosk.app = vtr_application_new (data_dir, image, FALSE);
  vtr_application_start (kiosk.app);
  vtr_application_wait_opened (kiosk.app);
  /* The camera reads the code with no window to hear of it. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  while (stats.decoded < 5 && g_get_monotonic_time () < deadline)
    {
      vtr_test_iterate ();
      vtr_camera_get_stats (vtr_application_get_camera (kiosk.app), &stats);
    }
  g_assert_cmpuint (stats.decoded, >=, 5);
  kiosk.window = VTR_WINDOW (vtr_application_show_window (kiosk.app));
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_PRODUCT_SCREEN, 20));
  kiosk_close (&kiosk);
}

/* The text of the scan screen's "no camera" page, once it shows, or "". */
static const char *
wait_no_camera_text (Kiosk      *kiosk,
                     const char *start)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  const char *text = "";

  while (g_get_monotonic_time () < deadline)
    {
      GtkWidget *page = vtr_test_find_type (GTK_WIDGET (kiosk_window (kiosk)), ADW_TYPE_STATUS_PAGE);

      text = page ? adw_status_page_get_description (ADW_STATUS_PAGE (page)) : NULL;
      if (text && g_str_has_prefix (text, start))
        return text;
      g_main_context_iteration (NULL, TRUE);
    }
  return text ? text : "";
}

/* No camera: the page says so in the language shown, also after the
 * language changed (the camera's words were translated once, when it
 * failed, and stayed French in the English window). */
static void
test_no_camera_language (void)
{
  Kiosk kiosk;

  kiosk_open (&kiosk, "v4l2src device=/dev/video-unplugged");
  g_assert_cmpstr (wait_no_camera_text (&kiosk, "Aucune caméra"), ==,
                   "Aucune caméra trouvée. Vérifiez qu’elle est branchée : Vitrine la démarrera d’elle-même "
                   "dès son retour.");
  act (&kiosk, "toggle-language", NULL);
  g_assert_cmpstr (wait_no_camera_text (&kiosk, "No camera"), ==,
                   "No camera found. Check that it is plugged in: Vitrine will start it by itself when it is back.");
  act (&kiosk, "toggle-language", NULL);
  g_assert_true (g_str_has_prefix (wait_no_camera_text (&kiosk, "Aucune caméra"), "Aucune caméra"));
  kiosk_close (&kiosk);
}

/* No camera, outside kiosk mode: "Pair with the federation" says to
 * open the code's picture with "Scan a picture…", not to show it to the
 * camera the screen says is missing. In kiosk mode (pictures only from
 * a USB drive), the camera's words stay. */
static void
test_pairing_no_camera (void)
{
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  Kiosk kiosk;

  kiosk_open (&kiosk, "v4l2src device=/dev/video-unplugged");
  g_assert_true (g_str_has_prefix (wait_no_camera_text (&kiosk, "Aucune caméra"), "Aucune caméra"));
  act (&kiosk, "allow-pairing", NULL);
  g_assert_true (wait_message (&kiosk, "« Scanner une image… »", 5));
  g_assert_null (strstr (vtr_window_get_message (kiosk_window (&kiosk)), "à la caméra"));
  kiosk_close (&kiosk);

  kiosk_open_full (&kiosk, kiosk_dir, "v4l2src device=/dev/video-unplugged", TRUE);
  g_assert_true (g_str_has_prefix (wait_no_camera_text (&kiosk, "Aucune caméra"), "Aucune caméra"));
  act (&kiosk, "allow-pairing", NULL);
  g_assert_true (wait_message (&kiosk, "à la caméra", 5));
  kiosk_close (&kiosk);
  vtr_test_remove_tree (kiosk_dir);
}

/* A window closed leaves nothing behind. */
static void
test_window_freed (void)
{
  /* A code read by the camera holds nothing of the window either: an ad
   * naming no shop (no poster scan to count) once kept it for ever. */
  g_autofree char *code = product_code (13, 0);
  g_autofree char *image = code_image ("ad.png", code);
  VtrWindow *window;
  Kiosk kiosk;

  kiosk_open (&kiosk, image);
  g_assert_true (wait_for_screen (&kiosk, VTR_TYPE_PRODUCT_SCREEN, 20));
  act (&kiosk, "show-merchant", g_variant_new_int64 (9));
  vtr_test_spin (300);
  window = g_object_ref (kiosk.window);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_spin (300);
  g_assert_finalize_object (window);
  kiosk_close (&kiosk);
}

int
main (int argc, char *argv[])
{
  int status;

  /* In French, as a kiosk of the federation. */
  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  data_dir = make_demo_dir (secret);

  g_test_add_func ("/window/scan-product", test_scan_product);
  g_test_add_func ("/window/history", test_history);
  g_test_add_func ("/window/foreign-code", test_foreign_code);
  g_test_add_func ("/window/expired-ad", test_expired_ad);
  g_test_add_func ("/window/forged-code", test_forged_code);
  g_test_add_func ("/window/messages", test_messages);
  g_test_add_func ("/window/order", test_order);
  g_test_add_func ("/window/order-card", test_order_card);
  g_test_add_func ("/window/order-off-main-thread", test_order_off_main_thread);
  g_test_add_func ("/window/order-window-closed", test_order_window_closed);
  g_test_add_func ("/window/order-no-numbers", test_order_no_numbers);
  g_test_add_func ("/window/product-by-number", test_product_by_number);
  g_test_add_func ("/window/language", test_language);
  g_test_add_func ("/window/staff-language", test_staff_language);
  g_test_add_func ("/window/shop-position", test_shop_position);
  g_test_add_func ("/window/language-keeps-place", test_language_keeps_place);
  g_test_add_func ("/window/idle-reset", test_idle_reset);
  g_test_add_func ("/window/pairing", test_pairing);
  g_test_add_func ("/window/pairing-needs-admin", test_pairing_needs_admin);
  g_test_add_func ("/window/store-notice", test_store_notice);
  g_test_add_func ("/window/start-off-main-thread", test_start_off_main_thread);
  g_test_add_func ("/window/start-home-only", test_start_home_only);
  g_test_add_func ("/window/merchant-code", test_merchant_code);
  g_test_add_func ("/window/phone-links", test_phone_links);
  g_test_add_func ("/window/kiosk-close", test_kiosk_close);
  g_test_add_func ("/window/counter", test_counter);
  g_test_add_func ("/window/layout", test_layout);
  g_test_add_func ("/window/readable", test_readable);
  g_test_add_func ("/window/screenshots", test_screenshots);
  g_test_add_func ("/window/code-held-at-start", test_code_held_at_start);
  g_test_add_func ("/window/no-camera-language", test_no_camera_language);
  g_test_add_func ("/window/window-freed", test_window_freed);
  g_test_add_func ("/window/pairing-no-camera", test_pairing_no_camera);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vtr-application.h"
#include "vtr-counter.h"
#include "vtr-counter-screen.h"
#include "vtr-i18n.h"
#include "vtr-orders.h"
#include "vtr-scan-screen.h"
#include "vtr-sound.h"
#include "vtr-staff.h"
#include "vtr-sync-service.h"
#include "vtr-test-hub.h"
#include "vtr-test-util.h"
#include "vtr-window.h"

/*
 * Orders arriving at a shop's device, in the app (under Xvfb), from a
 * street kiosk through the real hub: the app's own sync brings them; a
 * badge says how many wait and a tone sounds; the counter lists them once
 * the staff PIN is typed. The hub, the street kiosk (vitrine-ctl) and
 * the app are separate processes on 127.0.0.1 with their own folders.
 */

#define SHOP "1"

typedef struct
{
  char       *hub_dir;
  char       *street;
  VtrTestHub *hub;
} Federation;

static void
ctl_ok (const char *dir,
        ...)
{
  g_auto(VtrTestResult) r = { 0 };
  const char *argv[16] = { 0 };
  const char *arg;
  guint n = 0;
  va_list args;

  va_start (args, dir);
  while ((arg = va_arg (args, const char *)) != NULL && n < 15)
    argv[n++] = arg;
  va_end (args);
  vtr_test_run (&r, "VITRINE_CTL", dir, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6],
                argv[7], argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], argv[14], NULL);
  if (r.status != 0)
    g_error ("vitrine-ctl %s %s: %s", argv[0], argv[1] ? argv[1] : "", r.err);
}

static char *
pairing_code (Federation *fed,
              const char *name,
              const char *merchant)
{
  g_auto(VtrTestResult) r = { 0 };

  if (merchant)
    vtr_test_run (&r, "VITRINE_HUB", fed->hub_dir, NULL, "device", "add", name, "--merchant", merchant, NULL);
  else
    vtr_test_run (&r, "VITRINE_HUB", fed->hub_dir, NULL, "device", "add", name, NULL);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_last_line (r.out);
}

/* A customer orders at the street kiosk, which sends it to the hub. */
static void
order_at_street (Federation *fed,
                 const char *first_name)
{
  ctl_ok (fed->street, "order", "create", "--merchant", SHOP, "--items", "13:1", "--first-name", first_name,
          "--phone", "0612345678", NULL);
  ctl_ok (fed->street, "sync", NULL);
}

static void
federation_start (Federation *fed)
{
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) demo = { 0 };
  g_auto(VtrTestResult) codes = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *codes_path = NULL;

  fed->hub_dir = vtr_test_make_data_dir ();
  fed->street = vtr_test_make_data_dir ();
  vtr_test_run (&keys, "VITRINE_HUB", fed->hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  vtr_test_run (&demo, "VITRINE_HUB", fed->hub_dir, NULL, "demo", NULL);
  g_assert_cmpint (demo.status, ==, 0);
  vtr_test_run (&codes, "VITRINE_HUB", fed->hub_dir, NULL, "sign", "pickup", "--count", "5", NULL);
  g_assert_cmpint (codes.status, ==, 0);
  fed->hub = vtr_test_hub_start (fed->hub_dir, 0);
  code = pairing_code (fed, "Kiosque de la Canebière", NULL);
  ctl_ok (fed->street, "pair", code, "--hub", fed->hub->url, NULL);
  ctl_ok (fed->street, "sync", NULL);
  codes_path = g_build_filename (fed->street, "codes.txt", NULL);
  g_assert_true (g_file_set_contents (codes_path, codes.out, -1, NULL));
  ctl_ok (fed->street, "order", "stock", codes_path, NULL);
}

static void
federation_stop (Federation *fed)
{
  vtr_test_hub_stop (fed->hub, SIGTERM);
  vtr_test_remove_tree (fed->hub_dir);
  vtr_test_remove_tree (fed->street);
  g_free (fed->hub_dir);
  g_free (fed->street);
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
  if (ADW_IS_ACTION_ROW (widget) && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) ?: "", text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static VtrSyncService *app_sync;

static gboolean
wait_badge (VtrWindow  *window,
            const char *words,
            guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      const char *badge = vtr_window_get_orders_badge (window);

      if (badge && strstr (badge, words))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_test_message ("badge: %s", vtr_window_get_orders_badge (window) ?: "(none)");
  g_test_message ("last sync error: %s", vtr_sync_service_get_last_error (app_sync) ?: "(none)");
  return FALSE;
}

/* The shop's counter device at @shop_dir, paired with the hub, its staff
 * PIN 2468. */
static void
pair_shop_device (Federation *fed,
                  const char *shop_dir)
{
  g_autofree char *code = pairing_code (fed, "Boulangerie, comptoir", SHOP);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;

  ctl_ok (shop_dir, "pair", code, "--hub", fed->hub->url, NULL);
  store = vtr_store_open (shop_dir, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_staff_set_pin (store, 1, "2468", &error));
}

/* The counter, opened with the staff PIN 2468. */
static VtrCounter *
open_counter (VtrWindow *window)
{
  VtrCounter *counter;
  gint64 deadline;

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-counter", NULL);
  /* Whether the shop has a PIN is read on a worker thread first. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (!VTR_IS_COUNTER_SCREEN (vtr_window_get_visible_screen (window)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (VTR_IS_COUNTER_SCREEN (vtr_window_get_visible_screen (window)));
  counter = vtr_counter_screen_get_counter (VTR_COUNTER_SCREEN (vtr_window_get_visible_screen (window)));
  for (const char *k = "2468"; *k; k++)
    vtr_counter_press (counter, (char[]) { *k, 0 });
  vtr_counter_press (counter, "OK");
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while ((!vtr_counter_get_session_open (counter) || vtr_counter_get_busy (counter)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return counter;
}

/* An order placed at a street kiosk comes to the shop's app by its sync:
 * a badge and a tone; the counter lists it with the customer's name;
 * accepted, it leaves the badge. */
static void
test_order_arrives (void)
{
  Federation fed = { 0 };
  g_autofree char *shop_dir = vtr_test_make_data_dir ();
  VtrApplication *app;
  VtrWindow *window;
  VtrCounter *counter;
  GtkWidget *visible;
  guint tones;

  federation_start (&fed);
  pair_shop_device (&fed, shop_dir);

  app = vtr_application_new (shop_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  vtr_application_wait_opened (app);
  app_sync = vtr_application_get_sync (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  vtr_test_spin (500);
  g_assert_null (vtr_window_get_orders_badge (window));
  tones = vtr_sound_count_played (vtr_application_get_sound (app));

  /* The customer orders in the street; the shop's next sync brings it. */
  order_at_street (&fed, "Lisette");
  vtr_sync_service_sync_now (vtr_application_get_sync (app));
  g_assert_true (wait_badge (window, "1", 30));
  g_assert_cmpuint (vtr_sound_count_played (vtr_application_get_sound (app)), >, tones);

  /* A second one: the badge counts it. (Its tone is asked too, but under
   * Xvfb VtrSound never hears the end of its first tone and drops the
   * next: not counted here.) */
  order_at_street (&fed, "Norbert");
  vtr_sync_service_sync_now (vtr_application_get_sync (app));
  g_assert_true (wait_badge (window, "2", 30));

  /* At the counter, after the staff PIN: both, with the customers' names. */
  counter = open_counter (window);
  visible = vtr_window_get_visible_screen (window);
  vtr_test_spin (100);
  g_assert_true (shows_text (visible, "Lisette"));
  g_assert_true (shows_text (visible, "Norbert"));

  /* Accepting one leaves one waiting. */
  {
    GPtrArray *orders = vtr_counter_get_orders (counter);

    g_assert_nonnull (orders);
    g_assert_cmpuint (orders->len, ==, 2);
    vtr_counter_advance_order (counter, ((VtrOrder *) g_ptr_array_index (orders, 0))->number);
  }
  g_assert_true (wait_badge (window, "1", 10));

  vtr_application_stop (app);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (app);
  federation_stop (&fed);
  vtr_test_remove_tree (shop_dir);
}

/* A customer's pickup code scanned at the street kiosk that took the
 * order says where it is, as the shop last said. */
static void
test_pickup_at_street (void)
{
  Federation fed = { 0 };
  g_autofree char *pickup = NULL;
  g_auto(GStrv) parts = NULL;
  VtrApplication *app;
  VtrWindow *window;
  gint64 deadline;
  const char *shown = NULL;

  federation_start (&fed);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_CTL", fed.street, NULL, "order", "create", "--merchant", SHOP, "--items", "13:1",
                  "--first-name", "Fanny", "--phone", "0612345678", NULL);
    g_assert_cmpint (r.status, ==, 0);
    pickup = vtr_test_last_line (r.out);
    g_assert_true (g_str_has_prefix (pickup, "HTTPS://"));
    /* HTTPS://HOST/O/NUMBER/… */
    parts = g_strsplit (pickup, "/", -1);
    g_assert_cmpuint (g_strv_length (parts), >, 4);
  }

  app = vtr_application_new (fed.street, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  vtr_application_wait_opened (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  vtr_test_spin (300);
  g_action_group_activate_action (G_ACTION_GROUP (window), "scan-text", g_variant_new_string (pickup));
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline &&
         !((shown = vtr_window_get_message (window)) && strstr (shown, parts[4])))
    vtr_test_iterate ();
  g_test_message ("message: %s", shown ?: "(none)");
  g_assert_nonnull (shown);
  /* The order's number and its state, not "at the counter, in counter mode". */
  g_assert_nonnull (strstr (shown, parts[4]));
  g_assert_true (strstr (shown, "waiting for the shop") || strstr (shown, "attend"));

  vtr_application_stop (app);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (app);
  federation_stop (&fed);
}

/* The shop's app waits at the hub for its orders between its syncs (a
 * long-poll): an order placed in the street shows on its badge in a few
 * seconds, though its next sync is 30 s away. */
static void
test_order_without_waiting_for_the_poll (void)
{
  Federation fed = { 0 };
  g_autofree char *shop_dir = vtr_test_make_data_dir ();
  g_autofree char *code = NULL;
  VtrApplication *app;
  VtrWindow *window;
  gint64 deadline;

  federation_start (&fed);
  code = pairing_code (&fed, "Boulangerie, comptoir", SHOP);
  ctl_ok (shop_dir, "pair", code, "--hub", fed.hub->url, NULL);

  app = vtr_application_new (shop_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  vtr_application_wait_opened (app);
  app_sync = vtr_application_get_sync (app);
  /* Its syncs every 30 s (the default). */
  {
    guint interval;

    g_object_get (app_sync, "interval", &interval, NULL);
    g_assert_cmpuint (interval, ==, 30);
  }
  window = VTR_WINDOW (vtr_application_show_window (app));
  /* Its first sync, then it waits. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 60 * G_USEC_PER_SEC;
  while (vtr_sync_service_get_last_success (app_sync) == 0 && g_get_monotonic_time () < deadline)
    vtr_test_iterate ();
  g_assert_cmpint (vtr_sync_service_get_last_success (app_sync), >, 0);
  vtr_test_spin (1000);
  g_assert_null (vtr_window_get_orders_badge (window));

  order_at_street (&fed, "Escartefigue");
  g_assert_true (wait_badge (window, "1", 8));

  vtr_application_stop (app);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (app);
  federation_stop (&fed);
  vtr_test_remove_tree (shop_dir);
}

/* The state of the street kiosk's order @number, after its sync. */
static char *
street_state (Federation *fed,
              const char *number)
{
  g_auto(VtrTestResult) synced = { 0 };
  g_auto(VtrTestResult) shown = { 0 };
  g_autoptr(JsonObject) order = NULL;

  vtr_test_run (&synced, "VITRINE_CTL", fed->street, NULL, "sync", NULL);
  vtr_test_run (&shown, "VITRINE_CTL", fed->street, NULL, "order", "show", number, "--json", NULL);
  if (shown.status != 0)
    return NULL;
  order = vtr_test_parse_object (shown.out);
  return g_strdup (json_object_get_string_member (order, "state"));
}

/* What the merchant does at the counter goes up at once, not at the next
 * sync 30 s later: the customer's kiosk knows the order is accepted in
 * seconds. */
static void
test_step_goes_up_at_once (void)
{
  Federation fed = { 0 };
  g_autofree char *shop_dir = vtr_test_make_data_dir ();
  g_autofree char *number = NULL;
  g_autofree char *state = NULL;
  VtrApplication *app;
  VtrWindow *window;
  VtrCounter *counter;
  GPtrArray *orders;
  gint64 deadline;

  federation_start (&fed);
  pair_shop_device (&fed, shop_dir);
  app = vtr_application_new (shop_dir, "/nonexistent/camera", FALSE);
  vtr_application_start (app);
  app_sync = vtr_application_get_sync (app);
  window = VTR_WINDOW (vtr_application_show_window (app));
  deadline = g_get_monotonic_time () + vtr_test_slow () * 60 * G_USEC_PER_SEC;
  while (vtr_sync_service_get_last_success (app_sync) == 0 && g_get_monotonic_time () < deadline)
    vtr_test_iterate ();
  order_at_street (&fed, "Panisse");
  g_assert_true (wait_badge (window, "1", 30));

  counter = open_counter (window);
  orders = vtr_counter_get_orders (counter);
  g_assert_nonnull (orders);
  g_assert_cmpuint (orders->len, ==, 1);
  number = g_strdup (((VtrOrder *) g_ptr_array_index (orders, 0))->number);

  /* Accepted: the app's next periodic sync is far off, yet the street
   * kiosk can tell the customer in seconds. */
  vtr_counter_advance_order (counter, ((VtrOrder *) g_ptr_array_index (orders, 0))->number);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 8 * G_USEC_PER_SEC;
  do
    {
      vtr_test_spin (200);
      g_free (state);
      state = street_state (&fed, number);
    }
  while (g_strcmp0 (state, "accepted") != 0 && g_get_monotonic_time () < deadline);
  g_assert_cmpstr (state, ==, "accepted");

  vtr_application_stop (app);
  gtk_window_destroy (GTK_WINDOW (window));
  vtr_test_spin (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (app);
  federation_stop (&fed);
  vtr_test_remove_tree (shop_dir);
}

int
main (int argc, char *argv[])
{
  g_setenv ("LANGUAGE", "fr", TRUE);
  /* No sound card under Xvfb: a sink that takes the tones. */
  g_setenv ("VITRINE_AUDIO_SINK", "fakesink", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/counter-orders/order-arrives", test_order_arrives);
  g_test_add_func ("/counter-orders/pickup-at-street", test_pickup_at_street);
  g_test_add_func ("/counter-orders/order-without-waiting-for-the-poll", test_order_without_waiting_for_the_poll);
  g_test_add_func ("/counter-orders/step-goes-up-at-once", test_step_goes_up_at_once);
  return g_test_run ();
}

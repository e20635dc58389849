#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vtr-code-stock.h"
#include "vtr-counter-screen.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-keyboard.h"
#include "vtr-order-step-dialog.h"
#include "vtr-orders.h"
#include "vtr-store-private.h"
#include "vtr-test-keys.h"
#include "vtr-test-screen.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"

/*
 * The counter's screen in a window, under Xvfb, in French: driven by its
 * keypad's buttons (found by the names a screen reader says), by its own
 * actions and by a physical keyboard; checked on what its labels and rows
 * show, and on the actions it asks of the window ("win", recorded here).
 */

#define STAFF_PIN "2468"
#define ADMIN_PIN "13579"
#define SHOP 2

static char *data_dir;
static guint8 secret[VTR_SECRET_KEY_BYTES];

typedef struct
{
  VtrStore         *store;
  VtrCatalog       *catalog;
  VtrKeyList       *keys;
  VtrCounter       *counter;
  GtkWindow        *window;
  VtrCounterScreen *screen;
  GPtrArray        *fired;   /* "name" or "name:parameter", the window's actions asked */
} Fixture;

static void
on_win_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  Fixture *f = data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (parameter && g_variant_is_of_type (parameter, G_VARIANT_TYPE_STRING))
    g_ptr_array_add (f->fired, g_strdup_printf ("%s:%s", name, g_variant_get_string (parameter, NULL)));
  else
    g_ptr_array_add (f->fired, g_strdup (name));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char * const plain[] = { "show-admin", "allow-pairing", "leave-kiosk", "back", "go-home",
                                        "scan-file" };
  static const char * const with_text[] = { "toast", "play-tone" };
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autoptr(GError) error = NULL;

  f->store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (f->store);
  f->keys = vtr_trust_load (f->store, &error);
  f->counter = vtr_counter_new (f->store, f->catalog, NULL);
  vtr_counter_set_keys (f->counter, f->keys);
  vtr_counter_set_merchant_id (f->counter, SHOP);
  f->fired = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (plain[i], NULL);

      g_signal_connect (action, "activate", G_CALLBACK (on_win_action), f);
      g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (action));
    }
  for (guint i = 0; i < G_N_ELEMENTS (with_text); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (with_text[i], G_VARIANT_TYPE_STRING);

      g_signal_connect (action, "activate", G_CALLBACK (on_win_action), f);
      g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (action));
    }
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1280, 800);
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "win", G_ACTION_GROUP (win));
  f->screen = VTR_COUNTER_SCREEN (vtr_counter_screen_new (f->counter));
  g_object_ref (f->screen);
  gtk_window_set_child (f->window, GTK_WIDGET (f->screen));
  vtr_counter_open (f->counter);
  gtk_window_present (f->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->screen)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* Nothing keeps the screen or the counter alive once it is gone. */
  g_assert_finalize_object (f->screen);
  g_assert_finalize_object (f->counter);
  g_clear_pointer (&f->fired, g_ptr_array_unref);
  g_clear_pointer (&f->keys, vtr_key_list_free);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
}

static gboolean
fired (Fixture    *f,
       const char *what)
{
  for (guint i = 0; i < f->fired->len; i++)
    if (g_str_equal (g_ptr_array_index (f->fired, i), what))
      return TRUE;
  return FALSE;
}

static void wait_idle (Fixture *f);

/* A tap on the button named @name, once the counter is done with what
 * the tap before asked (a PIN checked, a credit written), as a person
 * waits for the keypad to come back; then what it asked is done. */
static void
tap (Fixture    *f,
     const char *name)
{
  GtkWidget *button;

  wait_idle (f);
  button = vtr_test_find_shown_button (GTK_WIDGET (f->screen), name);
  if (button == NULL)
    g_error ("no button named “%s” on the counter", name);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  wait_idle (f);
}

static void
tap_keys (Fixture    *f,
          const char *keys)
{
  for (const char *k = keys; *k; k++)
    {
      char key[2] = { *k, 0 };

      tap (f, key);
    }
}

/* The row titled @title, on screen now. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (ADW_IS_PREFERENCES_ROW (widget) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found)
        return found;
    }
  return NULL;
}

static char *
row_subtitle (Fixture    *f,
              const char *title)
{
  GtkWidget *row = find_row (GTK_WIDGET (f->screen), title);

  g_assert_nonnull (row);
  if (ADW_IS_EXPANDER_ROW (row))
    return g_strdup (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)));
  return g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

/* The dialog's button named @name tapped, once it is on screen. */
static void
tap_in_dialog (Fixture    *f,
               const char *name)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  AdwMessageDialog *dialog;
  GtkWidget *button = NULL;

  while (((dialog = vtr_test_open_message_dialog ()) == NULL ||
          (button = vtr_test_find_shown_button (GTK_WIDGET (dialog), name)) == NULL) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (button == NULL)
    g_error ("no dialog with a button named “%s” over the counter", name);
  g_signal_emit_by_name (button, "clicked");
  wait_idle (f);
  /* Closed once answered. */
  deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  while (vtr_test_open_message_dialog () && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vtr_test_open_message_dialog ());
}

/* Everything written on the screen now, one text a line. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static char *
screen_text (Fixture *f)
{
  GString *text = g_string_new (NULL);

  collect_text (GTK_WIDGET (f->screen), text);
  return g_string_free (text, FALSE);
}

static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  while (vtr_counter_get_busy (f->counter) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_counter_get_busy (f->counter));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
shows (Fixture    *f,
       const char *words)
{
  g_autofree char *text = screen_text (f);

  return strstr (text, words) != NULL;
}

static void
send_key (GtkWidget *widget,
          guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  /* A key the counter takes is not passed on. */
  g_assert_true (handled);
}

static char *
card_code (const char *card_id)
{
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) card_id, NULL, NULL, 0, 1 };

  return vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
}

static VtrOrder *
place_order (VtrStore   *store,
             const char *first_name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  VtrOrderLine line = { 0, 1, 0 };
  VtrOrder *order;

  line.product_id = vtr_test_count (store, "SELECT product_id FROM stock WHERE merchant_id = 2 AND availability > 0 "
                                           "ORDER BY product_id LIMIT 1");
  order = vtr_order_create (store, SHOP, &line, 1, 0, first_name, "0611223344", now, &error);
  g_assert_no_error (error);
  return order;
}

/* The keypad a person taps: every key named, a PIN shown as dots, a
 * wrong one refused in words, the right one opening the session. */
static void
test_keypad (Fixture       *f,
             gconstpointer  data)
{
  static const char * const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Effacer", "Valider" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (vtr_test_find_shown_button (GTK_WIDGET (f->screen), names[i]) == NULL)
      g_error ("no keypad button named “%s”", names[i]);
  g_assert_true (shows (f, "Code du personnel"));
  tap_keys (f, "135");
  g_assert_true (shows (f, "● ● ● "));
  g_assert_false (shows (f, "135"));
  tap (f, "Effacer");
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (shows (f, "Code du personnel"));
  g_assert_cmpuint (strlen (vtr_counter_get_message (f->counter)), >, 5);
  g_assert_true (shows (f, vtr_counter_get_message (f->counter)));

  /* The screen's own action, as the buttons use it. */
  for (const char *k = STAFF_PIN; *k; k++)
    {
      char key[2] = { *k, 0 };

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->screen), "counter.press", "s", key));
    }
  tap (f, "Valider");
  wait_idle (f);
  /* Before a card, digits are an order's number: said above them. */
  g_assert_true (shows (f, "Numéro de commande — ou la carte du client"));
  g_assert_true (shows (f, "Scannez la carte du client"));
  g_assert_true (shows (f, "—"));
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Virgule"));
  g_assert_nonnull (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Nouveau client : créer une carte"));
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Imprimer le ticket client"));
}

/* An amount takes cents and as many euros as the largest purchase: a key
 * more is not kept (it was, and OK then refused all that was typed). */
static void
test_amount_digits (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *code = card_code ("DIGITSDIGITSDIGITSDIGITSDI");

  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  /* An amount, for the card scanned. */
  g_assert_true (vtr_counter_take_code (f->counter, code));
  wait_idle (f);
  g_assert_true (shows (f, "Montant de l’achat"));
  tap_keys (f, "12345");
  g_assert_true (shows (f, "1234 €"));
  tap (f, "Virgule");
  tap_keys (f, "567");
  g_assert_true (shows (f, "1234,56 €"));
  tap (f, "Effacer");
  tap (f, "Effacer");
  tap (f, "Effacer");
  tap (f, "Effacer");
  tap (f, "9");
  tap (f, "Virgule");
  tap (f, "5");
  g_assert_true (shows (f, "1239,5 €"));
}

/* A physical keyboard types into the keypad: digits, comma, Backspace,
 * Enter; other keys go on to the window. */
static void
test_physical_keyboard (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *code = card_code ("KEYSKEYSKEYSKEYSKEYSKEYSKE");
  GtkWidget *screen = GTK_WIDGET (f->screen);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (screen);
  gboolean handled = TRUE;

  for (const char *k = STAFF_PIN; *k; k++)
    send_key (screen, GDK_KEY_0 + (*k - '0'));
  send_key (screen, GDK_KEY_Return);
  wait_idle (f);
  g_assert_true (shows (f, "Numéro de commande"));
  g_assert_true (vtr_counter_take_code (f->counter, code));
  send_key (screen, GDK_KEY_KP_1);
  send_key (screen, GDK_KEY_2);
  send_key (screen, GDK_KEY_period);
  send_key (screen, GDK_KEY_5);
  send_key (screen, GDK_KEY_9);
  send_key (screen, GDK_KEY_BackSpace);
  g_assert_true (shows (f, "12,5 €"));
  send_key (screen, GDK_KEY_KP_Enter);
  wait_idle (f);
  g_assert_true (g_str_has_prefix (vtr_counter_get_message (f->counter), "+"));
  g_assert_true (shows (f, vtr_counter_get_message (f->counter)));

  /* A letter is not the counter's: it propagates. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_a, 0, 0, &handled);
    }
  g_assert_false (handled);
}

/* The bug of issue 15: the administrator's PIN screen still showed the
 * last shop session's orders and customer names. Once asked, the screen
 * shows no order, no customer, no card; the right PIN asks the window for
 * the admin screen. */
/* A shop's session with no order yet shows where orders will come, and
 * that they come with a sound; outside a session, nothing of it. */
static void
test_no_order_yet (Fixture       *f,
                   gconstpointer  data)
{
  const char *none = "Pas encore de commande : une nouvelle arrive ici, avec un son.";
  g_autoptr(GError) error = NULL;

  /* Another shop of the catalogue, which the other tests give no order. */
  g_assert_true (vtr_staff_set_pin (f->store, SHOP + 1, STAFF_PIN, &error));
  g_assert_no_error (error);
  vtr_counter_set_merchant_id (f->counter, SHOP + 1);
  g_assert_false (shows (f, none));
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (shows (f, "Les commandes du commerce"));
  g_assert_true (shows (f, none));

  /* The shop's own counter, with its orders: no such words. */
  vtr_counter_set_merchant_id (f->counter, SHOP);
  vtr_counter_refresh_orders (f->counter);
  wait_idle (f);
  g_assert_false (shows (f, none));
}

static void
test_admin_pin_shows_no_shop (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(VtrOrder) order = place_order (f->store, "Yasmina");
  g_autofree char *code = card_code ("SHOPSHOPSHOPSHOPSHOPSHOPSH");
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_staff_set_pin (f->store, VTR_ADMIN_ID, ADMIN_PIN, &error));
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (vtr_counter_take_code (f->counter, code));
  /* The shop's session shows its orders, the customer and the card. */
  g_assert_true (shows (f, "Les commandes du commerce"));
  g_assert_true (shows (f, order->number));
  g_assert_true (shows (f, "Yasmina"));
  g_assert_true (shows (f, "Carte …OPSH"));

  /* The header's "Administration": the window asks the counter for the
   * administrator's PIN. */
  vtr_counter_ask_admin_pin (f->counter);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (shows (f, "Code administrateur"));
  g_assert_false (shows (f, "Les commandes du commerce"));
  g_assert_false (shows (f, order->number));
  g_assert_false (shows (f, "Yasmina"));
  g_assert_false (shows (f, "Carte"));
  g_assert_false (shows (f, "Récompenses"));
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Nouveau client : créer une carte"));
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Imprimer le ticket client"));

  /* A wrong PIN: still nothing of the shop, and no admin screen. */
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_false (fired (f, "show-admin"));
  g_assert_false (shows (f, "Yasmina"));
  g_assert_true (shows (f, "Code administrateur"));
  tap_keys (f, ADMIN_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (fired (f, "show-admin"));
  g_assert_false (shows (f, "Yasmina"));
}

/* Rewards and orders as rows a person taps: a reward the card can pay
 * for is given; an order accepted, then made ready. */
static void
test_rewards_and_orders (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VtrOrder) order = NULL;
  g_autoptr(VtrOrder) odd_order = NULL;
  g_autofree char *code = card_code ("ROWSROWSROWSROWSROWSROWSRO");
  g_autoptr(GPtrArray) rewards = vtr_loyalty_list_rewards (f->store, SHOP, NULL);
  VtrReward *cheapest;
  g_autofree char *give = NULL;
  GtkWidget *button;

  g_assert_nonnull (rewards);
  cheapest = g_ptr_array_index (rewards, 0);
  /* A reward whose title is not markup, and a customer's name neither. */
  {
    VtrReward odd = { 999, SHOP, 900, VTR_REWARD_DISCOUNT, 1000, 0, (char *) "Café & <b>croissant</b>" };
    g_autoptr(GError) error = NULL;

    g_assert_true (vtr_catalog_put_reward (f->catalog, &odd, &error));
  }
  g_clear_pointer (&odd_order, vtr_order_free);
  odd_order = place_order (f->store, "Zoé & Léa");
  give = g_strdup_printf ("Donner « %s »", cheapest->title);
  order = place_order (f->store, "Malik");
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (vtr_counter_take_code (f->counter, code));
  wait_idle (f);
  g_assert_true (shows (f, "Récompenses"));
  g_assert_true (shows (f, "Café & <b>croissant</b>"));
  g_assert_true (shows (f, "Zoé & Léa · "));
  g_assert_true (shows (f, cheapest->title));
  /* Not enough points yet: the reward's button cannot be pressed. */
  button = vtr_test_find_shown_button (GTK_WIDGET (f->screen), give);
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  tap_keys (f, "200");
  tap (f, "Valider");
  /* The card is done: its points said, the next customer's card asked. */
  g_assert_true (shows (f, "Carte …WSRO : "));
  g_assert_true (shows (f, "Scannez la carte du client"));
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), give));
  g_assert_true (vtr_counter_take_code (f->counter, code));
  wait_idle (f);
  /* A reward asks before the customer's points go: "Annuler" keeps them. */
  {
    gint64 balance = vtr_counter_get_balance (f->counter);

    g_assert_cmpint (balance, >=, cheapest->points);
    tap (f, give);
    g_assert_nonnull (vtr_test_open_message_dialog ());
    g_assert_false (shows (f, "Récompense donnée"));
    tap_in_dialog (f, "Annuler");
    g_assert_false (shows (f, "Récompense donnée"));
    g_assert_cmpint (vtr_counter_get_balance (f->counter), ==, balance);
    g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event WHERE kind = 'redeem'"),
                     ==, 0);
  }
  tap (f, give);
  tap_in_dialog (f, "Donner");
  g_assert_true (shows (f, "Récompense donnée"));
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.loyalty_event WHERE kind = 'redeem'"),
                   ==, 1);
  /* Keypad, slip, new card, rewards and orders: each control named. */
  g_assert_cmpuint (vtr_test_screen_check_controls (GTK_WIDGET (f->screen)), >=, 20);

  /* The order's next step, from its row. */
  {
    g_autofree char *before = row_subtitle (f, order->number);
    g_autofree char *accepted = NULL;
    g_autofree char *ready = NULL;
    GtkWidget *row = find_row (GTK_WIDGET (f->screen), order->number);

    g_assert_true (g_str_has_prefix (before, "Malik · "));
    g_assert_true (g_str_has_suffix (before, " · nouvelle"));
    g_signal_emit_by_name (vtr_test_find_shown_button (row, "Accepter"), "clicked");
    /* The list is read again on a worker thread. */
    wait_idle (f);
    accepted = row_subtitle (f, order->number);
    g_assert_true (g_str_has_suffix (accepted, " · en préparation"));
    row = find_row (GTK_WIDGET (f->screen), order->number);
    g_assert_null (vtr_test_find_shown_button (row, "Accepter"));
    g_signal_emit_by_name (vtr_test_find_shown_button (row, "Prête"), "clicked");
    wait_idle (f);
    ready = row_subtitle (f, order->number);
    g_assert_true (g_str_has_suffix (ready, " · prête"));
    row = find_row (GTK_WIDGET (f->screen), order->number);
    g_assert_null (vtr_test_find_shown_button (row, "Prête"));
    /* Handed over with no pickup code (a reservation by phone). */
    g_signal_emit_by_name (vtr_test_find_shown_button (row, "Retirée"), "clicked");
    wait_idle (f);
    {
      g_autofree char *collected = row_subtitle (f, order->number);

      g_assert_true (g_str_has_suffix (collected, " · retirée"));
    }
    g_assert_true (shows (f, "Commande "));
    g_assert_true (shows (f, " remise à Malik"));
    row = find_row (GTK_WIDGET (f->screen), order->number);
    g_assert_null (vtr_test_find_shown_button (row, "Retirée"));
    g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.orders WHERE state = 'collected'"),
                     ==, 1);
  }
}

/* The first row of @widget's that is an AdwActionRow (an expander's
 * header, the part a finger taps). */
static GtkWidget *
find_action_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ADW_IS_ACTION_ROW (child) ? child : find_action_row (child);

      if (found)
        return found;
    }
  return NULL;
}

/* What to prepare: an order's row, tapped, shows each of its lines,
 * quantity × product and price (issue 15: the number and the customer's
 * name alone told the shop nothing). */
static void
test_order_lines (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrOrder) order = NULL;
  g_autofree char *name = NULL;
  g_autofree char *line_title = NULL;
  g_autofree char *line_price = NULL;
  VtrOrderLine line = { 0, 3, 0 };
  GtkWidget *row, *item;

  line.product_id = vtr_test_count (f->store, "SELECT product_id FROM stock WHERE merchant_id = 2 AND "
                                              "availability > 0 ORDER BY product_id LIMIT 1");
  {
    g_autoptr(VtrProduct) product = vtr_catalog_get_product (f->catalog, line.product_id, &error);

    g_assert_no_error (error);
    name = g_strdup (product->name);
  }
  order = vtr_order_create (f->store, SHOP, &line, 1, 0, "Malika", "0611223344", now, &error);
  g_assert_no_error (error);
  line_title = g_strdup_printf ("3 × %s", name);
  line_price = vtr_price_format (order->total_cents);
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  row = find_row (GTK_WIDGET (f->screen), order->number);
  g_assert_nonnull (row);
  /* Folded: the order's number, customer, total and state. */
  g_assert_null (find_row (GTK_WIDGET (f->screen), line_title));
  gtk_widget_activate (find_action_row (row));
  wait_idle (f);
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

    while (find_row (GTK_WIDGET (f->screen), line_title) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  item = find_row (GTK_WIDGET (f->screen), line_title);
  g_assert_nonnull (item);
  g_assert_true (shows (f, line_price));
  /* Still open when the list is read again (a sync, another order). */
  vtr_counter_refresh (f->counter);
  wait_idle (f);
  g_assert_nonnull (find_row (GTK_WIDGET (f->screen), line_title));
}

/* Without a camera, a card is scanned from a picture, as the scan screen
 * offers it (the demo says so): "Scanner une image…" at the counter, in a
 * staff session, where the window allows it (not in kiosk mode). */
static void
test_scan_picture (Fixture       *f,
                   gconstpointer  data)
{
  const char *name = "Scanner une image…";

  /* Not in kiosk mode (the window's word): offered once the PIN is right. */
  g_object_set (f->screen, "can-scan-file", TRUE, NULL);
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), name));
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  tap (f, name);
  g_assert_true (fired (f, "scan-file"));

  /* Kiosk mode: not offered, even in a session. */
  g_object_set (f->screen, "can-scan-file", FALSE, NULL);
  wait_idle (f);
  g_assert_null (vtr_test_find_shown_button (GTK_WIDGET (f->screen), name));
}

/* A new customer, from the button: the keypad asks for their mobile; no
 * printer here, which the screen says. */
static void
test_enrol (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = card_code ("SCREENENROLSCREENENROLSCRE");
  const char *codes[] = { code, NULL };

  g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_CARD, codes, f->keys, now, &error), ==, 1);
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  tap (f, "Nouveau client : créer une carte");
  g_assert_true (shows (f, "portable"));
  tap_keys (f, "0698765432");
  g_assert_true (shows (f, "0698765432"));
  tap (f, "Valider");
  g_assert_true (shows (f, "Carte …SCRE : 0 point"));
  g_assert_true (shows (f, "Pas d’imprimante à tickets ici."));
  g_assert_nonnull (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Imprimer le ticket client"));
}

/* The counter fits the kiosk's screens without clipping, in the app's
 * style: its smallest size, keypad and all, is within what the window
 * leaves under its header bar, landscape and portrait. */
static void
test_fits (Fixture       *f,
           gconstpointer  data)
{
  static const VtrTestDisplay screens[] = VTR_TEST_DISPLAYS;
  g_autoptr(GtkCssProvider) style = vtr_test_screen_use_style (f->window);
  g_autofree char *code = card_code ("FITSFITSFITSFITSFITSFITSFI");
  g_autoptr(VtrOrder) order = place_order (f->store, "Inès");

  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  g_assert_true (vtr_counter_take_code (f->counter, code));
  /* Twice: a purchase's amount, then a new customer's mobile (the
   * longest title) refused with a message. */
  for (guint i = 0; i < 2 * G_N_ELEMENTS (screens); i++)
    {
      guint n;

      if (i == G_N_ELEMENTS (screens))
        {
          tap (f, "Nouveau client : créer une carte");
          tap_keys (f, "12");
          tap (f, "Valider");
          g_assert_true (shows (f, "numéro"));
        }
      n = i % G_N_ELEMENTS (screens);
      vtr_test_screen_resize (f->window, screens[n].width, screens[n].height);
      vtr_test_screen_assert_fits (GTK_WIDGET (f->screen), &screens[n]);
    }
  vtr_test_screen_drop_style (style);
}

/* The customer asks the shop to forget them: a button on their order
 * erases their first name and phone, here and (by an event) on the hub. */
static void
test_forget_customer (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VtrOrder) order = place_order (f->store, "Perrine");
  const char *label = g_dgettext (GETTEXT_PACKAGE, "Forget the customer");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *row;

  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  before = row_subtitle (f, order->number);
  g_assert_true (g_str_has_prefix (before, "Perrine · "));
  row = find_row (GTK_WIDGET (f->screen), order->number);
  g_assert_nonnull (vtr_test_find_shown_button (row, label));
  g_signal_emit_by_name (vtr_test_find_shown_button (row, label), "clicked");
  wait_idle (f);
  after = row_subtitle (f, order->number);
  g_assert_false (g_str_has_prefix (after, "Perrine"));
  g_assert_false (shows (f, "Perrine"));
  row = find_row (GTK_WIDGET (f->screen), order->number);
  g_assert_null (vtr_test_find_shown_button (row, label));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal.orders WHERE number = '%s' "
                                            "AND first_name = '' AND phone = ''",
                                            order->number);

    g_assert_cmpint (vtr_test_count (f->store, sql), ==, 1);
  }
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.outbox WHERE payload LIKE '%Perrine%'"),
                   ==, 0);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count (*) FROM journal.outbox WHERE kind = 'forget'"), ==, 1);
}

/* The button of @row that asks for @action, if any. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found)
        return found;
    }
  return NULL;
}

static VtrOrderStepDialog *
open_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (VTR_IS_ORDER_STEP_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return VTR_ORDER_STEP_DIALOG (window);
    }
  return NULL;
}

static VtrKeyboard *
find_keyboard (GtkWidget *widget)
{
  if (VTR_IS_KEYBOARD (widget))
    return VTR_KEYBOARD (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      VtrKeyboard *found = find_keyboard (child);

      if (found)
        return found;
    }
  return NULL;
}

static GtkEditable *
find_entry (GtkWidget *widget,
            guint     *skip)
{
  if (GTK_IS_ENTRY (widget) && gtk_widget_get_visible (widget) && (*skip)-- == 0)
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry (child, skip);

      if (found)
        return found;
    }
  return NULL;
}

static void
type_in_dialog (VtrOrderStepDialog *dialog,
                guint               field,
                const char         *text)
{
  VtrKeyboard *keyboard = find_keyboard (GTK_WIDGET (dialog));
  GtkEditable *entry = find_entry (GTK_WIDGET (dialog), &field);

  g_assert_nonnull (keyboard);
  g_assert_nonnull (entry);
  vtr_keyboard_target (keyboard, entry);
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      char key[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (c), key);
      vtr_keyboard_press (keyboard, key);
    }
}

/* From the order's row: cancelled with a reason typed on the screen's
 * keyboard; a parcel-locker order put in its locker with the
 * compartment and its code. Both go up to the hub in the step's event. */
static void
test_cancel_and_deposit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VtrOrder) order = place_order (f->store, "Marius");
  g_autoptr(VtrOrder) locker_order = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  VtrOrderStepDialog *dialog;
  VtrOrderLine line = { 0, 1, 0 };
  GtkWidget *row;
  gint64 locker = vtr_test_count (f->store, "SELECT min (id) FROM collection_point WHERE kind = 3");

  line.product_id = vtr_test_count (f->store, "SELECT product_id FROM stock WHERE merchant_id = 2 AND "
                                              "availability > 0 ORDER BY product_id LIMIT 1");
  locker_order = vtr_order_create (f->store, SHOP, &line, 1, locker, "Fanny", "0611223344", now, &error);
  g_assert_no_error (error);
  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);

  /* Cancel: the row's button opens the dialog; Back changes nothing. */
  row = find_row (GTK_WIDGET (f->screen), order->number);
  g_assert_nonnull (row);
  g_signal_emit_by_name (find_action_button (row, "counter.cancel-order"), "clicked");
  dialog = open_dialog ();
  g_assert_nonnull (dialog);
  type_in_dialog (dialog, 0, "Plus de pain");
  vtr_order_step_dialog_confirm (dialog);
  wait_idle (f);
  g_assert_null (open_dialog ());
  sql = g_strdup_printf ("SELECT count (*) FROM journal.orders WHERE number = '%s' AND state = 'cancelled' "
                         "AND reason = 'Plus de pain'", order->number);
  g_assert_cmpint (vtr_test_count (f->store, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (*) FROM journal.outbox WHERE json_extract (payload, '$.number') = '%s' "
                         "AND json_extract (payload, '$.reason') = 'Plus de pain'", order->number);
  g_assert_cmpint (vtr_test_count (f->store, sql), ==, 1);
  {
    g_autofree char *cancelled = row_subtitle (f, order->number);

    g_assert_true (g_str_has_suffix (cancelled, "Plus de pain"));
  }
  g_assert_null (find_action_button (find_row (GTK_WIDGET (f->screen), order->number), "counter.cancel-order"));

  /* A locker order, accepted: its next step is the locker, not "Ready". */
  vtr_counter_advance_order (f->counter, locker_order->number);
  wait_idle (f);
  row = find_row (GTK_WIDGET (f->screen), locker_order->number);
  g_assert_null (find_action_button (row, "counter.advance-order"));
  g_signal_emit_by_name (find_action_button (row, "counter.deposit-order"), "clicked");
  dialog = open_dialog ();
  g_assert_nonnull (dialog);
  type_in_dialog (dialog, 0, "b12");
  type_in_dialog (dialog, 1, "4711");
  vtr_order_step_dialog_confirm (dialog);
  wait_idle (f);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (*) FROM journal.outbox WHERE json_extract (payload, '$.number') = '%s' "
                         "AND json_extract (payload, '$.state') = 'ready' "
                         "AND json_extract (payload, '$.locker_compartment') = 'b12' "
                         "AND json_extract (payload, '$.locker_code') = '4711'", locker_order->number);
  g_assert_cmpint (vtr_test_count (f->store, sql), ==, 1);
  {
    g_autofree char *deposited = row_subtitle (f, locker_order->number);

    g_assert_nonnull (strstr (deposited, "b12"));
  }
}

/* A step the federation refused (two counters of a shop, one offline):
 * the order's row says so, with the hub's reason, until the next step. */
static void
test_refusal_shown (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VtrOrder) order = place_order (f->store, "Honorine");
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE journal.orders SET state = 'cancelled', reason = 'Plus de farine', "
                                          "refusal = 'the order cannot take this step from the state it is in on "
                                          "the hub' WHERE number = '%s'",
                                          order->number);
  g_autofree char *subtitle = NULL;

  tap_keys (f, STAFF_PIN);
  tap (f, "Valider");
  wait_idle (f);
  subtitle = row_subtitle (f, order->number);
  g_assert_null (strchr (subtitle, '\n'));
  g_clear_pointer (&subtitle, g_free);
  /* What the sync writes when the hub refuses a step taken here. */
  g_assert_true (vtr_store_exec (f->store, sql, &error));
  g_assert_no_error (error);
  vtr_counter_refresh_orders (f->counter);
  wait_idle (f);
  subtitle = row_subtitle (f, order->number);
  g_test_message ("%s", subtitle);
  g_assert_nonnull (strstr (subtitle, "Plus de farine"));
  /* The refusal on a line of its own, with the hub's words (translated
   * when the catalogue has them). */
  g_assert_nonnull (strchr (subtitle, '\n'));
  g_assert_nonnull (strstr (subtitle, g_dgettext (GETTEXT_PACKAGE, "the order cannot take this step from the "
                                                                  "state it is in on the hub")));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

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
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    g_assert_true (vtr_staff_set_pin (store, SHOP, STAFF_PIN, &error));
    for (guint i = 1; i <= 12; i++)
      {
        g_autofree char *number = g_strdup_printf ("KS-%04u", i);
        VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

        g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
      }
    g_ptr_array_add (codes, NULL);
    g_assert_cmpuint (vtr_code_stock_add (store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                      ==, 12);
  }

  g_test_add ("/counter-screen/keypad", Fixture, NULL, fixture_set_up, test_keypad, fixture_tear_down);
  g_test_add ("/counter-screen/amount-digits", Fixture, NULL, fixture_set_up, test_amount_digits, fixture_tear_down);
  g_test_add ("/counter-screen/physical-keyboard", Fixture, NULL, fixture_set_up, test_physical_keyboard,
              fixture_tear_down);
  g_test_add ("/counter-screen/admin-pin-shows-no-shop", Fixture, NULL, fixture_set_up,
              test_admin_pin_shows_no_shop, fixture_tear_down);
  g_test_add ("/counter-screen/no-order-yet", Fixture, NULL, fixture_set_up, test_no_order_yet, fixture_tear_down);
  g_test_add ("/counter-screen/rewards-and-orders", Fixture, NULL, fixture_set_up, test_rewards_and_orders,
              fixture_tear_down);
  g_test_add ("/counter-screen/fits", Fixture, NULL, fixture_set_up, test_fits, fixture_tear_down);
  g_test_add ("/counter-screen/order-lines", Fixture, NULL, fixture_set_up, test_order_lines, fixture_tear_down);
  g_test_add ("/counter-screen/scan-picture", Fixture, NULL, fixture_set_up, test_scan_picture, fixture_tear_down);
  g_test_add ("/counter-screen/enrol", Fixture, NULL, fixture_set_up, test_enrol, fixture_tear_down);
  g_test_add ("/counter-screen/forget-customer", Fixture, NULL, fixture_set_up, test_forget_customer,
              fixture_tear_down);
  g_test_add ("/counter-screen/cancel-and-deposit", Fixture, NULL, fixture_set_up, test_cancel_and_deposit,
              fixture_tear_down);
  g_test_add ("/counter-screen/refusal-shown", Fixture, NULL, fixture_set_up, test_refusal_shown, fixture_tear_down);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  return status;
}

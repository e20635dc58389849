#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-card-block.h"
#include "vtr-code-stock.h"
#include "vtr-counter-screen.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-i18n.h"
#include "vtr-lost-card-panel.h"
#include "vtr-loyalty.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"

/*
 * A lost card at the counter's screen, in a window under Xvfb, as the
 * merchant does it: the staff PIN on the keypad, "Lost card", the new
 * card scanned, the customer's phone number (or the lost card's last
 * characters) typed on the on-screen keyboard, "Find", the card chosen,
 * confirmed. Checked on what the screen then shows and on the journal:
 * the old card blocked, its points on the new card, one transfer event
 * waiting for the hub. Words are looked up in the app's catalogue, so the
 * test holds before and after the French of these strings arrives.
 */

#define STAFF_PIN "2468"
#define SHOP 2
#define PHONE "06 12 34 56 78"

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
  char             *old_card;
  gint64            old_points;
} Fixture;

/* A word of the app, as the screen shows it. */
#define T(msgid) g_dgettext (GETTEXT_PACKAGE, msgid)

static char *
card_code (const char *card_id)
{
  VtrFlashcode code = { VTR_CODE_CARD, 0, 0, 0, (char *) card_id, NULL, NULL, 0, 1 };

  return vtr_flashcode_sign (&code, "vtr13.fr", secret, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(VtrLoyaltyReceipt) enrolled = { 0 };
  g_auto(VtrLoyaltyReceipt) credited = { 0 };
  g_autofree char *session = NULL;
  g_autofree char *blank_id = vtr_flashcode_new_card_id ();
  g_autofree char *blank = card_code (blank_id);
  const char *blanks[] = { blank, NULL };

  f->store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (f->store);
  f->keys = vtr_trust_load (f->store, &error);
  g_assert_no_error (error);

  /* The customer enrolled here with their phone, and has points. */
  g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_CARD, blanks, f->keys, now, &error), ==, 1);
  session = vtr_staff_login (f->store, SHOP, STAFF_PIN, now, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_loyalty_enrol (f->store, session, PHONE, now, &enrolled, &error));
  g_assert_true (vtr_loyalty_credit (f->store, session, enrolled.card_id, 3000, NULL, 0, now, &credited, &error));
  g_assert_no_error (error);
  f->old_card = g_strdup (enrolled.card_id);
  f->old_points = credited.balance;
  g_assert_cmpint (f->old_points, >, 0);

  f->counter = vtr_counter_new (f->store, f->catalog, NULL);
  vtr_counter_set_keys (f->counter, f->keys);
  vtr_counter_set_merchant_id (f->counter, SHOP);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1280, 800);
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
  /* Nothing keeps the screen, the counter or the panel's flow alive. */
  g_assert_finalize_object (f->screen);
  g_assert_finalize_object (f->counter);
  g_clear_pointer (&f->keys, vtr_key_list_free);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
  g_free (f->old_card);
}

static void
tap_in (GtkWidget  *where,
        const char *name)
{
  GtkWidget *button = vtr_test_find_shown_button (where, name);

  if (button == NULL)
    g_error ("no button named “%s” on the screen", name);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
tap (Fixture    *f,
     const char *name)
{
  tap_in (GTK_WIDGET (f->screen), name);
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (ADW_IS_ACTION_ROW (widget))
    g_string_append_printf (text, "%s\n%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                            adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static gboolean
shows (Fixture    *f,
       const char *words)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_text (GTK_WIDGET (f->screen), text);
  return strstr (text->str, words) != NULL;
}

/* Until the counter and the lost card's search are done. */
static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  for (;;)
    {
      GObject *lost = vtr_counter_get_lost_card (f->counter);
      gboolean busy = vtr_counter_get_busy (f->counter) ||
                      (lost && vtr_lost_card_get_busy (VTR_LOST_CARD (lost)));

      if (!busy)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Typed on the panel's on-screen keyboard, key by key. */
static void
type_on_keyboard (Fixture    *f,
                  const char *text)
{
  GtkWidget *panel = vtr_test_find_type (GTK_WIDGET (f->screen), VTR_TYPE_LOST_CARD_PANEL);
  GtkWidget *keyboard = vtr_test_find_type (panel, g_type_from_name ("VtrKeyboard"));

  g_assert_nonnull (keyboard);
  for (const char *k = text; *k; k++)
    {
      char key[2] = { *k, 0 };

      if (*k == ' ')
        continue;
      tap_in (keyboard, key);
    }
}

static void
log_in (Fixture *f)
{
  for (const char *k = STAFF_PIN; *k; k++)
    {
      char key[2] = { *k, 0 };

      tap (f, key);
    }
  tap (f, T ("Confirm"));
  wait_idle (f);
  g_assert_true (vtr_counter_get_session_open (f->counter));
}

static gint64
count (VtrStore   *store,
       const char *sql)
{
  return vtr_test_count (store, sql);
}

/* The whole journey, the lost card found by the customer's phone. */
static void
test_lost_card_by_phone (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *new_id = vtr_flashcode_new_card_id ();
  g_autofree char *new_code = card_code (new_id);
  g_autofree char *old_code = card_code (f->old_card);
  g_autofree char *old_tail = g_strdup_printf ("…%s", f->old_card + 20);
  g_autofree char *choose = g_strdup_printf (T ("This one: card …%s"), f->old_card + 20);
  gint64 balance = -1;

  log_in (f);
  tap (f, T ("Lost card: move its points to a new card"));
  g_assert_true (shows (f, T ("Lost card: first scan the customer’s new card.")));

  /* The new card, scanned: the panel takes it, and asks for the old one. */
  g_assert_true (vtr_counter_take_code (f->counter, new_code));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (vtr_lost_card_get_new_card (VTR_LOST_CARD (vtr_counter_get_lost_card (f->counter))), ==,
                   new_id);

  /* Too little typed: said in words, nothing searched. */
  type_on_keyboard (f, "06");
  tap (f, T ("Find"));
  wait_idle (f);
  g_assert_false (shows (f, old_tail));
  tap_in (vtr_test_find_type (GTK_WIDGET (f->screen), g_type_from_name ("VtrKeyboard")), T ("Erase"));
  tap_in (vtr_test_find_type (GTK_WIDGET (f->screen), g_type_from_name ("VtrKeyboard")), T ("Erase"));

  type_on_keyboard (f, PHONE);
  tap (f, T ("Find"));
  wait_idle (f);
  g_assert_true (shows (f, old_tail));
  tap (f, choose);
  g_assert_nonnull (vtr_test_find_shown_button (GTK_WIDGET (f->screen), T ("Block it and move the points")));
  /* Not this card: back to the search, nothing blocked. */
  tap (f, T ("Not this card"));
  g_assert_cmpint (count (f->store, "SELECT count (*) FROM journal.card_transfer"), ==, 0);
  tap (f, T ("Find"));
  wait_idle (f);
  tap (f, choose);
  tap (f, T ("Block it and move the points"));

  /* One transfer in the journal and the outbox, the old card blocked. */
  g_assert_cmpint (count (f->store, "SELECT count (*) FROM journal.card_transfer"), ==, 1);
  g_assert_cmpint (count (f->store, "SELECT count (*) FROM journal.outbox WHERE kind = 'transfer'"), ==, 1);
  g_assert_true (vtr_loyalty_balance (f->store, new_id, &balance, NULL, NULL));
  g_assert_cmpint (balance, ==, f->old_points);
  g_assert_true (shows (f, T ("Done: give the customer the new card.")));

  /* Back to the counter: the new card is on it, with the points. */
  tap (f, T ("Back to the counter"));
  wait_idle (f);
  g_assert_cmpstr (vtr_counter_get_card_id (f->counter), ==, new_id);
  g_assert_cmpint (vtr_counter_get_balance (f->counter), ==, f->old_points);

  /* The old card scanned again: refused, in words. */
  g_assert_true (vtr_counter_take_code (f->counter, old_code));
  wait_idle (f);
  g_assert_cmpstr (vtr_counter_get_card_id (f->counter), ==, new_id);
  g_assert_nonnull (strstr (vtr_counter_get_message (f->counter),
                            T ("This card was declared lost: it is blocked and its points were moved to the "
                               "customer’s new card. Use the new card; if the customer does not have it, a "
                               "shop’s counter finds it with “Lost card” and the customer’s phone number.")));
}

/* By the last characters printed under the lost card, typed on the
 * keyboard with a physical keyboard's Enter kept for the entry. */
static void
test_lost_card_by_characters (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *new_id = vtr_flashcode_new_card_id ();
  g_autofree char *new_code = card_code (new_id);
  g_autofree char *choose = g_strdup_printf (T ("This one: card …%s"), f->old_card + 20);
  gint64 balance = -1;

  log_in (f);
  tap (f, T ("Lost card: move its points to a new card"));
  /* A card that is not the federation's is no new card. */
  g_assert_true (vtr_counter_take_code (f->counter, "HTTPS://VTR13.FR/C/NOTACARD"));
  g_assert_null (vtr_lost_card_get_new_card (VTR_LOST_CARD (vtr_counter_get_lost_card (f->counter))));
  g_assert_true (vtr_counter_take_code (f->counter, new_code));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* A physical keyboard's digits go to the panel's entry, not to the
   * counter's keypad (no amount typed behind the panel). */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->screen));
    g_autofree char *keyed = g_strdup (vtr_counter_get_keyed (f->counter));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        gboolean handled = TRUE;

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          {
            g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_5, 0, 0, &handled);
            g_assert_false (handled);
          }
      }
    g_assert_cmpstr (vtr_counter_get_keyed (f->counter), ==, keyed);
  }
  type_on_keyboard (f, f->old_card + 18);
  tap (f, T ("Find"));
  wait_idle (f);
  tap (f, choose);
  tap (f, T ("Block it and move the points"));
  g_assert_true (vtr_loyalty_balance (f->store, new_id, &balance, NULL, NULL));
  g_assert_cmpint (balance, ==, f->old_points);

  /* Leaving the counter (idle reset) ends the flow and its session. */
  vtr_counter_clear (f->counter);
  g_assert_null (vtr_counter_get_lost_card (f->counter));
  g_assert_false (shows (f, T ("Lost card")));
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
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    g_assert_true (vtr_staff_set_pin (store, SHOP, STAFF_PIN, &error));
  }

  /* Each test its own customer: the data folder is shared. */
  g_test_add ("/lost-card/by-phone", Fixture, NULL, fixture_set_up, test_lost_card_by_phone, fixture_tear_down);
  g_test_add ("/lost-card/by-characters", Fixture, NULL, fixture_set_up, test_lost_card_by_characters,
              fixture_tear_down);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  return status;
}

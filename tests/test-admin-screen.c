#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vtr-admin-screen.h"
#include "vtr-code-stock.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-map.h"
#include "vtr-orders.h"
#include "vtr-release.h"
#include "vtr-demo.h"
#include "vtr-sync.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-test-hub.h"
#include "vtr-test-keys.h"
#include "vtr-test-screen.h"
#include "vtr-test-util.h"

/*
 * The administrator's screen in a window, under Xvfb, in French, on a
 * temporary kiosk with the settings in memory (GSETTINGS_BACKEND=memory,
 * the schema compiled into the build folder): settings typed with its
 * on-screen keyboard and kept in GSettings, its buttons and actions, the
 * window's actions it asks for ("win", recorded here), and no shop's
 * personal data on it.
 */

typedef struct
{
  char              *data_dir;
  VtrStore          *store;
  VtrCatalogService *catalog;
  VtrSyncService    *sync;
  VtrPrintService *printer;
  GSettings       *settings;
  GtkWindow       *window;
  VtrAdminScreen  *screen;
  GPtrArray       *fired;   /* "name" or "name:parameter" */
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
open_screen (Fixture *f)
{
  static const char * const plain[] = { "show-admin", "allow-pairing", "leave-kiosk", "back", "go-home",
                                        "change-admin-pin" };
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) toast = g_simple_action_new ("toast", G_VARIANT_TYPE_STRING);

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (plain[i], NULL);

      g_signal_connect (action, "activate", G_CALLBACK (on_win_action), f);
      g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (action));
    }
  g_signal_connect (toast, "activate", G_CALLBACK (on_win_action), f);
  g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (toast));
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1280, 800);
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "win", G_ACTION_GROUP (win));
  f->screen = VTR_ADMIN_SCREEN (vtr_admin_screen_new (f->store, f->catalog, f->sync, f->printer, f->settings));
  g_object_ref (f->screen);
  gtk_window_set_child (f->window, GTK_WIDGET (f->screen));
  gtk_window_present (f->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->screen)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->data_dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_service_new (f->data_dir);
  f->sync = vtr_sync_service_new (f->data_dir);
  f->printer = vtr_print_service_new (f->data_dir);
  /* Without the schema (data != NULL), as the app runs uninstalled. */
  f->settings = data ? NULL : g_settings_new (APPLICATION_ID);
  f->fired = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window)
    {
      gtk_window_destroy (f->window);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_finalize_object (f->screen);
    }
  if (f->settings)
    {
      g_autoptr(GSettingsSchema) schema = NULL;
      g_auto(GStrv) keys = NULL;

      g_object_get (f->settings, "settings-schema", &schema, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint i = 0; keys[i]; i++)
        g_settings_reset (f->settings, keys[i]);
    }
  g_clear_object (&f->settings);
  /* Answers still on their way hold the catalogue service. */
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (G_OBJECT (f->catalog)->ref_count > 1 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_finalize_object (f->catalog);
  g_clear_object (&f->printer);
  g_clear_object (&f->sync);
  g_clear_object (&f->store);
  g_clear_pointer (&f->fired, g_ptr_array_unref);
  vtr_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
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

static const char *
last_toast (Fixture *f)
{
  for (guint i = f->fired->len; i > 0; i--)
    if (g_str_has_prefix (g_ptr_array_index (f->fired, i - 1), "toast:"))
      return (const char *) g_ptr_array_index (f->fired, i - 1) + strlen ("toast:");
  return "";
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found)
        return found;
    }
  return NULL;
}

/* The button on screen that asks for @action_name. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found)
        return found;
    }
  return NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title_start)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title_start))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title_start);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_switch (GtkWidget *widget)
{
  if (GTK_IS_SWITCH (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_switch (child);

      if (found)
        return found;
    }
  return NULL;
}

static void
tap (Fixture    *f,
     const char *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (f->screen), label);

  if (button == NULL)
    g_error ("no button “%s” on the admin screen", label);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_EDITABLE (widget))
    g_string_append_printf (text, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static gboolean
shows (Fixture    *f,
       const char *words)
{
  GString *text = g_string_new (NULL);
  gboolean found;

  collect_text (GTK_WIDGET (f->screen), text);
  found = strstr (text->str, words) != NULL;
  g_string_free (text, TRUE);
  return found;
}

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  while (g_get_monotonic_time () < until)
    vtr_test_iterate ();
}

/* A finger on an entry row, then on the on-screen keyboard's keys: what
 * was there erased, @text typed, then the row's apply button. */
static void
type_into (Fixture    *f,
           const char *row_title,
           const char *text)
{
  GtkWidget *row = find_row (GTK_WIDGET (f->screen), row_title);
  VtrKeyboard *keyboard = vtr_admin_screen_get_keyboard (f->screen);
  glong length;

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_grab_focus (row));
  /* The keyboard comes up, and types into this row. */
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;

    while (!gtk_widget_get_mapped (GTK_WIDGET (keyboard)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (keyboard)));
  length = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (row)), -1);
  for (glong i = 0; i < length; i++)
    vtr_keyboard_press (keyboard, "⌫");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      char key[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (c), key);
      vtr_keyboard_press (keyboard, key);
    }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, text);
  g_signal_emit_by_name (row, "apply");
}

/* Where the kiosk stands, the camera and the printer, typed on the
 * on-screen keyboard and kept in the settings; a wrong one said in words. */
static void
test_settings_typed (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (f->data_dir, "test-ticket.pdf", NULL);
  g_autofree char *target = g_strconcat ("pdf:", pdf, NULL);
  g_autofree char *camera = NULL;
  g_autofree char *printer = NULL;

  open_screen (f);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (vtr_admin_screen_get_keyboard (f->screen))));

  type_into (f, "Son emplacement", "43.29510, 5.37440");
  g_assert_cmpstr (last_toast (f), ==, "Position enregistrée : les commerces sont classés à partir d’ici");
  /* The keyboard's keys too are named. */
  g_assert_cmpuint (vtr_test_screen_check_controls (GTK_WIDGET (vtr_admin_screen_get_keyboard (f->screen))), >=, 40);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-latitude"), 43.2951, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-longitude"), 5.3744, 1e-9);
  g_assert_cmpfloat_with_epsilon (vtr_admin_screen_get_latitude (f->screen), 43.2951, 1e-9);
  type_into (f, "Son emplacement", "43.29, marseille");
  g_assert_true (g_str_has_prefix (last_toast (f), "Écrivez la position"));
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-latitude"), 43.2951, 1e-9);
  /* Set elsewhere (vitrine-ctl, another window): the row follows. */
  g_settings_set_double (f->settings, "kiosk-latitude", 43.3);
  g_assert_true (shows (f, "43.30000, 5.37440"));

  type_into (f, "Autre caméra", "v4l2src device=/dev/video2");
  g_assert_cmpstr (last_toast (f), ==, "Caméra changée");
  camera = g_settings_get_string (f->settings, "camera-source");
  g_assert_cmpstr (camera, ==, "v4l2src device=/dev/video2");

  type_into (f, "Adresse de l’imprimante", "lp0");
  g_assert_cmpuint (strlen (last_toast (f)), >, 5);
  g_assert_cmpstr (last_toast (f), !=, "Imprimante à tickets enregistrée");
  type_into (f, "Adresse de l’imprimante", target);
  g_assert_cmpstr (last_toast (f), ==, "Imprimante à tickets enregistrée");
  printer = g_settings_get_string (f->settings, "printer");
  g_assert_cmpstr (printer, ==, target);

  /* A test ticket on it, away from the screen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->screen), "admin.print-test", NULL));
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

    while (!g_str_equal (last_toast (f), "Ticket d’essai imprimé") && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpstr (last_toast (f), ==, "Ticket d’essai imprimé");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
wait_for_sound (Fixture  *f,
                gboolean  on)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;

  while (g_settings_get_boolean (f->settings, "sound") != on && g_get_monotonic_time () < deadline)
    vtr_test_iterate ();
}

/* The sound switch and the language are the settings themselves. */
static void
test_settings_bound (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *language = NULL;
  GtkWidget *sound;
  AdwComboRow *languages;

  open_screen (f);
  sound = find_row (GTK_WIDGET (f->screen), "Un son");
  languages = ADW_COMBO_ROW (find_row (GTK_WIDGET (f->screen), "Langue"));
  g_assert_nonnull (sound);
  g_assert_true (g_settings_get_boolean (f->settings, "sound"));
  /* The row's switch, pressed (Enter or a tap do the same). */
  sound = find_switch (sound);
  g_assert_nonnull (sound);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sound)));
  g_signal_emit_by_name (sound, "activate");
  /* A switch slides over before it changes. */
  wait_for_sound (f, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "sound"));
  /* Set elsewhere: the switch follows. */
  g_settings_set_boolean (f->settings, "sound", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sound)));
  g_signal_emit_by_name (sound, "activate");
  /* A switch slides over before it changes. */
  wait_for_sound (f, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "sound"));

  g_assert_cmpuint (adw_combo_row_get_selected (languages), ==, 0);
  adw_combo_row_set_selected (languages, 1);
  language = g_settings_get_string (f->settings, "language");
  g_assert_cmpstr (language, ==, "en");
  g_settings_set_string (f->settings, "language", "fr");
  g_assert_cmpuint (adw_combo_row_get_selected (languages), ==, 0);
}

/* Without the settings' schema: the screen still shows, and says that a
 * printer cannot be kept. */
static void
test_no_settings (Fixture       *f,
                  gconstpointer  data)
{
  open_screen (f);
  type_into (f, "Adresse de l’imprimante", "tcp:192.168.1.20:9100");
  g_assert_cmpstr (last_toast (f), ==, "Les réglages de la borne ne sont pas installés");
  type_into (f, "Son emplacement", "43.29510, 5.37440");
  g_assert_cmpfloat_with_epsilon (vtr_admin_screen_get_latitude (f->screen), 43.2951, 1e-9);
}

/* The statements the screen runs on the kiosk's store (the main
 * thread's connection) that read the pairing. */
static int
on_statement (unsigned  kind,
              void     *data,
              void     *stmt,
              void     *sql)
{
  if (strstr (sqlite3_sql (stmt), "FROM journal.hub"))
    {
      g_test_message ("read on the main thread: %s", sqlite3_sql (stmt));
      (*(guint *) data)++;
    }
  return 0;
}

/* The statements counting the stocks of codes on the kiosk's store. */
static int
on_stock_count (unsigned  kind,
                void     *data,
                void     *stmt,
                void     *sql)
{
  if (strstr (sqlite3_sql (stmt), "_stock") && g_str_has_prefix (sqlite3_sql (stmt), "SELECT"))
    {
      g_test_message ("counted on the main thread: %s", sqlite3_sql (stmt));
      (*(guint *) data)++;
    }
  return 0;
}

/* Until the stocks were counted, on their worker thread. */
static void
wait_stocks (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  while (vtr_admin_screen_get_counting_stocks (f->screen) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_admin_screen_get_counting_stocks (f->screen));
}

/* Its buttons: sync now, pair, leave kiosk mode. A kiosk already paired
 * can be paired again from here. */
static void
test_buttons_and_pairing (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VtrHubLink link = { "https://vtr13.fr", "secret-token", 7, "Kiosque du Port", 0, 1 };
  GtkWidget *pair;
  guint reads = 0;

  sqlite3_trace_v2 (vtr_store_get_db (f->store), SQLITE_TRACE_STMT, on_statement, &reads);
  open_screen (f);
  g_assert_false (vtr_admin_screen_get_paired (f->screen));
  g_assert_true (shows (f, "Pas encore appairée"));
  tap (f, "Appairer avec la fédération");
  g_assert_true (fired (f, "allow-pairing"));
  tap (f, "Synchroniser maintenant");
  g_assert_cmpstr (last_toast (f), ==, "Synchronisation avec la fédération…");
  tap (f, "Quitter le mode borne");
  g_assert_true (fired (f, "leave-kiosk"));

  /* Paired, as the application says (the window binds its "paired"):
   * the status says how fresh the data is, and the pairing button is
   * still there, for pairing again. */
  g_assert_true (vtr_sync_state_save_link (f->store, &link, &error));
  g_ptr_array_set_size (f->fired, 0);
  g_object_set (f->screen, "paired", TRUE, NULL);
  vtr_admin_screen_refresh (f->screen);
  /* Each status update (the sync's state, its pending events) reads
   * nothing of the pairing on the main thread. */
  g_object_notify (G_OBJECT (f->sync), "pending");
  g_object_notify (G_OBJECT (f->sync), "state");
  sqlite3_trace_v2 (vtr_store_get_db (f->store), 0, NULL, NULL);
  g_assert_cmpuint (reads, ==, 0);
  g_assert_true (vtr_admin_screen_get_paired (f->screen));
  g_assert_false (shows (f, "Pas encore appairée"));
  g_assert_true (shows (f, "événement"));
  pair = find_actionable (GTK_WIDGET (f->screen), "win.allow-pairing");
  g_assert_nonnull (pair);
  g_assert_true (gtk_widget_is_visible (pair));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (pair)), ==, "win.allow-pairing");
  g_signal_emit_by_name (pair, "clicked");
  g_assert_true (fired (f, "allow-pairing"));
}

/* "Sync now" with the hub out of reach: the outcome is told on top, in a
 * shopkeeper's words (not the network's), and the status says offline,
 * also while the next try runs. */
static void
test_sync_now_unreachable (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VtrHubLink link = { "http://127.0.0.1:1", "secret-token", 7, "Kiosque du Port", 0, 1 };
  gint64 deadline;

  g_assert_true (vtr_sync_state_save_link (f->store, &link, &error));
  open_screen (f);
  g_object_set (f->screen, "paired", TRUE, NULL);
  vtr_sync_service_start (f->sync);
  tap (f, "Synchroniser maintenant");
  g_assert_cmpstr (last_toast (f), ==, "Synchronisation avec la fédération…");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_str_equal (last_toast (f), "Synchronisation avec la fédération…") && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (last_toast (f), ==,
                   "Le serveur de la fédération ne répond pas. La borne continue avec les données qu’elle a "
                   "et réessaiera.");
  g_assert_true (shows (f, "ne répond pas"));

  /* The next try: still offline until it succeeds. */
  vtr_sync_service_sync_now (f->sync);
  while (vtr_sync_service_get_state (f->sync) != VTR_SYNC_STATE_SYNCING && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (vtr_sync_service_get_state (f->sync), ==, VTR_SYNC_STATE_SYNCING);
  {
    g_autofree char *freshness = vtr_sync_service_describe_freshness (f->sync);

    g_assert_true (g_str_has_prefix (freshness, "Hors ligne"));
  }
  vtr_sync_service_stop (f->sync);
}

/* What the store repaired at start is on the status row, with the file
 * it kept aside. */
static void
test_store_notice (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *journal = g_build_filename (f->data_dir, "journal.db", NULL);
  g_autoptr(GError) error = NULL;
  GString *garbage = g_string_new (NULL);

  g_clear_object (&f->store);
  for (int i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) (i * 7919 % 251));
  g_assert_true (g_file_set_contents (journal, garbage->str, garbage->len, NULL));
  g_string_free (garbage, TRUE);
  f->store = vtr_store_open (f->data_dir, &error);
  g_assert_no_error (error);
  open_screen (f);
  g_assert_true (shows (f, "journal.db.damaged-"));
}

/* The hub said the federation's current release is newer than this
 * kiosk's (issue 21): the federation row says so, in words; the same
 * release as the kiosk's says nothing. */
static void
test_old_version (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_assert_true (vtr_release_set_current (f->store, PACKAGE_VERSION, &error));
  g_assert_no_error (error);
  open_screen (f);
  settle ();
  g_assert_false (shows (f, "version plus ancienne"));

  g_assert_true (vtr_release_set_current (f->store, "99.0.1", &error));
  g_assert_no_error (error);
  /* Read again when the row changes: as after a sync. */
  g_object_notify (G_OBJECT (f->sync), "last-success");
  deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  while (!shows (f, "(99.0.1)") && g_get_monotonic_time () < deadline)
    vtr_test_iterate ();
  g_assert_true (shows (f, "Vitrine " PACKAGE_VERSION ", une version plus ancienne que la version actuelle de la "
                           "fédération (99.0.1)"));
}

/* A shop's orders and customers are in the journal: none of it shows
 * on the admin screen. */
static void
test_no_personal_data (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(VtrOrder) order = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  guint8 secret[VTR_SECRET_KEY_BYTES];
  VtrFlashcode pickup = { VTR_CODE_PICKUP, 0, 0, 0, NULL, (char *) "KA-0001", NULL, 20991231, 1 };
  VtrDemoCounts counts;
  VtrOrderLine line = { 0, 1, 0 };

  g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  keys = vtr_test_key_list_new_full (secret, f->store);
  g_ptr_array_add (codes, vtr_flashcode_sign (&pickup, "vtr13.fr", secret, NULL));
  g_ptr_array_add (codes, NULL);
  g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_PICKUP, (const char **) codes->pdata, keys, now, &error),
                    ==, 1);
  line.product_id = vtr_test_count (f->store, "SELECT product_id FROM stock WHERE merchant_id = 2 AND "
                                              "availability > 0 ORDER BY product_id LIMIT 1");
  order = vtr_order_create (f->store, 2, &line, 1, 0, "Yasmina", "0611223344", now, &error);
  g_assert_no_error (error);

  open_screen (f);
  settle ();
  g_assert_cmpuint (vtr_test_screen_check_controls (GTK_WIDGET (f->screen)), >=, 5);
  g_assert_true (shows (f, "Administration"));
  g_assert_false (shows (f, "Yasmina"));
  g_assert_false (shows (f, "0611223344"));
  g_assert_false (shows (f, order->number));
}

/* A kiosk already paired is paired again from here: the administrator
 * presses the button (the window then takes a pairing code for two
 * minutes), and the hub's new code replaces the old link, through the
 * same vtr_sync_pair() the window runs on a worker thread. */
static void
test_pair_again (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) first = NULL;
  g_autoptr(VtrHubLink) again = NULL;
  g_autoptr(VtrHubLink) kept = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) device_a = { 0 };
  g_auto(VtrTestResult) device_b = { 0 };
  VtrTestHub *hub;
  GtkWidget *pair;

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  vtr_test_run (&device_a, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Borne du Panier", NULL);
  vtr_test_run (&device_b, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Borne de Noailles", NULL);
  g_assert_cmpint (device_a.status, ==, 0);
  g_assert_cmpint (device_b.status, ==, 0);
  hub = vtr_test_hub_start (hub_dir, 0);
  first = vtr_sync_pair (f->store, strrchr (g_strstrip (device_a.out), '\n') + 1, hub->url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->device_name, ==, "Borne du Panier");

  open_screen (f);
  vtr_admin_screen_set_paired (f->screen, TRUE);
  g_assert_true (vtr_admin_screen_get_paired (f->screen));
  pair = find_actionable (GTK_WIDGET (f->screen), "win.allow-pairing");
  g_assert_nonnull (pair);
  g_assert_true (gtk_widget_is_sensitive (pair));
  g_signal_emit_by_name (pair, "clicked");
  g_assert_true (fired (f, "allow-pairing"));

  again = vtr_sync_pair (f->store, strrchr (g_strstrip (device_b.out), '\n') + 1, hub->url, &error);
  g_assert_no_error (error);
  kept = vtr_sync_state_load_link (f->store, &error);
  g_assert_cmpstr (kept->device_name, ==, "Borne de Noailles");
  g_assert_cmpint (kept->device_id, !=, first->device_id);
  vtr_admin_screen_refresh (f->screen);
  g_assert_true (vtr_admin_screen_get_paired (f->screen));

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
}

/* The stocks of order numbers and blank cards are on the screen, with a
 * warning while they are low and the hub out of reach; after a sync with
 * the real hub they are full. */
static void
test_stocks (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) link = NULL;
  g_autoptr(VtrSyncClient) client = NULL;
  g_autofree char *empty = g_strdup_printf (_("Order numbers: %lld · blank cards: %lld"), 0LL, 0LL);
  g_autofree char *full = g_strdup_printf (_("Order numbers: %lld · blank cards: %lld"), 200LL, 200LL);
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) device = { 0 };
  VtrSyncReport report = { 0 };
  VtrTestHub *hub;
  guint counts = 0;

  /* Counted on a worker thread, each time the status changes. */
  sqlite3_trace_v2 (vtr_store_get_db (f->store), SQLITE_TRACE_STMT, on_stock_count, &counts);
  open_screen (f);
  g_assert_true (vtr_admin_screen_get_counting_stocks (f->screen));
  wait_stocks (f);
  sqlite3_trace_v2 (vtr_store_get_db (f->store), 0, NULL, NULL);
  g_assert_cmpuint (counts, ==, 0);
  g_assert_true (shows (f, empty));
  g_assert_true (shows (f, VTR_ADMIN_STOCK_WARNING));

  vtr_test_run (&keys, "VITRINE_HUB", hub_dir, NULL, "keys", "init", NULL);
  g_assert_cmpint (keys.status, ==, 0);
  vtr_test_run (&device, "VITRINE_HUB", hub_dir, NULL, "device", "add", "Borne du Panier", NULL);
  g_assert_cmpint (device.status, ==, 0);
  hub = vtr_test_hub_start (hub_dir, 0);
  link = vtr_sync_pair (f->store, strrchr (g_strstrip (device.out), '\n') + 1, hub->url, &error);
  g_assert_no_error (error);
  client = vtr_sync_client_new (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pickup_codes, ==, 200);
  vtr_admin_screen_refresh (f->screen);
  wait_stocks (f);
  g_assert_true (shows (f, full));
  g_assert_false (shows (f, VTR_ADMIN_STOCK_WARNING));

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);

  /* The administrator changes their PIN from here (the window's PIN
   * screen, tests/test-pin-screen.c). */
  {
    GtkWidget *change = find_actionable (GTK_WIDGET (f->screen), "win.change-admin-pin");

    g_assert_nonnull (change);
    g_assert_true (gtk_widget_is_sensitive (change));
    g_signal_emit_by_name (change, "clicked");
    g_assert_true (fired (f, "change-admin-pin"));
  }
}

/* Where it stands, by the name of the shop it is next to rather than in
 * degrees: typed on the on-screen keyboard, picked among those found. */
static void
test_position_by_shop (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchant) shop = NULL;
  VtrDemoCounts counts;
  GtkWidget *row = NULL;

  g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  shop = vtr_catalog_get_merchant (catalog, 5, &error);
  g_assert_nonnull (shop);
  g_assert_cmpstr (shop->name, ==, "Pizzeria Chez Paul");
  open_screen (f);

  /* Strings new with this screen, in French once translated. */
  type_into (f, _("Or next to a shop: its name"), "Zzzz");
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (!g_str_equal (last_toast (f), _("No shop of that name in the catalogue")) &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpstr (last_toast (f), ==, _("No shop of that name in the catalogue"));

  type_into (f, _("Or next to a shop: its name"), "Pizzeria Chez Paul");
  /* Looked for on the catalogue's thread: a spinner row meanwhile. */
  g_assert_true (vtr_admin_screen_get_searching_shops (f->screen));
  g_assert_nonnull (find_row (GTK_WIDGET (f->screen), _("Looking for shops…")));
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while ((row = find_row (GTK_WIDGET (f->screen), shop->name)) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (row);
  g_assert_false (vtr_admin_screen_get_searching_shops (f->screen));
  g_assert_null (find_row (GTK_WIDGET (f->screen), _("Looking for shops…")));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_cmpuint (vtr_test_screen_check_controls (row), >=, 1);
  g_signal_emit_by_name (find_button (row, _("It stands here")), "clicked");
  g_assert_cmpstr (last_toast (f), ==, "Position enregistrée : les commerces sont classés à partir d’ici");
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-latitude"), shop->position.lat, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-longitude"), shop->position.lon, 1e-9);
}

static GtkWidget *
find_map (GtkWidget *widget)
{
  if (VTR_IS_MAP (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_map (child);

      if (found)
        return found;
    }
  return NULL;
}

/* Where the kiosk stands, tapped on the map (issue 22) rather than typed:
 * "you are here" moves there and the settings keep it, as the typed
 * position is kept. */
static void
test_position_on_map (Fixture       *f,
                      gconstpointer  data)
{
  VtrPosition target = { 43.2965, 5.3770 };
  double x, y, lat, lon;
  VtrMap *map;

  g_settings_set_double (f->settings, "kiosk-latitude", 43.2951);
  g_settings_set_double (f->settings, "kiosk-longitude", 5.3744);
  open_screen (f);
  map = VTR_MAP (find_map (GTK_WIDGET (f->screen)));
  g_assert_nonnull (map);
  g_assert_true (vtr_map_get_picking (map));
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

    while (!gtk_widget_get_mapped (GTK_WIDGET (map)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (map)));
  vtr_map_get_here (map, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, 43.2951, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 5.3744, 1e-9);

  vtr_map_locate (map, target.lat, target.lon, &x, &y);
  g_assert_true (vtr_map_pick_at (map, x, y));
  g_assert_cmpstr (last_toast (f), ==, "Position enregistrée : les commerces sont classés à partir d’ici");
  /* A pixel is a metre or two at the map's zoom: 1e-4 degrees is 11 m. */
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-latitude"), target.lat, 1e-4);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "kiosk-longitude"), target.lon, 1e-4);
  vtr_map_get_here (map, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, target.lat, 1e-4);
  g_assert_cmpfloat_with_epsilon (lon, target.lon, 1e-4);
}

/* Until the catalogue service answered a query asked now: it answers in
 * order, so every one asked before was answered too (a cancelled one a
 * turn of the main loop later). */
static void
wait_for_catalog (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VtrSearchResults) results = NULL;
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  vtr_catalog_service_search_async (f->catalog, "savon", NULL, NULL, store_result, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  results = vtr_catalog_service_search_finish (f->catalog, result, NULL);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* A name typed again before the shops of the first were found: only the
 * last one's are shown. The screen closed while shops are looked for:
 * the answer, when it comes, shows and says nothing. */
static void
test_shop_search_late (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  VtrDemoCounts counts;

  g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  open_screen (f);
  type_into (f, _("Or next to a shop: its name"), "Zzzz");
  type_into (f, _("Or next to a shop: its name"), "Pizzeria Chez Paul");
  wait_for_catalog (f);
  g_assert_false (vtr_admin_screen_get_searching_shops (f->screen));
  g_assert_nonnull (find_row (GTK_WIDGET (f->screen), "Pizzeria Chez Paul"));
  g_assert_cmpstr (last_toast (f), ==, "");

  g_ptr_array_set_size (f->fired, 0);
  type_into (f, _("Or next to a shop: its name"), "Zzzz");
  g_assert_true (vtr_admin_screen_get_searching_shops (f->screen));
  gtk_window_destroy (f->window);
  f->window = NULL;
  g_assert_finalize_object (f->screen);
  wait_for_catalog (f);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

/* The words of every label shown under @widget cut with "…", each as
 * "WORDS; ". */
static void
find_ellipsized (GtkWidget *widget,
                 GString   *found)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_string_append_printf (found, "%s; ", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    find_ellipsized (child, found);
}

/* A combo row's first choice, as it reads. */
static const char *
first_choice (GtkWidget *row)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  if (model == NULL || !GTK_IS_STRING_LIST (model) || g_list_model_get_n_items (model) == 0)
    return NULL;
  return gtk_string_list_get_string (GTK_STRING_LIST (model), 0);
}

/* The admin screen fits the kiosk's screens, its keyboard up, in the
 * app's style. Its hints are read whole (not cut with "…"), and the
 * choice above a field typed into says what is typed there. */
static void
test_fits (Fixture       *f,
           gconstpointer  data)
{
  static const VtrTestDisplay screens[] = VTR_TEST_DISPLAYS;
  g_autoptr(GtkCssProvider) style = NULL;

  open_screen (f);
  style = vtr_test_screen_use_style (f->window);
  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      GtkWidget *printer = find_row (GTK_WIDGET (f->screen), "Adresse de l’imprimante");
      GtkWidget *scrolled = gtk_widget_get_ancestor (printer, GTK_TYPE_SCROLLED_WINDOW);
      graphene_point_t at;
      gint64 deadline;

      vtr_test_screen_resize (f->window, screens[i].width, screens[i].height);
      /* The printer's row typed into, under the keyboard: it is scrolled
       * into what the keyboard leaves. */
      gtk_window_set_focus (f->window, NULL);
      type_into (f, "Adresse de l’imprimante", "dev:/dev/usb/lp0");
      deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;
      do
        {
          g_main_context_iteration (NULL, FALSE);
          g_assert_true (gtk_widget_compute_point (printer, scrolled, &GRAPHENE_POINT_INIT (0, 0), &at));
        }
      while ((at.y < 0 || at.y + gtk_widget_get_height (printer) > gtk_widget_get_height (scrolled)) &&
             g_get_monotonic_time () < deadline);
      g_assert_cmpfloat (at.y, >=, 0);
      g_assert_cmpfloat (at.y + gtk_widget_get_height (printer), <=, gtk_widget_get_height (scrolled));
      vtr_test_screen_assert_fits (GTK_WIDGET (f->screen), &screens[i]);
      {
        g_autoptr(GString) cut = g_string_new (NULL);

        vtr_test_spin (50);
        find_ellipsized (GTK_WIDGET (f->screen), cut);
        if (cut->len)
          g_error ("at %dx%d, the admin screen cuts its words: %s", screens[i].width, screens[i].height, cut->str);
      }
      /* The printers found (none here, or some) come after what is typed
       * below, in words. */
      {
        GtkWidget *choice = find_row (GTK_WIDGET (f->screen), "Imprimantes trouvées");
        gint64 until = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

        while (first_choice (choice) == NULL && g_get_monotonic_time () < until)
          g_main_context_iteration (NULL, TRUE);
        g_assert_cmpstr (first_choice (choice), ==, "Celle saisie ci-dessous");
      }
    }
  type_into (f, "Adresse de l’imprimante", "");
  g_assert_cmpstr (first_choice (find_row (GTK_WIDGET (f->screen), "Imprimantes trouvées")), ==,
                   "Aucune choisie ici");
  vtr_test_screen_drop_style (style);
}

/* Whether @first comes before @second among their parent's children. */
static gboolean
comes_before (GtkWidget *first,
              GtkWidget *second)
{
  g_assert_true (gtk_widget_get_parent (first) == gtk_widget_get_parent (second));
  for (GtkWidget *w = gtk_widget_get_next_sibling (first); w; w = gtk_widget_get_next_sibling (w))
    if (w == second)
      return TRUE;
  return FALSE;
}

/* Not paired, pairing is the blue button above the settings; paired,
 * "Pair again" (rare, it replaces the kiosk's link) is a plain button
 * lower down, after "Sync now". */
static void
test_pair_button_place (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *pair;
  GtkWidget *sync;

  open_screen (f);
  vtr_admin_screen_set_paired (f->screen, FALSE);
  pair = find_actionable (GTK_WIDGET (f->screen), "win.allow-pairing");
  sync = find_actionable (GTK_WIDGET (f->screen), "admin.sync-now");
  g_assert_nonnull (pair);
  g_assert_nonnull (sync);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (pair)), ==, "Appairer avec la fédération");
  g_assert_true (gtk_widget_has_css_class (pair, "suggested-action"));
  g_assert_true (comes_before (pair, sync));

  vtr_admin_screen_set_paired (f->screen, TRUE);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (pair)), ==, "Appairer de nouveau avec la fédération");
  g_assert_false (gtk_widget_has_css_class (pair, "suggested-action"));
  g_assert_true (comes_before (sync, pair));

  vtr_admin_screen_set_paired (f->screen, FALSE);
  g_assert_true (gtk_widget_has_css_class (pair, "suggested-action"));
  g_assert_true (comes_before (pair, sync));
}

/* The kiosk's configuration sets the printer (VITRINE_PRINTER, as
 * ./run demo and /etc/default/vitrine-kiosk do): the screen says so and
 * shows it; an address typed here is refused in words, not said in use. */
static void
test_printer_configured (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *printer = NULL;
  GtkWidget *row;

  g_setenv ("VITRINE_PRINTER", "tcp:127.0.0.1:1", TRUE);
  open_screen (f);
  vtr_admin_screen_refresh (f->screen);
  settle ();
  g_assert_true (shows (f, "Imprimante fixée par la configuration de la borne : tcp:127.0.0.1:1"));
  row = find_row (GTK_WIDGET (f->screen), "Adresse de l’imprimante");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "tcp:127.0.0.1:1");
  g_assert_false (gtk_widget_is_sensitive (row));

  /* Typed anyway (the row's apply, as from vitrine-ctl or a script):
   * refused, the setting untouched, and the toast never says "saved". */
  g_signal_emit_by_name (row, "apply");
  g_assert_true (g_str_has_prefix (last_toast (f), "Imprimante fixée par la configuration de la borne"));
  g_assert_false (vtr_admin_screen_set_printer (f->screen, "tcp:192.0.2.1:9100", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  printer = g_settings_get_string (f->settings, "printer");
  g_assert_cmpstr (printer, !=, "tcp:192.0.2.1:9100");
  g_assert_cmpstr (printer, !=, "tcp:127.0.0.1:1");
  g_unsetenv ("VITRINE_PRINTER");
}

int
main (int argc, char *argv[])
{
  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/admin-screen/settings-typed", Fixture, NULL, fixture_set_up, test_settings_typed, fixture_tear_down);
  g_test_add ("/admin-screen/position-by-shop", Fixture, NULL, fixture_set_up, test_position_by_shop,
              fixture_tear_down);
  g_test_add ("/admin-screen/position-on-map", Fixture, NULL, fixture_set_up, test_position_on_map,
              fixture_tear_down);
  g_test_add ("/admin-screen/shop-search-late", Fixture, NULL, fixture_set_up, test_shop_search_late,
              fixture_tear_down);
  g_test_add ("/admin-screen/settings-bound", Fixture, NULL, fixture_set_up, test_settings_bound, fixture_tear_down);
  g_test_add ("/admin-screen/no-settings", Fixture, "no schema", fixture_set_up, test_no_settings,
              fixture_tear_down);
  g_test_add ("/admin-screen/buttons-and-pairing", Fixture, NULL, fixture_set_up, test_buttons_and_pairing,
              fixture_tear_down);
  g_test_add ("/admin-screen/sync-now-unreachable", Fixture, NULL, fixture_set_up, test_sync_now_unreachable,
              fixture_tear_down);
  g_test_add ("/admin-screen/pair-again", Fixture, NULL, fixture_set_up, test_pair_again, fixture_tear_down);
  g_test_add ("/admin-screen/stocks", Fixture, NULL, fixture_set_up, test_stocks, fixture_tear_down);
  g_test_add ("/admin-screen/fits", Fixture, NULL, fixture_set_up, test_fits, fixture_tear_down);
  g_test_add ("/admin-screen/store-notice", Fixture, NULL, fixture_set_up, test_store_notice, fixture_tear_down);
  g_test_add ("/admin-screen/old-version", Fixture, NULL, fixture_set_up, test_old_version, fixture_tear_down);
  g_test_add ("/admin-screen/no-personal-data", Fixture, NULL, fixture_set_up, test_no_personal_data,
              fixture_tear_down);
  g_test_add ("/admin-screen/pair-button-place", Fixture, NULL, fixture_set_up, test_pair_button_place,
              fixture_tear_down);
  g_test_add ("/admin-screen/printer-configured", Fixture, NULL, fixture_set_up, test_printer_configured,
              fixture_tear_down);
  return g_test_run ();
}

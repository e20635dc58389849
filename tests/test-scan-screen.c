#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vtr-camera.h"
#include "vtr-i18n.h"
#include "vtr-keyboard.h"
#include "vtr-qr-image.h"
#include "vtr-scan-screen.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"

/*
 * The scan screen alone, in a window whose "win" actions are recorded:
 * what it asks the window for when the on-screen keyboard searches, when
 * a picture is scanned (on a desktop, and in kiosk mode from a USB stick
 * only), and what it shows when there is no camera.
 */

static char *data_dir;

typedef struct
{
  GtkWindow *window;
  GPtrArray *activated; /* "name(parameter)" */
} Fixture;

static void
on_action (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  Fixture *fixture = data;
  g_autofree char *value = parameter ? g_variant_print (parameter, FALSE) : g_strdup ("");

  g_ptr_array_add (fixture->activated, g_strdup_printf ("%s(%s)", g_action_get_name (G_ACTION (action)), value));
}

static const GActionEntry recorded[] = {
  { "search", on_action, "s" },
  { "scan-text", on_action, "s" },
  { "toast", on_action, "s" },
  { "browse", on_action },
  { "show-civic", on_action },
};

static VtrScanScreen *
fixture_open (Fixture    *fixture,
              const char *camera_source,
              gboolean    kiosk)
{
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autofree char *source = camera_source ? vtr_camera_choose_source (camera_source) : NULL;
  g_autoptr(VtrCamera) camera = source ? vtr_camera_new (source) : NULL;
  GtkWidget *screen = vtr_scan_screen_new (camera, kiosk);

  fixture->activated = g_ptr_array_new_with_free_func (g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (win), recorded, G_N_ELEMENTS (recorded), fixture);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "win", G_ACTION_GROUP (win));
  gtk_window_set_child (fixture->window, screen);
  gtk_window_present (fixture->window);
  if (camera)
    vtr_camera_start (camera);
  return VTR_SCAN_SCREEN (screen);
}

static void
fixture_close (Fixture *fixture)
{
  VtrScanScreen *screen = VTR_SCAN_SCREEN (gtk_window_get_child (fixture->window));
  VtrCamera *camera = vtr_scan_screen_get_camera (screen);

  if (camera)
    vtr_camera_stop (camera);
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_ptr_array_unref (fixture->activated);
}

/* Waits until an action named @prefix… was activated; returns it. */
static const char *
wait_for_action (Fixture    *fixture,
                 const char *prefix,
                 guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  for (;;)
    {
      for (guint i = 0; i < fixture->activated->len; i++)
        if (g_str_has_prefix (g_ptr_array_index (fixture->activated, i), prefix))
          return g_ptr_array_index (fixture->activated, i);
      if (g_get_monotonic_time () > deadline)
        return NULL;
      g_main_context_iteration (NULL, TRUE);
    }
}

/* A search typed on the on-screen keyboard, its keys tapped (clicked),
 * and its Search key: the window is asked to search that text. */
static void
test_keyboard_search (void)
{
  Fixture fixture;
  VtrScanScreen *screen = fixture_open (&fixture, NULL, FALSE);
  GtkWidget *toggle = vtr_test_find_button (GTK_WIDGET (screen), "Clavier");
  GtkWidget *keyboard = vtr_test_find_type (GTK_WIDGET (screen), VTR_TYPE_KEYBOARD);
  GtkWidget *revealer = gtk_widget_get_parent (keyboard);

  g_assert_nonnull (toggle);
  g_assert_false (gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)));
  /* The keyboard shows when asked for. */
  g_signal_emit_by_name (toggle, "clicked");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  for (const char *key = "SAVON"; *key; key++)
    {
      char name[2] = { *key, 0 };
      GtkWidget *button = vtr_test_find_button (keyboard, name);

      g_assert_nonnull (button);
      g_signal_emit_by_name (button, "clicked");
    }
  g_signal_emit_by_name (vtr_test_find_button (keyboard, "Rechercher"), "clicked");
  g_assert_cmpstr (wait_for_action (&fixture, "search", 1), ==, "search('Savon')");
  /* The next person sees nothing of it. */
  vtr_scan_screen_clear (screen);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  fixture_close (&fixture);
}

static gboolean
count_tick (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* A picture scanned: read on a worker thread (the screen keeps being
 * drawn meanwhile), then handed to the window as if the camera read it. */
static void
test_scan_file (void)
{
  g_autofree char *path = g_build_filename (data_dir, "ad.png", NULL);
  g_autofree char *missing = g_build_filename (data_dir, "missing.png", NULL);
  g_autoptr(GError) error = NULL;
  Fixture fixture;
  VtrScanScreen *screen = fixture_open (&fixture, NULL, FALSE);
  guint ticks = 0;
  guint tick = g_timeout_add (5, count_tick, &ticks);

  g_assert_true (vtr_qr_write_file ("https://vtr13.fr/P/hello", "", path, FALSE, &error));
  g_assert_no_error (error);
  vtr_scan_screen_scan_file (screen, path);
  g_assert_cmpstr (wait_for_action (&fixture, "scan-text", 10), ==, "scan-text('https://vtr13.fr/P/hello')");
  g_assert_cmpuint (ticks, >, 0);
  g_source_remove (tick);

  /* A file that is not there: said in words. */
  vtr_scan_screen_scan_file (screen, missing);
  g_assert_nonnull (wait_for_action (&fixture, "toast", 10));
  g_assert_nonnull (strstr (wait_for_action (&fixture, "toast", 0), "missing.png"));
  fixture_close (&fixture);
}

/* The dialog the scan screen opened over @fixture's window, or %NULL. */
static GtkWindow *
find_dialog (Fixture *fixture)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == fixture->window)
        dialog = window;
    }
  return dialog;
}

/* Until the USB stick's pictures were looked for. */
static void
wait_listed (VtrScanScreen *screen)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  while (vtr_scan_screen_get_listing_pictures (screen) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_scan_screen_get_listing_pictures (screen));
  vtr_test_spin (20);
}

/* Kiosk mode: no file chooser on the machine's folders. Without a USB
 * stick, no button; with one, its pictures only, in the kiosk's own list. */
static void
test_kiosk_pictures (void)
{
  g_autofree char *stick = g_build_filename (data_dir, "stick", NULL);
  g_autofree char *picture = g_build_filename (stick, "affiche.png", NULL);
  g_autofree char *notes = g_build_filename (stick, "notes.txt", NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *button, *list;
  GtkWindow *dialog = NULL;
  Fixture fixture;
  VtrScanScreen *screen;
  guint n_rows = 0;

  g_setenv ("VITRINE_REMOVABLE_MEDIA", "/nonexistent-stick", TRUE);
  screen = fixture_open (&fixture, NULL, TRUE);
  button = vtr_test_find_button (GTK_WIDGET (screen), "Scanner une image…");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (button));
  fixture_close (&fixture);

  g_mkdir_with_parents (stick, 0755);
  g_assert_true (vtr_qr_write_file ("https://vtr13.fr/M/stick", "", picture, FALSE, &error));
  g_assert_true (g_file_set_contents (notes, "not a picture", -1, NULL));
  g_setenv ("VITRINE_REMOVABLE_MEDIA", stick, TRUE);
  screen = fixture_open (&fixture, NULL, TRUE);
  button = vtr_test_find_button (GTK_WIDGET (screen), "Scanner une image…");
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  /* At once, before the stick was read: a spinner while it is. */
  dialog = find_dialog (&fixture);
  g_assert_nonnull (dialog);
  g_assert_true (vtr_scan_screen_get_listing_pictures (screen));
  g_assert_true (gtk_widget_get_visible (vtr_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_SPINNER)));
  list = vtr_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_LIST_BOX);
  g_assert_null (gtk_widget_get_first_child (list));
  wait_listed (screen);
  g_assert_false (gtk_widget_is_visible (vtr_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_SPINNER)));
  g_assert_true (gtk_widget_is_visible (list));
  /* Not a file chooser: the kiosk's own list of the stick's pictures. */
  g_assert_false (GTK_IS_FILE_CHOOSER (dialog));
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "affiche.png");
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, 1);
  g_signal_emit_by_name (list, "row-activated", gtk_widget_get_first_child (list));
  g_assert_cmpstr (wait_for_action (&fixture, "scan-text", 10), ==, "scan-text('https://vtr13.fr/M/stick')");
  fixture_close (&fixture);
  g_unsetenv ("VITRINE_REMOVABLE_MEDIA");
}

/* A stick with no picture: said in words once it was read, the dialog
 * gone. The dialog closed while the stick is read, or the screen gone:
 * the answer, when it comes, shows nothing and says nothing. */
static void
test_kiosk_pictures_late (void)
{
  g_autofree char *stick = g_build_filename (data_dir, "stick-late", NULL);
  g_autofree char *notes = g_build_filename (stick, "notes.txt", NULL);
  GtkWidget *button;
  GtkWindow *dialog;
  Fixture fixture;
  VtrScanScreen *screen;

  g_mkdir_with_parents (stick, 0755);
  g_assert_true (g_file_set_contents (notes, "not a picture", -1, NULL));
  g_setenv ("VITRINE_REMOVABLE_MEDIA", stick, TRUE);
  screen = fixture_open (&fixture, NULL, TRUE);
  button = vtr_test_find_button (GTK_WIDGET (screen), "Scanner une image…");

  /* Nothing to scan on it. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (find_dialog (&fixture));
  wait_listed (screen);
  g_assert_null (find_dialog (&fixture));
  g_assert_cmpstr (wait_for_action (&fixture, "toast", 0), ==, "toast('Aucune image sur la clé USB')");

  /* Closed at once, with its Cancel button. */
  g_ptr_array_set_size (fixture.activated, 0);
  g_signal_emit_by_name (button, "clicked");
  dialog = find_dialog (&fixture);
  g_signal_emit_by_name (vtr_test_find_button (GTK_WIDGET (dialog), "Annuler"), "clicked");
  g_assert_false (vtr_scan_screen_get_listing_pictures (screen));
  vtr_test_spin (500 * vtr_test_slow ());
  g_assert_null (find_dialog (&fixture));
  g_assert_cmpuint (fixture.activated->len, ==, 0);

  /* The screen gone with its window. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (vtr_scan_screen_get_listing_pictures (screen));
  g_object_add_weak_pointer (G_OBJECT (screen), (gpointer *) &screen);
  gtk_window_destroy (find_dialog (&fixture));
  g_signal_emit_by_name (button, "clicked");
  fixture_close (&fixture);
  vtr_test_spin (500 * vtr_test_slow ());
  g_assert_null (screen);
  g_unsetenv ("VITRINE_REMOVABLE_MEDIA");
}

/* No camera: said plainly, the search still there. */
static void
test_no_camera (void)
{
  Fixture fixture;
  VtrScanScreen *screen = fixture_open (&fixture, "/nonexistent/camera", FALSE);
  AdwStatusPage *status = ADW_STATUS_PAGE (vtr_test_find_type (GTK_WIDGET (screen), ADW_TYPE_STATUS_PAGE));
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (GTK_WIDGET (status)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "Pas de caméra");
  g_assert_nonnull (vtr_test_find_type (GTK_WIDGET (screen), GTK_TYPE_SEARCH_ENTRY));
  g_assert_true (gtk_widget_get_mapped (vtr_test_find_type (GTK_WIDGET (screen), GTK_TYPE_SEARCH_ENTRY)));
  fixture_close (&fixture);
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

static gboolean
hint_says (VtrScanScreen *screen,
           const char    *words,
           guint          seconds)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * seconds * G_USEC_PER_SEC;

  while (!strstr (vtr_scan_screen_get_hint (screen), words) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("hint: %s", vtr_scan_screen_get_hint (screen));
  return strstr (vtr_scan_screen_get_hint (screen), words) != NULL;
}

/* Nothing read: the screen says why it may be, in words; another camera
 * given to the screen is followed. */
static void
test_hints (void)
{
  g_autofree char *dark = plain_image ("dark.png", 0.05);
  g_autofree char *glare = plain_image ("glare.png", 1.0);
  g_autofree char *grey = plain_image ("grey.png", 0.5);
  const char *cameras[] = { dark, glare, grey };
  const char *words[] = { "sombre", "reflet", "rapprochez" };
  Fixture fixture;
  VtrScanScreen *screen = fixture_open (&fixture, dark, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cameras); i++)
    {
      if (i > 0)
        {
          g_autofree char *source = vtr_camera_choose_source (cameras[i]);
          g_autoptr(VtrCamera) camera = vtr_camera_new (source);

          vtr_camera_stop (vtr_scan_screen_get_camera (screen));
          vtr_scan_screen_set_camera (screen, camera);
          vtr_camera_start (camera);
        }
      g_assert_true (hint_says (screen, words[i], 15));
    }
  fixture_close (&fixture);
}

/* "Scanner une image…" (desktop mode) opens its chooser on a folder, not
 * on "Récents", and the next time where the last picture came from. The
 * test does not open GTK's chooser itself: GTK 4.8's file chooser leaks
 * its folder's listing, which the sanitized build reports as ours. */
static void
test_picture_folder (void)
{
  g_autofree char *folder_path = g_build_filename (data_dir, "pictures", NULL);
  g_autofree char *path = g_build_filename (folder_path, "poster.png", NULL);
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  g_autoptr(GFile) first = NULL, second = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture;
  VtrScanScreen *screen = fixture_open (&fixture, NULL, FALSE);

  g_assert_cmpint (g_mkdir_with_parents (folder_path, 0700), ==, 0);
  g_assert_true (vtr_qr_write_file ("https://vtr13.fr/P/poster", "", path, FALSE, &error));
  g_assert_no_error (error);

  first = vtr_scan_screen_dup_picture_folder (screen);
  {
    g_autofree char *where = g_file_get_path (first);

    g_assert_cmpstr (where, ==, pictures && g_file_test (pictures, G_FILE_TEST_IS_DIR) ? pictures
                                                                                      : g_get_home_dir ());
  }
  vtr_scan_screen_scan_file (screen, path);
  g_assert_cmpstr (wait_for_action (&fixture, "scan-text", 10), ==, "scan-text('https://vtr13.fr/P/poster')");
  second = vtr_scan_screen_dup_picture_folder (screen);
  g_assert_true (g_file_equal (second, folder));
  fixture_close (&fixture);
}

int
main (int argc, char *argv[])
{
  int status;

  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  data_dir = vtr_test_make_data_dir ();

  g_test_add_func ("/scan-screen/keyboard-search", test_keyboard_search);
  g_test_add_func ("/scan-screen/scan-file", test_scan_file);
  g_test_add_func ("/scan-screen/picture-folder", test_picture_folder);
  g_test_add_func ("/scan-screen/kiosk-pictures", test_kiosk_pictures);
  g_test_add_func ("/scan-screen/kiosk-pictures-late", test_kiosk_pictures_late);
  g_test_add_func ("/scan-screen/no-camera", test_no_camera);
  g_test_add_func ("/scan-screen/hints", test_hints);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

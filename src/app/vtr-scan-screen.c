#include "config.h"

#include "vtr-scan-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-decoder.h"
#include "vtr-flip-box.h"
#include "vtr-frame-light.h"
#include "vtr-frame-reader.h"
#include "vtr-keyboard.h"

/*
 * The home screen: the camera's picture with a frame around what was
 * read, a hint about the light or the distance while nothing is, the
 * search (typed on a keyboard or on the screen's own), and the ways to
 * browse without a code. What is read or searched goes up as the
 * window's actions (win.scan-text, win.search): the screen decides
 * nothing about where it leads.
 *
 * A picture can be scanned too: from any folder on a desktop; in kiosk
 * mode only from a removable drive (a USB stick brought by the shop),
 * never from the machine's own folders.
 */

#define FEEDBACK_USEC (1500 * 1000)
#define LIGHT_CHECK_USEC (500 * 1000)
#define CLOSER_HINT_USEC (6 * G_USEC_PER_SEC)

struct _VtrScanScreen
{
  GtkWidget        parent_instance;

  /* Template widgets. */
  GtkStack        *camera_stack;
  GtkPicture      *preview;
  GtkDrawingArea  *overlay;
  AdwStatusPage   *no_camera;
  GtkLabel        *hint;
  GtkSearchEntry  *search;
  GtkToggleButton *keyboard_button;
  VtrKeyboard     *keyboard;
  GtkWidget       *scan_file_button;

  /* Owned. */
  VtrCamera       *camera;
  GSignalGroup    *camera_signals;
  GVolumeMonitor  *volumes;       /* kiosk mode: removable drives */
  GCancellable    *cancellable;
  GCancellable    *listing;       /* the USB stick's pictures being looked for */
  gboolean         kiosk;
  GFile           *last_folder;   /* where the last picture was chosen */

  /* What the last frames said. */
  VtrPoint         corners[4];
  int              n_corners;
  gint64           corners_until;
  int              frame_width;
  int              frame_height;
  VtrLight         light;
  gint64           light_checked;
  gint64           scanning_since;
  guint            tick_id;
};

G_DEFINE_FINAL_TYPE (VtrScanScreen, vtr_scan_screen, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CAMERA,
  PROP_KIOSK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (VtrScanScreen *self,
       const char    *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

/* The camera. */

static void
on_codes_found (VtrScanScreen *self,
                GPtrArray     *codes)
{
  VtrSymbol *code;

  if (codes->len == 0)
    return;
  code = g_ptr_array_index (codes, 0);
  /* The corners are in the decoder's frames, which the preview shows
   * smaller, the same shape. */
  if (self->camera != NULL)
    {
      VtrCameraStats stats;

      vtr_camera_get_stats (self->camera, &stats);
      self->frame_width = stats.frame_width;
      self->frame_height = stats.frame_height;
    }
  self->scanning_since = g_get_monotonic_time ();
  /* A frame around what was read, for a moment. */
  self->n_corners = MIN (code->n_corners, 4);
  memcpy (self->corners, code->corners, sizeof self->corners);
  self->corners_until = g_get_monotonic_time () + FEEDBACK_USEC;
  gtk_widget_queue_draw (GTK_WIDGET (self->overlay));
}

static void
on_frame_ready (VtrScanScreen *self,
                GBytes        *rgb,
                int            width,
                int            height,
                int            stride)
{
  g_autoptr(GdkTexture) texture = NULL;

  /* A screen not shown draws nothing. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, stride);
  /* The camera scales the next frames to the preview's size on screen:
   * the main thread uploads no more pixels than it shows. */
  if (self->camera != NULL && gtk_widget_get_width (GTK_WIDGET (self->preview)) > 0)
    {
      int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self->preview));

      vtr_camera_set_preview_size (self->camera, gtk_widget_get_width (GTK_WIDGET (self->preview)) * scale,
                                   gtk_widget_get_height (GTK_WIDGET (self->preview)) * scale);
    }
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  /* Twice a second is enough for a hint. */
  if (g_get_monotonic_time () - self->light_checked > LIGHT_CHECK_USEC)
    {
      self->light = vtr_frame_light (g_bytes_get_data (rgb, NULL), width, height, stride, NULL, NULL);
      self->light_checked = g_get_monotonic_time ();
    }
}

static void
on_camera_state (VtrScanScreen *self)
{
  if (self->camera == NULL)
    return;
  if (vtr_camera_get_state (self->camera) == VTR_CAMERA_FAILED)
    {
      g_autofree char *why = vtr_camera_dup_error_text (self->camera);

      adw_status_page_set_description (self->no_camera, why ? why : _("The camera does not answer."));
      gtk_stack_set_visible_child_name (self->camera_stack, "no-camera");
      gtk_widget_set_visible (GTK_WIDGET (self->hint), FALSE);
    }
  else if (vtr_camera_get_state (self->camera) == VTR_CAMERA_RUNNING)
    {
      gtk_stack_set_visible_child_name (self->camera_stack, "camera");
      gtk_widget_set_visible (GTK_WIDGET (self->hint), TRUE);
    }
}

static void
draw_overlay (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  VtrScanScreen *self = data;
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

/* What to do about the light, or about a code that is not read, while
 * nothing is. */
static void
update_hint (VtrScanScreen *self)
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

static gboolean
on_tick (gpointer data)
{
  VtrScanScreen *self = data;

  /* The frame around the last code read goes away after its moment. */
  if (self->n_corners && g_get_monotonic_time () > self->corners_until)
    {
      self->n_corners = 0;
      gtk_widget_queue_draw (GTK_WIDGET (self->overlay));
    }
  update_hint (self);
  return G_SOURCE_CONTINUE;
}

const char *
vtr_scan_screen_get_hint (VtrScanScreen *self)
{
  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), NULL);

  return gtk_label_get_text (self->hint);
}

/* Search. */

static void
on_search_activate (VtrScanScreen *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search))));

  if (*text)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.search", "s", text);
}

/**
 * vtr_scan_screen_is_clear:
 *
 * Whether the screen shows nothing of the last person: no search typed,
 * the on-screen keyboard put away.
 */
gboolean
vtr_scan_screen_is_clear (VtrScanScreen *self)
{
  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), TRUE);

  return *gtk_editable_get_text (GTK_EDITABLE (self->search)) == '\0' &&
         !gtk_toggle_button_get_active (self->keyboard_button);
}

/**
 * vtr_scan_screen_clear:
 *
 * The next person sees nothing of the last one's search.
 */
void
vtr_scan_screen_clear (VtrScanScreen *self)
{
  g_return_if_fail (VTR_IS_SCAN_SCREEN (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  gtk_toggle_button_set_active (self->keyboard_button, FALSE);
  self->scanning_since = g_get_monotonic_time ();
}

/* Scanning a picture, on a worker thread: a large photo takes a while. */

static void
scan_file_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable);

typedef struct
{
  char *path;
  char *text;
} FileScan;

static void
file_scan_free (FileScan *scan)
{
  g_free (scan->path);
  g_free (scan->text);
  g_free (scan);
}

static gboolean
on_file_frame (const VtrFrame *frame,
               gpointer        data)
{
  FileScan *scan = data;
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, frame, VTR_DECODE_THOROUGH);

  if (codes->len > 0)
    scan->text = g_strdup (((VtrSymbol *) g_ptr_array_index (codes, 0))->text);
  return scan->text == NULL; /* the next frame only if nothing was read */
}

static void
scan_file_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  FileScan *scan = data;
  GError *error = NULL;

  if (!vtr_frame_reader_read (scan->path, on_file_frame, scan, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
scan_file_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (source);
  FileScan *scan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
    }
  else if (scan->text == NULL)
    toast (self, _("No code in this picture: try a sharper one, taken from closer"));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.scan-text", "s", scan->text);
}

/**
 * vtr_scan_screen_scan_file:
 *
 * Reads the first code of an image or video, as if the camera had seen
 * it, away from the screen; the text goes up as win.scan-text.
 */
void
vtr_scan_screen_scan_file (VtrScanScreen *self,
                           const char    *path)
{
  g_autoptr(GTask) task = NULL;
  FileScan *scan;

  g_return_if_fail (VTR_IS_SCAN_SCREEN (self));

  /* The next picture is looked for where this one is. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_clear_object (&self->last_folder);
    self->last_folder = g_file_get_parent (file);
  }
  task = g_task_new (self, self->cancellable, scan_file_done, NULL);
  scan = g_new0 (FileScan, 1);
  scan->path = g_strdup (path);
  g_task_set_task_data (task, scan, (GDestroyNotify) file_scan_free);
  g_task_run_in_thread (task, scan_file_in_thread);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         data)
{
  VtrScanScreen *self = data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        vtr_scan_screen_scan_file (self, path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

/* Pictures and videos by their name: a removable drive's folder is
 * listed without reading every file. */
static gboolean
is_picture_name (const char *name)
{
  static const char * const suffixes[] = { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff",
                                           ".mp4", ".webm", ".mkv", ".avi", ".mov" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (name[0] == '.')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

/**
 * vtr_scan_screen_list_removable:
 *
 * The folders of the removable drives plugged in (USB sticks, SD cards):
 * the only places a kiosk reads pictures from. VITRINE_REMOVABLE_MEDIA,
 * a list of folders, stands for them where nothing can be plugged in
 * (tests, a demo without a stick).
 *
 * Returns: (transfer full): the folders' paths
 */
char **
vtr_scan_screen_list_removable (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *override = g_getenv ("VITRINE_REMOVABLE_MEDIA");
  g_autoptr(GVolumeMonitor) monitor = NULL;
  GList *mounts;

  if (override)
    {
      g_auto(GStrv) folders = g_strsplit (override, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; folders[i]; i++)
        if (*folders[i] && g_file_test (folders[i], G_FILE_TEST_IS_DIR))
          g_strv_builder_add (builder, folders[i]);
      return g_strv_builder_end (builder);
    }
  monitor = g_volume_monitor_get ();
  mounts = g_volume_monitor_get_mounts (monitor);
  for (GList *l = mounts; l; l = l->next)
    {
      GMount *mount = l->data;
      g_autoptr(GDrive) drive = g_mount_get_drive (mount);
      g_autoptr(GFile) root = g_mount_get_root (mount);
      g_autofree char *path = g_file_get_path (root);

      if (path && drive && (g_drive_is_removable (drive) || g_drive_can_eject (drive)))
        g_strv_builder_add (builder, path);
    }
  g_list_free_full (mounts, g_object_unref);
  return g_strv_builder_end (builder);
}

static void
on_removable_picture_activated (GtkListBox    *list,
                                GtkListBoxRow *row,
                                gpointer       data)
{
  VtrScanScreen *self = data;
  const char *path = g_object_get_data (G_OBJECT (row), "path");

  vtr_scan_screen_scan_file (self, path);
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (list))));
}

#define MAX_PICTURES 200

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* On a worker thread: a drive may be slow to answer, and a stick full of
 * files slow to list. Returns the pictures' paths, by name. */
static void
list_pictures_in_thread (GTask        *task,
                         gpointer      source,
                         gpointer      data,
                         GCancellable *cancellable)
{
  const char * const *folders = data;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; folders[i] && paths->len < MAX_PICTURES; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (folders[i], 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)) && paths->len < MAX_PICTURES)
        {
          g_autofree char *path = g_build_filename (folders[i], name, NULL);

          if (g_cancellable_is_cancelled (cancellable))
            break;
          if (is_picture_name (name) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (paths, g_steal_pointer (&path));
        }
    }
  g_ptr_array_sort (paths, compare_paths);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&paths), (GDestroyNotify) g_ptr_array_unref);
}

/* A listing's answer goes to the screen if it is still there: the task
 * does not hold the screen, which goes with its window, not later from a
 * worker's answer (GTK then freed a widget's style twice under ASan). */
typedef struct
{
  GWeakRef   screen;
  GtkWidget *dialog;
} Listing;

static void
pictures_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Listing *listing = data;
  g_autoptr(VtrScanScreen) self = g_weak_ref_get (&listing->screen);
  GtkWidget *dialog = listing->dialog;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWidget *list;

  g_weak_ref_clear (&listing->screen);
  g_free (listing);
  if (self == NULL)
    return;
  if (self->listing == g_task_get_cancellable (G_TASK (result)))
    g_clear_object (&self->listing);
  /* The dialog closed (which cancelled the listing: @dialog is gone), or
   * the screen gone, before the answer. */
  if (paths == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  list = g_object_get_data (G_OBJECT (dialog), "list");
  if (paths->len == 0)
    {
      const char * const *folders = g_task_get_task_data (G_TASK (result));

      gtk_window_destroy (GTK_WINDOW (dialog));
      toast (self, folders[0] ? _("No picture on the USB stick")
                              : _("Plug in a USB stick with the picture to scan"));
      return;
    }
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *name = g_path_get_basename (path);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (path), g_free);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (dialog), "loading"), FALSE);
  gtk_widget_set_visible (gtk_widget_get_parent (gtk_widget_get_parent (list)), TRUE);
}

/* Kiosk mode: the pictures at the top of the removable drives, in a
 * list of our own — a file chooser would open the machine's folders. The
 * list is read on a worker thread; a spinner shows until it was. */
static void
choose_removable_picture (VtrScanScreen *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GtkWidget *dialog, *box, *list, *scrolled, *title, *close, *loading, *spinner, *words;
  Listing *listing;

  dialog = adw_window_new ();
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_title (GTK_WINDOW (dialog), _("Scan a picture"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 720, 640);
  gtk_widget_add_css_class (dialog, "vitrine");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  g_object_set (box, "margin-top", 24, "margin-bottom", 24, "margin-start", 24, "margin-end", 24, NULL);
  title = gtk_label_new (_("Pictures on the USB stick"));
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (GTK_BOX (box), title);

  loading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (loading, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (loading, TRUE);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  words = gtk_label_new (_("Looking for pictures on the USB stick…"));
  gtk_widget_add_css_class (words, "title-3");
  gtk_box_append (GTK_BOX (loading), spinner);
  gtk_box_append (GTK_BOX (loading), words);
  gtk_box_append (GTK_BOX (box), loading);

  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pictures on the USB stick"), -1);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_removable_picture_activated), self, 0);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_visible (scrolled, FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);
  close = gtk_button_new_with_label (_("Cancel"));
  gtk_widget_add_css_class (close, "kiosk-button");
  gtk_widget_set_halign (close, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (gtk_window_destroy), dialog);
  gtk_box_append (GTK_BOX (box), close);
  adw_window_set_content (ADW_WINDOW (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "list", list);
  g_object_set_data (G_OBJECT (dialog), "loading", loading);

  /* Closing the dialog, or the screen going away, forgets the listing:
   * the answer does not hold the dialog, which goes when it is closed. */
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (g_cancellable_cancel), cancellable, G_CONNECT_SWAPPED);
  g_set_object (&self->listing, cancellable);

  listing = g_new0 (Listing, 1);
  g_weak_ref_init (&listing->screen, self);
  listing->dialog = dialog;
  task = g_task_new (NULL, cancellable, pictures_listed, listing);
  g_task_set_source_tag (task, choose_removable_picture);
  g_task_set_task_data (task, vtr_scan_screen_list_removable (), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, list_pictures_in_thread);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * vtr_scan_screen_get_listing_pictures:
 *
 * Whether the pictures of the USB stick are being looked for, the
 * dialog showing a spinner.
 */
gboolean
vtr_scan_screen_get_listing_pictures (VtrScanScreen *self)
{
  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), FALSE);

  return self->listing != NULL && !g_cancellable_is_cancelled (self->listing);
}

/**
 * vtr_scan_screen_dup_picture_folder:
 *
 * Where "Scan a picture…" looks first (desktop mode): the folder of the
 * last picture scanned, else the Pictures folder, else the home folder;
 * not the chooser's "Recent", where a photo just copied from a phone is
 * not.
 *
 * Returns: (transfer full): the folder
 */
GFile *
vtr_scan_screen_dup_picture_folder (VtrScanScreen *self)
{
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), NULL);

  if (self->last_folder)
    return g_object_ref (self->last_folder);
  return g_file_new_for_path (pictures && g_file_test (pictures, G_FILE_TEST_IS_DIR) ? pictures : g_get_home_dir ());
}

static void
scan_file_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *parameter)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->kiosk)
    {
      choose_removable_picture (self);
      return;
    }
  dialog = gtk_file_chooser_native_new (_("Scan a picture"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Scan"), NULL);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Pictures and videos"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_filter_add_mime_type (filter, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  {
    g_autoptr(GFile) folder = vtr_scan_screen_dup_picture_folder (self);

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
  }
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Kiosk mode offers to scan a picture only while a drive is plugged in. */
static void
update_scan_file_button (VtrScanScreen *self)
{
  g_auto(GStrv) folders = NULL;

  if (!self->kiosk)
    {
      gtk_widget_set_visible (self->scan_file_button, TRUE);
      return;
    }
  folders = vtr_scan_screen_list_removable ();
  gtk_widget_set_visible (self->scan_file_button, folders[0] != NULL);
}

/* Properties. */

VtrCamera *
vtr_scan_screen_get_camera (VtrScanScreen *self)
{
  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), NULL);

  return self->camera;
}

void
vtr_scan_screen_set_camera (VtrScanScreen *self,
                            VtrCamera     *camera)
{
  g_return_if_fail (VTR_IS_SCAN_SCREEN (self));
  g_return_if_fail (camera == NULL || VTR_IS_CAMERA (camera));

  if (!g_set_object (&self->camera, camera))
    return;
  g_signal_group_set_target (self->camera_signals, camera);
  self->n_corners = 0;
  gtk_picture_set_paintable (self->preview, NULL);
  on_camera_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

gboolean
vtr_scan_screen_get_kiosk (VtrScanScreen *self)
{
  g_return_val_if_fail (VTR_IS_SCAN_SCREEN (self), FALSE);

  return self->kiosk;
}

static void
vtr_scan_screen_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    case PROP_KIOSK:
      g_value_set_boolean (value, self->kiosk);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_scan_screen_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      vtr_scan_screen_set_camera (self, g_value_get_object (value));
      break;
    case PROP_KIOSK:
      if (self->kiosk == g_value_get_boolean (value))
        break;
      self->kiosk = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
      if (self->kiosk && self->volumes == NULL)
        {
          self->volumes = g_volume_monitor_get ();
          g_signal_connect_object (self->volumes, "mount-added", G_CALLBACK (update_scan_file_button), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (self->volumes, "mount-removed", G_CALLBACK (update_scan_file_button), self,
                                   G_CONNECT_SWAPPED);
        }
      update_scan_file_button (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_scan_screen_map (GtkWidget *widget)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (widget);

  GTK_WIDGET_CLASS (vtr_scan_screen_parent_class)->map (widget);
  self->scanning_since = g_get_monotonic_time ();
  /* Back from the results: the search is still there, selected, so the
   * next words typed replace it rather than add to it. */
  gtk_editable_select_region (GTK_EDITABLE (self->search), 0, -1);
  update_scan_file_button (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (250, on_tick, self);
}

static void
vtr_scan_screen_unmap (GtkWidget *widget)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (vtr_scan_screen_parent_class)->unmap (widget);
}

static void
vtr_scan_screen_dispose (GObject *object)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_group_set_target (self->camera_signals, NULL);
  g_clear_object (&self->camera);
  g_clear_object (&self->volumes);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_SCAN_SCREEN);
  G_OBJECT_CLASS (vtr_scan_screen_parent_class)->dispose (object);
}

static void
vtr_scan_screen_finalize (GObject *object)
{
  VtrScanScreen *self = VTR_SCAN_SCREEN (object);

  g_clear_object (&self->camera_signals);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->last_folder);
  G_OBJECT_CLASS (vtr_scan_screen_parent_class)->finalize (object);
}

static void
vtr_scan_screen_class_init (VtrScanScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_scan_screen_dispose;
  object_class->finalize = vtr_scan_screen_finalize;
  object_class->get_property = vtr_scan_screen_get_property;
  object_class->set_property = vtr_scan_screen_set_property;
  widget_class->map = vtr_scan_screen_map;
  widget_class->unmap = vtr_scan_screen_unmap;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, VTR_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIOSK] =
    g_param_spec_boolean ("kiosk", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_KEYBOARD);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-scan-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, camera_stack);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, preview);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, overlay);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, no_camera);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, hint);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, search);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, keyboard_button);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrScanScreen, scan_file_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_install_action (widget_class, "scan.scan-file", NULL, scan_file_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vtr_scan_screen_init (VtrScanScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->scanning_since = g_get_monotonic_time ();
  gtk_drawing_area_set_draw_func (self->overlay, draw_overlay, self, NULL);
  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->search), VTR_KEYBOARD_LETTERS);
  /* Typing anywhere on the scan screen searches. */
  gtk_search_entry_set_key_capture_widget (self->search, GTK_WIDGET (self));

  self->camera_signals = g_signal_group_new (VTR_TYPE_CAMERA);
  g_signal_group_connect_swapped (self->camera_signals, "frame-ready", G_CALLBACK (on_frame_ready), self);
  g_signal_group_connect_swapped (self->camera_signals, "codes-found", G_CALLBACK (on_codes_found), self);
  g_signal_group_connect_swapped (self->camera_signals, "notify::state", G_CALLBACK (on_camera_state), self);
}

GtkWidget *
vtr_scan_screen_new (VtrCamera *camera,
                     gboolean   kiosk)
{
  return g_object_new (VTR_TYPE_SCAN_SCREEN, "camera", camera, "kiosk", kiosk, NULL);
}

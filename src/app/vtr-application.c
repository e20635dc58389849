#include "config.h"

#include "vtr-application.h"

#include <glib/gi18n.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "vtr-i18n.h"
#include "vtr-personal-data.h"
#include "vtr-staff-pin.h"
#include "vtr-staff.h"
#include "vtr-sync-state.h"
#include "vtr-sync.h"
#include "vtr-trust.h"
#include "vtr-window.h"

/*
 * The kiosk application: it owns what outlives a window — the journal
 * and its catalogue, the federation's keys, the camera, the sync service,
 * the sound and the settings — and hands them to the window it shows.
 * A language change builds the window again, never the services: the
 * camera keeps running and the sync goes on.
 */

struct _VtrApplication
{
  AdwApplication   parent_instance;

  /* From the command line. */
  char            *data_dir;
  char            *camera_option;
  gboolean         kiosk;

  /* Owned services. */
  GSettings       *settings;       /* NULL without the installed schema */
  VtrStore        *store;          /* NULL when the journal cannot be opened */
  VtrCatalog      *catalog;        /* the counter's, for its tickets */
  VtrCatalogService *catalog_service; /* every query, on its own thread */
  VtrPrintService *printer;
  VtrKeyList      *keys;
  VtrHubLink      *link;           /* read once at start, then kept by pairing */
  VtrPosition      shop_position;  /* where a shop's own kiosk stands, once read */
  gboolean         shop_position_known;
  VtrCamera       *camera;
  VtrSyncService  *sync;
  VtrSound        *sound;
  guint            personal_data_id; /* erases customers' details in time */
  guint            sound_id;       /* the tones made ready after the first frame */
  gulong           first_frame_id;
  gboolean         started;
  gboolean         stopped;
  gboolean         opened;         /* the journal's opening is done, or failed */
  char            *open_error;     /* why it failed, for the log */

  /* Borrowed: the window shown (it is the application's while the
   * application runs; a test shows one without running it). */
  GtkWindow       *window;
};

G_DEFINE_FINAL_TYPE (VtrApplication, vtr_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_PAIRED,
  PROP_OPENED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload_keys_after_sync (VtrApplication *self);
static void find_shop_position (VtrApplication *self);

static const GOptionEntry option_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Folder of Vitrine’s data"), N_("DIR") },
  { "camera", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The camera: a file, a folder of images or a GStreamer source"), N_("SOURCE") },
  { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Fullscreen, for a shop counter"), NULL },
  { NULL },
};

static int
vtr_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  VtrApplication *self = VTR_APPLICATION (application);
  g_autofree char *data_dir = NULL;
  g_autofree char *camera = NULL;

  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_steal_pointer (&data_dir);
    }
  if (g_variant_dict_lookup (options, "camera", "s", &camera))
    {
      g_free (self->camera_option);
      self->camera_option = g_steal_pointer (&camera);
    }
  if (g_variant_dict_contains (options, "kiosk"))
    self->kiosk = TRUE;
  return -1;
}

static void
on_camera_source_changed (GSettings  *settings,
                          const char *key,
                          gpointer    data)
{
  VtrApplication *self = data;

  /* A camera named on the command line stays the camera. */
  if (self->camera_option == NULL)
    {
      g_autofree char *source = vtr_camera_choose_source (NULL);

      if (!g_str_equal (source, vtr_camera_get_source (self->camera)))
        vtr_application_set_camera_source (self, source);
    }
}

/* The administrator chose the kiosk's language: shown at once. */
static void
on_language_changed (GSettings  *settings,
                     const char *key,
                     gpointer    data)
{
  VtrApplication *self = data;
  g_autofree char *language = vtr_application_default_language (self);
  g_autofree char *shown = vtr_i18n_get_language ();

  if (self->window && !g_str_equal (language, shown))
    vtr_application_rebuild_window (self, language);
}

/* (ops) The camera's and the printer's health go to the hub with the
 * next sync's heartbeat: `vitrine-hub device list` says which kiosk needs
 * a visit (a camera unplugged, a printer out of paper or missing). */
static void
note_camera (VtrApplication *self)
{
  const char *health = self->camera ? vtr_camera_get_health (self->camera) : NULL;

  /* Starting again after a failure says nothing new. */
  if (health && self->sync)
    vtr_sync_service_note_device (self->sync, "camera", health);
}

static void
watch_camera (VtrApplication *self)
{
  g_signal_connect_object (self->camera, "notify::state", G_CALLBACK (note_camera), self, G_CONNECT_SWAPPED);
}

static void
note_printer (VtrApplication *self)
{
  const char *health = vtr_print_service_get_health (self->printer);

  if (health && self->sync)
    vtr_sync_service_note_device (self->sync, "printer", health);
}

/* Each sync asks the printer how it is; its answer goes with the next. */
static void
check_printer (VtrApplication *self)
{
  if (vtr_sync_service_get_state (self->sync) == VTR_SYNC_STATE_SYNCING)
    vtr_print_service_check_health (self->printer);
}

/* The camera, first of all: its pipeline prerolls on GStreamer's threads
 * while GTK starts and the window is built (issue 21). */
static void
start_camera (VtrApplication *self)
{
  g_autofree char *source = NULL;

  if (self->camera)
    return;
  source = vtr_camera_choose_source (self->camera_option);
  self->camera = vtr_camera_new (source);
  /* GStreamer registers its fundamental types (GstFraction, …) on the
   * worker below while GTK registers its own on first use here. GLib
   * numbers a fundamental type and registers it in two steps, so two
   * threads can pick the same number, and the app aborts with "cannot
   * register existing fundamental type". GTK's are registered first. */
  g_type_ensure (GDK_TYPE_EVENT);
  g_type_ensure (GSK_TYPE_RENDER_NODE);
  g_type_ensure (GTK_TYPE_EXPRESSION);
  /* Built and set playing on a worker thread: the main thread goes on
   * with GTK meanwhile. */
  vtr_camera_launch (self->camera);
}

/* What the worker brings back from the journal. */
typedef struct
{
  VtrStore   *store;
  VtrKeyList *keys;
  VtrHubLink *link;
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_object (&opened->store);
  g_clear_pointer (&opened->keys, vtr_key_list_free);
  g_clear_pointer (&opened->link, vtr_hub_link_free);
  g_free (opened);
}

/* Worker thread: the journal opened (a repair may take a while), the
 * federation's keys verified, the hub's link read. The connection is
 * the application's afterwards, used on the main thread. */
static void
open_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  Opened *opened = g_new0 (Opened, 1);

  opened->store = vtr_store_open (data, &error);
  if (opened->store == NULL)
    {
      opened_free (opened);
      g_task_return_error (task, error);
      return;
    }
  opened->keys = vtr_trust_load (opened->store, NULL);
  opened->link = vtr_sync_state_load_link (opened->store, NULL);
  g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GWeakRef *ref = data;
  g_autoptr(VtrApplication) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  Opened *opened = g_task_propagate_pointer (G_TASK (result), &error);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL)
    {
      g_clear_pointer (&opened, opened_free);
      return;
    }
  if (opened)
    {
      self->store = g_steal_pointer (&opened->store);
      self->catalog = vtr_catalog_new (self->store);
      self->keys = g_steal_pointer (&opened->keys);
      /* Once, with the keys: the screens ask the application whether the
       * kiosk is paired, never the journal. */
      self->link = g_steal_pointer (&opened->link);
      opened_free (opened);
      find_shop_position (self);
      self->personal_data_id = vtr_personal_data_watch (self->data_dir, self->settings);
    }
  else
    {
      g_warning ("%s", error->message);
      self->open_error = g_strdup (error->message);
    }
  self->opened = TRUE;
  /* Only now the services that open the journal on their own threads:
   * the printer's queue and the sync. Started together with the opening,
   * they raced it to a damaged journal's repair. Not if the application
   * was stopped meanwhile. */
  if (!self->stopped)
    {
      vtr_print_service_start (self->printer);
      vtr_print_service_check_health (self->printer);
      vtr_sync_service_start (self->sync);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPENED]);
  if (self->link)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAIRED]);
}

static gboolean
prepare_sound (gpointer data)
{
  VtrApplication *self = data;

  self->sound_id = 0;
  vtr_sound_prepare (self->sound);
  return G_SOURCE_REMOVE;
}

/* The first frame is out: the tones are made ready when the main loop
 * has nothing else to do, before anyone scans. */
static void
on_first_frame (VtrCamera *camera,
                GBytes    *bytes,
                int        width,
                int        height,
                int        stride,
                gpointer   data)
{
  VtrApplication *self = data;

  g_clear_signal_handler (&self->first_frame_id, camera);
  if (self->sound_id == 0)
    self->sound_id = g_idle_add_full (G_PRIORITY_LOW, prepare_sound, self, NULL);
}

/**
 * vtr_application_start:
 *
 * Starts the services: the camera first, then the journal and its
 * catalogue, the keys and the hub's link (opened on a worker thread:
 * #VtrApplication:opened says when they are there), the catalogue's
 * thread, the printer, the sync. Done at startup; a test that shows a
 * window without running the application calls it. Nothing here waits
 * for the disk on the main thread (issues 15 and 21).
 */
void
vtr_application_start (VtrApplication *self)
{
  g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                                       "fr.vitrine.Vitrine", TRUE);
  g_autoptr(GTask) task = NULL;
  GWeakRef *ref;

  g_return_if_fail (VTR_IS_APPLICATION (self));

  if (self->started)
    return;
  if (self->data_dir == NULL)
    self->data_dir = vtr_store_default_data_dir ();
  if (schema)
    self->settings = g_settings_new ("fr.vitrine.Vitrine");
  start_camera (self);

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, NULL, on_opened, ref);
  g_task_set_source_tag (task, vtr_application_start);
  g_task_set_task_data (task, g_strdup (self->data_dir), g_free);
  g_task_run_in_thread (task, open_in_thread);

  watch_camera (self);
  self->sound = vtr_sound_new ();
  self->first_frame_id = g_signal_connect (self->camera, "frame-ready", G_CALLBACK (on_first_frame), self);
  if (self->settings)
    {
      g_signal_connect_object (self->settings, "changed::camera-source", G_CALLBACK (on_camera_source_changed),
                               self, 0);
      g_signal_connect_object (self->settings, "changed::camera-device", G_CALLBACK (on_camera_source_changed),
                               self, 0);
      g_signal_connect_object (self->settings, "changed::language", G_CALLBACK (on_language_changed), self, 0);
    }

  self->catalog_service = vtr_catalog_service_new (self->data_dir);
  self->printer = vtr_print_service_new (self->data_dir);

  self->sync = vtr_sync_service_new (self->data_dir);
  /* A sync may bring the federation's new keys (a key rotated). */
  g_signal_connect_object (self->sync, "notify::last-success", G_CALLBACK (reload_keys_after_sync), self,
                           G_CONNECT_SWAPPED);
  /* A shop's kiosk paired before its catalogue came finds its shop then. */
  g_signal_connect_object (self->sync, "notify::last-success", G_CALLBACK (find_shop_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->printer, "notify::health", G_CALLBACK (note_printer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (check_printer), self, G_CONNECT_SWAPPED);
  note_camera (self);
  self->started = TRUE;
}

/**
 * vtr_application_get_opened:
 *
 * Whether the journal's opening at start is done: the store, the
 * catalogue, the keys and the link are there now, or the store is %NULL
 * for good (the journal cannot be opened).
 */
gboolean
vtr_application_get_opened (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), FALSE);

  return self->opened;
}

/**
 * vtr_application_wait_opened:
 *
 * Turns the main context until the journal's opening is done: for
 * vitrine-ctl-like callers, tests and benchmarks that need the store at
 * once. The kiosk itself never waits (it shows the scan screen meanwhile).
 */
void
vtr_application_wait_opened (VtrApplication *self)
{
  g_return_if_fail (VTR_IS_APPLICATION (self));
  g_return_if_fail (self->started);

  while (!self->opened)
    g_main_context_iteration (NULL, TRUE);
}

static void
vtr_application_startup (GApplication *application)
{
  VtrApplication *self = VTR_APPLICATION (application);

  /* The camera before GTK: GStreamer finds, decodes and converts the
   * first frame on its own threads while GTK opens the display and
   * loads its styles (issue 21). */
  if (self->data_dir == NULL)
    self->data_dir = vtr_store_default_data_dir ();
  start_camera (self);
  G_APPLICATION_CLASS (vtr_application_parent_class)->startup (application);
  vtr_application_start (self);
}

/**
 * vtr_application_get_window:
 *
 * Returns: (transfer none) (nullable): the kiosk's window, if one is shown
 */
GtkWindow *
vtr_application_get_window (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->window;
}

/**
 * vtr_application_show_window:
 *
 * Shows the kiosk's window, made first if there is none.
 *
 * Returns: (transfer none): the window
 */
GtkWindow *
vtr_application_show_window (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  if (self->window == NULL)
    g_set_weak_pointer (&self->window, GTK_WINDOW (vtr_window_new (self)));
  gtk_window_present (self->window);
  return self->window;
}

static void
vtr_application_activate (GApplication *application)
{
  vtr_application_show_window (VTR_APPLICATION (application));
}

/**
 * vtr_application_stop:
 *
 * Stops the camera and the sync: the app is closing, or a test is done
 * with it.
 */
void
vtr_application_stop (VtrApplication *self)
{
  g_return_if_fail (VTR_IS_APPLICATION (self));

  self->stopped = TRUE;
  if (self->camera)
    vtr_camera_stop (self->camera);
  if (self->sync)
    vtr_sync_service_stop (self->sync);
  if (self->printer)
    vtr_print_service_stop (self->printer);
  g_clear_handle_id (&self->personal_data_id, g_source_remove);
  g_clear_handle_id (&self->sound_id, g_source_remove);
  if (self->camera)
    g_clear_signal_handler (&self->first_frame_id, self->camera);
}

static void
vtr_application_shutdown (GApplication *application)
{
  vtr_application_stop (VTR_APPLICATION (application));
  G_APPLICATION_CLASS (vtr_application_parent_class)->shutdown (application);
}

static void
vtr_application_dispose (GObject *object)
{
  VtrApplication *self = VTR_APPLICATION (object);

  vtr_application_stop (self);
  g_clear_weak_pointer (&self->window);
  g_clear_object (&self->camera);
  g_clear_object (&self->sync);
  g_clear_object (&self->printer);
  g_clear_object (&self->catalog_service);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_pointer (&self->keys, vtr_key_list_free);
  g_clear_pointer (&self->link, vtr_hub_link_free);
  g_clear_pointer (&self->sound, vtr_sound_free);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (vtr_application_parent_class)->dispose (object);
}

static void
vtr_application_finalize (GObject *object)
{
  VtrApplication *self = VTR_APPLICATION (object);

  g_free (self->data_dir);
  g_free (self->camera_option);
  g_free (self->open_error);
  G_OBJECT_CLASS (vtr_application_parent_class)->finalize (object);
}

static void
on_set_language (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  vtr_application_rebuild_window (data, g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { "set-language", on_set_language, "s" },
};

enum {
  CAMERA_CHANGED,
  KEYS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vtr_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VtrApplication *self = VTR_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_PAIRED:
      g_value_set_boolean (value, vtr_application_get_paired (self));
      break;
    case PROP_OPENED:
      g_value_set_boolean (value, self->opened);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_application_class_init (VtrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = vtr_application_dispose;
  object_class->finalize = vtr_application_finalize;
  object_class->get_property = vtr_application_get_property;
  app_class->handle_local_options = vtr_application_handle_local_options;
  app_class->startup = vtr_application_startup;
  app_class->activate = vtr_application_activate;
  app_class->shutdown = vtr_application_shutdown;

  /* Another camera was chosen: vtr_application_get_camera () is new. */
  signals[CAMERA_CHANGED] = g_signal_new ("camera-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The federation's keys were read again (pairing, a sync): whoever
   * borrowed vtr_application_get_keys () takes the new list now; the old
   * one is freed after this. */
  signals[KEYS_CHANGED] = g_signal_new ("keys-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * VtrApplication:paired:
   *
   * Whether the kiosk is paired with a hub: read once at start, and
   * again when it pairs.
   */
  properties[PROP_PAIRED] =
    g_param_spec_boolean ("paired", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VtrApplication:opened:
   *
   * Whether the journal, the keys and the link, opened on a worker thread
   * at start, are there (or the journal failed to open).
   */
  properties[PROP_OPENED] =
    g_param_spec_boolean ("opened", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vtr_application_init (VtrApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
}

/**
 * vtr_application_new:
 * @data_dir: (nullable): the kiosk's data; %NULL for the default
 * @camera_source: (nullable): a GStreamer source, an image or video file,
 *   a folder of images; %NULL for the configured camera
 * @kiosk: fullscreen, and no closing from the screen
 *
 * The command line may say otherwise when the application runs.
 */
VtrApplication *
vtr_application_new (const char *data_dir,
                     const char *camera_source,
                     gboolean    kiosk)
{
  VtrApplication *self = g_object_new (VTR_TYPE_APPLICATION,
                                       "application-id", "fr.vitrine.Vitrine",
                                       "flags", G_APPLICATION_NON_UNIQUE,
                                       NULL);

  self->data_dir = g_strdup (data_dir);
  self->camera_option = g_strdup (camera_source);
  self->kiosk = kiosk;
  return self;
}

const char *
vtr_application_get_data_dir (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

gboolean
vtr_application_get_kiosk (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), FALSE);

  return self->kiosk;
}

/* (nullable): the journal could not be opened (the window says so). */
VtrStore *
vtr_application_get_store (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->store;
}

VtrCatalog *
vtr_application_get_catalog (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->catalog;
}

/* Where the screens ask the catalogue: away from the main thread. */
VtrCatalogService *
vtr_application_get_catalog_service (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->catalog_service;
}

VtrPrintService *
vtr_application_get_printer (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->printer;
}

VtrKeyList *
vtr_application_get_keys (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->keys;
}

/* The federation's keys, new: whoever borrowed the old list takes the
 * new one ("keys-changed"), then the old one is freed. */
static void
set_keys (VtrApplication *self,
          VtrKeyList     *keys)
{
  VtrKeyList *old = g_steal_pointer (&self->keys);

  self->keys = keys;
  g_signal_emit (self, signals[KEYS_CHANGED], 0);
  g_clear_pointer (&old, vtr_key_list_free);
}

/* The federation's keys again, after pairing brought them (read here,
 * on the main thread: vtr_application_reload_keys_async() is the way
 * off it). */
void
vtr_application_reload_keys (VtrApplication *self)
{
  g_return_if_fail (VTR_IS_APPLICATION (self));

  if (self->store == NULL)
    return;
  set_keys (self, vtr_trust_load (self->store, NULL));
}

static void
load_keys_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data, &error);

  if (store == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, vtr_trust_load (store, NULL), (GDestroyNotify) vtr_key_list_free);
}

static void
keys_loaded (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GWeakRef *ref = data;
  g_autoptr(VtrApplication) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  VtrKeyList *keys = g_task_propagate_pointer (G_TASK (result), &error);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL || error)
    {
      if (error)
        g_debug ("The federation's keys were not read again: %s", error->message);
      g_clear_pointer (&keys, vtr_key_list_free);
      return;
    }
  set_keys (self, keys);
}

/* A sync may have brought the federation's new keys (a key rotated):
 * read again on a worker thread with its own connection (issue 15). An
 * answer after the application went away is dropped. */
static void
reload_keys_after_sync (VtrApplication *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *ref;

  if (self->store == NULL)
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, NULL, keys_loaded, ref);
  g_task_set_task_data (task, g_strdup (self->data_dir), g_free);
  g_task_run_in_thread (task, load_keys_in_thread);
}

/**
 * vtr_application_get_link:
 *
 * The hub the kiosk is paired with, as read at start or brought by the
 * last pairing.
 *
 * Returns: (transfer none) (nullable): the link, %NULL when not paired
 */
const VtrHubLink *
vtr_application_get_link (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->link;
}

gboolean
vtr_application_get_paired (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), FALSE);

  return self->link != NULL;
}

VtrCamera *
vtr_application_get_camera (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->camera;
}

/*
 * Another camera: the old one stops, the new one starts, and whoever
 * shows the camera hears of it through "camera-changed".
 */
void
vtr_application_set_camera_source (VtrApplication *self,
                                   const char     *source)
{
  g_return_if_fail (VTR_IS_APPLICATION (self));

  if (self->camera)
    {
      g_clear_signal_handler (&self->first_frame_id, self->camera);
      vtr_camera_stop (self->camera);
    }
  g_set_object (&self->camera, NULL);
  self->camera = vtr_camera_new (source);
  watch_camera (self);
  vtr_camera_start (self->camera);
  g_signal_emit (self, signals[CAMERA_CHANGED], 0);
}

VtrSyncService *
vtr_application_get_sync (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->sync;
}

VtrSound *
vtr_application_get_sound (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->sound;
}

/* (nullable): without the installed schema */
GSettings *
vtr_application_get_settings (VtrApplication *self)
{
  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* What the store repaired when it opened, in words, or %NULL. */
char *
vtr_application_get_store_notices (VtrApplication *self)
{
  const char * const *notices;

  g_return_val_if_fail (VTR_IS_APPLICATION (self), NULL);

  if (self->store == NULL)
    return NULL;
  notices = vtr_store_get_notices (self->store);
  return notices[0] ? g_strjoinv ("\n", (char **) notices) : NULL;
}

/* Where the kiosk stands (the Vieux-Port without the setting). */
VtrPosition
vtr_application_get_position (VtrApplication *self)
{
  VtrPosition here = { 43.2951, 5.3744 };
  g_autoptr(GVariant) set_latitude = NULL;

  if (self->settings)
    {
      here.lat = g_settings_get_double (self->settings, "kiosk-latitude");
      here.lon = g_settings_get_double (self->settings, "kiosk-longitude");
      set_latitude = g_settings_get_user_value (self->settings, "kiosk-latitude");
    }
  /* A shop's own kiosk stands in the shop: until the administrator says
   * where it is, shops are sorted from the shop's door, not from the
   * Vieux-Port. */
  if (set_latitude == NULL && self->shop_position_known)
    here = self->shop_position;
  return here;
}

static void
shop_position_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(VtrApplication) self = data;
  g_autoptr(VtrMerchantView) view = vtr_catalog_service_merchant_finish (VTR_CATALOG_SERVICE (source), result, NULL);

  /* Not in the catalogue yet (paired before the first sync): the next
   * sync tries again. */
  if (view == NULL || self->link == NULL || view->merchant->id != self->link->merchant_id)
    return;
  self->shop_position = view->merchant->position;
  self->shop_position_known = TRUE;
}

static void
find_shop_position (VtrApplication *self)
{
  if (self->shop_position_known || self->link == NULL || self->link->merchant_id <= 0 ||
      self->catalog_service == NULL)
    return;
  vtr_catalog_service_merchant_async (self->catalog_service, self->link->merchant_id, NULL, shop_position_found,
                                      g_object_ref (self));
}

/* The kiosk's own language, French unless the settings say otherwise. */
char *
vtr_application_default_language (VtrApplication *self)
{
  g_autofree char *language = self->settings ? g_settings_get_string (self->settings, "language") : NULL;

  return g_strdup (language && *language ? language : "fr");
}

/* Pairing: the exchange with the hub on a worker thread with its own
 * connection to the journal. It is the application's, not the window's:
 * a window rebuilt in another language meanwhile loses nothing. */

typedef struct
{
  char     *data_dir;
  char     *text;
  gboolean  only_new;
} PairJob;

/* What the worker brings back. */
typedef struct
{
  VtrHubLink *link;
  VtrKeyList *keys;       /* the federation's, as pairing saved them */
  gboolean    needs_pin;
} Paired;

static void
pair_job_free (PairJob *job)
{
  g_free (job->data_dir);
  g_free (job->text);
  g_free (job);
}

static void
paired_free (Paired *paired)
{
  g_clear_pointer (&paired->link, vtr_hub_link_free);
  g_clear_pointer (&paired->keys, vtr_key_list_free);
  g_free (paired);
}

static VtrHubLink *
hub_link_copy (const VtrHubLink *link)
{
  VtrHubLink *copy = g_new0 (VtrHubLink, 1);

  *copy = *link;
  copy->url = g_strdup (link->url);
  copy->token = g_strdup (link->token);
  copy->device_name = g_strdup (link->device_name);
  return copy;
}

/* Only a kiosk never used pairs without its administrator's leave: one
 * paired, or whose journal has data, could otherwise be taken over by
 * anyone showing a pairing code of their own. */
static gboolean
may_pair (VtrStore  *store,
          GError   **error)
{
  g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (store, NULL);

  if (link)
    {
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PAIRING,
                           _("This kiosk is already paired. To pair it again, open the administration "
                             "with the administrator’s PIN, press “Pair with the federation”, then "
                             "show the code."));
      return FALSE;
    }
  if (!vtr_sync_state_is_new_kiosk (store, NULL))
    {
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PAIRING,
                           _("This kiosk was used before: only its administrator can pair it "
                             "again. Open the administration with the administrator’s PIN, "
                             "press “Pair with the federation”, then show the code."));
      return FALSE;
    }
  return TRUE;
}

static void
pair_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  PairJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &error);
  g_autoptr(VtrHubLink) link = NULL;
  gboolean has_pin = TRUE;
  Paired *paired;

  if (store && job->only_new && !may_pair (store, &error))
    g_clear_object (&store);
  if (store)
    link = vtr_sync_pair (store, job->text, g_getenv ("VITRINE_HUB_URL"), &error);
  if (link == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Whoever runs the device chooses a PIN if the pairing brought none:
   * a shop's staff, or a federation kiosk's administrator. */
  vtr_staff_has_pin (store, link->merchant_id > 0 ? link->merchant_id : VTR_ADMIN_ID, &has_pin, NULL);
  paired = g_new0 (Paired, 1);
  paired->link = g_steal_pointer (&link);
  paired->needs_pin = !has_pin;
  paired->keys = vtr_trust_load (store, NULL);
  g_task_return_pointer (task, paired, (GDestroyNotify) paired_free);
}

static void
paired (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  VtrApplication *self = VTR_APPLICATION (source);
  g_autoptr(GTask) caller = data;
  GError *error = NULL;
  Paired *answer = g_task_propagate_pointer (G_TASK (result), &error);

  if (answer == NULL)
    {
      g_task_return_error (caller, error);
      return;
    }
  /* Whatever became of who asked: the keys are the federation's now, and
   * the kiosk is paired with this hub. */
  g_clear_pointer (&self->link, vtr_hub_link_free);
  self->link = hub_link_copy (answer->link);
  self->shop_position_known = FALSE;
  find_shop_position (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAIRED]);
  set_keys (self, g_steal_pointer (&answer->keys));
  vtr_sync_service_sync_now (self->sync);
  g_task_return_pointer (caller, answer, (GDestroyNotify) paired_free);
}

/**
 * vtr_application_pair_async:
 * @text: the pairing code scanned
 * @only_new: pair only a kiosk never used (a code shown to the camera
 *   without the administrator's leave); else it may replace a pairing
 *
 * Pairs the kiosk with the hub the code names, on a worker thread; the
 * federation's keys are read again, "paired" changes and a sync starts.
 * Cancelling only stops the answer.
 */
void
vtr_application_pair_async (VtrApplication      *self,
                            const char          *text,
                            gboolean             only_new,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             data)
{
  g_autoptr(GTask) pairing = NULL;
  GTask *caller;
  PairJob *job;

  g_return_if_fail (VTR_IS_APPLICATION (self));
  g_return_if_fail (text != NULL);

  caller = g_task_new (self, cancellable, callback, data);
  g_task_set_source_tag (caller, vtr_application_pair_async);
  job = g_new0 (PairJob, 1);
  job->data_dir = g_strdup (self->data_dir);
  job->text = g_strdup (text);
  job->only_new = only_new;
  pairing = g_task_new (self, NULL, paired, caller);
  g_task_set_task_data (pairing, job, (GDestroyNotify) pair_job_free);
  g_task_run_in_thread (pairing, pair_in_thread);
}

/**
 * vtr_application_pair_finish:
 * @needs_pin: (out) (optional): whether whoever runs the device must
 *   choose a PIN now: the shop's staff PIN on a shop's device, the
 *   administrator's on a federation kiosk whose pairing brought none
 *
 * Returns: (transfer full): the link to the hub, or %NULL with @error in
 *   words
 */
VtrHubLink *
vtr_application_pair_finish (VtrApplication  *self,
                             GAsyncResult    *result,
                             gboolean        *needs_pin,
                             GError         **error)
{
  Paired *answer;
  VtrHubLink *link;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return NULL;
  link = g_steal_pointer (&answer->link);
  if (needs_pin)
    *needs_pin = answer->needs_pin;
  paired_free (answer);
  return link;
}

#ifdef GDK_WINDOWING_X11
/* The X window of @window's frame (the window manager's, or its own
 * without one): the child of the root window it lies in. */
static Window
x11_frame (GtkWindow *window,
           Display  **display)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  Window xid, root, parent, *children = NULL;
  unsigned int n;

  if (surface == NULL || !GDK_IS_X11_SURFACE (surface))
    return None;
  *display = GDK_SURFACE_XDISPLAY (surface);
  xid = gdk_x11_surface_get_xid (surface);
  for (;;)
    {
      if (!XQueryTree (*display, xid, &root, &parent, &children, &n))
        return None;
      if (children)
        XFree (children);
      if (parent == root || parent == None)
        return xid;
      xid = parent;
    }
}
#endif

/* Where @window stands on the screen, its frame's top left corner; FALSE
 * where that cannot be known (Wayland lets no program know it). */
static gboolean
window_origin (GtkWindow *window,
               int       *x,
               int       *y)
{
#ifdef GDK_WINDOWING_X11
  Display *display = NULL;
  Window frame = x11_frame (window, &display);
  XWindowAttributes attributes;

  if (frame != None && XGetWindowAttributes (display, frame, &attributes))
    {
      *x = attributes.x;
      *y = attributes.y;
      return TRUE;
    }
#endif
  return FALSE;
}

typedef struct
{
  int x, y;
} Origin;

/* The new window is shown: put where the one before stood. The window
 * manager places a new window where it likes (beside the old one, which
 * was still there); asked to move it, it does (a NorthWest gravity: the
 * frame's corner goes there). */
static void
on_rebuilt_mapped (GtkWidget *widget,
                   Origin    *origin)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (widget));

  if (surface && GDK_IS_X11_SURFACE (surface))
    {
      XMoveWindow (GDK_SURFACE_XDISPLAY (surface), gdk_x11_surface_get_xid (surface), origin->x, origin->y);
      XFlush (GDK_SURFACE_XDISPLAY (surface));
    }
#endif
  g_signal_handlers_disconnect_by_func (widget, on_rebuilt_mapped, origin);
}

/**
 * vtr_application_rebuild_window:
 * @language: "fr" or "en"
 *
 * Builds the window again in @language, on the scan screen, and destroys
 * the one before. The services are kept.
 *
 * Returns: (transfer none): the new window
 */
GtkWindow *
vtr_application_rebuild_window (VtrApplication *self,
                                const char     *language)
{
  GtkWindow *old = self->window;
  VtrWindow *next;

  vtr_i18n_set_language (language);
  next = vtr_window_new (self);
  if (old)
    {
      Origin origin;
      int width, height;

      vtr_window_set_idle_timeout (next, vtr_window_get_idle_timeout (VTR_WINDOW (old)));
      /* The same size and place: a language is not a new window to the
       * person in front of it. */
      gtk_window_get_default_size (old, &width, &height);
      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (next), width, height);
      if (gtk_window_is_maximized (old))
        gtk_window_maximize (GTK_WINDOW (next));
      if (gtk_window_is_fullscreen (old))
        gtk_window_fullscreen (GTK_WINDOW (next));
      else if (!gtk_window_is_maximized (old) && window_origin (old, &origin.x, &origin.y))
        g_signal_connect_data (next, "map", G_CALLBACK (on_rebuilt_mapped), g_memdup2 (&origin, sizeof origin),
                               (GClosureNotify) (void (*) (void)) g_free, G_CONNECT_AFTER);
    }
  g_set_weak_pointer (&self->window, GTK_WINDOW (next));
  gtk_window_present (GTK_WINDOW (next));
  if (old)
    gtk_window_destroy (old);
  return GTK_WINDOW (next);
}

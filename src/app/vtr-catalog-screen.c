#include "config.h"

#include "vtr-catalog-screen.h"

#include "vtr-demo.h"

/*
 * What the screens that show a catalogue's answer share: the catalogue,
 * where the kiosk stands, and the wait for the answer. A property set
 * queues the screen's query for when the main loop is idle, so that
 * several set one after the other make one query; a new query cancels the
 * one before, whose answer is not shown. While the answer is awaited
 * "loading" is TRUE and the stack shows its "loading" page (a spinner); a
 * failure shows its words on the error page. The stack's transitions are
 * this class's: a cross-fade from or to a spinner shown, none otherwise
 * (show_spinner ()).
 *
 * A subclass implements load() (and has_question() when it needs more
 * than the catalogue), gives its stack and error page with
 * vtr_catalog_screen_set_pages() once its template is built, calls
 * vtr_catalog_screen_queue_reload() when one of its own properties
 * changed, and hands the answer's error to vtr_catalog_screen_loaded().
 *
 * A list of rows shows a few rows a frame (vtr_catalog_screen_reveal_rows()):
 * building the rows costs little, but measuring their wrapped text is most
 * of what showing an answer costs the main thread, and ten rows laid out
 * in one frame held it for some 30 ms on the kiosk's machine
 * (tests/bench/bench-main-thread --phases). Hidden rows are neither
 * styled nor measured; each frame shows one more. The screen is "loading"
 * until the last shows.
 */

/*
 * The spinner shows only when the answer is slow to come. Drawing it the
 * first time costs more than most answers take: GTK 4.8 loads its 64-pixel
 * symbolic icon on the main thread (librsvg renders it four times) for
 * each new spinner, in the frame that shows the screen; a catalogue answer
 * usually comes before that frame would have shown it anyway.
 */
#define SPINNER_DELAY_MS 400

/* Rows shown in the frame of the answer, then rows a frame after it. */
#define FIRST_ROWS 2
#define ROWS_PER_FRAME 1

typedef struct
{
  /* Borrowed: the subclass's template widgets */
  GtkStack          *stack;
  AdwStatusPage     *error_page;

  /* Owned */
  VtrCatalogService *catalog;
  GCancellable      *cancellable;
  guint              reload_source;
  guint              reveal_tick;
  guint              spinner_source;  /* until the "loading" page shows its spinner */
  GPtrArray         *revealing;       /* GtkListBox: the answer's lists whose rows are still coming */
  guint              revealed;        /* rows of the answer shown in its first frame */

  char              *public_host;
  double             latitude;
  double             longitude;
  gboolean           loading;
} VtrCatalogScreenPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (VtrCatalogScreen, vtr_catalog_screen, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_PUBLIC_HOST,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (VtrCatalogScreen *self,
             gboolean          loading)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  if (priv->loading == loading)
    return;
  priv->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
stop_revealing (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  if (priv->reveal_tick)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), priv->reveal_tick);
  priv->reveal_tick = 0;
  if (priv->revealing)
    g_ptr_array_set_size (priv->revealing, 0);
  priv->revealed = 0;
}

/* The "loading" page, transparent until the wait has been long enough.
 *
 * The stack cross-fades only from a spinner shown: from the transparent
 * page, or to it, the answer shows at once. A cross-fade draws the whole
 * screen twice into pictures of its size and blends them, every frame for
 * its 200 ms; with GTK's cairo renderer that was most of what showing an
 * answer cost the main thread (tests/bench/bench-main-thread --phases),
 * to fade in from a page showing nothing. */
static void
show_spinner (VtrCatalogScreen *self,
              gboolean          shown)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  GtkWidget *page = priv->stack ? gtk_stack_get_child_by_name (priv->stack, "loading") : NULL;

  if (page)
    gtk_widget_set_opacity (page, shown ? 1.0 : 0.0);
}

/* The stack's next change of page: a cross-fade only from or to a
 * spinner shown. */
static void
set_transition (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  GtkWidget *page = gtk_stack_get_child_by_name (priv->stack, "loading");
  gboolean spinner_shown = page && gtk_widget_get_opacity (page) > 0;

  gtk_stack_set_transition_type (priv->stack, spinner_shown ? GTK_STACK_TRANSITION_TYPE_CROSSFADE
                                                            : GTK_STACK_TRANSITION_TYPE_NONE);
}

static gboolean
spinner_cb (gpointer data)
{
  VtrCatalogScreen *self = data;
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  priv->spinner_source = 0;
  show_spinner (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
delay_spinner (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_clear_handle_id (&priv->spinner_source, g_source_remove);
  show_spinner (self, FALSE);
  priv->spinner_source = g_timeout_add (SPINNER_DELAY_MS, spinner_cb, self);
}

static gboolean
has_question (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  VtrCatalogScreenClass *klass = VTR_CATALOG_SCREEN_GET_CLASS (self);

  return priv->catalog != NULL && (klass->has_question == NULL || klass->has_question (self));
}

/**
 * vtr_catalog_screen_reload:
 *
 * Asks the catalogue again now, as after a sync brought new prices or
 * when the hour changed.
 */
void
vtr_catalog_screen_reload (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  VtrPosition here = { priv->latitude, priv->longitude };

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));
  g_return_if_fail (priv->stack != NULL);

  g_clear_handle_id (&priv->reload_source, g_source_remove);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  stop_revealing (self);
  if (!has_question (self))
    {
      set_loading (self, FALSE);
      return;
    }

  priv->cancellable = g_cancellable_new ();
  if (priv->spinner_source == 0)
    delay_spinner (self);
  set_transition (self);
  gtk_stack_set_visible_child_name (priv->stack, "loading");
  set_loading (self, TRUE);
  VTR_CATALOG_SCREEN_GET_CLASS (self)->load (self, priv->catalog, &here, priv->cancellable);
}

static gboolean
reload_cb (gpointer data)
{
  VtrCatalogScreen *self = data;
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  priv->reload_source = 0;
  vtr_catalog_screen_reload (self);
  return G_SOURCE_REMOVE;
}

/**
 * vtr_catalog_screen_queue_reload:
 *
 * For a subclass whose own property changed: asks the catalogue again
 * once the main loop is idle. Several properties set one after the other
 * make one query; what was asked before is not shown.
 */
void
vtr_catalog_screen_queue_reload (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));

  g_cancellable_cancel (priv->cancellable);
  /* At the default priority, not an idle's: while a frame is drawn
   * every frame interval (the spinner turning, on a slow renderer) an
   * idle never runs, and the question would never be asked. */
  if (priv->reload_source == 0)
    priv->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_cb, self, NULL);
  if (priv->spinner_source == 0 && priv->stack != NULL)
    delay_spinner (self);
  set_loading (self, has_question (self));
}

/**
 * vtr_catalog_screen_set_pages:
 * @stack: the subclass's stack, with a page named "loading"
 * @error_page: a page of @stack, where a failure's words show
 *
 * For a subclass, once its template is built: where the wait and a
 * failure show.
 */
void
vtr_catalog_screen_set_pages (VtrCatalogScreen *self,
                              GtkStack         *stack,
                              AdwStatusPage    *error_page)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));
  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (ADW_IS_STATUS_PAGE (error_page));

  priv->stack = stack;
  priv->error_page = error_page;
  /* The first frames of a new screen, before its query is even asked. */
  delay_spinner (self);
}

/**
 * vtr_catalog_screen_loaded:
 * @error: (nullable): the query's error, %NULL if it answered
 *
 * For a subclass's callback, with what its query's `_finish` set: the wait
 * is over, and a failure shows its words on the error page.
 *
 * Returns: %TRUE if the answer is there for the subclass to show; %FALSE
 *   on a failure or when the query was cancelled (a newer one replaced it,
 *   or the screen went away): then nothing is to be shown.
 */
gboolean
vtr_catalog_screen_loaded (VtrCatalogScreen *self,
                           const GError     *error)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  stop_revealing (self);
  g_clear_handle_id (&priv->spinner_source, g_source_remove);
  /* The subclass shows its answer next. */
  set_transition (self);
  show_spinner (self, TRUE);
  set_loading (self, FALSE);
  if (error == NULL)
    return TRUE;
  adw_status_page_set_title (priv->error_page, error->message);
  gtk_stack_set_visible_child (priv->stack, GTK_WIDGET (priv->error_page));
  return FALSE;
}

/* Shows up to @count more of the hidden rows; TRUE when none is left. */
static gboolean
reveal (GtkListBox *list,
        guint       count)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row; row = gtk_widget_get_next_sibling (row))
    {
      if (!GTK_IS_LIST_BOX_ROW (row) || gtk_widget_get_visible (row))
        continue;
      if (count == 0)
        return FALSE;
      gtk_widget_set_visible (row, TRUE);
      count--;
    }
  return TRUE;
}

static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  VtrCatalogScreen *self = VTR_CATALOG_SCREEN (widget);
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  /* The lists in the order they were given, a row a frame. */
  GPtrArray *lists = priv->revealing;

  if (lists->len > 0)
    reveal (g_ptr_array_index (lists, 0), ROWS_PER_FRAME);
  while (lists->len > 0 && reveal (g_ptr_array_index (lists, 0), 0))
    g_ptr_array_remove_index (lists, 0);
  if (lists->len > 0)
    return G_SOURCE_CONTINUE;
  priv->reveal_tick = 0;
  priv->revealed = 0;
  set_loading (self, FALSE);
  return G_SOURCE_REMOVE;
}

/**
 * vtr_catalog_screen_reveal_rows:
 * @list: a list of the subclass, its rows just added
 *
 * For a subclass, once it added an answer's rows to @list: the answer's
 * first rows show in this frame, the others one a frame after it, and the
 * screen is "loading" until the last shows. A screen with several lists
 * calls it for each, in the order they read: the rows come list after
 * list. A screen not shown has no frames to keep smooth: there all show at
 * once.
 */
void
vtr_catalog_screen_reveal_rows (VtrCatalogScreen *self,
                                GtkListBox       *list)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  gboolean hidden = FALSE;

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));
  g_return_if_fail (GTK_IS_LIST_BOX (list));

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))
      {
        if (priv->revealed < FIRST_ROWS && priv->revealing->len == 0)
          priv->revealed++;
        else
          {
            gtk_widget_set_visible (row, FALSE);
            hidden = TRUE;
          }
      }
  if (!hidden)
    return;
  g_ptr_array_add (priv->revealing, g_object_ref (list));
  if (priv->reveal_tick == 0)
    priv->reveal_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL, NULL);
  set_loading (self, TRUE);
}

static void
vtr_catalog_screen_dispose (GObject *object)
{
  VtrCatalogScreen *self = VTR_CATALOG_SCREEN (object);
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_clear_handle_id (&priv->reload_source, g_source_remove);
  g_clear_handle_id (&priv->spinner_source, g_source_remove);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  stop_revealing (self);
  g_clear_pointer (&priv->revealing, g_ptr_array_unref);
  g_clear_object (&priv->catalog);
  g_clear_pointer (&priv->public_host, g_free);
  /* The subclass disposed its template before chaining up. */
  priv->stack = NULL;
  priv->error_page = NULL;

  G_OBJECT_CLASS (vtr_catalog_screen_parent_class)->dispose (object);
}

static void
vtr_catalog_screen_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VtrCatalogScreen *self = VTR_CATALOG_SCREEN (object);
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, priv->catalog);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, priv->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, priv->longitude);
      break;
    case PROP_PUBLIC_HOST:
      g_value_set_string (value, priv->public_host);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_catalog_screen_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VtrCatalogScreen *self = VTR_CATALOG_SCREEN (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      vtr_catalog_screen_set_catalog (self, g_value_get_object (value));
      break;
    case PROP_LATITUDE:
      vtr_catalog_screen_set_latitude (self, g_value_get_double (value));
      break;
    case PROP_LONGITUDE:
      vtr_catalog_screen_set_longitude (self, g_value_get_double (value));
      break;
    case PROP_PUBLIC_HOST:
      vtr_catalog_screen_set_public_host (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_catalog_screen_class_init (VtrCatalogScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_catalog_screen_dispose;
  object_class->get_property = vtr_catalog_screen_get_property;
  object_class->set_property = vtr_catalog_screen_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, VTR_TYPE_CATALOG_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where the kiosk stands: how far what is shown is. */
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -90, 90, VTR_DEMO_LAT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -180, 180, VTR_DEMO_LON,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The federation's host, where the phone pages are ("continue on your
   * phone"); NULL before the kiosk is paired. */
  properties[PROP_PUBLIC_HOST] =
    g_param_spec_string ("public-host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether the catalogue's answer is awaited (the spinner shows). */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The subclasses inherit the layout: their template's one child fills them. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vtr_catalog_screen_init (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  priv->latitude = VTR_DEMO_LAT;
  priv->longitude = VTR_DEMO_LON;
  priv->revealing = g_ptr_array_new_with_free_func (g_object_unref);
}

VtrCatalogService *
vtr_catalog_screen_get_catalog (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), NULL);

  return priv->catalog;
}

void
vtr_catalog_screen_set_catalog (VtrCatalogScreen  *self,
                                VtrCatalogService *catalog)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));
  g_return_if_fail (catalog == NULL || VTR_IS_CATALOG_SERVICE (catalog));

  if (g_set_object (&priv->catalog, catalog))
    {
      vtr_catalog_screen_queue_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
    }
}

double
vtr_catalog_screen_get_latitude (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), 0);

  return priv->latitude;
}

void
vtr_catalog_screen_set_latitude (VtrCatalogScreen *self,
                                 double            latitude)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));

  if (priv->latitude == latitude)
    return;
  priv->latitude = latitude;
  vtr_catalog_screen_queue_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
}

double
vtr_catalog_screen_get_longitude (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), 0);

  return priv->longitude;
}

void
vtr_catalog_screen_set_longitude (VtrCatalogScreen *self,
                                  double            longitude)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));

  if (priv->longitude == longitude)
    return;
  priv->longitude = longitude;
  vtr_catalog_screen_queue_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
}

gboolean
vtr_catalog_screen_get_loading (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), FALSE);

  return priv->loading;
}

const char *
vtr_catalog_screen_get_public_host (VtrCatalogScreen *self)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_val_if_fail (VTR_IS_CATALOG_SCREEN (self), NULL);

  return priv->public_host;
}

void
vtr_catalog_screen_set_public_host (VtrCatalogScreen *self,
                                    const char       *host)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));

  if (g_strcmp0 (priv->public_host, host) == 0)
    return;
  g_free (priv->public_host);
  priv->public_host = g_strdup (host);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLIC_HOST]);
}

/**
 * vtr_catalog_screen_start_map:
 * @map: the subclass's map
 *
 * For a subclass about to show an answer: @map on the kiosk's own tiles
 * (tiles.mbtiles in the data folder, which sync fills), "you are here"
 * where the kiosk stands, and no pins yet: the subclass adds them in its
 * list's order.
 */
void
vtr_catalog_screen_start_map (VtrCatalogScreen *self,
                              VtrMap           *map)
{
  VtrCatalogScreenPrivate *priv = vtr_catalog_screen_get_instance_private (self);
  g_autofree char *tiles = NULL;

  g_return_if_fail (VTR_IS_CATALOG_SCREEN (self));
  g_return_if_fail (VTR_IS_MAP (map));

  if (priv->catalog)
    {
      tiles = g_build_filename (vtr_catalog_service_get_data_dir (priv->catalog), "tiles.mbtiles", NULL);
      vtr_map_set_tiles_path (map, tiles);
    }
  vtr_map_set_here (map, priv->latitude, priv->longitude);
  vtr_map_clear_pins (map);
}

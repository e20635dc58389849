#include "config.h"

#include "vtr-map.h"

#include <glib/gi18n.h>
#include <math.h>
#include <shumate/shumate.h>

#include "vtr-geo.h"
#include "vtr-mbtiles-source.h"

/*
 * The map beside a list of places: the kiosk's own tiles (an MBTiles file
 * that sync fills, read and decoded off the main thread by
 * VtrMbtilesSource), "you are here" at the kiosk, and one numbered pin per
 * place, numbered as the list beside it. A pin says whether the shop is open in a word as well as a
 * colour, and the poster's shop wears a star; a tap on a pin asks for the
 * shop's page (win.show-merchant). Dragging and pinching are shumate's;
 * the + and − buttons are large enough for a finger at a metre, and the
 * licence the tiles ask for stays in the corner.
 *
 * In admin, with picking on, a tap on the map moves "you are here" and
 * says where (signal position-picked): the kiosk's place is shown, not
 * typed.
 */

#define MIN_ZOOM 13
#define MAX_ZOOM 18
#define DEFAULT_ZOOM 16.0
#define PIN_SIZE 64
#define PIN_GAP 6 /* pixels between two pins moved apart */
#define MAP_MIN_SIZE 240 /* a few streets and a pin or two */
#define MAP_NATURAL_WIDTH 640
#define MAP_NATURAL_HEIGHT 480
#define FIT_MARGIN 72 /* pixels kept around the pins: a pin's size */
#define EARTH_M_PER_PX_Z0 156543.03392

struct _VtrMap
{
  GtkWidget           parent_instance;

  GtkWidget          *overlay;
  ShumateSimpleMap   *simple;
  ShumateMarkerLayer *pins_layer;
  ShumateMarkerLayer *here_layer;
  ShumateMarker      *here;
  GtkWidget          *zoom_box; /* + and − */
  GPtrArray          *pins; /* ShumateMarker, the list's order */
  GArray             *places; /* VtrPosition, each pin's true place */
  double              spread_zoom; /* the zoom the pins were spread for */
  VtrMbtilesSource   *source;
  char               *tiles_path;
  double              here_lat;
  double              here_lon;
  gboolean            fit_pending;
  guint               fit_tick;
  gboolean            picking;
  int                 fitted_width;
  int                 fitted_height;
};

G_DEFINE_FINAL_TYPE (VtrMap, vtr_map, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TILES_PATH,
  PROP_PICKING,
  N_PROPS
};

enum {
  POSITION_PICKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static ShumateMap *
get_map (VtrMap *self)
{
  return shumate_simple_map_get_map (self->simple);
}

static ShumateViewport *
get_viewport (VtrMap *self)
{
  return shumate_simple_map_get_viewport (self->simple);
}

/* Tiles are drawn the way the window's renderer draws fastest. */
static void
update_renderer (VtrMap *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;

  if (renderer)
    vtr_mbtiles_source_draw_with_cairo (GSK_IS_CAIRO_RENDERER (renderer));
}

static void
use_tiles (VtrMap *self)
{
  ShumateMapSource *source;

  g_clear_object (&self->source);
  self->source = vtr_mbtiles_source_new (self->tiles_path ? self->tiles_path : "");
  source = SHUMATE_MAP_SOURCE (self->source);
  shumate_map_source_set_name (source, _("Map of the area"));
  shumate_map_source_set_min_zoom_level (source, MIN_ZOOM);
  shumate_map_source_set_max_zoom_level (source, MAX_ZOOM);
  shumate_simple_map_set_map_source (self->simple, source);
}

/* Web Mercator at @zoom, in pixels of 256-pixel tiles. */
static void
to_world (double  lat,
          double  lon,
          double  zoom,
          double *x,
          double *y)
{
  double size = 256 * exp2 (zoom);

  vtr_mercator_project (lat, lon, x, y);
  *x *= size;
  *y *= size;
}

static void
from_world (double  x,
            double  y,
            double  zoom,
            double *lat,
            double *lon)
{
  double size = 256 * exp2 (zoom);

  vtr_mercator_unproject (x / size, y / size, lat, lon);
}

typedef struct
{
  double x, y, width, height; /* centre and size, in world pixels */
} PinBox;

static gboolean
pin_box_overlaps (const PinBox *a,
                  const PinBox *b)
{
  return fabs (a->x - b->x) < (a->width + b->width) / 2 && fabs (a->y - b->y) < (a->height + b->height) / 2;
}

static gboolean
pin_box_free (const PinBox *box,
              const PinBox *placed,
              guint         n_placed)
{
  for (guint i = 0; i < n_placed; i++)
    if (pin_box_overlaps (box, &placed[i]))
      return FALSE;
  return TRUE;
}

/* Whether @box lies whole within @view (the map shown, in world pixels;
 * no view known yet: anywhere). */
static gboolean
pin_box_inside (const PinBox *box,
                const PinBox *view)
{
  return view->width <= 0 ||
         (fabs (box->x - view->x) <= (view->width - box->width) / 2 &&
          fabs (box->y - view->y) <= (view->height - box->height) / 2);
}

/* What lies on the map where no pin should: @widget (a child of the
 * map's), its box in world pixels given the @view. */
static gboolean
obstacle_box (VtrMap       *self,
              GtkWidget    *widget,
              const PinBox *view,
              PinBox       *box)
{
  graphene_rect_t bounds;

  if (widget == NULL || !gtk_widget_get_mapped (widget) ||
      !gtk_widget_compute_bounds (widget, GTK_WIDGET (self), &bounds) || bounds.size.width <= 0)
    return FALSE;
  box->width = bounds.size.width + PIN_GAP;
  box->height = bounds.size.height + PIN_GAP;
  box->x = view->x - view->width / 2 + bounds.origin.x + bounds.size.width / 2;
  box->y = view->y - view->height / 2 + bounds.origin.y + bounds.size.height / 2;
  return TRUE;
}

/* Pins that would cover each other at this zoom (two shops in one
 * building, or a street's neighbours from afar) are moved apart, in the
 * list's order: a pin takes the nearest free spot around its own place,
 * so every number shows and each pin takes its own tap. No pin covers
 * "You are here", the + and − buttons, the scale or the licence, nor
 * stands across the map's edge, as the map is shown now (fitted to its
 * pins). Zoomed in far enough, each pin is back on its place. Only the
 * zoom matters (world pixels), so a drag spreads nothing again. */
static void
spread_pins (VtrMap *self)
{
  ShumateViewport *viewport = get_viewport (self);
  double zoom = shumate_viewport_get_zoom_level (viewport);
  GtkWidget *here = self->here ? shumate_marker_get_child (self->here) : NULL;
  GtkWidget *fixed[] = { self->zoom_box,
                         GTK_WIDGET (shumate_simple_map_get_license (self->simple)),
                         GTK_WIDGET (shumate_simple_map_get_scale (self->simple)) };
  g_autofree PinBox *placed = g_new0 (PinBox, self->pins->len + G_N_ELEMENTS (fixed) + 1);
  guint n_fixed = 0;
  PinBox view = { 0 };

  self->spread_zoom = zoom;
  /* The map as shown, and what lies on it. */
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      to_world (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), zoom, &view.x, &view.y);
      view.width = gtk_widget_get_width (GTK_WIDGET (self));
      view.height = gtk_widget_get_height (GTK_WIDGET (self));
      for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
        if (obstacle_box (self, fixed[i], &view, &placed[n_fixed]))
          n_fixed++;
    }
  /* "You are here" where it stands at this zoom, drawn yet or not. */
  if (here)
    {
      int width, height;

      gtk_widget_measure (here, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
      gtk_widget_measure (here, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
      placed[n_fixed].width = width + PIN_GAP;
      placed[n_fixed].height = height + PIN_GAP;
      to_world (self->here_lat, self->here_lon, zoom, &placed[n_fixed].x, &placed[n_fixed].y);
      n_fixed++;
    }
  for (guint i = 0; i < self->pins->len; i++)
    {
      ShumateMarker *marker = g_ptr_array_index (self->pins, i);
      const VtrPosition *place = &g_array_index (self->places, VtrPosition, i);
      GtkWidget *pin = shumate_marker_get_child (marker);
      int width, height;
      PinBox box;
      double lat, lon;
      gboolean shown;

      gtk_widget_measure (pin, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
      gtk_widget_measure (pin, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
      box.width = MAX (width, PIN_SIZE) + PIN_GAP;
      box.height = MAX (height, PIN_SIZE) + PIN_GAP;
      to_world (place->lat, place->lon, zoom, &box.x, &box.y);
      /* A place off the map shown keeps its pin there (a pin is never
       * drawn where its shop is not); one on it is kept whole on it. */
      shown = view.width > 0 && fabs (box.x - view.x) <= view.width / 2 && fabs (box.y - view.y) <= view.height / 2;
      if (!pin_box_free (&box, placed, n_fixed + i) || (shown && !pin_box_inside (&box, &view)))
        {
          PinBox best = box;
          double best_distance = G_MAXDOUBLE;

          /* Rings of twelve spots further and further out: the nearest
           * free one (the first ring that has one, its nearest spot). */
          for (guint ring = 1; ring <= 12 && best_distance == G_MAXDOUBLE; ring++)
            for (guint k = 0; k < 12; k++)
              {
                double angle = k * G_PI / 6 + (ring % 2) * G_PI / 12;
                PinBox spot = box;

                spot.x += cos (angle) * ring * box.width / 2;
                spot.y += sin (angle) * ring * box.height / 2;
                if (pin_box_free (&spot, placed, n_fixed + i) && (!shown || pin_box_inside (&spot, &view)))
                  {
                    double distance = hypot (spot.x - box.x, spot.y - box.y);

                    if (distance < best_distance)
                      {
                        best_distance = distance;
                        best = spot;
                      }
                  }
              }
          box = best;
        }
      placed[n_fixed + i] = box;
      from_world (box.x, box.y, zoom, &lat, &lon);
      if (fabs (lat - shumate_location_get_latitude (SHUMATE_LOCATION (marker))) > 1e-9 ||
          fabs (lon - shumate_location_get_longitude (SHUMATE_LOCATION (marker))) > 1e-9)
        shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
    }
}

static void
on_zoom_changed (VtrMap *self)
{
  if (fabs (shumate_viewport_get_zoom_level (get_viewport (self)) - self->spread_zoom) > 1e-6)
    spread_pins (self);
}

/* Where the pins and the kiosk all show, as close as the tiles go. */
static void
fit (VtrMap *self,
     int     width,
     int     height)
{
  ShumateViewport *viewport = get_viewport (self);
  double south = self->here_lat, north = self->here_lat;
  double west = self->here_lon, east = self->here_lon;
  double lat, lon, span_x, span_y, zoom = MAX_ZOOM, meters_per_px;

  for (guint i = 0; i < self->places->len; i++)
    {
      const VtrPosition *place = &g_array_index (self->places, VtrPosition, i);

      south = MIN (south, place->lat);
      north = MAX (north, place->lat);
      west = MIN (west, place->lon);
      east = MAX (east, place->lon);
    }
  lat = (south + north) / 2;
  lon = (west + east) / 2;
  /* Metres the box spans, each way, against pixels the map has. */
  span_x = (east - west) * 111320.0 * cos (lat * G_PI / 180);
  span_y = (north - south) * 110574.0;
  meters_per_px = EARTH_M_PER_PX_Z0 * cos (lat * G_PI / 180);
  if (span_x > 1 && width > 2 * FIT_MARGIN)
    zoom = MIN (zoom, log2 (meters_per_px * (width - 2 * FIT_MARGIN) / span_x));
  if (span_y > 1 && height > 2 * FIT_MARGIN)
    zoom = MIN (zoom, log2 (meters_per_px * (height - 2 * FIT_MARGIN) / span_y));
  if (self->pins->len == 0)
    zoom = DEFAULT_ZOOM;
  /* Half levels: the tiles scale well enough, and the pins fill the map. */
  zoom = CLAMP (floor (zoom * 2) / 2, MIN_ZOOM, MAX_ZOOM);
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (get_map (self), lat, lon);
  spread_pins (self);
}

static gboolean
fit_idle_cb (gpointer data)
{
  VtrMap *self = VTR_MAP (data);
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  self->fit_tick = 0;
  if (self->fit_pending || width != self->fitted_width || height != self->fitted_height)
    {
      self->fit_pending = FALSE;
      self->fitted_width = width;
      self->fitted_height = height;
      fit (self, width, height);
    }
  return G_SOURCE_REMOVE;
}

static void
vtr_map_size_allocate (GtkWidget *widget,
                       int        width,
                       int        height,
                       int        baseline)
{
  VtrMap *self = VTR_MAP (widget);
  int min_width, min_height;

  /* Fitted again when the size changed (the screen turned), not after a
   * drag; once this layout is done, as moving the view now would ask for a
   * new layout in the middle of this one. The fit moves the view, never the
   * map's own size (see vtr_map_measure), so it settles at once. */
  if ((self->fit_pending || width != self->fitted_width || height != self->fitted_height) && self->fit_tick == 0)
    self->fit_tick = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, fit_idle_cb, self, NULL);
  /* Never less than shumate's widgets take (the licence, the scale): the
   * map is clipped to its own size rather. */
  gtk_widget_measure (self->overlay, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  gtk_widget_measure (self->overlay, GTK_ORIENTATION_VERTICAL, MAX (width, min_width), &min_height, NULL, NULL, NULL);
  gtk_widget_allocate (self->overlay, MAX (width, min_width), MAX (height, min_height), baseline, NULL);
}

static void
queue_fit (VtrMap *self)
{
  self->fit_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_map_released (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 VtrMap          *self)
{
  if (n_press == 1)
    vtr_map_pick_at (self, x, y);
}

/**
 * vtr_map_pick_at:
 * @x: where the map was tapped, in the map's own pixels
 * @y: the same
 *
 * With picking on, what a tap at (@x, @y) does: "you are here" moves
 * there and #VtrMap::position-picked says where.
 *
 * Returns: %TRUE if it picked (picking is on)
 */
gboolean
vtr_map_pick_at (VtrMap *self,
                 double  x,
                 double  y)
{
  double lat, lon;

  g_return_val_if_fail (VTR_IS_MAP (self), FALSE);

  if (!self->picking)
    return FALSE;
  shumate_viewport_widget_coords_to_location (get_viewport (self), GTK_WIDGET (get_map (self)), x, y, &lat, &lon);
  vtr_map_set_here (self, lat, lon);
  g_signal_emit (self, signals[POSITION_PICKED], 0, lat, lon);
  return TRUE;
}

/**
 * vtr_map_locate:
 *
 * Where (@latitude, @longitude) is on the map as it stands, in the map's
 * own pixels (for a test's tap).
 */
void
vtr_map_locate (VtrMap *self,
                double  latitude,
                double  longitude,
                double *x,
                double *y)
{
  g_return_if_fail (VTR_IS_MAP (self));

  shumate_viewport_location_to_widget_coords (get_viewport (self), GTK_WIDGET (get_map (self)), latitude, longitude,
                                              x, y);
}

static void
zoom_in (GtkButton *button,
         VtrMap    *self)
{
  shumate_map_zoom_in (get_map (self));
}

static void
zoom_out (GtkButton *button,
          VtrMap    *self)
{
  shumate_map_zoom_out (get_map (self));
}

/* A wheel over a map in a page that scrolls (the administration) scrolls
 * the page, or a trackpad could never get past the map; Ctrl and the
 * wheel zoom it, as pinching and the + and − do (GNOME's maps in a page
 * do the same). A map that is a screen's whole pane zooms with the wheel
 * alone. */
static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           VtrMap                   *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  ShumateViewport *viewport = get_viewport (self);
  double step;

  if (!(state & GDK_CONTROL_MASK) && gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW))
    return GDK_EVENT_PROPAGATE;
  /* A wheel's notch is a zoom level; a trackpad's glide, a share of one. */
  step = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL ? dy : dy / 100;
  shumate_viewport_set_zoom_level (viewport, CLAMP (shumate_viewport_get_zoom_level (viewport) - step,
                                                    MIN_ZOOM, MAX_ZOOM));
  return GDK_EVENT_STOP;
}

/* shumate's own wheel zooms wherever the map is: ours decides. */
static void
take_over_scroll (VtrMap *self)
{
  GtkWidget *map = GTK_WIDGET (get_map (self));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (map);
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_NONE);
    }
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (map, scroll);
}

static gboolean
on_button_query_tooltip (GtkWidget  *button,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         gpointer    data)
{
  gtk_tooltip_set_text (tooltip, g_object_get_data (G_OBJECT (button), "vtr-tooltip"));
  return TRUE;
}

static GtkWidget *
zoom_button (VtrMap     *self,
             const char *icon,
             const char *label,
             GCallback   callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "map-zoom");
  gtk_widget_add_css_class (button, "circular");
  /* Asked for when needed, as the pins' (on_pin_query_tooltip ()). */
  g_object_set_data_full (G_OBJECT (button), "vtr-tooltip", g_strdup (label), g_free);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_button_query_tooltip), NULL);
  gtk_widget_set_has_tooltip (button, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_size_request (button, PIN_SIZE, PIN_SIZE);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static void
vtr_map_dispose (GObject *object)
{
  VtrMap *self = VTR_MAP (object);

  g_clear_handle_id (&self->fit_tick, g_source_remove);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_pointer (&self->pins, g_ptr_array_unref);
  g_clear_pointer (&self->places, g_array_unref);

  G_OBJECT_CLASS (vtr_map_parent_class)->dispose (object);
}

static void
vtr_map_finalize (GObject *object)
{
  VtrMap *self = VTR_MAP (object);

  g_clear_object (&self->source);
  g_free (self->tiles_path);

  G_OBJECT_CLASS (vtr_map_parent_class)->finalize (object);
}

static void
vtr_map_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  VtrMap *self = VTR_MAP (object);

  switch (prop_id)
    {
    case PROP_TILES_PATH:
      g_value_set_string (value, self->tiles_path);
      break;
    case PROP_PICKING:
      g_value_set_boolean (value, self->picking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_map_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  VtrMap *self = VTR_MAP (object);

  switch (prop_id)
    {
    case PROP_TILES_PATH:
      vtr_map_set_tiles_path (self, g_value_get_string (value));
      break;
    case PROP_PICKING:
      vtr_map_set_picking (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Measured without shumate's layers: their natural size follows the zoom
 * and the pins (the whole world's width at this zoom), and the map fits
 * its zoom to the size it is given, so a measure that followed the layers
 * would follow the fit, and a map given less than its natural height was
 * fitted, measured and laid out again without end. What the map needs is
 * fixed: room for a few streets and a pin or two, and a comfortable size
 * that the screen's layout stretches. */
static void
vtr_map_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  *minimum = MAP_MIN_SIZE;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? MAP_NATURAL_WIDTH : MAP_NATURAL_HEIGHT;
  *minimum_baseline = *natural_baseline = -1;
}

static void
vtr_map_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vtr_map_parent_class)->realize (widget);
  update_renderer (VTR_MAP (widget));
}

static void
vtr_map_class_init (VtrMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_map_dispose;
  object_class->finalize = vtr_map_finalize;
  object_class->get_property = vtr_map_get_property;
  object_class->set_property = vtr_map_set_property;
  widget_class->measure = vtr_map_measure;
  widget_class->size_allocate = vtr_map_size_allocate;
  widget_class->realize = vtr_map_realize;

  /* The kiosk's MBTiles file; it may not exist yet. */
  properties[PROP_TILES_PATH] =
    g_param_spec_string ("tiles-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A tap on the map moves "you are here" (admin). */
  properties[PROP_PICKING] =
    g_param_spec_boolean ("picking", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VtrMap::position-picked:
   * @latitude: where the map was tapped
   * @longitude: the same
   *
   * With picking on, the place a tap chose for the kiosk.
   */
  signals[POSITION_PICKED] =
    g_signal_new ("position-picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "vtr-map");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vtr_map_init (VtrMap *self)
{
  GtkWidget *zoom = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *here_dot = gtk_label_new (_("You are here"));
  GtkGesture *click = gtk_gesture_click_new ();
  ShumateViewport *viewport;

  self->pins = g_ptr_array_new ();
  self->places = g_array_new (FALSE, FALSE, sizeof (VtrPosition));
  self->here_lat = 43.2951;
  self->here_lon = 5.3744;
  self->fit_pending = TRUE;

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->simple = shumate_simple_map_new ();
  /* Our own + and −: shumate's are sized for a mouse. */
  shumate_simple_map_set_show_zoom_buttons (self->simple, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (shumate_simple_map_get_compass (self->simple)), FALSE);
  /* Metres only: feet mean nothing to a shopper in Marseille. */
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->simple), SHUMATE_UNIT_METRIC);
  /* The licence read from a metre too (style.css). */
  gtk_widget_add_css_class (GTK_WIDGET (shumate_simple_map_get_license (self->simple)), "map-licence");
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->simple));
  use_tiles (self);
  viewport = get_viewport (self);
  shumate_viewport_set_min_zoom_level (viewport, MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, MAX_ZOOM);
  shumate_viewport_set_zoom_level (viewport, DEFAULT_ZOOM);
  shumate_map_set_animate_zoom (get_map (self), FALSE);
  g_signal_connect_object (viewport, "notify::zoom-level", G_CALLBACK (on_zoom_changed), self, G_CONNECT_SWAPPED);

  self->pins_layer = shumate_marker_layer_new_full (viewport, GTK_SELECTION_NONE);
  self->here_layer = shumate_marker_layer_new_full (viewport, GTK_SELECTION_NONE);
  shumate_simple_map_add_overlay_layer (self->simple, SHUMATE_LAYER (self->here_layer));
  shumate_simple_map_add_overlay_layer (self->simple, SHUMATE_LAYER (self->pins_layer));

  self->here = shumate_marker_new ();
  gtk_widget_add_css_class (here_dot, "map-here");
  shumate_marker_set_child (self->here, here_dot);
  shumate_location_set_location (SHUMATE_LOCATION (self->here), self->here_lat, self->here_lon);
  shumate_marker_layer_add_marker (self->here_layer, self->here);

  gtk_box_append (GTK_BOX (zoom), zoom_button (self, "zoom-in-symbolic", _("Zoom in"), G_CALLBACK (zoom_in)));
  gtk_box_append (GTK_BOX (zoom), zoom_button (self, "zoom-out-symbolic", _("Zoom out"), G_CALLBACK (zoom_out)));
  gtk_widget_set_halign (zoom, GTK_ALIGN_END);
  gtk_widget_set_valign (zoom, GTK_ALIGN_START);
  gtk_widget_set_margin_top (zoom, 12);
  gtk_widget_set_margin_end (zoom, 12);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), zoom);
  self->zoom_box = zoom;

  g_signal_connect_object (click, "released", G_CALLBACK (on_map_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (get_map (self)), GTK_EVENT_CONTROLLER (click));
  take_over_scroll (self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "map");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Map"), -1);
}

GtkWidget *
vtr_map_new (void)
{
  return g_object_new (VTR_TYPE_MAP, NULL);
}

const char *
vtr_map_get_tiles_path (VtrMap *self)
{
  g_return_val_if_fail (VTR_IS_MAP (self), NULL);

  return self->tiles_path;
}

void
vtr_map_set_tiles_path (VtrMap     *self,
                        const char *path)
{
  g_return_if_fail (VTR_IS_MAP (self));

  if (g_strcmp0 (self->tiles_path, path) == 0)
    return;
  g_free (self->tiles_path);
  self->tiles_path = g_strdup (path);
  use_tiles (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TILES_PATH]);
}

/**
 * vtr_map_set_here:
 *
 * Where the kiosk stands: "you are here", and the centre the map fits
 * the pins around.
 */
void
vtr_map_set_here (VtrMap *self,
                  double  latitude,
                  double  longitude)
{
  g_return_if_fail (VTR_IS_MAP (self));

  self->here_lat = CLAMP (latitude, SHUMATE_MIN_LATITUDE, SHUMATE_MAX_LATITUDE);
  self->here_lon = CLAMP (longitude, SHUMATE_MIN_LONGITUDE, SHUMATE_MAX_LONGITUDE);
  shumate_location_set_location (SHUMATE_LOCATION (self->here), self->here_lat, self->here_lon);
  if (!self->picking)
    queue_fit (self);
}

void
vtr_map_get_here (VtrMap *self,
                  double *latitude,
                  double *longitude)
{
  g_return_if_fail (VTR_IS_MAP (self));

  if (latitude)
    *latitude = self->here_lat;
  if (longitude)
    *longitude = self->here_lon;
}

void
vtr_map_clear_pins (VtrMap *self)
{
  g_return_if_fail (VTR_IS_MAP (self));

  shumate_marker_layer_remove_all (self->pins_layer);
  g_ptr_array_set_size (self->pins, 0);
  g_array_set_size (self->places, 0);
  queue_fit (self);
}

/* The shop's name when a pointer rests on its pin, asked for only then:
 * gtk_widget_set_tooltip_text () asks the X server where the pointer is
 * at once, a round trip for each pin of a page being built (about a tenth
 * of a millisecond each on an idle machine, more on a busy one). */
static gboolean
on_pin_query_tooltip (GtkWidget  *pin,
                      int         x,
                      int         y,
                      gboolean    keyboard,
                      GtkTooltip *tooltip,
                      gpointer    data)
{
  const char *name = vtr_map_pin_get_name (pin);

  if (name == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, name);
  return TRUE;
}

static void
on_pin_clicked (GtkButton *button,
                gpointer   data)
{
  gint64 merchant_id = vtr_map_pin_get_merchant_id (GTK_WIDGET (button));

  if (merchant_id > 0)
    gtk_widget_activate_action (GTK_WIDGET (button), "win.show-merchant", "x", merchant_id);
}

/**
 * vtr_map_add_pin:
 * @merchant_id: the shop a tap opens, or 0 for a place that is no shop
 * @state: open or closed now, said on the pin in a word as well as a colour
 * @poster: whether it is the shop of the poster scanned (a star)
 *
 * Adds the next pin: its number is the count of pins before it plus one,
 * as the list beside the map counts its rows.
 *
 * Returns: (transfer none): the pin's button, named for the accessibility
 *   tree ("3, Savonnerie du Panier, open")
 */
GtkWidget *
vtr_map_add_pin (VtrMap         *self,
                 gint64          merchant_id,
                 const char     *name,
                 double          latitude,
                 double          longitude,
                 VtrMapPinState  state,
                 gboolean        poster)
{
  ShumateMarker *marker;
  GtkWidget *button, *box, *number, *word;
  g_autofree char *number_text = NULL;
  g_autofree char *accessible = NULL;
  const char *state_text;

  g_return_val_if_fail (VTR_IS_MAP (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  number_text = poster ? g_strdup_printf ("★ %u", self->pins->len + 1) : g_strdup_printf ("%u", self->pins->len + 1);
  switch (state)
    {
    case VTR_MAP_PIN_OPEN:
      state_text = C_("map pin", "open");
      break;
    case VTR_MAP_PIN_CLOSED:
      state_text = C_("map pin", "closed");
      break;
    case VTR_MAP_PIN_UNKNOWN:
    default:
      state_text = NULL;
      break;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  number = gtk_label_new (number_text);
  gtk_widget_add_css_class (number, "map-pin-number");
  gtk_box_append (GTK_BOX (box), number);
  if (state_text)
    {
      word = gtk_label_new (state_text);
      gtk_widget_add_css_class (word, "map-pin-state");
      gtk_box_append (GTK_BOX (box), word);
    }

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "map-pin");
  /* A fingertip at a metre, whatever the style sheet says. */
  gtk_widget_set_size_request (button, PIN_SIZE, PIN_SIZE);
  gtk_widget_add_css_class (button, state == VTR_MAP_PIN_OPEN ? "open"
                                    : state == VTR_MAP_PIN_CLOSED ? "closed" : "unknown");
  if (poster)
    gtk_widget_add_css_class (button, "poster");
  g_object_set_data_full (G_OBJECT (button), "vtr-merchant-id", g_memdup2 (&merchant_id, sizeof merchant_id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_pin_clicked), NULL);

  if (poster && state_text)
    /* TRANSLATORS: a pin on the map: its number, the shop, open or closed. */
    accessible = g_strdup_printf (_("%u, %s, the poster’s shop, %s"), self->pins->len + 1, name, state_text);
  else if (poster)
    accessible = g_strdup_printf (_("%u, %s, the poster’s shop"), self->pins->len + 1, name);
  else if (state_text)
    accessible = g_strdup_printf (_("%u, %s, %s"), self->pins->len + 1, name, state_text);
  else
    accessible = g_strdup_printf (_("%u, %s"), self->pins->len + 1, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "vtr-pin-name", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (button), "vtr-pin-number", g_strdup (number_text), g_free);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_pin_query_tooltip), NULL);
  gtk_widget_set_has_tooltip (button, TRUE);

  marker = shumate_marker_new ();
  shumate_marker_set_child (marker, button);
  shumate_location_set_location (SHUMATE_LOCATION (marker), latitude, longitude);
  shumate_marker_layer_add_marker (self->pins_layer, marker);
  g_ptr_array_add (self->pins, marker);
  g_array_append_val (self->places, ((VtrPosition) { latitude, longitude }));
  queue_fit (self);
  return button;
}

/**
 * vtr_map_pin_badge:
 * @pin: a pin vtr_map_add_pin() gave
 *
 * The pin's number in its colours, for the row of the list it stands
 * for: a shopper finds on the map the shop read in the list by its number.
 *
 * Returns: (transfer floating): a new label
 */
GtkWidget *
vtr_map_pin_badge (GtkWidget *pin)
{
  GtkWidget *badge;

  g_return_val_if_fail (GTK_IS_BUTTON (pin), NULL);

  badge = gtk_label_new (g_object_get_data (G_OBJECT (pin), "vtr-pin-number"));
  gtk_widget_add_css_class (badge, "map-pin-badge");
  for (const char *const *state = (const char *const[]) { "open", "closed", "unknown", "poster", NULL }; *state; state++)
    if (gtk_widget_has_css_class (pin, *state))
      gtk_widget_add_css_class (badge, *state);
  /* The row says its shop; the number is for the eyes. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (badge)), -1);
  return badge;
}

guint
vtr_map_get_n_pins (VtrMap *self)
{
  g_return_val_if_fail (VTR_IS_MAP (self), 0);

  return self->pins->len;
}

/**
 * vtr_map_get_pin:
 *
 * Returns: (transfer none): the button of the pin numbered @index + 1
 */
GtkWidget *
vtr_map_get_pin (VtrMap *self,
                 guint   index)
{
  g_return_val_if_fail (VTR_IS_MAP (self), NULL);
  g_return_val_if_fail (index < self->pins->len, NULL);

  return shumate_marker_get_child (g_ptr_array_index (self->pins, index));
}

/**
 * vtr_map_pin_get_name:
 *
 * The name a pin shows in its tooltip: its shop's.
 */
const char *
vtr_map_pin_get_name (GtkWidget *pin)
{
  g_return_val_if_fail (GTK_IS_WIDGET (pin), NULL);

  return g_object_get_data (G_OBJECT (pin), "vtr-pin-name");
}

gint64
vtr_map_pin_get_merchant_id (GtkWidget *pin)
{
  gint64 *id;

  g_return_val_if_fail (GTK_IS_WIDGET (pin), 0);

  id = g_object_get_data (G_OBJECT (pin), "vtr-merchant-id");
  return id ? *id : 0;
}

gboolean
vtr_map_get_picking (VtrMap *self)
{
  g_return_val_if_fail (VTR_IS_MAP (self), FALSE);

  return self->picking;
}

void
vtr_map_set_picking (VtrMap   *self,
                     gboolean  picking)
{
  g_return_if_fail (VTR_IS_MAP (self));

  picking = !!picking;
  if (self->picking == picking)
    return;
  self->picking = picking;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKING]);
}

/**
 * vtr_map_center_on:
 * @zoom: the zoom level, 13 (a district) to 18 (a street's doors)
 *
 * Moves the view, as a drag would; the pins stay.
 */
void
vtr_map_center_on (VtrMap *self,
                   double  latitude,
                   double  longitude,
                   double  zoom)
{
  g_return_if_fail (VTR_IS_MAP (self));

  self->fit_pending = FALSE;
  self->fitted_width = gtk_widget_get_width (GTK_WIDGET (self));
  self->fitted_height = gtk_widget_get_height (GTK_WIDGET (self));
  shumate_viewport_set_zoom_level (get_viewport (self), CLAMP (zoom, MIN_ZOOM, MAX_ZOOM));
  shumate_map_center_on (get_map (self), latitude, longitude);
  spread_pins (self);
}

/**
 * vtr_map_get_map_widget:
 *
 * Returns: (transfer none): the ShumateMap itself, for tests and benches
 *   that drag it
 */
GtkWidget *
vtr_map_get_map_widget (VtrMap *self)
{
  g_return_val_if_fail (VTR_IS_MAP (self), NULL);

  return GTK_WIDGET (get_map (self));
}

/**
 * vtr_map_get_missing_tiles:
 *
 * Returns: how many tiles the cache lacked, drawn as plain ground
 */
guint
vtr_map_get_missing_tiles (VtrMap *self)
{
  g_return_val_if_fail (VTR_IS_MAP (self), 0);

  return vtr_mbtiles_source_get_missing (self->source);
}

/**
 * vtr_map_pin_state:
 *
 * Returns: what a pin says of a place open or closed at the time asked
 */
VtrMapPinState
vtr_map_pin_state (const VtrOpenState *open)
{
  if (open == NULL || !open->known)
    return VTR_MAP_PIN_UNKNOWN;
  return open->open ? VTR_MAP_PIN_OPEN : VTR_MAP_PIN_CLOSED;
}

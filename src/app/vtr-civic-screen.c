#include "config.h"

#include "vtr-civic-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-demo.h"
#include "vtr-describe.h"
#include "vtr-info-row.h"

/*
 * The civic layer: collections for people in need and for recycling, and
 * parcel lockers, the three nearest of each near the kiosk. A point in a
 * shop leads to the shop's page (win.show-merchant).
 */

struct _VtrCivicScreen
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkBox            *groups;
  AdwStatusPage     *error_page;

  /* Owned */
  VtrCatalogService *catalog;
  GCancellable      *cancellable;
  guint              reload_source;

  double             latitude;
  double             longitude;
  gboolean           loading;
};

G_DEFINE_FINAL_TYPE (VtrCivicScreen, vtr_civic_screen, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (VtrCivicScreen *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GtkWidget *
place_row (const VtrCollectionPlace *place,
           GDateTime                *now)
{
  g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
  g_autofree char *open = vtr_describe_open_until (&place->open, now);
  g_autofree char *details = g_strdup_printf ("%s · %s\n%s", distance, open,
                                              place->point->address ? place->point->address : "");

  if (place->merchant)
    return vtr_info_row_new (place->merchant->name, details, "civic.show-merchant",
                             g_variant_new_int64 (place->merchant->id));
  return vtr_info_row_new (place->point->name, details, NULL, NULL);
}

static void
show_view (VtrCivicScreen     *self,
           const VtrCivicView *view)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups))))
    gtk_box_remove (self->groups, child);

  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      GPtrArray *places = view->places[kind];
      const char *label = _(vtr_collection_kind_label (kind));
      GtkWidget *title = g_object_new (GTK_TYPE_LABEL, "label", label,
                                       "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, NULL);
      GtkWidget *list = gtk_list_box_new ();

      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_margin_top (title, 12);
      gtk_widget_add_css_class (title, "title-3");
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      gtk_widget_set_name (list, vtr_collection_kind_to_string (kind));
      gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

      if (places->len == 0)
        gtk_list_box_append (GTK_LIST_BOX (list), vtr_info_row_new (_("None near here yet"), NULL, NULL, NULL));
      for (guint i = 0; i < places->len; i++)
        gtk_list_box_append (GTK_LIST_BOX (list), place_row (g_ptr_array_index (places, i), view->now));
      gtk_box_append (self->groups, title);
      gtk_box_append (self->groups, list);
    }
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
on_civic_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(VtrCivicScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCivicView) view = vtr_catalog_service_civic_finish (VTR_CATALOG_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (view)
    show_view (self, view);
  else
    {
      adw_status_page_set_title (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  set_loading (self, FALSE);
}

/**
 * vtr_civic_screen_reload:
 *
 * Asks the catalogue again: each time the screen is shown, the places may
 * have opened or closed.
 */
void
vtr_civic_screen_reload (VtrCivicScreen *self)
{
  VtrPosition here = { self->latitude, self->longitude };

  g_return_if_fail (VTR_IS_CIVIC_SCREEN (self));

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->catalog == NULL)
    {
      set_loading (self, FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);
  vtr_catalog_service_civic_async (self->catalog, &here, self->cancellable, on_civic_loaded, g_object_ref (self));
}

static gboolean
reload_cb (gpointer data)
{
  VtrCivicScreen *self = data;

  self->reload_source = 0;
  vtr_civic_screen_reload (self);
  return G_SOURCE_REMOVE;
}

static void
queue_reload (VtrCivicScreen *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_cb, self);
  set_loading (self, self->catalog != NULL);
}

static void
show_merchant_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-merchant", "x", g_variant_get_int64 (parameter));
}

static void
vtr_civic_screen_dispose (GObject *object)
{
  VtrCivicScreen *self = VTR_CIVIC_SCREEN (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_CIVIC_SCREEN);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (vtr_civic_screen_parent_class)->dispose (object);
}

static void
vtr_civic_screen_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VtrCivicScreen *self = VTR_CIVIC_SCREEN (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_civic_screen_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VtrCivicScreen *self = VTR_CIVIC_SCREEN (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      vtr_civic_screen_set_catalog (self, g_value_get_object (value));
      break;
    case PROP_LATITUDE:
      vtr_civic_screen_set_latitude (self, g_value_get_double (value));
      break;
    case PROP_LONGITUDE:
      vtr_civic_screen_set_longitude (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_civic_screen_class_init (VtrCivicScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_civic_screen_dispose;
  object_class->get_property = vtr_civic_screen_get_property;
  object_class->set_property = vtr_civic_screen_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, VTR_TYPE_CATALOG_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -90, 90, VTR_DEMO_LAT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -180, 180, VTR_DEMO_LON,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "civic.show-merchant", "x", show_merchant_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-civic-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, groups);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, error_page);
}

static void
vtr_civic_screen_init (VtrCivicScreen *self)
{
  self->latitude = VTR_DEMO_LAT;
  self->longitude = VTR_DEMO_LON;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vtr_civic_screen_new (VtrCatalogService *catalog)
{
  return g_object_new (VTR_TYPE_CIVIC_SCREEN, "catalog", catalog, NULL);
}

VtrCatalogService *
vtr_civic_screen_get_catalog (VtrCivicScreen *self)
{
  g_return_val_if_fail (VTR_IS_CIVIC_SCREEN (self), NULL);

  return self->catalog;
}

void
vtr_civic_screen_set_catalog (VtrCivicScreen    *self,
                              VtrCatalogService *catalog)
{
  g_return_if_fail (VTR_IS_CIVIC_SCREEN (self));
  g_return_if_fail (catalog == NULL || VTR_IS_CATALOG_SERVICE (catalog));

  if (g_set_object (&self->catalog, catalog))
    {
      queue_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
    }
}

double
vtr_civic_screen_get_latitude (VtrCivicScreen *self)
{
  g_return_val_if_fail (VTR_IS_CIVIC_SCREEN (self), 0);

  return self->latitude;
}

void
vtr_civic_screen_set_latitude (VtrCivicScreen *self,
                               double          latitude)
{
  g_return_if_fail (VTR_IS_CIVIC_SCREEN (self));

  if (self->latitude == latitude)
    return;
  self->latitude = latitude;
  queue_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
}

double
vtr_civic_screen_get_longitude (VtrCivicScreen *self)
{
  g_return_val_if_fail (VTR_IS_CIVIC_SCREEN (self), 0);

  return self->longitude;
}

void
vtr_civic_screen_set_longitude (VtrCivicScreen *self,
                                double          longitude)
{
  g_return_if_fail (VTR_IS_CIVIC_SCREEN (self));

  if (self->longitude == longitude)
    return;
  self->longitude = longitude;
  queue_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
}

gboolean
vtr_civic_screen_get_loading (VtrCivicScreen *self)
{
  g_return_val_if_fail (VTR_IS_CIVIC_SCREEN (self), FALSE);

  return self->loading;
}

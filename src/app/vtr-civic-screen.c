#include "config.h"

#include "vtr-civic-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-flip-box.h"
#include "vtr-info-row.h"
#include "vtr-map.h"
#include "vtr-phone-code.h"

/*
 * The civic layer: collections for people in need and for recycling, and
 * parcel lockers, the three nearest of each near the kiosk. A point in a
 * shop leads to the shop's page (win.show-merchant).
 */

struct _VtrCivicScreen
{
  VtrCatalogScreen   parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  VtrMap            *map;
  VtrPhoneCode      *phone_code;
  GtkBox            *groups;
  AdwStatusPage     *error_page;
};

G_DEFINE_FINAL_TYPE (VtrCivicScreen, vtr_civic_screen, VTR_TYPE_CATALOG_SCREEN)

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
  vtr_catalog_screen_start_map (VTR_CATALOG_SCREEN (self), self->map);

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
        {
          const VtrCollectionPlace *place = g_ptr_array_index (places, i);

          GtkWidget *row = place_row (place, view->now);
          GtkWidget *pin;

          gtk_list_box_append (GTK_LIST_BOX (list), row);
          /* Numbered on, kind after kind, as the rows read down the screen. */
          pin = vtr_map_add_pin (self->map, place->merchant ? place->merchant->id : 0,
                                 place->merchant ? place->merchant->name : place->point->name,
                                 place->point->position.lat, place->point->position.lon,
                                 vtr_map_pin_state (&place->open), FALSE);
          vtr_info_row_add_prefix (row, vtr_map_pin_badge (pin));
        }
      gtk_box_append (self->groups, title);
      gtk_box_append (self->groups, list);
    }
  {
    double lat, lon;
    g_autofree char *url = NULL;

    /* The same lists on the phone, from the kiosk, each with its way there. */
    vtr_map_get_here (self->map, &lat, &lon);
    url = vtr_phone_code_collect_url (vtr_catalog_screen_get_public_host (VTR_CATALOG_SCREEN (self)), lat, lon);
    vtr_phone_code_set_url (self->phone_code, url);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
  /* The places a frame apart, kind after kind (see VtrCatalogScreen). */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->groups)); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX (child))
      vtr_catalog_screen_reveal_rows (VTR_CATALOG_SCREEN (self), GTK_LIST_BOX (child));
}

static void
on_civic_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(VtrCivicScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCivicView) view = vtr_catalog_service_civic_finish (VTR_CATALOG_SERVICE (source), result, &error);

  if (vtr_catalog_screen_loaded (VTR_CATALOG_SCREEN (self), error))
    show_view (self, view);
}

/* Each time the screen is shown: the places may have opened or closed. */
static void
vtr_civic_screen_load (VtrCatalogScreen  *screen,
                       VtrCatalogService *catalog,
                       const VtrPosition *here,
                       GCancellable      *cancellable)
{
  vtr_catalog_service_civic_async (catalog, here, cancellable, on_civic_loaded, g_object_ref (screen));
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

  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_CIVIC_SCREEN);

  G_OBJECT_CLASS (vtr_civic_screen_parent_class)->dispose (object);
}

static void
vtr_civic_screen_class_init (VtrCivicScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  VtrCatalogScreenClass *screen_class = VTR_CATALOG_SCREEN_CLASS (klass);

  object_class->dispose = vtr_civic_screen_dispose;
  screen_class->load = vtr_civic_screen_load;

  gtk_widget_class_install_action (widget_class, "civic.show-merchant", "x", show_merchant_action);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_MAP);
  g_type_ensure (VTR_TYPE_PHONE_CODE);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-civic-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, map);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, phone_code);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, groups);
  gtk_widget_class_bind_template_child (widget_class, VtrCivicScreen, error_page);
}

static void
vtr_civic_screen_init (VtrCivicScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vtr_catalog_screen_set_pages (VTR_CATALOG_SCREEN (self), self->stack, self->error_page);
}

GtkWidget *
vtr_civic_screen_new (VtrCatalogService *catalog)
{
  return g_object_new (VTR_TYPE_CIVIC_SCREEN, "catalog", catalog, NULL);
}

gboolean
vtr_civic_screen_get_loading (VtrCivicScreen *self)
{
  g_return_val_if_fail (VTR_IS_CIVIC_SCREEN (self), FALSE);

  return vtr_catalog_screen_get_loading (VTR_CATALOG_SCREEN (self));
}

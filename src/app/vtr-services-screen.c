#include "config.h"

#include "vtr-services-screen.h"

#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-service.h"

/*
 * Browse by trade: every kind of shop of the federation, a button each.
 * A button asks the window for that trade's nearest shops
 * (win.show-service). The list is the federation's, fixed in
 * vtr-service.c: the screen needs no catalogue query.
 */

struct _VtrServicesScreen
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkWidget  *content;
  GtkFlowBox *grid;
};

G_DEFINE_FINAL_TYPE (VtrServicesScreen, vtr_services_screen, GTK_TYPE_WIDGET)

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-service", "s", g_variant_get_string (parameter, NULL));
}

/* Return or Space on a trade (its cell has the focus): as a tap on it. */
static void
on_child_activated (GtkFlowBox      *grid,
                    GtkFlowBoxChild *child,
                    gpointer         data)
{
  GtkWidget *button = gtk_flow_box_child_get_child (child);

  if (GTK_IS_BUTTON (button))
    g_signal_emit_by_name (button, "clicked");
}

static void
vtr_services_screen_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VTR_TYPE_SERVICES_SCREEN);

  G_OBJECT_CLASS (vtr_services_screen_parent_class)->dispose (object);
}

static void
vtr_services_screen_class_init (VtrServicesScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_services_screen_dispose;

  /* A trade's id of vtr-service.h: its shops near here. */
  gtk_widget_class_install_action (widget_class, "services.show", "s", show_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-services-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrServicesScreen, content);
  gtk_widget_class_bind_template_child (widget_class, VtrServicesScreen, grid);
}

static void
vtr_services_screen_init (VtrServicesScreen *self)
{
  guint n = 0;
  const VtrService *services = vtr_service_all (&n);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (vtr_service_label (&services[i]));
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

      gtk_widget_add_css_class (button, "service");
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "services.show");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (services[i].id));
      /* One focus stop a trade: its cell, which the arrows move between
       * and Return or Space opens (on_child_activated); the button inside
       * is for fingers, and would be a second stop. */
      gtk_widget_set_focusable (button, FALSE);
      gtk_flow_box_append (self->grid, button);
      /* The focused cell says which trade it is, as its button does. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (button)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, vtr_service_label (&services[i]), -1);
    }
  /* A tap is the button's: only keys activate a cell. */
  gtk_flow_box_set_activate_on_single_click (self->grid, FALSE);
  g_signal_connect (self->grid, "child-activated", G_CALLBACK (on_child_activated), NULL);
}

GtkWidget *
vtr_services_screen_new (void)
{
  return g_object_new (VTR_TYPE_SERVICES_SCREEN, NULL);
}

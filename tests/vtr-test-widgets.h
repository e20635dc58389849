#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>
#include <string.h>

/* Widgets a test looks for in what a screen shows. */

/* The first button labelled @label in @widget's tree, or %NULL. */
static inline GtkWidget *
vtr_test_find_button (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vtr_test_find_button (child, label);

      if (found)
        return found;
    }
  return NULL;
}

/* The first label in @widget's tree whose text holds @words, or %NULL. */
static inline GtkWidget *
vtr_test_find_label (GtkWidget  *widget,
                     const char *words)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), words))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vtr_test_find_label (child, words);

      if (found)
        return found;
    }
  return NULL;
}

/* The first widget of @type in @widget's tree, or %NULL. */
static inline GtkWidget *
vtr_test_find_type (GtkWidget *widget,
                    GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vtr_test_find_type (child, type);

      if (found)
        return found;
    }
  return NULL;
}

/* The button a person sees named @name (its accessible label, else its
 * label) in @widget, on screen now, or %NULL. */
static inline GtkWidget *
vtr_test_find_shown_button (GtkWidget  *widget,
                            const char *name)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_BUTTON (widget))
    {
      if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        {
          g_autofree char *mismatch =
            gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);

          if (mismatch == NULL)
            return widget;
        }
      else if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), name) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vtr_test_find_shown_button (child, name);

      if (found)
        return found;
    }
  return NULL;
}

/* The message dialog on screen (a question the app asks), or %NULL. */
static inline AdwMessageDialog *
vtr_test_open_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

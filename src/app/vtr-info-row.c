#include "config.h"

#include "vtr-info-row.h"

#include "vtr-text-column.h"

/*
 * A row of the screens' lists: a title, its details in full-contrast text
 * (the "details" class, never dim-label: AdwActionRow's subtitle is dimmed
 * below 4.5:1 on the kiosk's white), what goes at its end (a price, an
 * Order button), and what a touch on it asks for: a screen action with
 * its target. A screen reader reads the title as the row's name and the
 * details as its description.
 */

#define TITLE_KEY "vtr-info-row-title"
#define DETAILS_KEY "vtr-info-row-details"
#define TEXT_KEY "vtr-info-row-text"
#define BOX_KEY "vtr-info-row-box"

/* Bold, at the size the label would have anyway. */
void
vtr_info_row_embolden (GtkWidget *label)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  pango_attr_list_unref (attrs);
}

/**
 * vtr_info_row_new:
 * @details: (nullable): lines under the title
 * @action_name: (nullable): the action a touch on the row activates
 * @target: (nullable): its parameter; a floating reference is taken
 */
GtkWidget *
vtr_info_row_new (const char *title,
                  const char *details,
                  const char *action_name,
                  GVariant   *target)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* Its width never asked at a height: a wrapped label would lay its
   * text out a dozen times to answer (vtr-text-column.c). */
  GtkWidget *text = vtr_text_column_new (4);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *details_label = gtk_label_new (details);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);

  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  /* Bold at the body's size: the "heading" class is a fixed 11 pt, too
   * small to read from a metre. */
  vtr_info_row_embolden (title_label);
  gtk_label_set_wrap (GTK_LABEL (details_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (details_label), 0);
  gtk_widget_add_css_class (details_label, "details");
  gtk_widget_set_visible (details_label, details != NULL && *details != '\0');

  vtr_text_column_append (VTR_TEXT_COLUMN (text), title_label);
  vtr_text_column_append (VTR_TEXT_COLUMN (text), details_label);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data (G_OBJECT (row), TITLE_KEY, title_label);
  g_object_set_data (G_OBJECT (row), DETAILS_KEY, details_label);
  g_object_set_data (G_OBJECT (row), TEXT_KEY, text);
  g_object_set_data (G_OBJECT (row), BOX_KEY, box);

  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  if (details && *details)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, details, -1);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), action_name != NULL);
  if (action_name)
    {
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action_name);
      if (target)
        gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), target);
      gtk_widget_set_valign (arrow, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), arrow);
    }
  else if (target)
    g_variant_unref (g_variant_ref_sink (target));
  return row;
}

/* Before the arrow, if the row has one. */
void
vtr_info_row_add_suffix (GtkWidget *row,
                         GtkWidget *suffix)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (row), BOX_KEY);
  GtkWidget *last = gtk_widget_get_last_child (box);

  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)))
    gtk_box_insert_child_after (GTK_BOX (box), suffix, gtk_widget_get_prev_sibling (last));
  else
    gtk_box_append (GTK_BOX (box), suffix);
}

/* Before the title: a pin's number. */
void
vtr_info_row_add_prefix (GtkWidget *row,
                         GtkWidget *prefix)
{
  gtk_widget_set_valign (prefix, GTK_ALIGN_CENTER);
  gtk_box_prepend (GTK_BOX (g_object_get_data (G_OBJECT (row), BOX_KEY)), prefix);
}

/* Under the details: a week table. */
void
vtr_info_row_add_below (GtkWidget *row,
                        GtkWidget *child)
{
  vtr_text_column_append (g_object_get_data (G_OBJECT (row), TEXT_KEY), child);
}

const char *
vtr_info_row_get_title (GtkWidget *row)
{
  GtkLabel *title = g_object_get_data (G_OBJECT (row), TITLE_KEY);

  /* NULL for a row that is not one of these. */
  return title ? gtk_label_get_text (title) : NULL;
}

const char *
vtr_info_row_get_details (GtkWidget *row)
{
  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), DETAILS_KEY));
}

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *vtr_info_row_new       (const char *title,
                                   const char *details,
                                   const char *action_name,
                                   GVariant   *target);
void       vtr_info_row_add_suffix (GtkWidget  *row,
                                   GtkWidget  *suffix);
void       vtr_info_row_add_prefix (GtkWidget  *row,
                                    GtkWidget  *prefix);
void       vtr_info_row_add_below  (GtkWidget  *row,
                                   GtkWidget  *child);
void       vtr_info_row_embolden   (GtkWidget  *label);
const char *vtr_info_row_get_title   (GtkWidget  *row);
const char *vtr_info_row_get_details (GtkWidget  *row);

G_END_DECLS

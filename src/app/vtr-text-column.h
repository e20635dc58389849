#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VTR_TYPE_TEXT_COLUMN (vtr_text_column_get_type ())
G_DECLARE_FINAL_TYPE (VtrTextColumn, vtr_text_column, VTR, TEXT_COLUMN, GtkWidget)

GtkWidget *vtr_text_column_new     (int            spacing);
void       vtr_text_column_append  (VtrTextColumn *self,
                                    GtkWidget     *child);

G_END_DECLS

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VTR_TYPE_FLIP_BOX (vtr_flip_box_get_type ())
G_DECLARE_FINAL_TYPE (VtrFlipBox, vtr_flip_box, VTR, FLIP_BOX, GtkWidget)

GtkWidget *vtr_flip_box_new    (int         spacing);
void       vtr_flip_box_append (VtrFlipBox *self,
                                GtkWidget  *child);

G_END_DECLS

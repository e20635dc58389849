#pragma once

#include <gtk/gtk.h>

#include "vtr-counter.h"

G_BEGIN_DECLS

#define VTR_TYPE_COUNTER_SCREEN (vtr_counter_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrCounterScreen, vtr_counter_screen, VTR, COUNTER_SCREEN, GtkWidget)

GtkWidget  *vtr_counter_screen_new         (VtrCounter       *counter);
VtrCounter *vtr_counter_screen_get_counter (VtrCounterScreen *self);
void        vtr_counter_screen_set_counter (VtrCounterScreen *self,
                                            VtrCounter       *counter);

G_END_DECLS

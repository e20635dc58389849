#pragma once

#include <gtk/gtk.h>

#include "vtr-lost-card.h"

G_BEGIN_DECLS

#define VTR_TYPE_LOST_CARD_PANEL (vtr_lost_card_panel_get_type ())
G_DECLARE_FINAL_TYPE (VtrLostCardPanel, vtr_lost_card_panel, VTR, LOST_CARD_PANEL, GtkWidget)

GtkWidget   *vtr_lost_card_panel_new           (void);
VtrLostCard *vtr_lost_card_panel_get_lost_card (VtrLostCardPanel *self);
void         vtr_lost_card_panel_set_lost_card (VtrLostCardPanel *self,
                                                VtrLostCard      *lost_card);
GtkEditable *vtr_lost_card_panel_get_entry     (VtrLostCardPanel *self);

G_END_DECLS

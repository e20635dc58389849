#pragma once

#include <gtk/gtk.h>

#include "vtr-keyboard.h"
#include "vtr-staff-pin.h"
#include "vtr-store.h"

G_BEGIN_DECLS

#define VTR_TYPE_PIN_SCREEN (vtr_pin_screen_get_type ())
G_DECLARE_FINAL_TYPE (VtrPinScreen, vtr_pin_screen, VTR, PIN_SCREEN, GtkWidget)

GtkWidget   *vtr_pin_screen_new          (VtrStore      *store,
                                          VtrPinUpdate   update,
                                          gint64         merchant_id,
                                          const char    *reset_code);
VtrKeyboard *vtr_pin_screen_get_keyboard (VtrPinScreen  *self);
const char  *vtr_pin_screen_get_message  (VtrPinScreen  *self);
gboolean     vtr_pin_screen_get_done     (VtrPinScreen  *self);

G_END_DECLS

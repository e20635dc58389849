#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  VTR_KEYBOARD_LETTERS,
  VTR_KEYBOARD_DIGITS,
  VTR_KEYBOARD_ADDRESS, /* a position, a device or a printer's address: as typed, no capitals */
  VTR_KEYBOARD_PRICE,   /* an amount in euros: digits and the decimal comma */
} VtrKeyboardLayout;

#define VTR_TYPE_KEYBOARD (vtr_keyboard_get_type ())
G_DECLARE_FINAL_TYPE (VtrKeyboard, vtr_keyboard, VTR, KEYBOARD, GtkWidget)

GtkWidget *vtr_keyboard_new    (void);
void       vtr_keyboard_attach (VtrKeyboard       *self,
                                GtkEditable       *entry,
                                VtrKeyboardLayout  layout);
void       vtr_keyboard_target (VtrKeyboard       *self,
                                GtkEditable       *entry);
void       vtr_keyboard_press  (VtrKeyboard       *self,
                                const char        *key);
void       vtr_keyboard_set_enter_label (VtrKeyboard *self,
                                         const char  *label);

G_END_DECLS

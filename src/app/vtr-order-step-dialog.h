#pragma once

#include <gtk/gtk.h>

#include "vtr-counter.h"

G_BEGIN_DECLS

typedef enum
{
  VTR_ORDER_STEP_CANCEL,  /* why: told to the customer */
  VTR_ORDER_STEP_DEPOSIT, /* the locker's compartment and opening code */
} VtrOrderStep;

#define VTR_TYPE_ORDER_STEP_DIALOG (vtr_order_step_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VtrOrderStepDialog, vtr_order_step_dialog, VTR, ORDER_STEP_DIALOG, GtkWindow)

GtkWidget *vtr_order_step_dialog_new     (VtrCounter         *counter,
                                          VtrOrderStep        step,
                                          const char         *number);
void       vtr_order_step_dialog_confirm (VtrOrderStepDialog *self);

G_END_DECLS

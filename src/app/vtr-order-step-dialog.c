#include "config.h"

#include "vtr-order-step-dialog.h"

#include <glib/gi18n.h>

#include "vtr-keyboard.h"

/*
 * A step of an order at the counter that needs the merchant's words, on
 * the screen's own keyboard: why it is cancelled (a few usual reasons a
 * tap away; the customer is told), or where a parcel-locker order was
 * put (the compartment and the code that opens it, sent to the
 * customer). OK hands them to the counter, which takes the step and
 * says on its screen what happened; Back changes nothing.
 */

struct _VtrOrderStepDialog
{
  GtkWindow    parent_instance;

  /* Template widgets. */
  GtkLabel    *heading;
  GtkBox      *reasons;
  GtkEntry    *first;
  GtkEntry    *second;
  GtkLabel    *hint;
  VtrKeyboard *keyboard;
  GtkButton   *back;
  GtkButton   *confirm;

  /* Owned. */
  VtrCounter  *counter;
  VtrOrderStep step;
  char        *number;
};

G_DEFINE_FINAL_TYPE (VtrOrderStepDialog, vtr_order_step_dialog, GTK_TYPE_WINDOW)

/* The reasons a shop gives most, in its customers' words. */
static const char * const usual_reasons[] = {
  N_("Out of stock"),
  N_("The shop is closed"),
  N_("At the customer’s request"),
};

/**
 * vtr_order_step_dialog_confirm:
 *
 * OK: the step taken at the counter with what was typed; the dialog
 * closes. A refusal (no reason, a wrong compartment) shows on the
 * counter's screen.
 */
void
vtr_order_step_dialog_confirm (VtrOrderStepDialog *self)
{
  const char *first = gtk_editable_get_text (GTK_EDITABLE (self->first));
  const char *second = gtk_editable_get_text (GTK_EDITABLE (self->second));

  g_return_if_fail (VTR_IS_ORDER_STEP_DIALOG (self));

  if (self->step == VTR_ORDER_STEP_CANCEL)
    vtr_counter_cancel_order (self->counter, self->number, first);
  else
    vtr_counter_deposit_order (self->counter, self->number, first, second);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_confirm (VtrOrderStepDialog *self)
{
  vtr_order_step_dialog_confirm (self);
}

static void
on_back (VtrOrderStepDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_reason (GtkButton          *button,
           VtrOrderStepDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->first), gtk_button_get_label (button));
}

static void
vtr_order_step_dialog_dispose (GObject *object)
{
  VtrOrderStepDialog *self = VTR_ORDER_STEP_DIALOG (object);

  g_clear_object (&self->counter);
  G_OBJECT_CLASS (vtr_order_step_dialog_parent_class)->dispose (object);
}

static void
vtr_order_step_dialog_finalize (GObject *object)
{
  VtrOrderStepDialog *self = VTR_ORDER_STEP_DIALOG (object);

  g_free (self->number);
  G_OBJECT_CLASS (vtr_order_step_dialog_parent_class)->finalize (object);
}

static void
vtr_order_step_dialog_class_init (VtrOrderStepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_order_step_dialog_dispose;
  object_class->finalize = vtr_order_step_dialog_finalize;

  g_type_ensure (VTR_TYPE_KEYBOARD);
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-order-step-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, reasons);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, first);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, second);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, hint);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, back);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderStepDialog, confirm);
}

static void
vtr_order_step_dialog_init (VtrOrderStepDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->confirm, "clicked", G_CALLBACK (on_confirm), self);
  g_signal_connect_swapped (self->back, "clicked", G_CALLBACK (on_back), self);
}

/**
 * vtr_order_step_dialog_new:
 * @counter: the counter that takes the step
 * @number: the order's number
 */
GtkWidget *
vtr_order_step_dialog_new (VtrCounter   *counter,
                           VtrOrderStep  step,
                           const char   *number)
{
  VtrOrderStepDialog *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (VTR_IS_COUNTER (counter), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  self = g_object_new (VTR_TYPE_ORDER_STEP_DIALOG, NULL);
  self->counter = g_object_ref (counter);
  self->step = step;
  self->number = g_strdup (number);
  if (step == VTR_ORDER_STEP_CANCEL)
    {
      heading = g_strdup_printf (_("Cancel order %s"), number);
      gtk_window_set_title (GTK_WINDOW (self), _("Cancel an order"));
      gtk_entry_set_placeholder_text (self->first, _("Why? The customer is told."));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->first), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Why the order is cancelled"), -1);
      gtk_widget_set_visible (GTK_WIDGET (self->second), FALSE);
      gtk_label_set_text (self->hint, _("The customer gets this reason by SMS."));
      gtk_button_set_label (self->confirm, _("Cancel the order"));
      for (guint i = 0; i < G_N_ELEMENTS (usual_reasons); i++)
        {
          GtkWidget *button = gtk_button_new_with_label (_(usual_reasons[i]));

          g_signal_connect (button, "clicked", G_CALLBACK (on_reason), self);
          gtk_box_append (self->reasons, button);
        }
      /* A sentence, typed as it is (the letters layout capitalises names). */
      vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->first), VTR_KEYBOARD_ADDRESS);
    }
  else
    {
      heading = g_strdup_printf (_("Order %s in its parcel locker"), number);
      gtk_window_set_title (GTK_WINDOW (self), _("Put an order in its parcel locker"));
      gtk_entry_set_placeholder_text (self->first, _("Compartment"));
      gtk_entry_set_placeholder_text (self->second, _("Code that opens it"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->first), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Compartment"), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->second), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Code that opens it"), -1);
      gtk_widget_set_visible (GTK_WIDGET (self->reasons), FALSE);
      gtk_label_set_text (self->hint, _("The customer gets the compartment and its code by SMS: the order is "
                                        "ready."));
      gtk_button_set_label (self->confirm, _("Deposited"));
      vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->first), VTR_KEYBOARD_ADDRESS);
      vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->second), VTR_KEYBOARD_ADDRESS);
    }
  vtr_keyboard_target (self->keyboard, GTK_EDITABLE (self->first));
  gtk_label_set_text (self->heading, heading);
  return GTK_WIDGET (self);
}

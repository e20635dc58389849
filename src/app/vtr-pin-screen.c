#include "config.h"

#include "vtr-pin-screen.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-flip-box.h"
#include "vtr-staff.h"

/*
 * A PIN chosen, changed or reset at the kiosk, without a terminal: the
 * old PIN (for a change), then the new one twice, typed on the on-screen
 * keypad. The PIN is set on a worker thread (vtr_staff_update_pin_async:
 * Argon2id takes a tenth of a second). Done, the screen says so through
 * win.toast and leaves through win.back; cancelled, it leaves at once.
 * Nothing typed stays in memory once the screen is gone.
 */

typedef enum
{
  STEP_OLD,
  STEP_NEW,
  STEP_AGAIN,
  STEP_BUSY,
  STEP_DONE,
} Step;

struct _VtrPinScreen
{
  GtkWidget         parent_instance;

  /* Template widgets. */
  GtkLabel         *title_label;
  GtkLabel         *step_label;
  GtkPasswordEntry *entry;
  GtkLabel         *message_label;
  VtrKeyboard      *keyboard;
  GtkButton        *confirm_button;
  GtkButton        *cancel_button;

  /* Owned. */
  VtrStore         *store;
  VtrPinUpdate      update;
  gint64            merchant_id;
  char             *reset_code;
  char             *old_pin;
  char             *new_pin;
  Step              step;
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (VtrPinScreen, vtr_pin_screen, GTK_TYPE_WIDGET)

static void
forget (char **pin)
{
  if (*pin)
    memset (*pin, 0, strlen (*pin));
  g_clear_pointer (pin, g_free);
}

static void
show_step (VtrPinScreen *self,
           Step          step,
           const char   *message)
{
  const char *words = "";

  self->step = step;
  switch (step)
    {
    case STEP_OLD:
      words = self->merchant_id == VTR_ADMIN_ID ? _("Type the administrator’s PIN in use now")
                                                : _("Type the shop’s PIN in use now");
      break;
    case STEP_NEW:
      words = _("Type the new PIN: 4 to 12 digits");
      break;
    case STEP_AGAIN:
      words = _("Type the new PIN again");
      break;
    case STEP_BUSY:
      words = _("Saving the new PIN…");
      break;
    case STEP_DONE:
      words = _("The new PIN is set");
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_text (self->step_label, words);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  /* Busy or done, the field gives the focus up before it turns
   * insensitive (and the screen goes). */
  if (step >= STEP_BUSY && gtk_widget_get_root (GTK_WIDGET (self)))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = gtk_root_get_focus (root);

      if (focus && (focus == GTK_WIDGET (self->entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->entry))))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->keyboard), step < STEP_BUSY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), step < STEP_BUSY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), step < STEP_BUSY);
  /* Digits typed on a keyboard go into the PIN, and Enter confirms it:
   * not into whatever had the focus before (the gear, which Enter would
   * press again). */
  if (step < STEP_BUSY && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
first_step (VtrPinScreen *self,
            const char   *message)
{
  forget (&self->old_pin);
  forget (&self->new_pin);
  show_step (self, self->update == VTR_PIN_CHANGE ? STEP_OLD : STEP_NEW, message);
}

static void
pin_updated (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(VtrPinScreen) self = data;
  g_autoptr(GError) error = NULL;
  gint64 whose = 0;

  if (!vtr_staff_update_pin_finish (self->store, result, &whose, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        first_step (self, error->message);
      return;
    }
  show_step (self, STEP_DONE, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                              whose == VTR_ADMIN_ID ? _("The administrator’s PIN is set")
                                                    : _("The shop’s staff PIN is set"));
  /* The administrator who just chose the first PIN goes on to the
   * administration, which is what they came for (win.show-admin leaves
   * this screen too); otherwise back to where the PIN was asked for. */
  if (whose == VTR_ADMIN_ID && self->update == VTR_PIN_SET)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-admin", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
}

static gboolean
is_pin (const char *text)
{
  gsize len = strlen (text);

  return len >= 4 && len <= 12 && strspn (text, "0123456789") == len;
}

/* OK on the keypad (or Enter): the next step. */
static void
on_activate (VtrPinScreen *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  switch (self->step)
    {
    case STEP_OLD:
      if (*typed == '\0')
        return;
      self->old_pin = g_strdup (typed);
      show_step (self, STEP_NEW, NULL);
      break;
    case STEP_NEW:
      if (!is_pin (typed))
        {
          show_step (self, STEP_NEW, _("A PIN has 4 to 12 digits."));
          return;
        }
      self->new_pin = g_strdup (typed);
      show_step (self, STEP_AGAIN, NULL);
      break;
    case STEP_AGAIN:
      if (!g_str_equal (typed, self->new_pin))
        {
          forget (&self->new_pin);
          show_step (self, STEP_NEW, _("The two PINs typed are not the same: type the new PIN again."));
          return;
        }
      show_step (self, STEP_BUSY, NULL);
      vtr_staff_update_pin_async (self->store, self->update, self->merchant_id,
                                  self->update == VTR_PIN_RESET ? self->reset_code : self->old_pin,
                                  self->new_pin, self->cancellable, pin_updated, g_object_ref (self));
      forget (&self->old_pin);
      forget (&self->new_pin);
      break;
    default:
      break;
    }
}

static void
on_cancel (VtrPinScreen *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
}

static void
vtr_pin_screen_dispose (GObject *object)
{
  VtrPinScreen *self = VTR_PIN_SCREEN (object);

  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_PIN_SCREEN);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (vtr_pin_screen_parent_class)->dispose (object);
}

static void
vtr_pin_screen_finalize (GObject *object)
{
  VtrPinScreen *self = VTR_PIN_SCREEN (object);

  forget (&self->old_pin);
  forget (&self->new_pin);
  g_free (self->reset_code);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vtr_pin_screen_parent_class)->finalize (object);
}

static void
vtr_pin_screen_map (GtkWidget *widget)
{
  VtrPinScreen *self = VTR_PIN_SCREEN (widget);

  GTK_WIDGET_CLASS (vtr_pin_screen_parent_class)->map (widget);
  if (self->step < STEP_BUSY)
    gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
vtr_pin_screen_class_init (VtrPinScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_pin_screen_dispose;
  object_class->finalize = vtr_pin_screen_finalize;
  widget_class->map = vtr_pin_screen_map;

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_KEYBOARD);
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-pin-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, title_label);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, step_label);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, entry);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, message_label);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, VtrPinScreen, cancel_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pin-screen");
}

static void
vtr_pin_screen_init (VtrPinScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_target (self->keyboard, GTK_EDITABLE (self->entry));
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (on_activate), self, G_CONNECT_SWAPPED);
  /* The keypad of digits has no Enter key: Confirm is its own button. */
  g_signal_connect_object (self->confirm_button, "clicked", G_CALLBACK (on_activate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cancel_button, "clicked", G_CALLBACK (on_cancel), self, G_CONNECT_SWAPPED);
}

/**
 * vtr_pin_screen_new:
 * @update: a first PIN (after pairing), a change, or a reset
 * @merchant_id: whose PIN: a shop's, or %VTR_ADMIN_ID
 * @reset_code: (nullable): the federation's reset code, for
 *   %VTR_PIN_RESET
 */
GtkWidget *
vtr_pin_screen_new (VtrStore     *store,
                    VtrPinUpdate  update,
                    gint64        merchant_id,
                    const char   *reset_code)
{
  VtrPinScreen *self;
  const char *title;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);
  g_return_val_if_fail (update != VTR_PIN_RESET || reset_code != NULL, NULL);

  self = g_object_new (VTR_TYPE_PIN_SCREEN, NULL);
  self->store = g_object_ref (store);
  self->update = update;
  self->merchant_id = merchant_id;
  self->reset_code = g_strdup (reset_code);
  if (update == VTR_PIN_SET)
    title = merchant_id == VTR_ADMIN_ID ? _("Choose the administrator’s PIN")
                                        : _("Choose the shop’s staff PIN");
  else if (update == VTR_PIN_CHANGE)
    title = merchant_id == VTR_ADMIN_ID ? _("Change the administrator’s PIN") : _("Change the shop’s PIN");
  else
    title = merchant_id == VTR_ADMIN_ID ? _("New administrator’s PIN") : _("New staff PIN for the shop");
  gtk_label_set_text (self->title_label, title);
  first_step (self, NULL);
  return GTK_WIDGET (self);
}

VtrKeyboard *
vtr_pin_screen_get_keyboard (VtrPinScreen *self)
{
  g_return_val_if_fail (VTR_IS_PIN_SCREEN (self), NULL);
  return self->keyboard;
}

/* What went wrong last, "" when nothing did. */
const char *
vtr_pin_screen_get_message (VtrPinScreen *self)
{
  g_return_val_if_fail (VTR_IS_PIN_SCREEN (self), NULL);
  return gtk_label_get_text (self->message_label);
}

gboolean
vtr_pin_screen_get_done (VtrPinScreen *self)
{
  g_return_val_if_fail (VTR_IS_PIN_SCREEN (self), FALSE);
  return self->step == STEP_DONE;
}

#include "config.h"

#include "vtr-lost-card-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "vtr-app.h"
#include "vtr-card-block.h"
#include "vtr-keyboard.h"

/*
 * The counter's panel for a lost card: shows a VtrLostCard (what to do
 * now, the cards found, the confirmation, what happened) and turns taps
 * into its methods through its own actions:
 *
 *   lost-card.find          the entry's text searched
 *   lost-card.choose     s  one of the cards found, by number
 *   lost-card.confirm       block it and move its points
 *   lost-card.cancel        not this card
 *
 * The entry takes the on-screen keyboard's letters and digits (a card's
 * number has letters) and a physical keyboard's; "Back to the counter"
 * asks the counter's screen (counter.lost-card-end).
 */

struct _VtrLostCardPanel
{
  GtkWidget      parent_instance;

  VtrLostCard   *lost_card;
  GBindingGroup *bindings;
  GSignalGroup  *signals;

  /* Template widgets. */
  GtkWidget     *box;
  GtkLabel      *instructions_label;
  GtkLabel      *message_label;
  GtkWidget     *find_box;
  GtkEntry      *query_entry;
  VtrKeyboard   *keyboard;
  GtkSpinner    *spinner;
  GtkListBox    *matches_list;
  GtkWidget     *confirm_box;
};

G_DEFINE_FINAL_TYPE (VtrLostCardPanel, vtr_lost_card_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOST_CARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_step (VtrLostCardPanel *self)
{
  VtrLostCardStep step = self->lost_card ? vtr_lost_card_get_step (self->lost_card) : VTR_LOST_CARD_SCAN_NEW;

  gtk_widget_set_visible (self->find_box, self->lost_card && step == VTR_LOST_CARD_FIND);
  gtk_widget_set_visible (self->confirm_box, self->lost_card && step == VTR_LOST_CARD_CONFIRM);
  if (step == VTR_LOST_CARD_FIND)
    gtk_widget_grab_focus (GTK_WIDGET (self->query_entry));
}

/* The cards found: "…ABCDEF", its points, and "This one". */
static void
show_matches (VtrLostCardPanel *self)
{
  GPtrArray *matches = self->lost_card ? vtr_lost_card_get_matches (self->lost_card) : NULL;
  gboolean choosing = self->lost_card && vtr_lost_card_get_step (self->lost_card) == VTR_LOST_CARD_FIND;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->matches_list))))
    gtk_list_box_remove (self->matches_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->matches_list), FALSE);
  for (guint i = 0; matches && choosing && i < matches->len; i++)
    {
      VtrCardMatch *match = g_ptr_array_index (matches, i);
      const char *end = match->card_id + strlen (match->card_id) - VTR_CARD_SUFFIX_MIN;
      g_autofree char *title = g_strdup_printf ("…%s", end);
      g_autofree char *points = g_strdup_printf (ngettext ("%lld point", "%lld points", ABS (match->balance)),
                                                 (long long) match->balance);
      g_autofree char *name = g_strdup_printf (_("This one: card …%s"), end);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("This one"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), points);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "lost-card.choose");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", match->card_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->matches_list, row);
      gtk_widget_set_visible (GTK_WIDGET (self->matches_list), TRUE);
    }
}

static void
on_step_changed (VtrLostCardPanel *self)
{
  show_step (self);
  show_matches (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (widget);

  if (self->lost_card)
    vtr_lost_card_find (self->lost_card, gtk_editable_get_text (GTK_EDITABLE (self->query_entry)));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (widget);

  if (self->lost_card)
    vtr_lost_card_choose (self->lost_card, g_variant_get_string (parameter, NULL));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (widget);

  if (self->lost_card)
    vtr_lost_card_confirm (self->lost_card);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (widget);

  if (self->lost_card)
    vtr_lost_card_cancel (self->lost_card);
}

static void
on_entry_activate (VtrLostCardPanel *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "lost-card.find", NULL);
}

VtrLostCard *
vtr_lost_card_panel_get_lost_card (VtrLostCardPanel *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD_PANEL (self), NULL);
  return self->lost_card;
}

/**
 * vtr_lost_card_panel_set_lost_card:
 * @lost_card: (nullable): the flow to show
 */
void
vtr_lost_card_panel_set_lost_card (VtrLostCardPanel *self,
                                   VtrLostCard      *lost_card)
{
  g_return_if_fail (VTR_IS_LOST_CARD_PANEL (self));
  g_return_if_fail (lost_card == NULL || VTR_IS_LOST_CARD (lost_card));

  if (!g_set_object (&self->lost_card, lost_card))
    return;
  g_binding_group_set_source (self->bindings, lost_card);
  g_signal_group_set_target (self->signals, lost_card);
  gtk_editable_set_text (GTK_EDITABLE (self->query_entry), "");
  if (lost_card == NULL)
    {
      gtk_label_set_text (self->instructions_label, "");
      gtk_label_set_text (self->message_label, "");
    }
  on_step_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOST_CARD]);
}

/* The entry the keyboard types into, for tests that type on it. */
GtkEditable *
vtr_lost_card_panel_get_entry (VtrLostCardPanel *self)
{
  g_return_val_if_fail (VTR_IS_LOST_CARD_PANEL (self), NULL);
  return GTK_EDITABLE (self->query_entry);
}

static void
vtr_lost_card_panel_dispose (GObject *object)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (object);

  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  if (self->signals)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->lost_card);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_LOST_CARD_PANEL);
  G_OBJECT_CLASS (vtr_lost_card_panel_parent_class)->dispose (object);
}

static void
vtr_lost_card_panel_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (object);

  switch (prop_id)
    {
    case PROP_LOST_CARD:
      g_value_set_object (value, self->lost_card);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_lost_card_panel_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VtrLostCardPanel *self = VTR_LOST_CARD_PANEL (object);

  switch (prop_id)
    {
    case PROP_LOST_CARD:
      vtr_lost_card_panel_set_lost_card (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_lost_card_panel_class_init (VtrLostCardPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_lost_card_panel_dispose;
  object_class->get_property = vtr_lost_card_panel_get_property;
  object_class->set_property = vtr_lost_card_panel_set_property;

  properties[PROP_LOST_CARD] =
    g_param_spec_object ("lost-card", NULL, NULL, VTR_TYPE_LOST_CARD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTR_TYPE_KEYBOARD);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-lost-card-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, box);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, instructions_label);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, message_label);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, find_box);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, query_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, matches_list);
  gtk_widget_class_bind_template_child (widget_class, VtrLostCardPanel, confirm_box);

  gtk_widget_class_install_action (widget_class, "lost-card.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "lost-card.choose", "s", choose_action);
  gtk_widget_class_install_action (widget_class, "lost-card.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "lost-card.cancel", NULL, cancel_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lostcardpanel");
}

static void
vtr_lost_card_panel_init (VtrLostCardPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (self->query_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_set_enter_label (self->keyboard, _("Find"));
  g_signal_connect_swapped (self->query_entry, "activate", G_CALLBACK (on_entry_activate), self);

  self->bindings = g_binding_group_new ();
  g_binding_group_bind (self->bindings, "instructions", self->instructions_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "message", self->message_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "busy", self->spinner, "spinning", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "busy", self->spinner, "visible", G_BINDING_SYNC_CREATE);

  self->signals = g_signal_group_new (VTR_TYPE_LOST_CARD);
  g_signal_group_connect_swapped (self->signals, "notify::step", G_CALLBACK (on_step_changed), self);
  g_signal_group_connect_swapped (self->signals, "notify::matches", G_CALLBACK (show_matches), self);
}

GtkWidget *
vtr_lost_card_panel_new (void)
{
  return g_object_new (VTR_TYPE_LOST_CARD_PANEL, NULL);
}

#include "config.h"

#include "vtr-keyboard.h"

#include <glib/gi18n.h>

/*
 * The kiosk's on-screen keyboard: a kiosk has no keyboard, and a phone
 * number or a first name must still be typed with a finger. It types into
 * the entry that last had the focus, with that entry's layout: letters
 * (French, AZERTY, with the accents of French first names; capitals at the
 * start of each name) or digits. A physical keyboard works as well: the
 * entries stay ordinary entries, and the keys never take the focus.
 */

#define ERASE "⌫"
#define SPACE " "
#define ENTER "\n"

struct _VtrKeyboard
{
  GtkWidget    parent_instance;

  GtkStack    *layouts;
  GtkEditable *target;
  char        *enter_label;
  GPtrArray   *enter_keys;  /* one per layout, hidden without a label */
};

enum {
  PROP_0,
  PROP_ENTER_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VtrKeyboard, vtr_keyboard, GTK_TYPE_WIDGET)

static const char * const letter_rows[] = {
  "1 2 3 4 5 6 7 8 9 0",
  "A Z E R T Y U I O P",
  "Q S D F G H J K L M",
  "W X C V B N - '",
  "É È Ê Ë Ï Ô Ç",
};

static const char * const digit_rows[] = {
  "1 2 3",
  "4 5 6",
  "7 8 9",
  "+ 0",
};

/* A price, as a shop writes it: 2,49. */
static const char * const price_rows[] = {
  "1 2 3",
  "4 5 6",
  "7 8 9",
  ", 0",
};

/* What the administrator types: "43.29510, 5.37440", "/dev/video0",
 * "tcp:192.168.1.20:9100". */
static const char * const address_rows[] = {
  "1 2 3 4 5 6 7 8 9 0",
  "a z e r t y u i o p",
  "q s d f g h j k l m",
  "w x c v b n . , : /",
  "- _ = @",
};

static GQuark layout_quark;

/* Capital at the start of the text and of each part of a name. */
static gboolean
starts_word (const char *text)
{
  gsize len = strlen (text);

  return len == 0 || strchr (" -'", text[len - 1]) != NULL;
}

/**
 * vtr_keyboard_press:
 * @key: a key's text, "⌫" to erase or " " for a space
 *
 * Types @key into the target entry, as a touch on that key would.
 */
void
vtr_keyboard_press (VtrKeyboard *self,
                    const char  *key)
{
  const char *text;
  g_autofree char *typed = NULL;
  g_autofree char *next = NULL;

  g_return_if_fail (VTR_IS_KEYBOARD (self));

  if (self->target == NULL)
    return;
  text = gtk_editable_get_text (self->target);
  if (g_str_equal (key, ENTER))
    {
      /* What Enter does on a keyboard: a search entry searches. A
       * search entry's "activate" is not its widget activation. */
      if (!gtk_widget_activate (GTK_WIDGET (self->target)) &&
          g_signal_lookup ("activate", G_OBJECT_TYPE (self->target)) != 0)
        g_signal_emit_by_name (self->target, "activate");
      return;
    }
  if (GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (self->target), layout_quark)) == VTR_KEYBOARD_ADDRESS &&
      !g_str_equal (key, ERASE))
    {
      /* An address is typed as it is: no capitals, spaces kept. */
      next = g_strconcat (text, key, NULL);
    }
  else if (g_str_equal (key, ERASE))
    {
      const char *end = text + strlen (text);

      if (end > text)
        next = g_strndup (text, g_utf8_find_prev_char (text, end) - text);
    }
  else
    {
      if (g_str_equal (key, SPACE) && starts_word (text))
        return;
      typed = starts_word (text) ? g_utf8_strup (key, -1) : g_utf8_strdown (key, -1);
      next = g_strconcat (text, typed, NULL);
    }
  if (next == NULL)
    return;
  gtk_editable_set_text (self->target, next);
  gtk_editable_set_position (self->target, -1);
}

static void
on_key_clicked (GtkButton *button,
                gpointer   data)
{
  vtr_keyboard_press (data, g_object_get_data (G_OBJECT (button), "key"));
}

static GtkWidget *
key_button (VtrKeyboard *self,
            const char  *key,
            const char  *label,
            const char  *accessible)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_object_set_data_full (G_OBJECT (button), "key", g_strdup (key), g_free);
  gtk_widget_add_css_class (button, "keyboard-key");
  /* The focus stays in the entry being typed into. */
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  if (accessible)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
  return button;
}

static GtkWidget *
build_layout (VtrKeyboard        *self,
              const char * const *rows,
              guint               n_rows,
              gboolean            letters)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  for (guint r = 0; r < n_rows; r++)
    {
      g_auto(GStrv) keys = g_strsplit (rows[r], " ", -1);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
      for (guint k = 0; keys[k]; k++)
        gtk_box_append (GTK_BOX (row), key_button (self, keys[k], keys[k], NULL));
      /* The wide keys on a row of their own under the letters: beside
       * them, the row would be wider than a portrait screen in large
       * text. The digits' last row has room for Erase. */
      if (r == n_rows - 1)
        {
          GtkWidget *erase = key_button (self, ERASE, ERASE, _("Erase"));

          gtk_widget_add_css_class (erase, "keyboard-wide");
          if (letters)
            {
              GtkWidget *space = key_button (self, SPACE, _("Space"), NULL);
              GtkWidget *enter = key_button (self, ENTER, "", NULL);

              gtk_box_append (GTK_BOX (box), row);
              row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
              gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
              gtk_widget_add_css_class (space, "keyboard-wide");
              gtk_box_append (GTK_BOX (row), space);
              gtk_box_append (GTK_BOX (row), erase);
              gtk_widget_add_css_class (enter, "keyboard-wide");
              gtk_widget_add_css_class (enter, "suggested-action");
              gtk_widget_set_visible (enter, FALSE);
              g_ptr_array_add (self->enter_keys, enter);
              gtk_box_append (GTK_BOX (row), enter);
            }
          else
            gtk_box_append (GTK_BOX (row), erase);
        }
      gtk_box_append (GTK_BOX (box), row);
    }
  return box;
}

/**
 * vtr_keyboard_target:
 *
 * Types into @entry from now on, with the layout it was attached with.
 */
void
vtr_keyboard_target (VtrKeyboard *self,
                     GtkEditable *entry)
{
  VtrKeyboardLayout layout;

  g_return_if_fail (VTR_IS_KEYBOARD (self));

  g_set_weak_pointer (&self->target, entry);
  if (entry == NULL)
    return;
  layout = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (entry), layout_quark));
  gtk_stack_set_visible_child_name (self->layouts, layout == VTR_KEYBOARD_DIGITS    ? "digits"
                                                 : layout == VTR_KEYBOARD_ADDRESS ? "address"
                                                 : layout == VTR_KEYBOARD_PRICE   ? "price"
                                                                                   : "letters");
}

static void
on_entry_focus (GtkEventControllerFocus *focus,
                gpointer                 data)
{
  GtkWidget *entry = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus));

  vtr_keyboard_target (data, GTK_EDITABLE (entry));
}

/**
 * vtr_keyboard_attach:
 *
 * The keyboard types into @entry, with @layout, whenever it has the focus.
 */
void
vtr_keyboard_attach (VtrKeyboard       *self,
                     GtkEditable       *entry,
                     VtrKeyboardLayout  layout)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_return_if_fail (VTR_IS_KEYBOARD (self));

  g_object_set_qdata (G_OBJECT (entry), layout_quark, GINT_TO_POINTER (layout));
  g_signal_connect_object (focus, "enter", G_CALLBACK (on_entry_focus), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (entry), focus);
  if (self->target == NULL)
    vtr_keyboard_target (self, entry);
}

/**
 * vtr_keyboard_set_enter_label:
 * @label: (nullable): what Enter does, in words ("Search"); %NULL for no
 *   Enter key
 *
 * Adds a key that activates the entry, as Enter on a keyboard does.
 */
void
vtr_keyboard_set_enter_label (VtrKeyboard *self,
                              const char  *label)
{
  g_return_if_fail (VTR_IS_KEYBOARD (self));

  if (g_strcmp0 (self->enter_label, label) == 0)
    return;
  g_free (self->enter_label);
  self->enter_label = g_strdup (label);
  for (guint i = 0; i < self->enter_keys->len; i++)
    {
      GtkWidget *enter = g_ptr_array_index (self->enter_keys, i);

      gtk_button_set_label (GTK_BUTTON (enter), label ? label : "");
      gtk_widget_set_visible (enter, label != NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTER_LABEL]);
}

static void
vtr_keyboard_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VtrKeyboard *self = VTR_KEYBOARD (object);

  switch (prop_id)
    {
    case PROP_ENTER_LABEL:
      g_value_set_string (value, self->enter_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_keyboard_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_ENTER_LABEL:
      vtr_keyboard_set_enter_label (VTR_KEYBOARD (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_keyboard_finalize (GObject *object)
{
  VtrKeyboard *self = VTR_KEYBOARD (object);

  g_free (self->enter_label);
  g_ptr_array_unref (self->enter_keys);
  G_OBJECT_CLASS (vtr_keyboard_parent_class)->finalize (object);
}

static void
vtr_keyboard_dispose (GObject *object)
{
  VtrKeyboard *self = VTR_KEYBOARD (object);
  GtkWidget *child;

  g_clear_weak_pointer (&self->target);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (vtr_keyboard_parent_class)->dispose (object);
}

static void
vtr_keyboard_class_init (VtrKeyboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_keyboard_dispose;
  object_class->finalize = vtr_keyboard_finalize;
  object_class->get_property = vtr_keyboard_get_property;
  object_class->set_property = vtr_keyboard_set_property;

  properties[PROP_ENTER_LABEL] =
    g_param_spec_string ("enter-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keyboard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  layout_quark = g_quark_from_static_string ("vtr-keyboard-layout");
}

static void
vtr_keyboard_init (VtrKeyboard *self)
{
  self->enter_keys = g_ptr_array_new ();
  self->layouts = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->layouts, build_layout (self, letter_rows, G_N_ELEMENTS (letter_rows), TRUE),
                       "letters");
  gtk_stack_add_named (self->layouts, build_layout (self, digit_rows, G_N_ELEMENTS (digit_rows), FALSE),
                       "digits");
  gtk_stack_add_named (self->layouts, build_layout (self, address_rows, G_N_ELEMENTS (address_rows), TRUE),
                       "address");
  gtk_stack_add_named (self->layouts, build_layout (self, price_rows, G_N_ELEMENTS (price_rows), FALSE),
                       "price");
  gtk_widget_set_parent (GTK_WIDGET (self->layouts), GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("On-screen keyboard"), -1);
}

GtkWidget *
vtr_keyboard_new (void)
{
  return g_object_new (VTR_TYPE_KEYBOARD, NULL);
}

#include "config.h"

#include "vtr-window-private.h"

#include <glib/gi18n.h>

#include "vtr-camera.h"
#include "vtr-decoder.h"
#include "vtr-catalog.h"
#include "vtr-describe.h"
#include "vtr-flashcode.h"
#include "vtr-frame-light.h"
#include "vtr-frame-reader.h"
#include "vtr-gtin.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-order-page.h"
#include "vtr-orders.h"
#include "vtr-print-queue.h"
#include "vtr-printer.h"
#include "vtr-qr-image.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-sound.h"
#include "vtr-sync-service.h"
#include "vtr-trust.h"

/*
 * The administrator's page and the kiosk's settings, kept in GSettings:
 * where it stands, its camera, its ticket printer (and the waiting
 * tickets tried again), the language shoppers see first, the tone.
 */

/* Administration, behind the administrator's PIN: leave kiosk mode, sync
 * now, a test ticket, the language. */

void
vtr_window_show_admin (VtrWindow *self)
{
  vtr_window_counter_clear (self);
  self->admin_pin = TRUE;
  gtk_label_set_text (self->counter_message, "");
  gtk_label_set_text (self->card_label, "");
  vtr_window_update_counter (self);
  vtr_window_show_page (self, "counter");
  gtk_widget_child_focus (gtk_stack_get_child_by_name (self->pages, "counter"), GTK_DIR_TAB_FORWARD);
}

static void
update_admin (VtrWindow *self)
{
  g_autofree char *pending = g_strdup_printf (ngettext ("%lld event waiting to be sent",
                                                        "%lld events waiting to be sent",
                                                        vtr_sync_service_get_pending (self->sync)),
                                              (long long) vtr_sync_service_get_pending (self->sync));
  const char *error = vtr_sync_service_get_last_error (self->sync);
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s", gtk_label_get_text (self->freshness), pending);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->admin_sync_row), _("Federation"));
  if (!vtr_window_is_paired (self))
    {
      g_free (subtitle);
      subtitle = g_strdup (_("Not paired yet: press “Pair with the federation”, then show the "
                             "federation’s pairing code to the camera."));
    }
  if (self->store_notices)
    {
      g_autofree char *notices = g_markup_escape_text (self->store_notices, -1);
      char *with_notices = g_strdup_printf ("%s\n%s", subtitle, notices);

      g_free (subtitle);
      subtitle = with_notices;
    }
  adw_action_row_set_subtitle (self->admin_sync_row, error ? error : subtitle);
  gtk_widget_set_visible (self->pair_button, !vtr_window_is_paired (self));
}


void
vtr_window_open_admin_page (VtrWindow *self)
{
  update_admin (self);
  vtr_window_load_settings (self);
  vtr_window_update_printer_status (self);
  vtr_window_show_page (self, "admin");
}

/* Out of kiosk mode: the window can be closed, and is. */
void
vtr_window_leave_kiosk (VtrWindow *self)
{
  self->kiosk = FALSE;
  adw_header_bar_set_show_end_title_buttons (self->header, TRUE);
  gtk_window_unfullscreen (GTK_WINDOW (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_leave_kiosk (GtkButton *button,
                gpointer   data)
{
  vtr_window_leave_kiosk (data);
}

static void
on_allow_pairing (GtkButton *button,
                  gpointer   data)
{
  vtr_window_allow_pairing (data);
}

static void
on_sync_now (GtkButton *button,
             gpointer   data)
{
  VtrWindow *self = data;

  vtr_sync_service_sync_now (self->sync);
  vtr_window_toast (self, _("Syncing with the federation…"));
}

/* The kiosk's settings, on the admin page, kept in GSettings. */

void
vtr_window_play_tone (VtrWindow *self,
                      VtrTone    tone)
{
  if (self->settings == NULL || g_settings_get_boolean (self->settings, "sound"))
    vtr_sound_play (self->sound, tone);
}

guint
vtr_window_count_tones (VtrWindow *self)
{
  return vtr_sound_count_played (self->sound);
}

static char *
describe_position (const VtrPosition *here)
{
  return g_strdup_printf ("%.5f, %.5f", here->lat, here->lon);
}

/**
 * vtr_window_set_position:
 * @text: "latitude, longitude" in decimal degrees, as a map gives them
 *
 * Where the kiosk stands, to sort shops by distance; kept for next time.
 */
gboolean
vtr_window_set_position (VtrWindow   *self,
                         const char  *text,
                         GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",; ", -1);
  double value[2];
  guint n = 0;

  for (guint i = 0; parts[i] && n <= 2; i++)
    {
      char *end;

      if (*parts[i] == '\0')
        continue;
      if (n == 2)
        {
          n = 3;
          break;
        }
      value[n] = g_ascii_strtod (parts[i], &end);
      if (*end != '\0')
        break;
      n++;
    }
  if (n != 2 || value[0] < -90 || value[0] > 90 || value[1] < -180 || value[1] > 180)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Write the position as latitude, longitude in degrees, such as 43.2951, 5.3744"));
      return FALSE;
    }
  self->here = (VtrPosition) { value[0], value[1] };
  vtr_order_page_set_catalog (self->order_page, self->catalog, &self->here);
  if (self->settings)
    {
      g_settings_set_double (self->settings, "kiosk-latitude", value[0]);
      g_settings_set_double (self->settings, "kiosk-longitude", value[1]);
    }
  return TRUE;
}

static void
on_position_apply (AdwEntryRow *row,
                   gpointer     data)
{
  VtrWindow *self = data;
  g_autoptr(GError) error = NULL;

  if (!vtr_window_set_position (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    vtr_window_toast (self, error->message);
  else
    {
      g_autofree char *text = describe_position (&self->here);

      gtk_editable_set_text (GTK_EDITABLE (row), text);
      vtr_window_toast (self, _("Position saved: shops are sorted from here"));
    }
}

/**
 * vtr_window_set_camera:
 * @source: a webcam's source description, an image or video file, a
 *   folder of images; empty or %NULL for the default webcam
 *
 * The camera the kiosk scans with, opened now and kept for next time.
 */
void
vtr_window_set_camera (VtrWindow  *self,
                       const char *source)
{
  g_autofree char *chosen = NULL;

  if (self->settings)
    g_settings_set_string (self->settings, "camera-source", source ? source : "");
  chosen = vtr_camera_choose_source (source && *source ? source : NULL);
  vtr_window_open_camera (self, chosen);
}

static void
on_camera_selected (AdwComboRow *row,
                    GParamSpec  *pspec,
                    gpointer     data)
{
  VtrWindow *self = data;
  guint selected = adw_combo_row_get_selected (row);
  VtrCameraDevice *device;

  /* 0: as set below ("Other source"); then the webcams found. */
  if (self->camera_devices == NULL || selected == 0 || selected > self->camera_devices->len)
    return;
  device = g_ptr_array_index (self->camera_devices, selected - 1);
  gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), device->source);
  vtr_window_set_camera (self, device->source);
  vtr_window_toast (self, device->name);
}

static void
on_camera_apply (AdwEntryRow *row,
                 gpointer     data)
{
  VtrWindow *self = data;

  vtr_window_set_camera (self, gtk_editable_get_text (GTK_EDITABLE (row)));
  vtr_window_toast (self, _("Camera changed"));
}

/**
 * vtr_window_set_printer:
 * @target: "tcp:HOST:PORT", "dev:/dev/usb/lp0", "cups:NAME", "pdf:FILE";
 *   empty for no printer
 *
 * Where tickets print, kept for next time.
 */
gboolean
vtr_window_set_printer (VtrWindow   *self,
                        const char  *target,
                        GError     **error)
{
  if (target && *target)
    {
      g_autoptr(VtrPrintTarget) parsed = vtr_print_target_parse (target, error);

      if (parsed == NULL)
        return FALSE;
    }
  if (self->settings == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("The kiosk’s settings are not installed"));
      return FALSE;
    }
  g_settings_set_string (self->settings, "printer", target ? target : "");
  vtr_window_update_printer_status (self);
  return TRUE;
}

static void
on_printer_apply (AdwEntryRow *row,
                  gpointer     data)
{
  VtrWindow *self = data;
  g_autoptr(GError) error = NULL;

  if (!vtr_window_set_printer (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    vtr_window_toast (self, error->message);
  else
    vtr_window_toast (self, _("Ticket printer saved"));
}

static void
on_sound_toggled (GtkSwitch  *sound,
                  GParamSpec *pspec,
                  gpointer    data)
{
  VtrWindow *self = data;

  if (self->settings)
    g_settings_set_boolean (self->settings, "sound", gtk_switch_get_active (sound));
}

/* A combo row of what was found, after "the one set below" (the entry
 * row under it); @items' structs have their name at @name_offset. */
static void
offer_choices (VtrWindow   *self,
               AdwComboRow *row,
               GPtrArray   *items,
               goffset      name_offset,
               gpointer     handler)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _("The one set below"));
  for (guint i = 0; items && i < items->len; i++)
    gtk_string_list_append (names, G_STRUCT_MEMBER (const char *, g_ptr_array_index (items, i), name_offset));
  g_signal_handlers_block_by_func (row, handler, self);
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (row, 0);
  g_signal_handlers_unblock_by_func (row, handler, self);
}

static void
on_printer_selected (AdwComboRow *row,
                     GParamSpec  *pspec,
                     gpointer     data)
{
  VtrWindow *self = data;
  guint selected = adw_combo_row_get_selected (row);
  VtrPrinterChoice *choice;
  g_autoptr(GError) error = NULL;

  if (self->printer_choices == NULL || selected == 0 || selected > self->printer_choices->len)
    return;
  choice = g_ptr_array_index (self->printer_choices, selected - 1);
  gtk_editable_set_text (GTK_EDITABLE (self->printer_row), choice->target);
  if (!vtr_window_set_printer (self, choice->target, &error))
    vtr_window_toast (self, error->message);
  else
    vtr_window_toast (self, choice->name);
}

/**
 * vtr_window_choose_printer:
 * @index: among the printers found, from 0
 *
 * As choosing the printer in the admin page's list.
 *
 * Returns: how many printers were found
 */
guint
vtr_window_choose_printer (VtrWindow *self,
                           guint      index)
{
  vtr_window_load_settings (self);
  if (self->printer_choices && index < self->printer_choices->len)
    adw_combo_row_set_selected (self->printer_choice_row, index + 1);
  return self->printer_choices ? self->printer_choices->len : 0;
}

static void on_language_selected (AdwComboRow *row,
                                  GParamSpec  *pspec,
                                  gpointer     data);

/* The admin page shows what is set now. */
void
vtr_window_load_settings (VtrWindow *self)
{
  g_autofree char *position = describe_position (&self->here);
  g_autofree char *printer = vtr_print_default_target ();
  g_autofree char *camera = self->settings ? g_settings_get_string (self->settings, "camera-source") : NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->position_row), position);
  gtk_editable_set_text (GTK_EDITABLE (self->printer_row), printer ? printer : "");
  gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), camera ? camera : "");
  g_clear_pointer (&self->camera_devices, g_ptr_array_unref);
  self->camera_devices = vtr_camera_list_devices ();
  offer_choices (self, self->camera_row, self->camera_devices, G_STRUCT_OFFSET (VtrCameraDevice, name),
                 on_camera_selected);
  g_clear_pointer (&self->printer_choices, g_ptr_array_unref);
  self->printer_choices = vtr_printer_list_detected ();
  offer_choices (self, self->printer_choice_row, self->printer_choices, G_STRUCT_OFFSET (VtrPrinterChoice, name),
                 on_printer_selected);
  g_signal_handlers_block_by_func (self->sound_switch, on_sound_toggled, self);
  gtk_switch_set_active (self->sound_switch, self->settings == NULL ||
                                             g_settings_get_boolean (self->settings, "sound"));
  g_signal_handlers_unblock_by_func (self->sound_switch, on_sound_toggled, self);
  g_signal_handlers_block_by_func (self->language_row, on_language_selected, self);
  adw_combo_row_set_selected (self->language_row, g_str_equal (self->language, "en") ? 1 : 0);
  g_signal_handlers_unblock_by_func (self->language_row, on_language_selected, self);
}

/* Languages. French first; English for visitors, until the kiosk goes
 * back to the start. The screens are built again in the new language. */

char *
vtr_window_default_language (VtrWindow *self)
{
  g_autofree char *language = self->settings ? g_settings_get_string (self->settings, "language") : NULL;

  return g_strdup (language && *language ? language : "fr");
}

void
vtr_window_update_language_button (VtrWindow *self)
{
  g_free (self->language);
  self->language = vtr_i18n_get_language ();
  /* Each language named in itself. */
  gtk_button_set_label (self->language_button, g_str_equal (self->language, "fr") ? "English" : "Français");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_str_equal (self->language, "fr") ? "English" : "Français", -1);
}

/**
 * vtr_window_switch_language:
 * @language: "fr" or "en"
 *
 * Builds the kiosk again in @language, on the scan screen: the window
 * that replaces this one (which is destroyed).
 *
 * Returns: (transfer none): the new window
 */
VtrWindow *
vtr_window_switch_language (VtrWindow  *self,
                            const char *language)
{
  VtrWindow *next;

  vtr_i18n_set_language (language);
  next = vtr_window_new (gtk_window_get_application (GTK_WINDOW (self)), self->data_dir, self->camera_option,
                         self->kiosk);
  next->idle_seconds = self->idle_seconds;
  gtk_window_present (GTK_WINDOW (next));
  vtr_window_stop (self);
  gtk_window_destroy (GTK_WINDOW (self));
  return next;
}

/* French ⇄ English, from the header's button. */
void
vtr_window_toggle_language (VtrWindow *self)
{
  vtr_window_switch_language (self, g_str_equal (self->language, "fr") ? "en" : "fr");
}

static void
on_language_selected (AdwComboRow *row,
                      GParamSpec  *pspec,
                      gpointer     data)
{
  VtrWindow *self = data;
  const char *language = adw_combo_row_get_selected (row) == 1 ? "en" : "fr";

  if (self->settings)
    g_settings_set_string (self->settings, "language", language);
  if (!g_str_equal (language, self->language))
    vtr_window_switch_language (self, language);
}

static GtkWidget *
entry_row (const char *title,
           GCallback   apply,
           gpointer    data)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", apply, data);
  return row;
}

static GtkWidget *
build_settings_group (VtrWindow *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GtkStringList) languages = gtk_string_list_new ((const char * const[]) { "Français", "English", NULL });
  GtkWidget *sound_row = adw_action_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("This kiosk"));
  self->position_row = ADW_ENTRY_ROW (entry_row (_("Where it stands (latitude, longitude)"),
                                                 G_CALLBACK (on_position_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->position_row));

  self->camera_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->camera_row), _("Camera"));
  g_signal_connect (self->camera_row, "notify::selected", G_CALLBACK (on_camera_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->camera_row));
  self->camera_entry = ADW_ENTRY_ROW (entry_row (_("Other camera: a file, a folder of images or a GStreamer source"),
                                                 G_CALLBACK (on_camera_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->camera_entry));

  self->printer_choice_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->printer_choice_row), _("Printers found"));
  g_signal_connect (self->printer_choice_row, "notify::selected", G_CALLBACK (on_printer_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->printer_choice_row));
  self->printer_row = ADW_ENTRY_ROW (entry_row (_("Ticket printer (tcp:ADDRESS:9100, dev:/dev/usb/lp0, cups:NAME)"),
                                                G_CALLBACK (on_printer_apply), self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->printer_row));
  self->printer_status_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->printer_status_row), _("Ticket printer"));
  adw_action_row_set_subtitle_lines (self->printer_status_row, 0);
  {
    GtkWidget *test = gtk_button_new_with_label (_("Print a test ticket"));

    gtk_widget_set_valign (test, GTK_ALIGN_CENTER);
    g_signal_connect_swapped (test, "clicked", G_CALLBACK (vtr_window_print_test_ticket), self);
    adw_action_row_add_suffix (self->printer_status_row, test);
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->printer_status_row));

  self->language_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->language_row), _("Language shoppers see first"));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (languages));
  g_signal_connect (self->language_row, "notify::selected", G_CALLBACK (on_language_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->language_row));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (sound_row), _("A tone when a code is read"));
  self->sound_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->sound_switch), GTK_ALIGN_CENTER);
  g_signal_connect (self->sound_switch, "notify::active", G_CALLBACK (on_sound_toggled), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (sound_row), GTK_WIDGET (self->sound_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (sound_row), GTK_WIDGET (self->sound_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), sound_row);
  return group;
}

GtkWidget *
vtr_window_build_admin_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *title = gtk_label_new (_("Administration"));
  struct { const char *label; GCallback callback; gboolean destructive; } actions[] = {
    { N_("Sync now"), G_CALLBACK (on_sync_now), FALSE },
    { N_("Leave kiosk mode"), G_CALLBACK (on_leave_kiosk), TRUE },
  };

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (box), title);
  self->admin_sync_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_action_row_set_subtitle_lines (self->admin_sync_row, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->admin_sync_row));
  gtk_box_append (GTK_BOX (box), group);
  self->pair_button = gtk_button_new_with_label (_("Pair with the federation"));
  gtk_widget_add_css_class (self->pair_button, "pill");
  gtk_widget_add_css_class (self->pair_button, "suggested-action");
  gtk_widget_add_css_class (self->pair_button, "pair-button");
  g_signal_connect (self->pair_button, "clicked", G_CALLBACK (on_allow_pairing), self);
  gtk_box_append (GTK_BOX (box), self->pair_button);
  gtk_box_append (GTK_BOX (box), build_settings_group (self));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (_(actions[i].label));

      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "kiosk-button");
      if (actions[i].destructive)
        gtk_widget_add_css_class (button, "destructive-action");
      g_signal_connect (button, "clicked", actions[i].callback, self);
      gtk_box_append (GTK_BOX (box), button);
    }
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 700);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}


#include "config.h"

#include "vtr-admin-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-camera.h"
#include "vtr-catalog-service.h"
#include "vtr-describe.h"
#include "vtr-map.h"
#include "vtr-printer.h"
#include "vtr-code-stock.h"
#include "vtr-release.h"
#include "vtr-sync-state.h"

/*
 * The administrator's screen, behind their PIN: how fresh the data is
 * and what waits to be sent, what the store repaired at start, pairing
 * (again, for a kiosk already paired), and the kiosk's settings kept in
 * GSettings: where it stands, its camera, its ticket printer, the
 * language shoppers see first, the tone. Nothing of a shop's customers
 * (names, phones, orders) is on it.
 *
 * Its own actions:
 *
 *   admin.sync-now     sync with the federation now
 *   admin.print-test   a test ticket on the printer set
 *
 * and it asks the window for win.allow-pairing, win.leave-kiosk and
 * win.toast. Cameras, printers and the printer's state are looked for on
 * worker threads each time the screen is shown.
 */

struct _VtrAdminScreen
{
  GtkWidget          parent_instance;

  /* Borrowed services, given at construction. */
  VtrStore          *store;
  VtrCatalogService *catalog;
  VtrSyncService    *sync;
  VtrPrintService   *printer;
  GSettings         *settings;     /* NULL without the installed schema */

  gboolean           sync_asked;   /* "Sync now" pressed, its outcome not told yet */

  double             latitude;
  double             longitude;
  gboolean           paired;       /* as the application knows it */
  GPtrArray         *cameras;      /* VtrCameraDevice, the camera row's choices after the first */
  GPtrArray         *printers;     /* VtrPrinterChoice, likewise */
  GCancellable      *cancellable;  /* what is looked for, until dispose */
  GCancellable      *shop_search;  /* the shops of the name typed */
  GCancellable      *stock_read;   /* the stocks counted last */
  gboolean           stocks_known;
  gint64             pickup_stock;
  gint64             card_stock;
  char              *stock_error;
  char              *old_version;  /* said when the federation has a newer release */
  guint              scroll_id;    /* the entry typed into, scrolled into view */

  /* Template widgets. */
  GtkWidget         *content;
  GtkWidget         *scrolled;
  AdwActionRow      *sync_row;
  AdwActionRow      *stock_row;
  GtkButton         *pair_button;
  GtkButton         *sync_button;
  VtrMap            *position_map;
  AdwEntryRow       *position_row;
  AdwEntryRow       *shop_row;
  GtkListBox        *shops;
  AdwComboRow       *camera_row;
  AdwEntryRow       *camera_entry;
  AdwComboRow       *printer_choice_row;
  AdwEntryRow       *printer_row;
  AdwActionRow      *printer_status_row;
  GtkRoot           *focus_root;   /* followed while mapped: on_focus_moved */
  gulong             focus_handler;
  AdwComboRow       *language_row;
  GtkSwitch         *sound_switch;
  GtkRevealer       *keyboard_revealer;
  VtrKeyboard       *keyboard;
};

G_DEFINE_FINAL_TYPE (VtrAdminScreen, vtr_admin_screen, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  PROP_SYNC,
  PROP_PRINTER,
  PROP_SETTINGS,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_PAIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (VtrAdminScreen *self,
       const char     *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

/* Whether the kiosk is paired, as the application knows it (it reads
 * the link once, and again when it pairs): the screen never reads the
 * journal for it on each status update. */
gboolean
vtr_admin_screen_get_paired (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), FALSE);

  return self->paired;
}

static void update_status (VtrAdminScreen *self);

void
vtr_admin_screen_set_paired (VtrAdminScreen *self,
                             gboolean        paired)
{
  g_return_if_fail (VTR_IS_ADMIN_SCREEN (self));

  paired = !!paired;
  if (self->paired == paired)
    return;
  self->paired = paired;
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAIRED]);
}

/* The stocks of signed codes the kiosk takes orders and enrols
 * customers with, refilled by sync (vtr-sync-stock.c); a warning when
 * one runs low while the hub cannot be reached. As last counted. */
static void
show_stock (VtrAdminScreen *self)
{
  const char *sync_error = self->sync ? vtr_sync_service_get_last_error (self->sync) : NULL;
  g_autofree char *text = NULL;

  if (self->stock_error)
    {
      adw_action_row_set_subtitle (self->stock_row, self->stock_error);
      return;
    }
  if (!self->stocks_known)
    return;
  text = g_strdup_printf (_("Order numbers: %lld · blank cards: %lld"), (long long) self->pickup_stock,
                          (long long) self->card_stock);
  if ((self->pickup_stock < VTR_CODE_STOCK_LOW || self->card_stock < VTR_CODE_STOCK_LOW) &&
      (!self->paired || sync_error))
    {
      g_autofree char *warning = g_strconcat (text, "\n", VTR_ADMIN_STOCK_WARNING, NULL);

      adw_action_row_set_subtitle (self->stock_row, warning);
      gtk_widget_add_css_class (GTK_WIDGET (self->stock_row), "warning");
      return;
    }
  adw_action_row_set_subtitle (self->stock_row, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->stock_row), "warning");
}

/* Counted on a worker thread with its own connection (issue 15). */
static void
count_stocks_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data, &error);
  gint64 *counts = g_new0 (gint64, 2);

  if (store == NULL || !vtr_code_stock_count (store, VTR_CODE_PICKUP, &counts[0], &error) ||
      !vtr_code_stock_count (store, VTR_CODE_CARD, &counts[1], &error))
    {
      g_free (counts);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, counts, g_free);
}

static void
stocks_counted (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *counts = g_task_propagate_pointer (G_TASK (result), &error);
  VtrAdminScreen *self;

  /* Another count since, or the screen gone: cancelled. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  g_clear_object (&self->stock_read);
  g_clear_pointer (&self->stock_error, g_free);
  if (counts == NULL)
    self->stock_error = g_strdup (error->message);
  else
    {
      self->stocks_known = TRUE;
      self->pickup_stock = counts[0];
      self->card_stock = counts[1];
    }
  show_stock (self);
}

static void
count_stocks (VtrAdminScreen *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;
  g_cancellable_cancel (self->stock_read);
  g_clear_object (&self->stock_read);
  self->stock_read = g_cancellable_new ();
  task = g_task_new (NULL, self->stock_read, stocks_counted, self);
  g_task_set_task_data (task, g_strdup (vtr_store_get_data_dir (self->store)), g_free);
  g_task_run_in_thread (task, count_stocks_in_thread);
}

/* The federation's current release as the last sync heard it (read off
 * the main thread, like the stocks): the row says when this kiosk runs
 * an older version. */
static void
read_release_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_autoptr(VtrStore) store = vtr_store_open (data, NULL);
  g_autofree char *release = store ? vtr_release_get_current (store, NULL) : NULL;

  g_task_return_pointer (task, vtr_release_describe (PACKAGE_VERSION, release), g_free);
}

static void
release_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_version = g_task_propagate_pointer (G_TASK (result), &error);
  VtrAdminScreen *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  if (g_strcmp0 (old_version, self->old_version) == 0)
    return;
  g_free (self->old_version);
  self->old_version = g_steal_pointer (&old_version);
  update_status (self);
}

static void
read_release (VtrAdminScreen *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;
  task = g_task_new (NULL, self->cancellable, release_read, self);
  g_task_set_task_data (task, g_strdup (vtr_store_get_data_dir (self->store)), g_free);
  g_task_run_in_thread (task, read_release_in_thread);
}

/* Whether the stocks of signed codes are being counted. */
gboolean
vtr_admin_screen_get_counting_stocks (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), FALSE);

  return self->stock_read != NULL;
}

/* The federation row: sync, pairing, what the store repaired. */
static void
update_status (VtrAdminScreen *self)
{
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *error = self->sync ? vtr_sync_service_get_last_error (self->sync) : NULL;
  gboolean paired = vtr_admin_screen_get_paired (self);

  if (!paired)
    g_string_assign (subtitle, _("Not paired yet: press “Pair with the federation”, then show the "
                                 "federation’s pairing code to the camera."));
  else if (self->sync)
    {
      g_autofree char *freshness = vtr_sync_service_describe_freshness (self->sync);
      gint64 pending = vtr_sync_service_get_pending (self->sync);

      g_string_append (subtitle, freshness);
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, ngettext ("%lld event waiting to be sent", "%lld events waiting to be sent",
                                                  pending),
                              (long long) pending);
    }
  if (self->old_version)
    g_string_append_printf (subtitle, "\n%s", self->old_version);
  if (self->store)
    {
      const char * const *notices = vtr_store_get_notices (self->store);

      /* The row shows text, not markup: file names and errors as they are. */
      for (guint i = 0; notices && notices[i]; i++)
        g_string_append_printf (subtitle, "\n%s", notices[i]);
    }
  adw_action_row_set_subtitle (self->sync_row, error ? error : subtitle->str);
  show_stock (self);
  count_stocks (self);
  read_release (self);
  /* A paired kiosk is paired again from here too (a new code from the
   * hub, after its device was revoked or replaced). */
  gtk_button_set_label (self->pair_button, paired ? _("Pair again with the federation")
                                                  : _("Pair with the federation"));
  /* Not paired, pairing is what the administrator came for: the blue
   * button under the status. Paired, pairing again is rare and replaces
   * the kiosk's link: a plain button among the others, lower down. */
  {
    GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->pair_button));
    GtkWidget *after = paired ? GTK_WIDGET (self->sync_button)
                              : gtk_widget_get_ancestor (GTK_WIDGET (self->stock_row), ADW_TYPE_PREFERENCES_GROUP);

    if (after && gtk_widget_get_parent (after) == box)
      gtk_box_reorder_child_after (GTK_BOX (box), GTK_WIDGET (self->pair_button), after);
    if (paired)
      {
        gtk_widget_remove_css_class (GTK_WIDGET (self->pair_button), "suggested-action");
        gtk_widget_add_css_class (GTK_WIDGET (self->pair_button), "kiosk-button");
      }
    else
      {
        gtk_widget_remove_css_class (GTK_WIDGET (self->pair_button), "kiosk-button");
        gtk_widget_add_css_class (GTK_WIDGET (self->pair_button), "suggested-action");
      }
  }
}

/* Where it stands. */

static void
show_position (VtrAdminScreen *self)
{
  g_autofree char *text = g_strdup_printf ("%.5f, %.5f", self->latitude, self->longitude);

  gtk_editable_set_text (GTK_EDITABLE (self->position_row), text);
  if (self->position_map == NULL)
    return;
  /* The map on the kiosk's own tiles, "you are here" where it stands. */
  if (self->store && vtr_map_get_tiles_path (self->position_map) == NULL)
    {
      g_autofree char *tiles = g_build_filename (vtr_store_get_data_dir (self->store), "tiles.mbtiles", NULL);

      vtr_map_set_tiles_path (self->position_map, tiles);
    }
  vtr_map_set_here (self->position_map, self->latitude, self->longitude);
}

double
vtr_admin_screen_get_latitude (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), 0);
  return self->latitude;
}

void
vtr_admin_screen_set_latitude (VtrAdminScreen *self,
                               double          latitude)
{
  g_return_if_fail (VTR_IS_ADMIN_SCREEN (self));

  latitude = CLAMP (latitude, -90, 90);
  if (self->latitude == latitude)
    return;
  self->latitude = latitude;
  show_position (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
}

double
vtr_admin_screen_get_longitude (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), 0);
  return self->longitude;
}

void
vtr_admin_screen_set_longitude (VtrAdminScreen *self,
                                double          longitude)
{
  g_return_if_fail (VTR_IS_ADMIN_SCREEN (self));

  longitude = CLAMP (longitude, -180, 180);
  if (self->longitude == longitude)
    return;
  self->longitude = longitude;
  show_position (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
}

/**
 * vtr_admin_screen_set_position:
 * @text: "latitude, longitude" in decimal degrees, as a map gives them
 *
 * Where the kiosk stands, to sort shops by distance: the screen's
 * #VtrAdminScreen:latitude and #VtrAdminScreen:longitude, kept in the
 * settings.
 */
gboolean
vtr_admin_screen_set_position (VtrAdminScreen  *self,
                               const char      *text,
                               GError         **error)
{
  g_auto(GStrv) parts = NULL;
  double value[2];
  guint n = 0;

  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  parts = g_strsplit_set (text, ",; ", -1);
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
  g_object_freeze_notify (G_OBJECT (self));
  vtr_admin_screen_set_latitude (self, value[0]);
  vtr_admin_screen_set_longitude (self, value[1]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* A tap on the map: where the kiosk stands, saved as the typed position is. */
static void
on_map_picked (VtrAdminScreen *self,
               double          latitude,
               double          longitude,
               VtrMap         *map)
{
  g_object_freeze_notify (G_OBJECT (self));
  vtr_admin_screen_set_latitude (self, latitude);
  vtr_admin_screen_set_longitude (self, longitude);
  g_object_thaw_notify (G_OBJECT (self));
  toast (self, _("Position saved: shops are sorted from here"));
}

static void
on_position_apply (VtrAdminScreen *self,
                   AdwEntryRow    *row)
{
  g_autoptr(GError) error = NULL;

  if (!vtr_admin_screen_set_position (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    toast (self, error->message);
  else
    {
      show_position (self);
      toast (self, _("Position saved: shops are sorted from here"));
    }
}

/* Or next to a shop: the administrator types its name rather than
 * degrees, and picks it among those found (looked for by the catalogue
 * service, on its thread; a spinner row shows meanwhile). */

static void
on_shop_chosen (GtkButton      *button,
                VtrAdminScreen *self)
{
  const VtrPosition *position = g_object_get_data (G_OBJECT (button), "position");

  g_object_freeze_notify (G_OBJECT (self));
  vtr_admin_screen_set_latitude (self, position->lat);
  vtr_admin_screen_set_longitude (self, position->lon);
  g_object_thaw_notify (G_OBJECT (self));
  toast (self, _("Position saved: shops are sorted from here"));
}

static void
remove_shop_rows (VtrAdminScreen *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->shops))))
    gtk_list_box_remove (self->shops, child);
}

static void
shops_found (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) results = vtr_catalog_service_search_finish (VTR_CATALOG_SERVICE (source), result,
                                                                           &error);
  GPtrArray *shops = results ? results->merchants : NULL;
  VtrAdminScreen *self;

  /* A newer search replaced it, or the screen went away: @data may be
   * gone, nothing is shown. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  g_clear_object (&self->shop_search);
  remove_shop_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->shops), shops && shops->len > 0);
  if (shops == NULL || shops->len == 0)
    {
      toast (self, error ? error->message : _("No shop of that name in the catalogue"));
      return;
    }
  for (guint i = 0; i < shops->len; i++)
    {
      VtrPlace *place = g_ptr_array_index (shops, i);
      const VtrMerchant *merchant = place->merchant;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("It stands here"));

      /* Names as they are ("Savon & Cie"), not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), merchant->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), merchant->address ? merchant->address : "");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "position", g_memdup2 (&merchant->position, sizeof merchant->position),
                              g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_shop_chosen), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->shops, row);
    }
}

/* Whether the shops of the name typed are being looked for. */
gboolean
vtr_admin_screen_get_searching_shops (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), FALSE);

  return self->shop_search != NULL;
}

static void
on_shop_apply (VtrAdminScreen *self,
               AdwEntryRow    *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  GtkWidget *waiting, *spinner;

  if (self->catalog == NULL || *text == '\0')
    return;
  /* The last name typed is the one looked for. */
  g_cancellable_cancel (self->shop_search);
  g_clear_object (&self->shop_search);
  self->shop_search = g_cancellable_new ();

  remove_shop_rows (self);
  waiting = adw_action_row_new ();
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (waiting), _("Looking for shops…"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (waiting), spinner);
  gtk_list_box_append (self->shops, waiting);
  gtk_widget_set_visible (GTK_WIDGET (self->shops), TRUE);

  vtr_catalog_service_search_async (self->catalog, text, NULL, self->shop_search, shops_found, self);
}

/* The camera: one the kiosk found, or any source written below. The
 * window opens the camera the setting names when it changes. */

static void
set_camera (VtrAdminScreen *self,
            const char     *text)
{
  /* @text may be the entry's own, which setting it again frees. */
  g_autofree char *source = g_strdup (text);

  gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), source ? source : "");
  if (self->settings)
    g_settings_set_string (self->settings, "camera-source", source ? source : "");
}

static void
on_camera_apply (VtrAdminScreen *self,
                 AdwEntryRow    *row)
{
  set_camera (self, gtk_editable_get_text (GTK_EDITABLE (row)));
  toast (self, _("Camera changed"));
}

static void
on_camera_selected (AdwComboRow    *row,
                    GParamSpec     *pspec,
                    VtrAdminScreen *self)
{
  guint selected = adw_combo_row_get_selected (row);
  VtrCameraDevice *device;

  /* 0: as set below; then the webcams found. */
  if (self->cameras == NULL || selected == 0 || selected > self->cameras->len)
    return;
  device = g_ptr_array_index (self->cameras, selected - 1);
  set_camera (self, device->source);
  toast (self, device->name);
}

/* The ticket printer. */

static void
status_answered (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *words = vtr_print_service_status_finish (VTR_PRINT_SERVICE (source), result, &error);
  VtrAdminScreen *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  adw_action_row_set_subtitle (self->printer_status_row, words ? words : error->message);
}

static void
ask_printer_status (VtrAdminScreen *self)
{
  if (self->printer == NULL)
    {
      adw_action_row_set_subtitle (self->printer_status_row,
                                   _("No ticket printer: orders show their code on the screen"));
      return;
    }
  adw_action_row_set_subtitle (self->printer_status_row, _("Asking the printer…"));
  vtr_print_service_status_async (self->printer, self->cancellable, status_answered, self);
}

/* The printer the kiosk's configuration sets (VITRINE_PRINTER, from
 * /etc/default/vitrine-kiosk on an installed kiosk, or ./run demo), or
 * NULL. It wins over the setting typed here, as the print service reads
 * it first: whoever installed the kiosk chose it for this machine, and
 * an administrator at the screen should not be able to send the tickets
 * elsewhere by mistake. So the screen says it is fixed, shows it, and
 * keeps the rows that would change it insensitive, rather than claim
 * that an address typed here is used. */
static const char *
configured_printer (void)
{
  const char *env = g_getenv ("VITRINE_PRINTER");

  return env && *env ? env : NULL;
}

static void
show_printer (VtrAdminScreen *self)
{
  const char *fixed = configured_printer ();
  g_autofree char *words = fixed ? g_strdup_printf (_("Printer set by the kiosk’s configuration: %s"), fixed) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->printer_row), fixed == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->printer_choice_row), fixed == NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->printer_choice_row), words ? words : "");
  if (fixed)
    gtk_editable_set_text (GTK_EDITABLE (self->printer_row), fixed);
}

/**
 * vtr_admin_screen_set_printer:
 * @target: "tcp:HOST:PORT", "dev:/dev/usb/lp0", "cups:NAME", "pdf:FILE";
 *   empty for no printer
 *
 * Where tickets print, kept in the settings.
 */
gboolean
vtr_admin_screen_set_printer (VtrAdminScreen  *self,
                              const char      *target,
                              GError         **error)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), FALSE);

  if (configured_printer ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Printer set by the kiosk’s configuration: %s. Change it there (VITRINE_PRINTER)."),
                   configured_printer ());
      show_printer (self);
      return FALSE;
    }
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
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->printer_row)), target ? target : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->printer_row), target ? target : "");
  ask_printer_status (self);
  return TRUE;
}

static void
on_printer_apply (VtrAdminScreen *self,
                  AdwEntryRow    *row)
{
  g_autoptr(GError) error = NULL;

  if (!vtr_admin_screen_set_printer (self, gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    toast (self, error->message);
  else
    toast (self, _("Ticket printer saved"));
}

static void
on_printer_selected (AdwComboRow    *row,
                     GParamSpec     *pspec,
                     VtrAdminScreen *self)
{
  guint selected = adw_combo_row_get_selected (row);
  VtrPrinterChoice *choice;
  g_autoptr(GError) error = NULL;

  if (self->printers == NULL || selected == 0 || selected > self->printers->len)
    return;
  choice = g_ptr_array_index (self->printers, selected - 1);
  if (!vtr_admin_screen_set_printer (self, choice->target, &error))
    toast (self, error->message);
  else
    toast (self, choice->name);
}

/* The first choice of @row: what the entry row under it says, in words
 * when it says nothing. */
static char *
typed_below (AdwComboRow *row,
             AdwEntryRow *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (text && *text)
    return g_strdup (_("The one typed below"));
  /* No camera named: the one the kiosk was started with; no printer
   * named: none. */
  return g_strdup (g_object_get_data (G_OBJECT (row), "vtr-typed-below-empty"));
}

/* The entry row changed: the first choice above it says so. */
static void
on_typed_below_changed (AdwEntryRow *entry,
                        GParamSpec  *pspec,
                        AdwComboRow *row)
{
  GListModel *names = adw_combo_row_get_model (row);
  g_autofree char *first = typed_below (row, entry);
  guint selected = adw_combo_row_get_selected (row);
  gpointer handler = g_object_get_data (G_OBJECT (row), "vtr-typed-below-handler");
  gpointer screen = g_object_get_data (G_OBJECT (row), "vtr-typed-below-screen");

  if (!GTK_IS_STRING_LIST (names) || g_list_model_get_n_items (names) == 0)
    return;
  /* Only the words change: nothing is chosen. */
  g_signal_handlers_block_by_func (row, handler, screen);
  gtk_string_list_splice (GTK_STRING_LIST (names), 0, 1, (const char * const[]) { first, NULL });
  adw_combo_row_set_selected (row, selected);
  g_signal_handlers_unblock_by_func (row, handler, screen);
}

static void
follow_typed_below (VtrAdminScreen *self,
                    AdwComboRow    *row,
                    AdwEntryRow    *entry,
                    const char     *empty,
                    gpointer        handler)
{
  g_object_set_data (G_OBJECT (row), "vtr-typed-below-empty", (gpointer) empty);
  g_object_set_data (G_OBJECT (row), "vtr-typed-below-handler", handler);
  g_object_set_data (G_OBJECT (row), "vtr-typed-below-screen", self);
  g_signal_connect_object (entry, "notify::text", G_CALLBACK (on_typed_below_changed), row, 0);
}

/* A combo row of what was found, after what the entry row under it says
 * (@entry); @items' structs have their name at @name_offset. */
static void
offer_choices (VtrAdminScreen *self,
               AdwComboRow    *row,
               AdwEntryRow    *entry,
               GPtrArray      *items,
               goffset         name_offset,
               gpointer        handler)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *first = typed_below (row, entry);

  gtk_string_list_append (names, first);
  for (guint i = 0; items && i < items->len; i++)
    gtk_string_list_append (names, G_STRUCT_MEMBER (const char *, g_ptr_array_index (items, i), name_offset));
  g_signal_handlers_block_by_func (row, handler, self);
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (row, 0);
  g_signal_handlers_unblock_by_func (row, handler, self);
}

static void
printers_found (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) printers = vtr_print_service_list_printers_finish (VTR_PRINT_SERVICE (source), result,
                                                                          &error);
  VtrAdminScreen *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  g_clear_pointer (&self->printers, g_ptr_array_unref);
  self->printers = g_steal_pointer (&printers);
  offer_choices (self, self->printer_choice_row, self->printer_row, self->printers, G_STRUCT_OFFSET (VtrPrinterChoice, name),
                 on_printer_selected);
}

static void
list_cameras_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_task_return_pointer (task, vtr_camera_list_devices (), (GDestroyNotify) g_ptr_array_unref);
}

static void
cameras_found (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cameras = g_task_propagate_pointer (G_TASK (result), &error);
  VtrAdminScreen *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = data;
  g_clear_pointer (&self->cameras, g_ptr_array_unref);
  self->cameras = g_steal_pointer (&cameras);
  offer_choices (self, self->camera_row, self->camera_entry, self->cameras, G_STRUCT_OFFSET (VtrCameraDevice, name),
                 on_camera_selected);
}

/**
 * vtr_admin_screen_refresh:
 *
 * Shows what is set now, and looks again for cameras, printers and the
 * printer's state (on worker threads). Done each time the screen is shown.
 */
void
vtr_admin_screen_refresh (VtrAdminScreen *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VTR_IS_ADMIN_SCREEN (self));

  update_status (self);
  show_position (self);
  if (self->settings)
    {
      g_autofree char *camera = g_settings_get_string (self->settings, "camera-source");
      g_autofree char *printer = g_settings_get_string (self->settings, "printer");

      gtk_editable_set_text (GTK_EDITABLE (self->camera_entry), camera);
      gtk_editable_set_text (GTK_EDITABLE (self->printer_row), printer);
    }
  show_printer (self);
  ask_printer_status (self);
  if (self->printer)
    vtr_print_service_list_printers_async (self->printer, self->cancellable, printers_found, self);
  task = g_task_new (NULL, self->cancellable, cameras_found, self);
  g_task_run_in_thread (task, list_cameras_in_thread);
}

/* Actions. */

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (widget);

  if (self->sync == NULL)
    return;
  vtr_sync_service_sync_now (self->sync);
  self->sync_asked = TRUE;
  toast (self, _("Syncing with the federation…"));
}

/* The outcome of "Sync now", told where the administrator looks: the
 * federation row saying it may be scrolled out of sight. */
static void
on_sync_state (VtrAdminScreen *self)
{
  VtrSyncState state = vtr_sync_service_get_state (self->sync);
  const char *error = vtr_sync_service_get_last_error (self->sync);

  if (!self->sync_asked || state == VTR_SYNC_STATE_SYNCING)
    return;
  self->sync_asked = FALSE;
  if (state == VTR_SYNC_STATE_IDLE)
    toast (self, _("Synced: the kiosk’s data is up to date"));
  else if (error)
    toast (self, error);
}

static void
test_ticket_printed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GError) error = NULL;
  gboolean printed = vtr_print_service_print_finish (VTR_PRINT_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  toast (data, printed ? _("Test ticket printed") : error->message);
}

static void
print_test_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (widget);
  VtrTicket *ticket;

  if (self->printer == NULL)
    {
      toast (self, _("No ticket printer here."));
      return;
    }
  ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "test", NULL);
  ticket->title = g_strdup (_("Test ticket"));
  vtr_ticket_add_line (ticket, _("Accents and euros: é è à ç ô — 12,50 €"), NULL, FALSE);
  ticket->footer = g_strdup ("Vitrine " PACKAGE_VERSION);
  vtr_print_service_print_async (self->printer, ticket, self->cancellable, test_ticket_printed, self);
}

/* Settings. */

static gboolean
language_to_row (GValue   *value,
                 GVariant *variant,
                 gpointer  data)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "en") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
row_to_language (const GValue       *value,
                 const GVariantType *type,
                 gpointer            data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "en" : "fr");
}

static void
bind_settings (VtrAdminScreen *self)
{
  if (self->settings == NULL)
    return;
  g_settings_bind (self->settings, "kiosk-latitude", self, "latitude", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "kiosk-longitude", self, "longitude", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sound", self->sound_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "language", self->language_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                language_to_row, row_to_language, NULL, NULL);
}

/* The on-screen keyboard comes up under the settings once an entry has
 * the focus, and types into it. */
static void show_entry_typed_into (VtrAdminScreen *self);

static gboolean
scroll_to_entry (gpointer data)
{
  VtrAdminScreen *self = data;

  self->scroll_id = 0;
  show_entry_typed_into (self);
  return G_SOURCE_REMOVE;
}

static void
on_view_resized (VtrAdminScreen *self)
{
  if (gtk_revealer_get_reveal_child (self->keyboard_revealer) && self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_to_entry, self);
}

static void
on_entry_focused (GtkEventControllerFocus *focus,
                  VtrAdminScreen          *self)
{
  /* Once up, the next entry touched is shown whole too, once the view
   * has followed the focus. */
  if (gtk_revealer_get_child_revealed (self->keyboard_revealer) && self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_to_entry, self);
  gtk_revealer_set_reveal_child (self->keyboard_revealer, TRUE);
}

/* The keyboard up takes half a small screen: the entry being typed into
 * is scrolled back into what is left. */
static void
show_entry_typed_into (VtrAdminScreen *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row;
  GtkAdjustment *scroll;
  graphene_point_t at;
  double height, page;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, self->scrolled))
    return;
  row = gtk_widget_get_ancestor (focus, ADW_TYPE_PREFERENCES_ROW);
  if (row == NULL)
    row = focus;
  if (!gtk_widget_compute_point (row, self->scrolled, &GRAPHENE_POINT_INIT (0, 0), &at))
    return;
  scroll = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
  height = gtk_widget_get_height (row);
  page = gtk_widget_get_height (self->scrolled);
  if (at.y < 0)
    gtk_adjustment_set_value (scroll, gtk_adjustment_get_value (scroll) + at.y);
  else if (at.y + height > page)
    gtk_adjustment_set_value (scroll, gtk_adjustment_get_value (scroll) + at.y + height - page);
}

/* The focus left the fields (a button tapped, Escape, Tab): the
 * keyboard goes down, and uncovers what was under it ("Sync now"). */
static void
on_focus_moved (GtkRoot        *root,
                GParamSpec     *pspec,
                VtrAdminScreen *self)
{
  GtkWidget *focus = gtk_root_get_focus (root);

  if (focus && GTK_IS_EDITABLE (focus) && gtk_widget_is_ancestor (focus, self->scrolled))
    return;
  gtk_revealer_set_reveal_child (self->keyboard_revealer, FALSE);
}

/* Escape in a field: what was typed and not applied is dropped, the
 * field shows what is set again and gives the focus up (the keyboard
 * goes down). The screen stays: leaving is Back's (the window's Escape
 * otherwise, and the PIN asked again). */
static gboolean
on_key_pressed (GtkEventControllerKey *keys,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VtrAdminScreen        *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row;

  if (keyval != GDK_KEY_Escape || focus == NULL || !GTK_IS_EDITABLE (focus) ||
      !gtk_widget_is_ancestor (focus, self->scrolled))
    return GDK_EVENT_PROPAGATE;
  row = gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW);
  if (row == GTK_WIDGET (self->position_row))
    show_position (self);
  else if (row == GTK_WIDGET (self->shop_row))
    gtk_editable_set_text (GTK_EDITABLE (self->shop_row), "");
  else if (self->settings && (row == GTK_WIDGET (self->camera_entry) || row == GTK_WIDGET (self->printer_row)))
    {
      g_autofree char *set = g_settings_get_string (self->settings, row == GTK_WIDGET (self->camera_entry)
                                                                      ? "camera-source" : "printer");

      gtk_editable_set_text (GTK_EDITABLE (row), set);
    }
  gtk_root_set_focus (root, NULL);
  return GDK_EVENT_STOP;
}

static void
attach_keyboard (VtrAdminScreen    *self,
                 AdwEntryRow       *entry,
                 VtrKeyboardLayout  layout)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  vtr_keyboard_attach (self->keyboard, GTK_EDITABLE (entry), layout);
  g_signal_connect_object (focus, "enter", G_CALLBACK (on_entry_focused), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (entry), focus);
}

VtrKeyboard *
vtr_admin_screen_get_keyboard (VtrAdminScreen *self)
{
  g_return_val_if_fail (VTR_IS_ADMIN_SCREEN (self), NULL);
  return self->keyboard;
}

static void
vtr_admin_screen_map (GtkWidget *widget)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (widget);

  GTK_WIDGET_CLASS (vtr_admin_screen_parent_class)->map (widget);
  g_set_weak_pointer (&self->focus_root, gtk_widget_get_root (widget));
  if (self->focus_root)
    self->focus_handler = g_signal_connect_object (self->focus_root, "notify::focus-widget",
                                                   G_CALLBACK (on_focus_moved), self, 0);
  vtr_admin_screen_refresh (self);
}

static void
vtr_admin_screen_unmap (GtkWidget *widget)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (widget);

  if (self->focus_root && self->focus_handler)
    g_signal_handler_disconnect (self->focus_root, self->focus_handler);
  self->focus_handler = 0;
  g_clear_weak_pointer (&self->focus_root);
  GTK_WIDGET_CLASS (vtr_admin_screen_parent_class)->unmap (widget);
}

static void
vtr_admin_screen_constructed (GObject *object)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (object);

  G_OBJECT_CLASS (vtr_admin_screen_parent_class)->constructed (object);
  if (self->sync)
    {
      g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (on_sync_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "notify::last-success", G_CALLBACK (update_status), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "notify::pending", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "notify::last-error", G_CALLBACK (update_status), self,
                               G_CONNECT_SWAPPED);
    }
  bind_settings (self);
  update_status (self);
  show_position (self);
}

static void
vtr_admin_screen_dispose (GObject *object)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->shop_search);
  g_clear_object (&self->shop_search);
  g_cancellable_cancel (self->stock_read);
  g_clear_object (&self->stock_read);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_ADMIN_SCREEN);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->sync);
  g_clear_object (&self->printer);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->cameras, g_ptr_array_unref);
  g_clear_pointer (&self->printers, g_ptr_array_unref);
  G_OBJECT_CLASS (vtr_admin_screen_parent_class)->dispose (object);
}

static void
vtr_admin_screen_finalize (GObject *object)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (object);

  g_clear_object (&self->cancellable);
  g_free (self->stock_error);
  g_free (self->old_version);
  G_OBJECT_CLASS (vtr_admin_screen_parent_class)->finalize (object);
}

static void
vtr_admin_screen_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    case PROP_PRINTER:
      g_value_set_object (value, self->printer);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_PAIRED:
      g_value_set_boolean (value, vtr_admin_screen_get_paired (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_admin_screen_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VtrAdminScreen *self = VTR_ADMIN_SCREEN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_SYNC:
      self->sync = g_value_dup_object (value);
      break;
    case PROP_PRINTER:
      self->printer = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_LATITUDE:
      vtr_admin_screen_set_latitude (self, g_value_get_double (value));
      break;
    case PROP_LONGITUDE:
      vtr_admin_screen_set_longitude (self, g_value_get_double (value));
      break;
    case PROP_PAIRED:
      vtr_admin_screen_set_paired (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_admin_screen_class_init (VtrAdminScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = vtr_admin_screen_constructed;
  object_class->dispose = vtr_admin_screen_dispose;
  object_class->finalize = vtr_admin_screen_finalize;
  object_class->get_property = vtr_admin_screen_get_property;
  object_class->set_property = vtr_admin_screen_set_property;
  widget_class->map = vtr_admin_screen_map;
  widget_class->unmap = vtr_admin_screen_unmap;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, VTR_TYPE_STORE, construct);
  properties[PROP_CATALOG] = g_param_spec_object ("catalog", NULL, NULL, VTR_TYPE_CATALOG_SERVICE, construct);
  properties[PROP_SYNC] = g_param_spec_object ("sync", NULL, NULL, VTR_TYPE_SYNC_SERVICE, construct);
  properties[PROP_PRINTER] = g_param_spec_object ("printer", NULL, NULL, VTR_TYPE_PRINT_SERVICE, construct);
  properties[PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, construct);
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -90, 90, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -180, 180, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAIRED] =
    g_param_spec_boolean ("paired", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTR_TYPE_KEYBOARD);
  g_type_ensure (VTR_TYPE_MAP);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-admin-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, content);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, scrolled);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, sync_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, stock_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, pair_button);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, sync_button);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, position_map);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, position_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, shop_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, shops);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, camera_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, camera_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, printer_choice_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, printer_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, printer_status_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, language_row);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, sound_switch);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, keyboard_revealer);
  gtk_widget_class_bind_template_child (widget_class, VtrAdminScreen, keyboard);
  gtk_widget_class_bind_template_callback (widget_class, on_position_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_map_picked);
  gtk_widget_class_bind_template_callback (widget_class, on_shop_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_camera_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_printer_apply);

  gtk_widget_class_install_action (widget_class, "admin.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "admin.print-test", NULL, print_test_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "adminscreen");
}

static void
vtr_admin_screen_init (VtrAdminScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->camera_row, "notify::selected", G_CALLBACK (on_camera_selected), self);
  g_signal_connect (self->printer_choice_row, "notify::selected", G_CALLBACK (on_printer_selected), self);
  follow_typed_below (self, self->camera_row, self->camera_entry, _("The usual one"),
                      on_camera_selected);
  follow_typed_below (self, self->printer_choice_row, self->printer_row, C_("printer", "None chosen here"),
                      on_printer_selected);
  /* The settings' view shrinks as the keyboard comes up: once its size
   * settles, the entry typed into is brought back into it. */
  g_signal_connect_swapped (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled)),
                            "notify::page-size", G_CALLBACK (on_view_resized), self);
  attach_keyboard (self, self->position_row, VTR_KEYBOARD_ADDRESS);
  attach_keyboard (self, self->shop_row, VTR_KEYBOARD_LETTERS);
  attach_keyboard (self, self->camera_entry, VTR_KEYBOARD_ADDRESS);
  attach_keyboard (self, self->printer_row, VTR_KEYBOARD_ADDRESS);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

/**
 * vtr_admin_screen_new:
 * @store: (nullable): the kiosk's store: pairing, what it repaired
 * @catalog: (nullable): the catalogue service: the shops by their name
 * @sync: (nullable): the sync service
 * @printer: (nullable): the print service
 * @settings: (nullable): the kiosk's settings (NULL without the schema)
 */
GtkWidget *
vtr_admin_screen_new (VtrStore          *store,
                      VtrCatalogService *catalog,
                      VtrSyncService    *sync,
                      VtrPrintService   *printer,
                      GSettings         *settings)
{
  return g_object_new (VTR_TYPE_ADMIN_SCREEN, "store", store, "catalog", catalog, "sync", sync, "printer", printer,
                       "settings", settings, NULL);
}

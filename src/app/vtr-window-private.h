#pragma once

#include "vtr-window.h"

#include "vtr-camera.h"
#include "vtr-catalog.h"
#include "vtr-frame-light.h"
#include "vtr-key-list.h"
#include "vtr-order-page.h"
#include "vtr-sound.h"
#include "vtr-store.h"
#include "vtr-sync-service.h"
#include "vtr-ticket.h"

G_BEGIN_DECLS

/*
 * The window's insides, shared by the files that make it up:
 * vtr-window.c (scan, product, order, kiosk behaviour),
 * vtr-window-browse.c (search, trades, shops, civic layer),
 * vtr-window-counter.c (counter mode), vtr-window-admin.c (settings),
 * vtr-window-print.c (tickets, printed on worker threads).
 */

#define DEFAULT_IDLE_SECONDS 90
#define COUNTDOWN_SECONDS 10
#define FEEDBACK_USEC (1500 * 1000)
#define PRINT_RETRY_SECONDS 30
#define LIGHT_CHECK_USEC (500 * 1000)
#define CLOSER_HINT_USEC (6 * G_USEC_PER_SEC)

struct _VtrWindow
{
  AdwApplicationWindow  parent_instance;

  char                 *data_dir;
  char                 *camera_option;
  GSettings            *settings;     /* NULL without the installed schema */
  VtrSound             *sound;
  char                 *language;
  GtkButton            *language_button;
  AdwEntryRow          *position_row;
  AdwComboRow          *camera_row;
  GPtrArray            *camera_devices; /* VtrCameraDevice, the camera row's choices after "Other" */
  AdwEntryRow          *camera_entry;
  AdwComboRow          *printer_choice_row;
  GPtrArray            *printer_choices; /* VtrPrinterChoice, that row's choices after the first */
  AdwEntryRow          *printer_row;
  AdwActionRow         *printer_status_row;
  AdwComboRow          *language_row;
  GtkSwitch            *sound_switch;
  guint                 print_retry_id;
  guint                 printing;      /* tickets on a worker thread */
  VtrStore             *store;
  VtrCatalog           *catalog;
  VtrKeyList           *keys;
  VtrCamera            *camera;
  VtrSyncService       *sync;
  VtrPosition           here;
  gboolean              kiosk;

  GtkStack             *pages;
  GtkWidget            *scan_page;
  GtkStack             *scan_stack;
  GtkPicture           *preview;
  GtkDrawingArea       *overlay;
  GtkLabel             *hint;
  AdwStatusPage        *no_camera;
  GtkSearchEntry       *search;
  GtkLabel             *freshness;
  AdwHeaderBar         *header;
  GtkButton            *back;
  AdwToastOverlay      *toasts;
  AdwToast             *toast;      /* the one on screen, if any */
  GtkLabel             *countdown;

  GtkLabel             *product_name;
  GtkLabel             *product_brand;
  GtkListBox           *stockists;
  AdwStatusPage        *warning;
  GtkBox               *civic;
  GtkBox               *merchant_box;

  /* Counter mode: the shop's staff, behind their PIN. */
  gint64                merchant_id;
  char                 *session;
  char                 *card_id;
  GString              *keyed;        /* PIN or amount being typed */
  gboolean              admin_pin;    /* the keypad asks for the admin PIN */
  gboolean              enrolling;    /* the keypad asks for a new customer's mobile */
  AdwPreferencesGroup  *admin_status;
  AdwActionRow         *admin_sync_row;
  GtkWidget            *pair_button;
  /* Until when a pairing code shown to the camera is taken: the
   * administrator allowed it (a used kiosk pairs only so). */
  gint64                pairing_allowed_until;
  char                 *store_notices; /* what the store repaired at start, for the admin page */
  GtkButton            *counter_button;
  GtkLabel             *keypad_title;
  GtkLabel             *keyed_label;
  GtkLabel             *counter_message;
  GtkLabel             *card_label;
  GtkListBox           *shop_orders;
  GtkListBox           *rewards;
  GtkLabel             *results_title;
  GtkListBox           *results;
  GtkFlowBox           *service_grid;
  GtkWidget            *enrol_button;
  GtkWidget            *slip_button;

  /* Ordering: the product and shop chosen, then the order taken. */
  gint64                order_product;
  VtrOrderPage         *order_page;
  GtkButton            *basket_button;
  GtkLabel             *done_title;
  GtkLabel             *done_number;
  GtkLabel             *done_words;
  GtkSpinner           *done_spinner;
  GtkDrawingArea       *done_code;
  char                 *pickup_code;

  VtrPoint              corners[4];
  int                   n_corners;
  gint64                corners_until;
  int                   frame_width;
  int                   frame_height;
  VtrLight              light;         /* of the last frame looked at */
  gint64                light_checked;
  gint64                scanning_since; /* the last code read, or the scan screen shown */

  guint                 idle_seconds;
  gint64                last_activity;
  gint64                last_trim;     /* when free memory last went back to the system */
  guint                 tick_id;
};

void vtr_window_toast (VtrWindow *self, const char *text);
void vtr_window_show_page (VtrWindow *self, const char *name);
void vtr_window_play_tone (VtrWindow *self, VtrTone tone);
void vtr_window_update_language_button (VtrWindow *self);
void vtr_window_load_settings (VtrWindow *self);
gboolean vtr_window_print_retry_tick (gpointer data);
void vtr_window_open_camera (VtrWindow *self, const char *source);
void vtr_window_counter_clear (VtrWindow *self);
gboolean vtr_window_counter_take_code (VtrWindow *self, const char *text);
GtkWidget *vtr_window_build_counter_page (VtrWindow *self);
GtkWidget *vtr_window_build_admin_page (VtrWindow *self);
GtkWidget *vtr_window_build_results_page (VtrWindow *self);
GtkWidget *vtr_window_build_services_page (VtrWindow *self);
void vtr_window_update_counter (VtrWindow *self);
void vtr_window_open_admin_page (VtrWindow *self);
void vtr_window_allow_pairing (VtrWindow *self);
char *vtr_window_default_language (VtrWindow *self);

typedef void (*VtrWindowPrinted) (VtrWindow    *self,
                                  gboolean      printed,
                                  const GError *error,
                                  gpointer      data);

void vtr_window_print (VtrWindow *self, VtrTicket *ticket, VtrWindowPrinted done, gpointer data);
void vtr_window_print_test_ticket (VtrWindow *self);
void vtr_window_toggle_language (VtrWindow *self);
void vtr_window_update_printer_status (VtrWindow *self);

G_END_DECLS

#pragma once

#include <adwaita.h>

#include "vtr-order-page.h"

G_BEGIN_DECLS

#define VTR_TYPE_WINDOW (vtr_window_get_type ())
G_DECLARE_FINAL_TYPE (VtrWindow, vtr_window, VTR, WINDOW, AdwApplicationWindow)

VtrWindow  *vtr_window_new              (GtkApplication *app,
                                         const char     *data_dir,
                                         const char     *camera_source,
                                         gboolean        kiosk);
void        vtr_window_handle_text      (VtrWindow      *self,
                                         const char     *text);
void        vtr_window_show_product     (VtrWindow      *self,
                                         gint64          product_id,
                                         gint64          merchant_first);
void        vtr_window_show_civic       (VtrWindow      *self);
void        vtr_window_scan_file        (VtrWindow      *self,
                                         const char     *path);
void        vtr_window_go_home          (VtrWindow      *self);
VtrWindow  *vtr_window_reset            (VtrWindow      *self);
void        vtr_window_show_admin       (VtrWindow      *self);
void        vtr_window_leave_kiosk      (VtrWindow      *self);
void        vtr_window_show_merchant    (VtrWindow      *self,
                                         gint64          merchant_id);
gboolean    vtr_window_is_paired        (VtrWindow      *self);
void        vtr_window_start_order      (VtrWindow      *self,
                                         gint64          product_id,
                                         gint64          merchant_id);
VtrOrderPage *vtr_window_get_order_page (VtrWindow    *self);
void        vtr_window_confirm_order    (VtrWindow      *self);
const char *vtr_window_get_order_number (VtrWindow      *self);
const char *vtr_window_get_order_words  (VtrWindow      *self);
void        vtr_window_set_merchant     (VtrWindow      *self,
                                         gint64          merchant_id);
void        vtr_window_show_counter     (VtrWindow      *self);
void        vtr_window_counter_press    (VtrWindow      *self,
                                         const char     *key);
const char *vtr_window_get_counter_card (VtrWindow      *self);
const char *vtr_window_get_counter_message (VtrWindow   *self);
guint       vtr_window_count_shop_orders (VtrWindow     *self);
void        vtr_window_counter_start_enrol (VtrWindow   *self);
void        vtr_window_counter_enrol    (VtrWindow      *self);
void        vtr_window_counter_print_slip (VtrWindow    *self);
void        vtr_window_counter_redeem   (VtrWindow      *self,
                                         gint64          reward_id);
guint       vtr_window_count_rewards    (VtrWindow      *self,
                                         gboolean        affordable_only);
const char *vtr_window_get_page         (VtrWindow      *self);
char       *vtr_window_get_first_stockist (VtrWindow    *self);
const char *vtr_window_get_warning      (VtrWindow      *self);
void        vtr_window_set_idle_timeout (VtrWindow      *self,
                                         guint           seconds);
void        vtr_window_stop             (VtrWindow      *self);
gboolean    vtr_window_set_position     (VtrWindow      *self,
                                         const char     *text,
                                         GError        **error);
void        vtr_window_set_camera       (VtrWindow      *self,
                                         const char     *source);
guint       vtr_window_choose_printer   (VtrWindow      *self,
                                         guint           index);
gboolean    vtr_window_set_printer      (VtrWindow      *self,
                                         const char     *target,
                                         GError        **error);
VtrWindow  *vtr_window_switch_language  (VtrWindow      *self,
                                         const char     *language);
void        vtr_window_retry_printing   (VtrWindow      *self);
gboolean    vtr_window_is_printing      (VtrWindow      *self);
guint       vtr_window_count_tones      (VtrWindow      *self);
const char *vtr_window_get_hint         (VtrWindow      *self);
void        vtr_window_search           (VtrWindow      *self,
                                         const char     *text);
void        vtr_window_show_service     (VtrWindow      *self,
                                         const char     *service_id);
guint       vtr_window_count_results    (VtrWindow      *self);
void        vtr_window_activate_result  (VtrWindow      *self,
                                         guint           index);

G_END_DECLS

#pragma once

#include <gio/gio.h>

#include "vtr-catalog.h"
#include "vtr-key-list.h"
#include "vtr-print-service.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/**
 * VtrCounterMode:
 * @VTR_COUNTER_MODE_STAFF_PIN: the keypad asks for the shop's staff PIN
 * @VTR_COUNTER_MODE_ADMIN_PIN: the keypad asks for the administrator's PIN
 * @VTR_COUNTER_MODE_AMOUNT: a staff session is open: the keypad types the
 *   amount of a purchase for the card scanned or, before a card, the
 *   digits of an order's number
 * @VTR_COUNTER_MODE_ENROL_PHONE: the keypad types a new customer's mobile
 *
 * What the counter's keypad is typing.
 */
typedef enum
{
  VTR_COUNTER_MODE_STAFF_PIN,
  VTR_COUNTER_MODE_ADMIN_PIN,
  VTR_COUNTER_MODE_AMOUNT,
  VTR_COUNTER_MODE_ENROL_PHONE,
} VtrCounterMode;

/* The keypad's keys besides the digits. */
#define VTR_COUNTER_KEY_ERASE "⌫"
#define VTR_COUNTER_KEY_OK    "OK"
#define VTR_COUNTER_KEY_COMMA ","

/* How many of the shop's orders the counter shows, newest first. */
#define VTR_COUNTER_MAX_ORDERS 6

/* How long a card scanned stays on the counter with no key nor scan. */
#define VTR_COUNTER_CARD_TIMEOUT 90

#define VTR_TYPE_COUNTER (vtr_counter_get_type ())
G_DECLARE_FINAL_TYPE (VtrCounter, vtr_counter, VTR, COUNTER, GObject)

VtrCounter     *vtr_counter_new               (VtrStore         *store,
                                               VtrCatalog       *catalog,
                                               VtrPrintService  *printer);
VtrStore       *vtr_counter_get_store         (VtrCounter       *self);
VtrCatalog     *vtr_counter_get_catalog       (VtrCounter       *self);
VtrPrintService *vtr_counter_get_printer      (VtrCounter       *self);
const VtrKeyList *vtr_counter_get_keys        (VtrCounter       *self);
void            vtr_counter_set_keys          (VtrCounter       *self,
                                               const VtrKeyList *keys);
gint64          vtr_counter_get_merchant_id   (VtrCounter       *self);
void            vtr_counter_set_merchant_id   (VtrCounter       *self,
                                               gint64            merchant_id);

guint           vtr_counter_get_card_timeout  (VtrCounter       *self);
void            vtr_counter_set_card_timeout  (VtrCounter       *self,
                                               guint             seconds);
VtrCounterMode  vtr_counter_get_mode          (VtrCounter       *self);
gboolean        vtr_counter_get_busy          (VtrCounter       *self);
gboolean        vtr_counter_get_session_open  (VtrCounter       *self);
const char     *vtr_counter_get_session       (VtrCounter       *self);
const char     *vtr_counter_get_title         (VtrCounter       *self);
const char     *vtr_counter_get_keyed         (VtrCounter       *self);
char           *vtr_counter_dup_typed         (VtrCounter       *self);
void            vtr_counter_set_typed         (VtrCounter       *self,
                                               const char       *typed);
const char     *vtr_counter_get_message       (VtrCounter       *self);
const char     *vtr_counter_get_card          (VtrCounter       *self);
const char     *vtr_counter_get_card_id       (VtrCounter       *self);
gint64          vtr_counter_get_balance       (VtrCounter       *self);
gboolean        vtr_counter_get_can_enrol     (VtrCounter       *self);
gboolean        vtr_counter_get_can_print_slip (VtrCounter      *self);
GPtrArray      *vtr_counter_get_orders        (VtrCounter       *self);
GPtrArray      *vtr_counter_get_rewards       (VtrCounter       *self);
const char     *vtr_counter_get_asked_number  (VtrCounter       *self);
void            vtr_counter_show_all_orders   (VtrCounter       *self);

void            vtr_counter_open              (VtrCounter       *self);
void            vtr_counter_ask_admin_pin     (VtrCounter       *self);
void            vtr_counter_clear             (VtrCounter       *self);
void            vtr_counter_press             (VtrCounter       *self,
                                               const char       *key);
gboolean        vtr_counter_take_code         (VtrCounter       *self,
                                               const char       *text);
void            vtr_counter_start_enrol       (VtrCounter       *self);
void            vtr_counter_enrol             (VtrCounter       *self);
void            vtr_counter_redeem            (VtrCounter       *self,
                                               gint64            reward_id);
void            vtr_counter_advance_order     (VtrCounter       *self,
                                               const char       *number);
void            vtr_counter_hand_over_order   (VtrCounter       *self,
                                               const char       *number);
const char     *vtr_counter_get_product_name  (VtrCounter       *self,
                                               gint64            product_id);
void            vtr_counter_forget_customer   (VtrCounter       *self,
                                               const char       *number);
void            vtr_counter_print_slip        (VtrCounter       *self);
void            vtr_counter_refresh           (VtrCounter       *self);
void            vtr_counter_refresh_orders    (VtrCounter       *self);
void            vtr_counter_cancel_order      (VtrCounter       *self,
                                               const char       *number,
                                               const char       *reason);
void            vtr_counter_deposit_order     (VtrCounter       *self,
                                               const char       *number,
                                               const char       *compartment,
                                               const char       *code);
gint64          vtr_counter_get_waiting       (VtrCounter       *self);

/* (cards) A lost card at the counter: vtr-lost-card.h */
GObject        *vtr_counter_get_lost_card     (VtrCounter       *self);
void            vtr_counter_start_lost_card   (VtrCounter       *self);
void            vtr_counter_end_lost_card     (VtrCounter       *self);

G_END_DECLS

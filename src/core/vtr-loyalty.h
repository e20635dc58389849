#pragma once

#include <glib.h>

#include "vtr-catalog.h"
#include "vtr-key-list.h"
#include "vtr-store.h"
/* Loyalty calls take a staff session (vtr-staff.h); the kiosk app still
 * reaches the staff calls through this header. */
#include "vtr-staff.h"

G_BEGIN_DECLS

#define VTR_LOYALTY_ERROR (vtr_loyalty_error_quark ())

typedef enum
{
  VTR_LOYALTY_ERROR_BAD_PIN,
  VTR_LOYALTY_ERROR_LOCKED,
  VTR_LOYALTY_ERROR_NO_SESSION,
  VTR_LOYALTY_ERROR_NOT_A_CARD,
  VTR_LOYALTY_ERROR_NO_RULE,
  VTR_LOYALTY_ERROR_INVALID,
  VTR_LOYALTY_ERROR_CAP,
  VTR_LOYALTY_ERROR_BALANCE,
  VTR_LOYALTY_ERROR_NO_BLANK_CARDS,
  VTR_LOYALTY_ERROR_UNKNOWN_REWARD,
  VTR_LOYALTY_ERROR_BLOCKED, /* (cards) declared lost: vtr-card-block.h */
} VtrLoyaltyError;

/* Limits against abuse (a cashier crediting their own card). */
#define VTR_LOYALTY_CARD_DAILY_POINTS      1000
#define VTR_LOYALTY_MERCHANT_DAILY_POINTS  20000
#define VTR_LOYALTY_CARD_MERCHANT_DAILY    5
#define VTR_LOYALTY_MAX_PURCHASE_CENTS     100000

typedef struct
{
  char   *uuid;    /* the event's id, also its outbox id */
  char   *card_id;
  gint64  points;  /* credited (positive) or spent (negative) */
  gint64  balance; /* after it */
  char   *code;    /* for an enrolment: the card's signed code, to print */
} VtrLoyaltyReceipt;

/* One recorded loyalty event, as a slip prints it. */
typedef struct
{
  char   *uuid;
  char   *kind;         /* credit, redeem, enrol */
  char   *card_id;
  gint64  merchant_id;
  gint64  points;
  gint64  amount_cents;
  gint64  created;
} VtrLoyaltyEvent;

GQuark   vtr_loyalty_error_quark  (void);
VtrLoyaltyEvent *vtr_loyalty_last_event (VtrStore   *store,
                                         GError    **error);
void     vtr_loyalty_event_free   (VtrLoyaltyEvent   *event);
char    *vtr_loyalty_card_code    (VtrStore          *store,
                                   const char        *card_id,
                                   GError           **error);

char    *vtr_loyalty_card_id      (const char        *text,
                                   const VtrKeyList  *keys,
                                   GDateTime         *now,
                                   GError           **error);
char    *vtr_loyalty_scan_card    (VtrStore          *store,
                                   const char        *text,
                                   const VtrKeyList  *keys,
                                   GDateTime         *now,
                                   GError           **error);
gboolean vtr_loyalty_credit       (VtrStore          *store,
                                   const char        *session,
                                   const char        *card_id,
                                   gint64             amount_cents,
                                   const gint64      *products,
                                   guint              n_products,
                                   GDateTime         *now,
                                   VtrLoyaltyReceipt *receipt,
                                   GError           **error);
gboolean vtr_loyalty_redeem       (VtrStore          *store,
                                   const char        *session,
                                   const char        *card_id,
                                   gint64             reward_id,
                                   GDateTime         *now,
                                   VtrLoyaltyReceipt *receipt,
                                   GError           **error);
GPtrArray *vtr_loyalty_list_rewards (VtrStore         *store,
                                     gint64            merchant_id,
                                     GError          **error);
gboolean vtr_loyalty_balance      (VtrStore          *store,
                                   const char        *card_id,
                                   gint64            *balance,
                                   gint64            *pending,
                                   GError           **error);
gboolean vtr_loyalty_enrol        (VtrStore          *store,
                                   const char        *session,
                                   const char        *phone,
                                   GDateTime         *now,
                                   VtrLoyaltyReceipt *receipt,
                                   GError           **error);
gboolean vtr_phone_is_valid       (const char        *phone);
void     vtr_loyalty_receipt_clear (VtrLoyaltyReceipt *receipt);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrLoyaltyReceipt, vtr_loyalty_receipt_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrLoyaltyEvent, vtr_loyalty_event_free)

G_END_DECLS

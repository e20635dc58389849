#pragma once

#include <glib.h>

#include "vtr-key-list.h"
#include "vtr-store.h"

G_BEGIN_DECLS

#define VTR_ORDER_ERROR (vtr_order_error_quark ())

/* The size of an order, the same on the kiosk and the hub. */
#define VTR_ORDER_MAX_LINES      50
#define VTR_ORDER_MAX_QUANTITY   99
#define VTR_ORDER_MAX_FIRST_NAME 40
#define VTR_ORDER_MAX_REASON     200 /* a cancel's reason, in characters */
#define VTR_ORDER_MAX_LOCKER     16  /* a locker's compartment or opening code */

typedef enum
{
  VTR_ORDER_ERROR_INVALID,
  VTR_ORDER_ERROR_UNAVAILABLE,
  VTR_ORDER_ERROR_NOT_FOUND,
  VTR_ORDER_ERROR_WRONG_STATE,
  VTR_ORDER_ERROR_NOT_A_PICKUP_CODE,
} VtrOrderError;

typedef enum
{
  VTR_ORDER_PLACED,
  VTR_ORDER_ACCEPTED,
  VTR_ORDER_READY,
  VTR_ORDER_COLLECTED,
  VTR_ORDER_CANCELLED,
  VTR_ORDER_REFUSED,
} VtrOrderState;

typedef struct
{
  gint64 product_id;
  int    quantity;
  gint64 price_cents; /* filled in from the shop's stock */
} VtrOrderLine;

typedef struct
{
  char          *uuid;
  char          *number;      /* read aloud at the counter */
  char          *pickup_code; /* signed, to print */
  gint64         merchant_id;
  gint64         locker_id;   /* 0: collected at the shop */
  char          *first_name;
  char          *phone;
  gint64         total_cents;
  VtrOrderState  state;
  gint64         created;
  gint64         updated;
  GArray        *lines;       /* VtrOrderLine */
  char          *reason;      /* why it was cancelled or refused */
  char          *locker_compartment; /* where it waits in its locker */
  char          *locker_code;        /* and the code that opens it */
  char          *refusal;     /* the hub's reason for refusing the last step here */
} VtrOrder;

GQuark         vtr_order_error_quark   (void);
const char    *vtr_order_state_to_string   (VtrOrderState state);
gboolean       vtr_order_state_from_string (const char   *text,
                                            VtrOrderState *state);
gboolean       vtr_order_state_can_become  (VtrOrderState from,
                                            VtrOrderState to);

VtrOrder      *vtr_order_create        (VtrStore           *store,
                                        gint64              merchant_id,
                                        const VtrOrderLine *lines,
                                        guint               n_lines,
                                        gint64              locker_id,
                                        const char         *first_name,
                                        const char         *phone,
                                        GDateTime          *now,
                                        GError            **error);
VtrOrder      *vtr_order_create_full   (VtrStore           *store,
                                        gint64              merchant_id,
                                        const VtrOrderLine *lines,
                                        guint               n_lines,
                                        gint64              locker_id,
                                        const char         *first_name,
                                        const char         *phone,
                                        gboolean            card_shown,
                                        GDateTime          *now,
                                        GError            **error);
gboolean       vtr_order_advance       (VtrStore           *store,
                                        const char         *session,
                                        const char         *number,
                                        VtrOrderState       state,
                                        GDateTime          *now,
                                        GError            **error);
VtrOrder      *vtr_order_hand_over     (VtrStore           *store,
                                        const char         *session,
                                        const char         *number,
                                        GDateTime          *now,
                                        GError            **error);
gboolean       vtr_order_load_lines    (VtrStore           *store,
                                        VtrOrder           *order,
                                        GError            **error);
VtrOrder      *vtr_order_collect       (VtrStore           *store,
                                        const char         *session,
                                        const char         *scanned,
                                        const VtrKeyList   *keys,
                                        GDateTime          *now,
                                        GError            **error);
gboolean       vtr_order_cancel        (VtrStore           *store,
                                        const char         *session,
                                        const char         *number,
                                        const char         *reason,
                                        GDateTime          *now,
                                        GError            **error);
gboolean       vtr_order_deposit       (VtrStore           *store,
                                        const char         *session,
                                        const char         *number,
                                        const char         *compartment,
                                        const char         *code,
                                        GDateTime          *now,
                                        GError            **error);
gboolean       vtr_order_locker_field_is_valid (const char *text);
VtrOrder      *vtr_order_find_pickup   (VtrStore           *store,
                                        const char         *scanned,
                                        const VtrKeyList   *keys,
                                        GDateTime          *now,
                                        GError            **error);
char          *vtr_order_describe_state (const VtrOrder    *order);
VtrOrder      *vtr_order_get           (VtrStore           *store,
                                        const char         *number,
                                        GError            **error);
GPtrArray     *vtr_order_list          (VtrStore           *store,
                                        gint64              merchant_id,
                                        GError            **error);
void           vtr_order_free          (VtrOrder           *order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrOrder, vtr_order_free)

G_END_DECLS

#pragma once

#include <glib.h>

/*
 * A TCP proxy between a kiosk and the hub that misbehaves on demand, as
 * shop Wi-Fi and 4G routers do. One request a connection.
 */

typedef enum
{
  VTR_FAULT_NONE,
  VTR_FAULT_REFUSE,        /* close the connection at once */
  VTR_FAULT_500,
  VTR_FAULT_503,
  VTR_FAULT_STALL,         /* half the answer, then nothing */
  VTR_FAULT_TRUNCATE,      /* half the answer, then close */
  VTR_FAULT_REPLAY,        /* an old feed page instead of the answer */
  VTR_FAULT_LOSE_ANSWER,   /* the hub got the request, the kiosk no answer */
  VTR_FAULT_TWICE,         /* the request reaches the hub twice */
  VTR_N_FAULTS
} VtrFault;

typedef struct _VtrTestProxy VtrTestProxy;

VtrTestProxy *vtr_test_proxy_new        (guint16       target_port);
guint16       vtr_test_proxy_get_port   (VtrTestProxy *proxy);
void          vtr_test_proxy_set_target (VtrTestProxy *proxy,
                                         guint16       target_port);
void          vtr_test_proxy_add_fault  (VtrTestProxy *proxy,
                                         VtrFault      fault);
void          vtr_test_proxy_set_random (VtrTestProxy *proxy,
                                         guint32       seed,
                                         double        rate);
guint         vtr_test_proxy_count      (VtrTestProxy *proxy,
                                         VtrFault      fault);
void          vtr_test_proxy_free       (VtrTestProxy *proxy);

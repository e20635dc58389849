#pragma once

#include <gio/gio.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * Staff PINs and sessions. A PIN is kept as an Argon2id hash in the
 * journal; checking one takes a tenth of a second on purpose, so the
 * kiosk checks it with the _async calls, away from the screen's thread.
 * Errors are in VTR_LOYALTY_ERROR (vtr-loyalty.h): BAD_PIN, LOCKED,
 * NO_SESSION, INVALID.
 */

/* The kiosk's administrator holds the "staff" PIN of shop 0 (no shop):
 * their session opens the admin screen, and credits nothing. */
#define VTR_ADMIN_ID 0

#define VTR_PIN_ATTEMPTS                   5
#define VTR_PIN_LOCK_SECONDS               (15 * 60)
#define VTR_SESSION_SECONDS                (8 * 3600)
/* How far back the clock may be put (an NTP correction) before a
 * session it would stretch ends. */
#define VTR_CLOCK_SLACK_SECONDS            300

gboolean vtr_staff_set_pin            (VtrStore            *store,
                                       gint64               merchant_id,
                                       const char          *pin,
                                       GError             **error);
char    *vtr_staff_login              (VtrStore            *store,
                                       gint64               merchant_id,
                                       const char          *pin,
                                       GDateTime           *now,
                                       GError             **error);
void     vtr_staff_login_async        (VtrStore            *store,
                                       gint64               merchant_id,
                                       const char          *pin,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char    *vtr_staff_login_finish       (VtrStore            *store,
                                       GAsyncResult        *result,
                                       GError             **error);
void     vtr_staff_check_admin_async  (VtrStore            *store,
                                       const char          *pin,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean vtr_staff_check_admin_finish (VtrStore            *store,
                                       GAsyncResult        *result,
                                       GError             **error);
gboolean vtr_staff_session            (VtrStore            *store,
                                       const char          *token,
                                       GDateTime           *now,
                                       gint64              *merchant_id,
                                       GError             **error);

G_END_DECLS

#pragma once

#include <gio/gio.h>

#include "vtr-key-list.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * Setting and changing PINs without a terminal (issue 16): the PIN a
 * merchant chooses after pairing, the administrator's PIN delivered with
 * the pairing, a change with the old PIN, and a reset with a one-time
 * code the federation signs (docs/codes.md, kind N). Errors are in
 * VTR_LOYALTY_ERROR, as vtr-staff.h's.
 */

typedef enum
{
  VTR_PIN_SET,     /* a first PIN, where there is none */
  VTR_PIN_CHANGE,  /* with the old PIN */
  VTR_PIN_RESET,   /* with a PIN reset code */
} VtrPinUpdate;

gboolean vtr_staff_has_pin          (VtrStore            *store,
                                     gint64               merchant_id,
                                     gboolean            *has_pin,
                                     GError             **error);
gboolean vtr_staff_set_pin_hash     (VtrStore            *store,
                                     gint64               merchant_id,
                                     const char          *pin_hash,
                                     GError             **error);
gboolean vtr_staff_pins_match       (const char          *pin,
                                     const char          *again,
                                     GError             **error);
gboolean vtr_staff_set_first_pin    (VtrStore            *store,
                                     gint64               merchant_id,
                                     const char          *pin,
                                     GError             **error);
gboolean vtr_staff_change_pin       (VtrStore            *store,
                                     gint64               merchant_id,
                                     const char          *old_pin,
                                     const char          *new_pin,
                                     GDateTime           *now,
                                     GError             **error);
gboolean vtr_staff_check_reset_code (VtrStore            *store,
                                     const char          *code,
                                     const VtrKeyList    *keys,
                                     GDateTime           *now,
                                     gint64              *merchant_id,
                                     GError             **error);
gboolean vtr_staff_reset_pin        (VtrStore            *store,
                                     const char          *code,
                                     const VtrKeyList    *keys,
                                     const char          *new_pin,
                                     GDateTime           *now,
                                     gint64              *merchant_id,
                                     GError             **error);

void     vtr_staff_update_pin_async  (VtrStore           *store,
                                      VtrPinUpdate        update,
                                      gint64              merchant_id,
                                      const char         *old_pin_or_code,
                                      const char         *new_pin,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean vtr_staff_update_pin_finish (VtrStore           *store,
                                      GAsyncResult       *result,
                                      gint64             *merchant_id,
                                      GError            **error);

void     vtr_staff_has_pin_async     (VtrStore           *store,
                                      gint64              merchant_id,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean vtr_staff_has_pin_finish    (VtrStore           *store,
                                      GAsyncResult       *result,
                                      gboolean           *has_pin,
                                      GError            **error);
void     vtr_staff_check_reset_code_async  (VtrStore           *store,
                                            const char         *code,
                                            GDateTime          *now,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean vtr_staff_check_reset_code_finish (VtrStore           *store,
                                            GAsyncResult       *result,
                                            gint64             *merchant_id,
                                            GError            **error);

G_END_DECLS

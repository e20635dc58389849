#pragma once

#include <gio/gio.h>

#include "vtr-key-list.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/**
 * VtrLostCardStep:
 * @VTR_LOST_CARD_SCAN_NEW: the customer's new card is to be scanned
 * @VTR_LOST_CARD_FIND: the lost card is looked for, by the customer's
 *   phone number or the last characters of its number
 * @VTR_LOST_CARD_CONFIRM: one card chosen: the merchant confirms
 * @VTR_LOST_CARD_DONE: the lost card is blocked, its points moved
 */
typedef enum
{
  VTR_LOST_CARD_SCAN_NEW,
  VTR_LOST_CARD_FIND,
  VTR_LOST_CARD_CONFIRM,
  VTR_LOST_CARD_DONE,
} VtrLostCardStep;

#define VTR_TYPE_LOST_CARD (vtr_lost_card_get_type ())
G_DECLARE_FINAL_TYPE (VtrLostCard, vtr_lost_card, VTR, LOST_CARD, GObject)

VtrLostCard    *vtr_lost_card_new              (VtrStore         *store,
                                                const VtrKeyList *keys,
                                                const char       *session);
VtrLostCardStep vtr_lost_card_get_step         (VtrLostCard      *self);
gboolean        vtr_lost_card_get_busy         (VtrLostCard      *self);
const char     *vtr_lost_card_get_instructions (VtrLostCard      *self);
const char     *vtr_lost_card_get_message      (VtrLostCard      *self);
const char     *vtr_lost_card_get_new_card     (VtrLostCard      *self);
const char     *vtr_lost_card_get_chosen       (VtrLostCard      *self);
GPtrArray      *vtr_lost_card_get_matches      (VtrLostCard      *self);

gboolean        vtr_lost_card_take_code        (VtrLostCard      *self,
                                                const char       *text);
void            vtr_lost_card_find             (VtrLostCard      *self,
                                                const char       *query);
void            vtr_lost_card_choose           (VtrLostCard      *self,
                                                const char       *card_id);
void            vtr_lost_card_cancel           (VtrLostCard      *self);
gboolean        vtr_lost_card_confirm          (VtrLostCard      *self);

G_END_DECLS

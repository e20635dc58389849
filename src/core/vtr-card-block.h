#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vtr-loyalty.h"

G_BEGIN_DECLS

/* A lost card is found by at least this many of its last characters. */
#define VTR_CARD_SUFFIX_MIN 6
/* At most this many cards answer one search: more means "say more". */
#define VTR_CARD_FIND_MAX   5
/* The kind of a blocked card in the hub's change log (catalog_change),
 * beside the catalogue's tables (vtr-changes.c). */
#define VTR_CHANGE_BLOCKED_CARD 64

/* A card a search at the counter found. */
typedef struct
{
  char    *card_id;
  gint64   balance;
  gboolean blocked;
  gboolean from_hub; /* found on the hub, not in this device's journal */
} VtrCardMatch;

/* A card on a counter: read away from the main thread. */
typedef struct
{
  char      *card_id;
  gint64     balance;
  gint64     pending;
  gboolean   blocked;
  GPtrArray *rewards; /* VtrReward, or NULL */
} VtrCardView;

void       vtr_card_match_free        (VtrCardMatch      *match);
void       vtr_card_view_free         (VtrCardView       *view);
void       vtr_card_read_async        (VtrStore          *store,
                                       const char        *card_id,
                                       gint64             merchant_id,
                                       GCancellable      *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer           user_data);
VtrCardView *vtr_card_read_finish     (GAsyncResult      *result,
                                       GError           **error);

gboolean   vtr_card_is_blocked        (VtrStore          *store,
                                       const char        *card_id,
                                       gboolean          *blocked,
                                       GError           **error);
gboolean   vtr_card_check_not_blocked (VtrStore          *store,
                                       const char        *card_id,
                                       GError           **error);
gboolean   vtr_card_transfer_delta    (VtrStore          *store,
                                       const char        *card_id,
                                       gint64            *delta,
                                       GError           **error);
char      *vtr_card_normalize_suffix  (const char        *text,
                                       GError           **error);
GPtrArray *vtr_card_find              (VtrStore          *store,
                                       const char        *phone,
                                       const char        *suffix,
                                       GError           **error);
gboolean   vtr_card_transfer          (VtrStore          *store,
                                       const char        *session,
                                       const char        *old_card,
                                       const char        *new_card_text,
                                       gint64             hub_balance,
                                       const VtrKeyList  *keys,
                                       GDateTime         *now,
                                       VtrLoyaltyReceipt *receipt,
                                       GError           **error);
gboolean   vtr_card_apply_blocks      (VtrStore          *store,
                                       JsonObject        *page,
                                       guint             *n_blocked,
                                       GError           **error);
GPtrArray *vtr_card_stale             (VtrStore          *store,
                                       gint64             before,
                                       guint              limit,
                                       GError           **error);
gboolean   vtr_card_publish_block     (VtrStore          *store,
                                       const char        *card_id,
                                       gint64             blocked,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrCardMatch, vtr_card_match_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrCardView, vtr_card_view_free)

G_END_DECLS

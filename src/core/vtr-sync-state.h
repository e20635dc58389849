#pragma once

#include <json-glib/json-glib.h>

#include "vtr-catalog.h"
#include "vtr-import.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/* The hub a kiosk is paired with. */
typedef struct
{
  char   *url;
  char   *token;
  gint64  device_id;
  char   *device_name;
  gint64  merchant_id; /* 0: a federation kiosk */
  gint64  paired;
} VtrHubLink;

/* How fresh the kiosk's data is, for the UI and `vitrine-ctl status`. */
typedef struct
{
  gboolean  paired;
  char     *hub_url;
  char     *device_name;
  gint64    last_attempt; /* Unix time, 0 for never */
  gint64    last_success;
  char     *last_error;   /* of the last attempt, NULL when it worked */
  gint64    pending;      /* events waiting in the outbox */
  gint64    rejected;     /* events the hub refused, kept aside */
  gint64    cursor;       /* position in the hub's change feed */
} VtrSyncStatus;

void           vtr_hub_link_free            (VtrHubLink    *link);
void           vtr_sync_status_free         (VtrSyncStatus *status);

gboolean       vtr_sync_state_save_link     (VtrStore      *store,
                                             const VtrHubLink *link,
                                             GError       **error);
VtrHubLink    *vtr_sync_state_load_link     (VtrStore      *store,
                                             GError       **error);
/* (ops) Acknowledged events are kept this long for a restored hub. */
#define VTR_SYNC_KEEP_SENT_DAYS 30

gboolean       vtr_sync_state_note_device   (VtrStore      *store,
                                              const char    *part,
                                              const char    *state,
                                              GError       **error);
char          *vtr_sync_state_heartbeat     (VtrStore      *store);
char          *vtr_sync_state_area          (VtrStore      *store);
char          *vtr_sync_state_history       (VtrStore      *store,
                                              GError       **error);
gboolean       vtr_sync_state_set_history   (VtrStore      *store,
                                              const char    *history,
                                              gboolean       resend,
                                              GError       **error);
gint64         vtr_sync_state_cursor        (VtrStore      *store,
                                             GError       **error);
gboolean       vtr_sync_state_apply_page    (VtrCatalog    *catalog,
                                             JsonObject    *page,
                                             gint64         since,
                                             gint64         cursor,
                                             VtrImportCounts *counts,
                                             GError       **error);
gboolean       vtr_sync_state_replace_catalog (VtrCatalog    *catalog,
                                               JsonObject    *page,
                                               gint64         cursor,
                                               VtrImportCounts *counts,
                                               GError       **error);
gboolean       vtr_sync_state_settle        (VtrStore      *store,
                                             const char * const *uuids,
                                             const char * const *reasons,
                                             guint          n,
                                             gint64         now,
                                             GError       **error);
GPtrArray     *vtr_sync_state_cards_to_refresh (VtrStore   *store,
                                             GError       **error);
gboolean       vtr_sync_state_set_balance   (VtrStore      *store,
                                             const char    *card_id,
                                             gint64         balance,
                                             const char    *code,
                                             gint64         now,
                                             GError       **error);
gboolean       vtr_sync_state_record        (VtrStore      *store,
                                             gint64         now,
                                             const GError  *failure,
                                             GError       **error);
gboolean       vtr_sync_state_is_new_kiosk  (VtrStore      *store,
                                             GError       **error);
VtrSyncStatus *vtr_sync_state_status        (VtrStore      *store,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubLink, vtr_hub_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrSyncStatus, vtr_sync_status_free)

G_END_DECLS

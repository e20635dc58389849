#pragma once

#include <gio/gio.h>

#include "vtr-sync.h"

G_BEGIN_DECLS

typedef enum
{
  VTR_SYNC_STATE_NOT_PAIRED,
  VTR_SYNC_STATE_IDLE,      /* the last sync worked */
  VTR_SYNC_STATE_SYNCING,
  VTR_SYNC_STATE_OFFLINE,   /* the last sync failed; it will try again */
} VtrSyncState;

#define VTR_TYPE_SYNC_SERVICE (vtr_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (VtrSyncService, vtr_sync_service, VTR, SYNC_SERVICE, GObject)

VtrSyncService *vtr_sync_service_new              (const char     *data_dir);
void            vtr_sync_service_start            (VtrSyncService *self);
void            vtr_sync_service_stop             (VtrSyncService *self);
void            vtr_sync_service_sync_now         (VtrSyncService *self);
void            vtr_sync_service_sync_soon        (VtrSyncService *self);
VtrSyncState    vtr_sync_service_get_state        (VtrSyncService *self);
gint64          vtr_sync_service_get_last_success (VtrSyncService *self);
gint64          vtr_sync_service_get_pending      (VtrSyncService *self);
const char     *vtr_sync_service_get_last_error   (VtrSyncService *self);
char           *vtr_sync_service_describe_freshness (VtrSyncService *self);
void            vtr_sync_service_note_device      (VtrSyncService *self,
                                                   const char     *part,
                                                   const char     *state);

G_END_DECLS

#pragma once

#include "vtr-catalog.h"
#include "vtr-sync.h"

G_BEGIN_DECLS

#define VTR_SYNC_API "/api/v1/"

/* Shared by the parts of the sync (vtr-sync.c, vtr-sync-orders.c). */
struct _VtrSyncClient
{
  VtrStore    *store;
  VtrCatalog  *catalog;
  VtrHubLink  *link;
  SoupSession *session;
  guint        page_size;
  guint        batch_size;
  gboolean     history_reset; /* (ops) the last request found the hub restored */
  /* (tiles) The map's area kept offline: vtr-sync-tiles.c. */
  double       map_lat;
  double       map_lon;
  double       map_radius;    /* metres; 0: no map */
  guint64      map_max_bytes;
};

GBytes   *vtr_sync_client_send  (VtrSyncClient *client,
                                 const char    *method,
                                 const char    *path,
                                 const char    *json,
                                 const char    *if_none_match,
                                 guint         *status,
                                 GCancellable  *cancellable,
                                 GError       **error);
JsonNode *vtr_sync_parse_answer (GBytes        *body,
                                 GError       **error);
gboolean  vtr_sync_error_stops_sync (const GError *error);

G_END_DECLS

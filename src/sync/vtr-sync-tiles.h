#pragma once

#include "vtr-sync.h"

G_BEGIN_DECLS

/* The map's area a kiosk keeps offline (docs/tiles.md). */
#define VTR_TILES_MIN_ZOOM 13
#define VTR_TILES_MAX_ZOOM 18

typedef struct
{
  guint    wanted;     /* tiles of the area */
  guint    kept;       /* tiles the kiosk has now */
  guint    fetched;    /* new or changed, downloaded */
  guint    unchanged;  /* asked again, the same (304) */
  guint    removed;    /* the hub no longer has them */
  guint64  bytes;      /* downloaded */
  guint64  cache_bytes; /* the kiosk's tiles, in all */
  gboolean up_to_date; /* the hub's map and the area are those of the last complete fetch */
  gboolean full;       /* stopped at the size limit */
  gboolean no_map;     /* the hub has no map */
} VtrTilesReport;

gboolean vtr_sync_client_fetch_tiles (VtrSyncClient  *client,
                                      double          lat,
                                      double          lon,
                                      double          radius_m,
                                      guint64         max_bytes,
                                      VtrTilesReport *report,
                                      GCancellable   *cancellable,
                                      GError        **error);

G_END_DECLS

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VTR_HUB_TILES_ERROR (vtr_hub_tiles_error_quark ())

typedef enum
{
  VTR_HUB_TILES_ERROR_NOT_MBTILES, /* not SQLite, damaged, or not the MBTiles tables */
  VTR_HUB_TILES_ERROR_EMPTY,       /* MBTiles without a single tile */
  VTR_HUB_TILES_ERROR_FORMAT,      /* tiles other than PNG images */
  VTR_HUB_TILES_ERROR_FAILED,      /* the copy into the hub's folder failed */
} VtrHubTilesError;

/* What an MBTiles file holds, as `tiles import` says it. */
typedef struct
{
  gint64 n_tiles;
  int    min_zoom;
  int    max_zoom;
  double west, south, east, north;
  char  *version;      /* of the file's tiles, for kiosks: changes when they do */
  char  *attribution;
} VtrHubTilesSummary;

/* One worker thread's reader of the hub's tiles.mbtiles. */
typedef struct _VtrHubTiles VtrHubTiles;

/* An answer to GET /tiles/…. */
typedef struct
{
  guint       status;
  GBytes     *body;
  const char *content_type;
  char       *etag;
  const char *cache_control;
} VtrHubTilesAnswer;

GQuark       vtr_hub_tiles_error_quark   (void);

gboolean     vtr_hub_tiles_import        (const char          *dir,
                                          const char          *file,
                                          VtrHubTilesSummary  *summary,
                                          GError             **error);
void         vtr_hub_tiles_summary_clear (VtrHubTilesSummary  *summary);

gboolean     vtr_hub_tiles_handles       (const char          *method,
                                          const char          *path);
VtrHubTiles *vtr_hub_tiles_new           (const char          *dir);
void         vtr_hub_tiles_serve         (VtrHubTiles         *tiles,
                                          const char          *path,
                                          const char          *if_none_match,
                                          VtrHubTilesAnswer   *answer);
void         vtr_hub_tiles_free          (VtrHubTiles         *tiles);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrHubTilesSummary, vtr_hub_tiles_summary_clear)

G_END_DECLS

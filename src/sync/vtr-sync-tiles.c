#include "config.h"

#include "vtr-sync-tiles.h"
#include "vtr-sync-private.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "vtr-geo.h"

/*
 * The map offline (docs/tiles.md): during sync the kiosk downloads the
 * tiles of zoom 13 to 18 around it from the hub's /tiles/ into
 * <data dir>/tiles.mbtiles, an MBTiles 1.3 file the map widget reads.
 *
 * Only what changed comes again: each tile is kept with the hub's tag
 * and the version of the hub's map it was checked against. A kiosk whose
 * map and area are those of its last complete fetch asks one small
 * question (metadata.json); after a new import it asks each tile with
 * If-None-Match and downloads only those that differ. A fetch cut by the
 * network or a stop is committed as it goes, and goes on from where it
 * was: tiles already checked against this version are not asked again.
 * The file never grows past its limit in bytes: the nearest zooms come
 * first. Offline, nothing is removed.
 */

#define TILES_FILE "tiles.mbtiles"
#define COMMIT_EVERY 64
#define EARTH_RADIUS 6378137.0

static const char schema[] =
  "PRAGMA journal_mode = WAL;"
  "CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT);"
  "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
  "                                  tile_data BLOB);"
  "CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);"
  /* Vitrine's own: what the hub said of each tile. */
  "CREATE TABLE IF NOT EXISTS vitrine_tile (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
  "                                         etag TEXT, version TEXT,"
  "                                         PRIMARY KEY (zoom_level, tile_column, tile_row));";

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *known;
  sqlite3_stmt *put_tile;
  sqlite3_stmt *put_state;
  sqlite3_stmt *drop_tile;
  sqlite3_stmt *tile_size;
} Cache;

static void
cache_close (Cache *cache)
{
  g_clear_pointer (&cache->known, sqlite3_finalize);
  g_clear_pointer (&cache->put_tile, sqlite3_finalize);
  g_clear_pointer (&cache->put_state, sqlite3_finalize);
  g_clear_pointer (&cache->drop_tile, sqlite3_finalize);
  g_clear_pointer (&cache->tile_size, sqlite3_finalize);
  g_clear_pointer (&cache->db, sqlite3_close);
}

static gboolean
cache_failed (Cache   *cache,
              GError **error)
{
  g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
               _("The map’s tiles could not be stored on this kiosk: %s"),
               cache->db ? sqlite3_errmsg (cache->db) : "");
  return FALSE;
}

static gboolean
cache_open (Cache      *cache,
            const char *dir,
            GError    **error)
{
  g_autofree char *path = g_build_filename (dir, TILES_FILE, NULL);

  if (sqlite3_open_v2 (path, &cache->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    return cache_failed (cache, error);
  sqlite3_busy_timeout (cache->db, 5000);
  if (sqlite3_exec (cache->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (cache->db,
                          "SELECT etag, version FROM vitrine_tile "
                          "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          -1, &cache->known, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (cache->db, "INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", -1, &cache->put_tile,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (cache->db, "INSERT OR REPLACE INTO vitrine_tile VALUES (?, ?, ?, ?, ?)", -1,
                          &cache->put_state, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (cache->db,
                          "DELETE FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", -1,
                          &cache->drop_tile, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (cache->db,
                          "SELECT length(tile_data) FROM tiles "
                          "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          -1, &cache->tile_size, NULL) != SQLITE_OK)
    return cache_failed (cache, error);
  return TRUE;
}

static char *
cache_get_meta (Cache      *cache,
                const char *name)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (cache->db, "SELECT value FROM metadata WHERE name = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
cache_set_meta (Cache      *cache,
                const char *name,
                const char *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (cache->db, "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", -1, &stmt,
                          NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

static gint64
cache_int (Cache      *cache,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  if (sqlite3_prepare_v2 (cache->db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
cache_exec (Cache      *cache,
            const char *sql,
            GError    **error)
{
  if (sqlite3_exec (cache->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return cache_failed (cache, error);
  return TRUE;
}

static void
bind_tile (sqlite3_stmt *stmt,
           int           z,
           int           x,
           int           y)
{
  sqlite3_reset (stmt);
  sqlite3_bind_int (stmt, 1, z);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, (1 << z) - 1 - y);
}

/* One GET of the hub's /tiles/: the body of a 200, NULL with the status
 * otherwise (304, 404), or an error when the hub cannot be reached. */
static GBytes *
tiles_get (VtrSyncClient *client,
           const char    *path,
           const char    *if_none_match,
           guint         *status,
           char         **etag,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *url = g_strconcat (client->link->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (msg == NULL)
    {
      g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_NOT_PAIRED, _("“%s” is not a hub address"), url);
      return NULL;
    }
  if (if_none_match)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", if_none_match);
  body = soup_session_send_and_read (client->session, msg, cancellable, &local_error);
  *status = soup_message_get_status (msg);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          g_message ("The hub cannot be reached for map tiles: %s", local_error->message);
          g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE,
                               _("The federation’s server does not answer. The kiosk keeps the map it has "
                                 "and will try again."));
        }
      return NULL;
    }
  if (*status == SOUP_STATUS_OK)
    {
      if (etag)
        *etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag"));
      return g_steal_pointer (&body);
    }
  if (*status == SOUP_STATUS_NOT_MODIFIED || *status == SOUP_STATUS_NOT_FOUND)
    return NULL;
  g_set_error (error, VTR_SYNC_ERROR, *status >= 500 ? VTR_SYNC_ERROR_OFFLINE : VTR_SYNC_ERROR_HUB,
               _("The hub could not give the map’s tiles (HTTP %u); the kiosk keeps the map it has."), *status);
  return NULL;
}

static void
tile_at (double lat,
         double lon,
         int    z,
         int   *x,
         int   *y)
{
  double n = (double) (1 << z);
  double px, py;

  vtr_mercator_project (lat, lon, &px, &py);
  *x = CLAMP ((int) floor (px * n), 0, (1 << z) - 1);
  *y = CLAMP ((int) floor (py * n), 0, (1 << z) - 1);
}

/* Metres from (lat, lon) to the nearest point of tile (x, y) at zoom z,
 * on the Mercator plane scaled at the kiosk's latitude. */
static double
distance_to_tile (double lat,
                  double lon,
                  int    z,
                  int    x,
                  int    y)
{
  double n = (double) (1 << z);
  double metres_per_unit = 2.0 * G_PI * EARTH_RADIUS * cos (lat * G_PI / 180.0);
  double px, py;
  double dx;
  double dy;

  vtr_mercator_project (lat, lon, &px, &py);
  dx = MAX (0.0, MAX (x / n - px, px - (x + 1) / n));
  dy = MAX (0.0, MAX (y / n - py, py - (y + 1) / n));

  return sqrt (dx * dx + dy * dy) * metres_per_unit;
}

typedef struct
{
  int z, x, y;
} Tile;

/* "a,b,c[,d]" with dots for decimals; @d NAN: three numbers. */
static char *
ascii_numbers (double a,
               double b,
               double c,
               double d)
{
  char text[4][G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text[0], sizeof text[0], "%.6f", a);
  g_ascii_formatd (text[1], sizeof text[1], "%.6f", b);
  g_ascii_formatd (text[2], sizeof text[2], isnan (d) ? "%.0f" : "%.6f", c);
  if (isnan (d))
    return g_strjoin (",", text[0], text[1], text[2], NULL);
  g_ascii_formatd (text[3], sizeof text[3], "%.6f", d);
  return g_strjoin (",", text[0], text[1], text[2], text[3], NULL);
}

/**
 * vtr_sync_client_fetch_tiles:
 * @lat: (in degrees) where the kiosk stands
 * @radius_m: the map's area around it, in metres (0: none)
 * @max_bytes: the most the kiosk's tiles may take
 *
 * Brings the kiosk's tiles up to date with the hub's map. On failure
 * (the hub cannot be reached, the fetch was stopped) what was fetched is
 * kept, and the next call goes on from there.
 */
gboolean
vtr_sync_client_fetch_tiles (VtrSyncClient  *client,
                             double          lat,
                             double          lon,
                             double          radius_m,
                             guint64         max_bytes,
                             VtrTilesReport *report,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(GBytes) meta_body = NULL;
  g_autoptr(JsonNode) meta = NULL;
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (Tile));
  g_autofree char *area = NULL;
  g_autofree char *done_version = NULL;
  g_autofree char *done_area = NULL;
  g_autofree char *version = NULL;
  Cache cache = { 0 };
  JsonObject *object;
  JsonArray *bounds;
  double west = -180, south = -85.06, east = 180, north = 85.06;
  int min_zoom, max_zoom;
  guint status = 0, since_commit = 0;
  gboolean ok = FALSE;

  memset (report, 0, sizeof *report);
  if (radius_m <= 0)
    return TRUE;

  meta_body = tiles_get (client, "/tiles/metadata.json", NULL, &status, NULL, cancellable, error);
  if (meta_body == NULL && status == SOUP_STATUS_NOT_FOUND)
    {
      /* A hub without a map: the kiosk keeps what it has. */
      report->no_map = TRUE;
      return TRUE;
    }
  if (meta_body == NULL || !(meta = vtr_sync_parse_answer (meta_body, error)))
    return FALSE;
  object = json_node_get_object (meta);
  version = g_strdup (json_object_get_string_member_with_default (object, "version", ""));
  min_zoom = MAX (VTR_TILES_MIN_ZOOM, (int) json_object_get_int_member_with_default (object, "minzoom", 0));
  max_zoom = MIN (VTR_TILES_MAX_ZOOM, (int) json_object_get_int_member_with_default (object, "maxzoom", 22));
  bounds = json_object_has_member (object, "bounds") &&
               JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "bounds"))
             ? json_object_get_array_member (object, "bounds")
             : NULL;
  if (bounds && json_array_get_length (bounds) == 4)
    {
      west = json_array_get_double_element (bounds, 0);
      south = json_array_get_double_element (bounds, 1);
      east = json_array_get_double_element (bounds, 2);
      north = json_array_get_double_element (bounds, 3);
    }
  area = g_strdup_printf ("%.5f,%.5f,%.0f,%" G_GUINT64_FORMAT, lat, lon, radius_m, max_bytes);

  if (!cache_open (&cache, vtr_store_get_data_dir (client->store), error))
    goto out;
  done_version = cache_get_meta (&cache, "vitrine_version");
  done_area = cache_get_meta (&cache, "vitrine_area");
  report->cache_bytes = (guint64) cache_int (&cache, "SELECT coalesce(sum(length(tile_data)), 0) FROM tiles");
  if (g_strcmp0 (done_version, version) == 0 && g_strcmp0 (done_area, area) == 0)
    {
      report->up_to_date = TRUE;
      report->kept = (guint) cache_int (&cache, "SELECT count(*) FROM tiles");
      ok = TRUE;
      goto out;
    }

  /* The tiles of the area the hub has, the nearest zooms first. */
  for (int z = min_zoom; z <= max_zoom; z++)
    {
      double dlat = radius_m / 111320.0, dlon = radius_m / (111320.0 * cos (lat * G_PI / 180.0));
      int x0, y0, x1, y1;

      tile_at (MIN (lat + dlat, north), MAX (lon - dlon, west), z, &x0, &y0);
      tile_at (MAX (lat - dlat, south), MIN (lon + dlon, east), z, &x1, &y1);
      for (int x = x0; x <= x1; x++)
        for (int y = y0; y <= y1; y++)
          if (distance_to_tile (lat, lon, z, x, y) <= radius_m)
            {
              Tile tile = { z, x, y };

              g_array_append_val (wanted, tile);
            }
    }
  report->wanted = wanted->len;

  if (!cache_set_meta (&cache, "name", _("Map of the kiosk’s area")) || !cache_set_meta (&cache, "format", "png") ||
      !cache_set_meta (&cache, "attribution",
                       json_object_get_string_member_with_default (object, "attribution",
                                                                   "© OpenStreetMap contributors")) ||
      !cache_exec (&cache, "BEGIN", error))
    goto out;
  for (guint i = 0; i < wanted->len; i++)
    {
      Tile *t = &g_array_index (wanted, Tile, i);
      g_autofree char *path = g_strdup_printf ("/tiles/%d/%d/%d.png", t->z, t->x, t->y);
      g_autofree char *known_etag = NULL;
      g_autofree char *etag = NULL;
      g_autoptr(GBytes) png = NULL;
      gint64 old_size = 0;

      bind_tile (cache.known, t->z, t->x, t->y);
      if (sqlite3_step (cache.known) == SQLITE_ROW)
        {
          if (g_strcmp0 ((const char *) sqlite3_column_text (cache.known, 1), version) == 0)
            {
              sqlite3_reset (cache.known);
              continue;
            }
          known_etag = g_strdup ((const char *) sqlite3_column_text (cache.known, 0));
        }
      sqlite3_reset (cache.known);

      png = tiles_get (client, path, known_etag, &status, &etag, cancellable, error);
      if (png == NULL && status != SOUP_STATUS_NOT_MODIFIED && status != SOUP_STATUS_NOT_FOUND)
        {
          /* Offline or stopped: what came so far is kept. */
          cache_exec (&cache, "COMMIT", NULL);
          goto out;
        }
      bind_tile (cache.tile_size, t->z, t->x, t->y);
      if (sqlite3_step (cache.tile_size) == SQLITE_ROW)
        old_size = sqlite3_column_int64 (cache.tile_size, 0);
      sqlite3_reset (cache.tile_size);
      if (png)
        {
          gsize size = g_bytes_get_size (png);

          if (report->cache_bytes - old_size + size > max_bytes)
            {
              report->full = TRUE;
              break;
            }
          bind_tile (cache.put_tile, t->z, t->x, t->y);
          sqlite3_bind_blob (cache.put_tile, 4, g_bytes_get_data (png, NULL), (int) size, SQLITE_STATIC);
          if (sqlite3_step (cache.put_tile) != SQLITE_DONE)
            {
              cache_failed (&cache, error);
              goto out;
            }
          report->cache_bytes = report->cache_bytes - old_size + size;
          report->bytes += size;
          report->fetched++;
        }
      else if (status == SOUP_STATUS_NOT_FOUND)
        {
          bind_tile (cache.drop_tile, t->z, t->x, t->y);
          sqlite3_step (cache.drop_tile);
          report->cache_bytes -= old_size;
          report->removed += old_size > 0;
        }
      else
        report->unchanged++;
      bind_tile (cache.put_state, t->z, t->x, t->y);
      sqlite3_bind_text (cache.put_state, 4, png ? etag : status == SOUP_STATUS_NOT_FOUND ? NULL : known_etag, -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (cache.put_state, 5, version, -1, SQLITE_STATIC);
      if (sqlite3_step (cache.put_state) != SQLITE_DONE)
        {
          cache_failed (&cache, error);
          goto out;
        }
      if (++since_commit == COMMIT_EVERY)
        {
          since_commit = 0;
          if (!cache_exec (&cache, "COMMIT; BEGIN", error))
            goto out;
        }
    }

  /* Complete (or as full as allowed): what is no longer in the area or
   * in the hub's map goes, and the next sync need not ask again. */
  {
    sqlite3_stmt *stmt = NULL;
    gboolean done;

    if (sqlite3_prepare_v2 (cache.db,
                            "DELETE FROM tiles WHERE NOT EXISTS (SELECT 1 FROM vitrine_tile v "
                            "  WHERE v.zoom_level = tiles.zoom_level AND v.tile_column = tiles.tile_column "
                            "    AND v.tile_row = tiles.tile_row AND v.version = ?1);"
                            , -1, &stmt, NULL) != SQLITE_OK)
      {
        cache_failed (&cache, error);
        goto out;
      }
    sqlite3_bind_text (stmt, 1, version, -1, SQLITE_STATIC);
    done = sqlite3_step (stmt) == SQLITE_DONE;
    sqlite3_finalize (stmt);
    if (!done || sqlite3_prepare_v2 (cache.db, "DELETE FROM vitrine_tile WHERE version IS NOT ?1", -1, &stmt,
                                     NULL) != SQLITE_OK)
      {
        cache_failed (&cache, error);
        goto out;
      }
    sqlite3_bind_text (stmt, 1, version, -1, SQLITE_STATIC);
    done = sqlite3_step (stmt) == SQLITE_DONE;
    sqlite3_finalize (stmt);
    if (!done)
      {
        cache_failed (&cache, error);
        goto out;
      }
  }
  {
    g_autofree char *minzoom = g_strdup_printf ("%d", min_zoom);
    g_autofree char *maxzoom = g_strdup_printf ("%d", max_zoom);
    double dlat = radius_m / 111320.0, dlon = radius_m / (111320.0 * cos (lat * G_PI / 180.0));
    /* Numbers in the file as MBTiles writes them, whatever the locale. */
    g_autofree char *center = ascii_numbers (lon, lat, MIN (16, max_zoom), NAN);
    g_autofree char *box = ascii_numbers (lon - dlon, lat - dlat, lon + dlon, lat + dlat);

    if (!cache_set_meta (&cache, "minzoom", minzoom) || !cache_set_meta (&cache, "maxzoom", maxzoom) ||
        !cache_set_meta (&cache, "center", center) || !cache_set_meta (&cache, "bounds", box) ||
        !cache_set_meta (&cache, "vitrine_version", version) || !cache_set_meta (&cache, "vitrine_area", area) ||
        !cache_exec (&cache, "COMMIT", error))
      goto out;
  }
  report->cache_bytes = (guint64) cache_int (&cache, "SELECT coalesce(sum(length(tile_data)), 0) FROM tiles");
  report->kept = (guint) cache_int (&cache, "SELECT count(*) FROM tiles");
  ok = TRUE;

out:
  if (cache.db && !sqlite3_get_autocommit (cache.db))
    sqlite3_exec (cache.db, "ROLLBACK", NULL, NULL, NULL);
  cache_close (&cache);
  return ok;
}

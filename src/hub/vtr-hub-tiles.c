#include "config.h"

#include "vtr-hub-tiles.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtr-json.h"

/*
 * The map's tiles (docs/tiles.md): the federation loads an MBTiles file
 * (SQLite: metadata(name, value), tiles(zoom_level, tile_column, tile_row,
 * tile_data), rows counted from the south as TMS does) with `vitrine-hub
 * tiles import`, and the hub serves it as GET /tiles/{z}/{x}/{y}.png
 * (rows from the north, as every web map counts them) and
 * GET /tiles/metadata.json.
 *
 * The import works on a copy in the hub's folder, checked and completed
 * (bounds, zooms, a version), and only then renamed over tiles.mbtiles:
 * a damaged file replaces nothing, and a hub serving while a new file is
 * imported answers from the old one until the rename, then the new one.
 * Each worker thread reads the file with its own read-only connection,
 * and opens it again when the file's identity changes.
 */

#define TILES_FILE "tiles.mbtiles"
#define PREFIX "/tiles/"
#define MAX_ZOOM 22
#define ATTRIBUTION_OSM "© OpenStreetMap contributors"

G_DEFINE_QUARK (vtr-hub-tiles-error-quark, vtr_hub_tiles_error)

struct _VtrHubTiles
{
  char         *path;
  sqlite3      *db;
  sqlite3_stmt *get;
  dev_t         dev;
  ino_t         ino;
  gint64        mtime_ns;
  GBytes       *metadata;
  char         *metadata_etag;
};

void
vtr_hub_tiles_summary_clear (VtrHubTilesSummary *summary)
{
  g_clear_pointer (&summary->version, g_free);
  g_clear_pointer (&summary->attribution, g_free);
}

/* Web Mercator: a tile's west edge and north edge (x, y counted from the
 * north-west). */
static double
tile_lon (double x,
          int    z)
{
  return x / (double) (1 << z) * 360.0 - 180.0;
}

static double
tile_lat (double y,
          int    z)
{
  double n = G_PI - 2.0 * G_PI * y / (double) (1 << z);

  return 180.0 / G_PI * atan (0.5 * (exp (n) - exp (-n)));
}

static char *
metadata_get (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM metadata WHERE name = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
metadata_set (sqlite3    *db,
              const char *name,
              const char *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "DELETE FROM metadata WHERE name = ?", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok || sqlite3_prepare_v2 (db, "INSERT INTO metadata (name, value) VALUES (?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
is_png (const void *data,
        int         size)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  return data && size >= (int) sizeof signature && memcmp (data, signature, sizeof signature) == 0;
}

/* The file's bytes hashed: the version kiosks compare to know whether the
 * tiles changed since they last fetched them. */
static char *
file_version (const char *file,
              GError    **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  FILE *in = fopen (file, "rb");
  size_t n;

  if (in == NULL)
    {
      int saved = errno;

      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_NOT_MBTILES,
                   _("The map file %s cannot be read: %s"), file, g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buffer, 1, 1 << 20, in)) > 0)
    g_checksum_update (checksum, buffer, n);
  fclose (in);
  return g_strndup (g_checksum_get_string (checksum), 16);
}

static void
not_mbtiles (GError    **error,
             const char *file)
{
  g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_NOT_MBTILES,
               _("%s is not a map in MBTiles format (or it is damaged): nothing was replaced"), file);
}

/* Checks the copy at @db and completes its metadata. */
static gboolean
check_and_complete (sqlite3            *db,
                    const char         *file,
                    VtrHubTilesSummary *summary,
                    GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *bounds = NULL;
  g_autofree char *format = NULL;
  gboolean ok = FALSE, png;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      sqlite3_finalize (stmt);
      not_mbtiles (error, file);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "SELECT name, value FROM metadata LIMIT 0", -1, &stmt, NULL) != SQLITE_OK)
    {
      not_mbtiles (error, file);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db,
                          "SELECT count(*), min(zoom_level), max(zoom_level) FROM tiles", -1, &stmt, NULL) != SQLITE_OK)
    {
      not_mbtiles (error, file);
      return FALSE;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      summary->n_tiles = sqlite3_column_int64 (stmt, 0);
      summary->min_zoom = sqlite3_column_int (stmt, 1);
      summary->max_zoom = sqlite3_column_int (stmt, 2);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  if (!ok)
    {
      not_mbtiles (error, file);
      return FALSE;
    }
  if (summary->n_tiles == 0)
    {
      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_EMPTY,
                   _("The map %s holds no tile: nothing was replaced"), file);
      return FALSE;
    }
  if (summary->min_zoom < 0 || summary->max_zoom > MAX_ZOOM)
    {
      not_mbtiles (error, file);
      return FALSE;
    }

  /* The hub serves PNG images, which every map widget draws. */
  format = metadata_get (db, "format");
  png = FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles LIMIT 1", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    png = is_png (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  if (!png || (format && g_ascii_strcasecmp (format, "png") != 0))
    {
      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FORMAT,
                   _("The map %s holds tiles other than PNG images (vector tiles?): nothing was replaced"),
                   file);
      return FALSE;
    }

  /* Bounds as the file says, else those of its tiles at its largest zoom. */
  bounds = metadata_get (db, "bounds");
  if (bounds == NULL ||
      sscanf (bounds, "%lf,%lf,%lf,%lf", &summary->west, &summary->south, &summary->east, &summary->north) != 4)
    {
      if (sqlite3_prepare_v2 (db,
                              "SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) "
                              "FROM tiles WHERE zoom_level = ?", -1, &stmt, NULL) != SQLITE_OK)
        {
          not_mbtiles (error, file);
          return FALSE;
        }
      sqlite3_bind_int (stmt, 1, summary->max_zoom);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          int z = summary->max_zoom, rows = 1 << z;

          summary->west = tile_lon (sqlite3_column_int (stmt, 0), z);
          summary->east = tile_lon (sqlite3_column_int (stmt, 1) + 1, z);
          /* TMS rows: the largest is the northernmost. */
          summary->north = tile_lat (rows - 1 - sqlite3_column_int (stmt, 3), z);
          summary->south = tile_lat (rows - sqlite3_column_int (stmt, 2), z);
        }
      sqlite3_finalize (stmt);
    }
  summary->attribution = metadata_get (db, "attribution");
  if (summary->attribution == NULL || *summary->attribution == '\0')
    {
      /* The tiles the federation makes come from OpenStreetMap, whose
       * licence asks for this line under the map. */
      g_free (summary->attribution);
      summary->attribution = g_strdup (ATTRIBUTION_OSM);
    }

  {
    char w[G_ASCII_DTOSTR_BUF_SIZE], s[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE],
      n[G_ASCII_DTOSTR_BUF_SIZE];
    g_autofree char *joined = NULL;
    g_autofree char *minzoom = g_strdup_printf ("%d", summary->min_zoom);
    g_autofree char *maxzoom = g_strdup_printf ("%d", summary->max_zoom);

    g_ascii_formatd (w, sizeof w, "%.6f", summary->west);
    g_ascii_formatd (s, sizeof s, "%.6f", summary->south);
    g_ascii_formatd (e, sizeof e, "%.6f", summary->east);
    g_ascii_formatd (n, sizeof n, "%.6f", summary->north);
    joined = g_strjoin (",", w, s, e, n, NULL);
    if (!metadata_set (db, "bounds", joined) || !metadata_set (db, "minzoom", minzoom) ||
        !metadata_set (db, "maxzoom", maxzoom) || !metadata_set (db, "format", "png") ||
        !metadata_set (db, "attribution", summary->attribution) ||
        !metadata_set (db, "vitrine_version", summary->version))
      {
        g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                     _("The map could not be copied into the hub’s folder: %s"), sqlite3_errmsg (db));
        return FALSE;
      }
  }
  /* Most MBTiles files have it; one that does not is read tile by tile
   * through a full scan. A view (tiles over images) keeps its own. */
  sqlite3_exec (db,
                "CREATE UNIQUE INDEX IF NOT EXISTS vitrine_tile_index ON tiles (zoom_level, tile_column, tile_row)",
                NULL, NULL, NULL);
  return TRUE;
}

static void
sync_folder (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * vtr_hub_tiles_import:
 * @dir: the hub's data folder
 * @file: an MBTiles file
 *
 * Copies @file into @dir as the tiles the hub serves, once checked. On
 * failure the tiles served before stay as they were.
 */
gboolean
vtr_hub_tiles_import (const char         *dir,
                      const char         *file,
                      VtrHubTilesSummary *summary,
                      GError            **error)
{
  g_autofree char *target = g_build_filename (dir, TILES_FILE, NULL);
  g_autofree char *temporary = g_strdup_printf ("%s/.%s.import-%d", dir, TILES_FILE, (int) getpid ());
  g_autofree char *header = NULL;
  sqlite3 *source = NULL, *copy = NULL;
  sqlite3_backup *backup;
  gsize length = 0;
  gboolean ok = FALSE;

  memset (summary, 0, sizeof *summary);
  /* Anything but SQLite is refused before SQLite is asked. */
  {
    g_autoptr(GFile) gfile = g_file_new_for_commandline_arg (file);
    g_autoptr(GFileInputStream) in = g_file_read (gfile, NULL, NULL);
    guint8 magic[16];

    if (in == NULL)
      {
        g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_NOT_MBTILES,
                     _("The map file %s cannot be read"), file);
        return FALSE;
      }
    if (!g_input_stream_read_all (G_INPUT_STREAM (in), magic, sizeof magic, &length, NULL, NULL) ||
        length != sizeof magic || memcmp (magic, "SQLite format 3", 16) != 0)
      {
        not_mbtiles (error, file);
        return FALSE;
      }
  }
  if (!(summary->version = file_version (file, error)))
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                   _("The map could not be copied into the hub’s folder: %s"), g_strerror (saved));
      return FALSE;
    }
  g_unlink (temporary);

  if (sqlite3_open_v2 (file, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      not_mbtiles (error, file);
      goto out;
    }
  sqlite3_busy_timeout (source, 5000);
  if (sqlite3_open_v2 (temporary, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                   _("The map could not be copied into the hub’s folder: %s"), sqlite3_errmsg (copy));
      goto out;
    }
  backup = sqlite3_backup_init (copy, "main", source, "main");
  if (backup == NULL)
    {
      not_mbtiles (error, file);
      goto out;
    }
  {
    int rc = sqlite3_backup_step (backup, -1);

    sqlite3_backup_finish (backup);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
      {
        not_mbtiles (error, file);
        goto out;
      }
    if (rc != SQLITE_DONE)
      {
        g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                     _("The map could not be copied into the hub’s folder: %s"), sqlite3_errmsg (copy));
        goto out;
      }
  }
  sqlite3_exec (copy, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL", NULL, NULL, NULL);
  if (!check_and_complete (copy, file, summary, error))
    goto out;
  if (sqlite3_close (copy) != SQLITE_OK)
    {
      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                   _("The map could not be copied into the hub’s folder: %s"), sqlite3_errmsg (copy));
      goto out;
    }
  copy = NULL;
  {
    int fd = open (temporary, O_RDONLY);

    if (fd >= 0)
      {
        fsync (fd);
        close (fd);
      }
  }
  if (g_rename (temporary, target) != 0)
    {
      int saved = errno;

      g_set_error (error, VTR_HUB_TILES_ERROR, VTR_HUB_TILES_ERROR_FAILED,
                   _("The map could not be copied into the hub’s folder: %s"), g_strerror (saved));
      goto out;
    }
  sync_folder (dir);
  ok = TRUE;

out:
  if (copy)
    sqlite3_close (copy);
  if (source)
    sqlite3_close (source);
  if (!ok)
    {
      g_unlink (temporary);
      vtr_hub_tiles_summary_clear (summary);
    }
  return ok;
}

/* Serving. */

gboolean
vtr_hub_tiles_handles (const char *method,
                       const char *path)
{
  return (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")) && g_str_has_prefix (path, PREFIX);
}

VtrHubTiles *
vtr_hub_tiles_new (const char *dir)
{
  VtrHubTiles *tiles = g_new0 (VtrHubTiles, 1);

  tiles->path = g_build_filename (dir, TILES_FILE, NULL);
  return tiles;
}

static void
tiles_close (VtrHubTiles *tiles)
{
  g_clear_pointer (&tiles->get, sqlite3_finalize);
  g_clear_pointer (&tiles->db, sqlite3_close);
  g_clear_pointer (&tiles->metadata, g_bytes_unref);
  g_clear_pointer (&tiles->metadata_etag, g_free);
  tiles->ino = 0;
}

void
vtr_hub_tiles_free (VtrHubTiles *tiles)
{
  if (tiles == NULL)
    return;
  tiles_close (tiles);
  g_free (tiles->path);
  g_free (tiles);
}

static GBytes *
metadata_json (sqlite3 *db)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = metadata_get (db, "name");
  g_autofree char *bounds = metadata_get (db, "bounds");
  g_autofree char *center = metadata_get (db, "center");
  g_autofree char *minzoom = metadata_get (db, "minzoom");
  g_autofree char *maxzoom = metadata_get (db, "maxzoom");
  g_autofree char *attribution = metadata_get (db, "attribution");
  g_autofree char *version = metadata_get (db, "vitrine_version");
  g_auto(GStrv) parts = bounds ? g_strsplit (bounds, ",", 4) : NULL;
  char *text;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "name", name ? name : "");
  json_builder_set_member_name (builder, "bounds");
  json_builder_begin_array (builder);
  for (guint i = 0; parts && i < 4 && parts[i]; i++)
    json_builder_add_double_value (builder, g_ascii_strtod (parts[i], NULL));
  json_builder_end_array (builder);
  vtr_json_add_int (builder, "minzoom", minzoom ? atoi (minzoom) : 0);
  vtr_json_add_int (builder, "maxzoom", maxzoom ? atoi (maxzoom) : 0);
  vtr_json_add_string (builder, "attribution", attribution ? attribution : ATTRIBUTION_OSM);
  vtr_json_add_string (builder, "version", version ? version : "");
  vtr_json_add_string (builder, "format", "png");
  vtr_json_add_string (builder, "tiles", PREFIX "{z}/{x}/{y}.png");
  json_builder_end_object (builder);
  text = vtr_json_builder_to_data (builder, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* The file as it is now: opened again when an import replaced it. */
static gboolean
tiles_refresh (VtrHubTiles *tiles)
{
  struct stat st;

  if (stat (tiles->path, &st) != 0)
    {
      tiles_close (tiles);
      return FALSE;
    }
  if (tiles->db && st.st_ino == tiles->ino && st.st_dev == tiles->dev &&
      (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == tiles->mtime_ns)
    return TRUE;
  tiles_close (tiles);
  if (sqlite3_open_v2 (tiles->path, &tiles->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (tiles->db,
                          "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          -1, &tiles->get, NULL) != SQLITE_OK)
    {
      g_warning ("The map's tiles (%s) cannot be read: %s", tiles->path, sqlite3_errmsg (tiles->db));
      tiles_close (tiles);
      return FALSE;
    }
  sqlite3_busy_timeout (tiles->db, 2000);
  tiles->metadata = metadata_json (tiles->db);
  {
    g_autofree char *version = metadata_get (tiles->db, "vitrine_version");

    tiles->metadata_etag = g_strdup_printf ("\"m-%s\"", version ? version : "");
  }
  tiles->dev = st.st_dev;
  tiles->ino = st.st_ino;
  tiles->mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  return TRUE;
}

static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  return if_none_match && (g_str_equal (if_none_match, "*") || strstr (if_none_match, etag) != NULL);
}

/* "/tiles/Z/X/Y.png", each a plain decimal number within the zoom. */
static gboolean
parse_tile_path (const char *path,
                 int        *z,
                 int        *x,
                 int        *y)
{
  g_auto(GStrv) parts = NULL;
  gint64 values[3];

  if (!g_str_has_suffix (path, ".png"))
    return FALSE;
  parts = g_strsplit (path + strlen (PREFIX), "/", -1);
  if (g_strv_length (parts) != 3)
    return FALSE;
  parts[2][strlen (parts[2]) - strlen (".png")] = '\0';
  for (guint i = 0; i < 3; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXINT32, &value, NULL) || strlen (parts[i]) > 8)
        return FALSE;
      values[i] = (gint64) value;
    }
  if (values[0] > MAX_ZOOM || values[1] >= ((gint64) 1 << values[0]) || values[2] >= ((gint64) 1 << values[0]))
    return FALSE;
  *z = (int) values[0];
  *x = (int) values[1];
  *y = (int) values[2];
  return TRUE;
}

static void
answer_missing (VtrHubTilesAnswer *answer,
                const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  char *text;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "error", "not-found");
  vtr_json_add_string (builder, "message", message);
  json_builder_end_object (builder);
  text = vtr_json_builder_to_data (builder, FALSE);
  answer->status = SOUP_STATUS_NOT_FOUND;
  answer->body = g_bytes_new_take (text, strlen (text));
  answer->content_type = "application/json";
  /* A kiosk asks again at its next sync; a browser need not ask sooner. */
  answer->cache_control = "public, max-age=3600";
}

/**
 * vtr_hub_tiles_serve:
 * @path: "/tiles/metadata.json" or "/tiles/Z/X/Y.png"
 * @if_none_match: (nullable): the request's If-None-Match
 *
 * The answer to a GET of the map's tiles, on a worker thread.
 */
void
vtr_hub_tiles_serve (VtrHubTiles       *tiles,
                     const char        *path,
                     const char        *if_none_match,
                     VtrHubTilesAnswer *answer)
{
  int z, x, y, rc;

  memset (answer, 0, sizeof *answer);
  if (!tiles_refresh (tiles))
    {
      answer_missing (answer, _("This hub has no map yet"));
      answer->cache_control = "no-cache";
      return;
    }
  if (g_str_equal (path, PREFIX "metadata.json"))
    {
      answer->etag = g_strdup (tiles->metadata_etag);
      answer->cache_control = "no-cache";
      answer->content_type = "application/json";
      if (etag_matches (if_none_match, answer->etag))
        answer->status = SOUP_STATUS_NOT_MODIFIED;
      else
        {
          answer->status = SOUP_STATUS_OK;
          answer->body = g_bytes_ref (tiles->metadata);
        }
      return;
    }
  if (!parse_tile_path (path, &z, &x, &y))
    {
      answer_missing (answer, _("There is no such tile of the map"));
      return;
    }
  sqlite3_reset (tiles->get);
  sqlite3_bind_int (tiles->get, 1, z);
  sqlite3_bind_int (tiles->get, 2, x);
  sqlite3_bind_int (tiles->get, 3, (1 << z) - 1 - y);
  rc = sqlite3_step (tiles->get);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        g_warning ("The map's tile %d/%d/%d cannot be read: %s", z, x, y, sqlite3_errmsg (tiles->db));
      sqlite3_reset (tiles->get);
      answer_missing (answer, _("There is no such tile of the map"));
      return;
    }
  {
    const void *data = sqlite3_column_blob (tiles->get, 0);
    int size = sqlite3_column_bytes (tiles->get, 0);
    g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_MD5, data, size);

    answer->etag = g_strdup_printf ("\"%.20s\"", sum);
    answer->content_type = "image/png";
    /* Tiles change when the federation imports a new map, seldom: a day
     * in a phone's cache, then asked again with the tag. */
    answer->cache_control = "public, max-age=86400";
    if (etag_matches (if_none_match, answer->etag))
      answer->status = SOUP_STATUS_NOT_MODIFIED;
    else
      {
        answer->status = SOUP_STATUS_OK;
        answer->body = g_bytes_new (data, size);
      }
  }
  sqlite3_reset (tiles->get);
}

#pragma once

#include <cairo.h>
#include <math.h>
#include <sqlite3.h>

#include <glib.h>

/*
 * A small MBTiles 1.3 file, as the kiosk's cache holds one: 256 px PNG
 * tiles drawn with cairo (a plain colour, a grid of "streets" and the
 * tile's name), written with SQLite in TMS rows (2^z − 1 − y).
 */

static inline int
vtr_test_tile_x (double lon,
                 int    zoom)
{
  return (int) floor ((lon + 180.0) / 360.0 * (1 << zoom));
}

static inline int
vtr_test_tile_y (double lat,
                 int    zoom)
{
  double r = lat * G_PI / 180.0;

  return (int) floor ((1.0 - log (tan (r) + 1.0 / cos (r)) / G_PI) / 2.0 * (1 << zoom));
}

static cairo_status_t
vtr_test_tiles_append (void                *closure,
                       const unsigned char *data,
                       unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A tile of colour (r, g, b) with white streets every 64 px. */
static inline GBytes *
vtr_test_tile_png (int    zoom,
                   int    x,
                   int    y,
                   double r,
                   double g,
                   double b)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();
  g_autofree char *name = g_strdup_printf ("%d/%d/%d", zoom, x, y);

  cairo_set_source_rgb (cr, r, g, b);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 6);
  for (int i = 32; i < 256; i += 64)
    {
      cairo_move_to (cr, i, 0);
      cairo_line_to (cr, i, 256);
      cairo_move_to (cr, 0, i);
      cairo_line_to (cr, 256, i);
    }
  cairo_stroke (cr);
  cairo_move_to (cr, 8, 20);
  cairo_set_font_size (cr, 14);
  cairo_show_text (cr, name);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, vtr_test_tiles_append, png);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

/*
 * Writes @path: the tiles within @radius tiles of (@lat, @lon) at zooms
 * @min_zoom to @max_zoom, each the colour (r, g, b). Returns the count.
 */
static inline guint
vtr_test_write_mbtiles (const char *path,
                        double      lat,
                        double      lon,
                        int         min_zoom,
                        int         max_zoom,
                        int         radius,
                        double      r,
                        double      g,
                        double      b)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  guint count = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "BEGIN;"
                                 "CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);"
                                 "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER,"
                                 " tile_row INTEGER, tile_data BLOB);"
                                 "CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);"
                                 "INSERT INTO metadata VALUES ('name', 'test'), ('format', 'png'),"
                                 " ('attribution', '© OpenStreetMap contributors');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", -1, &insert, NULL),
                   ==, SQLITE_OK);
  for (int z = min_zoom; z <= max_zoom; z++)
    {
      int cx = vtr_test_tile_x (lon, z), cy = vtr_test_tile_y (lat, z);

      for (int x = cx - radius; x <= cx + radius; x++)
        for (int y = cy - radius; y <= cy + radius; y++)
          {
            g_autoptr(GBytes) png = vtr_test_tile_png (z, x, y, r, g, b);
            gsize size;
            gconstpointer data = g_bytes_get_data (png, &size);

            sqlite3_bind_int (insert, 1, z);
            sqlite3_bind_int (insert, 2, x);
            sqlite3_bind_int (insert, 3, (1 << z) - 1 - y);
            sqlite3_bind_blob (insert, 4, data, (int) size, SQLITE_TRANSIENT);
            g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
            sqlite3_reset (insert);
            count++;
          }
    }
  sqlite3_finalize (insert);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return count;
}

#pragma once

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <sqlite3.h>

/*
 * MBTiles files made for tests and benchmarks: real SQLite, real 256 px
 * PNG tiles drawn with Cairo, rows counted from the south (TMS).
 */

/* The Web Mercator tile (x, y from the north-west) holding a point. */
static inline void
vtr_test_tile_at (double lat,
                  double lon,
                  int    z,
                  int   *x,
                  int   *y)
{
  double n = (double) (1 << z);
  double lat_rad = lat * G_PI / 180.0;

  *x = (int) floor ((lon + 180.0) / 360.0 * n);
  *y = (int) floor ((1.0 - log (tan (lat_rad) + 1.0 / cos (lat_rad)) / G_PI) / 2.0 * n);
}

static cairo_status_t
vtr_test_png_append (void                *closure,
                     const unsigned char *data,
                     unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A 256 px tile of one colour, marked with its address and @variant. */
static inline GBytes *
vtr_test_tile_png (int z,
                   int x,
                   int y,
                   int variant)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  cairo_set_source_rgb (cr, (z % 7) / 7.0, (x % 5) / 5.0, ((y + variant) % 3) / 3.0);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x % 200, y % 200, 10 + variant, 10);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, vtr_test_png_append, png);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

/* An MBTiles file at @path with every tile of zoom @min_zoom to
 * @max_zoom within @radius_m metres (a square) of (@lat, @lon). Tiles
 * with @variant differ from those with another. Returns how many. */
static inline guint
vtr_test_tiles_make (const char *path,
                     double      lat,
                     double      lon,
                     double      radius_m,
                     int         min_zoom,
                     int         max_zoom,
                     int         variant)
{
  double dlat = radius_m / 111320.0, dlon = radius_m / (111320.0 * cos (lat * G_PI / 180.0));
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  guint n = 0;

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE metadata (name TEXT, value TEXT);"
                                 "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                                 "                    tile_data BLOB);"
                                 "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
                                 "INSERT INTO metadata VALUES ('name', 'Test'), ('format', 'png'),"
                                 "  ('attribution', '© OpenStreetMap contributors');"
                                 "BEGIN",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &insert, NULL), ==, SQLITE_OK);
  for (int z = min_zoom; z <= max_zoom; z++)
    {
      int x0, y0, x1, y1;

      vtr_test_tile_at (lat + dlat, lon - dlon, z, &x0, &y0);
      vtr_test_tile_at (lat - dlat, lon + dlon, z, &x1, &y1);
      for (int x = x0; x <= x1; x++)
        for (int y = y0; y <= y1; y++)
          {
            g_autoptr(GBytes) png = vtr_test_tile_png (z, x, y, variant);

            sqlite3_bind_int (insert, 1, z);
            sqlite3_bind_int (insert, 2, x);
            sqlite3_bind_int (insert, 3, (1 << z) - 1 - y);
            sqlite3_bind_blob (insert, 4, g_bytes_get_data (png, NULL), (int) g_bytes_get_size (png),
                               SQLITE_TRANSIENT);
            g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
            sqlite3_reset (insert);
            n++;
          }
    }
  sqlite3_finalize (insert);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return n;
}

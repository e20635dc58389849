#pragma once

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <sqlite3.h>

/*
 * MBTiles 1.3 files made for tests and benchmarks, as the hub imports
 * them and the kiosk's cache holds them: real SQLite, real 256 px PNG
 * tiles drawn with Cairo (a colour, a grid of "streets", the tile's
 * name), rows counted from the south (TMS: 2^z − 1 − y).
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

/* The Web Mercator tile (x, y from the north-west) holding a point. */
static inline void
vtr_test_tile_at (double lat,
                  double lon,
                  int    z,
                  int   *x,
                  int   *y)
{
  *x = vtr_test_tile_x (lon, z);
  *y = vtr_test_tile_y (lat, z);
}

static void
vtr_test_tiles_append (png_structp  png,
                       png_bytep    data,
                       size_t       length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
vtr_test_tiles_flush (png_structp png)
{
}

/* @surface as a PNG, as cairo_surface_write_to_png_stream() writes it but
 * at zlib's fastest level and with no row filter: the tests' tiles are
 * made by the thousand, and compressing them was most of their time
 * (issue 15: the suite under 5 minutes). */
static inline GByteArray *
vtr_test_tiles_encode (cairo_surface_t *surface)
{
  GByteArray *bytes = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  unsigned char *data;

  g_assert_nonnull (info);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  if (setjmp (png_jmpbuf (png)))
    g_error ("A test tile could not be written as a PNG");
  png_set_write_fn (png, bytes, vtr_test_tiles_append, vtr_test_tiles_flush);
  png_set_compression_level (png, 1);
  png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_IHDR (png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE,
                PNG_FILTER_TYPE_BASE);
  png_write_info (png, info);
  /* Cairo's RGB24: a native-endian 32-bit word per pixel, xRGB. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  png_set_bgr (png);
  png_set_filler (png, 0, PNG_FILLER_AFTER);
#else
  png_set_filler (png, 0, PNG_FILLER_BEFORE);
#endif
  for (int row = 0; row < height; row++)
    png_write_row (png, data + (gsize) row * stride);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return bytes;
}

/* A tile of colour (r, g, b) with white streets every 64 px and its
 * name; a @variant above 0 adds a mark, so the same tile differs. */
static inline GBytes *
vtr_test_tile_png_coloured (int    zoom,
                            int    x,
                            int    y,
                            double r,
                            double g,
                            double b,
                            int    variant)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png;
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
  if (variant > 0)
    {
      cairo_rectangle (cr, x % 200, y % 200, 10 + variant, 10);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  png = vtr_test_tiles_encode (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

/* A tile whose colour comes from its address and @variant. */
static inline GBytes *
vtr_test_tile_png (int z,
                   int x,
                   int y,
                   int variant)
{
  return vtr_test_tile_png_coloured (z, x, y, (z % 7) / 7.0, (x % 5) / 5.0, ((y + variant) % 3) / 3.0, variant);
}

/*
 * Writes @path anew: at each zoom from @min_zoom to @max_zoom, the tiles
 * within @radius_m metres (a square) of (@lat, @lon), and @pad more
 * tiles on each side; coloured @rgb, or by their address when NULL.
 * Returns how many.
 */
static inline guint
vtr_test_mbtiles_write (const char   *path,
                        double        lat,
                        double        lon,
                        double        radius_m,
                        int           pad,
                        int           min_zoom,
                        int           max_zoom,
                        const double *rgb,
                        int           variant)
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
      for (int x = x0 - pad; x <= x1 + pad; x++)
        for (int y = y0 - pad; y <= y1 + pad; y++)
          {
            g_autoptr(GBytes) png = rgb ? vtr_test_tile_png_coloured (z, x, y, rgb[0], rgb[1], rgb[2], variant)
                                        : vtr_test_tile_png (z, x, y, variant);

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

/* Every tile within @radius_m metres, coloured by its address. */
static inline guint
vtr_test_tiles_make (const char *path,
                     double      lat,
                     double      lon,
                     double      radius_m,
                     int         min_zoom,
                     int         max_zoom,
                     int         variant)
{
  return vtr_test_mbtiles_write (path, lat, lon, radius_m, 0, min_zoom, max_zoom, NULL, variant);
}

/* The tiles within @radius tiles of the point's, all of colour (r, g, b). */
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
  const double rgb[] = { r, g, b };

  return vtr_test_mbtiles_write (path, lat, lon, 0, radius, min_zoom, max_zoom, rgb, 0);
}

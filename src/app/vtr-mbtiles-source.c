#include "config.h"

#include "vtr-mbtiles-source.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>
#include <sqlite3.h>

/*
 * The map's tiles, read from the kiosk's own cache: an MBTiles 1.3 file
 * (SQLite, table tiles(zoom_level, tile_column, tile_row, tile_data), rows
 * counted from the south, TMS) that sync fills with the kiosk's area. Tiles
 * are read on GTask's worker threads, never on the main thread: one
 * read-only connection, opened on first use and shared under a mutex, as
 * SQLite reads are short next to decoding the PNG that follows.
 *
 * The file may not be there yet (a kiosk before its first sync) or lack a
 * tile (outside the area, or a zoom not fetched): the map then shows a
 * neutral background for that square, never an error, so a shopper sees
 * the pins on plain ground rather than a broken screen.
 */

#define TILE_SIZE 256

struct _VtrMbtilesSource
{
  ShumateDataSource  parent_instance;

  char              *path;
  GMutex             lock;
  sqlite3           *db;        /* under lock */
  sqlite3_stmt      *select;    /* under lock */
  gboolean           tried;     /* under lock: opening failed, do not retry each tile */
  gint64             opened_at; /* under lock: when it was last tried */
  guint              missing;   /* atomic: tiles drawn as background */
};

G_DEFINE_FINAL_TYPE (VtrMbtilesSource, vtr_mbtiles_source, SHUMATE_TYPE_DATA_SOURCE)

/* A missing file is tried again at most this often: sync may bring it. */
#define RETRY_USEC (30 * G_USEC_PER_SEC)

/*
 * Tiles as shumate decodes them fastest. Shumate 1.0 decodes a tile's
 * picture on the main thread when it arrives (gdk-pixbuf), and a map shows
 * a dozen tiles at once: a PNG tile costs about a millisecond there
 * (inflating it), the same picture as a binary PPM a quarter of that (its
 * rows copied). So the worker that reads a tile decodes its PNG and hands
 * shumate the pixels as a PPM; a tile with transparency (PPM has none), or
 * one gdk-pixbuf cannot read, goes as it came.
 */
static GBytes *
ppm_new (int           width,
         int           height,
         const guchar *pixels,
         int           rowstride,
         int           n_channels)
{
  g_autofree char *header = g_strdup_printf ("P6\n%d %d\n255\n", width, height);
  gsize header_len = strlen (header);
  gsize size = header_len + (gsize) width * height * 3;
  guchar *data = g_malloc (size);
  guchar *out = data + header_len;

  memcpy (data, header, header_len);
  for (int y = 0; y < height; y++)
    {
      const guchar *row = pixels + (gsize) y * rowstride;

      if (n_channels == 3)
        memcpy (out, row, (gsize) width * 3);
      else
        for (int x = 0; x < width; x++)
          memcpy (out + x * 3, row + x * n_channels, 3);
      out += (gsize) width * 3;
    }
  return g_bytes_new_take (data, size);
}

/* On a worker thread. */
static GBytes *
to_ppm (GBytes *tile)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (tile);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, NULL);

  if (pixbuf == NULL || gdk_pixbuf_get_has_alpha (pixbuf) || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    return g_bytes_ref (tile);
  return ppm_new (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                  gdk_pixbuf_read_pixels (pixbuf), gdk_pixbuf_get_rowstride (pixbuf),
                  gdk_pixbuf_get_n_channels (pixbuf));
}

/**
 * vtr_mbtiles_source_neutral_tile:
 *
 * The square drawn where the cache has no tile: plain light ground, the
 * colour of the map's streets' blocks, so it reads as "no detail here".
 *
 * Returns: (transfer full): a 256 px picture (a binary PPM, see to_ppm ())
 */
GBytes *
vtr_mbtiles_source_neutral_tile (void)
{
  static gsize ready;
  static GBytes *neutral;

  if (g_once_init_enter (&ready))
    {
      /* 0.93, 0.92, 0.89 */
      static const guchar ground[3] = { 237, 235, 227 };
      g_autofree guchar *row = g_malloc (TILE_SIZE * 3);

      for (int x = 0; x < TILE_SIZE; x++)
        memcpy (row + x * 3, ground, 3);
      /* Every row the same: a rowstride of 0. */
      neutral = ppm_new (TILE_SIZE, TILE_SIZE, row, 0, 3);
      g_once_init_leave (&ready, 1);
    }
  return g_bytes_ref (neutral);
}

/* Under lock. */
static gboolean
ensure_open (VtrMbtilesSource *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->select)
    return TRUE;
  if (self->tried && now - self->opened_at < RETRY_USEC)
    return FALSE;
  self->tried = TRUE;
  self->opened_at = now;
  if (!g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db,
                          "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          -1, &self->select, NULL) != SQLITE_OK)
    {
      g_debug ("Map tiles %s: %s", self->path, self->db ? sqlite3_errmsg (self->db) : "cannot open");
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  /* Sync writes the file while the map reads it: wait a moment rather than fail. */
  sqlite3_busy_timeout (self->db, 200);
  return TRUE;
}

static GBytes *
read_tile (VtrMbtilesSource *self,
           int               x,
           int               y,
           int               zoom)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GBytes *tile = NULL;

  if (zoom < 0 || zoom > 30 || !ensure_open (self))
    return NULL;
  sqlite3_bind_int (self->select, 1, zoom);
  sqlite3_bind_int (self->select, 2, x);
  /* MBTiles counts rows from the south (TMS); shumate from the north. */
  sqlite3_bind_int64 (self->select, 3, ((gint64) 1 << zoom) - 1 - y);
  if (sqlite3_step (self->select) == SQLITE_ROW && sqlite3_column_bytes (self->select, 0) > 0)
    tile = g_bytes_new (sqlite3_column_blob (self->select, 0), sqlite3_column_bytes (self->select, 0));
  sqlite3_reset (self->select);
  sqlite3_clear_bindings (self->select);
  return tile;
}

static void
read_tile_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  VtrMbtilesSource *self = source;
  const int *where = task_data;
  GBytes *tile = NULL;

  if (!g_task_return_error_if_cancelled (task))
    {
      tile = read_tile (self, where[0], where[1], where[2]);
      if (tile)
        {
          GBytes *picture = to_ppm (tile);

          g_bytes_unref (tile);
          tile = picture;
        }
      else
        {
          g_atomic_int_inc (&self->missing);
          tile = vtr_mbtiles_source_neutral_tile ();
        }
      g_task_return_pointer (task, tile, (GDestroyNotify) g_bytes_unref);
    }
}

/* Back on the main thread: shumate 1.0's raster renderer takes a tile's
 * data from the "received-data" signal, then the call's end. */
static void
on_tile_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  const int *where = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = g_task_propagate_pointer (G_TASK (result), &error);

  if (tile == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_emit_by_name (source, "received-data", where[0], where[1], where[2], tile);
  g_task_return_pointer (task, g_steal_pointer (&tile), (GDestroyNotify) g_bytes_unref);
}

static void
vtr_mbtiles_source_get_tile_data_async (ShumateDataSource   *source,
                                        int                  x,
                                        int                  y,
                                        int                  zoom_level,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GTask) read = g_task_new (source, cancellable, on_tile_read, task);
  int *where = g_new (int, 3);

  where[0] = x;
  where[1] = y;
  where[2] = zoom_level;
  g_task_set_source_tag (task, vtr_mbtiles_source_get_tile_data_async);
  g_task_set_task_data (read, where, g_free);
  g_task_run_in_thread (read, read_tile_thread);
}

static GBytes *
vtr_mbtiles_source_get_tile_data_finish (ShumateDataSource  *source,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vtr_mbtiles_source_finalize (GObject *object)
{
  VtrMbtilesSource *self = VTR_MBTILES_SOURCE (object);

  g_clear_pointer (&self->select, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_free (self->path);

  G_OBJECT_CLASS (vtr_mbtiles_source_parent_class)->finalize (object);
}

static void
vtr_mbtiles_source_class_init (VtrMbtilesSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->finalize = vtr_mbtiles_source_finalize;
  source_class->get_tile_data_async = vtr_mbtiles_source_get_tile_data_async;
  source_class->get_tile_data_finish = vtr_mbtiles_source_get_tile_data_finish;
}

static void
vtr_mbtiles_source_init (VtrMbtilesSource *self)
{
  g_mutex_init (&self->lock);
}

/**
 * vtr_mbtiles_source_new:
 * @path: the MBTiles file, which need not exist yet
 */
VtrMbtilesSource *
vtr_mbtiles_source_new (const char *path)
{
  VtrMbtilesSource *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (VTR_TYPE_MBTILES_SOURCE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
vtr_mbtiles_source_get_path (VtrMbtilesSource *self)
{
  g_return_val_if_fail (VTR_IS_MBTILES_SOURCE (self), NULL);

  return self->path;
}

/**
 * vtr_mbtiles_source_get_missing:
 *
 * Returns: how many tiles were asked that the cache did not have, drawn
 *   as plain background
 */
guint
vtr_mbtiles_source_get_missing (VtrMbtilesSource *self)
{
  g_return_val_if_fail (VTR_IS_MBTILES_SOURCE (self), 0);

  return g_atomic_int_get (&self->missing);
}

#include "config.h"

#include "vtr-mbtiles-source.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/*
 * The map's tiles, read from the kiosk's own cache: an MBTiles 1.3 file
 * (SQLite, table tiles(zoom_level, tile_column, tile_row, tile_data), rows
 * counted from the south, TMS) that sync fills with the kiosk's area.
 *
 * A map source of its own rather than shumate's raster renderer over a
 * data source: the raster renderer decodes each PNG on the main thread
 * into an RGB texture, and GTK 4.8's cairo renderer (the kiosk's) then
 * converts that texture to its own premultiplied BGRA for every tile on
 * every frame. Here each tile is read and decoded once, on GTask's worker
 * threads, straight into cairo's own pixels (VtrTilePaintable below): a
 * frame while panning composites tiles, it converts none. SQLite is one
 * read-only connection, opened on first use and shared under a mutex, as
 * its reads are short next to decoding the PNG that follows.
 *
 * The file may not be there yet (a kiosk before its first sync) or lack a
 * tile (outside the area, or a zoom not fetched): the map then shows a
 * neutral background for that square, never an error, so a shopper sees
 * the pins on plain ground rather than a broken screen.
 */

#define TILE_SIZE 256

/*
 * The tiles decoded last, whichever map asked for them: each product or
 * shop screen has a map of its own, around the same kiosk, and a new map
 * shows at once the tiles the last one decoded rather than plain ground
 * for the second or two its workers take (a loaded 2-core kiosk). Main
 * thread only; by file, as the file stood (a sync that rewrites it makes
 * a new generation); the oldest go first. About 256 KB a tile.
 */
#define RECENT_TILES 160

static GHashTable *recent;      /* "generation path z/x/y" → GdkPaintable */
static GQueue      recent_order = G_QUEUE_INIT; /* keys, oldest first (owned by the table) */

struct _VtrMbtilesSource
{
  ShumateMapSource   parent_instance;

  char              *path;
  GMutex             lock;
  sqlite3           *db;        /* under lock */
  sqlite3_stmt      *select;    /* under lock */
  gboolean           tried;     /* under lock: opening failed, do not retry each tile */
  gint64             opened_at; /* under lock: when it was last tried */
  guint              missing;   /* atomic: tiles drawn as background */
  char              *generation; /* the file as it stood when opened: its key in recent */
};

G_DEFINE_FINAL_TYPE (VtrMbtilesSource, vtr_mbtiles_source, SHUMATE_TYPE_MAP_SOURCE)

/* A missing file is tried again at most this often: sync may bring it. */
#define RETRY_USEC (30 * G_USEC_PER_SEC)

/*
 * A tile's picture, decoded once. GTK 4.8's cairo renderer draws a
 * texture by downloading it into a new cairo surface on every frame,
 * through floats, whatever the texture's memory format: 40 tiles in view
 * are 40 conversions a frame. So a tile keeps cairo's own surface and,
 * under the cairo renderer, draws it as a cairo node: the frame composites
 * the tile's pixels as they are, with pixman. Under a GPU renderer it draws
 * the same pixels as a texture (GDK_MEMORY_DEFAULT, sharing the surface's
 * memory), which that renderer uploads once.
 */
#define VTR_TYPE_TILE_PAINTABLE (vtr_tile_paintable_get_type ())
G_DECLARE_FINAL_TYPE (VtrTilePaintable, vtr_tile_paintable, VTR, TILE_PAINTABLE, GObject)

struct _VtrTilePaintable
{
  GObject          parent_instance;

  cairo_surface_t *surface;
  GdkTexture      *texture;
};

/* Atomic: whether windows draw with GSK's cairo renderer (they all do, or
 * none: GTK picks one renderer for the display). */
static int draw_with_cairo;

static void vtr_tile_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VtrTilePaintable, vtr_tile_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, vtr_tile_paintable_iface_init))

static void
vtr_tile_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  VtrTilePaintable *self = VTR_TILE_PAINTABLE (paintable);
  int surface_width = cairo_image_surface_get_width (self->surface);
  int surface_height = cairo_image_surface_get_height (self->surface);
  cairo_t *cr;

  if (!g_atomic_int_get (&draw_with_cairo))
    {
      gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
      return;
    }
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (width != surface_width || height != surface_height)
    {
      /* Between two zoom levels: scaled, smoothly enough for streets. */
      cairo_scale (cr, width / surface_width, height / surface_height);
      cairo_set_source_surface (cr, self->surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
    }
  else
    {
      /* At its own size, pixel for pixel: a drag leaves the map between
       * two pixels, and cairo's default filter would then interpolate
       * every pixel of every tile; this one copies them. */
      cairo_set_source_surface (cr, self->surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
    }
  cairo_paint (cr);
  cairo_destroy (cr);
}

static int
vtr_tile_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return cairo_image_surface_get_width (VTR_TILE_PAINTABLE (paintable)->surface);
}

static int
vtr_tile_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return cairo_image_surface_get_height (VTR_TILE_PAINTABLE (paintable)->surface);
}

static GdkPaintableFlags
vtr_tile_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
vtr_tile_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = vtr_tile_paintable_snapshot;
  iface->get_intrinsic_width = vtr_tile_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = vtr_tile_paintable_get_intrinsic_height;
  iface->get_flags = vtr_tile_paintable_get_flags;
}

static void
vtr_tile_paintable_finalize (GObject *object)
{
  VtrTilePaintable *self = VTR_TILE_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (vtr_tile_paintable_parent_class)->finalize (object);
}

static void
vtr_tile_paintable_class_init (VtrTilePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vtr_tile_paintable_finalize;
}

static void
vtr_tile_paintable_init (VtrTilePaintable *self)
{
}

/* Any thread: takes an image surface (ARGB32 or RGB24) that nothing will
 * draw on again. */
static VtrTilePaintable *
vtr_tile_paintable_new (cairo_surface_t *surface)
{
  VtrTilePaintable *self = g_object_new (VTR_TYPE_TILE_PAINTABLE, NULL);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) pixels = NULL;

  cairo_surface_flush (surface);
  if (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_RGB24)
    {
      /* RGB24's fourth byte is unspecified: opaque, as the texture reads it. */
      unsigned char *data = cairo_image_surface_get_data (surface);

      for (int y = 0; y < height; y++)
        {
          guint32 *row = (guint32 *) (data + (gsize) y * stride);

          for (int x = 0; x < width; x++)
            row[x] |= 0xff000000u;
        }
      cairo_surface_mark_dirty (surface);
    }
  self->surface = cairo_surface_reference (surface);
  pixels = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * height,
                                       (GDestroyNotify) cairo_surface_destroy, cairo_surface_reference (surface));
  self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, pixels, stride);
  return self;
}

/* The square drawn where the cache has no tile: plain light ground, the
 * colour of the map's streets' blocks, so it reads as "no detail here".
 * One picture for all such squares. */
static GdkPaintable *
neutral_tile (void)
{
  static gsize ready;
  static VtrTilePaintable *neutral;

  if (g_once_init_enter (&ready))
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE_SIZE, TILE_SIZE);
      cairo_t *cr = cairo_create (surface);

      cairo_set_source_rgb (cr, 0.93, 0.92, 0.89);
      cairo_paint (cr);
      cairo_destroy (cr);
      neutral = vtr_tile_paintable_new (surface);
      cairo_surface_destroy (surface);
      g_once_init_leave (&ready, 1);
    }
  return g_object_ref (GDK_PAINTABLE (neutral));
}

/* The plain ground's picture, without a reference. */
static GdkPaintable *
neutral_tile_peek (void)
{
  g_autoptr(GdkPaintable) neutral = neutral_tile ();

  return neutral;
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

typedef struct
{
  const guint8 *data;
  gsize         length;
  gsize         offset;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *reader = closure;

  if (reader->length - reader->offset < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, reader->data + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The tile's PNG decoded into cairo's own pixels, or NULL if it is no PNG. */
static GdkPaintable *
decode_tile (GBytes *png)
{
  PngReader reader = { 0 };
  cairo_surface_t *surface;
  GdkPaintable *tile = NULL;

  reader.data = g_bytes_get_data (png, &reader.length);
  surface = cairo_image_surface_create_from_png_stream (read_png, &reader);
  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS &&
      (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32 ||
       cairo_image_surface_get_format (surface) == CAIRO_FORMAT_RGB24))
    tile = GDK_PAINTABLE (vtr_tile_paintable_new (surface));
  else
    g_debug ("Map tile: not a PNG cairo reads (%s)", cairo_status_to_string (cairo_surface_status (surface)));
  cairo_surface_destroy (surface);
  return tile;
}

/* On a worker thread: read, decode, and make the tile's picture (immutable
 * from then on; GTK makes memory textures off the main thread itself). */
static void
fill_tile_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  VtrMbtilesSource *self = source;
  const int *where = task_data;
  g_autoptr(GBytes) png = NULL;
  GdkPaintable *tile = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  png = read_tile (self, where[0], where[1], where[2]);
  if (png)
    tile = decode_tile (png);
  if (tile == NULL)
    {
      g_atomic_int_inc (&self->missing);
      tile = neutral_tile ();
    }
  g_task_return_pointer (task, tile, g_object_unref);
}

static char *
recent_key (VtrMbtilesSource *self,
            ShumateTile      *tile)
{
  return g_strdup_printf ("%s %u/%u/%u", self->generation, shumate_tile_get_zoom_level (tile),
                          shumate_tile_get_x (tile), shumate_tile_get_y (tile));
}

static void
remember_tile (VtrMbtilesSource *self,
               ShumateTile      *tile,
               GdkPaintable     *picture)
{
  char *key = recent_key (self, tile);

  if (recent == NULL)
    recent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (g_hash_table_contains (recent, key))
    {
      g_free (key);
      return;
    }
  while (g_queue_get_length (&recent_order) >= RECENT_TILES)
    g_hash_table_remove (recent, g_queue_pop_head (&recent_order));
  g_hash_table_insert (recent, key, g_object_ref (picture));
  g_queue_push_tail (&recent_order, key);
}

/* Back on the main thread: the tile gets its texture, drawn from now on. */
static void
on_tile_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  ShumateTile *tile = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPaintable) picture = g_task_propagate_pointer (G_TASK (result), &error);

  if (picture == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Plain ground is not remembered: a sync may bring the tile. */
  if (picture != neutral_tile_peek ())
    remember_tile (VTR_MBTILES_SOURCE (source), tile, picture);
  shumate_tile_set_paintable (tile, picture);
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_task_return_boolean (task, TRUE);
}

static void
vtr_mbtiles_source_fill_tile_async (ShumateMapSource    *source,
                                    ShumateTile         *tile,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GTask) decode = NULL;
  g_autofree char *key = recent_key (VTR_MBTILES_SOURCE (source), tile);
  GdkPaintable *known = recent ? g_hash_table_lookup (recent, key) : NULL;
  int *where;

  g_task_set_source_tag (task, vtr_mbtiles_source_fill_tile_async);
  g_task_set_task_data (task, g_object_ref (tile), g_object_unref);
  /* Decoded a moment ago for another map: shown now, without fading in. */
  if (known)
    {
      shumate_tile_set_fade_in (tile, FALSE);
      shumate_tile_set_paintable (tile, known);
      shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  decode = g_task_new (source, cancellable, on_tile_decoded, task);
  where = g_new (int, 3);
  where[0] = shumate_tile_get_x (tile);
  where[1] = shumate_tile_get_y (tile);
  where[2] = shumate_tile_get_zoom_level (tile);
  g_task_set_task_data (decode, where, g_free);
  g_task_run_in_thread (decode, fill_tile_thread);
}

static gboolean
vtr_mbtiles_source_fill_tile_finish (ShumateMapSource  *source,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
vtr_mbtiles_source_finalize (GObject *object)
{
  VtrMbtilesSource *self = VTR_MBTILES_SOURCE (object);

  g_clear_pointer (&self->select, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->generation);

  G_OBJECT_CLASS (vtr_mbtiles_source_parent_class)->finalize (object);
}

static void
vtr_mbtiles_source_class_init (VtrMbtilesSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = vtr_mbtiles_source_finalize;
  source_class->fill_tile_async = vtr_mbtiles_source_fill_tile_async;
  source_class->fill_tile_finish = vtr_mbtiles_source_fill_tile_finish;
}

static void
vtr_mbtiles_source_init (VtrMbtilesSource *self)
{
  g_mutex_init (&self->lock);
}

/**
 * vtr_mbtiles_source_new:
 * @path: the MBTiles file, which need not exist yet
 *
 * A map source of 256 px Web Mercator tiles credited to OpenStreetMap's
 * contributors; its name and zoom levels are the caller's to set.
 */
VtrMbtilesSource *
vtr_mbtiles_source_new (const char *path)
{
  VtrMbtilesSource *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (VTR_TYPE_MBTILES_SOURCE,
                       "id", "vitrine-local",
                       /* The licence of OpenStreetMap's data: shown, not translated. */
                       "license", "© OpenStreetMap contributors",
                       "license-uri", "https://www.openstreetmap.org/copyright",
                       "tile-size", TILE_SIZE,
                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                       NULL);
  self->path = g_strdup (path);
  {
    GStatBuf st;

    /* A file rewritten by a sync is another generation of tiles. */
    if (g_stat (path, &st) == 0)
      self->generation = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s", (gint64) st.st_mtime,
                                          (gint64) st.st_size, path);
    else
      self->generation = g_strdup_printf ("none:%s", path);
  }
  return self;
}

const char *
vtr_mbtiles_source_get_path (VtrMbtilesSource *self)
{
  g_return_val_if_fail (VTR_IS_MBTILES_SOURCE (self), NULL);

  return self->path;
}

/**
 * vtr_mbtiles_source_draw_with_cairo:
 * @cairo: whether windows draw with GSK's cairo renderer
 *
 * How every source's tiles are drawn from the next frame: as cairo nodes
 * (no conversion on each frame under the cairo renderer) or as textures
 * (a GPU renderer uploads them once). Textures until told.
 */
void
vtr_mbtiles_source_draw_with_cairo (gboolean cairo)
{
  g_atomic_int_set (&draw_with_cairo, !!cairo);
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

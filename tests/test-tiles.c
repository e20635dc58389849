/*
 * The map's tiles (issue 22, docs/tiles.md): `vitrine-hub tiles import`,
 * the hub's /tiles/ on the real vitrine-hub on 127.0.0.1, and a kiosk
 * that fetches its area during sync and keeps it when the hub is gone.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "vtr-sync.h"
#include "vtr-sync-tiles.h"
#include "vtr-test-hub.h"
#include "vtr-test-proxy.h"
#include "vtr-test-tiles.h"

/* The kiosk's position by default (the schema's): the Vieux-Port. */
#define KIOSK_LAT 43.2951
#define KIOSK_LON 5.3744

typedef struct
{
  guint  status;
  char  *etag;
  char  *cache_control;
  GBytes *body;
} Answer;

static void
answer_clear (Answer *a)
{
  g_clear_pointer (&a->etag, g_free);
  g_clear_pointer (&a->cache_control, g_free);
  g_clear_pointer (&a->body, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
get (VtrTestHub *hub,
     const char *path,
     const char *if_none_match,
     Answer     *answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (if_none_match)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", if_none_match);
  answer->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  answer->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  answer->cache_control = g_strdup (soup_message_headers_get_one (headers, "Cache-Control"));
}

/* A tile's bytes in an MBTiles file (x, y from the north), or NULL. */
static GBytes *
read_tile (const char *path,
           int         z,
           int         x,
           int         y)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                                       "AND tile_row = ?",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, z);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, (1 << z) - 1 - y);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

static char *
file_digest (const char *path)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
}

/* The federation imports an MBTiles file: the hub says what it holds in
 * French, and serves each tile with a tag, 304 for a tag it has, 404 for
 * a tile it lacks; the metadata says the bounds, zooms and licence. */
static void
test_import_and_serve (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *file = g_build_filename (dir, "marseille.mbtiles", NULL);
  g_autofree char *served = g_build_filename (dir, "hub", "tiles.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  const char *env[] = { "LANGUAGE", "fr", NULL };
  g_auto(VtrTestResult) r = { 0 };
  g_auto(Answer) tile = { 0 };
  g_auto(Answer) again = { 0 };
  g_auto(Answer) missing = { 0 };
  g_auto(Answer) meta = { 0 };
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  JsonArray *bounds;
  VtrTestHub *hub;
  guint n;
  int x, y;

  n = vtr_test_tiles_make (file, KIOSK_LAT, KIOSK_LON, 300, 13, 15, 0);
  vtr_test_run (&r, "VITRINE_HUB", hub_dir, env, "tiles", "import", file, NULL);
  g_assert_cmpint (r.status, ==, 0);
  text = g_strdup_printf ("%u tuiles", n);
  g_assert_nonnull (strstr (r.out, text));
  g_assert_nonnull (strstr (r.out, "13 à 15"));
  g_assert_nonnull (strstr (r.out, "© OpenStreetMap contributors"));
  g_assert_true (g_file_test (served, G_FILE_TEST_IS_REGULAR));

  hub = vtr_test_hub_start (hub_dir, 0);
  vtr_test_tile_at (KIOSK_LAT, KIOSK_LON, 15, &x, &y);
  path = g_strdup_printf ("/tiles/15/%d/%d.png", x, y);
  get (hub, path, NULL, &tile);
  g_assert_cmpuint (tile.status, ==, 200);
  expected = read_tile (file, 15, x, y);
  g_assert_nonnull (expected);
  g_assert_true (g_bytes_equal (tile.body, expected));
  g_assert_nonnull (tile.etag);
  g_assert_nonnull (strstr (tile.cache_control, "max-age="));

  get (hub, path, tile.etag, &again);
  g_assert_cmpuint (again.status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (again.body), ==, 0);

  /* Outside the file's area, and addresses that are no tile. */
  get (hub, "/tiles/15/0/0.png", NULL, &missing);
  g_assert_cmpuint (missing.status, ==, 404);
  answer_clear (&missing);
  get (hub, "/tiles/30/1/1.png", NULL, &missing);
  g_assert_cmpuint (missing.status, ==, 404);
  answer_clear (&missing);
  get (hub, "/tiles/15/-1/2.png", NULL, &missing);
  g_assert_cmpuint (missing.status, ==, 404);

  get (hub, "/tiles/metadata.json", NULL, &meta);
  g_assert_cmpuint (meta.status, ==, 200);
  object = vtr_test_parse_object (g_bytes_get_data (meta.body, NULL));
  g_assert_cmpint (json_object_get_int_member (object, "minzoom"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (object, "maxzoom"), ==, 15);
  g_assert_cmpstr (json_object_get_string_member (object, "attribution"), ==, "© OpenStreetMap contributors");
  g_assert_cmpstr (json_object_get_string_member (object, "tiles"), ==, "/tiles/{z}/{x}/{y}.png");
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "version")), ==, 16);
  bounds = json_object_get_array_member (object, "bounds");
  g_assert_cmpuint (json_array_get_length (bounds), ==, 4);
  g_assert_cmpfloat (json_array_get_double_element (bounds, 0), <, KIOSK_LON);
  g_assert_cmpfloat (json_array_get_double_element (bounds, 1), <, KIOSK_LAT);
  g_assert_cmpfloat (json_array_get_double_element (bounds, 2), >, KIOSK_LON);
  g_assert_cmpfloat (json_array_get_double_element (bounds, 3), >, KIOSK_LAT);

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
}

/* A hub without a map says so with a 404, not an error of its own. */
static void
test_no_map (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_auto(Answer) meta = { 0 };
  g_auto(Answer) tile = { 0 };
  VtrTestHub *hub = vtr_test_hub_start (dir, 0);

  get (hub, "/tiles/metadata.json", NULL, &meta);
  g_assert_cmpuint (meta.status, ==, 404);
  get (hub, "/tiles/13/4220/2990.png", NULL, &tile);
  g_assert_cmpuint (tile.status, ==, 404);
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
}

/* A file that is not MBTiles, damaged or empty is refused with words the
 * federation understands, and the map served before stays. */
static void
test_import_refuses (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *good = g_build_filename (dir, "good.mbtiles", NULL);
  g_autofree char *text = g_build_filename (dir, "text.mbtiles", NULL);
  g_autofree char *other = g_build_filename (dir, "other.mbtiles", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *served = g_build_filename (hub_dir, "tiles.mbtiles", NULL);
  g_autofree char *before = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  gsize length;
  sqlite3 *db = NULL;

  vtr_test_tiles_make (good, KIOSK_LAT, KIOSK_LON, 200, 13, 14, 0);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", good, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  before = file_digest (served);

  g_assert_true (g_file_set_contents (text, "name,value\nnot,a map\n", -1, NULL));
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE merchant (id INTEGER); INSERT INTO merchant VALUES (1)", NULL,
                                 NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  /* An MBTiles file cut in the middle of its copy. */
  g_assert_true (g_file_get_contents (good, &data, &length, NULL));
  g_assert_true (g_file_set_contents (cut, data, length / 2, NULL));

  for (guint i = 0; i < 3; i++)
    {
      const char *file = i == 0 ? text : i == 1 ? other : cut;
      g_auto(VtrTestResult) r = { 0 };
      g_autofree char *after = NULL;

      vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, "nothing was replaced"));
      after = file_digest (served);
      g_assert_cmpstr (after, ==, before);
    }
  /* No copy left behind. */
  listing = g_dir_open (hub_dir, 0, NULL);
  while ((name = g_dir_read_name (listing)))
    g_assert_false (g_str_has_prefix (name, ".tiles"));
  vtr_test_remove_tree (dir);
}

/* A new map imported while the hub serves is served at once. */
static void
test_import_while_serving (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *first = g_build_filename (dir, "first.mbtiles", NULL);
  g_autofree char *second = g_build_filename (dir, "second.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GBytes) new_tile = NULL;
  VtrTestHub *hub;
  int x, y;

  vtr_test_tiles_make (first, KIOSK_LAT, KIOSK_LON, 200, 14, 14, 0);
  vtr_test_tiles_make (second, KIOSK_LAT, KIOSK_LON, 200, 14, 14, 1);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", first, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  hub = vtr_test_hub_start (hub_dir, 0);
  vtr_test_tile_at (KIOSK_LAT, KIOSK_LON, 14, &x, &y);
  path = g_strdup_printf ("/tiles/14/%d/%d.png", x, y);
  {
    g_auto(Answer) a = { 0 };
    g_auto(VtrTestResult) r = { 0 };

    /* Each of the hub's four workers has read the first file. */
    for (guint i = 0; i < 8; i++)
      {
        answer_clear (&a);
        get (hub, path, NULL, &a);
        g_assert_cmpuint (a.status, ==, 200);
      }
    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", second, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  new_tile = read_tile (second, 14, x, y);
  for (guint i = 0; i < 8; i++)
    {
      g_auto(Answer) a = { 0 };

      get (hub, path, NULL, &a);
      g_assert_cmpuint (a.status, ==, 200);
      g_assert_true (g_bytes_equal (a.body, new_tile));
    }
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
}

static gint64
count_tiles (const char *path,
             const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM tiles %s", where ? where : "");

  return vtr_test_sql_int (path, sql);
}

/* A paired kiosk syncs with the default settings (1500 m around it, zoom
 * 13 to 18): its tiles.mbtiles holds its area; a second sync downloads
 * nothing; after a new import only the changed tile comes again; with the
 * hub stopped, the kiosk still has its map. */
static void
test_kiosk_prefetch_offline (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *file = g_build_filename (dir, "area.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *kiosk_dir = g_build_filename (dir, "kiosk", NULL);
  g_autofree char *cache = g_build_filename (kiosk_dir, "tiles.mbtiles", NULL);
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) changed = NULL;
  VtrSyncReport report = { 0 };
  VtrTestHub *hub;
  gint64 n_kept;
  int x, y;

  /* The hub's map is wider than the kiosk's area. */
  vtr_test_tiles_make (file, KIOSK_LAT, KIOSK_LON, 2500, 12, 18, 0);
  vtr_test_hub_init_demo (hub_dir);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  hub = vtr_test_hub_start (hub_dir, 0);
  code = vtr_test_hub_add_device (hub_dir, "Kiosque du Port", NULL);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_CTL", kiosk_dir, NULL, "pair", code, "--hub", hub->url, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }

  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);

    g_assert_no_error (error);
    g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
    g_assert_no_error (error);
  }
  n_kept = count_tiles (cache, NULL);
  g_assert_cmpint (report.tiles_fetched, ==, n_kept);
  g_assert_cmpint (report.tiles_kept, ==, n_kept);
  g_assert_cmpuint (report.tiles_bytes, >, 0);
  /* Every zoom from 13 to 18, nothing else; about π·1.5² km² of 18's. */
  for (int z = 12; z <= 19; z++)
    {
      g_autofree char *where = g_strdup_printf ("WHERE zoom_level = %d", z);

      if (z < 13 || z > 18)
        g_assert_cmpint (count_tiles (cache, where), ==, 0);
      else
        g_assert_cmpint (count_tiles (cache, where), >, 0);
    }
  g_assert_cmpint (count_tiles (cache, "WHERE zoom_level = 18"), >, 400);
  g_assert_cmpint (count_tiles (cache, "WHERE zoom_level = 18"), <, 1000);
  vtr_test_tile_at (KIOSK_LAT, KIOSK_LON, 18, &x, &y);
  {
    g_autoptr(GBytes) mine = read_tile (cache, 18, x, y);
    g_autoptr(GBytes) hubs = read_tile (file, 18, x, y);

    g_assert_nonnull (mine);
    g_assert_true (g_bytes_equal (mine, hubs));
  }
  g_assert_cmpint (vtr_test_sql_int (cache, "SELECT count(*) FROM metadata WHERE name = 'attribution' "
                                            "AND value = '© OpenStreetMap contributors'"),
                   ==, 1);

  /* Nothing changed: nothing comes. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);

    memset (&report, 0, sizeof report);
    g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
    g_assert_cmpuint (report.tiles_fetched, ==, 0);
    g_assert_cmpuint (report.tiles_unchanged, ==, 0);
    g_assert_cmpint (report.tiles_kept, ==, n_kept);
  }

  /* The federation changes one tile and imports again: that one comes,
   * the others are only asked. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_auto(VtrTestResult) r = { 0 };

    changed = vtr_test_tile_png (18, x, y, 2);
    g_assert_cmpint (sqlite3_open (file, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "UPDATE tiles SET tile_data = ? WHERE zoom_level = 18 AND tile_column = ? "
                                         "AND tile_row = ?",
                                         -1, &stmt, NULL),
                     ==, SQLITE_OK);
    sqlite3_bind_blob (stmt, 1, g_bytes_get_data (changed, NULL), (int) g_bytes_get_size (changed), SQLITE_STATIC);
    sqlite3_bind_int (stmt, 2, x);
    sqlite3_bind_int (stmt, 3, (1 << 18) - 1 - y);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    g_assert_cmpint (sqlite3_changes (db), ==, 1);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);
    g_autoptr(GBytes) mine = NULL;

    memset (&report, 0, sizeof report);
    g_assert_true (vtr_sync_client_run (client, &report, NULL, &error));
    g_assert_cmpuint (report.tiles_fetched, ==, 1);
    g_assert_cmpuint (report.tiles_unchanged, ==, n_kept - 1);
    mine = read_tile (cache, 18, x, y);
    g_assert_true (g_bytes_equal (mine, changed));
  }

  /* Offline: the sync fails, the map stays. */
  vtr_test_hub_stop (hub, SIGTERM);
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);
    g_autoptr(GError) offline = NULL;
    g_autoptr(GBytes) mine = NULL;

    memset (&report, 0, sizeof report);
    g_assert_false (vtr_sync_client_run (client, &report, NULL, &offline));
    g_assert_error (offline, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE);
    g_assert_cmpint (count_tiles (cache, NULL), ==, n_kept);
    mine = read_tile (cache, 18, x, y);
    g_assert_true (g_bytes_equal (mine, changed));
  }
  /* And straight to the map's fetch, without the rest of the sync. */
  {
    g_autoptr(VtrStore) store = vtr_store_open (kiosk_dir, &error);
    g_autoptr(VtrSyncClient) client = vtr_sync_client_new (store, &error);
    g_autoptr(GError) offline = NULL;
    VtrTilesReport tiles;

    g_assert_false (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 1500, 200000000, &tiles, NULL,
                                                 &offline));
    g_assert_error (offline, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE);
    g_assert_cmpint (count_tiles (cache, NULL), ==, n_kept);
  }
  vtr_test_remove_tree (dir);
}

/* The kiosk's tiles never take more than their limit; a fetch cut by the
 * limit or by the hub going away goes on from where it was. */
static void
test_kiosk_prefetch_bounded_resumed (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *file = g_build_filename (dir, "area.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *kiosk_dir = g_build_filename (dir, "kiosk", NULL);
  g_autofree char *cache = g_build_filename (kiosk_dir, "tiles.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrSyncClient) client = NULL;
  VtrHubLink link = { NULL, "no-token-needed", 7, "Kiosque", 0, 0 };
  VtrTilesReport tiles;
  VtrTestHub *hub;
  gint64 all, bytes;

  vtr_test_tiles_make (file, KIOSK_LAT, KIOSK_LON, 600, 13, 18, 0);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  hub = vtr_test_hub_start (hub_dir, 0);
  g_mkdir_with_parents (kiosk_dir, 0700);
  store = vtr_store_open (kiosk_dir, &error);
  g_assert_no_error (error);
  link.url = hub->url;
  g_assert_true (vtr_sync_state_save_link (store, &link, &error));
  client = vtr_sync_client_new (store, &error);
  g_assert_no_error (error);

  /* 40 KB: some tiles, not all. */
  g_assert_true (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 500, 40000, &tiles, NULL, &error));
  g_assert_true (tiles.full);
  bytes = vtr_test_sql_int (cache, "SELECT sum(length(tile_data)) FROM tiles");
  g_assert_cmpint (bytes, <=, 40000);
  g_assert_cmpint (bytes, >, 0);
  g_assert_cmpint (count_tiles (cache, NULL), <, tiles.wanted);
  /* The widest zooms first. */
  g_assert_cmpint (count_tiles (cache, "WHERE zoom_level = 13"), >, 0);

  /* No limit: the rest comes; tiles already there are not asked again. */
  g_assert_true (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 500, 1 << 30, &tiles, NULL, &error));
  all = tiles.wanted;
  g_assert_cmpint (count_tiles (cache, NULL), ==, all);

  /* A wider area while the hub is gone: what the kiosk has stays; once
   * the hub is back, the next fetch asks only for the rest. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    gint64 before = count_tiles (cache, NULL), during;

    vtr_test_hub_stop (hub, SIGKILL);
    g_assert_false (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 600, 1 << 30, &tiles, cancellable,
                                                 &error));
    g_clear_error (&error);
    g_assert_cmpint (count_tiles (cache, NULL), ==, before);
    hub = vtr_test_hub_start (hub_dir, 0);
    link.url = hub->url;
    g_assert_true (vtr_sync_state_save_link (store, &link, &error));
    vtr_sync_client_free (g_steal_pointer (&client));
    client = vtr_sync_client_new (store, &error);
    g_assert_true (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 600, 1 << 30, &tiles, NULL, &error));
    during = count_tiles (cache, NULL);
    g_assert_cmpint (during, ==, tiles.wanted);
    /* Only the new ones came: those of the smaller area were current. */
    g_assert_cmpint (tiles.fetched, ==, during - before);
    g_assert_cmpint (tiles.unchanged, ==, 0);
  }
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
}

/* The hub stops answering in the middle of a fetch (after 40 tiles, a
 * 503 as while it restarts): those stay, and the next fetch downloads
 * only the others. */
static void
test_kiosk_prefetch_resumes (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autofree char *file = g_build_filename (dir, "area.mbtiles", NULL);
  g_autofree char *hub_dir = g_build_filename (dir, "hub", NULL);
  g_autofree char *kiosk_dir = g_build_filename (dir, "kiosk", NULL);
  g_autofree char *cache = g_build_filename (kiosk_dir, "tiles.mbtiles", NULL);
  g_autofree char *proxy_url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrSyncClient) client = NULL;
  VtrHubLink link = { NULL, "no-token-needed", 7, "Kiosque", 0, 0 };
  VtrTestProxy *proxy;
  VtrTilesReport tiles;
  VtrTestHub *hub;

  vtr_test_tiles_make (file, KIOSK_LAT, KIOSK_LON, 500, 13, 18, 0);
  {
    g_auto(VtrTestResult) r = { 0 };

    vtr_test_run (&r, "VITRINE_HUB", hub_dir, NULL, "tiles", "import", file, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  hub = vtr_test_hub_start (hub_dir, 0);
  proxy = vtr_test_proxy_new (hub->port);
  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", vtr_test_proxy_get_port (proxy));
  g_mkdir_with_parents (kiosk_dir, 0700);
  store = vtr_store_open (kiosk_dir, &error);
  g_assert_no_error (error);
  link.url = proxy_url;
  g_assert_true (vtr_sync_state_save_link (store, &link, &error));
  client = vtr_sync_client_new (store, &error);
  g_assert_no_error (error);

  /* metadata.json and 40 tiles, then a 503. */
  for (guint i = 0; i < 41; i++)
    vtr_test_proxy_add_fault (proxy, VTR_FAULT_NONE);
  vtr_test_proxy_add_fault (proxy, VTR_FAULT_503);
  g_assert_false (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 400, 1 << 30, &tiles, NULL, &error));
  g_assert_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpint (count_tiles (cache, NULL), ==, 40);
  g_assert_cmpuint (tiles.wanted, >, 80);

  g_assert_true (vtr_sync_client_fetch_tiles (client, KIOSK_LAT, KIOSK_LON, 400, 1 << 30, &tiles, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tiles.fetched, ==, tiles.wanted - 40);
  g_assert_cmpuint (tiles.unchanged, ==, 0);
  g_assert_cmpint (count_tiles (cache, NULL), ==, tiles.wanted);

  vtr_test_proxy_free (proxy);
  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tiles/import-and-serve", test_import_and_serve);
  g_test_add_func ("/tiles/no-map", test_no_map);
  g_test_add_func ("/tiles/import-refuses", test_import_refuses);
  g_test_add_func ("/tiles/import-while-serving", test_import_while_serving);
  g_test_add_func ("/tiles/kiosk-prefetch-offline", test_kiosk_prefetch_offline);
  g_test_add_func ("/tiles/kiosk-prefetch-bounded-resumed", test_kiosk_prefetch_bounded_resumed);
  g_test_add_func ("/tiles/kiosk-prefetch-resumes", test_kiosk_prefetch_resumes);
  return g_test_run ();
}

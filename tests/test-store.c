#include "config.h"

#include <sqlite3.h>

#include "vtr-store-private.h"
#include "vtr-test-util.h"

typedef struct
{
  char *dir;
  char *catalog_path;
  char *journal_path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = vtr_test_make_data_dir ();
  f->catalog_path = g_build_filename (f->dir, "catalog.db", NULL);
  f->journal_path = g_build_filename (f->dir, "journal.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->catalog_path);
  g_free (f->journal_path);
}

static char *
raw_query (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static guint
count_files_with_prefix (const char *dir, const char *prefix)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      n++;
  g_dir_close (d);
  return n;
}

static char *
find_file_with_prefix (const char *dir, const char *prefix)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      found = g_build_filename (dir, name, NULL);
  g_dir_close (d);
  return found;
}

static void
test_create (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  g_autofree char *journal_version = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_assert_cmpstr (vtr_store_get_data_dir (store), ==, f->dir);

  g_clear_object (&store);

  mode = raw_query (f->catalog_path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_free (mode);
  mode = raw_query (f->journal_path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  version = raw_query (f->catalog_path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, vtr_store_catalog_version ());
  journal_version = raw_query (f->journal_path, "PRAGMA user_version");
  g_assert_cmpint (atoi (journal_version), ==, vtr_store_journal_version ());

  /* Opening again migrates nothing and loses nothing. */
  raw_exec (f->journal_path, "INSERT INTO outbox (uuid, kind, payload, created) "
                             "VALUES ('a1', 'test', '{}', 1)");
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_clear_object (&store);
  g_free (version);
  version = raw_query (f->journal_path, "SELECT uuid FROM outbox");
  g_assert_cmpstr (version, ==, "a1");
}

static void
test_default_dir (void)
{
  g_autofree char *dir = NULL;

  g_setenv ("VITRINE_DATA_DIR", "/tmp/somewhere-else", TRUE);
  dir = vtr_store_default_data_dir ();
  g_assert_cmpstr (dir, ==, "/tmp/somewhere-else");
  g_free (dir);

  g_unsetenv ("VITRINE_DATA_DIR");
  dir = vtr_store_default_data_dir ();
  g_assert_true (g_str_has_suffix (dir, "/vitrine"));
  g_assert_true (g_str_has_prefix (dir, g_get_user_data_dir ()));
}

static void
test_newer_schema_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  raw_exec (f->catalog_path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  before = file_checksum (f->catalog_path);

  store = vtr_store_open (f->dir, &error);
  g_assert_null (store);
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Vitrine"));

  /* Not a byte changed, nothing set aside. */
  after = file_checksum (f->catalog_path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "catalog.db.damaged"), ==, 0);
}

static void
write_garbage (const char *path)
{
  GString *garbage = g_string_new (NULL);

  for (int i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) (i * 7919 % 251));
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));
  g_string_free (garbage, TRUE);
}

static void
test_corrupt_catalog_rebuilt (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_sum = NULL;
  const char * const *notices;

  write_garbage (f->catalog_path);
  before = file_checksum (f->catalog_path);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  notices = vtr_store_get_notices (store);
  g_assert_nonnull (notices[0]);
  g_assert_nonnull (strstr (notices[0], "catalogue"));
  g_assert_null (notices[1]);

  /* The damaged file is kept, as it was, under the name the notice gives. */
  aside = find_file_with_prefix (f->dir, "catalog.db.damaged-");
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (notices[0], aside));
  aside_sum = file_checksum (aside);
  g_assert_cmpstr (aside_sum, ==, before);

  /* And the new catalogue works. */
  g_assert_true (vtr_store_exec (store, "INSERT INTO product (id, name) VALUES (1, 'Pain')", &error));
  g_assert_no_error (error);
}

static void
test_corrupt_journal_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);
  g_autofree char *before = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_sum = NULL;
  const char * const *notices;

  g_assert_no_error (error);
  g_clear_object (&store);

  write_garbage (f->journal_path);
  before = file_checksum (f->journal_path);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  notices = vtr_store_get_notices (store);
  g_assert_nonnull (notices[0]);
  g_assert_nonnull (strstr (notices[0], "journal"));

  aside = find_file_with_prefix (f->dir, "journal.db.damaged-");
  g_assert_nonnull (aside);
  aside_sum = file_checksum (aside);
  g_assert_cmpstr (aside_sum, ==, before);

  /* Opening again does not set anything else aside. */
  g_clear_object (&store);
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "journal.db.damaged-"), ==, 1);
}

static void
test_damage_found_while_working (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);
  g_autofree char *uuid = NULL;

  g_assert_no_error (error);
  g_assert_true (vtr_store_exec (store,
                                 "INSERT INTO journal.outbox (uuid, kind, payload, created) "
                                 "VALUES ('keep-me', 'test', '{}', 1)",
                                 &error));

  /* A query that meets a damaged page reports it in plain words... */
  g_assert_false (vtr_store_set_error (store, SQLITE_CORRUPT, &error));
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);
  g_clear_object (&store);

  /* ...and the next start rebuilds the catalogue, keeping the sound journal. */
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vtr_store_get_notices (store)[0]);
  g_assert_null (vtr_store_get_notices (store)[1]);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "catalog.db.damaged-"), ==, 1);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "journal.db.damaged-"), ==, 0);
  g_clear_object (&store);
  uuid = raw_query (f->journal_path, "SELECT uuid FROM outbox");
  g_assert_cmpstr (uuid, ==, "keep-me");
}

static void
test_unusable_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open ("/dev/null/vitrine", &error);

  g_assert_null (store);
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "/dev/null/vitrine"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/create", Fixture, NULL, fixture_set_up, test_create, fixture_tear_down);
  g_test_add_func ("/store/default-dir", test_default_dir);
  g_test_add ("/store/newer-schema-refused", Fixture, NULL, fixture_set_up,
              test_newer_schema_refused, fixture_tear_down);
  g_test_add ("/store/corrupt-catalog-rebuilt", Fixture, NULL, fixture_set_up,
              test_corrupt_catalog_rebuilt, fixture_tear_down);
  g_test_add ("/store/corrupt-journal-kept", Fixture, NULL, fixture_set_up,
              test_corrupt_journal_kept, fixture_tear_down);
  g_test_add ("/store/damage-found-while-working", Fixture, NULL, fixture_set_up,
              test_damage_found_while_working, fixture_tear_down);
  g_test_add_func ("/store/unusable-folder", test_unusable_folder);

  return g_test_run ();
}

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "vtr-catalog.h"
#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-print-jobs.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-test-keys.h"
#include "vtr-test-kiosk.h"
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

/* A kiosk in use: a shop with its loyalty rule, a staff session, and the
 * link to its hub. Returns the session for the writers. */
static char *
prepare_kiosk (const char *dir)
{
  g_autoptr(GError) error = NULL;
  char *session = vtr_test_kiosk_prepare (dir, 1, &error);

  g_assert_no_error (error);
  return session;
}

static void
stop (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

/* The lines a program printed, the last one only if whole. */
static GStrv
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  char *end;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  end = strrchr (text, '\n');
  if (end == NULL)
    return g_new0 (char *, 1);
  *end = '\0';
  return g_strsplit (text, "\n", -1);
}

/* Every credit a writer said done is in the journal, once, with its
 * outbox row. Returns how many. */
static guint
assert_credits_kept (VtrStore           *store,
                     const char * const *lines)
{
  g_autoptr(VtrStatement) credit =
    vtr_store_statement (store,
                         "SELECT count (*) FROM journal.loyalty_event JOIN journal.outbox "
                         "USING (uuid) WHERE uuid = ?",
                         NULL);
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    {
      /* Kept busy past the store's wait by writers back to back: said, and
       * the writer went on, as a script running vitrine-ctl again would. */
      if (g_str_has_prefix (lines[i], "busy "))
        continue;
      if (!g_str_has_prefix (lines[i], "credit "))
        g_error ("a writer said: %s", lines[i]);
      sqlite3_reset (credit);
      sqlite3_bind_text (credit, 1, lines[i] + 7, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (credit), ==, SQLITE_ROW);
      if (sqlite3_column_int (credit, 0) != 1)
        g_error ("the credit %s, said done, is lost", lines[i] + 7);
      n++;
    }
  return n;
}

static void
assert_still_paired (VtrStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (link);
  g_assert_cmpstr (link->token, ==, "secret-token");
}

/* Damage met while working leaves a mark for the next start; the app,
 * still running, goes on opening stores of its own (its sync service, its
 * printing) without waiting for itself, and the next start with the folder
 * to itself checks in full. */
static void
test_damage_mark_while_open (Fixture *f, gconstpointer data)
{
  g_autofree char *marker = g_build_filename (f->dir, "damaged", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) app = vtr_store_open (f->dir, &error);
  gint64 started;

  g_assert_no_error (error);
  g_assert_true (vtr_store_set_error (app, SQLITE_CORRUPT, &error) == FALSE);
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));

  started = g_get_monotonic_time ();
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(VtrStore) sync = vtr_store_open (f->dir, &error);

      g_assert_no_error (error);
      g_assert_nonnull (sync);
    }
  /* No wait for a claim the app itself holds (it was 10 s each). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));

  g_clear_object (&app);
  app = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
}

/* Two writers, the sync service's opens and this process's on one folder,
 * as on a kiosk where someone runs vitrine-ctl: nothing is set aside and
 * every credit said done is there. */
static void
test_two_programs (Fixture *f, gconstpointer data)
{
  const char *writer = g_getenv ("VITRINE_JOURNAL_WRITER");
  g_autofree char *session = prepare_kiosk (f->dir);
  g_autofree char *out_a = g_build_filename (f->dir, "writer-a.txt", NULL);
  g_autofree char *out_b = g_build_filename (f->dir, "writer-b.txt", NULL);
  g_autofree char *out_open = g_build_filename (f->dir, "opener.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocess) opener = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_auto(GStrv) lines_a = NULL;
  g_auto(GStrv) lines_b = NULL;
  g_auto(GStrv) lines_open = NULL;
  gint64 until = g_get_monotonic_time () + 8 * G_USEC_PER_SEC * vtr_test_slow ();
  guint opens = 0, busy = 0, credits;

  g_assert_nonnull (writer);

  a = vtr_test_spawn_to_file (out_a, NULL, &error, writer, f->dir, session, "credits", NULL);
  g_assert_no_error (error);
  b = vtr_test_spawn_to_file (out_b, NULL, &error, writer, f->dir, session, "credits-reopen", NULL);
  g_assert_no_error (error);
  opener = vtr_test_spawn_to_file (out_open, NULL, &error, writer, f->dir, "open", NULL);
  g_assert_no_error (error);

  /* This process opens the store too, as vitrine-ctl would. */
  while (g_get_monotonic_time () < until)
    {
      g_autoptr(VtrStore) mine = vtr_store_open (f->dir, &error);

      if (g_error_matches (error, VTR_STORE_ERROR, VTR_STORE_ERROR_BUSY))
        {
          g_clear_error (&error);
          busy++;
          continue;
        }
      g_assert_no_error (error);
      g_assert_null (vtr_store_get_notices (mine)[0]);
      opens++;
    }
  /* Still writing: no write failed. */
  g_assert_nonnull (g_subprocess_get_identifier (a));
  g_assert_nonnull (g_subprocess_get_identifier (b));
  stop (a);
  stop (b);
  stop (opener);

  g_assert_cmpuint (vtr_test_count_set_aside (f->dir), ==, 0);
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_store_get_notices (store)[0]);
  assert_still_paired (store);
  lines_a = read_lines (out_a);
  lines_b = read_lines (out_b);
  credits = assert_credits_kept (store, (const char * const *) lines_a) +
            assert_credits_kept (store, (const char * const *) lines_b);
  g_assert_cmpuint (credits, >, 20);
  /* A writer stopped between its commit and its line said one less. */
  g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.outbox"), >=, credits);
  g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.outbox"), <=, credits + 2);

  /* The sync service's opens all went through. */
  lines_open = read_lines (out_open);
  g_assert_cmpuint (g_strv_length (lines_open), >, 10);
  for (guint i = 0; lines_open[i]; i++)
    if (g_str_has_prefix (lines_open[i], "busy "))
      busy++;
    else if (!g_str_equal (lines_open[i], "open"))
      g_error ("the sync service's open said: %s", lines_open[i]);
  g_test_message ("%u credits by two writers, %u opens by the sync service, %u by the test, "
                  "%u waits for the others past the store's timeout",
                  credits, g_strv_length (lines_open), opens, busy);
}

/* Damage met while working leaves its marker; the next start would set
 * the kiosk's catalogue aside. While another program (a writer) has the
 * folder open, nothing is renamed: the open works on, changing nothing.
 * Once the writer is gone, the catalogue is set aside and the journal,
 * sound, kept with every credit. */
static void
test_no_rename_while_held (Fixture *f, gconstpointer data)
{
  const char *writer = g_getenv ("VITRINE_JOURNAL_WRITER");
  g_autofree char *session = prepare_kiosk (f->dir);
  g_autofree char *marker = g_build_filename (f->dir, "damaged", NULL);
  g_autofree char *out = g_build_filename (f->dir, "writer.txt", NULL);
  g_autoptr(GSubprocess) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (writer);
  held = vtr_test_spawn_to_file (out, NULL, &error, writer, f->dir, session, "credits", NULL);
  g_assert_no_error (error);
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_true (g_file_set_contents (marker, "", 0, NULL));

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_clear_object (&store);
  g_assert_cmpuint (vtr_test_count_set_aside (f->dir), ==, 0);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_assert_nonnull (g_subprocess_get_identifier (held));
  stop (held);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vtr_store_get_notices (store)[0]);
  g_assert_null (vtr_store_get_notices (store)[1]);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "catalog.db.damaged-"), ==, 1);
  g_assert_cmpuint (count_files_with_prefix (f->dir, "journal.db.damaged-"), ==, 0);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  assert_still_paired (store);
  lines = read_lines (out);
  g_assert_cmpuint (assert_credits_kept (store, (const char * const *) lines), >, 0);
}

/* Another program holds the catalogue locked (SQLite's exclusive locking
 * mode) for a second: the store waits for it, and sets nothing aside. */
static void
test_locked_waited_for (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *session = prepare_kiosk (f->dir);
  int ready[2];
  char byte;
  pid_t child;

  g_assert_cmpint (pipe (ready), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      sqlite3 *db = NULL;

      if (sqlite3_open (f->catalog_path, &db) != SQLITE_OK ||
          sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                            "UPDATE merchant SET name = name; COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        _exit (1);
      if (write (ready[1], "x", 1) != 1)
        _exit (1);
      g_usleep (G_USEC_PER_SEC);
      sqlite3_close (db);
      _exit (0);
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_assert_cmpuint (vtr_test_count_set_aside (f->dir), ==, 0);
  assert_still_paired (store);
  g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM merchant"), ==, 1);
  waitpid (child, NULL, 0);
}

/* A tmpfs of 3 MB filled up while the kiosk works: credits fail with
 * "disk full", nothing is set aside, and once space is back the kiosk is
 * still paired and has every credit it said was done. The test mounts the
 * tmpfs and runs the kiosk's side in a subprocess, so the disk is
 * unmounted whatever happens. */
static void
test_full_disk (Fixture *f, gconstpointer data)
{
  const char *writer = g_getenv ("VITRINE_JOURNAL_WRITER");
  const char *mount_point = g_getenv ("VITRINE_TEST_SMALL_DISK");
  g_autofree char *dir = NULL;
  guint8 secret[VTR_SECRET_KEY_BYTES];
  g_autoptr(VtrKeyList) keys = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *out = g_build_filename (f->dir, "writer.txt", NULL);
  g_autofree char *out_open = g_build_filename (f->dir, "opener.txt", NULL);
  g_autofree char *session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) said_done = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) late_writer = NULL;
  g_autoptr(GSubprocess) opener = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) lines_open = NULL;
  char block[4096];
  int status = 0, fd;

  if (!g_test_subprocess ())
    {
      g_autofree char *small_disk = g_build_filename (f->dir, "small-disk", NULL);
      const char *mount[] = { "mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small_disk, NULL };
      const char *umount[] = { "umount", "--lazy", small_disk, NULL };
      g_autofree char *err = NULL;

      g_assert_cmpint (g_mkdir (small_disk, 0700), ==, 0);
      g_spawn_sync (NULL, (char **) mount, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("This test makes a real full disk: it must run as root to mount a 3 MB tmpfs "
                 "on %s (mount said: %s)", small_disk, err);
      g_setenv ("VITRINE_TEST_SMALL_DISK", small_disk, TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC * vtr_test_slow (),
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_unsetenv ("VITRINE_TEST_SMALL_DISK");
      g_spawn_sync (NULL, (char **) umount, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_nonnull (writer);
  g_assert_nonnull (mount_point);
  keys = vtr_test_key_list_new (secret);
  dir = g_build_filename (mount_point, "vitrine", NULL);
  filler = g_build_filename (mount_point, "filler", NULL);
  session = prepare_kiosk (dir);
  {
    g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_no_error (error);
    for (int i = 0; i < 20; i++)
      {
        g_autofree char *card = vtr_test_scan_card (store, keys, secret, NULL, &error);
        g_auto(VtrLoyaltyReceipt) receipt = { 0 };

        g_assert_no_error (error);

        g_assert_true (vtr_loyalty_credit (store, session, card, 250, NULL, 0, now, &receipt, &error));
        g_ptr_array_add (said_done, g_strconcat ("credit ", receipt.uuid, NULL));
      }
  }

  /* The disk fills up. */
  fd = g_open (filler, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  memset (block, 'x', sizeof block);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);

  /* The kiosk goes on: a writer and the sync service's opens, for 3 s. */
  late_writer = vtr_test_spawn_to_file (out, NULL, &error, writer, dir, session, "credits", NULL);
  g_assert_no_error (error);
  opener = vtr_test_spawn_to_file (out_open, NULL, &error, writer, dir, "open", NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 30; i++)
    {
      g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *card = NULL;
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };

      if (store == NULL)
        {
          g_assert_true (g_error_matches (error, VTR_STORE_ERROR, VTR_STORE_ERROR_DISK_FULL) ||
                         g_error_matches (error, VTR_STORE_ERROR, VTR_STORE_ERROR_FAILED));
          g_clear_error (&error);
        }
      /* The card is scanned, then credited: either may meet the full disk. */
      else if (!(card = vtr_test_scan_card (store, keys, secret, NULL, &error)) ||
               !vtr_loyalty_credit (store, session, card, 250, NULL, 0, now, &receipt, &error))
        {
          g_assert_true (strstr (error->message, "disk is full") != NULL ||
                         g_error_matches (error, VTR_STORE_ERROR, VTR_STORE_ERROR_FAILED));
          g_clear_error (&error);
        }
      else
        g_ptr_array_add (said_done, g_strconcat ("credit ", receipt.uuid, NULL));
      g_assert_cmpuint (vtr_test_count_set_aside (dir), ==, 0);
      g_usleep (100 * 1000);
    }
  stop (late_writer);
  stop (opener);
  g_assert_cmpuint (vtr_test_count_set_aside (dir), ==, 0);

  /* Space comes back. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  {
    g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *card = NULL;
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    g_assert_no_error (error);
    card = vtr_test_scan_card (store, keys, secret, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (vtr_store_get_notices (store)[0]);
    assert_still_paired (store);
    g_ptr_array_add (said_done, NULL);
    lines = read_lines (out);
    g_assert_cmpuint (assert_credits_kept (store, (const char * const *) said_done->pdata), ==, said_done->len - 1);
    /* The writer's lines: what it said done, then why it stopped. */
    for (guint i = 0; lines[i]; i++)
      if (!g_str_has_prefix (lines[i], "credit "))
        {
          if (!strstr (lines[i], "disk is full")) g_error ("writer: %s", lines[i]);
          g_clear_pointer (&lines[i], g_free);
          break;
        }
    assert_credits_kept (store, (const char * const *) lines);
    /* And it works again. */
    g_assert_true (vtr_loyalty_credit (store, session, card, 250, NULL, 0, now, &receipt, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (vtr_test_count_set_aside (dir), ==, 0);
  lines_open = read_lines (out_open);
  for (guint i = 0; lines_open[i]; i++)
    g_assert_false (g_str_has_prefix (lines_open[i], "notice"));
}

/* Overwrites page @page of @path (4 KB pages) with noise. */
static void
damage_page (const char *path,
             int         page)
{
  int fd = g_open (path, O_WRONLY, 0);
  char noise[4096];

  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) (i * 7919 % 251);
  g_assert_cmpint (pwrite (fd, noise, sizeof noise, (off_t) (page - 1) * sizeof noise), ==, sizeof noise);
  close (fd);
}

/* Credits @n new cards, each signed by a federation of one and scanned
 * first, as at a counter; returns the writers' lines said for them
 * ("credit UUID"), NULL-terminated, for assert_credits_kept(). */
static GPtrArray *
credit_new_cards (VtrStore   *store,
                  const char *session,
                  guint       n,
                  gint64      points)
{
  GPtrArray *said_done = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint8 secret[VTR_SECRET_KEY_BYTES];
  g_autoptr(VtrKeyList) keys = vtr_test_key_list_new (secret);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *card = vtr_test_scan_card (store, keys, secret, NULL, &error);
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };

      g_assert_no_error (error);
      g_assert_true (vtr_loyalty_credit (store, session, card, points, NULL, 0, now, &receipt, &error));
      g_ptr_array_add (said_done, g_strconcat ("credit ", receipt.uuid, NULL));
    }
  g_ptr_array_add (said_done, NULL);
  return said_done;
}

/* A journal really damaged (a page of its print queue overwritten), found
 * while working: the next start sets it aside and copies what can still
 * be read into the new journal: the pairing, the PINs, every credit
 * waiting to be sent. */
static void
test_damaged_journal_recovered (Fixture *f, gconstpointer data)
{
  g_autofree char *session = prepare_kiosk (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);
  g_autoptr(GPtrArray) said_done = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *root = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *login = NULL;
  g_autofree char *check = NULL;
  const char * const *notices;
  guint journal_notice;

  g_assert_no_error (error);
  said_done = credit_new_cards (store, session, 25, 300);
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *ticket = g_strnfill (200, 'T');

      g_assert_true (vtr_print_job_add (store, "order", "AB-1234", "default", ticket, 1, NULL, &error));
    }
  g_clear_object (&store);

  root = raw_query (f->journal_path, "SELECT rootpage FROM sqlite_schema WHERE name = 'print_job'");
  damage_page (f->journal_path, atoi (root));

  /* The damage is met while printing. */
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_print_job_pending (store, &error));
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&store);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  aside = find_file_with_prefix (f->dir, "journal.db.damaged-");
  g_assert_nonnull (aside);
  notices = vtr_store_get_notices (store);
  journal_notice = strstr (notices[0], "journal") ? 0 : 1;
  g_assert_nonnull (notices[journal_notice]);
  g_assert_nonnull (strstr (notices[journal_notice], aside));
  if (!strstr (notices[journal_notice], "25 events waiting")) g_error ("%s", notices[journal_notice]);

  /* Still paired, the PIN still works, every credit still to be sent. */
  assert_still_paired (store);
  login = vtr_staff_login (store, 1, "2468", now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (login);
  g_assert_cmpuint (assert_credits_kept (store, (const char * const *) said_done->pdata), ==, 25);
  g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.outbox"), ==, 25);
  g_clear_object (&store);
  check = raw_query (f->journal_path, "PRAGMA quick_check");
  g_assert_cmpstr (check, ==, "ok");
}

/* A journal set aside by a start that then failed (the new journal could
 * not be made: a full disk) is copied back at the next start that can,
 * once; its file stays as evidence. */
static void
test_set_aside_journal_recovered_later (Fixture *f, gconstpointer data)
{
  g_autofree char *session = prepare_kiosk (f->dir);
  g_autofree char *aside = g_build_filename (f->dir, "journal.db.damaged-20261130-010203", NULL);
  g_autoptr(GPtrArray) said_done = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);

  g_assert_no_error (error);
  said_done = credit_new_cards (store, session, 7, 200);
  g_clear_object (&store);
  g_assert_cmpint (g_rename (f->journal_path, aside), ==, 0);

  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vtr_store_get_notices (store)[0]);
  if (!strstr (vtr_store_get_notices (store)[0], "7 events waiting"))
    g_error ("%s", vtr_store_get_notices (store)[0]);
  assert_still_paired (store);
  g_assert_cmpuint (assert_credits_kept (store, (const char * const *) said_done->pdata), ==, 7);
  g_clear_object (&store);

  /* Once only. */
  store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_null (vtr_store_get_notices (store)[0]);
  g_assert_cmpint (vtr_test_count (store, "SELECT count (*) FROM journal.outbox"), ==, 7);
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
}

/* The federation's catalogue file: 501 shops, as in the pilot. */
static char *
write_federation (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "shops.json", NULL);
  g_autoptr(GString) json = g_string_new ("{\"merchants\": [");

  for (int i = 1; i <= 501; i++)
    g_string_append_printf (json, "%s{\"id\": %d, \"name\": \"Boutique %d\", \"lat\": 43.29%03d, "
                                  "\"lon\": 5.37%03d}",
                            i > 1 ? ", " : "", i, i, i, i);
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
  return g_steal_pointer (&path);
}

static GSubprocess *
hub_import (const char *hub_dir,
            const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char *argv[] = { g_getenv ("VITRINE_HUB"), "import", file, "--data-dir", hub_dir, NULL };
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, vtr_test_die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* Two imports at once on the hub, again and again: both go in, and the
 * federation's catalogue is never set aside for an empty one. */
static void
test_hub_imports_at_once (Fixture *f, gconstpointer data)
{
  g_autofree char *shops = write_federation (f->dir);
  g_autofree char *hub_dir = g_build_filename (f->dir, "hub", NULL);
  g_autofree char *catalog = g_build_filename (hub_dir, "catalog.db", NULL);
  g_autofree char *count = NULL;

  g_assert_nonnull (g_getenv ("VITRINE_HUB"));
  for (int round = 0; round < 6; round++)
    {
      g_autoptr(GSubprocess) a = hub_import (hub_dir, shops);
      g_autoptr(GSubprocess) b = hub_import (hub_dir, shops);
      g_autoptr(GSubprocess) c = hub_import (hub_dir, shops);
      GSubprocess *all[] = { a, b, c };

      for (guint i = 0; i < G_N_ELEMENTS (all); i++)
        {
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;

          g_assert_true (g_subprocess_communicate_utf8 (all[i], NULL, NULL, &out, &err, NULL));
          if (g_subprocess_get_exit_status (all[i]) != 0 || *err)
            g_error ("round %d, import %u: %s", round, i, err);
          g_assert_nonnull (strstr (out, "501 shops"));
        }
      g_assert_cmpuint (vtr_test_count_set_aside (hub_dir), ==, 0);
      g_free (count);
      count = raw_query (catalog, "SELECT count (*) FROM merchant");
      g_assert_cmpstr (count, ==, "501");
    }
}

/* A hub whose catalogue is damaged refuses to go on with an empty one:
 * the file stays as it was, for a restore. */
static void
test_hub_damaged_catalogue_kept (Fixture *f, gconstpointer data)
{
  g_autofree char *shops = write_federation (f->dir);
  g_autofree char *hub_dir = g_build_filename (f->dir, "hub", NULL);
  g_autofree char *catalog = g_build_filename (hub_dir, "catalog.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *count = NULL;
  g_auto(VtrTestResult) first = { 0 };
  g_auto(VtrTestResult) again = { 0 };
  g_auto(VtrTestResult) gone = { 0 };

  vtr_test_run (&first, "VITRINE_HUB", hub_dir, NULL, "import", shops, NULL);
  g_assert_cmpint (first.status, ==, 0);
  count = raw_query (catalog, "SELECT count (*) FROM merchant");
  g_assert_cmpstr (count, ==, "501");

  damage_page (catalog, 1);
  before = file_checksum (catalog);
  vtr_test_run (&again, "VITRINE_HUB", hub_dir, NULL, "import", shops, NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "catalogue"));
  g_assert_nonnull (strstr (again.err, "is damaged"));
  g_assert_nonnull (strstr (again.err, "backup"));
  after = file_checksum (catalog);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (vtr_test_count_set_aside (hub_dir), ==, 0);

  /* Nor when the file is gone. */
  g_assert_cmpint (g_unlink (catalog), ==, 0);
  vtr_test_run (&gone, "VITRINE_HUB", hub_dir, NULL, "import", shops, NULL);
  g_assert_cmpint (gone.status, ==, 1);
  g_assert_nonnull (strstr (gone.err, "is missing"));
  g_assert_false (g_file_test (catalog, G_FILE_TEST_EXISTS));
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
  g_test_add ("/store/damage-mark-while-open", Fixture, NULL, fixture_set_up,
              test_damage_mark_while_open, fixture_tear_down);
  g_test_add ("/store/two-programs", Fixture, NULL, fixture_set_up, test_two_programs,
              fixture_tear_down);
  g_test_add ("/store/no-rename-while-held", Fixture, NULL, fixture_set_up, test_no_rename_while_held,
              fixture_tear_down);
  g_test_add ("/store/locked-waited-for", Fixture, NULL, fixture_set_up, test_locked_waited_for,
              fixture_tear_down);
  g_test_add ("/store/damaged-journal-recovered", Fixture, NULL, fixture_set_up,
              test_damaged_journal_recovered, fixture_tear_down);
  g_test_add ("/store/set-aside-journal-recovered-later", Fixture, NULL, fixture_set_up,
              test_set_aside_journal_recovered_later, fixture_tear_down);
  g_test_add ("/store/hub-imports-at-once", Fixture, NULL, fixture_set_up, test_hub_imports_at_once,
              fixture_tear_down);
  g_test_add ("/store/hub-damaged-catalogue-kept", Fixture, NULL, fixture_set_up,
              test_hub_damaged_catalogue_kept, fixture_tear_down);
  g_test_add ("/store/full-disk", Fixture, NULL, fixture_set_up, test_full_disk, fixture_tear_down);

  return g_test_run ();
}

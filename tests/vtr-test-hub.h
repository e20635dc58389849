#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

/*
 * A real vitrine-hub for tests and benchmarks: `vitrine-hub serve` in its
 * own process on 127.0.0.1, and a direct look at the files it writes.
 */

typedef struct
{
  GSubprocess *process;
  char        *url;  /* "http://127.0.0.1:PORT" */
  guint16      port;
  char        *log;  /* its standard error */
} VtrTestHub;

/* Starts the hub of @dir on @port (0: any free port), with TLS when
 * given a certificate, and waits until it listens. */
static inline VtrTestHub *
vtr_test_hub_start_full (const char *dir,
                         guint16     port,
                         const char *certificate,
                         const char *key)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *log = g_build_filename (dir, "hub-stderr.log", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *line = NULL;
  VtrTestHub *hub = g_new0 (VtrTestHub, 1);
  const char *hub_path = g_getenv ("VITRINE_HUB");
  char *colon;

  g_assert_nonnull (hub_path);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  /* The access log and anything the hub says, kept for when a test fails. */
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  if (certificate)
    hub->process = g_subprocess_launcher_spawn (launcher, &error, hub_path, "serve", "--listen", listen,
                                                "--data-dir", dir, "--tls-certificate", certificate,
                                                "--tls-key", key, NULL);
  else
    hub->process = g_subprocess_launcher_spawn (launcher, &error, hub_path, "serve", "--listen", listen,
                                                "--data-dir", dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, certificate ? "Listening on https://" : "Listening on http://"));
  hub->url = g_strdup (line + strlen ("Listening on "));
  hub->log = g_steal_pointer (&log);
  if (g_str_has_suffix (hub->url, "/"))
    hub->url[strlen (hub->url) - 1] = '\0';
  colon = strrchr (hub->url, ':');
  hub->port = (guint16) atoi (colon + 1);
  return hub;
}

static inline VtrTestHub *
vtr_test_hub_start (const char *dir,
                    guint16     port)
{
  return vtr_test_hub_start_full (dir, port, NULL, NULL);
}

/* Stops the hub: SIGTERM (graceful) or SIGKILL (a crash). */
static inline void
vtr_test_hub_stop (VtrTestHub *hub,
                   int         signal_number)
{
  g_autoptr(GError) error = NULL;

  if (hub == NULL)
    return;
  g_subprocess_send_signal (hub->process, signal_number);
  g_subprocess_wait (hub->process, NULL, &error);
  g_assert_no_error (error);
  if (signal_number == SIGTERM &&
      !(g_subprocess_get_if_exited (hub->process) && g_subprocess_get_exit_status (hub->process) == 0))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (hub->log, &text, NULL, NULL);
      /* LeakSanitizer's own tracer now and then crashes while it stops the
       * process's threads (not a leak report): the hub did its part. */
      if (text && strstr (text, "LeakSanitizer has encountered a fatal error") &&
          !strstr (text, "detected memory leaks"))
        g_printerr ("# LeakSanitizer could not check the hub this time (its tracer crashed)\n");
      else
        g_error ("the hub did not stop cleanly; it said:\n%s", text ? text : "");
    }
  g_object_unref (hub->process);
  g_free (hub->log);
  g_free (hub->url);
  g_free (hub);
}

/* One number from an SQLite file, read as a program of the federation
 * would. */
static inline gint64
vtr_test_sql_int (const char *path,
                  const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Every row of every catalogue table, in key order, hashed: two
 * catalogues with the same digest hold the same data. */
static inline char *
vtr_test_catalog_digest (const char *data_dir)
{
  static const char * const queries[] = {
    "SELECT * FROM merchant ORDER BY id",
    "SELECT * FROM merchant_service ORDER BY service, merchant_id",
    "SELECT * FROM product ORDER BY id",
    "SELECT * FROM stock ORDER BY product_id, merchant_id",
    "SELECT * FROM promotion ORDER BY id",
    "SELECT * FROM collection_point ORDER BY id",
    "SELECT * FROM loyalty_rule ORDER BY merchant_id",
    "SELECT * FROM reward ORDER BY id",
  };
  g_autofree char *path = g_build_filename (data_dir, "catalog.db", NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, c);

              g_checksum_update (checksum, (const guchar *) (text ? text : "\x01"), -1);
              g_checksum_update (checksum, (const guchar *) "\x1f", 1);
            }
          g_checksum_update (checksum, (const guchar *) "\x1e", 1);
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (checksum));
}

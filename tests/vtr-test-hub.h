#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-test-util.h"

/*
 * A real vitrine-hub for tests and benchmarks: `vitrine-hub serve` in its
 * own process on 127.0.0.1, and a direct look at the files it writes.
 */

typedef struct
{
  GSubprocess *process;
  char        *dir;  /* its data folder */
  char        *url;  /* "http://127.0.0.1:PORT" */
  guint16      port;
  char        *log;  /* its standard error */
} VtrTestHub;

/* Starts the hub of @dir on @port (0: any free port), with TLS when
 * given a certificate, and waits until it listens. @wrapper (NULL-
 * terminated; NULL: none) is a command that sets something up and then
 * becomes the hub, such as { "prlimit", "--nofile=128", NULL }. */
static inline VtrTestHub *
vtr_test_hub_start_with (const char         *dir,
                         guint16             port,
                         const char         *certificate,
                         const char         *key,
                         const char * const *wrapper,
                         const char * const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *log = g_build_filename (dir, "hub-stderr.log", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *line = NULL;
  VtrTestHub *hub = g_new0 (VtrTestHub, 1);
  const char *hub_path = g_getenv ("VITRINE_HUB");
  char *colon;

  g_assert_nonnull (hub_path);
  for (guint i = 0; wrapper && wrapper[i]; i++)
    g_ptr_array_add (argv, (char *) wrapper[i]);
  g_ptr_array_add (argv, (char *) hub_path);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, listen);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) dir);
  if (certificate)
    {
      g_ptr_array_add (argv, "--tls-certificate");
      g_ptr_array_add (argv, (char *) certificate);
      g_ptr_array_add (argv, "--tls-key");
      g_ptr_array_add (argv, (char *) key);
    }
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  /* The access log and anything the hub says, kept for when a test fails. */
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  /* A test that aborts on a failed assertion leaves no hub behind. */
  g_subprocess_launcher_set_child_setup (launcher, vtr_test_die_with_parent, NULL, NULL);
  hub->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, certificate ? "Listening on https://" : "Listening on http://"));
  hub->dir = g_strdup (dir);
  hub->url = g_strdup (line + strlen ("Listening on "));
  hub->log = g_steal_pointer (&log);
  if (g_str_has_suffix (hub->url, "/"))
    hub->url[strlen (hub->url) - 1] = '\0';
  colon = strrchr (hub->url, ':');
  hub->port = (guint16) atoi (colon + 1);
  return hub;
}

static inline VtrTestHub *
vtr_test_hub_start_full (const char         *dir,
                         guint16             port,
                         const char         *certificate,
                         const char         *key,
                         const char * const *wrapper)
{
  return vtr_test_hub_start_with (dir, port, certificate, key, wrapper, NULL);
}

static inline VtrTestHub *
vtr_test_hub_start (const char *dir,
                    guint16     port)
{
  return vtr_test_hub_start_full (dir, port, NULL, NULL, NULL);
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
  g_free (hub->dir);
  g_free (hub->log);
  g_free (hub->url);
  g_free (hub);
}

/* How many descriptors the hub holds open now. */
static inline guint
vtr_test_hub_count_descriptors (VtrTestHub *hub)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (hub->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

/* A device named @name added to the hub (`vitrine-hub device add`) and
 * paired by its code over plain HTTP, as a kiosk would: its token. */
static inline char *
vtr_test_hub_pair_device (VtrTestHub *hub,
                          const char *name)
{
  g_auto(VtrTestResult) add = { 0 };
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  const char *url = NULL, *answer_body;
  char buffer[4096];
  gssize n;

  vtr_test_run (&add, "VITRINE_HUB", hub->dir, NULL, "device", "add", name, NULL);
  g_assert_cmpint (add.status, ==, 0);
  lines = g_strsplit (add.out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_ascii_strncasecmp (lines[i], "HTTPS://", 8) == 0)
      url = lines[i];
  g_assert_nonnull (url);
  /* HTTPS://HOST/D/CODE/E…/K…/SIG */
  parts = g_strsplit (url + strlen ("HTTPS://"), "/", -1);
  body = g_strdup_printf ("{\"code\":\"%s\"}", parts[2]);
  head = g_strdup_printf ("POST /api/v1/pair HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
                          strlen (body), body);
  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", hub->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), head, strlen (head),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  /* The hub closes after its answer. */
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer,
                                   sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
  answer_body = strstr (answer->str, "\r\n\r\n");
  g_assert_nonnull (answer_body);
  g_assert_true (json_parser_load_from_data (parser, answer_body + 4, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
}

/* The folder the first vtr_test_hub_init_demo() of this process made,
 * removed when the process ends. */
static char *vtr_test_hub_demo_template;
static char *vtr_test_hub_demo_environ;

static inline void
vtr_test_hub_demo_template_remove (void)
{
  if (vtr_test_hub_demo_template)
    vtr_test_remove_tree (vtr_test_hub_demo_template);
}

/* The hub's data folder @dir made ready: its keys for the host vtr13.fr
 * (`vitrine-hub keys init`) and the demo federation (`vitrine-hub demo`).
 * Both run for real once per test program, into a folder of its own;
 * each later call copies that folder's files (modes kept), a fresh hub
 * folder for each test at a fraction of the cost (issue 15: the suite
 * under 5 minutes). Made again if the environment has changed since. */
static inline void
vtr_test_hub_init_demo (const char *dir)
{
  g_auto(GStrv) environ_now = g_get_environ ();
  g_autofree char *environ_key = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  environ_key = g_strjoinv ("\n", environ_now);
  if (vtr_test_hub_demo_template == NULL || g_strcmp0 (environ_key, vtr_test_hub_demo_environ) != 0)
    {
      g_auto(VtrTestResult) keys = { 0 };
      g_auto(VtrTestResult) demo = { 0 };

      if (vtr_test_hub_demo_template == NULL)
        atexit (vtr_test_hub_demo_template_remove);
      else
        vtr_test_remove_tree (vtr_test_hub_demo_template);
      g_free (vtr_test_hub_demo_template);
      vtr_test_hub_demo_template = vtr_test_make_data_dir ();
      g_free (vtr_test_hub_demo_environ);
      vtr_test_hub_demo_environ = g_strdup (environ_key);
      vtr_test_run (&keys, "VITRINE_HUB", vtr_test_hub_demo_template, NULL, "keys", "init", "--host", "vtr13.fr",
                    NULL);
      g_assert_cmpint (keys.status, ==, 0);
      vtr_test_run (&demo, "VITRINE_HUB", vtr_test_hub_demo_template, NULL, "demo", NULL);
      g_assert_cmpint (demo.status, ==, 0);
    }

  source = g_build_filename (vtr_test_hub_demo_template, ".", NULL);
  {
    const char *argv[] = { "cp", "-a", "--", source, dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The device @name (a shop's when @merchant is not %NULL, else a kiosk)
 * added on the hub of @dir with `vitrine-hub device add`: its pairing
 * code, the last line printed. */
static inline char *
vtr_test_hub_add_device (const char *dir,
                         const char *name,
                         const char *merchant)
{
  g_auto(VtrTestResult) r = { 0 };

  if (merchant)
    vtr_test_run (&r, "VITRINE_HUB", dir, NULL, "device", "add", name, "--merchant", merchant, NULL);
  else
    vtr_test_run (&r, "VITRINE_HUB", dir, NULL, "device", "add", name, NULL);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_last_line (r.out);
}

/* @text, a JSON object (as our programs print with --json), parsed. */
static inline JsonObject *
vtr_test_parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
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

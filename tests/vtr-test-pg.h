#pragma once

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "vtr-test-util.h"

/*
 * (pg) A throwaway PostgreSQL cluster for tests and benchmarks: initdb and
 * pg_ctl (VITRINE_TEST_PG_BINDIR) on a folder of its own and a unix socket
 * in it, nothing on the network; as `nobody` when tests run as root
 * (initdb refuses root). Stopped and removed after; stopped too (with
 * the other processes noted in vtr_test_running) when a test aborts.
 */

/* A PostgreSQL cluster of its own. */
typedef struct
{
  char *dir;
  char *url;
  char *bindir;
  char *owner; /* NULL: the current user; "nobody" when tests run as root */
  pid_t pid;   /* the server's */
  char *database; /* (nullable) a database of the program's shared cluster */
} VtrTestCluster;

static inline void
vtr_test_cluster_run (VtrTestCluster *cluster,
                      const char     *program,
                      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  /* initdb refuses root: as root, the cluster is nobody's. */
  if (cluster->owner)
    {
      g_ptr_array_add (argv, g_strdup ("setpriv"));
      g_ptr_array_add (argv, g_strdup ("--reuid=nobody"));
      g_ptr_array_add (argv, g_strdup ("--regid=nogroup"));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (argv, g_build_filename (cluster->bindir, program, NULL));
  va_start (args, program);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (cluster->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s %s", program, out, err);
}

/* The servers running, stopped (immediate shutdown) if a test fails:
 * a failed assertion aborts the test program and would leave them. Other
 * processes (haproxy, hubs) go in vtr_test_running_term: SIGTERM. */
static volatile pid_t vtr_test_running[8];
static volatile pid_t vtr_test_running_term[8];

static inline void
vtr_test_stop_running (int signal_number)
{
  for (guint i = 0; i < G_N_ELEMENTS (vtr_test_running); i++)
    if (vtr_test_running[i] > 0)
      kill (vtr_test_running[i], SIGQUIT);
  for (guint i = 0; i < G_N_ELEMENTS (vtr_test_running_term); i++)
    if (vtr_test_running_term[i] > 0)
      kill (vtr_test_running_term[i], SIGTERM);
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

static inline void
vtr_test_cluster_note_pid (VtrTestCluster *cluster)
{
  g_autofree char *path = g_build_filename (cluster->dir, "data", "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  pid_t pid;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  pid = (pid_t) atoi (text);
  g_assert_cmpint (pid, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (vtr_test_running); i++)
    if (vtr_test_running[i] == cluster->pid || vtr_test_running[i] == 0)
      {
        vtr_test_running[i] = pid;
        break;
      }
  cluster->pid = pid;
  signal (SIGABRT, vtr_test_stop_running);
  signal (SIGTRAP, vtr_test_stop_running);
}

/* @durable: fsync on (benchmarks); tests run without it. */
static inline VtrTestCluster *
vtr_test_cluster_start_full (gboolean durable)
{
  VtrTestCluster *cluster = g_new0 (VtrTestCluster, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *log = NULL;
  g_autofree char *options = NULL;

  cluster->bindir = g_strdup (g_getenv ("VITRINE_TEST_PG_BINDIR"));
  g_assert_nonnull (cluster->bindir);
  cluster->dir = g_dir_make_tmp ("vitrine-pg-XXXXXX", &error);
  g_assert_no_error (error);
  if (geteuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (chown (cluster->dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
      cluster->owner = g_strdup ("nobody");
    }
  data = g_build_filename (cluster->dir, "data", NULL);
  log = g_build_filename (cluster->dir, "log", NULL);
  vtr_test_cluster_run (cluster, "initdb", "--pgdata", data, "--auth", "trust", "--username", "vitrine",
                        "--encoding", "UTF8", "--no-sync", NULL);
  /* Only a unix socket in its folder: nothing listens on the network. */
  options = g_strdup_printf ("-c listen_addresses= -c unix_socket_directories=%s -c fsync=%s -c max_connections=200",
                             cluster->dir, durable ? "on" : "off");
  vtr_test_cluster_run (cluster, "pg_ctl", "--pgdata", data, "--log", log, "--options", options, "--wait", "start",
                        NULL);
  vtr_test_cluster_note_pid (cluster);
  cluster->url = g_strdup_printf ("postgresql:///postgres?host=%s&user=vitrine", cluster->dir);
  return cluster;
}

static inline VtrTestCluster *
vtr_test_cluster_start (void)
{
  return vtr_test_cluster_start_full (FALSE);
}

static inline void vtr_test_pg_exec (VtrTestCluster *cluster, const char *sql);

/* The cluster a test program's cases share (vtr_test_cluster_database()),
 * stopped and removed when the program ends. */
static VtrTestCluster *vtr_test_shared_cluster;
static guint vtr_test_shared_databases;

static inline void vtr_test_cluster_stop (VtrTestCluster *cluster);

static inline void
vtr_test_shared_cluster_stop (void)
{
  if (vtr_test_shared_cluster)
    vtr_test_cluster_stop (g_steal_pointer (&vtr_test_shared_cluster));
}

/* A database of its own for one test case (CREATE DATABASE … TEMPLATE
 * template0: as empty as a new cluster's), on one cluster the program's
 * cases share: initdb and the server's start cost once a program, not
 * once a case. vtr_test_cluster_stop() drops the database. A case that
 * restarts or stops the server takes a cluster of its own
 * (vtr_test_cluster_start()). */
static inline VtrTestCluster *
vtr_test_cluster_database (void)
{
  VtrTestCluster *cluster = g_new0 (VtrTestCluster, 1);
  g_autofree char *create = NULL;

  if (vtr_test_shared_cluster == NULL)
    {
      vtr_test_shared_cluster = vtr_test_cluster_start ();
      atexit (vtr_test_shared_cluster_stop);
    }
  cluster->dir = g_strdup (vtr_test_shared_cluster->dir);
  cluster->bindir = g_strdup (vtr_test_shared_cluster->bindir);
  cluster->owner = g_strdup (vtr_test_shared_cluster->owner);
  cluster->pid = vtr_test_shared_cluster->pid;
  cluster->database = g_strdup_printf ("case_%u", ++vtr_test_shared_databases);
  create = g_strdup_printf ("CREATE DATABASE %s TEMPLATE template0", cluster->database);
  vtr_test_pg_exec (vtr_test_shared_cluster, create);
  cluster->url = g_strdup_printf ("postgresql:///%s?host=%s&user=vitrine", cluster->database, cluster->dir);
  return cluster;
}

static inline void
vtr_test_cluster_stop (VtrTestCluster *cluster)
{
  g_autofree char *data = g_build_filename (cluster->dir, "data", NULL);

  if (cluster->database)
    {
      /* The program's cluster stays for its next case. */
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", cluster->database);

      vtr_test_pg_exec (vtr_test_shared_cluster, drop);
    }
  else
    {
      vtr_test_cluster_run (cluster, "pg_ctl", "--pgdata", data, "--mode", "fast", "--wait", "stop", NULL);
      for (guint i = 0; i < G_N_ELEMENTS (vtr_test_running); i++)
        if (vtr_test_running[i] == cluster->pid)
          vtr_test_running[i] = 0;
      vtr_test_remove_tree (cluster->dir);
    }
  g_free (cluster->database);
  g_free (cluster->dir);
  g_free (cluster->url);
  g_free (cluster->bindir);
  g_free (cluster->owner);
  g_free (cluster);
}

/* PostgreSQL restarted under the hubs (an upgrade, a failover). */
static inline void
vtr_test_cluster_restart (VtrTestCluster *cluster)
{
  g_autofree char *data = g_build_filename (cluster->dir, "data", NULL);

  g_autofree char *log = g_build_filename (cluster->dir, "log", NULL);

  /* With its log, or the server would hold pg_ctl's output open. */
  vtr_test_cluster_run (cluster, "pg_ctl", "--pgdata", data, "--log", log, "--mode", "fast", "--wait", "restart",
                        NULL);
  vtr_test_cluster_note_pid (cluster);
}

static inline gint64
vtr_test_pg_int (VtrTestCluster *cluster,
                 const char     *sql)
{
  PGconn *conn = PQconnectdb (cluster->url);
  PGresult *result;
  gint64 value;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return value;
}

/* A statement that returns no row, on @cluster's database. */
static inline void
vtr_test_pg_exec (VtrTestCluster *cluster,
                  const char     *sql)
{
  PGconn *conn = PQconnectdb (cluster->url);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
  PQfinish (conn);
}

/* vitrine-hub as an administrator runs it, on the data folder @dir and
 * @cluster's database when it is not NULL: @input (nullable) on its
 * standard input, VITRINE_HUB_NOW set to @now when it is not NULL. */
static inline void
vtr_test_hub_run_valist (VtrTestResult  *r,
                         const char     *dir,
                         VtrTestCluster *cluster,
                         const char     *now,
                         const char     *input,
                         va_list         args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("VITRINE_HUB"));
  if (cluster)
    {
      g_ptr_array_add (argv, "--database");
      g_ptr_array_add (argv, cluster->url);
    }
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) dir);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  if (now)
    g_subprocess_launcher_setenv (launcher, "VITRINE_HUB_NOW", now, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static inline void
vtr_test_hub_run_full (VtrTestResult  *r,
                       const char     *dir,
                       VtrTestCluster *cluster,
                       const char     *now,
                       const char     *input,
                       ...)
{
  va_list args;

  va_start (args, input);
  vtr_test_hub_run_valist (r, dir, cluster, now, input, args);
  va_end (args);
}

/* The hub of @dir, on @cluster's database when it is not NULL. */
static inline void
vtr_test_hub_run (VtrTestResult  *r,
                  const char     *dir,
                  VtrTestCluster *cluster,
                  ...)
{
  va_list args;

  va_start (args, cluster);
  vtr_test_hub_run_valist (r, dir, cluster, NULL, NULL, args);
  va_end (args);
}

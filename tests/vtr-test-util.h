#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* A program started here does not outlive this one, even when a failed
 * assertion aborts it: a GSubprocessLauncher's child setup. */
static inline void
vtr_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* How much slower than usual the code runs (VITRINE_TEST_SLOW, set by
 * the sanitizers' test setup): the tests' waits for real processes and
 * pipelines are that much longer. */
static inline guint
vtr_test_slow (void)
{
  const char *slow = g_getenv ("VITRINE_TEST_SLOW");
  guint64 factor = slow ? g_ascii_strtoull (slow, NULL, 10) : 1;

  return (guint) CLAMP (factor, 1, 20);
}

static inline gboolean
vtr_test_iterate_timeout (gpointer data)
{
  *(guint *) data = 0;
  return G_SOURCE_REMOVE;
}

/* One iteration of the main context, waiting at most 10 ms for something
 * to do (a thread's result is looked at again 10 ms later at worst). The
 * loops that wait for a condition use it instead of a non-blocking
 * iteration, which kept a core busy doing nothing: on a 2-core machine
 * that core is the other test's (issue 15: the suite under 5 minutes). */
static inline void
vtr_test_iterate (void)
{
  guint id = g_timeout_add (10, vtr_test_iterate_timeout, &id);

  g_main_context_iteration (NULL, TRUE);
  if (id != 0)
    g_source_remove (id);
}

/* The main context run for @ms milliseconds. */
static inline void
vtr_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    vtr_test_iterate ();
}

/* A fresh data folder for one test, removed afterwards. */
static inline char *
vtr_test_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vitrine-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
vtr_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      vtr_test_remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

/* What one of our programs printed and returned. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} VtrTestResult;

static inline void
vtr_test_result_clear (VtrTestResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrTestResult, vtr_test_result_clear)

/* Runs the program named by the environment variable @program_env (the
 * build tells the tests where vitrine-ctl and vitrine-hub are) with the
 * NULL-terminated arguments and --data-dir @data_dir, in English unless
 * @env_extra (name, value pairs; a NULL value unsets) says otherwise. */
static inline void
vtr_test_run (VtrTestResult      *result,
              const char         *program_env,
              const char         *data_dir,
              const char * const *env_extra,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv (program_env));
  va_start (args, env_extra);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, NULL);

  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "en", TRUE);
  for (guint i = 0; env_extra && env_extra[i]; i += 2)
    env = env_extra[i + 1] ? g_environ_setenv (env, env_extra[i], env_extra[i + 1], TRUE)
                           : g_environ_unsetenv (env, env_extra[i]);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &result->out,
                &result->err, &result->status, &error);
  g_assert_no_error (error);
  result->status = WIFEXITED (result->status) ? WEXITSTATUS (result->status) : -1;
}

/* As vtr_test_run(), with @input (or nothing: %NULL) on the program's
 * standard input and its arguments in @args. */
static inline void
vtr_test_run_with_input_valist (VtrTestResult      *result,
                                const char         *program_env,
                                const char         *data_dir,
                                const char * const *env_extra,
                                const char         *input,
                                va_list             args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv (program_env));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  for (guint i = 0; env_extra && env_extra[i]; i += 2)
    {
      if (env_extra[i + 1])
        g_subprocess_launcher_setenv (launcher, env_extra[i], env_extra[i + 1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, env_extra[i]);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  result->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* As vtr_test_run(), with @input (or nothing: %NULL) on the program's
 * standard input. */
static inline void
vtr_test_run_with_input (VtrTestResult      *result,
                         const char         *program_env,
                         const char         *data_dir,
                         const char * const *env_extra,
                         const char         *input,
                         ...)
{
  va_list args;

  va_start (args, input);
  vtr_test_run_with_input_valist (result, program_env, data_dir, env_extra, input, args);
  va_end (args);
}

/* The last line of @text that is not empty ("" when there is none), as
 * the codes our programs print last. */
static inline char *
vtr_test_last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  while (n > 0 && *lines[n - 1] == '\0')
    n--;
  return n ? g_strdup (lines[n - 1]) : g_strdup ("");
}

/* A listening socket on 127.0.0.1, on a free port, for a test server. */
static inline GSocketListener *
vtr_test_listen_loopback (guint16 *port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return listener;
}

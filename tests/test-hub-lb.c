/*
 * (pg) Two hubs on one PostgreSQL behind haproxy (issue 20): a throwaway
 * cluster, two real `vitrine-hub serve --database postgresql://…` on
 * 127.0.0.1, haproxy running data/haproxy/vitrine-hub.cfg with its bind
 * and server addresses replaced, and kiosks (real `vitrine-ctl sync`
 * processes, each with its own data folder) uploading their loyalty
 * events through haproxy. One hub is stopped while it holds a kiosk's
 * upload, then killed (SIGKILL): every kiosk's events land in PostgreSQL
 * once, nothing lost, and every outbox ends empty.
 */
#include "config.h"

#include <gio/gunixsocketaddress.h>

#include "vtr-outbox.h"
#include "vtr-store.h"
#include "vtr-store-private.h"
#include "vtr-test-hub.h"
#include "vtr-test-pg.h"

#define N_KIOSKS 6
#define N_EVENTS 150 /* a kiosk's, sent by 10: 15 uploads each */
#define DEADLINE (180 * G_USEC_PER_SEC)

static void
assert_ran (VtrTestResult *r)
{
  if (r->status != 0)
    g_error ("vitrine-hub: %s %s", r->out, r->err);
}

/* A port free now on 127.0.0.1, for haproxy. */
static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The shipped configuration, run here: its own global section (a stats
 * socket in @dir), its bind on @port, its servers on the hubs' ports,
 * everything else (timeouts, retries, health checks) as shipped, but for
 * @retry_on when it is not NULL. */
static char *
haproxy_config (const char    *dir,
                guint16        port,
                const guint16 *hub_ports,
                const char    *retry_on)
{
  g_autofree char *shipped_path = g_test_build_filename (G_TEST_DIST, "..", "data", "haproxy", "vitrine-hub.cfg",
                                                         NULL);
  g_autofree char *shipped = NULL;
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_global = FALSE;
  guint n_servers = 0, n_binds = 0, n_retry_on = 0;

  g_assert_true (g_file_get_contents (shipped_path, &shipped, NULL, &error));
  g_assert_no_error (error);
  g_string_append_printf (config, "global\n    stats socket %s/stats.sock level admin\n\n", dir);
  lines = g_strsplit (shipped, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      g_autofree char *stripped = g_strstrip (g_strdup (line));

      if (line[0] != ' ' && line[0] != '#' && line[0] != '\0')
        in_global = g_str_has_prefix (line, "global");
      if (in_global)
        continue;
      if (g_str_has_prefix (stripped, "bind "))
        {
          g_string_append_printf (config, "    bind 127.0.0.1:%u\n", port);
          n_binds++;
        }
      else if (retry_on && g_str_has_prefix (stripped, "retry-on "))
        {
          g_string_append_printf (config, "    retry-on %s\n", retry_on);
          n_retry_on++;
        }
      else if (g_str_has_prefix (stripped, "server "))
        {
          g_auto(GStrv) words = g_strsplit (stripped, " ", 4);

          g_assert_cmpuint (n_servers, <, 2);
          g_assert_nonnull (words[2]);
          g_string_append_printf (config, "    server %s 127.0.0.1:%u %s\n", words[1], hub_ports[n_servers++],
                                  words[3] ? words[3] : "");
        }
      else
        g_string_append_printf (config, "%s\n", line);
    }
  g_assert_cmpuint (n_binds, ==, 1);
  g_assert_cmpuint (n_servers, ==, 2);
  g_assert_cmpuint (n_retry_on, ==, retry_on ? 1 : 0);
  return g_string_free (g_steal_pointer (&config), FALSE);
}

/* haproxy's statistics of the server @name (its CSV), as a table of its
 * columns; NULL when haproxy does not answer yet. */
static GHashTable *
haproxy_server (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, "stats.sock", NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  char buffer[8192];
  gssize n;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  if (connection == NULL)
    return NULL;
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), "show stat\n", 10, NULL,
                                  NULL, NULL))
    return NULL;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, sizeof buffer,
                                   NULL, NULL)) > 0)
    g_string_append_len (answer, buffer, n);
  lines = g_strsplit (answer->str, "\n", -1);
  if (lines[0] == NULL || !g_str_has_prefix (lines[0], "# "))
    return NULL;
  header = g_strsplit (lines[0] + 2, ",", -1);
  for (guint i = 1; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      if (g_strv_length (fields) > 1 && g_str_equal (fields[0], "hubs") && g_str_equal (fields[1], name))
        {
          GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

          for (guint c = 0; header[c] && fields[c]; c++)
            g_hash_table_insert (table, g_strdup (header[c]), g_strdup (fields[c]));
          return table;
        }
    }
  return NULL;
}

static gboolean
haproxy_server_is (const char *dir,
                   const char *name,
                   const char *column,
                   const char *value)
{
  g_autoptr(GHashTable) server = haproxy_server (dir, name);

  return server && g_strcmp0 (g_hash_table_lookup (server, column), value) == 0;
}

static gint64
haproxy_server_int (const char *dir,
                    const char *name,
                    const char *column)
{
  g_autoptr(GHashTable) server = haproxy_server (dir, name);

  return server ? g_ascii_strtoll (g_hash_table_lookup (server, column), NULL, 10) : -1;
}

/* `vitrine-ctl sync` of @kiosk, by batches of 10 events. */
static GSubprocess *
spawn_sync (const char *kiosk)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *log = g_build_filename (kiosk, "sync-stderr.log", NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("VITRINE_CTL"), "sync", "--data-dir", kiosk, NULL };
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "VITRINE_SYNC_BATCH", "10", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* How many events wait in @kiosk's outbox, as `vitrine-ctl outbox` says. */
static guint
outbox_waiting (const char *kiosk)
{
  g_auto(VtrTestResult) r = { 0 };
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  vtr_test_run (&r, "VITRINE_CTL", kiosk, NULL, "outbox", "--json", "--limit", "1000", NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    n += g_str_has_prefix (lines[i], "{");
  return n;
}

static void
sigkill_body (const char *retry_on)
{
  VtrTestCluster *cluster = vtr_test_cluster_start ();
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *lb_dir = vtr_test_make_data_dir ();
  g_autofree char *config_path = g_build_filename (lb_dir, "haproxy.cfg", NULL);
  g_autofree char *lb_log = g_build_filename (lb_dir, "haproxy-stderr.log", NULL);
  g_autofree char *config = NULL;
  g_autofree char *lb_url = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) haproxy = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(VtrTestResult) keys = { 0 };
  g_auto(VtrTestResult) cards = { 0 };
  g_auto(GStrv) card_codes = NULL;
  const char *extra[] = { "--database", cluster->url, NULL };
  char *kiosks[N_KIOSKS];
  GSubprocess *syncs[N_KIOSKS] = { NULL };
  VtrTestHub *hubs[2];
  guint16 hub_ports[2], port;
  gint64 deadline, landed_at_kill, stuck, points = 0;
  guint rounds = 0, failed_syncs = 0;
  gboolean all_empty = FALSE;

  vtr_test_hub_run (&keys, hub_dir, NULL, "keys", "init", "--host", "vtr13.fr", NULL);
  assert_ran (&keys);
  {
    g_autofree char *count = g_strdup_printf ("%d", N_KIOSKS);

    vtr_test_hub_run (&cards, hub_dir, NULL, "sign", "card", "--count", count, NULL);
    assert_ran (&cards);
  }
  card_codes = g_strsplit (g_strstrip (cards.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (card_codes), ==, N_KIOSKS);

  /* Two hubs on one database, haproxy in front. */
  for (guint h = 0; h < 2; h++)
    {
      hubs[h] = vtr_test_hub_start_with (hub_dir, 0, NULL, NULL, NULL, extra);
      hub_ports[h] = hubs[h]->port;
    }
  port = free_port ();
  config = haproxy_config (lb_dir, port, hub_ports, retry_on);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_no_error (error);
  g_subprocess_launcher_set_stderr_file_path (launcher, lb_log);
  /* Not found by meson: the test fails, it is never skipped. */
  g_assert_cmpstr (g_getenv ("VITRINE_TEST_HAPROXY"), !=, "");
  haproxy = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VITRINE_TEST_HAPROXY"), "-db", "-f",
                                         config_path, NULL);
  g_assert_no_error (error);
  vtr_test_running_term[0] = (pid_t) atoi (g_subprocess_get_identifier (haproxy));
  deadline = g_get_monotonic_time () + DEADLINE;
  while (!(haproxy_server_is (lb_dir, "hub1", "status", "UP") && haproxy_server_is (lb_dir, "hub2", "status", "UP")))
    {
      if (g_subprocess_get_identifier (haproxy) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (lb_log, &text, NULL, NULL);
          g_error ("haproxy never saw both hubs up; it said:\n%s\nwith:\n%s", text, config);
        }
      g_usleep (20000);
    }
  lb_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  /* Kiosks paired through haproxy, each with its events waiting. */
  for (guint k = 0; k < N_KIOSKS; k++)
    {
      g_auto(VtrTestResult) added = { 0 };
      g_auto(VtrTestResult) paired = { 0 };
      g_autofree char *name = g_strdup_printf ("Kiosque %u", k + 1);
      g_autofree char *code = NULL;
      g_autofree char *card = g_strndup (strstr (card_codes[k], "/C/") + 3, 26);
      g_autoptr(VtrStore) store = NULL;

      vtr_test_hub_run (&added, hub_dir, cluster, "device", "add", name, NULL);
      assert_ran (&added);
      code = vtr_test_last_line (added.out);
      kiosks[k] = vtr_test_make_data_dir ();
      vtr_test_run (&paired, "VITRINE_CTL", kiosks[k], NULL, "pair", code, "--hub", lb_url, NULL);
      if (paired.status != 0)
        g_error ("vitrine-ctl pair: %s %s", paired.out, paired.err);
      store = vtr_store_open (kiosks[k], &error);
      g_assert_no_error (error);
      /* In one transaction: one write to the disk, not one an event. */
      g_assert_true (vtr_store_begin (store, &error));
      for (guint e = 0; e < N_EVENTS; e++)
        {
          char *uuid = g_uuid_string_random ();
          g_autofree char *payload = g_strdup_printf ("{\"card\":\"%s\",\"code\":\"%s\",\"merchant\":%u,"
                                                      "\"points\":%u}",
                                                      card, card_codes[k], k + 1, e % 40 + 1);

          g_assert_true (vtr_outbox_append (store, uuid, "credit", payload, g_get_real_time () / G_USEC_PER_SEC,
                                            &error));
          g_assert_no_error (error);
          g_hash_table_add (expected, uuid);
          points += e % 40 + 1;
        }
      g_assert_true (vtr_store_commit (store, &error));
    }

  /* All upload at once. Once the first events land, hub 1 stops (as a
   * machine that hangs) until haproxy holds a kiosk's upload on it, and
   * is then killed: that upload is cut. */
  for (guint k = 0; k < N_KIOSKS; k++)
    syncs[k] = spawn_sync (kiosks[k]);
  deadline = g_get_monotonic_time () + DEADLINE;
  while (vtr_test_pg_int (cluster, "SELECT count (*) FROM event") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  g_subprocess_send_signal (hubs[0]->process, SIGSTOP);
  while ((stuck = haproxy_server_int (lb_dir, "hub1", "scur")) < 1)
    {
      gboolean running = FALSE;

      for (guint k = 0; k < N_KIOSKS; k++)
        running |= g_subprocess_get_identifier (syncs[k]) != NULL;
      if (!running)
        g_error ("every kiosk's upload ended before one was held by the stopped hub");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  landed_at_kill = vtr_test_pg_int (cluster, "SELECT count (*) FROM event");
  vtr_test_hub_stop (hubs[0], SIGKILL);
  g_test_message ("hub 1 killed holding %" G_GINT64_FORMAT " upload(s), %" G_GINT64_FORMAT " of %d events landed",
                  stuck, landed_at_kill, N_KIOSKS * N_EVENTS);
  g_assert_cmpint (landed_at_kill, <, N_KIOSKS * N_EVENTS);

  /* Each kiosk syncs again (as its timer would) until its outbox is
   * empty. */
  while (!all_empty)
    {
      all_empty = TRUE;
      for (guint k = 0; k < N_KIOSKS; k++)
        {
          if (syncs[k] == NULL)
            continue;
          all_empty = FALSE;
          if (g_subprocess_get_identifier (syncs[k]) != NULL)
            continue;
          g_subprocess_wait (syncs[k], NULL, &error);
          g_assert_no_error (error);
          failed_syncs += !g_subprocess_get_successful (syncs[k]);
          g_clear_object (&syncs[k]);
          if (outbox_waiting (kiosks[k]) > 0)
            {
              syncs[k] = spawn_sync (kiosks[k]);
              rounds++;
            }
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (lb_log, &text, NULL, NULL);
          g_error ("the kiosks' outboxes were not empty in time; haproxy said:\n%s", text);
        }
      g_usleep (10000);
    }
  g_test_message ("%u sync(s) failed, %u sync(s) again", failed_syncs, rounds);
  /* Without haproxy's retries, the upload cut reached its kiosk, which
   * kept its events and sent them again. */
  if (retry_on)
    {
      g_assert_cmpuint (failed_syncs, >=, 1);
      g_assert_cmpuint (rounds, >=, 1);
    }

  /* Every event once, by uuid, each kiosk's all there. */
  {
    PGconn *conn = PQconnectdb (cluster->url);
    PGresult *result;

    g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
    result = PQexec (conn, "SELECT uuid::text, count (*) FROM event GROUP BY uuid");
    g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples (result); i++)
      {
        if (!g_hash_table_remove (expected, PQgetvalue (result, i, 0)))
          g_error ("event %s was never sent", PQgetvalue (result, i, 0));
        g_assert_cmpstr (PQgetvalue (result, i, 1), ==, "1");
      }
    PQclear (result);
    PQfinish (conn);
  }
  if (g_hash_table_size (expected) > 0)
    g_error ("%u events were lost", g_hash_table_size (expected));
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (*) FROM event"), ==, N_KIOSKS * N_EVENTS);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT count (DISTINCT device_id) FROM event"), ==, N_KIOSKS);
  g_assert_cmpint (vtr_test_pg_int (cluster, "SELECT sum (points) FROM event"), ==, points);
  for (guint k = 0; k < N_KIOSKS; k++)
    {
      g_assert_cmpuint (outbox_waiting (kiosks[k]), ==, 0);
      vtr_test_remove_tree (kiosks[k]);
      g_free (kiosks[k]);
    }

  g_subprocess_send_signal (haproxy, SIGTERM);
  g_subprocess_wait (haproxy, NULL, &error);
  g_assert_no_error (error);
  vtr_test_running_term[0] = 0;
  vtr_test_hub_stop (hubs[1], SIGTERM);
  vtr_test_remove_tree (lb_dir);
  vtr_test_remove_tree (hub_dir);
  vtr_test_cluster_stop (cluster);
}

/* As shipped: haproxy sends the upload cut to the other hub. */
static void
test_sigkill_shipped (void)
{
  sigkill_body (NULL);
}

/* haproxy retrying only connections refused: the kiosk whose upload
 * was cut gets an error, and its next sync sends the events again. */
static void
test_sigkill_kiosk_retries (void)
{
  sigkill_body ("conn-failure");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-lb/sigkill/shipped", test_sigkill_shipped);
  g_test_add_func ("/hub-lb/sigkill/kiosk-retries", test_sigkill_kiosk_retries);
  return g_test_run ();
}

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "../vtr-test-util.h"

/*
 * How long the hub takes to erase its customers' details once orders are
 * over (docs/design.md, "Personal data"), on a hub.db of --orders orders
 * (80 % collected, three events each), with the real vitrine-hub:
 *
 * - the first sweep of an old hub, where every order over is erased;
 * - the hourly sweep once done, with nothing to erase;
 * - meanwhile, the longest a device's event waits for the write lock
 *   (a writer in this process, one small transaction every 10 ms).
 */

static int n_orders = 200000;

static const GOptionEntry entries[] = {
  { "orders", 0, 0, G_OPTION_ARG_INT, &n_orders, "Orders on the hub", "N" },
  { NULL },
};

typedef struct
{
  char     *path;
  gboolean  done;
  gint64    longest;
  guint     writes;
} Writer;

static gpointer
writer_main (gpointer data)
{
  Writer *w = data;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (w->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 60000);
  sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  while (!g_atomic_int_get (&w->done))
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; INSERT INTO event (uuid, device_id, kind, payload, "
                                              "created, received) VALUES ('%s', 2, 'credit', '{}', 1, 1); COMMIT;",
                                              uuid);
      gint64 start = g_get_monotonic_time ();

      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      w->longest = MAX (w->longest, g_get_monotonic_time () - start);
      w->writes++;
      g_usleep (10000);
    }
  sqlite3_close (db);
  return NULL;
}

/* One `vitrine-hub privacy erase-expired` far in the future: its time, in
 * seconds, and how many orders it erased. */
static double
sweep (const char *dir,
       gint64     *erased)
{
  const char *env[] = { "VITRINE_HUB_NOW", "4000000000", NULL };
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonNode) node = NULL;
  gint64 start = g_get_monotonic_time ();

  vtr_test_run (&r, "VITRINE_HUB", dir, env, "privacy", "erase-expired", "--json", NULL);
  if (r.status != 0)
    g_error ("vitrine-hub privacy erase-expired: %s", r.err);
  node = json_from_string (r.out, NULL);
  *erased = json_object_get_int_member (json_node_get_object (node), "erased");
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *fill = NULL;
  g_auto(VtrTestResult) init = { 0 };
  const char *env[] = { "VITRINE_HUB_NOW", "1", NULL };
  Writer writer = { 0 };
  GThread *thread;
  sqlite3 *db = NULL;
  gint64 erased, none;
  double first, hourly;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (g_getenv ("VITRINE_HUB") == NULL)
    g_error ("VITRINE_HUB must name the vitrine-hub to measure");

  dir = vtr_test_make_data_dir ();
  vtr_test_run (&init, "VITRINE_HUB", dir, env, "privacy", "erase-expired", NULL);
  g_assert_cmpint (init.status, ==, 0);
  writer.path = g_build_filename (dir, "hub.db", NULL);
  fill = g_strdup_printf (
    "BEGIN;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO hub_order (uuid, merchant_id, number, state, at, placed, device_id, seq, received) "
    "SELECT printf ('%%08x-0000-4000-8000-%%012x', i, i), 1 + i %% 500, printf ('AB-%%04d', i %% 10000), "
    "  CASE WHEN i %% 10 < 8 THEN 'collected' ELSE 'accepted' END, 1790000000 + i, "
    "  json_object ('order', printf ('%%08x-0000-4000-8000-%%012x', i, i), 'first_name', 'Inès', "
    "    'phone', '0612345678', 'merchant', 1 + i %% 500), 1, i, 1790000000 + i FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO event (uuid, device_id, kind, payload, created, received) "
    "SELECT printf ('%%08x-1111-4000-8000-%%012x', i, i), 1, 'order', "
    "  json_object ('order', printf ('%%08x-0000-4000-8000-%%012x', (i + 2) / 3, (i + 2) / 3), "
    "    'state', 'placed', 'first_name', 'Inès', 'phone', '0612345678'), 1790000000, 1790000000 FROM n;"
    "COMMIT;",
    n_orders, 3 * n_orders);
  g_assert_cmpint (sqlite3_open (writer.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, fill, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  thread = g_thread_new ("writer", writer_main, &writer);
  first = sweep (dir, &erased);
  g_atomic_int_set (&writer.done, TRUE);
  g_thread_join (thread);
  hourly = sweep (dir, &none);
  g_assert_cmpint (erased, ==, n_orders / 10 * 8 + MIN (n_orders % 10, 8));
  g_assert_cmpint (none, ==, 0);

  g_print ("Erasing customers' details on a hub of %d orders (3 events each, 80 %% over)\n", n_orders);
  g_print ("  first sweep:  %8.2f s for %" G_GINT64_FORMAT " orders\n", first, erased);
  g_print ("  hourly sweep: %8.2f s with nothing to erase\n", hourly);
  g_print ("  a device's event meanwhile: at most %.0f ms for its write (%u writes)\n", writer.longest / 1000.0,
           writer.writes);
  vtr_test_remove_tree (dir);
  g_free (writer.path);
  return EXIT_SUCCESS;
}

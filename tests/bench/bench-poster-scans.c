#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-hub-scans.h"
#include "../vtr-test-util.h"

/*
 * (poster) What counting the phones' views of posters costs the hub
 * (vtr-hub-scans.c): the count made on the server's main thread for
 * every page request, before the page cache answers, and the writer's
 * flush of the views waiting in memory (each distinct page's signature
 * checked once, then one row added) into a real hub.db.
 *
 *   bench-poster-scans [--views N] [--posters N] [--phones N]
 *
 * The views are --views requests (default 1,000,000) of --posters shops'
 * signed posters (default 500) by --phones addresses (default 20,000;
 * addresses as text, no traffic), one in ten a link-preview robot.
 * Prints the figures, then one JSON object.
 */

int
main (int argc, char **argv)
{
  guint views = 1000000, posters = 500, phones = 20000;
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(VtrHubScans) scans = NULL;
  g_autoptr(VtrHubDb) db = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  const guint8 *secret = NULL;
  int kid;
  guint counted = 0;
  gint64 started, note_ns, flush_us;
  gint64 stored = 0;
  GOptionEntry entries[] = {
    { "views", 0, 0, G_OPTION_ARG_INT, &views, "Page requests", "N" },
    { "posters", 0, 0, G_OPTION_ARG_INT, &posters, "Distinct posters", "N" },
    { "phones", 0, 0, G_OPTION_ARG_INT, &phones, "Distinct addresses", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  views = MAX (views, 1);
  posters = MAX (posters, 1);
  phones = MAX (phones, 1);

  if (!vtr_hub_keys_init (dir, "vtr13.fr", &error) || !(keys = vtr_hub_keys_open (dir, &error)) ||
      !(db = vtr_hub_db_open (dir, &error)))
    g_error ("%s", error->message);
  kid = vtr_hub_keys_signing_kid (keys, &secret);
  for (guint i = 0; i < posters; i++)
    {
      VtrFlashcode code = { .kind = VTR_CODE_PRODUCT, .product_id = 13 + i % 50, .merchant_id = 1 + i,
                            .kid = kid };
      g_autofree char *text = vtr_flashcode_sign (&code, "vtr13.fr", secret, &error);

      if (text == NULL)
        g_error ("%s", error->message);
      g_ptr_array_add (paths, g_strdup (text + strlen ("HTTPS://VTR13.FR")));
    }
  for (guint i = 0; i < phones; i++)
    g_ptr_array_add (addresses, g_strdup_printf ("10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255));

  scans = vtr_hub_scans_new (dir);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < views; i++)
    {
      const char *agent = i % 10 == 9 ? "WhatsApp/2.23.20.0 A" : "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36";

      counted += vtr_hub_scans_note (scans, "GET", g_ptr_array_index (paths, (i * 7919u) % posters), agent,
                                     g_ptr_array_index (addresses, (i * 104729u) % phones));
    }
  note_ns = (g_get_monotonic_time () - started) * 1000 / views;

  started = g_get_monotonic_time ();
  if (!vtr_hub_db_begin_group (db, &error) || !vtr_hub_scans_flush (scans, db, &error) ||
      !vtr_hub_db_commit_group (db, &error))
    g_error ("%s", error->message);
  flush_us = g_get_monotonic_time () - started;
  {
    g_autofree char *path = g_build_filename (dir, "hub.db", NULL);
    g_autofree char *sql = g_strdup ("SELECT sum (scans) FROM poster_scan WHERE source = 'phone'");
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
      stored = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }

  printf ("views: %u requests of %u posters by %u addresses (1 in 10 a preview robot)\n", views, posters, phones);
  printf ("counted on the main thread: %u (the others: robots, or reloads within a minute)\n", counted);
  printf ("main thread: %" G_GINT64_FORMAT " ns a request\n", note_ns);
  printf ("writer's flush: %u pages checked and written in %.1f ms; hub.db holds %" G_GINT64_FORMAT " views\n",
          posters, flush_us / 1000.0, stored);
  printf ("{\"views\": %u, \"counted\": %u, \"note_ns\": %" G_GINT64_FORMAT ", \"flush_ms\": %.1f, "
          "\"stored\": %" G_GINT64_FORMAT "}\n", views, counted, note_ns, flush_us / 1000.0, stored);
  g_clear_pointer (&db, vtr_hub_db_free);
  vtr_test_remove_tree (dir);
  return stored == counted ? EXIT_SUCCESS : EXIT_FAILURE;
}

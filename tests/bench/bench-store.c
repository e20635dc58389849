/*
 * The concurrent-open stress: two programs writing credits to one kiosk's
 * data folder (the app, which keeps its store open, and vitrine-ctl runs,
 * which open one per credit) while the app's sync service opens the store
 * again and again (every 30 s in the field; here without a pause). At the
 * end: how many credits the writers said were done, how many of those are
 * in the journal, and how many files were set aside; also how often a
 * program was kept waiting past the store's 10 s by writers going back to
 * back ("busy": reported and tried again, never repaired). The goal is no
 * event lost and no file set aside.
 *
 *   bench-store [--seconds N]     (default 60; 600 for the 10-minute figure)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "../vtr-test-kiosk.h"

static int seconds = 60;

static const GOptionEntry entries[] = {
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long the programs run (default 60)", "N" },
  { NULL },
};

/* A shop gives at most 20,000 points a day: the writers go from shop to
 * shop (see journal-writer.c). */
#define N_SHOPS 40

/* Counts a program's whole lines: credits said done (and found in the
 * journal), opens, notices, errors. */
typedef struct
{
  guint written;
  guint found;
  guint opens;
  guint notices;
  guint busy;
  guint errors;
} Tally;

static void
tally_output (const char *path,
              VtrStore   *store,
              Tally      *tally)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(VtrStatement) find =
    vtr_store_statement (store,
                         "SELECT count (*) FROM journal.loyalty_event JOIN journal.outbox USING (uuid) "
                         "WHERE uuid = ?",
                         NULL);
  char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  if ((end = strrchr (text, '\n')) == NULL)
    return;
  *end = '\0';
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "credit "))
        {
          tally->written++;
          sqlite3_reset (find);
          sqlite3_bind_text (find, 1, lines[i] + 7, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (find) == SQLITE_ROW && sqlite3_column_int (find, 0) == 1)
            tally->found++;
        }
      else if (g_str_equal (lines[i], "open"))
        tally->opens++;
      else if (g_str_has_prefix (lines[i], "notice "))
        tally->notices++;
      else if (g_str_has_prefix (lines[i], "busy "))
        tally->busy++;
      else
        {
          if (tally->errors++ < 5)
            printf ("  said: %s\n", lines[i]);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *writer = g_getenv ("VITRINE_JOURNAL_WRITER");
  g_autofree char *dir = NULL;
  g_autofree char *session = NULL;
  g_autoptr(VtrStore) store = NULL;
  const char *names[] = { "app (store kept open)", "vitrine-ctl runs (a store per credit)",
                          "sync service (opens)" };
  char *outs[3];
  GSubprocess *programs[3];
  Tally tallies[3] = { { 0 } };
  guint written = 0, found = 0, set_aside;
  gboolean paired;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (writer == NULL)
    writer = JOURNAL_WRITER;
  if (!(dir = g_dir_make_tmp ("vitrine-bench-store-XXXXXX", &error)))
    g_error ("%s", error->message);
  if (!(session = vtr_test_kiosk_prepare (dir, N_SHOPS, &error)))
    g_error ("%s", error->message);
  for (guint i = 0; i < 3; i++)
    outs[i] = g_strdup_printf ("%s.out%u", dir, i);

  printf ("Concurrent-open stress: %d s, data in %s\n", seconds, dir);
  fflush (stdout);
  {
    /* From shop to shop, past a shop's daily limit. */
    const char *env[] = { "VITRINE_WRITER_PIN", VTR_TEST_KIOSK_PIN,
                          "VITRINE_WRITER_SHOPS", G_STRINGIFY (N_SHOPS), NULL };

    if (!(programs[0] = vtr_test_spawn_to_file (outs[0], env, &error,
                                                writer, dir, session, "credits", NULL)) ||
        !(programs[1] = vtr_test_spawn_to_file (outs[1], env, &error,
                                                writer, dir, session, "credits-reopen", NULL)) ||
        !(programs[2] = vtr_test_spawn_to_file (outs[2], env, &error, writer, dir, "open", NULL)))
      g_error ("%s", error->message);
  }
  g_usleep ((gulong) seconds * G_USEC_PER_SEC);
  for (guint i = 0; i < 3; i++)
    {
      if (g_subprocess_get_identifier (programs[i]) == NULL)
        printf ("  the %s stopped before the end\n", names[i]);
      g_subprocess_force_exit (programs[i]);
      g_subprocess_wait (programs[i], NULL, NULL);
      g_object_unref (programs[i]);
    }

  if (!(store = vtr_store_open (dir, &error)))
    g_error ("%s", error->message);
  for (guint i = 0; i < 3; i++)
    {
      tally_output (outs[i], store, &tallies[i]);
      written += tallies[i].written;
      found += tallies[i].found;
    }
  for (guint i = 0; i < 3; i++)
    printf ("  %-40s %7u credits  %7u opens  %u notices  %u busy  %u errors\n", names[i],
            tallies[i].written, tallies[i].opens, tallies[i].notices, tallies[i].busy, tallies[i].errors);
  printf ("events written (said done)   %u (%.0f/s)\n", written, (double) written / seconds);
  printf ("events found in the journal  %u\n", found);
  printf ("events lost                  %u\n", written - found);
  set_aside = vtr_test_count_set_aside (dir);
  printf ("files set aside              %u\n", set_aside);
  {
    g_autoptr(VtrHubLink) link = vtr_sync_state_load_link (store, NULL);

    paired = link != NULL;
    printf ("still paired                 %s\n", paired ? "yes" : "NO");
  }
  g_clear_object (&store);

  for (guint i = 0; i < 3; i++)
    {
      g_unlink (outs[i]);
      g_free (outs[i]);
    }
  {
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_dir_close (d);
    g_rmdir (dir);
  }
  return written == found && set_aside == 0 && paired ? 0 : 1;
}

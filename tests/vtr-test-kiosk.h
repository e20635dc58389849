#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>

#include "vtr-catalog.h"
#include "vtr-test-util.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"

/*
 * A kiosk at work, for tests and benchmarks: its data folder made ready,
 * programs (journal-writer) started on it, the files its store set aside.
 * Benchmarks use these too, outside the GLib test framework: failures come
 * back as a GError, never as a test's assertion.
 */

/* The staff PIN of every shop vtr_test_kiosk_prepare() makes. */
#define VTR_TEST_KIOSK_PIN "2468"

/* A kiosk in use in @dir: @n_shops shops (ids 1 to @n_shops), each with
 * its loyalty rule and the staff PIN VTR_TEST_KIOSK_PIN, and the link to
 * its hub. Returns a staff session in shop 1, for the writers. */
static inline char *
vtr_test_kiosk_prepare (const char *dir,
                        guint       n_shops,
                        GError    **error)
{
  g_autoptr(VtrStore) store = vtr_store_open (dir, error);
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  VtrMerchant shop = { .id = 1, .name = "Savonnerie", .position = { 43.29, 5.37 } };
  VtrHubLink link = { "https://vtr13.fr", "secret-token", 7, "Kiosque du Port", 0, 1 };

  if (store == NULL)
    return NULL;
  catalog = vtr_catalog_new (store);
  for (shop.id = 1; shop.id <= (gint64) n_shops; shop.id++)
    if (!vtr_catalog_put_merchant (catalog, &shop, error) ||
        !vtr_catalog_put_loyalty_rule (catalog, shop.id, 100, FALSE, error) ||
        !vtr_staff_set_pin (store, shop.id, VTR_TEST_KIOSK_PIN, error))
      return NULL;
  if (!vtr_sync_state_save_link (store, &link, error))
    return NULL;
  return vtr_staff_login (store, 1, VTR_TEST_KIOSK_PIN, now, error);
}

/* Starts the program and arguments that follow @error (NULL-terminated),
 * its output and errors written to @out_path, with the environment
 * variables @env_extra (name, value pairs; NULL: none) added. */
static inline GSubprocess *
vtr_test_spawn_to_file (const char         *out_path,
                        const char * const *env_extra,
                        GError            **error,
                        ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, vtr_test_die_with_parent, NULL, NULL);
  for (guint i = 0; env_extra && env_extra[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env_extra[i], env_extra[i + 1], TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

/* How many data files the store set aside in @dir ("catalog.db.damaged-…",
 * "journal.db.damaged-…"; their -wal and -shm do not count). */
static inline guint
vtr_test_count_set_aside (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if ((g_str_has_prefix (name, "catalog.db.damaged") || g_str_has_prefix (name, "journal.db.damaged")) &&
        !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      n++;
  g_dir_close (d);
  return n;
}

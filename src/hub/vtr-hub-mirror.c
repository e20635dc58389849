#include "config.h"

#include "vtr-hub-mirror.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "vtr-changes.h"
#include "vtr-hub-backend.h"
#include "vtr-import.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"

/*
 * (pg) The catalogue of a hub on PostgreSQL, copied into its data folder
 * (postgresql-mirror/) for the phones' pages: vtr-hub-web.c reads a
 * catalogue in SQLite, with its full-text search and its shops' hours,
 * and this copy is one, kept by the same code a kiosk's sync runs
 * (vtr_sync_state_apply_page()) from PostgreSQL's change feed, by a thread
 * of its own: once a second, and at once when woken. A new history in
 * PostgreSQL (a restore) replaces the copy from the feed's start.
 *
 * Several hubs may share a data folder: each takes a copy of its own,
 * the first of postgresql-mirror-0, -1… whose lock no other process
 * holds (an exclusive flock, for its life), and finds it again after a
 * restart, to follow the feed from where it was.
 *
 * The copy logs its own changes (vtr_catalog_log_changes()), so the
 * pages' tags and cache (which follow the catalogue's newest change) move
 * with every page of the feed applied.
 */

#define MIRROR_DIR   "postgresql-mirror-"
#define MIRROR_LOCK  "mirror.lock"
#define MIRROR_SLOTS 64
#define MIRROR_PAGE 1000

struct _VtrHubMirror
{
  char          *dir;
  char          *database;
  int            lock_fd;
  GThread       *thread;
  GMutex         lock;
  GCond          cond;
  gboolean       stopping;
  gboolean       woken;
  gint64         head;      /* PostgreSQL's feed copied up to here */
  /* Owned by the thread. */
  VtrHubBackend *backend;
  VtrStore      *store;
  VtrCatalog    *catalog;
};

/* The history of PostgreSQL the copy follows, in its sync_state. */
static char *
mirror_history (VtrStore *store)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT value FROM sync_state WHERE key = 'postgresql_history'", NULL);

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return NULL;
}

static gboolean
set_mirror_history (VtrStore   *store,
                    const char *history,
                    GError    **error)
{
  VtrStatement *stmt = vtr_store_statement (store,
                                            "INSERT OR REPLACE INTO sync_state (key, value) "
                                            "VALUES ('postgresql_history', ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, history, -1, SQLITE_STATIC);
  return vtr_store_step_done (store, stmt, error);
}

/* Copies what PostgreSQL's feed has after the copy's cursor. */
static gboolean
follow (VtrHubMirror *self,
        GError      **error)
{
  g_autofree char *history = NULL;
  g_autofree char *mine = NULL;
  gint64 since, last;
  gboolean replace = FALSE;

  if (!(history = vtr_hub_pg_history (self->backend, error)))
    return FALSE;
  mine = mirror_history (self->store);
  since = vtr_sync_state_cursor (self->store, NULL);
  if ((last = vtr_hub_backend_last_change (self->backend, error)) < 0)
    return FALSE;
  if (g_strcmp0 (mine, history) != 0 || since > last)
    {
      replace = TRUE;
      since = 0;
    }
  do
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      VtrImportCounts counts = { 0 };
      gint64 cursor;
      guint n;
      gboolean ok;

      if (!vtr_hub_backend_write_changes (self->backend, NULL, since, MIRROR_PAGE, text, &cursor, &n, error) ||
          !json_parser_load_from_data (parser, text->str, -1, error))
        return FALSE;
      if (replace)
        {
          /* The copy replaced by the feed's first page, in one
           * transaction; an empty feed empties it. */
          if (cursor > 0)
            ok = vtr_sync_state_replace_catalog (self->catalog, json_node_get_object (json_parser_get_root (parser)),
                                                 cursor, &counts, error);
          else
            ok = vtr_catalog_begin (self->catalog, error) &&
                 (vtr_catalog_clear (self->catalog, error) ? vtr_catalog_commit (self->catalog, error)
                                                           : (vtr_catalog_rollback (self->catalog), FALSE));
          ok = ok && set_mirror_history (self->store, history, error);
          replace = FALSE;
        }
      else
        ok = vtr_sync_state_apply_page (self->catalog, json_node_get_object (json_parser_get_root (parser)), since,
                                        cursor, &counts, error);
      vtr_import_counts_clear (&counts);
      if (!ok)
        return FALSE;
      since = cursor;
      g_mutex_lock (&self->lock);
      self->head = since;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      if (n < MIRROR_PAGE)
        break;
    }
  while (!self->stopping);
  g_mutex_lock (&self->lock);
  self->head = MAX (self->head, MIN (since, last));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gpointer
mirror_main (gpointer data)
{
  VtrHubMirror *self = data;
  g_autofree char *last_warning = NULL;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      g_autoptr(GError) error = NULL;

      g_mutex_unlock (&self->lock);
      if (!follow (self, &error) && g_strcmp0 (last_warning, error->message) != 0)
        {
          /* Said once, not every second; the pages meanwhile show the
           * copy as it is. */
          g_message (_("The copy of the catalogue for the phones’ pages could not follow PostgreSQL: %s"),
                     error->message);
          g_free (last_warning);
          last_warning = g_strdup (error->message);
        }
      g_mutex_lock (&self->lock);
      if (!self->woken && !self->stopping)
        g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + G_USEC_PER_SEC);
      self->woken = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * vtr_hub_mirror_start:
 * @data_dir: the hub's data folder, where the copy is kept
 * @database: the hubs' PostgreSQL database
 */
VtrHubMirror *
vtr_hub_mirror_start (const char *data_dir,
                      const char *database,
                      GError    **error)
{
  VtrHubMirror *self = g_new0 (VtrHubMirror, 1);

  self->database = g_strdup (database);
  self->lock_fd = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  for (guint n = 0; n < MIRROR_SLOTS && self->dir == NULL; n++)
    {
      g_autofree char *name = g_strdup_printf (MIRROR_DIR "%u", n);
      g_autofree char *dir = g_build_filename (data_dir, name, NULL);
      g_autofree char *lock = g_build_filename (dir, MIRROR_LOCK, NULL);
      int fd;

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The folder %s cannot be made: %s"), dir,
                       g_strerror (errno));
          vtr_hub_mirror_stop (self);
          return NULL;
        }
      if ((fd = g_open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        continue;
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          close (fd);
          continue;
        }
      self->lock_fd = fd;
      self->dir = g_steal_pointer (&dir);
    }
  if (self->dir == NULL)
    {
      g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED,
                   _("More than %d hubs share the data folder %s: give each its own"), MIRROR_SLOTS, data_dir);
      vtr_hub_mirror_stop (self);
      return NULL;
    }
  if (!(self->backend = vtr_hub_backend_open_pg (database, error)) ||
      !(self->store = vtr_store_open (self->dir, error)))
    {
      vtr_hub_mirror_stop (self);
      return NULL;
    }
  self->catalog = vtr_catalog_new (self->store);
  if (!vtr_catalog_log_changes (self->catalog, error))
    {
      vtr_hub_mirror_stop (self);
      return NULL;
    }
  self->thread = g_thread_new ("hub-mirror", mirror_main, self);
  return self;
}

/* The folder of the copy, for the workers' own connections to it. */
const char *
vtr_hub_mirror_get_dir (VtrHubMirror *self)
{
  return self->dir;
}

/* PostgreSQL's feed moved (a page asked for shows it): follow it now. */
void
vtr_hub_mirror_wake (VtrHubMirror *self)
{
  g_mutex_lock (&self->lock);
  self->woken = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * vtr_hub_mirror_wait:
 * @head: PostgreSQL's newest change, read by the caller
 *
 * Wakes the copy and waits up to @timeout_usec for it to hold @head:
 * whether it does. A page asked for right after a change shows it.
 */
gboolean
vtr_hub_mirror_wait (VtrHubMirror *self,
                     gint64        head,
                     gint64        timeout_usec)
{
  gint64 deadline = g_get_monotonic_time () + timeout_usec;
  gboolean there;

  g_mutex_lock (&self->lock);
  if (self->head < head)
    {
      self->woken = TRUE;
      g_cond_broadcast (&self->cond);
    }
  while (self->head < head && !self->stopping && g_cond_wait_until (&self->cond, &self->lock, deadline))
    ;
  there = self->head >= head;
  g_mutex_unlock (&self->lock);
  return there;
}

void
vtr_hub_mirror_stop (VtrHubMirror *self)
{
  if (self == NULL)
    return;
  if (self->thread)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (self->thread);
    }
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_pointer (&self->backend, vtr_hub_backend_free);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->dir);
  g_free (self->database);
  g_free (self);
}

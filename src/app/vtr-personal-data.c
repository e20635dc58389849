#include "config.h"

#include "vtr-personal-data.h"

#include "vtr-order-privacy.h"

/*
 * The kiosk erases its customers' first names and phones a set time
 * after their order is over (the "personal-data-days" setting,
 * VITRINE_KEEP_DAYS for tests): once when the app starts, then every
 * hour, on a worker thread (SQLite never runs on the main thread).
 */

#define EVERY_SECONDS 3600

typedef struct
{
  char   *data_dir;
  gint64  keep_seconds;
} Sweep;

static void
sweep_free (Sweep *sweep)
{
  g_free (sweep->data_dir);
  g_free (sweep);
}

/**
 * vtr_personal_data_keep_seconds:
 * @settings: (nullable): the app's settings
 *
 * How long a customer's details are kept once the order is over.
 */
gint64
vtr_personal_data_keep_seconds (GSettings *settings)
{
  if (g_getenv ("VITRINE_KEEP_DAYS") == NULL && settings)
    return (gint64) g_settings_get_uint (settings, "personal-data-days") * 86400;
  return vtr_order_keep_seconds ();
}

static void
sweep_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Sweep *sweep = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (sweep->data_dir, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (store == NULL || vtr_order_forget_expired (store, now, sweep->keep_seconds, &error) < 0)
    g_message ("%s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
sweep_start (const char *data_dir,
             GSettings  *settings)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  Sweep *sweep = g_new0 (Sweep, 1);

  sweep->data_dir = g_strdup (data_dir);
  sweep->keep_seconds = vtr_personal_data_keep_seconds (settings);
  g_task_set_task_data (task, sweep, (GDestroyNotify) sweep_free);
  g_task_run_in_thread (task, sweep_in_thread);
}

typedef struct
{
  char      *data_dir;
  GSettings *settings;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_free (watch->data_dir);
  g_clear_object (&watch->settings);
  g_free (watch);
}

static gboolean
on_hour (gpointer data)
{
  Watch *watch = data;

  sweep_start (watch->data_dir, watch->settings);
  return G_SOURCE_CONTINUE;
}

/**
 * vtr_personal_data_watch:
 * @settings: (nullable): the app's settings
 *
 * Erases what is past its time now, then every hour.
 *
 * Returns: the hourly source, to remove when the app stops
 */
guint
vtr_personal_data_watch (const char *data_dir,
                         GSettings  *settings)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->data_dir = g_strdup (data_dir);
  watch->settings = settings ? g_object_ref (settings) : NULL;
  sweep_start (data_dir, settings);
  return g_timeout_add_seconds_full (G_PRIORITY_LOW, EVERY_SECONDS, on_hour, watch, watch_free);
}

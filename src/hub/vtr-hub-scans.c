#include "config.h"

#include "vtr-hub-scans.h"

#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-keys.h"
#include "vtr-hub-web.h"
#include "vtr-poster-scan.h"

/*
 * (poster) A phone that opens the page of a shop's poster (`GET /P/…/M…`
 * or `GET /M/…`) is a scan of that poster. The hub counts it on the main
 * thread as the request comes in, before the page cache answers, so a
 * page from the cache counts like a page made anew; that costs a hash
 * lookup and nothing else:
 *
 * - Not counted: HEAD requests, the link-preview robots of messaging apps
 *   and social networks (they fetch the page for its Open Graph tags when
 *   someone shares the link), and the same page asked again from the same
 *   address within a minute (a reload). For that the hub keeps, in memory
 *   only and for a minute, a keyed hash (SipHash, a random key drawn at
 *   start) of the address and the path: never the address itself.
 * - The views wait in memory per day and path, and the hub's writer adds
 *   them to hub.db (poster_scan) every two seconds, checking each path's
 *   signature once there: a forged path counts nothing. A shop device
 *   asking for its counts has them written first. A hub killed hard loses
 *   the views of its last two seconds, never more.
 */

#define RELOAD_SECONDS 60
#define MAX_RECENT 100000   /* addresses × pages remembered for a minute */
#define MAX_PENDING 20000   /* distinct pages waiting for the writer */
#define MAX_PATH 400

struct _VtrHubScans
{
  char       *dir;
  GMutex      lock;
  guint8      key[crypto_shorthash_KEYBYTES];
  GHashTable *recent;   /* SipHash (address, path) → gint64 seen (s, monotonic) */
  GHashTable *pending;  /* "YYYYMMDD PATH" → views (GUINT_TO_POINTER) */
  gint64      swept;
  gint64      day_second;  /* when day was worked out (Unix time) */
  int         day;         /* YYYYMMDD in Marseille */
};

VtrHubScans *
vtr_hub_scans_new (const char *data_dir)
{
  VtrHubScans *scans = g_new0 (VtrHubScans, 1);

  scans->dir = g_strdup (data_dir);
  g_mutex_init (&scans->lock);
  crypto_shorthash_keygen (scans->key);
  scans->recent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  scans->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return scans;
}

void
vtr_hub_scans_free (VtrHubScans *scans)
{
  if (scans == NULL)
    return;
  g_hash_table_unref (scans->recent);
  g_hash_table_unref (scans->pending);
  g_mutex_clear (&scans->lock);
  sodium_memzero (scans->key, sizeof scans->key);
  g_free (scans->dir);
  g_free (scans);
}

/* The robots that fetch a shared link for its preview: not a phone that
 * scanned a poster. Words of their User-Agent, in lower case. */
static gboolean
is_preview_robot (const char *user_agent)
{
  static const char * const robots[] = {
    "facebookexternalhit", "facebot", "twitterbot", "whatsapp", "slackbot", "slack-imgproxy",
    "telegrambot", "linkedinbot", "discordbot", "skypeuripreview", "pinterest", "redditbot",
    "embedly", "vkshare", "iframely", "google-pagerenderer", "googlebot", "bingbot", "applebot",
    "yandex", "baiduspider", "duckduckbot", "qwantify", "mastodon", "bot/", "crawler", "spider",
  };
  g_autofree char *lower = NULL;

  if (user_agent == NULL)
    return FALSE;
  lower = g_ascii_strdown (user_agent, MIN (strlen (user_agent), 512));
  for (guint i = 0; i < G_N_ELEMENTS (robots); i++)
    if (strstr (lower, robots[i]))
      return TRUE;
  return FALSE;
}

static gboolean
recent_is_stale (gpointer key,
                 gpointer value,
                 gpointer data)
{
  return *(gint64 *) data - *(gint64 *) value >= RELOAD_SECONDS;
}

/* Whether @path is the page of a shop's poster, by its form alone (its
 * signature is checked when the views are written). */
static gboolean
is_poster_path (const char *path)
{
  return strlen (path) <= MAX_PATH &&
         (g_str_has_prefix (path, "/M/") || (g_str_has_prefix (path, "/P/") && strstr (path, "/M")));
}

/**
 * vtr_hub_scans_note:
 * @address: (nullable): the phone's address, hashed and forgotten
 *
 * Counts a phone's view of @path when it is a poster's page (see above).
 * Cheap enough for the main thread: no SQLite, no signature.
 *
 * Returns: whether it was counted
 */
gboolean
vtr_hub_scans_note (VtrHubScans *scans,
                    const char  *method,
                    const char  *path,
                    const char  *user_agent,
                    const char  *address)
{
  g_autofree char *key = NULL;
  guint8 hash[crypto_shorthash_BYTES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 seen = g_get_monotonic_time () / G_USEC_PER_SEC, id, *last;
  gboolean counted = FALSE;

  if (!g_str_equal (method, "GET") || !is_poster_path (path) || is_preview_robot (user_agent))
    return FALSE;

  {
    gsize a = address ? strlen (address) : 0, p = strlen (path);
    g_autofree char *text = g_malloc (a + 1 + p);

    memcpy (text, address ? address : "", a);
    text[a] = '\n';
    memcpy (text + a + 1, path, p);
    crypto_shorthash (hash, (const guint8 *) text, a + 1 + p, scans->key);
    memcpy (&id, hash, sizeof id);
    sodium_memzero (text, a + 1 + p);
  }

  g_mutex_lock (&scans->lock);
  /* The shops' day, worked out once a second. */
  if (now != scans->day_second)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);

      scans->day = vtr_poster_scan_day (utc);
      scans->day_second = now;
    }
  if (g_hash_table_size (scans->recent) >= MAX_RECENT && seen != scans->swept)
    {
      g_hash_table_foreach_remove (scans->recent, recent_is_stale, &seen);
      scans->swept = seen;
      /* Still full of addresses seen this minute: start again rather than
       * grow (at worst a reload counts twice). */
      if (g_hash_table_size (scans->recent) >= MAX_RECENT)
        g_hash_table_remove_all (scans->recent);
    }
  last = g_hash_table_lookup (scans->recent, &id);
  if (last == NULL || seen - *last >= RELOAD_SECONDS)
    {
      gpointer n;

      key = g_strdup_printf ("%d %s", scans->day, path);
      n = g_hash_table_lookup (scans->pending, key);
      if (last)
        *last = seen;
      else
        g_hash_table_insert (scans->recent, g_memdup2 (&id, sizeof id), g_memdup2 (&seen, sizeof seen));
      if (n || g_hash_table_size (scans->pending) < MAX_PENDING)
        {
          g_hash_table_replace (scans->pending, g_steal_pointer (&key), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
          counted = TRUE;
        }
    }
  g_mutex_unlock (&scans->lock);
  return counted;
}

/**
 * vtr_hub_scans_note_page:
 *
 * vtr_hub_scans_note() for a request, on the server's main thread.
 */
gboolean
vtr_hub_scans_note_page (VtrHubScans       *scans,
                         SoupServerMessage *msg,
                         const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *address = NULL;

  if (!g_str_equal (method, "GET") || !is_poster_path (path))
    return FALSE;
  address = vtr_hub_web_client_address (msg);
  return vtr_hub_scans_note (scans, method, path,
                             soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent"),
                             address);
}

gboolean
vtr_hub_scans_has_pending (VtrHubScans *scans)
{
  gboolean pending;

  /* A hub on PostgreSQL counts none yet. */
  if (scans == NULL)
    return FALSE;
  g_mutex_lock (&scans->lock);
  pending = g_hash_table_size (scans->pending) > 0;
  g_mutex_unlock (&scans->lock);
  return pending;
}

/**
 * vtr_hub_scans_flush:
 *
 * Adds the views waiting in memory to hub.db, inside the caller's
 * transaction: each path's code checked against the federation's keys
 * (a forged or foreign path counts nothing). When the database fails,
 * the views are lost (the caller says so): counts, never orders.
 */
gboolean
vtr_hub_scans_flush (VtrHubScans *scans,
                     VtrHubDb    *db,
                     GError     **error)
{
  g_autoptr(VtrHubBackend) backend = vtr_hub_backend_wrap_sqlite (db, NULL);

  return vtr_hub_scans_flush_to (scans, backend, error);
}

/* (pg) The same, through either backend. */
gboolean
vtr_hub_scans_flush_to (VtrHubScans   *scans,
                        VtrHubBackend *backend,
                        GError       **error)
{
  g_autoptr(GHashTable) pending = NULL;
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(VtrKeyList) list = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *host = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&scans->lock);
  pending = g_steal_pointer (&scans->pending);
  scans->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_unlock (&scans->lock);
  if (g_hash_table_size (pending) == 0)
    return TRUE;

  /* A hub with no keys yet serves no poster: nothing to count. */
  if (!(keys = vtr_hub_keys_open (scans->dir, NULL)) || !(list = vtr_hub_keys_list (keys)))
    return TRUE;
  host = g_ascii_strup (vtr_hub_keys_get_host (keys), -1);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *path = strchr (key, ' ') + 1;
      g_autofree char *text = g_strconcat ("HTTPS://", host, path, NULL);
      g_autoptr(VtrCodeInfo) info = vtr_code_classify (text, strlen (text), list, now);
      gint64 merchant_id, product_id;

      if (vtr_poster_scan_is_poster (info, &merchant_id, &product_id) &&
          !vtr_hub_backend_add_poster_scans (backend, merchant_id, g_ascii_strtoll (key, NULL, 10), "phone",
                                             product_id, GPOINTER_TO_UINT (value), error))
        return FALSE;
    }
  return TRUE;
}

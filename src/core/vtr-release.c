#include "config.h"

#include "vtr-release.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-store-private.h"

/*
 * The federation's current release of Vitrine, as the hub says it with
 * each page of its change feed ("release", docs/hub-api.md): the kiosk
 * keeps the last one heard, and its administrator is told when the kiosk
 * runs an older one (its nightly update has not come yet, or failed).
 */

#define RELEASE_KEY "hub_release"

/**
 * vtr_release_is_valid:
 *
 * Whether @release looks like a version: 1 to 32 of 0–9, a–z, A–Z and
 * `. + ~ -`, starting with a digit.
 */
gboolean
vtr_release_is_valid (const char *release)
{
  gsize length = release ? strlen (release) : 0;

  if (length == 0 || length > 32 || !g_ascii_isdigit (release[0]))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (release[i]) && strchr (".+~-", release[i]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * vtr_release_compare:
 *
 * Orders two versions as people read them: 0.10.0 comes after 0.9.2.
 *
 * Returns: < 0, 0 or > 0 as @a is older than, the same as, or newer than @b.
 */
int
vtr_release_compare (const char *a,
                     const char *b)
{
  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          guint64 x = g_ascii_strtoull (a, (char **) &a, 10);
          guint64 y = g_ascii_strtoull (b, (char **) &b, 10);

          if (x != y)
            return x < y ? -1 : 1;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return (guchar) *a - (guchar) *b;
}

/**
 * vtr_release_describe:
 * @running: the version this kiosk runs
 * @current: (nullable): the federation's current release, as last heard
 *
 * Returns: (transfer full) (nullable): a sentence for the administrator
 *   when the kiosk runs an older version than the federation's, else %NULL.
 */
char *
vtr_release_describe (const char *running,
                      const char *current)
{
  if (!vtr_release_is_valid (current) || vtr_release_compare (running, current) >= 0)
    return NULL;
  return g_strdup_printf (_("This kiosk runs Vitrine %s, an older version than the federation’s "
                            "current one (%s). It updates itself at night; if it still says so "
                            "tomorrow, call the federation."),
                          running, current);
}

/**
 * vtr_release_get_current:
 *
 * Returns: (transfer full) (nullable): the federation's current release
 *   as the hub last said it, %NULL if it never did (or on an error, set).
 */
char *
vtr_release_get_current (VtrStore *store,
                         GError  **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT value FROM sync_state WHERE key = '" RELEASE_KEY "'", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    vtr_store_set_error (store, rc, error);
  return NULL;
}

/**
 * vtr_release_set_current:
 *
 * Keeps the federation's current release, as the hub said it.
 */
gboolean
vtr_release_set_current (VtrStore   *store,
                         const char *release,
                         GError    **error)
{
  VtrStatement *stmt;

  g_return_val_if_fail (vtr_release_is_valid (release), FALSE);

  stmt = vtr_store_statement (store, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('" RELEASE_KEY "', ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, release, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

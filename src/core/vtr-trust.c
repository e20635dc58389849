#include "config.h"

#include "vtr-trust.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vtr-store-private.h"

/*
 * What a kiosk trusts: the federation's root public key, learnt when the
 * kiosk is paired, and the newest key list signed by it. A list signed by
 * another root, or older than the one kept, is refused.
 */

static gboolean
decode_root (const char *text,
             guint8      root[VTR_PUBLIC_KEY_BYTES],
             GError    **error)
{
  if (text == NULL || !vtr_base64url_decode (text, strlen (text), root, VTR_PUBLIC_KEY_BYTES))
    {
      g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_MALFORMED,
                   _("“%s” is not the federation’s root key."), text ? text : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_trust_save:
 * @root_public: (nullable): the root public key (base64url) when pairing;
 *   %NULL to keep the one the kiosk already trusts
 *
 * Checks @envelope against the root key and keeps it.
 */
gboolean
vtr_trust_save (VtrStore   *store,
                const char *envelope,
                const char *root_public,
                GError    **error)
{
  g_autoptr(VtrStatement) current = NULL;
  g_autoptr(VtrKeyList) list = NULL;
  g_autofree char *kept_root = NULL;
  guint8 root[VTR_PUBLIC_KEY_BYTES];
  gint64 kept_version = -1;
  VtrStatement *save;
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (envelope != NULL, FALSE);

  current = vtr_store_statement (store, "SELECT root_public, version FROM journal.trust", error);
  if (current == NULL)
    return FALSE;
  if ((rc = sqlite3_step (current)) == SQLITE_ROW)
    {
      kept_root = g_strdup ((const char *) sqlite3_column_text (current, 0));
      kept_version = sqlite3_column_int64 (current, 1);
    }
  else if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  g_clear_pointer (&current, sqlite3_reset);

  if (root_public == NULL)
    root_public = kept_root;
  if (root_public == NULL)
    {
      g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_MALFORMED,
                   _("This kiosk does not know the federation’s root key yet: pair it first."));
      return FALSE;
    }
  if (kept_root != NULL && !g_str_equal (kept_root, root_public))
    {
      g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE,
                   _("This key list comes from another federation than the one this kiosk is "
                     "paired with: it was refused."));
      return FALSE;
    }
  if (!decode_root (root_public, root, error))
    return FALSE;

  list = vtr_key_list_load (envelope, root, error);
  if (list == NULL)
    return FALSE;
  if (vtr_key_list_get_version (list) < kept_version)
    {
      g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_OLDER,
                   _("This key list is older than the one the kiosk has (version %lld, kept "
                     "%lld): it was refused."),
                   (long long) vtr_key_list_get_version (list), (long long) kept_version);
      return FALSE;
    }

  save = vtr_store_statement (store,
                              "INSERT INTO journal.trust (id, root_public, envelope, version, updated) "
                              "VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                              "  root_public = ?1, envelope = ?2, version = ?3, updated = ?4",
                              error);
  if (save == NULL)
    return FALSE;
  sqlite3_bind_text (save, 1, root_public, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (save, 2, envelope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (save, 3, vtr_key_list_get_version (list));
  sqlite3_bind_int64 (save, 4, g_get_real_time () / G_USEC_PER_SEC);
  return vtr_store_step_done (store, save, error);
}

/**
 * vtr_trust_load:
 *
 * Returns: (transfer full) (nullable): the key list the kiosk trusts, or
 * %NULL without an error if it has none yet (not paired).
 */
VtrKeyList *
vtr_trust_load (VtrStore *store,
                GError  **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  guint8 root[VTR_PUBLIC_KEY_BYTES];
  int rc;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  stmt = vtr_store_statement (store, "SELECT root_public, envelope FROM journal.trust", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      vtr_store_set_error (store, rc, error);
      return NULL;
    }
  /* Checked again: the file could have been edited. */
  if (!decode_root ((const char *) sqlite3_column_text (stmt, 0), root, error))
    return NULL;
  return vtr_key_list_load ((const char *) sqlite3_column_text (stmt, 1), root, error);
}

#include "config.h"

#include "vtr-staff-pin.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-trust.h"

/*
 * PINs without a terminal. A first PIN is set only where there is none
 * (after pairing); a PIN is changed with the old one, whose check counts
 * towards the lock-out as a login does; a forgotten PIN is reset with a
 * code the federation signs for this device (`vitrine-hub device
 * reset-pin`), which works once, before it expires, on the device it
 * names: the kiosk remembers the codes used (journal.pin_reset_used).
 * A reset code resets the staff PIN of a shop device's shop, or the
 * administrator's PIN of a federation kiosk.
 */

gboolean
vtr_staff_has_pin (VtrStore *store,
                   gint64    merchant_id,
                   gboolean *has_pin,
                   GError  **error)
{
  g_autoptr(VtrStatement) stmt = vtr_store_statement (store,
                                                      "SELECT count (*) FROM journal.staff WHERE merchant_id = ?",
                                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  *has_pin = sqlite3_column_int64 (stmt, 0) > 0;
  return TRUE;
}

/**
 * vtr_staff_set_pin_hash:
 * @pin_hash: an Argon2id hash (crypto_pwhash_str), as the hub sends the
 *   administrator's PIN with the pairing
 *
 * Keeps @pin_hash as the PIN of @merchant_id, as vtr_staff_set_pin()
 * keeps the hash of a PIN typed here.
 */
gboolean
vtr_staff_set_pin_hash (VtrStore   *store,
                        gint64      merchant_id,
                        const char *pin_hash,
                        GError    **error)
{
  VtrStatement *stmt;

  if (pin_hash == NULL || !g_str_has_prefix (pin_hash, "$argon2id$") ||
      strlen (pin_hash) >= crypto_pwhash_STRBYTES)
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("The administrator’s PIN from the federation is unreadable: ask the "
                             "federation for a PIN reset code."));
      return FALSE;
    }
  stmt = vtr_store_statement (store,
                              "INSERT INTO journal.staff (merchant_id, pin_hash) VALUES (?1, ?2) "
                              "ON CONFLICT (merchant_id) DO UPDATE SET pin_hash = ?2, failures = 0, "
                              "  locked_until = 0",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  sqlite3_bind_text (stmt, 2, pin_hash, -1, SQLITE_TRANSIENT);
  return vtr_store_step_done (store, stmt, error);
}

/**
 * vtr_staff_pins_match:
 *
 * The new PIN typed twice: the same both times.
 */
gboolean
vtr_staff_pins_match (const char *pin,
                      const char *again,
                      GError    **error)
{
  if (pin == NULL || again == NULL || strcmp (pin, again) != 0)
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("The two PINs typed are not the same: type the new PIN again."));
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_staff_set_first_pin:
 *
 * Sets the PIN of @merchant_id (%VTR_ADMIN_ID: the administrator's) if it
 * has none yet, as right after pairing; an existing PIN is changed with
 * vtr_staff_change_pin() or reset with a code, never overwritten here.
 */
gboolean
vtr_staff_set_first_pin (VtrStore   *store,
                         gint64      merchant_id,
                         const char *pin,
                         GError    **error)
{
  gboolean has_pin;

  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!vtr_staff_has_pin (store, merchant_id, &has_pin, error))
    goto rollback;
  if (has_pin)
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("A PIN is already set: change it with the old PIN, or reset it with "
                             "a code from the federation."));
      goto rollback;
    }
  if (!vtr_staff_set_pin (store, merchant_id, pin, error) || !vtr_store_commit (store, error))
    goto rollback;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/**
 * vtr_staff_change_pin:
 *
 * Changes the PIN of @merchant_id after checking @old_pin as a login
 * does: a wrong one counts towards the lock-out.
 */
gboolean
vtr_staff_change_pin (VtrStore   *store,
                      gint64      merchant_id,
                      const char *old_pin,
                      const char *new_pin,
                      GDateTime  *now,
                      GError    **error)
{
  g_autofree char *token = NULL;
  gsize len = strlen (new_pin);

  /* A new PIN that cannot be kept is said before the old one counts. */
  if (len < 4 || len > 12 || strspn (new_pin, "0123456789") != len)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("A staff PIN has 4 to 12 digits."));
      return FALSE;
    }
  token = vtr_staff_login (store, merchant_id, old_pin, now, error);
  if (token == NULL)
    return FALSE;
  return vtr_staff_set_pin (store, merchant_id, new_pin, error);
}

/* The code checked: a PIN reset code of the federation, for this device,
 * not expired; its nonce, and whose PIN it resets. */
static gboolean
check_reset_code (VtrStore         *store,
                  const char       *code,
                  const VtrKeyList *keys,
                  GDateTime        *now,
                  char            **nonce,
                  gint64           *merchant_id,
                  GError          **error)
{
  g_autoptr(VtrCodeInfo) info = vtr_code_classify (code, -1, keys, now);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VtrHubLink) link = NULL;

  if (info->kind != VTR_CODE_PIN_RESET)
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("This is not a PIN reset code of the federation."));
      return FALSE;
    }
  if (info->verdict == VTR_VERDICT_EXPIRED)
    {
      g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                           _("This PIN reset code has expired: ask the federation for a new one."));
      return FALSE;
    }
  if (info->verdict != VTR_VERDICT_TRUSTED)
    {
      g_autofree char *why = vtr_verdict_describe (info);

      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("This PIN reset code cannot be used: %s"), why);
      return FALSE;
    }
  link = vtr_sync_state_load_link (store, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (link == NULL || link->device_id != info->code.device_id)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("This PIN reset code is for another device (number %lld): it does nothing here."),
                   (long long) info->code.device_id);
      return FALSE;
    }
  if (nonce)
    *nonce = g_strdup (info->code.nonce);
  *merchant_id = link->merchant_id ? link->merchant_id : VTR_ADMIN_ID;
  return TRUE;
}

static gboolean
nonce_used (VtrStore   *store,
            const char *nonce,
            gboolean   *used,
            GError    **error)
{
  g_autoptr(VtrStatement) stmt =
    vtr_store_statement (store, "SELECT count (*) FROM journal.pin_reset_used WHERE nonce = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, nonce, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return vtr_store_set_error (store, rc, error);
  *used = sqlite3_column_int64 (stmt, 0) > 0;
  return TRUE;
}

static void
set_used_error (GError **error)
{
  g_set_error_literal (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                       _("This PIN reset code was already used: each works once. Ask the "
                         "federation for a new one."));
}

/**
 * vtr_staff_check_reset_code:
 * @merchant_id: (out): whose PIN the code resets (%VTR_ADMIN_ID: the
 *   administrator's)
 *
 * Whether @code would reset a PIN here, before the new PIN is asked.
 */
gboolean
vtr_staff_check_reset_code (VtrStore         *store,
                            const char       *code,
                            const VtrKeyList *keys,
                            GDateTime        *now,
                            gint64           *merchant_id,
                            GError          **error)
{
  g_autofree char *nonce = NULL;
  gboolean used;

  if (!check_reset_code (store, code, keys, now, &nonce, merchant_id, error) ||
      !nonce_used (store, nonce, &used, error))
    return FALSE;
  if (used)
    {
      set_used_error (error);
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_staff_reset_pin:
 * @merchant_id: (out) (optional): whose PIN was reset
 *
 * Sets @new_pin with a PIN reset code: the code is marked used in the
 * transaction that sets the PIN, so it works exactly once.
 */
gboolean
vtr_staff_reset_pin (VtrStore         *store,
                     const char       *code,
                     const VtrKeyList *keys,
                     const char       *new_pin,
                     GDateTime        *now,
                     gint64           *merchant_id,
                     GError          **error)
{
  g_autofree char *nonce = NULL;
  VtrStatement *mark;
  gint64 whose;
  gboolean used;

  if (!check_reset_code (store, code, keys, now, &nonce, &whose, error))
    return FALSE;
  if (!vtr_store_begin (store, error))
    return FALSE;
  if (!nonce_used (store, nonce, &used, error))
    goto rollback;
  if (used)
    {
      set_used_error (error);
      goto rollback;
    }
  mark = vtr_store_statement (store, "INSERT INTO journal.pin_reset_used (nonce, used) VALUES (?, ?)", error);
  if (mark == NULL)
    goto rollback;
  sqlite3_bind_text (mark, 1, nonce, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (mark, 2, g_date_time_to_unix (now));
  if (!vtr_store_step_done (store, mark, error) || !vtr_staff_set_pin (store, whose, new_pin, error) ||
      !vtr_store_commit (store, error))
    goto rollback;
  if (merchant_id)
    *merchant_id = whose;
  return TRUE;

rollback:
  vtr_store_rollback (store);
  return FALSE;
}

/* On a worker thread, with its own store on the same folder: the PIN's
 * Argon2id hash takes a tenth of a second. */

typedef struct
{
  char         *data_dir;
  VtrPinUpdate  update;
  gint64        merchant_id;
  char         *old_pin_or_code;
  char         *new_pin;
} UpdateData;

static void
wipe (char *text)
{
  if (text)
    sodium_memzero (text, strlen (text));
  g_free (text);
}

static void
update_data_free (UpdateData *data)
{
  g_free (data->data_dir);
  wipe (data->old_pin_or_code);
  wipe (data->new_pin);
  g_free (data);
}

static void
update_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  UpdateData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 merchant_id = data->merchant_id;
  gboolean ok = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!(store = vtr_store_open (data->data_dir, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  switch (data->update)
    {
    case VTR_PIN_SET:
      ok = vtr_staff_set_first_pin (store, merchant_id, data->new_pin, &error);
      break;
    case VTR_PIN_CHANGE:
      ok = vtr_staff_change_pin (store, merchant_id, data->old_pin_or_code, data->new_pin, now, &error);
      break;
    case VTR_PIN_RESET:
      {
        g_autoptr(VtrKeyList) keys = vtr_trust_load (store, NULL);

        ok = vtr_staff_reset_pin (store, data->old_pin_or_code, keys, data->new_pin, now, &merchant_id, &error);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, merchant_id);
}

/**
 * vtr_staff_update_pin_async:
 * @merchant_id: whose PIN (ignored for %VTR_PIN_RESET: the code says)
 * @old_pin_or_code: (nullable): the old PIN to change it, the reset code
 *   to reset it
 *
 * Sets, changes or resets a PIN on a worker thread. The callback gets no
 * source object; call vtr_staff_update_pin_finish() with @store.
 */
void
vtr_staff_update_pin_async (VtrStore           *store,
                            VtrPinUpdate        update,
                            gint64              merchant_id,
                            const char         *old_pin_or_code,
                            const char         *new_pin,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  UpdateData *data;

  g_return_if_fail (VTR_IS_STORE (store));
  g_return_if_fail (new_pin != NULL);

  data = g_new0 (UpdateData, 1);
  data->data_dir = g_strdup (vtr_store_get_data_dir (store));
  data->update = update;
  data->merchant_id = merchant_id;
  data->old_pin_or_code = g_strdup (old_pin_or_code);
  data->new_pin = g_strdup (new_pin);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_staff_update_pin_async);
  g_task_set_name (task, "[vitrine] PIN update");
  g_task_set_task_data (task, data, (GDestroyNotify) update_data_free);
  g_task_run_in_thread (task, update_in_thread);
}

/* The end of a task whose worker returned whose PIN it is about. */
static gboolean
propagate_merchant_id (GAsyncResult  *result,
                       gint64        *merchant_id,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize whose = g_task_propagate_int (G_TASK (result), &local_error);

  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (merchant_id)
    *merchant_id = whose;
  return TRUE;
}

/**
 * vtr_staff_update_pin_finish:
 * @merchant_id: (out) (optional): whose PIN was set
 */
gboolean
vtr_staff_update_pin_finish (VtrStore      *store,
                             GAsyncResult  *result,
                             gint64        *merchant_id,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_staff_update_pin_async, FALSE);

  return propagate_merchant_id (result, merchant_id, error);
}

/* Whether a PIN is set, on a worker thread. */

typedef struct
{
  char   *data_dir;
  gint64  merchant_id;
} HasPinData;

static void
has_pin_data_free (HasPinData *data)
{
  g_free (data->data_dir);
  g_free (data);
}

static void
has_pin_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  HasPinData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  gboolean has_pin = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!(store = vtr_store_open (data->data_dir, &error)) ||
      !vtr_staff_has_pin (store, data->merchant_id, &has_pin, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, has_pin);
}

/**
 * vtr_staff_has_pin_async:
 * @merchant_id: whose PIN: a shop's, or %VTR_ADMIN_ID
 *
 * Whether @merchant_id has a PIN on this kiosk, read on a worker thread
 * with its own connection to the journal. The callback gets no source
 * object; call vtr_staff_has_pin_finish() with @store.
 */
void
vtr_staff_has_pin_async (VtrStore            *store,
                         gint64               merchant_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HasPinData *data;

  g_return_if_fail (VTR_IS_STORE (store));

  data = g_new0 (HasPinData, 1);
  data->data_dir = g_strdup (vtr_store_get_data_dir (store));
  data->merchant_id = merchant_id;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_staff_has_pin_async);
  g_task_set_name (task, "[vitrine] PIN lookup");
  g_task_set_task_data (task, data, (GDestroyNotify) has_pin_data_free);
  g_task_run_in_thread (task, has_pin_in_thread);
}

/**
 * vtr_staff_has_pin_finish:
 * @has_pin: (out): whether a PIN is set
 */
gboolean
vtr_staff_has_pin_finish (VtrStore      *store,
                          GAsyncResult  *result,
                          gboolean      *has_pin,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize answer;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_staff_has_pin_async, FALSE);

  answer = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *has_pin = answer != 0;
  return TRUE;
}

/* A PIN reset code checked on a worker thread. */

typedef struct
{
  char      *data_dir;
  char      *code;
  GDateTime *now;
} ResetCheck;

static void
reset_check_free (ResetCheck *check)
{
  g_free (check->data_dir);
  g_free (check->code);
  g_date_time_unref (check->now);
  g_free (check);
}

static void
check_reset_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ResetCheck *check = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  gint64 merchant_id = 0;

  if (!(store = vtr_store_open (check->data_dir, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  keys = vtr_trust_load (store, NULL);
  if (!vtr_staff_check_reset_code (store, check->code, keys, check->now, &merchant_id, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, merchant_id);
}

/**
 * vtr_staff_check_reset_code_async:
 * @code: a PIN reset code, as scanned
 *
 * vtr_staff_check_reset_code() on a worker thread, with its own
 * connection and the federation's keys as the journal keeps them. The
 * callback gets no source object; call
 * vtr_staff_check_reset_code_finish() with @store.
 */
void
vtr_staff_check_reset_code_async (VtrStore            *store,
                                  const char          *code,
                                  GDateTime           *now,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ResetCheck *check;

  g_return_if_fail (VTR_IS_STORE (store));
  g_return_if_fail (code != NULL);
  g_return_if_fail (now != NULL);

  check = g_new0 (ResetCheck, 1);
  check->data_dir = g_strdup (vtr_store_get_data_dir (store));
  check->code = g_strdup (code);
  check->now = g_date_time_ref (now);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vtr_staff_check_reset_code_async);
  g_task_set_name (task, "[vitrine] PIN reset code check");
  g_task_set_task_data (task, check, (GDestroyNotify) reset_check_free);
  g_task_run_in_thread (task, check_reset_in_thread);
}

/**
 * vtr_staff_check_reset_code_finish:
 * @merchant_id: (out): whose PIN the code resets
 */
gboolean
vtr_staff_check_reset_code_finish (VtrStore      *store,
                                   GAsyncResult  *result,
                                   gint64        *merchant_id,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_staff_check_reset_code_async, FALSE);

  return propagate_merchant_id (result, merchant_id, error);
}

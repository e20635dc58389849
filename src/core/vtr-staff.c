#include "config.h"

#include "vtr-staff.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "vtr-key-list.h"
#include "vtr-loyalty.h"
#include "vtr-staff-pin.h"
#include "vtr-store-private.h"

/*
 * Staff PINs and sessions, in the journal. A PIN is an Argon2id hash
 * (crypto_pwhash_str): checking one costs a tenth of a second and 64 MiB
 * on purpose, which is why the kiosk calls the _async forms, whose check
 * runs on a worker thread with its own connection to the same data
 * folder (SQLite connections are not shared between threads here).
 */

gboolean
vtr_staff_set_pin (VtrStore   *store,
                   gint64      merchant_id,
                   const char *pin,
                   GError    **error)
{
  char hash[crypto_pwhash_STRBYTES];
  gsize len = strlen (pin);

  if (len < 4 || len > 12 || strspn (pin, "0123456789") != len)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("A staff PIN has 4 to 12 digits."));
      return FALSE;
    }
  if (sodium_init () < 0 ||
      crypto_pwhash_str (hash, pin, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID,
                   _("Not enough memory to protect the PIN."));
      return FALSE;
    }
  return vtr_staff_set_pin_hash (store, merchant_id, hash, error);
}

static char *
hash_token (const char *token)
{
  guint8 digest[32];

  crypto_generichash (digest, sizeof digest, (const guint8 *) token, strlen (token), NULL, 0);
  return vtr_base64url_encode (digest, sizeof digest);
}

/* The lock-out of @merchant_id as the clock now reads it: a lock that ends
 * further away than a whole lock-out means the clock went back (by hand,
 * or a wrong time from the network), and lasts one lock-out from now
 * instead of hours or days. */
static gint64
lock_remaining (gint64 locked_until,
                gint64 t)
{
  if (locked_until <= t)
    return 0;
  return MIN (locked_until - t, VTR_PIN_LOCK_SECONDS);
}

/**
 * vtr_staff_login:
 *
 * Opens a merchant session with the staff PIN. After five wrong PINs the
 * merchant is locked out for a quarter of an hour.
 *
 * Every attempt is counted before its PIN is checked, in a transaction
 * that other programs on the same journal wait for: guesses made at once
 * from several processes count one by one, and the fifth locks the others
 * out. A successful login clears the counter of its own shop only.
 *
 * Returns: (transfer full) (nullable): the session token.
 */
char *
vtr_staff_login (VtrStore   *store,
                 gint64      merchant_id,
                 const char *pin,
                 GDateTime  *now,
                 GError    **error)
{
  g_autoptr(VtrStatement) stmt = NULL;
  g_autofree char *pin_hash = NULL;
  g_autofree char *token_hash = NULL;
  gint64 t = g_date_time_to_unix (now);
  gint64 failures, locked_until, remaining, our_lock;
  gboolean right;
  guint8 random[32];
  char *token;
  VtrStatement *update;
  int rc;

  if (!vtr_store_begin (store, error))
    return NULL;
  stmt = vtr_store_statement (store,
                              "SELECT pin_hash, failures, locked_until FROM journal.staff "
                              "WHERE merchant_id = ?",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, merchant_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        vtr_store_set_error (store, rc, error);
      else
        g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN,
                     _("Shop %lld has no staff PIN on this kiosk."), (long long) merchant_id);
      goto rollback;
    }
  pin_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  failures = sqlite3_column_int64 (stmt, 1);
  locked_until = sqlite3_column_int64 (stmt, 2);
  g_clear_pointer (&stmt, sqlite3_reset);

  remaining = lock_remaining (locked_until, t);
  if (remaining > 0)
    {
      /* A lock from a clock that went back is brought to one lock-out. */
      if (locked_until - t > VTR_PIN_LOCK_SECONDS)
        {
          update = vtr_store_statement (store,
                                        "UPDATE journal.staff SET locked_until = ?2 WHERE merchant_id = ?1",
                                        error);
          if (update == NULL)
            goto rollback;
          sqlite3_bind_int64 (update, 1, merchant_id);
          sqlite3_bind_int64 (update, 2, t + remaining);
          if (!vtr_store_step_done (store, update, error) || !vtr_store_commit (store, error))
            goto rollback;
        }
      else
        vtr_store_rollback (store);
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Too many wrong PINs: try again in %d minute.",
                                "Too many wrong PINs: try again in %d minutes.",
                                (int) ((remaining + 59) / 60)),
                   (int) ((remaining + 59) / 60));
      return NULL;
    }

  /* The attempt counts now, before the slow check: a parallel guess
   * waits for this commit and sees it. */
  failures++;
  our_lock = failures >= VTR_PIN_ATTEMPTS ? t + VTR_PIN_LOCK_SECONDS : 0;
  update = vtr_store_statement (store,
                                "UPDATE journal.staff SET failures = ?2, locked_until = ?3 "
                                "WHERE merchant_id = ?1",
                                error);
  if (update == NULL)
    goto rollback;
  sqlite3_bind_int64 (update, 1, merchant_id);
  sqlite3_bind_int64 (update, 2, our_lock ? 0 : failures);
  sqlite3_bind_int64 (update, 3, our_lock);
  if (!vtr_store_step_done (store, update, error) || !vtr_store_commit (store, error))
    goto rollback;

  right = sodium_init () >= 0 && crypto_pwhash_str_verify (pin_hash, pin, strlen (pin)) == 0;
  if (!right)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN,
                   !our_lock ? _("Wrong PIN.")
                   /* The administrator's PIN locks the administration,
                    * not the shop's counter (its own PIN, its own count). */
                   : merchant_id == VTR_ADMIN_ID
                     ? _("Wrong PIN. Too many wrong PINs: the administration is locked for 15 minutes.")
                     : _("Wrong PIN. Too many wrong PINs: the counter is locked for 15 minutes."));
      return NULL;
    }

  randombytes_buf (random, sizeof random);
  token = vtr_base64url_encode (random, sizeof random);
  token_hash = hash_token (token);
  if (!vtr_store_begin (store, error))
    {
      g_free (token);
      return NULL;
    }
  update = vtr_store_statement (store,
                                "INSERT INTO journal.session (token_hash, merchant_id, expires) "
                                "VALUES (?, ?, ?)",
                                error);
  if (update == NULL)
    {
      g_free (token);
      goto rollback;
    }
  sqlite3_bind_text (update, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 2, merchant_id);
  sqlite3_bind_int64 (update, 3, t + VTR_SESSION_SECONDS);
  if (!vtr_store_step_done (store, update, error))
    {
      g_free (token);
      goto rollback;
    }
  /* The right PIN clears this shop's counter, and the lock only if this
   * attempt set it: guesses made meanwhile by others still count. */
  update = vtr_store_statement (store,
                                "UPDATE journal.staff SET failures = 0, "
                                "  locked_until = CASE WHEN locked_until = ?2 THEN 0 ELSE locked_until END "
                                "WHERE merchant_id = ?1",
                                error);
  if (update == NULL)
    {
      g_free (token);
      goto rollback;
    }
  sqlite3_bind_int64 (update, 1, merchant_id);
  sqlite3_bind_int64 (update, 2, our_lock);
  if (!vtr_store_step_done (store, update, error) || !vtr_store_commit (store, error))
    {
      g_free (token);
      goto rollback;
    }
  return token;

rollback:
  vtr_store_rollback (store);
  return NULL;
}

gboolean
vtr_staff_session (VtrStore   *store,
                   const char *token,
                   GDateTime  *now,
                   gint64     *merchant_id,
                   GError    **error)
{
  g_autofree char *token_hash = NULL;
  g_autoptr(VtrStatement) stmt = NULL;
  gint64 id = 0;
  gint64 t = g_date_time_to_unix (now);
  int rc;

  if (token == NULL || *token == '\0')
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION,
                   _("A member of staff must open a session with the shop’s PIN first."));
      return FALSE;
    }
  token_hash = hash_token (token);
  /* A session ends at its time, and also when the clock reads more than
   * a few minutes before it opened: a clock put back must not stretch a
   * session left open on the counter. */
  stmt = vtr_store_statement (store,
                              "SELECT merchant_id FROM journal.session "
                              "WHERE token_hash = ?1 AND expires > ?2 AND expires <= ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, t);
  sqlite3_bind_int64 (stmt, 3, t + VTR_SESSION_SECONDS + VTR_CLOCK_SLACK_SECONDS);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return vtr_store_set_error (store, rc, error);
  if (id == 0)
    {
      g_set_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION,
                   _("The staff session has ended: open it again with the shop’s PIN."));
      return FALSE;
    }
  *merchant_id = id;
  return TRUE;
}

/* Checks on a worker thread. */

typedef struct
{
  char   *data_dir;
  char   *pin;
  gint64  merchant_id;
} LoginData;

static void
login_data_free (LoginData *data)
{
  g_free (data->data_dir);
  if (data->pin != NULL)
    sodium_memzero (data->pin, strlen (data->pin));
  g_free (data->pin);
  g_free (data);
}

static void
login_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LoginData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *token;

  if (g_task_return_error_if_cancelled (task))
    return;
  store = vtr_store_open (data->data_dir, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  now = g_date_time_new_now_utc ();
  token = vtr_staff_login (store, data->merchant_id, data->pin, now, &error);
  if (token == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, token, g_free);
}

static GTask *
login_task_new (VtrStore            *store,
                gint64               merchant_id,
                const char          *pin,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task;
  LoginData *data = g_new0 (LoginData, 1);

  data->data_dir = g_strdup (vtr_store_get_data_dir (store));
  data->pin = g_strdup (pin);
  data->merchant_id = merchant_id;
  /* No source object: the task may be freed on the worker thread, and the
   * caller's store must not be finalized there. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[vitrine] staff PIN check");
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);
  return task;
}

/**
 * vtr_staff_login_async:
 * @store: the kiosk's store; the check opens its own on the same folder
 * @pin: the PIN typed
 *
 * Opens a merchant session with the staff PIN, as vtr_staff_login() does
 * at the time of the check, on a worker thread: the main loop keeps
 * turning during the Argon2id check. The callback gets no source object;
 * call vtr_staff_login_finish() with @store.
 */
void
vtr_staff_login_async (VtrStore            *store,
                       gint64               merchant_id,
                       const char          *pin,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VTR_IS_STORE (store));
  g_return_if_fail (pin != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = login_task_new (store, merchant_id, pin, cancellable, callback, user_data,
                         vtr_staff_login_async);
  g_task_run_in_thread (task, login_in_thread);
}

/**
 * vtr_staff_login_finish:
 *
 * Returns: (transfer full) (nullable): the session token, or %NULL with
 * @error saying why in words (wrong PIN, locked out for some minutes).
 */
char *
vtr_staff_login_finish (VtrStore      *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VTR_IS_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_staff_login_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vtr_staff_check_admin_async:
 * @pin: the PIN typed
 *
 * Checks the kiosk administrator's PIN (the staff PIN of %VTR_ADMIN_ID),
 * counting wrong ones and locking out as for a shop's PIN, on a worker
 * thread. The callback gets no source object.
 */
void
vtr_staff_check_admin_async (VtrStore            *store,
                             const char          *pin,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VTR_IS_STORE (store));
  g_return_if_fail (pin != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = login_task_new (store, VTR_ADMIN_ID, pin, cancellable, callback, user_data,
                         vtr_staff_check_admin_async);
  g_task_run_in_thread (task, login_in_thread);
}

/**
 * vtr_staff_check_admin_finish:
 *
 * Returns: %TRUE if the PIN was the administrator's; %FALSE with @error
 * saying why in words.
 */
gboolean
vtr_staff_check_admin_finish (VtrStore      *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (VTR_IS_STORE (store), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vtr_staff_check_admin_async, FALSE);

  token = g_task_propagate_pointer (G_TASK (result), error);
  return token != NULL;
}

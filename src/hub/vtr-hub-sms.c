#include "config.h"

#include "vtr-hub-sms.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-web.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "vtr-catalog.h"
#include "vtr-json.h"
#include "vtr-phone.h"
#include "vtr-store.h"

/*
 * Telling the customer: when an order becomes ready (and where its
 * locker is, with the opening code), or is cancelled or refused, and when
 * a phone's page reserved it (its number, which a kiosk would print), the
 * hub sends a text message through the federation's HTTP SMS gateway.
 *
 * Ingesting the event writes a row in the sms_outbox table, in the same
 * transaction, unique on (order, state): an order's state sent twice, by
 * two devices or a replay, makes one message. One thread of its own
 * sends the rows that are due, one at a time, with a blocking libsoup
 * session (never the API's threads); a gateway that answers 5xx, hangs
 * past its timeout or cannot be reached is tried again later with an
 * exponential backoff, up to a number of tries; one that refuses (4xx)
 * is not, and the log says why and what to do. The row's state is on
 * disk, so a restarted hub sends nothing twice.
 *
 * The same thread erases the customer's first name and phone a set time
 * after the order is over (docs/design.md, "Personal data").
 */

#define DEFAULT_KEEP_DAYS   30.0
#define DEFAULT_TIMEOUT     15
#define DEFAULT_RETRY_FIRST 60
#define DEFAULT_RETRY_MAX   3600
#define DEFAULT_TRIES       8
#define SWEEP_EVERY         3600
#define ERASE_BATCH         500
#define ERASE_PAUSE_USEC    (120 * 1000)

/* The gateway's answer kept in the outbox and the log, at most. */
#define MAX_ANSWER 300

G_DEFINE_QUARK (vtr-hub-sms-error-quark, vtr_hub_sms_error)

typedef enum
{
  AUTH_NONE,
  AUTH_BASIC,
  AUTH_BEARER,
  AUTH_HEADER,
} Auth;

struct _VtrHubSmsConfig
{
  char   *path;
  char   *url;
  Auth    auth;
  char   *user;
  char   *password;
  char   *token;
  char   *header;
  char   *body;
  char   *content_type;
  char   *sender;
  guint   timeout;
  gint64  retry_first;
  gint64  retry_max;
  guint   tries;
  double  keep_days;
  /* The messages, in French by default ({first_name}, {number}, …). */
  char   *text_ready;
  char   *text_ready_locker;
  char   *text_ready_locker_code;
  char   *text_cancelled;
  char   *text_refused;
  char   *text_reserved;
  char   *text_reason;
};

void
vtr_hub_sms_config_free (VtrHubSmsConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->url);
  g_free (config->user);
  g_free (config->password);
  g_free (config->token);
  g_free (config->header);
  g_free (config->body);
  g_free (config->content_type);
  g_free (config->sender);
  g_free (config->text_ready);
  g_free (config->text_ready_locker);
  g_free (config->text_ready_locker_code);
  g_free (config->text_cancelled);
  g_free (config->text_refused);
  g_free (config->text_reserved);
  g_free (config->text_reason);
  g_free (config);
}

static char *
key_string (GKeyFile   *file,
            const char *group,
            const char *key,
            const char *fallback)
{
  char *value = g_key_file_get_string (file, group, key, NULL);

  if (value == NULL || *g_strstrip (value) == '\0')
    {
      g_free (value);
      return g_strdup (fallback);
    }
  return value;
}

static gboolean
key_int (GKeyFile   *file,
         const char *group,
         const char *key,
         gint64      fallback,
         gint64      min,
         gint64      max,
         gint64     *out,
         const char *path,
         GError    **error)
{
  g_autoptr(GError) local = NULL;
  gint64 value;

  *out = fallback;
  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_int64 (file, group, key, &local);
  if (local || value < min || value > max)
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("In %s, [%s] %s must be a whole number from %lld to %lld"), path, group, key,
                   (long long) min, (long long) max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/**
 * vtr_hub_sms_config_load:
 * @dir: the hub's data folder, where sms.conf is
 *
 * Returns: (transfer full): the settings; without sms.conf, the defaults
 * and no gateway (messages wait in the outbox).
 */
VtrHubSmsConfig *
vtr_hub_sms_config_load (const char *dir,
                         GError    **error)
{
  g_autoptr(VtrHubSmsConfig) config = g_new0 (VtrHubSmsConfig, 1);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *auth = NULL;
  gint64 value;

  config->path = g_build_filename (dir, "sms.conf", NULL);
  if (!g_key_file_load_from_file (file, config->path, G_KEY_FILE_NONE, &local) &&
      !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG, _("%s cannot be read: %s"),
                   config->path, local->message);
      return NULL;
    }

  config->url = key_string (file, "gateway", "url", NULL);
  if (config->url)
    {
      g_autoptr(GUri) uri = g_uri_parse (config->url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        {
          g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                       _("In %s, [gateway] url must be the gateway’s https:// address"), config->path);
          return NULL;
        }
    }
  auth = key_string (file, "gateway", "auth", "none");
  if (g_str_equal (auth, "none"))
    config->auth = AUTH_NONE;
  else if (g_str_equal (auth, "basic"))
    config->auth = AUTH_BASIC;
  else if (g_str_equal (auth, "bearer"))
    config->auth = AUTH_BEARER;
  else if (g_str_equal (auth, "header"))
    config->auth = AUTH_HEADER;
  else
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("In %s, [gateway] auth is none, basic, bearer or header, not “%s”"), config->path,
                   auth);
      return NULL;
    }
  config->user = key_string (file, "gateway", "user", NULL);
  config->password = key_string (file, "gateway", "password", "");
  config->token = key_string (file, "gateway", "token", NULL);
  config->header = key_string (file, "gateway", "header", NULL);
  if ((config->auth == AUTH_BASIC && config->user == NULL) ||
      ((config->auth == AUTH_BEARER || config->auth == AUTH_HEADER) && config->token == NULL) ||
      (config->auth == AUTH_HEADER && config->header == NULL))
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("In %s, [gateway] auth = %s needs %s"), config->path, auth,
                   config->auth == AUTH_BASIC ? "user" : config->auth == AUTH_BEARER ? "token" : "header, token");
      return NULL;
    }
  config->body = key_string (file, "gateway", "body", "{\"to\": \"{to}\", \"text\": \"{text}\"}");
  if (!strstr (config->body, "{to}") || !strstr (config->body, "{text}"))
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("In %s, [gateway] body must hold {to} and {text}"), config->path);
      return NULL;
    }
  config->content_type = key_string (file, "gateway", "content-type", "application/json");
  config->sender = key_string (file, "gateway", "sender", "Vitrine");
  if (!key_int (file, "gateway", "timeout", DEFAULT_TIMEOUT, 1, 300, &value, config->path, error))
    return NULL;
  config->timeout = (guint) value;
  if (!key_int (file, "retry", "first", DEFAULT_RETRY_FIRST, 1, 86400, &config->retry_first, config->path, error) ||
      !key_int (file, "retry", "max", DEFAULT_RETRY_MAX, 1, 7 * 86400, &config->retry_max, config->path, error) ||
      !key_int (file, "retry", "tries", DEFAULT_TRIES, 1, 100, &value, config->path, error))
    return NULL;
  config->tries = (guint) value;

  config->keep_days = DEFAULT_KEEP_DAYS;
  if (g_key_file_has_key (file, "privacy", "keep-days", NULL))
    {
      g_clear_error (&local);
      config->keep_days = g_key_file_get_double (file, "privacy", "keep-days", &local);
      if (local || config->keep_days < 0 || config->keep_days > 3650)
        {
          g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                       _("In %s, [privacy] keep-days must be a number of days from 0 to 3650"),
                       config->path);
          return NULL;
        }
    }

  config->text_ready = key_string (file, "texts", "ready",
                                   "Bonjour {first_name}, votre commande {number} est prête chez {shop}. "
                                   "Présentez votre code de retrait au comptoir.");
  config->text_ready_locker = key_string (file, "texts", "ready-locker",
                                          "Bonjour {first_name}, votre commande {number} vous attend au "
                                          "casier {locker}, {address}.");
  config->text_ready_locker_code = key_string (file, "texts", "ready-locker-code",
                                               "Bonjour {first_name}, votre commande {number} vous attend "
                                               "au casier {locker}, {address}, compartiment {compartment}. "
                                               "Code d’ouverture : {code}");
  config->text_cancelled = key_string (file, "texts", "cancelled",
                                       "Bonjour {first_name}, votre commande {number} chez {shop} est "
                                       "annulée.");
  config->text_refused = key_string (file, "texts", "refused",
                                     "Bonjour {first_name}, {shop} ne peut pas préparer votre commande "
                                     "{number}.");
  config->text_reason = key_string (file, "texts", "reason", "Motif : {reason}.");
  config->text_reserved = key_string (file, "texts", "reserved",
                                      "Bonjour {first_name}, votre réservation chez {shop} est enregistrée : "
                                      "commande {number}. Donnez ce numéro au comptoir ; un SMS vous dira "
                                      "quand elle est prête.");
  return g_steal_pointer (&config);
}

gboolean
vtr_hub_sms_config_has_gateway (const VtrHubSmsConfig *config)
{
  return config->url != NULL;
}

gint64
vtr_hub_sms_config_keep_seconds (const VtrHubSmsConfig *config)
{
  return (gint64) (config->keep_days * 86400);
}

/* @text with each "{name}" replaced by its value (pairs, NULL-ended),
 * in one pass: a value (a customer's first name) is never read as a
 * template itself. JSON-escaped when @json, for a body template; an
 * unknown "{…}" stays as it is. */
static char *
fill (const char *text,
      gboolean    json,
      ...)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) out = g_string_sized_new (strlen (text) + 64);
  va_list args;
  const char *name;

  va_start (args, json);
  while ((name = va_arg (args, const char *)))
    {
      const char *value = va_arg (args, const char *);

      g_hash_table_insert (values, (gpointer) name, (gpointer) (value ? value : ""));
    }
  va_end (args);

  for (const char *p = text; *p; )
    {
      const char *close = *p == '{' ? strchr (p, '}') : NULL;
      g_autofree char *key = close ? g_strndup (p + 1, close - p - 1) : NULL;
      const char *value = key ? g_hash_table_lookup (values, key) : NULL;

      if (value == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (json)
        {
          g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);
          g_autofree char *quoted = json_to_string (node, FALSE);

          g_string_append_len (out, quoted + 1, strlen (quoted) - 2);
        }
      else
        g_string_append (out, value);
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
short_answer (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  g_autofree char *text = NULL;

  if (data == NULL || len == 0)
    return g_strdup ("");
  text = g_utf8_make_valid (data, MIN (len, MAX_ANSWER));
  /* A gateway may quote the number it refused: no phone number goes to
   * the log or the outbox (long runs of digits are masked). */
  for (char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      {
        gsize run = strspn (p, "0123456789");

        if (run >= 8)
          memset (p, '*', run);
        p += run - 1;
      }
  return g_strdelimit (g_steal_pointer (&text), "\r\n\t", ' ');
}

static gboolean send_message (const VtrHubSmsConfig *config,
                              const char            *to,
                              const char            *text,
                              GCancellable          *cancellable,
                              guint                 *status,
                              char                 **answer,
                              GError               **error);

/**
 * vtr_hub_sms_send:
 * @number: the customer's phone, as typed: checked and sent in E.164
 * @status: (out): the gateway's HTTP status, 0 if it never answered
 * @answer: (out) (optional): the start of its answer
 *
 * Sends one message, blocking up to the gateway's timeout. Fails with
 * %VTR_HUB_SMS_ERROR_REFUSED when the gateway refused it (4xx: trying
 * again will not help), %VTR_HUB_SMS_ERROR_UNAVAILABLE when it may work
 * later.
 */
gboolean
vtr_hub_sms_send (const VtrHubSmsConfig *config,
                  const char            *number,
                  const char            *text,
                  GCancellable          *cancellable,
                  guint                 *status,
                  char                 **answer,
                  GError               **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autofree char *to = vtr_phone_french_mobile (number);
  gboolean sent;

  *status = 0;
  if (answer)
    *answer = NULL;
  if (config->url == NULL)
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("No SMS gateway is set: write its address in %s ([gateway] url)"), config->path);
      return FALSE;
    }
  if (to == NULL)
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_NOT_MOBILE,
                   _("“%s” is not a French mobile number (06, 07, +33 6, +33 7): nothing was sent"),
                   number ? number : "");
      return FALSE;
    }

  /* A context of its own: the blocking call runs it, whatever thread
   * calls (the hub's SMS thread, or `vitrine-hub sms test`). */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  sent = send_message (config, to, text, cancellable, status, answer, error);
  g_main_context_pop_thread_default (context);
  return sent;
}

static gboolean
send_message (const VtrHubSmsConfig *config,
              const char            *to,
              const char            *text,
              GCancellable          *cancellable,
              guint                 *status,
              char                 **answer,
              GError               **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *body = NULL;
  g_autofree char *said = NULL;
  SoupMessageHeaders *headers;

  session = soup_session_new_with_options ("timeout", config->timeout, "idle-timeout", config->timeout,
                                           "user-agent", "vitrine-hub", NULL);
  msg = soup_message_new ("POST", config->url);
  if (msg == NULL)
    {
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_CONFIG,
                   _("In %s, [gateway] url is not an address"), config->path);
      return FALSE;
    }
  body = fill (config->body, TRUE, "to", to, "text", text, "sender", config->sender, NULL);
  {
    gsize len = strlen (body);

    request = g_bytes_new_take (g_steal_pointer (&body), len);
  }
  soup_message_set_request_body_from_bytes (msg, config->content_type, request);
  headers = soup_message_get_request_headers (msg);
  if (config->auth == AUTH_BASIC)
    {
      g_autofree char *pair = g_strconcat (config->user, ":", config->password, NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *value = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  else if (config->auth == AUTH_BEARER)
    {
      g_autofree char *value = g_strconcat ("Bearer ", config->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  else if (config->auth == AUTH_HEADER)
    soup_message_headers_replace (headers, config->header, config->token);

  response = soup_session_send_and_read (session, msg, cancellable, &local);
  if (response == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_autoptr(GUri) uri = g_uri_parse (config->url, G_URI_FLAGS_NONE, NULL);

      /* The host only: some gateways take their key in the address. */
      g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_UNAVAILABLE,
                   _("The SMS gateway %s did not answer: %s"), uri ? g_uri_get_host (uri) : "",
                   local->message);
      return FALSE;
    }
  *status = soup_message_get_status (msg);
  said = short_answer (response);
  if (answer)
    *answer = g_strdup (said);
  if (SOUP_STATUS_IS_SUCCESSFUL (*status))
    return TRUE;
  /* Too many requests, or a request timeout: the gateway may take it later. */
  if (SOUP_STATUS_IS_CLIENT_ERROR (*status) && *status != 408 && *status != 429)
    g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_REFUSED,
                 _("The SMS gateway refused the message (HTTP %u: %s): check the account, the "
                   "credentials and the body template in %s"),
                 *status, said, config->path);
  else
    g_set_error (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_UNAVAILABLE,
                 _("The SMS gateway failed (HTTP %u: %s)"), *status, said);
  return FALSE;
}

/* The outbox. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
sql_failed (sqlite3 *db,
            GError **error)
{
  g_set_error (error, VTR_HUB_ERROR, VTR_HUB_ERROR_FAILED, _("The hub’s database failed: %s"),
               sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    sql_failed (db, error);
  return stmt;
}

/* Runs @sql with @text bound to ?1. */
static gboolean
run_with_text (sqlite3    *db,
               const char *sql,
               const char *text,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_sms_now:
 *
 * The hub's clock for the messages and the erasing of personal data:
 * VITRINE_HUB_NOW (seconds since 1970) when set, for tests, else now.
 */
gint64
vtr_hub_sms_now (void)
{
  const char *env = g_getenv ("VITRINE_HUB_NOW");

  if (env && *env)
    return g_ascii_strtoll (env, NULL, 10);
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * vtr_hub_sms_enqueue:
 * @state: the order's new state
 * @event_payload: the event's payload (its reason, its locker's
 *   compartment and code)
 *
 * Called in the transaction that stores an order's event: a message to
 * send, if the state is one the customer is told of, at most one per
 * order and state.
 */
gboolean
vtr_hub_sms_enqueue (VtrHubDb   *db,
                     const char *order,
                     const char *state,
                     const char *event_payload,
                     gint64      now,
                     GError    **error)
{
  sqlite3 *sql = vtr_hub_db_get_sqlite (db);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!g_str_equal (state, "ready") && !g_str_equal (state, "cancelled") && !g_str_equal (state, "refused") &&
      !g_str_equal (state, "reserved"))
    return TRUE;
  stmt = prepare (sql,
                  "INSERT INTO sms_outbox (order_uuid, state, details, created, next_try) "
                  "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (order_uuid, state) DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, event_payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_failed (sql, error);
  return TRUE;
}

/* Erases the customer's details of the orders whose uuid the temporary
 * table forget_order lists. */
static gboolean
erase_listed (sqlite3 *db,
              GError **error)
{
  static const char * const statements[] = {
    "UPDATE hub_order SET forgotten = 1, "
    "  placed = CASE WHEN json_valid (placed) THEN json_remove (placed, '$.first_name', '$.phone') "
    "    ELSE placed END "
    "  WHERE uuid IN (SELECT uuid FROM temp.forget_order)",
    /* A message not sent yet will not be: there is no one to send it to. */
    "UPDATE sms_outbox SET phone = NULL, text = NULL, details = NULL, "
    "  status = CASE status WHEN 'pending' THEN 'forgotten' ELSE status END "
    "  WHERE order_uuid IN (SELECT uuid FROM temp.forget_order)",
    "DELETE FROM temp.forget_order",
  };

  g_autoptr(sqlite3_stmt) orders = prepare (db, "SELECT uuid FROM temp.forget_order", error);
  g_autoptr(sqlite3_stmt) events = NULL;
  int rc;

  /* The order's events, found one order at a time by the index on their
   * order (an IN over the list would read the whole index). */
  if (orders == NULL)
    return FALSE;
  events = prepare (db,
                    "UPDATE event SET payload = json_remove (payload, '$.first_name', '$.phone') "
                    "  WHERE kind = 'order' AND json_extract (payload, '$.order') = ?1 AND json_valid (payload)",
                    error);
  if (events == NULL)
    return FALSE;
  while ((rc = sqlite3_step (orders)) == SQLITE_ROW)
    {
      sqlite3_reset (events);
      sqlite3_bind_text (events, 1, (const char *) sqlite3_column_text (orders, 0), -1, SQLITE_TRANSIENT);
      if (sqlite3_step (events) != SQLITE_DONE)
        return sql_failed (db, error);
    }
  if (rc != SQLITE_DONE)
    return sql_failed (db, error);
  sqlite3_reset (orders);
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (sqlite3_exec (db, statements[i], NULL, NULL, NULL) != SQLITE_OK)
      return sql_failed (db, error);
  return TRUE;
}

static gboolean
make_forget_list (sqlite3 *db,
                  GError **error)
{
  if (sqlite3_exec (db, "CREATE TEMP TABLE IF NOT EXISTS forget_order (uuid TEXT PRIMARY KEY)", NULL,
                    NULL, NULL) != SQLITE_OK)
    return sql_failed (db, error);
  return TRUE;
}

/**
 * vtr_hub_sms_forget_order:
 *
 * Erases the customer's first name and phone of @order from the hub (its
 * placed payload, its events, its messages), in the caller's transaction:
 * the customer asked at the counter (a "forget" event).
 */
gboolean
vtr_hub_sms_forget_order (VtrHubDb   *db,
                          const char *order,
                          GError    **error)
{
  sqlite3 *sql = vtr_hub_db_get_sqlite (db);

  return make_forget_list (sql, error) &&
         run_with_text (sql, "INSERT OR IGNORE INTO temp.forget_order (uuid) VALUES (?1)", order, error) &&
         erase_listed (sql, error);
}

/**
 * vtr_hub_sms_erase_expired:
 * @keep_seconds: how long the details are kept once an order is over
 *
 * Erases the customer's details of every order that was collected,
 * cancelled or refused (as the hub received it) more than @keep_seconds
 * before @now.
 *
 * Returns: how many orders were erased, -1 on error.
 */
int
vtr_hub_sms_erase_expired (VtrHubDb *db,
                           gint64    now,
                           gint64    keep_seconds,
                           GError  **error)
{
  sqlite3 *sql = vtr_hub_db_get_sqlite (db);
  g_autoptr(sqlite3_stmt) list = NULL;
  int total = 0, n;

  if (!make_forget_list (sql, error))
    return -1;
  /* The orders not yet erased, over, by the index on them; a few
   * hundred a transaction, so that the devices' events are never held
   * up long (the first sweep of an old hub may have many to erase). */
  list = prepare (sql,
                  "INSERT OR IGNORE INTO temp.forget_order (uuid) "
                  "  SELECT uuid FROM hub_order "
                  "  WHERE forgotten = 0 AND state IN ('collected', 'cancelled', 'refused') "
                  "    AND received <= ?1 LIMIT ?2",
                  error);
  if (list == NULL)
    return -1;
  sqlite3_bind_int64 (list, 1, now - keep_seconds);
  sqlite3_bind_int (list, 2, ERASE_BATCH);
  do
    {
      if (sqlite3_exec (sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sql_failed (sql, error), -1;
      sqlite3_reset (list);
      if (sqlite3_step (list) != SQLITE_DONE)
        {
          sql_failed (sql, error);
          goto failed;
        }
      n = sqlite3_changes (sql);
      if (!erase_listed (sql, error))
        goto failed;
      if (sqlite3_exec (sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        {
          sql_failed (sql, error);
          goto failed;
        }
      total += n;
      /* The devices' writes waiting for the lock go first: SQLite's busy
       * handler sleeps up to 100 ms between tries. */
      if (n == ERASE_BATCH)
        g_usleep (ERASE_PAUSE_USEC);
    }
  while (n == ERASE_BATCH);
  return total;

failed:
  sqlite3_exec (sql, "ROLLBACK", NULL, NULL, NULL);
  return -1;
}

/**
 * vtr_hub_sms_write_outbox:
 *
 * The last @limit messages, newest first, as a JSON array: what an admin
 * needs to see whether customers are told (no phone, no text).
 */
gboolean
vtr_hub_sms_write_outbox (VtrHubDb    *db,
                          guint        limit,
                          JsonBuilder *builder,
                          GError     **error)
{
  sqlite3 *sql = vtr_hub_db_get_sqlite (db);
  g_autoptr(sqlite3_stmt) stmt =
    prepare (sql, VTR_HUB_SMS_OUTBOX_SQL, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limit);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "order", (const char *) sqlite3_column_text (stmt, 0));
      vtr_json_add_string (builder, "number", (const char *) sqlite3_column_text (stmt, 1));
      vtr_json_add_string (builder, "state", (const char *) sqlite3_column_text (stmt, 2));
      vtr_json_add_string (builder, "status", (const char *) sqlite3_column_text (stmt, 3));
      vtr_json_add_int (builder, "tries", sqlite3_column_int64 (stmt, 4));
      vtr_json_add_int (builder, "created", sqlite3_column_int64 (stmt, 5));
      vtr_json_add_int (builder, "next_try", sqlite3_column_int64 (stmt, 6));
      vtr_json_add_int (builder, "sent", sqlite3_column_int64 (stmt, 7));
      vtr_json_add_string (builder, "last_error", (const char *) sqlite3_column_text (stmt, 8));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    return sql_failed (sql, error);
  return TRUE;
}

/* The sending thread. */

struct _VtrHubSms
{
  char         *dir;
  GThread      *thread;
  GMutex        lock;
  GCond         cond;
  gboolean      stopping;
  gboolean      woken;
  GCancellable *cancellable;
  /* Owned by the thread. */
  VtrHubDb        *db;
  VtrHubBackend   *pg;     /* (pg) or the outbox is on PostgreSQL */
  VtrHubSmsConfig *config;
};

typedef struct
{
  gint64      id;
  const char *order;
  const char *state;
  gint64      tries;
  const char *number;
  const char *order_state;
  gint64      merchant_id;
  JsonObject *placed;
  JsonObject *details;
} Message;

/* The locker's compartment or code, as the shop device sends them (a
 * string or a number). */
static char *
object_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return *json_node_get_string (node) ? g_strdup (json_node_get_string (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* The words of the message, from the templates of sms.conf. */
static char *
compose (VtrHubSms     *self,
         const Message *m)
{
  const VtrHubSmsConfig *config = self->config;
  const char *first_name = vtr_json_get_string (m->placed, "first_name");
  const char *reason = vtr_json_get_string (m->details, "reason");
  gint64 locker_id = vtr_json_get_int (m->placed, "locker");
  /* The catalogue, opened for the message only: the hub's descriptors
   * are for its connections (vtr-hub-server.c). (pg) On PostgreSQL, the
   * shop's and the locker's rows. */
  g_autoptr(VtrStore) store = self->pg ? NULL : vtr_store_open (self->dir, NULL);
  g_autoptr(VtrCatalog) catalog = store ? vtr_catalog_new (store) : NULL;
  g_autoptr(VtrMerchant) merchant = catalog ? vtr_catalog_get_merchant (catalog, m->merchant_id, NULL) : NULL;
  g_autoptr(JsonParser) shop_row = json_parser_new ();
  g_autofree char *shop_data = self->pg ? vtr_hub_pg_catalog_row (self->pg, VTR_TABLE_MERCHANTS, m->merchant_id,
                                                                  NULL)
                                        : NULL;
  JsonObject *shop_object = parse_object (shop_row, shop_data);
  const char *shop = merchant ? merchant->name
                     : vtr_json_get_string (shop_object, "name") ? vtr_json_get_string (shop_object, "name")
                                                                 : "la boutique";
  g_autofree char *words = NULL;

  if (first_name == NULL || *first_name == '\0')
    first_name = "";
  if (g_str_equal (m->state, "ready") && locker_id > 0)
    {
      g_autoptr(VtrCollectionPoint) locker = catalog ? vtr_catalog_get_collection_point (catalog, locker_id, NULL)
                                                     : NULL;
      g_autoptr(JsonParser) locker_row = json_parser_new ();
      g_autofree char *locker_data = self->pg ? vtr_hub_pg_catalog_row (self->pg, VTR_TABLE_COLLECTION_POINTS,
                                                                        locker_id, NULL)
                                              : NULL;
      JsonObject *locker_object = parse_object (locker_row, locker_data);
      g_autofree char *compartment = object_text (m->details, "locker_compartment");
      g_autofree char *code = object_text (m->details, "locker_code");
      const char *locker_name = locker ? locker->name : vtr_json_get_string (locker_object, "name");
      const char *locker_address = locker ? locker->address : vtr_json_get_string (locker_object, "address");

      return fill (compartment && code ? config->text_ready_locker_code : config->text_ready_locker, FALSE,
                   "first_name", first_name, "number", m->number, "shop", shop,
                   "locker", locker_name ? locker_name : "", "address", locker_address ? locker_address : "",
                   "compartment", compartment, "code", code, NULL);
    }
  if (g_str_equal (m->state, "reserved"))
    return fill (config->text_reserved, FALSE, "first_name", first_name, "number", m->number, "shop", shop,
                 NULL);
  if (g_str_equal (m->state, "ready"))
    return fill (config->text_ready, FALSE, "first_name", first_name, "number", m->number, "shop", shop,
                 NULL);
  words = fill (g_str_equal (m->state, "refused") ? config->text_refused : config->text_cancelled, FALSE,
                "first_name", first_name, "number", m->number, "shop", shop, NULL);
  if (reason && *reason)
    {
      g_autofree char *because = fill (config->text_reason, FALSE, "reason", reason, NULL);

      return g_strconcat (words, " ", because, NULL);
    }
  return g_steal_pointer (&words);
}

/* Writes what became of a message. */
static void
record (VtrHubSms  *self,
        gint64      id,
        const char *status,
        gint64      tries,
        gint64      next_try,
        gint64      sent,
        const char *phone,
        const char *text,
        const char *last_error)
{
  sqlite3 *sql = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (self->pg)
    {
      if (!vtr_hub_pg_sms_record (self->pg, id, status, tries, next_try, sent, phone, text, last_error, &error))
        g_warning ("%s", error->message);
      return;
    }
  sql = vtr_hub_db_get_sqlite (self->db);
  stmt = prepare (sql,
                  "UPDATE sms_outbox SET status = ?2, tries = ?3, next_try = ?4, sent = nullif (?5, 0), "
                  "  phone = ?6, text = ?7, last_error = ?8 WHERE id = ?1",
                  &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, tries);
  sqlite3_bind_int64 (stmt, 4, next_try);
  sqlite3_bind_int64 (stmt, 5, sent);
  sqlite3_bind_text (stmt, 6, phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, last_error, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning (_("The hub’s database failed: %s"), sqlite3_errmsg (sql));
}


/* Sends the message that is due first, if any: TRUE if there was one. */
static gboolean
send_due (VtrHubSms *self)
{
  sqlite3 *sql = self->db ? vtr_hub_db_get_sqlite (self->db) : NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_auto(VtrHubSmsDue) due = { 0 };
  g_autoptr(JsonParser) placed_parser = json_parser_new ();
  g_autoptr(JsonParser) details_parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *text = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *order = NULL;
  g_autofree char *state = NULL;
  g_autofree char *number = NULL;
  g_autofree char *order_state = NULL;
  gint64 now = vtr_hub_sms_now ();
  const VtrHubSmsConfig *config = self->config;
  Message m = { 0 };
  guint status;
  int rc;

  if (self->pg)
    {
      gboolean found = FALSE;

      /* Claimed for this hub until well after the gateway's time limit. */
      if (!vtr_hub_pg_sms_claim (self->pg, now, now + config->timeout + 60, &due, &found, &error))
        {
          g_warning ("%s", error->message);
          return FALSE;
        }
      if (!found)
        return FALSE;
      m.id = due.id;
      m.order = due.order;
      m.state = due.state;
      m.tries = due.tries;
      m.details = parse_object (details_parser, due.details);
      m.number = due.number ? due.number : "";
      m.order_state = due.order_state;
      m.merchant_id = due.merchant_id;
      m.placed = parse_object (placed_parser, due.placed);
      goto claimed;
    }
  stmt = prepare (sql,
                  "SELECT s.id, s.order_uuid, s.state, s.tries, s.details, o.number, o.state, "
                  "  coalesce (o.merchant_id, 0), o.placed "
                  "FROM sms_outbox AS s LEFT JOIN hub_order AS o ON o.uuid = s.order_uuid "
                  "WHERE s.status = 'pending' AND s.next_try <= ?1 ORDER BY s.next_try, s.id LIMIT 1",
                  &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return FALSE;
  m.id = sqlite3_column_int64 (stmt, 0);
  m.order = order = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  m.state = state = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  m.tries = sqlite3_column_int64 (stmt, 3);
  m.details = parse_object (details_parser, (const char *) sqlite3_column_text (stmt, 4));
  m.number = number = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  m.order_state = order_state = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  m.merchant_id = sqlite3_column_int64 (stmt, 7);
  m.placed = parse_object (placed_parser, (const char *) sqlite3_column_text (stmt, 8));
  if (m.number == NULL)
    m.number = "";
  /* (ops) The read ends here: a statement still open would hold its
   * snapshot, and the UPDATE that records the message would then fail
   * (SQLITE_BUSY_SNAPSHOT) as soon as the writer committed anything
   * meanwhile, leaving a sent message pending, to be sent again. */
  g_clear_pointer (&stmt, sqlite3_finalize);

claimed:
  /* An order collected before its "ready" message went out: the
   * customer was there, a message now would only puzzle them. */
  if (g_str_equal (m.state, "ready") && g_strcmp0 (m.order_state, "ready") != 0)
    {
      record (self, m.id, "skipped", m.tries, now, 0, NULL, NULL, NULL);
      return TRUE;
    }
  phone = vtr_phone_french_mobile (vtr_json_get_string (m.placed, "phone"));
  if (phone == NULL)
    {
      /* Never sent to the gateway; the number itself stays out of the log. */
      g_message (_("Order %s: the customer left no French mobile number; no text message is sent."),
                 m.number);
      record (self, m.id, "no-number", m.tries, now, 0, NULL, NULL, NULL);
      return TRUE;
    }
  text = compose (self, &m);
  if (vtr_hub_sms_send (config, phone, text, self->cancellable, &status, &answer, &error))
    {
      g_message (_("Order %s: text message “%s” sent (gateway HTTP %u)."), m.number, m.state, status);
      record (self, m.id, "sent", m.tries + 1, now, now, phone, text, NULL);
      return TRUE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE; /* the hub stops: the message stays due, untouched */
  m.tries++;
  if (g_error_matches (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_UNAVAILABLE) && m.tries < config->tries)
    {
      gint64 delay = config->retry_first;

      for (gint64 i = 1; i < m.tries && delay < config->retry_max; i++)
        delay *= 2;
      delay = MIN (delay, config->retry_max);
      g_message (_("Order %s: %s. Tried %lld of %u times; trying again in %lld s."), m.number,
                 error->message, (long long) m.tries, config->tries, (long long) delay);
      record (self, m.id, "pending", m.tries, now + delay, 0, NULL, NULL, error->message);
      return TRUE;
    }
  if (g_error_matches (error, VTR_HUB_SMS_ERROR, VTR_HUB_SMS_ERROR_UNAVAILABLE))
    g_warning (_("Order %s: the text message “%s” is given up after %lld tries: %s. Check the gateway "
                 "with `vitrine-hub sms test NUMBER`."),
               m.number, m.state, (long long) m.tries, error->message);
  else
    g_warning (_("Order %s: the text message “%s” is not sent: %s. It is not tried again; "
                 "`vitrine-hub sms test NUMBER` tries the gateway once it is fixed."),
               m.number, m.state, error->message);
  record (self, m.id, "failed", m.tries, now, 0, NULL, NULL, error->message);
  return TRUE;
}

static void
sweep (VtrHubSms *self)
{
  g_autoptr(GError) error = NULL;
  gint64 keep = self->config ? vtr_hub_sms_config_keep_seconds (self->config)
                             : (gint64) (DEFAULT_KEEP_DAYS * 86400);
  int n = self->pg ? vtr_hub_pg_sms_erase_expired (self->pg, vtr_hub_sms_now (), keep, &error)
                   : vtr_hub_sms_erase_expired (self->db, vtr_hub_sms_now (), keep, &error);

  if (n < 0)
    g_warning ("%s", error->message);
  else if (n > 0)
    g_message (g_dngettext (GETTEXT_PACKAGE,
                            "Erased the customer’s first name and phone of %d order over for more than "
                            "%g days.",
                            "Erased the customers’ first names and phones of %d orders over for more "
                            "than %g days.",
                            n),
               n, keep / 86400.0);
}

static gpointer
sms_main (gpointer data)
{
  VtrHubSms *self = data;
  g_autoptr(GError) error = NULL;
  gint64 next_sweep = 0;

  vtr_hub_web_thread_init ();
  self->config = vtr_hub_sms_config_load (self->dir, &error);
  if (self->config == NULL)
    g_warning (_("%s: no text message is sent until it is fixed and the hub restarted."), error->message);
  else if (!vtr_hub_sms_config_has_gateway (self->config))
    g_message (_("No SMS gateway is set in %s: messages to customers wait in the hub’s outbox."),
               self->config->path);
  else
    {
      GStatBuf st;

      /* It holds the gateway's credentials. */
      if (g_stat (self->config->path, &st) == 0 && (st.st_mode & 0077))
        g_message (_("%s can be read by other users of this machine, and it holds the SMS gateway’s "
                     "credentials: chmod 600 it."),
                   self->config->path);
    }

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      gboolean more = FALSE;
      gint64 now;

      g_mutex_unlock (&self->lock);
      now = vtr_hub_sms_now ();
      if (now >= next_sweep)
        {
          sweep (self);
          next_sweep = now + SWEEP_EVERY;
        }
      if (self->config && vtr_hub_sms_config_has_gateway (self->config))
        more = send_due (self);
      g_mutex_lock (&self->lock);
      /* Next due message: at once if there may be more, else soon. */
      if (!more && !self->woken && !self->stopping)
        g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + G_USEC_PER_SEC);
      self->woken = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * vtr_hub_sms_start:
 *
 * Starts the thread that sends the customers' text messages and erases
 * their details when the time comes, with its own database connections.
 */
VtrHubSms *
vtr_hub_sms_start (const char *dir,
                   const char *database,
                   GError    **error)
{
  VtrHubSms *self = g_new0 (VtrHubSms, 1);

  self->dir = g_strdup (dir);
  /* (pg) @database: the outbox is PostgreSQL's, shared by every hub. */
  if (database ? !(self->pg = vtr_hub_backend_open (dir, database, error))
               : !(self->db = vtr_hub_db_open (dir, error)))
    {
      vtr_hub_sms_stop (self);
      return NULL;
    }
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("hub-sms", sms_main, self);
  return self;
}

/* Something may be due: an order's event was just stored. */
void
vtr_hub_sms_wake (VtrHubSms *self)
{
  g_mutex_lock (&self->lock);
  self->woken = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Stops the thread: a message on its way to a hanging gateway is given
 * up and stays due, as if never tried. */
void
vtr_hub_sms_stop (VtrHubSms *self)
{
  if (self == NULL)
    return;
  if (self->thread)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
      g_cancellable_cancel (self->cancellable);
      g_thread_join (self->thread);
      g_mutex_clear (&self->lock);
      g_cond_clear (&self->cond);
    }
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->config, vtr_hub_sms_config_free);
  g_clear_pointer (&self->db, vtr_hub_db_free);
  g_clear_pointer (&self->pg, vtr_hub_backend_free);
  g_free (self->dir);
  g_free (self);
}

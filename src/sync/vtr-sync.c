#include "config.h"

#include "vtr-sync.h"
#include "vtr-sync-private.h"
#include "vtr-shop-edit.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-card-block.h"
#include "vtr-flashcode.h"
#include "vtr-json.h"
#include "vtr-key-list.h"
#include "vtr-outbox.h"
#include "vtr-release.h"
#include "vtr-staff.h"
#include "vtr-staff-pin.h"
#include "vtr-sync-stock.h"
#include "vtr-sync-tiles.h"
#include "vtr-trust.h"

/*
 * The kiosk's side of the hub protocol (docs/hub-api.md).
 *
 * Every step is safe to cut at any point, by a dropped connection or a
 * kill -9: a feed page and its cursor are one transaction
 * (vtr_sync_state_apply_page), and an outbox row leaves only when the hub
 * answered for its id (vtr_sync_state_settle); the hub stores events by
 * UUID, so sending one twice is harmless. The calls block: the app runs
 * them on a worker thread, vitrine-ctl in its main thread.
 */

#define API "/api/v1/"
#define USER_AGENT "vitrine/" PACKAGE_VERSION

G_DEFINE_QUARK (vtr-sync-error-quark, vtr_sync_error)

static guint
env_uint (const char *name,
          guint       fallback,
          guint       max)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return fallback;
  return value;
}

/**
 * vtr_sync_session_new:
 *
 * The HTTP session a kiosk talks to its hub with. A kiosk keeps one for
 * as long as it runs (vtr_sync_client_new_for_session()) rather than one
 * a sync: it keeps its connections, its TLS sessions and its memory.
 * Made and configured in one thread; libsoup 3.2 lets any thread send
 * with it, one sync at a time.
 */
SoupSession *
vtr_sync_session_new (void)
{
  /* No byte for that long, and the request counts as lost: a stalled
   * 4G link must not hold the sync forever. */
  SoupSession *session = soup_session_new_with_options ("timeout",
                                                        env_uint ("VITRINE_SYNC_TIMEOUT", 30, 3600),
                                                        "user-agent", USER_AGENT, NULL);
  const char *ca = g_getenv ("VITRINE_HUB_CA");

  if (ca && *ca)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);

      if (database)
        soup_session_set_tls_database (session, database);
      else
        g_warning ("VITRINE_HUB_CA: %s", error->message);
    }
  return session;
}

/* The error of an HTTP answer, in words; the hub's own message when it
 * sent one. */
static void
set_http_error (GBytes  *body,
                guint    status,
                GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *message = NULL;

  if (body && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                          NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    message = json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                          "message", NULL);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_REFUSED, _("The hub refused this kiosk: %s"),
                 message ? message : soup_status_get_phrase (status));
  else if (status >= 500)
    g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_HUB,
                 _("The hub is having trouble (error %u). The kiosk keeps working with the data it "
                   "has and will try again."),
                 status);
  else
    g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL, _("The hub refused the request (%u): %s"),
                 status, message ? message : soup_status_get_phrase (status));
}

/* One request; the body of a 2xx or 304 answer, an error otherwise. */
static GBytes *
send (SoupSession  *session,
      const char   *method,
      const char   *url,
      const char   *token,
      const char   *json,
      const char   *if_none_match,
      const char   *history,
      const char   *heartbeat,
      const char   *area,
      char        **told_history,
      guint        *status,
      GCancellable *cancellable,
      GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *headers;

  if (msg == NULL)
    {
      g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_NOT_PAIRED, _("“%s” is not a hub address"), url);
      return NULL;
    }
  headers = soup_message_get_request_headers (msg);
  if (token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (if_none_match)
    soup_message_headers_replace (headers, "If-None-Match", if_none_match);
  /* (ops) The hub's history this kiosk follows: a hub restored from a
   * backup answers 410 to a kiosk that followed the history it lost. */
  if (history)
    soup_message_headers_replace (headers, "Vitrine-History", history);
  /* (ops) How the device is, for `vitrine-hub device list`. */
  if (heartbeat)
    soup_message_headers_replace (headers, "Vitrine-Device", heartbeat);
  /* (area) The area the kiosk's catalogue is of: the hub has it download
   * again a catalogue of another area than the device's. */
  if (area)
    soup_message_headers_replace (headers, "Vitrine-Area", area);
  if (json)
    {
      g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  body = soup_session_send_and_read (session, msg, cancellable, &local_error);
  *status = soup_message_get_status (msg);
  if (told_history)
    *told_history = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Vitrine-History"));
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          /* The network's own words (a timeout, a refused connection) go
           * to the log for whoever mends it; the screen says what it means. */
          g_message ("The hub cannot be reached: %s", local_error->message);
          if (local_error->domain == G_TLS_ERROR)
            g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE,
                                 _("The federation’s server could not prove who it is (its certificate is not "
                                   "trusted here). The kiosk keeps working with the data it has."));
          else
            g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE,
                                 _("The federation’s server does not answer. The kiosk keeps working with the "
                                   "data it has and will try again."));
        }
      return NULL;
    }
  if (*status == SOUP_STATUS_NOT_MODIFIED || SOUP_STATUS_IS_SUCCESSFUL (*status))
    return g_steal_pointer (&body);
  set_http_error (body, *status, error);
  return NULL;
}

static JsonNode *
parse_answer (GBytes  *body,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      /* A body cut short by the network reads as malformed: retry. */
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE,
                           _("The hub’s answer arrived incomplete or unreadable; nothing was "
                             "changed and the kiosk will try again."));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/* Pairing. */

/* HTTPS://HOST/D/CODE/E…/K…/SIG → HOST and CODE. */
static gboolean
split_pairing_url (const char *text,
                   char      **host,
                   char      **code)
{
  g_auto(GStrv) parts = NULL;

  if (g_ascii_strncasecmp (text, "HTTPS://", 8) != 0)
    return FALSE;
  parts = g_strsplit (text + 8, "/", -1);
  if (g_strv_length (parts) != 6 || g_ascii_strcasecmp (parts[1], "D") != 0 || *parts[0] == '\0' ||
      *parts[2] == '\0')
    return FALSE;
  *host = g_ascii_strdown (parts[0], -1);
  *code = g_strdup (parts[2]);
  return TRUE;
}

/**
 * vtr_sync_pair:
 * @scanned: the pairing code as scanned (the signed URL)
 * @hub_url: (nullable): the hub's address; by default https:// and the
 *   code's host
 *
 * Trades the code for this kiosk's token, checks that the federation that
 * answered is the one that signed the code, and keeps the hub's address,
 * the token and the federation's keys.
 */
VtrHubLink *
vtr_sync_pair (VtrStore   *store,
               const char *scanned,
               const char *hub_url,
               GError    **error)
{
  g_autoptr(SoupSession) session = vtr_sync_session_new ();
  g_autoptr(VtrHubLink) link = g_new0 (VtrHubLink, 1);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *host = NULL;
  g_autofree char *code = NULL;
  g_autofree char *request = NULL;
  g_autofree char *url = NULL;
  guint8 root_key[VTR_PUBLIC_KEY_BYTES];
  const char *token, *envelope, *root, *admin_pin_hash;
  JsonObject *object;
  guint status;

  g_return_val_if_fail (VTR_IS_STORE (store), NULL);

  if (!split_pairing_url (scanned, &host, &code))
    {
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PAIRING,
                           _("This is not a pairing code. The federation prints one for each "
                             "kiosk, with “pairing” written under it."));
      return NULL;
    }
  link->url = hub_url ? g_strdup (hub_url) : g_strconcat ("https://", host, NULL);
  while (g_str_has_suffix (link->url, "/"))
    link->url[strlen (link->url) - 1] = '\0';

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "code", code);
  json_builder_end_object (builder);
  request = vtr_json_builder_to_data (builder, FALSE);
  url = g_strconcat (link->url, API "pair", NULL);
  body = send (session, "POST", url, NULL, request, NULL, NULL, NULL, NULL, NULL, &status, NULL, error);
  if (body == NULL)
    {
      if (error && *error && (*error)->code == VTR_SYNC_ERROR_REFUSED)
        (*error)->code = VTR_SYNC_ERROR_PAIRING;
      return NULL;
    }
  if (!(answer = parse_answer (body, error)))
    return NULL;
  object = json_node_get_object (answer);
  token = json_object_get_string_member_with_default (object, "token", NULL);
  envelope = json_object_get_string_member_with_default (object, "keys", NULL);
  root = json_object_get_string_member_with_default (object, "root", NULL);
  if (token == NULL || envelope == NULL || root == NULL ||
      !vtr_base64url_decode (root, strlen (root), root_key, sizeof root_key) ||
      !(keys = vtr_key_list_load (envelope, root_key, NULL)))
    {
      g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                           _("The hub’s answer to the pairing is incomplete: pairing refused"));
      return NULL;
    }

  /* The keys the hub sent must be those that signed the code. */
  info = vtr_code_classify (scanned, -1, keys, now);
  if (info->kind != VTR_CODE_PAIRING || info->verdict != VTR_VERDICT_TRUSTED ||
      g_strcmp0 (info->code.pairing, code) != 0)
    {
      g_autofree char *why = vtr_verdict_describe (info);

      g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PAIRING,
                   _("This pairing code was not signed by the federation that answered (%s): "
                     "pairing refused"),
                   why);
      return NULL;
    }

  link->token = g_strdup (token);
  link->device_id = json_object_get_int_member_with_default (object, "device", 0);
  link->device_name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
  link->merchant_id = json_object_get_int_member_with_default (object, "merchant", 0);
  link->paired = g_date_time_to_unix (now);
  if (!vtr_trust_save (store, envelope, root, error) || !vtr_sync_state_save_link (store, link, error))
    return NULL;
  /* The administrator's PIN the federation set for this device. */
  admin_pin_hash = json_object_get_string_member_with_default (object, "admin_pin_hash", NULL);
  if (admin_pin_hash && !vtr_staff_set_pin_hash (store, VTR_ADMIN_ID, admin_pin_hash, error))
    return NULL;
  return g_steal_pointer (&link);
}

/* The client. */

VtrSyncClient *
vtr_sync_client_new (VtrStore *store,
                     GError  **error)
{
  g_autoptr(SoupSession) session = vtr_sync_session_new ();

  return vtr_sync_client_new_for_session (store, session, error);
}

/**
 * vtr_sync_client_new_for_session:
 * @session: a session from vtr_sync_session_new(), which the client
 *   shares
 */
/* (tiles) The kiosk's position and map settings, where the app's settings
 * are installed. */
static void
map_area_from_settings (VtrSyncClient *client)
{
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (schemas)
    schema = g_settings_schema_source_lookup (schemas, "fr.vitrine.Vitrine", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "tiles-radius"))
    return;
  settings = g_settings_new ("fr.vitrine.Vitrine");
  vtr_sync_client_set_map_area (client, g_settings_get_double (settings, "kiosk-latitude"),
                                g_settings_get_double (settings, "kiosk-longitude"),
                                g_settings_get_uint (settings, "tiles-radius"),
                                (guint64) g_settings_get_uint (settings, "tiles-max-megabytes") * 1000 * 1000);
}

VtrSyncClient *
vtr_sync_client_new_for_session (VtrStore    *store,
                                 SoupSession *session,
                                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  VtrHubLink *link = vtr_sync_state_load_link (store, &local_error);
  VtrSyncClient *client;

  if (link == NULL)
    {
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_NOT_PAIRED,
                             _("This kiosk is not paired with a hub yet: scan the pairing code the "
                               "federation gave you (vitrine-ctl pair CODE)."));
      return NULL;
    }
  client = g_new0 (VtrSyncClient, 1);
  client->store = g_object_ref (store);
  client->catalog = vtr_catalog_new (store);
  client->link = link;
  client->session = g_object_ref (session);
  client->page_size = env_uint ("VITRINE_SYNC_PAGE", 5000, 20000);
  client->batch_size = env_uint ("VITRINE_SYNC_BATCH", 200, 1000);
  map_area_from_settings (client);
  return client;
}

/**
 * vtr_sync_client_set_map_area:
 * @radius_m: metres around (@lat, @lon) whose tiles the kiosk keeps; 0 for none
 * @max_bytes: the most they may take
 *
 * The map's area kept offline (vtr-sync-tiles.c). By default the
 * kiosk's position and the tiles-radius and tiles-max-megabytes settings.
 */
void
vtr_sync_client_set_map_area (VtrSyncClient *client,
                              double         lat,
                              double         lon,
                              double         radius_m,
                              guint64        max_bytes)
{
  client->map_lat = lat;
  client->map_lon = lon;
  client->map_radius = MAX (0.0, radius_m);
  client->map_max_bytes = max_bytes;
}

void
vtr_sync_client_free (VtrSyncClient *client)
{
  if (client == NULL)
    return;
  g_clear_object (&client->session);
  g_clear_object (&client->catalog);
  g_clear_object (&client->store);
  vtr_hub_link_free (client->link);
  g_free (client);
}

static GBytes *
client_send (VtrSyncClient *client,
             const char    *method,
             const char    *path,
             const char    *json,
             const char    *if_none_match,
             guint         *status,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *url = g_strconcat (client->link->url, path, NULL);
  g_autofree char *known = vtr_sync_state_history (client->store, NULL);
  g_autofree char *told = NULL;
  g_autofree char *heartbeat = vtr_sync_state_heartbeat (client->store);
  g_autofree char *area = g_str_has_prefix (path, API "changes") ? vtr_sync_state_area (client->store) : NULL;
  GBytes *body;

  body = send (client->session, method, url, client->link->token, json, if_none_match, known, heartbeat, area, &told,
               status, cancellable, error);
  /* (ops) The first history a hub tells is followed; another one, with
   * a 410, means the hub was restored from a backup: what it
   * acknowledged lately goes up again and the catalogue comes again. */
  client->history_reset = FALSE;
  if (told && g_strcmp0 (known, told) != 0 && (known == NULL || (body == NULL && *status == SOUP_STATUS_GONE)))
    {
      g_autoptr(GError) local_error = NULL;

      if (vtr_sync_state_set_history (client->store, told, known != NULL, &local_error))
        client->history_reset = known != NULL;
      else
        g_warning ("The hub’s new history could not be recorded: %s", local_error->message);
    }
  return body;
}

/**
 * vtr_sync_client_request: (skip)
 * @path: from "/api/v1/"
 * @json: (nullable): the request's body
 *
 * One request of a sync step kept in a file of its own
 * (vtr-sync-stock.c): the hub's answer as a JSON object.
 */
JsonNode *
vtr_sync_client_request (VtrSyncClient *client,
                         const char    *method,
                         const char    *path,
                         const char    *json,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (!(body = vtr_sync_client_send (client, method, path, json, NULL, &status, cancellable, error)))
    return NULL;
  return vtr_sync_parse_answer (body, error);
}

VtrStore *
vtr_sync_client_get_store (VtrSyncClient *client)
{
  return client->store;
}

/**
 * vtr_sync_client_pull:
 *
 * Downloads the catalogue's changes page after page until the hub says
 * there are no more, each page applied with its cursor in one transaction.
 */
gboolean
vtr_sync_client_pull (VtrSyncClient *client,
                      VtrSyncReport *report,
                      GCancellable  *cancellable,
                      GError       **error)
{
  /* Set when the hub no longer has the history the kiosk follows: the
   * next page is asked from 0 and replaces the kiosk's copy. */
  gboolean replacing = FALSE;

  for (;;)
    {
      g_autofree char *path = NULL;
      g_autofree char *tag = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) page = NULL;
      g_autoptr(GError) local_error = NULL;
      VtrImportCounts counts = { 0 };
      JsonObject *object;
      const char *release;
      gint64 since, cursor;
      guint status;

      if (replacing)
        since = 0;
      else if ((since = vtr_sync_state_cursor (client->store, error)) < 0)
        return FALSE;
      path = g_strdup_printf (API "changes?since=%" G_GINT64_FORMAT "&limit=%u", since, client->page_size);
      /* The hub's tag holds its newest change and the current release:
       * a kiosk that has not heard of a new release gets a page saying it. */
      if (!replacing)
        {
          g_autofree char *known = vtr_release_get_current (client->store, NULL);

          tag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "-%s\"", since, known ? known : "");
        }
      status = 0;
      body = client_send (client, "GET", path, NULL, tag, &status, cancellable, &local_error);
      if (body == NULL && status == SOUP_STATUS_GONE && !replacing && since > 0)
        {
          /* The hub lost the history we follow: start over. The copy is
           * kept until the hub's first page replaces it. */
          replacing = TRUE;
          continue;
        }
      if (body == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      report->up_to_date = status == SOUP_STATUS_NOT_MODIFIED;
      if (report->up_to_date)
        return TRUE;

      if (!(page = parse_answer (body, error)))
        return FALSE;
      object = json_node_get_object (page);
      if (json_object_get_int_member_with_default (object, "since", -1) != since)
        {
          /* An old answer replayed by a proxy, or a confused hub. */
          g_set_error (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                       _("The hub answered for another position of the catalogue than asked; "
                         "nothing was changed and the kiosk will try again."));
          return FALSE;
        }
      cursor = json_object_get_int_member_with_default (object, "cursor", -1);
      release = json_object_get_string_member_with_default (object, "release", NULL);
      if (vtr_release_is_valid (release) && !vtr_release_set_current (client->store, release, error))
        return FALSE;
      if (replacing)
        {
          if (!vtr_sync_state_replace_catalog (client->catalog, object, cursor, &counts, error))
            return FALSE;
          replacing = FALSE;
        }
      else if (!vtr_sync_state_apply_page (client->catalog, object, since, cursor, &counts, error))
        return FALSE;
      report->pages++;
      report->rows += counts.merchants + counts.products + counts.stock + counts.promotions +
                      counts.rules + counts.rewards + counts.collection_points;
      report->deleted += counts.deleted;
      if (!json_object_get_boolean_member_with_default (object, "more", FALSE) || cursor == since)
        return TRUE;
    }
}

/* {"events": [{"uuid", "kind", "created", "payload"}, …]} */
static char *
batch_request (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      VtrOutboxEntry *entry = g_ptr_array_index (entries, i);
      JsonNode *payload = json_from_string (entry->payload, NULL);

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "uuid", entry->uuid);
      vtr_json_add_string (builder, "kind", entry->kind);
      vtr_json_add_int (builder, "created", entry->created);
      json_builder_set_member_name (builder, "payload");
      if (payload)
        json_builder_add_value (builder, payload);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

/**
 * vtr_sync_client_push:
 *
 * Uploads the outbox, oldest first, in batches. Each event leaves the
 * outbox only on the hub's answer for its id.
 */
gboolean
vtr_sync_client_push (VtrSyncClient *client,
                      VtrSyncReport *report,
                      GCancellable  *cancellable,
                      GError       **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) entries = vtr_outbox_pending (client->store, client->batch_size, error);
      g_autoptr(GHashTable) sent = NULL;
      g_autoptr(GPtrArray) uuids = NULL;
      g_autoptr(GPtrArray) reasons = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *request = NULL;
      JsonNode *results;
      JsonArray *array;
      guint status;

      if (entries == NULL)
        return FALSE;
      if (entries->len == 0)
        return TRUE;

      request = batch_request (entries);
      body = client_send (client, "POST", API "events", request, NULL, &status, cancellable, error);
      if (body == NULL && client->history_reset)
        {
          /* The hub was restored: the outbox now starts with what it
           * acknowledged lately. */
          g_clear_error (error);
          continue;
        }
      if (body == NULL || !(answer = parse_answer (body, error)))
        return FALSE;
      report->sent += entries->len;

      sent = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < entries->len; i++)
        {
          VtrOutboxEntry *entry = g_ptr_array_index (entries, i);
          g_hash_table_add (sent, entry->uuid);
        }
      results = json_object_get_member (json_node_get_object (answer), "results");
      if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
        {
          g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                               _("The hub’s answer to the upload has no results; the events stay "
                                 "on the kiosk and will be sent again."));
          return FALSE;
        }
      array = json_node_get_array (results);
      uuids = g_ptr_array_new_with_free_func (g_free);
      reasons = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *result = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *uuid = result ? json_object_get_string_member_with_default (result, "uuid", NULL) : NULL;
          const char *verdict = result ? json_object_get_string_member_with_default (result, "status", "") : "";

          /* Only answers for what this batch sent count. */
          if (uuid == NULL || !g_hash_table_remove (sent, uuid))
            continue;
          if (g_str_equal (verdict, "accepted") || g_str_equal (verdict, "duplicate"))
            {
              const char *code = json_object_get_string_member_with_default (result, "code", NULL);

              /* (shop) A poster the hub signed, kept for the printer. */
              if (code && !vtr_shop_poster_signed (client->store, uuid, code, error))
                return FALSE;
              g_ptr_array_add (uuids, g_strdup (uuid));
              g_ptr_array_add (reasons, NULL);
              if (g_str_equal (verdict, "accepted"))
                report->accepted++;
              else
                report->duplicates++;
            }
          else if (g_str_equal (verdict, "rejected"))
            {
              g_ptr_array_add (uuids, g_strdup (uuid));
              g_ptr_array_add (reasons,
                               g_strdup (json_object_get_string_member_with_default (result, "reason",
                                                                                     "rejected")));
              report->rejected++;
            }
        }
      if (uuids->len == 0)
        {
          g_set_error_literal (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_PROTOCOL,
                               _("The hub did not answer for any event sent; they stay on the "
                                 "kiosk and will be sent again."));
          return FALSE;
        }
      if (!vtr_sync_state_settle (client->store, (const char * const *) uuids->pdata,
                                  (const char * const *) reasons->pdata, uuids->len,
                                  g_get_real_time () / G_USEC_PER_SEC, error))
        return FALSE;
    }
}

/* Whether @error means the whole sync must stop (the network is gone,
 * the kiosk was refused, the sync was cancelled), not just this step
 * (one card, one stock of codes). */
gboolean
vtr_sync_error_stops_sync (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_OFFLINE) ||
         g_error_matches (error, VTR_SYNC_ERROR, VTR_SYNC_ERROR_REFUSED) ||
         (error && error->domain != VTR_SYNC_ERROR);
}

/* The hub's balance of the cards whose events it now has. A card the hub
 * cannot answer for (a card id it refuses, a balance it cannot give) is
 * left for the next sync and never stops this one: the others, the
 * catalogue and the keys still come. */
static gboolean
refresh_balances (VtrSyncClient *client,
                  VtrSyncReport *report,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GPtrArray) cards = vtr_sync_state_cards_to_refresh (client->store, error);
  g_autoptr(VtrKeyList) keys = vtr_trust_load (client->store, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (cards == NULL)
    return FALSE;
  /* (cards) and the known cards not asked for a while, so that a card
   * credited at another shop shows its balance here too. */
  {
    gint64 age = env_uint ("VITRINE_SYNC_CARD_AGE", 600, 86400 * 365);
    g_autoptr(GPtrArray) stale = NULL;

    if (g_getenv ("VITRINE_SYNC_CARD_AGE") && g_str_equal (g_getenv ("VITRINE_SYNC_CARD_AGE"), "0"))
      age = 0;
    stale = vtr_card_stale (client->store, g_get_real_time () / G_USEC_PER_SEC - age,
                            env_uint ("VITRINE_SYNC_CARDS", 50, 1000), error);
    if (stale == NULL)
      return FALSE;
    for (guint i = 0; i < stale->len; i++)
      if (!g_ptr_array_find_with_equal_func (cards, g_ptr_array_index (stale, i), g_str_equal, NULL))
        g_ptr_array_add (cards, g_strdup (g_ptr_array_index (stale, i)));
  }
  for (guint i = 0; i < cards->len; i++)
    {
      const char *card_id = g_ptr_array_index (cards, i);
      g_autofree char *path = g_strconcat (API "cards/", card_id, NULL);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autoptr(GError) card_error = NULL;
      JsonObject *object;
      JsonNode *balance;
      const char *code;
      guint status;

      if (!(body = client_send (client, "GET", path, NULL, NULL, &status, cancellable, &card_error)) ||
          !(answer = parse_answer (body, &card_error)))
        {
          if (vtr_sync_error_stops_sync (card_error))
            {
              g_propagate_error (error, g_steal_pointer (&card_error));
              return FALSE;
            }
          g_debug ("card %s: %s", card_id, card_error->message);
          report->card_errors++;
          continue;
        }
      object = json_node_get_object (answer);
      balance = json_object_get_member (object, "balance");
      if (balance == NULL || !JSON_NODE_HOLDS_VALUE (balance) ||
          json_node_get_value_type (balance) != G_TYPE_INT64)
        {
          report->card_errors++;
          continue;
        }
      /* The card's code, if the hub sends one, is kept only if it is the
       * federation's signature of this very card. */
      code = json_object_get_string_member_with_default (object, "code", NULL);
      if (code)
        {
          g_autoptr(VtrCodeInfo) info = vtr_code_classify (code, -1, keys, now);

          if (info->kind != VTR_CODE_CARD || info->verdict != VTR_VERDICT_TRUSTED ||
              g_strcmp0 (info->code.card_id, card_id) != 0)
            code = NULL;
        }
      if (!vtr_sync_state_set_balance (client->store, card_id, json_node_get_int (balance), code,
                                       g_get_real_time () / G_USEC_PER_SEC, error))
        return FALSE;
      report->cards++;
    }
  return TRUE;
}

/* A newer key list (a key rotated or retired) replaces the kept one. */
static gboolean
refresh_keys (VtrSyncClient *client,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *envelope = NULL;
  guint status;

  if (!(body = client_send (client, "GET", API "keys", NULL, NULL, &status, cancellable, error)))
    return FALSE;
  envelope = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (!vtr_trust_save (client->store, envelope, NULL, &local_error) &&
      !g_error_matches (local_error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_OLDER))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * vtr_sync_client_run:
 *
 * One whole sync: the outbox up, the catalogue down, then the balances
 * and keys, then the stocks of signed codes; the outcome is recorded for the freshness shown to users.
 */
gboolean
vtr_sync_client_run (VtrSyncClient *client,
                     VtrSyncReport *report,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok;

  /* Up first: what the kiosk recorded matters more than a fresh price;
   * the keys before the balances, so that no card's trouble keeps a
   * retired key trusted. */
  ok = vtr_sync_client_push (client, report, cancellable, &local_error) &&
       vtr_sync_client_pull (client, report, cancellable, &local_error) &&
       vtr_sync_client_fetch_orders (client, started, report, cancellable, &local_error) &&
       refresh_keys (client, cancellable, &local_error) &&
       refresh_balances (client, report, cancellable, &local_error) &&
       vtr_sync_client_refill_stock (client, report, cancellable, &local_error);
  /* (poster) A shop's counts of its posters' scans: figures, never a
   * failed sync (an older hub answers 404): the next sync asks again. */
  report->poster_scans = -1;
  if (ok && vtr_sync_client_is_shop (client))
    {
      g_autoptr(GError) scans_error = NULL;

      if (!vtr_sync_client_fetch_poster_scans (client, report, cancellable, &scans_error))
        g_debug ("The counts of the shop's poster scans wait for the next sync: %s", scans_error->message);
    }
  /* (tiles) Last, and never a failed sync: without the network the map
   * keeps what it has, and the next sync goes on from there. */
  if (ok && client->map_radius > 0)
    {
      g_autoptr(GError) tiles_error = NULL;
      VtrTilesReport tiles;

      if (!vtr_sync_client_fetch_tiles (client, client->map_lat, client->map_lon, client->map_radius,
                                        client->map_max_bytes, &tiles, cancellable, &tiles_error))
        g_debug ("The map's tiles wait for the next sync: %s", tiles_error->message);
      report->tiles_fetched = tiles.fetched;
      report->tiles_unchanged = tiles.unchanged;
      report->tiles_bytes = tiles.bytes;
      report->tiles_kept = tiles.kept;
    }
  vtr_sync_state_record (client->store, g_get_real_time () / G_USEC_PER_SEC, local_error, NULL);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/**
 * vtr_sync_retry_delay:
 * @failures: failed attempts in a row, from 1
 *
 * Returns: seconds before the next attempt: exponential backoff capped at
 * @max_seconds, with ±50 % jitter so 500 kiosks that lost the network
 * together do not come back together.
 */
guint
vtr_sync_retry_delay (guint failures,
                      guint base_seconds,
                      guint max_seconds)
{
  double delay = base_seconds;

  for (guint i = 1; i < failures && delay < max_seconds; i++)
    delay *= 2;
  delay = MIN (delay, max_seconds);
  return MAX (1, (guint) (delay * g_random_double_range (0.5, 1.5)));
}

/**
 * vtr_sync_client_get:
 * @path: an address of the API, such as "/api/v1/cards?suffix=…"
 *
 * One GET to the hub with this device's token.
 *
 * Returns: (transfer full) (nullable): the answer, a JSON object
 */
JsonNode *
vtr_sync_client_get (VtrSyncClient *client,
                     const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return vtr_sync_client_request (client, "GET", path, NULL, cancellable, error);
}

/* For the other parts of the sync (vtr-sync-private.h). */

GBytes *
vtr_sync_client_send (VtrSyncClient *client,
                      const char    *method,
                      const char    *path,
                      const char    *json,
                      const char    *if_none_match,
                      guint         *status,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return client_send (client, method, path, json, if_none_match, status, cancellable, error);
}

JsonNode *
vtr_sync_parse_answer (GBytes  *body,
                       GError **error)
{
  return parse_answer (body, error);
}

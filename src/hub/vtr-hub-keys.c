#include "config.h"

#include "vtr-hub-keys.h"
#include "vtr-json.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

/*
 * The federation's keys, on the hub only: DATA/keys.json, readable by the
 * hub's user alone. It holds the root key (which signs only the published
 * key list) and the signing keys with their status: the newest signs, the
 * older ones stay valid for verification until retired.
 */

G_DEFINE_QUARK (vtr-hub-keys-error-quark, vtr_hub_keys_error)

typedef struct
{
  int          kid;
  guint8       public_key[VTR_PUBLIC_KEY_BYTES];
  guint8       secret_key[VTR_SECRET_KEY_BYTES];
  VtrKeyStatus status;
  gint64       created;
} SigningKey;

struct _VtrHubKeys
{
  char   *path;
  char   *host;
  gint64  version;
  guint8  root_public[VTR_PUBLIC_KEY_BYTES];
  guint8  root_secret[VTR_SECRET_KEY_BYTES];
  GArray *keys;
};

void
vtr_hub_keys_free (VtrHubKeys *keys)
{
  if (keys == NULL)
    return;
  sodium_memzero (keys->root_secret, sizeof keys->root_secret);
  if (keys->keys)
    {
      for (guint i = 0; i < keys->keys->len; i++)
        sodium_memzero (g_array_index (keys->keys, SigningKey, i).secret_key, VTR_SECRET_KEY_BYTES);
      g_array_unref (keys->keys);
    }
  g_free (keys->path);
  g_free (keys->host);
  g_free (keys);
}

static char *
keys_path (const char *data_dir)
{
  return g_build_filename (data_dir, "keys.json", NULL);
}

static void
add_bytes (JsonBuilder  *builder,
           const char   *name,
           const guint8 *data,
           gsize         len)
{
  g_autofree char *text = vtr_base64url_encode (data, len);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

/* Writes keys.json atomically, mode 0600. */
static gboolean
save (VtrHubKeys *keys,
      GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *data = NULL;

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "host", keys->host);
  vtr_json_add_int (builder, "version", keys->version);
  add_bytes (builder, "root_public", keys->root_public, sizeof keys->root_public);
  add_bytes (builder, "root_secret", keys->root_secret, sizeof keys->root_secret);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *key = &g_array_index (keys->keys, SigningKey, i);

      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "kid", key->kid);
      vtr_json_add_string (builder, "status", vtr_key_status_to_string (key->status));
      vtr_json_add_int (builder, "created", key->created);
      add_bytes (builder, "public", key->public_key, sizeof key->public_key);
      add_bytes (builder, "secret", key->secret_key, sizeof key->secret_key);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  data = vtr_json_builder_to_data (builder, TRUE);

  if (!g_file_set_contents_full (keys->path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  return TRUE;
}

static void
new_signing_key (VtrHubKeys *keys)
{
  SigningKey key = { 0 };

  key.kid = 1;
  for (guint i = 0; i < keys->keys->len; i++)
    key.kid = MAX (key.kid, g_array_index (keys->keys, SigningKey, i).kid + 1);
  crypto_sign_keypair (key.public_key, key.secret_key);
  key.status = VTR_KEY_SIGNING;
  key.created = g_get_real_time () / G_USEC_PER_SEC;

  /* The one that signed until now still verifies what it signed. */
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *old = &g_array_index (keys->keys, SigningKey, i);
      if (old->status == VTR_KEY_SIGNING)
        old->status = VTR_KEY_VALID;
    }
  g_array_append_val (keys->keys, key);
  keys->version++;
}

/**
 * vtr_hub_keys_init:
 * @host: the federation's host, written in every code
 *
 * Makes the root key and a first signing key. Refuses to replace keys that
 * exist: every code printed with them would stop working.
 */
gboolean
vtr_hub_keys_init (const char *data_dir,
                   const char *host,
                   GError    **error)
{
  g_autoptr(VtrHubKeys) keys = g_new0 (VtrHubKeys, 1);

  if (sodium_init () < 0)
    {
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_FAILED, "libsodium");
      return FALSE;
    }

  keys->path = keys_path (data_dir);
  if (g_file_test (keys->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_EXISTS,
                   _("The federation already has keys in %s: every code printed depends on "
                     "them, so they are not replaced. Use “keys rotate” for a new signing key."),
                   keys->path);
      return FALSE;
    }
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_FAILED,
                   _("Cannot create the folder %s: %s"), data_dir, g_strerror (saved));
      return FALSE;
    }

  keys->host = g_ascii_strdown (host, -1);
  keys->keys = g_array_new (FALSE, TRUE, sizeof (SigningKey));
  crypto_sign_keypair (keys->root_public, keys->root_secret);
  new_signing_key (keys);
  return save (keys, error);
}

static gboolean
read_bytes (JsonObject *object,
            const char *name,
            guint8     *out,
            gsize       len)
{
  const char *text = json_object_get_string_member_with_default (object, name, "");

  return vtr_base64url_decode (text, strlen (text), out, len);
}

VtrHubKeys *
vtr_hub_keys_open (const char *data_dir,
                   GError    **error)
{
  g_autoptr(VtrHubKeys) keys = g_new0 (VtrHubKeys, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonArray *array;

  if (sodium_init () < 0)
    return NULL;

  keys->path = keys_path (data_dir);
  if (!g_file_test (keys->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_NOT_INITIALIZED,
                   _("The federation has no keys yet in %s: run “vitrine-hub keys init” first."),
                   data_dir);
      return NULL;
    }
  if (!json_parser_load_from_file (parser, keys->path, &local_error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_FAILED,
                   _("The key file %s is damaged: %s"), keys->path,
                   local_error ? local_error->message : _("not a JSON object"));
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  keys->host = g_strdup (json_object_get_string_member_with_default (root, "host", ""));
  keys->version = json_object_get_int_member_with_default (root, "version", 0);
  keys->keys = g_array_new (FALSE, TRUE, sizeof (SigningKey));
  array = json_object_has_member (root, "keys") ? json_object_get_array_member (root, "keys") : NULL;
  if (*keys->host == '\0' || array == NULL ||
      !read_bytes (root, "root_public", keys->root_public, sizeof keys->root_public) ||
      !read_bytes (root, "root_secret", keys->root_secret, sizeof keys->root_secret))
    {
      g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_FAILED,
                   _("The key file %s is damaged: %s"), keys->path, _("missing fields"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *status = json_object_get_string_member_with_default (entry, "status", "");
      SigningKey key = { 0 };

      key.kid = json_object_get_int_member_with_default (entry, "kid", 0);
      key.created = json_object_get_int_member_with_default (entry, "created", 0);
      key.status = g_str_equal (status, "signing") ? VTR_KEY_SIGNING
                   : g_str_equal (status, "valid") ? VTR_KEY_VALID
                                                   : VTR_KEY_RETIRED;
      if (!read_bytes (entry, "public", key.public_key, sizeof key.public_key) ||
          !read_bytes (entry, "secret", key.secret_key, sizeof key.secret_key))
        {
          g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_FAILED,
                       _("The key file %s is damaged: %s"), keys->path, _("a key is unreadable"));
          return NULL;
        }
      g_array_append_val (keys->keys, key);
    }

  return g_steal_pointer (&keys);
}

/* Returns the new signing key's id, or 0 with @error set. */
int
vtr_hub_keys_rotate (VtrHubKeys *keys,
                     GError    **error)
{
  new_signing_key (keys);
  if (!save (keys, error))
    return 0;
  return g_array_index (keys->keys, SigningKey, keys->keys->len - 1).kid;
}

gboolean
vtr_hub_keys_retire (VtrHubKeys *keys,
                     int         kid,
                     GError    **error)
{
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *key = &g_array_index (keys->keys, SigningKey, i);

      if (key->kid != kid)
        continue;
      if (key->status == VTR_KEY_SIGNING)
        {
          g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_LAST_SIGNING_KEY,
                       _("Key %d is the one that signs new codes: run “keys rotate” first, "
                         "then retire it."),
                       kid);
          return FALSE;
        }
      if (key->status == VTR_KEY_RETIRED)
        return TRUE;
      key->status = VTR_KEY_RETIRED;
      keys->version++;
      return save (keys, error);
    }

  g_set_error (error, VTR_HUB_KEYS_ERROR, VTR_HUB_KEYS_ERROR_UNKNOWN_KEY,
               _("There is no key %d."), kid);
  return FALSE;
}

const char *
vtr_hub_keys_get_host (VtrHubKeys *keys)
{
  return keys->host;
}

int
vtr_hub_keys_signing_kid (VtrHubKeys    *keys,
                          const guint8 **secret)
{
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *key = &g_array_index (keys->keys, SigningKey, i);

      if (key->status == VTR_KEY_SIGNING)
        {
          *secret = key->secret_key;
          return key->kid;
        }
    }
  return 0;
}

/**
 * vtr_hub_keys_export:
 *
 * Returns: (transfer full): the public key list in its envelope, signed by
 * the root key, for kiosks (docs/codes.md).
 */
char *
vtr_hub_keys_export (VtrHubKeys *keys)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *issued = g_date_time_format_iso8601 (now);
  g_autofree char *list = NULL;

  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "version", keys->version);
  vtr_json_add_string (builder, "issued", issued);
  vtr_json_add_string (builder, "host", keys->host);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *key = &g_array_index (keys->keys, SigningKey, i);

      json_builder_begin_object (builder);
      vtr_json_add_int (builder, "kid", key->kid);
      add_bytes (builder, "public", key->public_key, sizeof key->public_key);
      vtr_json_add_string (builder, "status", vtr_key_status_to_string (key->status));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  list = vtr_json_builder_to_data (builder, FALSE);
  return vtr_key_list_seal (list, keys->root_secret);
}

/**
 * vtr_hub_keys_list:
 *
 * Returns: (transfer full): the public key list, as a kiosk holds it, for
 * the hub to check the codes devices send.
 */
VtrKeyList *
vtr_hub_keys_list (VtrHubKeys *keys)
{
  g_autofree char *envelope = vtr_hub_keys_export (keys);

  return vtr_key_list_load (envelope, keys->root_public, NULL);
}

char *
vtr_hub_keys_root_public (VtrHubKeys *keys)
{
  return vtr_base64url_encode (keys->root_public, sizeof keys->root_public);
}

char *
vtr_hub_keys_describe (VtrHubKeys *keys)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("Host: %s\n"), keys->host);
  for (guint i = 0; i < keys->keys->len; i++)
    {
      SigningKey *key = &g_array_index (keys->keys, SigningKey, i);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (key->created);
      g_autofree char *date = g_date_time_format (created, "%Y-%m-%d");

      g_string_append_printf (out, _("Key %d: %s, made %s\n"), key->kid,
                              vtr_key_status_to_string (key->status), date);
    }
  return g_string_free (out, FALSE);
}

#include "config.h"

#include "vtr-key-list.h"
#include "vtr-json.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

/*
 * The federation's public signing keys, as the hub publishes them: a JSON
 * list inside an envelope signed by the root key (docs/codes.md). A list
 * that arrives over the network is trusted only if the root key signed the
 * exact bytes of it.
 */

G_DEFINE_QUARK (vtr-key-list-error-quark, vtr_key_list_error)

typedef struct
{
  int          kid;
  guint8       public_key[VTR_PUBLIC_KEY_BYTES];
  VtrKeyStatus status;
} Key;

struct _VtrKeyList
{
  char   *host;
  gint64  version;
  GArray *keys;
};

gboolean
vtr_crypto_init (void)
{
  return sodium_init () >= 0;
}

char *
vtr_base64url_encode (const guint8 *data,
                      gsize         len)
{
  gsize size = sodium_base64_encoded_len (len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = g_malloc (size);

  sodium_bin2base64 (out, size, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

/* Decodes exactly @out_len bytes, or fails. */
gboolean
vtr_base64url_decode (const char *text,
                      gsize       text_len,
                      guint8     *out,
                      gsize       out_len)
{
  size_t decoded = 0;
  const char *end = NULL;

  if (sodium_base642bin (out, out_len, text, text_len, NULL, &decoded, &end,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return FALSE;
  return decoded == out_len && end == text + text_len;
}

const char *
vtr_key_status_to_string (VtrKeyStatus status)
{
  static const char * const names[] = { "signing", "valid", "retired" };

  g_return_val_if_fail (status <= VTR_KEY_RETIRED, NULL);
  return names[status];
}

void
vtr_key_list_free (VtrKeyList *list)
{
  if (list == NULL)
    return;
  g_free (list->host);
  g_clear_pointer (&list->keys, g_array_unref);
  g_free (list);
}

static gboolean
malformed (GError    **error,
           const char *what)
{
  g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_MALFORMED,
               _("The federation’s key list is not valid (%s)."), what);
  return FALSE;
}

/**
 * vtr_key_list_load:
 * @envelope: the signed key list, as published by the hub
 * @root_public: the federation's root public key, 32 bytes
 *
 * Returns: (transfer full) (nullable): the list, if the root key signed it.
 */
VtrKeyList *
vtr_key_list_load (const char   *envelope,
                   const guint8 *root_public,
                   GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) list_parser = json_parser_new ();
  g_autoptr(VtrKeyList) list = g_new0 (VtrKeyList, 1);
  guint8 signature[VTR_SIGNATURE_BYTES];
  JsonObject *root, *body;
  JsonArray *keys;
  const char *list_text, *signature_text;

  g_return_val_if_fail (envelope != NULL && root_public != NULL, NULL);

  if (!vtr_crypto_init ())
    {
      malformed (error, "libsodium");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, envelope, -1, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      malformed (error, _("not JSON"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  list_text = json_object_get_string_member_with_default (root, "list", NULL);
  signature_text = json_object_get_string_member_with_default (root, "signature", NULL);
  if (list_text == NULL || signature_text == NULL ||
      !vtr_base64url_decode (signature_text, strlen (signature_text), signature, sizeof signature))
    {
      malformed (error, _("no list or no signature"));
      return NULL;
    }

  /* The signature first: nothing in an unsigned list is looked at. */
  if (crypto_sign_verify_detached (signature, (const guint8 *) list_text, strlen (list_text),
                                   root_public) != 0)
    {
      g_set_error (error, VTR_KEY_LIST_ERROR, VTR_KEY_LIST_ERROR_BAD_SIGNATURE,
                   _("The federation’s key list is not signed by the federation: it was refused."));
      return NULL;
    }

  if (!json_parser_load_from_data (list_parser, list_text, -1, NULL) ||
      json_parser_get_root (list_parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (list_parser)))
    {
      malformed (error, _("the list is not JSON"));
      return NULL;
    }
  body = json_node_get_object (json_parser_get_root (list_parser));
  if (!json_object_has_member (body, "keys") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "keys")) ||
      json_object_get_string_member_with_default (body, "host", NULL) == NULL)
    {
      malformed (error, _("no host or no keys"));
      return NULL;
    }

  list->host = g_ascii_strdown (json_object_get_string_member (body, "host"), -1);
  list->version = json_object_get_int_member_with_default (body, "version", 0);
  list->keys = g_array_new (FALSE, TRUE, sizeof (Key));
  keys = json_object_get_array_member (body, "keys");

  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *entry;
      const char *public_text, *status;
      Key key = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          malformed (error, _("a key is not an object"));
          return NULL;
        }
      entry = json_node_get_object (node);
      public_text = json_object_get_string_member_with_default (entry, "public", "");
      status = json_object_get_string_member_with_default (entry, "status", "");
      key.kid = json_object_get_int_member_with_default (entry, "kid", 0);
      if (key.kid <= 0 ||
          !vtr_base64url_decode (public_text, strlen (public_text), key.public_key,
                                 sizeof key.public_key))
        {
          malformed (error, _("a key has no id or no public key"));
          return NULL;
        }
      if (g_str_equal (status, "signing"))
        key.status = VTR_KEY_SIGNING;
      else if (g_str_equal (status, "valid"))
        key.status = VTR_KEY_VALID;
      else
        key.status = VTR_KEY_RETIRED; /* unknown states are not trusted */
      g_array_append_val (list->keys, key);
    }

  return g_steal_pointer (&list);
}

const char *
vtr_key_list_get_host (const VtrKeyList *list)
{
  return list->host;
}

gint64
vtr_key_list_get_version (const VtrKeyList *list)
{
  return list->version;
}

gboolean
vtr_key_list_lookup (const VtrKeyList *list,
                     int               kid,
                     const guint8    **public_key,
                     VtrKeyStatus     *status)
{
  for (guint i = 0; i < list->keys->len; i++)
    {
      const Key *key = &g_array_index (list->keys, Key, i);

      if (key->kid == kid)
        {
          *public_key = key->public_key;
          *status = key->status;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * vtr_key_list_seal:
 * @list_json: the key list
 * @root_secret: the federation's root secret key, 64 bytes
 *
 * Returns: (transfer full): the envelope a kiosk can trust.
 */
char *
vtr_key_list_seal (const char   *list_json,
                   const guint8 *root_secret)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *signature_text = NULL;
  guint8 signature[VTR_SIGNATURE_BYTES];

  g_return_val_if_fail (vtr_crypto_init (), NULL);

  crypto_sign_detached (signature, NULL, (const guint8 *) list_json, strlen (list_json),
                        root_secret);
  signature_text = vtr_base64url_encode (signature, sizeof signature);

  json_builder_begin_object (builder);
  vtr_json_add_string (builder, "list", list_json);
  vtr_json_add_string (builder, "signature", signature_text);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

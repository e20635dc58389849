#include "config.h"

#include "vtr-hub-request.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * What the hub accepts of a request's body, checked before any parsing:
 * its size, per address, and how deeply its JSON nests. json-glib parses
 * recursively with no limit of its own, so 100 kB of "[" would overflow
 * the worker's stack; a count of brackets outside strings costs one pass
 * over bytes that are read anyway. The hub's server calls this for every
 * body, and tests/fuzz/fuzz-hub.c calls it without a server.
 */

/* Addresses that take a body; every other one takes none. */
static const struct
{
  const char *method;
  const char *path;
  gsize       max_body;
  guint       max_depth;
} bodies[] = {
  /* {"code": "…"} */
  { "POST", "/api/v1/pair", 4 * 1024, 4 },
  /* {"events": [{"payload": {"lines": [{…}]}}]}, 1,000 events at most. */
  { "POST", "/api/v1/events", 4 * 1024 * 1024, 16 },
  /* {"kind": "pickup", "count": 150} */
  { "POST", "/api/v1/stock", 4 * 1024, 4 },
  /* (web) first_name=…&phone=…&quantity=…: a reservation from a phone */
  { "POST", "/reserve", 4 * 1024, 1 },
};

G_DEFINE_QUARK (vtr-hub-request-error-quark, vtr_hub_request_error)

static int
find (const char *method,
      const char *path)
{
  if (method == NULL || path == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    if (g_str_equal (method, bodies[i].method) && g_str_equal (path, bodies[i].path))
      return i;
  return -1;
}

/* The largest body, in bytes, that @method on @path takes: 0 for an
 * address that takes none. */
gsize
vtr_hub_request_max_body (const char *method,
                          const char *path)
{
  int i = find (method, path);

  return i < 0 ? 0 : bodies[i].max_body;
}

guint
vtr_hub_request_max_depth (const char *method,
                           const char *path)
{
  int i = find (method, path);

  return i < 0 ? 0 : bodies[i].max_depth;
}

/**
 * vtr_hub_json_depth_within:
 *
 * Whether @data can be handed to the parser safely: outside strings, only
 * JSON's own characters, and arrays and objects nested at most @max_depth
 * deep. json-glib (1.6) also reads 'single-quoted' strings and comments,
 * which a count of brackets would take for text while the parser recurses
 * into what follows: anything beyond JSON is refused here. It does not
 * check that @data is JSON: the parser does that.
 */
gboolean
vtr_hub_json_depth_within (const char *data,
                           gsize       len,
                           guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0)
            depth--;
        }
      else if (c == '\0' || (!g_ascii_isalnum (c) && strchr (",: \t\r\n-+.", c) == NULL))
        return FALSE; /* ' / # and the like, or a NUL byte: not JSON */
    }
  return TRUE;
}

/* json-glib turns a malformed \u escape or a lone surrogate (\ud800) of a
 * valid UTF-8 body into bytes that are not UTF-8: every name and string of
 * the tree is checked before the hub stores or sends any of it. The depth
 * was bounded before parsing. */
static gboolean
texts_are_utf8 (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (!g_utf8_validate (name, -1, NULL) || !texts_are_utf8 (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!texts_are_utf8 (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_STRING ||
             g_utf8_validate (json_node_get_string (node), -1, NULL);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/**
 * vtr_hub_request_read_object:
 * @parser: holds the parsed tree, which the object returned belongs to
 *
 * The body of @method on @path as a JSON object, after checking its size
 * and its depth for that address.
 *
 * Returns: (transfer none): the object, or %NULL with @error set in
 *   %VTR_HUB_REQUEST_ERROR
 */
JsonObject *
vtr_hub_request_read_object (JsonParser *parser,
                             const char *method,
                             const char *path,
                             const char *data,
                             gsize       len,
                             GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  int i = find (method, path);
  JsonNode *root;

  if (i < 0 || len > bodies[i].max_body)
    {
      g_set_error (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_TOO_LARGE,
                   _("The request is too large: this address takes at most %lu bytes"),
                   (unsigned long) (i < 0 ? 0 : bodies[i].max_body));
      return NULL;
    }
  if (len == 0 || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_MALFORMED,
                           _("The request is not a JSON object"));
      return NULL;
    }
  if (!vtr_hub_json_depth_within (data, len, bodies[i].max_depth))
    {
      g_set_error (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_MALFORMED,
                   _("The request is not plain JSON, or nests more than %u levels deep"),
                   bodies[i].max_depth);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_MALFORMED,
                   _("The request is not a JSON object: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || !texts_are_utf8 (root))
    {
      g_set_error_literal (error, VTR_HUB_REQUEST_ERROR, VTR_HUB_REQUEST_ERROR_MALFORMED,
                           _("The request is not a JSON object"));
      return NULL;
    }
  return json_node_get_object (root);
}

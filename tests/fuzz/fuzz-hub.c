/*
 * libFuzzer target for what the hub does with a request's body before
 * its business rules: the size and depth checks and the parse of
 * vtr-hub-request.c, then the walk each address makes through what was
 * parsed. The first byte picks the address, the rest is the body.
 *
 *   tests/fuzz/run [SECONDS]
 */
#include "config.h"

#include <string.h>

#include "vtr-hub-request.h"

static const struct
{
  const char *method;
  const char *path;
} addresses[] = {
  { "POST", "/api/v1/pair" },
  { "POST", "/api/v1/events" },
  { "GET", "/api/v1/changes" },
  { "GET", "/api/v1/orders" },
  { "GET", "/api/v1/keys" },
  { "GET", "/api/v1/status" },
  { "GET", "/api/v1/cards/ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
  { "POST", "/api/v1/nowhere" },
};

/* Every value of a tree, read the way the hub's routes and event checks
 * read them (typed getters with defaults). */
static void
walk (JsonNode *node,
      guint     depth)
{
  g_assert (depth <= 64);
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        json_object_get_string_member_with_default (object, "uuid", NULL);
        json_object_get_int_member_with_default (object, "created", 0);
        for (GList *l = members; l; l = l->next)
          walk (json_object_get_member (object, l->data), depth + 1);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          walk (json_array_get_element (array, i), depth + 1);
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_assert (g_utf8_validate (json_node_get_string (node), -1, NULL));
      break;
    case JSON_NODE_NULL:
      break;
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  guint which;

  if (size == 0)
    return 0;
  which = data[0] % G_N_ELEMENTS (addresses);
  object = vtr_hub_request_read_object (parser, addresses[which].method, addresses[which].path,
                                        (const char *) data + 1, size - 1, &error);
  if (object == NULL)
    {
      /* Refused in words, in the hub's domain: answered 400 or 413. */
      g_assert (error && error->domain == VTR_HUB_REQUEST_ERROR && error->message[0]);
      return 0;
    }
  g_assert (size - 1 <= vtr_hub_request_max_body (addresses[which].method, addresses[which].path));
  json_object_get_string_member_with_default (object, "code", NULL);
  walk (json_parser_get_root (parser), 0);
  return 0;
}

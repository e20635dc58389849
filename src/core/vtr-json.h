#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A member and its value in one call, for the many objects Vitrine writes
 * (command output, outbox payloads, key lists). */

static inline void
vtr_json_add_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static inline void
vtr_json_add_int (JsonBuilder *builder,
                  const char  *name,
                  gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static inline void
vtr_json_add_double (JsonBuilder *builder,
                     const char  *name,
                     double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static inline void
vtr_json_add_boolean (JsonBuilder *builder,
                      const char  *name,
                      gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* The builder's finished document as text, compact or indented. */
static inline char *
vtr_json_builder_to_data (JsonBuilder *builder,
                          gboolean     pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}

/* The string member @name of @object (which may be %NULL), or %NULL when
 * there is none or it is not a string. */
static inline const char *
vtr_json_get_string (JsonObject *object,
                     const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The whole-number member @name of @object (which may be %NULL), or 0
 * when there is none or it is not a whole number. */
static inline gint64
vtr_json_get_int (JsonObject *object,
                  const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

G_END_DECLS

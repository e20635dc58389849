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

G_END_DECLS

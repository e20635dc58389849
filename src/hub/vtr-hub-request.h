#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VTR_HUB_REQUEST_ERROR (vtr_hub_request_error_quark ())

typedef enum
{
  VTR_HUB_REQUEST_ERROR_MALFORMED, /* not a JSON object, not UTF-8, nested too deeply: 400 */
  VTR_HUB_REQUEST_ERROR_TOO_LARGE, /* more bytes than the address takes: 413 */
} VtrHubRequestError;

GQuark      vtr_hub_request_error_quark    (void);

gsize       vtr_hub_request_max_body       (const char  *method,
                                            const char  *path);
guint       vtr_hub_request_max_depth      (const char  *method,
                                            const char  *path);
gboolean    vtr_hub_json_depth_within      (const char  *data,
                                            gsize        len,
                                            guint        max_depth);
JsonObject *vtr_hub_request_read_object    (JsonParser  *parser,
                                            const char  *method,
                                            const char  *path,
                                            const char  *data,
                                            gsize        len,
                                            GError     **error);

G_END_DECLS

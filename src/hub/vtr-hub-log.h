#pragma once

#include <glib.h>

G_BEGIN_DECLS

void          vtr_hub_log_request (const char *remote,
                                   const char *method,
                                   const char *path,
                                   const char *route,
                                   const char *agent,
                                   guint       status,
                                   gsize       bytes,
                                   double      ms,
                                   gint64      device_id,
                                   gboolean    cached);
GLogWriterOutput vtr_hub_log_writer (GLogLevelFlags   level,
                                     const GLogField *fields,
                                     gsize            n_fields,
                                     gpointer         user_data);

G_END_DECLS

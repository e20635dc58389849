#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A kind of shop or service, as the federation lists them. The id is what
 * the catalogue stores ("boulangerie"); the label is shown, translated. */
typedef struct
{
  const char *id;
  const char *label;
} VtrService;

const VtrService *vtr_service_lookup (const char *id);
const VtrService *vtr_service_all    (guint      *n_services);
const char       *vtr_service_label  (const VtrService *service);

G_END_DECLS

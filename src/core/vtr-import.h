#pragma once

#include <json-glib/json-glib.h>

#include "vtr-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  guint merchants;
  guint products;
  guint stock;
  guint promotions;
  guint rules;
  guint rewards;
  guint collection_points;
  guint deleted;
} VtrImportCounts;

gboolean vtr_catalog_import_file (VtrCatalog      *catalog,
                                  const char      *path,
                                  VtrImportCounts *counts,
                                  GError         **error);
gboolean vtr_catalog_import_object (VtrCatalog      *catalog,
                                    JsonObject      *root,
                                    VtrImportCounts *counts,
                                    GError         **error);

G_END_DECLS

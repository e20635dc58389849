#pragma once

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
} VtrImportCounts;

gboolean vtr_catalog_import_file (VtrCatalog      *catalog,
                                  const char      *path,
                                  VtrImportCounts *counts,
                                  GError         **error);

G_END_DECLS

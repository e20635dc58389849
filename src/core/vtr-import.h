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
  guint kept_shop_edits; /* (shop) stock lines a shop edited after the file was made */
  guint merged;          /* (shop) merchant-made products merged into the file's */
  GString *conflicts;    /* (shop) one line each kept edit, or NULL: vtr_import_counts_clear() */
} VtrImportCounts;

gboolean vtr_catalog_import_file (VtrCatalog      *catalog,
                                  const char      *path,
                                  VtrImportCounts *counts,
                                  GError         **error);
gboolean vtr_catalog_import_object (VtrCatalog      *catalog,
                                    JsonObject      *root,
                                    VtrImportCounts *counts,
                                    GError         **error);

void     vtr_import_counts_clear (VtrImportCounts *counts);

G_END_DECLS

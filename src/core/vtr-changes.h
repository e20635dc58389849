#pragma once

#include "vtr-area.h"
#include "vtr-catalog.h"

G_BEGIN_DECLS

gboolean vtr_catalog_log_changes   (VtrCatalog  *self,
                                    GError     **error);
gint64   vtr_catalog_last_change   (VtrCatalog  *self,
                                    GError     **error);
gboolean vtr_catalog_write_changes (VtrCatalog  *self,
                                    gint64       since,
                                    guint        limit,
                                    GString     *out,
                                    gint64      *cursor,
                                    guint       *n_changes,
                                    GError     **error);
gboolean vtr_catalog_write_area_changes (VtrCatalog    *self,
                                         const VtrArea *area,
                                         gint64         since,
                                         guint          limit,
                                         GString       *out,
                                         gint64        *cursor,
                                         guint         *n_changes,
                                         GError       **error);

G_END_DECLS

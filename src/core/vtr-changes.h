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
char    *vtr_catalog_area_condition (const VtrArea *area,
                                     VtrSqlDialect  dialect);

/*
 * A page of the change feed as it is sent, whichever database the rows
 * come from (the kiosk's catalogue, the hub's SQLite or PostgreSQL): the
 * rows written again per table, the rows deleted, the cards blocked.
 */
typedef struct
{
  GString *rows[VTR_N_TABLES];
  GString *deleted[VTR_N_TABLES];
  GString *blocked_cards;
} VtrChangePage;

void vtr_change_page_add_row          (VtrChangePage   *page,
                                       VtrCatalogTable  table,
                                       const char      *json);
void vtr_change_page_add_deleted      (VtrChangePage   *page,
                                       VtrCatalogTable  table,
                                       gint64           a,
                                       gint64           b);
void vtr_change_page_add_blocked_card (VtrChangePage   *page,
                                       const char      *json);
void vtr_change_page_write            (const VtrChangePage *page,
                                       gint64               since,
                                       gint64               cursor,
                                       gboolean             more,
                                       GString             *out);
void vtr_change_page_clear            (VtrChangePage   *page);

G_END_DECLS

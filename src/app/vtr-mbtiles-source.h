#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define VTR_TYPE_MBTILES_SOURCE (vtr_mbtiles_source_get_type ())
G_DECLARE_FINAL_TYPE (VtrMbtilesSource, vtr_mbtiles_source, VTR, MBTILES_SOURCE, ShumateMapSource)

VtrMbtilesSource *vtr_mbtiles_source_new          (const char       *path);
const char       *vtr_mbtiles_source_get_path     (VtrMbtilesSource *self);
guint             vtr_mbtiles_source_get_missing  (VtrMbtilesSource *self);
void              vtr_mbtiles_source_draw_with_cairo (gboolean      cairo);

G_END_DECLS

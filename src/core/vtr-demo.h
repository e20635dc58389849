#pragma once

#include "vtr-catalog.h"

G_BEGIN_DECLS

/* Where the demo is centred: the Vieux-Port of Marseille. */
#define VTR_DEMO_LAT 43.2951
#define VTR_DEMO_LON 5.3744

typedef struct
{
  guint merchants;
  guint products;
  guint stock;
  guint promotions;
  guint collection_points;
} VtrDemoCounts;

gboolean vtr_demo_load (VtrCatalog    *catalog,
                        GDateTime     *now,
                        VtrDemoCounts *counts,
                        GError       **error);

G_END_DECLS

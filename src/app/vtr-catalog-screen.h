#pragma once

#include <adwaita.h>

#include "vtr-catalog-service.h"
#include "vtr-map.h"

G_BEGIN_DECLS

#define VTR_TYPE_CATALOG_SCREEN (vtr_catalog_screen_get_type ())
G_DECLARE_DERIVABLE_TYPE (VtrCatalogScreen, vtr_catalog_screen, VTR, CATALOG_SCREEN, GtkWidget)

/**
 * VtrCatalogScreenClass:
 * @has_question: whether the screen knows what to ask (a product chosen,
 *   words typed); the catalogue is checked before. %TRUE if not set.
 * @load: starts the screen's query on @catalog; its callback hands the
 *   answer to vtr_catalog_screen_loaded().
 */
struct _VtrCatalogScreenClass
{
  GtkWidgetClass parent_class;

  gboolean (*has_question) (VtrCatalogScreen  *self);
  void     (*load)         (VtrCatalogScreen  *self,
                            VtrCatalogService *catalog,
                            const VtrPosition *here,
                            GCancellable      *cancellable);

  /*< private >*/
  gpointer padding[6];
};

VtrCatalogService *vtr_catalog_screen_get_catalog   (VtrCatalogScreen  *self);
void               vtr_catalog_screen_set_catalog   (VtrCatalogScreen  *self,
                                                     VtrCatalogService *catalog);
double             vtr_catalog_screen_get_latitude  (VtrCatalogScreen  *self);
void               vtr_catalog_screen_set_latitude  (VtrCatalogScreen  *self,
                                                     double             latitude);
double             vtr_catalog_screen_get_longitude (VtrCatalogScreen  *self);
void               vtr_catalog_screen_set_longitude (VtrCatalogScreen  *self,
                                                     double             longitude);
const char        *vtr_catalog_screen_get_public_host (VtrCatalogScreen *self);
void               vtr_catalog_screen_set_public_host (VtrCatalogScreen *self,
                                                       const char       *host);
gboolean           vtr_catalog_screen_get_loading   (VtrCatalogScreen  *self);
void               vtr_catalog_screen_reload        (VtrCatalogScreen  *self);

/* For the screens that derive from it. */
void               vtr_catalog_screen_set_pages     (VtrCatalogScreen  *self,
                                                     GtkStack          *stack,
                                                     AdwStatusPage     *error_page);
void               vtr_catalog_screen_queue_reload  (VtrCatalogScreen  *self);
gboolean           vtr_catalog_screen_loaded        (VtrCatalogScreen  *self,
                                                     const GError      *error);
void               vtr_catalog_screen_start_map     (VtrCatalogScreen  *self,
                                                     VtrMap            *map);
void               vtr_catalog_screen_reveal_rows   (VtrCatalogScreen  *self,
                                                     GtkListBox        *list);

G_END_DECLS

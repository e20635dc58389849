#pragma once

#include <glib.h>

#include "vtr-catalog.h"

G_BEGIN_DECLS

/*
 * (pg) A hub on PostgreSQL keeps, in its data folder, a copy of the
 * catalogue that follows PostgreSQL's change feed as a kiosk's does: the
 * phones' pages (vtr-hub-web.c) are made from it (vtr-hub-mirror.c).
 */
typedef struct _VtrHubMirror VtrHubMirror;

VtrHubMirror *vtr_hub_mirror_start    (const char    *data_dir,
                                       const char    *database,
                                       GError       **error);
const char   *vtr_hub_mirror_get_dir  (VtrHubMirror  *self);
void          vtr_hub_mirror_wake     (VtrHubMirror  *self);
gboolean      vtr_hub_mirror_wait     (VtrHubMirror  *self,
                                       gint64         head,
                                       gint64         timeout_usec);
void          vtr_hub_mirror_stop     (VtrHubMirror  *self);

G_END_DECLS

#pragma once

#include <libsoup/soup.h>

#include "vtr-hub-backend.h"
#include "vtr-hub-db.h"

G_BEGIN_DECLS

/* (poster) The phones' views of the shops' posters (vtr-hub-scans.c). */
typedef struct _VtrHubScans VtrHubScans;

VtrHubScans *vtr_hub_scans_new         (const char        *data_dir);
void         vtr_hub_scans_free        (VtrHubScans       *scans);
gboolean     vtr_hub_scans_note        (VtrHubScans       *scans,
                                        const char        *method,
                                        const char        *path,
                                        const char        *user_agent,
                                        const char        *address);
gboolean     vtr_hub_scans_note_page   (VtrHubScans       *scans,
                                        SoupServerMessage *msg,
                                        const char        *path);
gboolean     vtr_hub_scans_has_pending (VtrHubScans       *scans);
gboolean     vtr_hub_scans_flush       (VtrHubScans       *scans,
                                        VtrHubDb          *db,
                                        GError           **error);
gboolean     vtr_hub_scans_flush_to    (VtrHubScans       *scans,
                                        VtrHubBackend     *backend,
                                        GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubScans, vtr_hub_scans_free)

G_END_DECLS

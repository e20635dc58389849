#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VtrHubServer VtrHubServer;

VtrHubServer *vtr_hub_server_new      (const char   *data_dir,
                                       GError      **error);
VtrHubServer *vtr_hub_server_new_with_database (const char *data_dir,
                                       const char   *database,
                                       GError      **error);
gboolean      vtr_hub_server_listen   (VtrHubServer *server,
                                       const char   *address,
                                       const char   *tls_certificate,
                                       const char   *tls_key,
                                       GError      **error);
char         *vtr_hub_server_get_url  (VtrHubServer *server);
void          vtr_hub_server_shutdown (VtrHubServer *server,
                                       GMainLoop    *loop);
void          vtr_hub_server_free     (VtrHubServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubServer, vtr_hub_server_free)

G_END_DECLS

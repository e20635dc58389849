#pragma once

#include <libsoup/soup.h>

#include "vtr-catalog.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-db.h"

G_BEGIN_DECLS

/* A web page for a phone, made on a worker thread (vtr-hub-web.c). */
typedef struct
{
  guint       status;
  GBytes     *body;
  const char *content_type;
  char       *etag;
  const char *cache_control;
  gboolean    html;          /* the security headers of a page */
  gboolean    order_placed;  /* a reservation reached hub.db: the SMS may go */
  gboolean    from_cache;    /* the bytes kept from an earlier request */
} VtrHubWebPage;

void      vtr_hub_web_set_language (void);
void      vtr_hub_web_thread_init  (void);
void      vtr_hub_web_set_trusted_proxies (const char * const *addresses);
void      vtr_hub_web_set_cache_size (gsize              bytes);
gboolean  vtr_hub_web_handles     (const char         *method,
                                   const char         *path);
void      vtr_hub_web_init        (void);
void      vtr_hub_web_serve       (const char         *data_dir,
                                   VtrHubBackend      *backend,
                                   VtrCatalog         *catalog,
                                   SoupServerMessage  *msg,
                                   const char         *path,
                                   GHashTable         *query,
                                   VtrHubWebPage      *page);
gboolean  vtr_hub_web_serve_cached (const char        *data_dir,
                                   SoupServerMessage *msg,
                                   const char         *path,
                                   GHashTable         *query,
                                   VtrHubWebPage      *page);
void      vtr_hub_web_add_headers (SoupMessageHeaders *headers,
                                   const VtrHubWebPage *page);
void      vtr_hub_web_cache_metrics (GString          *out);
char     *vtr_hub_web_log_path    (const char         *path);
char     *vtr_hub_web_client_address (SoupServerMessage *msg);

G_END_DECLS

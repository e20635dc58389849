#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What is wrong with a URL a shopper scanned, as far as trust goes. */
typedef enum
{
  VTR_URL_OK              = 0,
  VTR_URL_INSECURE        = 1 << 0, /* http, not https */
  VTR_URL_USERINFO        = 1 << 1, /* https://vtr13.fr@evil.example/ */
  VTR_URL_PUNYCODE        = 1 << 2, /* xn-- labels: the host is not what it looks like in ASCII */
  VTR_URL_LOOKALIKE       = 1 << 3, /* looks like the federation's host, is not */
  VTR_URL_SUBDOMAIN_TRICK = 1 << 4, /* vtr13.fr.evil.example */
  VTR_URL_HIDDEN_CHARS    = 1 << 5, /* right-to-left overrides, zero-width, control characters */
  VTR_URL_MALFORMED       = 1 << 6, /* not a URL one can parse */
} VtrUrlWarnings;

typedef struct
{
  char           *scheme;
  char           *host;         /* as written, lowercase, ASCII (punycode) if it was */
  char           *host_unicode; /* as a person reads it */
  VtrUrlWarnings  warnings;
} VtrUrlInfo;

gboolean    vtr_url_looks_like_url  (const char *text);
VtrUrlInfo *vtr_url_inspect         (const char *text,
                                     const char *federation_host);
void        vtr_url_info_free       (VtrUrlInfo *info);
char       *vtr_host_skeleton       (const char *host);
GStrv       vtr_url_warnings_to_strv (VtrUrlWarnings warnings);
char       *vtr_url_warnings_describe (VtrUrlWarnings warnings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrUrlInfo, vtr_url_info_free)

G_END_DECLS

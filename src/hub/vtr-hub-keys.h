#pragma once

#include <glib.h>

#include "vtr-key-list.h"

G_BEGIN_DECLS

#define VTR_HUB_KEYS_ERROR (vtr_hub_keys_error_quark ())

typedef enum
{
  VTR_HUB_KEYS_ERROR_FAILED,
  VTR_HUB_KEYS_ERROR_EXISTS,
  VTR_HUB_KEYS_ERROR_NOT_INITIALIZED,
  VTR_HUB_KEYS_ERROR_UNKNOWN_KEY,
  VTR_HUB_KEYS_ERROR_LAST_SIGNING_KEY,
} VtrHubKeysError;

typedef struct _VtrHubKeys VtrHubKeys;

GQuark       vtr_hub_keys_error_quark   (void);
gboolean     vtr_hub_keys_init          (const char   *data_dir,
                                         const char   *host,
                                         GError      **error);
VtrHubKeys  *vtr_hub_keys_open          (const char   *data_dir,
                                         GError      **error);
void         vtr_hub_keys_free          (VtrHubKeys   *keys);
int          vtr_hub_keys_rotate        (VtrHubKeys   *keys,
                                         GError      **error);
gboolean     vtr_hub_keys_retire        (VtrHubKeys   *keys,
                                         int           kid,
                                         GError      **error);
const char  *vtr_hub_keys_get_host      (VtrHubKeys   *keys);
int          vtr_hub_keys_signing_kid   (VtrHubKeys   *keys,
                                         const guint8 **secret);
char        *vtr_hub_keys_export        (VtrHubKeys   *keys);
char        *vtr_hub_keys_root_public   (VtrHubKeys   *keys);
VtrKeyList  *vtr_hub_keys_list          (VtrHubKeys   *keys);
char        *vtr_hub_keys_describe      (VtrHubKeys   *keys);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubKeys, vtr_hub_keys_free)

G_END_DECLS

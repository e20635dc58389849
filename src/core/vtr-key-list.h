#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VTR_KEY_LIST_ERROR (vtr_key_list_error_quark ())

typedef enum
{
  VTR_KEY_LIST_ERROR_MALFORMED,
  VTR_KEY_LIST_ERROR_BAD_SIGNATURE,
  VTR_KEY_LIST_ERROR_OLDER,
} VtrKeyListError;

typedef enum
{
  VTR_KEY_SIGNING, /* signs new codes, and verifies */
  VTR_KEY_VALID,   /* verifies codes signed before a rotation */
  VTR_KEY_RETIRED, /* no longer trusted */
} VtrKeyStatus;

#define VTR_PUBLIC_KEY_BYTES 32
#define VTR_SECRET_KEY_BYTES 64
#define VTR_SIGNATURE_BYTES 64

typedef struct _VtrKeyList VtrKeyList;

GQuark       vtr_key_list_error_quark  (void);
gboolean     vtr_crypto_init           (void);

VtrKeyList  *vtr_key_list_load         (const char   *envelope,
                                        const guint8 *root_public,
                                        GError      **error);
void         vtr_key_list_free         (VtrKeyList   *list);
const char  *vtr_key_list_get_host     (const VtrKeyList *list);
gint64       vtr_key_list_get_version  (const VtrKeyList *list);
gboolean     vtr_key_list_lookup       (const VtrKeyList *list,
                                        int           kid,
                                        const guint8 **public_key,
                                        VtrKeyStatus *status);

char        *vtr_key_list_seal         (const char   *list_json,
                                        const guint8 *root_secret);

char        *vtr_base64url_encode      (const guint8 *data,
                                        gsize         len);
gboolean     vtr_base64url_decode      (const char   *text,
                                        gsize         text_len,
                                        guint8       *out,
                                        gsize         out_len);
const char  *vtr_key_status_to_string  (VtrKeyStatus  status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrKeyList, vtr_key_list_free)

G_END_DECLS

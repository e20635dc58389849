#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VTR_STORE_ERROR (vtr_store_error_quark ())

typedef enum
{
  VTR_STORE_ERROR_FAILED,
  VTR_STORE_ERROR_CORRUPT,
  VTR_STORE_ERROR_SCHEMA_TOO_NEW,
  VTR_STORE_ERROR_UNREADABLE,
  VTR_STORE_ERROR_DISK_FULL,
  VTR_STORE_ERROR_READ_ONLY,
  VTR_STORE_ERROR_BUSY,
} VtrStoreError;

#define VTR_TYPE_STORE (vtr_store_get_type ())
G_DECLARE_FINAL_TYPE (VtrStore, vtr_store, VTR, STORE, GObject)

GQuark              vtr_store_error_quark      (void);
char               *vtr_store_default_data_dir (void);

VtrStore           *vtr_store_open             (const char *data_dir,
                                                GError    **error);
VtrStore           *vtr_store_open_in_memory   (GError    **error);
const char         *vtr_store_get_data_dir     (VtrStore   *self);
const char * const *vtr_store_get_notices      (VtrStore   *self);
int                 vtr_store_catalog_version  (void);
int                 vtr_store_journal_version  (void);

G_END_DECLS

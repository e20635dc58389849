#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VTR_GTIN_ERROR (vtr_gtin_error_quark ())

typedef enum
{
  VTR_GTIN_ERROR_NOT_DIGITS,
  VTR_GTIN_ERROR_LENGTH,
  VTR_GTIN_ERROR_CHECK_DIGIT,
} VtrGtinError;

/* GTIN-8, UPC-A, EAN-13 and GTIN-14 all normalise to 14 digits. */
#define VTR_GTIN_LENGTH 14

GQuark   vtr_gtin_error_quark      (void);
int      vtr_gtin_check_digit      (const char *digits,
                                    gsize       len);
char    *vtr_gtin_normalize        (const char *text,
                                    GError    **error);
char    *vtr_gtin_display          (const char *gtin14);
gboolean vtr_gtin_looks_like_gtin  (const char *text);

G_END_DECLS

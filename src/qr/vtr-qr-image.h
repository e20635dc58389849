#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define VTR_QR_ERROR (vtr_qr_error_quark ())

typedef enum
{
  VTR_QR_ERROR_TOO_LONG, /* more than a QR code holds */
  VTR_QR_ERROR_WRITE,    /* the image file could not be written */
} VtrQrError;

GQuark   vtr_qr_error_quark    (void);

gboolean vtr_qr_measure        (const char *text,
                                int        *version,
                                int        *modules,
                                GError    **error);
gboolean vtr_qr_draw           (cairo_t    *cr,
                                const char *text,
                                double      x,
                                double      y,
                                double      size,
                                GError    **error);
char    *vtr_qr_svg            (const char *text,
                                const char *label,
                                GError    **error);
gboolean vtr_qr_write_file     (const char *text,
                                const char *caption,
                                const char *path,
                                gboolean    pdf,
                                GError    **error);

G_END_DECLS

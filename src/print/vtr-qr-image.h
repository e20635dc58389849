#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define VTR_PRINT_ERROR (vtr_print_error_quark ())

typedef enum
{
  VTR_PRINT_ERROR_FAILED,
  VTR_PRINT_ERROR_TOO_LONG,
  VTR_PRINT_ERROR_WRITE,
  VTR_PRINT_ERROR_TARGET,      /* not a printer Vitrine knows how to reach */
  VTR_PRINT_ERROR_UNREACHABLE, /* the printer does not answer */
  VTR_PRINT_ERROR_PAPER_OUT,
  VTR_PRINT_ERROR_COVER_OPEN,
  VTR_PRINT_ERROR_OFFLINE,
} VtrPrintError;

GQuark   vtr_print_error_quark (void);

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
gboolean vtr_qr_write_file     (const char *text,
                                const char *caption,
                                const char *path,
                                gboolean    pdf,
                                GError    **error);

G_END_DECLS

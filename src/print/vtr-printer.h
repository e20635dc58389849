#pragma once

#include <gio/gio.h>

#include "vtr-ticket.h"

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
  VTR_PRINT_ERROR_NO_PRINTER,  /* no printer was chosen for this kiosk */
} VtrPrintError;

GQuark vtr_print_error_quark (void);

/* Where a ticket goes. */
typedef enum
{
  VTR_TARGET_PDF,      /* pdf:FILE */
  VTR_TARGET_PNG,      /* png:FILE */
  VTR_TARGET_ESCPOS,   /* escpos:FILE — the printer's bytes, in a file */
  VTR_TARGET_TCP,      /* tcp:HOST:PORT — a network ticket printer, port 9100 */
  VTR_TARGET_DEVICE,   /* dev:PATH — a USB ticket printer, /dev/usb/lp0 */
  VTR_TARGET_CUPS,     /* cups:NAME — an office printer known to CUPS */
} VtrTargetKind;

typedef struct
{
  VtrTargetKind  kind;
  char          *path;     /* file, device, or CUPS queue name */
  char          *host;
  guint16        port;
  int            paper_mm; /* ESC/POS: 80, or 58 with a ",58mm" suffix */
} VtrPrintTarget;

/* What a ticket printer says of itself (ESC/POS real-time status). */
typedef struct
{
  gboolean online;
  gboolean paper_out;
  gboolean paper_near_end;
  gboolean cover_open;
} VtrPrinterStatus;

/* A printer the administrator may choose. */
typedef struct
{
  char *name;   /* in words: "USB ticket printer (/dev/usb/lp0)" */
  char *target; /* "dev:/dev/usb/lp0" */
} VtrPrinterChoice;

GPtrArray      *vtr_printer_list_detected (void);
void            vtr_printer_choice_free   (VtrPrinterChoice  *choice);
VtrPrintTarget *vtr_print_target_parse    (const char        *text,
                                           GError           **error);
void            vtr_print_target_free     (VtrPrintTarget    *target);
char           *vtr_printer_status_describe (const VtrPrinterStatus *status);
const char     *vtr_printer_status_word   (const VtrPrinterStatus *status);
const char     *vtr_printer_get_health    (const char        *target);
gboolean        vtr_printer_get_status    (const VtrPrintTarget *target,
                                           VtrPrinterStatus  *status,
                                           GError           **error);
gboolean        vtr_printer_print         (const VtrPrintTarget *target,
                                           const VtrTicket   *ticket,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrPrintTarget, vtr_print_target_free)

G_END_DECLS

#pragma once

#include <glib.h>

/*
 * A network ticket printer on 127.0.0.1: it answers real-time status
 * requests (DLE EOT n) as a real one does, keeps every job that ends with
 * a cut, and can be told to be out of paper, to have its cover open, or to
 * drop the connection in the middle of a job.
 */

typedef enum
{
  VTR_PRINTER_READY,
  VTR_PRINTER_PAPER_OUT,
  VTR_PRINTER_PAPER_NEAR_END,
  VTR_PRINTER_COVER_OPEN,
  VTR_PRINTER_DROPS_JOBS,   /* closes the connection halfway through a job */
} VtrPrinterMode;

typedef struct _VtrTestPrinter VtrTestPrinter;

VtrTestPrinter *vtr_test_printer_new      (void);
VtrTestPrinter *vtr_test_printer_new_on_port (guint16 port);
guint16         vtr_test_printer_get_port (VtrTestPrinter *printer);
void            vtr_test_printer_set_mode (VtrTestPrinter *printer,
                                           VtrPrinterMode  mode);
GPtrArray      *vtr_test_printer_jobs     (VtrTestPrinter *printer);
guint           vtr_test_printer_cut_short (VtrTestPrinter *printer);
void            vtr_test_printer_free     (VtrTestPrinter *printer);

#pragma once

#include <glib.h>

#include "vtr-frame.h"

G_BEGIN_DECLS

/* What zxing-cpp is asked to look for, and how hard. */
typedef enum
{
  VTR_ZXING_QR       = 1 << 0, /* QR codes */
  VTR_ZXING_BARCODES = 1 << 1, /* EAN-13, EAN-8, UPC-A, UPC-E, Code 128 */
  VTR_ZXING_HARDER   = 1 << 2, /* every rotation, more scan lines, a downscaled try */
  VTR_ZXING_GLOBAL   = 1 << 3, /* one threshold for the picture instead of a local one */
  VTR_ZXING_AS_IS    = 1 << 4, /* zxing-cpp's own settings, for comparisons */
} VtrZxingFlags;

/* Reads @frame with zxing-cpp and appends what it finds to @codes, an
 * array of VtrSymbol; returns how many it appended. */
guint vtr_zxing_read (const VtrFrame *frame,
                      VtrZxingFlags   flags,
                      GPtrArray      *codes);

G_END_DECLS

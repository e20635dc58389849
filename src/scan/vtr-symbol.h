#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VTR_SYMBOLOGY_QR,
  VTR_SYMBOLOGY_EAN13,
  VTR_SYMBOLOGY_EAN8,
  VTR_SYMBOLOGY_UPCA,
  VTR_SYMBOLOGY_UPCE,
  VTR_SYMBOLOGY_CODE128,
} VtrSymbology;

typedef struct
{
  double x;
  double y;
} VtrPoint;

/* A symbol read in a frame (a QR code, a barcode): what it says,
 * exactly, and where it is. What it means (a federation's code, a
 * product's barcode) is the core's VtrCodeInfo. */
typedef struct
{
  VtrSymbology  symbology;
  char         *text;       /* UTF-8, decoded with the code's character set */
  GBytes       *raw;        /* the bytes the code holds */
  VtrPoint      corners[4]; /* in frame coordinates, clockwise from top left as seen */
  int           n_corners;
  guint         frame_index;
} VtrSymbol;

const char *vtr_symbology_to_string (VtrSymbology     symbology);
VtrSymbol  *vtr_symbol_copy         (const VtrSymbol *symbol);
void        vtr_symbol_free         (VtrSymbol       *symbol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrSymbol, vtr_symbol_free)

G_END_DECLS

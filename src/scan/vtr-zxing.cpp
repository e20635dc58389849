/*
 * zxing-cpp behind a C interface: the decoder (vtr-decoder.c) asks it
 * first, as it reads clean frames fast and knows ECI and character sets;
 * ZBar and the decoder's own redrawings get what it misses.
 */

#include "config.h"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include "vtr-zxing.h"

#include "vtr-charset.h"
#include "vtr-symbol.h"

static bool
map_format (ZXing::BarcodeFormat format,
            VtrSymbology        *symbology)
{
  switch (format)
    {
    case ZXing::BarcodeFormat::QRCode:
      *symbology = VTR_SYMBOLOGY_QR;
      return true;
    case ZXing::BarcodeFormat::EAN13:
      *symbology = VTR_SYMBOLOGY_EAN13;
      return true;
    case ZXing::BarcodeFormat::EAN8:
      *symbology = VTR_SYMBOLOGY_EAN8;
      return true;
    case ZXing::BarcodeFormat::UPCA:
      *symbology = VTR_SYMBOLOGY_UPCA;
      return true;
    case ZXing::BarcodeFormat::UPCE:
      *symbology = VTR_SYMBOLOGY_UPCE;
      return true;
    case ZXing::BarcodeFormat::Code128:
      *symbology = VTR_SYMBOLOGY_CODE128;
      return true;
    default:
      return false;
    }
}

/* One read of the library, its symbols added to @codes. */
static guint
read_once (const VtrFrame           *frame,
           const ZXing::DecodeHints &hints,
           GPtrArray                *codes)
{
  guint found = 0;

  try
    {
      ZXing::ImageView image (frame->data, frame->width, frame->height, ZXing::ImageFormat::Lum,
                              frame->stride);

      for (const ZXing::Result &result : ZXing::ReadBarcodes (image, hints))
        {
          VtrSymbol *code;
          const ZXing::ByteArray &bytes = result.bytes ();
          const ZXing::Position &position = result.position ();
          VtrSymbology symbology;

          if (!result.isValid () || !map_format (result.format (), &symbology))
            continue;

          code = g_new0 (VtrSymbol, 1);
          code->symbology = symbology;
          code->raw = g_bytes_new (bytes.data (), bytes.size ());
          /* zxing-cpp knows each segment's mode (a Kanji segment is
           * Shift_JIS whatever the bytes look like) and the ECIs. */
          code->text = g_strdup (result.text ().c_str ());
          if (!g_utf8_validate (code->text, -1, NULL))
            {
              g_free (code->text);
              code->text = vtr_charset_decode (bytes.data (), bytes.size ());
            }
          for (int k = 0; k < 4; k++)
            code->corners[k] = (VtrPoint) { (double) position[k].x, (double) position[k].y };
          code->n_corners = 4;
          code->frame_index = frame->index;
          g_ptr_array_add (codes, code);
          found++;
        }
    }
  catch (...)
    {
      /* zxing-cpp throws on what it cannot handle; a frame it cannot
       * read is a frame without a code for it. */
    }
  return found;
}

guint
vtr_zxing_read (const VtrFrame *frame,
                VtrZxingFlags   flags,
                GPtrArray      *codes)
{
  ZXing::BarcodeFormats linear = ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::EAN8 |
                                 ZXing::BarcodeFormat::UPCA | ZXing::BarcodeFormat::UPCE |
                                 ZXing::BarcodeFormat::Code128;
  ZXing::BarcodeFormats formats;
  ZXing::DecodeHints hints;
  guint found = 0;

  if (flags & VTR_ZXING_QR)
    formats |= ZXing::BarcodeFormat::QRCode;
  if (flags & VTR_ZXING_BARCODES)
    formats |= linear;
  hints.setTryHarder ((flags & VTR_ZXING_HARDER) != 0);
  hints.setTryRotate ((flags & VTR_ZXING_HARDER) != 0);
  hints.setTryDownscale ((flags & VTR_ZXING_HARDER) != 0);
  if (flags & VTR_ZXING_GLOBAL)
    hints.setBinarizer (ZXing::Binarizer::GlobalHistogram);
  /* A barcode must read the same on three scan lines, not two: a wrong
   * product number with a valid check digit is worse than none. */
  if (!(flags & VTR_ZXING_AS_IS))
    hints.setMinLineCount (3);
  else if (flags & VTR_ZXING_BARCODES)
    {
      /* At its default of two lines, zxing-cpp 1.4 (Debian 12's) aborts
       * the whole process on some labels: merging the lines of one
       * symbol, it meets a symbol already of two lines where it expects
       * one (an assertion of Result::operator==, zxing-cpp issue #740,
       * fixed in 2.x). Stopping at the first symbol two lines agree on
       * never merges more than single lines, so barcodes are read alone,
       * and QR codes, whose symbols it compares otherwise, apart. */
      ZXing::DecodeHints barcodes = hints;

      barcodes.setFormats (linear);
      barcodes.setMaxNumberOfSymbols (1);
      found += read_once (frame, barcodes, codes);
      if (!(flags & VTR_ZXING_QR))
        return found;
      formats = ZXing::BarcodeFormat::QRCode;
    }
  hints.setFormats (formats);
  return found + read_once (frame, hints, codes);
}

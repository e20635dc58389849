#pragma once

#include <glib-object.h>

#include "vtr-symbol.h"
#include "vtr-frame.h"

G_BEGIN_DECLS

typedef enum
{
  /* A live camera frame: one cheap attempt; the next frame tries another
   * way (inverted, mirrored, closer) if this one found nothing. */
  VTR_DECODE_LIVE     = 0,
  /* A still image: every way, until one finds a code. */
  VTR_DECODE_THOROUGH = 1 << 0,
  /* ZBar alone on the frame as it is: for comparisons. */
  VTR_DECODE_PLAIN    = 1 << 1,
  /* zxing-cpp alone, as it reads by default: for comparisons. */
  VTR_DECODE_ZXING    = 1 << 2,
  /* With PLAIN or ZXING: QR codes only, as the published figures are. */
  VTR_DECODE_QR_ONLY  = 1 << 3,
} VtrDecodeFlags;

#define VTR_TYPE_DECODER (vtr_decoder_get_type ())
G_DECLARE_FINAL_TYPE (VtrDecoder, vtr_decoder, VTR, DECODER, GObject)

VtrDecoder *vtr_decoder_new    (void);
GPtrArray  *vtr_decoder_decode (VtrDecoder     *self,
                                const VtrFrame *frame,
                                VtrDecodeFlags  flags);

G_END_DECLS

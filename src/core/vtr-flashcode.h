#pragma once

#include <glib.h>

#include "vtr-key-list.h"
#include "vtr-url.h"

G_BEGIN_DECLS

typedef enum
{
  VTR_CODE_PRODUCT,
  VTR_CODE_CARD,
  VTR_CODE_PICKUP,
  VTR_CODE_MERCHANT,
  VTR_CODE_PAIRING,
  VTR_CODE_PIN_RESET,
  VTR_CODE_GTIN,
  VTR_CODE_FOREIGN_URL,
  VTR_CODE_TEXT,
} VtrCodeKind;

typedef enum
{
  VTR_VERDICT_TRUSTED,         /* a federation code, verified */
  VTR_VERDICT_VALID,           /* a GTIN with a right check digit */
  VTR_VERDICT_BAD_SIGNATURE,
  VTR_VERDICT_UNKNOWN_KEY,
  VTR_VERDICT_RETIRED_KEY,
  VTR_VERDICT_EXPIRED,
  VTR_VERDICT_TRUNCATED,
  VTR_VERDICT_MALFORMED,
  VTR_VERDICT_NO_KEYS,
  VTR_VERDICT_BAD_CHECK_DIGIT,
  VTR_VERDICT_INERT,           /* foreign URL or text: shown, never acted on */
} VtrVerdict;

#define VTR_CARD_ID_LENGTH 26
#define VTR_MAX_CODE_TEXT 2048

/* What a Vitrine code says. */
typedef struct
{
  VtrCodeKind  kind;
  gint64       product_id;
  gint64       merchant_id;
  gint64       promotion_id;
  char        *card_id;
  char        *order;
  char        *pairing;
  int          expires;    /* YYYYMMDD, last valid day; 0 for none */
  int          kid;
  gint64       device_id;  /* a PIN reset code's device */
  char        *nonce;      /* a PIN reset code's one-time part */
} VtrFlashcode;

/* Any scanned text, classified. */
typedef struct
{
  VtrCodeKind     kind;
  VtrVerdict      verdict;
  VtrFlashcode    code;          /* for the federation's kinds */
  char           *gtin;          /* 14 digits, for a GTIN */
  char           *display;       /* the text, safe to show: hidden characters made visible */
  char           *host;          /* a URL's real host, ASCII */
  char           *host_unicode;  /* the same as a person reads it */
  VtrUrlWarnings  warnings;
} VtrCodeInfo;

const char  *vtr_code_kind_to_string (VtrCodeKind   kind);
const char  *vtr_verdict_to_string   (VtrVerdict    verdict);
char        *vtr_verdict_describe    (const VtrCodeInfo *info);

char        *vtr_flashcode_sign      (const VtrFlashcode *code,
                                      const char         *host,
                                      const guint8       *secret_key,
                                      GError            **error);
char        *vtr_flashcode_new_card_id (void);

VtrCodeInfo *vtr_code_classify       (const char        *text,
                                      gsize              len,
                                      const VtrKeyList  *keys,
                                      GDateTime         *now);
void         vtr_code_info_free      (VtrCodeInfo       *info);
void         vtr_flashcode_clear     (VtrFlashcode      *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrCodeInfo, vtr_code_info_free)

G_END_DECLS

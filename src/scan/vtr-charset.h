#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *vtr_charset_decode (const guint8 *bytes,
                          gsize         len);

G_END_DECLS

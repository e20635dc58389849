#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *vtr_phone_french_mobile (const char *text);

G_END_DECLS

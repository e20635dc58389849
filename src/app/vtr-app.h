#pragma once

#include <glib.h>

G_BEGIN_DECLS

void vtr_app_ensure_resources (void);

G_END_DECLS

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  vtr_i18n_init         (void);
char *vtr_i18n_get_language (void);
void  vtr_i18n_set_language (const char *language);

G_END_DECLS

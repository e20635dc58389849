#pragma once

#include "vtr-store.h"

G_BEGIN_DECLS

gboolean  vtr_release_is_valid      (const char *release);
int       vtr_release_compare       (const char *a,
                                     const char *b);
char     *vtr_release_describe      (const char *running,
                                     const char *current);
char     *vtr_release_get_current   (VtrStore   *store,
                                     GError    **error);
gboolean  vtr_release_set_current   (VtrStore   *store,
                                     const char *release,
                                     GError    **error);

G_END_DECLS

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *vtr_text_fold            (const char *text);
char     *vtr_text_fts_query       (const char *text);
gboolean  vtr_text_has_prefix_word (const char *folded_haystack,
                                    const char *folded_needle);
char     *vtr_text_escape_controls (const char *text);

G_END_DECLS

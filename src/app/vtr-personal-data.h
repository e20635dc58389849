#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gint64 vtr_personal_data_keep_seconds (GSettings  *settings);
guint  vtr_personal_data_watch        (const char *data_dir,
                                       GSettings  *settings);

G_END_DECLS

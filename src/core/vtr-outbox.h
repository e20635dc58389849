#pragma once

#include <glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  seq;
  char   *uuid;
  char   *kind;
  char   *payload; /* JSON */
  gint64  created;
} VtrOutboxEntry;

gboolean   vtr_outbox_append      (VtrStore   *store,
                                   const char *uuid,
                                   const char *kind,
                                   const char *payload,
                                   gint64      created,
                                   GError    **error);
GPtrArray *vtr_outbox_pending     (VtrStore   *store,
                                   guint       limit,
                                   GError    **error);
void       vtr_outbox_entry_free  (VtrOutboxEntry *entry);

G_END_DECLS

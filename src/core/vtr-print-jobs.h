#pragma once

#include "vtr-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  char   *kind;
  char   *reference;
  char   *target;
  char   *ticket;     /* the ticket model, JSON */
  gint64  created;
  int     attempts;
  char   *last_error;
  gint64  printed;    /* 0 while waiting */
} VtrPrintJob;

void         vtr_print_job_free     (VtrPrintJob *job);
gboolean     vtr_print_job_add      (VtrStore    *store,
                                     const char  *kind,
                                     const char  *reference,
                                     const char  *target,
                                     const char  *ticket,
                                     gint64       now,
                                     gint64      *id,
                                     GError     **error);
GPtrArray   *vtr_print_job_pending  (VtrStore    *store,
                                     GError     **error);
VtrPrintJob *vtr_print_job_last     (VtrStore    *store,
                                     const char  *kind,
                                     GError     **error);
gboolean     vtr_print_job_finish   (VtrStore    *store,
                                     gint64       id,
                                     gint64       now,
                                     GError     **error);
gboolean     vtr_print_job_fail     (VtrStore    *store,
                                     gint64       id,
                                     const char  *message,
                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrPrintJob, vtr_print_job_free)

G_END_DECLS

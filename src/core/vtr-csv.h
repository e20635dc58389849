#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 4180 CSV, one record at a time, with line numbers for error messages. */
typedef struct
{
  const char *p;
  const char *end;
  guint       line; /* line where the last record read starts, from 1 */
  guint       next_line;
} VtrCsvReader;

void       vtr_csv_reader_init (VtrCsvReader *reader,
                                const char   *data,
                                gsize         len);
GPtrArray *vtr_csv_reader_next (VtrCsvReader *reader);

G_END_DECLS

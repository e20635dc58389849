#include "config.h"

#include "vtr-csv.h"

#include <string.h>

void
vtr_csv_reader_init (VtrCsvReader *reader,
                     const char   *data,
                     gsize         len)
{
  reader->p = data;
  reader->end = data + len;
  reader->line = 0;
  reader->next_line = 1;

  /* A byte order mark from spreadsheet programs is not part of the first field. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader->p += 3;
}

/**
 * vtr_csv_reader_next:
 *
 * Returns: (transfer full) (nullable): the fields of the next record, or
 * %NULL at the end of the data. Blank lines are skipped.
 */
GPtrArray *
vtr_csv_reader_next (VtrCsvReader *reader)
{
  GPtrArray *fields;
  GString *field;

  while (reader->p < reader->end && (*reader->p == '\n' || *reader->p == '\r'))
    {
      if (*reader->p == '\n')
        reader->next_line++;
      reader->p++;
    }
  if (reader->p >= reader->end)
    return NULL;

  reader->line = reader->next_line;
  fields = g_ptr_array_new_with_free_func (g_free);
  field = g_string_new (NULL);

  for (;;)
    {
      if (reader->p < reader->end && *reader->p == '"')
        {
          reader->p++;
          while (reader->p < reader->end)
            {
              if (*reader->p == '"')
                {
                  if (reader->p + 1 < reader->end && reader->p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      reader->p += 2;
                      continue;
                    }
                  reader->p++;
                  break;
                }
              if (*reader->p == '\n')
                reader->next_line++;
              g_string_append_c (field, *reader->p++);
            }
        }

      while (reader->p < reader->end && *reader->p != ',' && *reader->p != '\n' &&
             *reader->p != '\r')
        g_string_append_c (field, *reader->p++);

      g_ptr_array_add (fields, g_string_free (field, FALSE));
      field = NULL;

      if (reader->p < reader->end && *reader->p == ',')
        {
          reader->p++;
          field = g_string_new (NULL);
          continue;
        }
      break;
    }

  return fields;
}

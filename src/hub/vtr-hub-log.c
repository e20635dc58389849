#include "config.h"

#include "vtr-hub-log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The hub's logs, through g_log_structured (docs/operations.md, "Logs").
 * One record a request, its parts in fields of their own (journald's
 * VITRINE_PATH, VITRINE_STATUS…): under systemd they go to the journal
 * as they are, where a field is binary-safe and cannot spill into
 * another record. Anywhere else a request is one JSON object a line on
 * stderr, every string escaped: whatever a client puts in its path or
 * its User-Agent, it cannot write a line of its own or change another
 * field. Other messages keep GLib's usual form.
 */

/* Whether @text (@len bytes, or up to its NUL) is printable ASCII with
 * no quote or backslash: what every path, method and number of a request
 * usually is, written as it is. Checking and escaping each character with
 * g_utf8_make_valid() and a printf was a quarter of the I/O thread's
 * instructions for a page from the cache (callgrind, bench-web). */
static gboolean
plain (const char *text,
       gssize      len,
       gsize      *n)
{
  gsize size = len < 0 ? strlen (text) : (gsize) len;

  for (gsize i = 0; i < size; i++)
    {
      guchar c = text[i];

      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
        return FALSE;
    }
  *n = size;
  return TRUE;
}

/* @text as a JSON string: quotes, backslashes and every control
 * character escaped (U+2028 and U+2029 too, which some readers take for
 * line ends), bytes that are not UTF-8 replaced. */
static void
append_json_string (GString    *line,
                    const char *text,
                    gssize      len)
{
  g_autofree char *valid = NULL;
  gsize n;

  if (plain (text ? text : "", text ? len : -1, &n))
    {
      g_string_append_c (line, '"');
      g_string_append_len (line, text ? text : "", n);
      g_string_append_c (line, '"');
      return;
    }
  valid = g_utf8_make_valid (text ? text : "", text ? len : -1);

  g_string_append_c (line, '"');
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\')
        g_string_append_printf (line, "\\%c", (char) c);
      else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
        g_string_append_printf (line, "\\u%04x", c);
      else
        g_string_append_len (line, p, g_utf8_next_char (p) - p);
    }
  g_string_append_c (line, '"');
}

/* A path as the journal's MESSAGE shows it: on one line, its controls
 * written as escapes. */
static char *
one_line (const char *text)
{
  g_autofree char *valid = NULL;
  GString *line;
  gsize n;

  if (plain (text ? text : "", -1, &n))
    return g_strdup (text ? text : "");
  valid = g_utf8_make_valid (text ? text : "", -1);
  line = g_string_new (NULL);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || c == '\\')
        g_string_append_printf (line, "\\x%02x", c < 0x80 ? c : '?');
      else
        g_string_append_len (line, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (line, FALSE);
}

void
vtr_hub_log_request (const char *remote,
                     const char *method,
                     const char *path,
                     const char *route,
                     const char *agent,
                     guint       status,
                     gsize       bytes,
                     double      ms,
                     gint64      device_id,
                     gboolean    cached)
{
  g_autofree char *shown = one_line (path);
  g_autofree char *message = NULL;
  char status_text[16], bytes_text[32], device_text[32], ms_text[G_ASCII_DTOSTR_BUF_SIZE];
  GLogField fields[] = {
    { "MESSAGE", NULL, -1 },
    { "PRIORITY", "6", -1 },
    { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
    { "VITRINE_REQUEST", "1", -1 },
    { "VITRINE_REMOTE", remote ? remote : "", -1 },
    { "VITRINE_METHOD", method ? method : "", -1 },
    { "VITRINE_PATH", path ? path : "", -1 },
    { "VITRINE_ROUTE", route, -1 },
    { "VITRINE_AGENT", agent ? agent : "", -1 },
    { "VITRINE_STATUS", status_text, -1 },
    { "VITRINE_BYTES", bytes_text, -1 },
    { "VITRINE_MS", ms_text, -1 },
    { "VITRINE_DEVICE", device_text, -1 },
    /* Last: only for a page answered from the cache. */
    { "VITRINE_CACHE", "hit", -1 },
  };

  g_snprintf (status_text, sizeof status_text, "%u", status);
  g_snprintf (bytes_text, sizeof bytes_text, "%" G_GSIZE_FORMAT, bytes);
  g_snprintf (device_text, sizeof device_text, "%" G_GINT64_FORMAT, device_id);
  /* Not printf's %f, which writes "0,53" in a French locale. */
  g_ascii_formatd (ms_text, sizeof ms_text, "%.2f", ms);
  message = g_strdup_printf ("%s %s %u %s ms", method ? method : "", shown, status, ms_text);
  fields[0].value = message;
  g_log_structured_array (G_LOG_LEVEL_INFO, fields, G_N_ELEMENTS (fields) - (cached ? 0 : 1));
}

static const GLogField *
find_field (const GLogField *fields,
            gsize            n_fields,
            const char      *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, key))
      return &fields[i];
  return NULL;
}

/* The request's record as one JSON line: {"time", then every VITRINE_
 * field by its lower-case name, numbers as numbers, and "message"}. */
static char *
format_request (const GLogField *fields,
                gsize            n_fields)
{
  static const char * const numbers[] = { "VITRINE_STATUS", "VITRINE_BYTES", "VITRINE_MS", "VITRINE_DEVICE" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  GString *line = g_string_new ("{\"time\":");

  append_json_string (line, time, -1);
  for (gsize i = 0; i < n_fields; i++)
    {
      g_autofree char *name = NULL;
      gboolean number = FALSE;

      if (!g_str_has_prefix (fields[i].key, "VITRINE_") || g_str_equal (fields[i].key, "VITRINE_REQUEST"))
        continue;
      name = g_ascii_strdown (fields[i].key + strlen ("VITRINE_"), -1);
      for (guint n = 0; n < G_N_ELEMENTS (numbers); n++)
        number |= g_str_equal (fields[i].key, numbers[n]);
      g_string_append_c (line, ',');
      append_json_string (line, name, -1);
      g_string_append_c (line, ':');
      if (number)
        g_string_append (line, fields[i].value);
      else
        append_json_string (line, fields[i].value, fields[i].length);
    }
  {
    const GLogField *message = find_field (fields, n_fields, "MESSAGE");

    g_string_append (line, ",\"message\":");
    append_json_string (line, message ? message->value : "", message ? message->length : -1);
  }
  g_string_append (line, "}\n");
  return g_string_free (line, FALSE);
}

/**
 * vtr_hub_log_writer:
 *
 * The hub's GLogWriterFunc: the journal when stderr is journald's, else
 * requests as JSON lines and the rest as GLib writes it.
 */
GLogWriterOutput
vtr_hub_log_writer (GLogLevelFlags   level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  if (g_log_writer_is_journald (fileno (stderr)) &&
      g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;
  if (find_field (fields, n_fields, "VITRINE_REQUEST"))
    {
      g_autofree char *line = format_request (fields, n_fields);

      /* One write a line: lines of two threads never mix. */
      if (write (fileno (stderr), line, strlen (line)) < 0)
        return G_LOG_WRITER_UNHANDLED;
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

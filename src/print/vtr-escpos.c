#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-printer.h"
#include "vtr-ticket.h"

/*
 * ESC/POS, the command language of thermal receipt printers (Epson's, and
 * the many that follow it): text in code page 858 (Latin-1 with €, so
 * French accents and prices print), bold and double size, the printer's
 * own QR command (sharper than a picture, and quicker to send), a cut.
 *
 * Font A has 48 columns on 80 mm paper, 32 on 58 mm.
 */

#define ESC 0x1b
#define GS 0x1d

/* Code page 858 in ESC t (Epson's number). */
#define CODE_PAGE_858 19

typedef struct
{
  GByteArray *out;
  int         columns;
} Writer;

static void
put (Writer       *w,
     const guint8 *bytes,
     gsize         len)
{
  g_byte_array_append (w->out, bytes, len);
}

#define PUT(w, ...) put (w, (const guint8[]) { __VA_ARGS__ }, sizeof ((const guint8[]) { __VA_ARGS__ }))

/* Typography that code page 858 does not have, said with what it has. */
static char *
plain_text (const char *text)
{
  static const struct { const char *from, *to; } replacements[] = {
    { "’", "'" }, { "‘", "'" }, { "“", "\"" }, { "”", "\"" }, { "…", "..." }, { "—", "-" },
    { "–", "-" }, { "\u202f", " " }, { "\u00a0", " " }, { "·", "-" }, { "œ", "oe" }, { "Œ", "OE" },
  };
  GString *plain = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
    g_string_replace (plain, replacements[i].from, replacements[i].to, 0);
  return g_string_free (plain, FALSE);
}

/* Text already made plain (plain_text(), wrap()), in code page 858. */
static void
put_plain (Writer     *w,
           const char *plain)
{
  gsize len = 0;
  g_autofree char *encoded = g_convert_with_fallback (plain, -1, "CP858", "UTF-8", "?", NULL, &len, NULL);

  if (encoded)
    put (w, (const guint8 *) encoded, len);
}

/* Splits @text into lines of at most @columns characters, at spaces when
 * it can. */
static GPtrArray *
wrap (const char *text,
      int         columns)
{
  g_autofree char *plain = plain_text (text);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = plain;

  while (*p)
    {
      const char *end = p, *last_space = NULL;
      int n = 0;

      while (*end && *end != '\n' && n < columns)
        {
          if (*end == ' ')
            last_space = end;
          end = g_utf8_next_char (end);
          n++;
        }
      if (*end && *end != '\n' && last_space && last_space > p)
        end = last_space;
      g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end;
      while (*p == ' ' || *p == '\n')
        p++;
    }
  return lines;
}

static void
align (Writer *w,
       int     how)
{
  PUT (w, ESC, 'a', how);
}

static void
put_paragraph (Writer     *w,
               const char *text,
               int         columns)
{
  g_autoptr(GPtrArray) lines = wrap (text, columns);

  for (guint i = 0; i < lines->len; i++)
    {
      put_plain (w, g_ptr_array_index (lines, i));
      PUT (w, '\n');
    }
}

/* Text on the left, an amount on the right of the last line. */
static void
put_line (Writer     *w,
          const char *text,
          const char *amount)
{
  g_autofree char *plain_amount = amount ? plain_text (amount) : g_strdup ("");
  int amount_len = g_utf8_strlen (plain_amount, -1);
  g_autoptr(GPtrArray) lines = wrap (text, w->columns - (amount_len ? amount_len + 1 : 0));

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      put_plain (w, line);
      if (i + 1 == lines->len && amount_len)
        {
          for (int pad = w->columns - g_utf8_strlen (line, -1) - amount_len; pad > 0; pad--)
            PUT (w, ' ');
          put_plain (w, plain_amount);
        }
      PUT (w, '\n');
    }
}

static void
put_rule (Writer *w)
{
  for (int i = 0; i < w->columns; i++)
    PUT (w, '-');
  PUT (w, '\n');
}

/* GS ( k: the printer draws the code itself. */
static void
put_qr (Writer     *w,
        const char *text,
        int         module_dots)
{
  gsize len = strlen (text) + 3;

  PUT (w, GS, '(', 'k', 4, 0, 49, 65, 50, 0);          /* model 2 */
  PUT (w, GS, '(', 'k', 3, 0, 49, 67, module_dots);   /* module size */
  PUT (w, GS, '(', 'k', 3, 0, 49, 69, 49);            /* error correction M */
  PUT (w, GS, '(', 'k', len & 0xff, len >> 8, 49, 80, 48);
  put (w, (const guint8 *) text, len - 3);
  PUT (w, GS, '(', 'k', 3, 0, 49, 81, 48);            /* print it */
  PUT (w, '\n');
}

/**
 * vtr_ticket_to_escpos:
 * @paper_mm: 80 or 58
 *
 * Returns: the bytes to send to the printer, ending with a cut.
 */
GBytes *
vtr_ticket_to_escpos (const VtrTicket *ticket,
                      int              paper_mm,
                      GError         **error)
{
  Writer w = { g_byte_array_new (), paper_mm <= 58 ? 32 : 48 };

  if (ticket->qr && strlen (ticket->qr) > 7000)
    {
      g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_TOO_LONG,
                           _("This code is too long for a ticket printer"));
      g_byte_array_unref (w.out);
      return NULL;
    }

  PUT (&w, ESC, '@');                       /* reset */
  PUT (&w, ESC, 't', CODE_PAGE_858);
  align (&w, 1);
  if (ticket->header)
    {
      PUT (&w, ESC, 'E', 1);
      put_paragraph (&w, ticket->header, w.columns);
      PUT (&w, ESC, 'E', 0);
    }
  if (ticket->title)
    {
      PUT (&w, GS, '!', 0x01);              /* double height */
      PUT (&w, ESC, 'E', 1);
      put_paragraph (&w, ticket->title, w.columns);
      PUT (&w, ESC, 'E', 0);
      PUT (&w, GS, '!', 0x00);
    }
  if (ticket->big)
    {
      PUT (&w, GS, '!', 0x11);              /* double width and height */
      PUT (&w, ESC, 'E', 1);
      put_paragraph (&w, ticket->big, w.columns / 2);
      PUT (&w, ESC, 'E', 0);
      PUT (&w, GS, '!', 0x00);
    }
  align (&w, 0);
  if (ticket->lines->len)
    {
      put_rule (&w);
      for (guint i = 0; i < ticket->lines->len; i++)
        {
          const VtrTicketLine *line = g_ptr_array_index (ticket->lines, i);

          if (line->bold)
            PUT (&w, ESC, 'E', 1);
          put_line (&w, line->text, line->amount);
          if (line->bold)
            PUT (&w, ESC, 'E', 0);
        }
    }
  if (ticket->total)
    {
      put_rule (&w);
      PUT (&w, ESC, 'E', 1);
      put_line (&w, ticket->total_label ? ticket->total_label : "", ticket->total);
      PUT (&w, ESC, 'E', 0);
    }
  if (ticket->notes->len)
    {
      put_rule (&w);
      for (guint i = 0; i < ticket->notes->len; i++)
        put_paragraph (&w, g_ptr_array_index (ticket->notes, i), w.columns);
    }
  align (&w, 1);
  if (ticket->qr)
    {
      PUT (&w, '\n');
      put_qr (&w, ticket->qr, paper_mm <= 58 ? 5 : 6);
      if (ticket->qr_caption)
        put_paragraph (&w, ticket->qr_caption, w.columns);
    }
  if (ticket->footer)
    {
      PUT (&w, '\n');
      put_paragraph (&w, ticket->footer, w.columns);
    }
  align (&w, 0);
  PUT (&w, GS, 'V', 66, 3);                 /* feed past the cutter, cut */
  return g_byte_array_free_to_bytes (w.out);
}

#pragma once

#include <glib.h>
#include <string.h>

/*
 * A small ESC/POS reader for the tests: what a thermal printer would make
 * of the bytes — the text in its code page, the QR codes it would draw,
 * the cuts — and what it would not understand.
 */

typedef struct
{
  GString   *text;       /* UTF-8, one line per LF */
  GPtrArray *qr;         /* payloads of GS ( k "print" commands */
  guint      cuts;
  int        code_page;  /* ESC t n, -1 when none */
  gboolean   bold;       /* ESC E 1 was seen */
  gboolean   double_size;
  guint      longest_line; /* characters, in normal size */
  guint      unknown;    /* bytes it could not read */
} VtrEscposPage;

static inline void
vtr_escpos_page_clear (VtrEscposPage *page)
{
  if (page->text)
    g_string_free (page->text, TRUE);
  g_clear_pointer (&page->qr, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VtrEscposPage, vtr_escpos_page_clear)

static inline void
vtr_escpos_flush_line (VtrEscposPage *page,
                       GByteArray    *line,
                       int            size)
{
  g_autofree char *utf8 = g_convert ((const char *) line->data, line->len, "UTF-8",
                                     page->code_page == 19 ? "CP858" : "CP437", NULL, NULL, NULL);
  guint chars;

  g_string_append (page->text, utf8 ? utf8 : "");
  g_string_append_c (page->text, '\n');
  chars = line->len * (size & 0x70 ? 2 : 1);
  page->longest_line = MAX (page->longest_line, chars);
  g_byte_array_set_size (line, 0);
}

static inline void
vtr_escpos_parse (const guint8  *data,
                  gsize          len,
                  VtrEscposPage *page)
{
  g_autoptr(GByteArray) line = g_byte_array_new ();
  gsize i = 0;
  int size = 0;

  page->text = g_string_new (NULL);
  page->qr = g_ptr_array_new_with_free_func (g_free);
  page->code_page = -1;

  while (i < len)
    {
      guint8 b = data[i];

      if (b == 0x1b && i + 1 < len)
        {
          guint8 c = data[i + 1];

          if (c == '@')
            i += 2;
          else if ((c == 't' || c == 'a' || c == 'E' || c == 'd') && i + 2 < len)
            {
              if (c == 't')
                page->code_page = data[i + 2];
              if (c == 'E' && data[i + 2])
                page->bold = TRUE;
              i += 3;
            }
          else
            page->unknown++, i++;
        }
      else if (b == 0x1d && i + 1 < len)
        {
          guint8 c = data[i + 1];

          if (c == '!' && i + 2 < len)
            {
              size = data[i + 2];
              if (size == 0x11)
                page->double_size = TRUE;
              i += 3;
            }
          else if (c == '(' && i + 4 < len && data[i + 2] == 'k')
            {
              gsize n = data[i + 3] | data[i + 4] << 8;

              /* cn = 49 (QR), fn = 80: store the data, after "1 P 0". */
              if (n >= 3 && i + 5 + n <= len && data[i + 5] == 49 && data[i + 6] == 80)
                g_ptr_array_add (page->qr, g_strndup ((const char *) data + i + 8, n - 3));
              i += 5 + n;
            }
          else if (c == 'V' && i + 2 < len)
            {
              page->cuts++;
              i += (data[i + 2] == 65 || data[i + 2] == 66) ? 4 : 3;
            }
          else
            page->unknown++, i++;
        }
      else if (b == '\n')
        {
          vtr_escpos_flush_line (page, line, size);
          i++;
        }
      else if (b >= 0x20)
        {
          g_byte_array_append (line, &b, 1);
          i++;
        }
      else
        page->unknown++, i++;
    }
  if (line->len)
    vtr_escpos_flush_line (page, line, size);
}

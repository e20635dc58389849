#include "config.h"

#include "vtr-qr-image.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

/*
 * QR codes drawn with libqrencode and Cairo, at error-correction level M,
 * with their four-module quiet zone: on a PNG, a PDF, a ticket.
 */

G_DEFINE_QUARK (vtr-qr-error-quark, vtr_qr_error)

#define QUIET_MODULES 4

static QRcode *
encode (const char *text,
        GError    **error)
{
  /* Split into the densest modes: a Vitrine code is all alphanumeric. */
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

  if (qr == NULL)
    g_set_error (error, VTR_QR_ERROR, VTR_QR_ERROR_TOO_LONG,
                 _("This text is too long for a QR code (%u bytes)."), (guint) strlen (text));
  return qr;
}

/**
 * vtr_qr_measure:
 * @version: (out): the QR version (1–40) libqrencode chose at level M
 * @modules: (out): modules a side, quiet zone excluded
 */
gboolean
vtr_qr_measure (const char *text,
                int        *version,
                int        *modules,
                GError    **error)
{
  QRcode *qr = encode (text, error);

  if (qr == NULL)
    return FALSE;
  *version = qr->version;
  *modules = qr->width;
  QRcode_free (qr);
  return TRUE;
}

/**
 * vtr_qr_draw:
 * @size: the side of the square drawn, quiet zone included
 *
 * Draws the code black on white at (@x, @y).
 */
gboolean
vtr_qr_draw (cairo_t    *cr,
             const char *text,
             double      x,
             double      y,
             double      size,
             GError    **error)
{
  QRcode *qr = encode (text, error);
  double box_x = x, box_y = y;
  double module;

  if (qr == NULL)
    return FALSE;

  /* Whole units a module where there is room: every module the same size. */
  module = size / (qr->width + 2 * QUIET_MODULES);
  if (module >= 2)
    {
      double whole = floor (module);

      x += (size - whole * (qr->width + 2 * QUIET_MODULES)) / 2;
      y += (size - whole * (qr->width + 2 * QUIET_MODULES)) / 2;
      module = whole;
    }

  cairo_save (cr);
  /* White within its box only: whole modules centre the code in it, and
   * the box moved with them once painted over the card's number below. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, box_x, box_y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[row * qr->width + col] & 1)
        cairo_rectangle (cr, x + (col + QUIET_MODULES) * module, y + (row + QUIET_MODULES) * module,
                         module, module);
  cairo_fill (cr);
  cairo_restore (cr);

  QRcode_free (qr);
  return TRUE;
}

/**
 * vtr_qr_svg:
 * @label: the image's accessible name (escaped here), or %NULL
 *
 * The code as an SVG image for a web page: black modules on white with
 * their quiet zone, one path, scaled by the page (a module is one unit
 * of the viewBox; the page's style keeps its edges sharp).
 *
 * Returns: (transfer full): the <svg> element, or %NULL when @text is
 *   too long for a code
 */
char *
vtr_qr_svg (const char *text,
            const char *label,
            GError    **error)
{
  QRcode *qr = encode (text, error);
  GString *out;
  int side;

  if (qr == NULL)
    return NULL;
  side = qr->width + 2 * QUIET_MODULES;
  out = g_string_new (NULL);
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                          "role=\"img\"", side, side);
  if (label)
    {
      g_autofree char *escaped = g_markup_escape_text (label, -1);

      g_string_append_printf (out, " aria-label=\"%s\"", escaped);
    }
  g_string_append_printf (out, "><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                          side, side);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[row * qr->width + col] & 1)
        {
          int run = 1;

          /* A run of dark modules on a row: one rectangle. */
          while (col + run < qr->width && (qr->data[row * qr->width + col + run] & 1))
            run++;
          g_string_append_printf (out, "M%d %dh%dv1h-%dz", col + QUIET_MODULES, row + QUIET_MODULES, run, run);
          col += run - 1;
        }
  g_string_append (out, "\"/></svg>");
  QRcode_free (qr);
  return g_string_free (out, FALSE);
}

/**
 * vtr_qr_write_file:
 * @caption: what the code is, in words, printed under it
 * @pdf: %TRUE for a PDF page, %FALSE for a PNG image
 *
 * Writes the code, large enough to scan from a metre away, with @caption
 * and the text itself under it.
 */
gboolean
vtr_qr_write_file (const char *text,
                   const char *caption,
                   const char *path,
                   gboolean    pdf,
                   GError    **error)
{
  /* PNG in pixels, 8 a module for a version 7 code; PDF in points, A6. */
  double width = pdf ? 297.6 : 480;
  double margin = pdf ? 24 : 24;
  double code_size = width - 2 * margin;
  double height = pdf ? 419.5 : 640;
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout;
  PangoFontDescription *font;
  cairo_status_t status;
  gboolean ok;

  surface = pdf ? cairo_pdf_surface_create (path, width, height)
                : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ok = vtr_qr_draw (cr, text, margin, margin, code_size, error);

  if (ok)
    {
      double y = margin + code_size + (pdf ? 6 : 8);

      layout = pango_cairo_create_layout (cr);
      pango_layout_set_width (layout, (int) ((width - 2 * margin) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);

      font = pango_font_description_from_string (pdf ? "Sans Bold 11" : "Sans Bold 15");
      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_text (layout, caption ? caption : "", -1);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, margin, y);
      pango_cairo_show_layout (cr, layout);
      {
        int h;
        pango_layout_get_pixel_size (layout, NULL, &h);
        y += h + 4;
      }

      /* The text itself, small, for a person to read or type. */
      font = pango_font_description_from_string (pdf ? "Monospace 6" : "Monospace 8");
      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_text (layout, text, -1);
      cairo_move_to (cr, margin, y);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }

  cairo_destroy (cr);
  if (ok)
    {
      if (pdf)
        {
          cairo_surface_finish (surface);
          status = cairo_surface_status (surface);
        }
      else
        status = cairo_surface_write_to_png (surface, path);
      if (status != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, VTR_QR_ERROR, VTR_QR_ERROR_WRITE, _("Could not write %s: %s"),
                       path, cairo_status_to_string (status));
          ok = FALSE;
        }
    }
  cairo_surface_destroy (surface);
  return ok;
}

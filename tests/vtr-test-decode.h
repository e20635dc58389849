#pragma once

#include <cairo.h>
#include <poppler.h>

#include "vtr-decoder.h"
#include "vtr-frame-reader.h"

/*
 * What a printed page says, read back as a person and a kiosk would: the
 * text of a PDF through poppler, and the codes on a PDF page or a PNG
 * image through the kiosk's own decoder.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

static inline GPtrArray *
vtr_test_decode_frame (const VtrFrame *frame)
{
  g_autoptr(VtrDecoder) decoder = vtr_decoder_new ();
  g_autoptr(GPtrArray) codes = vtr_decoder_decode (decoder, frame, VTR_DECODE_THOROUGH);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < codes->len; i++)
    g_ptr_array_add (texts, g_strdup (((VtrSymbol *) g_ptr_array_index (codes, i))->text));
  return texts;
}

static inline gboolean
vtr_test_on_frame (const VtrFrame *frame,
                   gpointer        user_data)
{
  GPtrArray **texts = user_data;

  *texts = vtr_test_decode_frame (frame);
  return FALSE;
}

/* The codes in a PNG image. */
static inline GPtrArray *
vtr_test_read_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *texts = NULL;

  g_assert_true (vtr_frame_reader_read (path, vtr_test_on_frame, &texts, &error));
  g_assert_no_error (error);
  g_assert_nonnull (texts);
  return texts;
}

/* The only page of a PDF: its text, its size in points, and the codes on
 * it rendered at @dpi. */
static inline GPtrArray *
vtr_test_read_pdf (const char *path,
                   double      dpi,
                   char      **text,
                   double     *width,
                   double     *height)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) document = poppler_document_new_from_file (uri, NULL, &error);
  g_autoptr(PopplerPage) page = NULL;
  g_autofree guint8 *grey = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double w_pt, h_pt;
  int w, h;
  GPtrArray *texts;

  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  page = poppler_document_get_page (document, 0);
  if (text)
    *text = poppler_page_get_text (page);
  poppler_page_get_size (page, &w_pt, &h_pt);
  if (width)
    *width = w_pt;
  if (height)
    *height = h_pt;

  w = (int) (w_pt * dpi / 72);
  h = (int) (h_pt * dpi / 72);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72, dpi / 72);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  grey = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) +
                                              y * cairo_image_surface_get_stride (surface));
      for (int x = 0; x < w; x++)
        grey[y * w + x] = ((row[x] >> 16 & 0xff) + (row[x] >> 8 & 0xff) + (row[x] & 0xff)) / 3;
    }
  cairo_surface_destroy (surface);
  {
    VtrFrame frame = { grey, w, h, w, 0, 0 };
    texts = vtr_test_decode_frame (&frame);
  }
  return texts;
}

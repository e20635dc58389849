#include "config.h"

#include "vtr-ticket.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "vtr-json.h"
#include "vtr-printer.h"
#include "vtr-qr-image.h"

/*
 * The ticket model and its Cairo/Pango renderer: a receipt roll as long as
 * its content, a credit-card-sized loyalty card, A5 and A4 posters. All
 * sizes are in points (1/72 inch): PDF pages are the paper's size, PNG
 * images are drawn at the dots per inch asked.
 */

#define MM (72.0 / 25.4)

static void
line_free (gpointer data)
{
  VtrTicketLine *line = data;

  g_free (line->text);
  g_free (line->amount);
  g_free (line);
}

VtrTicket *
vtr_ticket_new (VtrTicketFormat  format,
                const char      *kind,
                const char      *reference)
{
  VtrTicket *ticket = g_new0 (VtrTicket, 1);

  ticket->format = format;
  ticket->kind = g_strdup (kind);
  ticket->reference = g_strdup (reference);
  ticket->lines = g_ptr_array_new_with_free_func (line_free);
  ticket->notes = g_ptr_array_new_with_free_func (g_free);
  return ticket;
}

void
vtr_ticket_free (VtrTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_free (ticket->kind);
  g_free (ticket->reference);
  g_free (ticket->header);
  g_free (ticket->title);
  g_free (ticket->big);
  g_ptr_array_unref (ticket->lines);
  g_free (ticket->total_label);
  g_free (ticket->total);
  g_ptr_array_unref (ticket->notes);
  g_free (ticket->qr);
  g_free (ticket->qr_caption);
  g_free (ticket->logo);
  g_free (ticket->footer);
  g_free (ticket);
}

void
vtr_ticket_add_line (VtrTicket  *ticket,
                     const char *text,
                     const char *amount,
                     gboolean    bold)
{
  VtrTicketLine *line = g_new0 (VtrTicketLine, 1);

  line->text = g_strdup (text);
  line->amount = g_strdup (amount);
  line->bold = bold;
  g_ptr_array_add (ticket->lines, line);
}

void
vtr_ticket_add_note (VtrTicket  *ticket,
                     const char *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (ticket->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

/* JSON, for the durable print queue: a job is printed as it was made. */

static void
add_optional (JsonBuilder *builder,
              const char  *name,
              const char  *value)
{
  if (value)
    vtr_json_add_string (builder, name, value);
}

char *
vtr_ticket_to_json (const VtrTicket *ticket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  vtr_json_add_int (builder, "format", ticket->format);
  add_optional (builder, "kind", ticket->kind);
  add_optional (builder, "reference", ticket->reference);
  add_optional (builder, "header", ticket->header);
  add_optional (builder, "title", ticket->title);
  add_optional (builder, "big", ticket->big);
  json_builder_set_member_name (builder, "lines");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ticket->lines->len; i++)
    {
      const VtrTicketLine *line = g_ptr_array_index (ticket->lines, i);

      json_builder_begin_object (builder);
      vtr_json_add_string (builder, "text", line->text);
      add_optional (builder, "amount", line->amount);
      vtr_json_add_boolean (builder, "bold", line->bold);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_optional (builder, "total_label", ticket->total_label);
  add_optional (builder, "total", ticket->total);
  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ticket->notes->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (ticket->notes, i));
  json_builder_end_array (builder);
  add_optional (builder, "qr", ticket->qr);
  add_optional (builder, "qr_caption", ticket->qr_caption);
  add_optional (builder, "logo", ticket->logo);
  add_optional (builder, "footer", ticket->footer);
  json_builder_end_object (builder);
  return vtr_json_builder_to_data (builder, FALSE);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (json_object_get_string_member_with_default (object, name, NULL));
}

VtrTicket *
vtr_ticket_from_json (const char *json,
                      GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *array;
  VtrTicket *ticket;
  gint64 format;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_FAILED, _("This print job is damaged"));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  format = json_object_get_int_member_with_default (object, "format", 0);
  ticket = vtr_ticket_new (CLAMP (format, VTR_TICKET_RECEIPT, VTR_TICKET_POSTER_A4),
                           json_object_get_string_member_with_default (object, "kind", NULL),
                           json_object_get_string_member_with_default (object, "reference", NULL));
  ticket->header = dup_member (object, "header");
  ticket->title = dup_member (object, "title");
  ticket->big = dup_member (object, "big");
  ticket->total_label = dup_member (object, "total_label");
  ticket->total = dup_member (object, "total");
  ticket->qr = dup_member (object, "qr");
  ticket->qr_caption = dup_member (object, "qr_caption");
  ticket->logo = dup_member (object, "logo");
  ticket->footer = dup_member (object, "footer");
  array = json_object_get_array_member (object, "lines");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *line = json_array_get_object_element (array, i);

      if (line)
        vtr_ticket_add_line (ticket, json_object_get_string_member_with_default (line, "text", ""),
                             json_object_get_string_member_with_default (line, "amount", NULL),
                             json_object_get_boolean_member_with_default (line, "bold", FALSE));
    }
  array = json_object_get_array_member (object, "notes");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    g_ptr_array_add (ticket->notes, g_strdup (json_array_get_string_element (array, i)));
  return ticket;
}

/* Cairo/Pango. */

void
vtr_ticket_page_size (const VtrTicket *ticket,
                      double          *width,
                      double          *height)
{
  switch (ticket->format)
    {
    case VTR_TICKET_CARD:
      *width = 85.6 * MM, *height = 54 * MM;
      break;
    case VTR_TICKET_POSTER_A5:
      *width = 148 * MM, *height = 210 * MM;
      break;
    case VTR_TICKET_POSTER_A4:
      *width = 210 * MM, *height = 297 * MM;
      break;
    case VTR_TICKET_RECEIPT:
    default:
      *width = 80 * MM, *height = 0; /* as long as it needs */
      break;
    }
}

/* @text laid out in @width (wrapped; -1: on one line). */
static PangoLayout *
text_layout (cairo_t       *cr,
             const char    *text,
             const char    *font,
             double         size,
             PangoAlignment alignment,
             double         width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *description = g_strdup_printf ("%s %.2fpx", font, size);
  PangoFontDescription *font_description = pango_font_description_from_string (description);

  pango_layout_set_font_description (layout, font_description);
  pango_font_description_free (font_description);
  pango_layout_set_width (layout, width < 0 ? -1 : (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Draws @text at @y across @width, returns the height used. */
static double
show_text (cairo_t       *cr,
           const char    *text,
           const char    *font,
           double         size,
           PangoAlignment alignment,
           double         x,
           double         y,
           double         width)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, font, size, alignment, width);
  int h;

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

/* How high @text is, wrapped in @width (-1: on one line). */
static double
text_height (cairo_t    *cr,
             const char *text,
             const char *font,
             double      size,
             double      width)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, font, size, PANGO_ALIGN_LEFT, width);
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

/* The size, @size at most, at which @text takes one line of @width. */
static double
one_line_size (cairo_t    *cr,
               const char *text,
               const char *font,
               double      size,
               double      width)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, font, size, PANGO_ALIGN_LEFT, -1);
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  if (logical.width <= 0 || logical.width <= width * PANGO_SCALE)
    return size;
  return size * width * PANGO_SCALE / logical.width * 0.98;
}

static void
draw_rule (cairo_t *cr,
           double   x,
           double   y,
           double   width)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 0.6);
  cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + width, y);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static double
draw_logo (cairo_t    *cr,
           const char *path,
           double      x,
           double      y,
           double      width,
           double      max_width)
{
  cairo_surface_t *logo = cairo_image_surface_create_from_png (path);
  double w, h, scale;

  if (cairo_surface_status (logo) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (logo);
      return 0; /* no logo is better than no ticket */
    }
  w = cairo_image_surface_get_width (logo);
  h = cairo_image_surface_get_height (logo);
  scale = MIN (max_width / w, max_width / h);
  cairo_save (cr);
  cairo_translate (cr, x + (width - w * scale) / 2, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, logo, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (logo);
  return h * scale;
}

/* A receipt or a poster: everything in one column; @s scales the type. */
static gboolean
draw_column (const VtrTicket *ticket,
             cairo_t         *cr,
             double           width,
             double           s,
             double          *height,
             GError         **error)
{
  double margin = (ticket->format == VTR_TICKET_RECEIPT ? 4 : 12) * MM;
  double inner = width - 2 * margin;
  double y = margin;

  cairo_set_source_rgb (cr, 0, 0, 0);
  if (ticket->logo)
    y += draw_logo (cr, ticket->logo, margin, y, inner, MIN (inner, 40 * MM * s)) + 3 * s;
  if (ticket->header)
    y += show_text (cr, ticket->header, "DejaVu Sans Bold", 11 * s, PANGO_ALIGN_CENTER, margin, y, inner) + 4 * s;
  if (ticket->title)
    y += show_text (cr, ticket->title, "DejaVu Sans Bold", 15 * s, PANGO_ALIGN_CENTER, margin, y, inner) + 4 * s;
  if (ticket->big)
    y += show_text (cr, ticket->big, "DejaVu Sans Bold", 28 * s, PANGO_ALIGN_CENTER, margin, y, inner) + 6 * s;

  if (ticket->lines->len)
    {
      draw_rule (cr, margin, y, inner);
      y += 4 * s;
      for (guint i = 0; i < ticket->lines->len; i++)
        {
          const VtrTicketLine *line = g_ptr_array_index (ticket->lines, i);
          const char *font = line->bold ? "DejaVu Sans Bold" : "DejaVu Sans";
          double amount_width = line->amount ? 22 * MM * s : 0;
          double h = show_text (cr, line->text, font, 10 * s, PANGO_ALIGN_LEFT, margin, y, inner - amount_width);

          if (line->amount)
            h = MAX (h, show_text (cr, line->amount, font, 10 * s, PANGO_ALIGN_RIGHT,
                                   margin + inner - amount_width, y, amount_width));
          y += h + 2 * s;
        }
    }
  if (ticket->total)
    {
      double label_width = inner - 30 * MM * s;

      draw_rule (cr, margin, y, inner);
      y += 4 * s;
      double label_h = show_text (cr, ticket->total_label ? ticket->total_label : "", "DejaVu Sans Bold", 12 * s,
                                  PANGO_ALIGN_LEFT, margin, y, label_width);
      double total_h = show_text (cr, ticket->total, "DejaVu Sans Bold", 12 * s, PANGO_ALIGN_RIGHT,
                                  margin + label_width, y, inner - label_width);

      y += MAX (label_h, total_h) + 4 * s;
    }
  if (ticket->notes->len)
    {
      draw_rule (cr, margin, y, inner);
      y += 4 * s;
      for (guint i = 0; i < ticket->notes->len; i++)
        y += show_text (cr, g_ptr_array_index (ticket->notes, i), "DejaVu Sans", 9.5 * s, PANGO_ALIGN_LEFT,
                        margin, y, inner) + 3 * s;
    }
  if (ticket->qr)
    {
      /* Large enough to scan from an arm's length on a phone or a kiosk:
       * 40 mm on a receipt, more on a poster. */
      double size = ticket->format == VTR_TICKET_RECEIPT ? MIN (inner, 40 * MM) : inner * 0.62;

      y += 4 * s;
      if (!vtr_qr_draw (cr, ticket->qr, margin + (inner - size) / 2, y, size, error))
        return FALSE;
      y += size + 3 * s;
      if (ticket->qr_caption)
        y += show_text (cr, ticket->qr_caption, "DejaVu Sans", 9 * s, PANGO_ALIGN_CENTER, margin, y, inner) + 3 * s;
    }
  if (ticket->footer)
    y += show_text (cr, ticket->footer, "DejaVu Sans", 8 * s, PANGO_ALIGN_CENTER, margin, y + 3 * s, inner) + 3 * s;
  *height = y + margin;
  return TRUE;
}

/* A loyalty card: words on the left, the code on the right, as large as
 * the card allows. */
static gboolean
draw_card (const VtrTicket *ticket,
           cairo_t         *cr,
           double           width,
           double           card_height,
           GError         **error)
{
  double margin = 3.5 * MM;
  /* The card's number along the bottom, whole on one line: its last
   * characters are what the counter shows and finds a card by. */
  double number_size = ticket->footer ? one_line_size (cr, ticket->footer, "DejaVu Sans Mono", 7, width - 2 * margin)
                                      : 0;
  double number = ticket->footer ? text_height (cr, ticket->footer, "DejaVu Sans Mono", number_size, -1) + 2 : 0;
  double code = card_height - 2 * margin - number;
  double text_width = width - 3 * margin - code;
  double room = card_height - 2 * margin - number;
  double scale = 1;
  double y = margin;

  /* The words smaller until they end above the number (French takes more
   * lines than English). */
  for (; scale > 0.6; scale -= 0.05)
    {
      double h = 0;

      if (ticket->header)
        h += text_height (cr, ticket->header, "DejaVu Sans Bold", 7.5 * scale, text_width) + 3 * scale;
      if (ticket->title)
        h += text_height (cr, ticket->title, "DejaVu Sans Bold", 11 * scale, text_width) + 4 * scale;
      for (guint i = 0; i < ticket->notes->len; i++)
        h += text_height (cr, g_ptr_array_index (ticket->notes, i), "DejaVu Sans", 6.5 * scale, text_width) +
             2 * scale;
      if (h <= room)
        break;
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (ticket->header)
    y += show_text (cr, ticket->header, "DejaVu Sans Bold", 7.5 * scale, PANGO_ALIGN_LEFT, margin, y, text_width) +
         3 * scale;
  if (ticket->title)
    y += show_text (cr, ticket->title, "DejaVu Sans Bold", 11 * scale, PANGO_ALIGN_LEFT, margin, y, text_width) +
         4 * scale;
  for (guint i = 0; i < ticket->notes->len; i++)
    y += show_text (cr, g_ptr_array_index (ticket->notes, i), "DejaVu Sans", 6.5 * scale, PANGO_ALIGN_LEFT, margin,
                    y, text_width) + 2 * scale;
  if (ticket->footer)
    show_text (cr, ticket->footer, "DejaVu Sans Mono", number_size, PANGO_ALIGN_LEFT, margin,
               card_height - margin - number, -1);
  return ticket->qr == NULL || vtr_qr_draw (cr, ticket->qr, width - margin - code, margin, code, error);
}

/**
 * vtr_ticket_draw:
 * @height: (out): the height drawn (a receipt's length)
 */
gboolean
vtr_ticket_draw (const VtrTicket *ticket,
                 cairo_t         *cr,
                 double           width,
                 double          *height,
                 GError         **error)
{
  double page_width, page_height;

  vtr_ticket_page_size (ticket, &page_width, &page_height);
  if (ticket->format == VTR_TICKET_CARD)
    {
      *height = page_height * width / page_width;
      return draw_card (ticket, cr, width, *height, error);
    }
  return draw_column (ticket, cr, width,
                      ticket->format == VTR_TICKET_POSTER_A4 ? 2.4 : ticket->format == VTR_TICKET_POSTER_A5 ? 1.7 : 1,
                      height, error);
}

/* The receipt's length: drawn once where nothing is kept. */
static gboolean
measure (const VtrTicket *ticket,
         double           width,
         double          *height,
         GError         **error)
{
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = vtr_ticket_draw (ticket, cr, width, height, error);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ok;
}

static gboolean
finish (cairo_t    *cr,
        const char *path,
        GError    **error)
{
  cairo_surface_t *surface = cairo_get_target (cr);
  cairo_status_t status;

  cairo_surface_flush (surface);
  if (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_show_page (cr);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VTR_PRINT_ERROR, VTR_PRINT_ERROR_WRITE, _("The ticket could not be written to %s: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
vtr_ticket_write_pdf (const VtrTicket *ticket,
                      const char      *path,
                      GError         **error)
{
  double width, height, drawn;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  vtr_ticket_page_size (ticket, &width, &height);
  if (height == 0 && !measure (ticket, width, &height, error))
    return FALSE;
  surface = cairo_pdf_surface_create (path, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ok = vtr_ticket_draw (ticket, cr, width, &drawn, error) && finish (cr, path, error);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ok;
}

/**
 * vtr_ticket_write_png:
 * @dpi: dots per inch: 203 is a thermal printer's, 300 an office printer's
 */
gboolean
vtr_ticket_write_png (const VtrTicket *ticket,
                      const char      *path,
                      double           dpi,
                      GError         **error)
{
  double width, height, drawn, scale = dpi / 72.0;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  vtr_ticket_page_size (ticket, &width, &height);
  if (height == 0 && !measure (ticket, width, &height, error))
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (width * scale), (int) ceil (height * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  ok = vtr_ticket_draw (ticket, cr, width, &drawn, error) && finish (cr, path, error);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ok;
}

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* The paper a ticket is laid out for. */
typedef enum
{
  VTR_TICKET_RECEIPT,   /* a roll: 80 mm wide (58 mm on small printers), as long as needed */
  VTR_TICKET_CARD,      /* a loyalty card, 85.6 × 54 mm */
  VTR_TICKET_POSTER_A5,
  VTR_TICKET_POSTER_A4,
} VtrTicketFormat;

typedef struct
{
  char     *text;
  char     *amount; /* right-aligned; may be NULL */
  gboolean  bold;
} VtrTicketLine;

/* One model for everything Vitrine prints: what to say, not how. */
typedef struct
{
  VtrTicketFormat  format;
  char            *kind;        /* "order", "slip", "card", "poster" */
  char            *reference;   /* the order number, the card…: for reprints */
  char            *header;      /* who it comes from: the shop, the federation */
  char            *title;
  char            *big;         /* shown large: the order number, the points */
  GPtrArray       *lines;       /* VtrTicketLine */
  char            *total_label;
  char            *total;
  GPtrArray       *notes;       /* char *, one paragraph each */
  char            *qr;          /* the code to print, or NULL */
  char            *qr_caption;
  char            *logo;        /* a PNG file, or NULL */
  char            *footer;
} VtrTicket;

VtrTicket *vtr_ticket_new        (VtrTicketFormat  format,
                                  const char      *kind,
                                  const char      *reference);
void       vtr_ticket_free       (VtrTicket       *ticket);
void       vtr_ticket_add_line   (VtrTicket       *ticket,
                                  const char      *text,
                                  const char      *amount,
                                  gboolean         bold);
void       vtr_ticket_add_note   (VtrTicket       *ticket,
                                  const char      *format,
                                  ...) G_GNUC_PRINTF (2, 3);
char      *vtr_ticket_to_json    (const VtrTicket *ticket);
VtrTicket *vtr_ticket_from_json  (const char      *json,
                                  GError         **error);

/* Cairo/Pango: the page size in points, drawing, files. */
void       vtr_ticket_page_size  (const VtrTicket *ticket,
                                  double          *width,
                                  double          *height);
gboolean   vtr_ticket_draw       (const VtrTicket *ticket,
                                  cairo_t         *cr,
                                  double           width,
                                  double          *height,
                                  GError         **error);
gboolean   vtr_ticket_write_pdf  (const VtrTicket *ticket,
                                  const char      *path,
                                  GError         **error);
gboolean   vtr_ticket_write_png  (const VtrTicket *ticket,
                                  const char      *path,
                                  double           dpi,
                                  GError         **error);

/* ESC/POS for thermal receipt printers. */
GBytes    *vtr_ticket_to_escpos  (const VtrTicket *ticket,
                                  int              paper_mm,
                                  GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrTicket, vtr_ticket_free)

G_END_DECLS

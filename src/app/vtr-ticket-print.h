#pragma once

#include <gtk/gtk.h>

#include "vtr-ticket.h"

G_BEGIN_DECLS

gboolean vtr_ticket_print_with_gtk (const VtrTicket *ticket,
                                    GtkWindow       *parent,
                                    const char      *export_pdf,
                                    GError         **error);

G_END_DECLS

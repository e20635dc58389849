#pragma once

#include "vtr-catalog.h"
#include "vtr-loyalty.h"
#include "vtr-orders.h"
#include "vtr-printer.h"
#include "vtr-shop-edit.h"
#include "vtr-store.h"
#include "vtr-ticket.h"

G_BEGIN_DECLS

/* The tickets Vitrine prints. */
VtrTicket *vtr_ticket_new_order  (VtrCatalog            *catalog,
                                  const VtrOrder        *order);
VtrTicket *vtr_ticket_new_slip   (VtrCatalog            *catalog,
                                  const VtrLoyaltyEvent *event,
                                  gint64                 balance);
VtrTicket *vtr_ticket_new_card   (const char            *card_id,
                                  const char            *code);
VtrTicket *vtr_ticket_new_poster (VtrCatalog            *catalog,
                                  const VtrProduct      *product,
                                  gint64                 merchant_id,
                                  gint64                 promotion_id,
                                  const char            *code,
                                  VtrTicketFormat        format,
                                  GDateTime             *now);

/* The durable queue. */
char       *vtr_print_default_target (void);
gboolean   vtr_print_enqueue     (VtrStore              *store,
                                  const VtrTicket       *ticket,
                                  const char            *target,
                                  gint64                *id,
                                  GError               **error);
gboolean   vtr_print_enqueue_poster (VtrStore           *store,
                                     const VtrShopPoster *poster,
                                     const char         *target,
                                     GDateTime          *now,
                                     gint64             *id,
                                     GError            **error);
guint      vtr_print_queue_run   (VtrStore              *store,
                                  GError               **error);
gboolean   vtr_print_now         (VtrStore              *store,
                                  const VtrTicket       *ticket,
                                  const char            *target,
                                  GError               **error);

G_END_DECLS

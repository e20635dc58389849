#pragma once

#include <glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/* This week and the eight before it. */
#define VTR_SHOP_STATS_WEEKS 9
#define VTR_SHOP_STATS_TOP   5

typedef struct
{
  gint64 starts;             /* Monday 00:00 in Marseille, Unix time */
  gint64 points;             /* loyalty points credited */
  gint64 new_customers;      /* cards seen here for the first time that week */
  gint64 returning_customers;
  gint64 orders;             /* orders placed with the shop */
  gint64 collected;          /* of which collected */
  gint64 collect_minutes;    /* median time from order to collection; -1 if none */
} VtrShopWeek;

typedef struct
{
  char   *name;
  gint64  sold;              /* units ordered, over the nine weeks */
} VtrShopTopProduct;

typedef struct
{
  VtrShopWeek weeks[VTR_SHOP_STATS_WEEKS]; /* oldest first: [8] is this week */
  GPtrArray  *top;                         /* VtrShopTopProduct, most sold first */
} VtrShopStats;

VtrShopStats *vtr_shop_stats_read (VtrStore   *store,
                                   gint64      merchant_id,
                                   GDateTime  *now,
                                   GError    **error);
void          vtr_shop_stats_free (VtrShopStats *stats);

GPtrArray    *vtr_shop_promotions_running (VtrStore   *store,
                                          gint64      merchant_id,
                                          GDateTime  *now,
                                          GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrShopStats, vtr_shop_stats_free)

G_END_DECLS

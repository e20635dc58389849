#pragma once

#include <json-glib/json-glib.h>

#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * (shop) How the shop does, for the counter's charts: per week (Monday to
 * Sunday, Marseille time), this week last, from what this device's
 * journal holds (the shop's counter records the shop's credits, and
 * receives all the shop's orders from the hub's feed of orders, and
 * the hub's counts of the scans of the shop's posters: vtr-poster-scan.h).
 *
 * Blocking SQLite work: call it from a worker thread.
 */

typedef struct
{
  gint64 starts;              /* Monday 00:00, Unix time */
  gint64 points;              /* loyalty points credited at the shop */
  guint  credits;             /* purchases credited */
  guint  customers_new;       /* cards seen at the shop for the first time that week */
  guint  customers_returning; /* cards seen at the shop before that week too */
  guint  orders;              /* orders placed for the shop */
  guint  orders_collected;    /* of those, collected */
  gint64 collect_median;      /* placed → collected, median in seconds; -1 when none */
  gint64 poster_scans;        /* scans of the shop's posters: kiosks' and phones' */
  gint64 poster_scans_kiosk;  /* scanned at a kiosk */
  gint64 poster_scans_phone;  /* opened on a phone (the hub's page of the code) */
} VtrShopWeek;

typedef struct
{
  gint64  product_id;
  char   *name;
  guint   quantity;           /* ordered over the weeks asked */
} VtrShopTopProduct;

/* A poster of the shop: a product's ad, or the shop's own code (0). */
typedef struct
{
  gint64  product_id;
  char   *name;                /* the product's name; NULL for the shop's code */
  guint   kiosk;               /* scans over the weeks asked */
  guint   phone;
} VtrShopTopPoster;

typedef struct
{
  gint64     merchant_id;
  GArray    *weeks;           /* VtrShopWeek, oldest first; the last is this week */
  GPtrArray *top_products;    /* VtrShopTopProduct, most ordered first, at most 10 */
  GPtrArray *top_posters;     /* VtrShopTopPoster, most scanned first, at most 10 */
} VtrShopStats;

VtrShopStats *vtr_shop_stats_query   (VtrStore     *store,
                                      gint64        merchant_id,
                                      GDateTime    *now,
                                      guint         n_weeks,
                                      GError      **error);
JsonBuilder  *vtr_shop_stats_to_json (VtrShopStats *stats);
void          vtr_shop_stats_free    (VtrShopStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrShopStats, vtr_shop_stats_free)

G_END_DECLS

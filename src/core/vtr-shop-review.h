#pragma once

#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * (shop) The federation's review of products merchants made at their
 * counters (vtr_shop_create_product()): on the hub's catalogue.
 */

typedef struct
{
  gint64  product_id;
  char   *gtin;
  char   *name;
  char   *brand;
  char   *category;
  gint64  merchant_id;
  char   *merchant_name;
  gint64  created;
  gint64  same_gtin_id; /* a federation product with the same GTIN, or 0 */
} VtrMadeProduct;

void       vtr_made_product_free     (VtrMadeProduct *product);
GPtrArray *vtr_shop_review_list      (VtrStore       *store,
                                      GError        **error);
gboolean   vtr_shop_review_accept    (VtrStore       *store,
                                      gint64          product_id,
                                      gint64          now,
                                      GError        **error);
gboolean   vtr_shop_review_merge     (VtrStore       *store,
                                      gint64          product_id,
                                      gint64          into_id,
                                      gint64          now,
                                      GError        **error);

/* Import: a federation product takes the GTIN a merchant-made one holds
 * (@made: its id, or 0), then the made one is merged into it once it is
 * written. Both inside the import's transaction. */
gboolean   vtr_shop_review_take_gtin (VtrStore       *store,
                                      const char     *gtin14,
                                      gint64          federation_id,
                                      gint64         *made,
                                      GError        **error);
gboolean   vtr_shop_review_merge_now (VtrStore       *store,
                                      gint64          made,
                                      gint64          into_id,
                                      gint64          now,
                                      GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrMadeProduct, vtr_made_product_free)

G_END_DECLS

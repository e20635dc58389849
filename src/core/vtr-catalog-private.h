#pragma once

#include "vtr-catalog.h"
#include "vtr-store-private.h"

G_BEGIN_DECLS

/* Shared by vtr-catalog.c (the object), vtr-catalog-types.c,
 * vtr-catalog-writes.c and vtr-catalog-queries.c. Not installed, not for
 * callers outside the catalogue. */

struct _VtrCatalog
{
  GObject     parent_instance;

  VtrStore   *store;
  GHashTable *hours; /* opening_hours text → VtrOpeningHours, or NULL if unreadable */
};

/* The columns the *_from_row() functions read, in their order. */
#define MERCHANT_COLUMNS \
  "m.id, m.name, m.services, m.address, m.postcode, m.city, m.lat, m.lon, m.phone, " \
  "m.opening_hours, m.association"
#define PRODUCT_COLUMNS "p.id, p.gtin, p.name, p.brand, p.category"
#define PROMOTION_COLUMNS \
  "r.id, r.merchant_id, r.product_id, r.category, r.kind, r.value, r.buy, r.get, r.starts, " \
  "r.ends, r.title, r.audience"

gboolean      vtr_catalog_step_row      (VtrCatalog   *self,
                                         sqlite3_stmt *stmt,
                                         gboolean     *failed,
                                         GError      **error);
char         *vtr_catalog_column_strdup (sqlite3_stmt *stmt,
                                         int           column);
VtrMerchant  *vtr_merchant_from_row     (sqlite3_stmt *stmt,
                                         int           first);
VtrProduct   *vtr_product_from_row      (sqlite3_stmt *stmt,
                                         int           first);
VtrPromotion *vtr_promotion_from_row    (sqlite3_stmt *stmt,
                                         int           first);

G_END_DECLS

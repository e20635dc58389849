#include "config.h"

#include <glib/gi18n.h>

#include "vtr-shop-edit.h"

/*
 * TEMPORARY, until the core's "shop-api" commits that implement them land
 * (they are declared in vtr-shop-edit.h, marked "later"): weak stand-ins
 * that refuse, so "Ma boutique" links. The core's definitions replace them
 * at link time as soon as they exist; this file then goes.
 */

__attribute__ ((weak)) gboolean
vtr_shop_create_product (VtrStore   *store,
                         const char *session,
                         const char *gtin,
                         const char *name,
                         const char *brand,
                         const char *category,
                         GDateTime  *now,
                         gint64     *product_id,
                         GError    **error)
{
  g_set_error_literal (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID, "not yet");
  return FALSE;
}

__attribute__ ((weak)) gboolean
vtr_shop_set_hours (VtrStore   *store,
                    const char *session,
                    const char *opening_hours,
                    GDateTime  *now,
                    GError    **error)
{
  g_set_error_literal (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID, "not yet");
  return FALSE;
}

__attribute__ ((weak)) char *
vtr_shop_hours_add_closure (const char *opening_hours,
                            GDateTime  *first_day,
                            GDateTime  *last_day,
                            GError    **error)
{
  g_set_error_literal (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_INVALID, "not yet");
  return NULL;
}

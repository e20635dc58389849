#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VTR_TYPE_PHONE_CODE (vtr_phone_code_get_type ())
G_DECLARE_FINAL_TYPE (VtrPhoneCode, vtr_phone_code, VTR, PHONE_CODE, GtkWidget)

GtkWidget  *vtr_phone_code_new     (void);
const char *vtr_phone_code_get_url (VtrPhoneCode *self);
void        vtr_phone_code_set_url (VtrPhoneCode *self,
                                    const char   *url);
char       *vtr_phone_code_search_url (const char *host,
                                       const char *words);
char       *vtr_phone_code_trade_url  (const char *host,
                                       const char *service_id);
char       *vtr_phone_code_shop_url   (const char *host,
                                       gint64      merchant_id);
char       *vtr_phone_code_collect_url (const char *host,
                                        double      latitude,
                                        double      longitude);
gboolean    vtr_phone_code_parse      (const char  *url,
                                       const char  *host,
                                       const char **action,
                                       GVariant   **target);

G_END_DECLS

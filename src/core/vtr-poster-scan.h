#pragma once

#include <json-glib/json-glib.h>

#include "vtr-flashcode.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * (poster) Scans of the shops' posters (docs/hub-api.md, "Poster scans").
 * A kiosk records each scan of a shop's poster as a `poster-scan` outbox
 * event (no personal data: the kind of code, the shop, the product, the
 * day); the hub counts them with the phones' views of the same codes,
 * and a shop device receives its own shop's counts with its sync.
 *
 * Blocking SQLite work: call these from a worker thread.
 */

/* The counts a shop device asks for: this week and the eight before. */
#define VTR_POSTER_SCAN_DAYS 63

gboolean vtr_poster_scan_is_poster (const VtrCodeInfo *info,
                                    gint64            *merchant_id,
                                    gint64            *product_id);
int      vtr_poster_scan_day       (GDateTime         *when);
gboolean vtr_poster_scan_record    (VtrStore          *store,
                                    const VtrCodeInfo *info,
                                    GDateTime         *now,
                                    gboolean          *recorded,
                                    GError           **error);
void     vtr_poster_scan_record_async (const char          *data_dir,
                                       const VtrCodeInfo   *info,
                                       GDateTime           *now,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean vtr_poster_scan_record_finish (GAsyncResult     *result,
                                        GError          **error);
gboolean vtr_poster_scan_apply     (VtrStore          *store,
                                    gint64             merchant_id,
                                    JsonObject        *answer,
                                    guint             *n_rows,
                                    GError           **error);

G_END_DECLS

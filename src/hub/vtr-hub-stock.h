#pragma once

#include <glib.h>

#include "vtr-flashcode.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"

G_BEGIN_DECLS

/* At most this many codes a request, and a device's codes of one kind in
 * a day: a kiosk asks for 150 or so when it runs low, a busy counter a
 * few hundred a day; a device that asks for more is broken or stolen. */
#define VTR_HUB_STOCK_MAX_REQUEST 500
#define VTR_HUB_STOCK_MAX_DAY     2000

gboolean   vtr_hub_stock_kind_from_string (const char  *text,
                                           VtrCodeKind *kind);
char      *vtr_hub_stock_new_order_number (void);
GPtrArray *vtr_hub_stock_issue            (VtrHubDb    *db,
                                           VtrHubKeys  *keys,
                                           gint64       device_id,
                                           VtrCodeKind  kind,
                                           guint        count,
                                           int          expires,
                                           gint64       now,
                                           GError     **error);

/* (pg) `code owner`'s query, in words both SQLite and PostgreSQL read
 * ($1: the number), and its answer when there is no row. */
#define VTR_HUB_STOCK_OWNER_SQL \
  "SELECT i.kind, coalesce (i.device_id, 0), d.name, i.issued FROM issued_code AS i " \
  "LEFT JOIN device AS d ON d.id = i.device_id WHERE i.number = $1 LIMIT 1"
gboolean   vtr_hub_stock_owner_unknown    (const char  *number,
                                           GError     **error);

gboolean   vtr_hub_stock_owner            (VtrHubDb    *db,
                                           const char  *number,
                                           char       **kind,
                                           gint64      *device_id,
                                           char       **device_name,
                                           gint64      *issued,
                                           GError     **error);

G_END_DECLS

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "vtr-store.h"
#include "vtr-sync-state.h"

G_BEGIN_DECLS

#define VTR_SYNC_ERROR (vtr_sync_error_quark ())

typedef enum
{
  VTR_SYNC_ERROR_NOT_PAIRED,
  VTR_SYNC_ERROR_OFFLINE,    /* the hub cannot be reached, or the answer was cut */
  VTR_SYNC_ERROR_HUB,        /* the hub answered with an error of its own */
  VTR_SYNC_ERROR_REFUSED,    /* the hub refuses this device: revoked, unknown */
  VTR_SYNC_ERROR_PROTOCOL,   /* the answer makes no sense */
  VTR_SYNC_ERROR_PAIRING,    /* the pairing code is wrong, used or expired */
} VtrSyncError;

typedef struct
{
  guint    pages;
  guint    rows;       /* rows put into the catalogue */
  guint    deleted;    /* rows removed from it */
  guint    sent;       /* events uploaded */
  guint    accepted;
  guint    duplicates;
  guint    rejected;
  guint    cards;      /* balances refreshed */
  guint    card_errors; /* cards the hub could not answer for: tried again next time */
  gboolean up_to_date; /* the last feed request said nothing changed */
  guint    orders_new;     /* orders the device received (a shop's) */
  guint    orders_changed; /* orders whose state the hub changed */
  guint    pickup_codes; /* signed order numbers added to the stock */
  guint    blank_cards;  /* signed blank cards added to the stock */
  guint    stock_errors; /* kinds the hub would not refill: tried again next time */
  guint    tiles_fetched;   /* (tiles) the map's tiles downloaded, new or changed */
  guint    tiles_unchanged; /* asked again and the same */
  guint64  tiles_bytes;     /* downloaded */
  guint    tiles_kept;      /* the map's tiles the kiosk has, in all, or 0 for no map */
  gint     poster_scans;    /* (poster) a shop's rows of poster scan counts; -1: not asked */
} VtrSyncReport;

typedef struct _VtrSyncClient VtrSyncClient;

GQuark         vtr_sync_error_quark   (void);

VtrHubLink    *vtr_sync_pair          (VtrStore      *store,
                                       const char    *scanned,
                                       const char    *hub_url,
                                       GError       **error);

SoupSession   *vtr_sync_session_new   (void);
VtrSyncClient *vtr_sync_client_new    (VtrStore      *store,
                                       GError       **error);
VtrSyncClient *vtr_sync_client_new_for_session (VtrStore      *store,
                                                SoupSession   *session,
                                                GError       **error);
void           vtr_sync_client_free   (VtrSyncClient *client);
gboolean       vtr_sync_client_pull   (VtrSyncClient *client,
                                       VtrSyncReport *report,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean       vtr_sync_client_push   (VtrSyncClient *client,
                                       VtrSyncReport *report,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean       vtr_sync_client_run    (VtrSyncClient *client,
                                       VtrSyncReport *report,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean       vtr_sync_client_fetch_orders (VtrSyncClient *client,
                                             gint64         pushed_since,
                                             VtrSyncReport *report,
                                             GCancellable  *cancellable,
                                             GError       **error);
JsonNode      *vtr_sync_client_request (VtrSyncClient *client,
                                        const char    *method,
                                        const char    *path,
                                        const char    *json,
                                        GCancellable  *cancellable,
                                        GError       **error);
VtrStore      *vtr_sync_client_get_store (VtrSyncClient *client);
JsonNode      *vtr_sync_client_get    (VtrSyncClient *client,
                                       const char    *path,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean       vtr_sync_client_wait_orders (VtrSyncClient *client,
                                            guint          seconds,
                                            VtrSyncReport *report,
                                            GCancellable  *cancellable,
                                            GError       **error);
gboolean       vtr_sync_client_is_shop (VtrSyncClient *client);
gboolean       vtr_sync_client_fetch_poster_scans (VtrSyncClient *client,
                                                   VtrSyncReport *report,
                                                   GCancellable  *cancellable,
                                                   GError       **error);
void           vtr_sync_client_set_map_area (VtrSyncClient *client,
                                             double         lat,
                                             double         lon,
                                             double         radius_m,
                                             guint64        max_bytes);
/* The longest wait before a kiosk tries its hub again after failures
 * (before the ±50 % jitter): a minute. A kiosk in good health already asks
 * every 30 s, so waiting longer spares the hub nothing it does not carry
 * each day, while what waits is a customer's order, points and SMS; the
 * jitter keeps 500 kiosks back from one outage from returning together.
 * A failed try at a hub that is down costs a refused connection. */
#define VTR_SYNC_RETRY_MAX_SECONDS 60

guint          vtr_sync_retry_delay   (guint          failures,
                                       guint          base_seconds,
                                       guint          max_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrSyncClient, vtr_sync_client_free)

G_END_DECLS

#pragma once

#include <gio/gio.h>

#include "vtr-hub-db.h"

G_BEGIN_DECLS

#define VTR_HUB_SMS_ERROR (vtr_hub_sms_error_quark ())

typedef enum
{
  VTR_HUB_SMS_ERROR_CONFIG,      /* sms.conf is missing something or wrong */
  VTR_HUB_SMS_ERROR_NOT_MOBILE,  /* not a French mobile number */
  VTR_HUB_SMS_ERROR_REFUSED,     /* the gateway said no (4xx): retrying will not help */
  VTR_HUB_SMS_ERROR_UNAVAILABLE, /* 5xx, timeout, no connection: retried later */
} VtrHubSmsError;

/* The hub's sms.conf (docs/hub-api.md, "Text messages"). */
typedef struct _VtrHubSmsConfig VtrHubSmsConfig;
/* The thread that sends the outbox and erases old personal data. */
typedef struct _VtrHubSms VtrHubSms;

GQuark            vtr_hub_sms_error_quark   (void);

VtrHubSmsConfig  *vtr_hub_sms_config_load   (const char       *dir,
                                             GError          **error);
void              vtr_hub_sms_config_free   (VtrHubSmsConfig  *config);
gboolean          vtr_hub_sms_config_has_gateway (const VtrHubSmsConfig *config);
gint64            vtr_hub_sms_config_keep_seconds (const VtrHubSmsConfig *config);

gboolean          vtr_hub_sms_send          (const VtrHubSmsConfig *config,
                                             const char       *number,
                                             const char       *text,
                                             GCancellable     *cancellable,
                                             guint            *status,
                                             char            **answer,
                                             GError          **error);

/* In the ingest's transaction (vtr-hub-db.c). */
gboolean          vtr_hub_sms_enqueue       (VtrHubDb         *db,
                                             const char       *order,
                                             const char       *state,
                                             const char       *event_payload,
                                             gint64            now,
                                             GError          **error);
gboolean          vtr_hub_sms_forget_order  (VtrHubDb         *db,
                                             const char       *order,
                                             GError          **error);

int               vtr_hub_sms_erase_expired (VtrHubDb         *db,
                                             gint64            now,
                                             gint64            keep_seconds,
                                             GError          **error);
/* (pg) `sms list`'s query, in words both SQLite and PostgreSQL read ($1:
 * how many messages). */
#define VTR_HUB_SMS_OUTBOX_SQL \
  "SELECT s.order_uuid, coalesce (o.number, ''), s.state, s.status, s.tries, s.created, " \
  "  s.next_try, coalesce (s.sent, 0), coalesce (s.last_error, '') " \
  "FROM sms_outbox AS s LEFT JOIN hub_order AS o ON o.uuid = s.order_uuid " \
  "ORDER BY s.id DESC LIMIT $1"
gboolean          vtr_hub_sms_write_outbox  (VtrHubDb         *db,
                                             guint             limit,
                                             JsonBuilder      *builder,
                                             GError          **error);
gint64            vtr_hub_sms_now           (void);

VtrHubSms        *vtr_hub_sms_start         (const char       *dir,
                                             const char       *database,
                                             GError          **error);
void              vtr_hub_sms_wake          (VtrHubSms        *sms);
void              vtr_hub_sms_stop          (VtrHubSms        *sms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrHubSmsConfig, vtr_hub_sms_config_free)

G_END_DECLS

G_BEGIN_DECLS

/* vitrine-hub-sms.c: the commands. */
int vtr_hub_command_sms     (const char *dir,
                             const char *database,
                             gboolean    json,
                             int         argc,
                             char      **argv);
int vtr_hub_command_privacy (const char *dir,
                             const char *database,
                             gboolean    json,
                             int         argc,
                             char      **argv);

G_END_DECLS

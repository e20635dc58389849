#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vtr-catalog.h"
#include "vtr-store.h"

G_BEGIN_DECLS

/*
 * vitrine-ctl's commands, one file a group (vitrine-ctl-catalog.c,
 * -code.c, -counter.c, -sync.c, -print.c), as GLib's gio tool has one
 * file a command: each group owns its options (a GOptionEntry[]) and its
 * help, and vitrine-ctl.c dispatches. Not installed.
 */

#define EXIT_USAGE 2

/* The options every command reads; a group's own options are its own. */
typedef struct
{
  char        *data_dir;
  char        *near;
  char        *at;
  int          limit;
  gboolean     open_now;
  gboolean     json;

  VtrPosition  position;
  GDateTime   *when;
} VtrCtlOptions;

typedef enum
{
  VTR_CTL_NEEDS_NEAR    = 1 << 0, /* --near, required */
  VTR_CTL_NEAR_OPTIONAL = 1 << 1, /* --near, optional */
  VTR_CTL_LIMIT         = 1 << 2, /* --limit */
  VTR_CTL_OPEN_NOW      = 1 << 3, /* --open-now */
  VTR_CTL_NO_JSON       = 1 << 4, /* no --json */
} VtrCtlFlags;

typedef int (*VtrCtlFunc) (VtrCtlOptions  *options,
                           int             argc,
                           char          **argv);

typedef struct
{
  const char         *name;
  const char         *args;    /* N_() */
  const char         *summary; /* N_() */
  VtrCtlFlags         flags;
  const GOptionEntry *entries; /* the command's own options, or NULL */
  VtrCtlFunc          func;
} VtrCtlCommand;

/* vitrine-ctl.c */
int         fail          (GError         *error);
int         usage_error   (const char     *message);
void        print_json    (JsonBuilder    *builder);
char       *read_pin      (void);
VtrCatalog *open_catalog  (VtrCtlOptions  *options,
                           GError        **error);

/* vitrine-ctl-catalog.c */
VtrProduct *find_product  (VtrCatalog     *catalog,
                           const char     *query,
                           GError        **error);

extern const VtrCtlCommand vtr_ctl_stockists;
extern const VtrCtlCommand vtr_ctl_search;
extern const VtrCtlCommand vtr_ctl_near;
extern const VtrCtlCommand vtr_ctl_promotions;
extern const VtrCtlCommand vtr_ctl_collect;
extern const VtrCtlCommand vtr_ctl_demo;

/* vitrine-ctl-code.c */
extern const VtrCtlCommand vtr_ctl_scan;
extern const VtrCtlCommand vtr_ctl_code;
extern const VtrCtlCommand vtr_ctl_keys;

/* vitrine-ctl-counter.c */
extern const VtrCtlCommand vtr_ctl_merchant;
extern const VtrCtlCommand vtr_ctl_loyalty;
extern const VtrCtlCommand vtr_ctl_order;
extern const VtrCtlCommand vtr_ctl_outbox;

/* vitrine-ctl-privacy.c */
int vtr_ctl_order_forget (VtrCtlOptions  *options,
                          VtrStore       *store,
                          const char     *session,
                          int             argc,
                          char          **argv);
/* vitrine-ctl-pin.c */
extern const VtrCtlCommand vtr_ctl_pin;
/* vitrine-ctl-cards.c: `loyalty find` and `loyalty block` */
typedef struct
{
  char **phone; /* loyalty's own --phone */
  char  *suffix;
  char  *to;
} VtrCtlCardOptions;

extern VtrCtlCardOptions vtr_ctl_card_options;
int vtr_ctl_loyalty_cards (VtrCtlOptions  *options,
                           VtrStore       *store,
                           const char     *session,
                           int             argc,
                           char          **argv);

/* vitrine-ctl-sync.c */
extern const VtrCtlCommand vtr_ctl_pair;
extern const VtrCtlCommand vtr_ctl_sync;
extern const VtrCtlCommand vtr_ctl_status;

/* vitrine-ctl-shop.c */
extern const VtrCtlCommand vtr_ctl_shop;

/* vitrine-ctl-print.c */
extern const VtrCtlCommand vtr_ctl_print;
extern const VtrCtlCommand vtr_ctl_printer;

G_END_DECLS

#pragma once

#include "vtr-application.h"

G_BEGIN_DECLS

void vtr_watchdog_watch (VtrApplication *app);

G_END_DECLS

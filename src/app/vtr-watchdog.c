#include "config.h"

#include "vtr-watchdog.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <unistd.h>

/*
 * The kiosk's watchdog, for systemd (the vitrine-kiosk unit's
 * WatchdogSec=): while the main loop turns, "WATCHDOG=1" goes to
 * $NOTIFY_SOCKET twice per $WATCHDOG_USEC; an app frozen in its main
 * loop stops saying it, and systemd starts the session again. When the
 * camera's first frame reaches the main loop, "READY=1" says the kiosk
 * is up (the cold-start benchmark waits for it).
 *
 * This is the protocol of sd_notify(3) written by hand: one datagram on
 * a Unix socket, so the app needs no libsystemd. The session script runs
 * the app under Cage, so $WATCHDOG_PID names the compositor: the script
 * unsets it, and the unit has NotifyAccess=all.
 */

typedef struct
{
  GSocketAddress *address;
  GSocket        *socket;
  gulong          frame_handler;
  VtrCamera      *camera;
} VtrWatchdog;

static VtrWatchdog watchdog;

static void
watchdog_send (const char *message)
{
  g_autoptr(GError) error = NULL;

  if (watchdog.socket == NULL)
    return;
  if (g_socket_send_to (watchdog.socket, watchdog.address, message, strlen (message), NULL, &error) < 0)
    g_debug ("The watchdog's message did not reach systemd: %s", error->message);
}

static gboolean
on_watchdog_tick (gpointer data)
{
  watchdog_send ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

static void
on_first_frame (VtrCamera  *camera,
                GBytes     *bytes,
                int         width,
                int         height,
                int         stride,
                gpointer    data)
{
  watchdog_send ("READY=1\nSTATUS=The camera shows its first frame");
  g_clear_signal_handler (&watchdog.frame_handler, watchdog.camera);
}

static void
on_startup (GApplication *application,
            gpointer      data)
{
  VtrCamera *camera = vtr_application_get_camera (VTR_APPLICATION (application));

  if (camera == NULL || watchdog.socket == NULL)
    return;
  watchdog.camera = camera;
  watchdog.frame_handler = g_signal_connect (camera, "frame-ready", G_CALLBACK (on_first_frame), NULL);
}

/* "@name" is an abstract socket, as systemd may hand out. */
static GSocketAddress *
notify_address (const char *path)
{
  if (path[0] == '@')
    return g_unix_socket_address_new_with_type (path + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  if (path[0] == '/')
    return g_unix_socket_address_new (path);
  return NULL;
}

/**
 * vtr_watchdog_watch:
 * @app: the kiosk app
 *
 * Tells systemd, if it watches (`$NOTIFY_SOCKET`), that the app is alive
 * while its main loop runs, and ready once the camera shows a frame.
 * Nothing happens outside systemd.
 */
void
vtr_watchdog_watch (VtrApplication *app)
{
  g_autofree char *path = g_strdup (g_getenv ("NOTIFY_SOCKET"));
  g_autofree char *usec_text = g_strdup (g_getenv ("WATCHDOG_USEC"));
  g_autofree char *pid_text = g_strdup (g_getenv ("WATCHDOG_PID"));
  guint64 usec = 0;

  g_return_if_fail (VTR_IS_APPLICATION (app));

  if (path == NULL || watchdog.socket != NULL)
    return;
  watchdog.address = notify_address (path);
  /* The messages are the app's alone: a program it starts (the session
   * bus's dbus-daemon, autolaunched) would say READY=1 for it. */
  g_unsetenv ("NOTIFY_SOCKET");
  g_unsetenv ("WATCHDOG_USEC");
  g_unsetenv ("WATCHDOG_PID");
  if (watchdog.address == NULL)
    return;
  watchdog.socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  if (watchdog.socket == NULL)
    {
      g_clear_object (&watchdog.address);
      return;
    }

  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);

  /* A watchdog meant for another process is not ours to feed. */
  if (pid_text != NULL && g_ascii_strtoull (pid_text, NULL, 10) != (guint64) getpid ())
    return;
  if (usec_text != NULL)
    usec = g_ascii_strtoull (usec_text, NULL, 10);
  if (usec == 0)
    return;

  watchdog_send ("WATCHDOG=1");
  g_timeout_add_full (G_PRIORITY_DEFAULT, MAX (usec / 2000, 1), on_watchdog_tick, NULL, NULL);
}

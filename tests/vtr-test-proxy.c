#include "vtr-test-proxy.h"

#include <gio/gio.h>
#include <string.h>

#include "vtr-test-util.h"

struct _VtrTestProxy
{
  GSocketListener *listener;
  guint16          port;
  GThread         *thread;
  GMutex           lock;
  GCond            stop_cond;
  gboolean         stopping;
  guint16          target;
  GQueue           faults;      /* of GUINT_TO_POINTER (VtrFault), next first */
  GRand           *rand;
  double           rate;
  guint            counts[VTR_N_FAULTS];
  GBytes          *old_page;    /* the first feed answer seen */
  guint            active;
};

typedef struct
{
  VtrTestProxy      *proxy;
  GSocketConnection *client;
} Connection;

/* Reads one HTTP message (headers and a Content-Length body), or to the
 * end of the stream when @to_eof. Sets @complete when it got all of it. */
static GByteArray *
read_message_full (GInputStream *in,
                   gboolean      to_eof,
                   gboolean     *complete)
{
  GByteArray *data = g_byte_array_new ();
  guint8 buffer[16384];
  gssize n;

  for (;;)
    {
      const char *end;

      if (!to_eof && data->len > 0 && (end = g_strstr_len ((const char *) data->data, data->len, "\r\n\r\n")))
        {
          gsize header_len = end + 4 - (const char *) data->data;
          g_autofree char *headers = g_ascii_strdown ((const char *) data->data, header_len);
          const char *length = strstr (headers, "\r\ncontent-length:");
          gsize body_len = length ? g_ascii_strtoull (length + 17, NULL, 10) : 0;

          if (data->len >= header_len + body_len)
            {
              *complete = TRUE;
              return data;
            }
        }
      n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        {
          *complete = to_eof && n == 0;
          return data;
        }
      g_byte_array_append (data, buffer, n);
    }
}

static GByteArray *
read_message (GInputStream *in,
              gboolean      to_eof)
{
  gboolean complete = FALSE;

  return read_message_full (in, to_eof, &complete);
}

/* The message with "Connection: close" added after its first line. */
static GByteArray *
with_close (const guint8 *data,
            gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  const char *eol = g_strstr_len ((const char *) data, len, "\r\n");
  gsize first = eol ? (gsize) (eol + 2 - (const char *) data) : len;

  g_byte_array_append (out, data, first);
  g_byte_array_append (out, (const guint8 *) "Connection: close\r\n", 19);
  g_byte_array_append (out, data + first, len - first);
  return out;
}

static GByteArray *
forward (VtrTestProxy *proxy,
         GByteArray   *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) hub = NULL;
  g_autoptr(GByteArray) sent = with_close (request->data, request->len);
  guint16 target;

  g_mutex_lock (&proxy->lock);
  target = proxy->target;
  g_mutex_unlock (&proxy->lock);
  hub = g_socket_client_connect_to_host (client, "127.0.0.1", target, NULL, NULL);
  if (hub == NULL)
    return NULL;
  /* A hub that never answers must not hold the proxy forever. */
  g_socket_set_timeout (g_socket_connection_get_socket (hub), 30);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (hub)), sent->data, sent->len,
                                  NULL, NULL, NULL))
    return NULL;
  return read_message (g_io_stream_get_input_stream (G_IO_STREAM (hub)), TRUE);
}

static VtrFault
next_fault (VtrTestProxy *proxy)
{
  VtrFault fault = VTR_FAULT_NONE;

  g_mutex_lock (&proxy->lock);
  if (!g_queue_is_empty (&proxy->faults))
    fault = GPOINTER_TO_UINT (g_queue_pop_head (&proxy->faults));
  else if (proxy->rand && g_rand_double (proxy->rand) < proxy->rate)
    fault = g_rand_int_range (proxy->rand, VTR_FAULT_REFUSE, VTR_N_FAULTS);
  g_mutex_unlock (&proxy->lock);
  return fault;
}

static gpointer
serve_connection (gpointer data)
{
  Connection *c = data;
  VtrTestProxy *proxy = c->proxy;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c->client));
  gboolean complete = FALSE;
  g_autoptr(GByteArray) request = read_message_full (g_io_stream_get_input_stream (G_IO_STREAM (c->client)),
                                                     FALSE, &complete);
  g_autoptr(GByteArray) answer = NULL;
  g_autoptr(GByteArray) closing = NULL;
  gboolean is_feed = request->len > 0 && g_strstr_len ((const char *) request->data, MIN (request->len, 200),
                                                       "GET /api/v1/changes") != NULL;
  /* A kiosk killed halfway through its request: nothing to forward. */
  VtrFault fault = complete ? next_fault (proxy) : VTR_FAULT_REFUSE;

  if (fault == VTR_FAULT_REPLAY && !(is_feed && proxy->old_page))
    fault = VTR_FAULT_NONE;
  g_mutex_lock (&proxy->lock);
  proxy->counts[fault]++;
  g_mutex_unlock (&proxy->lock);

  switch (fault)
    {
    case VTR_FAULT_REFUSE:
      break;
    case VTR_FAULT_500:
    case VTR_FAULT_503:
      {
        g_autofree char *text = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                                                 fault == VTR_FAULT_500 ? "500 Internal Server Error"
                                                                        : "503 Service Unavailable");
        g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
        break;
      }
    case VTR_FAULT_REPLAY:
      {
        g_autoptr(GBytes) page = NULL;

        g_mutex_lock (&proxy->lock);
        page = g_bytes_ref (proxy->old_page);
        g_mutex_unlock (&proxy->lock);
        g_output_stream_write_all (out, g_bytes_get_data (page, NULL), g_bytes_get_size (page), NULL, NULL,
                                   NULL);
        break;
      }
    default:
      if (fault == VTR_FAULT_TWICE)
        {
          g_autoptr(GByteArray) first = forward (proxy, request);
        }
      answer = forward (proxy, request);
      if (answer == NULL || answer->len == 0)
        break; /* the hub is down: the kiosk sees the connection close */
      closing = with_close (answer->data, answer->len);
      if (is_feed && g_str_has_prefix ((const char *) closing->data, "HTTP/1.1 200"))
        {
          g_mutex_lock (&proxy->lock);
          if (proxy->old_page == NULL)
            proxy->old_page = g_bytes_new (closing->data, closing->len);
          g_mutex_unlock (&proxy->lock);
        }
      if (fault == VTR_FAULT_LOSE_ANSWER)
        break;
      if (fault == VTR_FAULT_STALL || fault == VTR_FAULT_TRUNCATE)
        {
          g_output_stream_write_all (out, closing->data, closing->len / 2, NULL, NULL, NULL);
          g_output_stream_flush (out, NULL, NULL);
          if (fault == VTR_FAULT_STALL)
            {
              gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

              g_mutex_lock (&proxy->lock);
              while (!proxy->stopping && g_cond_wait_until (&proxy->stop_cond, &proxy->lock, until))
                ;
              g_mutex_unlock (&proxy->lock);
            }
          break;
        }
      g_output_stream_write_all (out, closing->data, closing->len, NULL, NULL, NULL);
      break;
    }

  g_io_stream_close (G_IO_STREAM (c->client), NULL, NULL);
  g_object_unref (c->client);
  g_mutex_lock (&proxy->lock);
  proxy->active--;
  g_cond_broadcast (&proxy->stop_cond);
  g_mutex_unlock (&proxy->lock);
  g_free (c);
  return NULL;
}

static gpointer
accept_loop (gpointer data)
{
  VtrTestProxy *proxy = data;

  for (;;)
    {
      GSocketConnection *client = g_socket_listener_accept (proxy->listener, NULL, NULL, NULL);
      Connection *c;

      if (client == NULL)
        return NULL;
      g_mutex_lock (&proxy->lock);
      if (proxy->stopping)
        {
          g_mutex_unlock (&proxy->lock);
          g_object_unref (client);
          return NULL;
        }
      proxy->active++;
      g_mutex_unlock (&proxy->lock);
      c = g_new0 (Connection, 1);
      c->proxy = proxy;
      c->client = client;
      g_thread_unref (g_thread_new ("proxy-connection", serve_connection, c));
    }
}

VtrTestProxy *
vtr_test_proxy_new (guint16 target_port)
{
  VtrTestProxy *proxy = g_new0 (VtrTestProxy, 1);

  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->stop_cond);
  g_queue_init (&proxy->faults);
  proxy->target = target_port;
  proxy->listener = vtr_test_listen_loopback (&proxy->port);
  proxy->thread = g_thread_new ("proxy-accept", accept_loop, proxy);
  return proxy;
}

guint16
vtr_test_proxy_get_port (VtrTestProxy *proxy)
{
  return proxy->port;
}

void
vtr_test_proxy_set_target (VtrTestProxy *proxy,
                           guint16       target_port)
{
  g_mutex_lock (&proxy->lock);
  proxy->target = target_port;
  g_mutex_unlock (&proxy->lock);
}

void
vtr_test_proxy_add_fault (VtrTestProxy *proxy,
                          VtrFault      fault)
{
  g_mutex_lock (&proxy->lock);
  g_queue_push_tail (&proxy->faults, GUINT_TO_POINTER (fault));
  g_mutex_unlock (&proxy->lock);
}

/* From now on, each request fails in a random way with probability @rate. */
void
vtr_test_proxy_set_random (VtrTestProxy *proxy,
                           guint32       seed,
                           double        rate)
{
  g_mutex_lock (&proxy->lock);
  g_clear_pointer (&proxy->rand, g_rand_free);
  proxy->rand = rate > 0 ? g_rand_new_with_seed (seed) : NULL;
  proxy->rate = rate;
  g_mutex_unlock (&proxy->lock);
}

guint
vtr_test_proxy_count (VtrTestProxy *proxy,
                      VtrFault      fault)
{
  guint n;

  g_mutex_lock (&proxy->lock);
  n = proxy->counts[fault];
  g_mutex_unlock (&proxy->lock);
  return n;
}

void
vtr_test_proxy_free (VtrTestProxy *proxy)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) wake = NULL;

  g_mutex_lock (&proxy->lock);
  proxy->stopping = TRUE;
  g_cond_broadcast (&proxy->stop_cond);
  g_mutex_unlock (&proxy->lock);
  /* Wake the accept loop, then wait for the connections to end. */
  wake = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->port, NULL, NULL);
  g_thread_join (proxy->thread);
  g_clear_object (&wake);
  g_mutex_lock (&proxy->lock);
  while (proxy->active > 0)
    g_cond_wait (&proxy->stop_cond, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
  g_socket_listener_close (proxy->listener);
  g_object_unref (proxy->listener);
  g_clear_pointer (&proxy->rand, g_rand_free);
  g_clear_pointer (&proxy->old_page, g_bytes_unref);
  g_queue_clear (&proxy->faults);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->stop_cond);
  g_free (proxy);
}

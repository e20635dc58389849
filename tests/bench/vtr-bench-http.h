#pragma once

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vtr-bench.h"

/*
 * The cheap client of the load generators (bench-web, bench-sync): raw
 * non-blocking sockets on one epoll loop, a request written as given and
 * its answer read until its Content-Length (or the end of the connection),
 * no HTTP library. libsoup's client spent three to four times the hub's
 * CPU on each request, on a machine the clients share with the hub, and
 * with thousands of requests waiting its session stalled: the load
 * generator, not the hub, was what gave out first.
 *
 * A connection is kept for the next request when the hub keeps it (no
 * "Connection: close" in its answer), as a browser would. With
 * @max_connections set, requests beyond it wait for a connection in the
 * order they came; their latency still counts from when they were due, so
 * a hub that falls behind is charged with the wait (no coordinated
 * omission).
 */

typedef struct VtrBenchHttp VtrBenchHttp;

/* An answer (@status 0: none came; @body NULL unless asked for), @ms
 * after the request was due. */
typedef void (*VtrBenchHttpDone) (VtrBenchHttp *http,
                                  gpointer      request_data,
                                  guint         status,
                                  GString      *body,
                                  guint64       bytes,
                                  double        ms);

typedef struct
{
  int      fd;
  double   due;         /* ms: the latency counts from here */
  char    *request;
  gsize    request_len;
  gsize    sent;
  char     head[8192];  /* the answer's headers */
  gsize    head_len;
  gssize   body_left;   /* -1: headers not read yet; -2: until the end */
  guint64  bytes;
  guint    status;
  gboolean keep;
  gboolean reused;
  gboolean writing;
  gboolean draining;    /* answered: waits for the hub to close first */
  GString *body;        /* when kept */
  gpointer data;
} VtrBenchHttpConn;

struct VtrBenchHttp
{
  int                epoll;
  struct sockaddr_in address;
  char              *host;  /* "127.0.0.1:PORT", for the Host header */
  guint              max_connections;
  guint              open; /* connections open or opening */
  guint              in_flight;
  guint              failures;
  GPtrArray         *idle;    /* kept connections */
  GQueue             waiting; /* requests waiting for a connection */
  VtrBenchHttpDone   done;
  gboolean           stopping;
  /* (nullable) ms from each request's due time until it was written in
   * full: when these grow, the client (waiting for a connection, or the
   * machine's processor) is late, not the hub. */
  GArray            *written_ms;
};

static inline double
vtr_bench_self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

/* CPU seconds a process used so far: its user and system ticks. */
static inline double
vtr_bench_process_cpu_s (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(after = strrchr (text, ')')))
    return NAN;
  fields = g_strsplit (after + 2, " ", -1);
  /* After "pid (comm) ", state is field 0: utime is 11, stime 12. */
  if (g_strv_length (fields) < 13)
    return NAN;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* A client of the hub at @url ("http://127.0.0.1:PORT"); NULL if @url is
 * not one. @max_connections 0: as many as the requests need. */
static inline VtrBenchHttp *
vtr_bench_http_new (const char      *url,
                    guint            max_connections,
                    VtrBenchHttpDone done)
{
  VtrBenchHttp *http;
  struct rlimit limit;
  char ip[64] = "";
  int port = 0;

  if (sscanf (url, "http://%63[^:/]:%d", ip, &port) != 2)
    return NULL;
  /* Thousands of simulated devices: as many descriptors as allowed. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  http = g_new0 (VtrBenchHttp, 1);
  http->address.sin_family = AF_INET;
  http->address.sin_port = htons (port);
  inet_pton (AF_INET, ip, &http->address.sin_addr);
  http->host = g_strdup_printf ("%s:%d", ip, port);
  http->epoll = epoll_create1 (EPOLL_CLOEXEC);
  http->idle = g_ptr_array_new ();
  http->max_connections = max_connections;
  http->done = done;
  g_queue_init (&http->waiting);
  return http;
}

static inline void
vtr_bench_http_conn_free (VtrBenchHttp     *http,
                          VtrBenchHttpConn *conn)
{
  if (conn->fd >= 0)
    {
      epoll_ctl (http->epoll, EPOLL_CTL_DEL, conn->fd, NULL);
      close (conn->fd);
      http->open--;
    }
  g_free (conn->request);
  if (conn->body)
    g_string_free (conn->body, TRUE);
  g_free (conn);
}

static inline void
vtr_bench_http_watch (VtrBenchHttp     *http,
                      VtrBenchHttpConn *conn,
                      int               op)
{
  struct epoll_event event = { .events = conn->writing ? EPOLLOUT : EPOLLIN, .data.ptr = conn };

  epoll_ctl (http->epoll, op, conn->fd, &event);
}

static inline void vtr_bench_http_start (VtrBenchHttp *http, VtrBenchHttpConn *conn);

/* A request that ends without an answer: said once or twice, then
 * counted. */
static inline void
vtr_bench_http_count_failure (VtrBenchHttp *http,
                              const char   *what,
                              int           code)
{
  if (http->failures++ < 3)
    g_printerr ("  request failed: %s %d%s%s\n", what, code, code > 0 && code < 200 ? " " : "",
                code > 0 && code < 200 ? g_strerror (code) : "");
}

static inline void
vtr_bench_http_fail (VtrBenchHttp     *http,
                     VtrBenchHttpConn *conn,
                     const char       *what,
                     int               code)
{
  vtr_bench_http_count_failure (http, what, code);
  http->in_flight--;
  http->done (http, conn->data, 0, NULL, 0, vtr_bench_now_ms () - conn->due);
  vtr_bench_http_conn_free (http, conn);
}

/* A connection came free: the next waiting request gets it. */
static inline void
vtr_bench_http_next (VtrBenchHttp *http)
{
  while (http->waiting.length &&
         (http->max_connections == 0 || http->open < http->max_connections || http->idle->len))
    vtr_bench_http_start (http, g_queue_pop_head (&http->waiting));
}

/* Sends @request (taken; @len bytes, a whole HTTP request) due at @due
 * (ms); @keep_body: the answer's body is given to the callback. */
static inline void
vtr_bench_http_send (VtrBenchHttp *http,
                     char         *request,
                     gsize         len,
                     double        due,
                     gboolean      keep_body,
                     gpointer      data)
{
  VtrBenchHttpConn *conn = g_new0 (VtrBenchHttpConn, 1);

  conn->fd = -1;
  conn->body_left = -1;
  conn->due = due;
  conn->request = request;
  conn->request_len = len;
  conn->body = keep_body ? g_string_new (NULL) : NULL;
  conn->data = data;
  http->in_flight++;
  if (http->max_connections && http->open >= http->max_connections && http->idle->len == 0)
    g_queue_push_tail (&http->waiting, conn);
  else
    vtr_bench_http_start (http, conn);
}

/* The request on a kept connection or a new one. */
static inline void
vtr_bench_http_start (VtrBenchHttp     *http,
                      VtrBenchHttpConn *conn)
{
  int one = 1;

  conn->writing = TRUE;
  if (http->idle->len)
    {
      VtrBenchHttpConn *kept = g_ptr_array_steal_index_fast (http->idle, http->idle->len - 1);

      conn->fd = kept->fd;
      conn->reused = TRUE;
      kept->fd = -1;
      vtr_bench_http_conn_free (http, kept);
      vtr_bench_http_watch (http, conn, EPOLL_CTL_MOD);
      return;
    }
  conn->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (conn->fd < 0)
    {
      vtr_bench_http_fail (http, conn, "socket", errno);
      return;
    }
  http->open++;
  setsockopt (conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (conn->fd, (struct sockaddr *) &http->address, sizeof http->address) != 0 && errno != EINPROGRESS)
    {
      vtr_bench_http_fail (http, conn, "connect", errno);
      return;
    }
  vtr_bench_http_watch (http, conn, EPOLL_CTL_ADD);
}

/* The answer is whole: the callback, and the connection kept or closed. */
static inline void
vtr_bench_http_answered (VtrBenchHttp     *http,
                         VtrBenchHttpConn *conn)
{
  http->in_flight--;
  http->done (http, conn->data, conn->status, conn->body, conn->bytes, vtr_bench_now_ms () - conn->due);
  if (conn->keep && !http->stopping)
    {
      g_clear_pointer (&conn->request, g_free);
      if (conn->body)
        g_string_free (g_steal_pointer (&conn->body), TRUE);
      conn->writing = FALSE;
      g_ptr_array_add (http->idle, conn);
    }
  else if (!conn->keep && !http->stopping)
    {
      /* The hub closes first, so that the port waits out TCP's
       * TIME_WAIT on its side, not ours: thousands of new connections a
       * second would otherwise use up the client's ports. */
      conn->draining = TRUE;
    }
  else
    vtr_bench_http_conn_free (http, conn);
  vtr_bench_http_next (http);
}

/* The headers are in: the status, the body's length, whether the hub
 * keeps the connection. */
static inline gboolean
vtr_bench_http_parse_head (VtrBenchHttpConn *conn,
                           gsize             end)
{
  g_autofree char *head = g_ascii_strdown (conn->head, end);
  const char *length = strstr (head, "\r\ncontent-length:");

  if (sscanf (head, "http/1.%*d %u", &conn->status) != 1)
    return FALSE;
  conn->keep = strstr (head, "\r\nconnection: close") == NULL;
  conn->body_left = length ? (gssize) g_ascii_strtoull (length + strlen ("\r\ncontent-length:"), NULL, 10) : -2;
  if (length == NULL)
    conn->keep = FALSE;
  /* A 304 has no body whatever its headers say. */
  if (conn->status == 304 || conn->status == 204)
    conn->body_left = 0;
  return TRUE;
}

static inline void
vtr_bench_http_event (VtrBenchHttp     *http,
                      VtrBenchHttpConn *conn)
{
  char buffer[65536];

  if (conn->draining)
    {
      gssize n;

      while ((n = recv (conn->fd, buffer, sizeof buffer, 0)) > 0)
        ;
      if (n < 0 && errno == EAGAIN)
        return;
      vtr_bench_http_conn_free (http, conn);
      vtr_bench_http_next (http);
      return;
    }
  if (conn->request == NULL)
    {
      /* A kept connection the hub closed while it was idle. */
      g_ptr_array_remove_fast (http->idle, conn);
      vtr_bench_http_conn_free (http, conn);
      vtr_bench_http_next (http);
      return;
    }
  if (conn->writing)
    {
      gssize n = send (conn->fd, conn->request + conn->sent, conn->request_len - conn->sent, MSG_NOSIGNAL);

      if (n < 0 && (errno == EAGAIN || errno == EINPROGRESS))
        return;
      if (n < 0)
        {
          vtr_bench_http_fail (http, conn, "send", errno);
          vtr_bench_http_next (http);
          return;
        }
      conn->sent += n;
      if (conn->sent == conn->request_len)
        {
          if (http->written_ms)
            {
              double ms = vtr_bench_now_ms () - conn->due;

              g_array_append_val (http->written_ms, ms);
            }
          conn->writing = FALSE;
          vtr_bench_http_watch (http, conn, EPOLL_CTL_MOD);
        }
      return;
    }
  for (;;)
    {
      gssize n = recv (conn->fd, buffer, sizeof buffer, 0);
      const char *body;
      gsize body_len;

      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          if (conn->body_left == -2)
            {
              conn->keep = FALSE;
              vtr_bench_http_answered (http, conn);
            }
          else if (conn->reused && conn->head_len == 0)
            {
              /* The hub closed the kept connection as we sent: again on
               * a new one, still due when it was. */
              epoll_ctl (http->epoll, EPOLL_CTL_DEL, conn->fd, NULL);
              close (conn->fd);
              http->open--;
              conn->reused = FALSE;
              conn->sent = 0;
              vtr_bench_http_start (http, conn);
            }
          else
            {
              vtr_bench_http_fail (http, conn, "closed", n < 0 ? errno : 0);
              vtr_bench_http_next (http);
            }
          return;
        }
      body = buffer;
      body_len = n;
      if (conn->body_left == -1)
        {
          gsize take = MIN ((gsize) n, sizeof conn->head - 1 - conn->head_len);
          char *end;

          memcpy (conn->head + conn->head_len, buffer, take);
          conn->head_len += take;
          conn->head[conn->head_len] = '\0';
          if (!(end = strstr (conn->head, "\r\n\r\n")))
            {
              if (conn->head_len == sizeof conn->head - 1)
                {
                  vtr_bench_http_fail (http, conn, "headers", 0);
                  vtr_bench_http_next (http);
                  return;
                }
              continue;
            }
          if (!vtr_bench_http_parse_head (conn, end - conn->head))
            {
              vtr_bench_http_fail (http, conn, "answer", 0);
              vtr_bench_http_next (http);
              return;
            }
          /* What of this read is past the headers is body. */
          body_len = conn->head_len - (gsize) (end + 4 - conn->head) + ((gsize) n - take);
          body = buffer + (n - body_len);
        }
      conn->bytes += body_len;
      if (conn->body)
        g_string_append_len (conn->body, body, body_len);
      if (conn->body_left >= 0)
        {
          conn->body_left -= body_len;
          if (conn->body_left <= 0)
            {
              vtr_bench_http_answered (http, conn);
              return;
            }
        }
    }
}

/* Waits up to @timeout_ms for the hub, and handles what it said. */
static inline void
vtr_bench_http_run (VtrBenchHttp *http,
                    int           timeout_ms)
{
  struct epoll_event events[256];
  int n = epoll_wait (http->epoll, events, G_N_ELEMENTS (events), timeout_ms);

  for (int i = 0; i < n; i++)
    vtr_bench_http_event (http, events[i].data.ptr);
}

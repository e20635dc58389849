#include "config.h"

#include "vtr-hub-metrics.h"

#include <stdlib.h>
#include <string.h>

/*
 * What the hub counts for its operators, in Prometheus' text format
 * (GET /metrics, docs/operations.md): requests by route and status, their
 * latency as histograms, the events it accepted, already had or
 * rejected, its commits, the devices seen in the last hour and the head
 * of the change feed. Counting is a few additions under one lock; the
 * route is one of a fixed list, so no client can grow the tables.
 */

/* Upper bounds of the latency buckets, in seconds. */
static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define N_BUCKETS G_N_ELEMENTS (buckets)

static const char * const routes[] = {
  "status", "keys", "pair", "changes", "events", "cards", "orders", "stock", "metrics", "web", "other",
};
#define N_ROUTES G_N_ELEMENTS (routes)

typedef struct
{
  guint64 counts[N_BUCKETS + 1]; /* the last: above every bound */
  double  sum;
  guint64 n;
} Histogram;

struct _VtrHubMetrics
{
  GMutex     lock;
  GHashTable *requests;  /* "ROUTE STATUS" → guint64 * */
  Histogram   latency[N_ROUTES];
  guint64     events[3]; /* accepted, duplicate, rejected */
  guint64     commits;
  guint64     batches;
};

VtrHubMetrics *
vtr_hub_metrics_new (void)
{
  VtrHubMetrics *metrics = g_new0 (VtrHubMetrics, 1);

  g_mutex_init (&metrics->lock);
  metrics->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return metrics;
}

void
vtr_hub_metrics_free (VtrHubMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_hash_table_unref (metrics->requests);
  g_mutex_clear (&metrics->lock);
  g_free (metrics);
}

/* The route a path belongs to: one of a fixed list, whatever the path. */
const char *
vtr_hub_metrics_route (const char *path)
{
  static const char api[] = "/api/v1/";

  if (path == NULL)
    return "other";
  if (g_str_equal (path, "/metrics"))
    return "metrics";
  if (!g_str_has_prefix (path, api))
    return "web";
  path += strlen (api);
  for (guint i = 0; i < N_ROUTES - 3; i++)
    {
      gsize len = strlen (routes[i]);

      if (strncmp (path, routes[i], len) == 0 && (path[len] == '\0' || path[len] == '/'))
        return routes[i];
    }
  return "other";
}

static guint
route_index (const char *route)
{
  for (guint i = 0; i < N_ROUTES; i++)
    if (g_str_equal (route, routes[i]))
      return i;
  return N_ROUTES - 1;
}

void
vtr_hub_metrics_request (VtrHubMetrics *metrics,
                         const char    *route,
                         guint          status,
                         gint64         usec)
{
  guint r = route_index (route);
  double seconds = usec / (double) G_USEC_PER_SEC;
  g_autofree char *key = g_strdup_printf ("%s %u", routes[r], status);
  guint64 *count;
  guint b = 0;

  while (b < N_BUCKETS && seconds > buckets[b])
    b++;
  g_mutex_lock (&metrics->lock);
  if (!(count = g_hash_table_lookup (metrics->requests, key)))
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (metrics->requests, g_steal_pointer (&key), count);
    }
  (*count)++;
  metrics->latency[r].counts[b]++;
  metrics->latency[r].sum += seconds;
  metrics->latency[r].n++;
  g_mutex_unlock (&metrics->lock);
}

void
vtr_hub_metrics_events (VtrHubMetrics *metrics,
                        const guint64  counts[3])
{
  g_mutex_lock (&metrics->lock);
  for (guint i = 0; i < 3; i++)
    metrics->events[i] += counts[i];
  g_mutex_unlock (&metrics->lock);
}

/* One commit of the writer, for @n_batches uploads. */
void
vtr_hub_metrics_commit (VtrHubMetrics *metrics,
                        guint          n_batches)
{
  g_mutex_lock (&metrics->lock);
  metrics->commits++;
  metrics->batches += n_batches;
  g_mutex_unlock (&metrics->lock);
}

static void
append_double (GString *text,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Not printf's %g, which writes "0,5" in a French locale. */
  g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%.9g", value));
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

char *
vtr_hub_metrics_render (VtrHubMetrics *metrics,
                        gint64         devices_last_hour,
                        gint64         feed_head)
{
  static const char * const verdicts[] = { "accepted", "duplicate", "rejected" };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree gpointer *keys = NULL;
  guint n_keys;

  g_mutex_lock (&metrics->lock);
  g_string_append (text, "# HELP vitrine_hub_requests_total Requests answered, by route and status.\n"
                         "# TYPE vitrine_hub_requests_total counter\n");
  keys = g_hash_table_get_keys_as_array (metrics->requests, &n_keys);
  qsort (keys, n_keys, sizeof *keys, compare_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *key = keys[i];
      const char *space = strchr (key, ' ');
      guint64 *count = g_hash_table_lookup (metrics->requests, key);

      g_string_append_printf (text, "vitrine_hub_requests_total{route=\"%.*s\",code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              (int) (space - key), key, space + 1, *count);
    }

  g_string_append (text, "# HELP vitrine_hub_request_duration_seconds Time from a request read to its answer.\n"
                         "# TYPE vitrine_hub_request_duration_seconds histogram\n");
  for (guint r = 0; r < N_ROUTES; r++)
    {
      Histogram *h = &metrics->latency[r];
      guint64 cumulative = 0;

      if (h->n == 0)
        continue;
      for (guint b = 0; b < N_BUCKETS; b++)
        {
          cumulative += h->counts[b];
          g_string_append_printf (text, "vitrine_hub_request_duration_seconds_bucket{route=\"%s\",le=\"", routes[r]);
          append_double (text, buckets[b]);
          g_string_append_printf (text, "\"} %" G_GUINT64_FORMAT "\n", cumulative);
        }
      g_string_append_printf (text, "vitrine_hub_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %"
                              G_GUINT64_FORMAT "\n", routes[r], h->n);
      g_string_append_printf (text, "vitrine_hub_request_duration_seconds_sum{route=\"%s\"} ", routes[r]);
      append_double (text, h->sum);
      g_string_append_printf (text, "\nvitrine_hub_request_duration_seconds_count{route=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", routes[r], h->n);
    }

  g_string_append (text, "# HELP vitrine_hub_events_total Uploaded events, by what the hub answered.\n"
                         "# TYPE vitrine_hub_events_total counter\n");
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (text, "vitrine_hub_events_total{status=\"%s\"} %" G_GUINT64_FORMAT "\n", verdicts[i],
                            metrics->events[i]);
  g_string_append_printf (text,
                          "# HELP vitrine_hub_write_commits_total Commits (fsyncs) of uploaded events.\n"
                          "# TYPE vitrine_hub_write_commits_total counter\n"
                          "vitrine_hub_write_commits_total %" G_GUINT64_FORMAT "\n"
                          "# HELP vitrine_hub_write_batches_total Uploads stored by those commits.\n"
                          "# TYPE vitrine_hub_write_batches_total counter\n"
                          "vitrine_hub_write_batches_total %" G_GUINT64_FORMAT "\n",
                          metrics->commits, metrics->batches);
  g_mutex_unlock (&metrics->lock);

  g_string_append_printf (text,
                          "# HELP vitrine_hub_devices_seen_last_hour Devices that spoke to the hub in the last hour.\n"
                          "# TYPE vitrine_hub_devices_seen_last_hour gauge\n"
                          "vitrine_hub_devices_seen_last_hour %" G_GINT64_FORMAT "\n"
                          "# HELP vitrine_hub_change_feed_head The newest change of the catalogue's feed.\n"
                          "# TYPE vitrine_hub_change_feed_head gauge\n"
                          "vitrine_hub_change_feed_head %" G_GINT64_FORMAT "\n",
                          devices_last_hour, feed_head);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#pragma once

#include <glib.h>
#include <math.h>
#include <stdio.h>

/* What every benchmark needs: a clock, quantiles of its samples, and the
 * machine-readable figure lines printed after the human ones. */

/* Figures are written in UTF-8 whatever the locale ("·", "≥"): g_print
 * would turn them into "?" in the C locale that CI and cron have. */
static void
vtr_bench_print_utf8 (const char *text)
{
  fputs (text, stdout);
  fflush (stdout);
}

__attribute__ ((constructor)) static void
vtr_bench_init (void)
{
  g_set_print_handler (vtr_bench_print_utf8);
}

static inline double
vtr_bench_now_ms (void)
{
  return g_get_monotonic_time () / 1e3;
}

static inline int
vtr_bench_compare_doubles (gconstpointer a,
                           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The sample below which @fraction of them lie (0.5 is the median); sorts
 * @samples in place. */
static inline double
vtr_bench_quantile (GArray *samples,
                    double  fraction)
{
  guint index = (guint) (samples->len * fraction + 1e-9);

  g_array_sort (samples, vtr_bench_compare_doubles);
  return g_array_index (samples, double, MIN (samples->len - 1, index));
}

/* One figure as a JSON line; a NAN goal is written as null. */
static inline void
vtr_bench_report (GString    *lines,
                  const char *bench,
                  const char *metric,
                  double      value,
                  double      goal)
{
  g_string_append_printf (lines, "{\"bench\":\"%s\",\"metric\":\"%s\",\"value\":%.4g,\"goal\":",
                          bench, metric, value);
  if (isnan (goal))
    g_string_append (lines, "null}\n");
  else
    g_string_append_printf (lines, "%g}\n", goal);
}

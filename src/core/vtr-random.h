#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small seeded generator (splitmix64): the same sequence on every
 * machine and GLib version, for the demo catalogue and the benchmarks,
 * which must be repeatable. Not for secrets: those come from libsodium. */
typedef struct
{
  guint64 state;
} VtrRandom;

static inline guint64
vtr_random_next (VtrRandom *r)
{
  guint64 z = (r->state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* In [0, n). */
static inline guint
vtr_random_below (VtrRandom *r,
                  guint      n)
{
  return (guint) (vtr_random_next (r) % n);
}

/* In [0, 1). */
static inline double
vtr_random_unit (VtrRandom *r)
{
  return (vtr_random_next (r) >> 11) * (1.0 / 9007199254740992.0);
}

G_END_DECLS

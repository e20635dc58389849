#pragma once

#include <glib.h>

/* A USB barcode scanner is a keyboard that types a whole code, then
 * Enter, faster than any person (a code of 13 digits in about 50 ms; the
 * fastest typists leave 60 ms or more between keys, and two keys rolled
 * over by a hurried finger one gap of less). */

/* Every key of a scan comes within this of the one before... */
#define VTR_SCANNER_KEY_GAP_MS 25
/* ... and a scan is at least this many keys, then Enter (the window reads
 * it as a scan wherever the kiosk is). */
#define VTR_SCANNER_MIN_KEYS 6
/* Keys in a row that close together: no person types them (a field that
 * takes keys itself gives back what they typed, and takes no more). */
#define VTR_SCANNER_FAST_KEYS 3
/* Once keys came that fast, a key this late still belongs to the scan: a
 * busy machine stamps one late now and then (no person types the keys
 * before it). */
#define VTR_SCANNER_LATE_KEY_MS 250

/* How many keys in a row came faster than anyone types. */
typedef struct
{
  guint32 last; /* the key before's time; 0 before any */
  guint   run;  /* keys in the run, the last one included; 1: a key typed */
} VtrKeyPace;

/* Notes a key pressed at @time (the event's, in ms); returns the keys in
 * its run: 1 if it came at a person's pace. */
static inline guint
vtr_key_pace_note (VtrKeyPace *pace,
                   guint32     time)
{
  gboolean fast = pace->last != 0 &&
                  (time - pace->last <= VTR_SCANNER_KEY_GAP_MS ||
                   (pace->run > VTR_SCANNER_FAST_KEYS && time - pace->last <= VTR_SCANNER_LATE_KEY_MS));

  pace->last = time;
  pace->run = fast ? pace->run + 1 : 1;
  return pace->run;
}

static inline void
vtr_key_pace_reset (VtrKeyPace *pace)
{
  pace->last = 0;
  pace->run = 0;
}

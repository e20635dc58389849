#pragma once

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

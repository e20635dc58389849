#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vtr-decoder.h"
#include "vtr-frame-reader.h"

/*
 * How many codes of the corpus the decoder reads, exactly, against raw ZBar
 * 0.23.92 (241 of 316 single-QR images) and zxing-cpp 1.4 (273).
 *
 *   bench-scan [--corpus DIR] [--verbose]
 *
 * DIR defaults to ../shared/corpus beside the source tree.
 */

static char *corpus_dir;
static gboolean verbose;

static const GOptionEntry entries[] = {
  { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus_dir, "The shared corpus folder", "DIR" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print every image's outcome", NULL },
  { NULL },
};

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct
{
  VtrDecoder *decoder;
  GPtrArray  *codes;
  double      ms;
} Scan;

static gboolean
on_frame (const VtrFrame *frame, gpointer user_data)
{
  Scan *scan = user_data;
  double t0 = now_ms ();
  g_autoptr(GPtrArray) codes = vtr_decoder_decode (scan->decoder, frame, VTR_DECODE_THOROUGH);

  scan->ms += now_ms () - t0;
  for (guint i = 0; i < codes->len; i++)
    g_ptr_array_add (scan->codes, vtr_code_copy (g_ptr_array_index (codes, i)));
  return FALSE; /* the first frame of an image is the image */
}

static gboolean
is_image (const char *name)
{
  return g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg") ||
         g_str_has_suffix (name, ".jpeg") || g_str_has_suffix (name, ".webp") ||
         g_str_has_suffix (name, ".gif");
}

static GString *json_lines;

static void
report (const char *metric, double value, double goal)
{
  g_string_append_printf (json_lines, "{\"bench\":\"scan-corpus\",\"metric\":\"%s\",\"value\":%.4g,\"goal\":",
                          metric, value);
  if (isnan (goal))
    g_string_append (json_lines, "null}\n");
  else
    g_string_append_printf (json_lines, "%g}\n", goal);
}

typedef struct
{
  guint images, correct, wrong, missed, others;
} Tally;

/* Single-code sets: each image has NAME.txt with the exact text. */
static void
run_set (VtrDecoder *decoder, const char *dir, const char *set, gboolean qr, Tally *total)
{
  g_autofree char *path = g_build_filename (dir, set, NULL);
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Tally tally = { 0 };
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_image (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *image = g_ptr_array_index (names, i);
      g_autofree char *stem = g_strndup (image, strrchr (image, '.') - image);
      g_autofree char *txt = g_strdup_printf ("%s/%s.txt", path, stem);
      g_autofree char *file = g_build_filename (path, image, NULL);
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;
      Scan scan = { decoder, g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_code_free), 0 };
      gboolean found = FALSE, wrong = FALSE;

      if (!g_file_get_contents (txt, &expected, NULL, NULL))
        {
          g_ptr_array_unref (scan.codes);
          continue;
        }

      if (!vtr_frame_reader_read (file, on_frame, &scan, &error))
        g_printerr ("%s: %s\n", file, error->message);

      for (guint c = 0; c < scan.codes->len; c++)
        {
          VtrCode *code = g_ptr_array_index (scan.codes, c);
          gboolean is_qr = code->symbology == VTR_SYMBOLOGY_QR;

          if (is_qr != qr)
            continue;
          if (g_str_equal (code->text, expected))
            found = TRUE;
          else
            wrong = TRUE;
        }

      /* Right if the expected code is among those found; a misread if it
       * is not but another text came out. Other codes beside the expected
       * one (a nested QR, a price add-on) are real and counted apart. */
      tally.images++;
      if (found)
        tally.correct++;
      else if (wrong)
        tally.wrong++;
      else
        tally.missed++;
      if (found && wrong)
        tally.others++;

      if (verbose)
        {
          g_autofree char *got = scan.codes->len ? g_strescape (((VtrCode *) g_ptr_array_index (scan.codes, 0))->text, NULL) : g_strdup ("");
          printf ("  %-8s %s/%s %.1f ms %s\n", found ? "ok" : wrong ? "WRONG" : "missed", set,
                  image, scan.ms, wrong ? got : "");
        }
      g_ptr_array_unref (scan.codes);
    }

  printf ("  %-22s %3u/%3u  (%u wrong, %u missed, %u with other codes too)\n", set, tally.correct,
          tally.images, tally.wrong, tally.missed, tally.others);
  total->images += tally.images;
  total->correct += tally.correct;
  total->wrong += tally.wrong;
  total->missed += tally.missed;
  total->others += tally.others;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— decoder accuracy on the corpus");
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrDecoder) decoder = NULL;
  static const char * const qr_sets[] = {
    "zxing-qrcode-1", "zxing-qrcode-2", "zxing-qrcode-3", "zxing-qrcode-4", "zxing-qrcode-5",
    "zxing-qrcode-6", "zxing-cpp-qrcode-1", "zxing-cpp-qrcode-2", "zxing-cpp-qrcode-3",
    "zxing-cpp-qrcode-4", "zxing-cpp-qrcode-5", "zxing-cpp-qrcode-6",
  };
  static const char * const ean_sets[] = {
    "zxing-cpp-ean13-1", "zxing-cpp-ean13-2", "zxing-cpp-ean13-3", "zxing-cpp-ean13-4",
    "zxing-ean13-2", "zxing-ean13-3", "zxing-ean13-4", "zxing-ean13-5",
  };
  g_autofree char *qr_dir = NULL;
  g_autofree char *ean_dir = NULL;
  Tally qr = { 0 }, ean = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (corpus_dir == NULL)
    corpus_dir = g_build_filename (SOURCE_ROOT, "..", "shared", "corpus", NULL);
  if (!vtr_scan_init (&error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  json_lines = g_string_new (NULL);
  decoder = vtr_decoder_new ();
  qr_dir = g_build_filename (corpus_dir, "qr", NULL);
  ean_dir = g_build_filename (corpus_dir, "ean13", NULL);

  printf ("QR, single-code sets (%s):\n", qr_dir);
  for (guint i = 0; i < G_N_ELEMENTS (qr_sets); i++)
    run_set (decoder, qr_dir, qr_sets[i], TRUE, &qr);
  printf ("  %-22s %3u/%3u = %.1f%%  (%u wrong, %u missed; raw ZBar 241 = 76.3%%, zxing-cpp 273 = 86.4%%)\n",
          "all", qr.correct, qr.images, 100.0 * qr.correct / MAX (1, qr.images), qr.wrong, qr.missed);

  printf ("EAN-13 (%s):\n", ean_dir);
  for (guint i = 0; i < G_N_ELEMENTS (ean_sets); i++)
    run_set (decoder, ean_dir, ean_sets[i], FALSE, &ean);
  printf ("  %-22s %3u/%3u = %.1f%%  (%u wrong, %u missed)\n", "all", ean.correct, ean.images,
          100.0 * ean.correct / MAX (1, ean.images), ean.wrong, ean.missed);

  report ("qr_decoded_percent", 100.0 * qr.correct / MAX (1, qr.images), 93);
  report ("qr_wrong_texts", qr.wrong, 0);
  report ("ean13_decoded_percent", 100.0 * ean.correct / MAX (1, ean.images), NAN);
  report ("ean13_wrong_texts", ean.wrong, 0);
  printf ("\n%s", json_lines->str);
  return 0;
}

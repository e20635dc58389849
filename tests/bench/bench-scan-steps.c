/*
 * How the still image's steps are chosen and ordered (vtr-decoder.c,
 * finder_steps and other_steps): every step is run on every picture
 * zxing-cpp misses, each alone and timed, and the lists are made again
 * from what each read and cost.
 *
 *   bench-scan-steps [--corpus DIR]
 *
 * The pictures: the public corpus (DIR, ../shared/corpus beside the source
 * tree by default), bench-scan's hard set, tests/data/codes, and
 * bench-scan's codes round cylinders, which only ask that each of their
 * codes stays read. A picture goes to the finder list when
 * vtr_qr_grid_has_finder() sees a finder pattern, to the other list if
 * not. Each list is greedy: next comes the step that reads the most
 * pictures not yet read for its time on the pictures not yet read, until
 * every picture any step reads is read.
 *
 * The decoder's own code is built in, to reach its steps.
 */
#include "../../src/scan/vtr-decoder.c"

#include <stdio.h>

#include "vtr-frame-reader.h"
#include "../vtr-hard-set.h"

static const Step all_steps[] = {
  { DERIVED_AS_IS, PASS_PLAIN },
  { DERIVED_AS_IS, PASS_CYLINDER },
  { DERIVED_AS_IS, PASS_MIRRORED },
  { DERIVED_AS_IS, PASS_INVERTED },
  { DERIVED_AS_IS, PASS_HALF },
  { DERIVED_AS_IS, PASS_BINARIZED },
  { DERIVED_AS_IS, PASS_NORMALIZED },
  { DERIVED_AS_IS, PASS_DOUBLE },
  { DERIVED_AS_IS, PASS_GRID },
  { DERIVED_AS_IS, PASS_SMOOTHED },
  { DERIVED_AS_IS, PASS_PADDED },
  { DERIVED_DOUBLED, PASS_NORMALIZED },
  { DERIVED_DOUBLED, PASS_GRID },
  { DERIVED_DOUBLED, PASS_BINARIZED },
  { DERIVED_SMOOTHED, PASS_BINARIZED },
  { DERIVED_SMOOTHED, PASS_NORMALIZED },
  { DERIVED_SMOOTHED, PASS_GRID },
  { DERIVED_HALVED, PASS_BINARIZED },
  { DERIVED_HALVED, PASS_GRID },
  { DERIVED_HALVED, PASS_NORMALIZED },
  { DERIVED_SMOOTHED2, PASS_BINARIZED },
  { DERIVED_SMOOTHED2, PASS_GRID },
  { DERIVED_SMOOTHED2, PASS_NORMALIZED },
  { DERIVED_INVERTED, PASS_BINARIZED },
  { DERIVED_INVERTED, PASS_GRID },
  { DERIVED_INVERTED, PASS_NORMALIZED },
};
#define N_STEPS G_N_ELEMENTS (all_steps)

static const char * const derived_names[] = { "AS_IS", "SMOOTHED", "HALVED", "DOUBLED", "SMOOTHED2", "INVERTED" };
static const char * const pass_names[] = { "PLAIN", "INVERTED", "MIRRORED", "PADDED", "BINARIZED", "HALF",
                                           "DOUBLE", "NORMALIZED", "SMOOTHED", "GRID", "CYLINDER" };
G_STATIC_ASSERT (G_N_ELEMENTS (derived_names) == N_DERIVED);
G_STATIC_ASSERT (G_N_ELEMENTS (pass_names) == N_PASSES);

/* Labels of the corpus known to disagree with the symbol (bench-scan.c):
 * either text counts as read. */
static const char * const disputed[] = {
  "zxing-qrcode-2/13.png", "zxing-cpp-qrcode-2/16.webp", "zxing-cpp-ean13-2/23.webp",
};

typedef struct
{
  char     *name;
  gboolean  constraint_only; /* kept read, not weighed */
  gboolean  finder;
  guint32   reads;           /* a bit a step */
  double    ms[N_STEPS];
} Picture;

static GPtrArray *pictures;
static guint zxing_read;

static gboolean
is_pass_only_for_qr (Pass pass)
{
  return pass == PASS_GRID || pass == PASS_CYLINDER || pass == PASS_MIRRORED;
}

static double
now_ms (void)
{
  return thread_time () / 1e3;
}

/* Runs every step on @pixels, unless zxing-cpp reads it, as the decoder
 * does first. */
static void
measure (VtrDecoder   *self,
         const char   *name,
         const guint8 *pixels,
         int           width,
         int           height,
         const char   *expected,
         gboolean      constraint_only)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free);
  Source full = { pixels, width, height, 1.0, 0, 1, 0, 0, THOROUGH_GRIDS };
  GByteArray *buffers[N_DERIVED] = { NULL };
  gboolean any_text = FALSE;
  Picture *picture;

  for (guint i = 0; i < G_N_ELEMENTS (disputed); i++)
    any_text |= g_str_has_suffix (name, disputed[i]);

  self->budget_end = 0;
  read_zxing (pixels, width, height, 0, VTR_ZXING_QR | VTR_ZXING_BARCODES | VTR_ZXING_HARDER, codes);
  if (codes->len == 0)
    read_zxing (pixels, width, height, 0, VTR_ZXING_BARCODES | VTR_ZXING_HARDER | VTR_ZXING_AS_IS, codes);
  if (codes->len > 0)
    {
      zxing_read++;
      return;
    }

  picture = g_new0 (Picture, 1);
  picture->name = g_strdup (name);
  picture->constraint_only = constraint_only;
  picture->finder = vtr_qr_grid_has_finder (pixels, width, height);
  for (guint k = 0; k < N_STEPS; k++)
    {
      Source source;
      double t0;

      g_ptr_array_set_size (codes, 0);
      reset_scanners (self);
      t0 = now_ms ();
      if (derive (all_steps[k].derived, &full, buffers, &source))
        run_pass (self, all_steps[k].pass, &source, codes);
      picture->ms[k] = now_ms () - t0;
      for (guint i = 0; i < codes->len; i++)
        if (any_text || g_str_equal (((VtrSymbol *) g_ptr_array_index (codes, i))->text, expected))
          picture->reads |= 1u << k;
    }
  for (guint d = 0; d < N_DERIVED; d++)
    if (buffers[d] != NULL)
      g_byte_array_unref (buffers[d]);
  g_ptr_array_add (pictures, picture);
}


/* Every picture of @dir with a NAME.txt beside it. */
static void
measure_folder (VtrDecoder *self,
                const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      const char *dot = strrchr (file, '.');
      g_autofree char *stem = NULL, *txt = NULL, *expected = NULL;
      g_autofree guint8 *pixels = NULL;
      int width, height;

      if (dot == NULL || g_str_equal (dot, ".txt") || g_str_equal (dot, ".md"))
        continue;
      stem = g_strndup (file, dot - file);
      txt = g_strdup_printf ("%s/%s.txt", dir, stem);
      if (!g_file_get_contents (txt, &expected, NULL, NULL))
        continue;
      pixels = vtr_frame_reader_read_first (path, &width, &height, NULL);
      if (pixels == NULL)
        continue;
      measure (self, path, pixels, width, height, expected, FALSE);
    }
}

/* bench-scan's hard set (the first frame of each sample, as its still
 * reading) and its codes round cylinders. */
static void
measure_made (VtrDecoder *self)
{
  for (VtrHardCondition c = 0; c < VTR_HARD_N_CONDITIONS; c++)
    for (guint i = 0; i < 20; i++)
      {
        VtrHardSample sample = vtr_hard_sample_make (c, i);
        g_autofree char *name = g_strdup_printf ("hard %s %u", vtr_hard_condition_names[c], i);

        measure (self, name, sample.frames[0], VTR_HARD_WIDTH, VTR_HARD_HEIGHT, sample.text, FALSE);
        vtr_hard_sample_clear (&sample);
      }

  /* As bench-scan's run_cylinders () makes them. */
  for (int arc = 60; arc <= 160; arc += 10)
    for (int i = 0; i < 12; i++)
      {
        VtrHardCylinder c = vtr_hard_cylinder_make (arc, i, 12);
        g_autofree char *qr_name = g_strdup_printf ("cylinder QR %d° %d", arc, i);
        g_autofree char *ean_name = g_strdup_printf ("cylinder EAN %d° %d", arc, i);

        measure (self, qr_name, c.qr, c.qr_width, c.qr_height, c.text, TRUE);
        measure (self, ean_name, c.ean, VTR_HARD_WIDTH, VTR_HARD_HEIGHT, c.digits, TRUE);
        vtr_hard_cylinder_clear (&c);
      }
}

/* Appends to @order, greedily, the steps that read the pictures of
 * @finder's list not yet read by @order, weighing those that are not
 * @constraint_only unless @all. */
static void
greedy (gboolean  finder,
        gboolean  all,
        GArray   *order,
        GArray   *added)
{
  guint32 chosen = 0;

  for (guint i = 0; i < order->len; i++)
    chosen |= 1u << g_array_index (order, guint, i);

  for (;;)
    {
      double best_score = 0;
      guint best = N_STEPS, best_added = 0;

      for (guint k = 0; k < N_STEPS; k++)
        {
          guint reads = 0;
          double cost = 0;

          if (chosen & (1u << k) || (!finder && is_pass_only_for_qr (all_steps[k].pass)))
            continue;
          for (guint p = 0; p < pictures->len; p++)
            {
              const Picture *picture = g_ptr_array_index (pictures, p);

              if (picture->finder != finder || (picture->constraint_only && !all) || picture->reads & chosen)
                continue;
              reads += (picture->reads >> k) & 1;
              cost += picture->ms[k];
            }
          if (reads > 0 && reads / MAX (cost, 1e-3) > best_score)
            best_score = reads / MAX (cost, 1e-3), best = k, best_added = reads;
        }
      if (best == N_STEPS)
        return;
      chosen |= 1u << best;
      g_array_append_val (order, best);
      g_array_append_val (added, best_added);
    }
}

/* bench-scan's sets. */
static const char * const corpus_sets[] = {
  "qr/zxing-qrcode-1", "qr/zxing-qrcode-2", "qr/zxing-qrcode-3", "qr/zxing-qrcode-4", "qr/zxing-qrcode-5",
  "qr/zxing-qrcode-6", "qr/zxing-cpp-qrcode-1", "qr/zxing-cpp-qrcode-2", "qr/zxing-cpp-qrcode-3",
  "qr/zxing-cpp-qrcode-4", "qr/zxing-cpp-qrcode-5", "qr/zxing-cpp-qrcode-6",
  "ean13/zxing-cpp-ean13-1", "ean13/zxing-cpp-ean13-2", "ean13/zxing-cpp-ean13-3", "ean13/zxing-cpp-ean13-4",
  "ean13/zxing-ean13-2", "ean13/zxing-ean13-3", "ean13/zxing-ean13-4", "ean13/zxing-ean13-5",
};

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— order the decoder's still-image steps");
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrDecoder) decoder = NULL;
  g_autofree char *corpus_dir = NULL;
  g_autofree char *codes_dir = g_build_filename (SOURCE_ROOT, "tests", "data", "codes", NULL);
  GOptionEntry entries[] = {
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus_dir, "The shared corpus folder", "DIR" },
    { NULL },
  };

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

  decoder = vtr_decoder_new ();
  pictures = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (corpus_sets); i++)
    {
      g_autofree char *dir = g_build_filename (corpus_dir, corpus_sets[i], NULL);

      measure_folder (decoder, dir);
    }
  measure_folder (decoder, codes_dir);
  measure_made (decoder);
  printf ("%u pictures zxing-cpp misses (it reads %u)\n\n", pictures->len, zxing_read);

  printf ("%-22s %6s %6s %9s\n", "step", "reads", "alone", "ms");
  for (guint k = 0; k < N_STEPS; k++)
    {
      guint reads = 0, alone = 0;
      double ms = 0;

      for (guint p = 0; p < pictures->len; p++)
        {
          const Picture *picture = g_ptr_array_index (pictures, p);

          reads += (picture->reads >> k) & 1;
          alone += picture->reads == 1u << k;
          ms += picture->ms[k];
        }
      printf ("%-9s %-12s %6u %6u %9.1f\n", derived_names[all_steps[k].derived], pass_names[all_steps[k].pass],
              reads, alone, ms);
    }

  for (int finder = 1; finder >= 0; finder--)
    {
      g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (guint));

      greedy (finder, FALSE, order, added);
      greedy (finder, TRUE, order, added);
      printf ("\nstatic const Step %s[] = {\n", finder ? "finder_steps" : "other_steps");
      for (guint i = 0; i < order->len; i++)
        {
          const Step *step = &all_steps[g_array_index (order, guint, i)];

          printf ("  { DERIVED_%s, PASS_%s }, /* %u */\n", derived_names[step->derived], pass_names[step->pass],
                  g_array_index (added, guint, i));
        }
      printf ("};\n");
    }
  return 0;
}

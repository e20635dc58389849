#include "config.h"

#include "vtr-text.h"

/* French text as shoppers type it: no accents, no capitals, half words. */

static void
test_fold (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "ÉPICERIE", "epicerie" },
    { "Épicerie fine", "epicerie fine" },
    { "Œufs frais", "oeufs frais" },
    { "Crème brûlée", "creme brulee" },
    { "Garçon", "garcon" },
    { "L’Arbre Vert", "l'arbre vert" },
    { "ﬁne", "fine" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = vtr_text_fold (cases[i].in);
      g_assert_cmpstr (folded, ==, cases[i].out);
    }

  {
    g_autofree char *folded = vtr_text_fold ("caf\xC3");
    g_assert_cmpstr (folded, ==, "");
  }
}

static void
test_fts_query (void)
{
  g_autofree char *q1 = vtr_text_fts_query ("Boulang  tradi");
  g_autofree char *q2 = vtr_text_fts_query ("\"; DROP TABLE product; --");
  g_autofree char *q3 = vtr_text_fts_query (" -*- ");
  g_autofree char *q4 = vtr_text_fts_query ("Savon de Marseille");
  g_autofree char *q5 = vtr_text_fts_query ("NEAR(a b) OR c*");

  g_assert_cmpstr (q1, ==, "\"boulang\"* \"tradi\"*");
  /* Punctuation never reaches FTS5 as syntax. */
  g_assert_cmpstr (q2, ==, "\"drop\"* \"table\"* \"product\"*");
  g_assert_null (q3);
  g_assert_cmpstr (q4, ==, "\"savon\"* \"de\"* \"marseille\"*");
  g_assert_cmpstr (q5, ==, "\"near\"* \"a\"* \"b\"* \"or\"* \"c\"*");

  g_assert_true (vtr_text_has_prefix_word ("epicerie fine", "fin"));
  g_assert_true (vtr_text_has_prefix_word ("tabac-presse", "presse"));
  g_assert_false (vtr_text_has_prefix_word ("epicerie", "cerie"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/fts-query", test_fts_query);

  return g_test_run ();
}

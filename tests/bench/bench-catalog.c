#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtr-bench.h"
#include "vtr-catalog.h"
#include "vtr-opening-hours.h"
#include "vtr-random.h"
#include "vtr-service.h"

/*
 * The catalogue at the scale of the département (2,100 shops, 100,000
 * products, 1,000,000 stock lines, 5,000 promotions) and ten times more
 * shops and stock: how fast it loads and how fast the kiosk's questions are
 * answered. Popularity is skewed as in real life: a few products are sold
 * almost everywhere, most by a handful of shops.
 *
 *   bench-catalog [--scale F] [--only departement|x10] [--queries N]
 *
 * Prints a table, then one JSON object a line:
 *   {"bench":..., "metric":..., "value":..., "goal":...}
 */

static double scale = 1.0;
static int n_queries = 2000;
static char *only = NULL;
static char *keep_dir = NULL;

static const GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Scale every size by F (smoke runs)", "F" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run one size: departement or x10", "SIZE" },
  { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Queries per measure (default 2000)", "N" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Build in DIR and keep it (for profiling)", "DIR" },
  { NULL },
};


/* Towns of the Bouches-du-Rhône and their share of the shops. */
static const struct { double lat, lon, radius_deg; int weight; } towns[] = {
  { 43.2965, 5.3698, 0.060, 45 }, /* Marseille */
  { 43.5297, 5.4474, 0.030, 12 }, /* Aix-en-Provence */
  { 43.6768, 4.6303, 0.020, 5 },  /* Arles */
  { 43.4053, 5.0476, 0.015, 4 },  /* Martigues */
  { 43.2926, 5.5708, 0.012, 4 },  /* Aubagne */
  { 43.6400, 5.0970, 0.015, 4 },  /* Salon-de-Provence */
  { 43.4166, 5.2155, 0.015, 4 },  /* Marignane / Vitrolles */
  { 43.5140, 4.9890, 0.012, 3 },  /* Istres */
  { 43.1747, 5.6046, 0.010, 3 },  /* La Ciotat */
  { 43.7887, 4.8317, 0.015, 2 },  /* Tarascon / Saint-Rémy */
  { 43.4500, 5.5800, 0.100, 14 }, /* villages */
};

static const char * const nouns[] = {
  "savon", "huile", "pain", "biscuit", "confiture", "miel", "fromage", "yaourt", "jambon",
  "saucisson", "olive", "tapenade", "vin", "biere", "jus", "eau", "cafe", "the", "chocolat",
  "bonbon", "gateau", "tarte", "farine", "sucre", "sel", "poivre", "riz", "pates", "lentilles",
  "pois", "tomate", "courgette", "aubergine", "poivron", "pomme", "poire", "peche", "abricot",
  "melon", "citron", "orange", "shampooing", "dentifrice", "creme", "lessive", "eponge",
  "ampoule", "pile", "cable", "chargeur", "carnet", "stylo", "cahier", "livre", "journal",
  "magazine", "bouquet", "plante", "graines", "terreau", "chemise", "pantalon", "chaussette",
  "espadrille", "sandale", "ceinture", "bracelet", "collier", "montre", "lunettes", "jouet",
  "puzzle", "ballon", "petanque", "navette", "calisson", "fougasse", "panisse", "pastis",
};

static const char * const qualifiers[] = {
  "bio", "artisanal", "provencal", "extra", "fin", "doux", "fort", "leger", "complet", "blanc",
  "noir", "rouge", "vert", "rose", "nature", "parfume", "lavande", "romarin", "thym", "vanille",
  "fraise", "framboise", "amande", "noisette", "coco", "menthe", "citronne", "sale", "sucre",
  "fume", "grille", "maison", "tradition", "familial", "mini", "geant", "recharge", "eco",
};

static const char * const brand_parts[] = {
  "Marius", "Provence", "Calanques", "Lacydon", "Massilia", "Garlaban", "Sainte-Victoire",
  "Camargue", "Alpilles", "Luberon", "Estaque", "Panier", "Belle de Mai", "Canebiere",
  "Cassis", "Ventoux", "Durance", "Crau", "Etang", "Soleil",
};

static const char * const hours[] = {
  "Mo-Sa 09:00-19:00; PH off", "Tu-Sa 08:00-12:30,15:00-19:30; Su 08:00-12:30",
  "Mo-Su 07:00-22:00", "Mo-Fr 08:30-19:30; Sa 08:30-19:00; PH off", "24/7",
  "Tu-Sa 10:00-19:00", "Mo-Sa 06:30-20:00; Su 07:00-13:00",
};

typedef struct
{
  const char *name;
  guint       merchants;
  guint       products;
  guint       stock;
  guint       promotions;
  double      goal_nearest_p95_ms;
} Size;

static void
random_position (VtrRandom *r, VtrPosition *position)
{
  int total = 0, pick;

  for (guint i = 0; i < G_N_ELEMENTS (towns); i++)
    total += towns[i].weight;
  pick = vtr_random_below (r, total);
  for (guint i = 0; i < G_N_ELEMENTS (towns); i++)
    {
      pick -= towns[i].weight;
      if (pick < 0)
        {
          double angle = vtr_random_unit (r) * 2 * G_PI;
          double distance = sqrt (vtr_random_unit (r)) * towns[i].radius_deg;

          position->lat = towns[i].lat + distance * sin (angle);
          position->lon = towns[i].lon + distance * cos (angle) * 1.37;
          return;
        }
    }
}

static char *
product_name (VtrRandom *r, guint id)
{
  return g_strdup_printf ("%s %s %s %u", nouns[vtr_random_below (r, G_N_ELEMENTS (nouns))],
                          qualifiers[vtr_random_below (r, G_N_ELEMENTS (qualifiers))],
                          qualifiers[vtr_random_below (r, G_N_ELEMENTS (qualifiers))],
                          50 * (1 + id % 20));
}

static char *
make_gtin (guint id)
{
  char digits[14];
  int sum = 0;

  g_snprintf (digits, sizeof digits, "379%09u", id);
  for (int i = 0; i < 12; i++)
    sum += (digits[11 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  digits[12] = '0' + (10 - sum % 10) % 10;
  digits[13] = '\0';
  return g_strdup (digits);
}

typedef struct
{
  double p50, p95, p99;
} Percentiles;

static Percentiles
percentiles (GArray *samples)
{
  return (Percentiles) {
    vtr_bench_quantile (samples, 0.50),
    vtr_bench_quantile (samples, 0.95),
    vtr_bench_quantile (samples, 0.99),
  };
}

static GString *json_lines;

static void
report (const char *bench, const char *metric, double value, double goal)
{
  vtr_bench_report (json_lines, bench, metric, value, goal);
}

/* Writes the catalogue through the same API the hub's data arrives by. */
static double
load (VtrCatalog *catalog, const Size *size, VtrRandom *r, GDateTime *now)
{
  g_autoptr(GError) error = NULL;
  guint n_services;
  const VtrService *services = vtr_service_all (&n_services);
  gint64 t = g_date_time_to_unix (now);
  guint64 rows = 0;
  double start = vtr_bench_now_ms (), elapsed;
  double harmonic = 0;
  g_autofree guint *picked = g_new (guint, size->merchants);
  g_autofree guint8 *taken = g_new0 (guint8, size->merchants + 1);

  g_assert_true (vtr_catalog_begin (catalog, &error));

  for (guint id = 1; id <= size->merchants; id++)
    {
      g_autofree char *name = g_strdup_printf ("%s %s %u", vtr_service_label (&services[id % n_services]),
                                               brand_parts[vtr_random_below (r, G_N_ELEMENTS (brand_parts))], id);
      char *service_list[3] = { (char *) services[id % n_services].id, NULL, NULL };
      VtrMerchant merchant = { .id = id, .name = name, .services = service_list,
                               .address = "1 rue de la République", .postcode = "13001",
                               .city = "Marseille", .phone = "04 91 00 00 00",
                               .opening_hours = (char *) hours[vtr_random_below (r, G_N_ELEMENTS (hours))] };

      if (vtr_random_below (r, 4) == 0)
        service_list[1] = (char *) services[vtr_random_below (r, n_services)].id;
      if (service_list[1] && g_str_equal (service_list[1], service_list[0]))
        service_list[1] = NULL;
      random_position (r, &merchant.position);
      g_assert_true (vtr_catalog_put_merchant (catalog, &merchant, &error));
      rows++;
    }

  for (guint id = 1; id <= size->products; id++)
    {
      g_autofree char *name = product_name (r, id);
      g_autofree char *gtin = make_gtin (id);
      g_autofree char *brand = g_strdup_printf ("%s %s", brand_parts[vtr_random_below (r, G_N_ELEMENTS (brand_parts))],
                                                brand_parts[vtr_random_below (r, G_N_ELEMENTS (brand_parts))]);
      VtrProduct product = { id, gtin, name, brand, (char *) nouns[id % G_N_ELEMENTS (nouns)] };

      g_assert_true (vtr_catalog_put_product (catalog, &product, &error));
      rows++;
    }

  /* Product p is stocked by about C / sqrt(p) shops, C set for the total. */
  for (guint p = 1; p <= size->products; p++)
    harmonic += 1.0 / sqrt (p);
  for (guint p = 1; p <= size->products; p++)
    {
      guint count = CLAMP ((guint) (size->stock / harmonic / sqrt (p)), 1, size->merchants);
      guint n = 0;

      /* Floyd's sampling of distinct shops, then in key order. */
      for (guint j = size->merchants - count + 1; j <= size->merchants; j++)
        {
          guint m = 1 + vtr_random_below (r, j);

          if (taken[m])
            m = j;
          taken[m] = 1;
          picked[n++] = m;
        }
      for (guint i = 0; i < n; i++)
        taken[picked[i]] = 0;

      for (guint i = 0; i < n; i++)
        {
          VtrStock stock = { p, picked[i], 100 + vtr_random_below (r, 5000),
                             vtr_random_below (r, 10) == 0 ? VTR_AVAILABILITY_LOW : VTR_AVAILABILITY_IN_STOCK,
                             t - vtr_random_below (r, 86400 * 7) };

          g_assert_true (vtr_catalog_put_stock (catalog, &stock, &error));
          rows++;
        }
    }

  for (guint id = 1; id <= size->promotions; id++)
    {
      VtrPromotion promotion = { .id = id, .merchant_id = 1 + vtr_random_below (r, size->merchants),
                                 .product_id = 1 + vtr_random_below (r, size->products),
                                 .kind = VTR_PROMOTION_PERCENT, .value = 10 + vtr_random_below (r, 30),
                                 .starts = t - 86400 * vtr_random_below (r, 10),
                                 .ends = t + 86400 * (1 + vtr_random_below (r, 20)), .title = "Offre" };

      g_assert_true (vtr_catalog_put_promotion (catalog, &promotion, &error));
      rows++;
    }

  g_assert_true (vtr_catalog_commit (catalog, &error));
  g_assert_no_error (error);
  elapsed = vtr_bench_now_ms () - start;

  printf ("  loaded %" G_GUINT64_FORMAT " rows in %.1f s\n", rows, elapsed / 1000);
  return rows / (elapsed / 1000);
}

static void
run_size (const Size *size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = keep_dir ? g_build_filename (keep_dir, size->name, NULL)
                                  : g_dir_make_tmp ("vitrine-bench-XXXXXX", &error);
  g_autoptr(VtrStore) store = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GDateTime) now = g_date_time_new (vtr_opening_hours_timezone (), 2026, 11, 25, 11, 0, 0);
  g_autoptr(GArray) nearest = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) service = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) text = g_array_new (FALSE, FALSE, sizeof (double));
  VtrRandom r = { 0x42 };
  guint n_services;
  const VtrService *services = vtr_service_all (&n_services);
  Percentiles p;
  double rate;

  g_assert_no_error (error);
  printf ("%s: %u shops, %u products, %u stock lines, %u promotions\n", size->name,
          size->merchants, size->products, size->stock, size->promotions);

  store = vtr_store_open (dir, &error);
  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  rate = load (catalog, size, &r, now);
  printf ("  load rate                 %10.0f rows/s   (goal ≥ 200000)\n", rate);
  report (size->name, "load_rows_per_s", rate, 200000);

  /* Warm the page cache and statements, as a kiosk that has been running. */
  for (int i = 0; i < 200; i++)
    {
      VtrPosition where;
      g_autoptr(GPtrArray) result = NULL;

      random_position (&r, &where);
      result = vtr_catalog_nearest_stockists (catalog, 1 + vtr_random_below (&r, size->products),
                                              &where, now, 10, 0, &error);
    }

  for (int i = 0; i < n_queries; i++)
    {
      VtrPosition where;
      gint64 product = 1 + vtr_random_below (&r, size->products);
      double t0;
      GPtrArray *result;

      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_nearest_stockists (catalog, product, &where, now, 10, 0, &error);
      g_array_append_val (nearest, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      g_assert_cmpuint (result->len, >=, 1);
      g_ptr_array_unref (result);
    }
  p = percentiles (nearest);
  printf ("  nearest-10 stockists      p50 %.3f ms  p95 %.3f ms  p99 %.3f ms   (goal p95 ≤ %g ms)\n",
          p.p50, p.p95, p.p99, size->goal_nearest_p95_ms);
  report (size->name, "nearest10_stockists_p50_ms", p.p50, NAN);
  report (size->name, "nearest10_stockists_p95_ms", p.p95, size->goal_nearest_p95_ms);
  report (size->name, "nearest10_stockists_p99_ms", p.p99, NAN);

  for (int i = 0; i < n_queries / 2; i++)
    {
      VtrPosition where;
      double t0;
      GPtrArray *result;

      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_near_service (catalog, services[vtr_random_below (&r, n_services)].id,
                                         &where, now, 10, &error);
      g_array_append_val (service, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      g_ptr_array_unref (result);
    }
  p = percentiles (service);
  printf ("  service search (near)     p50 %.3f ms  p95 %.3f ms  p99 %.3f ms\n", p.p50, p.p95, p.p99);
  report (size->name, "service_search_p50_ms", p.p50, NAN);
  report (size->name, "service_search_p95_ms", p.p95, NAN);
  report (size->name, "service_search_p99_ms", p.p99, NAN);

  for (int i = 0; i < n_queries / 2; i++)
    {
      VtrPosition where;
      const char *noun = nouns[vtr_random_below (&r, G_N_ELEMENTS (nouns))];
      const char *qualifier = qualifiers[vtr_random_below (&r, G_N_ELEMENTS (qualifiers))];
      g_autofree char *query = NULL;
      double t0;
      VtrSearchResults *result;

      /* What shoppers type: a word or two, often cut short. */
      switch (i % 3)
        {
        case 0:
          query = g_strndup (noun, MAX (3, strlen (noun) - 2));
          break;
        case 1:
          query = g_strdup_printf ("%s %s", noun, qualifier);
          break;
        default:
          query = g_strdup (brand_parts[vtr_random_below (&r, G_N_ELEMENTS (brand_parts))]);
          break;
        }
      random_position (&r, &where);
      t0 = vtr_bench_now_ms ();
      result = vtr_catalog_search (catalog, query, &where, now, 20, &error);
      g_array_append_val (text, (double) { vtr_bench_now_ms () - t0 });
      g_assert_no_error (error);
      vtr_search_results_free (result);
    }
  p = percentiles (text);
  printf ("  text search               p50 %.3f ms  p95 %.3f ms  p99 %.3f ms   (goal p95 ≤ 5 ms)\n",
          p.p50, p.p95, p.p99);
  report (size->name, "text_search_p50_ms", p.p50, NAN);
  report (size->name, "text_search_p95_ms", p.p95, 5);
  report (size->name, "text_search_p99_ms", p.p99, NAN);

  g_clear_object (&catalog);
  g_clear_object (&store);
  if (keep_dir == NULL)
  {
    static const char * const files[] = { "catalog.db", "catalog.db-wal", "catalog.db-shm",
                                          "journal.db", "journal.db-wal", "journal.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (dir, files[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— catalogue benchmark");
  g_autoptr(GError) error = NULL;
  Size sizes[] = {
    { "departement", 2100, 100000, 1000000, 5000, 1.0 },
    { "x10", 21000, 100000, 10000000, 5000, 2.0 },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  json_lines = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Size size = sizes[i];

      if (only && !g_str_equal (only, size.name))
        continue;
      size.merchants = MAX (10, size.merchants * scale);
      size.products = MAX (10, size.products * scale);
      size.stock = MAX (10, size.stock * scale);
      size.promotions = MAX (10, size.promotions * scale);
      run_size (&size);
      fflush (stdout);
    }

  printf ("\n%s", json_lines->str);
  g_string_free (json_lines, TRUE);
  return 0;
}

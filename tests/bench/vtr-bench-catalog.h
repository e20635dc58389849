#pragma once

#include <math.h>
#include <stdio.h>

#include "vtr-bench.h"
#include "vtr-catalog.h"
#include "vtr-random.h"
#include "vtr-service.h"

/*
 * A synthetic catalogue of the département's shape, for the benchmarks:
 * shops spread over its towns, products with real-looking names and valid
 * GTINs, stock skewed as in real life (a few products sold almost
 * everywhere, most by a handful of shops), promotions.
 */

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

static inline void
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

static inline char *
product_name (VtrRandom *r, guint id)
{
  return g_strdup_printf ("%s %s %s %u", nouns[vtr_random_below (r, G_N_ELEMENTS (nouns))],
                          qualifiers[vtr_random_below (r, G_N_ELEMENTS (qualifiers))],
                          qualifiers[vtr_random_below (r, G_N_ELEMENTS (qualifiers))],
                          50 * (1 + id % 20));
}

static inline char *
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

/* Writes the catalogue through the same API the hub's data arrives by. */
static inline double
vtr_bench_catalog_load (VtrCatalog *catalog, const Size *size, VtrRandom *r, GDateTime *now)
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


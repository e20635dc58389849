#include "config.h"

#include "vtr-demo.h"

#include <math.h>
#include <string.h>

#include "vtr-core-resources.h"
#include "vtr-csv.h"
#include "vtr-gtin.h"
#include "vtr-opening-hours.h"
#include "vtr-random.h"

/*
 * The demo catalogue: the town centre of Marseille around the Vieux-Port,
 * about 500 shops. 71 are real food shops and restaurants from the
 * Alim'confiance open data (data/demo/README.md); the others, their products,
 * prices and hours are invented but of realistic kinds. A fixed seed makes
 * every load identical; only promotion dates follow the day it is loaded,
 * so there are always current ones.
 */

#define N_INVENTED_MERCHANTS 430
#define RESOURCE_SHOPS "/fr/vitrine/Vitrine/demo/alimconfiance-marseille.csv"


typedef struct
{
  const char *name;
  double      lat;
  double      lon;
  const char *postcode;
} Street;

/* Streets of the centre with a point near their middle. */
static const Street streets[] = {
  { "quai du Port", 43.2963, 5.3700, "13002" },
  { "quai de Rive-Neuve", 43.2925, 5.3690, "13007" },
  { "quai des Belges", 43.2950, 5.3745, "13001" },
  { "La Canebière", 43.2975, 5.3790, "13001" },
  { "rue de la République", 43.3010, 5.3690, "13002" },
  { "rue Paradis", 43.2890, 5.3785, "13006" },
  { "rue de Rome", 43.2915, 5.3805, "13006" },
  { "rue Saint-Ferréol", 43.2925, 5.3780, "13001" },
  { "rue de Grignan", 43.2918, 5.3760, "13006" },
  { "rue Sainte", 43.2915, 5.3705, "13007" },
  { "rue d’Aubagne", 43.2945, 5.3830, "13001" },
  { "cours Julien", 43.2930, 5.3840, "13006" },
  { "rue des Trois-Mages", 43.2940, 5.3860, "13006" },
  { "boulevard Longchamp", 43.3020, 5.3880, "13001" },
  { "cours Belsunce", 43.2990, 5.3770, "13001" },
  { "rue du Panier", 43.2990, 5.3680, "13002" },
  { "rue Caisserie", 43.2980, 5.3690, "13002" },
  { "place de Lenche", 43.2985, 5.3655, "13002" },
  { "rue Francis-Davso", 43.2940, 5.3765, "13001" },
  { "rue Breteuil", 43.2880, 5.3750, "13006" },
  { "cours d’Estienne-d’Orves", 43.2930, 5.3735, "13001" },
  { "rue Sainte-Françoise", 43.3000, 5.3665, "13002" },
  { "rue Fort-Notre-Dame", 43.2920, 5.3715, "13007" },
  { "boulevard de la Libération", 43.3025, 5.3920, "13001" },
  { "rue Consolat", 43.3035, 5.3860, "13001" },
  { "place Castellane", 43.2860, 5.3835, "13006" },
  { "rue Longue-des-Capucins", 43.2960, 5.3800, "13001" },
  { "boulevard Baille", 43.2885, 5.3880, "13006" },
  { "rue d’Endoume", 43.2895, 5.3620, "13007" },
  { "rue Sainte-Barbe", 43.2995, 5.3765, "13001" },
};

static const char * const family_names[] = {
  "Rossi", "Martin", "Bernard", "Ferrari", "Giraud", "Orsini", "Benali", "Nguyen", "Cohen",
  "Mercier", "Fabre", "Roux", "Blanc", "Garcia", "Santoni", "Mahmoudi", "Pellegrino", "Arnaud",
  "Caruso", "Boyer", "Ohanian", "Sanchez", "Fontaine", "Bonnet", "Haddad", "Lombardi", "Michel",
  "Ricard", "Vidal", "Baptiste",
};

static const char * const place_names[] = {
  "du Vieux-Port", "de la Canebière", "du Panier", "des Accoules", "de Noailles",
  "du Cours", "de la Joliette", "de Belsunce", "de la Plaine", "des Capucins", "Saint-Victor",
  "de la Bonne Mère", "du Lacydon", "des Grands Carmes", "de l’Opéra",
};

typedef struct
{
  const char *service;
  int         weight;       /* how common it is in the centre */
  const char *shop_label;   /* start of a shop name */
  const char *hours[3];     /* a few usual opening hours */
} ShopKind;

static const ShopKind shop_kinds[] = {
  { "boulangerie", 40, "Boulangerie",
    { "Tu-Sa 07:00-13:30,15:30-19:30; Su 07:00-13:00; PH off",
      "Mo-Sa 06:30-20:00; Su 07:00-13:00; PH 07:00-12:00", "We-Mo 07:00-19:30; Tu off" } },
  { "patisserie", 10, "Pâtisserie",
    { "Tu-Sa 08:00-19:30; Su 08:00-13:00; PH off", "Tu-Su 09:00-19:00" } },
  { "boucherie", 14, "Boucherie",
    { "Tu-Sa 08:00-12:30,15:30-19:00; PH off", "Mo-Sa 08:00-19:30" } },
  { "poissonnerie", 6, "Poissonnerie",
    { "Tu-Sa 07:30-13:00; PH off", "Tu-Su 07:00-12:30" } },
  { "fromagerie", 6, "Fromagerie", { "Tu-Sa 09:00-13:00,15:30-19:30; PH off" } },
  { "epicerie", 40, "Épicerie",
    { "Mo-Su 08:00-23:00", "Mo-Sa 09:00-20:00; PH off", "Mo-Sa 08:30-13:00,15:00-20:00" } },
  { "primeur", 14, "Primeur", { "Mo-Sa 07:30-20:00", "Tu-Su 08:00-13:30" } },
  { "caviste", 8, "Cave", { "Tu-Sa 10:00-13:00,15:00-20:00; PH off" } },
  { "traiteur", 8, "Traiteur", { "Tu-Sa 09:00-14:00,16:00-20:00", "Mo-Sa 10:00-21:00" } },
  { "restaurant", 40, "Restaurant",
    { "Tu-Sa 12:00-14:30,19:30-22:30", "Mo-Su 12:00-15:00,19:00-23:30",
      "Mo-Fr 11:30-15:00" } },
  { "cafe", 30, "Bar",
    { "Mo-Su 07:00-01:00", "Mo-Sa 06:30-20:00; Su 08:00-14:00", "Fr,Sa 18:00-02:00" } },
  { "pharmacie", 20, "Pharmacie",
    { "Mo-Fr 08:30-19:30; Sa 08:30-19:00; PH off", "Mo-Sa 08:00-20:00", "24/7" } },
  { "opticien", 8, "Optique", { "Tu-Sa 09:30-19:00; PH off" } },
  { "coiffeur", 30, "Salon",
    { "Tu-Sa 09:00-19:00; PH off", "Tu-Fr 09:30-18:30; Sa 09:00-17:00" } },
  { "parfumerie", 6, "Parfumerie", { "Mo-Sa 10:00-19:00; PH off" } },
  { "savonnerie", 6, "Savonnerie", { "Mo-Sa 10:00-19:00; Su 10:00-13:00" } },
  { "fleuriste", 12, "Fleurs", { "Tu-Sa 09:00-19:30; Su 09:00-13:00" } },
  { "librairie", 10, "Librairie", { "Tu-Sa 10:00-19:00; PH off", "Mo-Sa 09:30-19:30" } },
  { "tabac-presse", 16, "Tabac-Presse", { "Mo-Sa 06:30-20:00; Su 07:00-13:00" } },
  { "quincaillerie", 6, "Quincaillerie", { "Mo-Sa 08:30-12:30,14:00-19:00; PH off" } },
  { "droguerie", 6, "Droguerie", { "Mo-Sa 09:00-12:30,14:00-19:00" } },
  { "vetements", 30, "Boutique", { "Mo-Sa 10:00-19:30; PH off", "Tu-Sa 10:30-19:00" } },
  { "chaussures", 10, "Chaussures", { "Mo-Sa 10:00-19:00; PH off" } },
  { "cordonnerie", 6, "Cordonnerie", { "Tu-Sa 08:30-12:30,14:00-19:00" } },
  { "bijouterie", 8, "Bijouterie", { "Tu-Sa 10:00-19:00; PH off" } },
  { "jouets", 4, "Jouets", { "Mo-Sa 10:00-19:00" } },
  { "pressing", 8, "Pressing", { "Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off" } },
  { "informatique", 6, "Réparation", { "Mo-Sa 10:00-19:00" } },
};

typedef struct
{
  const char *services; /* who sells it, space-separated */
  const char *category;
  const char *name;
  const char *brands;   /* variants, '|'-separated */
  int         price_cents;
} Item;

static const Item items[] = {
  { "boulangerie", "pain", "Baguette tradition", "", 130 },
  { "boulangerie", "pain", "Pain de campagne 500 g", "", 320 },
  { "boulangerie", "pain", "Pain complet 400 g", "", 290 },
  { "boulangerie", "pain", "Fougasse aux olives", "", 350 },
  { "boulangerie patisserie", "viennoiserie", "Croissant au beurre", "", 120 },
  { "boulangerie patisserie", "viennoiserie", "Pain au chocolat", "", 130 },
  { "boulangerie patisserie epicerie", "biscuiterie", "Navettes de Marseille 250 g",
    "Four des Navettes|Navettes du Panier", 790 },
  { "patisserie boulangerie", "patisserie", "Tarte aux pommes 6 parts", "", 1650 },
  { "patisserie", "patisserie", "Éclair au café", "", 380 },
  { "patisserie", "patisserie", "Calissons d’Aix 200 g", "Roy René|Confiserie du Roy", 1290 },
  { "boucherie", "viande", "Saucisses de Toulouse 500 g", "", 890 },
  { "boucherie", "viande", "Merguez 500 g", "", 850 },
  { "boucherie", "viande", "Poulet fermier label rouge", "Volailles de Provence", 1490 },
  { "boucherie traiteur", "viande", "Pieds paquets 800 g", "Maison Garbit|La Provençale", 1190 },
  { "poissonnerie", "poisson", "Soupe de poissons 1 l", "La Marseillaise|Le Pointu", 790 },
  { "poissonnerie", "poisson", "Dorade royale (kg)", "", 2490 },
  { "poissonnerie traiteur", "poisson", "Rouille 90 g", "La Marseillaise|Le Pointu", 390 },
  { "fromagerie", "fromage", "Brousse du Rove", "Chèvrerie du Rove", 450 },
  { "fromagerie epicerie", "fromage", "Banon AOP", "Fromagerie de Banon", 690 },
  { "fromagerie", "fromage", "Tomme de Provence 250 g", "", 590 },
  { "epicerie", "epicerie-salee", "Huile d’olive vierge extra 75 cl",
    "Moulin de la Vallée des Baux|Château Virant|Oliviers & Co", 1290 },
  { "epicerie", "epicerie-salee", "Tapenade noire 90 g", "Jean Martin|Les Délices du Luberon",
    420 },
  { "epicerie traiteur", "epicerie-salee", "Anchoïade 90 g", "Jean Martin|Les Délices du Luberon",
    450 },
  { "epicerie", "epicerie-salee", "Riz de Camargue 1 kg", "Canavere|Bio Camargue", 390 },
  { "epicerie", "epicerie-salee", "Pâtes semoule de blé dur 500 g", "Panzani|Lustucru", 149 },
  { "epicerie", "epicerie-salee", "Herbes de Provence 50 g", "Ducros|Arcadie", 290 },
  { "epicerie", "epicerie-sucree", "Miel de lavande 500 g", "Apiculteurs de Provence|Miel du Ventoux",
    990 },
  { "epicerie cafe", "epicerie-sucree", "Café moulu 250 g", "Cafés Henri|Café de l’Abbaye",
    450 },
  { "epicerie", "epicerie-sucree", "Chocolat noir 70 % 100 g", "Chocolaterie de Puyricard|Lindt",
    290 },
  { "epicerie primeur", "fruits-legumes", "Tomates de Provence (kg)", "", 390 },
  { "primeur", "fruits-legumes", "Pommes Golden (kg)", "", 290 },
  { "primeur", "fruits-legumes", "Melon de Cavaillon", "", 350 },
  { "primeur epicerie", "fruits-legumes", "Citrons de Menton (kg)", "", 590 },
  { "epicerie caviste", "boissons", "Eau minérale 6 × 1,5 l", "Evian|Vittel|Perrier", 390 },
  { "caviste epicerie", "boissons", "Pastis 70 cl", "Pastis 51|Ricard|Pastis Henri Bardouin",
    2190 },
  { "caviste", "vins", "Côtes de Provence rosé 75 cl", "Château Sainte-Roseline|Domaine Ott",
    1490 },
  { "caviste", "vins", "Cassis blanc 75 cl", "Clos Sainte-Magdeleine|Domaine du Bagnol", 2290 },
  { "caviste", "vins", "Bandol rouge 75 cl", "Domaine Tempier|Château Pradeaux", 3290 },
  { "caviste epicerie cafe", "bieres", "Bière blonde 33 cl", "La Cagole|Brasserie de la Plaine",
    290 },
  { "savonnerie droguerie epicerie parfumerie", "hygiene", "Savon de Marseille 300 g",
    "Marius Fabre|Savonnerie du Midi|Le Sérail", 450 },
  { "savonnerie droguerie", "hygiene", "Savon de Marseille liquide 1 l",
    "Marius Fabre|Savonnerie du Midi", 890 },
  { "savonnerie droguerie", "entretien", "Savon noir 1 l", "Marius Fabre|Le Sérail", 790 },
  { "parfumerie pharmacie", "hygiene", "Eau de Cologne 250 ml", "Roger & Gallet|Molinard", 1990 },
  { "pharmacie", "sante", "Paracétamol 500 mg (16 comprimés)", "Doliprane|Dafalgan", 211 },
  { "pharmacie", "sante", "Crème solaire SPF 50 200 ml", "Avène|La Roche-Posay|Bioderma", 1890 },
  { "pharmacie", "sante", "Sérum physiologique (40 doses)", "Gifrer|Physiodose", 390 },
  { "pharmacie parfumerie", "hygiene", "Brosse à dents souple", "Elgydium|Inava", 450 },
  { "pharmacie", "sante", "Masques chirurgicaux (50)", "", 690 },
  { "opticien", "optique", "Solution lentilles 360 ml", "Bausch + Lomb|Alcon", 1490 },
  { "opticien", "optique", "Lunettes de soleil", "Ray-Ban|Vuarnet", 8900 },
  { "coiffeur", "coiffure", "Shampooing doux 250 ml", "Klorane|René Furterer", 990 },
  { "coiffeur", "coiffure", "Coupe femme", "", 3500 },
  { "coiffeur", "coiffure", "Coupe homme", "", 2000 },
  { "fleuriste", "fleurs", "Bouquet de saison", "", 2500 },
  { "fleuriste", "fleurs", "Orchidée en pot", "", 2990 },
  { "fleuriste", "fleurs", "Brin de lavande séchée", "", 500 },
  { "librairie tabac-presse", "presse", "La Provence (quotidien)", "La Provence", 150 },
  { "librairie", "livres", "Guide de Marseille", "Le Petit Futé|Guide du Routard", 1290 },
  { "librairie", "livres", "Total Khéops (roman)", "Folio", 990 },
  { "librairie tabac-presse", "papeterie", "Carnet A5 ligné", "Clairefontaine|Oxford", 390 },
  { "tabac-presse", "papeterie", "Timbres lettre verte (carnet de 12)", "La Poste", 1656 },
  { "tabac-presse epicerie", "telephonie", "Recharge téléphone 10 €", "Orange|SFR|Bouygues",
    1000 },
  { "quincaillerie droguerie", "bricolage", "Ampoule LED E27 60 W", "Philips|Osram", 490 },
  { "quincaillerie droguerie tabac-presse", "bricolage", "Piles AA (4)", "Duracell|Energizer",
    590 },
  { "quincaillerie", "bricolage", "Ruban adhésif 50 m", "Scotch|Tesa", 450 },
  { "quincaillerie cordonnerie", "bricolage", "Double de clé", "", 600 },
  { "droguerie", "entretien", "Vinaigre blanc 1 l", "Saint-Marc|L’Arbre Vert", 150 },
  { "droguerie", "entretien", "Bicarbonate de soude 500 g", "L’Arbre Vert|La Droguerie Écologique",
    350 },
  { "vetements", "vetements", "Marinière", "Saint James|Armor-Lux", 6500 },
  { "vetements", "vetements", "T-shirt coton bio", "American Vintage|Le Slip Français", 2900 },
  { "vetements chaussures", "vetements", "Chaussettes (3 paires)", "Le Slip Français|Dim", 1500 },
  { "chaussures", "chaussures", "Espadrilles", "Art of Soule|Payote", 4500 },
  { "chaussures cordonnerie", "chaussures", "Cirage 50 ml", "Saphir|Kiwi", 690 },
  { "cordonnerie", "reparation", "Talons (pose)", "", 1800 },
  { "bijouterie", "bijoux", "Bracelet argent", "", 5900 },
  { "bijouterie", "bijoux", "Pile de montre (pose)", "", 800 },
  { "jouets librairie", "jouets", "Jeu de pétanque junior", "Obut|La Boule Bleue", 2490 },
  { "jouets", "jouets", "Puzzle Marseille 1000 pièces", "Ravensburger|Nathan", 1690 },
  { "pressing", "entretien-textile", "Nettoyage chemise", "", 450 },
  { "pressing", "entretien-textile", "Nettoyage costume", "", 1890 },
  { "informatique tabac-presse", "telephonie", "Câble USB-C 1 m", "Belkin|Anker", 1290 },
  { "informatique", "telephonie", "Remplacement écran smartphone", "", 8900 },
  { "restaurant traiteur", "plats", "Bouillabaisse (par personne)", "", 5500 },
  { "restaurant cafe traiteur", "plats", "Panisses (portion)", "", 450 },
  { "cafe", "boissons", "Café expresso", "", 150 },
};

typedef struct
{
  VtrRandom      random;
  VtrCatalog *catalog;
  GPtrArray  *merchants; /* VtrMerchant */
  GPtrArray  *products;  /* VtrProduct */
  GArray     *product_items; /* index into items[] for each product */
  GHashTable *stocked;   /* STOCKED (merchant, product): what each shop lists */
  gint64      now;
  VtrDemoCounts counts;
} Demo;

static char *
title_case (const char *upper)
{
  g_autofree char *lower = g_utf8_strdown (upper, -1);
  GString *s = g_string_new (NULL);
  gboolean start = TRUE;

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (s, start ? g_unichar_toupper (c) : c);
      start = !g_unichar_isalpha (c);
    }
  return g_string_free (s, FALSE);
}

/* A shop's name, the same whatever the case: two shops of one name
 * would be one shop to a person choosing between them. */
static gboolean
name_taken (GHashTable *names,
            const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  return g_hash_table_contains (names, folded);
}

/* A real shop's name: as the open data says it, or, when another shop
 * of the list has it already (a chain's stores, one shop inspected twice),
 * with what it does after it ("Leader Price – Libre service"). */
static char *
real_name (GHashTable *names,
           const char *upper,
           const char *activity)
{
  g_autofree char *name = title_case (upper);
  g_autofree char *what = g_strndup (activity, strcspn (activity, "|"));
  char *candidate;

  if (!name_taken (names, name))
    return g_steal_pointer (&name);
  candidate = g_strdup_printf ("%s – %s", name, what);
  for (guint n = 2; name_taken (names, candidate); n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s %u", name, n);
    }
  return candidate;
}

static const char *
pick_hours (Demo           *demo,
            const ShopKind *kind)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (kind->hours) && kind->hours[n])
    n++;
  return kind->hours[vtr_random_below (&demo->random, n)];
}

static const ShopKind *
shop_kind (const char *service)
{
  for (guint i = 0; i < G_N_ELEMENTS (shop_kinds); i++)
    if (g_str_equal (shop_kinds[i].service, service))
      return &shop_kinds[i];
  g_assert_not_reached ();
}

static char *
phone_number (Demo *demo)
{
  return g_strdup_printf ("04 91 %02u %02u %02u", vtr_random_below (&demo->random, 100),
                          vtr_random_below (&demo->random, 100), vtr_random_below (&demo->random, 100));
}

/* The real shops: food shops and restaurants of Alim'confiance. */
static gboolean
add_real_shops (Demo    *demo,
                GError **error)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (vtr_core_get_resource (), RESOURCE_SHOPS, 0,
                                                   error);
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  VtrCsvReader reader;
  static const struct { const char *activity; const char *services; } activities[] = {
    { "Restaurant", "restaurant" },
    { "Boucherie-Charcuterie", "boucherie" },
    { "Libre service", "epicerie" },
    { "Alimentation générale", "epicerie" },
    { "Poissonnerie", "poissonnerie" },
    { "Rayon poissonnerie", "poissonnerie" },
    { "Boulangerie-Pâtisserie", "boulangerie patisserie" },
    { "Rayon boucherie-charcuterie|Rayon fromagerie|Rayon poissonnerie",
      "boucherie fromagerie poissonnerie" },
    { "Rayon boucherie-charcuterie|Rayon fromagerie|Rayon poissonnerie|Rayon traiteur",
      "boucherie fromagerie poissonnerie traiteur" },
  };

  if (bytes == NULL)
    return FALSE;

  vtr_csv_reader_init (&reader, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  header = vtr_csv_reader_next (&reader);

  for (;;)
    {
      g_autoptr(GPtrArray) row = vtr_csv_reader_next (&reader);
      VtrMerchant *merchant;
      const char *services = NULL;

      if (row == NULL)
        break;
      if (row->len < 8)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
        if (g_str_equal (activities[i].activity, g_ptr_array_index (row, 2)))
          services = activities[i].services;
      if (services == NULL)
        continue;

      merchant = g_new0 (VtrMerchant, 1);
      merchant->id = demo->merchants->len + 1;
      merchant->name = real_name (names, g_ptr_array_index (row, 1), g_ptr_array_index (row, 2));
      g_hash_table_add (names, g_utf8_casefold (merchant->name, -1));
      merchant->services = g_strsplit (services, " ", -1);
      merchant->address = g_strdup (g_ptr_array_index (row, 3));
      merchant->postcode = g_strdup (g_ptr_array_index (row, 4));
      merchant->city = g_strdup ("Marseille");
      merchant->position.lat = g_ascii_strtod (g_ptr_array_index (row, 6), NULL);
      merchant->position.lon = g_ascii_strtod (g_ptr_array_index (row, 7), NULL);
      merchant->phone = phone_number (demo);
      merchant->opening_hours = g_strdup (pick_hours (demo, shop_kind (merchant->services[0])));
      merchant->association = g_strdup ("Fédération des commerçants des Bouches-du-Rhône");
      g_ptr_array_add (demo->merchants, merchant);
    }

  return TRUE;
}

/* "KIND WHO" not taken yet: WHO as drawn, else the next family or place
 * name in turn (no more draws, so the rest of the demo stays as it was). */
static char *
invented_name (Demo           *demo,
               GHashTable     *names,
               const ShopKind *kind,
               guint           who)
{
  guint n_names = G_N_ELEMENTS (family_names) + G_N_ELEMENTS (place_names);

  for (guint k = 0; k < n_names; k++)
    {
      guint i = (who + k) % n_names;
      const char *name = i < G_N_ELEMENTS (family_names) ? family_names[i]
                                                         : place_names[i - G_N_ELEMENTS (family_names)];
      g_autofree char *candidate = g_strdup_printf ("%s %s", kind->shop_label, name);

      if (!name_taken (names, candidate))
        return g_steal_pointer (&candidate);
    }
  /* Every name of the trade taken: numbered. */
  return g_strdup_printf ("%s %s %u", kind->shop_label, family_names[who % G_N_ELEMENTS (family_names)],
                          demo->merchants->len + 1);
}

#define STOCKED(merchant_id, product_id) GSIZE_TO_POINTER ((gsize) (merchant_id) * 4096 + (gsize) (product_id))

static void
add_invented_shops (Demo *demo)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int total_weight = 0;

  for (guint i = 0; i < demo->merchants->len; i++)
    g_hash_table_add (names, g_utf8_casefold (((VtrMerchant *) g_ptr_array_index (demo->merchants, i))->name, -1));

  for (guint i = 0; i < G_N_ELEMENTS (shop_kinds); i++)
    total_weight += shop_kinds[i].weight;

  for (guint n = 0; n < N_INVENTED_MERCHANTS; n++)
    {
      VtrMerchant *merchant = g_new0 (VtrMerchant, 1);
      const ShopKind *kind = NULL;
      const Street *street = &streets[vtr_random_below (&demo->random, G_N_ELEMENTS (streets))];
      int pick = vtr_random_below (&demo->random, total_weight);
      guint who;

      for (guint i = 0; i < G_N_ELEMENTS (shop_kinds); i++)
        {
          pick -= shop_kinds[i].weight;
          if (pick < 0)
            {
              kind = &shop_kinds[i];
              break;
            }
        }

      if (vtr_random_below (&demo->random, 2))
        who = vtr_random_below (&demo->random, G_N_ELEMENTS (family_names));
      else
        who = G_N_ELEMENTS (family_names) + vtr_random_below (&demo->random, G_N_ELEMENTS (place_names));

      merchant->id = demo->merchants->len + 1;
      merchant->name = invented_name (demo, names, kind, who);
      g_hash_table_add (names, g_utf8_casefold (merchant->name, -1));
      /* Some shops do two trades: a bakery that is also a pastry shop. */
      if (g_str_equal (kind->service, "boulangerie") && vtr_random_below (&demo->random, 2))
        merchant->services = g_strsplit ("boulangerie patisserie", " ", -1);
      else if (g_str_equal (kind->service, "librairie") && vtr_random_below (&demo->random, 3) == 0)
        merchant->services = g_strsplit ("librairie tabac-presse", " ", -1);
      else
        merchant->services = g_strsplit (kind->service, " ", -1);
      merchant->address = g_strdup_printf ("%u %s", 1 + vtr_random_below (&demo->random, 80),
                                           street->name);
      merchant->postcode = g_strdup (street->postcode);
      merchant->city = g_strdup ("Marseille");
      merchant->position.lat = street->lat + (vtr_random_unit (&demo->random) - 0.5) * 0.003;
      merchant->position.lon = street->lon + (vtr_random_unit (&demo->random) - 0.5) * 0.004;
      merchant->phone = phone_number (demo);
      merchant->opening_hours = g_strdup (pick_hours (demo, kind));
      merchant->association = g_strdup (vtr_random_below (&demo->random, 3) == 0
                                          ? "Association des commerçants du Panier"
                                          : "Les Vitrines du Centre-Ville");
      g_ptr_array_add (demo->merchants, merchant);
    }
}

/* An EAN-13 in the French range (300–379), from a demo company prefix. */
static char *
demo_gtin (guint n)
{
  char digits[14];

  g_snprintf (digits, sizeof digits, "376123%06u", n);
  digits[12] = '0' + vtr_gtin_check_digit (digits, 12);
  digits[13] = '\0';
  return g_strdup (digits);
}

static void
add_products (Demo *demo)
{
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_auto(GStrv) brands = g_strsplit (items[i].brands, "|", -1);
      guint n_brands = MAX (1, g_strv_length (brands));

      for (guint b = 0; b < n_brands; b++)
        {
          VtrProduct *product = g_new0 (VtrProduct, 1);

          product->id = demo->products->len + 1;
          product->gtin = demo_gtin (product->id);
          product->name = g_strdup (items[i].name);
          product->brand = g_strdup (brands[0] ? brands[b] : "");
          product->category = g_strdup (items[i].category);
          g_ptr_array_add (demo->products, product);
          g_array_append_val (demo->product_items, i);
        }
    }
}

static gboolean
sells (const VtrMerchant *merchant,
       const Item        *item)
{
  g_auto(GStrv) services = g_strsplit (item->services, " ", -1);

  for (guint i = 0; services[i]; i++)
    if (g_strv_contains ((const char * const *) merchant->services, services[i]))
      return TRUE;
  return FALSE;
}

static gboolean
add_stock (Demo    *demo,
           GError **error)
{
  for (guint p = 0; p < demo->products->len; p++)
    {
      const VtrProduct *product = g_ptr_array_index (demo->products, p);
      const Item *item = &items[g_array_index (demo->product_items, guint, p)];

      for (guint m = 0; m < demo->merchants->len; m++)
        {
          const VtrMerchant *merchant = g_ptr_array_index (demo->merchants, m);
          VtrStock stock;
          guint roll;

          /* Not every shop of a trade carries every brand. */
          if (!sells (merchant, item) || vtr_random_below (&demo->random, 10) >= 7)
            continue;

          roll = vtr_random_below (&demo->random, 20);
          stock.product_id = product->id;
          stock.merchant_id = merchant->id;
          /* Prices vary from shop to shop, rounded to 5 cents. */
          stock.price_cents = (gint64) (item->price_cents * (0.9 + 0.3 * vtr_random_unit (&demo->random)) / 5) * 5;
          stock.availability = roll == 0 ? VTR_AVAILABILITY_OUT_OF_STOCK
                               : roll < 3 ? VTR_AVAILABILITY_LOW
                                          : VTR_AVAILABILITY_IN_STOCK;
          stock.updated = demo->now - 3600 * (gint64) vtr_random_below (&demo->random, 72);
          if (!vtr_catalog_put_stock (demo->catalog, &stock, error))
            return FALSE;
          g_hash_table_add (demo->stocked, STOCKED (merchant->id, product->id));
          demo->counts.stock++;
        }
    }
  return TRUE;
}

static gint64
midnight_days_from (gint64 now,
                    int    days)
{
  GTimeZone *tz = vtr_opening_hours_timezone ();
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (t, tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) shifted = g_date_time_add_days (midnight, days);

  return g_date_time_to_unix (shifted);
}

static gboolean
add_promotions (Demo    *demo,
                GError **error)
{
  /* Content, as the shops' and products' names are: a shopkeeper of
   * Marseille writes them in French, whatever language a kiosk shows. */
  static const char * const titles[] = {
    "Offre vitrine", "Semaine du quartier", "Clients fidèles", "Offre de saison",
  };
  guint n = 0;

  /* About one shop in four runs a promotion; a few are over or yet to
   * come, so that only current ones show. */
  for (guint m = 0; m < demo->merchants->len; m++)
    {
      const VtrMerchant *merchant = g_ptr_array_index (demo->merchants, m);
      g_autoptr(GArray) sold = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) listed = g_array_new (FALSE, FALSE, sizeof (guint));
      VtrPromotion promotion = { 0 };
      guint when;
      guint p;

      if (vtr_random_below (&demo->random, 4) != 0)
        continue;

      /* A promotion of what the shop lists, never of a product of its
       * trade it does not carry. The draws are those of the products of
       * its trade, so that the rest of the demo stays as it was. */
      for (p = 0; p < demo->products->len; p++)
        if (sells (merchant, &items[g_array_index (demo->product_items, guint, p)]))
          {
            g_array_append_val (sold, p);
            if (g_hash_table_contains (demo->stocked,
                                       STOCKED (merchant->id,
                                                ((VtrProduct *) g_ptr_array_index (demo->products, p))->id)))
              g_array_append_val (listed, p);
          }
      if (sold->len == 0)
        continue;
      p = vtr_random_below (&demo->random, sold->len);
      if (listed->len > 0)
        p = g_array_index (listed, guint, p % listed->len);

      promotion.id = ++n;
      promotion.merchant_id = merchant->id;
      if (vtr_random_below (&demo->random, 4) == 0)
        promotion.category = ((VtrProduct *) g_ptr_array_index (demo->products, p))->category;
      else
        promotion.product_id = ((VtrProduct *) g_ptr_array_index (demo->products, p))->id;
      promotion.kind = vtr_random_below (&demo->random, 4);
      switch (promotion.kind)
        {
        case VTR_PROMOTION_PERCENT:
          promotion.value = 10 + 5 * vtr_random_below (&demo->random, 5);
          break;
        case VTR_PROMOTION_AMOUNT:
          promotion.value = 50 * (1 + vtr_random_below (&demo->random, 4));
          break;
        case VTR_PROMOTION_POINTS:
          promotion.value = 2 + vtr_random_below (&demo->random, 2);
          break;
        case VTR_PROMOTION_BUY_GET:
          promotion.buy = 2 + vtr_random_below (&demo->random, 2);
          promotion.get = 1;
          break;
        default:
          g_assert_not_reached ();
        }

      when = vtr_random_below (&demo->random, 10);
      if (when == 0)
        {
          promotion.starts = midnight_days_from (demo->now, -30);
          promotion.ends = midnight_days_from (demo->now, -2);
        }
      else if (when == 1)
        {
          promotion.starts = midnight_days_from (demo->now, 5);
          promotion.ends = midnight_days_from (demo->now, 20);
        }
      else
        {
          promotion.starts = midnight_days_from (demo->now, -(int) vtr_random_below (&demo->random, 10));
          promotion.ends = midnight_days_from (demo->now, 7 + vtr_random_below (&demo->random, 24));
        }
      promotion.title = (char *) titles[vtr_random_below (&demo->random, G_N_ELEMENTS (titles))];
      if (listed->len == 0)
        continue;

      if (!vtr_catalog_put_promotion (demo->catalog, &promotion, error))
        return FALSE;
      demo->counts.promotions++;
    }
  return TRUE;
}

static gboolean
put_point (Demo              *demo,
           VtrCollectionKind  kind,
           const char        *name,
           const VtrMerchant *host,
           const char        *address,
           double             lat,
           double             lon,
           const char        *hours,
           GError           **error)
{
  VtrCollectionPoint point = {
    .id = demo->counts.collection_points + 1,
    .kind = kind,
    .name = (char *) name,
    .merchant_id = host ? host->id : 0,
    .address = (char *) (host ? host->address : address),
    .position = host ? host->position : (VtrPosition) { lat, lon },
    .opening_hours = (char *) hours,
  };

  if (!vtr_catalog_put_collection_point (demo->catalog, &point, error))
    return FALSE;
  demo->counts.collection_points++;
  return TRUE;
}

static gboolean
add_collection_points (Demo    *demo,
                       GError **error)
{
  static const struct {
    VtrCollectionKind kind;
    const char *name;
    const char *address;
    double lat, lon;
    const char *hours;
  } standalone[] = {
    { VTR_COLLECTION_CLOTHES, "Conteneur Le Relais – Cours Julien", "cours Julien", 43.2933, 5.3833, "24/7" },
    { VTR_COLLECTION_CLOTHES, "Conteneur Le Relais – Place de Lenche", "place de Lenche", 43.2986, 5.3652, "24/7" },
    { VTR_COLLECTION_CLOTHES, "Vestiaire solidaire du Secours populaire", "rue Sainte-Barbe", 43.2997, 5.3768, "Tu,Th 14:00-17:00; Sa 09:00-12:00; PH off" },
    { VTR_COLLECTION_CLOTHES, "Conteneur Le Relais – Castellane", "place Castellane", 43.2862, 5.3838, "24/7" },
    { VTR_COLLECTION_CARDBOARD, "Point carton – Noailles", "rue Longue-des-Capucins", 43.2958, 5.3805, "Mo-Sa 06:00-20:00" },
    { VTR_COLLECTION_CARDBOARD, "Déchèterie mobile du Vieux-Port", "quai de Rive-Neuve", 43.2922, 5.3685, "Sa 08:00-13:00" },
    { VTR_COLLECTION_COOKING_OIL, "Collecte d’huiles usagées – Mairie des 1er et 7e", "quai de Rive-Neuve", 43.2927, 5.3712, "Mo-Fr 08:30-16:30; PH off" },
    { VTR_COLLECTION_COOKING_OIL, "Déchèterie mobile du Vieux-Port", "quai de Rive-Neuve", 43.2922, 5.3685, "Sa 08:00-13:00" },
    { VTR_COLLECTION_PARCEL_LOCKER, "Consigne Vitrine – Gare Saint-Charles", "square Narvik", 43.3027, 5.3806, "24/7" },
    { VTR_COLLECTION_PARCEL_LOCKER, "Consigne Vitrine – Vieux-Port", "quai des Belges", 43.2953, 5.3742, "Mo-Su 06:00-23:00" },
    { VTR_COLLECTION_PARCEL_LOCKER, "Consigne Vitrine – Castellane", "place Castellane", 43.2858, 5.3830, "24/7" },
    { VTR_COLLECTION_PARCEL_LOCKER, "Consigne Vitrine – Cours Julien", "cours Julien", 43.2928, 5.3845, "Mo-Su 07:00-22:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (standalone); i++)
    if (!put_point (demo, standalone[i].kind, standalone[i].name, NULL, standalone[i].address,
                    standalone[i].lat, standalone[i].lon, standalone[i].hours, error))
      return FALSE;

  /* Shops that take something back: clothes at clothes shops and dry
   * cleaners, cardboard at grocers, used oil at restaurants, parcels at
   * newsagents. The point opens when the shop does. */
  for (guint m = 0; m < demo->merchants->len; m++)
    {
      const VtrMerchant *merchant = g_ptr_array_index (demo->merchants, m);
      const char *service = merchant->services[0];
      VtrCollectionKind kind;
      g_autofree char *name = NULL;

      if (g_str_equal (service, "vetements") || g_str_equal (service, "pressing"))
        kind = VTR_COLLECTION_CLOTHES;
      else if (g_str_equal (service, "epicerie") || g_str_equal (service, "primeur"))
        kind = VTR_COLLECTION_CARDBOARD;
      else if (g_str_equal (service, "restaurant"))
        kind = VTR_COLLECTION_COOKING_OIL;
      else if (g_str_equal (service, "tabac-presse"))
        kind = VTR_COLLECTION_PARCEL_LOCKER;
      else
        continue;
      if (vtr_random_below (&demo->random, 4) != 0)
        continue;

      name = g_strdup_printf ("%s – %s", vtr_collection_kind_label (kind), merchant->name);
      if (!put_point (demo, kind, name, merchant, NULL, 0, 0, NULL, error))
        return FALSE;
    }

  return TRUE;
}

/* Every shop gives a point a euro (some two); rewards: a discount, and
 * for some a product of their own. */
static gboolean
add_loyalty (Demo    *demo,
             GError **error)
{
  gint64 reward_id = 0;

  for (guint m = 0; m < demo->merchants->len; m++)
    {
      const VtrMerchant *merchant = g_ptr_array_index (demo->merchants, m);
      VtrReward discount = { ++reward_id, merchant->id, 100, VTR_REWARD_DISCOUNT, 500, 0,
                             (char *) "5 € de remise" };

      if (!vtr_catalog_put_loyalty_rule (demo->catalog, merchant->id,
                                         vtr_random_below (&demo->random, 5) == 0 ? 50 : 100, FALSE,
                                         error) ||
          !vtr_catalog_put_reward (demo->catalog, &discount, error))
        return FALSE;

      for (guint p = 0; p < demo->products->len; p++)
        {
          const VtrProduct *product = g_ptr_array_index (demo->products, p);

          if (sells (merchant, &items[g_array_index (demo->product_items, guint, p)]))
            {
              g_autofree char *title = g_strdup_printf ("%s offert", product->name);
              VtrReward gift = { ++reward_id, merchant->id, 250, VTR_REWARD_FREE_PRODUCT, 0,
                                 product->id, title };

              if (!vtr_catalog_put_reward (demo->catalog, &gift, error))
                return FALSE;
              break;
            }
        }
    }
  return TRUE;
}

/**
 * vtr_demo_load:
 * @now: the day the promotions are around
 * @counts: (out) (optional): how many rows of each kind were loaded
 *
 * Replaces the catalogue with the demo one, in one transaction.
 */
gboolean
vtr_demo_load (VtrCatalog    *catalog,
               GDateTime     *now,
               VtrDemoCounts *counts,
               GError       **error)
{
  Demo demo = { .random = { 0x56495452494e45ULL }, .catalog = catalog };
  gboolean ok = FALSE;

  g_return_val_if_fail (VTR_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  demo.now = g_date_time_to_unix (now);
  demo.merchants = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_merchant_free);
  demo.products = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_product_free);
  demo.product_items = g_array_new (FALSE, FALSE, sizeof (guint));
  demo.stocked = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (!add_real_shops (&demo, error))
    goto out;
  add_invented_shops (&demo);
  add_products (&demo);

  if (!vtr_catalog_begin (catalog, error))
    goto out;
  if (!vtr_catalog_clear (catalog, error))
    goto rollback;
  for (guint i = 0; i < demo.merchants->len; i++)
    if (!vtr_catalog_put_merchant (catalog, g_ptr_array_index (demo.merchants, i), error))
      goto rollback;
  for (guint i = 0; i < demo.products->len; i++)
    if (!vtr_catalog_put_product (catalog, g_ptr_array_index (demo.products, i), error))
      goto rollback;
  demo.counts.merchants = demo.merchants->len;
  demo.counts.products = demo.products->len;
  if (!add_stock (&demo, error) || !add_promotions (&demo, error) ||
      !add_collection_points (&demo, error) || !add_loyalty (&demo, error))
    goto rollback;
  if (!vtr_catalog_commit (catalog, error))
    goto out;

  if (counts)
    *counts = demo.counts;
  ok = TRUE;
  goto out;

rollback:
  vtr_catalog_rollback (catalog);
out:
  g_ptr_array_unref (demo.merchants);
  g_ptr_array_unref (demo.products);
  g_array_unref (demo.product_items);
  g_hash_table_unref (demo.stocked);
  return ok;
}

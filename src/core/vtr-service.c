#include "config.h"

#include "vtr-service.h"

#include <glib/gi18n-lib.h>

static const VtrService services[] = {
  { "boulangerie", N_("Bakery") },
  { "patisserie", N_("Pastry shop") },
  { "boucherie", N_("Butcher") },
  { "poissonnerie", N_("Fishmonger") },
  { "fromagerie", N_("Cheese shop") },
  { "epicerie", N_("Grocery") },
  { "primeur", N_("Greengrocer") },
  { "caviste", N_("Wine shop") },
  { "traiteur", N_("Delicatessen") },
  { "restaurant", N_("Restaurant") },
  { "cafe", N_("Café") },
  { "pharmacie", N_("Pharmacy") },
  { "opticien", N_("Optician") },
  { "coiffeur", N_("Hairdresser") },
  { "parfumerie", N_("Perfumery") },
  { "savonnerie", N_("Soap shop") },
  { "fleuriste", N_("Florist") },
  { "librairie", N_("Bookshop") },
  { "tabac-presse", N_("Newsagent and tobacconist") },
  { "quincaillerie", N_("Hardware shop") },
  { "droguerie", N_("Household goods") },
  { "vetements", N_("Clothes shop") },
  { "chaussures", N_("Shoe shop") },
  { "cordonnerie", N_("Cobbler and key cutting") },
  { "bijouterie", N_("Jeweller") },
  { "jouets", N_("Toy shop") },
  { "pressing", N_("Dry cleaner") },
  { "informatique", N_("Computer and phone repair") },
};

const VtrService *
vtr_service_all (guint *n_services)
{
  *n_services = G_N_ELEMENTS (services);
  return services;
}

const VtrService *
vtr_service_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    if (g_strcmp0 (services[i].id, id) == 0)
      return &services[i];
  return NULL;
}

const char *
vtr_service_label (const VtrService *service)
{
  return g_dgettext (GETTEXT_PACKAGE, service->label);
}

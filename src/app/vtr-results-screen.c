#include "config.h"

#include "vtr-results-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-flip-box.h"
#include "vtr-info-row.h"
#include "vtr-map.h"
#include "vtr-phone-code.h"
#include "vtr-service.h"

/*
 * A list to choose from: the trades, products and shops a search found
 * (the `query` property), or the nearest shops of a trade (the `service`
 * property). A row asks the window for what it leads to: win.show-product,
 * win.show-merchant or win.show-service. A search that finds one product
 * and nothing else asks for that product's page at once.
 */

struct _VtrResultsScreen
{
  VtrCatalogScreen   parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  VtrMap            *map;
  VtrPhoneCode      *phone_code;
  GtkLabel          *title;
  GtkListBox        *results;
  AdwStatusPage     *empty_page;

  /* Owned */
  char              *query;
  char              *service;
};

G_DEFINE_FINAL_TYPE (VtrResultsScreen, vtr_results_screen, VTR_TYPE_CATALOG_SCREEN)

enum {
  PROP_0,
  PROP_QUERY,
  PROP_SERVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() comes with GLib 2.76. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
results_clear (VtrResultsScreen *self,
               const char       *title)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results))))
    gtk_list_box_remove (self->results, child);
  gtk_label_set_text (self->title, title);
  vtr_catalog_screen_start_map (VTR_CATALOG_SCREEN (self), self->map);
  vtr_phone_code_set_url (self->phone_code, NULL);
}

static void
results_add_place (VtrResultsScreen *self,
                   const VtrPlace   *place,
                   GDateTime        *now)
{
  g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
  g_autofree char *open = vtr_describe_open_until (&place->open, now);
  g_autofree char *details = g_strdup_printf ("%s · %s\n%s", distance, open,
                                              place->merchant->address ? place->merchant->address : "");

  GtkWidget *row = vtr_info_row_new (place->merchant->name, details, "results.show-merchant",
                                     g_variant_new_int64 (place->merchant->id));
  GtkWidget *pin;

  gtk_list_box_append (self->results, row);
  /* The shops' pins, numbered in the list's order, the number on both. */
  pin = vtr_map_add_pin (self->map, place->merchant->id, place->merchant->name, place->merchant->position.lat,
                         place->merchant->position.lon, vtr_map_pin_state (&place->open), FALSE);
  vtr_info_row_add_prefix (row, vtr_map_pin_badge (pin));
}

static void
show_nothing (VtrResultsScreen *self,
              const char       *message)
{
  adw_status_page_set_title (self->empty_page, message);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
on_search_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(VtrResultsScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrSearchResults) results = vtr_catalog_service_search_finish (VTR_CATALOG_SERVICE (source), result,
                                                                           &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (!vtr_catalog_screen_loaded (VTR_CATALOG_SCREEN (self), error))
    return;
  if (results->products->len + results->merchants->len + results->services->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("Nothing found for “%s”"), self->query);

      show_nothing (self, message);
      return;
    }

  {
    g_autofree char *title = g_strdup_printf (_("Found for “%s”"), self->query);

    results_clear (self, title);
  }
  for (guint i = 0; i < results->services->len; i++)
    {
      VtrServiceMatch *match = &g_array_index (results->services, VtrServiceMatch, i);
      const VtrService *service = vtr_service_lookup (match->service_id);
      g_autofree char *count = NULL;

      if (service == NULL)
        continue;
      count = g_strdup_printf (ngettext ("%u shop", "%u shops", match->n_merchants), match->n_merchants);
      gtk_list_box_append (self->results,
                           vtr_info_row_new (vtr_service_label (service), count, "results.show-service",
                                             g_variant_new_string (service->id)));
    }
  for (guint i = 0; i < results->products->len; i++)
    {
      VtrProduct *product = g_ptr_array_index (results->products, i);

      gtk_list_box_append (self->results,
                           vtr_info_row_new (product->name, product->brand, "results.show-product",
                                             g_variant_new_int64 (product->id)));
    }
  for (guint i = 0; i < results->merchants->len; i++)
    results_add_place (self, g_ptr_array_index (results->merchants, i), now);
  {
    g_autofree char *url = vtr_phone_code_search_url (vtr_catalog_screen_get_public_host (VTR_CATALOG_SCREEN (self)),
                                                      self->query);

    vtr_phone_code_set_url (self->phone_code, url);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
  vtr_catalog_screen_reveal_rows (VTR_CATALOG_SCREEN (self), self->results);

  /* One product alone: its page at once. */
  if (results->products->len == 1 && results->merchants->len == 0 && results->services->len == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-product", "(xx)",
                                ((VtrProduct *) g_ptr_array_index (results->products, 0))->id, (gint64) 0);
}

static void
on_service_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(VtrResultsScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) places = vtr_catalog_service_near_service_finish (VTR_CATALOG_SERVICE (source), result,
                                                                         &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const VtrService *service = vtr_service_lookup (self->service);

  if (!vtr_catalog_screen_loaded (VTR_CATALOG_SCREEN (self), error))
    return;
  results_clear (self, service ? vtr_service_label (service) : self->service);
  for (guint i = 0; i < places->len; i++)
    results_add_place (self, g_ptr_array_index (places, i), now);
  {
    g_autofree char *url = vtr_phone_code_trade_url (vtr_catalog_screen_get_public_host (VTR_CATALOG_SCREEN (self)),
                                                     self->service);

    vtr_phone_code_set_url (self->phone_code, url);
  }
  if (places->len == 0)
    gtk_list_box_append (self->results, vtr_info_row_new (_("None near here yet"), NULL, NULL, NULL));
  gtk_stack_set_visible_child_name (self->stack, "content");
  vtr_catalog_screen_reveal_rows (VTR_CATALOG_SCREEN (self), self->results);
}

static gboolean
vtr_results_screen_has_question (VtrCatalogScreen *screen)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (screen);

  return (self->query && *self->query) || (self->service && *self->service);
}

/* The search, or else the trade's shops. */
static void
vtr_results_screen_load (VtrCatalogScreen  *screen,
                         VtrCatalogService *catalog,
                         const VtrPosition *here,
                         GCancellable      *cancellable)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (screen);

  if (self->query && *self->query)
    vtr_catalog_service_search_async (catalog, self->query, here, cancellable, on_search_done, g_object_ref (self));
  else
    vtr_catalog_service_near_service_async (catalog, self->service, here, cancellable, on_service_done,
                                            g_object_ref (self));
}

static void
show_product_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-product", "(xx)", g_variant_get_int64 (parameter), (gint64) 0);
}

static void
show_merchant_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-merchant", "x", g_variant_get_int64 (parameter));
}

static void
show_service_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-service", "s", g_variant_get_string (parameter, NULL));
}

static void
vtr_results_screen_dispose (GObject *object)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_RESULTS_SCREEN);

  G_OBJECT_CLASS (vtr_results_screen_parent_class)->dispose (object);
}

static void
vtr_results_screen_finalize (GObject *object)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (object);

  g_free (self->query);
  g_free (self->service);

  G_OBJECT_CLASS (vtr_results_screen_parent_class)->finalize (object);
}

static void
vtr_results_screen_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_SERVICE:
      g_value_set_string (value, self->service);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_results_screen_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VtrResultsScreen *self = VTR_RESULTS_SCREEN (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      vtr_results_screen_set_query (self, g_value_get_string (value));
      break;
    case PROP_SERVICE:
      vtr_results_screen_set_service (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_results_screen_class_init (VtrResultsScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  VtrCatalogScreenClass *screen_class = VTR_CATALOG_SCREEN_CLASS (klass);

  object_class->dispose = vtr_results_screen_dispose;
  object_class->finalize = vtr_results_screen_finalize;
  object_class->get_property = vtr_results_screen_get_property;
  object_class->set_property = vtr_results_screen_set_property;
  screen_class->has_question = vtr_results_screen_has_question;
  screen_class->load = vtr_results_screen_load;

  /* The words searched; setting it clears `service`. */
  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A service id of vtr-service.h, its nearest shops listed; setting it
   * clears `query`. */
  properties[PROP_SERVICE] =
    g_param_spec_string ("service", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "results.show-product", "x", show_product_action);
  gtk_widget_class_install_action (widget_class, "results.show-merchant", "x", show_merchant_action);
  gtk_widget_class_install_action (widget_class, "results.show-service", "s", show_service_action);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_MAP);
  g_type_ensure (VTR_TYPE_PHONE_CODE);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-results-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, map);
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, phone_code);
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, title);
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, results);
  gtk_widget_class_bind_template_child (widget_class, VtrResultsScreen, empty_page);
}

static void
vtr_results_screen_init (VtrResultsScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vtr_catalog_screen_set_pages (VTR_CATALOG_SCREEN (self), self->stack, self->empty_page);
}

GtkWidget *
vtr_results_screen_new (VtrCatalogService *catalog)
{
  return g_object_new (VTR_TYPE_RESULTS_SCREEN, "catalog", catalog, NULL);
}

const char *
vtr_results_screen_get_query (VtrResultsScreen *self)
{
  g_return_val_if_fail (VTR_IS_RESULTS_SCREEN (self), NULL);

  return self->query;
}

/**
 * vtr_results_screen_set_query:
 *
 * Searches the catalogue, as win.search asks. The same words again search
 * again: a sync may have brought new products.
 */
void
vtr_results_screen_set_query (VtrResultsScreen *self,
                              const char       *query)
{
  g_return_if_fail (VTR_IS_RESULTS_SCREEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (set_str (&self->query, query))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  if (query && set_str (&self->service, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
vtr_results_screen_get_service (VtrResultsScreen *self)
{
  g_return_val_if_fail (VTR_IS_RESULTS_SCREEN (self), NULL);

  return self->service;
}

/**
 * vtr_results_screen_set_service:
 * @service_id: (nullable): a service's id, "boulangerie"
 *
 * Lists the nearest shops of a trade, as win.show-service asks.
 */
void
vtr_results_screen_set_service (VtrResultsScreen *self,
                                const char       *service_id)
{
  g_return_if_fail (VTR_IS_RESULTS_SCREEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (set_str (&self->service, service_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
  if (service_id && set_str (&self->query, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
vtr_results_screen_get_loading (VtrResultsScreen *self)
{
  g_return_val_if_fail (VTR_IS_RESULTS_SCREEN (self), FALSE);

  return vtr_catalog_screen_get_loading (VTR_CATALOG_SCREEN (self));
}

#include "config.h"

#include "vtr-merchant-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-geo.h"
#include "vtr-flip-box.h"
#include "vtr-info-row.h"
#include "vtr-map.h"
#include "vtr-phone-code.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"

/*
 * A shop's page, from its flashcode (on its door or poster) or a row of
 * another screen: its trade, address, opening hours in words (open until
 * when, and a week table), phone, the collection points it hosts, its
 * promotions running and the products it stocks. A product's row asks the
 * window for that product's page with this shop first (win.show-product).
 */

struct _VtrMerchantScreen
{
  VtrCatalogScreen   parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  VtrMap            *map;
  VtrPhoneCode      *phone_code;
  GtkLabel          *name;
  GtkLabel          *open_now;
  GtkListBox        *info;
  GtkWidget         *collection_box;
  GtkListBox        *collection;
  GtkWidget         *promotions_box;
  GtkListBox        *promotions;
  GtkWidget         *products_box;
  GtkListBox        *products;
  AdwStatusPage     *error_page;

  gint64             merchant_id;
};

G_DEFINE_FINAL_TYPE (VtrMerchantScreen, vtr_merchant_screen, VTR_TYPE_CATALOG_SCREEN)

enum {
  PROP_0,
  PROP_MERCHANT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static void
add_info_row (GtkListBox *list,
              const char *title,
              const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  gtk_list_box_append (list, vtr_info_row_new (title, value, NULL, NULL));
}

/* Monday to Sunday, a line each, today's in bold. */
static GtkWidget *
week_table (char      **week,
            GDateTime  *now)
{
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, vtr_opening_hours_timezone ());
  int today = g_date_time_get_day_of_week (local) - 1;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_name (grid, "week");
  for (int day = 0; day < 7; day++)
    {
      GtkWidget *name = gtk_label_new (vtr_describe_weekday (day));
      GtkWidget *hours = gtk_label_new (week[day]);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (hours), 0);
      gtk_label_set_wrap (GTK_LABEL (hours), TRUE);
      if (day == today)
        {
          vtr_info_row_embolden (name);
          vtr_info_row_embolden (hours);
        }
      gtk_grid_attach (GTK_GRID (grid), name, 0, day, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), hours, 1, day, 1, 1);
    }
  return grid;
}

static void
show_view (VtrMerchantScreen     *self,
           const VtrMerchantView *view)
{
  const VtrMerchant *merchant = view->merchant;
  VtrCatalogScreen *screen = VTR_CATALOG_SCREEN (self);
  VtrPosition here = { vtr_catalog_screen_get_latitude (screen), vtr_catalog_screen_get_longitude (screen) };
  g_autoptr(GString) services = g_string_new (NULL);
  g_autoptr(GString) place = g_string_new (NULL);
  g_auto(GStrv) week = vtr_describe_week (merchant->opening_hours);
  g_autofree char *open = vtr_describe_open_until (&view->open, view->now);
  GtkWidget *hours_row;

  gtk_label_set_text (self->name, merchant->name);
  gtk_label_set_text (self->open_now, open);
  remove_rows (self->info);
  remove_rows (self->collection);
  remove_rows (self->promotions);
  remove_rows (self->products);

  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    {
      const VtrService *service = vtr_service_lookup (merchant->services[i]);

      g_string_append_printf (services, "%s%s", i ? ", " : "",
                              service ? vtr_service_label (service) : merchant->services[i]);
    }
  g_string_printf (place, "%s, %s %s", merchant->address ? merchant->address : "",
                   merchant->postcode ? merchant->postcode : "", merchant->city ? merchant->city : "");
  if (vtr_position_is_valid (&here) && vtr_position_is_valid (&merchant->position))
    {
      double distance = vtr_distance_m (&here, &merchant->position);
      g_autofree char *away = vtr_describe_distance (distance, vtr_walking_minutes (distance));

      g_string_append_printf (place, "\n%s", away);
    }

  add_info_row (self->info, _("Trade"), services->str);
  add_info_row (self->info, _("Address"), place->str);
  /* The hours in words: never the OpenStreetMap string. */
  hours_row = vtr_info_row_new (_("Opening hours"), open, NULL, NULL);
  if (week)
    vtr_info_row_add_below (hours_row, week_table (week, view->now));
  gtk_list_box_append (self->info, hours_row);
  add_info_row (self->info, _("Phone"), merchant->phone);

  /* The collection points it hosts: clothes, cardboard, oil, parcels. */
  for (guint i = 0; i < view->collection_points->len; i++)
    {
      VtrCollectionPlace *point = g_ptr_array_index (view->collection_points, i);

      add_info_row (self->collection, _(vtr_collection_kind_label (point->point->kind)), point->point->name);
    }
  gtk_widget_set_visible (self->collection_box, view->collection_points->len > 0);

  /* Its promotions running now. */
  for (guint i = 0; i < view->promotions->len; i++)
    {
      VtrPromotionOffer *offer = g_ptr_array_index (view->promotions, i);
      g_autofree char *what = vtr_promotion_headline (offer->promotion);

      if (offer->product)
        gtk_list_box_append (self->promotions,
                             vtr_info_row_new (offer->product->name, what, "merchant.show-product",
                                               g_variant_new_int64 (offer->product->id)));
      else
        add_info_row (self->promotions, offer->promotion->category, what);
    }
  gtk_widget_set_visible (self->promotions_box, view->promotions->len > 0);

  /* What it stocks. */
  for (guint i = 0; i < view->products->len; i++)
    {
      VtrMerchantProduct *item = g_ptr_array_index (view->products, i);
      g_autofree char *price = vtr_price_format (item->price_cents);
      g_autofree char *details = NULL;

      details = item->product->brand && *item->product->brand
                  ? g_strdup_printf ("%s · %s · %s", item->product->brand, price,
                                     vtr_describe_availability (item->availability))
                  : g_strdup_printf ("%s · %s", price, vtr_describe_availability (item->availability));
      gtk_list_box_append (self->products,
                           vtr_info_row_new (item->product->name, details, "merchant.show-product",
                                             g_variant_new_int64 (item->product->id)));
    }
  gtk_widget_set_visible (self->products_box, view->products->len > 0);

  /* The shop on the map from here; its pin is this page (no tap). */
  vtr_catalog_screen_start_map (screen, self->map);
  if (vtr_position_is_valid (&merchant->position))
    vtr_map_add_pin (self->map, 0, merchant->name, merchant->position.lat, merchant->position.lon,
                     vtr_map_pin_state (&view->open), FALSE);
  {
    /* The shop's own storefront on the phone, whose Directions opens the
     * phone's maps app; not a search that may find its namesakes. */
    g_autofree char *url = vtr_phone_code_shop_url (vtr_catalog_screen_get_public_host (screen), merchant->id);

    vtr_phone_code_set_url (self->phone_code, url);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
  /* A shop may stock a hundred products: their rows a frame apart, as
   * the screen reads, so that none of its frames lays out all of them. */
  vtr_catalog_screen_reveal_rows (screen, self->info);
  vtr_catalog_screen_reveal_rows (screen, self->collection);
  vtr_catalog_screen_reveal_rows (screen, self->promotions);
  vtr_catalog_screen_reveal_rows (screen, self->products);
}

static void
on_merchant_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(VtrMerchantScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchantView) view = vtr_catalog_service_merchant_finish (VTR_CATALOG_SERVICE (source), result,
                                                                         &error);

  if (vtr_catalog_screen_loaded (VTR_CATALOG_SCREEN (self), error))
    show_view (self, view);
}

static gboolean
vtr_merchant_screen_has_question (VtrCatalogScreen *screen)
{
  return VTR_MERCHANT_SCREEN (screen)->merchant_id > 0;
}

/* The shop's page asks no position: how far it is comes from the kiosk's
 * own, when shown. */
static void
vtr_merchant_screen_load (VtrCatalogScreen  *screen,
                          VtrCatalogService *catalog,
                          const VtrPosition *here,
                          GCancellable      *cancellable)
{
  VtrMerchantScreen *self = VTR_MERCHANT_SCREEN (screen);

  vtr_catalog_service_merchant_async (catalog, self->merchant_id, cancellable, on_merchant_loaded,
                                      g_object_ref (self));
}

static void
show_product_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VtrMerchantScreen *self = VTR_MERCHANT_SCREEN (widget);

  gtk_widget_activate_action (widget, "win.show-product", "(xx)", g_variant_get_int64 (parameter),
                              self->merchant_id);
}

static void
vtr_merchant_screen_dispose (GObject *object)
{
  VtrMerchantScreen *self = VTR_MERCHANT_SCREEN (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_MERCHANT_SCREEN);

  G_OBJECT_CLASS (vtr_merchant_screen_parent_class)->dispose (object);
}

static void
vtr_merchant_screen_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VtrMerchantScreen *self = VTR_MERCHANT_SCREEN (object);

  switch (prop_id)
    {
    case PROP_MERCHANT_ID:
      g_value_set_int64 (value, self->merchant_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_merchant_screen_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VtrMerchantScreen *self = VTR_MERCHANT_SCREEN (object);

  switch (prop_id)
    {
    case PROP_MERCHANT_ID:
      vtr_merchant_screen_set_merchant_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_merchant_screen_class_init (VtrMerchantScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  VtrCatalogScreenClass *screen_class = VTR_CATALOG_SCREEN_CLASS (klass);

  object_class->dispose = vtr_merchant_screen_dispose;
  object_class->get_property = vtr_merchant_screen_get_property;
  object_class->set_property = vtr_merchant_screen_set_property;
  screen_class->has_question = vtr_merchant_screen_has_question;
  screen_class->load = vtr_merchant_screen_load;

  properties[PROP_MERCHANT_ID] =
    g_param_spec_int64 ("merchant-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "merchant.show-product", "x", show_product_action);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_MAP);
  g_type_ensure (VTR_TYPE_PHONE_CODE);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-merchant-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, map);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, phone_code);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, name);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, open_now);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, info);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, collection_box);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, collection);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, promotions_box);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, promotions);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, products_box);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, products);
  gtk_widget_class_bind_template_child (widget_class, VtrMerchantScreen, error_page);
}

static void
vtr_merchant_screen_init (VtrMerchantScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vtr_catalog_screen_set_pages (VTR_CATALOG_SCREEN (self), self->stack, self->error_page);
}

GtkWidget *
vtr_merchant_screen_new (VtrCatalogService *catalog)
{
  return g_object_new (VTR_TYPE_MERCHANT_SCREEN, "catalog", catalog, NULL);
}

gint64
vtr_merchant_screen_get_merchant_id (VtrMerchantScreen *self)
{
  g_return_val_if_fail (VTR_IS_MERCHANT_SCREEN (self), 0);

  return self->merchant_id;
}

/**
 * vtr_merchant_screen_set_merchant_id:
 *
 * Shows a shop, as win.show-merchant asks. The same shop again asks the
 * catalogue again: it may have opened or closed since.
 */
void
vtr_merchant_screen_set_merchant_id (VtrMerchantScreen *self,
                                     gint64             merchant_id)
{
  g_return_if_fail (VTR_IS_MERCHANT_SCREEN (self));

  if (self->merchant_id != merchant_id)
    {
      self->merchant_id = merchant_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MERCHANT_ID]);
    }
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
}

gboolean
vtr_merchant_screen_get_loading (VtrMerchantScreen *self)
{
  g_return_val_if_fail (VTR_IS_MERCHANT_SCREEN (self), FALSE);

  return vtr_catalog_screen_get_loading (VTR_CATALOG_SCREEN (self));
}

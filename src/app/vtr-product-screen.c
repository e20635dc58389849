#include "config.h"

#include "vtr-product-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-describe.h"
#include "vtr-flip-box.h"
#include "vtr-info-row.h"
#include "vtr-map.h"
#include "vtr-phone-code.h"

/*
 * A product: its name, brand and price range near here, and the nearest
 * shops that have it, the shop of the poster scanned first. A touch on a
 * shop asks for its page (win.show-merchant); its Order button puts one
 * into the basket (win.order). The catalogue answers on its own thread:
 * a spinner shows until it has.
 */

struct _VtrProductScreen
{
  VtrCatalogScreen   parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  VtrMap            *map;
  VtrPhoneCode      *phone_code;
  GtkLabel          *name;
  GtkLabel          *details;
  GtkListBox        *stockists;
  AdwStatusPage     *error_page;

  gint64             product_id;
  gint64             poster_merchant_id;
};

G_DEFINE_FINAL_TYPE (VtrProductScreen, vtr_product_screen, VTR_TYPE_CATALOG_SCREEN)

enum {
  PROP_0,
  PROP_PRODUCT_ID,
  PROP_POSTER_MERCHANT_ID,
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

static GtkWidget *
stockist_row (const VtrStockist *stockist,
              GDateTime         *now,
              gboolean           from_poster)
{
  const VtrMerchant *merchant = stockist->place.merchant;
  g_autofree char *distance = vtr_describe_distance (stockist->place.distance_m, stockist->place.walking_minutes);
  g_autofree char *open = vtr_describe_open_until (&stockist->place.open, now);
  g_autofree char *price = vtr_price_format (stockist->price_cents);
  g_autoptr(GString) details = g_string_new (NULL);
  GtkWidget *row;
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *price_label = gtk_label_new (price);
  GtkWidget *stock_label = gtk_label_new (vtr_describe_availability (stockist->availability));

  g_string_append_printf (details, "%s · %s\n%s", distance, open, merchant->address ? merchant->address : "");
  for (guint i = 0; stockist->promotions && i < stockist->promotions->len; i++)
    {
      g_autofree char *promotion = vtr_promotion_headline (g_ptr_array_index (stockist->promotions, i));

      g_string_append_printf (details, "\n%s", promotion);
    }
  if (from_poster)
    g_string_prepend (details, _("The shop of the poster you scanned\n"));

  /* A touch on the shop: its page (hours, services, collection points). */
  row = vtr_info_row_new (merchant->name, details->str, "product.show-merchant",
                          g_variant_new_int64 (merchant->id));
  gtk_widget_add_css_class (price_label, "title-3");
  gtk_widget_set_halign (price_label, GTK_ALIGN_END);
  gtk_widget_set_halign (stock_label, GTK_ALIGN_END);
  gtk_widget_add_css_class (stock_label, stockist->availability == VTR_AVAILABILITY_IN_STOCK ? "success" : "warning");
  gtk_box_append (GTK_BOX (suffix), price_label);
  gtk_box_append (GTK_BOX (suffix), stock_label);
  vtr_info_row_add_suffix (row, suffix);
  if (stockist->availability != VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      GtkWidget *order = gtk_button_new_with_label (_("Order"));

      gtk_widget_add_css_class (order, "kiosk-button");
      gtk_widget_add_css_class (order, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (order), "product.order");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (order), g_variant_new_int64 (merchant->id));
      vtr_info_row_add_suffix (row, order);
    }
  return row;
}

static void
show_view (VtrProductScreen     *self,
           const VtrProductView *view)
{
  const VtrProduct *product = view->product;
  g_autofree char *line = NULL;

  gtk_label_set_text (self->name, product->name);
  remove_rows (self->stockists);

  if (view->stockists->len == 0)
    gtk_list_box_append (self->stockists, vtr_info_row_new (_("No shop near here has it right now"), NULL, NULL, NULL));
  /* The price range near here, beside the brand. */
  if (view->stockists->len > 0)
    {
      g_autofree char *low_text = vtr_price_format (view->low_price_cents);
      g_autofree char *high_text = vtr_price_format (view->high_price_cents);
      g_autofree char *range = NULL;

      range = view->low_price_cents == view->high_price_cents
                ? g_strdup_printf (_("%s near here"), low_text)
                : g_strdup_printf (_("from %s to %s near here"), low_text, high_text);
      line = product->brand && *product->brand ? g_strdup_printf ("%s · %s", product->brand, range)
                                               : g_steal_pointer (&range);
    }
  else
    line = g_strdup (product->brand ? product->brand : "");
  gtk_label_set_text (self->details, line);
  gtk_widget_set_visible (GTK_WIDGET (self->details), *line != '\0');

  vtr_catalog_screen_start_map (VTR_CATALOG_SCREEN (self), self->map);
  for (guint i = 0; i < view->stockists->len; i++)
    {
      const VtrStockist *stockist = g_ptr_array_index (view->stockists, i);
      const VtrMerchant *merchant = stockist->place.merchant;
      gboolean poster = i == 0 && view->poster_first;

      GtkWidget *row = stockist_row (stockist, view->now, poster);
      GtkWidget *pin;

      gtk_list_box_append (self->stockists, row);
      /* Pin n is row n: the same order, the same number, on both. */
      pin = vtr_map_add_pin (self->map, merchant->id, merchant->name, merchant->position.lat, merchant->position.lon,
                             vtr_map_pin_state (&stockist->place.open), poster);
      vtr_info_row_add_prefix (row, vtr_map_pin_badge (pin));
    }
  {
    g_autofree char *url = vtr_phone_code_search_url (vtr_catalog_screen_get_public_host (VTR_CATALOG_SCREEN (self)),
                                                      product->name);

    vtr_phone_code_set_url (self->phone_code, url);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
  /* The nearest first; the farther ones a frame after another. */
  vtr_catalog_screen_reveal_rows (VTR_CATALOG_SCREEN (self), self->stockists);
}

static void
on_product_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(VtrProductScreen) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrProductView) view = vtr_catalog_service_product_finish (VTR_CATALOG_SERVICE (source), result, &error);

  if (vtr_catalog_screen_loaded (VTR_CATALOG_SCREEN (self), error))
    show_view (self, view);
}

static gboolean
vtr_product_screen_has_question (VtrCatalogScreen *screen)
{
  return VTR_PRODUCT_SCREEN (screen)->product_id > 0;
}

static void
vtr_product_screen_load (VtrCatalogScreen  *screen,
                         VtrCatalogService *catalog,
                         const VtrPosition *here,
                         GCancellable      *cancellable)
{
  VtrProductScreen *self = VTR_PRODUCT_SCREEN (screen);

  vtr_catalog_service_product_async (catalog, self->product_id, self->poster_merchant_id, here, cancellable,
                                     on_product_loaded, g_object_ref (self));
}

/**
 * vtr_product_screen_reload:
 *
 * Asks the catalogue again, as after a sync brought new prices.
 */
void
vtr_product_screen_reload (VtrProductScreen *self)
{
  g_return_if_fail (VTR_IS_PRODUCT_SCREEN (self));

  vtr_catalog_screen_reload (VTR_CATALOG_SCREEN (self));
}

static void
order_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VtrProductScreen *self = VTR_PRODUCT_SCREEN (widget);

  gtk_widget_activate_action (widget, "win.order", "(xx)", self->product_id, g_variant_get_int64 (parameter));
}

static void
show_merchant_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-merchant", "x", g_variant_get_int64 (parameter));
}

static void
vtr_product_screen_dispose (GObject *object)
{
  VtrProductScreen *self = VTR_PRODUCT_SCREEN (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_PRODUCT_SCREEN);

  G_OBJECT_CLASS (vtr_product_screen_parent_class)->dispose (object);
}

static void
vtr_product_screen_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VtrProductScreen *self = VTR_PRODUCT_SCREEN (object);

  switch (prop_id)
    {
    case PROP_PRODUCT_ID:
      g_value_set_int64 (value, self->product_id);
      break;
    case PROP_POSTER_MERCHANT_ID:
      g_value_set_int64 (value, self->poster_merchant_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_product_screen_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VtrProductScreen *self = VTR_PRODUCT_SCREEN (object);

  switch (prop_id)
    {
    case PROP_PRODUCT_ID:
      vtr_product_screen_set_product_id (self, g_value_get_int64 (value));
      break;
    case PROP_POSTER_MERCHANT_ID:
      vtr_product_screen_set_poster_merchant_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_product_screen_class_init (VtrProductScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  VtrCatalogScreenClass *screen_class = VTR_CATALOG_SCREEN_CLASS (klass);

  object_class->dispose = vtr_product_screen_dispose;
  object_class->get_property = vtr_product_screen_get_property;
  object_class->set_property = vtr_product_screen_set_property;
  screen_class->has_question = vtr_product_screen_has_question;
  screen_class->load = vtr_product_screen_load;

  properties[PROP_PRODUCT_ID] =
    g_param_spec_int64 ("product-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The shop of the poster scanned, listed first; 0 for none. */
  properties[PROP_POSTER_MERCHANT_ID] =
    g_param_spec_int64 ("poster-merchant-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "product.order", "x", order_action);
  gtk_widget_class_install_action (widget_class, "product.show-merchant", "x", show_merchant_action);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_MAP);
  g_type_ensure (VTR_TYPE_PHONE_CODE);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-product-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, map);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, phone_code);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, name);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, details);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, stockists);
  gtk_widget_class_bind_template_child (widget_class, VtrProductScreen, error_page);
}

static void
vtr_product_screen_init (VtrProductScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vtr_catalog_screen_set_pages (VTR_CATALOG_SCREEN (self), self->stack, self->error_page);
}

GtkWidget *
vtr_product_screen_new (VtrCatalogService *catalog)
{
  return g_object_new (VTR_TYPE_PRODUCT_SCREEN, "catalog", catalog, NULL);
}

gint64
vtr_product_screen_get_product_id (VtrProductScreen *self)
{
  g_return_val_if_fail (VTR_IS_PRODUCT_SCREEN (self), 0);

  return self->product_id;
}

void
vtr_product_screen_set_product_id (VtrProductScreen *self,
                                   gint64            product_id)
{
  g_return_if_fail (VTR_IS_PRODUCT_SCREEN (self));

  if (self->product_id == product_id)
    return;
  self->product_id = product_id;
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRODUCT_ID]);
}

gint64
vtr_product_screen_get_poster_merchant_id (VtrProductScreen *self)
{
  g_return_val_if_fail (VTR_IS_PRODUCT_SCREEN (self), 0);

  return self->poster_merchant_id;
}

void
vtr_product_screen_set_poster_merchant_id (VtrProductScreen *self,
                                           gint64            merchant_id)
{
  g_return_if_fail (VTR_IS_PRODUCT_SCREEN (self));

  if (self->poster_merchant_id == merchant_id)
    return;
  self->poster_merchant_id = merchant_id;
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSTER_MERCHANT_ID]);
}

/**
 * vtr_product_screen_show:
 * @poster_merchant_id: the shop of the poster scanned, or 0
 *
 * Shows a product, as win.show-product asks: both properties, one query.
 */
void
vtr_product_screen_show (VtrProductScreen *self,
                         gint64            product_id,
                         gint64            poster_merchant_id)
{
  g_return_if_fail (VTR_IS_PRODUCT_SCREEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  vtr_product_screen_set_product_id (self, product_id);
  vtr_product_screen_set_poster_merchant_id (self, poster_merchant_id);
  g_object_thaw_notify (G_OBJECT (self));
  /* The same product again still asks again: stock may have changed. */
  vtr_catalog_screen_queue_reload (VTR_CATALOG_SCREEN (self));
}

gboolean
vtr_product_screen_get_loading (VtrProductScreen *self)
{
  g_return_val_if_fail (VTR_IS_PRODUCT_SCREEN (self), FALSE);

  return vtr_catalog_screen_get_loading (VTR_CATALOG_SCREEN (self));
}

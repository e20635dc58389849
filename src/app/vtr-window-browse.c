#include "config.h"

#include "vtr-window-private.h"

#include <glib/gi18n.h>

#include "vtr-camera.h"
#include "vtr-decoder.h"
#include "vtr-catalog.h"
#include "vtr-describe.h"
#include "vtr-flashcode.h"
#include "vtr-frame-light.h"
#include "vtr-frame-reader.h"
#include "vtr-gtin.h"
#include "vtr-i18n.h"
#include "vtr-loyalty.h"
#include "vtr-order-page.h"
#include "vtr-orders.h"
#include "vtr-print-queue.h"
#include "vtr-printer.h"
#include "vtr-qr-image.h"
#include "vtr-opening-hours.h"
#include "vtr-service.h"
#include "vtr-sound.h"
#include "vtr-sync-service.h"
#include "vtr-trust.h"

/*
 * Finding things without a code: search, shops by trade, a shop's page,
 * and the civic layer (collections and parcel lockers near the kiosk).
 */

/* A shop's page, from its flashcode (on its door or poster). */

static void
add_merchant_row (GtkWidget  *group,
                  const char *title,
                  const char *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

void
vtr_window_show_merchant (VtrWindow *self,
                          gint64     merchant_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (self->catalog, merchant_id, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(GString) services = g_string_new (NULL);
  g_autofree char *place = NULL;
  g_autofree char *open = NULL;
  g_autofree char *hours = NULL;
  GtkWidget *child, *group, *title;
  VtrOpenState state = { 0 };

  if (merchant == NULL)
    {
      vtr_window_toast (self, error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->merchant_box))))
    gtk_box_remove (self->merchant_box, child);

  title = gtk_label_new (merchant->name);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (self->merchant_box, title);

  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    {
      const VtrService *service = vtr_service_lookup (merchant->services[i]);

      g_string_append_printf (services, "%s%s", i ? ", " : "", service ? vtr_service_label (service) : merchant->services[i]);
    }
  place = g_strdup_printf ("%s, %s %s", merchant->address, merchant->postcode, merchant->city);
  if (merchant->opening_hours && *merchant->opening_hours)
    {
      vtr_catalog_open_state (self->catalog, merchant->opening_hours, now, &state);
      open = vtr_describe_open_state (&state, now);
      g_clear_pointer (&state.next_change, g_date_time_unref);
      hours = g_strdup_printf ("%s\n%s", open, merchant->opening_hours);
    }
  group = adw_preferences_group_new ();
  add_merchant_row (group, _("Trade"), services->str);
  add_merchant_row (group, _("Address"), place);
  add_merchant_row (group, _("Opening hours"), hours);
  add_merchant_row (group, _("Phone"), merchant->phone);
  gtk_box_append (self->merchant_box, group);

  /* The collection points it hosts: clothes, cardboard, oil, parcels. */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Collected here"));
  gtk_widget_set_visible (group, FALSE);
  gtk_box_append (self->merchant_box, group);
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) points = vtr_catalog_collection_points_near (self->catalog, kind, &merchant->position, now,
                                                                        3, NULL);

      for (guint i = 0; points && i < points->len; i++)
        {
          VtrCollectionPlace *point = g_ptr_array_index (points, i);

          if (point->point->merchant_id != merchant->id)
            continue;
          add_merchant_row (group, _(vtr_collection_kind_label (kind)), point->point->name);
          gtk_widget_set_visible (group, TRUE);
        }
    }

  /* Its promotions running now. */
  offers = vtr_catalog_promotions_near (self->catalog, &merchant->position, now, 50, NULL);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Promotions in this shop"));
  gtk_box_append (self->merchant_box, group);
  gtk_widget_set_visible (group, FALSE);
  for (guint i = 0; offers && i < offers->len; i++)
    {
      VtrPromotionOffer *offer = g_ptr_array_index (offers, i);
      g_autofree char *what = NULL;

      if (offer->place.merchant->id != merchant->id)
        continue;
      what = vtr_promotion_describe (offer->promotion);
      add_merchant_row (group, offer->product ? offer->product->name : offer->promotion->category, what);
      gtk_widget_set_visible (group, TRUE);
    }
  vtr_window_show_page (self, "merchant");
}

/* The civic layer: collections for the homeless and for recycling, and
 * parcel lockers, near the kiosk. */

void
vtr_window_show_civic (VtrWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->civic))))
    gtk_box_remove (self->civic, child);

  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) places = vtr_catalog_collection_points_near (self->catalog, kind, &self->here, now, 3,
                                                                        &error);
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(vtr_collection_kind_label (kind)));
      if (places == NULL || places->len == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("None near here yet"));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      for (guint i = 0; places && i < places->len; i++)
        {
          VtrCollectionPlace *place = g_ptr_array_index (places, i);
          g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
          g_autofree char *open = vtr_describe_open_state (&place->open, now);
          g_autofree char *subtitle = g_strdup_printf ("%s · %s\n%s", distance, open,
                                                       place->point->address ? place->point->address : "");
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         place->merchant ? place->merchant->name : place->point->name);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->civic, group);
    }
  vtr_window_show_page (self, "civic");
}

/* Search. */

/* A list to choose from: products and shops found by a search, the
 * shops of a service. A row leads to the product or the shop. */

static void
on_result_activated (AdwActionRow *row,
                     gpointer      data)
{
  VtrWindow *self = data;
  gint64 product = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "product"));
  gint64 merchant = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "merchant"));
  const char *service = g_object_get_data (G_OBJECT (row), "service");

  if (product)
    vtr_window_show_product (self, product, 0);
  else if (merchant)
    vtr_window_show_merchant (self, merchant);
  else if (service)
    vtr_window_show_service (self, service);
}

static GtkWidget *
result_row (VtrWindow  *self,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect (row, "activated", G_CALLBACK (on_result_activated), self);
  gtk_list_box_append (self->results, row);
  return row;
}

static void
results_clear (VtrWindow  *self,
               const char *title)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results))))
    gtk_list_box_remove (self->results, child);
  gtk_label_set_text (self->results_title, title);
}

static void
results_add_place (VtrWindow      *self,
                   const VtrPlace *place,
                   GDateTime      *now)
{
  g_autofree char *distance = vtr_describe_distance (place->distance_m, place->walking_minutes);
  g_autofree char *open = vtr_describe_open_state (&place->open, now);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s\n%s", distance, open,
                                               place->merchant->address ? place->merchant->address : "");
  GtkWidget *row = result_row (self, place->merchant->name, subtitle);

  g_object_set_data (G_OBJECT (row), "merchant", GSIZE_TO_POINTER ((gsize) place->merchant->id));
}

guint
vtr_window_count_results (VtrWindow *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->results)); row;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

/* Activates the result at @index, as a touch on its row would. */
void
vtr_window_activate_result (VtrWindow *self,
                            guint      index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, index);

  if (row)
    g_signal_emit_by_name (row, "activate");
}

/**
 * vtr_window_search:
 *
 * Products and shops matching @text; one product alone is shown at once.
 */
void
vtr_window_search (VtrWindow  *self,
                   const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  VtrSearchResults *results;

  self->last_activity = g_get_monotonic_time ();
  if (text == NULL || *text == '\0')
    return;
  results = vtr_catalog_search (self->catalog, text, &self->here, now, 8, &error);
  if (results == NULL || (results->products->len + results->merchants->len + results->services->len) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("Nothing found for “%s”"), text);

      vtr_window_toast (self, message);
    }
  else if (results->products->len == 1 && results->merchants->len == 0 && results->services->len == 0)
    vtr_window_show_product (self, ((VtrProduct *) g_ptr_array_index (results->products, 0))->id, 0);
  else
    {
      title = g_strdup_printf (_("Found for “%s”"), text);
      results_clear (self, title);
      for (guint i = 0; i < results->services->len; i++)
        {
          VtrServiceMatch *match = &g_array_index (results->services, VtrServiceMatch, i);
          const VtrService *service = vtr_service_lookup (match->service_id);
          g_autofree char *count = g_strdup_printf (ngettext ("%u shop", "%u shops", match->n_merchants),
                                                    match->n_merchants);
          GtkWidget *row;

          if (service == NULL)
            continue;
          row = result_row (self, vtr_service_label (service), count);
          g_object_set_data (G_OBJECT (row), "service", (gpointer) service->id);
        }
      for (guint i = 0; i < results->products->len; i++)
        {
          VtrProduct *product = g_ptr_array_index (results->products, i);
          GtkWidget *row = result_row (self, product->name, product->brand);

          g_object_set_data (G_OBJECT (row), "product", GSIZE_TO_POINTER ((gsize) product->id));
        }
      for (guint i = 0; i < results->merchants->len; i++)
        results_add_place (self, g_ptr_array_index (results->merchants, i), now);
      vtr_window_show_page (self, "results");
    }
  if (results)
    vtr_search_results_free (results);
}


/**
 * vtr_window_show_service:
 * @service_id: a service's id, "boulangerie"
 *
 * The nearest shops offering a service.
 */
void
vtr_window_show_service (VtrWindow  *self,
                         const char *service_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  const VtrService *service = vtr_service_lookup (service_id);
  g_autoptr(GPtrArray) places = NULL;

  if (service == NULL)
    return;
  places = vtr_catalog_near_service (self->catalog, service_id, &self->here, now, 12, NULL);
  results_clear (self, vtr_service_label (service));
  for (guint i = 0; places && i < places->len; i++)
    results_add_place (self, g_ptr_array_index (places, i), now);
  if (places == NULL || places->len == 0)
    result_row (self, _("None near here yet"), NULL);
  vtr_window_show_page (self, "results");
}

static void
on_service_clicked (GtkButton *button,
                    gpointer   data)
{
  vtr_window_show_service (data, g_object_get_data (G_OBJECT (button), "service"));
}

GtkWidget *
vtr_window_build_results_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  self->results_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->results_title, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->results_title), "title-1");
  self->results = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->results, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->results), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->results), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Results"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->results_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->results));
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

/* Browse by service: every kind of shop of the federation, a button each. */
GtkWidget *
vtr_window_build_services_page (VtrWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *title = gtk_label_new (_("What are you looking for?"));
  guint n = 0;
  const VtrService *services = vtr_service_all (&n);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 48);
  gtk_widget_set_margin_end (box, 48);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (box), title);
  self->service_grid = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->service_grid, GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (self->service_grid, TRUE);
  gtk_flow_box_set_max_children_per_line (self->service_grid, 6);
  gtk_flow_box_set_row_spacing (self->service_grid, 12);
  gtk_flow_box_set_column_spacing (self->service_grid, 12);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (vtr_service_label (&services[i]));

      gtk_widget_add_css_class (button, "service");
      gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
      g_object_set_data (G_OBJECT (button), "service", (gpointer) services[i].id);
      g_signal_connect (button, "clicked", G_CALLBACK (on_service_clicked), self);
      gtk_flow_box_append (self->service_grid, button);
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->service_grid));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  return scrolled;
}

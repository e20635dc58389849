#include "config.h"

#include "vtr-phone-code.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vtr-qr-image.h"

/*
 * "Continue on your phone": a QR code of the hub's phone page for what
 * the screen shows (the same list, the same shop), so a shopper walks away
 * with the list and the way there (the phone page's Directions opens the
 * phone's own maps app). Hidden while there is no address, as on a kiosk
 * not yet paired, which does not know its federation's host.
 */

#define CODE_SIZE 180

struct _VtrPhoneCode
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *code;
  char      *url;
};

G_DEFINE_FINAL_TYPE (VtrPhoneCode, vtr_phone_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
draw_code (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  VtrPhoneCode *self = data;
  double size = MIN (width, height);

  if (self->url == NULL)
    return;
  /* A quiet zone of white around the code, whatever the theme. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  vtr_qr_draw (cr, self->url, (width - size) / 2 + 10, (height - size) / 2 + 10, size - 20, NULL);
}

static void
vtr_phone_code_dispose (GObject *object)
{
  VtrPhoneCode *self = VTR_PHONE_CODE (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (vtr_phone_code_parent_class)->dispose (object);
}

static void
vtr_phone_code_finalize (GObject *object)
{
  VtrPhoneCode *self = VTR_PHONE_CODE (object);

  g_free (self->url);

  G_OBJECT_CLASS (vtr_phone_code_parent_class)->finalize (object);
}

static void
vtr_phone_code_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, VTR_PHONE_CODE (object)->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_phone_code_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_URL:
      vtr_phone_code_set_url (VTR_PHONE_CODE (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_phone_code_class_init (VtrPhoneCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_phone_code_dispose;
  object_class->finalize = vtr_phone_code_finalize;
  object_class->get_property = vtr_phone_code_get_property;
  object_class->set_property = vtr_phone_code_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vtr-phone-code");
}

static void
vtr_phone_code_init (VtrPhoneCode *self)
{
  GtkWidget *label = gtk_label_new (_("Continue on your phone"));
  GtkWidget *hint = gtk_label_new (_("Scan with your phone’s camera: the list and the way there"));

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->code = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->code), CODE_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->code), CODE_SIZE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->code), draw_code, self, NULL);
  gtk_widget_set_name (self->code, "phone-code");
  gtk_box_append (GTK_BOX (self->box), self->code);
  {
    GtkWidget *words = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

    gtk_widget_set_valign (words, GTK_ALIGN_CENTER);
    /* The words take the width there is (a portrait screen's, below the
     * map), not a wrapped label's guess at a narrow column. */
    gtk_widget_set_hexpand (words, TRUE);
    gtk_label_set_max_width_chars (GTK_LABEL (hint), 60);
    gtk_widget_add_css_class (label, "title-3");
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
    gtk_label_set_xalign (GTK_LABEL (hint), 0);
    gtk_box_append (GTK_BOX (words), label);
    gtk_box_append (GTK_BOX (words), hint);
    gtk_box_append (GTK_BOX (self->box), words);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Continue on your phone"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
vtr_phone_code_new (void)
{
  return g_object_new (VTR_TYPE_PHONE_CODE, NULL);
}

const char *
vtr_phone_code_get_url (VtrPhoneCode *self)
{
  g_return_val_if_fail (VTR_IS_PHONE_CODE (self), NULL);

  return self->url;
}

void
vtr_phone_code_set_url (VtrPhoneCode *self,
                        const char   *url)
{
  g_return_if_fail (VTR_IS_PHONE_CODE (self));

  if (g_strcmp0 (self->url, url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  gtk_widget_set_visible (GTK_WIDGET (self), url != NULL);
  gtk_widget_queue_draw (self->code);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

/**
 * vtr_phone_code_search_url:
 * @host: the federation's public host (its key list's), or %NULL
 *
 * The hub's phone page of a search (/search?q=), as docs/web.md lists.
 *
 * Returns: (nullable): the URL, or %NULL without a host
 */
char *
vtr_phone_code_search_url (const char *host,
                           const char *words)
{
  g_autofree char *query = NULL;

  if (host == NULL || *host == '\0' || words == NULL || *words == '\0')
    return NULL;
  query = g_uri_escape_string (words, NULL, FALSE);
  return g_strdup_printf ("https://%s/search?q=%s", host, query);
}

/**
 * vtr_phone_code_trade_url:
 *
 * The hub's phone page of a trade's shops (/trade/ID).
 *
 * Returns: (nullable): the URL, or %NULL without a host
 */
char *
vtr_phone_code_trade_url (const char *host,
                          const char *service_id)
{
  g_autofree char *id = NULL;

  if (host == NULL || *host == '\0' || service_id == NULL || *service_id == '\0')
    return NULL;
  id = g_uri_escape_string (service_id, NULL, FALSE);
  return g_strdup_printf ("https://%s/trade/%s", host, id);
}

/**
 * vtr_phone_code_shop_url:
 * @merchant_id: the shop
 *
 * The hub's storefront of a shop by its id (/shop/ID, unsigned: a kiosk
 * holds no signing key, and a storefront is public), with the way there.
 *
 * Returns: (nullable): the URL, or %NULL without a host
 */
char *
vtr_phone_code_shop_url (const char *host,
                         gint64      merchant_id)
{
  if (host == NULL || *host == '\0' || merchant_id <= 0)
    return NULL;
  return g_strdup_printf ("https://%s/shop/%" G_GINT64_FORMAT, host, merchant_id);
}

/**
 * vtr_phone_code_collect_url:
 *
 * The hub's phone page of the collection points nearest (@latitude,
 * @longitude), the kiosk's (/collect?lat=&lon=).
 *
 * Returns: (nullable): the URL, or %NULL without a host
 */
char *
vtr_phone_code_collect_url (const char *host,
                            double      latitude,
                            double      longitude)
{
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

  if (host == NULL || *host == '\0')
    return NULL;
  g_ascii_formatd (lat, sizeof lat, "%.5f", latitude);
  g_ascii_formatd (lon, sizeof lon, "%.5f", longitude);
  return g_strdup_printf ("https://%s/collect?lat=%s&lon=%s", host, lat, lon);
}

/**
 * vtr_phone_code_parse:
 * @url: what a camera or a barcode scanner read
 * @host: the federation's public host, or %NULL
 * @action: (out): the window's action that opens the same screen
 * @target: (out) (transfer floating) (nullable): its target: the search's
 *   words, the trade's id, the shop's number; %NULL for none
 *
 * Which of the pages above @url opens, the inverse of the functions
 * above: a shopper who scans a kiosk's "continue on your phone" code, or
 * a shop's storefront code, at a kiosk gets the same screen there.
 *
 * Returns: %FALSE for any other address
 */
gboolean
vtr_phone_code_parse (const char  *url,
                      const char  *host,
                      const char **action,
                      GVariant   **target)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) query = NULL;
  const char *path, *rest;
  char *end;
  gint64 shop;

  *action = NULL;
  *target = NULL;
  if (url == NULL || host == NULL || *host == '\0' ||
      !(uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) ||
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (uri) ? g_uri_get_host (uri) : "", host) != 0 ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_port (uri) != -1)
    return FALSE;

  path = g_uri_get_path (uri);
  if (g_uri_get_query (uri))
    query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (g_str_equal (path, "/search"))
    {
      const char *words = query ? g_hash_table_lookup (query, "q") : NULL;
      g_autofree char *stripped = words ? g_strstrip (g_strdup (words)) : NULL;

      if (stripped == NULL || *stripped == '\0' || !g_utf8_validate (stripped, -1, NULL))
        return FALSE;
      *action = "search";
      *target = g_variant_new_string (stripped);
      return TRUE;
    }
  if (g_str_has_prefix (path, "/trade/") && path[7] != '\0' && strchr (path + 7, '/') == NULL &&
      g_utf8_validate (path + 7, -1, NULL))
    {
      *action = "show-service";
      *target = g_variant_new_string (path + 7);
      return TRUE;
    }
  if (g_str_has_prefix (path, "/shop/"))
    {
      rest = path + 6;
      if (!g_ascii_isdigit (*rest) || (shop = g_ascii_strtoll (rest, &end, 10)) <= 0 || *end != '\0')
        return FALSE;
      *action = "show-merchant";
      *target = g_variant_new_int64 (shop);
      return TRUE;
    }
  if (g_str_equal (path, "/collect"))
    {
      *action = "show-civic";
      return TRUE;
    }
  return FALSE;
}

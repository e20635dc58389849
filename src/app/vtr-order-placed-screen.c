#include "config.h"

#include "vtr-order-placed-screen.h"

#include <glib/gi18n.h>

#include "vtr-app.h"
#include "vtr-qr-image.h"

/*
 * An order placed: its number, its pickup code as a QR code, and what to
 * do next. The ticket prints meanwhile; if it cannot, the screen says
 * why and that the code on the screen is the pickup code.
 */

struct _VtrOrderPlacedScreen
{
  GtkWidget        parent_instance;

  /* Template widgets. */
  GtkLabel        *title;
  GtkLabel        *number_label;
  GtkDrawingArea  *code;
  GtkLabel        *words;
  GtkSpinner      *spinner;

  /* Owned. */
  VtrPrintService *printer;
  GCancellable    *cancellable;
  char            *number;
  char            *pickup_code;
  gboolean         locker;  /* collected from a parcel locker: no counter */
};

G_DEFINE_FINAL_TYPE (VtrOrderPlacedScreen, vtr_order_placed_screen, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NUMBER,
  PROP_PICKUP_CODE,
  PROP_PRINTER,
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
  VtrOrderPlacedScreen *self = data;
  double size = MIN (width, height);

  if (self->pickup_code == NULL)
    return;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  vtr_qr_draw (cr, self->pickup_code, (width - size) / 2, (height - size) / 2, size, NULL);
}

static void
printed (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;
  gboolean done = vtr_print_service_print_finish (VTR_PRINT_SERVICE (source), result, &error);
  VtrOrderPlacedScreen *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VTR_ORDER_PLACED_SCREEN (data);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (done)
    {
      gtk_label_set_text (self->title, _("Your order is placed: take your ticket"));
      gtk_label_set_text (self->words, self->locker
                                         ? _("The shop prepares it and puts it in the parcel locker: you will "
                                             "get the compartment and its opening code by SMS.")
                                         : _("The shop prepares it. Show the ticket’s code at the counter."));
    }
  else
    {
      g_autofree char *words = g_strdup_printf (self->locker
                                                  ? _("%s\nTake a photo of this screen: its code is your "
                                                      "order’s code.")
                                                  : _("%s\nTake a photo of this screen, or show it at the counter "
                                                      "now: its code is your pickup code."),
                                                error->message);

      gtk_label_set_text (self->title, _("Your order is placed: show this screen"));
      gtk_label_set_text (self->words, words);
    }
}

/**
 * vtr_order_placed_screen_print:
 * @ticket: (transfer full): the order's ticket
 *
 * Prints the order's ticket; the screen says what to do once it printed,
 * or could not.
 */
void
vtr_order_placed_screen_print (VtrOrderPlacedScreen *self,
                               VtrTicket            *ticket)
{
  g_return_if_fail (VTR_IS_ORDER_PLACED_SCREEN (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_label_set_text (self->words, _("Your ticket is printing…"));
  /* The cancellable ends with the screen: a ticket printed after the
   * kiosk moved on changes nothing on screen. */
  vtr_print_service_print_async (self->printer, ticket, self->cancellable, printed, self);
}

/**
 * vtr_order_placed_screen_set_locker:
 * @locker: whether the order is collected from a parcel locker
 *
 * A locker order's words send nobody to a counter.
 */
void
vtr_order_placed_screen_set_locker (VtrOrderPlacedScreen *self,
                                    gboolean              locker)
{
  g_return_if_fail (VTR_IS_ORDER_PLACED_SCREEN (self));

  self->locker = !!locker;
}

const char *
vtr_order_placed_screen_get_number (VtrOrderPlacedScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_PLACED_SCREEN (self), NULL);

  return self->number;
}

/* What the screen tells the customer to do. */
const char *
vtr_order_placed_screen_get_words (VtrOrderPlacedScreen *self)
{
  g_return_val_if_fail (VTR_IS_ORDER_PLACED_SCREEN (self), NULL);

  return gtk_label_get_text (self->words);
}

static void
vtr_order_placed_screen_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  VtrOrderPlacedScreen *self = VTR_ORDER_PLACED_SCREEN (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_PICKUP_CODE:
      g_value_set_string (value, self->pickup_code);
      break;
    case PROP_PRINTER:
      g_value_set_object (value, self->printer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_order_placed_screen_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  VtrOrderPlacedScreen *self = VTR_ORDER_PLACED_SCREEN (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      self->number = g_value_dup_string (value);
      gtk_label_set_text (self->number_label, self->number ? self->number : "");
      break;
    case PROP_PICKUP_CODE:
      self->pickup_code = g_value_dup_string (value);
      gtk_widget_queue_draw (GTK_WIDGET (self->code));
      break;
    case PROP_PRINTER:
      self->printer = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_order_placed_screen_dispose (GObject *object)
{
  VtrOrderPlacedScreen *self = VTR_ORDER_PLACED_SCREEN (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->printer);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_ORDER_PLACED_SCREEN);
  G_OBJECT_CLASS (vtr_order_placed_screen_parent_class)->dispose (object);
}

static void
vtr_order_placed_screen_finalize (GObject *object)
{
  VtrOrderPlacedScreen *self = VTR_ORDER_PLACED_SCREEN (object);

  g_clear_object (&self->cancellable);
  g_free (self->number);
  g_free (self->pickup_code);
  G_OBJECT_CLASS (vtr_order_placed_screen_parent_class)->finalize (object);
}

static void
vtr_order_placed_screen_class_init (VtrOrderPlacedScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_order_placed_screen_dispose;
  object_class->finalize = vtr_order_placed_screen_finalize;
  object_class->get_property = vtr_order_placed_screen_get_property;
  object_class->set_property = vtr_order_placed_screen_set_property;

  properties[PROP_NUMBER] =
    g_param_spec_string ("number", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PICKUP_CODE] =
    g_param_spec_string ("pickup-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRINTER] =
    g_param_spec_object ("printer", NULL, NULL, VTR_TYPE_PRINT_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-order-placed-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrOrderPlacedScreen, title);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderPlacedScreen, number_label);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderPlacedScreen, code);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderPlacedScreen, words);
  gtk_widget_class_bind_template_child (widget_class, VtrOrderPlacedScreen, spinner);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vtr_order_placed_screen_init (VtrOrderPlacedScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_drawing_area_set_draw_func (self->code, draw_code, self, NULL);
}

GtkWidget *
vtr_order_placed_screen_new (const char      *number,
                             const char      *pickup_code,
                             VtrPrintService *printer)
{
  return g_object_new (VTR_TYPE_ORDER_PLACED_SCREEN,
                       "number", number,
                       "pickup-code", pickup_code,
                       "printer", printer,
                       NULL);
}

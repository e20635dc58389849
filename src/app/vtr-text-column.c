#include "config.h"

#include "vtr-text-column.h"

/*
 * Lines of wrapped text one above the other, beside other widgets in a
 * row (a list row's title and details): its width never depends on the
 * height it is given.
 *
 * A horizontal GtkBox allocating its children asks each for its width at
 * the row's height, and a wrapped GtkLabel answers that by laying its
 * text out again and again at narrower widths until it no longer fits the
 * height (a bisection): a dozen Pango layouts of each label whenever a
 * row is allocated at a height it was not before. In a list laid out a
 * row a frame that was most of a frame's layout
 * (tests/bench/bench-main-thread --phases). Text wraps to the width it is
 * given, so its width for any height is the one for no height at all.
 */

struct _VtrTextColumn
{
  GtkWidget  parent_instance;

  GtkWidget *box;
};

G_DEFINE_FINAL_TYPE (VtrTextColumn, vtr_text_column, GTK_TYPE_WIDGET)

static void
vtr_text_column_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  VtrTextColumn *self = VTR_TEXT_COLUMN (widget);

  gtk_widget_measure (self->box, orientation, orientation == GTK_ORIENTATION_HORIZONTAL ? -1 : for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

static void
vtr_text_column_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  gtk_widget_allocate (VTR_TEXT_COLUMN (widget)->box, width, height, baseline, NULL);
}

static GtkSizeRequestMode
vtr_text_column_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
vtr_text_column_dispose (GObject *object)
{
  VtrTextColumn *self = VTR_TEXT_COLUMN (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (vtr_text_column_parent_class)->dispose (object);
}

static void
vtr_text_column_class_init (VtrTextColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_text_column_dispose;
  widget_class->measure = vtr_text_column_measure;
  widget_class->size_allocate = vtr_text_column_size_allocate;
  widget_class->get_request_mode = vtr_text_column_get_request_mode;
}

static void
vtr_text_column_init (VtrTextColumn *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

GtkWidget *
vtr_text_column_new (int spacing)
{
  VtrTextColumn *self = g_object_new (VTR_TYPE_TEXT_COLUMN, NULL);

  gtk_box_set_spacing (GTK_BOX (self->box), spacing);
  return GTK_WIDGET (self);
}

void
vtr_text_column_append (VtrTextColumn *self,
                        GtkWidget     *child)
{
  g_return_if_fail (VTR_IS_TEXT_COLUMN (self));

  gtk_box_append (GTK_BOX (self->box), child);
}

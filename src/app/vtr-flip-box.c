#include "config.h"

#include "vtr-flip-box.h"

/*
 * Two columns side by side where they fit, one above the other where they
 * do not (a portrait screen, 1080 px wide, or large text): the kiosk's
 * screens stand either way. GTK 4.8 and libadwaita 1.2 have no
 * breakpoints, so the box turns when it is given less width than its
 * columns need side by side, and is measured as it will be laid out.
 *
 * It lays its columns out itself, once a frame: each is allocated its
 * final size only. (Through a GtkBox that it then corrected to the first
 * column's share, every column was allocated at two widths a frame, and
 * every wrapped label in it laid out twice again, whenever anything in the
 * screen changed: most of a product page's frames under
 * tests/bench/bench-main-thread --phases.)
 */

struct _VtrFlipBox
{
  GtkWidget  parent_instance;

  int        spacing;
  int        wide_width; /* side by side only from this width on; > 0: the columns fill the box, in equal shares */
  double     first_share; /* side by side: the first column's share of the width (0: equal shares) */
};

static void vtr_flip_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VtrFlipBox, vtr_flip_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, vtr_flip_box_buildable_init))

enum
{
  PROP_0,
  PROP_SPACING,
  PROP_WIDE_WIDTH,
  PROP_FIRST_SHARE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable;

/* In a template, children go into the box. */
static void
vtr_flip_box_add_child (GtkBuildable *buildable,
                        GtkBuilder   *builder,
                        GObject      *child,
                        const char   *type)
{
  if (GTK_IS_WIDGET (child))
    vtr_flip_box_append (VTR_FLIP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable->add_child (buildable, builder, child, type);
}

static void
vtr_flip_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable = g_type_interface_peek_parent (iface);
  iface->add_child = vtr_flip_box_add_child;
}

static void
vtr_flip_box_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VtrFlipBox *self = VTR_FLIP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_WIDE_WIDTH:
      g_value_set_int (value, self->wide_width);
      break;
    case PROP_FIRST_SHARE:
      g_value_set_double (value, self->first_share);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_flip_box_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VtrFlipBox *self = VTR_FLIP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      if (self->spacing != g_value_get_int (value))
        {
          self->spacing = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_WIDE_WIDTH:
      if (self->wide_width != g_value_get_int (value))
        {
          self->wide_width = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_FIRST_SHARE:
      if (self->first_share != g_value_get_double (value))
        {
          self->first_share = g_value_get_double (value);
          gtk_widget_queue_allocate (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The width the columns need side by side. */
static int
side_by_side_width (VtrFlipBox *self)
{
  int width = 0, n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      width += minimum;
      n++;
    }
  return width + MAX (0, n - 1) * self->spacing;
}

/* Whether the columns go one above the other when @width is given: when
 * they do not fit side by side, or the width is under wide-width (a map
 * beside a list wants more than the list's and the map's smallest widths).
 * Only the width decides, as GTK measures
 * a height for a width and keeps the answer: anything else (the window's
 * shape) would change the layout without GTK measuring again. */
static gboolean
turns (VtrFlipBox *self,
       int         width)
{
  return width >= 0 && (width < self->wide_width || width < side_by_side_width (self));
}

static void
vtr_flip_box_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  VtrFlipBox *self = VTR_FLIP_BOX (widget);
  gboolean vertical = orientation == GTK_ORIENTATION_VERTICAL && turns (self, for_size);
  int spacing = self->spacing;
  int n = 0;

  /* Measured as it will be laid out: the widest column, the columns side
   * by side or one above the other. A box measured one way and then
   * turned would be given the other way's size. */
  *minimum = *natural = 0;
  /* One above the other without wide-width, the columns stand at the
   * widest one's natural width, not the box's (size_allocate): their
   * heights at that width, or wrapped text taller there than measured
   * here pushes the last column out of the box, out of a page's scroll. */
  if (vertical && self->wide_width == 0)
    {
      int widest = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child;
           child = gtk_widget_get_next_sibling (child))
        {
          int column;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &column, NULL, NULL);
          widest = MAX (widest, column);
        }
      for_size = MIN (for_size, widest);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum, child_natural;

      if (!gtk_widget_should_layout (child))
        continue;
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          gtk_widget_measure (child, orientation, -1, &child_minimum, &child_natural, NULL, NULL);
          /* As narrow as the widest column: on a narrow screen the
           * columns go one above the other. */
          *minimum = MAX (*minimum, child_minimum);
          *natural += child_natural;
        }
      else if (vertical)
        {
          gtk_widget_measure (child, orientation, for_size, &child_minimum, &child_natural, NULL, NULL);
          *minimum += child_minimum;
          *natural += child_natural;
        }
      else
        {
          gtk_widget_measure (child, orientation, -1, &child_minimum, &child_natural, NULL, NULL);
          *minimum = MAX (*minimum, child_minimum);
          *natural = MAX (*natural, child_natural);
        }
      n++;
    }
  if (n > 1 && (orientation == GTK_ORIENTATION_HORIZONTAL || vertical))
    {
      *natural += (n - 1) * spacing;
      if (vertical)
        *minimum += (n - 1) * spacing;
    }
  *natural = MAX (*natural, *minimum);
  *minimum_baseline = *natural_baseline = -1;
}

/* The columns' sizes along the way they stand, in @sizes: the columns
 * fill @size. With wide-width, in equal shares, or side by side the first
 * its share (a list wider than the map beside it), each at least its
 * smallest width; without, each its smallest size and the rest shared as
 * a GtkBox does, by what they would like then to whichever expands. */
static void
share (VtrFlipBox       *self,
       GtkOrientation    orientation,
       int               size,
       int               for_size,
       GtkRequestedSize *sizes,
       int               n)
{
  int available = size - (n - 1) * self->spacing;

  if (self->wide_width > 0 && orientation == GTK_ORIENTATION_HORIZONTAL && self->first_share > 0 && n == 2)
    {
      int min_first, min_second;

      gtk_widget_measure (sizes[0].data, orientation, -1, &min_first, NULL, NULL, NULL);
      gtk_widget_measure (sizes[1].data, orientation, -1, &min_second, NULL, NULL, NULL);
      sizes[0].minimum_size = CLAMP ((int) (available * self->first_share), min_first,
                                     MAX (min_first, available - min_second));
      sizes[1].minimum_size = MAX (min_second, available - sizes[0].minimum_size);
    }
  else if (self->wide_width > 0)
    {
      for (int i = 0; i < n; i++)
        sizes[i].minimum_size = available / n + (i < available % n ? 1 : 0);
    }
  else
    {
      int extra = available, expanding = 0;

      for (int i = 0; i < n; i++)
        {
          gtk_widget_measure (sizes[i].data, orientation, for_size, &sizes[i].minimum_size, &sizes[i].natural_size,
                              NULL, NULL);
          extra -= sizes[i].minimum_size;
          expanding += gtk_widget_compute_expand (sizes[i].data, orientation);
        }
      extra = gtk_distribute_natural_allocation (MAX (0, extra), n, sizes);
      for (int i = 0; i < n && expanding > 0; i++)
        if (gtk_widget_compute_expand (sizes[i].data, orientation))
          {
            int more = extra / expanding;

            sizes[i].minimum_size += more;
            extra -= more;
            expanding--;
          }
    }
}

static void
vtr_flip_box_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  VtrFlipBox *self = VTR_FLIP_BOX (widget);
  gboolean turned = turns (self, width);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  g_autofree GtkRequestedSize *sizes = NULL;
  int n = 0, group_width = width, group_height = height, x, y;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += gtk_widget_should_layout (child);
  if (n == 0)
    return;
  sizes = g_new0 (GtkRequestedSize, n);
  n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      sizes[n++].data = child;

  /* Without wide-width the columns stand centred at their natural size,
   * at most the box's: the width first, then the height for it. */
  if (self->wide_width == 0)
    {
      int natural = 0;

      /* Side by side their widths together, one above the other the
       * widest's. */
      if (turned)
        for (int i = 0; i < n; i++)
          {
            int column;

            gtk_widget_measure (sizes[i].data, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &column, NULL, NULL);
            natural = MAX (natural, column);
          }
      else
        vtr_flip_box_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &(int) { 0 }, &natural, &(int) { 0 },
                              &(int) { 0 });
      group_width = MIN (width, natural);
      if (turned)
        {
          /* One above the other: their heights at that width. */
          vtr_flip_box_measure (widget, GTK_ORIENTATION_VERTICAL, group_width, &(int) { 0 }, &natural, &(int) { 0 },
                                &(int) { 0 });
          group_height = MIN (height, natural);
        }
      else
        {
          /* Side by side: as tall as the tallest column at its width. */
          share (self, GTK_ORIENTATION_HORIZONTAL, group_width, -1, sizes, n);
          natural = 0;
          for (int i = 0; i < n; i++)
            {
              int column;

              gtk_widget_measure (sizes[i].data, GTK_ORIENTATION_VERTICAL, sizes[i].minimum_size, NULL, &column,
                                  NULL, NULL);
              natural = MAX (natural, column);
            }
          group_height = MIN (height, natural);
        }
    }
  x = (width - group_width) / 2;
  y = (height - group_height) / 2;

  if (turned)
    share (self, GTK_ORIENTATION_VERTICAL, group_height, group_width, sizes, n);
  else if (self->wide_width > 0)
    share (self, GTK_ORIENTATION_HORIZONTAL, group_width, -1, sizes, n);
  for (int i = 0; i < n; i++)
    {
      GtkAllocation slot;

      if (turned)
        slot = (GtkAllocation) { x, y, group_width, sizes[i].minimum_size };
      else
        slot = (GtkAllocation) { rtl ? width - x - sizes[i].minimum_size : x, y, sizes[i].minimum_size, group_height };
      gtk_widget_size_allocate (sizes[i].data, &slot, -1);
      if (turned)
        y += slot.height + self->spacing;
      else
        x += slot.width + self->spacing;
    }
}

static GtkSizeRequestMode
vtr_flip_box_get_request_mode (GtkWidget *widget)
{
  /* Its height depends on the width it is given. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
vtr_flip_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (vtr_flip_box_parent_class)->dispose (object);
}

static void
vtr_flip_box_class_init (VtrFlipBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vtr_flip_box_dispose;
  object_class->get_property = vtr_flip_box_get_property;
  object_class->set_property = vtr_flip_box_set_property;
  widget_class->measure = vtr_flip_box_measure;
  widget_class->size_allocate = vtr_flip_box_size_allocate;
  widget_class->get_request_mode = vtr_flip_box_get_request_mode;

  /* Between the two columns, or the two rows. */
  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The narrowest width at which the columns stand side by side, even if
   * they would fit narrower: a portrait screen puts a map under its list
   * rather than squeezing both. 0: whenever they fit. */
  properties[PROP_WIDE_WIDTH] =
    g_param_spec_int ("wide-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Side by side, the first column's share of the width (0.58: a list
   * beside its map); 0: as the box lays them out. */
  properties[PROP_FIRST_SHARE] =
    g_param_spec_double ("first-share", NULL, NULL, 0, 1, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vtr_flip_box_init (VtrFlipBox *self)
{
}

GtkWidget *
vtr_flip_box_new (int spacing)
{
  return g_object_new (VTR_TYPE_FLIP_BOX, "spacing", spacing, NULL);
}

void
vtr_flip_box_append (VtrFlipBox *self,
                     GtkWidget  *child)
{
  g_return_if_fail (VTR_IS_FLIP_BOX (self));

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

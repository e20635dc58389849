#include "config.h"

#include "vtr-activity-chart.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/*
 * How the shop does, drawn with Cairo to be read from a metre: four
 * panels of bars, one bar a week for the eight weeks past and this one
 * (this week's in the accent colour, the others grey): points credited,
 * customers seen (new ones green on top of returning ones), orders (the
 * median wait before collection written over each), and the products
 * ordered most as long bars with their names; (poster) the scans of the
 * shop's posters (kiosks, and phones in orange on top) and the posters
 * scanned most. The numbers also go into
 * the widget's accessible description, for a screen reader and tests.
 */

/* This week and the eight before it; the five products ordered most. */
#define VTR_CHART_WEEKS 9
#define VTR_CHART_TOP 5

struct _VtrActivityChart
{
  GtkWidget     parent_instance;

  VtrShopWeek   weeks[VTR_CHART_WEEKS]; /* oldest first: the last is this week */
  GPtrArray    *top;      /* VtrShopTopProduct, owned copies */
  GPtrArray    *posters;  /* VtrShopTopPoster, owned copies */
  gboolean      has_stats;
  char         *summary;
};

G_DEFINE_FINAL_TYPE (VtrActivityChart, vtr_activity_chart, GTK_TYPE_WIDGET)

#define PANEL_GAP 24.0
#define N_PANELS 6
/* A panel's height: three rows of two side by side, or six rows. */
#define PANEL_HEIGHT 280

static void
set_color (cairo_t    *cr,
           const char *spec)
{
  GdkRGBA rgba;

  gdk_rgba_parse (&rgba, spec);
  gdk_cairo_set_source_rgba (cr, &rgba);
}

/* Text at (@x, @y), its top left, or centred on @x when @centred. */
static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      points,
           gboolean    bold,
           gboolean    centred,
           double      max_width)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (
                                                              gtk_widget_get_pango_context (widget)));
  int width, height;

  pango_font_description_set_size (font, (int) (points * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_set_alignment (layout, centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, centred ? x - width / 2.0 : x, y);
  pango_cairo_show_layout (cr, layout);
}

static double
body_points (GtkWidget *widget)
{
  const PangoFontDescription *font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  return size > 0 ? size : 15.0;
}

static char *
week_label (gint64 starts,
            gboolean this_week)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (starts + 12 * 3600);

  /* On two lines: it stands under a bar as narrow as a date. */
  if (this_week)
    return g_strdup (_("this\nweek"));
  return g_date_time_format (utc, "%d/%m");
}

/* A panel's ground and its title, in the text's colour after. */
static void
draw_panel (GtkWidget  *widget,
            cairo_t    *cr,
            double      x,
            double      y,
            double      width,
            double      height,
            const char *title)
{
  set_color (cr, "#f6f5f4");
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill (cr);
  set_color (cr, "#1e1e1e");
  draw_text (widget, cr, title, x + 12, y + 8, body_points (widget) * 1.1, TRUE, FALSE, width - 24);
}

/* One panel: a title, and one bar a week (two stacked when @second). */
static void
draw_weeks (VtrActivityChart *self,
            cairo_t          *cr,
            const char       *title,
            double            x,
            double            y,
            double            width,
            double            height,
            const gint64     *first,
            const gint64     *second,
            const char      **above,
            const char       *second_now,
            const char       *second_past)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double pt = body_points (widget);
  /* Room under the title for the words above the bars, if any. */
  double top = y + pt * (above ? 3.6 : 2.4);
  double base = y + height - pt * 3.4;
  double slot = width / VTR_CHART_WEEKS;
  gint64 max = 1;

  for (int w = 0; w < VTR_CHART_WEEKS; w++)
    max = MAX (max, first[w] + (second ? second[w] : 0));

  draw_panel (widget, cr, x, y, width, height, title);

  for (int w = 0; w < VTR_CHART_WEEKS; w++)
    {
      gboolean now = w == VTR_CHART_WEEKS - 1;
      double bar = slot * 0.64;
      double bx = x + w * slot + (slot - bar) / 2;
      double h1 = (base - top - pt * 1.6) * first[w] / (double) max;
      double h2 = second ? (base - top - pt * 1.6) * second[w] / (double) max : 0;
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, first[w] + (second ? second[w] : 0));
      g_autofree char *label = week_label (self->weeks[w].starts, now);

      set_color (cr, now ? "#1a5fb4" : "#9a9996");
      cairo_rectangle (cr, bx, base - h1, bar, h1);
      cairo_fill (cr);
      if (second)
        {
          set_color (cr, now ? second_now : second_past);
          cairo_rectangle (cr, bx, base - h1 - h2, bar, h2);
          cairo_fill (cr);
        }
      set_color (cr, "#1e1e1e");
      draw_text (widget, cr, value, bx + bar / 2, base - h1 - h2 - pt * 1.6, pt, now, TRUE, 0);
      if (above && above[w])
        draw_text (widget, cr, above[w], bx + bar / 2, top - pt * 1.4, pt * 0.8, FALSE, TRUE, 0);
      draw_text (widget, cr, label, bx + bar / 2, base + 4, pt * (now ? 0.8 : 0.8), now, TRUE, 0);
    }
}

static void
draw_top (VtrActivityChart *self,
          cairo_t          *cr,
          double            x,
          double            y,
          double            width,
          double            height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double pt = body_points (widget);
  double row = MIN ((height - pt * 3) / VTR_CHART_TOP, pt * 3.6);
  gint64 max = 1;

  draw_panel (widget, cr, x, y, width, height, _("Most ordered products (9 weeks)"));
  if (self->top->len == 0)
    {
      draw_text (widget, cr, _("No orders yet"), x + 12, y + pt * 3, pt, FALSE, FALSE, width - 24);
      return;
    }
  for (guint i = 0; i < self->top->len; i++)
    max = MAX (max, ((VtrShopTopProduct *) g_ptr_array_index (self->top, i))->quantity);
  for (guint i = 0; i < MIN (self->top->len, VTR_CHART_TOP); i++)
    {
      VtrShopTopProduct *top = g_ptr_array_index (self->top, i);
      double ry = y + pt * 3 + i * row;
      double bar = (width - 24 - pt * 4) * top->quantity / (double) max;
      g_autofree char *sold = g_strdup_printf ("%u", top->quantity);

      set_color (cr, i == 0 ? "#1a5fb4" : "#62a0ea");
      cairo_rectangle (cr, x + 12, ry + pt * 1.5, bar, row - pt * 1.9);
      cairo_fill (cr);
      set_color (cr, "#1e1e1e");
      draw_text (widget, cr, top->name, x + 12, ry, pt * 0.9, FALSE, FALSE, width - 24);
      draw_text (widget, cr, sold, x + 12 + bar + 8, ry + pt * 1.5, pt, TRUE, FALSE, 0);
    }
}

/* (poster) The posters scanned most: kiosks' scans in blue, phones' in
 * orange after them, the total at the end. */
static void
draw_posters (VtrActivityChart *self,
              cairo_t          *cr,
              double            x,
              double            y,
              double            width,
              double            height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double pt = body_points (widget);
  double row = MIN ((height - pt * 3) / VTR_CHART_TOP, pt * 3.6);
  gint64 max = 1;

  draw_panel (widget, cr, x, y, width, height, _("Posters scanned most (9 weeks)"));
  if (self->posters->len == 0)
    {
      draw_text (widget, cr, _("No poster scanned yet"), x + 12, y + pt * 3, pt, FALSE, FALSE, width - 24);
      return;
    }
  for (guint i = 0; i < self->posters->len; i++)
    {
      VtrShopTopPoster *top = g_ptr_array_index (self->posters, i);

      max = MAX (max, (gint64) top->kiosk + top->phone);
    }
  for (guint i = 0; i < MIN (self->posters->len, VTR_CHART_TOP); i++)
    {
      VtrShopTopPoster *top = g_ptr_array_index (self->posters, i);
      double ry = y + pt * 3 + i * row;
      double full = width - 24 - pt * 4;
      double kiosk = full * top->kiosk / (double) max;
      double phone = full * top->phone / (double) max;
      g_autofree char *total = g_strdup_printf ("%u", top->kiosk + top->phone);

      set_color (cr, "#1a5fb4");
      cairo_rectangle (cr, x + 12, ry + pt * 1.5, kiosk, row - pt * 1.9);
      cairo_fill (cr);
      set_color (cr, "#e66100");
      cairo_rectangle (cr, x + 12 + kiosk, ry + pt * 1.5, phone, row - pt * 1.9);
      cairo_fill (cr);
      set_color (cr, "#1e1e1e");
      draw_text (widget, cr, top->name ? top->name : _("The shop’s own code"), x + 12, ry, pt * 0.9, FALSE, FALSE,
                 width - 24);
      draw_text (widget, cr, total, x + 12 + kiosk + phone + 8, ry + pt * 1.5, pt, TRUE, FALSE, 0);
    }
}

static void
vtr_activity_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  VtrActivityChart *self = VTR_ACTIVITY_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gboolean portrait = width < 1300;
  int columns = portrait ? 1 : 2;
  int rows = N_PANELS / columns;
  double pw = (width - PANEL_GAP * (columns - 1)) / columns;
  double ph = (height - PANEL_GAP * (rows - 1)) / rows;
  gint64 points[VTR_CHART_WEEKS], returning[VTR_CHART_WEEKS], fresh[VTR_CHART_WEEKS];
  gint64 orders[VTR_CHART_WEEKS], kiosk[VTR_CHART_WEEKS], phone[VTR_CHART_WEEKS];
  char *waits[VTR_CHART_WEEKS];
  double px[N_PANELS], py[N_PANELS];
  cairo_t *cr;

  if (!self->has_stats || width <= 0 || height <= 0)
    return;
  for (int i = 0; i < N_PANELS; i++)
    {
      px[i] = (i % columns) * (pw + PANEL_GAP);
      py[i] = (i / columns) * (ph + PANEL_GAP);
    }
  for (int w = 0; w < VTR_CHART_WEEKS; w++)
    {
      const VtrShopWeek *week = &self->weeks[w];
      gint64 minutes = week->collect_median / 60;

      points[w] = week->points;
      returning[w] = week->customers_returning;
      fresh[w] = week->customers_new;
      orders[w] = week->orders;
      kiosk[w] = week->poster_scans_kiosk;
      phone[w] = week->poster_scans_phone;
      waits[w] = week->collect_median < 0 ? NULL
                 : minutes < 120 ? g_strdup_printf (_("%d min"), (int) minutes)
                 : g_strdup_printf (_("%d h"), (int) (minutes / 60));
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_weeks (self, cr, _("Points credited"), px[0], py[0], pw, ph, points, NULL, NULL, NULL, NULL);
  draw_weeks (self, cr, _("Customers: returning, and new (green)"), px[1], py[1], pw, ph, returning, fresh, NULL,
              "#26a269", "#8ff0a4");
  draw_weeks (self, cr, _("Orders, and the usual wait before collection"), px[2], py[2], pw, ph, orders, NULL,
              (const char **) waits, NULL, NULL);
  draw_top (self, cr, px[3], py[3], pw, ph);
  draw_weeks (self, cr, _("Poster scans: at kiosks, and on phones (orange)"), px[4], py[4], pw, ph, kiosk, phone,
              NULL, "#e66100", "#ffbe6f");
  draw_posters (self, cr, px[5], py[5], pw, ph);
  cairo_destroy (cr);
  for (int w = 0; w < VTR_CHART_WEEKS; w++)
    g_free (waits[w]);
}

static void
vtr_activity_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 480;
  else
    *minimum = *natural = (for_size > 0 && for_size < 1300) ? N_PANELS * PANEL_HEIGHT : N_PANELS / 2 * PANEL_HEIGHT;
}

/**
 * vtr_activity_chart_set_stats:
 * @stats: (nullable): the shop's weeks
 */
void
vtr_activity_chart_set_stats (VtrActivityChart   *self,
                              const VtrShopStats *stats)
{
  const VtrShopWeek *now;
  gint64 customers;

  g_return_if_fail (VTR_IS_ACTIVITY_CHART (self));

  g_ptr_array_set_size (self->top, 0);
  g_ptr_array_set_size (self->posters, 0);
  g_clear_pointer (&self->summary, g_free);
  memset (self->weeks, 0, sizeof self->weeks);
  self->has_stats = stats != NULL;
  if (stats)
    {
      /* The last weeks of those given, right-aligned: this week last. */
      guint n = MIN (stats->weeks->len, VTR_CHART_WEEKS);

      for (guint i = 0; i < n; i++)
        self->weeks[VTR_CHART_WEEKS - n + i] = g_array_index (stats->weeks, VtrShopWeek, stats->weeks->len - n + i);
      for (guint i = 0; i < VTR_CHART_WEEKS - n; i++)
        {
          self->weeks[i].collect_median = -1;
          self->weeks[i].starts = self->weeks[VTR_CHART_WEEKS - n].starts - (VTR_CHART_WEEKS - n - i) * 7 * 86400;
        }
      for (guint i = 0; i < stats->top_products->len; i++)
        {
          const VtrShopTopProduct *top = g_ptr_array_index (stats->top_products, i);
          VtrShopTopProduct *copy = g_new0 (VtrShopTopProduct, 1);

          copy->product_id = top->product_id;
          copy->name = g_strdup (top->name);
          copy->quantity = top->quantity;
          g_ptr_array_add (self->top, copy);
        }
      for (guint i = 0; stats->top_posters && i < stats->top_posters->len; i++)
        {
          const VtrShopTopPoster *top = g_ptr_array_index (stats->top_posters, i);
          VtrShopTopPoster *copy = g_memdup2 (top, sizeof *top);

          copy->name = g_strdup (top->name);
          g_ptr_array_add (self->posters, copy);
        }
      now = &self->weeks[VTR_CHART_WEEKS - 1];
      customers = now->customers_new + now->customers_returning;
      {
        g_autofree char *words =
          g_strdup_printf (_("This week: %lld points credited, %lld customers (%lld new), %lld orders"),
                           (long long) now->points, (long long) customers, (long long) now->customers_new,
                           (long long) now->orders);
        g_autofree char *posters =
          g_strdup_printf (_("%lld scans of the shop’s posters (%lld at kiosks, %lld on phones)"),
                           (long long) now->poster_scans, (long long) now->poster_scans_kiosk,
                           (long long) now->poster_scans_phone);

        self->summary = g_strconcat (words, "; ", posters, NULL);
      }
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      self->summary, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What the chart says in words: this week's figures. */
const char *
vtr_activity_chart_get_summary (VtrActivityChart *self)
{
  g_return_val_if_fail (VTR_IS_ACTIVITY_CHART (self), NULL);

  return self->summary;
}

static void
top_free (gpointer data)
{
  VtrShopTopProduct *top = data;

  g_free (top->name);
  g_free (top);
}

static void
poster_free (gpointer data)
{
  VtrShopTopPoster *top = data;

  g_free (top->name);
  g_free (top);
}

static void
vtr_activity_chart_finalize (GObject *object)
{
  VtrActivityChart *self = VTR_ACTIVITY_CHART (object);

  g_ptr_array_unref (self->top);
  g_ptr_array_unref (self->posters);
  g_free (self->summary);
  G_OBJECT_CLASS (vtr_activity_chart_parent_class)->finalize (object);
}

static void
vtr_activity_chart_class_init (VtrActivityChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vtr_activity_chart_finalize;
  widget_class->snapshot = vtr_activity_chart_snapshot;
  widget_class->measure = vtr_activity_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "activitychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vtr_activity_chart_init (VtrActivityChart *self)
{
  self->top = g_ptr_array_new_with_free_func (top_free);
  self->posters = g_ptr_array_new_with_free_func (poster_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("How the shop does, week by week"), -1);
}

GtkWidget *
vtr_activity_chart_new (void)
{
  return g_object_new (VTR_TYPE_ACTIVITY_CHART, NULL);
}

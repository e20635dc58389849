#include "config.h"

#include <adwaita.h>

#include "vtr-flip-box.h"
#include "vtr-text-column.h"

/*
 * The screens' own layout widgets: VtrFlipBox (two columns side by side,
 * or one above the other) and VtrTextColumn (a list row's wrapped text).
 * Each lays out what it holds once, at its final size: what a frame of
 * the kiosk costs depends on it (tests/bench/bench-main-thread --phases).
 */

#define WIDTH 1600
#define HEIGHT 900
#define SPACING 12

/* A column that counts the times it is allocated (a drawing area says
 * "resize" each time). */
static GtkWidget *
column_new (int width)
{
  GtkWidget *column = gtk_drawing_area_new ();

  gtk_widget_set_size_request (column, width, 100);
  g_object_set_data (G_OBJECT (column), "allocations", GINT_TO_POINTER (0));
  return column;
}

static void
on_resize (GtkDrawingArea *column,
           int             width,
           int             height,
           gpointer        data)
{
  g_object_set_data (G_OBJECT (column), "allocations",
                     GINT_TO_POINTER (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "allocations")) + 1));
}

static int
allocations (GtkWidget *column)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "allocations"));
}

/* A flip box as the product screen has it: a list and its map. */
static GtkWidget *
flip_box_new (GtkWidget **first,
              GtkWidget **second,
              double      first_share)
{
  GtkWidget *box = g_object_new (VTR_TYPE_FLIP_BOX, "spacing", SPACING, "wide-width", 1200, "first-share",
                                 first_share, NULL);

  *first = column_new (300);
  *second = column_new (300);
  g_signal_connect (*first, "resize", G_CALLBACK (on_resize), NULL);
  g_signal_connect (*second, "resize", G_CALLBACK (on_resize), NULL);
  vtr_flip_box_append (VTR_FLIP_BOX (box), *first);
  vtr_flip_box_append (VTR_FLIP_BOX (box), *second);
  return g_object_ref_sink (box);
}

static void
lay_out (GtkWidget *widget,
         int        width,
         int        height)
{
  int minimum;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &minimum, NULL, NULL, NULL);
  gtk_widget_allocate (widget, width, height, -1, NULL);
}

static graphene_rect_t
place (GtkWidget *child,
       GtkWidget *box)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (child, box, &bounds));
  return bounds;
}

/* Side by side, the list its share of the width and the map the rest:
 * each given that size alone, not first half the width and then its
 * share (every wrapped label in a column laid out twice a frame). */
static void
test_flip_box_share_once (void)
{
  GtkWidget *first, *second;
  g_autoptr(GtkWidget) box = flip_box_new (&first, &second, 0.58);
  int first_width = (int) ((WIDTH - SPACING) * 0.58);
  graphene_rect_t a, b;

  lay_out (box, WIDTH, HEIGHT);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.x, ==, 0);
  g_assert_cmpfloat (a.size.width, ==, first_width);
  g_assert_cmpfloat (b.origin.x, ==, first_width + SPACING);
  g_assert_cmpfloat (b.size.width, ==, WIDTH - SPACING - first_width);
  g_assert_cmpfloat (a.size.height, ==, HEIGHT);
  g_assert_cmpint (allocations (first), ==, 1);
  g_assert_cmpint (allocations (second), ==, 1);

  /* Laid out again (a row added to the list): the list allocated once
   * more, at the same size, and the map left as it was. */
  gtk_widget_queue_resize (first);
  lay_out (box, WIDTH, HEIGHT);
  g_assert_cmpfloat (place (first, box).size.width, ==, first_width);
  g_assert_cmpint (allocations (first), ==, 2);
  g_assert_cmpint (allocations (second), ==, 1);
}

/* In a language written right to left the list stands on the right. */
static void
test_flip_box_right_to_left (void)
{
  GtkWidget *first, *second;
  g_autoptr(GtkWidget) box = flip_box_new (&first, &second, 0.58);
  int first_width = (int) ((WIDTH - SPACING) * 0.58);
  graphene_rect_t a, b;

  gtk_widget_set_direction (box, GTK_TEXT_DIR_RTL);
  lay_out (box, WIDTH, HEIGHT);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.x, ==, WIDTH - first_width);
  g_assert_cmpfloat (a.size.width, ==, first_width);
  g_assert_cmpfloat (b.origin.x, ==, 0);
  g_assert_cmpfloat (b.size.width, ==, WIDTH - SPACING - first_width);

  /* Equal shares too. */
  g_object_set (box, "first-share", 0.0, NULL);
  lay_out (box, WIDTH, HEIGHT);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.x, ==, WIDTH - (WIDTH - SPACING) / 2);
  g_assert_cmpfloat (b.origin.x, ==, 0);
}

/* Under its wide width (a portrait screen) one above the other, the
 * whole width each, the height shared. */
static void
test_flip_box_turns (void)
{
  GtkWidget *first, *second;
  g_autoptr(GtkWidget) box = flip_box_new (&first, &second, 0.58);
  graphene_rect_t a, b;

  lay_out (box, 1080, 1600);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.y, ==, 0);
  g_assert_cmpfloat (a.size.width, ==, 1080);
  g_assert_cmpfloat (b.size.width, ==, 1080);
  g_assert_cmpfloat (a.size.height, ==, (1600 - SPACING) / 2);
  g_assert_cmpfloat (b.origin.y, ==, (1600 - SPACING) / 2 + SPACING);
  g_assert_cmpint (allocations (first), ==, 1);
}

/* Without a wide width (a keypad beside its screen), the columns stand
 * centred at their natural sizes, side by side where they fit. */
static void
test_flip_box_natural (void)
{
  GtkWidget *box = g_object_ref_sink (vtr_flip_box_new (10));
  GtkWidget *first = column_new (200), *second = column_new (300);
  graphene_rect_t a, b;

  vtr_flip_box_append (VTR_FLIP_BOX (box), first);
  vtr_flip_box_append (VTR_FLIP_BOX (box), second);
  lay_out (box, 1000, 400);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.x, ==, (1000 - 510) / 2);
  g_assert_cmpfloat (a.size.width, ==, 200);
  g_assert_cmpfloat (b.origin.x, ==, (1000 - 510) / 2 + 210);
  g_assert_cmpfloat (a.origin.y, ==, (400 - 100) / 2);

  /* Too narrow for both: one above the other, centred. */
  lay_out (box, 400, 400);
  a = place (first, box);
  b = place (second, box);
  g_assert_cmpfloat (a.origin.y, ==, (400 - 210) / 2);
  g_assert_cmpfloat (b.origin.y, ==, (400 - 210) / 2 + 110);
  g_assert_cmpfloat (a.origin.x, ==, (400 - 300) / 2);
  g_assert_cmpfloat (a.size.width, ==, 300);
  g_assert_cmpfloat (b.origin.x, ==, (400 - 300) / 2);
  g_object_unref (box);
}

/* One above the other without a wide width, the columns stand at the
 * widest one's natural width: the box's height is measured at that width
 * too. (It was measured at the whole width, where a form's wrapped labels
 * take fewer lines: in a page that scrolls, the last column, a keypad,
 * stood below the page's end, out of reach.) */
static void
test_flip_box_turned_height (void)
{
  GtkWidget *box = g_object_ref_sink (vtr_flip_box_new (10));
  GtkWidget *form = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Ce que propose la boutique : touchez pour choisir, et les collectes qu’elle "
                                    "reçoit, les vêtements, les cartons, l’huile de friture usagée");
  GtkWidget *keypad = column_new (500);
  int height, keypad_bottom;
  graphene_rect_t k;

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_set_size_request (form, 480, -1);
  gtk_box_append (GTK_BOX (form), label);
  vtr_flip_box_append (VTR_FLIP_BOX (box), form);
  vtr_flip_box_append (VTR_FLIP_BOX (box), keypad);
  /* 480 + 10 + 500 do not fit in 900: one above the other, 500 wide. */
  gtk_widget_measure (box, GTK_ORIENTATION_VERTICAL, 900, &height, NULL, NULL, NULL);
  lay_out (box, 900, height);
  k = place (keypad, box);
  keypad_bottom = (int) (k.origin.y + k.size.height);
  g_assert_cmpfloat (k.size.width, ==, 500);
  g_assert_cmpfloat (k.size.height, ==, 100);
  g_assert_cmpint (keypad_bottom, <=, height);
  g_object_unref (box);
}

/* A list row's wrapped text is asked its width at a height by the row's
 * box: its answer is its width for no height at all, the text wrapping to
 * what it is given. A wrapped GtkLabel would answer by laying its text out
 * again and again, narrower each time, until it no longer fits the height:
 * a dozen layouts a row, and a wider answer. */
static void
test_text_column_width (void)
{
  static const char *text = "Boucherie de la Joliette, 388 m, 7 min à pied, ouvert jusqu'à 19 h 30";
  GtkWidget *column = g_object_ref_sink (vtr_text_column_new (4));
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  GtkWidget *label_in_box = gtk_label_new (text);
  int free_min, free_nat, one_line, min, nat;

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label_in_box), TRUE);
  vtr_text_column_append (VTR_TEXT_COLUMN (column), label);
  gtk_box_append (GTK_BOX (box), label_in_box);

  gtk_widget_measure (column, GTK_ORIENTATION_HORIZONTAL, -1, &free_min, &free_nat, NULL, NULL);
  gtk_widget_measure (column, GTK_ORIENTATION_VERTICAL, -1, &one_line, NULL, NULL, NULL);
  gtk_widget_measure (column, GTK_ORIENTATION_HORIZONTAL, one_line, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, free_min);
  g_assert_cmpint (nat, ==, free_nat);
  /* Its height still follows the width it is given. */
  {
    int narrow, wide;

    gtk_widget_measure (column, GTK_ORIENTATION_VERTICAL, free_min, &narrow, NULL, NULL, NULL);
    gtk_widget_measure (column, GTK_ORIENTATION_VERTICAL, free_nat, &wide, NULL, NULL, NULL);
    g_assert_cmpint (narrow, >, wide);
  }
  /* What a plain box answers: the whole text on one line. */
  gtk_widget_measure (box, GTK_ORIENTATION_HORIZONTAL, one_line, &min, NULL, NULL, NULL);
  g_assert_cmpint (min, >, free_min);

  g_object_unref (box);
  g_object_unref (column);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/flip-box/share-once", test_flip_box_share_once);
  g_test_add_func ("/flip-box/right-to-left", test_flip_box_right_to_left);
  g_test_add_func ("/flip-box/turns", test_flip_box_turns);
  g_test_add_func ("/flip-box/natural", test_flip_box_natural);
  g_test_add_func ("/flip-box/turned-height", test_flip_box_turned_height);
  g_test_add_func ("/text-column/width", test_text_column_width);
  return g_test_run ();
}

#pragma once

#include <adwaita.h>

#include "vtr-catalog-service.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-info-row.h"
#include "vtr-test-util.h"

/*
 * A screen of the kiosk app on its own, as its unit test drives it: in a
 * window whose "win" action group records the actions the screen asks
 * for, with a real catalogue service on a temporary data folder holding
 * the demo catalogue.
 */

typedef struct
{
  char               *data_dir;
  VtrCatalogService  *catalog;
  GtkWindow          *window;
  GSimpleActionGroup *win;
  GPtrArray          *fired; /* "show-merchant 9", "order (13, 9)", "browse" */
} VtrTestScreen;

static inline void
vtr_test_screen_record (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       data)
{
  GPtrArray *fired = data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (parameter)
    {
      g_autofree char *value = g_variant_print (parameter, FALSE);

      g_ptr_array_add (fired, g_strdup_printf ("%s %s", name, value));
    }
  else
    g_ptr_array_add (fired, g_strdup (name));
}

/* The data folder with the demo catalogue, made once per test program. */
static inline char *
vtr_test_screen_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = vtr_test_make_data_dir ();
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  VtrDemoCounts counts;

  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  g_assert_no_error (error);
  return dir;
}

/* English: the screens' words are checked as written in the code. */
static inline void
vtr_test_screen_init (int    *argc,
                      char ***argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  vtr_i18n_init ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

static inline void
vtr_test_screen_set_up (VtrTestScreen *fixture,
                        const char    *data_dir,
                        GtkWidget     *screen)
{
  static const GActionEntry entries[] = {
    { "show-product", vtr_test_screen_record, "(xx)" },
    { "show-merchant", vtr_test_screen_record, "x" },
    { "search", vtr_test_screen_record, "s" },
    { "show-service", vtr_test_screen_record, "s" },
    { "browse", vtr_test_screen_record },
    { "show-civic", vtr_test_screen_record },
    { "order", vtr_test_screen_record, "(xx)" },
    { "show-admin", vtr_test_screen_record },
    { "allow-pairing", vtr_test_screen_record },
    { "leave-kiosk", vtr_test_screen_record },
    { "back", vtr_test_screen_record },
    { "go-home", vtr_test_screen_record },
    { "toast", vtr_test_screen_record, "s" },
    { "play-tone", vtr_test_screen_record, "s" },
  };

  fixture->data_dir = g_strdup (data_dir);
  fixture->fired = g_ptr_array_new_with_free_func (g_free);
  fixture->win = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->win), entries, G_N_ELEMENTS (entries), fixture->fired);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_widget_add_css_class (GTK_WIDGET (fixture->window), "vitrine");
  gtk_window_set_default_size (fixture->window, 1280, 800);
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "win", G_ACTION_GROUP (fixture->win));
  gtk_window_set_child (fixture->window, screen);
  gtk_window_present (fixture->window);
}

static inline void
vtr_test_screen_tear_down (VtrTestScreen *fixture)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->win);
  g_clear_pointer (&fixture->fired, g_ptr_array_unref);
  g_clear_pointer (&fixture->data_dir, g_free);
  /* The service's last reference goes with the screen's; answers still on
   * their way hold it until they arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (fixture->catalog)
    g_assert_finalize_object (fixture->catalog);
  fixture->catalog = NULL;
}

/* Turns the main loop until the screen has its catalogue's answer. */
static inline void
vtr_test_screen_wait_loaded (GtkWidget *screen)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  gboolean loading = TRUE;

  while (g_get_monotonic_time () < deadline)
    {
      g_object_get (screen, "loading", &loading, NULL);
      if (!loading)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_false (loading);
  /* Let the new rows be laid out. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static inline GtkWidget *
vtr_test_screen_find_name (GtkWidget  *widget,
                           const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vtr_test_screen_find_name (child, name);

      if (found)
        return found;
    }
  return NULL;
}

/* The titles of a list's rows, in order, joined by " | ". */
static inline char *
vtr_test_screen_row_titles (GtkWidget  *screen,
                            const char *list_name)
{
  GtkWidget *list = vtr_test_screen_find_name (screen, list_name);
  g_autoptr(GString) titles = g_string_new (NULL);

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))
      g_string_append_printf (titles, "%s%s", titles->len ? " | " : "", vtr_info_row_get_title (row));
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

/* How many rows a list shows. */
static inline guint
vtr_test_screen_count_rows (GtkWidget  *screen,
                            const char *list_name)
{
  GtkWidget *list = vtr_test_screen_find_name (screen, list_name);
  guint n = 0;

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))
      n++;
  return n;
}

/* How many rows all the lists of @widget show. */
static inline guint
vtr_test_screen_count_all_rows (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child))
        n += gtk_widget_get_visible (child) ? 1 : 0;
      else
        n += vtr_test_screen_count_all_rows (child);
    }
  return n;
}

/*
 * Shows @screen's answer, as the window does, and checks that the rows of
 * its list @list_name (all its lists when %NULL) come a frame apart: two in the frame that shows the
 * answer, the screen still "loading", then never more than one more at a
 * time. Returns once the screen has all its rows.
 */
static inline void
vtr_test_screen_check_rows_a_frame_apart (GtkWidget  *screen,
                                          const char *list_name)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_first_child (screen));
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  gboolean loading = TRUE;
  guint shown, before;

  while (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "content") != 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");

  /* The answer shown: its first rows, and the rest to come. */
  shown = list_name ? vtr_test_screen_count_rows (screen, list_name) : vtr_test_screen_count_all_rows (screen);
  g_assert_cmpuint (shown, ==, 2);
  g_object_get (screen, "loading", &loading, NULL);
  g_assert_true (loading);

  /* Then one more a frame, never all at once. */
  while (loading && g_get_monotonic_time () < deadline)
    {
      before = shown;
      g_main_context_iteration (NULL, TRUE);
      shown = list_name ? vtr_test_screen_count_rows (screen, list_name) : vtr_test_screen_count_all_rows (screen);
      g_assert_cmpuint (shown, <=, before + 1);
      g_object_get (screen, "loading", &loading, NULL);
    }
  g_assert_false (loading);
}

static inline GtkWidget *
vtr_test_screen_row (GtkWidget  *screen,
                     const char *list_name,
                     guint       index)
{
  GtkWidget *list = vtr_test_screen_find_name (screen, list_name);

  g_assert_nonnull (list);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), index));
}

/* Whether some visible label of @widget reads @text exactly. */
static inline gboolean
vtr_test_screen_shows (GtkWidget  *widget,
                       const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 &&
      gtk_widget_is_drawable (widget))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (vtr_test_screen_shows (child, text))
      return TRUE;
  return FALSE;
}

/* Every button and row has a name a screen reader can say, and no body
 * text is dimmed below 4.5:1. */
static inline guint
vtr_test_screen_check_names (GtkWidget *widget)
{
  guint checked = 0;

  if (!gtk_widget_get_visible (widget))
    return 0;
  g_assert_false (gtk_widget_has_css_class (widget, "dim-label"));
  if (GTK_IS_BUTTON (widget) || GTK_IS_LIST_BOX_ROW (widget) || GTK_IS_FLOW_BOX_CHILD (widget))
    {
      const char *label = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;

      if ((label == NULL || *label == '\0') &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          !(GTK_IS_FLOW_BOX_CHILD (widget) && GTK_IS_BUTTON (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (widget)))))
        g_error ("a %s has no name", G_OBJECT_TYPE_NAME (widget));
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += vtr_test_screen_check_names (child);
  return checked;
}

static inline char *
vtr_test_screen_fired (VtrTestScreen *fixture)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < fixture->fired->len; i++)
    g_string_append_printf (all, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (fixture->fired, i));
  return g_string_free (g_steal_pointer (&all), FALSE);
}

/* The name a screen reader gives @widget: its label, what labels it, the
 * text it shows, or the preferences row it is in. */
static inline gboolean
vtr_test_screen_has_name (GtkWidget *widget)
{
  GtkWidget *child;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) &&
      *gtk_button_get_label (GTK_BUTTON (widget)))
    return TRUE;
  child = GTK_IS_BUTTON (widget) ? gtk_button_get_child (GTK_BUTTON (widget)) : NULL;
  if (child && GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)))
    return TRUE;
  for (GtkWidget *up = widget; up; up = gtk_widget_get_parent (up))
    if (ADW_IS_PREFERENCES_ROW (up))
      return *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (up)) != '\0';
  return FALSE;
}

/* Every control on screen (buttons, entries, switches, lists) has a name,
 * as the counter and the administration need; returns how many were
 * checked. vtr_test_screen_check_names() is the catalogue screens' rule. */
static inline guint
vtr_test_screen_check_controls (GtkWidget *widget)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_BUTTON (widget) || GTK_IS_ENTRY (widget) || GTK_IS_SWITCH (widget) || GTK_IS_LIST_BOX (widget))
    {
      if (!vtr_test_screen_has_name (widget))
        g_error ("a %s without a name, in a %s", G_OBJECT_TYPE_NAME (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += vtr_test_screen_check_controls (child);
  return checked;
}

/* The kiosk's displays, landscape and portrait:
 * `static const VtrTestDisplay displays[] = VTR_TEST_DISPLAYS;` */
typedef struct
{
  int width;
  int height;
} VtrTestDisplay;

#define VTR_TEST_DISPLAYS { { 1920, 1080 }, { 1080, 1920 }, { 1366, 768 }, { 1280, 800 } }

/* What an AdwHeaderBar takes above the screens. */
#define VTR_TEST_HEADER_HEIGHT 47

/* The app's style sheet on the display and @window, as the kiosk shows
 * its screens; vtr_test_screen_drop_style() takes it away. */
static inline GtkCssProvider *
vtr_test_screen_use_style (GtkWindow *window)
{
  GtkCssProvider *style = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (style, "/fr/vitrine/Vitrine/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_add_css_class (GTK_WIDGET (window), "vitrine");
  return style;
}

static inline void
vtr_test_screen_drop_style (GtkCssProvider *style)
{
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style));
}

/* What in @node GTK's cairo renderer draws at a cost out of proportion
 * with what it shows, over more than a few pins' area: a shadow blurred
 * on the processor, a border whose sides differ in colour (a mesh
 * gradient computed over its whole box), a cross-fade (the screen drawn
 * twice and blended). Counted in @found, described in @what. */
static inline void
vtr_test_screen_find_costly_nodes (GskRenderNode *node,
                                   GString       *what,
                                   guint         *found)
{
  graphene_rect_t bounds;
  const double small = 120 * 120;

  gsk_render_node_get_bounds (node, &bounds);
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        vtr_test_screen_find_costly_nodes (gsk_container_node_get_child (node, i), what, found);
      return;
    case GSK_TRANSFORM_NODE:
      vtr_test_screen_find_costly_nodes (gsk_transform_node_get_child (node), what, found);
      return;
    case GSK_CLIP_NODE:
      vtr_test_screen_find_costly_nodes (gsk_clip_node_get_child (node), what, found);
      return;
    case GSK_ROUNDED_CLIP_NODE:
      vtr_test_screen_find_costly_nodes (gsk_rounded_clip_node_get_child (node), what, found);
      return;
    case GSK_OPACITY_NODE:
      vtr_test_screen_find_costly_nodes (gsk_opacity_node_get_child (node), what, found);
      return;
    case GSK_COLOR_MATRIX_NODE:
      vtr_test_screen_find_costly_nodes (gsk_color_matrix_node_get_child (node), what, found);
      return;
    case GSK_DEBUG_NODE:
      vtr_test_screen_find_costly_nodes (gsk_debug_node_get_child (node), what, found);
      return;
    case GSK_SHADOW_NODE:
      vtr_test_screen_find_costly_nodes (gsk_shadow_node_get_child (node), what, found);
      return;
    case GSK_CROSS_FADE_NODE:
      g_string_append_printf (what, "a cross-fade of %.0fx%.0f; ", bounds.size.width, bounds.size.height);
      (*found)++;
      return;
    case GSK_OUTSET_SHADOW_NODE:
      if (gsk_outset_shadow_node_get_blur_radius (node) > 0)
        {
          g_string_append_printf (what, "a blurred shadow of %.0fx%.0f; ", bounds.size.width, bounds.size.height);
          (*found)++;
        }
      return;
    case GSK_BORDER_NODE:
      {
        const GdkRGBA *colors = gsk_border_node_get_colors (node);

        if (bounds.size.width * bounds.size.height > small &&
            (!gdk_rgba_equal (&colors[0], &colors[1]) || !gdk_rgba_equal (&colors[0], &colors[2]) ||
             !gdk_rgba_equal (&colors[0], &colors[3])))
          {
            g_string_append_printf (what, "a border of sides in different colours, %.0fx%.0f; ", bounds.size.width,
                                    bounds.size.height);
            (*found)++;
          }
      }
      return;
    default:
      return;
    }
}

/* @widget's picture as it is: what costs more to draw than
 * it shows, described, or an empty string. */
static inline char *
vtr_test_screen_costly_drawing (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  g_autoptr(GskRenderNode) node = NULL;
  GString *what = g_string_new (NULL);
  guint found = 0;

  /* A widget waiting to be laid out has no picture yet. */
  while (node == NULL && g_get_monotonic_time () < deadline)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (node);
  vtr_test_screen_find_costly_nodes (node, what, &found);
  return g_string_free (what, FALSE);
}

/* A catalogue screen asked to show an answer: it shows at once, from
 * the loading page, without a cross-fade (the whole screen drawn twice a
 * frame), and once all of it is there nothing in its picture costs more
 * to draw than it shows. */
static inline void
vtr_test_screen_assert_cheap_to_draw (GtkWidget *screen)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_first_child (screen));
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  g_autofree char *costly = NULL;

  while (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "content") != 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");
  g_assert_false (gtk_stack_get_transition_running (stack));
  vtr_test_screen_wait_loaded (screen);
  costly = vtr_test_screen_costly_drawing (screen);
  g_assert_cmpstr (costly, ==, "");
}

/* Until @window has the size asked, and its screens were laid out for it
 * (landscape or portrait). */
static inline void
vtr_test_screen_resize (GtkWindow *window,
                        int        width,
                        int        height)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  gint64 settle;

  gtk_window_set_default_size (window, width, height);
  gtk_widget_set_size_request (GTK_WIDGET (window), width, height);
  while ((gtk_widget_get_width (GTK_WIDGET (window)) != width || gtk_widget_get_height (GTK_WIDGET (window)) != height) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, height);
  settle = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < settle)
    vtr_test_iterate ();
}

/* @screen fits @display without clipping: its smallest size is within
 * what the window leaves under its header bar. */
static inline void
vtr_test_screen_assert_fits (GtkWidget            *screen,
                             const VtrTestDisplay *display)
{
  int min_width, min_height, nat;

  gtk_widget_measure (screen, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat, NULL, NULL);
  gtk_widget_measure (screen, GTK_ORIENTATION_VERTICAL, display->width, &min_height, &nat, NULL, NULL);
  g_test_message ("%d×%d: %s needs at least %d×%d", display->width, display->height, G_OBJECT_TYPE_NAME (screen),
                  min_width, min_height);
  g_assert_cmpint (min_width, <=, display->width);
  g_assert_cmpint (min_height, <=, display->height - VTR_TEST_HEADER_HEIGHT);
}

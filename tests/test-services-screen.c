#include "config.h"

#include "vtr-service.h"
#include "vtr-services-screen.h"
#include "vtr-test-screen.h"

/*
 * The trades grid: a button for each trade of the federation, named by
 * it, asking the window for its shops.
 */

typedef struct
{
  VtrTestScreen      base;
  VtrServicesScreen *screen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->screen = VTR_SERVICES_SCREEN (vtr_services_screen_new ());
  vtr_test_screen_set_up (&fixture->base, "", GTK_WIDGET (fixture->screen));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vtr_test_screen_tear_down (&fixture->base);
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  if (GTK_IS_BUTTON (widget))
    g_ptr_array_add (buttons, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_buttons (child, buttons);
}

static void
test_grid (Fixture       *fixture,
           gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  guint n = 0;
  const VtrService *services = vtr_service_all (&n);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (vtr_test_screen_shows (screen, "What are you looking for?"));
  collect_buttons (screen, buttons);
  g_assert_cmpuint (buttons->len, ==, n);
  g_assert_cmpuint (n, >, 10);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (gtk_button_get_label (g_ptr_array_index (buttons, i)), ==, vtr_service_label (&services[i]));
  g_assert_true (vtr_test_screen_shows (screen, "Bakery"));
  g_assert_cmpuint (vtr_test_screen_check_names (screen), >=, n);
}

static void
test_buttons_ask_for_shops (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *screen = GTK_WIDGET (fixture->screen);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *fired = NULL;
  GtkWidget *bakery = NULL;

  collect_buttons (screen, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_str_equal (gtk_button_get_label (g_ptr_array_index (buttons, i)), "Bakery"))
      bakery = g_ptr_array_index (buttons, i);
  g_assert_nonnull (bakery);

  /* A tap on "Bakery", and the screen's action as a shortcut would. */
  g_signal_emit_by_name (bakery, "clicked");
  gtk_widget_activate_action (screen, "services.show", "s", "savonnerie");
  fired = vtr_test_screen_fired (&fixture->base);
  g_assert_cmpstr (fired, ==, "show-service 'boulangerie'; show-service 'savonnerie'");
}

int
main (int   argc,
      char *argv[])
{
  vtr_test_screen_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/services-screen/grid", test_grid);
  ADD ("/services-screen/buttons-ask-for-shops", test_buttons_ask_for_shops);
#undef ADD

  return g_test_run ();
}

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vtr-catalog-service.h"
#include "vtr-demo.h"
#include "vtr-i18n.h"
#include "vtr-order-placed-screen.h"
#include "vtr-order-screen.h"
#include "vtr-orders.h"
#include "vtr-print-queue.h"
#include "vtr-print-service.h"
#include "vtr-ticket.h"
#include "vtr-test-util.h"

/*
 * An order collected from a parcel locker: nothing the customer reads
 * (the basket's total, the ticket, the screen once it printed) sends them
 * to a counter or asks them to pay at the shop. The same words for an
 * order collected at the shop still do, which shows the test can fail.
 */

static char *data_dir;

static const char * const at_the_counter[] = {
  "comptoir", "counter", "payer au magasin", "pay at the shop", "to pay on collection", "payer au retrait",
  NULL,
};

static gboolean
sends_to_counter (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text ? text : "", -1);

  for (guint i = 0; at_the_counter[i]; i++)
    if (strstr (lower, at_the_counter[i]))
      return TRUE;
  return FALSE;
}

static gboolean
ticket_sends_to_counter (const VtrTicket *ticket)
{
  if (sends_to_counter (ticket->total_label) || sends_to_counter (ticket->qr_caption))
    return TRUE;
  for (guint i = 0; i < ticket->notes->len; i++)
    if (sends_to_counter (g_ptr_array_index (ticket->notes, i)))
      return TRUE;
  return FALSE;
}

static VtrOrder *
demo_order (gint64 locker_id)
{
  VtrOrder *order = g_new0 (VtrOrder, 1);
  VtrOrderLine line = { 13, 1, 250 };

  order->uuid = g_uuid_string_random ();
  order->number = g_strdup ("KX-0007");
  order->pickup_code = g_strdup ("HTTPS://VTR13.FR/O/KX-0007/K1/X");
  order->merchant_id = 1;
  order->locker_id = locker_id;
  order->first_name = g_strdup ("Olive");
  order->phone = g_strdup ("0612345678");
  order->total_cents = 250;
  order->created = 1795740429;
  order->lines = g_array_new (FALSE, TRUE, sizeof (VtrOrderLine));
  g_array_append_val (order->lines, line);
  return order;
}

static void
test_ticket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  g_autoptr(VtrOrder) at_shop = demo_order (0);
  g_autoptr(VtrOrder) in_locker = demo_order (9);
  g_autoptr(VtrTicket) shop_ticket = vtr_ticket_new_order (catalog, at_shop);
  g_autoptr(VtrTicket) locker_ticket = vtr_ticket_new_order (catalog, in_locker);

  g_assert_true (ticket_sends_to_counter (shop_ticket));
  g_assert_false (ticket_sends_to_counter (locker_ticket));
  /* The order's code is still printed: scanned at a kiosk, it says where
   * the order is. */
  g_assert_cmpstr (locker_ticket->qr, ==, in_locker->pickup_code);
}

/* The words once the ticket printed, or could not. */
static const char *
words_after_print (GtkWindow       *window,
                   VtrPrintService *printer,
                   gboolean         locker)
{
  GtkWidget *placed = vtr_order_placed_screen_new ("KX-0008", "https://vtr13.fr/O/KX-0008", printer);
  VtrTicket *ticket = vtr_ticket_new (VTR_TICKET_RECEIPT, "KX-0008", NULL);
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  const char *printing;

  ticket->title = g_strdup ("KX-0008");
  gtk_window_set_child (window, placed);
  vtr_order_placed_screen_set_locker (VTR_ORDER_PLACED_SCREEN (placed), locker);
  vtr_order_placed_screen_print (VTR_ORDER_PLACED_SCREEN (placed), ticket);
  printing = vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (placed));
  g_assert_nonnull (printing);
  {
    g_autofree char *before = g_strdup (printing);

    while (g_strcmp0 (vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (placed)), before) == 0 &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  return vtr_order_placed_screen_get_words (VTR_ORDER_PLACED_SCREEN (placed));
}

static void
test_placed_screen (void)
{
  g_autofree char *pdf = g_build_filename (data_dir, "placed.pdf", NULL);
  g_autofree char *to = g_strconcat ("pdf:", pdf, NULL);
  const char *targets[] = { to, "tcp:127.0.0.1:1" };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(VtrPrintService) printer = vtr_print_service_new (data_dir);
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());

      vtr_print_service_set_target (printer, targets[i]);
      gtk_window_present (window);
      g_assert_true (sends_to_counter (words_after_print (window, printer, FALSE)));
      g_test_message ("%s: %s", targets[i], words_after_print (window, printer, TRUE));
      g_assert_false (sends_to_counter (words_after_print (window, printer, TRUE)));
      gtk_window_destroy (window);
      vtr_test_spin (50);
    }
}

static const char *
total_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), "Total"))
    return gtk_label_get_text (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *found = total_label (child);

      if (found)
        return found;
    }
  return NULL;
}

/* The basket's total, as the customer chooses how to collect. */
static void
test_basket_total (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalogService) catalog = vtr_catalog_service_new (data_dir);
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 10 * G_USEC_PER_SEC;
  VtrPosition here = { 43.2951, 5.3744 };
  VtrOrderScreen *basket = VTR_ORDER_SCREEN (g_object_ref_sink (vtr_order_screen_new ()));
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  vtr_order_screen_set_catalog (basket, catalog, &here);
  gtk_window_set_child (window, GTK_WIDGET (basket));
  gtk_window_present (window);
  vtr_order_screen_add (basket, 13, 9);
  while (vtr_order_screen_get_loading (basket) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vtr_order_screen_count_items (basket), ==, 1);
  g_assert_nonnull (total_label (GTK_WIDGET (basket)));
  g_assert_true (sends_to_counter (total_label (GTK_WIDGET (basket))));
  g_assert_cmpuint (vtr_order_screen_count_lockers (basket), >=, 1);
  vtr_order_screen_choose_pickup (basket, 1);
  g_test_message ("locker: %s", total_label (GTK_WIDGET (basket)));
  g_assert_false (sends_to_counter (total_label (GTK_WIDGET (basket))));
  vtr_order_screen_choose_pickup (basket, 0);
  g_assert_true (sends_to_counter (total_label (GTK_WIDGET (basket))));
  vtr_order_screen_clear (basket);
  gtk_window_destroy (window);
  vtr_test_spin (50);
  g_assert_finalize_object (basket);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LANGUAGE", "fr", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
  }

  g_test_add_func ("/locker-wording/ticket", test_ticket);
  g_test_add_func ("/locker-wording/placed-screen", test_placed_screen);
  g_test_add_func ("/locker-wording/basket-total", test_basket_total);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

/*
 * The child of test-loyalty's crash test: credits purchases and places
 * orders, in turn, as fast as it can, and prints each one's UUID once its
 * transaction has committed. The test kills it with SIGKILL at random
 * moments.
 *
 *   journal-writer DATA_DIR SESSION
 */
#include "config.h"

#include <stdio.h>

#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-orders.h"

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;

  if (argc != 3)
    return 2;
  store = vtr_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0;; i++)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (i % 2 == 0)
        {
          g_autofree char *card = vtr_flashcode_new_card_id ();
          g_auto(VtrLoyaltyReceipt) receipt = { 0 };

          if (!vtr_loyalty_credit (store, argv[2], card, 100, NULL, 0, now, &receipt, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          /* Said only once it is on disk. */
          printf ("credit %s\n", receipt.uuid);
        }
      else
        {
          VtrOrderLine line = { 10, 1, 0 };
          g_autoptr(VtrOrder) order = vtr_order_create (store, 1, &line, 1, 0, "Zoé", "0611223344",
                                                        now, &error);

          if (order == NULL)
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          printf ("order %s\n", order->uuid);
        }
      fflush (stdout);
    }
}

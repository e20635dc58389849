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
#include "vtr-store-private.h"

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
          g_auto(VtrLoyaltyReceipt) receipt = { 0 };
          gboolean credited = FALSE;

          /* A card of the customers the test scanned, picked at random (a
           * card at its daily cap is passed over: the cap writes nothing). */
          while (!credited)
            {
              g_autofree char *from = vtr_flashcode_new_card_id ();
              g_autofree char *card = NULL;
              g_autoptr(VtrStatement) next =
                vtr_store_statement (store,
                                     "SELECT card_id FROM journal.card WHERE card_id >= ? "
                                     "AND code IS NOT NULL ORDER BY card_id LIMIT 1",
                                     &error);

              if (next == NULL)
                {
                  g_printerr ("%s\n", error->message);
                  return 1;
                }
              sqlite3_bind_text (next, 1, from, -1, SQLITE_STATIC);
              if (sqlite3_step (next) != SQLITE_ROW)
                continue;
              card = g_strdup ((const char *) sqlite3_column_text (next, 0));
              g_clear_pointer (&next, sqlite3_reset);
              credited = vtr_loyalty_credit (store, argv[2], card, 100, NULL, 0, now, &receipt, &error);
              if (!credited && !g_error_matches (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP))
                {
                  g_printerr ("%s\n", error->message);
                  return 1;
                }
              g_clear_error (&error);
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

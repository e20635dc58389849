/*
 * The child of test-loyalty's crash test: credits purchases as fast as it
 * can and prints each event's UUID once its transaction has committed.
 * The test kills it with SIGKILL at random moments.
 *
 *   journal-writer DATA_DIR SESSION
 */
#include "config.h"

#include <stdio.h>

#include "vtr-flashcode.h"
#include "vtr-loyalty.h"

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

  for (;;)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *card = vtr_flashcode_new_card_id ();
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };

      if (!vtr_loyalty_credit (store, argv[2], card, 100, NULL, 0, now, &receipt, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* Said only once it is on disk. */
      printf ("%s\n", receipt.uuid);
      fflush (stdout);
    }
}

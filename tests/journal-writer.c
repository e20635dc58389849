/*
 * A program writing to, or opening, a kiosk's data folder while others do,
 * for the tests and benchmarks that run several of them at once.
 *
 *   journal-writer DATA_DIR SESSION
 *       credits purchases and places orders, in turn, as fast as it can, and
 *       prints each one's UUID once its transaction has committed
 *       (test-loyalty kills it with SIGKILL at random moments);
 *   journal-writer DATA_DIR SESSION credits
 *       credits only, each to a new card the writer signs (as its own
 *       federation) and scans first, as a counter does;
 *   journal-writer DATA_DIR SESSION credits-reopen
 *       credits, each by a store opened for it, as vitrine-ctl runs do;
 *   journal-writer DATA_DIR open
 *       what the app's sync service does every 30 s, without a pause: opens
 *       the store, reads the sync status, records an attempt, closes it.
 *       Prints "open" for each, "notice TEXT" for what the store says it
 *       repaired, "busy TEXT" when it waited for the others in vain, "error
 *       TEXT" for another failure, and goes on.
 *
 * A shop gives at most 20,000 points a day: for a long run, with
 * VITRINE_WRITER_SHOPS=N and VITRINE_WRITER_PIN set, a writer in a credits
 * mode goes on in the next shop (1 to N, each with that PIN) when one
 * reaches its limit.
 *
 * The writers too say "busy TEXT" and go on when others kept the data
 * busy past the store's wait (as a script would run vitrine-ctl again);
 * any other failure stops them.
 */
#include "config.h"

#include <stdio.h>

#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-orders.h"
#include "vtr-store-private.h"
#include "vtr-sync-state.h"
#include "vtr-test-keys.h"

static gboolean
is_busy (const GError *error)
{
  return g_error_matches (error, VTR_STORE_ERROR, VTR_STORE_ERROR_BUSY);
}

G_GNUC_NORETURN static void
open_again_and_again (const char *data_dir)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
      g_autoptr(VtrSyncStatus) status = NULL;
      const char * const *notices;

      if (store == NULL)
        {
          printf ("%s %s\n", is_busy (error) ? "busy" : "error", error->message);
          fflush (stdout);
          continue;
        }
      notices = vtr_store_get_notices (store);
      for (guint i = 0; notices[i]; i++)
        printf ("notice %s\n", notices[i]);
      if (!(status = vtr_sync_state_status (store, &error)) ||
          !vtr_sync_state_record (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
        printf ("%s %s\n", is_busy (error) ? "busy" : "error", error->message);
      else
        printf ("open\n");
      fflush (stdout);
    }
}

/* A card of the customers the test scanned, picked at random (a card at
 * its daily cap is passed over: the cap writes nothing), credited. */
static gboolean
credit_scanned_card (VtrStore           *store,
                     const char         *session,
                     GDateTime          *now,
                     VtrLoyaltyReceipt  *receipt,
                     GError            **error)
{
  for (;;)
    {
      g_autofree char *from = vtr_flashcode_new_card_id ();
      g_autofree char *card = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(VtrStatement) next =
        vtr_store_statement (store,
                             "SELECT card_id FROM journal.card WHERE card_id >= ? "
                             "AND code IS NOT NULL ORDER BY card_id LIMIT 1",
                             error);

      if (next == NULL)
        return FALSE;
      sqlite3_bind_text (next, 1, from, -1, SQLITE_STATIC);
      if (sqlite3_step (next) != SQLITE_ROW)
        continue;
      card = g_strdup ((const char *) sqlite3_column_text (next, 0));
      g_clear_pointer (&next, sqlite3_reset);
      if (vtr_loyalty_credit (store, session, card, 100, NULL, 0, now, receipt, &local_error))
        return TRUE;
      if (!g_error_matches (local_error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
}

/* A new card signed with @secret, scanned at the counter, then credited. */
static gboolean
credit_new_card (VtrStore           *store,
                 const VtrKeyList   *keys,
                 const guint8       *secret,
                 const char         *session,
                 GDateTime          *now,
                 VtrLoyaltyReceipt  *receipt,
                 GError            **error)
{
  g_autofree char *card = vtr_test_scan_card (store, keys, secret, NULL, error);

  return card != NULL &&
         vtr_loyalty_credit (store, session, card, 100, NULL, 0, now, receipt, error);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *session = NULL;
  const char *pin = g_getenv ("VITRINE_WRITER_PIN");
  const char *shops = g_getenv ("VITRINE_WRITER_SHOPS");
  gint64 shop = 1;
  gboolean credits_only, reopen;
  guint8 secret[VTR_SECRET_KEY_BYTES];
  g_autoptr(VtrKeyList) keys = NULL;

  if (argc == 3 && g_str_equal (argv[2], "open"))
    open_again_and_again (argv[1]);
  if (argc != 3 && !(argc == 4 && (g_str_equal (argv[3], "credits") ||
                                    g_str_equal (argv[3], "credits-reopen"))))
    return 2;
  credits_only = argc == 4;
  reopen = argc == 4 && g_str_equal (argv[3], "credits-reopen");
  session = g_strdup (argv[2]);
  if (credits_only)
    keys = vtr_test_key_list_new (secret);

  for (guint i = 0;; i++)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (store == NULL || reopen)
        {
          g_clear_object (&store);
          if (!(store = vtr_store_open (argv[1], &error)))
            {
              if (!is_busy (error))
                {
                  g_printerr ("%s\n", error->message);
                  return 1;
                }
              printf ("busy %s\n", error->message);
              fflush (stdout);
              g_clear_error (&error);
              continue;
            }
        }

      if (i % 2 == 0 || credits_only)
        {
          g_auto(VtrLoyaltyReceipt) receipt = { 0 };
          gboolean credited = credits_only
                                ? credit_new_card (store, keys, secret, session, now, &receipt, &error)
                                : credit_scanned_card (store, session, now, &receipt, &error);

          if (!credited)
            {
              if (credits_only && pin && shops && shop < g_ascii_strtoll (shops, NULL, 10) &&
                  g_error_matches (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP))
                {
                  g_clear_error (&error);
                  g_free (session);
                  if (!(session = vtr_staff_login (store, ++shop, pin, now, &error)))
                    {
                      g_printerr ("%s\n", error->message);
                      return 1;
                    }
                  continue;
                }
              if (!credits_only || !is_busy (error))
                {
                  g_printerr ("%s\n", error->message);
                  return 1;
                }
              printf ("busy %s\n", error->message);
              g_clear_error (&error);
            }
          else
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

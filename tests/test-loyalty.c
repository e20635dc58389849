#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vtr-catalog.h"
#include "vtr-code-stock.h"
#include "vtr-flashcode.h"
#include "vtr-loyalty.h"
#include "vtr-staff.h"
#include "vtr-orders.h"
#include "vtr-outbox.h"
#include "vtr-store-private.h"
#include "vtr-test-keys.h"
#include "vtr-test-util.h"

/*
 * The loyalty journal on a real SQLite file: staff PINs and sessions,
 * credits and their points, caps, redeems, enrolment from blank cards, the
 * outbox, a full disk and a read-only database, and a crash test that
 * kills a writer with SIGKILL again and again.
 */

#define SHOP 1
#define OTHER_SHOP 2
#define SOAP 10

typedef struct
{
  char       *dir;
  VtrStore   *store;
  char       *session;
  GDateTime  *now; /* Wednesday 25 November 2026, 10:00 in Marseille */
  VtrKeyList *keys;   /* the federation the kiosk trusts */
  guint8      secret[VTR_SECRET_KEY_BYTES];
} Fixture;

static GDateTime *
paris (int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  return g_date_time_new (tz, 2026, 11, day, hour, minute, 0);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrCatalog) catalog = NULL;
  VtrProduct soap = { SOAP, NULL, "Savon de Marseille", "", "hygiene" };
  VtrReward discount = { 5, SHOP, 100, VTR_REWARD_DISCOUNT, 500, 0, "5 € off" };
  VtrReward elsewhere = { 6, OTHER_SHOP, 10, VTR_REWARD_DISCOUNT, 100, 0, "1 € off" };
  g_autoptr(GDateTime) starts = paris (20, 0, 0);
  g_autoptr(GDateTime) ends = paris (30, 0, 0);
  VtrPromotion triple = { .id = 1, .merchant_id = SHOP, .product_id = SOAP, .kind = VTR_PROMOTION_POINTS,
                          .value = 3, .starts = g_date_time_to_unix (starts),
                          .ends = g_date_time_to_unix (ends), .title = "×3" };

  f->dir = vtr_test_make_data_dir ();
  f->store = vtr_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->now = paris (25, 10, 0);
  catalog = vtr_catalog_new (f->store);

  /* One point a euro at the shop, two at the other. */
  g_assert_true (vtr_catalog_put_loyalty_rule (catalog, SHOP, 100, FALSE, &error));
  g_assert_true (vtr_catalog_put_loyalty_rule (catalog, OTHER_SHOP, 50, FALSE, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &soap, &error));
  g_assert_true (vtr_catalog_put_reward (catalog, &discount, &error));
  g_assert_true (vtr_catalog_put_reward (catalog, &elsewhere, &error));
  g_assert_true (vtr_catalog_put_promotion (catalog, &triple, &error));
  g_assert_true (vtr_staff_set_pin (f->store, SHOP, "2468", &error));
  f->session = vtr_staff_login (f->store, SHOP, "2468", f->now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->session);

  /* The customers' cards, signed by the federation and scanned once. */
  f->keys = vtr_test_key_list_new_full (f->secret, f->store);
  for (char c = 'B'; c <= 'E'; c++)
    {
      g_autofree char *id = g_strnfill (26, c);
      g_autofree char *scanned = vtr_test_scan_card (f->store, f->keys, f->secret, id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (scanned, ==, id);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  vtr_key_list_free (f->keys);
  g_date_time_unref (f->now);
  g_free (f->session);
  vtr_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_pin_and_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(VtrLoyaltyReceipt) receipt = { 0 };
  g_autoptr(GDateTime) later = g_date_time_add_minutes (f->now, 16);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_hours (f->now, 9);
  char *token;

  g_assert_false (vtr_staff_set_pin (f->store, SHOP, "12a4", &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID);
  g_clear_error (&error);

  /* Five wrong PINs lock the counter, even for the right PIN. */
  for (int i = 0; i < VTR_PIN_ATTEMPTS; i++)
    {
      g_assert_null (vtr_staff_login (f->store, SHOP, "0000", f->now, &error));
      g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
      g_clear_error (&error);
    }
  g_assert_null (vtr_staff_login (f->store, SHOP, "2468", f->now, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "15 minutes"));
  g_clear_error (&error);

  /* A quarter of an hour later, the right PIN works. */
  token = vtr_staff_login (f->store, SHOP, "2468", later, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_free (token);

  /* No session, or an ended one: nothing is credited. */
  g_assert_false (vtr_loyalty_credit (f->store, NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAA", 1000, NULL, 0,
                                      f->now, &receipt, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION);
  g_clear_error (&error);
  g_assert_false (vtr_loyalty_credit (f->store, f->session, "AAAAAAAAAAAAAAAAAAAAAAAAAA", 1000,
                                      NULL, 0, tomorrow, &receipt, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox"), ==, 0);
}

/* A login at the counter as vitrine-ctl does it, in its own process, at
 * the time @at (ISO 8601) the kiosk's clock reads; the PIN on standard
 * input. Returns the exit status; @out and @err what it said. */
static int
ctl_login (Fixture    *f,
           const char *who,
           const char *pin,
           const char *at,
           char      **out,
           char      **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strconcat (pin, "\n", NULL);

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VITRINE_CTL"), "merchant", "login",
                                         who, "--at", at, "--data-dir", f->dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* A success at one counter leaves the failures of every other counter
 * (and of the administrator) as they were. */
static void
test_pin_counters_per_shop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;

  g_assert_true (vtr_staff_set_pin (f->store, VTR_ADMIN_ID, "97531", &error));
  g_assert_true (vtr_staff_set_pin (f->store, OTHER_SHOP, "1357", &error));
  for (int i = 0; i < VTR_PIN_ATTEMPTS - 1; i++)
    {
      g_assert_null (vtr_staff_login (f->store, SHOP, "0000", f->now, &error));
      g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
      g_clear_error (&error);
      g_assert_null (vtr_staff_login (f->store, VTR_ADMIN_ID, "0000", f->now, &error));
      g_clear_error (&error);
    }
  /* The other shop and the administrator come in... */
  g_free (vtr_staff_login (f->store, OTHER_SHOP, "1357", f->now, &error));
  g_assert_no_error (error);
  admin = vtr_staff_login (f->store, VTR_ADMIN_ID, "97531", f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT failures FROM journal.staff WHERE merchant_id = 0"), ==, 0);

  /* ...and the shop's fifth wrong PIN still locks it. */
  g_assert_null (vtr_staff_login (f->store, SHOP, "0000", f->now, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);
  g_assert_null (vtr_staff_login (f->store, SHOP, "2468", f->now, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED);
}

typedef struct
{
  VtrStore  *store;
  GDateTime *now;
  GError    *error;
  char      *token;
} Guess;

static gpointer
guess_pin (gpointer data)
{
  Guess *guess = data;

  guess->token = vtr_staff_login (guess->store, SHOP, "1111", guess->now, &guess->error);
  return NULL;
}

/* Wrong PINs tried at once, each from its own connection to the journal
 * (as from several programs): each counts, and only five are checked. */
static void
test_pin_parallel_guesses (Fixture *f, gconstpointer data)
{
  enum { N_GUESSES = 8 };
  Guess guesses[N_GUESSES] = { { 0 } };
  GThread *threads[N_GUESSES];
  g_autoptr(GError) error = NULL;
  guint bad = 0, locked = 0;

  for (guint i = 0; i < N_GUESSES; i++)
    {
      guesses[i].store = vtr_store_open (f->dir, &error);
      g_assert_no_error (error);
      guesses[i].now = f->now;
    }
  for (guint i = 0; i < N_GUESSES; i++)
    threads[i] = g_thread_new ("guess", guess_pin, &guesses[i]);
  for (guint i = 0; i < N_GUESSES; i++)
    {
      g_thread_join (threads[i]);
      g_assert_null (guesses[i].token);
      if (g_error_matches (guesses[i].error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BAD_PIN))
        bad++;
      else if (g_error_matches (guesses[i].error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED))
        locked++;
      else
        g_error ("unexpected: %s", guesses[i].error ? guesses[i].error->message : "no error");
      g_clear_error (&guesses[i].error);
      g_clear_object (&guesses[i].store);
    }
  g_assert_cmpuint (bad, ==, VTR_PIN_ATTEMPTS);
  g_assert_cmpuint (locked, ==, N_GUESSES - VTR_PIN_ATTEMPTS);
  /* The right PIN waits for the end of the lock-out. */
  g_assert_null (vtr_staff_login (f->store, SHOP, "2468", f->now, &error));
  g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_LOCKED);
}

/* The kiosk's clock put back by a day (a dead battery, a wrong network
 * time) neither locks the counter for a day nor stretches a session. */
static void
test_pin_clock_jumps (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 merchant;

  for (int i = 0; i < VTR_PIN_ATTEMPTS; i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *why = NULL;

      g_assert_cmpint (ctl_login (f, "1", "0000", "2026-11-25T10:00", &out, &why), ==, 1);
      g_assert_nonnull (strstr (why, "Wrong PIN"));
    }
  {
    g_autofree char *out = NULL;
    g_autofree char *why = NULL;

    /* The clock reads yesterday: still one lock-out, not a day and more. */
    g_assert_cmpint (ctl_login (f, "1", "2468", "2026-11-24T10:00", &out, &why), ==, 1);
    g_assert_nonnull (strstr (why, "15 minutes"));
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *why = NULL;

    g_assert_cmpint (ctl_login (f, "1", "2468", "2026-11-24T10:16", &out, &why), ==, 0);
    token = g_strdup (g_strstrip (out));
    g_assert_cmpuint (strlen (token), >, 20);
  }

  /* A session opened now ends if the clock goes back three hours. */
  {
    g_autoptr(GDateTime) opened = paris (24, 10, 16);
    g_autoptr(GDateTime) back = g_date_time_add_hours (opened, -3);
    g_autoptr(GDateTime) later = g_date_time_add_hours (opened, 2);

    g_assert_true (vtr_staff_session (f->store, token, later, &merchant, &error));
    g_assert_no_error (error);
    g_assert_cmpint (merchant, ==, SHOP);
    g_assert_false (vtr_staff_session (f->store, token, back, &merchant, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_SESSION);
  }
}

static void
test_credit_and_redeem (Fixture *f, gconstpointer data)
{
  const char *card = "BBBBBBBBBBBBBBBBBBBBBBBBBB";
  gint64 soap = SOAP, balance, pending;
  g_autoptr(GError) error = NULL;

  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    /* 12,50 € at a point a euro: 12 points. */
    g_assert_true (vtr_loyalty_credit (f->store, f->session, card, 1250, NULL, 0, f->now,
                                       &receipt, &error));
    g_assert_no_error (error);
    g_assert_cmpint (receipt.points, ==, 12);
    g_assert_cmpint (receipt.balance, ==, 12);
    /* The event and its outbox row share the UUID; the card's signed
     * code goes up with it. */
    g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox o JOIN journal.loyalty_event e USING (uuid)"), ==, 1);
    g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox "
                                               "WHERE json_extract (payload, '$.code') LIKE 'HTTPS://VTR13.FR/C/BBBB%'"), ==, 1);
  }
  /* A card number the kiosk never saw signed earns nothing, and nothing
   * waits for the hub. */
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    g_assert_false (vtr_loyalty_credit (f->store, f->session, "FFFFFFFFFFFFFFFFFFFFFFFFFF", 1250, NULL, 0,
                                        f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD);
    g_clear_error (&error);
    g_assert_false (vtr_loyalty_redeem (f->store, f->session, "FFFFFFFFFFFFFFFFFFFFFFFFFF", 5, f->now,
                                        &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD);
    g_clear_error (&error);
    g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox"), ==, 1);
  }
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    /* With the soap on a ×3 points promotion. */
    g_assert_true (vtr_loyalty_credit (f->store, f->session, card, 3000, &soap, 1, f->now,
                                       &receipt, &error));
    g_assert_cmpint (receipt.points, ==, 90);
    g_assert_cmpint (receipt.balance, ==, 102);
  }

  /* Too few points, a reward of another shop, then the real one. */
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    g_assert_false (vtr_loyalty_redeem (f->store, f->session, card, 6, f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_UNKNOWN_REWARD);
    g_clear_error (&error);
    g_assert_true (vtr_loyalty_redeem (f->store, f->session, card, 5, f->now, &receipt, &error));
    g_assert_cmpint (receipt.points, ==, -100);
    g_assert_cmpint (receipt.balance, ==, 2);
  }
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    g_assert_false (vtr_loyalty_redeem (f->store, f->session, card, 5, f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_BALANCE);
    g_assert_nonnull (strstr (error->message, "100"));
    g_clear_error (&error);
  }

  g_assert_true (vtr_loyalty_balance (f->store, card, &balance, &pending, &error));
  g_assert_cmpint (balance, ==, 2);
  g_assert_cmpint (pending, ==, 2);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox"), ==, 3);
}

static void
test_caps (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (f->now, 1);
  g_autofree char *token = NULL;
  gint64 before;

  /* A card credited five times in one shop today: not a sixth. */
  for (int i = 0; i < VTR_LOYALTY_CARD_MERCHANT_DAILY; i++)
    {
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      g_assert_true (vtr_loyalty_credit (f->store, f->session, "CCCCCCCCCCCCCCCCCCCCCCCCCC", 500,
                                         NULL, 0, f->now, &receipt, &error));
    }
  before = vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox");
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_assert_false (vtr_loyalty_credit (f->store, f->session, "CCCCCCCCCCCCCCCCCCCCCCCCCC", 500,
                                        NULL, 0, f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP);
    g_clear_error (&error);
  }

  /* A card's points a day: 600, then 500 more would pass 1000. */
  {
    g_auto(VtrLoyaltyReceipt) first = { 0 };
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };

    g_assert_true (vtr_loyalty_credit (f->store, f->session, "DDDDDDDDDDDDDDDDDDDDDDDDDD", 60000,
                                       NULL, 0, f->now, &first, &error));
    before = vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox");
    g_assert_false (vtr_loyalty_credit (f->store, f->session, "DDDDDDDDDDDDDDDDDDDDDDDDDD", 50000,
                                        NULL, 0, f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_CAP);
    g_assert_nonnull (strstr (error->message, "limit"));
    g_clear_error (&error);
  }
  /* What a cap refuses leaves nothing behind. */
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.outbox"), ==, before);

  /* Tomorrow is another day. */
  token = vtr_staff_login (f->store, SHOP, "2468", tomorrow, &error);
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_assert_true (vtr_loyalty_credit (f->store, token, "CCCCCCCCCCCCCCCCCCCCCCCCCC", 500, NULL, 0,
                                       tomorrow, &receipt, &error));
    g_assert_no_error (error);
  }
}

static void
test_enrol (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  guint8 sec[VTR_SECRET_KEY_BYTES];
  g_autofree char *blank1 = NULL;
  g_autofree char *blank2 = NULL;
  g_autofree char *id1 = vtr_flashcode_new_card_id ();
  g_autofree char *id2 = vtr_flashcode_new_card_id ();

  keys = vtr_test_key_list_new (sec);
  {
    VtrFlashcode c1 = { VTR_CODE_CARD, 0, 0, 0, id1, NULL, NULL, 0, 1 };
    VtrFlashcode c2 = { VTR_CODE_CARD, 0, 0, 0, id2, NULL, NULL, 0, 1 };
    blank1 = vtr_flashcode_sign (&c1, "vtr13.fr", sec, NULL);
    blank2 = vtr_flashcode_sign (&c2, "vtr13.fr", sec, NULL);
  }

  /* No blank card yet. */
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_assert_false (vtr_loyalty_enrol (f->store, f->session, NULL, f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NO_BLANK_CARDS);
    g_clear_error (&error);
  }

  /* A stock with a forged line is refused whole. */
  {
    const char *bad[] = { blank1, "HTTPS://VTR13.FR/C/AAAAAAAAAAAAAAAAAAAAAAAAAA/K1/AAAA", NULL };
    const char *good[] = { blank1, blank2, blank1, NULL };

    g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_CARD, bad, keys, f->now, &error), ==, 0);
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD);
    g_clear_error (&error);
    g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_CARD, good, keys, f->now, &error), ==, 2);
  }

  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_autofree char *scanned = NULL;

    g_assert_false (vtr_loyalty_enrol (f->store, f->session, "not a phone", f->now, &receipt, &error));
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_true (vtr_loyalty_enrol (f->store, f->session, "06 12 34 56 78", f->now, &receipt, &error));
    g_assert_no_error (error);
    g_assert_nonnull (receipt.code);

    /* The printed card, scanned back, is that card. */
    scanned = vtr_loyalty_card_id (receipt.code, keys, f->now, &error);
    g_assert_cmpstr (scanned, ==, receipt.card_id);
  }

  /* A forged card is not taken for one, and says why. */
  {
    char *forged = g_strdup (blank2);
    g_autofree char *id = NULL;

    forged[strlen (forged) - 3] = forged[strlen (forged) - 3] == 'A' ? 'B' : 'A';
    id = vtr_loyalty_card_id (forged, keys, f->now, &error);
    g_assert_null (id);
    g_assert_error (error, VTR_LOYALTY_ERROR, VTR_LOYALTY_ERROR_NOT_A_CARD);
    g_assert_nonnull (strstr (error->message, "forged"));
    g_free (forged);
  }
}

static void
test_disk_full_and_read_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *card = "EEEEEEEEEEEEEEEEEEEEEEEEEE";
  gint64 balance;
  char pragma[128];

  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_assert_true (vtr_loyalty_credit (f->store, f->session, card, 700, NULL, 0, f->now, &receipt,
                                       &error));
  }

  /* The journal can grow no more: the disk is full for it. */
  g_snprintf (pragma, sizeof pragma, "PRAGMA journal.max_page_count = %" G_GINT64_FORMAT,
              vtr_test_count (f->store, "PRAGMA journal.page_count"));
  g_assert_true (vtr_store_exec (f->store, pragma, NULL));
  for (int i = 0; i < 200 && error == NULL; i++)
    {
      g_auto(VtrLoyaltyReceipt) receipt = { 0 };
      g_autofree char *other = vtr_test_scan_card (f->store, f->keys, f->secret, NULL, &error);

      if (other)
        vtr_loyalty_credit (f->store, f->session, other, 100, NULL, 0, f->now, &receipt, &error);
    }
  g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  /* Read-only. */
  g_assert_true (vtr_store_exec (f->store, "PRAGMA journal.max_page_count = 1000000", NULL));
  g_assert_true (vtr_store_exec (f->store, "PRAGMA query_only = 1", NULL));
  {
    g_auto(VtrLoyaltyReceipt) receipt = { 0 };
    g_assert_false (vtr_loyalty_credit (f->store, f->session, card, 100, NULL, 0, f->now, &receipt,
                                        &error));
    g_assert_error (error, VTR_STORE_ERROR, VTR_STORE_ERROR_READ_ONLY);
    g_clear_error (&error);
  }
  g_assert_true (vtr_store_exec (f->store, "PRAGMA query_only = 0", NULL));

  /* What was written before is all there. */
  g_assert_true (vtr_loyalty_balance (f->store, card, &balance, NULL, &error));
  g_assert_cmpint (balance, ==, 7);
  g_assert_cmpint (vtr_test_count (f->store, "SELECT count(*) FROM journal.loyalty_event e LEFT JOIN journal.outbox o USING (uuid) WHERE o.uuid IS NULL"), ==, 0);
}

/* Kills a writer at random moments, many times; after each, the journal is
 * sound and holds every event the writer said was done, exactly once. */
static void
test_crash (Fixture *f, gconstpointer data)
{
  const char *writer = g_getenv ("VITRINE_JOURNAL_WRITER");
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GRand *rand = g_rand_new_with_seed (20261126);
  int kills = g_test_slow () ? 200 : 40;
  int survived = 0;

  g_assert_nonnull (writer);

  /* Stock and order numbers for the orders the writer places in turn. */
  {
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (f->store);
    VtrMerchant shop = { .id = SHOP, .name = "Savonnerie", .position = { 43.29, 5.37 } };
    VtrStock soap = { SOAP, SHOP, 450, VTR_AVAILABILITY_IN_STOCK, 1 };
    g_autoptr(VtrKeyList) keys = NULL;
    guint8 sec[VTR_SECRET_KEY_BYTES];
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

    g_assert_true (vtr_catalog_put_merchant (catalog, &shop, NULL));
    g_assert_true (vtr_catalog_put_stock (catalog, &soap, NULL));
    keys = vtr_test_key_list_new (sec);
    for (int i = 0; i < 6000; i++)
      {
        g_autofree char *number = g_strdup_printf ("CR-%05d", i);
        VtrFlashcode code = { VTR_CODE_PICKUP, 0, 0, 0, NULL, number, NULL, 20991231, 1 };

        g_ptr_array_add (codes, vtr_flashcode_sign (&code, "vtr13.fr", sec, NULL));
      }
    g_ptr_array_add (codes, NULL);
    g_assert_cmpuint (vtr_code_stock_add (f->store, VTR_CODE_PICKUP, (const char * const *) codes->pdata,
                                          keys, f->now, NULL), ==, 6000);
  }

  /* The customers whose cards the writer credits, each signed and
   * scanned once (five credits a card a day at most: 2,500 credits). */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (vtr_store_begin (f->store, &error));
    for (int i = 0; i < 500; i++)
      g_free (vtr_test_scan_card (f->store, f->keys, f->secret, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (vtr_store_commit (f->store, &error));
  }

  /* The writer credits at the real time: a session opened now. */
  {
    g_autoptr(GDateTime) real_now = g_date_time_new_now_utc ();

    g_free (f->session);
    f->session = vtr_staff_login (f->store, SHOP, "2468", real_now, NULL);
    g_assert_nonnull (f->session);
  }
  g_clear_object (&f->store);

  /* At least @kills rounds, and more on a machine so slow (a sanitizer
   * build, a loaded CI) that a hundred events were not said done yet. */
  for (int round = 0; round < kills || (g_hash_table_size (reported) <= 100 && round < 5 * kills); round++)
    {
      const char *argv[] = { writer, f->dir, f->session, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(VtrStore) store = NULL;
      g_autofree char *out = NULL;
      GPid pid;
      int out_fd, status;
      GString *buffer = g_string_new (NULL);
      char chunk[4096];
      ssize_t n;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_usleep (g_rand_int_range (rand, 20, 250) * 1000);
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      while ((n = read (out_fd, chunk, sizeof chunk)) > 0)
        g_string_append_len (buffer, chunk, n);
      close (out_fd);
      out = g_string_free (buffer, FALSE);

      /* Only whole lines were said done; a cut last line was not. */
      {
        g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
        guint n_lines = g_strv_length (lines);

        for (guint i = 0; i + 1 < n_lines; i++)
          g_hash_table_add (reported, g_strdup (lines[i]));
      }

      store = vtr_store_open (f->dir, &error);
      g_assert_no_error (error);
      {
        g_autoptr(VtrStatement) check = vtr_store_statement (store, "PRAGMA journal.integrity_check", NULL);
        g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
        g_assert_cmpstr ((const char *) sqlite3_column_text (check, 0), ==, "ok");
      }
      /* Nothing half-done: every event has its outbox row and back, every
       * order its lines and its first event, every used number an order. */
      g_assert_cmpint (vtr_test_count (store, "SELECT count(*) FROM journal.loyalty_event e LEFT JOIN journal.outbox o USING (uuid) WHERE o.uuid IS NULL"), ==, 0);
      g_assert_cmpint (vtr_test_count (store, "SELECT count(*) FROM journal.order_event e LEFT JOIN journal.outbox o USING (uuid) WHERE o.uuid IS NULL"), ==, 0);
      g_assert_cmpint (vtr_test_count (store, "SELECT count(*) FROM journal.outbox o WHERE o.uuid NOT IN (SELECT uuid FROM journal.loyalty_event UNION ALL SELECT uuid FROM journal.order_event)"), ==, 0);
      g_assert_cmpint (vtr_test_count (store, "SELECT count(*) FROM journal.orders WHERE uuid NOT IN (SELECT order_uuid FROM journal.order_line) OR uuid NOT IN (SELECT order_uuid FROM journal.order_event)"), ==, 0);
      g_assert_cmpint (vtr_test_count (store, "SELECT count(*) FROM journal.pickup_stock WHERE used = 1"), ==,
                       vtr_test_count (store, "SELECT count(*) FROM journal.orders"));
      survived++;
    }

  /* Every event said done is there exactly once. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (f->dir, &error);
    g_autoptr(VtrStatement) credits = vtr_store_statement (store, "SELECT count(*) FROM journal.loyalty_event WHERE uuid = ?", NULL);
    g_autoptr(VtrStatement) orders = vtr_store_statement (store, "SELECT count(*) FROM journal.orders WHERE uuid = ?", NULL);
    GHashTableIter iter;
    gpointer line;
    guint n_orders = 0;

    g_assert_cmpuint (g_hash_table_size (reported), >, 100);
    g_hash_table_iter_init (&iter, reported);
    while (g_hash_table_iter_next (&iter, &line, NULL))
      {
        gboolean is_order = g_str_has_prefix (line, "order ");
        sqlite3_stmt *stmt = is_order ? orders : credits;

        n_orders += is_order;
        sqlite3_reset (stmt);
        sqlite3_bind_text (stmt, 1, strchr (line, ' ') + 1, -1, SQLITE_STATIC);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        if (sqlite3_column_int (stmt, 0) != 1)
          g_error ("%s reported done is there %d times", (char *) line, sqlite3_column_int (stmt, 0));
      }
    sqlite3_reset (credits);
    sqlite3_reset (orders);
    g_assert_cmpuint (n_orders, >, 10);
    g_print ("# crash test: %d kills survived, %u credits and %u orders reported done, all there once\n",
             survived, g_hash_table_size (reported) - n_orders, n_orders);
  }
  g_rand_free (rand);
  f->store = vtr_store_open (f->dir, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/loyalty/pin-and-sessions", test_pin_and_sessions);
  ADD ("/loyalty/pin-counters-per-shop", test_pin_counters_per_shop);
  ADD ("/loyalty/pin-parallel-guesses", test_pin_parallel_guesses);
  ADD ("/loyalty/pin-clock-jumps", test_pin_clock_jumps);
  ADD ("/loyalty/credit-and-redeem", test_credit_and_redeem);
  ADD ("/loyalty/caps", test_caps);
  ADD ("/loyalty/enrol", test_enrol);
  ADD ("/loyalty/disk-full-and-read-only", test_disk_full_and_read_only);
  ADD ("/loyalty/crash", test_crash);
#undef ADD

  return g_test_run ();
}

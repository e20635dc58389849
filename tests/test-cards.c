#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "vtr-loyalty.h"
#include "vtr-outbox.h"
#include "vtr-staff.h"
#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * Loyalty cards across the federation, between real processes: the real
 * `vitrine-hub serve` on 127.0.0.1, two shop devices (shops 2 and 3) and
 * a street kiosk, each `vitrine-ctl` with its own data folder. A card
 * credited at one shop shows the same balance at the other; a card
 * declared lost at one shop's counter is refused everywhere after a
 * sync; what was credited on it offline in the meantime is flagged on the
 * hub and counted on the new card, never lost; its balance moves once.
 */

typedef struct
{
  char        *hub_dir;
  char        *shop_a;  /* shop 2's counter */
  char        *shop_b;  /* shop 3's counter */
  char        *street;  /* a federation kiosk */
  char        *session_a;
  char        *session_b;
  VtrTestHub  *hub;
  char       **cards;   /* signed card codes */
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)

/* Every known card's balance is asked at each sync (the default waits 10
 * minutes between two asks of one card). */
static const char *device_env[] = { "VITRINE_SYNC_CARD_AGE", "0", "VITRINE_SYNC_TIMEOUT", "20", NULL };

static void
ctl (VtrTestResult *r,
     const char    *dir,
     const char    *session,
     ...) G_GNUC_NULL_TERMINATED;

/* vitrine-ctl on the device of @dir, with the staff @session if any. */
static void
ctl (VtrTestResult *r,
     const char    *dir,
     const char    *session,
     ...)
{
  g_autoptr(GPtrArray) env = g_ptr_array_new ();
  va_list args;

  for (guint i = 0; device_env[i]; i++)
    g_ptr_array_add (env, (char *) device_env[i]);
  g_ptr_array_add (env, "VITRINE_SESSION");
  g_ptr_array_add (env, (char *) session); /* NULL: unset */
  g_ptr_array_add (env, NULL);
  va_start (args, session);
  vtr_test_run_with_input_valist (r, "VITRINE_CTL", dir, (const char * const *) env->pdata, NULL, args);
  va_end (args);
}

static char *
card_number (const char *code)
{
  return g_strndup (strstr (code, "/C/") + 3, 26);
}

static void
pair (Fixture    *f,
      const char *dir,
      const char *name,
      const char *merchant)
{
  g_auto(VtrTestResult) add = { 0 };
  g_auto(VtrTestResult) r = { 0 };
  g_auto(GStrv) lines = NULL;
  const char *code = NULL;

  if (merchant)
    HUB (f, &add, "device", "add", name, "--merchant", merchant);
  else
    HUB (f, &add, "device", "add", name);
  g_assert_cmpint (add.status, ==, 0);
  lines = g_strsplit (add.out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_ascii_strncasecmp (lines[i], "HTTPS://", 8) == 0)
      code = lines[i];
  g_assert_nonnull (code);
  ctl (&r, dir, NULL, "pair", code, "--hub", f->hub->url, NULL);
  if (r.status != 0)
    g_error ("pair: %s", r.err);
}

/* One sync of the device of @dir; its report. */
static JsonObject *
sync_device (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  ctl (&r, dir, NULL, "sync", "--json", NULL);
  if (r.status != 0)
    g_error ("sync: %s %s", r.out, r.err);
  return vtr_test_parse_object (r.out);
}

static char *
staff_session (const char *dir,
               gint64      merchant)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  char *session;

  g_assert_no_error (error);
  g_assert_true (vtr_staff_set_pin (store, merchant, "2468", &error));
  session = vtr_staff_login (store, merchant, "2468", now, &error);
  g_assert_no_error (error);
  return session;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) cards = { 0 };

  f->hub_dir = vtr_test_make_data_dir ();
  f->shop_a = vtr_test_make_data_dir ();
  f->shop_b = vtr_test_make_data_dir ();
  f->street = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->hub_dir);
  HUB (f, &cards, "sign", "card", "--count", "6");
  g_assert_cmpint (cards.status, ==, 0);
  f->cards = g_strsplit (g_strstrip (cards.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (f->cards), ==, 6);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);

  pair (f, f->shop_a, "Boulangerie, comptoir", "2");
  pair (f, f->shop_b, "Droguerie, comptoir", "3");
  pair (f, f->street, "Kiosque du Vieux-Port", NULL);
  /* The catalogue (the shops' loyalty rules) on every device. */
  json_object_unref (sync_device (f->shop_a));
  json_object_unref (sync_device (f->shop_b));
  json_object_unref (sync_device (f->street));
  f->session_a = staff_session (f->shop_a, 2);
  f->session_b = staff_session (f->shop_b, 3);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->hub_dir);
  vtr_test_remove_tree (f->shop_a);
  vtr_test_remove_tree (f->shop_b);
  vtr_test_remove_tree (f->street);
  g_free (f->hub_dir);
  g_free (f->shop_a);
  g_free (f->shop_b);
  g_free (f->street);
  g_free (f->session_a);
  g_free (f->session_b);
  g_strfreev (f->cards);
}

/* The balance @dir shows for @card (its code or number), or -1 when it
 * refuses the card; its words in @message. */
static gint64
balance_at (const char *dir,
            const char *card,
            char      **message)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonObject) object = NULL;

  ctl (&r, dir, NULL, "loyalty", "balance", card, "--json", NULL);
  if (message)
    *message = g_strdup (r.err);
  if (r.status != 0)
    return -1;
  object = vtr_test_parse_object (r.out);
  return json_object_get_int_member (object, "balance");
}

static gint64
credit_at (const char *dir,
           const char *session,
           const char *card,
           const char *euros)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonObject) object = NULL;

  ctl (&r, dir, session, "loyalty", "credit", card, "--amount", euros, "--json", NULL);
  if (r.status != 0)
    g_error ("credit: %s", r.err);
  object = vtr_test_parse_object (r.out);
  return json_object_get_int_member (object, "points");
}

/* A card credited at shop A shows the same balance at shop B once both
 * synced, though B never recorded anything on it since. */
static void
test_cards_balance_across_shops (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *card = card_number (f->cards[0]);
  g_autoptr(JsonObject) report = NULL;
  gint64 points;

  /* The customer showed the card at B once: B knows it. */
  g_assert_cmpint (balance_at (f->shop_b, f->cards[0], NULL), ==, 0);
  points = credit_at (f->shop_a, f->session_a, f->cards[0], "25");
  g_assert_cmpint (points, >, 0);
  json_object_unref (sync_device (f->shop_a));
  report = sync_device (f->shop_b);
  g_assert_cmpint (json_object_get_int_member (report, "cards"), >=, 1);
  g_assert_cmpint (balance_at (f->shop_b, card, NULL), ==, points);
  g_assert_cmpint (balance_at (f->shop_a, card, NULL), ==, points);
}

/* A lost card: found at A by its last characters, blocked, its balance on
 * the new card; refused at the street kiosk after its sync; a credit B
 * made offline on it before the block reached B is flagged on the hub and
 * counted on the new card. */
static void
test_cards_lost (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *old = card_number (f->cards[1]);
  g_autofree char *new_card = card_number (f->cards[2]);
  g_autofree char *hub_db = g_build_filename (f->hub_dir, "hub.db", NULL);
  g_autofree char *flagged = NULL;
  g_autofree char *message = NULL;
  g_auto(VtrTestResult) find = { 0 };
  g_auto(VtrTestResult) block = { 0 };
  g_auto(VtrTestResult) refused = { 0 };
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(JsonObject) moved = NULL;
  JsonArray *cards;
  gint64 at_a, offline_at_b;

  at_a = credit_at (f->shop_a, f->session_a, f->cards[1], "30");
  json_object_unref (sync_device (f->shop_a));
  /* The street kiosk and shop B know the card; B then goes offline. */
  g_assert_cmpint (balance_at (f->street, f->cards[1], NULL), ==, 0);
  json_object_unref (sync_device (f->street));
  g_assert_cmpint (balance_at (f->street, old, NULL), ==, at_a);
  g_assert_cmpint (balance_at (f->shop_b, f->cards[1], NULL), ==, 0);
  json_object_unref (sync_device (f->shop_b));
  offline_at_b = credit_at (f->shop_b, f->session_b, old, "12");
  g_assert_cmpint (offline_at_b, >, 0);

  /* At A's counter: the customer reads the last 8 characters. */
  ctl (&find, f->shop_a, f->session_a, "loyalty", "find", "--suffix", old + 18, "--json", NULL);
  g_assert_cmpint (find.status, ==, 0);
  found = vtr_test_parse_object (find.out);
  cards = json_object_get_array_member (found, "cards");
  g_assert_cmpuint (json_array_get_length (cards), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cards, 0), "card"), ==, old);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cards, 0), "balance"), ==, at_a);

  ctl (&block, f->shop_a, f->session_a, "loyalty", "block", old, "--to", f->cards[2], "--json", NULL);
  if (block.status != 0)
    g_error ("block: %s", block.err);
  moved = vtr_test_parse_object (block.out);
  g_assert_cmpstr (json_object_get_string_member (moved, "card"), ==, new_card);
  g_assert_cmpint (json_object_get_int_member (moved, "points"), ==, at_a);
  g_assert_cmpint (json_object_get_int_member (moved, "balance"), ==, at_a);
  /* Refused at once at A, before any sync. */
  g_assert_cmpint (balance_at (f->shop_a, old, &message), ==, -1);
  g_assert_nonnull (strstr (message, "declared lost"));
  g_clear_pointer (&message, g_free);

  json_object_unref (sync_device (f->shop_a));
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM card_block"), ==, 1);

  /* The street kiosk refuses it after its next sync, in words. */
  g_assert_cmpint (balance_at (f->street, old, NULL), ==, at_a);
  json_object_unref (sync_device (f->street));
  g_assert_cmpint (balance_at (f->street, old, &message), ==, -1);
  g_assert_nonnull (strstr (message, "declared lost"));
  g_assert_nonnull (strstr (message, "new card"));
  ctl (&refused, f->street, NULL, "loyalty", "balance", f->cards[1], NULL);
  g_assert_cmpint (refused.status, !=, 0);

  /* B comes back: its offline credit is accepted, flagged, and counted on
   * the new card; B then refuses the card too. */
  {
    g_autoptr(JsonObject) report = sync_device (f->shop_b);
    g_auto(VtrTestResult) again = { 0 };

    g_assert_cmpint (json_object_get_int_member (report, "accepted"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (report, "rejected"), ==, 0);
    ctl (&again, f->shop_b, f->session_b, "loyalty", "credit", old, "--amount", "5", NULL);
    g_assert_cmpint (again.status, !=, 0);
    g_assert_nonnull (strstr (again.err, "declared lost"));
  }
  flagged = g_strdup_printf ("SELECT count (*) FROM event WHERE card_id = '%s' AND flag IS NOT NULL", old);
  g_assert_cmpint (vtr_test_sql_int (hub_db, flagged), ==, 1);

  /* The new card holds everything, at A and at B, once synced. */
  json_object_unref (sync_device (f->shop_a));
  g_assert_cmpint (balance_at (f->shop_a, new_card, NULL), ==, at_a + offline_at_b);
  /* The customer shows the new card at B, which learns it at its sync. */
  g_assert_cmpint (balance_at (f->shop_b, f->cards[2], NULL), >=, 0);
  json_object_unref (sync_device (f->shop_b));
  g_assert_cmpint (balance_at (f->shop_b, new_card, NULL), ==, at_a + offline_at_b);
}

/* The transfer sent twice (an answer lost), and the same card blocked at
 * two shops at once: its balance moves once. */
static void
test_cards_transfer_once (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *old = card_number (f->cards[3]);
  g_autofree char *to_a = card_number (f->cards[4]);
  g_autofree char *to_b = card_number (f->cards[5]);
  g_autofree char *hub_db = g_build_filename (f->hub_dir, "hub.db", NULL);
  g_auto(VtrTestResult) block_a = { 0 };
  g_auto(VtrTestResult) block_b = { 0 };
  g_autoptr(JsonObject) moved = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *payload = NULL;
  gint64 points;

  points = credit_at (f->shop_a, f->session_a, f->cards[3], "40");
  json_object_unref (sync_device (f->shop_a));
  g_assert_cmpint (balance_at (f->shop_b, f->cards[3], NULL), ==, 0);
  json_object_unref (sync_device (f->shop_b));
  g_assert_cmpint (balance_at (f->shop_b, old, NULL), ==, points);

  /* Both counters block it before either syncs. */
  ctl (&block_a, f->shop_a, f->session_a, "loyalty", "block", old, "--to", f->cards[4], "--json", NULL);
  g_assert_cmpint (block_a.status, ==, 0);
  ctl (&block_b, f->shop_b, f->session_b, "loyalty", "block", old, "--to", f->cards[5], "--json", NULL);
  g_assert_cmpint (block_b.status, ==, 0);
  moved = vtr_test_parse_object (block_a.out);
  uuid = g_strdup (json_object_get_string_member (moved, "uuid"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (f->shop_a, &error);
    g_autoptr(GPtrArray) pending = vtr_outbox_pending (store, 10, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < pending->len; i++)
      {
        VtrOutboxEntry *entry = g_ptr_array_index (pending, i);

        if (g_str_equal (entry->uuid, uuid))
          payload = g_strdup (entry->payload);
      }
    g_assert_nonnull (payload);
  }

  /* The two shops' syncs at once: one wins, the other is refused. */
  {
    const char *argv_a[] = { g_getenv ("VITRINE_CTL"), "sync", "--json", "--data-dir", f->shop_a, NULL };
    const char *argv_b[] = { g_getenv ("VITRINE_CTL"), "sync", "--json", "--data-dir", f->shop_b, NULL };
    g_autoptr(GSubprocess) a = NULL;
    g_autoptr(GSubprocess) b = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out_a = NULL;
    g_autofree char *out_b = NULL;
    g_autoptr(JsonObject) report_a = NULL;
    g_autoptr(JsonObject) report_b = NULL;

    a = g_subprocess_newv (argv_a, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    b = g_subprocess_newv (argv_b, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (a, NULL, NULL, &out_a, NULL, &error));
    g_assert_true (g_subprocess_communicate_utf8 (b, NULL, NULL, &out_b, NULL, &error));
    g_assert_no_error (error);
    report_a = vtr_test_parse_object (out_a);
    report_b = vtr_test_parse_object (out_b);
    g_assert_cmpint (json_object_get_int_member (report_a, "accepted") +
                     json_object_get_int_member (report_b, "accepted"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (report_a, "rejected") +
                     json_object_get_int_member (report_b, "rejected"), ==, 1);
  }
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM card_block"), ==, 1);

  /* A's transfer sent again, as after a lost answer: a duplicate. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (f->shop_a, &error);

    g_assert_true (vtr_outbox_append (store, uuid, "transfer", payload, 1800000000, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(JsonObject) report = sync_device (f->shop_a);

    g_assert_cmpint (json_object_get_int_member (report, "accepted"), ==, 0);
  }
  json_object_unref (sync_device (f->shop_b));
  json_object_unref (sync_device (f->shop_a));

  /* The two new cards hold the old balance once between them, whichever
   * shop won, and each shop shows the hub's word. */
  {
    gint64 a = balance_at (f->shop_a, to_a, NULL);
    gint64 b = balance_at (f->shop_b, to_b, NULL);

    g_assert_cmpint (a + b, ==, points);
    g_assert_true (a == 0 || b == 0);
  }
}

/* A transfer to a card the federation never signed is refused by the
 * hub, and the lost card stays usable. */
static void
test_cards_forged_new_card (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *old = card_number (f->cards[1]);
  g_autofree char *forged = g_strdup (f->cards[2]);
  g_autofree char *forged_card = card_number (f->cards[2]);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  g_autofree char *hub_db = g_build_filename (f->hub_dir, "hub.db", NULL);
  g_auto(VtrTestResult) local = { 0 };
  gint64 points;

  points = credit_at (f->shop_a, f->session_a, f->cards[1], "20");
  json_object_unref (sync_device (f->shop_a));
  forged[strlen (forged) - 5] = forged[strlen (forged) - 5] == 'A' ? 'B' : 'A';

  /* The counter itself refuses the forged card. */
  ctl (&local, f->shop_a, f->session_a, "loyalty", "block", old, "--to", forged, NULL);
  g_assert_cmpint (local.status, !=, 0);
  /* And someone else's card, scanned by mistake as the new one. */
  {
    g_auto(VtrTestResult) someone = { 0 };

    g_assert_cmpint (credit_at (f->shop_a, f->session_a, f->cards[3], "10"), >, 0);
    ctl (&someone, f->shop_a, f->session_a, "loyalty", "block", old, "--to", f->cards[3], NULL);
    g_assert_cmpint (someone.status, !=, 0);
    g_assert_nonnull (strstr (someone.err, "already has points"));
  }

  /* A device that sends one anyway is refused by the hub. */
  payload = g_strdup_printf ("{\"kind\":\"transfer\",\"card\":\"%s\",\"new_card\":\"%s\","
                             "\"new_code\":\"%s\",\"merchant\":2,\"points\":%lld,\"created\":1800000000}",
                             old, forged_card, forged, (long long) points);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VtrStore) store = vtr_store_open (f->shop_a, &error);

    g_assert_true (vtr_outbox_append (store, uuid, "transfer", payload, 1800000000, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(JsonObject) report = sync_device (f->shop_a);

    g_assert_cmpint (json_object_get_int_member (report, "rejected"), ==, 1);
  }
  g_assert_cmpint (vtr_test_sql_int (hub_db, "SELECT count (*) FROM card_block"), ==, 0);
  g_assert_cmpint (balance_at (f->shop_a, old, NULL), ==, points);
  /* A street kiosk may not look for customers' cards on the hub. */
  {
    g_auto(VtrTestResult) find = { 0 };
    g_autoptr(JsonObject) found = NULL;

    ctl (&find, f->street, NULL, "loyalty", "find", "--suffix", old + 18, "--json", NULL);
    g_assert_cmpint (find.status, ==, 0);
    found = vtr_test_parse_object (find.out);
    g_assert_false (json_object_get_boolean_member (found, "asked_hub"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "cards")), ==, 0);
  }
}

/* The hub's catalogue restored from a copy older than a block: the hub
 * publishes the block again when it starts, and kiosks still refuse the
 * card after their sync. */
static void
test_cards_block_survives_restore (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *old = card_number (f->cards[1]);
  g_autofree char *catalog_db = g_build_filename (f->hub_dir, "catalog.db", NULL);
  g_auto(VtrTestResult) block = { 0 };
  guint16 port = f->hub->port;
  sqlite3 *db = NULL;

  credit_at (f->shop_a, f->session_a, f->cards[1], "15");
  json_object_unref (sync_device (f->shop_a));
  ctl (&block, f->shop_a, f->session_a, "loyalty", "block", old, "--to", f->cards[2], NULL);
  g_assert_cmpint (block.status, ==, 0);
  json_object_unref (sync_device (f->shop_a));

  vtr_test_hub_stop (f->hub, SIGTERM);
  g_assert_cmpint (sqlite3_open (catalog_db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM blocked_card; DELETE FROM catalog_change WHERE kind = 64",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  f->hub = vtr_test_hub_start (f->hub_dir, port);

  g_assert_cmpint (balance_at (f->street, f->cards[1], NULL), >=, 0);
  json_object_unref (sync_device (f->street));
  g_assert_cmpint (balance_at (f->street, old, NULL), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cards/balance-across-shops", test_cards_balance_across_shops);
  ADD ("/cards/lost", test_cards_lost);
  ADD ("/cards/transfer-once", test_cards_transfer_once);
  ADD ("/cards/forged-new-card", test_cards_forged_new_card);
  ADD ("/cards/block-survives-restore", test_cards_block_survives_restore);
#undef ADD

  return g_test_run ();
}

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-test-hub.h"
#include "vtr-test-util.h"

/*
 * The stocks of signed codes (order numbers, blank cards) a device keeps
 * to work offline, refilled by sync from the real `vitrine-hub serve` on
 * 127.0.0.1; the devices are `vitrine-ctl` with data folders of their own.
 */

typedef struct
{
  char       *hub_dir;
  char       *kiosk_dir;
  char       *other_dir;
  VtrTestHub *hub;
} Fixture;

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)
#define CTL(dir, r, ...) vtr_test_run (r, "VITRINE_CTL", dir, NULL, __VA_ARGS__, NULL)

static void
pair (Fixture    *f,
      const char *dir,
      const char *name)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autofree char *code = vtr_test_hub_add_device (f->hub_dir, name, NULL);

  CTL (dir, &r, "pair", code, "--hub", f->hub->url);
  if (r.status != 0)
    g_error ("pair: %s", r.err);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->hub_dir = vtr_test_make_data_dir ();
  f->kiosk_dir = vtr_test_make_data_dir ();
  f->other_dir = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->hub_dir);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
  pair (f, f->kiosk_dir, "Kiosque du Vieux-Port");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hub)
    vtr_test_hub_stop (f->hub, SIGTERM);
  vtr_test_remove_tree (f->hub_dir);
  vtr_test_remove_tree (f->kiosk_dir);
  vtr_test_remove_tree (f->other_dir);
  g_free (f->hub_dir);
  g_free (f->kiosk_dir);
  g_free (f->other_dir);
}

/* `vitrine-ctl sync --json` on @dir, which must work. */
static JsonObject *
sync_device (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "sync", "--json");
  if (r.status != 0)
    g_error ("sync: %s %s", r.out, r.err);
  return vtr_test_parse_object (r.out);
}

static JsonObject *
status_of (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "status", "--json");
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_parse_object (r.out);
}

static gint64
sql_int (const char *dir,
         const char *file,
         const char *sql)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  return vtr_test_sql_int (path, sql);
}

static void
sql_exec (const char *dir,
          const char *file,
          const char *sql)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* An order of something a shop has in stock, through vitrine-ctl. */
static void
place_order (const char    *dir,
             VtrTestResult *r)
{
  g_autofree char *path = g_build_filename (dir, "catalog.db", NULL);
  gint64 product = vtr_test_sql_int (path, "SELECT product_id FROM stock WHERE availability > 0 "
                                           "ORDER BY product_id, merchant_id LIMIT 1");
  gint64 merchant = vtr_test_sql_int (path, "SELECT merchant_id FROM stock WHERE availability > 0 "
                                            "ORDER BY product_id, merchant_id LIMIT 1");
  g_autofree char *shop = g_strdup_printf ("%" G_GINT64_FORMAT, merchant);
  g_autofree char *items = g_strdup_printf ("%" G_GINT64_FORMAT ":1", product);

  CTL (dir, r, "order", "create", "--merchant", shop, "--items", items, "--first-name", "Ana",
       "--phone", "0612345678", "--json");
}

#define HUB_IN(f, r, input, ...) vtr_test_run_with_input (r, "VITRINE_HUB", (f)->hub_dir, NULL, input, __VA_ARGS__, NULL)
#define CTL_IN(dir, r, input, ...) vtr_test_run_with_input (r, "VITRINE_CTL", dir, NULL, input, __VA_ARGS__, NULL)

/* An enrolment at the counter of shop 7, whose staff PIN is 4321. */
static void
enrol (Fixture       *f,
       VtrTestResult *r)
{
  g_auto(VtrTestResult) login = { 0 };
  g_autofree char *token = NULL;

  CTL_IN (f->kiosk_dir, &login, "4321\n", "merchant", "login", "7");
  g_assert_cmpint (login.status, ==, 0);
  token = g_strstrip (g_strdup (login.out));
  CTL (f->kiosk_dir, r, "loyalty", "enrol", "--session", token, "--phone", "0612345678");
}

/* A kiosk that has used its last order number (or never had one) gets
 * new ones at its next sync, from the hub, and takes the order. */
static void
test_refill_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_auto(VtrTestResult) refused = { 0 };
  g_auto(VtrTestResult) placed = { 0 };
  g_auto(VtrTestResult) no_card = { 0 };
  g_auto(VtrTestResult) card = { 0 };
  g_autofree char *sql = NULL;

  /* Paired, and a catalogue (its first sync) but its stock used up. */
  report = sync_device (f->kiosk_dir);
  g_clear_pointer (&report, json_object_unref);
  sql_exec (f->kiosk_dir, "journal.db", "UPDATE pickup_stock SET used = 1; UPDATE card_stock SET used = 1");
  place_order (f->kiosk_dir, &refused);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "no order numbers left"));
  /* Nor can the counter enrol a customer. */
  {
    g_auto(VtrTestResult) set = { 0 };

    CTL_IN (f->kiosk_dir, &set, "4321\n4321\n", "pin", "set", "7");
    g_assert_cmpint (set.status, ==, 0);
    enrol (f, &no_card);
    g_assert_cmpint (no_card.status, ==, 1);
    g_assert_nonnull (strstr (no_card.err, "no blank cards left"));
  }

  report = sync_device (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (report, "pickup_codes"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (report, "blank_cards"), ==, 200);
  status = status_of (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (status, "pickup_codes"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (status, "blank_cards"), ==, 200);
  g_assert_false (json_object_get_boolean_member (status, "stock_warning"));

  place_order (f->kiosk_dir, &placed);
  if (placed.status != 0)
    g_error ("order: %s", placed.err);
  order = vtr_test_parse_object (placed.out);
  enrol (f, &card);
  if (card.status != 0)
    g_error ("enrol: %s", card.err);
  g_assert_nonnull (strstr (card.out, "HTTPS://VTR13.FR/C/"));
  /* The number is one the hub issued to this very device. */
  sql = g_strdup_printf ("SELECT count (*) FROM issued_code WHERE kind = 'pickup' AND device_id = 1 "
                         "AND number = '%s'",
                         json_object_get_string_member (order, "number"));
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db", sql), ==, 1);
  g_assert_cmpint (sql_int (f->kiosk_dir, "journal.db", "SELECT count (*) FROM pickup_stock WHERE used = 0"),
                   ==, 199);
  /* The federation's staff find the device from the number. */
  {
    g_auto(VtrTestResult) owner = { 0 };
    g_auto(VtrTestResult) unknown = { 0 };
    g_autofree char *expected = g_strdup_printf ("Order number %s: issued to device 1, “Kiosque du Vieux-Port”",
                                                 json_object_get_string_member (order, "number"));

    HUB (f, &owner, "code", "owner", json_object_get_string_member (order, "number"));
    g_assert_cmpint (owner.status, ==, 0);
    g_assert_nonnull (strstr (owner.out, expected));
    HUB (f, &unknown, "code", "owner", "ZZ-0000");
    g_assert_cmpint (unknown.status, ==, 1);
    g_assert_nonnull (strstr (unknown.err, "never issued"));
  }
}

/* Above the low-water mark, sync asks for nothing; below it, for enough
 * to be full again. */
static void
test_refill_below_mark (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) first = sync_device (f->kiosk_dir);
  g_autoptr(JsonObject) above = NULL;
  g_autoptr(JsonObject) below = NULL;

  g_assert_cmpint (json_object_get_int_member (first, "pickup_codes"), ==, 200);
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db", "SELECT count (*) FROM issued_code"), ==, 400);

  /* 50 left of each: not below the mark. */
  sql_exec (f->kiosk_dir, "journal.db",
            "UPDATE pickup_stock SET used = 1 WHERE number IN (SELECT number FROM pickup_stock LIMIT 150);"
            "UPDATE card_stock SET used = 1 WHERE card_id IN (SELECT card_id FROM card_stock LIMIT 150);");
  above = sync_device (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (above, "pickup_codes"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (above, "blank_cards"), ==, 0);
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db", "SELECT count (*) FROM issued_code"), ==, 400);

  /* 49 order numbers left: 151 more. */
  sql_exec (f->kiosk_dir, "journal.db",
            "UPDATE pickup_stock SET used = 1 WHERE number IN "
            "  (SELECT number FROM pickup_stock WHERE used = 0 LIMIT 1);");
  below = sync_device (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (below, "pickup_codes"), ==, 151);
  g_assert_cmpint (json_object_get_int_member (below, "blank_cards"), ==, 0);
  g_assert_cmpint (sql_int (f->kiosk_dir, "journal.db", "SELECT count (*) FROM pickup_stock WHERE used = 0"),
                   ==, 200);
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db",
                            "SELECT count (*) FROM issued_code WHERE kind = 'pickup' AND device_id = 1"),
                   ==, 351);
}

/* Two devices, and a batch printed on the hub: no order number twice. */
static void
test_numbers_unique (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_auto(VtrTestResult) printed = { 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *dirs[] = { f->kiosk_dir, f->other_dir };

  pair (f, f->other_dir, "Comptoir Rampal");
  a = sync_device (f->kiosk_dir);
  b = sync_device (f->other_dir);
  g_assert_cmpint (json_object_get_int_member (a, "pickup_codes"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (b, "pickup_codes"), ==, 200);
  HUB (f, &printed, "sign", "pickup", "--count", "300");
  g_assert_cmpint (printed.status, ==, 0);

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *path = g_build_filename (dirs[d], "journal.db", NULL);
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT number FROM pickup_stock", -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_assert_true (g_hash_table_add (seen, g_strdup ((const char *) sqlite3_column_text (stmt, 0))));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  {
    g_auto(GStrv) lines = g_strsplit (g_strstrip (printed.out), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 300);
    for (guint i = 0; lines[i]; i++)
      {
        /* HTTPS://VTR13.FR/O/NUMBER/K1/SIG */
        g_auto(GStrv) parts = g_strsplit (lines[i], "/", -1);

        g_assert_true (g_hash_table_add (seen, g_strdup (parts[4])));
      }
  }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 700);
  /* The hub knows which device got which. */
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db",
                            "SELECT count (DISTINCT device_id) FROM issued_code WHERE kind = 'pickup'"), ==, 2);
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db",
                            "SELECT count (*) FROM issued_code WHERE kind = 'pickup' AND device_id IS NULL"),
                   ==, 300);
}

/* Nine numbers in ten already issued (to devices long gone, say): the
 * hub gives two devices only numbers never issued, each once. */
static void
test_never_reissued (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *third_dir = vtr_test_make_data_dir ();
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  const char *dirs[] = { f->other_dir, third_dir };

  /* Every number whose last digit is not 0: 3,249,000 of them, written
   * while the hub is stopped, without its write-ahead log (a few seconds
   * rather than minutes), from the letters and the "-NNNN" ends each
   * written once (not formatted again for each pair of letters). */
  vtr_test_hub_stop (f->hub, SIGTERM);
  sql_exec (f->hub_dir, "hub.db",
            "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
            "CREATE TEMP TABLE l (c TEXT);"
            "INSERT INTO l VALUES ('A'), ('C'), ('D'), ('E'), ('F'), ('H'), ('J'), ('K'), ('L'), "
            "  ('M'), ('N'), ('P'), ('R'), ('T'), ('U'), ('V'), ('W'), ('X'), ('Y');"
            "CREATE TEMP TABLE n (s TEXT);"
            "WITH RECURSIVE i (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM i WHERE i < 9999) "
            "INSERT INTO n SELECT printf ('-%04d', i) FROM i WHERE i % 10 != 0;"
            "INSERT INTO issued_code (kind, number, device_id, issued) "
            "  SELECT 'pickup', x.c || y.c || n.s, 999, 0 FROM l AS x, l AS y, n;"
            "PRAGMA journal_mode = WAL;");
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db", "SELECT count (*) FROM issued_code"), ==, 3249000);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);

  pair (f, f->other_dir, "Comptoir Rampal");
  pair (f, third_dir, "Kiosque de Noailles");
  a = sync_device (f->other_dir);
  b = sync_device (third_dir);
  g_assert_cmpint (json_object_get_int_member (a, "pickup_codes"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (b, "pickup_codes"), ==, 200);
  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    g_assert_cmpint (sql_int (dirs[d], "journal.db",
                              "SELECT count (*) FROM pickup_stock WHERE substr (number, -1) = '0'"), ==, 200);
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db",
                            "SELECT count (*) FROM issued_code WHERE device_id IN (2, 3) "
                            "AND substr (number, -1) = '0'"), ==, 400);
  vtr_test_remove_tree (third_dir);
}

/* The stock can still be filled by hand (a kiosk that never reaches the
 * hub), with --json for programs; status counts it. */
static void
test_stock_by_hand (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(VtrTestResult) signed_codes = { 0 };
  g_auto(VtrTestResult) added = { 0 };
  g_autofree char *path = g_build_filename (f->other_dir, "pickup.txt", NULL);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) status = NULL;

  HUB (f, &signed_codes, "sign", "pickup", "--count", "5");
  g_assert_cmpint (signed_codes.status, ==, 0);
  g_assert_true (g_file_set_contents (path, signed_codes.out, -1, NULL));
  CTL (f->kiosk_dir, &added, "order", "stock", path, "--json");
  g_assert_cmpint (added.status, ==, 0);
  answer = vtr_test_parse_object (added.out);
  g_assert_cmpint (json_object_get_int_member (answer, "added"), ==, 5);
  status = status_of (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (status, "pickup_codes"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (status, "blank_cards"), ==, 0);
}

static guint
post_stock (Fixture     *f,
            SoupSession *session,
            const char  *token,
            const char  *json,
            JsonObject **answer)
{
  g_autofree char *url = g_strconcat (f->hub->url, "/api/v1/stock", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (answer)
    *answer = vtr_test_parse_object (text);
  return soup_message_get_status (msg);
}

/* The endpoint takes a kind and a bounded count, from a known device,
 * and no more than a day's worth. */
static void
test_stock_bounds (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = vtr_test_hub_pair_device (f->hub, "Kiosque de la Canebière");
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) refused = NULL;

  g_assert_cmpuint (post_stock (f, session, NULL, "{\"kind\":\"pickup\",\"count\":10}", NULL), ==, 401);
  g_assert_cmpuint (post_stock (f, session, "WRONG", "{\"kind\":\"pickup\",\"count\":10}", NULL), ==, 401);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"coupon\",\"count\":10}", NULL), ==, 400);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\",\"count\":0}", NULL), ==, 400);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\",\"count\":501}", NULL), ==, 400);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\",\"count\":\"9\"}", NULL), ==, 400);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\"}", NULL), ==, 400);

  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"card\",\"count\":3}", &answer), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "kind"), ==, "card");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "codes")), ==, 3);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (json_object_get_array_member (answer, "codes"), 0),
                                   "HTTPS://VTR13.FR/C/"));

  /* 2,000 order numbers a day at most. */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\",\"count\":500}", NULL), ==, 200);
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"pickup\",\"count\":1}", &refused), ==, 403);
  g_assert_nonnull (strstr (json_object_get_string_member (refused, "message"), "2000 order numbers today"));
  /* Cards are counted on their own. */
  g_assert_cmpuint (post_stock (f, session, token, "{\"kind\":\"card\",\"count\":1}", NULL), ==, 200);
}

/* Low stock and an unreachable hub: status says so, and sync fails
 * without losing the codes left. */
static void
test_low_and_offline (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) report = sync_device (f->kiosk_dir);
  g_autoptr(JsonObject) status = NULL;
  g_auto(VtrTestResult) sync = { 0 };
  g_auto(VtrTestResult) text = { 0 };

  sql_exec (f->kiosk_dir, "journal.db",
            "UPDATE pickup_stock SET used = 1 WHERE number IN (SELECT number FROM pickup_stock LIMIT 190);");
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;
  CTL (f->kiosk_dir, &sync, "sync");
  g_assert_cmpint (sync.status, ==, 1);

  status = status_of (f->kiosk_dir);
  g_assert_cmpint (json_object_get_int_member (status, "pickup_codes"), ==, 10);
  g_assert_true (json_object_get_boolean_member (status, "stock_warning"));
  CTL (f->kiosk_dir, &text, "status");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "Stock: order numbers: 10 · blank cards: 200"));
  g_assert_nonnull (strstr (text.out, "the stock is low and the hub could not be reached"));
}

/* PINs. */

static gboolean
login_works (const char *dir,
             const char *whose,
             const char *pin)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autofree char *input = g_strconcat (pin, "\n", NULL);

  CTL_IN (dir, &r, input, "merchant", "login", whose);
  return r.status == 0;
}

/* A federation kiosk's administrator PIN, set on the hub with `device add
 * --admin-pin` (typed, or made up and printed), arrives with the pairing;
 * without it, there is none until one is set, once. */
static void
test_admin_pin_with_pairing (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(VtrTestResult) typed = { 0 };
  g_auto(VtrTestResult) made_up = { 0 };
  g_auto(VtrTestResult) pair_typed = { 0 };
  g_auto(VtrTestResult) pair_made_up = { 0 };
  g_auto(VtrTestResult) short_pin = { 0 };
  g_auto(VtrTestResult) set = { 0 };
  g_auto(VtrTestResult) set_again = { 0 };
  g_autofree char *typed_code = NULL;
  g_autofree char *made_up_code = NULL;
  g_autofree char *third_dir = vtr_test_make_data_dir ();
  g_autoptr(JsonObject) after = NULL;
  const char *line;
  char pin[7] = { 0 };
  g_autoptr(JsonObject) pins = NULL;
  g_auto(VtrTestResult) pin_status = { 0 };

  /* The fixture's kiosk was added without: no administrator's PIN. */
  CTL (f->kiosk_dir, &pin_status, "pin", "status", "--json");
  g_assert_cmpint (pin_status.status, ==, 0);
  pins = vtr_test_parse_object (pin_status.out);
  g_assert_false (json_object_get_boolean_member (pins, "admin_pin"));
  g_assert_false (login_works (f->kiosk_dir, "admin", "2468"));
  /* One is chosen once; then only changed with the old one. */
  CTL_IN (f->kiosk_dir, &set, "2468\n2468\n", "pin", "set", "admin");
  g_assert_cmpint (set.status, ==, 0);
  CTL_IN (f->kiosk_dir, &set_again, "1111\n1111\n", "pin", "set", "admin");
  g_assert_cmpint (set_again.status, ==, 1);
  g_assert_nonnull (strstr (set_again.err, "already set"));
  g_assert_true (login_works (f->kiosk_dir, "admin", "2468"));
  g_assert_false (login_works (f->kiosk_dir, "admin", "1111"));

  HUB_IN (f, &short_pin, "12\n", "device", "add", "Borne trop courte", "--admin-pin");
  g_assert_cmpint (short_pin.status, ==, 1);
  g_assert_nonnull (strstr (short_pin.err, "4 to 12 digits"));

  HUB_IN (f, &typed, "735190\n", "device", "add", "Borne du Panier", "--admin-pin");
  g_assert_cmpint (typed.status, ==, 0);
  g_assert_null (strstr (typed.out, "735190"));
  typed_code = vtr_test_last_line (typed.out);
  CTL (f->other_dir, &pair_typed, "pair", typed_code, "--hub", f->hub->url);
  g_assert_cmpint (pair_typed.status, ==, 0);
  g_assert_true (login_works (f->other_dir, "admin", "735190"));
  g_assert_false (login_works (f->other_dir, "admin", "735191"));
  /* Only its hash is on the hub. */
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db",
                            "SELECT count (*) FROM device WHERE admin_pin_hash LIKE '$argon2id$%'"), ==, 1);

  HUB_IN (f, &made_up, "", "device", "add", "Borne de Noailles", "--admin-pin");
  g_assert_cmpint (made_up.status, ==, 0);
  line = strstr (made_up.out, "Administrator’s PIN of this kiosk: ");
  g_assert_nonnull (line);
  memcpy (pin, line + strlen ("Administrator’s PIN of this kiosk: "), 6);
  g_assert_cmpuint (strspn (pin, "0123456789"), ==, 6);
  made_up_code = vtr_test_last_line (made_up.out);
  CTL (third_dir, &pair_made_up, "pair", made_up_code, "--hub", f->hub->url);
  g_assert_cmpint (pair_made_up.status, ==, 0);
  g_assert_true (login_works (third_dir, "admin", pin));
  after = status_of (third_dir);
  g_assert_true (json_object_get_boolean_member (after, "paired"));
  vtr_test_remove_tree (third_dir);
}

/* A PIN changes with the old one; a wrong old one counts as a wrong
 * login, and the new one is typed twice the same. */
static void
test_pin_change (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(VtrTestResult) set = { 0 };
  g_auto(VtrTestResult) wrong_old = { 0 };
  g_auto(VtrTestResult) mismatch = { 0 };
  g_auto(VtrTestResult) changed = { 0 };
  g_autoptr(JsonObject) answer = NULL;

  CTL_IN (f->kiosk_dir, &set, "4321\n4321\n", "pin", "set", "7");
  g_assert_cmpint (set.status, ==, 0);
  CTL_IN (f->kiosk_dir, &wrong_old, "9999\n5555\n5555\n", "pin", "change", "7");
  g_assert_cmpint (wrong_old.status, ==, 1);
  g_assert_nonnull (strstr (wrong_old.err, "Wrong PIN"));
  CTL_IN (f->kiosk_dir, &mismatch, "4321\n5555\n5556\n", "pin", "change", "7");
  g_assert_cmpint (mismatch.status, ==, 1);
  g_assert_nonnull (strstr (mismatch.err, "not the same"));
  g_assert_true (login_works (f->kiosk_dir, "7", "4321"));

  CTL_IN (f->kiosk_dir, &changed, "4321\n5555\n5555\n", "pin", "change", "7", "--json");
  g_assert_cmpint (changed.status, ==, 0);
  answer = vtr_test_parse_object (changed.out);
  g_assert_true (json_object_get_boolean_member (answer, "ok"));
  g_assert_cmpint (json_object_get_int_member (answer, "merchant"), ==, 7);
  g_assert_true (login_works (f->kiosk_dir, "7", "5555"));
  g_assert_false (login_works (f->kiosk_dir, "7", "4321"));
}

static char *
reset_code (Fixture    *f,
            const char *device,
            const char *expires)
{
  g_auto(VtrTestResult) r = { 0 };

  if (expires)
    HUB (f, &r, "device", "reset-pin", device, "--expires", expires);
  else
    HUB (f, &r, "device", "reset-pin", device);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_last_line (r.out);
}

/* The federation's reset code sets a new PIN once, on its own device,
 * before it expires; a forged, expired, other device's or used code does
 * nothing. */
static void
test_reset_code (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *code = reset_code (f, "1", NULL);
  g_autofree char *other = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *yesterday = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) before = g_date_time_add_days (now, -2);
  g_auto(VtrTestResult) set = { 0 };
  g_auto(VtrTestResult) r_other = { 0 };
  g_auto(VtrTestResult) r_forged = { 0 };
  g_auto(VtrTestResult) r_expired = { 0 };
  g_auto(VtrTestResult) r_mismatch = { 0 };
  g_auto(VtrTestResult) r_ok = { 0 };
  g_auto(VtrTestResult) r_replay = { 0 };
  g_auto(VtrTestResult) r_unknown = { 0 };
  g_autoptr(JsonObject) answer = NULL;
  char *sig;

  g_assert_true (g_str_has_prefix (code, "HTTPS://VTR13.FR/N/"));
  g_assert_nonnull (strstr (code, "/V1/"));
  CTL_IN (f->kiosk_dir, &set, "2468\n2468\n", "pin", "set", "admin");
  g_assert_cmpint (set.status, ==, 0);

  /* For the other device. */
  pair (f, f->other_dir, "Comptoir Rampal");
  other = reset_code (f, "2", NULL);
  CTL_IN (f->kiosk_dir, &r_other, "1234\n1234\n", "pin", "reset", other);
  g_assert_cmpint (r_other.status, ==, 1);
  g_assert_nonnull (strstr (r_other.err, "another device"));

  /* Forged: the device number changed, the signature kept. */
  forged = g_strdup (other);
  sig = strstr (forged, "/V2/");
  sig[2] = '1';
  CTL_IN (f->kiosk_dir, &r_forged, "1234\n1234\n", "pin", "reset", forged);
  g_assert_cmpint (r_forged.status, ==, 1);
  g_assert_nonnull (strstr (r_forged.err, "altered or forged"));

  /* Expired. */
  yesterday = g_date_time_format (before, "%Y-%m-%d");
  expired = reset_code (f, "1", yesterday);
  CTL_IN (f->kiosk_dir, &r_expired, "1234\n1234\n", "pin", "reset", expired);
  g_assert_cmpint (r_expired.status, ==, 1);
  g_assert_nonnull (strstr (r_expired.err, "expired"));

  /* Not a reset code at all, and new PINs that differ. */
  CTL_IN (f->kiosk_dir, &r_unknown, "1234\n1234\n", "pin", "reset", "HTTPS://VTR13.FR/M/12/K1/AAAA");
  g_assert_cmpint (r_unknown.status, ==, 1);
  CTL_IN (f->kiosk_dir, &r_mismatch, "1234\n1235\n", "pin", "reset", code);
  g_assert_cmpint (r_mismatch.status, ==, 1);
  g_assert_true (login_works (f->kiosk_dir, "admin", "2468"));
  g_assert_false (login_works (f->kiosk_dir, "admin", "1234"));

  /* The right one, once. */
  CTL_IN (f->kiosk_dir, &r_ok, "1234\n1234\n", "pin", "reset", code, "--json");
  g_assert_cmpint (r_ok.status, ==, 0);
  answer = vtr_test_parse_object (r_ok.out);
  g_assert_cmpstr (json_object_get_string_member (answer, "pin"), ==, "admin");
  g_assert_true (login_works (f->kiosk_dir, "admin", "1234"));
  g_assert_false (login_works (f->kiosk_dir, "admin", "2468"));
  CTL_IN (f->kiosk_dir, &r_replay, "7777\n7777\n", "pin", "reset", code);
  g_assert_cmpint (r_replay.status, ==, 1);
  g_assert_nonnull (strstr (r_replay.err, "already used"));
  g_assert_true (login_works (f->kiosk_dir, "admin", "1234"));
  /* The hub recorded the codes it printed. */
  g_assert_cmpint (sql_int (f->hub_dir, "hub.db", "SELECT count (*) FROM pin_reset"), ==, 3);
}

/* On a shop's device the reset code sets the shop's staff PIN. */
static void
test_reset_shop_pin (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(VtrTestResult) add = { 0 };
  g_auto(VtrTestResult) paired = { 0 };
  g_auto(VtrTestResult) set = { 0 };
  g_auto(VtrTestResult) status = { 0 };
  g_auto(VtrTestResult) reset = { 0 };
  g_autofree char *pairing = NULL;
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) pins = NULL;
  g_autoptr(JsonObject) answer = NULL;

  HUB (f, &add, "device", "add", "Boulangerie Rampal, comptoir", "--merchant", "7");
  g_assert_cmpint (add.status, ==, 0);
  pairing = vtr_test_last_line (add.out);
  CTL (f->other_dir, &paired, "pair", pairing, "--hub", f->hub->url);
  g_assert_cmpint (paired.status, ==, 0);
  CTL (f->other_dir, &status, "pin", "status", "--json");
  pins = vtr_test_parse_object (status.out);
  g_assert_cmpint (json_object_get_int_member (pins, "merchant"), ==, 7);
  g_assert_false (json_object_get_boolean_member (pins, "shop_pin"));
  CTL_IN (f->other_dir, &set, "1111\n1111\n", "pin", "set", "7");
  g_assert_cmpint (set.status, ==, 0);

  code = reset_code (f, "2", NULL);
  CTL_IN (f->other_dir, &reset, "6543\n6543\n", "pin", "reset", code, "--json");
  g_assert_cmpint (reset.status, ==, 0);
  answer = vtr_test_parse_object (reset.out);
  g_assert_cmpstr (json_object_get_string_member (answer, "pin"), ==, "shop");
  g_assert_cmpint (json_object_get_int_member (answer, "merchant"), ==, 7);
  g_assert_true (login_works (f->other_dir, "7", "6543"));
  g_assert_false (login_works (f->other_dir, "7", "1111"));
  /* The administrator's PIN is not what it set. */
  g_assert_false (login_works (f->other_dir, "admin", "6543"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/pools/refill-empty", test_refill_empty);
  ADD ("/pools/refill-below-mark", test_refill_below_mark);
  ADD ("/pools/numbers-unique", test_numbers_unique);
  ADD ("/pools/never-reissued", test_never_reissued);
  ADD ("/pools/stock-by-hand", test_stock_by_hand);
  ADD ("/pools/stock-bounds", test_stock_bounds);
  ADD ("/pools/low-and-offline", test_low_and_offline);
  ADD ("/pools/admin-pin-with-pairing", test_admin_pin_with_pairing);
  ADD ("/pools/pin-change", test_pin_change);
  ADD ("/pools/reset-code", test_reset_code);
  ADD ("/pools/reset-shop-pin", test_reset_shop_pin);
  return g_test_run ();
}

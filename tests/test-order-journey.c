#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vtr-test-hub.h"
#include "vtr-test-proxy.h"
#include "vtr-test-util.h"

/*
 * An order's journey across devices, every one a real process on
 * 127.0.0.1: `vitrine-hub serve` with the demo catalogue, a street kiosk
 * and the devices of two shops, each `vitrine-ctl` with its own data
 * folder. Shop A's devices reach the hub through a proxy that can cut
 * them off. The customer orders at the street kiosk; shop A's device has
 * the order after its sync (shop B's has not), makes it ready; the
 * street kiosk sees it ready; the customer's pickup code scanned at shop
 * A hands it over, and every device says collected.
 */

#define SHOP_A  "1"  /* stocks product 13 in the demo catalogue */
#define SHOP_B  "2"
#define PRODUCT "13"
#define LOCKER  "9"  /* a parcel locker of the demo catalogue */

typedef struct
{
  char         *hub_dir;
  char         *street;   /* the street kiosk's data folder */
  char         *shop_a;   /* shop A's counter */
  char         *shop_a2;  /* shop A's second counter */
  char         *shop_b;
  VtrTestHub   *hub;
  VtrTestProxy *proxy;    /* between shop A's devices and the hub */
  char         *session_a;
  char         *session_a2;
} Fixture;

static const char *ctl_env[] = { "VITRINE_SYNC_TIMEOUT", "5", NULL };

#define HUB(f, r, ...) vtr_test_run (r, "VITRINE_HUB", (f)->hub_dir, NULL, __VA_ARGS__, NULL)
#define CTL(dir, r, ...) vtr_test_run (r, "VITRINE_CTL", dir, ctl_env, __VA_ARGS__, NULL)

/* vitrine-ctl with something on its standard input (a PIN), which must
 * work: what it printed. */
static char *
ctl_with_input (const char *dir,
                const char *input,
                ...)
{
  g_auto(VtrTestResult) r = { 0 };
  va_list args;

  va_start (args, input);
  vtr_test_run_with_input_valist (&r, "VITRINE_CTL", dir, NULL, input, args);
  va_end (args);
  if (r.status != 0)
    g_error ("vitrine-ctl: %s", r.err);
  return g_strstrip (g_steal_pointer (&r.out));
}

/* A device added on the hub and paired through @url; its shop's staff
 * session when it is a shop's. */
static char *
pair (Fixture    *f,
      const char *dir,
      const char *name,
      const char *merchant,
      const char *url)
{
  g_auto(VtrTestResult) paired = { 0 };
  g_autofree char *code = vtr_test_hub_add_device (f->hub_dir, name, merchant);
  g_autofree char *set = NULL;

  CTL (dir, &paired, "pair", code, "--hub", url);
  if (paired.status != 0)
    g_error ("pair: %s", paired.err);
  if (merchant == NULL)
    return NULL;
  set = ctl_with_input (dir, "4242\n", "merchant", "set-pin", merchant, NULL);
  return ctl_with_input (dir, "4242\n", "merchant", "login", merchant, NULL);
}

/* A sync that must work; its report. */
static JsonObject *
synced (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "sync", "--json");
  if (r.status != 0)
    g_error ("sync of %s: %s %s", dir, r.out, r.err);
  return vtr_test_parse_object (r.out);
}

static gboolean
sync_fails (const char *dir)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "sync");
  return r.status != 0;
}

/* `vitrine-ctl order show` on a device: NULL when it does not have it. */
static JsonObject *
order_on (const char *dir,
          const char *number_or_code)
{
  g_auto(VtrTestResult) r = { 0 };

  CTL (dir, &r, "order", "show", number_or_code, "--json");
  if (r.status != 0)
    return NULL;
  return vtr_test_parse_object (r.out);
}

/* Whether the device at @dir has the order. */
static gboolean
has_order (const char *dir,
           const char *number_or_code)
{
  g_autoptr(JsonObject) order = order_on (dir, number_or_code);

  return order != NULL;
}

static char *
state_on (const char *dir,
          const char *number)
{
  g_autoptr(JsonObject) order = order_on (dir, number);

  return order ? g_strdup (json_object_get_string_member (order, "state")) : NULL;
}

static gint64
count_orders (const char *dir)
{
  g_autofree char *journal = g_build_filename (dir, "journal.db", NULL);

  return vtr_test_sql_int (journal, "SELECT count (*) FROM orders");
}

/* A step at a shop's counter: its `order show --json` after. */
static JsonObject *
step (const char *dir,
      const char *session,
      const char *action,
      const char *number,
      const char *extra_name,
      const char *extra_value,
      int        *status)
{
  g_auto(VtrTestResult) r = { 0 };

  if (extra_name)
    CTL (dir, &r, "order", action, number, "--session", session, extra_name, extra_value, "--json");
  else
    CTL (dir, &r, "order", action, number, "--session", session, "--json");
  *status = r.status;
  return r.status == 0 ? vtr_test_parse_object (r.out) : NULL;
}

#define STEP_OK(dir, session, action, number, ...) \
  G_STMT_START { \
    int _status; \
    g_autoptr(JsonObject) _o = step (dir, session, action, number, __VA_ARGS__, &_status); \
    g_assert_cmpint (_status, ==, 0); \
  } G_STMT_END

/* An order at the street kiosk: its number, and the pickup code the
 * customer carries away. */
static char *
order_at_street (Fixture    *f,
                 const char *first_name,
                 const char *locker,
                 char      **pickup)
{
  g_auto(VtrTestResult) r = { 0 };
  g_autoptr(JsonObject) order = NULL;

  if (locker)
    CTL (f->street, &r, "order", "create", "--merchant", SHOP_A, "--items", PRODUCT ":2", "--first-name",
         first_name, "--phone", "06 12 34 56 78", "--locker", locker, "--json");
  else
    CTL (f->street, &r, "order", "create", "--merchant", SHOP_A, "--items", PRODUCT ":2", "--first-name",
         first_name, "--phone", "06 12 34 56 78", "--json");
  if (r.status != 0)
    g_error ("order create: %s", r.err);
  order = vtr_test_parse_object (r.out);
  *pickup = g_strdup (json_object_get_string_member (order, "pickup_code"));
  return g_strdup (json_object_get_string_member (order, "number"));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(VtrTestResult) codes = { 0 };
  g_auto(VtrTestResult) stock = { 0 };
  g_autofree char *proxy_url = NULL;
  g_autofree char *codes_path = NULL;

  f->hub_dir = vtr_test_make_data_dir ();
  f->street = vtr_test_make_data_dir ();
  f->shop_a = vtr_test_make_data_dir ();
  f->shop_a2 = vtr_test_make_data_dir ();
  f->shop_b = vtr_test_make_data_dir ();
  vtr_test_hub_init_demo (f->hub_dir);
  f->hub = vtr_test_hub_start (f->hub_dir, 0);
  f->proxy = vtr_test_proxy_new (f->hub->port);
  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", vtr_test_proxy_get_port (f->proxy));

  pair (f, f->street, "Kiosque de la Canebière", NULL, f->hub->url);
  f->session_a = pair (f, f->shop_a, "Boulangerie A, comptoir", SHOP_A, proxy_url);
  f->session_a2 = pair (f, f->shop_a2, "Boulangerie A, second comptoir", SHOP_A, proxy_url);
  g_free (pair (f, f->shop_b, "Épicerie B, comptoir", SHOP_B, f->hub->url));

  /* The street kiosk's catalogue and order numbers. */
  json_object_unref (synced (f->street));
  HUB (f, &codes, "sign", "pickup", "--count", "10");
  g_assert_cmpint (codes.status, ==, 0);
  codes_path = g_build_filename (f->street, "pickup-codes.txt", NULL);
  g_assert_true (g_file_set_contents (codes_path, codes.out, -1, NULL));
  CTL (f->street, &stock, "order", "stock", codes_path);
  g_assert_cmpint (stock.status, ==, 0);
  for (const char *dir = f->shop_a; dir; dir = dir == f->shop_a ? f->shop_a2 : dir == f->shop_a2 ? f->shop_b : NULL)
    json_object_unref (synced (dir));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vtr_test_proxy_free (f->proxy);
  vtr_test_hub_stop (f->hub, SIGTERM);
  for (char **dir = (char *[]) { f->hub_dir, f->street, f->shop_a, f->shop_a2, f->shop_b, NULL }; *dir; dir++)
    {
      vtr_test_remove_tree (*dir);
      g_free (*dir);
    }
  g_free (f->session_a);
  g_free (f->session_a2);
}

static char *
hub_state (Fixture    *f,
           const char *number)
{
  g_autofree char *path = g_build_filename (f->hub_dir, "hub.db", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT CASE state WHEN 'placed' THEN 1 WHEN 'accepted' THEN 2 "
                                          "WHEN 'ready' THEN 3 WHEN 'collected' THEN 4 WHEN 'cancelled' "
                                          "THEN 5 ELSE 6 END FROM hub_order WHERE number = '%s'",
                                          number);
  static const char * const names[] = { "?", "placed", "accepted", "ready", "collected", "cancelled", "refused" };

  return g_strdup (names[vtr_test_sql_int (path, sql)]);
}

#define ASSERT_STATE(dir, number, expected) \
  G_STMT_START { \
    g_autofree char *_s = state_on (dir, number); \
    g_assert_cmpstr (_s, ==, expected); \
  } G_STMT_END

/* The whole journey, online. */
static void
test_journey (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *pickup = NULL;
  g_autofree char *number = order_at_street (f, "Léa", NULL, &pickup);
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) at_shop = NULL;
  g_autoptr(JsonObject) at_street = NULL;
  g_auto(VtrTestResult) collect = { 0 };
  g_auto(VtrTestResult) shown = { 0 };
  g_autofree char *hub = NULL;
  JsonObject *line;

  /* Before the street kiosk's sync, nobody else knows. */
  report = synced (f->shop_a);
  g_assert_cmpint (json_object_get_int_member (report, "orders_new"), ==, 0);
  g_assert_false (has_order (f->shop_a, number));
  g_clear_pointer (&report, json_object_unref);

  json_object_unref (synced (f->street));
  report = synced (f->shop_a);
  g_assert_cmpint (json_object_get_int_member (report, "orders_new"), ==, 1);
  /* The order at the shop: its lines, the first name, how it is collected. */
  at_shop = order_on (f->shop_a, number);
  g_assert_nonnull (at_shop);
  g_assert_cmpstr (json_object_get_string_member (at_shop, "state"), ==, "placed");
  g_assert_cmpstr (json_object_get_string_member (at_shop, "first_name"), ==, "Léa");
  g_assert_cmpstr (json_object_get_string_member (at_shop, "delivery"), ==, "shop");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (at_shop, "lines")), ==, 1);
  line = json_array_get_object_element (json_object_get_array_member (at_shop, "lines"), 0);
  g_assert_cmpint (json_object_get_int_member (line, "product"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (line, "quantity"), ==, 2);
  /* Shop B's device never sees it. */
  json_object_unref (synced (f->shop_b));
  g_assert_false (has_order (f->shop_b, number));
  g_assert_cmpint (count_orders (f->shop_b), ==, 0);
  /* A second sync asks only what changed: nothing new. */
  g_clear_pointer (&report, json_object_unref);
  report = synced (f->shop_a);
  g_assert_cmpint (json_object_get_int_member (report, "orders_new"), ==, 0);
  g_assert_cmpint (count_orders (f->shop_a), ==, 1);

  /* Accepted, ready: up to the hub, and back to the street kiosk. */
  STEP_OK (f->shop_a, f->session_a, "accept", number, NULL, NULL);
  STEP_OK (f->shop_a, f->session_a, "ready", number, NULL, NULL);
  ASSERT_STATE (f->street, number, "placed");
  json_object_unref (synced (f->shop_a));
  hub = hub_state (f, number);
  g_assert_cmpstr (hub, ==, "ready");
  json_object_unref (synced (f->street));
  ASSERT_STATE (f->street, number, "ready");
  /* The customer scans the pickup code at the street kiosk: ready, at the shop. */
  CTL (f->street, &shown, "order", "show", pickup);
  g_assert_cmpint (shown.status, ==, 0);
  g_assert_nonnull (strstr (shown.out, "is ready: collect it at the shop"));

  /* At shop A, the pickup code finds the order, though another device
   * took it, and hands it over. */
  CTL (f->shop_a, &collect, "order", "collect", pickup, "--session", f->session_a, "--json");
  if (collect.status != 0)
    g_error ("collect: %s", collect.err);
  ASSERT_STATE (f->shop_a, number, "collected");
  json_object_unref (synced (f->shop_a));
  json_object_unref (synced (f->shop_a2));
  json_object_unref (synced (f->street));
  g_clear_pointer (&hub, g_free);
  hub = hub_state (f, number);
  g_assert_cmpstr (hub, ==, "collected");
  ASSERT_STATE (f->street, number, "collected");
  ASSERT_STATE (f->shop_a2, number, "collected");
  at_street = order_on (f->street, pickup);
  g_assert_nonnull (at_street);
  g_assert_cmpstr (json_object_get_string_member (at_street, "state"), ==, "collected");
}

/* Shop A's device cut off in between: the orders placed meanwhile arrive
 * when it is back, in the order they were placed, and the steps taken
 * offline go up then. */
static void
test_offline_shop (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *pickup1 = NULL, *pickup2 = NULL, *pickup3 = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  g_autofree char *hub = NULL;
  g_autofree char *journal = g_build_filename (f->shop_a, "journal.db", NULL);
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *sql = NULL;

  first = order_at_street (f, "Marius", NULL, &pickup1);
  json_object_unref (synced (f->street));
  json_object_unref (synced (f->shop_a));
  g_assert_true (has_order (f->shop_a, first));

  /* The shop's network goes: its syncs fail, its counter goes on. */
  vtr_test_proxy_set_target (f->proxy, 1);
  second = order_at_street (f, "Fanny", NULL, &pickup2);
  third = order_at_street (f, "César", NULL, &pickup3);
  json_object_unref (synced (f->street));
  g_assert_true (sync_fails (f->shop_a));
  g_assert_false (has_order (f->shop_a, second));
  STEP_OK (f->shop_a, f->session_a, "accept", first, NULL, NULL);
  STEP_OK (f->shop_a, f->session_a, "ready", first, NULL, NULL);
  g_assert_true (sync_fails (f->shop_a));
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM outbox"), ==, 2);
  hub = hub_state (f, first);
  g_assert_cmpstr (hub, ==, "placed");

  /* Back: the steps go up, the two orders come down, in order. */
  vtr_test_proxy_set_target (f->proxy, f->hub->port);
  report = synced (f->shop_a);
  g_assert_cmpint (json_object_get_int_member (report, "orders_new"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (report, "accepted"), ==, 2);
  g_assert_cmpint (vtr_test_sql_int (journal, "SELECT count (*) FROM outbox"), ==, 0);
  g_clear_pointer (&hub, g_free);
  hub = hub_state (f, first);
  g_assert_cmpstr (hub, ==, "ready");
  sql = g_strdup_printf ("SELECT (SELECT created FROM orders WHERE number = '%s') <= "
                         "(SELECT created FROM orders WHERE number = '%s')",
                         second, third);
  g_assert_cmpint (vtr_test_sql_int (journal, sql), ==, 1);
  ASSERT_STATE (f->shop_a, second, "placed");
  ASSERT_STATE (f->shop_a, third, "placed");

  /* The customer collects at the shop; the street kiosk sees it. */
  {
    g_auto(VtrTestResult) collect = { 0 };

    CTL (f->shop_a, &collect, "order", "collect", pickup1, "--session", f->session_a);
    g_assert_cmpint (collect.status, ==, 0);
  }
  /* Collected offline, sent when the network is back. */
  vtr_test_proxy_set_target (f->proxy, 1);
  g_assert_true (sync_fails (f->shop_a));
  vtr_test_proxy_set_target (f->proxy, f->hub->port);
  json_object_unref (synced (f->shop_a));
  json_object_unref (synced (f->street));
  ASSERT_STATE (f->street, first, "collected");
  g_clear_pointer (&hub, g_free);
  hub = hub_state (f, first);
  g_assert_cmpstr (hub, ==, "collected");
}

/* Two counters of one shop: one cancels (with a reason the customer is
 * told), the other, offline, made the order ready. The hub refuses that
 * step, and the second counter shows why, on the order. */
static void
test_refused_step (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *pickup = NULL;
  g_autofree char *number = order_at_street (f, "Honorine", NULL, &pickup);
  g_autoptr(JsonObject) on_a2 = NULL;
  g_autoptr(JsonObject) on_street = NULL;
  g_auto(VtrTestResult) shown = { 0 };
  g_auto(VtrTestResult) too_long = { 0 };
  g_autofree char *reason = g_strnfill (201, 'x');

  json_object_unref (synced (f->street));
  json_object_unref (synced (f->shop_a));
  json_object_unref (synced (f->shop_a2));

  /* A reason is required, and bounded. */
  CTL (f->shop_a, &too_long, "order", "cancel", number, "--session", f->session_a, "--reason", reason);
  g_assert_cmpint (too_long.status, !=, 0);
  STEP_OK (f->shop_a, f->session_a, "cancel", number, "--reason", "Plus de pain de campagne");
  json_object_unref (synced (f->shop_a));

  STEP_OK (f->shop_a2, f->session_a2, "accept", number, NULL, NULL);
  json_object_unref (synced (f->shop_a2));
  on_a2 = order_on (f->shop_a2, number);
  g_assert_cmpstr (json_object_get_string_member (on_a2, "state"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (on_a2, "reason"), ==, "Plus de pain de campagne");
  g_assert_cmpstr (json_object_get_string_member (on_a2, "refusal"), ==,
                   "the order cannot take this step from the state it is in on the hub");
  CTL (f->shop_a2, &shown, "order", "list", "--merchant", SHOP_A);
  g_assert_nonnull (strstr (shown.out, "The hub refused the last step: the order cannot take this step"));

  /* The street kiosk learns it was cancelled, and why. */
  json_object_unref (synced (f->street));
  on_street = order_on (f->street, pickup);
  g_assert_cmpstr (json_object_get_string_member (on_street, "state"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (on_street, "reason"), ==, "Plus de pain de campagne");
}

/* A parcel locker order: deposited at the counter with its compartment
 * and code, which go up to the hub and back to the street kiosk. */
static void
test_locker (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *pickup = NULL;
  g_autofree char *number = order_at_street (f, "Olive", LOCKER, &pickup);
  g_autofree char *shop_pickup = NULL;
  g_autofree char *shop_order = order_at_street (f, "Panisse", NULL, &shop_pickup);
  g_autofree char *hub_path = g_build_filename (f->hub_dir, "hub.db", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(JsonObject) at_shop = NULL;
  g_auto(VtrTestResult) shown = { 0 };
  g_auto(VtrTestResult) bad = { 0 };
  int status;

  json_object_unref (synced (f->street));
  json_object_unref (synced (f->shop_a));
  at_shop = order_on (f->shop_a, number);
  g_assert_cmpstr (json_object_get_string_member (at_shop, "delivery"), ==, "locker");
  STEP_OK (f->shop_a, f->session_a, "accept", number, NULL, NULL);
  STEP_OK (f->shop_a, f->session_a, "accept", shop_order, NULL, NULL);
  /* An order for the shop's counter goes in no locker. */
  g_assert_null (step (f->shop_a, f->session_a, "deposit", shop_order, "--compartment", "B12", &status));
  g_assert_cmpint (status, !=, 0);
  CTL (f->shop_a, &bad, "order", "deposit", number, "--session", f->session_a, "--compartment", "B12",
       "--locker-code", "47 11; DROP");
  g_assert_cmpint (bad.status, !=, 0);
  {
    g_auto(VtrTestResult) r = { 0 };

    CTL (f->shop_a, &r, "order", "deposit", number, "--session", f->session_a, "--compartment", "B12",
         "--locker-code", "4711", "--json");
    g_assert_cmpint (r.status, ==, 0);
  }
  json_object_unref (synced (f->shop_a));
  sql = g_strdup_printf ("SELECT json_extract (step, '$.locker_compartment') = 'B12' AND "
                         "json_extract (step, '$.locker_code') = '4711' AND state = 'ready' "
                         "FROM hub_order WHERE number = '%s'",
                         number);
  g_assert_cmpint (vtr_test_sql_int (hub_path, sql), ==, 1);

  json_object_unref (synced (f->street));
  CTL (f->street, &shown, "order", "show", pickup);
  g_assert_cmpint (shown.status, ==, 0);
  g_assert_nonnull (strstr (shown.out, "parcel locker compartment B12: open it with the code 4711"));
  g_assert_null (strstr (shown.out, "counter"));
}

/* Shop B's device asks for shop A's orders, places one for shop A, moves
 * one of shop A's: all refused. */
static void
test_other_shop (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *pickup = NULL;
  g_autofree char *number = order_at_street (f, "Escartefigue", NULL, &pickup);
  g_autofree char *journal = g_build_filename (f->shop_b, "journal.db", NULL);
  g_autofree char *street_journal = g_build_filename (f->street, "journal.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *u1 = g_uuid_string_random (), *u2 = g_uuid_string_random ();
  g_autofree char *u3 = g_uuid_string_random (), *u4 = g_uuid_string_random ();

  json_object_unref (synced (f->street));
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (journal, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT token FROM hub", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    token = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_assert_cmpint (sqlite3_open_v2 (street_journal, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid FROM orders", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  bearer = g_strconcat ("Bearer ", token, NULL);

  url = g_strconcat (f->hub->url, "/api/v1/orders?since=0&merchant=" SHOP_A, NULL);
  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 403);

  g_clear_object (&msg);
  g_clear_pointer (&answer, g_bytes_unref);
  g_free (url);
  url = g_strconcat (f->hub->url, "/api/v1/events", NULL);
  body = g_strdup_printf ("{\"events\":["
                          "{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":1800000000,\"payload\":{\"order\":\"%s\","
                          "\"number\":\"ZZ-0001\",\"state\":\"placed\",\"at\":1800000000,\"merchant\":" SHOP_A "}},"
                          "{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":1800000000,\"payload\":{\"order\":\"%s\","
                          "\"number\":\"%s\",\"state\":\"accepted\",\"at\":1800000000}},"
                          "{\"uuid\":\"%s\",\"kind\":\"order\",\"created\":1800000000,\"payload\":{\"order\":\"%s\","
                          "\"number\":\"%s\",\"state\":\"accepted\",\"at\":1800000000,\"reason\":\"%s\"}}]}",
                          u1, u2, u3, uuid, number, u4, uuid, number, "no reason on an accepted order");
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  {
    g_autoptr(GBytes) request = g_bytes_new_static (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, "application/json", request);
  }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (msg), ==, 200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
    g_autoptr(JsonObject) results = vtr_test_parse_object (text);
    JsonArray *array = json_object_get_array_member (results, "results");

    g_assert_cmpint (json_array_get_length (array), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "reason"), ==,
                     "this device belongs to another shop");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "reason"), ==,
                     "this order belongs to another shop");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2), "reason"), ==,
                     "a reason goes with a cancelled or refused order, 200 characters at most");
  }
  {
    g_autofree char *hub = hub_state (f, number);

    g_assert_cmpstr (hub, ==, "placed");
  }
}

/* `vitrine-ctl order wait` on shop A's device, started: the process. */
static GSubprocess *
start_wait (Fixture    *f,
            const char *seconds)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "VITRINE_SYNC_TIMEOUT", "30", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VITRINE_CTL"), "order", "wait", "--seconds",
                                         seconds, "--json", "--data-dir", f->shop_a, NULL);
  g_assert_no_error (error);
  return process;
}

/* Its answer: {"orders_new": N, …}, and how long after @since it came. */
static JsonObject *
finish_wait (GSubprocess *process,
             gint64       since,
             double      *seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  *seconds = (g_get_monotonic_time () - since) / (double) G_USEC_PER_SEC;
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("order wait: %s", err);
  return vtr_test_parse_object (out);
}

/* A long-poll of the orders (GET /api/v1/orders?since=…&wait=S): shop
 * A's device waiting at the hub has the order as soon as the street
 * kiosk uploads it, not at its next poll; with no order it answers at its
 * time; a hub that stops answers its long-polls at once. */
static void
test_long_poll (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSubprocess) waiting = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *pickup = NULL;
  g_autofree char *number = NULL;
  double seconds;
  gint64 uploaded, started;

  waiting = start_wait (f, "20");
  g_usleep (G_USEC_PER_SEC);
  number = order_at_street (f, "Norine", NULL, &pickup);
  json_object_unref (synced (f->street));
  uploaded = g_get_monotonic_time ();
  answer = finish_wait (waiting, uploaded, &seconds);
  g_test_message ("the long-poll answered %.2f s after the upload", seconds);
  g_assert_cmpint (json_object_get_int_member (answer, "orders_new"), ==, 1);
  g_assert_cmpfloat (seconds, <, 5 * vtr_test_slow ());
  g_assert_true (has_order (f->shop_a, number));

  /* Nothing for this shop: the hub answers at the time asked. Shop B's
   * orders do not wake it for good. */
  g_clear_object (&waiting);
  g_clear_pointer (&answer, json_object_unref);
  started = g_get_monotonic_time ();
  waiting = start_wait (f, "2");
  answer = finish_wait (waiting, started, &seconds);
  g_assert_cmpint (json_object_get_int_member (answer, "orders_new"), ==, 0);
  g_assert_cmpfloat (seconds, >=, 1.9);
  g_assert_cmpfloat (seconds, <, 10 * vtr_test_slow ());

  /* The hub stops: its long-polls answer, and it stops at once. */
  g_clear_object (&waiting);
  g_clear_pointer (&answer, json_object_unref);
  waiting = start_wait (f, "20");
  g_usleep (G_USEC_PER_SEC);
  started = g_get_monotonic_time ();
  vtr_test_hub_stop (f->hub, SIGTERM);
  f->hub = NULL;
  g_assert_cmpfloat ((g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, <, 5 * vtr_test_slow ());
  answer = finish_wait (waiting, started, &seconds);
  g_assert_cmpint (json_object_get_int_member (answer, "orders_new"), ==, 0);
  g_assert_cmpfloat (seconds, <, 5 * vtr_test_slow ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add ("/order-journey/online", Fixture, NULL, fixture_set_up, test_journey, fixture_tear_down);
  g_test_add ("/order-journey/offline-shop", Fixture, NULL, fixture_set_up, test_offline_shop, fixture_tear_down);
  g_test_add ("/order-journey/refused-step", Fixture, NULL, fixture_set_up, test_refused_step, fixture_tear_down);
  g_test_add ("/order-journey/locker", Fixture, NULL, fixture_set_up, test_locker, fixture_tear_down);
  g_test_add ("/order-journey/other-shop", Fixture, NULL, fixture_set_up, test_other_shop, fixture_tear_down);
  g_test_add ("/order-journey/long-poll", Fixture, NULL, fixture_set_up, test_long_poll, fixture_tear_down);
  return g_test_run ();
}

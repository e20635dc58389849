#include "config.h"

#include "vtr-catalog.h"
#include "vtr-opening-hours.h"
#include "vtr-shop-stats.h"
#include "vtr-store-private.h"
#include "vtr-test-util.h"

/*
 * How a shop does (the core's vtr_shop_stats_query(), as "Ma boutique"
 * draws it), from a real journal on disk: loyalty events and
 * orders of the shop (and of another shop, which must not count) spread
 * over the weeks; the figures "Ma boutique" draws.
 */

#define SHOP 7
#define WEEKS 9
#define WEEK(i) (&g_array_index (stats->weeks, VtrShopWeek, (i)))
#define OTHER 8

static gint64
at (int month, int day, int hour)
{
  g_autoptr(GDateTime) time = g_date_time_new (vtr_opening_hours_timezone (), 2026, month, day, hour, 0, 0);

  return g_date_time_to_unix (time);
}

static void
exec (VtrStore   *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vtr_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
event (VtrStore   *store,
       const char *uuid,
       const char *kind,
       const char *card,
       gint64      merchant,
       int         points,
       gint64      created)
{
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO journal.loyalty_event (uuid, kind, card_id, merchant_id, points, created, day) "
                     "VALUES ('%s', '%s', '%s', %" G_GINT64_FORMAT ", %d, %" G_GINT64_FORMAT ", 0)",
                     uuid, kind, card, merchant, points, created);

  exec (store, sql);
}

static void
order (VtrStore   *store,
       const char *uuid,
       gint64      merchant,
       gint64      created,
       gint64      collected,
       gint64      product,
       int         quantity)
{
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO journal.orders (uuid, number, code, merchant_id, delivery, first_name, phone, "
                     "total_cents, state, created, updated) VALUES ('%s', '%s', 'c', %" G_GINT64_FORMAT ", 'shop', "
                     "'Ana', '', 100, '%s', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");"
                     "INSERT INTO journal.order_line VALUES ('%s', %" G_GINT64_FORMAT ", %d, 100);",
                     uuid, uuid, merchant, collected ? "collected" : "placed", created, created, uuid, product,
                     quantity);

  exec (store, sql);
  if (collected)
    {
      g_autofree char *done =
        g_strdup_printf ("INSERT INTO journal.order_event VALUES ('e-%s', '%s', 'collected', 'shop', %"
                         G_GINT64_FORMAT ")", uuid, uuid, collected);

      exec (store, done);
    }
}

static void
test_weeks (void)
{
  g_autofree char *dir = vtr_test_make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (dir, &error);
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrShopStats) stats = NULL;
  /* Thursday 3 December 2026: this week began on Monday 30 November. */
  g_autoptr(GDateTime) now = g_date_time_new (vtr_opening_hours_timezone (), 2026, 12, 3, 15, 0, 0);
  VtrProduct bread = { .id = 11, .gtin = (char *) "03017620422003", .name = (char *) "Pain de campagne",
                       .brand = (char *) "Fournil", .category = (char *) "bakery" };
  VtrProduct oil = { .id = 12, .gtin = (char *) "03017620422010", .name = (char *) "Huile d’olive",
                     .brand = (char *) "Moulin", .category = (char *) "grocery" };
  const VtrShopWeek *week;

  g_assert_no_error (error);
  catalog = vtr_catalog_new (store);
  g_assert_true (vtr_catalog_put_product (catalog, &bread, &error));
  g_assert_true (vtr_catalog_put_product (catalog, &oil, &error));
  g_assert_no_error (error);

  /* Card A came in October (before the nine weeks), then this week
   * twice; card B is new this week; card C came three weeks ago. */
  event (store, "1", "credit", "A", SHOP, 10, at (9, 1, 10));
  event (store, "2", "credit", "A", SHOP, 12, at (11, 30, 10));
  event (store, "3", "credit", "A", SHOP, 3, at (12, 2, 10));
  event (store, "4", "enrol", "B", SHOP, 0, at (12, 1, 9));
  event (store, "5", "credit", "B", SHOP, 5, at (12, 1, 9));
  event (store, "6", "credit", "C", SHOP, 40, at (11, 10, 17));
  event (store, "7", "redeem", "C", SHOP, -30, at (11, 11, 17));
  /* Another shop's customers are not this one's. */
  event (store, "8", "credit", "D", OTHER, 99, at (12, 1, 9));

  order (store, "o1", SHOP, at (12, 1, 10), at (12, 1, 16), 11, 3);
  order (store, "o2", SHOP, at (12, 2, 10), 0, 12, 1);
  order (store, "o3", SHOP, at (11, 12, 10), at (11, 12, 11), 12, 1);
  order (store, "o4", OTHER, at (12, 2, 10), 0, 12, 50);

  /* (poster) The hub's counts of the scans of the shop's posters: this
   * week at kiosks and on phones; Sunday 29 November, the last day of
   * the week before; September, before the nine weeks; another shop's. */
  exec (store, "INSERT INTO journal.poster_scan (merchant_id, day, source, product_id, scans) VALUES "
               "(7, 20261201, 'kiosk', 11, 2), (7, 20261203, 'phone', 11, 3), (7, 20261129, 'phone', 0, 1), "
               "(7, 20260901, 'kiosk', 11, 5), (8, 20261201, 'kiosk', 11, 9)");

  stats = vtr_shop_stats_query (store, SHOP, now, WEEKS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stats);

  g_assert_cmpint (WEEK (WEEKS - 1)->poster_scans_kiosk, ==, 2);
  g_assert_cmpint (WEEK (WEEKS - 1)->poster_scans_phone, ==, 3);
  g_assert_cmpint (WEEK (WEEKS - 1)->poster_scans, ==, 5);
  g_assert_cmpint (WEEK (WEEKS - 2)->poster_scans_phone, ==, 1);
  g_assert_cmpint (WEEK (WEEKS - 2)->poster_scans_kiosk, ==, 0);
  for (int w = 0; w < WEEKS - 2; w++)
    g_assert_cmpint (WEEK (w)->poster_scans, ==, 0);
  g_assert_cmpuint (stats->top_posters->len, ==, 2);
  {
    VtrShopTopPoster *first = g_ptr_array_index (stats->top_posters, 0);
    VtrShopTopPoster *second = g_ptr_array_index (stats->top_posters, 1);

    g_assert_cmpint (first->product_id, ==, 11);
    g_assert_cmpstr (first->name, ==, "Pain de campagne");
    g_assert_cmpuint (first->kiosk, ==, 2);
    g_assert_cmpuint (first->phone, ==, 3);
    g_assert_cmpint (second->product_id, ==, 0);
    g_assert_null (second->name);
    g_assert_cmpuint (second->phone, ==, 1);
  }

  week = WEEK (WEEKS - 1);
  g_assert_cmpint (week->starts, ==, at (11, 30, 0));
  g_assert_cmpint (week->points, ==, 12 + 3 + 5);
  g_assert_cmpint (week->customers_new, ==, 1);
  g_assert_cmpint (week->customers_returning, ==, 1);
  g_assert_cmpint (week->orders, ==, 2);
  g_assert_cmpint (week->orders_collected, ==, 1);
  g_assert_cmpint (week->collect_median, ==, 6 * 3600);

  /* The week of 9 November: card C's first visit, a redeem not counted
   * as points credited, an order collected within the hour. */
  week = WEEK (WEEKS - 4);
  g_assert_cmpint (week->starts, ==, at (11, 9, 0));
  g_assert_cmpint (week->points, ==, 40);
  g_assert_cmpint (week->customers_new, ==, 1);
  g_assert_cmpint (week->customers_returning, ==, 0);
  g_assert_cmpint (week->orders, ==, 1);
  g_assert_cmpint (week->collect_median, ==, 3600);

  /* September is before the nine weeks. */
  for (int w = 0; w < WEEKS - 4; w++)
    {
      g_assert_cmpint (WEEK (w)->points, ==, 0);
      g_assert_cmpint (WEEK (w)->collect_median, ==, -1);
    }

  g_assert_cmpint (stats->top_products->len, ==, 2);
  g_assert_cmpstr (((VtrShopTopProduct *) g_ptr_array_index (stats->top_products, 0))->name, ==, "Pain de campagne");
  g_assert_cmpint (((VtrShopTopProduct *) g_ptr_array_index (stats->top_products, 0))->quantity, ==, 3);
  g_assert_cmpint (((VtrShopTopProduct *) g_ptr_array_index (stats->top_products, 1))->quantity, ==, 2);

  g_clear_object (&catalog);
  g_clear_object (&store);
  vtr_test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shop-stats/weeks", test_weeks);

  return g_test_run ();
}

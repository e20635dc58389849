#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "vtr-i18n.h"
#include "vtr-release.h"
#include "vtr-test-hub.h"

/*
 * The federation's current release (issue 21): the real vitrine-hub says
 * it in each page of its change feed, a kiosk keeps it, and
 * `vitrine-ctl status` says when the kiosk runs an older version. A hub
 * whose catalogue did not change still tells a kiosk of a new release.
 */

static JsonObject *
ctl_json (const char *data_dir,
          const char *command)
{
  g_auto(VtrTestResult) r = { 0 };

  vtr_test_run (&r, "VITRINE_CTL", data_dir, NULL, command, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  return vtr_test_parse_object (r.out);
}

static gint64
sync_pages (const char *data_dir)
{
  g_autoptr(JsonObject) report = ctl_json (data_dir, "sync");

  g_assert_true (json_object_get_boolean_member (report, "ok"));
  return json_object_get_int_member (report, "pages");
}

static void
test_hub_announces_release (void)
{
  g_autofree char *hub_dir = vtr_test_make_data_dir ();
  g_autofree char *kiosk_dir = vtr_test_make_data_dir ();
  g_autofree char *release_file = g_build_filename (hub_dir, "release", NULL);
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_auto(VtrTestResult) pair = { 0 };
  g_auto(VtrTestResult) text = { 0 };
  VtrTestHub *hub;

  vtr_test_hub_init_demo (hub_dir);
  hub = vtr_test_hub_start (hub_dir, 0);
  code = vtr_test_hub_add_device (hub_dir, "Kiosque du Vieux-Port", NULL);
  vtr_test_run (&pair, "VITRINE_CTL", kiosk_dir, NULL, "pair", code, "--hub", hub->url, NULL);
  g_assert_cmpint (pair.status, ==, 0);

  /* The first sync: the catalogue, and the hub's own version. */
  g_assert_cmpint (sync_pages (kiosk_dir), >=, 1);
  status = ctl_json (kiosk_dir, "status");
  g_assert_cmpstr (json_object_get_string_member (status, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (status, "current_release"), ==, PACKAGE_VERSION);
  g_assert_false (json_object_get_boolean_member (status, "old_version"));
  g_clear_pointer (&status, json_object_unref);

  /* Nothing changed: the poll is a 304, no page. */
  g_assert_cmpint (sync_pages (kiosk_dir), ==, 0);

  /* The federation publishes 99.0.1; the catalogue does not change, yet
   * the next sync brings a page that says so. */
  g_assert_true (g_file_set_contents (release_file, "99.0.1\n", -1, NULL));
  g_assert_cmpint (sync_pages (kiosk_dir), ==, 1);
  status = ctl_json (kiosk_dir, "status");
  g_assert_cmpstr (json_object_get_string_member (status, "current_release"), ==, "99.0.1");
  g_assert_true (json_object_get_boolean_member (status, "old_version"));
  vtr_test_run (&text, "VITRINE_CTL", kiosk_dir, NULL, "status", NULL);
  g_assert_nonnull (strstr (text.out, "older version than the federation’s current one (99.0.1)"));

  /* Heard once: the polls are 304 again. */
  g_assert_cmpint (sync_pages (kiosk_dir), ==, 0);

  /* A release file older than the hub, or not a version, is not said. */
  g_assert_true (g_file_set_contents (release_file, "0.0.1", -1, NULL));
  g_assert_cmpint (sync_pages (kiosk_dir), ==, 1);
  g_clear_pointer (&status, json_object_unref);
  status = ctl_json (kiosk_dir, "status");
  g_assert_cmpstr (json_object_get_string_member (status, "current_release"), ==, PACKAGE_VERSION);
  g_assert_false (json_object_get_boolean_member (status, "old_version"));
  g_assert_true (g_file_set_contents (release_file, "\"}, {\"x", -1, NULL));
  g_assert_cmpint (sync_pages (kiosk_dir), ==, 0);

  vtr_test_hub_stop (hub, SIGTERM);
  vtr_test_remove_tree (hub_dir);
  vtr_test_remove_tree (kiosk_dir);
}

static void
test_compare_and_describe (void)
{
  g_autofree char *older = vtr_release_describe ("0.9.2", "0.10.0");
  g_autofree char *same = vtr_release_describe ("0.10.0", "0.10.0");
  g_autofree char *newer = vtr_release_describe ("0.11.0", "0.10.0");
  g_autofree char *unknown = vtr_release_describe ("0.1.0", NULL);
  g_autofree char *garbage = vtr_release_describe ("0.1.0", "9; rm -rf /");

  g_assert_cmpint (vtr_release_compare ("0.9.2", "0.10.0"), <, 0);
  g_assert_cmpint (vtr_release_compare ("1.0.0", "1.0.0"), ==, 0);
  g_assert_nonnull (older);
  g_assert_nonnull (strstr (older, "0.9.2"));
  g_assert_null (same);
  g_assert_null (newer);
  g_assert_null (unknown);
  g_assert_null (garbage);
  g_assert_false (vtr_release_is_valid (""));
  g_assert_false (vtr_release_is_valid ("v1.0"));
  g_assert_true (vtr_release_is_valid ("0.2.0-1+deb12u1"));
}

int
main (int   argc,
      char *argv[])
{
  vtr_i18n_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/release/compare-describe", test_compare_and_describe);
  g_test_add_func ("/release/hub-announces", test_hub_announces_release);
  return g_test_run ();
}

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "vtr-area.h"
#include "vtr-changes.h"
#include "vtr-demo.h"
#include "vtr-flashcode.h"
#include "vtr-import.h"
#include "vtr-shop-review.h"
#include "vtr-hub-backend.h"
#include "vtr-hub-db.h"
#include "vtr-hub-keys.h"
#include "vtr-hub-log.h"
#include "vtr-hub-pins.h"
#include "vtr-hub-server.h"
#include "vtr-hub-web.h"
#include "vtr-hub-sms.h"
#include "vtr-hub-stock.h"
#include "vtr-hub-tiles.h"
#include "vtr-json.h"
#include "vtr-i18n.h"
#include "vtr-opening-hours.h"
#include "vtr-qr-image.h"

/*
 * vitrine-hub: the federation's server (docs/hub-api.md) and its admin
 * commands: data import, devices, keys and the signing of codes
 * (docs/codes.md).
 *
 * Exit status: 0 done, 1 failed, 2 wrong usage.
 */

#define EXIT_USAGE 2
#define DEFAULT_HOST "vtr13.fr"

static char *data_dir;
static char *host;
static char *merchant;
static char *promotion;
static char *expires;
static char *png_path;
static char *pdf_path;
static gboolean root_only;
static int count = 1;
static char *listen_address;
static char *tls_certificate;
static char *tls_key;
static gboolean plain_http;
static gboolean json_output;
static gboolean admin_pin;
static char **trusted_proxies;
static int web_cache_mb = 64;
static char *area;
static char *database;

static const GOptionEntry entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder of the hub’s data"), N_("DIR") },
  { "database", 0, 0, G_OPTION_ARG_STRING, &database, N_("Keep the hub’s data in this PostgreSQL database (several hubs on one database) rather than SQLite in the data folder; every command takes it"), N_("postgresql://…") },
  { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("The federation’s host, for “keys init”"), N_("HOST") },
  { "merchant", 0, 0, G_OPTION_ARG_STRING, &merchant, N_("The shop of a product ad"), N_("ID") },
  { "promotion", 0, 0, G_OPTION_ARG_STRING, &promotion, N_("The promotion of a product ad"), N_("ID") },
  { "expires", 0, 0, G_OPTION_ARG_STRING, &expires, N_("Last valid day of the code"), N_("YYYY-MM-DD") },
  { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_path, N_("Also draw the code in a PNG image"), N_("FILE") },
  { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, N_("Also draw the code on a PDF page"), N_("FILE") },
  { "root", 0, 0, G_OPTION_ARG_NONE, &root_only, N_("With “keys export”: only the root public key"), NULL },
  { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("With “sign card” or “sign pickup”: a batch of N new codes, one a line, for a kiosk’s stock"), N_("N") },
  { "listen", 0, 0, G_OPTION_ARG_STRING, &listen_address, N_("With “serve”: the address to listen on (default 127.0.0.1:8443)"), N_("HOST:PORT") },
  { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &tls_certificate, N_("With “serve”: the TLS certificate (PEM)"), N_("FILE") },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("With “serve”: the TLS private key (PEM)"), N_("FILE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, N_("With “sms”, “privacy”, “products” and “device list”: answer in JSON"), NULL },
  { "admin-pin", 0, 0, G_OPTION_ARG_NONE, &admin_pin, N_("With “device add”: the kiosk’s administrator PIN, typed on standard input (twice on a terminal) or, if none is typed, made up and printed; the kiosk receives it with its pairing"), NULL },
  { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &trusted_proxies, N_("With “serve”: the address of a proxy in front of the hub (nginx, a load balancer) whose X-Forwarded-For header says the phone’s address; may be given several times"), N_("ADDRESS") },
  { "web-cache-mb", 0, 0, G_OPTION_ARG_INT, &web_cache_mb, N_("With “serve”: the memory the phone pages’ cache may use, in MB (default 64)"), N_("MB") },
  { "area", 0, 0, G_OPTION_ARG_STRING, &area, N_("With “device add”: the area whose catalogue the device downloads, a département (13) or a position and a radius (43.29,5.37,15km); everything by default"), N_("AREA") },
  { "plain-http", 0, 0, G_OPTION_ARG_NONE, &plain_http, N_("With “serve”: accept plain HTTP on an address other than loopback (behind a TLS proxy)"), NULL },
  { NULL },
};

static int
usage_error (const char *message)
{
  g_printerr ("vitrine-hub: %s\n", message);
  return EXIT_USAGE;
}

static int
fail (GError *error)
{
  g_printerr ("vitrine-hub: %s\n", error->message);
  g_error_free (error);
  return EXIT_FAILURE;
}

static char *
hub_data_dir (void)
{
  const char *env = g_getenv ("VITRINE_HUB_DATA_DIR");

  if (data_dir)
    return g_strdup (data_dir);
  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "vitrine-hub", NULL);
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  char *end = NULL;
  gint64 value;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || value <= 0)
    return FALSE;
  *id = value;
  return TRUE;
}

/* "2027-01-31" or "20270131" → 20270131. */
static gboolean
parse_date (const char *text,
            int        *yyyymmdd)
{
  int y, m, d;
  char extra;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 &&
      (strlen (text) != 8 || sscanf (text, "%4d%2d%2d%c", &y, &m, &d, &extra) != 3))
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  *yyyymmdd = y * 10000 + m * 100 + d;
  return TRUE;
}

static int
command_keys (int argc, char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubKeys) keys = NULL;
  GError *error = NULL;

  if (argc < 3)
    return usage_error (_("Usage: vitrine-hub keys init|rotate|retire KID|list|export"));

  if (g_str_equal (argv[2], "init"))
    {
      if (!vtr_hub_keys_init (dir, host ? host : DEFAULT_HOST, &error))
        return fail (error);
      g_print (_("The federation’s keys were made in %s for %s.\n"), dir, host ? host : DEFAULT_HOST);
      return EXIT_SUCCESS;
    }

  if (!(keys = vtr_hub_keys_open (dir, &error)))
    return fail (error);

  if (g_str_equal (argv[2], "rotate"))
    {
      int kid = vtr_hub_keys_rotate (keys, &error);

      if (kid == 0)
        return fail (error);
      g_print (_("Key %d now signs new codes; the older keys still verify theirs.\n"), kid);
    }
  else if (g_str_equal (argv[2], "retire"))
    {
      gint64 kid;

      if (argc != 4 || !parse_id (argv[3], &kid))
        return usage_error (_("Usage: vitrine-hub keys retire KID"));
      if (!vtr_hub_keys_retire (keys, (int) kid, &error))
        return fail (error);
      g_print (_("Key %d is retired: codes it signed are no longer accepted once kiosks have "
                 "the new key list.\n"),
               (int) kid);
    }
  else if (g_str_equal (argv[2], "list"))
    {
      g_autofree char *text = vtr_hub_keys_describe (keys);
      g_print ("%s", text);
    }
  else if (g_str_equal (argv[2], "export"))
    {
      g_autofree char *text = root_only ? vtr_hub_keys_root_public (keys) : vtr_hub_keys_export (keys);
      g_print ("%s\n", text);
    }
  else
    return usage_error (_("Usage: vitrine-hub keys init|rotate|retire KID|list|export"));

  return EXIT_SUCCESS;
}

static char *
caption_for (const VtrFlashcode *code)
{
  GString *caption = g_string_new (NULL);

  switch (code->kind)
    {
    case VTR_CODE_PRODUCT:
      g_string_append_printf (caption, _("Product %lld"), (long long) code->product_id);
      if (code->merchant_id > 0)
        g_string_append_printf (caption, _(" · shop %lld"), (long long) code->merchant_id);
      if (code->promotion_id > 0)
        g_string_append_printf (caption, _(" · promotion %lld"), (long long) code->promotion_id);
      break;
    case VTR_CODE_CARD:
      g_string_append (caption, _("Loyalty card"));
      break;
    case VTR_CODE_PICKUP:
      g_string_append_printf (caption, _("Order %s"), code->order);
      break;
    case VTR_CODE_MERCHANT:
      g_string_append_printf (caption, _("Shop %lld"), (long long) code->merchant_id);
      break;
    case VTR_CODE_PAIRING:
      g_string_append (caption, _("Kiosk pairing code — use once"));
      break;
    default:
      break;
    }
  if (code->expires > 0)
    g_string_append_printf (caption, _(" · valid until %02d/%02d/%04d"), code->expires % 100,
                            code->expires / 100 % 100, code->expires / 10000);
  return g_string_free (caption, FALSE);
}

/* An order number a person reads aloud without ambiguity: two letters
 * that no digit or other letter resembles, a dash, four digits. */
static char *
new_order_number (void)
{
  static const char letters[] = "ACDEFHJKLMNPRTUVWXY";

  return g_strdup_printf ("%c%c-%04u", letters[g_random_int_range (0, sizeof letters - 1)],
                          letters[g_random_int_range (0, sizeof letters - 1)],
                          (guint) g_random_int_range (0, 10000));
}

/* A batch of new cards or order numbers, signed, one a line; their
 * numbers are recorded as issued, so no device ever gets them too. */
static int
sign_batch (VtrCodeKind kind)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(VtrHubBackend) backend = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  GError *error = NULL;
  int expiry = 0;

  if (count < 1 || count > 100000)
    return usage_error (_("--count goes from 1 to 100000"));
  if (expires && !parse_date (expires, &expiry))
    return usage_error (_("--expires takes a date such as 2027-01-31"));
  if (kind == VTR_CODE_CARD && expiry)
    return usage_error (_("Usage: vitrine-hub sign card [CARD] (cards do not expire)"));
  /* (pg) Recorded as issued in the hub's database, either backend. */
  if (!(keys = vtr_hub_keys_open (dir, &error)) || !(backend = vtr_hub_backend_open_admin (dir, database, &error)) ||
      !(codes = vtr_hub_backend_issue_codes (backend, keys, 0, kind, count, expiry,
                                             g_get_real_time () / G_USEC_PER_SEC, &error)))
    return fail (error);
  for (guint i = 0; i < codes->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (codes, i));
  return EXIT_SUCCESS;
}

static int
command_sign (int argc, char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autofree char *url = NULL;
  g_autofree char *caption = NULL;
  VtrFlashcode code = { 0 };
  const guint8 *secret = NULL;
  const char *kind = argc > 2 ? argv[2] : "";
  GError *error = NULL;
  int status = EXIT_SUCCESS;

  if (expires && !parse_date (expires, &code.expires))
    return usage_error (_("--expires takes a date such as 2027-01-31"));
  if (count != 1 && argc == 3 && (g_str_equal (kind, "card") || g_str_equal (kind, "pickup")))
    return sign_batch (g_str_equal (kind, "card") ? VTR_CODE_CARD : VTR_CODE_PICKUP);

  if (g_str_equal (kind, "product"))
    {
      code.kind = VTR_CODE_PRODUCT;
      if (argc != 4 || !parse_id (argv[3], &code.product_id) ||
          (merchant && !parse_id (merchant, &code.merchant_id)) ||
          (promotion && !parse_id (promotion, &code.promotion_id)))
        return usage_error (_("Usage: vitrine-hub sign product ID [--merchant ID] [--promotion ID] "
                              "[--expires DATE]"));
    }
  else if (g_str_equal (kind, "card"))
    {
      code.kind = VTR_CODE_CARD;
      if (argc > 4 || code.expires)
        return usage_error (_("Usage: vitrine-hub sign card [CARD] (cards do not expire)"));
      code.card_id = argc == 4 ? g_strdup (argv[3]) : vtr_flashcode_new_card_id ();
    }
  else if (g_str_equal (kind, "pickup"))
    {
      code.kind = VTR_CODE_PICKUP;
      if (argc > 4)
        return usage_error (_("Usage: vitrine-hub sign pickup [ORDER] [--expires DATE] [--count N]"));
      code.order = argc == 4 ? g_strdup (argv[3]) : new_order_number ();
    }
  else if (g_str_equal (kind, "merchant"))
    {
      code.kind = VTR_CODE_MERCHANT;
      if (argc != 4 || !parse_id (argv[3], &code.merchant_id) || code.expires)
        return usage_error (_("Usage: vitrine-hub sign merchant ID"));
    }
  else if (g_str_equal (kind, "pairing"))
    {
      code.kind = VTR_CODE_PAIRING;
      if (argc != 4 || code.expires == 0)
        return usage_error (_("Usage: vitrine-hub sign pairing CODE --expires DATE"));
      code.pairing = g_strdup (argv[3]);
    }
  else
    return usage_error (_("Usage: vitrine-hub sign product|card|pickup|merchant|pairing …"));

  if (!(keys = vtr_hub_keys_open (dir, &error)))
    {
      vtr_flashcode_clear (&code);
      return fail (error);
    }
  code.kid = vtr_hub_keys_signing_kid (keys, &secret);
  url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
  if (url == NULL)
    {
      vtr_flashcode_clear (&code);
      return fail (error);
    }
  g_print ("%s\n", url);

  caption = caption_for (&code);
  if ((png_path && !vtr_qr_write_file (url, caption, png_path, FALSE, &error)) ||
      (pdf_path && !vtr_qr_write_file (url, caption, pdf_path, TRUE, &error)))
    status = fail (error);

  vtr_flashcode_clear (&code);
  return status;
}

/* The federation's catalogue lives in the hub's own store, in the same
 * format as a kiosk's, and logs its changes for the kiosks' feed. */
static VtrCatalog *
open_catalog (GError **error)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrStore) store = vtr_store_open (dir, error);
  g_autoptr(VtrCatalog) catalog = NULL;
  const char * const *notices;

  if (store == NULL)
    return NULL;
  notices = vtr_store_get_notices (store);
  for (guint i = 0; notices[i]; i++)
    g_printerr ("vitrine-hub: %s\n", notices[i]);
  catalog = vtr_catalog_new (store);
  if (!vtr_catalog_log_changes (catalog, error))
    return NULL;
  return g_steal_pointer (&catalog);
}

/* (shop) What an import left to the shops, on either backend: the stock
 * lines they set after the file was made, and the products they made
 * that the file's merged. */
static void
print_shop_counts (const char            *file,
                   const VtrImportCounts *c)
{
  if (c->kept_shop_edits)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%s: %u stock line kept as its shop set it later at the counter (conflict):\n%s",
                          "%s: %u stock lines kept as their shops set them later at the counter (conflicts):\n%s",
                          c->kept_shop_edits),
             file, c->kept_shop_edits, c->conflicts->str);
  if (c->merged)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u product made by a shop merged into the federation’s.\n",
                          "%s: %u products made by shops merged into the federation’s.\n", c->merged),
             file, c->merged);
}

/* (pg) Each file is read into a catalogue of its own (the same import
 * as SQLite's, in a catalogue in memory, with the stock lines the shops
 * edited), whose rows then go to PostgreSQL in one transaction under the
 * change feed's one writer (vtr_hub_pg_import_file()). */
static int
command_import_pg (int argc, char **argv)
{
  g_autoptr(VtrHubBackend) backend = NULL;
  GError *error = NULL;
  int status = EXIT_SUCCESS;

  if (!vtr_hub_backend_is_postgresql (database))
    return usage_error (_("--database takes a PostgreSQL address, postgresql://…"));
  if (!(backend = vtr_hub_backend_open (NULL, database, &error)))
    return fail (error);
  for (int i = 2; i < argc; i++)
    {
      VtrImportCounts c;
      guint n_rows = 0;

      if (!vtr_hub_pg_import_file (backend, argv[i], &c, &n_rows, &error))
        {
          g_printerr ("vitrine-hub: %s: %s\n", argv[i], error->message);
          g_clear_error (&error);
          status = EXIT_FAILURE;
          continue;
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u row in the catalogue on PostgreSQL.\n",
                            "%s: %u rows in the catalogue on PostgreSQL.\n", n_rows),
               argv[i], n_rows);
      print_shop_counts (argv[i], &c);
      vtr_import_counts_clear (&c);
    }
  return status;
}

static int
command_import (int argc, char **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  GError *error = NULL;
  int status = EXIT_SUCCESS;

  if (argc < 3)
    return usage_error (_("Usage: vitrine-hub import FILE… (CSV, one table a file, or JSON)"));
  if (database)
    return command_import_pg (argc, argv);
  if (!(catalog = open_catalog (&error)))
    return fail (error);

  /* Each file whole or not at all; the others still go in. */
  for (int i = 2; i < argc; i++)
    {
      VtrImportCounts c;

      if (!vtr_catalog_import_file (catalog, argv[i], &c, &error))
        {
          g_printerr ("vitrine-hub: %s\n", error->message);
          g_clear_error (&error);
          status = EXIT_FAILURE;
          continue;
        }
      g_print (_("%s: %u shops, %u products, %u stock lines, %u promotions, %u loyalty rules, "
                 "%u rewards, %u collection points.\n"),
               argv[i], c.merchants, c.products, c.stock, c.promotions, c.rules, c.rewards,
               c.collection_points);
      print_shop_counts (argv[i], &c);
      vtr_import_counts_clear (&c);
    }
  return status;
}

/* (shop) vitrine-hub products review [accept ID | merge ID INTO]. */
static int
command_products (int argc, char **argv)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(VtrHubBackend) backend = NULL;
  GError *error = NULL;
  gint64 id, into, now = g_get_real_time () / G_USEC_PER_SEC;
  VtrStore *store;

  if (argc < 3 || !g_str_equal (argv[2], "review"))
    return usage_error (_("Usage: vitrine-hub products review [accept ID | merge ID INTO]"));
  /* (pg) On PostgreSQL, the same rules on a scratch catalogue. */
  if (database ? !(backend = vtr_hub_backend_open (NULL, database, &error)) : !(catalog = open_catalog (&error)))
    return fail (error);
  store = catalog ? vtr_catalog_get_store (catalog) : NULL;
  if (argc == 5 && g_str_equal (argv[3], "accept") && parse_id (argv[4], &id))
    {
      if (backend ? !vtr_hub_pg_review (backend, id, 0, now, &error) : !vtr_shop_review_accept (store, id, now, &error))
        return fail (error);
      g_print (_("Product %lld is now a federation product.\n"), (long long) id);
      return EXIT_SUCCESS;
    }
  if (argc == 6 && g_str_equal (argv[3], "merge") && parse_id (argv[4], &id) && parse_id (argv[5], &into))
    {
      if (backend ? !vtr_hub_pg_review (backend, id, into, now, &error)
                  : !vtr_shop_review_merge (store, id, into, now, &error))
        return fail (error);
      g_print (_("Product %lld is merged into product %lld.\n"), (long long) id, (long long) into);
      return EXIT_SUCCESS;
    }
  if (argc == 3)
    {
      g_autoptr(GPtrArray) list = backend ? vtr_hub_pg_review_list (backend, &error)
                                          : vtr_shop_review_list (store, &error);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      if (list == NULL)
        return fail (error);
      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          VtrMadeProduct *p = g_ptr_array_index (list, i);

          if (!json_output)
            {
              g_print ("%lld\t%s\t%s\t%s\t%s\t%s (%lld)\n", (long long) p->product_id, p->gtin ? p->gtin : "-",
                       p->name, p->brand, p->category, p->merchant_name, (long long) p->merchant_id);
              continue;
            }
          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "id", p->product_id);
          vtr_json_add_string (builder, "gtin", p->gtin ? p->gtin : "");
          vtr_json_add_string (builder, "name", p->name);
          vtr_json_add_string (builder, "brand", p->brand);
          vtr_json_add_string (builder, "category", p->category);
          vtr_json_add_int (builder, "merchant_id", p->merchant_id);
          vtr_json_add_string (builder, "merchant", p->merchant_name);
          vtr_json_add_int (builder, "created", p->created);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      if (json_output)
        {
          g_autofree char *text = vtr_json_builder_to_data (builder, TRUE);
          g_print ("%s\n", text);
        }
      else if (list->len == 0)
        g_print (_("No product made by a shop waits for review.\n"));
      return EXIT_SUCCESS;
    }
  return usage_error (_("Usage: vitrine-hub products review [accept ID | merge ID INTO]"));
}

static int
command_demo (void)
{
  g_autoptr(VtrCatalog) catalog = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  VtrDemoCounts counts;
  GError *error = NULL;

  if (database)
    {
      /* (pg) Into PostgreSQL's catalogue, with its change feed. */
      g_autoptr(VtrHubBackend) backend = NULL;

      if (!vtr_hub_backend_is_postgresql (database))
        return usage_error (_("--database takes a PostgreSQL address, postgresql://…"));
      if (!(backend = vtr_hub_backend_open (NULL, database, &error)) ||
          !vtr_hub_pg_load_demo (backend, now, &counts, &error))
        return fail (error);
    }
  else if (!(catalog = open_catalog (&error)) || !vtr_demo_load (catalog, now, &counts, &error))
    return fail (error);
  g_print (_("Demo catalogue loaded: %u shops, %u products, %u stock lines, %u promotions, "
             "%u collection points.\n"),
           counts.merchants, counts.products, counts.stock, counts.promotions,
           counts.collection_points);
  return EXIT_SUCCESS;
}

typedef struct
{
  VtrHubServer *server;
  GMainLoop    *loop;
} Serving;

static gboolean
on_terminate (gpointer data)
{
  Serving *serving = data;

  g_printerr ("%s\n", _("vitrine-hub: stopping; finishing the requests in flight"));
  vtr_hub_server_shutdown (serving->server, serving->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
is_loopback (const char *address)
{
  g_autoptr(GSocketConnectable) connectable = g_network_address_parse (address, 8443, NULL);
  const char *hostname = connectable ? g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)) : "";
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (hostname);

  return g_str_equal (hostname, "localhost") || (inet && g_inet_address_get_is_loopback (inet));
}

static int
command_serve (void)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = NULL;
  const char *address = listen_address ? listen_address : "127.0.0.1:8443";
  GError *error = NULL;
  Serving serving;

  /* Requests as structured records: the journal's fields, or JSON lines. */
  g_log_set_writer_func (vtr_hub_log_writer, NULL, NULL);
  if (tls_certificate == NULL && !plain_http && !is_loopback (address))
    return usage_error (_("Without --tls-certificate the hub listens only on this machine "
                          "(127.0.0.1); give a certificate, or --plain-http behind a TLS proxy"));
  for (guint i = 0; trusted_proxies && trusted_proxies[i]; i++)
    {
      g_autoptr(GInetAddress) proxy = g_inet_address_new_from_string (trusted_proxies[i]);

      if (proxy == NULL)
        return usage_error (_("--trusted-proxy takes an IP address, such as 127.0.0.1"));
    }
  vtr_hub_web_set_trusted_proxies ((const char * const *) trusted_proxies);
  if (web_cache_mb < 1 || web_cache_mb > 65536)
    return usage_error (_("--web-cache-mb takes a number of megabytes from 1 to 65536"));
  vtr_hub_web_set_cache_size ((gsize) web_cache_mb * 1024 * 1024);
  /* French pages whatever the hub's language, set before any thread. */
  vtr_hub_web_set_language ();
  vtr_hub_web_thread_init ();
  if (!(server = vtr_hub_server_new_with_database (dir, database, &error)) ||
      !vtr_hub_server_listen (server, address, tls_certificate, tls_key, &error))
    return fail (error);

  /* Ready to stop cleanly before anyone is told where to connect: a
   * SIGTERM right after the first line must not kill the hub. */
  serving.server = server;
  serving.loop = loop;
  g_unix_signal_add (SIGTERM, on_terminate, &serving);
  g_unix_signal_add (SIGINT, on_terminate, &serving);

  url = vtr_hub_server_get_url (server);
  /* The first line of stdout is the address: scripts and tests read it,
   * so it is not translated. */
  g_print ("Listening on %s\n", url);
  fflush (stdout);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}

/* (ops) A device's heartbeat (vtr_hub_heartbeat_normalize()) by part. */
static GHashTable *
heartbeat_parts (const char *heartbeat)
{
  GHashTable *parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) items = heartbeat ? g_strsplit (heartbeat, "; ", -1) : NULL;

  for (guint i = 0; items && items[i]; i++)
    {
      char *equal = strchr (items[i], '=');

      if (equal)
        g_hash_table_insert (parts, g_strndup (items[i], equal - items[i]), g_strdup (equal + 1));
    }
  return parts;
}

/* Why someone should go and see the device, in words; empty when all
 * is well. */
static GPtrArray *
device_visit_reasons (const VtrHubDevice *d,
                      gint64              now)
{
  GPtrArray *reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) parts = heartbeat_parts (d->heartbeat);
  const char *printer = g_hash_table_lookup (parts, "printer");
  const char *camera = g_hash_table_lookup (parts, "camera");
  const char *waiting = g_hash_table_lookup (parts, "waiting");
  const char *last_sync = g_hash_table_lookup (parts, "last-sync");

  if (d->revoked || !d->paired)
    return reasons;
  if (d->last_seen && now - d->last_seen > 3600)
    {
      long long hours = (now - d->last_seen) / 3600;

      g_ptr_array_add (reasons, g_strdup_printf (ngettext ("not seen for %lld hour", "not seen for %lld hours", hours),
                                                 hours));
    }
  if (g_strcmp0 (printer, "paper-out") == 0)
    g_ptr_array_add (reasons, g_strdup (_("printer out of paper")));
  else if (g_strcmp0 (printer, "paper-low") == 0)
    g_ptr_array_add (reasons, g_strdup (_("printer’s paper running out")));
  else if (g_strcmp0 (printer, "missing") == 0)
    g_ptr_array_add (reasons, g_strdup (_("ticket printer missing (unplugged or not answering)")));
  else if (printer && !g_str_equal (printer, "ok") && !g_str_equal (printer, "none"))
    g_ptr_array_add (reasons, g_strdup_printf (_("printer: %s"), printer));
  if (g_strcmp0 (camera, "unplugged") == 0)
    g_ptr_array_add (reasons, g_strdup (_("camera unplugged")));
  else if (g_strcmp0 (camera, "none") == 0)
    g_ptr_array_add (reasons, g_strdup (_("no camera found")));
  else if (camera && !g_str_equal (camera, "ok"))
    g_ptr_array_add (reasons, g_strdup_printf (_("camera: %s"), camera));
  if (waiting && g_ascii_strtoll (waiting, NULL, 10) >= 100)
    {
      long long n = g_ascii_strtoll (waiting, NULL, 10);

      g_ptr_array_add (reasons, g_strdup_printf (ngettext ("%lld event waiting to be sent",
                                                           "%lld events waiting to be sent", n),
                                                 n));
    }
  if (last_sync && now - g_ascii_strtoll (last_sync, NULL, 10) > 24 * 3600)
    {
      long long days = (now - g_ascii_strtoll (last_sync, NULL, 10)) / 86400;

      g_ptr_array_add (reasons, g_strdup_printf (ngettext ("no sync succeeded for %lld day",
                                                           "no sync succeeded for %lld days", days),
                                                 days));
    }
  return reasons;
}

/* (ops) `backup DIR`, while the hub serves, and `restore DIR`, with the
 * hub stopped (docs/operations.md). */
static int
command_backup (int    argc,
                char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(GError) error = NULL;
  gboolean backup = g_str_equal (argv[1], "backup");

  if (argc != 3)
    return usage_error (backup ? _("Usage: vitrine-hub backup DIR") : _("Usage: vitrine-hub restore DIR"));
  /* (pg) On PostgreSQL: pg_dump and pg_restore (vtr-hub-pg.c). */
  if (database && !vtr_hub_backend_is_postgresql (database))
    return usage_error (_("--database takes a PostgreSQL address, postgresql://…"));
  if (database ? (backup ? !vtr_hub_pg_backup (database, dir, argv[2], &error)
                         : !vtr_hub_pg_restore (database, dir, argv[2], &error))
               : (backup ? !vtr_hub_db_backup (dir, argv[2], &error) : !vtr_hub_db_restore (dir, argv[2], &error)))
    return fail (g_steal_pointer (&error));
  g_print (backup ? _("The hub’s data was copied to %s\n")
                  : _("The hub’s data was restored from %s: kiosks will send again what it lost\n"),
           argv[2]);
  return EXIT_SUCCESS;
}

/* The end of the last valid day of a code, YYYYMMDD, in Paris. */
static gint64
end_of_day (int yyyymmdd)
{
  g_autoptr(GDateTime) day = g_date_time_new (vtr_opening_hours_timezone (), yyyymmdd / 10000,
                                              yyyymmdd / 100 % 100, yyyymmdd % 100, 0, 0, 0);
  g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);

  return g_date_time_to_unix (next);
}

static char *
read_line (void)
{
  char line[64];

  if (fgets (line, sizeof line, stdin) == NULL)
    return g_strdup ("");
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

/* The administrator's PIN for `device add --admin-pin`: typed twice on a
 * terminal, or one line of standard input; none typed, one made up.
 * @made_up says which. */
static char *
ask_admin_pin (gboolean  *made_up,
               GError   **error)
{
  g_autofree char *pin = NULL;

  if (isatty (STDIN_FILENO))
    g_printerr ("%s", _("Administrator’s PIN of the kiosk (4 to 12 digits; Enter alone: one is made up): "));
  pin = read_line ();
  *made_up = *pin == '\0';
  if (*made_up)
    return vtr_hub_pins_new_pin ();
  if (isatty (STDIN_FILENO))
    {
      g_autofree char *again = NULL;

      g_printerr ("%s", _("The same PIN again: "));
      again = read_line ();
      if (!g_str_equal (pin, again))
        {
          g_set_error_literal (error, VTR_HUB_ERROR, VTR_HUB_ERROR_INVALID,
                               _("The two PINs typed are not the same: nothing was changed."));
          return NULL;
        }
    }
  return g_steal_pointer (&pin);
}

/* `device reset-pin ID`: a one-time code that resets the device's PIN,
 * valid 7 days (or until --expires). */
static int
command_reset_pin (VtrHubBackend *backend,
                   const char    *id_text)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubKeys) keys = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GDateTime) in_a_week = g_date_time_add_days (now, 7);
  g_autofree char *url = NULL;
  g_autofree char *caption = NULL;
  int expiry = vtr_paris_day (in_a_week);
  GError *error = NULL;
  gint64 id;

  if (!parse_id (id_text, &id))
    return usage_error (_("Usage: vitrine-hub device reset-pin ID [--pdf FILE]"));
  if (expires && !parse_date (expires, &expiry))
    return usage_error (_("--expires takes a date such as 2027-01-31"));
  if (!(keys = vtr_hub_keys_open (dir, &error)) ||
      !(url = vtr_hub_pins_reset_code (backend, keys, id, expiry, g_get_real_time () / G_USEC_PER_SEC, &error)))
    return fail (error);
  g_print (_("Device %lld: scan this code on it before %02d/%02d/%04d to choose a new PIN. It works "
             "once.\n"),
           (long long) id, expiry % 100, expiry / 100 % 100, expiry / 10000);
  g_print ("%s\n", url);
  caption = g_strdup_printf (_("New PIN for device %lld — use once, before %02d/%02d/%04d"), (long long) id,
                             expiry % 100, expiry / 100 % 100, expiry / 10000);
  if ((png_path && !vtr_qr_write_file (url, caption, png_path, FALSE, &error)) ||
      (pdf_path && !vtr_qr_write_file (url, caption, pdf_path, TRUE, &error)))
    return fail (error);
  return EXIT_SUCCESS;
}

/* `code owner NUMBER`: which device an order number or a card was
 * issued to. */
static int
command_code (int argc, char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubBackend) backend = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GDateTime) issued_at = NULL;
  GError *error = NULL;
  gint64 device_id, issued;

  if (argc != 4 || !g_str_equal (argv[2], "owner"))
    return usage_error (_("Usage: vitrine-hub code owner ORDER-NUMBER|CARD"));
  if (!(backend = vtr_hub_backend_open_admin (dir, database, &error)) ||
      !vtr_hub_backend_code_owner (backend, argv[3], &kind, &device_id, &name, &issued, &error))
    return fail (error);
  issued_at = g_date_time_new_from_unix_local (issued);
  when = g_date_time_format (issued_at, "%d/%m/%Y %H:%M");
  if (device_id == VTR_HUB_DEVICE_WEB)
    g_print (_("Order number %s: given on %s to a reservation made from a phone (the web pages).\n"), argv[3],
             when);
  else if (device_id == 0)
    g_print (g_str_equal (kind, "card") ? _("Card %s: printed on the hub on %s, for no device.\n")
                                        : _("Order number %s: printed on the hub on %s, for no device.\n"),
             argv[3], when);
  else
    g_print (g_str_equal (kind, "card") ? _("Card %s: issued to device %lld, “%s”, on %s.\n")
                                        : _("Order number %s: issued to device %lld, “%s”, on %s.\n"),
             argv[3], (long long) device_id, name ? name : "", when);
  return EXIT_SUCCESS;
}

static int
command_device (int argc, char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_autoptr(VtrHubDb) db = NULL;
  g_autoptr(VtrHubBackend) backend = NULL;
  GError *error = NULL;
  gint64 merchant_id = 0, id;

  if (argc < 3)
    return usage_error (_("Usage: vitrine-hub device add NAME [--merchant ID] [--area AREA] [--admin-pin] [--pdf FILE] | "
                          "list | revoke ID | reset-pin ID [--pdf FILE] | area ID AREA"));
  if (merchant && !parse_id (merchant, &merchant_id))
    return usage_error (_("--merchant takes a shop’s id"));

  if (g_str_equal (argv[2], "add") && argc == 4)
    {
      g_autoptr(VtrHubKeys) keys = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
      g_autoptr(GDateTime) in_a_week = g_date_time_add_days (now, 7);
      g_autofree char *pairing = NULL;
      g_autofree char *url = NULL;
      g_autofree char *caption = NULL;
      VtrFlashcode code = { VTR_CODE_PAIRING };
      const guint8 *secret = NULL;

      g_autofree char *pin = NULL;
      gboolean made_up = FALSE;

      code.expires = vtr_paris_day (in_a_week);
      if (expires && !parse_date (expires, &code.expires))
        return usage_error (_("--expires takes a date such as 2027-01-31"));
      if (admin_pin && !(pin = ask_admin_pin (&made_up, &error)))
        return fail (error);
      if (database)
        {
          /* (pg) The device in PostgreSQL, the keys in the data folder. */
          g_autoptr(VtrArea) parsed = NULL;

          if (!vtr_hub_backend_is_postgresql (database))
            return usage_error (_("--database takes a PostgreSQL address, postgresql://…"));
          if (area && !vtr_area_parse (area, &parsed, &error))
            return fail (error);
          if (!(keys = vtr_hub_keys_open (dir, &error)) ||
              !(backend = vtr_hub_backend_open (dir, database, &error)) ||
              !(pairing = vtr_hub_backend_add_device (backend, argv[3], merchant_id, end_of_day (code.expires),
                                                      &id, &error)) ||
              (area && !vtr_hub_backend_set_area (backend, id, area, &error)))
            return fail (error);
        }
      else if (!(keys = vtr_hub_keys_open (dir, &error)) || !(db = vtr_hub_db_open (dir, &error)) ||
               !(pairing = vtr_hub_db_add_device (db, argv[3], merchant_id, area, end_of_day (code.expires), &id,
                                                  &error)) ||
               !(backend = vtr_hub_backend_wrap_sqlite (db, NULL)))
        return fail (error);
      if (pin && !vtr_hub_pins_set_admin (backend, id, pin, &error))
        {
          g_autoptr(GError) revoke_error = NULL;

          /* No device with a PIN other than the one asked for. */
          if (!vtr_hub_backend_revoke_device (backend, id, g_get_real_time () / G_USEC_PER_SEC, &revoke_error))
            g_printerr ("vitrine-hub: %s\n", revoke_error->message);
          return fail (error);
        }
      code.kid = vtr_hub_keys_signing_kid (keys, &secret);
      code.pairing = pairing;
      url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (keys), secret, &error);
      if (url == NULL)
        return fail (error);
      g_print (_("Device %lld, “%s”: scan this pairing code on the kiosk before %02d/%02d/%04d. "
                 "It works once.\n"),
               (long long) id, argv[3], code.expires % 100, code.expires / 100 % 100,
               code.expires / 10000);
      if (pin && made_up)
        g_print (_("Administrator’s PIN of this kiosk: %s (it comes with the pairing; keep it apart "
                   "from the code).\n"),
                 pin);
      else if (pin)
        g_print (_("The administrator’s PIN typed comes with the pairing.\n"));
      g_print ("%s\n", url);
      if (pin && made_up)
        caption = g_strdup_printf (_("Pairing of “%s” — use once, before %02d/%02d/%04d — administrator’s PIN %s"),
                                   argv[3], code.expires % 100, code.expires / 100 % 100, code.expires / 10000,
                                   pin);
      else
        caption = g_strdup_printf (_("Pairing of “%s” — use once, before %02d/%02d/%04d"), argv[3],
                                   code.expires % 100, code.expires / 100 % 100, code.expires / 10000);
      if ((png_path && !vtr_qr_write_file (url, caption, png_path, FALSE, &error)) ||
          (pdf_path && !vtr_qr_write_file (url, caption, pdf_path, TRUE, &error)))
        return fail (error);
      return EXIT_SUCCESS;
    }

  /* (pg) The list, the revocations, the PINs and the areas on either
   * backend. */
  if (!(backend = vtr_hub_backend_open_admin (dir, database, &error)))
    return fail (error);
  if (g_str_equal (argv[2], "list") && argc == 3)
    {
      g_autoptr(GPtrArray) devices = vtr_hub_backend_list_devices (backend, &error);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      if (devices == NULL)
        return fail (error);
      json_builder_begin_array (builder);
      for (guint i = 0; i < devices->len; i++)
        {
          VtrHubDevice *d = g_ptr_array_index (devices, i);
          g_autoptr(GPtrArray) visit = device_visit_reasons (d, now);
          g_autoptr(GHashTable) heartbeat = heartbeat_parts (d->heartbeat);
          GHashTableIter iter;
          gpointer key, value;

          json_builder_begin_object (builder);
          vtr_json_add_int (builder, "id", d->id);
          vtr_json_add_string (builder, "name", d->name);
          if (d->merchant_id)
            vtr_json_add_int (builder, "merchant", d->merchant_id);
          vtr_json_add_string (builder, "state", d->revoked ? "revoked" : d->paired ? "paired" : "waiting");
          if (d->last_seen)
            vtr_json_add_int (builder, "last_seen", d->last_seen);
          vtr_json_add_string (builder, "area", d->area ? d->area : "all");
          g_hash_table_iter_init (&iter, heartbeat);
          while (g_hash_table_iter_next (&iter, &key, &value))
            vtr_json_add_string (builder, key, value);
          json_builder_set_member_name (builder, "visit");
          json_builder_begin_array (builder);
          for (guint r = 0; r < visit->len; r++)
            json_builder_add_string_value (builder, g_ptr_array_index (visit, r));
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      if (json_output)
        {
          g_autofree char *text = vtr_json_builder_to_data (builder, TRUE);

          g_print ("%s\n", text);
          return EXIT_SUCCESS;
        }
      for (guint i = 0; i < devices->len; i++)
        {
          VtrHubDevice *d = g_ptr_array_index (devices, i);
          g_autoptr(GDateTime) seen_utc = d->last_seen ? g_date_time_new_from_unix_utc (d->last_seen) : NULL;
          /* In Marseille's time, as the kiosks show it, whatever the
           * server's zone (often UTC). */
          g_autoptr(GDateTime) seen = seen_utc ? g_date_time_to_timezone (seen_utc, vtr_opening_hours_timezone ())
                                               : NULL;
          g_autofree char *seen_text = seen ? g_date_time_format (seen, "%d/%m/%Y %H:%M") : NULL;
          g_autofree char *shop = d->merchant_id ? g_strdup_printf (_("shop %lld"), (long long) d->merchant_id)
                                                 : g_strdup (_("kiosk"));
          const char *state = d->revoked ? _("revoked") : d->paired ? _("paired") : _("waiting for pairing");
          g_autoptr(GPtrArray) visit = device_visit_reasons (d, g_get_real_time () / G_USEC_PER_SEC);
          g_autoptr(GString) reasons = g_string_new (NULL);

          for (guint r = 0; r < visit->len; r++)
            g_string_append_printf (reasons, "%s%s", r ? ", " : "", (const char *) g_ptr_array_index (visit, r));
          if (d->area)
            g_string_append_printf (reasons, reasons->len ? " — %s" : "%s", d->area);
          g_print ("%-4lld %-30s %-12s %-20s %-16s %s\n", (long long) d->id, d->name, shop, state,
                   seen_text ? seen_text : "", reasons->str);
        }
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[2], "reset-pin") && argc == 4)
    return command_reset_pin (backend, argv[3]);
  if (g_str_equal (argv[2], "area") && argc == 5)
    {
      g_autofree char *canonical = NULL;
      g_autoptr(VtrArea) parsed = NULL;

      if (!parse_id (argv[3], &id))
        return usage_error (_("Usage: vitrine-hub device area ID AREA"));
      if (!vtr_area_parse (argv[4], &parsed, &error) || !vtr_hub_backend_set_area (backend, id, argv[4], &error))
        return fail (error);
      canonical = vtr_area_to_string (parsed);
      if (parsed)
        g_print (_("Device %lld now holds the catalogue of the area %s: it downloads it at its next sync.\n"),
                 (long long) id, canonical);
      else
        g_print (_("Device %lld now holds the whole catalogue: it downloads it at its next sync.\n"),
                 (long long) id);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[2], "revoke") && argc == 4)
    {
      if (!parse_id (argv[3], &id))
        return usage_error (_("Usage: vitrine-hub device revoke ID"));
      if (!vtr_hub_backend_revoke_device (backend, id, g_get_real_time () / G_USEC_PER_SEC, &error))
        return fail (error);
      g_print (_("Device %lld is revoked: the hub refuses it from now on.\n"), (long long) id);
      return EXIT_SUCCESS;
    }
  return usage_error (_("Usage: vitrine-hub device add NAME [--merchant ID] [--area AREA] [--admin-pin] [--pdf FILE] | "
                        "list | revoke ID | reset-pin ID [--pdf FILE] | area ID AREA"));
}

/* (tiles) The map's tiles the hub serves (docs/tiles.md). */
static int
command_tiles (int    argc,
               char **argv)
{
  g_autofree char *dir = hub_data_dir ();
  g_auto(VtrHubTilesSummary) summary = { 0 };
  GError *error = NULL;

  if (argc != 4 || !g_str_equal (argv[2], "import"))
    return usage_error (_("Usage: vitrine-hub tiles import FILE.mbtiles"));
  if (!vtr_hub_tiles_import (dir, argv[3], &summary, &error))
    return fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Map imported: %lld tile, zoom levels %d to %d.\n",
                        "Map imported: %lld tiles, zoom levels %d to %d.\n", summary.n_tiles),
           (long long) summary.n_tiles, summary.min_zoom, summary.max_zoom);
  g_print (_("It covers from %.5f to %.5f north and from %.5f to %.5f east.\n"), summary.south, summary.north,
           summary.west, summary.east);
  g_print (_("Credit shown under the map: %s\n"), summary.attribution);
  g_print (_("Kiosks fetch the tiles of their area at their next sync.\n"));
  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  vtr_i18n_init ();
  g_set_prgname ("vitrine-hub");

  context = g_option_context_new (_("serve|device|keys|sign|import|demo …"));
  g_option_context_set_summary (context,
                                _("The federation’s hub.\n\n"
                                  "  serve [--listen HOST:PORT] the HTTP API for kiosks (docs/hub-api.md)\n"
                                  "  device add NAME [--merchant ID] [--admin-pin] [--pdf FILE]\n"
                                  "                            a new kiosk or shop device: prints its pairing code\n"
                                  "  device list | revoke ID   the devices, or shut one out\n"
                                  "  device area ID AREA       move a device to another area (13, 43.29,5.37,15km, all)\n"
                                  "  device reset-pin ID [--pdf FILE]\n"
                                  "                            a one-time code that resets the device’s PIN\n"
                                  "  code owner NUMBER         the device an order number or a card was issued to\n"
                                  "  keys init [--host HOST]   make the root and signing keys\n"
                                  "  keys rotate               a new signing key\n"
                                  "  keys retire KID           stop trusting a key\n"
                                  "  keys list | export        show keys, print the signed key list\n"
                                  "  import FILE…              the federation’s data (CSV or JSON), each file whole\n"
                                  "  demo                      load the demo catalogue\n"
                                  "  tiles import FILE.mbtiles the map’s tiles the hub serves (docs/tiles.md)\n"
                                  "  backup DIR | restore DIR  copy the hub’s data while it serves; put it back\n"
                                  "  products review [accept ID | merge ID INTO]\n"
                                  "                            the products shops made, waiting for the federation\n"
                                  "  sms test NUMBER | list    try the SMS gateway (sms.conf), the last messages\n"
                                  "  privacy erase-expired     erase customers’ details of orders over (sms.conf)\n"
                                  "  sign product|card|pickup|merchant|pairing …\n"
                                  "                            print a signed code (--png, --pdf to draw it;\n"
                                  "                            card and pickup: --count N for a kiosk’s stock)"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (argc == 2 && g_str_equal (argv[1], "serve"))
    return command_serve ();
  if (argc >= 2 && g_str_equal (argv[1], "device"))
    return command_device (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "keys"))
    return command_keys (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "code"))
    return command_code (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "sign"))
    return command_sign (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return command_import (argc, argv);
  if (argc == 2 && g_str_equal (argv[1], "demo"))
    return command_demo ();
  if (argc >= 2 && g_str_equal (argv[1], "tiles"))
    return command_tiles (argc, argv);
  if (argc >= 2 && (g_str_equal (argv[1], "backup") || g_str_equal (argv[1], "restore")))
    return command_backup (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "products"))
    return command_products (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "sms"))
    {
      g_autofree char *dir = hub_data_dir ();
      return vtr_hub_command_sms (dir, database, json_output, argc, argv);
    }
  if (argc >= 2 && g_str_equal (argv[1], "privacy"))
    {
      g_autofree char *dir = hub_data_dir ();
      return vtr_hub_command_privacy (dir, database, json_output, argc, argv);
    }

  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
    g_printerr ("%s", help);
  }
  return EXIT_USAGE;
}

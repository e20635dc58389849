#include "config.h"

#include "vtr-hub-web.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "vtr-catalog-service.h"
#include "vtr-changes.h"
#include "vtr-demo.h"
#include "vtr-describe.h"
#include "vtr-flashcode.h"
#include "vtr-hub-keys.h"
#include "vtr-hub-stock.h"
#include "vtr-hub-web-resources.h"
#include "vtr-json.h"
#include "vtr-orders.h"
#include "vtr-phone.h"
#include "vtr-qr-image.h"
#include "vtr-service.h"
#include "vtr-store-private.h"

/*
 * The web page behind every code (issue 17), for the phone that scanned a
 * poster, a card or a ticket: server-made HTML5 that works without
 * script, one small style sheet and one small script ("Closest to me",
 * near-me.js) served from the hub's resources.
 *
 * Safety: the code's signature is checked first, with the hub's own key
 * list; a page says nothing of a code that is not the federation's. Every
 * piece of text reaches the page through esc(), which escapes markup,
 * drops control and bidirectional-override characters and cuts what is
 * too long; catalogue text sits in <bdi> so a right-to-left name cannot
 * turn the words around it. Language: French unless the browser prefers
 * English or the page is asked ?lang=en. Messages go through gettext; an
 * English page is made with the worker thread's LC_MESSAGES set to "C"
 * (uselocale), where gettext ignores LANGUAGE and answers the msgid, so
 * one thread's English never reaches another's French. The French of a
 * page is the hub's own language (French unless the hub was started in
 * another one).
 */

#define CSS_PATH "/static/vitrine.css"
#define JS_PATH "/static/near-me.js"
#define MAX_SHOP_PRODUCTS 40
#define MAX_NAME 160      /* characters of a name shown */
#define MAX_TEXT 400      /* characters of any other catalogue text */
#define MAX_MOVEMENTS 8
/* Open states change with the clock, not only with the catalogue: a
 * page's tag also names its five minutes. */
#define ETAG_PERIOD 300
/* Reservations from phones (click & collect). */
#define RESERVE_PATH "/reserve"
#define SEARCH_PATH "/search"
#define TRADES_PATH "/trades"
#define TRADE_PREFIX "/trade/"
#define STOREFRONT_PREFIX "/shop/"
#define COLLECT_PATH "/collect"
#define MAX_COLLECT 3   /* places of each kind, as the kiosk's civic screen */
#define MAX_RESULTS 20
#define MAX_QUERY 100   /* characters of a search */
#define MAX_QUANTITY 9
#define FORM_LIFETIME (2 * 3600)   /* seconds a reservation form stays good */
#define LIMIT_WINDOW 3600          /* the rate limits count an hour */
#define MAX_PER_ADDRESS 5          /* reservations an hour from one address */
#define MAX_PER_PHONE 3            /* reservations an hour for one phone */

typedef struct
{
  GString     *out;
  gboolean     en;
  GDateTime   *now;
  const char  *path;
  const char  *code_text;    /* the code the page was opened by, as signed */
  GHashTable  *query;
  gboolean     private_page;  /* made for one shopper (their position): not cached */
  VtrHubBackend *backend;     /* a card's, an order's page, on either backend */
  VtrCatalog  *catalog;
  VtrHubKeys  *keys;          /* (borrowed) worker_keys() */
  VtrKeyList  *key_list;      /* (borrowed) worker_keys() */
  GHashTable  *links;         /* (borrowed) worker_keys(): signed_path()'s */
  SoupServerMessage *msg;
  gboolean     order_placed;
  char        *switch_query;  /* (nullable) the language link's query but lang, when not the address's */
} Ctx;

/* Text. */

static gboolean
is_hidden (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0) ||
         (c >= 0x200b && c <= 0x200f) ||  /* zero widths, LRM, RLM */
         (c >= 0x202a && c <= 0x202e) ||  /* embeddings and overrides */
         (c >= 0x2066 && c <= 0x2069) ||  /* isolates */
         c == 0x061c || c == 0xfeff;
}

/* @text, escaped for HTML text and double- or single-quoted attributes
 * alike, without hidden characters, at most @max characters and about
 * three bytes a character once escaped (a name of quotes must not make a
 * page of 50 kB). */
static void
esc_max (GString    *out,
         const char *text,
         glong       max)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  const char *p = valid;
  gsize start = out->len;
  glong n = 0;

  for (; *p && n < max && out->len - start < (gsize) max * 3; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '&': g_string_append (out, "&amp;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        default:
          if (is_hidden (c))
            {
              if (c == '\n' || c == '\t')
                g_string_append_c (out, ' ');
              continue;
            }
          g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
      n++;
    }
  if (*p)
    g_string_append (out, "…");
}

static void
esc (GString    *out,
     const char *text)
{
  esc_max (out, text, MAX_TEXT);
}

/* Catalogue text in its own direction: <bdi>NAME</bdi>. */
static void
esc_name (GString    *out,
          const char *text)
{
  g_string_append (out, "<bdi>");
  esc_max (out, text, MAX_NAME);
  g_string_append (out, "</bdi>");
}

/* A promotion as the merchant typed it, word for word, in the promotion's
 * colour; the values in words after it ("17 % off") when the title says
 * something else; who it is for when only loyalty card holders get it. */
static void
promotion_words (GString            *out,
                 const VtrPromotion *promotion)
{
  g_autofree char *words = vtr_promotion_describe (promotion);
  gboolean titled = promotion->title && *promotion->title;

  g_string_append (out, "<span class=\"promo\">");
  if (titled)
    esc_name (out, promotion->title);
  else
    esc (out, words);
  g_string_append (out, "</span>");
  if (titled && g_strcmp0 (promotion->title, words) != 0)
    {
      g_string_append (out, " ");
      esc (out, words);
    }
  if (promotion->loyal_only)
    {
      g_string_append (out, " · ");
      esc (out, _("loyalty card holders only"));
    }
}

/* <TAG class="CLASS">TEXT</TAG>, TEXT escaped; the tag and class are the
 * code's own. */
static void
element (GString    *out,
         const char *tag,
         const char *klass,
         const char *text)
{
  if (klass)
    g_string_append_printf (out, "<%s class=\"%s\">", tag, klass);
  else
    g_string_append_printf (out, "<%s>", tag);
  esc (out, text);
  g_string_append_printf (out, "</%s>", tag);
}

/* The page. */

/* A price in the page's language: "4,50 €" in French, "€4.50" in
 * English. */
static char *
page_price (const Ctx *ctx,
            gint64     cents)
{
  return vtr_price_format_in (cents, ctx->en ? "en" : "fr");
}

/* The link to this page in the other language: the page's query with
 * only lang changed (a reservation form keeps its product and shop, a
 * search its words), as the browser's address bar has it. */
static void
language_link (Ctx *ctx)
{
  const char *query = ctx->switch_query;
  g_autoptr(GString) href = g_string_new ("?");
  g_auto(GStrv) params = NULL;

  if (query == NULL && ctx->msg)
    query = g_uri_get_query (soup_server_message_get_uri (ctx->msg));
  /* An address beyond reason keeps its language only. */
  if (query && strlen (query) <= 1024)
    params = g_strsplit (query, "&", 64);
  for (guint i = 0; params && params[i]; i++)
    if (*params[i] && !g_str_equal (params[i], "lang") && !g_str_has_prefix (params[i], "lang="))
      g_string_append_printf (href, "%s&", params[i]);
  g_string_append (href, ctx->en ? "lang=fr" : "lang=en");
  g_string_append (ctx->out, "<a href=\"");
  esc_max (ctx->out, href->str, 2048);
  g_string_append (ctx->out, ctx->en ? "\" lang=\"fr\" hreflang=\"fr\">Français</a>"
                                     : "\" lang=\"en\" hreflang=\"en\">English</a>");
}

static void
page_begin (Ctx        *ctx,
            const char *title,
            const char *description,
            gboolean    noindex)
{
  GString *out = ctx->out;

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
                          ctx->en ? "en" : "fr");
  g_string_append (out, "<title>");
  esc_max (out, title, MAX_NAME);
  g_string_append (out, " · Vitrine</title>\n");
  if (noindex)
    g_string_append (out, "<meta name=\"robots\" content=\"noindex\">\n");
  else if (description)
    {
      /* Open Graph: a shared link shows the product or the shop. */
      g_string_append (out, "<meta name=\"description\" content=\"");
      esc (out, description);
      g_string_append (out, "\">\n<meta property=\"og:type\" content=\"website\">\n"
                            "<meta property=\"og:site_name\" content=\"Vitrine\">\n"
                            "<meta property=\"og:title\" content=\"");
      esc_max (out, title, MAX_NAME);
      g_string_append (out, "\">\n<meta property=\"og:description\" content=\"");
      esc (out, description);
      g_string_append_printf (out, "\">\n<meta property=\"og:locale\" content=\"%s\">\n"
                              "<meta property=\"og:url\" content=\"https://",
                              ctx->en ? "en_GB" : "fr_FR");
      esc (out, vtr_hub_keys_get_host (ctx->keys));
      esc_max (out, ctx->path, 1024);
      g_string_append (out, "\">\n");
    }
  g_string_append (out, "<link rel=\"stylesheet\" href=\"" CSS_PATH "\">\n</head>\n<body>\n<header>"
                        "<span class=\"brand\">Vitrine</span>");
  g_string_append_printf (out, "<nav><a href=\"" SEARCH_PATH "%s\">", ctx->en ? "?lang=en" : "");
  esc (out, _("Search"));
  g_string_append (out, "</a>");
  /* The other language, on the same page. */
  language_link (ctx);
  g_string_append (out, "</nav></header>\n<main>\n");
}

static void
page_end (Ctx *ctx)
{
  g_string_append (ctx->out, "</main>\n<footer>");
  esc (ctx->out, _("Vitrine, the federation of independent shops of the Bouches-du-Rhône"));
  g_string_append (ctx->out, "</footer>\n</body>\n</html>\n");
}

/* A page of one heading and one paragraph. */
static void
simple_page (Ctx        *ctx,
             const char *title,
             const char *text,
             gboolean    notice)
{
  page_begin (ctx, title, NULL, TRUE);
  element (ctx->out, "h1", NULL, title);
  element (ctx->out, "p", notice ? "notice" : NULL, text);
  page_end (ctx);
}

/* Links. */

/* The path of a signed code for a shop (or a product at a shop), so a page
 * links to another page the way a poster would. */
static char *
signed_path (Ctx          *ctx,
             VtrCodeKind   kind,
             gint64        product_id,
             gint64        merchant_id)
{
  VtrFlashcode code = { 0 };
  const guint8 *secret = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  const char *slash, *known;

  /* The same link signed again is the same text (Ed25519 signatures are
   * deterministic and links do not expire): a worker keeps those it made
   * while the keys stay the same, a quarter of a page's cost otherwise. */
  if (ctx->links)
    {
      key = g_strdup_printf ("%d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, kind, product_id, merchant_id);
      if ((known = g_hash_table_lookup (ctx->links, key)))
        return g_strdup (known);
    }
  code.kind = kind;
  code.product_id = product_id;
  code.merchant_id = merchant_id;
  code.kid = vtr_hub_keys_signing_kid (ctx->keys, &secret);
  if (code.kid <= 0 || secret == NULL ||
      !(url = vtr_flashcode_sign (&code, vtr_hub_keys_get_host (ctx->keys), secret, NULL)))
    return NULL;
  slash = strchr (url + strlen ("HTTPS://"), '/');
  if (slash == NULL)
    return NULL;
  if (ctx->links)
    {
      /* Bounded: 20,000 links, about 2 MB a worker. */
      if (g_hash_table_size (ctx->links) >= 20000)
        g_hash_table_remove_all (ctx->links);
      g_hash_table_insert (ctx->links, g_steal_pointer (&key), g_strdup (slash));
    }
  return g_strdup (slash);
}

static void
actions (Ctx               *ctx,
         const VtrMerchant *merchant)
{
  GString *out = ctx->out;
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, "<div class=\"actions\">");
  if (merchant->phone && *merchant->phone)
    {
      g_string_append (out, "<a class=\"button\" href=\"tel:");
      for (const char *p = merchant->phone; *p; p++)
        if (g_ascii_isdigit (*p) || (*p == '+' && p == merchant->phone))
          g_string_append_c (out, *p);
      g_string_append (out, "\">");
      /* TRANSLATORS: a button that calls the shop */
      esc (out, _("Call"));
      g_string_append (out, "</a>");
    }
  g_ascii_formatd (lat, sizeof lat, "%.6f", merchant->position.lat);
  g_ascii_formatd (lon, sizeof lon, "%.6f", merchant->position.lon);
  /* geo: opens the phone's own maps app (Android); the map of
   * OpenStreetMap for the others. */
  g_string_append_printf (out, "<a class=\"button secondary\" href=\"geo:%s,%s?q=%s,%s\">", lat, lon, lat, lon);
  esc (out, _("Directions"));
  g_string_append_printf (out, "</a><a class=\"button secondary\" "
                          "href=\"https://www.openstreetmap.org/?mlat=%s&amp;mlon=%s#map=18/%s/%s\">",
                          lat, lon, lat, lon);
  esc (out, _("Map"));
  g_string_append (out, "</a></div>");
}

static void
address_line (GString           *out,
              const VtrMerchant *merchant)
{
  g_string_append (out, "<p class=\"muted\"><bdi>");
  esc (out, merchant->address);
  g_string_append (out, "</bdi>, <bdi>");
  esc (out, merchant->postcode);
  g_string_append (out, " ");
  esc (out, merchant->city);
  g_string_append (out, "</bdi></p>");
}

static void
open_line (GString            *out,
           const VtrOpenState *open,
           GDateTime          *now)
{
  g_autofree char *words = vtr_describe_open_until (open, now);

  element (out, "p", !open->known ? "muted" : open->open ? "open" : "closed", words);
}

/* Product ad. */

/* ?lat=…&lon=…, in degrees, both there and sensible. */
static gboolean
query_position (GHashTable  *query,
                VtrPosition *position)
{
  const char *lat = query ? g_hash_table_lookup (query, "lat") : NULL;
  const char *lon = query ? g_hash_table_lookup (query, "lon") : NULL;
  char *end_lat = NULL, *end_lon = NULL;
  double y, x;

  if (lat == NULL || lon == NULL || !*lat || !*lon)
    return FALSE;
  y = g_ascii_strtod (lat, &end_lat);
  x = g_ascii_strtod (lon, &end_lon);
  if (*end_lat || *end_lon || !(y >= -90 && y <= 90) || !(x >= -180 && x <= 180))
    return FALSE;
  position->lat = y;
  position->lon = x;
  return TRUE;
}

/* The promotions running now: the one @promotion_id, or those of the
 * shop @merchant_id. */
static GPtrArray *
current_promotions (Ctx    *ctx,
                    gint64  promotion_id,
                    gint64  merchant_id)
{
  GPtrArray *promotions = g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_promotion_free);
  gint64 now = g_date_time_to_unix (ctx->now);
  g_autoptr(VtrStatement) stmt = vtr_store_statement (
    vtr_catalog_get_store (ctx->catalog),
    promotion_id ? "SELECT id, merchant_id, product_id, category, kind, value, buy, get, starts, ends, title, audience "
                   "FROM promotion WHERE id = ?1 AND starts <= ?2 AND ends > ?2"
                 : "SELECT id, merchant_id, product_id, category, kind, value, buy, get, starts, ends, title, audience "
                   "FROM promotion WHERE merchant_id = ?1 AND ends > ?2 AND starts <= ?2 ORDER BY ends LIMIT 20",
    NULL);

  if (stmt == NULL)
    return promotions;
  sqlite3_bind_int64 (stmt, 1, promotion_id ? promotion_id : merchant_id);
  sqlite3_bind_int64 (stmt, 2, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      VtrPromotion *promotion = g_new0 (VtrPromotion, 1);

      promotion->id = sqlite3_column_int64 (stmt, 0);
      promotion->merchant_id = sqlite3_column_int64 (stmt, 1);
      promotion->product_id = sqlite3_column_int64 (stmt, 2);
      promotion->category = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      promotion->kind = sqlite3_column_int (stmt, 4);
      promotion->value = sqlite3_column_int (stmt, 5);
      promotion->buy = sqlite3_column_int (stmt, 6);
      promotion->get = sqlite3_column_int (stmt, 7);
      promotion->starts = sqlite3_column_int64 (stmt, 8);
      promotion->ends = sqlite3_column_int64 (stmt, 9);
      promotion->title = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
      promotion->loyal_only = sqlite3_column_int (stmt, 11) == 1;
      g_ptr_array_add (promotions, promotion);
    }
  return promotions;
}

static void
product_page (Ctx                *ctx,
              const VtrFlashcode *code,
              guint              *status)
{
  g_autoptr(VtrProductView) view = NULL;
  g_autoptr(VtrMerchant) poster = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autoptr(GPtrArray) promotions = NULL;
  g_autofree char *low = NULL, *high = NULL;
  VtrPosition origin = { VTR_DEMO_LAT, VTR_DEMO_LON };
  GString *out = ctx->out;
  const VtrProduct *product;
  GPtrArray *stockists;
  gint64 min = 0, max = 0, n_shops = 0;
  gboolean here;

  if (code->merchant_id && (poster = vtr_catalog_get_merchant (ctx->catalog, code->merchant_id, NULL)))
    origin = poster->position;
  /* "Closest to me" (near-me.js): the phone's position, for this page
   * only. */
  if ((here = query_position (ctx->query, &origin)))
    ctx->private_page = TRUE;
  /* The kiosk's own rule (vtr_catalog_product_view()): the same shops,
   * the poster's first unless the shopper asked for the nearest to them,
   * and the price range over those listed. */
  view = vtr_catalog_product_view (ctx->catalog, code->product_id, poster && !here ? poster->id : 0, &origin,
                                   ctx->now, NULL);
  if (view == NULL)
    {
      *status = SOUP_STATUS_NOT_FOUND;
      simple_page (ctx, _("This product is no longer in the catalogue"),
                   _("Ask the shop that put up the poster: it may still have it."), FALSE);
      return;
    }
  product = view->product;
  stockists = view->stockists;
  n_shops = stockists->len;
  if (n_shops > 0)
    {
      min = view->low_price_cents;
      max = view->high_price_cents;
      low = page_price (ctx, min);
      high = page_price (ctx, max);
    }
  g_string_append (description, product->brand && *product->brand ? product->brand : "");
  if (low)
    {
      if (description->len)
        g_string_append (description, " · ");
      if (min == max)
        g_string_append (description, low);
      else
        g_string_append_printf (description, _("from %s to %s"), low, high);
    }
  if (description->len)
    g_string_append (description, " · ");
  g_string_append_printf (description,
                          g_dngettext (GETTEXT_PACKAGE, "in %u shop near you", "in %u shops near you",
                                       (gulong) n_shops),
                          (guint) n_shops);

  page_begin (ctx, product->name, description->str, FALSE);
  g_string_append (out, "<h1>");
  esc_name (out, product->name);
  g_string_append (out, "</h1>");
  if (product->brand && *product->brand)
    {
      g_string_append (out, "<p class=\"muted\">");
      esc_name (out, product->brand);
      g_string_append (out, "</p>");
    }
  if (low)
    {
      g_autofree char *range = min == max ? g_strdup (low) : g_strdup_printf (_("from %s to %s"), low, high);

      element (out, "p", "price", range);
    }
  promotions = code->promotion_id ? current_promotions (ctx, code->promotion_id, 0) : NULL;
  for (guint i = 0; promotions && i < promotions->len; i++)
    {
      VtrPromotion *promotion = g_ptr_array_index (promotions, i);

      g_string_append (out, "<p>");
      promotion_words (out, promotion);
      g_string_append (out, "</p>");
    }

  element (out, "h2", NULL, _("Where to find it"));
  if (here)
    element (out, "p", "muted", _("Distances on foot from where you are."));
  else if (poster)
    {
      g_autofree char *from = g_strdup_printf (_("Distances on foot from %s."), "\x01");
      char **parts = g_strsplit (from, "\x01", 2);

      /* The shop's name inside the translated sentence, escaped apart. */
      g_string_append (out, "<p class=\"muted\">");
      esc (out, parts[0]);
      esc_name (out, poster->name);
      esc (out, parts[1] ? parts[1] : "");
      g_string_append (out, "</p>");
      g_strfreev (parts);
    }
  else
    element (out, "p", "muted", _("Distances on foot from the Vieux-Port."));
  if (stockists->len == 0)
    element (out, "p", "notice", _("No shop of the federation has it at the moment."));
  else if (!here)
    {
      /* Shown by near-me.js, which only runs where the phone can say
       * where it is. */
      g_string_append (out, "<p><button type=\"button\" id=\"near-me\" class=\"button secondary\" hidden "
                            "data-waiting=\"");
      esc (out, _("Looking for where you are…"));
      g_string_append (out, "\" data-refused=\"");
      esc (out, _("Your phone did not give its position: the shops stay in this order."));
      g_string_append (out, "\">");
      esc (out, _("Closest to me"));
      g_string_append (out, "</button> <span id=\"near-me-status\" role=\"status\"></span></p>"
                            "<script src=\"" JS_PATH "\" defer></script>");
    }

  g_string_append (out, "<ol class=\"shops\">");
  for (guint i = 0; i < stockists->len; i++)
    {
      VtrStockist *stockist = g_ptr_array_index (stockists, i);
      VtrMerchant *merchant = stockist->place.merchant;
      g_autofree char *link = signed_path (ctx, VTR_CODE_MERCHANT, 0, merchant->id);
      g_autofree char *distance = vtr_describe_distance (stockist->place.distance_m,
                                                         stockist->place.walking_minutes);
      g_autofree char *price = page_price (ctx, stockist->price_cents);
      gboolean is_poster = poster && merchant->id == poster->id;

      g_string_append (out, is_poster ? "<li class=\"poster\">" : "<li>");
      if (is_poster)
        element (out, "p", "muted", _("The shop of this poster"));
      g_string_append (out, "<p class=\"shop-name\">");
      if (link)
        {
          g_string_append (out, "<a href=\"");
          esc_max (out, link, 1024);
          g_string_append (out, "\">");
        }
      esc_name (out, merchant->name);
      if (link)
        g_string_append (out, "</a>");
      g_string_append (out, "</p>");
      address_line (out, merchant);
      /* The poster's own shop is where the shopper stands. */
      if (!is_poster)
        element (out, "p", NULL, distance);
      open_line (out, &stockist->place.open, ctx->now);
      g_string_append (out, "<p><span class=\"price\">");
      esc (out, price);
      g_string_append (out, "</span> · ");
      esc (out, vtr_describe_availability (stockist->availability));
      g_string_append (out, "</p>");
      for (guint j = 0; stockist->promotions && j < stockist->promotions->len; j++)
        {
          VtrPromotion *offer = g_ptr_array_index (stockist->promotions, j);

          g_string_append (out, "<p>");
          promotion_words (out, offer);
          g_string_append (out, "</p>");
        }
      actions (ctx, merchant);
      if (stockist->availability != VTR_AVAILABILITY_OUT_OF_STOCK)
        {
          g_string_append_printf (out, "<p><a class=\"button\" href=\"" RESERVE_PATH "?product=%" G_GINT64_FORMAT
                                  "&amp;merchant=%" G_GINT64_FORMAT "%s\">",
                                  product->id, merchant->id, ctx->en ? "&amp;lang=en" : "");
          esc (out, _("Reserve for pickup"));
          g_string_append (out, "</a></p>");
        }
      g_string_append (out, "</li>");
    }
  g_string_append (out, "</ol>");
  page_end (ctx);
}

/* Shop. */

static void
shop_page (Ctx                *ctx,
           const VtrFlashcode *code,
           guint              *status)
{
  g_autoptr(VtrMerchant) merchant = NULL;
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  g_auto(GStrv) week = NULL;
  g_autoptr(VtrStatement) stmt = NULL;
  VtrOpenState open = { 0 };
  GString *out = ctx->out;
  guint n_products = 0, n_offers = 0;

  if (!(merchant = vtr_catalog_get_merchant (ctx->catalog, code->merchant_id, NULL)))
    {
      *status = SOUP_STATUS_NOT_FOUND;
      simple_page (ctx, _("This shop is no longer in the federation’s catalogue"),
                   _("It may have closed or left the federation."), FALSE);
      return;
    }
  vtr_catalog_open_state (ctx->catalog, merchant->opening_hours, ctx->now, &open);
  for (guint i = 0; merchant->services && merchant->services[i]; i++)
    {
      const VtrService *service = vtr_service_lookup (merchant->services[i]);

      if (service)
        {
          if (description->len)
            g_string_append (description, ", ");
          g_string_append (description, vtr_service_label (service));
        }
    }
  if (description->len)
    g_string_append (description, " · ");
  g_string_append_printf (description, "%s %s", merchant->address ? merchant->address : "",
                          merchant->city ? merchant->city : "");

  page_begin (ctx, merchant->name, description->str, FALSE);
  g_string_append (out, "<h1>");
  esc_name (out, merchant->name);
  g_string_append (out, "</h1>");
  if (merchant->services && merchant->services[0])
    {
      g_string_append (out, "<p class=\"muted\">");
      for (guint i = 0, n = 0; merchant->services[i]; i++)
        {
          const VtrService *service = vtr_service_lookup (merchant->services[i]);

          if (!service)
            continue;
          if (n++)
            g_string_append (out, ", ");
          esc (out, vtr_service_label (service));
        }
      g_string_append (out, "</p>");
    }
  address_line (out, merchant);
  open_line (out, &open, ctx->now);
  if (merchant->phone && *merchant->phone)
    {
      g_string_append (out, "<p>");
      esc (out, merchant->phone);
      g_string_append (out, "</p>");
    }
  actions (ctx, merchant);
  g_clear_pointer (&open.next_change, g_date_time_unref);

  /* Promotions now. */
  offers = current_promotions (ctx, 0, merchant->id);
  for (guint i = 0; i < offers->len; i++)
    {
      VtrPromotion *promotion = g_ptr_array_index (offers, i);
      g_autoptr(VtrProduct) on = promotion->product_id ? vtr_catalog_get_product (ctx->catalog,
                                                                                   promotion->product_id, NULL)
                                                       : NULL;

      if (n_offers++ == 0)
        {
          element (out, "h2", NULL, _("Promotions"));
          g_string_append (out, "<ul>");
        }
      g_string_append (out, "<li>");
      promotion_words (out, promotion);
      if (on)
        {
          g_string_append (out, " · ");
          esc_name (out, on->name);
        }
      else if (promotion->category)
        {
          g_string_append (out, " · ");
          esc_name (out, promotion->category);
        }
      g_string_append (out, "</li>");
    }
  if (n_offers)
    g_string_append (out, "</ul>");

  /* What the shop collects: clothes, cardboard, used oil, parcels. */
  stmt = vtr_store_statement (vtr_catalog_get_store (ctx->catalog),
                              "SELECT kind, name FROM collection_point WHERE merchant_id = ? ORDER BY kind, id "
                              "LIMIT 20", NULL);
  if (stmt)
    {
      guint n_points = 0;

      sqlite3_bind_int64 (stmt, 1, merchant->id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          int kind = sqlite3_column_int (stmt, 0);
          const char *name = (const char *) sqlite3_column_text (stmt, 1);
          const char *label = kind >= 0 && kind <= VTR_COLLECTION_PARCEL_LOCKER ? vtr_collection_kind_label (kind)
                                                                                  : NULL;

          if (label == NULL)
            continue;
          if (n_points++ == 0)
            {
              element (out, "h2", NULL, _("Collected at the shop"));
              g_string_append (out, "<ul>");
            }
          g_string_append (out, "<li>");
          esc (out, label);
          if (name && *name)
            {
              g_string_append (out, " — ");
              esc_name (out, name);
            }
          g_string_append (out, "</li>");
        }
      if (n_points)
        g_string_append (out, "</ul>");
      /* A statement of the store's cache: reset, not finalized. */
      sqlite3_reset (stmt);
      stmt = NULL;
    }

  element (out, "h2", NULL, _("Opening hours"));
  if ((week = vtr_describe_week (merchant->opening_hours)))
    {
      g_string_append (out, "<table><tbody>");
      for (int day = 0; day < 7 && week[day]; day++)
        {
          g_string_append (out, "<tr><th scope=\"row\">");
          esc (out, vtr_describe_weekday (day));
          g_string_append (out, "</th><td>");
          esc (out, week[day]);
          g_string_append (out, "</td></tr>");
        }
      g_string_append (out, "</tbody></table>");
    }
  else
    element (out, "p", "muted", _("The shop has not given its hours."));

  element (out, "h2", NULL, _("Products and prices"));
  stmt = vtr_store_statement (vtr_catalog_get_store (ctx->catalog),
                              "SELECT p.id, p.name, s.price_cents, s.availability, p.brand FROM stock s "
                              "JOIN product p ON p.id = s.product_id WHERE s.merchant_id = ? "
                              "ORDER BY p.name, p.brand LIMIT " G_STRINGIFY (MAX_SHOP_PRODUCTS), NULL);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, merchant->id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autofree char *price = page_price (ctx, sqlite3_column_int64 (stmt, 2));
          g_autofree char *link = signed_path (ctx, VTR_CODE_PRODUCT, sqlite3_column_int64 (stmt, 0),
                                               merchant->id);

          if (n_products++ == 0)
            g_string_append (out, "<table><tbody>");
          g_string_append (out, "<tr><td>");
          if (link)
            {
              g_string_append (out, "<a href=\"");
              esc_max (out, link, 1024);
              g_string_append (out, "\">");
            }
          esc_name (out, (const char *) sqlite3_column_text (stmt, 1));
          if (link)
            g_string_append (out, "</a>");
          g_string_append (out, "<br><span class=\"muted\">");
          /* Two of a name (Pieds paquets of two makers) told apart. */
          if (sqlite3_column_text (stmt, 4) && *sqlite3_column_text (stmt, 4))
            {
              esc_name (out, (const char *) sqlite3_column_text (stmt, 4));
              g_string_append (out, " · ");
            }
          esc (out, vtr_describe_availability (sqlite3_column_int (stmt, 3)));
          g_string_append (out, "</span></td><td class=\"num\">");
          esc (out, price);
          g_string_append (out, "</td></tr>");
        }
    }
  if (n_products)
    g_string_append (out, "</tbody></table>");
  else
    element (out, "p", "muted", _("The shop has not listed its products yet."));
  page_end (ctx);
}

/* Loyalty card: a bearer secret, shown only by its last characters. */

static void
card_page (Ctx                *ctx,
           const VtrFlashcode *code)
{
  g_autoptr(GArray) movements = g_array_new (FALSE, FALSE, sizeof (VtrHubMovement));
  g_autofree char *number = NULL, *balance_words = NULL, *heading = NULL, *points = NULL;
  GString *out = ctx->out;
  gint64 balance = 0, n_events = 0, flagged = 0;
  gboolean blocked = FALSE;
  guint n = 0;

  vtr_hub_backend_card_info (ctx->backend, code->card_id, &balance, &n_events, NULL, &blocked, &flagged, NULL);
  number = g_strdup_printf ("•••• %s", code->card_id + strlen (code->card_id) - 4);
  heading = g_strdup_printf (_("Loyalty card %s"), number);
  points = g_strdup_printf ("%" G_GINT64_FORMAT, balance);
  balance_words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s point", "%s points",
                                                (gulong) MIN (ABS (balance), G_MAXULONG)),
                                   points);

  page_begin (ctx, heading, NULL, TRUE);
  element (out, "h1", NULL, heading);
  if (blocked)
    element (out, "p", "notice", _("This card was declared lost and replaced: its points are on the new card."));
  element (out, "p", "price", balance_words);

  element (out, "h2", NULL, _("Last movements"));
  vtr_hub_backend_card_movements (ctx->backend, code->card_id, MAX_MOVEMENTS, movements, NULL);
  for (guint i = 0; i < movements->len; i++)
    {
      const VtrHubMovement *m = &g_array_index (movements, VtrHubMovement, i);
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (m->created);
      g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
      g_autoptr(GDateTime) at = utc && paris ? g_date_time_to_timezone (utc, paris) : NULL;
      g_autofree char *date = at ? g_date_time_format (at, "%d/%m/%Y") : g_strdup ("");
      g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (ctx->catalog, m->merchant_id, NULL);
      gint64 moved = m->points;

      if (n++ == 0)
        {
          g_string_append (out, "<table><thead><tr><th scope=\"col\">");
          esc (out, _("Date"));
          g_string_append (out, "</th><th scope=\"col\">");
          esc (out, _("Shop"));
          g_string_append (out, "</th><th scope=\"col\" class=\"num\">");
          esc (out, _("Points"));
          g_string_append (out, "</th></tr></thead><tbody>");
        }
      g_string_append (out, "<tr><td>");
      esc (out, date);
      g_string_append (out, "</td><td>");
      if (merchant)
        esc_name (out, merchant->name);
      g_string_append_printf (out, "</td><td class=\"num\">%s%" G_GINT64_FORMAT "</td></tr>",
                              moved > 0 ? "+" : moved < 0 ? "−" : "", ABS (moved));
    }
  if (n)
    g_string_append (out, "</tbody></table>");
  else
    element (out, "p", "muted", _("No points earned or spent with this card yet."));
  element (out, "p", "muted", _("Show this card at the counter of any shop of the federation to earn points."));
  page_end (ctx);
}

/* Pickup code: the order's state, nothing of its customer. */

/* A row of the order's table: what, how many, what it costs. */
static void
order_row (Ctx        *ctx,
           const char *klass,
           const char *what,
           gboolean    what_is_name,
           const char *quantity,
           gint64      cents)
{
  g_autofree char *amount = page_price (ctx, ABS (cents));
  /* What a promotion takes off, with a minus sign as printed prices have. */
  g_autofree char *price = cents < 0 ? g_strconcat ("\xe2\x88\x92", amount, NULL) : g_strdup (amount);
  GString *out = ctx->out;

  if (klass)
    g_string_append_printf (out, "<tr class=\"%s\"><td>", klass);
  else
    g_string_append (out, "<tr><td>");
  if (what_is_name)
    esc_name (out, what);
  else
    esc (out, what);
  g_string_append (out, "</td><td class=\"num\">");
  esc (out, quantity ? quantity : "");
  g_string_append (out, "</td><td class=\"num\">");
  esc (out, price);
  g_string_append (out, "</td></tr>");
}

/* What was ordered, as the order placed says it: each product with its
 * quantity and its price, the shop's promotion under it with what it
 * takes off (as the kiosk's basket counts it: vtr_promotion_best() for
 * a customer without a card, at the time the order was placed), then
 * the total the shop received. */
static void
order_table (Ctx        *ctx,
             JsonObject *order)
{
  GString *out = ctx->out;
  JsonArray *lines;
  gint64 merchant_id, full_total = 0, counted = 0;
  g_autoptr(GDateTime) at = NULL;
  guint n;

  if (!json_object_has_member (order, "lines") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (order, "lines")))
    return;
  lines = json_object_get_array_member (order, "lines");
  n = MIN (json_array_get_length (lines), 100);
  if (n == 0)
    return;
  merchant_id = vtr_json_get_int (order, "merchant");
  at = vtr_json_get_int (order, "at") > 0 ? g_date_time_new_from_unix_utc (vtr_json_get_int (order, "at")) : NULL;

  g_string_append (out, "<table class=\"order-lines\"><thead><tr><th scope=\"col\">");
  esc (out, _("Product"));
  g_string_append (out, "</th><th scope=\"col\" class=\"num\">");
  esc (out, _("Quantity"));
  g_string_append (out, "</th><th scope=\"col\" class=\"num\">");
  esc (out, _("Price"));
  g_string_append (out, "</th></tr></thead><tbody>");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (lines, i);
      JsonObject *line = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autoptr(VtrProduct) product = NULL;
      g_autoptr(GPtrArray) promotions = NULL;
      g_autofree char *quantity_text = NULL;
      const VtrPromotion *promotion = NULL;
      gint64 quantity, unit, with = 0;

      if (line == NULL)
        continue;
      quantity = CLAMP (vtr_json_get_int (line, "quantity"), 0, 9999);
      unit = CLAMP (vtr_json_get_int (line, "price_cents"), 0, G_GINT64_CONSTANT (10000000));
      product = vtr_catalog_get_product (ctx->catalog, vtr_json_get_int (line, "product"), NULL);
      quantity_text = g_strdup_printf ("%" G_GINT64_FORMAT, quantity);
      order_row (ctx, NULL, product ? product->name : _("A product no longer listed"), product != NULL,
                 quantity_text, unit * quantity);
      full_total += unit * quantity;
      if (product && merchant_id > 0 && at)
        promotions = vtr_catalog_promotions_at (ctx->catalog, merchant_id, product->id, at, NULL);
      if (promotions)
        promotion = vtr_promotion_best (promotions, unit, (int) quantity, FALSE, &with);
      if (promotion)
        {
          g_autofree char *headline = vtr_promotion_headline (promotion);

          order_row (ctx, "discount", headline, FALSE, NULL, with - unit * quantity);
          counted += unit * quantity - with;
        }
    }
  g_string_append (out, "</tbody>");
  if (json_object_has_member (order, "total_cents"))
    {
      gint64 total = vtr_json_get_int (order, "total_cents");
      g_autofree char *total_text = page_price (ctx, total);

      /* What the shop took off that is not one of its promotions today
       * (one that has since been removed): said as such. */
      if (full_total - counted > total)
        {
          g_string_append (out, "<tfoot>");
          order_row (ctx, "discount", _("Promotions"), FALSE, NULL, total - (full_total - counted));
        }
      else
        g_string_append (out, "<tfoot>");
      g_string_append (out, "<tr><th scope=\"row\" colspan=\"2\">");
      esc (out, _("Total"));
      g_string_append (out, "</th><td class=\"num\">");
      esc (out, total_text);
      g_string_append (out, "</td></tr></tfoot>");
    }
  g_string_append (out, "</table>");
}

/* The order placed, as the hub keeps it (JSON). */
static void
order_lines (Ctx        *ctx,
             const char *placed)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (placed == NULL || !json_parser_load_from_data (parser, placed, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  order_table (ctx, json_node_get_object (json_parser_get_root (parser)));
}

static void
pickup_page (Ctx                *ctx,
             const VtrFlashcode *code)
{
  g_autofree char *heading = g_strdup_printf (_("Order %s"), code->order);
  g_autofree char *state = NULL;
  g_autofree char *placed = NULL;
  g_autoptr(VtrMerchant) merchant = NULL;
  GString *out = ctx->out;
  const char *words;
  gint64 merchant_id = 0;

  if (vtr_hub_backend_order_state (ctx->backend, code->order, &state, &merchant_id, &placed, NULL) && state)
    merchant = vtr_catalog_get_merchant (ctx->catalog, merchant_id, NULL);
  if (state == NULL)
    words = _("The shop has not received this order yet. Come back to this page in a moment.");
  else if (g_str_equal (state, "placed"))
    words = _("The shop has received your order.");
  else if (g_str_equal (state, "accepted"))
    words = _("The shop is preparing your order.");
  else if (g_str_equal (state, "ready"))
    words = _("Your order is ready: collect it at the shop and show this code.");
  else if (g_str_equal (state, "collected"))
    words = _("You collected this order. Thank you!");
  else if (g_str_equal (state, "cancelled"))
    words = _("This order was cancelled.");
  else if (g_str_equal (state, "refused"))
    words = _("The shop could not take this order.");
  else
    words = _("The shop has received your order.");

  page_begin (ctx, heading, NULL, TRUE);
  element (out, "h1", NULL, heading);
  element (out, "p", "price", words);
  /* The code itself beside its number: the counter reads it from the
   * phone's screen as it reads a printed ticket's. Not once the order is
   * over. */
  if (ctx->code_text &&
      (state == NULL || !(g_str_equal (state, "collected") || g_str_equal (state, "cancelled") ||
                          g_str_equal (state, "refused"))))
    {
      g_autofree char *label = g_strdup_printf (_("Pickup code of order %s"), code->order);
      g_autofree char *svg = vtr_qr_svg (ctx->code_text, label, NULL);

      if (svg)
        {
          g_string_append (out, "<div class=\"pickup-code\">");
          g_string_append (out, svg);
          element (out, "p", "code-number", code->order);
          g_string_append (out, "</div>");
        }
    }
  order_lines (ctx, placed);
  if (merchant)
    {
      VtrOpenState open = { 0 };

      g_string_append (out, "<p class=\"shop-name\">");
      esc_name (out, merchant->name);
      g_string_append (out, "</p>");
      address_line (out, merchant);
      vtr_catalog_open_state (ctx->catalog, merchant->opening_hours, ctx->now, &open);
      open_line (out, &open, ctx->now);
      g_clear_pointer (&open.next_change, g_date_time_unref);
      actions (ctx, merchant);
    }
  page_end (ctx);
}

/* Search and browse by trade. */

/* A shop in a list: its name linked to its page, where it is, whether
 * it is open. */
static void
place_item (Ctx            *ctx,
            const VtrPlace *place,
            gboolean        distance)
{
  GString *out = ctx->out;
  g_autofree char *link = signed_path (ctx, VTR_CODE_MERCHANT, 0, place->merchant->id);
  g_autofree char *words = vtr_describe_distance (place->distance_m, place->walking_minutes);

  g_string_append (out, "<li><p class=\"shop-name\">");
  if (link)
    {
      g_string_append (out, "<a href=\"");
      esc_max (out, link, 1024);
      g_string_append (out, ctx->en ? "?lang=en\">" : "\">");
    }
  esc_name (out, place->merchant->name);
  if (link)
    g_string_append (out, "</a>");
  g_string_append (out, "</p>");
  address_line (out, place->merchant);
  if (distance)
    element (out, "p", NULL, words);
  open_line (out, &place->open, ctx->now);
  g_string_append (out, "</li>");
}

static void
search_form (Ctx        *ctx,
             const char *text)
{
  GString *out = ctx->out;

  g_string_append (out, "<form method=\"get\" action=\"" SEARCH_PATH "\" role=\"search\">");
  if (ctx->en)
    g_string_append (out, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
  g_string_append (out, "<p><label for=\"q\">");
  esc (out, _("A product, a shop or a trade"));
  g_string_append (out, "</label><br><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"" G_STRINGIFY (MAX_QUERY)
                        "\" value=\"");
  esc_max (out, text, MAX_QUERY);
  g_string_append (out, "\"></p><p><button class=\"button\" type=\"submit\">");
  esc (out, _("Search"));
  g_string_append (out, "</button> <a href=\"" TRADES_PATH);
  g_string_append (out, ctx->en ? "?lang=en\">" : "\">");
  esc (out, _("Shops by trade"));
  g_string_append (out, "</a></p></form>");
}

/* /shop/ID: a shop's storefront by its id, unsigned, as a storefront is
 * public data. A kiosk holds no signing key, so its "continue on your
 * phone" code for a shop is this address; the page is the signed /M/
 * code's, with the way there (Directions opens the phone's maps app). */
static guint
storefront (Ctx *ctx)
{
  VtrFlashcode code = { 0 };
  const char *id = ctx->path + strlen (STOREFRONT_PREFIX);
  guint64 merchant_id = 0;
  guint status = SOUP_STATUS_OK;

  code.kind = VTR_CODE_MERCHANT;
  if (!g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT64, &merchant_id, NULL))
    {
      simple_page (ctx, _("This shop is no longer in the federation’s catalogue"),
                   _("It may have closed or left the federation."), FALSE);
      return SOUP_STATUS_NOT_FOUND;
    }
  code.merchant_id = (gint64) merchant_id;
  shop_page (ctx, &code, &status);
  return status;
}

/* /collect?lat=&lon=: the kiosk's civic screen on the phone, the three
 * nearest places of each kind (clothes, cardboard, used oil, parcel
 * lockers) with the way to each. From the Vieux-Port without a position. */
static guint
collection_page (Ctx *ctx)
{
  VtrPosition origin = { VTR_DEMO_LAT, VTR_DEMO_LON };
  GString *out = ctx->out;

  if (query_position (ctx->query, &origin))
    ctx->private_page = TRUE;
  page_begin (ctx, _("Collection points near here"), NULL, FALSE);
  element (out, "h1", NULL, _("Collection points near here"));
  for (VtrCollectionKind kind = VTR_COLLECTION_CLOTHES; kind <= VTR_COLLECTION_PARCEL_LOCKER; kind++)
    {
      g_autoptr(GPtrArray) places = vtr_catalog_collection_points_near (ctx->catalog, kind, &origin, ctx->now,
                                                                         MAX_COLLECT, NULL);

      element (out, "h2", NULL, vtr_collection_kind_label (kind));
      if (places == NULL || places->len == 0)
        {
          element (out, "p", "muted", _("None near here yet"));
          continue;
        }
      g_string_append (out, "<ul>");
      for (guint i = 0; i < places->len; i++)
        {
          const VtrCollectionPlace *place = g_ptr_array_index (places, i);
          g_autofree char *words = vtr_describe_distance (place->distance_m, place->walking_minutes);
          g_autofree char *link = place->merchant ? signed_path (ctx, VTR_CODE_MERCHANT, 0, place->merchant->id)
                                                  : NULL;
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append (out, "<li><p class=\"shop-name\">");
          if (link)
            {
              g_string_append (out, "<a href=\"");
              esc_max (out, link, 1024);
              g_string_append (out, ctx->en ? "?lang=en\">" : "\">");
            }
          esc_name (out, place->merchant ? place->merchant->name : place->point->name);
          if (link)
            g_string_append (out, "</a>");
          g_string_append (out, "</p>");
          if (place->point->address && *place->point->address)
            element (out, "p", "muted", place->point->address);
          element (out, "p", NULL, words);
          open_line (out, &place->open, ctx->now);
          g_ascii_formatd (lat, sizeof lat, "%.6f", place->point->position.lat);
          g_ascii_formatd (lon, sizeof lon, "%.6f", place->point->position.lon);
          g_string_append_printf (out, "<div class=\"actions\"><a class=\"button secondary\" "
                                  "href=\"geo:%s,%s?q=%s,%s\">", lat, lon, lat, lon);
          esc (out, _("Directions"));
          g_string_append (out, "</a></div></li>");
        }
      g_string_append (out, "</ul>");
    }
  page_end (ctx);
  return SOUP_STATUS_OK;
}

/* /search?q=…, /trades and /trade/ID: the answer's status. Distances
 * from the town centre, or from the phone with ?lat=&lon=. */
static guint
browse (Ctx *ctx)
{
  VtrPosition origin = { VTR_DEMO_LAT, VTR_DEMO_LON };
  GString *out = ctx->out;
  gboolean here = query_position (ctx->query, &origin);

  if (here)
    ctx->private_page = TRUE;
  if (g_str_equal (ctx->path, SEARCH_PATH))
    {
      const char *q = ctx->query ? g_hash_table_lookup (ctx->query, "q") : NULL;
      g_autofree char *text = q ? g_utf8_make_valid (q, -1) : NULL;
      g_autoptr(VtrSearchResults) results = NULL;
      guint n = 0;

      if (text && g_utf8_strlen (text, -1) > MAX_QUERY)
        *g_utf8_offset_to_pointer (text, MAX_QUERY) = '\0';
      if (text)
        g_strstrip (text);
      page_begin (ctx, _("Search"), NULL, TRUE);
      element (out, "h1", NULL, _("Search the shops of the federation"));
      search_form (ctx, text);
      if (text == NULL || *text == '\0')
        {
          page_end (ctx);
          return SOUP_STATUS_OK;
        }
      results = vtr_catalog_search (ctx->catalog, text, &origin, ctx->now, MAX_RESULTS, NULL);
      if (results && results->products && results->products->len)
        {
          element (out, "h2", NULL, _("Products"));
          g_string_append (out, "<ul>");
          for (guint i = 0; i < results->products->len; i++, n++)
            {
              VtrProduct *product = g_ptr_array_index (results->products, i);
              g_autofree char *link = signed_path (ctx, VTR_CODE_PRODUCT, product->id, 0);

              g_string_append (out, "<li>");
              if (link)
                {
                  g_string_append (out, "<a href=\"");
                  esc_max (out, link, 1024);
                  g_string_append (out, ctx->en ? "?lang=en\">" : "\">");
                }
              esc_name (out, product->name);
              if (link)
                g_string_append (out, "</a>");
              if (product->brand && *product->brand)
                {
                  g_string_append (out, " <span class=\"muted\">");
                  esc_name (out, product->brand);
                  g_string_append (out, "</span>");
                }
              g_string_append (out, "</li>");
            }
          g_string_append (out, "</ul>");
        }
      if (results && results->merchants && results->merchants->len)
        {
          element (out, "h2", NULL, _("Shops"));
          g_string_append (out, "<ol class=\"shops\">");
          for (guint i = 0; i < results->merchants->len; i++, n++)
            place_item (ctx, g_ptr_array_index (results->merchants, i), TRUE);
          g_string_append (out, "</ol>");
        }
      if (results && results->services && results->services->len)
        {
          element (out, "h2", NULL, _("Trades"));
          g_string_append (out, "<ul>");
          for (guint i = 0; i < results->services->len; i++, n++)
            {
              VtrServiceMatch *match = &g_array_index (results->services, VtrServiceMatch, i);
              const VtrService *service = vtr_service_lookup (match->service_id);

              if (!service)
                continue;
              g_string_append_printf (out, "<li><a href=\"" TRADE_PREFIX "%s%s\">", service->id,
                                      ctx->en ? "?lang=en" : "");
              esc (out, vtr_service_label (service));
              g_string_append (out, "</a></li>");
            }
          g_string_append (out, "</ul>");
        }
      if (n == 0)
        element (out, "p", "notice", _("Nothing in the federation’s shops matches these words."));
      page_end (ctx);
      return SOUP_STATUS_OK;
    }
  if (g_str_equal (ctx->path, TRADES_PATH))
    {
      guint n_services = 0;
      const VtrService *services = vtr_service_all (&n_services);

      page_begin (ctx, _("Shops by trade"), NULL, FALSE);
      element (out, "h1", NULL, _("Shops by trade"));
      g_string_append (out, "<ul>");
      for (guint i = 0; i < n_services; i++)
        {
          g_string_append_printf (out, "<li><a href=\"" TRADE_PREFIX "%s%s\">", services[i].id,
                                  ctx->en ? "?lang=en" : "");
          esc (out, vtr_service_label (&services[i]));
          g_string_append (out, "</a></li>");
        }
      g_string_append (out, "</ul>");
      page_end (ctx);
      return SOUP_STATUS_OK;
    }
  {
    const VtrService *service = vtr_service_lookup (ctx->path + strlen (TRADE_PREFIX));
    g_autoptr(GPtrArray) places = NULL;

    if (service == NULL)
      {
        simple_page (ctx, _("There is no such trade"), _("See the list of trades to find shops."), FALSE);
        return SOUP_STATUS_NOT_FOUND;
      }
    places = vtr_catalog_near_service (ctx->catalog, service->id, &origin, ctx->now, MAX_RESULTS, NULL);
    page_begin (ctx, vtr_service_label (service), NULL, FALSE);
    element (out, "h1", NULL, vtr_service_label (service));
    element (out, "p", "muted", here ? _("Distances on foot from where you are.")
                                     : _("Distances on foot from the Vieux-Port."));
    if (places == NULL || places->len == 0)
      element (out, "p", "notice", _("No shop of the federation offers it yet."));
    else
      {
        g_string_append (out, "<ol class=\"shops\">");
        for (guint i = 0; i < places->len; i++)
          place_item (ctx, g_ptr_array_index (places, i), TRUE);
        g_string_append (out, "</ol>");
      }
    page_end (ctx);
    return SOUP_STATUS_OK;
  }
}

/* Click & collect from the phone: a form for a product at a shop, and
 * the order it places, which reaches the shop like a kiosk's.
 *
 * The form carries a token made by the hub (an HMAC of its time, product
 * and shop with a secret of the running hub), so a reservation comes
 * from a form a hub on this hub.db served in the last two hours, not
 * from a page elsewhere or a script posting blind. Rate limits, per
 * address and per phone number, are counted in hub.db for the hour (the
 * phone numbers only as keyed hashes), so hubs behind a load balancer
 * share them. Behind a proxy the hub was told to trust (--trusted-proxy),
 * the address is the phone's, from X-Forwarded-For. */

static guint8 token_key[crypto_auth_hmacsha256_KEYBYTES];
static gboolean token_key_ready;
static GMutex token_key_lock;

/* The secret of the forms, shared by every hub on its database (several
 * behind a load balancer accept each other's forms, and a restarted hub
 * its own): drawn by the first, read by the others. */
static gboolean
token_key_init (VtrHubBackend *backend)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&token_key_lock);
  g_autoptr(GError) error = NULL;
  guint8 drawn[sizeof token_key];

  if (token_key_ready)
    return TRUE;
  randombytes_buf (drawn, sizeof drawn);
  token_key_ready = vtr_hub_backend_web_secret (backend, drawn, sizeof drawn, token_key, &error);
  sodium_memzero (drawn, sizeof drawn);
  if (!token_key_ready)
    g_warning ("The secret of the reservation forms cannot be read: %s", error->message);
  return token_key_ready;
}

static char *
form_token (VtrHubBackend *backend,
            gint64         product_id,
            gint64         merchant_id,
            gint64         made)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                           made, product_id, merchant_id);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

  /* Without its secret the hub makes a token no form will pass. */
  if (!token_key_init (backend))
    return g_strdup_printf ("%" G_GINT64_FORMAT ".", made);
  crypto_auth_hmacsha256 (mac, (const guint8 *) text, strlen (text), token_key);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s", made, hex);
}

static gboolean
form_token_valid (VtrHubBackend *backend,
                  const char    *token,
                  gint64         product_id,
                  gint64         merchant_id,
                  gint64         now)
{
  g_autofree char *expected = NULL;
  char *end = NULL;
  gint64 made;

  if (token == NULL || !token_key_init (backend))
    return FALSE;
  made = g_ascii_strtoll (token, &end, 10);
  if (end == token || *end != '.' || made > now || now - made > FORM_LIFETIME)
    return FALSE;
  expected = form_token (backend, product_id, merchant_id, made);
  return strlen (expected) == strlen (token) && sodium_memcmp (expected, token, strlen (token)) == 0;
}

/* Whether one more reservation for @key fits in its hour (counted only
 * when @count), in the hub's database: every hub on it counts the same
 * hour. A database that cannot answer does not stop a reservation. */
static gboolean
limit_allows (VtrHubBackend *backend,
              const char    *key,
              guint          max,
              gint64         now,
              gboolean       count)
{
  g_autoptr(GError) error = NULL;
  gint64 counted = 0;

  if (!vtr_hub_backend_web_limit (backend, key, now, LIMIT_WINDOW, count, &counted, &error))
    {
      g_warning ("A reservation could not be counted: %s", error->message);
      return TRUE;
    }
  return count || counted < max;
}

/* The proxies whose X-Forwarded-For the hub believes (--trusted-proxy),
 * as g_inet_address_to_string() writes them; set before any thread. */
static char **trusted_proxies;

static char *
normalized_address (const char *text)
{
  g_autofree char *stripped = text ? g_strstrip (g_strdup (text)) : NULL;
  g_autoptr(GInetAddress) address = stripped ? g_inet_address_new_from_string (stripped) : NULL;

  return address ? g_inet_address_to_string (address) : NULL;
}

/**
 * vtr_hub_web_set_trusted_proxies:
 * @addresses: (nullable): IP addresses of the proxies in front of the hub
 *
 * Behind one of these, a reservation's address (its limit per address)
 * is the phone's, from the X-Forwarded-For header the proxy adds; from
 * anywhere else that header is ignored, since anyone can write it.
 */
void
vtr_hub_web_set_trusted_proxies (const char * const *addresses)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (guint i = 0; addresses && addresses[i]; i++)
    {
      char *address = normalized_address (addresses[i]);

      if (address)
        g_ptr_array_add (list, address);
    }
  g_ptr_array_add (list, NULL);
  g_strfreev (trusted_proxies);
  trusted_proxies = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

static gboolean
is_trusted_proxy (const char *address)
{
  return address && trusted_proxies && g_strv_contains ((const char * const *) trusted_proxies, address);
}

/* The phone's address: the connection's, or when that is a trusted proxy,
 * the address the nearest untrusted hop had, read from the right of
 * X-Forwarded-For (what a client wrote itself stays on the left). */
static char *
client_address (SoupServerMessage *msg)
{
  g_autofree char *remote = normalized_address (soup_server_message_get_remote_host (msg));
  const char *forwarded;
  g_auto(GStrv) hops = NULL;

  if (!is_trusted_proxy (remote))
    return g_strdup (soup_server_message_get_remote_host (msg));
  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "X-Forwarded-For");
  if (forwarded == NULL)
    return g_steal_pointer (&remote);
  hops = g_strsplit (forwarded, ",", 64);
  for (int i = (int) g_strv_length (hops) - 1; i >= 0; i--)
    {
      g_autofree char *hop = normalized_address (hops[i]);

      if (hop == NULL)
        break;  /* not an address: believe nothing further left */
      if (!is_trusted_proxy (hop))
        return g_steal_pointer (&hop);
      g_free (remote);
      remote = g_steal_pointer (&hop);
    }
  return g_steal_pointer (&remote);
}

/* A phone number as the limits keep it: its HMAC with the forms' secret,
 * never the number. */
static char *
phone_key (VtrHubBackend *backend,
           const char    *phone)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

  if (!token_key_init (backend))
    return g_strconcat ("p:", "?", NULL);
  crypto_auth_hmacsha256 (mac, (const guint8 *) phone, strlen (phone), token_key);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strconcat ("p:", hex, NULL);
}

/* A labelled field. */
static void
field (GString    *out,
       const char *id,
       const char *label,
       const char *attributes,
       const char *value)
{
  g_string_append_printf (out, "<p><label for=\"%s\">", id);
  esc (out, label);
  g_string_append_printf (out, "</label><br><input id=\"%s\" name=\"%s\" %s value=\"", id, id, attributes);
  esc_max (out, value, 64);
  g_string_append (out, "\"></p>");
}

static void
reserve_form (Ctx               *ctx,
              const VtrProduct  *product,
              const VtrMerchant *merchant,
              gint64             price_cents,
              const char        *problem,
              const char        *first_name,
              const char        *phone,
              const char        *quantity)
{
  GString *out = ctx->out;
  g_autofree char *token = form_token (ctx->backend, product->id, merchant->id, g_date_time_to_unix (ctx->now));
  g_autofree char *price = page_price (ctx, price_cents);
  g_autofree char *title = g_strdup_printf (_("Reserve %s"), product->name);

  g_autoptr(GPtrArray) promotions = vtr_catalog_promotions_at (ctx->catalog, merchant->id, product->id, ctx->now,
                                                              NULL);
  gint64 one = price_cents;

  page_begin (ctx, title, NULL, TRUE);
  g_string_append (out, "<h1>");
  esc_name (out, product->name);
  g_string_append (out, "</h1><p class=\"price\">");
  /* The price the order will count: the shop's promotions for everyone,
   * as the kiosk's basket and the counter count them (a phone shows no
   * loyalty card). */
  if (vtr_promotion_best (promotions, price_cents, 1, FALSE, &one))
    {
      g_autofree char *with = page_price (ctx, one);

      esc (out, with);
      g_string_append (out, " <s>");
      esc (out, price);
      g_string_append (out, "</s>");
    }
  else
    esc (out, price);
  g_string_append (out, "</p>");
  for (guint i = 0; promotions && i < promotions->len; i++)
    {
      const VtrPromotion *promotion = g_ptr_array_index (promotions, i);

      if (promotion->loyal_only || promotion->kind == VTR_PROMOTION_POINTS)
        continue;
      g_string_append (out, "<p class=\"offer\">");
      promotion_words (out, promotion);
      g_string_append (out, " · ");
      esc (out, _("counted in your order"));
      g_string_append (out, "</p>");
    }
  g_string_append (out, "<p class=\"shop-name\">");
  esc_name (out, merchant->name);
  g_string_append (out, "</p>");
  address_line (out, merchant);
  if (problem)
    {
      g_string_append (out, "<p class=\"notice\" role=\"alert\">");
      esc (out, problem);
      g_string_append (out, "</p>");
    }
  /* The page's language goes with the form. */
  g_string_append_printf (out, "<form method=\"post\" action=\"" RESERVE_PATH "%s\">",
                          ctx->en ? "?lang=en" : "?lang=fr");
  g_string_append_printf (out, "<input type=\"hidden\" name=\"product\" value=\"%" G_GINT64_FORMAT "\">"
                          "<input type=\"hidden\" name=\"merchant\" value=\"%" G_GINT64_FORMAT "\">"
                          "<input type=\"hidden\" name=\"token\" value=\"",
                          product->id, merchant->id);
  esc (out, token);
  g_string_append (out, "\">");
  field (out, "first_name", _("Your first name"),
         "type=\"text\" required maxlength=\"40\" autocomplete=\"given-name\"", first_name);
  field (out, "phone", _("Your mobile phone number"),
         "type=\"tel\" required maxlength=\"20\" autocomplete=\"tel\"", phone);
  field (out, "quantity", _("Quantity"),
         "type=\"number\" required min=\"1\" max=\"" G_STRINGIFY (MAX_QUANTITY) "\"", quantity ? quantity : "1");
  element (out, "p", "muted", _("You pay at the shop when you collect it. Your first name and number go to "
                                "the shop for this order only, and tell you when it is ready."));
  g_string_append (out, "<p><button class=\"button\" type=\"submit\">");
  esc (out, _("Reserve"));
  g_string_append (out, "</button></p></form>");
  page_end (ctx);
}

/* GET shows the form, POST places the order: the answer's status. */
static guint
reserve (Ctx *ctx)
{
  gboolean post = g_str_equal (soup_server_message_get_method (ctx->msg), "POST");
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(VtrProduct) product = NULL;
  g_autoptr(VtrMerchant) merchant = NULL;
  g_autofree char *phone = NULL, *address_key = NULL, *by_phone = NULL;
  GHashTable *fields = ctx->query;
  const char *first_name, *quantity_text;
  VtrStock stock = { 0 };
  gint64 product_id = 0, merchant_id = 0, now = g_date_time_to_unix (ctx->now), quantity;
  char *end = NULL;

  if (post)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (ctx->msg));
      g_autofree char *text = NULL;

      if (g_bytes_get_size (body) > 4096)
        return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      fields = form = soup_form_decode (text);
    }
  if (fields)
    {
      const char *p = g_hash_table_lookup (fields, "product");
      const char *m = g_hash_table_lookup (fields, "merchant");

      product_id = p ? g_ascii_strtoll (p, NULL, 10) : 0;
      merchant_id = m ? g_ascii_strtoll (m, NULL, 10) : 0;
    }
  /* The answer to a form sent: its other language is the form of the
   * same product and shop (never what the shopper typed). */
  if (post && product_id > 0 && merchant_id > 0)
    ctx->switch_query = g_strdup_printf ("product=%" G_GINT64_FORMAT "&merchant=%" G_GINT64_FORMAT,
                                         product_id, merchant_id);
  if (product_id <= 0 || merchant_id <= 0 ||
      !(product = vtr_catalog_get_product (ctx->catalog, product_id, NULL)) ||
      !(merchant = vtr_catalog_get_merchant (ctx->catalog, merchant_id, NULL)) ||
      !vtr_catalog_get_stock (ctx->catalog, product_id, merchant_id, &stock, NULL) ||
      stock.availability == VTR_AVAILABILITY_OUT_OF_STOCK)
    {
      simple_page (ctx, _("This shop cannot take a reservation for this product"),
                   _("It may have sold out. Go back to the product to find another shop."), TRUE);
      return SOUP_STATUS_NOT_FOUND;
    }
  if (!post)
    {
      reserve_form (ctx, product, merchant, stock.price_cents, NULL, NULL, NULL, NULL);
      return SOUP_STATUS_OK;
    }

  if (!form_token_valid (ctx->backend, g_hash_table_lookup (fields, "token"), product_id, merchant_id, now))
    {
      /* A form of another site, or one left open for hours. */
      reserve_form (ctx, product, merchant, stock.price_cents,
                    _("This form is too old: check your details and send it again."),
                    g_hash_table_lookup (fields, "first_name"), g_hash_table_lookup (fields, "phone"),
                    g_hash_table_lookup (fields, "quantity"));
      return SOUP_STATUS_FORBIDDEN;
    }
  first_name = g_hash_table_lookup (fields, "first_name");
  quantity_text = g_hash_table_lookup (fields, "quantity");
  quantity = quantity_text ? g_ascii_strtoll (quantity_text, &end, 10) : 0;
  if (first_name)
    first_name = g_strstrip ((char *) first_name);
  phone = vtr_phone_french_mobile (g_hash_table_lookup (fields, "phone"));
  if (first_name == NULL || *first_name == '\0' || !g_utf8_validate (first_name, -1, NULL) ||
      g_utf8_strlen (first_name, -1) > 40 || phone == NULL || end == quantity_text || (end && *end) ||
      quantity < 1 || quantity > MAX_QUANTITY)
    {
      const char *problem = phone == NULL ? _("Give a French mobile number (06 or 07): the shop tells you by "
                                              "text message when your order is ready.")
                            : quantity < 1 || quantity > MAX_QUANTITY
                            ? _("Choose a quantity from 1 to 9.")
                            : _("Give your first name (40 letters at most): the shop asks for it at the counter.");

      reserve_form (ctx, product, merchant, stock.price_cents, problem, first_name,
                    g_hash_table_lookup (fields, "phone"), quantity_text);
      return SOUP_STATUS_BAD_REQUEST;
    }
  for (const char *c = first_name; *c; c = g_utf8_next_char (c))
    if (is_hidden (g_utf8_get_char (c)))
      {
        reserve_form (ctx, product, merchant, stock.price_cents,
                      _("Give your first name (40 letters at most): the shop asks for it at the counter."),
                      NULL, g_hash_table_lookup (fields, "phone"), quantity_text);
        return SOUP_STATUS_BAD_REQUEST;
      }

  /* One shopper does not empty a shop's shelf, nor fill its phone with
   * orders. */
  {
    g_autofree char *client = client_address (ctx->msg);

    address_key = g_strconcat ("a:", client ? client : "", NULL);
  }
  by_phone = phone_key (ctx->backend, phone);
  if (!limit_allows (ctx->backend, address_key, MAX_PER_ADDRESS, now, FALSE) ||
      !limit_allows (ctx->backend, by_phone, MAX_PER_PHONE, now, FALSE))
    {
      simple_page (ctx, _("Too many reservations for now"),
                   _("A phone reserves a few products an hour at most. Try again in an hour, or call the shop."),
                   TRUE);
      return 429; /* Too Many Requests: not in libsoup 3.2's list */
    }

  {
    g_autoptr(GPtrArray) codes = NULL;
    g_autoptr(VtrCodeInfo) info = NULL;
    VtrKeyList *list = ctx->key_list;
    g_autoptr(JsonBuilder) events = json_builder_new ();
    g_autoptr(JsonBuilder) results = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonNode) answer = NULL;
    g_autoptr(VtrHubBatch) batch = NULL;
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *order_uuid = g_uuid_string_random ();
    g_autofree char *heading = NULL, *follow = NULL;
    g_autoptr(GError) error = NULL;
    VtrHubDevice web = { .id = VTR_HUB_DEVICE_WEB, .name = (char *) "web", .merchant_id = 0 };
    VtrOpenState open = { 0 };
    const char *code, *verdict = NULL;
    guint n_accepted = 0;
    GString *out = ctx->out;

    if (!(codes = vtr_hub_backend_issue_codes (ctx->backend, ctx->keys, VTR_HUB_DEVICE_WEB, VTR_CODE_PICKUP, 1, 0,
                                               now, &error)) ||
        codes->len == 0)
      {
        simple_page (ctx, _("The reservation did not go through"),
                     _("The federation’s server has trouble for now. Try again in a moment, or call the shop."),
                     TRUE);
        return SOUP_STATUS_SERVICE_UNAVAILABLE;
      }
    code = g_ptr_array_index (codes, 0);
    info = vtr_code_classify (code, strlen (code), list, ctx->now);

    json_builder_begin_array (events);
    json_builder_begin_object (events);
    vtr_json_add_string (events, "uuid", uuid);
    vtr_json_add_string (events, "kind", "order");
    vtr_json_add_int (events, "created", now);
    json_builder_set_member_name (events, "payload");
    json_builder_begin_object (events);
    vtr_json_add_string (events, "order", order_uuid);
    vtr_json_add_string (events, "number", info->code.order);
    vtr_json_add_string (events, "state", "placed");
    vtr_json_add_int (events, "at", now);
    vtr_json_add_int (events, "merchant", merchant->id);
    vtr_json_add_int (events, "locker", 0);
    vtr_json_add_string (events, "first_name", first_name);
    vtr_json_add_string (events, "phone", phone);
    /* The shop's promotions for everyone, as a kiosk's basket counts them
     * (a phone shows no loyalty card). */
    {
      g_autoptr(GPtrArray) promotions = vtr_catalog_promotions_at (ctx->catalog, merchant->id, product->id,
                                                                  ctx->now, NULL);
      gint64 total = stock.price_cents * quantity;

      vtr_promotion_best (promotions, stock.price_cents, quantity, FALSE, &total);
      vtr_json_add_int (events, "total_cents", total);
    }
    json_builder_set_member_name (events, "lines");
    json_builder_begin_array (events);
    json_builder_begin_object (events);
    vtr_json_add_int (events, "product", product->id);
    vtr_json_add_int (events, "quantity", quantity);
    vtr_json_add_int (events, "price_cents", stock.price_cents);
    json_builder_end_object (events);
    json_builder_end_array (events);
    json_builder_end_object (events);
    json_builder_end_object (events);
    json_builder_end_array (events);
    root = json_builder_get_root (events);

    /* Stored as a kiosk's order, on either backend. */
    batch = vtr_hub_batch_new (&web, list, json_node_get_array (root), now);
    json_builder_begin_array (results);
    if (vtr_hub_backend_ingest (ctx->backend, batch, &error))
      {
        n_accepted = vtr_hub_batch_get_n_accepted (batch);
        vtr_hub_batch_write_results (batch, results);
      }
    if (error || n_accepted != 1)
      {
        json_builder_end_array (results);
        answer = json_builder_get_root (results);
        if (answer && json_array_get_length (json_node_get_array (answer)) > 0)
          verdict = json_object_get_string_member_with_default (
            json_array_get_object_element (json_node_get_array (answer), 0), "reason", NULL);
        g_warning ("A reservation from a phone was refused: %s",
                   error ? error->message : verdict ? verdict : "?");
        simple_page (ctx, _("The reservation did not go through"),
                     _("The federation’s server has trouble for now. Try again in a moment, or call the shop."),
                     TRUE);
        return SOUP_STATUS_SERVICE_UNAVAILABLE;
      }
    limit_allows (ctx->backend, address_key, MAX_PER_ADDRESS, now, TRUE);
    limit_allows (ctx->backend, by_phone, MAX_PER_PHONE, now, TRUE);
    ctx->order_placed = TRUE;

    heading = g_strdup_printf (_("Order %s"), info->code.order);
    page_begin (ctx, heading, NULL, TRUE);
    element (out, "h1", NULL, _("Reserved"));
    element (out, "p", "price", heading);
    element (out, "p", NULL, _("Give this order number at the counter when you collect it. The shop tells "
                               "you by text message when it is ready."));
    /* What the shop received: the product, how many, the promotion
     * counted and the total, as the order's own page shows them. */
    order_table (ctx, json_object_get_object_member (
                        json_array_get_object_element (json_node_get_array (root), 0), "payload"));
    g_string_append (out, "<p class=\"shop-name\">");
    esc_name (out, merchant->name);
    g_string_append (out, "</p>");
    address_line (out, merchant);
    vtr_catalog_open_state (ctx->catalog, merchant->opening_hours, ctx->now, &open);
    open_line (out, &open, ctx->now);
    g_clear_pointer (&open.next_change, g_date_time_unref);
    actions (ctx, merchant);
    /* The pickup code's own page follows the order. */
    follow = g_strdup (strchr (code + strlen ("HTTPS://"), '/'));
    g_string_append (out, "<p><a class=\"button secondary\" href=\"");
    esc_max (out, follow, 1024);
    g_string_append (out, ctx->en ? "?lang=en\">" : "\">");
    esc (out, _("Follow your order"));
    g_string_append (out, "</a></p>");
    page_end (ctx);
    return SOUP_STATUS_OK;
  }
}

/*
 * The hub's language and the pages'. A phone gets French unless it asks
 * for English, whatever language the hub was started in; the hub's other
 * words (the API's messages, the SMS, its log) stay in the hub's
 * language. glibc's gettext lets LANGUAGE win over any locale but "C",
 * so a thread cannot ask for French against a LANGUAGE=en: when the hub
 * is started in English, `serve` sets LANGUAGE=fr for the process and
 * each of its threads that does not write pages answers in English
 * through a "C" LC_MESSAGES of its own (vtr_hub_web_thread_init; gettext
 * answers the msgid there), while a French page switches back to the
 * global locale for its time. A hub started in French has nothing to do;
 * one in another language, or in the "C" locale (which ignores LANGUAGE),
 * makes its pages in its own language.
 */
static gboolean hub_in_english;
static locale_t english_messages;

/**
 * vtr_hub_web_set_language:
 *
 * Called once by `serve` before any thread starts: see above.
 */
void
vtr_hub_web_set_language (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *messages = setlocale (LC_MESSAGES, NULL);

  if (language == NULL || *language == '\0' || g_str_has_prefix (language, "fr") || messages == NULL ||
      g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    return;
  if (!g_str_has_prefix (language, "en") && !g_str_has_prefix (language, "C"))
    return;
  english_messages = newlocale (LC_MESSAGES_MASK, "C", duplocale (LC_GLOBAL_LOCALE));
  if (english_messages == (locale_t) 0)
    return;
  hub_in_english = TRUE;
  g_setenv ("LANGUAGE", "fr", TRUE);
}

/**
 * vtr_hub_web_thread_init:
 *
 * On each of the hub's threads: its words in the hub's language.
 */
void
vtr_hub_web_thread_init (void)
{
  if (hub_in_english)
    uselocale (english_messages);
}

/* The request. */

static gboolean
prefers_english (SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *lang = query ? g_hash_table_lookup (query, "lang") : NULL;
  const char *accept;
  g_auto(GStrv) ranges = NULL;

  if (lang)
    return g_ascii_strncasecmp (lang, "en", 2) == 0;
  accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Accept-Language");
  if (accept == NULL)
    return FALSE;
  /* The first of French or English the browser lists (browsers list
   * their languages by preference). */
  ranges = g_strsplit (accept, ",", 32);
  for (guint i = 0; ranges[i]; i++)
    {
      const char *range = g_strstrip (ranges[i]);

      if (strstr (range, "q=0") && !strstr (range, "q=0."))
        continue;
      if (g_ascii_strncasecmp (range, "fr", 2) == 0)
        return FALSE;
      if (g_ascii_strncasecmp (range, "en", 2) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The address of a signed code: /P/…, /M/… */
static gboolean
is_code_path (const char *path)
{
  static const char * const prefixes[] = { "/P/", "/M/", "/C/", "/O/", "/D/", "/N/" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (path, prefixes[i]))
      return TRUE;
  return FALSE;
}

/**
 * vtr_hub_web_handles:
 *
 * Whether @path is a phone's page: the pages and codes, and any other
 * address read by a browser (GET) outside the API (/api/, /metrics), which
 * gets the pages' own "no such page" rather than the API's JSON.
 */
gboolean
vtr_hub_web_handles (const char *method,
                     const char *path)
{
  if (g_str_equal (path, RESERVE_PATH))
    return g_str_equal (method, "GET") || g_str_equal (method, "POST");
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    return FALSE;
  return !g_str_has_prefix (path, "/api/") && !g_str_equal (path, "/api") && !g_str_equal (path, "/metrics");
}

/* The hub's resources. GLib 2.74 registers the program's resources on
 * the first look-up, and another thread looking up meanwhile got no
 * resource at all (the hub crashed serving its style sheet to a browser's
 * parallel requests): the first look-up is made once, the others wait
 * for it. vtr_hub_web_init() makes it before the workers start. */
static GResource *
web_resource (void)
{
  static GResource *resource;

  if (g_once_init_enter (&resource))
    g_once_init_leave (&resource, vtr_hub_web_get_resource ());
  return resource;
}

/**
 * vtr_hub_web_init:
 *
 * Readies the phone pages' resources; on the main thread, before the
 * hub's workers serve.
 */
void
vtr_hub_web_init (void)
{
  web_resource ();
}

/* The style sheet or the script, from the hub's resources. */
static void
serve_static (SoupServerMessage *msg,
              const char        *path,
              VtrHubWebPage     *page)
{
  gboolean js = g_str_equal (path, JS_PATH);
  GBytes *css = g_resource_lookup_data (web_resource (),
                                        js ? "/fr/vitrine/hub/web/near-me.js" : "/fr/vitrine/hub/web/vitrine.css",
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  const char *if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "If-None-Match");

  page->etag = g_strdup_printf ("\"%s-%08x\"", js ? "js" : "css", g_bytes_hash (css));
  page->content_type = js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  page->cache_control = "public, max-age=86400";
  if (if_none_match && g_str_equal (if_none_match, page->etag))
    {
      page->status = SOUP_STATUS_NOT_MODIFIED;
      g_bytes_unref (css);
      return;
    }
  page->status = SOUP_STATUS_OK;
  page->body = css;
}


/*
 * The cache of pages (issue 17's figures). A product ad, a shop's
 * storefront, a search and the trades' pages are made from the catalogue
 * and the keys alone, so the same address, query, language, catalogue and
 * five minutes give the same bytes: the hub keeps them and answers the
 * next phone with them, on the I/O thread, without a worker or SQLite
 * work beyond one look at the catalogue's change number.
 *
 * Fresh at the next request. Every lookup reads the generation the pages
 * are made from: the catalogue's newest change (max (seq) of
 * catalog_change, one index descent on a read-only connection of the
 * cache's own, with no busy wait) and the identity of keys.json (one
 * stat). A shop's price edit made by this hub and an import made by
 * another process (`vitrine-hub import`) both move the change number, so
 * the very next page is made again. When it cannot be read (the database
 * busy or missing), the cache does not answer and a worker makes the page.
 * A worker reads the generation before it makes a page and the page is
 * kept only under that same generation: a page made from an older
 * catalogue never enters under a newer one.
 *
 * Never kept: the pages of a card, a pickup code, a pairing or PIN code
 * (personal, or bearer secrets: "private, no-store"); the reservation form
 * and its answers (/reserve): its token is not a visitor's (an HMAC of the
 * time, product and shop with the hub's secret: see "Click & collect"), but
 * the form echoes what the visitor typed and its time must be the
 * visitor's; pages made for one phone's position (?lat=&lon=); and any
 * page asked with a query the cache does not know (only lang, and q for a
 * search, make the key), so a phone adding its own query string is
 * served by a worker.
 *
 * Bounded: at most 64 MB of pages and keys (`serve --web-cache-mb`), the
 * least recently used dropped first. One lock, taken by the I/O thread for each lookup
 * and by a worker for each page it keeps; the times it had to wait are
 * counted and shown in /metrics (vitrine_hub_web_cache_lock_waits_total).
 */
#define CACHE_MAX_BYTES_DEFAULT (64 * 1024 * 1024)

typedef struct
{
  gint64 last;      /* the catalogue's newest change, -1 unknown */
  guint64 ino;      /* keys.json's identity */
  gint64 mtime_sec;
  gint64 mtime_nsec;
  gint64 size;
} CacheGeneration;

typedef struct
{
  char   *key;
  GBytes *body;
  char   *etag;
  gint64  period;   /* the five minutes it was made in */
  GList   link;     /* in cache_lru, most recent first */
} CachedPage;

static GMutex cache_lock;
static GHashTable *cache_pages;     /* cache_key () → CachedPage */
static GQueue cache_lru = G_QUEUE_INIT;
static gsize cache_bytes;
static gsize cache_max_bytes = CACHE_MAX_BYTES_DEFAULT;
static CacheGeneration cache_generation = { -1, 0, 0, 0, 0 };
static char *cache_dir;
static sqlite3 *cache_db;           /* catalog.db, read only: the change number */
static sqlite3_stmt *cache_last_stmt;
static guint64 cache_lookups, cache_hits, cache_stores, cache_lock_waits;

static void
cache_locked (void)
{
  if (!g_mutex_trylock (&cache_lock))
    {
      g_mutex_lock (&cache_lock);
      cache_lock_waits++;
    }
}

static void
cached_page_free (gpointer data)
{
  CachedPage *cached = data;

  g_free (cached->key);
  g_bytes_unref (cached->body);
  g_free (cached->etag);
  g_free (cached);
}

static gsize
cached_page_size (const CachedPage *cached)
{
  return g_bytes_get_size (cached->body) + strlen (cached->key) + strlen (cached->etag) + sizeof *cached + 64;
}

/* With the lock. */
static void
cache_remove (CachedPage *cached)
{
  g_queue_unlink (&cache_lru, &cached->link);
  cache_bytes -= cached_page_size (cached);
  g_hash_table_remove (cache_pages, cached->key);
}

/* With the lock. */
static void
cache_clear (void)
{
  if (cache_pages)
    g_hash_table_remove_all (cache_pages);
  cache_lru.head = cache_lru.tail = NULL;
  cache_lru.length = 0;
  cache_bytes = 0;
}

/* The key of the page of @path with @query, or NULL when that page is
 * not one the cache keeps: a GET or HEAD of a product or shop code's page,
 * a search, the trades or a trade, with no query but its language (and
 * the words of a search). */
static char *
cache_key (SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gboolean           en)
{
  const char *method = soup_server_message_get_method (msg);
  guint allowed = 0, n = query ? g_hash_table_size (query) : 0;
  const char *q = NULL;

  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    return NULL;
  if (n && g_hash_table_contains (query, "lang"))
    allowed++;
  if (g_str_equal (path, SEARCH_PATH))
    {
      if ((q = query ? g_hash_table_lookup (query, "q") : NULL) != NULL)
        allowed++;
      /* A search's words are the key: no more than a search reads. */
      if (q && strlen (q) > MAX_QUERY * 4)
        return NULL;
    }
  else if (!g_str_has_prefix (path, "/P/") && !g_str_has_prefix (path, "/M/") && !g_str_equal (path, TRADES_PATH) &&
           !g_str_has_prefix (path, TRADE_PREFIX))
    return NULL;
  if (n != allowed || strlen (path) > 1024)
    return NULL;
  return g_strconcat (en ? "en " : "fr ", path, q ? "\n" : NULL, q, NULL);
}

/* The keys' identity into @generation; FALSE when there are no keys. */
static gboolean
keys_identity (const char      *data_dir,
               CacheGeneration *generation)
{
  g_autofree char *path = g_build_filename (data_dir, "keys.json", NULL);
  struct stat st;

  if (stat (path, &st) != 0)
    return FALSE;
  generation->ino = st.st_ino;
  generation->mtime_sec = st.st_mtim.tv_sec;
  generation->mtime_nsec = st.st_mtim.tv_nsec;
  generation->size = st.st_size;
  return TRUE;
}

/* With the lock: the generation now, read through the cache's own
 * connection, and the cache emptied when it moved. FALSE when it cannot
 * be read: the cache must not answer. */
static gboolean
cache_refresh (const char *data_dir)
{
  CacheGeneration now = { -1, 0, 0, 0, 0 };
  int rc;

  if (cache_pages == NULL)
    cache_pages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cached_page_free);
  if (cache_db == NULL || g_strcmp0 (cache_dir, data_dir) != 0)
    {
      g_autofree char *path = g_build_filename (data_dir, "catalog.db", NULL);

      g_clear_pointer (&cache_last_stmt, sqlite3_finalize);
      g_clear_pointer (&cache_db, sqlite3_close);
      g_free (cache_dir);
      cache_dir = g_strdup (data_dir);
      if (sqlite3_open_v2 (path, &cache_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
          sqlite3_prepare_v3 (cache_db, "SELECT coalesce (max (seq), 0) FROM catalog_change", -1,
                              SQLITE_PREPARE_PERSISTENT, &cache_last_stmt, NULL) != SQLITE_OK)
        {
          g_clear_pointer (&cache_last_stmt, sqlite3_finalize);
          g_clear_pointer (&cache_db, sqlite3_close);
          g_clear_pointer (&cache_dir, g_free);
          return FALSE;
        }
    }
  rc = sqlite3_step (cache_last_stmt);
  if (rc == SQLITE_ROW)
    now.last = sqlite3_column_int64 (cache_last_stmt, 0);
  sqlite3_reset (cache_last_stmt);
  if (rc != SQLITE_ROW || !keys_identity (data_dir, &now))
    return FALSE;
  if (memcmp (&now, &cache_generation, sizeof now) != 0)
    {
      cache_clear ();
      cache_generation = now;
    }
  return TRUE;
}

/* Fills @page from the cache for this request; FALSE when it has no page
 * for it that is still good. */
static gboolean
cache_lookup (const char        *data_dir,
              SoupServerMessage *msg,
              const char        *key,
              VtrHubWebPage     *page)
{
  gint64 period = g_get_real_time () / G_USEC_PER_SEC / ETAG_PERIOD;
  const char *if_none_match;
  CachedPage *cached;

  cache_locked ();
  cache_lookups++;
  if (!cache_refresh (data_dir) || !(cached = g_hash_table_lookup (cache_pages, key)))
    {
      g_mutex_unlock (&cache_lock);
      return FALSE;
    }
  if (cached->period != period)
    {
      cache_remove (cached);
      g_mutex_unlock (&cache_lock);
      return FALSE;
    }
  cache_hits++;
  g_queue_unlink (&cache_lru, &cached->link);
  g_queue_push_head_link (&cache_lru, &cached->link);
  page->html = TRUE;
  page->content_type = "text/html; charset=utf-8";
  page->cache_control = "public, max-age=60";
  page->etag = g_strdup (cached->etag);
  page->from_cache = TRUE;
  if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "If-None-Match");
  if (if_none_match && g_str_equal (if_none_match, cached->etag))
    page->status = SOUP_STATUS_NOT_MODIFIED;
  else
    {
      page->status = SOUP_STATUS_OK;
      page->body = g_bytes_ref (cached->body);
    }
  g_mutex_unlock (&cache_lock);
  return TRUE;
}

/* Keeps a page made from @generation, if that is still the cache's. */
static void
cache_store (const char            *key,
             const CacheGeneration *generation,
             GBytes                *body,
             const char            *etag,
             gint64                 period)
{
  CachedPage *cached, *old;

  cache_locked ();
  if (cache_pages && generation->last >= 0 && memcmp (generation, &cache_generation, sizeof *generation) == 0)
    {
      if ((old = g_hash_table_lookup (cache_pages, key)))
        cache_remove (old);
      cached = g_new0 (CachedPage, 1);
      cached->key = g_strdup (key);
      cached->body = g_bytes_ref (body);
      cached->etag = g_strdup (etag);
      cached->period = period;
      cached->link.data = cached;
      g_hash_table_insert (cache_pages, cached->key, cached);
      g_queue_push_head_link (&cache_lru, &cached->link);
      cache_bytes += cached_page_size (cached);
      cache_stores++;
      while (cache_bytes > cache_max_bytes && cache_lru.tail)
        cache_remove (cache_lru.tail->data);
    }
  g_mutex_unlock (&cache_lock);
}

/**
 * vtr_hub_web_set_cache_size:
 *
 * Called once by `serve` before any thread starts: the bytes the cache
 * of pages may hold.
 */
void
vtr_hub_web_set_cache_size (gsize bytes)
{
  cache_max_bytes = bytes;
}

/**
 * vtr_hub_web_serve_cached:
 *
 * On the I/O thread: the page for this request from the cache, with its
 * tag (or 304). FALSE when the cache cannot answer, and the request goes
 * to a worker (vtr_hub_web_serve).
 */
gboolean
vtr_hub_web_serve_cached (const char        *data_dir,
                          SoupServerMessage *msg,
                          const char        *path,
                          GHashTable        *query,
                          VtrHubWebPage     *page)
{
  g_autofree char *key = cache_key (msg, path, query, prefers_english (msg, query));

  return key && cache_lookup (data_dir, msg, key, page);
}

/**
 * vtr_hub_web_cache_metrics:
 *
 * The cache's counters, as lines of /metrics (Prometheus' text format).
 */
void
vtr_hub_web_cache_metrics (GString *out)
{
  guint64 lookups, hits, stores, waits, pages;
  gsize bytes;

  g_mutex_lock (&cache_lock);
  lookups = cache_lookups;
  hits = cache_hits;
  stores = cache_stores;
  waits = cache_lock_waits;
  bytes = cache_bytes;
  pages = cache_lru.length;
  g_mutex_unlock (&cache_lock);
  g_string_append_printf (out,
                          "# HELP vitrine_hub_web_cache_lookups_total Phone pages looked for in the cache.\n"
                          "# TYPE vitrine_hub_web_cache_lookups_total counter\n"
                          "vitrine_hub_web_cache_lookups_total %" G_GUINT64_FORMAT "\n"
                          "# HELP vitrine_hub_web_cache_hits_total Phone pages answered from the cache.\n"
                          "# TYPE vitrine_hub_web_cache_hits_total counter\n"
                          "vitrine_hub_web_cache_hits_total %" G_GUINT64_FORMAT "\n"
                          "# HELP vitrine_hub_web_cache_stores_total Phone pages kept by the cache.\n"
                          "# TYPE vitrine_hub_web_cache_stores_total counter\n"
                          "vitrine_hub_web_cache_stores_total %" G_GUINT64_FORMAT "\n"
                          "# HELP vitrine_hub_web_cache_lock_waits_total Times a thread waited for the cache's lock.\n"
                          "# TYPE vitrine_hub_web_cache_lock_waits_total counter\n"
                          "vitrine_hub_web_cache_lock_waits_total %" G_GUINT64_FORMAT "\n"
                          "# HELP vitrine_hub_web_cache_bytes Bytes of the pages kept.\n"
                          "# TYPE vitrine_hub_web_cache_bytes gauge\n"
                          "vitrine_hub_web_cache_bytes %" G_GSIZE_FORMAT "\n"
                          "# HELP vitrine_hub_web_cache_pages Pages kept.\n"
                          "# TYPE vitrine_hub_web_cache_pages gauge\n"
                          "vitrine_hub_web_cache_pages %" G_GUINT64_FORMAT "\n",
                          lookups, hits, stores, waits, bytes, pages);
}

/* Whether @code is still good tomorrow: a code in its last day is not
 * kept, so that it says "expired" as soon as it is. */
static gboolean
code_good_after_today (const VtrFlashcode *code,
                       GDateTime          *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (now);

  return code->expires == 0 ||
         code->expires > g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
                           g_date_time_get_day_of_month (local);
}

/*
 * The federation's keys and their public list, as each worker thread last
 * read them. Reading keys.json and checking its list's signature again for
 * every page made was a quarter of the page's cost (callgrind on the hub
 * under bench-web: 0.6 of 2.7 million instructions). They are read again
 * when keys.json is another file (a key rotated or retired: `vitrine-hub
 * keys` replaces the file, so its inode, time or size differ), checked at
 * each page by one stat(). One per thread: a VtrHubKeys is not shared.
 */
typedef struct
{
  char       *identity;
  VtrHubKeys *keys;
  VtrKeyList *list;
  GHashTable *links;  /* signed_path()'s, for these keys */
} WorkerKeys;

static void
worker_keys_free (gpointer data)
{
  WorkerKeys *wk = data;

  g_free (wk->identity);
  g_clear_pointer (&wk->keys, vtr_hub_keys_free);
  g_clear_pointer (&wk->list, vtr_key_list_free);
  g_clear_pointer (&wk->links, g_hash_table_unref);
  g_free (wk);
}

static GPrivate worker_keys_private = G_PRIVATE_INIT (worker_keys_free);

/* The keys of @data_dir for this thread, or FALSE when there are none
 * (the hub is being set up). */
static gboolean
worker_keys (const char  *data_dir,
             VtrHubKeys **keys,
             VtrKeyList **list,
             GHashTable **links)
{
  WorkerKeys *wk = g_private_get (&worker_keys_private);
  g_autofree char *path = g_build_filename (data_dir, "keys.json", NULL);
  g_autofree char *identity = NULL;
  struct stat st;

  if (stat (path, &st) != 0)
    return FALSE;
  identity = g_strdup_printf ("%s %ju %jd.%09ld %jd", data_dir, (uintmax_t) st.st_ino, (intmax_t) st.st_mtim.tv_sec,
                              st.st_mtim.tv_nsec, (intmax_t) st.st_size);
  if (wk == NULL)
    {
      wk = g_new0 (WorkerKeys, 1);
      g_private_set (&worker_keys_private, wk);
    }
  if (g_strcmp0 (wk->identity, identity) != 0)
    {
      VtrHubKeys *fresh = vtr_hub_keys_open (data_dir, NULL);

      g_clear_pointer (&wk->identity, g_free);
      g_clear_pointer (&wk->keys, vtr_hub_keys_free);
      g_clear_pointer (&wk->list, vtr_key_list_free);
      g_clear_pointer (&wk->links, g_hash_table_unref);
      if (fresh == NULL)
        return FALSE;
      wk->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      wk->list = vtr_hub_keys_list (fresh);
      wk->keys = fresh;
      wk->identity = g_steal_pointer (&identity);
    }
  *keys = wk->keys;
  *list = wk->list;
  *links = wk->links;
  return wk->list != NULL;
}

/**
 * vtr_hub_web_serve:
 *
 * Makes the page for @path (a code's path, or the style sheet) into
 * @page. Runs on a worker thread, with its connections.
 */
void
vtr_hub_web_serve (const char        *data_dir,
                   VtrHubBackend     *backend,
                   VtrCatalog        *catalog,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   VtrHubWebPage     *page)
{
  VtrHubKeys *keys = NULL;
  VtrKeyList *list = NULL;
  GHashTable *links = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *host = NULL, *text = NULL;
  locale_t c_messages = (locale_t) 0, previous = (locale_t) 0;
  Ctx ctx = { 0 };
  guint status = SOUP_STATUS_OK;
  gboolean cacheable = FALSE, keep = FALSE;
  g_autofree char *key = NULL;
  CacheGeneration generation = { -1, 0, 0, 0, 0 };

  page->html = TRUE;
  page->content_type = "text/html; charset=utf-8";
  page->cache_control = "no-cache";
  if (g_str_equal (path, CSS_PATH) || g_str_equal (path, JS_PATH))
    {
      page->html = FALSE;
      serve_static (msg, path, page);
      return;
    }

  ctx.en = prefers_english (msg, query);
  /* The page kept from a phone before: see "The cache of pages". The
   * generation is read before the page is made from the catalogue. */
  key = cache_key (msg, path, query, ctx.en);
  if (key)
    {
      if (cache_lookup (data_dir, msg, key, page))
        return;
      generation.last = vtr_catalog_last_change (catalog, NULL);
      if (!keys_identity (data_dir, &generation))
        generation.last = -1;
    }
  if (ctx.en)
    {
      /* gettext answers the msgid in the "C" locale, LANGUAGE or not. */
      c_messages = newlocale (LC_MESSAGES_MASK, "C", duplocale (LC_GLOBAL_LOCALE));
      if (c_messages)
        previous = uselocale (c_messages);
    }
  else if (hub_in_english)
    previous = uselocale (LC_GLOBAL_LOCALE);  /* French: see "The hub's language" */
  ctx.out = g_string_sized_new (8192);
  ctx.now = now;
  ctx.path = path;
  ctx.query = query;
  ctx.msg = msg;
  ctx.backend = backend;
  ctx.catalog = catalog;

  if (!worker_keys (data_dir, &keys, &list, &links))
    {
      status = SOUP_STATUS_SERVICE_UNAVAILABLE;
      page_begin (&ctx, _("This page is not available"), NULL, TRUE);
      element (ctx.out, "p", NULL, _("The federation’s server is being set up. Try again later."));
      page_end (&ctx);
      goto done;
    }
  ctx.keys = keys;
  ctx.key_list = list;
  ctx.links = links;
  if (g_str_equal (path, SEARCH_PATH) || g_str_equal (path, TRADES_PATH) || g_str_has_prefix (path, TRADE_PREFIX))
    {
      status = browse (&ctx);
      cacheable = TRUE;
      goto tag;
    }
  if (g_str_equal (path, COLLECT_PATH))
    {
      status = collection_page (&ctx);
      page->cache_control = ctx.private_page ? "private, no-store" : "public, max-age=60";
      goto done;
    }
  if (g_str_has_prefix (path, STOREFRONT_PREFIX))
    {
      status = storefront (&ctx);
      if (status == SOUP_STATUS_OK && !ctx.private_page)
        page->cache_control = "public, max-age=60";
      goto done;
    }
  /* (pg) A hub on PostgreSQL makes its pages
   * from its copy of the catalogue, and a card's or an order's page and
   * a reservation through @backend. */
  if (g_str_equal (path, RESERVE_PATH))
    {
      page->cache_control = "private, no-store";
      status = reserve (&ctx);
      page->order_placed = ctx.order_placed;
      goto done;
    }
  if (!is_code_path (path))
    {
      /* An address that is none of the pages: mistyped, or a page gone. */
      status = SOUP_STATUS_NOT_FOUND;
      simple_page (&ctx, _("There is no such page"),
                   _("The address may be mistyped, or the page may have been removed. Search the federation’s "
                     "shops and products from the link above."), TRUE);
      goto done;
    }
  host = g_ascii_strup (vtr_hub_keys_get_host (keys), -1);
  text = g_strconcat ("HTTPS://", host, path, NULL);
  info = vtr_code_classify (text, strlen (text), list, now);
  ctx.code_text = text;

  if (info->verdict == VTR_VERDICT_EXPIRED || info->verdict == VTR_VERDICT_RETIRED_KEY)
    {
      status = SOUP_STATUS_GONE;
      simple_page (&ctx, _("This code has expired"),
                   _("The offer or the code behind it is no longer valid. Ask the shop for a new one."), TRUE);
    }
  else if (info->verdict != VTR_VERDICT_TRUSTED)
    {
      /* Nothing of what the code says: it is not the federation's. */
      status = SOUP_STATUS_NOT_FOUND;
      simple_page (&ctx, _("This code is not the federation’s"),
                   _("It was not signed by the federation of shops, or it was changed. Do not trust what "
                     "it offers, and tell the shop where you found it."), TRUE);
    }
  else
    switch (info->code.kind)
      {
      case VTR_CODE_PRODUCT:
        cacheable = TRUE;
        product_page (&ctx, &info->code, &status);
        break;
      case VTR_CODE_MERCHANT:
        cacheable = TRUE;
        shop_page (&ctx, &info->code, &status);
        break;
      case VTR_CODE_CARD:
        page->cache_control = "private, no-store";
        card_page (&ctx, &info->code);
        break;
      case VTR_CODE_PICKUP:
        page->cache_control = "private, no-store";
        pickup_page (&ctx, &info->code);
        break;
      case VTR_CODE_PAIRING:
        page->cache_control = "private, no-store";
        simple_page (&ctx, _("Pairing code for a Vitrine device"),
                     _("Scan this code with the kiosk or the shop’s device you are setting up: on its "
                       "first screen, hold the code in front of its camera. It works once; keep it to "
                       "yourself until then."), FALSE);
        break;
      case VTR_CODE_PIN_RESET:
        page->cache_control = "private, no-store";
        simple_page (&ctx, _("Code to reset a PIN"),
                     _("Scan this code at the Vitrine device it was made for, then choose the new PIN "
                       "twice. It works once."), FALSE);
        break;
      default:
        status = SOUP_STATUS_NOT_FOUND;
        simple_page (&ctx, _("This code is not the federation’s"),
                     _("It was not signed by the federation of shops, or it was changed. Do not trust "
                       "what it offers, and tell the shop where you found it."), TRUE);
        break;
      }

tag:
  /* A tag for the pages made from the catalogue alone: its newest
   * change (read before the page was made), the language and the five
   * minutes of the open states. */
  if (ctx.private_page)
    page->cache_control = "private, no-store";
  else if (cacheable && status == SOUP_STATUS_OK)
    {
      gint64 last = key ? generation.last : vtr_catalog_last_change (catalog, NULL);
      const char *if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                "If-None-Match");

      if (last >= 0)
        {
          page->etag = g_strdup_printf ("\"c%" G_GINT64_FORMAT "-%s-%" G_GINT64_FORMAT "\"", last,
                                        ctx.en ? "en" : "fr", g_date_time_to_unix (now) / ETAG_PERIOD);
          page->cache_control = "public, max-age=60";
          if (if_none_match && g_str_equal (if_none_match, page->etag))
            status = SOUP_STATUS_NOT_MODIFIED;
          else if (key && (info == NULL || code_good_after_today (&info->code, now)))
            keep = TRUE;
        }
    }

done:
  g_free (ctx.switch_query);
  if (c_messages)
    {
      uselocale (previous);
      freelocale (c_messages);
    }
  else if (previous)
    uselocale (previous);
  page->status = status;
  if (status == SOUP_STATUS_NOT_MODIFIED)
    g_string_free (ctx.out, TRUE);
  else
    page->body = g_string_free_to_bytes (ctx.out);
  if (keep)
    cache_store (key, &generation, page->body, page->etag, g_date_time_to_unix (now) / ETAG_PERIOD);
}

/**
 * vtr_hub_web_add_headers:
 *
 * The headers of a page: a policy that runs no script and loads nothing
 * from elsewhere, no sniffing, no referrer to other sites.
 */
void
vtr_hub_web_add_headers (SoupMessageHeaders  *headers,
                         const VtrHubWebPage *page)
{
  if (page->content_type)
    soup_message_headers_replace (headers, "Content-Type", page->content_type);
  soup_message_headers_replace (headers, "Cache-Control", page->cache_control);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  if (!page->html)
    return;
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Vary", "Accept-Language");
}

/**
 * vtr_hub_web_log_path:
 *
 * The path as the access log keeps it: a card's code is its holder's
 * bearer secret, and order, pairing and PIN codes are personal or
 * one-time; only their kind is logged.
 *
 * Returns: (transfer full): the path to log
 */
char *
vtr_hub_web_log_path (const char *path)
{
  if (path && strlen (path) > 3 && path[0] == '/' && path[2] == '/' && strchr ("CODN", path[1]))
    return g_strdup_printf ("/%c/…", path[1]);
  return g_strdup (path);
}

/**
 * vtr_hub_web_client_address:
 *
 * (poster) The phone's address as the reservations' limits take it
 * (through the trusted proxies), for vtr-hub-scans.c to hash.
 */
char *
vtr_hub_web_client_address (SoupServerMessage *msg)
{
  return client_address (msg);
}

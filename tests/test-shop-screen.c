#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vtr-activity-chart.h"
#include "vtr-counter.h"
#include "vtr-demo.h"
#include "vtr-flip-box.h"
#include "vtr-i18n.h"
#include "vtr-keyboard.h"
#include "vtr-loyalty.h"
#include "vtr-opening-hours.h"
#include "vtr-outbox.h"
#include "vtr-poster-scan.h"
#include "vtr-shop-stats.h"
#include "vtr-print-service.h"
#include "vtr-shop-edit.h"
#include "vtr-service.h"
#include "vtr-shop-screen.h"
#include "vtr-shop-read.h"
#include "vtr-staff.h"
#include "vtr-test-util.h"
#include "vtr-test-widgets.h"

/*
 * "Ma boutique" in a window, under Xvfb, in French, on a real store
 * holding the demo catalogue: the counter's staff session opened with
 * the shop's PIN, then the screen driven by its actions ("shop.") and by
 * taps on its on-screen keyboard, and checked on what it says, on the
 * catalogue and on the outbox the sync uploads.
 */

#define STAFF_PIN "2468"
#define SHOP 117                    /* Boucherie Roux */
#define SAUSAGES_GTIN "3761230000136" /* 9,40 € there */
#define SAUSAGES 13
#define CHICKEN_GTIN "3761230000150"
#define CHICKEN 15
#define UNKNOWN_GTIN "4006381333931"  /* a real EAN-13 the catalogue lacks */
#define MISREAD_GTIN "4006381333932"  /* its check digit wrong */

static char *data_dir;

typedef struct
{
  VtrStore      *store;
  VtrCatalog    *catalog;
  VtrCounter    *counter;
  VtrPrintService *printer;
  char          *poster_pdf;      /* where its printer writes */
  GtkWindow     *window;
  VtrShopScreen *screen;
  GPtrArray     *fired;
} Fixture;

static void
on_win_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  Fixture *f = data;

  g_ptr_array_add (f->fired, g_strdup (g_action_get_name (G_ACTION (action))));
}

static void
wait_counter (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  while (vtr_counter_get_busy (f->counter) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_counter_get_busy (f->counter));
}

/* Until the screen's worker threads have answered. */
static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;

  while (vtr_shop_screen_get_busy (f->screen) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (vtr_shop_screen_get_busy (f->screen));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) tone = g_simple_action_new ("play-tone", G_VARIANT_TYPE_STRING);
  g_autoptr(GError) error = NULL;

  f->store = vtr_store_open (data_dir, &error);
  g_assert_no_error (error);
  f->catalog = vtr_catalog_new (f->store);
  /* The counter's printer writes PDF files, read back by the tests. */
  f->poster_pdf = g_build_filename (data_dir, "poster.pdf", NULL);
  g_remove (f->poster_pdf);
  f->printer = vtr_print_service_new (data_dir);
  {
    g_autofree char *target = g_strconcat ("pdf:", f->poster_pdf, NULL);

    vtr_print_service_set_target (f->printer, target);
  }
  f->counter = vtr_counter_new (f->store, f->catalog, f->printer);
  vtr_counter_set_merchant_id (f->counter, SHOP);
  f->fired = g_ptr_array_new_with_free_func (g_free);
  vtr_counter_open (f->counter);
  for (const char *k = STAFF_PIN; *k; k++)
    {
      char key[2] = { *k, 0 };

      vtr_counter_press (f->counter, key);
    }
  vtr_counter_press (f->counter, VTR_COUNTER_KEY_OK);
  wait_counter (f);
  g_assert_nonnull (vtr_counter_get_session (f->counter));

  g_signal_connect (tone, "activate", G_CALLBACK (on_win_action), f);
  g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (tone));
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1920, 1080);
  gtk_widget_add_css_class (GTK_WIDGET (f->window), "vitrine");
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "win", G_ACTION_GROUP (win));
  f->screen = VTR_SHOP_SCREEN (vtr_shop_screen_new (f->counter));
  g_object_ref (f->screen);
  gtk_window_set_child (f->window, GTK_WIDGET (f->screen));
  gtk_window_present (f->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->screen)))
    g_main_context_iteration (NULL, TRUE);
  wait_idle (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* Nothing keeps the screen alive once it is gone: no thread, no cycle. */
  g_assert_finalize_object (f->screen);
  g_assert_finalize_object (f->counter);
  g_clear_object (&f->printer);
  g_clear_pointer (&f->poster_pdf, g_free);
  g_clear_pointer (&f->fired, g_ptr_array_unref);
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
}

static void
act (Fixture    *f,
     const char *action,
     GVariant   *parameter)
{
  g_autoptr(GVariant) owned = parameter ? g_variant_ref_sink (parameter) : NULL;

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->screen), action, owned));
  wait_idle (f);
}

static const char *
message (Fixture *f)
{
  return vtr_shop_screen_get_message (f->screen);
}

/* The entry shown now whose placeholder is @placeholder (the @nth). */
static GtkWidget *
find_entry (GtkWidget  *widget,
            const char *placeholder,
            int        *nth)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_ENTRY (widget) && g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (widget)), placeholder) == 0 &&
      (*nth)-- == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry (child, placeholder, nth);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
entry (Fixture    *f,
       const char *placeholder,
       int         nth)
{
  GtkWidget *found = find_entry (GTK_WIDGET (f->screen), placeholder, &nth);

  if (found == NULL)
    g_error ("no entry “%s” shown", placeholder);
  return found;
}

/* A few frames: what was just shown is laid out. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 100 * 1000;

  while (g_get_monotonic_time () < until)
    vtr_test_iterate ();
}

/* Typed as a finger does: the entry focused, then the on-screen keys. */
static void
type_into (Fixture    *f,
           GtkWidget  *field,
           const char *text)
{
  GtkWidget *keyboard = gtk_widget_get_ancestor (field, VTR_TYPE_FLIP_BOX);

  gtk_widget_grab_focus (field);
  keyboard = vtr_test_find_type (keyboard, VTR_TYPE_KEYBOARD);
  g_assert_nonnull (keyboard);
  settle ();
  g_assert_true (gtk_widget_get_mapped (keyboard));
  while (*gtk_editable_get_text (GTK_EDITABLE (field)))
    {
      GtkWidget *erase = vtr_test_find_shown_button (keyboard, "Effacer");

      /* Without an accessibility context (GTK_A11Y=none), its label. */
      if (erase == NULL)
        erase = vtr_test_find_shown_button (keyboard, "⌫");

      g_assert_nonnull (erase);
      g_signal_emit_by_name (erase, "clicked");
    }
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      g_autofree char *key = g_utf8_substring (c, 0, 1);
      g_autofree char *upper = g_utf8_strup (key, -1);
      GtkWidget *button = vtr_test_find_shown_button (keyboard, key);

      if (button == NULL)
        button = vtr_test_find_shown_button (keyboard, upper);
      if (button == NULL && g_str_equal (key, " "))
        button = vtr_test_find_shown_button (keyboard, "Espace");
      if (button == NULL)
        g_error ("no key “%s” on the keyboard", key);
      g_signal_emit_by_name (button, "clicked");
    }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field)), ==, text);
}

static gint64
shelf_price (Fixture *f,
             gint64   product_id,
             VtrAvailability *availability)
{
  g_autoptr(GError) error = NULL;
  VtrStock stock;

  if (!vtr_catalog_get_stock (f->catalog, product_id, SHOP, &stock, &error))
    return -1;
  if (availability)
    *availability = stock.availability;
  return stock.price_cents;
}

static guint
outbox_count (Fixture    *f,
              const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = vtr_outbox_pending (f->store, 1000, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < pending->len; i++)
    if (g_str_equal (((VtrOutboxEntry *) g_ptr_array_index (pending, i))->kind, kind))
      n++;
  return n;
}

/* A product scanned, its price typed, saved: in the catalogue and the
 * outbox before the screen says so; then undone. */
static void
test_price_by_scan (Fixture       *f,
                    gconstpointer  data)
{
  VtrAvailability availability = VTR_AVAILABILITY_IN_STOCK;
  guint before = outbox_count (f, VTR_SHOP_EVENT_STOCK);

  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 940);
  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  {
    g_autofree char *name = NULL;

    g_object_get (f->screen, "product-name", &name, NULL);
    g_assert_cmpstr (name, ==, "Saucisses de Toulouse 500 g");
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "0,00", 0))), ==, "9,40");
  /* A product the catalogue knows: no form for a new one. */
  {
    int first = 0;

    g_assert_null (find_entry (GTK_WIDGET (f->screen), "Nom", &first));
  }

  type_into (f, entry (f, "0,00", 0), "12,5");
  act (f, "shop.availability", g_variant_new_string ("low"));
  act (f, "shop.save", NULL);
  g_assert_cmpstr (message (f), ==, "Enregistré : Saucisses de Toulouse 500 g, 12,50 €, presque épuisé");
  g_assert_cmpint (shelf_price (f, SAUSAGES, &availability), ==, 1250);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_LOW);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_STOCK), ==, before + 1);

  /* Undo: the old price back, as a new event for the federation. */
  {
    gboolean can_undo;

    g_object_get (f->screen, "can-undo", &can_undo, NULL);
    g_assert_true (can_undo);
  }
  act (f, "shop.undo", NULL);
  g_assert_true (g_str_has_prefix (message (f), "Annulé : "));
  g_assert_cmpint (shelf_price (f, SAUSAGES, &availability), ==, 940);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_IN_STOCK);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_STOCK), ==, before + 2);
}

/* Prices and barcodes that cannot be right: said in the merchant's
 * words, and nothing written. */
static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  guint before = outbox_count (f, VTR_SHOP_EVENT_STOCK);

  act (f, "shop.take-code", g_variant_new_string (MISREAD_GTIN));
  g_assert_nonnull (strstr (message (f), "code-barres"));
  g_assert_cmpuint (f->fired->len, >, 0);

  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  type_into (f, entry (f, "0,00", 0), "100000,01");
  act (f, "shop.save", NULL);
  g_assert_nonnull (strstr (message (f), "100"));
  g_assert_false (g_str_has_prefix (message (f), "Enregistré"));

  gtk_editable_set_text (GTK_EDITABLE (entry (f, "0,00", 0)), "douze");
  act (f, "shop.save", NULL);
  g_assert_cmpstr (message (f), ==, "« douze » n’est pas un prix : tapez par exemple 2,49");

  gtk_editable_set_text (GTK_EDITABLE (entry (f, "0,00", 0)), "-3");
  act (f, "shop.save", NULL);
  g_assert_false (g_str_has_prefix (message (f), "Enregistré"));

  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 940);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_STOCK), ==, before);
}

static char *day_from_now (int days);

/* The question shown over the screen (AdwMessageDialog), once its
 * worker threads are done; NULL if none came. */
static AdwMessageDialog *
question (Fixture *f)
{
  settle ();
  return vtr_test_open_message_dialog ();
}

/* Its button @label tapped; the dialog gone. */
static void
answer (Fixture          *f,
        AdwMessageDialog *dialog,
        const char       *label)
{
  GtkWidget *button = vtr_test_find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_object_ref (dialog);
  g_signal_emit_by_name (button, "clicked");
  wait_idle (f);
  settle ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
  /* The screen's window active again, as the window manager makes it
   * once the dialog is gone: its fields take the focus, and the keys. */
  gtk_window_present (f->window);
  {
    gint64 deadline = g_get_monotonic_time () + vtr_test_slow () * 5 * G_USEC_PER_SEC;

    while (!gtk_window_is_active (f->window) && g_get_monotonic_time () < deadline)
      vtr_test_iterate ();
  }
}

/* A price of 0 or three times off the current one is asked again
 * before anything is written; Annuler keeps the old one, Confirmer
 * saves it. A usual change is not asked. A promotion of more than 70 %
 * off is asked likewise. */
static void
test_price_question (Fixture       *f,
                     gconstpointer  data)
{
  guint before = outbox_count (f, VTR_SHOP_EVENT_STOCK);
  g_autofree char *in_a_week = day_from_now (7);
  guint promotions = outbox_count (f, VTR_SHOP_EVENT_PROMOTION);
  AdwMessageDialog *dialog;

  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  type_into (f, entry (f, "0,00", 0), "0");
  act (f, "shop.save", NULL);
  dialog = question (f);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "Le prix passe de 9,40 € à 0,00 €. Confirmer ?");
  answer (f, dialog, "Annuler");
  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 940);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_STOCK), ==, before);
  g_assert_false (g_str_has_prefix (message (f), "Enregistré"));

  /* 99 999 €: asked, confirmed, saved. */
  type_into (f, entry (f, "0,00", 0), "99999");
  act (f, "shop.save", NULL);
  dialog = question (f);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "Le prix passe de 9,40 € à 99999,00 €. Confirmer ?");
  answer (f, dialog, "Confirmer");
  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 9999900);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_STOCK), ==, before + 1);
  g_assert_true (g_str_has_prefix (message (f), "Enregistré"));

  /* Back from 99 999 € to 9,40 €: asked too (a third or less). */
  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  type_into (f, entry (f, "0,00", 0), "9,40");
  act (f, "shop.save", NULL);
  dialog = question (f);
  g_assert_nonnull (dialog);
  answer (f, dialog, "Confirmer");
  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 940);
  /* 9,40 € → 10 €: not asked. */
  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  type_into (f, entry (f, "0,00", 0), "10");
  act (f, "shop.save", NULL);
  g_assert_null (question (f));
  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 1000);
  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  type_into (f, entry (f, "0,00", 0), "9,40");
  act (f, "shop.save", NULL);
  g_assert_cmpint (shelf_price (f, SAUSAGES, NULL), ==, 940);

  /* 80 % off: asked; Annuler writes nothing. 50 %: not asked. */
  g_object_set (f->screen, "section", "promotions", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (vtr_shop_screen_take_code (f->screen, SAUSAGES_GTIN));
  act (f, "shop.promotion-kind", g_variant_new_string ("percent"));
  type_into (f, entry (f, "Combien : 20, 1,50 ou 2", 0), "80");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_a_week);
  act (f, "shop.save-promotion", NULL);
  dialog = question (f);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "80 % de remise : les clients paient 20 % du prix. Confirmer ?");
  answer (f, dialog, "Annuler");
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_PROMOTION), ==, promotions);
  type_into (f, entry (f, "Combien : 20, 1,50 ou 2", 0), "50");
  act (f, "shop.save-promotion", NULL);
  g_assert_null (question (f));
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_PROMOTION), ==, promotions + 1);
}

/* A barcode the catalogue lacks: the small form, then the price. A
 * category that does not exist creates nothing. */
static void
test_new_product (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VtrProduct) made = NULL;

  act (f, "shop.take-code", g_variant_new_string (UNKNOWN_GTIN));
  g_assert_cmpstr (message (f), ==, "Code-barres inconnu : décrivez le nouveau produit, puis son prix");
  type_into (f, entry (f, "Nom", 0), "Surligneur");
  type_into (f, entry (f, "Marque", 0), "Stabilo");
  type_into (f, entry (f, "Catégorie", 0), "Papeterie");
  type_into (f, entry (f, "0,00", 0), "1,90");
  act (f, "shop.save", NULL);
  g_assert_false (g_str_has_prefix (message (f), "Enregistré"));
  g_assert_null (vtr_catalog_find_product_by_gtin (f->catalog, "0" UNKNOWN_GTIN, NULL));

  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Catégorie", 0)), "presse");
  act (f, "shop.save", NULL);
  g_assert_cmpstr (message (f), ==, "Enregistré : Surligneur, 1,90 €, en stock");
  made = vtr_catalog_find_product_by_gtin (f->catalog, "0" UNKNOWN_GTIN, NULL);
  g_assert_nonnull (made);
  g_assert_cmpstr (made->brand, ==, "Stabilo");
  g_assert_cmpint (shelf_price (f, made->id, NULL), ==, 190);
}

/* Shelf mode: each product scanned is saved at once, level chosen. */
static void
test_shelf_mode (Fixture       *f,
                 gconstpointer  data)
{
  VtrAvailability availability = VTR_AVAILABILITY_IN_STOCK;

  g_object_set (f->screen, "scan-mode", TRUE, "availability", "out", NULL);
  act (f, "shop.take-code", g_variant_new_string (SAUSAGES_GTIN));
  g_assert_cmpstr (message (f), ==, "Enregistré : Saucisses de Toulouse 500 g, épuisé");
  act (f, "shop.take-code", g_variant_new_string (CHICKEN_GTIN));
  g_assert_cmpstr (message (f), ==, "Enregistré : Poulet fermier label rouge, épuisé");
  g_assert_cmpint (shelf_price (f, SAUSAGES, &availability), ==, 940);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_OUT_OF_STOCK);
  g_assert_cmpint (shelf_price (f, CHICKEN, &availability), ==, 1365);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_OUT_OF_STOCK);
  /* Undo takes back the last one only. */
  act (f, "shop.undo", NULL);
  g_assert_cmpint (shelf_price (f, CHICKEN, &availability), ==, 1365);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_IN_STOCK);
  shelf_price (f, SAUSAGES, &availability);
  g_assert_cmpint (availability, ==, VTR_AVAILABILITY_OUT_OF_STOCK);
}

static char *
shop_hours (Fixture *f)
{
  g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (f->catalog, SHOP, NULL);

  return g_strdup (merchant->opening_hours);
}

/* The week typed a day a line: overlapping ranges refused, the day
 * named, nothing written; then written as OSM and read back in words. */
static void
test_hours (Fixture       *f,
            gconstpointer  data)
{
  static const char * const week[] = { "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-12h30, 14h-19h",
                                       "9h-12h30, 14h-19h", "9h-12h30, 14h-19h", "9h-13h", "" };
  g_autofree char *before = shop_hours (f);
  g_autofree char *after = NULL;
  g_autofree char *words = NULL;

  g_object_set (f->screen, "section", "hours", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  type_into (f, entry (f, "fermé", 0), "9h-13h, 12h-19h");
  act (f, "shop.save-hours", NULL);
  g_assert_cmpstr (message (f), ==, "Lundi : 9 h–13 h et 12 h–19 h se chevauchent ; corrigez l’une des deux");
  after = shop_hours (f);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  for (int d = 0; d < 7; d++)
    gtk_editable_set_text (GTK_EDITABLE (entry (f, "fermé", d)), week[d]);
  /* Closed on public holidays: the switch of the hours' page. */
  gtk_switch_set_active (GTK_SWITCH (vtr_test_find_type (gtk_widget_get_ancestor (entry (f, "fermé", 0),
                                                                                  VTR_TYPE_FLIP_BOX),
                                                         GTK_TYPE_SWITCH)),
                         FALSE);
  act (f, "shop.save-hours", NULL);
  g_assert_cmpstr (message (f), ==, "Horaires enregistrés");
  after = shop_hours (f);
  g_assert_cmpstr (after, ==, "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-13:00; Su off; PH off");
  g_object_get (f->screen, "hours-words", &words, NULL);
  g_assert_true (g_str_has_prefix (words, "Lundi – Vendredi : 9 h à 12 h 30 et 14 h à 19 h\n"));
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_HOURS), >=, 1);
}

/* Exceptional closures saved are listed on the hours' page in words,
 * stay when the week is saved again, and each can be taken back. */
static void
test_closures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *hours = NULL;
  GtkWidget *remove;

  g_object_set (f->screen, "section", "hours", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  type_into (f, entry (f, "du", 0), "24/12/2030");
  type_into (f, entry (f, "au", 0), "26/12/2030");
  act (f, "shop.save-hours", NULL);
  g_assert_cmpstr (message (f), ==, "Horaires enregistrés");
  type_into (f, entry (f, "du", 0), "01/05/2031");
  act (f, "shop.save-hours", NULL);
  hours = shop_hours (f);
  /* Both kept: the second save did not drop the first closure. */
  g_assert_nonnull (strstr (hours, "2030 Dec 24-2030 Dec 26 off"));
  g_assert_nonnull (strstr (hours, "2031 May 01"));
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (f->screen), "Fermé exceptionnellement du 24/12/2030 au 26/12/2030"));
  remove = vtr_test_find_shown_button (GTK_WIDGET (f->screen),
                                       "Retirer « Fermé exceptionnellement du 24/12/2030 au 26/12/2030 »");
  g_assert_nonnull (remove);

  /* Taken back with a tap: the shop opens as usual at Christmas. */
  g_signal_emit_by_name (remove, "clicked");
  wait_idle (f);
  g_assert_cmpstr (message (f), ==, "Fermeture retirée : la boutique ouvre comme d’habitude ces jours-là");
  g_clear_pointer (&hours, g_free);
  hours = shop_hours (f);
  g_assert_null (strstr (hours, "2030 Dec"));
  g_assert_nonnull (strstr (hours, "2031 May 01"));
  g_assert_null (vtr_test_find_label (GTK_WIDGET (f->screen), "Fermé exceptionnellement du 24/12/2030"));
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_HOURS), >=, 3);
}

static char *
day_from_now (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%d/%m");
}

static GPtrArray *
running (Fixture *f)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  GPtrArray *promotions = vtr_shop_promotions_running (f->store, SHOP, now, &error);

  g_assert_no_error (error);
  return promotions;
}

static VtrPromotion *
find_promotion (GPtrArray  *promotions,
                const char *title)
{
  for (guint i = 0; i < promotions->len; i++)
    if (g_str_equal (((VtrPromotion *) g_ptr_array_index (promotions, i))->title, title))
      return g_ptr_array_index (promotions, i);
  return NULL;
}

/* A promotion typed: on a product by its barcode, for a week; one that
 * ends before it starts is refused with nothing written; then the first
 * ended early. */
static void
test_promotion (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *in_a_week = day_from_now (7);
  g_autofree char *in_5_days = day_from_now (5);
  g_autofree char *in_2_days = day_from_now (2);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) ended = NULL;
  VtrPromotion *made;

  g_object_set (f->screen, "section", "promotions", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* A scan here fills the promotion's product. */
  g_assert_true (vtr_shop_screen_take_code (f->screen, SAUSAGES_GTIN));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Nom ou code-barres du produit, ou une catégorie", 0))),
                   ==, SAUSAGES_GTIN);
  act (f, "shop.promotion-kind", g_variant_new_string ("percent"));
  type_into (f, entry (f, "Combien : 20, 1,50 ou 2", 0), "20");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_a_week);
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Ce que dit l’affiche (facultatif)", 0)), "Saucisses -20 %");
  act (f, "shop.save-promotion", NULL);
  g_assert_cmpstr (message (f), ==, "Promotion enregistrée : les bornes l’affichent après leur prochaine synchronisation");
  after = running (f);
  made = find_promotion (after, "Saucisses -20 %");
  g_assert_nonnull (made);
  g_assert_cmpint (made->product_id, ==, SAUSAGES);
  g_assert_cmpint (made->kind, ==, VTR_PROMOTION_PERCENT);
  g_assert_cmpint (made->value, ==, 20);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_PROMOTION), ==, 1);

  /* Ending before it starts: the core's words, nothing written. */
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Nom ou code-barres du produit, ou une catégorie", 0)), "viande");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Combien : 20, 1,50 ou 2", 0)), "10");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "du (aujourd’hui)", 0)), in_5_days);
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_2_days);
  act (f, "shop.save-promotion", NULL);
  /* The core's words (French once its strings are in po/fr.po). */
  g_assert_true (g_str_equal (message (f), "The promotion ends before it starts: check the dates.") ||
                 g_str_has_prefix (message (f), "La promotion se termine avant"));
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_PROMOTION), ==, 1);
  before = running (f);
  g_assert_cmpuint (before->len, ==, after->len);

  /* Ended early: no longer running. */
  act (f, "shop.end-promotion", g_variant_new_int64 (made->id));
  g_assert_cmpstr (message (f), ==, "Promotion terminée");
  ended = running (f);
  g_assert_null (find_promotion (ended, "Saucisses -20 %"));
}

/* The shown row (AdwActionRow) titled @title under @widget. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found)
        return found;
    }
  return NULL;
}

/* A promotion typed as a shopkeeper does: the product's name, chosen
 * among the names suggested while typing; a category the same way; a
 * name nothing has is refused in words. The list names the product
 * and says the days as the shop counts them (Europe/Paris), on a kiosk
 * whose system clock is in UTC (main() sets TZ). In Stock, a product's
 * name finds it as its barcode does. */
static void
test_promotion_by_name (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *in_a_week = day_from_now (7);
  g_autofree char *today = day_from_now (0);
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GtkWidget *target, *suggestion, *listed;
  VtrPromotion *made;

  g_object_set (f->screen, "section", "promotions", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  target = entry (f, "Nom ou code-barres du produit, ou une catégorie", 0);
  type_into (f, target, "Sauc");
  settle ();
  suggestion = find_row (GTK_WIDGET (f->screen), "Saucisses de Toulouse 500 g");
  g_assert_nonnull (suggestion);
  /* Tapped: the name is the promotion's product. */
  gtk_widget_activate (suggestion);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (target)), ==, "Saucisses de Toulouse 500 g");
  settle ();
  g_assert_null (find_row (GTK_WIDGET (f->screen), "Saucisses de Toulouse 500 g"));
  act (f, "shop.promotion-kind", g_variant_new_string ("percent"));
  type_into (f, entry (f, "Combien : 20, 1,50 ou 2", 0), "23");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "du (aujourd’hui)", 0)), "");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_a_week);
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Ce que dit l’affiche (facultatif)", 0)), "");
  act (f, "shop.save-promotion", NULL);
  g_assert_cmpstr (message (f), ==, "Promotion enregistrée : les bornes l’affichent après leur prochaine synchronisation");
  after = running (f);
  made = find_promotion (after, "");
  g_assert_nonnull (made);
  g_assert_cmpint (made->product_id, ==, SAUSAGES);
  settle ();
  /* Listed with its product, from today as the shop counts days. */
  expected = g_strdup_printf ("23 %% de remise sur « Saucisses de Toulouse 500 g » · du %s au %s", today, in_a_week);
  listed = find_row (GTK_WIDGET (f->screen), "23 % de remise");
  g_assert_nonnull (listed);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (listed)), ==, expected);

  /* A category, by its name in any case. */
  gtk_editable_set_text (GTK_EDITABLE (target), "VIANDE");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Combien : 20, 1,50 ou 2", 0)), "10");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Ce que dit l’affiche (facultatif)", 0)), "Semaine de la viande");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_a_week);
  act (f, "shop.save-promotion", NULL);
  g_assert_cmpstr (message (f), ==, "Promotion enregistrée : les bornes l’affichent après leur prochaine synchronisation");
  listed = find_row (GTK_WIDGET (f->screen), "Semaine de la viande");
  g_assert_nonnull (listed);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (listed)),
                                   "10 % de remise sur la catégorie « viande » · du "));

  /* A name nothing has: said, nothing written. */
  gtk_editable_set_text (GTK_EDITABLE (target), "Saucisses de Lyon");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "Combien : 20, 1,50 ou 2", 0)), "10");
  gtk_editable_set_text (GTK_EDITABLE (entry (f, "au (jour/mois)", 0)), in_a_week);
  {
    guint before = outbox_count (f, VTR_SHOP_EVENT_PROMOTION);

    act (f, "shop.save-promotion", NULL);
    g_assert_cmpstr (message (f), ==, "Rien dans le catalogue ne s’appelle « Saucisses de Lyon » : choisissez un "
                                      "produit ou une catégorie parmi les propositions, ou scannez son code-barres");
    g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_PROMOTION), ==, before);
  }

  /* Stock: the product's name, then its suggestion tapped. */
  g_object_set (f->screen, "section", "stock", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  type_into (f, entry (f, "Code-barres ou nom", 0), "Toulouse");
  settle ();
  suggestion = find_row (GTK_WIDGET (f->screen), "Saucisses de Toulouse 500 g");
  g_assert_nonnull (suggestion);
  gtk_widget_activate (suggestion);
  wait_idle (f);
  {
    g_autofree char *name = NULL;

    g_object_get (f->screen, "product-name", &name, NULL);
    g_assert_cmpstr (name, ==, "Saucisses de Toulouse 500 g");
  }
}

/* A poster asked for: an event waiting for the federation's signature. */
static void
test_poster (Fixture       *f,
             gconstpointer  data)
{
  guint before = outbox_count (f, VTR_SHOP_EVENT_POSTER);

  g_object_set (f->screen, "section", "posters", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (vtr_shop_screen_take_code (f->screen, SAUSAGES_GTIN));
  act (f, "shop.poster-product", NULL);
  g_assert_cmpstr (message (f), ==, "Affiche demandée : elle s’imprime dès que la fédération l’a signée");
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_POSTER), ==, before + 1);
}

/* The subtitle of the row whose title is @title in @list, or NULL. */
static const char *
row_subtitle (GtkWidget  *screen,
              const char *title)
{
  GtkWidget *label = vtr_test_find_label (screen, title);
  GtkWidget *row = label ? gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW) : NULL;

  return row ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

/* A poster asked for waits for the hub, is shown signed once sync
 * brought the hub's code, then printed from the screen: on the printer
 * (a PDF read back) and shown printed, once only. */
static void
test_poster_printed (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) asked = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autofree char *contents = NULL;
  const char *title = NULL;
  gint64 deadline;

  g_object_set (f->screen, "section", "posters", NULL);
  wait_idle (f);
  g_assert_true (vtr_shop_screen_take_code (f->screen, CHICKEN_GTIN));
  act (f, "shop.poster-product", NULL);
  asked = vtr_shop_list_posters (f->store, SHOP, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (asked->len, ==, 1);
  title = ((VtrShopPoster *) g_ptr_array_index (asked, 0))->summary;
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (f->screen), title), ==, "en attente de la signature de la fédération");
  g_assert_false (gtk_widget_is_sensitive (vtr_test_find_button (GTK_WIDGET (f->screen),
                                                                 "Imprimer les affiches signées")));

  /* What sync does with the hub's answer; the page read again. */
  g_assert_true (vtr_shop_poster_signed (f->store, ((VtrShopPoster *) g_ptr_array_index (asked, 0))->uuid,
                                         "HTTPS://VTR13.FR/P/15/M117/K1/TESTPOSTER", &error));
  g_object_set (f->screen, "section", "stock", NULL);
  g_object_set (f->screen, "section", "posters", NULL);
  wait_idle (f);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (f->screen), title), ==, "signée : prête à imprimer");
  g_assert_true (gtk_widget_is_sensitive (vtr_test_find_button (GTK_WIDGET (f->screen),
                                                                "Imprimer les affiches signées")));

  act (f, "shop.print-posters", NULL);
  g_assert_cmpstr (message (f), ==, "1 affiche envoyée à l’imprimante");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (f->screen), title), ==, "imprimée");
  left = vtr_shop_signed_posters (f->store, SHOP, &error);
  g_assert_cmpuint (left->len, ==, 0);
  deadline = g_get_monotonic_time () + vtr_test_slow () * 20 * G_USEC_PER_SEC;
  while (!g_file_test (f->poster_pdf, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    vtr_test_iterate ();
  vtr_test_spin (200);
  g_assert_true (g_file_get_contents (f->poster_pdf, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  g_assert_false (gtk_widget_is_sensitive (vtr_test_find_button (GTK_WIDGET (f->screen),
                                                                 "Imprimer les affiches signées")));
}

/* Services and collections chosen with taps, the loyalty rule typed:
 * all in the catalogue and the outbox; a rule that is no amount, none. */
static void
test_services (Fixture       *f,
               gconstpointer  data)
{
  guint n = 0;
  const VtrService *all = vtr_service_all (&n);
  const char *service = all[n - 1].id;
  g_autoptr(VtrMerchant) before = vtr_catalog_get_merchant (f->catalog, SHOP, NULL);
  g_autoptr(VtrMerchant) after = NULL;
  guint events = outbox_count (f, VTR_SHOP_EVENT_SERVICES);
  GtkWidget *button;

  g_assert_false (g_strv_contains ((const char * const *) before->services, service));
  g_object_set (f->screen, "section", "services", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  type_into (f, entry (f, "1,00", 0), "0");
  act (f, "shop.save-services", NULL);
  g_assert_cmpstr (message (f), ==, "« 0 » n’est pas un montant : tapez les euros qui font un point, par exemple 1");
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_SERVICES), ==, events);

  button = vtr_test_find_shown_button (GTK_WIDGET (f->screen), vtr_service_label (&all[n - 1]));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  button = vtr_test_find_shown_button (GTK_WIDGET (f->screen), vtr_collection_kind_label (VTR_COLLECTION_CARDBOARD));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  type_into (f, entry (f, "1,00", 0), "2");
  act (f, "shop.save-services", NULL);
  g_assert_cmpstr (message (f), ==, "Services enregistrés");
  after = vtr_catalog_get_merchant (f->catalog, SHOP, NULL);
  g_assert_true (g_strv_contains ((const char * const *) after->services, service));
  /* What it offered before stays offered. */
  for (guint i = 0; before->services[i]; i++)
    g_assert_true (g_strv_contains ((const char * const *) after->services, before->services[i]));
  g_assert_cmpint (vtr_shop_loyalty_cents_per_point (f->store, SHOP, NULL), ==, 200);
  {
    g_autofree int *kinds = vtr_shop_collections_taken (f->store, SHOP, NULL);
    gboolean cardboard = FALSE;

    for (int *k = kinds; *k >= 0; k++)
      cardboard |= *k == VTR_COLLECTION_CARDBOARD;
    g_assert_true (cardboard);
  }
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_SERVICES), ==, events + 1);
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_LOYALTY), >=, 1);
}

/* The shop's reward of this name, or NULL. */
static VtrReward *
find_reward (GPtrArray  *rewards,
             const char *title)
{
  for (guint i = 0; i < rewards->len; i++)
    if (g_strcmp0 (((VtrReward *) g_ptr_array_index (rewards, i))->title, title) == 0)
      return g_ptr_array_index (rewards, i);
  return NULL;
}

/* Rewards typed on the Services page: added (euros off, a product
 * given), listed with what they cost, changed, removed; each in the
 * catalogue and the outbox. */
static void
test_rewards (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  guint events = outbox_count (f, VTR_SHOP_EVENT_LOYALTY);
  VtrReward *coffee, *sausages;
  gint64 coffee_id;

  g_object_set (f->screen, "section", "services", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* No points typed: said, nothing saved. */
  type_into (f, entry (f, "Nom de la récompense, par exemple Café offert", 0), "Cafe Offert");
  act (f, "shop.save-reward", NULL);
  g_assert_cmpstr (message (f), ==, "Tapez combien de points coûte la récompense, par exemple 100");
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_LOYALTY), ==, events);

  type_into (f, entry (f, "Points, par exemple 100", 0), "150");
  type_into (f, entry (f, "Euros de remise, ou le code-barres d’un produit", 0), "5,00");
  act (f, "shop.save-reward", NULL);
  g_assert_cmpstr (message (f), ==, "Récompense enregistrée : chaque comptoir de la boutique la propose après sa "
                                    "prochaine synchronisation");
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_LOYALTY), ==, events + 1);
  /* The form is empty again, for the next one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Points, par exemple 100", 0))), ==, "");

  /* A product given: its barcode scanned into the form. */
  type_into (f, entry (f, "Nom de la récompense, par exemple Café offert", 0), "Merguez Offertes");
  type_into (f, entry (f, "Points, par exemple 100", 0), "300");
  type_into (f, entry (f, "Euros de remise, ou le code-barres d’un produit", 0), SAUSAGES_GTIN);
  act (f, "shop.save-reward", NULL);
  added = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_no_error (error);
  coffee = find_reward (added, "Cafe Offert");
  sausages = find_reward (added, "Merguez Offertes");
  g_assert_nonnull (coffee);
  g_assert_nonnull (sausages);
  g_assert_cmpint (coffee->points, ==, 150);
  g_assert_cmpint (coffee->kind, ==, VTR_REWARD_DISCOUNT);
  g_assert_cmpint (coffee->value, ==, 500);
  g_assert_cmpint (sausages->kind, ==, VTR_REWARD_FREE_PRODUCT);
  g_assert_cmpint (sausages->product_id, ==, SAUSAGES);
  coffee_id = coffee->id;
  /* Listed with what they cost and give. */
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (f->screen), "150 points → 5,00 € de remise"));
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (f->screen), "300 points → un produit offert"));
  g_assert_nonnull (vtr_test_find_shown_button (GTK_WIDGET (f->screen), "Modifier « Cafe Offert »"));

  /* Changed: its values in the form, the points typed again. */
  act (f, "shop.change-reward", g_variant_new_int64 (coffee_id));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Points, par exemple 100", 0))), ==, "150");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (f, "Euros de remise, ou le code-barres d’un produit", 0))),
                   ==, "5,00");
  type_into (f, entry (f, "Points, par exemple 100", 0), "120");
  act (f, "shop.save-reward", NULL);
  changed = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_cmpuint (changed->len, ==, added->len);
  coffee = find_reward (changed, "Cafe Offert");
  g_assert_cmpint (coffee->id, ==, coffee_id);
  g_assert_cmpint (coffee->points, ==, 120);
  g_assert_nonnull (vtr_test_find_label (GTK_WIDGET (f->screen), "120 points → 5,00 € de remise"));

  /* Removed: gone from the catalogue and the page. */
  act (f, "shop.remove-reward", g_variant_new_int64 (coffee_id));
  g_assert_cmpstr (message (f), ==, "Récompense retirée");
  removed = vtr_loyalty_list_rewards (f->store, SHOP, &error);
  g_assert_null (find_reward (removed, "Cafe Offert"));
  g_assert_nonnull (find_reward (removed, "Merguez Offertes"));
  g_assert_null (vtr_test_find_label (GTK_WIDGET (f->screen), "120 points → 5,00 € de remise"));
  g_assert_cmpuint (outbox_count (f, VTR_SHOP_EVENT_LOYALTY), ==, events + 4);
}

/* Activity: the chart has this week's figures, also in words. */
static void
test_activity (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *chart;

  g_object_set (f->screen, "section", "activity", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  settle ();
  chart = vtr_test_find_type (GTK_WIDGET (f->screen), VTR_TYPE_ACTIVITY_CHART);
  g_assert_nonnull (chart);
  g_assert_true (gtk_widget_get_mapped (chart));
  g_assert_true (g_str_has_prefix (vtr_activity_chart_get_summary (VTR_ACTIVITY_CHART (chart)), "Cette semaine : "));
  g_assert_cmpint (gtk_widget_get_height (chart), >=, 500);
}

/* (poster) The scans of the shop's posters as the hub sent them, drawn:
 * this week's phone scan in orange beside the kiosk's, the posters
 * scanned most, and the figures in words. The picture is saved
 * (VITRINE_TEST_SCREENSHOT, or the data folder) for a person to look at. */
static void
test_poster_scans (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -(VTR_POSTER_SCAN_DAYS - 1));
  g_autofree char *json = g_strdup_printf ("{\"merchant\": %d, \"from\": %d, \"scans\": ["
                                           "{\"day\": %d, \"source\": \"kiosk\", \"product\": %d, \"scans\": 1},"
                                           "{\"day\": %d, \"source\": \"phone\", \"product\": %d, \"scans\": 1}]}",
                                           (int) SHOP, vtr_poster_scan_day (from), vtr_poster_scan_day (now),
                                           (int) SAUSAGES, vtr_poster_scan_day (now), (int) SAUSAGES);
  g_autoptr(JsonNode) answer = json_from_string (json, &error);
  g_autoptr(VtrShopStats) stats = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree char *png = NULL;
  const char *dir = g_getenv ("VITRINE_TEST_SCREENSHOT");
  GtkWindow *window;
  GtkWidget *chart;
  guint rows = 0, orange = 0, blue = 0;
  int width, height;

  g_assert_no_error (error);
  g_assert_true (vtr_poster_scan_apply (f->store, SHOP, json_node_get_object (answer), &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2);
  stats = vtr_shop_stats_query (f->store, SHOP, now, 9, &error);
  g_assert_no_error (error);

  /* "Ma boutique" opened before the sync brought them: the figures are
   * read again when the merchant opens them. */
  g_object_set (f->screen, "section", "activity", NULL);
  wait_idle (f);
  settle ();
  g_assert_nonnull (strstr (vtr_activity_chart_get_summary (VTR_ACTIVITY_CHART (
                              vtr_test_find_type (GTK_WIDGET (f->screen), VTR_TYPE_ACTIVITY_CHART))),
                            "2 scans des affiches de la boutique (1 à des bornes, 1 sur des téléphones)"));

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1600, 900);
  chart = vtr_activity_chart_new ();
  gtk_window_set_child (window, chart);
  vtr_activity_chart_set_stats (VTR_ACTIVITY_CHART (chart), stats);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (chart))
    g_main_context_iteration (NULL, TRUE);
  settle ();
  g_assert_nonnull (strstr (vtr_activity_chart_get_summary (VTR_ACTIVITY_CHART (chart)),
                            "2 scans des affiches de la boutique (1 à des bornes, 1 sur des téléphones)"));

  /* What the screen shows, as pixels. */
  paintable = gtk_widget_paintable_new (chart);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = g_build_filename (dir ? dir : data_dir, "poster-scans-chart.png", NULL);
  g_assert_true (gdk_texture_save_to_png (texture, png));
  g_test_message ("chart: %s", png);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      /* B, G, R, A in memory (GDK_MEMORY_DEFAULT). */
      guchar b = pixels[4 * i], g = pixels[4 * i + 1], r = pixels[4 * i + 2];

      orange += r == 0xe6 && g == 0x61 && b == 0x00;
      blue += r == 0x1a && g == 0x5f && b == 0xb4;
    }
  /* This week's phone scan and the poster's phone share: orange bars. */
  g_assert_cmpuint (orange, >, 2000);
  g_assert_cmpuint (blue, >, 2000);
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LANGUAGE", "fr", TRUE);
  /* A kiosk whose system clock is in UTC: the shop's days are still
   * Paris's (/shop-screen/promotion-by-name). */
  g_setenv ("TZ", "UTC", TRUE);
  vtr_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  data_dir = vtr_test_make_data_dir ();
  {
    g_autoptr(VtrStore) store = vtr_store_open (data_dir, &error);
    g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    VtrDemoCounts counts;

    g_assert_true (vtr_demo_load (catalog, now, &counts, &error));
    g_assert_true (vtr_staff_set_pin (store, SHOP, STAFF_PIN, &error));
  }

  g_test_add ("/shop-screen/price-by-scan", Fixture, NULL, fixture_set_up, test_price_by_scan, fixture_tear_down);
  g_test_add ("/shop-screen/bad-input", Fixture, NULL, fixture_set_up, test_bad_input, fixture_tear_down);
  g_test_add ("/shop-screen/new-product", Fixture, NULL, fixture_set_up, test_new_product, fixture_tear_down);
  g_test_add ("/shop-screen/shelf-mode", Fixture, NULL, fixture_set_up, test_shelf_mode, fixture_tear_down);
  g_test_add ("/shop-screen/hours", Fixture, NULL, fixture_set_up, test_hours, fixture_tear_down);
  g_test_add ("/shop-screen/closures", Fixture, NULL, fixture_set_up, test_closures, fixture_tear_down);
  g_test_add ("/shop-screen/promotion", Fixture, NULL, fixture_set_up, test_promotion, fixture_tear_down);
  g_test_add ("/shop-screen/promotion-by-name", Fixture, NULL, fixture_set_up, test_promotion_by_name,
              fixture_tear_down);
  g_test_add ("/shop-screen/poster", Fixture, NULL, fixture_set_up, test_poster, fixture_tear_down);
  g_test_add ("/shop-screen/poster-printed", Fixture, NULL, fixture_set_up, test_poster_printed, fixture_tear_down);
  g_test_add ("/shop-screen/services", Fixture, NULL, fixture_set_up, test_services, fixture_tear_down);
  g_test_add ("/shop-screen/rewards", Fixture, NULL, fixture_set_up, test_rewards, fixture_tear_down);
  g_test_add ("/shop-screen/activity", Fixture, NULL, fixture_set_up, test_activity, fixture_tear_down);
  g_test_add ("/shop-screen/poster-scans", Fixture, NULL, fixture_set_up, test_poster_scans, fixture_tear_down);
  /* Last: it leaves a promotion the others do not count on. */
  g_test_add ("/shop-screen/price-question", Fixture, NULL, fixture_set_up, test_price_question, fixture_tear_down);
  status = g_test_run ();
  vtr_test_remove_tree (data_dir);
  return status;
}

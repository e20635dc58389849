#include "config.h"

#include "vtr-shop-screen.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "vtr-activity-chart.h"
#include "vtr-app.h"
#include "vtr-flip-box.h"
#include "vtr-gtin.h"
#include "vtr-keyboard.h"
#include "vtr-loyalty.h"
#include "vtr-opening-hours.h"
#include "vtr-print-queue.h"
#include "vtr-print-service.h"
#include "vtr-service.h"
#include "vtr-shop-edit.h"
#include "vtr-shop-read.h"
#include "vtr-shop-stats.h"
#include "vtr-week-hours.h"

/*
 * "Ma boutique": the merchant's back office at the counter, behind the
 * staff PIN (the counter's session is the shop edited). Sections:
 *
 *   Stock     a product's barcode scanned (camera or USB scanner, routed
 *             here by the window) or typed → the product, or a small form
 *             for a barcode the catalogue does not know → its price, in
 *             stock / low / out, a quantity → "Saved" once the change is
 *             in the journal. Shelf mode saves each product scanned at
 *             once with the level chosen; Undo takes back the last change.
 *   Hours     the week, a day a line, written as OSM opening_hours and
 *             read back in words; public holidays; an exceptional closure.
 *   Activity  how the shop does, drawn (VtrActivityChart).
 *
 * Every read and write runs on a worker thread with its own connection
 * (vtr-shop-edit.h): the screen's thread never waits for SQLite. Errors
 * are the core's words, shown as they are; on an error nothing changed.
 *
 * Actions ("shop."):
 *   take-code     s  a barcode, as a scan gives it
 *   look-up          the barcode typed in the entry
 *   availability  s  "in", "low" or "out" (the property)
 *   scan-mode        shelf mode on or off (the property)
 *   save             the product's price and stock
 *   undo             the last change undone
 *   save-hours       the week and the closure typed
 *   remove-closure i an exceptional closure taken back (its first day, yyyymmdd)
 *   print-posters    the posters the hub signed, to the printer
 *   save-reward      the reward typed, new or changed
 *   change-reward x  a reward's values in the form
 *   remove-reward x  a reward no longer offered
 */

struct _VtrShopScreen
{
  GtkWidget         parent_instance;

  VtrCounter       *counter;
  GCancellable     *cancellable;
  guint             jobs;          /* on worker threads now */

  char             *message;
  gboolean          message_error;
  char             *product_name;
  char             *availability;  /* "in", "low", "out" */
  gboolean          scan_mode;
  gint64            product_id;    /* the product shown; 0 none or new */
  char             *gtin;          /* its barcode, 14 digits */
  gboolean          has_price;     /* the shop already sells it */
  gint64            price_cents;   /* at that price */
  gint64            confirmed_cents;   /* a price asked about and confirmed; -1 none */
  int               confirmed_percent; /* a big percentage off likewise; -1 none */
  gboolean          can_undo;
  char             *hours_words;
  char             *hours;          /* the shop's opening hours, as saved */
  char             *promotion_kind; /* "percent", "amount", "points", "buy-get" */
  GtkEntry         *day_entries[7];

  /* Template widgets. */
  AdwViewStack     *sections;
  GtkLabel         *message_label;
  GtkEntry         *gtin_entry;
  GtkListBox       *stock_suggestions;
  GtkLabel         *product_label;
  GtkLabel         *details_label;
  GtkWidget        *new_product_box;
  GtkEntry         *name_entry;
  GtkEntry         *brand_entry;
  GtkEntry         *category_entry;
  GtkWidget        *edit_box;
  GtkEntry         *price_entry;
  GtkEntry         *quantity_entry;
  GtkListBox       *changes;
  VtrKeyboard      *stock_keyboard;
  GtkGrid          *week_grid;
  GtkSwitch        *holidays_switch;
  GtkEntry         *closed_from_entry;
  GtkEntry         *closed_to_entry;
  GtkLabel         *hours_words_label;
  GtkListBox       *closures_list;
  VtrKeyboard      *hours_keyboard;
  VtrActivityChart *activity_chart;
  GtkEntry         *promo_target_entry;
  GtkListBox       *promo_suggestions;
  GtkEntry         *promo_value_entry;
  GtkEntry         *promo_buy_entry;
  GtkEntry         *promo_get_entry;
  GtkEntry         *promo_from_entry;
  GtkEntry         *promo_to_entry;
  GtkSwitch        *promo_loyal_switch;
  GtkEntry         *promo_title_entry;
  GtkListBox       *promotions_list;
  VtrKeyboard      *promo_keyboard;
  GtkEntry         *poster_entry;
  GtkListBox       *posters_list;
  VtrKeyboard      *poster_keyboard;
  GtkFlowBox       *services_box;
  GtkFlowBox       *collections_box;
  GtkEntry         *loyalty_entry;
  VtrKeyboard      *services_keyboard;
  GtkListBox       *rewards_list;
  GtkEntry         *reward_title_entry;
  GtkEntry         *reward_points_entry;
  GtkEntry         *reward_what_entry;
  GPtrArray        *names;              /* VtrShopName: what may be typed for a product */
  GPtrArray        *rewards;            /* VtrReward, as shown */
  GPtrArray        *reward_gtins;       /* char *: a free product's barcode, or NULL */
  gint64            reward_id;          /* the reward being changed; 0: a new one */
  GPtrArray        *service_buttons;    /* GtkToggleButton, data "service": its id */
  GtkWidget        *collection_buttons[VTR_COLLECTION_PARCEL_LOCKER + 1];
};

G_DEFINE_FINAL_TYPE (VtrShopScreen, vtr_shop_screen, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_COUNTER,
  PROP_MESSAGE,
  PROP_PRODUCT_NAME,
  PROP_AVAILABILITY,
  PROP_SCAN_MODE,
  PROP_CAN_UNDO,
  PROP_BUSY,
  PROP_SECTION,
  PROP_HOURS_WORDS,
  PROP_PROMOTION_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (VtrShopScreen  *self,
            char          **field,
            const char     *value,
            int             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* What happened, in one place above the sections; an error in red. */
static void
say (VtrShopScreen *self,
     const char    *message,
     gboolean       error)
{
  self->message_error = error;
  set_string (self, &self->message, message ? message : "", PROP_MESSAGE);
  gtk_label_set_text (self->message_label, message && *message ? message : " ");
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "success");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "success");
    }
  if (error)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.play-tone", "s", "warning");
}

/* A label shown only when it has words: no empty gap on the screen. */
static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text && *text);
}

static void
set_can_undo (VtrShopScreen *self,
              gboolean       can_undo)
{
  can_undo = !!can_undo;
  if (self->can_undo == can_undo)
    return;
  self->can_undo = can_undo;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shop.undo", can_undo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
}

static VtrAvailability
availability_value (const char *text)
{
  if (g_strcmp0 (text, "out") == 0)
    return VTR_AVAILABILITY_OUT_OF_STOCK;
  if (g_strcmp0 (text, "low") == 0)
    return VTR_AVAILABILITY_LOW;
  return VTR_AVAILABILITY_IN_STOCK;
}

static const char *
availability_name (VtrAvailability availability)
{
  switch (availability)
    {
    case VTR_AVAILABILITY_OUT_OF_STOCK: return "out";
    case VTR_AVAILABILITY_LOW: return "low";
    default: return "in";
    }
}

static const char *
availability_words (VtrAvailability availability)
{
  switch (availability)
    {
    case VTR_AVAILABILITY_OUT_OF_STOCK: return _("sold out");
    case VTR_AVAILABILITY_LOW: return _("running low");
    default: return _("in stock");
    }
}

static void
set_availability (VtrShopScreen *self,
                  const char    *availability)
{
  set_string (self, &self->availability, availability_name (availability_value (availability)),
              PROP_AVAILABILITY);
}

static void
set_scan_mode (VtrShopScreen *self,
               gboolean       scan_mode)
{
  scan_mode = !!scan_mode;
  if (self->scan_mode == scan_mode)
    return;
  self->scan_mode = scan_mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCAN_MODE]);
}

static const char *
session (VtrShopScreen *self)
{
  return self->counter ? vtr_counter_get_session (self->counter) : NULL;
}


/* Work on a worker thread: each job opens its own connection. */

typedef enum
{
  JOB_LOAD,
  JOB_FIND,
  JOB_SAVE,
  JOB_UNDO,
  JOB_HOURS,
  JOB_PROMOTION,
  JOB_END_PROMOTION,
  JOB_POSTER,
  JOB_SERVICES,
  JOB_REWARD,
  JOB_REMOVE_REWARD,
  JOB_PRINT_POSTERS,
  JOB_READ_POSTERS,
  JOB_READ_STATS,
} JobKind;

typedef struct
{
  JobKind          kind;
  char            *data_dir;
  char            *session;
  gint64           merchant_id;
  char            *text;          /* a barcode, or the opening hours */
  gint64           product_id;
  gint64           price_cents;
  VtrAvailability  availability;
  int              quantity;
  char            *name;
  char            *brand;
  char            *category;
  gboolean         scan_mode;

  /* What the thread found. */
  VtrProduct      *product;
  gboolean         has_stock;
  VtrStock         stock;
  char            *gtin;
  char            *summary;
  char            *hours;
  GPtrArray       *edits;         /* VtrShopEdit, newest first */
  VtrShopStats    *stats;
  GPtrArray       *promotions;    /* VtrPromotion, running or to come */
  GPtrArray       *names;         /* VtrShopName, for JOB_LOAD */
  VtrShopPromotion promotion;     /* a new one; its target in text */
  char            *target;        /* a barcode or a category */
  gint64           promotion_id;
  char           **services;      /* the shop's, offered */
  int             *collections;   /* -1 terminated */
  gint64           cents_per_point;
  GPtrArray       *rewards;       /* VtrReward of the shop */
  GPtrArray       *reward_gtins;  /* char *, as rewards: a free product's barcode */
  VtrReward        reward;        /* a new or changed one; a free product's barcode in target */
  GPtrArray       *posters;       /* VtrShopPoster, the shop's requests, newest first */
  guint            n_printed;     /* posters sent to the printer */
} Job;

static void
job_free (Job *job)
{
  g_free (job->data_dir);
  g_free (job->session);
  g_free (job->text);
  g_free (job->name);
  g_free (job->brand);
  g_free (job->category);
  g_clear_pointer (&job->product, vtr_product_free);
  g_free (job->gtin);
  g_free (job->summary);
  g_free (job->hours);
  g_clear_pointer (&job->edits, g_ptr_array_unref);
  g_clear_pointer (&job->stats, vtr_shop_stats_free);
  g_clear_pointer (&job->promotions, g_ptr_array_unref);
  g_clear_pointer (&job->names, g_ptr_array_unref);
  g_free (job->target);
  g_strfreev (job->services);
  g_free (job->collections);
  g_free ((char *) job->promotion.title);
  g_free ((char *) job->promotion.category);
  g_clear_pointer (&job->rewards, g_ptr_array_unref);
  g_clear_pointer (&job->reward_gtins, g_ptr_array_unref);
  g_clear_pointer (&job->posters, g_ptr_array_unref);
  g_free (job->reward.title);
  g_free (job);
}

#define N_EDITS_SHOWN 8

static gboolean
read_edits (VtrStore  *store,
            Job       *job,
            GError   **error)
{
  job->edits = vtr_shop_list_edits (store, job->merchant_id, N_EDITS_SHOWN, error);
  return job->edits != NULL;
}

/* The product of a barcode, and the shop's price of it if it sells it. */
static gboolean
find_product (VtrStore  *store,
              Job       *job,
              GError   **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
  gint64 product_id = job->product_id;

  /* A product chosen by its name, or a barcode scanned or typed. */
  if (product_id == 0)
    {
      if (!vtr_shop_find_product (store, job->text, &product_id, error))
        return FALSE;
      job->gtin = vtr_gtin_normalize (job->text, NULL);
      if (product_id == 0)
        return TRUE;
    }
  job->product = vtr_catalog_get_product (catalog, product_id, error);
  if (job->product == NULL)
    return FALSE;
  if (job->gtin == NULL && job->product->gtin)
    job->gtin = g_strdup (job->product->gtin);
  job->has_stock = vtr_catalog_get_stock (catalog, product_id, job->merchant_id, &job->stock, NULL);
  /* Shelf mode: a product the shop already prices is saved at once with
   * the level chosen; one without a price waits for it. */
  if (job->scan_mode && job->has_stock)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (!vtr_shop_set_stock (store, job->session, product_id, job->stock.price_cents, job->availability,
                               VTR_SHOP_NO_QUANTITY, now, NULL, error))
        return FALSE;
      job->stock.availability = job->availability;
      job->summary = g_strdup ("saved");
      return read_edits (store, job, error);
    }
  return TRUE;
}

static gboolean
save_stock (VtrStore  *store,
            Job       *job,
            GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 product_id = job->product_id;

  if (product_id == 0 &&
      !vtr_shop_create_product (store, job->session, job->text, job->name, job->brand, job->category, now,
                                &product_id, error))
    return FALSE;
  if (!vtr_shop_set_stock (store, job->session, product_id, job->price_cents, job->availability, job->quantity,
                           now, NULL, error))
    return FALSE;
  job->product_id = product_id;
  return read_edits (store, job, error);
}

static gboolean
read_promotions (VtrStore  *store,
                 Job       *job,
                 GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  job->promotions = vtr_shop_promotions_running (store, job->merchant_id, now, error);
  return job->promotions != NULL && read_edits (store, job, error);
}

/* A promotion on a product (its barcode) or on a category. */
static gboolean
save_promotion (VtrStore  *store,
                Job       *job,
                GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* A product chosen by its name: its id already known. */
  if (job->promotion.product_id > 0)
    ;
  else if (vtr_gtin_looks_like_gtin (job->target))
    {
      if (!vtr_shop_find_product (store, job->target, &job->promotion.product_id, error))
        return FALSE;
      if (job->promotion.product_id == 0)
        {
          g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("No product has the barcode %s: scan it under Stock first"), job->target);
          return FALSE;
        }
    }
  else
    job->promotion.category = g_utf8_strdown (job->target, -1);
  return vtr_shop_put_promotion (store, job->session, &job->promotion, now, error) &&
         read_promotions (store, job, error);
}

/* The shop's rewards, with the barcode of each free product (to change it). */
static gboolean
read_rewards (VtrStore  *store,
              Job       *job,
              GError   **error)
{
  g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);

  job->rewards = vtr_loyalty_list_rewards (store, job->merchant_id, error);
  if (job->rewards == NULL)
    return FALSE;
  job->reward_gtins = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < job->rewards->len; i++)
    {
      VtrReward *reward = g_ptr_array_index (job->rewards, i);
      g_autoptr(VtrProduct) product = reward->kind == VTR_REWARD_FREE_PRODUCT
                                        ? vtr_catalog_get_product (catalog, reward->product_id, NULL)
                                        : NULL;

      g_ptr_array_add (job->reward_gtins, product && product->gtin ? vtr_gtin_display (product->gtin) : NULL);
    }
  return TRUE;
}

/* A reward of so many points: euros off, or a product (its barcode). */
static gboolean
save_reward (VtrStore  *store,
             Job       *job,
             GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (job->target)
    {
      if (!vtr_shop_find_product (store, job->target, &job->reward.product_id, error))
        return FALSE;
      if (job->reward.product_id == 0)
        {
          g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("No product has the barcode %s: scan it under Stock first"), job->target);
          return FALSE;
        }
      job->reward.kind = VTR_REWARD_FREE_PRODUCT;
    }
  return vtr_shop_put_reward (store, job->session, &job->reward, now, error) && read_rewards (store, job, error) &&
         read_edits (store, job, error);
}

#define N_POSTERS_SHOWN 8

static gboolean
read_posters (VtrStore  *store,
              Job       *job,
              GError   **error)
{
  job->posters = vtr_shop_list_posters (store, job->merchant_id, N_POSTERS_SHOWN, error);
  return job->posters != NULL;
}

/* Every poster the hub signed, to the printer's durable queue (the
 * print service prints it now, or once the printer is back). */
static gboolean
print_posters (VtrStore  *store,
               Job       *job,
               GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) signed_posters = vtr_shop_signed_posters (store, job->merchant_id, error);

  if (signed_posters == NULL)
    return FALSE;
  for (guint i = 0; i < signed_posters->len; i++)
    {
      if (!vtr_print_enqueue_poster (store, g_ptr_array_index (signed_posters, i), job->text, now, NULL, error))
        return FALSE;
      job->n_printed++;
    }
  return read_posters (store, job, error);
}

static gboolean
request_poster (VtrStore  *store,
                Job       *job,
                GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 product_id = 0;

  if (job->promotion_id == 0)
    {
      if (!vtr_shop_find_product (store, job->target, &product_id, error))
        return FALSE;
      if (product_id == 0)
        {
          g_set_error (error, VTR_SHOP_ERROR, VTR_SHOP_ERROR_UNKNOWN_PRODUCT,
                       _("No product has the barcode %s: scan it under Stock first"), job->target);
          return FALSE;
        }
    }
  return vtr_shop_request_poster (store, job->session, product_id, job->promotion_id, now, NULL, error) &&
         read_edits (store, job, error) && read_posters (store, job, error);
}

static void
job_in_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (job->data_dir, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean done = FALSE;

  if (store)
    switch (job->kind)
      {
      case JOB_LOAD:
        {
          g_autoptr(VtrCatalog) catalog = vtr_catalog_new (store);
          g_autoptr(VtrMerchant) merchant = vtr_catalog_get_merchant (catalog, job->merchant_id, NULL);

          job->hours = g_strdup (merchant ? merchant->opening_hours : "");
          job->services = merchant ? g_strdupv (merchant->services) : NULL;
          job->collections = vtr_shop_collections_taken (store, job->merchant_id, NULL);
          job->cents_per_point = vtr_shop_loyalty_cents_per_point (store, job->merchant_id, NULL);
          job->stats = vtr_shop_stats_query (store, job->merchant_id, now, 9, &error);
          done = job->stats != NULL && read_promotions (store, job, &error) && read_rewards (store, job, &error) &&
                 read_posters (store, job, &error) &&
                 (job->names = vtr_shop_list_names (store, job->merchant_id, &error)) != NULL;
        }
        break;
      case JOB_FIND:
        done = find_product (store, job, &error);
        break;
      case JOB_SAVE:
        done = save_stock (store, job, &error);
        break;
      case JOB_UNDO:
        {
          g_autoptr(VtrShopEdit) undone = NULL;

          done = vtr_shop_undo (store, job->session, now, &undone, &error) && read_edits (store, job, &error);
          if (done && undone)
            job->summary = g_strdup (undone->summary);
        }
        break;
      case JOB_HOURS:
        {
          done = vtr_shop_set_hours (store, job->session, job->text, now, &error) &&
                 read_edits (store, job, &error);
        }
        break;
      case JOB_PROMOTION:
        done = save_promotion (store, job, &error);
        break;
      case JOB_END_PROMOTION:
        {
          done = vtr_shop_end_promotion (store, job->session, job->promotion_id, now, &error) &&
                 read_promotions (store, job, &error);
        }
        break;
      case JOB_POSTER:
        done = request_poster (store, job, &error);
        break;
      case JOB_REWARD:
        done = save_reward (store, job, &error);
        break;
      case JOB_PRINT_POSTERS:
        done = print_posters (store, job, &error);
        break;
      case JOB_READ_POSTERS:
        done = read_posters (store, job, &error);
        break;
      case JOB_READ_STATS:
        job->stats = vtr_shop_stats_query (store, job->merchant_id, now, 9, &error);
        done = job->stats != NULL;
        break;
      case JOB_REMOVE_REWARD:
        done = vtr_shop_remove_reward (store, job->session, job->reward.id, now, &error) &&
               read_rewards (store, job, &error) && read_edits (store, job, &error);
        break;
      case JOB_SERVICES:
        {
          /* The rule first: a services' change refused leaves it. Both
           * are checked by the core before anything is written. */
          done = vtr_shop_set_services (store, job->session, (const char * const *) job->services,
                                        job->collections, now, &error) &&
                 (job->cents_per_point <= 0 ||
                  vtr_shop_set_loyalty_rule (store, job->session, job->cents_per_point, FALSE, now, &error)) &&
                 read_edits (store, job, &error);
        }
        break;
      default:
        g_assert_not_reached ();
      }
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
set_busy (VtrShopScreen *self,
          int            delta)
{
  gboolean was = self->jobs > 0;

  self->jobs += delta;
  if (was != (self->jobs > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void job_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data);

static Job *
new_job (VtrShopScreen *self,
         JobKind        kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->data_dir = g_strdup (vtr_store_get_data_dir (vtr_counter_get_store (self->counter)));
  job->session = g_strdup (session (self));
  job->merchant_id = vtr_counter_get_merchant_id (self->counter);
  job->quantity = VTR_SHOP_NO_QUANTITY;
  return job;
}

static void
run_job (VtrShopScreen *self,
         Job           *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, job_done, NULL);

  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  set_busy (self, 1);
  g_task_run_in_thread (task, job_in_thread);
}


/* What the screen shows. */

static const char *
edit_state_words (const VtrShopEdit *edit)
{
  switch (edit->state)
    {
    case VTR_SHOP_EDIT_PENDING: return _("saved here, to be sent at the next sync");
    case VTR_SHOP_EDIT_ACCEPTED: return _("applied by the federation");
    case VTR_SHOP_EDIT_REFUSED: return _("refused by the federation");
    case VTR_SHOP_EDIT_UNDONE: return _("undone");
    default: return "";
    }
}

static void
show_edits (VtrShopScreen *self,
            GPtrArray     *edits)
{
  GtkWidget *child;
  gboolean undoable = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changes))))
    gtk_list_box_remove (self->changes, child);
  for (guint i = 0; edits && i < edits->len; i++)
    {
      VtrShopEdit *edit = g_ptr_array_index (edits, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *state = edit->state == VTR_SHOP_EDIT_REFUSED && edit->reason
                                 ? g_strdup_printf ("%s: %s", edit_state_words (edit), edit->reason)
                                 : g_strdup (edit_state_words (edit));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), edit->summary ? edit->summary : edit->kind);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
      gtk_list_box_append (self->changes, row);
      undoable |= edit->state == VTR_SHOP_EDIT_PENDING || edit->state == VTR_SHOP_EDIT_ACCEPTED;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->changes), edits && edits->len > 0);
  set_can_undo (self, undoable);
}

/* A promotion's line: its values, what it is on (the product's name,
 * or the category), its first and last days. */
static char *
promotion_subtitle (VtrShopScreen      *self,
                    const VtrPromotion *promotion,
                    const char         *what,
                    const char         *from,
                    const char         *to)
{
  for (guint i = 0; promotion->product_id > 0 && self->names && i < self->names->len; i++)
    {
      const VtrShopName *name = g_ptr_array_index (self->names, i);

      if (name->product_id == promotion->product_id)
        /* TRANSLATORS: the promotion ("20% off"), its product, its first and last days */
        return g_strdup_printf (_("%s on “%s” · %s to %s"), what, name->name, from, to);
    }
  if (promotion->product_id == 0 && promotion->category && *promotion->category)
    /* TRANSLATORS: the promotion ("20% off"), its category, its first and last days */
    return g_strdup_printf (_("%s on the category “%s” · %s to %s"), what, promotion->category, from, to);
  return g_strdup_printf (_("%s · %s to %s"), what, from, to);
}

static void
show_promotions (VtrShopScreen *self,
                 GPtrArray     *promotions)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->promotions_list))))
    gtk_list_box_remove (self->promotions_list, child);
  for (guint i = 0; promotions && i < promotions->len; i++)
    {
      VtrPromotion *promotion = g_ptr_array_index (promotions, i);
      g_autofree char *what = vtr_promotion_describe (promotion);
      /* The days as the shop counts them, in the kiosk's zone (Europe/Paris),
       * whatever the system's. */
      g_autoptr(GDateTime) starts_utc = g_date_time_new_from_unix_utc (promotion->starts);
      g_autoptr(GDateTime) ends_utc = g_date_time_new_from_unix_utc (promotion->ends - 1);
      g_autoptr(GDateTime) starts = g_date_time_to_timezone (starts_utc, vtr_opening_hours_timezone ());
      g_autoptr(GDateTime) ends = g_date_time_to_timezone (ends_utc, vtr_opening_hours_timezone ());
      g_autofree char *from = g_date_time_format (starts, "%d/%m");
      g_autofree char *to = g_date_time_format (ends, "%d/%m");
      g_autofree char *subtitle = promotion_subtitle (self, promotion, what, from, to);
      g_autofree char *end_name = g_strdup_printf (_("End “%s” now"), promotion->title);
      g_autofree char *poster_name = g_strdup_printf (_("Poster for “%s”"), promotion->title);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *end = gtk_button_new_with_label (_("End now"));
      GtkWidget *poster = gtk_button_new_with_label (_("Poster"));
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *promotion->title ? promotion->title : what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (end), "shop.end-promotion");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (end), "x", promotion->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (end), GTK_ACCESSIBLE_PROPERTY_LABEL, end_name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (poster), "shop.poster-promotion");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (poster), "x", promotion->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (poster), GTK_ACCESSIBLE_PROPERTY_LABEL, poster_name, -1);
      gtk_box_append (GTK_BOX (buttons), poster);
      gtk_box_append (GTK_BOX (buttons), end);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), buttons);
      gtk_list_box_append (self->promotions_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->promotions_list), promotions && promotions->len > 0);
}

static char *price_text (gint64 cents);

/* Each reward: its name, what it costs and gives; to change or remove. */
static void
show_rewards (VtrShopScreen *self,
              Job           *job)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rewards_list))))
    gtk_list_box_remove (self->rewards_list, child);
  g_clear_pointer (&self->rewards, g_ptr_array_unref);
  g_clear_pointer (&self->reward_gtins, g_ptr_array_unref);
  self->rewards = job->rewards ? g_ptr_array_ref (job->rewards) : NULL;
  self->reward_gtins = job->reward_gtins ? g_ptr_array_ref (job->reward_gtins) : NULL;
  for (guint i = 0; self->rewards && i < self->rewards->len; i++)
    {
      VtrReward *reward = g_ptr_array_index (self->rewards, i);
      g_autofree char *off = vtr_price_format (reward->value);
      g_autofree char *subtitle = NULL;
      g_autofree char *change_name = g_strdup_printf (_("Change “%s”"), reward->title);
      g_autofree char *remove_name = g_strdup_printf (_("Remove “%s”"), reward->title);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *change = gtk_button_new_with_label (_("Change"));
      GtkWidget *remove = gtk_button_new_with_label (_("Remove"));
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      if (reward->kind == VTR_REWARD_FREE_PRODUCT)
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d point → a free product",
                                                 "%d points → a free product", reward->points),
                                    reward->points);
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d point → %s off", "%d points → %s off",
                                                 reward->points),
                                    reward->points, off);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), reward->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (change), "shop.change-reward");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (change), "x", reward->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (change), GTK_ACCESSIBLE_PROPERTY_LABEL, change_name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "shop.remove-reward");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "x", reward->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
      gtk_box_append (GTK_BOX (buttons), change);
      gtk_box_append (GTK_BOX (buttons), remove);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), buttons);
      gtk_list_box_append (self->rewards_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rewards_list), self->rewards && self->rewards->len > 0);
}

static const char *
poster_state_words (const VtrShopPoster *poster)
{
  switch (poster->state)
    {
    case VTR_SHOP_POSTER_WAITING: return _("waiting for the federation to sign it");
    case VTR_SHOP_POSTER_SIGNED: return _("signed: ready to print");
    case VTR_SHOP_POSTER_PRINTED: return _("printed");
    case VTR_SHOP_POSTER_REFUSED: return _("refused by the federation");
    default: return "";
    }
}

/* Each poster asked for and where it is; Print only when one is signed. */
static void
show_posters (VtrShopScreen *self,
              GPtrArray     *posters)
{
  GtkWidget *child;
  gboolean any_signed = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->posters_list))))
    gtk_list_box_remove (self->posters_list, child);
  for (guint i = 0; posters && i < posters->len; i++)
    {
      VtrShopPoster *poster = g_ptr_array_index (posters, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *state = poster->state == VTR_SHOP_POSTER_REFUSED && poster->reason
                                 ? g_strdup_printf ("%s: %s", poster_state_words (poster), poster->reason)
                                 : g_strdup (poster_state_words (poster));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), poster->summary ? poster->summary : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
      gtk_list_box_append (self->posters_list, row);
      any_signed |= poster->state == VTR_SHOP_POSTER_SIGNED;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->posters_list), posters && posters->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shop.print-posters", any_signed);
}

/* The reward form emptied: the next one saved is a new one. */
static void
clear_reward_form (VtrShopScreen *self)
{
  self->reward_id = 0;
  gtk_editable_set_text (GTK_EDITABLE (self->reward_title_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->reward_points_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->reward_what_entry), "");
}

/* The shop's services, collections and loyalty rule, as read. */
static void
show_services (VtrShopScreen *self,
               Job           *job)
{
  for (guint i = 0; i < self->service_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->service_buttons, i);
      const char *id = g_object_get_data (G_OBJECT (button), "service");

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                    job->services && g_strv_contains ((const char * const *) job->services, id));
    }
  for (guint k = 0; k < G_N_ELEMENTS (self->collection_buttons); k++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->collection_buttons[k]), FALSE);
  for (int *k = job->collections; k && *k >= 0; k++)
    if (*k < (int) G_N_ELEMENTS (self->collection_buttons))
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->collection_buttons[*k]), TRUE);
  if (job->cents_per_point > 0)
    {
      g_autofree char *euros = price_text (job->cents_per_point);

      gtk_editable_set_text (GTK_EDITABLE (self->loyalty_entry), euros);
    }
}

static char *
price_text (gint64 cents)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ",%02d", cents / 100, (int) (cents % 100));
}

/* Back to "scan a product": nothing shown, the barcode's entry ready. */
static void
clear_product (VtrShopScreen *self)
{
  /* The focus out of the fields before they turn insensitive. */
  gtk_widget_grab_focus (GTK_WIDGET (self->gtin_entry));
  self->product_id = 0;
  g_clear_pointer (&self->gtin, g_free);
  self->has_price = FALSE;
  self->confirmed_cents = -1;
  set_string (self, &self->product_name, "", PROP_PRODUCT_NAME);
  show_label (self->product_label, "");
  show_label (self->details_label, "");
  gtk_widget_set_visible (self->new_product_box, FALSE);
  gtk_widget_set_sensitive (self->edit_box, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->price_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->gtin_entry), "");
}

static void
show_found (VtrShopScreen *self,
            Job           *job)
{
  g_autofree char *display = job->gtin ? vtr_gtin_display (job->gtin) : g_strdup (job->text);

  g_free (self->gtin);
  self->gtin = g_strdup (job->gtin);
  gtk_editable_set_text (GTK_EDITABLE (self->gtin_entry), display);
  gtk_widget_set_sensitive (self->edit_box, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_entry), "");
  if (job->product == NULL)
    {
      /* A barcode the federation does not know: the shop makes it. */
      self->product_id = 0;
      self->has_price = FALSE;
      set_string (self, &self->product_name, "", PROP_PRODUCT_NAME);
      show_label (self->product_label, _("New product"));
      show_label (self->details_label,
                          _("The catalogue does not know this barcode yet: give its name, brand and category. "
                            "It is your shop’s until the federation reviews it."));
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->brand_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->category_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), "");
      gtk_widget_set_visible (self->new_product_box, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      say (self, _("Unknown barcode: describe the new product, then its price"), FALSE);
      return;
    }
  self->product_id = job->product->id;
  self->has_price = job->has_stock;
  self->price_cents = job->has_stock ? job->stock.price_cents : 0;
  gtk_widget_set_visible (self->new_product_box, FALSE);
  set_string (self, &self->product_name, job->product->name, PROP_PRODUCT_NAME);
  show_label (self->product_label, job->product->name);
  {
    g_autofree char *price = job->has_stock ? vtr_price_format (job->stock.price_cents) : NULL;
    g_autofree char *now = job->has_stock
                             ? g_strdup_printf (_("now %s, %s"), price, availability_words (job->stock.availability))
                             : g_strdup (_("not on your shelves yet"));
    g_autoptr(GString) details = g_string_new (NULL);
    const char *parts[] = { job->product->brand, job->product->category, now };

    /* Brand · category · price: what is known of it, no empty part. */
    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      if (parts[i] && *parts[i])
        g_string_append_printf (details, "%s%s", details->len ? " · " : "", parts[i]);
    show_label (self->details_label, details->str);
  }
  if (job->has_stock)
    {
      g_autofree char *typed = price_text (job->stock.price_cents);

      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), typed);
      if (!self->scan_mode)
        set_availability (self, availability_name (job->stock.availability));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->price_entry), "");
  if (job->summary)
    {
      g_autofree char *done = g_strdup_printf (_("Saved: %s, %s"), job->product->name,
                                               availability_words (job->availability));

      say (self, done, FALSE);
      show_edits (self, job->edits);
      return;
    }
  if (self->scan_mode)
    say (self, _("Not on your shelves yet: type its price, then Save"), FALSE);
  else
    say (self, NULL, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->price_entry));
}

/* Each exceptional closure saved, in words, with a button to open as
 * usual again. */
static void
show_closures (VtrShopScreen *self)
{
  g_autoptr(GPtrArray) closures = vtr_shop_hours_closures (self->hours);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->closures_list))))
    gtk_list_box_remove (self->closures_list, child);
  for (guint i = 0; i < closures->len; i++)
    {
      VtrShopClosure *closure = g_ptr_array_index (closures, i);
      g_autofree char *remove_name = g_strdup_printf (_("Remove “%s”"), closure->words);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_with_label (_("Remove"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), closure->words);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "shop.remove-closure");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "i", closure->first_day);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->closures_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->closures_list), closures->len > 0);
}

static void
show_hours (VtrShopScreen *self,
            const char    *opening_hours)
{
  VtrWeekHours week;
  g_autoptr(GError) error = NULL;

  g_free (self->hours);
  self->hours = g_strdup (opening_hours ? opening_hours : "");
  show_closures (self);

  if (!vtr_week_hours_from_osm (opening_hours, &week, &error))
    {
      /* Hours the federation typed in a form this editor does not write:
       * shown as they are, replaced only if the merchant saves. */
      g_autofree char *words = g_strdup_printf (_("Current hours: %s"), opening_hours);

      set_string (self, &self->hours_words, words, PROP_HOURS_WORDS);
      gtk_label_set_text (self->hours_words_label, words);
      return;
    }
  for (int d = 0; d < 7; d++)
    {
      g_autofree char *text = vtr_day_hours_format (&week.days[d]);

      gtk_editable_set_text (GTK_EDITABLE (self->day_entries[d]), text);
    }
  gtk_switch_set_active (self->holidays_switch, week.holidays_open);
  {
    g_autofree char *words = vtr_week_hours_describe (&week);

    set_string (self, &self->hours_words, words, PROP_HOURS_WORDS);
    gtk_label_set_text (self->hours_words_label, words);
  }
}

/* The promotion form's fields, emptied once it is saved. */
static const gsize promotion_entries[] = {
  G_STRUCT_OFFSET (VtrShopScreen, promo_target_entry), G_STRUCT_OFFSET (VtrShopScreen, promo_value_entry),
  G_STRUCT_OFFSET (VtrShopScreen, promo_buy_entry), G_STRUCT_OFFSET (VtrShopScreen, promo_get_entry),
  G_STRUCT_OFFSET (VtrShopScreen, promo_from_entry), G_STRUCT_OFFSET (VtrShopScreen, promo_to_entry),
  G_STRUCT_OFFSET (VtrShopScreen, promo_title_entry),
};

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  set_busy (self, -1);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message, TRUE);
      return;
    }
  /* Written to the outbox: the hub and the kiosks hear of it now. */
  if (job->kind != JOB_LOAD && job->kind != JOB_FIND && job->kind != JOB_READ_STATS)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.sync-soon", NULL);
  switch (job->kind)
    {
    case JOB_LOAD:
      g_clear_pointer (&self->names, g_ptr_array_unref);
      self->names = g_ptr_array_ref (job->names);
      show_hours (self, job->hours);
      vtr_activity_chart_set_stats (self->activity_chart, job->stats);
      show_edits (self, job->edits);
      show_promotions (self, job->promotions);
      show_services (self, job);
      show_rewards (self, job);
      show_posters (self, job->posters);
      break;
    case JOB_READ_POSTERS:
      show_posters (self, job->posters);
      break;
    case JOB_READ_STATS:
      vtr_activity_chart_set_stats (self->activity_chart, job->stats);
      break;
    case JOB_PRINT_POSTERS:
      show_posters (self, job->posters);
      {
        VtrPrintService *printer = vtr_counter_get_printer (self->counter);
        g_autofree char *words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u poster sent to the printer",
                                                               "%u posters sent to the printer", job->n_printed),
                                                  job->n_printed);

        /* Printed now if the printer can; else they wait in its queue. */
        if (printer)
          vtr_print_service_retry_async (printer, NULL, NULL, NULL);
        say (self, words, FALSE);
      }
      break;
    case JOB_REWARD:
      show_rewards (self, job);
      show_edits (self, job->edits);
      clear_reward_form (self);
      say (self, _("Reward saved: every counter of the shop offers it after its next sync"), FALSE);
      break;
    case JOB_REMOVE_REWARD:
      show_rewards (self, job);
      show_edits (self, job->edits);
      if (self->reward_id == job->reward.id)
        clear_reward_form (self);
      say (self, _("Reward removed"), FALSE);
      break;
    case JOB_SERVICES:
      show_edits (self, job->edits);
      say (self, _("Services saved"), FALSE);
      break;
    case JOB_PROMOTION:
      show_promotions (self, job->promotions);
      show_edits (self, job->edits);
      for (guint i = 0; i < G_N_ELEMENTS (promotion_entries); i++)
        gtk_editable_set_text (GTK_EDITABLE (G_STRUCT_MEMBER (GtkEntry *, self, promotion_entries[i])), "");
      say (self, _("Promotion saved: kiosks show it after their next sync"), FALSE);
      break;
    case JOB_END_PROMOTION:
      show_promotions (self, job->promotions);
      show_edits (self, job->edits);
      say (self, _("Promotion ended"), FALSE);
      break;
    case JOB_POSTER:
      show_edits (self, job->edits);
      show_posters (self, job->posters);
      gtk_editable_set_text (GTK_EDITABLE (self->poster_entry), "");
      say (self, _("Poster asked for: it prints as soon as the federation has signed it"), FALSE);
      break;
    case JOB_FIND:
      show_found (self, job);
      break;
    case JOB_SAVE:
      {
        g_autofree char *price = vtr_price_format (job->price_cents);
        g_autofree char *done = g_strdup_printf (_("Saved: %s, %s, %s"),
                                                 job->name ? job->name : self->product_name, price,
                                                 availability_words (job->availability));

        show_edits (self, job->edits);
        clear_product (self);
        say (self, done, FALSE);
        gtk_widget_grab_focus (GTK_WIDGET (self->gtin_entry));
      }
      break;
    case JOB_UNDO:
      {
        g_autofree char *done = g_strdup_printf (_("Undone: %s"), job->summary ? job->summary : "");

        show_edits (self, job->edits);
        clear_product (self);
        say (self, done, FALSE);
      }
      break;
    case JOB_HOURS:
      show_hours (self, job->text);
      show_edits (self, job->edits);
      if (job->summary)
        say (self, _("Closure removed: the shop opens as usual on those days"), FALSE);
      else
        say (self, _("Hours saved"), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->closed_from_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->closed_to_entry), "");
      break;
    default:
      g_assert_not_reached ();
    }
}


/* The merchant's actions. */

static gboolean
can_edit (VtrShopScreen *self)
{
  if (session (self) != NULL)
    return TRUE;
  say (self, _("The counter’s session has ended: type the staff PIN again"), TRUE);
  return FALSE;
}

/**
 * vtr_shop_screen_take_code:
 * @text: a code as the camera or a USB scanner read it
 *
 * A barcode scanned in "Ma boutique": the product it is.
 *
 * Returns: whether the screen took @text (always, while a session is open:
 *   a scan here is for the shop, never a jump elsewhere)
 */
gboolean
vtr_shop_screen_take_code (VtrShopScreen *self,
                           const char    *text)
{
  g_autofree char *digits = NULL;
  Job *job;

  g_return_val_if_fail (VTR_IS_SHOP_SCREEN (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!can_edit (self))
    return FALSE;
  digits = g_strstrip (g_strdup (text));
  /* Under Promotions or Posters, a scan fills their barcode's field. */
  if (vtr_gtin_looks_like_gtin (digits) &&
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->sections), "promotions") == 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->promo_target_entry), digits);
      return TRUE;
    }
  if (vtr_gtin_looks_like_gtin (digits) &&
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->sections), "posters") == 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->poster_entry), digits);
      return TRUE;
    }
  if (!vtr_gtin_looks_like_gtin (digits))
    {
      say (self, _("This is not a product’s barcode: scan the bars under the product"), TRUE);
      return TRUE;
    }
  /* Scanning the next product: this one was left as it was. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  job = new_job (self, JOB_FIND);
  job->text = g_steal_pointer (&digits);
  job->scan_mode = self->scan_mode;
  job->availability = availability_value (self->availability);
  say (self, _("Looking for the product…"), FALSE);
  run_job (self, job);
  return TRUE;
}

static void
take_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  vtr_shop_screen_take_code (VTR_SHOP_SCREEN (widget), g_variant_get_string (parameter, NULL));
}

static void
look_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->gtin_entry));
  g_autoptr(GString) digits = g_string_new (NULL);
  const VtrShopName *named;
  Job *job;

  /* Spaces as a barcode prints them: 3 017620 422003. */
  for (const char *p = text; *p; p++)
    if (*p != ' ')
      g_string_append_c (digits, *p);
  if (digits->len == 0)
    {
      say (self, _("Type the product’s barcode or name, or show its barcode to the camera"), TRUE);
      return;
    }
  if (strspn (digits->str, "0123456789") == digits->len)
    {
      vtr_shop_screen_take_code (self, digits->str);
      return;
    }
  /* A product's name, as the suggestions show them. */
  if (!can_edit (self))
    return;
  named = vtr_shop_name_lookup (self->names, text);
  if (named == NULL || named->product_id == 0)
    {
      g_autofree char *typed = g_strstrip (g_strdup (text));
      g_autofree char *words = g_strdup_printf (_("No product is called “%s”: choose one among the suggestions, "
                                                  "or scan its barcode"), typed);

      say (self, words, TRUE);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  job = new_job (self, JOB_FIND);
  job->product_id = named->product_id;
  job->text = g_strdup (named->name);
  job->scan_mode = self->scan_mode;
  job->availability = availability_value (self->availability);
  say (self, _("Looking for the product…"), FALSE);
  run_job (self, job);
}

static gboolean
is_blank (const char *text)
{
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* "2,49", "2.49", "2" → cents; FALSE for anything else. */
static gboolean
parse_price (const char *text,
             gint64     *cents)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  const char *p = t;
  gint64 euros = 0, hundredths = 0;
  int decimals = 0;

  if (*p == '\0')
    return FALSE;
  if (*p == '-')
    {
      *cents = -1;
      return TRUE;
    }
  for (; g_ascii_isdigit (*p); p++)
    {
      euros = euros * 10 + (*p - '0');
      if (euros > G_GINT64_CONSTANT (100000000000))
        return FALSE;
    }
  if (*p == ',' || *p == '.')
    for (p++; g_ascii_isdigit (*p) && decimals < 2; p++, decimals++)
      hundredths = hundredths * 10 + (*p - '0');
  if (*p != '\0' && !g_str_equal (p, "€") && !g_str_equal (p, " €"))
    return FALSE;
  if (decimals == 1)
    hundredths *= 10;
  *cents = euros * 100 + hundredths;
  return TRUE;
}

/* A price of nothing, or one that jumps more than threefold either way,
 * is more often a slip of the finger (0, 99999, a comma forgotten) than
 * meant, and reaches every kiosk at the next sync: asked again first. */
static gboolean
price_needs_question (VtrShopScreen *self,
                      gint64         cents)
{
  if (cents == 0)
    return TRUE;
  if (!self->has_price || self->price_cents <= 0)
    return FALSE;
  return cents > 3 * self->price_cents || 3 * cents < self->price_cents;
}

/* Above this percentage off, a promotion is asked again as well. */
#define BIG_PERCENT_OFF 70

static void
on_question_response (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          data)
{
  VtrShopScreen *self = data;
  const char *action = g_object_get_data (G_OBJECT (dialog), "action");
  gint64 product_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "product");
  const char *gtin = g_object_get_data (G_OBJECT (dialog), "gtin");
  gint64 value = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "value");

  if (!g_str_equal (response, "confirm"))
    {
      say (self, _("Nothing saved"), FALSE);
      return;
    }
  /* Only for the product it was asked about: not one scanned since. */
  if (g_str_equal (action, "shop.save"))
    {
      if (self->product_id != product_id || g_strcmp0 (self->gtin, gtin) != 0)
        return;
      self->confirmed_cents = value;
    }
  else
    self->confirmed_percent = (int) value;
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
}

/* "Annuler" / "Confirmer", as the counter asks before giving a reward;
 * Confirmer runs @action again with @value let through. */
static void
ask_first (VtrShopScreen *self,
           const char    *heading,
           const char    *body,
           const char    *action,
           gint64         value)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("Cancel"),
                                    /* TRANSLATORS: the answer to "The price goes from … to …. Confirm?" */
                                    "confirm", C_("question", "Confirm"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_widget_add_css_class (dialog, "vitrine");
  g_object_set_data_full (G_OBJECT (dialog), "action", g_strdup (action), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "product", g_memdup2 (&self->product_id, sizeof self->product_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "gtin", g_strdup (self->gtin), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "value", g_memdup2 (&value, sizeof value), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_question_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  const char *price = gtk_editable_get_text (GTK_EDITABLE (self->price_entry));
  const char *quantity = gtk_editable_get_text (GTK_EDITABLE (self->quantity_entry));
  gint64 cents = 0;
  guint64 count = 0;
  Job *job;

  if (!can_edit (self))
    return;
  if (self->gtin == NULL && self->product_id == 0)
    {
      say (self, _("Scan a product first"), TRUE);
      return;
    }
  if (is_blank (price))
    {
      say (self, _("Type the price, for example 2,49"), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->price_entry));
      return;
    }
  if (!parse_price (price, &cents))
    {
      g_autofree char *words = g_strdup_printf (_("“%s” is not a price: type for example 2,49"), price);

      say (self, words, TRUE);
      return;
    }
  if (*quantity && !g_ascii_string_to_unsigned (quantity, 10, 0, G_MAXINT, &count, NULL))
    {
      g_autofree char *words = g_strdup_printf (_("“%s” is not a quantity: type a whole number, or nothing"),
                                                quantity);

      say (self, words, TRUE);
      return;
    }
  /* Beyond the largest price, the core says why it refuses: not asked. */
  if (cents >= 0 && cents <= VTR_SHOP_MAX_PRICE_CENTS && cents != self->confirmed_cents &&
      price_needs_question (self, cents))
    {
      g_autofree char *to = vtr_price_format (cents);
      g_autofree char *from = self->has_price ? vtr_price_format (self->price_cents) : NULL;
      g_autofree char *body = from ? g_strdup_printf (_("The price goes from %s to %s. Confirm?"), from, to)
                                   : g_strdup_printf (_("The price will be %s. Confirm?"), to);

      ask_first (self, _("Change the price?"), body, "shop.save", cents);
      return;
    }
  self->confirmed_cents = -1;
  job = new_job (self, JOB_SAVE);
  job->product_id = self->product_id;
  job->text = g_strdup (self->gtin);
  job->price_cents = cents;
  job->availability = availability_value (self->availability);
  job->quantity = *quantity ? (int) count : VTR_SHOP_NO_QUANTITY;
  if (self->product_id == 0)
    {
      job->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
      job->brand = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->brand_entry))));
      job->category = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->category_entry))));
    }
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);

  if (!can_edit (self))
    return;
  say (self, _("Undoing…"), FALSE);
  run_job (self, new_job (self, JOB_UNDO));
}

/* "24/12" → that day, this year or, once past, next year's. */
static GDateTime *
parse_day (const char *text,
           GDateTime  *today)
{
  g_auto(GStrv) parts = g_strsplit_set (text, "/.-", -1);
  guint64 day, month, year;
  GDateTime *date;

  if (g_strv_length (parts) < 2 || g_strv_length (parts) > 3 ||
      !g_ascii_string_to_unsigned (g_strstrip (parts[0]), 10, 1, 31, &day, NULL) ||
      !g_ascii_string_to_unsigned (g_strstrip (parts[1]), 10, 1, 12, &month, NULL))
    return NULL;
  if (parts[2])
    {
      if (!g_ascii_string_to_unsigned (g_strstrip (parts[2]), 10, 0, 9999, &year, NULL))
        return NULL;
      if (year < 100)
        year += 2000;
    }
  else
    year = g_date_time_get_year (today);
  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;
  date = g_date_time_new (vtr_opening_hours_timezone (), (int) year, (int) month, (int) day, 0, 0, 0);
  if (parts[2] == NULL && g_date_time_compare (date, today) < 0)
    {
      GDateTime *next = g_date_time_add_years (date, 1);

      g_date_time_unref (date);
      date = next;
    }
  return date;
}

/* yyyymmdd → that day at midnight, in the shops' time zone. */
static GDateTime *
day_of (int yyyymmdd)
{
  return g_date_time_new (vtr_opening_hours_timezone (), yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100,
                          0, 0, 0);
}

static void
remove_closure_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  Job *job;

  if (!can_edit (self))
    return;
  job = new_job (self, JOB_HOURS);
  job->text = vtr_shop_hours_remove_closure (self->hours, g_variant_get_int32 (parameter));
  job->summary = g_strdup ("closure");
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}

static void
save_hours_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  const char *from = gtk_editable_get_text (GTK_EDITABLE (self->closed_from_entry));
  const char *to = gtk_editable_get_text (GTK_EDITABLE (self->closed_to_entry));
  VtrWeekHours week = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *osm = NULL;
  Job *job;

  if (!can_edit (self))
    return;
  for (int d = 0; d < 7; d++)
    if (!vtr_day_hours_parse (gtk_editable_get_text (GTK_EDITABLE (self->day_entries[d])), d, &week.days[d],
                              &error))
      {
        say (self, error->message, TRUE);
        gtk_widget_grab_focus (GTK_WIDGET (self->day_entries[d]));
        return;
      }
  week.holidays_open = gtk_switch_get_active (self->holidays_switch);
  osm = vtr_week_hours_to_osm (&week);
  /* The closures saved before stay: the week's editor does not show them. */
  {
    g_autoptr(GPtrArray) closures = vtr_shop_hours_closures (self->hours);

    for (guint i = 0; i < closures->len; i++)
      {
        VtrShopClosure *closure = g_ptr_array_index (closures, i);
        g_autoptr(GDateTime) first = day_of (closure->first_day);
        g_autoptr(GDateTime) last = day_of (closure->last_day);
        char *with_closure = first && last ? vtr_shop_hours_add_closure (osm, first, last, NULL) : NULL;

        if (with_closure)
          {
            g_free (osm);
            osm = with_closure;
          }
      }
  }
  if (*from || *to)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
      g_autoptr(GDateTime) today = g_date_time_new (vtr_opening_hours_timezone (), g_date_time_get_year (now),
                                                    g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 0, 0, 0);
      g_autoptr(GDateTime) first = parse_day (from, today);
      g_autoptr(GDateTime) last = parse_day (*to ? to : from, today);
      char *with_closure;

      if (first == NULL || last == NULL)
        {
          g_autofree char *words = g_strdup_printf (_("“%s” is not a date: type the day and month, such as 24/12"),
                                                    first == NULL ? from : to);

          say (self, words, TRUE);
          return;
        }
      with_closure = vtr_shop_hours_add_closure (osm, first, last, &error);
      if (with_closure == NULL)
        {
          say (self, error->message, TRUE);
          return;
        }
      g_free (osm);
      osm = with_closure;
    }
  job = new_job (self, JOB_HOURS);
  job->text = g_steal_pointer (&osm);
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}


static gboolean
parse_count (const char *text,
             int        *count)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  guint64 value;

  if (!g_ascii_string_to_unsigned (t, 10, 0, 1000000, &value, NULL))
    return FALSE;
  *count = (int) value;
  return TRUE;
}

static void
save_promotion_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->promo_target_entry));
  const char *value = gtk_editable_get_text (GTK_EDITABLE (self->promo_value_entry));
  const char *from = gtk_editable_get_text (GTK_EDITABLE (self->promo_from_entry));
  const char *to = gtk_editable_get_text (GTK_EDITABLE (self->promo_to_entry));
  g_autoptr(GDateTime) now = g_date_time_new_now (vtr_opening_hours_timezone ());
  g_autoptr(GDateTime) today = g_date_time_new (vtr_opening_hours_timezone (), g_date_time_get_year (now),
                                                g_date_time_get_month (now), g_date_time_get_day_of_month (now),
                                                0, 0, 0);
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) after_last = NULL;
  g_autofree char *typed = NULL;
  VtrShopPromotion promotion = { 0 };
  gint64 cents = 0;
  Job *job;

  if (!can_edit (self))
    return;
  if (is_blank (target))
    {
      say (self, _("Scan the product’s barcode, or type a category"), TRUE);
      return;
    }
  if (g_str_equal (self->promotion_kind, "buy-get"))
    {
      promotion.kind = VTR_PROMOTION_BUY_GET;
      if (!parse_count (gtk_editable_get_text (GTK_EDITABLE (self->promo_buy_entry)), &promotion.buy) ||
          !parse_count (gtk_editable_get_text (GTK_EDITABLE (self->promo_get_entry)), &promotion.get))
        {
          say (self, _("Type how many are bought and how many are free, such as 2 and 1"), TRUE);
          return;
        }
    }
  else if (g_str_equal (self->promotion_kind, "amount"))
    {
      promotion.kind = VTR_PROMOTION_AMOUNT;
      if (!parse_price (value, &cents))
        {
          say (self, _("Type how many euros off, such as 1,50"), TRUE);
          return;
        }
      promotion.value = (int) CLAMP (cents, -1, G_MAXINT);
    }
  else
    {
      promotion.kind = g_str_equal (self->promotion_kind, "points") ? VTR_PROMOTION_POINTS : VTR_PROMOTION_PERCENT;
      if (!parse_count (value, &promotion.value))
        {
          say (self, promotion.kind == VTR_PROMOTION_POINTS ? _("Type how many times the points, such as 2")
                                                            : _("Type the percentage off, such as 20"),
               TRUE);
          return;
        }
      if (promotion.kind == VTR_PROMOTION_PERCENT && promotion.value > BIG_PERCENT_OFF &&
          promotion.value <= 100 && promotion.value != self->confirmed_percent)
        {
          /* TRANSLATORS: %d %% off, then what is left to pay, in percent */
          g_autofree char *body = g_strdup_printf (_("%d %% off: customers pay %d %% of the price. Confirm?"),
                                                   promotion.value, 100 - promotion.value);

          ask_first (self, _("Such a big promotion?"), body, "shop.save-promotion", promotion.value);
          return;
        }
    }
  first = is_blank (from) ? g_date_time_ref (today) : parse_day (from, today);
  last = is_blank (to) ? NULL : parse_day (to, today);
  if (first == NULL || last == NULL)
    {
      g_autofree char *words = is_blank (to) ? g_strdup (_("Type the promotion’s last day, such as 31/12"))
                                             : g_strdup_printf (_("“%s” is not a date: type the day and month, such as 24/12"),
                                                                first == NULL ? from : to);

      say (self, words, TRUE);
      return;
    }
  /* The last day is "to" when typed before "from" only in a year's
   * turn: 28/12 to 03/01. A "to" before "from" otherwise is refused. */
  if (g_date_time_compare (last, first) < 0 && g_date_time_get_month (first) == 12 &&
      g_date_time_get_month (last) == 1 && g_date_time_get_year (last) == g_date_time_get_year (first))
    {
      GDateTime *next = g_date_time_add_years (last, 1);

      g_date_time_unref (last);
      last = next;
    }
  after_last = g_date_time_add_days (last, 1);
  promotion.starts = g_date_time_to_unix (first);
  promotion.ends = g_date_time_to_unix (after_last);
  promotion.audience = gtk_switch_get_active (self->promo_loyal_switch) ? VTR_SHOP_AUDIENCE_LOYAL
                                                                        : VTR_SHOP_AUDIENCE_EVERYONE;
  /* A barcode, or a product's or category's name as the suggestions
   * show them. */
  typed = g_strstrip (g_strdup (target));
  if (!vtr_gtin_looks_like_gtin (typed))
    {
      const VtrShopName *named = vtr_shop_name_lookup (self->names, typed);

      if (named == NULL)
        {
          g_autofree char *words = g_strdup_printf (_("Nothing in the catalogue is called “%s”: choose a product or a "
                                                      "category among the suggestions, or scan its barcode"),
                                                    typed);

          say (self, words, TRUE);
          return;
        }
      promotion.product_id = named->product_id;
      target = named->name;
    }
  self->confirmed_percent = -1;
  job = new_job (self, JOB_PROMOTION);
  job->promotion = promotion;
  job->promotion.title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->promo_title_entry))));
  job->target = g_strstrip (g_strdup (target));
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}

static void
save_services_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  const char *rule = gtk_editable_get_text (GTK_EDITABLE (self->loyalty_entry));
  g_autoptr(GStrvBuilder) services = g_strv_builder_new ();
  g_autoptr(GArray) collections = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 cents = 0;
  int end = -1;
  Job *job;

  if (!can_edit (self))
    return;
  if (!is_blank (rule) && (!parse_price (rule, &cents) || cents <= 0))
    {
      g_autofree char *words = g_strdup_printf (_("“%s” is not an amount: type the euros that make one point, such as 1"),
                                                rule);

      say (self, words, TRUE);
      return;
    }
  for (guint i = 0; i < self->service_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->service_buttons, i);

      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
        g_strv_builder_add (services, g_object_get_data (G_OBJECT (button), "service"));
    }
  for (int k = 0; k < (int) G_N_ELEMENTS (self->collection_buttons); k++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->collection_buttons[k])))
      g_array_append_val (collections, k);
  g_array_append_val (collections, end);
  job = new_job (self, JOB_SERVICES);
  job->services = g_strv_builder_end (services);
  job->collections = (int *) g_array_free (g_steal_pointer (&collections), FALSE);
  job->cents_per_point = cents;
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}

static void
save_reward_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reward_title_entry))));
  const char *what = gtk_editable_get_text (GTK_EDITABLE (self->reward_what_entry));
  g_autoptr(GString) digits = g_string_new (NULL);
  int points = 0;
  gint64 cents = 0;
  Job *job;

  if (!can_edit (self))
    return;
  if (*title == '\0')
    {
      say (self, _("Give the reward a name, such as Free coffee"), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reward_title_entry));
      return;
    }
  if (!parse_count (gtk_editable_get_text (GTK_EDITABLE (self->reward_points_entry)), &points) || points <= 0)
    {
      say (self, _("Type how many points the reward costs, such as 100"), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reward_points_entry));
      return;
    }
  /* A barcode as printed (3 017620 422003): a product given. */
  for (const char *p = what; *p; p++)
    if (*p != ' ')
      g_string_append_c (digits, *p);
  job = new_job (self, JOB_REWARD);
  if (vtr_gtin_looks_like_gtin (digits->str))
    job->target = g_string_free (g_steal_pointer (&digits), FALSE);
  else if (parse_price (what, &cents) && cents > 0)
    {
      job->reward.kind = VTR_REWARD_DISCOUNT;
      job->reward.value = (int) MIN (cents, G_MAXINT);
    }
  else
    {
      job_free (job);
      say (self, _("Type the euros off, such as 5,00, or scan the product given"), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reward_what_entry));
      return;
    }
  job->reward.id = self->reward_id;
  job->reward.points = points;
  job->reward.title = g_steal_pointer (&title);
  say (self, _("Saving…"), FALSE);
  run_job (self, job);
}

/* The reward's values in the form, to change and save it again. */
static void
change_reward_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  gint64 id = g_variant_get_int64 (parameter);

  for (guint i = 0; self->rewards && i < self->rewards->len; i++)
    {
      VtrReward *reward = g_ptr_array_index (self->rewards, i);
      const char *gtin = g_ptr_array_index (self->reward_gtins, i);
      g_autofree char *points = g_strdup_printf ("%d", reward->points);
      g_autofree char *what = reward->kind == VTR_REWARD_FREE_PRODUCT ? g_strdup (gtin ? gtin : "")
                                                                        : price_text (reward->value);
      g_autofree char *words = NULL;

      if (reward->id != id)
        continue;
      self->reward_id = id;
      gtk_editable_set_text (GTK_EDITABLE (self->reward_title_entry), reward->title);
      gtk_editable_set_text (GTK_EDITABLE (self->reward_points_entry), points);
      gtk_editable_set_text (GTK_EDITABLE (self->reward_what_entry), what);
      gtk_widget_grab_focus (GTK_WIDGET (self->reward_points_entry));
      words = g_strdup_printf (_("Changing “%s”: type the new values, then Save the reward"), reward->title);
      say (self, words, FALSE);
      return;
    }
}

static void
remove_reward_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  Job *job;

  if (!can_edit (self))
    return;
  job = new_job (self, JOB_REMOVE_REWARD);
  job->reward.id = g_variant_get_int64 (parameter);
  run_job (self, job);
}

static void
end_promotion_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  Job *job;

  if (!can_edit (self))
    return;
  job = new_job (self, JOB_END_PROMOTION);
  job->promotion_id = g_variant_get_int64 (parameter);
  run_job (self, job);
}

static void
print_posters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  VtrPrintService *printer = self->counter ? vtr_counter_get_printer (self->counter) : NULL;
  const char *target = printer ? vtr_print_service_get_target (printer) : NULL;
  Job *job;

  if (!can_edit (self))
    return;
  if (target == NULL || *target == '\0')
    {
      say (self, _("No ticket printer here."), TRUE);
      return;
    }
  job = new_job (self, JOB_PRINT_POSTERS);
  job->text = g_strdup (target);
  say (self, _("Sending the posters to the printer…"), FALSE);
  run_job (self, job);
}

static void
poster_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (widget);
  Job *job;

  if (!can_edit (self))
    return;
  job = new_job (self, JOB_POSTER);
  if (parameter)
    job->promotion_id = g_variant_get_int64 (parameter);
  else
    {
      g_autoptr(GString) digits = g_string_new (NULL);

      for (const char *p = gtk_editable_get_text (GTK_EDITABLE (self->poster_entry)); *p; p++)
        if (*p != ' ')
          g_string_append_c (digits, *p);
      if (digits->len == 0)
        {
          job_free (job);
          say (self, _("Type the product’s barcode, or show it to the camera"), TRUE);
          return;
        }
      job->target = g_string_free (g_steal_pointer (&digits), FALSE);
    }
  say (self, _("Asking the federation for the poster…"), FALSE);
  run_job (self, job);
}


/* The screen. */

VtrCounter *
vtr_shop_screen_get_counter (VtrShopScreen *self)
{
  g_return_val_if_fail (VTR_IS_SHOP_SCREEN (self), NULL);

  return self->counter;
}

const char *
vtr_shop_screen_get_message (VtrShopScreen *self)
{
  g_return_val_if_fail (VTR_IS_SHOP_SCREEN (self), NULL);

  return self->message;
}

gboolean
vtr_shop_screen_get_busy (VtrShopScreen *self)
{
  g_return_val_if_fail (VTR_IS_SHOP_SCREEN (self), FALSE);

  return self->jobs > 0;
}

static void
vtr_shop_screen_constructed (GObject *object)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (object);

  G_OBJECT_CLASS (vtr_shop_screen_parent_class)->constructed (object);
  /* The shop's hours, figures and last changes, read once on arrival. */
  if (self->counter && vtr_counter_get_merchant_id (self->counter) > 0)
    run_job (self, new_job (self, JOB_LOAD));
}

static void
vtr_shop_screen_dispose (GObject *object)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->counter);
  gtk_widget_dispose_template (GTK_WIDGET (self), VTR_TYPE_SHOP_SCREEN);
  /* The template's box has no id: unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (vtr_shop_screen_parent_class)->dispose (object);
}

static void
vtr_shop_screen_finalize (GObject *object)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (object);

  g_free (self->message);
  g_free (self->product_name);
  g_free (self->availability);
  g_free (self->gtin);
  g_free (self->hours_words);
  g_free (self->hours);
  g_free (self->promotion_kind);
  g_clear_pointer (&self->service_buttons, g_ptr_array_unref);
  g_clear_pointer (&self->rewards, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->reward_gtins, g_ptr_array_unref);
  G_OBJECT_CLASS (vtr_shop_screen_parent_class)->finalize (object);
}

static void
vtr_shop_screen_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      g_value_set_object (value, self->counter);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_PRODUCT_NAME:
      g_value_set_string (value, self->product_name);
      break;
    case PROP_AVAILABILITY:
      g_value_set_string (value, self->availability);
      break;
    case PROP_SCAN_MODE:
      g_value_set_boolean (value, self->scan_mode);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->can_undo);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->jobs > 0);
      break;
    case PROP_SECTION:
      g_value_set_string (value, adw_view_stack_get_visible_child_name (self->sections));
      break;
    case PROP_HOURS_WORDS:
      g_value_set_string (value, self->hours_words);
      break;
    case PROP_PROMOTION_KIND:
      g_value_set_string (value, self->promotion_kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_shop_screen_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VtrShopScreen *self = VTR_SHOP_SCREEN (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      self->counter = g_value_dup_object (value);
      break;
    case PROP_AVAILABILITY:
      set_availability (self, g_value_get_string (value));
      break;
    case PROP_SCAN_MODE:
      set_scan_mode (self, g_value_get_boolean (value));
      break;
    case PROP_SECTION:
      adw_view_stack_set_visible_child_name (self->sections, g_value_get_string (value));
      break;
    case PROP_PROMOTION_KIND:
      if (g_strcmp0 (self->promotion_kind, g_value_get_string (value)) != 0)
        {
          g_free (self->promotion_kind);
          self->promotion_kind = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vtr_shop_screen_class_init (VtrShopScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vtr_shop_screen_constructed;
  object_class->dispose = vtr_shop_screen_dispose;
  object_class->finalize = vtr_shop_screen_finalize;
  object_class->get_property = vtr_shop_screen_get_property;
  object_class->set_property = vtr_shop_screen_set_property;

  properties[PROP_COUNTER] =
    g_param_spec_object ("counter", NULL, NULL, VTR_TYPE_COUNTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRODUCT_NAME] =
    g_param_spec_string ("product-name", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABILITY] =
    g_param_spec_string ("availability", NULL, NULL, "in",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCAN_MODE] =
    g_param_spec_boolean ("scan-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL, "stock",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOURS_WORDS] =
    g_param_spec_string ("hours-words", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROMOTION_KIND] =
    g_param_spec_string ("promotion-kind", NULL, NULL, "percent",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTR_TYPE_FLIP_BOX);
  g_type_ensure (VTR_TYPE_KEYBOARD);
  g_type_ensure (VTR_TYPE_ACTIVITY_CHART);
  vtr_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/fr/vitrine/Vitrine/vtr-shop-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, sections);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, message_label);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, gtin_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, product_label);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, details_label);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, new_product_box);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, brand_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, category_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, edit_box);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, price_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, quantity_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, changes);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, stock_keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, week_grid);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, holidays_switch);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, closed_from_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, closed_to_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, hours_words_label);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, closures_list);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, hours_keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, activity_chart);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_target_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_suggestions);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, stock_suggestions);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_value_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_buy_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_get_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_from_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_to_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_loyal_switch);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_title_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promotions_list);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, promo_keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, poster_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, poster_keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, posters_list);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, services_box);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, collections_box);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, loyalty_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, services_keyboard);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, rewards_list);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, reward_title_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, reward_points_entry);
  gtk_widget_class_bind_template_child (widget_class, VtrShopScreen, reward_what_entry);

  gtk_widget_class_install_action (widget_class, "shop.take-code", "s", take_code_action);
  gtk_widget_class_install_action (widget_class, "shop.look-up", NULL, look_up_action);
  gtk_widget_class_install_property_action (widget_class, "shop.availability", "availability");
  gtk_widget_class_install_property_action (widget_class, "shop.scan-mode", "scan-mode");
  gtk_widget_class_install_action (widget_class, "shop.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "shop.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "shop.save-hours", NULL, save_hours_action);
  gtk_widget_class_install_action (widget_class, "shop.remove-closure", "i", remove_closure_action);
  gtk_widget_class_install_property_action (widget_class, "shop.promotion-kind", "promotion-kind");
  gtk_widget_class_install_action (widget_class, "shop.save-promotion", NULL, save_promotion_action);
  gtk_widget_class_install_action (widget_class, "shop.end-promotion", "x", end_promotion_action);
  gtk_widget_class_install_action (widget_class, "shop.poster-promotion", "x", poster_action);
  gtk_widget_class_install_action (widget_class, "shop.poster-product", NULL, poster_action);
  gtk_widget_class_install_action (widget_class, "shop.print-posters", NULL, print_posters_action);
  gtk_widget_class_install_action (widget_class, "shop.save-services", NULL, save_services_action);
  gtk_widget_class_install_action (widget_class, "shop.save-reward", NULL, save_reward_action);
  gtk_widget_class_install_action (widget_class, "shop.change-reward", "x", change_reward_action);
  gtk_widget_class_install_action (widget_class, "shop.remove-reward", "x", remove_reward_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shopscreen");
}

/* A long name on two lines: on one, it made the page wider than a
 * portrait screen. */
static void
wrap_label (GtkWidget *button)
{
  GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
}

/* Suggestions as the merchant types a product's name (or, for a
 * promotion, a category's): those that contain what is typed, whatever
 * its case and accents, the shop's own products first. A tap on one
 * takes it. */
#define MAX_SUGGESTIONS 6

static void
show_suggestions (VtrShopScreen *self,
                  GtkListBox    *list,
                  GtkEditable   *entry,
                  gboolean       categories)
{
  g_autofree char *typed = vtr_shop_name_fold (gtk_editable_get_text (entry));
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
  /* Nothing to suggest for a barcode, a letter, or a name already whole. */
  if (self->names && g_utf8_strlen (typed, -1) >= 2 && typed[strspn (typed, "0123456789 ")] != '\0' &&
      vtr_shop_name_lookup (self->names, typed) == NULL)
    for (guint i = 0; i < self->names->len && shown < MAX_SUGGESTIONS; i++)
      {
        const VtrShopName *name = g_ptr_array_index (self->names, i);
        GtkWidget *row;

        if ((name->product_id == 0 && !categories) || strstr (name->folded, typed) == NULL)
          continue;
        row = adw_action_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name->name);
        if (name->product_id == 0)
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("A category: every product of it"));
        else if (name->stocked)
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("On your shelves"));
        gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
        g_object_set_data_full (G_OBJECT (row), "name", g_strdup (name->name), g_free);
        gtk_list_box_append (list, row);
        shown++;
      }
  gtk_widget_set_visible (GTK_WIDGET (list), shown > 0);
}

static void
on_gtin_changed (VtrShopScreen *self)
{
  show_suggestions (self, self->stock_suggestions, GTK_EDITABLE (self->gtin_entry), FALSE);
}

static void
on_promo_target_changed (VtrShopScreen *self)
{
  show_suggestions (self, self->promo_suggestions, GTK_EDITABLE (self->promo_target_entry), TRUE);
}

static void
on_suggestion_activated (GtkListBox    *list,
                         GtkListBoxRow *row,
                         VtrShopScreen *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (row), "name"));

  if (name == NULL)
    return;
  if (list == self->stock_suggestions)
    {
      /* The product chosen: shown at once, as a scan would. */
      gtk_editable_set_text (GTK_EDITABLE (self->gtin_entry), name);
      gtk_widget_activate_action (GTK_WIDGET (self), "shop.look-up", NULL);
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->promo_target_entry), name);
      gtk_widget_grab_focus (GTK_WIDGET (self->promo_value_entry));
    }
}

static void
on_gtin_activate (VtrShopScreen *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "shop.look-up", NULL);
}

static void
on_price_activate (VtrShopScreen *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "shop.save", NULL);
}

static void
on_section_changed (VtrShopScreen *self)
{
  /* What happened in one section is not news in the next. */
  say (self, NULL, FALSE);
  /* Sync may have brought the hub's signatures since: read them again. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->sections), "posters") == 0 && self->counter &&
      vtr_counter_get_merchant_id (self->counter) > 0)
    run_job (self, new_job (self, JOB_READ_POSTERS));
  /* (poster) And the figures: a sync brings the hub's counts of the
   * shop's poster scans, and the day's orders. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->sections), "activity") == 0 && self->counter &&
      vtr_counter_get_merchant_id (self->counter) > 0)
    run_job (self, new_job (self, JOB_READ_STATS));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
}

static void
vtr_shop_screen_init (VtrShopScreen *self)
{
  self->availability = g_strdup ("in");
  self->message = g_strdup ("");
  self->product_name = g_strdup ("");
  self->hours_words = g_strdup ("");
  self->promotion_kind = g_strdup ("percent");
  self->confirmed_cents = -1;
  self->confirmed_percent = -1;
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shop.undo", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shop.print-posters", FALSE);

  for (int d = 0; d < 7; d++)
    {
      g_autofree char *day = vtr_weekday_title (d);
      GtkWidget *label = gtk_label_new (day);
      GtkWidget *entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "title-3");
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_widget_add_css_class (entry, "shop-entry");
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("closed"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      day, -1);
      gtk_grid_attach (self->week_grid, label, 0, d, 1, 1);
      gtk_grid_attach (self->week_grid, entry, 1, d, 1, 1);
      vtr_keyboard_attach (self->hours_keyboard, GTK_EDITABLE (entry), VTR_KEYBOARD_ADDRESS);
      self->day_entries[d] = GTK_ENTRY (entry);
    }
  vtr_keyboard_attach (self->hours_keyboard, GTK_EDITABLE (self->closed_from_entry), VTR_KEYBOARD_ADDRESS);
  vtr_keyboard_attach (self->hours_keyboard, GTK_EDITABLE (self->closed_to_entry), VTR_KEYBOARD_ADDRESS);
  vtr_keyboard_target (self->hours_keyboard, GTK_EDITABLE (self->day_entries[0]));

  /* A barcode or a product's name: the letters have the digits too. */
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->gtin_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->price_entry), VTR_KEYBOARD_PRICE);
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->quantity_entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->name_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->brand_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->stock_keyboard, GTK_EDITABLE (self->category_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_target (self->stock_keyboard, GTK_EDITABLE (self->gtin_entry));

  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_target_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_value_entry), VTR_KEYBOARD_PRICE);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_buy_entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_get_entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_from_entry), VTR_KEYBOARD_ADDRESS);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_to_entry), VTR_KEYBOARD_ADDRESS);
  vtr_keyboard_attach (self->promo_keyboard, GTK_EDITABLE (self->promo_title_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_target (self->promo_keyboard, GTK_EDITABLE (self->promo_target_entry));
  vtr_keyboard_attach (self->poster_keyboard, GTK_EDITABLE (self->poster_entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_attach (self->services_keyboard, GTK_EDITABLE (self->loyalty_entry), VTR_KEYBOARD_PRICE);
  vtr_keyboard_attach (self->services_keyboard, GTK_EDITABLE (self->reward_title_entry), VTR_KEYBOARD_LETTERS);
  vtr_keyboard_attach (self->services_keyboard, GTK_EDITABLE (self->reward_points_entry), VTR_KEYBOARD_DIGITS);
  vtr_keyboard_attach (self->services_keyboard, GTK_EDITABLE (self->reward_what_entry), VTR_KEYBOARD_PRICE);

  /* A toggle a finger taps per service and per collection. */
  self->service_buttons = g_ptr_array_new ();
  {
    guint n = 0;
    const VtrService *all = vtr_service_all (&n);

    for (guint i = 0; i < n; i++)
      {
        GtkWidget *button = gtk_toggle_button_new_with_label (vtr_service_label (&all[i]));

        wrap_label (button);
        gtk_widget_add_css_class (button, "kiosk-button");
        g_object_set_data (G_OBJECT (button), "service", (gpointer) all[i].id);
        gtk_flow_box_append (self->services_box, button);
        g_ptr_array_add (self->service_buttons, button);
      }
  }
  for (guint k = 0; k < G_N_ELEMENTS (self->collection_buttons); k++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (vtr_collection_kind_label (k));

      wrap_label (button);
      gtk_widget_add_css_class (button, "kiosk-button");
      gtk_flow_box_append (self->collections_box, button);
      self->collection_buttons[k] = button;
    }

  /* Enter in the barcode looks it up; in the price, saves. */
  g_signal_connect_swapped (self->gtin_entry, "activate", G_CALLBACK (on_gtin_activate), self);
  g_signal_connect_swapped (self->gtin_entry, "changed", G_CALLBACK (on_gtin_changed), self);
  g_signal_connect_swapped (self->promo_target_entry, "changed", G_CALLBACK (on_promo_target_changed), self);
  g_signal_connect (self->stock_suggestions, "row-activated", G_CALLBACK (on_suggestion_activated), self);
  g_signal_connect (self->promo_suggestions, "row-activated", G_CALLBACK (on_suggestion_activated), self);
  g_signal_connect_swapped (self->price_entry, "activate", G_CALLBACK (on_price_activate), self);
  g_signal_connect_swapped (self->quantity_entry, "activate", G_CALLBACK (on_price_activate), self);
  g_signal_connect_swapped (self->sections, "notify::visible-child-name", G_CALLBACK (on_section_changed), self);
}

/**
 * vtr_shop_screen_new:
 * @counter: the counter whose staff session is open
 */
GtkWidget *
vtr_shop_screen_new (VtrCounter *counter)
{
  g_return_val_if_fail (VTR_IS_COUNTER (counter), NULL);

  return g_object_new (VTR_TYPE_SHOP_SCREEN, "counter", counter, NULL);
}

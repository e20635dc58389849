#include "config.h"

#include "vitrine-ctl.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vtr-decoder.h"
#include "vtr-flashcode.h"
#include "vtr-frame-reader.h"
#include "vtr-json.h"
#include "vtr-poster-scan.h"
#include "vtr-text.h"
#include "vtr-trust.h"

/*
 * Code commands: scan (codes in image or video files), code inspect (what
 * a scanned text is) and keys import (the federation's key list).
 */

/* keys import's own option. */
static struct
{
  char *root;
} code_options;

static const GOptionEntry keys_entries[] = {
  { "root", 0, 0, G_OPTION_ARG_STRING, &code_options.root,
    N_("The federation’s root public key, when pairing"), N_("KEY") },
  { NULL }
};

/* The federation's keys this kiosk trusts, or NULL (not paired, or the
 * data cannot be opened: codes are then shown unverified, never trusted). */
static VtrKeyList *
load_trust (VtrCtlOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtrStore) store = vtr_store_open (options->data_dir, &error);
  VtrKeyList *keys;

  if (store == NULL)
    {
      g_printerr ("vitrine-ctl: %s\n", error->message);
      return NULL;
    }
  keys = vtr_trust_load (store, &error);
  if (error)
    g_printerr ("vitrine-ctl: %s\n", error->message);
  return keys;
}

static void
json_add_code_info (JsonBuilder       *builder,
                    const VtrCodeInfo *info)
{
  g_autofree char *reason = vtr_verdict_describe (info);
  g_auto(GStrv) warnings = vtr_url_warnings_to_strv (info->warnings);

  vtr_json_add_string (builder, "kind", vtr_code_kind_to_string (info->kind));
  vtr_json_add_string (builder, "verdict", vtr_verdict_to_string (info->verdict));
  vtr_json_add_string (builder, "reason", reason);
  if (info->code.product_id > 0)
    {
      vtr_json_add_int (builder, "product_id", info->code.product_id);
    }
  if (info->code.merchant_id > 0)
    {
      vtr_json_add_int (builder, "merchant_id", info->code.merchant_id);
    }
  if (info->code.promotion_id > 0)
    {
      vtr_json_add_int (builder, "promotion_id", info->code.promotion_id);
    }
  if (info->code.card_id)
    {
      vtr_json_add_string (builder, "card_id", info->code.card_id);
    }
  if (info->code.order)
    {
      vtr_json_add_string (builder, "order", info->code.order);
    }
  if (info->code.pairing)
    {
      vtr_json_add_string (builder, "pairing", info->code.pairing);
    }
  if (info->code.expires > 0)
    {
      g_autofree char *date = g_strdup_printf ("%04d-%02d-%02d", info->code.expires / 10000,
                                               info->code.expires / 100 % 100,
                                               info->code.expires % 100);
      vtr_json_add_string (builder, "expires", date);
    }
  if (info->code.kid > 0)
    {
      vtr_json_add_int (builder, "kid", info->code.kid);
    }
  if (info->gtin)
    {
      vtr_json_add_string (builder, "gtin", info->gtin);
    }
  if (info->host)
    {
      vtr_json_add_string (builder, "host", info->host);
      vtr_json_add_string (builder, "host_unicode", info->host_unicode);
    }
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings[i]; i++)
    json_builder_add_string_value (builder, warnings[i]);
  json_builder_end_array (builder);
  vtr_json_add_string (builder, "display", info->display);
}

static void
print_code_info (const VtrCodeInfo *info)
{
  g_autofree char *reason = vtr_verdict_describe (info);

  g_print ("%s: %s · %s\n", _("Code"), vtr_code_kind_to_string (info->kind),
           vtr_verdict_to_string (info->verdict));
  if (info->host_unicode)
    g_print ("%s %s%s%s%s\n", _("Host:"), info->host_unicode,
             g_strcmp0 (info->host, info->host_unicode) ? " (" : "",
             g_strcmp0 (info->host, info->host_unicode) ? info->host : "",
             g_strcmp0 (info->host, info->host_unicode) ? ")" : "");
  g_print ("%s\n%s %s\n", reason, _("Text:"), info->display);
}

/* (poster) `code scanned TEXT`: what the kiosk does when its camera reads
 * TEXT, for scripts and tests: a shop's poster is counted (a
 * `poster-scan` event in the outbox, vtr-poster-scan.c), as the app does. */
static gboolean
record_scan (VtrCtlOptions      *options,
             const VtrCodeInfo  *info,
             gboolean           *recorded,
             GError            **error)
{
  g_autoptr(VtrStore) store = vtr_store_open (options->data_dir, error);
  g_autoptr(GDateTime) now = options->when ? g_date_time_ref (options->when) : g_date_time_new_now_utc ();

  return store && vtr_poster_scan_record (store, info, now, recorded, error);
}

static int
command_code (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(VtrCodeInfo) info = NULL;
  gboolean scanned, recorded = FALSE;
  GError *error = NULL;

  if (argc != 3 || !(g_str_equal (argv[1], "inspect") || g_str_equal (argv[1], "scanned")))
    return usage_error (_("Usage: vitrine-ctl code inspect|scanned TEXT"));
  scanned = g_str_equal (argv[1], "scanned");

  keys = load_trust (options);
  info = vtr_code_classify (argv[2], -1, keys, options->when);
  if (scanned && !record_scan (options, info, &recorded, &error))
    return fail (error);
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_code_info (builder, info);
      if (scanned)
        vtr_json_add_boolean (builder, "poster_scan", recorded);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      print_code_info (info);
      if (recorded)
        g_print (_("A scan of the shop’s poster, counted for the shop.\n"));
    }
  return EXIT_SUCCESS;
}

static int
command_keys (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrStore) store = NULL;
  g_autofree char *envelope = NULL;
  GError *error = NULL;

  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return usage_error (_("Usage: vitrine-ctl keys import FILE [--root KEY]"));

  if (g_str_equal (argv[2], "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) < 0)
        return fail (error);
      g_output_stream_write (out, "", 1, NULL, NULL);
      envelope = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
    }
  else if (!g_file_get_contents (argv[2], &envelope, NULL, &error))
    return fail (error);

  if (!(store = vtr_store_open (options->data_dir, &error)) ||
      !vtr_trust_save (store, envelope, code_options.root, &error))
    return fail (error);
  g_print (_("The federation’s key list is now trusted by this kiosk.\n"));
  return EXIT_SUCCESS;
}

typedef struct
{
  VtrCtlOptions *options;
  VtrKeyList    *keys;
  const char    *path;
  VtrDecoder    *decoder;
  GPtrArray     *seen;   /* codes already printed for this file */
  guint          frames;
} ScanFile;

static gboolean
on_scan_frame (const VtrFrame *frame,
               gpointer        user_data)
{
  ScanFile *scan = user_data;
  g_autoptr(GPtrArray) codes = NULL;

  /* The first frame is read every way (it may be the only one, an image);
   * the frames of a video as a camera's. */
  codes = vtr_decoder_decode (scan->decoder, frame,
                              frame->index == 0 ? VTR_DECODE_THOROUGH : VTR_DECODE_LIVE);
  scan->frames++;

  for (guint i = 0; i < codes->len; i++)
    {
      VtrSymbol *code = g_ptr_array_index (codes, i);
      gboolean seen = FALSE;

      /* A code held in front of the camera for a second is one code. */
      for (guint k = 0; k < scan->seen->len && !seen; k++)
        {
          VtrSymbol *other = g_ptr_array_index (scan->seen, k);
          seen = other->symbology == code->symbology && g_str_equal (other->text, code->text);
        }
      if (seen)
        continue;
      g_ptr_array_add (scan->seen, vtr_symbol_copy (code));

      if (scan->options->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          vtr_json_add_string (builder, "file", scan->path);
          vtr_json_add_int (builder, "frame", frame->index);
          vtr_json_add_string (builder, "symbology", vtr_symbology_to_string (code->symbology));
          vtr_json_add_string (builder, "text", code->text);
          {
            g_autoptr(VtrCodeInfo) info = vtr_code_classify (code->text, -1, scan->keys,
                                                             scan->options->when);
            json_add_code_info (builder, info);
          }
          json_builder_set_member_name (builder, "corners");
          json_builder_begin_array (builder);
          for (int c = 0; c < code->n_corners; c++)
            {
              json_builder_begin_array (builder);
              json_builder_add_double_value (builder, round (code->corners[c].x * 10) / 10);
              json_builder_add_double_value (builder, round (code->corners[c].y * 10) / 10);
              json_builder_end_array (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          print_json (builder);
        }
      else
        {
          g_autofree char *text = vtr_text_escape_controls (code->text);
          g_autoptr(VtrCodeInfo) info = vtr_code_classify (code->text, -1, scan->keys,
                                                           scan->options->when);
          g_autofree char *reason = vtr_verdict_describe (info);
          g_autoptr(GString) corners = g_string_new (NULL);

          for (int c = 0; c < code->n_corners; c++)
            g_string_append_printf (corners, "%s(%.0f, %.0f)", c ? " " : "", code->corners[c].x,
                                    code->corners[c].y);
          if (frame->index > 0)
            /* TRANSLATORS: a video file, the frame number, the kind of code, its text */
            g_print (_("%s, frame %u: %s “%s” at %s\n"), scan->path, frame->index,
                     vtr_symbology_to_string (code->symbology), text, corners->str);
          else
            g_print (_("%s: %s “%s” at %s\n"), scan->path,
                     vtr_symbology_to_string (code->symbology), text, corners->str);
          g_print ("    %s · %s · %s\n", vtr_code_kind_to_string (info->kind),
                   vtr_verdict_to_string (info->verdict), reason);
        }
    }

  return TRUE;
}

static int
command_scan (VtrCtlOptions  *options,
              int             argc,
              char          **argv)
{
  g_autoptr(VtrDecoder) decoder = NULL;
  g_autoptr(VtrKeyList) keys = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  int status = EXIT_SUCCESS;

  if (argc < 2)
    return usage_error (_("Say which image or video files, or folders, to scan"));
  if (!vtr_scan_init (&error))
    return fail (error);

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) children = vtr_frame_reader_list_folder (argv[i], &error);

          if (children == NULL)
            {
              status = fail (g_steal_pointer (&error));
              continue;
            }
          for (guint k = 0; k < children->len; k++)
            g_ptr_array_add (files, g_strdup (g_ptr_array_index (children, k)));
        }
      else
        g_ptr_array_add (files, g_strdup (argv[i]));
    }

  decoder = vtr_decoder_new ();
  keys = load_trust (options);
  for (guint i = 0; i < files->len; i++)
    {
      ScanFile scan = { options, keys, g_ptr_array_index (files, i), decoder,
                        g_ptr_array_new_with_free_func ((GDestroyNotify) vtr_symbol_free), 0 };

      /* An unreadable file is said, and the others are still scanned. */
      if (!vtr_frame_reader_read (scan.path, on_scan_frame, &scan, &error))
        status = fail (g_steal_pointer (&error));
      else if (scan.seen->len == 0 && !options->json)
        g_print (_("%s: no code found\n"), scan.path);
      g_ptr_array_unref (scan.seen);
    }

  return status;
}

const VtrCtlCommand vtr_ctl_scan = {
  "scan", N_("PATH…"), N_("Codes in image or video files, or folders of them"),
  0, NULL, command_scan
};

const VtrCtlCommand vtr_ctl_code = {
  "code", N_("inspect|scanned TEXT"),
  N_("What a scanned text is, and whether it can be trusted (scanned: as the kiosk’s camera read it)"),
  0, NULL, command_code
};

const VtrCtlCommand vtr_ctl_keys = {
  "keys", N_("import FILE"), N_("Trust the federation’s signed key list (FILE or - for standard input)"),
  VTR_CTL_NO_JSON, keys_entries, command_keys
};

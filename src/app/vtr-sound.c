#include "config.h"

#include "vtr-sound.h"

#include <gst/gst.h>

/*
 * The kiosk's short tones: a bright one when a code is read, a low one
 * for a code that is not the federation's. One small GStreamer pipeline,
 * made once and played again (a kiosk reads thousands of codes a day).
 * VITRINE_AUDIO_SINK names another sink than the sound card, such as
 * "wavenc ! filesink location=tone.wav" for the tests.
 */

#define TONE_SAMPLES 4410 /* 0.1 s at 44.1 kHz */

struct _VtrSound
{
  GstElement *pipeline;
  GstElement *source;
  guint       bus_watch;
  gboolean    playing;  /* a tone is still going: the next waits its end */
  gboolean    broken;   /* no sound card: quiet from now on */
  guint       played;
};

/* A tone's end, or the sound card missing: the pipeline stops there. */
static gboolean
on_bus (GstBus     *bus,
        GstMessage *message,
        gpointer    data)
{
  VtrSound *self = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_debug ("No sound: %s", error->message);
      self->broken = TRUE;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR || GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->playing = FALSE;
    }
  return G_SOURCE_CONTINUE;
}

/* The pipeline, made once: at the first tone, or before it when the
 * application has a moment (vtr_sound_prepare()). */
static void
ensure_pipeline (VtrSound *self)
{
  const char *sink = g_getenv ("VITRINE_AUDIO_SINK");
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  if (self->pipeline || self->broken)
    return;
  gst_init (NULL, NULL);
  description = g_strdup_printf ("audiotestsrc name=tone wave=sine volume=0.4 samplesperbuffer=%d num-buffers=2 "
                                 "! audio/x-raw,rate=44100,channels=1 ! audioconvert ! audioresample ! %s",
                                 TONE_SAMPLES / 2, sink && *sink ? sink : "autoaudiosink");
  self->pipeline = gst_parse_launch (description, &error);
  if (self->pipeline == NULL)
    {
      g_debug ("No sound: %s", error->message);
      self->broken = TRUE;
      return;
    }
  self->source = gst_bin_get_by_name (GST_BIN (self->pipeline), "tone");
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus, self);
}

/*
 * The tones cost nothing until they are needed: the kiosk's start does
 * not wait for GStreamer's audio elements (issue 21).
 */
VtrSound *
vtr_sound_new (void)
{
  return g_new0 (VtrSound, 1);
}

/* Makes the pipeline now, so the first tone does not wait for it: the
 * application calls it once the camera shows its first frame. */
void
vtr_sound_prepare (VtrSound *self)
{
  g_return_if_fail (self != NULL);

  ensure_pipeline (self);
}

/* Plays @tone; a kiosk without a sound card stays quiet, and a tone asked
 * for while the last one still plays is dropped (they come 1.5 s apart
 * at most, a tone lasts 0.1 s). */
void
vtr_sound_play (VtrSound *self,
                VtrTone   tone)
{
  g_return_if_fail (self != NULL);

  ensure_pipeline (self);
  if (self->pipeline == NULL || self->broken || self->playing)
    return;
  g_object_set (self->source, "freq", tone == VTR_TONE_SUCCESS ? 1320.0 : 330.0, NULL);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->broken = TRUE;
      return;
    }
  self->playing = TRUE;
  self->played++;
}

/* How many tones started playing: for the tests and the benchmark. */
guint
vtr_sound_count_played (VtrSound *self)
{
  return self->played;
}

void
vtr_sound_free (VtrSound *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->source);
  g_clear_object (&self->pipeline);
  g_free (self);
}

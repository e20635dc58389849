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
  guint       played;
};

VtrSound *
vtr_sound_new (void)
{
  VtrSound *self = g_new0 (VtrSound, 1);
  const char *sink = g_getenv ("VITRINE_AUDIO_SINK");
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;

  gst_init (NULL, NULL);
  description = g_strdup_printf ("audiotestsrc name=tone wave=sine volume=0.4 samplesperbuffer=%d num-buffers=2 "
                                 "! audio/x-raw,rate=44100,channels=1 ! audioconvert ! audioresample ! %s",
                                 TONE_SAMPLES / 2, sink && *sink ? sink : "autoaudiosink");
  self->pipeline = gst_parse_launch (description, &error);
  if (self->pipeline == NULL)
    {
      g_debug ("No sound: %s", error->message);
      return self;
    }
  self->source = gst_bin_get_by_name (GST_BIN (self->pipeline), "tone");
  return self;
}

/* Plays @tone from its start; a kiosk without a sound card stays quiet. */
void
vtr_sound_play (VtrSound *self,
                VtrTone   tone)
{
  g_autoptr(GstBus) bus = NULL;

  g_return_if_fail (self != NULL);

  if (self->pipeline == NULL)
    return;
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_object_set (self->source, "freq", tone == VTR_TONE_SUCCESS ? 1320.0 : 330.0, NULL);
  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_flushing (bus, TRUE);
  gst_bus_set_flushing (bus, FALSE);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
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
  if (self->pipeline)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->source);
  g_clear_object (&self->pipeline);
  g_free (self);
}

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VTR_TONE_SUCCESS, /* a code read and understood */
  VTR_TONE_WARNING, /* a code that is not the federation's */
} VtrTone;

typedef struct _VtrSound VtrSound;

VtrSound *vtr_sound_new         (void);
void      vtr_sound_prepare     (VtrSound *self);
void      vtr_sound_play        (VtrSound *self,
                                 VtrTone   tone);
guint     vtr_sound_count_played (VtrSound *self);
void      vtr_sound_free        (VtrSound *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VtrSound, vtr_sound_free)

G_END_DECLS

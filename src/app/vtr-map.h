#pragma once

#include <gtk/gtk.h>

#include "vtr-catalog.h"

G_BEGIN_DECLS

/**
 * VtrMapPinState:
 * @VTR_MAP_PIN_UNKNOWN: the hours are not known
 * @VTR_MAP_PIN_OPEN: open now
 * @VTR_MAP_PIN_CLOSED: closed now
 */
typedef enum
{
  VTR_MAP_PIN_UNKNOWN,
  VTR_MAP_PIN_OPEN,
  VTR_MAP_PIN_CLOSED,
} VtrMapPinState;

#define VTR_TYPE_MAP (vtr_map_get_type ())
G_DECLARE_FINAL_TYPE (VtrMap, vtr_map, VTR, MAP, GtkWidget)

GtkWidget  *vtr_map_new            (void);
const char *vtr_map_get_tiles_path (VtrMap         *self);
void        vtr_map_set_tiles_path (VtrMap         *self,
                                    const char     *path);
void        vtr_map_set_here       (VtrMap         *self,
                                    double          latitude,
                                    double          longitude);
void        vtr_map_get_here       (VtrMap         *self,
                                    double         *latitude,
                                    double         *longitude);
void        vtr_map_clear_pins     (VtrMap         *self);
GtkWidget  *vtr_map_add_pin        (VtrMap         *self,
                                    gint64          merchant_id,
                                    const char     *name,
                                    double          latitude,
                                    double          longitude,
                                    VtrMapPinState  state,
                                    gboolean        poster);
guint       vtr_map_get_n_pins     (VtrMap         *self);
GtkWidget  *vtr_map_get_pin        (VtrMap         *self,
                                    guint           index);
gint64      vtr_map_pin_get_merchant_id (GtkWidget *pin);
const char *vtr_map_pin_get_name        (GtkWidget *pin);
gboolean    vtr_map_get_picking    (VtrMap         *self);
void        vtr_map_set_picking    (VtrMap         *self,
                                    gboolean        picking);
gboolean    vtr_map_pick_at        (VtrMap         *self,
                                    double          x,
                                    double          y);
void        vtr_map_locate         (VtrMap         *self,
                                    double          latitude,
                                    double          longitude,
                                    double         *x,
                                    double         *y);
void        vtr_map_center_on      (VtrMap         *self,
                                    double          latitude,
                                    double          longitude,
                                    double          zoom);
GtkWidget  *vtr_map_get_map_widget (VtrMap         *self);
guint       vtr_map_get_missing_tiles (VtrMap      *self);
VtrMapPinState vtr_map_pin_state (const VtrOpenState *open);
GtkWidget     *vtr_map_pin_badge (GtkWidget *pin);

G_END_DECLS

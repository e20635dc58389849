#include "config.h"

#include "vtr-sync-cards.h"

#include <string.h>

/*
 * A lost card looked for at the counter: in this device's journal, and
 * by its last characters on the hub (GET /api/v1/cards?suffix=…) when
 * the device is paired and the hub answers. The hub knows no phone
 * numbers: a phone finds only the cards enrolled on this device.
 */

static VtrCardMatch *
find_match (GPtrArray  *matches,
            const char *card_id)
{
  for (guint i = 0; i < matches->len; i++)
    {
      VtrCardMatch *match = g_ptr_array_index (matches, i);

      if (g_str_equal (match->card_id, card_id))
        return match;
    }
  return NULL;
}

/**
 * vtr_sync_find_cards:
 * @asked_hub: (out) (optional): whether the hub answered too
 *
 * Blocks on the network: call it from a worker thread in the app.
 *
 * Returns: (transfer container) (element-type VtrCardMatch): the cards,
 *   at most %VTR_CARD_FIND_MAX + 1
 */
GPtrArray *
vtr_sync_find_cards (VtrStore     *store,
                     const char   *phone,
                     const char   *suffix,
                     gboolean     *asked_hub,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autoptr(GPtrArray) matches = vtr_card_find (store, phone, suffix, error);
  g_autoptr(VtrSyncClient) client = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  JsonNode *cards;

  if (asked_hub)
    *asked_hub = FALSE;
  if (matches == NULL)
    return NULL;
  if (phone && *phone)
    return g_steal_pointer (&matches);
  if (!(normal = vtr_card_normalize_suffix (suffix, error)))
    return NULL;
  /* Not paired, or the hub out of reach: what this device knows. */
  if (!(client = vtr_sync_client_new (store, NULL)))
    return g_steal_pointer (&matches);
  escaped = g_uri_escape_string (normal, NULL, FALSE);
  path = g_strconcat ("/api/v1/cards?suffix=", escaped, NULL);
  if (!(answer = vtr_sync_client_get (client, path, cancellable, &local)))
    {
      g_debug ("finding a card on the hub: %s", local->message);
      return g_steal_pointer (&matches);
    }
  if (asked_hub)
    *asked_hub = TRUE;
  cards = json_object_get_member (json_node_get_object (answer), "cards");
  if (cards && JSON_NODE_HOLDS_ARRAY (cards))
    {
      JsonArray *array = json_node_get_array (cards);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *card = object ? json_object_get_string_member_with_default (object, "card", NULL) : NULL;
          VtrCardMatch *match;

          if (card == NULL || strlen (card) != 26 || !g_str_has_suffix (card, normal))
            continue;
          if ((match = find_match (matches, card)))
            {
              /* The hub's balance, plus what this device has not sent. */
              gint64 balance = 0, pending = 0;

              if (vtr_loyalty_balance (store, card, &balance, &pending, NULL) && !match->blocked)
                match->balance = json_object_get_int_member_with_default (object, "balance", 0) + pending;
              continue;
            }
          if (matches->len > VTR_CARD_FIND_MAX)
            break;
          match = g_new0 (VtrCardMatch, 1);
          match->card_id = g_strdup (card);
          match->balance = json_object_get_int_member_with_default (object, "balance", 0);
          match->from_hub = TRUE;
          g_ptr_array_add (matches, match);
        }
    }
  return g_steal_pointer (&matches);
}

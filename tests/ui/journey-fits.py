#!/usr/bin/python3
# The screens a visitor and the staff use fit a landscape screen of a
# small kiosk (1280x800, 1366x768: issue 15), not only the scan screen:
#  - the product's screen: its list of shops beside the map is wide enough
#    to show three of them whole, each with its "Commander";
#  - the basket: a product ad scanned, "Commander" tapped on its first
#    shop: the basket's order button lies within the screen, without
#    scrolling, however long the list of places to collect it;
#  - the administrator's PIN: "Administration" tapped: the keypad stands in
#    the middle of the screen (not in its left half beside an empty one),
#    every key within it.
import sys

import vtrui
from names import FR, PRODUCT_ID, PRODUCT_NAME, POSTER_SHOP_ID, BUTTON_ROLES, TEXT_ROLES

SIZE = sys.argv[1] if len(sys.argv) > 1 else '1280x800'
CONFIRM = 'Commander, payer au magasin'


def within(kiosk, node):
    x, y, w, h = kiosk.extents(node)
    return w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= kiosk.width and y + h <= kiosk.height


def journey(kiosk):
    kiosk.find(TEXT_ROLES, PRODUCT_NAME, seconds=20 * vtrui.SLOW)
    kiosk.put_away_ad()
    orders = [node for node in kiosk.visible_nodes(roles=('push button',))
              if kiosk.text_of(node) == FR['order'] and within(kiosk, node)]
    if len(orders) < 3:
        kiosk.fail("on a %dx%d screen, the product's list of shops shows %d of them whole (a narrow column "
                   "beside the map); a person should see at least three" % (kiosk.width, kiosk.height, len(orders)))
    kiosk.tap_button(FR['order'])
    confirm = kiosk.find('push button', CONFIRM,
                         what="the basket should have its button '%s'" % CONFIRM)
    if not within(kiosk, confirm):
        kiosk.fail("on a %dx%d screen, the basket's button '%s' is out of sight (%s): a person must "
                   "scroll to find how to order" % (kiosk.width, kiosk.height, CONFIRM, kiosk.describe(confirm)))

    kiosk.camera_settled()
    kiosk.tap_button(FR['home'])
    kiosk.tap_button(FR['admin'])
    five = kiosk.find(BUTTON_ROLES, '5', what="the administrator's PIN keypad should be up")
    x, y, w, h = kiosk.extents(five)
    if abs(x + w / 2 - kiosk.width / 2) > kiosk.width / 10:
        kiosk.fail("on a %dx%d screen, the administrator's PIN keypad stands aside (its middle key at x=%d), "
                   "half the screen left empty" % (kiosk.width, kiosk.height, x + w / 2))
    keys = [kiosk.find(BUTTON_ROLES, key) for key in '1234567890'] + [kiosk.find(BUTTON_ROLES, FR['ok'])]
    cut = [kiosk.describe(key) for key in keys if not within(kiosk, key)]
    if cut:
        kiosk.fail("on a %dx%d screen, the PIN keypad is cut off: %s" % (kiosk.width, kiosk.height, '; '.join(cut)))


vtrui.run(journey, size=SIZE, ad=(PRODUCT_ID, POSTER_SHOP_ID))

#!/usr/bin/python3
# A shop's product ad held up to the camera: the product's screen (its
# name, its stockists); a stockist tapped: that shop's screen; "Retour":
# the product's screen again, with the same product and the same list.
import vtrui
from names import FR, PRODUCT_ID, PRODUCT_NAME, POSTER_SHOP_ID, TEXT_ROLES


def stockists(kiosk):
    return [kiosk.text_of(n) for n in kiosk.visible_nodes(roles=('list item',)) if kiosk.text_of(n)]


def journey(kiosk):
    kiosk.find(TEXT_ROLES, PRODUCT_NAME, seconds=20 * vtrui.SLOW)
    kiosk.put_away_ad()
    try:
        shops = vtrui._wait('the stockists', lambda: stockists(kiosk))
    except vtrui.JourneyFailed:
        kiosk.fail("the product's screen lists no stockist (rows named by the shop's name)")
    shop = shops[0]
    kiosk.tap(kiosk.find('list item', shop), "the stockist row '%s'" % shop)
    kiosk.find(TEXT_ROLES, shop)
    if not kiosk.absent(TEXT_ROLES, PRODUCT_NAME, seconds=0.5):
        kiosk.fail("tapped the stockist '%s': the product '%s' is still on the screen" % (shop, PRODUCT_NAME))
    kiosk.camera_settled()
    kiosk.tap_button(FR['back'])
    kiosk.find(TEXT_ROLES, PRODUCT_NAME,
               what="after '%s' on the shop's screen, expected the product's screen again ('%s')"
                    % (FR['back'], PRODUCT_NAME))
    again = vtrui._wait('the stockists again', lambda: stockists(kiosk))
    if again[:len(shops)] != shops:
        kiosk.fail('back on the product, the stockists were %s; now %s' % (shops, again))


vtrui.run(journey, ad=(PRODUCT_ID, POSTER_SHOP_ID))

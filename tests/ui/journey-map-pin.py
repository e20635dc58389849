#!/usr/bin/python3
# The map (issue 22): a product ad held up to the camera, the product's
# screen with its stockists and their numbered pins on the map; the pin
# numbered 2 (found by the name the accessibility tree gives it, "2, shop,
# open"), tapped where a finger would land: the second shop's screen.
import vtrui
from names import BUTTON_ROLES, PRODUCT_ID, PRODUCT_NAME, POSTER_SHOP_ID, TEXT_ROLES


def stockists(kiosk):
    return [kiosk.text_of(n) for n in kiosk.visible_nodes(roles=('list item',)) if kiosk.text_of(n)]


def journey(kiosk):
    kiosk.find(TEXT_ROLES, PRODUCT_NAME, seconds=20 * vtrui.SLOW)
    kiosk.put_away_ad()
    try:
        shops = vtrui._wait('the stockists', lambda: stockists(kiosk))
    except vtrui.JourneyFailed:
        kiosk.fail("the product's screen lists no stockist (rows named by the shop's name)")
    if len(shops) < 2:
        kiosk.fail('expected at least two stockists, the screen lists %s' % shops)
    # Pin 1 is the poster's shop (starred), pin 2 the second row.
    kiosk.find(BUTTON_ROLES, '1, %s, la boutique de l’affiche' % shops[0], exact=False,
               what="expected pin 1 named for the first row's shop '%s' and the poster" % shops[0])
    pin = kiosk.find(BUTTON_ROLES, '2, %s, ' % shops[1], exact=False,
                     what="expected pin 2 named for the second row's shop '%s'" % shops[1])
    kiosk.save_screenshot('map-product')
    kiosk.tap(pin, "the map's pin 2 ('%s')" % shops[1])
    kiosk.find(TEXT_ROLES, shops[1], what="tapped pin 2: expected the screen of '%s'" % shops[1])
    if not kiosk.absent(TEXT_ROLES, PRODUCT_NAME, seconds=0.5):
        kiosk.fail("tapped pin 2: the product '%s' is still on the screen" % PRODUCT_NAME)


vtrui.run(journey, ad=(PRODUCT_ID, POSTER_SHOP_ID))

#!/usr/bin/python3
# "Ma boutique" (issue 18): the merchant at the counter types the staff
# PIN, opens "Ma boutique", reads a product's barcode with the USB scanner,
# types the new price on the on-screen keyboard and the quantity on the
# real one, taps Enregistrer, and sees it saved; the change is listed.
import os
import vtrui
from names import FR, BUTTON_ROLES, ENTRY_ROLES, TEXT_ROLES, PRODUCT_NAME, PRODUCT_GTIN

SHOP = 117  # Boucherie Roux: sells the demo's product 13 at 9,40 €
PIN = '2468'


def expect_entry(kiosk, node, text, what):
    held = kiosk.wait_entry_text(node, text)
    if held != text:
        kiosk.fail('%s: expected %r, the entry holds %r' % (what, text, held))


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.tap_button('Ma boutique : stock, prix, horaires')
    kiosk.wait_for_text('Montrez le code-barres', what='"Ma boutique" should ask for a product\'s barcode')
    kiosk.save_screenshot('shop-stock-empty')

    kiosk.scanner(PRODUCT_GTIN)
    kiosk.find(TEXT_ROLES, PRODUCT_NAME, what="the scanner read %s: expected the product's name" % PRODUCT_GTIN)
    price = kiosk.find(ENTRY_ROLES, 'Prix en euros')
    expect_entry(kiosk, price, '9,40', 'the price the shop sells it at')
    kiosk.tap(price, 'the price entry')
    for _ in range(4):
        kiosk.tap_button(FR['erase'])
    expect_entry(kiosk, price, '', 'the price erased with the on-screen key')
    for key in '12,5':
        kiosk.tap_button(key)
    expect_entry(kiosk, price, '12,5', 'the price tapped on the on-screen keys')
    quantity = kiosk.find(ENTRY_ROLES, 'Quantité en rayon')
    kiosk.tap(quantity, 'the quantity entry')
    kiosk.type('6')
    expect_entry(kiosk, quantity, '6', 'the quantity typed on the keyboard')
    kiosk.save_screenshot('shop-stock-typed')
    kiosk.tap_button('Enregistrer')
    kiosk.wait_for_text('Enregistré : %s, 12,50 €, en stock' % PRODUCT_NAME,
                        what='the new price should be said saved')
    # Listed among the changes, waiting for the next sync; undo offered.
    kiosk.wait_for_text('envoyé à la prochaine synchronisation')
    kiosk.find(BUTTON_ROLES, 'Annuler la dernière modification')
    kiosk.save_screenshot('shop-stock-saved')
    # The other sections a tap away: the week, and the shop's weeks drawn.
    kiosk.tap(kiosk.find('page tab', 'Horaires'), 'the Horaires tab')
    kiosk.find(ENTRY_ROLES, 'Lundi')
    kiosk.save_screenshot('shop-hours')
    kiosk.tap(kiosk.find('page tab', 'Promotions'), 'the Promotions tab')
    kiosk.find(ENTRY_ROLES, 'Produit ou catégorie de la promotion')
    kiosk.save_screenshot('shop-promotions')
    kiosk.tap(kiosk.find('page tab', 'Services'), 'the Services tab')
    kiosk.find(ENTRY_ROLES, 'Euros d’achat pour un point de fidélité')
    kiosk.save_screenshot('shop-services')
    kiosk.tap(kiosk.find('page tab', 'Activité'), 'the Activité tab')
    kiosk.find('image', 'L’activité de la boutique, semaine par semaine')
    kiosk.save_screenshot('shop-activity')


vtrui.run(journey, shop=(SHOP, PIN, None), size=os.environ.get('VTR_UI_SIZE', '1920x1080'))

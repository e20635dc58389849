#!/usr/bin/python3
# An order at the counter, as the shop prepares and hands it over (issue
# 15): its row tapped shows what to prepare ("1 × Saucisses de Toulouse
# 500 g" and its price); "Accepter", "Prête", then "Retirée" (a customer
# with only the order's number, a phone reservation): the order reads
# "retirée", with no pickup code scanned.
import vtrui
from names import FR, PRODUCT_ID, PRODUCT_NAME

SHOP = 117
PIN = '8642'
CUSTOMER = {'name': 'Malika', 'phone': '0611223344', 'product': PRODUCT_ID}


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.wait_for_text('Numéro de commande')
    row = kiosk.wait_for_text('Malika', what='the counter should list the shop’s order for Malika')
    item = '1 × %s' % PRODUCT_NAME
    for node in kiosk.visible_nodes():
        if item in kiosk.text_of(node):
            kiosk.fail('the order’s lines should be folded until its row is tapped')
    kiosk.tap(row, 'the order’s row')
    kiosk.wait_for_text(item, what='the order’s row tapped should show what to prepare: %s' % item)

    kiosk.tap_button('Accepter')
    kiosk.wait_for_text('en préparation', seconds=15, what='"Accepter" should make the order "en préparation"')
    kiosk.tap_button('Prête')
    kiosk.wait_for_text(' · prête', seconds=15, what='"Prête" should make the order ready')
    kiosk.tap_button('Retirée', seconds=15)
    kiosk.wait_for_text(' · retirée', seconds=15,
                        what='"Retirée" should hand the order over without its pickup code')
    kiosk.wait_for_text('remise à Malika', what='the counter should say to whom the order was handed over')


vtrui.run(journey, shop=(SHOP, PIN, CUSTOMER))

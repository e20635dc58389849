#!/usr/bin/python3
# A customer's card read by a USB barcode scanner at the counter, the
# purchase's amount already typed: the card is taken, and the amount keeps
# what the merchant typed, as the purchase's amount (the card's digits once
# went into it: 12 € became 12,2551737 €, and OK credited the wrong points).
import vtrui
from names import FR, PRODUCT_ID

SHOP = 117
PIN = '8642'
CUSTOMER = {'name': 'Malika', 'phone': '0611223344', 'product': PRODUCT_ID}


def prepare(call, hub, ctl, hub_dir, data_dir, camera, tmp):
    vtrui.sign_card(call, hub, hub_dir, tmp)


def journey(kiosk):
    code = vtrui.signed_card()
    card = code.split('/')[4]
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.wait_for_text('Numéro de commande')
    for key in '12':
        kiosk.tap_button(key)
    # Before the card, digits are an order's number: no €.
    kiosk.find('label', '12', what='1 and 2 tapped should show 12')
    took = kiosk.scanner_text(code)
    vtrui._log('the scanner typed the card (%d characters) and Enter in %.1f ms' % (len(code), took * 1000))
    kiosk.wait_for_text('Carte …%s' % card[-4:], seconds=15,
                        what='the card read by the scanner should be the counter’s card')
    kiosk.wait_for_text('12 €', what='the amount typed before the scan should stay 12 €')
    for node in kiosk.visible_nodes():
        text = kiosk.text_of(node).strip()
        if text.startswith('12') and text.endswith(' €') and text != '12 €':
            kiosk.fail("the amount reads '%s' after the scan: the card's digits went into it" % text)


vtrui.run(journey, shop=(SHOP, PIN, CUSTOMER), prepare=prepare)

#!/usr/bin/python3
# After a credit the card is done (issue 15): a card read by the USB
# scanner, 12 typed on the keyboard and Enter: "+… points crédités", and
# the counter asks for the next customer's card. 100 and Enter then credit
# nobody (no order has that number): the counter asks for a card first (the card once stayed, and the
# next amount, or stray keys a minute later, went to it without a scan).
import vtrui
from names import FR

SHOP = 117
PIN = '8642'


def prepare(call, hub, ctl, hub_dir, data_dir, camera, tmp):
    vtrui.sign_card(call, hub, hub_dir, tmp)


def journey(kiosk):
    code = vtrui.signed_card()
    card = code.split('/')[4]
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.wait_for_text('Numéro de commande')
    kiosk.scanner_text(code)
    kiosk.wait_for_text('Carte …%s' % card[-4:], seconds=15,
                        what='the card read by the scanner should be the counter’s card')
    kiosk.type('12')
    kiosk.wait_for_text('12 €', what='12 typed on the keyboard should show 12 €')
    kiosk.press('Return')
    kiosk.wait_for_text('crédité', seconds=15, what='Enter should credit the purchase of 12 €')
    kiosk.wait_for_text('Scannez la carte du client',
                        what='after the credit the counter should ask for the next customer’s card')
    # With no card, digits are an order's number: none has them, and an
    # amount needs the card first.
    kiosk.type('100')
    kiosk.find('label', '100', what='100 typed on the keyboard should show 100')
    kiosk.press('Return')
    kiosk.wait_for_text('scannez d’abord la carte du client', seconds=15,
                        what='a second amount after a credit should ask for a card, not credit the same one')
    for node in kiosk.visible_nodes():
        if 'crédité' in kiosk.text_of(node):
            kiosk.fail("the second amount was credited: the screen says '%s'" % kiosk.text_of(node))


vtrui.run(journey, shop=(SHOP, PIN, None), prepare=prepare)

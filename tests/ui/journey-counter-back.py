#!/usr/bin/python3
# The staff session ends when the counter is left for the shopper's screen
# (issue 15): "Comptoir", the shop's PIN, the counter; "Retour" tapped: the
# scan screen. "Comptoir" tapped again asks for the PIN, and shows nothing
# of the shop's session (its customers' orders, the card buttons) before it.
import vtrui
from names import FR, PRODUCT_ID

SHOP = 117
PIN = '8642'
CUSTOMER = {'name': 'Malika', 'phone': '0611223344', 'product': PRODUCT_ID}


def open_counter(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.wait_for_text('Code du personnel', what='the counter should ask for the staff PIN')


def journey(kiosk):
    open_counter(kiosk)
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.wait_for_text('Numéro de commande', what='the right PIN should open the counter')
    kiosk.wait_for_text('Malika', what='the counter should list the shop’s order for Malika')

    kiosk.tap_button(FR['back'])
    kiosk.find(('push button',), FR['counter'],
               what='"Retour" from the counter should show the shopper’s screen and its "Comptoir" button')
    open_counter(kiosk)
    for words in ('Malika', 'Numéro de commande'):
        for node in kiosk.visible_nodes():
            if words in kiosk.text_of(node):
                kiosk.fail("the counter opened again after \"Retour\" shows '%s' before the PIN: "
                           'the staff session was not ended' % words)
    if not kiosk.absent('push button', 'Nouveau client : créer une carte', seconds=0.5):
        kiosk.fail('the counter opened again after "Retour" offers to make a card without the PIN')


vtrui.run(journey, shop=(SHOP, PIN, CUSTOMER))

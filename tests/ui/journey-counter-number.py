#!/usr/bin/python3
# A customer at the counter says the number of their order, "1207" of
# "XC-1207" (numbers have letters, the counter's keypad none): with no card
# scanned, 1207 typed on the keyboard and Enter shows that order, older than
# the six the counter lists, ready, with its "Retirée"; tapped, it is handed
# over. 5396 tapped on the keypad, two ready orders have those digits: the
# counter says so and shows both. (The digits were taken for an amount:
# "Scannez d'abord la carte du client".)
import datetime
import os

import vtrui
from names import FR, PRODUCT_ID

SHOP = 117
PIN = '8642'
SAID = (('XA-5396', 'Malika'), ('XB-5396', 'Karim'), ('XC-1207', 'Zoé'))
NEWER = (('YA-0001', 'Inès'), ('YA-0002', 'Paul'), ('YA-0003', 'Léa'), ('YA-0004', 'Hugo'),
         ('YA-0005', 'Nora'), ('YA-0006', 'Sami'))


def prepare(call, hub, ctl, hub_dir, data_dir, camera, tmp):
    # Pickup codes issued by the federation with these numbers: a kiosk
    # gives them to its orders in their order.
    pickup = os.path.join(tmp, 'pickup-codes.txt')
    with open(pickup, 'w') as f:
        for number, _ in SAID + NEWER:
            f.write(call(hub, 'sign', 'pickup', number, '--data-dir', hub_dir).strip() + '\n')
    call(ctl, 'order', 'stock', pickup, '--data-dir', data_dir)
    session = call(ctl, 'merchant', 'login', str(SHOP), '--data-dir', data_dir, stdin=PIN + '\n').strip()
    # The orders the customers name were placed this morning, and made
    # ready; six more came since, which the counter lists first.
    morning = (datetime.datetime.now() - datetime.timedelta(hours=3)).strftime('%Y-%m-%dT%H:%M')
    for number, name in SAID + NEWER:
        placed = call(ctl, 'order', 'create', '--merchant', str(SHOP), '--items', '%d:1' % PRODUCT_ID,
                      '--first-name', name, '--phone', '0611223344', '--data-dir', data_dir,
                      *(('--at', morning) if (number, name) in SAID else ()))
        if number not in placed:
            raise vtrui.JourneyFailed('preparing: the order for %s should be %s: %s' % (name, number, placed))
        if (number, name) in SAID:
            for step in ('accept', 'ready'):
                call(ctl, 'order', step, number, '--session', session, '--data-dir', data_dir)


def shown_words(kiosk):
    return [kiosk.text_of(node) for node in kiosk.visible_nodes()]


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    kiosk.wait_for_text('Numéro de commande', what='with no card scanned, the keypad should say it takes an '
                        'order’s number (and that a purchase needs the card)')
    kiosk.wait_for_text('Sami', what='the counter should list the latest orders')
    if any('Zoé' in words for words in shown_words(kiosk)):
        kiosk.fail('Zoé’s order is older than the six the counter lists: it should not be shown yet')
    kiosk.save_screenshot('counter-number-1-open')

    # The keyboard: 1207, Enter.
    kiosk.type('1207')
    kiosk.find('label', '1207', what='1207 typed on the keyboard should show 1207 (an order’s number, no €)')
    kiosk.press('Return')
    kiosk.wait_for_text('XC-1207 de Zoé est prête', seconds=15,
                        what='1207 and Enter should find Zoé’s ready order XC-1207')
    kiosk.wait_for_text('Commandes numérotées …1207')
    kiosk.find('label', 'XC-1207', what='the order found should be listed')
    for words in shown_words(kiosk):
        if 'crédité' in words or 'Sami' in words:
            kiosk.fail("after 1207, the screen says '%s'" % words)
    kiosk.save_screenshot('counter-number-2-found')
    kiosk.tap_button('Retirée')
    kiosk.wait_for_text('Commande XC-1207 remise à Zoé', seconds=15,
                        what='"Retirée" should hand the order found over to Zoé')

    # The on-screen keypad: 5 3 9 6, Valider.
    kiosk.tap_pin('5396', FR['ok'])
    kiosk.wait_for_text('2 commandes prêtes ont le numéro 5396', seconds=15,
                        what='two ready orders have the digits 5396: the counter should say so')
    kiosk.find('label', 'XA-5396', what='both orders numbered 5396 should be shown')
    kiosk.find('label', 'XB-5396', what='both orders numbered 5396 should be shown')
    kiosk.wait_for_text('Malika')
    kiosk.wait_for_text('Karim')
    kiosk.save_screenshot('counter-number-3-two')
    kiosk.tap_button('Toutes les commandes')
    kiosk.wait_for_text('Sami', what='"Toutes les commandes" should list the latest orders again')


vtrui.run(journey, shop=(SHOP, PIN, None), prepare=prepare)

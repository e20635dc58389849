#!/usr/bin/python3
# An order crosses the federation as people place and fill it: a customer
# orders at a street kiosk (vitrine-ctl, its own folder, paired with the
# hub); the shop's device, this app, shows it at the counter within its
# sync; the merchant taps "Accepter" then "Prête"; the hub texts the
# customer through the gateway; the street kiosk learns the order is
# ready; the customer shows the pickup code to the shop's camera, and the
# order is collected, there and at the street kiosk.
import time

import vtrui
from names import FR, PRODUCT_ID

SHOP = 117  # Boucherie Roux, in the demo catalogue: it sells product 13
PIN = '8642'
NAME = 'Malika'
PHONE = '0611223344'


def street_learns(kiosk, number, state, what):
    """Syncs the street kiosk until it says order @number is in @state
    (the shop's device sends its steps at its next sync, every 2 s here,
    later after a failed one: it backs off for up to twice as long each
    time, which a loaded CI machine was seen to need)."""
    said = None
    deadline = time.monotonic() + 90 * vtrui.SLOW
    while time.monotonic() < deadline:
        kiosk.street('sync')
        shown = kiosk.street('order', 'show', number)
        said = shown[0]['state'] if shown else None
        if said == state:
            return
        time.sleep(1)
    kiosk.fail('%s: the street kiosk says %r' % (what, said))


def journey(kiosk):
    placed = kiosk.street('order', 'create', '--merchant', str(SHOP), '--items', '%d:1' % PRODUCT_ID,
                          '--first-name', NAME, '--phone', PHONE)[0]
    number = placed['number']
    kiosk.street('sync')
    vtrui._log('order %s placed at the street kiosk and sent to the hub' % number)

    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    # The shop's device syncs every two seconds here (thirty in a shop).
    kiosk.wait_for_text(number, seconds=30 * vtrui.SLOW,
                        what='the counter should list order %s placed at the street kiosk' % number)
    kiosk.wait_for_text(NAME, what="the order's row should name the customer %s" % NAME)
    if kiosk.texts():
        kiosk.fail('the customer was texted before anything happened: %s' % kiosk.texts())

    kiosk.tap_button('Accepter')
    kiosk.wait_for_text('en préparation', what='the order should read "en préparation" once accepted')
    kiosk.tap_button('Prête')
    kiosk.wait_for_text(' · prête', what='the order should read "prête"')
    texts = kiosk.wait_for_texts(1, 30 * vtrui.SLOW, 'the hub should text the customer that the order is ready')
    text = texts[0].get('text', '')
    if number not in text or NAME not in text:
        kiosk.fail('the text message should name %s and order %s: %r' % (NAME, number, texts[0]))
    vtrui._log('the customer was texted: %r' % text)

    street_learns(kiosk, number, 'ready', 'the street kiosk should know order %s is ready' % number)

    # The customer shows the pickup code of their ticket to the shop's camera.
    kiosk.hold_up_pickup(number)
    # Its row's state, not the "Retirée" button beside it.
    kiosk.wait_for_text(' · retirée', seconds=20 * vtrui.SLOW,
                        what='the pickup code shown to the camera should mark the order collected')
    kiosk.put_away_ad()
    street_learns(kiosk, number, 'collected', 'the street kiosk should know order %s was collected' % number)
    if len(kiosk.texts()) != 1:
        kiosk.fail('the customer should have had one text message, not %s' % kiosk.texts())


vtrui.run(journey, shop=(SHOP, PIN, None), federation=True)

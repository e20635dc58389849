#!/usr/bin/python3
# A lost card at a shop's counter, as the merchant does it: the counter
# opened with the staff PIN, "Lost card", the customer's new card held up
# to the camera, the customer's phone number typed on the keyboard and
# Enter, the card found chosen, "Block it and move the points": done, and
# back at the counter the new card shows the lost card's points. In
# English: the French of these words is not in po/fr.po yet.
import os
import shutil

import vtrui
from names import EN, PRODUCT_ID

SHOP = 117
PIN = '8642'
CUSTOMER = {'name': 'Malika', 'phone': '0611223344', 'product': PRODUCT_ID}
PHONE = '0612345678'


def prepare(call, hub, ctl, hub_dir, data_dir, camera, tmp):
    """The customer's card, enrolled here with their phone and credited
    30 €; their new blank card printed, held up to the camera."""
    stock = os.path.join(tmp, 'cards.txt')
    with open(stock, 'w') as f:
        f.write(call(hub, 'sign', 'card', '--count', '1', '--data-dir', hub_dir))
    call(ctl, 'loyalty', 'stock', stock, '--data-dir', data_dir)
    session = call(ctl, 'merchant', 'login', str(SHOP), '--data-dir', data_dir, stdin=PIN + '\n').strip()
    old = call(ctl, 'loyalty', 'enrol', '--phone', PHONE, '--session', session, '--data-dir', data_dir).split()[2]
    call(ctl, 'loyalty', 'credit', old, '--amount', '30', '--session', session, '--data-dir', data_dir)
    # Held up to the camera once "Lost card" is tapped (journey()).
    new_code = call(hub, 'sign', 'card', '--png', os.path.join(tmp, 'new-card.png'),
                    '--data-dir', hub_dir).strip()
    with open(os.path.join(tmp, 'cards-journey.txt'), 'w') as f:
        f.write('%s %s\n' % (old, new_code.split('/')[4]))


def journey(kiosk):
    with open(os.path.join(os.environ['VTR_UI_TMP'], 'cards-journey.txt')) as f:
        old, new = f.read().split()
    kiosk.tap_button(EN['counter'])
    kiosk.tap_pin(PIN, 'Confirm')
    kiosk.tap_button('Lost card: move its points to a new card')
    kiosk.wait_for_text('Lost card: first scan the customer’s new card.')
    # The new card held up to the camera: the panel takes it.
    shutil.copy(os.path.join(os.environ['VTR_UI_TMP'], 'new-card.png'), os.environ['VTR_UI_CAMERA'])
    kiosk.wait_for_text('New card …%s' % new[-6:], seconds=15,
                        what="the panel should have taken the new card shown to the camera")
    entry = kiosk.find(('entry', 'text'), 'The customer’s phone number or the lost card’s last characters')
    kiosk.tap(entry, 'the search entry')
    kiosk.type(PHONE)
    kiosk.press('Return')
    kiosk.tap_button('This one: card …%s' % old[-6:])
    kiosk.tap_button('Block it and move the points')
    kiosk.wait_for_text('Done: give the customer the new card.')
    kiosk.wait_for_text('Card …%s blocked: 30 points moved to the new card …%s.' % (old[-6:], new[-6:]))
    kiosk.tap_button('Back to the counter')
    kiosk.wait_for_text('Card …%s: 30 points' % new[-4:],
                        what='back at the counter, the new card should show the lost card’s points')


vtrui.run(journey, language='en', shop=(SHOP, PIN, CUSTOMER), prepare=prepare)

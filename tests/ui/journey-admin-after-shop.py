#!/usr/bin/python3
# The administrator's PIN screen shows nothing of the shop's customers: on a
# shop's device, the staff open the counter with their PIN (the shop's
# orders list the customer's first name), leave it, and someone taps
# "Administration": its PIN screen must not show that name nor the order.
import vtrui
from names import FR, BUTTON_ROLES, PRODUCT_ID

SHOP = 117  # Boucherie Roux, in the demo catalogue: it sells product 13
PIN = '8642'
CUSTOMER = {'name': 'Malika', 'phone': '0611223344', 'product': PRODUCT_ID}


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    order = kiosk.wait_for_text(CUSTOMER['name'],
                                what="the counter opened with the staff PIN should list the order of '%s'"
                                     % CUSTOMER['name'])
    vtrui._log('the counter shows the order: %s' % kiosk.describe(order))
    # The orders' rows (named by the order's number).
    numbers = [kiosk.text_of(n) for n in kiosk.visible_nodes(roles=('list item',)) if kiosk.text_of(n)]
    kiosk.tap_button(FR['back'])
    kiosk.find(BUTTON_ROLES, FR['admin'])
    kiosk.tap_button(FR['admin'])
    # The administrator's PIN keypad is up.
    kiosk.find(BUTTON_ROLES, FR['ok'])
    kiosk.find(BUTTON_ROLES, '5')
    private = [CUSTOMER['name']] + numbers
    shown = [kiosk.describe(n) for n in kiosk.visible_nodes()
             if any(words in kiosk.text_of(n) for words in private)]
    if shown:
        kiosk.fail("the administrator's PIN screen shows the shop's customer and orders (%s): %s"
                   % (', '.join(private), '; '.join(shown)))


vtrui.run(journey, shop=(SHOP, PIN, CUSTOMER))

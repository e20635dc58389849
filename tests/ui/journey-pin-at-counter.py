#!/usr/bin/python3
# The staff PIN chosen at the kiosk, without a terminal (issue 16): a shop's
# device paired but with no staff PIN yet; "Comptoir" tapped, the kiosk asks
# for a new PIN, typed twice on its on-screen keypad (a different PIN the
# second time is refused); then the counter opens with that PIN.
import vtrui
from names import FR, BUTTON_ROLES

SHOP = 117
PIN = '2468'
PASSWORD_ROLES = ('password text', 'entry', 'text')


def type_pin(kiosk, pin):
    for digit in pin:
        kiosk.tap_button(digit)
    kiosk.tap_button(FR['ok'])


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    # The PIN screen: a hidden entry, the keypad, Confirm and Cancel.
    kiosk.find_role(PASSWORD_ROLES)
    kiosk.find(BUTTON_ROLES, FR['ok'])
    kiosk.find(BUTTON_ROLES, 'Annuler')
    type_pin(kiosk, PIN)
    type_pin(kiosk, '1357')
    # Refused: still the PIN screen, asking again.
    kiosk.find(BUTTON_ROLES, 'Annuler')
    type_pin(kiosk, PIN)
    type_pin(kiosk, PIN)
    # Set: back where it was; the counter now asks for that PIN.
    if not kiosk.absent('push button', 'Annuler', seconds=2.0):
        kiosk.fail('the PIN screen is still shown after the same PIN was typed twice')
    kiosk.tap_button(FR['counter'])
    type_pin(kiosk, PIN)
    kiosk.wait_for_text('Nouveau client',
                        what='the counter opened with the PIN chosen should offer to make a new card')


vtrui.run(journey, shop=(SHOP, None, None))

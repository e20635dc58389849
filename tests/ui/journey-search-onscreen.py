#!/usr/bin/python3
# Search typed on the on-screen keyboard (a touch screen has no other):
# "Clavier" tapped, the letters tapped, "Rechercher" tapped; the results
# list shows the product.
import vtrui
from names import FR, SEARCH_WORDS, SEARCH_RESULT, ENTRY_ROLES


def journey(kiosk):
    entry = kiosk.find(ENTRY_ROLES, FR['search entry'])
    kiosk.tap_button(FR['keyboard'])
    for letter in SEARCH_WORDS.upper():
        kiosk.tap_button(FR['space'] if letter == ' ' else letter)
    typed = kiosk.wait_entry_text(entry, SEARCH_WORDS)
    if typed.lower() != SEARCH_WORDS:
        kiosk.fail("tapped '%s' on the on-screen keyboard; the search entry holds '%s'"
                   % (SEARCH_WORDS.upper(), typed))
    kiosk.tap_button(FR['search key'])
    kiosk.find('list item', SEARCH_RESULT)


vtrui.run(journey)

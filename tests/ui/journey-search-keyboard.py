#!/usr/bin/python3
# Search typed on the physical keyboard: the search entry tapped, a product's
# name typed key by key, Enter; the results list shows the product.
import vtrui
from names import FR, SEARCH_WORDS, SEARCH_RESULT, ENTRY_ROLES


def journey(kiosk):
    entry = kiosk.find(ENTRY_ROLES, FR['search entry'])
    kiosk.tap(entry, 'the search entry')
    kiosk.type(SEARCH_WORDS)
    typed = kiosk.wait_entry_text(entry, SEARCH_WORDS)
    if typed != SEARCH_WORDS:
        kiosk.fail("typed '%s' on the keyboard into the search entry; it holds '%s'" % (SEARCH_WORDS, typed))
    kiosk.press('Return')
    kiosk.find('list item', SEARCH_RESULT)


vtrui.run(journey)

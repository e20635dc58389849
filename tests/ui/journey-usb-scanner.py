#!/usr/bin/python3
# A USB barcode scanner (a keyboard typing a product's barcode then Enter in
# a burst) read while the search entry has the focus: the product's screen
# opens, and the search entry does not keep the digits.
import vtrui
from names import FR, PRODUCT_NAME, PRODUCT_GTIN, ENTRY_ROLES, TEXT_ROLES


def journey(kiosk):
    entry = kiosk.find(ENTRY_ROLES, FR['search entry'])
    kiosk.tap(entry, 'the search entry')
    took = kiosk.scanner(PRODUCT_GTIN)
    vtrui._log('the scanner typed %s and Enter in %.1f ms' % (PRODUCT_GTIN, took * 1000))
    if took > 0.05:
        kiosk.fail('the scanner burst took %.0f ms, over 50 ms: this machine is too slow to play a scanner'
                   % (took * 1000))
    kiosk.find(TEXT_ROLES, PRODUCT_NAME,
               what="the scanner read %s: expected the product's screen ('%s')" % (PRODUCT_GTIN, PRODUCT_NAME))
    for node in kiosk.visible_nodes(roles=ENTRY_ROLES) + [entry]:
        kept = kiosk.entry_text(node)
        if any(c.isdigit() for c in kept):
            kiosk.fail("the search entry kept the scanned digits ('%s'): a scan is not typing" % kept)


vtrui.run(journey)

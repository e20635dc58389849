#!/usr/bin/python3
# The kiosk in English (LANGUAGE=en): a product ad scanned, the product's
# screen says "Back" and "Order"; Back: the scan screen's search entry is
# "Search a product or a shop" and the language button offers "Français".
# No French name of the contract is left on either screen, and prices are
# written the English way (€7.90, not 7,90 €).
import re
import vtrui
from names import EN, FR, PRODUCT_ID, PRODUCT_NAME, POSTER_SHOP_ID, BUTTON_ROLES, ENTRY_ROLES, TEXT_ROLES

FRENCH = {FR[key] for key in FR if FR[key] != EN[key]}


def no_french(kiosk, where):
    left = [kiosk.describe(n) for n in kiosk.visible_nodes() if kiosk.text_of(n) in FRENCH]
    if left:
        kiosk.fail('in English, %s still says: %s' % (where, '; '.join(left)))


def prices_in_english(kiosk, where):
    texts = [kiosk.text_of(n) for n in kiosk.visible_nodes()]
    french = [t for t in texts if t and re.search(r'\d,\d\d\s*€', t)]
    english = [t for t in texts if t and re.search(r'€\d+\.\d\d', t)]
    if french or not english:
        kiosk.fail('in English, %s writes prices the French way: %s' % (where, '; '.join(french or texts)))


def journey(kiosk):
    kiosk.find(TEXT_ROLES, PRODUCT_NAME, seconds=20 * vtrui.SLOW)
    kiosk.put_away_ad()
    kiosk.find('push button', EN['order'])
    kiosk.find('push button', EN['back'])
    no_french(kiosk, "the product's screen")
    prices_in_english(kiosk, "the product's screen")
    kiosk.camera_settled()
    kiosk.tap_button(EN['back'])
    kiosk.find(ENTRY_ROLES, EN['search entry'])
    kiosk.find(BUTTON_ROLES, EN['language'])
    no_french(kiosk, 'the scan screen')


vtrui.run(journey, language='en', ad=(PRODUCT_ID, POSTER_SHOP_ID))

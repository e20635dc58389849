# The accessible names the journeys rely on: /work/notes/app-contract.md,
# "Accessible names the UI journeys rely on" (issue 15). French, the
# kiosk's language; English where a journey switches.

FR = {
    'back': 'Retour',
    'home': 'Accueil',
    'counter': 'Comptoir',
    'admin': 'Administration',
    'language': 'English',
    'search entry': 'Chercher un produit ou un commerce',
    'keyboard': 'Clavier',
    'space': 'Espace',
    'erase': 'Effacer',
    'search key': 'Rechercher',
    'order': 'Commander',
    'opening hours': 'Horaires',
    'ok': 'Valider',
}

EN = {
    'back': 'Back',
    'home': 'Home',
    'counter': 'Counter',
    'admin': 'Administration',
    'language': 'Français',
    'search entry': 'Search a product or a shop',
    'keyboard': 'Keyboard',
    'space': 'Space',
    'erase': 'Erase',
    'search key': 'Search',
    'order': 'Order',
    'opening hours': 'Opening hours',
    'ok': 'OK',
}

# From the demo catalogue (vitrine-ctl demo load): product 13 and its
# barcode; words that find two products (so a list of results), one's name.
PRODUCT_ID = 13
PRODUCT_NAME = 'Saucisses de Toulouse 500 g'
PRODUCT_GTIN = '3761230000136'
SEARCH_WORDS = 'savon noir'
SEARCH_RESULT = 'Savon noir 1 l'
# The shop whose poster the ad is (Boucherie Roux: it stocks the product).
POSTER_SHOP_ID = 117

ENTRY_ROLES = ('entry', 'text')
BUTTON_ROLES = ('push button', 'toggle button')
# Words on the screen: a label, or a heading (a screen's title).
TEXT_ROLES = ('label', 'heading')

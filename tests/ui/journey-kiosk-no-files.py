#!/usr/bin/python3
# In kiosk mode the screen exposes no file system: scanning an image reads
# only a removable drive's folder, or the button is hidden (issue 15). The
# scan screen's "Scanner une image…" tapped if it is there: no window may
# then offer the places of a desktop file chooser (the personal folder,
# other locations…).
import vtrui
from names import BUTTON_ROLES

# The button's words today (the contract does not name it).
SCAN_IMAGE = ('Scanner une image', 'Scan a picture')
# What GTK's file chooser shows, in French: the user's folders.
PLACES = ('Dossier personnel', 'Autres emplacements', 'Bureau', 'Récents')


def journey(kiosk):
    kiosk.find_role(('entry', 'text'))  # the scan screen is up
    buttons = [n for n in kiosk.visible_nodes(roles=BUTTON_ROLES) if kiosk.text_of(n).startswith(SCAN_IMAGE)]
    if not buttons:
        vtrui._log('no button to scan an image on the scan screen: hidden in kiosk mode')
        return
    kiosk.tap(buttons[0], "the button '%s'" % kiosk.text_of(buttons[0]))
    kiosk.absent('label', PLACES[0], seconds=1.5)
    shown = []
    for window in kiosk.app.children:
        for node in kiosk.visible_nodes(window):
            if node.roleName == 'file chooser' or kiosk.text_of(node) in PLACES:
                shown.append("%s '%s' in the window '%s'" % (node.roleName, kiosk.text_of(node), window.name))
    if shown:
        kiosk.fail("in kiosk mode, '%s' opened the file system: %s" % (kiosk.text_of(buttons[0]), '; '.join(shown)))


vtrui.run(journey)

#!/usr/bin/python3
# With a keyboard only, as a new administrator tries the kiosk:
#  - first run: "Administration" tapped, the administrator's PIN chosen on
#    the keyboard (the field has the focus), twice, each time with Enter:
#    the administration opens, not an empty "type the new PIN" prompt;
#  - "Son emplacement" typed into, then Escape: what was typed is
#    dropped, the on-screen keyboard goes down, but the administration
#    stays (its PIN is not asked again); Escape once more leaves it;
#  - "Les commerces par métier": Tab stops once on each trade, the arrows
#    move between them, and Return opens the one with the focus.
import time
import vtrui
from names import FR, BUTTON_ROLES, ENTRY_ROLES, TEXT_ROLES

PIN = '1357'


def focused(kiosk):
    """The node that has the keyboard's focus, or None."""
    import pyatspi
    for node in kiosk.visible_nodes():
        try:
            if node.getState().contains(pyatspi.STATE_FOCUSED):
                return node
        except Exception:
            pass
    return None


def focus_name(kiosk, node):
    return '%s %r' % (node.roleName, kiosk.text_of(node)) if node is not None else 'nothing'


def wait_focus(kiosk, check, what, seconds=vtrui.WAIT_SECONDS):
    """Waits until the focused node passes @check; fails with @what."""
    deadline = time.monotonic() + seconds
    while True:
        node = focused(kiosk)
        if node is not None and check(node):
            return node
        if time.monotonic() > deadline:
            kiosk.fail('%s; the focus is on %s' % (what, focus_name(kiosk, node)))
        time.sleep(0.2)


def gone(kiosk, role, name, what):
    deadline = time.monotonic() + vtrui.WAIT_SECONDS
    while any(kiosk.text_of(n) == name for n in kiosk.visible_nodes(roles=role)):
        if time.monotonic() > deadline:
            kiosk.fail(what)
        time.sleep(0.2)


def journey(kiosk):
    # The PIN chosen on the keyboard: the digits go into its field.
    kiosk.tap_button(FR['admin'])
    kiosk.wait_for_text('Choisissez le code PIN administrateur',
                        what='the first "Administration" should ask to choose its PIN')
    wait_focus(kiosk, lambda n: n.roleName in ENTRY_ROLES + ('password text',),
               'the PIN field should have the focus')
    kiosk.type(PIN)
    kiosk.press('Return')
    kiosk.wait_for_text('Tapez à nouveau le nouveau code PIN',
                        what='the PIN typed and Enter should ask for it again')
    kiosk.type(PIN)
    kiosk.press('Return')
    kiosk.find(BUTTON_ROLES, 'Synchroniser maintenant', seconds=vtrui.WAIT_SECONDS * 2,
               what='once the first PIN is set, the administration should open')
    kiosk.save_screenshot('keyboard-admin-open')

    # A field typed into, then Escape: still in the administration.
    field = kiosk.find(ENTRY_ROLES, 'Son emplacement (latitude, longitude)')
    kiosk.tap(field, 'the "Son emplacement" field')
    kiosk.find(BUTTON_ROLES, FR['space'], what='the on-screen keyboard should come up under a field touched')
    kiosk.type('43.3')
    kiosk.press('Escape')
    gone(kiosk, BUTTON_ROLES, FR['space'], 'Escape in a field should put the on-screen keyboard away')
    kiosk.find(BUTTON_ROLES, 'Synchroniser maintenant',
               what='Escape in a field should stay in the administration')
    held = kiosk.wait_entry_text(field, '43.29510, 5.37440')
    if held != '43.29510, 5.37440':
        kiosk.fail('Escape should drop what was typed in "Son emplacement": it holds %r' % held)
    if not kiosk.absent(BUTTON_ROLES, '5', seconds=0.5):
        kiosk.fail('Escape in a field should not ask for the PIN again')
    kiosk.save_screenshot('keyboard-admin-escape')
    # Escape outside a field: back, as Retour.
    kiosk.press('Escape')
    kiosk.find(ENTRY_ROLES, FR['search entry'], what='Escape outside a field should leave the administration')

    # The trades: one Tab stop each, the arrows, Return.
    kiosk.tap_button('Les commerces par métier')
    kiosk.wait_for_text('Que cherchez-vous ?')
    for _ in range(40):
        node = focused(kiosk)
        if node is not None and kiosk.text_of(node) == 'Boulangerie':
            break
        kiosk.press('Tab')
        time.sleep(0.1)
    wait_focus(kiosk, lambda n: kiosk.text_of(n) == 'Boulangerie', 'Tab should reach the first trade')
    kiosk.press('Tab')
    wait_focus(kiosk, lambda n: kiosk.text_of(n) == 'Pâtisserie',
               'Tab from "Boulangerie" should go to the next trade, "Pâtisserie", in one stop')
    kiosk.press('Right')
    wait_focus(kiosk, lambda n: kiosk.text_of(n) == 'Boucherie', 'the right arrow should go to "Boucherie"')
    kiosk.save_screenshot('keyboard-trades-focus')
    kiosk.press('Return')
    gone(kiosk, TEXT_ROLES, 'Que cherchez-vous ?', 'Return on a trade should open its shops')
    kiosk.wait_for_text('Boucherie Roux', what="Return on \"Boucherie\" should list the butchers")
    kiosk.save_screenshot('keyboard-trades-opened')


vtrui.run(journey, admin_pin=False)

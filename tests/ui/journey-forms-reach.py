#!/usr/bin/python3
# Every form of "Ma boutique" and of the administration within reach at a
# screen's size (1280×800, the demo's window; 1024×600, a small kiosk): the
# counter's PIN tapped on its keypad (at 1024×600 its "Valider" lay under
# the screen's edge), "Ma boutique", each section in turn, its page scrolled
# with a mouse wheel (XTEST buttons 5) to its end: each of its buttons,
# entries and switches lies wholly within the page's visible part at some
# point. At 1280×800 "Enregistrer la promotion" shows whole without
# scrolling (it was cut at the bottom). Or, from the counter,
# "Administration", its PIN, and its page the same way.
import os
import sys
import time

import vtrui
from names import FR

SHOP = 117
PIN = '8642'
SIZE = sys.argv[1] if len(sys.argv) > 1 else '1280x800'
# A part a test (each takes 20 to 40 s): "shop" the first three sections,
# "more" the others, "admin" the administration.
PART = sys.argv[2] if len(sys.argv) > 2 else 'shop'
CONTROLS = ('push button', 'toggle button', 'entry', 'text', 'check box', 'switch', 'spin button', 'combo box')
# Each section of "Ma boutique", and a button only it has.
SECTIONS = (('Stock', 'Chercher le produit'), ('Horaires', 'Enregistrer les horaires'),
            ('Promotions', 'Enregistrer la promotion'), ('Services', 'Enregistrer les services'),
            ('Affiches', 'Demander l’affiche du produit'))
WHEEL_DOWN = 5


def within(place, area):
    x, y, w, h = place
    ax, ay, aw, ah = area
    return w > 0 and h > 0 and x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def controls_of(kiosk, node, found=None):
    """The controls under @node that have a place, in the tree's order.
    (Not visible_nodes(): "Ma boutique"'s sections lie on one another, and
    a section shown before stays in the tree; the pane is the shown one.)"""
    found = [] if found is None else found
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is None or not kiosk.showing(child):
            continue
        if child.roleName in CONTROLS:
            found.append(child)
        controls_of(kiosk, child, found)
    return found


def shown_pane(kiosk, anchor):
    """The scrolling page that holds the button @anchor (its section tapped)."""
    def pane():
        button = kiosk.frame.findChild(lambda n: n.roleName == 'push button' and n.name == anchor,
                                       retry=False, requireResult=False)
        while button is not None and button.roleName != 'scroll pane':
            button = button.parent
        return button
    try:
        return vtrui._wait('the page holding "%s"' % anchor, pane)
    except vtrui.JourneyFailed:
        kiosk.fail('no scrolling page holds the button "%s"' % anchor)


def reach_all(kiosk, pane, what):
    """Scrolls @pane with the wheel to its end; fails naming the controls
    never wholly within its visible part and the screen."""
    px, py, pw, ph = kiosk.extents(pane)
    top, bottom = max(py, 0), min(py + ph, kiosk.height)
    visible = (max(px, 0), top, min(px + pw, kiosk.width) - max(px, 0), bottom - top)
    if visible[2] <= 0 or visible[3] <= 0:
        kiosk.fail('%s: its page is not on the screen (%d,%d %dx%d)' % (what, px, py, pw, ph))
    controls, reached = {}, set()
    from dogtail import rawinput
    last = None
    # The page's controls once (scrolling moves them, it makes none).
    started = time.monotonic()
    nodes = [(node, (node.roleName, kiosk.text_of(node))) for node in controls_of(kiosk, pane)]
    if not nodes:
        kiosk.fail('%s: its page shows no button nor entry' % what)
    for _ in range(80):
        places, count = [], {}
        for node, name in nodes:
            place = kiosk.extents(node)
            if place[2] <= 0 or place[3] <= 0:
                continue
            # A control is its role, its name and its rank among those
            # named alike.
            count[name] = count.get(name, 0) + 1
            key = name + (count[name],)
            controls[key] = place
            places.append(place)
            if within(place, visible):
                reached.add(key)
        if places == last:
            break
        last = places
        x, y = visible[0] + visible[2] // 2, visible[1] + visible[3] // 2
        rawinput.absoluteMotion(x, y)
        for _ in range(4):
            rawinput.click(x, y, WHEEL_DOWN)
        # The page glides on each notch: until a control stands still.
        mark = nodes[0][0]
        vtrui._wait('the page to settle', lambda: settled(kiosk, mark), seconds=vtrui.WAIT_SECONDS)
    missing = ["%s '%s' at %d,%d %dx%d" % ((role, name) + controls[(role, name, rank)])
               for role, name, rank in controls if (role, name, rank) not in reached]
    if missing:
        kiosk.save_screenshot('forms-reach-%s-%s' % (SIZE, what))
        kiosk.fail('%s at %s: never wholly on the screen, whatever the scroll: %s'
                   % (what, SIZE, ', '.join(missing)))
    vtrui._log('%s: %d controls, each reached (%.1f s)' % (what, len(controls), time.monotonic() - started))
    if os.environ.get('VTR_UI_LIST'):
        vtrui._log(', '.join("%s '%s'" % key[:2] for key in controls))


def settled(kiosk, node):
    before = kiosk.extents(node)
    time.sleep(0.15)
    return kiosk.extents(node) == before


def journey(kiosk):
    kiosk.tap_button(FR['counter'])
    kiosk.tap_pin(PIN, FR['ok'])
    # The counter open: its keypad whole on the screen (at 1024×600 its
    # title took three lines, and OK went under the screen's edge).
    kiosk.wait_for_text('Numéro de commande')
    keys = {}
    for node in kiosk.visible_nodes(roles=('push button', 'label')):
        words = kiosk.text_of(node)
        if (len(words) == 1 and words.isdigit()) or (node.roleName == 'push button' and words == FR['ok']):
            keys[words] = node
    for key in list('0123456789') + [FR['ok']]:
        if key not in keys or not within(kiosk.extents(keys[key]), (0, 0, kiosk.width, kiosk.height)):
            kiosk.save_screenshot('forms-reach-%s-counter' % SIZE)
            kiosk.fail('at %s the counter\'s key %s should lie within the screen: %s'
                       % (SIZE, key, kiosk.describe(keys[key]) if key in keys else 'there is none'))
    if PART == 'admin':
        # The administration, from the counter.
        kiosk.tap_button(FR['admin'])
        kiosk.tap_pin(vtrui.ADMIN_PIN, FR['ok'])
        kiosk.wait_for_text('Cette borne')
        pane = shown_pane(kiosk, 'Changer le code PIN administrateur')
        kiosk.save_screenshot('forms-reach-%s-administration' % SIZE)
        reach_all(kiosk, pane, 'the administration')
        kiosk.save_screenshot('forms-reach-%s-administration-end' % SIZE)
        return
    kiosk.tap_button('Ma boutique : stock, prix, horaires')
    for section, anchor in SECTIONS[:3] if PART == 'shop' else SECTIONS[3:]:
        kiosk.tap(kiosk.find('page tab', section), 'the section "%s"' % section)
        pane = shown_pane(kiosk, anchor)
        if SIZE == '1280x800' and section == 'Promotions':
            save = next(n for n in controls_of(kiosk, pane) if n.name == anchor)
            x, y, w, h = kiosk.extents(pane)
            if not within(kiosk.extents(save), (x, y, w, min(h, kiosk.height - y))):
                kiosk.save_screenshot('forms-reach-promotion')
                kiosk.fail('at 1280×800 "%s" should show whole without scrolling; it is at %s'
                           % (anchor, kiosk.describe(save)))
        kiosk.save_screenshot('forms-reach-%s-%s' % (SIZE, section))
        reach_all(kiosk, pane, '"Ma boutique", %s' % section)
        kiosk.save_screenshot('forms-reach-%s-%s-end' % (SIZE, section))


vtrui.run(journey, size=SIZE, shop=(SHOP, PIN, None))

#!/usr/bin/python3
# The administration at the demo's size (1280×800), a mouse's wheel turned
# over the map of "Cette borne": the page scrolls on past the map, which
# keeps its zoom (the wheel zoomed it, and a trackpad could never get past
# it). Ctrl held and the wheel turned up over the map: the map zooms in, and
# the page stays where it is.
import time

import vtrui
from names import FR

WHEEL_UP = 4
WHEEL_DOWN = 5


def map_and_scale(kiosk):
    plan = kiosk.find('panel', 'Plan', what='the administration should show the kiosk’s map ("Plan")')
    scale = None
    for node in kiosk.visible_nodes(plan, roles=('label',)):
        words = kiosk.text_of(node)
        if words.endswith('m') and words[0].isdigit():
            scale = words
    if scale is None:
        kiosk.fail('the map should show its scale (a label such as "200 m")')
    return plan, scale


def wheel(kiosk, x, y, button, times):
    from dogtail import rawinput
    rawinput.absoluteMotion(x, y)
    for _ in range(times):
        rawinput.click(x, y, button)


def settled(kiosk, plan):
    """The map's place once two looks a moment apart agree."""
    last = None
    for _ in range(40):
        place = kiosk.extents(plan)
        if place == last:
            return place
        last = place
        time.sleep(0.25)
    return last


def journey(kiosk):
    kiosk.tap_button(FR['admin'])
    kiosk.tap_pin(vtrui.ADMIN_PIN, FR['ok'])
    plan, scale = map_and_scale(kiosk)
    x, y, w, h = settled(kiosk, plan)
    # The map's top shows at the bottom of the screen: the pointer there.
    if y + 30 >= kiosk.height:
        kiosk.fail('the map should begin within the screen at %dx%d; it is at y=%d' % (kiosk.width, kiosk.height, y))
    kiosk.save_screenshot('admin-map-1-before')
    wheel(kiosk, x + w // 2, min(y + 40, kiosk.height - 10), WHEEL_DOWN, 5)
    try:
        vtrui._wait('the page to scroll or the map to zoom',
                    lambda: kiosk.extents(plan)[1] < y or map_and_scale(kiosk)[1] != scale)
    except vtrui.JourneyFailed:
        kiosk.fail('the wheel turned over the map neither scrolled the page nor zoomed the map')
    _, moved_y, _, _ = settled(kiosk, plan)
    _, scale_after = map_and_scale(kiosk)
    kiosk.save_screenshot('admin-map-2-wheel')
    if moved_y >= y:
        kiosk.fail('the wheel turned over the map should scroll the page: the map stayed at y=%d '
                   '(its scale went from %s to %s)' % (y, scale, scale_after))
    if scale_after != scale:
        kiosk.fail('the wheel alone over the map should not zoom it: its scale went from %s to %s'
                   % (scale, scale_after))

    # Ctrl and the wheel: the map zooms in, the page stays.
    x, y, w, h = kiosk.extents(plan)
    from dogtail import rawinput
    rawinput.holdKey('Control_L')
    try:
        wheel(kiosk, x + w // 2, max(y, 0) + min(h, kiosk.height - max(y, 0)) // 2, WHEEL_UP, 1)
    finally:
        rawinput.releaseKey('Control_L')
    vtrui._wait('the map to zoom in', lambda: map_and_scale(kiosk)[1] != scale_after, seconds=vtrui.WAIT_SECONDS)
    _, zoomed = map_and_scale(kiosk)
    _, still_y, _, _ = settled(kiosk, plan)
    kiosk.save_screenshot('admin-map-3-ctrl-wheel')
    if still_y != y:
        kiosk.fail('Ctrl and the wheel over the map should zoom it, not scroll the page: the map went from '
                   'y=%d to y=%d' % (y, still_y))
    vtrui._log('the scale went from %s to %s with Ctrl and the wheel' % (scale_after, zoomed))


vtrui.run(journey, size='1280x800')

#!/usr/bin/python3
# The scan screen fits the screen: at the size given (portrait 1080x1920,
# landscape 1366x768, 1280x800…), and with "large" the desktop's large text
# (150 %), the kiosk's window is no larger than the screen, and every
# button, entry and label of the scan screen lies within it (its extents
# from the accessible's Component), nothing cut off.
import sys

import vtrui
from names import BUTTON_ROLES, ENTRY_ROLES

SIZE = sys.argv[1] if len(sys.argv) > 1 else '1080x1920'
LARGE_TEXT = 'large' in sys.argv[2:]


def journey(kiosk):
    # The scan screen is up when its search entry is (whatever its name).
    kiosk.find_role(ENTRY_ROLES)
    problems = []
    window = vtrui._x_window()
    if window and (window[2] > kiosk.width or window[3] > kiosk.height):
        problems.append('the window is %dx%d on a %dx%d screen' % (window[2], window[3], kiosk.width, kiosk.height))
    checked = 0
    for node in kiosk.visible_nodes(roles=BUTTON_ROLES + ENTRY_ROLES + ('label',)):
        x, y, w, h = kiosk.extents(node)
        checked += 1
        if x < 0 or y < 0 or x + w > kiosk.width or y + h > kiosk.height:
            problems.append('%s: cut off by the screen edge' % kiosk.describe(node))
    if checked == 0:
        kiosk.fail('the scan screen shows no button, entry or label')
    if problems:
        kiosk.fail('on a %dx%d screen%s, the scan screen does not fit:\n  %s'
                   % (kiosk.width, kiosk.height, ' with large text' if LARGE_TEXT else '',
                      '\n  '.join(problems)))


vtrui.run(journey, size=SIZE, text_scale=1.5 if LARGE_TEXT else 1)

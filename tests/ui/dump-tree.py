#!/usr/bin/python3
# The kiosk's accessibility tree, as the journeys see it (dogtail's sniff
# needs a desktop; this runs headless in the journeys' harness).
#
#   tests/ui/dump-tree.py [--size 1080x1920] [--lang en] [--ad 13,7] [--all]
#                         [--tap NAME]... [--type TEXT] [--enter]
#
# Steps run in the order given, then the tree is printed: every node shown
# (--all: hidden ones too), indented, with its role, name, text and
# position on the screen.
import argparse
import time

import vtrui

TAPPABLE = ('push button', 'toggle button', 'list item', 'entry', 'text', 'check box')

parser = argparse.ArgumentParser()
parser.add_argument('--size', default='1920x1080')
parser.add_argument('--lang', default='fr')
parser.add_argument('--ad', help='PRODUCT,MERCHANT: the camera looks at this signed product ad')
parser.add_argument('--all', action='store_true', help='hidden nodes too')
parser.add_argument('--tap', action='append', dest='steps', type=lambda v: ('tap', v))
parser.add_argument('--type', action='append', dest='steps', type=lambda v: ('type', v))
parser.add_argument('--enter', action='append_const', dest='steps', const=('press', 'Return'))
parser.add_argument('--wait', action='append', dest='steps', type=lambda v: ('wait', v),
                    help='wait until the screen says this')
args = parser.parse_args()


def dump(kiosk):
    for step, value in args.steps or []:
        if step == 'tap':
            kiosk.tap(kiosk.find(TAPPABLE, value), value)
        elif step == 'type':
            kiosk.type(value)
        elif step == 'press':
            kiosk.press(value)
        elif step == 'wait':
            kiosk.wait_for_text(value)
        time.sleep(0.5)

    shown = set(kiosk.visible_nodes())

    def walk(node, depth):
        """The lines of @node and its children; a node without a place of
        its own (a stack's page) only when something under it is shown."""
        on_screen = node in shown or node is kiosk.frame
        if not on_screen and not args.all:
            return []
        try:
            where = '%d,%d %dx%d' % kiosk.extents(node)
        except Exception:
            where = None
        lines = []
        for child in node.children:
            lines += walk(child, depth + 1)
        if where is None and not lines and not args.all:
            return []
        text = kiosk.text_of(node)
        return ['%s%s %r%s [%s]' % ('  ' * depth, node.roleName, text, '' if on_screen else ' (not shown)',
                                    where or '-')] + lines

    print('\n'.join(walk(kiosk.frame, 0)))


ad = tuple(int(v) for v in args.ad.split(',')) if args.ad else None
vtrui.run(dump, size=args.size, language=args.lang, ad=ad)

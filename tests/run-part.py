#!/usr/bin/env python3
"""Runs one part of a GLib test program, so that a long program runs as two
meson tests side by side (issue 15: the suite under 5 minutes).

    run-part.py PROGRAM --only PATH...     the tests PATH..., in that order
    run-part.py PROGRAM --others PATH...   every other test of PROGRAM

The two parts of a program name the same PATHs: whatever is added to the
program later runs in its --others part, and a PATH the program no longer
has is an error, not a part that runs nothing. The part's TAP is the
program's, numbered as one run (GLib starts a plan again for each -p).
"""

import re
import subprocess
import sys


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("--only", "--others"):
        sys.exit(__doc__)
    program, mode, paths = sys.argv[1], sys.argv[2], sys.argv[3:]

    listing = subprocess.run([program, "-l"], stdout=subprocess.PIPE, text=True, check=True)
    all_paths = [line.strip() for line in listing.stdout.splitlines() if line.startswith("/")]
    unknown = [p for p in paths if p not in all_paths]
    if unknown:
        print(f"Bail out! {program} has no test {' '.join(unknown)}")
        return 1
    chosen = paths if mode == "--only" else [p for p in all_paths if p not in paths]

    args = [program, "--tap"]
    for path in chosen:
        args += ["-p", path]
    n = 0
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as run:
        for line in run.stdout:
            if re.match(r"^1\.\.\d+\s*$", line):
                continue
            test = re.match(r"^(ok|not ok) \d+(.*)$", line, re.S)
            if test:
                n += 1
                line = f"{test.group(1)} {n}{test.group(2)}"
            sys.stdout.write(line)
            sys.stdout.flush()
        status = run.wait()
    print(f"1..{n}")
    if status == 0 and n != len(chosen):
        print(f"# {len(chosen)} tests chosen, {n} ran")
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())

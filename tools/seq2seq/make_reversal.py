#!/usr/bin/env python3
"""Long-source seq2seq data for the attention comparison in docs/sequence-tasks.md.

Writes `source<TAB>target` lines where the source is a random string of
exactly LENGTH symbols from a 10-letter alphabet and the target is the same
string reversed (the reversal is the task; sources are fed as they are, not
with --reverse-source). Python's random.Random(seed) makes the files the same
on every run.

  python3 tools/seq2seq/make_reversal.py OUT_DIR [--length 40] [--train 20000] [--val 500] [--seed 1]

gives OUT_DIR/reverse40.train.tsv and OUT_DIR/reverse40.val.tsv (validation
strings never occur in training).
"""

import argparse
import os
import random

ALPHABET = "abcdefghij"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--length", type=int, default=40)
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--val", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    seen = set()
    rows = []
    while len(rows) < a.train + a.val:
        s = "".join(rng.choice(ALPHABET) for _ in range(a.length))
        if s in seen:
            continue
        seen.add(s)
        rows.append(s)
    os.makedirs(a.out, exist_ok=True)
    name = "reverse%d" % a.length
    for part, items in (("train", rows[:a.train]), ("val", rows[a.train:])):
        path = os.path.join(a.out, "%s.%s.tsv" % (name, part))
        with open(path, "w") as f:
            for s in items:
                f.write("%s\t%s\n" % (s, s[::-1]))
        print("wrote %s (%d pairs)" % (path, len(items)))


if __name__ == "__main__":
    main()

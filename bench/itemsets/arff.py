#!/usr/bin/env python3
"""arff.py: the two conversions of the itemsets bench.

  arff.py tx FILE.arff     one transaction per line for `tersa itemsets`: the
                           items "attribute=value" of the row's non-missing
                           values (a row with every value missing would be a
                           blank line: an empty transaction, counted in N as
                           Weka counts the row)
  arff.py weka OUT.txt     Weka Apriori's -I listing as "count<TAB>items"
                           lines, items sorted by bytes and joined by commas
"""
import sys


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    return s


def tx(path):
    names, data = [], False
    out = sys.stdout
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            low = line.lower()
            if not data:
                if low.startswith("@attribute"):
                    rest = line[len("@attribute"):].strip()
                    if rest[0] in "'\"":
                        end = rest.index(rest[0], 1)
                        names.append(rest[1:end])
                    else:
                        names.append(rest.split()[0])
                elif low.startswith("@data"):
                    data = True
                continue
            vals = [unquote(v) for v in line.split(",")]
            if len(vals) != len(names):
                sys.exit("arff.py: a row with %d values for %d attributes" % (len(vals), len(names)))
            out.write(",".join("%s=%s" % (n, v) for n, v in zip(names, vals) if v != "?") + "\n")


def weka(path):
    inside = False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("Large Itemsets L("):
            inside = True
            continue
        if not line.strip():
            inside = False
            continue
        if not inside:
            continue
        toks = line.split(" ")
        count, toks = toks[-1], toks[:-1]
        items, cur = [], []
        for t in toks:
            cur.append(t)
            if "=" in t:
                items.append(" ".join(cur))
                cur = []
        if cur:
            sys.exit("arff.py: cannot split %r into items" % line)
        items.sort(key=lambda s: s.encode("utf-8"))
        sys.stdout.write("%s\t%s\n" % (count, ",".join(items)))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("tx", "weka"):
        sys.exit(__doc__)
    (tx if sys.argv[1] == "tx" else weka)(sys.argv[2])

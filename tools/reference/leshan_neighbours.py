#!/usr/bin/env python3
"""Writes boundaries/source/neighbours.tsv: the real township- and village-level names of Leshan's
other county-level divisions (everything of 乐山市 but 沙湾区), from jionlp 1.5.31's division
dictionary (Apache-2.0), so the geocoder can say `outside` with the right county.

    python3 -m venv tools/.venv && tools/.venv/bin/pip install jionlp==1.5.31
    tools/.venv/bin/python tools/reference/leshan_neighbours.py > boundaries/source/neighbours.tsv

Columns: county (full name, 乐山市 prefixed for its districts), township, village (empty on a
township's own row). Sorted, so the file is the same on every run.
"""
import contextlib, io, os, sys, zipfile

with contextlib.redirect_stdout(io.StringIO()):   # jionlp prints a banner on import
    import jionlp

CITY, EXCLUDED = "乐山市", "沙湾区"

def main():
    path = os.path.join(os.path.dirname(jionlp.__file__), "dictionary", "china_location.zip")
    with zipfile.ZipFile(path) as z:
        text = z.read("china_location.txt").decode("utf-8")
    rows, level_names = set(), [None] * 5
    for line in io.StringIO(text):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        name = line.lstrip("\t").split("\t")[0]
        level_names[depth] = name
        for d in range(depth + 1, 5):
            level_names[d] = None
        if depth < 2 or level_names[1] != CITY or level_names[2] == EXCLUDED:
            continue
        county = level_names[2]
        county = county if county.endswith(("市", "县")) else CITY + county
        if depth == 3:
            rows.add((county, name, ""))
        elif depth == 4:
            rows.add((county, level_names[3], name))
    out = sys.stdout
    out.write("county\ttownship\tvillage\n")
    for r in sorted(rows):
        out.write("\t".join(r) + "\n")

if __name__ == "__main__":
    main()

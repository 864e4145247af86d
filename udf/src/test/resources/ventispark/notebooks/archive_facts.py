"""What NotebooksTest checks the notebook against, read by the independent checker.

usage: archive_facts.py VENTI_INDEX_DIFF CONF

Loads ../shared/tools/venti-index-diff (standard library only, no venti-spark code) as a module
and prints, as JSON, every clump directory entry of the indexed arenas (memstats, map order,
clump order: the order of the log), the index geometry, and the fill of every bucket that
buildindex must produce (the checker's own walk of the arenas, as `venti-index-diff entries`).
"""

import importlib.machinery
import importlib.util
import json
import sys


def load_checker(path):
    sys.dont_write_bytecode = True  # ../shared is read-only: no __pycache__ beside the checker
    loader = importlib.machinery.SourceFileLoader("venti_index_diff", path)
    spec = importlib.util.spec_from_loader("venti_index_diff", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def type_name(vid, disk_type):
    t = vid.from_disk_type(disk_type)
    if t == 0:
        return "data"
    if t == 8:
        return "dir"
    if t == 16:
        return "root"
    if 9 <= t <= 15:
        return "pointer%d" % (t - 8)
    return "corrupt"


def main(checker, conf):
    vid = load_checker(checker)
    ix = vid.Index(conf)
    arenas = []
    for (name, start, stop), arena in zip(ix.amap, ix.arenas):
        clumps = [[type_name(vid, dtype), size, uncsize, score.hex()]
                  for dtype, size, uncsize, score in arena.clump_infos()]
        arenas.append({"name": name, "sealed": bool(arena.memstats.sealed), "clumps": clumps})
    recs, _ = vid.expected_entries(ix)
    fills = {b: j - i for b, i, j in vid.group_by_bucket(recs, ix.div)}
    sections = [{"name": s.name, "start": s.start, "stop": s.stop, "blocks": s.blocks, "capacity": s.buckmax}
                for s in ix.sects]
    json.dump({"arenas": arenas, "sections": sections, "blocksize": ix.blocksize, "buckets": ix.buckets,
               "div": ix.div, "entries": len(recs), "fills": {str(b): n for b, n in fills.items()}},
              sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

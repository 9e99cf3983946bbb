#!/usr/bin/env python3
"""What a visitor's browser downloads for a search on a built portal (#16: "a phone on a slow
network answers in about a second").

Usage: search_load.py PUBLIC_FOLDER [QUERY ...]

For each query, the files the search page fetches: the manifest (search-index.json), one key
shard per pair of neighbouring characters (search/k-N.json, N = FNV-1a over the pair's UTF-16
code units modulo the manifest's key_shards, as SearchText.bucket and the page's script do),
and the first decision shard (search/d-0.json, the first page of results, newest first).
Prints raw and gzip -6 bytes (what a web server with gzip on sends) and the time on a
1 Mbit/s link (slow 3G is about 0.4-1.6 Mbit/s), ignoring latency.
"""
import gzip
import json
import os
import sys
import unicodedata

DEFAULT_QUERIES = ["罚款", "吊销", "没收违法所得", "玉水罚〔2025〕2号", "食品安全法", "河道管理条例", "责令改正"]


def bucket(token, count):
    h = 0x811C9DC5
    data = token.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % max(1, count)


# SearchText.fold's brackets; letters, digits and the folded brackets are term characters.
OPEN, CLOSE = set("([{【〔〖〘"), set(")]}】〕〗〙")


def pairs(query):
    text = unicodedata.normalize("NFKC", query).lower()
    out, run = [], []
    for ch in text:
        ch = "〔" if ch in OPEN else "〕" if ch in CLOSE else ch
        if ch.isalnum() or ch in "〔〕":
            run.append(ch)
        else:
            out += [a + b for a, b in zip(run, run[1:])] or run
            run = []
    out += [a + b for a, b in zip(run, run[1:])] or run
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    public = sys.argv[1]
    queries = sys.argv[2:] or DEFAULT_QUERIES
    manifest_path = os.path.join(public, "search-index.json")
    manifest = json.load(open(manifest_path, encoding="utf-8"))
    shards = manifest["key_shards"]
    def sizes(path):
        raw = open(path, "rb").read()
        return len(raw), len(gzip.compress(raw, 6))
    keys = [sizes(os.path.join(public, "search", f)) for f in os.listdir(os.path.join(public, "search")) if f.startswith("k-")]
    print(f"decisions={manifest['count']} key_shards={shards} key_shard_raw_avg={sum(k[0] for k in keys)//len(keys)} "
          f"key_shard_raw_max={max(k[0] for k in keys)} key_shard_gz_max={max(k[1] for k in keys)}")
    base = [sizes(manifest_path), sizes(os.path.join(public, "search", "d-0.json"))]
    for query in queries:
        files = sorted({bucket(p, shards) for p in pairs(query)})
        loads = base + [sizes(os.path.join(public, "search", f"k-{n}.json")) for n in files]
        raw, gz = sum(l[0] for l in loads), sum(l[1] for l in loads)
        print(f"query={query} files={len(loads)} raw_kib={raw/1024:.0f} gzip_kib={gz/1024:.0f} seconds_at_1mbit={gz*8/1e6:.2f}")


if __name__ == "__main__":
    main()

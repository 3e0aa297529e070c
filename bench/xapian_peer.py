#!/usr/bin/python3
"""xapian_peer.py: Xapian (Debian's python3-xapian), an Elasticsearch-class
search engine, ranking the same offers by BM25 over skill terms: what a user
would deploy instead of skillmatch. Bench harness only.

Usage: xapian_peer.py DIR   (DIR holds offers.txt and queries.txt from
bench/match_dump). Indexes every offer as a document whose terms are its
skills, then runs each query (an OR of the profile's skills, BM25) for the
top 20, and prints build time and query latency (p50, p99) as key=value lines.
"""
import os
import sys
import tempfile
import time

import xapian


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: xapian_peer.py DIR")
    folder = sys.argv[1]
    with tempfile.TemporaryDirectory(dir=folder) as dbdir:
        start = time.monotonic()
        db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
        with open(os.path.join(folder, "offers.txt")) as offers:
            for line in offers:
                parts = line.split()
                doc = xapian.Document()
                doc.set_data(parts[0])
                for skill in parts[1:]:
                    doc.add_term("S" + skill)
                db.add_document(doc)
        db.commit()
        build = time.monotonic() - start
        enquire = xapian.Enquire(db)
        enquire.set_weighting_scheme(xapian.BM25Weight())
        latencies = []
        with open(os.path.join(folder, "queries.txt")) as queries:
            for line in queries:
                terms = ["S" + s for s in line.split()]
                query = xapian.Query(xapian.Query.OP_OR, terms)
                t0 = time.monotonic()
                enquire.set_query(query)
                matches = enquire.get_mset(0, 20)
                ids = [m.document.get_data() for m in matches]
                latencies.append(time.monotonic() - t0)
                assert len(ids) <= 20
        db.close()
    latencies.sort()
    n = len(latencies)
    print(f"xapian_build_s={build:.2f}")
    print(f"xapian_query_p50_ms={latencies[n // 2] * 1e3:.2f}")
    print(f"xapian_query_p99_ms={latencies[n * 99 // 100] * 1e3:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""batch_rate.py: one client syncing offers, one by one against batched (issue 23).

    bench/batch_rate.py URL KEY [N] [BATCH]

Posts N job offers (default 2,000) one request each on one keep-alive connection, as the
partner that reached 21 offers/s did, then the same N again as POST /v1/offers/batch of
BATCH offers (default 500), alternating the two ways three times. Prints offers per second
for each run, their medians and the ratio. The offers (a title, three skills of the built-in
set, a town) are made the same way for both. They stay stored: run it on a bench database.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

SKILLS = ["urn:skillmatch:skill:" + k for k in
          ("smartphone-use", "tablet-use", "printing", "wifi-connection", "data-entry")]
TOWNS = ["Lille", "Roubaix", "Tourcoing", "Marseille", "Lyon", "Nantes"]


def offer(i):
    return {"kind": "job", "title": "Offre de synchronisation %d" % i,
            "skills": [{"uri": SKILLS[(i + k) % len(SKILLS)]} for k in range(3)],
            "location": {"place": TOWNS[i % len(TOWNS)]}}


def main():
    url, key = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
    head = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}

    def post(path, body):
        conn.request("POST", path, body=json.dumps(body), headers=head)
        r = conn.getresponse()
        data = r.read()
        if r.status == 429:
            raise SystemExit("rate limited: raise the key's --rate-limit for the bench")
        return r.status, data

    one, many = [], []
    seq = 0
    for run in range(3):
        t = time.perf_counter()
        for i in range(n):
            status, data = post("/v1/offers", offer(seq))
            seq += 1
            if status != 201:
                raise SystemExit("one by one: %d %s" % (status, data[:300]))
        one.append(n / (time.perf_counter() - t))
        t = time.perf_counter()
        for start in range(0, n, batch):
            items = [offer(seq + i) for i in range(min(batch, n - start))]
            seq += len(items)
            status, data = post("/v1/offers/batch", items)
            if status != 200 or json.loads(data)["failed"]:
                raise SystemExit("batch: %d %s" % (status, data[:300]))
        many.append(n / (time.perf_counter() - t))
        print("run %d: one by one %.0f offers/s, batches of %d %.0f offers/s" %
              (run + 1, one[-1], batch, many[-1]))
    a, b = statistics.median(one), statistics.median(many)
    print("median: one by one %.0f offers/s, batched %.0f offers/s, %.1fx" % (a, b, b / a))


main()

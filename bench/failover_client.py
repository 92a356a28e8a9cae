#!/usr/bin/env python3
"""failover_client.py — the client of bench/failover.sh (and its short form in
`make test`): writes cases continuously through two `sijill serve` processes,
each logical write with its own Idempotency-Key, retrying the same key and body
on 503 or a connection error until it is acknowledged; then checks the outcome.

  run      --ports P1,P2 --token T --log FILE --stop FILE [--writers 2]
           write until FILE exists; one JSON line per answer in --log:
           {"ev":"ans","w":writer,"n":seq,"key":k,"sent":t,"at":t,"status":s,
            "id":case id (2xx),"replayed":bool}
  first-ack --log FILE --after T
           print the time of the first acknowledged write whose request was sent
           at or after T (epoch seconds), or nothing
  gap      --log FILE --from T --to T
           print the longest interval without an acknowledged write in [T, T2]
  check    --log FILE --cases FILE
           FILE: "id<TAB>summary" of every case in the database; prints the
           acknowledged, lost, duplicated and 500 counts; exit 1 unless
           lost = duplicated = 500s = 0 and a replay matched its first answer
           (an echo answered 503 or cut is asked again, as a write is: "try
           again" is no answer to compare)

Only the loopback addresses of the two servers are contacted.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time
import uuid

RETRY_DELAY = 0.25      # seconds between retries of one write (finer than Retry-After, to measure the gap)
REQUEST_TIMEOUT = 30    # seconds for one request
ECHO_PATIENCE = 60      # seconds an echo keeps trying through 503s


def post(port, token, key, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        c.request("POST", "/api/v1/cases", body=body, headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json",
            "Idempotency-Key": key})
        r = c.getresponse()
        data = r.read()
        return r.status, data, r.getheader("Idempotency-Replayed") == "true"
    finally:
        c.close()


def echo(ports, port_i, token, key, body, first):
    """the same write once more until it gets an answer (not 503, not a lost connection)"""
    tries, until = 0, time.time() + ECHO_PATIENCE
    while True:
        tries += 1
        try:
            s2, d2, r2 = post(ports[port_i], token, key, body)
        except (OSError, http.client.HTTPException):
            s2, d2, r2 = 0, b"", False
        if s2 not in (0, 503) or time.time() >= until:
            return {"status": s2, "same": d2 == first, "replayed": r2, "tries": tries}
        time.sleep(RETRY_DELAY)
        if s2 == 0:
            port_i = (port_i + 1) % len(ports)


def writer(w, ports, token, log, lock, stop):
    n = 0
    while not os.path.exists(stop):
        n += 1
        key = str(uuid.uuid4())
        summary = "failover w%d n%d %s" % (w, n, key[:8])
        body = json.dumps({"frame": "preliminary", "offences": [{"code": "CP-505"}], "summary": summary})
        port_i = w % len(ports)
        first = None
        while True:
            sent = time.time()
            try:
                status, data, replayed = post(ports[port_i], token, key, body)
            except (OSError, http.client.HTTPException) as e:
                status, data, replayed = 0, str(e).encode(), False
            at = time.time()
            ev = {"ev": "ans", "w": w, "n": n, "key": key, "summary": summary, "sent": sent, "at": at,
                  "status": status, "replayed": replayed, "port": ports[port_i]}
            if 200 <= status < 300:
                doc = json.loads(data)
                ev["id"] = doc.get("id")
                ev["number"] = doc.get("number")
                if first is None:
                    first = data
                # ask once more with the same key: the first answer must come back, byte for byte.
                # A 503 (or no connection) says "try again", not "here is another answer": the
                # echo is retried like a write (it can land on the instant of a switchover)
                if n % 25 == 0 and not replayed:
                    ev["echo"] = echo(ports, (port_i + 1) % len(ports), token, key, body, data)
            elif status != 500:
                ev["detail"] = data[:200].decode("utf-8", "replace")
            with lock:
                log.write(json.dumps(ev) + "\n")
                log.flush()
            if 200 <= status < 300:
                break
            if status not in (0, 503):
                break  # refused (4xx) or 500: recorded, not retried
            if os.path.exists(stop):
                break
            time.sleep(RETRY_DELAY)
            if status == 0:
                port_i = (port_i + 1) % len(ports)  # that process is unreachable: try the other


def cmd_run(a):
    ports = [int(p) for p in a.ports.split(",")]
    lock = threading.Lock()
    with open(a.log, "a", encoding="utf-8") as log:
        ts = [threading.Thread(target=writer, args=(w, ports, a.token, log, lock, a.stop))
              for w in range(a.writers)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


def events(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except ValueError:
                    pass  # a line cut by the stop


def acks(path):
    return [e for e in events(path) if 200 <= e["status"] < 300]


def cmd_first_ack(a):
    best = None
    for e in acks(a.log):
        if e["sent"] >= a.after and (best is None or e["at"] < best):
            best = e["at"]
    if best is not None:
        print("%.3f" % best)


def cmd_gap(a):
    ts = sorted(e["at"] for e in acks(a.log) if a.start <= e["at"] <= a.end)
    ts = [a.start] + ts + [a.end]
    print("%.3f" % max(b - x for x, b in zip(ts, ts[1:])))


def cmd_check(a):
    in_db = {}
    with open(a.cases, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                cid, _, summary = line.partition("\t")
                in_db.setdefault(summary, []).append(cid)
    acked, five, echo_bad, statuses = {}, 0, 0, {}
    tries, replay_first, echo_retried = {}, 0, 0
    for e in events(a.log):
        tries[e["summary"]] = tries.get(e["summary"], 0) + 1
        if 200 <= e["status"] < 300 and e["summary"] not in acked and e["replayed"]:
            replay_first += 1  # its COMMIT was cut (or its answer lost): the retry found the first result
        statuses[e["status"]] = statuses.get(e["status"], 0) + 1
        if e["status"] == 500:
            five += 1
        if 200 <= e["status"] < 300:
            if e["summary"] in acked and acked[e["summary"]] != e["id"]:
                echo_bad += 1  # two different records acknowledged for one key
            acked[e["summary"]] = e["id"]
            ec = e.get("echo")
            if ec and ec.get("tries", 1) > 1:
                echo_retried += 1
            if ec and not (ec["same"] and ec["replayed"] and ec["status"] == e["status"]):
                echo_bad += 1
    lost = [s for s, cid in acked.items() if cid not in in_db.get(s, [])]
    dup = [s for s, ids in in_db.items() if s.startswith("failover ") and len(ids) > 1]
    print("acknowledged %d, in database %d, lost %d, duplicated %d, 500s %d, replay mismatches %d, answers %s;"
          " writes retried %d, of which answered by the stored first result %d; echoes retried through 503 %d"
          % (len(acked), sum(len(v) for s, v in in_db.items() if s.startswith("failover ")), len(lost), len(dup),
             five, echo_bad, json.dumps(statuses, sort_keys=True), sum(1 for n in tries.values() if n > 1),
             replay_first, echo_retried))
    for s in lost[:5]:
        print("  LOST", s)
    for s in dup[:5]:
        print("  DUPLICATED", s, in_db[s])
    return 0 if not lost and not dup and five == 0 and echo_bad == 0 and acked else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--ports", required=True)
    r.add_argument("--token", required=True)
    r.add_argument("--log", required=True)
    r.add_argument("--stop", required=True)
    r.add_argument("--writers", type=int, default=2)
    f = sub.add_parser("first-ack")
    f.add_argument("--log", required=True)
    f.add_argument("--after", type=float, required=True)
    g = sub.add_parser("gap")
    g.add_argument("--log", required=True)
    g.add_argument("--from", dest="start", type=float, required=True)
    g.add_argument("--to", dest="end", type=float, required=True)
    c = sub.add_parser("check")
    c.add_argument("--log", required=True)
    c.add_argument("--cases", required=True)
    a = p.parse_args()
    if a.cmd == "run":
        cmd_run(a)
    elif a.cmd == "first-ack":
        cmd_first_ack(a)
    elif a.cmd == "gap":
        cmd_gap(a)
    else:
        sys.exit(cmd_check(a))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""mobile_client.py — the client side of bench/mobile.sh (issue 14): plays the
kit operator and supervisor over the JSON API and the simulated device
(`sijill device-sim`) over SBI, with THREADS concurrent operators.

usage: mobile_client.py kit KIT_URL DEVICE_URL IMAGES_DIR TOUR_ID N THREADS
       mobile_client.py anchor KIT_URL N THREADS
Prints one JSON line. Python 3 standard library only; synthetic images are
made here, deterministically (nobody's fingers).
"""
import json, os, random, sys, threading, time, urllib.error, urllib.request

FINGERS = ["Right Thumb", "Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
           "Left Thumb", "Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger"]
LAT = ["Fassi", "Bennis", "Tahiri", "Kettani", "Sqalli", "Lazrak", "Berrada", "Cherkaoui", "Naciri", "Zniber"]
AR = ["الفاسي", "بنيس", "الطاهري", "الكتاني", "الصقلي", "لزرق", "برادة", "الشرقاوي", "الناصري", "زنيبر"]
GIV = [("Karim", "كريم"), ("Youssef", "يوسف"), ("Hamid", "حميد"), ("Rachid", "رشيد"), ("Omar", "عمر")]


def call(url, body=None, token=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        raise RuntimeError("%s %s -> %d %s" % (req.get_method(), url, e.code, e.read()[:200].decode("utf-8", "replace")))


def login(kit, badge):
    return call(kit + "/api/v1/session", {"badge": badge, "password": "demo-password"})["token"]


def images(root, n):
    for i in range(n):
        d = os.path.join(root, "s%06d" % i)
        os.makedirs(d, exist_ok=True)
        rnd = random.Random(i)
        for pos in FINGERS + ["Face"]:
            with open(os.path.join(d, pos + ".pgm"), "wb") as f:
                f.write(b"P5 24 24 255\n" + bytes(rnd.randrange(256) for _ in range(576)))


lock = threading.Lock()


def enrol_one(kit, dev, tour, i, tok, sup):
    g = GIV[i % len(GIV)]
    body = {"tour_id": tour, "request_type": "first", "last_name_lat": LAT[i % 10] + str(i), "first_name_lat": g[0],
            "last_name_ar": AR[i % 10], "first_name_ar": g[1], "sex": "M",
            "birth_date": "%04d-%02d-%02d" % (1950 + i % 50, 1 + i % 12, 1 + i % 28), "birth_place": "El Brouj",
            "birth_act_no": "%d/1990" % i, "father_name": "Ahmed", "mother_name": "Fatima",
            "address": "Douar %d, El Brouj" % i, "commune": "COM-RABAT",
            "docs": [{"kind": "birth_extract", "number": "BE-%d" % i}, {"kind": "residence_certificate", "number": "RC-%d" % i}]}
    e = call(kit + "/api/v1/mobile/enrolments", body, tok)
    # one device per operator thread in real life; here the device is shared, so present+capture is one step
    with lock:
        call(dev + "/sim/present", {"subject": "s%06d" % i})
        caps = call(dev + "/capture", {"transactionId": e["id"], "previousHash": e["chain_head"],
                                        "bio": [{"type": "Finger", "bioSubType": FINGERS}, {"type": "Face", "bioSubType": ["Face"]}]})
    call(kit + "/api/v1/mobile/enrolments/%s/captures" % e["id"], {"biometrics": caps["biometrics"]}, tok)
    call(kit + "/api/v1/mobile/enrolments/%s/signoff" % e["id"], None, tok, "POST")
    call(kit + "/api/v1/mobile/enrolments/%s/review" % e["id"], {"decision": "approved"}, sup)


def run(n, threads, work):
    nxt = [0]
    errs = []

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= n:
                return
            try:
                work(i)
            except Exception as ex:  # counted, printed
                errs.append(repr(ex))

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.time() - t0, errs


def main():
    if sys.argv[1] == "kit":
        kit, dev, root, tour, n, threads = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
        images(root, n)
        tok, sup = login(kit, "demo-officer"), login(kit, "demo-chief")
        secs, errs = run(n, threads, lambda i: enrol_one(kit, dev, tour, i, tok, sup))
        print(json.dumps({"enrolments": n, "seconds": round(secs, 2), "per_s": round(n / secs, 1), "errors": len(errs),
                          "first_error": errs[0] if errs else None}))
    else:
        kit, n, threads = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        tok = login(kit, "demo-officer")
        secs, errs = run(n, threads, lambda i: call(kit + "/api/v1/me", None, tok))
        print(json.dumps({"requests": n, "seconds": round(secs, 2), "per_s": round(n / secs, 1), "errors": len(errs)}))


main()

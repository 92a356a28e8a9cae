#!/usr/bin/env python3
"""gen_persons.py — a deterministic synthetic Moroccan population for the
search benchmark (issue #4), in the `sijill import persons` JSON-lines format.

usage: gen_persons.py N OUT_DIR [--seed S] [--queries Q]

Writes OUT_DIR/persons.jsonl (N persons) and OUT_DIR/queries.jsonl (Q queries
with their known answer). Python 3 standard library only; the same N and seed
always give the same bytes.

Each person has names drawn with realistic skew (Mohammed is common, most
family names are rare) from lists that hold the Arabic spelling and the
Maghrebi French-style Latin spellings seen on real documents. A person is
recorded in both scripts (70%), in Arabic only (15%) or in Latin only (15%),
each Latin name with one of its spellings. A query names a person the way an
officer would type it: another Latin spelling of the same name, or the other
script (cross-script), sometimes family name first, with the date of birth.
The answer is the person's CIN (unique).
"""
import json
import os
import random
import sys

# (Arabic, [Latin spellings...]) — the first spelling is the most frequent.
MALE = [
    ("محمد", ["Mohammed", "Mohamed", "Mohamad", "Muhammad", "Mouhamed", "Mohammad"]),
    ("أحمد", ["Ahmed", "Ahmad", "Ahmet"]),
    ("عبد الله", ["Abdellah", "Abdallah", "Abdelah", "Abdullah", "Abd Allah"]),
    ("عبد الرحمن", ["Abderrahmane", "Abderrahman", "Abdel Rahman", "Abdrahman", "Abderahmane"]),
    ("عبد الكريم", ["Abdelkrim", "Abdelkarim", "Abdel Karim", "Abdulkarim"]),
    ("عبد العزيز", ["Abdelaziz", "Abdel Aziz", "Abdulaziz"]),
    ("عبد الرحيم", ["Abderrahim", "Abderahim", "Abdelrahim", "Abdel Rahim"]),
    ("عبد اللطيف", ["Abdellatif", "Abdelatif", "Abdel Latif"]),
    ("عبد الحق", ["Abdelhak", "Abdelhaq", "Abdel Hak"]),
    ("عبد السلام", ["Abdeslam", "Abdessalam", "Abdesslam", "Abdel Salam"]),
    ("عبد الإله", ["Abdelilah", "Abdelillah", "Abdel Ilah"]),
    ("يوسف", ["Youssef", "Yousef", "Youssouf", "Yusuf", "Youcef"]),
    ("يونس", ["Younes", "Younesse", "Younis", "Yunus"]),
    ("إبراهيم", ["Brahim", "Ibrahim", "Ibrahime"]),
    ("إسماعيل", ["Ismail", "Ismaïl", "Smail", "Ismael"]),
    ("حسن", ["Hassan", "Hasan", "Hacen"]),
    ("حسين", ["Hussein", "Houssine", "Houcine", "Hossein"]),
    ("الحسن", ["Lahcen", "El Hassan", "Elhassan", "Lhassan"]),
    ("الحسين", ["Lahoucine", "El Houssine", "Lhoussaine", "Elhoucine"]),
    ("خالد", ["Khalid", "Khaled", "Halid"]),
    ("رشيد", ["Rachid", "Rashid", "Rachide"]),
    ("سعيد", ["Said", "Saïd", "Saeed", "Saaid"]),
    ("مصطفى", ["Mustapha", "Mostafa", "Moustapha", "Mustafa"]),
    ("عمر", ["Omar", "Omer", "Umar"]),
    ("علي", ["Ali", "Aly"]),
    ("كريم", ["Karim", "Kareem", "Krim"]),
    ("نور الدين", ["Noureddine", "Nour Eddine", "Nourdine", "Nour-Eddine", "Nureddin"]),
    ("عز الدين", ["Azzeddine", "Azeddine", "Izz Eddine", "Ezzeddine"]),
    ("جمال", ["Jamal", "Djamal", "Gamal", "Jamel"]),
    ("هشام", ["Hicham", "Hisham", "Hichame"]),
    ("أيوب", ["Ayoub", "Ayyoub", "Ayoube", "Aiyub"]),
    ("حمزة", ["Hamza", "Hamzah", "Hamzaa"]),
    ("إدريس", ["Driss", "Idriss", "Idris"]),
    ("عثمان", ["Othmane", "Otmane", "Osman", "Outhmane"]),
    ("زكرياء", ["Zakaria", "Zakariya", "Zakariae", "Zakariaa"]),
    ("المهدي", ["El Mehdi", "Mehdi", "Elmahdi", "Lmahdi"]),
    ("سفيان", ["Soufiane", "Sofiane", "Sufyan", "Soufyane"]),
    ("طارق", ["Tarik", "Tariq", "Tarek"]),
    ("بلال", ["Bilal", "Belal", "Billal"]),
    ("عادل", ["Adil", "Adel", "Aadil"]),
    ("نبيل", ["Nabil", "Nabile", "Nabeel"]),
    ("فؤاد", ["Fouad", "Fuad", "Fouade"]),
    ("المصطفى", ["El Mostafa", "Elmostafa", "Lmostafa", "El Moustapha"]),
    ("عبد الغني", ["Abdelghani", "Abdelghany", "Abdel Ghani"]),
    ("مراد", ["Mourad", "Murad", "Morad"]),
    ("توفيق", ["Taoufik", "Tawfiq", "Toufik", "Taoufiq"]),
    ("شكيب", ["Chakib", "Shakib", "Chakibe"]),
    ("صلاح الدين", ["Salaheddine", "Salah Eddine", "Salahdine"]),
    ("أنس", ["Anas", "Anass", "Annas"]),
    ("إلياس", ["Ilyas", "Ilias", "Elias", "Ilyass"]),
    ("امحمد", ["M'hamed", "Mhamed", "Amhamed"]),
    ("العربي", ["Larbi", "El Arbi", "Elarbi"]),
    ("الطيب", ["Tayeb", "Taib", "Et-Tayeb", "Ettayeb"]),
    ("بوشعيب", ["Bouchaib", "Bouchaïb", "Bouchaïeb"]),
    ("الحبيب", ["Lahbib", "El Habib", "Habib"]),
    ("عبد القادر", ["Abdelkader", "Abdelkadir", "Abdel Kader", "Abdelqader"]),
    ("ياسين", ["Yassine", "Yasin", "Yacine", "Yassin"]),
    ("وليد", ["Walid", "Oualid", "Ouallid"]),
    ("رضوان", ["Redouane", "Radouane", "Ridwan", "Redwane"]),
]
FEMALE = [
    ("فاطمة", ["Fatima", "Fatma", "Fatimah", "Fatema"]),
    ("فاطمة الزهراء", ["Fatima Zahra", "Fatimazahra", "Fatima Ezzahra", "Fatim Zahra"]),
    ("خديجة", ["Khadija", "Khadidja", "Khadeeja", "Hadija"]),
    ("عائشة", ["Aicha", "Aïcha", "Aisha", "Aischa"]),
    ("مريم", ["Meryem", "Maryam", "Mariam", "Meriem", "Myriam"]),
    ("زينب", ["Zineb", "Zainab", "Zeineb", "Zaynab"]),
    ("نعيمة", ["Naima", "Naïma", "Naeema", "Naaima"]),
    ("سعاد", ["Souad", "Suad", "Soad"]),
    ("حسناء", ["Hasna", "Hasnaa", "Hassna", "Husna"]),
    ("سناء", ["Sanae", "Sana", "Sanaa", "Sanaâ"]),
    ("نادية", ["Nadia", "Nadiya", "Nadya"]),
    ("ليلى", ["Leila", "Laila", "Layla", "Leïla"]),
    ("سميرة", ["Samira", "Sameera", "Smira"]),
    ("كريمة", ["Karima", "Kareema", "Krima"]),
    ("رشيدة", ["Rachida", "Rashida", "Rachidah"]),
    ("حياة", ["Hayat", "Hayate", "Hayet"]),
    ("إيمان", ["Imane", "Iman", "Imaan", "Imen"]),
    ("هند", ["Hind", "Hinde"]),
    ("سلمى", ["Salma", "Selma", "Salmaa"]),
    ("أسماء", ["Asmae", "Asmaa", "Asma", "Esma"]),
    ("هاجر", ["Hajar", "Hadjar", "Hajer", "Hagar"]),
    ("وفاء", ["Wafae", "Wafaa", "Ouafae", "Wafa"]),
    ("لطيفة", ["Latifa", "Lateefa", "Latefa"]),
    ("مليكة", ["Malika", "Malica", "Maleeka"]),
    ("زهرة", ["Zahra", "Zohra", "Zahrah"]),
    ("يسرى", ["Yousra", "Yosra", "Yusra", "Youssra"]),
    ("غزلان", ["Ghizlane", "Ghizlan", "Rhizlane", "Ghislane"]),
    ("نجاة", ["Najat", "Nadjat", "Najate"]),
    ("بشرى", ["Bouchra", "Bushra", "Bochra"]),
    ("سكينة", ["Soukaina", "Sukaina", "Soukaïna", "Soukayna"]),
    ("شيماء", ["Chaimae", "Chaima", "Shaimaa", "Chaymae"]),
    ("إكرام", ["Ikram", "Ikrame", "Ekram"]),
    ("ربيعة", ["Rabia", "Rabiaa", "Rbia"]),
    ("حليمة", ["Halima", "Haleema", "Halimah"]),
    ("كوثر", ["Kaoutar", "Kawtar", "Kaoutare", "Kouther"]),
]
LAST = [
    ("العلوي", ["El Alaoui", "Alaoui", "Elalaoui", "Al Alaoui", "Lalaoui"]),
    ("الإدريسي", ["El Idrissi", "Idrissi", "Elidrissi", "Al Idrissi", "Drissi"]),
    ("بنعلي", ["Benali", "Ben Ali", "Bin Ali", "Ibn Ali"]),
    ("بن عبد الله", ["Benabdellah", "Ben Abdellah", "Benabdallah", "Ben Abdallah"]),
    ("الفاسي", ["El Fassi", "Fassi", "Elfassi", "Al Fassi"]),
    ("التازي", ["Ettazi", "Tazi", "Et-Tazi", "El Tazi", "Attazi"]),
    ("الصالحي", ["Essalhi", "Salhi", "Es-Salhi", "El Salhi", "Assalhi"]),
    ("الناصري", ["Ennaciri", "Naciri", "Nasiri", "En-Naciri", "El Nasiri"]),
    ("الزهراوي", ["Ezzahraoui", "Zahraoui", "Ez-Zahraoui", "El Zahraoui"]),
    ("الخطيب", ["El Khatib", "Khatib", "Elkhattib", "Khattib", "Al Khatib"]),
    ("بنجلون", ["Benjelloun", "Ben Jelloun", "Bendjelloun", "Benjeloun"]),
    ("الشرقاوي", ["Cherkaoui", "Echcherkaoui", "Charkaoui", "Ech-Cherkaoui", "Sharqawi"]),
    ("الغزالي", ["El Ghazali", "Ghazali", "Elghazali", "Rhazali"]),
    ("بوزيد", ["Bouzid", "Bou Zid", "Bouzide"]),
    ("آيت علي", ["Ait Ali", "Aït Ali", "Ait-Ali", "Aitali"]),
    ("آيت الحاج", ["Ait El Haj", "Ait Lhaj", "Aït El Hadj", "Ait Elhaj"]),
    ("أولاد علي", ["Ouled Ali", "Oulad Ali", "Ould Ali"]),
    ("المنصوري", ["El Mansouri", "Mansouri", "Elmansouri", "Al Mansouri"]),
    ("القادري", ["El Kadiri", "Kadiri", "Qadiri", "El Qadiri"]),
    ("الحسني", ["El Hassani", "Hassani", "Elhassani", "Lahsini"]),
    ("الحسيني", ["El Houssaini", "Houssaini", "Husseini", "El Housseini"]),
    ("الرحموني", ["Errahmouni", "Rahmouni", "Er-Rahmouni", "El Rahmouni"]),
    ("الرامي", ["Errami", "Rami", "Er-Rami", "El Rami"]),
    ("الدكالي", ["Doukkali", "Eddoukkali", "Dukkali", "Ed-Doukkali"]),
    ("السوسي", ["Soussi", "Essoussi", "Es-Soussi", "El Soussi"]),
    ("المراكشي", ["El Marrakchi", "Marrakchi", "Elmarrakchi", "Marrakshi"]),
    ("الطنجاوي", ["Tanjaoui", "Ettanjaoui", "Et-Tanjaoui"]),
    ("بنكيران", ["Benkirane", "Ben Kirane", "Benkiran"]),
    ("بنسعيد", ["Bensaid", "Ben Said", "Bensaïd", "Ben Saeed"]),
    ("بنموسى", ["Benmoussa", "Ben Moussa", "Benmousa"]),
    ("بوطالب", ["Boutaleb", "Bou Taleb", "Boutalib"]),
    ("بوعزة", ["Bouazza", "Bou Azza", "Bouaza"]),
    ("الوزاني", ["Ouazzani", "El Ouazzani", "Wazzani", "Elouazzani"]),
    ("الشاوي", ["Chaoui", "Echchaoui", "Ech-Chaoui", "Shawi"]),
    ("العمراني", ["El Amrani", "Amrani", "Elamrani", "Lamrani"]),
    ("البقالي", ["El Bakkali", "Bakkali", "Elbakkali", "Baqali"]),
    ("الزياني", ["Zayani", "Ezzayani", "Ez-Zayani", "Ziani"]),
    ("الحجوي", ["El Hajoui", "Hajoui", "Hadjoui", "Elhajoui"]),
    ("الكتاني", ["El Kettani", "Kettani", "Kattani", "Elkettani"]),
    ("الفيلالي", ["El Filali", "Filali", "Elfilali", "Lfilali"]),
    ("الصنهاجي", ["Senhaji", "Essanhaji", "Sanhaji", "Es-Senhaji"]),
    ("الريفي", ["Errifi", "Rifi", "Er-Rifi", "El Rifi"]),
    ("الجبلي", ["El Jebli", "Jebli", "Djebli", "Eljebli"]),
    ("الشفشاوني", ["Chefchaouni", "Echefchaouni", "Chafchaouni"]),
    ("المكناسي", ["El Meknassi", "Meknassi", "Elmeknassi", "Maknassi"]),
    ("الحمداوي", ["El Hamdaoui", "Hamdaoui", "Elhamdaoui", "Lhamdaoui"]),
    ("الكبير", ["El Kabir", "Kabir", "Elkbir", "Lakbir"]),
    ("الصغير", ["Esseghir", "Seghir", "Es-Sghir", "Sghir"]),
    ("بلحاج", ["Belhaj", "Belhadj", "Bel Haj", "Belhaj"]),
    ("بلخياط", ["Belkhayat", "Bel Khayat", "Belkhiat"]),
    ("بلقاسم", ["Belkacem", "Belkassem", "Belqasem", "Bel Kacem"]),
    ("عمور", ["Amour", "Ammour", "Amor"]),
    ("الأزرق", ["El Azrak", "Azrak", "Elazraq", "Lazraq"]),
    ("الأشهب", ["El Achhab", "Achhab", "Lachhab"]),
    ("زروال", ["Zeroual", "Zerouale", "Zarwal"]),
    ("اليعقوبي", ["El Yacoubi", "Yacoubi", "Yaacoubi", "Elyaakoubi"]),
    ("المريني", ["El Merini", "Merini", "Marini", "Elmrini"]),
    ("الخياطي", ["El Khayati", "Khayati", "Elkhayati"]),
    ("الحداد", ["El Haddad", "Haddad", "Elhaddad", "Lhaddad"]),
    ("النجار", ["Ennajjar", "Najjar", "En-Najjar", "Nejjar"]),
    ("الخراز", ["El Kharraz", "Kharraz", "Elkherraz"]),
    ("الطاهري", ["Ettahiri", "Tahiri", "Et-Tahiri", "El Tahiri"]),
    ("السباعي", ["Essebai", "Sebai", "Sbai", "Es-Sbai"]),
    ("الوردي", ["El Ouardi", "Ouardi", "Wardi", "Elouardi"]),
    ("الجراري", ["El Jirari", "Jirari", "Djirari"]),
    ("الموساوي", ["El Moussaoui", "Moussaoui", "Elmoussaoui", "Mousaoui"]),
    ("الكرامي", ["El Karami", "Karami", "Elkarami"]),
    ("الهواري", ["El Houari", "Houari", "Hawari", "Elhouari"]),
    ("الدريوش", ["Driouch", "Eddriouch", "Ed-Driouch"]),
    ("أمزيان", ["Amziane", "Amzian", "Amezian"]),
    ("أوعلي", ["Ouali", "Ou Ali", "Oualy"]),
    ("أخريف", ["Akhrif", "Akhriff", "Achrif"]),
    ("أزناك", ["Aznag", "Aznague", "Azenag"]),
    ("بوعياد", ["Bouayad", "Bou Ayad", "Bouayyad"]),
    ("الساهل", ["Essahel", "Sahel", "Es-Sahel"]),
    ("الحلو", ["El Helou", "Helou", "Elhelou"]),
    ("المودن", ["El Mouden", "Mouden", "Elmouden"]),
    ("الرغاي", ["Erraghay", "Raghay", "Er-Raghay"]),
    ("الغماري", ["Ghomari", "El Ghomari", "Rhomari"]),
    ("حجي", ["Hajji", "Hadji", "Haji"]),
    ("عزوزي", ["Azzouzi", "Azouzi", "Azzouzy"]),
    ("بوشنتوف", ["Bouchentouf", "Bouchantouf", "Bouchentoff"]),
    ("التويجر", ["Touijer", "Ettouijer", "Et-Touijer"]),
    ("القباج", ["Kabbaj", "El Kabbaj", "Qabbaj", "Elkabbaj"]),
    ("برادة", ["Berrada", "Barrada", "Berada"]),
    ("بناني", ["Bennani", "Benani", "Ben Nani"]),
    ("السقاط", ["Sekkat", "Essekkat", "Es-Sekkat"]),
    ("لحلو", ["Lahlou", "Lahlu", "Lehlou"]),
    ("التادلي", ["Tadili", "Ettadili", "Et-Tadili"]),
    ("الوكيلي", ["Ouakili", "El Ouakili", "Wakili"]),
]

ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def zipf_weights(n, s):
    return [1.0 / ((i + 1) ** s) for i in range(n)]


def cumulative(ws):
    out, t = [], 0.0
    for w in ws:
        t += w
        out.append(t)
    return out


class Picker:
    def __init__(self, items, s):
        self.items = items
        self.cum = cumulative(zipf_weights(len(items), s))

    def pick(self, rng):
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]


def spelling(rng, variants):
    # the first spelling is the most frequent
    if rng.random() < 0.5:
        return variants[0]
    return rng.choice(variants)


def other_spelling(rng, variants, used):
    others = [v for v in variants if v != used]
    return rng.choice(others) if others else used


def arabic_variant(rng, ar):
    # a typist may or may not write the hamza on alef
    return ar.translate(ALEF) if rng.random() < 0.5 else ar


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    seed, nq = 20240404, 1000
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    if "--queries" in args:
        nq = int(args[args.index("--queries") + 1])
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    male, female, last = Picker(MALE, 0.9), Picker(FEMALE, 0.8), Picker(LAST, 0.6)
    prefixes = ["A", "B", "BE", "BH", "BJ", "BK", "C", "CD", "D", "DA", "E", "EE", "F", "G", "H", "I",
                "J", "JA", "JB", "K", "L", "M", "N", "P", "Q", "R", "S", "SH", "T", "U", "V", "W", "X", "Y", "Z"]
    # pick the query targets up front (deterministic)
    qrng = random.Random(seed + 1)
    targets = sorted(set(qrng.randrange(n) for _ in range(nq * 2)))[:nq]
    tset = set(targets)
    queries = []
    with open(os.path.join(out, "persons.jsonl"), "w", encoding="utf-8") as fp:
        for i in range(n):
            sex = "M" if rng.random() < 0.5 else "F"
            first = (male if sex == "M" else female).pick(rng)
            fam = last.pick(rng)
            father = male.pick(rng)
            mother = female.pick(rng)
            y = rng.randint(1945, 2007)
            bd = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
            # unique CIN: prefix + 6 digits, from the index
            cin = "%s%06d" % (prefixes[i % len(prefixes)], (i // len(prefixes)) % 1000000)
            if i >= len(prefixes) * 1000000:
                cin = "%s%s%06d" % (prefixes[i % len(prefixes)], "Z", (i // len(prefixes)) % 1000000)
            r = rng.random()
            script = "both" if r < 0.70 else ("ar" if r < 0.85 else "lat")
            p = {"cin": cin, "birth_date": bd, "sex": sex}
            fl = ll = None
            if script in ("both", "ar"):
                p["first_name_ar"] = arabic_variant(rng, first[0])
                p["last_name_ar"] = arabic_variant(rng, fam[0])
                p["father_name_ar"] = father[0]
                p["mother_name_ar"] = mother[0]
            if script in ("both", "lat"):
                fl, ll = spelling(rng, first[1]), spelling(rng, fam[1])
                p["first_name_lat"] = fl
                p["last_name_lat"] = ll
                p["father_name_lat"] = spelling(rng, father[1])
            if rng.random() < 0.1:
                p.pop("mother_name_ar", None)
            fp.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
            if i in tset:
                # the query: other script when only one is recorded (cross), else
                # a Latin spelling other than the recorded one, or Arabic
                k = qrng.random()
                if script == "ar" or (script == "both" and k < 0.35):
                    q = (spelling(qrng, first[1]), spelling(qrng, fam[1]))
                    kind = "lat->ar" if script == "ar" else "lat->both"
                elif script == "lat" and k < 0.6:
                    q = (arabic_variant(qrng, first[0]), arabic_variant(qrng, fam[0]))
                    kind = "ar->lat"
                elif script == "both" and k < 0.55:
                    q = (arabic_variant(qrng, first[0]), arabic_variant(qrng, fam[0]))
                    kind = "ar->both"
                else:
                    q = (other_spelling(qrng, first[1], fl), other_spelling(qrng, fam[1], ll))
                    kind = "lat->lat"
                text = (q[1] + " " + q[0]) if qrng.random() < 0.2 else (q[0] + " " + q[1])
                queries.append({"q": text, "birth_date": bd, "answer": cin, "kind": kind})
    with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as fq:
        for q in queries:
            fq.write(json.dumps(q, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

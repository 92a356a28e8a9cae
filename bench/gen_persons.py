#!/usr/bin/env python3
"""gen_persons.py — a deterministic synthetic Moroccan population for the
search benchmark (issues #4 and #20), in the `sijill import persons`
JSON-lines format, with queries of the kinds officers type and their known
answers.

usage: gen_persons.py N OUT_DIR [--seed S] [--queries Q]

Writes OUT_DIR/persons.jsonl (N persons) and OUT_DIR/queries.jsonl (about Q
queries). Python 3 standard library only; the same N, seed and Q always give
the same bytes.

The population
  * Given names (95, each with its Arabic spelling and the Maghrebi
    French-style Latin spellings of real documents) follow a Zipf law:
    Mohammed is very common. Fathers' names likewise.
  * Family names: the 90 common ones of the list below (a Zipf head, about 45 %
    of persons) and a long tail of rare ones (55 %), made from Arabic
    consonant roots with their Latin spellings (articles, sun-letter
    assimilation, ben/bou prefixes, nisba suffixes), one name per consonant
    skeleton, Zipf-distributed over a pool of N/10 names: some rare names are
    held by hundreds, most by a handful.
  * Namesakes: 8 % of persons are exact copies of an earlier person's names
    (same spellings) with another CIN and birth date, half of them with the
    same father; 15 % are siblings of an earlier person (same family name and
    father, another given name). Zipf does the rest: at 1M there are
    thousands of Mohammed El Alaoui.
  * Recorded in both scripts (70 %), Arabic only (15 %) or Latin only (15 %).

The queries: each has a kind, a direction (which script was typed against
which was recorded), and an expectation: "person" (the answer CIN must be in
the top 10) or "broad" (the engine must say the query is too broad). A query
expected to find its person carries enough to find it: the generator counts,
over the whole population, the persons sharing the query's information
(same names, same father, same birth year...) and only asks a "person" query
when at most 3 share it (5 for a family name alone), and a "broad" one when
at least 60 do (300 for a family name alone).

  name+dob   name in another spelling or the other script, with the date of birth
  name       the same without a date: a name held by at most 3 persons
  reversed   family name first, lower case, with the date of birth
  family     a rare family name alone
  father     first name, ben/bent + father's name, family name (no date)
  year       name with the birth year only
  swapped    name with the date of birth, day and month swapped
  cin        the CIN typed in lower case and/or with a space
  typo       name with one letter wrong (substituted, dropped, doubled or
             two letters swapped), with the date of birth
  compound   a compound given name (Abd al-X, X ad-Din) spelled another way
             (glued, separate, other script), with the date of birth
  broad      a common family name alone, or a common full name alone
"""
import array
import json
import os
import random
import sys
from collections import Counter

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

# ----------------------------------------------------------- rare names
# One Arabic letter per consonant class (the letters that Latin spellings
# cannot tell apart share a class: ت/ط, س/ص, د/ض, ق/ك, ح/ه), with the Latin
# spellings seen for it.
CONS = [
    ("ب", ["b"]), ("ت", ["t"]), ("ج", ["j", "dj"]), ("ح", ["h"]), ("خ", ["kh"]),
    ("د", ["d"]), ("ر", ["r", "rr"]), ("ز", ["z"]), ("س", ["s", "ss"]), ("ش", ["ch"]),
    ("غ", ["gh"]), ("ف", ["f"]), ("ق", ["k", "q"]), ("ل", ["l", "ll"]), ("م", ["m"]),
    ("ن", ["n"]),
]
CLASS = {ar: chr(ord("a") + i) for i, (ar, _) in enumerate(CONS)}
SUN = {"ت": "t", "د": "d", "ر": "r", "ز": "z", "س": "s", "ش": "ch", "ن": "n"}
# vowels between consonants: (Arabic letter or "", Latin spellings)
VOWELS = [("", ["a", "e"]), ("", ["ou", "o"]), ("ا", ["a"]), ("ي", ["i"]), ("و", ["ou"])]
VOWEL_W = [4, 1, 3, 2, 2]
# endings after the last consonant: nisba, -aoui, -ani, -ouni, or none
SUFFIX = [("ي", ["i"]), ("اوي", ["aoui", "awi"]), ("اني", ["ani"]), ("وني", ["ouni"]), ("", [""])]
SUFFIX_W = [5, 2, 2, 1, 3]


def skeleton_ar(ar):
    """The consonant classes of an Arabic name (crude, like the engine's)."""
    out = []
    for c in ar.translate(ALEF):
        k = CLASS.get(c) or {"ط": "b", "ص": "i", "ض": "f", "ك": "m", "ه": "d", "ظ": "f", "ذ": "f",
                             "ث": "b", "ع": "", "ا": "", "و": "", "ي": "", "ى": "", "ة": "", " ": ""}.get(c, "")
        if k and (not out or out[-1] != k):
            out.append(k)
    return "".join(out)


def strip_article_ar(ar):
    for p in ("ال", "بن ", "بن", "بو", "آيت "):
        if ar.startswith(p) and len(ar) > len(p) + 2:
            return ar[len(p):]
    return ar


def rare_name(rng, taken):
    """A family name (Arabic, [Latin spellings]) whose consonant skeleton
    (without article or prefix) no other name has."""
    while True:
        ncons = rng.choices([3, 4, 5], weights=[1, 5, 4])[0]
        cons = [rng.choice(CONS) for _ in range(ncons)]
        if any(cons[i][0] == cons[i + 1][0] for i in range(ncons - 1)):
            continue
        vows = [rng.choices(VOWELS, weights=VOWEL_W)[0] for _ in range(ncons - 1)]
        suf = rng.choices(SUFFIX, weights=SUFFIX_W)[0]
        ar = "".join(c[0] + (v[0] if i < ncons - 1 else "") for i, (c, v) in
                     enumerate(zip(cons, vows + [("", [""])]))) + suf[0]
        sk = skeleton_ar(ar)
        if sk in taken:
            continue
        taken.add(sk)
        break
    lats = []
    for _ in range(6):
        s = ""
        for i, c in enumerate(cons):
            s += rng.choice(c[1]) if i else c[1][0]
            if i < ncons - 1:
                s += rng.choice(vows[i][1])
        s += rng.choice(suf[1])
        if s not in lats:
            lats.append(s)
    r = rng.random()
    if r < 0.25 and suf[0]:
        # an article: El X, ElX, X; before a sun letter Ettazi, Et-Tazi
        ar = "ال" + ar
        sun = SUN.get(cons[0][0])
        base = lats[0]
        forms = ["El " + base.capitalize(), "El" + base, base.capitalize()]
        if sun:
            forms = ["E" + sun + base, "E" + sun + "-" + base.capitalize(), base.capitalize()]
        lats = forms + [l.capitalize() for l in lats[1:3]]
    elif r < 0.35:
        ar = "بن" + ar if rng.random() < 0.7 else "بن " + ar
        base = lats[0]
        lats = ["Ben" + base, "Ben " + base.capitalize()] + ["Ben" + l for l in lats[1:3]]
    elif r < 0.40:
        ar = "بو" + ar
        lats = ["Bou" + l for l in lats[:3]]
    lats = [l[0].upper() + l[1:] for l in lats]
    out = []
    for l in lats:
        if l not in out:
            out.append(l)
    return (ar, out)


# ------------------------------------------------------------ sampling

def zipf_cum(n, s):
    out, t = [], 0.0
    for i in range(n):
        t += 1.0 / ((i + 1) ** s)
        out.append(t)
    return out


class Picker:
    def __init__(self, n, s):
        self.n = n
        self.cum = zipf_cum(n, s)
        self.idx = list(range(n))

    def pick(self, rng):
        return rng.choices(self.idx, cum_weights=self.cum, k=1)[0]


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


PREFIXES = ["A", "B", "BE", "BH", "BJ", "BK", "C", "CD", "D", "DA", "E", "EE", "F", "G", "H", "I",
            "J", "JA", "JB", "K", "L", "M", "N", "P", "Q", "R", "S", "SH", "T", "U", "V", "W", "X", "Y", "Z"]


def cin_of(i):
    np_ = len(PREFIXES)
    if i >= np_ * 1000000:
        return "%s%s%06d" % (PREFIXES[i % np_], "Z", (i // np_) % 1000000)
    return "%s%06d" % (PREFIXES[i % np_], (i // np_) % 1000000)


NCOMMON = len(LAST)


class Names:
    """Family names by id: 0..NCOMMON-1 the common list, then the rare pool,
    made on first use from a per-id generator (stable for a given seed)."""

    def __init__(self, seed, pool):
        self.seed = seed
        self.pool = pool
        self.taken = set(skeleton_ar(strip_article_ar(a)) for a, _ in LAST)
        self.taken |= set(skeleton_ar(a) for a, _ in MALE + FEMALE)
        self.cache = {}

    def get(self, lid):
        if lid < NCOMMON:
            return LAST[lid]
        n = self.cache.get(lid)
        if n is None:
            n = rare_name(random.Random(self.seed * 7919 + lid), self.taken)
            self.cache[lid] = n
        return n


# ------------------------------------------------------------ typing

def typo(rng, s):
    """One letter wrong in s (Latin or Arabic): substituted, dropped, doubled,
    or two neighbours swapped."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 4:
        return s
    for _ in range(20):
        i = rng.choice(letters[1:-1])
        op = rng.randrange(4)
        if any("a" <= c.lower() <= "z" for c in s):
            pool = "aeioulmnrstkbdhz"
        else:
            pool = "بتدرسلمنكعفقهو"
        if op == 0:
            t = s[:i] + rng.choice([c for c in pool if c != s[i]]) + s[i + 1:]
        elif op == 1:
            t = s[:i] + s[i + 1:]
        elif op == 2:
            t = s[:i] + s[i] + s[i:]
        else:
            if not s[i + 1].isalpha() or s[i + 1] == s[i]:
                continue
            t = s[:i] + s[i + 1] + s[i] + s[i + 2:]
        if t != s:
            return t
    return s


def glue_variants(ar, lats):
    """Other ways to write a compound given name: glued or separate."""
    out = []
    if ar.startswith("عبد "):
        out.append(ar.replace("عبد ", "عبد", 1))
    if " الدين" in ar:
        out.append(ar.replace(" الدين", "الدين"))
    for l in lats:
        low = l.lower()
        if low.startswith("abdel") and " " not in l and len(l) > 6:
            out.append("Abdel " + l[5:].capitalize())
        elif low.startswith("abdel "):
            out.append("Abdel" + l[6:].lower())
        elif low.startswith("abd "):
            out.append("Abd" + l[4:].lower())
        for suf in ("eddine", "edine", "dine"):
            if low.endswith(suf) and " " not in l and len(low) > len(suf) + 2:
                out.append(l[: len(l) - len(suf)] + " Eddine")
        if " eddine" in low:
            out.append(l.replace(" Eddine", "eddine").replace(" eddine", "eddine"))
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    seed, nq = 20240404, 1100
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    if "--queries" in args:
        nq = int(args[args.index("--queries") + 1])
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    male, female, father_p = Picker(len(MALE), 0.9), Picker(len(FEMALE), 0.8), Picker(len(MALE), 0.9)
    common = Picker(NCOMMON, 1.0)
    pool = max(5000, n // 10)
    rare = Picker(pool, 0.7)
    names = Names(seed, pool)
    # the candidates for queries, picked up front (deterministic)
    qrng = random.Random(seed + 1)
    ncand = min(n, nq * 30)
    cand = set(qrng.sample(range(n), ncand)) if ncand < n else set(range(n))
    # what the counts below need, for every person: compact columns
    col_first = array.array("H")   # sex * 128 + given-name index
    col_last = array.array("I")
    col_father = array.array("B")
    col_dob = array.array("I")     # yyyymmdd
    recent = []                     # earlier persons, for namesakes and siblings
    targets = {}
    with open(os.path.join(out, "persons.jsonl"), "w", encoding="utf-8") as fp:
        for i in range(n):
            sex = "M" if rng.random() < 0.5 else "F"
            r = rng.random()
            base = recent[rng.randrange(len(recent))] if recent and r < 0.23 else None
            if base and r < 0.08 and base[0] == sex:
                # an exact namesake: same names, same spellings, other CIN and date
                _, fid, lid, script, spell, pid = base
                if rng.random() < 0.5:
                    pid = father_p.pick(rng)
            elif base:
                # a sibling: same family name and father, own given name
                _, _, lid, script, spell, pid = base
                fid = (male if sex == "M" else female).pick(rng)
                spell = (None, spell[1], spell[2])
            else:
                fid = (male if sex == "M" else female).pick(rng)
                lid = common.pick(rng) if rng.random() < 0.45 else NCOMMON + rare.pick(rng)
                pid = father_p.pick(rng)
                rs = rng.random()
                script = "both" if rs < 0.70 else ("ar" if rs < 0.85 else "lat")
                spell = (None, None, None)
            first = (MALE if sex == "M" else FEMALE)[fid]
            fam = names.get(lid)
            father = MALE[pid]
            y = rng.randint(1945, 2007)
            bd = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
            cin = cin_of(i)
            fa_ar = spell[0][0] if spell[0] else arabic_variant(rng, first[0])
            la_ar = spell[1][0] if spell[1] else arabic_variant(rng, fam[0])
            fl = spell[0][1] if spell[0] else spelling(rng, first[1])
            ll = spell[1][1] if spell[1] else spelling(rng, fam[1])
            p = {"cin": cin, "birth_date": bd, "sex": sex}
            if script in ("both", "ar"):
                p["first_name_ar"] = fa_ar
                p["last_name_ar"] = la_ar
                p["father_name_ar"] = father[0]
                p["mother_name_ar"] = FEMALE[female.pick(rng)][0]
            if script in ("both", "lat"):
                p["first_name_lat"] = fl
                p["last_name_lat"] = ll
                p["father_name_lat"] = spelling(rng, father[1])
            if rng.random() < 0.1:
                p.pop("mother_name_ar", None)
            fp.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
            entry = (sex, fid, lid, script, ((fa_ar, fl), (la_ar, ll), None), pid)
            if len(recent) < 50000:
                recent.append(entry)
            else:
                recent[rng.randrange(50000)] = entry
            col_first.append((0 if sex == "M" else 128) + fid)
            col_last.append(lid)
            col_father.append(pid)
            col_dob.append(y * 10000 + int(bd[5:7]) * 100 + int(bd[8:10]))
            if i in cand:
                targets[i] = {"cin": cin, "bd": bd, "sex": sex, "first": first, "fam": fam,
                              "father": father, "script": script, "fl": fl, "ll": ll,
                              "fa_ar": fa_ar, "la_ar": la_ar, "key": (col_first[-1], lid, pid, y)}
    make_queries(out, targets, col_first, col_last, col_father, col_dob, nq, seed)


def canon_ids(entries, strip=False):
    """Names that consonants cannot tell apart (امحمد and محمد, الحسني and
    الحسيني) count as one: map each index to the first with its skeleton."""
    first_of, out = {}, []
    for i, (ar, _) in enumerate(entries):
        sk = skeleton_ar(strip_article_ar(ar) if strip else ar)
        out.append(first_of.setdefault(sk, i))
    return out


def make_queries(out, targets, col_first, col_last, col_father, col_dob, nq, seed):
    # how many persons share each candidate's information, names counted as
    # the same when their consonants are (what any cross-script engine sees)
    cm, cf, cl = canon_ids(MALE), canon_ids(FEMALE), canon_ids(LAST, strip=True)
    fcanon = [cm[i] if i < len(cm) else 0 for i in range(128)] + \
             [128 + cf[i] if i < len(cf) else 0 for i in range(128)]

    def lc(lid):
        return cl[lid] if lid < NCOMMON else lid

    for t in targets.values():
        k = t["key"]
        t["ckey"] = (fcanon[k[0]], lc(k[1]), cm[k[2]], k[3])
    want_fl = set(t["ckey"][:2] for t in targets.values())
    c_fl, c_flp, c_fly = Counter(), Counter(), Counter()
    c_last = Counter(lc(l) for l in col_last)
    for i in range(len(col_first)):
        k = (fcanon[col_first[i]], lc(col_last[i]))
        if k in want_fl:
            c_fl[k] += 1
            c_flp[k + (cm[col_father[i]],)] += 1
            c_fly[k + (col_dob[i] // 10000,)] += 1
    qrng = random.Random(seed + 2)
    kinds = ["name+dob", "name", "reversed", "family", "father", "year", "swapped", "cin", "typo",
             "compound", "broad"]
    quota = {k: nq // len(kinds) for k in kinds}
    quota["name+dob"] += nq - sum(quota.values())
    order = sorted(targets)
    qrng.shuffle(order)
    used = set()
    queries = []

    def typed(t, script_pref=None):
        """The name typed another way: (first, family, direction)."""
        first, fam, script = t["first"], t["fam"], t["script"]
        k = qrng.random() if script_pref is None else (0.0 if script_pref == "lat" else 0.99)
        if script == "ar" or (script == "both" and k < 0.35):
            return spelling(qrng, first[1]), spelling(qrng, fam[1]), "lat->" + script
        if script == "lat" and k < 0.6:
            return arabic_variant(qrng, first[0]), arabic_variant(qrng, fam[0]), "ar->lat"
        if script == "both" and k < 0.55:
            return arabic_variant(qrng, first[0]), arabic_variant(qrng, fam[0]), "ar->both"
        return (other_spelling(qrng, first[1], t["fl"]), other_spelling(qrng, fam[1], t["ll"]),
                "lat->" + script)

    def add(t, kind, q, dir_, expect="person", **extra):
        d = {"q": q, "answer": t["cin"], "kind": kind, "dir": dir_, "expect": expect}
        d.update(extra)
        queries.append(d)

    for kind in kinds:
        got = 0
        for i in order:
            if got >= quota[kind]:
                break
            if i in used:
                continue
            t = targets[i]
            fk = t["ckey"][:2]
            ok = False
            if kind == "name+dob":
                f, l, d = typed(t)
                text = (l + " " + f) if qrng.random() < 0.2 else (f + " " + l)
                add(t, kind, text, d, birth_date=t["bd"])
                ok = True
            elif kind == "name" and c_fl[fk] <= 3:
                f, l, d = typed(t)
                add(t, kind, f + " " + l, d)
                ok = True
            elif kind == "reversed":
                f, l, d = typed(t)
                add(t, kind, (l + " " + f).lower(), d, birth_date=t["bd"])
                ok = True
            elif kind == "family" and t["key"][1] >= NCOMMON and c_last[t["ckey"][1]] <= 5:
                f, l, d = typed(t)
                add(t, kind, l, d)
                ok = True
            elif kind == "father" and c_flp[fk + (t["ckey"][2],)] <= 3:
                f, l, d = typed(t)
                if d.startswith("ar"):
                    link = "بن" if t["sex"] == "M" else "بنت"
                    fa = arabic_variant(qrng, t["father"][0])
                else:
                    link = "ben" if t["sex"] == "M" else "bent"
                    if qrng.random() < 0.3:
                        link = link.capitalize()
                    fa = spelling(qrng, t["father"][1])
                add(t, kind, "%s %s %s %s" % (f, link, fa, l), d)
                ok = True
            elif kind == "year" and c_fly[fk + (t["ckey"][3],)] <= 3:
                f, l, d = typed(t)
                add(t, kind, f + " " + l, d, birth_year=int(t["bd"][:4]))
                ok = True
            elif kind == "swapped" and int(t["bd"][8:10]) <= 12 and t["bd"][5:7] != t["bd"][8:10]:
                f, l, d = typed(t)
                bd = t["bd"]
                add(t, kind, f + " " + l, d, birth_date="%s-%s-%s" % (bd[:4], bd[8:10], bd[5:7]))
                ok = True
            elif kind == "cin":
                c = t["cin"]
                k = 0
                while c[k].isalpha():
                    k += 1
                form = qrng.randrange(3)
                text = c.lower() if form == 0 else (c[:k] + " " + c[k:]) if form == 1 else (c[:k] + " " + c[k:]).lower()
                add(t, kind, text, "cin")
                ok = True
            elif kind == "typo":
                f, l, d = typed(t)
                if qrng.random() < 0.5:
                    f2, l2 = typo(qrng, f), l
                else:
                    f2, l2 = f, typo(qrng, l)
                if f2 != f or l2 != l:
                    add(t, kind, f2 + " " + l2, d, birth_date=t["bd"])
                    ok = True
            elif kind == "compound":
                first = t["first"]
                if first[0].startswith("عبد") or "الدين" in first[0]:
                    alts = glue_variants(first[0], first[1])
                    f, l, d = typed(t)
                    choices = [a for a in alts + first[1] + [first[0]] if a != t["fl"] and a != t["fa_ar"]]
                    if d.startswith("ar"):
                        choices = [a for a in choices if not a.isascii()] or choices
                    else:
                        choices = [a for a in choices if a.isascii()] or choices
                    add(t, kind, qrng.choice(choices) + " " + l, d, birth_date=t["bd"])
                    ok = True
            elif kind == "broad":
                if t["key"][1] < NCOMMON and c_last[t["ckey"][1]] >= 300 and qrng.random() < 0.5:
                    f, l, d = typed(t)
                    add(t, kind, l, d, expect="broad")
                    ok = True
                elif c_fl[fk] >= 60:
                    f, l, d = typed(t)
                    add(t, kind, f + " " + l, d, expect="broad")
                    ok = True
            if ok:
                used.add(i)
                got += 1
        if got < quota[kind]:
            print("gen_persons.py: only %d queries of kind %s (wanted %d)" % (got, kind, quota[kind]),
                  file=sys.stderr)
    with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as fq:
        for q in queries:
            fq.write(json.dumps(q, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""make_seeds.py — writes the seed corpora (tests/fuzz/corpus/<target>/).

Run once to (re)create the seeds; libFuzzer adds what it finds to the same
directories (`make fuzz`), and those files are committed too when they add
coverage. Seeds are named seed-NNN so the replay order is stable.
"""
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')


def write(target, items):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    for i, b in enumerate(items):
        if isinstance(b, str):
            b = b.encode('utf-8')
        with open(os.path.join(d, 'seed-%03d' % i), 'wb') as fh:
            fh.write(b)


text = [
    'Mohamed Ben Ali', 'محمد بن علي', 'Abdelkrim El Khattabi', 'عبد الكريم الخطابي', 'Noureddine|نور الدين',
    "M'hamed Ould Sidi", 'Fatima-Zahra Alaoui|فاطمة الزهراء العلوي', 'أحمد  ـــ  الإدريسي', 'Ahmed\u200f Idrissi',
    'Éloïse Ça', 'ﷺ ﻻ ٣٤٥', 'Lalla Moulay Hajj', 'x' * 600, '\xff\xfe', b'\xc0\xaf\xed\xa0\x80', b'a\x00b',
    'Ben Bint Ait Bou Ould El Al L', 'Dj Gh Kh Ch Ou Th', '', ' | ',
]
ident = [
    'BK123456', 'bk 123 456', 'A1', 'ABCD1234', '12345-أ-6', '12345-A-6', '6-أ-12345', 'WW-123456', '1234-56-7',
    '123456-M', '123456-ج', '٠٦١٢٣٤٥٦٧٨', '06 12 34 56 78', '+212 (0)6 12 34 56 78', '00212612345678',
    '212712345678', '0812345678', 'VF1RFB00X56789012', 'vf1-rfb00x5678 9012', 'IOQ45678901234567', 'AB1234567',
    'P-12345', '', '-' * 70, b'\xd8\xa3' * 40,
]
imp = [
    '{"cin":"BK123456","first_name_lat":"Said","last_name_lat":"Tahiri","birth_date":"1990-04-12","sex":"M"}',
    '{"first_name_ar":"سعيد","last_name_ar":"الطاهري","father_name_ar":"أحمد","mother_name_ar":"فاطمة"}',
    '{"cin":"BK123456","first_name_lat":"Said"}\n{"cin":"BK123456","father_name_lat":"Ahmed"}',
    '{"cin":"nope"}', '{"first_name_lat":"A","birth_date":"1990-02-30"}', '{"first_name_lat":"A","sex":"X"}',
    '{"first_name_lat":"A","first_name_lat":"B"}', '[1,2]', '{', '', '\n\n\n',
    '{"first_name_lat":"A","unknown":1}', '{"last_name_lat":' + '"x' * 10 + '"}',
    '{"first_name_lat":"' + 'a' * 300 + '"}', '{"first_name_lat":null}', '{"first_name_lat":12}',
]


def disp(route, who, flags, param=b'', query=b'', body=b''):
    return bytes([route, who, flags]) + param + b'\n' + query + b'\n' + body


bodies = [
    b'{}', b'{"frame":"flagrant","offences":[{"code":"CP-505"}],"summary":"Vol"}',
    b'{"frame":"preliminary","offences":[{"code":"CP-505","attempted":true}],"summary":"abc","lat":33.5,"lon":-7.6,'
    b'"persons":[{"role":"victim","person":{"cin":"BE1","last_name_lat":"A"}}]}',
    b'{"complainant":{"cin":"BH1","last_name_lat":"B"},"facts":"xyz"}',
    b'{"role":"witness","person":{"last_name_lat":"T","first_name_lat":"S"}}',
    b'{"type":"hearing_suspect","statements":"x","read_back":true,"signature":"signed"}',
    b'{"status":"under_investigation"}', b'{"status":"cancelled","reason":"no"}', b'{"summary":"new"}',
    b'{"code":"CP-509"}', b'{"opj":"demo-opj"}', b'{"lang":"fr"}', b'{"otp":"123456"}',
    b'{"purpose":"controle","plate":"12345 A 6"}', b'{"purpose":"x","person":{"cin":"bk1","first_name_lat":"Ali"}}',
    b'{"plate":"12345-\xd8\xa3-6","make":"Dacia"}', b'{"doc_type":"cin","doc_number":"BK 1","kind":"stolen"}',
    b'{"reference":"R1","issuing_authority":"PR","offence":"vol","danger":"high","first_name_ar":"\xd8\xb9"}',
    b'{"status":"executed","reason":"arrested"}', b'{"survivor_id":"x","merged_id":"y","reason":"abc"}',
    b'{"seal_no":"S1","description":"ab","quantity":"1","storage_place":"ab","holder":"ab"}',
    b'{"to":"ab","reason":"abc","storage_place":"ab"}', b'{"end":"released","note":"x"}',
    b'{"authorisation_ref":"PR/1","authorisation_date":"2026-02-30","authorised_by":"PR"}',
    b'{"outcome":"prosecuted"}', b'{"disposition":"no_offence","reason":"abc"}', b'[]', b'{"a":[[[[[[[[[[]]]]]]]]]]}',
    b'{"a":1,"a":2}', b'\xff', b'{"summary":"\\u0000"}', b'null', b'{"lat":1e400}', b'{"offences":[1,2,3]}',
]
dispatch = []
for route in range(80):
    b = bodies[route % len(bodies)]
    dispatch.append(disp(route, route % 8, 0, body=b))
    dispatch.append(disp(route, 3, 8, param=b'../../etc', query=b'limit=5', body=bodies[(route * 7) % len(bodies)]))
dispatch += [disp(40, 3, 1, body=b'{}'), disp(40, 3, 3, body=b'{}'), disp(40, 3, 4, body=b'{}'),
             disp(45, 3, 8, param=b'%00', body=b'{}'), disp(45, 3, 8, param=b'x' * 300)]
query = [
    b'\x00limit=5&offset=10', b'\x00limit=0', b'\x00limit=201', b'\x00limit=-1', b'\x00limit=abc', b'\x00limit=',
    b'\x00offset=99999999999999999999', b'\x00limit=1&limit=2', b'\x02q=Tahiri&purpose=enquete',
    b'\x02q=%D8%B3%D8%B9%D9%8A%D8%AF&purpose=x&limit=3', b'\x03q=t%C3%A9l%C3%A9phone&purpose=enquete',
    b'\x02q=&purpose=', b'\x08badge=demo-admin&action=user.create&limit=10', b'\x08who=x', b'\x00status=lost',
    b'\x00status=registered&unit=AR-CASA-OULFA', b'\x04status=active', b'\x01disposition=no_offence',
    b'\x00' + b'&'.join(b'p%d=1' % i for i in range(40)), b'\x00%', b'\x00%zz=1', b'\x00a=b=c', b'\x00&&&',
    b'\x02q=' + b'A' * 3000 + b'&purpose=x', b'\x0bdate=2026-11-29', b'\x0cdate=2026-02-30',
]
csv = [
    'date,views,likes,shares,comments\n2023-09-10,120000,2100,900,300\n2023-09-11,110000,1900,700,250\n',
    'Date,Post ID,Views,Reach,Reactions,Comments,Shares\r\n2023-09-10,887,120000,90000,2100,300,900\r\n',
    '\ufeffDate,Impressions,Likes,Reposts,Replies\n"2023-09-10","1","2","3","4"',
    'a,"b ""quoted"", with comma",c\n"multi\nline",x,y\n', 'a,b\n1,2,3\n', 'a,"b\n', 'a,b"c\n', 'a\rb\n',
    '"a"x,b\n', ',,,\n,,,\n', '\n', '', '"', '""', 'a,' * 80 + '\n', 'x' * 5000 + '\n', b'a\x00b\n',
    'Date,Views,Reactions,Shares,Comments\n2023-02-30,1,1,1,1\n2023-03-01,-5,1,1,1\n',
]
write('csv', csv)
write('text', text)
write('ident', ident)
write('import', imp)
write('dispatch', dispatch)
write('query', query)
print('seeds written under', root, file=sys.stderr)

#!/usr/bin/env python3
"""Writes assets/passwords/common.txt: the passwords guessed first, at least 10 characters
long (shorter ones are refused by length anyway), one a line, lower case.

Written out by this script, not copied from any leak or list: digit runs, keyboard walks,
and common words (English and Vietnamese without diacritics, office and place names)
followed by the suffixes people add (digits, years, '@123', '!'). Same licence as
motcua (GPL-3.0-or-later). Run: python3 scripts/common-passwords.py > assets/passwords/common.txt
"""

words = """
password passw0rd pass admin administrator root user guest login welcome letmein
iloveyou loveyou lovely princess sunshine monkey dragon master shadow football baseball
soccer superman batman starwars computer internet secret qwerty abc abcd abcdef
hello hellokitty freedom whatever trustno1 changeme default test tester testing demo
office server system manager service support company account access security
matkhau matkhaumoi anhyeuem emyeuanh yeuem yeuanh iloveu tinhyeu hanhphuc
vietnam vietnamese hanoi saigon hochiminh danang haiphong cantho hue nhatrang
motcua mot cua phuong xa ubnd ubndxa uybannhandan quantri quanly canbo congchuc
hoso tiepnhan ketqua dichvucong hanhchinh tuphap hotich diachinh
nguyen tran le pham hoang phan vu dang bui do ho ngo duong ly
anh minh linh huong hung dung tuan thanh hai long nam lan mai hoa
kiosk counter quay quaydon
""".split()

suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678",
            "123456789", "@123", "@1234", "@12345", "123!", "!", "!!", "1!", "01", "99",
            "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027", "@2024",
            "@2025", "@2026", "000", "111", "007", "69", "88", "888", "999", "6789"]

out = set()
for w in words:
    for s in suffixes:
        out.add(w + s)
        if s[:1].isdigit():
            out.add(s + w)

# Digit runs and repetitions people type.
for d in "0123456789":
    for n in range(10, 17):
        out.add(d * n)
for n in range(10, 21):
    out.add(("1234567890" * 3)[:n])
    out.add(("0987654321" * 3)[:n])
    out.add(("9876543210" * 3)[:n])
    out.add(("123" * 7)[:n])
    out.add(("abc123" * 4)[:n])
    out.add(("123abc" * 4)[:n])
for y in range(1950, 2031):
    for dm in ["0101", "1201", "3112", "2802"]:
        out.add(dm + str(y) + "a")
        out.add(str(y) + dm + "a")
# Keyboard walks.
rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "qazwsxedcrfv",
        "1qaz2wsx3edc", "1q2w3e4r5t6y", "zaq12wsx", "qweasdzxc", "!qaz@wsx",
        "qwertyuiop[]", "asdfghjkl;'", "poiuytrewq", "lkjhgfdsa", "mnbvcxz"]
for r in rows:
    for s in suffixes:
        out.add(r + s)
        out.add(r + r)
for a in rows:
    for b in rows:
        out.add(a + b)

print("# Common passwords, written out by scripts/common-passwords.py (see there for origin")
print("# and licence: generated for motcua, GPL-3.0-or-later). One a line, lower case.")
for p in sorted(x for x in out if len(x) >= 10):
    print(p)

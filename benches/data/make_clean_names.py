"""Generate benches/data/clean_names.csv: names of ordinary companies and
private persons that are not on any sanctions list, for the screening
benchmark's false-alert rate (`cargo bench --bench screening`).

Reproducible: Faker (https://faker.readthedocs.io) with a fixed seed per
locale, plus trade names built from a fixed word list. Regenerate with
`pip install faker==40.63.0 && python3 benches/data/make_clean_names.py`.
Columns: name, kind (organization / person), class (what it is, for the
figures by class), locale.
"""

import csv
import random
import sys

from faker import Faker

COMPANY_LOCALES = [
    # (locale, country), 20+ countries whose legal forms appear on the lists
    ("en_US", "US"), ("en_GB", "GB"), ("de_DE", "DE"), ("fr_FR", "FR"),
    ("es_ES", "ES"), ("es_MX", "MX"), ("pt_BR", "BR"), ("it_IT", "IT"),
    ("pl_PL", "PL"), ("hu_HU", "HU"), ("cs_CZ", "CZ"), ("ru_RU", "RU"),
    ("uk_UA", "UA"), ("bg_BG", "BG"), ("ro_RO", "RO"), ("tr_TR", "TR"),
    ("el_GR", "GR"), ("nl_NL", "NL"), ("sv_SE", "SE"), ("fa_IR", "IR"),
    ("ar_SA", "SA"), ("zh_CN", "CN"), ("zh_TW", "TW"), ("ko_KR", "KR"),
    ("ja_JP", "JP"), ("hi_IN", "IN"), ("fi_FI", "FI"), ("da_DK", "DK"),
]

PERSON_LOCALES = [
    # (locale, script class)
    ("en_US", "person-latin"), ("de_DE", "person-latin"), ("fr_FR", "person-latin"),
    ("es_ES", "person-latin"), ("it_IT", "person-latin"), ("pl_PL", "person-latin"),
    ("tr_TR", "person-latin"), ("pt_BR", "person-latin"),
    ("ar_SA", "person-arabic"), ("ar_EG", "person-arabic"), ("ar_AE", "person-arabic"),
    ("fa_IR", "person-persian"),
    ("ru_RU", "person-cyrillic"), ("uk_UA", "person-cyrillic"), ("bg_BG", "person-cyrillic"),
    ("zh_CN", "person-chinese"), ("zh_TW", "person-chinese"),
    ("ko_KR", "person-korean"),
    ("hi_IN", "person-devanagari"),
]

# Trade names of the kind that share one common word with a listed vessel,
# a listed company or an acronym: the hard cases for a screener.
TRADE_FIRST = [
    "Sunrise", "Horizon", "Oceanic", "Golden", "Eagle", "Atlas", "Phoenix", "Pioneer",
    "Summit", "Crescent", "Orient", "Pacific", "Atlantic", "Star", "Royal", "Crown",
    "Silver", "Blue Sky", "Green Valley", "Northern", "Southern", "Eastern", "Western",
    "United", "National", "Saudi Arabian", "Emirates", "Gulf", "Caspian", "Baltic",
    "Asia Pacific", "Euro", "Trans", "Inter", "Delta", "Alpha", "Omega", "Nova",
    "Liberty", "Harmony", "Victory", "Unity", "Future", "Modern", "First", "Prime",
]
TRADE_WHAT = [
    "Dental Clinic", "Bakery", "Travel Agency", "Gas Company", "Shipping Lines",
    "Trading Company", "Logistics", "Construction", "Engineering", "Textiles",
    "Foods", "Energy", "Pharmaceuticals", "Insurance", "Bank", "Hotel",
    "Airlines", "Marine Services", "Steel", "Chemicals", "Telecom", "Software",
    "Medical Center", "University", "Consulting", "Printing House", "Furniture",
    "Auto Parts", "Electronics", "Petroleum", "Mining", "Holdings",
]
TRADE_FORMS = ["", "Ltd", "LLC", "Inc.", "GmbH", "S.A.", "Co.", "JSC", "FZE", "Pvt Ltd", "Sdn Bhd", "LLP"]


def main(out_path):
    rows = []
    seen = set()

    def add(name, kind, cls, locale):
        name = " ".join(name.split())
        if name and name not in seen:
            seen.add(name)
            rows.append((name, kind, cls, locale))

    for i, (loc, country) in enumerate(COMPANY_LOCALES):
        fake = Faker(loc)
        fake.seed_instance(1000 + i)
        for _ in range(60):
            add(fake.company(), "organization", f"company-{country}", loc)
    rng = random.Random(7)
    for _ in range(400):
        form = rng.choice(TRADE_FORMS)
        name = f"{rng.choice(TRADE_FIRST)} {rng.choice(TRADE_WHAT)} {form}"
        add(name, "organization", "company-trade-name", "")
    for i, (loc, cls) in enumerate(PERSON_LOCALES):
        fake = Faker(loc)
        fake.seed_instance(2000 + i)
        for _ in range(90):
            if cls == "person-latin" or rng.random() < 0.5:
                name = f"{fake.first_name()} {fake.last_name()}"
            else:
                name = fake.name()
            add(name, "person", cls, loc)
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "kind", "class", "locale"])
        w.writerows(rows)
    print(f"{len(rows)} names written to {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benches/data/clean_names.csv")

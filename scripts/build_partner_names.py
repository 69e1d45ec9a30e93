"""Build src/multivector/data/partner_names.csv: partner names of national trade statistics -> ISO3.

Run once when a publication adds names::

    MULTIVECTOR_MIRROR=../shared/data .venv/bin/python scripts/build_partner_names.py

Sources of the mapping, in order:

1. Uzbekistan's SDMX files give each partner's numeric ISO 3166 code beside its Uzbek, Russian
   and English names: the code decides, for all three names.
2. Kyrgyzstan's workbooks give Kyrgyz, Russian and English names: the Russian name's code from
   step 1, else country_converter on the English name.
3. Kazakhstan's Russian names: the code of the same Russian name from steps 1-2.
4. Eurostat's English names (French in the 2016 extract): country_converter on the name
   without its ``(incl. ...)``/``(from ...)`` note, EUROSTAT below where that fails or errs.
5. MANUAL below: aggregates, residual rows, and the names no step above resolves; every one was
   read and set by hand.

The table is written sorted; names no step resolves stop the script (nothing is left unmapped).
"""

from __future__ import annotations

import csv
import glob
import os
import re
import sys
from pathlib import Path

import country_converter as coco
import openpyxl
import xlrd

OUT = Path(__file__).resolve().parents[1] / "src/multivector/data/partner_names.csv"
AGG = {  # aggregates (name -> what they are); never a partner
    "Africa": "region", "America": "region", "Asia": "region", "Europe": "region",
    "CIS": "CIS", "EAEU": "EAEU", "SCO": "SCO", "The EU": "EU", "European Union (EU)": "EU",
    "UN": "UN agencies", "Азия": "region", "Америка": "region", "Африка": "region",
    "Европа": "region", "БУУ": "UN agencies", "ЕАЭБ": "EAEU", "Европа Бирлиги (ЕБ)": "EU",
    "ЕС": "EU", "КМШ": "CIS", "ШОС": "SCO", "ЕАЭС": "EAEU", "Европейский союз (ЕС)": "EU",
    "СНГ": "CIS", "ООН": "UN agencies", "Страны вне ЕАЭС": "outside EAEU",
    "Страны вне ЕС": "outside EU", "Страны ЕАЭС": "EAEU", "Страны ЕС": "EU",
    "Страны СНГ": "CIS", "Австралия и Океания": "region", "Австралия жана Океания": "region",
    "Australia and Oceania": "region", "Остальные страны мира": "countries outside the CIS",
}
TOTAL = ["Всего", "Всего в том числе", "Бардыгы", "Total"]
RESIDUAL = {  # trade the reporter could not allocate to a partner
    "Undefined country": "unallocated", "Такталбаган өлкө": "unallocated",
    "Неопределенная страна": "unallocated",
    "Other countries": "other countries", "Другие страны": "other countries",
    "Boshqa mamlakatlar": "other countries",
}
ISO = {
    "Bostwana": "BWA", "Боствана": "BWA", "CAR": "CAF", "ЦАР": "CAF",
    "Центрально-Африканская Республика": "CAF", "Channel Islands": "GGY",
    "Нормандские Острова": "GGY", "Норманд аралдары": "GGY", "Coconut islands": "CCK",
    "Кокос аралдары": "CCK", "Кокосовые осторова": "CCK", "Кокосовые (Килинг) Острова": "CCK",
    "Eastern SAMOA": "ASM", "Чыгыш САМОА": "ASM", "Восточное САМОА": "ASM",
    "Америка Кошмо Штаттары": "USA", "Соединенные Штаты Америки": "USA",
    "Sudan": "SDN", "Судан": "SDN", "Аландские Острова": "ALA", "Ангилья (Брит.)": "AIA",
    "Багамы": "BHS", "Бермуды": "BMU", "Ватикан, Государство-Город": "VAT",
    "Виргинские Острова (Брит.)": "VGB", "Виргинские Острова (США)": "VIR",
    "Гибралтар (Брит.)": "GIB", "Гуам (США)": "GUM", "Ирак, Республика Ирак": "IRQ",
    "Иран, Исламская Республика": "IRN", "Каймановы Острова (Брит.)": "CYM", "Кирибати": "KIR",
    "Корея, Народно-Демократическая Республика": "PRK", "Кюрасао": "CUW", "Майотта": "MYT",
    "Малые Тихоокеан. отдален. острова США": "UMI",
    "Малые Тихоокеан. Отдаленные остроа США": "UMI",
    "Малые Тихоокеан.отдален.ост-ва С.Ш.": "UMI", "Мартиника": "MTQ",
    "Микронезия, Федеративные Штаты": "FSM", "Молдова, Республика": "MDA",
    "Острова Кука (Н.Зел.)": "COK", "Палестина, Государство": "PSE", "Питкерн": "PCN",
    "Республика Латвия": "LVA", "Самоа, Независимое Государство": "WSM",
    "Северные Марианские Острова": "MNP", "Сейшелы": "SYC", "Сен-Бартелеми": "BLM",
    "Соединенное Королевство": "GBR", "Тайвань (Китай)": "TWN",
    "Танзания, Объединенная Республика": "TZA", "Уоллис И Футуна": "WLF",
    "Фолклендские Острова (Мальвинские)": "FLK", "Французкие южные территории": "ATF",
    "Французские Южные Территории": "ATF", "Черногория (Монтенегро)": "MNE",
    "Южн.Джорджия И Южн.Сандвич.Острова": "SGS", "Южная Африка": "ZAF",
    "Южный Судан": "SSD",
}
HISTORICAL = {"Netherlands Antilles": "ANT", "Нидерландские Антильские Острова": "ANT",
              "Niderlandiya Antillari": "ANT", "Нидерланд антиллери аралдары": "ANT"}
EU_RESIDUAL = ("Countries and territories not specified", "Pays et territoires non",
               "Stores and provisions", "Avitaillement et soutage", "High seas", "Haute mer",
               "Ceuta", "Melilla")  # Ceuta, Melilla: Spain, outside the EU customs territory
EU_AGG = ("Extra-EU27", "Intra-EU27", "Extra-UE27", "Intra-UE27")
EUROSTAT = {  # French (the 2016 extract) and English names country_converter misses or errs on
    "Afrique du Sud": "ZAF", "Albanie": "ALB", "Algérie": "DZA", "Allemagne": "DEU",
    "Andorre": "AND", "Antarctique": "ATA", "Arabie saoudite": "SAU", "Australie": "AUS",
    "Autriche": "AUT", "Azerbaïdjan": "AZE", "Bahreïn": "BHR", "Barbade": "BRB",
    "Belgique": "BEL", "Bermudes": "BMU", "Bhoutan": "BTN",
    "Bolivie, Etat plurinational de": "BOL", "Bosnie-Herzégovine": "BIH", "Brésil": "BRA",
    "Bulgarie": "BGR", "Bénin": "BEN", "Cambodge": "KHM", "Cameroun": "CMR", "Cap-Vert": "CPV",
    "Chili": "CHL", "Chine": "CHN", "Chypre": "CYP", "Colombie": "COL", "Comores": "COM",
    "Comoros": "COM", "Congo, République démocratique du": "COD",
    "Corée, République de": "KOR", "Corée, République populaire démocratique de": "PRK",
    "Croatie": "HRV", "Danemark": "DNK", "Dominique": "DMA", "Emirats arabes unis": "ARE",
    "Equateur": "ECU", "Erythrée": "ERI", "Espagne": "ESP", "Estonie": "EST",
    "Etats-Unis": "USA", "Ethiopie": "ETH", "Ethiopia": "ETH", "Fidji": "FJI",
    "Gambie": "GMB", "Grenade": "GRD", "Groenland": "GRL", "Grèce": "GRC", "Guinée": "GIN",
    "Guinée équatoriale": "GNQ", "Hongrie": "HUN", "Ile Norfolk": "NFK",
    "Iles Caïmans": "CYM", "Iles Féroé": "FRO", "Iles Mariannes du Nord": "MNP",
    "Iles Salomon": "SLB", "Iles Vierges britanniques": "VGB",
    "Virgin Islands, British": "VGB", "Iles Vierges des Etats-Unis": "VIR",
    "Iles mineures éloignées des Etats-Unis": "UMI", "Inde": "IND", "Indonésie": "IDN",
    "Irlande": "IRL", "Islande": "ISL", "Israël": "ISR", "Italie": "ITA", "Jamaïque": "JAM",
    "Japon": "JPN", "Koweït": "KWT", "Lettonie": "LVA", "Liban": "LBN", "Libye": "LBY",
    "Lituanie": "LTU", "Macédoine du Nord": "MKD", "Malaisie": "MYS", "Malte": "MLT",
    "Maurice": "MUS", "Micronésie, Etats fédérés de": "FSM", "Moldavie, République de": "MDA",
    "Mongolie": "MNG", "Monténégro": "MNE", "Namibie": "NAM", "Niué": "NIU",
    "Norvège": "NOR", "Nouvelle-Calédonie": "NCL", "Nouvelle-Zélande": "NZL", "Népal": "NPL",
    "Palaos": "PLW", "Pays-Bas": "NLD", "Pologne": "POL", "Polynésie française": "PYF",
    "Pérou": "PER", "Roumanie": "ROU", "Royaume-Uni": "GBR", "Russie, Fédération de": "RUS",
    "République arabe syrienne": "SYR", "République centrafricaine": "CAF",
    "République dominicaine": "DOM", "Sahara occidental": "ESH", "Saint-Marin": "SMR",
    "Sainte-Hélène, Ascension et Tristan da Cunha": "SHN", "Sainte-Lucie": "LCA",
    "Samoa américaines": "ASM", "Serbie": "SRB", "Singapour": "SGP", "Slovaquie": "SVK",
    "Slovénie": "SVN", "Soudan": "SDN", "Soudan du Sud": "SSD", "Suisse": "CHE",
    "Switzerland": "CHE", "Suède": "SWE", "Sénégal": "SEN", "Tadjikistan": "TJK",
    "Tanzanie, République unie de": "TZA", "Taïwan": "TWN", "Tchad": "TCD", "Tchéquie": "CZE",
    "Terres australes françaises": "ATF", "Territoire britannique de l’océan Indien": "IOT",
    "Thaïlande": "THA", "Timor-Oriental": "TLS", "Tokélaou": "TKL", "Tunisie": "TUN",
    "Turkménistan": "TKM", "Turquie": "TUR", "Viêt Nam": "VNM", "Yémen": "YEM",
    "Zambie": "ZMB", "Belgium": "BEL", "France": "FRA", "Indonesia": "IDN", "Israel": "ISR",
    "Italy": "ITA", "Kiribati": "KIR", "South Africa": "ZAF", "Norway": "NOR",
    "Netherlands Antilles": "ANT", "Biélorussie": "BLR", "Saint-Siège": "VAT",
}
EU_NOTE = re.compile(r"\s*\((incl\.|from|depuis|à partir|Eire|Corée|Syrie|Cisjordanie|West Bank|"
                     r"partie|ou Iles|Belarus|Ngwane|Birmanie|Laos|Malouines|Etat de la).*$")
NOT_NAMES = re.compile(
    r"^(\d{4} год|за .*год[а]?|Наименование.*|в том числе|Основные показатели.*)$")


def norm(name: str) -> str:
    """The lookup key: case, ``ё`` and runs of white space do not matter."""
    return re.sub(r"\s+", " ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def main() -> None:
    root = Path(os.environ["MULTIVECTOR_MIRROR"])
    (data,) = glob.glob(str(root / "github/mary-lev/eu-export-sanctions/*/data"))
    cc = coco.CountryConverter()
    num2iso = dict(zip(cc.data["ISOnumeric"].astype(str).str.zfill(3), cc.data["ISO3"],
                       strict=True))
    rows: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    agg, residual, historical, iso_by_hand = ({norm(k): v for k, v in d.items()}
                                              for d in (AGG, RESIDUAL, HISTORICAL, ISO))

    def put(lang: str, name: str, iso: str | None, where: str) -> None:
        name = re.sub(r"\s+", " ", name).strip()
        if not name or NOT_NAMES.match(name):
            return
        key = norm(name)
        if key in agg:
            rec = (name, "", "aggregate", agg[key])
        elif key in {norm(t) for t in TOTAL}:
            rec = (name, "", "total", "all partners")
        elif key in residual:
            rec = (name, "", "residual", residual[key])
        elif key in historical:
            rec = (name, historical[key], "historical", "dissolved 2010")
        elif key in iso_by_hand:
            rec = (name, iso_by_hand[key], "state", "set by hand")
        elif iso:
            rec = (name, iso, "state", where)
        else:
            rec = (name, "?", "?", where)
        rows.setdefault((lang, norm(name)), rec)

    ru_iso: dict[str, str] = {}
    for f in ("sdmx_data_1105.csv", "sdmx_data_1176.csv"):
        with open(f"{data}/uzbekistan_data/{f}", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                iso = num2iso.get(r["Code"].zfill(3))
                for lang, col in (("uz", "Klassifikator"), ("ru", "Klassifikator_ru"),
                                  ("en", "Klassifikator_en")):
                    put(lang, r[col], iso, f"Uzbekistan numeric code {r['Code']}")
                if iso:
                    ru_iso[norm(r["Klassifikator_ru"])] = iso
    for f in sorted(glob.glob(f"{data}/kyrgyzstan_data/*.xlsx")):
        wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
        for r in wb.worksheets[0].iter_rows(min_row=3, values_only=True):
            if not isinstance(r[1], str) or r[1].strip().startswith(("1 ", "(")):
                continue
            ky, ru, en = (str(x or "").strip() for x in r[:3])
            iso = ru_iso.get(norm(ru))
            if not iso:
                c = cc.convert(en, src="regex", to="ISO3", not_found=None)
                iso = c if isinstance(c, str) and c != en else None
            for lang, n in (("ky", ky), ("ru", ru), ("en", en)):
                put(lang, n, iso, "Kyrgyzstan, country_converter on the English name")
    for f in sorted(glob.glob(f"{data}/kazakhstan_data/*.xls")):
        wb = xlrd.open_workbook(f)
        for sh in wb.sheets():
            if not re.search(r"\d{4}", sh.name):
                continue
            for i in range(sh.nrows):
                v = sh.cell_value(i, 0)
                if isinstance(v, str) and v.strip():
                    put("ru", v, ru_iso.get(norm(v)), "Russian name as in Uzbekistan's file")
    for f in sorted(glob.glob(f"{data}/eu_year_export/*.csv")):
        with open(f, encoding="utf-8-sig") as fh:
            recs = list(csv.DictReader(fh))
        lang = "fr" if recs and recs[0]["FLOW"] == "EXPORTATION" else "en"
        for name in sorted({r["PARTNER"] for r in recs}):
            base = EU_NOTE.sub("", name).strip()
            if name.startswith(EU_RESIDUAL):
                rows.setdefault((lang, norm(name)), (name, "", "residual", "Eurostat, not "
                                                     "allocated to a partner country"))
            elif name.startswith(EU_AGG):
                rows.setdefault((lang, norm(name)), (name, "", "aggregate", "EU-27 trade"))
            elif base in EUROSTAT:
                kind = "historical" if EUROSTAT[base] == "ANT" else "state"
                rows.setdefault((lang, norm(name)), (name, EUROSTAT[base], kind, "set by hand"))
            else:
                c = cc.convert(base, src="regex", to="ISO3", not_found=None)
                put(lang, name, c if isinstance(c, str) and c != base else None,
                    "Eurostat, country_converter")
    bad = [(lang, rec[0]) for (lang, _), rec in rows.items() if rec[2] == "?"]
    if bad:
        sys.exit("unresolved names, add them to the tables of this script:\n" +
                 "\n".join(f"{lang}\t{n}" for lang, n in bad))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lang", "name", "iso3", "kind", "note"])
        for (lang, _), rec in sorted(rows.items(), key=lambda x: (x[1][1], x[0])):
            w.writerow([lang, *rec])
    print(f"wrote {len(rows)} names to {OUT}")


if __name__ == "__main__":
    main()

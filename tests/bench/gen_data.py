#!/usr/bin/env python3
"""gen_data.py N OUTDIR [--seed S] [--queries Q]: write a valid mod_rootcauses data set of N items.

Writes, per docs/REFERENCE.md "The data file":
  OUTDIR/data.json      8 countries (accented names), 4 pages, 2 collections ("reports" and
                        "section-353") holding N items in all (60/40), one item per line;
  OUTDIR/pages/*.html   the page fragments the data names;
  OUTDIR/queries.txt    Q distinct filtered listing queries (default 100000), one per line,
                        relative to the mount point ("reports?country=GT&from=2012"), in random
                        order, for tests/bench/random.lua. They only use countries, kinds and
                        words that every data set has, so the same list fits every N.

Items: dates spread over 2000..2025 in all three precisions (YYYY, YYYY-MM, YYYY-MM-DD), 1-3
countries, a kind from a small per-collection set, titles and summaries with accents, 0-3 persons
with accented names, 0-2 documents (some with bytes), most with a source URL.

Deterministic: the same N and seed give the same bytes. Streams its output, so memory stays
flat; 1M items (about 600 MB) take well under a minute.
"""
import argparse
import os
import random
import sys
from urllib.parse import quote

COUNTRIES = [
    ("GT", "Guatemala"), ("HN", "Honduras"), ("SV", "El Salvador"), ("NI", "Nicaragua"),
    ("BZ", "Belice"), ("CR", "Costa Rica"), ("PA", "Panamá"), ("MX", "México"),
]
CODES = [c for c, _ in COUNTRIES]
NAME = dict(COUNTRIES)
# Weights: the northern countries dominate, as in the real data.
CODE_WEIGHTS = [30, 25, 22, 10, 3, 4, 3, 3]

COLLECTIONS = [
    ("reports", "Reports to Congress",
     ["report-to-congress", "progress-report", "fact-sheet", "testimony", "assessment"], 0.6),
    ("section-353", "Section 353 Corrupt and Undemocratic Actors",
     ["action", "list", "designation", "visa-restriction", "sanction"], 0.4),
]

TOPICS = [
    ("corruption", "Corruption and Impunity"), ("economy", "Economic Insecurity and Inequality"),
    ("governance", "Democratic Governance"), ("rights", "Human Rights, Labor Rights, and a Free Press"),
    ("violence", "Gang Violence and Extortion"), ("gender", "Sexual, Gender-Based, and Domestic Violence"),
    ("migracion", "Migración Irregular"), ("educacion", "Educación y Empleo Juvenil"),
    ("justicia", "Justicia y Estado de Derecho"), ("seguridad", "Seguridad Ciudadana"),
    ("clima", "Resiliencia Climática y Seguridad Alimentaria"), ("corrupcion", "Lucha contra la Corrupción"),
]

REPORT_TITLES = [
    "Progress Report on {topic} in {place}",
    "Report to Congress: {topic} in {place}",
    "Strategy to Address {topic} in {place}",
    "Informe sobre {topic} en {place}",
    "Assessment of {topic}: {place}, {year}",
    "Fact Sheet: U.S. Assistance for {topic} in {place}",
    "Testimony on {topic} and the Root Causes of Migration in {place}",
]
ACTION_TITLES = [
    "U.S. Action Against {topic} in {place}",
    "Designation of Officials in {place} for {topic}",
    "Visa Restrictions on Actors Undermining {topic} in {place}",
    "Sanciones por {topic} en {place}",
    "Section 353 List Update: {topic} in {place}",
    "Actions Against {n} Officials in {place} for Obstructing Investigations",
]
SUMMARIES = [
    "This document reviews {topic_l} in {place} and the programs that address it.",
    "Describe los avances en {topic_l} en {place}, con datos de {year} y metas para los próximos años.",
    "An analysis of {topic_l} in {place}: commitments, performance metrics and migration data.",
    "Incluye un resumen ejecutivo, indicadores de desempeño y una evaluación del compromiso del país.",
    "Officials named here engaged in significant corruption or undermined democratic processes.",
    "La acción responde a la corrupción significativa y a la obstrucción de investigaciones.",
    "Programs for youth employment, education and community policing are described in detail.",
    "It covers the work of civil society, journalists and human rights defenders in the región.",
]
FIRST = ["José", "María", "Jesús", "Ramón", "Inés", "Sofía", "Andrés", "Raúl", "Héctor", "Lucía",
         "Óscar", "Ángel", "Martín", "Verónica", "Julián", "Begoña", "Iván", "Mónica", "Tomás", "Elena"]
LAST = ["Pérez", "Núñez", "Gómez", "Hernández", "Martínez", "López", "Rodríguez", "Sánchez",
        "Ramírez", "Álvarez", "Jiménez", "Díaz", "Muñoz", "Peña", "Ordóñez", "Castañeda",
        "Suárez", "Méndez", "Velásquez", "Zúñiga"]
POSITIONS = ["Magistrado de la Corte Suprema", "Former Minister of Economy", "Diputado del Congreso",
             "Alcalde de San Pedro Sula", "Fiscal General", "Director de Aduanas",
             "Former President of the Supreme Electoral Tribunal", "Jueza de Paz",
             "Secretario de Comunicación", "Police Commissioner"]
DOC_TITLES = ["Executive Summary", "Full Report", "Fact Sheet", "Anexo Estadístico",
              "Migration Data", "Resumen en Español"]
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
# Words of the q parameter: each occurs in the data (some only after accent folding).
Q_WORDS = ["corrupcion", "corrupción", "perez", "núñez", "gomez", "migration", "security",
           "educacion", "justicia", "rights", "officials", "magistrado", "fiscal", "zuniga",
           "violence", "empleo", "sanciones", "progress", "alcalde", "castaneda"]

PAGES = [
    ("index", "Root Causes Strategy Overview",
     "<p>La estrategia aborda las causas de la migración en Centroamérica: inseguridad económica, "
     "corrupción, violencia y falta de protección de los derechos humanos.</p>"),
    ("pillars", "The Five Pillars",
     "<ol><li>Economic insecurity and inequality</li><li>Corruption and the rule of law</li>"
     "<li>Human rights, labor rights and a free press</li><li>Violence and organized crime</li>"
     "<li>Sexual, gender-based and domestic violence</li></ol>"),
    ("resources", "Resources",
     "<p>Reports, fact sheets and lists published under the strategy. Información en español "
     "disponible.</p>"),
    ("about", "About this Site",
     "<p>This is a generated data set for benchmarks of mod_rootcauses.</p>"),
]

for s in (TOPICS + [(x, x) for x in REPORT_TITLES + ACTION_TITLES + SUMMARIES + FIRST + LAST
                    + POSITIONS + DOC_TITLES]):
    # Strings are written without escaping: none may need it.
    assert not any(ch in s[1] for ch in '"\\\n\t'), s


def leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def make_date(rnd):
    y = rnd.randint(2000, 2025)
    p = rnd.random()
    if p < 0.2:
        return "%04d" % y
    m = rnd.randint(1, 12)
    if p < 0.5:
        return "%04d-%02d" % (y, m)
    last = 29 if m == 2 and leap(y) else DAYS[m - 1]
    return "%04d-%02d-%02d" % (y, m, rnd.randint(1, last))


def place_of(codes):
    names = [NAME[c] for c in codes]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def write_item(out, rnd, i, kinds, titles, kind=None):
    date = make_date(rnd)
    codes = []
    for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
        c = rnd.choices(CODES, CODE_WEIGHTS)[0]
        if c not in codes:
            codes.append(c)
    tslug, topic = rnd.choice(TOPICS)
    place = place_of(codes)
    year = date[:4]
    title = rnd.choice(titles).format(topic=topic, place=place, year=year, n=rnd.randint(2, 12))
    kind = kind or rnd.choice(kinds)
    parts = ['{"id":"%s-%s-%d","title":"%s","date":"%s","countries":[%s],"kind":"%s"' % (
        date, tslug, i, title, date, ",".join('"%s"' % c for c in codes), kind)]
    if rnd.random() < 0.9:
        summary = " ".join(s.format(topic_l=topic.lower(), place=place, year=year)
                           for s in rnd.sample(SUMMARIES, rnd.randint(1, 2)))
        parts.append(',"summary":"%s"' % summary)
    if rnd.random() < 0.7:
        parts.append(',"source":"https://www.state.gov/%s/%s-%d/"' % (year, tslug, i))
    nd = rnd.choice((0, 0, 1, 1, 2))
    if nd:
        docs = []
        for k in range(nd):
            d = '{"title":"%s","href":"files/%s-%d-%d.pdf"' % (rnd.choice(DOC_TITLES), tslug, i, k)
            if rnd.random() < 0.6:
                d += ',"bytes":%d' % rnd.randint(20000, 5000000)
            docs.append(d + "}")
        parts.append(',"documents":[%s]' % ",".join(docs))
    np_ = rnd.choice((0, 0, 1, 1, 2, 3))
    if np_:
        persons = []
        for _ in range(np_):
            p = '{"name":"%s %s %s"' % (rnd.choice(FIRST), rnd.choice(LAST), rnd.choice(LAST))
            if rnd.random() < 0.8:
                p += ',"country":"%s"' % rnd.choice(codes)
            if rnd.random() < 0.7:
                p += ',"position":"%s"' % rnd.choice(POSITIONS)
            persons.append(p + "}")
        parts.append(',"persons":[%s]' % ",".join(persons))
    parts.append("}")
    out.write("".join(parts))


def write_data(n, outdir, seed):
    rnd = random.Random("rootcauses-bench-%d-%d" % (seed, n))
    os.makedirs(os.path.join(outdir, "pages"), exist_ok=True)
    for slug, title, body in PAGES:
        with open(os.path.join(outdir, "pages", slug + ".html"), "w", encoding="utf-8") as f:
            f.write("<h1>%s</h1>\n%s\n" % (title, body))
    sizes = [int(n * COLLECTIONS[0][3])]
    sizes.append(n - sizes[0])
    tmp = os.path.join(outdir, "data.json.tmp")
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as out:
        out.write('{\n"title": "Root Causes of Migration (benchmark data, %d items)",\n' % n)
        out.write('"countries": [\n%s\n],\n' % ",\n".join(
            '  {"code": "%s", "name": "%s"}' % c for c in COUNTRIES))
        out.write('"pages": [\n%s\n],\n' % ",\n".join(
            '  {"slug": "%s", "title": "%s", "file": "pages/%s.html"}' % (s, t, s)
            for s, t, _ in PAGES))
        out.write('"collections": [\n')
        counter = 0
        for ci, ((slug, title, kinds, _), size) in enumerate(zip(COLLECTIONS, sizes)):
            titles = REPORT_TITLES if slug == "reports" else ACTION_TITLES
            out.write('{"slug": "%s", "title": "%s", "items": [\n' % (slug, title))
            for j in range(size):
                if j:
                    out.write(",\n")
                # The first items take every kind in turn, so that even a tiny data set has
                # them all (a kind no item has is a 400).
                write_item(out, rnd, counter, kinds, titles, kinds[j] if j < len(kinds) else None)
                counter += 1
            out.write("\n]}%s\n" % ("," if ci + 1 < len(COLLECTIONS) else ""))
        out.write("]\n}\n")
    os.replace(tmp, os.path.join(outdir, "data.json"))


def write_queries(count, path, seed):
    rnd = random.Random("rootcauses-bench-queries-%d" % seed)
    seen = set()
    lines = []
    attempts = 0
    while len(lines) < count and attempts < count * 20:
        attempts += 1
        slug, _, kinds, _ = COLLECTIONS[0] if rnd.random() < 0.7 else COLLECTIONS[1]
        params = []
        if rnd.random() < 0.6:
            cs = rnd.sample(CODES[:4] if rnd.random() < 0.8 else CODES, rnd.choice((1, 1, 2)))
            vals = []
            for c in cs:
                r = rnd.random()
                vals.append(c if r < 0.7 else c.lower() if r < 0.8 else quote(NAME[c].lower()))
            params.append("country=" + ",".join(vals))
        fy = None
        if rnd.random() < 0.5:
            fy = rnd.randint(2000, 2024)
            params.append("from=%d" % fy if rnd.random() < 0.6 else "from=%d-%02d" % (fy, rnd.randint(1, 12)))
        if rnd.random() < 0.3:
            params.append("to=%d" % rnd.randint((fy or 2000) + 1 if fy and fy < 2025 else 2001, 2025))
        if rnd.random() < 0.3:
            params.append("kind=" + ",".join(rnd.sample(kinds, rnd.choice((1, 1, 2)))))
        if rnd.random() < 0.15:
            params.append("q=" + "+".join(quote(w) for w in rnd.sample(Q_WORDS, rnd.choice((1, 1, 2)))))
        if not params:
            continue
        if rnd.random() < 0.1:
            params.append("sort=date")
        if rnd.random() < 0.3:
            params.append("page=%d" % rnd.randint(2, 5))
        if rnd.random() < 0.3:
            params.append("per_page=%d" % rnd.choice((10, 20, 50)))
        line = slug + "?" + "&".join(params)
        if line not in seen:
            seen.add(line)
            lines.append(line)
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of items (>= 10)")
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=100000, help="distinct queries to write")
    a = ap.parse_args()
    if a.n < 10:
        ap.error("N must be at least 10")
    os.makedirs(a.outdir, exist_ok=True)
    write_data(a.n, a.outdir, a.seed)
    write_queries(a.queries, os.path.join(a.outdir, "queries.txt"), a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

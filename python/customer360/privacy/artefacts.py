"""Personal data in dbt's artefacts and logs: find the people of the private file in text files.

A dbt error can echo a source row (DuckDB printing a CSV line it could not read), ``dbt show`` prints
rows, a unit test can carry real values: ``target/`` (run_results.json, manifest.json, compiled and run
SQL, the static docs page) and ``logs/dbt.log`` are files anyone with the repository checkout may read
or attach to a ticket. This module looks in them for the personal values of the conformed person
records (``intermediate.int_conform__persons`` of the private file):

- ``email``: an email address, as given or normalised (case-insensitive);
- ``phone``: a phone number in E.164 (``+13035550101``) or as its national number, in any usual
  written form (``(303) 555-0101``, ``303.555.0101``, ``1-303-555-0101``, ``3035550101``);
- ``ssn``: a social security number, with or without dashes;
- ``full name``: a person's first and last name next to each other, in either order (``Ann Lee``,
  ``Lee, Ann``; accents, case, apostrophes and middle initials ignored; both names of 2+ letters);
- ``birth date with name``: a person's birth date (ISO, US or European order) within 100 characters of
  their last name.

How, at a million records: the text is cut into candidate tokens by a fixed set of regular expressions
(email-, phone-, SSN- and date-shaped strings, and words); each set of tokens goes to DuckDB, which joins
it with the persons' distinct values — one hash join per kind, never one pattern per value. Name word
sequences are only formed from words that start someone's name (found by a first join), so the work
grows with the artefacts, not with the number of people.

Findings name the file, where in it (line, or the JSON path of the string) and the kind of value, never
the value itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

PERSONS = "private.intermediate.int_conform__persons"
TEXT_SUFFIXES = {".json", ".sql", ".html", ".md", ".txt", ".yml", ".yaml", ".log", ".csv"}
LOG_NAME = re.compile(r"\.log(\.\d+)?$")
MAX_NAME_WORDS = 4  # names of up to four words ("maria de la cruz") are looked for
DATE_WINDOW = 100  # characters either side of a birth date in which the person's name counts

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# The patterns below begin with the character they match, and look behind it only after it (`\d(?<!\d\d)`
# is "a digit not preceded by a digit"): Python's regular expressions then skip to the candidate characters
# in C instead of trying the look-behind at every position (DATE 4.5x, SSN 2.4x, PHONE 1.8x faster on a
# test build's artefacts; the same matches as the look-behind written first, pytest
# test_artefact_patterns_match_as_their_plain_form). The plain form is given above each.
_SEP = r"[ .\-]?"
_NANP_REST = r"\)?" + _SEP + r"\d{3}" + _SEP + r"\d{4}"
# phone-shaped: +E.164, or NANP with an optional 1 and separators; not part of a longer number or word:
# (?<![\w.+])(?:\+\d{7,15}|(?:\+?1[ .\-]?)?\(?\d{3}\)?[ .\-]?\d{3}[ .\-]?\d{4})(?![\w])
PHONE = re.compile(
    r"(?:\+(?<![\w.+]\+)\d{7,15}"
    r"|\+(?<![\w.+]\+)1" + _SEP + r"\(?\d{3}" + _NANP_REST
    + r"|1(?<![\w.+]1)" + _SEP + r"\(?\d{3}" + _NANP_REST
    + r"|\((?<![\w.+]\()\d{3}" + _NANP_REST
    + r"|\d(?<![\w.+]\d)\d{2}" + _NANP_REST
    + r")(?![\w])"
)
# (?<![\w.\-])\d{3}[ \-]?\d{2}[ \-]?\d{4}(?![\w\-])
SSN = re.compile(r"\d(?<![\w.\-]\d)\d{2}[ \-]?\d{2}[ \-]?\d{4}(?![\w\-])")
# (?<!\d)(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})(?!\d)
DATE = re.compile(
    r"(\d(?<!\d\d)\d{3}-\d{2}-\d{2}|\d(?<!\d\d)\d?/\d{1,2}/\d{4}|\d(?<!\d\d)\d?\.\d{1,2}\.\d{4})(?!\d)"
)
WORD = re.compile(r"[a-z]{2,}")
LETTERS = re.compile(r"[a-z]+")  # a whole run of letters, as a name's first word must be
APOSTROPHES = re.compile(r"['’`]")
COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
EMBEDDED_JSON = re.compile(r'\{"metadata": ?\{')

KINDS = ("email", "phone", "ssn", "full name", "birth date with name")


@dataclass(frozen=True)
class ArtefactFinding:
    kind: str  # one of KINDS + " in artefact"
    path: str
    location: str  # "line 12" or the JSON path of the string, e.g. results[3].message
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.path} ({self.location}) — {self.detail}"


def artefact_files(folders) -> list[Path]:
    """The text files under the folders: dbt artefacts, compiled SQL, docs and logs (binary files such
    as partial_parse.msgpack, graph.gpickle and screenshots are left out)."""
    files = []
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and (path.suffix in TEXT_SUFFIXES or LOG_NAME.search(path.name)):
                files.append(path)
    return files


def _json_strings(value, where: str):
    """(JSON path, string) of every string — keys included — in a decoded JSON value."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}" if where else str(key), str(key)
            yield from _json_strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{index}]")


def segments(path: Path):
    """(location, text) pieces of one file in which a value is looked for: each string of a JSON file
    (escapes decoded), each line of any other file — with the JSON documents a page embeds (the static
    docs page carries the manifest and catalog) decoded like JSON files."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            yield from _json_strings(json.loads(text), "")
            return
        except ValueError:
            pass  # not JSON after all: read it as lines
    decoder = json.JSONDecoder()
    rest, position = [], 0
    for match in EMBEDDED_JSON.finditer(text):
        if match.start() < position:
            continue
        try:
            document, end = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        rest.append((position, text[position:match.start()]))
        line = text.count("\n", 0, match.start()) + 1
        yield from _json_strings(document, f"line {line}: embedded JSON")
        position = end
    rest.append((position, text[position:]))
    for offset, chunk in rest:
        first_line = text.count("\n", 0, offset) + 1
        for number, line in enumerate(chunk.split("\n"), start=first_line):
            if line.strip():
                yield f"line {number}", line


def normalise_words(text: str) -> str:
    """Lower case, accents and apostrophes removed: the form both sides of the name match share."""
    text = text.lower()
    if not text.isascii():
        text = COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))
    return APOSTROPHES.sub("", text)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _parse_date(text: str) -> list[str]:
    """ISO dates of a written date: Y-M-D, else both M/D/Y and D/M/Y (D.M.Y) readings that are valid."""
    import datetime as dt

    found = []
    if "-" in text:
        formats = ["%Y-%m-%d"]
    elif "/" in text:
        formats = ["%m/%d/%Y", "%d/%m/%Y"]
    else:
        formats = ["%d.%m.%Y", "%m.%d.%Y"]
    for fmt in formats:
        try:
            found.append(dt.datetime.strptime(text, fmt).date().isoformat())
        except ValueError:
            pass
    return found


def _emails(text: str):
    """EMAIL's matches in ``text``, looked for only on the lines holding an @ (an address cannot span a
    line; the pattern, which starts with a common character class, is slow to run over every line)."""
    at = text.find("@")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        yield from EMAIL.finditer(text, start, end)
        at = text.find("@", end)


class _FileText:
    """One file's segments as one text, a segment per line (newlines inside a segment become spaces), so
    each pattern runs once per file; ``segment_at`` maps a position back to its segment."""

    def __init__(self, path: Path):
        pieces = list(segments(path))
        self.locations = [location for location, _ in pieces]
        texts = [text.replace("\n", " ") for _, text in pieces]
        self.text = "\n".join(texts)
        self.starts, offset = [], 0
        for text in texts:
            self.starts.append(offset)
            offset += len(text) + 1

    def segment_at(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def bounds(self, segment: int) -> tuple[int, int]:
        end = self.starts[segment + 1] - 1 if segment + 1 < len(self.starts) else len(self.text)
        return self.starts[segment], end


class _Tokens:
    """Candidate tokens of every segment, by kind, with the segment they came from."""

    def __init__(self):
        self.locations: list[tuple[int, str]] = []  # segment id -> (file index, location)
        self.values = {kind: ([], []) for kind in ("email", "phone", "ssn")}
        self.dates = ([], [], [])  # segment, iso date, window word
        self.words: set[str] = set()  # every word seen (names are formed in a second pass)

    def add(self, file_index: int, file: _FileText) -> None:
        base = len(self.locations)
        self.locations += [(file_index, location) for location in file.locations]
        text = file.text
        for kind, find in (("email", _emails), ("phone", PHONE.finditer), ("ssn", SSN.finditer)):
            segments_, values = self.values[kind]
            for match in find(text):
                segments_.append(base + file.segment_at(match.start()))
                values.append(match.group().lower() if kind == "email" else _digits(match.group()))
        self.words.update(WORD.findall(normalise_words(text)))
        for match in DATE.finditer(text):
            segment = file.segment_at(match.start())
            low, high = file.bounds(segment)
            window = normalise_words(text[max(low, match.start() - DATE_WINDOW):min(high, match.end() + DATE_WINDOW)])
            near = set(WORD.findall(window))
            for iso in _parse_date(match.group(1)):
                for word in near:
                    self.dates[0].append(base + segment)
                    self.dates[1].append(iso)
                    self.dates[2].append(word)


def _load_person_values(con) -> None:
    """The persons' distinct values, one temp table per kind, normalised like the text tokens."""
    name = ("array_to_string(list_filter(string_split(trim(regexp_replace(regexp_replace("
            "strip_accents(lower({0})), '[''’`]', '', 'g'), '[^a-z]+', ' ', 'g')), ' '), w -> length(w) >= 2), ' ')")
    con.execute(f"""create temp table persons as
        select
            lower(trim(email_as_given)) as email_as_given,
            lower(trim(email)) as email,
            regexp_replace(phone_e164, '[^0-9]', '', 'g') as phone_digits,
            regexp_replace(cast(national_id as varchar), '[^0-9]', '', 'g') as ssn_digits,
            {name.format('first_name')} as first_name_key,
            {name.format('last_name')} as last_name_key,
            birth_date
        from {PERSONS}""")
    con.execute("""create temp table person_emails as
        select distinct value from (
            select email_as_given as value from persons union all select email from persons
        ) where value like '%_@_%'""")
    # E.164 digits, and the national number: the digits after the country code (1 for NANP; other
    # codes are 1-3 digits, so their national numbers are taken after 1, 2 and 3 digits, 7+ digits left)
    con.execute("""create temp table person_phones as
        select distinct value from (
            select phone_digits as value from persons
            union all select phone_digits[2:] from persons where phone_digits like '1%'
            union all select unnest([phone_digits[2:], phone_digits[3:], phone_digits[4:]])
            from persons where phone_digits not like '1%'
        ) where length(value) >= 7""")
    con.execute("""create temp table person_ssns as
        select distinct ssn_digits as value from persons where length(ssn_digits) = 9""")
    con.execute(f"""create temp table person_names as
        select distinct value from (
            select first_name_key || ' ' || last_name_key as value from persons
            union all select last_name_key || ' ' || first_name_key from persons
        ) where len(string_split(value, ' ')) between 2 and {MAX_NAME_WORDS}
            and value not like ' %' and value not like '% '""")
    con.execute("""create temp table name_starts as
        select distinct split_part(value, ' ', 1) as word from person_names""")
    con.execute("""create temp table person_birth_names as
        select distinct birth_date, unnest(string_split(last_name_key, ' ')) as word
        from persons where birth_date is not null and last_name_key != ''""")


def _hits(con, kind: str, segments_, values, table: str) -> dict[int, int]:
    """{segment: number of distinct personal values of this kind in it}."""
    if not values:
        return {}
    con.register("tokens", pa.table({"segment": pa.array(segments_, pa.int64()), "value": pa.array(values)}))
    try:
        rows = con.execute(f"""
            select segment, count(distinct tokens.value) from tokens
            inner join {table} on tokens.value = {table}.value group by segment""").fetchall()
    finally:
        con.unregister("tokens")
    return dict(rows)


def _name_hits(con, tokens: _Tokens, files: list[Path]) -> dict[int, int]:
    """Word sequences that are a person's name: a first join finds the words of the artefacts that begin
    someone's name; a second pass over the text forms 2- to 4-word sequences at those words only."""
    if not tokens.words:
        return {}
    con.register("words", pa.table({"word": pa.array(sorted(tokens.words))}))
    try:
        # a start is a whole run of letters that begins someone's name: every run is looked up in this set
        # (one alternation of thousands of names as a regular expression tried them all at every position)
        starts = {row[0] for row in con.execute(
            "select word from words semi join name_starts using (word)").fetchall()}
    finally:
        con.unregister("words")
    if not starts:
        return {}
    segments_, phrases, base = [], [], 0
    for path in files:
        file = _FileText(path)
        normalised = normalise_words(file.text)
        line_ends = [match.start() for match in re.finditer("\n", normalised)]
        for match in LETTERS.finditer(normalised):
            if match.group() not in starts:
                continue
            line = bisect_right(line_ends, match.start())
            end = line_ends[line] if line < len(line_ends) else len(normalised)
            words = [match.group()]
            for word in WORD.finditer(normalised, match.end(), end):
                words.append(word.group())
                segments_.append(base + line)
                phrases.append(" ".join(words))
                if len(words) == MAX_NAME_WORDS:
                    break
        base += len(file.locations)
    return _hits(con, "full name", segments_, phrases, "person_names")


def _birth_hits(con, tokens: _Tokens) -> dict[int, int]:
    segments_, dates, words = tokens.dates
    if not segments_:
        return {}
    con.register("near", pa.table({"segment": pa.array(segments_, pa.int64()), "birth_date": pa.array(dates),
                                   "word": pa.array(words)}))
    try:
        rows = con.execute("""
            select near.segment, count(distinct near.birth_date) from near
            inner join person_birth_names
                on cast(near.birth_date as date) = person_birth_names.birth_date
                and near.word = person_birth_names.word
            group by near.segment""").fetchall()
    finally:
        con.unregister("near")
    return dict(rows)


def scan(private_path: str | Path, folders) -> list[ArtefactFinding]:
    """Findings for the personal values of the private file's persons in the text files under
    ``folders`` (one per file and kind, at the first place it occurs)."""
    files = artefact_files(folders)
    tokens = _Tokens()
    for file_index, path in enumerate(files):
        tokens.add(file_index, _FileText(path))

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{str(private_path).replace(chr(39), chr(39) * 2)}' as private (read_only)")
        _load_person_values(con)
        hits = {
            "email": _hits(con, "email", *tokens.values["email"], "person_emails"),
            "phone": _hits(con, "phone", *tokens.values["phone"], "person_phones"),
            "ssn": _hits(con, "ssn", *tokens.values["ssn"], "person_ssns"),
            "full name": _name_hits(con, tokens, files),
            "birth date with name": _birth_hits(con, tokens),
        }
    finally:
        con.close()

    findings = []
    for kind in KINDS:
        by_file: dict[int, list[int]] = {}
        for segment, count in sorted(hits[kind].items()):
            by_file.setdefault(tokens.locations[segment][0], []).append(count)
        for file_index, counts in sorted(by_file.items()):
            first = min(segment for segment in hits[kind] if tokens.locations[segment][0] == file_index)
            places = len(counts)
            findings.append(ArtefactFinding(
                f"{kind} in artefact", str(files[file_index]), tokens.locations[first][1],
                f"{sum(counts)} {kind} value(s) of the private file's person records in {places} place(s) "
                f"(values not shown)",
            ))
    return findings

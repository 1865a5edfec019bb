"""People outside the US (export shape `non_us`): places, postcodes, street forms, phone plans, national ids.

A `Country` renders the same true world the US generator draws: every random number is drawn exactly as for
the US data, and only its rendering changes (US city i becomes this country's city i mod n, a ZIP draw becomes a
postcode of that city, an SSN draw becomes a national id, a phone draw a number of the national plan). So a
`non_us` data set has the same records, keys and true persons as the default one of the same seed.

Subdivisions are ISO 3166-2 codes, named through `pycountry`; phone numbers are checked against the national plan
with `phonenumbers` and written in its national and international forms; national ids pass `python-stdnum`'s
validators where it has one (DE Steuer-Identifikationsnummer, AU Tax File Number) and HMRC's published format
rules for the GB National Insurance number (python-stdnum has no validator for it).
"""

import re

import phonenumbers
import pycountry
from stdnum.au import tfn
from stdnum.de import idnr
from stdnum.iso7064 import mod_11_10

# city, ISO 3166-2 subdivision, postcode stems (GB outward codes, DE 3-digit / AU 2-digit prefixes),
# landline prefix of the national significant number (area code and first subscriber digits), time zone
GB_CITIES = [
    ("London", "GB-CMD", "NW1 NW3 NW5 N7 N19", "207", "Europe/London"),
    ("Manchester", "GB-MAN", "M1 M4 M13 M14 M20", "1612", "Europe/London"),
    ("Birmingham", "GB-BIR", "B1 B5 B13 B15 B29", "1214", "Europe/London"),
    ("Leeds", "GB-LDS", "LS1 LS6 LS7 LS8 LS17", "1132", "Europe/London"),
    ("London", "GB-WSM", "SW1A SW1P SW1V W2 NW8", "208", "Europe/London"),
    ("Glasgow", "GB-GLG", "G1 G3 G11 G12 G41", "1413", "Europe/London"),
    ("Liverpool", "GB-LIV", "L1 L8 L15 L17 L18", "1512", "Europe/London"),
    ("Bristol", "GB-BST", "BS1 BS3 BS6 BS7 BS8", "1179", "Europe/London"),
    ("London", "GB-HCK", "E8 E9 E5 N16", "207", "Europe/London"),
    ("Edinburgh", "GB-EDH", "EH1 EH3 EH6 EH10", "1312", "Europe/London"),
    ("Sheffield", "GB-SHF", "S1 S7 S10 S11", "1142", "Europe/London"),
    ("Cardiff", "GB-CRF", "CF10 CF11 CF14 CF24", "2920", "Europe/London"),
    ("London", "GB-LBH", "SE11 SW2 SW4 SW9 SE27", "208", "Europe/London"),
    ("Newcastle upon Tyne", "GB-NET", "NE1 NE2 NE4 NE6", "1912", "Europe/London"),
    ("Nottingham", "GB-NGM", "NG1 NG5 NG7 NG9", "1159", "Europe/London"),
    ("Belfast", "GB-BFS", "BT1 BT5 BT7 BT9", "2890", "Europe/London"),
    ("Leicester", "GB-LCE", "LE1 LE2 LE3 LE4", "1162", "Europe/London"),
    ("Croydon", "GB-CRY", "CR0 CR2 CR7", "208", "Europe/London"),
    ("Brighton", "GB-BNH", "BN1 BN2 BN3", "1273", "Europe/London"),
    ("York", "GB-YOR", "YO1 YO10 YO24 YO31", "1904", "Europe/London"),
]
DE_CITIES = [
    ("Berlin", "DE-BE", "101 104 107 109 120 121 130 133", "30", "Europe/Berlin"),
    ("Hamburg", "DE-HH", "200 201 202 203 210 220 221 227", "40", "Europe/Berlin"),
    ("München", "DE-BY", "803 805 806 807 809 812 813 816", "89", "Europe/Berlin"),
    ("Köln", "DE-NW", "506 507 508 509 511", "221", "Europe/Berlin"),
    ("Frankfurt am Main", "DE-HE", "603 604 605", "69", "Europe/Berlin"),
    ("Stuttgart", "DE-BW", "701 703 704 705 706", "711", "Europe/Berlin"),
    ("Düsseldorf", "DE-NW", "402 404 405 406", "211", "Europe/Berlin"),
    ("Leipzig", "DE-SN", "041 042 043", "341", "Europe/Berlin"),
    ("Dresden", "DE-SN", "010 011 012 013", "351", "Europe/Berlin"),
    ("Hannover", "DE-NI", "301 302 303 304 305", "511", "Europe/Berlin"),
    ("Nürnberg", "DE-BY", "904", "911", "Europe/Berlin"),
    ("Bremen", "DE-HB", "281 282 283 285 287", "421", "Europe/Berlin"),
    ("Essen", "DE-NW", "451 452 453", "201", "Europe/Berlin"),
    ("Dortmund", "DE-NW", "441 442 443", "231", "Europe/Berlin"),
    ("Mainz", "DE-RP", "551", "6131", "Europe/Berlin"),
    ("Kiel", "DE-SH", "241", "431", "Europe/Berlin"),
    ("Erfurt", "DE-TH", "990", "361", "Europe/Berlin"),
    ("Rostock", "DE-MV", "180 181", "381", "Europe/Berlin"),
    ("Magdeburg", "DE-ST", "391", "391", "Europe/Berlin"),
    ("Potsdam", "DE-BB", "144", "331", "Europe/Berlin"),
    ("Saarbrücken", "DE-SL", "661", "681", "Europe/Berlin"),
]
AU_CITIES = [
    ("Sydney", "AU-NSW", "20 21 22", "29", "Australia/Sydney"),
    ("Melbourne", "AU-VIC", "30 31 32", "39", "Australia/Melbourne"),
    ("Brisbane", "AU-QLD", "40 41", "73", "Australia/Brisbane"),
    ("Perth", "AU-WA", "60 61", "89", "Australia/Perth"),
    ("Adelaide", "AU-SA", "50 51", "88", "Australia/Adelaide"),
    ("Gold Coast", "AU-QLD", "42", "75", "Australia/Brisbane"),
    ("Canberra", "AU-ACT", "26", "26", "Australia/Sydney"),
    ("Newcastle", "AU-NSW", "22 23", "249", "Australia/Sydney"),
    ("Hobart", "AU-TAS", "70", "362", "Australia/Hobart"),
    ("Geelong", "AU-VIC", "32", "352", "Australia/Melbourne"),
    ("Wollongong", "AU-NSW", "25", "242", "Australia/Sydney"),
    ("Townsville", "AU-QLD", "48", "747", "Australia/Brisbane"),
    ("Darwin", "AU-NT", "08", "889", "Australia/Darwin"),
    ("Parramatta", "AU-NSW", "21", "29", "Australia/Sydney"),
]

GB_STREETS = """High Church Station Park Victoria Green Manor Queens Kings Mill Albert New London York Windsor
Grange Chapel Springfield Alexandra Richmond Stanley Mount Castle Orchard Willow Beech Meadow Priory Cromwell
Salisbury Trinity Baker Abbey Elm""".split()
DE_STREETS = """Haupt Bahnhof Garten Schul Berg Kirch Linden Wald Dorf Rosen Birken Mühlen Goethe Schiller
Friedrich Mozart Beethoven Buchen Eichen Tannen Feld Wiesen Sonnen Markt Ahorn Kastanien Blumen Heide Brunnen
Hafen Park""".split()
AU_STREETS = """George King Queen Elizabeth Pitt Collins Bourke Victoria Albert Beach Ocean Bay Church Railway
Station Wattle Banksia Jacaranda Macquarie Hunter Flinders Swanston Chapel High Smith Lygon Oxford Darling
Anzac Pacific""".split()
# (full, abbreviation); index i stands for the US street type drawn at index i
GB_TYPES = [("Road", "Rd"), ("Street", "St"), ("Lane", "Ln"), ("Avenue", "Ave"), ("Close", "Cl"), ("Drive", "Dr"),
            ("Gardens", "Gdns"), ("Crescent", "Cres"), ("Way", "Way"), ("Place", "Pl"), ("Grove", "Gr")]
DE_TYPES = [("straße", "str."), ("weg", "weg"), ("straße", "str."), ("platz", "pl."), ("allee", "allee"),
            ("gasse", "gasse"), ("ring", "ring"), ("straße", "str."), ("weg", "weg"), ("damm", "damm"),
            ("steig", "steig")]
AU_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Parade", "Pde"), ("Crescent", "Cres"),
            ("Place", "Pl"), ("Drive", "Dr"), ("Court", "Ct"), ("Lane", "Ln"), ("Terrace", "Tce"), ("Close", "Cl")]

# inward code letters of a GB postcode (never C I K M O V)
GB_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
# the patterns people's postcodes follow (case and the GB space as typed)
POSTCODE_RE = {
    "GB": re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}$", re.I),
    "DE": re.compile(r"^[0-9]{5}$"),
    "AU": re.compile(r"^[0-9]{4}$"),
}


def subdivision_name(code):
    """ISO 3166-2 name as people write it: 'Edinburgh, City of' -> 'Edinburgh'; bracketed aliases dropped."""
    name = pycountry.subdivisions.get(code=code).name
    name = name.split(" [")[0]
    return name.split(", ")[0]


# HMRC's rules: first letter not D F I Q U V, second not D F I O Q U V, prefixes BG GB KN NK NT TN ZZ never issued,
# six digits, suffix A-D
NINO_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")


def nino_valid(v):
    return bool(NINO_RE.match(v))


def _nino(r):
    """GB National Insurance number (no spaces) from a number; None when the prefix is not allocated."""
    first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    pre = first[r % len(first)] + second[r // len(first) % len(second)]
    rest = r // (len(first) * len(second))
    return f"{pre}{rest % 1_000_000:06d}{'ABCD'[rest // 1_000_000 % 4]}"


def _idnr(r):
    """DE tax id: ten digits with one digit twice (not side by side), first digit not 0, ISO 7064 check digit."""
    digits = list("0123456789")
    x = r
    perm = []
    for k in range(10, 0, -1):  # the r-th permutation (Lehmer code)
        perm.append(digits.pop(x % k))
        x //= k
    dup_from, dup_to = x % 10, x // 10 % 10
    perm[dup_to] = perm[dup_from]
    body = "".join(perm)
    return body + mod_11_10.calc_check_digit(body)


def _tfn(r):
    """AU tax file number: eight digits and the digit that makes the weighted sum a multiple of 11."""
    body = f"{10_000_000 + r % 90_000_000:08d}"
    for d in "0123456789":
        if tfn.is_valid(body + d):
            return body + d
    return body + "X"  # no digit fits: rejected by the caller, which tries the next number


class Country:
    """One country's way of writing addresses, phones and national ids."""

    def __init__(self, code, cities, streets, types, names, mobile, id_valid, make_id, id_spaced, unit_forms,
                 contact_center_tz):
        self.code = code
        self.cities = cities
        self.streets = streets
        self.types = types
        self.names = names  # country column values as typed (same number of slots as the US lists)
        self.mobile = mobile  # mobile prefixes of the national significant number
        self.id_valid, self.make_id, self.id_spaced = id_valid, make_id, id_spaced
        self.unit_forms = unit_forms
        self.contact_center_tz = contact_center_tz
        self.calling_code = str(phonenumbers.country_code_for_region(code))
        self.sub_names = {c[1]: subdivision_name(c[1]) for c in cities}
        self._phone_cache = {}

    # --- places ---
    def city(self, us_city):
        return self.cities[int(us_city) % len(self.cities)]

    def postcode(self, us_city, d, d4):
        """The canonical postcode of an address, from the US ZIP draws d (0-99) and d4 (1-9998)."""
        stems = self.city(us_city)[2].split()
        stem = stems[(int(d) + int(d4)) % len(stems)]
        if self.code == "GB":
            return f"{stem} {int(d4) % 10}{GB_INWARD[int(d) % 20]}{GB_INWARD[int(d4) // 10 % 20]}"
        if self.code == "DE":
            return f"{stem}{int(d) % 100:02d}"
        return f"{stem}{int(d) % 100:02d}"

    def house_number(self, num):
        return int(num) if num < 400 else int(num) % 397 + 1

    def street_line(self, num, street, stype, form=0):
        """form 0 full, 1 abbreviated, 2 abbreviated with a dot (DE: ss for ß), 3 upper case abbreviated."""
        name = self.streets[int(street) % len(self.streets)]
        full, abbr = self.types[int(stype) % len(self.types)]
        n = self.house_number(num)
        if self.code == "DE":
            typ = (full, abbr, full.replace("ß", "ss"), abbr)[form]
            line = f"{name}{typ} {n}"
            return line.upper() if form == 3 else line
        typ = (full, abbr, abbr + ("." if abbr != "Way" else ""), abbr.upper())[form]
        return f"{n} {name} {typ}"

    def unit(self, unit, form=0):
        return self.unit_forms[form].format(unit=unit, floor=unit[:-1])

    def unit_alone(self, unit, form=0):
        """The unit on a line of its own ('4B/' is only written in front of a street)."""
        ut = self.unit(unit, form)
        return f"Unit {unit}" if ut.endswith("/") else ut

    def with_unit(self, line, unit, form, comma):
        """The unit on the street line: before it in GB and AU ('Flat 4B, 12 High Street', '4B/12 George St'),
        after it in DE ('Goethestraße 12, Whg. 4B')."""
        ut = self.unit(unit, form)
        if ut.endswith("/"):
            return f"{ut}{line}"
        if self.code == "DE":
            return f"{line}{',' if comma else ''} {ut}"
        return f"{ut}{',' if comma else ''} {line}"

    def state(self, code, full):
        """Subdivision as typed: its name, or its code without the country prefix (GB: the name or nothing)."""
        if self.code == "GB":
            return self.sub_names[code] if full else None
        return self.sub_names[code] if full else code.split("-")[1]

    # --- phones ---
    def _valid(self, nsn):
        return phonenumbers.is_valid_number_for_region(self._number(nsn), self.code)

    def _number(self, nsn):
        return phonenumbers.PhoneNumber(country_code=int(self.calling_code), national_number=int(nsn))

    def landline(self, us_city, r, used):
        """A new landline of the city's area (national significant number), unique in used."""
        prefix = self.city(us_city)[3]
        width = {"GB": 10, "DE": 10, "AU": 9}[self.code] - len(prefix)
        return self._unique(used, lambda k: prefix + str((r + 7919 * k) % (9 * 10 ** (width - 1)) + 10 ** (width - 1)))

    def mobile_number(self, r, used):
        prefix = self.mobile[r % len(self.mobile)]
        width = {"GB": 10, "DE": 11, "AU": 9}[self.code] - len(prefix)
        return self._unique(used, lambda k: prefix + f"{(r // 7 + 7919 * k) % 10 ** width:0{width}d}")

    def _unique(self, used, make):
        k = 0
        while True:
            v = make(k)
            if v not in used and self._valid(v):
                used.add(v)
                return v
            k += 1

    def fake_phone(self, us_digits):
        """A number of nobody we know (the US generator's random 10 digits), typed in national form."""
        nsn = self.mobile[int(us_digits) % len(self.mobile)]
        width = {"GB": 10, "DE": 11, "AU": 9}[self.code] - len(nsn)
        return "0" + nsn + us_digits[-width:].rjust(width, "0")

    def e164(self, nsn):
        return f"+{self.calling_code}{nsn}"

    def phone(self, nsn, style):
        """Eight ways of typing one number, standing for the US generator's eight phone styles:
        national grouped, national with separators, national with dots, international grouped, national digits,
        00 prefix (AU: international grouped), E.164, international with the trunk 0 in brackets (GB/DE) or without spaces (AU)."""
        forms = self._phone_cache.get(nsn)
        if forms is None:
            num = self._number(nsn)
            nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
            intl = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            digits = "0" + nsn
            plain = nat.replace("(", "").replace(")", "")
            sep = {"DE": "/", "GB": " ", "AU": "-"}[self.code]
            head, _, tail = plain.partition(" ")
            second = f"{head}{sep}{tail.replace(' ', '')}"
            if self.code == "GB":  # GB numbers are not hyphenated: the other grouping people use
                second = f"{head} {tail.replace(' ', '')[:3]} {tail.replace(' ', '')[3:]}"
            dial_out = "00" + intl[1:] if self.code != "AU" else intl  # AU dials out with 0011: people write +61
            forms = (nat, second, plain.replace(" ", "."), intl, digits, dial_out, f"+{self.calling_code}{nsn}",
                     intl.replace(" ", " (0)", 1) if self.code != "AU" else f"+{self.calling_code} {nsn}")
            self._phone_cache[nsn] = forms
        return forms[style]

    # --- national id ---
    def national_id(self, r, used):
        k = 0
        while True:
            v = self.make_id(r + 104_729 * k)
            if v not in used and self.id_valid(v):
                used.add(v)
                return v
            k += 1

    def national_id_typed(self, v, spaced):
        return self.id_spaced(v) if spaced else v


def _nino_spaced(v):
    return f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:8]} {v[8]}"


COUNTRIES = {
    "GB": lambda: Country(
        "GB", GB_CITIES, GB_STREETS, GB_TYPES, ["GB", "UK", "United Kingdom", None], ["74", "75", "77", "78", "79"],
        nino_valid, _nino, _nino_spaced, ["Flat {unit}", "Flat {unit}", "Apartment {unit}", "Flat {unit}"],
        "Europe/London"),
    "DE": lambda: Country(
        "DE", DE_CITIES, DE_STREETS, DE_TYPES, ["DE", "Germany", "Deutschland", None],
        ["151", "152", "157", "160", "170", "171", "172", "176", "178"], idnr.is_valid, _idnr,
        lambda v: f"{v[:2]} {v[2:5]} {v[5:8]} {v[8:]}", ["Whg. {unit}", "{floor}. OG", "App. {unit}", "Wohnung {unit}"],
        "Europe/Berlin"),
    "AU": lambda: Country(
        "AU", AU_CITIES, AU_STREETS, AU_TYPES, ["AU", "AUS", "Australia", None],
        ["40", "41", "42", "43", "44", "45", "47", "48"], tfn.is_valid, _tfn, lambda v: f"{v[:3]} {v[3:6]} {v[6:]}",
        ["Unit {unit}", "{unit}/", "Unit {unit}", "Apt {unit}"], "Australia/Sydney"),
}


def country(code):
    """The Country for an ISO 3166-1 alpha-2 code (GB, DE, AU)."""
    try:
        return COUNTRIES[code.upper()]()
    except KeyError:
        raise ValueError(f"country {code!r} is not supported (choose one of {', '.join(COUNTRIES)})") from None

"""Reference lists for the synthetic population: names, places, streets, products.

All values are invented or generic; list order gives the popularity rank used for weights.
"""

MALE = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald
Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon
Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron José Adam
Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger Terry
Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Albert Alan Juan Wayne
Elijah Randy Roy Vincent Ralph Eugene Russell Louis Philip Bobby Johnny Howard Fernando Raúl
Andrés Martin Leonard Stanley Frederick Theodore Jonah""".split()

FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie
Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen
Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie
Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah
Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy
Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany
Charlotte Marie Kayla Alexis Lori Zoë Renée Chloé Sofía Inés Rosalind Eleanor Margarita Penelope
Valerie Josephine Suzanne Gabrielle""".split()

LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez
Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green
Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz
Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan
Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno
West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall
Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne
Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight
Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry
Perkins Hoffman Johnston Matthews Peña Richards Willis Carpenter Lawrence Sandoval Ibáñez Müller
Nuñez Brennan Gallagher Kowalski Novak Schneider Larsen Lindqvist Okafor Adeyemi Yamamoto Tanaka
Singh Shah Cohen Goldberg Russo Romano Esposito Ricci Duarte Sousa""".split() + [
    "O'Brien", "O'Connor", "O'Neill", "Van Dyke", "De la Cruz", "St. John", "Smith-Jones",
]

SUFFIX_DOT = ["Jr.", "Sr.", "II", "III"]

# city, state code, state name, zip3, area code, time zone, weight
CITIES = [
    ("Boston", "MA", "Massachusetts", "021", "617", "America/New_York", 8),
    ("Cambridge", "MA", "Massachusetts", "021", "617", "America/New_York", 4),
    ("Worcester", "MA", "Massachusetts", "016", "508", "America/New_York", 4),
    ("Springfield", "MA", "Massachusetts", "011", "413", "America/New_York", 2),
    ("Providence", "RI", "Rhode Island", "029", "401", "America/New_York", 3),
    ("Hartford", "CT", "Connecticut", "061", "860", "America/New_York", 3),
    ("New Haven", "CT", "Connecticut", "065", "203", "America/New_York", 2),
    ("New York", "NY", "New York", "100", "212", "America/New_York", 8),
    ("Brooklyn", "NY", "New York", "112", "718", "America/New_York", 6),
    ("Albany", "NY", "New York", "122", "518", "America/New_York", 2),
    ("Newark", "NJ", "New Jersey", "071", "973", "America/New_York", 3),
    ("Jersey City", "NJ", "New Jersey", "073", "201", "America/New_York", 2),
    ("Philadelphia", "PA", "Pennsylvania", "191", "215", "America/New_York", 5),
    ("Pittsburgh", "PA", "Pennsylvania", "152", "412", "America/New_York", 3),
    ("Baltimore", "MD", "Maryland", "212", "410", "America/New_York", 3),
    ("Washington", "DC", "District of Columbia", "200", "202", "America/New_York", 3),
    ("Richmond", "VA", "Virginia", "232", "804", "America/New_York", 2),
    ("Charlotte", "NC", "North Carolina", "282", "704", "America/New_York", 2),
    ("Raleigh", "NC", "North Carolina", "276", "919", "America/New_York", 2),
    ("Atlanta", "GA", "Georgia", "303", "404", "America/New_York", 3),
    ("Miami", "FL", "Florida", "331", "305", "America/New_York", 2),
    ("Orlando", "FL", "Florida", "328", "407", "America/New_York", 2),
    ("Columbus", "OH", "Ohio", "432", "614", "America/New_York", 2),
    ("Cleveland", "OH", "Ohio", "441", "216", "America/New_York", 2),
    ("Detroit", "MI", "Michigan", "482", "313", "America/New_York", 2),
    ("Chicago", "IL", "Illinois", "606", "312", "America/Chicago", 5),
    ("Milwaukee", "WI", "Wisconsin", "532", "414", "America/Chicago", 1),
    ("Minneapolis", "MN", "Minnesota", "554", "612", "America/Chicago", 2),
    ("St. Louis", "MO", "Missouri", "631", "314", "America/Chicago", 1),
    ("Nashville", "TN", "Tennessee", "372", "615", "America/Chicago", 2),
    ("Dallas", "TX", "Texas", "752", "214", "America/Chicago", 3),
    ("Houston", "TX", "Texas", "770", "713", "America/Chicago", 3),
    ("Austin", "TX", "Texas", "787", "512", "America/Chicago", 2),
    ("Denver", "CO", "Colorado", "802", "303", "America/Denver", 2),
    ("Phoenix", "AZ", "Arizona", "850", "602", "America/Phoenix", 2),
    ("Salt Lake City", "UT", "Utah", "841", "801", "America/Denver", 1),
    ("Seattle", "WA", "Washington", "981", "206", "America/Los_Angeles", 2),
    ("Portland", "OR", "Oregon", "972", "503", "America/Los_Angeles", 1),
    ("San Francisco", "CA", "California", "941", "415", "America/Los_Angeles", 2),
    ("Los Angeles", "CA", "California", "900", "213", "America/Los_Angeles", 3),
    ("San Diego", "CA", "California", "921", "619", "America/Los_Angeles", 1),
]

STREETS = """Main Oak Maple Cedar Elm Pine Washington Lake Hill Park Walnut Church Spring Highland
Franklin Chestnut Jefferson Lincoln Madison River Sunset Meadow Forest Center Mill School Prospect
Pleasant Union Bridge Broad Market Water Academy Summit Cherry Adams Locust Willow Lakeview Ridge
Hillside Beacon Harbor Orchard Jackson Grove Dogwood Birch Valley Magnolia Sycamore Poplar Laurel
Hawthorne Juniper Aspen Bayview Fairview Glenwood Greenwood Kingston Lexington Riverside Woodland""".split()

# full, abbreviation
STREET_TYPES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"),
                ("Lane", "Ln"), ("Court", "Ct"), ("Boulevard", "Blvd"), ("Place", "Pl"),
                ("Way", "Way"), ("Terrace", "Ter"), ("Circle", "Cir")]
STREET_TYPE_W = [30, 20, 12, 10, 6, 5, 4, 4, 4, 3, 2]
DIRECTIONS = [("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")]

EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com",
                 "comcast.net", "example.com", "example.net", "mail.example.org"]
EMAIL_DOMAIN_W = [35, 14, 10, 8, 4, 8, 5, 8, 5, 3]
WORK_DOMAINS = ["acmecorp.example.com", "globex.example.com", "initech.example.com",
                "umbrella-co.example.com", "hooli.example.com", "vandelay.example.com",
                "northwind.example.com", "contoso.example.com", "fabrikam.example.com",
                "tailspin.example.com", "wayne-ent.example.com", "stark-ind.example.com"]
EMPLOYERS = ["Acme Corp", "Globex", "Initech", "Umbrella Co", "Hooli", "Vandelay Industries",
             "Northwind Traders", "Contoso", "Fabrikam", "Tailspin Toys", "Wayne Enterprises",
             "Stark Industries"]

# category, product titles, median unit price (USD), installable
PRODUCTS = [
    ("windows", ["Double-Hung Window", "Casement Window", "Bay Window", "Sliding Window"], 650, True),
    ("doors", ["Entry Door", "Patio Door", "Storm Door", "French Door"], 1200, True),
    ("roofing", ["Asphalt Shingle Roof", "Metal Roof Panel Kit", "Roof Repair Package"], 7500, True),
    ("hvac", ["Heat Pump", "Central Air Unit", "Gas Furnace", "Smart Thermostat Kit"], 4200, True),
    ("accessories", ["Window Screen", "Door Hardware Set", "Weatherstripping Kit", "Blinds",
                     "Gutter Guard", "Caulk Pack"], 45, False),
]
PRODUCT_W = [30, 18, 8, 10, 34]


# Long tail of surnames: invented but plausible compounds, made deterministically from our own
# syllable lists (prefix x ending). They follow the real names above in popularity order, so the
# common names stay common (John Smith still collides) while most people get a rarer surname.
_SUR_PREFIX = """Ash Bel Har Al Ald Ames Arn Bar Bark Bax Black Bland Brad Bram Brant Brid Brom Bur
Cal Cam Carl Chad Chal Chat Clay Cliff Col Cor Cran Crom Dal Dar Dun Ed Ell Elm Ever Fair Farn
Fen Fin Fon Gar Gil Glad Glen Gor Grant Gren Hal Ham Hat Haw Hay Hol Hon Hux Kel Ken Kent Kim
Kings Knap Lang Lar Lin Lock Lom Lud Mar Mel Mer Mid Mor Nash New Nor Old Pen Pem Pres Rad Ram
Red Rid Roth Rush Sal Sand Sel Shel Sher Stan Stock Sut Thorn Tol Tren Wal War Wes Whit Wil
Win Wood Wor Yar""".split()
_SUR_END = """ford ton well man ley by field wood worth more land ridge dale burn wick stead shaw
son berg ham brook cott den mont ville hurst stone bury combe grove sley ing lock wright""".split()


def _surname_tail():
    seen = set(LAST)
    out = []
    n = len(_SUR_PREFIX)
    for q in range(n):  # each round uses every ending once with a spread of prefixes
        for i, end in enumerate(_SUR_END):
            pre = _SUR_PREFIX[(q + 7 * i) % n]
            name = pre + (end[1:] if pre[-1] == end[0] else end)
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out


LAST_TAIL = _surname_tail()
LAST = LAST + LAST_TAIL

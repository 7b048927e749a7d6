"""Demo data: one trust, a secondary and a primary school, about 600 pupils and staff in every role.

Everything is drawn from `random.Random(seed)`, so one seed on one day always gives
the same people, UPNs and even record codes (stable URLs across `make reset-db`).
Ages, terms and admission dates follow today's date, so the data never looks stale.

Duty-area apps add their own activity with `register_seeder`; `seed_demo` calls
each one once per school after the core data exists.

The accounts share one published password and TOTP secrets derived from the
seed: this data must never be loaded into a live database.
"""

import datetime
import hashlib
import random
import unicodedata
import uuid
from base64 import b32encode
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..accounts.roles import Role
from ..models import (
    AcademicYear,
    AuditEntry,
    FamilyContact,
    Membership,
    Professional,
    Pupil,
    School,
    SchoolClosure,
    Term,
    Trust,
    User,
)
from ..pupils.ethnicity import ensure_census_categories
from ..pupils.upn import make_upn

DEMO_TRUST_NAME = "Northfield Learning Trust"
DEMO_PASSWORD = "demo-pastoral-2026"
DEFAULT_SEED = 2026
TOTP_DEVICE_NAME = "Authenticator app"

# ---------------------------------------------------------------------------
# Registry for duty-area seeders
# ---------------------------------------------------------------------------

_SEEDERS = {}
# Seeders that gather what the others made (a subject access pack holds every area's records): run after them.
_LAST = set()


def register_seeder(name, fn, *, last=False):
    """Add a duty area's term of demo activity (call it from the app's AppConfig.ready).

    `fn(school, staff_by_role, pupils, rng, term)` runs once per demo school, inside
    the seeding transaction, after trust, staff, pupils, contacts and terms exist:

    - `staff_by_role`: {Role: [User, ...]} for the school's current memberships,
      plus `Role.TRUST_LEADER` for the trust-wide leaders;
    - `pupils`: the school's pupils on roll (saved, in a stable order);
    - `rng`: a `random.Random` private to this seeder and school, so adding or
      changing one seeder does not reshuffle another's data;
    - `term`: the school's current term, or the latest one begun if today falls
      in a holiday. Date activity between `term.start` and `min(term.end, today)`.

    Registering a name again replaces the earlier function, so app reloads are harmless. A seeder registered
    with `last=True` runs after every other one (in the order registered), whichever app's ready() ran first.
    """
    _SEEDERS[name] = fn
    if last:
        _LAST.add(name)
    else:
        _LAST.discard(name)


def registered_seeders():
    return dict(_SEEDERS)


# ---------------------------------------------------------------------------
# The cast
# ---------------------------------------------------------------------------

LA_CODE = 383  # Leeds
LA_NAME = "Leeds"


@dataclass(frozen=True)
class SchoolPlan:
    key: str
    name: str
    phase: str
    urn: str
    establishment: int
    year_groups: tuple
    per_year: int
    classes: dict = field(default_factory=dict)  # year group -> class names
    houses: tuple = ()
    domain: str = ""


SCHOOLS = (
    SchoolPlan(
        key="northfield",
        name="Northfield Academy",
        phase=School.Phase.SECONDARY,
        urn="146523",
        establishment=4602,
        year_groups=(7, 8, 9, 10, 11),
        per_year=84,
        classes={year: [f"{year}{letter}" for letter in "NFL"] for year in (7, 8, 9, 10, 11)},
        houses=("Brontë", "Turing", "Seacole", "Attenborough"),
        domain="northfield.example.com",
    ),
    SchoolPlan(
        key="riverside",
        name="Riverside Primary",
        phase=School.Phase.PRIMARY,
        urn="141872",
        establishment=2041,
        year_groups=(0, 1, 2, 3, 4, 5, 6),
        per_year=27,
        classes={0: ["Willow"], 1: ["Hazel"], 2: ["Rowan"], 3: ["Ash"], 4: ["Beech"], 5: ["Oak"], 6: ["Cedar"]},
        domain="riverside.example.com",
    ),
)

TRUST_DOMAIN = "northfieldtrust.example.com"

# Where pupils' UPNs were first issued: (LA code, establishment, weight). Secondary
# pupils mostly carry a UPN from their primary school, some from over the LA border.
FEEDERS = (
    (LA_CODE, 2041, 22),  # Riverside Primary
    (LA_CODE, 2107, 18),
    (LA_CODE, 2233, 16),
    (LA_CODE, 2310, 14),
    (LA_CODE, 3052, 12),
    (380, 2019, 8),  # Bradford
    (384, 2115, 6),  # Wakefield
    (382, 2260, 4),  # Kirklees
)


@dataclass(frozen=True)
class StaffPlan:
    username: str
    first_name: str
    last_name: str
    job_title: str
    roles: tuple  # ((school key, or None for trust-wide, Role), ...)
    totp: bool = True
    left: bool = False


STAFF = (
    StaffPlan("leader.trust", "Margaret", "Ellison", "Chief Executive Officer", ((None, Role.TRUST_LEADER),)),
    StaffPlan("head.northfield", "Amanda", "Okafor", "Headteacher", (("northfield", Role.HEADTEACHER),)),
    StaffPlan(
        "dsl.northfield",
        "Gareth",
        "Hughes",
        "Deputy Headteacher and DSL",
        (("northfield", Role.DSL), ("riverside", Role.DEPUTY_DSL)),
    ),
    StaffPlan(
        "deputy.northfield", "Siobhán", "Murphy", "Head of Year 9, Deputy DSL", (("northfield", Role.DEPUTY_DSL),)
    ),
    StaffPlan(
        "pastorallead.northfield",
        "Marcus",
        "Campbell",
        "Assistant Head (Pastoral)",
        (("northfield", Role.PASTORAL_LEAD),),
    ),
    StaffPlan(
        "pastoral1.northfield", "Fatima", "Begum", "Pastoral Manager, Years 7–9", (("northfield", Role.PASTORAL_STAFF),)
    ),
    StaffPlan(
        "pastoral2.northfield", "Tom", "Wright", "Pastoral Manager, Years 10–11", (("northfield", Role.PASTORAL_STAFF),)
    ),
    StaffPlan(
        "assistant.northfield",
        "Jade",
        "Sutherland",
        "Pastoral Assistant and Deputy DSL",
        (("northfield", Role.PASTORAL_ASSISTANT),),
    ),
    StaffPlan("senco.northfield", "Renée", "Dubois", "SENCo", (("northfield", Role.SENCO),)),
    StaffPlan("medical.northfield", "Karen", "Holt", "Medical Officer", (("northfield", Role.MEDICAL_LEAD),)),
    StaffPlan(
        "ap.northfield",
        "Darren",
        "Fletcher",
        "Alternative Provision Coordinator",
        (("northfield", Role.AP_COORDINATOR),),
    ),
    StaffPlan("teacher.northfield", "Zoë", "Clarke", "Teacher of English", (("northfield", Role.TEACHER),)),
    StaffPlan("teacher2.northfield", "Ravi", "Patel", "Teacher of Mathematics", (("northfield", Role.TEACHER),)),
    StaffPlan("teacher3.northfield", "Jürgen", "Weber", "Teacher of Modern Languages", (("northfield", Role.TEACHER),)),
    StaffPlan("itadmin.northfield", "Kwame", "Mensah", "Network Manager", (("northfield", Role.IT_ADMIN),)),
    StaffPlan(
        "newstarter.northfield", "Chloé", "Martin", "Teacher of Science", (("northfield", Role.TEACHER),), totp=False
    ),
    StaffPlan("head.riverside", "Helen", "Baxter", "Headteacher", (("riverside", Role.HEADTEACHER),)),
    StaffPlan("dsl.riverside", "Nadia", "Hussain", "Deputy Headteacher and DSL", (("riverside", Role.DSL),)),
    StaffPlan("deputy.riverside", "Owen", "Price", "Year 6 Teacher, Deputy DSL", (("riverside", Role.DEPUTY_DSL),)),
    StaffPlan("pastorallead.riverside", "Joanne", "Whitaker", "Inclusion Lead", (("riverside", Role.PASTORAL_LEAD),)),
    StaffPlan("pastoral1.riverside", "Lucy", "Chen", "Learning Mentor", (("riverside", Role.PASTORAL_STAFF),)),
    StaffPlan("pastoral2.riverside", "Bethany", "Lowe", "Family Support Worker", (("riverside", Role.PASTORAL_STAFF),)),
    StaffPlan("senco.riverside", "Grace", "Adeyemi", "SENCo", (("riverside", Role.SENCO),)),
    StaffPlan(
        "medical.riverside",
        "Sandra",
        "Kowalczyk",
        "School Business Manager and First Aider",
        (("riverside", Role.MEDICAL_LEAD),),
    ),
    StaffPlan("ap.riverside", "Paul", "Dixon", "Behaviour and AP Coordinator", (("riverside", Role.AP_COORDINATOR),)),
    StaffPlan("teacher.riverside", "Emily", "Shaw", "Class Teacher (Oak)", (("riverside", Role.TEACHER),)),
    StaffPlan("teacher2.riverside", "José", "Fernández", "Class Teacher (Ash)", (("riverside", Role.TEACHER),)),
    StaffPlan("teacher3.riverside", "Hannah", "Brooks", "Teaching Assistant", (("riverside", Role.TEACHER),)),
    StaffPlan("itadmin.riverside", "Sam", "Taylor", "IT Technician", (("riverside", Role.IT_ADMIN),)),
    # Shows that access ends with the role: the membership ended last half-term.
    StaffPlan("leaver.riverside", "Rachel", "Green", "Teaching Assistant", (("riverside", Role.TEACHER),), left=True),
    StaffPlan("dsl.trust", "Priya", "Raman", "Trust Safeguarding Lead", ((None, Role.TRUST_DSL),)),
    # An alternative provider's contact: sees only the provider portal (linked to a provider by provision's demo).
    StaffPlan("provider.farm", "Tom", "Hughes", "Hillside Skills Farm", ((None, Role.AP_PROVIDER),)),
)

# ---------------------------------------------------------------------------
# Names: (weight, girls, boys, surnames, adult women, adult men, home languages)
# Accented spellings are deliberate: search must find "Zoë" when someone types "Zoe".
# ---------------------------------------------------------------------------

_BRITISH_GIRLS = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Poppy Evie Ella Emily Jessica "
    "Charlotte Ruby Daisy Holly Millie Phoebe Zoë Chloe Ellie Harriet Matilda Imogen Lacey Erin Summer Megan Beth"
).split()
_BRITISH_BOYS = (
    "Oliver George Noah Arthur Leo Harry Oscar Archie Henry Jack Charlie Freddie Theo Alfie Jacob Thomas William "
    "James Joshua Ethan Lewis Callum Reece Kyle Harvey Riley Jake Toby Max Samuel Dylan Finley Alexander Benjamin"
).split()
_BRITISH_SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts "
    "Green Hall Wood Jackson Clarke Hughes Edwards Turner Hill Moore Harris Cooper Ward Morris Baker Booth "
    "Sutcliffe Ackroyd Haigh Barraclough Greenwood Holroyd Pickles Whitaker Smith-Jones Lloyd-Davies Firth"
).split()

HERITAGES = {
    "british": (
        52,
        _BRITISH_GIRLS,
        _BRITISH_BOYS,
        _BRITISH_SURNAMES,
        "Sarah Claire Emma Gemma Kelly Laura Nicola Lisa Rebecca Hayley Stacey Joanne Victoria Amy Leanne".split(),
        "Paul Mark Lee Craig Darren Stuart Gareth Wayne Richard Andrew Neil Jason Daniel Matthew Carl Dean".split(),
        (),
    ),
    "irish": (
        4,
        "Siobhán Niamh Aoife Róisín Saoirse Caoimhe Orla Éabha Clodagh".split(),
        "Seán Ciarán Oisín Darragh Cian Pádraig Eoin Tadhg Conor".split(),
        ["O'Brien", "Murphy", "Kelly", "O'Sullivan", "Byrne", "McCarthy", "Doyle", "Gallagher", "Ó Briain"],
        "Siobhán Máire Sinéad Aoife Niamh Gráinne".split(),
        "Seán Pádraig Declan Ciarán Eoin Brendan".split(),
        (),
    ),
    "welsh": (
        2,
        "Cerys Siân Ffion Gwen Mali Elin".split(),
        "Rhys Dafydd Osian Gethin Ioan".split(),
        "Llewellyn Pritchard Griffiths Jenkins Rees Prosser".split(),
        "Siân Rhiannon Ffion Bethan".split(),
        "Rhys Dafydd Owain Gethin".split(),
        (),
    ),
    "pakistani": (
        10,
        "Aisha Maryam Zainab Hafsa Iqra Khadija Alishba Eman Hania Noor Amna Sana Mahnoor".split(),
        "Muhammad Mohammed Ibrahim Yusuf Zayn Hamza Ali Musa Ayaan Rayyan Haris Bilal Umar Zakariya".split(),
        "Khan Hussain Ahmed Akhtar Iqbal Mahmood Shah Ali Rashid Anwar Aslam Qureshi Butt Chaudhry Ahmed-Khan".split(),
        "Nasreen Shazia Rubina Samina Farzana Saima Ayesha Noreen".split(),
        "Imran Tariq Khalid Asif Zahid Naveed Shahid Amjad".split(),
        ("Urdu", "Punjabi", "Pahari-Pothwari"),
    ),
    "indian": (
        4,
        "Priya Anaya Diya Aarohi Ishani Simran Harleen Jasleen Kiran Navya".split(),
        "Arjun Aarav Vihaan Rohan Dev Gurveer Arjan Sai Ishaan Kabir".split(),
        "Patel Sharma Singh Gill Sandhu Mistry Gupta Chauhan Joshi Dhillon".split(),
        "Sunita Priya Neha Harpreet Manjit Anjali".split(),
        "Rajesh Sanjay Harjit Gurpreet Vikram Amit".split(),
        ("Gujarati", "Punjabi", "Hindi"),
    ),
    "bangladeshi": (
        2,
        "Tasnim Nusrat Sumaiya Ruqayyah Jannat".split(),
        "Rahim Tahmid Abdullah Sami Rafiq".split(),
        "Uddin Miah Rahman Islam Chowdhury Hoque".split(),
        "Rehana Shilpi Nazma Rokeya".split(),
        "Abdul Jamal Shahid Mizanur".split(),
        ("Bengali (Sylheti)",),
    ),
    "african": (
        6,
        "Adaeze Chioma Amara Ifeoma Abena Ama Nia Temitope Folasade Esther Precious Blessing".split(),
        "Chidi Emeka Kwame Kofi Tobi Oluwaseun Femi David Samuel Daniel Ayo Tendai".split(),
        "Okafor Adeyemi Mensah Okonkwo Boateng Owusu Adebayo Nwosu Mutasa Asante Osei Chukwu".split(),
        "Ngozi Funmilayo Akosua Chiamaka Grace Blessing Abimbola".split(),
        "Chukwuemeka Kwabena Oluwaseun Tunde Emmanuel Godfrey".split(),
        ("Yoruba", "Igbo", "Twi", "Shona"),
    ),
    "somali": (
        1,
        "Hodan Ayan Sagal Nasra".split(),
        "Abdirahman Mahad Abdi Liban".split(),
        "Mohamed Abdi Warsame Farah Hassan Osman".split(),
        "Fadumo Hawa Sahra Amina".split(),
        "Abdullahi Mohamed Yusuf Ahmed".split(),
        ("Somali",),
    ),
    "caribbean": (
        3,
        "Shanice Jada Tiana Kiara Aaliyah Nevaeh".split(),
        "Jaden Tyrese Malachi Kai Josiah Marcus Isaiah".split(),
        "Campbell Brown Thomas Francis Grant Richards Bailey Joseph Morgan".split(),
        "Marcia Sonia Paulette Michelle Donna".split(),
        "Delroy Winston Clive Leon Everton".split(),
        (),
    ),
    "polish": (
        4,
        "Zofia Zuzanna Julia Maja Hanna Lena Wiktoria Alicja Oliwia".split(),
        "Jakub Kacper Szymon Filip Łukasz Mikołaj Antoni Wojciech Bartłomiej".split(),
        "Nowak Wójcik Kowalczyk Woźniak Mazur Krawczyk Zając Król Dudek Łuczak Wróbel".split(),
        "Małgorzata Agnieszka Katarzyna Joanna Magdalena Ewa".split(),
        "Piotr Tomasz Krzysztof Paweł Marcin Grzegorz".split(),
        ("Polish",),
    ),
    "romanian": (
        2,
        "Andreea Ioana Bianca Ștefania".split(),
        "Andrei Ștefan Mihai Gabriel Răzvan".split(),
        "Popescu Ionescu Dumitru Stan Rădulescu Constantin".split(),
        "Elena Mihaela Ioana".split(),
        "Ion Vasile Florin Cristian".split(),
        ("Romanian",),
    ),
    "iberian": (
        2,
        "Inês Beatriz Sofía Lucía Mariana".split(),
        "José João Tomás Andrés Martín Gonçalo".split(),
        "Fernández Núñez González Peña Silva Conceição Gonçalves Pereira".split(),
        "María Ana Lucía Inês".split(),
        "José João Luís Andrés Nuno".split(),
        ("Portuguese", "Spanish"),
    ),
    "french": (
        1,
        "Amélie Chloé Noémie Léa Renée Zoé Maëlle".split(),
        "Gaël Jérôme Théo Léo Benoît Loïc".split(),
        "Dubois Lefèvre Moreau Girard Beaumont Lemaître".split(),
        "Amélie Céline Hélène Sandrine".split(),
        "Jérôme François Sébastien Benoît".split(),
        ("French",),
    ),
    "german": (
        1,
        "Lena Anja Jana Lotte Sophie".split(),
        "Jürgen Lukas Jonas Felix Matthias".split(),
        "Müller Schröder Weiß Becker Schäfer Köhler".split(),
        "Anja Katrin Sabine Jana".split(),
        "Jürgen Matthias Stefan Thomas".split(),
        ("German",),
    ),
    "turkish": (
        1,
        "Elif Zeynep Ayşe Kübra Defne".split(),
        "Emir Yusuf Ömer Çağan Görkem Mert".split(),
        "Yılmaz Öztürk Şahin Demir Çelik Aydın".split(),
        "Ayşe Fatma Gülşen Emine".split(),
        "Mehmet Mustafa Hüseyin Ömer".split(),
        ("Turkish", "Kurdish"),
    ),
    "chinese": (
        2,
        "Mei Xinyi Yuxuan Hui Jia Chloe Emily".split(),
        "Hao Jun Ming Ruiqi Zihan Ethan".split(),
        "Chen Wang Li Zhang Liu Wong Cheung Lam".split(),
        ["Li Na", "Mei Ling", "Xiaoyan", "Wei"],
        ["Wei", "Jian", "Hong", "Kwok Wai"],
        ("Mandarin", "Cantonese"),
    ),
    "arabic": (
        2,
        "Layla Mariam Rania Yasmin Huda".split(),
        "Omar Karim Ahmad Hassan Tariq Sami".split(),
        "Al-Masri Haddad Karimi Rahimi Nasser Hashemi Popal".split(),
        "Fatima Rania Samira Leila Zahra".split(),
        "Mohammed Ahmad Khaled Hassan Ali".split(),
        ("Arabic", "Dari", "Pashto", "Kurdish Sorani"),
    ),
    "ukrainian": (
        1,
        "Sofiia Anastasiia Daryna Yeva".split(),
        "Maksym Artem Bohdan Danylo".split(),
        "Shevchenko Kovalenko Bondarenko Tkachenko Melnyk".split(),
        "Olena Iryna Tetiana Nataliia".split(),
        "Oleksandr Andrii Serhii Volodymyr".split(),
        ("Ukrainian",),
    ),
}
_MUSLIM_HERITAGES = {"pakistani", "bangladeshi", "somali", "arabic", "turkish"}
# Relative chance of speaking another language at home, used to place the EAL flags.
_EAL_WEIGHT = {"british": 0.05, "irish": 0.05, "welsh": 0.3, "caribbean": 0.1}

# The census ethnicity code a demo family of each heritage is recorded with (no extra random draws, so the
# rest of the demo stays as it was).
_ETHNICITY = {
    "british": "WBRI",
    "irish": "WIRI",
    "welsh": "WBRI",
    "pakistani": "APKN",
    "indian": "AIND",
    "bangladeshi": "ABAN",
    "african": "BAFR",
    "somali": "BAFR",
    "caribbean": "BCRB",
    "chinese": "CHNE",
    "arabic": "OOTH",
}
_MIXED = {("BCRB", "WBRI"): "MWBC", ("BAFR", "WBRI"): "MWBA", ("AIND", "WBRI"): "MWAS", ("APKN", "WBRI"): "MWAS"}


def _ethnicity(heritage, surname_heritage):
    first = _ETHNICITY.get(heritage, "WOTH")
    second = _ETHNICITY.get(surname_heritage, "WOTH")
    if first == second or first[0] == second[0]:
        return first
    return _MIXED.get(tuple(sorted((first, second))), "MOTH")


NICKNAMES = {
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Joshua": "Josh",
    "Samuel": "Sam",
    "Thomas": "Tom",
    "William": "Will",
    "Isabella": "Bella",
    "Jessica": "Jess",
    "Matilda": "Tilly",
    "Oluwaseun": "Seun",
    "Temitope": "Tope",
    "Zakariya": "Zak",
    "Wojciech": "Wojtek",
    "Bartłomiej": "Bartek",
    "Folasade": "Sade",
    "Anastasiia": "Nastia",
    "Muhammad": "Mo",
    "Mohammed": "Mo",
    "Abdirahman": "Abdi",
    "Oliver": "Olly",
    "Frederick": "Fred",
}

MEDICAL_ALERTS = (
    (45, "Asthma – blue inhaler carried; spare in the medical room", ""),
    (10, "Anaphylaxis (peanuts, tree nuts) – adrenaline pen carried; spare in the main office", "Nut-free meals"),
    (6, "Anaphylaxis (egg) – two adrenaline pens in the main office", "Egg-free meals; kitchen informed"),
    (12, "Epilepsy – care plan in the medical room; buccal midazolam in the office", ""),
    (12, "Type 1 diabetes – insulin pump; hypo kit in bag and in the medical room", "Carbohydrate counting at lunch"),
    (5, "Sickle cell disease – allow water and toilet breaks; keep warm outdoors", ""),
    (5, "Heart condition – see care plan before strenuous PE", ""),
    (5, "Severe eczema – emollient kept in the medical room", ""),
)

COMMUNICATION_NEEDS = (
    "Autistic – give warning of changes; uses a visual timetable.",
    "Hearing aids in both ears; sit near the front and face the class when speaking.",
    "Selective mutism – do not ask to speak in front of the class; written answers are fine.",
    "Uses Makaton alongside speech.",
    "Speech and language therapy for a stammer; allow extra time to answer.",
    "Visual impairment – enlarged (A3) resources and seat near the board.",
    "Processing difficulties – one instruction at a time; check understanding privately.",
)

RELIGIOUS_MUSLIM = (
    "Observes Ramadan; a quiet space is available at lunchtime while fasting.",
    "Attends Friday prayers; may leave at 12:30 on Fridays with parental agreement.",
)
RELIGIOUS_OTHER = (
    "Jewish – leaves early on winter Fridays for Shabbat.",
    "Jehovah's Witness family – does not celebrate birthdays or Christmas; offer an alternative activity.",
    "Wears a kara (Sikh bangle); may keep it on in PE, taped if needed.",
    "Seventh-day Adventist – no Saturday fixtures or trips.",
)
CULTURAL_NEEDS = {
    "ukrainian": "Arrived in 2022 under the Homes for Ukraine scheme; lives with a host family.",
    "arabic": "Arrived under a refugee resettlement scheme; sudden loud noises can be distressing.",
    "british": "Gypsy/Roma/Traveller heritage – family may travel in the summer term; keep in touch via the "
    "Traveller Education Service.",
    "caribbean": "Forces family – a parent is deployed overseas until the spring.",
}

STREETS = (
    "Mill Lane",
    "Church Street",
    "Victoria Road",
    "Beech Grove",
    "Station Road",
    "Moorland Avenue",
    "Ashfield Close",
    "Canal Wharf",
    "Tannery Court",
    "Weavers Row",
    "Chapel Fold",
    "Hawthorn Drive",
    "Kirkgate",
    "Oakwood Rise",
)
AREAS = ("Northfield", "Riverside", "Holbeck Bridge", "Moor End", "Kirkby Green")

RESTRICTIONS = (
    "Not to collect. Child Arrangements Order: contact is supervised only. Phone the first contact if they attend.",
    "Non-molestation order against this contact (copy held by the DSL). Do not share information or whereabouts.",
    "May collect on Wednesdays and alternate Fridays only, as agreed with the first contact.",
    "No parental responsibility – do not share reports or progress information.",
)
CLA_BIRTH_PARENT_RESTRICTION = (
    "Supervised contact arranged by the local authority only. Must not collect, and must not be told the "
    "placement address or school arrangements."
)

SOCIAL_WORK_NOTES = {
    "cp": (
        "Child protection plan (neglect); core group meets every six weeks.",
        "Child protection plan (emotional abuse); review conference due this term.",
        "Child protection plan (physical abuse); attends core groups with the DSL.",
    ),
    "cin": (
        "Child in need plan; reviewed every three months.",
        "Child in need plan after an assessment of parental mental health.",
    ),
    "cla": (
        "Care order; personal education plan reviewed termly with the designated teacher.",
        "Accommodated under section 20; PEP meeting each term.",
    ),
}


def _ascii(text):
    """Fold accents for email local parts, which must stay plain ASCII."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch == "-") or "x"


def totp_key(username, seed=DEFAULT_SEED):
    """The demo TOTP secret for an account: 20 bytes as hex, derived so the docs can print it."""
    return hashlib.sha256(f"pastoral-demo:{seed}:{username}".encode()).digest()[:20].hex()


def base32_secret(hex_key):
    return b32encode(bytes.fromhex(hex_key)).decode()


# ---------------------------------------------------------------------------
# School calendar
# ---------------------------------------------------------------------------


def academic_year_start(day):
    """The calendar year in which the academic year containing `day` began (years run 1 Sept–31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def _easter(year):
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _weekday_on_or_after(day):
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _weekday_on_or_before(day):
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _friday_on_or_before(day):
    return day - datetime.timedelta(days=(day.weekday() - 4) % 7)


def term_dates(start_year):
    """[(name, start, end)] for the academic year beginning in September of `start_year`.

    Easter moves the spring/summer break: early Easters take the fortnight after
    Good Friday, later ones the week either side, as most English LAs do.
    """
    day = datetime.date
    easter = _easter(start_year + 1)
    if easter < day(start_year + 1, 4, 8):
        spring_end, summer_start = easter - datetime.timedelta(days=3), easter + datetime.timedelta(days=15)
    else:
        spring_end, summer_start = easter - datetime.timedelta(days=9), easter + datetime.timedelta(days=2)
    return [
        ("Autumn", _weekday_on_or_after(day(start_year, 9, 3)), _friday_on_or_before(day(start_year, 12, 20))),
        ("Spring", _weekday_on_or_after(day(start_year + 1, 1, 6)), spring_end),
        ("Summer", summer_start, _weekday_on_or_before(day(start_year + 1, 7, 22))),
    ]


def closure_dates(start_year):
    """[(kind, name, start, end)]: half terms, an INSET day and the bank holidays in term time.

    Half terms are the week of the last Monday in October, the week from the Monday on
    or after 12 February and the week of the Spring bank holiday (the usual English
    pattern); the INSET day is the first day of the autumn term.
    """
    from ..calendar.school_days import bank_holidays_between

    kind = SchoolClosure.Kind
    week = datetime.timedelta(days=4)
    autumn, spring, summer = term_dates(start_year)
    october = datetime.date(start_year, 10, 31)
    october -= datetime.timedelta(days=october.weekday())
    february = datetime.date(start_year + 1, 2, 12)
    february += datetime.timedelta(days=(7 - february.weekday()) % 7)
    may = datetime.date(start_year + 1, 5, 31)
    may -= datetime.timedelta(days=may.weekday())
    result = [
        (kind.INSET, "INSET day", autumn[1], autumn[1]),
        (kind.HALF_TERM, "Autumn half term", october, october + week),
        (kind.HALF_TERM, "Spring half term", february, february + week),
        (kind.HALF_TERM, "Summer half term", may, may + week),
    ]
    in_term = [(start, end) for _name, start, end in (autumn, spring, summer)]
    for day, name in bank_holidays_between(autumn[1], summer[2]):
        closed = any(start <= day <= end for _kind, _name, start, end in result)
        if not closed and any(start <= day <= end for start, end in in_term):
            result.append((kind.BANK_HOLIDAY, name, day, day))
    return sorted(result, key=lambda row: row[2])


def activity_term(school, today=None):
    """The term a seeder should fill: the current one, or the latest begun when today is a holiday."""
    today = today or timezone.localdate()
    return (
        Term.objects.filter(academic_year__school=school, start__lte=today)
        .select_related("academic_year")
        .order_by("-start")
        .first()
    )


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


@dataclass
class DemoAccount:
    username: str
    full_name: str
    roles: list  # [(role label, school name or "All schools"), ...]
    password: str
    totp_secret: str  # base32, or "" when the account has no authenticator yet


@dataclass
class DemoSeed:
    trust: Trust
    created: bool
    schools: list = field(default_factory=list)
    pupil_count: int = 0
    accounts: list = field(default_factory=list)


class DemoResetBlocked(Exception):
    """The demo data is referenced by rows that may not be deleted (usually the audit log)."""


def demo_trust():
    return Trust.objects.filter(name=DEMO_TRUST_NAME).order_by("pk").first()


def seed_demo(seed=DEFAULT_SEED, *, today=None):
    """Create the demo trust unless it exists; returns a DemoSeed (created=False if it was already there)."""
    existing = demo_trust()
    if existing is not None:
        return _summary(existing, created=False)
    with transaction.atomic():
        trust = _Seeder(seed, today or timezone.localdate()).run()
    return _summary(trust, created=True)


def _delete_clearing_protected(queryset, depth=0):
    """Delete `queryset`, first deleting whatever protects it (duty-area records), however deep.

    The audit log is the one protector never touched: once it refers to demo
    rows the reset is refused, as it should be.
    """
    try:
        with transaction.atomic():
            queryset.delete()
        return
    except ProtectedError as exc:
        if depth > 10:
            raise
        blockers = {}
        for obj in exc.protected_objects:
            if isinstance(obj, AuditEntry):
                raise
            blockers.setdefault(type(obj), set()).add(obj.pk)
    for model, pks in blockers.items():
        _delete_clearing_protected(model._base_manager.filter(pk__in=pks), depth + 1)
    _delete_clearing_protected(queryset, depth + 1)


def reset_demo():
    """Delete the demo trust and everything in it, or raise DemoResetBlocked.

    Works until someone signs in or views a record: from then on the append-only
    audit log refers to demo staff and pupils, and only recreating the database
    clears them.
    """
    trust = demo_trust()
    if trust is None:
        return False
    schools = list(trust.schools.all())
    users = User.objects.filter(memberships__trust=trust).distinct()
    try:
        with transaction.atomic():
            # Records of the duty areas protect pupils, staff and schools; they are cleared first.
            _delete_clearing_protected(Pupil.objects.filter(school__in=schools))
            user_ids = list(users.values_list("pk", flat=True))
            Membership.objects.filter(trust=trust).delete()
            _delete_clearing_protected(User.objects.filter(pk__in=user_ids))
            AcademicYear.objects.filter(school__in=schools).delete()
            _delete_clearing_protected(School.objects.filter(pk__in=[s.pk for s in schools]))
            trust.delete()
    except (ProtectedError, RestrictedError, DatabaseError) as exc:
        raise DemoResetBlocked(str(exc)) from exc
    return True


def demo_accounts(trust):
    """The demo trust's accounts in the order of the cast, for printing sign-in details."""
    order = {plan.username: i for i, plan in enumerate(STAFF)}
    memberships = Membership.objects.filter(trust=trust).select_related("user", "school").order_by("pk")
    devices = {
        d.user_id: d.key
        for d in TOTPDevice.objects.filter(user__memberships__trust=trust, confirmed=True).order_by("-pk")
    }
    today = timezone.localdate()
    accounts = {}
    for membership in memberships:
        user = membership.user
        account = accounts.get(user.pk)
        if account is None:
            key = devices.get(user.pk)
            account = accounts[user.pk] = DemoAccount(
                username=user.username,
                full_name=user.get_full_name(),
                roles=[],
                password=DEMO_PASSWORD,
                totp_secret=base32_secret(key) if key else "",
            )
        label = membership.get_role_display()
        if membership.ends_on and membership.ends_on < today:
            label += f" (ended {membership.ends_on.day} {membership.ends_on:%b %Y})"
        elif membership.approved_at is None:
            label += " (awaiting approval)"
        account.roles.append((label, membership.school.name if membership.school else "All schools (trust-wide)"))
    return sorted(accounts.values(), key=lambda a: (order.get(a.username, len(order)), a.username))


def _summary(trust, created):
    schools = list(trust.schools.order_by("name"))
    return DemoSeed(
        trust=trust,
        created=created,
        schools=schools,
        pupil_count=Pupil.objects.filter(school__in=schools).count(),
        accounts=demo_accounts(trust),
    )


def _pick(rng, candidates, k, weight=None):
    """k distinct items, chosen with probability proportional to weight (Efraimidis–Spirakis)."""
    keyed = []
    for item in candidates:
        w = weight(item) if weight else 1.0
        if w > 0:
            keyed.append((rng.random() ** (1.0 / w), item))
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in keyed[:k]]


def _quota(rate, n):
    # At least one of each flag per school, so every screen has something to show.
    return max(1, round(rate * n))


@dataclass
class _Draft:
    pupil: Pupil
    heritage: str
    flags: set = field(default_factory=set)
    medical: tuple = ()


class _Seeder:
    def __init__(self, seed, today):
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)
        # Codes come from their own stream so adding a field never changes anyone's URL.
        self.codes = random.Random(f"{seed}:codes")
        self.year_start = academic_year_start(today)
        self.upn_serials = {}
        self.heritage_names = list(HERITAGES)
        self.heritage_weights = [HERITAGES[h][0] for h in self.heritage_names]

    def code(self):
        return uuid.UUID(int=self.codes.getrandbits(128), version=4)

    def run(self):
        trust = Trust.objects.create(name=DEMO_TRUST_NAME, code=self.code())
        schools = {}
        for plan in SCHOOLS:
            schools[plan.key] = School.objects.create(
                trust=trust,
                code=self.code(),
                name=plan.name,
                urn=plan.urn,
                phase=plan.phase,
                local_authority=LA_NAME,
                pastoral_email=f"pastoral@{plan.domain}",
            )
            self.make_calendar(schools[plan.key])
        memberships = self.make_staff(trust, schools)
        pupils_by_school = {}
        for plan in SCHOOLS:
            school = schools[plan.key]
            staff = [m.user for m in memberships if m.school_id == school.pk and m.role == Role.PASTORAL_STAFF]
            pupils_by_school[plan.key] = self.make_pupils(plan, school, keyworkers=staff)
        for plan in SCHOOLS:
            self.run_seeders(schools[plan.key], memberships, pupils_by_school[plan.key])
        return trust

    # -- calendar -----------------------------------------------------------

    def make_calendar(self, school):
        terms = []
        for start_year in (self.year_start - 1, self.year_start):
            year = AcademicYear.objects.create(
                school=school,
                name=f"{start_year}/{(start_year + 1) % 100:02d}",
                start=datetime.date(start_year, 9, 1),
                end=datetime.date(start_year + 1, 8, 31),
            )
            terms += [Term(academic_year=year, name=n, start=s, end=e) for n, s, e in term_dates(start_year)]
        Term.objects.bulk_create(terms)
        SchoolClosure.objects.bulk_create(
            SchoolClosure(school=school, kind=kind, name=name, start=start, end=end)
            for start_year in (self.year_start - 1, self.year_start)
            for kind, name, start, end in closure_dates(start_year)
        )

    # -- staff --------------------------------------------------------------

    def make_staff(self, trust, schools):
        # One PBKDF2 hash shared by every account: hashing the same password thirty
        # times would take most of the seeding time.
        password = make_password(DEMO_PASSWORD)
        users, memberships, devices = [], [], []
        for plan in STAFF:
            place = plan.roles[0][0]
            domain = next(p.domain for p in SCHOOLS if p.key == place) if place else TRUST_DOMAIN
            user = User(
                username=plan.username,
                code=self.code(),
                first_name=plan.first_name,
                last_name=plan.last_name,
                email=f"{_ascii(plan.first_name)}.{_ascii(plan.last_name)}@{domain}",
                job_title=plan.job_title,
                password=password,
            )
            users.append(user)
            if plan.username.startswith("newstarter."):
                starts_on = self.today
            elif plan.left:
                starts_on = datetime.date(self.year_start - 2, 9, 1)
            else:
                starts_on = datetime.date(self.year_start - self.rng.randint(1, 12), 9, 1)
            ends_on = self.today - datetime.timedelta(days=45) if plan.left else None
            for key, role in plan.roles:
                memberships.append(
                    Membership(
                        user=user,
                        trust=trust,
                        school=schools[key] if key else None,
                        role=role,
                        starts_on=starts_on,
                        ends_on=ends_on,
                    )
                )
            if plan.totp:
                devices.append(
                    TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True, key=totp_key(plan.username, self.seed))
                )
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(memberships)
        TOTPDevice.objects.bulk_create(devices)
        return memberships

    # -- pupils -------------------------------------------------------------

    def upn(self, la_code, establishment, reception_year):
        bucket = (la_code, establishment, reception_year % 100)
        serial = self.upn_serials.get(bucket, self.rng.randint(1, 30)) + self.rng.randint(1, 3)
        self.upn_serials[bucket] = serial
        return make_upn(la_code, establishment, reception_year, serial)

    def make_pupils(self, plan, school, keyworkers):
        rng = self.rng
        drafts = []
        for year_group in plan.year_groups:
            count = plan.per_year + rng.randint(-4, 4) if plan.per_year > 40 else plan.per_year + rng.randint(-2, 2)
            classes = plan.classes[year_group]
            for i in range(count):
                drafts.append(self.draft_pupil(plan, school, year_group, classes[i % len(classes)]))
        self.assign_flags(plan, drafts, keyworkers)
        ensure_census_categories()
        pupils = Pupil.objects.bulk_create([d.pupil for d in drafts])
        self.make_contacts(drafts)
        self.make_professionals(plan, drafts)
        return pupils

    def draft_pupil(self, plan, school, year_group, form):
        rng = self.rng
        heritage = rng.choices(self.heritage_names, self.heritage_weights)[0]
        # About one family in twelve mixes heritages, so surnames and first names differ in origin.
        surname_heritage = heritage
        if rng.random() < 0.08:
            surname_heritage = rng.choices(self.heritage_names, self.heritage_weights)[0]
        gender = rng.choices(["F", "M", "X"], [49, 50, 1])[0]
        girls, boys = HERITAGES[heritage][1], HERITAGES[heritage][2]
        names = girls if gender == "F" else boys if gender == "M" else rng.choice([girls, boys])
        first = rng.choice(names)
        middle = ""
        if rng.random() < 0.45:
            middle = rng.choice([n for n in names if n != first] or names)
        last = rng.choice(HERITAGES[surname_heritage][3])

        preferred_first = preferred_last = ""
        if first in NICKNAMES and rng.random() < 0.5:
            preferred_first = NICKNAMES[first]
        elif rng.random() < 0.01:
            preferred_first = rng.choice(["Alex", "Sam", "Charlie", "Jamie", "Robin", "Frankie"])
        if rng.random() < 0.015:
            preferred_last = rng.choice(HERITAGES["british"][3])  # known by a step-parent's surname

        # Born between 1 September and 31 August, so the pupil is year_group + 4 on the
        # 31 August before this academic year (Reception children are 4, Year 7 are 11).
        born_from = datetime.date(self.year_start - year_group - 5, 9, 1)
        dob = born_from + datetime.timedelta(days=rng.randrange(365 + (born_from.year % 4 == 3)))

        reception_year = self.year_start - year_group
        entry_year = reception_year if plan.phase == School.Phase.PRIMARY else self.year_start - (year_group - 7)
        admission = term_dates(entry_year)[0][1]
        in_year = rng.random() < 0.08
        if in_year:
            admission = _weekday_on_or_after(admission + datetime.timedelta(days=rng.randrange(30, 700)))
        admission = min(admission, self.today)

        if plan.phase == School.Phase.PRIMARY and not in_year:
            la_code, establishment = LA_CODE, plan.establishment
        else:
            la_code, establishment, _ = rng.choices(FEEDERS, [f[2] for f in FEEDERS])[0]

        pupil = Pupil(
            code=self.code(),
            school=school,
            upn=self.upn(la_code, establishment, reception_year),
            legal_first_name=first,
            middle_names=middle,
            legal_last_name=last,
            preferred_first_name=preferred_first,
            preferred_last_name=preferred_last,
            date_of_birth=dob,
            gender=gender,
            year_group=year_group,
            form=form,
            house=rng.choice(plan.houses) if plan.houses else "",
            admission_date=admission,
            ethnicity_id=_ethnicity(heritage, surname_heritage),
        )
        return _Draft(pupil=pupil, heritage=heritage)

    def assign_flags(self, plan, drafts, keyworkers):
        rng = self.rng
        n = len(drafts)

        def flagged(*names):
            return lambda d: any(name in d.flags for name in names)

        taken = set()
        for flag, rate in (("cla", 0.01), ("cp", 0.015), ("cin", 0.03)):
            for d in _pick(rng, [d for d in drafts if id(d) not in taken], _quota(rate, n)):
                d.flags.add(flag)
                taken.add(id(d))

        vulnerable = flagged("cla", "cp", "cin")
        for d in _pick(rng, drafts, _quota(0.03, n), weight=lambda d: 2.5 if vulnerable(d) else 1):
            d.flags.add("ehcp")
        rest = [d for d in drafts if "ehcp" not in d.flags]
        for d in _pick(rng, rest, _quota(0.13, n), weight=lambda d: 2 if vulnerable(d) else 1):
            d.flags.add("sen")
        for d in _pick(rng, drafts, _quota(0.02, n), weight=lambda d: 1 if d.pupil.year_group >= 3 else 0.2):
            d.flags.add("young_carer")
        needy = flagged("cla", "cp", "cin", "young_carer")
        for d in _pick(rng, drafts, _quota(0.25, n), weight=lambda d: 4 if needy(d) else 1):
            d.flags.add("pp")
        for d in _pick(rng, drafts, _quota(0.18, n), weight=lambda d: _EAL_WEIGHT.get(d.heritage, 1.0)):
            d.flags.add("eal")
        alert_weights = [a[0] for a in MEDICAL_ALERTS]
        for d in _pick(rng, drafts, _quota(0.05, n)):
            d.medical = rng.choices(MEDICAL_ALERTS, alert_weights)[0]

        for d in drafts:
            self.describe_needs(d)

        # A handful of leavers, so "on roll" filters have something to hide.
        latest = self.today - datetime.timedelta(days=1)
        settled = [d for d in drafts if not vulnerable(d) and (latest - d.pupil.admission_date).days > 60]
        for d in _pick(rng, settled, max(2, round(0.008 * n))):
            # Left within the last year, so they still turn up in "recent leavers".
            earliest = max(
                d.pupil.admission_date + datetime.timedelta(days=30), self.today - datetime.timedelta(days=365)
            )
            leaving = earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
            d.pupil.leaving_date = max(_weekday_on_or_before(leaving), earliest)

        if plan.phase == School.Phase.SECONDARY and keyworkers:
            on_roll = [d for d in drafts if d.pupil.leaving_date is None]
            priority = {"cla": 8, "cp": 8, "cin": 6, "ehcp": 3, "young_carer": 3}
            chosen = _pick(
                rng,
                on_roll,
                round(0.15 * len(on_roll)),
                weight=lambda d: max([priority.get(f, 1) for f in d.flags] or [1]),
            )
            for d in chosen:
                # Keyworkers split the school by year band, as pastoral managers do.
                band = (d.pupil.year_group - min(plan.year_groups)) * len(keyworkers) // len(plan.year_groups)
                d.pupil.keyworker = keyworkers[min(band, len(keyworkers) - 1)]

    def describe_needs(self, d):
        rng, p, f = self.rng, d.pupil, d.flags
        p.looked_after = "cla" in f
        p.child_protection_plan = "cp" in f
        p.child_in_need = "cin" in f
        p.sen_status = Pupil.SEN.EHCP if "ehcp" in f else Pupil.SEN.SUPPORT if "sen" in f else Pupil.SEN.NONE
        p.young_carer = "young_carer" in f
        # Looked-after children always attract pupil premium plus.
        p.pupil_premium = "pp" in f or p.looked_after
        p.eal = "eal" in f

        dietary = []
        if d.medical:
            p.medical_alert = d.medical[1]
            if d.medical[2]:
                dietary.append(d.medical[2])
        if d.heritage in _MUSLIM_HERITAGES and rng.random() < 0.55:
            dietary.append("Halal meals")
        elif d.heritage == "indian" and rng.random() < 0.3:
            dietary.append("Vegetarian")
        roll = rng.random()
        if roll < 0.03:
            dietary.append("Vegetarian")
        elif roll < 0.04:
            dietary.append("Coeliac – strict gluten-free")
        elif roll < 0.05:
            dietary.append("Dairy-free (cow's milk protein allergy)")
        p.dietary_needs = "; ".join(dietary)

        if d.heritage in _MUSLIM_HERITAGES and p.year_group >= 5 and rng.random() < 0.25:
            p.religious_needs = rng.choice(RELIGIOUS_MUSLIM)
        elif rng.random() < 0.012:
            p.religious_needs = rng.choice(RELIGIOUS_OTHER)

        if d.heritage in CULTURAL_NEEDS and rng.random() < (0.5 if d.heritage in ("ukrainian", "arabic") else 0.02):
            p.cultural_needs = CULTURAL_NEEDS[d.heritage]

        if "ehcp" in f and rng.random() < 0.6 or "sen" in f and rng.random() < 0.2 or rng.random() < 0.008:
            p.communication_needs = rng.choice(COMMUNICATION_NEEDS)
        elif p.eal and rng.random() < 0.2:
            language = rng.choice(HERITAGES[d.heritage][6] or ("Polish",))
            p.communication_needs = f"New to English – {language} speaker; use visuals and a bilingual dictionary."

    # -- contacts -----------------------------------------------------------

    def adult_name(self, heritage, gender):
        women, men = HERITAGES[heritage][4], HERITAGES[heritage][5]
        return self.rng.choice(women if gender == "F" else men)

    def phone(self):
        return f"0113 496 0{self.rng.randrange(1000):03d}"  # Ofcom drama range for Leeds

    def mobile(self):
        return f"07700 900{self.rng.randrange(1000):03d}"  # Ofcom drama range for mobiles

    def address(self):
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters allowed in the inward part of a postcode
        postcode = f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{rng.choice(AREAS)}\nLeeds\n{postcode}"

    def contact(
        self, pupil, name, relationship, priority, *, responsibility, lives_with=True, address="", restrictions=""
    ):
        rng = self.rng
        first, _, last = name.partition(" ")
        email = ""
        if rng.random() < 0.78:
            email = f"{_ascii(first)}.{_ascii(last.replace(' ', ''))}{rng.randint(1, 99)}@example.com"
        return FamilyContact(
            code=self.code(),
            pupil=pupil,
            name=name,
            relationship=relationship,
            parental_responsibility=responsibility,
            priority=priority,
            lives_with_pupil=lives_with,
            phone=self.phone() if rng.random() < 0.25 else "",
            mobile=self.mobile(),
            email=email,
            address=address,
            restrictions=restrictions,
        )

    def make_contacts(self, drafts):
        rng = self.rng
        contacts = []
        for d in drafts:
            pupil = d.pupil
            home = self.address()
            family = pupil.legal_last_name
            if pupil.looked_after:
                carer_surname = rng.choice(_BRITISH_SURNAMES)
                carer = f"{self.adult_name('british', rng.choice('FM'))} {carer_surname}"
                contacts.append(self.contact(pupil, carer, "Foster carer", 1, responsibility=False, address=home))
                mother = f"{self.adult_name(d.heritage, 'F')} {family}"
                contacts.append(
                    self.contact(
                        pupil,
                        mother,
                        "Birth mother",
                        2,
                        responsibility=True,
                        lives_with=False,
                        restrictions=CLA_BIRTH_PARENT_RESTRICTION,
                    )
                )
                continue

            first_rel = rng.choices(["Mother", "Father", "Grandmother", "Special guardian"], [72, 20, 5, 3])[0]
            first_gender = "M" if first_rel == "Father" else "F"
            # Mothers keep their own surname in about one family in five.
            surname = family if rng.random() < 0.8 else rng.choice(HERITAGES[d.heritage][3])
            contacts.append(
                self.contact(
                    pupil,
                    f"{self.adult_name(d.heritage, first_gender)} {surname}",
                    first_rel,
                    1,
                    responsibility=first_rel in ("Mother", "Father", "Special guardian"),
                    address=home,
                )
            )
            if rng.random() < 0.65:
                if first_rel == "Mother":
                    second_rel = rng.choices(["Father", "Stepfather", "Grandmother", "Aunt"], [70, 12, 12, 6])[0]
                elif first_rel == "Father":
                    second_rel = rng.choices(["Mother", "Grandmother", "Stepmother"], [75, 15, 10])[0]
                else:
                    second_rel = rng.choice(["Grandfather", "Aunt", "Uncle"])
                second_gender = "M" if second_rel in ("Father", "Stepfather", "Grandfather", "Uncle") else "F"
                responsibility = second_rel in ("Mother", "Father")
                lives_with = second_rel not in ("Grandmother", "Grandfather", "Aunt", "Uncle")
                if second_rel in ("Father", "Mother") and rng.random() < 0.3:
                    lives_with = False  # separated parents
                restrictions = ""
                if (
                    not lives_with
                    and second_rel in ("Father", "Mother", "Stepfather")
                    and rng.random() < 0.12
                    or (pupil.child_protection_plan and rng.random() < 0.4)
                ):
                    restrictions = rng.choice([r for r in RESTRICTIONS if not (responsibility and "No parental" in r)])
                    lives_with = False
                second_surname = (
                    family if second_gender == "M" or rng.random() < 0.6 else rng.choice(HERITAGES[d.heritage][3])
                )
                contacts.append(
                    self.contact(
                        pupil,
                        f"{self.adult_name(d.heritage, second_gender)} {second_surname}",
                        second_rel,
                        2,
                        responsibility=responsibility,
                        lives_with=lives_with,
                        address=home if lives_with else "",
                        restrictions=restrictions,
                    )
                )
        FamilyContact.objects.bulk_create(contacts)

    # -- professionals ------------------------------------------------------

    def make_professionals(self, plan, drafts):
        rng = self.rng
        social_workers = [
            f"{self.adult_name(h, g)} {rng.choice(HERITAGES[h][3])}"
            for h, g in (
                ("british", "F"),
                ("british", "M"),
                ("african", "F"),
                ("pakistani", "F"),
                ("irish", "F"),
                ("caribbean", "M"),
            )
        ]
        secondary = plan.phase == School.Phase.SECONDARY
        pros = []

        def add(pupil, kind, name, organisation, *, notes="", ended=False):
            start = self.today - datetime.timedelta(days=rng.randint(30, 700))
            until = None
            if ended:
                until = start + datetime.timedelta(days=rng.randint(20, max(21, (self.today - start).days - 1)))
            local = _ascii(name.split()[-1])
            pros.append(
                Professional(
                    code=self.code(),
                    pupil=pupil,
                    kind=kind,
                    name=name,
                    organisation=organisation,
                    phone=self.phone(),
                    email=f"{_ascii(name.split()[0])}.{local}@example.org",
                    involved_from=start,
                    involved_until=until,
                    notes=notes,
                )
            )

        K = Professional.Kind
        for d in drafts:
            p = d.pupil
            for flag, attr in (("cp", "child_protection_plan"), ("cin", "child_in_need"), ("cla", "looked_after")):
                if getattr(p, attr):
                    out_of_area = flag == "cla" and rng.random() < 0.3
                    org = "Bradford Children's Services" if out_of_area else "Leeds Children's Social Work Service"
                    add(p, K.SOCIAL_WORKER, rng.choice(social_workers), org, notes=rng.choice(SOCIAL_WORK_NOTES[flag]))
            if p.looked_after:
                add(
                    p,
                    K.VIRTUAL_SCHOOL,
                    "Dr Angela Whitfield",
                    "Leeds Virtual School",
                    notes="Approves pupil premium plus spending through the PEP.",
                )
            if p.child_protection_plan and secondary and rng.random() < 0.3:
                add(
                    p,
                    K.POLICE,
                    f"PC {self.adult_name('british', 'M')} {rng.choice(_BRITISH_SURNAMES)}",
                    "West Yorkshire Police – Safer Schools team",
                )
            if p.sen_status == Pupil.SEN.EHCP and rng.random() < 0.7:
                add(
                    p,
                    K.EDUCATIONAL_PSYCHOLOGIST,
                    f"Dr {self.adult_name('british', rng.choice('FM'))} {rng.choice(_BRITISH_SURNAMES)}",
                    "Leeds Educational Psychology Service",
                    notes="Contributed advice to the EHC needs assessment.",
                )
            if p.medical_alert and rng.random() < 0.6:
                add(
                    p,
                    K.SCHOOL_NURSE,
                    "Kerry Lomas",
                    "0–19 Public Health Integrated Nursing Service",
                    notes="Wrote the individual healthcare plan with parents.",
                )
            if p.medical_alert and ("Epilepsy" in p.medical_alert or "diabetes" in p.medical_alert):
                add(
                    p,
                    K.PAEDIATRICIAN,
                    f"Dr {rng.choice(['Anil', 'Fiona', 'Olumide', 'Catherine'])} "
                    f"{rng.choice(['Mehta', 'Stewart', 'Bello', 'Hargreaves'])}",
                    "Leeds Children's Hospital",
                )
            roll = rng.random()
            if roll < (0.035 if secondary else 0.015):
                add(
                    p,
                    K.CAMHS,
                    f"{self.adult_name('british', 'F')} {rng.choice(_BRITISH_SURNAMES)}",
                    "Leeds CAMHS",
                    notes="Fortnightly sessions; school sends a termly update.",
                    ended=rng.random() < 0.3,
                )
            elif secondary and roll < 0.05:
                add(
                    p,
                    K.YOUTH_WORKER,
                    f"{self.adult_name('caribbean', 'M')} {rng.choice(HERITAGES['caribbean'][3])}",
                    "Northfield Youth Hub",
                    ended=rng.random() < 0.25,
                )
            elif roll < 0.07 and not (p.child_in_need or p.child_protection_plan or p.looked_after):
                add(
                    p,
                    K.EARLY_HELP,
                    f"{self.adult_name('british', 'F')} {rng.choice(_BRITISH_SURNAMES)}",
                    "Leeds Early Help Hub",
                    notes="Early help assessment with the family.",
                    ended=rng.random() < 0.4,
                )
            elif roll < 0.08:
                add(
                    p,
                    K.FAMILY_SUPPORT,
                    f"{self.adult_name('pakistani', 'F')} {rng.choice(HERITAGES['pakistani'][3])}",
                    "Northfield Family Hub",
                )
            if secondary and p.year_group >= 10 and rng.random() < 0.006:
                add(
                    p,
                    K.YOUTH_JUSTICE,
                    f"{self.adult_name('british', 'M')} {rng.choice(_BRITISH_SURNAMES)}",
                    "Leeds Youth Justice Service",
                    notes="Referral order; meets the pupil fortnightly.",
                )
        Professional.objects.bulk_create(pros)

    # -- duty areas ---------------------------------------------------------

    def run_seeders(self, school, memberships, pupils):
        if not _SEEDERS:
            return
        staff_by_role = {}
        for m in memberships:
            current = m.starts_on <= self.today and (m.ends_on is None or m.ends_on >= self.today)
            if current and (m.school_id == school.pk or m.school_id is None):
                staff_by_role.setdefault(Role(m.role), []).append(m.user)
        on_roll = [p for p in pupils if p.leaving_date is None or p.leaving_date >= self.today]
        term = activity_term(school, self.today)
        ordered = sorted(_SEEDERS.items(), key=lambda pair: pair[0] in _LAST)
        for name, fn in ordered:
            fn(school, staff_by_role, on_roll, random.Random(f"{self.seed}:{name}:{school.name}"), term)

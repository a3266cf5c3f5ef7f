"""Deterministic synthetic content for benchmarking and testing Briefings.

Writes a site's content in the layout of the content contract (docs: content-format.md):

    OUT_DIR/seeds/actors.yaml
    OUT_DIR/seeds/articles/<slug>.txt     the article (plain text, paragraphs split by blank lines)
    OUT_DIR/seeds/articles/<slug>.yaml    its annotations

Usage:

    python benchmarks/make_corpus.py OUT_DIR --briefings N [--actors M] [--seed S]

M defaults to max(5, N // 2) and S to 1. The same arguments always give byte-identical files:
the only source of randomness is one ``random.Random(seed)``, and nothing depends on set or hash
order. The YAML is written by hand, the way an analyst types it (block style, two-space indent,
double-quoted free text, bare slugs and dates). Every quote and claim evidence occurs in its
article under the contract's folding (NFKC, curly/straight quotes, dash variants, white space),
and no actor name or alias occurs as a whole word inside another actor's name or alias, so
mentions are never ambiguous. Articles deliberately mix curly and straight punctuation,
em and en dashes, no-break spaces, hard-wrapped paragraphs and non-ASCII names (Latin with
diacritics, Cyrillic and Greek) to exercise the matching rules.

``make_corpus`` and ``check_corpus`` are importable (load this file with importlib).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import quote as url_quote

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
WORD_RE = re.compile(r"\w+")
SLOT_RE = re.compile(r"\{(\w+)\}")
ARTICLE_RE = re.compile(r"\b([Aa]) (?=[aeio]|u(?!ni))")
ELISION_RE = re.compile(r"\s*(?:\.\.\.|…)\s*")
YAML_RESERVED = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
)
KINDS = ("person", "organization", "state", "place", "group")
STATUSES = ("confirmed", "reported", "alleged", "disputed", "denied")
LIKELIHOODS = (
    "almost-no-chance",
    "very-unlikely",
    "unlikely",
    "roughly-even",
    "likely",
    "very-likely",
    "almost-certain",
)
FIRST_DATE = dt.date(2015, 1, 1)
LAST_DATE = dt.date(2026, 10, 31)

# Markers in template text, translated per article into curly or straight punctuation.
APOS, DASH, NBSP, RANGE, NAMESP = "\x01", "\x02", "\x03", "\x04", "\x05"
CURLY_TABLE = str.maketrans({APOS: "’", DASH: "—", NBSP: "\u00a0", RANGE: "–"})
ASCII_TABLE = str.maketrans({APOS: "'", DASH: "-", NBSP: " ", RANGE: "-"})
FOLD_TABLE = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "﹘": "-", "﹣": "-", "－": "-",
    }
)  # fmt: skip
ID_FOLD = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
        "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "ð": "d", "ı": "i",
    }
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

NOUNS: tuple[tuple[str, str], ...] = (
    ("convoy", "convoys"), ("agreement", "agreements"), ("ministry", "ministries"),
    ("border", "borders"), ("pipeline", "pipelines"), ("delegation", "delegations"),
    ("report", "reports"), ("operation", "operations"), ("ceasefire", "ceasefires"),
    ("shipment", "shipments"), ("port", "ports"), ("election", "elections"),
    ("budget", "budgets"), ("network", "networks"), ("council", "councils"),
    ("court", "courts"), ("militia", "militias"), ("drone", "drones"),
    ("satellite", "satellites"), ("investigation", "investigations"),
    ("proposal", "proposals"), ("sanction", "sanctions"), ("exercise", "exercises"),
    ("refinery", "refineries"), ("corridor", "corridors"), ("committee", "committees"),
    ("summit", "summits"), ("statement", "statements"), ("official", "officials"),
    ("source", "sources"), ("contract", "contracts"), ("factory", "factories"),
    ("garrison", "garrisons"), ("protest", "protests"), ("parliament", "parliaments"),
    ("treaty", "treaties"), ("vessel", "vessels"), ("warehouse", "warehouses"),
    ("bridge", "bridges"), ("airfield", "airfields"), ("envoy", "envoys"), ("loan", "loans"),
    ("reserve", "reserves"), ("strategy", "strategies"), ("mission", "missions"),
    ("region", "regions"), ("village", "villages"), ("unit", "units"),
    ("brigade", "brigades"), ("cable", "cables"), ("grid", "grids"), ("audit", "audits"),
    ("tribunal", "tribunals"), ("commander", "commanders"), ("observer", "observers"),
    ("minister", "ministers"), ("analyst", "analysts"), ("negotiator", "negotiators"),
    ("spokesperson", "spokespeople"), ("checkpoint", "checkpoints"), ("tanker", "tankers"),
)  # fmt: skip
ADJECTIVES = (
    "new", "fragile", "secret", "limited", "formal", "regional", "costly", "senior", "joint",
    "temporary", "disputed", "strategic", "unusual", "broad", "narrow", "quiet", "public",
    "private", "early", "delayed", "coastal", "northern", "southern", "eastern", "western",
    "rival", "foreign", "domestic", "military", "civilian", "financial", "technical", "legal",
    "informal", "expanded", "reduced", "contested", "renewed", "sudden", "gradual", "major",
    "minor", "official", "unofficial", "unexpected", "planned", "heavy", "modest", "critical",
)  # fmt: skip
VERBS: tuple[tuple[str, str, str], ...] = (
    ("announce", "announced", "announced"), ("confirm", "confirmed", "confirmed"),
    ("deny", "denied", "denied"), ("delay", "delayed", "delayed"),
    ("approve", "approved", "approved"), ("reject", "rejected", "rejected"),
    ("expand", "expanded", "expanded"), ("suspend", "suspended", "suspended"),
    ("review", "reviewed", "reviewed"), ("inspect", "inspected", "inspected"),
    ("block", "blocked", "blocked"), ("fund", "funded", "funded"),
    ("monitor", "monitored", "monitored"), ("secure", "secured", "secured"),
    ("withdraw", "withdrew", "withdrawn"), ("seize", "seized", "seized"),
    ("build", "built", "built"), ("sign", "signed", "signed"), ("hold", "held", "held"),
    ("reach", "reached", "reached"), ("lose", "lost", "lost"), ("send", "sent", "sent"),
    ("take", "took", "taken"), ("move", "moved", "moved"), ("close", "closed", "closed"),
    ("open", "opened", "opened"), ("extend", "extended", "extended"),
    ("cancel", "cancelled", "cancelled"), ("question", "questioned", "questioned"),
    ("restore", "restored", "restored"), ("target", "targeted", "targeted"),
    ("track", "tracked", "tracked"), ("strengthen", "strengthened", "strengthened"),
    ("limit", "limited", "limited"), ("discuss", "discussed", "discussed"),
    ("evaluate", "evaluated", "evaluated"), ("challenge", "challenged", "challenged"),
    ("document", "documented", "documented"), ("relocate", "relocated", "relocated"),
    ("finance", "financed", "financed"),
)  # fmt: skip
ADVERBS = (
    "quietly", "quickly", "again", "publicly", "formally", "repeatedly", "briefly", "partly",
    "largely", "slowly", "abruptly", "overnight", "early", "later", "eventually",
)  # fmt: skip
PREPOSITIONS = (
    "near", "along", "inside", "across", "behind", "beyond", "despite", "during", "after",
    "before", "around", "toward",
)  # fmt: skip
FIXED_PHRASES = (
    "in the north", "on the coast", "at dawn", "last week", "earlier this month",
    "in recent weeks", "over the weekend", "in the capital", "since the spring",
    "under pressure", "without notice", "for the first time",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

FILLER_TEMPLATES = (
    "The {adj} {noun} {vpast} the {noun} {pp}.",
    "{det} {noun} of the {noun} {vpast} {adv} after the {adj} {noun}.",
    "Officials said the {noun} would {vbase} the {adj} {noun} {pp}.",
    "{num} {nouns} were {vpp} {pp}, according to the {adj} {noun}.",
    "Analysts noted that the {noun}" + APOS + "s {noun} had been {vpp} {adv}.",
    "The {noun} " + DASH + " which {vpast} the {noun} " + DASH + " was {vpp} {pp}.",
    "Local {nouns} said that the {noun} was {adj} and {adj}.",
    "It was not clear whether the {noun} {vpast} the {nouns}" + APOS + " {noun}.",
    "The {noun} covered {dist} before it was {vpp} {pp}.",
    "Between {yrange}, the {noun} {vpast} {adv}.",
    "In {month}, the {adj} {noun} {vpast} {num} {nouns} {pp}.",
    "{advcap}, the {noun} {vpast} the {noun} and {vpast} the {noun}.",
    "There was no {adj} {noun} {pp}, a {noun} said.",
    "The {nouns} had not {vpp} the {adj} {noun} by the time the {noun} was {vpp}.",
    "A {adj} {noun} was {vpp} {pp}, and the {nouns} {vpast} the {noun}.",
    "Satellite images showed {num} {nouns} {pp}.",
    "The {noun} is expected to {vbase} the {noun} {pp}, though the {noun} remains {adj}.",
    "Neither the {noun} nor the {noun} would say who {vpast} the {adj} {noun}.",
)
MENTION_TEMPLATES = (
    "{N} {vpast} the {adj} {noun} {pp}.",
    "According to {N}, the {noun} {vpast} {adv}.",
    "{N}" + APOS + "s {noun} was {vpp} {pp}.",
    "A spokesperson for {N} declined to comment on the {noun}.",
    "Officials close to {N} said the {nouns} had been {vpp}.",
    "The {noun} was seen as a {adj} signal from {N}.",
    "{N} has not {vpp} the {noun} publicly.",
    "In a statement, {N} {vpast} the {nouns} " + DASH + " a move that {vpast} the {noun}.",
    "The {adj} {noun} was {vpp} by {N} {pp}.",
)
QUOTE_TEMPLATES = (
    "We will not accept any {adj} {noun} {pp}",
    "Our {nouns} are ready to {vbase} the {noun} if necessary",
    "This is a {adj} {noun} and we expect the {nouns} to respond {adv}",
    "There is no {noun} that can {vbase} what happened {pp}",
    "We have {vpp} the {noun} and we will {vbase} it {adv}",
    "I don" + APOS + "t think the {noun} understands what is at stake",
    "Nobody should doubt our {noun}",
    "The {nouns} must {vbase} the {noun} before it is too late",
    "It" + APOS + "s time to {vbase} the {adj} {noun}",
    "We were never told about the {noun}",
    "What we saw {pp} was {adj} " + DASH + " and it was {adj}",
    "{X} has made its choice and will have to live with it",
    "We have asked {X} to {vbase} the {noun} {adv}",
)
HEADINGS = ("Background", "Reactions", "What Comes Next", "Analysis", "Outlook", "Context")
SOURCE_WORDS = (
    "Herald", "Times", "Post", "Ledger", "Wire", "Monitor", "Gazette", "Observer", "Review",
    "Dispatch",
)  # fmt: skip
QUOTE_CONTEXTS = (
    "Press briefing", "Televised address", "Interview with state media",
    "Statement to parliament", "Speech at the summit", "Remarks to reporters",
    "Written statement", "Interview", "Social media post", "Closing press conference",
)  # fmt: skip
ROLES = (
    "Announced the deal", "Target of the sanctions", "Host of the talks", "Named in the report",
    "Mediator", "Accused of supplying weapons", "Denied involvement", "Led the delegation",
    "Source of the leak", "Signed the agreement", "Claimed responsibility",
    "Opposed the proposal", "Funded the operation", "Site of the strikes",
    "Issued the statement", "Under investigation",
)  # fmt: skip
TAGS = (
    "sanctions", "energy", "cyber", "elections", "nuclear", "missiles", "drones", "shipping",
    "maritime", "arms-trade", "diplomacy", "ceasefire", "human-rights", "disinformation",
    "espionage", "terrorism", "migration", "trade", "finance", "oil", "gas", "grain",
    "food-security", "climate", "water", "infrastructure", "satellites", "space", "border",
    "insurgency", "militias", "refugees", "protests", "corruption", "courts", "intelligence",
    "naval", "air-defence", "logistics", "mercenaries", "minerals", "ports", "pipelines",
    "rail", "telecoms", "ai", "semiconductors", "health", "mining", "fisheries", "aid",
    "peacekeeping", "treaties", "summits", "hostages", "smuggling", "cartels", "piracy",
    "blockade", "nuclear-safety",
)  # fmt: skip
RELATION_TYPES = (
    "supplies", "funds", "meets", "condemns", "allied-with", "sanctions", "negotiates-with",
    "supports", "opposes", "threatens", "trains", "hosts", "accuses", "cooperates-with",
    "advises", "arms", "employs", "investigates",
)  # fmt: skip

# Name material. Syllables compose place, state, organisation and surname stems.
STEM_A = (
    "Vel", "Kor", "Tar", "Mir", "Dor", "Sal", "Bren", "Ost", "Val", "Kel", "Ard", "Lun", "Fen",
    "Gar", "Hal", "Jor", "Nor", "Pel", "Quen", "Ros", "Sev", "Tor", "Ul", "Var", "Wen", "Yar",
    "Zel", "Bal", "Cor", "Dra", "Eld", "Fal", "Gil", "Hes", "Isk", "Kal", "Lor", "Mor", "Nev",
    "Orv",
)  # fmt: skip
STEM_M = ("a", "e", "i", "o", "an", "en", "ar", "or", "il", "el", "ov", "ast", "ren", "dal")
STEM_E = (
    "a", "ia", "ova", "ar", "en", "is", "os", "und", "heim", "grad", "stan", "ora", "ino",
    "ek", "holm", "vik", "ton", "ley", "dor", "mas", "ran", "via",
)  # fmt: skip
STEM_ACCENT = ("Åb", "Øst", "Dvoř", "Gü", "Ště", "Ló", "Hå", "Čer", "Sø", "Ért", "Öz", "Ré")
STATE_E = ("ia", "ova", "istan", "land", "ar", "ora", "enia", "avia", "mark", "ir")
SUR_A = (
    "Berg", "Kov", "Lind", "Mar", "Hal", "Stein", "Brun", "Dal", "Fer", "Gran", "Holt", "Kast",
    "Lom", "Mor", "Nyl", "Ost", "Pell", "Rask", "Sand", "Tall", "Vint", "Wald", "Zan", "Abr",
    "Cal", "Del", "Est", "Fal", "Gor", "Har", "Ivar", "Jans", "Kell", "Lars", "Mend", "Nov",
    "Orl", "Pet", "Quin", "Ros",
)  # fmt: skip
SUR_M = ("a", "e", "i", "o", "en", "er", "an", "ov", "el", "ar", "is", "ing")
SUR_E = (
    "son", "sen", "berg", "man", "ova", "ski", "ez", "ini", "elli", "escu", "ard", "ton",
    "ley", "ström", "vik", "holm", "dahl", "ner", "ich", "ow", "ak", "as", "ier", "ent",
)  # fmt: skip
SUR_ACC_A = (
    "Mül", "Åb", "Ñú", "Żó", "Øst", "Dvoř", "Gü", "Ště", "Kře", "Ló", "Bjö", "Fé", "Hå", "Čer",
    "Sø", "Ért", "Öz", "Ré", "Nú", "Ås",
)  # fmt: skip
SUR_ACC_E = (
    "ler", "erg", "ñez", "łowski", "ák", "ová", "sen", "ez", "ić", "ström", "ès", "ço",
    "ünder", "ész", "ský", "gård", "øy", "ıç",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Mark", "Elena", "Tomas", "Sara", "Jonas", "Maya", "Pavel", "Lena", "Omar", "Ines",
    "Viktor", "Clara", "Hugo", "Nadia", "Felix", "Irene", "Samuel", "Leila", "Adrian", "Marta",
    "Erik", "Yara", "Daniel", "Alma", "Rafael", "Nora", "Karim", "Vera", "Lucas", "Amira",
    "Jan", "Ruth", "Teodor", "Iris", "Milan", "Hana", "Oskar", "Dalia", "Simon",
)  # fmt: skip
FIRST_ACCENT = (
    "Zoë", "José", "Łukasz", "Søren", "Ágnes", "Jiří", "François", "Björn", "Małgorzata",
    "Çağla", "Dóra", "Inês", "Žaneta", "Renée", "Håkon", "Özlem",
)  # fmt: skip
CYR_FIRST = (
    ("Дмитрий", "Dmitriy"), ("Алексей", "Aleksey"), ("Ольга", "Olga"), ("Наталья", "Natalya"),
    ("Сергей", "Sergey"), ("Ирина", "Irina"), ("Михаил", "Mikhail"), ("Елена", "Yelena"),
    ("Андрей", "Andrey"), ("Татьяна", "Tatyana"), ("Юрий", "Yuriy"), ("Светлана", "Svetlana"),
)  # fmt: skip
CYR_A = (
    ("Ор", "Or"), ("Вол", "Vol"), ("Соко", "Soko"), ("Кузн", "Kuzn"), ("Бел", "Bel"),
    ("Мор", "Mor"), ("Лебе", "Lebe"), ("Гром", "Grom"), ("Зай", "Zay"), ("Павл", "Pavl"),
    ("Седо", "Sedo"), ("Ков", "Kov"), ("Рыб", "Ryb"), ("Жук", "Zhuk"), ("Шеп", "Shep"),
)  # fmt: skip
CYR_M = (("а", "a"), ("о", "o"), ("ан", "an"), ("ен", "en"), ("ил", "il"), ("ар", "ar"))
CYR_E = (
    ("ов", "ov"), ("ев", "ev"), ("ин", "in"), ("енко", "enko"), ("ский", "skiy"),
    ("ович", "ovich"), ("ук", "uk"),
)  # fmt: skip
GR_FIRST = (
    ("Γιώργος", "Giorgos"), ("Ελένη", "Eleni"), ("Νίκος", "Nikos"), ("Μαρία", "Maria"),
    ("Κώστας", "Kostas"), ("Δήμητρα", "Dimitra"), ("Ανδρέας", "Andreas"), ("Σοφία", "Sofia"),
)  # fmt: skip
GR_A = (
    ("Παπα", "Papa"), ("Καρα", "Kara"), ("Αλεξ", "Alex"), ("Βλα", "Vla"), ("Μαυρ", "Mavr"),
    ("Σταυ", "Stav"), ("Γεωργ", "Georg"), ("Δημ", "Dim"), ("Κωνστ", "Konst"), ("Λαμπ", "Lamp"),
)  # fmt: skip
GR_M = (("α", "a"), ("ο", "o"), ("ι", "i"), ("ου", "ou"), ("ε", "e"))
GR_E = (
    ("πουλος", "poulos"), ("ίδης", "idis"), ("άκης", "akis"), ("άτος", "atos"), ("ίου", "iou"),
    ("έλλης", "ellis"),
)  # fmt: skip
# (display name, ASCII id, Wikipedia language) for names that must appear in every corpus.
SHOWCASE = (
    ("Zoë Müller-Åberg", "", "en"), ("José Ñúñez", "", "en"), ("Łukasz Żółć", "", "en"),
    ("Дмитрий Орлов", "dmitriy-orlov", "ru"),
    ("Γιώργος Παπαδόπουλος", "giorgos-papadopoulos", "el"),
    ("Søren Kierkegård", "", "en"), ("Ágnes Szőke", "", "en"), ("Çağla Yılmaz", "", "en"),
    ("Jiří Dvořák", "", "en"), ("François Lefèvre", "", "en"),
)  # fmt: skip
ALIAS_TITLES = (
    "Minister", "General", "Dr", "Ambassador", "Commander", "Senator", "Governor", "Colonel",
    "Judge", "Mayor",
)  # fmt: skip
STATE_ROLES = (
    "Foreign Minister", "Defence Minister", "Prime Minister", "President", "Interior Minister",
    "Ambassador to the United Nations", "Chief of the General Staff", "Energy Minister",
    "Deputy Foreign Minister", "Spokesperson for the Foreign Ministry",
)  # fmt: skip
ORG_ROLES = (
    "Director", "Chief Executive", "Spokesperson", "Chair", "Secretary General",
    "Senior Analyst", "Founder", "Deputy Director",
)  # fmt: skip
PROFESSIONS = (
    "diplomat", "economist", "lawyer", "general", "journalist", "engineer", "banker",
    "politician", "intelligence officer", "trade negotiator", "activist", "academic",
)  # fmt: skip
ORG_WORDS = (
    "Institute", "Council", "Bank", "Agency", "Group", "Foundation", "Alliance", "Corporation",
    "Commission", "Holdings", "Energy", "Shipping", "Logistics", "Dynamics", "Union", "Forum",
    "Authority",
)  # fmt: skip
STATE_ORG_WORDS = (
    "Navy", "Army", "Air Force", "Central Bank", "Foreign Ministry", "Defence Ministry",
    "Security Service", "Border Guard", "Coast Guard", "Election Commission",
)  # fmt: skip
STATE_FORMS = ("Republic of {}", "Kingdom of {}", "Federal Republic of {}", "{} Federation")
PLACE_FORMS = (
    "{}", "{}", "{}", "{}", "Port {}", "Lake {}", "{} Valley", "{} Oblast", "{} Strait",
    "Mount {}",
)  # fmt: skip
GROUP_ADJ = (
    "Crimson", "Iron", "Free", "Black", "Silent", "Golden", "United", "Red", "White", "Grey",
    "Burning", "Hidden", "Last", "Azure",
)  # fmt: skip
GROUP_NOUN = (
    "Dawn", "Banner", "Shield", "Hand", "Path", "Star", "Flame", "Wolves", "Tide", "Storm",
    "Oath", "River", "Falcon", "Lantern",
)  # fmt: skip
GROUP_WORD = ("Front", "Movement", "Brigade", "Network", "Collective", "Army", "League")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def dq(text: str) -> str:
    """Return text as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug for a Latin-script name."""
    folded = unicodedata.normalize("NFKD", text.translate(ID_FOLD))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def fold(text: str) -> str:
    """Fold text the way the contract matches quotes: NFKC, quotes, dashes, white space."""
    text = unicodedata.normalize("NFKC", text).translate(FOLD_TABLE)
    return " ".join(text.split())


def _third_person(verb: str) -> str:
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x")):
        return verb + "es"
    return verb + "s"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


class Words:
    """Random fillers for the template slots, drawing from one Random."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.slots: dict[str, Callable[[], str]] = {
            "noun": lambda: rng.choice(NOUNS)[0],
            "nouns": lambda: rng.choice(NOUNS)[1],
            "adj": lambda: rng.choice(ADJECTIVES),
            "vbase": lambda: rng.choice(VERBS)[0],
            "vpast": lambda: rng.choice(VERBS)[1],
            "vpp": lambda: rng.choice(VERBS)[2],
            "adv": lambda: rng.choice(ADVERBS),
            "advcap": lambda: rng.choice(ADVERBS).capitalize(),
            "det": lambda: rng.choice(("The", "A", "One", "Every")),
            "pp": self.phrase,
            "num": lambda: (
                str(rng.randint(2, 90))
                if rng.random() < 0.7
                else f"{rng.randint(1, 9)},{rng.randint(0, 999):03d}"
            ),
            "dist": lambda: f"{rng.randint(2, 400)}{NBSP}km",
            "yrange": self.year_range,
            "month": lambda: rng.choice(MONTHS),
        }

    def phrase(self) -> str:
        """Return a prepositional phrase."""
        rng = self.rng
        if rng.random() < 0.4:
            return rng.choice(FIXED_PHRASES)
        return f"{rng.choice(PREPOSITIONS)} the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)[0]}"

    def year_range(self) -> str:
        """Return a year range with an en-dash marker."""
        start = self.rng.randint(2005, 2022)
        return f"{start}{RANGE}{start + self.rng.randint(1, 4)}"

    def fill(self, template: str) -> str:
        """Fill every {slot} of a template; capitalise the first letter."""
        text = ARTICLE_RE.sub(r"\1n ", SLOT_RE.sub(lambda m: self.slots[m.group(1)](), template))
        return text[0].upper() + text[1:]


def spelling_keys(text: str) -> set[str]:
    """What two actors' spellings must not share, or `briefings check` would warn that they
    may be one actor: the spelling's slug (the same for 'Müller' and 'Muller'), its case-folded
    form, and that form less any one letter ('Zelensky' and 'Zelenskyy' share 'zelensky';
    'Larston' and 'Larsiton' share 'larston'). Stricter than the check, which does not compare
    names differing in their first letter or a digit, or shorter than six letters."""
    key = unicodedata.normalize("NFKC", text).casefold()
    keys = {key} | {key[:k] + key[k + 1:] for k in range(len(key))}
    slug = slugify(text)
    if len(slug.replace("-", "")) == sum(c.isalnum() for c in text):  # Latin letters alone
        keys.add("slug " + slug)
    return keys


class NameRegistry:
    """Keeps names and aliases unambiguous: none occurs as whole words inside another actor's,
    and no two actors' spellings look like one name spelled two ways (spelling_keys)."""

    def __init__(self, reserved: set[str]) -> None:
        self.reserved = reserved
        self.full: dict[tuple[str, ...], int] = {}
        self.sub: dict[tuple[str, ...], int] = {}
        self.spelled: dict[str, int] = {}  # spelling key: its owner, or -1 for several

    def ok(self, text: str, owner: int) -> bool:
        """Tell whether text may become a name or alias of actor number owner."""
        toks = tuple(WORD_RE.findall(text))
        if not toks or (len(toks) == 1 and toks[0] in self.reserved):
            return False
        if toks in self.full or self.sub.get(toks, owner) != owner:
            return False
        if any(self.spelled.get(key, owner) != owner for key in spelling_keys(text)):
            return False
        n = len(toks)
        for i in range(n):
            for j in range(i + 1, n + 1):
                other = self.full.get(toks[i:j])
                if other is not None and other != owner:
                    return False
        return True

    def add(self, text: str, owner: int) -> None:
        """Register text as a name or alias of actor number owner."""
        toks = tuple(WORD_RE.findall(text))
        self.full[toks] = owner
        for key in spelling_keys(text):
            self.spelled[key] = owner if self.spelled.get(key, owner) == owner else -1
        n = len(toks)
        for i in range(n):
            for j in range(i + 1, n + 1):
                part = toks[i:j]
                prev = self.sub.get(part)
                if prev is None:
                    self.sub[part] = owner
                elif prev != owner:
                    self.sub[part] = -1


class Actor:
    """One entry of actors.yaml, plus generation hints."""

    def __init__(
        self,
        id: str,
        name: str,
        kind: str,
        title: str = "",
        affiliation: str = "",
        description: str = "",
        demonym: str = "",
    ) -> None:
        self.id = id
        self.name = name
        self.kind = kind
        self.title = title
        self.affiliation = affiliation
        self.aliases: list[str] = []
        self.description = description
        self.links: list[tuple[str, str]] = []
        self.demonym = demonym
        self.block_aliases = False
        self.folded_description = False

    def yaml(self) -> str:
        """Return the actor as a block of actors.yaml."""
        out = [f"{self.id}:", f"  name: {dq(self.name)}", f"  kind: {self.kind}"]
        if self.title:
            out.append(f"  title: {dq(self.title)}")
        if self.affiliation:
            out.append(f"  affiliation: {self.affiliation}")
        if self.aliases:
            if self.block_aliases:
                out.append("  aliases:")
                out.extend(f"    - {dq(a)}" for a in self.aliases)
            else:
                out.append("  aliases: [" + ", ".join(dq(a) for a in self.aliases) + "]")
        if self.description:
            if self.folded_description:
                out.append("  description: >-")
                out.extend("    " + line for line in _wrap(self.description, 76))
            else:
                out.append(f"  description: {dq(self.description)}")
        if self.links:
            out.append("  links:")
            out.extend(f"    {label}: {url}" for label, url in self.links)
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------


class ActorFactory:
    """Builds the actor registry with unique ids, names and aliases."""

    def __init__(self, rng: Random, words: Words, reserved: set[str]) -> None:
        self.rng = rng
        self.words = words
        self.names = NameRegistry(reserved)
        self.reserved = reserved
        self.actors: list[Actor] = []
        self.ids: set[str] = set()
        self.surnames: set[str] = set()

    def _new_id(self, base: str) -> str:
        base = base[:60].rstrip("-") or "actor"
        candidate, n = base, 1
        while candidate in self.ids or candidate in YAML_RESERVED:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate

    def _stem(self, accented: bool = False) -> str:
        rng = self.rng
        start = rng.choice(STEM_ACCENT) if accented else rng.choice(STEM_A)
        mid = rng.choice(STEM_M) if rng.random() < 0.5 else ""
        return start + mid + rng.choice(STEM_E)

    def _add(self, actor: Actor, aliases: Sequence[str] = ()) -> Actor:
        owner = len(self.actors)
        self.names.add(actor.name, owner)
        for alias in aliases:
            if alias != actor.name and self.names.ok(alias, owner):
                self.names.add(alias, owner)
                actor.aliases.append(alias)
        actor.block_aliases = self.rng.random() < 0.5
        actor.folded_description = len(actor.description) > 70 and self.rng.random() < 0.6
        self.actors.append(actor)
        return actor

    def _pick_name(self, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        owner = len(self.actors)
        for _ in range(200):
            name, id_base = make()
            if self.names.ok(name, owner):
                return name, id_base
        raise RuntimeError("could not find an unused actor name")

    def _wiki(self, name: str, lang: str = "en") -> tuple[str, str]:
        return (
            "Wikipedia",
            f"https://{lang}.wikipedia.org/wiki/{url_quote(name.replace(' ', '_'))}",
        )

    def state(self) -> Actor:
        """Add a state with a demonym and, often, its capital as an alias."""
        rng = self.rng

        def make() -> tuple[str, str]:
            name = rng.choice(STEM_A) + (rng.choice(STEM_M) if rng.random() < 0.4 else "")
            name += rng.choice(STATE_E)
            return name, slugify(name)

        name, id_base = self._pick_name(make)
        if name.endswith("a"):
            demonym = name + "n"
        elif name[-1] in "eiou":
            demonym = name + "an"
        elif name.endswith("land"):
            demonym = name + "er"
        else:
            demonym = name + "ian"
        self.reserved.add(demonym)
        capital = self._stem()
        actor = Actor(
            id=self._new_id(id_base),
            name=name,
            kind="state",
            title=rng.choice(STATE_FORMS).format(name) if rng.random() < 0.6 else "",
            demonym=demonym,
            description=f"State in the {rng.choice(('north', 'south', 'east', 'west'))} "
            f"of the region, with its capital in {capital}. Its {rng.choice(NOUNS)[1]} have been "
            f"{rng.choice(VERBS)[2]} since {rng.randint(1990, 2014)}.",
        )
        if rng.random() < 0.7:
            actor.links.append(self._wiki(name))
        return self._add(actor, [capital] if rng.random() < 0.6 else [])

    def organization(self, states: Sequence[Actor]) -> Actor:
        """Add an organisation, sometimes a state body with that state as affiliation."""
        rng = self.rng
        state = rng.choice(states) if states and rng.random() < 0.4 else None

        def make() -> tuple[str, str]:
            if state is not None:
                name = f"{state.demonym} {rng.choice(STATE_ORG_WORDS)}"
            else:
                name = f"{self._stem(rng.random() < 0.08)} {rng.choice(ORG_WORDS)}"
            return name, slugify(name)

        name, id_base = self._pick_name(make)
        words = WORD_RE.findall(name)
        acronym = "".join(w[0] for w in words) if len(words) >= 3 else words[0][:2] + words[1][0]
        acronym = slugify(acronym).upper()
        actor = Actor(
            id=self._new_id(id_base),
            name=name,
            kind="organization",
            affiliation=state.id if state is not None else "",
            description=f"{rng.choice(('Body', 'Company', 'Organisation', 'Agency'))} "
            f"known for its {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)[1]}.",
        )
        if rng.random() < 0.4:
            actor.links.append(("Website", f"https://example.org/org/{actor.id}"))
        if rng.random() < 0.3:
            actor.links.append(self._wiki(name))
        return self._add(actor, [acronym] if len(acronym) >= 3 and rng.random() < 0.5 else [])

    def place(self, states: Sequence[Actor]) -> Actor:
        """Add a place, sometimes with diacritics."""
        rng = self.rng

        def make() -> tuple[str, str]:
            name = rng.choice(PLACE_FORMS).format(self._stem(rng.random() < 0.12))
            return name, slugify(name)

        name, id_base = self._pick_name(make)
        where = f" in {rng.choice(states).name}" if states else ""
        actor = Actor(
            id=self._new_id(id_base),
            name=name,
            kind="place",
            description=f"{rng.choice(('Town', 'District', 'Port', 'Region', 'Crossing'))}{where}.",
        )
        if rng.random() < 0.3:
            actor.links.append(self._wiki(name))
        return self._add(actor)

    def group(self, places: Sequence[Actor]) -> Actor:
        """Add an armed or political group with a frequent acronym alias."""
        rng = self.rng

        def make() -> tuple[str, str]:
            if rng.random() < 0.2:
                name = f"{self._stem()} Liberation {rng.choice(GROUP_WORD)}"
            else:
                name = f"{rng.choice(GROUP_ADJ)} {rng.choice(GROUP_NOUN)} {rng.choice(GROUP_WORD)}"
            return name, slugify(name)

        name, id_base = self._pick_name(make)
        acronym = slugify("".join(w[0] for w in WORD_RE.findall(name))).upper()
        where = f" active around {rng.choice(places).name}" if places else ""
        actor = Actor(
            id=self._new_id(id_base),
            name=name,
            kind="group",
            description=f"{rng.choice(('Armed group', 'Political movement', 'Militia'))}{where}.",
        )
        return self._add(actor, [acronym] if rng.random() < 0.6 else [])

    def _surname(self, make: Callable[[], str]) -> str:
        for _ in range(500):
            surname = make()
            if _surname_free(surname, self.surnames):
                return surname
        raise RuntimeError("ran out of surnames")

    def person(self, bodies: Sequence[Actor], showcase: tuple[str, str, str] | None) -> Actor:
        """Add a person: Latin (sometimes with diacritics), Cyrillic or Greek name."""
        rng = self.rng
        lang = "en"
        style = rng.random()

        def latin(accented: bool) -> tuple[str, str]:
            first = rng.choice(FIRST_ACCENT if accented and rng.random() < 0.6 else FIRST_NAMES)

            def one() -> str:
                if accented and rng.random() < 0.6:
                    return rng.choice(SUR_ACC_A) + rng.choice(SUR_ACC_E)
                mid = rng.choice(SUR_M) if rng.random() < 0.6 else ""
                return rng.choice(SUR_A) + mid + rng.choice(SUR_E)

            surname = self._surname(one)
            if rng.random() < 0.05:
                surname += "-" + self._surname(one)
            name = f"{first} {surname}"
            return name, slugify(name)

        def script(
            firsts: Sequence[tuple[str, str]],
            starts: Sequence[tuple[str, str]],
            mids: Sequence[tuple[str, str]],
            ends: Sequence[tuple[str, str]],
        ) -> tuple[str, str]:
            first = rng.choice(firsts)
            parts = [rng.choice(starts)]
            if rng.random() < 0.7:
                parts.append(rng.choice(mids))
            parts.append(rng.choice(ends))
            surname = "".join(p[0] for p in parts)
            latin_surname = "".join(p[1] for p in parts)
            if not _surname_free(surname, self.surnames):
                return "", ""
            return f"{first[0]} {surname}", slugify(f"{first[1]} {latin_surname}")

        def make() -> tuple[str, str]:
            if showcase is not None:
                return showcase[0], showcase[1] or slugify(showcase[0])
            if style < 0.08:
                return script(CYR_FIRST, CYR_A, CYR_M, CYR_E)
            if style < 0.13:
                return script(GR_FIRST, GR_A, GR_M, GR_E)
            return latin(style < 0.28)

        owner = len(self.actors)
        for _ in range(200):
            name, id_base = make()
            if name and self.names.ok(name, owner):
                break
            showcase = None
        else:
            raise RuntimeError("could not find an unused person name")
        tokens = name.split(" ", 1)
        surname = tokens[1]
        self.surnames.update(WORD_RE.findall(surname))
        if any("\u0400" <= c <= "\u04ff" for c in name):
            lang = "ru"
        elif any("\u0370" <= c <= "\u03ff" for c in name):
            lang = "el"
        body = rng.choice(bodies) if bodies and rng.random() < 0.5 else None
        title = ""
        if body is not None and rng.random() < 0.9:
            if body.kind == "state":
                title = f"{rng.choice(STATE_ROLES)} of {body.name}"
            else:
                title = f"{rng.choice(ORG_ROLES)} of the {body.name}"
        elif rng.random() < 0.2:
            title = rng.choice(PROFESSIONS).capitalize()
        actor = Actor(id=self._new_id(id_base), name=name, kind="person", title=title)
        if body is not None:
            actor.affiliation = body.id
        if rng.random() < 0.6:
            origin = body.demonym if body is not None and body.demonym else "Regional"
            actor.description = f"{origin} {rng.choice(PROFESSIONS)}"
            if rng.random() < 0.5:
                actor.description += (
                    f" and former {rng.choice(NOUNS)[0]} {rng.choice(('adviser', 'chief'))}"
                )
            actor.description += "."
            if rng.random() < 0.25:
                actor.description += (
                    f" Known for the *{self._stem()} {rng.choice(('Accords', 'Report'))}*."
                )
        if rng.random() < 0.5:
            actor.links.append(self._wiki(name, lang))
        aliases: list[str] = []
        if rng.random() < 0.45 or showcase is not None:
            aliases.append(surname)
            if lang == "en" and rng.random() < 0.4:
                aliases.append(f"{rng.choice(ALIAS_TITLES)} {surname}")
        return self._add(actor, aliases)


def _surname_free(surname: str, used: set[str]) -> bool:
    """Tell whether no word of surname is already a surname word."""
    return not any(tok in used for tok in WORD_RE.findall(surname))


def _make_actors(rng: Random, words: Words, count: int, reserved: set[str]) -> list[Actor]:
    factory = ActorFactory(rng, words, reserved)
    n_states = max(1, round(count * 0.07))
    n_orgs = max(1, round(count * 0.15))
    n_places = max(0, round(count * 0.07))
    n_groups = max(0, round(count * 0.05))
    n_persons = count - n_states - n_orgs - n_places - n_groups
    states = [factory.state() for _ in range(n_states)]
    orgs = [factory.organization(states) for _ in range(n_orgs)]
    places = [factory.place(states) for _ in range(n_places)]
    for _ in range(n_groups):
        factory.group(places)
    bodies = states + orgs
    for i in range(n_persons):
        factory.person(bodies, SHOWCASE[i] if i < len(SHOWCASE) and n_persons >= 20 else None)
    return factory.actors


# ---------------------------------------------------------------------------------------------
# Briefings
# ---------------------------------------------------------------------------------------------


class Pools:
    """Precomputed sentences and lookups shared by all briefings."""

    def __init__(self, marked: list[str], sources: list[str], actors: list[Actor], rng: Random):
        self.curly = [m.translate(CURLY_TABLE) for m in marked]
        self.plain = [m.translate(ASCII_TABLE) for m in marked]
        self.counts = [len(p.split()) for p in self.plain]
        self.sources = sources
        self.actors = actors
        self.persons = [i for i, a in enumerate(actors) if a.kind == "person"]
        self.hot = rng.sample(range(len(actors)), max(1, len(actors) // 50))


def _say(actor: Actor, rng: Random, full: bool = False) -> str:
    """Return how the article names the actor, spaces protected against line wrapping."""
    text = (
        actor.name if full or not actor.aliases or rng.random() < 0.6 else rng.choice(actor.aliases)
    )
    return text.replace(" ", NAMESP)


def _briefing(rng: Random, words: Words, pools: Pools, index: int) -> tuple[str, str, str]:
    """Return slug, article text and annotation YAML of briefing number index."""
    actors = pools.actors
    day = FIRST_DATE + dt.timedelta(days=rng.randint(0, (LAST_DATE - FIRST_DATE).days))
    slug_words = [rng.choice(NOUNS)[rng.randint(0, 1)] for _ in range(2)]
    slug = f"{day.isoformat()}-{'-'.join(slug_words)}-{index:05d}"

    # Who is in the story: mostly uniform, with a few heavily covered actors.
    want = min(rng.randint(5, 20), len(actors))
    picked: dict[int, None] = {}
    while len(picked) < want:
        if pools.hot and rng.random() < 0.3:
            picked[rng.choice(pools.hot)] = None
        else:
            picked[rng.randrange(len(actors))] = None
    persons = [i for i in picked if actors[i].kind == "person"]
    while len(persons) < 2:
        extra = rng.choice(pools.persons)
        if extra not in picked:
            picked[extra] = None
            persons.append(extra)
    cast = [actors[i] for i in picked]
    others = [a for a in cast if a.kind != "person"]

    curly = rng.random() < 0.7
    table = CURLY_TABLE if curly else ASCII_TABLE
    q_open, q_close = ("“", "”") if curly else ('"', '"')

    # Special sentences: the lead, mentions, quotes, headings.
    specials: list[str] = []
    mentioned = cast[: max(3, int(len(cast) * 0.6))]
    lead = words.fill(rng.choice(MENTION_TEMPLATES).replace("{N}", _say(cast[0], rng, True)))
    for actor in mentioned[1:]:
        for k in range(rng.randint(1, 3)):
            template = rng.choice(MENTION_TEMPLATES)
            specials.append(words.fill(template.replace("{N}", _say(actor, rng, k == 0))))
    quotes_yaml: list[str] = []
    seen_quotes: set[str] = set()
    n_quotes = rng.randint(3, 10)
    while len(quotes_yaml) < n_quotes:
        speaker = actors[rng.choice(persons)]
        n_sent = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        sentences = []
        for _ in range(n_sent):
            template = rng.choice(QUOTE_TEMPLATES)
            if "{X}" in template:
                named = rng.choice(others) if others else speaker
                template = template.replace("{X}", named.name.replace(" ", NAMESP))
            sentences.append(words.fill(template))
        body = ". ".join(sentences)
        key = body.translate(ASCII_TABLE)
        if key in seen_quotes:
            continue
        seen_quotes.add(key)
        shown = body.translate(table)
        who = _say(speaker, rng)
        form = rng.random()
        if form < 0.5:
            item, final = f"{q_open}{shown},{q_close} {who} said.", ""
        elif form < 0.75:
            item, final = f"{who} said: {q_open}{shown}.{q_close}", "."
        elif form < 0.9:
            item, final = f"{q_open}{shown},{q_close} said {who}.", ""
        else:
            item = (
                f"{who} told reporters that the {words.slots['noun']()} was "
                f"{words.slots['adj']()}, adding: {q_open}{shown}.{q_close}"
            )
            final = "."
        specials.append(item)
        if n_sent > 1 and rng.random() < 0.5:
            text = f"{sentences[0]} ... {sentences[-1]}{final}"
        else:
            text = body + final
        text = text.translate(ASCII_TABLE).replace(NAMESP, " ")
        entry = [f"  - speaker: {speaker.id}", f"    text: {dq(text)}"]
        if rng.random() < 0.4:
            entry.append(f"    context: {dq(rng.choice(QUOTE_CONTEXTS))}")
        quotes_yaml.append("\n".join(entry))
    headings: list[str] = []
    if rng.random() < 0.2:
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.5:
                headings.append(rng.choice(HEADINGS))
            else:
                headings.append(f"{_say(rng.choice(cast), rng, True)}{APOS}s Response")

    # Filler up to the target length; specials are shuffled in.
    target = rng.randint(520, 2880)
    total = len(lead.split()) + lead.count(NAMESP)
    total += sum(len(s.split()) + s.count(NAMESP) for s in specials)
    total += sum(len(h.split()) + h.count(NAMESP) for h in headings)
    fillers: list[int] = []
    n_pool = len(pools.counts)
    while total < target:
        pick = rng.randrange(n_pool)
        fillers.append(pick)
        total += pools.counts[pick]
    pool_text = pools.curly if curly else pools.plain
    items = [pool_text[i] for i in fillers]
    for special in specials:
        items.insert(rng.randrange(len(items) + 1), special.translate(table))
    items.insert(0, lead.translate(table))
    heading_at = {rng.randrange(3, max(4, len(items))): h.translate(table) for h in headings}

    paragraphs: list[str] = []
    current: list[str] = []
    size = rng.randint(2, 6)
    for pos, item in enumerate(items):
        if pos in heading_at:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append(heading_at[pos])
        current.append(item)
        if len(current) >= size:
            paragraphs.append(" ".join(current))
            current = []
            size = rng.randint(2, 7)
    if current:
        paragraphs.append(" ".join(current))
    if rng.random() < 0.15:
        width = rng.randint(68, 80)
        paragraphs = ["\n".join(_wrap(p, width)) for p in paragraphs]
    article = "\n\n".join(paragraphs).replace(NAMESP, " ") + "\n"

    # Annotations.
    def pick_actor() -> Actor:
        return rng.choice(cast)

    title_verb = _third_person(rng.choice(VERBS)[0])
    title = f"{cast[0].name} {title_verb} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)[0]}"
    roll = rng.random()
    if roll < 0.1:
        title += f' amid "{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)[0]}" row'
    elif roll < 0.2:
        title = f"Analysis: {title}"
    else:
        title += f" {words.phrase()}"
    source_name = rng.choice(pools.sources)
    out = [
        f"title: {dq(title)}",
        f"date: {day.isoformat()}",
        "source:",
        f"  name: {dq(source_name)}",
    ]
    if rng.random() < 0.9:
        out.append(f"  url: https://example.org/{day.year}/{day.month:02d}/{'-'.join(slug_words)}")
    summary = " ".join(
        words.fill(rng.choice(MENTION_TEMPLATES).replace("{N}", pick_actor().name))
        for _ in range(rng.randint(1, 3))
    ).translate(ASCII_TABLE)
    if rng.random() < 0.5:
        out.append("summary: >")
        out.extend("  " + line for line in _wrap(summary, 88))
    else:
        out.append(f"summary: {dq(summary)}")
    if rng.random() < 0.9:
        out.append("key_points:")
        for _ in range(rng.randint(2, 5)):
            point = words.fill(
                rng.choice(
                    (
                        "We assess that the {noun} will {vbase} the {noun} {pp}.",
                        "The {adj} {noun} is likely to {vbase} the {nouns}.",
                        "{N} probably {vpast} the {noun} {pp}.",
                        "Expect further {adj} {nouns} {pp}.",
                    )
                ).replace("{N}", pick_actor().name)
            )
            if rng.random() < 0.01:
                point = f"Case file KV\\{day.year}\\{rng.randint(1, 999)} remains sealed."
            out.append(f"  - {dq(point.translate(ASCII_TABLE))}")
    tags = rng.sample(TAGS, rng.randint(1, 5))
    out.append("tags: [" + ", ".join(tags) + "]")
    out.append("actors:")
    for actor in cast:
        if rng.random() < 0.5:
            out.append(f"  - id: {actor.id}")
            out.append(f"    role: {dq(rng.choice(ROLES))}")
        else:
            out.append(f"  - {actor.id}")
    out.append("quotes:")
    out.extend(quotes_yaml)

    out.append("claims:")
    for _ in range(rng.randint(2, 6)):
        claim = words.fill(
            rng.choice(MENTION_TEMPLATES).replace("{N}", pick_actor().name)
        ).translate(ASCII_TABLE)
        out.append(f"  - text: {dq(claim)}")
        if rng.random() < 0.6:
            out.append(f"    by: {pick_actor().id}")
        out.append(f"    status: {rng.choice(STATUSES)}")
        if rng.random() < 0.5:
            out.append(f"    grade: {rng.choice('ABCDEF')}{rng.randint(1, 6)}")
        if rng.random() < 0.5:
            out.append(f"    likelihood: {rng.choice(LIKELIHOODS)}")
        if rng.random() < 0.9 and fillers:
            tokens = pools.plain[rng.choice(fillers)].split(" ")
            length = rng.randint(5, min(12, len(tokens)))
            start = rng.randint(0, len(tokens) - length)
            for _ in range(4):
                if tokens[start] != "-" and tokens[start + length - 1] != "-":
                    break
                start = rng.randint(0, len(tokens) - length)
            out.append(f"    evidence: {dq(' '.join(tokens[start : start + length]))}")

    out.append("events:")
    for _ in range(rng.randint(1, 5)):
        when = day - dt.timedelta(days=rng.randint(0, 730))
        roll = rng.random()
        if roll < 0.2:
            date_text = str(when.year)
        elif roll < 0.5:
            date_text = f"{when.year}-{when.month:02d}"
        else:
            date_text = when.isoformat()
        involved = rng.sample(cast, rng.randint(1, min(3, len(cast))))
        text = f"{involved[0].name} {rng.choice(VERBS)[1]} the {rng.choice(NOUNS)[0]}."
        out.append(f"  - date: {date_text}")
        out.append(f"    text: {dq(text)}")
        out.append("    actors: [" + ", ".join(a.id for a in involved) + "]")

    n_rel = rng.randint(0, 4)
    if n_rel:
        out.append("relations:")
        for _ in range(n_rel):
            pair = rng.sample(cast, 2)
            out.append(f"  - from: {pair[0].id}")
            out.append(f"    type: {rng.choice(RELATION_TYPES)}")
            out.append(f"    to: {pair[1].id}")
            if rng.random() < 0.8:
                note = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)[1]}"
                out.append(f"    note: {dq(note)}")
    if rng.random() < 0.05:
        top_level = [i for i, line in enumerate(out) if i and not line.startswith(" ")]
        out.insert(rng.choice(top_level), "# TODO: check the grades with the desk")
    return slug, article, "\n".join(out) + "\n"


def _reserved_words() -> set[str]:
    """Return capitalised and plain forms of every vocabulary word."""
    words: set[str] = set()
    templates = FILLER_TEMPLATES + MENTION_TEMPLATES + QUOTE_TEMPLATES + HEADINGS + FIXED_PHRASES
    for text in templates:
        words.update(WORD_RE.findall(text))
    for noun, nouns in NOUNS:
        words.update((noun, nouns))
    words.update(ADJECTIVES + ADVERBS + PREPOSITIONS + MONTHS)
    words.update(v for triple in VERBS for v in triple)
    return words | {w.capitalize() for w in words} | {w.upper() for w in words}


def make_corpus(out_dir: Path, briefings: int, actors: int | None = None, seed: int = 1) -> None:
    """Write a synthetic seeds/ tree into out_dir (seeds/ must be absent or empty)."""
    if briefings < 0:
        raise ValueError("briefings must be >= 0")
    n_actors = max(5, briefings // 2) if actors is None else actors
    if n_actors < 5:
        raise ValueError("at least 5 actors are needed (a briefing involves 5 to 20)")
    seeds = Path(out_dir) / "seeds"
    if seeds.exists() and (not seeds.is_dir() or any(seeds.iterdir())):
        raise FileExistsError(f"{seeds} already exists and is not empty; refusing to write")
    articles = seeds / "articles"
    articles.mkdir(parents=True, exist_ok=True)

    rng = Random(seed)
    words = Words(rng)
    reserved = _reserved_words()
    actor_list = _make_actors(rng, words, n_actors, reserved)
    with (seeds / "actors.yaml").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# Synthetic actors (seed {seed}); generated by benchmarks/make_corpus.py\n\n")
        fh.write("\n".join(a.yaml() for a in actor_list))

    marked = [words.fill(rng.choice(FILLER_TEMPLATES)) for _ in range(3000)]
    sources = ["Press report", "Wire service"] + [
        f"{rng.choice(STEM_A)}{rng.choice(STEM_E)} {rng.choice(SOURCE_WORDS)}" for _ in range(40)
    ]
    pools = Pools(marked, sources, actor_list, rng)
    for index in range(1, briefings + 1):
        slug, article, annotations = _briefing(rng, words, pools, index)
        (articles / f"{slug}.txt").write_text(article, encoding="utf-8", newline="\n")
        (articles / f"{slug}.yaml").write_text(annotations, encoding="utf-8", newline="\n")


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------


def _occurs_in_order(parts: Sequence[str], haystack: str) -> bool:
    pos = 0
    for part in parts:
        found = haystack.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def _check_ambiguity(actors: dict[str, Any], problems: list[str]) -> None:
    full: dict[tuple[str, ...], str] = {}
    strings: list[tuple[str, str]] = []
    for actor_id, actor in actors.items():
        for text in [actor.get("name", ""), *actor.get("aliases", [])]:
            toks = tuple(WORD_RE.findall(str(text)))
            if toks in full and full[toks] != actor_id:
                problems.append(f"actors.yaml: {text!r} used by {full[toks]} and {actor_id}")
            full[toks] = actor_id
            strings.append((actor_id, str(text)))
    for actor_id, text in strings:
        toks = tuple(WORD_RE.findall(text))
        for i in range(len(toks)):
            for j in range(i + 1, len(toks) + 1):
                owner = full.get(toks[i:j])
                if owner is not None and owner != actor_id:
                    problems.append(
                        f"actors.yaml: {text!r} ({actor_id}) contains a name of {owner}"
                    )


def _check_briefing(
    stem: str, data: Any, article: str, actors: dict[str, Any], problems: list[str]
) -> None:
    where = f"articles/{stem}.yaml"

    def bad(message: str) -> None:
        problems.append(f"{where}: {message}")

    if not isinstance(data, dict):
        bad("not a mapping")
        return
    folded = fold(article)
    n_words = len(article.split())
    if not 500 <= n_words <= 3000:
        bad(f"article has {n_words} words")
    if not isinstance(data.get("date"), dt.date) or data["date"].isoformat() != stem[:10]:
        bad(f"date {data.get('date')!r} does not match the slug")
    for key in ("title", "summary"):
        if not isinstance(data.get(key), str):
            bad(f"{key} is not a string")
    source = data.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("name"), str):
        bad("source.name missing")
    for point in data.get("key_points", []):
        if not isinstance(point, str):
            bad(f"key point {point!r} is not a string")
    for tag in data.get("tags", []):
        if not isinstance(tag, str) or not SLUG_RE.match(tag):
            bad(f"bad tag {tag!r}")

    def known(actor_id: Any, what: str) -> None:
        if not isinstance(actor_id, str) or actor_id not in actors:
            bad(f"{what}: unknown actor {actor_id!r}")

    for entry in data.get("actors", []):
        if isinstance(entry, dict):
            known(entry.get("id"), "actors")
            if "role" in entry and not isinstance(entry["role"], str):
                bad(f"role {entry['role']!r} is not a string")
        else:
            known(entry, "actors")
    quotes = data.get("quotes", [])
    if not 3 <= len(quotes) <= 10:
        bad(f"{len(quotes)} quotes")
    for quote in quotes:
        speaker = quote.get("speaker")
        known(speaker, "quote speaker")
        text = quote.get("text")
        if not isinstance(text, str):
            bad(f"quote text {text!r} is not a string")
            continue
        parts = [fold(p) for p in ELISION_RE.split(text) if p.strip()]
        if not _occurs_in_order(parts, folded):
            bad(f"quote not in article: {text!r}")
        if speaker in actors:
            info = actors[speaker]
            if info.get("kind") != "person":
                bad(f"quote speaker {speaker} is not a person")
            names = [info["name"], *info.get("aliases", [])]
            if not any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", article) for n in names):
                bad(f"speaker {speaker} is never mentioned")
    for claim in data.get("claims", []):
        if not isinstance(claim.get("text"), str):
            bad("claim text is not a string")
        if claim.get("status") not in STATUSES:
            bad(f"bad status {claim.get('status')!r}")
        if "by" in claim:
            known(claim["by"], "claim by")
        grade = claim.get("grade")
        if grade is not None and not re.fullmatch(r"[A-F][1-6]", str(grade)):
            bad(f"bad grade {grade!r}")
        if "likelihood" in claim and claim["likelihood"] not in LIKELIHOODS:
            bad(f"bad likelihood {claim['likelihood']!r}")
        evidence = claim.get("evidence")
        if evidence is not None:
            n_ev = len(str(evidence).split())
            if not isinstance(evidence, str) or fold(evidence) not in folded or not 5 <= n_ev <= 12:
                bad(f"evidence not a 5-12 word span of the article: {evidence!r}")
    for event in data.get("events", []):
        when = event.get("date")
        ok = (
            (isinstance(when, int) and 1900 < when < 2100)
            or (isinstance(when, str) and re.fullmatch(r"\d{4}-\d{2}", when))
            or isinstance(when, dt.date)
        )
        if not ok:
            bad(f"bad event date {when!r}")
        if not isinstance(event.get("text"), str):
            bad("event text is not a string")
        for actor_id in event.get("actors", []):
            known(actor_id, "event")
    for relation in data.get("relations", []):
        known(relation.get("from"), "relation from")
        known(relation.get("to"), "relation to")
        if not SLUG_RE.match(str(relation.get("type"))):
            bad(f"bad relation type {relation.get('type')!r}")
        if "note" in relation and not isinstance(relation["note"], str):
            bad("relation note is not a string")


def check_corpus(out_dir: Path) -> list[str]:
    """Re-read a generated corpus and return the problems found (empty when valid)."""
    problems: list[str] = []
    seeds = Path(out_dir) / "seeds"
    articles = seeds / "articles"
    stems_txt = {p.stem for p in articles.glob("*.txt")}
    stems_yaml = {p.stem for p in articles.glob("*.yaml")}
    for stem in sorted(stems_txt ^ stems_yaml):
        problems.append(f"articles/{stem}: article and annotations do not pair up")
    for stem in sorted(stems_txt | stems_yaml):
        if not SLUG_RE.match(stem) or not re.match(r"\d{4}-\d{2}-\d{2}-", stem):
            problems.append(f"articles/{stem}: bad slug")
    try:
        import yaml
    except ImportError:
        print("make_corpus: PyYAML missing; only file names were checked", file=sys.stderr)
        return problems
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    actors_text = (seeds / "actors.yaml").read_text(encoding="utf-8")
    try:
        actors = yaml.load(actors_text, Loader=loader)
    except yaml.YAMLError as exc:
        return [*problems, f"actors.yaml: YAML error: {exc}"]
    if not isinstance(actors, dict):
        return [*problems, "actors.yaml: not a mapping"]
    top_keys = re.findall(r"^([^\s#][^:]*):", actors_text, flags=re.MULTILINE)
    if len(top_keys) != len(actors):
        problems.append("actors.yaml: duplicate actor ids")
    for actor_id, actor in actors.items():
        if not isinstance(actor_id, str) or not SLUG_RE.match(actor_id) or len(actor_id) > 64:
            problems.append(f"actors.yaml: bad id {actor_id!r}")
        if not isinstance(actor, dict) or not isinstance(actor.get("name"), str):
            problems.append(f"actors.yaml: {actor_id}: name missing")
            continue
        if actor.get("kind") not in KINDS:
            problems.append(f"actors.yaml: {actor_id}: bad kind")
        for key in ("title", "description"):
            if key in actor and not isinstance(actor[key], str):
                problems.append(f"actors.yaml: {actor_id}: {key} is not a string")
        if not all(isinstance(a, str) for a in actor.get("aliases", [])):
            problems.append(f"actors.yaml: {actor_id}: alias is not a string")
        if "affiliation" in actor and actor["affiliation"] not in actors:
            problems.append(f"actors.yaml: {actor_id}: unknown affiliation")
        for url in actor.get("links", {}).values():
            if not str(url).startswith("https://"):
                problems.append(f"actors.yaml: {actor_id}: bad link {url!r}")
    _check_ambiguity(actors, problems)
    for stem in sorted(stems_txt & stems_yaml):
        article = (articles / f"{stem}.txt").read_text(encoding="utf-8")
        try:
            data = yaml.load((articles / f"{stem}.yaml").read_text(encoding="utf-8"), Loader=loader)
        except yaml.YAMLError as exc:
            problems.append(f"articles/{stem}.yaml: YAML error: {exc}")
            continue
        _check_briefing(stem, data, article, actors, problems)
    return problems


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description="Write a synthetic Briefings seeds/ tree.")
    parser.add_argument("out_dir", type=Path, help="site root to write seeds/ into")
    parser.add_argument("--briefings", type=int, required=True, help="number of briefings")
    parser.add_argument("--actors", type=int, default=None, help="number of actors (N//2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--check", action="store_true", help="verify the corpus afterwards")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        make_corpus(args.out_dir, args.briefings, args.actors, args.seed)
    except (FileExistsError, ValueError) as exc:
        print(f"make_corpus: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.briefings} briefings in {time.perf_counter() - started:.2f}s")
    if args.check:
        problems = check_corpus(args.out_dir)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"check: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

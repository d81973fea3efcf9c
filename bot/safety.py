"""Danger safety net: recognise violence, a crisis or a medical emergency in a short message,
whatever the NLU model thinks, in every supported language (and Latin-script Arabic and Russian).

Terms are written in natural spelling and normalised like the message (casefold, no diacritics,
one form of the Arabic/Persian letter variants, no ZWNJ or tatweel). Term syntax:

    word     the whole word                 word*   a word starting with it (inflection)
    *word    a word ending with it          *word*  a word containing it (Arabic clitics)
    ..       up to two words in between     word~   also with one typo (words of 6+ letters)

Negative terms (per language) are blanked out before matching ("kill time", "طول میکشه").
Where matches overlap, the longest wins ("heart attack" is an emergency, not an attack).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache


class DangerKind(str, Enum):
    """What kind of danger the message shows."""

    VIOLENCE = "violence"  # violence, threats, abuse: police 110, women's helpline 116 016
    CRISIS = "crisis"  # suicidal thoughts, acute mental-health crisis: crisis lines, 112
    EMERGENCY = "emergency"  # medical emergency or fire: 112


# when a message shows several kinds, the one named first decides what is shown first
PRIORITY = (DangerKind.CRISIS, DangerKind.VIOLENCE, DangerKind.EMERGENCY)


@dataclass(frozen=True)
class DangerSignal:
    """The danger found: its kind, the language of the term (`ar-Latn`, `ru-Latn` for Latin script),
    the term that matched, and every kind the message showed."""

    kind: DangerKind
    language: str
    term: str
    kinds: frozenset[DangerKind]


V, C, E = DangerKind.VIOLENCE, DangerKind.CRISIS, DangerKind.EMERGENCY

TERMS: dict[str, dict[DangerKind, tuple[str, ...]]] = {
    "de": {
        V: ("schlägt mich", "schlagt mich", "schlägt uns", "schlägt meine*", "geschlagen",
            "prügel*", "verprügel*", "*gewalt", "gewalttät*", "häusliche gewalt",
            "bedroh*", "droht mir", "droht mich", "droht .. umzubringen",
            "vergewaltig*~", "missbrauch*", "misshandel*", "belästig*", "angegriffen", "überfallen",
            "messer", "waffe", "umbringen", "bringt mich um", "bringt uns um", "töten", "tötet",
            "erwürgen", "gewürgt", "würgt", "tritt mich", "getreten", "eingesperrt", "sperrt mich ein",
            "zwangsheirat*", "zwangsehe", "stalkt", "verfolgt mich", "angst vor meinem mann", "angst vor meiner familie"),
        C: ("selbstmord*~", "suizid*~", "ich .. mich umbringen", "mich selbst umbringen", "bringe mich um",
            "bring mich um", "ich .. mich töten", "mich selbst töten", "mir das leben nehmen", "mein leben beenden",
            "nicht mehr leben", "will sterben", "möchte sterben", "will tot sein", "keinen sinn mehr",
            "kein sinn mehr", "ritze mich", "verletze mich selbst", "selbstverletz*", "halte es nicht mehr aus",
            "panikattack*", "von der brücke springen"),
        E: ("notarzt", "krankenwagen~", "rettungswagen~", "notfall", "ein notfall", "bewusstlos~",
            "ohnmächtig", "atmet nicht", "keine luft", "herzinfarkt~", "schlaganfall~", "blutet", "blutung*",
            "viel blut", "brustschmerz*", "krampfanfall", "vergiftet", "vergiftung", "überdosis",
            "tabletten geschluckt", "es brennt", "feuer", "unfall", "fruchtblase", "wehen"),
    },
    "en": {
        V: ("hit me", "hits me", "hitting me", "hit my", "beat me", "beating me", "beaten", "beat up",
            "he beats", "she beats", "beats my", "punch*", "kicked me", "kicks me", "slapped", "slaps me",
            "hurt me", "hurts me", "hurting me", "abuse*", "abusing", "abusive", "rape*", "raping",
            "assault*", "threaten*", "threats", "violence", "violent", "kill me", "kill us", "kill my",
            "knife", "a gun", "his gun", "her gun", "with a gun", "gunpoint", "pistol", "stab", "stabbed", "stabbing", "stab me", "attacked", "attack me", "forced marriage", "locked me", "stalking",
            "afraid of my husband", "scared of my husband", "harass*"),
        C: ("suicid*~", "kill myself", "killing myself", "end my life", "take my life", "want to die",
            "wanna die", "want to be dead", "don't want to live", "dont want to live", "do not want to live",
            "no reason to live", "self harm", "self-harm", "cut myself", "cutting myself", "hurt myself",
            "panic attack*", "can't go on", "cant go on", "better off dead", "jump off"),
        E: ("ambulance~", "it's an emergency", "its an emergency", "is an emergency", "medical emergency",
            "unconscious~", "not breathing", "can't breathe", "cant breathe", "cannot breathe",
            "heart attack", "stroke", "bleeding", "overdose*", "seizure*", "poisoned", "poisoning",
            "chest pain", "fainted", "passed out", "water broke", "in labor", "in labour", "on fire", "fire"),
    },
    "ru": {
        V: ("бьет", "бьют", "бил", "била", "избил*", "избива*", "побил*", "ударил*", "угрожа*~",
            "изнасил*", "насили*", "домогает*", "убьет", "убьют", "убить меня", "убить нас", "хочет убить",
            "нож", "ножом", "пистолет", "преследует", "запер*", "боюсь мужа"),
        C: ("покончить с собой", "покончу с собой", "убить себя", "убью себя", "суицид*", "самоубийств*~",
            "не хочу жить", "жить не хочу", "хочу умереть", "нет смысла жить", "режу себя", "порезать себя",
            "паническ* атак*"),
        E: ("скорую помощь", "вызовите скорую", "вызови скорую", "вызвать скорую", "скорая помощь",
            "скорой помощи", "без сознания", "потерял* сознание", "не дышит",
            "не могу дышать", "задыха*", "инфаркт*", "инсульт*", "кровотечен*", "кровь", "отравил*",
            "отравлен*", "передозир*", "судорог*", "пожар", "горит", "рожаю", "схватки", "воды отошли"),
    },
    "ru-Latn": {
        V: ("bet menya", "b'et menya", "byot menya", "bjet menya", "izbil*", "izbiva*", "udaril*",
            "ugrozha*", "iznasil*", "nasilie", "ubet menya", "ubyot menya", "ubit menya", "hochet ubit",
            "khochet ubit"),
        C: ("ubit sebya", "ubyu sebya", "pokonchit s soboy", "pokonchit s soboj", "suicid*", "samoubiistv*",
            "ne hochu zhit", "ne khochu zhit", "ne hochu jit", "hochu umeret", "khochu umeret"),
        E: ("skoruyu", "skoraya", "bez soznaniya", "ne dyshit", "ne mogu dyshat", "infarkt", "insult",
            "krovotechenie"),
    },
    "uk": {
        V: ("б'є", "бє", "б'ють", "бють", "бив мене", "била мене", "били мене", "побив*", "побил*",
            "вдарив*", "вдарил*", "погрожу*", "погрози", "зґвалтув*", "згвалтув*", "насильств*", "насилля",
            "вб'є", "вбє", "вб'ють", "вбити мене", "хоче вбити", "ножем", "має ніж", "пістолет", "переслідує",
            "замкнув*", "боюся чоловіка"),
        C: ("покінчити з собою", "покінчу з собою", "покінчити життя", "вбити себе", "вб'ю себе",
            "суїцид*", "самогубств*~", "не хочу жити", "жити не хочу", "хочу померти", "ріжу себе",
            "порізати себе", "панічн* атак*"),
        E: ("викличте швидку", "виклич швидку", "викликати швидку", "швидку допомогу", "швидка допомога",
            "швидкої допомоги", "без свідомості", "знепритомн*", "не дихає",
            "не можу дихати", "задиха*", "інфаркт*", "інсульт*", "кровотеч*", "отруї*", "отруєн*",
            "передозув*", "судоми", "судомн*", "пожежа", "горить", "пологи", "народжую", "перейми"),
    },
    "ar": {
        V: ("*ضرب*", "*عنف*", "*تعنيف*", "*معنف*", "*يهدد*", "*هددني*", "*تهديد*", "*اغتصب*",
            "*اغتصاب*", "*تحرش*", "*يقتلني*", "*يقتلنا*", "*قتلني*", "بدو يقتل*", "سكين*", "بسكين*", "السكين*", "بالسكين*", "*يؤذيني*",
            "*يعتدي*", "*اعتداء*", "*اعتدى*", "حبسني", "*يحبسني*", "*زواج قسري*", "*خايفه من زوجي*",
            "*خائفه من زوجي*"),
        C: ("*انتحار*", "*نتحر*", "*قتل نفسي*", "*اقتل حالي*", "ما بدي عيش", "ما بدي اعيش", "مابدي عيش",
            "لا اريد ان اعيش", "لا اريد العيش", "مش عايز اعيش", "مش عايزه اعيش", "بدي موت", "بدي اموت",
            "اريد ان اموت", "عايز اموت", "عايزه اموت", "تعبت من الحياه", "*اذي نفسي*", "*اؤذي نفسي*",
            "*نوبه هلع*"),
        E: ("*اسعاف*", "فاقد الوعي", "*فقد الوعي*", "*فقدت الوعي*", "*مغمى عليه*", "*مغمى عليها*",
            "ما عم يتنفس", "ما عم تتنفس", "لا يتنفس", "لا تتنفس", "ما بقدر اتنفس", "مش قادر اتنفس",
            "مش قادره اتنفس", "لا استطيع التنفس", "*نزيف*", "*جلطه*", "*نوبه قلبيه*", "*تسمم*",
            "*حريق*", "*جرعه زائده*", "*طوارئ*"),
    },
    "ar-Latn": {
        V: ("*drabni*", "*drobni*", "*darabni*", "*darbni*", "*3anf*", "*2telni*", "*2tolni*", "*qtolni*",
            "*ktolni*", "*ta7arosh*", "*t7arosh*", "*eghtisab*", "*ightisab*", "*e8tesab*", "*sekkine*",
            "*sikkin*", "*yhadedni*", "*yhaddedni*", "*tahdid*"),
        C: ("*inti7ar*", "*ente7ar*", "*nti7er*", "*ntiher*", "*2tol 7ali*", "*2atel 7ali*", "*qatl nafsi*",
            "bdi mot", "badi mot", "bade mot", "bdi mout", "badi mout", "bade moot", "ma bdi 3ish",
            "mabdi 3ish", "ma badi 3ish", "mish 3ayez a3ish", "mosh 3ayez a3ish"),
        E: ("*is3af*", "*es3af*", "*eis3af*", "fa2ed el wa3i", "fa2da el wa3i", "*ghayeb 3an el wa3i*",
            "*2ader atnaf*", "*2adra atnaf*", "*2dar atnaf*", "ma 3am yetnafas", "ma 3am yetnaffas",
            "*jalta*", "*7ari2*"),
    },
    "fa": {
        V: ("*کتک*", "منو میزنه", "منو میزند", "مرا میزند", "منو زد", "منو زده", "مرا زد", "من را زد",
            "*خشونت*", "تهدید*", "*تهدیدم*", "*تجاوز*", "آزار*", "اذیتم میکنه", "اذیت میکنه",
            "منو میکشه", "منو بکشه", "مرا میکشد", "مرا بکشد", "منو بکشن", "*چاقو*", "زندانی کرده",
            "ازدواج اجباری", "از شوهرم میترسم", "از شوهرم می ترسم"),
        C: ("*خودکشی*", "خود کشی", "خودمو بکشم", "خودم را بکشم", "خودمو میکشم", "خودم را میکشم",
            "نمیخوام زنده باشم", "نمیخواهم زنده باشم", "نمیخوام زندگی کنم", "نمیخواهم زندگی کنم",
            "میخوام بمیرم", "میخواهم بمیرم", "دلم میخواد بمیرم", "به خودم آسیب", "حمله عصبی",
            "حمله پانیک", "حمله هراس"),
        E: ("*آمبولانس*", "*اورژانس*", "*بیهوش*", "نفس نمیکشه", "نفس نمیکشد", "نمیتونم نفس بکشم",
            "نمیتوانم نفس بکشم", "*سکته*", "*خونریزی*", "*مسموم*", "آتش سوزی", "آتیش گرفته",
            "آتش گرفته", "حمله قلبی", "درد زایمان"),
    },
    "tr": {
        V: ("dövüyor*", "dövdü*", "döver", "dövecek*", "dövül*", "vuruyor*", "vurdu*", "vuracak*",
            "şiddet", "şiddete", "şiddetten", "tehdit*", "tecavüz*~", "taciz*", "öldürecek*", "öldürmek istiyor", "beni öldür*",
            "bıçak*", "silah*", "kilitledi", "zorla evlen*", "kocamdan korkuyorum"),
        C: ("intihar*", "kendimi öldür*", "ölmek istiyorum", "yaşamak istemiyorum", "canıma kıy*",
            "kendime zarar", "panik atak*", "artık dayanamıyorum"),
        E: ("ambulans*~", "bayıldı*", "bilinci yok", "bilincini kaybet*", "nefes alamıyor*",
            "nefes almıyor*", "kalp krizi", "felç", "kanama*", "kanıyor", "zehirlen*", "yangın*",
            "doğum başladı", "suyum geldi", "doz aşımı"),
    },
}

NEGATIVE_TERMS: dict[str, tuple[str, ...]] = {
    "de": ("gewaltig*", "im notfall", "für den notfall", "notfall nummer*"),
    "en": ("kill time", "killing time", "kill some time", "beats me", "stroke of luck", "fire me", "fired me",
           "fired", "fire department", "fire brigade", "gun control", "emergency number", "emergency numbers"),
    "ru": (),
    "uk": (),
    "ar": ("جدول الضرب", "رقم الطوارئ", "ارقام الطوارئ"),
    "ar-Latn": (),
    "fa": ("طول میکشه", "طول میکشد", "طول بکشه", "شماره اورژانس", "شماره های اورژانس"),
    "tr": ("silahlı kuvvet*",),
}

# letters written in several ways; ZWNJ, ZWJ and tatweel vanish
_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ٱ": "ا",
    "\u200c": None, "\u200d": None, "\u0640": None,
    "’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'",
    "ı": "i", "ґ": "г",
})
_REPEATS = re.compile(r"(\w)\1{2,}")
_NOT_WORD = re.compile(r"[^\w']+")
_PERSIAN_PREFIX = re.compile(r"(?<!\w)(ن?می) (?=\w)")
_GAP = r"(?:\s+[\w']+){0,2}"
# "25 ضرب 14", "۲۵ ضربدر ۱۴": multiplication, not a blow
_ARITHMETIC = re.compile(r"\d+\s*(?:ضرب|ضربدر|ضرب در|ضرب فی)\s*\d+")


def normalise(text: str) -> str:
    """The form terms and messages are compared in: casefolded, without diacritics or letter variants."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    text = _REPEATS.sub(r"\1\1", text)  # "hilfeeee", "killlll"
    text = _NOT_WORD.sub(" ", text).strip(" '")
    return _PERSIAN_PREFIX.sub(r"\1", text)  # "می زند" is written "میزند" too


def _token_regex(token: str) -> str:
    core = normalise(token.strip("*"))
    if not core:
        raise ValueError(f"empty term token {token!r}")
    # a wildcard side takes in the rest of the word; either way the match ends at word boundaries
    before = r"(?<![\w'])" + (r"[\w']*" if token.startswith("*") else "")
    after = (r"[\w']*" if token.endswith("*") else "") + r"(?![\w'])"
    return before + re.escape(core) + after


@dataclass(frozen=True)
class _Term:
    language: str
    kind: DangerKind | None  # None: a negative term
    text: str
    pattern: re.Pattern[str]
    fuzzy: str | None  # normalised word for the one-typo comparison
    fuzzy_prefix: bool


def _compile(language: str, kind: DangerKind | None, term: str) -> _Term:
    fuzzy = term.endswith("~")
    body = term.rstrip("~")
    tokens = body.split()
    parts: list[str] = []
    for token in tokens:
        if token == "..":
            parts.append(_GAP)
        else:
            parts.append((r"\s+" if parts else "") + _token_regex(token))
    fuzzy_word = None
    if fuzzy:
        fuzzy_word = normalise(body.strip("*"))
        if len(tokens) != 1 or body.startswith("*") or len(fuzzy_word) < 6:
            raise ValueError(f"{term!r}: typo tolerance needs one word of at least 6 letters")
    return _Term(language, kind, term, re.compile("".join(parts)), fuzzy_word, body.endswith("*"))


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[_Term, ...], dict[str, tuple[_Term, ...]]]:
    positive = tuple(_compile(lang, kind, term)
                     for lang, kinds in TERMS.items() for kind, terms in kinds.items() for term in terms)
    negative = {lang: tuple(_compile(lang, None, term) for term in terms) for lang, terms in NEGATIVE_TERMS.items()}
    return positive, negative


@lru_cache(maxsize=1)
def _any_term() -> re.Pattern[str]:
    """All positive terms in one pattern: most messages show no danger, and one search says so quickly."""
    positive, _negative = _terms()
    return re.compile("|".join(f"(?:{term.pattern.pattern})" for term in positive))


def _one_typo(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def _fuzzy_spans(term: _Term, text: str) -> list[tuple[int, int]]:
    assert term.fuzzy is not None
    spans = []
    for word in re.finditer(r"[\w']+", text):
        candidate = word.group()
        if candidate[0] != term.fuzzy[0]:
            continue
        if term.fuzzy_prefix:
            hit = any(_one_typo(candidate[:len(term.fuzzy) + d], term.fuzzy) for d in (-1, 0, 1))
        else:
            hit = _one_typo(candidate, term.fuzzy)
        if hit:
            spans.append((word.start(), word.end()))
    return spans


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def detect_danger(text: str, languages: Iterable[str] | None = None) -> DangerSignal | None:
    """The danger a message shows, or None. `languages` limits the term lists (default: all)."""
    normalised = normalise(text)
    if not normalised:
        return None
    wanted = None if languages is None else set(languages)
    for found in _ARITHMETIC.finditer(normalised):
        normalised = _blank(normalised, found.start(), found.end())
    positive, negative = _terms()
    for terms in negative.values():
        for term in terms:
            for found in term.pattern.finditer(normalised):
                normalised = _blank(normalised, found.start(), found.end())
    fuzzy = [term for term in positive if term.fuzzy]
    if not _any_term().search(normalised) and not any(_fuzzy_spans(term, normalised) for term in fuzzy):
        return None
    matches: list[tuple[int, int, _Term]] = []
    for term in positive:
        if wanted is not None and term.language not in wanted and term.language.split("-")[0] not in wanted:
            continue
        spans = [(m.start(), m.end()) for m in term.pattern.finditer(normalised)]
        if term.fuzzy and not spans:
            spans = _fuzzy_spans(term, normalised)
        matches.extend((start, end, term) for start, end in spans if end > start)
    if not matches:
        return None
    # overlapping matches: the longest one counts ("heart attack" over "attack")
    matches.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    kept: list[tuple[int, int, _Term]] = []
    for start, end, term in matches:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, term))
    kinds = frozenset(term.kind for _, _, term in kept if term.kind is not None)
    kind = next(k for k in PRIORITY if k in kinds)
    best = next(term for _, _, term in kept if term.kind is kind)
    return DangerSignal(kind=kind, language=best.language, term=best.text, kinds=kinds)

"""The danger safety net: short, misspelled messages in every supported language, and everyday
messages that must not raise an alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lang.registry import supported_languages
from bot.safety import (
    DANGER_DIR,
    DangerKind,
    DangerTermsError,
    _compile,
    detect_danger,
    load_terms,
    normalise,
)
from bot.settings import get_settings

V, C, E = DangerKind.VIOLENCE, DangerKind.CRISIS, DangerKind.EMERGENCY

POSITIVE = {
    "de": [
        ("Mein Mann schlägt mich", V),
        ("mein mann schlagt mich jeden tag", V),
        ("er hat mich geschlagen, was soll ich tun", V),
        ("Mein Vater hat mich verprügelt", V),
        ("häusliche Gewalt", V),
        ("er droht mir, mich umzubringen", V),
        ("er will mich umbringen!!!", V),
        ("Ich wurde vergewaltigt", V),
        ("er hat ein Messer", V),
        ("ich habe angst vor meinem mann", V),
        ("ich will mich umbringen", C),
        ("Ich will nicht mehr leben", C),
        ("selbstmort", C),
        ("ich denke an suizid", C),
        ("ich möchte sterben", C),
        ("Bitte Krankenwagen, mein Kind atmet nicht", E),
        ("krankenwagn schnell", E),
        ("meine Frau ist bewusstlos", E),
        ("Ich glaube er hat einen Herzinfarkt", E),
        ("es brennt in unserer Wohnung", E),
    ],
    "en": [
        ("my husband hits me", V),
        ("he beat me yesterday", V),
        ("Im afraid of my husband", V),
        ("he threatened to kill me", V),
        ("my boss sexualy abused me", V),
        ("i was raped", V),
        ("i want to kill myself", C),
        ("I dont want to live anymore", C),
        ("thinking about suicde", C),
        ("i cut myself again", C),
        ("having a panic attack", C),
        ("call an ambulance please", E),
        ("my baby is not breathing", E),
        ("he is unconcious", E),
        ("my father had a heart attack", E),
        ("my wife is bleeding a lot", E),
    ],
    "ru": [
        ("муж меня бьёт", V),
        ("муж меня бьет", V),
        ("он меня избил", V),
        ("он угрожает убить меня", V),
        ("меня изнасиловали", V),
        ("не хочу жить", C),
        ("хочу покончить с собой", C),
        ("думаю о самоубийстве", C),
        ("вызовите скорую", E),
        ("ребёнок не дышит", E),
        ("у мамы инсульт", E),
        ("он без сознания", E),
    ],
    "ru-Latn": [
        ("muzh bet menya", V),
        ("on menya izbil", V),
        ("ne hochu zhit", C),
        ("hochu umeret", C),
        ("nuzhna skoraya pomosh, bez soznaniya", E),
    ],
    "uk": [
        ("чоловік мене б'є", V),
        ("чоловік мене бʼє", V),
        ("він мене побив", V),
        ("мене зґвалтували", V),
        ("він погрожує мені", V),
        ("не хочу жити", C),
        ("хочу покінчити з собою", C),
        ("думки про самогубство", C),
        ("викличте швидку", E),
        ("дитина не дихає", E),
        ("у батька інфаркт", E),
    ],
    "ar": [
        ("زوجي يضربني", V),
        ("جوزي بيضربني كل يوم", V),
        ("زوجي يضربني 😢", V),
        ("يهددني بالقتل", V),
        ("بدو يقتلني", V),
        ("تعرضت للتحرش", V),
        ("اغتصبني", V),
        ("بدي انتحر", C),
        ("أفكر في الانتحار", C),
        ("ما بدي عيش", C),
        ("بدي موت", C),
        ("اتصلوا بالإسعاف", E),
        ("ابني فاقد الوعي", E),
        ("امي عندها نزيف", E),
        ("ابي عنده جلطة", E),
    ],
    "ar-Latn": [
        ("zawji byedrabni", V),
        ("jozi bidrobni kil yom", V),
        ("bade2tolni", V),
        ("bdi ente7ar", C),
        ("ma bdi 3ish", C),
        ("bdi mot", C),
        ("badna is3af", E),
        ("mosh 2ader atnafas", E),
    ],
    "fa": [
        ("شوهرم منو کتک میزنه", V),
        ("شوهرم منو كتك ميزنه", V),  # Arabic kaf and yeh
        ("شوهرم مرا می‌زند", V),
        ("منو تهدید میکنه", V),
        ("میخواد منو بکشه", V),
        ("به من تجاوز کرد", V),
        ("میخوام خودکشی کنم", C),
        ("خود کشی", C),
        ("نمی‌خواهم زندگی کنم", C),
        ("میخوام بمیرم", C),
        ("آمبولانس لازم دارم", E),
        ("بچه‌ام بیهوش شده", E),
        ("پدرم سکته کرده", E),
        ("نفس نمی کشه", E),
    ],
    "tr": [
        ("kocam beni dövüyor", V),
        ("kocam beni dovuyor", V),
        ("beni öldürecek", V),
        ("bana tecavüz etti", V),
        ("şiddet görüyorum", V),
        ("intihar etmek istiyorum", C),
        ("ölmek istiyorum", C),
        ("yaşamak istemiyorum artık", C),
        ("ambulans çağırın", E),
        ("ambulas lazım", E),
        ("annem bayıldı", E),
        ("babam kalp krizi geçiriyor", E),
        ("nefes alamıyor", E),
    ],
    "ro": [
        ("sotul meu ma bate in fiecare zi", V),
        ("m-a amenintat ca ma omoara", V),
        ("vreau sa ma sinucid", C),
        ("chemati salvarea, tatal meu nu respira", E),
    ],
    "pl": [
        ("maz mnie bije", V),
        ("grozi ze mnie zabije", V),
        ("chce popelnic samobojstwo", C),
        ("wezwijcie karetke, ona jest nieprzytomna", E),
    ],
    "bg": [
        ("мъжът ми ме бие", V),
        ("заплашва да ме убие", V),
        ("мисля за самоубийство", C),
        ("извикайте линейка, детето не диша", E),
    ],
    "bg-Latn": [
        ("maja mi me bie", V),
        ("iskam da se samoubia", C),
    ],
    "ku": [
        ("mêrê min li min dide", V),
        ("gef li min dixwe ku min bikuje", V),
        ("ez dixwazim xwe bikujim", C),
        ("bavê min bêhiş bûye, zû werin", E),
    ],
    "ps": [
        ("میړه مې ما وهي", V),
        ("ګواښ کوي چې ما به ووژني", V),
        ("غواړم ځان ووژنم", C),
        ("امبولانس راوغواړئ، پلار مې بې هوښه دی", E),
    ],
}

NEGATIVE = {
    "de": [
        "Ich habe einen Vorschlag",
        "Können Sie mir einen Termin vorschlagen?",
        "ich habe im Wörterbuch nachgeschlagen",
        "ich schlage vor, wir treffen uns morgen",
        "Ich habe heute nicht gut geschlafen",
        "ein gewaltiger Unterschied",
        "Was mache ich im Notfall?",
        "Wo ist die Feuerwehr?",
        "Ich brauche einen Termin beim Arzt",
        "Wann hat das Jobcenter offen?",
    ],
    "en": [
        "I want to kill time before my appointment",
        "I like to hitchhike",
        "beats me",
        "what is the emergency number",
        "I got fired from my job",
        "the situation is stable now",
        "I need a doctor for my child",
        "where can I learn German",
    ],
    "ru": [
        "как получить скорую визу",  # unrelated "скорую"
        "на скорую руку",
        "где учить немецкий",
        "нужны ножницы",
        "как оформить Bürgergeld",
    ],
    "uk": [
        "чекаю на швидку відповідь",
        "більше ніж два тижні",
        "рішення ухвалене судом",
        "де записатися на курси німецької",
    ],
    "ar": [
        "مسكين الطفل مريض",
        "كم ٢٥ ضرب ١٤",  # multiplication
        "جدول الضرب في المدرسة",
        "ما هو رقم الطوارئ",
        "أحتاج شهادة ولادة",
        "وين مكتب الأجانب",
    ],
    "ru-Latn": [
        "gde kursy nemetskogo",
        "skoro budu v Bilefelde",
        "bez problem, spasibo",
    ],
    "ar-Latn": [
        "el shi2a nazif",
        "wen el jobcenter",
    ],
    "fa": [
        "چقدر طول میکشه؟",
        "۲۵ ضربدر ۱۴ چند میشه",  # multiplication
        "بازار کجاست",
        "شماره اورژانس چنده",
        "سیگار میکشه",
        "کلاس زبان آلمانی کجاست",
    ],
    "tr": [
        "döviz kuru nedir",
        "kindergeld hangi gün yatıyor",  # "gün" folds to "gun": not the English word
        "14 gün içinde adres kaydı zorunlu mu",
        "bu konuya vurgu yapmak istiyorum",
        "şiddetli yağmur var",
        "silahlı kuvvetlerde çalıştım",
        "kira yardımı nasıl alırım",
    ],
    "ro": ["unde pot sa fac anmeldung", "care este numarul de urgenta", "copilul are nevoie de vaccin"],
    "pl": ["gdzie moge sie zameldowac", "jaki jest numer alarmowy", "szukam pracy na magazynie"],
    "bg": ["къде да направя адресна регистрация", "кой е номерът за спешни случаи", "търся работа"],
    "bg-Latn": ["kyde moga da namerya rabota", "triabva li mi termin"],
    "ku": ["ez li ku derê dikarim kar bibînim", "hejmara acîl çi ye", "zarokê min diçe dibistanê"],
    "ps": ["زه کار لټوم", "د بیړني حالت شمیره څه ده", "زوی مې ښوونځي ته ځي"],
}


@pytest.mark.parametrize(("lang", "message", "kind"),
                         [(lang, m, k) for lang, cases in POSITIVE.items() for m, k in cases])
def test_danger_is_recognised(lang: str, message: str, kind: DangerKind) -> None:
    signal = detect_danger(message)
    assert signal is not None, message
    assert signal.kind is kind, (message, signal)
    # Arabic and Persian share many words (تهدید, انتحار): either label is right for those
    # Kurmanji shares some (şîddet, ambulans) with Turkish, Pashto some with Persian
    same_script = {"ar": {"ar", "fa"}, "fa": {"ar", "fa"}, "ps": {"ps", "fa", "ar"},
                   "ku": {"ku", "tr"}}.get(lang, {lang.split("-")[0]})
    assert signal.language.split("-")[0] in same_script, (message, signal)


@pytest.mark.parametrize(("lang", "message"), [(lang, m) for lang, cases in NEGATIVE.items() for m in cases])
def test_everyday_messages_raise_no_alarm(lang: str, message: str) -> None:
    assert detect_danger(message) is None, (message, detect_danger(message))


def test_every_language_has_positive_and_negative_examples() -> None:
    for lang in (*supported_languages(), "ar-Latn", "ru-Latn", "bg-Latn"):
        assert POSITIVE.get(lang) and NEGATIVE.get(lang), lang


def test_several_kinds_crisis_first_and_all_reported() -> None:
    signal = detect_danger("my husband hits me and I want to kill myself")
    assert signal is not None and signal.kind is C
    assert signal.kinds == {V, C}


def test_the_longest_overlapping_term_decides() -> None:
    assert detect_danger("my father had a heart attack").kinds == {E}  # type: ignore[union-attr]


def test_normalisation_unifies_letter_variants() -> None:
    assert normalise("می‌خواهم") == normalise("ميخواهم")  # ZWNJ, Arabic yeh
    assert normalise("كتك") == normalise("کتک")
    assert normalise("ÖLDÜRECEK") == normalise("oldurecek")
    assert normalise("бʼє") == normalise("б'є")
    assert normalise("Hiiiilfe!!!") == "hiilfe"
    assert normalise("   ") == ""


def test_languages_can_be_restricted() -> None:
    assert detect_danger("kocam beni dövüyor", languages=["de"]) is None
    assert detect_danger("bdi mot", languages=["ar"]) is not None  # includes Latin-script Arabic


def test_empty_and_emoji_only_messages() -> None:
    assert detect_danger("") is None
    assert detect_danger("🙂🙂") is None


@pytest.mark.parametrize(("content", "message"), [
    ("language: xx\nviolence: [schlägt]\n", "needs 'language: de'"),
    ("language: de\nthreat: [x]\n", "unknown key 'threat'"),
    ("language: de\nviolence: [schlägt, 3]\n", "must be a list of terms"),
    ("language: de\nviolence: [\n", "cannot read danger terms"),
])
def test_a_broken_danger_file_is_named_clearly(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "de.yml").write_text(content, encoding="utf-8")
    with pytest.raises(DangerTermsError, match=message):
        load_terms(tmp_path)


def test_every_danger_file_compiles() -> None:
    positive, negative = load_terms(get_settings().knowledge_dir / DANGER_DIR)
    assert set(supported_languages()) <= set(positive)
    for lang, kinds in positive.items():
        assert all(kinds.get(kind) for kind in DangerKind), lang  # every kind has terms
        for kind, terms in kinds.items():
            for term in terms:
                _compile(lang, kind, term)
        for term in negative.get(lang, ()):
            _compile(lang, None, term)

"""Grammatical shapes of a reproach or a brush-off, read from the parse rather than from phrase lists:
counterfactual blame ("si vous aviez lu..., vous auriez su" / "if you had read..., you would have known"),
"you should have" reproaches (and what the customer should have received, which is none), questions asked in
hindsight ("did you check the size guide before ordering?"), responsibility pushed
onto the customer ("c'est votre choix", "that's your problem", unless negated: "ce n'est pas votre faute"), the
customer told what they must do ("you need to quit", "il faut que vous..."), negation, sentence-opening contrast
connectors, the naming of how hard the customer's situation is ("that must be so stressful", "ça doit être
épuisant"), and a step the agent takes on, said in the French future ("je vous rappellerai jeudi"), in the recent
past ("je viens de le lever") or with object pronouns ("je vous le renvoie")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from spacy.tokens import Doc, Span, Token

YOU = {"fr": {"vous", "tu", "t'"}, "en": {"you"}}
POSSESSIVE_YOU = {"fr": {"votre", "vos", "ton", "ta", "tes"}, "en": {"your"}}
NEGATION = {"pas", "plus", "jamais", "not", "n't", "never", "nullement", "aucunement"}
IF = {"fr": {"si", "s'"}, "en": {"if"}}
# Inflections when the tagger's morphology misses them (the small and md French models often do).
FR_IMPERFECT_AUX = re.compile(r"^(?:av|ét)(?:ais|ait|ions|iez|aient)$")
FR_CONDITIONAL = re.compile(r"^\w+r(?:ais|ait|ions|iez|aient)$")
EN_PERFECT_MODAL = {"would", "could", "might", "'d", "should", "ought", "wouldn't", "couldn't"}
FR_MODAL_PARTICIPLE = {"dû", "du", "pu"}
EN_REPROACH_MODAL = {"should", "could", "ought", "shouldn't"}


def _text(tok: Token) -> str:
    return tok.lower_.replace("\u2019", "'")


def is_negated(tokens: list[Token] | Span) -> bool:
    """A negation word (or a `neg` dependency) among the tokens."""
    return any(_text(t) in NEGATION or t.dep_ == "neg" for t in tokens)


def of_themselves(
    doc: Doc | Span, start: int, end: int, speaker: Iterable[int], window: int = 3, negation_window: int = 2
) -> bool:
    """The words at tokens [start, end) are said by the speaker of themselves (one of the `speaker` tokens, their
    first-person words, within `window` tokens) and not negated (no negation or "no" within `negation_window`): "I'm
    really worried", "ça m'angoisse", "j'ai vraiment peur", not "I'm not worried", "je m'inquiète pas", "no worries",
    nor "is he worried?"."""
    near = range(max(0, start - window), end + window)
    close = doc[max(0, start - negation_window) : end + negation_window]
    return any(k in near for k in speaker) and not is_negated(close) and "no" not in map(_text, close)


def counterfactual_blame(sent: Span, language: str) -> tuple[int, int] | None:
    """'Si vous aviez ... (vous) auriez ...' / 'If you had ... would have ...': character span, or None."""
    toks = list(sent)
    for i, tok in enumerate(toks):
        if _text(tok) not in IF.get(language, set()):
            continue
        clause = toks[i + 1 : i + 5]
        if not any(_text(t) in YOU.get(language, set()) for t in clause[:2]):
            continue
        if language == "fr" and not any(_fr_pluperfect(t, toks) for t in clause):
            continue
        if language == "en" and not any(_text(t) in ("had", "'d") for t in clause[:3]):
            continue
        rest = toks[i + 3 :]
        if any(_conditional_perfect(t, rest, language) for t in rest):
            return sent.start_char, sent.end_char
    return None


def _fr_pluperfect(tok: Token, toks: list[Token]) -> bool:
    imperfect = "Imp" in tok.morph.get("Tense") or FR_IMPERFECT_AUX.match(_text(tok))
    nxt = toks[tok.i - toks[0].i + 1 : tok.i - toks[0].i + 3]
    return bool(imperfect) and tok.lemma_ in ("avoir", "être") and any(_participle(t) for t in nxt)


def _participle(tok: Token) -> bool:
    return "Part" in tok.morph.get("VerbForm") or tok.tag_ == "VBN"


def _conditional_perfect(tok: Token, rest: list[Token], language: str) -> bool:
    pos = rest.index(tok)
    after = rest[pos + 1 : pos + 4]
    if language == "fr":
        conditional = "Cnd" in tok.morph.get("Mood") or FR_CONDITIONAL.match(_text(tok))
        return bool(conditional) and tok.lemma_ in ("avoir", "être") and any(_participle(t) for t in after)
    return _text(tok) in EN_PERFECT_MODAL and any(_text(t) == "have" for t in after[:2])


# "Vous auriez dû recevoir un SMS", "you should have received an email": information, not a reproach.
# What happened to the customer rather than what they did: "vous auriez dû recevoir", "a life you could have lived",
# "vous auriez dû pouvoir compter dessus" (what they were denied, said on their side; in English "you shouldn't have
# had to hunt for it", `_obliged`); "you should have had a call back", as "vous auriez dû avoir un appel".
RECEIVING = {"recevoir", "avoir", "être", "pouvoir", "obtenir", "voir", "vivre", "mourir"} | {
    "receive",
    "get",
    "have",
    "be",
    "hear",
    "see",
    "live",
    "die",
}


def _conditional_avoir(tok: Token) -> bool:
    return tok.lemma_ == "avoir" and ("Cnd" in tok.morph.get("Mood") or bool(FR_CONDITIONAL.match(_text(tok))))


def should_have(sent: Span, language: str) -> tuple[int, int] | None:
    """'Vous auriez dû / pu vérifier', 'you should have called': a reproach about the customer's own action, said as
    a statement (not a question), and not about something they were due to receive."""
    for you, action in _should_have(sent, language):
        if not _receives(action) and not _obliged(action):
            return you.idx, action.idx + len(action)
    return None


def due_to_receive(sent: Span, language: str) -> tuple[int, int] | None:
    """'You should have received a text', 'vous auriez dû recevoir un SMS': what the customer was due and did not
    get, the other side of `should_have` (the behaviour models read it as blame at 0.85-0.92)."""
    for you, action in _should_have(sent, language):
        if _receives(action):
            return you.idx, action.idx + len(action)
    return None


def _receives(action: Token) -> bool:
    """The action is what the customer was due (`RECEIVING`), not a causative "have" ("you should have had it
    serviced": a participle follows the object)."""
    if action.lemma_.lower() not in RECEIVING:
        return False
    after = action.doc[action.i + 1 : action.i + 4]
    return action.lemma_.lower() != "have" or not any(_participle(t) for t in after)


OTHERS = {"them", "him", "her", "his", "their", "those", "eux", "lui", "elle", "elles", "leur", "leurs"}


def for_someone_else(word: Token, language: str) -> bool:
    """An apology word that says sorrow for someone other than the customer: 'I felt sorry for them', 'sorry for
    him', 'j'étais désolé pour eux' (the word followed by 'for' / 'pour' and a third person)."""
    after = [_text(t) for t in word.doc[word.i + 1 : word.i + 3]]
    return len(after) == 2 and after[0] == {"en": "for", "fr": "pour"}.get(language) and after[1] in OTHERS


PAST_ASKED = {"en": {"did", "have", "had"}, "fr": {"avez", "aviez", "as", "avais"}}
BEFORE = {"en": "before", "fr": "avant"}


def hindsight(sent: Span, language: str) -> tuple[int, int] | None:
    """'Did you check the size guide before ordering?', 'vous avez consulté le guide des tailles avant de
    commander ?': a question on whether the customer did something before what they did next, which asks nothing
    that could help now (a check asked on what is there now, "did you check your junk folder?", is troubleshooting).
    The customer's past action is asked ('did / have you', 'vous avez', 'avez-vous'), then 'before' leads to their
    own next act ('before ordering', 'before you signed', 'avant de commander', 'avant que vous'), not to what
    happened to them ("did you save it before it crashed?"). Character span from the asked verb to that act."""
    if not sent.text.strip().endswith("?"):
        return None
    toks = list(sent)
    you, asked = YOU.get(language, set()), PAST_ASKED.get(language, set())
    start = next(
        (
            t
            for i, t in enumerate(toks)
            if _text(t) in asked and any(_text(n).lstrip("-") in you for n in toks[max(0, i - 1) : i + 3])
        ),
        None,
    )
    if start is None:
        return None
    for i, tok in enumerate(toks[start.i - sent.start + 1 :], start.i - sent.start + 1):
        if _text(tok) != BEFORE.get(language):
            continue
        after = toks[i + 1 : i + 4]
        if language == "en":  # "before ordering", "before you ordered"
            gerund = bool(after) and after[0].tag_ == "VBG"
            act = after[:1] if gerund else after[1:2] if after[:1] and _text(after[0]) in you else []
        else:  # "avant de commander", "avant que vous signiez"
            lead = [_text(t) for t in after[:2]]
            act = after[1:2] if lead[:1] in (["de"], ["d'"]) else after[2:3] if lead == ["que", "vous"] else []
        if act and act[0].pos_ in ("VERB", "AUX"):
            return start.idx, act[0].idx + len(act[0])
    return None


def _should_have(sent: Span, language: str) -> Iterator[tuple[Token, Token]]:
    """Each 'you' and its participle in 'you should have <done>' / 'vous auriez dû <faire>', in a statement."""
    if sent.text.strip().endswith("?"):
        return
    toks = list(sent)
    you = YOU.get(language, set())
    for i, tok in enumerate(toks):
        if _text(tok) not in you:
            continue
        window = toks[i + 1 : i + 6]
        if language == "fr":
            # "vous auriez (très bien) dû / pu": the conditional of "avoir", then the participle within two words
            # (not "vous pourriez trouver du soutien", where "du" is an article)
            aux = next((j for j, t in enumerate(window[:2]) if _conditional_avoir(t)), None)
            conditional = aux is not None
            modal = next(
                (
                    j
                    for j, t in enumerate(window)
                    if _text(t) in FR_MODAL_PARTICIPLE and aux is not None and j <= aux + 3
                ),
                None,
            )
            action = window[modal + 1] if modal is not None and modal + 1 < len(window) else None
        else:
            conditional = bool(window) and _text(window[0]) in EN_REPROACH_MODAL
            perfect = [t for t in window[1:3] if _text(t) in ("have", "'ve")]
            rest = window[window.index(perfect[0]) + 1 :] if perfect else []
            action = next((t for t in rest if _participle(t)), None)
        if conditional and action is not None:
            yield tok, action


def _obliged(tok: Token) -> bool:
    """'had to' after 'you shouldn't have': what the customer was made to do ("you shouldn't have had to hunt for
    it"), said on their side; "you should have had it serviced" stays a reproach."""
    following = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return tok.lemma_.lower() == "have" and following is not None and following.lower_ == "to"


def responsibility_shift(sent: Span, language: str, nouns: set[str]) -> tuple[int, int] | None:
    """'C'est votre choix / problème / responsabilité', 'that's your problem': a copula with the customer's
    possessive on a responsibility noun, not negated ('ce n'est pas votre faute' is the opposite)."""
    if sent.text.strip().endswith("?"):
        return None
    toks = list(sent)
    possessive = POSSESSIVE_YOU.get(language, set())
    for i, tok in enumerate(toks):
        if _text(tok) not in possessive:
            continue
        head = next((t for t in toks[i + 1 : i + 3] if t.pos_ in ("NOUN", "PROPN")), None)
        if head is None or head.lemma_.lower() not in nouns:
            continue
        before = toks[max(0, i - 5) : i]
        copula = any(t.lemma_ in ("être", "be", "relever", "rester") or _text(t) in ("c'", "'s") for t in before)
        if copula and not is_negated(before) and not _offers(toks):
            return tok.idx, head.idx + len(head)
    return None


FIRST_PERSON = {"je", "j'", "on", "nous", "i", "we"}


def _offers(toks: list[Token]) -> bool:
    """'C'est votre choix, on peut faire les deux' / 'your call, I can do either': a choice offered, not blame."""
    return any(
        _text(t) in FIRST_PERSON and any(n.lemma_ in ("pouvoir", "can", "could") for n in toks[k + 1 : k + 3])
        for k, t in enumerate(toks)
    )


# The French agent's first-person simple future, by its ending (the tagger reads "je vous rappellerai" as a present and
# "j'enverrai" as an infinitive), and what the agent can do for the customer ("je peux vous faire"): English says
# these with "I'll", "we'll", "I can", which the `commitments` lexicon lists, while French inflects every verb.
FR_FUTURE = {
    "je": re.compile(r"\w+rai$"),
    "j'": re.compile(r"\w+rai$"),
    "nous": re.compile(r"\w+rons$"),
    "on": re.compile(r"\w+ra$"),
}
FR_CLITICS = {"vous", "le", "la", "les", "l'", "lui", "leur", "y", "en", "me", "m'", "nous", "te", "t'", "se", "s'"}
FR_NO_STEP = {"voir", "comprendre", "entendre", "imaginer", "savoir", "dire"}  # "on verra", "je peux comprendre"
FR_NEGATIVE = {"ne", "n'", "rien", "aucun", "aucune", "personne"}


def commits(sent: Span, language: str) -> tuple[int, int] | None:
    """A step the agent takes on, said in French as a first-person future or what they can do for the customer, in a
    declarative and affirmative sentence: "je vous rappellerai jeudi", "nous vous rembourserons la
    différence", "je peux vous faire un avoir" ("I'll call you back" and "I can credit you" are `commitments` phrases
    in English). A step promised on a condition is a step ("s'il n'y est pas demain, on ouvrira une réclamation", as
    "we'll open a claim" is); a threat ("si..., on passera à une réduction de puissance") is told apart by what it
    announces, by the caller (`sanctions`). Not "on verra", "je peux comprendre", a question or a refusal ("on ne
    pourra rien faire"). In English, what the agent can do for the customer in any verb ("we can move the account
    into your name", `_can_do_for_you`), as the phrase list holds only some verbs. Character span from the subject to
    the verb, or None."""
    if sent.text.rstrip().endswith("?"):
        return None
    toks = list(sent)
    if language == "en":
        return _can_do_for_you(toks)
    if language != "fr":
        return None
    for k, tok in enumerate(toks):
        future = FR_FUTURE.get(_text(tok))
        between = toks[k + 1 : k + 7]
        words = [t for t in between if _text(t) not in FR_CLITICS]
        if future is None or not words or words[0].lemma_ in FR_NO_STEP or _text(words[0]).startswith(("verr", "aur")):
            continue  # nor "on verra", nor "je vous aurai prévenu"
        verb = words[0]
        if future.match(_text(verb)):
            step = verb
        elif verb.lemma_ == "pouvoir" and _text(verb) in ("peux", "peut", "pouvons") and len(words) > 1:
            # what the agent can do for the customer ("je peux vous faire un avoir"), not "on peut apprendre à..."
            step = words[1]
            offered = any(_text(t) == "vous" for t in between[: between.index(step)])
            if not offered or "Inf" not in step.morph.get("VerbForm") or step.lemma_ in FR_NO_STEP:
                continue
        else:
            continue
        # The clause's own negation, not one elsewhere in the sentence ("s'il n'y est pas, on ouvrira une réclamation").
        clause = toks[k : step.i - sent.start + 3]
        if not is_negated(clause) and not any(_text(t) in FR_NEGATIVE for t in clause):
            return tok.idx, step.idx + len(step)
    return None


# "je viens de le lever": a step just taken, in any verb; "avoir", "recevoir", "lire" ("je viens d'avoir votre
# collègue", "je viens de lire votre message") and what `FR_NO_STEP` lists take no step for the customer.
FR_JUST = {"je": "viens", "j'": "viens", "nous": "venons", "on": "vient"}
FR_JUST_NO_STEP = FR_NO_STEP | {
    *("avoir", "être", "recevoir", "lire", "apprendre", "remarquer", "constater", "parler"),
    *("expliquer", "répéter", "préciser", "demander"),  # "je viens de vous expliquer que..." reminds, takes no step
}
# The French first-person subjects and their "avoir" ("je l'ai débloquée", "nous l'avons annulée").
FR_PERFECT = {"je": "ai", "j'": "ai", "nous": "avons", "on": "a"}


# "I've just reset your line", "I've unlocked it": a step taken, in any verb but these (what the agent saw, said,
# was told or lived through; "I've just checked" is a look, and "I've made a note of all this on your record" keeps
# the file, not yet a step).
EN_DONE_NO_STEP = {"see", "notice", "hear", "read", "tell", "explain", "say", "realise", "realize", "understand"} | {
    *("be", "have", "get", "receive", "look", "check", "speak", "talk", "ask", "mention", "find", "try", "do", "go"),
    *("lose", "forget", "miss", "fail", "wait", "feel", "think", "hope", "want", "need", "know", "like", "love"),
    *("hate", "experience", "face", "suffer", "struggle", "live", "learn", "deal", "spend", "work", "call"),
    *("make", "note"),
}


def just_did(sent: Span, language: str) -> tuple[int, int] | None:
    """A step the agent has just taken, in any verb: in French the recent past ("je viens de le lever", "on vient de
    vous rembourser", not the verbs of `FR_JUST_NO_STEP`), in English the perfect in "I" ("I've just reset your
    line", "I've unlocked it", not the verbs of `EN_DONE_NO_STEP`; "we've sent you four reminders" recalls what the
    company did), in a statement without negation (English lists only some of these verbs as `commitments`
    phrases). Character span from the subject to the verb."""
    if sent.text.rstrip().endswith("?"):
        return None
    toks = list(sent)
    if language == "en":
        return _perfect_step(toks)
    if language != "fr":
        return None
    for k, tok in enumerate(toks):
        if FR_JUST.get(_text(tok)) is None:
            continue
        words = [t for t in toks[k + 1 : k + 7] if _text(t) not in FR_CLITICS]
        if len(words) < 3 or _text(words[0]) != FR_JUST[_text(tok)] or _text(words[1]) not in ("de", "d'"):
            continue
        verb = words[2]
        infinitive = "Inf" in verb.morph.get("VerbForm") or _text(verb).endswith(("er", "ir", "re"))
        if infinitive and verb.lemma_ not in FR_JUST_NO_STEP and not is_negated(toks[k : verb.i - sent.start]):
            return tok.idx, verb.idx + len(verb)
    return None


def _perfect_step(toks: list[Token]) -> tuple[int, int] | None:
    """ "I've just reset your line": "I", "'ve" / "have", the verb, not in a relative clause (`just_did`)."""
    for k, tok in enumerate(toks[:-2]):
        if _text(tok) != "i" or _text(toks[k + 1]) not in ("'ve", "have") or _relative(toks, k):
            continue
        rest = [t for t in toks[k + 2 : k + 5] if _text(t) not in ("just", "already", "now", "also")]
        verb = rest[0] if rest else None
        # after "I've" the verb is a participle whatever the tagger says ("I've just reset your line": VBD)
        if verb is None or verb.pos_ not in ("VERB", "AUX") or is_negated(toks[k : verb.i - toks[0].i]):
            continue
        if verb.lemma_.lower() not in EN_DONE_NO_STEP or (len(rest) > 1 and _text(rest[1]) == "ahead"):
            return tok.idx, verb.idx + len(verb)  # "I've gone ahead and cancelled it"
    return None


# The verbs of the `commitments` phrases that carry a step ("je signale", "j'ai débloqué"), not their auxiliaries.
# ("on va voir ensemble", "je peux vous le lire" are steps, "je l'ai vu", "je vous le lis" none), nor "rappeler":
# "je vous rappelle demain" is listed, while with another pronoun it reminds ("c'est vingt pour cent, je vous le
# rappelle", a lecture).
FR_NOT_A_STEP_VERB = FR_NO_STEP | {"aller", "pouvoir", "être", "avoir", "vouloir", "devoir", "lire", "rappeler"}


def _relative(toks: list[Token], k: int) -> bool:
    """The subject at `k` opens a relative clause ("le courrier qu'on vous a envoyé", "the letter that I've sent")."""
    return k > 0 and _text(toks[k - 1]) in ("que", "qu'", "that", "which")


def step_verbs(phrases: Iterable[Doc]) -> frozenset[str]:
    """The lemmas of the verbs the French `commitments` phrases (parsed) commit to with a first-person subject: "je
    signale" -> signaler, "j'ai débloqué" -> débloquer, "je vous remets" -> remettre."""
    verbs = set()
    for phrase in phrases:
        toks = [t for t in phrase if _text(t) not in FR_CLITICS]
        if len(toks) < 2 or _text(toks[0]) not in FR_PERFECT:
            continue
        auxiliary = FR_PERFECT[_text(toks[0])]
        verb = toks[2] if _text(toks[1]) == auxiliary and len(toks) > 2 else toks[1]
        if verb.lemma_ in ("pouvoir", "aller") and len(toks) > 2:
            verb = toks[2]  # "je peux vous le renvoyer": the step is the infinitive
        verbs.update(_verb_lemmas(verb))
    return frozenset(verbs)


FIRST_GROUP = re.compile(r"^(\w+?)(?:e|es|ons|ez|ent|é|ée|és|ées|er)$")


def _verb_lemmas(verb: Token) -> set[str]:
    """The tagger's lemma and, for a verb of the first group, the infinitive its ending gives ("rembourse",
    "changée" -> rembourser, changer): spoken French is often tagged as nouns ("je vous la change")."""
    found = FIRST_GROUP.match(_text(verb))
    return {verb.lemma_, *((found.group(1) + "er",) if found else ())}


def step_with_pronouns(sent: Span, verbs: frozenset[str]) -> tuple[int, int] | None:
    """A French step said with its object pronouns, which no phrase list can hold for every verb: "je le signale",
    "je vous la débloque", "on vous le rembourse", "je l'ai débloquée" (`verbs`: the lemmas the `commitments`
    phrases commit to, `step_verbs`). A first-person subject, one or more object pronouns, then the verb, or "avoir"
    and its participle after "je" alone: "on vous a envoyé une mise en demeure" recalls what the company did, and
    "le courrier que je vous ai envoyé" is no step of this call either. Not negated, not a question. Character span
    from the subject to the verb."""
    if sent.text.rstrip().endswith("?"):
        return None
    toks = list(sent)
    for k, tok in enumerate(toks):
        if _text(tok) not in FR_PERFECT:
            continue
        between = toks[k + 1 : k + 5]
        pronouns = [t for t in between if _text(t) in FR_CLITICS]
        words = [t for t in between if _text(t) not in FR_CLITICS]
        if not pronouns or not words or pronouns[0].i > words[0].i or is_negated(toks[k : words[0].i - sent.start]):
            continue
        perfect = _text(words[0]) == FR_PERFECT[_text(tok)] and len(words) > 1
        if perfect and (_text(tok) not in FIRST_PERSON_SINGULAR or _relative(toks, k)):
            continue  # "on vous a envoyé une mise en demeure", "le courrier que je vous ai envoyé": not this call
        verb = words[1] if perfect else words[0]
        lemmas = _verb_lemmas(verb)
        if not verbs.isdisjoint(lemmas) and FR_NOT_A_STEP_VERB.isdisjoint(lemmas):
            return tok.idx, verb.idx + len(verb)
    return None


# What the agent can do that is no step: what they perceive or say ("I can see the payment", "I can tell you"),
# help in general, and "I can only..." (a limit).
EN_CAN_NO_STEP = {"see", "hear", "understand", "imagine", "tell", "say", "assure", "promise", "guarantee", "help"}
EN_CAN_LIMITS = {"all", "what", "that", "which", "much", "anything", "everything", "nothing", "only"}


def _can_do_for_you(toks: list[Token]) -> tuple[int, int] | None:
    """ "We can move the account into your name", "I can send you a copy": "I" / "we", "can", a verb, then the
    customer ("you", "your") within the clause, in an affirmative sentence; not "all I can do is", "there's not much
    I can offer", "I can only...", nor what the agent perceives or says ("I can see your payment")."""
    for k, tok in enumerate(toks[:-2]):
        if _text(tok) not in ("i", "we") or _text(toks[k + 1]) != "can" or (k and _text(toks[k - 1]) in EN_CAN_LIMITS):
            continue
        rest = [t for t in toks[k + 2 : k + 5] if _text(t) not in ("also", "just", "easily", "certainly", "definitely")]
        verb = rest[0] if rest else None
        if verb is None or verb.pos_ != "VERB" or verb.lemma_.lower() in EN_CAN_NO_STEP or _text(verb) == "only":
            continue
        opening = max((j + 1 for j in range(k) if _ends_clause(toks[j])), default=0)
        if is_negated(toks[opening : verb.i - toks[0].i]):  # not "if it doesn't arrive, I can send you another"
            continue
        clause = []
        for t in toks[verb.i - toks[0].i + 1 : verb.i - toks[0].i + 8]:
            if _ends_clause(t):
                break
            clause.append(_text(t))
        if "you" in clause or "your" in clause:
            return tok.idx, verb.idx + len(verb)
    return None


def opens_clause(tok: Token) -> bool:
    """The token starts its sentence (fillers aside) or follows a comma, a dash or a colon."""
    sent = tok.sent if tok.doc.has_annotation("SENT_START") else None
    i = tok.i
    prev = [t for t in tok.doc[sent.start if sent is not None else 0 : i] if _text(t) not in ("euh", "um", "uh")]
    return not prev or prev[-1].text in (",", "-", "–", "—", ":", ";", ".", "!", "...", "…")


def sums_up(so: Token) -> bool:
    """'So' as a discourse marker that introduces what follows as a conclusion or a summary: it opens its sentence,
    fillers and backchannels aside ("Okay, so you've tried twice", "Mm-hmm, right, so you're worried"), or a clause
    after a comma that gives no purpose ("the bill doubled, so you're stuck", not "..., so you can switch"). Not
    the 'so' inside a clause ("just so you know", "I'll send it so you can check") nor the filler "so, you know,"."""
    after = [t for t in so.doc[so.i + 1 : so.i + 4] if t.text != ","]
    if len(after) >= 2 and _text(after[1]) in ("know", "see"):
        following = so.doc[after[1].i + 1 : after[1].i + 2]
        if not following or not following[0].is_alpha or _text(following[0]) == "what":
            return False
    sent = so.sent if so.doc.has_annotation("SENT_START") else so.doc[:]
    before = [t for t in so.doc[sent.start : so.i] if _text(t) not in FILLER_WORDS | BACKCHANNELS]
    if not before or all(not t.is_alpha for t in before):
        return True
    opens = before[-1].text in (",", "-", "–", "—", ":", ";", "...", "…")
    return opens and not (len(after) >= 2 and _text(after[1]) in PURPOSE_MODALS)


PURPOSE_MODALS = {"can", "could", "will", "'ll", "would", "'d", "may", "might", "wo", "ca"}
# What a listener says before summing up ("Mm-hmm, right, I see, so you..."), besides FILLER_WORDS.
BACKCHANNELS = {"and", "mm", "hmm", "mhm", "uh", "huh", "right", "all", "alright", "i", "see", "ah", "sure", "great"}


# Between "you" and the verb ("you just need to"); French puts its adverbs after the verb ("vous devez vraiment").
INSIST_ADVERBS = {"just", "really", "still", "absolutely", "definitely", "seriously", "simply", "actually", "truly"}
# What follows "you" (adverbs aside) when the customer is told what they must do, as the tokenizer splits it
# ("you're gonna have to" is you / 're / gon / na / have / to).
EN_OBLIGATION = re.compile(
    r"^(?:(?:need|needs|have|'ve got|have got|got|ought|'ll have|will have|'re going to have|are going to have"
    r"|'re gon na have|are gon na have) to|got ta|must|should|'d better|had better|better)\b"
)
EN_PAST_MODAL = re.compile(r"^(?:should|must|ought to) (?:have|'ve)\b")  # "you should have called": should_have
FR_MUST_LATER = {"faut", "faudrait", "faudra", "falloir"}  # il faut / faudrait / faudra / va falloir que vous...
QUESTION_OPENERS = {"do", "did", "does", "don't", "didn't"}  # "est-ce que vous devez": "que" opens a clause


def insists(sent: Span, language: str) -> tuple[int, int] | None:
    """'You need to quit', 'you just have to put the time in', "you're gonna have to", 'vous devez arrêter', 'vous
    allez devoir', 'il faut que vous y alliez': the customer told what they must do, as a statement in a main clause.
    Not a question ('do you need to...?'), not reported or subordinate ('to be told that you have to give up your
    dog', 'something you need to worry about', 'if you need to call back'), not a suggestion that leaves the choice
    ('you could try', 'vous pourriez')."""
    if sent.text.strip().endswith("?"):
        return None
    toks = list(sent)
    you = YOU.get(language, set())
    for i, tok in enumerate(toks):
        if _text(tok) in FR_MUST_LATER and tok.lemma_ == "falloir":
            rest = [_text(t) for t in toks[i + 1 : i + 4]]
            opens = next((k for k in range(i, max(-1, i - 3), -1) if _text(toks[k]) == "il"), i)
            if rest[:1] == ["que"] and any(r in you for r in rest[1:]) and _main_clause(toks, opens):
                end = toks[min(i + 3, len(toks) - 1)]  # "faut que vous alliez"
                return tok.idx, end.idx + len(end)
            continue
        if _text(tok) not in you or (i > 0 and _text(toks[i - 1]) in QUESTION_OPENERS) or _quoted(tok):
            continue
        j = i + 1
        while j < len(toks) and _text(toks[j]) in (*INSIST_ADVERBS, "ne", "n'"):
            j += 1
        length = _obligation(toks[j : j + 7], language)
        if length and _main_clause(toks, i):
            end = toks[min(j + length, len(toks) - 1)]  # "you need to quit"
            return tok.idx, end.idx + len(end)
    return None


def _obligation(toks: list[Token], language: str) -> int:
    """How many of these tokens say "must" ("need to", "'re gon na have to", "devez", "allez devoir", "feriez
    mieux"), 0 if they do not."""
    if language == "fr":
        words = [_text(t) for t in toks]
        if toks and toks[0].lemma_ == "devoir" and not words[0].startswith("dû"):
            return 1
        if len(toks) > 1 and toks[0].lemma_ == "aller" and toks[1].lemma_ == "devoir":
            return 2
        return 2 if words[:2] in (["feriez", "mieux"], ["ferais", "mieux"]) else 0
    text = " ".join(_text(t) for t in toks)
    match = EN_OBLIGATION.match(text)
    if match is None or EN_PAST_MODAL.match(text):
        return 0
    return len(match.group(0).split())


def _quoted(tok: Token) -> bool:
    """The token is inside quotation marks: someone else's words ('the next doctor saying, "You need to quit
    smoking, David."'). Read over the whole segment: a parser may end the sentence at the opening mark."""
    inside = False
    for t in tok.doc[: tok.i]:
        if t.text == '"':
            inside = not inside
        elif t.text in ("“", "«"):
            inside = True
        elif t.text in ("”", "»"):
            inside = False
    return inside


def _main_clause(toks: list[Token], i: int) -> bool:
    """The clause the word at `i` opens (read back to a comma or an 'and' / 'so' / 'but') is the sentence's main
    clause, or what the agent gives as their own view ('I think you need to...', 'je pense que vous devez...'):
    not reported ('told that you have to...'), not relative ('something you need to...') nor conditional ('if you
    need to call back'). Read from word order: the English scoring pipeline has no parser."""
    before: list[str] = []
    for tok in reversed(toks[:i]):
        word = _text(tok)
        if word in CLAUSE_BOUNDARIES:
            break
        before.insert(0, word)
    for k, word in enumerate(before):
        if word in SUBORDINATORS:
            opinion = k >= 2 and before[k - 1] in OPINION_VERBS and before[k - 2] in FIRST_PERSON_SINGULAR
            if not (word in ("that", "que", "qu'") and opinion):
                return False
    # A clause with a subject of its own before "you" is another clause ("something you need to", "the way you
    # have to"), unless it is the agent's opinion ("I think you need to").
    if before and before[-1] not in OPINION_VERBS and before[-1] not in ("that", "que", "qu'", *FILLER_WORDS):
        return not any(t.isalpha() for t in before if t not in FILLER_WORDS)
    return True


CLAUSE_BOUNDARIES = {",", ";", ":", "—", "–", "-", ".", "!", "and", "so", "but", "et", "mais", "donc", "alors"}
# Words that open a clause the directive is part of: conditions, relatives, reported speech.
SUBORDINATORS = {
    *("if", "when", "whenever", "unless", "that", "which", "who", "whom", "what", "where", "how", "why", "because"),
    *("since", "whether", "before", "after", "until", "once", "told", "said", "say", "says", "tell", "tells"),
    *("si", "s'", "quand", "lorsque", "que", "qu'", "qui", "dont", "où", "parce", "puisque", "avant", "après"),
    *("dit", "disait", "dire", "comment", "pourquoi"),
}
OPINION_VERBS = {"think", "feel", "believe", "guess", "pense", "crois", "trouve"}
FIRST_PERSON_SINGULAR = {"i", "je", "j'"}
# Words that add nothing to a clause's opening ("Well, honestly, you need to...", "Bon, ben, il faut que vous...").
FILLER_WORDS = {
    *("well", "um", "uh", "oh", "okay", "ok", "yeah", "yes", "no", "look", "honestly", "really", "now", "then"),
    *("euh", "bon", "ben", "bah", "oui", "non", "ouais", "écoutez", "voilà", "là", "maintenant", "vraiment"),
    *("honnêtement", "franchement"),
}
BUT = {"but", "mais"}


def opens_on_but(sent: Span) -> bool:
    """The sentence opens on "but" / "mais", fillers aside ("Well, but I don't have the time", "Bah mais non")."""
    words = [_text(t) for t in sent if t.is_alpha]
    while words and words[0] in FILLER_WORDS:
        words.pop(0)
    return bool(words) and words[0] in BUT


# A naming of the hardship: "that must be so stressful", "it's a difficult time for you", "ça doit être épuisant",
# "c'est une situation très stressante": a copula or a verb of appearance ("sounds", "semble") before a word that
# says how hard the thing is to live through (`hardship` lexicon), in the same clause.
COPULAS = {"be", "sound", "seem", "look", "être", "sembler", "paraître", "air"}  # "ça a l'air pénible"
# Modals and verbs of appearance that make "hard" / "difficult" a guess at what the customer lives through ("it must
# be hard to...") rather than a fact about a task ("it's hard to say when", "c'est difficile de vous donner une date").
SURMISE = {"must", "can", "could", "might", "may", "will", "'ll", "would", "'d", "ca", "wo", "sound", "seem", "look"}
SURMISE |= {"devoir", "pouvoir", "aller", "sembler", "paraître"}
KNOWING = {"know", "savoir"}  # "I know it's hard to ask for help", "je sais que c'est dur de..."
EXCLAMATIONS = {"what", "how", "quel", "quelle", "quels", "quelles"}
COMPARING = {"more", "less", "most", "least", "plus", "moins"}
HARDSHIP_WINDOW = 6


def names_the_hardship(adjective: Token, tag: str | None = None) -> tuple[int, int] | None:
    """'That must be so stressful' / 'ça doit être épuisant': the character span from the clause's subject (or its
    copula) to the hardship word (its noun where it qualifies one: "a scary conversation"), or None. The clause must
    not be negated ("it's not that hard", "c'est pas si compliqué" play it down), its subject must be the situation
    ("that", "it", "ça": `SITUATION`), not the customer, the agent or a thing in general, and it must not be a
    question. A `general` word ("hard", "difficult", "dur") counts before an infinitive only after a modal or a verb
    of appearance, or after "I know": "it must be hard to juggle both" names the hardship, "it's hard to say when it
    will arrive" does not. A `litotes` word ("easy", "facile", "évident") names it only negated: "I know it's not
    easy to call about this", "ce n'est pas évident". Read from word order and parts of speech (the English pipeline
    runs without its parser). `tag` is the word's tag in the `hardship` lexicon."""
    general, litotes = tag in ("general", "litotes"), tag == "litotes"
    sent = adjective.sent
    if sent.text.strip().endswith("?"):
        return None
    window: list[Token] = []
    for tok in reversed(list(adjective.doc[max(sent.start, adjective.i - HARDSHIP_WINDOW) : adjective.i])):
        if _ends_clause(tok):
            break
        window.insert(0, tok)
    exclaimed = any(_text(t) in EXCLAMATIONS for t in window[:2])
    at = next((k for k, t in enumerate(window) if t.lemma_.lower() in COPULAS or _text(t) == "'s"), None)
    if (at is None and not exclaimed) or is_negated(window) is not litotes:
        return None
    if adjective.tag_ in ("JJR", "JJS") or any(_text(t) in COMPARING for t in window[-2:]):
        return None  # "it is much harder", "le plus dur": a comparison, not the situation named
    subject = None
    if at is not None:
        subject = next((t for t in reversed(window[:at]) if not _leads_to_copula(t)), None)
        if subject is None or _about_an_activity(subject):
            return None
        if _text(subject) not in SITUATION:
            lived = None if general else _a_time_lived(window[:at])
            if lived is None:
                return None
            subject = lived
    after = adjective.doc[adjective.i + 1 : adjective.i + 2]
    infinitive = bool(after) and (_text(after[0]) in ("to", "de", "d'", "à") or after[0].tag_ == "VBG")
    surmised = any(t.lemma_.lower() in SURMISE | KNOWING or _text(t) in SURMISE for t in window)
    if general and infinitive and not surmised:
        return None
    start = window[0].idx if exclaimed else min(t.idx for t in (subject, window[at]) if t is not None)
    end = after[0] if after and after[0].pos_ == "NOUN" else adjective  # "a scary conversation"
    if general and end is not adjective and end.lemma_.lower() not in TIMES:  # "a difficult condition", "a tough one"
        return None
    if infinitive:  # what is hard is part of the naming: "it must be hard to juggle both", up to the clause's end
        for tok in adjective.doc[adjective.i + 1 : sent.end]:
            if _ends_clause(tok) and _text(tok) != "and":
                break
            end = tok
    return start, end.idx + len(end)


# The situation the customer is in, as the subject of its naming ("that must be hard", "ça doit être épuisant"): not
# the customer or the agent ("you're being difficult"), nor a thing described in general ("breastfeeding can be
# painful at first, often because of the latch" informs, labelled cold in the own set).
SITUATION = {"that", "it", "this", "all", "ça", "cela", "c'", "ce", "ceci", "tout"}
# What a `general` word may qualify to name a hard time ("a difficult time for you", "une période difficile"), not a
# hard thing ("a difficult condition", "a tough one").
TIMES = {"time", "situation", "position", "period", "moment", "spot", "week", "day", "year", "experience", "patch"}
TIMES |= {"période", "passage", "épreuve", "semaine", "journée", "année"}  # "moment", "situation", "position" above


LIVED_THROUGH = {"of", "without", "with", "de", "d'", "sans", "avec"}


def _a_time_lived(subject: list[Token]) -> Token | None:
    """The first word of a subject that is a stretch of time the customer lived through, named with what filled it
    ("a week of slow internet is frustrating", "three days without heating is awful"): the situation itself, said
    the way "that" says it. Only for a specific hardship word ("frustrating", not "hard": "the first week of
    training is hard")."""
    for k, (tok, nxt) in enumerate(zip(subject, subject[1:], strict=False)):
        if tok.lemma_.lower() in TIMES | {"month", "hour", "mois", "heure"} and _text(nxt) in LIVED_THROUGH:
            return subject[k - 1] if k and subject[k - 1].pos_ in ("DET", "NUM") else tok
    return None


def _about_an_activity(subject: Token) -> bool:
    """The subject stands for an activity set out before it, an infinitive or a gerund phrase with no finite verb,
    in the same clause ("keeping up with all of it is too tiring") or before a comma ("se faire aider, c'est
    effrayant", "demander de l'aide, c'est effrayant"): what is named is hard in general, not what the customer
    lives through."""
    start = subject.i - 1 if subject.i > subject.sent.start and subject.doc[subject.i - 1].text == "," else subject.i
    phrase = []
    for tok in reversed(list(subject.doc[max(subject.sent.start, start - 9) : start])):
        if _text(tok) in CLAUSE_BOUNDARIES | SUBORDINATORS:
            break
        phrase.append(tok)
    forms = [f for t in phrase for f in t.morph.get("VerbForm")]
    return ("Inf" in forms or any(t.tag_ == "VBG" for t in phrase)) and "Fin" not in forms


def _leads_to_copula(tok: Token) -> bool:
    """A word between a subject and its copula: an auxiliary, an adverb, a modal ("ça doit être"), the "l'" of
    "avoir l'air"."""
    modal = tok.pos_ == "VERB" and tok.lemma_.lower() in SURMISE | {"avoir"}
    return tok.pos_ in ("AUX", "ADV", "PART") or modal or _text(tok) == "l'"


def _ends_clause(tok: Token) -> bool:
    """A clause boundary, but not the "so" of "so hard" / "so frustrating"."""
    nxt = tok.doc[tok.i + 1 : tok.i + 2]
    intensifier = _text(tok) == "so" and bool(nxt) and nxt[0].pos_ in ("ADJ", "ADV")
    return (_text(tok) in CLAUSE_BOUNDARIES - {"-"} and not intensifier) or tok.text in ("?", "!")

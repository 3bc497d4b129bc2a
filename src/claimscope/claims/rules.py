"""Rule-based attribution extraction over the spaCy dependency parse.

Finds who (source) says (cue) what (content) in the forms news text uses:

- reporting verbs with a subject and a clausal or nominal complement:
  "the ministry *dismissed* allegations that ...", "X *said* (that) ...", "X *blamed* Y for Z",
  "X *estimates* that ...", "X *urged* Y to ...", also "Y, X said." and "stating that ..."
  (the subject is inherited from the governing clause);
- direct quotations, including ones spread over several sentences and closed by
  "..., the statement pointed out.";
- "according to X, ..." and "..., according to X";
- anonymous forms: "it is claimed that ...", "according to reports ...", "sources said", and
  embedded allegations ("allegations that forces used gas", "claims that helicopters dropped ...").

Offsets are character offsets into ``doc.text``. The result is a list of
:class:`~claimscope.claims.attribution.Attribution`, ordered by cue position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from claimscope.claims.attribution import Attribution, Range

# Reporting verbs (lemmas). Kept broad: the claim-type classifier decides what act each is.
CUE_VERBS = frozenset("""
say tell state add note point stress explain announce report write reply respond affirm reaffirm
reiterate confirm declare insist maintain argue assert emphasize emphasise underline indicate mention describe
claim allege accuse blame charge deny dismiss reject refute rebuff contest dispute estimate warn predict threaten
urge demand appeal ask condemn document conclude believe suggest acknowledge admit concede recall tweet post
testify complain boast vow pledge promise caution call label brand term hold publish find show reveal
""".split())
# Verbs that only count with a clausal complement (too common otherwise).
NEEDS_CLAUSE = frozenset({"believe", "find", "show", "reveal", "hold", "call", "publish", "add", "note",
                          "recall", "conclude", "acknowledge", "suggest", "indicate", "mention", "explain"})
# Nouns that carry an embedded, unattributed claim: "allegations that ...".
CLAIM_NOUNS = frozenset({"allegation", "claim", "accusation", "report", "assertion", "suggestion", "charge", "rumour",
                         "rumor"})
# "according to reports": heads that name no one in particular.
VAGUE_SOURCES = frozenset({"report", "reports", "source", "sources", "media", "account", "accounts", "witness",
                           "witnesses", "resident", "residents", "activist", "activists", "observer", "observers",
                           "estimate", "estimates", "people", "some", "many", "others", "rumour", "rumours"})
DOCUMENT_NOUNS = frozenset({"statement", "letter", "report", "communique", "communiqué", "declaration", "message",
                            "note", "memo", "document", "release", "cable", "post", "tweet", "bulletin"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})

_OPEN_QUOTES = "“\"«„‘"
_CLOSE_FOR = {"“": "”", "\"": "\"", "«": "»", "„": "“", "‘": "’"}
_EDGE = " \t\n,;:—–-"


def quote_regions(text: str) -> list[Range]:
    """Character ranges of quotations, quote marks included (“...”, "...", «...»)."""
    regions: list[Range] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "“«„" or (ch == '"' and (i == 0 or not text[i - 1].isalnum())):
            close = _CLOSE_FOR[ch]
            j = text.find(close, i + 1)
            if ch == '"' and j != -1:
                pass
            # a quote rarely spans more than a few paragraphs; unbalanced marks are ignored
            if j != -1 and j - i < 4000:
                regions.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return regions


_TRAILING_WORDS = re.compile(r"(?:[\s,;]+(?:and|or|but|while|as|which))+\s*$", re.IGNORECASE)


def _trim(text: str, start: int, end: int) -> Range:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE + ".":
        end -= 1
    m = _TRAILING_WORDS.search(text, start, end)
    if m and m.end() == end:
        end = m.start()
    # keep a closing quote mark that follows a trimmed full stop: “... things.”
    return start, end


def _span_of(tokens: Iterable) -> Range:
    tokens = list(tokens)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _subtree_range(token, exclude: Iterable = ()) -> Range:
    """Character range of a token's subtree, leaving out the subtrees of ``exclude`` at its edges."""
    excluded = set()
    for ex in exclude:
        excluded |= {t.i for t in ex.subtree}
    toks = [t for t in token.subtree if t.i not in excluded]
    if not toks:
        return token.idx, token.idx + len(token.text)
    return _span_of(toks)


def _source_np(token) -> Range:
    """The noun phrase of a subject, without trailing relative clauses that begin far away."""
    cut = [c for c in token.children if c.dep_ in ("relcl", "acl") and c.i > token.i and
           len(list(c.subtree)) > 8]
    return _subtree_range(token, cut)


_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Za-z .]+)?,?\s*(?:\([A-Za-z .]+\))?\s*[-–—:]+\s*")


def clean_source(text: str, span: Range) -> Range:
    """Drop datelines ("DAMASCUS, (ST)- Syria"), text before a paragraph break, edge punctuation."""
    start, end = span
    piece = text[start:end]
    brk = piece.rfind("\n")
    if brk != -1:
        start += brk + 1
        piece = text[start:end]
    m = _DATELINE.match(piece)
    if m and m.end() < len(piece):
        start += m.end()
    return _trim(text, start, end)


def doc_text(doc) -> str:
    """``doc.text``, computed once per Doc: spaCy rebuilds the string from every token on each
    access, which made the rules quadratic in article length."""
    text = doc.user_data.get("claimscope.text")
    if text is None:
        text = doc.user_data["claimscope.text"] = doc.text
    return text


def _skip_dateline(token):
    """A subject parsed inside a dateline ("DAMASCUS, (ST)- Syria has ...") moves to the real one."""
    doc = token.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, token.idx) + 1
    m = _DATELINE.match(text[line_start:line_start + 80])
    if not m or token.idx >= line_start + m.end():
        return token
    after = line_start + m.end()
    for candidate in doc[token.i:]:
        if candidate.idx >= after and candidate.pos_ in ("PROPN", "NOUN", "PRON"):
            return candidate
    return token


def _minimal_np(token) -> Range:
    tokens = [token] + [c for c in token.lefts if c.dep_ in ("det", "compound", "amod", "poss", "nummod")]
    return _span_of(sorted(tokens, key=lambda t: t.i))


def _infinitival(verb) -> bool:
    return verb.dep_ in ("xcomp", "advcl", "acl", "relcl", "ccomp") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _subject(verb):
    """The subject of a verb, climbing through 'stating that', 'and added', 'saying'."""
    node = verb
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if subjects:
            # a quotation before the cue sometimes yields a second "subject" inside the quote:
            # the one nearest the verb is the speaker
            return min(subjects, key=lambda c: abs(c.i - node.i))
        if node.dep_ in ("advcl", "conj", "xcomp", "pcomp") and node.head is not node:
            head = node.head
            # "X denied that A used gas, describing ..." / "X warned that A ..., and held ...":
            # the participle or conjunct hangs off the reported clause but belongs to X
            if head.lemma_ not in CUE_VERBS and head.dep_ == "ccomp" and head.head.lemma_ in CUE_VERBS:
                head = head.head
            node = head
            continue
        return None
    return None


def _agent(verb):
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _cue_range(verb) -> Range:
    tokens = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    if verb.lemma_ == "call" and any(c.dep_ == "prep" and c.lower_ in ("on", "for") for c in verb.children):
        tokens += [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "for")]
    tokens.sort(key=lambda t: t.i)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _content_children(verb):
    keep = []
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp", "dobj", "attr", "oprd", "acomp", "dative", "parataxis") and child.i > verb.i:
            keep.append(child)
        elif child.dep_ == "ccomp" and child.i < verb.i:
            keep.append(child)
        elif child.dep_ == "prep" and child.i > verb.i and child.lower_ in ("for", "of", "about", "on", "as", "that", "over", "against"):
            if verb.lemma_ in ("blame", "accuse", "charge", "hold", "warn", "call", "describe", "brand", "label", "condemn",
                               "urge", "appeal", "ask", "talk", "speak", "complain"):
                keep.append(child)
        elif child.dep_ == "advcl" and child.i > verb.i and verb.lemma_ in ("accuse", "blame") and child.tag_ == "VBG" \
                and child.lemma_ not in CUE_VERBS:
            keep.append(child)
    if verb.lemma_ in ("tell", "inform", "assure", "remind", "brief", "notify", "say") and \
            any(c.dep_ in ("ccomp", "xcomp") and c.i > verb.i for c in keep):
        first_clause = min(c.i for c in keep if c.dep_ in ("ccomp", "xcomp") and c.i > verb.i)
        # "told reporters that ...", "told a briefing that ...": the addressee is not content
        keep = [c for c in keep if not (c.dep_ in ("dobj", "dative", "prep") and c.i < first_clause)]
    return keep


def _separate_statements(children) -> list:
    """Reporting verbs nested in a content clause without their own subject ("..., describing X",
    "... and held Y responsible") are separate attributions of the same speaker."""
    out = []
    for child in children:
        for tok in child.subtree:
            if tok is child or tok.lemma_.lower() not in CUE_VERBS or tok.dep_ not in ("advcl", "conj"):
                continue
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
                continue
            if tok.dep_ == "advcl" and tok.tag_ != "VBG":
                continue
            out.append(tok)
    return out


def _negated(verb) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def extract_attributions(doc) -> list[Attribution]:
    """All attributions in a parsed spaCy ``Doc`` (see the module docstring)."""
    text = doc_text(doc)
    quotes = quote_regions(text)
    found: list[Attribution] = []
    seen_cues: set[Range] = set()

    def add(att: Attribution) -> None:
        if att.cue in seen_cues or att.content[1] <= att.content[0]:
            return
        seen_cues.add(att.cue)
        found.append(att)

    for token in doc:
        lemma = token.lemma_.lower()
        # ---- "according to X" -------------------------------------------------------
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            to = doc[token.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if not objects:
                continue
            source_tok = objects[0]
            phrase_start = token.idx
            phrase_end = _subtree_range(to)[1]
            sent = token.sent
            # content: the rest of the sentence around the "according to" phrase
            before = _trim(text, sent.start_char, phrase_start)
            after = _trim(text, phrase_end, sent.end_char)
            content = after if (after[1] - after[0]) >= (before[1] - before[0]) else before
            vague = source_tok.lemma_.lower() in VAGUE_SOURCES and not any(t.pos_ == "PROPN" for t in source_tok.subtree)
            source = None if vague else _source_np(source_tok)
            add(Attribution(cue=(token.idx, to.idx + len(to.text)), content=content, source=source,
                            source_kind="anonymous" if vague else "named",
                            quote_type=_quote_type(content, quotes),
                            extra={"cue_lemma": "according to", "source_mention": text[slice(*_source_np(source_tok))]}))
            continue
        # ---- embedded claims: "allegations that government forces used gas" ---------
        if token.pos_ == "NOUN" and lemma in CLAIM_NOUNS:
            clause = [c for c in token.children if c.dep_ in ("acl", "ccomp") and c.i > token.i
                      and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)]
            if clause and not any(c.dep_ == "poss" for c in token.children):
                content = _trim(text, *_subtree_range(clause[0]))
                mark = [g for g in clause[0].children if g.dep_ == "mark" and g.lower_ == "that"]
                if mark:
                    content = (mark[0].idx, content[1])
                add(Attribution(cue=(token.idx, token.idx + len(token.text)), content=content, source=None,
                                source_kind="anonymous", quote_type=_quote_type(content, quotes), score=0.6,
                                extra={"cue_lemma": lemma, "embedded": True}))
            continue
        # ---- reporting verbs ----------------------------------------------------------
        if token.pos_ not in ("VERB", "AUX") or lemma not in CUE_VERBS:
            continue
        if token.dep_ in ("amod", "compound", "acl") and lemma != "claim":
            continue
        if _infinitival(token) and token.head.lemma_ not in ("go", "continue", "proceed"):
            continue  # "aiming to accuse ...", "urged the council to condemn ...": not a statement made
        children = _content_children(token)
        clausal = [c for c in children if c.dep_ in ("ccomp", "xcomp", "parataxis")]
        holds_responsible = lemma == "hold" and any(
            t.lemma_.lower() in ("responsible", "accountable") for c in token.children for t in c.subtree)
        if lemma in NEEDS_CLAUSE and not clausal and not (lemma == "call" and children) and not holds_responsible:
            if not (lemma in ("add", "note") and _adjacent_quote(token, quotes)):
                continue
        passive = _is_passive(token)
        subject = _subject(token)
        source: Range | None = None
        source_kind = "named"
        source_tok = None
        if passive:
            agent = _agent(token)
            if agent is not None:
                source_tok = agent
            elif subject is not None and subject.lower_ == "it":
                source_kind = "anonymous"  # "it is claimed that ..."
            elif subject is not None and lemma in ("accuse", "blame", "charge"):
                # "the militants have been accused of staging ...": the accuser is unnamed
                source_kind = "anonymous"
            elif subject is not None:
                continue  # "was reported missing" and the like
        else:
            source_tok = subject
        if source_tok is not None:
            source_tok = _skip_dateline(source_tok)
            if source_tok.lower_ in ("that", "which", "who") and source_tok.head.dep_ == "relcl":
                source_tok = source_tok.head.head  # "the ministry, which said ..."
            source = _source_np(source_tok)
            if source[0] <= token.idx < source[1]:
                source = _minimal_np(source_tok)
            source = clean_source(text, source)
            if source_tok.lemma_.lower() in VAGUE_SOURCES and not any(t.pos_ == "PROPN" for t in source_tok.subtree):
                source_kind = "anonymous"
        elif source_kind == "named":
            continue  # no one says it: an imperative or a fragment
        content: Range | None = None
        if children:
            nested = _separate_statements(children)
            ranges = [_subtree_range(c, [n for n in nested if n.i > c.i]) for c in children]
            content = _trim(text, min(r[0] for r in ranges), max(r[1] for r in ranges))
        elif token.dep_ in ("parataxis", "ccomp") and token.i > token.head.i:
            # "Y, X said." parsed with the content as the head
            sent = token.sent
            start_tok = min(source_tok.left_edge.i if source_tok is not None else token.i, token.i)
            content = _trim(text, sent.start_char, doc[start_tok].idx)
        quote = _adjacent_quote(token, quotes, source_tok)
        if quote is not None and (content is None or _overlaps(content, quote) or content[1] <= quote[0] + 2):
            if content is None or content[0] >= quote[0] - 1:
                content = quote  # the whole quotation, even across sentences
        if content is None:
            continue
        # the content must not swallow the source or the cue
        if source is not None and content[0] < source[0] < content[1]:
            content = _trim(text, content[0], source[0])
        cue = _cue_range(token)
        if content[0] <= cue[0] < content[1]:
            if cue[0] - content[0] > content[1] - cue[1]:
                content = _trim(text, content[0], cue[0])
            else:
                content = _trim(text, cue[1], content[1])
        content = clean_source(text, content)
        if content[1] - content[0] < 3 or len(text[content[0]:content[1]].split()) < 2:
            continue
        add(Attribution(cue=cue, content=content, source=source, source_kind=source_kind,
                        quote_type=_quote_type(content, quotes),
                        extra={"cue_lemma": lemma, "negated": _negated(token), "passive": passive,
                               "medium": _medium(token)}))
    found.sort(key=lambda a: a.cue)
    return found


def _adjacent_quote(verb, quotes: list[Range], source_tok=None) -> Range | None:
    """A quotation ending just before the cue clause ("“...,” the ministry said") or starting
    right after it ("he said: “...”")."""
    if not quotes:
        return None
    left = verb.idx
    if source_tok is not None:
        left = min(left, source_tok.left_edge.idx)
    right = verb.idx + len(verb.text)
    text = doc_text(verb.doc)
    for start, end in quotes:
        if 0 <= left - end <= 3 and text[end:left].strip(" ,") == "":
            return start, end
        gap = text[right:start]
        if 0 <= start - right <= 3 and gap.strip(" :,") == "":
            return start, end
        if end <= left and left - end <= 3:
            return start, end
    return None


def _overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _quote_type(content: Range, quotes: list[Range]) -> str:
    inside = [q for q in quotes if _overlaps(q, content)]
    if not inside:
        return "indirect"
    covered = sum(min(q[1], content[1]) - max(q[0], content[0]) for q in inside)
    if covered >= (content[1] - content[0]) - 2:
        return "direct"
    return "mixed"


def _medium(verb) -> str | None:
    """ "said in two letters addressed to ..." -> the document the claim was made in."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "through", "via"):
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.lemma_.lower() in DOCUMENT_NOUNS:
                    start, end = _subtree_range(obj)
                    return doc_text(verb.doc)[start:end]
    return None


_WS = re.compile(r"\s+")

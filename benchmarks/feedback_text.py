"""What a feedback message says: the text a student reads, whether it names a mistake, and which
canonical mistakes it claims (the vocabulary of issue 15 / notes/checker-design.md).

A message *names the mistake* when it contains one of the phrases the wrong answer lists. It is
*misleading* when it claims a canonical mistake the answer does not have: each claim below is a
pattern specific enough that a message matching it asserts that mistake (a bare "shape" or
"tensor" is not a claim: those words describe any value). Text that states no finding is read
past: a case's note in brackets after the call (``f(x=...) [a factor of 0]: ...`` names the
input, not a mistake), a value's state in parentheses (``(requires_grad=False)``), and the factor
of a mean taken instead of a sum, which is that one claim (``factor of 1/N (mean instead of
sum?)``).
"""

import re

# canonical mistake -> the pattern whose presence in a message claims it (case-insensitive)
CLAIMS: dict[str, str] = {
    "factor": r"\bfactor of\b",
    "sign": r"(?<![\w.])signs?\b",
    "transpose": r"transpos|\bpermuted\b",
    "size1": r"size-1 dim",
    "wrong_dim": r"\bwrong dim",
    "mean_sum": r"mean instead of sum|sum instead of mean",
    "off_by_one": r"\boff[ -]by[ -]one\b",
    "dtype": r"\bdtype\b(?!=)",
    "number_type": r"\bpython (float|int|number)\b",
    "modified_input": r"\b(modified|changed|mutated) (its|the|your|an?) (own )?input|"
                      r"\binput (was|is|has been) (modified|changed)",
    "gradient": r"requires_grad|\b(left|leaves|leaving) a gradient|\bgradient (left|remains|stays)",
    "graph": r"\b(autograd |computation(al)? )?graph\b",
    "second_call": r"\bsecond call\b|\bbetween calls\b",
    "forbidden": r"\bmust not call\b",
    "not_solved": r"\bnot solved\b",
}
# mistakes a message may always state: they describe the observed value, not a cause
DESCRIPTIVE = frozenset({"shape", "return_type", "raised"})
MISTAKES = frozenset(CLAIMS) | DESCRIPTIVE

_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in CLAIMS.items()}
# text that is no claim: a case note between the call and its finding, a tensor's state, and the
# "factor of" that only quantifies a mean-for-sum claim (the rest of that claim is kept)
_NOT_CLAIMS = (
    (re.compile(r"\) \[[^\[\]\n]*\]:"), "):"),
    (re.compile(r"\(requires_grad=(True|False)\)"), ""),
    (re.compile(r"\bfactor of ([^\s;:()]+( = [^\s;:()]+)?) (?=\((mean instead of sum|"
                r"sum instead of mean)\?\))", re.IGNORECASE), ""),
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PYTHON_TRACEBACK = ("Traceback (most recent call last)", "Cell In[", 'File "', "-----")


def output_text(outputs: list[dict]) -> str:
    """The text a student reads from a cell's outputs: streams, results, and the error.

    A Python traceback is left out (its code lines quote the test cell's own hint strings, which
    the student did not get as a message); a traceback a check rendered itself
    (``_render_traceback_``) is the message, and is kept.
    """
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(output.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif kind == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
            lines = [_ANSI.sub("", line) for line in output.get("traceback", [])]
            if not any(marker in line for line in lines for marker in _PYTHON_TRACEBACK):
                parts.extend(lines)
    return "\n".join(part.rstrip("\n") for part in parts if part)


def names_mistake(text: str, phrases: list[str] | tuple[str, ...]) -> bool:
    """Whether ``text`` contains any of ``phrases`` (case-insensitive)."""
    lowered = text.lower()
    return any(phrase.lower() in lowered for phrase in phrases)


def claims_text(text: str) -> str:
    """``text`` without what states no finding (case notes, a tensor's state, see above)."""
    for pattern, replacement in _NOT_CLAIMS:
        text = pattern.sub(replacement, text)
    return text


def claimed_mistakes(text: str) -> set[str]:
    """The canonical mistakes that ``text`` claims."""
    text = claims_text(text)
    return {name for name, pattern in _COMPILED.items() if pattern.search(text)}


def misleading_claims(text: str, mistakes: list[str] | tuple[str, ...]) -> set[str]:
    """The canonical mistakes ``text`` claims that are not among the answer's ``mistakes``."""
    return claimed_mistakes(text) - set(mistakes) - DESCRIPTIVE

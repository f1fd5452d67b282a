#!/usr/bin/env python3
"""Checks editors/vscode/syntaxes/velo.tmLanguage.json against every example rule file.

A small TextMate tokenizer (match / begin-end rules, captures, includes; the earliest
match wins, the end pattern first on a tie) applies the grammar line by line with Python's
`re`, so the grammar must keep to the regex subset both Oniguruma and `re` understand.

The expected tokens come from elsewhere: the token regexes of Grammar/velo.lark (the
normative grammar) -- COMMENT, STRING, DATE, DURATION, PERCENT, NUMBER and the reserved
words -- applied by an independent scanner. Every character of each such token must get
its scope:

  comments      comment.line.number-sign.velo
  strings       string.quoted.double.velo ({...} inside also meta.interpolation.velo)
  dates         constant.other.date.velo
  durations     constant.numeric.duration.velo
  percentages   constant.numeric.percentage.velo
  numbers       constant.numeric.velo
  keywords      a keyword.*, storage.type.* or constant.language.* scope
and a name that is not a reserved word must get none of the keyword scopes. Each kind must
occur at least once over the examples, so the check cannot pass vacuously.

Usage: python3 Tests/editors/check_tmgrammar.py [-v] [FILE...]   (default: Examples/**/*.velo)
Exits 0 when every file passes. Needs only the standard library.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "velo.tmLanguage.json"
LARK = ROOT / "Grammar" / "velo.lark"


# ---- a minimal TextMate tokenizer ---------------------------------------------------------

class Tokenizer:
    def __init__(self, grammar: dict):
        self.repository = grammar.get("repository", {})
        self.root = {"patterns": grammar["patterns"]}
        self.cache: dict[str, re.Pattern] = {}

    def regex(self, source: str) -> re.Pattern:
        if source not in self.cache:
            self.cache[source] = re.compile(source)
        return self.cache[source]

    def expand(self, patterns: list[dict]) -> list[dict]:
        """Patterns with includes resolved (recursively), in order."""
        out = []
        for p in patterns:
            if "include" in p:
                ref = p["include"]
                if ref == "$self":
                    out += self.expand(self.root["patterns"])
                elif ref.startswith("#"):
                    rule = self.repository[ref[1:]]
                    out += self.expand(rule["patterns"]) if "patterns" in rule and "begin" not in rule and "match" not in rule else [rule]
                else:
                    raise ValueError(f"unsupported include {ref}")
            else:
                out.append(p)
        return out

    def tokenize(self, text: str) -> list[list[list[str]]]:
        """Per line, per character: the scope stack (outermost first)."""
        stack: list[dict] = []  # open begin/end rules
        result = []
        for line in text.split("\n"):
            scopes: list[list[str]] = [[] for _ in line]
            pos = 0
            while pos <= len(line):
                rule = stack[-1] if stack else self.root
                base = [s for r in stack for s in ([r["name"]] if "name" in r else []) + ([r["contentName"]] if "contentName" in r else [])]
                candidates = []
                if stack:
                    candidates.append(("end", rule))
                candidates += [("pattern", p) for p in self.expand(rule.get("patterns", []))]
                best = None
                for kind, p in candidates:
                    source = p["end"] if kind == "end" else p.get("match", p.get("begin"))
                    m = self.regex(source).search(line, pos)
                    if m and (best is None or m.start() < best[2].start()):
                        best = (kind, p, m)
                if best is None:
                    for i in range(pos, len(line)):
                        scopes[i] = list(base)
                    break
                kind, p, m = best
                for i in range(pos, m.start()):
                    scopes[i] = list(base)
                if kind == "end":
                    outer = base[:-1] if "name" in p else base
                    self.paint(scopes, m, outer + ([p["name"]] if "name" in p else []), p.get("endCaptures", p.get("captures", {})))
                    stack.pop()
                elif "begin" in p:
                    self.paint(scopes, m, base + ([p["name"]] if "name" in p else []), p.get("beginCaptures", p.get("captures", {})))
                    stack.append(p)
                else:
                    self.paint(scopes, m, base + ([p["name"]] if "name" in p else []), p.get("captures", {}))
                if m.end() == m.start() and kind != "pattern":
                    pos = m.end()
                elif m.end() == m.start():
                    pos = m.end() + 1
                else:
                    pos = m.end()
                if pos >= len(line) and not (stack and kind == "pattern" and "begin" in p):
                    break
            result.append(scopes)
        return result

    @staticmethod
    def paint(scopes, m, names, captures):
        for i in range(m.start(), m.end()):
            scopes[i] = list(names)
        for group, c in captures.items():
            g = int(group)
            if g == 0 or m.start(g) < 0 or "name" not in c:
                if g == 0 and "name" in c:
                    for i in range(m.start(), m.end()):
                        scopes[i] = list(names) + [c["name"]]
                continue
            for i in range(m.start(g), m.end(g)):
                scopes[i] = list(names) + [c["name"]]


# ---- the reference tokens, from Grammar/velo.lark ---------------------------------------

def lark_terminals() -> dict[str, str]:
    out = {}
    for line in LARK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Z_]+)(?:\.\d+)?: /(.*)/$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def reference_tokens(line: str, terminals: dict[str, re.Pattern], reserved: set[str]):
    """(kind, start, end) for the tokens of one line, scanned as Velo's lexer does."""
    order = ["COMMENT", "STRING", "DATE", "DURATION", "PERCENT", "NUMBER"]
    pos = 0
    while pos < len(line):
        if line[pos] in " \t\r":
            pos += 1
            continue
        for kind in order:
            m = terminals[kind].match(line, pos)
            if m:
                yield kind, m.start(), m.end()
                pos = m.end()
                break
        else:
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(line, pos)
            if m:
                yield ("KEYWORD" if m.group(0) in reserved else "NAME"), m.start(), m.end()
                pos = m.end()
            else:
                pos += 1


EXPECTED = {
    "COMMENT": "comment.line.number-sign.velo",
    "STRING": "string.quoted.double.velo",
    "DATE": "constant.other.date.velo",
    "DURATION": "constant.numeric.duration.velo",
    "PERCENT": "constant.numeric.percentage.velo",
    "NUMBER": "constant.numeric.velo",
}
KEYWORD_PREFIXES = ("keyword.", "storage.type", "constant.language")


def check_file(path: Path, tokenizer: Tokenizer, terminals, reserved, seen: dict[str, int], verbose: bool) -> list[str]:
    text = path.read_text(encoding="utf-8")
    scoped = tokenizer.tokenize(text)
    problems = []
    for n, (line, scopes) in enumerate(zip(text.split("\n"), scoped), start=1):
        for kind, s, e in reference_tokens(line, terminals, reserved):
            seen[kind] = seen.get(kind, 0) + 1
            word = line[s:e]
            if kind in EXPECTED:
                want = EXPECTED[kind]
                bad = [i for i in range(s, e) if want not in scopes[i]]
                if bad:
                    problems.append(f"{path.relative_to(ROOT)}:{n}:{bad[0] + 1}: {kind.lower()} `{word}` lacks {want}: {scopes[bad[0]]}")
                if kind == "STRING":
                    for m in re.finditer(r"(?<!\\)\{[^}]*\}", word):
                        seen["INTERPOLATION"] = seen.get("INTERPOLATION", 0) + 1
                        for i in range(s + m.start(), s + m.end()):
                            if "meta.interpolation.velo" not in scopes[i]:
                                problems.append(f"{path.relative_to(ROOT)}:{n}:{i + 1}: interpolation `{m.group(0)}` lacks meta.interpolation.velo")
                                break
            elif kind == "KEYWORD":
                if not any(sc.startswith(KEYWORD_PREFIXES) for sc in scopes[s]):
                    problems.append(f"{path.relative_to(ROOT)}:{n}:{s + 1}: keyword `{word}` has no keyword scope: {scopes[s]}")
            elif kind == "NAME":
                if any(sc.startswith(KEYWORD_PREFIXES) for sc in scopes[s]):
                    problems.append(f"{path.relative_to(ROOT)}:{n}:{s + 1}: name `{word}` has a keyword scope: {scopes[s]}")
    if verbose:
        for n, (line, scopes) in enumerate(zip(text.split("\n"), scoped), start=1):
            print(f"{n:4} {line}")
    return problems


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files = [Path(a).resolve() for a in argv if a != "-v"] or sorted((ROOT / "Examples").rglob("*.velo"))
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    tokenizer = Tokenizer(grammar)
    raw = lark_terminals()
    terminals = {k: re.compile(raw[k]) for k in ["DATE", "DURATION", "PERCENT", "NUMBER", "STRING"]}
    terminals["COMMENT"] = re.compile(r"#[^\n]*")
    reserved = set(re.match(r"\(\?!\(([^)]*)\)", raw["NAME"]).group(1).split("|"))
    seen: dict[str, int] = {}
    failed = 0
    for f in files:
        problems = check_file(f, tokenizer, terminals, reserved, seen, verbose)
        if problems:
            failed += 1
            print(f"FAIL {f.relative_to(ROOT)}")
            for p in problems[:20]:
                print("  " + p)
        else:
            print(f"ok   {f.relative_to(ROOT)}")
    missing = [k for k in list(EXPECTED) + ["KEYWORD", "INTERPOLATION"] if not seen.get(k)]
    if missing and not argv:
        print(f"FAIL the examples never exercise: {', '.join(missing)}")
        failed += 1
    print(f"{len(files) - failed} passed, {failed} failed; tokens checked: " + ", ".join(f"{k.lower()} {v}" for k, v in sorted(seen.items())))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

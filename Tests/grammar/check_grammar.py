#!/usr/bin/env python3
"""Checks that Grammar/velo.lark describes the language Velo's parser accepts.

Builds an LALR parser from Grammar/velo.lark, verbatim, with lark's basic (context-free)
lexer, plus the layout pass that the grammar declares with `%declare _INDENT _DEDENT` and
Grammar/README.md defines. Then it must accept:

  * every *.velo file under Examples/,
  * every fenced code block tagged ```velo in README.md and Grammar/README.md,
  * every Tests/Fixtures/syntax/valid/*.velo,

and reject every Tests/Fixtures/syntax/invalid/*.velo (each of which must open with a
comment line saying what is wrong). Prints `ok   PATH` or `FAIL PATH: REASON` per file and
ends with `N passed, M failed`; exits 0 only when nothing failed.

Usage: python3 Tests/grammar/check_grammar.py [-v] [--coverage] [FILE...]
  -v          also print why each rejected file was rejected
  --coverage  instead, list the rules and tokens that no accepted file uses
  FILE   check only these files (accepted unless under an `invalid` directory)
Requires `lark` (pip install lark).
"""

from __future__ import annotations

import bisect
import logging
import re
import sys
from pathlib import Path

try:
    from lark import Lark, Token, logger as lark_logger
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
except ImportError:  # pragma: no cover
    sys.exit("check_grammar.py needs lark: pip install lark")

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = ROOT / "Grammar" / "velo.lark"
FIXTURES = ROOT / "Tests" / "Fixtures" / "syntax"

STATEMENT_KEYWORDS = {"table", "param", "flag", "check", "test", "report"}
OPEN = {"(": ")", "[": "]"}
CLOSE = {")": "(", "]": "["}


class LayoutError(Exception):
    """A syntax error found by the layout pass (tab indentation, bad dedent, brackets)."""


class Layout:
    """The layout pass: lark postlexer turning indentation into _NL, _INDENT and _DEDENT.

    It mirrors Sources/VeloSyntax/Lexer.swift, reading indentation from the source text:
      * blank lines and comment-only lines are ignored;
      * inside ( ) and [ ] a line break is a space;
      * a line indented deeper than the first line of the current logical line continues
        it, unless the logical line ends with ":" -- then the line opens a block (_INDENT);
      * otherwise the logical line ends (_NL), and every block indented deeper than the new
        line closes (_DEDENT each); a width matching no enclosing block is an error;
      * a tab in the indentation of a non-blank line is an error.
    The _NL tokens of the grammar's lexer are dropped and re-made here.
    """

    always_accept = ()

    def __init__(self) -> None:
        self.text = ""

    def process(self, stream):
        text = self.text
        # Physical lines: (start offset, end offset without the "\n").
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        ends = [s - 1 for s in starts[1:]] + [len(text)]

        stack = [0]
        state = {"open": False, "indent": 0, "last": None}
        brackets: list[tuple[str, int]] = []

        def make(kind: str, pos: int, like: Token | None) -> Token:
            if like is not None:
                return Token.new_borrow_pos(kind, "", like)
            line = bisect.bisect_right(starts, pos)
            return Token(kind, "", start_pos=pos, line=line, column=pos - starts[line - 1] + 1,
                         end_line=line, end_column=pos - starts[line - 1] + 1, end_pos=pos)

        def emit(kind: str, pos: int, like: Token | None = None):
            tok = make(kind, pos, like)
            state["last"] = tok
            return tok

        def start_line(n: int):
            """Lexer.startLine for physical line n (0-based); returns layout tokens."""
            s, e = starts[n], ends[n]
            i = s
            while i < e and text[i] in " \t":
                i += 1
            width, saw_tab = i - s, "\t" in text[s:i]
            j = i
            while j < e and text[j] in " \t\r":
                j += 1
            if j == e or text[j] == "#":
                return []  # blank or comment-only: ignored, whatever its indentation
            if saw_tab:
                raise LayoutError(f"line {n + 1}: indentation uses a tab")
            out = []
            if brackets:
                if not (width <= state["indent"] and starts_definition(i, width)):
                    return []  # a line break inside brackets is a space
                sym, pos, _ = brackets[-1]
                raise LayoutError(f"line {n + 1}: the `{sym}` opened on line {line_of(pos)} is never closed")
            if state["open"]:
                last = state["last"]
                ends_with_colon = last is not None and last.type == "COLON"
                if not ends_with_colon and width > state["indent"]:
                    return []  # continuation line
                out.append(emit("_NL", i, state["last"]))
                state["open"] = False
            if width > stack[-1]:
                stack.append(width)
                out.append(emit("_INDENT", i))
            else:
                while width < stack[-1]:
                    stack.pop()
                    out.append(emit("_DEDENT", i))
                if width != stack[-1]:
                    raise LayoutError(f"line {n + 1}: indentation of {width} matches no enclosing block")
            state["open"] = True
            state["indent"] = width
            return out

        def starts_definition(i: int, indent: int) -> bool:
            m = re.compile(r"[A-Za-z0-9_]+").match(text, i)
            if not m:
                return False
            if indent == 0 and m.group(0) in STATEMENT_KEYWORDS:
                return True
            j = m.end()
            while j < len(text) and text[j] == " ":
                j += 1
            return text.startswith("=", j) and not text.startswith("==", j) and not text.startswith("=>", j)

        def line_of(pos: int) -> int:
            return bisect.bisect_right(starts, pos)

        next_line = 0
        for tok in stream:
            if tok.type == "_NL":
                continue
            n = line_of(tok.start_pos) - 1
            while next_line <= n:
                yield from start_line(next_line)
                next_line += 1
            if tok.value in OPEN and tok.type != "STRING":
                # A decision table's range, `[30, 60)`: a bracket at the start of a line or
                # after `|` or `,` may be closed by the other kind (Lexer.opensInterval).
                last = state["last"]
                interval = last is None or last.type in ("_NL", "_INDENT", "_DEDENT", "COMMA") or last.value == "|"
                brackets.append((tok.value, tok.start_pos, interval))
            elif tok.value in CLOSE and tok.type != "STRING":
                if not brackets:
                    raise LayoutError(f"line {n + 1}: `{tok.value}` has no matching opening bracket")
                sym, _, interval = brackets.pop()
                if sym != CLOSE[tok.value] and not interval:
                    raise LayoutError(f"line {n + 1}: expected `{OPEN[sym]}`, found `{tok.value}`")
            state["last"] = tok
            yield tok
        while next_line < len(starts):
            yield from start_line(next_line)
            next_line += 1
        # Lexer.finish
        if brackets:
            sym, pos, _ = brackets[-1]
            raise LayoutError(f"the `{sym}` opened on line {line_of(pos)} is never closed")
        if state["open"]:
            yield emit("_NL", len(text), state["last"])
        while len(stack) > 1:
            stack.pop()
            yield emit("_DEDENT", len(text), state["last"])


class Checker:
    def __init__(self) -> None:
        grammar = GRAMMAR.read_text(encoding="utf-8")
        # LALR conflicts are resolved silently by lark; log them and refuse the grammar.
        conflicts: list[str] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                msg = record.getMessage()
                if "conflict" in msg.lower():
                    conflicts.append(msg)

        handler = Collect()
        lark_logger.addHandler(handler)
        old_level = lark_logger.level
        lark_logger.setLevel(logging.DEBUG)
        try:
            Lark(grammar, parser="lalr", lexer="basic", postlex=Layout(), start=["start", "expr"], debug=True)
        finally:
            lark_logger.removeHandler(handler)
            lark_logger.setLevel(old_level)
        if conflicts:
            raise SystemExit("Grammar/velo.lark is not LALR(1):\n  " + "\n  ".join(conflicts))
        self.layout = Layout()
        self.files = Lark(grammar, parser="lalr", lexer="basic", postlex=self.layout, start="start")
        for t in self.files.terminals:
            if t.pattern.type == "str":
                TERMINAL_NAMES[t.name] = '"' + t.pattern.value + '"'
        # Interpolations in flag messages are single-line expressions: no layout.
        self.exprs = Lark(grammar, parser="lalr", lexer="basic", start="expr")

    def check(self, text: str) -> str | None:
        """None when `text` is a syntactically valid rule file, else the reason it is not."""
        if text.startswith("\ufeff"):
            text = text[1:]  # a byte order mark at the start of the file is ignored
        self.layout.text = text
        try:
            tree = self.files.parse(text)
        except LayoutError as e:
            return str(e)
        except UnexpectedInput as e:
            return describe(e)
        except LarkError as e:
            return f"{type(e).__name__}: {e}"
        for message in tree.find_data("message"):
            for tok in message.children:
                if isinstance(tok, Token) and tok.type == "STRING":
                    reason = self.check_interpolations(tok)
                    if reason:
                        return reason
        return None

    def check_interpolations(self, tok: Token) -> str | None:
        """Parses each `{expr}` / `{expr:format}` of a flag message."""
        for expr in interpolations(tok.value):
            if expr is None:
                return f"line {tok.line}: this `{{` in the message is never closed"
            try:
                self.exprs.parse(expr)
            except LarkError as e:
                why = describe(e) if isinstance(e, UnexpectedInput) else str(e)
                return f"line {tok.line}: in the interpolation {{{expr}}}: {why}"
        return None


def interpolations(literal: str):
    """The expressions of the `{...}` parts of a text literal (quotes included), as
    StringLiteral.decode finds them: from `{` to the first `}` outside ( ) and [ ], the
    expression ending at the first `:` outside brackets. Yields None for an unclosed `{`."""
    s = literal
    i, end = 1, len(s) - 1
    while i < end:
        if s[i] == "\\" and i + 1 < end:
            i += 2  # an escape, such as \{
            continue
        if s[i] == "{":
            j, nesting, colon = i + 1, 0, None
            while j < end and not (s[j] == "}" and nesting == 0):
                if s[j] in "([":
                    nesting += 1
                elif s[j] in ")]":
                    nesting -= 1
                elif s[j] == ":" and nesting == 0 and colon is None:
                    colon = j
                j += 1
            if j >= end:
                yield None
                return
            yield s[i + 1:colon if colon is not None else j]
            i = j + 1
            continue
        i += 1


TERMINAL_NAMES: dict[str, str] = {}


def show(name: str) -> str:
    """A terminal as a reader knows it: `"else"` rather than ELSE, `"??"` rather than __ANON_0."""
    return TERMINAL_NAMES.get(name, name)


def describe(e: UnexpectedInput) -> str:
    where = f"line {e.line}:{e.column}" if getattr(e, "line", -1) not in (-1, None) else "at the end"
    if isinstance(e, UnexpectedCharacters):
        return f"{where}: unexpected character {e.char!r}"
    if isinstance(e, UnexpectedEOF):
        return "unexpected end of input"
    if isinstance(e, UnexpectedToken):
        tok = e.token
        if tok.type == "$END":
            where, found = "at the end", "the end of the input"
        else:
            found = show(tok.type) if tok.type in TERMINAL_NAMES else f"{tok.type} {tok.value!r}" if tok.value else tok.type
        expected = ", ".join(sorted(show(x) for x in e.expected))
        return f"{where}: unexpected {found}; expected one of {expected}"
    return f"{where}: {e}"


def velo_blocks(markdown: Path):
    """(label, text) of every ```velo fenced block of a Markdown file."""
    lines = markdown.read_text(encoding="utf-8").splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = re.match(r"^ {0,3}(```+|~~~+)\s*velo\b[^\n]*$", lines[i].rstrip("\r\n"))
        if not m:
            i += 1
            continue
        fence, start = m.group(1), i + 1
        j = start
        while j < len(lines) and not re.match(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$",
                                               lines[j].rstrip("\r\n")):
            j += 1
        yield f"{rel(markdown)}:{start}", "".join(lines[start:j])
        i = j + 1


def rel(p: Path) -> str:
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(p)


def read(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


def cases():
    """(label, text, should_accept, path) for every file this script checks."""
    examples = ROOT / "Examples"
    if examples.is_dir():
        for p in sorted(examples.rglob("*.velo")):
            yield rel(p), read(p), True, p
    for readme in (ROOT / "README.md", ROOT / "Grammar" / "README.md"):
        if readme.is_file():
            for label, text in velo_blocks(readme):
                yield label, text, True, None
    for sub, accept in (("valid", True), ("invalid", False)):
        d = FIXTURES / sub
        if d.is_dir():
            for p in sorted(d.glob("*.velo")):
                yield rel(p), read(p), accept, p


def coverage(checker: Checker, todo) -> int:
    """Which rules, alternatives' terminals and tokens the accepted files never use."""
    grammar = re.sub(r"^\?", "", GRAMMAR.read_text(encoding="utf-8"), flags=re.M)  # keep every rule in the tree
    layout = Layout()
    files = Lark(grammar, parser="lalr", lexer="basic", postlex=layout, keep_all_tokens=True)
    exprs = Lark(grammar, parser="lalr", lexer="basic", start="expr", keep_all_tokens=True)
    rules, tokens = set(), set()

    def walk(tree):
        for sub in tree.iter_subtrees():
            rules.add(str(sub.data))
            tokens.update(c.type for c in sub.children if isinstance(c, Token))

    for label, text, accept, _ in todo:
        if not accept:
            continue
        layout.text = text.lstrip("\ufeff")
        tree = files.parse(layout.text)
        walk(tree)
        for message in tree.find_data("message"):
            for tok in message.children:
                if isinstance(tok, Token) and tok.type == "STRING":
                    for expr in interpolations(tok.value):
                        if expr is not None:
                            walk(exprs.parse(expr))
    all_rules = {r.origin.name for r in files.rules if not r.origin.name.startswith("_")}
    ignored = set(files.ignore_tokens)
    all_tokens = {t.name for t in files.terminals if t.name not in ignored} | {"_INDENT", "_DEDENT"}
    missing = sorted(all_rules - rules) + sorted(show(t) for t in all_tokens - tokens)
    for m in missing:
        print(f"FAIL coverage: the accepted files never use {m}")
    print(f"{len(all_rules) + len(all_tokens) - len(missing)} of {len(all_rules) + len(all_tokens)} rules and tokens used")
    return 0 if not missing else 1


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files = [a for a in argv if a not in ("-v", "--coverage")]
    checker = Checker()
    if "--coverage" in argv:
        return coverage(checker, list(cases()) if not files else
                        [(f, read(Path(f)), True, Path(f)) for f in files])
    if files:
        todo = [(rel(Path(f)), read(Path(f)), "invalid" not in Path(f).resolve().parts, Path(f)) for f in files]
    else:
        todo = list(cases())
    passed = failed = 0
    seen_kinds: dict[str, str] = {}
    for label, text, accept, path in todo:
        try:
            reason = checker.check(text)
        except RecursionError:
            reason = "nested too deeply for the checker"
        problem = None
        if accept and reason:
            problem = reason
        elif not accept:
            first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
            if reason is None:
                problem = "accepted, but this file must be rejected"
            elif not first.startswith("#"):
                problem = "an invalid fixture must open with a comment saying what is wrong"
            elif first in seen_kinds:
                problem = f"same first-line comment as {seen_kinds[first]}; each fixture shows a distinct error"
            else:
                seen_kinds[first] = label
        if problem:
            failed += 1
            print(f"FAIL {label}: {problem}")
        else:
            passed += 1
            print(f"ok   {label}" + (f"  [rejected: {reason}]" if verbose and reason else ""))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

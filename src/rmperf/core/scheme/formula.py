"""Custom-indicator formulas (自定义指标公式): a small vocabulary, compiled once when a scheme is loaded.

A formula is parsed with Python's ``ast`` and accepted only if every node is
on the allow-list: decimal literals, names, ``+ - * /``, unary minus,
parentheses, comparisons and ``and``/``or``/``not`` (inside ``where``), and
calls of ``min``, ``max``, ``abs``, ``clip``, ``where``, ``tiers`` and
``coalesce``. Anything else — attribute access, subscripts, lambdas, other
calls, ``**``, strings — is a load-time problem, never a run-time error. The
accepted tree is compiled into closures over ``Decimal``; nothing is ever
passed to ``eval``.

Evaluation is exact (60 significant digits, no rounding). A missing operand
(``None``) makes the result missing, except in ``coalesce`` and in the
branch of ``where`` that is not taken. Division by zero makes the result
missing and is reported to the caller, who notes it on the RM's result.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from rmperf.core.scheme.text import show

Env = Mapping[str, Decimal | None]
NumFn = Callable[[Env], Decimal | None]
BoolFn = Callable[[Env], bool | None]
Text = Callable[[Env | None], str]

#: function name → (least, most) number of arguments (None: no limit)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "clip": (3, 3),
    "where": (3, 3),
    "tiers": (2, 2),
    "coalesce": (2, 2),
}

#: characters a scheme writer may copy from a seed, read as their ASCII operator
_TRANSLATE = str.maketrans({"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")", "，": ","})

PRECISION = 60


class _DivisionByZero(Exception):
    pass


@dataclass(frozen=True)
class FormulaIssue:
    """A problem of a formula: an i18n code and its parameters."""

    code: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The value of a formula for one RM; ``None`` when missing; ``division_by_zero`` when that is why."""

    value: Decimal | None
    division_by_zero: bool = False


class Formula:
    """A compiled formula: ``evaluate(env)`` and ``render(env)`` (the arithmetic with the numbers)."""

    def __init__(self, source: str, names: frozenset[str], fn: NumFn, text: Text) -> None:
        self.source = source
        self.names = names
        self._fn = fn
        self._text = text

    def evaluate(self, env: Env) -> Outcome:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            try:
                return Outcome(self._fn(env))
            except _DivisionByZero:
                return Outcome(None, division_by_zero=True)
            except InvalidOperation:  # 0/0 and the like, e.g. inside a comparison
                return Outcome(None, division_by_zero=True)

    def expression(self) -> str:
        """The formula as written, with × ÷ − for the operators."""
        return self._text(None)

    def render(self, env: Env) -> str:
        """The formula with every name replaced by its value (missing values shown as —)."""
        return self._text(env)

    def __repr__(self) -> str:
        return f"Formula({self.source!r})"


#: the longest formula a scheme may hold, in characters, and the most pieces (names, numbers, operators,
#: calls) it may be made of: the templates' longest has about 200 characters and 60 pieces
FORMULA_CHARS = 2000
FORMULA_NODES = 600
#: a number a formula or a scheme may write: below 10^15 in size (a trillion yuan is 10^12) and at most 18
#: significant digits, so no calculation on it can overflow the exact arithmetic (60 digits)
NUMBER_LIMIT = Decimal(10) ** 15
NUMBER_DIGITS = 18


def number_in_range(value: Decimal) -> bool:
    """Whether a number written in a scheme is one arithmetic on it can take (see :data:`NUMBER_LIMIT`)."""
    if not value.is_finite():
        return False
    if not value:
        return True
    significant = "".join(map(str, value.as_tuple().digits)).strip("0")  # no arithmetic: nothing can overflow
    return value.adjusted() < NUMBER_LIMIT.adjusted() and len(significant) <= NUMBER_DIGITS


def compile_formula(source: str, is_name: Callable[[str], bool]) -> tuple[Formula | None, list[FormulaIssue]]:
    """Parse and check ``source``; ``is_name(n)`` says whether ``n`` is a known input, constant or indicator.

    Returns the compiled formula (``None`` when there is any issue) and every issue found.
    """
    text = source.translate(_TRANSLATE).strip()
    if not text:
        return None, [FormulaIssue("scheme.formula_empty", {})]
    if len(text) > FORMULA_CHARS:
        return None, [FormulaIssue("scheme.formula_too_long", {"length": len(text), "limit": FORMULA_CHARS})]
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        if "too many nested" in error.msg:  # Python's parser stops at 200 levels of brackets
            return None, [FormulaIssue("scheme.formula_too_complex", {"limit": FORMULA_NODES})]
        return None, [FormulaIssue("scheme.formula_syntax", {"detail": error.msg, "offset": error.offset or 0})]
    except (RecursionError, MemoryError):  # nested beyond what the parser takes
        return None, [FormulaIssue("scheme.formula_too_complex", {"limit": FORMULA_NODES})]
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > FORMULA_NODES:
        return None, [FormulaIssue("scheme.formula_too_complex", {"limit": FORMULA_NODES})]
    compiler = _Compiler(text, is_name)
    fn = compiler.number(tree.body)
    if compiler.issues or fn is None:
        return None, compiler.issues
    num, txt = fn
    return Formula(source, frozenset(compiler.names), num, txt), []


def _segment(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source, node) or type(node).__name__


_BINOPS: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "≤",
    ast.Gt: ">",
    ast.GtE: "≥",
    ast.Eq: "=",
    ast.NotEq: "≠",
}
#: constructs refused, by node type, with the message code that names them
_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: "scheme.formula_attribute",
    ast.Subscript: "scheme.formula_subscript",
    ast.Lambda: "scheme.formula_lambda",
    ast.Constant: "scheme.formula_constant",
}

_Num = tuple[NumFn, Text]
_Bool = tuple[BoolFn, Text]


def _num_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = show(value)
    return f"({text})" if value < 0 else text


class _Compiler:
    def __init__(self, source: str, is_name: Callable[[str], bool]) -> None:
        self.source = source
        self.is_name = is_name
        self.issues: list[FormulaIssue] = []
        self.names: set[str] = set()

    def fail(self, code: str, node: ast.AST, **params: Any) -> None:
        self.issues.append(FormulaIssue(code, {"snippet": _segment(self.source, node), **params}))

    # --- numbers -----------------------------------------------------------------

    def number(self, node: ast.AST) -> _Num | None:
        if isinstance(node, ast.Constant):
            return self.literal(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub | ast.UAdd):
                inner = self.number(node.operand)
                if inner is None:
                    return None
                return self.unary(node.op, inner)
            if isinstance(node.op, ast.Not):
                self.fail("scheme.formula_condition_as_number", node)
                return None
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare | ast.BoolOp):
            self.fail("scheme.formula_condition_as_number", node)
            return None
        if isinstance(node, ast.List | ast.Tuple):
            self.fail("scheme.formula_list", node)
            return None
        code = next((c for t, c in _FORBIDDEN.items() if isinstance(node, t)), "scheme.formula_forbidden")
        self.fail(code, node)
        return None

    def literal(self, node: ast.Constant) -> _Num | None:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            self.fail("scheme.formula_constant", node)
            return None
        try:
            value = Decimal(_segment(self.source, node).replace("_", ""))
        except InvalidOperation:
            self.fail("scheme.formula_constant", node)
            return None
        if not value.is_finite():
            self.fail("scheme.formula_constant", node)
            return None
        if not number_in_range(value):
            self.fail("scheme.number_range", node)
            return None
        shown = show(value)
        return (lambda env: value), (lambda env: shown)

    def name(self, node: ast.Name) -> _Num | None:
        ident = node.id
        if ident in FUNCTIONS:
            self.fail("scheme.formula_function_as_name", node, name=ident)
            return None
        if not self.is_name(ident):
            self.fail("scheme.formula_unknown_name", node, name=ident)
            return None
        self.names.add(ident)

        def text(env: Env | None) -> str:
            return ident if env is None else _num_text(env.get(ident))

        return (lambda env: env.get(ident)), text

    def unary(self, op: ast.unaryop, inner: _Num) -> _Num:
        fn, txt = inner
        if isinstance(op, ast.UAdd):
            return inner

        def neg(env: Env) -> Decimal | None:
            v = fn(env)
            return None if v is None else -v

        return neg, (lambda env: f"−{txt(env)}")

    def binop(self, node: ast.BinOp) -> _Num | None:
        symbol = _BINOPS.get(type(node.op))
        left, right = self.number(node.left), self.number(node.right)
        if symbol is None:
            self.fail("scheme.formula_operator", node, operator=_operator_text(node.op))
            return None
        if left is None or right is None:
            return None
        lf, lt = left
        rf, rt = right
        op = type(node.op)
        lparen = _needs_parens(node.left, node.op, right_side=False)
        rparen = _needs_parens(node.right, node.op, right_side=True)

        def fn(env: Env) -> Decimal | None:
            a, b = lf(env), rf(env)
            if a is None or b is None:
                return None
            if op is ast.Add:
                return a + b
            if op is ast.Sub:
                return a - b
            if op is ast.Mult:
                return a * b
            if b == 0:
                raise _DivisionByZero
            return a / b

        def text(env: Env | None) -> str:
            a, b = lt(env), rt(env)
            a = f"({a})" if lparen else a
            b = f"({b})" if rparen else b
            return f"{a} {symbol} {b}"

        return fn, text

    def call(self, node: ast.Call) -> _Num | None:
        if not isinstance(node.func, ast.Name):
            code = "scheme.formula_attribute" if isinstance(node.func, ast.Attribute) else "scheme.formula_call"
            self.fail(code, node.func)
            return None
        fname = node.func.id
        if fname not in FUNCTIONS:
            self.fail("scheme.formula_function", node, name=fname, allowed=", ".join(FUNCTIONS))
            return None
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail("scheme.formula_call_keywords", node, name=fname)
            return None
        least, most = FUNCTIONS[fname]
        n = len(node.args)
        if n < least or (most is not None and n > most):
            expected = str(least) if most == least else (f"{least}+" if most is None else f"{least}–{most}")
            self.fail("scheme.formula_arity", node, name=fname, expected=expected, found=n)
            return None
        if fname == "where":
            return self.where(node)
        if fname == "tiers":
            return self.tiers(node)
        args = [self.number(a) for a in node.args]
        if any(a is None for a in args):
            return None
        fns = [a[0] for a in args if a is not None]
        txts = [a[1] for a in args if a is not None]

        def text(env: Env | None) -> str:
            return f"{fname}({', '.join(t(env) for t in txts)})"

        if fname == "coalesce":
            first, second = fns

            def coalesce(env: Env) -> Decimal | None:
                v = first(env)
                return second(env) if v is None else v

            return coalesce, text
        if fname in ("min", "max"):
            pick = min if fname == "min" else max

            def extreme(env: Env) -> Decimal | None:
                values = [f(env) for f in fns]
                if any(v is None for v in values):
                    return None
                return pick(v for v in values if v is not None)

            return extreme, text
        if fname == "abs":
            (inner,) = fns

            def absolute(env: Env) -> Decimal | None:
                v = inner(env)
                return None if v is None else abs(v)

            return absolute, text
        # clip(x, lo, hi)
        xf, lof, hif = fns

        def clip(env: Env) -> Decimal | None:
            x, lo, hi = xf(env), lof(env), hif(env)
            if x is None or lo is None or hi is None:
                return None
            return min(max(x, lo), hi)

        return clip, text

    def where(self, node: ast.Call) -> _Num | None:
        cond = self.condition(node.args[0])
        a, b = self.number(node.args[1]), self.number(node.args[2])
        if cond is None or a is None or b is None:
            return None
        cf, ct = cond
        af, at = a
        bf, bt = b

        def fn(env: Env) -> Decimal | None:
            c = cf(env)
            if c is None:
                return None
            return af(env) if c else bf(env)

        return fn, (lambda env: f"where({ct(env)}, {at(env)}, {bt(env)})")

    def tiers(self, node: ast.Call) -> _Num | None:
        x = self.number(node.args[0])
        table_node = node.args[1]
        table: list[tuple[Decimal, Decimal]] = []
        ok = isinstance(table_node, ast.List | ast.Tuple) and len(table_node.elts) > 0
        if ok and isinstance(table_node, ast.List | ast.Tuple):
            for row in table_node.elts:
                if not isinstance(row, ast.List | ast.Tuple) or len(row.elts) != 2:
                    ok = False
                    break
                bound, value = (_constant(self.source, e) for e in row.elts)
                if bound is None or value is None:
                    ok = False
                    break
                table.append((bound, value))
        if ok and any(table[i][0] >= table[i + 1][0] for i in range(len(table) - 1)):
            ok = False
        if not ok:
            self.fail("scheme.formula_tiers", table_node)
            return None
        if x is None:
            return None
        xf, xt = x
        rows = tuple(table)
        shown = "[" + ", ".join(f"[{show(b)}, {show(v)}]" for b, v in rows) + "]"

        def fn(env: Env) -> Decimal | None:
            v = xf(env)
            if v is None:
                return None
            result = Decimal(0)
            for bound, value in rows:
                if v >= bound:
                    result = value
                else:
                    break
            return result

        return fn, (lambda env: f"tiers({xt(env)}, {shown})")

    # --- conditions --------------------------------------------------------------

    def condition(self, node: ast.AST) -> _Bool | None:
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            if any(p is None for p in parts):
                return None
            fns = [p[0] for p in parts if p is not None]
            txts = [p[1] for p in parts if p is not None]
            is_and = isinstance(node.op, ast.And)
            word = " and " if is_and else " or "

            def fn(env: Env) -> bool | None:
                values = [f(env) for f in fns]
                if any(v is None for v in values):
                    return None
                return all(values) if is_and else any(values)

            return fn, (lambda env: "(" + word.join(t(env) for t in txts) + ")")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            if inner is None:
                return None
            inf, intext = inner

            def negate(env: Env) -> bool | None:
                v = inf(env)
                return None if v is None else not v

            return negate, (lambda env: f"not {intext(env)}")
        self.fail("scheme.formula_condition", node)
        return None

    def compare(self, node: ast.Compare) -> _Bool | None:
        operands = [self.number(n) for n in (node.left, *node.comparators)]
        symbols: list[str] = []
        for op in node.ops:
            symbol = _CMPOPS.get(type(op))
            if symbol is None:
                self.fail("scheme.formula_operator", node, operator=_operator_text(op))
                return None
            symbols.append(symbol)
        if any(o is None for o in operands):
            return None
        fns = [o[0] for o in operands if o is not None]
        txts = [o[1] for o in operands if o is not None]
        ops = [type(op) for op in node.ops]

        def fn(env: Env) -> bool | None:
            values = [f(env) for f in fns]
            if any(v is None for v in values):
                return None
            for i, op in enumerate(ops):
                a, b = values[i], values[i + 1]
                assert a is not None
                assert b is not None
                if not _COMPARE[op](a, b):
                    return False
            return True

        def text(env: Env | None) -> str:
            out = txts[0](env)
            for symbol, t in zip(symbols, txts[1:], strict=True):
                out += f" {symbol} {t(env)}"
            return out

        return fn, text


_COMPARE: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}

_PRECEDENCE: dict[type[ast.operator], int] = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


def _needs_parens(child: ast.AST, op: ast.operator, *, right_side: bool) -> bool:
    if not isinstance(child, ast.BinOp):
        return False
    mine = _PRECEDENCE.get(type(op), 3)
    theirs = _PRECEDENCE.get(type(child.op), 3)
    if theirs < mine:
        return True
    # a − (b − c), a ÷ (b × c): same precedence on the right of a non-commutative operator
    return right_side and theirs == mine and isinstance(op, ast.Sub | ast.Div)


def _constant(source: str, node: ast.AST) -> Decimal | None:
    """A literal number, possibly negated (tier bounds and values)."""
    sign = Decimal(1)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = Decimal(-1) if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool) or not isinstance(node.value, int | float):
        return None
    try:
        return sign * Decimal(_segment(source, node).replace("_", ""))
    except InvalidOperation:
        return None


def _operator_text(op: ast.AST) -> str:
    return {
        ast.Pow: "**",
        ast.Mod: "%",
        ast.FloorDiv: "//",
        ast.MatMult: "@",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.Is: "is",
        ast.IsNot: "is not",
        ast.In: "in",
        ast.NotIn: "not in",
    }.get(type(op), type(op).__name__)

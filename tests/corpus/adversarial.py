#!/usr/bin/env python3
"""The adversarial claim corpus (adversarial.tsv): its generator and its independent check.

    python3 tests/corpus/adversarial.py generate > tests/corpus/adversarial.tsv
    python3 tests/corpus/adversarial.py check            (needs mpmath: pip install mpmath)

Each line is LABEL<TAB>claim[<TAB>witness[<TAB>how]]. A FALSE claim carries a witness point
(`x = 7.45; y = 1`, values written in the claim language, e.g. `log(2)`), and `check` confirms at
that point, in mpmath at high precision, that the two sides differ or that exactly one is undefined
(`how` = `pole:EXPR` names the subexpression that is exactly 0 there, for an irrational point where
floating point cannot see the division by zero: check confirms it vanishes to all the digits
carried). A TRUE claim is checked at many points of its region: random ones, both sides of every
boundary the script can find on a grid, tiny and huge magnitudes; both sides must be defined and
equal there to the digits carried, or both undefined.

The script evaluates the claim language itself (a small parser below) with the prelude's
definitions read from src/prelude.act, so it shares no code with actsym's Rust evaluators.
"""

import math
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TSV = Path(__file__).resolve().parent / "adversarial.tsv"

# --------------------------------------------------------------------------------------------
# Generation


def generate():
    out = []

    def false(claim, witness, how=""):
        out.append(("FALSE", claim, witness, how))

    def true(claim):
        out.append(("TRUE", claim, "", ""))

    def section(name):
        out.append(("#", name, "", ""))

    section("the issue's own examples")
    false("x = 7 where x >= 7, x <= 7.9", "x = 7.5")
    false("relu(x) = x where x > -1e-60", "x = -1e-61")
    false("x = 0 where abs(x) < 1e-31", "x = 1e-32")
    false("relu(x + y - 3) = 0 where x + y < 3.5", "x = 1.6; y = 1.6")
    false("sigmoid(x) = 1/(1 + exp(-x)) + exp(-exp(10))*exp(-x^2)", "x = 0")
    false("exp(exp(-10^4)) = 1", "")
    false("relu(sigmoid(x) - 0.7) = 0 where x < 1", "x = 0.95")
    false("min(relu(x^2 - 2), relu(2.1 - x^2)) = 0", "x = 1.43")
    false("celu(x, alpha) = celu(x, 1) where alpha > 0.9, alpha < 1.1", "x = -1; alpha = 0.95")
    false("sigmoid(x) = 1 where x >= 10^5", "x = 100000")
    false("sqrt(x*y) = sqrt(x)*sqrt(y) where x >= 0, y < 0", "x = 0; y = -1")
    false("(exp(x) - 2)/(exp(2*x) - 4) = 1/(exp(x) + 2)", "x = log(2)", "pole:exp(2*x) - 4")
    false("abs(x) = if(x^2 != 2, abs(x), 7)", "x = sqrt(2)", "switch:x^2 - 2")

    section("narrow domains at many scales")
    for c in ["7", "-3", "0", "1/3", "1000000"]:
        for w in ["0.9", "1e-3", "1e-10", "1e-30", "1e-60", "1e-100"]:
            false(f"x = {c} where x >= {c}, x <= {c} + {w}", f"x = {c} + {w}/2")
            true(f"max(x, {c}) = x where x >= {c}, x <= {c} + {w}")
    for k in [1, 5, 10, 30, 60, 100, 200]:
        false(f"relu(x) = x where x > -1e-{k}", f"x = -1e-{k + 1}")
        true(f"relu(x) = x where x > 1e-{k}")
    for k in [3, 10, 31, 60, 100]:
        false(f"x = 0 where abs(x) < 1e-{k}", f"x = 1e-{k + 1}")
        true(f"x*abs(x) = x^2*sign(x) where abs(x) < 1e-{k}")
    for d in ["0.5", "1e-3", "1e-8"]:
        false(f"relu(x + y - 3) = 0 where x + y < 3 + {d}", f"x = 1.5 + {d}/4; y = 1.5 + {d}/4")
        false(f"relu(x - y) = 0 where x < y + {d}", f"x = 1 + {d}/2; y = 1")
        true(f"relu(x - y) = 0 where x <= y, y < {d}")
    true("relu(x + y - 3) = 0 where x + y < 3")

    section("tiny terms")
    for k in [2, 3, 5, 8, 10]:
        false(f"sigmoid(x) = 1/(1 + exp(-x)) + exp(-exp({k}))*exp(-x^2)", "x = 0")
        false(f"x = x + exp(-exp({k}))", "x = 1")
        true(f"exp(-exp({k}))*exp(-x^2) = exp(-x^2 - exp({k}))")
    for k in [2, 3, 4, 5]:
        false(f"exp(exp(-10^{k})) = 1", "")
        false(f"tanh(x) = 2*sigmoid(2*x) - 1 + exp(-10^{k})*x^2", "x = 1")
        true(f"tanh(x) + exp(-10^{k}) = 2*sigmoid(2*x) - 1 + exp(-10^{k})")
    for k in [700, 1000]:
        false(f"erf(x) = erf(x) + 10^(-{k})*erf(x)", "x = 1")
        false(f"log(1 + x^2) = log(1 + x^2)*(1 + 10^(-{k}))", "x = 1")
        true(f"erf(x)*(1 + 10^(-{k})) = erf(x) + 10^(-{k})*erf(x)")
    for k in [20, 50, 100, 400]:
        false(f"x^2 + 10^(-{k}) = x^2", "x = 0")
        true(f"(x + 10^(-{k}))^2 = x^2 + 2*x*10^(-{k}) + 10^(-{2 * k})")

    section("large arguments")
    for k in [2, 3, 4, 5]:
        false(f"sigmoid(x) = 1 where x >= 10^{k}", f"x = 10^{k}")
        false(f"tanh(x) = 1 where x > 10^{k}", f"x = 10^{k} + 1")
        false(f"softplus(x) = x where x > 10^{k}", f"x = 10^{k} + 1")
        true(f"sigmoid(x) = 1 - sigmoid(-x) where x >= 10^{k}")
        true(f"softplus(x) = x + softplus(-x) where x > 10^{k}")

    section("kinks of non-linear arguments")
    for c, b in [("0.6", "0.5"), ("0.7", "1"), ("0.8", "1.5"), ("0.9", "2.3"), ("0.99", "4.7")]:
        logit = math.log(float(c) / (1 - float(c)))
        mid = (logit + float(b)) / 2
        false(f"relu(sigmoid(x) - {c}) = 0 where x < {b}", f"x = {mid:.6f}")
        lower = math.floor(logit * 1000) / 1000
        true(f"relu(sigmoid(x) - {c}) = 0 where x < {lower}")
        true(f"relu({c} - sigmoid(x)) = {c} - sigmoid(x) where x < {lower}")
    for a, b in [("2", "2.1"), ("3", "3.01"), ("1/2", "0.6"), ("5", "5.001"), ("7", "7.0001")]:
        wit = math.sqrt((eval_fraction(a) + eval_fraction(b)) / 2)
        false(f"min(relu(x^2 - {a}), relu({b} - x^2)) = 0", f"x = {wit:.12f}")
        true(f"min(relu(x^2 - {b}), relu({a} - x^2)) = 0")
    for c, b in [("0.5", "0.6"), ("0.9", "1.5"), ("0.99", "2.7")]:
        at = math.atanh(float(c))
        false(f"relu(tanh(x) - {c}) = 0 where x < {b}", f"x = {(at + float(b)) / 2:.6f}")
        true(f"relu(tanh(x) - {c}) = 0 where x < {math.floor(at * 1000) / 1000}")
    for c, b in [("3", "1.2"), ("10", "2.31"), ("1/2", "-0.6")]:
        lc = math.log(eval_fraction(c))
        false(f"relu(exp(x) - {c}) = 0 where x < {b}", f"x = {(lc + float(b)) / 2:.6f}")
        true(f"relu(exp(x) - {c}) = 0 where x < {math.floor(lc * 1000) / 1000}")
    false("max(x^3 - x, 0) = 0 where x > 0", "x = 1.5")
    false("relu(x^3 - x) = 0 where x < 1.01, x > 0", "x = 1.005")
    false("relu(x^2 - 2) = 0 where x > 0, x < 1.42", "x = 1.415")
    false("abs(x^2 - 2) = x^2 - 2 where x > 1.41", "x = 1.4141")
    false("max(sigmoid(x), 0.7) = 0.7 where x < 0.9", "x = 0.88")
    false("min(x^3, 2) = x^3 where x < 1.26", "x = 1.25995")
    false("relu(softplus(x) - 1) = 0 where x < 0.55", "x = 0.545")
    true("max(x^3 - x, 0) = 0 where x > 0, x <= 1")
    true("relu(x^2 - 2) = 0 where x > 0, x < 1.414")
    true("abs(x^2 - 2) = x^2 - 2 where x > 1.415")
    true("max(sigmoid(x), 0.7) = 0.7 where x < 0.847")
    true("min(x^3, 2) = x^3 where x < 1.259")
    true("relu(x^2 - 2) + min(x^2 - 2, 0) = x^2 - 2")
    true("max(sigmoid(x), 0.7) + min(sigmoid(x), 0.7) = sigmoid(x) + 0.7")
    true("relu(sigmoid(x) - 0.7) - relu(0.7 - sigmoid(x)) = sigmoid(x) - 0.7")
    true("abs(exp(x) - 2) = max(exp(x) - 2, 2 - exp(x))")

    section("parameter ranges")
    for d in ["0.1", "0.01", "1e-5"]:
        false(f"celu(x, alpha) = celu(x, 1) where alpha > 1 - {d}, alpha < 1 + {d}",
              f"x = -1; alpha = 1 + {d}/2")
        false(f"elu(x, alpha) = elu(x, 1) where alpha >= 1, alpha <= 1 + {d}",
              f"x = -1; alpha = 1 + {d}/2")
        false(f"prelu(x, alpha) = relu(x) where alpha > -{d}, alpha < {d}",
              f"x = -1; alpha = {d}/2")
        false(f"swish(x, beta) = silu(x) where beta > 1 - {d}, beta < 1 + {d}",
              f"x = 1; beta = 1 + {d}/2")
        true(f"celu(x, alpha) = x where x > 0, alpha > 1 - {d}, alpha < 1 + {d}")
        true(f"prelu(x, alpha) = relu(x) where x >= 0, alpha > -{d}, alpha < {d}")
    true("elu(x, alpha) = x where x > 0, alpha > 0")
    true("celu(x, alpha) = relu(x) + min(0, alpha*(exp(x/alpha) - 1)) where alpha > 0")

    section("several variables")
    false("relu(x - y) = relu(x) - relu(y) where y > 0", "x = 0.5; y = 1")
    false("max(x, y) = x where x > y - 0.001", "x = 1; y = 1.0005")
    false("abs(x*y) = x*y where x > -0.001", "x = -0.0005; y = 1")
    false("relu(x*y) = x*y where x > 0", "x = 1; y = -1")
    false("min(x, y) = y where y < x + 1e-9", "x = 0; y = 5e-10")
    false("relu(x + y) = relu(x) + relu(y) where x > 0", "x = 1; y = -0.5")
    false("sqrt(x^2 + y^2) = x + y where x >= 0, y >= 0", "x = 1; y = 1")
    false("max(max(x, y), z) = max(x, y) where z < 1e-6", "x = 0; y = 0; z = 5e-7")
    true("max(x, y) + min(x, y) = x + y")
    true("relu(x - y) + y = max(x, y)")
    true("sqrt(x*y) = sqrt(x)*sqrt(y) where x >= 0, y >= 0")
    true("abs(x*y) = abs(x)*abs(y)")
    true("relu(x*y) = x*y where x > 0, y > 0")
    true("min(x, y) = y where y <= x")
    true("max(max(x, y), z) = max(x, max(y, z))")
    true("relu(x + y) = x + y where x > 0, y >= 0")

    section("removable singularities at irrational points")
    for c in ["2", "3", "5", "1/2", "7"]:
        false(f"(exp(x) - {c})/(exp(2*x) - ({c})^2) = 1/(exp(x) + {c})", f"x = log({c})",
              f"pole:exp(2*x) - ({c})^2")
        true(f"(exp(x) - {c})/(exp(2*x) - ({c})^2) = 1/(exp(x) + {c}) where x > log({c}) + 1")
    false("(x^2 - 2)/(x - sqrt(2)) = x + sqrt(2)", "x = sqrt(2)", "pole:x - sqrt(2)")
    false("(x^2 - 3)/(x^2 - 3) = 1", "x = sqrt(3)", "pole:x^2 - 3")
    false("(exp(x) - 3)/(exp(x) - 3) = 1", "x = log(3)", "pole:exp(x) - 3")
    false("(sigmoid(x) - 0.7)/(sigmoid(x) - 0.7) = 1", "x = log(7/3)", "pole:sigmoid(x) - 0.7")
    false("x*(x^2 - 5)/(x^2 - 5) = x where x > 0", "x = sqrt(5)", "pole:x^2 - 5")
    false("log(exp(x) - 2)*0 = 0 where x > 0.5", "x = 0.6")
    true("(x^2 - 2)/(x^2 - 2) = (x^2 - 2)^2/(x^2 - 2)^2")
    true("(exp(x) - 3)/(exp(x) - 3) = (exp(2*x) - 9)/(exp(2*x) - 9)")
    true("(x^2 - 3)/(x^2 - 3) = 1 where x > 2")
    true("x*(x^2 - 5)/(x^2 - 5) = x where x > 3")

    section("one-sided definedness")
    for d in ["1", "1e-6", "1e-40"]:
        false(f"sqrt(x)^2 = x where x > -{d}", f"x = -{d}/2")
        false(f"log(x) - log(x) = 0 where x > -{d}", f"x = -{d}/2")
        false(f"x/x = 1 where x > -{d}, x < {d}", "x = 0")
        true(f"sqrt(x)^2 = x where x >= {d}")
    false("sqrt(x*y) = sqrt(x)*sqrt(y)", "x = -1; y = -1")
    false("log(x*y) = log(x) + log(y) where x < 0", "x = -1; y = -1")
    false("sqrt(x^2) = x", "x = -1")
    false("x^(1/2)*x^(1/2) = x where x > -0.1", "x = -0.05")
    true("log(x) - log(x) = 0*log(x)")
    true("log(x*y) = log(x) + log(y) where x > 0, y > 0")
    true("sqrt(x^2) = abs(x)")
    true("x/x = 1 where x > 0")

    section("switches at irrational points")
    false("x = if(exp(x) != 3, x, 0)", "x = log(3)", "switch:exp(x) - 3")
    false("relu(x) = if(x^2 != 5, relu(x), -1)", "x = sqrt(5)", "switch:x^2 - 5")
    false("sigmoid(x) = if(sigmoid(x) != 0.7, sigmoid(x), 0)", "x = log(7/3)",
          "switch:sigmoid(x) - 0.7")
    true("if(x^2 > 2, x^2 - 2, 0) = relu(x^2 - 2)")
    true("if(exp(x) > 3, exp(x) - 3, 0) = relu(exp(x) - 3)")
    true("abs(x) = if(x^2 != 2, abs(x), abs(x))")

    section("tiny terms where no normal form is found (kinks of non-linear arguments, erf)")
    false("min(cosh(x), 1) = min(cosh(x), 1) + exp(-exp(10))", "x = 1")
    false("hard_sigmoid(x*x) = hard_sigmoid(x*x) + exp(-exp(10))", "x = 1")
    false("erf(x) = erf(x) + 10^(-3000)*erf(x)", "x = 1")
    false("log(1 + x^2) = log(1 + x^2)*(1 + 10^(-3000))", "x = 1")
    true("min(cosh(x), 1) = 1")
    true("relu(x^2 - 2) + relu(2 - x^2) = abs(x^2 - 2)")
    true("hard_sigmoid(x^2) = min(1, x^2/6 + 1/2)")

    section("a function's own difference below the working precision (found by an adversarial pass)")
    false("erf(x) = 1 where x >= 40", "x = 40")
    false("erf(x) = -1 where x <= -40", "x = -40")
    false("gelu(x) = x where x >= 60", "x = 60")
    false("Phi(x) = 1 where x >= 60", "x = 60")
    false("erf(x + y) = 1 where x >= 20, y >= 20", "x = 20; y = 20")
    false("sqrt(x^2 + 1) = x where x >= 10^400", "x = 10^400")
    false("log(x + 1) = log(x) where x >= 10^700", "x = 10^700")
    false("sqrt(x) = sqrt(x + 1) where x >= 10^700", "x = 10^700")
    false("log(1 + x) = x where x >= 0, x <= 1e-700", "x = 1e-700")
    false("sqrt(1 + x) = 1 + x/2 where x >= 0, x <= 1e-700", "x = 1e-700")
    false("erf(x) = x*2/sqrt(pi) where x >= 0, x <= 1e-400", "x = 1e-400")
    true("erf(x) = -erf(-x) where x >= 40")
    true("log(x*x) = 2*log(x) where x >= 10^700")
    true("sqrt(x^2) = x where x >= 10^400")

    section("counterexamples only beyond the sampled range (found by an adversarial pass)")
    false("min(log(x), 1000) = log(x) where x > 0", "x = 10^1000")
    false("relu(log(x) - 800) = 0 where x > 0", "x = 10^400")
    false("relu(log(log(x)) - 7) = 0 where x > 1", "x = 10^1000")
    false("max(-log(-x), -900) = -log(-x) where x < 0", "x = -10^400")
    true("min(log(x), 10) = log(x) where x > 0, x < 100")
    true("exp(x)*exp(-x) = min(1, exp(x)*exp(-x))")

    section("huge exponents: a wide enclosure's end beyond the range is not the value's (adversarial pass)")
    false("(1 + 1/x)^x = exp(1) where x >= 10^60", "x = 10^60")
    false("(1 + 1/x)^x = exp(1) - exp(1)/(2*x) where x >= 10^60", "x = 10^60")
    true("(1 + 1/x)^x = exp(x*log(1 + 1/x)) where x >= 10^60")
    true("((1 + 1/x)^x)^2 = (1 + 1/x)^(2*x) where x >= 10^60")

    for label, claim, witness, how in out:
        if label == "#":
            print(f"\n# ===== {claim} =====")
        elif label == "TRUE":
            print(f"TRUE\t{claim}")
        else:
            line = f"FALSE\t{claim}\t{witness}"
            if how:
                line += f"\t{how}"
            print(line)


def eval_fraction(s):
    if "/" in s:
        a, b = s.split("/")
        return float(a) / float(b)
    return float(s)


# --------------------------------------------------------------------------------------------
# The claim language, evaluated with mpmath


class Undefined(Exception):
    pass


# At a `switch:` witness, values that agree to every digit carried compare as equal (the
# switch expression was shown to vanish there at two precisions).
TOLERANCE = [None]


TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\d*\.\d+|\d+)(?:[eE]([+-]?\d+))?|([A-Za-z_][A-Za-z_0-9]*)|(<=|>=|!=|[-+*/^(),<>]))")


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SyntaxError(f"bad input at {pos}: {text[pos:]}")
        num, exp, name, op = m.groups()
        if num is not None:
            out.append(("num", num, exp))
        elif name is not None:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = m.end()
    return out


class Parser:
    """Expressions as closures env -> mpf (raising Undefined)."""

    def __init__(self, tokens, mp, funcs):
        self.t, self.i, self.mp, self.funcs = tokens, 0, mp, funcs

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, op=None):
        tok = self.peek()
        if op is not None and tok != ("op", op):
            raise SyntaxError(f"expected {op}, got {tok}")
        self.i += 1
        return tok

    def comparison(self):
        a = self.sum()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("<", ">", "<=", ">=", "!="):
            self.take()
            b = self.sum()
            op = tok[1]
            f = {"<": lambda x, y: x < y, ">": lambda x, y: x > y, "<=": lambda x, y: x <= y,
                 ">=": lambda x, y: x >= y, "!=": lambda x, y: x != y}[op]

            def compare(env):
                x, y = a(env), b(env)
                if TOLERANCE[0] is not None and abs(x - y) <= TOLERANCE[0]:
                    x = y  # equal to every digit carried, at a witness shown to be exact
                return f(x, y)
            return compare
        return a

    def sum(self):
        a = self.product()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            b = self.product()
            a = (lambda a, b: lambda env: a(env) + b(env))(a, b) if op == "+" else \
                (lambda a, b: lambda env: a(env) - b(env))(a, b)
        return a

    def product(self):
        a = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            b = self.unary()
            if op == "*":
                a = (lambda a, b: lambda env: a(env) * b(env))(a, b)
            else:
                def div(env, a=a, b=b):
                    x, y = a(env), b(env)
                    if y == 0:
                        raise Undefined("division by zero")
                    return x / y
                a = div
        return a

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            a = self.unary()
            return lambda env: -a(env)
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            ex = self.unary()  # right associative, binds tighter than unary minus on the left
            return lambda env: self.pow(base(env), ex(env))
        return base

    def pow(self, u, v):
        mp = self.mp
        if u > 0:
            return mp.power(u, v)
        if u == 0:
            if v >= 0:
                return mp.mpf(1) if v == 0 else mp.mpf(0)
            raise Undefined("0 to a negative power")
        if v == mp.floor(v):
            return mp.power(u, int(v))
        raise Undefined("negative base, non-integer exponent")

    def atom(self):
        tok = self.take()
        mp = self.mp
        if tok[0] == "num":
            text = tok[1] + (f"e{tok[2]}" if tok[2] else "")
            value = mp.mpf(mp.fraction(*decimal_fraction(text)))
            return lambda env: value
        if tok[0] == "name":
            name = tok[1]
            if self.peek() == ("op", "("):
                self.take("(")
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.comparison())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.comparison())
                self.take(")")
                return self.call(name, args)
            if name == "pi":
                return lambda env: mp.pi
            return lambda env: env[name]
        if tok == ("op", "("):
            e = self.comparison()
            self.take(")")
            return e
        raise SyntaxError(f"unexpected {tok}")

    def call(self, name, args):
        mp = self.mp
        if name == "if":
            c, a, b = args
            return lambda env: a(env) if c(env) else b(env)
        if name in ("max", "min"):
            f = max if name == "max" else min
            return lambda env: f(*[a(env) for a in args])
        unary = {
            "exp": mp.exp, "tanh": mp.tanh, "sinh": mp.sinh, "cosh": mp.cosh, "erf": mp.erf,
            "abs": abs, "sign": lambda u: mp.mpf((u > 0) - (u < 0)),
        }
        if name in unary:
            (a,) = args
            return lambda env: unary[name](a(env))
        if name == "log":
            (a,) = args

            def log(env):
                u = a(env)
                if u <= 0:
                    raise Undefined("log")
                return mp.log(u)
            return log
        if name == "sqrt":
            (a,) = args

            def sqrt(env):
                u = a(env)
                if u < 0:
                    raise Undefined("sqrt")
                return mp.sqrt(u)
            return sqrt
        params, _ = self.funcs[name]
        if len(params) != len(args):
            raise SyntaxError(f"{name}: arity")
        funcs = self.funcs

        def call(env):
            body = funcs[name][1]
            return body({p: a(env) for p, a in zip(params, args)})
        return call


def decimal_fraction(text):
    m = re.fullmatch(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", text)
    whole, frac, exp = m.group(1) or "0", m.group(2) or "", int(m.group(3) or 0)
    num = int(whole + frac) if (whole + frac) else 0
    den = 10 ** len(frac)
    if exp >= 0:
        num *= 10 ** exp
    else:
        den *= 10 ** (-exp)
    return num, den


def load_prelude(mp):
    funcs = {}
    text = (ROOT / "src" / "prelude.act").read_text()
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        m = re.fullmatch(r"([A-Za-z_]\w*)\(([^)]*)\)\s*=\s*(.+)", line)
        if not m:
            continue
        name, params, body = m.group(1), [p.strip() for p in m.group(2).split(",")], m.group(3)
        funcs[name] = (params, body)
    for name, (params, body) in list(funcs.items()):
        funcs[name] = (params, Parser(tokenize(body), mp, funcs).comparison())
    return funcs


def split_top(text, sep):
    parts, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and text.startswith(sep, i):
            parts.append(cur)
            cur = ""
            i += len(sep)
            continue
        cur += ch
        i += 1
    parts.append(cur)
    return [p.strip() for p in parts]


def parse_claim(claim, mp, funcs):
    body, _, where = claim.partition(" where ")
    lhs, rhs = split_top(body, "=")[:2] if body.count("=") == 1 else split_eq(body)
    conds = split_top(where, ",") if where else []
    comp = lambda s: Parser(tokenize(s), mp, funcs).comparison()
    names = set(re.findall(r"[A-Za-z_]\w*", body + " " + where)) - set(funcs) - {
        "exp", "log", "sqrt", "tanh", "sinh", "cosh", "erf", "abs", "sign", "max", "min", "if",
        "pi", "e"}
    return comp(lhs), comp(rhs), [comp(c) for c in conds], sorted(names)


def split_eq(body):
    # the one '=' that is not part of <=, >=, !=
    for i, ch in enumerate(body):
        if ch == "=" and body[i - 1] not in "<>!" and (i + 1 >= len(body) or body[i + 1] != "="):
            return body[:i].strip(), body[i + 1:].strip()
    raise SyntaxError(body)


def side(f, env):
    try:
        v = f(env)
    except (Undefined, ZeroDivisionError, ValueError):
        return None
    if hasattr(v, "imag") and not hasattr(v, "man"):  # an mpc: not a real value
        return None
    return v


def check():
    import mpmath

    mp = mpmath.mp
    failures = 0
    counts = {"TRUE": 0, "FALSE": 0}
    lines = [l for l in TSV.read_text().splitlines() if l.strip() and not l.startswith("#")]
    for line in lines:
        cols = line.split("\t")
        label, claim = cols[0], cols[1]
        counts[label] += 1
        ok = check_false(mp, claim, cols[2] if len(cols) > 2 else "", cols[3] if len(cols) > 3 else "") \
            if label == "FALSE" else check_true(mp, claim)
        if not ok:
            failures += 1
            print(f"LABEL NOT CONFIRMED: {line}")
    print(f"{counts['FALSE']} false and {counts['TRUE']} true claims; {failures} not confirmed")
    return 1 if failures else 0


def check_false(mp, claim, witness, how):
    """True when the witness shows the claim false: at the point, the conditions hold and either
    exactly one side is undefined or both are defined and differ by far more than the precision."""
    for dps in (60, 2000, 20000, 100000):
        mp.dps = dps
        funcs = load_prelude(mp)
        lhs, rhs, conds, names = parse_claim(claim, mp, funcs)
        env = {}
        for part in filter(None, [p.strip() for p in witness.split(";")]):
            name, value = [s.strip() for s in part.split("=", 1)]
            env[name] = Parser(tokenize(value), mp, funcs).comparison()({})
        if any(not c(env) for c in conds):
            return False
        l, r = side(lhs, env), side(rhs, env)
        if how.startswith("pole:"):
            # The named expression vanishes at the witness to all the digits carried (at two
            # precisions: it is exactly 0 there), it divides (or is the log argument of) exactly
            # one side, and the other side is defined there.
            pole_text = how[5:]
            for digits in (60, 3000):
                mp.dps = digits
                at_digits = load_prelude(mp)
                pole = Parser(tokenize(pole_text), mp, at_digits).comparison()
                if abs(pole(env_at(mp, at_digits, witness))) > mp.mpf(10) ** (-digits + 20):
                    return False
            mp.dps = dps
            body = claim.partition(" where ")[0]
            left, right = split_eq(body) if body.count("=") != 1 else split_top(body, "=")[:2]
            holders = [t for t in (left, right) if pole_text in t or pole_text.replace(" ", "") in t.replace(" ", "")]
            if len(holders) != 1:
                return False
            other = rhs if holders[0] == left else lhs
            return side(other, env) is not None
        if how.startswith("switch:"):
            for digits in (60, 3000):
                mp.dps = digits
                at_digits = load_prelude(mp)
                sw = Parser(tokenize(how[7:]), mp, at_digits).comparison()
                if abs(sw(env_at(mp, at_digits, witness))) > mp.mpf(10) ** (-digits + 20):
                    return False
            mp.dps = dps
            TOLERANCE[0] = mp.mpf(10) ** (-dps + 20)
            try:
                l, r = side(lhs, env), side(rhs, env)
            finally:
                TOLERANCE[0] = None
        if (l is None) != (r is None):
            return True
        if l is None:
            return False
        diff = abs(l - r)
        scale = max(abs(l), abs(r), mp.mpf(1))
        if diff > scale * mp.mpf(10) ** (-dps + 30):
            return True
    return False


def env_at(mp, funcs, witness):
    env = {}
    for part in filter(None, [p.strip() for p in witness.split(";")]):
        name, value = [t.strip() for t in part.split("=", 1)]
        env[name] = Parser(tokenize(value), mp, funcs).comparison()({})
    return env


def check_true(mp, claim):
    mp.dps = 300
    funcs = load_prelude(mp)
    lhs, rhs, conds, names = parse_claim(claim, mp, funcs)
    rng = random.Random(claim)
    values = [mp.mpf(0)]
    for k in range(-250, 7):
        for m in (1, 3):
            values += [mp.mpf(m) * mp.mpf(10) ** k, -mp.mpf(m) * mp.mpf(10) ** k]
    for j in range(-400, 401):
        values.append(mp.mpf(j) / 40)
    # points near the numbers written in the claim (boundaries), at many scales
    for lit in re.findall(r"\d+\.\d+|\d+(?:e-?\d+)?", claim):
        try:
            c = mp.mpf(mp.fraction(*decimal_fraction(lit)))
        except Exception:
            continue
        for k in range(1, 40, 3):
            for s in (1, -1):
                values += [s * c + mp.mpf(10) ** -k, s * c - mp.mpf(10) ** -k]
    # both sides of every bound a condition states, at many scales, and inside each interval
    where = claim.partition(" where ")[2]
    bounds = {}
    for cond in (split_top(where, ",") if where else []):
        m = re.fullmatch(r"([A-Za-z_]\w*)\s*(<=|>=|<|>)\s*(.+)", cond)
        if not m or re.search(r"[A-Za-z_]", re.sub(r"\d+(\.\d*)?([eE][-+]?\d+)?", "", m.group(3))):
            continue
        b = Parser(tokenize(m.group(3)), mp, funcs).comparison()({})
        bounds.setdefault(m.group(1), []).append(b)
    own = {}
    for var, bs in bounds.items():
        near = own.setdefault(var, [])
        for b in bs:
            for k in range(1, 240, 2):
                near += [b + mp.mpf(10) ** -k, b - mp.mpf(10) ** -k, b + abs(b) * mp.mpf(10) ** -k]
        if len(bs) == 2:
            lo, hi = min(bs), max(bs)
            near += [lo + (hi - lo) * mp.mpf(j) / 97 for j in range(1, 97)]
        values += near

    def pick(n):
        if n in own and rng.random() < 0.8:
            return rng.choice(own[n])
        return rng.choice(values) if rng.random() < 0.7 else mp.mpf(rng.uniform(-12, 12))
    checked = 0
    for trial in range(6000):
        env = {n: pick(n) for n in names}
        try:
            if not all(c(env) for c in conds):
                continue
        except (Undefined, ZeroDivisionError):
            continue
        checked += 1
        l, r = side(lhs, env), side(rhs, env)
        if (l is None) != (r is None):
            print(f"  {claim}: one side undefined at {env}")
            return False
        if l is None:
            continue
        if abs(l - r) > max(abs(l), abs(r), mp.mpf(1)) * mp.mpf(10) ** -250:
            print(f"  {claim}: {l} != {r} at {env}")
            return False
    return checked >= 50


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        generate()
    else:
        sys.exit(check())

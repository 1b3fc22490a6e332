#!/usr/bin/env python3
"""Checks the labels of tests/corpus/inequalities.tsv independently of actsym, with mpmath.

Each claim is evaluated at 300 significant digits at thousands of points (a fine grid, hard values
from 1e-30 to 150, and the points where equality is attained: sqrt(2), sqrt(3), the golden ratio,
the minima of gelu, silu, swish and mish), and for claims built of powers, logarithms and kinks
only (no exponential, whose value there mpmath cannot reach in time) at far points from 1e400
to 1e(1e15), where `sqrt(log(x)) < 30` fails; a `where` condition filters the points. A link
`L rel R` fails at a point where a side is undefined (a complex value or a division by zero) or
the relation does not hold; sides within a relative 1e-280 of each other count as equal
(and within 1e-100 at the irrational points), so equality attained there is seen. A claim labelled true must hold at every point;
one labelled false must fail at some point. Run: python3 tests/corpus/check_inequalities.py
(needs mpmath: pip install mpmath). Exit code 0 when every label agrees.
"""
import itertools
import re
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 300
TOL = mp.mpf(10) ** -280
# At the irrational points where equality is attained (inexact here) sides closer than this
# are equal too.
NEAR = mp.mpf(10) ** -100


def sigmoid(x): return 1 / (1 + mp.exp(-x))
def softplus(x): return mp.log(1 + mp.exp(x))
def Phi(x): return (1 + mp.erf(x / mp.sqrt(2))) / 2
def phi(x): return mp.exp(-x ** 2 / 2) / mp.sqrt(2 * mp.pi)
def gelu(x): return x * Phi(x)
def swish(x, b): return x * sigmoid(b * x)
def silu(x): return swish(x, 1)
def relu(x): return max(x, 0)
def prelu(x, a): return max(x, 0) + a * min(x, 0)
def leaky_relu(x): return prelu(x, mp.mpf(1) / 100)
def elu(x, a): return x if x > 0 else a * (mp.exp(x) - 1)
def softsign(x): return x / (1 + abs(x))
def mish(x): return x * mp.tanh(softplus(x))
def hard_tanh(x): return max(-1, min(1, x))
def heaviside(x): return 1 if x > 0 else 0
def relu6(x): return min(max(x, 0), 6)


ENV = dict(sigmoid=sigmoid, softplus=softplus, Phi=Phi, phi=phi, gelu=gelu, swish=swish,
           silu=silu, relu=relu, prelu=prelu, leaky_relu=leaky_relu, elu=elu,
           softsign=softsign, mish=mish, hard_tanh=hard_tanh, heaviside=heaviside, relu6=relu6,
           exp=mp.exp, log=mp.log, sqrt=mp.sqrt, abs=abs, max=max, min=min, tanh=mp.tanh,
           sinh=mp.sinh, cosh=mp.cosh, erf=mp.erf, pi=mp.pi,
           D=lambda f, x: mp.diff(f, x))


def translate(expr):
    """actsym text -> Python: ^ is **, decimals are exact, diff(E, v) is D(lambda v: E, v)."""
    expr = re.sub(r"(?<![A-Za-z_\d.])(\d+(\.\d+)?(e-?\d+)?)", lambda m: f"mp.mpf('{m.group(1)}')", expr)
    while "diff(" in expr:
        i = expr.index("diff(")
        depth, j = 0, i + 4
        args, start = [], j + 1
        while True:
            c = expr[j]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    args.append(expr[start:j])
                    break
            elif c == "," and depth == 1:
                args.append(expr[start:j])
                start = j + 1
            j += 1
        body, var = args[0], args[1].strip()
        expr = expr[:i] + f"D(lambda {var}: {body}, {var})" + expr[j + 1:]
    return expr.replace("^", "**")


def split_links(body):
    """Splits 'a < b <= c' at relations outside parentheses: sides and relations."""
    sides, rels, depth, start, k = [], [], 0, 0, 0
    while k < len(body):
        c = body[k]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0 and c in "<>=!":
            rel = body[k:k + 2] if body[k:k + 2] in ("<=", ">=", "!=") else c
            sides.append(body[start:k])
            rels.append(rel)
            k += len(rel)
            start = k
            continue
        k += 1
    sides.append(body[start:])
    return [s.strip() for s in sides], rels


def value(text, point):
    try:
        v = eval(translate(text), {"mp": mp, **ENV}, dict(point))
    except (ZeroDivisionError, ValueError):
        return None
    if isinstance(v, mp.mpc) or isinstance(v, complex):
        if mp.im(v) != 0:
            return None
        v = mp.re(v)
    return mp.mpf(v)


def holds(a, rel, b, special=False):
    if a is None or b is None:
        return False
    equal = abs(a - b) <= TOL * max(abs(a), abs(b)) or (special and abs(a - b) <= NEAR)
    return {
        "<": a < b and not equal,
        "<=": a <= b or equal,
        ">": a > b and not equal,
        ">=": a >= b or equal,
        # Identity links lose digits to cancellation (1 - sigmoid(100)): a looser test.
        "=": equal or abs(a - b) <= NEAR * max(abs(a), abs(b), 1),
        "!=": not equal,
    }[rel]


def condition(text, point):
    sides, rels = split_links(text)
    vals = [value(s, point) for s in sides]
    return all(holds(vals[i], rels[i], vals[i + 1]) for i in range(len(rels)))


SPECIAL = [mp.sqrt(2), mp.sqrt(3), (1 + mp.sqrt(5)) / 2, (1 - mp.sqrt(5)) / 2,
           mp.mpf("-0.7517915241"), mp.mpf("-1.2784645428"), mp.mpf("-0.63923227"),
           mp.mpf("-1.1924"), mp.mpf("0.5"), mp.mpf("-0.5")]


SPECIAL_SET = set(SPECIAL + [-s for s in SPECIAL])


def values_1d():
    hard = [0] + [s * mp.mpf(10) ** e for e in (-30, -10, -3, -1, 0, 1, 2)
                  for s in (1, -1)]
    hard += [s * mp.mpf(v) for v in ("0.5", "1.5", "2", "3", "5", "30", "40", "150") for s in (1, -1)]
    grid = [mp.mpf(k) / 50 for k in range(-500, 501)]
    special = SPECIAL + [-s for s in SPECIAL]
    return hard + grid + special


# Far points: a claim may fail only beyond e^900 (sqrt(log(x)) < 30) or e^(e^30)
# (log(log(x)) < 30).
FAR = [s * mp.mpf(10) ** k for k in (400, 1000, 5000, 10 ** 5, 10 ** 7, 10 ** 15) for s in (1, -1)]

FAR_SET = set(FAR)

# Functions whose values at the far points mpmath cannot compute in time.
SLOW_FAR = re.compile(r"exp|sigmoid|softplus|swish|silu|mish|gelu|Phi|phi|erf|tanh|sinh|cosh|elu")


def values_2d():
    base = [mp.mpf(v) for v in ("-30", "-3", "-1", "-0.5", "0", "0.25", "0.5", "1", "2", "3", "30")]
    base += [mp.mpf(k) / 10 for k in range(-40, 41, 3)]
    return base


def check(label, claim):
    body, _, where = claim.partition(" where ")
    conds = [c.strip() for c in where.split(",")] if where else []
    names = sorted(set(re.findall(r"\b([a-z])\b", claim)) - {"e"})
    if len(names) <= 1:
        far = FAR if names and not SLOW_FAR.search(claim) else []
        points = [{names[0]: v} if names else {} for v in values_1d() + far]
    else:
        vals = values_2d()
        points = [dict(zip(names, combo)) for combo in itertools.product(vals, repeat=len(names))]
        points += [{n: v for n in names} for v in values_1d()[::7]]
    sides, rels = split_links(body)
    failing = None
    for p in points:
        if not all(condition(c, p) for c in conds):
            continue
        vals = [value(s, p) for s in sides]
        special = any(v in SPECIAL_SET for v in p.values())
        if all(holds(vals[i], rels[i], vals[i + 1], special) for i in range(len(rels))):
            continue
        if any(v in FAR_SET for v in p.values()):
            # Far out only a clear failure counts: sides equal to 300 digits there
            # (softsign(x) = -1 + 1e-400 at -1e400) are past what can be decided.
            clear = any(
                not holds(vals[i], rels[i], vals[i + 1])
                and not (vals[i] is not None and vals[i + 1] is not None
                         and abs(vals[i] - vals[i + 1]) <= TOL * max(abs(vals[i]), abs(vals[i + 1])))
                for i in range(len(rels)))
            if clear:
                failing = p
                break
            continue
        failing = p
        break
    truth = failing is None
    return truth == (label == "true"), failing


def main():
    path = Path(__file__).with_name("inequalities.tsv")
    bad = 0
    total = 0
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, claim = line.split("\t")
        total += 1
        ok, failing = check(label, claim)
        if not ok:
            bad += 1
            print(f"MISMATCH {label}\t{claim}\t(failing point: {failing})")
    print(f"{total} claims, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

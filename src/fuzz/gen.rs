//! The one random expression generator: seeded, weighted, bounded in depth and size.
//!
//! A [`Tree`] is a small syntax tree of the language (built-ins, prelude calls,
//! parameters, `if`, kinks at rational points, tiny perturbations such as `1e-60` or
//! `exp(-exp(10))`, `diff(...)`), printed as text that the parser reads back
//! ([`Tree::text`]). The command line (`actsym fuzz`), the proptest strategies of
//! `tests/fuzz.rs` and the cargo-fuzz targets of `fuzz/` all draw from
//! [`generate`]: a seed gives the same tree on every machine. [`Tree::shrink`] lists
//! smaller trees for the shrinker.

use std::fmt::Write as _;

/// A small, fast, reproducible pseudo-random generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The generator of `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6a09_e667_f3bc_c909)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn with the given weights (not all 0).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = (self.next_u64() % u64::from(total.max(1))) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// One of the words `items`.
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The parameters a generated expression may use besides `x`.
pub const PARAMETERS: [&str; 2] = ["beta", "alpha"];

/// Built-in functions of one argument.
const BUILTINS: [&str; 9] = [
    "exp", "log", "abs", "sign", "tanh", "sinh", "cosh", "erf", "sqrt",
];

/// Prelude functions of one argument.
const PRELUDE1: [&str; 17] = [
    "relu",
    "leaky_relu",
    "relu6",
    "sigmoid",
    "log_sigmoid",
    "hard_sigmoid",
    "softplus",
    "silu",
    "hard_swish",
    "Phi",
    "phi",
    "gelu",
    "gelu_tanh",
    "selu",
    "mish",
    "softsign",
    "hard_tanh",
];

/// Prelude functions of an argument and a parameter.
const PRELUDE2: [&str; 4] = ["prelu", "swish", "elu", "celu"];

/// Rational constants, kink points among them.
const CONSTANTS: [&str; 14] = [
    "0", "1", "2", "3", "-1", "1/2", "-1/2", "3/2", "1/3", "-2/5", "0.1", "5", "-3", "7/4",
];

/// Tiny terms: perturbations an identity checker must not lose.
const TINY: [&str; 4] = ["1e-60", "exp(-exp(10))", "1e-30", "-1e-45"];

/// Comparison operators of conditions.
const CMPS: [&str; 4] = ["<", "<=", ">", ">="];

/// A syntax tree of the language, printed fully parenthesised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tree {
    /// A rational constant, `pi`, or a tiny term, as text.
    Atom(String),
    /// A variable or parameter.
    Var(&'static str),
    /// `-a`
    Neg(Box<Tree>),
    /// `a op b` with op one of `+ - * /`.
    Bin(char, Box<Tree>, Box<Tree>),
    /// `a^n` with a small integer or `1/2` exponent.
    Pow(Box<Tree>, &'static str),
    /// A call of a built-in or prelude function (also `max`, `min`).
    Call(&'static str, Vec<Tree>),
    /// `if(a cmp b, t, e)`.
    If(&'static str, Box<[Tree; 4]>),
    /// `diff(e, x)`.
    Diff(Box<Tree>),
}

/// Weights and bounds of the generator.
#[derive(Clone, Debug)]
pub struct Config {
    /// Deepest nesting of a generated tree.
    pub max_depth: u32,
    /// Most nodes of a generated tree.
    pub max_size: usize,
    /// Parameters (`beta`, `alpha`) besides `x`.
    pub parameters: bool,
    /// `diff(...)` inside expressions.
    pub diffs: bool,
    /// Tiny terms (`1e-60`, `exp(-exp(10))`).
    pub tiny: bool,
    /// Weights of: variable, constant, prelude call, built-in call, sum/difference,
    /// product, quotient, power, negation, max/min, if, kink (`relu(x - c)`-like),
    /// diff, tiny term.
    pub weights: [u32; 14],
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_depth: 4,
            max_size: 14,
            parameters: true,
            diffs: true,
            tiny: true,
            weights: [14, 8, 16, 10, 10, 8, 4, 3, 2, 3, 3, 4, 1, 1],
        }
    }
}

impl Config {
    /// Only `x`, no `diff`, no tiny terms: for targets that differentiate or evaluate
    /// at one variable.
    #[must_use]
    pub fn plain() -> Self {
        Config {
            parameters: false,
            diffs: false,
            tiny: false,
            ..Config::default()
        }
    }
}

/// The tree of `seed` under `config`.
#[must_use]
pub fn generate(seed: u64, config: &Config) -> Tree {
    let mut rng = Rng::new(seed);
    // A lone leaf is redrawn (a few times): `x` alone tests little.
    let mut tree = Tree::Var("x");
    for _ in 0..8 {
        let mut budget = config.max_size.max(1);
        tree = gen_tree(&mut rng, config, config.max_depth, &mut budget);
        if tree.size() > 1 {
            break;
        }
    }
    tree
}

/// A tree drawn from an arbitrary byte string (cargo-fuzz inputs): the bytes seed the
/// generator, so every input is a valid expression.
#[must_use]
pub fn from_bytes(data: &[u8], config: &Config) -> Tree {
    let mut seed = 0xcbf2_9ce4_8422_2325u64;
    for &b in data {
        seed = (seed ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    generate(seed, config)
}

fn leaf(rng: &mut Rng, config: &Config) -> Tree {
    let r = rng.below(10);
    if r < 6 {
        Tree::Var("x")
    } else if r < 7 && config.parameters {
        Tree::Var(rng.word(&PARAMETERS))
    } else if r < 8 {
        Tree::Atom((*rng.pick(&CONSTANTS)).to_owned())
    } else if r < 9 {
        Tree::Atom(if rng.below(4) == 0 { "pi" } else { "2" }.to_owned())
    } else {
        Tree::Atom((*rng.pick(&CONSTANTS)).to_owned())
    }
}

fn gen_tree(rng: &mut Rng, config: &Config, depth: u32, budget: &mut usize) -> Tree {
    if depth == 0 || *budget <= 1 {
        *budget = budget.saturating_sub(1);
        return leaf(rng, config);
    }
    *budget -= 1;
    let mut weights = config.weights;
    if !config.diffs {
        weights[12] = 0;
    }
    if !config.tiny {
        weights[13] = 0;
    }
    let sub = |rng: &mut Rng, budget: &mut usize| gen_tree(rng, config, depth - 1, budget);
    match rng.weighted(&weights) {
        0 => Tree::Var("x"),
        1 => leaf(rng, config),
        2 => {
            if rng.below(4) == 0 {
                let f = *rng.pick(&PRELUDE2);
                let a = sub(rng, budget);
                let p = if config.parameters && rng.below(2) == 0 {
                    Tree::Var(rng.word(&PARAMETERS))
                } else {
                    Tree::Atom((*rng.pick(&["1/2", "3/2", "1", "2", "1/10"])).to_owned())
                };
                Tree::Call(f, vec![a, p])
            } else {
                let f = *rng.pick(&PRELUDE1);
                Tree::Call(f, vec![sub(rng, budget)])
            }
        }
        3 => {
            let f = *rng.pick(&BUILTINS);
            Tree::Call(f, vec![sub(rng, budget)])
        }
        4 => {
            let op = if rng.below(2) == 0 { '+' } else { '-' };
            let a = sub(rng, budget);
            let b = sub(rng, budget);
            Tree::Bin(op, Box::new(a), Box::new(b))
        }
        5 => {
            let a = sub(rng, budget);
            let b = sub(rng, budget);
            Tree::Bin('*', Box::new(a), Box::new(b))
        }
        6 => {
            let a = sub(rng, budget);
            let b = sub(rng, budget);
            Tree::Bin('/', Box::new(a), Box::new(b))
        }
        7 => {
            let a = sub(rng, budget);
            Tree::Pow(Box::new(a), rng.word(&["2", "3", "-1", "1/2", "4"]))
        }
        8 => Tree::Neg(Box::new(sub(rng, budget))),
        9 => {
            let f = if rng.below(2) == 0 { "max" } else { "min" };
            let a = sub(rng, budget);
            let b = sub(rng, budget);
            Tree::Call(f, vec![a, b])
        }
        10 => {
            let cmp = *rng.pick(&CMPS);
            let a = sub(rng, budget);
            let b = Tree::Atom((*rng.pick(&CONSTANTS)).to_owned());
            let t = sub(rng, budget);
            let e = sub(rng, budget);
            Tree::If(cmp, Box::new([a, b, t, e]))
        }
        11 => {
            // A kink at a rational point.
            let c = Tree::Atom((*rng.pick(&["1/3", "-2/5", "1/2", "1", "-1", "0"])).to_owned());
            let inner = Tree::Bin('-', Box::new(Tree::Var("x")), Box::new(c));
            let f = *rng.pick(&["relu", "abs", "relu6", "hard_tanh", "heaviside"]);
            Tree::Call(f, vec![inner])
        }
        12 => Tree::Diff(Box::new(sub(rng, budget))),
        _ => {
            let a = sub(rng, budget);
            let t = Tree::Atom((*rng.pick(&TINY)).to_owned());
            Tree::Bin('+', Box::new(a), Box::new(t))
        }
    }
}

impl Tree {
    /// The text of the tree in the language (parses back to the same expression).
    #[must_use]
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    fn write(&self, s: &mut String) {
        match self {
            Tree::Atom(a) if a.starts_with('-') || a.contains('/') => {
                let _ = write!(s, "({a})");
            }
            Tree::Atom(a) => s.push_str(a),
            Tree::Var(v) => s.push_str(v),
            Tree::Neg(a) => {
                s.push_str("(-");
                a.write(s);
                s.push(')');
            }
            Tree::Bin(op, a, b) => {
                s.push('(');
                a.write(s);
                let _ = write!(s, " {op} ");
                b.write(s);
                s.push(')');
            }
            Tree::Pow(a, n) => {
                s.push_str("((");
                a.write(s);
                let _ = write!(s, ")^({n}))");
            }
            Tree::Call(f, args) => {
                s.push_str(f);
                s.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    a.write(s);
                }
                s.push(')');
            }
            Tree::If(cmp, parts) => {
                s.push_str("if(");
                parts[0].write(s);
                let _ = write!(s, " {cmp} ");
                parts[1].write(s);
                s.push_str(", ");
                parts[2].write(s);
                s.push_str(", ");
                parts[3].write(s);
                s.push(')');
            }
            Tree::Diff(a) => {
                s.push_str("diff(");
                a.write(s);
                s.push_str(", x)");
            }
        }
    }

    /// The number of nodes.
    #[must_use]
    pub fn size(&self) -> usize {
        1 + self.children().iter().map(|c| c.size()).sum::<usize>()
    }

    /// The direct subtrees.
    #[must_use]
    pub fn children(&self) -> Vec<&Tree> {
        match self {
            Tree::Atom(_) | Tree::Var(_) => vec![],
            Tree::Neg(a) | Tree::Pow(a, _) | Tree::Diff(a) => vec![a],
            Tree::Bin(_, a, b) => vec![a, b],
            Tree::Call(_, args) => args.iter().collect(),
            Tree::If(_, parts) => parts.iter().collect(),
        }
    }

    /// Every subtree, this one first.
    #[must_use]
    pub fn subtrees(&self) -> Vec<&Tree> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() {
            let c = out[i].children();
            out.extend(c);
            i += 1;
        }
        out
    }

    /// The rational kink and branch points written in the tree (`relu(x - 1/3)` gives
    /// `1/3`; `if(x > 1/2, ...)` gives `1/2`), as text.
    #[must_use]
    pub fn kink_points(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in self.subtrees() {
            match t {
                Tree::Bin('-', a, b) if **a == Tree::Var("x") => {
                    if let Tree::Atom(c) = &**b {
                        out.push(c.clone());
                    }
                }
                Tree::If(_, parts) if parts[0] == Tree::Var("x") => {
                    if let Tree::Atom(c) = &parts[1] {
                        out.push(c.clone());
                    }
                }
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Smaller trees, simplest first: each subtree in place of the whole, `x` and `1`
    /// in place of the whole, and each child shrunk in place.
    #[must_use]
    pub fn shrink(&self) -> Vec<Tree> {
        let mut out = Vec::new();
        if *self != Tree::Var("x") {
            out.push(Tree::Var("x"));
        }
        if !matches!(self, Tree::Atom(a) if a == "1") {
            out.push(Tree::Atom("1".to_owned()));
        }
        for c in self.children() {
            out.push(c.clone());
        }
        let n = self.children().len();
        for i in 0..n {
            for smaller in self.children()[i].shrink() {
                let mut t = self.clone();
                *t.child_mut(i) = smaller;
                out.push(t);
            }
        }
        out
    }

    pub(crate) fn child_mut(&mut self, i: usize) -> &mut Tree {
        match self {
            Tree::Atom(_) | Tree::Var(_) => unreachable!("a leaf has no children"),
            Tree::Neg(a) | Tree::Pow(a, _) | Tree::Diff(a) => a,
            Tree::Bin(_, a, b) => {
                if i == 0 {
                    a
                } else {
                    b
                }
            }
            Tree::Call(_, args) => &mut args[i],
            Tree::If(_, parts) => &mut parts[i],
        }
    }
}

//! The expression graph: a hash-consed DAG of nodes in one arena.
//!
//! Every expression actsym handles lives in a [`Graph`]. Nodes are stored in a flat
//! `Vec` and named by [`ExprId`] (a `u32`). A node's children always have smaller ids
//! than the node itself, so iterating ids in increasing order visits children before
//! parents: most passes over the graph are loops, not recursion.
//!
//! Nodes are hash-consed: building the same node twice returns the same id, so
//! structural equality is id equality and shared subexpressions are stored once.
//! The smart constructors in [`build`] are the only way to add a
//! node; they keep nodes canonical (see that module for the rules).
//!
//! ```
//! use actsym::expr::Graph;
//! let mut g = Graph::new();
//! let x = g.var("x");
//! let one = g.int(1);
//! let a = g.add(vec![x, one]);
//! let b = g.add(vec![one, x]);
//! assert_eq!(a, b); // same canonical node
//! ```

pub mod build;
pub(crate) mod convert;
mod definitions;
mod info;
mod power;

use std::collections::HashMap;
use std::fmt;

pub use definitions::{Definition, Definitions, Origin};
pub use info::{NodeInfo, SignInfo};
pub use num_bigint::BigInt;
pub use num_rational::BigRational;

/// The id of a node in a [`Graph`]. Ids are dense `u32` indices into the arena.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ExprId(pub(crate) u32);

impl ExprId {
    /// The index of this node in its graph's arena.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An interned identifier (variable, parameter or function name).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Symbol(pub(crate) u32);

/// Built-in functions of one argument. `sqrt(u)` is not here: it is `u^(1/2)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Func {
    /// `exp(u)`
    Exp,
    /// `log(u)`, natural logarithm, defined for `u > 0`.
    Log,
    /// `abs(u)`
    Abs,
    /// `sign(u)`: -1, 0 or 1.
    Sign,
    /// `tanh(u)`
    Tanh,
    /// `sinh(u)`
    Sinh,
    /// `cosh(u)`
    Cosh,
    /// `erf(u)`
    Erf,
}

impl Func {
    /// Every built-in unary function, in a fixed order.
    pub const ALL: [Func; 8] = [
        Func::Exp,
        Func::Log,
        Func::Abs,
        Func::Sign,
        Func::Tanh,
        Func::Sinh,
        Func::Cosh,
        Func::Erf,
    ];

    /// The name used in the language.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Abs => "abs",
            Func::Sign => "sign",
            Func::Tanh => "tanh",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Erf => "erf",
        }
    }

    /// Looks a built-in unary function up by its name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Comparison operators of conditions (`if` and `where`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// The comparison that holds exactly where this one fails (`<` for `>=`);
    /// `None` for `!=`, whose negation (`=`) is not an operator of conditions.
    #[must_use]
    pub fn negated(self) -> Option<CmpOp> {
        match self {
            CmpOp::Gt => Some(CmpOp::Le),
            CmpOp::Ge => Some(CmpOp::Lt),
            CmpOp::Lt => Some(CmpOp::Ge),
            CmpOp::Le => Some(CmpOp::Gt),
            CmpOp::Ne => None,
        }
    }

    /// The operator as written in the language.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Ne => "!=",
        }
    }

    /// Decides `a op b` for an ordering of `a` against `b`.
    #[must_use]
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Ne => ord != Equal,
        }
    }
}

/// One node of the graph. Children are ids of nodes created earlier.
///
/// Subtraction is `a + (-1)*b`, division is `a * b^(-1)`, `sqrt(u)` is `u^(1/2)`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    /// An exact rational constant.
    Num(BigRational),
    /// The constant pi.
    Pi,
    /// A truth value (a folded condition).
    Bool(bool),
    /// A value that is undefined everywhere (written `undefined`), e.g. the derivative
    /// at a jump. Any operation on it is undefined too.
    Undefined,
    /// A variable or parameter.
    Var(Symbol),
    /// A sum of at least two terms: flattened, like terms collected, ordered, with the
    /// rational constant (if not zero) first.
    Add(Box<[ExprId]>),
    /// A product of at least two factors: flattened, ordered, with the rational
    /// coefficient (if not one) first.
    Mul(Box<[ExprId]>),
    /// `base ^ exponent`.
    Pow(ExprId, ExprId),
    /// A built-in function of one argument.
    Func(Func, ExprId),
    /// `max(a, b)`, arguments ordered.
    Max(ExprId, ExprId),
    /// `min(a, b)`, arguments ordered.
    Min(ExprId, ExprId),
    /// A call of a defined function (prelude or user), kept by name.
    Call(Symbol, Box<[ExprId]>),
    /// A comparison `a op b`; truth-valued.
    Cmp(CmpOp, ExprId, ExprId),
    /// `if(cond, then, else)`.
    If(ExprId, ExprId, ExprId),
    /// An unevaluated derivative `diff(expr, var)`.
    Diff(ExprId, Symbol),
}

/// Hashes a rational by its numerator and denominator. `BigRational` values are
/// always in lowest terms with a positive denominator (num-rational's constructors
/// and arithmetic keep them so), so equal values have equal parts; num-rational's
/// own `Hash` expands the continued fraction of the value instead, a chain of big
/// divisions that dominated interning (the fuzzer's points near 10^-25 apart).
impl std::hash::Hash for Node {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        std::mem::discriminant(self).hash(h);
        match self {
            Node::Num(r) => {
                debug_assert!(r.denom() > &BigInt::from(0));
                r.numer().hash(h);
                r.denom().hash(h);
            }
            Node::Pi | Node::Undefined => {}
            Node::Bool(b) => b.hash(h),
            Node::Var(s) => s.hash(h),
            Node::Add(a) | Node::Mul(a) => a.hash(h),
            Node::Pow(a, b) | Node::Max(a, b) | Node::Min(a, b) => {
                a.hash(h);
                b.hash(h);
            }
            Node::Func(f, a) => {
                f.hash(h);
                a.hash(h);
            }
            Node::Call(f, a) => {
                f.hash(h);
                a.hash(h);
            }
            Node::Cmp(op, a, b) => {
                op.hash(h);
                a.hash(h);
                b.hash(h);
            }
            Node::If(c, a, b) => {
                c.hash(h);
                a.hash(h);
                b.hash(h);
            }
            Node::Diff(e, v) => {
                e.hash(h);
                v.hash(h);
            }
        }
    }
}

/// The hasher of the node table: the multiply-rotate hash of rustc (`FxHasher`).
/// Node keys are small ids and integers, not attacker-chosen strings, so a fast
/// hash serves better than the default SipHash.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(Self::SEED);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The node table's map type.
type NodeMap = HashMap<Node, ExprId, FxBuild>;

/// Builds [`FxHasher`]s: for the sets and maps of ids the walks over a graph keep.
pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// A map keyed by node ids with the Fx hash (the passes' memo tables: ids are small
/// integers, for which SipHash's protection is not needed).
pub(crate) type IdMap<V> = HashMap<ExprId, V, FxBuild>;

impl Node {
    /// The children of this node, in order.
    #[must_use]
    pub fn children(&self) -> Vec<ExprId> {
        match self {
            Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) => Vec::new(),
            Node::Add(a) | Node::Mul(a) | Node::Call(_, a) => a.to_vec(),
            Node::Pow(a, b) | Node::Max(a, b) | Node::Min(a, b) | Node::Cmp(_, a, b) => {
                vec![*a, *b]
            }
            Node::Func(_, a) | Node::Diff(a, _) => vec![*a],
            Node::If(c, a, b) => vec![*c, *a, *b],
        }
    }

    /// Calls `f` on each child of this node, in order (as [`Node::children`] lists
    /// them, without the vector).
    pub(crate) fn each_child(&self, mut f: impl FnMut(ExprId)) {
        match self {
            Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) => {}
            Node::Add(a) | Node::Mul(a) | Node::Call(_, a) => a.iter().for_each(|&c| f(c)),
            Node::Pow(a, b) | Node::Max(a, b) | Node::Min(a, b) | Node::Cmp(_, a, b) => {
                f(*a);
                f(*b);
            }
            Node::Func(_, a) | Node::Diff(a, _) => f(*a),
            Node::If(c, a, b) => {
                f(*c);
                f(*a);
                f(*b);
            }
        }
    }
}

/// Limits that keep every input bounded.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most nodes one operation may add to a graph (counted from the last
    /// [`Graph::begin_operation`], or from the graph's creation).
    pub max_nodes: usize,
    /// The deepest a node may be (a leaf has depth 1).
    pub max_depth: u32,
    /// The most bits an exactly folded constant may have (numerator plus denominator).
    pub max_constant_bits: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_nodes: 4_000_000,
            max_depth: 20_000,
            max_constant_bits: 1 << 20,
        }
    }
}

/// The arena of hash-consed nodes, the symbol table and the definitions.
///
/// [`Graph::new`] is empty; `Graph::with_prelude()` (defined in the `defs` module,
/// which owns definitions) holds the prelude's activation functions.
pub struct Graph {
    nodes: Vec<Node>,
    info: Vec<NodeInfo>,
    memo: NodeMap,
    symbols: Vec<String>,
    symbol_ids: HashMap<String, Symbol>,
    /// The function definitions (prelude and user) this graph's calls refer to.
    defs: Definitions,
    /// The limits this graph enforces; see [`Graph::within_limits`].
    pub limits: Limits,
    /// The first limit the current operation went past.
    over_limit: Option<LimitExceeded>,
    /// The number of nodes when the current operation began.
    operation_start: usize,
    /// Results of the pure passes over this graph's nodes (see [`Pass`]).
    passes: HashMap<(Pass, ExprId), ExprId, FxBuild>,
}

/// A pass whose result for a node is a function of the node and the graph's
/// definitions only, so the graph keeps it ([`Graph::pass_result`]): the passes
/// above (derivatives, unfolding) ask again and again for the same nodes (the
/// certified evaluator unfolds its argument on every call, a `diff(...)` compiled
/// for the fast evaluator is the derivative already taken). Only successful
/// results are kept (an error or a time limit is not), and all are forgotten when a
/// definition is added. The modes are the numbers their passes give them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Pass {
    /// The first derivative with respect to a variable in a mode, simplified.
    Derivative(Symbol, u8),
    /// The expression simplified as a derivative's input is.
    DerivativeInput,
    /// Every `diff(...)` taken in a mode and every definition inlined.
    Unfold(u8),
    /// Every `diff(...)` taken in a mode, other calls kept.
    UnfoldDiffs(u8),
}

/// The size of a graph at one moment: see [`Graph::mark`] and [`Graph::rollback`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    nodes: usize,
    symbols: usize,
    defs: usize,
}

/// A graph grew past one of its [`Limits`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// Too many nodes.
    #[error("expression too large: more than {0} nodes")]
    Nodes(usize),
    /// Too deep.
    #[error("expression nested too deeply: depth above {0}")]
    Depth(u32),
}

impl Default for Graph {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Graph({} nodes)", self.nodes.len())
    }
}

impl Graph {
    /// An empty graph without definitions.
    #[must_use]
    pub fn new() -> Self {
        Graph {
            nodes: Vec::new(),
            info: Vec::new(),
            memo: NodeMap::default(),
            symbols: Vec::new(),
            symbol_ids: HashMap::new(),
            defs: Definitions::default(),
            limits: Limits::default(),
            over_limit: None,
            operation_start: 0,
            passes: HashMap::default(),
        }
    }

    /// The function definitions (prelude and user) this graph's calls refer to.
    /// Read-only: definitions are added through the `defs` module, which checks them.
    #[must_use]
    pub fn defs(&self) -> &Definitions {
        &self.defs
    }

    /// Adds a definition already checked by `defs` (the only caller: see
    /// `tests/layering.rs`). Node facts are not refreshed here.
    pub(crate) fn insert_definition(&mut self, def: Definition) {
        self.passes.clear();
        self.defs.insert(def);
    }

    /// The result of `pass` on `id`, if it was recorded.
    pub(crate) fn pass_result(&self, pass: Pass, id: ExprId) -> Option<ExprId> {
        self.passes.get(&(pass, id)).copied()
    }

    /// Records the (successful) result of `pass` on `id`.
    pub(crate) fn record_pass(&mut self, pass: Pass, id: ExprId, result: ExprId) {
        self.passes.insert((pass, id), result);
    }

    /// Moves `names` to the end of the definitions' listing order.
    pub(crate) fn list_definitions_last(&mut self, names: &[Symbol]) {
        self.defs.list_last(names);
    }

    /// The number of nodes in the arena.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the arena is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node behind an id.
    #[must_use]
    pub fn node(&self, id: ExprId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Facts about a node computed when it was built.
    #[must_use]
    pub fn info(&self, id: ExprId) -> &NodeInfo {
        &self.info[id.index()]
    }

    /// Interns a name.
    pub fn symbol(&mut self, name: &str) -> Symbol {
        if let Some(&s) = self.symbol_ids.get(name) {
            return s;
        }
        let s = Symbol(self.symbols.len() as u32);
        self.symbols.push(name.to_owned());
        self.symbol_ids.insert(name.to_owned(), s);
        s
    }

    /// Looks up an interned name without interning it.
    #[must_use]
    pub fn find_symbol(&self, name: &str) -> Option<Symbol> {
        self.symbol_ids.get(name).copied()
    }

    /// The text of a symbol.
    #[must_use]
    pub fn name(&self, s: Symbol) -> &str {
        &self.symbols[s.0 as usize]
    }

    /// Begins a bounded operation: forgets the limit an earlier operation went past,
    /// and counts the nodes this one adds from here. A graph lives on after an
    /// oversize input, so a driver that reuses one (a session, a fuzzer, a
    /// library user) calls this at the start of each top-level operation; the text
    /// front doors of `defs` (`parse_source`, `parse_expr`, `parse_claim`) do.
    pub fn begin_operation(&mut self) {
        self.over_limit = None;
        self.operation_start = self.nodes.len();
    }

    /// A mark of the graph as it is now, to go back to with [`Graph::rollback`].
    #[must_use]
    pub fn mark(&self) -> Mark {
        Mark {
            nodes: self.nodes.len(),
            symbols: self.symbols.len(),
            defs: self.defs.len(),
        }
    }

    /// Forgets every node and symbol made since `mark` (the arena, its facts and
    /// the hash-consing table shrink back), so a driver that reuses one graph for
    /// many independent operations (a fuzzer's session) keeps it small. Ids made
    /// since the mark must not be used again: they will name other nodes. Returns
    /// `false`, changing nothing, when definitions were added since the mark (their
    /// facts may be in older nodes: the caller builds a fresh graph instead).
    pub fn rollback(&mut self, mark: &Mark) -> bool {
        if self.defs.len() != mark.defs || self.nodes.len() < mark.nodes {
            return false;
        }
        if self.nodes.len() > mark.nodes {
            self.nodes.truncate(mark.nodes);
            self.info.truncate(mark.nodes);
            let kept = mark.nodes;
            self.memo.retain(|_, id| id.index() < kept);
        }
        if self.symbols.len() > mark.symbols {
            self.symbols.truncate(mark.symbols);
            let kept = mark.symbols;
            self.symbol_ids.retain(|_, s| (s.0 as usize) < kept);
        }
        // The passes' results that name a forgotten node or symbol (a node's
        // children are older than it, so a kept result's whole subgraph is kept).
        let (nodes, symbols) = (mark.nodes, mark.symbols);
        self.passes.retain(|&(pass, id), result| {
            let symbol_kept = match pass {
                Pass::Derivative(s, _) => (s.0 as usize) < symbols,
                _ => true,
            };
            symbol_kept && id.index() < nodes && result.index() < nodes
        });
        self.begin_operation();
        true
    }

    /// `Ok` while the current operation is within the graph's limits; otherwise the
    /// first limit it went past. Constructors never fail; drivers (parser,
    /// derivative, simplifier) call this to stop runaway growth.
    pub fn within_limits(&self) -> Result<(), LimitExceeded> {
        match &self.over_limit {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Adds a node (already canonical) or returns the existing id of an equal node.
    pub(crate) fn intern(&mut self, node: Node) -> ExprId {
        if let Some(&id) = self.memo.get(&node) {
            return id;
        }
        let info = info::compute(self, &node);
        if info.depth > self.limits.max_depth && self.over_limit.is_none() {
            self.over_limit = Some(LimitExceeded::Depth(self.limits.max_depth));
        }
        let added = self.nodes.len() - self.operation_start;
        if added >= self.limits.max_nodes && self.over_limit.is_none() {
            self.over_limit = Some(LimitExceeded::Nodes(self.limits.max_nodes));
        }
        let id = ExprId(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.info.push(info);
        self.memo.insert(node, id);
        id
    }

    /// Recomputes the facts of every node, children first. Called after definitions
    /// are registered: calls built before their definition existed (forward
    /// references, the bodies of a file) learn that they are defined everywhere.
    /// Facts only become more precise, so canonical forms built earlier stay sound.
    pub(crate) fn refresh_info(&mut self) {
        self.passes.clear();
        for i in 0..self.nodes.len() {
            let fresh = info::compute(self, &self.nodes[i]);
            self.info[i] = fresh;
        }
    }

    /// Every node reachable from `roots`, in increasing id order (children first).
    #[must_use]
    pub fn reachable(&self, roots: &[ExprId]) -> Vec<ExprId> {
        // A set, not a bitmap over the whole arena: the cost follows the size of the
        // subgraph, not of the graph.
        let mut seen: std::collections::HashSet<ExprId, FxBuild> =
            std::collections::HashSet::default();
        let mut stack: Vec<ExprId> = roots.to_vec();
        let mut out = Vec::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            out.push(id);
            stack.extend(self.node(id).children());
        }
        out.sort_unstable();
        out
    }

    /// The number of distinct nodes reachable from `root` (its size as a DAG).
    #[must_use]
    pub fn dag_size(&self, root: ExprId) -> usize {
        self.reachable(&[root]).len()
    }

    /// The exact rational value of a constant node.
    #[must_use]
    pub fn as_num(&self, id: ExprId) -> Option<&BigRational> {
        match self.node(id) {
            Node::Num(r) => Some(r),
            _ => None,
        }
    }

    /// The variables a node depends on (not counting bound parameters of
    /// definitions, which never appear as free variables of a call site), sorted by name.
    #[must_use]
    pub fn free_vars(&self, root: ExprId) -> Vec<Symbol> {
        let mut vars: Vec<Symbol> = self
            .reachable(&[root])
            .into_iter()
            .filter_map(|id| match self.node(id) {
                Node::Var(s) => Some(*s),
                _ => None,
            })
            .collect();
        vars.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        vars.dedup();
        vars
    }

    /// Rebuilds the subgraph under `root` bottom-up: `f` receives each reachable node
    /// with its children already mapped, and returns the id that replaces it. Runs
    /// without recursion, in id order.
    pub fn rewrite(
        &mut self,
        root: ExprId,
        mut f: impl FnMut(&mut Graph, ExprId, Node) -> ExprId,
    ) -> ExprId {
        let order = self.reachable(&[root]);
        let mut map: HashMap<ExprId, ExprId, FxBuild> =
            HashMap::with_capacity_and_hasher(order.len(), FxBuild::default());
        for id in order {
            let node = self.node(id).clone();
            let mapped = map_children(&node, |c| map[&c]);
            let new = f(self, id, mapped);
            map.insert(id, new);
        }
        map[&root]
    }

    /// Substitutes expressions for variables everywhere under `root`.
    pub fn substitute(&mut self, root: ExprId, bindings: &HashMap<Symbol, ExprId>) -> ExprId {
        self.rewrite(root, |g, id, node| match node {
            Node::Var(s) if bindings.contains_key(&s) => bindings[&s],
            // diff(e, x) binds x: substituting into it would change its meaning, so
            // it stays as it was (and stays unevaluated until differentiated).
            Node::Diff(_, v) if bindings.contains_key(&v) => id,
            other => g.rebuild(other),
        })
    }
}

/// Applies `f` to every child id of `node`.
#[must_use]
pub fn map_children(node: &Node, mut f: impl FnMut(ExprId) -> ExprId) -> Node {
    match node {
        Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) => node.clone(),
        Node::Add(a) => Node::Add(a.iter().map(|&c| f(c)).collect()),
        Node::Mul(a) => Node::Mul(a.iter().map(|&c| f(c)).collect()),
        Node::Call(s, a) => Node::Call(*s, a.iter().map(|&c| f(c)).collect()),
        Node::Pow(a, b) => Node::Pow(f(*a), f(*b)),
        Node::Max(a, b) => Node::Max(f(*a), f(*b)),
        Node::Min(a, b) => Node::Min(f(*a), f(*b)),
        Node::Cmp(op, a, b) => Node::Cmp(*op, f(*a), f(*b)),
        Node::Func(func, a) => Node::Func(*func, f(*a)),
        Node::Diff(a, s) => Node::Diff(f(*a), *s),
        Node::If(c, a, b) => Node::If(f(*c), f(*a), f(*b)),
    }
}

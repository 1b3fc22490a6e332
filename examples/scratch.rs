use actsym::{expr::Graph, parse};
fn main() {
    let mut g = Graph::with_prelude();
    println!("defs: {}", g.defs.len());
    for src in std::env::args().skip(1) {
        match parse::parse_source(&mut g, &src, actsym::defs::Origin::User("<input>".into())) {
            Ok(st) => println!(
                "{:?}",
                st.iter()
                    .map(|s| (&s.kind, s.span.clone()))
                    .collect::<Vec<_>>()
            ),
            Err(e) => print!("{}", e.render(&src, "<input>")),
        }
    }
}

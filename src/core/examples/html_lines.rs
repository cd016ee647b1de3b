//! Print the lines `parse_html` gives for one HTML file, each with its context, to compare the
//! parser with the Python one by eye:
//! `cargo run --release --example html_lines -- page.html [--text]`.
use textsieve_core::html::{parse_html, ANCESTORS};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: html_lines PAGE.html [--text]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let page = parse_html(&String::from_utf8_lossy(&bytes));
    if args.iter().any(|a| a == "--text") {
        print!("{}", page.text);
        return;
    }
    for (line, ctx) in page.text.lines().zip(&page.contexts) {
        match ctx {
            None => println!(),
            Some(c) => {
                let ancestors: Vec<&str> =
                    ANCESTORS.iter().enumerate().filter(|(i, _)| c.ancestors & (1 << i) != 0).map(|(_, a)| *a).collect();
                println!(
                    "{line}\t[{} link={} anc={} list={} hints={} img={} alt={}]",
                    c.tag,
                    c.link_share,
                    ancestors.join(","),
                    c.link_list,
                    c.hints.join(","),
                    c.image,
                    c.alt.join(",")
                );
            }
        }
    }
}

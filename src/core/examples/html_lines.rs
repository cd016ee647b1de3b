//! Print the lines `parse_html` gives for one HTML file, each with its context (or, with
//! `--text`, the text alone), to compare the parser with another by eye or by diff:
//! `cargo run --release --example html_lines -- page.html [--text]`.
use textsieve_core::html::parse_html;

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
    } else {
        print!("{}", page.describe());
    }
}

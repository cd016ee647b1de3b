//! Golden pages: `parse_html` on four hand-written pages (a phpBB forum of tables, forms and
//! `<br>` runs; a 1990s homepage; a fragment without `<html>`; a single-page app shell) must give
//! exactly the lines and contexts in `tests/data/html/*.lines`. The pages themselves are the
//! repository's HTML benchmark pages (`benchmarks/html/pages`), read in place, not copied.
//!
//! The golden files were made by this parser and checked line by line against the Python parser
//! it replaced (`textsieve.html`, lxml): identical, except the intended fix (lines between
//! `<br>`s are tagged "br") and one line of the forum that lxml puts inside a `<form>` opened
//! in a table, where html5ever (like a browser) closes the form at once.
//!
//! After a deliberate change, check the diff, then rewrite the files with
//! `TEXTSIEVE_BLESS=1 cargo test -p textsieve-core --test html_golden`.

use std::path::PathBuf;

use textsieve_core::html::parse_html;

const PAGES: [&str; 4] = [
    "04-forum-phpbb-wifi-drops",
    "06-nineties-dobsonian-homepage",
    "07-fragment-community-orchard",
    "14-spa-rest-days-running",
];

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/html")
}

fn pages_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../benchmarks/html/pages")
}

#[test]
fn html_golden_pages_give_the_same_lines_and_contexts() {
    let bless = std::env::var_os("TEXTSIEVE_BLESS").is_some();
    for name in PAGES {
        let html_path = pages_dir().join(format!("{name}.html"));
        let golden_path = data_dir().join(format!("{name}.lines"));
        let html = std::fs::read_to_string(&html_path).unwrap_or_else(|e| panic!("{}: {e}", html_path.display()));
        let got = parse_html(&html).describe();
        if bless {
            std::fs::write(&golden_path, &got).unwrap_or_else(|e| panic!("{}: {e}", golden_path.display()));
            continue;
        }
        let want = std::fs::read_to_string(&golden_path).unwrap_or_else(|e| panic!("{}: {e}", golden_path.display()));
        if got != want {
            let (i, (g, w)) = got
                .lines()
                .zip(want.lines())
                .enumerate()
                .find(|(_, (g, w))| g != w)
                .unwrap_or((got.lines().count().min(want.lines().count()), ("<end>", "<end>")));
            panic!(
                "{name}: line {} differs from {}\n  got:  {g}\n  want: {w}\n({} lines vs {} golden; \
                 if the change is intended, rerun with TEXTSIEVE_BLESS=1)",
                i + 1,
                golden_path.display(),
                got.lines().count(),
                want.lines().count()
            );
        }
        assert!(want.lines().filter(|l| !l.is_empty()).count() > 10, "{name}: golden file too small to mean much");
    }
}

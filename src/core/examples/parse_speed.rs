//! How fast `parse_html` turns pages into lines:
//! `cargo run --release --example parse_speed -- [-n ROUNDS] PAGE.html...`
//! parses every page ROUNDS times (default 20) and prints MB/s and pages/s over all of them,
//! by wall-clock time and, on Linux, by this thread's CPU time (a shared machine's load
//! inflates the first, not the second).
use std::time::Instant;

use textsieve_core::html::parse_html;

/// CPU time this thread has run, in seconds, from `/proc/thread-self/schedstat` (Linux only).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

fn main() {
    let mut rounds = 20usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-n" {
            rounds = match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => n,
                _ => {
                    eprintln!("-n needs a positive number of rounds");
                    std::process::exit(2);
                }
            };
        } else {
            paths.push(arg);
        }
    }
    if paths.is_empty() {
        eprintln!("usage: parse_speed [-n ROUNDS] PAGE.html...");
        std::process::exit(2);
    }
    let mut pages = Vec::new();
    for path in &paths {
        match std::fs::read(path) {
            Ok(bytes) => pages.push(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                std::process::exit(1);
            }
        }
    }
    let bytes: usize = pages.iter().map(String::len).sum();
    let mut lines = 0usize;
    let (started, cpu_started) = (Instant::now(), thread_cpu_seconds());
    for _ in 0..rounds {
        for page in &pages {
            lines += parse_html(page).contexts.len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds().zip(cpu_started).map(|(end, start)| end - start);
    let n = (pages.len() * rounds) as f64;
    let mb = bytes as f64 * rounds as f64 / 1e6;
    println!(
        "{} pages x {rounds} rounds, {:.2} MB and {} lines per round",
        pages.len(),
        bytes as f64 / 1e6,
        lines / rounds
    );
    println!("wall: {:.1} MB/s, {:.0} pages/s, {:.3} ms per page", mb / seconds, n / seconds, seconds * 1e3 / n);
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        println!("cpu:  {:.1} MB/s, {:.0} pages/s, {:.3} ms per page", mb / cpu, n / cpu, cpu * 1e3 / n);
    }
}

//! textsieve's engine, one module per stage of the data flow:
//! text -> unwrap (or html) -> segment -> features -> first pass -> revision (second pass) -> labels -> link lists -> guard.
//!
//! Pure Rust, no Python: the bindings crate (`src/bindings`) is a thin shell over this crate.
pub mod html;
pub mod unwrap;
pub mod segment;
pub mod features;
pub mod text;
pub mod first_pass;
pub mod revision;
pub mod trees;
pub mod model;
pub mod pipeline;
pub mod link_lists;
pub mod guard;

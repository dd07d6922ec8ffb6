//! A tour of the asyncio guide on simloop: every example built so far, with its trace,
//! its elapsed virtual time and the wall time the run took. It first says where the
//! examples come from (`guide::TOUR_HEADER`): their Rust is in `tests/guide/mod.rs`, and
//! the lines mirror the guide's Python output, reprs included.
//!
//! Run it with `cargo run --example asyncio_guide`.

#[path = "../tests/guide/mod.rs"]
mod guide;

use std::time::Instant as WallInstant;

fn main() {
    let mut total_virtual = std::time::Duration::ZERO;
    let started = WallInstant::now();
    println!("{}\n", guide::TOUR_HEADER);
    for ex in guide::examples() {
        let mut rt = guide::runtime();
        let t0 = WallInstant::now();
        (ex.run)(&mut rt);
        let wall = t0.elapsed();
        let trace = rt.trace();
        total_virtual += trace.elapsed().as_duration();
        println!(
            "== {}. {}  (virtual {}, wall {:.1?}; CPython: tests/oracle/cases/{}.expected)",
            ex.number,
            ex.title,
            trace.elapsed(),
            wall,
            ex.case
        );
        println!("{}\n", trace.text());
    }
    println!(
        "{} examples: {:.3}s of virtual time in {:.1?} of wall time",
        guide::examples().len(),
        total_virtual.as_secs_f64(),
        started.elapsed()
    );
}

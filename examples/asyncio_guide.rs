//! A tour of the asyncio guide on simloop: every example built so far, with its trace,
//! its elapsed virtual time and the wall time the run took.
//!
//! Run it with `cargo run --example asyncio_guide`.

#[path = "../tests/guide/mod.rs"]
mod guide;

use std::time::Instant as WallInstant;

fn main() {
    let mut total_virtual = std::time::Duration::ZERO;
    let started = WallInstant::now();
    for ex in guide::examples() {
        let mut rt = guide::runtime();
        let t0 = WallInstant::now();
        (ex.run)(&mut rt);
        let wall = t0.elapsed();
        let trace = rt.trace();
        total_virtual += trace.elapsed().as_duration();
        println!(
            "== {}. {}  (virtual {}, wall {:.1?})",
            ex.number,
            ex.title,
            trace.elapsed(),
            wall
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

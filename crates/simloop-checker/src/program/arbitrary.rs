//! Decoding arbitrary bytes into a bounded [`Case`] (for cargo-fuzz), with the
//! `arbitrary` crate.

use arbitrary::{Arbitrary, Result, Unstructured};
use simloop_executor::Policy;

use super::ast::{Block, Case, Op, Program, ReturnWhen};

/// Most ops per block when decoding bytes.
pub const MAX_OPS: usize = 10;
/// Most nesting levels of spawns when decoding bytes.
pub const MAX_DEPTH: u32 = 3;
/// Longest sleep when decoding bytes, in ms.
pub const MAX_SLEEP_MS: u32 = 1000;

fn op(u: &mut Unstructured<'_>, depth: u32) -> Result<Op> {
    Ok(match u.int_in_range(0u8..=16)? {
        0..=4 => Op::Sleep(if u.ratio(1, 5)? { 0 } else { u.int_in_range(1..=MAX_SLEEP_MS)? }),
        5..=6 => Op::Log(u.int_in_range(0..=9)?),
        7..=9 => Op::Await { child: u.arbitrary()?, propagate: u.arbitrary()? },
        10 => Op::Cancel(u.arbitrary()?),
        11 => Op::Fail,
        12 => Op::Panic,
        13 if depth > 0 => {
            let n = u.int_in_range(0..=3)?;
            let children = (0..n).map(|_| block(u, depth - 1)).collect::<Result<_>>()?;
            match u.int_in_range(0u8..=3)? {
                0 => Op::Group { children, propagate: u.arbitrary()? },
                1 | 2 => {
                    Op::Gather { children, fail_fast: u.arbitrary()?, propagate: u.arbitrary()? }
                }
                _ => {
                    let mode = match u.int_in_range(0u8..=2)? {
                        0 => ReturnWhen::AllCompleted,
                        1 => ReturnWhen::FirstCompleted,
                        _ => ReturnWhen::FirstException,
                    };
                    let timeout_ms =
                        if u.arbitrary()? { Some(u.int_in_range(1..=MAX_SLEEP_MS)?) } else { None };
                    Op::Wait { mode, timeout_ms, children }
                }
            }
        }
        14 if depth > 0 => {
            Op::Timeout { ms: u.int_in_range(1..=MAX_SLEEP_MS)?, body: block(u, depth - 1)? }
        }
        _ if depth > 0 => Op::Spawn(block(u, depth - 1)?),
        _ => Op::Log(0),
    })
}

fn block(u: &mut Unstructured<'_>, depth: u32) -> Result<Block> {
    let n = u.int_in_range(0..=MAX_OPS)?;
    let mut ops = Vec::with_capacity(n);
    for _ in 0..n {
        if u.is_empty() {
            break;
        }
        ops.push(op(u, depth)?);
    }
    Ok(Block { ops, ret: u.int_in_range(0..=9)? })
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seed = u.arbitrary()?;
        let policy = match u.int_in_range(0u8..=2)? {
            0 => Policy::Fifo,
            1 => Policy::Random,
            _ => {
                Policy::Pct { depth: u.int_in_range(1..=3)?, max_steps: u.int_in_range(10..=500)? }
            }
        };
        let main = block(u, MAX_DEPTH)?;
        Ok(Case { program: Program { main }, seed, policy })
    }
}

/// Decodes any bytes into a case (short input gives a small program; never fails).
///
/// ```
/// let case = simloop_checker::program::case_from_bytes(&[7, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
/// assert!(case.program.depth() <= 4);
/// ```
pub fn case_from_bytes(data: &[u8]) -> Case {
    let mut u = Unstructured::new(data);
    Case::arbitrary(&mut u).unwrap_or_else(|_| Case {
        program: Program::default(),
        seed: 0,
        policy: Policy::Fifo,
    })
}

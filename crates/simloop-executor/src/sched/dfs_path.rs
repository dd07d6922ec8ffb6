//! A DFS path: the choices of one schedule, as the deviations from FIFO order, written
//! `3:1,7:2` ("at choice point 3 take ready step 1, at choice point 7 take ready step 2,
//! FIFO's step everywhere else"), or `fifo` for none.
//!
//! A *choice point* is a step where more than one step was ready; they are numbered from 0
//! in the order the run meets them, and the ready steps of one from 0, oldest first (0 is
//! FIFO's pick). Writing only the deviations keeps a path as short as its preemptions:
//! a schedule with two preemptions is two pairs, however long the run.

use std::fmt;
use std::str::FromStr;

/// The choices of one schedule: `(choice point, index taken)` for every choice point where
/// the pick was not FIFO's, in increasing order of choice point.
///
/// A *choice point* is a step where more than one step was ready; they are numbered from 0
/// in the order the run meets them, and the ready steps of one from 0, oldest first (0 is
/// FIFO's pick). As text (`SIMLOOP_DFS_PATH`) a path is its deviations, `3:1,7:2` ("at
/// choice point 3 take ready step 1, at 7 step 2, FIFO's step everywhere else"), or `fifo`
/// for none: as short as its preemptions, however long the run.
///
/// ```
/// use simloop_executor::sched::DfsPath;
/// let p: DfsPath = "3:1,7:2".parse().unwrap();
/// assert_eq!(p.choice(3), 1);
/// assert_eq!(p.choice(4), 0); // FIFO's pick
/// assert_eq!(p.preemptions(), 2);
/// assert_eq!(p.to_string(), "3:1,7:2");
/// assert_eq!(DfsPath::fifo().to_string(), "fifo");
/// assert_eq!(DfsPath::from_choices(&[0, 0, 0, 1, 0]).to_string(), "3:1");
/// assert!("3:1,2:1".parse::<DfsPath>().unwrap_err().to_string().contains("increasing"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DfsPath {
    deviations: Vec<(usize, usize)>,
}

impl DfsPath {
    /// The empty path: FIFO's pick at every choice point.
    pub fn fifo() -> DfsPath {
        DfsPath::default()
    }

    /// The path that takes `choices[i]` at choice point `i` (and FIFO's pick after them).
    pub fn from_choices(choices: &[usize]) -> DfsPath {
        let deviations =
            choices.iter().enumerate().filter(|(_, c)| **c != 0).map(|(i, c)| (i, *c)).collect();
        DfsPath { deviations }
    }

    /// The index this path takes at choice point `point` (0: FIFO's).
    pub fn choice(&self, point: usize) -> usize {
        match self.deviations.binary_search_by_key(&point, |d| d.0) {
            Ok(i) => self.deviations[i].1,
            Err(_) => 0,
        }
    }

    /// How many picks differ from FIFO's.
    pub fn preemptions(&self) -> usize {
        self.deviations.len()
    }

    /// The deviations, `(choice point, index)`, in increasing order of choice point.
    pub fn deviations(&self) -> &[(usize, usize)] {
        &self.deviations
    }

    /// One past the last choice point this path deviates at (0 for FIFO): the run must
    /// meet at least this many choice points for the path to apply.
    pub fn len(&self) -> usize {
        self.deviations.last().map_or(0, |d| d.0 + 1)
    }

    /// Whether this is FIFO's path (no deviation).
    pub fn is_empty(&self) -> bool {
        self.deviations.is_empty()
    }

    /// This path, then index `index` at choice point `point` (beyond every deviation of
    /// this path; an `index` of 0 adds nothing).
    ///
    /// # Panics
    /// If `point` is not beyond this path's last deviation.
    pub fn then(&self, point: usize, index: usize) -> DfsPath {
        assert!(point >= self.len(), "choice point {point} is not beyond the path {self}");
        let mut deviations = self.deviations.clone();
        if index != 0 {
            deviations.push((point, index));
        }
        DfsPath { deviations }
    }
}

impl fmt::Display for DfsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.deviations.is_empty() {
            return f.write_str("fifo");
        }
        for (i, (point, index)) in self.deviations.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep}{point}:{index}")?;
        }
        Ok(())
    }
}

/// A text that is not a [`DfsPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseDfsPathError {
    /// A part is not `<choice point>:<index>` with two numbers; the part as given.
    NotAPair(String),
    /// The choice points are not in increasing order; the first one out of order.
    NotIncreasing(usize),
}

impl fmt::Display for ParseDfsPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseDfsPathError::NotAPair(part) => write!(
                f,
                "{part:?} is not a deviation: write <choice point>:<index> pairs separated by \
                 commas (e.g. 3:1,7:2), or fifo; copy the path from the failure report"
            ),
            ParseDfsPathError::NotIncreasing(point) => write!(
                f,
                "choice point {point} comes after a later one: the pairs of a DFS path name \
                 their choice points in increasing order (e.g. 3:1,7:2)"
            ),
        }
    }
}

impl std::error::Error for ParseDfsPathError {}

impl FromStr for DfsPath {
    type Err = ParseDfsPathError;

    fn from_str(text: &str) -> Result<DfsPath, ParseDfsPathError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("fifo") {
            return Ok(DfsPath::fifo());
        }
        let mut path = DfsPath::fifo();
        for part in text.split(',') {
            let pair = part.split_once(':').and_then(|(p, i)| {
                Some((p.trim().parse::<usize>().ok()?, i.trim().parse::<usize>().ok()?))
            });
            let (point, index) = pair.ok_or_else(|| ParseDfsPathError::NotAPair(part.into()))?;
            if point < path.len() {
                return Err(ParseDfsPathError::NotIncreasing(point));
            }
            path = path.then(point, index);
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_and_bad_text_is_refused() {
        for text in ["fifo", "0:1", "3:1,7:2", "12:3,13:1,400:2"] {
            assert_eq!(text.parse::<DfsPath>().unwrap().to_string(), text);
        }
        assert_eq!(" FIFO ".parse(), Ok(DfsPath::fifo()));
        assert_eq!("2:0".parse(), Ok(DfsPath::fifo()));
        for bad in ["", "3", "3:", "a:1", "3:1;4:1", "3:-1"] {
            assert!(matches!(bad.parse::<DfsPath>(), Err(ParseDfsPathError::NotAPair(_))), "{bad}");
        }
        assert_eq!("3:1,3:2".parse::<DfsPath>(), Err(ParseDfsPathError::NotIncreasing(3)));
    }

    #[test]
    fn choices_and_deviations_agree() {
        let p = DfsPath::from_choices(&[0, 2, 0, 0, 1, 0, 0]);
        assert_eq!(p.deviations(), &[(1, 2), (4, 1)]);
        assert_eq!((0..7).map(|i| p.choice(i)).collect::<Vec<_>>(), vec![0, 2, 0, 0, 1, 0, 0]);
        assert_eq!((p.len(), p.preemptions()), (5, 2));
        assert_eq!(p.then(9, 1).to_string(), "1:2,4:1,9:1");
        assert_eq!(p.then(9, 0), p);
    }
}

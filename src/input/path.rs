//! Where in the input a value sits, written as a JSON path (`$.members[3].full_name`).

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPath(Vec<Step>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl JsonPath {
    pub fn root() -> Self {
        Self::default()
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn key(&self, key: &str) -> Self {
        self.with(Step::Key(key.to_owned()))
    }

    pub fn index(&self, index: usize) -> Self {
        self.with(Step::Index(index))
    }

    /// The rest of this path below `prefix`, when it lies below it.
    pub fn strip_prefix(&self, prefix: &JsonPath) -> Option<JsonPath> {
        self.0.strip_prefix(prefix.0.as_slice()).map(|rest| JsonPath(rest.to_vec()))
    }

    /// Appends a path that serde reported relative to this one.
    pub(super) fn join_serde(&self, inner: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        let mut path = self.clone();
        for segment in inner {
            match segment {
                Segment::Seq { index } => path.0.push(Step::Index(*index)),
                Segment::Map { key } | Segment::Enum { variant: key } => path.0.push(Step::Key(key.clone())),
                Segment::Unknown => {}
            }
        }
        path
    }

    fn with(&self, step: Step) -> Self {
        let mut path = self.clone();
        path.0.push(step);
        path
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.0 {
            match step {
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for JsonPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

//! Names that a million indicators share: a category's 一级指标 and 二级指标.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable name whose clones share one allocation: every indicator of a category holds
/// the category's names without a copy (a province's model has a million indicators and a few
/// dozen distinct categories). One word, where an `Arc<str>` is two: the text is reached through
/// a second pointer, and a million indicators hold two names each.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(Arc<Box<str>>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name(Arc::new(Box::from(text)))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name(Arc::new(text.into_boxed_str()))
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name::from(text.as_str())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_owned()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The names read so far, each held once: reading a name already seen gives a clone of it.
#[derive(Debug, Default)]
pub struct Names(hashbrown::HashSet<Name>);

impl Names {
    pub fn name(&mut self, text: &str) -> Name {
        if let Some(name) = self.0.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.0.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province holds two names on each of a million indicators.
    #[test]
    fn a_name_is_one_word() {
        assert_eq!(std::mem::size_of::<Name>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn clones_share_the_text_and_compare_as_text() {
        let name = Name::from("产出指标");
        let clone = name.clone();
        assert!(std::ptr::eq(name.as_str(), clone.as_str()));
        assert_eq!(name, "产出指标");
        assert_eq!("产出指标".to_owned(), name);
        assert_eq!(format!("{name} {name:?}"), "产出指标 \"产出指标\"");
    }

    #[test]
    fn names_read_twice_are_one() {
        let mut names = Names::default();
        let first = names.name("数量指标");
        let again = names.name(&String::from("数量指标"));
        assert!(std::ptr::eq(first.as_str(), again.as_str()));
        assert_ne!(names.name("质量指标"), first);
    }
}

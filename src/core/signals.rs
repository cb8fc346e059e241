//! Browser privacy signals: Do Not Track and Global Privacy Control, normalised.

/// Do Not Track as the browser reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dnt {
    /// `"1"` or `"yes"`.
    On,
    /// `"0"` or `"no"`.
    Off,
    /// `null`, `"unspecified"`, absent, or anything else.
    Unset,
}

/// Global Privacy Control as the browser reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gpc {
    /// `navigator.globalPrivacyControl === true`.
    True,
    /// The property exists and is not `true`.
    False,
    /// The browser has no such property.
    Absent,
}

/// The wire name of each [`Dnt`], in the order of its variants.
const DNT_NAMES: [&str; 3] = ["on", "off", "unset"];

/// The wire name of each [`Gpc`], in the order of its variants.
const GPC_NAMES: [&str; 3] = ["true", "false", "absent"];

/// Both signals, as seen on this page view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signals {
    /// Do Not Track.
    pub dnt: Dnt,
    /// Global Privacy Control.
    pub gpc: Gpc,
}

impl Dnt {
    /// Normalises the first present source among `navigator.doNotTrack`, `window.doNotTrack` and
    /// `navigator.msDoNotTrack` (`None` for absent or null).
    pub fn from_sources(sources: &[Option<String>]) -> Dnt {
        // A loop over the slice, not `flatten`: no iterator instantiation of its own.
        for source in sources {
            let Some(s) = source else { continue };
            return match super::text::ascii_case(super::text::trim(s, false), false).as_str() {
                "1" | "yes" => Dnt::On,
                "0" | "no" => Dnt::Off,
                _ => Dnt::Unset,
            };
        }
        Dnt::Unset
    }
    /// The wire name used in records and events: `on`, `off`, `unset`.
    pub fn name(self) -> &'static str {
        DNT_NAMES[self as usize]
    }
    /// The inverse of [`Dnt::name`].
    pub fn from_name(s: &str) -> Option<Dnt> {
        // By a `match` on the index, not a table of the variants (no array on the stack, no bounds
        // check).
        super::text::index_of(&DNT_NAMES, s).map(|i| match i {
            0 => Dnt::On,
            1 => Dnt::Off,
            _ => Dnt::Unset,
        })
    }
}

impl Gpc {
    /// From `navigator.globalPrivacyControl`: `None` when the property is absent.
    pub fn from_property(value: Option<bool>) -> Gpc {
        match value {
            Some(true) => Gpc::True,
            Some(false) => Gpc::False,
            None => Gpc::Absent,
        }
    }
    /// The wire name used in records and events: `true`, `false`, `absent`.
    pub fn name(self) -> &'static str {
        GPC_NAMES[self as usize]
    }
    /// The inverse of [`Gpc::name`].
    pub fn from_name(s: &str) -> Option<Gpc> {
        super::text::index_of(&GPC_NAMES, s).map(|i| match i {
            0 => Gpc::True,
            1 => Gpc::False,
            _ => Gpc::Absent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn dnt_values() {
        let cases: &[(&[Option<String>], Dnt)] = &[
            (&[s("1")], Dnt::On),
            (&[s("yes")], Dnt::On),
            (&[s("0")], Dnt::Off),
            (&[s("no")], Dnt::Off),
            (&[s("unspecified")], Dnt::Unset),
            (&[None, None, None], Dnt::Unset),
            (&[None, s("1"), None], Dnt::On),
            (&[None, None, s("1")], Dnt::On),
            (&[s("0"), s("1")], Dnt::Off),
            (&[s("maybe")], Dnt::Unset),
            (&[], Dnt::Unset),
        ];
        for (sources, want) in cases {
            assert_eq!(Dnt::from_sources(sources), *want, "{sources:?}");
        }
    }

    #[test]
    fn gpc_values_and_names() {
        assert_eq!(Gpc::from_property(Some(true)), Gpc::True);
        assert_eq!(Gpc::from_property(Some(false)), Gpc::False);
        assert_eq!(Gpc::from_property(None), Gpc::Absent);
        for g in [Gpc::True, Gpc::False, Gpc::Absent] {
            assert_eq!(Gpc::from_name(g.name()), Some(g));
        }
        for d in [Dnt::On, Dnt::Off, Dnt::Unset] {
            assert_eq!(Dnt::from_name(d.name()), Some(d));
        }
        // The wire names, each on its own value (records and events carry them).
        let names = [Gpc::True.name(), Gpc::False.name(), Gpc::Absent.name(), Dnt::On.name(), Dnt::Off.name(), Dnt::Unset.name()];
        assert_eq!(names, ["true", "false", "absent", "on", "off", "unset"]);
        assert_eq!((Gpc::from_name("on"), Dnt::from_name("true"), Dnt::from_name("")), (None, None, None));
    }
}

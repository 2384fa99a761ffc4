//! Priority groups a citizen may declare at the kiosk (proof is shown at the counter).

use serde::{Deserialize, Serialize};

/// A declared priority group; `None` is an ordinary ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PriorityGroup {
    /// Ordinary ticket.
    #[default]
    None,
    /// Người cao tuổi (60 and over, per the elderly law).
    Elderly,
    /// Người khuyết tật.
    Disabled,
    /// Phụ nữ mang thai.
    Pregnant,
    /// Người đi cùng trẻ dưới 6 tuổi.
    YoungChild,
    /// Người có công.
    Meritorious,
}

impl PriorityGroup {
    /// Every group, `None` first, in the order the kiosk lists them.
    pub const ALL: [PriorityGroup; 6] = [
        PriorityGroup::None,
        PriorityGroup::Elderly,
        PriorityGroup::Disabled,
        PriorityGroup::Pregnant,
        PriorityGroup::YoungChild,
        PriorityGroup::Meritorious,
    ];

    /// Stable storage and wire code; never change one once written.
    pub fn code(self) -> &'static str {
        match self {
            PriorityGroup::None => "none",
            PriorityGroup::Elderly => "elderly",
            PriorityGroup::Disabled => "disabled",
            PriorityGroup::Pregnant => "pregnant",
            PriorityGroup::YoungChild => "young_child",
            PriorityGroup::Meritorious => "meritorious",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<PriorityGroup> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }

    /// Vietnamese display name, first letter capitalised.
    pub fn name_vi(self) -> &'static str {
        match self {
            PriorityGroup::None => "Không ưu tiên",
            PriorityGroup::Elderly => "Người cao tuổi",
            PriorityGroup::Disabled => "Người khuyết tật",
            PriorityGroup::Pregnant => "Phụ nữ mang thai",
            PriorityGroup::YoungChild => "Người đi cùng trẻ dưới 6 tuổi",
            PriorityGroup::Meritorious => "Người có công",
        }
    }

    /// English display name.
    pub fn name_en(self) -> &'static str {
        match self {
            PriorityGroup::None => "No priority",
            PriorityGroup::Elderly => "Older person (60+)",
            PriorityGroup::Disabled => "Person with a disability",
            PriorityGroup::Pregnant => "Pregnant woman",
            PriorityGroup::YoungChild => "With a child under 6",
            PriorityGroup::Meritorious => "Person with meritorious services",
        }
    }

    /// True for every group except `None`.
    pub fn is_priority(self) -> bool {
        self != PriorityGroup::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for g in PriorityGroup::ALL {
            assert_eq!(PriorityGroup::from_code(g.code()), Some(g));
        }
        assert_eq!(PriorityGroup::from_code("vip"), None);
    }

    #[test]
    fn codes_are_the_stored_ones() {
        let codes: Vec<_> = PriorityGroup::ALL.iter().map(|g| g.code()).collect();
        assert_eq!(
            codes,
            [
                "none",
                "elderly",
                "disabled",
                "pregnant",
                "young_child",
                "meritorious"
            ]
        );
    }

    #[test]
    fn serde_uses_the_codes() {
        for g in PriorityGroup::ALL {
            assert_eq!(
                serde_json::to_string(&g).unwrap(),
                format!("\"{}\"", g.code())
            );
        }
    }

    #[test]
    fn names_are_capitalised() {
        assert_eq!(PriorityGroup::Elderly.name_vi(), "Người cao tuổi");
        assert_eq!(
            PriorityGroup::YoungChild.name_vi(),
            "Người đi cùng trẻ dưới 6 tuổi"
        );
        for g in PriorityGroup::ALL {
            assert!(g.name_vi().chars().next().unwrap().is_uppercase());
            assert!(g.name_en().chars().next().unwrap().is_uppercase());
        }
        assert!(!PriorityGroup::None.is_priority());
        assert!(PriorityGroup::Meritorious.is_priority());
    }
}

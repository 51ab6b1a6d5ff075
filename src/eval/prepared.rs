//! What the all-pairs batch derives from the result of a walk (or of a memoised sub-walk), once:
//! its boxes as [`Item`]s coded by what the rest of the walk asks of them ([`Code`]), ready for a
//! sweep over the subnets. The walk memo keeps one per shared sub-walk; it lives here, below both
//! `walk` and `allpairs`, so neither file depends on the other.

use std::sync::OnceLock;

use crate::eval::sets::IpSet;
use crate::model::ResId;

/// What a part of an open walk is, before the other end is known.
#[derive(Debug, Clone, Copy)]
pub(super) enum Code {
    Dropped,
    Undetermined,
    Local { vpc: Option<ResId>, subnet: Option<ResId> },
    Same { subnet: Option<ResId> },
}

impl Code {
    /// The part's code for the other end `(vpc, subnet)`: only what the rest of the walk asks
    /// (`local` compares the VPCs, `enter` skips the NACL inside the same subnet, same-subnet
    /// delivery needs the owner to be that subnet).
    pub(super) fn for_end(self, vpc: Option<ResId>, subnet: Option<ResId>) -> u8 {
        let same_subnet = |s: Option<ResId>| s.is_some() && s == subnet;
        match self {
            Code::Dropped => 0,
            Code::Undetermined => 1,
            Code::Local { vpc: v, subnet: s } => 2 + u8::from(v == vpc) + 2 * u8::from(same_subnet(s)),
            Code::Same { subnet: s } => 6 + u8::from(same_subnet(s)),
        }
    }

    pub(super) fn subnet(self) -> Option<ResId> {
        match self {
            Code::Local { subnet, .. } | Code::Same { subnet } => subnet,
            _ => None,
        }
    }
}

/// A signature: the parts of a pair's leg, as (code, protocol × ports id), sorted.
pub(super) type Signature = Vec<(u8, u32)>;

/// A box of an open walk's result, ready for the sweep: its code, protocol × ports id, source
/// addresses (one family), and the subnets its destinations cover whole (runs of positions) or
/// in part.
#[derive(Debug)]
pub(super) struct Item {
    pub(super) code: Option<Code>,
    pub(super) af: u32,
    pub(super) src: IpSet,
    /// Every source address of its family (it applies to any source).
    pub(super) src_full: bool,
    pub(super) runs: Vec<(u32, u32)>,
    pub(super) partial: Vec<u32>,
}

/// The items of a walk's result (or of a shared sub-walk's), computed once.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    pub(super) items: Vec<Item>,
    /// Positions of the subnets stops were in (the code may differ there).
    pub(super) special: Vec<u32>,
    /// Its signatures on their own (every item applying), by runs of positions; once.
    pub(super) segments: OnceLock<Segments>,
    /// Every item applies to any source (a shared sub-walk's abstract packets).
    pub(super) any_source: bool,
    /// Then: the positions its items make `ALONE` (in part covered, or unsupported), as runs.
    pub(super) alone: Vec<(u32, u32)>,
}

/// A part's signatures alone: `(start, end, content)` runs of positions, the contents, and their
/// global ids.
#[derive(Debug, Default)]
pub(super) struct Segments {
    pub(super) runs: Vec<(u32, u32, u32)>,
    pub(super) contents: Vec<Signature>,
    pub(super) ids: Vec<u32>,
}

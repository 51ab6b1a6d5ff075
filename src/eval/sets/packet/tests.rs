use super::*;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

fn net(s: &str) -> IpSet {
    IpSet::from_net(s.parse().unwrap())
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn sock(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn tcp_to(dst: &str, ports: PortSet) -> PacketSet {
    PacketSet::from(PacketMatch { protocols: Protocol::TCP.set(), dst: net(dst), b: ports, ..PacketMatch::all() })
}

/// Every box canonical, non-empty, and disjoint from every other box of its family.
fn check_invariants(set: &PacketSet) -> Result<(), String> {
    fn family<A: Address>(boxes: &[PacketBox<A>]) -> Result<(), String> {
        for (i, b) in boxes.iter().enumerate() {
            if b.is_empty() {
                return Err(format!("empty box {b}"));
            }
            if !b.has_full_l4() {
                let kind = L4Kind::of_set(&b.protocols);
                if !matches!(kind, Some(L4Kind::Ports | L4Kind::Icmp)) {
                    return Err(format!("L4 restricted on mixed or other protocols: {b}"));
                }
                if kind == Some(L4Kind::Icmp)
                    && (canonical_icmp_field(&b.a) != b.a || canonical_icmp_field(&b.b) != b.b)
                {
                    return Err(format!("non-canonical ICMP field: {b:?}"));
                }
            }
            for other in &boxes[i + 1..] {
                if b.intersects(other) {
                    return Err(format!("overlapping boxes {b} and {other}"));
                }
            }
        }
        if !boxes.is_sorted_by(|x, y| display_order(x, y).is_le()) {
            return Err("boxes not sorted".into());
        }
        Ok(())
    }
    family(set.v4_boxes())?;
    family(set.v6_boxes())
}

// ---- construction and the canonical encoding ---------------------------------------------------

#[test]
fn all_holds_every_packet_of_both_families_and_empty_none() {
    let packets = [
        Packet::tcp(sock("10.0.0.1:32768"), sock("10.0.1.5:443")),
        Packet::udp(sock("[2600::1]:53"), sock("[2600::2]:0")),
        Packet::icmp(ip("0.0.0.0"), ip("255.255.255.255"), 8, 0),
        Packet::icmp(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 128, 0),
        Packet::new(Protocol(50), ip("10.0.0.1"), ip("10.0.0.2"), 0, 0),
        Packet::new(Protocol(255), ip("::1"), ip("::2"), 65535, 65535),
    ];
    for p in &packets {
        assert!(PacketSet::all().contains(p), "{p}");
        assert!(!PacketSet::empty().contains(p), "{p}");
    }
    assert_eq!(PacketSet::all().box_count(), 2);
    assert!(PacketSet::empty().is_empty());
    assert!(!PacketSet::all().is_empty());
    assert!(PacketSet::all().complement().is_empty());
    assert_eq!(PacketSet::empty().complement(), PacketSet::all());
}

#[test]
fn a_packet_mixing_families_belongs_to_no_set() {
    let p = Packet::tcp(sock("10.0.0.1:1"), sock("[::1]:22"));
    assert_eq!(p.family(), None);
    assert!(!PacketSet::all().contains(&p));
}

#[test]
fn a_match_becomes_one_box_per_family_present() {
    let both =
        PacketSet::from(PacketMatch { protocols: Protocol::TCP.set(), b: PortSet::single(443), ..PacketMatch::all() });
    assert_eq!(both.v4_boxes().len(), 1);
    assert_eq!(both.v6_boxes().len(), 1);
    let v4_only = tcp_to("10.0.0.0/16", PortSet::single(443));
    assert_eq!(v4_only.v4_boxes().len(), 1);
    assert!(v4_only.v6_boxes().is_empty(), "no IPv6 destination, no IPv6 box");
    let nothing = PacketSet::from(PacketMatch { src: IpSet::any_v4(), dst: IpSet::any_v6(), ..PacketMatch::all() });
    assert!(nothing.is_empty(), "an IPv4 source never reaches an IPv6 destination");
}

#[test]
fn a_box_with_an_empty_dimension_is_no_packets() {
    let b = PacketBox::<u32> { a: PortSet::empty(), ..PacketBox::all() };
    assert!(b.is_empty());
    assert!(PacketSet::from(b).is_empty());
}

#[test]
fn ports_on_all_protocols_split_by_protocol_kind() {
    // A literal product of "all protocols" and "destination port 22": TCP/UDP keep the port,
    // ICMP reads it as code 22, and other protocols have no ports to restrict.
    let set = PacketSet::from(PacketMatch {
        b: PortSet::single(22),
        src: IpSet::any_v4(),
        dst: IpSet::any_v4(),
        ..PacketMatch::all()
    });
    assert_eq!(
        set.to_string(),
        "{tcp, udp} 0.0.0.0/0 -> 0.0.0.0/0 dport 22; \
         {icmp, icmpv6} 0.0.0.0/0 -> 0.0.0.0/0 code 22; \
         {0, 2-5, 7-16, 18-57, 59-255} 0.0.0.0/0 -> 0.0.0.0/0"
    );
    check_invariants(&set).unwrap();
    let esp = Packet::new(Protocol(50), ip("10.0.0.1"), ip("10.0.0.2"), 0, 0);
    assert!(set.contains(&esp));
    assert!(!set.contains(&Packet::tcp(sock("10.0.0.1:1"), sock("10.0.0.2:23"))));
}

#[test]
fn ports_given_with_other_protocols_are_ignored_as_aws_does() {
    let esp_22 =
        PacketSet::from(PacketMatch { protocols: ProtoSet::single(50), b: PortSet::single(22), ..PacketMatch::all() });
    let esp = PacketSet::from(PacketMatch { protocols: ProtoSet::single(50), ..PacketMatch::all() });
    assert_eq!(esp_22, esp);
    assert!(esp_22.contains(&Packet::new(Protocol(50), ip("10.0.0.1"), ip("10.0.0.2"), 7, 9)));
}

#[test]
fn icmp_types_0_to_255_are_any_type() {
    let icmp = |a: PortSet| PacketSet::from(PacketMatch { protocols: Protocol::ICMP.set(), a, ..PacketMatch::all() });
    let any_type = icmp(PortSet::full());
    assert_eq!(icmp(PortSet::range(0, 255)), any_type);
    assert_eq!(icmp(PortSet::range(0, 300)), any_type);
    assert!(icmp(PortSet::range(256, 65535)).is_empty(), "no ICMP type above 255");
    let not_echo = any_type.difference(&icmp(PortSet::single(8)));
    assert_eq!(not_echo.icmp_types().to_string(), "0-7, 9-255");
    assert_eq!(
        not_echo.to_string(),
        "icmp 0.0.0.0/0 -> 0.0.0.0/0 type {0-7, 9-255}; icmp ::/0 -> ::/0 type {0-7, 9-255}"
    );
    assert_eq!(
        not_echo.union(&icmp(PortSet::range(8, 8))),
        any_type,
        "merging back the echo request type restores any type"
    );
    assert_eq!(not_echo.union(&icmp(PortSet::single(8))).box_count(), 2);
}

// ---- operations --------------------------------------------------------------------------------

#[test]
fn union_of_adjacent_port_ranges_is_one_box() {
    let ssh = tcp_to("10.0.1.0/24", PortSet::single(22));
    let telnet = tcp_to("10.0.1.0/24", PortSet::single(23));
    let both = ssh.union(&telnet);
    assert_eq!(both.box_count(), 1);
    assert_eq!(both.to_string(), "tcp 0.0.0.0/0 -> 10.0.1.0/24 dport 22-23");
}

#[test]
fn union_merges_tcp_and_udp_with_the_same_ports_but_not_icmp() {
    let on = |p: Protocol| {
        PacketSet::from(PacketMatch {
            protocols: p.set(),
            src: IpSet::any_v4(),
            b: PortSet::single(53),
            ..PacketMatch::all()
        })
    };
    let dns = on(Protocol::TCP).union(&on(Protocol::UDP));
    assert_eq!(dns.to_string(), "{tcp, udp} 0.0.0.0/0 -> 0.0.0.0/0 dport 53");
    let with_icmp = dns.union(&on(Protocol::ICMP));
    assert_eq!(with_icmp.box_count(), 2, "icmp code 53 is not port 53");
    check_invariants(&with_icmp).unwrap();
}

#[test]
fn union_of_adjacent_cidrs_merges_addresses() {
    let a = tcp_to("10.0.0.0/24", PortSet::single(443));
    let b = tcp_to("10.0.1.0/24", PortSet::single(443));
    assert_eq!(a.union(&b).to_string(), "tcp 0.0.0.0/0 -> 10.0.0.0/23 dport 443");
}

#[test]
fn union_with_an_overlapping_set_keeps_boxes_disjoint() {
    let wide = tcp_to("10.0.0.0/16", PortSet::range(1000, 2000));
    let other = tcp_to("10.0.5.0/24", PortSet::range(1500, 3000));
    let u = wide.union(&other);
    check_invariants(&u).unwrap();
    assert_eq!(u.box_count(), 2);
    assert!(u.contains(&Packet::tcp(sock("1.2.3.4:1"), sock("10.0.5.9:2500"))));
    assert!(!u.contains(&Packet::tcp(sock("1.2.3.4:1"), sock("10.0.6.9:2500"))));
    assert_eq!(u, other.union(&wide));
}

#[test]
fn intersect_narrows_every_dimension() {
    let web = tcp_to("10.0.0.0/16", PortSet::range(80, 443));
    let subnet_https = tcp_to("10.0.3.0/24", PortSet::range(443, 8443));
    let both = web.intersect(&subnet_https);
    assert_eq!(both.to_string(), "tcp 0.0.0.0/0 -> 10.0.3.0/24 dport 443");
    assert!(web.intersect(&PacketSet::empty()).is_empty());
    assert_eq!(web.intersect(&PacketSet::all()), web);
    let udp = PacketSet::from(PacketMatch { protocols: Protocol::UDP.set(), ..PacketMatch::all() });
    assert!(web.intersect(&udp).is_empty());
    assert!(!web.intersects(&udp));
    assert!(web.intersects(&subnet_https));
}

#[test]
fn difference_of_all_minus_one_port_stays_small() {
    let ssh = tcp_to("10.0.1.0/24", PortSet::single(22));
    let rest = PacketSet::all().difference(&ssh);
    check_invariants(&rest).unwrap();
    assert!(rest.box_count() <= 6, "{rest}");
    assert!(!rest.contains(&Packet::tcp(sock("8.8.8.8:40000"), sock("10.0.1.9:22"))));
    assert!(rest.contains(&Packet::tcp(sock("8.8.8.8:40000"), sock("10.0.1.9:21"))));
    assert!(rest.contains(&Packet::tcp(sock("8.8.8.8:40000"), sock("10.0.2.9:22"))));
    assert!(rest.contains(&Packet::udp(sock("8.8.8.8:40000"), sock("10.0.1.9:22"))));
    assert!(rest.contains(&Packet::tcp(sock("[::1]:40000"), sock("[::2]:22"))));
    assert_eq!(rest.complement(), ssh);
    assert_eq!(rest.union(&ssh), PacketSet::all());
}

#[test]
fn difference_by_itself_or_a_superset_is_empty() {
    let ssh = tcp_to("10.0.1.0/24", PortSet::single(22));
    assert!(ssh.difference(&ssh).is_empty());
    assert!(ssh.difference(&PacketSet::all()).is_empty());
    assert_eq!(ssh.difference(&PacketSet::empty()), ssh);
}

#[test]
fn subset_follows_every_dimension() {
    let ssh = tcp_to("10.0.1.0/24", PortSet::single(22));
    let vpc_tcp = tcp_to("10.0.0.0/16", PortSet::full());
    assert!(ssh.is_subset(&vpc_tcp));
    assert!(!vpc_tcp.is_subset(&ssh));
    assert!(PacketSet::empty().is_subset(&ssh));
    assert!(ssh.is_subset(&PacketSet::all()));
    // Covered only by two boxes together.
    let low = tcp_to("10.0.1.0/24", PortSet::range(0, 22));
    let high = tcp_to("10.0.1.0/24", PortSet::range(23, 100));
    let ssh_telnet = tcp_to("10.0.1.0/24", PortSet::range(22, 23));
    let cover = PacketSet { v4: vec![low.v4[0].clone(), high.v4[0].clone()], v6: vec![] };
    assert!(ssh_telnet.is_subset(&cover));
}

#[test]
fn equality_compares_packets_not_boxes() {
    let a = tcp_to("10.0.0.0/23", PortSet::single(22));
    let b = PacketSet {
        v4: vec![
            tcp_to("10.0.0.0/24", PortSet::single(22)).v4[0].clone(),
            tcp_to("10.0.1.0/24", PortSet::single(22)).v4[0].clone(),
        ],
        v6: vec![],
    };
    assert_eq!(a, b);
    assert_ne!(a, tcp_to("10.0.0.0/24", PortSet::single(22)));
}

#[test]
fn from_boxes_unions_overlapping_boxes() {
    let b = |lo: u16, hi: u16| V4Box { protocols: Protocol::TCP.set(), b: PortSet::range(lo, hi), ..PacketBox::all() };
    let set = PacketSet::from_boxes([b(10, 20), b(15, 30), b(31, 40)]);
    assert_eq!(set.box_count(), 1);
    assert_eq!(set.dst_ports().to_string(), "10-40");
    assert!(PacketSet::from_boxes(Vec::<V6Box>::new()).is_empty());
}

#[test]
fn reverse_swaps_addresses_and_tcp_ports() {
    let forward = PacketSet::from(PacketMatch {
        protocols: Protocol::TCP.set(),
        src: net("10.0.1.0/24"),
        dst: net("10.0.2.0/24"),
        a: PortSet::range(32768, 60999),
        b: PortSet::single(443),
    });
    let replies = forward.reverse();
    assert_eq!(replies.to_string(), "tcp 10.0.2.0/24 -> 10.0.1.0/24 sport 443 dport 32768-60999");
    assert_eq!(replies.reverse(), forward);
    let p = Packet::tcp(sock("10.0.1.7:40000"), sock("10.0.2.9:443"));
    assert!(forward.contains(&p));
    assert!(replies.contains(&p.reverse()));
    assert_eq!(p.reverse().to_string(), "tcp 10.0.2.9:443 -> 10.0.1.7:40000");
}

#[test]
fn reverse_keeps_icmp_type_and_code() {
    let ping = PacketSet::from(PacketMatch {
        protocols: Protocol::ICMP.set(),
        src: net("10.0.1.0/24"),
        dst: net("10.0.2.0/24"),
        a: PortSet::single(8),
        b: PortSet::single(0),
    });
    assert_eq!(ping.reverse().to_string(), "icmp 10.0.2.0/24 -> 10.0.1.0/24 type 8 code 0");
    let p = Packet::icmp(ip("10.0.1.1"), ip("10.0.2.2"), 8, 0);
    assert_eq!(p.reverse(), Packet::icmp(ip("10.0.2.2"), ip("10.0.1.1"), 8, 0));
}

#[test]
fn reverse_of_all_protocols_swaps_only_addresses() {
    let from_vpc = PacketSet::from(PacketMatch { src: net("10.0.0.0/16"), ..PacketMatch::all() });
    assert_eq!(from_vpc.reverse().to_string(), "all 0.0.0.0/0 -> 10.0.0.0/16");
}

// ---- projections, sampling, display -----------------------------------------------------------

#[test]
fn projections_collect_one_dimension() {
    let set = tcp_to("10.0.1.0/24", PortSet::single(22)).union(&tcp_to("10.0.2.0/24", PortSet::single(443))).union(
        &PacketSet::from(PacketMatch {
            protocols: Protocol::ICMPV6.set(),
            dst: net("2600::/56"),
            a: PortSet::single(128),
            ..PacketMatch::all()
        }),
    );
    assert_eq!(set.dst_ports().to_string(), "22, 443");
    assert!(set.src_ports().is_full());
    assert_eq!(set.icmp_types().to_string(), "128");
    assert!(set.icmp_codes().is_full());
    assert_eq!(set.protocols(), ProtoSet::from_ranges([(6, 6), (58, 58)]));
    assert_eq!(set.dst_addrs().to_string(), "10.0.1.0/24, 10.0.2.0/24, 2600::/56");
    assert_eq!(set.src_addrs(), IpSet::any());
    assert!(PacketSet::empty().dst_ports().is_empty());
    assert!(PacketSet::all().dst_ports().is_full(), "all protocols includes every port");
}

#[test]
fn sample_prefers_tcp_and_lies_in_the_set() {
    assert_eq!(PacketSet::empty().sample(), None);
    let all = PacketSet::all();
    let p = all.sample().unwrap();
    assert_eq!(p.protocol, Protocol::TCP);
    assert_eq!(p.to_string(), "tcp 0.0.0.0:0 -> 0.0.0.0:0");
    let v6_ping = PacketSet::from(PacketMatch {
        protocols: Protocol::ICMPV6.set(),
        dst: net("2600::/56"),
        a: PortSet::single(128),
        ..PacketMatch::all()
    });
    let p = v6_ping.sample().unwrap();
    assert_eq!(p.to_string(), "icmpv6 :: -> 2600:: type 128 code 0");
    assert!(v6_ping.contains(&p));
}

#[test]
fn packets_display_like_flows() {
    assert_eq!(
        Packet::udp(sock("[2600::1]:5353"), sock("[2600::2]:53")).to_string(),
        "udp [2600::1]:5353 -> [2600::2]:53"
    );
    assert_eq!(
        Packet::icmp(ip("10.0.0.1"), ip("10.0.0.2"), 3, 4).to_string(),
        "icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4"
    );
    assert_eq!(
        Packet::new(Protocol(50), ip("10.0.0.1"), ip("10.0.0.2"), 0, 0).to_string(),
        "protocol 50 10.0.0.1 -> 10.0.0.2"
    );
}

#[test]
fn sets_display_boxes_and_debug_braces_them() {
    assert_eq!(PacketSet::empty().to_string(), "none");
    assert_eq!(format!("{:?}", PacketSet::empty()), "{}");
    assert_eq!(PacketSet::all().to_string(), "all 0.0.0.0/0 -> 0.0.0.0/0; all ::/0 -> ::/0");
    let set = PacketSet::from(PacketMatch {
        protocols: Protocol::TCP.set(),
        src: IpSet::from_nets(["10.0.0.0/24".parse().unwrap(), "10.0.9.0/24".parse().unwrap()]),
        dst: net("10.1.0.0/16"),
        a: PortSet::full(),
        b: PortSet::from_ranges([(22, 22), (443, 443)]),
    });
    assert_eq!(format!("{set:?}"), "{tcp {10.0.0.0/24, 10.0.9.0/24} -> 10.1.0.0/16 dport {22, 443}}");
    let boxes: Vec<String> = set.boxes().map(|b| b.to_string()).collect();
    assert_eq!(boxes.len(), 1);
    assert!(matches!(set.boxes().next(), Some(BoxRef::V4(_))));
    assert_eq!(set.boxes_of::<u32>().len(), 1);
    assert!(set.boxes_of::<u128>().is_empty());
    assert_eq!(set.v4_boxes()[0].family(), Family::V4);
}

// ---- how the evaluator uses it -----------------------------------------------------------------

#[test]
fn nat_subnet_nacl_with_the_linux_ephemeral_range_drops_56_percent_of_nat_ports() {
    // docs/semantics.md §3.5: replies to a NAT gateway arrive on 1024-65535.
    let nat = "10.0.0.10/32";
    let replies = PacketSet::from(PacketMatch {
        protocols: Protocol::TCP.set(),
        src: IpSet::any_v4(),
        dst: net(nat),
        a: PortSet::single(443),
        b: PortSet::range(1024, 65535),
    });
    // Inbound NACL: rule 100 allows tcp 32768-60999 from anywhere; the `*` rule denies the rest.
    let rule_100 = tcp_to("0.0.0.0/0", PortSet::range(32768, 60999));
    let dropped = replies.difference(&rule_100);
    let dropped_ports = dropped.dst_ports();
    assert_eq!(dropped_ports.to_string(), "1024-32767, 61000-65535");
    let share = dropped_ports.count() * 1000 / replies.dst_ports().count();
    assert_eq!(share, 562, "56.2% of the NAT's ports");
}

#[test]
fn nacl_first_match_makes_an_earlier_deny_win_over_a_later_allow() {
    // rule 90 deny tcp 22, rule 100 allow all: rule i decides match(i) − match(earlier rules).
    let rules = [(false, tcp_to("0.0.0.0/0", PortSet::single(22))), (true, PacketSet::all())];
    let mut decided = PacketSet::empty();
    let mut allowed = PacketSet::empty();
    for (allow, matched) in &rules {
        if *allow {
            allowed = allowed.union(&matched.difference(&decided));
        }
        decided = decided.union(matched);
    }
    assert!(!allowed.contains(&Packet::tcp(sock("1.1.1.1:5000"), sock("10.0.0.1:22"))));
    assert!(allowed.contains(&Packet::tcp(sock("1.1.1.1:5000"), sock("10.0.0.1:23"))));
    assert!(allowed.contains(&Packet::udp(sock("1.1.1.1:5000"), sock("10.0.0.1:22"))));
    assert!(allowed.box_count() <= 4, "{allowed}");
}

// ---- property tests over a reduced universe ----------------------------------------------------

const PROTOCOLS: [u8; 7] = [0, 1, 6, 17, 50, 58, 255];
const PORTS: [u16; 12] = [0, 1, 2, 22, 23, 254, 255, 256, 1023, 1024, 65534, 65535];
const V4: [u32; 8] = [0, 1, 2, 3, 5, 8, u32::MAX - 1, u32::MAX];
const V6: [u128; 8] = [0, 1, 2, 3, 5, 8, u128::MAX - 1, u128::MAX];

fn arb_interval<T: Unsigned>(values: &'static [T]) -> impl Strategy<Value = IntervalSet<T>> {
    let end = prop::sample::select(values);
    prop_oneof![
        1 => Just(IntervalSet::full()),
        1 => Just(IntervalSet::empty()),
        6 => prop::collection::vec((end.clone(), end), 1..3).prop_map(IntervalSet::from_ranges),
    ]
}

fn arb_protocols() -> impl Strategy<Value = ProtoSet> {
    prop_oneof![
        2 => Just(ProtoSet::full()),
        4 => prop::collection::vec(prop::sample::select(&PROTOCOLS[..]), 1..3)
            .prop_map(|ps| ProtoSet::from_ranges(ps.into_iter().map(|p| (p, p)))),
        1 => arb_interval(&PROTOCOLS),
    ]
}

fn arb_box<A: Address>(addrs: &'static [A]) -> impl Strategy<Value = PacketBox<A>> {
    (arb_protocols(), arb_interval(addrs), arb_interval(addrs), arb_interval(&PORTS), arb_interval(&PORTS))
        .prop_map(|(protocols, src, dst, a, b)| PacketBox { protocols, src, dst, a, b })
}

/// Raw (possibly overlapping, non-canonical) boxes, and the set they make.
#[derive(Debug, Clone)]
struct Raw {
    v4: Vec<V4Box>,
    v6: Vec<V6Box>,
}

impl Raw {
    fn set(&self) -> PacketSet {
        PacketSet::from_boxes(self.v4.iter().cloned()).union(&PacketSet::from_boxes(self.v6.iter().cloned()))
    }

    /// The model: membership straight from the raw boxes with AWS's reading of `a`/`b`.
    fn contains(&self, p: &Packet) -> bool {
        self.v4.iter().any(|b| model_contains(b, p)) || self.v6.iter().any(|b| model_contains(b, p))
    }
}

fn model_contains<A: Address>(b: &PacketBox<A>, p: &Packet) -> bool {
    if b.is_empty() {
        return false;
    }
    let (Some(src), Some(dst)) = (A::from_ip(p.src), A::from_ip(p.dst)) else {
        return false;
    };
    let icmp = |field: &PortSet, v: u16| field.intersect(&PortSet::range(0, 255)).contains(v.min(255));
    b.protocols.contains(p.protocol.number())
        && b.src.contains(src)
        && b.dst.contains(dst)
        && match p.protocol.kind() {
            L4Kind::Ports => b.a.contains(p.a) && b.b.contains(p.b),
            L4Kind::Icmp => icmp(&b.a, p.a) && icmp(&b.b, p.b),
            L4Kind::Other => true,
        }
}

fn arb_raw() -> impl Strategy<Value = Raw> {
    (prop::collection::vec(arb_box(&V4), 0..4), prop::collection::vec(arb_box(&V6), 0..3))
        .prop_map(|(v4, v6)| Raw { v4, v6 })
}

fn arb_packet() -> impl Strategy<Value = Packet> {
    let port = || prop::sample::select(&PORTS[..]);
    let v4 = || prop::sample::select(&V4[..]).prop_map(|a| IpAddr::V4(Ipv4Addr::from(a)));
    let v6 = || prop::sample::select(&V6[..]).prop_map(|a| IpAddr::V6(Ipv6Addr::from(a)));
    let addrs = prop_oneof![
        4 => (v4(), v4()),
        4 => (v6(), v6()),
        1 => (v4(), v6()),
    ];
    (prop::sample::select(&PROTOCOLS[..]), addrs, port(), port())
        .prop_map(|(protocol, (src, dst), a, b)| Packet::new(Protocol(protocol), src, dst, a, b))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn construction_matches_the_model(raw in arb_raw(), packets in prop::collection::vec(arb_packet(), 64)) {
        let set = raw.set();
        check_invariants(&set).map_err(TestCaseError::fail)?;
        for p in &packets {
            prop_assert_eq!(set.contains(p), raw.contains(p), "{} in {}", p, set);
        }
    }

    #[test]
    fn operations_match_boolean_membership(
        a in arb_raw(),
        b in arb_raw(),
        packets in prop::collection::vec(arb_packet(), 64),
    ) {
        let (sa, sb) = (a.set(), b.set());
        let union = sa.union(&sb);
        let inter = sa.intersect(&sb);
        let diff = sa.difference(&sb);
        let comp = sa.complement();
        for s in [&union, &inter, &diff, &comp] {
            check_invariants(s).map_err(TestCaseError::fail)?;
        }
        for p in &packets {
            let (ia, ib) = (raw_in(&a, &sa, p)?, raw_in(&b, &sb, p)?);
            prop_assert_eq!(union.contains(p), ia || ib, "union, {}", p);
            prop_assert_eq!(inter.contains(p), ia && ib, "intersect, {}", p);
            prop_assert_eq!(diff.contains(p), ia && !ib, "difference, {}", p);
            prop_assert_eq!(comp.contains(p), !ia && p.family().is_some(), "complement, {}", p);
        }
        prop_assert_eq!(sa.intersects(&sb), !inter.is_empty());
    }

    #[test]
    fn subset_agrees_with_an_empty_difference(
        a in arb_raw(),
        b in arb_raw(),
        packets in prop::collection::vec(arb_packet(), 64),
    ) {
        let (sa, sb) = (a.set(), b.set());
        let subset = sa.is_subset(&sb);
        prop_assert_eq!(subset, sa.difference(&sb).is_empty());
        if subset {
            for p in &packets {
                prop_assert!(!sa.contains(p) || sb.contains(p), "{}", p);
            }
        }
        let inter = sa.intersect(&sb);
        prop_assert!(inter.is_subset(&sa));
        prop_assert!(inter.is_subset(&sb));
        prop_assert!(sa.is_subset(&sa.union(&sb)));
    }

    #[test]
    fn algebraic_identities_hold(a in arb_raw(), b in arb_raw()) {
        let (sa, sb) = (a.set(), b.set());
        prop_assert_eq!(sa.union(&sb), sb.union(&sa));
        prop_assert_eq!(sa.intersect(&sb), sb.intersect(&sa));
        prop_assert_eq!(sa.difference(&sb).union(&sa.intersect(&sb)), sa.clone());
        prop_assert_eq!(sa.complement().complement(), sa.clone());
        prop_assert_eq!(sa.reverse().reverse(), sa.clone());
    }

    #[test]
    fn reverse_holds_exactly_the_replies(raw in arb_raw(), packets in prop::collection::vec(arb_packet(), 64)) {
        let set = raw.set();
        let replies = set.reverse();
        check_invariants(&replies).map_err(TestCaseError::fail)?;
        for p in &packets {
            prop_assert_eq!(replies.contains(&p.reverse()), set.contains(p), "{}", p);
        }
    }

    #[test]
    fn projections_and_samples_come_from_members(raw in arb_raw(), packets in prop::collection::vec(arb_packet(), 64)) {
        let set = raw.set();
        prop_assert_eq!(set.sample().is_none(), set.is_empty());
        if let Some(p) = set.sample() {
            prop_assert!(set.contains(&p), "sample {} in {}", p, set);
        }
        let (dst_ports, src_ports) = (set.dst_ports(), set.src_ports());
        let (types, codes) = (set.icmp_types(), set.icmp_codes());
        for p in packets.iter().filter(|p| set.contains(p)) {
            prop_assert!(set.protocols().contains(p.protocol.number()));
            prop_assert!(set.src_addrs().contains(p.src) && set.dst_addrs().contains(p.dst));
            match p.protocol.kind() {
                L4Kind::Ports => {
                    prop_assert!(src_ports.contains(p.a) && dst_ports.contains(p.b));
                }
                L4Kind::Icmp if p.a <= 255 && p.b <= 255 => {
                    prop_assert!(types.contains(p.a as u8) && codes.contains(p.b as u8));
                }
                _ => {}
            }
        }
        let _ = set.to_string();
    }
}

/// Membership in `set`, checked against the model on the way.
fn raw_in(raw: &Raw, set: &PacketSet, p: &Packet) -> Result<bool, TestCaseError> {
    let member = set.contains(p);
    prop_assert_eq!(member, raw.contains(p), "{} in {}", p, set);
    Ok(member)
}

fn arb_ipset() -> impl Strategy<Value = IpSet> {
    (arb_interval(&V4), arb_interval(&V6)).prop_map(|(v4, v6)| IpSet { v4, v6 })
}

/// The boxes, in order: the fast splits must give exactly the generic operations' boxes (the
/// evaluator's messages print boxes, so the decomposition is part of its output).
fn same_boxes(x: &PacketSet, y: &PacketSet) -> bool {
    x.v4 == y.v4 && x.v6 == y.v6
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn splits_give_the_generic_operations_boxes(raw in arb_raw(), addrs in arb_ipset()) {
        let set = raw.set();
        for src in [false, true] {
            let m = if src {
                PacketMatch { src: addrs.clone(), ..PacketMatch::all() }
            } else {
                PacketMatch { dst: addrs.clone(), ..PacketMatch::all() }
            };
            let inside = set.intersect(&PacketSet::from_match(&m));
            let outside = set.difference(&inside);
            let (fast_in, fast_out) = if src { set.split_src(&addrs) } else { set.split_dst(&addrs) };
            if !src {
                let (owned_in, owned_out) = set.clone().split_dst_owned(&addrs);
                prop_assert!(same_boxes(&inside, &owned_in), "owned inside {} vs {}", inside, owned_in);
                prop_assert!(same_boxes(&outside, &owned_out), "owned outside {} vs {}", outside, owned_out);
            }
            let only_in = if src { set.with_src_in(&addrs) } else { set.with_dst_in(&addrs) };
            prop_assert!(same_boxes(&inside, &fast_in), "inside {} vs {}", inside, fast_in);
            prop_assert!(same_boxes(&inside, &only_in), "inside {} vs {}", inside, only_in);
            prop_assert!(same_boxes(&outside, &fast_out), "outside {} vs {}", outside, fast_out);
            check_invariants(&fast_in).map_err(TestCaseError::fail)?;
            check_invariants(&fast_out).map_err(TestCaseError::fail)?;
        }
    }

    /// The same on sets built by operations (coalesced differently from construction).
    #[test]
    fn splits_of_operation_results_give_the_generic_boxes(a in arb_raw(), b in arb_raw(), addrs in arb_ipset()) {
        for set in [a.set().difference(&b.set()), a.set().union(&b.set()), a.set().reverse()] {
            let m = PacketMatch { dst: addrs.clone(), ..PacketMatch::all() };
            let inside = set.intersect(&PacketSet::from_match(&m));
            let outside = set.difference(&inside);
            let (fast_in, fast_out) = set.split_dst(&addrs);
            prop_assert!(same_boxes(&inside, &fast_in), "inside {} vs {}", inside, fast_in);
            prop_assert!(same_boxes(&outside, &fast_out), "outside {} vs {}", outside, fast_out);
            let (owned_in, owned_out) = set.clone().split_dst_owned(&addrs);
            prop_assert!(same_boxes(&inside, &owned_in), "owned inside {} vs {}", inside, owned_in);
            prop_assert!(same_boxes(&outside, &owned_out), "owned outside {} vs {}", outside, owned_out);
        }
    }
}

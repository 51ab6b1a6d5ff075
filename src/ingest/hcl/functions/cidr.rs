//! CIDR functions: `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`, on `ipnet`.
//!
//! ipnet does the parsing, masking and broadcast addresses; what it lacks (the n-th subnet or
//! host of a prefix, go-cidr's "next subnet" walk) is integer arithmetic on the address here.
//! Terraform's quirk: IPv4 octets with leading zeros are decimal (`010.1.0.0` is `10.1.0.0`),
//! which Rust's parser rejects, so [`parse_cidr`] normalises them first.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::{Impl, arg, arity, int_arg, str_arg};
use crate::ingest::hcl::value::Value;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "cidrsubnet" => cidrsubnet,
        "cidrsubnets" => cidrsubnets,
        "cidrhost" => cidrhost,
        "cidrnetmask" => cidrnetmask,
        _ => return None,
    })
}

/// Parses a CIDR as Terraform does: host bits may be set (they are dropped), IPv4 octets may
/// carry leading zeros (read as decimal).
pub(crate) fn parse_cidr(s: &str) -> Result<IpNet, String> {
    let bad = || format!("invalid CIDR address {s:?}");
    let (addr, len) = s.split_once('/').ok_or_else(bad)?;
    let len: u8 = len.parse().map_err(|_| bad())?;
    let ip = parse_ip(addr).ok_or_else(bad)?;
    IpNet::new(ip, len).map(|n| n.trunc()).map_err(|_| bad())
}

/// An IP address; IPv4 octets with leading zeros are read as decimal.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let octets: Vec<u8> = s
        .split('.')
        .map(|o| (!o.is_empty() && o.len() <= 3).then(|| o.parse::<u8>().ok()).flatten())
        .collect::<Option<_>>()?;
    let [a, b, c, d] = <[u8; 4]>::try_from(octets).ok()?;
    Some(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
}

fn bits(net: &IpNet) -> u8 {
    net.max_prefix_len()
}

fn to_int(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_int(v: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(v))
    } else {
        #[expect(clippy::cast_possible_truncation, reason = "IPv4 arithmetic is modulo 2^32")]
        IpAddr::V4(Ipv4Addr::from(v as u32))
    }
}

/// The prefix of length `len` that holds address `v`.
fn net_at(v: u128, len: u8, v6: bool) -> Result<IpNet, String> {
    IpNet::new(from_int(v, v6), len).map(|n| n.trunc()).map_err(|e| e.to_string())
}

fn is_v6(net: &IpNet) -> bool {
    matches!(net, IpNet::V6(_))
}

fn cidrsubnet(args: &[Value]) -> Result<Value, String> {
    arity(args, 3, 3)?;
    let net = parse_cidr(&str_arg(arg(args, 0)?)?)?;
    let newbits = int_arg(arg(args, 1)?)?;
    let netnum = int_arg(arg(args, 2)?)?;
    let new_len = i64::from(net.prefix_len()).saturating_add(newbits);
    if newbits < 0 || new_len > i64::from(bits(&net)) {
        return Err(format!("insufficient address space to extend prefix of {} by {newbits}", net.prefix_len()));
    }
    let new_len = u8::try_from(new_len).map_err(|e| e.to_string())?;
    let host_bits = u32::from(bits(&net) - new_len);
    let base = to_int(net.network());
    let v = if netnum < 0 {
        // go-cidr ORs a negative big.Int into the address and keeps its magnitude; Terraform
        // does not check the sign. Reproduced for IPv4 only.
        if is_v6(&net) {
            return Err("netnum must not be negative for IPv6".into());
        }
        let shifted = i128::from(netnum).checked_shl(host_bits).ok_or("netnum out of range")?;
        let or = i128::try_from(base).map_err(|e| e.to_string())? | shifted;
        or.unsigned_abs() & u128::from(u32::MAX)
    } else {
        let netnum = u128::try_from(netnum).map_err(|e| e.to_string())?;
        if newbits < 127 && netnum >= (1u128 << newbits) {
            return Err(format!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"));
        }
        base | netnum.checked_shl(host_bits).ok_or("netnum out of range")?
    };
    Ok(Value::string(net_at(v, new_len, is_v6(&net))?.to_string()))
}

fn cidrsubnets(args: &[Value]) -> Result<Value, String> {
    let net = parse_cidr(&str_arg(arg(args, 0)?)?)?;
    let v6 = is_v6(&net);
    let width = bits(&net);
    let modulus = if v6 { None } else { Some(1u128 << 32) };
    let wrap = |v: u128| modulus.map_or(v, |m| v % m);
    let lens: Vec<i64> = args.iter().skip(1).map(int_arg).collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(lens.len());
    let Some(first) = lens.first() else {
        return Ok(Value::List(out));
    };
    let prefix_len = |n: i64| -> Result<u8, String> {
        let total = i64::from(net.prefix_len()).saturating_add(n);
        if n < 1 || total > i64::from(width) {
            return Err(format!("would extend prefix to {total} bits, which is too long for this address"));
        }
        u8::try_from(total).map_err(|e| e.to_string())
    };
    // go-cidr: start from the subnet before the first one, then step "next subnet" each time.
    let start = to_int(net.network());
    let before = wrap(start.wrapping_sub(1));
    let mut current = net_at(before, prefix_len(*first)?, v6)?;
    for n in &lens {
        let len = prefix_len(*n)?;
        let last = to_int(current.broadcast());
        let aligned = net_at(last, len, v6)?;
        let next_start = wrap(to_int(aligned.broadcast()).wrapping_add(1));
        let next = net_at(next_start, len, v6)?;
        if next_start == 0 || !net.contains(&next.network()) {
            return Err(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {current}"
            ));
        }
        out.push(Value::string(next.to_string()));
        current = next;
    }
    Ok(Value::List(out))
}

fn cidrhost(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let net = parse_cidr(&str_arg(arg(args, 0)?)?)?;
    let hostnum = int_arg(arg(args, 1)?)?;
    let host_bits = u32::from(bits(&net) - net.prefix_len());
    let size: Option<u128> = 1u128.checked_shl(host_bits).filter(|_| host_bits < 128);
    let magnitude = u128::from(hostnum.unsigned_abs());
    let offset = match size {
        Some(size) if hostnum >= 0 && magnitude >= size => {
            return Err(format!("prefix of {} does not accommodate a host numbered {hostnum}", net.prefix_len()));
        }
        Some(size) if hostnum < 0 && magnitude > size => {
            return Err(format!("prefix of {} does not accommodate a host numbered {hostnum}", net.prefix_len()));
        }
        Some(size) if hostnum < 0 => size - magnitude,
        None if hostnum < 0 => u128::MAX - magnitude + 1,
        _ => magnitude,
    };
    let addr = from_int(to_int(net.network()) | offset, is_v6(&net));
    Ok(Value::string(addr.to_string()))
}

fn cidrnetmask(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let net = parse_cidr(&str_arg(arg(args, 0)?)?)?;
    if is_v6(&net) {
        return Err("IPv6 addresses cannot have a netmask".into());
    }
    Ok(Value::string(net.netmask().to_string()))
}

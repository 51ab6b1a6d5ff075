//! Endpoints as users write them (`--from X --to Y`, issue 3):
//!
//! * a resource address: `aws_instance.web`, `module.net.aws_lb.web`, `aws_nat_gateway.main`,
//!   `aws_vpc_endpoint.ssm`; without an index it means every instance (`aws_instance.web[0]`,
//!   `[1]`…); a load balancer, Lambda or workload in several subnets is one place per subnet;
//! * a subnet address: a hypothetical ENI there without security groups;
//! * an IPv4 or IPv6 address: inside a subnet, that subnet (at that address); a private address
//!   outside every VPC, on-premises; a public one, the internet;
//! * `internet`;
//! * an AWS service name, `com.amazonaws.us-east-1.s3`: an interface endpoint with private DNS in
//!   the source's VPC when there is one (the name resolves to its ENIs), else the service's public
//!   addresses, reached through a gateway endpoint route or the default route.

use std::net::IpAddr;

use super::Evaluator;
use super::addr::{private_space, public_space};
use super::place::{Place, PlaceKind};
use crate::model::{EndpointKind, Object, ResId, Val};
use crate::suggest::edit_distance;

/// A resolved endpoint: one or more places (instances, AZs).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// As the user wrote it.
    pub text: String,
    /// Its places.
    pub places: Vec<Place>,
    /// The places are alternatives (AWS puts the resource in one of them: a database in one
    /// subnet of its subnet group), not instances that all exist (instances, load balancer
    /// nodes): the flow is then reachable when it works from every one, unreachable when from
    /// none, else indeterminate.
    pub alternatives: bool,
}

/// An endpoint that names nothing tracable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    /// As the user wrote it.
    pub input: String,
    /// What is wrong.
    pub message: String,
    /// Close matches (resource addresses), best first.
    pub suggestions: Vec<String>,
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ResolveError {}

impl<'n> Evaluator<'n> {
    /// Resolves an endpoint. `from` is the flow's source, when resolving a destination: an AWS
    /// service name then prefers an interface endpoint in the source's VPC.
    pub fn resolve(&self, text: &str, from: Option<&Place>) -> Result<Endpoint, ResolveError> {
        let text = text.trim();
        let err =
            |message: String, suggestions: Vec<String>| ResolveError { input: text.to_string(), message, suggestions };
        if text.eq_ignore_ascii_case("internet") {
            return Ok(Endpoint { text: text.into(), places: vec![self.internet_place(None)], alternatives: false });
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return self
                .resolve_ip(ip)
                .map(|p| Endpoint { text: text.into(), places: vec![p], alternatives: false })
                .map_err(|m| err(m, Vec::new()));
        }
        if text.starts_with("com.amazonaws.") {
            return Ok(Endpoint { text: text.into(), places: self.resolve_service(text, from), alternatives: false });
        }
        let quoted = quote_keys(text);
        let text_q = quoted.as_str();
        let ids: Vec<ResId> = match self.net.find(text_q) {
            Some(id) if self.net.res(id).present() => vec![id],
            _ => self
                .net
                .present()
                .filter(|(_, r)| {
                    r.addr.key().is_some() && r.addr.without_key().as_str() == text && r.name == r.addr.as_str()
                })
                .map(|(id, _)| id)
                .collect(),
        };
        if ids.is_empty() {
            return Err(err(
                format!("`{text}` is not a resource of this input, an IP address, `internet` or an AWS service name"),
                self.suggest(text),
            ));
        }
        let ids_single = ids.len() == 1;
        let mut places = Vec::new();
        let mut why = Vec::new();
        for id in ids {
            match self.places_of(id) {
                Ok(p) => places.extend(p),
                Err(e) => why.push(e),
            }
        }
        if places.is_empty() {
            let message = why.first().cloned().unwrap_or_else(|| format!("`{text}` has nothing to trace"));
            return Err(err(message, self.suggest(text)));
        }
        let alternatives = places.len() > 1 && places.iter().all(|p| p.kind == PlaceKind::Database) && ids_single;
        Ok(Endpoint { text: text.into(), places, alternatives })
    }

    fn resolve_ip(&self, ip: IpAddr) -> Result<Place, String> {
        let holders: Vec<ResId> =
            self.subnet_ids().filter(|s| self.subnet(*s).is_some_and(|i| i.cidr.contains(ip))).collect();
        match holders.as_slice() {
            [one] => return Ok(self.subnet_place(*one, Some(ip))),
            [] => {}
            many => {
                let names: Vec<&str> = many.iter().map(|s| self.net.name(*s)).collect();
                return Err(format!("{ip} is inside several subnets ({}): name the subnet instead", names.join(", ")));
            }
        }
        if self.vpc_space.contains(ip) {
            let vpcs: Vec<ResId> = self
                .vpcs
                .iter()
                .enumerate()
                .filter(|(_, v)| v.as_ref().is_some_and(|v| v.cidr.contains(ip)))
                .map(|(i, _)| ResId(i as u32))
                .collect();
            return match vpcs.as_slice() {
                // Its subnet lives in another root: traced as far as the input decides.
                [vpc] => Ok(self.beyond_input_place(ip, *vpc)),
                _ => Err(format!("{ip} is inside a VPC but in no subnet of the input")),
            };
        }
        if private_space().contains(ip) {
            return Ok(self.on_premises_place(Some(ip)));
        }
        if public_space().contains(ip) {
            return Ok(self.internet_place(Some(ip)));
        }
        // NAT64 (docs/semantics.md §5): an IPv4 internet host written in the well-known prefix;
        // the walk says where it is translated or not.
        if let IpAddr::V6(v6) = ip
            && v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
        {
            return Ok(self.internet_place(Some(ip)));
        }
        Err(format!("{ip} is neither in a subnet, nor private (on-premises), nor a public internet address"))
    }

    fn resolve_service(&self, service: &str, from: Option<&Place>) -> Vec<Place> {
        let mut endpoints: Vec<(ResId, Option<ResId>)> = Vec::new();
        for (id, r) in self.net.present() {
            if let Object::Endpoint(e) = &r.obj
                && e.kind == Val::Known(EndpointKind::Interface)
                && e.service.known().is_some_and(|s| s == service)
                && e.private_dns == Val::Known(true)
            {
                endpoints.push((id, e.vpc.res()));
            }
        }
        let src_vpc = from.and_then(|p| p.vpc);
        let chosen: Vec<ResId> = match src_vpc {
            Some(v) => endpoints.iter().filter(|(_, ev)| *ev == Some(v)).map(|(id, _)| *id).collect(),
            None if endpoints.len() == 1 => vec![endpoints[0].0],
            None => Vec::new(),
        };
        let mut places: Vec<Place> = chosen.into_iter().filter_map(|id| self.places_of(id).ok()).flatten().collect();
        if let Some(src) = from
            && let Some(az) = src.subnet.and_then(|s| self.subnet_az(s))
            && places.len() > 1
        {
            // Private DNS answers with every AZ's ENI; clients in an AZ usually reach their own,
            // but any may be used: keep them all, the AZ-local one first.
            places.sort_by_key(|p| p.subnet.and_then(|s| self.subnet_az(s)) != Some(az));
        }
        if places.is_empty() { vec![self.service_place(service)] } else { places }
    }

    /// Resource addresses close to `text` that can be traced.
    fn suggest(&self, text: &str) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = self
            .net
            .present()
            .filter(|(id, r)| {
                matches!(r.obj, Object::Workload(_) | Object::Subnet(_) | Object::NatGateway(_) | Object::Endpoint(_))
                    && self.places_of(*id).is_ok()
            })
            .flat_map(|(_, r)| {
                let full = r.name.clone();
                let bare = r.addr.without_key().as_str().to_string();
                [full, bare]
            })
            .map(|name| (edit_distance(text, &name), name))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        let limit = text.chars().count().div_ceil(3).max(3);
        let close: Vec<String> = scored.iter().filter(|(d, _)| *d <= limit).take(5).map(|(_, n)| n.clone()).collect();
        if !close.is_empty() {
            return close;
        }
        // Same type or same name, as a fallback.
        let (ty, name) = text.rsplit_once('.').map_or(("", text), |(a, b)| (a, b));
        let mut fallback: Vec<String> = scored
            .into_iter()
            .map(|(_, n)| n)
            .filter(|n| (!ty.is_empty() && n.contains(ty)) || n.ends_with(&format!(".{name}")))
            .take(5)
            .collect();
        fallback.dedup();
        fallback
    }
}

/// `aws_subnet.this[app]` (shell-stripped quotes) as `aws_subnet.this["app"]`; numeric keys and
/// quoted keys are kept.
fn quote_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        let key = &rest[..close];
        if key.starts_with('"') || key.chars().all(|c| c.is_ascii_digit()) || key == "*" {
            out.push_str(key);
        } else {
            out.push('"');
            out.push_str(key);
            out.push('"');
        }
        out.push(']');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

impl Endpoint {
    /// True when every place is the internet.
    #[must_use]
    pub fn is_internet(&self) -> bool {
        self.places.iter().all(|p| p.kind == PlaceKind::Internet)
    }
}

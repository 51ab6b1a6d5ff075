//! The estate: which VPCs, services and peerings exist, decided once from the parameters and the
//! seed. Both writers (HCL and plan JSON) read the same `Estate`, so the plan is what Terraform
//! would produce from the HCL.

use std::collections::BTreeMap;
use std::fmt;

/// Availability zones every VPC spreads its subnets over (`var.azs` default of `modules/vpc`).
pub(crate) const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// The provider's `default_tags` (`providers.tf`).
pub(crate) const DEFAULT_TAGS: [(&str, &str); 2] = [("Estate", "tfvpc-gen"), ("ManagedBy", "terraform")];

/// `modules/service` `var.log_streams` default: one log group each.
pub(crate) const LOG_STREAMS: [&str; 4] = ["app", "access", "audit", "worker"];

/// `modules/service` `aws_ssm_parameter.config` keys.
pub(crate) const PARAMETERS: [&str; 3] = ["db-host", "db-name", "feature-flags"];

/// The largest number of VPCs: each gets a /16 of 10.0.0.0/8.
pub(crate) const MAX_VPCS: usize = 256;

/// The most subnets per VPC: at most 3 public ones (one per AZ; /24s from 0), and private ones
/// take the /24s 128..255.
pub(crate) const MAX_SUBNETS_PER_VPC: usize = 3 + 128;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Params {
    /// Number of VPCs (each one `module.vpc` instance).
    pub vpcs: usize,
    /// Subnets per VPC, public and private together (at least 2: one of each).
    pub subnets_per_vpc: usize,
    /// Average number of services (`module.service` instances) per VPC.
    pub services_per_vpc: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

/// Why parameters are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl Params {
    /// Checks the limits the HCL imposes (CIDR space, at least one subnet of each kind).
    pub(crate) fn check(&self) -> Result<(), ParamError> {
        if self.vpcs == 0 || self.vpcs > MAX_VPCS {
            return Err(ParamError(format!("--vpcs must be between 1 and {MAX_VPCS} (one /16 of 10.0.0.0/8 each)")));
        }
        if self.subnets_per_vpc < 2 || self.subnets_per_vpc > MAX_SUBNETS_PER_VPC {
            return Err(ParamError(format!(
                "--subnets-per-vpc must be between 2 and {MAX_SUBNETS_PER_VPC} (at least one public and one private)"
            )));
        }
        if self.services_per_vpc > 16 {
            return Err(ParamError("--services-per-vpc must be at most 16".into()));
        }
        Ok(())
    }
}

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TEAMS: &[&str] = &[
    "payments",
    "ledger",
    "search",
    "identity",
    "billing",
    "catalog",
    "checkout",
    "fraud",
    "growth",
    "inventory",
    "logistics",
    "messaging",
    "notify",
    "orders",
    "pricing",
    "profile",
    "reco",
    "reports",
    "risk",
    "shipping",
    "support",
    "tax",
    "media",
    "ads",
    "analytics",
    "audit",
    "data",
    "edge",
    "infra",
    "mobile",
];

const ENVS: &[&str] = &["prod", "stage", "dev", "qa", "sandbox"];

const ROLES: &[&str] = &[
    "api",
    "worker",
    "web",
    "batch",
    "cron",
    "stream",
    "auth",
    "gateway",
    "indexer",
    "export",
    "import",
    "admin",
    "events",
    "cache",
    "render",
    "sync",
    "scheduler",
    "ingest",
    "notifier",
    "ml",
];

const INSTANCE_TYPES: &[&str] = &["t3.small", "t3.medium", "t3.large", "m6i.large", "c6i.large", "r6i.large"];

/// One VPC: a `module.vpc` instance.
#[derive(Debug, Clone)]
pub(crate) struct Vpc {
    /// The `for_each` key and Name tag.
    pub name: String,
    /// Second octet: the VPC is 10.<octet>.0.0/16.
    pub octet: u8,
    /// Public subnets (one per AZ, round robin).
    pub public_subnets: usize,
    /// Private subnets.
    pub private_subnets: usize,
    /// One NAT gateway for the whole VPC.
    pub single_nat: bool,
    /// The `Team` tag.
    pub team: String,
}

impl Vpc {
    /// The VPC's CIDR.
    pub(crate) fn cidr(&self) -> String {
        format!("10.{}.0.0/16", self.octet)
    }

    /// `cidrsubnet(var.cidr, 8, n)`.
    pub(crate) fn subnet_cidr(&self, n: usize) -> String {
        format!("10.{}.{n}.0/24", self.octet)
    }

    /// `local.nat_count` of `modules/vpc`.
    pub(crate) fn nat_count(&self) -> usize {
        if self.single_nat { 1 } else { AZS.len().min(self.public_subnets) }
    }
}

/// One service: a `module.service` instance placed in a VPC's private subnets.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    /// The `for_each` key (`<vpc>-<role>`).
    pub name: String,
    /// The VPC it runs in.
    pub vpc: String,
    /// `aws_instance.app` count.
    pub instances: usize,
    /// Instance type.
    pub instance_type: String,
}

/// A VPC peering connection between two VPCs of the estate.
#[derive(Debug, Clone)]
pub(crate) struct Peering {
    /// The `for_each` key (`<requester>--<accepter>`).
    pub name: String,
    /// Requester VPC name.
    pub requester: String,
    /// Accepter VPC name.
    pub accepter: String,
}

/// The whole estate.
#[derive(Debug, Clone)]
pub(crate) struct Estate {
    /// The parameters it was made from.
    pub params: Params,
    /// `local.tags` of the root module.
    pub tags: BTreeMap<String, String>,
    /// VPCs by name.
    pub vpcs: BTreeMap<String, Vpc>,
    /// Services by name.
    pub services: BTreeMap<String, Service>,
    /// Peerings by name.
    pub peerings: BTreeMap<String, Peering>,
}

impl Estate {
    /// Decides the estate. Same parameters, same estate.
    pub(crate) fn new(params: Params) -> Result<Estate, ParamError> {
        params.check()?;
        let mut rng = Rng::new(params.seed);
        let tags = BTreeMap::from([
            ("CostCenter".to_string(), format!("cc-{:04}", 1000 + rng.below(9000))),
            ("Owner".to_string(), rng.pick(&["platform", "netops", "cloud-core"]).to_string()),
        ]);
        let public = params.subnets_per_vpc.div_ceil(2).min(AZS.len());
        let private = params.subnets_per_vpc - public;
        let mut vpcs = BTreeMap::new();
        let mut order = Vec::new();
        for i in 0..params.vpcs {
            let team = rng.pick(TEAMS);
            let env = rng.pick(ENVS);
            let mut name = format!("{team}-{env}");
            let mut n = 2;
            while vpcs.contains_key(&name) {
                name = format!("{team}-{env}-{n}");
                n += 1;
            }
            let octet = u8::try_from(i).map_err(|_| ParamError("too many VPCs".into()))?;
            // Some VPCs save money with one NAT gateway: every fourth, starting with the second.
            let single_nat = i % 4 == 1;
            let vpc = Vpc {
                name: name.clone(),
                octet,
                public_subnets: public,
                private_subnets: private,
                single_nat,
                team: team.to_string(),
            };
            order.push(name.clone());
            vpcs.insert(name, vpc);
        }
        let mut services = BTreeMap::new();
        if params.services_per_vpc > 0 {
            for vpc in &order {
                let count = 1 + rng.below(2 * params.services_per_vpc - 1);
                let mut roles: Vec<&str> = ROLES.to_vec();
                for _ in 0..count.min(ROLES.len()) {
                    let role = roles.remove(rng.below(roles.len()));
                    let name = format!("{vpc}-{role}");
                    let service = Service {
                        name: name.clone(),
                        vpc: vpc.clone(),
                        instances: 1 + rng.below(3),
                        instance_type: rng.pick(INSTANCE_TYPES).to_string(),
                    };
                    services.insert(name, service);
                }
            }
        }
        let mut peerings = BTreeMap::new();
        if order.len() >= 2 {
            let wanted = (order.len() / 4).max(1);
            let mut tries = 0;
            while peerings.len() < wanted && tries < wanted * 20 {
                tries += 1;
                let a = rng.below(order.len());
                let b = rng.below(order.len());
                if a == b {
                    continue;
                }
                let (requester, accepter) = (&order[a], &order[b]);
                let name = format!("{requester}--{accepter}");
                let reverse = format!("{accepter}--{requester}");
                if peerings.contains_key(&name) || peerings.contains_key(&reverse) {
                    continue;
                }
                peerings
                    .insert(name.clone(), Peering { name, requester: requester.clone(), accepter: accepter.clone() });
            }
        }
        Ok(Estate { params, tags, vpcs, services, peerings })
    }

    /// `var.tags` of a VPC module instance: `merge(local.tags, { Team = … })`.
    pub(crate) fn vpc_tags(&self, vpc: &Vpc) -> BTreeMap<String, String> {
        let mut tags = self.tags.clone();
        tags.insert("Team".into(), vpc.team.clone());
        tags
    }

    /// `var.tags` of a service module instance.
    pub(crate) fn service_tags(&self, service: &Service) -> BTreeMap<String, String> {
        let mut tags = self.tags.clone();
        if let Some(vpc) = self.vpcs.get(&service.vpc) {
            tags.insert("Team".into(), vpc.team.clone());
        }
        tags.insert("Service".into(), service.name.clone());
        tags
    }

    /// Subnets in the estate.
    pub(crate) fn subnet_count(&self) -> usize {
        self.vpcs.values().map(|v| v.public_subnets + v.private_subnets).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(vpcs: usize, subnets: usize) -> Params {
        Params { vpcs, subnets_per_vpc: subnets, services_per_vpc: 3, seed: 7 }
    }

    #[test]
    fn same_seed_same_estate() {
        let a = Estate::new(params(20, 12)).unwrap();
        let b = Estate::new(params(20, 12)).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let c = Estate::new(Params { seed: 8, ..params(20, 12) }).unwrap();
        assert_ne!(format!("{a:?}"), format!("{c:?}"));
    }

    #[test]
    fn sizes_and_limits() {
        let e = Estate::new(params(100, 12)).unwrap();
        assert_eq!(e.vpcs.len(), 100);
        assert_eq!(e.subnet_count(), 1200);
        assert!(e.vpcs.values().any(|v| v.single_nat));
        assert!(!e.peerings.is_empty());
        assert!(Estate::new(params(0, 12)).is_err());
        assert!(Estate::new(params(2, 1)).is_err());
        assert!(Estate::new(params(257, 4)).is_err());
    }
}

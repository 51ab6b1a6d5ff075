//! Every real plan of `../shared/corpus/plans` (written by people outside this project) loads,
//! with the right counts; the wrong-format file is rejected with advice. Skipped when the corpus
//! folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

/// `[vpcs, subnets, route_tables, nat_gateways, security_groups]` present after apply, counted
/// independently from the files (`aws_default_*` included in their family, deletions excluded).
const COUNTS: &[(&str, [u64; 5])] = &[
    ("aalimsee_alb-nlb_plan.json", [1, 6, 1, 0, 2]),
    ("andr1yk_task3-configure-network_tfplan.json", [0, 1, 1, 0, 1]),
    ("bright04_atlantis-workshop_tfplan.json", [1, 2, 1, 0, 2]),
    ("checkov_plan-change-keys_sg-rule-update.json", [0, 0, 0, 0, 0]),
    ("checkov_terragoat_tfplan.json", [2, 4, 1, 0, 2]),
    ("cyse7125_infra-aws_tfplan.json", [1, 6, 4, 3, 1]),
    ("ekra97_nodejs-postgres-eks_plan.json", [1, 4, 2, 1, 3]),
    ("infracost_terraform_v0.14_plan.json", [2, 0, 0, 0, 0]),
    ("joseignacio_auy1105_tfplan_earlier-consistent.json", [1, 4, 2, 1, 2]),
    ("kmkouokam_multicloud_show-state.json", [1, 4, 2, 1, 3]),
    ("merakiki_team3-infra_tfplan.utf16.json", [1, 6, 3, 0, 6]),
    ("nbiuk_infrastructure_tfplan.json", [1, 4, 2, 1, 0]),
    ("nyaras_devsecops-demo_tfplan.json", [1, 1, 1, 0, 1]),
    ("ripalb_deham9_plan.json", [1, 1, 1, 0, 1]),
    ("tfcompliance_issue-171_nlb-subnets.json", [1, 4, 1, 0, 1]),
    ("tripleaze_eks-platform_plan.json", [1, 4, 3, 1, 3]),
    ("venkat8538_realestate_default-vpc_plan.json", [0, 0, 0, 0, 3]),
];

#[test]
fn corpus_plans_load_with_the_right_counts() {
    let Some(dir) = common::corpus_dir() else {
        eprintln!("../shared/corpus/plans absent: skipped");
        return;
    };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.contains("NOT-show-json") {
            let r = common::run(&["lint", &entry.path().to_string_lossy()]);
            assert_eq!(r.code, 2, "{name}");
            assert!(r.stderr.contains("event stream"), "{name}: {}", r.stderr);
            continue;
        }
        let Some((_, counts)) = COUNTS.iter().find(|(f, _)| *f == name) else {
            panic!("{name}: new corpus file, add its counts to COUNTS");
        };
        let (code, v) = common::lint_json(&entry.path());
        assert_eq!(code, 0, "{name}: {v}");
        let s = &v["summary"];
        let got =
            ["vpcs", "subnets", "route_tables", "nat_gateways", "security_groups"].map(|k| s[k].as_u64().unwrap());
        assert_eq!(&got, counts, "{name}");
        seen += 1;
    }
    assert_eq!(seen, COUNTS.len());
}

fn graph(file: &str) -> Option<serde_json::Value> {
    let path = common::corpus_dir()?.join(file);
    let r = common::run(&["graph", "--format", "json", &path.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    Some(serde_json::from_str(&r.stdout).unwrap())
}

fn edge<'a>(g: &'a serde_json::Value, from: &str, kind: &str) -> Vec<(&'a str, &'a str)> {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["from"] == from && e["kind"] == kind)
        .map(|e| (e["to"].as_str().unwrap(), e["provenance"].as_str().unwrap()))
        .collect()
}

#[test]
fn nat_per_az_is_linked_by_index() {
    // cyse7125: nat_gw[i] in public_subnets[i], private_route_table[i] → nat_gw[i] (count.index).
    let Some(g) = graph("cyse7125_infra-aws_tfplan.json") else { return };
    for i in 0..3 {
        let nat = format!("module.network.aws_nat_gateway.nat_gw[{i}]");
        assert_eq!(
            edge(&g, &nat, "in_subnet"),
            [(&*format!("module.network.aws_subnet.public_subnets[{i}]"), "inferred")]
        );
        let subnet = format!("module.network.aws_subnet.private_subnets[{i}]");
        let tables = edge(&g, &subnet, "associated");
        let table = tables.iter().find(|(t, _)| t.contains("route_table")).unwrap().0;
        assert!(edge(&g, table, "routes_to").iter().any(|(t, _)| *t == nat), "{table} routes to {nat}");
    }
}

#[test]
fn module_references_resolve_through_outputs_and_locals_fall_back_to_structure() {
    // tripleaze: terraform-aws-modules/vpc; every vpc_id goes through local.vpc_id.
    let Some(g) = graph("tripleaze_eks-platform_plan.json") else { return };
    let subnet = "module.vpc.aws_subnet.private[0]";
    assert_eq!(edge(&g, subnet, "in_vpc"), [("module.vpc.aws_vpc.this[0]", "inferred")]);
    // The single NAT (one instance) serves the private default route: a plain reference.
    assert!(
        edge(&g, "module.vpc.aws_route.private_nat_gateway[0]", "routes_to")
            .contains(&("module.vpc.aws_nat_gateway.this[0]", "reference"))
    );
}

#[test]
fn no_op_plans_link_by_real_ids() {
    let Some(g) = graph("ekra97_nodejs-postgres-eks_plan.json") else { return };
    let ids: Vec<&str> = g["edges"].as_array().unwrap().iter().map(|e| e["provenance"].as_str().unwrap()).collect();
    assert!(ids.iter().filter(|p| **p == "id").count() > 10, "real ids link: {ids:?}");
}

# Support for main.tf, the `## Use instead` block of rules/public-vpc-cidr.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no public-vpc-cidr finding.

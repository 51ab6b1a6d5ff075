# Support for main.tf, the `## Example` block of rules/public-vpc-cidr.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: public-vpc-cidr aws_vpc.main

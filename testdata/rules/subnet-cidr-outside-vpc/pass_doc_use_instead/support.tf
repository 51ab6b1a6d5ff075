# Support for main.tf, the `## Use instead` block of rules/subnet-cidr-outside-vpc.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no subnet-cidr-outside-vpc finding.
# The Example's VPC is here.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

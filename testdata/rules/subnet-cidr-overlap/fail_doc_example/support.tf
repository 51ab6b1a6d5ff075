# Support for main.tf, the `## Example` block of rules/subnet-cidr-overlap.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: subnet-cidr-overlap aws_subnet.private_extra

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

# Support for main.tf, the `## Use instead` block of rules/subnet-cidr-overlap.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no subnet-cidr-overlap finding.
# The Example's first subnet is here.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

# Support for main.tf, the `## Use instead` block of rules/inline-and-separate-rules.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no inline-and-separate-rules finding.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

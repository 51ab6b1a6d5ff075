# Support for main.tf, the `## Example` block of rules/inline-and-separate-rules.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: inline-and-separate-rules aws_security_group.web

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

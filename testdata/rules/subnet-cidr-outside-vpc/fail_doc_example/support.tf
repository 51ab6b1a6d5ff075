# Support for main.tf, the `## Example` block of rules/subnet-cidr-outside-vpc.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: subnet-cidr-outside-vpc aws_subnet.app

# Support for main.tf, the `## Example` block of rules/public-subnet-without-igw.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: public-subnet-without-igw aws_subnet.eks_a

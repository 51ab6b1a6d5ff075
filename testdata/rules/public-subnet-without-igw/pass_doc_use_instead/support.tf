# Support for main.tf, the `## Use instead` block of rules/public-subnet-without-igw.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no public-subnet-without-igw finding.
# The Example's VPC and subnet are here.

resource "aws_vpc" "eks" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_subnet" "eks_a" {
  vpc_id                  = aws_vpc.eks.id
  cidr_block              = "10.10.1.0/24"
  map_public_ip_on_launch = true
}

# Support for main.tf, the `## Use instead` block of rules/invalid-private-ip.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no invalid-private-ip finding.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

# Read at apply time (it depends on a resource this plan creates), so planning needs no AWS.
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
  depends_on  = [aws_vpc.main]
}

# Support for main.tf, the `## Use instead` block of rules/route-target-in-other-vpc.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no route-target-in-other-vpc finding.

resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "data" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_internet_gateway" "data" {
  vpc_id = aws_vpc.data.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.app.id
}

# Support for main.tf, the `## Use instead` block of rules/cross-az-nat.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no cross-az-nat finding.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  for_each          = toset(["us-east-1a", "us-east-1b"])
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, index(["us-east-1a", "us-east-1b"], each.key))
  availability_zone = each.key
}

resource "aws_subnet" "private" {
  for_each          = toset(["us-east-1a", "us-east-1b"])
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + index(["us-east-1a", "us-east-1b"], each.key))
  availability_zone = each.key
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  for_each = aws_subnet.public
  domain   = "vpc"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [for t in aws_route_table.private : t.id]
}

# A VPC with a public and a private subnet per AZ and a NAT gateway per public subnet. Which
# NAT each private subnet uses is chosen through a local map: a plan records only
# `aws_nat_gateway.this`, `local.nat_for` and `each.key` for it, so the NAT is known only from
# these sources. The map sends zone b to zone a's NAT: a cross-AZ NAT path.
variable "cidr" {
  type = string
}

variable "zones" {
  type = map(number)
}

locals {
  nat_for = { a = "a", b = "a" }
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  for_each          = var.zones
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, each.value)
  availability_zone = "us-east-1${each.key}"
}

resource "aws_subnet" "private" {
  for_each          = var.zones
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, each.value + 10)
  availability_zone = "us-east-1${each.key}"
}

resource "aws_eip" "nat" {
  for_each = var.zones
  domain   = "vpc"
}

resource "aws_nat_gateway" "this" {
  for_each      = var.zones
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = var.zones
  subnet_id      = aws_subnet.public[each.key].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  for_each = var.zones
  vpc_id   = aws_vpc.this.id
}

resource "aws_route" "private_default" {
  for_each               = var.zones
  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[local.nat_for[each.key]].id
}

resource "aws_route_table_association" "private" {
  for_each       = var.zones
  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private[each.key].id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

# Built by `for`: a list in zone order.
output "private_subnet_list" {
  value = [for k in sort(keys(aws_subnet.private)) : aws_subnet.private[k].id]
}

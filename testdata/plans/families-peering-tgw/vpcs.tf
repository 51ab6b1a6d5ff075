locals {
  tags = { Project = "hub-spoke", ManagedBy = "terraform" }

  # Three VPCs in us-east-1, one in us-west-2.
  vpcs = {
    shared = { cidr = "10.10.0.0/16", az = "us-east-1a" }
    app    = { cidr = "10.11.0.0/16", az = "us-east-1b" }
    data   = { cidr = "10.12.0.0/16", az = "us-east-1c" }
  }
}

resource "aws_vpc" "this" {
  for_each   = local.vpcs
  cidr_block = each.value.cidr
  tags       = merge(local.tags, { Name = each.key })
}

resource "aws_subnet" "this" {
  for_each          = local.vpcs
  vpc_id            = aws_vpc.this[each.key].id
  cidr_block        = cidrsubnet(each.value.cidr, 8, 1)
  availability_zone = each.value.az
  tags              = merge(local.tags, { Name = "${each.key}-private" })
}

resource "aws_route_table" "this" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  tags     = merge(local.tags, { Name = "${each.key}-rt" })
}

resource "aws_route_table_association" "this" {
  for_each       = local.vpcs
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.this[each.key].id
}

# DR VPC in us-west-2.
resource "aws_vpc" "dr" {
  provider   = aws.west
  cidr_block = "10.50.0.0/16"
  tags       = merge(local.tags, { Name = "dr" })
}

resource "aws_subnet" "dr" {
  provider          = aws.west
  vpc_id            = aws_vpc.dr.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "us-west-2a"
  tags              = merge(local.tags, { Name = "dr-private" })
}

resource "aws_route_table" "dr" {
  provider = aws.west
  vpc_id   = aws_vpc.dr.id
  tags     = merge(local.tags, { Name = "dr-rt" })
}

resource "aws_route_table_association" "dr" {
  provider       = aws.west
  subnet_id      = aws_subnet.dr.id
  route_table_id = aws_route_table.dr.id
}

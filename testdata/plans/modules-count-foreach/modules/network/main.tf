locals {
  vpc_id = aws_vpc.this.id

  # { "us-east-1a" = 0, "us-east-1b" = 1 }
  az_index = { for i, az in var.azs : az => i }
  nat_azs  = var.single_nat ? { (var.azs[0]) = 0 } : local.az_index
  data_azs = var.create_data_tier ? local.az_index : {}

  tags = { Environment = var.name, ManagedBy = "terraform" }
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = var.name })
}

resource "aws_internet_gateway" "this" {
  vpc_id = local.vpc_id
  tags   = merge(local.tags, { Name = var.name })
}

# --- public (for_each by AZ) ---------------------------------------------------------------

resource "aws_subnet" "public" {
  for_each                = local.az_index
  vpc_id                  = local.vpc_id
  cidr_block              = cidrsubnet(var.cidr, 8, each.value)
  availability_zone       = each.key
  map_public_ip_on_launch = true
  tags                    = merge(local.tags, { Name = "${var.name}-public-${each.key}" })
}

resource "aws_route_table" "public" {
  vpc_id = local.vpc_id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(local.tags, { Name = "${var.name}-public" })
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# --- NAT gateways (for_each by AZ, key-aligned with the public subnets) ---------------------

resource "aws_eip" "nat" {
  for_each = local.nat_azs
  domain   = "vpc"
  tags     = merge(local.tags, { Name = "${var.name}-nat-${each.key}" })
}

resource "aws_nat_gateway" "this" {
  for_each      = local.nat_azs
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id
  tags          = merge(local.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

# --- private (count, terraform-aws-modules style) --------------------------------------------

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = local.vpc_id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index + 10)
  availability_zone = var.azs[count.index]
  tags              = merge(local.tags, { Name = "${var.name}-private-${var.azs[count.index]}" })
}

resource "aws_route_table" "private" {
  count  = length(var.azs)
  vpc_id = local.vpc_id
  tags   = merge(local.tags, { Name = "${var.name}-private-${var.azs[count.index]}" })
}

resource "aws_route" "private_nat" {
  count                  = length(var.azs)
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = values(aws_nat_gateway.this)[var.single_nat ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_db_subnet_group" "this" {
  name       = "${var.name}-private"
  subnet_ids = aws_subnet.private[*].id
  tags       = local.tags
}

# --- app tier: route tables per NAT gateway, subnets from the nested module -------------------

resource "aws_route_table" "app" {
  for_each = var.create_app_tier ? aws_nat_gateway.this : {}
  vpc_id   = local.vpc_id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = each.value.id
  }

  tags = merge(local.tags, { Name = "${var.name}-app-${each.key}" })
}

module "app_subnets" {
  source = "./modules/subnets"
  count  = var.create_app_tier ? 1 : 0

  name            = "${var.name}-app"
  vpc_id          = local.vpc_id
  cidr_base       = cidrsubnet(var.cidr, 4, 2) # x.x.32.0/20
  azs             = var.azs
  route_table_ids = { for az, rt in aws_route_table.app : az => rt.id }
  tags            = local.tags
}

# --- data tier: route tables for_each by AZ, NAT picked by the same key ------------------------

resource "aws_subnet" "data" {
  for_each          = local.data_azs
  vpc_id            = local.vpc_id
  cidr_block        = cidrsubnet(var.cidr, 8, each.value + 20)
  availability_zone = each.key
  tags              = merge(local.tags, { Name = "${var.name}-data-${each.key}" })
}

resource "aws_route_table" "data" {
  for_each = local.data_azs
  vpc_id   = local.vpc_id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[each.key].id
  }

  tags = merge(local.tags, { Name = "${var.name}-data-${each.key}" })
}

resource "aws_route_table_association" "data" {
  for_each       = local.data_azs
  subnet_id      = aws_subnet.data[each.key].id
  route_table_id = aws_route_table.data[each.key].id
}

# --- management subnet: pinned to the NAT gateway in us-east-1a -------------------------------

resource "aws_subnet" "mgmt" {
  vpc_id            = local.vpc_id
  cidr_block        = cidrsubnet(var.cidr, 8, 250)
  availability_zone = "us-east-1a"
  tags              = merge(local.tags, { Name = "${var.name}-mgmt" })
}

resource "aws_route_table" "mgmt" {
  vpc_id = local.vpc_id
  tags   = merge(local.tags, { Name = "${var.name}-mgmt" })
}

resource "aws_route" "mgmt_nat" {
  route_table_id         = aws_route_table.mgmt.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this["us-east-1a"].id
}

resource "aws_route_table_association" "mgmt" {
  subnet_id      = aws_subnet.mgmt.id
  route_table_id = aws_route_table.mgmt.id
}

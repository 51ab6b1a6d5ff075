# Support for main.tf, the `## Example` block of rules/blackhole-route.md (which must stay
# exactly that block): the rest of the "ledger" network of fail_destroyed_nat, planned against its
# state (terraform.tfstate, real ids). This change deletes NAT gateway b (its block is gone) while
# the batch table in main.tf still routes to its literal id.
# expect: blackhole-route aws_route_table.batch
# expect: cross-az-nat aws_subnet.private[1]
# expect: s3-via-nat aws_route_table.private
# expect: s3-via-nat aws_route_table.reporting

locals {
  tags = { Project = "ledger", ManagedBy = "terraform" }
  azs  = ["us-east-1a", "us-east-1b"]

  private_newbits = { 0 = 10, 1 = 12 } # private b moved from 10.80.11.0/24 to 10.80.12.0/24
}

resource "aws_vpc" "main" {
  cidr_block           = "10.80.0.0/16"
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "ledger" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "ledger" })
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true
  tags                    = merge(local.tags, { Name = "ledger-public-${local.azs[count.index]}" })
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, local.private_newbits[count.index])
  availability_zone = local.azs[count.index]
  tags              = merge(local.tags, { Name = "ledger-private-${local.azs[count.index]}" })
}

resource "aws_eip" "a" {
  domain = "vpc"
  tags   = merge(local.tags, { Name = "ledger-nat-a" })
}

resource "aws_nat_gateway" "a" {
  allocation_id = aws_eip.a.id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = "ledger-nat-a" })
}

# NAT gateway b: resource block deleted in this change.

removed {
  from = aws_eip.b

  lifecycle {
    destroy = false
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  tags = merge(local.tags, { Name = "ledger-public" })
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.a.id
  }

  tags = merge(local.tags, { Name = "ledger-private", Tier = "private" })
}

# No inline routes: its only route is aws_route.shared_default. In this no-op plan the table's
# `route` (from state) nevertheless lists that route.
resource "aws_route_table" "shared" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "ledger-shared" })
}

resource "aws_route" "shared_default" {
  route_table_id         = aws_route_table.shared.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# --- new: reporting subnet ------------------------------------------------------------------

resource "aws_subnet" "reporting" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.20.0/24"
  availability_zone = "us-east-1a"
  tags              = merge(local.tags, { Name = "ledger-reporting" })
}

resource "aws_route_table" "reporting" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "ledger-reporting" })
}

resource "aws_route" "reporting_default" {
  route_table_id         = aws_route_table.reporting.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0a1b2c3d4e5f60001"
}

resource "aws_route_table_association" "reporting" {
  subnet_id      = aws_subnet.reporting.id
  route_table_id = aws_route_table.reporting.id
}

resource "aws_security_group" "app" {
  name        = "ledger-app"
  description = "Ledger app"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.80.0.0/16"]
  }

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.80.0.0/16"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.tags
}


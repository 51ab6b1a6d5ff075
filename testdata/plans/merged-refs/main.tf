locals {
  tags = { Project = "merged-refs" }
}

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
  tags       = merge(local.tags, { Name = "main" })
}

resource "aws_vpc" "partner_a" {
  cidr_block = "10.61.0.0/16"
  tags       = merge(local.tags, { Name = "partner-a" })
}

resource "aws_vpc" "partner_b" {
  cidr_block = "10.62.0.0/16"
  tags       = merge(local.tags, { Name = "partner-b" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = local.tags
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.60.0.0/24"
  availability_zone = "us-east-1a"
  tags              = merge(local.tags, { Name = "public" })
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.60.10.0/24"
  availability_zone = "us-east-1a"
  tags              = merge(local.tags, { Name = "private" })
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = local.tags
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = local.tags
}

resource "aws_vpc_peering_connection" "a" {
  vpc_id      = aws_vpc.main.id
  peer_vpc_id = aws_vpc.partner_a.id
  auto_accept = true
  tags        = merge(local.tags, { Name = "main-partner-a" })
}

resource "aws_vpc_peering_connection" "b" {
  vpc_id      = aws_vpc.main.id
  peer_vpc_id = aws_vpc.partner_b.id
  auto_accept = true
  tags        = merge(local.tags, { Name = "main-partner-b" })
}

# Two inline routes, targets of different types: the merged `references` list can still be
# split by type (the IGW route and the NAT route).
resource "aws_route_table" "mixed" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  route {
    cidr_block     = "100.64.0.0/10"
    nat_gateway_id = aws_nat_gateway.main.id
  }

  tags = merge(local.tags, { Name = "mixed" })
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.mixed.id
}

# Two inline routes to two peering connections: same target type, so the merged references
# cannot tell which CIDR goes to which connection.
resource "aws_route_table" "peers" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block                = aws_vpc.partner_a.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.a.id
  }

  route {
    cidr_block                = aws_vpc.partner_b.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.b.id
  }

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }

  tags = merge(local.tags, { Name = "peers" })
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.peers.id
}

# Security groups whose inline ingress blocks reference two different SGs.
resource "aws_security_group" "lb" {
  name        = "lb"
  description = "Load balancer"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "ops" {
  name        = "ops"
  description = "Operators' jump hosts"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "App: 8080 from the LB, 22 from ops"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }

  ingress {
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.ops.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Both rules in one block, two SGs in one list.
resource "aws_security_group" "db" {
  name        = "db"
  description = "DB: 5432 from app and ops"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id, aws_security_group.ops.id]
  }
}

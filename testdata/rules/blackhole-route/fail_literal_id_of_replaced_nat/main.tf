# An update plan over existing resources (terraform.tfstate): the NAT gateway in us-east-1a is
# replaced (its subnet changes), and a route of the batch table still names its old id.
# expect: blackhole-route aws_route.batch_default
# expect: s3-via-nat aws_route_table.private
# expect: cross-az-nat aws_subnet.private
resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
  tags       = { Name = "orbit" }
}
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "orbit" }
}
locals {
  subnets = {
    public  = { cidr = "10.60.0.0/24", az = "us-east-1a", pub = true }
    private = { cidr = "10.60.10.0/24", az = "us-east-1a", pub = false }
    batch   = { cidr = "10.60.20.0/24", az = "us-east-1b", pub = false }
    dmz     = { cidr = "10.60.30.0/24", az = "us-east-1b", pub = true }
  }
}
resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = local.subnets.public.cidr
  availability_zone       = local.subnets.public.az
  map_public_ip_on_launch = true
  tags                    = { Name = "orbit-public" }
}
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = local.subnets.private.cidr
  availability_zone = local.subnets.private.az
  tags              = { Name = "orbit-private" }
}
resource "aws_subnet" "batch" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = local.subnets.batch.cidr
  availability_zone = local.subnets.batch.az
  tags              = { Name = "orbit-batch" }
}
# pre-existing: maps public IPs, uses the main route table (no IGW route)
resource "aws_subnet" "dmz" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = local.subnets.dmz.cidr
  availability_zone       = local.subnets.dmz.az
  map_public_ip_on_launch = true
  tags                    = { Name = "orbit-dmz" }
}
resource "aws_eip" "a" {
  domain = "vpc"
  tags   = { Name = "orbit-nat-a" }
}

resource "aws_nat_gateway" "a" {
  allocation_id = aws_eip.a.id
  subnet_id     = aws_subnet.dmz.id
  tags          = { Name = "orbit-nat-a" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
  tags = { Name = "orbit-public" }
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "orbit-private" }
}
resource "aws_route_table" "batch" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "orbit-batch" }
}
resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.a.id
}
resource "aws_route" "batch_default" {
  route_table_id         = aws_route_table.batch.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0f1e2d3c4b5a60001"
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "batch" {
  subnet_id      = aws_subnet.batch.id
  route_table_id = aws_route_table.batch.id
}
resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private.id]
  tags       = { Name = "orbit-private" }
}
resource "aws_network_acl_rule" "in_vpc" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "10.60.0.0/16"
}
resource "aws_network_acl_rule" "in_eph" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
resource "aws_network_acl_rule" "out_all" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_route_table_association" "dmz" {
  subnet_id      = aws_subnet.dmz.id
  route_table_id = aws_route_table.public.id
}
resource "aws_network_acl_rule" "out_deny_443" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 50
  egress         = true
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  name   = "app"
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

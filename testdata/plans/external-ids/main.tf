# A team stack dropped into a VPC owned by the network team: the VPC, its subnets, route
# tables and the transit gateway are not in this plan and are referenced by id only.

variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0aaa1111bbbb22220", "subnet-0aaa1111bbbb22221"]
}

variable "shared_route_table_id" {
  type    = string
  default = "rtb-0f1e2d3c4b5a69788"
}

variable "transit_gateway_id" {
  type    = string
  default = "tgw-0a1b2c3d4e5f67890"
}

locals {
  tags = { Team = "payments", ManagedBy = "terraform" }
}

# A subnet we add ourselves to the shared VPC (CIDR chosen by hand from the network team's plan).
resource "aws_subnet" "payments" {
  vpc_id            = var.vpc_id
  cidr_block        = "10.0.96.0/24"
  availability_zone = "us-east-1a"
  tags              = merge(local.tags, { Name = "payments-a" })
}

resource "aws_route_table" "payments" {
  vpc_id = var.vpc_id
  tags   = merge(local.tags, { Name = "payments" })
}

resource "aws_route" "payments_default" {
  route_table_id         = aws_route_table.payments.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = var.transit_gateway_id
}

resource "aws_route_table_association" "payments" {
  subnet_id      = aws_subnet.payments.id
  route_table_id = aws_route_table.payments.id
}

# Route added to a route table that is not managed here, pointing at a NAT gateway by literal id.
resource "aws_route" "shared_to_partner" {
  route_table_id         = var.shared_route_table_id
  destination_cidr_block = "198.51.100.0/24"
  nat_gateway_id         = "nat-0123456789abcdef0"
}

resource "aws_security_group" "api" {
  name        = "payments-api"
  description = "Payments API"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "api_from_shared_lb" {
  security_group_id            = aws_security_group.api.id
  referenced_security_group_id = "sg-0badc0ffee0000001"
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
}

resource "aws_vpc_security_group_egress_rule" "api_all" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_instance" "api" {
  count                  = length(var.private_subnet_ids)
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.small"
  subnet_id              = var.private_subnet_ids[count.index]
  vpc_security_group_ids = [aws_security_group.api.id]
  tags                   = merge(local.tags, { Name = "payments-api-${count.index}" })
}

resource "aws_instance" "worker" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.small"
  subnet_id              = "subnet-0ccc3333dddd44440"
  vpc_security_group_ids = [aws_security_group.api.id, "sg-0badc0ffee0000002"]
  tags                   = merge(local.tags, { Name = "payments-worker" })
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.private_subnet_ids
  security_group_ids  = [aws_security_group.api.id]
  private_dns_enabled = true
  tags                = local.tags
}

# Data sources that depend on values unknown until apply are deferred: the plan shows them as
# `read` actions in resource_changes.
data "aws_subnet" "payments" {
  id = aws_subnet.payments.id
}

data "aws_security_group" "api" {
  id = aws_security_group.api.id
}

resource "aws_vpc_security_group_ingress_rule" "api_from_own_subnet" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = data.aws_subnet.payments.cidr_block
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
}

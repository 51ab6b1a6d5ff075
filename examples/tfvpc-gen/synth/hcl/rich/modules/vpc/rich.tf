# `tfvpc-gen --rich` only: a data tier, per-tier NACL rule sets, an ALB with target groups, more
# security groups referencing each other, a bastion, and a nested module of interface endpoints.

variable "data_subnet_count" {
  type    = number
  default = 3
}

variable "office_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"]
}

locals {
  # Per-tier NACL rule sets, one `aws_network_acl_rule` each.
  data_nacl_rules = [
    { rule_number = 90, egress = false, protocol = "tcp", rule_action = "deny", cidr_block = "0.0.0.0/0", from_port = 22, to_port = 22 },
    { rule_number = 100, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = var.cidr, from_port = 5432, to_port = 5432 },
    { rule_number = 110, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = "10.0.0.0/8", from_port = 5432, to_port = 5432 },
    { rule_number = 120, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = var.cidr, from_port = 6379, to_port = 6379 },
    { rule_number = 130, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = var.cidr, from_port = 443, to_port = 443 },
    { rule_number = 140, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = "0.0.0.0/0", from_port = 1024, to_port = 65535 },
    { rule_number = 100, egress = true, protocol = "tcp", rule_action = "allow", cidr_block = "10.0.0.0/8", from_port = 1024, to_port = 65535 },
    { rule_number = 110, egress = true, protocol = "tcp", rule_action = "allow", cidr_block = "0.0.0.0/0", from_port = 443, to_port = 443 },
  ]
  private_nacl_rules = [
    { rule_number = 90, egress = false, protocol = "tcp", rule_action = "deny", cidr_block = "0.0.0.0/0", from_port = 3389, to_port = 3389 },
    { rule_number = 120, egress = false, protocol = "tcp", rule_action = "allow", cidr_block = "0.0.0.0/0", from_port = 443, to_port = 443 },
    { rule_number = 90, egress = true, protocol = "tcp", rule_action = "deny", cidr_block = "0.0.0.0/0", from_port = 25, to_port = 25 },
  ]
}

resource "aws_subnet" "data" {
  count             = var.data_subnet_count
  vpc_id            = local.vpc_id
  cidr_block        = cidrsubnet(var.cidr, 8, 64 + count.index)
  availability_zone = var.azs[count.index % length(var.azs)]
  tags              = merge(var.tags, { Name = "${var.name}-data-${count.index}", Tier = "data" })
}

resource "aws_route_table" "data" {
  vpc_id = local.vpc_id
  tags   = merge(var.tags, { Name = "${var.name}-data" })
}

resource "aws_route" "data_tgw" {
  route_table_id         = aws_route_table.data.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = var.transit_gateway_id
}

resource "aws_route_table_association" "data" {
  count          = var.data_subnet_count
  subnet_id      = aws_subnet.data[count.index].id
  route_table_id = aws_route_table.data.id
}

resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.this.id
  subnet_ids = aws_subnet.data[*].id
  tags       = merge(var.tags, { Name = "${var.name}-data" })
}

resource "aws_network_acl_rule" "data" {
  for_each       = { for r in local.data_nacl_rules : "${r.egress ? "egress" : "ingress"}-${r.rule_number}" => r }
  network_acl_id = aws_network_acl.data.id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = each.value.rule_action
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}

resource "aws_network_acl_rule" "private_extra" {
  for_each       = { for r in local.private_nacl_rules : "${r.egress ? "egress" : "ingress"}-${r.rule_number}" => r }
  network_acl_id = aws_network_acl.private.id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = each.value.rule_action
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Public load balancer"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each          = { https = 443, http = 80 }
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  description       = each.key
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8443
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8443
}

resource "aws_lb" "public" {
  name               = substr("${var.name}-alb", 0, 32)
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id
  tags               = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_lb_target_group" "app" {
  for_each    = { app = 8080, api = 8443 }
  name        = substr("${var.name}-${each.key}", 0, 32)
  port        = each.value
  protocol    = "HTTP"
  vpc_id      = local.vpc_id
  target_type = "instance"

  health_check {
    path    = "/health"
    matcher = "200"
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app["app"].arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app["api"].arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_security_group" "cache" {
  name        = "${var.name}-cache"
  description = "Cache tier"
  vpc_id      = local.vpc_id

  ingress {
    description     = "redis from app"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.cidr]
  }

  tags = merge(var.tags, { Name = "${var.name}-cache" })
}

resource "aws_security_group" "bastion" {
  name        = "${var.name}-bastion"
  description = "SSH from the offices"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-bastion" })
}

resource "aws_vpc_security_group_ingress_rule" "bastion_office" {
  for_each          = toset(var.office_cidrs)
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}

resource "aws_vpc_security_group_egress_rule" "bastion_vpc" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = var.cidr
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}

resource "aws_security_group_rule" "app_ssh_from_bastion" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  source_security_group_id = aws_security_group.bastion.id
  protocol                 = "tcp"
  from_port                = 22
  to_port                  = 22
}

resource "aws_security_group_rule" "db_from_cache" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.cache.id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public[0].id
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  associate_public_ip_address = true
  tags                        = merge(var.tags, { Name = "${var.name}-bastion" })
}

resource "aws_instance" "db" {
  count                  = var.data_subnet_count
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "r6i.large"
  subnet_id              = aws_subnet.data[count.index].id
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = merge(var.tags, { Name = "${var.name}-db-${count.index}" })
}

module "endpoints" {
  source     = "./endpoints"
  name       = var.name
  vpc_id     = local.vpc_id
  cidr       = var.cidr
  subnet_ids = aws_subnet.data[*].id
  tags       = var.tags
}

output "transit_gateway_attachment_id" {
  value = aws_ec2_transit_gateway_vpc_attachment.this.id
}

output "db_security_group_id" {
  value = aws_security_group.db.id
}

output "data_subnet_ids" {
  value = aws_subnet.data[*].id
}

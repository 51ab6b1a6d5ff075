# SG with inline rules of every shape.
resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "App servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  ingress {
    description      = "HTTP over IPv6 from anywhere"
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "Cluster gossip between members"
    from_port   = 7946
    to_port     = 7946
    protocol    = "udp"
    self        = true
  }

  ingress {
    description     = "From the load balancer"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }

  ingress {
    description     = "SSH from corporate networks"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.corp.id]
  }

  ingress {
    description = "Ping"
    from_port   = 8
    to_port     = 0
    protocol    = "icmp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description      = "Everything"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  tags = merge(local.tags, { Name = "${local.name}-app" })
}

# SG with no inline rules + aws_security_group_rule.
resource "aws_security_group" "lb" {
  name        = "${local.name}-lb"
  description = "Internal load balancer"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name}-lb" })
}

resource "aws_security_group_rule" "lb_from_clients" {
  type                     = "ingress"
  security_group_id        = aws_security_group.lb.id
  description              = "HTTPS from the client tier"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.clients.id
}

resource "aws_security_group_rule" "lb_to_app" {
  type              = "egress"
  security_group_id = aws_security_group.lb.id
  description       = "To app subnets"
  from_port         = 8080
  to_port           = 8080
  protocol          = "tcp"
  cidr_blocks       = aws_subnet.app[*].cidr_block
}

# SG with the new-style per-rule resources.
resource "aws_security_group" "clients" {
  name        = "${local.name}-clients"
  description = "Client tier"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name}-clients" })
}

resource "aws_vpc_security_group_ingress_rule" "clients_v4" {
  security_group_id = aws_security_group.clients.id
  cidr_ipv4         = "10.30.0.0/16"
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
}

resource "aws_vpc_security_group_ingress_rule" "clients_v6" {
  security_group_id = aws_security_group.clients.id
  cidr_ipv6         = aws_vpc.main.ipv6_cidr_block
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
}

resource "aws_vpc_security_group_ingress_rule" "clients_from_lb" {
  security_group_id            = aws_security_group.clients.id
  referenced_security_group_id = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9100
}

resource "aws_vpc_security_group_ingress_rule" "clients_from_corp" {
  security_group_id = aws_security_group.clients.id
  prefix_list_id    = aws_ec2_managed_prefix_list.corp.id
  ip_protocol       = "-1"
}

resource "aws_vpc_security_group_egress_rule" "clients_all" {
  security_group_id = aws_security_group.clients.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_vpc_security_group_egress_rule" "clients_s3" {
  security_group_id = aws_security_group.clients.id
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_security_group" "endpoints" {
  name        = "${local.name}-vpce"
  description = "Interface endpoints"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  tags = merge(local.tags, { Name = "${local.name}-vpce" })
}

# Adopt the default SG and leave a single rule on it.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }

  tags = merge(local.tags, { Name = "${local.name}-default" })
}

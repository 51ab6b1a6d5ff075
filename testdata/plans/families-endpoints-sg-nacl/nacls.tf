# NACL with inline rules, attached to the app subnets.
resource "aws_network_acl" "app" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.app[*].id

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = aws_vpc.main.cidr_block
    from_port  = 443
    to_port    = 443
  }

  ingress {
    protocol   = "tcp"
    rule_no    = 200
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }

  ingress {
    protocol   = "tcp"
    rule_no    = 50
    action     = "deny"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  egress {
    protocol        = "-1"
    rule_no         = 101
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 0
  }

  tags = merge(local.tags, { Name = "${local.name}-app" })
}

# NACL with no inline rules: rules and association are separate resources.
resource "aws_network_acl" "endpoints" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-endpoints" })
}

resource "aws_network_acl_rule" "endpoints_https_in" {
  network_acl_id = aws_network_acl.endpoints.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = aws_vpc.main.cidr_block
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "endpoints_https_in_v6" {
  network_acl_id  = aws_network_acl.endpoints.id
  rule_number     = 101
  egress          = false
  protocol        = "tcp"
  rule_action     = "allow"
  ipv6_cidr_block = aws_vpc.main.ipv6_cidr_block
  from_port       = 443
  to_port         = 443
}

resource "aws_network_acl_rule" "endpoints_icmp_in" {
  network_acl_id = aws_network_acl.endpoints.id
  rule_number    = 110
  egress         = false
  protocol       = "icmp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  icmp_type      = 3
  icmp_code      = 4
}

resource "aws_network_acl_rule" "endpoints_ephemeral_out" {
  network_acl_id = aws_network_acl.endpoints.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = aws_vpc.main.cidr_block
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "endpoints_deny_out" {
  network_acl_id = aws_network_acl.endpoints.id
  rule_number    = 200
  egress         = true
  protocol       = "-1"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_association" "endpoints" {
  count          = 2
  network_acl_id = aws_network_acl.endpoints.id
  subnet_id      = aws_subnet.endpoints[count.index].id
}

# The default NACL keeps serving the inspection subnet; restrict it to the VPC.
resource "aws_default_network_acl" "default" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id

  ingress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = aws_vpc.main.cidr_block
    from_port  = 0
    to_port    = 0
  }

  egress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = merge(local.tags, { Name = "${local.name}-default" })

  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

# Issue 13: network-firewall with a defect after the firewall: the firewall subnet's route table
# has no route to the internet gateway. The requests from the internet still reach the protected
# instance (ingress routing, then local), but its replies, sent to the firewall endpoint, find no
# route out of the firewall subnet: a decided drop, whatever the firewall's policy says.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "firewall" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "protected" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_networkfirewall_rule_group" "allow_https" {
  name     = "allow-https"
  type     = "STATEFUL"
  capacity = 10
  rule_group {
    rules_source {
      stateful_rule {
        action = "PASS"
        header {
          protocol         = "TCP"
          source           = "ANY"
          source_port      = "ANY"
          destination      = "10.0.1.0/24"
          destination_port = "443"
          direction        = "FORWARD"
        }
        rule_option {
          keyword  = "sid"
          settings = ["1"]
        }
      }
    }
  }
}

resource "aws_networkfirewall_firewall_policy" "main" {
  name = "inspection"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
    stateful_rule_group_reference {
      resource_arn = aws_networkfirewall_rule_group.allow_https.arn
    }
  }
}

resource "aws_networkfirewall_firewall" "main" {
  name                = "inspection"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.main.arn
  vpc_id              = aws_vpc.main.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall.id
  }
}

# The firewall subnet: no route to the internet gateway (the defect).
resource "aws_route_table" "firewall" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "firewall" {
  subnet_id      = aws_subnet.firewall.id
  route_table_id = aws_route_table.firewall.id
}

# The protected subnet: everything else through the firewall endpoint.
resource "aws_route_table" "protected" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "protected_default" {
  route_table_id         = aws_route_table.protected.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = tolist(aws_networkfirewall_firewall.main.firewall_status[0].sync_states)[0].attachment[0].endpoint_id
}

resource "aws_route_table_association" "protected" {
  subnet_id      = aws_subnet.protected.id
  route_table_id = aws_route_table.protected.id
}

# Ingress routing: what enters through the internet gateway for the protected subnet goes
# through the firewall endpoint first.
resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = aws_subnet.protected.cidr_block
    vpc_endpoint_id = tolist(aws_networkfirewall_firewall.main.firewall_status[0].sync_states)[0].attachment[0].endpoint_id
  }
}

resource "aws_route_table_association" "edge" {
  gateway_id     = aws_internet_gateway.main.id
  route_table_id = aws_route_table.edge.id
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.protected.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}

resource "aws_instance" "private" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.protected.id
  associate_public_ip_address = false
  vpc_security_group_ids      = [aws_security_group.web.id]
}

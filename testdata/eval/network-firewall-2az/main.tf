# Issue 13: the inspection VPC of network-firewall in two AZs. The firewall has one endpoint per
# subnet mapping, and each route picks its AZ's endpoint from `firewall_status`, which the plan
# does not know yet: which endpoint a route targets is undecided (said, never guessed), so the
# traces are indeterminate at that route. A state after apply decides it
# (network-firewall-state).
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "firewall_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "firewall_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.16/28"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "protected_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "protected_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_networkfirewall_firewall_policy" "main" {
  name = "inspection"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
  }
}

resource "aws_networkfirewall_firewall" "main" {
  name                = "inspection"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.main.arn
  vpc_id              = aws_vpc.main.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall_a.id
  }
  subnet_mapping {
    subnet_id = aws_subnet.firewall_b.id
  }
}

resource "aws_route_table" "firewall" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "firewall_a" {
  subnet_id      = aws_subnet.firewall_a.id
  route_table_id = aws_route_table.firewall.id
}

resource "aws_route_table_association" "firewall_b" {
  subnet_id      = aws_subnet.firewall_b.id
  route_table_id = aws_route_table.firewall.id
}

resource "aws_route_table" "protected_a" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = [for s in aws_networkfirewall_firewall.main.firewall_status[0].sync_states : s.attachment[0].endpoint_id if s.availability_zone == aws_subnet.protected_a.availability_zone][0]
  }
}

resource "aws_route_table" "protected_b" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = [for s in aws_networkfirewall_firewall.main.firewall_status[0].sync_states : s.attachment[0].endpoint_id if s.availability_zone == aws_subnet.protected_b.availability_zone][0]
  }
}

resource "aws_route_table_association" "protected_a" {
  subnet_id      = aws_subnet.protected_a.id
  route_table_id = aws_route_table.protected_a.id
}

resource "aws_route_table_association" "protected_b" {
  subnet_id      = aws_subnet.protected_b.id
  route_table_id = aws_route_table.protected_b.id
}

resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "edge_a" {
  route_table_id         = aws_route_table.edge.id
  destination_cidr_block = aws_subnet.protected_a.cidr_block
  vpc_endpoint_id        = [for s in aws_networkfirewall_firewall.main.firewall_status[0].sync_states : s.attachment[0].endpoint_id if s.availability_zone == aws_subnet.protected_a.availability_zone][0]
}

resource "aws_route" "edge_b" {
  route_table_id         = aws_route_table.edge.id
  destination_cidr_block = aws_subnet.protected_b.cidr_block
  vpc_endpoint_id        = [for s in aws_networkfirewall_firewall.main.firewall_status[0].sync_states : s.attachment[0].endpoint_id if s.availability_zone == aws_subnet.protected_b.availability_zone][0]
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

resource "aws_instance" "web_a" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.protected_a.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}

resource "aws_instance" "web_b" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.protected_b.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}

# Issue 13: centralised inspection with AWS Network Firewall behind a transit gateway, one AZ
# (https://docs.aws.amazon.com/network-firewall/latest/developerguide/asymmetric-routing.html:
# "centralized deployment model", transit gateway appliance mode).
# The spoke sends 0.0.0.0/0 to the transit gateway; its table sends everything to the inspection
# VPC, whose attachment subnet routes to the firewall endpoint; the firewall subnet routes the
# internet to the NAT gateway and the spokes back to the transit gateway; the NAT's subnet sends
# the replies for the spoke through the firewall endpoint again. Both legs pass the same endpoint:
# the flow is indeterminate at the firewall (its policy), and a spoke without a route to the
# transit gateway is still dropped.
resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

# ---- spoke ----
resource "aws_vpc" "spoke" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "spoke" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "spoke" {
  vpc_id = aws_vpc.spoke.id
  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "spoke" {
  subnet_id      = aws_subnet.spoke.id
  route_table_id = aws_route_table.spoke.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.spoke.id
  subnet_ids                                      = [aws_subnet.spoke.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.spoke.id
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
  subnet_id              = aws_subnet.spoke.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

# A second spoke subnet without a route to the transit gateway: dropped before the firewall.
resource "aws_subnet" "isolated" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.1.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_instance" "isolated" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.isolated.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

# ---- inspection VPC ----
resource "aws_vpc" "inspection" {
  cidr_block = "10.100.0.0/16"
}

resource "aws_internet_gateway" "inspection" {
  vpc_id = aws_vpc.inspection.id
}

resource "aws_subnet" "tgw" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "firewall" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.0.16/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "egress" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "inspection" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.inspection.id
  subnet_ids                                      = [aws_subnet.tgw.id]
  appliance_mode_support                          = "enable"
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_networkfirewall_firewall_policy" "egress" {
  name = "egress"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
  }
}

resource "aws_networkfirewall_firewall" "egress" {
  name                = "egress"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.egress.arn
  vpc_id              = aws_vpc.inspection.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall.id
  }
}

resource "aws_route_table" "tgw" {
  vpc_id = aws_vpc.inspection.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = tolist(aws_networkfirewall_firewall.egress.firewall_status[0].sync_states)[0].attachment[0].endpoint_id
  }
}

resource "aws_route_table_association" "tgw" {
  subnet_id      = aws_subnet.tgw.id
  route_table_id = aws_route_table.tgw.id
}

resource "aws_route_table" "firewall" {
  vpc_id = aws_vpc.inspection.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.egress.id
  }
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "firewall" {
  subnet_id      = aws_subnet.firewall.id
  route_table_id = aws_route_table.firewall.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.inspection.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.inspection.id
  }
  route {
    cidr_block      = "10.0.0.0/8"
    vpc_endpoint_id = tolist(aws_networkfirewall_firewall.egress.firewall_status[0].sync_states)[0].attachment[0].endpoint_id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# ---- transit gateway tables ----
resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "spoke" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "spokes_default" {
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.inspection.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table" "inspection" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "inspection" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.inspection.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.inspection.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "spoke" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.inspection.id
}

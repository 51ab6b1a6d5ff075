# Attachments made from a map variable (terraform-aws-modules/transit-gateway): the plan
# flattens the map's references, so each attachment's VPC is unknown until apply and no VPC may
# be declared unattached.
resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_vpc" "a" { cidr_block = "10.10.0.0/16" }
resource "aws_vpc" "b" { cidr_block = "10.20.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.10.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.b.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
  route {
    cidr_block         = "10.20.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}
resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
  route {
    cidr_block         = "10.10.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.a.id
}
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}

module "att" {
  source = "./modules/att"
  tgw_id = aws_ec2_transit_gateway.hub.id
  vpc_attachments = {
    a = { vpc_id = aws_vpc.a.id, subnet_ids = [aws_subnet.a.id] }
    b = { vpc_id = aws_vpc.b.id, subnet_ids = [aws_subnet.b.id] }
  }
}

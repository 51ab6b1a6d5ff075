# Two overlapping VPCs share the transit gateway's default route table.
resource "aws_vpc" "a" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.20.0.0/20"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.20.100.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.b.id
  cidr_block        = "10.20.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = [aws_subnet.a.id]
}

# expect: overlapping-peering-cidr
resource "aws_ec2_transit_gateway_vpc_attachment" "b" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.b.id
  subnet_ids         = [aws_subnet.b.id]
}

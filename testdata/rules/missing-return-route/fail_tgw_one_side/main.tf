# Both VPCs attach to a transit gateway that routes between them (default association and
# propagation); a's table routes b's range to the TGW, b's table has no route back.
resource "aws_vpc" "a" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.20.0.0/16"
}

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

resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = [aws_subnet.a.id]
}

resource "aws_ec2_transit_gateway_vpc_attachment" "b" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.b.id
  subnet_ids         = [aws_subnet.b.id]
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
  route {
    cidr_block         = aws_vpc.b.cidr_block
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.a.id
}

# expect: missing-return-route
resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
}

resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}

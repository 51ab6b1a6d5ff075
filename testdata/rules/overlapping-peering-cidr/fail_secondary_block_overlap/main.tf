# The primaries are disjoint, but app's secondary block overlaps data's primary.
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "app_extra" {
  vpc_id     = aws_vpc.app.id
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "data" {
  cidr_block = "10.1.128.0/17"
}

# expect: overlapping-peering-cidr
resource "aws_vpc_peering_connection" "app_data" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block                = aws_vpc.data.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
  }
}

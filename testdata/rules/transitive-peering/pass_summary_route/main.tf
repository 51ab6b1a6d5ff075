# A summary route that contains the peer's block (10.0.0.0/8 → pcx) is fine, as is a route to a
# subset of the peer.
resource "aws_vpc" "a" {
  cidr_block = "10.100.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.101.0.0/16"
}

resource "aws_vpc_peering_connection" "a_b" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
  route {
    cidr_block                = "10.0.0.0/8"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }
}

resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
  route {
    cidr_block                = "10.100.8.0/24"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }
}

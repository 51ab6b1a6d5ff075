# Two VPCs with the same CIDR that nothing joins, and a peering between disjoint VPCs.
resource "aws_vpc" "blue" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_vpc" "green" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_vpc" "shared" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_vpc_peering_connection" "blue_shared" {
  vpc_id      = aws_vpc.blue.id
  peer_vpc_id = aws_vpc.shared.id
  auto_accept = true
}

resource "aws_route_table" "blue" {
  vpc_id = aws_vpc.blue.id
  route {
    cidr_block                = aws_vpc.shared.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.blue_shared.id
  }
}

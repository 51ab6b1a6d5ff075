# A spoke without its own internet access sends 0.0.0.0/0 to the hub over peering, hoping to use
# the hub's NAT gateway: edge-to-edge routing is not supported.
resource "aws_vpc" "hub" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_vpc" "spoke" {
  cidr_block = "10.11.0.0/16"
}

resource "aws_vpc_peering_connection" "hub_spoke" {
  vpc_id      = aws_vpc.spoke.id
  peer_vpc_id = aws_vpc.hub.id
  auto_accept = true
}

# expect: transitive-peering
resource "aws_route_table" "spoke" {
  vpc_id = aws_vpc.spoke.id
  route {
    cidr_block                = "0.0.0.0/0"
    vpc_peering_connection_id = aws_vpc_peering_connection.hub_spoke.id
  }
}

resource "aws_route_table" "hub" {
  vpc_id = aws_vpc.hub.id
  route {
    cidr_block                = aws_vpc.spoke.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.hub_spoke.id
  }
}

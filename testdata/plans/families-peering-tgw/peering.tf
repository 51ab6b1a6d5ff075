# Same-account, same-region peering: shared <-> app.
resource "aws_vpc_peering_connection" "shared_app" {
  vpc_id      = aws_vpc.this["shared"].id
  peer_vpc_id = aws_vpc.this["app"].id
  auto_accept = true

  accepter {
    allow_remote_vpc_dns_resolution = true
  }

  tags = merge(local.tags, { Name = "shared-app" })
}

# Cross-region peering: shared (us-east-1) -> dr (us-west-2), accepted on the west side.
resource "aws_vpc_peering_connection" "shared_dr" {
  vpc_id      = aws_vpc.this["shared"].id
  peer_vpc_id = aws_vpc.dr.id
  peer_region = "us-west-2"
  auto_accept = false
  tags        = merge(local.tags, { Name = "shared-dr", Side = "Requester" })
}

resource "aws_vpc_peering_connection_accepter" "shared_dr" {
  provider                  = aws.west
  vpc_peering_connection_id = aws_vpc_peering_connection.shared_dr.id
  auto_accept               = true
  tags                      = merge(local.tags, { Name = "shared-dr", Side = "Accepter" })
}

resource "aws_route" "shared_to_app" {
  route_table_id            = aws_route_table.this["shared"].id
  destination_cidr_block    = aws_vpc.this["app"].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.shared_app.id
}

resource "aws_route" "app_to_shared" {
  route_table_id            = aws_route_table.this["app"].id
  destination_cidr_block    = aws_vpc.this["shared"].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.shared_app.id
}

resource "aws_route" "shared_to_dr" {
  route_table_id            = aws_route_table.this["shared"].id
  destination_cidr_block    = aws_vpc.dr.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.shared_dr.id
}

resource "aws_route" "dr_to_shared" {
  provider                  = aws.west
  route_table_id            = aws_route_table.dr.id
  destination_cidr_block    = aws_vpc.this["shared"].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.shared_dr.id
}

resource "aws_ec2_transit_gateway" "hub" {
  description                     = "us-east-1 hub"
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  dns_support                     = "enable"
  tags                            = merge(local.tags, { Name = "hub" })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.this["app"].id
  subnet_ids                                      = [aws_subnet.this["app"].id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = merge(local.tags, { Name = "app" })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "data" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.this["data"].id
  subnet_ids                                      = [aws_subnet.this["data"].id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = merge(local.tags, { Name = "data" })
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = merge(local.tags, { Name = "spokes" })
}

resource "aws_ec2_transit_gateway_route_table_association" "app" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "data" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.data.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "data" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.data.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

# Static route back to app (it does not propagate).
resource "aws_ec2_transit_gateway_route" "app" {
  destination_cidr_block         = aws_vpc.this["app"].cidr_block
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

# Drop everything else in RFC 1918 that is not explicitly routed.
resource "aws_ec2_transit_gateway_route" "blackhole" {
  destination_cidr_block         = "10.0.0.0/8"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

# VPC routes towards the TGW.
resource "aws_route" "app_to_data" {
  route_table_id         = aws_route_table.this["app"].id
  destination_cidr_block = aws_vpc.this["data"].cidr_block
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.app]
}

resource "aws_route" "data_to_app" {
  route_table_id         = aws_route_table.this["data"].id
  destination_cidr_block = aws_vpc.this["app"].cidr_block
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.data]
}

# --- inter-region TGW peering -------------------------------------------------------------

resource "aws_ec2_transit_gateway" "west" {
  provider                        = aws.west
  description                     = "us-west-2 hub"
  amazon_side_asn                 = 64513
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags                            = merge(local.tags, { Name = "west" })
}

resource "aws_ec2_transit_gateway_peering_attachment" "east_west" {
  transit_gateway_id      = aws_ec2_transit_gateway.hub.id
  peer_transit_gateway_id = aws_ec2_transit_gateway.west.id
  peer_region             = "us-west-2"
  tags                    = merge(local.tags, { Name = "east-west", Side = "Creator" })
}

resource "aws_ec2_transit_gateway_peering_attachment_accepter" "east_west" {
  provider                      = aws.west
  transit_gateway_attachment_id = aws_ec2_transit_gateway_peering_attachment.east_west.id
  tags                          = merge(local.tags, { Name = "east-west", Side = "Accepter" })
}

# DR range reachable from the spokes over the TGW peering.
resource "aws_ec2_transit_gateway_route" "to_west" {
  destination_cidr_block         = "10.50.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment.east_west.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id

  depends_on = [aws_ec2_transit_gateway_peering_attachment_accepter.east_west]
}

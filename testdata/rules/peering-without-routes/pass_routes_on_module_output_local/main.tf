# The peering routes are added by the caller on a module output that the module sets through a
# local: the plan does not say which tables they are on, but they are on one of the module's
# tables, so the connection may well carry traffic.
module "app" {
  source = "./modules/vpc"
  cidr   = "10.1.0.0/16"
  az     = "us-east-1a"
}

module "data" {
  source = "./modules/vpc"
  cidr   = "10.2.0.0/16"
  az     = "us-east-1a"
}

resource "aws_vpc_peering_connection" "app_data" {
  vpc_id      = module.app.vpc_id
  peer_vpc_id = module.data.vpc_id
  auto_accept = true
}

resource "aws_route" "app_to_data" {
  route_table_id            = module.app.private_route_table_ids[0]
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}

resource "aws_route" "data_to_app" {
  route_table_id            = module.data.private_route_table_ids[0]
  destination_cidr_block    = "10.1.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}

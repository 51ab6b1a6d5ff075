# `tfvpc-gen --rich` only: transit gateway route tables, a mesh of peerings with routes on every
# route table, and security group rules across peered VPCs. `local.rich_vpcs` and `local.mesh`
# are in main.tf.

locals {
  tgw_route_tables = toset(["prod", "nonprod", "shared", "inspection"])

  # Shared VPCs propagate into every table but inspection; the others into their own and shared.
  tgw_propagations = merge([
    for name, v in local.rich_vpcs : {
      for rt in(v.tgw_rt == "shared" ? ["prod", "nonprod", "shared"] : [v.tgw_rt, "shared"]) :
      "${name}/${rt}" => { vpc = name, rt = rt }
    }
  ]...)

  # One route per peering side and private route table of that side.
  mesh_routes = merge([
    for k, p in local.mesh : merge(
      { for i in range(local.rich_vpcs[p.requester].nat_count) : "${k}/req/${i}" => { side = p.requester, peer = p.accepter, i = i, conn = k } },
      { for i in range(local.rich_vpcs[p.accepter].nat_count) : "${k}/acc/${i}" => { side = p.accepter, peer = p.requester, i = i, conn = k } },
    )
  ]...)
}

resource "aws_ec2_transit_gateway_route_table" "this" {
  for_each           = local.tgw_route_tables
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = merge(local.tags, { Name = each.key })
}

resource "aws_ec2_transit_gateway_route_table_association" "vpc" {
  for_each                       = local.rich_vpcs
  transit_gateway_attachment_id  = module.vpc[each.key].transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.this[each.value.tgw_rt].id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "vpc" {
  for_each                       = local.tgw_propagations
  transit_gateway_attachment_id  = module.vpc[each.value.vpc].transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.this[each.value.rt].id
}

resource "aws_ec2_transit_gateway_route" "blackhole" {
  for_each                       = toset(["prod", "nonprod"])
  destination_cidr_block         = "192.168.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.this[each.key].id
}

resource "aws_ec2_transit_gateway_route" "default_to_shared" {
  for_each                       = toset(["prod", "nonprod", "inspection"])
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_attachment_id  = module.vpc[local.egress_vpc].transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.this[each.key].id
}

resource "aws_vpc_peering_connection" "mesh" {
  for_each    = local.mesh
  vpc_id      = module.vpc[each.value.requester].vpc_id
  peer_vpc_id = module.vpc[each.value.accepter].vpc_id
  auto_accept = true
  tags        = merge(local.tags, { Name = each.key })
}

resource "aws_route" "mesh_public_requester" {
  for_each                  = local.mesh
  route_table_id            = module.vpc[each.value.requester].public_route_table_id
  destination_cidr_block    = local.vpcs[each.value.accepter].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.mesh[each.key].id
}

resource "aws_route" "mesh_public_accepter" {
  for_each                  = local.mesh
  route_table_id            = module.vpc[each.value.accepter].public_route_table_id
  destination_cidr_block    = local.vpcs[each.value.requester].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.mesh[each.key].id
}

resource "aws_route" "mesh_private" {
  for_each                  = local.mesh_routes
  route_table_id            = module.vpc[each.value.side].private_route_table_ids[each.value.i]
  destination_cidr_block    = local.vpcs[each.value.peer].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.mesh[each.value.conn].id
}

resource "aws_vpc_security_group_ingress_rule" "mesh_app_from_peer" {
  for_each          = local.mesh
  security_group_id = module.vpc[each.value.accepter].app_security_group_id
  cidr_ipv4         = local.vpcs[each.value.requester].cidr
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  description       = "app from ${each.value.requester}"
}

resource "aws_vpc_security_group_egress_rule" "mesh_app_to_peer" {
  for_each          = local.mesh
  security_group_id = module.vpc[each.value.requester].app_security_group_id
  cidr_ipv4         = local.vpcs[each.value.accepter].cidr
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
}

resource "aws_security_group_rule" "mesh_db_from_peer_app" {
  for_each                 = local.mesh
  type                     = "ingress"
  security_group_id        = module.vpc[each.value.requester].db_security_group_id
  source_security_group_id = module.vpc[each.value.accepter].app_security_group_id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  description              = "db from the app tier of ${each.value.accepter}"
}

# Route tables with no inline routes; every route is a separate aws_route.

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-public" })
}

resource "aws_route" "public_default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route" "public_default_v6" {
  route_table_id              = aws_route_table.public.id
  destination_ipv6_cidr_block = "::/0"
  gateway_id                  = aws_internet_gateway.this.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-private" })
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.public.id
}

resource "aws_route" "private_eigw" {
  route_table_id              = aws_route_table.private.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.this.id
}

# On-prem range sent through the inspection appliance ENI.
resource "aws_route" "private_onprem_via_appliance" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "192.168.0.0/16"
  network_interface_id   = aws_network_interface.appliance.id
}

resource "aws_vpc_endpoint_route_table_association" "private_s3" {
  route_table_id  = aws_route_table.private.id
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
}

resource "aws_route_table" "pods" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-pods" })
}

resource "aws_route" "pods_to_private_nat" {
  route_table_id         = aws_route_table.pods.id
  destination_cidr_block = "10.0.0.0/8"
  nat_gateway_id         = aws_nat_gateway.private.id
}

# Ingress routing (edge association on the IGW): traffic from the internet to public[1] is sent
# through the Gateway Load Balancer endpoint first.
resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-igw-edge" })
}

resource "aws_route" "edge_to_gwlbe" {
  route_table_id         = aws_route_table.edge.id
  destination_cidr_block = aws_subnet.public[1].cidr_block
  vpc_endpoint_id        = aws_vpc_endpoint.inspection.id
}

resource "aws_route_table_association" "public" {
  count          = length(local.azs)
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "pods" {
  subnet_id      = aws_subnet.pods.id
  route_table_id = aws_route_table.pods.id
}

resource "aws_route_table_association" "edge" {
  gateway_id     = aws_internet_gateway.this.id
  route_table_id = aws_route_table.edge.id
}

# Private subnets are left unassociated on purpose: they use the main route table.
resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}

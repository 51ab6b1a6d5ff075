# Gateway endpoint, route tables given inline.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.app[*].id
  tags              = merge(local.tags, { Name = "${local.name}-s3" })
}

# Gateway endpoint, route table given by a separate association.
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.dynamodb"
  vpc_endpoint_type = "Gateway"
  tags              = merge(local.tags, { Name = "${local.name}-dynamodb" })
}

resource "aws_vpc_endpoint_route_table_association" "dynamodb" {
  count           = 2
  vpc_endpoint_id = aws_vpc_endpoint.dynamodb.id
  route_table_id  = aws_route_table.app[count.index].id
}

# Interface endpoint: first subnet inline, second via aws_vpc_endpoint_subnet_association.
resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.endpoints[0].id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = merge(local.tags, { Name = "${local.name}-ssm" })
}

resource "aws_vpc_endpoint_subnet_association" "ssm_b" {
  vpc_endpoint_id = aws_vpc_endpoint.ssm.id
  subnet_id       = aws_subnet.endpoints[1].id
}

# Gateway Load Balancer endpoint in front of a (target-less) GWLB.
resource "aws_lb" "gwlb" {
  name               = "${local.name}-gwlb"
  load_balancer_type = "gateway"
  subnets            = [aws_subnet.inspection.id]
  tags               = local.tags
}

resource "aws_vpc_endpoint_service" "gwlb" {
  acceptance_required        = false
  gateway_load_balancer_arns = [aws_lb.gwlb.arn]
  tags                       = merge(local.tags, { Name = "${local.name}-gwlb" })
}

resource "aws_vpc_endpoint" "gwlb" {
  vpc_id            = aws_vpc.main.id
  service_name      = aws_vpc_endpoint_service.gwlb.service_name
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.inspection.id]
  tags              = merge(local.tags, { Name = "${local.name}-gwlbe" })
}

# Managed prefix list: two entries inline, one as a separate resource.
resource "aws_ec2_managed_prefix_list" "corp" {
  name           = "corp-networks"
  address_family = "IPv4"
  max_entries    = 5

  entry {
    cidr        = "192.168.0.0/16"
    description = "HQ"
  }

  entry {
    cidr        = "172.20.0.0/16"
    description = "Branch offices"
  }

  tags = local.tags
}

resource "aws_ec2_managed_prefix_list_entry" "vpn_users" {
  prefix_list_id = aws_ec2_managed_prefix_list.corp.id
  cidr           = "100.100.0.0/22"
  description    = "Client VPN pool"
}

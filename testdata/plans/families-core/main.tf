locals {
  name = "core"
  azs  = ["us-east-1a", "us-east-1b"]
  tags = {
    Project     = local.name
    Environment = "test"
  }
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.20.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_hostnames             = true
  tags                             = merge(local.tags, { Name = "${local.name}-vpc" })
}

# Secondary IPv4 range, used by the "pods" subnets below.
resource "aws_vpc_ipv4_cidr_block_association" "secondary" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "100.64.0.0/16"
}

resource "aws_subnet" "public" {
  count                           = length(local.azs)
  vpc_id                          = aws_vpc.main.id
  availability_zone               = local.azs[count.index]
  cidr_block                      = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index)
  assign_ipv6_address_on_creation = true
  map_public_ip_on_launch         = true
  tags                            = merge(local.tags, { Name = "${local.name}-public-${local.azs[count.index]}" })
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet("10.20.0.0/16", 4, count.index + 8) # 10.20.128.0/20, 10.20.144.0/20
  tags              = merge(local.tags, { Name = "${local.name}-private-${local.azs[count.index]}" })
}

resource "aws_subnet" "pods" {
  vpc_id            = aws_vpc_ipv4_cidr_block_association.secondary.vpc_id
  availability_zone = "us-east-1a"
  cidr_block        = "100.64.0.0/18"
  tags              = merge(local.tags, { Name = "${local.name}-pods-a" })
}

# --- gateways -------------------------------------------------------------------------------

resource "aws_internet_gateway" "this" {
  tags = merge(local.tags, { Name = "${local.name}-igw" })
}

resource "aws_internet_gateway_attachment" "this" {
  internet_gateway_id = aws_internet_gateway.this.id
  vpc_id              = aws_vpc.main.id
}

resource "aws_egress_only_internet_gateway" "this" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-eigw" })
}

resource "aws_eip" "nat" {
  domain     = "vpc"
  tags       = merge(local.tags, { Name = "${local.name}-nat-a" })
  depends_on = [aws_internet_gateway_attachment.this]
}

resource "aws_nat_gateway" "public" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = "${local.name}-nat-a" })
}

# Private NAT: lets the non-routable 100.64.0.0/16 pods range reach 10.x networks.
resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.private[0].id
  tags              = merge(local.tags, { Name = "${local.name}-nat-private" })
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  tags              = merge(local.tags, { Name = "${local.name}-s3" })
}

# Gateway Load Balancer + endpoint used by the IGW edge route table (see routing.tf).
resource "aws_lb" "inspection" {
  name               = "${local.name}-gwlb"
  load_balancer_type = "gateway"
  subnets            = [aws_subnet.private[0].id]
  tags               = local.tags
}

resource "aws_vpc_endpoint_service" "inspection" {
  acceptance_required        = false
  gateway_load_balancer_arns = [aws_lb.inspection.arn]
  tags                       = local.tags
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = aws_vpc.main.id
  service_name      = aws_vpc_endpoint_service.inspection.service_name
  vpc_endpoint_type = aws_vpc_endpoint_service.inspection.service_type
  subnet_ids        = [aws_subnet.public[0].id]
  tags              = merge(local.tags, { Name = "${local.name}-gwlbe" })
}

# --- inspection appliance ENI ----------------------------------------------------------------

resource "aws_network_interface" "appliance" {
  subnet_id         = aws_subnet.public[0].id
  private_ips       = ["10.20.0.10"]
  source_dest_check = false
  tags              = merge(local.tags, { Name = "${local.name}-appliance" })
}

resource "aws_instance" "bastion" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = "${local.name}-bastion" })
}

resource "aws_eip" "bastion" {
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${local.name}-bastion" })
}

resource "aws_eip_association" "bastion" {
  instance_id   = aws_instance.bastion.id
  allocation_id = aws_eip.bastion.id
}

# Second IPv6 block, Amazon-provided (the provider needs no IPAM pool for this since 5.x).
resource "aws_vpc_ipv6_cidr_block_association" "extra" {
  vpc_id                           = aws_vpc.main.id
  assign_generated_ipv6_cidr_block = true
}

locals {
  name = "svc"
  azs  = ["us-east-1a", "us-east-1b"]
  tags = { Project = local.name, Owner = "platform" }
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.30.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true
  tags                             = merge(local.tags, { Name = local.name })
}

resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 10)
  availability_zone = local.azs[count.index]
  tags              = merge(local.tags, { Name = "${local.name}-app-${count.index}" })
}

resource "aws_subnet" "endpoints" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 10, count.index + 80) # 10.30.20.0/26, 10.30.20.64/26
  availability_zone = local.azs[count.index]
  tags              = merge(local.tags, { Name = "${local.name}-endpoints-${count.index}" })
}

resource "aws_subnet" "inspection" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.30.0/24"
  availability_zone = local.azs[0]
  tags              = merge(local.tags, { Name = "${local.name}-inspection" })
}

resource "aws_route_table" "app" {
  count  = 2
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name}-app-${count.index}" })
}

resource "aws_route_table_association" "app" {
  count          = 2
  subnet_id      = aws_subnet.app[count.index].id
  route_table_id = aws_route_table.app[count.index].id
}

# /16 and /28 are the limits, both allowed; a /64 derived from the VPC is unknown until apply.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "whole" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "other" {
  cidr_block                       = "10.1.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_subnet" "smallest" {
  vpc_id     = aws_vpc.other.id
  cidr_block = "10.1.0.0/28"
}

resource "aws_subnet" "dual" {
  vpc_id          = aws_vpc.other.id
  cidr_block      = "10.1.1.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.other.ipv6_cidr_block, 8, 1)
}

resource "aws_vpc" "eks" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_subnet" "eks_a" {
  vpc_id                  = aws_vpc.eks.id
  cidr_block              = "10.10.1.0/24"
  map_public_ip_on_launch = true # but the VPC has no internet gateway
}

# "Public" subnets in a VPC that has no internet gateway (they use the main route table).
resource "aws_vpc" "eks" {
  cidr_block = "10.10.0.0/16"
}

# expect: public-subnet-without-igw
resource "aws_subnet" "eks_a" {
  vpc_id                  = aws_vpc.eks.id
  cidr_block              = "10.10.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}

# expect: public-subnet-without-igw
resource "aws_subnet" "eks_b" {
  vpc_id                  = aws_vpc.eks.id
  cidr_block              = "10.10.2.0/24"
  availability_zone       = "us-east-1b"
  map_public_ip_on_launch = true
}

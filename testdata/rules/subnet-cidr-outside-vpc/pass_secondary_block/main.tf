# 100.64.1.0/24 is outside the primary block but inside the secondary association: fine.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "pods" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "100.64.0.0/16"
}

resource "aws_subnet" "pods" {
  vpc_id     = aws_vpc_ipv4_cidr_block_association.pods.vpc_id
  cidr_block = "100.64.1.0/24"
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

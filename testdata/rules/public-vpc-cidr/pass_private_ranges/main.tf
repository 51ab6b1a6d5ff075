# Every RFC 1918 range and RFC 6598 shared space (for EKS pod networks) is fine.
resource "aws_vpc" "ten" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "one_seventy_two" {
  cidr_block = "172.31.0.0/16"
}

resource "aws_vpc" "one_ninety_two" {
  cidr_block = "192.168.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "pods" {
  vpc_id     = aws_vpc.ten.id
  cidr_block = "100.64.0.0/16"
}

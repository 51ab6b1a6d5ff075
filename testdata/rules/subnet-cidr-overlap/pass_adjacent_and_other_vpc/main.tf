# Adjacent ranges touch but do not overlap; the same CIDR in another VPC is fine.
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a_low" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.0.0/25"
}

resource "aws_subnet" "a_high" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.0.128/25"
}

resource "aws_subnet" "b_same_as_a_low" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.0.0.0/25"
}

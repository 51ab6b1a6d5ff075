resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

resource "aws_subnet" "private_extra" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.128/25" # inside 10.0.10.0/24
}

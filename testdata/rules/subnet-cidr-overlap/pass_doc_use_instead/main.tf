resource "aws_subnet" "private_extra" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.11.0/25"
}
